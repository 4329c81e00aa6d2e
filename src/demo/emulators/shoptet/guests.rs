//! Guest orders: orders placed without a customer account, which Shoptet lists by e-mail
//! (`GET /api/orders?email=`) with no `customerGuid`. The demo store keeps registered
//! customers' orders only, so the emulator holds a fixed set of its own: one guest e-mail
//! ([`GUEST_EMAIL`]) with two orders, one of them shipped. They are read-only here, as a staff
//! member treats them (nobody's account to change, nobody to reorder for).

use super::*;

/// The e-mail the demo's guest orders were placed with.
pub const GUEST_EMAIL: &str = "guest@demo.shopterm.example";

/// The codes of the demo's guest orders, newest first (outside the store's `SO-1…` range).
const GUEST_CODES: [&str; 2] = ["SO-900002", "SO-900001"];

fn guest() -> Buyer {
    Buyer {
        guid: None,
        full_name: json!("Gustav Gast"),
        company: None,
        email: GUEST_EMAIL.to_owned(),
        phone: Some("+49 30 5550 9000".to_owned()),
    }
}

fn guest_address() -> PostalAddress {
    PostalAddress {
        first_name: "Gustav".into(),
        last_name: "Gast".into(),
        company: None,
        line1: "Gästestraße 9".into(),
        line2: None,
        city: "Berlin".into(),
        postcode: "10115".into(),
        region: None,
        country: "DE".into(),
        phone: None,
    }
}

/// One of the guest orders by its code (which fixes its age, lines and shipping).
fn guest_detail(index: usize) -> OrderDetail {
    let eur = |cents: i64| Money::new(Decimal::new(cents, 2), Currency::EUR);
    let quantity = index as u32 + 1;
    let unit = eur(1990);
    let items = unit.times(quantity);
    let shipping = eur(490);
    let grand_total = items.checked_add(shipping).unwrap_or(items);
    let shipped = index == 1;
    OrderDetail {
        summary: OrderSummary {
            number: OrderNumber(GUEST_CODES[index].to_owned()),
            placed_at: time::macros::datetime!(2026-11-02 09:30 UTC)
                - time::Duration::days(30 * index as i64),
            status: if shipped {
                OrderStatus::Delivered
            } else {
                OrderStatus::Pending
            },
            status_label: if shipped { "Done" } else { "New" }.to_owned(),
            payment_status: PaymentStatus::Paid,
            payment_label: "paid".to_owned(),
            item_count: quantity,
            total: grand_total,
        },
        lines: vec![OrderLine {
            code: ProductCode("MUG-GUEST".into()),
            brand: "Demo".into(),
            name: "Enamel mug".into(),
            quantity,
            unit_price: unit,
            line_total: items,
        }],
        totals: OrderTotals {
            items,
            discounts: eur(0),
            shipping,
            tax: Money::new(
                (grand_total.amount * Decimal::from(19) / Decimal::from(119)).round_dp(2),
                Currency::EUR,
            ),
            grand_total,
        },
        billing_address: Some(guest_address()),
        shipping_address: Some(guest_address()),
        shipments: if shipped {
            vec![Shipment {
                id: "guest-1".into(),
                shipped_at: None,
                carrier: "DHL".into(),
                service: Some("Parcel".into()),
                tracking_id: Some("GUEST00012345".into()),
                tracking_url: Some("https://tracking.demo.shopterm.example/GUEST00012345".into()),
                state: ShipmentState::Delivered,
                lines: Vec::new(),
            }]
        } else {
            Vec::new()
        },
    }
}

/// The guest orders placed with `email` (Shoptet compares e-mails without case).
pub(super) fn guest_orders_of(email: &str) -> Vec<OrderSummary> {
    if !email.trim().eq_ignore_ascii_case(GUEST_EMAIL) {
        return Vec::new();
    }
    (0..GUEST_CODES.len())
        .map(|index| guest_detail(index).summary)
        .collect()
}

/// The guest order with this code, and who placed it.
pub(super) fn guest_order(code: &str) -> Option<(Buyer, OrderDetail)> {
    let index = GUEST_CODES.iter().position(|c| *c == code)?;
    Some((guest(), guest_detail(index)))
}

/// `GET /api/orders?email=` for an e-mail nobody registered with: its guest orders, paged.
pub(super) fn guest_order_list(
    state: &DemoState,
    orders: &[OrderSummary],
    page: u32,
    per_page: u32,
) -> Response {
    let buyer = guest();
    let shown: Vec<Value> = orders
        .iter()
        .skip((page as usize - 1) * per_page as usize)
        .take(per_page as usize)
        .map(|summary| order_list_json(state, &buyer, summary))
        .collect();
    let paginator = paginator(orders.len() as u64, page, per_page, shown.len());
    answer(
        StatusCode::OK,
        json!({"orders": shown, "paginator": paginator}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guest_orders_are_found_by_their_email_only() {
        assert_eq!(guest_orders_of("GUEST@demo.shopterm.example").len(), 2);
        assert!(guest_orders_of("buyer@demo.shopterm.example").is_empty());
        let (buyer, order) = guest_order("SO-900001").expect("a guest order");
        assert_eq!(buyer.guid, None);
        assert_eq!(order.shipments.len(), 1);
        assert_eq!(
            order.totals.grand_total,
            order
                .totals
                .items
                .checked_add(order.totals.shipping)
                .unwrap()
        );
        assert!(guest_order("SO-100001").is_none());
    }
}
