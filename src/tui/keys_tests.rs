use super::*;
use crate::config::Config;
use crate::tui::app::{Action, Effect, State, update};
use crate::tui::commands;

fn keys_config(text: &str) -> Result<KeysConfig, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    Config::load_from(&path)
        .map(|c| c.keys)
        .map_err(|e| e.to_string())
}

fn key_map(text: &str) -> Result<KeyMap, String> {
    KeyMap::from_config(&keys_config(text)?)
}

fn error(text: &str) -> String {
    match key_map(text) {
        Ok(_) => panic!("accepted: {text}"),
        Err(message) => message,
    }
}

fn assert_mentions(message: &str, needles: &[&str]) {
    for needle in needles {
        assert!(message.contains(needle), "{needle:?} missing in: {message}");
    }
}

#[test]
fn names_are_unique_per_context_and_every_row_has_one() {
    let all = actions();
    for (i, a) in all.iter().enumerate() {
        assert!(
            !all[..i]
                .iter()
                .any(|b| b.context == a.context && b.name == a.name),
            "{} twice in {:?}",
            a.name,
            a.context
        );
    }
    for (row, binding) in TABLE.iter().enumerate() {
        let keys: usize = all
            .iter()
            .filter(|a| a.row == row)
            .map(|a| a.defaults.len())
            .sum();
        assert_eq!(keys, binding.keys.len(), "{binding:?}");
    }
    for binding in TABLE {
        assert!(CONTEXTS.iter().any(|(c, _)| *c == binding.context));
    }
}

#[test]
fn the_built_in_table_binds_each_key_once_per_context() {
    // The clash check holds the user to this; the table must meet it too.
    let all = actions();
    for &(context, name) in CONTEXTS {
        let mut seen: Vec<(Key, &str)> = Vec::new();
        for action in all.iter().filter(|a| a.context == context) {
            for key in &action.defaults {
                if let Some((_, other)) = seen.iter().find(|(k, _)| k == key) {
                    panic!("[{name}] {key:?} runs {other} and {}", action.name);
                }
                seen.push((*key, action.name));
            }
        }
    }
}

#[test]
fn the_readme_documents_every_context_and_command() {
    let readme = include_str!("../../README.md");
    for (_, name) in CONTEXTS {
        assert!(
            readme.contains(&format!("`{name}`")),
            "README lacks context {name}"
        );
    }
    for action in actions() {
        assert!(
            readme.contains(&format!("`{}`", action.name)),
            "README lacks command {}",
            action.name
        );
    }
}

#[test]
fn key_syntax() {
    use KeyCode::*;
    let parse = |t: &str| parse_key(t).unwrap_or_else(|e| panic!("{t}: {e}"));
    let none = KeyModifiers::NONE;
    let ctrl = KeyModifiers::CONTROL;
    let alt = KeyModifiers::ALT;
    // Every spelling of a key, by the modifiers it ends up with.
    let letters = [("g", 'g'), ("G", 'G'), ("shift-g", 'G'), ("space", ' ')];
    let signs = [("-", '-'), ("+", '+'), ("?", '?')];
    let plain = [
        ("shift-tab", BackTab),
        ("backtab", BackTab),
        ("F5", F(5)),
        ("pgdn", PageDown),
    ];
    let with_ctrl = [
        ("ctrl-r", 'r'),
        ("Ctrl+R", 'r'),
        ("C-r", 'r'),
        ("ctrl--", '-'),
    ];
    let with_alt = [
        ("M-x", Char('x')),
        ("alt-enter", Enter),
        ("alt-+", Char('+')),
    ];
    let cases = letters
        .iter()
        .chain(&signs)
        .map(|&(text, c)| (text, Char(c), none))
        .chain(plain.iter().map(|&(text, code)| (text, code, none)))
        .chain(with_ctrl.iter().map(|&(text, c)| (text, Char(c), ctrl)))
        .chain(with_alt.iter().map(|&(text, code)| (text, code, alt)));
    for (text, code, modifiers) in cases {
        assert_eq!(parse(text), (code, modifiers), "{text}");
    }
    for (text, needle) in [
        ("ctrl+", "nothing follows"),
        ("ctrl-", "nothing follows"),
        ("", "no key"),
        ("f13", "not a key name"),
        ("enterr", "not a key name"),
        ("shift-enter", "shift-"),
    ] {
        let message = parse_key(text).expect_err(text);
        assert!(message.contains(needle), "{text}: {message}");
    }
}

