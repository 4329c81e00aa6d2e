//! Issue 11, "one output path for everything shopterm prints that came from outside": the real
//! binary against a hostile shop. The fault proxy (tests/support/proxy.rs) puts terminal payloads
//! into every prose text of every answer, and into every error answer, of the Customer API and
//! each platform emulator (Shoptet's staff API too); every read command, tables and JSON, prints none of them raw. (A test
//! binary of its own: tests/faults.rs measures its children's peak memory.)

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use support::installation::{PLATFORMS, Platform, Setup};
use support::proxy::{Fault, HOSTILE_MARK, HOSTILE_TEXT};
use support::sandbox::Run;

/// Characters a terminal acts on: controls (ESC, C1 and the rest, but for line ends and tabs),
/// and bidi overrides and isolates.
fn terminal_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        })
        .collect()
}

/// An error answer in the platform's own shape whose every text is hostile.
fn hostile_error(platform: &Platform) -> String {
    let text = format!("Refused{HOSTILE_TEXT}");
    let body = match platform.emulator {
        None => serde_json::json!({"error": "invalid_request", "error_description": text,
            "status": 400}),
        Some("spryker") => serde_json::json!({"errors": [{"status": 400, "code": "901",
            "detail": text}]}),
        Some("centra") => serde_json::json!({"token": "t", "errors": {"email": text}}),
        Some("shoptet") => {
            serde_json::json!({"data": null, "errors": [{"errorCode": "invalid-request",
            "message": text, "instance": "request"}]})
        }
        _ => serde_json::json!({"status": 0, "error": text}),
    };
    body.to_string()
}

/// Issue 11, "one output path for everything shopterm prints that came from outside": every
/// prose string of every answer (names, labels, cities, brands, carriers…) carries terminal
/// payloads ([`HOSTILE_TEXT`]: OSC 0/8/52, CSI, DCS, 8-bit CSI, C1, bidi, DECALN), and so does
/// every error answer's text; every read command on every platform, tables and JSON, prints no
/// character a terminal acts on, on stdout or stderr — while the visible text still shows.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hostile_shop_text_reaches_no_terminal_raw_through_any_command() {
    let setup = Setup::start().await;
    let mut failures = Vec::new();
    let mut marked = Vec::new();
    for platform in &PLATFORMS {
        let p = platform.name;
        let json = |run: &Run| serde_json::from_str::<serde_json::Value>(&run.stdout);
        let listed = setup
            .run(&platform.command(&["orders", "--limit", "1", "--json"]))
            .await;
        let number = json(&listed).expect("orders as JSON")[0]["number"]
            .as_str()
            .expect("an order number")
            .to_owned();
        let detail = setup
            .run(&platform.command(&["order", &number, "--json"]))
            .await;
        // (AbanteCart has no order details: any code will do for its refusal of `products`.)
        let code = json(&detail)
            .ok()
            .and_then(|order| order["lines"][0]["code"].as_str().map(str::to_owned));
        let code = code.unwrap_or_else(|| "6200-2RS".to_owned());
        let commands: Vec<Vec<&str>> = vec![
            vec!["whoami"],
            vec!["account"],
            vec!["account", "--json"],
            vec!["addresses"],
            vec!["addresses", "--json"],
            vec!["orders", "--limit", "5"],
            vec!["orders", "--limit", "5", "--json"],
            vec!["order", &number],
            vec!["order", &number, "--json"],
            vec!["products", &code],
            vec!["products", &code, "--json"],
            vec!["reorder", &number, "--dry-run"],
            vec!["reorder", &number, "--dry-run", "--json"],
        ];
        for (fault, what) in [
            (Fault::HostileText, "hostile text"),
            (
                Fault::Json {
                    status: 400,
                    body: hostile_error(platform),
                },
                "hostile error",
            ),
        ] {
            setup.proxy.inject(platform.api_prefix, None, fault);
            for command in &commands {
                let run = setup.run(&platform.command(command)).await;
                let shown = run.all_output();
                let controls = terminal_controls(&shown);
                if !controls.is_empty() {
                    failures.push(format!(
                        "{p} × {what} × {}: printed {controls:?}\n{shown}",
                        command.join(" ")
                    ));
                }
                if shown.contains(HOSTILE_MARK) {
                    marked.push(format!("{p} × {what} × {}", command.join(" ")));
                }
            }
            setup.proxy.heal(platform.api_prefix);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // Not vacuous: the hostile texts were printed (cleaned). Every platform's account and its
    // error, and on the Customer API (which has every feature) every command.
    let mut expected: Vec<String> = PLATFORMS
        .iter()
        .flat_map(|p| {
            ["hostile text", "hostile error"].map(|what| format!("{} × {what} × account", p.name))
        })
        .collect();
    expected.extend(
        [
            "whoami",
            "addresses",
            "orders --limit 5",
            "products",
            "reorder",
        ]
        .map(|command| format!("customer_api × hostile text × {command}")),
    );
    for wanted in expected {
        assert!(
            marked.iter().any(|m| m.starts_with(&wanted)),
            "{wanted}: the hostile text did not show\nshown: {marked:#?}"
        );
    }
}
