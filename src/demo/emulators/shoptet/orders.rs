//! Orders and shipments: the list by customer, one order, its shipments, a new order priced
//! from the catalogue, and Shoptet's copy of an order.

use super::*;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct OrderQuery {
    customer_guid: Option<String>,
    email: Option<String>,
    page: Option<u32>,
    items_per_page: Option<u32>,
}

pub(super) async fn orders(
    State(state): State<DemoState>,
    Query(query): Query<OrderQuery>,
) -> Response {
    let (page, per_page) = page_of(
        query.page,
        query.items_per_page,
        DEFAULT_PAGE_SIZE,
        wire::MAX_ORDERS_PER_PAGE,
    );
    let empty = || {
        answer(
            StatusCode::OK,
            json!({"orders": [], "paginator": paginator(0, page, per_page, 0)}),
        )
    };
    let key = match (&query.customer_guid, &query.email) {
        (Some(guid), _) => match customer_key(guid) {
            Some(key) => key,
            None => return empty(),
        },
        (None, Some(email)) => {
            let email = email.clone();
            let guests = guest_orders_of(&email);
            match state
                .with_store(move |s| s.customers_matching(Some(&email), None, 0, 1))
                .await
            {
                Ok((keys, _)) => match keys.first() {
                    Some(key) => *key,
                    // Nobody registered with it: the guest orders placed with it, if any.
                    None => return guest_order_list(&state, &guests, page, per_page),
                },
                Err(error) => return store_failure(&error),
            }
        }
        // Every customer's orders at once is more than the demo serves; a staff pane asks by customer.
        (None, None) => {
            return one_failure(
                StatusCode::BAD_REQUEST,
                "missing-parameter",
                "The demo shop lists orders by customerGuid or email.",
                "customerGuid",
            );
        }
    };
    let request = PageRequest {
        offset: u64::from(page - 1) * u64::from(per_page),
        limit: per_page,
        filter: OrderFilter::default(),
    };
    match state
        .with_store(move |s| Ok((s.account(key)?, s.orders(key, &request)?)))
        .await
    {
        Ok((account, found)) => {
            let buyer = Buyer::customer(key, &account);
            let orders: Vec<Value> = found
                .items
                .iter()
                .map(|summary| order_list_json(&state, &buyer, summary))
                .collect();
            let total = found.total.unwrap_or(orders.len() as u64);
            let paginator = paginator(total, page, per_page, orders.len());
            answer(
                StatusCode::OK,
                json!({"orders": orders, "paginator": paginator}),
            )
        }
        Err(ShopError::NotFound(_)) => empty(),
        Err(error) => store_failure(&error),
    }
}

pub(super) fn not_found_order(code: &str) -> Response {
    one_failure(
        StatusCode::NOT_FOUND,
        "order-not-found",
        format!("Order \"{code}\" not found."),
        code,
    )
}

/// The order with this code, whoever placed it (staff see every order): the store's customer
/// key (None for a guest order), who placed it and the order.
pub(super) async fn load_order(
    state: &DemoState,
    code: &str,
) -> Result<(Option<CustomerKey>, Buyer, OrderDetail), Response> {
    if let Some((buyer, order)) = guest_order(code) {
        return Ok((None, buyer, order));
    }
    let number = OrderNumber(code.to_owned());
    let found = state
        .with_store(move |s| match s.order_owner(&number)? {
            Some(key) => Ok(Some((key, s.account(key)?, s.order(key, &number)?))),
            None => Ok(None),
        })
        .await;
    match found {
        Ok(Some((key, account, order))) => Ok((Some(key), Buyer::customer(key, &account), order)),
        Ok(None) | Err(ShopError::NotFound(_)) => Err(not_found_order(code)),
        Err(error) => Err(store_failure(&error)),
    }
}

pub(super) async fn order(State(state): State<DemoState>, Path(code): Path<String>) -> Response {
    match load_order(&state, &code).await {
        Ok((_, buyer, order)) => answer(
            StatusCode::OK,
            json!({"order": order_json(&state, &buyer, &order)}),
        ),
        Err(refused) => refused,
    }
}

/// `?orderCode=&page=` of the lists the demo shop only gives per order (shipments, invoices).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct OrderCodeQuery {
    order_code: Option<String>,
    page: Option<u32>,
}

impl OrderCodeQuery {
    /// The order's code and the page asked for (from 1); none without an order code.
    pub(super) fn order_and_page(self) -> Option<(String, u32)> {
        let page = self.page.unwrap_or(1).max(1);
        self.order_code.map(|code| (code, page))
    }
}