#[test]
fn an_unparsable_key_is_refused_at_load_naming_file_line_and_key() {
    let message = keys_config("[keys.orders]\nreload = \"ctrl-r\"\nopen_order = \"ctrl+\"\n")
        .expect_err("refused");
    assert_mentions(
        &message,
        &[
            "config.toml line 3",
            "[keys.orders] open_order",
            "\"ctrl+\"",
            "nothing follows",
        ],
    );
    let message = keys_config("[keys.orders]\nreload = [\"F5\", \"f5\"]\n").expect_err("refused");
    assert_mentions(&message, &["line 2", "listed twice"]);
    let message = keys_config("[keys.orders]\nreload = 5\n").expect_err("refused");
    assert_mentions(&message, &["config.toml", "line 2"]);
}

#[test]
fn an_unknown_context_or_command_is_refused_with_the_known_names() {
    let message = error("[keys.order]\nreload = \"F5\"\n");
    assert_mentions(
        &message,
        &["line 2", "no context \"order\"", "orders", "order_detail"],
    );
    let message = error("\n[keys.orders]\nrefresh = \"F5\"\n");
    assert_mentions(
        &message,
        &[
            "config.toml line 3",
            "[keys.orders] refresh",
            "no command \"refresh\"",
            "reload",
            "move_down",
        ],
    );
}

#[test]
fn a_key_bound_twice_in_one_context_is_refused() {
    // Onto a key the table already gives to another command of the context.
    let message = error("[keys.orders]\nreload = \"j\"\n");
    assert_mentions(
        &message,
        &[
            "line 2",
            "[keys.orders] reload",
            "j is already the key of move_down",
        ],
    );
    // Two rebindings onto one key.
    let message = error("[keys.orders]\nreload = \"F5\"\nfilter = \"F5\"\n");
    assert_mentions(&message, &["F5 is also bound to"]);
    // Moving the other command away first makes it fine; so does another context.
    key_map("[keys.orders]\nreload = \"j\"\nmove_down = \"J\"\n").expect("accepted");
    key_map("[keys.orders]\nreload = \"F5\"\n[keys.addresses]\nreload = \"F5\"\n")
        .expect("accepted");
}

#[test]
fn ctrl_c_stays_the_way_to_quit() {
    let message = error("[keys.orders]\nreload = \"ctrl-c\"\n");
    assert_mentions(&message, &["Ctrl-C always quits"]);
    let message = error("[keys.sign_in_form]\nquit = \"ctrl-q\"\n");
    assert_mentions(
        &message,
        &["[keys.sign_in_form] quit", "Ctrl-C always quits"],
    );
    // `q` may go: Ctrl-C quits everywhere whatever `[keys]` says.
    let map = key_map("[keys.global]\nquit = []\n").expect("accepted");
    let mut state = State::new("t".into(), crate::shop::Capabilities::default());
    state.keys = map;
    press(&mut state, KeyCode::Char('q'), KeyModifiers::NONE);
    assert!(!state.quit, "q is unbound");
    press(&mut state, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(state.quit);
}

#[test]
fn text_keys_are_refused_where_the_user_types() {
    let message = error("[keys.edit_form]\nsubmit = \"s\"\n");
    assert_mentions(&message, &["[keys.edit_form] submit", "typed into a field"]);
    key_map("[keys.edit_form]\nsubmit = \"ctrl-s\"\n").expect("a ctrl key is fine");
}

fn press(state: &mut State, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    update(state, Action::Key(KeyEvent::new(code, modifiers)))
}

/// Signed in, 30 orders listed (the table walk's state), with these keys.
fn orders_state(map: KeyMap) -> State {
    let mut state = commands::tests::signed_in(crate::tui::test_fixtures::every_feature());
    state.orders.filter = Default::default();
    state.keys = map;
    state
}

fn draw(state: &State, width: u16, height: u16) -> String {
    let backend = ratatui::backend::TestBackend::new(width, height);
    let mut terminal = ratatui::Terminal::new(backend).expect("a test terminal");
    if let Err(error) = terminal.draw(|frame| crate::tui::render::render(frame, state)) {
        panic!("draw: {error}");
    }
    terminal.backend().to_string()
}

#[test]
fn a_rebound_key_acts_and_the_old_one_does_not() {
    let map = key_map("[keys.orders]\nreload = \"ctrl-r\"\nmove_down = \"J\"\n").expect("map");
    let mut state = orders_state(map);
    assert_eq!(commands::context(&state), Context::Orders);

    let effects = press(&mut state, KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadOrders { .. })),
        "ctrl-r reloads: {effects:?}"
    );
    let mut fresh = orders_state(key_map("[keys.orders]\nreload = \"ctrl-r\"\n").expect("map"));
    let effects = press(&mut fresh, KeyCode::Char('R'), KeyModifiers::SHIFT);
    assert!(effects.is_empty(), "R no longer reloads: {effects:?}");
    assert!(fresh.ctx.toasts.is_empty(), "and says nothing");

    // Reloading emptied the list: move on a fresh one.
    let mut state = orders_state(key_map("[keys.orders]\nmove_down = \"J\"\n").expect("map"));
    let before = state.orders.selected;
    press(&mut state, KeyCode::Char('j'), KeyModifiers::NONE);
    press(&mut state, KeyCode::Down, KeyModifiers::NONE);
    assert_eq!(
        state.orders.selected, before,
        "j and Down were move_down's keys"
    );
    press(&mut state, KeyCode::Char('J'), KeyModifiers::SHIFT);
    assert_eq!(state.orders.selected, before + 1, "J moves down");
    press(&mut state, KeyCode::Char('k'), KeyModifiers::NONE);
    assert_eq!(
        state.orders.selected, before,
        "k (not rebound) still moves up"
    );
}

