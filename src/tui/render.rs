//! Drawing: a pure function of the state. Only the visible rows of the order table are built, so
//! a frame costs the same with 100 or 100,000 orders.

use super::app::*;
use super::commands;
use super::form::Form;
use super::layout;
use crate::model::*;
use crate::shop::Feature;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, Wrap};

const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

pub fn render(frame: &mut Frame, state: &State) {
    let layout::Screen { tabs, body, status } = layout::screen(frame.area());
    render_tabs(frame, tabs, state);
    if let Some(view) = &state.signin {
        render_signin(frame, body, view, state);
        render_status(frame, status, state);
        render_toasts(frame, body, state);
        if state.help {
            render_help(frame, body, state);
        }
        return;
    }
    match state.pane {
        Pane::Account => render_account(frame, body, state),
        Pane::Addresses => render_addresses(frame, body, state),
        Pane::Orders => render_orders(frame, body, state),
        Pane::Password => render_password(frame, body, state),
        Pane::Reorder => render_reorder(frame, body, state),
    }
    render_status(frame, status, state);
    render_toasts(frame, body, state);
    if state.help {
        render_help(frame, body, state);
    }
}

/// Where each tab is drawn, for mouse clicks: (first column, width).
pub fn tab_spans(state: &State, width: u16) -> Vec<(u16, u16)> {
    let compact = compact_tabs(width);
    let mut x = 0u16;
    Pane::ALL
        .iter()
        .enumerate()
        .map(|(i, pane)| {
            let width = tab_label(i, *pane, compact && *pane != state.pane)
                .chars()
                .count() as u16;
            let span = (x, width);
            x += width + 1;
            span
        })
        .collect()
}

/// Whether the tabs collapse to their numbers (the current one keeps its name).
fn compact_tabs(width: u16) -> bool {
    let full: usize = Pane::ALL
        .iter()
        .enumerate()
        .map(|(i, pane)| tab_label(i, *pane, false).chars().count() + 1)
        .sum();
    usize::from(width) < full
}

fn tab_label(index: usize, pane: Pane, number_only: bool) -> String {
    if number_only {
        format!(" {} ", index + 1)
    } else {
        format!(" {} {} ", index + 1, pane.title())
    }
}

fn render_tabs(frame: &mut Frame, area: Rect, state: &State) {
    use unicode_width::UnicodeWidthStr;
    let theme = &state.theme;
    let compact = compact_tabs(area.width);
    let mut spans = Vec::new();
    let mut used = 0;
    for (i, pane) in Pane::ALL.iter().enumerate() {
        let style = if *pane == state.pane {
            theme.active_tab()
        } else {
            theme.text()
        };
        let label = tab_label(i, *pane, compact && *pane != state.pane);
        used += label.width() + 1;
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    // The shop's name takes what the tabs leave, cut with an ellipsis.
    let room = usize::from(area.width).saturating_sub(used + 1);
    if room >= 4 {
        let shop = state.shop_label.as_str();
        let text = if shop.width() > room {
            fit_width(shop, room)
        } else {
            shop.to_owned()
        };
        let label = Paragraph::new(Span::styled(text, theme.dim())).alignment(Alignment::Right);
        frame.render_widget(label, area);
    }
}

fn render_status(frame: &mut Frame, area: Rect, state: &State) {
    use unicode_width::UnicodeWidthStr;
    let theme = &state.theme;
    let width = usize::from(area.width);
    let help = commands::help_offered(state);
    let right = if help { " ? help" } else { "" };
    let mut spans = Vec::new();
    let mut used = 0;
    if state.busy() {
        spans.push(Span::styled(
            SPINNER[(state.tick % SPINNER.len() as u64) as usize],
            theme.warn(),
        ));
        spans.push(Span::raw(" "));
        used += 2;
    }
    let (who, style) = match &state.account {
        Loadable::Ready(account) => (
            format!("{} <{}>", account.display_name(), account.email),
            theme.title(),
        ),
        Loadable::Failed(error) => (error.clone(), theme.error()),
        _ if state.signin.is_some() => ("not signed in".to_owned(), theme.dim()),
        _ => ("loading account…".to_owned(), theme.dim()),
    };
    // The account gets at most a third of the bar; the keys are what a user looks for.
    let who_width = who.width().min(width / 3).max(1);
    spans.push(Span::styled(fit_width(&who, who_width), style));
    used += who_width;
    let separator = " │ ";
    let mut budget = width.saturating_sub(used + separator.len() + right.width());
    let mut hints = Vec::new();
    for binding in commands::hints(state) {
        let cost = binding.label.width() + 1 + binding.description.width() + 2;
        if cost <= budget {
            budget -= cost;
            hints.push(binding);
        }
    }
    if !hints.is_empty() {
        spans.push(Span::styled(separator, theme.dim()));
        for binding in hints {
            spans.push(Span::styled(binding.label, theme.key()));
            spans.push(Span::raw(format!(" {}  ", binding.description)));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if help && area.width as usize > right.width() {
        let pinned = Rect {
            x: area.right() - right.width() as u16,
            width: right.width() as u16,
            ..area
        };
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::raw(" "),
                Span::styled("?", theme.key()),
                Span::raw(" help"),
            ])),
            pinned,
        );
    }
}

