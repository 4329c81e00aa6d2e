//! The terminal UI: `app` (state, actions, pure update), `render` (pure drawing), `runtime` (the
//! event loop), `effects` (network and system work as tasks), `commands` (the one key table), `keys` (the user's `[keys]` over it), plus forms and theme. Shop
//! text is cleaned by `crate::sanitize` before it reaches the state.

pub mod app;
pub mod commands;
pub mod effects;
pub mod form;
pub mod keys;
pub mod layout;
mod mouse;
pub mod order_rows;
pub mod render;
pub mod runtime;
pub mod theme;

pub use app::State;
pub use runtime::run;
pub mod reorder_pane;
pub mod session;
