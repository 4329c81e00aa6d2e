//! Drawing the Reorder pane: the quick-order editor, or the draft's review table (old and new
//! prices, availability), the product lookup box and the footer with totals, prompts and the
//! last outcome.

use super::reorder::{QUICK_PLACEHOLDER, ReorderPane};
use crate::model::*;
use crate::reorder::Resolution;
use crate::shop::Feature;
use crate::tui::ctx::ViewCtx;
use crate::tui::feedback::ToastKind;
use crate::tui::loadable::Loadable;
use crate::tui::widgets::{SPINNER, block, fit_width, unavailable};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Wrap};

/// The note on a shop whose order history has no lines to reorder.
pub const NO_REORDER_FROM_HISTORY: &str = "This shop's order history lists no order lines, so orders cannot be repeated from it: type or paste them as a quick order.";

fn availability_text(line: &crate::reorder::DraftLine) -> String {
    match (&line.resolution, line.blocker()) {
        (_, Some(blocker)) => blocker.describe(),
        (Resolution::Found { product }, None) => match product.availability {
            Availability::InStock {
                quantity: Some(left),
            } if left < 10 => format!("only {left} left"),
            _ => "in stock".to_owned(),
        },
        _ => String::new(),
    }
}

pub fn view(frame: &mut Frame, area: Rect, pane: &ReorderPane, look: &ViewCtx) {
    if !look.ctx.capabilities.supports(Feature::PlaceOrder) {
        unavailable(frame, area, look, Feature::PlaceOrder);
        return;
    }
    let footer_text = footer_lines(pane, look);
    let [main, lookup_area, footer] = Layout::vertical([
        Constraint::Min(5),
        Constraint::Length(
            if matches!(pane.lookup, Loadable::Idle) && pane.lookup_input.is_none() {
                0
            } else {
                5
            },
        ),
        Constraint::Length(footer_rows(&footer_text, area)),
    ])
    .areas(area);
    draft_view(frame, main, pane, look);
    lookup_view(frame, lookup_area, pane, look);
    frame.render_widget(
        Paragraph::new(footer_text).wrap(Wrap { trim: false }),
        footer,
    );
}

/// The footer's height: its lines as wrapped at the pane's width (a question at 60 columns takes
/// three rows, and its "y = send" must not be cut off), at least three rows so the draft above
/// does not jump, at most a third of the pane.
fn footer_rows(lines: &[Line], area: Rect) -> u16 {
    let rows: u16 = lines
        .iter()
        .map(|line| {
            let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            wrapped_rows(&text, area.width)
        })
        .sum();
    rows.clamp(3, (area.height / 3).max(3))
}

/// How many rows `text` takes wrapped at word boundaries in `width` columns (as `Wrap` does).
fn wrapped_rows(text: &str, width: u16) -> u16 {
    use unicode_width::UnicodeWidthStr;
    let width = usize::from(width.max(1));
    let (mut rows, mut used) = (1u16, 0usize);
    for word in text.split(' ') {
        let w = word.width();
        if used > 0 && used + 1 + w > width {
            rows += 1;
            used = w;
        } else {
            used += if used > 0 { 1 + w } else { w };
        }
    }
    rows
}

