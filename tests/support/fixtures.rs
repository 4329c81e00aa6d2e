//! Fixtures the TUI snapshots (tests/tui_render.rs) and the render benchmark (benches/render.rs)
//! both draw: the Customer API's features as the TUI is shown them, an order history of any
//! length, and the action that loads a page of it. The benchmark includes this file by path, so
//! it uses nothing else of `support`.

use shopterm::auth::NoToken;
use shopterm::model::{
    Currency, Money, OrderNumber, OrderStatus, OrderSummary, Page, PaymentStatus,
};
use shopterm::platforms::customer_api::CustomerApiShop;
use shopterm::shop::{Capabilities, Feature, Shop};
use shopterm::tui::app::Action;
use std::sync::{Arc, LazyLock};
use time::macros::datetime;

/// What the Customer API connector declares, without order search, brand lookup and idempotent
/// orders (the panes are drawn without the search field and brand column they add).
pub fn customer_api_features() -> Capabilities {
    // Asked of the connector once: its HTTP client loads the system's certificates.
    static FEATURES: LazyLock<Capabilities> = LazyLock::new(|| {
        let base = url::Url::parse("http://127.0.0.1:8040/").expect("URL");
        let shop = CustomerApiShop::new(base, reqwest::Client::new(), Arc::new(NoToken));
        let without = [
            Feature::OrderSearch,
            Feature::BrandLookup,
            Feature::IdempotentOrders,
        ];
        Capabilities::new(shop.capabilities().iter().filter(|f| !without.contains(f)))
    });
    FEATURES.clone()
}

/// The four states an order history cycles through, with their labels.
const STATUSES: [(OrderStatus, &str, PaymentStatus, &str); 4] = [
    (
        OrderStatus::PartiallyShipped,
        "Partially shipped",
        PaymentStatus::Paid,
        "Paid",
    ),
    (
        OrderStatus::Pending,
        "Awaiting payment",
        PaymentStatus::Unpaid,
        "Unpaid",
    ),
    (
        OrderStatus::Delivered,
        "Delivered",
        PaymentStatus::Paid,
        "Paid",
    ),
    (
        OrderStatus::Cancelled,
        "Cancelled",
        PaymentStatus::Refunded,
        "Refunded",
    ),
];

/// An order history, newest first: order `i` is `SO-{newest - i}`, placed `interval × i` before
/// 2026-11-20 09:30 UTC, for € 123.45 + `total_step` cents × i.
pub struct History {
    pub newest: usize,
    pub interval: time::Duration,
    pub total_step: i64,
}

impl History {
    pub fn summary(&self, i: usize) -> OrderSummary {
        let (status, label, payment, payment_label) = STATUSES[i % STATUSES.len()];
        OrderSummary {
            number: OrderNumber(format!("SO-{}", self.newest - i)),
            placed_at: datetime!(2026-11-20 09:30 UTC) - self.interval * i as u32,
            status,
            status_label: label.into(),
            payment_status: payment,
            payment_label: payment_label.into(),
            item_count: (i % 7 + 1) as u32,
            total: Money::from_minor(12_345 + i as i64 * self.total_step, Currency::EUR),
        }
    }
}

/// The answer to the first orders request (generation 0) carrying `page`.
pub fn orders_loaded(page: Page<OrderSummary>) -> Action {
    let offset = page.offset;
    Action::OrdersLoaded {
        generation: 0,
        offset,
        result: Ok(page),
    }
}
