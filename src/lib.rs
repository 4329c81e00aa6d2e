//! shopterm: a terminal customer portal for online shops.
//!
//! The library holds everything; `main.rs` is only the command line. See the README's architecture
//! section for how the modules fit together.

pub mod auth;
pub mod cli;
pub mod config;
pub mod connection;
pub mod demo;
pub mod logging;
pub mod model;
pub mod net;
pub mod paths;
pub mod platforms;
pub mod reorder;
pub mod sanitize;
pub mod shop;
pub mod tui;
