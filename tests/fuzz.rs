//! Property tests ("fuzzing") over everything that parses outside data: every platform's wire
//! types (serde from arbitrary JSON and from mutated doc examples), the quick-order paste
//! parser, the reset-key and redirect/callback URL parsers, the sanitiser (its output never holds
//! ESC, C0/C1 controls or bidi controls), and the TUI's `update` with any key sequence (never a
//! panic, drawing included, and a reorder draft is only ever dropped by an explicit discard).
//!
//! Inputs are generated and seeded from a corpus: the Big List of Naughty Strings
//! (tests/fixtures/blns, MIT), terminal payloads (OSC 52 clipboard writes, OSC 8 link spoofing,
//! DCS, C1, bidi overrides), the JSON examples of the platform docs and api/openapi.yaml
//! (tests/fixtures/fuzz/doc-examples.json) and recorded answers of every emulator
//! (tests/fixtures/fuzz/recorded.json). CI runs `FUZZ_CASES` cases per target (default 256);
//! `scripts/fuzz` runs each for 1,000,000. Crashes found are kept below as regression tests.

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::Value;

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

fn config() -> Config {
    Config {
        cases: cases(),
        // Failures are kept as the regression tests at the end of this file, not as files.
        failure_persistence: None,
        ..Config::default()
    }
}

mod corpus {
    use serde_json::Value;
    use std::collections::BTreeMap;
    use std::sync::OnceLock;

    /// The Big List of Naughty Strings.
    pub fn blns() -> &'static [String] {
        static LIST: OnceLock<Vec<String>> = OnceLock::new();
        LIST.get_or_init(|| {
            serde_json::from_str(include_str!("fixtures/blns/blns.json")).expect("blns.json")
        })
    }

    /// What a hostile shop would put in a name to drive the terminal.
    pub const TERMINAL_PAYLOADS: &[&str] = &[
        "\u{1b}]52;c;ZWNobyBwd25lZA==\u{7}",
        "\u{1b}]52;c;ZWNobyBwd25lZA==\u{1b}\\",
        "\u{1b}]8;;https://evil.example/\u{1b}\\https://shop.example/\u{1b}]8;;\u{1b}\\",
        "\u{1b}]8;;https://evil.example/\u{7}SO-1001\u{1b}]8;;\u{7}",
        "\u{1b}]0;Signed in OK\u{7}",
        "\u{1b}P+q544e\u{1b}\\",
        "\u{1b}P$qm\u{1b}\\",
        "\u{90}1$r\u{9c}",
        "\u{9b}2J\u{9b}H",
        "\u{9d}0;title\u{9c}",
        "\u{1b}[2J\u{1b}[H\u{1b}[31mPaid\u{1b}[0m",
        "\u{1b}[6n",
        "\u{1b}[?1049h",
        "\u{1b}c",
        "\u{1b}_apc\u{1b}\\",
        "\u{1b}^pm\u{1b}\\",
        "\u{1b}Xsos\u{1b}\\",
        "SO-\u{202e}1001\u{202c}",
        "\u{2066}\u{2067}\u{2068}\u{2069}\u{200e}\u{200f}\u{61c}",
        "\u{202a}\u{202b}\u{202d}",
        "\u{7f}\u{85}\u{8d}\u{8e}\u{8f}",
        "\u{1b}",
        "\u{1b}[",
        "\u{1b}]",
        "\u{1b}P",
        "\u{9b}",
        "a\u{0}b\u{8}c\r\nd\te",
    ];

    /// Per platform, the JSON examples of its docs (and of api/openapi.yaml for the Customer
    /// API) and the answers its emulator gave to the common commands (recorded by
    /// tests/faults.rs `record_the_fuzz_corpus_of_real_answers`).
    pub fn doc_examples() -> &'static BTreeMap<String, Vec<Value>> {
        static EXAMPLES: OnceLock<BTreeMap<String, Vec<Value>>> = OnceLock::new();
        EXAMPLES.get_or_init(|| {
            let mut examples: BTreeMap<String, Vec<Value>> =
                serde_json::from_str(include_str!("fixtures/fuzz/doc-examples.json"))
                    .expect("doc-examples.json");
            let recorded: BTreeMap<String, Vec<Value>> =
                serde_json::from_str(include_str!("fixtures/fuzz/recorded.json"))
                    .expect("recorded.json");
            for (platform, answers) in recorded {
                examples.entry(platform).or_default().extend(answers);
            }
            examples
                .entry("shoptet".to_owned())
                .or_default()
                .extend(shoptet_examples());
            examples
        })
    }

    /// Shoptet's: the golden answers of its unit tests, taken from the JSON examples of its
    /// OpenAPI description and the saved responses of its Postman collection.
    fn shoptet_examples() -> Vec<Value> {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/platforms/shoptet/testdata");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("Shoptet's golden answers")
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|path| {
                let text = std::fs::read_to_string(path).expect("readable");
                serde_json::from_str(&text).expect("a JSON example")
            })
            .collect()
    }

    /// Every object key in the examples: generated JSON uses them, so parsers get past the top.
    pub fn keys() -> &'static [String] {
        static KEYS: OnceLock<Vec<String>> = OnceLock::new();
        KEYS.get_or_init(|| {
            fn walk(value: &Value, keys: &mut std::collections::BTreeSet<String>) {
                match value {
                    Value::Object(map) => {
                        for (k, v) in map {
                            keys.insert(k.clone());
                            walk(v, keys);
                        }
                    }
                    Value::Array(items) => items.iter().for_each(|v| walk(v, keys)),
                    _ => {}
                }
            }
            let mut keys = std::collections::BTreeSet::new();
            for examples in doc_examples().values() {
                examples.iter().for_each(|v| walk(v, &mut keys));
            }
            keys.into_iter().collect()
        })
    }
}

