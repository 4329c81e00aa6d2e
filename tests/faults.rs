//! The real binary against a shop that fails: a fault-injecting proxy (tests/support/proxy.rs)
//! between `shopterm` and the demo shop, in front of the Customer API and each platform
//! emulator (Spryker, Centra, AbanteCart, and Shoptet's staff API with `--customer`). One table of faults × platforms: for each, the exit
//! status and the message name the cause (docs/cli.md), reads are retried with backoff honouring
//! `Retry-After` (a few tries, a cap on the wait), nothing waits past the request time-out, and a
//! huge answer is refused without being held in memory. A separate test shows that a write (a
//! reorder's order) is sent once, whatever the fault.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use shopterm::cli::ExitStatus;
use std::time::Duration;
use support::installation::{PLATFORMS, Platform, SHOPTET, Setup, TIMEOUT};
use support::proxy::{Fault, Seen};
use support::sandbox::Run;

fn code(run: &Run) -> i32 {
    run.status.code().unwrap_or(-1)
}

/// One row of the table: a fault and what shopterm must make of it on every platform.
struct Case {
    name: &'static str,
    fault: Fault,
    exit: ExitStatus,
    /// The message names the cause: it holds one of these (lower-cased).
    says: &'static [&'static str],
    /// Whether a read meeting this fault is tried again (3 tries in all; a write once).
    retried: bool,
    /// The run takes at least this long (the waits between tries).
    at_least: Duration,
    /// And at most this long.
    at_most: Duration,
}

const SERVER_ERROR: &[&str] = &["http 50"];
const BROKEN: &[&str] = &["could not reach the shop"];
const NOT_UNDERSTOOD: &[&str] = &["does not understand"];
/// The two waits between three tries without `Retry-After`.
const BACKOFF: Duration = Duration::from_millis(250 + 500);
/// Generous for a loaded CI machine; the waits that matter are the lower bounds.
const QUICK: Duration = Duration::from_secs(8);

impl Case {
    /// A fault a read meets three times, with the two waits between (`Retry-After`'s, where the
    /// answer has one), then a network error.
    fn retried(name: &'static str, fault: Fault, says: &'static [&'static str]) -> Case {
        let waits = match fault {
            Fault::Status {
                retry_after: Some(seconds),
                ..
            } => 2 * Duration::from_secs(seconds),
            _ => BACKOFF,
        };
        Case {
            name,
            fault,
            exit: ExitStatus::Network,
            says,
            retried: true,
            at_least: waits,
            at_most: QUICK,
        }
    }

    /// A fault met once, with no wait.
    fn once(
        name: &'static str,
        fault: Fault,
        exit: ExitStatus,
        says: &'static [&'static str],
    ) -> Case {
        Case {
            name,
            fault,
            exit,
            says,
            retried: false,
            at_least: Duration::ZERO,
            at_most: QUICK,
        }
    }
}

fn cases() -> Vec<Case> {
    let status = |status, retry_after| Fault::Status {
        status,
        retry_after,
    };
    vec![
        Case::retried("500", status(500, None), SERVER_ERROR),
        Case::retried("502 + Retry-After: 1", status(502, Some(1)), SERVER_ERROR),
        Case::retried("502", status(502, None), SERVER_ERROR),
        Case::retried("503", status(503, None), SERVER_ERROR),
        Case::retried("503 + Retry-After: 1", status(503, Some(1)), SERVER_ERROR),
        Case::retried("500 + Retry-After: 1", status(500, Some(1)), SERVER_ERROR),
        Case::retried("429 + Retry-After: 1", status(429, Some(1)), &["slow down"]),
        // Longer than shopterm waits: it gives up at once and says when to try again.
        Case::once(
            "429 + Retry-After: 3600",
            status(429, Some(3600)),
            ExitStatus::Network,
            &["try again in 3600 s"],
        ),
        Case::retried("reset before headers", Fault::ResetBeforeHeaders, BROKEN),
        Case::retried(
            "reset mid-body",
            Fault::ResetMidBody,
            &["broke while reading the answer"],
        ),
        Case::retried(
            "truncated gzip",
            Fault::TruncatedGzip,
            &["could not be decoded"],
        ),
        Case::once(
            "not JSON",
            Fault::NotJson,
            ExitStatus::Failure,
            NOT_UNDERSTOOD,
        ),
        Case::once(
            "wrong types",
            Fault::WrongTypes,
            ExitStatus::Failure,
            NOT_UNDERSTOOD,
        ),
        Case::once(
            "30 MB body",
            Fault::Huge {
                bytes: 30 * 1024 * 1024,
            },
            ExitStatus::Failure,
            &["larger than 8 mb"],
        ),
        Case {
            at_least: TIMEOUT,
            at_most: TIMEOUT * 4,
            ..Case::once(
                "10 s stall",
                Fault::Stall(Duration::from_secs(10)),
                ExitStatus::Network,
                &["did not answer in time"],
            )
        },
        Case::once(
            "redirect loop",
            Fault::RedirectLoop,
            ExitStatus::Failure,
            &["302", "redirect"],
        ),
        // A 401 is answered by renewing the token once, not by retrying; not counted here.
        Case::once(
            "401 on every call",
            Fault::Unauthorized,
            ExitStatus::NotSignedIn,
            &["sign in again", "session"],
        ),
    ]
}

