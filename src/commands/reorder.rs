//! `shopterm reorder NUMBER`: an earlier order again at today's prices and stock, reviewed,
//! confirmed and sent with an idempotency key (a failed send is retried with the saved draft).

use super::connect::{Ctx, connect};
use super::exit::{CliResult, Failure, io_failure};
use super::output::{Table, availability_text, confirm, print_json, stdout, when};
use serde::Serialize;
use shopterm::cli::{ExitStatus, ReorderArgs};
use shopterm::model::{
    Availability, Money, OrderNumber, OrderOutcome, PaymentPage, PlacedOrder, ProductCode,
};
use shopterm::paths::Paths;
use shopterm::reorder::{Blocker, Draft, DraftLine, DraftStore, DraftTotals, Resolution};
use shopterm::sanitize::clean;
use shopterm::shop::Feature;
use std::io::{IsTerminal, Write};

/// A line of the review, as `reorder --json` prints it.
#[derive(Serialize)]
struct ReviewLine {
    code: ProductCode,
    brand: Option<String>,
    name: Option<String>,
    quantity: u32,
    old_unit_price: Option<Money>,
    unit_price: Option<Money>,
    price_changed: bool,
    availability: Option<Availability>,
    /// `found`, `not_found`, `ambiguous` or `pending`.
    resolution: &'static str,
    /// For `ambiguous`: the brands that have the code.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    brands: Vec<String>,
    blocker: Option<ReviewBlocker>,
    /// Whether this line is (or was) sent.
    send: bool,
}

#[derive(Serialize)]
struct ReviewBlocker {
    /// `not_looked_up`, `not_found`, `ambiguous`, `out_of_stock`, `discontinued`,
    /// `not_enough_stock`, `zero_quantity`.
    code: &'static str,
    message: String,
    /// For `not_enough_stock`: how many are left.
    #[serde(skip_serializing_if = "Option::is_none")]
    available: Option<u32>,
}

#[derive(Serialize)]
struct ErrorReport {
    exit_status: i32,
    message: String,
}

/// What `reorder --json` prints.
#[derive(Serialize)]
struct ReorderReport {
    source: Option<OrderNumber>,
    /// The shopping list ordered, if one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    shopping_list: Option<String>,
    idempotency_key: String,
    /// A saved draft (from an earlier send that failed) was continued.
    continued: bool,
    lines: Vec<ReviewLine>,
    totals: DraftTotals,
    /// `sent`, `replayed`, `awaiting_payment`, `dry_run`, `not_confirmed`, `nothing_to_send`
    /// or `failed`.
    result: &'static str,
    order: Option<PlacedOrder>,
    /// Where to pay, on a shop that places the order once paid (`awaiting_payment`).
    #[serde(skip_serializing_if = "Option::is_none")]
    payment: Option<PaymentPage>,
    error: Option<ErrorReport>,
}

fn blocker_code(blocker: &Blocker) -> &'static str {
    match blocker {
        Blocker::NotLookedUp => "not_looked_up",
        Blocker::NotFound => "not_found",
        Blocker::Ambiguous => "ambiguous",
        Blocker::OutOfStock => "out_of_stock",
        Blocker::Discontinued => "discontinued",
        Blocker::NotEnoughStock { .. } => "not_enough_stock",
        Blocker::ZeroQuantity => "zero_quantity",
    }
}

fn review_line(line: &DraftLine) -> ReviewLine {
    let blocker = line.blocker();
    let (resolution, brands) = match &line.resolution {
        Resolution::Pending => ("pending", Vec::new()),
        Resolution::Found { .. } => ("found", Vec::new()),
        Resolution::NotFound => ("not_found", Vec::new()),
        Resolution::Ambiguous { brands } => ("ambiguous", brands.clone()),
    };
    let product = line.product();
    ReviewLine {
        code: line.code.clone(),
        brand: product.map(|p| p.brand.clone()).or(line.brand.clone()),
        name: line.name.clone().or(product.map(|p| p.name.clone())),
        quantity: line.quantity,
        old_unit_price: line.old_unit_price,
        unit_price: product.map(|p| p.price),
        price_changed: line.price_changed(),
        availability: product.map(|p| p.availability),
        resolution,
        brands,
        blocker: blocker.map(|b| ReviewBlocker {
            code: blocker_code(&b),
            message: b.describe(),
            available: match b {
                Blocker::NotEnoughStock { available } => Some(available),
                _ => None,
            },
        }),
        send: blocker.is_none(),
    }
}

