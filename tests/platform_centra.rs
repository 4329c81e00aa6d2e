//! The Centra Checkout API connector against its emulator in the demo shop, over real loopback
//! HTTP: password sign-in through `connection::password_sign_in` (tokens stored 0600, account read
//! from `loggedIn`), wrong passwords, sign-out ending the login at the shop, a login ended at the
//! shop (or past its lifetime) read as an expired session, the real binary's
//! `login --platform centra --password-stdin`, `whoami` and `logout`; the order history paged
//! through `POST orders` and an order's shipments with tracking, the customer's one address and
//! account details changed and read back, the password changed, and reset through the link the
//! demo outbox holds.
//!
//! What every password platform does alike (the account after sign-in, a refused password
//! storing nothing, sign-out ending the session, the features declared, the account, addresses
//! and newest orders as the store keeps them, no order search, a refused edit naming its field)
//! is checked once for all in tests/platform_contract.rs over the table in
//! tests/support/platform.rs; this file keeps what is particular to this platform.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use serde_json::Value;
use shopterm::auth::AuthError;
use shopterm::connection;
use shopterm::demo::store::CustomerKey;
use shopterm::model::{
    Account, AccountDraft, Address, AddressId, OrderDetail, OrderFilter, OrderStatus, OrderSummary,
    PageRequest, PostalAddress, ShipmentState,
};
use shopterm::shop::{Feature, PasswordChange, PasswordReset, Shop, ShopError};
use std::time::Duration;
use support::demo::{buyer, newcomer};
use support::platform::{CENTRA, PROFILE, PlatformSetup, assert_same_lines, secret};
use support::sandbox::{Sandbox, mode_of, profile_for, tokens_in};
use url::Url;

/// The customer with this e-mail, their account and addresses, straight from the store.
async fn in_store(setup: &PlatformSetup, email: &str, password: &str) -> (Account, Vec<Address>) {
    let (email, password) = (email.to_owned(), password.to_owned());
    setup
        .in_store(move |store| {
            let customer: CustomerKey = store
                .verify_password(&email, &password)
                .expect("store")
                .expect("a demo customer");
            (
                store.account(customer).expect("account"),
                store.addresses(customer).expect("addresses"),
            )
        })
        .await
}

