//! Staff mode's customer search (Shoptet): a member of the shop's staff types the e-mail or
//! phone number of the customer they are helping, Enter searches, and Enter on a match works for
//! that customer. The typed text survives every outcome (nothing found, an error, a slow
//! answer, a cancelled search, a later change of customer). Choosing is the app's (it drops
//! every pane's data); this pane keeps the field, the matches and the e-shop's name.

use crate::platforms::shoptet::{CustomerMatch, CustomerSearch};
use crate::shop::ShopError;
use crate::tui::ctx::ViewCtx;
use crate::tui::feedback::failure_text;
use crate::tui::form::{paste_into, type_into};
use crate::tui::loadable::Loadable;
use crate::tui::messages::Effect;
use crate::tui::widgets::{SPINNER, block, field_window, fit_width};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

/// What a match whose detail could not be read shows instead of its e-mail and phone.
pub const DETAIL_FAILED: &str = "details could not be loaded";

/// Ticks (100 ms each) after which a search in flight is called slow.
pub const SLOW_TICKS: u64 = 30;

#[derive(Debug)]
pub struct StaffPane {
    /// The e-shop the staff token opens (the header names it).
    pub eshop: Loadable<String>,
    pub query: tui_input::Input,
    pub results: Loadable<CustomerSearch>,
    /// The text the results shown (or the search in flight) are for.
    pub searched: Option<String>,
    pub selected: usize,
    /// Keys go to the list of matches rather than the field.
    pub in_list: bool,
    /// Moves on with each search, so a late or cancelled answer is dropped.
    pub generation: u64,
    /// Ticks the search in flight has waited.
    pub waited: u64,
    /// The customer worked for; None while searching.
    pub chosen: Option<CustomerMatch>,
    /// A note under the field (a cancelled search).
    pub note: Option<String>,
}

impl Default for StaffPane {
    fn default() -> Self {
        StaffPane {
            eshop: Loadable::Idle,
            query: tui_input::Input::default(),
            results: Loadable::Idle,
            searched: None,
            selected: 0,
            in_list: false,
            generation: 0,
            waited: 0,
            chosen: None,
            note: None,
        }
    }
}

impl StaffPane {
    pub fn busy(&self) -> bool {
        self.results.is_loading() || self.eshop.is_loading()
    }

    pub fn matches(&self) -> &[CustomerMatch] {
        self.results.ready().map_or(&[], |r| r.matches.as_slice())
    }

    pub fn selected_match(&self) -> Option<&CustomerMatch> {
        self.matches().get(self.selected)
    }

    /// The header's words: "staff · <e-shop> · customer <name>".
    pub fn header(&self) -> String {
        format!("staff · {} · {}", self.eshop_label(), self.customer_label())
    }

    /// The header in `room` columns: the customer matters most, so the e-shop's name is cut
    /// first, then dropped.
    pub fn header_within(&self, room: usize) -> String {
        let full = self.header();
        if full.width() <= room {
            return full;
        }
        let who = self.customer_label();
        let frame = format!("staff ·  · {who}");
        let eshop_room = room.saturating_sub(frame.width());
        if eshop_room >= 2 {
            return format!(
                "staff · {} · {who}",
                // (fit_width pads to the width; the cut name stays next to its separator)
                fit_width(&self.eshop_label(), eshop_room).trim_end()
            );
        }
        let short = format!("staff · {who}");
        let cut = match &self.chosen {
            // Tighter still: the customer's name without the word.
            Some(customer) if short.width() > room => {
                fit_width(&format!("staff · {}", customer.label()), room)
            }
            _ => fit_width(&short, room),
        };
        // Drawn flush right: no padding after it.
        cut.trim_end().to_owned()
    }

    fn eshop_label(&self) -> String {
        match &self.eshop {
            Loadable::Ready(name) => name.clone(),
            Loadable::Failed(_) => "e-shop unknown".to_owned(),
            _ => "…".to_owned(),
        }
    }

    fn customer_label(&self) -> String {
        match &self.chosen {
            Some(customer) => format!("customer {}", customer.label()),
            None => "no customer chosen".to_owned(),
        }
    }

    /// Searches for what the field holds (kept as typed).
    pub fn search(&mut self) -> Vec<Effect> {
        let text = self.query.value().trim().to_owned();
        if text.is_empty() {
            return Vec::new();
        }
        self.generation += 1;
        self.searched = Some(text.clone());
        self.results = Loadable::Loading;
        self.selected = 0;
        self.waited = 0;
        self.in_list = false;
        self.note = None;
        vec![Effect::SearchCustomers {
            generation: self.generation,
            text,
        }]
    }

