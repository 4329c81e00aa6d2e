//! The cart and the checkout steps (`api/checkout/*.php`), kept per session as AbanteCart keeps
//! them in its PHP session.

use super::*;

/// One session's cart and checkout steps, as AbanteCart keeps them in the PHP session.
#[derive(Default)]
pub(super) struct Checkout {
    /// Product code and quantity, in the order added.
    lines: Vec<(String, u32)>,
    shipping_address: Option<AddressId>,
    payment_address: Option<AddressId>,
    /// The listed shipping methods and the selected one.
    shipping_listed: bool,
    shipping_method: Option<String>,
    payment_method: Option<String>,
    comment: Option<String>,
    /// `confirm` ran and `process` has not yet.
    confirmed: bool,
    /// Placed orders, for the idempotency key of the next.
    placed: u32,
}

/// The sessions' checkouts by token (the emulator's `$_SESSION`).
pub(super) static CHECKOUTS: std::sync::LazyLock<std::sync::Mutex<HashMap<String, Checkout>>> =
    std::sync::LazyLock::new(Default::default);

pub(super) fn with_checkout<T>(token: &str, f: impl FnOnce(&mut Checkout) -> T) -> T {
    let mut all = CHECKOUTS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    f(all.entry(token.to_owned()).or_default())
}

/// The shipping methods as the stock extensions quote them (recorded from a real 1.4.4): local
/// delivery first, "Free", then a flat rate of 2 in the cart's currency. The connector takes
/// the first; the confirmation charges what the demo store charges for shipping (its fee does
/// not depend on the method).
pub(super) const LOCAL_DELIVERY: &str = "default_local_delivery.default_local_delivery";
/// The stock flat-rate extension's default cost, as the real shop quotes it.
pub(super) const FLAT_RATE_COST: rust_decimal::Decimal =
    rust_decimal::Decimal::from_parts(2, 0, 0, false, 0);
pub(super) const PAYMENT_METHOD: &str = "default_cod";

/// The session's customer and token (without them every checkout route answers 401).
pub(super) fn checkout_session(state: &DemoState, form: &Form) -> Option<(CustomerKey, String)> {
    Some((
        session_customer(state, form)?,
        form.get(fields::TOKEN)?.to_owned(),
    ))
}

/// The cart's lines priced for the customer: `(code, name, quantity, in stock, unit price)`.
pub(super) async fn priced_lines(
    state: &DemoState,
    customer: CustomerKey,
    lines: Vec<(String, u32)>,
) -> Vec<(String, String, u32, bool, Money)> {
    let mut priced = Vec::new();
    for (code, quantity) in lines {
        if let Some(found) = product_of(state, customer, &code).await {
            let in_stock = found.availability.can_supply(quantity);
            priced.push((code, found.name, quantity, in_stock, found.price));
        }
    }
    priced
}

pub(super) fn total_of(lines: &[(String, String, u32, bool, Money)]) -> Option<Money> {
    let currency = lines.first()?.4.currency;
    let amount = lines
        .iter()
        .map(|(_, _, quantity, _, price)| price.amount * rust_decimal::Decimal::from(*quantity))
        .sum();
    Some(Money { amount, currency })
}

/// The order totals as AbanteCart lists them (`converted`: the amount in the display currency,
/// 0 for the subtotal as 1.4.4 answers it); with `shipping`, the chosen method's line and what
/// the demo store charges for it (its prices hold the tax: no tax line).
pub(super) fn totals_json(subtotal: Option<Money>, shipping: Option<(&str, Money)>) -> Value {
    let Some(subtotal) = subtotal else {
        return json!(0);
    };
    let number = |money: Money| money.amount.to_string().parse::<f64>().unwrap_or(0.0);
    let mut total = subtotal;
    let mut lines = vec![json!({"id": "subtotal", "title": "Sub-Total:",
         "text": formatted_total(subtotal), "converted": 0, "value": number(subtotal),
         "sort_order": "1", "total_type": "subtotal"})];
    if let Some((method, charge)) = shipping {
        total.amount += charge.amount;
        lines.push(json!({"id": "shipping", "title": format!("{method}:"),
            "text": formatted_total(charge), "value": "", "sort_order": "3",
            "total_type": "shipping"}));
    }
    lines.push(
        json!({"id": "total", "title": "Total:", "text": formatted_total(total),
         "converted": number(total), "value": number(total), "sort_order": 1000,
         "total_type": "total"}),
    );
    Value::Array(lines)
}

