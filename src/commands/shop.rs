//! The scripting commands: `account`, `addresses`, `orders`, `order`, `products`, `reorder`, and
//! `completions` and `man`. No TUI: aligned tables for people (every string from the shop cleaned
//! of escape sequences first), JSON or CSV for scripts, and exit statuses that say what went wrong
//! ([`ExitStatus`]). Errors go to stderr as one clear message.
//!
//! `orders --all` asks for the first page, learns the total from it, then fetches the remaining
//! pages concurrently (bounded) and prints each page as soon as it and the ones before it are
//! there: the history never sits in memory as a whole.

use clap::CommandFactory;
use futures_util::StreamExt as _;
use serde::Serialize;
use shopterm::auth::AuthError;
use shopterm::auth::session;
use shopterm::cli::*;
use shopterm::config::{Config, ConfigError};
use shopterm::model::*;
use shopterm::paths::Paths;
use shopterm::reorder::{Blocker, Draft, DraftLine, DraftStore, DraftTotals, Resolution};
use shopterm::sanitize::clean;
use shopterm::shop::{Feature, Shop, ShopError};
use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use unicode_width::UnicodeWidthStr;

/// Why a command failed, as the person (message) and the script (status) see it.
#[derive(Debug)]
pub struct Failure {
    status: ExitStatus,
    message: String,
}

impl Failure {
    fn new(status: ExitStatus, message: impl Into<String>) -> Failure {
        Failure {
            status,
            message: message.into(),
        }
    }
}

type CliResult<T = ()> = Result<T, Failure>;

/// The exit status for a shop error.
pub fn status_of(error: &ShopError) -> ExitStatus {
    match error {
        ShopError::NotSignedIn | ShopError::SessionExpired => ExitStatus::NotSignedIn,
        ShopError::NotFound(_) => ExitStatus::NotFound,
        ShopError::Network(_) | ShopError::RateLimited { .. } | ShopError::Server { .. } => {
            ExitStatus::Network
        }
        ShopError::Validation { .. } | ShopError::Conflict(_) | ShopError::Forbidden(_) => {
            ExitStatus::Refused
        }
        ShopError::Unsupported(_) => ExitStatus::Unsupported,
        ShopError::Protocol(_) => ExitStatus::Failure,
    }
}

fn io_failure(error: std::io::Error) -> Failure {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        // `shopterm orders --all | head`: the reader has seen enough. Stop quietly.
        Failure::new(ExitStatus::Ok, "")
    } else {
        Failure::new(
            ExitStatus::Failure,
            format!("cannot write the output: {error}"),
        )
    }
}

fn config_failure(error: ConfigError) -> Failure {
    let status = match error {
        ConfigError::NoProfiles => ExitStatus::NotSignedIn,
        ConfigError::UnknownProfile { .. } | ConfigError::NoDefault(_) => ExitStatus::Usage,
        _ => ExitStatus::Failure,
    };
    Failure::new(status, error.to_string())
}

/// The command's `--profile`, else the one given before the command (`shopterm -p P orders`).
fn or_global(args: &mut ProfileArgs, global: &Option<String>) {
    if args.profile.is_none() {
        args.profile.clone_from(global);
    }
}