/// The quick-order editor; above it, on a shop whose history lists no order lines (AbanteCart),
/// the note that orders cannot be repeated from it, where the user looks for that.
fn quick_view(frame: &mut Frame, main: Rect, pane: &ReorderPane, look: &ViewCtx) {
    let editor = if look.ctx.capabilities.supports(Feature::OrderDetail) {
        main
    } else {
        // Wrapped, on as many rows as it needs at this width (one at 120 columns, three at 60).
        let rows = wrapped_rows(NO_REORDER_FROM_HISTORY, main.width).clamp(1, 3);
        let [note, editor] =
            Layout::vertical([Constraint::Length(rows), Constraint::Min(3)]).areas(main);
        frame.render_widget(
            Paragraph::new(NO_REORDER_FROM_HISTORY)
                .wrap(Wrap { trim: true })
                .style(look.theme.dim()),
            note,
        );
        editor
    };
    let mut quick = pane.quick.clone();
    // The placeholder is one line after the cursor's column: cut with an ellipsis where
    // the pane is narrower (the editor would cut it bare).
    let room = usize::from(editor.width.saturating_sub(3));
    quick.set_placeholder_text(fit_width(QUICK_PLACEHOLDER, room).trim_end());
    // The long title where it fits, else the short one (the placeholder shows the format).
    let title = " Quick order — one product per line: CODE QTY or BRAND CODE QTY ";
    let title = if unicode_width::UnicodeWidthStr::width(title) + 2 <= usize::from(editor.width) {
        title
    } else {
        " Quick order "
    };
    quick.set_block(block(title, look.theme));
    frame.render_widget(&quick, editor);
}

/// A sent order waiting for payment on the shop's page: its address (sanitised when it came) or
/// the file its payment form was saved to, the total, what else the shop's cart held, and the
/// keys.
fn payment_view(frame: &mut Frame, main: Rect, pane: &ReorderPane, look: &ViewCtx) {
    let Some(page) = &pane.payment else {
        return;
    };
    let theme = look.theme;
    let key = |context, command| look.keys.label_of(context, command).into_owned();
    use crate::tui::table::{Command, Context};
    // A payment form is shown as the file it was saved to (its HTML is the shop's, never shown).
    let (where_to, shown, copy) = match &page.form_file {
        Some(form) => (
            " with the shop's payment form, saved for your browser in:",
            crate::sanitize::clean(&form.display().to_string()),
            "copy its path",
        ),
        None => (
            " on the shop's payment page:",
            page.url.clone(),
            "copy the address",
        ),
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Pay ", theme.text()),
            Span::styled(page.total.to_string(), theme.title()),
            Span::styled(where_to, theme.text()),
        ]),
        Line::styled(shown, theme.key()),
        Line::raw(""),
        Line::styled(
            "The shop places the order once it is paid; it then shows in the order history.",
            theme.text(),
        ),
        Line::styled(
            "Pay on one page only: each send asks the shop for payment again.",
            theme.dim(),
        ),
    ];
    if !page.kept_lines.is_empty() {
        let kept: Vec<String> = page
            .kept_lines
            .iter()
            .map(|(code, quantity)| format!("{code} x{quantity}"))
            .collect();
        lines.push(Line::styled(
            format!(
                "The shop's cart also held {}: they are in this payment too.",
                kept.join(", ")
            ),
            theme.warn(),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            "{} open it in the browser   {} {copy}   {} to the order history",
            key(Context::Payment, Command::OpenPaymentPage),
            key(Context::Payment, Command::CopyPaymentAddress),
            key(Context::Payment, Command::Back),
        ),
        theme.dim(),
    ));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(" Awaiting payment ", look.theme)),
        main,
    );
}

/// The shopping lists to choose from: name, items, and what the items are.
fn lists_view(frame: &mut Frame, main: Rect, pane: &ReorderPane, look: &ViewCtx) {
    let theme = look.theme;
    let frame_block = block(" Shopping lists — Enter orders the chosen one ", theme);
    let text: Vec<Line> = match pane.lists.as_ref() {
        None | Some(Loadable::Idle) => Vec::new(),
        Some(Loadable::Loading) => vec![Line::from(format!(
            "{} Loading the shopping lists…",
            SPINNER[(look.tick as usize) % SPINNER.len()]
        ))],
        Some(Loadable::Failed(why)) => vec![Line::from(Span::styled(why.clone(), theme.error()))],
        Some(Loadable::Ready(lists)) if lists.is_empty() => {
            vec![Line::from(Span::styled("No shopping lists", theme.dim()))]
        }
        Some(Loadable::Ready(lists)) => lists
            .iter()
            .enumerate()
            .map(|(index, list)| {
                let items: Vec<String> = list
                    .items
                    .iter()
                    .map(|item| format!("{} ×{}", item.code, item.quantity))
                    .collect();
                let text = format!(
                    "{} ({} items): {}",
                    list.name,
                    list.items.len(),
                    items.join(", ")
                );
                let text = fit_width(&text, usize::from(main.width.saturating_sub(4)));
                if index == pane.list_selected {
                    Line::from(Span::styled(format!("> {text}"), theme.selected()))
                } else {
                    Line::from(format!("  {text}"))
                }
            })
            .collect(),
    };
    frame.render_widget(Paragraph::new(text).block(frame_block), main);
}

