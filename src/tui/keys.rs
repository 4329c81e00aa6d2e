//! The user's keys: `[keys]` of config.toml laid over the command table (`commands::TABLE`).
//!
//! The table stays the one place that says what each key does. A rebinding names a command as
//! `[keys.CONTEXT] NAME` ([`actions`] lists them: a row of the table, or one direction of a row
//! such as `move_down` / `move_up`), and [`KeyMap::resolve`] turns the user's key back into the
//! table's own key before dispatch, so the panes keep matching the keys they know. The keys a
//! rebinding replaces stop working in that context. Labels on screen (status bar, `?` help) come
//! from [`KeyMap::label`].
//!
//! Decided: Ctrl-C always quits and cannot be bound; any other key, `q` included, may be rebound
//! or unbound (`quit = []`), since Ctrl-C stays. A key may run one command per context (a
//! context's own key still shadows a global one, as in the built-in table). In a context where
//! the user types (forms, search), a key must carry Ctrl or Alt or be a named key, or it could no
//! longer be typed.

use super::table::{Binding, Command, Context, Key, TABLE};
use crate::config::{KeysConfig, parse_key};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::borrow::Cow;

/// Every context, as `[keys.NAME]` names it.
pub const CONTEXTS: &[(Context, &str)] = &[
    (Context::Global, "global"),
    (Context::Help, "help"),
    (Context::SignIn, "sign_in"),
    (Context::SignInPaste, "sign_in_paste"),
    (Context::SignInForm, "sign_in_form"),
    (Context::SignUpForm, "sign_up_form"),
    (Context::Orders, "orders"),
    (Context::OrderSearch, "order_search"),
    (Context::OrderDetail, "order_detail"),
    (Context::Account, "account"),
    (Context::EditForm, "edit_form"),
    (Context::DeleteAccount, "delete_account"),
    (Context::Addresses, "addresses"),
    (Context::Confirm, "confirm"),
    (Context::Password, "password"),
    (Context::Unavailable, "unavailable"),
    (Context::QuickOrder, "quick_order"),
    (Context::ShoppingLists, "shopping_lists"),
    (Context::Review, "review"),
    (Context::ReorderPrompt, "reorder_prompt"),
    (Context::Payment, "payment"),
    (Context::StaffSearch, "staff_search"),
    (Context::StaffResults, "staff_results"),
];

pub fn context_name(context: Context) -> &'static str {
    CONTEXTS
        .iter()
        .find(|(c, _)| *c == context)
        .map_or("global", |(_, name)| name)
}

/// One command as `[keys]` names it: a row of the table, or the keys of one direction of it.
#[derive(Debug, Clone)]
pub struct Action {
    pub context: Context,
    pub name: &'static str,
    /// Index of the row in `TABLE`.
    pub row: usize,
    /// The table's keys for it; the first is the one dispatch is given.
    pub defaults: Vec<Key>,
}

/// Every action of the table, in table order.
pub fn actions() -> Vec<Action> {
    let mut all: Vec<Action> = Vec::new();
    for (row, binding) in TABLE.iter().enumerate() {
        for key in binding.keys {
            let name = action_name(binding, key);
            match all.iter_mut().find(|a| a.row == row && a.name == name) {
                Some(action) => action.defaults.push(*key),
                None => all.push(Action {
                    context: binding.context,
                    name,
                    row,
                    defaults: vec![*key],
                }),
            }
        }
    }
    all
}

/// The name of the action a key of a row belongs to. Rows whose keys go opposite ways (down and
/// up, next and previous) are two actions.
fn action_name(binding: &Binding, key: &Key) -> &'static str {
    use KeyCode::{Char, Down, F, Home, PageDown, PageUp, Up};
    let code = key.code;
    match binding.command {
        Command::MoveSelection | Command::Scroll | Command::ScrollHelp => match code {
            Char('j') | Down => match binding.command {
                Command::MoveSelection => "move_down",
                _ => "scroll_down",
            },
            Char('k') | Up => match binding.command {
                Command::MoveSelection => "move_up",
                _ => "scroll_up",
            },
            PageDown => "page_down",
            _ => "page_up",
        },
        Command::Page => match code {
            PageUp => "page_up",
            _ => "page_down",
        },
        Command::FirstOrLast => match code {
            Char('g') | Home => "first",
            _ => "last",
        },
        Command::NextShipment => match code {
            Char('n') | Char(']') => "next_shipment",
            _ => "previous_shipment",
        },
        Command::SavePdf => match code {
            Char('i') => "save_invoice_pdf",
            _ => "save_order_pdf",
        },
        Command::ChangeQuantity => match code {
            Char('+') => "more",
            _ => "fewer",
        },
        Command::DefaultAddress => match code {
            Char('s') => "default_shipping",
            _ => "default_billing",
        },
        Command::GoToPane => match binding.description {
            "Account" => "go_account",
            "Addresses" => "go_addresses",
            "Orders" => "go_orders",
            "Password" => "go_password",
            _ => "go_reorder",
        },
        Command::PickPasswordForm => match binding.keys.first().map(|k| k.code) {
            Some(F(2)) => "change_password_form",
            Some(F(3)) => "forgotten_password_form",
            _ => "reset_password_form",
        },
        command => command_name(command),
    }
}