/// Runs one scripting command; prints its error, if any, to stderr; answers the exit status.
/// `profile` is the `--profile` given before the command name.
pub async fn run(command: Command, profile: Option<String>, paths: &Paths) -> ExitStatus {
    let result = match command {
        Command::Account(mut args) => {
            or_global(&mut args.profile, &profile);
            account(args, paths).await
        }
        Command::Addresses(mut args) => {
            or_global(&mut args.profile, &profile);
            addresses(args, paths).await
        }
        Command::Orders(mut args) => {
            or_global(&mut args.profile, &profile);
            orders(args, paths).await
        }
        Command::Order(mut args) => {
            or_global(&mut args.profile, &profile);
            order(args, paths).await
        }
        Command::Products(mut args) => {
            or_global(&mut args.profile, &profile);
            products(args, paths).await
        }
        Command::Reorder(mut args) => {
            or_global(&mut args.profile, &profile);
            reorder(args, paths).await
        }
        Command::Completions(args) => completions(args),
        Command::Man(args) => man(args),
        other => Err(Failure::new(
            ExitStatus::Failure,
            format!("not a scripting command: {other:?}"),
        )),
    };
    match result {
        Ok(()) => ExitStatus::Ok,
        Err(failure) => {
            if !failure.message.is_empty() {
                tracing::info!(status = failure.status.code(), "command failed");
                let mut err = std::io::stderr().lock();
                for (i, line) in failure.message.lines().enumerate() {
                    let prefix = if i == 0 { "shopterm: " } else { "  " };
                    let _ = writeln!(err, "{prefix}{}", clean(line));
                }
            }
            failure.status
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Connecting
// ---------------------------------------------------------------------------------------------

/// A signed-in shop of one profile, and how to word its errors.
struct Ctx {
    name: String,
    host: String,
    shop: Arc<dyn Shop>,
}

fn connect(profile: &ProfileArgs, paths: &Paths) -> CliResult<Ctx> {
    let config = Config::load(paths).map_err(config_failure)?;
    let (name, profile) = config
        .resolve(profile.profile.as_deref(), paths)
        .map_err(config_failure)?;
    let host = profile.display_host();
    let connection = match session::connect(paths, &name, &profile) {
        Ok(connection) => connection,
        Err(error) => {
            let status = match &error {
                AuthError::Shop(shop) => status_of(shop),
                AuthError::Network(_) => ExitStatus::Network,
                AuthError::Denied { .. } | AuthError::Refused { .. } => ExitStatus::NotSignedIn,
                AuthError::Config(message) if message.contains("not supported") => {
                    ExitStatus::Unsupported
                }
                _ => ExitStatus::Failure,
            };
            let mut message = format!("{host} (profile {name}): {error}");
            if status == ExitStatus::NotSignedIn {
                message.push_str(&format!("\nsign in with `shopterm login --profile {name}`"));
            }
            return Err(Failure::new(status, message));
        }
    };
    Ok(Ctx {
        name,
        host,
        shop: connection.shop,
    })
}

impl Ctx {
    /// A shop error, worded with the shop's name and what to do next.
    fn fail(&self, error: ShopError) -> Failure {
        let status = status_of(&error);
        let message = match &error {
            ShopError::NotSignedIn | ShopError::SessionExpired => format!(
                "{}: {error}\nsign in with `shopterm login --profile {}`",
                self.host, self.name
            ),
            ShopError::Unsupported(feature) => format!(
                "{} is not available on this shop ({}, a {} shop)",
                feature.describe(),
                self.host,
                self.shop.platform()
            ),
            _ => format!("{}: {error}", self.host),
        };
        Failure::new(status, message)
    }

    fn require(&self, feature: Feature) -> CliResult {
        self.shop
            .capabilities()
            .require(feature)
            .map_err(|e| self.fail(e))
    }
}

// ---------------------------------------------------------------------------------------------
// Output helpers
// ---------------------------------------------------------------------------------------------

/// Standard output, buffered; written pages go out when the buffer fills or at `flush`.
fn stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock())
}

/// Characters a terminal may act on that JSON does not escape by itself: DEL, C1 controls (8-bit
/// CSI / OSC …) and bidi formatting. In JSON they can only occur inside strings, so writing them
/// as `\uXXXX` changes nothing for a JSON parser and keeps a terminal inert.
fn terminal_unsafe(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

fn escape_unsafe_json(json: &mut Vec<u8>) {
    // serde_json writes valid UTF-8; every character of interest is two or three bytes long and
    // starts with 0xC2, 0xD8 or 0xE2 (DEL is 0x7F).
    if !json.iter().any(|b| matches!(b, 0x7f | 0xc2 | 0xd8 | 0xe2)) {
        return;
    }
    let Ok(text) = std::str::from_utf8(json) else {
        return;
    };
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if terminal_unsafe(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    *json = out.into_bytes();
}

/// One JSON document: pretty, escaped for terminals, with a final newline.
fn write_json<T: Serialize>(out: &mut impl Write, value: &T) -> CliResult {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| Failure::new(ExitStatus::Failure, format!("cannot write JSON: {e}")))?;
    escape_unsafe_json(&mut bytes);
    bytes.push(b'\n');
    out.write_all(&bytes).map_err(io_failure)
}

fn print_json<T: Serialize>(value: &T) -> CliResult {
    let mut out = stdout();
    write_json(&mut out, value)?;
    out.flush().map_err(io_failure)
}

fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

fn pad(text: &str, to: usize, right: bool) -> String {
    let fill = " ".repeat(to.saturating_sub(width(text)));
    if right {
        format!("{fill}{text}")
    } else {
        format!("{text}{fill}")
    }
}

/// An aligned text table. Cells must be cleaned text already.
struct Table {
    header: Vec<&'static str>,
    right: Vec<bool>,
    widths: Vec<usize>,
    indent: &'static str,
}

impl Table {
    /// Columns named `header`; those named in `right` are right-aligned (numbers, money).
    fn new(header: &[&'static str], right: &[&'static str]) -> Table {
        Table {
            header: header.to_vec(),
            right: header.iter().map(|h| right.contains(h)).collect(),
            widths: header.iter().map(|h| width(h)).collect(),
            indent: "",
        }
    }

    fn indent(mut self, indent: &'static str) -> Table {
        self.indent = indent;
        self
    }

    /// Widens the columns to fit `rows`.
    fn fit(&mut self, rows: &[Vec<String>]) {
        for row in rows {
            for (w, cell) in self.widths.iter_mut().zip(row) {
                *w = (*w).max(width(cell));
            }
        }
    }

    fn line(&self, cells: &[&str]) -> String {
        let last = cells.len().saturating_sub(1);
        let mut line = String::from(self.indent);
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            if i == last && !self.right[i] {
                line.push_str(cell);
            } else {
                line.push_str(&pad(cell, self.widths[i], self.right[i]));
            }
        }
        line.truncate(line.trim_end().len());
        line
    }

    fn write_header(&self, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(out, "{}", self.line(&self.header))
    }

    fn write_row(&self, out: &mut impl Write, row: &[String]) -> std::io::Result<()> {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        writeln!(out, "{}", self.line(&cells))
    }

    /// Header and rows, widths fitted to all of them.
    fn write_all(mut self, out: &mut impl Write, rows: &[Vec<String>]) -> std::io::Result<()> {
        self.fit(rows);
        self.write_header(out)?;
        for row in rows {
            self.write_row(out, row)?;
        }
        Ok(())
    }
}

fn when(at: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_else(|_| at.to_string())
}

fn opt(text: &Option<String>) -> String {
    text.as_deref().map(clean).unwrap_or_default()
}

fn availability_text(availability: &Availability) -> String {
    match availability {
        Availability::InStock { quantity: None } => "in stock".into(),
        Availability::InStock { quantity: Some(0) } => "out of stock".into(),
        Availability::InStock { quantity: Some(n) } => format!("in stock ({n})"),
        Availability::OutOfStock => "out of stock".into(),
        Availability::Discontinued => "no longer sold".into(),
    }
}

// ---------------------------------------------------------------------------------------------
// account, addresses
// ---------------------------------------------------------------------------------------------

async fn account(args: JsonArgs, paths: &Paths) -> CliResult {
    let ctx = connect(&args.profile, paths)?;
    let account = ctx.shop.account().await.map_err(|e| ctx.fail(e))?;
    if args.json {
        return print_json(&account);
    }
    let mut rows = vec![
        ("Name", clean(&account.display_name())),
        ("E-mail", clean(&account.email)),
    ];
    if account.company.is_some() {
        rows.push(("Company", opt(&account.company)));
    }
    if account.phone.is_some() {
        rows.push(("Phone", opt(&account.phone)));
    }
    rows.push(("Customer", clean(account.id.as_str())));
    if let Some(at) = account.created_at {
        rows.push(("Since", when(at)[..10].to_owned()));
    }
    let mut out = stdout();
    for (label, value) in rows {
        writeln!(out, "{:<10}{value}", format!("{label}:")).map_err(io_failure)?;
    }
    out.flush().map_err(io_failure)
}

/// An address on one line: name, company, street, postcode and city, region, country.
fn address_line(postal: &PostalAddress) -> String {
    let mut parts = vec![postal.line1.clone()];
    parts.extend(postal.line2.clone().filter(|l| !l.trim().is_empty()));
    parts.push(
        format!("{} {}", postal.postcode, postal.city)
            .trim()
            .to_owned(),
    );
    parts.extend(postal.region.clone().filter(|r| !r.trim().is_empty()));
    parts.push(postal.country.clone());
    clean(&parts.join(", "))
}

fn person(postal: &PostalAddress) -> String {
    let name = format!("{} {}", postal.first_name, postal.last_name);
    let name = match &postal.company {
        Some(company) if !company.trim().is_empty() => format!("{}, {company}", name.trim()),
        _ => name.trim().to_owned(),
    };
    clean(&name)
}

async fn addresses(args: JsonArgs, paths: &Paths) -> CliResult {
    let ctx = connect(&args.profile, paths)?;
    let book = ctx.shop.addresses().await.map_err(|e| ctx.fail(e))?;
    if args.json {
        return print_json(&book);
    }
    let mut out = stdout();
    if book.is_empty() {
        writeln!(out, "The address book is empty.").map_err(io_failure)?;
    } else {
        let rows: Vec<Vec<String>> = book
            .iter()
            .map(|a| {
                let defaults: Vec<&str> = [
                    a.default_shipping.then_some("shipping"),
                    a.default_billing.then_some("billing"),
                ]
                .into_iter()
                .flatten()
                .collect();
                vec![
                    clean(a.id.as_str()),
                    person(&a.postal),
                    address_line(&a.postal),
                    defaults.join(", "),
                ]
            })
            .collect();
        Table::new(&["ID", "NAME", "ADDRESS", "DEFAULT FOR"], &[])
            .write_all(&mut out, &rows)
            .map_err(io_failure)?;
    }
    out.flush().map_err(io_failure)
}

// ---------------------------------------------------------------------------------------------
// orders
// ---------------------------------------------------------------------------------------------

/// One CSV row of the order history.
#[derive(Serialize)]
struct OrderCsvRow<'a> {
    number: std::borrow::Cow<'a, str>,
    placed_at: String,
    status: &'static str,
    status_label: std::borrow::Cow<'a, str>,
    payment_status: &'static str,
    payment_label: std::borrow::Cow<'a, str>,
    item_count: u32,
    total: String,
    currency: &'a str,
}

