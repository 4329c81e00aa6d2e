//! The configured theme reaches the real binary's screen: `[theme]` in config.toml, `COLORFGBG`
//! for `auto`, per-slot overrides, `NO_COLOR`, and a clear error for a bad colour.

#[path = "support/pty.rs"]
mod pty;

use portable_pty::CommandBuilder;
use pty::PtyApp;
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

fn demo(home: &Path, theme: Option<&str>, env: &[(&str, &str)]) -> CommandBuilder {
    let config = home.join("config");
    std::fs::create_dir_all(&config).unwrap();
    if let Some(theme) = theme {
        std::fs::write(config.join("config.toml"), theme).unwrap();
    }
    let mut command = pty::shopterm(home, &["demo", "--ephemeral"]);
    command.env("BROWSER", "/bin/true");
    command.env_remove("COLORFGBG");
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

/// What the sign-in screen was drawn with.
fn sign_in_screen_output(theme: Option<&str>, env: &[(&str, &str)]) -> Vec<String> {
    let home = tempfile::tempdir().unwrap();
    let mut app = PtyApp::spawn(demo(home.path(), theme, env), 30, 120);
    app.wait_for("Sign in with your browser", WAIT);
    // The key hints (in the key colour) are drawn in the same frame.
    app.wait_for("q quit", WAIT);
    app.send("q");
    assert!(app.wait_exit(WAIT));
    foregrounds(&String::from_utf8_lossy(&app.raw_output()))
}

/// The foreground colours the output set (crossterm may join fg and bg in one sequence).
fn foregrounds(out: &str) -> Vec<String> {
    let mut found = Vec::new();
    for sequence in out.split("\x1b[").skip(1) {
        let Some(end) = sequence.find(|c: char| !(c.is_ascii_digit() || c == ';')) else {
            continue;
        };
        if !sequence[end..].starts_with('m') {
            continue;
        }
        let params: Vec<&str> = sequence[..end].split(';').collect();
        let mut i = 0;
        while i < params.len() {
            match params[i] {
                "38" if params.get(i + 1) == Some(&"5") => {
                    found.push(format!("5;{}", params.get(i + 2).unwrap_or(&"")));
                    i += 3;
                }
                "38" if params.get(i + 1) == Some(&"2") => {
                    found.push(format!(
                        "2;{}",
                        params[i + 2..(i + 5).min(params.len())].join(";")
                    ));
                    i += 5;
                }
                "48" => {
                    i += if params.get(i + 1) == Some(&"5") {
                        3
                    } else {
                        5
                    }
                }
                basic @ ("30" | "31" | "32" | "33" | "34" | "35" | "36" | "37" | "90" | "91"
                | "92" | "93" | "94" | "95" | "96" | "97") => {
                    found.push(basic.to_owned());
                    i += 1;
                }
                _ => i += 1,
            }
        }
    }
    found
}

fn fg(index: u8) -> String {
    format!("5;{index}")
}

#[test]
fn light_theme_from_config_colours_keys_in_its_palette() {
    let out = sign_in_screen_output(
        Some("[theme]\nname = \"light\"\n"),
        &[("COLORFGBG", "15;0")],
    );
    assert!(out.contains(&fg(90)), "light keys (#870087): {:?}", out);
    assert!(!out.contains(&fg(221)), "no dark-palette yellow: {:?}", out);
    // The 16 basic colours (whose RGB the terminal scheme picks) are not used at all.
    for colour in &out {
        let index = colour.strip_prefix("5;").and_then(|i| i.parse::<u8>().ok());
        assert!(
            index.is_some_and(|i| i >= 16),
            "{colour} among the colours used: {out:?}"
        );
    }
}

#[test]
fn auto_follows_colorfgbg_and_falls_back_to_the_palette_for_either() {
    let dark = sign_in_screen_output(None, &[("COLORFGBG", "15;0")]);
    assert!(
        dark.contains(&fg(221)),
        "dark keys on a dark background: {:?}",
        dark
    );
    let light = sign_in_screen_output(None, &[("COLORFGBG", "0;15")]);
    assert!(
        light.contains(&fg(90)),
        "light keys on a light background: {:?}",
        light
    );
    let unknown = sign_in_screen_output(None, &[]);
    assert!(
        unknown.contains(&fg(98)),
        "keys readable on white and black: {:?}",
        unknown
    );
}

#[test]
fn an_override_replaces_one_slot_and_no_color_removes_every_colour() {
    let out = sign_in_screen_output(Some("[theme]\nname = \"dark\"\nkey = \"#005f87\"\n"), &[]);
    assert!(
        out.contains(&"2;0;95;135".to_owned()),
        "the key slot in #005f87: {out:?}"
    );
    assert!(
        !out.contains(&fg(221)),
        "the built-in key colour is replaced: {:?}",
        out
    );
    assert!(
        out.contains(&fg(81)),
        "other slots keep the dark built-in: {:?}",
        out
    );

    let plain = sign_in_screen_output(Some("[theme]\nname = \"dark\"\n"), &[("NO_COLOR", "1")]);
    assert_eq!(plain, Vec::<String>::new(), "no colour at all");
}

#[test]
fn a_bad_colour_is_refused_naming_the_slot_and_value() {
    let home = tempfile::tempdir().unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_shopterm"));
    std::fs::create_dir_all(home.path().join("config")).unwrap();
    std::fs::write(
        home.path().join("config/config.toml"),
        "[theme]\nwarn = \"#ff00\"\n",
    )
    .unwrap();
    let output = command
        .args(["demo", "--ephemeral"])
        .env("SHOPTERM_CONFIG_DIR", home.path().join("config"))
        .env("SHOPTERM_DATA_DIR", home.path().join("data"))
        .env("SHOPTERM_STATE_DIR", home.path().join("state"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("warn = \"#ff00\" is not a colour"),
        "{stderr}"
    );
}
