//! Spryker's repeat orders against the demo shop's Glue emulator, over real HTTP on loopback:
//! product lookup by SKU (prices and availability included), a quick order through a cart and
//! Glue's checkout with a price change and an out-of-stock line, a reorder through Glue's own
//! `POST /cart-reorder`, refusals as field errors, and a connection cut after the shop answered
//! the checkout (sent again: exactly one order). Every new call goes through Prism with the B2C
//! Glue specification; `cart-reorder` is in neither demo-shop specification and is added to the
//! copy Prism reads from the module's own annotation (and checked in the emulator's unit tests).

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use shopterm::model::*;
use shopterm::reorder::{Blocker, Draft, parse_quick_order};
use shopterm::shop::{Shop, ShopError};
use std::path::Path;
use support::platform::{PlatformSetup, SPRYKER, field_names};
use support::proxy::{FaultProxy, Kill, KillingProxy};

/// A recent EUR order of the buyer with at least `lines` lines, each of a product sold today
/// under a code no other brand uses (a Glue SKU is unique).
async fn recent_order(setup: &PlatformSetup, lines: usize) -> OrderDetail {
    setup
        .with_buyer_in_store(move |store, customer| {
            let recent = store.orders(customer, &PageRequest::first(60))?;
            for summary in &recent.items {
                let detail = store.order(customer, &summary.number)?;
                if detail.lines.len() < lines || detail.summary.total.currency != Currency::EUR {
                    continue;
                }
                let mut sellable = true;
                for line in &detail.lines {
                    let query = ProductQuery {
                        codes: vec![line.code.clone()],
                        brand: None,
                    };
                    let found = store.products(customer, &query)?;
                    sellable &= found.len() == 1
                        && found[0].availability.can_supply(line.quantity + 5)
                        && detail.lines.iter().filter(|l| l.code == line.code).count() == 1;
                }
                if sellable {
                    return Ok(detail);
                }
            }
            panic!("no recent EUR order with {lines} sellable lines");
        })
        .await
}

/// Raises the product's price by 2.50 (and gives it stock), or takes its stock.
async fn change_shop(setup: &PlatformSetup, raise: &OrderLine, run_out: &OrderLine) -> Money {
    let raised = Money::new(
        raise.unit_price.amount + rust_decimal::Decimal::new(250, 2),
        raise.unit_price.currency,
    );
    let (raise, run_out) = (raise.clone(), run_out.clone());
    setup
        .in_store(move |store| {
            store.set_product(&raise.code, &raise.brand, Some(raised), Some(500))?;
            store.set_product(&run_out.code, &run_out.brand, None, Some(0))
        })
        .await
        .expect("the shop changes");
    raised
}

async fn newest_order(shop: &dyn Shop) -> OrderSummary {
    let page = shop.orders(&PageRequest::first(3)).await.expect("history");
    page.items.into_iter().next().expect("an order")
}

async fn history_size(setup: &PlatformSetup) -> u64 {
    setup
        .with_buyer_in_store(|store, customer| {
            Ok(store
                .orders(customer, &PageRequest::first(1))?
                .total
                .unwrap_or(0))
        })
        .await
}

fn skus_and_quantities(order: &OrderDetail) -> Vec<(&str, u32)> {
    order
        .lines
        .iter()
        .map(|l| (l.code.as_str(), l.quantity))
        .collect()
}

/// An order of one piece of each SKU (no brand: Glue's SKUs are unique), to the defaults.
fn one_of_each(key: &str, skus: &[&str]) -> NewOrder {
    NewOrder {
        idempotency_key: key.into(),
        lines: skus
            .iter()
            .map(|sku| NewOrderLine {
                code: ProductCode::from(*sku),
                brand: None,
                quantity: 1,
            })
            .collect(),
        shipping_address: None,
        billing_address: None,
        note: None,
    }
}

