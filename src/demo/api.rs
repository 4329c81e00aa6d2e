//! The demo shop's customer API: every operation of the `Shop` trait over HTTP, bearer-token
//! protected, documented in `api/openapi.yaml`.

use super::state::DemoState;
use axum::Router;

pub fn routes() -> Router<DemoState> {
    Router::new()
}
