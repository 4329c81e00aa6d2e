//! Draw cost against history size: the real render function drawing the Orders pane into ratatui's
//! TestBackend with 1,000 and with 100,000 order summaries in the state. Only the visible rows are
//! built, so both should cost the same (the target: 100k ≤ 2 × 1k).
//!
//! `cargo bench --bench render` (criterion; `cargo test --all-targets` runs each case once).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use shopterm::model::*;
use shopterm::tui::app::{Action, State, update};
use shopterm::tui::render::render;
use std::hint::black_box;

#[path = "../tests/support/fixtures.rs"]
mod fixtures;
use fixtures::{History, customer_api_features, orders_loaded};

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;

/// 100,000 orders a little over half an hour apart: SO-1000000 down to SO-900001.
const HISTORY: History = History {
    newest: 1_000_000,
    interval: time::Duration::minutes(37),
    total_step: 17,
};

fn key(state: &mut State, code: KeyCode) {
    update(state, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// A signed-in state on the Orders pane holding `count` orders, loaded page by page as the TUI
/// does, with the selection in the middle of the history.
fn state_with(count: usize) -> State {
    let mut state = State::new(
        "127.0.0.1:8040 · Customer API".into(),
        customer_api_features(),
    );
    state.start();
    update(&mut state, Action::Resize(WIDTH, HEIGHT));
    let page = 1_000;
    for offset in (0..count).step_by(page) {
        let end = (offset + page).min(count);
        let page = Page {
            items: (offset..end).map(|i| HISTORY.summary(i)).collect(),
            offset: offset as u64,
            total: Some(count as u64),
            has_more: end < count,
        };
        update(&mut state, orders_loaded(page));
    }
    assert_eq!(state.orders.items.len(), count);
    key(&mut state, KeyCode::Char('G'));
    for _ in 0..count / 2 {
        key(&mut state, KeyCode::Up);
    }
    state
}

fn draw(c: &mut Criterion) {
    let mut group = c.benchmark_group("orders_pane");
    for count in [1_000, 100_000] {
        let mut state = state_with(count);
        let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test terminal");
        // The same frame again: building the visible rows, rendering, diffing an unchanged screen.
        group.bench_with_input(BenchmarkId::new("draw", count), &count, |b, _| {
            b.iter(|| {
                terminal
                    .draw(|frame| render(frame, black_box(&state)))
                    .expect("draw");
            })
        });
        // What a keystroke costs: update (j / k alternately) and a draw with a changed selection.
        let mut down = true;
        group.bench_with_input(BenchmarkId::new("key_and_draw", count), &count, |b, _| {
            b.iter(|| {
                key(
                    &mut state,
                    if down {
                        KeyCode::Char('j')
                    } else {
                        KeyCode::Char('k')
                    },
                );
                down = !down;
                terminal
                    .draw(|frame| render(frame, black_box(&state)))
                    .expect("draw");
            })
        });
    }
    group.finish();
}

criterion_group!(benches, draw);
criterion_main!(benches);
