//! The order history (`POST orders`): the demo store's orders in Centra's order shape, paged
//! with `from`/`size`.

use super::*;

/// Centra's status code and display name for a store status. Centra's order flow has no
/// partly shipped, delivered or refunded states: those are its Processing, Completed and
/// Cancelled (refunds are not an order state there).
pub(super) fn centra_status(status: OrderStatus) -> (&'static str, &'static str) {
    match status {
        OrderStatus::Pending => ("untouched", "Pending"),
        OrderStatus::Processing => ("confirmed", "Confirmed"),
        OrderStatus::PartiallyShipped => ("processing", "Processing"),
        OrderStatus::Shipped | OrderStatus::Delivered => ("completed", "Completed"),
        OrderStatus::Cancelled | OrderStatus::Refunded => ("cancelled", "Cancelled"),
        OrderStatus::Other => ("archived", "Archived"),
    }
}

/// `2015-10-20 16:01:34`, in UTC.
pub(super) fn centra_date(at: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    at.to_offset(time::UtcOffset::UTC)
        .format(format)
        .unwrap_or_default()
}

/// An amount's display text, `$ 4 USD` in Centra; the demo writes `4.00 USD`.
pub(super) fn shown(money: Money) -> serde_json::Value {
    money.to_string().into()
}

pub(super) fn centra_address(postal: &PostalAddress, email: &str) -> wire::OrderAddress {
    wire::OrderAddress {
        email: email.to_owned(),
        company: postal.company.clone().unwrap_or_default(),
        address: wire::AddressFields::from_postal(postal),
    }
}

/// A store order as one of `POST orders`' `orders`.
pub(super) fn centra_order(detail: OrderDetail, email: &str) -> wire::Order {
    let summary = &detail.summary;
    let totals = &detail.totals;
    let (status, description) = centra_status(summary.status);
    let amount = |money: Money| wire::Amount::of(money.amount);
    // The store's tax is added on top where its grand total says so, else included.
    let added = totals
        .items
        .amount
        .checked_sub(totals.discounts.amount)
        .and_then(|a| a.checked_add(totals.shipping.amount))
        .and_then(|a| a.checked_add(totals.tax.amount))
        == Some(totals.grand_total.amount)
        && !totals.tax.amount.is_zero();
    let discount = totals.discounts.amount;
    wire::Order {
        order: summary.number.to_string(),
        status: status.to_owned(),
        status_description: description.to_owned(),
        date: centra_date(summary.placed_at),
        currency: summary.total.currency.to_string(),
        payment_method: "invoice".into(),
        payment_method_name: "Invoice".into(),
        shipping_method_name: String::new(),
        items: detail
            .lines
            .iter()
            .map(|line| wire::OrderItem {
                item: checkout::item_id(&line.brand, line.code.as_str()),
                sku: line.code.to_string(),
                brand_name: line.brand.clone(),
                product_name: line.name.clone(),
                size: String::new(),
                quantity: line.quantity,
                price_each: shown(line.unit_price),
                price_each_as_number: amount(line.unit_price),
                total_price: shown(line.line_total),
                total_price_as_number: amount(line.line_total),
            })
            .collect(),
        discounts: Some(wire::Discounts {
            any_discount: !discount.is_zero(),
            discount: shown(totals.discounts),
            discount_as_number: amount(totals.discounts),
        }),
        totals: wire::Totals {
            items_total_price: shown(totals.items),
            items_total_price_as_number: amount(totals.items),
            total_discount_price_as_number: if discount.is_zero() {
                wire::Amount(None)
            } else {
                wire::Amount::of(-discount)
            },
            shipping_price_as_number: amount(totals.shipping),
            handling_cost_price_as_number: wire::Amount::of(rust_decimal::Decimal::ZERO),
            total_quantity: Some(summary.item_count),
            tax_deducted_as_number: wire::Amount(None),
            tax_added_as_number: if added {
                amount(totals.tax)
            } else {
                wire::Amount(None)
            },
            grand_total_price: shown(totals.grand_total),
            grand_total_price_as_number: amount(totals.grand_total),
            grand_total_price_tax_as_number: amount(totals.tax),
        },
        address: detail
            .billing_address
            .as_ref()
            .map(|a| centra_address(a, email)),
        shipping_address: detail
            .shipping_address
            .as_ref()
            .map(|a| centra_address(a, email)),
        shipments: detail
            .shipments
            .iter()
            .map(|shipment| wire::Shipment {
                shipped_date: shipment.shipped_at.map(centra_date).unwrap_or_default(),
                carrier: shipment.carrier.clone(),
                service: shipment.service.clone().unwrap_or_default(),
                tracking_id: shipment.tracking_id.clone().unwrap_or_default(),
                tracking_url: shipment.tracking_url.clone().unwrap_or_default(),
            })
            .collect(),
    }
}

/// The customer's orders from `from` on, `size` of them (all without `size`), and the count.
pub(super) fn orders_of(
    store: &Store,
    customer: CustomerKey,
    from: u64,
    size: Option<u64>,
) -> ShopResult<(Vec<wire::Order>, u64)> {
    let email = store.account(customer)?.email;
    let mut numbers = Vec::new();
    let mut page = PageRequest::first(MAX_PAGE_LIMIT);
    page.offset = from;
    let total = loop {
        let wanted = size.map_or(u64::MAX, |size| size.saturating_sub(numbers.len() as u64));
        // At least one order asked for, so the count comes back also for `size: 0`.
        page.limit = u32::try_from(wanted.clamp(1, u64::from(MAX_PAGE_LIMIT))).unwrap_or(1);
        let found = store.orders(customer, &page)?;
        let received = found.items.len();
        numbers.extend(
            found
                .items
                .into_iter()
                .take(usize::try_from(wanted).unwrap_or(usize::MAX))
                .map(|o| o.number),
        );
        let total = found.total.unwrap_or(0);
        if received == 0 || !found.has_more || size.is_some_and(|s| numbers.len() as u64 >= s) {
            break total;
        }
        page = page.next(received);
    };
    let orders = numbers
        .iter()
        .map(|number| Ok(centra_order(store.order(customer, number)?, &email)))
        .collect::<ShopResult<Vec<_>>>()?;
    Ok((orders, total))
}

/// `POST orders` with `{"from": N, "size": M}` (both optional: all orders without them): the
/// regular JSON plus `orders` and `ordersPaging`.
pub(super) async fn orders(
    State(state): State<DemoState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let (token, customer, request): (_, _, wire::OrdersRequest) =
        match logged_in_request(&state, &headers, &body) {
            Ok(found) => found,
            Err(refused) => return *refused,
        };
    let from = request.from.unwrap_or(0);
    let found = state
        .with_store(move |s| {
            let (orders, total) = orders_of(s, customer, from, request.size)?;
            Ok((orders, total, s.account(customer)?, s.addresses(customer)?))
        })
        .await;
    let (orders, total, account, addresses) = match found {
        Ok(found) => found,
        Err(failure) => return store_error(token, failure),
    };
    let size = request.size.unwrap_or(orders.len() as u64);
    let answer = wire::OrdersAnswer {
        orders,
        orders_paging: Some(wire::OrdersPaging {
            from,
            size,
            total_size: Some(total),
        }),
        errors: None,
    };
    let mut value = match serde_json::to_value(&answer) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    value.insert("token".into(), token.into());
    match serde_json::to_value(logged_in(account, addresses)) {
        Ok(customer) => value.insert("loggedIn".into(), customer),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    match serde_json::to_vec(&value) {
        Ok(bytes) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
