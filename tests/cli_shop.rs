//! The scripting commands as scripts use them: the real binary, signed in with `shopterm login`
//! (the scripted browser of tests/support), against the demo shop over loopback. Output is
//! checked against what the Customer API itself answers for the same customer.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use shopterm::auth::StaticToken;
use shopterm::cli::ExitStatus;
use shopterm::demo::store::Store;
use shopterm::demo::{DemoConfig, RunningDemo};
use shopterm::model::*;
use shopterm::platforms::customer_api::CustomerApiShop;
use shopterm::shop::Shop;
use std::sync::Arc;
use std::time::Duration;
use support::proxy::{Fault, FaultProxy, HookProxy, Kill, KillingProxy};
use support::sandbox::{Run, Sandbox, tokens_in};

const BUYER: (&str, &str) = ("buyer@demo.shopterm.example", "demo-buyer-pass");

/// A demo shop and a shopterm installation signed in to it as the B2B buyer.
struct Setup {
    demo: RunningDemo,
    sandbox: Sandbox,
    token: String,
}

impl Setup {
    async fn start(config: DemoConfig) -> Setup {
        let demo = shopterm::demo::start(config).await.expect("demo starts");
        let sandbox = Sandbox::with_person(BUYER.0, BUYER.1, "normal");
        let login = sandbox
            .run(&["login", &demo.base_url, "--timeout", "30"])
            .await;
        login.assert_ok();
        let (token, _) = tokens_in(&sandbox.token_file(&Setup::profile_of(&demo)));
        Setup {
            demo,
            sandbox,
            token,
        }
    }

    fn profile_of(demo: &RunningDemo) -> String {
        demo.base_url.trim_start_matches("http://").to_owned()
    }

    fn profile(&self) -> String {
        Setup::profile_of(&self.demo)
    }

    /// The Customer API, asked directly with the same customer's token.
    fn api(&self) -> CustomerApiShop {
        CustomerApiShop::new(
            url::Url::parse(&self.demo.base_url).unwrap(),
            shopterm::net::http_client(None).unwrap(),
            Arc::new(StaticToken(self.token.clone().into())),
        )
    }

    async fn run(&self, args: &[&str]) -> Run {
        self.sandbox.run(args).await
    }

    /// Runs `shopterm ARGS`, which must succeed, and reads what it printed as JSON.
    async fn json<T: serde::de::DeserializeOwned>(&self, args: &[&str]) -> T {
        let run = self.run(args).await;
        serde_json::from_str(ok(&run)).expect("JSON on standard output")
    }

    fn drafts(&self) -> Vec<std::path::PathBuf> {
        let dir = self.sandbox.path("data/drafts").join(self.profile());
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "json"))
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn code(run: &Run) -> i32 {
    run.status.code().expect("exited, not killed")
}

/// The run ended with `status` (its output tells why not).
fn assert_exit(run: &Run, status: ExitStatus) {
    assert_eq!(code(run), status.code(), "{}", run.all_output());
}

fn ok(run: &Run) -> &str {
    assert_eq!(code(run), 0, "{}", run.all_output());
    &run.stdout
}

/// The whole history through the API, one page after the other.
async fn history(shop: &dyn Shop, filter: OrderFilter) -> Vec<OrderSummary> {
    let mut all = Vec::new();
    let mut request = PageRequest {
        offset: 0,
        limit: 200,
        filter,
    };
    loop {
        let page = shop.orders(&request).await.expect("a page");
        let n = page.items.len();
        all.extend(page.items);
        if !page.has_more || n == 0 {
            return all;
        }
        request = request.next(n);
    }
}

fn numbers(orders: &[OrderSummary]) -> Vec<&str> {
    orders.iter().map(|o| o.number.as_str()).collect()
}

const TRICKY_LABEL: &str = "Awaiting \"payment\", maybe; soon\r\nsecond line";
const HOSTILE_LABEL: &str = "\u{1b}]0;PWNED\u{7}Paid\u{1b}[2J\u{202e}";