/// What is wrong with one fault × platform run; nothing when all is well.
fn judge(case: &Case, run: &Run, seen: &[Seen]) -> Vec<String> {
    let mut wrong = Vec::new();
    if code(run) != case.exit.code() {
        wrong.push(format!(
            "exit status {} instead of {}",
            code(run),
            case.exit.code()
        ));
    }
    let stderr = run.stderr.to_lowercase();
    if !case.says.iter().any(|s| stderr.contains(s)) {
        wrong.push(format!("the message names none of {:?}", case.says));
    }
    if stderr.contains("panicked") {
        wrong.push("it panicked".into());
    }
    let faulted: Vec<&Seen> = seen.iter().filter(|s| s.faulted).collect();
    let read_retried = case.retried
        && faulted
            .first()
            .is_some_and(|s| s.method == "GET" || s.method == "HEAD");
    // The waits between tries are only where there are tries.
    let at_least = if read_retried || !case.retried {
        case.at_least
    } else {
        Duration::ZERO
    };
    if run.elapsed < at_least || run.elapsed > case.at_most {
        wrong.push(format!(
            "took {:?}, not within {:?}..{:?}",
            run.elapsed, at_least, case.at_most
        ));
    }
    match faulted.first() {
        None => wrong.push("no request met the fault".into()),
        Some(first) if case.fault != Fault::Unauthorized => {
            // Centra's history and AbanteCart's every call are POSTs: sent once, never repeated.
            let expected = if read_retried { 3 } else { 1 };
            if faulted.len() != expected || faulted.iter().any(|s| s != first) {
                wrong.push(format!(
                    "{} tries of {} {} (expected {expected}): {faulted:?}",
                    faulted.len(),
                    first.method,
                    first.path
                ));
            }
        }
        Some(_) => {}
    }
    wrong
}

