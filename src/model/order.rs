//! Orders, their lines and totals, shipments with tracking, and paging through the history.

use super::{Money, OrderNumber, PlacedOrder, PostalAddress, ProductCode};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// Where an order is in its processing, normalised across platforms. The platform's own wording is
/// kept beside it (`status_label`), because customers recognise the words their shop uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Pending,
    Processing,
    PartiallyShipped,
    Shipped,
    Delivered,
    Cancelled,
    Refunded,
    /// A state this platform has that maps to none of the above; see the label.
    Other,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 8] = [
        OrderStatus::Pending,
        OrderStatus::Processing,
        OrderStatus::PartiallyShipped,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
        OrderStatus::Refunded,
        OrderStatus::Other,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            OrderStatus::Pending => "pending",
            OrderStatus::Processing => "processing",
            OrderStatus::PartiallyShipped => "partially_shipped",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Refunded => "refunded",
            OrderStatus::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<OrderStatus> {
        OrderStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
    }
}

/// Payment state of an order, normalised; the raw label travels beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Unpaid,
    Authorized,
    Paid,
    PartiallyRefunded,
    Refunded,
    Failed,
    Other,
}

impl PaymentStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            PaymentStatus::Unpaid => "unpaid",
            PaymentStatus::Authorized => "authorized",
            PaymentStatus::Paid => "paid",
            PaymentStatus::PartiallyRefunded => "partially_refunded",
            PaymentStatus::Refunded => "refunded",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Other => "other",
        }
    }
}

/// An order's item count as a list shows it: "—" for 0, which only a shop whose order list does
/// not give counts (Spryker's) answers — an order always has lines.
pub fn shown_item_count(count: u32) -> String {
    if count == 0 {
        "—".to_owned()
    } else {
        count.to_string()
    }
}

/// A status or payment label as a list shows it: "—" when the shop gave none.
pub fn shown_label(label: &str) -> &str {
    if label.trim().is_empty() {
        "—"
    } else {
        label
    }
}

/// One row of the order history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub number: OrderNumber,
    #[serde(with = "time::serde::rfc3339")]
    pub placed_at: OffsetDateTime,
    pub status: OrderStatus,
    pub status_label: String,
    pub payment_status: PaymentStatus,
    pub payment_label: String,
    /// Number of pieces over all lines.
    pub item_count: u32,
    pub total: Money,
}

/// One line of a past order, with the price it was sold at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub code: ProductCode,
    pub brand: String,
    pub name: String,
    pub quantity: u32,
    pub unit_price: Money,
    pub line_total: Money,
}

/// The money of an order. `grand_total = items - discounts + shipping (+ tax where prices exclude tax)`;
/// connectors pass the platform's numbers through rather than recomputing them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderTotals {
    pub items: Money,
    pub discounts: Money,
    pub shipping: Money,
    pub tax: Money,
    pub grand_total: Money,
}

/// Where a parcel is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShipmentState {
    Preparing,
    InTransit,
    Delivered,
    Returned,
    Other,
}

impl ShipmentState {
    /// How the state is shown to a customer.
    pub fn label(&self) -> &'static str {
        match self {
            ShipmentState::Preparing => "preparing",
            ShipmentState::InTransit => "in transit",
            ShipmentState::Delivered => "delivered",
            ShipmentState::Returned => "returned",
            ShipmentState::Other => "other",
        }
    }
}

/// A parcel of an order; an order can be split into several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    pub id: String,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub shipped_at: Option<OffsetDateTime>,
    pub carrier: String,
    pub service: Option<String>,
    pub tracking_id: Option<String>,
    pub tracking_url: Option<String>,
    pub state: ShipmentState,
    /// Product codes and quantities in this parcel, where the platform tells.
    #[serde(default)]
    pub lines: Vec<ShipmentLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentLine {
    pub code: ProductCode,
    pub quantity: u32,
}

