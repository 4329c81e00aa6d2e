//! Snapshots of every pane, drawn by the real render function into ratatui's TestBackend: the
//! layout a user sees, including a customer with Japanese and Arabic names and an order split
//! into several shipments.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use shopterm::model::*;
use shopterm::shop::{Capabilities, Feature};
use shopterm::tui::app::{Action, State, update};
use support::fixtures::{History, customer_api_features, orders_loaded};
use time::macros::datetime;

fn eur(minor: i64) -> Money {
    Money::from_minor(minor, Currency::EUR)
}

fn hanako() -> Account {
    Account {
        id: CustomerId::from("2"),
        email: "hanako@demo.shopterm.example".into(),
        first_name: "花子".into(),
        last_name: "山田".into(),
        phone: Some("+81 3 1234 5678".into()),
        company: None,
        company_id: None,
        vat_id: None,
        created_at: None,
    }
}

fn postal(line1: &str, city: &str, country: &str) -> PostalAddress {
    PostalAddress {
        first_name: "花子".into(),
        last_name: "山田".into(),
        company: None,
        line1: line1.into(),
        line2: None,
        city: city.into(),
        postcode: "100-0001".into(),
        region: None,
        country: country.into(),
        phone: None,
    }
}

fn orders() -> Vec<OrderSummary> {
    let history = History {
        newest: 102000,
        interval: time::Duration::days(3),
        total_step: 1000,
    };
    (0..40).map(|i| history.summary(i)).collect()
}

fn detail() -> OrderDetail {
    let line = |code: &str, brand: &str, name: &str, qty: u32, unit: i64| OrderLine {
        code: ProductCode::from(code),
        brand: brand.into(),
        name: name.into(),
        quantity: qty,
        unit_price: eur(unit),
        line_total: eur(unit * i64::from(qty)),
    };
    let shipment = |id: &str, carrier: &str, tracking: &str, code: &str| Shipment {
        id: id.into(),
        shipped_at: Some(datetime!(2026-11-18 15:00 UTC)),
        carrier: carrier.into(),
        service: Some("Express".into()),
        tracking_id: Some(tracking.into()),
        tracking_url: Some(format!("https://tracking.example/{tracking}")),
        state: ShipmentState::InTransit,
        lines: vec![ShipmentLine {
            code: ProductCode::from(code),
            quantity: 1,
        }],
    };
    OrderDetail {
        summary: orders().remove(0),
        lines: vec![
            line("KB-100", "Nordkeys", "Mechanical keyboard", 1, 8900),
            line("MS-20", "Glide", "Mouse", 2, 1722),
        ],
        totals: OrderTotals {
            items: eur(12_344),
            discounts: eur(0),
            shipping: eur(495),
            tax: eur(2_050),
            grand_total: eur(12_839),
        },
        billing_address: Some(postal("千代田1-1", "東京", "JP")),
        shipping_address: Some(postal("شارع الشيخ زايد 12", "دبي", "AE")),
        shipments: vec![
            shipment("1", "Yamato", "4812-3391-0021", "KB-100"),
            shipment("2", "Aramex", "AX99120034", "MS-20"),
        ],
    }
}