fn report(draft: &Draft, continued: bool, result: &'static str) -> ReorderReport {
    ReorderReport {
        source: draft.source.clone(),
        shopping_list: draft.shopping_list.clone(),
        idempotency_key: draft.idempotency_key.clone(),
        continued,
        lines: draft.lines.iter().map(review_line).collect(),
        totals: draft.totals(),
        result,
        order: None,
        payment: None,
        error: None,
    }
}

fn write_review(out: &mut impl Write, draft: &Draft, continued: bool) -> std::io::Result<()> {
    match &draft.source {
        Some(source) => writeln!(
            out,
            "Reorder of {} at today's prices and stock",
            clean(source.as_str())
        )?,
        None => match &draft.shopping_list {
            Some(list) => writeln!(
                out,
                "Shopping list {} at today's prices and stock",
                clean(list)
            )?,
            None => writeln!(out, "Order draft")?,
        },
    }
    if continued {
        writeln!(
            out,
            "(continuing the draft {} saved {} UTC; a send that failed is retried safely with it)",
            draft.idempotency_key,
            when(draft.created_at)
        )?;
    }
    writeln!(out)?;
    let rows: Vec<Vec<String>> = draft
        .lines
        .iter()
        .map(|line| {
            let product = line.product();
            let (brand, name) = match product {
                Some(p) => (p.brand.clone(), line.name.clone().unwrap_or(p.name.clone())),
                None => (
                    line.brand.clone().unwrap_or_default(),
                    line.name.clone().unwrap_or_default(),
                ),
            };
            let availability = match &line.resolution {
                Resolution::Found { product } => availability_text(&product.availability),
                Resolution::NotFound => "not found".into(),
                Resolution::Ambiguous { brands } => {
                    format!("several brands: {}", brands.join(", "))
                }
                Resolution::Pending => "not checked".into(),
            };
            let mut note = Vec::new();
            if let (Some(old), Some(p)) = (line.old_unit_price, product)
                && line.price_changed()
            {
                note.push(
                    if p.price.amount > old.amount {
                        "price up"
                    } else {
                        "price down"
                    }
                    .to_owned(),
                );
            }
            match line.blocker() {
                Some(b) => note.push(format!("NOT SENT: {}", b.describe())),
                None => note.push("send".into()),
            }
            vec![
                clean(line.code.as_str()),
                clean(&brand),
                clean(&name),
                line.quantity.to_string(),
                line.old_unit_price
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
                product.map(|p| p.price.to_string()).unwrap_or_default(),
                clean(&availability),
                note.join("; "),
            ]
        })
        .collect();
    Table::new(
        &[
            "CODE",
            "BRAND",
            "NAME",
            "QTY",
            "WAS",
            "NOW",
            "AVAILABILITY",
            "",
        ],
        &["QTY", "WAS", "NOW"],
    )
    .indent("  ")
    .write_all(out, &rows)?;
    writeln!(out)?;
    let totals = draft.totals();
    if let Some(before) = totals.before {
        writeln!(out, "Before: {before} (every line at the earlier prices)")?;
    }
    let lines = draft.lines.len();
    match totals.now {
        Some(now) => writeln!(
            out,
            "Now:    {now} for the {} of {} that can be ordered (items only; the shop adds shipping)",
            totals.sendable_lines,
            shopterm::model::lines_count(lines)
        )?,
        None => writeln!(out, "Now:    no line can be ordered")?,
    }
    if totals.blocked_lines > 0 && totals.sendable_lines > 0 {
        writeln!(
            out,
            "{} cannot be ordered and will not be sent.",
            shopterm::model::lines_count(totals.blocked_lines)
        )?;
    }
    if draft.empty_cart_first {
        writeln!(out, "The shop's cart is emptied first.")?;
    }
    Ok(())
}

