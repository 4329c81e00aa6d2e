//! The HTTP client every connector and the sign-in use, and the rule that a shop is reached over
//! HTTPS unless it runs on this machine.

use std::path::Path;
use std::time::Duration;
use url::{Host, Url};

#[derive(Debug, thiserror::Error)]
pub enum NetError {
    #[error("{0} is not an http(s) URL")]
    NotHttp(String),
    #[error(
        "{0} must use https:// (plain http is allowed only for shops on this machine, such as the demo shop)"
    )]
    InsecureRemote(String),
    #[error("cannot read the CA certificate {path}: {reason}")]
    CaFile { path: String, reason: String },
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

/// True for 127.0.0.0/8, ::1 and `localhost`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Refuses plain HTTP to anything but loopback: tokens and passwords must not cross a network
/// unencrypted.
pub fn require_secure(url: &Url) -> Result<(), NetError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(NetError::InsecureRemote(url.to_string())),
        _ => Err(NetError::NotHttp(url.to_string())),
    }
}

/// A client with gzip, sensible time-outs, no redirects (an API that redirects is answered as
/// an error, never followed with a token), and the system's CA roots plus `extra_ca` (PEM).
pub fn http_client(extra_ca: Option<&Path>) -> Result<reqwest::Client, NetError> {
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("shopterm/", env!("CARGO_PKG_VERSION")))
        .gzip(true)
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none());
    if let Some(path) = extra_ca {
        let ca_error = |reason: String| NetError::CaFile {
            path: path.display().to_string(),
            reason,
        };
        let pem = std::fs::read(path).map_err(|e| ca_error(e.to_string()))?;
        let certs =
            reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| ca_error(e.to_string()))?;
        if certs.is_empty() {
            return Err(ca_error("no certificate in the file".into()));
        }
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    builder.build().map_err(|e| NetError::Client(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_on_loopback() {
        for ok in [
            "https://shop.example",
            "http://127.0.0.1:8080",
            "http://127.8.0.1",
            "http://[::1]:9/",
            "http://localhost/",
        ] {
            assert!(require_secure(&Url::parse(ok).unwrap()).is_ok(), "{ok}");
        }
        assert!(matches!(
            require_secure(&Url::parse("http://shop.example").unwrap()),
            Err(NetError::InsecureRemote(_))
        ));
        assert!(matches!(
            require_secure(&Url::parse("http://10.0.0.1").unwrap()),
            Err(NetError::InsecureRemote(_))
        ));
        assert!(matches!(
            require_secure(&Url::parse("ftp://x.example").unwrap()),
            Err(NetError::NotHttp(_))
        ));
    }
}
