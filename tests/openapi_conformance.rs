//! The demo shop conforms to `api/openapi.yaml`, as judged by an independent validator: every
//! operation is driven through Prism's validating proxy (`prism proxy --errors`) by the real
//! Customer API connector (and, for the token and error cases, by plain HTTP requests). Prism
//! answers in place of the server whenever a request or a response violates the description, so
//! each call must come back exactly as expected, and its log must report no violation at all.
//!
//! Needs the npm test peers (`scripts/test` installs them). Loopback only.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use secrecy::SecretString;
use serde_json::Value;
use shopterm::auth::{NoToken, StaticToken, TokenSource};
use shopterm::demo::store::Store;
use shopterm::demo::{DemoConfig, RunningDemo};
use shopterm::model::*;
use shopterm::platforms::customer_api::CustomerApiShop;
use shopterm::platforms::customer_api::wire::ErrorBody;
use shopterm::shop::*;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use support::prism::Prism;
use url::Url;

fn spec() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/api/openapi.yaml"))
}

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

/// The shop's HTTP client, as the app builds it (gzip on, so `Accept-Encoding: gzip` is sent).
fn http() -> reqwest::Client {
    shopterm::net::http_client(None).expect("HTTP client")
}

/// The demo shop with Prism in front of it.
struct Harness {
    demo: RunningDemo,
    prism: Prism,
}

impl Harness {
    async fn start(config: DemoConfig) -> Harness {
        let demo = shopterm::demo::start(config)
            .await
            .expect("demo shop starts");
        let upstream = demo.base_url.clone();
        let prism = tokio::task::spawn_blocking(move || Prism::start(spec(), &upstream))
            .await
            .expect("Prism start task");
        Harness { demo, prism }
    }

    /// A URL on the proxy.
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.prism.base_url)
    }

    /// The connector, talking to the shop through the proxy.
    fn shop(&self, tokens: Arc<dyn TokenSource>) -> CustomerApiShop {
        let base = Url::parse(&self.prism.base_url).expect("proxy URL");
        CustomerApiShop::new(base, http(), tokens)
    }

    fn shop_with_token(&self, token: &str) -> CustomerApiShop {
        self.shop(Arc::new(StaticToken(secret(token))))
    }

    /// The B2B buyer (the first demo account) and its store key.
    fn buyer(&self) -> (shopterm::demo::store::DemoLogin, i64) {
        let login = Store::demo_logins()
            .into_iter()
            .next()
            .expect("a demo login");
        let key = self
            .demo
            .state
            .store
            .verify_password(&login.email, &login.password)
            .expect("store answers")
            .expect("the demo buyer's password is right");
        (login, key)
    }

    /// A personal API credential of `customer`, made in-process (the account page would make
    /// it), exchanged for an access token at the client-credentials endpoint through the proxy.
    async fn client_credentials_token(&self, customer: i64) -> String {
        let (credential, client_secret) = self
            .demo
            .state
            .store
            .create_api_credential(customer, "openapi conformance")
            .expect("API credential");
        let answer = http()
            .post(self.url("/api/customer/oauth/access-token"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", credential.client_id.as_str()),
                ("client_secret", client_secret.as_str()),
                ("scope", "all"),
            ])
            .send()
            .await
            .expect("token request");
        let status = answer.status();
        let body: Value = answer.json().await.expect("JSON token answer");
        assert_eq!(status, 200, "client-credentials token: {body}");
        assert_eq!(body["_type"], "AccessToken", "{body}");
        assert_eq!(body["token_type"], "Bearer", "{body}");
        assert!(body["expires_in"].as_u64().is_some_and(|s| s > 0), "{body}");
        body["access_token"]
            .as_str()
            .filter(|t| !t.is_empty())
            .expect("an access token")
            .to_owned()
    }

    /// Fails with what Prism saw when a step did not succeed: an answer Prism made up because
    /// the server's answer violated the description shows here as a 500 "server error".
    fn ok<T>(&self, step: &str, result: ShopResult<T>) -> T {
        result.unwrap_or_else(|error| {
            // Let the log reader catch up with what Prism printed about this request.
            std::thread::sleep(Duration::from_millis(300));
            let log = self.prism.log_lines();
            panic!(
                "{step}: {error:?}\n(a 500 here is usually Prism refusing an answer that breaks \
                 the description; its problem+json body, which the connector does not show, \
                 names the violation)\nPrism's violations:\n{}\nthe end of Prism's log:\n{}",
                self.prism.violations().join("\n"),
                log[log.len().saturating_sub(20)..].join("\n")
            )
        })
    }

    /// Sends a request and returns its status and JSON body (`Value::Null` for an empty one).
    async fn raw(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let answer = request.send().await.expect("request through the proxy");
        let status = answer.status().as_u16();
        let bytes = answer.bytes().await.expect("answer body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
        };
        (status, body)
    }

    /// Lets Prism's log catch up, then asserts it reports no violation.
    async fn assert_no_violations(&self) {
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.prism.assert_no_violations();
    }
}

