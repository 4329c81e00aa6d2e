//! The tabs: the five panes in the order their digit keys name them, and where each tab is drawn
//! (shared by the drawing and the mouse, so a click lands on the tab it is on).

use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Account,
    Addresses,
    Orders,
    Password,
    Reorder,
}

impl Pane {
    pub const ALL: [Pane; 5] = [
        Pane::Account,
        Pane::Addresses,
        Pane::Orders,
        Pane::Password,
        Pane::Reorder,
    ];

    pub const fn title(&self) -> &'static str {
        match self {
            Pane::Account => "Account",
            Pane::Addresses => "Addresses",
            Pane::Orders => "Orders",
            Pane::Password => "Password",
            Pane::Reorder => "Reorder",
        }
    }

    pub fn index(&self) -> usize {
        Pane::ALL.iter().position(|p| p == self).unwrap_or(0)
    }

    /// The pane after this one (Tab), or before it (Shift-Tab), wrapping around.
    pub fn step(&self, forward: bool) -> Pane {
        let count = Pane::ALL.len();
        let step = if forward { 1 } else { count - 1 };
        Pane::ALL[(self.index() + step) % count]
    }
}

/// Whether the tabs collapse to their numbers (the current one keeps its name).
pub fn compact_tabs(width: u16) -> bool {
    let full: usize = Pane::ALL
        .iter()
        .enumerate()
        .map(|(i, pane)| tab_label(i, *pane, false).chars().count() + 1)
        .sum();
    usize::from(width) < full
}

/// The text of one tab, as drawn (one space around it).
pub fn tab_label(index: usize, pane: Pane, number_only: bool) -> String {
    if number_only {
        format!(" {} ", index + 1)
    } else {
        format!(" {} {} ", index + 1, pane.title())
    }
}

/// The tabs' labels at this width, each with whether it is the current one.
/// `current` is `None` while no pane is up (the sign-in, staff mode's customer search): then no
/// tab is lit, and where the tabs are compact every one is a number.
pub fn tab_labels(current: Option<Pane>, width: u16) -> Vec<(String, bool)> {
    let compact = compact_tabs(width);
    Pane::ALL
        .iter()
        .enumerate()
        .map(|(i, pane)| {
            let is_current = Some(*pane) == current;
            (tab_label(i, *pane, compact && !is_current), is_current)
        })
        .collect()
}

/// Where each tab is drawn, for mouse clicks: (first column, width).
pub fn tab_spans(current: Option<Pane>, width: u16) -> Vec<(u16, u16)> {
    let mut x = 0u16;
    tab_labels(current, width)
        .into_iter()
        .map(|(label, _)| {
            let width = label.width() as u16;
            let span = (x, width);
            x += width + 1;
            span
        })
        .collect()
}