/// Where the orders go, in the chosen format.
enum OrdersSink<W: Write> {
    Json {
        out: W,
        count: u64,
    },
    Csv {
        out: Box<csv::Writer<W>>,
        /// Clean the fields: the CSV goes to a terminal.
        clean: bool,
    },
    Table {
        out: W,
        table: Option<Table>,
    },
}

impl<W: Write> OrdersSink<W> {
    fn new(out: W, args: &OrdersArgs, to_terminal: bool) -> OrdersSink<W> {
        if args.json {
            OrdersSink::Json { out, count: 0 }
        } else if args.csv {
            OrdersSink::Csv {
                out: Box::new(
                    csv::WriterBuilder::new()
                        .has_headers(false)
                        .terminator(csv::Terminator::CRLF)
                        .from_writer(out),
                ),
                clean: to_terminal,
            }
        } else {
            OrdersSink::Table { out, table: None }
        }
    }

    fn table_row(order: &OrderSummary) -> Vec<String> {
        vec![
            clean(order.number.as_str()),
            when(order.placed_at),
            clean(shopterm::model::shown_label(&order.status_label)),
            clean(shopterm::model::shown_label(&order.payment_label)),
            shopterm::model::shown_item_count(order.item_count),
            order.total.to_string(),
        ]
    }