/// A seeded store file with awkward text in two orders' labels.
fn store_with_tricky_labels(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("shop.sqlite3");
    drop(Store::open(Some(&path)).expect("seed"));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let buyer_orders = "SELECT id FROM orders WHERE customer_id = (SELECT id FROM customers WHERE email = 'buyer@demo.shopterm.example') ORDER BY placed_at DESC, id DESC";
    conn.execute(
        &format!("UPDATE orders SET status_label = ?1 WHERE id = ({buyer_orders} LIMIT 1)"),
        [TRICKY_LABEL],
    )
    .unwrap();
    conn.execute(
        &format!(
            "UPDATE orders SET payment_label = ?1 WHERE id = ({buyer_orders} LIMIT 1 OFFSET 2)"
        ),
        [HOSTILE_LABEL],
    )
    .unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_as_json_and_csv_match_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let data = store_with_tricky_labels(dir.path());
    let setup = Setup::start(DemoConfig {
        data_path: Some(data),
        ..DemoConfig::ephemeral()
    })
    .await;
    let api = setup.api();
    let expected = history(&api, OrderFilter::default()).await;
    assert!(expected.len() > 2000, "the buyer's long history");
    assert_eq!(expected[0].status_label, TRICKY_LABEL);
    assert_eq!(expected[2].payment_label, HOSTILE_LABEL);

    // --all: every order exactly once, newest first, as the API has them.
    let all: Vec<OrderSummary> = setup.json(&["orders", "--all", "--json"]).await;
    assert_eq!(all, expected);
    // Small pages, so many of them are in flight at once and the last one is short.
    let run = setup
        .run(&[
            "orders",
            "--all",
            "--json",
            "--page-size",
            "45",
            "--concurrency",
            "3",
        ])
        .await;
    let small_pages: Vec<OrderSummary> = serde_json::from_str(ok(&run)).unwrap();
    assert_eq!(numbers(&small_pages), numbers(&expected));
    // No escape sequence reaches a terminal through the JSON either, and it parses to the same.
    assert!(!run.stdout.contains('\u{1b}') && !run.stdout.contains('\u{202e}'));
    assert!(run.stdout.contains(r"\u001b]0;PWNED\u0007Paid") && run.stdout.contains(r"\u202e"));

    // The default window, and --limit.
    let default: Vec<OrderSummary> = setup.json(&["orders", "--json"]).await;
    assert_eq!(default, expected[..50]);
    let seven: Vec<OrderSummary> = setup.json(&["orders", "--json", "--limit", "7"]).await;
    assert_eq!(seven, expected[..7]);
    let many: Vec<OrderSummary> = setup.json(&["orders", "--json", "--limit", "450"]).await;
    assert_eq!(many, expected[..450]);

    // Filters are the shop's.
    let filter = OrderFilter {
        status: Some(OrderStatus::Shipped),
        since: Some(time::macros::date!(2025 - 01 - 01)),
        search: None,
    };
    let filtered = history(&api, filter).await;
    assert!(!filtered.is_empty());
    let got: Vec<OrderSummary> = setup
        .json(&[
            "orders",
            "--all",
            "--json",
            "--status",
            "shipped",
            "--since",
            "2025-01-01",
        ])
        .await;
    assert_eq!(got, filtered);

    // CSV: a header row, one record per order, RFC 4180 quoting of the awkward label.
    let run = setup.run(&["orders", "--all", "--csv"]).await;
    let csv_text = ok(&run);
    assert!(
        csv_text.contains("\"Awaiting \"\"payment\"\", maybe; soon\r\nsecond line\""),
        "quoted with doubled quotes and the line break kept"
    );
    assert!(csv_text.ends_with("\r\n"));
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<&str> = reader.headers().unwrap().iter().collect();
    assert_eq!(
        header.join(","),
        "number,placed_at,status,status_label,payment_status,payment_label,item_count,total,currency"
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), expected.len());
    for (record, order) in records.iter().zip(&expected) {
        let placed =
            time::OffsetDateTime::parse(&record[1], &time::format_description::well_known::Rfc3339)
                .unwrap();
        assert_eq!(&record[0], order.number.as_str());
        assert_eq!(placed, order.placed_at);
        assert_eq!(&record[2], order.status.as_str());
        assert_eq!(&record[3], order.status_label);
        assert_eq!(&record[4], order.payment_status.as_str());
        assert_eq!(&record[5], order.payment_label);
        assert_eq!(record[6].parse::<u32>().unwrap(), order.item_count);
        assert_eq!(&record[7], order.total.amount.to_string());
        assert_eq!(&record[8], order.total.currency.as_str());
    }

    // The table for people: the shop's text, inert.
    let run = setup.run(&["orders", "--limit", "5"]).await;
    let table = ok(&run);
    for bad in ['\u{1b}', '\u{7}', '\u{202e}', '\r'] {
        assert!(!table.contains(bad), "{bad:?} in {table:?}");
    }
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 6, "header and five rows: {table}");
    assert!(lines[0].starts_with("NUMBER"));
    assert!(lines[1].contains("Awaiting \"payment\", maybe; soon  second line"));
    assert!(lines[3].contains("Paid"));
    // Aligned: every row's total ends in the same column.
    let ends: Vec<usize> = lines
        .iter()
        .map(|l| unicode_width::UnicodeWidthStr::width(*l))
        .collect();
    assert!(ends.windows(2).all(|w| w[0] == w[1]), "{table}");
    assert!(
        run.stderr
            .contains(&format!("5 of {} orders", expected.len()))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_order_products_account_and_addresses() {
    let setup = Setup::start(DemoConfig::ephemeral()).await;
    let api = setup.api();
    // An order with shipments and tracking.
    let recent = history(&api, OrderFilter::default()).await;
    let mut shipped = None;
    for summary in recent.iter().take(40) {
        let detail = api.order(&summary.number).await.unwrap();
        if detail.shipments.iter().any(|s| s.tracking_id.is_some()) {
            shipped = Some(detail);
            break;
        }
    }
    let detail = shipped.expect("an order with a tracked shipment");
    let number = detail.summary.number.to_string();
    let got: OrderDetail = setup.json(&["order", &number, "--json"]).await;
    assert_eq!(got, detail);
    let run = setup.run(&["order", &number]).await;
    let text = ok(&run);
    let tracking = detail.shipments.iter().find_map(|s| s.tracking_id.clone());
    assert!(text.contains(&format!("Order {number}")), "{text}");
    assert!(text.contains(&tracking.unwrap()), "{text}");
    assert!(text.contains("Shipments:"), "{text}");
    assert!(
        text.contains(&detail.totals.grand_total.to_string()),
        "{text}"
    );

    // Products: by code, in the order asked; several brands for a shared code.
    let line = &detail.lines[0];
    let second = &detail.lines[detail.lines.len() - 1];
    let query = ProductQuery {
        codes: vec![line.code.clone(), second.code.clone()],
        brand: None,
    };
    let mut expected = api.products(&query).await.unwrap();
    expected.sort_by_key(|p| (p.code != line.code, p.brand.clone()));
    let mut got: Vec<Product> = setup
        .json(&[
            "products",
            line.code.as_str(),
            second.code.as_str(),
            "--json",
        ])
        .await;
    got.sort_by_key(|p| (p.code != line.code, p.brand.clone()));
    assert_eq!(got, expected);
    let got: Vec<Product> = setup
        .json(&[
            "products",
            line.code.as_str(),
            "--brand",
            &line.brand,
            "--json",
        ])
        .await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].brand, line.brand);
    // A code that does not exist: the others are still printed, the status says not found.
    let run = setup
        .run(&["products", line.code.as_str(), "NO-SUCH-THING"])
        .await;
    assert_exit(&run, ExitStatus::NotFound);
    assert!(run.stdout.contains(line.code.as_str()));
    assert!(run.stderr.contains("NO-SUCH-THING"), "{}", run.stderr);

    let account: Account = setup.json(&["account", "--json"]).await;
    assert_eq!(account, api.account().await.unwrap());
    let run = setup.run(&["account"]).await;
    assert!(
        ok(&run)
            .lines()
            .any(|l| l.starts_with("E-mail:") && l.ends_with(" buyer@demo.shopterm.example")),
        "{}",
        run.stdout
    );
    // The profile may also come before the command.
    let run = setup
        .run(&["--profile", &setup.profile(), "account", "--json"])
        .await;
    assert_eq!(serde_json::from_str::<Account>(ok(&run)).unwrap(), account);
    let run = setup.run(&["-p", "elsewhere", "account"]).await;
    assert_exit(&run, ExitStatus::Usage);
    let book: Vec<Address> = setup.json(&["addresses", "--json"]).await;
    assert_eq!(book, api.addresses().await.unwrap());
    let run = setup.run(&["addresses"]).await;
    let text = ok(&run);
    assert_eq!(text.lines().count(), book.len() + 1, "{text}");
    assert!(text.contains(&book[0].postal.city));
}

