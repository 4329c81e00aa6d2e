//! What the scripting commands print: aligned tables for people (cells cleaned of escape
//! sequences first), JSON escaped for terminals, and the small formatters they share (times,
//! availability, addresses).

use super::exit::{CliResult, Failure, io_failure};
use serde::Serialize;
use shopterm::cli::ExitStatus;
use shopterm::model::{Availability, PostalAddress, ProductCode};
use shopterm::sanitize::clean;
use std::io::Write;
use unicode_width::UnicodeWidthStr;

/// Standard output, buffered; written pages go out when the buffer fills or at `flush`.
pub fn stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock())
}

/// Characters a terminal may act on that JSON does not escape by itself: DEL, C1 controls (8-bit
/// CSI / OSC …) and bidi formatting. In JSON they can only occur inside strings, so writing them
/// as `\uXXXX` changes nothing for a JSON parser and keeps a terminal inert.
fn terminal_unsafe(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

pub fn escape_unsafe_json(json: &mut Vec<u8>) {
    // serde_json writes valid UTF-8; every character of interest is two or three bytes long and
    // starts with 0xC2, 0xD8 or 0xE2 (DEL is 0x7F).
    if !json.iter().any(|b| matches!(b, 0x7f | 0xc2 | 0xd8 | 0xe2)) {
        return;
    }
    let Ok(text) = std::str::from_utf8(json) else {
        return;
    };
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if terminal_unsafe(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    *json = out.into_bytes();
}

/// One JSON document: pretty, escaped for terminals, with a final newline.
fn write_json<T: Serialize>(out: &mut impl Write, value: &T) -> CliResult {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| Failure::new(ExitStatus::Failure, format!("cannot write JSON: {e}")))?;
    escape_unsafe_json(&mut bytes);
    bytes.push(b'\n');
    out.write_all(&bytes).map_err(io_failure)
}

/// Asks `question` on the terminal (stderr, answered on stdin); true for yes. The reorder's
/// send and a staff member's account edit ask with it.
pub async fn confirm(question: String) -> bool {
    tokio::task::spawn_blocking(move || {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "{question} [y/N] ");
        let _ = err.flush();
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).is_err() {
            return false;
        }
        matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
    })
    .await
    .unwrap_or(false)
}

pub fn print_json<T: Serialize>(value: &T) -> CliResult {
    let mut out = stdout();
    write_json(&mut out, value)?;
    out.flush().map_err(io_failure)
}

pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

pub fn pad(text: &str, to: usize, right: bool) -> String {
    let fill = " ".repeat(to.saturating_sub(width(text)));
    if right {
        format!("{fill}{text}")
    } else {
        format!("{text}{fill}")
    }
}

/// An aligned text table. Cells must be cleaned text already.
pub struct Table {
    header: Vec<&'static str>,
    right: Vec<bool>,
    widths: Vec<usize>,
    indent: &'static str,
}

impl Table {
    /// Columns named `header`; those named in `right` are right-aligned (numbers, money).
    pub fn new(header: &[&'static str], right: &[&'static str]) -> Table {
        Table {
            header: header.to_vec(),
            right: header.iter().map(|h| right.contains(h)).collect(),
            widths: header.iter().map(|h| width(h)).collect(),
            indent: "",
        }
    }

    pub fn indent(mut self, indent: &'static str) -> Table {
        self.indent = indent;
        self
    }

    /// Widens the columns to fit `rows`.
    pub fn fit(&mut self, rows: &[Vec<String>]) {
        for row in rows {
            for (w, cell) in self.widths.iter_mut().zip(row) {
                *w = (*w).max(width(cell));
            }
        }
    }

    fn line(&self, cells: &[&str]) -> String {
        let last = cells.len().saturating_sub(1);
        let mut line = String::from(self.indent);
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            if i == last && !self.right[i] {
                line.push_str(cell);
            } else {
                line.push_str(&pad(cell, self.widths[i], self.right[i]));
            }
        }
        line.truncate(line.trim_end().len());
        line
    }

    pub fn write_header(&self, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(out, "{}", self.line(&self.header))
    }

    pub fn write_row(&self, out: &mut impl Write, row: &[String]) -> std::io::Result<()> {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        writeln!(out, "{}", self.line(&cells))
    }

    /// Header and rows, widths fitted to all of them.
    pub fn write_all(mut self, out: &mut impl Write, rows: &[Vec<String>]) -> std::io::Result<()> {
        self.fit(rows);
        self.write_header(out)?;
        for row in rows {
            self.write_row(out, row)?;
        }
        Ok(())
    }
}

pub fn when(at: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_else(|_| at.to_string())
}

pub fn opt(text: &Option<String>) -> String {
    text.as_deref().map(clean).unwrap_or_default()
}

/// A table row about a product: its code, brand and name (the shop's text, cleaned), then
/// `rest`.
pub fn product_row(
    code: &ProductCode,
    brand: &str,
    name: &str,
    rest: impl IntoIterator<Item = String>,
) -> Vec<String> {
    [clean(code.as_str()), clean(brand), clean(name)]
        .into_iter()
        .chain(rest)
        .collect()
}

pub fn availability_text(availability: &Availability) -> String {
    match availability {
        Availability::InStock { quantity: None } => "in stock".into(),
        Availability::InStock { quantity: Some(0) } => "out of stock".into(),
        Availability::InStock { quantity: Some(n) } => format!("in stock ({n})"),
        Availability::OutOfStock => "out of stock".into(),
        Availability::Discontinued => "no longer sold".into(),
    }
}

/// An address on one line: name, company, street, postcode and city, region, country.
pub fn address_line(postal: &PostalAddress) -> String {
    let mut parts = vec![postal.line1.clone()];
    parts.extend(postal.line2.clone().filter(|l| !l.trim().is_empty()));
    parts.push(
        format!("{} {}", postal.postcode, postal.city)
            .trim()
            .to_owned(),
    );
    parts.extend(postal.region.clone().filter(|r| !r.trim().is_empty()));
    parts.push(postal.country.clone());
    clean(&parts.join(", "))
}

pub fn person(postal: &PostalAddress) -> String {
    let name = format!("{} {}", postal.first_name, postal.last_name);
    let name = match &postal.company {
        Some(company) if !company.trim().is_empty() => format!("{}, {company}", name.trim()),
        _ => name.trim().to_owned(),
    };
    clean(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_what_a_terminal_would_act_on_and_stays_equal() {
        let hostile = "A\u{9b}31mB\u{202e}C\u{1b}]0;x\u{7}D\u{7f}é";
        let mut bytes = serde_json::to_vec(&hostile).unwrap();
        escape_unsafe_json(&mut bytes);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            !text.chars().any(|c| c.is_control() || terminal_unsafe(c)),
            "{text:?}"
        );
        let back: String = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, hostile);
    }

    #[test]
    fn tables_align_wide_text() {
        let mut out = Vec::new();
        Table::new(&["A", "N"], &["N"])
            .write_all(
                &mut out,
                &[
                    vec!["日本語".into(), "1".into()],
                    vec!["x".into(), "100".into()],
                ],
            )
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "A         N\n日本語    1\nx       100\n");
    }
}
