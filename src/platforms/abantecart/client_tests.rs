//! Tests of `client.rs`.

use super::sign_in::{login_field, sign_in_error};
use super::*;

#[test]
fn api_urls() {
    let at = |base: &str| {
        api_url(&Url::parse(base).unwrap(), routes::ACCOUNT)
            .unwrap()
            .to_string()
    };
    assert_eq!(
        at("https://shop.example"),
        "https://shop.example/index.php?rt=a/account/account"
    );
    assert_eq!(
        at("https://shop.example/store/"),
        "https://shop.example/store/index.php?rt=a/account/account"
    );
    assert_eq!(
        at("https://shop.example/store/index.php?rt=x#top"),
        "https://shop.example/store/index.php?rt=a/account/account"
    );
    assert_eq!(
        at("http://127.0.0.1:8040/abantecart"),
        "http://127.0.0.1:8040/abantecart/index.php?rt=a/account/account"
    );
    assert!(api_url(&Url::parse("http://shop.example/").unwrap(), routes::LOGIN).is_err());
    assert!(
        api_url(
            &Url::parse("http://shop.example/index.php").unwrap(),
            routes::LOGIN
        )
        .is_err()
    );
}

#[test]
fn login_goes_in_the_field_it_looks_like() {
    assert_eq!(login_field("joe@example.com"), "email");
    assert_eq!(login_field("joedoe"), "loginname");
}