fn block<'a>(title: impl Into<Line<'a>>, state: &State) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .title(title.into().style(state.theme.title()))
}

fn unavailable(frame: &mut Frame, area: Rect, state: &State, feature: Feature) {
    let text = format!(
        "{} is not available on this shop.",
        capitalise(feature.describe())
    );
    frame.render_widget(
        Paragraph::new(text)
            .style(state.theme.dim())
            .block(block("", state)),
        area,
    );
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn loading_or_error<T>(loadable: &Loadable<T>, state: &State) -> Option<Paragraph<'static>> {
    match loadable {
        Loadable::Idle | Loadable::Loading => {
            Some(Paragraph::new("Loading…").style(state.theme.dim()))
        }
        Loadable::Failed(error) => Some(
            Paragraph::new(vec![
                Line::styled(format!("Could not load: {error}"), state.theme.error()),
                Line::styled("Press R to try again.", state.theme.dim()),
            ])
            .wrap(Wrap { trim: false }),
        ),
        Loadable::Ready(_) => None,
    }
}

fn field_line<'a>(label: &'a str, value: &'a str, state: &State) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:>12}  "), state.theme.dim()),
        Span::raw(value),
    ])
}

fn render_account(frame: &mut Frame, area: Rect, state: &State) {
    if let Some(form) = &state.account_pane.form {
        render_form(frame, area, form, state);
        return;
    }
    let outer = block(" Account ", state);
    if let Some(placeholder) = loading_or_error(&state.account, state) {
        frame.render_widget(placeholder.block(outer), area);
        return;
    }
    let Some(account) = state.account.ready() else {
        return;
    };
    let mut lines = vec![
        field_line("Name", &account.first_name, state),
        field_line("Surname", &account.last_name, state),
        field_line("E-mail", &account.email, state),
        field_line("Phone", account.phone.as_deref().unwrap_or("—"), state),
        field_line("Company", account.company.as_deref().unwrap_or("—"), state),
        field_line("Customer", account.id.as_str(), state),
    ];
    lines.push(Line::raw(""));
    if state.capabilities.supports(Feature::EditAccount) {
        lines.push(Line::from(vec![
            Span::styled("e", state.theme.key()),
            Span::raw(" edit"),
        ]));
    } else {
        lines.push(Line::styled(
            "Editing is not available on this shop.",
            state.theme.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(lines).block(outer), area);
}

/// The keys under an edit form.
const FORM_KEYS: &[(&str, &str)] = &[("Enter", "save"), ("Tab", "next field"), ("Esc", "cancel")];

fn render_form(frame: &mut Frame, area: Rect, form: &Form, state: &State) {
    render_form_with_keys(frame, area, form, state, FORM_KEYS);
}

fn render_form_with_keys(
    frame: &mut Frame,
    area: Rect,
    form: &Form,
    state: &State,
    keys: &[(&str, &str)],
) {
    let theme = &state.theme;
    let outer = block(format!(" {} ", form.title), state);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let mut lines = Vec::new();
    let mut cursor = None;
    // Labels get at most a third of a narrow form; each field stays on its one line, so the rows
    // below it and the cursor stay in place (a long value scrolls inside the line instead).
    let label_width = form
        .fields
        .iter()
        .map(|f| unicode_width::UnicodeWidthStr::width(f.label))
        .max()
        .unwrap_or(0)
        .min(20)
        .min(usize::from(inner.width) / 3);
    let value_width = usize::from(inner.width)
        .saturating_sub(label_width + 2)
        .max(1);
    for (index, field) in form.fields.iter().enumerate() {
        let focused = index == form.focus;
        let label_style = if focused { theme.title() } else { theme.dim() };
        let (value, cursor_col) = if field.is_secret() {
            ("•".repeat(field.secret_len()), field.secret_len())
        } else {
            let value = field.text_value();
            let col = match &field.value {
                super::form::FieldValue::Text(input) => unicode_width::UnicodeWidthStr::width(
                    &value[..value
                        .char_indices()
                        .nth(input.cursor())
                        .map_or(value.len(), |(i, _)| i)],
                ),
                _ => 0,
            };
            (value.to_owned(), col)
        };
        let (shown, cursor_col) = field_window(&value, cursor_col, value_width);
        let value_style = if focused {
            Style::new().add_modifier(Modifier::UNDERLINED)
        } else {
            theme.text()
        };
        let label = fit_width(field.label, label_width);
        let mut spans = vec![
            Span::styled(format!("{:>label_width$}  ", label.trim_end()), label_style),
            Span::styled(shown.clone(), value_style),
        ];
        let room =
            value_width.saturating_sub(unicode_width::UnicodeWidthStr::width(shown.as_str()));
        let error_below = field.error.as_ref().filter(|error| {
            let inline = format!("  ✗ {error}");
            unicode_width::UnicodeWidthStr::width(inline.as_str()) > room
        });
        if let Some(error) = field.error.as_ref().filter(|_| error_below.is_none()) {
            spans.push(Span::styled(format!("  ✗ {error}"), theme.error()));
        }
        if focused {
            cursor = Some((
                inner.x + (label_width + 2 + cursor_col) as u16,
                inner.y + lines.len() as u16,
            ));
        }
        lines.push(Line::from(spans));
        if let Some(error) = error_below {
            lines.push(Line::from(vec![
                Span::raw(" ".repeat(label_width + 2)),
                Span::styled(
                    fit_width(&format!("✗ {error}"), value_width)
                        .trim_end()
                        .to_owned(),
                    theme.error(),
                ),
            ]));
        }
    }
    lines.push(Line::raw(""));
    if let Some(message) = &form.message {
        let style = if form.submitting {
            theme.warn()
        } else if form.fields.iter().any(|f| f.error.is_some()) {
            theme.error()
        } else {
            theme.text()
        };
        lines.push(Line::styled(message.as_str(), style));
    }
    lines.push(Line::from(
        keys.iter()
            .flat_map(|(key, what)| {
                [
                    Span::styled(*key, theme.key()),
                    Span::raw(format!(" {what}   ")),
                ]
            })
            .collect::<Vec<_>>(),
    ));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    if let Some((x, y)) = cursor.filter(|(x, y)| *x < inner.right() && *y < inner.bottom()) {
        frame.set_cursor_position((x, y));
    }
}

fn postal_lines(address: &PostalAddress) -> Vec<String> {
    let mut lines = vec![format!("{} {}", address.first_name, address.last_name)];
    lines.extend(address.company.clone());
    lines.push(address.line1.clone());
    lines.extend(address.line2.clone());
    let city = match &address.region {
        Some(region) => format!("{} {}, {}", address.postcode, address.city, region),
        None => format!("{} {}", address.postcode, address.city),
    };
    lines.push(city);
    let country = country_name(&address.country).unwrap_or("unknown country");
    lines.push(format!("{} ({})", country, address.country));
    lines.extend(address.phone.as_ref().map(|p| format!("☎ {p}")));
    lines
}

fn render_addresses(frame: &mut Frame, area: Rect, state: &State) {
    if !state.capabilities.supports(Feature::Addresses) {
        unavailable(frame, area, state, Feature::Addresses);
        return;
    }
    if let Some((_, form)) = &state.addresses.form {
        render_form(frame, area, form, state);
        return;
    }
    let theme = &state.theme;
    let outer = block(" Addresses ", state);
    if let Some(placeholder) = loading_or_error(&state.addresses.list, state) {
        frame.render_widget(placeholder.block(outer), area);
        return;
    }
    let Some(list) = state.addresses.list.ready() else {
        return;
    };
    let panes = layout::address_pane(area);
    let (left, right) = (panes.list, panes.detail);
    let offset = panes.offset(state.addresses.selected);
    if list.is_empty() {
        frame.render_widget(
            Paragraph::new("No addresses yet. Press a to add one.").block(outer),
            area,
        );
        return;
    }
    let rows = list.iter().enumerate().skip(offset).map(|(i, address)| {
        let mut marks = String::new();
        if address.default_shipping {
            marks.push_str("[ship] ");
        }
        if address.default_billing {
            marks.push_str("[bill]");
        }
        let style = if i == state.addresses.selected {
            theme.selected()
        } else {
            theme.text()
        };
        Row::new(vec![
            Cell::from(format!("{}, {}", address.postal.line1, address.postal.city)),
            Cell::from(address.postal.country.clone()),
            Cell::from(Span::styled(marks, theme.ok())),
        ])
        .style(style)
    });
    let table = Table::new(
        rows,
        [
            Constraint::Min(10),
            Constraint::Length(3),
            Constraint::Length(13),
        ],
    )
    .block(outer);
    frame.render_widget(table, left);
    if let Some(address) = list.get(state.addresses.selected) {
        let mut lines: Vec<Line> = postal_lines(&address.postal)
            .into_iter()
            .map(Line::raw)
            .collect();
        lines.push(Line::raw(""));
        if address.default_shipping {
            lines.push(Line::styled("Default shipping address", theme.ok()));
        }
        if address.default_billing {
            lines.push(Line::styled("Default billing address", theme.ok()));
        }
        if state.addresses.confirm_delete.as_ref() == Some(&address.id) {
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                "Delete this address? y = delete, any other key = keep",
                theme.error(),
            ));
        }
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(block(" Address ", state)),
            right,
        );
    }
}

