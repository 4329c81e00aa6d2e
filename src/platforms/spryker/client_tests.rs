//! Tests of `client.rs`.

use super::*;
use crate::platforms::spryker::mapping::{payment_label, shipment_state, status_from_states};

#[test]
fn order_status_from_item_states() {
    assert_eq!(
        status_from_states(&["shipped", "shipped"]),
        (OrderStatus::Shipped, "Shipped".into())
    );
    assert_eq!(
        status_from_states(&["shipped", "exported"]).0,
        OrderStatus::PartiallyShipped
    );
    assert_eq!(
        status_from_states(&["delivered", "shipped"]).0,
        OrderStatus::Shipped
    );
    assert_eq!(
        status_from_states(&["new"]),
        (OrderStatus::Pending, "New".into())
    );
    assert_eq!(
        status_from_states(&["shipped", "exported"]).1,
        "Shipped, exported"
    );
    assert_eq!(status_from_states(&["canceled"]).0, OrderStatus::Cancelled);
    // Unknown words are kept as the label; no states at all say nothing.
    assert_eq!(
        status_from_states(&["waiting for approval"]),
        (OrderStatus::Other, "Waiting for approval".into())
    );
    assert_eq!(status_from_states(&[]), (OrderStatus::Other, String::new()));
    assert_eq!(shipment_state(&["delivered"]), ShipmentState::Delivered);
    assert_eq!(
        shipment_state(&["shipped", "delivered"]),
        ShipmentState::InTransit
    );
    assert_eq!(shipment_state(&["exported"]), ShipmentState::Preparing);
}

#[test]
fn glue_field_errors_become_shopterm_fields() {
    let item = |code: &str, detail: &str| wire::ErrorItem {
        status: Some(422),
        code: Some(code.into()),
        detail: Some(detail.into()),
    };
    let fields = field_errors(
        &[
            item("901", "zipCode => This value should not be blank."),
            item("901", "address1 => This value should not be blank."),
            item("901", "Something without a field."),
        ],
        ADDRESS_FIELDS,
    );
    let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(names, ["postcode", "line1"]);
    assert_eq!(fields[0].message, "This value should not be blank.");
    let fields = field_errors(&[item("408", "Invalid password")], CHANGE_PASSWORD_FIELDS);
    assert_eq!(fields[0].field, "current_password");
    let fields = field_errors(
        &[item("901", "password => This value is too short.")],
        RESTORE_PASSWORD_FIELDS,
    );
    assert_eq!(fields[0].field, "new_password");
    let fields = field_errors(
        &[item("400", "Customer with this email already exists.")],
        CUSTOMER_FIELDS,
    );
    assert_eq!(fields[0].field, "email");
}

#[test]
fn expires_in_as_number_or_string() {
    for body in [
        r#"{"data":{"type":"access-tokens","id":null,"attributes":{"tokenType":"Bearer","expiresIn":28800,"accessToken":"a","refreshToken":"r"}}}"#,
        r#"{"data":{"type":"access-tokens","id":null,"attributes":{"tokenType":"Bearer","expiresIn":"28800","accessToken":"a","refreshToken":"r"}}}"#,
    ] {
        let doc: wire::Document<wire::TokenAttributes> = serde_json::from_str(body).unwrap();
        assert_eq!(doc.data.attributes.expires_in, Some(28800));
    }
    let bad = r#"{"data":{"type":"access-tokens","attributes":{"tokenType":"Bearer","expiresIn":"soon","accessToken":"a"}}}"#;
    assert!(serde_json::from_str::<wire::Document<wire::TokenAttributes>>(bad).is_err());
}

#[test]
fn payment_label_names_method_and_provider() {
    use crate::platforms::spryker::wire::OrderPayment;
    let pay = |method: Option<&str>, provider: Option<&str>| OrderPayment {
        amount: Some(100),
        payment_method: method.map(str::to_owned),
        payment_provider: provider.map(str::to_owned),
    };
    assert_eq!(
        payment_label(&[pay(Some("Invoice"), Some("DummyPayment"))]),
        "Invoice (DummyPayment)"
    );
    assert_eq!(
        payment_label(&[pay(Some("Invoice"), None), pay(None, Some("Adyen"))]),
        "Invoice, Adyen"
    );
    assert_eq!(payment_label(&[pay(Some(" "), None)]), "");
    assert_eq!(payment_label(&[]), "");
}
