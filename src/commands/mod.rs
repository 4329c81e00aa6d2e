//! The subcommands that are more than a few lines, one module per area.

pub mod auth;
pub mod shop;
