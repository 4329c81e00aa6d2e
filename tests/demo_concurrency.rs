//! The demo shop stays correct under concurrent clients: 50 clients reading and writing at once
//! lose nothing and duplicate nothing.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use shopterm::model::*;
use shopterm::shop::*;
use std::sync::Arc;
use support::demo::{DemoHarness, buyer};

/// How many orders the shop counts for the signed-in customer.
async fn order_count(shop: &dyn Shop) -> u64 {
    let first = shop.orders(&PageRequest::first(1)).await.expect("orders");
    first.total.expect("a total")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_clients_lose_and_duplicate_nothing() {
    let demo = DemoHarness::start().await;
    let shop = Arc::new(demo.shop_for(&buyer()).await);
    let before = order_count(&*shop).await;
    let product = {
        let last = shop.orders(&PageRequest::first(1)).await.unwrap();
        let detail = shop.order(&last.items[0].number).await.unwrap();
        let line = &detail.lines[0];
        let query = ProductQuery {
            codes: vec![line.code.clone()],
            brand: Some(line.brand.clone()),
        };
        shop.products(&query).await.unwrap().remove(0)
    };
    // Give it a known stock so all 20 orders can be supplied.
    let stock_before = 100;
    demo.set_stock(&product.code, &product.brand, stock_before);

    // 30 writers place orders under 20 distinct idempotency keys (10 keys sent twice, at once);
    // 20 readers page through the history and update the account.
    let mut tasks = Vec::new();
    for i in 0..30u32 {
        let shop = shop.clone();
        let product = product.clone();
        tasks.push(tokio::spawn(async move {
            let order = NewOrder {
                idempotency_key: format!("concurrent-{}", i % 20),
                lines: vec![NewOrderLine {
                    code: product.code.clone(),
                    brand: Some(product.brand.clone()),
                    quantity: 1,
                }],
                shipping_address: None,
                billing_address: None,
                note: None,
            };
            shop.place_order(&order)
                .await
                .map(|placed| Some((order.idempotency_key, placed)))
        }));
    }
    for i in 0..20u32 {
        let shop = shop.clone();
        tasks.push(tokio::spawn(async move {
            let page = PageRequest {
                offset: u64::from(i) * 50,
                limit: 50,
                filter: OrderFilter::default(),
            };
            let got = shop.orders(&page).await?;
            assert_eq!(got.items.len(), 50);
            let mut draft = shop.account().await?.to_draft();
            draft.phone = Some(format!("+46 8 555 {i:04}"));
            shop.update_account(&draft).await?;
            Ok(None)
        }));
    }
    let mut placed_by_key = std::collections::HashMap::new();
    for task in tasks {
        if let Some((key, placed)) = task.await.expect("task").expect("request") {
            placed_by_key
                .entry(key)
                .or_insert_with(Vec::new)
                .push(placed);
        }
    }

    assert_eq!(placed_by_key.len(), 20);
    for (key, placements) in &placed_by_key {
        let numbers: std::collections::HashSet<_> = placements.iter().map(|p| &p.number).collect();
        assert_eq!(
            numbers.len(),
            1,
            "key {key} made one order, however often it was sent"
        );
        assert_eq!(
            placements.iter().filter(|p| !p.replayed).count(),
            1,
            "key {key}: one original"
        );
    }
    let after = order_count(&*shop).await;
    assert_eq!(after, before + 20, "exactly one order per key");
    let now = shop
        .products(&ProductQuery {
            codes: vec![product.code.clone()],
            brand: Some(product.brand.clone()),
        })
        .await
        .unwrap()
        .remove(0);
    let left = match now.availability {
        Availability::InStock { quantity: Some(q) } => q,
        Availability::OutOfStock => 0,
        other => panic!("unexpected availability {other:?}"),
    };
    assert_eq!(
        left,
        stock_before.saturating_sub(20),
        "stock went down once per order"
    );
    let phone = shop.account().await.unwrap().phone.unwrap();
    assert!(
        phone.starts_with("+46 8 555 "),
        "one of the concurrent updates won whole: {phone}"
    );
}