    /// Writes one page of orders (after the header, on the first page).
    fn page(&mut self, orders: &[OrderSummary]) -> CliResult {
        match self {
            OrdersSink::Json { out, count } => {
                let mut buffer = Vec::with_capacity(orders.len() * 320);
                for order in orders {
                    buffer.extend_from_slice(if *count == 0 { b"[\n" } else { b",\n" });
                    serde_json::to_writer(&mut buffer, order).map_err(|e| {
                        Failure::new(ExitStatus::Failure, format!("cannot write JSON: {e}"))
                    })?;
                    *count += 1;
                }
                escape_unsafe_json(&mut buffer);
                out.write_all(&buffer).map_err(io_failure)
            }
            OrdersSink::Csv { out, clean: c } => {
                let text = |s: &'_ str| -> String { if *c { clean(s) } else { s.to_owned() } };
                for order in orders {
                    let row = OrderCsvRow {
                        number: text(order.number.as_str()).into(),
                        placed_at: order
                            .placed_at
                            .format(&time::format_description::well_known::Rfc3339)
                            .unwrap_or_default(),
                        status: order.status.as_str(),
                        status_label: text(&order.status_label).into(),
                        payment_status: order.payment_status.as_str(),
                        payment_label: text(&order.payment_label).into(),
                        item_count: order.item_count,
                        total: order.total.amount.to_string(),
                        currency: order.total.currency.as_str(),
                    };
                    out.serialize(row).map_err(csv_failure)?;
                }
                Ok(())
            }
            OrdersSink::Table { out, table } => {
                let rows: Vec<Vec<String>> = orders.iter().map(Self::table_row).collect();
                if table.is_none() {
                    // Widths from the first page; later pages keep them (streamed output).
                    let mut new = Table::new(
                        &[
                            "NUMBER",
                            "PLACED (UTC)",
                            "STATUS",
                            "PAYMENT",
                            "ITEMS",
                            "TOTAL",
                        ],
                        &["ITEMS", "TOTAL"],
                    );
                    new.fit(&rows);
                    new.write_header(out).map_err(io_failure)?;
                    *table = Some(new);
                }
                if let Some(table) = table {
                    for row in &rows {
                        table.write_row(out, row).map_err(io_failure)?;
                    }
                }
                Ok(())
            }
        }
    }

    fn finish(self) -> CliResult {
        match self {
            OrdersSink::Json { mut out, count } => {
                out.write_all(if count == 0 { b"[]\n" } else { b"\n]\n" })
                    .map_err(io_failure)?;
                out.flush().map_err(io_failure)
            }
            OrdersSink::Csv { mut out, .. } => out.flush().map_err(io_failure),
            OrdersSink::Table { mut out, table } => {
                if table.is_none() {
                    writeln!(out, "No orders.").map_err(io_failure)?;
                }
                out.flush().map_err(io_failure)
            }
        }
    }
}

fn csv_failure(error: csv::Error) -> Failure {
    match error.into_kind() {
        csv::ErrorKind::Io(io) => io_failure(io),
        other => Failure::new(ExitStatus::Failure, format!("cannot write CSV: {other:?}")),
    }
}

/// How `orders` pages through the history.
struct Paging {
    /// At most this many orders (`None`: all).
    want: Option<u64>,
    page_size: u32,
    concurrency: usize,
}

async fn orders(args: OrdersArgs, paths: &Paths) -> CliResult {
    let ctx = connect(&args.profile, paths)?;
    let filter = OrderFilter {
        status: args.status,
        since: args.since,
        search: args.search.clone().filter(|s| !s.trim().is_empty()),
    };
    ctx.require(Feature::OrderHistory)?;
    if filter != OrderFilter::default() {
        ctx.require(Feature::OrderSearch)?;
    }
    let paging = Paging {
        want: if args.all {
            None
        } else {
            Some(args.limit.unwrap_or(u64::from(PageRequest::DEFAULT_LIMIT)))
        },
        page_size: args.page_size,
        concurrency: args.concurrency as usize,
    };
    let mut sink = OrdersSink::new(stdout(), &args, std::io::stdout().is_terminal());
    if let OrdersSink::Csv { out, .. } = &mut sink {
        // The header, also for an empty history.
        out.write_record([
            "number",
            "placed_at",
            "status",
            "status_label",
            "payment_status",
            "payment_label",
            "item_count",
            "total",
            "currency",
        ])
        .map_err(csv_failure)?;
    }
    let human = !args.json && !args.csv;
    let (written, total) = stream_orders(&ctx, filter, &paging, |page| sink.page(page)).await?;
    sink.finish()?;
    if human && let Some(total) = total.filter(|t| *t > written) {
        eprintln!("{written} of {total} orders shown; --all shows every order, --limit N more.");
    }
    Ok(())
}

