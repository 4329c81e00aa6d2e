//! Drawing: a pure function of the state. The frame's tabs, status bar, toasts and `?` help are
//! drawn here; each pane draws itself (`panes::*::view`). Only the visible rows of the order table
//! are built, so a frame costs the same with 100 or 100,000 orders.

use super::commands;
use super::ctx::ViewCtx;
use super::feedback::ToastKind;
use super::layout;
use super::loadable::Loadable;
use super::panes::{account, addresses, orders, password, reorder_view, signin};
use super::state::State;
use super::tabs::{Pane, tab_labels};
use super::widgets::{SPINNER, block, fit_width};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub fn render(frame: &mut Frame, state: &State) {
    let layout::Screen { tabs, body, status } = layout::screen(frame.area());
    render_tabs(frame, tabs, state);
    let look = ViewCtx {
        ctx: &state.ctx,
        theme: &state.theme,
        tick: state.tick,
        shop_label: &state.shop_label,
        keys: &state.keys,
    };
    match (&state.signin, state.pane) {
        (Some(view), _) => signin::view(frame, body, view, &look),
        (None, _) if state.searching_customers() => {
            if let Some(staff) = &state.staff {
                super::panes::staff::view(frame, body, staff, &look);
            }
        }
        (None, Pane::Account) => account::view(frame, body, &state.account_pane, &look),
        (None, Pane::Addresses) => addresses::view(frame, body, &state.addresses, &look),
        (None, Pane::Orders) => orders::view(frame, body, &state.orders, &look),
        (None, Pane::Password) => password::view(frame, body, &state.password, &look),
        (None, Pane::Reorder) => reorder_view::view(frame, body, &state.reorder, &look),
    }
    render_status(frame, status, state);
    render_toasts(frame, body, state);
    if state.help {
        render_help(frame, body, state);
    }
}