/// The config name of a command that is one action.
fn command_name(command: Command) -> &'static str {
    match command {
        Command::Quit => "quit",
        Command::Help => "help",
        Command::CloseHelp => "close_help",
        Command::ScrollHelp => "scroll",
        Command::GoToPane => "go_to_pane",
        Command::NextPane => "next_pane",
        Command::PreviousPane => "previous_pane",
        Command::SignInWithBrowser => "sign_in_with_browser",
        Command::OpenSignInPage => "open_sign_in_page",
        Command::CopySignInAddress => "copy_sign_in_address",
        Command::PasteRedirect => "paste_redirect",
        Command::CancelSignIn => "cancel_sign_in",
        Command::SubmitField => "submit",
        Command::CancelField => "cancel",
        Command::NextField => "next_field",
        Command::PreviousField => "previous_field",
        Command::OpenSignUp => "sign_up",
        Command::MoveSelection => "move",
        Command::Page => "page",
        Command::FirstOrLast => "first_or_last",
        Command::OpenOrder => "open_order",
        Command::SearchOrders => "search",
        Command::FilterOrders => "filter",
        Command::ClearFilter => "clear_filter",
        Command::Reload => "reload",
        Command::NextShipment => "next_shipment",
        Command::OpenTracking => "open_tracking",
        Command::CopyTracking => "copy_tracking",
        Command::SavePdf => "save_order_pdf",
        Command::Scroll => "scroll",
        Command::Reorder => "reorder",
        Command::Back => "back",
        Command::Edit => "edit",
        Command::SignOut => "sign_out",
        Command::DeleteAccount => "delete_account",
        Command::AddAddress => "add",
        Command::DeleteAddress => "delete",
        Command::DefaultAddress => "default_address",
        Command::Confirm => "yes",
        Command::Decline => "no",
        Command::PickPasswordForm => "password_form",
        Command::CheckQuickOrder => "check",
        Command::LookupProduct => "look_up_product",
        Command::ShoppingLists => "shopping_lists",
        Command::OrderShoppingList => "order_shopping_list",
        Command::SendOrder => "send",
        Command::ChangeQuantity => "quantity",
        Command::TypeQuantity => "type_quantity",
        Command::RemoveLine => "remove_line",
        Command::NextBrand => "next_brand",
        Command::AddLookedUp => "add_looked_up",
        Command::DiscardDraft => "discard_draft",
        Command::EmptyCartFirst => "empty_cart_first",
        Command::OpenPaymentPage => "open_payment_page",
        Command::CopyPaymentAddress => "copy_payment_address",
        Command::ChooseCustomer => "choose_customer",
        Command::EditSearch => "edit_search",
        Command::SwitchCustomer => "switch_customer",
    }
}

/// Commands that moved to another context since a config could name them: an old config.toml
/// keeps working with the same effect. `sign_out` was the Account pane's and is global now.
const MOVED: &[(Context, &str, Context)] = &[(Context::Account, "sign_out", Context::Global)];

/// The context a command named in `[keys.CONTEXT]` lives in now, if it moved.
fn moved_to(context: Context, name: &str) -> Option<Context> {
    MOVED
        .iter()
        .find(|(from, old_name, _)| *from == context && *old_name == name)
        .map(|(_, _, to)| *to)
}

/// An action whose keys the user chose.
#[derive(Debug, Clone)]
struct Rebound {
    action: Action,
    keys: Vec<Key>,
}

/// The table's keys with the user's rebindings laid over them. The default map is the table.
#[derive(Debug, Clone, Default)]
pub struct KeyMap {
    rebound: Vec<Rebound>,
}

/// What a pressed key becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    /// The key the table and the panes know for it (the key itself when it is not rebound).
    Key(KeyEvent),
    /// A built-in key the user's rebinding replaced: it does nothing now.
    Replaced,
}