/// `POST a/checkout/cart`: add (one product, or `products[i][…]`), `remove[key]`, `remove_all`;
/// answers the cart.
pub(super) async fn cart(state: &DemoState, form: &Form) -> Response {
    let Some((customer, token)) = checkout_session(state, form) else {
        return error_only(StatusCode::UNAUTHORIZED, messages::NOT_LOGGED_IN);
    };
    let mut added: Vec<(String, u32)> = Vec::new();
    let quantity_of = |text: Option<&str>| text.and_then(|q| q.trim().parse::<u32>().ok());
    if let (Some(id), Some(quantity)) = (
        form.get(storefront::fields::PRODUCT_ID),
        quantity_of(form.get("quantity")),
    ) {
        added.push((id.trim().to_owned(), quantity));
    }
    for at in 0.. {
        let Some(id) = form.get(&format!("products[{at}][product_id]")) else {
            break;
        };
        let quantity = quantity_of(form.get(&format!("products[{at}][quantity]"))).unwrap_or(1);
        added.push((id.trim().to_owned(), quantity));
    }
    let removed: Vec<String> = form
        .0
        .keys()
        .filter_map(|k| {
            k.strip_prefix("remove[")?
                .strip_suffix(']')
                .map(str::to_owned)
        })
        .collect();
    let clear = form
        .get(storefront::fields::REMOVE_ALL)
        .is_some_and(|v| !v.is_empty() && v != "0");
    let mut known = Vec::new();
    for (code, quantity) in added {
        // `cart->add` of a product the shop does not have adds nothing.
        if product_of(state, customer, &code).await.is_some() {
            known.push((code, quantity));
        }
    }
    let lines = with_checkout(&token, |checkout| {
        if !known.is_empty() {
            for (code, quantity) in known {
                match checkout.lines.iter_mut().find(|(c, _)| *c == code) {
                    Some(line) => line.1 += quantity,
                    None => checkout.lines.push((code, quantity)),
                }
            }
            checkout.shipping_method = None;
            checkout.payment_method = None;
        }
        if !removed.is_empty() {
            checkout.lines.retain(|(code, _)| !removed.contains(code));
        } else if clear {
            checkout.lines.clear();
        }
        checkout.lines.clone()
    });
    let priced = priced_lines(state, customer, lines).await;
    let mut answer = serde_json::Map::new();
    if priced.iter().any(|line| !line.3) {
        answer.insert(
            "error_warning".into(),
            json!("Products marked with *** are not available in the desired quantity or out of stock!"),
        );
    }
    let products: Vec<Value> = priced
        .iter()
        .map(|(code, name, quantity, in_stock, price)| {
            json!({
                "key": code, "name": stored(name), "model": stored(code), "thumb": Value::Null,
                "option": [], "quantity": quantity, "stock": in_stock,
                "price": formatted_total(*price),
                "total": formatted_total(Money {
                    amount: price.amount * rust_decimal::Decimal::from(*quantity),
                    currency: price.currency,
                }),
            })
        })
        .collect();
    answer.insert("products".into(), json!(products));
    if !priced.is_empty() {
        answer.insert("weight".into(), json!(false));
    }
    answer.insert("totals".into(), totals_json(total_of(&priced), None));
    json(StatusCode::OK, &Value::Object(answer))
}

/// What every checkout step checks first: a cart, and stock for it (`status` 2 and 3).
pub(super) async fn cart_refusal(
    state: &DemoState,
    customer: CustomerKey,
    token: &str,
) -> Option<Response> {
    let lines = with_checkout(token, |checkout| checkout.lines.clone());
    if lines.is_empty() {
        return Some(json(
            StatusCode::OK,
            &json!({"status": 2, "error": "Nothing in the cart!"}),
        ));
    }
    let priced = priced_lines(state, customer, lines).await;
    if priced.iter().any(|line| !line.3) {
        return Some(json(
            StatusCode::OK,
            &json!({"status": 3, "error": "No stock for product!"}),
        ));
    }
    None
}

