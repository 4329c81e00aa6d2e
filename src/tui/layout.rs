//! Where things are on screen, computed once from the terminal's size and shared by drawing,
//! the mouse and scrolling: the order list window and the selection come from the same
//! rectangles the frame draws, so the selected row is always a drawn row and a click lands on
//! the row under the pointer at any size.

use crate::shop::{Capabilities, Feature};
use ratatui::layout::{Constraint, Layout, Rect};

/// The three bands of every frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    pub tabs: Rect,
    pub body: Rect,
    pub status: Rect,
}

pub fn screen(area: Rect) -> Screen {
    let [tabs, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    Screen { tabs, body, status }
}

/// The order history inside the body: a bordered block with the table (one header row, then
/// the orders) and a footer line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderList {
    /// The table: its header row, then the order rows.
    pub table: Rect,
    pub footer: Rect,
}

impl OrderList {
    /// How many orders are drawn.
    pub fn rows(&self) -> usize {
        usize::from(self.table.height.saturating_sub(1))
    }

    /// Screen row of the first order.
    pub fn first_row(&self) -> u16 {
        self.table.y + 1
    }

    /// The order index under screen row `y`, given the first order shown.
    pub fn index_at(&self, y: u16, offset: usize) -> Option<usize> {
        let first = self.first_row();
        (y >= first && usize::from(y - first) < self.rows())
            .then(|| offset + usize::from(y - first))
    }
}

pub fn order_list(body: Rect) -> OrderList {
    let inner = inner(body);
    let [table, footer] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    OrderList { table, footer }
}

/// A column of the order table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderColumn {
    Number,
    Date,
    Status,
    Payment,
    Items,
    Total,
}

impl OrderColumn {
    pub fn title(self) -> &'static str {
        match self {
            OrderColumn::Number => "Number",
            OrderColumn::Date => "Date",
            OrderColumn::Status => "Status",
            OrderColumn::Payment => "Payment",
            OrderColumn::Items => "Items",
            OrderColumn::Total => "Total",
        }
    }
}

/// Space between two columns of the order table.
pub const COLUMN_GAP: u16 = 2;

impl OrderColumn {
    /// What the shop's order list must give for the column to have anything in it.
    fn feature(self) -> Option<Feature> {
        match self {
            OrderColumn::Status => Some(Feature::OrderListStatus),
            OrderColumn::Payment => Some(Feature::OrderListPayment),
            OrderColumn::Items => Some(Feature::OrderListItems),
            OrderColumn::Number | OrderColumn::Date | OrderColumn::Total => None,
        }
    }
}

/// The order table's columns and their widths for a table `width` wide. A column the shop's
/// order list cannot fill is not drawn (it would be a column of dashes). The number and the
/// total are never cut (`number` and `total` are the widest shown); when the width runs out the
/// payment column goes first, then the item count, then the date; the status takes what is
/// left (cut with an ellipsis).
pub fn order_columns(
    width: u16,
    number: u16,
    total: u16,
    capabilities: &Capabilities,
) -> Vec<(OrderColumn, u16)> {
    use OrderColumn::*;
    let number = number.max(6);
    let total = total.max(5);
    let wanted = [
        (Number, number),
        (Date, 10),
        (Status, 18),
        (Payment, 22),
        (Items, 5),
        (Total, total),
    ];
    let mut columns: Vec<(OrderColumn, u16)> = wanted
        .into_iter()
        .filter(|(c, _)| c.feature().is_none_or(|f| capabilities.supports(f)))
        .collect();
    let needed = |columns: &[(OrderColumn, u16)]| {
        columns.iter().map(|(_, w)| w).sum::<u16>()
            + COLUMN_GAP * columns.len().saturating_sub(1) as u16
    };
    for drop in [Payment, Items, Date] {
        // The status may shrink to 14 before a column goes.
        let flexible = columns
            .iter()
            .find(|(c, _)| *c == Status)
            .map_or(0, |(_, w)| w - 14);
        if needed(&columns) <= width + flexible {
            break;
        }
        columns.retain(|(c, _)| *c != drop);
    }
    let fixed: u16 = columns
        .iter()
        .filter(|(c, _)| *c != Status)
        .map(|(_, w)| w)
        .sum::<u16>()
        + COLUMN_GAP * columns.len().saturating_sub(1) as u16;
    let status = width.saturating_sub(fixed).min(18);
    for (column, w) in &mut columns {
        if *column == Status {
            *w = status;
        }
    }
    // The total takes any width left over, so it stays aligned at the right edge.
    let used = needed(&columns);
    if let Some((_, w)) = columns.iter_mut().find(|(c, _)| *c == Total) {
        *w += width.saturating_sub(used);
    }
    columns
}