impl KeyMap {
    /// The map `[keys]` asks for; the error names the file, line, context and command.
    pub fn from_config(config: &KeysConfig) -> Result<KeyMap, String> {
        let all = actions();
        let mut rebound: Vec<Rebound> = Vec::new();
        for (context_text, commands) in &config.contexts {
            let Some(&(context, _)) = CONTEXTS.iter().find(|(_, n)| n == context_text) else {
                let known: Vec<&str> = CONTEXTS.iter().map(|(_, n)| *n).collect();
                let first = commands.keys().next().map_or("", String::as_str);
                return Err(format!(
                    "{}: there is no context {context_text:?} (contexts: {})",
                    config.describe(context_text, first),
                    known.join(", ")
                ));
            };
            for (name, keys) in commands {
                let at = || config.describe(context_text, name);
                let context = moved_to(context, name).unwrap_or(context);
                let Some(action) = all.iter().find(|a| a.context == context && a.name == name)
                else {
                    let known: Vec<&str> = all
                        .iter()
                        .filter(|a| a.context == context)
                        .map(|a| a.name)
                        .collect();
                    return Err(format!(
                        "{}: no command {name:?} in this context (commands: {})",
                        at(),
                        known.join(", ")
                    ));
                };
                if action.defaults.iter().any(is_ctrl_c) {
                    return Err(format!(
                        "{}: Ctrl-C always quits and cannot be rebound",
                        at()
                    ));
                }
                let mut parsed = Vec::new();
                for text in keys.get_ref().keys() {
                    let (code, modifiers) =
                        parse_key(text).map_err(|why| format!("{} = {text:?}: {why}", at()))?;
                    let key = Key { code, modifiers };
                    if is_ctrl_c(&key) {
                        return Err(format!(
                            "{} = {text:?}: Ctrl-C always quits and cannot be bound",
                            at()
                        ));
                    }
                    if context.typing() && key.modifiers.is_empty() && is_text(key.code) {
                        return Err(format!(
                            "{} = {text:?}: in this context keys are typed into a field; bind a key with ctrl- or alt-, or a named key such as f5",
                            at()
                        ));
                    }
                    parsed.push(key);
                }
                if rebound
                    .iter()
                    .any(|r| r.action.row == action.row && r.action.name == action.name)
                {
                    // Only a moved command can be named twice (the file's tables are unique).
                    let old = MOVED
                        .iter()
                        .find(|(_, old_name, to)| *to == action.context && *old_name == name)
                        .map_or("", |(from, _, _)| context_name(*from));
                    return Err(format!(
                        "{}: {name} is set twice: [keys.{old}] {name} of older configs is [keys.{}] {name} now; keep one",
                        at(),
                        context_name(action.context)
                    ));
                }
                rebound.push(Rebound {
                    action: action.clone(),
                    keys: parsed,
                });
            }
        }
        let map = KeyMap { rebound };
        map.check_clashes(&all, config)?;
        Ok(map)
    }

    /// No key runs two commands of one context.
    fn check_clashes(&self, all: &[Action], config: &KeysConfig) -> Result<(), String> {
        for &(context, context_text) in CONTEXTS {
            if !self.rebound.iter().any(|r| r.action.context == context) {
                continue;
            }
            let mut seen: Vec<(Key, &Action)> = Vec::new();
            for action in all.iter().filter(|a| a.context == context) {
                for key in self.keys_of(action) {
                    if let Some((_, other)) = seen.iter().find(|(k, _)| *k == key) {
                        let (mine, theirs) = if self.is_rebound(action) {
                            (action, *other)
                        } else {
                            (*other, action)
                        };
                        let how = if self.is_rebound(theirs) {
                            "also bound to"
                        } else {
                            "already the key of"
                        };
                        return Err(format!(
                            "{}: {} is {how} {} here; a key runs one command per context (rebind {} too, or pick another key)",
                            config.describe(context_text, mine.name),
                            key_label(&key),
                            theirs.name,
                            theirs.name
                        ));
                    }
                    seen.push((key, action));
                }
            }
        }
        Ok(())
    }

    fn rebinding(&self, action: &Action) -> Option<&Rebound> {
        self.rebound
            .iter()
            .find(|r| r.action.row == action.row && r.action.name == action.name)
    }

    fn is_rebound(&self, action: &Action) -> bool {
        self.rebinding(action).is_some()
    }

    /// The keys that run `action` now.
    pub fn keys_of(&self, action: &Action) -> Vec<Key> {
        match self.rebinding(action) {
            Some(rebound) => rebound.keys.clone(),
            None => action.defaults.clone(),
        }
    }

