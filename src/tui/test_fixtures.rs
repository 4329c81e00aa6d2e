//! What the TUI's unit tests build their states from: capability sets, an account, orders,
//! pages and addresses, and keys sent through `update` as the runtime sends them.

use super::app::{Action, Effect, State, update};
use crate::model::*;
use crate::shop::{Capabilities, Feature};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a full shop without search offers (Spryker's set): the account, addresses, orders with
/// detail and shipments, and every password form.
#[rustfmt::skip]
pub const BASIC_FEATURES: [Feature; 10] = {
    use Feature::*;
    [
        EditAccount, Addresses, AddressBook, DefaultAddresses, OrderHistory, OrderDetail,
        Shipments, ChangePassword, ForgottenPassword, ResetPassword,
    ]
};

/// The basic features with order search and every account and address field: all the account
/// and order panes can do, without placing orders.
pub fn all_features() -> Capabilities {
    Capabilities::new(BASIC_FEATURES.into_iter().chain([
        Feature::OrderSearch,
        Feature::AccountPhone,
        Feature::AccountCompany,
        Feature::CompanyIds,
        Feature::AddressRegion,
        Feature::OrderListStatus,
        Feature::OrderListItems,
        Feature::OrderListPayment,
    ]))
}

/// Every feature there is, placing orders and product lookup included.
pub fn every_feature() -> Capabilities {
    let mut features: Vec<Feature> = all_features().iter().collect();
    features.extend([
        Feature::ProductLookup,
        Feature::BrandLookup,
        Feature::PlaceOrder,
        Feature::IdempotentOrders,
    ]);
    Capabilities::new(features)
}

/// A state of a shop that offers these features.
pub fn state_with(features: impl IntoIterator<Item = Feature>) -> State {
    State::new("shop".into(), Capabilities::new(features))
}

/// A key as the terminal sends it, through `update`.
pub fn press(state: &mut State, code: KeyCode) -> Vec<Effect> {
    update(state, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// The newest toast says this.
pub fn last_toast_says(state: &State, text: &str) -> bool {
    state
        .ctx
        .toasts
        .back()
        .is_some_and(|t| t.text.contains(text))
}

/// Some toast says this.
pub fn a_toast_says(state: &State, text: &str) -> bool {
    state.ctx.toasts.iter().any(|t| t.text.contains(text))
}

pub fn type_text(state: &mut State, text: &str) {
    for c in text.chars() {
        press(state, KeyCode::Char(c));
    }
}

pub fn account() -> Account {
    Account {
        id: CustomerId::from("7"),
        email: "ada@example.com".into(),
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        phone: None,
        company: None,
        company_id: None,
        vat_id: None,
        created_at: None,
    }
}

/// Order `SO-{n}`, delivered and paid.
pub fn summary(n: u64) -> OrderSummary {
    OrderSummary {
        number: OrderNumber(format!("SO-{n}")),
        placed_at: time::macros::datetime!(2025-01-01 0:00 UTC),
        status: OrderStatus::Delivered,
        status_label: "Delivered".into(),
        payment_status: PaymentStatus::Paid,
        payment_label: "Paid".into(),
        item_count: 1,
        total: Money::from_minor(100, Currency::EUR),
    }
}

/// `count` orders from `offset` of a history of `total`.
pub fn page(offset: u64, count: u64, total: u64) -> Page<OrderSummary> {
    Page {
        items: (offset..offset + count).map(summary).collect(),
        offset,
        total: Some(total),
        has_more: offset + count < total,
    }
}

/// The shop's answer with that page, as it reaches `update`.
pub fn orders_loaded(
    state: &mut State,
    generation: u64,
    offset: u64,
    count: u64,
    total: u64,
) -> Vec<Effect> {
    update(
        state,
        Action::OrdersLoaded {
            generation,
            offset,
            result: Ok(page(offset, count, total)),
        },
    )
}

/// An address in Berlin, the default for shipping and billing or for neither.
pub fn address(id: &str, default: bool) -> Address {
    Address {
        id: AddressId::from(id),
        postal: PostalAddress {
            first_name: "Ada".into(),
            last_name: "L".into(),
            company: None,
            line1: "Street 1".into(),
            line2: None,
            city: "Berlin".into(),
            postcode: "10115".into(),
            region: None,
            country: "DE".into(),
            phone: None,
        },
        default_shipping: default,
        default_billing: default,
    }
}

/// A shipment by DHL with this tracking number and a tracking page.
pub fn shipment(id: &str, tracking_id: &str) -> Shipment {
    Shipment {
        id: id.into(),
        shipped_at: None,
        carrier: "DHL".into(),
        service: None,
        tracking_id: Some(tracking_id.to_owned()),
        tracking_url: Some(format!("https://track.example/{id}")),
        state: ShipmentState::InTransit,
        lines: vec![],
    }
}

/// Order `SO-{n}` in full, without lines or addresses, with these shipments.
pub fn order_detail(n: u64, shipments: Vec<Shipment>) -> OrderDetail {
    let money = Money::from_minor(1000, Currency::EUR);
    OrderDetail {
        summary: summary(n),
        lines: vec![],
        totals: OrderTotals {
            items: money,
            discounts: money,
            shipping: money,
            tax: money,
            grand_total: money,
        },
        billing_address: None,
        shipping_address: None,
        shipments,
    }
}