fn status_style(status: OrderStatus, state: &State) -> Style {
    match status {
        OrderStatus::Delivered | OrderStatus::Shipped => state.theme.ok(),
        OrderStatus::Cancelled | OrderStatus::Refunded => state.theme.dim(),
        OrderStatus::PartiallyShipped | OrderStatus::Processing | OrderStatus::Pending => {
            state.theme.warn()
        }
        OrderStatus::Other => state.theme.text(),
    }
}

fn date(at: &time::OffsetDateTime) -> String {
    day(at.date())
}

fn day(date: time::Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    date.format(format).unwrap_or_default()
}

fn render_orders(frame: &mut Frame, area: Rect, state: &State) {
    if !state.capabilities.supports(Feature::OrderHistory) {
        unavailable(frame, area, state, Feature::OrderHistory);
        return;
    }
    if let Some(view) = &state.orders.detail {
        render_order_detail(frame, area, view, state);
        return;
    }
    let theme = &state.theme;
    let orders = &state.orders;
    let mut title = vec![Span::styled(" Orders ", theme.title())];
    let count = match orders.total {
        Some(total) => format!("{} of {} ", orders.items.len(), total),
        None => format!("{} ", orders.items.len()),
    };
    title.push(Span::styled(count, theme.dim()));
    if let Some(status) = orders.filter.status {
        title.push(Span::styled(
            format!("[{}] ", status.as_str()),
            theme.warn(),
        ));
    }
    if let Some(search) = &orders.filter.search {
        title.push(Span::styled(format!("[/{search}] "), theme.warn()));
    }
    let outer = Block::default()
        .borders(Borders::ALL)
        .title(Line::from(title));
    frame.render_widget(outer, area);

    // The same rectangles the mouse and the scrolling use.
    let list = layout::order_list(area);
    let (table_area, footer) = (list.table, list.footer);
    let visible = list.rows();
    let first = orders.offset.min(orders.items.len());
    let shown: Vec<_> = orders.items.iter_from(first).take(visible).collect();
    let totals: Vec<String> = shown.iter().map(|o| o.total.to_string()).collect();
    let widest = |texts: &mut dyn Iterator<Item = usize>| texts.max().unwrap_or(0) as u16;
    let columns = layout::order_columns(
        table_area.width,
        widest(&mut shown.iter().map(|o| o.number.chars().count())),
        widest(&mut totals.iter().map(|t| t.chars().count())),
    );
    let rows = shown
        .iter()
        .zip(&totals)
        .enumerate()
        .map(|(i, (order, total))| {
            let cells = columns.iter().map(|(column, width)| {
                let width = usize::from(*width);
                match column {
                    layout::OrderColumn::Number => Cell::from(order.number),
                    layout::OrderColumn::Date => Cell::from(day(order.date)),
                    layout::OrderColumn::Status => Cell::from(Span::styled(
                        fit_width(crate::model::shown_label(order.status_label), width),
                        status_style(order.status, state),
                    )),
                    layout::OrderColumn::Payment => Cell::from(fit_width(
                        crate::model::shown_label(order.payment_label),
                        width,
                    )),
                    layout::OrderColumn::Items => Cell::from(
                        Line::from(crate::model::shown_item_count(order.item_count))
                            .alignment(Alignment::Right),
                    ),
                    layout::OrderColumn::Total => {
                        Cell::from(Line::from(total.as_str()).alignment(Alignment::Right))
                    }
                }
            });
            let row = Row::new(cells.collect::<Vec<_>>());
            if first + i == orders.selected {
                row.style(theme.selected())
            } else {
                row
            }
        });
    let header = Row::new(columns.iter().map(|(c, _)| c.title())).style(theme.dim());
    let widths = columns.iter().map(|(_, w)| Constraint::Length(*w));
    frame.render_widget(
        Table::new(rows, widths)
            .header(header)
            .column_spacing(layout::COLUMN_GAP),
        table_area,
    );

    let footer_line = if let Some(input) = &orders.search_input {
        Line::from(vec![
            Span::styled("Search: ", theme.key()),
            Span::raw(input.value()),
            Span::styled("▏", theme.key()),
        ])
    } else if let Some(error) = &orders.error {
        Line::styled(
            format!("Could not load orders: {error} — press R to retry"),
            theme.error(),
        )
    } else if orders.loading {
        Line::styled(
            format!("{} loading more…", SPINNER[(state.tick % 8) as usize]),
            theme.dim(),
        )
    } else if orders.items.is_empty() {
        Line::styled("No orders match.", theme.dim())
    } else if !orders.has_more {
        Line::styled("End of history.", theme.dim())
    } else {
        Line::raw("")
    };
    frame.render_widget(Paragraph::new(footer_line), footer);
}

