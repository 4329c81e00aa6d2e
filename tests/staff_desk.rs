//! Staff mode's desk (the TUI's one connection for a staff token) against the demo shop's
//! Shoptet emulator over loopback HTTP: the customer search by e-mail and by phone, working for
//! the chosen customer, nothing answered once the customer is put down, and the audit log —
//! every change one JSON line naming the staff profile, the customer and the record, no token;
//! a change the log cannot take is not sent at all.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use secrecy::SecretString;
use shopterm::auth::StaticToken;
use shopterm::demo::RunningDemo;
use shopterm::demo::emulators::shoptet::DEMO_TOKEN;
use shopterm::model::*;
use shopterm::platforms::shoptet::{AuditLog, CustomerRef, ShoptetShop, StaffDesk};
use shopterm::shop::{Shop, ShopError};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use support::demo::{buyer, spawn_demo};
use support::proxy::{Fault, FaultProxy};
use url::Url;

fn desk(demo: &RunningDemo, state_dir: &Path) -> StaffDesk {
    desk_at(&demo.base_url, state_dir)
}

fn desk_at(base_url: &str, state_dir: &Path) -> StaffDesk {
    let staff = ShoptetShop::new(
        Url::parse(&format!("{base_url}/shoptet")).unwrap(),
        reqwest::Client::new(),
        Arc::new(StaticToken(SecretString::from(DEMO_TOKEN.to_owned()))),
    );
    StaffDesk::new(staff).with_audit(AuditLog::new(state_dir, "shop-staff"))
}

fn address(city: &str) -> PostalAddress {
    PostalAddress {
        first_name: "Ada".into(),
        last_name: "Staffed".into(),
        company: None,
        line1: "Lard street 5".into(),
        line2: None,
        city: city.into(),
        postcode: "120 00".into(),
        region: None,
        country: "CZ".into(),
        phone: None,
    }
}

fn audit_lines(state_dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(state_dir.join(shopterm::platforms::shoptet::AUDIT_FILE))
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

#[tokio::test]
async fn search_choose_and_every_change_in_the_audit_log() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let home = tempfile::tempdir().unwrap();
    let state_dir = home.path().join("state");
    let desk = desk(&demo, &state_dir);

    // Nobody chosen: the customer calls say to choose one.
    assert!(matches!(
        desk.account().await,
        Err(ShopError::Validation { .. })
    ));
    let found = desk.search(&buyer().email).await.unwrap();
    assert_eq!(found.total, 1);
    let katrin = found.matches[0].clone();
    assert_eq!(katrin.email.as_deref(), Some(buyer().email.as_str()));
    let phone = katrin.phone.clone().expect("the buyer has a phone number");
    let by_phone = desk.search(&phone).await.unwrap();
    assert!(
        by_phone.matches.iter().any(|m| m.guid == katrin.guid),
        "{by_phone:?}"
    );

    desk.choose(Some(CustomerRef::Guid(katrin.guid.clone())));
    let account = desk.account().await.unwrap();
    assert_eq!(account.email, buyer().email);
    let added = desk.create_address(&address("Brno")).await.unwrap();
    desk.delete_address(&added.id).await.unwrap();
    let refused = desk.delete_address(&added.id).await;
    assert!(refused.is_err(), "already deleted: {refused:?}");

    let lines = audit_lines(&state_dir);
    assert_eq!(lines.len(), 3, "{lines:?}");
    for line in &lines {
        assert_eq!(line["profile"], "shop-staff");
        assert_eq!(line["customer"], katrin.guid.as_str());
        assert_eq!(line["target"], added.id.as_str());
    }
    assert_eq!(lines[0]["operation"], "create_address");
    assert_eq!(lines[0]["result"], "ok");
    assert_eq!(lines[1]["operation"], "delete_address");
    assert_eq!(lines[2]["result"], "failed");
    assert!(lines[2]["error"].as_str().is_some_and(|e| !e.is_empty()));
    let text =
        std::fs::read_to_string(state_dir.join(shopterm::platforms::shoptet::AUDIT_FILE)).unwrap();
    assert!(!text.contains(DEMO_TOKEN), "no token in the audit log");
    assert!(!text.contains("Lard street"), "no address in the audit log");

    // Put down: nothing more is answered for them.
    desk.choose(None);
    assert!(desk.addresses().await.is_err());
    demo.stop().await;
}

#[cfg(unix)]
#[tokio::test]
async fn a_change_the_audit_log_cannot_take_is_not_sent() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let home = tempfile::tempdir().unwrap();
    // The state "directory" is a file: the log cannot be created.
    let blocked = home.path().join("state");
    std::fs::write(&blocked, "not a directory").unwrap();
    let desk = desk(&demo, &blocked);
    let found = desk.search(&buyer().email).await.unwrap();
    desk.choose(Some(CustomerRef::Guid(found.matches[0].guid.clone())));
    let before = desk.addresses().await.unwrap().len();

    let refused = desk.create_address(&address("Olomouc")).await;
    assert!(
        matches!(&refused, Err(ShopError::Forbidden(why)) if why.contains("audit log")),
        "{refused:?}"
    );
    let after = desk.addresses().await.unwrap();
    assert_eq!(after.len(), before, "nothing was added");
    assert!(after.iter().all(|a| a.postal.city != "Olomouc"));
    demo.stop().await;
}