fn render_tabs(frame: &mut Frame, area: Rect, state: &State) {
    use unicode_width::UnicodeWidthStr;
    let theme = &state.theme;
    let mut spans = Vec::new();
    let mut used = 0;
    for (label, current) in tab_labels(state.shown_pane(), state.tabs_width(area.width)) {
        let style = if current {
            theme.active_tab()
        } else {
            theme.text()
        };
        used += label.width() + 1;
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    // The shop's name takes what the tabs leave, cut with an ellipsis.
    let room = usize::from(area.width).saturating_sub(used + 1);
    if room >= 4 {
        // Staff mode: whose shop and which customer, always (the tabs go compact for it).
        let header = state.staff.as_ref().map(|s| s.header_within(room));
        let shop = header.as_deref().unwrap_or(state.shop_label.as_str());
        let text = if shop.width() <= room {
            shop.to_owned()
        } else {
            fit_shop_label(shop, room)
        };
        let label = Paragraph::new(Span::styled(text, theme.dim())).alignment(Alignment::Right);
        frame.render_widget(label, area);
    }
}

/// "host:port · Platform" cut to `room`: the host gives way first, so the platform's name stays
/// (at 80 columns it was "127.0.0.1:36407…").
fn fit_shop_label(label: &str, room: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    match label.rsplit_once(" · ") {
        Some((host, platform)) if platform.width() <= room => {
            let host_room = room - platform.width();
            // A host cut to a character or two says nothing: the platform alone then.
            if host_room >= " · ".width() + 6 {
                let host_room = host_room - " · ".width();
                format!("{} · {platform}", fit_width(host, host_room).trim_end())
            } else {
                platform.to_owned()
            }
        }
        _ => fit_width(label, room),
    }
}

fn render_status(frame: &mut Frame, area: Rect, state: &State) {
    use unicode_width::UnicodeWidthStr;
    let theme = &state.theme;
    let width = usize::from(area.width);
    // "? help" pinned at the right, with the user's key for it.
    let help_key = commands::bindings(commands::Context::Global)
        .find(|b| b.command == commands::Command::Help && state.keys.bound(b))
        .map(|b| state.keys.label(b));
    let help = commands::help_offered(state) && help_key.is_some();
    let help_key = help_key.unwrap_or_default();
    let right = if help {
        format!(" {help_key} help")
    } else {
        String::new()
    };
    let mut spans = Vec::new();
    let mut used = 0;
    if state.busy() {
        spans.push(Span::styled(
            SPINNER[(state.tick % SPINNER.len() as u64) as usize],
            theme.warn(),
        ));
        spans.push(Span::raw(" "));
        used += 2;
    }
    let (who, style) = match &state.ctx.account {
        // The name and e-mail where they fit in a third of the bar, else the name alone: a
        // half-cut address says less than the name and takes the keys' room.
        Loadable::Ready(account) => {
            let full = format!("{} <{}>", account.display_name(), account.email);
            let who = if full.width() <= width / 3 {
                full
            } else {
                account.display_name()
            };
            (who, theme.title())
        }
        Loadable::Failed(error) => (error.clone(), theme.error()),
        _ if state.signin.is_some() => ("not signed in".to_owned(), theme.dim()),
        // The header says "no customer chosen" too: where the bar is narrow, the keys come first.
        _ if state.searching_customers() => {
            let full = "staff: choose a customer";
            let who = if full.width() <= width / 3 {
                full
            } else {
                "staff"
            };
            (who.to_owned(), theme.dim())
        }
        _ => ("loading account…".to_owned(), theme.dim()),
    };
    // The account gets at most a third of the bar; the keys are what a user looks for.
    let who_width = who.width().min(width / 3).max(1);
    spans.push(Span::styled(fit_width(&who, who_width), style));
    used += who_width;
    let separator = " │ ";
    let mut budget = width.saturating_sub(used + separator.width() + right.width());
    let cost = |label: &str, binding: &commands::Binding| {
        label.width() + 1 + binding.description.width() + 2
    };
    // Room goes first to the screen's main key, then to the way out a new user looks for on every
    // screen (quit, or the Esc that leaves a form), then to the rest in the table's order; the
    // keys keep their order on screen.
    let offered: Vec<_> = commands::hints(state)
        .into_iter()
        .map(|binding| (state.keys.label(binding), binding))
        .collect();
    let way_out = offered
        .iter()
        .position(|(_, b)| b.command == commands::Command::Quit)
        .or_else(|| offered.iter().position(|(_, b)| leaves(b.command)));
    // Then the screen's own way back (the Esc of a sub-screen), where quit took the first room.
    let way_back = offered
        .iter()
        .position(|(_, b)| b.command != commands::Command::Quit && leaves(b.command))
        .filter(|i| Some(*i) != way_out);
    // Staff mode's way back to the customer search comes right after.
    let switch = offered
        .iter()
        .position(|(_, b)| b.command == commands::Command::SwitchCustomer);
    let mut placed = vec![false; offered.len()];
    let first = (!offered.is_empty()).then_some(0);
    for i in first
        .into_iter()
        .chain(way_out)
        .chain(way_back)
        .chain(switch)
        .chain(0..offered.len())
    {
        let (label, binding) = &offered[i];
        if !placed[i] && cost(label, binding) <= budget {
            budget -= cost(label, binding);
            placed[i] = true;
        }
    }
    let hints: Vec<_> = offered
        .into_iter()
        .zip(placed)
        .filter_map(|(hint, placed)| placed.then_some(hint))
        .collect();
    if !hints.is_empty() {
        spans.push(Span::styled(separator, theme.dim()));
        for (label, binding) in hints {
            spans.push(Span::styled(label, theme.key()));
            spans.push(Span::raw(format!(" {}  ", binding.description)));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if help && area.width as usize > right.width() {
        let pinned = Rect {
            x: area.right() - right.width() as u16,
            width: right.width() as u16,
            ..area
        };
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::raw(" "),
                Span::styled(help_key, theme.key()),
                Span::raw(" help"),
            ])),
            pinned,
        );
    }
}

/// Whether a command leaves the screen or field it is offered on (Esc and its kin).
fn leaves(command: commands::Command) -> bool {
    use commands::Command as C;
    matches!(
        command,
        C::Quit | C::CancelField | C::CancelSignIn | C::Back | C::Decline | C::CloseHelp
    )
}