/// Fetches the orders `paging` asks for and hands them to `emit` page by page, newest first, each
/// order once. Answers how many were emitted and the total the shop reported.
async fn stream_orders(
    ctx: &Ctx,
    filter: OrderFilter,
    paging: &Paging,
    mut emit: impl FnMut(&[OrderSummary]) -> CliResult,
) -> CliResult<(u64, Option<u64>)> {
    let want = paging.want.unwrap_or(u64::MAX);
    let request = |offset: u64, limit: u64| PageRequest {
        offset,
        limit: limit.min(u64::from(paging.page_size)).max(1) as u32,
        filter: filter.clone(),
    };
    let first = ctx
        .shop
        .orders(&request(0, want))
        .await
        .map_err(|e| ctx.fail(e))?;
    let total = first.total;
    let mut written = 0u64;
    // Numbers already written: an order placed while paging shifts the history by one, and the
    // order at a page boundary would come twice.
    let mut seen: HashSet<OrderNumber> = HashSet::new();
    let mut write = |items: Vec<OrderSummary>, written: &mut u64| -> CliResult {
        let fresh: Vec<OrderSummary> = items
            .into_iter()
            .filter(|o| seen.insert(o.number.clone()))
            .take((want - *written).try_into().unwrap_or(usize::MAX))
            .collect();
        *written += fresh.len() as u64;
        if fresh.is_empty() {
            return Ok(());
        }
        emit(&fresh)
    };
    let page_len = first.items.len() as u64;
    let mut offset = page_len;
    let mut more = first.has_more && page_len > 0;
    write(first.items, &mut written)?;

    // The rest, concurrently, when the shop told the total: pages of the size it answered.
    if more
        && written < want
        && let Some(total) = total
    {
        let end = total.min(want);
        let offsets: Vec<u64> = (offset..end).step_by(page_len as usize).collect();
        let shop = ctx.shop.clone();
        let mut pages = futures_util::stream::iter(offsets)
            .map(|at| {
                let shop = shop.clone();
                let page = request(at, page_len.min(end - at));
                async move { shop.orders(&page).await.map(|p| (at, p)) }
            })
            .buffered(paging.concurrency.max(1));
        while let Some(answer) = pages.next().await {
            let (at, page) = answer.map_err(|e| ctx.fail(e))?;
            offset = at + page.items.len() as u64;
            more = page.has_more && !page.items.is_empty();
            write(page.items, &mut written)?;
        }
    }
    // One page after the other: a shop that does not tell the total, or orders placed meanwhile.
    while more && written < want {
        let page = ctx
            .shop
            .orders(&request(offset, want - written))
            .await
            .map_err(|e| ctx.fail(e))?;
        offset += page.items.len() as u64;
        more = page.has_more && !page.items.is_empty();
        write(page.items, &mut written)?;
    }
    Ok((written, total))
}

// ---------------------------------------------------------------------------------------------
// order
// ---------------------------------------------------------------------------------------------

async fn order(args: OrderArgs, paths: &Paths) -> CliResult {
    let ctx = connect(&args.profile, paths)?;
    let number = OrderNumber::from(args.number.trim());
    let detail = ctx.shop.order(&number).await.map_err(|e| match e {
        ShopError::NotFound(_) => Failure::new(
            ExitStatus::NotFound,
            format!("{}: no order {number} for this customer", ctx.host),
        ),
        other => ctx.fail(other),
    })?;
    if args.json {
        return print_json(&detail);
    }
    let mut out = stdout();
    write_order(&mut out, &detail).map_err(io_failure)?;
    out.flush().map_err(io_failure)
}

