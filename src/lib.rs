//! shopterm: a terminal customer portal for online shops.
//!
//! The library holds everything; `main.rs` is only the command line. See the README's architecture
//! section for how the modules fit together.

// No unwrap on data from the network or the user, and functions short enough to read
// (clippy.toml: 120 lines); tests may unwrap (their unwrap is the assertion) and run long
// scenarios. scripts/test runs clippy with -D warnings, so these bind.
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::too_many_lines))]

pub mod auth;
pub mod cli;
pub mod config;
pub mod connection;
pub mod demo;
pub mod documents;
pub mod logging;
pub mod model;
pub mod net;
pub mod paths;
pub mod payment_form;
pub mod platforms;
pub mod reorder;
pub mod sanitize;
pub mod shop;
pub mod tui;
