//! The order history as the TUI keeps it: one compact row per order, holding only what the table
//! shows. A shop's status and payment labels repeat across thousands of orders, so each is stored
//! once. Order numbers share one string. The date is kept without the time of day, because the
//! table shows only the date. 100,000 orders take about 5 MB this way, against about 21 MB as
//! `OrderSummary` values. The model's `OrderSummary` (and its JSON) are unchanged: a summary is
//! turned into a row when its page arrives.

use crate::model::{Money, OrderStatus, OrderSummary, PaymentStatus};
use std::collections::HashMap;
use std::sync::Arc;
use time::Date;

/// The loaded history, newest first, in the order the pages came.
#[derive(Debug, Default)]
pub struct OrderRows {
    rows: Vec<Row>,
    /// Every order number, one after the other; a row holds where its number is.
    numbers: String,
    labels: Labels,
}

#[derive(Debug)]
struct Row {
    number_start: u32,
    number_end: u32,
    total: Money,
    item_count: u32,
    date: Date,
    status_label: u32,
    payment_label: u32,
    status: OrderStatus,
    payment_status: PaymentStatus,
}

/// Each distinct label once.
#[derive(Debug, Default)]
struct Labels {
    all: Vec<Arc<str>>,
    index: HashMap<Arc<str>, u32>,
}

impl Labels {
    fn intern(&mut self, label: &str) -> u32 {
        if let Some(&id) = self.index.get(label) {
            return id;
        }
        let id = self.all.len() as u32;
        let label: Arc<str> = Arc::from(label);
        self.all.push(label.clone());
        self.index.insert(label, id);
        id
    }

    fn get(&self, id: u32) -> &str {
        &self.all[id as usize]
    }
}

/// One order of the table, borrowed from [`OrderRows`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OrderRow<'a> {
    pub number: &'a str,
    /// The day the order was placed, in the offset the shop gave.
    pub date: Date,
    pub status: OrderStatus,
    pub status_label: &'a str,
    pub payment_status: PaymentStatus,
    pub payment_label: &'a str,
    pub item_count: u32,
    pub total: &'a Money,
}

impl OrderRows {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Forgets every row (a new filter); labels seen so far are kept.
    pub fn clear(&mut self) {
        self.rows.clear();
        self.numbers.clear();
    }

    pub fn push(&mut self, summary: OrderSummary) {
        let number_start = self.numbers.len() as u32;
        self.numbers.push_str(summary.number.as_str());
        let row = Row {
            number_start,
            number_end: self.numbers.len() as u32,
            total: summary.total,
            item_count: summary.item_count,
            date: summary.placed_at.date(),
            status_label: self.labels.intern(&summary.status_label),
            payment_label: self.labels.intern(&summary.payment_label),
            status: summary.status,
            payment_status: summary.payment_status,
        };
        self.rows.push(row);
    }

    pub fn get(&self, index: usize) -> Option<OrderRow<'_>> {
        self.rows.get(index).map(|row| self.view(row))
    }

    /// The rows from `first` on (none when `first` is past the end).
    pub fn iter_from(&self, first: usize) -> impl Iterator<Item = OrderRow<'_>> {
        self.rows
            .get(first..)
            .unwrap_or_default()
            .iter()
            .map(|row| self.view(row))
    }

    fn view<'a>(&'a self, row: &'a Row) -> OrderRow<'a> {
        OrderRow {
            number: &self.numbers[row.number_start as usize..row.number_end as usize],
            date: row.date,
            status: row.status,
            status_label: self.labels.get(row.status_label),
            payment_status: row.payment_status,
            payment_label: self.labels.get(row.payment_label),
            item_count: row.item_count,
            total: &row.total,
        }
    }
}

impl Extend<OrderSummary> for OrderRows {
    fn extend<I: IntoIterator<Item = OrderSummary>>(&mut self, summaries: I) {
        let summaries = summaries.into_iter();
        self.rows.reserve(summaries.size_hint().0);
        for summary in summaries {
            self.push(summary);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Currency, OrderNumber};
    use time::macros::datetime;

    fn summary(number: &str, label: &str, payment: &str) -> OrderSummary {
        OrderSummary {
            number: OrderNumber::from(number),
            placed_at: datetime!(2026-11-20 23:30 -05:00),
            status: OrderStatus::Delivered,
            status_label: label.into(),
            payment_status: PaymentStatus::Paid,
            payment_label: payment.into(),
            item_count: 3,
            total: Money::from_minor(12_345, Currency::EUR),
        }
    }

    #[test]
    fn rows_give_back_what_the_table_shows() {
        let mut rows = OrderRows::default();
        rows.extend([
            summary("SO-3", "Delivered", "Paid"),
            summary("SO-2", "配達済み", "Paid"),
            summary("SO-1", "Delivered", "Refunded"),
        ]);
        assert_eq!(rows.len(), 3);
        let second = rows.get(1).unwrap();
        assert_eq!(
            (second.number, second.status_label, second.payment_label),
            ("SO-2", "配達済み", "Paid")
        );
        // The shop's own day, not the UTC one.
        assert_eq!(second.date, time::macros::date!(2026 - 11 - 20));
        assert_eq!(second.total, &Money::from_minor(12_345, Currency::EUR));
        assert_eq!(rows.labels.all.len(), 4, "each label once");
        let numbers: Vec<&str> = rows.iter_from(1).map(|r| r.number).collect();
        assert_eq!(numbers, ["SO-2", "SO-1"]);
        assert_eq!(rows.iter_from(7).count(), 0);
        assert!(rows.get(3).is_none());
        rows.clear();
        assert!(rows.is_empty() && rows.iter_from(0).count() == 0);
        rows.push(summary("SO-9", "Delivered", "Paid"));
        assert_eq!(rows.get(0).unwrap().number, "SO-9");
    }
}