/// The quick-order editor, or the draft's lines against today's prices and stock.
fn draft_view(frame: &mut Frame, main: Rect, pane: &ReorderPane, look: &ViewCtx) {
    let theme = look.theme;
    match &pane.draft {
        None if pane.payment.is_some() => payment_view(frame, main, pane, look),
        None if pane.lists.is_some() => lists_view(frame, main, pane, look),
        None => quick_view(frame, main, pane, look),
        Some(draft) => {
            let title = match (&draft.source, &draft.shopping_list) {
                (Some(number), _) => format!(" Reorder of {number} "),
                (None, Some(list)) => format!(" Shopping list {list} "),
                (None, None) => " Quick order ".to_owned(),
            };
            let title = if pane.restored {
                format!("{title}(restored draft) ")
            } else {
                title
            };
            struct Texts {
                code: String,
                brand: String,
                name: String,
                quantity: String,
                was: String,
                now: String,
                availability: String,
            }
            let texts: Vec<Texts> = draft
                .lines
                .iter()
                .map(|line| Texts {
                    code: line.code.as_str().to_owned(),
                    brand: match &line.resolution {
                        Resolution::Found { product } => product.brand.clone(),
                        Resolution::Ambiguous { brands } => brands.join(" / "),
                        _ => line.brand.clone().unwrap_or_default(),
                    },
                    name: line.name.clone().unwrap_or_default(),
                    quantity: line.quantity.to_string(),
                    was: line
                        .old_unit_price
                        .map(|p| p.to_string())
                        .unwrap_or_default(),
                    now: line
                        .product()
                        .map(|p| p.price.to_string())
                        .unwrap_or_default(),
                    availability: availability_text(line),
                })
                .collect();
            let titles = ["Code", "Brand", "Name", "Qty", "Was", "Now", "Availability"];
            let column_texts: [Vec<&str>; 7] = [
                texts.iter().map(|t| t.code.as_str()).collect(),
                texts.iter().map(|t| t.brand.as_str()).collect(),
                texts.iter().map(|t| t.name.as_str()).collect(),
                texts.iter().map(|t| t.quantity.as_str()).collect(),
                texts.iter().map(|t| t.was.as_str()).collect(),
                texts.iter().map(|t| t.now.as_str()).collect(),
                texts.iter().map(|t| t.availability.as_str()).collect(),
            ];
            let widths = review_widths(main.width.saturating_sub(2), &titles, &column_texts);
            let cut = |text: &str, column: usize| {
                fit_width(text, usize::from(widths[column]))
                    .trim_end()
                    .to_owned()
            };
            let header = Row::new(
                titles
                    .iter()
                    .enumerate()
                    .map(|(i, title)| cut(title, i))
                    .collect::<Vec<_>>(),
            )
            .style(theme.dim());
            let rows = draft
                .lines
                .iter()
                .zip(&texts)
                .enumerate()
                .map(|(i, (line, text))| {
                    let now_style = if line.price_changed() {
                        theme.warn().add_modifier(Modifier::BOLD)
                    } else {
                        theme.text()
                    };
                    let blocked = line.blocker().is_some();
                    let availability_style = if blocked { theme.error() } else { theme.ok() };
                    let right = |text: String| Line::from(text).alignment(Alignment::Right);
                    let row = Row::new(vec![
                        Cell::from(cut(&text.code, 0)),
                        Cell::from(cut(&text.brand, 1)),
                        Cell::from(cut(&text.name, 2)),
                        Cell::from(right(cut(&text.quantity, 3))),
                        Cell::from(right(cut(&text.was, 4))),
                        Cell::from(
                            Line::from(Span::styled(cut(&text.now, 5), now_style))
                                .alignment(Alignment::Right),
                        ),
                        Cell::from(Span::styled(cut(&text.availability, 6), availability_style)),
                    ]);
                    if i == pane.selected {
                        row.style(theme.selected())
                    } else {
                        row
                    }
                });
            let widths = widths.map(Constraint::Length);
            let table = Table::new(rows, widths)
                .header(header)
                .column_spacing(1)
                .block(block(title, look.theme));
            frame.render_widget(table, main);
        }
    }
}