#[tokio::test]
async fn account_edit_changes_the_fields_given_and_refuses_what_the_shop_does_not_keep() {
    let setup = Setup::start(DemoConfig::ephemeral()).await;
    let api = setup.api();
    let before = api.account().await.unwrap();

    // The Customer API keeps no VAT id: exit 7 naming the flag, and nothing sent (the phone
    // given beside it is not saved either).
    let run = setup
        .run(&[
            "account",
            "edit",
            "--phone",
            "+49 30 1",
            "--vat-id",
            "DE123456789",
        ])
        .await;
    assert_exit(&run, ExitStatus::Unsupported);
    assert!(run.stderr.contains("--vat-id"), "{}", run.stderr);
    assert_eq!(api.account().await.unwrap(), before);
    // Nothing to change is a usage error; a refused field is named by its flag, exit 6.
    assert_exit(&setup.run(&["account", "edit"]).await, ExitStatus::Usage);
    let long = "x".repeat(40);
    let run = setup.run(&["account", "edit", "--first-name", &long]).await;
    assert_exit(&run, ExitStatus::Refused);
    assert!(
        run.stderr.contains("--first-name: must be at most"),
        "{}",
        run.stderr
    );
    assert_eq!(api.account().await.unwrap(), before);

    // Only the fields given change; "" clears one. No confirmation: it is the customer's own.
    let saved: Account = setup
        .json(&[
            "account",
            "edit",
            "--phone",
            "+49 30 5557 0000",
            "--company",
            "",
            "--json",
        ])
        .await;
    assert_eq!(saved.phone.as_deref(), Some("+49 30 5557 0000"));
    assert_eq!(saved.company, None);
    assert_eq!(
        (&saved.first_name, &saved.last_name, &saved.email),
        (&before.first_name, &before.last_name, &before.email)
    );
    assert_eq!(api.account().await.unwrap(), saved);
    let run = setup
        .run(&["account", "edit", "--last-name", "Vogel-Berg"])
        .await;
    let text = ok(&run);
    assert!(
        text.starts_with(&format!(
            "Saved the account of {} Vogel-Berg.",
            before.first_name
        )),
        "{text}"
    );
    assert!(text.contains("Phone:      +49 30 5557 0000"), "{text}");
    let run = setup
        .run(&["account", "edit", "--last-name", "Vogel-Berg"])
        .await;
    assert!(ok(&run).starts_with("No change"), "{}", run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_statuses_differ_and_are_documented() {
    // Nothing set up at all: not signed in.
    let fresh = Sandbox::new();
    let run = fresh.run(&["orders"]).await;
    assert_exit(&run, ExitStatus::NotSignedIn);
    assert!(run.stderr.contains("shopterm login"), "{}", run.stderr);

    let setup = Setup::start(DemoConfig::ephemeral()).await;
    // Not found.
    let not_found = setup.run(&["order", "SO-1", "--json"]).await;
    assert_eq!(code(&not_found), ExitStatus::NotFound.code());
    assert!(not_found.stdout.is_empty());
    not_found.assert_stderr_has("no order SO-1");
    let run = setup.run(&["reorder", "SO-1", "--yes"]).await;
    assert_exit(&run, ExitStatus::NotFound);
    // Usage.
    for args in [
        &["orders", "--limit", "0"][..],
        &["orders", "--all", "--limit", "3"],
        &["orders", "--status", "lost"],
        &["orders", "--since", "yesterday"],
        &["orders", "--profile", "no-such-profile"],
        &["reorder"],
    ] {
        let run = setup.run(args).await;
        assert_eq!(
            code(&run),
            ExitStatus::Usage.code(),
            "{args:?}: {}",
            run.all_output()
        );
    }

    // The shop is gone: a network error.
    let profile = setup.profile();
    let Setup { demo, sandbox, .. } = setup;
    demo.stop().await;
    let network = sandbox.run(&["orders", "--json"]).await;
    assert_exit(&network, ExitStatus::Network);
    network.assert_stderr_has("could not reach the shop");
    // Signed out (the revocation fails with the shop gone; the tokens are deleted all the same).
    let logout = sandbox.run(&["logout"]).await;
    logout.assert_ok();
    let signed_out = sandbox.run(&["account"]).await;
    assert_exit(&signed_out, ExitStatus::NotSignedIn);
    signed_out.assert_stderr_has(&format!("shopterm login --profile {profile}"));

    let seen = [
        code(&not_found),
        code(&network),
        code(&signed_out),
        ExitStatus::Usage.code(),
    ];
    let distinct: std::collections::HashSet<i32> = seen.iter().copied().collect();
    assert_eq!(distinct.len(), seen.len(), "{seen:?}");
    assert!(!distinct.contains(&0) && !distinct.contains(&1));

    // The manual page documents every status.
    let man = sandbox.run(&["man"]).await;
    let page = ok(&man);
    assert!(page.contains(".SH \"EXIT STATUS\""), "{page}");
    for status in ExitStatus::ALL {
        assert!(
            page.contains(&format!(".TP\n\\fB{}\\fR\n", status.code())),
            "status {} is not in the man page",
            status.code()
        );
    }
}

/// A recent order of the buyer with at least three lines of different products, all of which
/// can be ordered today.
async fn order_with_three_products(api: &CustomerApiShop, skip: usize) -> OrderDetail {
    let recent = api.orders(&PageRequest::first(60)).await.unwrap();
    let mut found = 0;
    for summary in &recent.items {
        let detail = api.order(&summary.number).await.unwrap();
        let distinct: std::collections::HashSet<(&str, &str)> = detail
            .lines
            .iter()
            .map(|l| (l.code.as_str(), l.brand.as_str()))
            .collect();
        let mut draft = shopterm::reorder::Draft::from_order(&detail);
        draft.resolve(api).await.unwrap();
        let all_orderable = draft.totals().blocked_lines == 0;
        if detail.lines.len() >= 3 && distinct.len() == detail.lines.len() && all_orderable {
            if found == skip {
                return detail;
            }
            found += 1;
        }
    }
    panic!("no order with three different products");
}

/// Points the profile's API at `proxy_url`; sign-in stays with the shop itself.
fn route_api_through(setup: &Setup, proxy_url: &str) {
    let paths = support::sandbox::paths(setup.sandbox.dir.path());
    let mut config = shopterm::config::Config::load(&paths).unwrap();
    let profile = config.profiles.get_mut(&setup.profile()).unwrap();
    profile.issuer = Some(profile.shop_url.clone());
    profile.shop_url = url::Url::parse(proxy_url).unwrap();
    config.save(&paths).unwrap();
}

/// Paging while orders are placed: a demo, the buyer's history as it was at the start, and a
/// proxy that places one more order for the buyer before each request starting with `needle`
/// but the first, with the numbers it placed.
struct PagingRace {
    setup: Setup,
    api: Arc<CustomerApiShop>,
    expected: Vec<OrderSummary>,
    proxy: HookProxy,
    placed: Arc<std::sync::Mutex<Vec<OrderNumber>>>,
}

impl PagingRace {
    async fn start(needle: &'static [u8]) -> PagingRace {
        let setup = Setup::start(DemoConfig::ephemeral()).await;
        let api = Arc::new(setup.api());
        let expected = history(&*api, OrderFilter::default()).await;
        // Something the buyer can order again and again: a line of the newest order.
        let newest = api.order(&expected[0].number).await.unwrap();
        let line = &newest.lines[0];
        setup
            .demo
            .state
            .store
            .set_product(&line.code, &line.brand, None, Some(10_000))
            .unwrap();
        let order = NewOrderLine {
            code: line.code.clone(),
            brand: Some(line.brand.clone()),
            quantity: 1,
        };
        let placed = Arc::new(std::sync::Mutex::new(Vec::new()));
        let hook: support::proxy::Hook = {
            let (api, placed) = (api.clone(), placed.clone());
            Arc::new(move || {
                let (api, placed, line) = (api.clone(), placed.clone(), order.clone());
                Box::pin(async move {
                    let key = format!("during-paging-{}", placed.lock().unwrap().len());
                    let new = NewOrder {
                        idempotency_key: key,
                        lines: vec![line],
                        shipping_address: None,
                        billing_address: None,
                        note: None,
                    };
                    let got = api.place_order(&new).await.expect("order placed");
                    placed.lock().unwrap().push(got.number);
                })
            })
        };
        let proxy = HookProxy::start(setup.demo.addr, needle, 1, hook).await;
        PagingRace {
            setup,
            api,
            expected,
            proxy,
            placed,
        }
    }

    /// `all`, what `shopterm orders --all` printed, is the history as it was at the start:
    /// nothing twice, nothing shifted out, newest first; and the orders placed meanwhile are
    /// there now, newer than all of it, newest first.
    async fn assert_paged_past_the_new_orders(&self, all: &[OrderSummary]) {
        assert_eq!(numbers(all), numbers(&self.expected));
        let now = history(&*self.api, OrderFilter::default()).await;
        let placed = self.placed.lock().unwrap().clone();
        assert_eq!(now.len(), self.expected.len() + placed.len());
        let mut newest_first: Vec<&str> = placed.iter().map(|n| n.as_str()).collect();
        newest_first.reverse();
        assert_eq!(numbers(&now[..placed.len()]), newest_first);
    }
}

/// The Customer API pages by keyset: an order placed before each page but the first shifts
/// nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_orders_come_once_in_order_while_orders_are_placed() {
    let race = PagingRace::start(b"GET /api/customer/orders?").await;
    route_api_through(&race.setup, &race.proxy.base_url);

    let all: Vec<OrderSummary> = race
        .setup
        .json(&["orders", "--all", "--json", "--page-size", "150"])
        .await;
    let pages = race.expected.len().div_ceil(150);
    assert_eq!(
        race.proxy.hooked(),
        pages - 1,
        "an order before each later page"
    );
    race.assert_paged_past_the_new_orders(&all).await;
}

/// Spryker pages by offset (and tells the total only on the last page, so the pages come one
/// after the other): each order placed meanwhile pushes the page boundary back by one, so the
/// last order of a page comes again at the top of the next and is dropped there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_orders_by_offset_come_once_in_order_while_orders_are_placed() {
    let race = PagingRace::start(b"GET /spryker/orders?").await;
    let spryker = format!("{}/spryker", race.proxy.base_url);
    let login = race
        .setup
        .sandbox
        .run_with_stdin(
            &[
                "login",
                &spryker,
                "--platform",
                "spryker",
                "--email",
                BUYER.0,
                "--password-stdin",
                "--profile",
                "spryker",
            ],
            Some(&format!("{}\n", BUYER.1)),
        )
        .await;
    login.assert_ok();

    let all: Vec<OrderSummary> = race
        .setup
        .json(&[
            "orders",
            "--all",
            "--json",
            "--page-size",
            "150",
            "--profile",
            "spryker",
        ])
        .await;
    let hooked = race.proxy.hooked();
    assert!(
        hooked >= race.expected.len().div_ceil(150) - 1,
        "an order before each later page: {hooked}"
    );
    race.assert_paged_past_the_new_orders(&all).await;
}

