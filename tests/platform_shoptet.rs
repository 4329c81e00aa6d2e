//! The Shoptet connector against the demo shop's Shoptet emulator (`/shoptet`), over real
//! loopback HTTP: the staff token and the headers every request needs, finding a customer by
//! e-mail, their account, delivery addresses (create, update, delete, a field error), orders by
//! customer with a detail holding two shipments and their tracking numbers, another customer's
//! order staying out of reach, product lookup, reorders (copy and a priced new order), and the
//! pacing: never more than 3 connections, never a 429 from the bucket, one write per URL.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use secrecy::SecretString;
use shopterm::auth::StaticToken;
use shopterm::demo::RunningDemo;
use shopterm::demo::emulators::shoptet::{
    DEMO_TOKEN, ESHOP_NAME, GUEST_EMAIL, LIMITS_REPORT_PATH, LimitsReport,
};
use shopterm::model::*;
use shopterm::platforms::shoptet::{CustomerRef, ShoptetShop};
use shopterm::shop::{Feature, Shop, ShopError};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::demo::{buyer, spawn_demo};
use support::proxy::{Fault, FaultProxy};
use url::Url;

fn api_url(demo: &RunningDemo) -> Url {
    Url::parse(&format!("{}/shoptet", demo.base_url)).unwrap()
}

fn staff(demo: &RunningDemo, token: &str) -> ShoptetShop {
    ShoptetShop::new(
        api_url(demo),
        reqwest::Client::new(),
        Arc::new(StaticToken(SecretString::from(token.to_owned()))),
    )
}

fn for_buyer(demo: &RunningDemo) -> ShoptetShop {
    staff(demo, DEMO_TOKEN).for_customer(CustomerRef::Email(buyer().email))
}

async fn limits(demo: &RunningDemo) -> LimitsReport {
    reqwest::get(format!("{}/shoptet{LIMITS_REPORT_PATH}", demo.base_url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn new_address(city: &str) -> PostalAddress {
    PostalAddress {
        first_name: "Ada".into(),
        last_name: "Staffed".into(),
        company: None,
        line1: "Lard street 5".into(),
        line2: Some("4th floor".into()),
        city: city.into(),
        postcode: "120 00".into(),
        region: None,
        country: "CZ".into(),
        phone: None,
    }
}

#[tokio::test]
async fn the_staff_token_reads_the_eshop_and_finds_a_customer_by_email() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let shop = staff(&demo, DEMO_TOKEN);
    let eshop = shop.eshop().await.unwrap();
    assert_eq!(
        eshop.contact_information.eshop_name.as_deref(),
        Some(ESHOP_NAME)
    );

    let found = shop
        .search_customers(Some(&buyer().email.to_uppercase()), None)
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "one customer has that e-mail, in any case");
    assert!(
        shop.search_customers(Some("nobody@example.org"), None)
            .await
            .unwrap()
            .is_empty()
    );

    let chosen = shop.for_customer(CustomerRef::Guid(found[0].guid.clone()));
    let account = chosen.account().await.unwrap();
    assert_eq!(account.email, buyer().email);
    assert_eq!(account.id.as_str(), found[0].guid);
    // Without a customer, a staff connector says what to do instead of guessing one.
    match shop.account().await {
        Err(ShopError::Validation { fields, .. }) => assert_eq!(fields[0].field, "customer"),
        other => panic!("{other:?}"),
    }
    // What Shoptet's API lacks is unavailable, never a crash.
    assert!(!chosen.capabilities().supports(Feature::ChangePassword));
    assert!(matches!(
        chosen.request_password_reset("x@example.org").await,
        Err(ShopError::Unsupported(Feature::ForgottenPassword))
    ));
    demo.stop().await;
}

#[tokio::test]
async fn a_wrong_token_or_a_missing_content_type_is_refused() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    assert_eq!(
        staff(&demo, "not-the-token").eshop().await.unwrap_err(),
        ShopError::SessionExpired
    );
    let client = reqwest::Client::new();
    let url = format!("{}/api/eshop", api_url(&demo));
    let without_type = client
        .get(&url)
        .header("Shoptet-Private-API-Token", DEMO_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(without_type.status(), 400);
    let with_type = client
        .get(&url)
        .header("Shoptet-Private-API-Token", DEMO_TOKEN)
        .header("Content-Type", "application/vnd.shoptet.v1.0")
        .send()
        .await
        .unwrap();
    assert_eq!(with_type.status(), 200);
    assert!(
        with_type
            .headers()
            .contains_key("X-RateLimit-Bucket-Filling")
    );
    demo.stop().await;
}

#[tokio::test]
async fn delivery_addresses_are_created_updated_and_deleted() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let shop = for_buyer(&demo);
    let before = shop.addresses().await.unwrap();
    let created = shop.create_address(&new_address("Praha")).await.unwrap();
    assert_eq!(created.postal.city, "Praha");
    assert_eq!(created.postal.postcode, "120 00");
    assert_eq!(
        (
            created.postal.first_name.as_str(),
            created.postal.last_name.as_str()
        ),
        ("Ada", "Staffed")
    );
    let after = shop.addresses().await.unwrap();
    assert_eq!(after.len(), before.len() + 1);

    let updated = shop
        .update_address(&created.id, &new_address("Brno"))
        .await
        .unwrap();
    assert_eq!(updated.id, created.id);
    assert_eq!(updated.postal.city, "Brno");

    let book = shop
        .set_default_address(&created.id, AddressRole::Shipping)
        .await
        .unwrap();
    assert!(
        book.iter()
            .any(|a| a.id == created.id && a.default_shipping)
    );
    assert_eq!(book.iter().filter(|a| a.default_shipping).count(), 1);
    // The default cannot go; another one first.
    assert!(matches!(
        shop.delete_address(&created.id).await,
        Err(ShopError::Conflict(_))
    ));
    let first = &before[0].id;
    shop.set_default_address(first, AddressRole::Shipping)
        .await
        .unwrap();

    let mut bad = new_address("Plzeň");
    bad.postcode = String::new();
    match shop.create_address(&bad).await {
        Err(ShopError::Validation { fields, .. }) => {
            assert!(fields.iter().any(|f| f.field == "postcode"), "{fields:?}")
        }
        other => panic!("{other:?}"),
    }

    shop.delete_address(&created.id).await.unwrap();
    let left = shop.addresses().await.unwrap();
    assert!(left.iter().all(|a| a.id != created.id));
    assert!(matches!(
        shop.delete_address(&created.id).await,
        Err(ShopError::NotFound(_))
    ));
    demo.stop().await;
}

