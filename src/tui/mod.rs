//! The terminal UI: `app` (the pure update), `state` (plain data), `panes` (each pane's state,
//! update and view), `render` (the frame around the panes), `runtime` (the event loop), `effects`
//! (network and system work as tasks), `commands` (the one key table), `keys` (the user's `[keys]` over it), plus the small shared
//! pieces the others import (`messages`, `ctx`, `feedback`, `loadable`, `tabs`, `widgets`). Shop
//! text is cleaned by `crate::sanitize` before it reaches the state.

pub mod app;
pub mod commands;
pub mod ctx;
pub mod effects;
pub mod feedback;
pub mod form;
pub mod keys;
pub mod layout;
pub mod loadable;
pub mod messages;
mod mouse;
pub mod order_rows;
pub mod panes;
pub mod render;
pub mod runtime;
pub mod session;
pub mod staff_mode;
pub mod state;
pub mod table;
pub mod tabs;
#[cfg(test)]
mod test_fixtures;
pub mod theme;
pub mod widgets;

pub use runtime::run;
pub use state::State;