/// Toasts in the bottom-right corner, newest lowest; long ones wrap instead of being cut, so a
/// failure's hint and address stay readable.
fn render_toasts(frame: &mut Frame, body: Rect, state: &State) {
    use unicode_width::UnicodeWidthStr;
    let mut bottom = body.bottom();
    for toast in state.ctx.toasts.iter().rev() {
        let text_width = toast.text.width() as u16;
        let width = (text_width + 2).min(body.width.min(72.max(body.width / 2)));
        let inner = width.saturating_sub(2).max(1);
        // Word wrapping can need a line more than the characters alone.
        let lines = text_width.div_ceil(inner);
        let height = (lines + u16::from(lines > 1) + 2).min(body.height);
        if bottom < body.y + height {
            break;
        }
        let area = Rect {
            x: body.right().saturating_sub(width),
            y: bottom - height,
            width,
            height,
        };
        bottom -= height;
        let style = match toast.kind {
            ToastKind::Info => state.theme.ok(),
            ToastKind::Error => state.theme.error(),
        };
        frame.render_widget(Clear, area);
        frame.render_widget(
            Paragraph::new(toast.text.as_str())
                .style(style)
                .wrap(Wrap { trim: false })
                .block(Block::default().borders(Borders::ALL)),
            area,
        );
    }
}

/// The `?` overlay: the keys of the screen underneath (those that cannot work now, with why),
/// then the global ones. It scrolls when the terminal is too short for it.
fn render_help(frame: &mut Frame, body: Rect, state: &State) {
    let theme = &state.theme;
    let key_line = |keys: &str, action: &str| {
        Line::from(vec![
            Span::styled(format!("{keys:>12}  "), theme.key()),
            Span::raw(action.to_owned()),
        ])
    };
    let title = match &state.signin {
        Some(_) => "Sign-in keys".to_owned(),
        None => format!("{} keys", state.pane.title()),
    };
    let mut lines = vec![Line::styled(title, theme.title())];
    // Inside the overlay's borders.
    let inner = usize::from(64.min(body.width).saturating_sub(2));
    for (keys, action, why) in commands::help_lines(state) {
        let Some(why) = why else {
            lines.push(key_line(&keys, action));
            continue;
        };
        let whole = format!("{keys:>12}  {action} — {why}");
        if unicode_width::UnicodeWidthStr::width(whole.as_str()) <= inner {
            lines.push(Line::styled(whole, theme.dim()));
        } else {
            // Too long for one line: the reason goes below, under the description.
            for text in [format!("{keys:>12}  {action}"), format!("{:14}— {why}", "")] {
                let text = fit_width(&text, inner).trim_end().to_owned();
                lines.push(Line::styled(text, theme.dim()));
            }
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Everywhere outside a text field",
        theme.title(),
    ));
    // `C` (another customer) is staff mode's alone; the table hides it elsewhere.
    let globals = commands::bindings(commands::Context::Global).filter(|b| {
        state.keys.bound(b) && commands::available(state, b) != commands::Availability::Hidden
    });
    for binding in globals {
        lines.push(key_line(&state.keys.label(binding), binding.description));
    }
    lines.push(key_line("Ctrl-C", "quit from anywhere"));
    lines.push(Line::raw(""));
    let scroll_keys: Vec<_> = commands::bindings(commands::Context::Help)
        .filter(|b| b.command == commands::Command::ScrollHelp && state.keys.bound(b))
        .map(|b| state.keys.label(b))
        .collect();
    lines.push(Line::styled(
        format!(
            "{} scroll · any other key closes this help.",
            scroll_keys.join(" ")
        ),
        theme.dim(),
    ));
    let total = lines.len() as u16;
    let height = (total + 2).min(body.height);
    let width = 64.min(body.width);
    let area = Rect {
        x: body.x + (body.width - width) / 2,
        y: body.y + (body.height - height) / 2,
        width,
        height,
    };
    let scroll = state
        .help_scroll
        .min(total.saturating_sub(height.saturating_sub(2)));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .block(block(" Help ", &state.theme)),
        area,
    );
}