/// An error answer in the API's shape, with the expected code and status.
fn assert_error(status: u16, body: &Value, expected_status: u16, expected_error: &str) {
    assert_eq!(status, expected_status, "{body}");
    let parsed: ErrorBody = serde_json::from_value(body.clone())
        .unwrap_or_else(|e| panic!("not an API error body ({e}): {body}"));
    assert_eq!(parsed.error, expected_error, "{body}");
    assert_eq!(parsed.status, expected_status, "{body}");
    assert!(!parsed.error_description.is_empty(), "{body}");
}

/// The fields a refusal (a validation error) names, sorted.
fn refused_fields<T: std::fmt::Debug>(result: ShopResult<T>) -> Vec<String> {
    match result {
        Err(ShopError::Validation { fields, .. }) => {
            let mut names: Vec<String> = fields.into_iter().map(|f| f.field).collect();
            names.sort();
            names
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_conforms_to_the_openapi_description() {
    let h = Harness::start(DemoConfig::ephemeral()).await;
    let (login, customer) = h.buyer();
    let token = h.client_credentials_token(customer).await;
    let shop = h.shop_with_token(&token);

    oauth(&h, &login, customer, &token).await;
    account(&h, &shop, &login).await;
    addresses(&h, &shop).await;
    let numbers = orders(&h, &shop).await;
    let codes = order_details(&h, &shop, &numbers).await;
    products(&h, &shop, &codes).await;
    place_order(&h, &shop, &token, &codes).await;
    token_errors(&h, &token).await;
    passwords(&h, &shop, &login).await;

    h.assert_no_violations().await;
    let forwarded = h.prism.forwarded();
    assert!(
        forwarded >= 80,
        "only {forwarded} requests went through Prism"
    );
    eprintln!("{forwarded} requests validated by Prism");
}

/// The OAuth endpoints: metadata, both token endpoints with their error answers, the browser
/// sign-in's code exchange and refresh, API-credential management, revocation.
async fn oauth(
    h: &Harness,
    login: &shopterm::demo::store::DemoLogin,
    customer: i64,
    cc_token: &str,
) {
    let http = support::demo::http();
    let proxy = h.prism.base_url.as_str();
    let demo = h.demo.base_url.as_str();

    // RFC 8414 metadata names the shop, not the proxy.
    let (status, metadata) = h
        .raw(http.get(h.url("/.well-known/oauth-authorization-server")))
        .await;
    assert_eq!(status, 200, "{metadata}");
    assert_eq!(metadata["issuer"], demo);
    assert_eq!(metadata["token_endpoint"], format!("{demo}/oauth/token"));

    // The Customer API token endpoint's errors, in its own shape.
    let (credential, client_secret) = h
        .demo
        .state
        .store
        .create_api_credential(customer, "token errors")
        .expect("API credential");
    let client_id = credential.client_id.as_str();
    let cc_form = |grant: &'static str, secret: &str, scope: &'static str| {
        vec![
            ("grant_type", grant.to_owned()),
            ("client_id", client_id.to_owned()),
            ("client_secret", secret.to_owned()),
            ("scope", scope.to_owned()),
        ]
    };
    let access_token_url = h.url("/api/customer/oauth/access-token");
    let token_url = h.url("/oauth/token");
    // (grant, secret, scope) at the Customer API's endpoint: its error shape, whose `message`
    // repeats `error_description`; at the standard endpoint: the RFC 6749 error.
    let refusals = [
        (
            &access_token_url,
            "client_credentials",
            "wrong-secret",
            "all",
            401,
            "invalid_client",
        ),
        (
            &access_token_url,
            "client_credentials",
            client_secret.as_str(),
            "admin",
            400,
            "invalid_scope",
        ),
        (
            &access_token_url,
            "password",
            client_secret.as_str(),
            "all",
            400,
            "unsupported_grant_type",
        ),
        (
            &token_url,
            "client_credentials",
            "wrong-secret",
            "all",
            401,
            "invalid_client",
        ),
    ];
    for (url, grant, secret, scope, status, error) in refusals {
        let (got, body) = h
            .raw(http.post(url).form(&cc_form(grant, secret, scope)))
            .await;
        if url == &access_token_url {
            assert_error(got, &body, status, error);
            assert_eq!(body["message"], body["error_description"], "{body}");
        } else {
            assert_eq!(
                (got, body["error"].as_str()),
                (status, Some(error)),
                "{body}"
            );
        }
    }
    let (status, body) = h
        .raw(
            http.post(&access_token_url)
                .header("accept-encoding", "identity")
                .form(&cc_form("client_credentials", &client_secret, "all")),
        )
        .await;
    assert_error(status, &body, 400, "invalid_request");

    // Client credentials at the standard token endpoint: no refresh token.
    let (status, body) = h
        .raw(
            http.post(&token_url)
                .form(&cc_form("client_credentials", &client_secret, "all")),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer", "{body}");
    assert!(body.get("refresh_token").is_none(), "{body}");

    // The browser sign-in: the pages through the proxy; the consent answers a redirect to the
    // app's loopback callback, which the proxy would follow, so that one form goes directly.
    let request = support::oauth::AuthRequest::new();
    let page = support::html::get_page(&http, &request.authorize_url(proxy, &[])).await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.is_html(), "{page:?}");
    let consent = page
        .form()
        .expect("the sign-in form")
        .submit(
            &http,
            proxy,
            &[("email", &login.email), ("password", &login.password)],
            None,
        )
        .await;
    assert_eq!(consent.status, 200, "{consent:?}");
    let redirect = consent
        .form()
        .filter(|form| form.field("ticket").is_some())
        .expect("the consent form")
        .submit(&http, demo, &[], Some(("decision", "Allow")))
        .await;
    let code = support::oauth::code_from_redirect(&redirect, &request).expect("a code");

    let answer = support::oauth::exchange_code(&http, proxy, &request, &code, &[]).await;
    assert_eq!(answer.status(), 200);
    let tokens: support::oauth::TokenResponse = answer.json().await.expect("token answer");
    assert_eq!(tokens.token_type, "Bearer");
    let refresh_token = tokens.refresh_token.clone().expect("a refresh token");

    // 400 invalid_grant: the code again (which also ends what it gave: sign in afresh after).
    let (status, body) = h
        .raw(http.post(h.url("/oauth/token")).form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", request.redirect_uri.as_str()),
            ("client_id", "shopterm"),
            ("code_verifier", request.pkce.verifier.as_str()),
        ]))
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_grant", "{body}");
    let (status, body) = h
        .raw(
            http.post(h.url("/oauth/token"))
                .form(&[("grant_type", "password"), ("client_id", "shopterm")]),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "unsupported_grant_type", "{body}");
    let revoked_by_replay = support::oauth::refresh(&http, proxy, &refresh_token).await;
    assert_eq!(revoked_by_replay.status(), 400);

    // A fresh sign-in (helpers straight to the shop), then refresh through the proxy.
    let tokens = support::oauth::browser_sign_in(demo, &login.email, &login.password).await;
    let answer = support::oauth::refresh(
        &http,
        proxy,
        tokens.refresh_token.as_deref().expect("a refresh token"),
    )
    .await;
    assert_eq!(answer.status(), 200);
    let tokens: support::oauth::TokenResponse = answer.json().await.expect("refreshed tokens");
    let person = tokens.access_token.clone();

    // API credentials: only a signed-in person manages them.
    let credentials = h.url("/api/customer/api-credentials");
    let (status, listed) = h.raw(http.get(&credentials).bearer_auth(&person)).await;
    assert_eq!(status, 200, "{listed}");
    assert!(
        listed
            .as_array()
            .expect("a list")
            .iter()
            .any(|c| c["client_id"] == client_id),
        "{listed}"
    );
    let create = |label: &str| {
        h.raw(
            http.post(&credentials)
                .bearer_auth(&person)
                .json(&serde_json::json!({ "label": label })),
        )
    };
    let (status, created) = create("conformance").await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["label"], "conformance");
    let new_id = created["client_id"].as_str().expect("client_id").to_owned();
    let (status, body) = create("   ").await;
    assert_error(status, &body, 422, "validation_failed");
    let (status, body) = h.raw(http.get(&credentials).bearer_auth(cc_token)).await;
    assert_error(status, &body, 403, "forbidden");
    let one = h.url(&format!("/api/customer/api-credentials/{new_id}"));
    let (status, body) = h.raw(http.delete(&one).bearer_auth(&person)).await;
    assert_eq!(status, 204, "{body}");
    let (status, body) = h.raw(http.delete(&one).bearer_auth(&person)).await;
    assert_error(status, &body, 404, "not_found");

    // Revocation: another client's token is refused; the app's own ends it.
    let (status, body) = h
        .raw(
            http.post(h.url("/oauth/revoke"))
                .form(&[("token", cc_token), ("client_id", "shopterm")]),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_request", "{body}");
    let answer = support::oauth::revoke(&http, proxy, &person, Some("access_token")).await;
    assert_eq!(answer.status(), 200);
    let (status, body) = h.raw(http.get(&credentials).bearer_auth(&person)).await;
    assert_error(status, &body, 401, "invalid_token");
}

async fn account(h: &Harness, shop: &CustomerApiShop, login: &shopterm::demo::store::DemoLogin) {
    let account = h.ok("get account", shop.account().await);
    assert_eq!(account.email, login.email);

    let mut draft = account.to_draft();
    draft.phone = Some("+46 40 123 45 67".into());
    draft.company = None;
    let saved = h.ok("update account", shop.update_account(&draft).await);
    assert_eq!(saved.phone.as_deref(), Some("+46 40 123 45 67"));
    assert_eq!(saved.company, None);
    assert_eq!(saved.id, account.id);

    let mut bad = draft.clone();
    bad.email = "no-at-sign".into();
    bad.phone = Some("call me".into());
    assert_eq!(
        refused_fields(shop.update_account(&bad).await),
        ["email", "phone"]
    );
    // Put the company back, as the other steps expect the seeded account.
    draft.company = account.company.clone();
    h.ok("restore account", shop.update_account(&draft).await);
}

async fn addresses(h: &Harness, shop: &CustomerApiShop) {
    let before = h.ok("list addresses", shop.addresses().await);
    assert!(before.len() >= 2, "the buyer has several addresses");
    let old_shipping = before
        .iter()
        .find(|a| a.default_shipping)
        .expect("a default shipping address")
        .id
        .clone();

    let draft = PostalAddress {
        company: Some("Lind Verkstad AB".into()),
        ..support::demo::malmo_address()
    };
    let created = h.ok("create address", shop.create_address(&draft).await);
    assert_eq!(created.postal, draft);
    assert!(!created.default_shipping && !created.default_billing);

    let mut edited = draft.clone();
    edited.line2 = Some("Lgh 1102".into());
    edited.region = Some("Skåne".into());
    let updated = h.ok(
        "update address",
        shop.update_address(&created.id, &edited).await,
    );
    assert_eq!(updated.postal, edited);

    let book = h.ok(
        "set default shipping",
        shop.set_default_address(&created.id, AddressRole::Shipping)
            .await,
    );
    assert_eq!(book.len(), before.len() + 1);
    let shipping: Vec<_> = book.iter().filter(|a| a.default_shipping).collect();
    assert_eq!(shipping.len(), 1);
    assert_eq!(shipping[0].id, created.id);

    // 409: a default address cannot go while another could take its role.
    let conflict = shop.delete_address(&created.id).await;
    assert!(
        matches!(conflict, Err(ShopError::Conflict(_))),
        "{conflict:?}"
    );
    h.ok(
        "restore default shipping",
        shop.set_default_address(&old_shipping, AddressRole::Shipping)
            .await,
    );
    h.ok("delete address", shop.delete_address(&created.id).await);
    assert_eq!(h.ok("list addresses", shop.addresses().await), before);

    // 404 for an id that is not (or no longer) the customer's, on every id route.
    let gone = shop.delete_address(&created.id).await;
    assert!(matches!(gone, Err(ShopError::NotFound(_))), "{gone:?}");
    let gone = shop.update_address(&created.id, &draft).await;
    assert!(matches!(gone, Err(ShopError::NotFound(_))), "{gone:?}");
    let gone = shop
        .set_default_address(&created.id, AddressRole::Billing)
        .await;
    assert!(matches!(gone, Err(ShopError::NotFound(_))), "{gone:?}");

    // 422 with one entry per bad field.
    let mut bad = draft.clone();
    bad.country = "XX".into();
    bad.first_name = "  ".into();
    assert_eq!(
        refused_fields(shop.create_address(&bad).await),
        ["country", "first_name"]
    );
}

/// Pages through the history with and without filters; returns some order numbers, at least
/// one per status.
async fn orders(h: &Harness, shop: &CustomerApiShop) -> Vec<OrderNumber> {
    let first = h.ok("first page", shop.orders(&PageRequest::first(50)).await);
    let total = first.total.expect("the demo shop tells the total");
    assert_eq!(first.items.len(), 50);
    assert_eq!(first.offset, 0);
    assert!(first.has_more && total > 100, "{total}");

    let second_request = PageRequest::first(50).next(first.items.len());
    let second = h.ok("second page", shop.orders(&second_request).await);
    assert_eq!(second.offset, 50);
    assert!(second.items[0].placed_at <= first.items[49].placed_at);

    // The last page: has_more false.
    let mut last_request = PageRequest::first(200);
    last_request.offset = total - 10;
    let last = h.ok("last page", shop.orders(&last_request).await);
    assert_eq!(last.items.len(), 10);
    assert!(!last.has_more);

    let mut numbers = vec![first.items[0].number.clone()];
    for status in OrderStatus::ALL {
        let mut request = PageRequest::first(5);
        request.filter.status = Some(status);
        let page = h.ok("orders by status", shop.orders(&request).await);
        assert!(page.items.iter().all(|o| o.status == status));
        numbers.extend(page.items.iter().take(2).map(|o| o.number.clone()));
    }

    let wanted = &first.items[7];
    let mut search = PageRequest::first(10);
    search.filter.search = Some(wanted.number.to_string());
    let found = h.ok("search", shop.orders(&search).await);
    assert_eq!(found.items.first().map(|o| &o.number), Some(&wanted.number));

    let mut since = PageRequest::first(100);
    since.filter.since = Some(first.items[20].placed_at.date());
    since.filter.status = Some(first.items[20].status);
    let recent = h.ok("since and status", shop.orders(&since).await);
    assert!(!recent.items.is_empty());
    assert!(
        recent
            .items
            .iter()
            .all(|o| o.placed_at.date() >= first.items[20].placed_at.date())
    );
    numbers
}

/// Reads each order's detail; returns product codes with brands found in their lines.
async fn order_details(
    h: &Harness,
    shop: &CustomerApiShop,
    numbers: &[OrderNumber],
) -> Vec<(ProductCode, String)> {
    let mut codes = Vec::new();
    let mut shipments = 0;
    for number in numbers {
        let detail = h.ok("order detail", shop.order(number).await);
        assert_eq!(&detail.summary.number, number);
        assert!(!detail.lines.is_empty());
        shipments += detail.shipments.len();
        for line in &detail.lines {
            codes.push((line.code.clone(), line.brand.clone()));
        }
    }
    assert!(shipments > 0, "some of the orders have shipments");
    let missing = shop.order(&OrderNumber::from("NO-SUCH-ORDER")).await;
    assert!(
        matches!(missing, Err(ShopError::NotFound(_))),
        "{missing:?}"
    );
    codes
}

async fn products(h: &Harness, shop: &CustomerApiShop, codes: &[(ProductCode, String)]) {
    // A code made by several brands (with one of them out of stock), codes from past orders,
    // and a code that does not exist.
    let mut query = ProductQuery {
        codes: vec!["6204-2RS".into(), "NO-SUCH-CODE".into()],
        brand: None,
    };
    query
        .codes
        .extend(codes.iter().take(40).map(|(code, _)| code.clone()));
    let found = h.ok("products", shop.products(&query).await);
    assert!(found.iter().all(|p| p.code.as_str() != "NO-SUCH-CODE"));
    let bearings: Vec<_> = found
        .iter()
        .filter(|p| p.code.as_str() == "6204-2RS")
        .collect();
    assert!(bearings.len() >= 2, "6204-2RS comes from several brands");
    assert!(
        found
            .iter()
            .any(|p| matches!(p.availability, Availability::InStock { .. }))
    );
    assert!(
        found
            .iter()
            .any(|p| p.availability == Availability::OutOfStock)
    );

    let (code, brand) = &codes[0];
    let narrowed = ProductQuery {
        codes: vec![code.clone()],
        brand: Some(brand.clone()),
    };
    let one = h.ok("product by brand", shop.products(&narrowed).await);
    assert_eq!(one.len(), 1);
    assert_eq!(&one[0].brand, brand);

    // 422: more than 200 codes.
    let too_many = ProductQuery {
        codes: (0..201).map(|i| ProductCode(format!("C{i}"))).collect(),
        brand: None,
    };
    assert_eq!(refused_fields(shop.products(&too_many).await), ["codes"]);
}

async fn place_order(
    h: &Harness,
    shop: &CustomerApiShop,
    token: &str,
    codes: &[(ProductCode, String)],
) {
    let query = ProductQuery {
        codes: codes.iter().map(|(code, _)| code.clone()).collect(),
        brand: None,
    };
    let products = h.ok("products to order", shop.products(&query).await);
    let product = products
        .iter()
        .find(|p| p.availability.can_supply(2))
        .expect("an orderable product");
    let addresses = h.ok("addresses", shop.addresses().await);
    let order = NewOrder {
        idempotency_key: "openapi-conformance-1".into(),
        lines: vec![NewOrderLine {
            code: product.code.clone(),
            brand: Some(product.brand.clone()),
            quantity: 2,
        }],
        shipping_address: Some(addresses[0].id.clone()),
        billing_address: None,
        note: Some("conformance test".into()),
    };
    let placed = h.ok("place order", shop.place_order(&order).await);
    assert!(!placed.replayed);
    assert_eq!(placed.total.currency, product.price.currency);
    let again = h.ok("replay order", shop.place_order(&order).await);
    assert!(again.replayed);
    assert_eq!(again.number, placed.number);
    assert_eq!(again.total, placed.total);

    // The status codes the connector does not show: 200 for a replay, 201 for a new order.
    let client = http();
    let post = |order: &NewOrder| {
        client
            .post(h.url("/api/customer/orders"))
            .bearer_auth(token)
            .json(order)
            .send()
    };
    let replay = post(&order).await.expect("replay request");
    assert_eq!(replay.status(), 200);
    let mut fresh = order.clone();
    fresh.idempotency_key = "openapi-conformance-2".into();
    fresh.shipping_address = None;
    fresh.note = None;
    let created = post(&fresh).await.expect("order request");
    assert_eq!(created.status(), 201);

    let detail = h.ok("placed order detail", shop.order(&placed.number).await);
    assert_eq!(detail.summary.status, OrderStatus::Pending);
    assert_eq!(detail.summary.total, placed.total);

    // 422: an unknown product, a blank idempotency key.
    let mut unknown = order.clone();
    unknown.idempotency_key = "openapi-conformance-3".into();
    unknown.lines[0].code = "NO-SUCH-CODE".into();
    unknown.lines[0].brand = None;
    let refused = refused_fields(shop.place_order(&unknown).await);
    assert!(refused.iter().any(|f| f.contains("code")), "{refused:?}");
    let mut blank = order.clone();
    blank.idempotency_key = " ".into();
    assert_eq!(
        refused_fields(shop.place_order(&blank).await),
        ["idempotency_key"]
    );
}

/// Bad tokens and the gzip rule, through the proxy (and, for a request without any
/// Accept-Encoding, directly: Prism would fill in `Accept-Encoding: *` when forwarding).
async fn token_errors(h: &Harness, token: &str) {
    // 401 invalid_token for an unknown token (RFC 6750 §3.1), as the connector sees it (the
    // session is over) and on the wire.
    let bad = h.shop_with_token("not-a-real-token");
    assert_eq!(bad.account().await, Err(ShopError::SessionExpired));
    assert_eq!(bad.addresses().await, Err(ShopError::SessionExpired));
    let (status, body) = h
        .raw(
            http()
                .get(h.url("/api/customer/orders"))
                .bearer_auth("not-a-real-token"),
        )
        .await;
    assert_error(status, &body, 401, "invalid_token");

    // 400 invalid_request when Accept-Encoding does not offer gzip.
    let plain = reqwest::Client::builder()
        .no_gzip()
        .build()
        .expect("client");
    let (status, body) = h
        .raw(
            plain
                .get(h.url("/api/customer/account"))
                .header("accept-encoding", "identity")
                .bearer_auth(token),
        )
        .await;
    assert_error(status, &body, 400, "invalid_request");
    let (status, body) = h
        .raw(
            plain
                .get(format!("{}/api/customer/account", h.demo.base_url))
                .bearer_auth(token),
        )
        .await;
    assert_error(status, &body, 400, "invalid_request");
}

async fn passwords(h: &Harness, shop: &CustomerApiShop, login: &shopterm::demo::store::DemoLogin) {
    // 422 on current_password, then on new_password; then a change that works.
    let change = |current: &str, new: &str| PasswordChange {
        current: secret(current),
        new: secret(new),
    };
    let wrong = change("not-the-password", "a-new-password-1");
    assert_eq!(
        refused_fields(shop.change_password(&wrong).await),
        ["current_password"]
    );
    let short = change(&login.password, "short");
    assert_eq!(
        refused_fields(shop.change_password(&short).await),
        ["new_password"]
    );
    let right = change(&login.password, "a-new-password-1");
    h.ok("change password", shop.change_password(&right).await);
    let store = &h.demo.state.store;
    assert!(
        store
            .verify_password(&login.email, "a-new-password-1")
            .expect("store")
            .is_some()
    );

    // Forgotten password, without a token: the same answer for a known and an unknown e-mail.
    let anonymous = h.shop(Arc::new(NoToken));
    let message = h.ok(
        "forgotten password",
        anonymous.request_password_reset(&login.email).await,
    );
    let unknown = h.ok(
        "forgotten password, unknown e-mail",
        anonymous
            .request_password_reset("nobody@nowhere.example")
            .await,
    );
    assert_eq!(message, unknown);
    assert_eq!(
        refused_fields(anonymous.request_password_reset("not an e-mail").await),
        ["email"]
    );

    // The mail, from the outbox, through the proxy.
    let (status, mails) = h.raw(http().get(h.url("/demo/outbox"))).await;
    assert_eq!(status, 200, "{mails}");
    let mails: Vec<shopterm::demo::store::Mail> =
        serde_json::from_value(mails).expect("a list of mails");
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.to.eq_ignore_ascii_case(&login.email))
        .expect("a reset mail to the buyer");
    let key = reset_key(&mail.body);

    let reset = PasswordReset {
        key: secret(&key),
        new_password: secret("after-reset-pass"),
    };
    h.ok("reset password", anonymous.reset_password(&reset).await);
    assert!(
        store
            .verify_password(&login.email, "after-reset-pass")
            .expect("store")
            .is_some()
    );
    // A key works once.
    assert_eq!(
        refused_fields(anonymous.reset_password(&reset).await),
        ["key"]
    );
}

