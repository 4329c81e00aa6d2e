//! Glue's resources in shopterm's terms and back: the customer, addresses (Glue's three address
//! lines, salutation, no region), orders and their status and shipments derived from the items'
//! state-machine states.

use super::client::DEFAULT_SALUTATION;
use super::wire::{self, parse_timestamp};
use crate::model::*;
use crate::shop::{ShopError, ShopResult};
use time::OffsetDateTime;

/// Glue's address fields, named alike in `RestAddressAttributes` and `RestOrderAddress`, as a
/// postal address (Glue has no region).
macro_rules! postal_of {
    ($a:expr) => {{
        let a = $a;
        PostalAddress {
            first_name: a.first_name.unwrap_or_default(),
            last_name: a.last_name.unwrap_or_default(),
            company: non_empty(a.company),
            line1: a.address1.unwrap_or_default(),
            line2: second_line(a.address2, a.address3),
            city: a.city.unwrap_or_default(),
            postcode: a.zip_code.unwrap_or_default(),
            region: None,
            country: a.iso2_code.unwrap_or_default().trim().to_ascii_uppercase(),
            phone: non_empty(a.phone),
        }
    }};
}

pub(super) fn account_from(reference: String, attributes: wire::CustomerAttributes) -> Account {
    Account {
        id: CustomerId(reference),
        email: attributes.email.unwrap_or_default(),
        first_name: attributes.first_name.unwrap_or_default(),
        last_name: attributes.last_name.unwrap_or_default(),
        phone: None,
        company: None,
        company_id: None,
        vat_id: None,
        created_at: attributes.created_at.as_deref().and_then(parse_timestamp),
    }
}