/// `text` cut or padded to exactly `width` terminal columns (wide characters count twice).
/// The part of a field's value that fits `width` columns with the cursor (at display column
/// `cursor`) inside it: the start, or the end with `…` before it when the cursor is beyond the
/// width. Returns the text and the cursor's column within it.
fn field_window(value: &str, cursor: usize, width: usize) -> (String, usize) {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if value.width() < width || (value.width() == width && cursor < width) {
        return (value.to_owned(), cursor);
    }
    if width <= 1 {
        // A terminal squeezed to a column or none (found by tests/fuzz.rs): no room for text
        // beside the `…`.
        return ("…".chars().take(width).collect(), 0);
    }
    if cursor < width {
        return (fit_width(value, width).trim_end().to_owned(), cursor);
    }
    // Drop characters from the front until the cursor fits after a leading `…`.
    let mut skipped = 0;
    let mut rest = value;
    for (i, c) in value.char_indices() {
        if cursor.saturating_sub(skipped) < width - 1 {
            rest = &value[i..];
            break;
        }
        skipped += c.width().unwrap_or(0);
        rest = &value[i + c.len_utf8()..];
    }
    let shown = fit_width(rest, width.saturating_sub(1));
    (
        format!("…{}", shown.trim_end()),
        cursor.saturating_sub(skipped) + 1,
    )
}