fn write_order(out: &mut impl Write, order: &OrderDetail) -> std::io::Result<()> {
    let s = &order.summary;
    writeln!(
        out,
        "Order {}  placed {} UTC",
        clean(s.number.as_str()),
        when(s.placed_at)
    )?;
    writeln!(
        out,
        "Status:   {} ({})",
        clean(&s.status_label),
        s.status.as_str()
    )?;
    writeln!(
        out,
        "Payment:  {} ({})",
        clean(&s.payment_label),
        s.payment_status.as_str()
    )?;
    writeln!(out)?;
    let rows: Vec<Vec<String>> = order
        .lines
        .iter()
        .map(|l| {
            vec![
                clean(l.code.as_str()),
                clean(&l.brand),
                clean(&l.name),
                l.quantity.to_string(),
                l.unit_price.to_string(),
                l.line_total.to_string(),
            ]
        })
        .collect();
    Table::new(
        &["CODE", "BRAND", "NAME", "QTY", "UNIT PRICE", "TOTAL"],
        &["QTY", "UNIT PRICE", "TOTAL"],
    )
    .indent("  ")
    .write_all(out, &rows)?;
    writeln!(out)?;
    let t = &order.totals;
    let totals = [
        ("Items", t.items),
        ("Discounts", t.discounts),
        ("Shipping", t.shipping),
        ("Tax", t.tax),
        ("Total", t.grand_total),
    ];
    let money_width = totals
        .iter()
        .map(|(_, m)| width(&m.to_string()))
        .max()
        .unwrap_or(0);
    for (label, money) in totals {
        writeln!(
            out,
            "  {:<11}{}",
            format!("{label}:"),
            pad(&money.to_string(), money_width, true)
        )?;
    }
    writeln!(out)?;
    for (label, address) in [
        ("Ship to", &order.shipping_address),
        ("Bill to", &order.billing_address),
    ] {
        if let Some(address) = address {
            writeln!(
                out,
                "{label}:  {}, {}",
                person(address),
                address_line(address)
            )?;
        }
    }
    writeln!(out)?;
    if order.shipments.is_empty() {
        writeln!(out, "Shipments: none yet")?;
        return Ok(());
    }
    writeln!(out, "Shipments:")?;
    let rows: Vec<Vec<String>> = order
        .shipments
        .iter()
        .map(|sh| {
            let contents: Vec<String> = sh
                .lines
                .iter()
                .map(|l| format!("{}×{}", clean(l.code.as_str()), l.quantity))
                .collect();
            vec![
                clean(&sh.id),
                sh.state.label().to_owned(),
                sh.shipped_at.map(when).unwrap_or_default(),
                clean(&sh.carrier),
                opt(&sh.service),
                opt(&sh.tracking_id),
                contents.join(" "),
            ]
        })
        .collect();
    Table::new(
        &[
            "ID", "STATE", "SHIPPED", "CARRIER", "SERVICE", "TRACKING", "CONTENTS",
        ],
        &[],
    )
    .indent("  ")
    .write_all(out, &rows)?;
    for sh in &order.shipments {
        if let Some(url) = &sh.tracking_url {
            writeln!(out, "  Track {}: {}", clean(&sh.id), clean(url))?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// products
// ---------------------------------------------------------------------------------------------

async fn products(args: ProductsArgs, paths: &Paths) -> CliResult {
    let ctx = connect(&args.profile, paths)?;
    ctx.require(Feature::ProductLookup)?;
    let brand = args.brand.clone().filter(|b| !b.trim().is_empty());
    if brand.is_some() {
        ctx.require(Feature::BrandLookup)?;
    }
    let mut codes: Vec<ProductCode> = Vec::new();
    for code in args
        .codes
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
    {
        if !codes
            .iter()
            .any(|known| known.as_str().eq_ignore_ascii_case(code))
        {
            codes.push(ProductCode::from(code));
        }
    }
    if codes.is_empty() {
        return Err(Failure::new(ExitStatus::Usage, "no product code given"));
    }
    let mut found: Vec<Product> = Vec::new();
    for chunk in codes.chunks(100) {
        let query = ProductQuery {
            codes: chunk.to_vec(),
            brand: brand.clone(),
        };
        found.extend(ctx.shop.products(&query).await.map_err(|e| ctx.fail(e))?);
    }
    // In the order asked; a code sold by several brands gives several products.
    let mut products: Vec<Product> = Vec::new();
    let mut missing: Vec<&ProductCode> = Vec::new();
    for code in &codes {
        let matching: Vec<Product> = found
            .iter()
            .filter(|p| p.code.as_str().eq_ignore_ascii_case(code.as_str()))
            .cloned()
            .collect();
        if matching.is_empty() {
            missing.push(code);
        }
        products.extend(matching);
    }
    if args.json {
        print_json(&products)?;
    } else {
        let mut out = stdout();
        if !products.is_empty() {
            let rows: Vec<Vec<String>> = products
                .iter()
                .map(|p| {
                    vec![
                        clean(p.code.as_str()),
                        clean(&p.brand),
                        clean(&p.name),
                        p.price.to_string(),
                        availability_text(&p.availability),
                    ]
                })
                .collect();
            Table::new(
                &["CODE", "BRAND", "NAME", "PRICE", "AVAILABILITY"],
                &["PRICE"],
            )
            .write_all(&mut out, &rows)
            .map_err(io_failure)?;
        }
        out.flush().map_err(io_failure)?;
    }
    if missing.is_empty() {
        return Ok(());
    }
    let list: Vec<&str> = missing.iter().map(|c| c.as_str()).collect();
    let of_brand = brand
        .map(|b| format!(" of the brand {b}"))
        .unwrap_or_default();
    Err(Failure::new(
        ExitStatus::NotFound,
        format!("no product{of_brand} with the code {}", list.join(", ")),
    ))
}

// ---------------------------------------------------------------------------------------------
// reorder
// ---------------------------------------------------------------------------------------------

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
    idempotency_key: String,
    /// A saved draft (from an earlier send that failed) was continued.
    continued: bool,
    lines: Vec<ReviewLine>,
    totals: DraftTotals,
    /// `sent`, `replayed`, `dry_run`, `not_confirmed`, `nothing_to_send` or `failed`.
    result: &'static str,
    order: Option<PlacedOrder>,
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
        idempotency_key: draft.idempotency_key.clone(),
        continued,
        lines: draft.lines.iter().map(review_line).collect(),
        totals: draft.totals(),
        result,
        order: None,
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
        None => writeln!(out, "Order draft")?,
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
            "Now:    {now} for the {} of {lines} line(s) that can be ordered (items only; the shop adds shipping)",
            totals.sendable_lines
        )?,
        None => writeln!(out, "Now:    no line can be ordered")?,
    }
    if totals.blocked_lines > 0 && totals.sendable_lines > 0 {
        writeln!(
            out,
            "{} line(s) cannot be ordered and will not be sent.",
            totals.blocked_lines
        )?;
    }
    Ok(())
}