/// Widths of the review's seven columns (code, brand, name, qty, was, now, availability) inside
/// `width`: each as wide as its widest text, up to a cap; when that is too wide, the name, then
/// the availability, then the brand give way (down to a floor), and what still does not fit
/// is cut with an ellipsis by the caller. The name takes what is left over.
fn review_widths(width: u16, titles: &[&str; 7], texts: &[Vec<&str>; 7]) -> [u16; 7] {
    use unicode_width::UnicodeWidthStr;
    const CAPS: [u16; 7] = [14, 12, 40, 5, 13, 13, 26];
    const FLOORS: [u16; 7] = [6, 4, 8, 3, 9, 9, 8];
    let gaps = 6;
    let mut widths = [0u16; 7];
    for column in 0..7 {
        let widest = texts[column]
            .iter()
            .map(|t| t.width())
            .chain([titles[column].width()])
            .max()
            .unwrap_or(0);
        widths[column] = u16::try_from(widest).unwrap_or(u16::MAX).min(CAPS[column]);
    }
    let total = |w: &[u16; 7]| w.iter().sum::<u16>() + gaps;
    for column in [2, 6, 1, 0] {
        let over = total(&widths).saturating_sub(width);
        if over == 0 {
            break;
        }
        let floor = FLOORS[column].min(widths[column]);
        widths[column] -= over.min(widths[column] - floor);
    }
    // Whatever is left over goes to the name.
    widths[2] += width.saturating_sub(total(&widths));
    widths
}

/// The product lookup: the query being typed and the first products found.
fn lookup_view(frame: &mut Frame, lookup_area: Rect, pane: &ReorderPane, look: &ViewCtx) {
    let theme = look.theme;
    if pane.lookup_input.is_some() || !matches!(pane.lookup, Loadable::Idle) {
        let mut lines = Vec::new();
        if let Some(input) = &pane.lookup_input {
            lines.push(Line::from(vec![
                Span::styled("Look up (CODE or BRAND CODE): ", theme.key()),
                Span::raw(input.value()),
                Span::styled("▏", theme.key()),
            ]));
        }
        match &pane.lookup {
            Loadable::Loading => lines.push(Line::styled("Looking up…", theme.dim())),
            Loadable::Failed(error) => lines.push(Line::styled(error.as_str(), theme.error())),
            Loadable::Ready(products) if products.is_empty() => {
                lines.push(Line::styled("No product found.", theme.dim()))
            }
            Loadable::Ready(products) => {
                for product in products.iter().take(3) {
                    let availability = match product.availability {
                        Availability::InStock { quantity: Some(q) } => format!("{q} in stock"),
                        Availability::InStock { quantity: None } => "in stock".into(),
                        Availability::OutOfStock => "out of stock".into(),
                        Availability::Discontinued => "discontinued".into(),
                    };
                    lines.push(Line::raw(format!(
                        "{} {} — {} — {} — {}",
                        product.brand, product.code, product.name, product.price, availability
                    )));
                }
            }
            Loadable::Idle => {}
        }
        frame.render_widget(
            Paragraph::new(lines).block(block(" Product lookup ", look.theme)),
            lookup_area,
        );
    }
}