    pub fn on_tick(&mut self) {
        if self.results.is_loading() {
            self.waited += 1;
        }
    }
}

/// A key the command table let through: the field's editing and Enter, or the list's moves.
pub fn update(pane: &mut StaffPane, key: KeyEvent) -> Vec<Effect> {
    if pane.in_list {
        let last = pane.matches().len().saturating_sub(1);
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => pane.selected = (pane.selected + 1).min(last),
            KeyCode::Up | KeyCode::Char('k') => pane.selected = pane.selected.saturating_sub(1),
            KeyCode::Char('/') | KeyCode::Char('e') | KeyCode::Esc => pane.in_list = false,
            KeyCode::Char('R') => return pane.search(),
            _ => {}
        }
        return Vec::new();
    }
    match key.code {
        KeyCode::Enter => return pane.search(),
        KeyCode::Down | KeyCode::Tab | KeyCode::Esc if !pane.matches().is_empty() => {
            pane.in_list = true;
        }
        KeyCode::Esc if pane.results.is_loading() => {
            // The answer, when it comes, is for a search nobody waits for any more.
            pane.generation += 1;
            pane.results = Loadable::Idle;
            pane.note = Some("Search cancelled; your text is kept.".to_owned());
        }
        _ => type_into(&mut pane.query, key),
    }
    Vec::new()
}

pub fn on_paste(pane: &mut StaffPane, text: &str) {
    if !pane.in_list {
        paste_into(&mut pane.query, text);
    }
}

/// The search's answer; one for an older (or cancelled) search is dropped.
pub fn found(pane: &mut StaffPane, generation: u64, result: Result<CustomerSearch, ShopError>) {
    if generation != pane.generation {
        return;
    }
    pane.selected = 0;
    match result {
        Ok(search) => {
            pane.in_list = !search.matches.is_empty();
            pane.results = Loadable::Ready(search);
        }
        Err(error) => {
            pane.in_list = false;
            pane.results = Loadable::Failed(failure_text(&error));
        }
    }
}

pub fn eshop_loaded(pane: &mut StaffPane, result: Result<String, ShopError>) {
    pane.eshop = match result {
        Ok(name) => Loadable::Ready(crate::sanitize::clean(&name)),
        Err(error) => Loadable::Failed(failure_text(&error)),
    };
}

/// Pads (or cuts) to a display width: names in CJK scripts take two columns a character. The
/// last column is a space, so a cut text does not run into the next column.
fn column(text: &str, width: usize) -> String {
    let cut = fit_width(text, width.saturating_sub(1));
    let pad = width.saturating_sub(cut.width());
    format!("{cut}{}", " ".repeat(pad))
}

pub fn view(frame: &mut Frame, area: Rect, pane: &StaffPane, look: &ViewCtx) {
    let theme = look.theme;
    let inner_width = usize::from(area.width.saturating_sub(2));
    let mut lines = vec![Line::styled(
        "Find the customer you are helping by their e-mail or phone number.",
        theme.dim(),
    )];
    if let Loadable::Failed(error) = &pane.eshop {
        lines.push(Line::styled(
            format!("Cannot read the e-shop: {error}"),
            theme.error(),
        ));
    }
    lines.push(Line::raw(""));
    let label = "E-mail or phone: ";
    let room = inner_width.saturating_sub(label.len() + 1).max(1);
    let (shown, _) = field_window(pane.query.value(), pane.query.visual_cursor(), room);
    let mut field = vec![Span::styled(label, theme.key()), Span::raw(shown)];
    if !pane.in_list {
        field.push(Span::styled("▏", theme.key()));
    }
    lines.push(Line::from(field));
    lines.push(Line::raw(""));
    let searched = pane.searched.as_deref().unwrap_or_default();
    match &pane.results {
        Loadable::Idle => lines.push(Line::styled(
            pane.note.clone().unwrap_or_else(|| {
                "Type an e-mail (name@example.cz) or a phone number (+420 …), then Enter."
                    .to_owned()
            }),
            theme.dim(),
        )),
        Loadable::Loading => {
            let spinner = SPINNER[(look.tick % SPINNER.len() as u64) as usize];
            lines.push(Line::styled(
                format!("{spinner} Searching for “{searched}”…"),
                theme.warn(),
            ));
            if pane.waited >= SLOW_TICKS {
                lines.push(Line::styled(
                    format!(
                        "Still waiting for the shop after {} s (Shoptet paces its API). Esc cancels; your text stays.",
                        pane.waited / 10
                    ),
                    theme.dim(),
                ));
            }
        }
        Loadable::Failed(error) => {
            lines.push(Line::styled(
                format!("The search failed: {error}"),
                theme.error(),
            ));
            lines.push(Line::styled(
                "Change the text or press Enter to try again.",
                theme.dim(),
            ));
        }
        Loadable::Ready(search) if search.matches.is_empty() => {
            let (what, guests) = if searched.contains('@') {
                ("e-mail", " No guest orders have it either.")
            } else {
                ("phone number", "")
            };
            lines.push(Line::styled(
                format!("No customer account has the {what} “{searched}”."),
                theme.warn(),
            ));
            lines.push(Line::styled(
                format!("Check the spelling, or search by the other one.{guests}"),
                theme.dim(),
            ));
        }
        Loadable::Ready(search) => {
            lines.extend(match_lines(pane, search, searched, inner_width, theme))
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(" Customer search ", theme)),
        area,
    );
}

