//! AbanteCart's product and checkout API shapes, as its controllers write them
//! (`public_html/storefront/controller/api/{product/product,product/quantity,checkout/*}.php` in
//! 1.4.4) and as a real shop answered them (tests/fixtures/abantecart-real/). PHP's loose types
//! show: ids and counts arrive as numbers or as text, an empty map as `[]`, a missing price as
//! `false`, and `status` is a number on most answers but `"error"` on a refused address.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The product and checkout routes (the `rt` query parameter).
pub mod routes {
    /// `GET` only: one product by `product_id`, no sign-in needed.
    pub const PRODUCT: &str = "a/product/product";
    /// `GET` only: a product's stock, when the shop allows the API's stock check.
    pub const QUANTITY: &str = "a/product/quantity";
    /// The session's cart: add (`products[i][product_id]`, `products[i][quantity]`), clear
    /// (`remove_all`), remove (`remove[key]`); answers the cart.
    pub const CART: &str = "a/checkout/cart";
    /// `mode` `shipping` or `payment`: lists the saved addresses, or selects one (`address_id`).
    /// Only with products in the cart.
    pub const ADDRESS: &str = "a/checkout/address";
    /// `mode=list` the shipping methods, `mode=select` one (`shipping_method`).
    pub const SHIPPING: &str = "a/checkout/shipping";
    /// `mode=list` the payment methods, `mode=select` one (`payment_method`, `agree`).
    pub const PAYMENT: &str = "a/checkout/payment";
    /// Builds and saves the order (not yet placed) and says what it will cost.
    pub const CONFIRM: &str = "a/checkout/confirm";
    /// Places the confirmed order through the payment method; once per confirm.
    pub const PROCESS: &str = "a/checkout/process";
}

/// The form fields these routes read.
pub mod fields {
    pub const PRODUCT_ID: &str = "product_id";
    pub const REMOVE_ALL: &str = "remove_all";
    pub const MODE: &str = "mode";
    pub const ADDRESS_ID: &str = "address_id";
    pub const SHIPPING_METHOD: &str = "shipping_method";
    pub const PAYMENT_METHOD: &str = "payment_method";
    pub const AGREE: &str = "agree";
    pub const COMMENT: &str = "comment";
    /// The storefront API key of shops that set one.
    pub const API_KEY: &str = "api_key";
}

/// `a/product/product`: the product row and more, or `{"Error": "No product found"}`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProductAnswer {
    #[serde(rename = "Error")]
    pub error: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub product_id: Option<String>,
    /// The shop's product code (SKU-like); shopterm's code is the `product_id`.
    pub model: Option<String>,
    pub name: Option<String>,
    pub manufacturer: Option<String>,
    /// Formatted with the currency (`$29.50`); `""` when the shop shows prices only to
    /// signed-in customers.
    #[serde(default, deserialize_with = "text")]
    pub price: Option<String>,
    /// The special price, formatted, or `false`.
    #[serde(default, deserialize_with = "text")]
    pub special: Option<String>,
    /// How many are in stock (`config_stock_display`), "In Stock", or — with none left — the
    /// product's stock status text (`null` when it has none).
    #[serde(default, deserialize_with = "text")]
    pub stock: Option<String>,
    pub stock_status: Option<String>,
}

/// `a/product/quantity`: `{"quantity":"99","stock_status":"…"}`, or an `Error` (the stock check
/// switched off, an unknown product).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct QuantityAnswer {
    #[serde(rename = "Error")]
    pub error: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub quantity: Option<String>,
    pub stock_status: Option<String>,
}

/// `a/checkout/cart`: the cart's lines and totals (`totals` is `0` for an empty cart).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CartAnswer {
    /// "Products marked with *** are not available…" when a line is out of stock.
    pub error_warning: Option<String>,
    /// An add the shop refused (a product needing options), with HTTP 206.
    pub error: Option<String>,
    #[serde(default)]
    pub products: Vec<CartLine>,
    pub totals: Option<Value>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CartLine {
    /// `product_id`, with `:` and an options hash for products with options.
    #[serde(default, deserialize_with = "text")]
    pub key: Option<String>,
    pub name: Option<String>,
    pub model: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub quantity: Option<String>,
    /// False for a line the shop cannot supply.
    #[serde(default)]
    pub stock: bool,
    pub price: Option<String>,
    pub total: Option<String>,
}

/// A step's answer: `{"status":1,"shipping_select":"success"}`, `{"status":2,"error":"Nothing
/// in the cart!"}`, `{"status":0,"shipping":"products do not require shipping"}`, and the
/// lists. `status` is kept as sent.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StepAnswer {
    pub status: Option<Value>,
    pub error: Option<String>,
    pub error_warning: Option<String>,
    pub shipping: Option<String>,
    pub payment: Option<String>,
    pub shipping_select: Option<String>,
    pub payment_select: Option<String>,
    pub success: Option<Value>,
    /// `a/checkout/address`: `[{"address_id":"1","address":"Juliana Davis, 9778 …"}]`.
    pub saved_addresses: Option<Vec<SavedAddress>>,
    /// `a/checkout/shipping`: `{method: {"title", "quote": {id: {"id","title","text"}},
    /// "sort_order", "error"}}`, or `[]`.
    pub shipping_methods: Option<Value>,
    /// `a/checkout/payment`: `{id: {"id","title","sort_order"}}`, or `[]`.
    pub payment_methods: Option<Value>,
}

impl StepAnswer {
    /// `status` as a number (`None` when absent or not a number).
    pub fn status_code(&self) -> Option<i64> {
        match &self.status {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The answer's error text, if it has one.
    pub fn error_text(&self) -> Option<&str> {
        self.error
            .as_deref()
            .or(self.error_warning.as_deref())
            .map(str::trim)
            .filter(|text| !text.is_empty())
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SavedAddress {
    #[serde(default, deserialize_with = "text")]
    pub address_id: Option<String>,
    pub address: Option<String>,
}

/// `a/checkout/confirm`: the order about to be placed (with no order id: the shop keeps it in
/// the session), its `totals` as formatted text, and the payment method's instructions.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ConfirmAnswer {
    pub status: Option<Value>,
    pub error: Option<String>,
    #[serde(default)]
    pub products: Vec<Value>,
    #[serde(default)]
    pub totals: Vec<ConfirmTotal>,
    /// The order total as a number in the shop's currency.
    pub total: Option<Value>,
    pub payment: Option<Value>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ConfirmTotal {
    pub id: Option<String>,
    pub title: Option<String>,
    /// Formatted: `$105.25`.
    pub text: Option<String>,
}

/// The methods of a `shipping_methods` or `payment_methods` map in the shop's order
/// (`sort_order` ascending, as the controllers sort them), as `(key, method)`.
pub fn methods_in_order(methods: &Value) -> Vec<(&str, &Value)> {
    let Some(map) = methods.as_object() else {
        return Vec::new();
    };
    let mut listed: Vec<(&str, &Value)> = map.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let order = |method: &Value| -> f64 {
        match method.get("sort_order") {
            Some(Value::Number(n)) => n.as_f64().unwrap_or(0.0),
            Some(Value::String(s)) => s.trim().parse().unwrap_or(0.0),
            _ => 0.0,
        }
    };
    listed.sort_by(|a, b| order(a.1).total_cmp(&order(b.1)));
    listed
}

/// A value PHP may send as text, a number, `false` or `null`, kept as text (`None` for `false`,
/// `null` and `true`).
fn text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}
