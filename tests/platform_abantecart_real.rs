//! The AbanteCart connector against exchanges recorded from a real AbanteCart 1.4.4 (installed
//! from github:abantecart/abantecart-src with its demo data by scripts/abantecart-real, recorded
//! by scripts/abantecart-record into tests/fixtures/abantecart-real/), replayed on loopback by
//! tests/support/replay.rs: every call the connector makes, answered as the real shop answered
//! it. The first tests check the behaviours issue 13 lists against the recordings themselves.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use rust_decimal::Decimal;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use shopterm::auth::password::{PasswordSignIn, is_wrong_credentials};
use shopterm::auth::store::{StoredTokens, TokenIssuer};
use shopterm::auth::{AuthError, StaticToken};
use shopterm::model::{
    AccountDraft, Availability, Currency, Money, NewOrder, OrderStatus, PageRequest, ProductCode,
    ProductQuery,
};
use shopterm::platforms::abantecart::{AbanteCartShop, AbanteCartSignIn};
use shopterm::shop::{Shop, ShopError};
use std::sync::Arc;
use support::replay::{self, Exchange, LOGIN, PASSWORD, ReplayServer, WRONG_PASSWORD, exchange};

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

/// A replay of the exchanges called `names` only (each test drives its own part of the
/// recorded run).
async fn replaying(names: &[&str]) -> ReplayServer {
    ReplayServer::serving(names.iter().map(|name| exchange(name)).collect()).await
}

/// The connector signed in with recorded session `n` (`<token-n>`).
fn shop(server: &ReplayServer, session: u32) -> AbanteCartShop {
    shop_at(server.shop_url(), session)
}

fn shop_at(url: url::Url, session: u32) -> AbanteCartShop {
    let token = SecretString::from(format!("replay-token-{session}"));
    AbanteCartShop::new(url, http(), Arc::new(StaticToken(token)))
}

fn usd(amount: &str) -> Money {
    Money {
        amount: amount.parse::<Decimal>().expect("an amount"),
        currency: Currency::USD,
    }
}

fn assert_all_matched(server: &ReplayServer) {
    assert_eq!(
        server.misses(),
        Vec::<String>::new(),
        "the connector sent requests the real shop was never asked"
    );
}