/// `POST a/checkout/address`: `mode` `shipping`/`payment`, with `address_id` a selection, else
/// the saved addresses.
pub(super) async fn checkout_address(state: &DemoState, form: &Form) -> Response {
    let Some((customer, token)) = checkout_session(state, form) else {
        return error_only(StatusCode::UNAUTHORIZED, messages::NOT_LOGGED_IN);
    };
    if let Some(refused) = cart_refusal(state, customer, &token).await {
        return refused;
    }
    let mode = form.get(storefront::fields::MODE).unwrap_or("");
    if let Some(id) = form.get(storefront::fields::ADDRESS_ID) {
        let id = AddressId(id.trim().to_owned());
        return match mode {
            "shipping" => {
                with_checkout(&token, |c| {
                    c.shipping_address = Some(id);
                    c.shipping_method = None;
                });
                json(
                    StatusCode::OK,
                    &json!({"status": 1, "shipping": "shipping address selected"}),
                )
            }
            "payment" => {
                with_checkout(&token, |c| {
                    c.payment_address = Some(id);
                    c.payment_method = None;
                });
                json(
                    StatusCode::OK,
                    &json!({"status": 1, "payment": "payment address selected"}),
                )
            }
            _ => json(StatusCode::OK, &json!([])),
        };
    }
    let addresses = match state.with_store(move |s| s.addresses(customer)).await {
        Ok(addresses) => addresses,
        Err(error) => return store_failure(&error),
    };
    let saved: Vec<Value> = addresses
        .iter()
        .map(|a| {
            let p = &a.postal;
            json!({
                "address_id": a.id.0,
                "address": stored(&format!(
                    "{} {}, {}, {}, {}{}",
                    p.first_name, p.last_name, p.line1, p.city,
                    if p.postcode.is_empty() { String::new() } else { format!("{}, ", p.postcode) },
                    p.country
                )),
            })
        })
        .collect();
    let selected = with_checkout(&token, |c| match mode {
        "payment" => c.payment_address.clone(),
        _ => c.shipping_address.clone(),
    });
    json(
        StatusCode::OK,
        &json!({"selected_address_id": selected.map(|id| id.0), "saved_addresses": saved}),
    )
}

/// `POST a/checkout/shipping`: `mode=list` the methods, `mode=select` one.
pub(super) async fn checkout_shipping(state: &DemoState, form: &Form) -> Response {
    let Some((customer, token)) = checkout_session(state, form) else {
        return error_only(StatusCode::UNAUTHORIZED, messages::NOT_LOGGED_IN);
    };
    let mode = form.get(storefront::fields::MODE).unwrap_or("");
    if mode != "select" && mode != "list" {
        return error_only(StatusCode::BAD_REQUEST, "Incorrect request mode!");
    }
    let comment = form.get(storefront::fields::COMMENT).map(str::to_owned);
    if mode == "select" {
        let chosen = form.get(storefront::fields::SHIPPING_METHOD).unwrap_or("");
        let listed = with_checkout(&token, |c| c.shipping_listed);
        if listed
            && [
                LOCAL_DELIVERY,
                "default_flat_rate_shipping.default_flat_rate_shipping",
            ]
            .contains(&chosen)
        {
            with_checkout(&token, |c| {
                c.shipping_method = Some(chosen.to_owned());
                c.comment = comment.clone();
            });
            return json(
                StatusCode::OK,
                &json!({"status": 1, "shipping_select": "success"}),
            );
        }
    }
    if let Some(refused) = cart_refusal(state, customer, &token).await {
        return refused;
    }
    let lines = with_checkout(&token, |c| {
        c.shipping_listed = true;
        c.lines.clone()
    });
    let currency = total_of(&priced_lines(state, customer, lines).await)
        .map_or(Currency::USD, |total| total.currency);
    let flat_rate = Money {
        amount: FLAT_RATE_COST,
        currency,
    };
    let warning = (mode == "select").then_some("Warning: Shipping method required!");
    json(
        StatusCode::OK,
        &json!({
            "error_warning": warning,
            "address": "",
            "shipping_methods": {
                "default_local_delivery": {"title": "Local Delivery", "quote": {"default_local_delivery":
                    {"id": LOCAL_DELIVERY, "title": "Local Delivery", "cost": "", "text": "Free"}},
                    "sort_order": "", "error": false},
                "default_flat_rate_shipping": {"title": "Flat Rate", "quote": {"default_flat_rate_shipping":
                    {"id": "default_flat_rate_shipping.default_flat_rate_shipping",
                     "title": "Flat Shipping Rate", "cost": FLAT_RATE_COST.to_string(),
                     "text": formatted_total(flat_rate)}},
                    "sort_order": "1", "error": false},
            },
            "comment": comment,
        }),
    )
}

