//! Shop data is untrusted text: a product name or a tracking id can carry terminal escape
//! sequences (to retitle the window, rewrite the screen, or plant an OSC 52 clipboard write) or
//! bidi overrides (to make `SO-1001` read as something else). Everything that comes from a shop is
//! cleaned here before it reaches the screen state.

use crate::model::*;

/// Removes escape sequences (CSI, OSC, DCS, SOS, PM, APC and two-byte ESC sequences, in their
/// 7-bit and 8-bit forms), other C0/C1 control characters and bidi formatting characters.
/// Tabs and newlines become spaces so one field stays on one line.
pub fn clean(text: &str) -> String {
    scrub(text, false)
}

/// Pasted text: escape sequences go whole, as in [`clean`] (a copy from a coloured terminal
/// carries `ESC [ 31 m`; dropping only the ESC would leave `[31m` in the field), but line breaks
/// stay, for the fields that take several lines (the quick order).
pub fn pasted(text: &str) -> String {
    scrub(text, true)
}

/// At most `max_chars` of a shop's text, cleaned as [`clean`] does, with `…` where it was cut:
/// for quoting an answer in an error message, which must stay one short line however much the
/// shop sent. Only the start is looked at, so the cost does not grow with the text.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    // Escape sequences cleaned away take room; four times the length left is plenty for them.
    let start: String = text.chars().take(max_chars.saturating_mul(4)).collect();
    let cleaned = clean(&start);
    let mut chars = cleaned.chars();
    let mut out: String = chars.by_ref().take(max_chars).collect();
    if chars.next().is_some() || start.len() < text.len() {
        out.push('…');
    }
    out
}

/// How much of a shop's text a message quotes: a line of a CLI failure, a field's line of
/// `shopterm register`'s refusal, the message under a TUI form, an error beside a form field.
/// However long the shop's text, the advice around it stays on screen.
pub const FAILURE_LINE_CHARS: usize = 1000;
pub const FIELD_LINE_CHARS: usize = 200;
pub const FORM_MESSAGE_CHARS: usize = 400;
pub const FIELD_ERROR_CHARS: usize = 160;
/// The lines of a CLI failure printed at most.
pub const FAILURE_LINES: usize = 40;

/// A text of several lines for a terminal: each line as [`excerpt`] makes it (at most
/// `max_chars`), at most `max_lines` of them, then one saying how many were left out.
pub fn excerpt_lines(text: &str, max_chars: usize, max_lines: usize) -> Vec<String> {
    let mut lines = text.lines();
    let mut out: Vec<String> = lines
        .by_ref()
        .take(max_lines)
        .map(|line| excerpt(line, max_chars))
        .collect();
    let left_out = lines.count();
    if left_out > 0 {
        out.push(format!("… ({left_out} more lines left out)"));
    }
    out
}

fn scrub(text: &str, keep_lines: bool) -> String {
    if !text.chars().any(needs_cleaning) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // 8-bit CSI: parameters up to a final byte.
            '\u{9b}' => skip_csi(&mut chars),
            // 8-bit OSC, DCS, SOS, PM, APC: strings up to ST or BEL.
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\n' | '\r' if keep_lines => out.push(c),
            '\t' | '\n' | '\r' => out.push(' '),
            c if needs_cleaning(c) => {}
            c => out.push(c),
        }
    }
    out
}

fn needs_cleaning(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Characters that reorder text: embeddings, overrides and isolates, plus the marks.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn skip_escape(chars: &mut Chars<'_>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']' | 'P' | 'X' | '^' | '_') => skip_string(chars),
        // Two-byte sequences (ESC c, ESC 7, ESC ( B …): intermediates, then one final byte.
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            while chars
                .next_if(|c| ('\u{20}'..='\u{2f}').contains(c))
                .is_some()
            {}
            chars.next();
        }
        _ => {}
    }
}

fn skip_csi(chars: &mut Chars<'_>) {
    // Parameter and intermediate bytes, then a final byte in @..~.
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
        if !('\u{20}'..='\u{3f}').contains(&c) {
            // Malformed: stop skipping at anything that cannot be part of a CSI.
            break;
        }
    }
}

fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                chars.next_if_eq(&'\\');
                break;
            }
            _ => {}
        }
    }
}

fn clean_in_place(text: &mut String) {
    if text.chars().any(needs_cleaning) {
        *text = clean(text);
    }
}

fn clean_option(text: &mut Option<String>) {
    if let Some(text) = text {
        clean_in_place(text);
    }
}

/// Cleans every text field of a value that came from a shop.
pub trait Sanitize {
    fn sanitize(&mut self);

    fn sanitized(mut self) -> Self
    where
        Self: Sized,
    {
        self.sanitize();
        self
    }
}

impl<T: Sanitize> Sanitize for Vec<T> {
    fn sanitize(&mut self) {
        self.iter_mut().for_each(Sanitize::sanitize);
    }
}

impl<T: Sanitize> Sanitize for Option<T> {
    fn sanitize(&mut self) {
        if let Some(value) = self {
            value.sanitize();
        }
    }
}

impl Sanitize for String {
    fn sanitize(&mut self) {
        clean_in_place(self);
    }
}

impl Sanitize for Account {
    fn sanitize(&mut self) {
        clean_in_place(&mut self.id.0);
        clean_in_place(&mut self.email);
        clean_in_place(&mut self.first_name);
        clean_in_place(&mut self.last_name);
        clean_option(&mut self.phone);
        clean_option(&mut self.company);
    }
}

