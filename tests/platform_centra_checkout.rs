//! Quick order and reorder on Centra, over real loopback HTTP against the demo's emulator: products
//! by code with the buyer's price and stock, the order's lines brought into the selection, the
//! payment step answering the shop's payment page, and the order placed by the shop only once that
//! page is paid — then in the history. Also: what the selection held before is kept (and named) or
//! emptied first as asked; a repeated send changes nothing in the selection; a connection cut after
//! the shop answered the payment step leaves exactly one order once paid.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use shopterm::auth::StaticToken;
use shopterm::connection;
use shopterm::model::*;
use shopterm::reorder::Draft;
use shopterm::shop::{Feature, SendOptions, ShopError};
use std::sync::Arc;
use support::platform::{CENTRA, PlatformSetup, quick_order, secret};
use support::proxy::{Kill, KillingProxy};
use support::sandbox::Sandbox;

async fn order_count(setup: &PlatformSetup) -> u64 {
    setup
        .with_buyer_in_store(|s, key| Ok(s.orders(key, &PageRequest::first(1))?.total))
        .await
        .unwrap_or(0)
}

/// The selection's lines as `GET selection` answers them: SKU and quantity.
async fn selection_lines(setup: &PlatformSetup) -> Vec<(String, u64)> {
    let response = setup
        .http
        .get(format!("{}/selection", setup.shop_url()))
        .header("API-Token", setup.access_token())
        .send()
        .await
        .expect("GET selection");
    let body: serde_json::Value = response.json().await.expect("JSON");
    body["selection"]["items"]
        .as_array()
        .expect("selection items")
        .iter()
        .map(|line| {
            (
                line["sku"].as_str().unwrap_or_default().to_owned(),
                line["quantity"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

/// The number of the buyer's newest order, as the store has it.
async fn newest_number(setup: &PlatformSetup) -> OrderNumber {
    setup
        .with_buyer_in_store(|s, key| {
            Ok(s.orders(key, &PageRequest::first(1))?.items[0]
                .number
                .clone())
        })
        .await
}

/// A sandbox whose `shopterm` is signed in to the setup's Centra as the buyer.
async fn signed_in_cli(setup: &PlatformSetup) -> Sandbox {
    let sandbox = Sandbox::new();
    let login = support::demo::buyer();
    sandbox
        .password_login(&setup.shop_url(), "centra", &login.email, &login.password)
        .await
        .assert_signed_in(&setup.demo.base_url, &login.email);
    sandbox
}

fn awaiting(outcome: OrderOutcome) -> PaymentPage {
    match outcome {
        OrderOutcome::AwaitingPayment(page) => page,
        other => panic!("the shop places the order after payment: {other:?}"),
    }
}

/// Opens the payment page as the customer's browser would; answers its status and text.
async fn pay(setup: &PlatformSetup, page: &PaymentPage) -> (u16, String) {
    let response = setup
        .http
        .get(&page.url)
        .send()
        .await
        .expect("payment page");
    let status = response.status().as_u16();
    (status, response.text().await.expect("page text"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quick_order_goes_through_the_selection_to_the_payment_page() {
    let setup = PlatformSetup::new(&CENTRA).await;
    let products = setup.stocked_products().await;
    let [(first, _), (second, _), _] = &products[..] else {
        panic!("three products");
    };
    let shop = setup.buyer_shop().await;
    for feature in [
        Feature::ProductLookup,
        Feature::PlaceOrder,
        Feature::ShopCart,
        Feature::PaymentPage,
    ] {
        assert!(shop.capabilities().supports(feature), "{feature:?}");
    }
    assert!(!shop.capabilities().supports(Feature::IdempotentOrders));

    setup.check_product_lookup(shop.as_ref(), &products).await;

    let before = order_count(&setup).await;
    let order = quick_order("unused-by-centra", &[(first, 2), (second, 1)], None);
    let page = awaiting(
        shop.send_order(None, &order, &SendOptions::default())
            .await
            .expect("the payment step"),
    );
    assert!(page.url.starts_with(&setup.demo.base_url), "{}", page.url);
    assert!(page.kept_lines.is_empty(), "{:?}", page.kept_lines);
    let quoted = setup
        .with_buyer_in_store({
            let order = order.clone();
            move |s, key| s.quote_order(key, &order)
        })
        .await;
    assert_eq!(page.total, quoted, "the shop's total, shipping included");
    assert_eq!(
        selection_lines(&setup).await,
        [(first.clone(), 2), (second.clone(), 1)]
    );
    assert_eq!(order_count(&setup).await, before, "no order before payment");

    let (status, text) = pay(&setup, &page).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(order_count(&setup).await, before + 1, "the shop placed it");
    assert!(
        selection_lines(&setup).await.is_empty(),
        "the selection is spent"
    );
    let history = shop.orders(&PageRequest::first(1)).await.expect("history");
    let newest = shop.order(&history.items[0].number).await.expect("detail");
    let lines: Vec<(String, u32)> = newest
        .lines
        .iter()
        .map(|l| (l.code.to_string(), l.quantity))
        .collect();
    assert_eq!(lines, [(first.clone(), 2), (second.clone(), 1)]);
    assert_eq!(newest.summary.total, page.total);
    assert!(text.contains(newest.summary.number.as_str()), "{text}");

    // The page opened again: the same order, no second one.
    let (status, text) = pay(&setup, &page).await;
    assert_eq!(status, 200);
    assert!(text.contains("paid already"), "{text}");
    assert_eq!(order_count(&setup).await, before + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_selection_held_is_kept_and_named_or_emptied_first() {
    let setup = PlatformSetup::new(&CENTRA).await;
    let products = setup.stocked_products().await;
    let shop = setup.buyer_shop().await;
    let (first, second) = (&products[0].0, &products[1].0);

    // Something already in the selection (put there on the shop's website, say).
    let found = shop
        .products(&ProductQuery {
            codes: vec![ProductCode(second.clone())],
            brand: None,
        })
        .await
        .expect("lookup");
    assert_eq!(found.len(), 1);
    let earlier = quick_order("k", &[(second, 3)], None);
    awaiting(
        shop.send_order(None, &earlier, &SendOptions::default())
            .await
            .expect("first send"),
    );

    let order = quick_order("k2", &[(first, 1)], None);
    let kept = awaiting(
        shop.send_order(None, &order, &SendOptions::default())
            .await
            .expect("send keeping the selection"),
    );
    assert_eq!(kept.kept_lines, [(ProductCode(second.clone()), 3)]);
    assert_eq!(
        selection_lines(&setup).await,
        [(second.clone(), 3), (first.clone(), 1)]
    );

    let emptied = awaiting(
        shop.send_order(
            None,
            &order,
            &SendOptions {
                empty_cart_first: true,
            },
        )
        .await
        .expect("send emptying the selection first"),
    );
    assert!(emptied.kept_lines.is_empty());
    assert_eq!(selection_lines(&setup).await, [(first.clone(), 1)]);
    assert!(
        emptied.total.amount < kept.total.amount,
        "{emptied:?} {kept:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reorder_through_a_draft_sends_the_past_lines_again() {
    let setup = PlatformSetup::new(&CENTRA).await;
    setup.stocked_products().await;
    let shop = setup.buyer_shop().await;
    let history = shop.orders(&PageRequest::first(5)).await.expect("history");
    let detail = shop.order(&history.items[0].number).await.expect("detail");
    let mut draft = Draft::from_order(&detail);
    draft.resolve(shop.as_ref()).await.expect("resolved");
    let wanted: Vec<(String, u64)> = draft
        .to_new_order()
        .lines
        .iter()
        .map(|l| (l.code.to_string(), u64::from(l.quantity)))
        .collect();
    assert!(!wanted.is_empty(), "{draft:?}");
    let before = order_count(&setup).await;
    let page = awaiting(draft.submit(shop.as_ref()).await.expect("submitted"));
    assert_eq!(selection_lines(&setup).await, wanted);
    // `send` is for shops that place orders at once: here it names the page instead.
    match draft.send(shop.as_ref()).await {
        Err(ShopError::Conflict(message)) => assert!(message.contains("paid at"), "{message}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        selection_lines(&setup).await,
        wanted,
        "resending changes nothing"
    );
    assert_eq!(pay(&setup, &page).await.0, 200);
    assert_eq!(order_count(&setup).await, before + 1);
}

/// The connection breaks after the shop answered `POST payment`: the client hears nothing, and
/// no order exists yet. Sent again, the selection holds the same lines (not twice as many) and
/// the shop answers a payment page again; paid — even both pages — that is exactly one order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_after_the_payment_step_leaves_exactly_one_order() {
    let setup = PlatformSetup::new(&CENTRA).await;
    let products = setup.stocked_products().await;
    let direct = setup.buyer_shop().await;
    let proxy = KillingProxy::start_for(
        setup.demo.addr,
        b"POST /centra/api/checkout/payment ",
        Kill::AfterResponse,
        1,
    )
    .await;
    let mut profile = setup.profile.clone();
    profile.shop_url =
        url::Url::parse(&format!("{}/centra/api/checkout", proxy.base_url)).expect("URL");
    let through_proxy = connection::make_shop(
        &profile,
        &setup.http,
        Arc::new(StaticToken(secret(&setup.access_token()))),
    )
    .expect("connector");

    let before = order_count(&setup).await;
    let order = quick_order("k", &[(&products[0].0, 2), (&products[1].0, 1)], None);
    let first = through_proxy
        .send_order(None, &order, &SendOptions::default())
        .await;
    assert!(matches!(first, Err(ShopError::Network(_))), "{first:?}");
    assert_eq!(proxy.broken(), 1);
    assert_eq!(
        order_count(&setup).await,
        before,
        "nothing is placed unpaid"
    );
    let lines = selection_lines(&setup).await;

    let page = awaiting(
        through_proxy
            .send_order(None, &order, &SendOptions::default())
            .await
            .expect("sent again"),
    );
    assert_eq!(selection_lines(&setup).await, lines, "the same lines, once");
    let again = awaiting(
        direct
            .send_order(None, &order, &SendOptions::default())
            .await
            .expect("and once more"),
    );
    assert_eq!(pay(&setup, &page).await.0, 200);
    let (_, text) = pay(&setup, &again).await;
    assert!(text.contains("paid already"), "{text}");
    assert_eq!(order_count(&setup).await, before + 1, "exactly one order");
}

/// `shopterm reorder NUMBER --yes` on Centra: the review, then the payment page's address and a
/// line saying the shop places the order once paid, exit 0; paid, the order is in `orders`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_reorders_up_to_the_payment_page() {
    let setup = PlatformSetup::new(&CENTRA).await;
    setup.stocked_products().await;
    let sandbox = signed_in_cli(&setup).await;
    let newest = newest_number(&setup).await;
    let before = order_count(&setup).await;

    let sent = sandbox
        .run(&["reorder", newest.as_str(), "--yes", "--empty-cart"])
        .await;
    sent.assert_ok();
    sent.assert_stdout_has("The shop's cart is emptied first.");
    sent.assert_stdout_has("Awaiting payment: pay");
    sent.assert_stdout_has("The shop places the order once it is paid");
    let url = sent
        .stdout
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with(&setup.demo.base_url))
        .unwrap_or_else(|| panic!("the payment page's address: {}", sent.stdout))
        .to_owned();
    assert_eq!(
        order_count(&setup).await,
        before,
        "not placed before payment"
    );

    let json = sandbox
        .run(&["reorder", newest.as_str(), "--yes", "--json"])
        .await;
    json.assert_ok();
    let report: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(report["result"], "awaiting_payment");
    assert!(
        report["payment"]["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("http"))
    );
    assert_eq!(
        report["payment"]["kept_lines"],
        serde_json::json!([]),
        "the same lines, once"
    );

    let paid = setup.http.get(&url).send().await.expect("payment page");
    assert_eq!(paid.status().as_u16(), 200);
    assert_eq!(order_count(&setup).await, before + 1);
    let orders = sandbox.run(&["orders"]).await;
    orders.assert_ok();
    let placed = newest_number(&setup).await;
    orders.assert_stdout_has(placed.as_str());
}

/// What the shop refuses is said by field, in Centra's shape: a sold-out item at `POST items`
/// (406 `item: out of stock`), a code the catalogue lacks before anything is sent, and a
/// customer without an address at `POST payment` (406 with the address's fields).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_name_the_line_or_the_address_field() {
    let setup = PlatformSetup::new(&CENTRA).await;
    let products = setup.stocked_products().await;
    let shop = setup.buyer_shop().await;
    let sold_out = quick_order("k", &[(&products[2].0, 1)], None);
    match shop
        .send_order(None, &sold_out, &SendOptions::default())
        .await
    {
        Err(ShopError::Validation { fields, .. }) => {
            assert_eq!(fields[0].field, "item");
            assert_eq!(fields[0].message, "out of stock");
        }
        other => panic!("{other:?}"),
    }
    let unknown = quick_order("k", &[("NO-SUCH-PRODUCT", 1)], None);
    match shop
        .send_order(None, &unknown, &SendOptions::default())
        .await
    {
        Err(ShopError::Validation { fields, .. }) => {
            assert_eq!(fields[0].field, "lines[0].code", "{fields:?}")
        }
        other => panic!("{other:?}"),
    }
    assert!(selection_lines(&setup).await.is_empty(), "nothing went in");

    let newcomer = support::demo::newcomer();
    setup
        .sign_in(&newcomer.email, &newcomer.password)
        .await
        .expect("the newcomer signs in");
    let shop = setup.connect();
    let order = quick_order("k", &[(&products[0].0, 1)], None);
    match shop.send_order(None, &order, &SendOptions::default()).await {
        Err(ShopError::Validation { fields, .. }) => {
            let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
            assert!(named.contains(&"address.address1"), "{named:?}");
            assert!(named.contains(&"address.zipCode"), "{named:?}");
        }
        other => panic!("a customer without an address cannot pay: {other:?}"),
    }
}

/// What a send costs at the shop, counted at a proxy: two new lines (2 pieces and 1) are two
/// `GET selection` (the login's address, then the selection), a `POST products` per line, a
/// `POST items` per line, one `POST lines/…/quantity/1` for the second piece, and `POST
/// payment`; sent again, nothing in the selection changes (no item or line call at all).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_costs_one_call_per_change_and_a_resend_changes_nothing() {
    let setup = PlatformSetup::new(&CENTRA).await;
    let products = setup.stocked_products().await;
    setup.sign_in_buyer().await;
    let proxy = support::proxy::FaultProxy::start(setup.demo.addr).await;
    let mut profile = setup.profile.clone();
    profile.shop_url =
        url::Url::parse(&format!("{}/centra/api/checkout", proxy.base_url)).expect("URL");
    let shop = connection::make_shop(
        &profile,
        &setup.http,
        Arc::new(StaticToken(secret(&setup.access_token()))),
    )
    .expect("connector");
    let order = quick_order("k", &[(&products[0].0, 2), (&products[1].0, 1)], None);
    let calls = || -> Vec<String> {
        proxy
            .seen("/centra/api/checkout/")
            .iter()
            .map(|seen| {
                let path = seen.path.trim_start_matches("/centra/api/checkout/");
                let kind = path.split('/').next().unwrap_or_default();
                let kind = if path.ends_with("/quantity/1") {
                    "lines/…/quantity/1"
                } else {
                    kind
                };
                format!("{} {kind}", seen.method)
            })
            .collect()
    };

    awaiting(
        shop.send_order(None, &order, &SendOptions::default())
            .await
            .expect("sent"),
    );
    let first = calls();
    assert_eq!(
        first,
        [
            "GET selection",
            "GET selection",
            "POST products",
            "POST products",
            "POST items",
            "POST lines/…/quantity/1",
            "POST items",
            "POST payment",
        ],
        "{first:?}"
    );
    awaiting(
        shop.send_order(None, &order, &SendOptions::default())
            .await
            .expect("sent again"),
    );
    let again = calls()[first.len()..].to_vec();
    assert_eq!(
        again,
        [
            "GET selection",
            "GET selection",
            "POST products",
            "POST products",
            "POST payment",
        ],
        "{again:?}"
    );
}

/// What tests/support/pay_form.py (the scripted payer) did with `form`: its log's events.
fn pay_with_form(form: &std::path::Path, log: &std::path::Path) -> Vec<serde_json::Value> {
    let payer = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/pay_form.py");
    let status = std::process::Command::new("python3")
        .arg(&payer)
        .arg(url::Url::from_file_path(form).expect("absolute").as_str())
        .env("SHOPTERM_TEST_PAY_LOG", log)
        .status()
        .expect("python3 runs the payer");
    assert!(status.success(), "the payer: {status}");
    std::fs::read_to_string(log)
        .expect("the payer's log")
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

/// A shop whose payment step answers a form for its payment provider (`action: form`, the
/// demo's `--centra-payment-form`): the connector hands the form over without showing it, the
/// CLI saves it to a 0600 file in the runtime directory and prints only its path; a browser
/// submitting that form pays, and the shop's order is then in the history.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_form_is_saved_privately_and_paying_it_places_the_order() {
    let demo = shopterm::demo::start(shopterm::demo::DemoConfig {
        centra_payment_form: true,
        ..shopterm::demo::DemoConfig::ephemeral()
    })
    .await
    .expect("the demo shop starts");
    let setup = PlatformSetup::sharing(&Arc::new(demo), &CENTRA);
    let products = setup.stocked_products().await;
    let (first, _) = &products[0];
    let shop = setup.buyer_shop().await;
    let order = quick_order("unused-by-centra", &[(first, 1)], None);
    let page = awaiting(
        shop.send_order(None, &order, &SendOptions::default())
            .await
            .expect("the payment step"),
    );
    let form = page.form_html.as_deref().expect("the shop's form");
    assert!(
        form.contains("<form") && form.contains("/payment-form"),
        "{form}"
    );
    assert!(page.url.is_empty() && page.form_file.is_none(), "{page:?}");

    let sandbox = signed_in_cli(&setup).await;
    let newest = newest_number(&setup).await;
    let before = order_count(&setup).await;
    let sent = sandbox
        .run(&["reorder", newest.as_str(), "--yes", "--empty-cart"])
        .await;
    sent.assert_ok();
    sent.assert_stdout_has("with the shop's payment form: open this file in your browser:");
    assert!(
        !sent.all_output().contains("<form"),
        "{}",
        sent.all_output()
    );
    let run_dir = std::fs::canonicalize(sandbox.path("run")).expect("the runtime directory");
    let saved = sent
        .stdout
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with(run_dir.to_str().unwrap()))
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| panic!("the form's path: {}", sent.stdout));
    assert_eq!(support::sandbox::mode_of(&saved), 0o600);
    assert_eq!(support::sandbox::mode_of(&run_dir), 0o700);
    assert!(
        std::fs::read_to_string(&saved)
            .unwrap()
            .contains("/payment-form")
    );
    assert_eq!(
        order_count(&setup).await,
        before,
        "not placed before payment"
    );

    let json = sandbox
        .run(&["reorder", newest.as_str(), "--yes", "--json"])
        .await;
    json.assert_ok();
    let report: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(report["result"], "awaiting_payment");
    let again = report["payment"]["form_file"].as_str().expect("form_file");
    assert_ne!(again, saved.to_str().unwrap(), "a file per send");
    assert_eq!(
        report["payment"]["url"].as_str(),
        Some(url::Url::from_file_path(again).unwrap().as_str())
    );
    assert!(!json.stdout.contains("<form"), "{}", json.stdout);

    let events = pay_with_form(&saved, &sandbox.path("pay.log"));
    let paid = events
        .iter()
        .find(|e| e["event"] == "paid")
        .unwrap_or_else(|| panic!("paid: {events:?}"));
    assert_eq!(paid["status"], 200, "{paid}");
    assert!(
        paid["page"].as_str().unwrap().contains("is placed"),
        "{paid}"
    );
    assert_eq!(order_count(&setup).await, before + 1, "the shop placed it");
    let placed = newest_number(&setup).await;
    assert!(
        paid["page"].as_str().unwrap().contains(placed.as_str()),
        "{paid}"
    );
    sandbox
        .run(&["orders"])
        .await
        .assert_stdout_has(placed.as_str());
}