/// `POST a/checkout/payment`: `mode=list` the methods, `mode=select` one (with `agree`, as the
/// demo data's shop has terms).
pub(super) async fn checkout_payment(state: &DemoState, form: &Form) -> Response {
    let Some((customer, token)) = checkout_session(state, form) else {
        return error_only(StatusCode::UNAUTHORIZED, messages::NOT_LOGGED_IN);
    };
    let mode = form.get(storefront::fields::MODE).unwrap_or("");
    if mode != "select" && mode != "list" {
        return error_only(StatusCode::BAD_REQUEST, "Incorrect request mode!");
    }
    if let Some(refused) = cart_refusal(state, customer, &token).await {
        return refused;
    }
    if with_checkout(&token, |c| c.shipping_method.is_none()) {
        return json(
            StatusCode::OK,
            &json!({"status": 5, "error": "Missing shipping method!"}),
        );
    }
    let chosen = form.get(storefront::fields::PAYMENT_METHOD);
    let agreed = form.get(storefront::fields::AGREE).is_some();
    // The controller's `$request['mode'] = 'select'` (an assignment): a list with a method
    // selects it too.
    let warning = match chosen {
        Some(PAYMENT_METHOD) if agreed => {
            let comment = form.get(storefront::fields::COMMENT).map(str::to_owned);
            with_checkout(&token, |c| {
                c.payment_method = Some(PAYMENT_METHOD.to_owned());
                c.comment = comment;
            });
            return json(
                StatusCode::OK,
                &json!({"status": 1, "payment_select": "success"}),
            );
        }
        Some(PAYMENT_METHOD) => "error_agree",
        _ => "error_payment",
    };
    json(
        StatusCode::OK,
        &json!({
            "error_warning": warning, "success": Value::Null, "coupon": Value::Null, "address": "",
            "payment_methods": {PAYMENT_METHOD: {"id": PAYMENT_METHOD, "title": "Cash On Delivery", "sort_order": "1"}},
            "payment_method": chosen, "comment": "", "text_agree": "text_agree", "agree": Value::Null,
        }),
    )
}

/// `POST a/checkout/confirm`: the order about to be placed.
pub(super) async fn checkout_confirm(state: &DemoState, form: &Form) -> Response {
    let Some((customer, token)) = checkout_session(state, form) else {
        return error_only(StatusCode::UNAUTHORIZED, messages::NOT_LOGGED_IN);
    };
    if let Some(refused) = cart_refusal(state, customer, &token).await {
        return refused;
    }
    let (lines, shipping, payment) = with_checkout(&token, |c| {
        (
            c.lines.clone(),
            c.shipping_method.clone(),
            c.payment_method.clone(),
        )
    });
    if shipping.is_none() {
        return json(
            StatusCode::OK,
            &json!({"status": 5, "error": "Missing shipping method!"}),
        );
    }
    if payment.is_none() {
        return json(
            StatusCode::OK,
            &json!({"status": 5, "error": "Missing payment (billing) method!"}),
        );
    }
    let (shipping_address, payment_address, comment) = with_checkout(&token, |c| {
        (
            c.shipping_address.clone(),
            c.payment_address.clone(),
            c.comment.clone(),
        )
    });
    let (account, addresses) = match state
        .with_store(move |s| Ok((s.account(customer)?, s.addresses(customer)?)))
        .await
    {
        Ok(found) => found,
        Err(error) => return store_failure(&error),
    };
    let products = confirmed_products(state, customer, &lines).await;
    let priced = priced_lines(state, customer, lines).await;
    let subtotal = total_of(&priced);
    // What the store will charge: the subtotal and its shipping fee (free above its threshold).
    let mut order = with_checkout(&token, |c| session_order(c, String::new()));
    with_priced_brands(state, customer, &mut order).await;
    let quoted = match state
        .with_store(move |s| s.quote_order(customer, &order))
        .await
    {
        Ok(quoted) => quoted,
        Err(error) => {
            return json(
                StatusCode::OK,
                &json!({"status": 6, "error": error.to_string()}),
            );
        }
    };
    let shipping_charge = Money {
        amount: subtotal.map_or(quoted.amount, |s| quoted.amount - s.amount),
        currency: quoted.currency,
    };
    with_checkout(&token, |c| c.confirmed = true);
    let mut answer = customer_columns(customer, &account);
    let chosen = |id: &Option<AddressId>| {
        id.as_ref()
            .and_then(|id| addresses.iter().find(|a| a.id == *id))
            .or(addresses.first())
    };
    for (prefix, address) in [
        ("shipping", chosen(&shipping_address)),
        ("payment", chosen(&payment_address)),
    ] {
        answer.extend(order_address_columns(prefix, customer, address));
    }
    let methods = [
        ("shipping_method", json!("Local Delivery")),
        ("shipping_method_key", json!(LOCAL_DELIVERY)),
        ("payment_method", json!("Cash On Delivery")),
        ("payment_method_key", json!(PAYMENT_METHOD)),
        ("products", Value::Array(products)),
        (
            "totals",
            totals_json(subtotal, Some(("Local Delivery", shipping_charge))),
        ),
        ("comment", json!(comment.unwrap_or_default())),
        (
            "total",
            json!(quoted.amount.to_string().parse::<f64>().unwrap_or(0.0)),
        ),
        ("language_id", json!("1")),
        ("currency_id", json!("1")),
        ("currency", json!(quoted.currency.as_str())),
        ("value", json!(1)),
        ("coupon_id", json!(0)),
        ("ip", json!("127.0.0.1")),
    ];
    answer.extend(methods.map(|(key, value)| (key.to_owned(), value)));
    let shipping_text = addresses_line(chosen(&shipping_address));
    let payment_text = addresses_line(chosen(&payment_address));
    answer.insert("shipping_address".into(), json!(shipping_text));
    answer.insert("payment_address".into(), json!(payment_text));
    answer.insert("text_accept_agree".into(), json!("text_accept_agree"));
    answer.insert(
        "payment".into(),
        json!({"text_note": "text_note", "process_rt": "default_cod/api_confirm"}),
    );
    json(StatusCode::OK, &Value::Object(answer))
}