impl Sanitize for PostalAddress {
    fn sanitize(&mut self) {
        clean_in_place(&mut self.first_name);
        clean_in_place(&mut self.last_name);
        clean_option(&mut self.company);
        clean_in_place(&mut self.line1);
        clean_option(&mut self.line2);
        clean_in_place(&mut self.city);
        clean_in_place(&mut self.postcode);
        clean_option(&mut self.region);
        clean_in_place(&mut self.country);
        clean_option(&mut self.phone);
    }
}

impl Sanitize for Address {
    fn sanitize(&mut self) {
        clean_in_place(&mut self.id.0);
        self.postal.sanitize();
    }
}

impl Sanitize for OrderSummary {
    fn sanitize(&mut self) {
        clean_in_place(&mut self.number.0);
        clean_in_place(&mut self.status_label);
        clean_in_place(&mut self.payment_label);
    }
}

impl Sanitize for OrderLine {
    fn sanitize(&mut self) {
        clean_in_place(&mut self.code.0);
        clean_in_place(&mut self.brand);
        clean_in_place(&mut self.name);
    }
}

impl Sanitize for Shipment {
    fn sanitize(&mut self) {
        clean_in_place(&mut self.id);
        clean_in_place(&mut self.carrier);
        clean_option(&mut self.service);
        clean_option(&mut self.tracking_id);
        clean_option(&mut self.tracking_url);
        for line in &mut self.lines {
            clean_in_place(&mut line.code.0);
        }
    }
}

impl Sanitize for OrderDetail {
    fn sanitize(&mut self) {
        self.summary.sanitize();
        self.lines.sanitize();
        self.billing_address.sanitize();
        self.shipping_address.sanitize();
        self.shipments.sanitize();
    }
}

impl Sanitize for Product {
    fn sanitize(&mut self) {
        clean_in_place(&mut self.code.0);
        clean_in_place(&mut self.brand);
        clean_in_place(&mut self.name);
    }
}

impl<T: Sanitize> Sanitize for Page<T> {
    fn sanitize(&mut self) {
        self.items.sanitize();
    }
}

#[cfg(test)]
mod tests {
    use super::{clean, excerpt, excerpt_lines, pasted};

    #[test]
    fn excerpt_lines_cuts_each_line_and_counts_the_lines_left_out() {
        let text = format!("first\n{}\n\u{1b}[2Jthird\nfourth\nfifth", "b".repeat(50));
        assert_eq!(
            excerpt_lines(&text, 10, 3),
            vec![
                "first".to_owned(),
                format!("{}…", "b".repeat(10)),
                "third".to_owned(),
                "… (2 more lines left out)".to_owned(),
            ]
        );
        assert_eq!(excerpt_lines("one\ntwo", 10, 2), vec!["one", "two"]);
    }

    #[test]
    fn an_excerpt_is_short_clean_and_says_where_it_was_cut() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("abcdefghijkl", 5), "abcde…");
        let huge = format!("\u{1b}]0;PWNED\u{7}{}", "a".repeat(30 << 20));
        let quoted = excerpt(&huge, 100);
        assert_eq!(quoted, format!("{}…", "a".repeat(100)));
        // Cut inside an escape sequence, the rest of it is still not printed.
        assert_eq!(excerpt("ok\u{1b}]52;c;cm0gLXJm", 3), "ok…");
    }

    #[test]
    fn pasted_text_loses_whole_sequences_and_keeps_its_lines() {
        assert_eq!(pasted("\u{1b}[31mred\u{1b}[0m"), "red");
        assert_eq!(pasted("a\u{1b}]0;title\u{7}b"), "ab");
        assert_eq!(pasted("KB-100 2\r\nMS-20 1\n"), "KB-100 2\r\nMS-20 1\n");
        assert_eq!(pasted("x\ty"), "x y");
    }

    #[test]
    fn plain_text_passes_unchanged() {
        for text in ["SO-100001", "山田 花子", "ليلى حداد", "Crème brûlée 🍮", ""]
        {
            assert_eq!(clean(text), text);
        }
    }

    #[test]
    fn removes_escape_sequences_of_every_kind() {
        let cases = [
            ("red\u{1b}[31mtext\u{1b}[0m", "redtext"),
            ("title\u{1b}]0;pwned\u{7}after", "titleafter"),
            ("clip\u{1b}]52;c;ZXZpbA==\u{1b}\\board", "clipboard"),
            ("dcs\u{1b}Pq#0;2;0;0;0\u{1b}\\end", "dcsend"),
            ("reset\u{1b}cdone", "resetdone"),
            ("charset\u{1b}(Bok", "charsetok"),
            ("c1\u{9b}2Jcsi", "c1csi"),
            ("osc8\u{9d}8;;http://x\u{9c}link", "osc8link"),
            ("bell\u{7}and\u{8}backspace\u{7f}", "bellandbackspace"),
            ("unterminated\u{1b}]0;title", "unterminated"),
        ];
        for (dirty, expected) in cases {
            assert_eq!(clean(dirty), expected, "{dirty:?}");
        }
    }

    #[test]
    fn removes_bidi_overrides_and_flattens_lines() {
        assert_eq!(clean("SO-\u{202e}1001\u{202c}"), "SO-1001");
        assert_eq!(clean("a\u{2066}b\u{2069}c\u{200f}"), "abc");
        assert_eq!(clean("line one\nline two\tend"), "line one line two end");
    }
}
