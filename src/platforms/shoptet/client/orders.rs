//! The chosen customer's orders: the list, one order with its shipments (another customer's is
//! "not found"), Shoptet's own copy of an order, and a new order priced from the catalogue.

use super::CustomerRef;
use super::addresses::{address_of, join_name, non_empty, postal_of, split_name, text};
use super::products::{currency, decimal, product_of, quantity};
use super::{MAX_PAGES, ORDER_INCLUDE, ShoptetShop, api::seg, wire};
use crate::model::*;
use crate::shop::{ShopError, ShopResult};
use reqwest::Method;

impl ShoptetShop {
    /// `POST /api/orders/{code}/copy` (scope `all`): Shoptet's own repeat of an order, at the
    /// order's prices. The order must be the chosen customer's.
    pub async fn copy_order(&self, number: &OrderNumber) -> ShopResult<PlacedOrder> {
        // A guest has nobody to order for: the customer check refuses before anything is sent.
        self.customer().await?;
        let order = self.own_order(number).await?;
        let path = format!("api/orders/{}/copy", seg(&order.code));
        let body = wire::RequestBody {
            data: wire::OrderCopyRequest {
                scope: "all".into(),
            },
        };
        let copied: wire::OrderData = self.api.send(Method::POST, &path, &[], Some(&body)).await?;
        Ok(PlacedOrder {
            number: OrderNumber(copied.order.code.clone()),
            replayed: false,
            total: order_total(&copied.order.price)?,
        })
    }

    /// The order with notes and shipping details, if it is the chosen customer's.
    pub(super) async fn own_order(&self, number: &OrderNumber) -> ShopResult<wire::Order> {
        if let Some(email) = self.guest_email() {
            let order = self.order_by_code(number).await?;
            let placed_as_guest = order.customer_guid.is_none()
                && order
                    .email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(email));
            return if placed_as_guest {
                Ok(order)
            } else {
                Err(ShopError::NotFound(format!("order {number}")))
            };
        }
        let customer = self.customer().await?;
        let order = self.order_by_code(number).await?;
        let emails: Vec<&str> = customer.accounts.iter().map(|a| a.email.as_str()).collect();
        let by_guid = order.customer_guid.as_deref() == Some(customer.guid.as_str());
        let by_email = order
            .email
            .as_deref()
            .is_some_and(|email| emails.iter().any(|e| e.eq_ignore_ascii_case(email)));
        if by_guid || by_email {
            Ok(order)
        } else {
            // Staff can read every order; the customer in use must not see another's.
            Err(ShopError::NotFound(format!("order {number}")))
        }
    }

    async fn order_by_code(&self, number: &OrderNumber) -> ShopResult<wire::Order> {
        let path = format!("api/orders/{}", seg(number.as_str()));
        let query = [("include", ORDER_INCLUDE.to_owned())];
        let data: wire::OrderData = self.api.get(&path, &query).await?;
        Ok(data.order)
    }

    /// A guest's "account": the e-mail, and the name and phone of their newest guest order.
    pub(super) async fn guest_account(&self, email: &str) -> ShopResult<Account> {
        let (orders, _, _) = self.guest_orders(email, 1, 1).await?;
        let newest = orders.first();
        let (first_name, last_name) = split_name(newest.and_then(|o| o.full_name.as_deref()));
        Ok(Account {
            id: CustomerId(CustomerRef::Guest(email.to_owned()).key()),
            email: email.to_owned(),
            first_name,
            last_name,
            phone: newest.and_then(|o| non_empty(&o.phone)),
            company: newest.and_then(|o| non_empty(&o.company)),
            company_id: None,
            vat_id: None,
            created_at: None,
        })
    }

    pub(super) async fn shipments_of(&self, code: &str) -> ShopResult<Vec<wire::ShipmentItem>> {
        let mut all = Vec::new();
        for page in 1..=MAX_PAGES {
            let query = [("orderCode", code.to_owned()), ("page", page.to_string())];
            let list: wire::ShipmentList = self.api.get("api/shipments", &query).await?;
            all.extend(list.items);
            if list.paginator.page >= list.paginator.page_count {
                break;
            }
        }
        Ok(all)
    }

    /// `POST /api/orders` prices nothing itself: every line gets today's price and VAT rate from
    /// `/api/products/code/{code}`.
    pub(super) async fn new_order_request(
        &self,
        order: &NewOrder,
    ) -> ShopResult<wire::NewOrderRequest> {
        let customer = self.customer().await?.clone();
        let email = customer
            .main_account()
            .map(|a| a.email.clone())
            .ok_or_else(|| ShopError::field("customer", "the customer has no login e-mail"))?;
        let mut items = Vec::new();
        let mut currency_code = None;
        for line in &order.lines {
            let path = format!("api/products/code/{}", seg(line.code.as_str()));
            let product: wire::Product = self.api.get(&path, &[]).await?;
            let priced = product_of(&product, &line.code)?;
            let variant = product
                .variants
                .iter()
                .find(|v| v.code == line.code.as_str());
            currency_code.get_or_insert_with(|| priced.price.currency.as_str().to_owned());
            items.push(wire::NewOrderItem {
                item_type: "product".into(),
                code: priced.code.0.clone(),
                name: Some(product.name.clone()),
                brand: line.brand.clone().or_else(|| Some(priced.brand.clone())),
                amount: format!("{}.000", line.quantity),
                vat_rate: variant
                    .and_then(|v| v.vat_rate.clone())
                    .unwrap_or_else(|| "0.00".into()),
                unit_price_with_vat: priced.price.amount.to_string(),
            });
        }
        let billing = customer.billing_address.clone().unwrap_or_default();
        let delivery = match &order.shipping_address {
            Some(id) => {
                let addresses = self.delivery_addresses().await?;
                let found = addresses
                    .iter()
                    .find(|a| a.guid == id.as_str())
                    .ok_or_else(|| ShopError::NotFound(format!("address {id}")))?;
                Some(new_order_address(&address_of(found).postal))
            }
            None => None,
        };
        let billing_address = new_order_address(&postal_of(&billing));
        if billing_address.country_code.is_empty() {
            return Err(ShopError::field(
                "billing_address",
                "the customer's billing address has no country",
            ));
        }
        Ok(wire::NewOrderRequest {
            // Shoptet refuses a second order with the same external code: a retried send
            // cannot place the order twice.
            external_code: order.idempotency_key.trim().to_owned(),
            email,
            customer_guid: Some(customer.guid.clone()),
            billing_address,
            delivery_address: delivery,
            currency: wire::NewOrderCurrency {
                code: currency_code.unwrap_or_else(|| "CZK".into()),
            },
            items,
        })
    }
}

