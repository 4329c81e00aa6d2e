//! Colours: built-in palettes whose every text colour is known as RGB (so its contrast can be
//! computed and tested), picked by `[theme]` in config.toml or from `COLORFGBG`, with per-slot
//! overrides; none at all when `NO_COLOR` is set (modifiers only).
//!
//! The palettes use the 256-colour table (not 24-bit colour, which some terminals and tmux set-ups
//! still drop) and never the 16 basic colours, whose RGB is whatever the terminal's scheme says —
//! that is how bold yellow came out at 1.7:1 on light terminals and ANSI 8 invisible on Solarized
//! Dark. Body text keeps the terminal's own foreground in every built-in: it is the one colour the
//! terminal's scheme already pairs with its background.

pub use crate::config::{SLOTS, ThemeError};
use crate::config::{ThemeConfig, ThemeName, parse_colour};
use ratatui::style::{Color, Modifier, Style};

/// One colour per slot; `None` is the terminal's default foreground.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub text: Option<Color>,
    pub dim: Option<Color>,
    pub title: Option<Color>,
    pub key: Option<Color>,
    pub ok: Option<Color>,
    pub warn: Option<Color>,
    pub error: Option<Color>,
    pub active_tab: Option<Color>,
}

impl Palette {
    /// For dark backgrounds (black, Solarized Dark's #002b36 and the like).
    pub const DARK: Palette = Palette::indexed([246, 81, 221, 114, 215, 210, 81]);

    /// For light backgrounds (white, Solarized Light's #fdf6e3 and the like).
    pub const LIGHT: Palette = Palette::indexed([241, 24, 90, 22, 94, 124, 24]);

    /// When the background is not known: only the few 256-colour entries that reach 4.5:1 on
    /// white and on black alike (relative luminance 0.175–0.183).
    pub const EITHER: Palette = Palette::indexed([243, 63, 98, 29, 163, 131, 63]);

    /// Entries of the 256-colour table, in slot order: dim, title, key, ok, warn, error,
    /// active tab (text keeps the terminal's own colour).
    const fn indexed([dim, title, key, ok, warn, error, active_tab]: [u8; 7]) -> Palette {
        Palette {
            text: None,
            dim: Some(Color::Indexed(dim)),
            title: Some(Color::Indexed(title)),
            key: Some(Color::Indexed(key)),
            ok: Some(Color::Indexed(ok)),
            warn: Some(Color::Indexed(warn)),
            error: Some(Color::Indexed(error)),
            active_tab: Some(Color::Indexed(active_tab)),
        }
    }

    pub fn slot(&self, name: &str) -> Option<Option<Color>> {
        let mut copy = *self;
        copy.slot_mut(name).map(|color| *color)
    }

