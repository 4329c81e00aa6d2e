//! The anchor of `scripts/bench-server`: a bare axum server answering every GET with one fixed
//! JSON body (a page of the demo shop's order list, saved by the script), gzip-compressed per
//! request as the demo shop's Customer API is. No store, no sign-in, no routing beyond a
//! fallback: what is left of the demo shop's time per request is what it spends on top of axum.
//!
//!   cargo run --release --example bare_axum -- BODY_FILE [PORT]
//!
//! Prints `listening on http://127.0.0.1:PORT` once it accepts connections.

use axum::http::header;
use std::net::SocketAddr;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let body_file = args.next().ok_or("usage: bare_axum BODY_FILE [PORT]")?;
    let port: u16 = args.next().map_or(Ok(0), |p| p.parse())?;
    let body = axum::body::Bytes::from(std::fs::read(&body_file)?);
    let app = axum::Router::new()
        .fallback(move || {
            let body = body.clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], body) }
        })
        .layer(tower_http::compression::CompressionLayer::new().gzip(true));
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
