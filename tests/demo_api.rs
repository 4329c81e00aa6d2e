//! Every shop operation of the Customer API connector against the embedded demo shop, over real
//! loopback HTTP, signed in through the demo's OAuth server as a browser would.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use secrecy::SecretString;
use shopterm::model::*;
use shopterm::shop::*;
use std::collections::HashSet;
use support::demo::{DemoHarness, buyer, newcomer};

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

#[tokio::test]
async fn account_is_read_updated_and_validated() {
    let demo = DemoHarness::start().await;
    let shop = demo.shop_for(&buyer()).await;
    let account = shop.account().await.expect("account");
    assert_eq!(account.email, buyer().email);

    let mut draft = account.to_draft();
    draft.phone = Some("+49 30 1234 5678".into());
    let saved = shop.update_account(&draft).await.expect("saved");
    assert_eq!(saved.phone.as_deref(), Some("+49 30 1234 5678"));
    assert_eq!(
        shop.account().await.unwrap().phone.as_deref(),
        Some("+49 30 1234 5678")
    );

    let mut bad = draft.clone();
    bad.first_name = "x".repeat(33);
    bad.email = "no-at-sign".into();
    match shop.update_account(&bad).await {
        Err(ShopError::Validation { fields, .. }) => {
            let names: HashSet<_> = fields.iter().map(|f| f.field.as_str()).collect();
            assert!(
                names.contains("first_name") && names.contains("email"),
                "{fields:?}"
            );
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    // Nothing of the refused draft was saved.
    assert_eq!(shop.account().await.unwrap().first_name, account.first_name);
}

#[tokio::test]
async fn address_book_create_edit_default_delete() {
    let demo = DemoHarness::start().await;
    let shop = demo.shop_for(&buyer()).await;
    let before = shop.addresses().await.expect("addresses");
    assert!(before.len() >= 2, "the buyer has several addresses");
    assert_eq!(before.iter().filter(|a| a.default_shipping).count(), 1);
    assert_eq!(before.iter().filter(|a| a.default_billing).count(), 1);

    let draft = support::demo::malmo_address();
    let created = shop.create_address(&draft).await.expect("created");
    assert!(!created.default_shipping && !created.default_billing);
    assert_eq!(shop.addresses().await.unwrap().len(), before.len() + 1);

    let mut edited = draft.clone();
    edited.line2 = Some("Lgh 1102".into());
    let updated = shop
        .update_address(&created.id, &edited)
        .await
        .expect("updated");
    assert_eq!(updated.postal.line2.as_deref(), Some("Lgh 1102"));

    let book = shop
        .set_default_address(&created.id, AddressRole::Shipping)
        .await
        .expect("default");
    let shipping: Vec<_> = book.iter().filter(|a| a.default_shipping).collect();
    assert_eq!(shipping.len(), 1);
    assert_eq!(shipping[0].id, created.id);

    // A default address cannot be deleted while others could take its role.
    assert!(matches!(
        shop.delete_address(&created.id).await,
        Err(ShopError::Conflict(_))
    ));
    let old_default = before.iter().find(|a| a.default_shipping).unwrap();
    shop.set_default_address(&old_default.id, AddressRole::Shipping)
        .await
        .expect("restore default");
    shop.delete_address(&created.id).await.expect("deleted");
    assert_eq!(shop.addresses().await.unwrap().len(), before.len());

    let mut bad = draft.clone();
    bad.country = "XX".into();
    bad.postcode = "12345678901".into();
    match shop.create_address(&bad).await {
        Err(ShopError::Validation { fields, .. }) => {
            let names: HashSet<_> = fields.iter().map(|f| f.field.as_str()).collect();
            assert_eq!(names, HashSet::from(["country", "postcode"]));
        }
        other => panic!("expected a validation error, got {other:?}"),
    }

    // Another customer's address is not found, not leaked.
    let other = demo.shop_for(&newcomer()).await;
    assert!(matches!(
        other.delete_address(&before[0].id).await,
        Err(ShopError::NotFound(_))
    ));
}

#[tokio::test]
async fn order_history_pages_filters_and_searches() {
    let demo = DemoHarness::start().await;
    let shop = demo.shop_for(&buyer()).await;
    let first = shop
        .orders(&PageRequest::first(50))
        .await
        .expect("first page");
    let total = first.total.expect("the demo shop tells the total");
    assert!(
        total >= 2000,
        "the B2B buyer has 2,000+ orders, got {total}"
    );
    assert_eq!(first.items.len(), 50);
    assert!(first.has_more);

    // Walk the whole history: every order once, newest first.
    let mut page = PageRequest::first(200);
    let mut seen = Vec::new();
    loop {
        let got = shop.orders(&page).await.expect("page");
        seen.extend(got.items.iter().cloned());
        if !got.has_more {
            break;
        }
        page = page.next(got.items.len());
    }
    assert_eq!(seen.len() as u64, total);
    let numbers: HashSet<_> = seen.iter().map(|o| o.number.clone()).collect();
    assert_eq!(numbers.len(), seen.len(), "no order twice");
    assert!(
        seen.windows(2).all(|w| w[0].placed_at >= w[1].placed_at),
        "newest first"
    );
    let statuses: HashSet<_> = seen.iter().map(|o| o.status).collect();
    for status in &OrderStatus::ALL[..7] {
        assert!(statuses.contains(status), "an order in status {status:?}");
    }

    let mut filtered = PageRequest::first(200);
    filtered.filter.status = Some(OrderStatus::PartiallyShipped);
    let partial = shop.orders(&filtered).await.expect("filtered");
    assert!(!partial.items.is_empty());
    assert!(
        partial
            .items
            .iter()
            .all(|o| o.status == OrderStatus::PartiallyShipped)
    );
    assert_eq!(
        partial.total,
        Some(
            seen.iter()
                .filter(|o| o.status == OrderStatus::PartiallyShipped)
                .count() as u64
        )
    );

    let wanted = &seen[123];
    let mut search = PageRequest::first(10);
    search.filter.search = Some(wanted.number.to_string());
    let found = shop.orders(&search).await.expect("search");
    assert_eq!(found.items.first().map(|o| &o.number), Some(&wanted.number));

    let mut since = PageRequest::first(200);
    since.filter.since = Some(seen[10].placed_at.date());
    let recent = shop.orders(&since).await.expect("since");
    assert!(
        recent
            .items
            .iter()
            .all(|o| o.placed_at.date() >= seen[10].placed_at.date())
    );
    assert!(recent.items.len() >= 11);
}

#[tokio::test]
async fn order_detail_has_lines_totals_and_split_shipments() {
    let demo = DemoHarness::start().await;
    let shop = demo.shop_for(&buyer()).await;
    let mut request = PageRequest::first(200);
    request.filter.status = Some(OrderStatus::Delivered);
    let delivered = shop.orders(&request).await.expect("delivered orders");
    let mut split = None;
    for summary in &delivered.items {
        let detail = shop.order(&summary.number).await.expect("detail");
        assert_eq!(&detail.summary, summary, "detail repeats the summary");
        assert!(!detail.lines.is_empty());
        let items = detail
            .lines
            .iter()
            .try_fold(Money::zero(summary.total.currency), |sum, line| {
                sum.checked_add(line.line_total)
            })
            .expect("one currency");
        assert_eq!(
            items, detail.totals.items,
            "lines add up to the items total"
        );
        assert_eq!(detail.totals.grand_total, summary.total);
        if detail.shipments.len() >= 2 {
            split = Some(detail);
            break;
        }
    }
    let detail = split.expect("some delivered order was split into several shipments");
    for shipment in &detail.shipments {
        assert!(
            shipment
                .tracking_id
                .as_deref()
                .is_some_and(|t| !t.is_empty())
        );
        let url = shipment.tracking_url.as_deref().expect("tracking URL");
        assert!(url.starts_with("https://"), "{url}");
        assert_eq!(shipment.state, ShipmentState::Delivered);
    }
    let carriers: HashSet<_> = detail
        .shipments
        .iter()
        .map(|s| s.carrier.as_str())
        .collect();
    assert!(!carriers.is_empty());

    let missing = shop.order(&OrderNumber::from("NO-SUCH-ORDER")).await;
    assert!(
        matches!(missing, Err(ShopError::NotFound(_))),
        "{missing:?}"
    );
    // Another customer's order number is not found either.
    let other = demo.shop_for(&newcomer()).await;
    assert!(matches!(
        other.order(&detail.summary.number).await,
        Err(ShopError::NotFound(_))
    ));
}

#[tokio::test]
async fn placed_order_reduces_stock_appears_first_and_is_idempotent() {
    let demo = DemoHarness::start().await;
    let shop = demo.shop_for(&buyer()).await;
    let before = shop.orders(&PageRequest::first(1)).await.unwrap();
    let last = shop.order(&before.items[0].number).await.unwrap();
    let code = last.lines[0].code.clone();
    let brand = last.lines[0].brand.clone();
    let query = ProductQuery {
        codes: vec![code.clone()],
        brand: Some(brand.clone()),
    };
    let product = shop
        .products(&query)
        .await
        .expect("lookup")
        .into_iter()
        .next()
        .expect("found");
    let Availability::InStock {
        quantity: Some(stock),
    } = product.availability
    else {
        // The seed is deterministic; pick another line if this assumption ever breaks.
        panic!("expected the last ordered product to be in stock: {product:?}");
    };

    let order = NewOrder {
        idempotency_key: "test-key-1".into(),
        lines: vec![NewOrderLine {
            code: code.clone(),
            brand: Some(brand.clone()),
            quantity: 1,
        }],
        shipping_address: None,
        billing_address: None,
        note: None,
    };
    let placed = shop.place_order(&order).await.expect("placed");
    assert!(!placed.replayed);
    assert_eq!(placed.total.currency, product.price.currency);
    let again = shop.place_order(&order).await.expect("replayed");
    assert!(again.replayed);
    assert_eq!(again.number, placed.number);

    let after = shop.orders(&PageRequest::first(1)).await.unwrap();
    assert_eq!(
        after.total,
        before.total.map(|t| t + 1),
        "exactly one order more"
    );
    assert_eq!(
        after.items[0].number, placed.number,
        "the new order is first in the history"
    );
    assert_eq!(after.items[0].status, OrderStatus::Pending);
    let now = shop.products(&query).await.unwrap().remove(0);
    let expected = match stock - 1 {
        0 => Availability::OutOfStock,
        left => Availability::InStock {
            quantity: Some(left),
        },
    };
    assert_eq!(
        now.availability, expected,
        "stock went down by the ordered quantity"
    );

    let too_many = NewOrder {
        idempotency_key: "test-key-2".into(),
        lines: vec![NewOrderLine {
            code,
            brand: Some(brand),
            quantity: stock + 1000,
        }],
        ..order.clone()
    };
    assert!(
        shop.place_order(&too_many).await.is_err(),
        "cannot order more than the stock"
    );
    let unknown = NewOrder {
        idempotency_key: "test-key-3".into(),
        lines: vec![NewOrderLine {
            code: "NO-SUCH-CODE".into(),
            brand: None,
            quantity: 1,
        }],
        ..order
    };
    match shop.place_order(&unknown).await {
        Err(ShopError::Validation { fields, .. }) => {
            assert!(fields.iter().any(|f| f.field.contains("code")))
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert_eq!(
        shop.orders(&PageRequest::first(1)).await.unwrap().total,
        after.total
    );
}

#[tokio::test]
async fn password_change_and_reset_through_the_outbox() {
    let demo = DemoHarness::start().await;
    let login = buyer();
    let shop = demo.shop_for(&login).await;

    // A wrong current password, and a new one too short.
    for (current, new) in [
        ("not-the-password", "a-new-password-1"),
        (login.password.as_str(), "short"),
    ] {
        let refused = PasswordChange {
            current: secret(current),
            new: secret(new),
        };
        assert!(matches!(
            shop.change_password(&refused).await,
            Err(ShopError::Validation { .. })
        ));
    }
    let change = PasswordChange {
        current: secret(&login.password),
        new: secret("a-new-password-1"),
    };
    shop.change_password(&change).await.expect("changed");
    assert!(
        demo.try_sign_in(&login.email, &login.password)
            .await
            .is_err(),
        "old password refused"
    );
    demo.try_sign_in(&login.email, "a-new-password-1")
        .await
        .expect("new password works");

    // Forgotten password: needs no sign-in; the mail lands in the outbox with a key.
    let anonymous = demo.anonymous_shop();
    let message = anonymous
        .request_password_reset(&login.email)
        .await
        .expect("requested");
    let unknown = anonymous
        .request_password_reset("nobody@nowhere.example")
        .await
        .expect("same answer");
    assert_eq!(
        message, unknown,
        "the answer does not reveal which e-mails exist"
    );
    let key = demo.reset_key_from_outbox(&login.email).await;
    let reset = PasswordReset {
        key: secret(&key),
        new_password: secret("after-reset-pass"),
    };
    anonymous.reset_password(&reset).await.expect("reset");
    demo.try_sign_in(&login.email, "after-reset-pass")
        .await
        .expect("reset password works");
    let reused = PasswordReset {
        key: secret(&key),
        new_password: secret("second-reset-pass"),
    };
    assert!(
        matches!(
            anonymous.reset_password(&reused).await,
            Err(ShopError::Validation { .. })
        ),
        "a key works once"
    );
}

/// An unknown token and an expired one are both 401 `invalid_token` (RFC 6750 §3.1): the
/// session is over either way; no token at all is "not signed in".
#[tokio::test]
async fn bad_and_expired_tokens_end_the_session() {
    let demo = DemoHarness::start_with_ttl(std::time::Duration::from_secs(1)).await;
    let bad = demo.shop_with_token("not-a-real-token");
    assert_eq!(bad.account().await, Err(ShopError::SessionExpired));
    assert_eq!(
        demo.anonymous_shop().account().await,
        Err(ShopError::NotSignedIn)
    );
    let shop = demo.shop_for(&buyer()).await;
    shop.account().await.expect("fresh token works");
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(shop.account().await, Err(ShopError::SessionExpired));
}

#[tokio::test]
async fn api_requires_gzip_and_json() {
    let demo = DemoHarness::start().await;
    let token = demo.token_for(&buyer()).await;
    let plain = reqwest::Client::builder().no_gzip().build().unwrap();
    let url = format!("{}/api/customer/account", demo.base_url());
    let refused = plain.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(refused.status(), 400);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
    assert_eq!(body["status"], 400);

    let gzip = reqwest::Client::new();
    let ok = gzip.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    // reqwest removes Content-Encoding once it has decoded the body, so ask without decoding:
    let raw = plain
        .get(&url)
        .header("accept-encoding", "gzip")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        raw.headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap()),
        Some("gzip")
    );

    let no_type = gzip
        .put(&url)
        .bearer_auth(&token)
        .body(r#"{"email":"x@y.example"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(no_type.status(), 415);
}

#[tokio::test]
async fn order_history_keyset_form_pages_to_the_end_like_the_offset_form() {
    let demo = DemoHarness::start().await;
    let token = demo.token_for(&buyer()).await;
    let client = reqwest::Client::new();
    let url = format!("{}/api/customer/orders", demo.base_url());
    let get = |query: Vec<(&'static str, String)>| {
        let request = client.get(&url).query(&query).bearer_auth(&token);
        async move {
            let response = request.send().await.unwrap();
            let status = response.status();
            (status, response.json::<serde_json::Value>().await.unwrap())
        }
    };
    let numbers = |page: &serde_json::Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|order| order["number"].as_str().unwrap().to_owned())
            .collect()
    };

    let mut by_offset = Vec::new();
    loop {
        let (status, page) = get(vec![
            ("limit", "200".into()),
            ("offset", by_offset.len().to_string()),
        ])
        .await;
        assert_eq!(status, 200);
        assert!(
            page.get("next_after").is_none(),
            "the offset form has no cursor"
        );
        by_offset.extend(numbers(&page));
        if page["has_more"] == false {
            break;
        }
    }

    let mut by_keyset = Vec::new();
    let mut after = String::new();
    loop {
        let (status, page) = get(vec![("limit", "200".into()), ("after", after.clone())]).await;
        assert_eq!(status, 200);
        assert_eq!(page["total"], by_offset.len());
        by_keyset.extend(numbers(&page));
        match page["next_after"].as_str() {
            Some(next) => {
                assert_eq!(page["has_more"], true);
                after = next.to_owned();
            }
            None => {
                assert_eq!(page["has_more"], false);
                break;
            }
        }
    }
    assert!(by_offset.len() > 2_000);
    assert_eq!(by_keyset, by_offset);

    let (status, error) = get(vec![("after", "not-a-cursor".into())]).await;
    assert_eq!(status, 422);
    assert_eq!(error["fields"][0]["field"], "after", "{error}");
}