/// A page that fails mid-walk: `orders --all` exits with the network status, and what it printed
/// before is intact — the pages before the failure, whole, in order (JSON: the array so far, every
/// element complete; table: whole rows) — and nothing after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_failing_mid_walk_exits_non_zero_with_the_pages_before_intact() {
    let setup = Setup::start(DemoConfig::ephemeral()).await;
    let expected = history(&setup.api(), OrderFilter::default()).await;
    assert!(expected.len() > 3 * 150, "{} orders", expected.len());
    let proxy = FaultProxy::start(setup.demo.addr).await;
    route_api_through(&setup, &proxy.base_url);
    // The first two pages pass, every later one is a gateway error (retries too).
    let gateway_error = Fault::Status {
        status: 502,
        retry_after: None,
    };
    proxy.inject_after(
        "/api/customer/orders",
        Some("GET"),
        2,
        gateway_error.clone(),
    );

    let run = setup
        .run(&["orders", "--all", "--json", "--page-size", "150"])
        .await;
    assert_exit(&run, ExitStatus::Network);
    let printed = run.stdout.trim_end();
    assert!(
        printed.starts_with("[\n") && printed.ends_with('}'),
        "the array so far, each order whole: …{}",
        &printed[printed.len().saturating_sub(80)..]
    );
    let so_far: Vec<OrderSummary> = serde_json::from_str(&format!("{printed}\n]"))
        .expect("the orders printed before the error are whole JSON");
    assert_eq!(numbers(&so_far), numbers(&expected[..300]));
    assert!(!run.stderr.is_empty(), "the error is said");

    // The same as a table: the header and the first two pages' rows, each whole.
    proxy.heal("/api/customer/orders");
    proxy.inject_after("/api/customer/orders", Some("GET"), 2, gateway_error);
    let run = setup.run(&["orders", "--all", "--page-size", "150"]).await;
    assert_exit(&run, ExitStatus::Network);
    assert!(run.stdout.ends_with('\n'), "whole lines only");
    let rows: Vec<&str> = run.stdout.lines().skip(1).collect();
    let row_numbers: Vec<&str> = rows
        .iter()
        .map(|row| row.split_whitespace().next().unwrap_or_default())
        .collect();
    assert_eq!(row_numbers, numbers(&expected[..300]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reorder_sends_only_what_can_be_ordered() {
    let setup = Setup::start(DemoConfig::ephemeral()).await;
    let api = setup.api();
    let store = setup.demo.state.store.clone();
    let source = order_with_three_products(&api, 0).await;
    let number = source.summary.number.to_string();
    let (dearer, gone) = (&source.lines[0], &source.lines[1]);
    let new_price = Money::new(
        dearer.unit_price.amount + rust_decimal::Decimal::new(125, 2),
        dearer.unit_price.currency,
    );
    store
        .set_product(&dearer.code, &dearer.brand, Some(new_price), None)
        .unwrap();
    store
        .set_product(&gone.code, &gone.brand, None, Some(0))
        .unwrap();
    let before = api.orders(&PageRequest::first(1)).await.unwrap();

    // No terminal to ask on, no --yes: refused, nothing sent, nothing saved.
    let run = setup.run(&["reorder", &number]).await;
    assert_exit(&run, ExitStatus::NotConfirmed);
    assert!(run.stderr.contains("--yes"), "{}", run.stderr);
    assert!(run.stdout.contains("price up"), "{}", run.stdout);
    run.assert_stdout_has("NOT SENT: out of stock");
    let run = setup.run(&["reorder", &number, "--json"]).await;
    assert_eq!(code(&run), ExitStatus::NotConfirmed.code());
    let review: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(review["result"], "not_confirmed");
    assert_eq!(review["lines"][0]["price_changed"], true);
    assert_eq!(
        review["lines"][0]["unit_price"]["amount"],
        new_price.amount.to_string()
    );
    assert_eq!(review["lines"][1]["blocker"]["code"], "out_of_stock");
    assert_eq!(review["lines"][1]["send"], false);
    assert_eq!(review["order"], serde_json::Value::Null);
    let review: serde_json::Value = setup
        .json(&["reorder", &number, "--dry-run", "--json"])
        .await;
    assert_eq!(review["result"], "dry_run");
    assert_eq!(api.orders(&PageRequest::first(1)).await.unwrap(), before);
    assert!(setup.drafts().is_empty());

    // --yes: the lines that can be ordered are sent; the new order heads the history.
    let result: serde_json::Value = setup.json(&["reorder", &number, "--yes", "--json"]).await;
    assert_eq!(result["result"], "sent");
    assert_eq!(result["totals"]["blocked_lines"], 1);
    let placed = result["order"]["number"].as_str().unwrap().to_owned();
    let after = api.orders(&PageRequest::first(1)).await.unwrap();
    assert_eq!(after.total.unwrap(), before.total.unwrap() + 1);
    assert_eq!(after.items[0].number.as_str(), placed);
    let sent = api
        .order(&OrderNumber::from(placed.as_str()))
        .await
        .unwrap();
    let expected: Vec<(&str, &str, u32)> = source
        .lines
        .iter()
        .filter(|l| l.code != gone.code || l.brand != gone.brand)
        .map(|l| (l.code.as_str(), l.brand.as_str(), l.quantity))
        .collect();
    let got: Vec<(&str, &str, u32)> = sent
        .lines
        .iter()
        .map(|l| (l.code.as_str(), l.brand.as_str(), l.quantity))
        .collect();
    assert_eq!(got, expected, "only the orderable lines, nothing else");
    assert_eq!(sent.lines[0].unit_price, new_price, "at today's price");
    assert_eq!(
        sent.summary.total.to_string(),
        result["order"]["total"]["amount"]
            .as_str()
            .unwrap()
            .to_owned()
            + " EUR"
    );
    assert!(setup.drafts().is_empty(), "the sent draft is deleted");

    // An order none of whose lines can be ordered: refused, nothing sent.
    let hopeless = order_with_three_products(&api, 1).await;
    for line in &hopeless.lines {
        store
            .set_product(&line.code, &line.brand, None, Some(0))
            .unwrap();
    }
    let run = setup
        .run(&["reorder", hopeless.summary.number.as_str(), "--yes"])
        .await;
    assert_exit(&run, ExitStatus::Refused);
    assert!(run.stderr.contains("nothing was sent"), "{}", run.stderr);
    assert_eq!(api.orders(&PageRequest::first(1)).await.unwrap(), after);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reorder_after_a_lost_answer_is_retried_with_the_saved_draft() {
    let setup = Setup::start(DemoConfig::ephemeral()).await;
    let api = setup.api();
    let proxy = KillingProxy::start(setup.demo.addr, Kill::AfterResponse, 1).await;
    route_api_through(&setup, &proxy.base_url);

    let source = order_with_three_products(&api, 0).await;
    let number = source.summary.number.to_string();
    let before = api.orders(&PageRequest::first(1)).await.unwrap();

    let run = setup.run(&["reorder", &number, "--yes", "--json"]).await;
    assert_exit(&run, ExitStatus::Network);
    assert_eq!(proxy.broken(), 1);
    let failed: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(failed["result"], "failed");
    assert_eq!(failed["error"]["exit_status"], ExitStatus::Network.code());
    let key = failed["idempotency_key"].as_str().unwrap().to_owned();
    assert!(
        run.stderr.contains(&key),
        "the saved draft is named: {}",
        run.stderr
    );
    let drafts = setup.drafts();
    assert_eq!(drafts.len(), 1);
    assert!(drafts[0].ends_with(format!("{key}.json")));
    // The shop did create the order; shopterm never heard of it.
    let between = api.orders(&PageRequest::first(1)).await.unwrap();
    assert_eq!(between.total.unwrap(), before.total.unwrap() + 1);

    // The same command again continues the saved draft: the shop answers with the same order.
    let retried: serde_json::Value = setup.json(&["reorder", &number, "--yes", "--json"]).await;
    assert_eq!(retried["result"], "replayed");
    assert_eq!(retried["continued"], true);
    assert_eq!(retried["idempotency_key"], key.as_str());
    assert_eq!(
        retried["order"]["number"].as_str().unwrap(),
        between.items[0].number.as_str()
    );
    let after = api.orders(&PageRequest::first(1)).await.unwrap();
    assert_eq!(after, between, "exactly one order");
    assert!(setup.drafts().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reorder_asks_on_a_terminal() {
    let setup = Setup::start(DemoConfig::ephemeral()).await;
    let api = setup.api();
    let source = order_with_three_products(&api, 0).await;
    let before = api.orders(&PageRequest::first(1)).await.unwrap();
    let mut command = portable_pty::CommandBuilder::new(env!("CARGO_BIN_EXE_shopterm"));
    command.args(["reorder", source.summary.number.as_str()]);
    for (key, value) in &setup.sandbox.env {
        command.env(key, value);
    }
    command.env("TERM", "xterm-256color");
    let number = source.summary.number.to_string();
    let answer = tokio::task::spawn_blocking(move || {
        let mut app = support::pty::PtyApp::spawn(command, 40, 220);
        app.wait_for("[y/N]", Duration::from_secs(30));
        let screen = app.screen();
        app.send("y\r");
        app.wait_for("Sent: order", Duration::from_secs(30));
        let success = app.wait_exit(Duration::from_secs(30));
        (screen, app.screen(), success)
    })
    .await
    .unwrap();
    let (question, done, success) = answer;
    assert!(success, "{done}");
    assert!(
        question.contains(&format!("Reorder of {number}")),
        "{question}"
    );
    assert!(question.contains("Send the "), "{question}");
    let after = api.orders(&PageRequest::first(1)).await.unwrap();
    assert_eq!(after.total.unwrap(), before.total.unwrap() + 1);
    assert!(done.contains(after.items[0].number.as_str()), "{done}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completions_and_man_pages_come_from_the_cli_definition() {
    let sandbox = Sandbox::new();
    for shell in ["bash", "zsh", "fish"] {
        let run = sandbox.run(&["completions", shell]).await;
        let script = ok(&run);
        for word in ["reorder", "orders", "--all", "--csv", "completions"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    let run = sandbox.run(&["completions", "bash"]).await;
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("shopterm.bash");
    std::fs::write(&script, &run.stdout).unwrap();
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(syntax.success(), "the bash completion parses");

    let run = sandbox.run(&["man", "orders"]).await;
    let page = ok(&run);
    assert!(page.contains(".TH shopterm-orders 1"), "{page}");
    assert!(
        page.contains("\\-\\-all") && page.contains("\\-\\-csv"),
        "{page}"
    );
    let run = sandbox
        .run(&["man", "--out-dir", dir.path().to_str().unwrap()])
        .await;
    ok(&run);
    for name in ["shopterm.1", "shopterm-orders.1", "shopterm-reorder.1"] {
        assert!(dir.path().join(name).exists(), "{name}");
    }
    let run = sandbox.run(&["completions", "tcsh"]).await;
    assert_eq!(code(&run), ExitStatus::Usage.code());
}
