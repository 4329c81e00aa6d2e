use super::*;

fn product_document(json: serde_json::Value) -> wire::Compound<wire::ConcreteProductAttributes> {
    serde_json::from_value(json).unwrap()
}

#[test]
fn a_concrete_product_reads_its_included_price_and_availability() {
    let document = product_document(serde_json::json!({
        "data": {"type": "concrete-products", "id": "066_23294028",
                 "attributes": {"sku": "066_23294028", "name": "Samsung Galaxy S5 mini",
                                "isDiscontinued": false,
                                "attributes": {"brand": "Samsung"}}},
        "included": [
            {"type": "concrete-product-prices", "id": "066_23294028",
             "attributes": {"price": 39353, "prices": [
                {"priceTypeName": "ORIGINAL", "grossAmount": 45000,
                 "currency": {"code": "EUR"}},
                {"priceTypeName": "DEFAULT", "grossAmount": 39353, "netAmount": 33070,
                 "currency": {"code": "EUR", "name": "Euro", "symbol": "€"}}]}},
            {"type": "concrete-product-availabilities", "id": "066_23294028",
             "attributes": {"isNeverOutOfStock": false, "availability": true,
                            "quantity": "7.0000000000"}}
        ]
    }));
    let product = product_from(&document).unwrap().unwrap();
    assert_eq!(product.code.as_str(), "066_23294028");
    assert_eq!(product.price, Money::from_minor(39353, Currency::EUR));
    assert_eq!(
        product.availability,
        Availability::InStock { quantity: Some(7) }
    );
}

#[test]
fn out_of_stock_discontinued_and_priceless_products() {
    let with = |attributes: serde_json::Value, availability: serde_json::Value| {
        product_document(serde_json::json!({
            "data": {"type": "concrete-products", "id": "A-1", "attributes": attributes},
            "included": [
                {"type": "concrete-product-prices", "id": "A-1",
                 "attributes": {"price": 100, "prices": [{"priceTypeName": "DEFAULT",
                    "grossAmount": 100, "currency": {"code": "SEK"}}]}},
                {"type": "concrete-product-availabilities", "id": "A-1",
                 "attributes": availability}
            ]
        }))
    };
    let sold_out = with(
        serde_json::json!({"sku": "A-1"}),
        serde_json::json!({"availability": false, "quantity": 0}),
    );
    let product = product_from(&sold_out).unwrap().unwrap();
    assert_eq!(product.availability, Availability::OutOfStock);
    assert_eq!(product.price.currency, Currency::SEK);
    let gone = with(
        serde_json::json!({"sku": "A-1", "isDiscontinued": true}),
        serde_json::json!({"availability": true, "quantity": 5}),
    );
    assert_eq!(
        product_from(&gone).unwrap().unwrap().availability,
        Availability::Discontinued
    );
    let endless = with(
        serde_json::json!({"sku": "A-1"}),
        serde_json::json!({"availability": true, "isNeverOutOfStock": true, "quantity": 0}),
    );
    assert_eq!(
        product_from(&endless).unwrap().unwrap().availability,
        Availability::InStock { quantity: None }
    );
    let priceless = product_document(serde_json::json!({
        "data": {"type": "concrete-products", "id": "A-1", "attributes": {"sku": "A-1"}}
    }));
    assert_eq!(product_from(&priceless).unwrap(), None);
}

#[test]
fn refused_items_become_errors_of_their_line() {
    let refused = ShopError::Validation {
        message: "The product is not available at the moment.".into(),
        fields: Vec::new(),
    };
    let fields = line_errors(2, refused).unwrap();
    assert_eq!(fields[0].field, "lines[2].quantity");
    let unknown = ShopError::NotFound("Concrete product is not found.".into());
    assert_eq!(line_errors(0, unknown).unwrap()[0].field, "lines[0].code");
    assert!(line_errors(0, ShopError::Network("reset".into())).is_err());
}

#[test]
fn the_address_named_then_the_default_then_the_first() {
    let address = |id: &str, shipping: bool| Address {
        id: AddressId(id.into()),
        postal: PostalAddress {
            first_name: "A".into(),
            last_name: "B".into(),
            company: None,
            line1: "Street 1".into(),
            line2: None,
            city: "City".into(),
            postcode: "12345".into(),
            region: None,
            country: "DE".into(),
            phone: None,
        },
        default_shipping: shipping,
        default_billing: false,
    };
    let book = vec![address("a", false), address("b", true)];
    let named = AddressId("a".into());
    let pick = |wanted, role| pick_address(&book, wanted, role).map(|a| a.id.as_str());
    assert_eq!(pick(Some(&named), AddressRole::Shipping), Some("a"));
    assert_eq!(pick(None, AddressRole::Shipping), Some("b"));
    assert_eq!(pick(None, AddressRole::Billing), Some("a"));
    assert_eq!(
        pick(Some(&AddressId("zz".into())), AddressRole::Shipping),
        None
    );
}