/// The matches found: how many, a header, and one line per customer (the selected one marked).
fn match_lines(
    pane: &StaffPane,
    search: &CustomerSearch,
    searched: &str,
    inner_width: usize,
    theme: &crate::tui::theme::Theme,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let accounts_shown = search.matches.iter().filter(|m| !m.is_guest()).count();
    let count = if search.total == 0 {
        format!("No customer account for “{searched}”, but guest orders (read-only)")
    } else if search.total > accounts_shown {
        format!(
            "{} customers for “{searched}”; the first {} are shown",
            search.total, accounts_shown
        )
    } else if search.total == 1 {
        format!("1 customer for “{searched}”")
    } else {
        format!("{} customers for “{searched}”", search.total)
    };
    lines.push(Line::styled(count, theme.title()));
    let name_w = (inner_width * 3 / 10).max(8);
    let email_w = (inner_width * 4 / 10).max(8);
    let phone_w = inner_width.saturating_sub(name_w + email_w + 4).max(4);
    lines.push(Line::styled(
        format!(
            "  {}{}{}",
            column("Name", name_w),
            column("E-mail", email_w),
            column("Phone", phone_w)
        ),
        theme.dim(),
    ));
    for (index, found) in search.matches.iter().enumerate() {
        let chosen = index == pane.selected;
        let marker = if chosen { "▶ " } else { "  " };
        let name = match &found.company {
            Some(company) if !found.name.is_empty() => {
                format!("{} ({company})", found.name)
            }
            _ if found.is_guest() => found.name.clone(),
            _ => found.label(),
        };
        let contact = match &found.detail_error {
            // Marked, not hidden: the others are fine, and choosing this one tries again.
            Some(_) => column(DETAIL_FAILED, email_w + phone_w),
            None => format!(
                "{}{}",
                column(found.email.as_deref().unwrap_or("—"), email_w),
                column(found.phone.as_deref().unwrap_or("—"), phone_w)
            ),
        };
        let text = format!("{marker}{}{contact}", column(&name, name_w));
        let style = if chosen && pane.in_list {
            theme.selected()
        } else if chosen {
            theme.text().add_modifier(Modifier::BOLD)
        } else {
            theme.text()
        };
        lines.push(Line::styled(text, style));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, ratatui::crossterm::event::KeyModifiers::NONE)
    }

    fn typed(text: &str) -> StaffPane {
        let mut pane = StaffPane::default();
        for c in text.chars() {
            update(&mut pane, key(KeyCode::Char(c)));
        }
        pane
    }

    fn jana() -> CustomerMatch {
        CustomerMatch {
            guid: "g-1".into(),
            name: "Jana Nováková".into(),
            email: Some("jana@example.cz".into()),
            phone: None,
            company: None,
            detail_error: None,
        }
    }

    #[test]
    fn enter_searches_and_the_text_survives_every_answer() {
        let mut pane = typed("jana@example.cz");
        let effects = update(&mut pane, key(KeyCode::Enter));
        assert!(matches!(
            effects.as_slice(),
            [Effect::SearchCustomers { generation: 1, text }] if text == "jana@example.cz"
        ));
        found(
            &mut pane,
            1,
            Err(ShopError::Network("connection refused".into())),
        );
        assert!(matches!(&pane.results, Loadable::Failed(e) if e.contains("connection refused")));
        assert_eq!(pane.query.value(), "jana@example.cz");
        assert!(!pane.in_list, "an error leaves the keys in the field");
        update(&mut pane, key(KeyCode::Enter));
        found(
            &mut pane,
            2,
            Ok(CustomerSearch {
                matches: Vec::new(),
                total: 0,
            }),
        );
        assert!(pane.matches().is_empty() && !pane.in_list);
        assert_eq!(pane.query.value(), "jana@example.cz");
    }

    #[test]
    fn a_shop_asking_to_wait_an_hour_says_so_and_keeps_the_text() {
        let mut pane = typed("+420 777 123 456");
        update(&mut pane, key(KeyCode::Enter));
        found(
            &mut pane,
            1,
            Err(ShopError::RateLimited {
                retry_after: Some(std::time::Duration::from_secs(3600)),
            }),
        );
        assert!(
            matches!(&pane.results, Loadable::Failed(e) if e.contains("try again in 3600 s (60 min)")),
            "{:?}",
            pane.results
        );
        assert_eq!(pane.query.value(), "+420 777 123 456");
        assert!(!pane.in_list, "the keys still go to the field");
    }

    #[test]
    fn a_late_or_cancelled_answer_is_dropped() {
        let mut pane = typed("+420 777");
        update(&mut pane, key(KeyCode::Enter));
        update(&mut pane, key(KeyCode::Esc));
        assert_eq!(pane.results, Loadable::Idle);
        assert!(pane.note.is_some());
        let answer = CustomerSearch {
            matches: vec![jana()],
            total: 1,
        };
        found(&mut pane, 1, Ok(answer.clone()));
        assert_eq!(
            pane.results,
            Loadable::Idle,
            "the cancelled search's answer"
        );
        update(&mut pane, key(KeyCode::Enter));
        let generation = pane.generation;
        found(&mut pane, generation, Ok(answer));
        assert_eq!(pane.selected_match(), Some(&jana()));
        assert!(pane.in_list, "matches take the keys");
        update(&mut pane, key(KeyCode::Char('/')));
        assert!(!pane.in_list);
        assert_eq!(pane.query.value(), "+420 777");
    }

    #[test]
    fn slow_searches_count_their_wait() {
        let mut pane = typed("x@y.z");
        update(&mut pane, key(KeyCode::Enter));
        for _ in 0..SLOW_TICKS {
            pane.on_tick();
        }
        assert_eq!(pane.waited, SLOW_TICKS);
    }

    #[test]
    fn the_header_names_the_eshop_and_the_customer() {
        let mut pane = StaffPane::default();
        eshop_loaded(&mut pane, Ok("Obchod\u{1b}[2J".into()));
        assert_eq!(pane.header(), "staff · Obchod · no customer chosen");
        pane.chosen = Some(jana());
        assert_eq!(pane.header(), "staff · Obchod · customer Jana Nováková");
    }

    #[test]
    fn a_narrow_header_keeps_the_customer() {
        let mut pane = StaffPane::default();
        eshop_loaded(&mut pane, Ok("shopterm demo shop".into()));
        pane.chosen = Some(jana());
        let full = pane.header();
        assert_eq!(pane.header_within(80), full);
        let cut = pane.header_within(36);
        assert!(cut.width() <= 36, "{cut}");
        assert!(cut.ends_with("· customer Jana Nováková"), "{cut}");
        assert!(cut.starts_with("staff · sh") && cut.contains('…'), "{cut}");
        let tight = pane.header_within(32);
        assert_eq!(tight, "staff · customer Jana Nováková");
        let tighter = pane.header_within(22);
        assert_eq!(tighter, "staff · Jana Nováková");
    }

    #[test]
    fn a_match_without_its_detail_is_marked_among_the_others() {
        let mut pane = typed("+420 777");
        update(&mut pane, key(KeyCode::Enter));
        let unread = CustomerMatch {
            guid: "g-2".into(),
            name: "Petr Novák".into(),
            email: None,
            phone: None,
            company: None,
            detail_error: Some("HTTP 500".into()),
        };
        let search = CustomerSearch {
            matches: vec![jana(), unread],
            total: 2,
        };
        let lines = match_lines(&pane, &search, "+420 777", 78, &Default::default());
        let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let row = |name: &str| text.iter().find(|l| l.contains(name)).cloned();
        assert!(
            row("Petr Novák").is_some_and(|l| l.contains(DETAIL_FAILED)),
            "{text:?}"
        );
        assert!(
            row("Jana Nováková")
                .is_some_and(|l| l.contains("jana@example.cz") && !l.contains(DETAIL_FAILED)),
            "{text:?}"
        );
    }
}
