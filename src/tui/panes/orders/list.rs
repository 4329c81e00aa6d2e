//! The order history: every order loaded so far (pages are fetched as the user scrolls, and
//! the next one before the end is reached), the selection, search and status filter.

use super::detail::OrderDetailView;
use crate::model::*;
use crate::sanitize::Sanitize;
use crate::shop::{Feature, ShopError};
use crate::tui::ctx::{Ctx, ViewCtx};
use crate::tui::feedback::failure_text;
use crate::tui::form::type_into;
use crate::tui::layout;
use crate::tui::messages::Effect;
use crate::tui::order_rows::OrderRows;
use crate::tui::table::{Command, Context};
use crate::tui::widgets::{SPINNER, day, fit_width, status_style};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

/// Orders fetched per page while scrolling.
pub const ORDERS_PAGE: u32 = 100;
/// Start fetching the next page when the selection comes this close to the end of what is loaded.
const PREFETCH_MARGIN: usize = 30;

#[derive(Debug)]
pub struct OrdersPane {
    /// Every order loaded so far, newest first; pages are appended as the user scrolls. Kept as
    /// compact rows (see `order_rows`): 100,000 orders stay a few megabytes.
    pub items: OrderRows,
    pub total: Option<u64>,
    pub has_more: bool,
    pub loading: bool,
    pub error: Option<String>,
    pub selected: usize,
    pub filter: OrderFilter,
    /// The search being typed (`/`), applied on Enter.
    pub search_input: Option<tui_input::Input>,
    /// Bumped whenever the filter changes, so late answers for an old filter are dropped.
    pub generation: u64,
    pub detail: Option<OrderDetailView>,
    /// The first row shown; kept so the selection stays visible without jumping.
    pub offset: usize,
    /// Rows of the order table that fit on screen (from the terminal size).
    pub viewport: usize,
}

impl Default for OrdersPane {
    fn default() -> Self {
        OrdersPane {
            items: OrderRows::default(),
            total: None,
            has_more: true,
            loading: false,
            error: None,
            selected: 0,
            filter: OrderFilter::default(),
            search_input: None,
            generation: 0,
            detail: None,
            offset: 0,
            viewport: layout::order_rows(80, 24),
        }
    }
}

impl OrdersPane {
    pub fn busy(&self) -> bool {
        self.loading || self.detail.as_ref().is_some_and(|d| d.detail.is_loading())
    }

    /// Loads the first page the first time the pane is shown (or after a failure was cleared).
    pub fn enter(&mut self, ctx: &Ctx) -> Vec<Effect> {
        if !self.items.is_empty() || self.loading || self.error.is_some() {
            return Vec::new();
        }
        if !ctx.supports(Feature::OrderHistory) {
            return Vec::new();
        }
        self.load_more()
    }

    /// Asks for the next page, unless one is on its way or the history is complete.
    pub fn load_more(&mut self) -> Vec<Effect> {
        if self.loading || !self.has_more {
            return Vec::new();
        }
        self.loading = true;
        self.error = None;
        vec![Effect::LoadOrders {
            generation: self.generation,
            request: PageRequest {
                offset: self.items.len() as u64,
                limit: ORDERS_PAGE,
                filter: self.filter.clone(),
            },
        }]
    }

    /// Drops what is loaded and starts again with the current filter.
    pub fn restart(&mut self) -> Vec<Effect> {
        self.generation += 1;
        self.items.clear();
        self.total = None;
        self.has_more = true;
        self.loading = false;
        self.error = None;
        self.selected = 0;
        self.offset = 0;
        self.load_more()
    }

    /// Scrolls the order table just enough to show the selection.
    pub fn keep_selection_visible(&mut self) {
        let rows = self.viewport.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + rows {
            self.offset = self.selected + 1 - rows;
        }
    }

    /// The terminal's size changed: as many rows as now fit, the selection still among them.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.viewport = layout::order_rows(width, height);
        self.keep_selection_visible();
    }
}

/// A page came: appended if it is still the one asked for (not for a filter or position that is
/// gone); the next one is asked for at once when the user has already scrolled near its end.
pub fn loaded(
    pane: &mut OrdersPane,
    generation: u64,
    offset: u64,
    result: Result<Page<OrderSummary>, ShopError>,
) -> Vec<Effect> {
    if generation != pane.generation || offset != pane.items.len() as u64 {
        return Vec::new();
    }
    pane.loading = false;
    match result {
        Ok(page) => {
            let page = page.sanitized();
            pane.total = page.total;
            pane.has_more = page.has_more && !page.items.is_empty();
            pane.items.extend(page.items);
            if pane.selected + PREFETCH_MARGIN >= pane.items.len() {
                return pane.load_more();
            }
        }
        Err(error) => pane.error = Some(failure_text(&error)),
    }
    Vec::new()
}

