use super::*;

/// The first sample of the documentation (its `...` left out).
const LOGGED_IN_SAMPLE: &str = r#"{
      "token": "cstvqilgkdkoijj8ac9fm9o0g0",
      "loggedIn": {
        "email": "hello@example.com",
        "firstName": "Hello",
        "lastName": "World",
        "address1": "Address One",
        "address2": "Address Two",
        "zipCode": "12345",
        "city": "add",
        "state": "",
        "country": "SE",
        "phoneNumber": "123456789"
      }
    }"#;

#[test]
fn documented_logged_in_answer() {
    let answer: Answer = serde_json::from_str(LOGGED_IN_SAMPLE).unwrap();
    assert_eq!(answer.token.as_deref(), Some("cstvqilgkdkoijj8ac9fm9o0g0"));
    assert!(answer.errors.is_none());
    let customer = answer.logged_in.clone().unwrap();
    assert_eq!(
        customer,
        LoggedIn {
            email: "hello@example.com".into(),
            address: AddressFields {
                first_name: "Hello".into(),
                last_name: "World".into(),
                address1: "Address One".into(),
                address2: "Address Two".into(),
                zip_code: "12345".into(),
                city: "add".into(),
                state: "".into(),
                country: "SE".into(),
                phone_number: "123456789".into(),
            },
        }
    );
}

#[test]
fn documented_orders_answer_names_with_escapes() {
    // From the `POST orders` sample: \u escapes in names, other top-level objects beside.
    let body = r#"{"token":"cstvqilgkdkoijj8ac9fm9o0g0","orders":[],"ordersPaging":{"from":3,"size":2,"totalSize":38},
          "location":{"country":"US","name":"United States","eu":false,"language":"en","state":null,"stateName":"","shipTo":true},
          "loggedIn":{"email":"same@example.com","firstName":"H\u00e9ll\u00f6 \u30d7\u30ec\u30a4\u30b9\u30c6\u30fc\u30b7\u30e7\u30f3",
          "lastName":"W\u00f6\u00aeld","address1":"Address One","address2":"Address Two","zipCode":"12345","city":"add",
          "state":"","country":"US","phoneNumber":"123456789"}}"#;
    let answer: Answer = serde_json::from_str(body).unwrap();
    let customer = answer.logged_in.clone().unwrap();
    assert_eq!(customer.address.first_name, "Héllö プレイステーション");
    assert_eq!(customer.address.last_name, "Wö®ld");
    assert_eq!(customer.address.country, "US");
}