/// An order of the buyer's with at least two shipments, from the store itself.
async fn order_with_two_shipments(demo: &RunningDemo) -> OrderDetail {
    let login = buyer();
    demo.state
        .with_store(move |s| {
            let key = s
                .verify_password(&login.email, &login.password)?
                .expect("the buyer");
            let mut page = PageRequest::first(200);
            loop {
                let found = s.orders(key, &page)?;
                for summary in &found.items {
                    let detail = s.order(key, &summary.number)?;
                    if detail.shipments.len() >= 2
                        && detail.shipments.iter().all(|sh| sh.tracking_id.is_some())
                    {
                        return Ok(detail);
                    }
                }
                assert!(
                    found.has_more,
                    "no order with two tracked shipments in the demo"
                );
                page = page.next(found.items.len());
            }
        })
        .await
        .unwrap()
}

/// The newest of the buyer's orders that is paid (and so has an invoice) and the newest that is
/// not, from the connector's list.
async fn paid_and_unpaid(shop: &ShoptetShop) -> (OrderNumber, Option<OrderNumber>) {
    let orders = shop.orders(&PageRequest::first(50)).await.unwrap();
    let paid = orders
        .items
        .iter()
        .find(|o| o.payment_status == PaymentStatus::Paid)
        .expect("a paid order of the buyer's")
        .number
        .clone();
    let unpaid = orders
        .items
        .iter()
        .find(|o| o.payment_status == PaymentStatus::Unpaid)
        .map(|o| o.number.clone());
    (paid, unpaid)
}

#[tokio::test]
async fn order_and_invoice_pdfs_are_real_pdfs_of_the_customers_own_orders() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let shop = for_buyer(&demo);
    assert!(shop.capabilities().supports(Feature::Documents));
    let (paid, unpaid) = paid_and_unpaid(&shop).await;
    let order_pdf = shop.document_pdf(&paid, DocumentKind::Order).await.unwrap();
    let text = String::from_utf8_lossy(&order_pdf);
    assert!(text.starts_with("%PDF-") && text.trim_end().ends_with("%%EOF"));
    assert!(text.contains(&format!("(Order {paid}) Tj")), "{text}");
    let invoice = shop
        .document_pdf(&paid, DocumentKind::Invoice)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&invoice).contains("(Invoice INV-"));
    if let Some(unpaid) = unpaid {
        let none = shop.document_pdf(&unpaid, DocumentKind::Invoice).await;
        assert!(
            matches!(&none, Err(ShopError::NotFound(why)) if why.contains("no invoice")),
            "{none:?}"
        );
    }
    // Another customer's order gives no document, though the staff token could read it.
    let hanako = staff(&demo, DEMO_TOKEN)
        .for_customer(CustomerRef::Email("hanako@demo.shopterm.example".into()));
    assert!(matches!(
        hanako.document_pdf(&paid, DocumentKind::Order).await,
        Err(ShopError::NotFound(_))
    ));
    demo.stop().await;
}

#[tokio::test]
async fn orders_by_customer_and_an_order_with_two_shipments() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let shop = for_buyer(&demo);
    let first = shop.orders(&PageRequest::first(20)).await.unwrap();
    assert_eq!(first.items.len(), 20);
    assert!(first.has_more);
    let second = shop.orders(&first.next_request()).await.unwrap();
    assert!(
        second
            .items
            .iter()
            .all(|o| first.items.iter().all(|f| f.number != o.number))
    );

    let expected = order_with_two_shipments(&demo).await;
    let detail = shop.order(&expected.summary.number).await.unwrap();
    let tracking: Vec<_> = detail
        .shipments
        .iter()
        .map(|s| s.tracking_id.clone())
        .collect();
    let wanted: Vec<_> = expected
        .shipments
        .iter()
        .map(|s| s.tracking_id.clone())
        .collect();
    assert_eq!(tracking, wanted);
    assert!(detail.shipments.len() >= 2);
    assert_eq!(detail.summary.total, expected.summary.total);
    assert_eq!(detail.lines.len(), expected.lines.len());
    assert_eq!(detail.lines[0].code, expected.lines[0].code);
    assert_eq!(detail.lines[0].unit_price, expected.lines[0].unit_price);

    // The order is the buyer's: for another customer, it does not exist.
    let other = staff(&demo, DEMO_TOKEN)
        .for_customer(CustomerRef::Email("hanako@demo.shopterm.example".into()));
    assert!(matches!(
        other.order(&expected.summary.number).await,
        Err(ShopError::NotFound(_))
    ));
    demo.stop().await;
}

trait NextRequest {
    fn next_request(&self) -> PageRequest;
}

impl NextRequest for Page<OrderSummary> {
    fn next_request(&self) -> PageRequest {
        PageRequest::first(20).next(self.items.len())
    }
}

