//! Orders (list, detail, items, notes, pickup point), shipments, and the bodies that create an
//! order or copy one.

use serde::{Deserialize, Serialize};

use super::{BillingAddress, Paginator};

/// `{id, name}` of an order status or source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdName {
    pub id: i64,
    pub name: String,
}

/// `{guid, name}` of a shipping or payment method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuidName {
    pub guid: Option<String>,
    pub name: Option<String>,
}

/// An order's `price`: decimal strings in `currencyCode`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderPrice {
    pub vat: Option<String>,
    pub to_pay: Option<String>,
    pub currency_code: String,
    pub with_vat: Option<String>,
    pub without_vat: Option<String>,
    #[serde(default)]
    pub exchange_rate: Option<String>,
}

/// `GET /api/orders`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderList {
    pub orders: Vec<OrderListItem>,
    pub paginator: Paginator,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderListItem {
    pub code: String,
    pub guid: String,
    pub creation_time: String,
    pub change_time: Option<String>,
    pub full_name: Option<String>,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub status: IdName,
    #[serde(default)]
    pub shipping: Option<GuidName>,
    #[serde(default)]
    pub payment_method: Option<GuidName>,
    pub customer_guid: Option<String>,
    pub price: OrderPrice,
    #[serde(default)]
    pub paid: Option<bool>,
    pub admin_url: String,
}

/// `GET /api/orders/{code}` (and what `POST /api/orders` and `…/copy` answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderData {
    pub order: Order,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub code: String,
    pub guid: String,
    pub creation_time: String,
    pub change_time: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub customer_guid: Option<String>,
    pub billing_address: Option<BillingAddress>,
    pub delivery_address: Option<BillingAddress>,
    pub status: IdName,
    pub price: OrderPrice,
    #[serde(default)]
    pub paid: Option<bool>,
    #[serde(default)]
    pub shipping: Option<GuidName>,
    #[serde(default)]
    pub payment_method: Option<GuidName>,
    #[serde(default)]
    pub items: Vec<OrderItem>,
    /// Only with `include=notes`.
    #[serde(default)]
    pub notes: Option<OrderNotes>,
    /// Only with `include=shippingDetails`.
    #[serde(default)]
    pub shipping_details: Option<ShippingDetails>,
    pub admin_url: String,
}

/// An order's `items[]`: products, and also the shipping and payment lines (`itemType`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderItem {
    #[serde(default)]
    pub product_guid: Option<String>,
    pub code: Option<String>,
    pub item_type: String,
    pub name: Option<String>,
    #[serde(default)]
    pub variant_name: Option<String>,
    #[serde(default)]
    pub brand: Option<String>,
    /// Quantity, a decimal string ("1.000").
    pub amount: Option<String>,
    /// The line's price (older answers give only this one).
    pub item_price: ItemPrice,
    /// One piece's price.
    #[serde(default)]
    pub unit_price: Option<ItemPrice>,
    pub item_id: u64,
}

impl OrderItem {
    /// Lines that are goods, as opposed to shipping, payment, discounts.
    pub fn is_goods(&self) -> bool {
        matches!(self.item_type.as_str(), "product" | "bazar" | "service")
    }
}

/// A price with and without VAT, decimal strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemPrice {
    pub with_vat: String,
    pub without_vat: String,
    pub vat: String,
    pub vat_rate: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderNotes {
    pub customer_remark: Option<String>,
    pub eshop_remark: Option<String>,
    pub tracking_number: Option<String>,
    pub tracking_url: Option<String>,
}

/// A pickup point chosen for the order (`include=shippingDetails`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingDetails {
    #[serde(default)]
    pub branch_id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub street: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub zip_code: Option<String>,
    #[serde(default)]
    pub country_code: Option<String>,
    #[serde(default)]
    pub shipping_company_code: Option<String>,
    #[serde(default)]
    pub shipping_service_code: Option<String>,
}

/// `GET /api/shipments?orderCode=`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShipmentList {
    pub items: Vec<ShipmentItem>,
    pub paginator: Paginator,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentItem {
    pub guid: String,
    pub order_code: Option<String>,
    /// From the "Shipment statuses" code list (`requested`, `in_transit`, `delivered`, …).
    pub status: String,
    /// `standard`, or `return` for a return label.
    pub shipment_type: String,
    #[serde(default)]
    pub service_code: Option<String>,
    #[serde(default)]
    pub packages: Vec<ShipmentPackage>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentPackage {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub weight: Option<f64>,
    #[serde(default)]
    pub tracking_number: Option<String>,
    #[serde(default)]
    pub tracking_url: Option<String>,
}

/// The body of `POST /api/orders/{code}/copy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCopyRequest {
    /// `all`, `no-billing-shipping` or `contact-only`.
    pub scope: String,
}

/// The body of `POST /api/orders`: the import endpoint prices nothing itself, so every item
/// carries the price shopterm looked up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewOrderRequest {
    /// The order's id in the sending system; Shoptet requires it and refuses a repeat.
    pub external_code: String,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_guid: Option<String>,
    pub billing_address: NewOrderAddress,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_address: Option<NewOrderAddress>,
    pub currency: NewOrderCurrency,
    pub items: Vec<NewOrderItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewOrderAddress {
    pub full_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    pub street: String,
    pub city: String,
    pub zip: String,
    pub country_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOrderCurrency {
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewOrderItem {
    pub item_type: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    pub amount: String,
    pub vat_rate: String,
    /// One piece's price, VAT included (Shoptet's `itemPriceWithVat` is its deprecated name).
    pub unit_price_with_vat: String,
}

/// `GET /api/invoices` (shopterm filters it by `orderCode`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceList {
    pub invoices: Vec<InvoiceListItem>,
    pub paginator: Paginator,
}

/// One invoice of the list: only what finds an order's invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceListItem {
    pub code: String,
    pub is_valid: bool,
    pub order_code: Option<String>,
    #[serde(default)]
    pub creation_time: Option<String>,
}