#[test]
fn documented_wrong_password_answer() {
    let body = r#"{"token":"cstvqilgkdkoijj8ac9fm9o0g0","errors":{"password":"incorrect"}}"#;
    let answer: ErrorAnswer = serde_json::from_str(body).unwrap();
    let errors = answer.errors.unwrap();
    assert_eq!(errors.get(errors::PASSWORD), Some(errors::INCORRECT));
    assert_eq!(errors.describe(), "password: incorrect");

    let denied: ErrorAnswer =
        serde_json::from_str(r#"{"errors":{"accessRight":"denied"}}"#).unwrap();
    assert_eq!(
        denied.errors.unwrap().get(errors::ACCESS_RIGHT),
        Some(errors::DENIED)
    );
}

#[test]
fn logged_out_answers() {
    for body in [
        r#"{"token":"t","selection":{"items":[]}}"#,
        r#"{"token":"t","loggedIn":null}"#,
        r#"{"token":"t","loggedIn":false}"#,
    ] {
        let answer: Answer = serde_json::from_str(body).unwrap();
        assert!(answer.logged_in.is_none(), "{body}");
    }
    assert!(serde_json::from_str::<Answer>(r#"{"loggedIn":true}"#).is_err());
}

#[test]
fn nulls_and_nested_errors() {
    let customer: LoggedIn =
        serde_json::from_str(r#"{"email":"a@b.example","firstName":null,"state":null}"#).unwrap();
    assert_eq!(customer.address.first_name, "");
    assert_eq!(customer.address.state, "");
    let errors: Errors =
        serde_json::from_str(r#"{"address":{"zipCode":"required"},"email":"not valid"}"#).unwrap();
    assert_eq!(
        errors.messages(),
        vec![
            ("address.zipCode".to_owned(), "required".to_owned()),
            ("email".to_owned(), "not valid".to_owned())
        ]
    );
    assert_eq!(errors.get("address"), None);
}

/// The documentation's `POST orders` answer (from 3, size 2, of 38), verbatim.
const ORDERS_SAMPLE: &str = include_str!("testdata/orders_sample.json");
/// The documentation's `shipments` of a shipped order, verbatim.
const SHIPMENTS_SAMPLE: &str = include_str!("testdata/shipments_sample.json");

#[test]
fn documented_orders_answer() {
    let answer: OrdersAnswer = serde_json::from_str(ORDERS_SAMPLE).unwrap();
    assert!(answer.errors.is_none());
    assert_eq!(
        answer.orders_paging,
        Some(OrdersPaging {
            from: 3,
            size: 2,
            total_size: Some(38)
        })
    );
    let numbers: Vec<&str> = answer.orders.iter().map(|o| o.order.as_str()).collect();
    assert_eq!(numbers, ["575", "574"]);
    let first = &answer.orders[0];
    assert_eq!(first.status, "untouched");
    assert_eq!(first.status_description, "Pending");
    assert_eq!(first.date, "2015-10-20 16:01:34");
    assert_eq!(first.currency, "USD");
    assert_eq!(first.payment_method_name, "PäjPäl");
    assert_eq!(first.items.len(), 1);
    let item = &first.items[0];
    assert_eq!(
        (item.sku.as_str(), item.product_name.as_str()),
        ("p1v1", "√Ett")
    );
    assert_eq!(item.quantity, 1);
    assert_eq!(item.price_each_as_number, Amount::of(Decimal::new(4, 0)));
    assert_eq!(item.total_price_as_number, Amount::of(Decimal::new(4, 0)));
    let totals = &first.totals;
    // Decimals exactly as written, `false` as none.
    assert_eq!(
        totals.grand_total_price_as_number,
        Amount::of(Decimal::new(824, 1))
    );
    assert_eq!(
        totals.tax_deducted_as_number,
        Amount::of(Decimal::new(-206, 1))
    );
    assert_eq!(totals.tax_added_as_number, Amount(None));
    assert_eq!(totals.total_discount_price_as_number, Amount(None));
    assert_eq!(
        totals.shipping_price_as_number,
        Amount::of(Decimal::new(99, 0))
    );
    assert_eq!(totals.total_quantity, Some(1));
    assert_eq!(first.address.as_ref().unwrap().address.city, "Paris");
    assert_eq!(
        first
            .shipping_address
            .as_ref()
            .unwrap()
            .address
            .phone_number,
        "12345678"
    );
    assert!(first.shipments.is_empty());
    let second = &answer.orders[1];
    assert_eq!(
        second.totals.grand_total_price_tax_as_number,
        Amount::of(Decimal::new(206, 1))
    );
    assert_eq!(second.totals.tax_deducted_as_number, Amount(None));
    // The regular JSON around the orders is read as before.
    let regular: Answer = serde_json::from_str(ORDERS_SAMPLE).unwrap();
    assert_eq!(
        regular.logged_in.as_ref().unwrap().email,
        "same@example.com"
    );
}

#[test]
fn documented_shipments() {
    #[derive(Deserialize)]
    struct Shipped {
        shipments: Vec<Shipment>,
    }
    let shipped: Shipped = serde_json::from_str(SHIPMENTS_SAMPLE).unwrap();
    assert_eq!(
        shipped.shipments,
        vec![Shipment {
            shipped_date: "2017-08-04 16:22:20".into(),
            carrier: "UPS".into(),
            service: "Ground".into(),
            tracking_id: "1Z123123123123".into(),
            tracking_url: "http://example.com/tracking?1Z123123123123".into(),
        }]
    );
}

#[test]
fn amounts_read_without_floats() {
    let read = |json: &str| serde_json::from_str::<Amount>(json).unwrap();
    assert_eq!(read("0.1"), Amount::of(Decimal::new(1, 1)));
    assert_eq!(read("1234567.89"), Amount::of(Decimal::new(123456789, 2)));
    assert_eq!(read("-20.6"), Amount::of(Decimal::new(-206, 1)));
    assert_eq!(read("\"12.50\""), Amount::of(Decimal::new(1250, 2)));
    assert_eq!(read("false"), Amount(None));
    assert_eq!(read("null"), Amount(None));
    assert!(serde_json::from_str::<Amount>("true").is_err());
    assert!(serde_json::from_str::<Amount>("\"abc\"").is_err());
    // And written back as Centra writes them.
    let write = |amount: Amount| serde_json::to_string(&amount).unwrap();
    assert_eq!(write(Amount::of(Decimal::new(824, 1))), "82.4");
    assert_eq!(write(Amount::of(Decimal::new(9900, 2))), "99");
    assert_eq!(write(Amount(None)), "false");
    let back: Amount = serde_json::from_str(&write(Amount::of(Decimal::new(1999, 2)))).unwrap();
    assert_eq!(back, Amount::of(Decimal::new(1999, 2)));
}

#[test]
fn order_numbers_and_empty_lists() {
    let order: Order =
        serde_json::from_str(r#"{"order": 575, "items": null, "shipments": {}, "totals": {}}"#)
            .unwrap();
    assert_eq!(order.order, "575");
    assert!(order.items.is_empty() && order.shipments.is_empty());
}

#[test]
fn request_shapes() {
    let body = serde_json::to_value(PasswordRequest {
        password: "old".into(),
        new_password: "new".into(),
    })
    .unwrap();
    assert_eq!(
        body,
        serde_json::json!({"password": "old", "newPassword": "new"})
    );
    let body = serde_json::to_value(ResetRequest {
        new_password: "secret!".into(),
        i: "8a87a9e9fea3c3cfdea183b281ec43f3".into(),
        id: "48".into(),
    })
    .unwrap();
    // The documentation's example body.
    assert_eq!(
        body,
        serde_json::json!({"newPassword": "secret!", "i": "8a87a9e9fea3c3cfdea183b281ec43f3", "id": "48"})
    );
    assert_eq!(
        serde_json::to_value(OrdersRequest {
            from: Some(3),
            size: Some(2)
        })
        .unwrap(),
        serde_json::json!({"from": 3, "size": 2})
    );
    assert_eq!(
        serde_json::to_value(ResetEmailRequest::default()).unwrap(),
        serde_json::json!({})
    );
    let address = serde_json::to_value(AddressRequest {
        zip_code: "12345".into(),
        phone_number: "1".into(),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(address["zipCode"], "12345");
    assert_eq!(address["phoneNumber"], "1");
    assert_eq!(address["address1"], "");
}

#[test]
fn login_request_shape() {
    let body = serde_json::to_value(LoginRequest {
        password: "secret!".into(),
    })
    .unwrap();
    assert_eq!(body, serde_json::json!({"password": "secret!"}));
}