fn fit_width(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::new();
    let mut used = 0;
    let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    let limit = if total > width {
        width.saturating_sub(1)
    } else {
        width
    };
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > limit {
            break;
        }
        out.push(c);
        used += w;
    }
    if total > width && width > 0 {
        out.push('…');
        used += 1;
    }
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

fn render_order_detail(frame: &mut Frame, area: Rect, view: &OrderDetailView, state: &State) {
    let theme = &state.theme;
    let outer = block(format!(" Order {} ", view.number), state);
    if let Some(placeholder) = loading_or_error(&view.detail, state) {
        frame.render_widget(placeholder.block(outer), area);
        return;
    }
    let Some(detail) = view.detail.ready() else {
        return;
    };
    let summary = &detail.summary;
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Placed ", theme.dim()),
            Span::raw(date(&summary.placed_at)),
            Span::styled("   Status ", theme.dim()),
            Span::styled(
                summary.status_label.as_str(),
                status_style(summary.status, state),
            ),
            Span::styled("   Payment ", theme.dim()),
            Span::raw(summary.payment_label.as_str()),
        ]),
        Line::raw(""),
        Line::styled("Lines", theme.title()),
    ];
    // Quantity, code and brand on the left, prices on the right; the name takes what is left
    // (cut by display width, so CJK names do not break the columns).
    let inner_width = usize::from(area.width.saturating_sub(2));
    for line in &detail.lines {
        let left = format!(
            "  {:>4} × {:<14} {:<12} ",
            line.quantity, line.code, line.brand
        );
        let right = format!(" {:>13} {:>14}", line.unit_price, line.line_total);
        let room = inner_width.saturating_sub(left.chars().count() + right.chars().count());
        let name = fit_width(&line.name, room);
        lines.push(Line::raw(format!("{left}{name}{right}")));
    }
    let totals = &detail.totals;
    lines.push(Line::raw(""));
    for (label, money) in [
        ("Items", &totals.items),
        ("Discounts", &totals.discounts),
        ("Shipping", &totals.shipping),
        ("Tax (incl.)", &totals.tax),
    ] {
        lines.push(Line::raw(format!("  {label:<12} {money:>16}")));
    }
    lines.push(Line::styled(
        format!("  {:<12} {:>16}", "Total", totals.grand_total.to_string()),
        theme.title(),
    ));
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!("Shipments ({})", detail.shipments.len()),
        theme.title(),
    ));
    if detail.shipments.is_empty() {
        lines.push(Line::styled("  none yet", theme.dim()));
    }
    for (i, shipment) in detail.shipments.iter().enumerate() {
        let marker = if i == view.shipment { "▶ " } else { "  " };
        let style = if i == view.shipment {
            theme.selected()
        } else {
            theme.text()
        };
        let shipped = shipment
            .shipped_at
            .as_ref()
            .map(date)
            .unwrap_or_else(|| "not shipped".into());
        lines.push(Line::styled(
            format!(
                "{marker}{} {} · {} · {}",
                shipment.carrier,
                shipment.service.as_deref().unwrap_or(""),
                shipped,
                shipment.state.label()
            ),
            style,
        ));
        lines.push(Line::raw(format!(
            "    tracking {}",
            shipment.tracking_id.as_deref().unwrap_or("—")
        )));
        if let Some(url) = &shipment.tracking_url {
            lines.push(Line::styled(format!("    {url}"), theme.dim()));
        }
        if !shipment.lines.is_empty() {
            let items: Vec<String> = shipment
                .lines
                .iter()
                .map(|l| format!("{}×{}", l.quantity, l.code))
                .collect();
            lines.push(Line::styled(
                format!("    {}", items.join(", ")),
                theme.dim(),
            ));
        }
    }
    lines.push(Line::raw(""));
    for (label, address) in [
        ("Shipping address", &detail.shipping_address),
        ("Billing address", &detail.billing_address),
    ] {
        if let Some(address) = address {
            lines.push(Line::styled(label, theme.title()));
            lines.extend(
                postal_lines(address)
                    .into_iter()
                    .map(|l| Line::raw(format!("  {l}"))),
            );
        }
    }
    let paragraph = Paragraph::new(Text::from(lines))
        .block(outer)
        .wrap(Wrap { trim: false })
        .scroll((view.scroll, 0));
    frame.render_widget(paragraph, area);
}