/// The answer to a list of `what` asked for without `orderCode`.
pub(super) fn missing_order_code(what: &str) -> Response {
    one_failure(
        StatusCode::BAD_REQUEST,
        "missing-parameter",
        format!("The demo shop lists {what} by orderCode."),
        "orderCode",
    )
}

pub(super) async fn shipments(
    State(state): State<DemoState>,
    Query(query): Query<OrderCodeQuery>,
) -> Response {
    let Some((code, page)) = query.order_and_page() else {
        return missing_order_code("shipments");
    };
    let items: Vec<Value> = match load_order(&state, &code).await {
        Ok((_, _, order)) => order
            .shipments
            .iter()
            .enumerate()
            .map(|(i, shipment)| shipment_json(&order.summary.number, i, shipment))
            .collect(),
        // Shoptet filters: an unknown order simply has no shipments.
        Err(_) => Vec::new(),
    };
    let per_page = DEFAULT_PAGE_SIZE;
    let total = items.len() as u64;
    let on_page: Vec<Value> = items
        .into_iter()
        .skip((page as usize - 1) * per_page as usize)
        .take(per_page as usize)
        .collect();
    let paginator = paginator(total, page, per_page, on_page.len());
    // This one answer has no `metadata` in Shoptet's description.
    let body = json!({"data": {"items": on_page, "paginator": paginator}, "errors": null});
    envelope_response(StatusCode::OK, &body)
}

/// `POST /api/orders`: the customer by `customerGuid` (or e-mail), the product items' codes and
/// amounts; the demo store prices and ships it to the customer's default address.
pub(super) async fn create_order(
    State(state): State<DemoState>,
    body: axum::body::Bytes,
) -> Response {
    let request: wire::NewOrderRequest = match parse_body(&body) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let key = match &request.customer_guid {
        Some(guid) => match existing_customer(&state, guid).await {
            Ok(key) => key,
            Err(refused) => return refused,
        },
        None => {
            let email = request.email.clone();
            match state
                .with_store(move |s| s.customers_matching(Some(&email), None, 0, 1))
                .await
            {
                Ok((keys, _)) if !keys.is_empty() => keys[0],
                Ok(_) => {
                    return one_failure(
                        StatusCode::BAD_REQUEST,
                        wire::INVALID_REQUEST_DATA,
                        "The demo shop takes orders of registered customers only.",
                        "data.email",
                    );
                }
                Err(error) => return store_failure(&error),
            }
        }
    };
    let lines: Vec<NewOrderLine> = request
        .items
        .iter()
        .filter(|item| item.item_type == "product")
        .map(|item| NewOrderLine {
            code: ProductCode(item.code.clone()),
            brand: item.brand.clone().filter(|b| !b.trim().is_empty()),
            quantity: quantity(&item.amount),
        })
        .collect();
    place(&state, key, lines, Some(request.external_code)).await
}

pub(super) fn quantity(amount: &str) -> u32 {
    use rust_decimal::prelude::ToPrimitive;
    amount
        .trim()
        .parse::<Decimal>()
        .ok()
        .and_then(|d| d.round().to_u32())
        .unwrap_or(0)
}

pub(super) static ORDER_KEYS: AtomicU64 = AtomicU64::new(1);

/// Places the order; `external_code` (of `POST /api/orders`) may be used once.
pub(super) async fn place(
    state: &DemoState,
    key: CustomerKey,
    lines: Vec<NewOrderLine>,
    external_code: Option<String>,
) -> Response {
    let idempotency_key = external_code.clone().unwrap_or_else(|| {
        format!(
            "shoptet-copy-{}-{}",
            std::process::id(),
            ORDER_KEYS.fetch_add(1, Ordering::SeqCst)
        )
    });
    let new_order = NewOrder {
        idempotency_key,
        lines,
        shipping_address: None,
        billing_address: None,
        note: None,
    };
    let placed = state
        .with_store(move |s| {
            let placed = s.place_order(key, &new_order)?;
            Ok((
                placed.replayed,
                s.account(key)?,
                s.order(key, &placed.number)?,
            ))
        })
        .await;
    match placed {
        // Shoptet documents 201, 403 and 422 for this call: a repeat is invalid request data.
        Ok((true, _, _)) => one_failure(
            StatusCode::UNPROCESSABLE_ENTITY,
            wire::INVALID_REQUEST_DATA,
            format!(
                "Order with external code \"{}\" already exists.",
                external_code.unwrap_or_default()
            ),
            "data.externalCode",
        ),
        Ok((false, account, order)) => answer(
            StatusCode::CREATED,
            json!({"order": order_json(state, &Buyer::customer(key, &account), &order)}),
        ),
        Err(error) => store_failure(&error),
    }
}

