//! Centra's answers in shopterm's terms: the login's account and one address, orders with their
//! lines, totals and shipments, status codes and dates.

use super::client::ADDRESS_ID;
use super::wire;
use crate::model::*;
use crate::shop::{ShopError, ShopResult};
use rust_decimal::Decimal;
use time::{OffsetDateTime, PrimitiveDateTime};

/// The login's address, the customer's one (default for shipping and billing); none while the
/// login holds no address.
pub(super) fn address_from(customer: &wire::LoggedIn) -> Option<Address> {
    let fields = &customer.address;
    if [
        &fields.address1,
        &fields.zip_code,
        &fields.city,
        &fields.country,
    ]
    .iter()
    .all(|field| field.trim().is_empty())
    {
        return None;
    }
    Some(Address {
        id: AddressId(ADDRESS_ID.to_owned()),
        postal: fields.to_postal(""),
        default_shipping: true,
        default_billing: true,
    })
}

/// An order address; `None` when it holds nothing.
fn postal_from(address: &wire::OrderAddress) -> Option<PostalAddress> {
    let postal = address.address.to_postal(&address.company);
    let empty = postal.line1.is_empty() && postal.city.is_empty() && postal.country.is_empty();
    (!empty).then_some(postal)
}

/// Centra's order status (`untouched`, `confirmed`, …, its order flow's Pending (1) to
/// Cancelled (6)) in shopterm's terms; the display name (`statusDescription`) is kept as the
/// label. A code Centra adds later is read from the display name if that names a known state.
pub fn status_from(code: &str, description: &str) -> OrderStatus {
    let known = |text: &str| match text.trim().to_ascii_lowercase().as_str() {
        "untouched" | "pending" => Some(OrderStatus::Pending),
        // Confirmed: accepted, nothing shipped yet. Processing: "at least one shipment …
        // not completed".
        "confirmed" | "processing" | "in progress" | "inprogress" => Some(OrderStatus::Processing),
        // Completed: payment captured and every shipment sent. Centra does not learn of
        // deliveries.
        "completed" | "shipped" => Some(OrderStatus::Shipped),
        "cancelled" | "canceled" => Some(OrderStatus::Cancelled),
        _ => None,
    };
    known(code)
        .or_else(|| known(description))
        .unwrap_or(OrderStatus::Other)
}

/// `2015-10-20 16:01:34` (Centra gives no offset; read as UTC), or RFC 3339.
fn date_from(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    let plain = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    PrimitiveDateTime::parse(text, plain)
        .map(PrimitiveDateTime::assume_utc)
        .ok()
        .or_else(|| {
            OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
        })
}

fn money(amount: wire::Amount, currency: Currency) -> Option<Money> {
    amount.0.map(|amount| Money::new(amount, currency))
}

pub(super) fn summary_from(order: &wire::Order) -> ShopResult<OrderSummary> {
    let number = order.order.trim();
    if number.is_empty() {
        return Err(ShopError::Protocol("an order without a number".into()));
    }
    let bad = |what: &str| ShopError::Protocol(format!("order {number}: {what}"));
    let currency: Currency = order
        .currency
        .parse()
        .map_err(|_| bad("no currency code"))?;
    let placed_at = date_from(&order.date).ok_or_else(|| bad("no date it was placed"))?;
    let total = money(order.totals.grand_total_price_as_number, currency)
        .ok_or_else(|| bad("no grand total"))?;
    let item_count = order
        .totals
        .total_quantity
        .unwrap_or_else(|| order.items.iter().map(|i| i.quantity).sum());
    let status_label = match order.status_description.trim() {
        "" => order.status.trim().to_owned(),
        label => label.to_owned(),
    };
    // The documentation's orders carry no payment state, only how it was paid.
    let payment_label = match order.payment_method_name.trim() {
        "" => order.payment_method.trim().to_owned(),
        name => name.to_owned(),
    };
    Ok(OrderSummary {
        number: OrderNumber(number.to_owned()),
        placed_at,
        status: status_from(&order.status, &order.status_description),
        status_label,
        payment_status: PaymentStatus::Other,
        payment_label,
        item_count,
        total,
    })
}