fn render_password(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let [modes, form_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let mode_span =
        |key: &'static str, label: &'static str, mode: PasswordMode, feature: Feature| {
            let style = if state.password.mode == mode {
                theme.active_tab()
            } else if state.capabilities.supports(feature) {
                theme.text()
            } else {
                theme.dim()
            };
            vec![
                Span::styled(key, theme.key()),
                Span::styled(format!(" {label} "), style),
                Span::raw("  "),
            ]
        };
    let mut spans = mode_span(
        "F2",
        "Change",
        PasswordMode::Change,
        Feature::ChangePassword,
    );
    spans.extend(mode_span(
        "F3",
        "Forgotten",
        PasswordMode::Forgotten,
        Feature::ForgottenPassword,
    ));
    spans.extend(mode_span(
        "F4",
        "Reset with key",
        PasswordMode::Reset,
        Feature::ResetPassword,
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), modes);
    let feature = match state.password.mode {
        PasswordMode::Change => Feature::ChangePassword,
        PasswordMode::Forgotten => Feature::ForgottenPassword,
        PasswordMode::Reset => Feature::ResetPassword,
    };
    // A form the shop cannot take is not offered: its fields would only fail once filled in.
    if !state.capabilities.supports(feature) {
        unavailable(frame, form_area, state, feature);
        return;
    }
    let form = &state.password.form;
    render_form(frame, form_area, form, state);
    if state.password.mode != PasswordMode::Forgotten {
        let length = form.field("new_password").map_or(0, |f| f.secret_len());
        // Variety is not computed here: the secret is not read while drawing.
        let hint = password_strength(length, 1);
        if !hint.is_empty() {
            let y = form_area.y + 1 + form.fields.len() as u16 + 3;
            if y < form_area.bottom() {
                let line = Line::styled(format!("  new password: {hint}"), theme.dim());
                frame.render_widget(
                    Paragraph::new(line),
                    Rect {
                        y,
                        height: 1,
                        ..form_area.inner(ratatui::layout::Margin::new(1, 0))
                    },
                );
            }
        }
    }
}

fn availability_text(line: &crate::reorder::DraftLine) -> String {
    use crate::reorder::Resolution;
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

fn render_reorder(frame: &mut Frame, area: Rect, state: &State) {
    use crate::reorder::Resolution;
    if !state.capabilities.supports(Feature::PlaceOrder) {
        unavailable(frame, area, state, Feature::PlaceOrder);
        return;
    }
    let theme = &state.theme;
    let pane = &state.reorder;
    let [main, lookup_area, footer] = Layout::vertical([
        Constraint::Min(5),
        Constraint::Length(
            if matches!(pane.lookup, Loadable::Idle) && pane.lookup_input.is_none() {
                0
            } else {
                5
            },
        ),
        Constraint::Length(3),
    ])
    .areas(area);
    match &pane.draft {
        None => {
            let mut quick = pane.quick.clone();
            quick.set_block(block(
                " Quick order — one product per line: CODE QTY or BRAND CODE QTY ",
                state,
            ));
            frame.render_widget(&quick, main);
        }
        Some(draft) => {
            let title = match &draft.source {
                Some(number) => format!(" Reorder of {number} "),
                None => " Quick order ".to_owned(),
            };
            let title = if pane.restored {
                format!("{title}(restored draft) ")
            } else {
                title
            };
            let header = Row::new(["Code", "Brand", "Name", "Qty", "Was", "Now", "Availability"])
                .style(theme.dim());
            let rows = draft.lines.iter().enumerate().map(|(i, line)| {
                let now = line
                    .product()
                    .map(|p| p.price.to_string())
                    .unwrap_or_default();
                let was = line
                    .old_unit_price
                    .map(|p| p.to_string())
                    .unwrap_or_default();
                let brand = match &line.resolution {
                    Resolution::Found { product } => product.brand.clone(),
                    Resolution::Ambiguous { brands } => brands.join(" / "),
                    _ => line.brand.clone().unwrap_or_default(),
                };
                let now_style = if line.price_changed() {
                    theme.warn().add_modifier(Modifier::BOLD)
                } else {
                    theme.text()
                };
                let blocked = line.blocker().is_some();
                let availability_style = if blocked { theme.error() } else { theme.ok() };
                let row = Row::new(vec![
                    Cell::from(line.code.as_str().to_owned()),
                    Cell::from(brand),
                    Cell::from(line.name.clone().unwrap_or_default()),
                    Cell::from(Line::from(line.quantity.to_string()).alignment(Alignment::Right)),
                    Cell::from(Line::from(was).alignment(Alignment::Right)),
                    Cell::from(
                        Line::from(Span::styled(now, now_style)).alignment(Alignment::Right),
                    ),
                    Cell::from(Span::styled(availability_text(line), availability_style)),
                ]);
                if i == pane.selected {
                    row.style(theme.selected())
                } else {
                    row
                }
            });
            let widths = [
                Constraint::Length(14),
                Constraint::Length(12),
                Constraint::Min(16),
                Constraint::Length(5),
                Constraint::Length(13),
                Constraint::Length(13),
                Constraint::Length(26),
            ];
            let table = Table::new(rows, widths)
                .header(header)
                .column_spacing(1)
                .block(block(title, state));
            frame.render_widget(table, main);
        }
    }
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
            Paragraph::new(lines).block(block(" Product lookup ", state)),
            lookup_area,
        );
    }
    let mut lines = Vec::new();
    if let Some(draft) = &pane.draft {
        let totals = draft.totals();
        let mut spans = Vec::new();
        if let Some(before) = totals.before {
            spans.push(Span::styled("Items before ", theme.dim()));
            spans.push(Span::raw(format!("{before}   ")));
        }
        spans.push(Span::styled("Items now ", theme.dim()));
        spans.push(Span::styled(
            totals
                .now
                .map(|m| m.to_string())
                .unwrap_or_else(|| "—".into()),
            theme.title(),
        ));
        spans.push(Span::raw(format!(
            "   {} line(s) to send",
            totals.sendable_lines
        )));
        if totals.blocked_lines > 0 {
            spans.push(Span::styled(
                format!(", {} left out (see Availability)", totals.blocked_lines),
                theme.error(),
            ));
        }
        lines.push(Line::from(spans));
        if pane.confirm {
            lines.push(Line::styled(
                format!(
                    "Send this order: {} line(s), {}? y = send, any other key = not now",
                    totals.sendable_lines,
                    totals.now.map(|m| m.to_string()).unwrap_or_default()
                ),
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
            format!("{} {busy}", SPINNER[(state.tick % 8) as usize]),
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
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), footer);
}

/// The sign-in screen of a password platform: why it is shown, the form, the demo's accounts.
fn render_password_signin(
    frame: &mut Frame,
    area: Rect,
    view: &SignInView,
    form: &Form,
    state: &State,
) {
    let theme = &state.theme;
    let outer = block(" Sign in ", state);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let mut top = vec![Line::styled(
        format!("Sign in to {}", state.shop_label),
        theme.title(),
    )];
    if let Some(reason) = &view.reason {
        top.push(Line::styled(reason.as_str(), theme.warn()));
    }
    let form_height = form.fields.len() as u16 + 5;
    let [top_area, form_area, hint_area] = Layout::vertical([
        Constraint::Length(top.len() as u16 + 1),
        Constraint::Length(form_height),
        Constraint::Min(0),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(top).wrap(Wrap { trim: false }), top_area);
    let keys: &[(&str, &str)] = &[
        ("Enter", "sign in"),
        ("Tab", "next field"),
        ("Ctrl-C", "quit"),
    ];
    render_form_with_keys(frame, form_area, form, state, keys);
    let hints: Vec<Line> = view
        .hint
        .iter()
        .map(|h| Line::styled(h.as_str(), theme.dim()))
        .collect();
    frame.render_widget(Paragraph::new(hints).wrap(Wrap { trim: false }), hint_area);
}

fn render_signin(frame: &mut Frame, area: Rect, view: &SignInView, state: &State) {
    let theme = &state.theme;
    frame.render_widget(Clear, area);
    if let Some(form) = &view.form {
        render_password_signin(frame, area, view, form, state);
        return;
    }
    let mut lines = vec![
        Line::styled("Sign in with your browser", theme.title()),
        Line::raw(""),
    ];
    if let Some(reason) = &view.reason {
        lines.push(Line::styled(reason.as_str(), theme.warn()));
        lines.push(Line::raw(""));
    }
    if view.waiting {
        let spinner = SPINNER[(state.tick % SPINNER.len() as u64) as usize];
        match &view.url {
            Some(url) => {
                lines.push(Line::raw(format!(
                    "{spinner} Waiting for the browser. If it did not open, open this address:"
                )));
                lines.push(Line::raw(""));
                lines.push(Line::styled(url.as_str(), theme.key()));
                lines.push(Line::raw(""));
                lines.push(Line::from(vec![
                    Span::styled("o", theme.key()),
                    Span::raw(" open again   "),
                    Span::styled("y", theme.key()),
                    Span::raw(" copy the address   "),
                    Span::styled("p", theme.key()),
                    Span::raw(
                        " paste the address the browser ended on (browser on another machine)   ",
                    ),
                    Span::styled("Esc", theme.key()),
                    Span::raw(" cancel"),
                ]));
            }
            None => lines.push(Line::raw(format!(
                "{spinner} Contacting the shop's sign-in server…"
            ))),
        }
    } else {
        lines.push(Line::from(vec![
            Span::styled("Enter", theme.key()),
            Span::raw(" sign in with your browser   "),
            Span::styled("q", theme.key()),
            Span::raw(" quit"),
        ]));
    }
    if let Some(input) = &view.paste {
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled("Paste the address: ", theme.key()),
            Span::raw(input.value()),
            Span::styled("▏", theme.key()),
        ]));
    }
    if let Some(error) = &view.error {
        lines.push(Line::raw(""));
        lines.push(Line::styled(error.as_str(), theme.error()));
    }
    if !view.hint.is_empty() {
        lines.push(Line::raw(""));
        lines.extend(
            view.hint
                .iter()
                .map(|h| Line::styled(h.as_str(), theme.dim())),
        );
    }
    let paragraph = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(block(" Sign in ", state));
    frame.render_widget(paragraph, area);
}