/// The order's store and customer columns, as the confirmation starts.
pub(super) fn customer_columns(
    customer: CustomerKey,
    account: &crate::model::Account,
) -> serde_json::Map<String, Value> {
    let columns = [
        ("store_id", json!(0)),
        ("store_name", json!("Demo shop")),
        ("store_url", json!("/")),
        ("customer_id", json!(customer)),
        ("customer_group_id", json!(1)),
        ("firstname", json!(stored(&account.first_name))),
        ("lastname", json!(stored(&account.last_name))),
        ("email", json!(stored(&account.email))),
        (
            "telephone",
            json!(stored(account.phone.as_deref().unwrap_or(""))),
        ),
        ("fax", json!("")),
    ];
    columns
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
}

/// The cart's products as the confirmation lists them: the catalogue row with the cart's
/// columns (quantity, line total, stock, the cart key).
pub(super) async fn confirmed_products(
    state: &DemoState,
    customer: CustomerKey,
    lines: &[(String, u32)],
) -> Vec<Value> {
    let mut products = Vec::new();
    for (code, quantity) in lines {
        let Some(found) = product_of(state, customer, code).await else {
            continue;
        };
        let mut row = catalogue_row(&found);
        let line_total = Money {
            amount: found.price.amount * rust_decimal::Decimal::from(*quantity),
            currency: found.price.currency,
        };
        let tax_free = Money {
            amount: rust_decimal::Decimal::ZERO,
            currency: found.price.currency,
        };
        let cart_columns = [
            ("quantity", json!(quantity)),
            ("weight", json!(0)),
            ("length", json!(0)),
            ("width", json!(0)),
            ("height", json!(0)),
            ("weight_class", json!("g")),
            ("length_class", json!("cm")),
            ("categories", json!([])),
            ("option", json!([])),
            ("download", json!([])),
            ("inventory_quantity", json!(stock_left(&found.availability))),
            ("stock", json!(found.availability.can_supply(*quantity))),
            ("total", json!(formatted_total(line_total))),
            ("key", json!(code)),
            ("weight_iso_code", json!("g")),
            ("length_iso_code", json!("cm")),
            ("tax", json!(formatted_total(tax_free))),
            ("thumb", Value::Null),
        ];
        row.extend(cart_columns.map(|(key, value)| (key.to_owned(), value)));
        products.push(Value::Object(row));
    }
    products
}

/// The address as the confirmation shows it: its lines joined by `<br />`.
pub(super) fn addresses_line(address: Option<&crate::model::Address>) -> String {
    let Some(address) = address else {
        return String::new();
    };
    let p = &address.postal;
    let mut lines = vec![stored(&format!("{} {}", p.first_name, p.last_name))];
    lines.extend(p.company.iter().map(|c| stored(c)));
    lines.push(stored(&p.line1));
    lines.extend(p.line2.iter().map(|l| stored(l)));
    lines.push(stored(&format!(
        "{}, {} {}",
        p.city,
        p.region.as_deref().unwrap_or(""),
        p.postcode
    )));
    lines.push(stored(
        crate::model::country_name(&p.country).unwrap_or(&p.country),
    ));
    lines.join("<br />")
}