/// A raw Checkout API request with `API-Token: token`: status and JSON body.
async fn raw(setup: &PlatformSetup, method: &str, path: &str, token: Option<&str>) -> (u16, Value) {
    let url = format!("{}/{path}", setup.shop_url());
    let http = support::demo::http();
    let mut request = match method {
        "GET" => http.get(url),
        _ => http.post(url),
    };
    if let Some(token) = token {
        request = request.header("API-Token", token);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let body = response.json().await.expect("JSON answer");
    (status, body)
}

/// Signs the buyer in through the library; answers the stored access token.
async fn sign_in_buyer(setup: &PlatformSetup) -> (connection::SignedIn, String) {
    let signed_in = setup.sign_in_buyer().await;
    (signed_in, setup.access_token())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_sign_in_stores_tokens_and_reads_the_account() {
    let setup = PlatformSetup::new(&CENTRA).await;
    let login = buyer();
    let (expected, addresses) = in_store(&setup, &login.email, &login.password).await;

    let (signed_in, token) = sign_in_buyer(&setup).await;
    let account = signed_in
        .account
        .expect("the account is read after sign-in");
    assert_eq!(account.email, login.email);
    assert_eq!(account.id.to_string(), login.email, "the e-mail is the id");
    assert_eq!(account.first_name, expected.first_name);
    assert_eq!(account.last_name, expected.last_name);
    assert!(!account.first_name.is_empty());

    // No refresh token and no expiry: a Centra login lasts until it ends at the shop. (What
    // every password platform stores is in tests/platform_contract.rs.)
    let file = setup.token_file();
    let stored: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert!(
        stored["refresh_token"].is_null(),
        "{}",
        stored["refresh_token"]
    );
    assert!(stored["expires_at"].is_null(), "{}", stored["expires_at"]);
    assert!(token.len() >= 16);

    // A new connection from the stored tokens reads the same account.
    let connection = connection::connect(&setup.paths, PROFILE, &setup.profile).expect("connect");
    // (What it declares, one address and no book among it: tests/platform_contract.rs.)
    assert_eq!(connection.shop.account().await.expect("account"), account);

    // The emulator's `loggedIn` carries the default billing address, as the documentation shows.
    let billing = addresses
        .iter()
        .find(|a| a.default_billing)
        .expect("the buyer has a billing address");
    let (status, body) = raw(&setup, "GET", "selection", Some(&token)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["token"],
        token.as_str(),
        "a live session keeps its token"
    );
    let logged_in = &body["loggedIn"];
    assert_eq!(logged_in["email"], login.email.as_str());
    assert_eq!(logged_in["address1"], billing.postal.line1.as_str());
    assert_eq!(logged_in["zipCode"], billing.postal.postcode.as_str());
    assert_eq!(logged_in["city"], billing.postal.city.as_str());
    assert_eq!(logged_in["country"], billing.postal.country.as_str());
    assert_eq!(billing.postal.country.len(), 2, "an ISO code");
    assert!(body["selection"].is_object(), "{body}");
    assert!(body.get("errors").is_none(), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_without_addresses_and_an_email_that_needs_encoding() {
    let setup = PlatformSetup::new(&CENTRA).await;
    let login = newcomer();
    let (expected, addresses) = in_store(&setup, &login.email, &login.password).await;
    assert!(addresses.is_empty(), "the newcomer has no addresses");
    // The e-mail is a path segment; the password travels in the body only.
    let answer = support::demo::http()
        .post(format!(
            "{}/login/{}",
            setup.shop_url(),
            login.email.replace('@', "%40")
        ))
        .json(&serde_json::json!({ "password": login.password }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["loggedIn"]["email"], expected.email.as_str());
    assert_eq!(body["loggedIn"]["address1"], "");
    assert_eq!(body["loggedIn"]["country"], "");

    // An e-mail with a slash stays one path segment: refused as wrong, not routed elsewhere.
    let refused = setup
        .sign_in("../selection/x@example.com", &login.password)
        .await;
    assert!(
        matches!(refused, Err(AuthError::WrongCredentials(_))),
        "{:?}",
        refused.err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_answered_as_centra_documents_it() {
    // shopterm's side of a refused password is in tests/platform_contract.rs. The documented
    // answer: 406 with `password: incorrect`, the same for an unknown e-mail.
    let setup = PlatformSetup::new(&CENTRA).await;
    let login = buyer();
    for email in [login.email.as_str(), "nobody@demo.shopterm.example"] {
        let answer = support::demo::http()
            .post(format!("{}/login/{email}", setup.shop_url()))
            .json(&serde_json::json!({ "password": "not-the-password" }))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), 406);
        let body: Value = answer.json().await.unwrap();
        assert_eq!(body["errors"], serde_json::json!({"password": "incorrect"}));
        assert!(body["token"].is_string(), "{body}");
        assert!(body.get("loggedIn").is_none(), "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_ends_the_login_at_the_shop() {
    let setup = PlatformSetup::new(&CENTRA).await;
    let (_, token) = sign_in_buyer(&setup).await;
    let (_, before) = raw(&setup, "GET", "selection", Some(&token)).await;
    assert!(before["loggedIn"].is_object(), "logged in before: {before}");

    // The sign-out report and the deleted tokens: tests/platform_contract.rs. Here: the token
    // now opens a new visitor's selection, as Centra's logout leaves it.
    connection::sign_out(&setup.paths, PROFILE, &setup.http)
        .await
        .expect("sign-out");
    let (status, after) = raw(&setup, "GET", "selection", Some(&token)).await;
    assert_eq!(status, 200);
    assert!(after.get("loggedIn").is_none(), "logged out: {after}");
    assert_ne!(
        after["token"],
        token.as_str(),
        "a new visitor's session, not the old login"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_ended_at_the_shop_is_an_expired_session() {
    let setup = PlatformSetup::new(&CENTRA).await;
    let (_, token) = sign_in_buyer(&setup).await;
    let connection = connection::connect(&setup.paths, PROFILE, &setup.profile).unwrap();
    assert!(connection.shop.account().await.is_ok());

    // Logged out by someone else holding the token (another device, the shop's admin).
    let (status, body) = raw(&setup, "POST", "logout", Some(&token)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("loggedIn").is_none(), "{body}");
    assert_eq!(
        connection.shop.account().await,
        Err(ShopError::SessionExpired)
    );
    // The tokens stay until the person signs in again or out; the next connection says the same.
    assert!(setup.token_file().exists());
    let later = connection::connect(&setup.paths, PROFILE, &setup.profile).unwrap();
    assert_eq!(later.shop.account().await, Err(ShopError::SessionExpired));

    // Signed in again (here, or by another shopterm): the running connection takes up the new
    // token from the store instead of reporting the ended session.
    let (_, new_token) = sign_in_buyer(&setup).await;
    assert_ne!(new_token, token);
    let account = connection
        .shop
        .account()
        .await
        .expect("the new sign-in is used");
    assert_eq!(account.email, buyer().email);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_past_its_lifetime_is_an_expired_session() {
    let setup = PlatformSetup::with_ttl(&CENTRA, Duration::from_secs(2)).await;
    let (signed_in, token) = sign_in_buyer(&setup).await;
    assert!(signed_in.account.is_ok());
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let connection = connection::connect(&setup.paths, PROFILE, &setup.profile).unwrap();
    assert_eq!(
        connection.shop.account().await,
        Err(ShopError::SessionExpired)
    );
    let (status, body) = raw(&setup, "GET", "selection", Some(&token)).await;
    assert_eq!(status, 200);
    assert!(body.get("loggedIn").is_none(), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_logs_in_with_a_password_from_stdin() {
    let setup = PlatformSetup::new(&CENTRA).await;
    let sandbox = Sandbox::new();
    let login = buyer();
    let url = setup.shop_url();
    let host = profile_for(&setup.demo.base_url);
    let token_file = sandbox.token_file(&host);
    let mut outputs = Vec::new();

    let refused = sandbox
        .password_login(&url, "centra", &login.email, "not-the-password")
        .await;
    assert!(!refused.status.success(), "{}", refused.all_output());
    refused.assert_stderr_has("did not accept this e-mail and password");
    assert!(!token_file.exists());
    outputs.push(refused.all_output());

    let signed_in = sandbox
        .password_login(&url, "centra", &login.email, &login.password)
        .await;
    signed_in.assert_signed_in(&setup.demo.base_url, &login.email);
    assert_eq!(mode_of(&token_file), 0o600);
    let (token, refresh) = tokens_in(&token_file);
    assert!(refresh.is_none());
    outputs.push(signed_in.all_output());
    sandbox.assert_config_platform("centra");

    let whoami = sandbox.run(&["whoami"]).await;
    whoami.assert_ok();
    whoami.assert_stdout_has(&format!("<{}>", login.email));
    whoami.assert_stdout_has("Session: lasts until the shop ends it");
    outputs.push(whoami.all_output());

    let logout = sandbox.run(&["logout"]).await;
    logout.assert_ok();
    logout.assert_stdout_has("revoked at the shop and deleted here");
    assert!(!token_file.exists());
    outputs.push(logout.all_output());
    let (_, after) = raw(&setup, "GET", "selection", Some(&token)).await;
    assert!(
        after.get("loggedIn").is_none(),
        "ended at the shop: {after}"
    );

    let whoami = sandbox.run(&["whoami"]).await;
    assert!(!whoami.status.success());
    assert!(whoami.stderr.contains("not signed in"), "{}", whoami.stderr);

    // Neither the token nor the password in any output or in the log (written at trace level).
    let log = std::fs::read_to_string(sandbox.log_file()).expect("a log file");
    assert!(
        log.contains("signed in with a password") && log.contains("session ended at the shop"),
        "the log covers the session"
    );
    let everything = format!("{}\n{log}", outputs.join("\n"));
    assert!(!everything.contains(&token), "the token leaked");
    assert!(!everything.contains(&login.password), "the password leaked");
}

/// The buyer's orders, newest first, with their details, straight from the store.
async fn orders_in_store(setup: &PlatformSetup, email: &str, password: &str) -> Vec<OrderDetail> {
    let (email, password) = (email.to_owned(), password.to_owned());
    setup
        .in_store(move |store| {
            let customer = store
                .verify_password(&email, &password)
                .expect("store")
                .expect("a demo customer");
            let mut all = Vec::new();
            let mut page = PageRequest::first(200);
            loop {
                let found = store.orders(customer, &page).expect("orders");
                let received = found.items.len();
                all.extend(found.items);
                if !found.has_more || received == 0 {
                    break;
                }
                page = page.next(received);
            }
            all.iter()
                .map(|o| store.order(customer, &o.number).expect("order"))
                .collect()
        })
        .await
}

/// A Checkout API request with a JSON body: status and JSON answer.
async fn call(
    setup: &PlatformSetup,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Value,
) -> (u16, Value) {
    let mut request = support::demo::http()
        .request(method, format!("{}/{path}", setup.shop_url()))
        .json(&body);
    if let Some(token) = token {
        request = request.header("API-Token", token);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON answer"))
}

/// `POST orders` with `body`: status and JSON answer.
async fn post_orders(setup: &PlatformSetup, token: Option<&str>, body: Value) -> (u16, Value) {
    call(setup, reqwest::Method::POST, "orders", token, body).await
}

/// Centra's order flow has fewer states than the store: what each store state reads back as.
fn through_centra(status: OrderStatus) -> OrderStatus {
    match status {
        OrderStatus::PartiallyShipped => OrderStatus::Processing,
        OrderStatus::Delivered => OrderStatus::Shipped,
        OrderStatus::Refunded => OrderStatus::Cancelled,
        other => other,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_order_history_pages_through_post_orders() {
    let setup = PlatformSetup::new(&CENTRA).await;
    let login = buyer();
    let expected = orders_in_store(&setup, &login.email, &login.password).await;
    let (_, token) = sign_in_buyer(&setup).await;
    let connection = connection::connect(&setup.paths, PROFILE, &setup.profile).unwrap();
    let shop = &connection.shop;

    // Pages of 4, past the first, until the shop says there are no more.
    let page_size = 4;
    assert!(
        expected.len() > 2 * page_size as usize,
        "the buyer has {} orders",
        expected.len()
    );
    let mut seen: Vec<OrderSummary> = Vec::new();
    let mut request = PageRequest::first(page_size);
    let mut pages = 0;
    loop {
        let page = shop.orders(&request).await.expect("a page of orders");
        pages += 1;
        assert_eq!(page.offset, request.offset);
        assert_eq!(page.total, Some(expected.len() as u64));
        assert!(page.items.len() <= page_size as usize);
        let received = page.items.len();
        seen.extend(page.items);
        if !page.has_more {
            break;
        }
        assert_eq!(received, page_size as usize, "a full page before the last");
        request = request.next(received);
        assert!(pages < 1000, "paging ends");
    }
    assert!(pages > 2, "{pages} pages");
    assert_eq!(seen.len(), expected.len());
    for (got, want) in seen.iter().zip(&expected) {
        let want = &want.summary;
        assert_eq!(got.number, want.number);
        assert_eq!(got.placed_at, want.placed_at, "{}", want.number);
        assert_eq!(got.total, want.total, "{}: exact amounts", want.number);
        assert_eq!(got.total.currency, want.total.currency);
        assert_eq!(got.item_count, want.item_count, "{}", want.number);
        assert_eq!(got.status, through_centra(want.status), "{}", want.number);
        assert!(!got.status_label.is_empty());
    }
    // A page past the end is empty and says so.
    let past = shop
        .orders(&PageRequest {
            offset: expected.len() as u64 + 5,
            ..PageRequest::first(10)
        })
        .await
        .unwrap();
    assert!(past.items.is_empty() && !past.has_more);
    // No filters on `POST orders`.
    let filtered = PageRequest {
        filter: OrderFilter {
            status: Some(OrderStatus::Pending),
            ..OrderFilter::default()
        },
        ..PageRequest::first(10)
    };
    assert_eq!(
        shop.orders(&filtered).await.err(),
        Some(ShopError::Unsupported(Feature::OrderSearch))
    );

    // The answer is shaped as the documentation shows.
    let (status, body) = post_orders(
        &setup,
        Some(&token),
        serde_json::json!({"from": 3, "size": 2}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token"], token.as_str());
    assert_eq!(
        body["ordersPaging"],
        serde_json::json!({"from": 3, "size": 2, "totalSize": expected.len()})
    );
    let orders = body["orders"].as_array().expect("orders");
    assert_eq!(orders.len(), 2);
    assert_eq!(orders[0]["order"], expected[3].summary.number.as_str());
    assert!(orders[0]["totals"]["grandTotalPriceAsNumber"].is_number());
    assert!(
        orders[0]["date"].as_str().unwrap().len() == 19,
        "{}",
        orders[0]["date"]
    );
    assert_eq!(body["loggedIn"]["email"], login.email.as_str());
    // `size: 0` still counts the orders.
    let (_, none) = post_orders(
        &setup,
        Some(&token),
        serde_json::json!({"from": 0, "size": 0}),
    )
    .await;
    assert_eq!(none["orders"], serde_json::json!([]));
    assert_eq!(none["ordersPaging"]["totalSize"], expected.len());
    // Without from and size: every order.
    let (_, all) = post_orders(&setup, Some(&token), serde_json::json!({})).await;
    assert_eq!(all["orders"].as_array().unwrap().len(), expected.len());
    // Without a login: the documented 403.
    let (status, denied) = post_orders(&setup, None, serde_json::json!({})).await;
    assert_eq!(status, 403);
    assert_eq!(
        denied["errors"],
        serde_json::json!({"accessRight": "denied"})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_opens_with_items_totals_and_tracked_shipments() {
    let setup = PlatformSetup::new(&CENTRA).await;
    let login = buyer();
    let expected = orders_in_store(&setup, &login.email, &login.password).await;
    let shop = setup.buyer_shop().await;

    // The oldest order with a tracked shipment: found by paging past the first page of orders.
    let (position, want) = expected
        .iter()
        .enumerate()
        .rev()
        .find(|(_, o)| {
            o.shipments
                .iter()
                .any(|s| s.tracking_id.is_some() && s.tracking_url.is_some())
        })
        .expect("the buyer has a tracked shipment");
    let got = shop.order(&want.summary.number).await.expect("the order");
    assert_eq!(got.summary.number, want.summary.number);
    assert_eq!(got.summary.total, want.summary.total);
    assert_same_lines(&got.lines, &want.lines);
    assert_eq!(got.totals, want.totals, "order {position} totals");
    assert_eq!(got.billing_address, want.billing_address);
    assert_eq!(got.shipping_address, want.shipping_address);
    assert_eq!(got.shipments.len(), want.shipments.len());
    for (shipment, expected_shipment) in got.shipments.iter().zip(&want.shipments) {
        assert_eq!(shipment.carrier, expected_shipment.carrier);
        assert_eq!(shipment.service, expected_shipment.service);
        assert_eq!(shipment.tracking_id, expected_shipment.tracking_id);
        assert_eq!(shipment.tracking_url, expected_shipment.tracking_url);
        assert_eq!(shipment.shipped_at, expected_shipment.shipped_at);
        let state = if shipment.shipped_at.is_some() {
            ShipmentState::InTransit
        } else {
            ShipmentState::Preparing
        };
        assert_eq!(shipment.state, state);
    }
    let tracked = got
        .shipments
        .iter()
        .find(|s| s.tracking_id.is_some())
        .expect("a tracked shipment");
    assert!(!tracked.tracking_id.as_deref().unwrap().is_empty());
    assert!(
        tracked
            .tracking_url
            .as_deref()
            .is_some_and(|u| u.starts_with("http")),
        "{:?}",
        tracked.tracking_url
    );

    // An unknown order: tests/platform_contract.rs.
    // Listed first (as the order pane does), then opened: found where the list showed it.
    let deep = PageRequest {
        offset: (position as u64).saturating_sub(1),
        ..PageRequest::first(3)
    };
    let listed = shop.orders(&deep).await.unwrap().items;
    assert!(listed.iter().any(|o| o.number == want.summary.number));
    let again = shop.order(&want.summary.number).await.unwrap();
    assert_eq!(again, got);
    // An order listed near the top opens too.
    let first = shop.orders(&PageRequest::first(2)).await.unwrap();
    let newest = shop.order(&first.items[0].number).await.unwrap();
    assert_eq!(newest.summary, first.items[0]);
    assert_eq!(newest.totals, expected[0].totals);
}

fn new_address() -> PostalAddress {
    PostalAddress {
        first_name: "Astrid".into(),
        last_name: "Lindqvist".into(),
        company: None,
        line1: "Drottninggatan 12".into(),
        line2: Some("3 tr".into()),
        city: "Stockholm".into(),
        postcode: "111 51".into(),
        region: None,
        country: "SE".into(),
        phone: Some("+46 8 123 456".into()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_one_address_is_changed_and_read_back() {
    let setup = PlatformSetup::new(&CENTRA).await;
    let login = buyer();
    let (_, book) = in_store(&setup, &login.email, &login.password).await;
    let billing = book.iter().find(|a| a.default_billing).unwrap().clone();
    let (_, token) = sign_in_buyer(&setup).await;
    let connection = connection::connect(&setup.paths, PROFILE, &setup.profile).unwrap();
    let shop = &connection.shop;

    let before = shop.addresses().await.expect("addresses");
    assert_eq!(before.len(), 1, "one address: {before:?}");
    assert!(before[0].default_billing && before[0].default_shipping);
    assert_eq!(before[0].postal.line1, billing.postal.line1);
    assert_eq!(before[0].postal.postcode, billing.postal.postcode);

    let changed = shop
        .update_address(&before[0].id, &new_address())
        .await
        .expect("the address changes");
    assert_eq!(changed.postal, new_address());
    assert_eq!(shop.addresses().await.unwrap(), vec![changed.clone()]);
    // At the shop: the store's billing address, and the account's names.
    let (account, book) = in_store(&setup, &login.email, &login.password).await;
    let stored = book.iter().find(|a| a.default_billing).unwrap();
    assert_eq!(stored.postal.line1, "Drottninggatan 12");
    assert_eq!(stored.postal.postcode, "111 51");
    assert_eq!(account.first_name, "Astrid");
    let (_, body) = raw(&setup, "GET", "selection", Some(&token)).await;
    assert_eq!(body["loggedIn"]["zipCode"], "111 51");
    assert_eq!(body["loggedIn"]["address2"], "3 tr");

    // Refused fields come back under the form's names.
    let broken = PostalAddress {
        postcode: "".into(),
        ..new_address()
    };
    match shop.update_address(&before[0].id, &broken).await {
        Err(ShopError::Validation { fields, .. }) => {
            assert!(fields.iter().any(|f| f.field == "postcode"), "{fields:?}")
        }
        other => panic!("{other:?}"),
    }
    let (status, body) = call(
        &setup,
        reqwest::Method::PUT,
        "address",
        Some(&token),
        serde_json::json!({"firstName": "A", "lastName": "B", "address1": "x", "city": "y", "country": "SE"}),
    )
    .await;
    assert_eq!(status, 406, "{body}");
    assert!(body["errors"]["zipCode"].is_string(), "{body}");

    // One address: nothing to add or delete, no other ids.
    assert_eq!(
        shop.create_address(&new_address()).await.err(),
        Some(ShopError::Unsupported(Feature::AddressBook))
    );
    assert_eq!(
        shop.delete_address(&before[0].id).await.err(),
        Some(ShopError::Unsupported(Feature::AddressBook))
    );
    assert!(matches!(
        shop.update_address(&AddressId::from("7"), &new_address())
            .await,
        Err(ShopError::NotFound(_))
    ));
    let with_company = PostalAddress {
        company: Some("Acme AB".into()),
        ..new_address()
    };
    assert!(matches!(
        shop.update_address(&before[0].id, &with_company).await,
        Err(ShopError::Validation { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_details_change_through_address_and_email() {
    let setup = PlatformSetup::new(&CENTRA).await;
    let login = buyer();
    let shop = setup.buyer_shop().await;
    let address_before = shop.addresses().await.unwrap();

    let draft = AccountDraft {
        email: "renamed.buyer@demo.shopterm.example".into(),
        first_name: "Renate".into(),
        last_name: "Käufer".into(),
        phone: Some("+49 30 1234".into()),
        company: None,
        company_id: None,
        vat_id: None,
    };
    let account = shop
        .update_account(&draft)
        .await
        .expect("the account changes");
    assert_eq!(account.email, draft.email);
    assert_eq!(account.first_name, "Renate");
    assert_eq!(account.last_name, "Käufer");
    assert_eq!(account.phone.as_deref(), Some("+49 30 1234"));
    assert_eq!(shop.account().await.unwrap(), account);
    // The address kept its street; the names are the customer's.
    let address_after = shop.addresses().await.unwrap();
    assert_eq!(
        address_after[0].postal.line1,
        address_before[0].postal.line1
    );
    assert_eq!(address_after[0].postal.first_name, "Renate");
    // The new e-mail signs in.
    let signed_in = setup
        .sign_in(&draft.email, &login.password)
        .await
        .expect("the new e-mail signs in");
    assert_eq!(signed_in.account.unwrap().email, draft.email);

    // Another customer's e-mail: the documented 409.
    let taken = AccountDraft {
        email: newcomer().email,
        ..draft.clone()
    };
    assert!(matches!(
        shop.update_account(&taken).await,
        Err(ShopError::Conflict(_))
    ));
    // A company, which Centra's account has no place for: tests/platform_contract.rs.
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_password_changes_and_the_new_one_signs_in() {
    let setup = PlatformSetup::new(&CENTRA).await;
    let login = buyer();
    let shop = setup.buyer_shop().await;
    let new_password = "a-new-Centra-passw0rd";

    let wrong = shop
        .change_password(&PasswordChange {
            current: secret("not-the-password"),
            new: secret(new_password),
        })
        .await;
    match wrong {
        Err(error @ ShopError::Validation { .. }) => {
            let ShopError::Validation { fields, .. } = &error else {
                unreachable!()
            };
            assert_eq!(fields[0].field, "current_password", "{fields:?}");
            assert!(!error.to_string().contains(new_password));
        }
        other => panic!("{other:?}"),
    }
    shop.change_password(&PasswordChange {
        current: secret(&login.password),
        new: secret(new_password),
    })
    .await
    .expect("the password changes");

    let old = setup.sign_in(&login.email, &login.password).await;
    assert!(
        matches!(old, Err(AuthError::WrongCredentials(_))),
        "{:?}",
        old.err()
    );
    let signed_in = setup
        .sign_in(&login.email, new_password)
        .await
        .expect("the new password signs in");
    assert_eq!(signed_in.account.unwrap().email, login.email);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_reset_through_the_outbox_link() {
    let setup = PlatformSetup::new(&CENTRA).await;
    let login = buyer();
    let (account, _) = in_store(&setup, &login.email, &login.password).await;
    // Needs no sign-in: a shop with no stored tokens.
    let shop = shopterm::platforms::centra::CentraShop::new(
        Url::parse(&setup.shop_url()).unwrap(),
        shopterm::net::http_client(None).unwrap(),
        std::sync::Arc::new(shopterm::auth::NoToken),
    );

    let message = shop
        .request_password_reset(&login.email)
        .await
        .expect("the reset e-mail goes out");
    assert!(message.contains(&login.email), "{message}");
    // Centra tells unknown e-mails apart here.
    assert!(matches!(
        shop.request_password_reset("nobody@demo.shopterm.example")
            .await,
        Err(ShopError::Validation { .. })
    ));

    let store = setup.demo.state.store.clone();
    let outbox = tokio::task::spawn_blocking(move || store.outbox().unwrap())
        .await
        .unwrap();
    assert_eq!(outbox.len(), 1, "one mail, none for the unknown e-mail");
    let mail = &outbox[0];
    assert_eq!(mail.to, login.email);
    let link = mail
        .body
        .lines()
        .map(str::trim)
        .find(|line| line.contains("?id="))
        .expect("a link in the mail")
        .to_owned();
    // Centra's form: {frontend}/{linkUri}?id={customer}&i={key}.
    let url = Url::parse(&link).expect("a URL");
    assert!(link.starts_with(&setup.demo.base_url), "{link}");
    let id = url
        .query_pairs()
        .find(|(k, _)| k == "id")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    assert_eq!(id, account.id.as_str(), "the store's customer id");
    assert!(url.query_pairs().any(|(k, v)| k == "i" && v.len() >= 32));

    // Another customer's id with this key does not reset anything.
    let i = url
        .query_pairs()
        .find(|(k, _)| k == "i")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let wrong_id = format!("{}:{i}", id.parse::<i64>().unwrap() + 1);
    match shop
        .reset_password(&PasswordReset {
            key: secret(&wrong_id),
            new_password: secret("reset-Centra-passw0rd"),
        })
        .await
    {
        Err(error @ ShopError::Validation { .. }) => {
            assert!(!error.to_string().contains(&i), "the key is not quoted");
            let ShopError::Validation { fields, .. } = error else {
                unreachable!()
            };
            assert_eq!(fields[0].field, "key");
        }
        other => panic!("{other:?}"),
    }

    let new_password = "reset-Centra-passw0rd";
    shop.reset_password(&PasswordReset {
        key: secret(&link),
        new_password: secret(new_password),
    })
    .await
    .expect("the link resets the password");
    // The key works once.
    assert!(matches!(
        shop.reset_password(&PasswordReset {
            key: secret(&link),
            new_password: secret("another-passw0rd-1"),
        })
        .await,
        Err(ShopError::Validation { .. })
    ));

    let signed_in = setup
        .sign_in(&login.email, new_password)
        .await
        .expect("the reset password signs in");
    assert_eq!(signed_in.account.unwrap().email, login.email);

    // The documented answer to `POST password-reset`: logged in.
    let store = setup.demo.state.store.clone();
    let email = login.email.clone();
    tokio::task::spawn_blocking(move || {
        store
            .send_password_reset_mail(&email, |mail| {
                format!("?id={}&i={}", mail.customer, mail.key)
            })
            .unwrap()
    })
    .await
    .unwrap();
    let store = setup.demo.state.store.clone();
    let last = tokio::task::spawn_blocking(move || store.outbox().unwrap().pop().unwrap())
        .await
        .unwrap();
    let (id, i) = shopterm::platforms::centra::reset_link_parts(&last.body)
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .unwrap();
    let (status, body) = call(
        &setup,
        reqwest::Method::POST,
        "password-reset",
        None,
        serde_json::json!({"newPassword": "third-passw0rd-x", "i": i, "id": id}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["loggedIn"]["email"], login.email.as_str());
    assert!(body["token"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_without_an_address_gets_one() {
    let setup = PlatformSetup::new(&CENTRA).await;
    let login = newcomer();
    setup
        .sign_in(&login.email, &login.password)
        .await
        .expect("the newcomer signs in");
    let connection = connection::connect(&setup.paths, PROFILE, &setup.profile).unwrap();
    let shop = &connection.shop;
    assert_eq!(shop.addresses().await.unwrap(), Vec::new());
    let empty = shop.orders(&PageRequest::first(10)).await.unwrap();
    assert!(empty.items.is_empty() && !empty.has_more);
    assert_eq!(empty.total, Some(0));

    // Names without an address: only the names change, no address appears.
    let mut draft = shop.account().await.unwrap().to_draft();
    draft.first_name = "Nora".into();
    draft.last_name = "Neu".into();
    let account = shop.update_account(&draft).await.expect("the names change");
    assert_eq!(account.display_name(), "Nora Neu");
    assert_eq!(shop.addresses().await.unwrap(), Vec::new());

    // The one address, made by the first change.
    let id = AddressId::from(shopterm::platforms::centra::ADDRESS_ID);
    let made = shop.update_address(&id, &new_address()).await.unwrap();
    assert_eq!(made.postal, new_address());
    assert_eq!(shop.addresses().await.unwrap(), vec![made]);
    let (_, book) = in_store(&setup, &login.email, &login.password).await;
    assert_eq!(book.len(), 1);
    assert_eq!(book[0].postal.line1, "Drottninggatan 12");
}