/// A key in the order search field: Enter applies it, Esc leaves the filter as it was.
pub fn search_key(pane: &mut OrdersPane, key: KeyEvent) -> Vec<Effect> {
    let Some(input) = pane.search_input.as_mut() else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Esc => pane.search_input = None,
        KeyCode::Enter => {
            let text = input.value().trim().to_owned();
            pane.search_input = None;
            pane.filter.search = (!text.is_empty()).then_some(text);
            return pane.restart();
        }
        _ => type_into(input, key),
    }
    Vec::new()
}

/// A key the command table let through to the list: moving, opening, searching, filtering.
pub fn update(pane: &mut OrdersPane, key: KeyEvent) -> Vec<Effect> {
    let len = pane.items.len();
    let page = pane.viewport.max(1);
    let before = pane.selected;
    let last = len.saturating_sub(1);
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => pane.selected = (before + 1).min(last),
        KeyCode::Up | KeyCode::Char('k') => pane.selected = before.saturating_sub(1),
        KeyCode::PageDown | KeyCode::Char(' ') => pane.selected = (before + page).min(last),
        KeyCode::PageUp => pane.selected = before.saturating_sub(page),
        KeyCode::Home | KeyCode::Char('g') => pane.selected = 0,
        KeyCode::End | KeyCode::Char('G') => pane.selected = last,
        KeyCode::Enter | KeyCode::Char('l') | KeyCode::Right => {
            if let Some(order) = pane.items.get(pane.selected) {
                let number = OrderNumber::from(order.number);
                pane.detail = Some(OrderDetailView::loading(number.clone()));
                return vec![Effect::LoadOrder(number)];
            }
        }
        KeyCode::Char('/') => {
            let current = pane.filter.search.clone().unwrap_or_default();
            pane.search_input = Some(tui_input::Input::new(current));
        }
        KeyCode::Char('f') => {
            // Cycle: all → pending → … → refunded → all.
            let statuses = &OrderStatus::ALL[..7];
            pane.filter.status = match pane.filter.status {
                None => Some(statuses[0]),
                Some(current) => statuses
                    .iter()
                    .position(|s| *s == current)
                    .and_then(|i| statuses.get(i + 1).copied()),
            };
            return pane.restart();
        }
        KeyCode::Esc if pane.filter != OrderFilter::default() => {
            pane.filter = OrderFilter::default();
            return pane.restart();
        }
        KeyCode::Char('R') => return pane.restart(),
        _ => {}
    }
    pane.keep_selection_visible();
    if pane.selected + PREFETCH_MARGIN >= len {
        return pane.load_more();
    }
    Vec::new()
}

/// The order table, its title (count and filter) and the footer (search, loading, errors).
pub fn view(frame: &mut Frame, area: Rect, pane: &OrdersPane, look: &ViewCtx) {
    let theme = look.theme;
    let orders = pane;
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
        &look.ctx.capabilities,
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
                        status_style(order.status, look.theme),
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
    // Headings stand over their values: the counts and amounts are right-aligned.
    let header = Row::new(columns.iter().map(|(column, _)| {
        let title = Line::from(column.title());
        match column {
            layout::OrderColumn::Items | layout::OrderColumn::Total => {
                Cell::from(title.alignment(Alignment::Right))
            }
            _ => Cell::from(title),
        }
    }))
    .style(theme.dim());
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
            format!(
                "Could not load orders: {error} — press {} to retry",
                look.keys.label_of(Context::Orders, Command::Reload)
            ),
            theme.error(),
        )
    } else if orders.loading {
        Line::styled(
            format!("{} loading more…", SPINNER[(look.tick % 8) as usize]),
            theme.dim(),
        )
    } else if orders.items.is_empty() && orders.filter != OrderFilter::default() {
        Line::styled("No orders match.", theme.dim())
    } else if orders.items.is_empty() && !orders.has_more {
        // The whole history is loaded and there is none: not a search that found nothing.
        Line::styled("You have no orders yet.", theme.dim())
    } else if orders.items.is_empty() {
        Line::raw("")
    } else if !orders.has_more {
        Line::styled("End of history.", theme.dim())
    } else {
        Line::raw("")
    };
    frame.render_widget(Paragraph::new(footer_line), footer);
}