/// Totals, the y/n prompts, what is in flight, the quantity prompt or the last outcome.
/// The footer's lines: totals, the question asked, prompts and the last message.
fn footer_lines<'a>(pane: &'a ReorderPane, look: &ViewCtx) -> Vec<Line<'a>> {
    let theme = look.theme;
    let mut lines = Vec::new();
    if let Some(draft) = &pane.draft {
        let totals = draft.totals();
        let mut spans = Vec::new();
        if let Some(before) = totals.before {
            spans.push(Span::styled("Items before ", theme.dim()));
            spans.push(Span::raw(format!("{before}   ")));
        }
        match totals.now {
            Some(now) if totals.sendable_lines > 0 => {
                spans.push(Span::styled("Items now ", theme.dim()));
                spans.push(Span::styled(now.to_string(), theme.title()));
                spans.push(Span::raw(format!(
                    "   {} to send",
                    crate::model::lines_count(totals.sendable_lines)
                )));
                if totals.blocked_lines > 0 {
                    spans.push(Span::styled(
                        format!(", {} left out (see Availability)", totals.blocked_lines),
                        theme.error(),
                    ));
                }
            }
            _ => spans.push(Span::styled(
                if totals.blocked_lines == 1 {
                    "Nothing to send: the line cannot be ordered (see Availability)"
                } else {
                    "Nothing to send: no line can be ordered (see Availability)"
                },
                theme.error(),
            )),
        }
        if look.ctx.capabilities.supports(Feature::ShopCart) {
            // What happens to what the shop's own cart (Centra's selection) holds already.
            spans.push(Span::styled(
                if draft.empty_cart_first {
                    "   the shop's cart is emptied first"
                } else {
                    "   what the shop's cart holds stays in it"
                },
                theme.dim(),
            ));
        }
        lines.push(Line::from(spans));
        if pane.confirm {
            let lines_and_total = format!(
                "{}, {}",
                crate::model::lines_count(totals.sendable_lines),
                totals.now.map(|m| m.to_string()).unwrap_or_default()
            );
            // Staff mode: the order is placed in the customer's name; the question says whose.
            let question = match &look.ctx.acting_for {
                Some(customer) => format!(
                    "Place order for {customer}? {lines_and_total}. y = send, any other key = not now"
                ),
                // The shop places it once paid: the question says where the send leads.
                None if look.ctx.capabilities.supports(Feature::PaymentPage) => format!(
                    "Send this order to the shop's payment page: {lines_and_total}? y = send, any other key = not now"
                ),
                None => {
                    format!("Send this order: {lines_and_total}? y = send, any other key = not now")
                }
            };
            lines.push(Line::styled(
                question,
                theme.warn().add_modifier(Modifier::BOLD),
            ));
        } else if pane.confirm_discard {
            lines.push(Line::styled(
                "Discard this draft? y = discard, any other key = keep",
                theme.error(),
            ));
        }
    } else if !pane.quick_errors.is_empty() {
        let errors: Vec<String> = pane
            .quick_errors
            .iter()
            .take(3)
            .map(|e| format!("line {}: {} ({})", e.line, e.message, e.text))
            .collect();
        lines.push(Line::styled(errors.join("; "), theme.error()));
    }
    if let Some(busy) = pane.busy {
        lines.push(Line::styled(
            format!("{} {busy}", SPINNER[(look.tick % 8) as usize]),
            theme.warn(),
        ));
    } else if let Some(input) = &pane.quantity_input {
        let mut prompt = vec![
            Span::styled("Quantity: ", theme.key()),
            Span::raw(input.value()),
            Span::styled("▏", theme.key()),
        ];
        // The error of what is typed shows beside it at once.
        if let Some((ToastKind::Error, message)) = &pane.message {
            prompt.push(Span::styled(format!("  {message}"), theme.error()));
        }
        lines.push(Line::from(prompt));
    } else if let Some((kind, message)) = &pane.message {
        let style = if *kind == ToastKind::Error {
            theme.error()
        } else {
            theme.ok()
        };
        lines.push(Line::styled(message.as_str(), style));
    }
    lines
}
