//! Drawing pieces every pane uses: bordered blocks, the "loading / could not load" placeholder,
//! forms with their cursor and errors, and text cut to a display width (wide characters count
//! twice, so CJK names do not break the columns).

use super::ctx::ViewCtx;
use super::form::{FieldValue, Form};
use super::loadable::Loadable;
use super::table::{Command, Context};
use super::theme::Theme;
use crate::model::*;
use crate::shop::Feature;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use std::borrow::Cow;

pub const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

pub fn block<'a>(title: impl Into<Line<'a>>, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .title(title.into().style(theme.title()))
}

pub fn unavailable(frame: &mut Frame, area: Rect, look: &ViewCtx, feature: Feature) {
    let theme = look.theme;
    let mut text = format!(
        "{} is not available on this shop.",
        capitalise(feature.describe())
    );
    if let Some(reason) = look.ctx.lacking_reason(feature) {
        text.push_str(&format!("\n\n{}.", capitalise(reason)));
    }
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .style(theme.dim())
            .block(block("", theme)),
        area,
    );
}

pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// "Loading…", or the failure with what to press: `retry` is the hint, naming the user's key
/// ("Press R to try again.").
pub fn loading_or_error<T>(
    loadable: &Loadable<T>,
    theme: &Theme,
    retry: &str,
) -> Option<Paragraph<'static>> {
    match loadable {
        Loadable::Idle | Loadable::Loading => Some(Paragraph::new("Loading…").style(theme.dim())),
        Loadable::Failed(error) => Some(
            Paragraph::new(vec![
                Line::styled(format!("Could not load: {error}"), theme.error()),
                Line::styled(retry.to_owned(), theme.dim()),
            ])
            .wrap(Wrap { trim: false }),
        ),
        Loadable::Ready(_) => None,
    }
}

pub fn field_line<'a>(label: &'a str, value: &'a str, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:>12}  "), theme.dim()),
        Span::raw(value),
    ])
}

/// A form with its line of keys below: those of `context`'s `commands`, worded as in the
/// command table (so the form says what the status bar says) and with the user's keys.
pub fn render_form(
    frame: &mut Frame,
    area: Rect,
    form: &Form,
    look: &ViewCtx,
    context: Context,
    commands: &[Command],
) {
    let keys = look.keys.key_line(context, commands);
    render_form_with_keys(frame, area, form, look.theme, &keys);
}

/// The hint under a failed load in `context`: its reload key as the user has it.
pub fn retry_hint(look: &ViewCtx, context: Context) -> String {
    format!(
        "Press {} to try again.",
        look.keys.label_of(context, Command::Reload)
    )
}

/// The keys most forms show: send, next field, leave.
pub const FORM_COMMANDS: &[Command] = &[
    Command::SubmitField,
    Command::NextField,
    Command::CancelField,
];

/// How many rows `render_form` draws at this width, borders included (an error too long for
/// its field's line takes the lines below it).
pub fn form_rows(
    form: &Form,
    look: &ViewCtx,
    context: Context,
    commands: &[Command],
    width: u16,
) -> u16 {
    let keys = look.keys.key_line(context, commands);
    let inner = Rect::new(0, 0, width.saturating_sub(2), u16::MAX / 2);
    let (lines, _) = form_lines(form, look.theme, &keys, inner);
    // A row stays free for the message a send brings, so the form does not grow under the cursor.
    let message_room = usize::from(form.message.is_none());
    u16::try_from(lines.len() + message_room).unwrap_or(u16::MAX / 2) + 2
}

fn render_form_with_keys(
    frame: &mut Frame,
    area: Rect,
    form: &Form,
    theme: &Theme,
    keys: &[(Cow<'static, str>, &'static str)],
) {
    let outer = block(format!(" {} ", form.title), theme);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let (lines, cursor) = form_lines(form, theme, keys, inner);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    if let Some((x, y)) = cursor.filter(|(x, y)| *x < inner.right() && *y < inner.bottom()) {
        frame.set_cursor_position((x, y));
    }
}