/// Text: arbitrary Unicode, corpus entries, and corpus entries spliced into arbitrary text.
fn text() -> impl Strategy<Value = String> {
    let blns = corpus::blns().to_vec();
    let payloads: Vec<String> = corpus::TERMINAL_PAYLOADS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let seeds: Vec<String> = blns.into_iter().chain(payloads).collect();
    let seed = proptest::sample::select(seeds);
    prop_oneof![
        any::<String>(),
        seed.clone(),
        // Control characters and their neighbours are where sanitisers go wrong.
        proptest::collection::vec(
            prop_oneof![
                (0u32..0x40).prop_map(|c| char::from_u32(c).unwrap_or('?')),
                (0x7fu32..0xa0).prop_map(|c| char::from_u32(c).unwrap_or('?')),
                proptest::sample::select(vec![
                    '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}', '\u{200e}', '\u{61c}', '[',
                    ']', ';', '\\', 'P', '_', '^', 'X', '7', 'a',
                ]),
                any::<char>(),
            ],
            0..40
        )
        .prop_map(|chars| chars.into_iter().collect()),
        (seed.clone(), any::<String>(), seed).prop_map(|(a, b, c)| format!("{a}{b}{c}")),
    ]
}

/// Arbitrary JSON whose object keys are mostly the ones the platforms use.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        text().prop_map(Value::from),
        proptest::sample::select(vec![
            "0",
            "-1",
            "1e400",
            "12.50",
            "EUR",
            "2026-11-15T16:08:29Z",
            "",
            "18446744073709551616",
            "0.000000000000000000000000000001",
            "99999999999999999999999999999.99",
        ])
        .prop_map(Value::from),
    ];
    let keys = corpus::keys().to_vec();
    leaf.prop_recursive(5, 64, 8, move |inner| {
        let key = prop_oneof![
            4 => proptest::sample::select(keys.clone()),
            1 => any::<String>(),
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((key, inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// A doc example of `platform` with a few of its values replaced by arbitrary JSON.
fn mutated_example(platform: &'static str) -> impl Strategy<Value = Value> {
    let examples = corpus::doc_examples()
        .get(platform)
        .cloned()
        .unwrap_or_default();
    assert!(!examples.is_empty(), "no doc examples for {platform}");
    (
        proptest::sample::select(examples),
        proptest::collection::vec((any::<u32>(), any::<u32>(), json()), 0..4),
    )
        .prop_map(|(mut example, mutations)| {
            for (path, depth, replacement) in mutations {
                replace_somewhere(&mut example, path, depth % 6, replacement);
            }
            example
        })
}

/// Replaces the value `depth` levels down along the path `path` picks.
fn replace_somewhere(value: &mut Value, path: u32, depth: u32, replacement: Value) {
    if depth == 0 {
        *value = replacement;
        return;
    }
    let child = match value {
        Value::Object(map) if !map.is_empty() => {
            let index = path as usize % map.len();
            map.values_mut().nth(index)
        }
        Value::Array(items) if !items.is_empty() => {
            let index = path as usize % items.len();
            items.get_mut(index)
        }
        _ => None,
    };
    match child {
        Some(child) => replace_somewhere(child, path.rotate_right(7), depth - 1, replacement),
        None => *value = replacement,
    }
}

/// JSON for a platform's parsers: arbitrary, a mutated doc example, or raw bytes.
fn wire_input(platform: &'static str) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        json().prop_map(|v| serde_json::to_vec(&v).unwrap_or_default()),
        mutated_example(platform).prop_map(|v| serde_json::to_vec(&v).unwrap_or_default()),
        proptest::collection::vec(any::<u8>(), 0..200),
    ]
}

/// Parses `bytes` as each of the types; a parser may refuse, never panic.
macro_rules! parse_as {
    ($bytes:expr, $($ty:ty),+ $(,)?) => {
        $( let _ = serde_json::from_slice::<$ty>($bytes); )+
    };
}

fn customer_api_parsers(bytes: &[u8]) {
    use shopterm::model::*;
    use shopterm::platforms::customer_api::wire::*;
    parse_as!(
        bytes,
        ErrorBody,
        MessageResponse,
        Account,
        Vec<Address>,
        Address,
        Page<OrderSummary>,
        OrderDetail,
        Vec<Product>,
        PlacedOrder,
    );
}

fn spryker_parsers(bytes: &[u8]) {
    use shopterm::platforms::spryker::wire::*;
    parse_as!(
        bytes,
        Document<TokenAttributes>,
        Collection<CustomerAttributes>,
        Document<CustomerAttributes>,
        Collection<AddressAttributes>,
        Document<AddressAttributes>,
        Collection<OrderAttributes>,
        OrderDocument,
        Errors,
        shopterm::platforms::spryker::shopping_list_wire::ShoppingListsCollection,
    );
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = parse_timestamp(text);
    }
}

fn centra_parsers(bytes: &[u8]) {
    use shopterm::platforms::centra::wire::*;
    parse_as!(bytes, Answer, ErrorAnswer, LoggedIn, OrdersAnswer, Amount);
    if let Ok(errors) = serde_json::from_slice::<Errors>(bytes) {
        let _ = errors.describe();
        let _ = errors.messages();
    }
}

fn abantecart_parsers(bytes: &[u8]) {
    use shopterm::platforms::abantecart::wire::*;
    parse_as!(bytes, AccountAnswer, HistoryAnswer, EditAnswer);
    if let Ok(status) = serde_json::from_slice::<StatusAnswer>(bytes) {
        let _ = status.error_message();
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = shopterm::platforms::abantecart::money::shop_money(text);
    }
}

fn shoptet_parsers(bytes: &[u8]) {
    use shopterm::platforms::shoptet::wire::*;
    parse_as!(
        bytes,
        Envelope<serde_json::Value>,
        Envelope<EshopInfo>,
        Envelope<CustomerList>,
        Envelope<CustomerData>,
        Envelope<DeliveryAddressList>,
        Envelope<DeliveryAddressData>,
        Envelope<CustomerAccountData>,
        Envelope<OrderList>,
        Envelope<OrderData>,
        Envelope<ShipmentList>,
        Envelope<InvoiceList>,
        Envelope<Product>,
        Envelope<String>,
    );
    if let Ok(Envelope {
        data: Some(customer),
        ..
    }) = serde_json::from_slice::<Envelope<CustomerData>>(bytes)
    {
        let _ = customer.customer.main_account();
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = parse_time(text);
        shoptet_retry_after(text);
    }
}

/// A 429's `Retry-After` as any text, kept however long it asks (the wait saturates), and as the
/// connector keeps it (at most 10 s).
fn shoptet_retry_after(text: &str) {
    use shopterm::platforms::shoptet::{Pacer, PacingLimits, SystemClock};
    use std::time::Duration;
    let pacer = Pacer::new(
        PacingLimits::default(),
        std::sync::Arc::new(SystemClock::default()),
    );
    let _ = pacer.observe_retry_after(Some(text), Duration::MAX);
    let _ = pacer.observe_retry_after(Some(text), Duration::from_secs(10));
}

/// Nothing a terminal acts on: no ESC, no C0/C1 control, no DEL, no bidi control.
fn terminal_safe(text: &str) -> Result<(), String> {
    for c in text.chars() {
        let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}');
        if c.is_control() || bidi {
            return Err(format!("{:?} holds U+{:04X}", text, c as u32));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn customer_api_wire_parsers_never_panic(bytes in wire_input("customer_api")) {
        customer_api_parsers(&bytes);
    }

    #[test]
    fn spryker_wire_parsers_never_panic(bytes in wire_input("spryker")) {
        spryker_parsers(&bytes);
    }

    #[test]
    fn centra_wire_parsers_never_panic(bytes in wire_input("centra")) {
        centra_parsers(&bytes);
    }

    #[test]
    fn abantecart_wire_parsers_never_panic(bytes in wire_input("abantecart")) {
        abantecart_parsers(&bytes);
    }

    #[test]
    fn shoptet_wire_parsers_never_panic(bytes in wire_input("shoptet")) {
        shoptet_parsers(&bytes);
    }

    #[test]
    fn shoptet_retry_after_never_panics(value in prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        "[0-9]{15,25}",
        text(),
    ]) {
        shoptet_retry_after(&value);
    }

    #[test]
    fn the_sanitiser_leaves_nothing_a_terminal_acts_on(input in text()) {
        let cleaned = shopterm::sanitize::clean(&input);
        prop_assert!(terminal_safe(&cleaned).is_ok(), "{:?} → {:?}", input, cleaned);
        prop_assert_eq!(shopterm::sanitize::clean(&cleaned), cleaned.clone(), "cleaning twice changes nothing");
        if terminal_safe(&input).is_ok() {
            prop_assert_eq!(cleaned, input, "clean text is left as it is");
        }
    }

    #[test]
    fn the_quick_order_parser_keeps_good_lines_and_names_bad_ones(
        noise in text(),
        good in proptest::collection::vec(
            (proptest::option::of("[A-Za-z][A-Za-z0-9]{0,8}"), "[A-Z0-9][A-Z0-9-]{0,11}", 1u32.., proptest::sample::select(vec![" ", "\t", ",", ";", " ; "])),
            0..5,
        ),
    ) {
        let (lines, errors) = shopterm::reorder::parse_quick_order(&noise);
        let content = noise.lines().filter(|l| !l.trim().is_empty() && !l.trim().starts_with('#')).count();
        prop_assert!(lines.len() + errors.len() <= content);
        for line in &lines {
            prop_assert!(line.quantity >= 1);
            prop_assert!(!line.code.as_str().is_empty());
        }
        for error in &errors {
            prop_assert!(error.line >= 1 && error.line <= noise.lines().count());
        }
        // Well-formed lines after a comment come back exactly.
        let mut pasted = String::from("# pasted\n");
        for (brand, code, quantity, separator) in &good {
            if let Some(brand) = brand {
                pasted.push_str(&format!("{brand}{separator}"));
            }
            pasted.push_str(&format!("{code}{separator}{quantity}\n"));
        }
        let (lines, errors) = shopterm::reorder::parse_quick_order(&pasted);
        prop_assert!(errors.is_empty(), "{:?}", errors);
        prop_assert_eq!(lines.len(), good.len());
        for (line, (brand, code, quantity, _)) in lines.iter().zip(&good) {
            prop_assert_eq!(&line.brand, brand);
            prop_assert_eq!(line.code.as_str(), code.as_str());
            prop_assert_eq!(line.quantity, *quantity);
        }
    }

    #[test]
    fn a_reset_key_comes_out_of_its_link_or_as_typed(key in any::<String>(), noise in text()) {
        let _ = shopterm::tui::panes::password::reset_key_from(&noise);
        let encoded: String = url::form_urlencoded::byte_serialize(key.as_bytes()).collect();
        let link = format!("https://shop.example/password/reset?key={encoded}&x=1");
        prop_assert_eq!(shopterm::tui::panes::password::reset_key_from(&link), key.clone());
        if !key.contains(':') {
            prop_assert_eq!(shopterm::tui::panes::password::reset_key_from(&key), key.trim());
        }
    }

    #[test]
    fn a_pasted_redirect_gives_its_query_and_never_repeats_the_code_in_errors(
        noise in text(),
        code in "[A-Za-z0-9_-]{16,40}",
        wrapper in 0usize..4,
    ) {
        use shopterm::auth::callback::pasted_redirect_query;
        if let Ok(query) = pasted_redirect_query(&noise) {
            prop_assert!(url::form_urlencoded::parse(query.as_bytes()).any(|(k, _)| k == "code" || k == "error"));
        }
        let pasted = match wrapper {
            0 => format!("http://127.0.0.1:8765/callback?code={code}&state=s"),
            1 => format!("  ?code={code}&state=s \n"),
            2 => format!("code={code}&state=s"),
            _ => format!("http://127.0.0.1:8765/callback?nothing={code}"),
        };
        match pasted_redirect_query(&pasted) {
            Ok(query) => prop_assert!(query.contains(&code)),
            Err(error) => prop_assert!(!format!("{error} {error:?}").contains(&code), "an error repeats the code"),
        }
    }

    #[test]
    fn a_callback_gives_the_code_only_with_the_right_state(
        noise in text(),
        state in "[A-Za-z0-9]{8,32}",
        code in "[A-Za-z0-9]{8,32}",
        issuer in proptest::option::of(text()),
        required in any::<bool>(),
        description in text(),
    ) {
        use secrecy::ExposeSecret;
        use shopterm::auth::callback::{CallbackExpectation, validate_callback_query};
        let expected = CallbackExpectation { state: state.clone(), issuer: issuer.clone(), issuer_required: required };
        if let Ok(got) = validate_callback_query(&noise, &expected) {
            let query: Vec<(String, String)> = url::form_urlencoded::parse(noise.as_bytes()).into_owned().collect();
            prop_assert!(query.iter().any(|(k, v)| k == "state" && *v == state));
            prop_assert!(query.iter().any(|(k, v)| k == "code" && v == got.expose_secret()));
        }
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("code", &code).append_pair("state", &state);
        if let Some(issuer) = &issuer {
            query.append_pair("iss", issuer);
        }
        let good = query.finish();
        let got = validate_callback_query(&good, &expected).map(|c| c.expose_secret().to_owned());
        if issuer.is_some() || !required {
            prop_assert_eq!(got.ok(), Some(code.clone()));
        } else {
            // An `iss` promised by a server whose issuer is unknown cannot be checked.
            prop_assert!(got.is_err());
        }
        let mut forged = url::form_urlencoded::Serializer::new(String::new());
        forged.append_pair("error", "access_denied").append_pair("error_description", &description).append_pair("state", &format!("{state}x"));
        let forged = forged.finish();
        prop_assert!(validate_callback_query(&forged, &expected).is_err());
    }
}

// ---------------------------------------------------------------------------------------------
// The TUI's `update`: any key sequence.
// ---------------------------------------------------------------------------------------------

mod tui {
    use proptest::prelude::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use shopterm::model::*;
    use shopterm::reorder::{Draft, QuickLine};
    use shopterm::shop::{Capabilities, Feature};
    use shopterm::tui::app::{Action, Effect, State, update};

    pub fn features() -> Capabilities {
        Capabilities::new(
            [Feature::EditAccount]
                .into_iter()
                .chain(Feature::ADDRESS_BOOK)
                .chain(Feature::ORDER_HISTORY)
                .chain(Feature::PASSWORDS)
                .chain([
                    Feature::ProductLookup,
                    Feature::PlaceOrder,
                    Feature::AccountPhone,
                    Feature::AccountCompany,
                    Feature::AddressRegion,
                ]),
        )
    }

    pub fn account() -> Account {
        Account {
            id: CustomerId::from("7"),
            email: "buyer@example.org".into(),
            first_name: "Ada".into(),
            last_name: "\u{1b}]0;x\u{7}Lovelace".into(),
            phone: None,
            company: None,
            company_id: None,
            vat_id: None,
            created_at: None,
        }
    }

    pub fn draft() -> Draft {
        Draft::from_quick_lines(&[
            QuickLine {
                brand: None,
                code: ProductCode::from("6200-2RS"),
                quantity: 3,
            },
            QuickLine {
                brand: Some("Arvid".into()),
                code: ProductCode::from("ARV-MT50"),
                quantity: 1,
            },
        ])
    }

    /// A signed-in TUI with a restored, unsent reorder draft.
    pub fn started() -> State {
        let mut state = State::new("shop".into(), features());
        let _ = state.start();
        let customer = account();
        let id = customer.id.clone();
        update(&mut state, Action::AccountLoaded(Ok(customer)));
        update(&mut state, Action::DraftRestored(id, Some(draft())));
        state
    }

    /// What a person does at the terminal (an `Action` without its answers from the shop).
    #[derive(Debug, Clone)]
    pub enum Input {
        Key(KeyCode, KeyModifiers),
        Paste(String),
        Resize(u16, u16),
        Tick,
    }

    impl Input {
        fn action(self) -> Action {
            match self {
                Input::Key(code, modifiers) => Action::Key(KeyEvent::new(code, modifiers)),
                Input::Paste(text) => Action::Paste(text),
                Input::Resize(w, h) => Action::Resize(w, h),
                Input::Tick => Action::Tick,
            }
        }
    }

    pub fn input() -> impl Strategy<Value = Input> {
        let code = prop_oneof![
            any::<char>().prop_map(KeyCode::Char),
            proptest::sample::select(vec!['y', 'n', 'q', 'e', 'r', 'd', 'x', ' ', '?', '/', ':'])
                .prop_map(KeyCode::Char),
            (1u8..10).prop_map(|d| KeyCode::Char(char::from(b'0' + d))),
            proptest::sample::select(vec![
                KeyCode::Enter,
                KeyCode::Esc,
                KeyCode::Tab,
                KeyCode::BackTab,
                KeyCode::Backspace,
                KeyCode::Delete,
                KeyCode::Up,
                KeyCode::Down,
                KeyCode::Left,
                KeyCode::Right,
                KeyCode::Home,
                KeyCode::End,
                KeyCode::PageUp,
                KeyCode::PageDown,
                KeyCode::Insert,
            ]),
            (1u8..13).prop_map(KeyCode::F),
        ];
        let modifiers = proptest::sample::select(vec![
            KeyModifiers::NONE,
            KeyModifiers::NONE,
            KeyModifiers::NONE,
            KeyModifiers::SHIFT,
            KeyModifiers::CONTROL,
            KeyModifiers::ALT,
        ]);
        prop_oneof![
            20 => (code, modifiers).prop_map(|(code, modifiers)| Input::Key(code, modifiers)),
            1 => super::text().prop_map(Input::Paste),
            1 => (0u16..300, 0u16..120).prop_map(|(w, h)| Input::Resize(w, h)),
            1 => Just(Input::Tick),
        ]
    }

    /// Runs `actions`, drawing after each at the last size; returns why it went wrong.
    pub fn run(inputs: Vec<Input>) -> Result<(), String> {
        let mut state = started();
        let (mut width, mut height) = (100u16, 30u16);
        let mut terminal =
            Terminal::new(TestBackend::new(width, height)).map_err(|e| e.to_string())?;
        for input in inputs {
            let action = input.action();
            if let Action::Resize(w, h) = action {
                (width, height) = (w, h);
                terminal.backend_mut().resize(w.max(1), h.max(1));
            }
            let before = state
                .reorder
                .draft
                .as_ref()
                .map(|d| d.idempotency_key.clone());
            let described = format!("{action:?}");
            let effects = update(&mut state, action);
            let after = state
                .reorder
                .draft
                .as_ref()
                .map(|d| d.idempotency_key.clone());
            if let Some(key) = before
                && after.as_ref() != Some(&key)
            {
                let discarded = effects
                    .iter()
                    .any(|e| matches!(e, Effect::DeleteDraft { key: k, .. } if *k == key));
                let sent = effects
                    .iter()
                    .any(|e| matches!(e, Effect::SendDraft(d) if d.idempotency_key == key));
                if !discarded && !sent {
                    return Err(format!(
                        "{described} dropped the draft {key} without a discard"
                    ));
                }
            }
            if width > 0 && height > 0 {
                terminal
                    .draw(|frame| shopterm::tui::render::render(frame, &state))
                    .map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    }
}

/// Key sequences are slower to run than single parses: an eighth of the cases unless
/// `FUZZ_TUI_CASES` says how many.
fn tui_cases() -> u32 {
    std::env::var("FUZZ_TUI_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or((cases() / 8).max(16))
}

proptest! {
    #![proptest_config(Config { cases: tui_cases(), ..config() })]

    #[test]
    fn any_key_sequence_neither_panics_nor_loses_a_draft(
        inputs in proptest::collection::vec(tui::input(), 1..60)
    ) {
        let result = tui::run(inputs);
        prop_assert!(result.is_ok(), "{}", result.err().unwrap_or_default());
    }
}

// ---------------------------------------------------------------------------------------------
// The corpus itself through every target, and the crashes found, as regression tests.
// ---------------------------------------------------------------------------------------------

#[test]
fn every_corpus_entry_goes_through_every_parser_and_the_sanitiser() {
    let mut texts: Vec<String> = corpus::blns().to_vec();
    texts.extend(corpus::TERMINAL_PAYLOADS.iter().map(|s| s.to_string()));
    for text in &texts {
        let cleaned = shopterm::sanitize::clean(text);
        assert!(terminal_safe(&cleaned).is_ok(), "{text:?} → {cleaned:?}");
        let _ = shopterm::reorder::parse_quick_order(text);
        let _ = shopterm::tui::panes::password::reset_key_from(text);
        let _ = shopterm::auth::callback::pasted_redirect_query(text);
        let as_json = serde_json::to_vec(text).unwrap_or_default();
        for bytes in [text.as_bytes(), &as_json] {
            customer_api_parsers(bytes);
            spryker_parsers(bytes);
            centra_parsers(bytes);
            abantecart_parsers(bytes);
            shoptet_parsers(bytes);
        }
    }
    let mut parsed_somewhere = 0;
    for (platform, examples) in corpus::doc_examples() {
        for example in examples {
            let bytes = serde_json::to_vec(example).unwrap_or_default();
            match platform.as_str() {
                "customer_api" => customer_api_parsers(&bytes),
                "spryker" => spryker_parsers(&bytes),
                "centra" => centra_parsers(&bytes),
                "abantecart" => abantecart_parsers(&bytes),
                "shoptet" => shoptet_parsers(&bytes),
                other => panic!("examples of an unknown platform {other}"),
            }
            parsed_somewhere += 1;
        }
    }
    assert!(parsed_somewhere >= 20, "the doc examples are there");
}

/// Found by `any_key_sequence_neither_panics_nor_loses_a_draft` (1 in about 300 sequences): the
/// account form open, a wide character and a digit typed, the cursor moved left, then the
/// terminal resized to 1×1 — drawing the field overflowed a subtraction (src/tui/widgets.rs
/// `field_window`).
#[test]
fn regression_a_form_field_drawn_in_a_one_column_terminal() {
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};
    use tui::Input;
    let none = KeyModifiers::NONE;
    let result = tui::run(vec![
        Input::Key(KeyCode::Tab, none),
        Input::Key(KeyCode::F(3), none),
        Input::Key(KeyCode::Char('\u{14647}'), none),
        Input::Key(KeyCode::Char('0'), none),
        Input::Key(KeyCode::Left, none),
        Input::Resize(1, 1),
    ]);
    assert!(result.is_ok(), "{result:?}");
}