/// Glue's addresses have no region: refuse one rather than drop it.
pub(super) fn check_region(draft: &PostalAddress) -> ShopResult<()> {
    if draft
        .region
        .as_deref()
        .is_some_and(|r| !r.trim().is_empty())
    {
        return Err(ShopError::field("region", "is not kept by this shop"));
    }
    Ok(())
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// The attributes of an address write. Glue requires `salutation` and `address2` (empty when
/// there is no second line).
pub(super) fn address_request(
    draft: &PostalAddress,
    salutation: Option<String>,
) -> wire::AddressAttributes {
    wire::AddressAttributes {
        salutation: Some(non_empty(salutation).unwrap_or_else(|| DEFAULT_SALUTATION.into())),
        first_name: Some(draft.first_name.trim().to_owned()),
        last_name: Some(draft.last_name.trim().to_owned()),
        address1: Some(draft.line1.trim().to_owned()),
        address2: Some(draft.line2.as_deref().unwrap_or_default().trim().to_owned()),
        address3: None,
        zip_code: Some(draft.postcode.trim().to_owned()),
        city: Some(draft.city.trim().to_owned()),
        country: None,
        iso2_code: Some(draft.country.trim().to_ascii_uppercase()),
        company: non_empty(draft.company.clone()),
        phone: non_empty(draft.phone.clone()),
        is_default_shipping: None,
        is_default_billing: None,
    }
}

/// `address2` and `address3` are both second lines to shopterm.
fn second_line(address2: Option<String>, address3: Option<String>) -> Option<String> {
    let lines: Vec<String> = [address2, address3]
        .into_iter()
        .filter_map(non_empty)
        .collect();
    (!lines.is_empty()).then(|| lines.join(", "))
}

/// A resource's id, or the protocol error `missing` ("an order without a reference") where the
/// shop sent none or a blank one.
pub(super) fn required_id(id: Option<String>, missing: &str) -> ShopResult<String> {
    id.filter(|id| !id.trim().is_empty())
        .ok_or_else(|| ShopError::Protocol(missing.into()))
}

pub(super) fn address_from(
    resource: wire::Resource<wire::AddressAttributes>,
) -> ShopResult<Address> {
    let id = required_id(resource.id, "an address without an id")?;
    let a = resource.attributes;
    let default_shipping = a.is_default_shipping.unwrap_or(false);
    let default_billing = a.is_default_billing.unwrap_or(false);
    Ok(Address {
        id: AddressId(id),
        postal: postal_of!(a),
        default_shipping,
        default_billing,
    })
}

fn postal_from(a: wire::OrderAddress) -> PostalAddress {
    postal_of!(a)
}

fn currency_of(code: Option<&str>) -> ShopResult<Currency> {
    code.unwrap_or_default()
        .parse()
        .map_err(|e: MoneyError| ShopError::Protocol(format!("an order's currency: {e}")))
}

fn placed_at(created_at: Option<&str>) -> ShopResult<OffsetDateTime> {
    created_at
        .and_then(parse_timestamp)
        .ok_or_else(|| ShopError::Protocol("an order without a readable createdAt".into()))
}

pub(super) fn order_summary_from(
    resource: wire::Resource<wire::OrderAttributes>,
) -> ShopResult<OrderSummary> {
    let number = required_id(resource.id, "an order without a reference")?;
    let a = resource.attributes;
    let currency = currency_of(a.currency_iso_code.as_deref())?;
    Ok(OrderSummary {
        number: OrderNumber(number),
        placed_at: placed_at(a.created_at.as_deref())?,
        // Glue's order list says nothing of status, payment or items.
        status: OrderStatus::Other,
        status_label: String::new(),
        payment_status: PaymentStatus::Other,
        payment_label: String::new(),
        item_count: 0,
        total: Money::from_minor(a.totals.grand_total.unwrap_or_default(), currency),
    })
}

/// How an order was paid, from its detail's payments ("Invoice (DummyPayment)"): Glue names the
/// method and the provider, never whether the payment went through.
pub(super) fn payment_label(payments: &[wire::OrderPayment]) -> String {
    let names: Vec<String> = payments
        .iter()
        .filter_map(|p| {
            let method = p.payment_method.as_deref().map(str::trim).unwrap_or("");
            let provider = p.payment_provider.as_deref().map(str::trim).unwrap_or("");
            match (method, provider) {
                ("", "") => None,
                (method, "") => Some(method.to_owned()),
                ("", provider) => Some(provider.to_owned()),
                (method, provider) => Some(format!("{method} ({provider})")),
            }
        })
        .collect();
    names.join(", ")
}

/// How far one item's state-machine state is (Spryker's demo state machines' names).
fn state_class(state: &str) -> OrderStatus {
    match state.trim().to_ascii_lowercase().as_str() {
        "new" | "payment pending" | "invoice generated" | "waiting" | "reserved" => {
            OrderStatus::Pending
        }
        "paid" | "authorized" | "confirmed" | "exported" | "picking" | "picked" | "packed" => {
            OrderStatus::Processing
        }
        "shipped" | "shipped by merchant" => OrderStatus::Shipped,
        "delivered" | "closed" => OrderStatus::Delivered,
        "canceled" | "cancelled" | "cancelled by customer" => OrderStatus::Cancelled,
        "refunded" | "returned" | "return refunded" => OrderStatus::Refunded,
        _ => OrderStatus::Other,
    }
}

/// An order's status from its items' states: one class for all items is the order's; some
/// items sent and some not is "partially shipped". The label lists the shop's own words.
pub(super) fn status_from_states(states: &[&str]) -> (OrderStatus, String) {
    let mut labels: Vec<&str> = Vec::new();
    for state in states {
        if !labels.contains(state) {
            labels.push(state);
        }
    }
    // Glue gives the OMS state machine's names in lower case ("new", "payment pending"); a
    // status reads as a sentence starts, like every other platform's.
    let label = sentence_case(&labels.join(", "));
    let classes: Vec<OrderStatus> = labels.iter().map(|s| state_class(s)).collect();
    let Some(first) = classes.first().copied() else {
        return (OrderStatus::Other, label);
    };
    if classes.iter().all(|c| *c == first) {
        return (first, label);
    }
    let sent = |c: &OrderStatus| matches!(c, OrderStatus::Shipped | OrderStatus::Delivered);
    let open = |c: &OrderStatus| matches!(c, OrderStatus::Pending | OrderStatus::Processing);
    let status = if classes.iter().all(sent) {
        OrderStatus::Shipped
    } else if classes.iter().any(sent) && classes.iter().any(open) {
        OrderStatus::PartiallyShipped
    } else if classes.iter().all(open) {
        OrderStatus::Processing
    } else {
        OrderStatus::Other
    };
    (status, label)
}

fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub(super) fn shipment_state(states: &[&str]) -> ShipmentState {
    let classes: Vec<OrderStatus> = states.iter().map(|s| state_class(s)).collect();
    if classes.is_empty() {
        ShipmentState::Other
    } else if classes.iter().all(|c| *c == OrderStatus::Delivered) {
        ShipmentState::Delivered
    } else if states.iter().any(|s| s.eq_ignore_ascii_case("returned")) {
        ShipmentState::Returned
    } else if classes
        .iter()
        .all(|c| matches!(c, OrderStatus::Shipped | OrderStatus::Delivered))
    {
        ShipmentState::InTransit
    } else if classes
        .iter()
        .all(|c| matches!(c, OrderStatus::Pending | OrderStatus::Processing))
    {
        ShipmentState::Preparing
    } else {
        ShipmentState::Other
    }
}

pub(super) fn order_detail_from(document: wire::OrderDocument) -> ShopResult<OrderDetail> {
    let resource = document.data;
    let number = required_id(resource.id, "an order without a reference")?;
    let a = resource.attributes;
    let currency = currency_of(a.currency_iso_code.as_deref())?;
    let money = |minor: Option<i64>| Money::from_minor(minor.unwrap_or_default(), currency);
    let lines: Vec<OrderLine> = a
        .items
        .iter()
        .map(|item| {
            let quantity = item.quantity.unwrap_or(1);
            let unit = money(item.unit_price.or(item.unit_gross_price));
            let total = item
                .sum_price
                .or(item.sum_gross_price)
                .map(|minor| Money::from_minor(minor, currency))
                .unwrap_or_else(|| unit.times(quantity));
            OrderLine {
                code: ProductCode(item.sku.clone().unwrap_or_default()),
                // Glue's order items carry no brand.
                brand: String::new(),
                name: item.name.clone().unwrap_or_default(),
                quantity,
                unit_price: unit,
                line_total: total,
            }
        })
        .collect();
    let states: Vec<&str> = a.items.iter().filter_map(|i| i.state.as_deref()).collect();
    let (status, status_label) = status_from_states(&states);
    // The parcels: `order-shipments` resources when included, naming their items; Glue has no
    // tracking numbers or dates of dispatch, so those stay empty.
    let mut shipments = Vec::new();
    for included in document.included {
        if included.kind != "order-shipments" {
            continue;
        }
        let parcel: wire::OrderShipmentAttributes = serde_json::from_value(included.attributes)
            .map_err(|e| ShopError::Protocol(format!("an order shipment: {e}")))?;
        let items: Vec<&wire::OrderItem> = parcel
            .item_uuids
            .iter()
            .filter_map(|uuid| a.items.iter().find(|i| i.uuid.as_ref() == Some(uuid)))
            .collect();
        let states: Vec<&str> = items.iter().filter_map(|i| i.state.as_deref()).collect();
        shipments.push(Shipment {
            id: included.id.unwrap_or_default(),
            shipped_at: None,
            carrier: parcel.carrier_name.unwrap_or_default(),
            service: non_empty(parcel.method_name),
            tracking_id: None,
            tracking_url: None,
            state: shipment_state(&states),
            lines: items
                .iter()
                .map(|i| ShipmentLine {
                    code: ProductCode(i.sku.clone().unwrap_or_default()),
                    quantity: i.quantity.unwrap_or(1),
                })
                .collect(),
        });
    }
    if shipments.is_empty() {
        // Without the parcels, the order's shipment methods are all there is.
        for (index, method) in a.shipments.iter().enumerate() {
            shipments.push(Shipment {
                id: (index + 1).to_string(),
                shipped_at: None,
                carrier: method.carrier_name.clone().unwrap_or_default(),
                service: non_empty(method.shipment_method_name.clone()),
                tracking_id: None,
                tracking_url: None,
                state: ShipmentState::Other,
                lines: Vec::new(),
            });
        }
    }
    let totals = OrderTotals {
        items: money(a.totals.subtotal),
        discounts: money(a.totals.discount_total),
        shipping: money(a.totals.expense_total),
        tax: money(a.totals.tax_total),
        grand_total: money(a.totals.grand_total),
    };
    Ok(OrderDetail {
        summary: OrderSummary {
            number: OrderNumber(number),
            placed_at: placed_at(a.created_at.as_deref())?,
            status,
            status_label,
            payment_status: PaymentStatus::Other,
            payment_label: payment_label(&a.payments),
            item_count: lines.iter().map(|l| l.quantity).sum(),
            total: totals.grand_total,
        },
        lines,
        totals,
        billing_address: a.billing_address.map(postal_from),
        shipping_address: a.shipping_address.map(postal_from),
        shipments,
    })
}
/// The price type a customer pays (`ORIGINAL` is the struck-through one).
const DEFAULT_PRICE_TYPE: &str = "DEFAULT";

/// A concrete product document as shopterm's product: the default price in the price's
/// currency (gross: carts are made in gross mode), and what the availability says.
pub(super) fn product_from(
    document: &wire::Compound<wire::ConcreteProductAttributes>,
) -> ShopResult<Option<Product>> {
    let a = &document.data.attributes;
    let sku = a
        .sku
        .clone()
        .or_else(|| document.data.id.clone())
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ShopError::Protocol("a concrete product without a SKU".into()))?;
    let protocol = |e: serde_json::Error| ShopError::Protocol(format!("a product's {e}"));
    let prices: Vec<(Option<String>, wire::ProductPricesAttributes)> = document
        .included_of("concrete-product-prices")
        .map_err(protocol)?;
    let availabilities: Vec<(Option<String>, wire::ConcreteProductAvailabilityAttributes)> =
        document
            .included_of("concrete-product-availabilities")
            .map_err(protocol)?;
    let Some(price) = prices.iter().find_map(|(_, p)| default_price(p)) else {
        return Ok(None);
    };
    let price = price?;
    let availability = if a.is_discontinued.unwrap_or(false) {
        Availability::Discontinued
    } else {
        match availabilities.first().map(|(_, a)| a) {
            None => Availability::InStock { quantity: None },
            Some(a) if a.is_never_out_of_stock.unwrap_or(false) => {
                Availability::InStock { quantity: None }
            }
            Some(a) if !a.availability.unwrap_or(true) => Availability::OutOfStock,
            Some(a) => match a.quantity {
                Some(q) if q < 1.0 => Availability::OutOfStock,
                Some(q) => Availability::InStock {
                    quantity: Some(q.floor().min(f64::from(u32::MAX)) as u32),
                },
                None => Availability::InStock { quantity: None },
            },
        }
    };
    Ok(Some(Product {
        code: ProductCode(sku),
        // Glue's concrete products name no brand of their own (see `ConcreteProductAttributes`).
        brand: String::new(),
        name: a.name.clone().unwrap_or_default(),
        price,
        availability,
    }))
}

/// The `DEFAULT` gross price with its currency; `None` when there is none.
fn default_price(prices: &wire::ProductPricesAttributes) -> Option<ShopResult<Money>> {
    let entry = prices.prices.iter().find(|p| {
        p.price_type_name
            .as_deref()
            .is_none_or(|t| t.eq_ignore_ascii_case(DEFAULT_PRICE_TYPE))
    })?;
    let amount = entry.gross_amount.or(prices.price)?;
    let code = entry.currency.as_ref().and_then(|c| c.code.as_deref())?;
    Some(
        code.parse::<Currency>()
            .map(|currency| Money::from_minor(amount, currency))
            .map_err(|e| ShopError::Protocol(format!("a price's currency: {e}"))),
    )
}