/// The form's lines inside its borders at `inner`, and where the cursor goes.
fn form_lines(
    form: &Form,
    theme: &Theme,
    keys: &[(Cow<'static, str>, &'static str)],
    inner: Rect,
) -> (Vec<Line<'static>>, Option<(u16, u16)>) {
    let mut lines = Vec::new();
    let mut cursor = None;
    // Labels get at most a third of a narrow form; each field stays on its one line, so the rows
    // below it and the cursor stay in place (a long value scrolls inside the line instead).
    let label_width = form
        .fields
        .iter()
        .map(|f| unicode_width::UnicodeWidthStr::width(f.label))
        .max()
        .unwrap_or(0)
        .min(20)
        .min(usize::from(inner.width) / 3);
    let value_width = usize::from(inner.width)
        .saturating_sub(label_width + 2)
        .max(1);
    for (index, field) in form.fields.iter().enumerate() {
        let focused = index == form.focus;
        let label_style = if focused { theme.title() } else { theme.dim() };
        let (value, cursor_col) = if field.is_secret() {
            ("•".repeat(field.secret_len()), field.secret_len())
        } else {
            let value = field.text_value();
            let col = match &field.value {
                FieldValue::Text(input) => unicode_width::UnicodeWidthStr::width(
                    &value[..value
                        .char_indices()
                        .nth(input.cursor())
                        .map_or(value.len(), |(i, _)| i)],
                ),
                _ => 0,
            };
            (value.to_owned(), col)
        };
        let (shown, cursor_col) = field_window(&value, cursor_col, value_width);
        let value_style = if focused {
            Style::new().add_modifier(Modifier::UNDERLINED)
        } else {
            theme.text()
        };
        let label = fit_width(field.label, label_width);
        let mut spans = vec![
            Span::styled(format!("{:>label_width$}  ", label.trim_end()), label_style),
            Span::styled(shown.clone(), value_style),
        ];
        let room =
            value_width.saturating_sub(unicode_width::UnicodeWidthStr::width(shown.as_str()));
        let error_below = field.error.as_ref().filter(|error| {
            let inline = format!("  ✗ {error}");
            unicode_width::UnicodeWidthStr::width(inline.as_str()) > room
        });
        if let Some(error) = field.error.as_ref().filter(|_| error_below.is_none()) {
            spans.push(Span::styled(format!("  ✗ {error}"), theme.error()));
        }
        if focused {
            cursor = Some((
                inner.x + (label_width + 2 + cursor_col) as u16,
                inner.y + lines.len() as u16,
            ));
        }
        lines.push(Line::from(spans));
        // Below the value, wrapped in its column: the whole of it stays readable.
        if let Some(error) = error_below {
            for text in wrap_width(&format!("✗ {error}"), value_width) {
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(label_width + 2)),
                    Span::styled(text, theme.error()),
                ]));
            }
        }
    }
    lines.push(Line::raw(""));
    if let Some(message) = &form.message {
        let style = if form.submitting {
            theme.warn()
        } else if form.fields.iter().any(|f| f.error.is_some()) {
            theme.error()
        } else {
            theme.text()
        };
        lines.push(Line::styled(message.clone(), style));
    }
    lines.push(Line::from(
        keys.iter()
            .flat_map(|(key, what)| {
                [
                    Span::styled(key.clone(), theme.key()),
                    Span::raw(format!(" {what}   ")),
                ]
            })
            .collect::<Vec<_>>(),
    ));
    (lines, cursor)
}

