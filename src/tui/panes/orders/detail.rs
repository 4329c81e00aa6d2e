//! One order, opened from the history: its lines, totals, shipments with tracking (open the
//! tracking page, copy the number) and addresses.

use crate::model::*;
use crate::sanitize::Sanitize;
use crate::shop::ShopError;
use crate::tui::ctx::{Ctx, ViewCtx};
use crate::tui::feedback::{ToastKind, failure_text};
use crate::tui::loadable::Loadable;
use crate::tui::messages::Effect;
use crate::tui::table::{Command, Context};
use crate::tui::widgets::{block, date, fit_width, loading_or_error, postal_lines, status_style};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Wrap};

#[derive(Debug)]
pub struct OrderDetailView {
    pub number: OrderNumber,
    pub detail: Loadable<OrderDetail>,
    /// The shipment `o` and `y` act on.
    pub shipment: usize,
    pub scroll: u16,
}

impl OrderDetailView {
    /// The view of an order whose detail is on its way.
    pub fn loading(number: OrderNumber) -> OrderDetailView {
        OrderDetailView {
            number,
            detail: Loadable::Loading,
            shipment: 0,
            scroll: 0,
        }
    }
}

/// A key the command table let through to the open order (Esc and `r` are the list's).
pub fn update(view: &mut OrderDetailView, ctx: &mut Ctx, key: KeyEvent) -> Vec<Effect> {
    let shipments = view.detail.ready().map_or(0, |d| d.shipments.len());
    let current = view
        .detail
        .ready()
        .and_then(|d| d.shipments.get(view.shipment));
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => view.scroll = view.scroll.saturating_add(1),
        KeyCode::Up | KeyCode::Char('k') => view.scroll = view.scroll.saturating_sub(1),
        KeyCode::Char('n') | KeyCode::Char(']') if shipments > 0 => {
            view.shipment = (view.shipment + 1) % shipments
        }
        KeyCode::Char('p') | KeyCode::Char('[') if shipments > 0 => {
            view.shipment = (view.shipment + shipments - 1) % shipments
        }
        KeyCode::Char('o') => match current.and_then(|s| s.tracking_url.clone()) {
            Some(url) => return vec![Effect::OpenUrl(url)],
            None => ctx.toast(ToastKind::Error, "This shipment has no tracking link"),
        },
        KeyCode::Char('y') => match current.and_then(|s| s.tracking_id.clone()) {
            Some(id) => return vec![Effect::Copy(id)],
            None => ctx.toast(ToastKind::Error, "This shipment has no tracking number"),
        },
        _ => {}
    }
    Vec::new()
}

/// The detail came (or failed); an answer for another order than the open one is dropped.
pub fn loaded(
    view: &mut OrderDetailView,
    number: &OrderNumber,
    result: Result<OrderDetail, ShopError>,
) {
    if view.number != *number {
        return;
    }
    view.detail = match result {
        Ok(detail) => Loadable::Ready(detail.sanitized()),
        Err(error) => Loadable::Failed(failure_text(&error)),
    };
}

pub fn view(frame: &mut Frame, area: Rect, view: &OrderDetailView, look: &ViewCtx) {
    let theme = look.theme;
    let outer = block(format!(" Order {} ", view.number), look.theme);
    if let Some(placeholder) = loading_or_error(
        &view.detail,
        look.theme,
        // The detail has no reload of its own: back to the list, and open it again.
        &format!(
            "Press {} and open the order again.",
            look.keys.label_of(Context::OrderDetail, Command::Back)
        ),
    ) {
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
                status_style(summary.status, look.theme),
            ),
        ]),
        Line::raw(""),
        Line::styled("Lines", theme.title()),
    ];
    // A shop that says nothing of payment gets no empty "Payment" label.
    if !summary.payment_label.trim().is_empty() {
        lines[0].spans.extend([
            Span::styled("   Payment ", theme.dim()),
            Span::raw(summary.payment_label.as_str()),
        ]);
    }
    let inner_width = usize::from(area.width.saturating_sub(2));
    lines.extend(
        order_line_rows(&detail.lines, inner_width)
            .into_iter()
            .map(Line::raw),
    );
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
    lines.extend(shipment_lines(detail, view.shipment, theme));
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

/// Each shipment: carrier, service, date and state (the selected one marked), its tracking and
/// what it carries.
/// The shortest the product's name may get before the line's columns shrink or go.
const NAME_MIN: usize = 8;

/// The order's lines as rows of `width` columns, one row each: quantity, code and brand on the
/// left, unit price and line total on the right, the name in what is left (cut by display width,
/// so CJK names do not break the columns). Where that does not fit, the columns shrink to their
/// contents, then the unit price goes, then the brand: the line total always stays on the row.
fn order_line_rows(order_lines: &[OrderLine], width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let widest = |text: &dyn Fn(&OrderLine) -> String| {
        order_lines
            .iter()
            .map(|l| text(l).width())
            .max()
            .unwrap_or(0)
    };
    let fitted = ColumnWidths {
        quantity: widest(&|l| l.quantity.to_string()),
        code: widest(&|l| l.code.to_string()),
        brand: widest(&|l| l.brand.to_string()).min(16),
        unit: widest(&|l| l.unit_price.to_string()),
        total: widest(&|l| l.line_total.to_string()),
    };
    // The roomy layout first (its columns line up across orders), then ever fewer columns.
    let roomy = ColumnWidths {
        quantity: 4,
        code: 14,
        brand: 12,
        unit: 13,
        total: 14,
    };
    let candidates = [
        roomy,
        fitted,
        ColumnWidths { unit: 0, ..fitted },
        ColumnWidths {
            unit: 0,
            brand: 0,
            ..fitted
        },
    ];
    let columns = candidates
        .iter()
        .find(|c| c.fixed() + NAME_MIN <= width)
        .unwrap_or(&candidates[3]);
    let room = width.saturating_sub(columns.fixed());
    order_lines
        .iter()
        .map(|line| {
            let mut row = format!(
                "  {:>q$} × {} ",
                line.quantity,
                fit_width(&line.code.to_string(), columns.code),
                q = columns.quantity
            );
            if columns.brand > 0 {
                row.push_str(&fit_width(&line.brand.to_string(), columns.brand));
                row.push(' ');
            }
            row.push_str(&fit_width(&line.name, room));
            if columns.unit > 0 {
                row.push_str(&format!(
                    " {:>u$}",
                    line.unit_price.to_string(),
                    u = columns.unit
                ));
            }
            row.push_str(&format!(
                " {:>t$}",
                line.line_total.to_string(),
                t = columns.total
            ));
            row
        })
        .collect()
}

/// The widths of an order line's columns; 0 leaves a column out.
#[derive(Debug, Clone, Copy)]
struct ColumnWidths {
    quantity: usize,
    code: usize,
    brand: usize,
    unit: usize,
    total: usize,
}

impl ColumnWidths {
    /// The columns but the name's, with the spaces between them.
    fn fixed(&self) -> usize {
        let optional = |w: usize| if w > 0 { w + 1 } else { 0 };
        2 + self.quantity
            + 3
            + self.code
            + 1
            + optional(self.brand)
            + optional(self.unit)
            + 1
            + self.total
    }
}

fn shipment_lines(
    detail: &OrderDetail,
    selected: usize,
    theme: &crate::tui::theme::Theme,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (i, shipment) in detail.shipments.iter().enumerate() {
        let marker = if i == selected { "▶ " } else { "  " };
        let style = if i == selected {
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
    lines
}