    /// The key the table knows for `event` in `context` (global keys apply where the table
    /// lets them: outside text fields and the help).
    pub fn resolve(&self, context: Context, event: KeyEvent) -> Resolved {
        if self.rebound.is_empty() {
            return Resolved::Key(event);
        }
        let with_global = context.takes_global_keys();
        let in_scope = |r: &&Rebound| {
            r.action.context == context || (with_global && r.action.context == Context::Global)
        };
        // The context's own rebindings first, as the table's context keys come before global.
        let mut scoped: Vec<&Rebound> = self.rebound.iter().filter(in_scope).collect();
        scoped.sort_by_key(|r| r.action.context == Context::Global);
        if let Some(rebound) = scoped
            .iter()
            .find(|r| r.keys.iter().any(|k| k.matches(&event)))
        {
            let canonical = rebound.action.defaults[0];
            return Resolved::Key(canonical.event());
        }
        let replaced = scoped
            .iter()
            .any(|r| r.action.defaults.iter().any(|k| k.matches(&event)));
        // A global key the user moved still belongs to a context that has it as its own.
        let own = || {
            actions()
                .iter()
                .filter(|a| a.context == context)
                .any(|a| self.keys_of(a).iter().any(|k| k.matches(&event)))
        };
        if replaced && !own() {
            return Resolved::Replaced;
        }
        Resolved::Key(event)
    }

    /// Whether any key runs this row now.
    pub fn bound(&self, binding: &'static Binding) -> bool {
        if self.rebound.is_empty() {
            return true;
        }
        self.row_actions(binding)
            .iter()
            .any(|a| !self.keys_of(a).is_empty())
    }

    /// How the row's keys are written on screen: the table's label unless the user rebound one
    /// of its actions, then the first key of each of its actions ("J/k").
    pub fn label(&self, binding: &'static Binding) -> Cow<'static, str> {
        if self.rebound.is_empty() {
            return Cow::Borrowed(binding.label);
        }
        let actions = self.row_actions(binding);
        if !actions.iter().any(|a| self.is_rebound(a)) {
            return Cow::Borrowed(binding.label);
        }
        let labels: Vec<String> = actions
            .iter()
            .filter_map(|a| self.keys_of(a).first().map(key_label))
            .collect();
        Cow::Owned(labels.join("/"))
    }

    /// How the user's keys for `command` in `context` are written (the first row of the table
    /// that has it), for texts that name the key to press ("Press R to try again").
    pub fn label_of(&self, context: Context, command: Command) -> Cow<'static, str> {
        TABLE
            .iter()
            .find(|b| b.context == context && b.command == command)
            .map_or(Cow::Borrowed("?"), |b| self.label(b))
    }

    /// The line of keys under a form: each command's keys as the user has them and the table's
    /// description, the same words the status bar uses. Unbound commands are left out.
    pub fn key_line(
        &self,
        context: Context,
        commands: &[Command],
    ) -> Vec<(Cow<'static, str>, &'static str)> {
        commands
            .iter()
            .filter_map(|command| {
                TABLE
                    .iter()
                    .find(|b| b.context == context && b.command == *command)
            })
            .filter(|b| self.bound(b))
            .map(|b| (self.label(b), b.description))
            .collect()
    }

    fn row_actions(&self, binding: &'static Binding) -> Vec<Action> {
        let row = TABLE
            .iter()
            .position(|b| std::ptr::eq(b, binding))
            .unwrap_or(usize::MAX);
        actions().into_iter().filter(|a| a.row == row).collect()
    }
}

fn is_ctrl_c(key: &Key) -> bool {
    key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL)
}

/// A key that types a character into a field.
fn is_text(code: KeyCode) -> bool {
    matches!(code, KeyCode::Char(_))
}

/// A key as the screen writes it, in the table's style: `Ctrl-R`, `Alt-x`, `S-Tab`, `PgDn`, `G`.
pub fn key_label(key: &Key) -> String {
    let name = match key.code {
        KeyCode::Char(' ') => "Space".to_owned(),
        KeyCode::Char(c) if key.modifiers.contains(KeyModifiers::CONTROL) => {
            c.to_uppercase().collect()
        }
        KeyCode::Char(c) => c.to_string(),
        KeyCode::F(n) => format!("F{n}"),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "S-Tab".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::Delete => "Del".into(),
        KeyCode::Insert => "Ins".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Up => "Up".into(),
        KeyCode::Down => "Down".into(),
        KeyCode::Left => "Left".into(),
        KeyCode::Right => "Right".into(),
        other => format!("{other:?}"),
    };
    let mut label = String::new();
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        label.push_str("Ctrl-");
    }
    if key.modifiers.contains(KeyModifiers::ALT) {
        label.push_str("Alt-");
    }
    label.push_str(&name);
    label
}

#[cfg(test)]
#[path = "keys_tests.rs"]
mod tests;