/// The one-time key in a reset mail: the `key` parameter of the reset link.
fn reset_key(body: &str) -> String {
    let start = body
        .find("key=")
        .unwrap_or_else(|| panic!("no key= in the reset mail:\n{body}"))
        + "key=".len();
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "-_.~%".contains(*c))
        .collect()
}

/// 401 invalid_token for an expired token, through the proxy: a shop whose tokens live 1 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_401_invalid_token() {
    let mut config = DemoConfig::ephemeral();
    config.token_ttl = Duration::from_secs(1);
    let h = Harness::start(config).await;
    let (_, customer) = h.buyer();
    let token = h.client_credentials_token(customer).await;
    let shop = h.shop_with_token(&token);
    h.ok("fresh token", shop.account().await);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(shop.account().await, Err(ShopError::SessionExpired));
    let (status, body) = h
        .raw(
            http()
                .get(h.url("/api/customer/addresses"))
                .bearer_auth(&token),
        )
        .await;
    assert_error(status, &body, 401, "invalid_token");
    h.assert_no_violations().await;
}

/// The harness catches drift: in front of a fake shop whose answers break the description,
/// Prism replaces them with 500s and logs violations, and an undocumented status code (which
/// `--errors` lets through) still shows in the log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_proxy_catches_answers_that_break_the_description() {
    use axum::http::{HeaderMap, StatusCode};
    use serde_json::json;

    let account = json!({
        "id": "1", "email": "a@b.example", "first_name": "A", "last_name": "B",
        "phone": null, "company": null, "created_at": null,
    });
    let product = json!({
        "code": "X", "brand": "B", "name": "N",
        "price": {"amount": "12.50", "currency": "EUR"},
        "availability": {"state": "in_stock", "quantity": 3},
    });
    let mut extra_member = account.clone();
    extra_member["nickname"] = json!("drift");
    let mut missing_member = account.clone();
    missing_member
        .as_object_mut()
        .expect("object")
        .remove("company");
    let mut money_as_number = product.clone();
    money_as_number["price"]["amount"] = json!(12.5);
    let mut unknown_state = product.clone();
    unknown_state["availability"] = json!({"state": "backordered"});
    let mut wrong_error_code = json!({
        "error": "not_found", "error_description": "x", "status": 404,
    });
    wrong_error_code["error"] = json!("gone");
    // What the fake shop answers, by the x-case header of the request.
    let answers: Arc<Vec<(&str, StatusCode, Value)>> = Arc::new(vec![
        ("extra member", StatusCode::OK, extra_member),
        ("missing member", StatusCode::OK, missing_member),
        ("money as number", StatusCode::OK, json!([money_as_number])),
        ("unknown state", StatusCode::OK, json!([unknown_state])),
        ("wrong error code", StatusCode::NOT_FOUND, wrong_error_code),
        ("undocumented status", StatusCode::IM_A_TEAPOT, json!({})),
    ]);
    let fake = axum::Router::new().fallback({
        let answers = answers.clone();
        move |headers: HeaderMap| {
            let answers = answers.clone();
            async move {
                let case = headers.get("x-case").and_then(|v| v.to_str().ok());
                let (_, status, body) = answers
                    .iter()
                    .find(|(name, _, _)| Some(*name) == case)
                    .cloned()
                    .expect("a known case");
                (status, axum::Json(body))
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let upstream = format!("http://{}", listener.local_addr().expect("address"));
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, fake).await;
    });
    let prism = tokio::task::spawn_blocking(move || Prism::start(spec(), &upstream))
        .await
        .expect("Prism start task");

    let client = http();
    // Every case is a read; what differs is the answer.
    let requests = [
        ("extra member", "/api/customer/account"),
        ("missing member", "/api/customer/account"),
        ("money as number", "/api/customer/products?codes=X"),
        ("unknown state", "/api/customer/products?codes=X"),
        ("wrong error code", "/api/customer/orders/X"),
    ];
    for (case, path) in &requests {
        let answer = client
            .get(format!("{}{path}", prism.base_url))
            .header("x-case", *case)
            .bearer_auth("t")
            .send()
            .await
            .expect("request");
        let status = answer.status();
        let body: Value = answer.json().await.expect("problem JSON");
        assert_eq!(status, 500, "{case}: {body}");
        assert_eq!(
            body["type"], "https://stoplight.io/prism/errors#VIOLATIONS",
            "{case}: {body}"
        );
    }
    let teapot = client
        .delete(format!("{}/api/customer/addresses/7", prism.base_url))
        .header("x-case", "undocumented status")
        .bearer_auth("t")
        .send()
        .await
        .expect("request");
    assert_eq!(
        teapot.status(),
        418,
        "an undocumented status passes through"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let violations = prism.violations();
    assert!(
        violations
            .iter()
            .any(|l| l.contains("Unable to match the returned status code")),
        "{violations:#?}"
    );
    assert!(violations.len() > requests.len(), "{violations:#?}");
    server.abort();
}