/// `POST /api/orders/{code}/copy`: the same products and amounts again, for the same customer.
pub(super) async fn copy_order(
    State(state): State<DemoState>,
    Path(code): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let request: wire::OrderCopyRequest = match parse_body(&body) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let (key, order) = match load_order(&state, &code).await {
        Ok((Some(key), _, order)) => (key, order),
        Ok((None, _, _)) => {
            return one_failure(
                StatusCode::BAD_REQUEST,
                wire::INVALID_REQUEST_DATA,
                "The demo shop copies orders of registered customers only.",
                "code",
            );
        }
        Err(refused) => return refused,
    };
    if request.scope != "all" {
        return one_failure(
            StatusCode::BAD_REQUEST,
            wire::INVALID_REQUEST_DATA,
            "The demo shop copies orders with scope \"all\" only.",
            "data.scope",
        );
    }
    let lines = order
        .lines
        .iter()
        .map(|line| NewOrderLine {
            code: line.code.clone(),
            brand: Some(line.brand.clone()),
            quantity: line.quantity,
        })
        .collect();
    place(&state, key, lines, None).await
}

/// Shoptet's default statuses: -1 new, -2 being processed, -3 done, -4 cancelled.
pub(super) fn status_id(status: OrderStatus) -> i64 {
    match status {
        OrderStatus::Pending => -1,
        OrderStatus::Processing | OrderStatus::PartiallyShipped => -2,
        OrderStatus::Shipped | OrderStatus::Delivered => -3,
        OrderStatus::Cancelled => -4,
        OrderStatus::Refunded | OrderStatus::Other => 1,
    }
}

pub(super) fn paid(status: PaymentStatus) -> Value {
    match status {
        PaymentStatus::Paid | PaymentStatus::PartiallyRefunded | PaymentStatus::Refunded => {
            json!(true)
        }
        PaymentStatus::Unpaid | PaymentStatus::Failed | PaymentStatus::Authorized => json!(false),
        PaymentStatus::Other => Value::Null,
    }
}

pub(super) fn order_price(total: Money, tax: Money) -> Value {
    json!({
        "vat": price(tax.amount),
        "toPay": price(total.amount),
        "currencyCode": total.currency.as_str(),
        "withoutVat": price(total.amount - tax.amount),
        "withVat": price(total.amount),
        "exchangeRate": "1.00000000",
    })
}

/// Who placed an order, as Shoptet's order answers name them: a registered customer (with
/// their GUID) or a guest (none).
pub(super) struct Buyer {
    pub guid: Option<String>,
    pub full_name: Value,
    pub company: Option<String>,
    pub email: String,
    pub phone: Option<String>,
}

impl Buyer {
    pub(super) fn customer(key: CustomerKey, account: &Account) -> Buyer {
        Buyer {
            guid: Some(customer_guid(key)),
            full_name: full_name(&account.first_name, &account.last_name),
            company: account.company.clone(),
            email: account.email.clone(),
            phone: account.phone.clone(),
        }
    }
}

pub(super) fn order_list_json(state: &DemoState, buyer: &Buyer, summary: &OrderSummary) -> Value {
    json!({
        "code": summary.number.as_str(),
        "guid": order_guid(&summary.number),
        "creationTime": shoptet_time(summary.placed_at),
        "changeTime": shoptet_time(summary.placed_at),
        "fullName": buyer.full_name,
        "company": buyer.company,
        "email": buyer.email,
        "phone": buyer.phone,
        "remark": null,
        "customerGuid": buyer.guid,
        "cashDeskOrder": false,
        "adminUrl": admin_url(state, "objednavky-detail", summary.number.as_str()),
        "status": {"id": status_id(summary.status), "name": summary.status_label},
        "shipping": null,
        "paymentMethod": null,
        // The list's price has no VAT of its own in the demo store; the detail has it.
        "price": order_price(summary.total, Money::zero(summary.total.currency)),
        "paid": paid(summary.payment_status),
    })
}

/// The VAT rate an order's prices include, from its totals (the demo store taxes one rate per order).
pub(super) fn vat_rate(totals: &OrderTotals) -> Decimal {
    let net = totals.grand_total.amount - totals.tax.amount;
    if net.is_zero() {
        Decimal::ZERO
    } else {
        (totals.tax.amount * Decimal::from(100) / net).round_dp(0)
    }
}

