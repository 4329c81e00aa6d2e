//! The panes, each a component: its own state, an `update` for the keys the command table lets
//! through and for the shop's answers meant for it, and a `view`. A pane sees the rest of the TUI
//! only through `Ctx` (capabilities, toasts, who is signed in) and never imports `app`.

pub mod account;
pub mod addresses;
pub mod orders;
pub mod password;
pub mod reorder;
pub mod reorder_view;
pub mod signin;
pub mod staff;