/// Three pasted lines: one dearer today, one out of stock, one as it was.
fn three_lines(order: &OrderDetail) -> String {
    let [first, second, third] = [&order.lines[0], &order.lines[1], &order.lines[2]];
    format!(
        "sku;qty\n{} 2\n{}\t1\n{},3\n",
        first.code, second.code, third.code
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_order_through_a_glue_cart_with_a_price_change_and_an_out_of_stock_line() {
    let setup = PlatformSetup::new(&SPRYKER).await;
    let shop = setup.buyer_shop().await;
    let past = recent_order(&setup, 3).await;
    let raised = change_shop(&setup, &past.lines[0], &past.lines[1]).await;
    let before = history_size(&setup).await;

    let (lines, errors) = parse_quick_order(&three_lines(&past));
    assert!(errors.is_empty(), "{errors:?}");
    let mut draft = Draft::from_quick_lines(&lines);
    draft
        .resolve(&*shop)
        .await
        .expect("the lines are looked up");
    let found = draft.lines[0].product().expect("the first SKU is found");
    assert_eq!(found.price, raised, "today's price");
    assert!(!found.name.is_empty());
    assert_eq!(draft.lines[1].blocker(), Some(Blocker::OutOfStock));
    assert_eq!(draft.lines[2].blocker(), None);
    assert_eq!(draft.totals().blocked_lines, 1);

    let placed = draft.send(&*shop).await.expect("the quick order is placed");
    assert!(!placed.replayed);
    assert_eq!(history_size(&setup).await, before + 1);
    let newest = newest_order(&*shop).await;
    assert_eq!(
        newest.number, placed.number,
        "the new order tops the history"
    );
    assert_eq!(newest.total, placed.total);
    let detail = shop.order(&placed.number).await.unwrap();
    let sent = skus_and_quantities(&detail);
    assert_eq!(
        sent,
        [
            (past.lines[0].code.as_str(), 2),
            (past.lines[2].code.as_str(), 3)
        ],
        "the out-of-stock line is left out"
    );
    assert_eq!(detail.lines[0].unit_price, raised);
    // Shipped to the default shipping address of the book.
    let book = shop.addresses().await.unwrap();
    let default = book.iter().find(|a| a.default_shipping).unwrap();
    assert_eq!(
        detail.shipping_address.as_ref().map(|a| &a.line1),
        Some(&default.postal.line1)
    );

    // A SKU the shop does not have is simply absent; one line the cart refuses names its line.
    let unknown = ProductQuery {
        codes: vec![ProductCode::from("NO-SUCH-SKU-1")],
        brand: None,
    };
    assert!(shop.products(&unknown).await.unwrap().is_empty());
    let skus = [
        past.lines[2].code.as_str(),
        past.lines[1].code.as_str(),
        "NO-SUCH-SKU-1",
    ];
    let refused = shop
        .place_order(&one_of_each("refused-1", &skus))
        .await
        .unwrap_err();
    assert_eq!(
        field_names(&refused),
        ["lines[1].quantity", "lines[2].code"],
        "{refused:?}"
    );
    assert_eq!(
        history_size(&setup).await,
        before + 1,
        "nothing more ordered"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reorder_goes_through_cart_reorder_with_todays_prices_and_lines_left_out() {
    let base = PlatformSetup::new(&SPRYKER).await;
    let proxy = FaultProxy::start(base.demo.addr).await;
    let setup = base.through(&format!("{}/spryker", proxy.base_url));
    let shop = setup.buyer_shop().await;
    let past = recent_order(&setup, 3).await;
    let raised = change_shop(&setup, &past.lines[0], &past.lines[1]).await;

    let detail = shop.order(&past.summary.number).await.unwrap();
    let mut draft = Draft::from_order(&detail);
    draft.resolve(&*shop).await.unwrap();
    assert!(
        draft.lines[0].price_changed(),
        "the review shows today's price"
    );
    assert_eq!(draft.lines[0].product().map(|p| p.price), Some(raised));
    assert_eq!(draft.lines[1].blocker(), Some(Blocker::OutOfStock));
    // The user orders one more of the third line than last time.
    draft.lines[2].quantity += 1;
    let placed = draft.send(&*shop).await.expect("the reorder is placed");

    let reorders = proxy.seen("/spryker/cart-reorder");
    assert_eq!(reorders.len(), 1, "Glue's own reorder made the cart");
    assert!(
        proxy
            .seen("/spryker/carts")
            .iter()
            .all(|s| !(s.method == "POST" && s.path == "/spryker/carts")),
        "no cart of its own: {:?}",
        proxy.seen("/spryker/carts")
    );
    assert!(
        proxy
            .seen("/spryker/carts/")
            .iter()
            .any(|s| s.method == "PATCH"),
        "the changed quantity was set in the cart"
    );
    let sent = shop.order(&placed.number).await.unwrap();
    let lines = skus_and_quantities(&sent);
    let mut expected = vec![
        (past.lines[0].code.as_str(), past.lines[0].quantity),
        (past.lines[2].code.as_str(), past.lines[2].quantity + 1),
    ];
    for line in &past.lines[3..] {
        expected.push((line.code.as_str(), line.quantity));
    }
    let mut lines_sorted = lines.clone();
    lines_sorted.sort();
    expected.sort();
    assert_eq!(lines_sorted, expected, "the out-of-stock line is left out");
    assert_eq!(newest_order(&*shop).await.number, placed.number);

    // Glue's refusal of an order that is not the customer's names the reorder's source.
    let mut stranger = draft.clone();
    stranger.idempotency_key = "stranger-1".into();
    stranger.source = Some(OrderNumber::from("SO-NOT-MINE"));
    let refused = stranger.send(&*shop).await.unwrap_err();
    assert_eq!(field_names(&refused), ["source"], "{refused:?}");
}

/// The checkout's answer is lost after the shop placed the order; the same draft sent again
/// finds the order instead of placing a second one. With the request lost before the shop, the
/// second send checks out the same cart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkout_cut_after_the_shop_answered_leaves_exactly_one_order() {
    for kill in [Kill::AfterResponse, Kill::BeforeRequest] {
        let base = PlatformSetup::new(&SPRYKER).await;
        let proxy =
            KillingProxy::start_for(base.demo.addr, b"POST /spryker/checkout ", kill, 1).await;
        let setup = base.through(&format!("{}/spryker", proxy.base_url));
        let shop = setup.buyer_shop().await;
        let past = recent_order(&setup, 2).await;
        let before = history_size(&setup).await;
        let text = format!("{} 1\n{} 2\n", past.lines[0].code, past.lines[1].code);
        let (lines, _) = parse_quick_order(&text);
        let mut draft = Draft::from_quick_lines(&lines);
        draft.resolve(&*shop).await.unwrap();

        let first = draft.send(&*shop).await.unwrap_err();
        assert_eq!(proxy.broken(), 1, "{kill:?}");
        assert!(matches!(first, ShopError::Network(_)), "{first:?}");
        let placed_by_now = history_size(&setup).await - before;
        match kill {
            Kill::AfterResponse => {
                assert_eq!(placed_by_now, 1, "the shop placed it");
                assert!(
                    first.to_string().contains("may have placed it"),
                    "said plainly: {first}"
                );
            }
            Kill::BeforeRequest => assert_eq!(placed_by_now, 0),
        }
        let again = draft.send(&*shop).await.expect("the second send");
        assert_eq!(
            history_size(&setup).await,
            before + 1,
            "{kill:?}: one order"
        );
        assert_eq!(again.replayed, kill == Kill::AfterResponse, "{kill:?}");
        assert_eq!(newest_order(&*shop).await.number, again.number);
    }
}

/// A shop without multi-cart (Spryker's persistent cart alone): `POST /carts` is 422 "110"
/// while the customer has their one cart, and `cart-reorder` has no `new` strategy. An empty
/// cart is lent to the order (here a reorder, whose lines go in as a quick order's would); one
/// holding the customer's items is refused plainly, the items left in it and nothing ordered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_cart_shop_lends_its_empty_cart_and_leaves_a_full_one_alone() {
    let base = PlatformSetup::new(&SPRYKER).await;
    shopterm::demo::emulators::spryker::set_single_cart(&base.demo.state, true);
    let proxy = FaultProxy::start(base.demo.addr).await;
    let setup = base.through(&format!("{}/spryker", proxy.base_url));
    let shop = setup.buyer_shop().await;
    let past = recent_order(&setup, 2).await;
    let before = history_size(&setup).await;
    // The customer has been in the shop: their one cart exists, empty.
    let glue = format!("{}/spryker", setup.demo.base_url);
    let token = setup.access_token();
    let http = reqwest::Client::new();
    let read = |url: String| {
        let request = http.get(url).bearer_auth(&token);
        async move {
            let answer = request.send().await.expect("Glue answers");
            answer.json::<serde_json::Value>().await.expect("JSON")
        }
    };
    let one_cart = || async {
        let carts = read(format!("{glue}/carts")).await;
        carts["data"][0]["id"]
            .as_str()
            .expect("the one cart")
            .to_owned()
    };
    let lent = one_cart().await;

    let detail = shop.order(&past.summary.number).await.unwrap();
    let mut draft = Draft::from_order(&detail);
    draft.resolve(&*shop).await.unwrap();
    let placed = draft.send(&*shop).await.expect("the reorder is placed");
    assert_eq!(history_size(&setup).await, before + 1);
    let sent = shop.order(&placed.number).await.unwrap();
    let mut lines = skus_and_quantities(&sent);
    lines.sort();
    let mut expected = skus_and_quantities(&past);
    expected.sort();
    assert_eq!(lines, expected, "the past order's lines");
    let listed = proxy
        .seen("/spryker/carts")
        .iter()
        .filter(|s| s.method == "GET" && s.path == "/spryker/carts")
        .count();
    assert_eq!(listed, 1, "the one cart was looked up after the 110");
    assert_eq!(
        proxy.seen("/spryker/cart-reorder").len(),
        1,
        "cart-reorder was asked first"
    );
    let cart_id = one_cart().await;
    assert_ne!(
        cart_id, lent,
        "the lent cart was checked out: a new one is the customer's"
    );

    // The customer puts an item in their cart in the shop; an order now is refused.
    let theirs = past.lines[0].code.as_str();
    let added = http
        .post(format!("{glue}/carts/{cart_id}/items"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"data": {"type": "items",
            "attributes": {"sku": theirs, "quantity": 1}}}))
        .send()
        .await
        .unwrap();
    assert!(added.status().is_success(), "{}", added.status());
    let quick = one_of_each("single-cart-2", &[past.lines[1].code.as_str()]);
    let refused = shop.place_order(&quick).await.unwrap_err();
    assert!(matches!(refused, ShopError::Conflict(_)), "{refused:?}");
    let said = refused.to_string();
    assert!(
        said.contains("one cart per customer") && said.contains("holds 1 item(s)"),
        "{said}"
    );
    assert_eq!(history_size(&setup).await, before + 1, "nothing ordered");
    let cart = read(format!("{glue}/carts/{cart_id}?include=items")).await;
    let skus: Vec<&str> = cart["included"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["attributes"]["sku"].as_str())
        .collect();
    assert_eq!(skus, [theirs], "the customer's item is left as it was");
    shopterm::demo::emulators::spryker::set_single_cart(&setup.demo.state, false);
}

/// `shopterm reorder NUMBER --yes` (the real binary), the checkout's answer lost after the shop
/// placed the order; then `shopterm reorder --draft KEY --yes`, a new process that cannot
/// remember the first one: the journal under the state dir tells it the checkout was sent, the
/// cart is gone, and the order is found in the history instead of being placed twice. While the
/// order is not to be found (the journal's items made not to match), every send says where to
/// look and sends nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_process_resending_after_a_lost_checkout_answer_places_no_second_order() {
    let setup = PlatformSetup::new(&SPRYKER).await;
    let proxy = KillingProxy::start_for(
        setup.demo.addr,
        b"POST /spryker/checkout ",
        Kill::AfterResponse,
        1,
    )
    .await;
    let login = support::demo::buyer();
    let sandbox = support::sandbox::Sandbox::new();
    let url = format!("{}/spryker", proxy.base_url);
    let signed_in = sandbox
        .run_with_stdin(
            &[
                "login",
                &url,
                "-p",
                "glue",
                "--platform",
                "spryker",
                "--email",
                &login.email,
                "--password-stdin",
            ],
            Some(&format!("{}\n", login.password)),
        )
        .await;
    signed_in.assert_ok();
    let past = recent_order(&setup, 2).await;
    let before = history_size(&setup).await;
    let json = |run: &support::sandbox::Run| -> serde_json::Value {
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.all_output()))
    };

    let first = sandbox
        .run(&[
            "-p",
            "glue",
            "reorder",
            past.summary.number.as_str(),
            "--yes",
            "--json",
        ])
        .await;
    assert!(!first.status.success(), "{}", first.all_output());
    assert_eq!(proxy.broken(), 1);
    let report = json(&first);
    assert_eq!(report["result"], "failed", "{report}");
    assert!(
        report["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("may have placed it")),
        "{report}"
    );
    assert_eq!(history_size(&setup).await, before + 1, "the shop placed it");
    let key = report["idempotency_key"]
        .as_str()
        .expect("a key")
        .to_owned();
    let entry = sandbox
        .dir
        .path()
        .join(format!("state/spryker-checkouts/glue/{key}.json"));
    #[cfg(unix)]
    assert_eq!(support::sandbox::mode_of(&entry), 0o600);
    let recorded = std::fs::read_to_string(&entry).expect("the journal entry");

    // The order not (yet) in the history: nothing is sent, and the user is told where to look.
    let mut mismatched: serde_json::Value = serde_json::from_str(&recorded).unwrap();
    mismatched["checkout_sent"]["items"] = serde_json::json!([["no-such-sku", 1]]);
    std::fs::write(&entry, mismatched.to_string()).unwrap();
    for _ in 0..2 {
        let unsure = sandbox
            .run(&["-p", "glue", "reorder", "--draft", &key, "--yes"])
            .await;
        assert!(!unsure.status.success(), "{}", unsure.all_output());
        assert!(
            unsure
                .stderr
                .contains("look there and in the shop's e-mails"),
            "{}",
            unsure.all_output()
        );
        assert_eq!(history_size(&setup).await, before + 1, "nothing sent");
    }

    std::fs::write(&entry, &recorded).unwrap();
    let second = sandbox
        .run(&["-p", "glue", "reorder", "--draft", &key, "--yes", "--json"])
        .await;
    assert!(second.status.success(), "{}", second.all_output());
    let report = json(&second);
    assert_eq!(report["result"], "replayed", "{report}");
    assert_eq!(history_size(&setup).await, before + 1, "exactly one order");
    let newest = setup
        .with_buyer_in_store(|store, customer| {
            Ok(store.orders(customer, &PageRequest::first(1))?.items[0]
                .number
                .clone())
        })
        .await;
    assert_eq!(report["order"]["number"], newest.as_str());
    assert!(!entry.exists(), "cleared once the order was found");
}