pub(super) fn order_total(price: &wire::OrderPrice) -> ShopResult<Money> {
    let amount = decimal(
        price.to_pay.as_deref().or(price.with_vat.as_deref()),
        "toPay",
    )?;
    Ok(Money::new(amount, currency(&price.currency_code)?))
}

fn time_of(text: &str) -> ShopResult<time::OffsetDateTime> {
    wire::parse_time(text).ok_or_else(|| ShopError::Protocol(format!("not a time: {text:?}")))
}

/// Shoptet's default statuses by id (-1 new, -2 being processed, -3 done, -4 cancelled); shops
/// add their own, which keep their name as the label.
fn order_status(status: &wire::IdName) -> OrderStatus {
    match status.id {
        -1 => OrderStatus::Pending,
        -2 => OrderStatus::Processing,
        -3 => OrderStatus::Delivered,
        -4 => OrderStatus::Cancelled,
        _ => OrderStatus::Other,
    }
}

fn payment_status(paid: Option<bool>) -> (PaymentStatus, String) {
    match paid {
        Some(true) => (PaymentStatus::Paid, "paid".into()),
        Some(false) => (PaymentStatus::Unpaid, "not paid".into()),
        None => (PaymentStatus::Other, String::new()),
    }
}

pub(super) fn summary_of(item: &wire::OrderListItem) -> ShopResult<OrderSummary> {
    let (payment_status, payment_label) = payment_status(item.paid);
    Ok(OrderSummary {
        number: OrderNumber(item.code.clone()),
        placed_at: time_of(&item.creation_time)?,
        status: order_status(&item.status),
        status_label: crate::sanitize::clean(&item.status.name),
        payment_status,
        payment_label,
        // The list does not give the items; the detail does.
        item_count: 0,
        total: order_total(&item.price)?,
    })
}

fn line_of(item: &wire::OrderItem, currency: Currency) -> ShopResult<OrderLine> {
    let quantity = quantity(item.amount.as_deref());
    let item_price = Money::new(
        decimal(Some(&item.item_price.with_vat), "itemPrice")?,
        currency,
    );
    // `unitPrice` is one piece and `itemPrice` the line; answers without `unitPrice` (the
    // collection's sample) have one piece, where both are the same.
    let (unit_price, line_total) = match &item.unit_price {
        Some(unit) => (
            Money::new(decimal(Some(&unit.with_vat), "unitPrice")?, currency),
            item_price,
        ),
        None => (item_price, item_price.times(quantity)),
    };
    Ok(OrderLine {
        code: ProductCode(text(&item.code)),
        brand: text(&item.brand),
        name: crate::sanitize::clean(&text(&item.name)),
        quantity,
        unit_price,
        line_total,
    })
}