#[test]
fn a_rebound_global_key_acts_and_a_context_of_its_own_keeps_its_key() {
    let map = key_map("[keys.global]\nhelp = \"F1\"\nquit = \"ctrl-q\"\n").expect("map");
    let mut state = orders_state(map);
    press(&mut state, KeyCode::Char('?'), KeyModifiers::NONE);
    assert!(!state.help, "? was help's key");
    press(&mut state, KeyCode::F(1), KeyModifiers::NONE);
    assert!(state.help, "F1 opens the help");
    // In the help, ? and q are the help's own keys: they close it.
    press(&mut state, KeyCode::Char('?'), KeyModifiers::NONE);
    assert!(!state.help);
    press(&mut state, KeyCode::Char('q'), KeyModifiers::NONE);
    assert!(!state.quit, "q was quit's key");
    press(&mut state, KeyCode::Char('q'), KeyModifiers::CONTROL);
    assert!(state.quit, "ctrl-q quits");
}

#[test]
fn the_status_bar_and_help_show_the_users_keys() {
    let map = key_map(
        "[keys.orders]\nreload = \"ctrl-r\"\nmove_down = \"J\"\nopen_order = \"o\"\n[keys.global]\nhelp = \"F1\"\n",
    )
    .expect("map");
    let mut state = orders_state(map);
    let labels: Vec<String> = commands::hints(&state)
        .iter()
        .map(|b| state.keys.label(b).into_owned())
        .collect();
    assert!(labels.contains(&"o".to_owned()), "{labels:?}");
    assert!(labels.contains(&"J/k".to_owned()), "{labels:?}");
    assert!(!labels.contains(&"Enter".to_owned()), "{labels:?}");
    let screen = draw(&state, 120, 40);
    let status = screen.lines().last().unwrap_or_default().to_owned();
    assert!(status.contains("o open order"), "{status}");
    assert!(status.contains("J/k move"), "{status}");
    assert!(status.contains("F1 help"), "{status}");
    assert!(!status.contains("? help"), "{status}");

    state.help = true;
    let help = draw(&state, 120, 40);
    assert!(help.contains("Ctrl-R  reload"), "{help}");
    assert!(help.contains("F1  help"), "{help}");
    // An unbound row is not offered.
    let mut state = orders_state(key_map("[keys.orders]\nreload = []\n").expect("map"));
    assert!(
        !commands::hints(&state)
            .iter()
            .any(|b| b.command == Command::Reload)
    );
    state.help = true;
    let help = draw(&state, 120, 40);
    assert!(!help.contains("reload"), "{help}");
}

#[test]
fn the_mouse_wheel_moves_whatever_the_keys_are() {
    use ratatui::crossterm::event::{MouseEvent, MouseEventKind};
    let map = key_map("[keys.orders]\nmove_down = \"J\"\n").expect("map");
    let mut state = orders_state(map);
    let before = state.orders.selected;
    update(
        &mut state,
        Action::Mouse(MouseEvent {
            kind: MouseEventKind::ScrollDown,
            column: 10,
            row: 10,
            modifiers: KeyModifiers::NONE,
        }),
    );
    assert_eq!(state.orders.selected, before + 1);
}

#[test]
fn a_reason_that_names_a_key_names_the_users_key() {
    let map = key_map("[keys.addresses]\nadd = \"ctrl-n\"\n").expect("map");
    let mut state = orders_state(map);
    state.addresses.list = crate::tui::app::Loadable::Ready(Vec::new());
    update(
        &mut state,
        Action::Key(KeyEvent::new(KeyCode::Char('2'), KeyModifiers::NONE)),
    );
    state.addresses.list = crate::tui::app::Loadable::Ready(Vec::new());
    let edit = commands::bindings(Context::Addresses)
        .find(|b| b.command == Command::Edit)
        .expect("edit");
    assert_eq!(
        commands::available(&state, edit),
        commands::Availability::Unavailable("No address yet: add one with Ctrl-N".into())
    );
}

