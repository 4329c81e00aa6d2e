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
    for (text, code, modifiers) in [
        ("g", Char('g'), none),
        ("G", Char('G'), none),
        ("shift-g", Char('G'), none),
        ("ctrl-r", Char('r'), ctrl),
        ("Ctrl+R", Char('r'), ctrl),
        ("C-r", Char('r'), ctrl),
        ("M-x", Char('x'), alt),
        ("alt-enter", Enter, alt),
        ("shift-tab", BackTab, none),
        ("backtab", BackTab, none),
        ("F5", F(5), none),
        ("pgdn", PageDown, none),
        ("space", Char(' '), none),
        ("-", Char('-'), none),
        ("+", Char('+'), none),
        ("ctrl--", Char('-'), ctrl),
        ("alt-+", Char('+'), alt),
        ("?", Char('?'), none),
    ] {
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