#[tokio::test]
async fn products_and_reorders() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let shop = for_buyer(&demo);
    let expected = order_with_two_shipments(&demo).await;
    let code = expected.lines[0].code.clone();
    let found = shop
        .products(&ProductQuery {
            codes: vec![code.clone(), ProductCode("NO-SUCH-CODE".into())],
            brand: None,
        })
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].code, code);

    let copied = shop.copy_order(&expected.summary.number).await.unwrap();
    assert_ne!(copied.number, expected.summary.number);
    let copy = shop.order(&copied.number).await.unwrap();
    assert_eq!(copy.lines.len(), expected.lines.len());

    let placed = shop
        .place_order(&NewOrder {
            idempotency_key: "ignored-by-shoptet".into(),
            lines: vec![NewOrderLine {
                code: code.clone(),
                brand: None,
                quantity: 2,
            }],
            shipping_address: None,
            billing_address: None,
            note: None,
        })
        .await
        .unwrap();
    let detail = shop.order(&placed.number).await.unwrap();
    assert_eq!(detail.lines[0].code, code);
    assert_eq!(detail.lines[0].quantity, 2);
    let newest = shop.orders(&PageRequest::first(5)).await.unwrap();
    assert!(newest.items.iter().any(|o| o.number == placed.number));
    demo.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_client_keeps_to_three_connections_and_one_write_per_url() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let shop = Arc::new(for_buyer(&demo));
    shop.account().await.unwrap();
    let reads: Vec<_> = (0..12)
        .map(|_| {
            let shop = shop.clone();
            tokio::spawn(async move { shop.orders(&PageRequest::first(50)).await })
        })
        .collect();
    for read in reads {
        read.await.unwrap().unwrap();
    }
    let writes: Vec<_> = (0..4)
        .map(|_| {
            let shop = shop.clone();
            tokio::spawn(async move { shop.create_address(&new_address("Ostrava")).await })
        })
        .collect();
    for write in writes {
        write.await.unwrap().unwrap();
    }
    let report = limits(&demo).await;
    assert!(report.most_in_flight <= 3, "{report:?}");
    assert!(
        report.most_in_flight >= 2,
        "the reads did run side by side: {report:?}"
    );
    assert_eq!(report.refused_too_many, 0, "{report:?}");
    assert_eq!(report.refused_locked, 0, "{report:?}");
    demo.stop().await;
}