/// Asks on the terminal; true for yes.
async fn confirm(question: String) -> bool {
    tokio::task::spawn_blocking(move || {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "{question} [y/N] ");
        let _ = err.flush();
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).is_err() {
            return false;
        }
        matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
    })
    .await
    .unwrap_or(false)
}

async fn reorder(args: ReorderArgs, paths: &Paths) -> CliResult {
    let ctx = connect(&args.profile, paths)?;
    // A platform that cannot place orders says so before anything else happens.
    if !args.dry_run {
        ctx.require(Feature::PlaceOrder)?;
    }
    ctx.require(Feature::ProductLookup)?;
    let store = DraftStore::new(&paths.data_dir, &ctx.name);
    let saved = |matches: &dyn Fn(&Draft) -> bool| store.list().into_iter().rfind(|d| matches(d));
    let (mut draft, continued) = match (&args.draft, &args.number) {
        (Some(key), _) => match saved(&|d| d.idempotency_key == *key) {
            Some(draft) => (draft, true),
            None => {
                return Err(Failure::new(
                    ExitStatus::NotFound,
                    format!("no saved draft {key} for the profile {}", ctx.name),
                ));
            }
        },
        (None, Some(number)) => {
            let number = OrderNumber::from(number.trim());
            let earlier = saved(&|d| d.source.as_ref() == Some(&number));
            match earlier {
                Some(draft) if !args.new_draft => (draft, true),
                earlier => {
                    if let Some(old) = earlier
                        && !args.dry_run
                    {
                        store.delete(&old.idempotency_key).map_err(|e| {
                            Failure::new(
                                ExitStatus::Failure,
                                format!("cannot discard the saved draft: {e}"),
                            )
                        })?;
                    }
                    let detail = ctx.shop.order(&number).await.map_err(|e| match e {
                        ShopError::NotFound(_) => Failure::new(
                            ExitStatus::NotFound,
                            format!("{}: no order {number} for this customer", ctx.host),
                        ),
                        other => ctx.fail(other),
                    })?;
                    (Draft::from_order(&detail), false)
                }
            }
        }
        (None, None) => {
            return Err(Failure::new(
                ExitStatus::Usage,
                "name the order to repeat, or --draft KEY",
            ));
        }
    };
    draft.resolve(&*ctx.shop).await.map_err(|e| ctx.fail(e))?;

    let json = args.json;
    // Prints the review (and result) in the chosen format.
    let show = |report: ReorderReport, draft: &Draft, human_tail: Option<String>| -> CliResult {
        if json {
            return print_json(&report);
        }
        let mut out = stdout();
        write_review(&mut out, draft, continued).map_err(io_failure)?;
        if let Some(tail) = human_tail {
            writeln!(out, "\n{tail}").map_err(io_failure)?;
        }
        out.flush().map_err(io_failure)
    };
    let totals = draft.totals();

    if args.dry_run {
        return show(report(&draft, continued, "dry_run"), &draft, None);
    }
    if totals.sendable_lines == 0 {
        show(report(&draft, continued, "nothing_to_send"), &draft, None)?;
        return Err(Failure::new(
            ExitStatus::Refused,
            "no line of this order can be ordered now; nothing was sent",
        ));
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            show(report(&draft, continued, "not_confirmed"), &draft, None)?;
            return Err(Failure::new(
                ExitStatus::NotConfirmed,
                "not sent: standard input is not a terminal, so shopterm cannot ask for \
                 confirmation; review the lines above and run again with --yes to send them",
            ));
        }
        if json {
            // The JSON comes at the end; the person reviews the table on stderr meanwhile.
            let mut err = std::io::stderr().lock();
            write_review(&mut err, &draft, continued).map_err(io_failure)?;
        } else {
            show(report(&draft, continued, "not_confirmed"), &draft, None)?;
        }
        let now = totals.now.map(|m| format!(" for {m}")).unwrap_or_default();
        let question = format!(
            "Send the {} of {} line(s){now} to {}?",
            totals.sendable_lines,
            draft.lines.len(),
            ctx.host
        );
        if !confirm(question).await {
            if json {
                print_json(&report(&draft, continued, "not_confirmed"))?;
            }
            return Err(Failure::new(ExitStatus::NotConfirmed, "not sent"));
        }
    }

    // Saved before sending: a failed send is retried with the same key, and the shop creates
    // at most one order for it.
    store.save(&draft).map_err(|e| {
        Failure::new(
            ExitStatus::Failure,
            format!("cannot save the draft before sending ({e}); nothing was sent"),
        )
    })?;
    let confirmed_interactively = !args.yes;
    match draft.send(&*ctx.shop).await {
        Ok(placed) => {
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
            let mut full = report(&draft, continued, result);
            full.order = Some(placed);
            if json {
                print_json(&full)
            } else if confirmed_interactively {
                // The review is on the screen already.
                let mut out = stdout();
                writeln!(out, "{tail}").map_err(io_failure)?;
                out.flush().map_err(io_failure)
            } else {
                show(full, &draft, Some(tail))
            }
        }
        Err(error) => {
            let mut failure = ctx.fail(error);
            failure.message.push_str(&format!(
                "\nthe draft is saved ({}): run the same command again to retry; the shop creates at most one order for it",
                draft.idempotency_key
            ));
            if json {
                let mut full = report(&draft, continued, "failed");
                full.error = Some(ErrorReport {
                    exit_status: failure.status.code(),
                    message: failure.message.clone(),
                });
                print_json(&full)?;
            } else if !confirmed_interactively {
                show(report(&draft, continued, "failed"), &draft, None)?;
            }
            Err(failure)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// completions, man
// ---------------------------------------------------------------------------------------------

fn completions(args: CompletionsArgs) -> CliResult {
    let mut command = Cli::command();
    let mut out = stdout();
    clap_complete::generate(args.shell, &mut command, "shopterm", &mut out);
    out.flush().map_err(io_failure)
}

/// Text for roff: backslashes escaped, no line starting with a control character.
fn roff_text(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// The EXIT STATUS section of every page.
fn exit_status_section() -> String {
    let mut roff = String::from(".SH \"EXIT STATUS\"\n");
    for status in ExitStatus::ALL {
        roff.push_str(&format!(
            ".TP\n\\fB{}\\fR\n{}\n",
            status.code(),
            roff_text(status.describe())
        ));
    }
    roff
}

fn render_page(command: clap::Command) -> CliResult<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut page)
        .map_err(io_failure)?;
    page.extend_from_slice(exit_status_section().as_bytes());
    Ok(page)
}

fn man(args: ManArgs) -> CliResult {
    let mut root = Cli::command().disable_help_subcommand(true);
    root.build();
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir).map_err(|e| {
            Failure::new(
                ExitStatus::Failure,
                format!("cannot create {}: {e}", dir.display()),
            )
        })?;
        let mut pages = vec![root.clone()];
        pages.extend(root.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
        for command in pages {
            let name = command
                .get_display_name()
                .unwrap_or(command.get_name())
                .to_owned();
            let path = dir.join(format!("{name}.1"));
            std::fs::write(&path, render_page(command)?).map_err(|e| {
                Failure::new(
                    ExitStatus::Failure,
                    format!("cannot write {}: {e}", path.display()),
                )
            })?;
            println!("{}", path.display());
        }
        return Ok(());
    }
    let command = match &args.command {
        None => root,
        Some(name) => root
            .find_subcommand(name)
            .cloned()
            .ok_or_else(|| Failure::new(ExitStatus::Usage, format!("no command {name:?}")))?,
    };
    let page = render_page(command)?;
    let mut out = stdout();
    out.write_all(&page).map_err(io_failure)?;
    out.flush().map_err(io_failure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_what_a_terminal_would_act_on_and_stays_equal() {
        let hostile = "A\u{9b}31mB\u{202e}C\u{1b}]0;x\u{7}D\u{7f}é";
        let mut bytes = serde_json::to_vec(&hostile).unwrap();
        escape_unsafe_json(&mut bytes);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            !text.chars().any(|c| c.is_control() || terminal_unsafe(c)),
            "{text:?}"
        );
        let back: String = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, hostile);
    }

    #[test]
    fn every_shop_error_has_its_documented_status() {
        use std::time::Duration;
        let cases = [
            (ShopError::NotSignedIn, 3),
            (ShopError::SessionExpired, 3),
            (ShopError::NotFound("order".into()), 4),
            (ShopError::Network("refused".into()), 5),
            (
                ShopError::RateLimited {
                    retry_after: Some(Duration::from_secs(2)),
                },
                5,
            ),
            (
                ShopError::Server {
                    status: 503,
                    message: "busy".into(),
                },
                5,
            ),
            (ShopError::field("lines", "empty"), 6),
            (ShopError::Conflict("sold out".into()), 6),
            (ShopError::Forbidden("scope".into()), 6),
            (ShopError::Unsupported(Feature::PlaceOrder), 7),
            (ShopError::Protocol("odd".into()), 1),
        ];
        for (error, code) in cases {
            assert_eq!(status_of(&error).code(), code, "{error:?}");
        }
        let codes: Vec<i32> = ExitStatus::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(codes, (0..=8).collect::<Vec<_>>());
    }

    #[test]
    fn tables_align_wide_text() {
        let mut out = Vec::new();
        Table::new(&["A", "N"], &["N"])
            .write_all(
                &mut out,
                &[
                    vec!["日本語".into(), "1".into()],
                    vec!["x".into(), "100".into()],
                ],
            )
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "A         N\n日本語    1\nx       100\n");
    }
}