#[test]
fn the_documented_account_answer() {
    let answer: wire::AccountAnswer = serde_json::from_str(
        r#"{ "title":"My Account", "customer_id":"14", "firstname":"Joe", "lastname":"Doe", "email":"test@test.com", "information":"a\/account\/edit", "history":"a\/account\/history", "newsletter":"a\/account\/logout" }"#,
    )
    .unwrap();
    let account = account_from(answer).unwrap();
    assert_eq!(account.id.to_string(), "14");
    assert_eq!(account.first_name, "Joe");
    assert_eq!(account.last_name, "Doe");
    assert_eq!(account.email, "test@test.com");
    assert_eq!(account.phone, None);

    let escaped: wire::AccountAnswer = serde_json::from_str(
        r#"{"customer_id":7,"firstname":"Zo&euml;","lastname":"Smith &amp; Sons &quot;Ltd&quot;","email":"z@x.example"}"#,
    )
    .unwrap();
    let account = account_from(escaped).unwrap();
    assert_eq!(account.first_name, "Zoë");
    assert_eq!(account.last_name, "Smith & Sons \"Ltd\"");

    let no_id: wire::AccountAnswer =
        serde_json::from_str(r#"{"customer_id":"","firstname":"Joe"}"#).unwrap();
    assert!(matches!(account_from(no_id), Err(ShopError::Protocol(_))));
}

#[test]
fn four_kinds_of_401() {
    let at = |status: u16, message: Option<&str>| {
        shop_error(
            StatusCode::from_u16(status).unwrap(),
            message,
            routes::ACCOUNT,
            None,
        )
    };
    assert_eq!(
        at(401, Some(messages::NOT_LOGGED_IN)),
        ShopError::SessionExpired
    );
    assert_eq!(at(401, None), ShopError::SessionExpired);
    assert!(matches!(
        at(401, Some(messages::ROUTE_NOT_FOUND)),
        ShopError::NotFound(m) if m.contains("a/account/account")
    ));
    assert!(matches!(
        at(401, Some(messages::API_DISABLED)),
        ShopError::Forbidden(_)
    ));
    assert!(matches!(
        at(502, None),
        ShopError::Server { status: 502, .. }
    ));
    assert!(matches!(at(400, Some("odd")), ShopError::Protocol(m) if m.contains("odd")));
}

#[test]
fn sign_in_refusals() {
    let none = header::HeaderMap::new();
    assert!(password::is_wrong_credentials(&sign_in_error(
        StatusCode::UNAUTHORIZED,
        &none,
        Some(messages::LOGIN_FAILED.into())
    )));
    let disabled = sign_in_error(
        StatusCode::UNAUTHORIZED,
        &none,
        Some(messages::API_DISABLED.into()),
    );
    assert!(!password::is_wrong_credentials(&disabled));
    assert!(disabled.to_string().contains("API key"), "{disabled}");
    assert!(matches!(
        sign_in_error(
            StatusCode::NOT_IMPLEMENTED,
            &none,
            Some("Unable to get session ID.".into())
        ),
        AuthError::Shop(ShopError::Server { status: 501, .. })
    ));
    // Held back after too many failures: the wait from Retry-After, not a wrong password.
    let mut wait = header::HeaderMap::new();
    wait.insert(header::RETRY_AFTER, "90".parse().unwrap());
    let held = sign_in_error(
        StatusCode::TOO_MANY_REQUESTS,
        &wait,
        Some("Try later.".into()),
    );
    assert!(!password::is_wrong_credentials(&held));
    assert_eq!(
        held.to_string(),
        "too many sign-in attempts — try again in 90 s"
    );
}

fn order(id: &str, date: &str, total: &str) -> wire::HistoryOrder {
    wire::HistoryOrder {
        order_id: Some(id.into()),
        name: Some("Joe Doe".into()),
        status: Some("Completed".into()),
        date_added: Some(date.into()),
        products: Some(3),
        total: Some(total.into()),
    }
}

fn history(page: u64, limit: u64, total: u64, ids: std::ops::Range<u64>) -> wire::HistoryAnswer {
    wire::HistoryAnswer {
        limit: Some(limit),
        orders: ids
            .map(|id| order(&id.to_string(), "03/07/2024", "$1.00"))
            .collect(),
        total_orders: Some(total),
        page: Some(page),
    }
}

fn page_of(window: ShopResult<Window>) -> Page<OrderSummary> {
    match window {
        Ok(Window::Page(page)) => page,
        Ok(Window::PageSize(size)) => panic!("asked again with {size}"),
        Err(error) => panic!("{error}"),
    }
}

fn numbers(page: &Page<OrderSummary>) -> Vec<String> {
    page.items.iter().map(|o| o.number.to_string()).collect()
}

#[test]
fn shop_dates() {
    let day =
        |y, m, d| time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap();
    assert_eq!(shop_date("03/07/2024"), Some(day(2024, 3, 7)));
    assert_eq!(shop_date("25/12/2023"), Some(day(2023, 12, 25)));
    assert_eq!(shop_date("07.03.2024"), Some(day(2024, 3, 7)));
    assert_eq!(shop_date("2024-03-07"), Some(day(2024, 3, 7)));
    for bad in [
        "13/13/2024",
        "03/07/24",
        "March 7, 2024",
        "2024/13/01",
        "",
        "1/2",
    ] {
        assert_eq!(shop_date(bad), None, "{bad}");
    }
}

#[test]
fn history_rows() {
    let mut row = order("12", "03/07/2024", "1,234.50€");
    row.name = Some("Zo&euml;".into());
    row.status = Some("Canceled by Customer".into());
    let summary = summary_from(row).unwrap();
    assert_eq!(summary.number.to_string(), "12");
    assert_eq!(summary.placed_at.date().to_string(), "2024-03-07");
    assert_eq!(summary.status, OrderStatus::Cancelled);
    assert_eq!(summary.status_label, "Canceled by Customer");
    assert_eq!(summary.item_count, 3);
    assert_eq!(summary.total.to_string(), "1234.50 EUR");

    assert_eq!(order_status("Completed"), OrderStatus::Delivered);
    assert_eq!(order_status("Shipped"), OrderStatus::Shipped);
    assert_eq!(order_status("Refunded"), OrderStatus::Refunded);
    assert_eq!(order_status("Versandt"), OrderStatus::Other);

    let mut unnamed = order("13", "03/07/2024", "$1.00");
    unnamed.status = None;
    let summary = summary_from(unnamed).unwrap();
    assert_eq!(
        (summary.status, summary.status_label.as_str()),
        (OrderStatus::Other, "")
    );

    assert!(matches!(
        summary_from(order("14", "03/07/2024", "12.00 kr")),
        Err(ShopError::Protocol(m)) if m.contains("12.00 kr")
    ));
    assert!(matches!(
        summary_from(order("15", "7 March", "$1.00")),
        Err(ShopError::Protocol(m)) if m.contains("7 March")
    ));
    let mut no_id = order("", "03/07/2024", "$1.00");
    no_id.order_id = None;
    assert!(summary_from(no_id).is_err());
}

#[test]
fn history_windows() {
    // The shop's page 1 of 18 holds offsets 0..18: the first 10 of them.
    let first = page_of(history_window(history(1, 18, 40, 0..18), 0, 10, 1, 10));
    assert_eq!(
        numbers(&first),
        (0..10).map(|n| n.to_string()).collect::<Vec<_>>()
    );
    assert_eq!(
        (first.offset, first.total, first.has_more),
        (0, Some(40), true)
    );
    // Offset 10 is still on the shop's page 1.
    let second = page_of(history_window(history(1, 18, 40, 0..18), 10, 10, 1, 18));
    assert_eq!(
        numbers(&second),
        (10..18).map(|n| n.to_string()).collect::<Vec<_>>()
    );
    assert!(second.has_more);
    // The last page.
    let last = page_of(history_window(history(3, 18, 40, 36..40), 36, 10, 3, 18));
    assert_eq!(last.items.len(), 4);
    assert!(!last.has_more);
    // Past the end, and a customer without orders.
    let past = page_of(history_window(history(3, 18, 40, 36..40), 40, 10, 3, 18));
    assert!(past.items.is_empty() && !past.has_more);
    let none = page_of(history_window(
        serde_json::from_str(r#"{"orders":[],"total_orders":0}"#).unwrap(),
        0,
        10,
        1,
        10,
    ));
    assert_eq!(
        (none.items.len(), none.total, none.has_more),
        (0, Some(0), false)
    );

    // Asked for page 2 of 10, served 18 a page: ask again in the shop's size.
    assert!(matches!(
        history_window(history(2, 18, 40, 18..36), 10, 10, 2, 10),
        Ok(Window::PageSize(18))
    ));
    // Asked for page 2, served page 1 (stock AbanteCart since 1.2.9): said, not hidden.
    let ignored = history_window(history(1, 18, 40, 0..18), 18, 10, 2, 18);
    assert!(
        matches!(&ignored, Err(ShopError::Protocol(m)) if m.contains("newest 18 of 40")),
        "{:?}",
        ignored.err()
    );
}

#[test]
fn refused_edits_per_field() {
    let answer: wire::EditAnswer = serde_json::from_str(
        r#"{"status":0,"error_warning":"Oops, there is an error with information provided!","error_firstname":"First Name must be between 1 and 32 characters!","error_lastname":null,"error_email":null,"error_telephone":"Telephone must be between 3 and 32 numeric only characters!","fields":{"firstname":{"type":"input","name":"firstname","value":"x","required":true,"error":"First Name must be between 1 and 32 characters!"},"email":{"type":"input","name":"email","value":"a@b.example","required":true,"error":"E-Mail &amp; more"}}}"#,
    )
    .unwrap();
    let ShopError::Validation { message, fields } = edit_refusal(answer) else {
        panic!("not a validation error");
    };
    assert_eq!(message, messages::DATA_ENTRY_ERROR);
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|f| (f.field.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("first_name", messages::FIRSTNAME_ERROR),
            ("phone", messages::TELEPHONE_ERROR),
            ("email", "E-Mail & more"),
        ]
    );

    let taken: wire::EditAnswer = serde_json::from_str(
        r#"{"status":0,"error_warning":"Error: E-Mail address is already registered!","error_firstname":null}"#,
    )
    .unwrap();
    assert!(matches!(
        edit_refusal(taken),
        ShopError::Validation { message, fields } if message == messages::EMAIL_EXISTS && fields.is_empty()
    ));
}
