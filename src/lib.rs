//! shopterm: a terminal customer portal for online shops.
//!
//! The library holds everything; `main.rs` is only the command line. See the README's architecture
//! section for how the modules fit together.

pub mod demo;
pub mod model;
pub mod shop;