/// `shopterm reorder NUMBER --yes` with the checkout lost before it reached the shop leaves a
/// journal entry and the filled cart; `reorder NUMBER --new-draft --yes` discards that draft:
/// its entry leaves the disk and its cart the shop, and the new draft places one order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_discarded_draft_leaves_no_journal_entry_and_no_cart_behind() {
    let setup = PlatformSetup::new(&SPRYKER).await;
    let proxy = KillingProxy::start_for(
        setup.demo.addr,
        b"POST /spryker/checkout ",
        Kill::BeforeRequest,
        1,
    )
    .await;
    let login = support::demo::buyer();
    let sandbox = support::sandbox::Sandbox::new();
    let url = format!("{}/spryker", proxy.base_url);
    sandbox
        .run_with_stdin(
            &[
                "login",
                &url,
                "-p",
                "glue",
                "--platform",
                "spryker",
                "--email",
                &login.email,
                "--password-stdin",
            ],
            Some(&format!("{}\n", login.password)),
        )
        .await
        .assert_ok();
    let past = recent_order(&setup, 2).await;
    let before = history_size(&setup).await;
    let number = past.summary.number.as_str();
    let first = sandbox
        .run(&["-p", "glue", "reorder", number, "--yes", "--json"])
        .await;
    assert!(!first.status.success(), "{}", first.all_output());
    assert_eq!(proxy.broken(), 1);
    let report: serde_json::Value = serde_json::from_str(&first.stdout).expect("JSON");
    let key = report["idempotency_key"]
        .as_str()
        .expect("a key")
        .to_owned();
    let entry = sandbox
        .dir
        .path()
        .join(format!("state/spryker-checkouts/glue/{key}.json"));
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&entry).expect("the journal entry")).unwrap();
    let cart_id = recorded["cart_id"].as_str().expect("the cart").to_owned();
    let cart_url = format!("{}/spryker/carts/{cart_id}", setup.demo.base_url);
    setup.sign_in_buyer().await;
    let token = setup.access_token();
    let cart_status = || async {
        reqwest::Client::new()
            .get(&cart_url)
            .bearer_auth(&token)
            .send()
            .await
            .expect("Glue answers")
            .status()
    };
    assert_eq!(cart_status().await, 200, "the unsent cart is still there");

    let fresh = sandbox
        .run(&["-p", "glue", "reorder", number, "--new-draft", "--yes"])
        .await;
    assert!(fresh.status.success(), "{}", fresh.all_output());
    assert!(
        !entry.exists(),
        "the discarded draft's journal entry is gone"
    );
    assert_eq!(cart_status().await, 404, "its cart is deleted");
    assert_eq!(
        history_size(&setup).await,
        before + 1,
        "one order, the new draft's"
    );
    let left: Vec<_> = std::fs::read_dir(entry.parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
        .collect();
    assert!(left.is_empty(), "nothing left in the journal: {left:?}");
}