/// Everything about one order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetail {
    #[serde(flatten)]
    pub summary: OrderSummary,
    pub lines: Vec<OrderLine>,
    pub totals: OrderTotals,
    pub billing_address: Option<PostalAddress>,
    pub shipping_address: Option<PostalAddress>,
    #[serde(default)]
    pub shipments: Vec<Shipment>,
}

/// Which orders to list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    /// Placed on or after this day.
    pub since: Option<Date>,
    /// Matches an order number or a product code/name in its lines.
    pub search: Option<String>,
}

/// A window of the order history, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    pub offset: u64,
    pub limit: u32,
    #[serde(default)]
    pub filter: OrderFilter,
}

impl PageRequest {
    pub const DEFAULT_LIMIT: u32 = 50;

    pub fn first(limit: u32) -> Self {
        PageRequest {
            offset: 0,
            limit,
            filter: OrderFilter::default(),
        }
    }

    pub fn next(&self, received: usize) -> Self {
        PageRequest {
            offset: self.offset + received as u64,
            ..self.clone()
        }
    }
}

/// Where a keyset page of the order history starts: the cursor a shop gave out with the page
/// before. Opaque to shopterm; only the shop reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PageCursor(pub String);

/// A window of the order history by keyset (`Feature::KeysetPaging`): the newest orders
/// (`after: None`), then the orders after a cursor. Unlike an offset, a cursor names a place
/// between two orders, so orders placed while a client pages neither repeat nor hide one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CursorRequest {
    pub after: Option<PageCursor>,
    pub limit: u32,
    pub filter: OrderFilter,
}

/// A keyset page: its items and the cursor of the page after it (`None` on the last page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CursorPage<T> {
    pub items: Vec<T>,
    /// Total count of matching items, where the platform tells.
    pub total: Option<u64>,
    pub next: Option<PageCursor>,
}

/// One page of a longer list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub offset: u64,
    /// Total count of matching items, where the platform tells.
    pub total: Option<u64>,
    /// Whether more items follow this page.
    pub has_more: bool,
}

#[cfg(test)]
mod shown_tests {
    use super::*;

    #[test]
    fn unknown_counts_and_labels_show_as_a_dash() {
        assert_eq!(shown_item_count(0), "—");
        assert_eq!(shown_item_count(12), "12");
        assert_eq!(shown_label("  "), "—");
        assert_eq!(shown_label("Shipped"), "Shipped");
    }
}

/// Which of an order's documents: the order itself, or the invoice issued for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Order,
    Invoice,
}

impl DocumentKind {
    /// The word a file name and a message use.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Order => "order",
            DocumentKind::Invoice => "invoice",
        }
    }
}

/// Where a shop that takes payment on its own page left an order: the customer pays there, and
/// the shop (not shopterm) places the order once the payment completes, so the order shows up
/// in the history only then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentPage {
    /// The shop's payment page, opened in a browser; for a payment form, the `file:` address of
    /// the form once it is saved ([`crate::payment_form`]), empty before.
    pub url: String,
    /// The HTML form the shop answered instead of a page (Centra's `formHtml`, which posts to
    /// its payment provider): shop content, never shown in a terminal. It is saved to a private
    /// file, and the browser opens that.
    #[serde(skip)]
    pub form_html: Option<String>,
    /// Where the payment form was saved (0600, in the runtime directory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_file: Option<std::path::PathBuf>,
    /// What the shop will charge, as it priced the cart for the payment.
    pub total: Money,
    /// Lines the shop's cart held before this send and that the payment also covers (the
    /// customer did not ask to empty the cart first): code and quantity.
    #[serde(default)]
    pub kept_lines: Vec<(ProductCode, u32)>,
}

/// What sending an order led to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum OrderOutcome {
    /// The shop placed the order.
    Placed(PlacedOrder),
    /// The shop places the order after the customer pays on its page.
    AwaitingPayment(PaymentPage),
}
