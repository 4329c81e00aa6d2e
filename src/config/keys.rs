//! `[keys]` of config.toml: per-context rebindings of the TUI's commands, the file and line each
//! entry came from, and the key syntax (`ctrl-r`, `shift-tab`) they are written in.

use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `[keys]`: per context section, command name → the keys that run it instead of the built-in
/// ones. Read as written; `tui::keys::KeyMap::from_config` checks names against the command table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct KeysConfig {
    pub contexts: BTreeMap<String, BTreeMap<String, toml::Spanned<KeyList>>>,
    /// Where the section was read from, so a later check can name the line.
    #[serde(skip)]
    pub source: Source,
}

/// One key or several for a command; an empty list unbinds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum KeyList {
    One(String),
    Many(Vec<String>),
}

impl KeyList {
    pub fn keys(&self) -> &[String] {
        match self {
            KeyList::One(key) => std::slice::from_ref(key),
            KeyList::Many(keys) => keys,
        }
    }
}

/// The file a section came from and where its lines start. Not part of the section's value:
/// two configurations with the same settings are equal wherever they were read from.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub path: Option<PathBuf>,
    line_starts: Vec<usize>,
}

impl PartialEq for Source {
    fn eq(&self, _: &Source) -> bool {
        true
    }
}
impl Eq for Source {}

impl Source {
    pub(super) fn new(path: &Path, text: &str) -> Source {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Source {
            path: Some(path.to_owned()),
            line_starts,
        }
    }

    /// "PATH line N: " for a byte offset of the file, or "" when the text was not read from one.
    pub fn locate(&self, offset: usize) -> String {
        let Some(path) = &self.path else {
            return String::new();
        };
        let line = self.line_starts.partition_point(|start| *start <= offset);
        format!("{} line {line}: ", path.display())
    }
}

impl KeysConfig {
    pub(super) fn is_empty(&self) -> bool {
        self.contexts.is_empty()
    }

    /// "PATH line N: [keys.CONTEXT] COMMAND = …", the prefix of every message about an entry.
    pub fn describe(&self, context: &str, command: &str) -> String {
        let line = self
            .contexts
            .get(context)
            .and_then(|c| c.get(command))
            .map(|value| self.source.locate(value.span().start))
            .unwrap_or_default();
        format!("{line}[keys.{context}] {command}")
    }

    /// Every key is spelled as [`parse_key`] reads it, and no key is given twice to one command.
    pub fn check(&self) -> Result<(), String> {
        for (context, commands) in &self.contexts {
            for (command, keys) in commands {
                let mut seen = Vec::new();
                for text in keys.get_ref().keys() {
                    let key = parse_key(text).map_err(|why| {
                        format!("{} = {text:?}: {why}", self.describe(context, command))
                    })?;
                    if seen.contains(&key) {
                        return Err(format!(
                            "{}: {text:?} is listed twice",
                            self.describe(context, command)
                        ));
                    }
                    seen.push(key);
                }
            }
        }
        Ok(())
    }
}

/// A key as `[keys]` spells it, in the terms the TUI matches (crossterm's code and the Ctrl/Alt
/// modifiers; Shift is in the letter's case, and Shift-Tab is BackTab).
///
/// `g`, `G` (or `shift-g`), `ctrl-r`, `alt-x`, `shift-tab`, `enter`, `esc`, `tab`, `backspace`,
/// `delete`, `insert`, `home`, `end`, `pageup`/`pgup`, `pagedown`/`pgdn`, `up`, `down`, `left`,
/// `right`, `space`, `f1`–`f12`, `-` (or `minus`), `+`. Modifiers: `ctrl-`, `alt-`, `shift-`,
/// also written `ctrl+r` and as spotify-player does, `C-r` and `M-x`; names are not case
/// sensitive, a lone letter is. Ctrl with a letter is the lower-case letter: terminals send
/// Ctrl-Shift-R as Ctrl-R.
///
/// crokey (broot's parser) reads the same spellings but lower-cases a lone letter, so `R` would
/// be `r` (the table tells `R` reload from `r` reorder); hence this small parser.
pub fn parse_key(text: &str) -> Result<(KeyCode, KeyModifiers), String> {
    let mut rest = text.trim();
    let mut modifiers = KeyModifiers::NONE;
    let mut shift = false;
    while let Some((name, after)) = split_modifier(rest) {
        if after.is_empty() {
            return Err(format!("nothing follows {name:?}: name a key after it"));
        }
        match name.to_ascii_lowercase().as_str() {
            "ctrl" | "control" | "c" => modifiers |= KeyModifiers::CONTROL,
            "alt" | "meta" | "m" => modifiers |= KeyModifiers::ALT,
            _ => shift = true,
        }
        rest = after;
    }
    if rest.is_empty() {
        return Err("no key given".to_owned());
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) => KeyCode::Char(c),
        _ => match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" | "ins" => KeyCode::Insert,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" | "pgup" => KeyCode::PageUp,
            "pagedown" | "pgdn" => KeyCode::PageDown,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "space" => KeyCode::Char(' '),
            "minus" | "hyphen" => KeyCode::Char('-'),
            name => match name.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                Some(n @ 1..=12) => KeyCode::F(n),
                _ => {
                    return Err(format!(
                        "{rest:?} is not a key name (a character, or enter, esc, tab, backspace, delete, insert, home, end, pageup, pagedown, up, down, left, right, space, f1–f12)"
                    ));
                }
            },
        },
    };
    let code = match code {
        KeyCode::Char(c) if shift && c.is_alphabetic() => {
            KeyCode::Char(c.to_uppercase().next().unwrap_or(c))
        }
        KeyCode::Tab if shift => KeyCode::BackTab,
        _ if shift => {
            return Err(
                "shift- goes with a letter or tab only (terminals send other keys the same with or without it; write the shifted character itself, such as \"?\")".to_owned(),
            );
        }
        code => code,
    };
    let code = match code {
        KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) && c.is_alphabetic() => {
            KeyCode::Char(c.to_lowercase().next().unwrap_or(c))
        }
        code => code,
    };
    Ok((code, modifiers))
}

/// `("ctrl", "r")` from `ctrl-r` or `ctrl+r`: a modifier name and what follows its separator.
fn split_modifier(text: &str) -> Option<(&str, &str)> {
    let separator = text.find(['-', '+'])?;
    let name = &text[..separator];
    let known = ["ctrl", "control", "c", "alt", "meta", "m", "shift", "s"];
    known
        .iter()
        .any(|k| k.eq_ignore_ascii_case(name))
        .then(|| (name, &text[separator + 1..]))
}