/// Texts inside panes that name a key name the user's binding, not the built-in one.
#[test]
fn pane_texts_name_the_rebound_keys() {
    use crate::shop::ShopError;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let draw = |state: &State| {
        let mut terminal = Terminal::new(TestBackend::new(120, 30)).expect("terminal");
        terminal
            .draw(|frame| crate::tui::render::render(frame, state))
            .expect("draw");
        terminal.backend().to_string()
    };
    let press = |state: &mut State, c: char| {
        update(
            state,
            Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    };
    let rebound = "[keys.addresses]\nreload = \"ctrl-r\"\nadd = \"A\"\n\n\
                   [keys.password]\nforgotten_password_form = \"alt-9\"\n\n\
                   [keys.sign_in]\ncopy_sign_in_address = \"c\"\n\n\
                   [keys.review]\nreload = \"ctrl-k\"\nsend = \"ctrl-s\"\n";
    for (keys, reload, add, forgotten, copy, recheck, resend) in [
        (
            KeyMap::default(),
            "Press R to try",
            "Press a to add",
            "F3 Forgotten",
            "y copy the address",
            "Press R to try again",
            "press Enter to send it again",
        ),
        (
            key_map(rebound).expect("valid [keys]"),
            "Press Ctrl-R to try",
            "Press A to add",
            "Alt-9 Forgotten",
            "c copy the address",
            "Press Ctrl-K to try again",
            "press Ctrl-S to send it again",
        ),
    ] {
        let mut state = State::new("t".into(), crate::tui::test_fixtures::every_feature());
        state.keys = keys;
        state.start();
        press(&mut state, '2');
        update(
            &mut state,
            Action::AddressesLoaded(Err(ShopError::Network("down".into()))),
        );
        let screen = draw(&state);
        assert!(screen.contains(reload), "{reload:?}:\n{screen}");
        update(&mut state, Action::AddressesLoaded(Ok(Vec::new())));
        let screen = draw(&state);
        assert!(screen.contains(add), "{add:?}:\n{screen}");
        press(&mut state, '4');
        let screen = draw(&state);
        assert!(screen.contains(forgotten), "{forgotten:?}:\n{screen}");

        // The review's failures (kept under the draft) name the keys that try again.
        let error = || ShopError::Network("down".into());
        crate::tui::panes::reorder::draft_resolved(&mut state.reorder, &state.keys, Err(error()));
        let message = state.reorder.message.clone().map(|(_, text)| text);
        assert!(
            message.as_deref().is_some_and(|m| m.contains(recheck)),
            "{message:?}"
        );
        crate::tui::panes::reorder::draft_sent(
            &mut state.reorder,
            &mut state.ctx,
            &state.keys,
            "key".into(),
            Err(error()),
        );
        let message = state.reorder.message.clone().map(|(_, text)| text);
        assert!(
            message.as_deref().is_some_and(|m| m.contains(resend)),
            "{message:?}"
        );

        state.signin = Some(crate::tui::app::SignInView {
            waiting: true,
            url: Some("https://shop.example/authorize".into()),
            ..Default::default()
        });
        let screen = draw(&state);
        assert!(screen.contains(copy), "{copy:?}:\n{screen}");
    }
}

#[test]
fn an_old_config_rebinding_sign_out_in_the_account_section_still_works_everywhere() {
    // `sign_out` moved from [keys.account] to [keys.global]; a config written before keeps its key.
    let map = key_map("[keys.account]\nsign_out = \"ctrl-l\"\n").expect("the old section is read");
    let mut state = orders_state(map);
    assert!(
        press(&mut state, KeyCode::Char('L'), KeyModifiers::SHIFT).is_empty(),
        "L was sign_out's key"
    );
    let effects = press(&mut state, KeyCode::Char('l'), KeyModifiers::CONTROL);
    assert!(
        matches!(effects.as_slice(), [Effect::SignOut]),
        "ctrl-l signs out from Orders too: {effects:?}"
    );
    let message =
        error("[keys.account]\nsign_out = \"ctrl-l\"\n[keys.global]\nsign_out = \"F9\"\n");
    assert_mentions(
        &message,
        &[
            "set twice",
            "[keys.account] sign_out",
            "[keys.global] sign_out",
        ],
    );
}