fn key(state: &mut State, code: KeyCode) {
    update(state, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn state() -> State {
    let mut state = State::new(
        "127.0.0.1:8040 · Customer API".into(),
        customer_api_features(),
    );
    state.start();
    update(&mut state, Action::Resize(100, 28));
    update(&mut state, Action::AccountLoaded(Ok(hanako())));
    let page = Page {
        items: orders(),
        offset: 0,
        total: Some(2104),
        has_more: true,
    };
    update(&mut state, orders_loaded(page));
    state
}

fn draw(state: &State) -> String {
    let mut terminal = Terminal::new(TestBackend::new(100, 28)).unwrap();
    terminal
        .draw(|frame| shopterm::tui::render::render(frame, state))
        .unwrap();
    terminal.backend().to_string()
}

#[test]
fn orders_pane() {
    let mut state = state();
    key(&mut state, KeyCode::Char('j'));
    insta::assert_snapshot!(draw(&state));
}

#[test]
fn order_detail_with_two_shipments() {
    let mut state = state();
    key(&mut state, KeyCode::Enter);
    update(
        &mut state,
        Action::OrderLoaded(OrderNumber::from("SO-102000"), Ok(detail())),
    );
    key(&mut state, KeyCode::Char('n'));
    insta::assert_snapshot!(draw(&state));
}

#[test]
fn account_pane_with_japanese_names() {
    let mut state = state();
    key(&mut state, KeyCode::Char('1'));
    insta::assert_snapshot!(draw(&state));
}

#[test]
fn account_form_with_a_field_error() {
    let mut state = state();
    key(&mut state, KeyCode::Char('1'));
    key(&mut state, KeyCode::Char('e'));
    key(&mut state, KeyCode::Tab);
    key(&mut state, KeyCode::Tab);
    for _ in 0..40 {
        key(&mut state, KeyCode::Backspace);
    }
    key(&mut state, KeyCode::Enter);
    insta::assert_snapshot!(draw(&state));
}

#[test]
fn addresses_pane_with_arabic_address() {
    let mut state = state();
    key(&mut state, KeyCode::Char('2'));
    let address = |id: &str, postal: PostalAddress, default: bool| Address {
        id: AddressId::from(id),
        postal,
        default_shipping: default,
        default_billing: !default,
    };
    let list = vec![
        address("1", postal("千代田1-1", "東京", "JP"), true),
        address("2", postal("شارع الشيخ زايد 12", "دبي", "AE"), false),
    ];
    update(&mut state, Action::AddressesLoaded(Ok(list)));
    key(&mut state, KeyCode::Char('j'));
    insta::assert_snapshot!(draw(&state));
}

#[test]
fn password_pane() {
    let mut state = state();
    key(&mut state, KeyCode::Char('4'));
    for c in "secret".chars() {
        key(&mut state, KeyCode::Char(c));
    }
    insta::assert_snapshot!(draw(&state));
}

#[test]
fn help_overlay_on_orders() {
    let mut state = state();
    key(&mut state, KeyCode::Char('?'));
    insta::assert_snapshot!(draw(&state));
}

#[test]
fn unavailable_feature_is_said_plainly() {
    let mut state = State::new("shop".into(), Capabilities::new([Feature::OrderHistory]));
    state.start();
    update(&mut state, Action::AccountLoaded(Ok(hanako())));
    key(&mut state, KeyCode::Char('2'));
    let screen = draw(&state);
    assert!(
        screen.contains("The address list is not available on this shop."),
        "{screen}"
    );
}

#[test]
fn hostile_shop_text_is_drawn_inert() {
    let mut state = state();
    let mut evil = hanako();
    evil.first_name = "\u{1b}]0;pwned\u{7}Eve\u{1b}[31m".into();
    evil.last_name = "\u{202e}resu".into();
    update(&mut state, Action::AccountLoaded(Ok(evil)));
    key(&mut state, KeyCode::Char('1'));
    let screen = draw(&state);
    assert!(
        !screen.contains('\u{1b}') && !screen.contains('\u{202e}'),
        "{screen:?}"
    );
    assert!(screen.contains("Eve"));
}

#[test]
fn sign_in_screen_waiting_for_the_browser() {
    let hint =
        vec!["Demo shop at http://127.0.0.1:8040 — sign in with one of these accounts:".to_owned()];
    let mut state = State::signed_out(
        "127.0.0.1:8040 · Customer API".into(),
        customer_api_features(),
        hint,
        None,
    );
    assert!(state.start().is_empty(), "nothing loads before sign-in");
    let effects = update(
        &mut state,
        Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    assert!(matches!(
        effects[..],
        [shopterm::tui::app::Effect::StartSignIn]
    ));
    update(
        &mut state,
        Action::SignInUrl(
            "http://127.0.0.1:8040/oauth/authorize?client_id=shopterm&state=abc".into(),
        ),
    );
    insta::assert_snapshot!(draw(&state));
}

#[test]
fn password_sign_in_screen_after_a_refused_password() {
    let hint = vec![
        "Demo shop at http://127.0.0.1:8040/spryker — sign in with one of these accounts:"
            .to_owned(),
    ];
    let mut state = State::signed_out(
        "127.0.0.1:8040 · Spryker".into(),
        customer_api_features(),
        hint,
        Some("E-mail"),
    );
    for c in "buyer@demo.shopterm.example".chars() {
        key(&mut state, KeyCode::Char(c));
    }
    key(&mut state, KeyCode::Tab);
    for c in "wrong".chars() {
        key(&mut state, KeyCode::Char(c));
    }
    let screen = draw(&state);
    // Masked: five bullets, never the letters.
    assert!(
        screen.contains("•••••") && !screen.contains("wrong"),
        "{screen}"
    );
    key(&mut state, KeyCode::Enter);
    update(
        &mut state,
        Action::SignInRefused("the shop did not accept this e-mail and password".into()),
    );
    insta::assert_snapshot!(draw(&state));
}

#[test]
fn expired_session_asks_to_sign_in_over_the_place() {
    let mut state = state();
    state.can_sign_in = true;
    key(&mut state, KeyCode::Enter);
    update(
        &mut state,
        Action::OrderLoaded(
            OrderNumber::from("SO-102000"),
            Err(shopterm::shop::ShopError::SessionExpired),
        ),
    );
    let screen = draw(&state);
    assert!(screen.contains("Your session has expired"), "{screen}");
    update(&mut state, Action::SignInFinished(Ok(hanako())));
    let effects_after = state.orders.detail.as_ref().map(|d| d.number.clone());
    assert_eq!(
        effects_after,
        Some(OrderNumber::from("SO-102000")),
        "the user's place is kept"
    );
}

#[test]
fn reorder_review_with_a_price_change_and_an_out_of_stock_line() {
    use shopterm::reorder::{Draft, Resolution};
    let mut state = state();
    let mut draft = Draft::from_order(&detail());
    let now = |minor: i64, availability: Availability, line: &OrderLine| Product {
        code: line.code.clone(),
        brand: line.brand.clone(),
        name: line.name.clone(),
        price: eur(minor),
        availability,
    };
    let lines = detail().lines;
    draft.lines[0].resolution = Resolution::Found {
        product: now(9400, Availability::InStock { quantity: Some(4) }, &lines[0]),
    };
    draft.lines[1].resolution = Resolution::Found {
        product: now(1722, Availability::OutOfStock, &lines[1]),
    };
    state.reorder.draft = Some(draft);
    // Priced in this session (a restored draft would be checked again before it can be sent).
    state.reorder.checked = true;
    key(&mut state, KeyCode::Char('5'));
    key(&mut state, KeyCode::Enter);
    let screen = draw(&state);
    assert!(
        screen.contains("out of stock") && screen.contains("94.00 EUR"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

type Build = fn() -> State;

/// Every pane (and the help overlay and the sign-in screens), built as a user reaches it.
/// Shoptet's staff mode: three customers found for a search, the third one's detail unread.
fn staff_search() -> State {
    use shopterm::platforms::shoptet::{CustomerMatch, CustomerSearch};
    let features = Capabilities::new(
        shopterm::platforms::shoptet::PLATFORM
            .features
            .iter()
            .copied(),
    );
    let mut state = State::new("127.0.0.1:8040 · Shoptet".into(), features);
    state.start();
    shopterm::tui::staff_mode::enter(&mut state);
    for c in "hanako".chars() {
        key(&mut state, KeyCode::Char(c));
    }
    let effects = update(
        &mut state,
        Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let generation = effects
        .iter()
        .find_map(|e| match e {
            shopterm::tui::app::Effect::SearchCustomers { generation, .. } => Some(*generation),
            _ => None,
        })
        .expect("a customer search");
    let found = |guid: &str, name: &str, email: Option<&str>, error: Option<&str>| CustomerMatch {
        guid: guid.into(),
        name: name.into(),
        email: email.map(Into::into),
        phone: email.map(|_| "+81 90 5555 0123".into()),
        company: None,
        detail_error: error.map(Into::into),
    };
    let matches = vec![
        found(
            "g-1",
            "花子 山田",
            Some("hanako@demo.shopterm.example"),
            None,
        ),
        found("g-2", "Hanako Sato", Some("sato@example.jp"), None),
        found("g-3", "Hanako Ito", None, Some("HTTP 500")),
    ];
    update(
        &mut state,
        Action::CustomersFound {
            generation,
            result: Ok(CustomerSearch { matches, total: 3 }),
        },
    );
    state
}

fn every_pane() -> [(&'static str, Build); 14] {
    [
        ("orders", || state()),
        ("staff_search", staff_search),
        ("staff_customer", || {
            let mut state = staff_search();
            let mut effects = update(
                &mut state,
                Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            );
            effects.extend(update(&mut state, Action::AccountLoaded(Ok(hanako()))));
            // The orders of the chosen customer: answered with the generation asked for.
            let generation = effects
                .iter()
                .find_map(|e| match e {
                    shopterm::tui::app::Effect::LoadOrders { generation, .. } => Some(*generation),
                    _ => None,
                })
                .expect("the chosen customer's orders asked for");
            let items = orders();
            let page = Page {
                total: Some(items.len() as u64),
                items,
                offset: 0,
                has_more: false,
            };
            update(
                &mut state,
                Action::OrdersLoaded {
                    generation,
                    offset: 0,
                    result: Ok(page),
                },
            );
            state
        }),
        ("order_detail", || {
            let mut state = state();
            key(&mut state, KeyCode::Enter);
            update(
                &mut state,
                Action::OrderLoaded(OrderNumber::from("SO-102000"), Ok(detail())),
            );
            state
        }),
        ("account", || {
            let mut state = state();
            key(&mut state, KeyCode::Char('1'));
            state
        }),
        ("account_form", || {
            let mut state = state();
            key(&mut state, KeyCode::Char('1'));
            key(&mut state, KeyCode::Char('e'));
            state
        }),
        ("addresses", || {
            let mut state = state();
            key(&mut state, KeyCode::Char('2'));
            let list = (0..12)
                .map(|i| Address {
                    id: AddressId::from(format!("{i}").as_str()),
                    postal: postal(&format!("千代田{i}-1"), "東京", "JP"),
                    default_shipping: i == 0,
                    default_billing: i == 0,
                })
                .collect();
            update(&mut state, Action::AddressesLoaded(Ok(list)));
            // The last address is selected: it must be drawn even where only a few fit.
            for _ in 0..11 {
                key(&mut state, KeyCode::Char('j'));
            }
            state
        }),
        ("password", || {
            let mut state = state();
            key(&mut state, KeyCode::Char('4'));
            state
        }),
        ("quick_order", || {
            let mut state = state();
            key(&mut state, KeyCode::Char('5'));
            update(&mut state, Action::Paste("KB-100 2\nMS-200 1".into()));
            state
        }),
        ("reorder_review", || {
            let mut state = state();
            state.reorder.draft = Some(shopterm::reorder::Draft::from_order(&detail()));
            key(&mut state, KeyCode::Char('5'));
            state
        }),
        ("reorder_unavailable", || {
            let mut state = State::new(
                "127.0.0.1:8040 · Spryker".into(),
                Capabilities::new([Feature::OrderHistory]),
            );
            state.start();
            update(&mut state, Action::AccountLoaded(Ok(hanako())));
            key(&mut state, KeyCode::Char('5'));
            state
        }),
        ("help", || {
            let mut state = state();
            key(&mut state, KeyCode::Char('?'));
            state
        }),
        ("sign_in", || {
            State::signed_out(
                "127.0.0.1:8040 · Customer API".into(),
                customer_api_features(),
                vec![
                    "Demo shop at http://127.0.0.1:8040 — sign in with one of these accounts:"
                        .into(),
                ],
                None,
            )
        }),
        ("password_sign_in", || {
            State::signed_out(
                "127.0.0.1:8040 · Spryker".into(),
                customer_api_features(),
                vec!["Demo shop at http://127.0.0.1:8040/spryker".into()],
                Some("E-mail"),
            )
        }),
    ]
}

/// Every pane at the three sizes a user is likely to have: 60x20 (the minimum), 80x24, 120x40.
#[test]
fn every_pane_at_small_medium_and_large_sizes() {
    for (name, build) in every_pane() {
        for (width, height) in [(60u16, 20u16), (80, 24), (120, 40)] {
            let mut state = build();
            update(&mut state, Action::Resize(width, height));
            let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
            terminal
                .draw(|frame| shopterm::tui::render::render(frame, &state))
                .unwrap();
            let screen = terminal.backend().to_string();
            let tabs = screen.lines().next().unwrap_or("");
            assert!(
                tabs.contains(" 5 "),
                "{name} {width}x{height}: every tab shows\n{screen}"
            );
            // Every screen says how to leave it, even at 60 columns: quit, or Esc out of a form
            // (in the status bar, or in the pane's own line of keys).
            let below_tabs = screen.lines().skip(1).collect::<String>();
            assert!(
                below_tabs.contains(" quit ") || below_tabs.contains("Esc "),
                "{name} {width}x{height}: no way out in the status bar\n{screen}"
            );
            insta::assert_snapshot!(format!("{name}_{width}x{height}"), screen);
        }
    }
}

/// Every pane in the light theme at 60x20, 80x24 and 120x40. The snapshot is ratatui's `Buffer`
/// debug form: the text, then each change of colour and modifier with the cell where it starts,
/// so a colour that changes (or goes missing) changes the snapshot.
#[test]
fn every_pane_in_the_light_theme_at_every_size() {
    use shopterm::config::{ThemeConfig, ThemeName};
    use shopterm::tui::theme::{Palette, Theme};
    let light = ThemeConfig {
        name: ThemeName::Light,
        ..ThemeConfig::default()
    };
    let theme = Theme::resolve(&light, false, None).unwrap();
    for (name, build) in every_pane() {
        for (width, height) in [(60u16, 20u16), (80, 24), (120, 40)] {
            let mut state = build();
            state.theme = theme;
            update(&mut state, Action::Resize(width, height));
            let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
            terminal
                .draw(|frame| shopterm::tui::render::render(frame, &state))
                .unwrap();
            let buffer = terminal.backend().buffer().clone();
            // The light palette's key colour is on screen (the status bar's keys at least).
            let key = Palette::LIGHT.key;
            assert!(
                buffer.content.iter().any(|cell| Some(cell.fg) == key),
                "{name} {width}x{height}: no cell in the light key colour"
            );
            insta::assert_debug_snapshot!(format!("{name}_light_{width}x{height}"), buffer);
        }
    }
}
