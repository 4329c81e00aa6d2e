//! Finding a shop's sign-in: OAuth 2.0 authorization server metadata (RFC 8414), falling back to
//! OpenID Connect discovery for servers that only publish `/.well-known/openid-configuration`.
//!
//! Every endpoint the metadata names must pass [`crate::net::require_secure`]: a server on the
//! network cannot send shopterm's codes and tokens to a plain-HTTP endpoint.

use super::error::{AuthError, reqwest_error_text};
use crate::net::require_secure;
use serde::Deserialize;
use url::Url;

/// The parts of the metadata shopterm uses.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ServerMetadata {
    pub issuer: String,
    pub authorization_endpoint: Option<Url>,
    pub token_endpoint: Url,
    pub revocation_endpoint: Option<Url>,
    pub device_authorization_endpoint: Option<Url>,
    #[serde(default)]
    pub scopes_supported: Vec<String>,
    #[serde(default)]
    pub code_challenge_methods_supported: Vec<String>,
    #[serde(default)]
    pub grant_types_supported: Vec<String>,
    /// RFC 9207: the server adds `iss` to its authorization responses, and clients check it.
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
}

impl ServerMetadata {
    /// Whether the server says it offers the grant (servers that omit the list offer the
    /// defaults of RFC 8414: authorization_code and implicit).
    pub fn supports_grant(&self, grant: &str) -> bool {
        if self.grant_types_supported.is_empty() {
            matches!(grant, "authorization_code" | "implicit")
        } else {
            self.grant_types_supported.iter().any(|g| g == grant)
        }
    }
}

/// The two places metadata may live for `issuer`: RFC 8414 inserts the well-known segment before
/// the issuer's path; OpenID Connect Discovery appends it.
pub fn well_known_urls(issuer: &Url) -> Vec<Url> {
    let path = issuer.path().trim_end_matches('/');
    let mut rfc8414 = issuer.clone();
    rfc8414.set_path(&format!("/.well-known/oauth-authorization-server{path}"));
    rfc8414.set_query(None);
    rfc8414.set_fragment(None);
    let mut openid = issuer.clone();
    openid.set_path(&format!("{path}/.well-known/openid-configuration"));
    openid.set_query(None);
    openid.set_fragment(None);
    vec![rfc8414, openid]
}

/// RFC 8414 §3.3 and RFC 9207: the metadata's `issuer` must be the issuer identifier itself,
/// compared as strings, so `https://a.example/tenant` and `https://a.example/tenant/` are two
/// issuers. The one allowance is an issuer without a path: `url` writes `https://a.example` as
/// `https://a.example/` (an empty path is `/` for http and https, RFC 3986 §6.2.3), so what the
/// user typed cannot be told apart, and both spellings are the same identifier.
fn same_issuer(published: &str, fetched_for: &Url) -> bool {
    published == fetched_for.as_str()
        || (fetched_for.path() == "/"
            && fetched_for.query().is_none()
            && fetched_for.fragment().is_none()
            && published == fetched_for.as_str().trim_end_matches('/'))
}

