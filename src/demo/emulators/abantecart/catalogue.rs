//! Products (`api/product/{product,quantity}.php`): a product's catalogue row and its stock,
//! priced for the session's customer.

use super::*;

/// The product's price and stock in the shop's default currency (without a session, as a `GET`
/// cannot carry the token safely: the demo store's first customer's currency).
pub(super) async fn product_of(
    state: &DemoState,
    customer: CustomerKey,
    code: &str,
) -> Option<Product> {
    let query = ProductQuery {
        codes: vec![ProductCode(code.to_owned())],
        brand: None,
    };
    state
        .with_store(move |s| s.products(customer, &query))
        .await
        .ok()?
        .into_iter()
        .next()
}

/// The customer whose currency a sessionless `GET` prices in.
pub(super) const DEFAULT_PRICING_CUSTOMER: CustomerKey = 1;

pub(super) fn product_error(text: &str) -> Response {
    json(StatusCode::OK, &json!({ "Error": text }))
}

/// The product a product route's `product_id` names, or the controllers' refusal.
pub(super) async fn requested_product(state: &DemoState, form: &Form) -> Result<Product, Response> {
    let Some(code) = form
        .get(storefront::fields::PRODUCT_ID)
        .filter(|c| !c.trim().is_empty())
    else {
        return Err(product_error("Missing or incorrect format product ID"));
    };
    product_of(state, DEFAULT_PRICING_CUSTOMER, code.trim())
        .await
        .ok_or_else(|| product_error("No product found"))
}

/// `GET a/product/product`: the product by `product_id` (the demo store's product code).
pub(super) async fn product(state: &DemoState, form: &Form) -> Response {
    let found = match requested_product(state, form).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let left = stock_left(&found.availability);
    let mut row = catalogue_row(&found);
    let listed = [
        ("language_id", json!("1")),
        ("store_id", json!("0")),
        ("title", json!("Centimeter")),
        ("unit", json!("cm")),
        ("manufacturer", json!(stored(&found.brand))),
        ("stock_status", Value::Null),
        ("length_class_name", json!("cm")),
        ("rating", Value::Null),
        ("final_price", json!(format!("{:.12}", found.price.amount))),
        ("thumbnail", json!("")),
        ("special", json!(false)),
        ("discounts", json!([])),
        ("product_price", json!(format!("{:.4}", found.price.amount))),
        ("stock", json!((left > 0).then(|| left.to_string()))),
        ("options", json!([])),
        ("text_stars", json!("0 out of 5 Stars!")),
        ("stars", json!("0 out of 5 Stars!")),
        ("average", json!(0)),
        ("tags", json!([])),
    ];
    row.extend(listed.map(|(key, value)| (key.to_owned(), value)));
    json(StatusCode::OK, &Value::Object(row))
}

/// A product as `model_catalog_product->getProduct` reads it from AbanteCart's tables: what the
/// demo store has (code, name, price) in its places, the stock installation's defaults in the
/// columns it lacks (weights, dates, tax class, shipping flags).
pub(super) fn catalogue_row(found: &Product) -> serde_json::Map<String, Value> {
    let text = |value: &str| json!(value);
    let columns = [
        ("product_id", json!(found.code.0)),
        ("model", json!(stored(&found.code.0))),
        ("sku", text("")),
        ("location", text("")),
        ("stock_checkout", text("")),
        ("stock_status_id", text("1")),
        ("manufacturer_id", text("1")),
        ("shipping", text("1")),
        ("ship_individually", text("0")),
        ("free_shipping", text("0")),
        ("shipping_price", text("0.0000")),
        ("price", json!(formatted_total(found.price))),
        ("tax_class_id", text("0")),
        ("date_available", text("2024-01-01")),
        ("weight", text("0.00")),
        ("weight_class_id", text("2")),
        ("length", text("0.00")),
        ("width", text("0.00")),
        ("height", text("0.00")),
        ("length_class_id", text("1")),
        ("status", text("1")),
        ("viewed", text("0")),
        ("sort_order", text("0")),
        ("subtract", text("1")),
        ("minimum", text("1")),
        ("maximum", text("0")),
        ("cost", text("0.0000")),
        ("call_to_order", text("0")),
        ("supplier_code", Value::Null),
        ("supplier_id", Value::Null),
        ("settings", Value::Null),
        ("date_added", text("2024-01-01 00:00:00")),
        ("date_modified", text("2024-01-01 00:00:00")),
        ("name", json!(stored(&found.name))),
        ("meta_keywords", text("")),
        ("meta_description", text("")),
        ("description", text("")),
        ("blurb", text("")),
    ];
    columns
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
}

pub(super) fn stock_left(availability: &Availability) -> u32 {
    match availability {
        Availability::InStock { quantity } => quantity.unwrap_or(1000),
        Availability::OutOfStock | Availability::Discontinued => 0,
    }
}

/// `GET a/product/quantity`: the product's stock.
pub(super) async fn quantity(state: &DemoState, form: &Form) -> Response {
    let found = match requested_product(state, form).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let left = stock_left(&found.availability);
    json(
        StatusCode::OK,
        &json!({"quantity": left.to_string(), "stock_status": Value::Null}),
    )
}