/// The demo store's key of a customer GUID the emulator made (its last 12 hex digits).
fn store_key(guid: &str) -> i64 {
    i64::from_str_radix(&guid[guid.len() - 12..], 16).expect("an emulator GUID")
}

#[tokio::test]
async fn a_customer_whose_detail_fails_is_marked_and_the_others_are_shown() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let home = tempfile::tempdir().unwrap();
    let direct = desk(&demo, home.path());
    let katrin = direct.search(&buyer().email).await.unwrap().matches[0].clone();
    let hanako = direct
        .search("hanako@demo.shopterm.example")
        .await
        .unwrap()
        .matches[0]
        .clone();
    // Two customers with one phone number (a family's landline).
    let phone = katrin.phone.clone().expect("the buyer has a phone");
    let store = demo.state.store.clone();
    let key = store_key(&hanako.guid);
    let shared = phone.clone();
    tokio::task::spawn_blocking(move || {
        let mut draft = store.account(key)?.to_draft();
        draft.phone = Some(shared);
        store.update_account(key, &draft)
    })
    .await
    .unwrap()
    .unwrap();

    let proxy = FaultProxy::start(demo.addr).await;
    proxy.inject(
        &format!("/shoptet/api/customers/{}", hanako.guid),
        Some("GET"),
        Fault::Status {
            status: 500,
            retry_after: None,
        },
    );
    let desk = desk_at(&proxy.base_url, home.path());
    let found = desk.search(&phone).await.expect("the search itself works");
    assert_eq!(found.total, 2, "{found:?}");
    let shown_katrin = found.matches.iter().find(|m| m.guid == katrin.guid);
    assert_eq!(
        shown_katrin.and_then(|m| m.email.as_deref()),
        Some(buyer().email.as_str()),
        "{found:?}"
    );
    assert!(shown_katrin.is_some_and(|m| m.detail_error.is_none()));
    let failed = found
        .matches
        .iter()
        .find(|m| m.guid == hanako.guid)
        .expect("the failed one is still listed");
    assert!(failed.detail_error.is_some(), "{failed:?}");
    assert_eq!(failed.email, None);
    assert!(!failed.name.is_empty(), "named from the list: {failed:?}");
    assert!(
        !proxy
            .seen(&format!("/shoptet/api/customers/{}", hanako.guid))
            .is_empty(),
        "the detail was asked for"
    );

    // Healed, choosing them reads the detail again.
    proxy.heal(&format!("/shoptet/api/customers/{}", hanako.guid));
    desk.choose(Some(CustomerRef::Guid(hanako.guid.clone())));
    assert_eq!(
        desk.account().await.unwrap().email,
        "hanako@demo.shopterm.example"
    );
    demo.stop().await;
}

#[tokio::test]
async fn guest_orders_are_found_by_email_and_open_read_only() {
    use shopterm::demo::emulators::shoptet::GUEST_EMAIL;
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let home = tempfile::tempdir().unwrap();
    let desk = desk(&demo, home.path());

    let found = desk.search(GUEST_EMAIL).await.unwrap();
    assert_eq!(found.total, 0, "no customer account: {found:?}");
    let [guests] = found.matches.as_slice() else {
        panic!("one match for the guest orders: {found:?}");
    };
    assert!(
        guests.is_guest() && guests.name.starts_with("Guest orders (2)"),
        "{guests:?}"
    );
    assert_eq!(guests.label(), format!("guest {GUEST_EMAIL}"));
    // A registered customer's e-mail has no guest match (their orders are their account's).
    let katrin = desk.search(&buyer().email).await.unwrap();
    assert!(katrin.matches.iter().all(|m| !m.is_guest()), "{katrin:?}");

    desk.choose(Some(guests.customer_ref()));
    let account = desk.account().await.unwrap();
    assert_eq!(account.email, GUEST_EMAIL);
    assert_eq!(
        (account.first_name.as_str(), account.last_name.as_str()),
        ("Gustav", "Gast")
    );
    let orders = desk.orders(&PageRequest::first(20)).await.unwrap();
    assert_eq!(orders.items.len(), 2, "{orders:?}");
    assert_eq!(orders.total, Some(2));
    let shipped = orders
        .items
        .iter()
        .find(|o| o.status == OrderStatus::Delivered)
        .expect("a delivered guest order");
    let detail = desk.order(&shipped.number).await.unwrap();
    assert_eq!(
        detail.shipments[0].tracking_id.as_deref(),
        Some("GUEST00012345")
    );
    // Katrin's order is not the guest's to read.
    let katrins_guid = &katrin.matches[0].guid;
    desk.choose(Some(CustomerRef::Guid(katrins_guid.clone())));
    let katrins_order = desk.orders(&PageRequest::first(1)).await.unwrap().items[0]
        .number
        .clone();
    desk.choose(Some(guests.customer_ref()));
    assert!(matches!(
        desk.order(&katrins_order).await,
        Err(ShopError::NotFound(_))
    ));

    // Read-only: nothing is changed, or ordered, for a guest.
    let refused = desk.create_address(&address("Brno")).await;
    assert!(
        matches!(&refused, Err(ShopError::Forbidden(why)) if why.contains("guest")),
        "{refused:?}"
    );
    assert!(desk.addresses().await.is_err());
    demo.stop().await;
}