pub async fn reorder(args: ReorderArgs, paths: &Paths) -> CliResult {
    let ctx = connect(&args.profile, paths)?;
    // A platform that cannot place orders says so before anything else happens.
    if !args.dry_run {
        ctx.require(Feature::PlaceOrder)?;
    }
    ctx.require(Feature::ProductLookup)?;
    if args.empty_cart {
        ctx.require(Feature::ShopCart)?;
    }
    let store = DraftStore::new(&paths.data_dir, &ctx.name);
    let (mut draft, continued) = load_draft(&ctx, &store, &args).await?;
    // A choice made in the TUI's review (a saved draft) stands; the flag can only add it.
    draft.empty_cart_first |= args.empty_cart;
    draft.resolve(&*ctx.shop).await.map_err(|e| ctx.fail(e))?;
    let review = Review {
        json: args.json,
        continued,
    };
    let totals = draft.totals();

    if args.dry_run {
        return review.show(review.report(&draft, "dry_run"), &draft, None);
    }
    if totals.sendable_lines == 0 {
        review.show(review.report(&draft, "nothing_to_send"), &draft, None)?;
        return Err(Failure::new(
            ExitStatus::Refused,
            "no line of this order can be ordered now; nothing was sent",
        ));
    }
    if !args.yes {
        confirm_send(&ctx, &review, &draft, &totals).await?;
    }

    // Saved before sending: a failed send is retried with the same key, and the shop creates
    // at most one order for it.
    store.save(&draft).map_err(|e| {
        Failure::new(
            ExitStatus::Failure,
            format!("cannot save the draft before sending ({e}); nothing was sent"),
        )
    })?;
    send(&ctx, &store, &review, &draft, !args.yes).await
}

/// The draft `args` name: a saved one (by key, or the unsent repeat of the same order), else a
/// new one from the order. Answers whether a saved draft is continued.
async fn load_draft(ctx: &Ctx, store: &DraftStore, args: &ReorderArgs) -> CliResult<(Draft, bool)> {
    let saved = |matches: &dyn Fn(&Draft) -> bool| store.list().into_iter().rfind(|d| matches(d));
    if let Some(wanted) = &args.shopping_list {
        return shopping_list_draft(ctx, store, args, wanted).await;
    }
    match (&args.draft, &args.number) {
        (Some(key), _) => match saved(&|d| d.idempotency_key == *key) {
            Some(draft) => Ok((draft, true)),
            None => Err(Failure::new(
                ExitStatus::NotFound,
                format!("no saved draft {key} for the profile {}", ctx.name),
            )),
        },
        (None, Some(number)) => {
            let number = OrderNumber::from(number.trim());
            let earlier = saved(&|d| d.source.as_ref() == Some(&number));
            if let Some(draft) = continued(ctx, store, args, earlier).await? {
                return Ok((draft, true));
            }
            let detail = ctx.order(&number).await?;
            Ok((Draft::from_order(&detail), false))
        }
        (None, None) => Err(Failure::new(
            ExitStatus::Usage,
            "name the order to repeat, or --draft KEY",
        )),
    }
}

/// How the review (and the result) is shown: the chosen format, and whether a saved draft is
/// continued.
struct Review {
    json: bool,
    continued: bool,
}

impl Review {
    fn report(&self, draft: &Draft, result: &'static str) -> ReorderReport {
        report(draft, self.continued, result)
    }

    /// Prints what a send came to: the JSON report, or `tail` for a person (after the review,
    /// unless the review is on the screen already from the question).
    fn finish(
        &self,
        report: ReorderReport,
        draft: &Draft,
        tail: String,
        confirmed_interactively: bool,
    ) -> CliResult {
        if self.json {
            print_json(&report)
        } else if confirmed_interactively {
            let mut out = stdout();
            writeln!(out, "{tail}").map_err(io_failure)?;
            out.flush().map_err(io_failure)
        } else {
            self.show(report, draft, Some(tail))
        }
    }