/// The address pane: the list on the left, the selected address on the right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressPane {
    pub list: Rect,
    pub detail: Rect,
}

impl AddressPane {
    /// Rows of addresses drawn inside the list's border.
    pub fn rows(&self) -> usize {
        usize::from(inner(self.list).height).max(1)
    }

    /// The first address shown so that `selected` is drawn.
    pub fn offset(&self, selected: usize) -> usize {
        (selected + 1).saturating_sub(self.rows())
    }

    pub fn index_at(&self, x: u16, y: u16, selected: usize) -> Option<usize> {
        let inner = inner(self.list);
        let inside = x >= inner.x && x < inner.right() && y >= inner.y && y < inner.bottom();
        inside.then(|| self.offset(selected) + usize::from(y - inner.y))
    }
}

pub fn address_pane(body: Rect) -> AddressPane {
    // Narrow terminals: the list alone gets the width it needs; the detail goes below it.
    if body.width < 70 {
        let [list, detail] =
            Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
        return AddressPane { list, detail };
    }
    let [list, detail] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body);
    AddressPane { list, detail }
}

/// The area inside a one-cell border.
pub fn inner(area: Rect) -> Rect {
    Rect {
        x: area.x.saturating_add(1),
        y: area.y.saturating_add(1),
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    }
}

/// Rows of orders drawn in a terminal of this size.
pub fn order_rows(width: u16, height: u16) -> usize {
    order_list(screen(Rect::new(0, 0, width, height)).body)
        .rows()
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_window_is_the_drawn_table() {
        // 24 rows: tabs, status, two borders, the header and the footer leave 18 orders.
        assert_eq!(order_rows(80, 24), 18);
        let list = order_list(screen(Rect::new(0, 0, 80, 24)).body);
        assert_eq!(list.first_row(), 3);
        assert_eq!(list.index_at(3, 10), Some(10));
        assert_eq!(list.index_at(3 + 17, 0), Some(17));
        assert_eq!(list.index_at(3 + 18, 0), None, "the footer is not a row");
        assert_eq!(list.index_at(2, 0), None, "the header is not a row");
    }

    #[test]
    fn order_columns_drop_by_priority_and_never_cut_number_or_total() {
        let names = |w| -> Vec<OrderColumn> {
            order_columns(w, 9, 11, &every())
                .into_iter()
                .map(|(c, _)| c)
                .collect()
        };
        use OrderColumn::*;
        assert_eq!(names(118), [Number, Date, Status, Payment, Items, Total]);
        assert_eq!(names(78), [Number, Date, Status, Items, Total]);
        assert_eq!(names(56), [Number, Date, Status, Total]);
        for width in [40, 56, 78, 118] {
            let columns = order_columns(width, 9, 11, &every());
            assert!(columns.contains(&(Number, 9)));
            let used: u16 = columns.iter().map(|(_, w)| w).sum::<u16>()
                + COLUMN_GAP * (columns.len() as u16 - 1);
            assert_eq!(used, width, "{columns:?}");
        }
    }

    fn every() -> Capabilities {
        crate::tui::test_fixtures::all_features()
    }

    #[test]
    fn columns_the_shop_cannot_fill_are_not_drawn() {
        // Spryker's list: number, date and total only, whatever the width.
        let glue = Capabilities::new([Feature::OrderHistory]);
        for width in [56, 78, 118] {
            let columns: Vec<OrderColumn> = order_columns(width, 9, 11, &glue)
                .into_iter()
                .map(|(c, _)| c)
                .collect();
            assert_eq!(
                columns,
                [OrderColumn::Number, OrderColumn::Date, OrderColumn::Total]
            );
        }
        let no_payment = Capabilities::new([Feature::OrderListStatus, Feature::OrderListItems]);
        let columns: Vec<OrderColumn> = order_columns(118, 9, 11, &no_payment)
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        assert!(!columns.contains(&OrderColumn::Payment), "{columns:?}");
        assert!(columns.contains(&OrderColumn::Status), "{columns:?}");
    }

    #[test]
    fn the_address_window_follows_the_selection() {
        let pane = address_pane(Rect::new(0, 1, 80, 10));
        assert_eq!(pane.rows(), 8);
        assert_eq!(pane.offset(3), 0);
        assert_eq!(pane.offset(10), 3);
        assert_eq!(pane.index_at(2, 2, 10), Some(3));
    }
}