/// The largest resident set of any child process waited for so far, in bytes.
fn children_peak_rss() -> u64 {
    use nix::sys::resource::{UsageWho, getrusage};
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).expect("getrusage");
    // Linux counts it in KiB.
    u64::try_from(usage.max_rss()).unwrap_or(0) * 1024
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_fault_on_every_platform_is_named_bounded_and_retried_only_when_safe() {
    let setup = Setup::start().await;
    let orders = ["orders", "--limit", "3"];
    let args_for = |platform: &'static Platform| platform.command(&orders);

    // Healthy first: every platform answers through the proxy.
    for platform in &PLATFORMS {
        let run = setup.run(&args_for(platform)).await;
        assert_eq!(code(&run), 0, "{}: {}", platform.name, run.all_output());
        assert!(
            !setup.proxy.seen(platform.api_prefix).is_empty(),
            "{} did not go through the proxy",
            platform.name
        );
        setup.proxy.heal(platform.api_prefix);
    }
    let healthy_peak = children_peak_rss();

    let mut failures = Vec::new();
    for case in cases() {
        // The platforms at once (each has its own path prefix on the proxy); cases one by one.
        let runs = PLATFORMS.iter().map(|platform| {
            setup
                .proxy
                .inject(platform.api_prefix, None, case.fault.clone());
            let args = args_for(platform);
            let setup = &setup;
            async move {
                let run = setup.run(&args).await;
                let seen = setup.proxy.seen(platform.api_prefix);
                setup.proxy.heal(platform.api_prefix);
                (platform, run, seen)
            }
        });
        for (platform, run, seen) in futures_util::future::join_all(runs).await {
            for wrong in judge(&case, &run, &seen) {
                failures.push(format!(
                    "{} × {}: {wrong}\n    stderr: {}",
                    case.name,
                    platform.name,
                    run.stderr.trim()
                ));
            }
        }
        if matches!(case.fault, Fault::Huge { .. }) {
            // Every platform's run met 30 MB: none of them grew by anything near it.
            let peak = children_peak_rss();
            if peak > healthy_peak.max(20 << 20) + (16 << 20) {
                failures.push(format!(
                    "30 MB body: a run's memory peaked at {} MB (healthy runs: {} MB)",
                    peak >> 20,
                    healthy_peak >> 20
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} fault × platform failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A reorder's order (the Customer API's `POST /api/customer/orders`, Shoptet's `POST
/// /api/orders` for a customer) meets each fault once: it is sent exactly once (never repeated
/// blindly), the exit status names the cause, and the draft is kept for a retry that the
/// idempotency key makes safe.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_is_sent_once_whatever_the_fault() {
    let setup = Setup::start().await;
    let shoptet_orders = format!("{}/api/orders", SHOPTET.api_prefix);
    let mut failures = Vec::new();
    for (platform, orders_path) in [
        (&PLATFORMS[0], "/api/customer/orders"),
        (&SHOPTET, shoptet_orders.as_str()),
    ] {
        failures.extend(order_sent_once(&setup, platform, orders_path).await);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What is wrong with `platform`'s reorder meeting each fault at `orders_path` (its POST).
async fn order_sent_once(
    setup: &Setup,
    platform: &'static Platform,
    orders_path: &str,
) -> Vec<String> {
    let run = setup
        .run(&platform.command(&["orders", "--limit", "5", "--json"]))
        .await;
    assert_eq!(code(&run), 0, "{}", run.all_output());
    let orders: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let numbers: Vec<String> = orders
        .as_array()
        .expect("orders")
        .iter()
        .filter_map(|o| o["number"].as_str().map(str::to_owned))
        .collect();
    let mut sendable = None;
    for number in &numbers {
        let review = setup
            .run(&platform.command(&["reorder", number, "--dry-run", "--json"]))
            .await;
        let review: serde_json::Value = serde_json::from_str(&review.stdout).unwrap_or_default();
        if review["totals"]["sendable_lines"].as_u64().unwrap_or(0) > 0 {
            sendable = Some(number.clone());
            break;
        }
    }
    let number = sendable.expect("an order with lines that can be ordered again");

    let faults = [
        Fault::Status {
            status: 503,
            retry_after: Some(1),
        },
        Fault::ResetBeforeHeaders,
        Fault::ResetMidBody,
        Fault::Stall(Duration::from_secs(10)),
    ];
    let mut failures = Vec::new();
    for fault in faults {
        setup.proxy.inject(orders_path, Some("POST"), fault.clone());
        let run = setup
            .run(&platform.command(&["reorder", &number, "--yes", "--json", "--new-draft"]))
            .await;
        let posts = setup
            .proxy
            .seen(orders_path)
            .into_iter()
            .filter(|s| s.method == "POST" && s.path == orders_path)
            .count();
        setup.proxy.heal(orders_path);
        if posts != 1 {
            failures.push(format!(
                "{} × {fault:?}: the order was sent {posts} times",
                platform.name
            ));
        }
        if code(&run) != ExitStatus::Network.code() {
            failures.push(format!(
                "{} × {fault:?}: exit {} instead of 5: {}",
                platform.name,
                code(&run),
                run.all_output()
            ));
        }
        let answer: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_default();
        if answer["result"] != "failed" || answer["idempotency_key"].as_str().is_none() {
            failures.push(format!(
                "{} × {fault:?}: not a failed send with a kept draft: {}",
                platform.name, run.stdout
            ));
        }
    }
    failures
}

/// Not a test: records the JSON answers of every platform's emulator to the common commands as a
/// corpus for tests/fuzz.rs (`cargo test --test faults -- --ignored record_`), written to
/// tests/fixtures/fuzz/recorded.json as `{platform: [answers]}`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes tests/fixtures/fuzz/recorded.json"]
async fn record_the_fuzz_corpus_of_real_answers() {
    let setup = Setup::start().await;
    let mut corpus = serde_json::Map::new();
    for platform in &PLATFORMS {
        let orders = setup
            .run(&platform.command(&["orders", "--limit", "3", "--json"]))
            .await;
        let numbers: Vec<String> = serde_json::from_str::<serde_json::Value>(&orders.stdout)
            .ok()
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|o| o["number"].as_str().map(str::to_owned))
            .collect();
        for command in [&["account"][..], &["addresses"], &["products", "6200-2RS"]] {
            setup.run(&platform.command(command)).await;
        }
        for number in numbers.iter().take(2) {
            setup.run(&platform.command(&["order", number])).await;
        }
        let answers: Vec<serde_json::Value> = setup
            .proxy
            .recorded()
            .into_iter()
            .filter(|r| r.path.starts_with(platform.api_prefix))
            .filter_map(|r| serde_json::from_slice(&r.body).ok())
            .map(shrink)
            .collect();
        assert!(!answers.is_empty(), "{}: nothing recorded", platform.name);
        corpus.insert(platform.name.to_owned(), serde_json::Value::from(answers));
    }
    let path = support::repo_root().join("tests/fixtures/fuzz/recorded.json");
    let text = serde_json::to_string_pretty(&corpus).expect("JSON");
    std::fs::write(&path, text + "\n").expect("corpus written");
}

/// The value with every array cut to its first three items (the shapes, not the whole history)
/// and every token replaced (Centra's answers carry the session's).
fn shrink(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Array(items) => Value::Array(items.into_iter().take(3).map(shrink).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    if k.to_ascii_lowercase().contains("token") && v.is_string() {
                        (k, Value::from("TOKEN"))
                    } else {
                        (k, shrink(v))
                    }
                })
                .collect(),
        ),
        other => other,
    }
}