pub(super) fn detail_of(
    order: &wire::Order,
    shipments: &[wire::ShipmentItem],
) -> ShopResult<OrderDetail> {
    let total = order_total(&order.price)?;
    let currency = total.currency;
    let mut lines = Vec::new();
    let (mut items, mut shipping, mut discounts) = (
        Money::zero(currency),
        Money::zero(currency),
        Money::zero(currency),
    );
    for item in &order.items {
        let line = line_of(item, currency)?;
        let add = |sum: Money, amount: Money| sum.checked_add(amount).unwrap_or(sum);
        match item.item_type.as_str() {
            "shipping" | "billing" => shipping = add(shipping, line.line_total),
            "discount-coupon" | "volume-discount" => {
                discounts = add(discounts, Money::new(-line.line_total.amount, currency))
            }
            _ if item.is_goods() => {
                items = add(items, line.line_total);
                lines.push(line);
            }
            _ => {}
        }
    }
    let (payment_status, payment_label) = payment_status(order.paid);
    let summary = OrderSummary {
        number: OrderNumber(order.code.clone()),
        placed_at: time_of(&order.creation_time)?,
        status: order_status(&order.status),
        status_label: crate::sanitize::clean(&order.status.name),
        payment_status,
        payment_label,
        item_count: lines.iter().map(|l| l.quantity).sum(),
        total,
    };
    Ok(OrderDetail {
        summary,
        lines,
        totals: OrderTotals {
            items,
            discounts,
            shipping,
            tax: Money::new(decimal(order.price.vat.as_deref(), "vat")?, currency),
            grand_total: total,
        },
        billing_address: order.billing_address.as_ref().map(postal_of),
        shipping_address: order.delivery_address.as_ref().map(postal_of),
        shipments: shipments_of(order, shipments),
    })
}

/// Every package of every shipment is a parcel; an order without shipments but with a tracking
/// number in its notes (set by hand in the admin) has that one parcel.
fn shipments_of(order: &wire::Order, shipments: &[wire::ShipmentItem]) -> Vec<Shipment> {
    let mut parcels = Vec::new();
    for shipment in shipments {
        let state = shipment_state(shipment);
        let carrier = text(&shipment.service_code);
        for (index, package) in shipment.packages.iter().enumerate() {
            parcels.push(Shipment {
                id: format!("{}/{}", shipment.guid, index + 1),
                shipped_at: None,
                carrier: carrier.clone(),
                service: non_empty(&package.name),
                tracking_id: non_empty(&package.tracking_number),
                tracking_url: non_empty(&package.tracking_url),
                state,
                lines: Vec::new(),
            });
        }
    }
    if parcels.is_empty()
        && let Some(notes) = &order.notes
        && let Some(tracking) = non_empty(&notes.tracking_number)
    {
        parcels.push(Shipment {
            id: format!("{}/notes", order.code),
            shipped_at: None,
            carrier: order
                .shipping
                .as_ref()
                .and_then(|s| s.name.clone())
                .unwrap_or_default(),
            service: None,
            tracking_id: Some(tracking),
            tracking_url: non_empty(&notes.tracking_url),
            state: ShipmentState::Other,
            lines: Vec::new(),
        });
    }
    parcels
}

fn shipment_state(shipment: &wire::ShipmentItem) -> ShipmentState {
    if shipment.shipment_type == "return" {
        return ShipmentState::Returned;
    }
    match shipment.status.as_str() {
        "requested" | "created" => ShipmentState::Preparing,
        "in_transit" | "ready_for_pickup" | "back_transit" => ShipmentState::InTransit,
        "delivered" | "closed" => ShipmentState::Delivered,
        "returned" => ShipmentState::Returned,
        _ => ShipmentState::Other,
    }
}

fn new_order_address(postal: &PostalAddress) -> wire::NewOrderAddress {
    wire::NewOrderAddress {
        full_name: join_name(&postal.first_name, &postal.last_name).unwrap_or_default(),
        company: postal.company.clone(),
        street: postal.line1.clone(),
        city: postal.city.clone(),
        zip: postal.postcode.clone(),
        country_code: postal.country.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platforms::shoptet::wire::Envelope;
    use rust_decimal::Decimal;

    #[test]
    fn the_postman_order_maps_to_a_detail_with_its_tracking_from_the_notes() {
        let envelope: Envelope<wire::OrderData> =
            serde_json::from_str(include_str!("../testdata/postman_order_detail_200.json"))
                .unwrap();
        let order = envelope.data.unwrap().order;
        let detail = detail_of(&order, &[]).unwrap();
        assert_eq!(detail.summary.number.as_str(), "2017000092");
        assert_eq!(detail.summary.status, OrderStatus::Pending);
        assert_eq!(
            detail.summary.total.to_string(),
            Money::new(Decimal::new(24200, 2), Currency::CZK).to_string()
        );
        assert_eq!(detail.lines.len(), 1);
        assert_eq!(detail.lines[0].quantity, 1);
        assert_eq!(detail.shipments.len(), 1);
        assert_eq!(detail.shipments[0].tracking_id.as_deref(), Some("DR123456"));
        let billing = detail.billing_address.unwrap();
        assert_eq!(
            (billing.first_name.as_str(), billing.last_name.as_str()),
            ("John", "Doe")
        );
        assert_eq!(billing.line1, "French 28");
    }
}