/// Every new Glue call, through Prism's validating proxy: the store, concrete products (found
/// and not), a cart, its items (added, refused, re-counted, deleted), the cart deleted,
/// cart-reorder (from the module's annotation, see [`glue_spec`]), checkout-data, checkout and
/// a repeated checkout of the gone cart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cart_and_checkout_calls_follow_the_glue_specification() {
    let base = PlatformSetup::new(&SPRYKER).await;
    let upstream = base.shop_url();
    let spec = glue_spec(base.dir.path());
    let prism = tokio::task::spawn_blocking(move || support::prism::Prism::start(&spec, &upstream))
        .await
        .unwrap();
    let setup = base.through(&prism.base_url);
    let shop = setup.buyer_shop().await;
    let past = recent_order(&setup, 3).await;
    change_shop(&setup, &past.lines[0], &past.lines[1]).await;

    let (lines, _) = parse_quick_order(&three_lines(&past));
    let mut draft = Draft::from_quick_lines(&lines);
    draft.resolve(&*shop).await.expect("lookups through Prism");
    assert_eq!(draft.lines[1].blocker(), Some(Blocker::OutOfStock));
    let placed = draft.send(&*shop).await.expect("the order through Prism");
    assert_eq!(newest_order(&*shop).await.number, placed.number);
    let unknown = ProductQuery {
        codes: vec![ProductCode::from("NO-SUCH-SKU-2")],
        brand: None,
    };
    assert!(shop.products(&unknown).await.unwrap().is_empty());
    let refused = shop
        .place_order(&one_of_each(
            "prism-refused",
            &[past.lines[1].code.as_str()],
        ))
        .await
        .unwrap_err();
    assert_eq!(field_names(&refused), ["lines[0].quantity"], "{refused:?}");

    // A reorder through Glue's cart-reorder: one line sold out (left out by the shop), one not
    // wanted any more (deleted from the cart), one more of another (re-counted).
    let detail = shop.order(&past.summary.number).await.unwrap();
    let mut reorder = Draft::from_order(&detail);
    reorder.resolve(&*shop).await.unwrap();
    reorder.lines[0].quantity = 0;
    reorder.lines[2].quantity += 1;
    let repeated = reorder
        .send(&*shop)
        .await
        .expect("the reorder through Prism");
    let sent = shop.order(&repeated.number).await.unwrap();
    let lines = skus_and_quantities(&sent);
    assert!(
        lines.contains(&(past.lines[2].code.as_str(), past.lines[2].quantity + 1)),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .all(|(sku, _)| *sku != past.lines[0].code.as_str()
                && *sku != past.lines[1].code.as_str()),
        "{lines:?}"
    );

    // A repeated checkout of a checked-out cart (what Glue offers against a double send).
    let token = setup.access_token();
    let glue = |path: &str| format!("{}{path}", prism.base_url);
    let body = |kind: &str, attributes: serde_json::Value| serde_json::json!({"data": {"type": kind, "attributes": attributes}});
    let client = support::demo::http();
    let cart: serde_json::Value = client
        .post(glue("/carts"))
        .bearer_auth(&token)
        .json(&body(
            "carts",
            serde_json::json!({"name": "prism", "priceMode": "GROSS_MODE", "currency": "EUR", "store": "DE"}),
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cart_id = cart["data"]["id"].as_str().unwrap().to_owned();
    let item = client
        .post(glue(&format!("/carts/{cart_id}/items")))
        .bearer_auth(&token)
        .json(&body(
            "items",
            serde_json::json!({"sku": past.lines[2].code.as_str(), "quantity": 1}),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(item.status(), 201);
    let book = shop.addresses().await.unwrap();
    let address = serde_json::json!({
        "id": book[0].id.as_str(), "salutation": "Ms", "firstName": "Katrin", "lastName": "Vogel",
        "address1": book[0].postal.line1, "address2": "", "address3": "",
        "zipCode": book[0].postal.postcode, "city": book[0].postal.city,
        "iso2Code": book[0].postal.country, "company": "", "phone": ""
    });
    let checkout = body(
        "checkout",
        serde_json::json!({
            "idCart": cart_id,
            "customer": {"email": "buyer@demo.shopterm.example"},
            "billingAddress": address, "shippingAddress": address,
            "payments": [{"paymentProviderName": "DummyPayment", "paymentMethodName": "Invoice"}],
            "shipment": {"idShipmentMethod": 1}
        }),
    );
    let send = || {
        client
            .post(glue("/checkout"))
            .bearer_auth(&token)
            .json(&checkout)
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), 201);
    let again = send().await.unwrap();
    assert_eq!(again.status(), 422);
    let error: serde_json::Value = again.json().await.unwrap();
    assert_eq!(error["errors"][0]["code"], "1103", "{error}");

    order_in_a_single_cart_shop(&setup, &*shop, &glue("/carts"), past.lines[2].code.as_str()).await;

    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        prism.forwarded() >= 20,
        "only {} requests went through Prism",
        prism.forwarded()
    );
    prism.assert_no_violations();
}

/// A shop without multi-cart (through Prism, for the Prism test): the 422 "110" of `POST
/// /carts`, the customer's one cart listed (`GET /carts` at `carts_url`), and an order of one
/// `sku` through it.
async fn order_in_a_single_cart_shop(
    setup: &PlatformSetup,
    shop: &dyn Shop,
    carts_url: &str,
    sku: &str,
) {
    shopterm::demo::emulators::spryker::set_single_cart(&setup.demo.state, true);
    let listed = support::demo::http()
        .get(carts_url)
        .bearer_auth(setup.access_token())
        .send()
        .await
        .expect("GET /carts");
    assert_eq!(listed.status(), 200);
    let lent = shop
        .place_order(&one_of_each("prism-single-cart", &[sku]))
        .await;
    shopterm::demo::emulators::spryker::set_single_cart(&setup.demo.state, false);
    let lent = lent.expect("an order through the one cart");
    assert_eq!(newest_order(shop).await.number, lent.number);
}

/// The published B2C specification, with one correction and one addition. The correction: the
/// `included` of a concrete product is a `oneOf` of resource schemas that have no required
/// properties, so every included resource matches all of them and "exactly one" never holds;
/// `anyOf` says what the generator meant. The addition: `POST /cart-reorder`, which is newer
/// than the specification, as spryker/cart-reorder-rest-api's `@Glue` annotation of
/// `CartReorderResourceController` gives it (`RestCartReorderRequestAttributes` in, a `carts`
/// resource out, 400/403/404/422 errors). Everything else is checked as published.
fn glue_spec(dir: &Path) -> std::path::PathBuf {
    let published = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/specs/spryker/spryker_rest_api.schema.yml"
    ));
    let text = std::fs::read_to_string(published).expect("the published specification");
    let mut edited = text.replace("oneOf:", "anyOf:");
    let paths = "\npaths:\n";
    let at = edited.find(paths).expect("the paths") + paths.len();
    let error =
        "{content: {application/json: {schema: {$ref: '#/components/schemas/RestErrorMessage'}}}}";
    let cart_reorder = format!(
        "    /cart-reorder:
        post:
            summary: 'Makes cart reorder from existing order.'
            security: [{{BearerAuth: []}}]
            requestBody:
                required: true
                content:
                    application/json:
                        schema:
                            properties:
                                data:
                                    properties:
                                        type: {{type: string}}
                                        attributes:
                                            required: [orderReference]
                                            properties:
                                                orderReference: {{type: string}}
                                                reorderStrategy: {{type: string}}
            responses:
                201:
                    description: 'Expected response to a valid request.'
                    content:
                        application/json:
                            schema: {{$ref: '#/components/schemas/RestCartsResponse'}}
                400: {{description: 'Order reference is missing.', {error}}}
                403: {{description: 'Unauthorized cart action.', {error}}}
                404: {{description: 'Order not found.', {error}}}
                422: {{description: 'Errors appeared during cart reordering.', {error}}}
",
        error = &error[1..error.len() - 1]
    );
    edited.insert_str(at, &cart_reorder);
    let path = dir.join("spryker_rest_api.checked.yml");
    std::fs::write(&path, edited).expect("the checked copy is written");
    path
}
