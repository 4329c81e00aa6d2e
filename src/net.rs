//! The HTTP client every connector and the sign-in use, and the rule that a shop is reached over
//! HTTPS unless it runs on this machine.

use rustls::pki_types::CertificateDer;
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

/// `Retry-After` in seconds (the HTTP-date form is rare from APIs and read as absent), for a
/// shop's answer and a sign-in's alike.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
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

/// How long one request may take, connecting and reading the whole answer included, unless
/// `SHOPTERM_REQUEST_TIMEOUT` (seconds, fractions allowed) says otherwise. Documented in
/// docs/cli.md; the fault tests set it to one second.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The most of an answer's body shopterm reads: no page of a shop's API comes near it, and a
/// server sending more cannot make shopterm hold it all in memory.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// The request time-out in force: `SHOPTERM_REQUEST_TIMEOUT` when it is a positive number of
/// seconds, else [`DEFAULT_REQUEST_TIMEOUT`].
pub fn request_timeout() -> Duration {
    std::env::var("SHOPTERM_REQUEST_TIMEOUT")
        .ok()
        .and_then(|value| parse_seconds(&value))
        .unwrap_or(DEFAULT_REQUEST_TIMEOUT)
}

/// A positive, finite number of seconds of at most a day.
fn parse_seconds(value: &str) -> Option<Duration> {
    let seconds: f64 = value.trim().parse().ok()?;
    (seconds > 0.0 && seconds <= 86_400.0).then(|| Duration::from_secs_f64(seconds))
}

/// A client with gzip, time-outs ([`request_timeout`]), no redirects (an API that redirects is
/// answered as an error, never followed with a token), and the system's CA roots plus `extra_ca`
/// (PEM).
///
/// Building it is cheap: the system's roots (`SSL_CERT_FILE`, `SSL_CERT_DIR` or the platform's
/// store, as reqwest's `rustls-tls-native-roots` reads them) are loaded at the first TLS
/// handshake, not here, so the TUI draws its first frame without waiting for them, and a shop on
/// plain loopback HTTP never loads them.
pub fn http_client(extra_ca: Option<&Path>) -> Result<reqwest::Client, NetError> {
    let extra = match extra_ca {
        Some(path) => read_ca_file(path)?,
        None => Vec::new(),
    };
    let tls = lazy_roots::client_config(extra);
    let timeout = request_timeout();
    reqwest::Client::builder()
        .user_agent(concat!("shopterm/", env!("CARGO_PKG_VERSION")))
        .gzip(true)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .use_preconfigured_tls(tls)
        .build()
        .map_err(|e| NetError::Client(e.to_string()))
}

/// The certificates of a PEM file, each checked to be usable as a trust anchor.
fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, NetError> {
    use rustls::pki_types::pem::PemObject;
    let ca_error = |reason: String| NetError::CaFile {
        path: path.display().to_string(),
        reason,
    };
    let pem = std::fs::read(path).map_err(|e| ca_error(e.to_string()))?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| ca_error("invalid certificate encoding".into()))?;
    if certs.is_empty() {
        return Err(ca_error("no certificate in the file".into()));
    }
    let mut check = rustls::RootCertStore::empty();
    for cert in &certs {
        check
            .add(cert.clone())
            .map_err(|e| ca_error(e.to_string()))?;
    }
    Ok(certs)
}

/// A rustls configuration like the one reqwest builds for `rustls-tls-native-roots` (ring,
/// TLS 1.2 and 1.3, SNI, ALPN h2 and http/1.1), whose certificate verifier loads the roots when
/// it first verifies a server.
mod lazy_roots {
    use rustls::client::WebPkiServerVerifier;
    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::crypto::CryptoProvider;
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use rustls::{CertificateError, DigitallySignedStruct, Error, RootCertStore, SignatureScheme};
    use std::sync::{Arc, OnceLock};

    pub fn client_config(extra: Vec<CertificateDer<'static>>) -> rustls::ClientConfig {
        // The provider reqwest picks: an installed process default, else ring.
        let provider = CryptoProvider::get_default()
            .cloned()
            .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
        let verifier = Arc::new(LazyRootsVerifier::new(provider.clone(), extra));
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(rustls::ALL_VERSIONS)
            .expect("ring supports TLS 1.2 and 1.3")
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        config
    }

    /// rustls' standard WebPKI verifier over the system's roots plus `extra`, built on first use.
    /// Only building it is deferred: every check is the WebPKI verifier's own.
    #[derive(Debug)]
    pub(super) struct LazyRootsVerifier {
        provider: Arc<CryptoProvider>,
        extra: Vec<CertificateDer<'static>>,
        verifier: OnceLock<Result<Arc<WebPkiServerVerifier>, Error>>,
    }

    impl LazyRootsVerifier {
        pub(super) fn new(
            provider: Arc<CryptoProvider>,
            extra: Vec<CertificateDer<'static>>,
        ) -> LazyRootsVerifier {
            LazyRootsVerifier {
                provider,
                extra,
                verifier: OnceLock::new(),
            }
        }