/// Toasts in the bottom-right corner, newest lowest; long ones wrap instead of being cut, so a
/// failure's hint and address stay readable.
fn render_toasts(frame: &mut Frame, body: Rect, state: &State) {
    use unicode_width::UnicodeWidthStr;
    let mut bottom = body.bottom();
    for toast in state.toasts.iter().rev() {
        let text_width = toast.text.width() as u16;
        let width = (text_width + 2).min(body.width.min(72.max(body.width / 2)));
        let inner = width.saturating_sub(2).max(1);
        // Word wrapping can need a line more than the characters alone.
        let lines = text_width.div_ceil(inner);
        let height = (lines + u16::from(lines > 1) + 2).min(body.height);
        if bottom < body.y + height {
            break;
        }
        let area = Rect {
            x: body.right().saturating_sub(width),
            y: bottom - height,
            width,
            height,
        };
        bottom -= height;
        let style = match toast.kind {
            ToastKind::Info => state.theme.ok(),
            ToastKind::Error => state.theme.error(),
        };
        frame.render_widget(Clear, area);
        frame.render_widget(
            Paragraph::new(toast.text.as_str())
                .style(style)
                .wrap(Wrap { trim: false })
                .block(Block::default().borders(Borders::ALL)),
            area,
        );
    }
}

