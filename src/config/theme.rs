//! `[theme]` of config.toml: the built-in palette to start from and per-slot colour overrides,
//! with the colour syntax they are written in.

use ratatui::style::Color;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which built-in palette the TUI starts from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThemeName {
    /// Dark or light from `COLORFGBG`; where it is not set, colours readable on both.
    #[default]
    Auto,
    Dark,
    Light,
}

/// `[theme]`: a built-in and per-slot colour overrides (checked by `tui::theme` at load).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeConfig {
    #[serde(default)]
    pub name: ThemeName,
    #[serde(flatten)]
    pub overrides: BTreeMap<String, String>,
}

impl ThemeConfig {
    pub(super) fn is_default(&self) -> bool {
        *self == ThemeConfig::default()
    }

    /// Every override names a slot and a colour.
    pub fn check(&self) -> Result<(), ThemeError> {
        for (slot, value) in &self.overrides {
            if !SLOTS.contains(&slot.as_str()) {
                return Err(ThemeError::UnknownSlot(slot.clone()));
            }
            if parse_colour(value).is_none() {
                return Err(ThemeError::BadColour {
                    slot: slot.clone(),
                    value: value.clone(),
                });
            }
        }
        Ok(())
    }
}

/// The slots that carry a colour, as named in `[theme]`.
pub const SLOTS: [&str; 8] = [
    "text",
    "dim",
    "title",
    "key",
    "ok",
    "warn",
    "error",
    "active_tab",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThemeError {
    #[error("[theme] has no slot {0:?} (slots: {slots})", slots = SLOTS.join(", "))]
    UnknownSlot(String),
    #[error(
        "[theme] {slot} = {value:?} is not a colour: use \"#rrggbb\", a 256-colour index \"0\"–\"255\", a name such as \"blue\" or \"light_red\", or \"default\""
    )]
    BadColour { slot: String, value: String },
}

/// A colour as `[theme]` spells it; `Some(None)` is the terminal's default.
pub fn parse_colour(value: &str) -> Option<Option<Color>> {
    let value = value.trim();
    if let Some(hex) = value.strip_prefix('#') {
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        return Some(Some(Color::Rgb(channel(0)?, channel(2)?, channel(4)?)));
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse::<u8>().ok().map(|i| Some(Color::Indexed(i)));
    }
    let named = match value.to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
        "default" | "reset" => return Some(None),
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" | "grey" => Color::Gray,
        "dark_gray" | "dark_grey" => Color::DarkGray,
        "light_red" => Color::LightRed,
        "light_green" => Color::LightGreen,
        "light_yellow" => Color::LightYellow,
        "light_blue" => Color::LightBlue,
        "light_magenta" => Color::LightMagenta,
        "light_cyan" => Color::LightCyan,
        "white" => Color::White,
        _ => return None,
    };
    Some(Some(named))
}