/// Fetches and checks the metadata of the authorization server `issuer`.
pub async fn discover(http: &reqwest::Client, issuer: &Url) -> Result<ServerMetadata, AuthError> {
    require_secure(issuer)?;
    let mut reasons = Vec::new();
    for url in well_known_urls(issuer) {
        tracing::debug!(%url, "fetching authorization server metadata");
        let response = match http
            .get(url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
        {
            Ok(response) => response,
            // Unreachable is unreachable for both URLs: say so at once.
            Err(error) => {
                return Err(AuthError::Discovery {
                    url: issuer.to_string(),
                    reason: reqwest_error_text(&error),
                });
            }
        };
        let status = response.status();
        if !status.is_success() {
            reasons.push(format!("{url} answered HTTP {}", status.as_u16()));
            continue;
        }
        let metadata = match response.json::<ServerMetadata>().await {
            Ok(metadata) => metadata,
            Err(error) => {
                reasons.push(format!("{url} is not valid metadata: {error}"));
                continue;
            }
        };
        return check(metadata, issuer);
    }
    Err(AuthError::Discovery {
        url: issuer.to_string(),
        reason: reasons.join("; "),
    })
}

/// RFC 8414 §3.3: the metadata must name the issuer it was fetched for; endpoints must be safe.
fn check(metadata: ServerMetadata, issuer: &Url) -> Result<ServerMetadata, AuthError> {
    if !same_issuer(&metadata.issuer, issuer) {
        return Err(AuthError::Discovery {
            url: issuer.to_string(),
            reason: format!(
                "the metadata names a different issuer, {} (set `issuer` in the profile if the sign-in lives there)",
                metadata.issuer
            ),
        });
    }
    let endpoints = [
        Some(&metadata.token_endpoint),
        metadata.authorization_endpoint.as_ref(),
        metadata.revocation_endpoint.as_ref(),
        metadata.device_authorization_endpoint.as_ref(),
    ];
    for endpoint in endpoints.into_iter().flatten() {
        require_secure(endpoint)?;
    }
    if !metadata.code_challenge_methods_supported.is_empty()
        && !metadata
            .code_challenge_methods_supported
            .iter()
            .any(|m| m == "S256")
    {
        return Err(AuthError::NoPkceS256 {
            issuer: metadata.issuer,
        });
    }
    Ok(metadata)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_locations() {
        let urls = well_known_urls(&Url::parse("https://auth.example").unwrap());
        assert_eq!(
            urls[0].as_str(),
            "https://auth.example/.well-known/oauth-authorization-server"
        );
        assert_eq!(
            urls[1].as_str(),
            "https://auth.example/.well-known/openid-configuration"
        );
        let urls = well_known_urls(&Url::parse("https://auth.example/tenant/1/").unwrap());
        assert_eq!(
            urls[0].as_str(),
            "https://auth.example/.well-known/oauth-authorization-server/tenant/1"
        );
        assert_eq!(
            urls[1].as_str(),
            "https://auth.example/tenant/1/.well-known/openid-configuration"
        );
    }

    fn metadata(issuer: &str, token: &str) -> ServerMetadata {
        ServerMetadata {
            issuer: issuer.into(),
            authorization_endpoint: Some(Url::parse(&format!("{issuer}/authorize")).unwrap()),
            token_endpoint: Url::parse(token).unwrap(),
            revocation_endpoint: None,
            device_authorization_endpoint: None,
            scopes_supported: vec![],
            code_challenge_methods_supported: vec!["S256".into()],
            grant_types_supported: vec![],
            authorization_response_iss_parameter_supported: false,
        }
    }

    #[test]
    fn checks_issuer_endpoints_and_pkce() {
        let issuer = Url::parse("https://auth.example/").unwrap();
        check(
            metadata("https://auth.example", "https://auth.example/token"),
            &issuer,
        )
        .unwrap();
        assert!(matches!(
            check(
                metadata("https://evil.example", "https://evil.example/token"),
                &issuer
            ),
            Err(AuthError::Discovery { .. })
        ));
        assert!(matches!(
            check(
                metadata("https://auth.example", "http://auth.example/token"),
                &issuer
            ),
            Err(AuthError::Net(_))
        ));
        let mut plain_only = metadata("https://auth.example", "https://auth.example/token");
        plain_only.code_challenge_methods_supported = vec!["plain".into()];
        // An issuer with a path is compared exactly: a trailing slash makes another issuer.
        let tenant = Url::parse("https://auth.example/tenant").unwrap();
        let tenant_slash = Url::parse("https://auth.example/tenant/").unwrap();
        for (published, fetched_for, same) in [
            ("https://auth.example/tenant", &tenant, true),
            ("https://auth.example/tenant/", &tenant, false),
            ("https://auth.example/tenant", &tenant_slash, false),
            ("https://auth.example/tenant/", &tenant_slash, true),
            ("https://auth.example", &issuer, true),
            ("https://auth.example/", &issuer, true),
            ("https://auth.example//", &issuer, false),
            ("https://AUTH.example", &issuer, false),
        ] {
            assert_eq!(
                same_issuer(published, fetched_for),
                same,
                "{published} for {fetched_for}"
            );
        }
        assert!(matches!(
            check(plain_only, &issuer),
            Err(AuthError::NoPkceS256 { .. })
        ));
    }
}