#[tokio::test]
async fn a_customers_details_are_changed_with_an_audit_line_and_read_afresh() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let home = tempfile::tempdir().unwrap();
    let state_dir = home.path().join("state");
    let desk = desk(&demo, &state_dir);
    let katrin = desk.search(&buyer().email).await.unwrap().matches[0].clone();
    // Chosen by e-mail, as the CLI's --customer does: a new e-mail must not lose them.
    desk.choose(Some(CustomerRef::Email(buyer().email)));
    let before = desk.account().await.unwrap();
    let mut draft = before.to_draft();
    draft.first_name = "Katrina".into();
    draft.phone = Some("+49 30 5557 9999".into());
    draft.email = "katrina@demo.shopterm.example".into();
    let saved = desk.update_account(&draft).await.unwrap();
    assert_eq!(saved.first_name, "Katrina");
    assert_eq!(saved.phone.as_deref(), Some("+49 30 5557 9999"));
    let reread = desk.account().await.unwrap();
    assert_eq!(reread.email, "katrina@demo.shopterm.example", "read afresh");
    assert_eq!(reread.id.as_str(), katrin.guid);
    // The search finds her by the new phone.
    let by_phone = desk.search("+49 30 5557 9999").await.unwrap();
    assert!(by_phone.matches.iter().any(|m| m.guid == katrin.guid));

    // The company is the billing address's: saved there (PATCH /api/customers/{guid}), and
    // read back on the account; one the shop refuses is a field error on the company.
    let mut company = reread.to_draft();
    company.company = Some("Vogel Antriebstechnik AG".into());
    let saved = desk.update_account(&company).await.unwrap();
    assert_eq!(saved.company.as_deref(), Some("Vogel Antriebstechnik AG"));
    let reread = desk.account().await.unwrap();
    assert_eq!(reread.company.as_deref(), Some("Vogel Antriebstechnik AG"));
    let billing = desk.addresses().await.unwrap();
    assert!(
        billing
            .iter()
            .any(|a| a.postal.company.as_deref() == Some("Vogel Antriebstechnik AG")),
        "{billing:?}"
    );
    // The company's registration number and VAT id: the billing address's companyId and
    // vatId, kept in the demo store's company_ids, read back on the account.
    let mut ids = reread.to_draft();
    ids.company_id = Some("HRB 123456".into());
    ids.vat_id = Some("DE123456789".into());
    let saved = desk.update_account(&ids).await.unwrap();
    assert_eq!(
        (saved.company_id.as_deref(), saved.vat_id.as_deref()),
        (Some("HRB 123456"), Some("DE123456789"))
    );
    assert_eq!(desk.account().await.unwrap(), saved);
    let store = demo.state.store.clone();
    let key = store_key(&katrin.guid);
    let kept = tokio::task::spawn_blocking(move || store.company_ids(key))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        kept,
        (Some("HRB 123456".into()), Some("DE123456789".into()))
    );
    let reread = saved;
    let mut too_long = reread.to_draft();
    too_long.company = Some("G".repeat(300));
    let refused = desk.update_account(&too_long).await;
    assert!(
        matches!(&refused, Err(ShopError::Validation { fields, .. }) if fields[0].field == "company"),
        "{refused:?}"
    );
    let mut taken = reread.to_draft();
    taken.email = "hanako@demo.shopterm.example".into();
    let refused = desk.update_account(&taken).await;
    assert!(
        matches!(&refused, Err(ShopError::Validation { fields, .. }) if fields.iter().any(|f| f.field == "email")),
        "{refused:?}"
    );
    assert_eq!(desk.account().await.unwrap(), reread);

    let lines = audit_lines(&state_dir);
    let operations: Vec<_> = lines
        .iter()
        .map(|l| (l["operation"].clone(), l["result"].clone()))
        .collect();
    assert_eq!(
        operations,
        vec![
            ("update_account".into(), "ok".into()),
            ("update_account".into(), "ok".into()),
            ("update_account".into(), "ok".into()),
            ("update_account".into(), "failed".into()),
            ("update_account".into(), "failed".into()),
        ]
    );
    let text =
        std::fs::read_to_string(state_dir.join(shopterm::platforms::shoptet::AUDIT_FILE)).unwrap();
    assert!(
        !text.contains("5557 9999") && !text.contains("Katrina"),
        "no personal data: {text}"
    );
    demo.stop().await;
}