    /// Prints the review (and result) in the chosen format.
    fn show(&self, report: ReorderReport, draft: &Draft, human_tail: Option<String>) -> CliResult {
        if self.json {
            return print_json(&report);
        }
        let mut out = stdout();
        write_review(&mut out, draft, self.continued).map_err(io_failure)?;
        if let Some(tail) = human_tail {
            writeln!(out, "\n{tail}").map_err(io_failure)?;
        }
        out.flush().map_err(io_failure)
    }
}

/// Shows the review and asks on the terminal; an error unless the person says yes.
async fn confirm_send(
    ctx: &Ctx,
    review: &Review,
    draft: &Draft,
    totals: &DraftTotals,
) -> CliResult {
    if !std::io::stdin().is_terminal() {
        review.show(review.report(draft, "not_confirmed"), draft, None)?;
        return Err(Failure::new(
            ExitStatus::NotConfirmed,
            "not sent: standard input is not a terminal, so shopterm cannot ask for \
             confirmation; review the lines above and run again with --yes to send them",
        ));
    }
    if review.json {
        // The JSON comes at the end; the person reviews the table on stderr meanwhile.
        let mut err = std::io::stderr().lock();
        write_review(&mut err, draft, review.continued).map_err(io_failure)?;
    } else {
        review.show(review.report(draft, "not_confirmed"), draft, None)?;
    }
    let now = totals.now.map(|m| format!(" for {m}")).unwrap_or_default();
    let question = format!(
        "Send the {} of {}{now} to {}?",
        totals.sendable_lines,
        shopterm::model::lines_count(draft.lines.len()),
        ctx.host
    );
    if confirm(question).await {
        return Ok(());
    }
    if review.json {
        print_json(&review.report(draft, "not_confirmed"))?;
    }
    Err(Failure::new(ExitStatus::NotConfirmed, "not sent"))
}

/// What a person reads after a send that awaits payment on the shop's page.
fn awaiting_payment_text(page: &PaymentPage) -> String {
    let place = match &page.form_file {
        // The form's HTML is the shop's: only the path of the file shopterm saved it to.
        Some(form) => format!(
            "with the shop's payment form: open this file in your browser:\n  {}",
            clean(&form.display().to_string())
        ),
        None => format!("on the shop's payment page:\n  {}", clean(&page.url)),
    };
    let mut text = format!(
        "Awaiting payment: pay {} {place}\nThe shop places the order once it is paid; it then shows in `shopterm orders`. Pay on one page only: each send asks for payment again.",
        page.total,
    );
    if !page.kept_lines.is_empty() {
        let kept: Vec<String> = page
            .kept_lines
            .iter()
            .map(|(code, quantity)| format!("{} x{quantity}", clean(code.as_str())))
            .collect();
        text.push_str(&format!(
            "\nThe shop's cart also held {}: they are in this payment too (--empty-cart empties the cart first).",
            kept.join(", ")
        ));
    }
    text
}

/// Discards a saved draft the user starts again from (`--new-draft`): its file, and what the
/// connector kept for its sends.
async fn discard(ctx: &Ctx, store: &DraftStore, old: &Draft) -> CliResult<()> {
    store.delete(&old.idempotency_key).map_err(|e| {
        Failure::new(
            ExitStatus::Failure,
            format!("cannot discard the saved draft: {e}"),
        )
    })?;
    ctx.shop.forget_draft(&old.idempotency_key).await;
    Ok(())
}

/// A draft of the shopping list `wanted` names: the saved unsent one of that list (unless
/// `--new-draft`), else a new one with the list's items.
async fn shopping_list_draft(
    ctx: &Ctx,
    store: &DraftStore,
    args: &ReorderArgs,
    wanted: &str,
) -> CliResult<(Draft, bool)> {
    ctx.require(Feature::ShoppingLists)?;
    let lists = ctx.shop.shopping_lists().await.map_err(|e| ctx.fail(e))?;
    let Some(list) = lists.iter().find(|l| l.is_named(wanted)) else {
        let names: Vec<String> = lists.iter().map(|l| clean(&l.name)).collect();
        let there = if names.is_empty() {
            "there are none".to_owned()
        } else {
            format!("there are: {}", names.join(", "))
        };
        return Err(Failure::new(
            ExitStatus::NotFound,
            format!("no shopping list {} ({there})", clean(wanted)),
        ));
    };
    let earlier = store
        .list()
        .into_iter()
        .rfind(|d| d.source.is_none() && d.shopping_list.as_deref() == Some(list.name.as_str()));
    match continued(ctx, store, args, earlier).await? {
        Some(draft) => Ok((draft, true)),
        None => Ok((Draft::from_shopping_list(list), false)),
    }
}

