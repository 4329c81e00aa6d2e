//! Idempotent send: the connection breaks while a reorder is sent, the same draft is sent again,
//! and the shop has exactly one new order — whether the first attempt reached it or not. Real
//! loopback HTTP: the Customer API connector → a proxy that breaks the order request → the demo.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use shopterm::auth::StaticToken;
use shopterm::model::*;
use shopterm::platforms::customer_api::CustomerApiShop;
use shopterm::reorder::Draft;
use shopterm::shop::{Shop, ShopError};
use std::sync::Arc;
use support::demo::{DemoHarness, buyer};
use support::proxy::{Kill, KillingProxy};

fn shop_at(base: &str, token: &str) -> CustomerApiShop {
    CustomerApiShop::new(
        url::Url::parse(base).unwrap(),
        shopterm::net::http_client(None).unwrap(),
        Arc::new(StaticToken(token.to_owned().into())),
    )
}

async fn history(shop: &dyn Shop) -> Page<OrderSummary> {
    shop.orders(&PageRequest::first(5)).await.expect("history")
}

async fn break_then_retry(kill: Kill) {
    let harness = DemoHarness::start().await;
    let token = harness.token_for(&buyer()).await;
    let direct = harness.shop_with_token(&token);
    let proxy = KillingProxy::start(harness.demo.addr, kill, 1).await;
    let through_proxy = shop_at(&proxy.base_url, &token);

    let before = history(&direct).await;
    let source = &before.items[1].number;
    let detail = direct.order(source).await.unwrap();
    let mut draft = Draft::from_order(&detail);
    draft.resolve(&through_proxy).await.unwrap();
    assert!(draft.totals().sendable_lines > 0, "{draft:?}");

    // First attempt: the connection breaks.
    let first = draft.send(&through_proxy).await;
    assert!(
        matches!(first, Err(ShopError::Network(_))),
        "a broken connection is a network error: {first:?}"
    );
    assert_eq!(proxy.broken(), 1);
    let between = history(&direct).await;
    let created_by_first = between.total.unwrap() - before.total.unwrap();
    assert_eq!(
        created_by_first,
        u64::from(kill == Kill::AfterResponse),
        "the order exists only if the request reached the shop"
    );

    // The retry, with the same draft (the same idempotency key), through the same proxy.
    let placed = draft
        .send(&through_proxy)
        .await
        .expect("the retry succeeds");
    assert_eq!(placed.replayed, kill == Kill::AfterResponse, "{placed:?}");
    let after = history(&direct).await;
    assert_eq!(
        after.total.unwrap(),
        before.total.unwrap() + 1,
        "exactly one order was created"
    );
    assert_eq!(
        after.items[0].number, placed.number,
        "the new order is first"
    );
    assert_eq!(after.items[1].number, before.items[0].number);
    // Once more for good measure: still the same order.
    let again = draft.send(&direct).await.unwrap();
    assert!(again.replayed);
    assert_eq!(again.number, placed.number);
    assert_eq!(history(&direct).await.total, after.total);
    let sent = direct.order(&placed.number).await.unwrap();
    let sent_lines: Vec<(String, u32)> = sent
        .lines
        .iter()
        .map(|l| (l.code.to_string(), l.quantity))
        .collect();
    let drafted: Vec<(String, u32)> = draft
        .to_new_order()
        .lines
        .iter()
        .map(|l| (l.code.to_string(), l.quantity))
        .collect();
    assert_eq!(sent_lines, drafted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answer_lost_after_the_shop_created_the_order() {
    break_then_retry(Kill::AfterResponse).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_lost_before_it_reached_the_shop() {
    break_then_retry(Kill::BeforeRequest).await;
}