#[tokio::test]
async fn the_client_paces_itself_through_the_leaky_bucket_instead_of_hitting_429() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let shop = Arc::new(staff(&demo, DEMO_TOKEN));
    let started = Instant::now();
    // 230 requests: 200 fit the bucket, the other 30 wait for it to drain at 10 per second.
    let tasks: Vec<_> = (0..230)
        .map(|_| {
            let shop = shop.clone();
            tokio::spawn(async move { shop.eshop().await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let elapsed = started.elapsed();
    let report = limits(&demo).await;
    assert_eq!(report.refused_too_many, 0, "{report:?}");
    assert!(
        elapsed >= Duration::from_millis(2500),
        "took only {elapsed:?}"
    );
    demo.stop().await;
}

#[tokio::test]
async fn a_429_is_waited_out_until_its_retry_after_date_then_sent_again() {
    use axum::http::{HeaderMap, StatusCode, header};
    use std::sync::atomic::{AtomicUsize, Ordering};
    // A shop whose bucket is full for the first request only: the client cannot have seen it
    // coming, so this is the path after a 429, not the pacing before one.
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    let app = axum::Router::new().route(
        "/api/eshop",
        axum::routing::get(move |headers: HeaderMap| {
            let counter = counter.clone();
            async move {
                assert_eq!(
                    headers.get("Content-Type").and_then(|v| v.to_str().ok()),
                    Some("application/vnd.shoptet.v1.0")
                );
                assert!(headers.contains_key("Shoptet-Private-API-Token"));
                let filling = header::HeaderName::from_static("x-ratelimit-bucket-filling");
                if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                    let at = std::time::SystemTime::now() + Duration::from_secs(2);
                    return (
                        StatusCode::TOO_MANY_REQUESTS,
                        [
                            (header::RETRY_AFTER, httpdate::fmt_http_date(at)),
                            (filling, "200/200".to_owned()),
                        ],
                        String::new(),
                    );
                }
                let body = r#"{"data":{"contactInformation":{"eshopId":7,"eshopName":"Paced","url":null}},"errors":null}"#;
                (
                    StatusCode::OK,
                    [
                        (header::CONTENT_TYPE, "application/vnd.shoptet.v1.0+json".to_owned()),
                        (filling, "1/200".to_owned()),
                    ],
                    body.to_owned(),
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let shop = ShoptetShop::new(
        Url::parse(&format!("http://{addr}/")).unwrap(),
        reqwest::Client::new(),
        Arc::new(StaticToken(SecretString::from("t".to_owned()))),
    );
    let started = Instant::now();
    let eshop = shop.eshop().await.expect("answered after waiting");
    assert_eq!(
        eshop.contact_information.eshop_name.as_deref(),
        Some("Paced")
    );
    assert_eq!(seen.load(Ordering::SeqCst), 2);
    // The date has whole seconds: "now + 2 s" is between 1 and 2 s away.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

/// Shoptet's OpenAPI description with its defects fixed (tests/specs/shoptet/CHANGES.md).
fn shoptet_spec() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/shoptet/openapi.yaml")
}

#[tokio::test]
async fn every_operation_the_connector_uses_passes_prism_against_shoptets_description() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let upstream = format!("{}/shoptet", demo.base_url);
    let spec = shoptet_spec();
    let proxy = tokio::task::spawn_blocking(move || support::prism::Prism::start(&spec, &upstream))
        .await
        .unwrap();
    let staff = ShoptetShop::new(
        Url::parse(&proxy.base_url).unwrap(),
        reqwest::Client::new(),
        Arc::new(StaticToken(SecretString::from(DEMO_TOKEN.to_owned()))),
    );
    // GET /api/eshop, GET /api/customers?email=, GET /api/customers/{guid}
    assert_eq!(
        staff
            .eshop()
            .await
            .unwrap()
            .contact_information
            .eshop_name
            .as_deref(),
        Some(ESHOP_NAME)
    );
    let shop = staff.for_customer(CustomerRef::Email(buyer().email));
    let account = shop.account().await.unwrap();
    assert_eq!(account.email, buyer().email);
    // GET /api/customers?phone= (--customer PHONE, `shopterm customers --phone`)
    let phone = account.phone.expect("the buyer has a phone");
    let by_phone = staff.for_customer(CustomerRef::Phone(phone));
    assert_eq!(by_phone.account().await.unwrap().email, buyer().email);
    // Delivery addresses: GET (paged), POST, PATCH (also as the default), DELETE.
    let before = shop.addresses().await.unwrap();
    let created = shop.create_address(&new_address("Praha")).await.unwrap();
    shop.update_address(&created.id, &new_address("Brno"))
        .await
        .unwrap();
    shop.set_default_address(&created.id, AddressRole::Shipping)
        .await
        .unwrap();
    shop.set_default_address(&before[0].id, AddressRole::Shipping)
        .await
        .unwrap();
    shop.delete_address(&created.id).await.unwrap();
    // GET /api/orders?customerGuid=, /api/orders/{code}?include=…, /api/shipments?orderCode=
    let orders = shop.orders(&PageRequest::first(20)).await.unwrap();
    let expected = order_with_two_shipments(&demo).await;
    let detail = shop.order(&expected.summary.number).await.unwrap();
    assert!(detail.shipments.len() >= 2);
    shop.order(&orders.items[0].number).await.unwrap();
    // GET /api/products/code/{code}, POST /api/orders/{code}/copy, POST /api/orders
    let code = expected.lines[0].code.clone();
    let query = ProductQuery {
        codes: vec![code.clone()],
        brand: None,
    };
    assert_eq!(shop.products(&query).await.unwrap().len(), 1);
    shop.copy_order(&expected.summary.number).await.unwrap();
    let order = NewOrder {
        idempotency_key: "prism-reorder-1".into(),
        lines: vec![NewOrderLine {
            code,
            brand: None,
            quantity: 1,
        }],
        shipping_address: None,
        billing_address: None,
        note: None,
    };
    shop.place_order(&order).await.unwrap();
    // The same external code again is refused, not a second order.
    assert!(matches!(
        shop.place_order(&order).await,
        Err(ShopError::Conflict(_))
    ));
    // PATCH /api/customers/{guid}/accounts/{accountGuid} (and the detail read again)
    let mut draft = shop.account().await.unwrap().to_draft();
    draft.phone = Some("+49 30 5557 1201".into());
    assert_eq!(
        shop.update_account(&draft).await.unwrap().phone.as_deref(),
        Some("+49 30 5557 1201")
    );
    // PATCH /api/customers/{guid} (the billing address's company), and cleared again
    let mut draft = shop.account().await.unwrap().to_draft();
    let company = draft.company.clone();
    draft.company = Some("Prism Prüfstand GmbH".into());
    assert_eq!(
        shop.update_account(&draft)
            .await
            .unwrap()
            .company
            .as_deref(),
        Some("Prism Prüfstand GmbH")
    );
    draft.company = None;
    assert_eq!(shop.update_account(&draft).await.unwrap().company, None);
    draft.company = company;
    shop.update_account(&draft).await.unwrap();
    // The same call with billingAddress.companyId and .vatId alone, then cleared (null).
    draft.company_id = Some("27082440".into());
    draft.vat_id = Some("CZ27082440".into());
    let saved = shop.update_account(&draft).await.unwrap();
    assert_eq!(
        (saved.company_id.as_deref(), saved.vat_id.as_deref()),
        (Some("27082440"), Some("CZ27082440"))
    );
    assert_eq!(
        shop.account().await.unwrap(),
        saved,
        "kept after the change"
    );
    draft.vat_id = None;
    let saved = shop.update_account(&draft).await.unwrap();
    assert_eq!(
        (saved.company_id.as_deref(), saved.vat_id),
        (Some("27082440"), None)
    );
    draft.company_id = None;
    assert_eq!(shop.update_account(&draft).await.unwrap().company_id, None);
    // GET /api/orders/{code}/pdf, GET /api/invoices?orderCode=, GET /api/invoices/{code}/pdf
    let (paid, _) = paid_and_unpaid(&shop).await;
    shop.document_pdf(&paid, DocumentKind::Order).await.unwrap();
    shop.document_pdf(&paid, DocumentKind::Invoice)
        .await
        .unwrap();
    // GET /api/orders?email= (guest orders) and a guest's order with its shipments.
    let guests = staff.for_customer(CustomerRef::Guest(GUEST_EMAIL.into()));
    let guest_orders = guests.orders(&PageRequest::first(20)).await.unwrap();
    assert_eq!(guest_orders.items.len(), 2);
    for order in &guest_orders.items {
        guests.order(&order.number).await.unwrap();
    }
    // An error answer in Shoptet's envelope: an order that does not exist.
    assert!(matches!(
        shop.order(&OrderNumber("SO-999999".into())).await,
        Err(ShopError::NotFound(_))
    ));
    assert!(proxy.forwarded() >= 15, "{}", proxy.log_text());
    proxy.assert_no_violations();
    demo.stop().await;
}

/// `shopterm login URL --platform shoptet --token-stdin -p PROFILE` with `token` on stdin.
async fn staff_login(
    sandbox: &support::sandbox::Sandbox,
    url: &str,
    profile: &str,
    token: &str,
) -> support::sandbox::Run {
    let args = [
        "login",
        url,
        "--platform",
        "shoptet",
        "--token-stdin",
        "-p",
        profile,
    ];
    sandbox
        .run_with_stdin(&args, Some(&format!("{token}\n")))
        .await
}

#[tokio::test]
async fn cli_staff_sign_in_reads_the_token_from_stdin_and_commands_take_a_customer() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let sandbox = support::sandbox::Sandbox::new();
    let url = api_url(&demo).to_string();
    let profile = "staff";

    // A refused token stores nothing.
    let wrong = staff_login(&sandbox, &url, profile, "not-the-token").await;
    assert_eq!(wrong.status.code(), Some(3), "{}", wrong.all_output());
    assert!(!sandbox.token_file(profile).exists());
    // A token is never an argument.
    let as_argument = sandbox
        .run(&[
            "login",
            &url,
            "--platform",
            "shoptet",
            "--token",
            DEMO_TOKEN,
        ])
        .await;
    assert_eq!(
        as_argument.status.code(),
        Some(2),
        "{}",
        as_argument.all_output()
    );

    let login = staff_login(&sandbox, &url, profile, DEMO_TOKEN).await;
    assert!(login.status.success(), "{}", login.all_output());
    assert!(
        login
            .stdout
            .contains(&format!("staff token for {ESHOP_NAME}")),
        "{}",
        login.all_output()
    );
    assert_eq!(
        support::sandbox::mode_of(&sandbox.token_file(profile)),
        0o600
    );

    let whoami = sandbox.run(&["whoami", "-p", profile]).await;
    assert!(whoami.status.success(), "{}", whoami.all_output());
    assert!(
        whoami
            .stdout
            .contains(&format!("Signed in with: staff token for {ESHOP_NAME}")),
        "{}",
        whoami.stdout
    );
    let whoami = sandbox
        .run(&["whoami", "-p", profile, "--customer", &buyer().email])
        .await;
    assert!(
        whoami.stdout.contains(&format!("<{}>", buyer().email)),
        "{}",
        whoami.all_output()
    );

    // Without a customer, a command says how to choose one.
    let orders = sandbox.run(&["orders", "-p", profile]).await;
    assert!(!orders.status.success());
    assert!(
        orders.stderr.contains("--customer"),
        "{}",
        orders.all_output()
    );

    // An order with two shipments, read through the CLI: both tracking numbers.
    let expected = order_with_two_shipments(&demo).await;
    let number = expected.summary.number.to_string();
    let order = sandbox
        .run(&[
            "order",
            &number,
            "-p",
            profile,
            "--customer",
            &buyer().email,
        ])
        .await;
    assert!(order.status.success(), "{}", order.all_output());
    for shipment in &expected.shipments {
        let tracking = shipment.tracking_id.as_deref().unwrap();
        assert!(
            order.stdout.contains(tracking),
            "{tracking} missing:\n{}",
            order.stdout
        );
    }
    // For another customer that order does not exist.
    let other = sandbox
        .run(&[
            "order",
            &number,
            "-p",
            profile,
            "--customer",
            "hanako@demo.shopterm.example",
        ])
        .await;
    assert!(!other.status.success(), "{}", other.all_output());

    // A repeat order placed from the CLI for the customer is in the staff audit log.
    let reorder = sandbox
        .run(&[
            "reorder",
            &number,
            "--yes",
            "-p",
            profile,
            "--customer",
            &buyer().email,
        ])
        .await;
    assert!(reorder.status.success(), "{}", reorder.all_output());
    let audit = std::fs::read_to_string(sandbox.path("state").join("staff-audit.jsonl"))
        .unwrap_or_default();
    let placed: Vec<serde_json::Value> = audit
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    assert_eq!(placed.len(), 1, "{audit}");
    assert_eq!(placed[0]["operation"], "place_order");
    assert_eq!(placed[0]["profile"], profile);
    assert_eq!(placed[0]["customer"], buyer().email.as_str());
    assert_eq!(placed[0]["result"], "ok");
    let new_number = placed[0]["target"].as_str().unwrap_or_default();
    assert!(
        !new_number.is_empty() && reorder.stdout.contains(new_number),
        "{}\n{audit}",
        reorder.stdout
    );

    // The token appears in no output, and in no file but the token file (the log included).
    for text in [
        &login.all_output(),
        &whoami.all_output(),
        &order.all_output(),
        &reorder.all_output(),
    ] {
        assert!(!text.contains(DEMO_TOKEN), "the token leaked into:\n{text}");
    }
    let mut files = vec![sandbox.dir.path().to_path_buf()];
    let mut checked = 0;
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path != sandbox.token_file(profile) {
            let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
            assert!(
                !text.contains(DEMO_TOKEN),
                "the token leaked into {}",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 2, "the log and config.toml were checked");

    // Signing out deletes the token here (Shoptet revokes private tokens in its administration).
    let logout = sandbox.run(&["logout", "-p", profile]).await;
    assert!(logout.status.success(), "{}", logout.all_output());
    assert!(!sandbox.token_file(profile).exists());
    let after = sandbox
        .run(&["orders", "-p", profile, "--customer", &buyer().email])
        .await;
    assert_eq!(after.status.code(), Some(3), "{}", after.all_output());
    // The TUI on the staff profile without its token says how to sign in (not in the TUI, where
    // the token could not be typed without echo).
    let tui = sandbox.run(&["-p", profile]).await;
    assert!(!tui.status.success());
    assert!(
        tui.stderr.contains("has no staff API token")
            && tui
                .stderr
                .contains(&format!("shopterm login --profile {profile}")),
        "{}",
        tui.all_output()
    );
    demo.stop().await;
}

#[tokio::test]
async fn cli_saves_an_orders_pdf_and_its_invoice_never_over_an_existing_file() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let mut sandbox = support::sandbox::Sandbox::new();
    let downloads = sandbox.path("downloads");
    let opened = sandbox.path("opened.txt");
    sandbox.set("SHOPTERM_DOWNLOAD_DIR", &downloads.display().to_string());
    // Records what it was asked to open (the URL comes last, as $0 of the script).
    sandbox.set(
        "BROWSER",
        &format!("sh -c 'echo \"$0\" > {}'", opened.display()),
    );
    let url = api_url(&demo).to_string();
    let login = staff_login(&sandbox, &url, "staff", DEMO_TOKEN).await;
    assert!(login.status.success(), "{}", login.all_output());
    let (paid, _) = paid_and_unpaid(&for_buyer(&demo)).await;
    let number = paid.to_string();
    let email = buyer().email;
    let pdf = |extra: &[&str]| {
        let mut args = vec![
            "orders",
            "pdf",
            number.as_str(),
            "-p",
            "staff",
            "--customer",
        ];
        args.push(email.as_str());
        args.extend_from_slice(extra);
        args.iter().map(|a| a.to_string()).collect::<Vec<_>>()
    };
    let run = |args: Vec<String>| {
        let sandbox = &sandbox;
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            sandbox.run(&args).await
        }
    };

    let first = run(pdf(&[])).await;
    assert!(first.status.success(), "{}", first.all_output());
    let saved = downloads.join(format!("order-{number}.pdf"));
    assert_eq!(first.stdout.trim(), saved.display().to_string());
    assert!(std::fs::read(&saved).unwrap().starts_with(b"%PDF-"));
    assert_eq!(support::sandbox::mode_of(&saved), 0o600);
    assert!(!opened.exists(), "not opened without --open");
    // Again: a new file beside it, the first left as it was.
    let again = run(pdf(&[])).await;
    assert!(again.status.success(), "{}", again.all_output());
    assert_eq!(
        again.stdout.trim(),
        downloads
            .join(format!("order-{number} (2).pdf"))
            .display()
            .to_string()
    );

    // The invoice to a chosen file, opened; a chosen file that exists is refused.
    let chosen = sandbox.path("invoice.pdf");
    let chosen_arg = chosen.display().to_string();
    let invoice = run(pdf(&["--invoice", "-o", &chosen_arg, "--open"])).await;
    assert!(invoice.status.success(), "{}", invoice.all_output());
    assert!(String::from_utf8_lossy(&std::fs::read(&chosen).unwrap()).contains("Invoice INV-"));
    let deadline = Instant::now() + Duration::from_secs(10);
    while !opened.exists() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let opened_url = std::fs::read_to_string(&opened).unwrap_or_default();
    assert!(
        opened_url.trim().starts_with("file://") && opened_url.trim().ends_with("/invoice.pdf"),
        "{opened_url:?}"
    );
    let before = std::fs::read(&chosen).unwrap();
    let refused = run(pdf(&["--invoice", "-o", &chosen_arg])).await;
    assert!(!refused.status.success(), "{}", refused.all_output());
    assert!(
        refused.stderr.contains("cannot save"),
        "{}",
        refused.all_output()
    );
    assert_eq!(std::fs::read(&chosen).unwrap(), before);

    // Another customer's order: not found, nothing saved.
    let other = sandbox
        .run(&[
            "orders",
            "pdf",
            &number,
            "-p",
            "staff",
            "--customer",
            "hanako@demo.shopterm.example",
        ])
        .await;
    assert_eq!(other.status.code(), Some(4), "{}", other.all_output());
    assert_eq!(std::fs::read_dir(&downloads).unwrap().count(), 2);
    demo.stop().await;
}

/// The demo's Shoptet API behind the fault proxy, and the buyer's connector through it.
async fn behind_a_fault_proxy() -> (RunningDemo, FaultProxy, ShoptetShop) {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let proxy = FaultProxy::start(demo.addr).await;
    let shop = ShoptetShop::new(
        Url::parse(&format!("{}/shoptet", proxy.base_url)).unwrap(),
        reqwest::Client::new(),
        Arc::new(StaticToken(SecretString::from(DEMO_TOKEN.to_owned()))),
    )
    .for_customer(CustomerRef::Email(buyer().email));
    (demo, proxy, shop)
}

/// Errors quote a shop's answer in one short line at most.
const SHORT: usize = 300;

#[tokio::test]
async fn a_retry_after_longer_than_the_cap_fails_at_once_naming_the_wait() {
    let (demo, proxy, shop) = behind_a_fault_proxy().await;
    // An hour, and the largest number a header can hold (an unchecked add would panic).
    for seconds in [3600, u64::MAX] {
        proxy.inject(
            "/shoptet/api/eshop",
            None,
            Fault::Status {
                status: 429,
                retry_after: Some(seconds),
            },
        );
        let started = Instant::now();
        let error = shop.eshop().await.expect_err("rate limited");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "waited {:?} for Retry-After: {seconds}",
            started.elapsed()
        );
        assert_eq!(
            error,
            ShopError::RateLimited {
                retry_after: Some(Duration::from_secs(seconds))
            }
        );
        assert!(
            error
                .to_string()
                .contains(&format!("try again in {seconds} s")),
            "{error}"
        );
        assert_eq!(
            proxy.seen("/shoptet/api/eshop").len(),
            1,
            "asked to wait that long, the request is not repeated"
        );
        proxy.heal("/shoptet/api/eshop");
        // And the next request is not held back by it: the shop decides afresh.
        let started = Instant::now();
        shop.eshop().await.expect("answered");
        assert!(started.elapsed() < Duration::from_secs(3));
        proxy.heal("/shoptet/api/eshop");
    }
    // A short one is waited out and the request repeated (three tries in all).
    proxy.inject(
        "/shoptet/api/eshop",
        None,
        Fault::Status {
            status: 429,
            retry_after: Some(1),
        },
    );
    let started = Instant::now();
    let error = shop.eshop().await.expect_err("still rate limited");
    assert!(matches!(error, ShopError::RateLimited { .. }), "{error:?}");
    assert_eq!(proxy.seen("/shoptet/api/eshop").len(), 3);
    assert!(started.elapsed() >= Duration::from_secs(2));
    demo.stop().await;
}

#[tokio::test]
async fn a_huge_answer_is_refused_and_no_error_quotes_more_than_a_line_of_it() {
    let (demo, proxy, shop) = behind_a_fault_proxy().await;
    proxy.inject(
        "/shoptet/api/eshop",
        None,
        Fault::Huge {
            bytes: 30 * 1024 * 1024,
        },
    );
    let error = shop.eshop().await.expect_err("too large");
    let message = error.to_string();
    assert!(
        matches!(&error, ShopError::Protocol(m) if m.contains("larger than 8 MB")),
        "{}",
        &message[..message.len().min(SHORT)]
    );
    assert!(message.len() < SHORT, "{} bytes of error", message.len());

    // Under the cap but with a long string where an object belongs: serde would quote it whole.
    let long = "a".repeat(200_000);
    proxy.inject(
        "/shoptet/api/eshop",
        None,
        Fault::Json {
            status: 200,
            body: format!(r#"{{"data":{{"contactInformation":"{long}"}},"errors":null}}"#),
        },
    );
    let error = shop.eshop().await.expect_err("wrong shape");
    assert!(matches!(error, ShopError::Protocol(_)), "{error:?}");
    assert!(error.to_string().len() < SHORT, "{error}");

    // An error answer with a long message and terminal sequences in it.
    let body = serde_json::json!({
        "data": null,
        "errors": [{
            "errorCode": "forbidden",
            "message": format!("\u{1b}]0;PWNED\u{7}{}", "b".repeat(50_000)),
            "instance": "x"
        }]
    });
    proxy.inject(
        "/shoptet/api/eshop",
        None,
        Fault::Json {
            status: 403,
            body: body.to_string(),
        },
    );
    let error = shop.eshop().await.expect_err("forbidden");
    let message = error.to_string();
    assert!(matches!(error, ShopError::Forbidden(_)), "{error:?}");
    assert!(message.len() < SHORT, "{} bytes of error", message.len());
    assert!(
        message.contains("bbbb") && !message.contains('\u{1b}'),
        "{message}"
    );
    demo.stop().await;
}

/// `{"data": "<base64>"}` in Shoptet's JSON envelope, as an invoice PDF's saved answer in
/// Shoptet's Postman collection is typed (`application/vnd.shoptet.v1.0+json`; the spec itself
/// gives no example body of any PDF download).
fn pdf_envelope(document: &[u8]) -> String {
    use base64::Engine;
    serde_json::json!({
        "data": base64::engine::general_purpose::STANDARD.encode(document),
        "errors": null
    })
    .to_string()
}

#[tokio::test]
async fn a_pdf_in_the_json_envelope_is_decoded_and_anything_but_a_pdf_is_refused() {
    let (demo, proxy, shop) = behind_a_fault_proxy().await;
    let (paid, _) = paid_and_unpaid(&shop).await;
    let pdf_path = format!("/shoptet/api/orders/{paid}/pdf");
    let golden = include_bytes!("fixtures/shoptet/one_page.pdf");
    proxy.inject(
        &pdf_path,
        None,
        Fault::Json {
            status: 200,
            body: pdf_envelope(golden),
        },
    );
    let pdf = shop.document_pdf(&paid, DocumentKind::Order).await.unwrap();
    assert_eq!(pdf, golden.to_vec(), "the envelope's base64, decoded");

    // A PDF larger than any JSON page (8 MB) is still a PDF: the cap for documents is larger.
    let mut large = golden.to_vec();
    large.extend(std::iter::repeat_n(b'%', 9 << 20));
    proxy.inject(
        &pdf_path,
        None,
        Fault::Json {
            status: 200,
            body: pdf_envelope(&large),
        },
    );
    let pdf = shop.document_pdf(&paid, DocumentKind::Order).await.unwrap();
    assert_eq!(pdf.len(), large.len());

    let refused = [
        (Fault::NotJson, "not a PDF"),
        (
            Fault::Json {
                status: 200,
                body: pdf_envelope(b"<html>Down for maintenance</html>"),
            },
            "not a PDF",
        ),
        (
            Fault::Json {
                status: 200,
                body: r#"{"data":"%%% not base64 %%%","errors":null}"#.into(),
            },
            "not base64",
        ),
        (
            Fault::Huge {
                bytes: 40 * 1024 * 1024,
            },
            "larger than",
        ),
    ];
    for (fault, says) in refused {
        proxy.inject(&pdf_path, None, fault.clone());
        let error = shop
            .document_pdf(&paid, DocumentKind::Order)
            .await
            .expect_err("not a PDF");
        let message = error.to_string();
        assert!(
            matches!(error, ShopError::Protocol(_)) && message.contains(says),
            "{fault:?}: {message}"
        );
        assert!(message.len() < SHORT, "{fault:?}: {message}");
    }
    demo.stop().await;
}

#[tokio::test]
async fn cli_customers_by_phone_and_a_customer_chosen_by_phone_or_named_ambiguous() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let sandbox = support::sandbox::Sandbox::new();
    let url = api_url(&demo).to_string();
    let login = staff_login(&sandbox, &url, "staff", DEMO_TOKEN).await;
    assert!(login.status.success(), "{}", login.all_output());
    let buyer_account = for_buyer(&demo).account().await.unwrap();
    let phone = buyer_account.phone.clone().expect("the buyer has a phone");
    let guid = buyer_account.id.to_string();
    let run = |args: &[&str]| {
        let mut args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        args.extend(["-p".into(), "staff".into()]);
        let sandbox = &sandbox;
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            sandbox.run(&args).await
        }
    };

    let listed = run(&["customers", "--phone", &phone]).await;
    assert!(listed.status.success(), "{}", listed.all_output());
    assert!(
        listed.stdout.contains(&buyer().email) && listed.stdout.contains(&guid),
        "{}",
        listed.stdout
    );
    let json = run(&["customers", "--phone", &phone, "--json"]).await;
    let found: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(found.as_array().map(Vec::len), Some(1), "{found}");
    assert_eq!(found[0]["customer"], guid.as_str());
    assert_eq!(found[0]["email"], buyer().email.as_str());
    assert_eq!(found[0]["guest"], false);

    // --customer by phone works for the one customer with that number, as by e-mail.
    let orders_of = |customer: String| {
        let run = &run;
        async move {
            let orders = run(&["orders", "--json", "--customer", &customer]).await;
            assert!(orders.status.success(), "{}", orders.all_output());
            orders.stdout
        }
    };
    assert_eq!(
        orders_of(phone.clone()).await,
        orders_of(buyer().email).await
    );

    // Guest orders are listed with the key --customer takes for them.
    let guests = run(&["customers", "--email", GUEST_EMAIL, "--json"]).await;
    let guests: serde_json::Value = serde_json::from_str(&guests.stdout).expect("JSON");
    let guest = guests
        .as_array()
        .and_then(|all| all.iter().find(|m| m["guest"] == true))
        .expect("the guest orders as a match");
    let key = guest["customer"].as_str().expect("a key").to_owned();
    assert_eq!(key, format!("guest:{GUEST_EMAIL}"));
    let guest_orders: serde_json::Value =
        serde_json::from_str(&orders_of(key).await).expect("JSON");
    assert_eq!(
        guest_orders.as_array().map(Vec::len),
        Some(2),
        "{guest_orders}"
    );

    // A second customer with the same number, whose name carries a bidi override (the store
    // refuses control characters; hostile_output sends those through the fault proxy).
    let hanako = CustomerRef::Email("hanako@demo.shopterm.example".into());
    let hanako_guid = staff(&demo, DEMO_TOKEN)
        .for_customer(hanako)
        .account()
        .await
        .unwrap()
        .id
        .to_string();
    let store = demo.state.store.clone();
    let key = i64::from_str_radix(&hanako_guid[hanako_guid.len() - 12..], 16).unwrap();
    let shared = phone.clone();
    tokio::task::spawn_blocking(move || {
        let mut draft = store.account(key)?.to_draft();
        draft.phone = Some(shared);
        draft.first_name = format!("\u{202e}{}", draft.first_name);
        store.update_account(key, &draft)
    })
    .await
    .unwrap()
    .unwrap();
    let ambiguous = run(&["orders", "--customer", &phone]).await;
    assert_eq!(
        ambiguous.status.code(),
        Some(6),
        "{}",
        ambiguous.all_output()
    );
    let said = &ambiguous.stderr;
    assert!(
        said.contains(&format!("2 customers have the phone number {phone}"))
            && said.contains(&guid)
            && said.contains(&hanako_guid)
            && said.contains("--customer GUID"),
        "{said}"
    );
    assert!(!said.contains('\u{202e}'), "{said:?}");
    let both = run(&["customers", "--phone", &phone]).await;
    assert!(both.status.success(), "{}", both.all_output());
    assert!(both.stdout.contains(&guid) && both.stdout.contains(&hanako_guid));
    assert!(!both.stdout.contains('\u{202e}'), "{:?}", both.stdout);

    let nobody = run(&["customers", "--phone", "+1 555 000 0000"]).await;
    assert_eq!(nobody.status.code(), Some(4), "{}", nobody.all_output());
    assert!(nobody.stderr.contains("no customer with the phone number"));
    let neither = run(&["customers"]).await;
    assert_eq!(neither.status.code(), Some(2), "{}", neither.all_output());
    demo.stop().await;
}

#[tokio::test]
async fn cli_account_edit_for_a_customer_asks_naming_them_and_writes_the_audit_line() {
    let demo = spawn_demo(Duration::from_secs(3600)).await;
    let sandbox = support::sandbox::Sandbox::new();
    let url = api_url(&demo).to_string();
    let profile = "staff";
    let login = staff_login(&sandbox, &url, profile, DEMO_TOKEN).await;
    assert!(login.status.success(), "{}", login.all_output());
    let email = buyer().email;
    let edit = |extra: &[&str]| {
        let mut args = vec!["account", "edit", "-p", profile, "--customer", &email];
        args.extend_from_slice(extra);
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run = |args: Vec<String>| {
        let sandbox = &sandbox;
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            sandbox.run(&args).await
        }
    };
    let shop = for_buyer(&demo);
    let before = shop.account().await.unwrap();
    let audit_file = sandbox.path("state").join("staff-audit.jsonl");

    // No terminal and no --yes: nothing is saved, the customer is named, exit 8.
    let unconfirmed = run(edit(&["--company-id", "27082440"])).await;
    assert_eq!(
        unconfirmed.status.code(),
        Some(8),
        "{}",
        unconfirmed.all_output()
    );
    assert!(
        unconfirmed
            .stderr
            .contains(&format!("{} <{email}>", before.display_name())),
        "{}",
        unconfirmed.stderr
    );
    assert!(
        unconfirmed.stderr.contains("--yes"),
        "{}",
        unconfirmed.stderr
    );
    assert_eq!(for_buyer(&demo).account().await.unwrap(), before);
    assert!(!audit_file.exists(), "no change, no audit line");

    // A field too long for Shoptet: refused naming its flag, exit 6, nothing sent.
    let refused = run(edit(&["--vat-id", "CZ1234567890123456", "--yes"])).await;
    assert_eq!(refused.status.code(), Some(6), "{}", refused.all_output());
    assert!(
        refused.stderr.contains("--vat-id: must be at most 16"),
        "{}",
        refused.stderr
    );

    // --yes: saved, the account printed as JSON, one audit line without the ids themselves.
    let saved = run(edit(&[
        "--company-id",
        "27082440",
        "--vat-id",
        "CZ27082440",
        "--yes",
        "--json",
    ]))
    .await;
    assert!(saved.status.success(), "{}", saved.all_output());
    let account: Account = serde_json::from_str(&saved.stdout).expect("the account as JSON");
    assert_eq!(account.company_id.as_deref(), Some("27082440"));
    assert_eq!(account.vat_id.as_deref(), Some("CZ27082440"));
    assert_eq!(account.first_name, before.first_name, "the rest stays");
    assert_eq!(for_buyer(&demo).account().await.unwrap(), account);
    let audit = std::fs::read_to_string(&audit_file).unwrap();
    let lines: Vec<serde_json::Value> = audit
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 1, "{audit}");
    assert_eq!(lines[0]["operation"], "update_account");
    assert_eq!(lines[0]["customer"], email.as_str());
    assert_eq!(lines[0]["result"], "ok");
    assert!(!audit.contains("27082440"), "{audit}");

    // The person's view: the ids on their own lines; "" clears one.
    let cleared = run(edit(&["--vat-id", "", "--yes"])).await;
    assert!(cleared.status.success(), "{}", cleared.all_output());
    assert!(
        cleared.stdout.contains("Company ID: 27082440"),
        "{}",
        cleared.stdout
    );
    assert!(!cleared.stdout.contains("VAT ID"), "{}", cleared.stdout);
    assert_eq!(for_buyer(&demo).account().await.unwrap().vat_id, None);
    demo.stop().await;
}