/// The saved unsent draft of the same order or list, `earlier`, is continued, unless
/// `--new-draft` asks for a new one: then it is discarded (not on a dry run) and there is none.
async fn continued(
    ctx: &Ctx,
    store: &DraftStore,
    args: &ReorderArgs,
    earlier: Option<Draft>,
) -> CliResult<Option<Draft>> {
    match earlier {
        Some(draft) if !args.new_draft => Ok(Some(draft)),
        earlier => {
            if let Some(old) = earlier
                && !args.dry_run
            {
                discard(ctx, store, &old).await?;
            }
            Ok(None)
        }
    }
}

/// Sends the saved draft and reports the result; the draft is deleted once the shop has the order.
async fn send(
    ctx: &Ctx,
    store: &DraftStore,
    review: &Review,
    draft: &Draft,
    confirmed_interactively: bool,
) -> CliResult {
    match draft.submit(&*ctx.shop).await {
        Ok(OrderOutcome::AwaitingPayment(page)) => {
            // The lines are in the shop's cart now; the shop makes the order once it is paid.
            if let Err(error) = store.delete(&draft.idempotency_key) {
                tracing::warn!(%error, "cannot delete the sent draft");
            }
            let tail = awaiting_payment_text(&page);
            let mut full = review.report(draft, "awaiting_payment");
            full.payment = Some(PaymentPage {
                url: clean(&page.url),
                ..page
            });
            review.finish(full, draft, tail, confirmed_interactively)
        }
        Ok(OrderOutcome::Placed(placed)) => {
            if let Err(error) = store.delete(&draft.idempotency_key) {
                tracing::warn!(%error, "cannot delete the sent draft");
            }
            let result = if placed.replayed { "replayed" } else { "sent" };
            let tail = if placed.replayed {
                format!(
                    "Already sent: order {} ({}). The shop had this draft's order from an earlier attempt; no second order was created.",
                    clean(placed.number.as_str()),
                    placed.total
                )
            } else {
                format!(
                    "Sent: order {} (total {} with shipping and tax).",
                    clean(placed.number.as_str()),
                    placed.total
                )
            };
            let mut full = review.report(draft, result);
            full.order = Some(placed);
            review.finish(full, draft, tail, confirmed_interactively)
        }
        Err(error) => {
            let mut failure = ctx.fail(error);
            let retry = if ctx.shop.capabilities().supports(Feature::IdempotentOrders) {
                "run the same command again to retry; the shop creates at most one order for it"
            } else if ctx.shop.capabilities().supports(Feature::PaymentPage) {
                // Centra: no order exists until a payment page is paid, and a resend brings the
                // cart to the same lines rather than adding them again.
                "run the same command again to get the payment page; the shop's cart keeps these lines once, and no order exists until it is paid (pay on one page only)"
            } else {
                // No idempotency on this platform (AbanteCart): a resend may be a second order.
                "check the order history before you send it again: this shop cannot tell a repeated send from a new order"
            };
            failure.message.push_str(&format!(
                "\nthe draft is saved ({}): {retry}",
                draft.idempotency_key
            ));
            if review.json {
                let mut full = review.report(draft, "failed");
                full.error = Some(ErrorReport {
                    exit_status: failure.status.code(),
                    message: failure.message.clone(),
                });
                print_json(&full)?;
            } else if !confirmed_interactively {
                review.show(review.report(draft, "failed"), draft, None)?;
            }
            Err(failure)
        }
    }
}