/// `text` in lines of at most `width` display columns, broken between words (a word longer
/// than a line is broken inside it).
pub fn wrap_width(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let needed = if line.is_empty() {
            word.width()
        } else {
            line.width() + 1 + word.width()
        };
        if needed > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        for c in word.chars() {
            if line.width() + unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) > width {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

pub fn postal_lines(address: &PostalAddress) -> Vec<String> {
    let mut lines = vec![format!("{} {}", address.first_name, address.last_name)];
    lines.extend(address.company.clone());
    lines.push(address.line1.clone());
    lines.extend(address.line2.clone());
    let city = match &address.region {
        Some(region) => format!("{} {}, {}", address.postcode, address.city, region),
        None => format!("{} {}", address.postcode, address.city),
    };
    lines.push(city);
    let country = country_name(&address.country).unwrap_or("unknown country");
    lines.push(format!("{} ({})", country, address.country));
    lines.extend(address.phone.as_ref().map(|p| format!("☎ {p}")));
    lines
}

pub fn status_style(status: OrderStatus, theme: &Theme) -> Style {
    match status {
        OrderStatus::Delivered | OrderStatus::Shipped => theme.ok(),
        OrderStatus::Cancelled | OrderStatus::Refunded => theme.dim(),
        OrderStatus::PartiallyShipped | OrderStatus::Processing | OrderStatus::Pending => {
            theme.warn()
        }
        OrderStatus::Other => theme.text(),
    }
}

pub fn date(at: &time::OffsetDateTime) -> String {
    day(at.date())
}

pub fn day(date: time::Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    date.format(format).unwrap_or_default()
}

/// `text` cut or padded to exactly `width` terminal columns (wide characters count twice).
/// The part of a field's value that fits `width` columns with the cursor (at display column
/// `cursor`) inside it: the start, or the end with `…` before it when the cursor is beyond the
/// width. Returns the text and the cursor's column within it.
pub fn field_window(value: &str, cursor: usize, width: usize) -> (String, usize) {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if value.width() < width || (value.width() == width && cursor < width) {
        return (value.to_owned(), cursor);
    }
    if width <= 1 {
        // A terminal squeezed to a column or none (found by tests/fuzz.rs): no room for text
        // beside the `…`.
        return ("…".chars().take(width).collect(), 0);
    }
    if cursor < width {
        return (fit_width(value, width).trim_end().to_owned(), cursor);
    }
    // Drop characters from the front until the cursor fits after a leading `…`.
    let mut skipped = 0;
    let mut rest = value;
    for (i, c) in value.char_indices() {
        if cursor.saturating_sub(skipped) < width - 1 {
            rest = &value[i..];
            break;
        }
        skipped += c.width().unwrap_or(0);
        rest = &value[i + c.len_utf8()..];
    }
    let shown = fit_width(rest, width.saturating_sub(1));
    (
        format!("…{}", shown.trim_end()),
        cursor.saturating_sub(skipped) + 1,
    )
}

pub fn fit_width(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::new();
    let mut used = 0;
    let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    let limit = if total > width {
        width.saturating_sub(1)
    } else {
        width
    };
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > limit {
            break;
        }
        out.push(c);
        used += w;
    }
    if total > width && width > 0 {
        // "Stora Varvsgatan…", not "Stora Varvsgatan …": the cut reads as part of the word.
        while out.ends_with(' ') {
            out.pop();
            used -= 1;
        }
        out.push('…');
        used += 1;
    }
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

#[cfg(test)]
mod tests {
    use super::{field_window, fit_width};
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn field_window_keeps_the_cursor_inside() {
        assert_eq!(field_window("short", 5, 10), ("short".to_owned(), 5));
        let (shown, col) = field_window("abcdefghijklmnop", 16, 8);
        assert_eq!(shown, "…klmnop");
        assert_eq!(
            col, 7,
            "just after the last character, inside the 8 columns"
        );
        let (shown, col) = field_window("abcdefghijklmnop", 2, 8);
        assert_eq!(shown, "abcdefg…");
        assert_eq!(col, 2);
    }

    /// Found by tests/fuzz.rs: a field of one column or none, with the cursor inside the text,
    /// overflowed `cursor - skipped` (a panic in debug builds) when the terminal was 1×1.
    #[test]
    fn field_window_fits_no_room_at_all() {
        assert_eq!(field_window("\u{14647}0", 1, 0), (String::new(), 0));
        assert_eq!(field_window("\u{14647}0", 1, 1), ("…".to_owned(), 0));
        assert_eq!(field_window("ab", 2, 1), ("…".to_owned(), 0));
        for width in 2..6 {
            for cursor in 0..8 {
                let (shown, col) = field_window("機a械b式c", cursor, width);
                assert!(shown.width() <= width, "{shown:?} in {width}");
                assert!(col <= width, "cursor {col} beyond {width}");
            }
        }
    }

    #[test]
    fn fit_width_cuts_and_pads_by_display_columns() {
        assert_eq!(fit_width("Mouse", 8), "Mouse   ");
        assert_eq!(fit_width("Mechanical keyboard", 10), "Mechanica…");
        let japanese = fit_width("機械式キーボード", 9);
        assert_eq!(japanese.width(), 9, "{japanese:?}");
        assert!(japanese.ends_with('…') || japanese.ends_with(' '));
        assert_eq!(fit_width("anything", 0), "");
        assert_eq!(fit_width("Stora Varvsgatan 11", 18), "Stora Varvsgatan… ");
    }
}