    fn slot_mut(&mut self, name: &str) -> Option<&mut Option<Color>> {
        Some(match name {
            "text" => &mut self.text,
            "dim" => &mut self.dim,
            "title" => &mut self.title,
            "key" => &mut self.key,
            "ok" => &mut self.ok,
            "warn" => &mut self.warn,
            "error" => &mut self.error,
            "active_tab" => &mut self.active_tab,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub palette: Palette,
}

impl Default for Theme {
    fn default() -> Theme {
        Theme {
            color: true,
            palette: Palette::EITHER,
        }
    }
}

impl Theme {
    /// The built-in for this terminal (`COLORFGBG`), without `[theme]`; `NO_COLOR` (any non-empty
    /// value, see no-color.org) turns colours off.
    pub fn from_env() -> Theme {
        Theme::from_config(&ThemeConfig::default()).unwrap_or_default()
    }

    /// The theme `[theme]` asks for, in this terminal's environment.
    pub fn from_config(config: &ThemeConfig) -> Result<Theme, ThemeError> {
        Theme::resolve(
            config,
            std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            std::env::var("COLORFGBG").ok().as_deref(),
        )
    }

    pub fn resolve(
        config: &ThemeConfig,
        no_color: bool,
        colorfgbg: Option<&str>,
    ) -> Result<Theme, ThemeError> {
        let mut palette = match config.name {
            ThemeName::Dark => Palette::DARK,
            ThemeName::Light => Palette::LIGHT,
            ThemeName::Auto => match colorfgbg.and_then(background_is_dark) {
                Some(true) => Palette::DARK,
                Some(false) => Palette::LIGHT,
                None => Palette::EITHER,
            },
        };
        for (slot, value) in &config.overrides {
            let colour = parse_colour(value).ok_or_else(|| ThemeError::BadColour {
                slot: slot.clone(),
                value: value.clone(),
            })?;
            *palette
                .slot_mut(slot)
                .ok_or_else(|| ThemeError::UnknownSlot(slot.clone()))? = colour;
        }
        Ok(Theme {
            color: !no_color,
            palette,
        })
    }

    fn fg(&self, color: Option<Color>) -> Style {
        match color {
            Some(color) if self.color => Style::new().fg(color),
            _ => Style::new(),
        }
    }

    pub fn text(&self) -> Style {
        self.fg(self.palette.text)
    }

    pub fn dim(&self) -> Style {
        if self.color {
            self.fg(self.palette.dim)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    pub fn title(&self) -> Style {
        self.fg(self.palette.title).add_modifier(Modifier::BOLD)
    }

    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn key(&self) -> Style {
        self.fg(self.palette.key).add_modifier(Modifier::BOLD)
    }

    pub fn ok(&self) -> Style {
        self.fg(self.palette.ok)
    }

    pub fn warn(&self) -> Style {
        self.fg(self.palette.warn)
    }

    pub fn error(&self) -> Style {
        self.fg(self.palette.error).add_modifier(Modifier::BOLD)
    }

    pub fn active_tab(&self) -> Style {
        self.fg(self.palette.active_tab)
            .add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }
}

/// `COLORFGBG` is "FG;BG" (sometimes "FG;X;BG") in the 16 basic colours, set by rxvt, Konsole and
/// others; backgrounds 0–6 and 8 are dark (the rule vim uses). `None` when it cannot be read.
pub fn background_is_dark(colorfgbg: &str) -> Option<bool> {
    let background: u8 = colorfgbg.rsplit(';').next()?.trim().parse().ok()?;
    match background {
        0..=6 | 8 => Some(true),
        7 | 9..=15 => Some(false),
        _ => None,
    }
}

/// The RGB a 256-colour index (16–255) stands for in xterm's table, which nearly every terminal
/// uses unchanged; `None` for the 16 basic colours, which each terminal scheme sets itself.
pub fn indexed_rgb(index: u8) -> Option<(u8, u8, u8)> {
    const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];
    match index {
        0..=15 => None,
        16..=231 => {
            let i = usize::from(index - 16);
            Some((CUBE[i / 36], CUBE[(i / 6) % 6], CUBE[i % 6]))
        }
        232..=255 => {
            let level = 8 + 10 * (index - 232);
            Some((level, level, level))
        }
    }
}

/// The RGB of a colour where it is fixed (24-bit or the 256-colour table).
pub fn rgb(color: Color) -> Option<(u8, u8, u8)> {
    match color {
        Color::Rgb(r, g, b) => Some((r, g, b)),
        Color::Indexed(i) => indexed_rgb(i),
        _ => None,
    }
}

/// WCAG 2 relative luminance.
pub fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/// WCAG 2 contrast ratio, 1.0–21.0.
pub fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (light, dark) = if la > lb { (la, lb) } else { (lb, la) };
    (light + 0.05) / (dark + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    const WHITE: (u8, u8, u8) = (255, 255, 255);
    const BLACK: (u8, u8, u8) = (0, 0, 0);
    const SOLARIZED_DARK: (u8, u8, u8) = (0x00, 0x2b, 0x36);
    const SOLARIZED_LIGHT: (u8, u8, u8) = (0xfd, 0xf6, 0xe3);

    /// Every coloured slot of every built-in, with the ratio it reaches on each background it is
    /// for (rounded down to 0.01). The test recomputes each one, so this table cannot go stale,
    /// and fails below 4.5:1 (WCAG AA for normal text).
    /// Palette name, palette, slot, and (background, ratio) pairs.
    type Row = (
        &'static str,
        Palette,
        &'static str,
        &'static [((u8, u8, u8), f64)],
    );
    const RATIOS: &[Row] = &[
        (
            "either",
            Palette::EITHER,
            "dim",
            &[(WHITE, 4.54), (BLACK, 4.62)],
        ),
        (
            "either",
            Palette::EITHER,
            "title",
            &[(WHITE, 4.59), (BLACK, 4.56)],
        ),
        (
            "either",
            Palette::EITHER,
            "key",
            &[(WHITE, 4.51), (BLACK, 4.64)],
        ),
        (
            "either",
            Palette::EITHER,
            "ok",
            &[(WHITE, 4.53), (BLACK, 4.63)],
        ),
        (
            "either",
            Palette::EITHER,
            "warn",
            &[(WHITE, 4.65), (BLACK, 4.50)],
        ),
        (
            "either",
            Palette::EITHER,
            "error",
            &[(WHITE, 4.54), (BLACK, 4.62)],
        ),
        (
            "either",
            Palette::EITHER,
            "active_tab",
            &[(WHITE, 4.59), (BLACK, 4.56)],
        ),
        (
            "dark",
            Palette::DARK,
            "dim",
            &[(BLACK, 6.92), (SOLARIZED_DARK, 4.94)],
        ),
        (
            "dark",
            Palette::DARK,
            "title",
            &[(BLACK, 12.65), (SOLARIZED_DARK, 9.04)],
        ),
        (
            "dark",
            Palette::DARK,
            "key",
            &[(BLACK, 15.13), (SOLARIZED_DARK, 10.82)],
        ),
        (
            "dark",
            Palette::DARK,
            "ok",
            &[(BLACK, 12.10), (SOLARIZED_DARK, 8.65)],
        ),
        (
            "dark",
            Palette::DARK,
            "warn",
            &[(BLACK, 11.54), (SOLARIZED_DARK, 8.25)],
        ),
        (
            "dark",
            Palette::DARK,
            "error",
            &[(BLACK, 9.06), (SOLARIZED_DARK, 6.48)],
        ),
        (
            "dark",
            Palette::DARK,
            "active_tab",
            &[(BLACK, 12.65), (SOLARIZED_DARK, 9.04)],
        ),
        (
            "light",
            Palette::LIGHT,
            "dim",
            &[(WHITE, 6.09), (SOLARIZED_LIGHT, 5.65)],
        ),
        (
            "light",
            Palette::LIGHT,
            "title",
            &[(WHITE, 7.03), (SOLARIZED_LIGHT, 6.51)],
        ),
        (
            "light",
            Palette::LIGHT,
            "key",
            &[(WHITE, 8.82), (SOLARIZED_LIGHT, 8.17)],
        ),
        (
            "light",
            Palette::LIGHT,
            "ok",
            &[(WHITE, 7.96), (SOLARIZED_LIGHT, 7.38)],
        ),
        (
            "light",
            Palette::LIGHT,
            "warn",
            &[(WHITE, 5.72), (SOLARIZED_LIGHT, 5.30)],
        ),
        (
            "light",
            Palette::LIGHT,
            "error",
            &[(WHITE, 7.43), (SOLARIZED_LIGHT, 6.89)],
        ),
        (
            "light",
            Palette::LIGHT,
            "active_tab",
            &[(WHITE, 7.03), (SOLARIZED_LIGHT, 6.51)],
        ),
    ];

    #[test]
    fn every_text_slot_of_every_palette_reaches_4_5_to_1_on_its_backgrounds() {
        for palette in [Palette::EITHER, Palette::DARK, Palette::LIGHT] {
            for slot in SLOTS {
                let colour = palette.slot(slot).expect("a known slot");
                let listed = RATIOS
                    .iter()
                    .find(|(_, p, s, _)| *p == palette && *s == slot);
                match (colour, listed) {
                    // The terminal's own foreground on its own background.
                    (None, None) => assert_eq!(slot, "text", "only body text is left uncoloured"),
                    (Some(colour), Some((name, _, _, backgrounds))) => {
                        let fixed = rgb(colour).unwrap_or_else(|| {
                            panic!("{name}.{slot} is a basic colour, whose RGB the terminal picks")
                        });
                        for (background, written) in backgrounds.iter() {
                            let ratio = contrast(fixed, *background);
                            assert!(
                                ratio >= 4.5,
                                "{name}.{slot} {fixed:?} on {background:?}: {ratio:.2}:1"
                            );
                            assert!(
                                *written <= ratio && ratio < written + 0.01,
                                "{name}.{slot} on {background:?} is {ratio:.3}:1, the table says {written}"
                            );
                        }
                    }
                    (colour, listed) => panic!(
                        "{slot}: coloured {colour:?} but listed {:?}",
                        listed.map(|l| l.0)
                    ),
                }
            }
        }
        // The default (background unknown) palette is checked on both extremes.
        for (name, palette, _, backgrounds) in RATIOS {
            if *palette == Palette::EITHER {
                assert!(backgrounds.iter().any(|(b, _)| *b == WHITE), "{name}");
                assert!(backgrounds.iter().any(|(b, _)| *b == BLACK), "{name}");
            }
        }
    }

    #[test]
    fn contrast_matches_known_values() {
        assert!((contrast(WHITE, BLACK) - 21.0).abs() < 1e-9);
        assert!((contrast(WHITE, WHITE) - 1.0).abs() < 1e-9);
        // #767676 is the well-known darkest grey that passes AA on white.
        assert!((contrast((0x76, 0x76, 0x76), WHITE) - 4.54).abs() < 0.01);
        assert_eq!(indexed_rgb(243), Some((0x76, 0x76, 0x76)));
        assert_eq!(indexed_rgb(24), Some((0x00, 0x5f, 0x87)));
        assert_eq!(indexed_rgb(231), Some((255, 255, 255)));
        assert_eq!(indexed_rgb(8), None);
        // What the old theme did: bold yellow keys on a light terminal (xterm's yellow #cdcd00).
        assert!(contrast((0xcd, 0xcd, 0x00), WHITE) < 2.0);
    }

    fn config(name: ThemeName, overrides: &[(&str, &str)]) -> ThemeConfig {
        ThemeConfig {
            name,
            overrides: overrides
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    #[test]
    fn auto_reads_colorfgbg_and_falls_back_to_the_palette_safe_on_both() {
        let auto = |fgbg: Option<&str>| {
            Theme::resolve(&config(ThemeName::Auto, &[]), false, fgbg)
                .unwrap()
                .palette
        };
        assert_eq!(auto(Some("15;0")), Palette::DARK);
        assert_eq!(auto(Some("12;8")), Palette::DARK, "Solarized Dark in rxvt");
        assert_eq!(auto(Some("0;15")), Palette::LIGHT);
        assert_eq!(auto(Some("0;default;15")), Palette::LIGHT);
        assert_eq!(auto(Some("0;7")), Palette::LIGHT);
        assert_eq!(auto(Some("default;default")), Palette::EITHER);
        assert_eq!(auto(Some("")), Palette::EITHER);
        assert_eq!(auto(None), Palette::EITHER);
        // A named theme wins over the terminal's hint.
        let dark = Theme::resolve(&config(ThemeName::Dark, &[]), false, Some("0;15")).unwrap();
        assert_eq!(dark.palette, Palette::DARK);
        let light = Theme::resolve(&config(ThemeName::Light, &[]), false, Some("15;0")).unwrap();
        assert_eq!(light.palette, Palette::LIGHT);
        assert_eq!(light.key().fg, Some(Color::Indexed(90)));
    }

    #[test]
    fn overrides_replace_single_slots_and_bad_ones_name_slot_and_value() {
        let theme = Theme::resolve(
            &config(
                ThemeName::Light,
                &[
                    ("key", "#005F87"),
                    ("warn", "light_red"),
                    ("dim", "238"),
                    ("text", "Dark Gray"),
                    ("title", "default"),
                ],
            ),
            false,
            None,
        )
        .unwrap();
        assert_eq!(theme.key().fg, Some(Color::Rgb(0x00, 0x5f, 0x87)));
        assert_eq!(theme.warn().fg, Some(Color::LightRed));
        assert_eq!(theme.dim().fg, Some(Color::Indexed(238)));
        assert_eq!(theme.text().fg, Some(Color::DarkGray));
        assert_eq!(theme.title().fg, None);
        assert_eq!(
            theme.ok().fg,
            Palette::LIGHT.ok,
            "untouched slots keep the built-in"
        );

        for bad in ["#12345", "#gg0000", "256", "bluish", "", "rgb(1,2,3)"] {
            let error =
                Theme::resolve(&config(ThemeName::Dark, &[("key", bad)]), false, None).unwrap_err();
            assert_eq!(
                error,
                ThemeError::BadColour {
                    slot: "key".into(),
                    value: bad.into()
                }
            );
            let message = error.to_string();
            assert!(
                message.contains("key") && message.contains(&format!("{bad:?}")),
                "{message}"
            );
        }
        let error =
            Theme::resolve(&config(ThemeName::Dark, &[("keys", "blue")]), false, None).unwrap_err();
        assert_eq!(error, ThemeError::UnknownSlot("keys".into()));
        assert!(error.to_string().contains("active_tab"), "{error}");
    }

    #[test]
    fn no_color_keeps_only_modifiers() {
        let theme =
            Theme::resolve(&config(ThemeName::Dark, &[("text", "red")]), true, None).unwrap();
        for style in [
            theme.text(),
            theme.dim(),
            theme.title(),
            theme.key(),
            theme.ok(),
            theme.warn(),
            theme.error(),
            theme.active_tab(),
            theme.selected(),
        ] {
            assert_eq!(style.fg, None);
            assert_eq!(style.bg, None);
        }
        assert!(theme.key().add_modifier.contains(Modifier::BOLD));
        assert!(theme.dim().add_modifier.contains(Modifier::DIM));
        assert!(theme.active_tab().add_modifier.contains(Modifier::REVERSED));
    }
}