/// The `?` overlay: the keys of the screen underneath (those that cannot work now, with why),
/// then the global ones. It scrolls when the terminal is too short for it.
fn render_help(frame: &mut Frame, body: Rect, state: &State) {
    let theme = &state.theme;
    let key_line = |keys: &str, action: &str| {
        Line::from(vec![
            Span::styled(format!("{keys:>12}  "), theme.key()),
            Span::raw(action.to_owned()),
        ])
    };
    let title = match &state.signin {
        Some(_) => "Sign-in keys".to_owned(),
        None => format!("{} keys", state.pane.title()),
    };
    let mut lines = vec![Line::styled(title, theme.title())];
    for (keys, action, why) in commands::help_lines(state) {
        match why {
            None => lines.push(key_line(keys, action)),
            Some(why) => lines.push(Line::styled(
                format!("{keys:>12}  {action} — {why}"),
                theme.dim(),
            )),
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Everywhere outside a text field",
        theme.title(),
    ));
    for binding in commands::bindings(commands::Context::Global) {
        lines.push(key_line(binding.label, binding.description));
    }
    lines.push(key_line("Ctrl-C", "quit from anywhere"));
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "j/k PgDn/PgUp scroll · any other key closes this help.",
        theme.dim(),
    ));
    let total = lines.len() as u16;
    let height = (total + 2).min(body.height);
    let width = 64.min(body.width);
    let area = Rect {
        x: body.x + (body.width - width) / 2,
        y: body.y + (body.height - height) / 2,
        width,
        height,
    };
    let scroll = state
        .help_scroll
        .min(total.saturating_sub(height.saturating_sub(2)));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .block(block(" Help ", state)),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::{field_window, fit_width};
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn field_window_keeps_the_cursor_inside() {
        assert_eq!(field_window("short", 5, 10), ("short".to_owned(), 5));
        let (shown, col) = field_window("abcdefghijklmnop", 16, 8);
        assert_eq!(shown, "…klmnop");
        assert_eq!(
            col, 7,
            "just after the last character, inside the 8 columns"
        );
        let (shown, col) = field_window("abcdefghijklmnop", 2, 8);
        assert_eq!(shown, "abcdefg…");
        assert_eq!(col, 2);
    }

    /// Found by tests/fuzz.rs: a field of one column or none, with the cursor inside the text,
    /// overflowed `cursor - skipped` (a panic in debug builds) when the terminal was 1×1.
    #[test]
    fn field_window_fits_no_room_at_all() {
        assert_eq!(field_window("\u{14647}0", 1, 0), (String::new(), 0));
        assert_eq!(field_window("\u{14647}0", 1, 1), ("…".to_owned(), 0));
        assert_eq!(field_window("ab", 2, 1), ("…".to_owned(), 0));
        for width in 2..6 {
            for cursor in 0..8 {
                let (shown, col) = field_window("機a械b式c", cursor, width);
                assert!(shown.width() <= width, "{shown:?} in {width}");
                assert!(col <= width, "cursor {col} beyond {width}");
            }
        }
    }

    #[test]
    fn fit_width_cuts_and_pads_by_display_columns() {
        assert_eq!(fit_width("Mouse", 8), "Mouse   ");
        assert_eq!(fit_width("Mechanical keyboard", 10), "Mechanica…");
        let japanese = fit_width("機械式キーボード", 9);
        assert_eq!(japanese.width(), 9, "{japanese:?}");
        assert!(japanese.ends_with('…') || japanese.ends_with(' '));
        assert_eq!(fit_width("anything", 0), "");
    }
}
