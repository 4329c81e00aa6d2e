//! Tests of `client.rs`.

use super::*;
use crate::auth::AuthError;
use crate::platforms::centra::mapping::status_from;
use crate::platforms::centra::sign_in::{login_error, read_answer};
use rust_decimal::Decimal;

fn response(status: u16, body: &str) -> reqwest::Response {
    reqwest::Response::from(
        axum::http::Response::builder()
            .status(status)
            .header("content-type", JSON)
            .body(body.to_owned())
            .unwrap(),
    )
}

#[tokio::test]
async fn error_answers_map_to_shop_errors() {
    assert_eq!(
        error_from_response(response(
            403,
            r#"{"token":"t","errors":{"accessRight":"denied"}}"#
        ))
        .await,
        ShopError::SessionExpired
    );
    assert!(matches!(
        error_from_response(response(403, r#"{"errors":{"market":"closed"}}"#)).await,
        ShopError::Forbidden(m) if m == "market: closed"
    ));
    match error_from_response(response(406, r#"{"errors":{"email":"not valid"}}"#)).await {
        ShopError::Validation { fields, .. } => {
            assert_eq!(fields.len(), 1);
            assert_eq!(fields[0].field, "email");
            assert_eq!(fields[0].message, "not valid");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        error_from_response(response(502, "<html>bad gateway</html>")).await,
        ShopError::Server { status: 502, .. }
    ));
}

#[test]
fn login_refusals() {
    let incorrect = wire::Errors::one("password", "incorrect");
    assert!(password::is_wrong_credentials(&login_error(
        StatusCode::NOT_ACCEPTABLE,
        &incorrect
    )));
    let other = login_error(StatusCode::CONFLICT, &wire::Errors::one("email", "x"));
    assert!(!password::is_wrong_credentials(&other));
    assert!(other.to_string().contains("email: x"), "{other}");
    assert!(matches!(
        login_error(StatusCode::SERVICE_UNAVAILABLE, &wire::Errors::default()),
        AuthError::Shop(ShopError::Server { status: 503, .. })
    ));
}

#[test]
fn account_from_logged_in() {
    let account = account_from(wire::LoggedIn {
        email: " hello@example.com ".into(),
        address: wire::AddressFields {
            first_name: "Hello".into(),
            last_name: "World".into(),
            phone_number: "".into(),
            ..Default::default()
        },
    })
    .unwrap();
    assert_eq!(account.id, CustomerId("hello@example.com".into()));
    assert_eq!(account.email, "hello@example.com");
    assert_eq!(account.display_name(), "Hello World");
    assert_eq!(account.phone, None);
    assert!(account_from(wire::LoggedIn::default()).is_err());
}

fn sample_orders() -> Vec<wire::Order> {
    let answer: wire::OrdersAnswer =
        serde_json::from_str(include_str!("testdata/orders_sample.json")).unwrap();
    answer.orders
}

fn usd(units: i64, scale: u32) -> Money {
    Money::new(Decimal::new(units, scale), Currency::USD)
}

#[test]
fn documented_orders_map_to_summaries() {
    let orders = sample_orders();
    let first = summary_from(&orders[0]).unwrap();
    assert_eq!(first.number, OrderNumber::from("575"));
    assert_eq!(
        first.placed_at,
        time::macros::datetime!(2015-10-20 16:01:34 UTC)
    );
    assert_eq!(first.status, OrderStatus::Pending);
    assert_eq!(first.status_label, "Pending");
    assert_eq!(first.payment_status, PaymentStatus::Other);
    assert_eq!(first.payment_label, "PäjPäl");
    assert_eq!(first.item_count, 1);
    assert_eq!(first.total, usd(824, 1));
    assert_eq!(first.total.to_string(), "82.40 USD");
    assert_eq!(summary_from(&orders[1]).unwrap().total, usd(103, 0));

    let mut broken = orders[0].clone();
    broken.currency = "dollars".into();
    assert!(summary_from(&broken).is_err());
    let mut broken = orders[0].clone();
    broken.date = "yesterday".into();
    assert!(summary_from(&broken).is_err());
    let mut broken = orders[0].clone();
    broken.totals.grand_total_price_as_number = wire::Amount(None);
    assert!(summary_from(&broken).is_err());
}

#[test]
fn documented_orders_map_to_details() {
    let orders = sample_orders();
    // The tax-exempt order: tax taken off, 4 + 99 - 20.6 = 82.4.
    let exempt = detail_from(&orders[0]).unwrap();
    assert_eq!(exempt.lines.len(), 1);
    let line = &exempt.lines[0];
    assert_eq!(line.code, ProductCode::from("p1v1"));
    assert_eq!((line.brand.as_str(), line.name.as_str()), ("Brand", "√Ett"));
    assert_eq!(line.quantity, 1);
    assert_eq!((line.unit_price, line.line_total), (usd(4, 0), usd(4, 0)));
    assert_eq!(exempt.totals.items, usd(4, 0));
    assert_eq!(exempt.totals.discounts, usd(0, 0));
    assert_eq!(exempt.totals.shipping, usd(99, 0));
    assert_eq!(exempt.totals.tax, usd(-206, 1));
    assert_eq!(exempt.totals.grand_total, usd(824, 1));
    let billing = exempt.billing_address.unwrap();
    assert_eq!(billing.line1, "Rue");
    assert_eq!(billing.postcode, "75000");
    assert_eq!(billing.region.as_deref(), Some("Alsace"));
    assert_eq!(billing.company, None);
    assert_eq!(billing.phone.as_deref(), Some("1234556"));
    assert_eq!(
        exempt.shipping_address.unwrap().phone.as_deref(),
        Some("12345678")
    );
    assert!(exempt.shipments.is_empty());
    // The taxed order: the tax is included in the 103.
    let taxed = detail_from(&orders[1]).unwrap();
    assert_eq!(taxed.totals.tax, usd(206, 1));
    assert_eq!(taxed.totals.grand_total, usd(103, 0));
}

#[test]
fn documented_shipments_map_with_tracking() {
    #[derive(serde::Deserialize)]
    struct Shipped {
        shipments: Vec<wire::Shipment>,
    }
    let shipped: Shipped =
        serde_json::from_str(include_str!("testdata/shipments_sample.json")).unwrap();
    let mut order = sample_orders().remove(0);
    order.shipments = shipped.shipments;
    order.shipments.push(wire::Shipment {
        carrier: "DHL".into(),
        ..Default::default()
    });
    let detail = detail_from(&order).unwrap();
    assert_eq!(detail.shipments.len(), 2);
    let ups = &detail.shipments[0];
    assert_eq!(ups.id, "575-1");
    assert_eq!(ups.carrier, "UPS");
    assert_eq!(ups.service.as_deref(), Some("Ground"));
    assert_eq!(ups.tracking_id.as_deref(), Some("1Z123123123123"));
    assert_eq!(
        ups.tracking_url.as_deref(),
        Some("http://example.com/tracking?1Z123123123123")
    );
    assert_eq!(
        ups.shipped_at,
        Some(time::macros::datetime!(2017-08-04 16:22:20 UTC))
    );
    assert_eq!(ups.state, ShipmentState::InTransit);
    let waiting = &detail.shipments[1];
    assert_eq!(waiting.id, "575-2");
    assert_eq!(
        (waiting.shipped_at, waiting.state),
        (None, ShipmentState::Preparing)
    );
    assert_eq!(waiting.tracking_id, None);
}

#[test]
fn centra_statuses() {
    assert_eq!(status_from("untouched", "Pending"), OrderStatus::Pending);
    assert_eq!(
        status_from("confirmed", "Confirmed"),
        OrderStatus::Processing
    );
    assert_eq!(status_from("processing", ""), OrderStatus::Processing);
    assert_eq!(status_from("completed", "Completed"), OrderStatus::Shipped);
    assert_eq!(
        status_from("cancelled", "Cancelled"),
        OrderStatus::Cancelled
    );
    assert_eq!(status_from("x7", "Cancelled"), OrderStatus::Cancelled);
    assert_eq!(status_from("archived", "Archived"), OrderStatus::Other);
}

#[test]
fn reset_links_and_keys() {
    let link = "https://mywebshop.example.com/my-uri/with/slashes?id=48&i=8a87a9e9fea3c3cfdea183b281ec43f3";
    assert_eq!(
        reset_link_parts(link).unwrap(),
        ("48", "8a87a9e9fea3c3cfdea183b281ec43f3")
    );
    assert_eq!(
        reset_link_parts(" https://shop.example/r?i=abc_-9&x=1&id=7#top ").unwrap(),
        ("7", "abc_-9")
    );
    assert_eq!(reset_link_parts("id=7&i=abc").unwrap(), ("7", "abc"));
    assert_eq!(reset_link_parts("48:8a87a9e9").unwrap(), ("48", "8a87a9e9"));
    for bad in [
        "",
        "8a87a9e9fea3c3cfdea183b281ec43f3",
        "https://shop.example/r?id=48",
        "https://shop.example/r?i=abc",
        "48:",
        "id=4 8&i=x",
        "id=48&i=a%20b",
    ] {
        match reset_link_parts(bad) {
            Err(ShopError::Validation { fields, message }) => {
                assert_eq!(fields[0].field, "key", "{bad}");
                assert!(bad.is_empty() || !message.contains(bad), "{message}");
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
}

#[test]
fn field_names_follow_the_forms() {
    let renamed = with_field_names(
        ShopError::Validation {
            message: "x".into(),
            fields: vec![
                FieldError {
                    field: "zipCode".into(),
                    message: "required".into(),
                },
                FieldError {
                    field: "city".into(),
                    message: "required".into(),
                },
            ],
        },
        ADDRESS_FIELDS,
    );
    match renamed {
        ShopError::Validation { fields, message } => {
            assert_eq!(fields[0].field, "postcode");
            assert_eq!(fields[1].field, "city");
            assert_eq!(message, "postcode: required; city: required");
        }
        other => panic!("{other:?}"),
    }
    let address = address_from(&wire::LoggedIn {
        email: "a@b.example".into(),
        address: wire::AddressFields {
            first_name: "A".into(),
            address1: "Street 1".into(),
            zip_code: "123".into(),
            city: "Town".into(),
            country: "se".into(),
            ..Default::default()
        },
    })
    .unwrap();
    assert_eq!(address.id, AddressId::from(ADDRESS_ID));
    assert!(address.default_billing && address.default_shipping);
    assert_eq!(address.postal.country, "SE");
    assert_eq!(address.postal.line2, None);
    assert!(address_from(&wire::LoggedIn::default()).is_none());
}

#[test]
fn unreadable_answers_do_not_quote_the_body() {
    let error = read_answer(
        br#"{"token": "secret-token-123", "loggedIn": 5}"#,
        "sign in",
    )
    .err()
    .unwrap();
    assert!(!error.to_string().contains("secret-token-123"), "{error}");
}