/// The order's `shipping_*` or `payment_*` columns: the address book entry AbanteCart copies
/// into the order, as text (its database's strings).
pub(super) fn order_address_columns(
    prefix: &str,
    customer: CustomerKey,
    address: Option<&crate::model::Address>,
) -> Vec<(String, Value)> {
    let p = address.map(|a| &a.postal);
    let text = |value: Option<&str>| json!(stored(value.unwrap_or("")));
    let format = "{firstname} {lastname}\r\n{company}\r\n{address_1}\r\n{address_2}\r\n{city}, {zone} {postcode}\r\n{country}";
    let columns = [
        (
            "address_id",
            json!(address.map(|a| a.id.0.clone()).unwrap_or_default()),
        ),
        ("customer_id", json!(customer.to_string())),
        ("company", text(p.and_then(|p| p.company.as_deref()))),
        ("firstname", text(p.map(|p| p.first_name.as_str()))),
        ("lastname", text(p.map(|p| p.last_name.as_str()))),
        ("address_1", text(p.map(|p| p.line1.as_str()))),
        ("address_2", text(p.and_then(|p| p.line2.as_deref()))),
        ("postcode", text(p.map(|p| p.postcode.as_str()))),
        ("city", text(p.map(|p| p.city.as_str()))),
        ("country_id", json!("0")),
        ("zone_id", json!("0")),
        ("date_added", json!("2024-01-01 00:00:00")),
        ("date_modified", json!("2024-01-01 00:00:00")),
        (
            "country",
            text(p.map(|p| crate::model::country_name(&p.country).unwrap_or(&p.country))),
        ),
        ("zone", text(p.and_then(|p| p.region.as_deref()))),
        ("code", text(p.and_then(|p| p.region.as_deref()))),
        ("format", json!(format)),
        ("iso_code_2", text(p.map(|p| p.country.as_str()))),
        ("iso_code_3", json!("")),
        ("address_format", json!(format)),
    ];
    columns
        .into_iter()
        .map(|(key, value)| (format!("{prefix}_{key}"), value))
        .collect()
}

/// The order the session's cart and checkout steps make.
pub(super) fn session_order(checkout: &Checkout, idempotency_key: String) -> NewOrder {
    NewOrder {
        idempotency_key,
        lines: checkout
            .lines
            .iter()
            .map(|(code, quantity)| NewOrderLine {
                code: ProductCode(code.clone()),
                brand: None,
                quantity: *quantity,
            })
            .collect(),
        shipping_address: checkout.shipping_address.clone(),
        billing_address: checkout.payment_address.clone(),
        note: checkout
            .comment
            .clone()
            .filter(|note| !note.trim().is_empty()),
    }
}

/// An AbanteCart product id names one product; a demo store code that several brands sell
/// stands for the one the cart priced (the first brand, as [`product_of`] finds it).
pub(super) async fn with_priced_brands(
    state: &DemoState,
    customer: CustomerKey,
    order: &mut NewOrder,
) {
    for line in &mut order.lines {
        line.brand = product_of(state, customer, line.code.as_str())
            .await
            .map(|found| found.brand);
    }
}

/// `POST a/checkout/process`: places the confirmed order, once per confirm.
pub(super) async fn checkout_process(state: &DemoState, form: &Form) -> Response {
    let Some((customer, token)) = checkout_session(state, form) else {
        return error_only(StatusCode::UNAUTHORIZED, messages::NOT_LOGGED_IN);
    };
    let taken = with_checkout(&token, |c| {
        let confirmed = std::mem::take(&mut c.confirmed);
        c.placed += 1;
        confirmed.then(|| session_order(c, format!("abantecart-{token}-{}", c.placed)))
    });
    let Some(mut order) = taken else {
        return json(
            StatusCode::BAD_REQUEST,
            &json!({"status": 0, "error": "Need to review confirmation details first!"}),
        );
    };
    with_priced_brands(state, customer, &mut order).await;
    match state
        .with_store(move |s| s.place_order(customer, &order))
        .await
    {
        Ok(_) => {
            with_checkout(&token, |c| {
                c.lines.clear();
                c.shipping_method = None;
                c.payment_method = None;
                c.comment = None;
            });
            json(
                StatusCode::OK,
                &json!({"success": "completed", "status": 1}),
            )
        }
        Err(error) => json(
            StatusCode::OK,
            &json!({"error": error.to_string(), "status": 6}),
        ),
    }
}
