//! Platform connectors: each translates one shop platform's API to the domain model behind the
//! [`crate::shop::Shop`] trait.

pub mod customer_api;