pub(super) fn item_price(with_vat: Decimal, rate: Decimal) -> Value {
    let without = (with_vat * Decimal::from(100) / (Decimal::from(100) + rate)).round_dp(2);
    json!({
        "withVat": price(with_vat),
        "withoutVat": price(without),
        "vat": price(with_vat - without),
        "vatRate": price(rate),
    })
}

pub(super) fn order_item_json(
    index: usize,
    line: &OrderLine,
    rate: Decimal,
    item_type: &str,
) -> Value {
    json!({
        "productGuid": null,
        "code": line.code.as_str(),
        "ean": null,
        "itemType": item_type,
        "name": line.name,
        "variantName": null,
        "brand": line.brand,
        "remark": null,
        "weight": "0.000",
        "additionalField": null,
        "amount": format!("{}.000", line.quantity),
        "amountUnit": "ks",
        "amountCompleted": null,
        "priceRatio": "1.0000",
        "status": {"id": -1, "name": null},
        "itemPrice": item_price(line.line_total.amount, rate),
        "unitPrice": item_price(line.unit_price.amount, rate),
        "purchasePrice": null,
        "recyclingFee": null,
        "itemId": index + 1,
        "warrantyDescription": null,
    })
}

pub(super) fn order_json(state: &DemoState, buyer: &Buyer, order: &OrderDetail) -> Value {
    let summary = &order.summary;
    let rate = vat_rate(&order.totals);
    let mut items: Vec<Value> = order
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| order_item_json(i, line, rate, "product"))
        .collect();
    if !order.totals.shipping.amount.is_zero() {
        let shipping = OrderLine {
            code: ProductCode("SHIPPING".into()),
            brand: String::new(),
            name: "Shipping".into(),
            quantity: 1,
            unit_price: order.totals.shipping,
            line_total: order.totals.shipping,
        };
        items.push(order_item_json(items.len(), &shipping, rate, "shipping"));
    }
    let tracking = order.shipments.iter().find_map(|s| s.tracking_id.clone());
    let tracking_url = order.shipments.iter().find_map(|s| s.tracking_url.clone());
    json!({
        "code": summary.number.as_str(),
        "guid": order_guid(&summary.number),
        "externalCode": null,
        "creationTime": shoptet_time(summary.placed_at),
        "changeTime": shoptet_time(summary.placed_at),
        "email": buyer.email,
        "phone": buyer.phone,
        "birthDate": null,
        "clientIPAddress": null,
        "customerGuid": buyer.guid,
        "vatPayer": true,
        "cashDeskOrder": false,
        "stockId": 1,
        "addressesEqual": order.billing_address == order.shipping_address,
        "billingMethod": null,
        "paymentMethod": null,
        "shipping": null,
        "adminUrl": admin_url(state, "objednavky-detail", summary.number.as_str()),
        "status": {"id": status_id(summary.status), "name": summary.status_label},
        "price": order_price(order.totals.grand_total, order.totals.tax),
        "paid": paid(summary.payment_status),
        "billingAddress": billing_fields(order.billing_address.as_ref()),
        "deliveryAddress": Value::Object(order.shipping_address.as_ref().map(address_fields).unwrap_or_default()),
        "items": items,
        "notes": {
            "customerRemark": null,
            "eshopRemark": null,
            "trackingNumber": tracking,
            "trackingUrl": tracking_url,
            "additionalFields": [],
        },
        "shippingDetails": null,
    })
}

pub(super) fn shipment_status(state: ShipmentState) -> &'static str {
    match state {
        ShipmentState::Preparing => "created",
        ShipmentState::InTransit => "in_transit",
        ShipmentState::Delivered => "delivered",
        ShipmentState::Returned => "returned",
        ShipmentState::Other => "closed",
    }
}

pub(super) fn shipment_json(number: &OrderNumber, index: usize, shipment: &Shipment) -> Value {
    json!({
        "guid": shipment_guid(number, index),
        "orderCode": number.as_str(),
        "status": shipment_status(shipment.state),
        "shipmentType": if shipment.state == ShipmentState::Returned { "return" } else { "standard" },
        "serviceCode": shipment.carrier,
        "packages": [{
            "width": null, "height": null, "depth": null, "weight": null,
            "name": shipment.service,
            "packagingId": null,
            "labelUrl": null,
            "labelZpl": null,
            "trackingNumber": shipment.tracking_id,
            "trackingUrl": shipment.tracking_url,
        }],
        "note": null,
    })
}