fn field_names(error: &ShopError) -> Vec<String> {
    match error {
        ShopError::Validation { fields, .. } => fields.iter().map(|f| f.field.clone()).collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

fn body(name: &str) -> Value {
    exchange(name)
        .json()
        .unwrap_or_else(|| panic!("{name} has a JSON body"))
}

// --- The real shop's behaviours (issue 13 item 2), as recorded ---

#[test]
fn every_auth_failure_is_http_401() {
    for name in [
        "login-wrong-password",
        "login-email-where-login-name-differs",
        "account-after-logout",
        "logout-again",
        "account-idle-again",
        "login-without-api-key",
    ] {
        assert_eq!(exchange(name).response.status, 401, "{name}");
    }
}

#[test]
fn the_account_form_checks_only_the_telephone() {
    let answer = body("edit-invalid");
    assert_eq!(answer["status"], 0);
    assert_eq!(answer["error_firstname"], Value::Null);
    assert_eq!(answer["error_email"], Value::Null);
    assert!(answer["error_telephone"].is_string());
}

#[test]
fn validation_failures_are_http_200_with_status_0_except_the_address_form() {
    let edit = exchange("edit-invalid");
    assert_eq!(edit.response.status, 200);
    assert_eq!(body("edit-invalid")["status"], 0);
    // The address form says "error" (a string) instead, also with 200.
    assert_eq!(exchange("address-save-invalid").response.status, 200);
    assert_eq!(body("address-save-invalid")["status"], "error");
}

#[test]
fn customer_id_is_an_integer_and_order_ids_are_text() {
    assert!(body("account")["customer_id"].is_i64());
    assert!(body("history")["orders"][0]["order_id"].is_string());
}

#[test]
fn history_ignores_page_and_limit_and_serves_one_page() {
    let asked = exchange("history-page-2-limit-1");
    assert_eq!(asked.request.form[0], ("page".into(), "2".into()));
    let answer = body("history-page-2-limit-1");
    assert_eq!(answer["page"], 1);
    assert_eq!(answer["limit"], 20);
    assert_eq!(answer["orders"], body("history")["orders"]);
}

#[test]
fn totals_are_formatted_strings_and_dates_are_m_d_y() {
    let order = &body("history")["orders"][0];
    assert_eq!(order["total"], "$218.09");
    assert_eq!(order["date_added"], "03/18/2019");
}

#[test]
fn an_idle_session_answers_302_to_itself_once_then_401() {
    let idle = exchange("account-idle");
    assert_eq!(idle.response.status, 302);
    assert_eq!(
        idle.response.headers.get("location").map(String::as_str),
        Some("<origin>/index.php?rt=a/account/account&")
    );
    assert_eq!(exchange("account-idle-again").response.status, 401);
}

#[test]
fn e_mail_sign_in_fails_for_a_customer_whose_login_name_differs() {
    assert_eq!(
        exchange("login-email-where-login-name-differs")
            .response
            .status,
        401
    );
    assert_eq!(body("login-loginname")["status"], 1);
}

#[test]
fn edit_without_newsletter_sets_it_to_0() {
    let before = body("edit-empty-form");
    assert_eq!(before["fields"]["newsletter"]["value"], "1");
    let saved = exchange("edit-save-without-newsletter");
    assert!(saved.request.form.iter().all(|(k, _)| k != "newsletter"));
    assert_eq!(body("edit-save-without-newsletter")["status"], 1);
    assert_eq!(
        body("edit-form-after-save")["fields"]["newsletter"]["value"],
        "0"
    );
}

#[test]
fn unknown_routes_answer_200_with_an_empty_body_on_1_4_4() {
    for name in [
        "order-details-route",
        "password-route",
        "forgotten-route",
        "unknown-route-without-key",
    ] {
        let recorded = exchange(name);
        assert_eq!(recorded.response.status, 200, "{name}");
        assert_eq!(recorded.response.body, "", "{name}");
    }
}

#[test]
fn checkout_needs_a_confirm_before_each_process() {
    assert_eq!(exchange("process-before-confirm").response.status, 400);
    assert_eq!(body("process")["status"], 1);
    assert_eq!(exchange("process-again").response.status, 400);
    assert_eq!(
        body("process-again")["error"],
        "Need to review confirmation details first!"
    );
}

// --- The connector against the replay ---

#[tokio::test]
async fn sign_in_by_e_mail_and_by_login_name_as_the_real_shop_answers() {
    let server = replaying(&[
        "login-wrong-password",
        "login-email-where-login-name-differs",
        "login-loginname",
        "login-email",
    ])
    .await;
    let url = server.shop_url();
    let sign_in = |login: &'static str, password: &'static str| {
        let (url, http) = (url.clone(), http());
        async move {
            AbanteCartSignIn
                .sign_in(&http, &url, login, &SecretString::from(password))
                .await
        }
    };
    let wrong = sign_in(LOGIN, WRONG_PASSWORD).await.expect_err("refused");
    assert!(is_wrong_credentials(&wrong), "{wrong:?}");
    let by_email = sign_in("mark@example.com", PASSWORD)
        .await
        .expect_err("refused");
    assert!(is_wrong_credentials(&by_email), "{by_email:?}");
    let mark = sign_in("mark", PASSWORD)
        .await
        .expect("signed in by login name");
    assert_eq!(mark.access_token.expose_secret(), "replay-token-1");
    let juliana = sign_in(LOGIN, PASSWORD).await.expect("signed in by e-mail");
    assert_eq!(juliana.access_token.expose_secret(), "replay-token-2");
    assert_all_matched(&server);
}

#[tokio::test]
async fn the_account_with_its_phone_and_the_one_page_of_history() {
    let server = replaying(&[
        "account",
        "edit-empty-form",
        "history",
        "history-page-2-limit-1",
    ])
    .await;
    let shop = shop(&server, 2);
    let account = shop.account().await.expect("the account");
    assert_eq!(account.id.0, "2");
    assert_eq!(
        (account.first_name.as_str(), account.last_name.as_str()),
        ("Juliana", "Davis")
    );
    assert_eq!(account.email, LOGIN);
    assert_eq!(account.phone.as_deref(), Some("(602) 141-7191"));

    let page = shop
        .orders(&PageRequest {
            offset: 0,
            limit: 20,
            filter: Default::default(),
        })
        .await
        .expect("the history");
    assert_eq!(page.total, Some(1));
    assert!(!page.has_more);
    let order = &page.items[0];
    assert_eq!(order.number.0, "6");
    assert_eq!(order.status, OrderStatus::Pending);
    assert_eq!(order.item_count, 2);
    assert_eq!(order.total, usd("218.09"));
    assert_eq!(
        order.placed_at.date(),
        time::Date::from_calendar_date(2019, time::Month::March, 18).unwrap()
    );

    // Asked for one order past the first, the shop serves its first page of 20 again: the
    // connector learns the page size and finds nothing beyond the one order.
    let beyond = shop
        .orders(&PageRequest {
            offset: 1,
            limit: 1,
            filter: Default::default(),
        })
        .await
        .expect("past the end");
    assert!(beyond.items.is_empty() && !beyond.has_more);
    assert_all_matched(&server);
}

#[tokio::test]
async fn a_refused_edit_names_its_fields_and_a_saved_one_keeps_the_newsletter() {
    // The real shop checks only the telephone (edit-invalid saved nothing only because of it):
    // a blank first name and a malformed e-mail are refused before anything is sent.
    let server = replaying(&["edit-empty-form", "edit-invalid-phone"]).await;
    let draft = |first_name: &str, email: &str, phone: &str| AccountDraft {
        first_name: first_name.into(),
        last_name: "Davis".into(),
        email: email.into(),
        phone: Some(phone.into()),
        company: None,
        company_id: None,
        vat_id: None,
    };
    let refused = shop(&server, 2)
        .update_account(&draft("", "not-an-email", "(602) 141-7191"))
        .await
        .expect_err("refused");
    assert_eq!(field_names(&refused), ["first_name", "email"]);
    assert!(
        server.served().is_empty(),
        "nothing sent: {:?}",
        server.served()
    );
    let refused = shop(&server, 2)
        .update_account(&draft("Juliana", LOGIN, "1"))
        .await
        .expect_err("refused by the shop");
    assert_eq!(field_names(&refused), ["phone"]);
    assert_all_matched(&server);

    // The save sends `newsletter` as the form had it (1), as the recorded save did: without it
    // the shop would set it to 0 (edit_without_newsletter_sets_it_to_0).
    let server = replaying(&[
        "edit-empty-form",
        "edit-save-with-newsletter",
        "account",
        "edit-form-after-save",
    ])
    .await;
    let saved = shop(&server, 2)
        .update_account(&AccountDraft {
            first_name: "Juliana".into(),
            last_name: "Davis".into(),
            email: LOGIN.into(),
            phone: Some("(602) 141-7191".into()),
            company: None,
            company_id: None,
            vat_id: None,
        })
        .await
        .expect("saved");
    assert_eq!(saved.first_name, "Juliana");
    assert!(
        server
            .served()
            .contains(&"edit-save-with-newsletter".to_owned())
    );
    assert_all_matched(&server);
}

#[tokio::test]
async fn sign_out_ends_the_session_and_a_dead_token_is_session_expired() {
    let server = replaying(&["logout", "account-after-logout", "logout-again"]).await;
    let (url, client) = (server.shop_url(), http());
    let stored = stored("replay-token-2", &url);
    AbanteCartSignIn
        .sign_out(&client, &url, &stored)
        .await
        .expect("signed out");
    let after = shop(&server, 2).account().await.expect_err("refused");
    assert_eq!(after, ShopError::SessionExpired);
    AbanteCartSignIn
        .sign_out(&client, &url, &stored)
        .await
        .expect("signing out again is no error: the session had ended");
    assert_all_matched(&server);
}

#[tokio::test]
async fn an_idle_session_is_session_expired_on_the_redirect_and_after() {
    let server = replaying(&[
        "account-before-idle",
        "edit-form-before-idle",
        "account-idle",
        "account-idle-again",
    ])
    .await;
    let shop = shop(&server, 3);
    shop.account().await.expect("alive");
    assert_eq!(shop.account().await.err(), Some(ShopError::SessionExpired));
    assert_eq!(shop.account().await.err(), Some(ShopError::SessionExpired));
    assert!(server.served().contains(&"account-idle".to_owned()));
    assert_all_matched(&server);
}

#[tokio::test]
async fn a_shop_with_an_api_key_gets_it_in_every_form_and_in_product_queries() {
    let server = replaying(&[
        "login-without-api-key",
        "login-with-api-key",
        "account-with-api-key",
        "edit-form-with-api-key",
        "product-with-api-key-in-query",
        "quantity-with-api-key-in-query",
        "logout-with-api-key",
    ])
    .await;
    let (plain, client) = (server.shop_url(), http());
    let refused = AbanteCartSignIn
        .sign_in(&client, &plain, LOGIN, &SecretString::from(PASSWORD))
        .await
        .expect_err("refused without the key");
    assert!(
        matches!(&refused, AuthError::Refused { error, .. } if error == "api_disabled"),
        "{refused:?}"
    );
    let keyed =
        url::Url::parse(&format!("{}/?api_key={}", server.origin, replay::API_KEY)).expect("a URL");
    let tokens = AbanteCartSignIn
        .sign_in(&client, &keyed, LOGIN, &SecretString::from(PASSWORD))
        .await
        .expect("signed in with the key");
    assert_eq!(tokens.access_token.expose_secret(), "replay-token-4");
    let shop = shop_at(keyed.clone(), 4);
    assert_eq!(shop.account().await.expect("the account").id.0, "2");
    let found = shop
        .products(&ProductQuery {
            codes: vec![ProductCode("50".into())],
            brand: None,
        })
        .await
        .expect("a product");
    assert_eq!(found.len(), 1);
    let stored = stored(tokens.access_token.expose_secret(), &keyed);
    AbanteCartSignIn
        .sign_out(&client, &keyed, &stored)
        .await
        .expect("signed out");
    assert_all_matched(&server);
}

#[tokio::test]
async fn a_route_the_shop_lacks_answers_empty_and_is_not_found() {
    // The real shop's answer to a route it does not have, given for the account form: the
    // account still shows, without the telephone.
    let mut missing_form = exchange("order-details-route");
    missing_form.request = exchange("edit-empty-form").request;
    let server =
        ReplayServer::serving(vec![exchange("account"), missing_form.clone()] as Vec<Exchange>)
            .await;
    let account = shop(&server, 2).account().await.expect("the account");
    assert_eq!(account.phone, None);
    assert_all_matched(&server);
}

#[tokio::test]
async fn products_by_id_with_price_brand_and_stock() {
    let server = replaying(&[
        "product",
        "quantity",
        "product-66",
        "quantity-66",
        "product-out-of-stock",
        "quantity-out-of-stock",
        "product-unknown",
        "product-not-a-number",
    ])
    .await;
    let codes = ["50", "66", "67", "99999", "PCND001"];
    let found = shop(&server, 2)
        .products(&ProductQuery {
            codes: codes.iter().map(|c| ProductCode((*c).into())).collect(),
            brand: None,
        })
        .await
        .expect("the products");
    let listed: Vec<&str> = found.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(listed, ["50", "66", "67"], "unknown codes are absent");
    let bronzer = &found[0];
    assert_eq!(bronzer.name, "Skinsheen Bronzer Stick");
    assert_eq!(bronzer.brand, "M·A·C");
    assert_eq!(bronzer.price, usd("29.50"));
    assert_eq!(
        bronzer.availability,
        Availability::InStock { quantity: Some(99) }
    );
    let gel = &found[2];
    assert_eq!(gel.availability, Availability::OutOfStock);
    assert_eq!(gel.price, usd("29.00"), "the special price is the price");
    assert_all_matched(&server);
}

#[tokio::test]
async fn quick_order_through_cart_shipping_payment_confirm_and_process() {
    let server = replaying(&[
        "cart-empty-for-order",
        "cart-add-bulk",
        "shipping-list",
        "shipping-select",
        "payment-list",
        "payment-select",
        "confirm",
        "process",
        "history-after-order",
    ])
    .await;
    let placed = shop(&server, 2)
        .place_order(&order(&[("50", 2), ("66", 1)]))
        .await
        .expect("placed");
    let newest = body("history-after-order")["orders"][0]["order_id"]
        .as_str()
        .expect("an order id")
        .to_owned();
    assert_eq!(placed.number.0, newest);
    assert_eq!(placed.total, usd("105.25"));
    assert!(!placed.replayed);
    assert_eq!(server.served().len(), 9, "{:?}", server.served());
    assert_all_matched(&server);
}

#[tokio::test]
async fn quick_order_with_an_out_of_stock_line_stops_at_the_cart() {
    let server = replaying(&["cart-empty", "cart-add-bulk-out-of-stock"]).await;
    let refused = shop(&server, 2)
        .place_order(&order(&[("50", 2), ("66", 1), ("67", 1)]))
        .await
        .expect_err("refused");
    let ShopError::Validation { fields, .. } = &refused else {
        panic!("{refused:?}");
    };
    assert_eq!(fields.len(), 1, "{fields:?}");
    assert_eq!(fields[0].field, "lines[2].quantity");
    assert!(fields[0].message.starts_with("67:"), "{fields:?}");
    assert_all_matched(&server);
}

/// A stored AbanteCart session, as sign-in keeps it.
fn stored(token: &str, shop_url: &url::Url) -> StoredTokens {
    StoredTokens {
        access_token: SecretString::from(token.to_owned()),
        refresh_token: None,
        expires_at: None,
        obtained_at: time::OffsetDateTime::now_utc(),
        scope: None,
        account_id: None,
        account_email: None,
        issued_by: TokenIssuer::Platform {
            platform: "abantecart".into(),
            shop_url: shop_url.clone(),
        },
    }
}

fn order(lines: &[(&str, u32)]) -> NewOrder {
    support::platform::quick_order("replay-order", lines, None)
}