        fn verifier(&self) -> Result<&Arc<WebPkiServerVerifier>, Error> {
            self.verifier
                .get_or_init(|| self.build())
                .as_ref()
                .map_err(Clone::clone)
        }

        fn build(&self) -> Result<Arc<WebPkiServerVerifier>, Error> {
            let started = std::time::Instant::now();
            let mut roots = RootCertStore::empty();
            // Checked when the client was built.
            roots.add_parsable_certificates(self.extra.iter().cloned());
            let native = rustls_native_certs::load_native_certs();
            // As reqwest does: skip what does not parse (native stores hold odd old roots), and
            // fail only when nothing in the store was usable.
            let (valid, invalid) = roots.add_parsable_certificates(native.certs);
            tracing::debug!(
                valid,
                invalid,
                errors = native.errors.len(),
                elapsed_us = started.elapsed().as_micros() as u64,
                "loaded the system's TLS roots"
            );
            if valid == 0 && invalid > 0 {
                let mut message =
                    String::from("zero valid certificates found in native root store");
                for error in &native.errors {
                    message.push_str(&format!("; {error}"));
                }
                return Err(Error::General(message));
            }
            if roots.is_empty() {
                // Nothing to trust: every server is unknown, as with reqwest's empty store.
                return Err(Error::InvalidCertificate(CertificateError::UnknownIssuer));
            }
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), self.provider.clone())
                .build()
                .map_err(|e| Error::General(e.to_string()))
        }
    }

    impl ServerCertVerifier for LazyRootsVerifier {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            intermediates: &[CertificateDer<'_>],
            server_name: &ServerName<'_>,
            ocsp_response: &[u8],
            now: UnixTime,
        ) -> Result<ServerCertVerified, Error> {
            self.verifier()?.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            )
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            rustls::crypto::verify_tls12_signature(
                message,
                cert,
                dss,
                &self.provider.signature_verification_algorithms,
            )
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            rustls::crypto::verify_tls13_signature(
                message,
                cert,
                dss,
                &self.provider.signature_verification_algorithms,
            )
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.provider
                .signature_verification_algorithms
                .supported_schemes()
        }
    }
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

    #[test]
    fn a_request_timeout_is_a_positive_number_of_seconds() {
        assert_eq!(parse_seconds("1"), Some(Duration::from_secs(1)));
        assert_eq!(parse_seconds(" 0.5 "), Some(Duration::from_millis(500)));
        for bad in ["0", "-1", "NaN", "inf", "1e30", "", "soon"] {
            assert_eq!(parse_seconds(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_ca_file_must_hold_a_certificate() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let error = http_client(Some(&empty)).unwrap_err().to_string();
        assert!(error.contains("no certificate in the file"), "{error}");
        let broken = dir.path().join("broken.pem");
        std::fs::write(
            &broken,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        assert!(matches!(
            http_client(Some(&broken)),
            Err(NetError::CaFile { .. })
        ));
        assert!(matches!(
            http_client(Some(&dir.path().join("missing.pem"))),
            Err(NetError::CaFile { .. })
        ));
    }

    /// A CA and a server certificate for `localhost` signed by it.
    fn ca_and_server(ca_name: &str) -> (CertificateDer<'static>, CertificateDer<'static>) {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, ca_name);
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);
        let server_key = KeyPair::generate().unwrap();
        let server = CertificateParams::new(vec!["localhost".to_owned()])
            .unwrap()
            .signed_by(&server_key, &issuer)
            .unwrap();
        (ca.der().clone(), server.der().clone())
    }

    #[test]
    fn the_lazy_verifier_trusts_the_extra_ca_and_nothing_unknown() {
        use rustls::client::danger::ServerCertVerifier;
        use rustls::pki_types::{ServerName, UnixTime};
        let (ca, server) = ca_and_server("trusted CA");
        let (_, stranger) = ca_and_server("unknown CA");
        let config = lazy_roots::client_config(vec![ca.clone()]);
        assert_eq!(
            config.alpn_protocols,
            [b"h2".to_vec(), b"http/1.1".to_vec()]
        );
        let verifier = lazy_roots::LazyRootsVerifier::new(
            std::sync::Arc::new(rustls::crypto::ring::default_provider()),
            vec![ca],
        );
        let verify = |cert: &CertificateDer<'_>, name: &str| {
            verifier.verify_server_cert(
                cert,
                &[],
                &ServerName::try_from(name.to_owned()).unwrap(),
                &[],
                UnixTime::now(),
            )
        };
        assert!(verify(&server, "localhost").is_ok());
        assert!(matches!(
            verify(&stranger, "localhost"),
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer
            ))
        ));
        assert!(matches!(
            verify(&server, "shop.example"),
            Err(rustls::Error::InvalidCertificate(_))
        ));
    }
}