pub(super) fn detail_from(order: &wire::Order) -> ShopResult<OrderDetail> {
    let summary = summary_from(order)?;
    let number = summary.number.clone();
    let currency = summary.total.currency;
    let bad = |what: &str| ShopError::Protocol(format!("order {number}: {what}"));
    let zero = Money::zero(currency);
    let lines = order
        .items
        .iter()
        .map(|item| {
            let unit_price = money(item.price_each_as_number, currency)
                .ok_or_else(|| bad("an item without a price"))?;
            let line_total = money(item.total_price_as_number, currency)
                .unwrap_or_else(|| unit_price.times(item.quantity));
            let name = match item.size.trim() {
                "" => item.product_name.trim().to_owned(),
                size => format!("{} ({size})", item.product_name.trim()),
            };
            Ok(OrderLine {
                code: ProductCode(item.sku.trim().to_owned()),
                brand: item.brand_name.trim().to_owned(),
                name,
                quantity: item.quantity,
                unit_price,
                line_total,
            })
        })
        .collect::<ShopResult<Vec<_>>>()?;
    let totals = &order.totals;
    // The discount as a positive amount, whichever sign the shop writes it with.
    let discount = order
        .discounts
        .as_ref()
        .and_then(|d| d.discount_as_number.0)
        .or(totals.total_discount_price_as_number.0)
        .unwrap_or(Decimal::ZERO)
        .abs();
    // Handling is charged like shipping; the model has no place of its own for it.
    let shipping = totals.shipping_price_as_number.0.unwrap_or(Decimal::ZERO)
        + totals
            .handling_cost_price_as_number
            .0
            .unwrap_or(Decimal::ZERO);
    // Tax added on top of the prices, or taken off them (tax-exempt orders), or else the tax
    // included in the grand total.
    let tax = totals
        .tax_added_as_number
        .0
        .or(totals.tax_deducted_as_number.0)
        .or(totals.grand_total_price_tax_as_number.0)
        .unwrap_or(Decimal::ZERO);
    let order_totals = OrderTotals {
        items: money(totals.items_total_price_as_number, currency).unwrap_or(zero),
        discounts: Money::new(discount, currency),
        shipping: Money::new(shipping, currency),
        tax: Money::new(tax, currency),
        grand_total: summary.total,
    };
    let shipments = order
        .shipments
        .iter()
        .enumerate()
        .map(|(index, shipment)| {
            let text = |t: &str| Some(t.trim().to_owned()).filter(|t| !t.is_empty());
            let shipped_at = date_from(&shipment.shipped_date);
            Shipment {
                // Centra names no shipment id: the order number and the shipment's place.
                id: format!("{number}-{}", index + 1),
                shipped_at,
                carrier: shipment.carrier.trim().to_owned(),
                service: text(&shipment.service),
                tracking_id: text(&shipment.tracking_id),
                tracking_url: text(&shipment.tracking_url),
                // Centra tells when a parcel left, not when it arrived.
                state: if shipped_at.is_some() {
                    ShipmentState::InTransit
                } else {
                    ShipmentState::Preparing
                },
                lines: Vec::new(),
            }
        })
        .collect();
    Ok(OrderDetail {
        summary,
        lines,
        totals: order_totals,
        billing_address: order.address.as_ref().and_then(postal_from),
        shipping_address: order.shipping_address.as_ref().and_then(postal_from),
        shipments,
    })
}

/// Centra names no customer id in `loggedIn`: the e-mail is the account's id.
pub(super) fn account_from(customer: wire::LoggedIn) -> ShopResult<Account> {
    let email = customer.email.trim().to_owned();
    if email.is_empty() {
        return Err(ShopError::Protocol(
            "the shop's login names no e-mail".into(),
        ));
    }
    let phone = Some(customer.address.phone_number.trim().to_owned()).filter(|p| !p.is_empty());
    Ok(Account {
        id: CustomerId(email.clone()),
        email,
        first_name: customer.address.first_name,
        last_name: customer.address.last_name,
        phone,
        company: None,
        company_id: None,
        vat_id: None,
        created_at: None,
    })
}
