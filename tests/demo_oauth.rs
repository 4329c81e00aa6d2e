//! The demo shop's OAuth 2.0 authorization server over real loopback HTTP: the browser sign-in
//! with PKCE, refresh rotation, revocation, everything RFC 6749, 7636, 8252 and 7009 say to refuse,
//! token expiry, the Customer API's client-credentials grant and the API-credential endpoints.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use serde_json::Value;
use shopterm::demo::RunningDemo;
use shopterm::demo::oauth::BearerError;
use shopterm::demo::store::{CustomerKey, DemoLogin};
use std::collections::BTreeSet;
use std::time::Duration;
use support::demo::*;
use support::html::*;
use support::oauth::*;

const HOUR: Duration = Duration::from_secs(3600);

async fn customer_key(demo: &RunningDemo, login: &DemoLogin) -> CustomerKey {
    let store = demo.state.store.clone();
    let (email, password) = (login.email.clone(), login.password.clone());
    tokio::task::spawn_blocking(move || store.verify_password(&email, &password))
        .await
        .expect("store task")
        .expect("store answers")
        .expect("the demo password is right")
}

/// `GET /api/customer/account` with a bearer token: status and JSON body.
async fn account_call(demo: &RunningDemo, token: &str) -> (u16, Value) {
    let answer = http()
        .get(format!("{}/api/customer/account", demo.base_url))
        .bearer_auth(token)
        .send()
        .await
        .expect("API call");
    let status = answer.status().as_u16();
    (status, answer.json().await.expect("JSON"))
}

async fn json(answer: reqwest::Response) -> (u16, Value) {
    let status = answer.status().as_u16();
    let text = answer.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {status} {text}"));
    (status, body)
}

/// Asserts an OAuth error answer: its status and the `error` code of its JSON body.
async fn refused(answer: reqwest::Response, status: u16, error: &str) {
    let (got, body) = json(answer).await;
    assert_eq!(
        (got, body["error"].as_str()),
        (status, Some(error)),
        "{body}"
    );
}

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .expect("a JSON object")
        .keys()
        .cloned()
        .collect()
}

/// Signs in as the buyer and answers the code (not yet exchanged).
async fn code_for_buyer(demo: &RunningDemo, request: &AuthRequest) -> String {
    let login = buyer();
    let redirect = authorize(
        &http(),
        &demo.base_url,
        request,
        &login.email,
        &login.password,
        "Allow",
    )
    .await
    .expect("authorized");
    code_from_redirect(&redirect, request).expect("a code")
}

#[tokio::test]
async fn metadata_document_describes_the_server() {
    let demo = spawn_demo(HOUR).await;
    let (status, doc) = json(
        http()
            .get(format!(
                "{}/.well-known/oauth-authorization-server",
                demo.base_url
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let base = &demo.base_url;
    assert_eq!(doc["issuer"], base.as_str());
    assert_eq!(
        doc["authorization_endpoint"],
        format!("{base}/oauth/authorize")
    );
    assert_eq!(doc["token_endpoint"], format!("{base}/oauth/token"));
    assert_eq!(doc["revocation_endpoint"], format!("{base}/oauth/revoke"));
    assert_eq!(doc["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(
        doc["grant_types_supported"],
        serde_json::json!(["authorization_code", "refresh_token", "client_credentials"])
    );
    assert_eq!(
        doc["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(
        doc["token_endpoint_auth_methods_supported"],
        serde_json::json!(["none", "client_secret_post"])
    );
    assert_eq!(
        doc["scopes_supported"],
        serde_json::json!(["account", "orders"])
    );
}

#[tokio::test]
async fn browser_sign_in_with_pkce_gives_working_tokens() {
    let demo = spawn_demo(HOUR).await;
    let login = buyer();
    let http = http();
    let request = AuthRequest::new();

    // The authorization page is a plain HTML sign-in form that names the app and carries the
    // request along in hidden fields.
    let page = get_page(&http, &request.authorize_url(&demo.base_url, &[])).await;
    assert_eq!(page.status, 200);
    assert!(page.is_html(), "{page:?}");
    assert!(
        page.body.contains("<strong>shopterm</strong>"),
        "{}",
        page.body
    );
    assert!(
        !page.body.to_ascii_lowercase().contains("<script"),
        "no JavaScript"
    );
    let form = page.form().expect("sign-in form");
    assert_eq!(form.action, "/oauth/authorize");
    assert_eq!(
        form.field("code_challenge"),
        Some(request.pkce.challenge.as_str())
    );
    assert_eq!(form.field("state"), Some(request.state.as_str()));
    assert_eq!(
        form.field("redirect_uri"),
        Some(request.redirect_uri.as_str())
    );
    assert_eq!(form.field("email"), Some(""));
    assert_eq!(form.field("password"), Some(""));

    // The right password leads to the consent page.
    let consent = form
        .submit(
            &http,
            &demo.base_url,
            &[("email", &login.email), ("password", &login.password)],
            None,
        )
        .await;
    assert_eq!(consent.status, 200);
    assert!(
        consent.body.contains("shopterm</strong> wants to:"),
        "{}",
        consent.body
    );
    assert!(
        consent
            .body
            .contains("see your account, addresses and orders")
    );
    assert!(consent.body.contains("place orders"));
    assert!(
        !consent.body.contains(&login.password),
        "the password is not echoed"
    );
    let consent_form = consent.form().expect("consent form");
    assert!(consent_form.field("ticket").is_some_and(|t| t.len() >= 32));
    let submits: Vec<&str> = consent_form
        .submits
        .iter()
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(submits, ["Allow", "Deny"]);

    // Allow: a redirect to the app with a code and the state.
    let redirect = consent_form
        .submit(&http, &demo.base_url, &[], Some(("decision", "Allow")))
        .await;
    assert_eq!(redirect.status, 302, "{redirect:?}");
    let code = code_from_redirect(&redirect, &request).expect("code");

    let (status, tokens) =
        json(exchange_code(&http, &demo.base_url, &request, &code, &[]).await).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 3600);
    assert_eq!(tokens["scope"], "account orders");
    let access = tokens["access_token"].as_str().expect("access token");
    assert!(
        tokens["refresh_token"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );

    let key = customer_key(&demo, &login).await;
    assert_eq!(demo.state.auth.customer_for_bearer(access), Ok(key));
    let (status, account) = account_call(&demo, access).await;
    assert_eq!(status, 200, "{account}");
    assert_eq!(account["email"], login.email.as_str());
}

#[tokio::test]
async fn ipv6_loopback_redirect_works_too() {
    let demo = spawn_demo(HOUR).await;
    let mut request = AuthRequest::new();
    request.redirect_uri = "http://[::1]:49321/callback".to_owned();
    let code = code_for_buyer(&demo, &request).await;
    let (status, body) =
        json(exchange_code(&http(), &demo.base_url, &request, &code, &[]).await).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn refresh_rotates_and_the_old_refresh_token_is_refused() {
    let demo = spawn_demo(HOUR).await;
    let login = buyer();
    let first = browser_sign_in(&demo.base_url, &login.email, &login.password).await;
    let first_refresh = first.refresh_token.clone().expect("refresh token");

    let (status, second) = json(refresh(&http(), &demo.base_url, &first_refresh).await).await;
    assert_eq!(status, 200, "{second}");
    let second_access = second["access_token"].as_str().unwrap();
    let second_refresh = second["refresh_token"]
        .as_str()
        .expect("a new refresh token");
    assert_ne!(second_refresh, first_refresh, "rotated");
    assert_ne!(second_access, first.access_token);
    assert_eq!(second["expires_in"], 3600);
    assert_eq!(second["token_type"], "Bearer");

    let key = customer_key(&demo, &login).await;
    assert_eq!(demo.state.auth.customer_for_bearer(second_access), Ok(key));
    assert_eq!(
        demo.state.auth.customer_for_bearer(&first.access_token),
        Err(BearerError::Invalid),
        "the replaced access token ends"
    );

    // The new refresh token works once more…
    let (status, third) = json(refresh(&http(), &demo.base_url, second_refresh).await).await;
    assert_eq!(status, 200, "{third}");
    // …and the first one, used already, is refused.
    let (status, body) = json(refresh(&http(), &demo.base_url, &first_refresh).await).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn a_replayed_refresh_token_ends_the_whole_sign_in() {
    let demo = spawn_demo(HOUR).await;
    let login = buyer();
    let first = browser_sign_in(&demo.base_url, &login.email, &login.password).await;
    let old = first.refresh_token.expect("refresh token");
    let (_, second) = json(refresh(&http(), &demo.base_url, &old).await).await;
    let new_access = second["access_token"].as_str().unwrap().to_owned();
    let new_refresh = second["refresh_token"].as_str().unwrap().to_owned();

    // Someone presents the rotated-away token: two parties hold it, so neither keeps access.
    refused(
        refresh(&http(), &demo.base_url, &old).await,
        400,
        "invalid_grant",
    )
    .await;
    assert_eq!(
        demo.state.auth.customer_for_bearer(&new_access),
        Err(BearerError::Invalid)
    );
    refused(
        refresh(&http(), &demo.base_url, &new_refresh).await,
        400,
        "invalid_grant",
    )
    .await;
}

#[tokio::test]
async fn access_token_expires_after_its_lifetime_and_refresh_still_works() {
    let demo = spawn_demo(Duration::from_secs(1)).await;
    let login = buyer();
    let tokens = browser_sign_in(&demo.base_url, &login.email, &login.password).await;
    assert_eq!(tokens.expires_in, 1);
    let key = customer_key(&demo, &login).await;
    assert_eq!(
        demo.state.auth.customer_for_bearer(&tokens.access_token),
        Ok(key)
    );

    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        demo.state.auth.customer_for_bearer(&tokens.access_token),
        Err(BearerError::Expired)
    );
    let (status, body) = account_call(&demo, &tokens.access_token).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_token")),
        "{body}"
    );

    // The refresh token outlives the access token: that is when clients use it.
    let refresh_token = tokens.refresh_token.expect("refresh token");
    let (status, renewed) = json(refresh(&http(), &demo.base_url, &refresh_token).await).await;
    assert_eq!(status, 200, "{renewed}");
    let access = renewed["access_token"].as_str().unwrap();
    assert_eq!(demo.state.auth.customer_for_bearer(access), Ok(key));
}

#[tokio::test]
async fn revoking_a_refresh_token_ends_it_and_its_access_token() {
    let demo = spawn_demo(HOUR).await;
    let login = buyer();
    let tokens = browser_sign_in(&demo.base_url, &login.email, &login.password).await;
    let refresh_token = tokens.refresh_token.expect("refresh token");

    let answer = revoke(
        &http(),
        &demo.base_url,
        &refresh_token,
        Some("refresh_token"),
    )
    .await;
    assert_eq!(answer.status(), 200);

    refused(
        refresh(&http(), &demo.base_url, &refresh_token).await,
        400,
        "invalid_grant",
    )
    .await;
    assert_eq!(
        demo.state.auth.customer_for_bearer(&tokens.access_token),
        Err(BearerError::Invalid)
    );
    let (status, body) = account_call(&demo, &tokens.access_token).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_token")),
        "{body}"
    );
}

#[tokio::test]
async fn revoking_an_access_token_ends_only_it() {
    let demo = spawn_demo(HOUR).await;
    let login = buyer();
    let tokens = browser_sign_in(&demo.base_url, &login.email, &login.password).await;

    // The hint is only a hint: a wrong one still finds the token.
    let answer = revoke(
        &http(),
        &demo.base_url,
        &tokens.access_token,
        Some("refresh_token"),
    )
    .await;
    assert_eq!(answer.status(), 200);
    assert_eq!(
        demo.state.auth.customer_for_bearer(&tokens.access_token),
        Err(BearerError::Invalid)
    );
    let (status, body) = account_call(&demo, &tokens.access_token).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_token"))
    );

    let refresh_token = tokens.refresh_token.expect("refresh token");
    let (status, body) = json(refresh(&http(), &demo.base_url, &refresh_token).await).await;
    assert_eq!(status, 200, "the refresh token lives on: {body}");
}

#[tokio::test]
async fn revocation_answers_200_for_unknown_tokens_and_needs_a_client() {
    let demo = spawn_demo(HOUR).await;
    let answer = revoke(&http(), &demo.base_url, "no-such-token", None).await;
    assert_eq!(answer.status(), 200);

    refused(
        http()
            .post(format!("{}/oauth/revoke", demo.base_url))
            .form(&[("token", "no-such-token")])
            .send()
            .await
            .unwrap(),
        401,
        "invalid_client",
    )
    .await;
    refused(
        http()
            .post(format!("{}/oauth/revoke", demo.base_url))
            .form(&[("client_id", "shopterm")])
            .send()
            .await
            .unwrap(),
        400,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn a_wrong_code_verifier_is_refused_and_spends_the_code() {
    let demo = spawn_demo(HOUR).await;
    let request = AuthRequest::new();
    let code = code_for_buyer(&demo, &request).await;
    let other = Pkce::new();
    let (status, body) = json(
        exchange_code(
            &http(),
            &demo.base_url,
            &request,
            &code,
            &[("code_verifier", Some(&other.verifier))],
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
    assert!(body.get("access_token").is_none());
    // RFC 6749 §5.2 field names (oxide-auth 0.6 alone would say "description").
    assert_eq!(
        keys(&body),
        BTreeSet::from(["error", "error_description"].map(String::from))
    );

    // The code was single-use even though the attempt failed.
    refused(
        exchange_code(&http(), &demo.base_url, &request, &code, &[]).await,
        400,
        "invalid_grant",
    )
    .await;
}

#[tokio::test]
async fn a_code_exchange_without_verifier_is_refused() {
    let demo = spawn_demo(HOUR).await;
    let request = AuthRequest::new();
    let code = code_for_buyer(&demo, &request).await;
    refused(
        exchange_code(
            &http(),
            &demo.base_url,
            &request,
            &code,
            &[("code_verifier", None)],
        )
        .await,
        400,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn authorization_without_pkce_or_with_plain_is_refused_by_redirect() {
    let demo = spawn_demo(HOUR).await;
    let request = AuthRequest::new();
    for (what, extra) in [
        (
            "no challenge",
            vec![("code_challenge", None), ("code_challenge_method", None)],
        ),
        ("plain", vec![("code_challenge_method", Some("plain"))]),
        (
            "no method (plain by default)",
            vec![("code_challenge_method", None)],
        ),
        (
            "unknown method",
            vec![("code_challenge_method", Some("S512"))],
        ),
    ] {
        let page = get_page(&http(), &request.authorize_url(&demo.base_url, &extra)).await;
        assert_eq!(page.status, 302, "{what}: {page:?}");
        let location = page.location.as_deref().unwrap();
        assert!(
            location.starts_with(&request.redirect_uri),
            "{what}: {location}"
        );
        let params = page.redirect_params().unwrap();
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("error"), Some("invalid_request"), "{what}");
        assert_eq!(get("state"), Some(request.state.as_str()), "{what}");
        assert_eq!(get("code"), None, "{what}");
        assert!(
            get("error_description").is_some_and(|d| d.contains("S256")),
            "{what}: {params:?}"
        );
        assert_eq!(
            get("description"),
            None,
            "RFC 6749 names it error_description"
        );
    }
}

#[tokio::test]
async fn other_request_errors_redirect_with_error_and_state() {
    let demo = spawn_demo(HOUR).await;
    let request = AuthRequest::new();
    for (extra, error) in [
        (
            vec![("response_type", Some("token"))],
            "unsupported_response_type",
        ),
        (vec![("scope", Some("account admin"))], "invalid_scope"),
    ] {
        let page = get_page(&http(), &request.authorize_url(&demo.base_url, &extra)).await;
        assert_eq!(page.status, 302, "{page:?}");
        let params = page.redirect_params().unwrap();
        assert!(
            params.contains(&("error".into(), error.into())),
            "{params:?}"
        );
        assert!(
            params.contains(&("state".into(), request.state.clone())),
            "{params:?}"
        );
    }
}

#[tokio::test]
async fn untrusted_clients_and_redirects_get_an_error_page_never_a_redirect() {
    let demo = spawn_demo(HOUR).await;
    let request = AuthRequest::new();
    for (what, extra) in [
        (
            "foreign host",
            vec![("redirect_uri", Some("http://evil.example/callback"))],
        ),
        (
            "localhost",
            vec![("redirect_uri", Some("http://localhost:8080/callback"))],
        ),
        (
            "https loopback",
            vec![("redirect_uri", Some("https://127.0.0.1:8080/callback"))],
        ),
        (
            "other path",
            vec![("redirect_uri", Some("http://127.0.0.1:8080/elsewhere"))],
        ),
        ("no redirect_uri", vec![("redirect_uri", None)]),
        ("unknown client", vec![("client_id", Some("someone-else"))]),
        ("no client", vec![("client_id", None)]),
    ] {
        let page = get_page(&http(), &request.authorize_url(&demo.base_url, &extra)).await;
        assert_eq!(page.status, 400, "{what}: {page:?}");
        assert!(page.location.is_none(), "{what}: never a redirect");
        assert!(page.is_html(), "{what}");
        assert!(page.body.contains("not valid"), "{what}: {}", page.body);
        assert!(page.form().is_none(), "{what}: no sign-in form");
    }
}

#[tokio::test]
async fn a_wrong_password_shows_the_form_again_with_a_message() {
    let demo = spawn_demo(HOUR).await;
    let login = buyer();
    let request = AuthRequest::new();
    for (email, password) in [
        (login.email.as_str(), "not-the-password"),
        ("nobody@nowhere.example", login.password.as_str()),
        (login.email.as_str(), ""),
    ] {
        let page =
            sign_in_page_then_credentials(&http(), &demo.base_url, &request, email, password)
                .await
                .expect("a page");
        assert_eq!(page.status, 200, "{page:?}");
        assert_eq!(
            error_message(&page.body).as_deref(),
            Some("Wrong e-mail or password.")
        );
        let form = page.form().expect("the sign-in form again");
        assert_eq!(form.field("email"), Some(email), "the e-mail typed is kept");
        assert_eq!(form.field("password"), Some(""), "the password is not");
        assert!(
            form.field("ticket").is_none(),
            "no consent without the password"
        );
        assert_eq!(
            form.field("code_challenge"),
            Some(request.pkce.challenge.as_str())
        );
        if !password.is_empty() {
            assert!(!page.body.contains(password), "the password is not echoed");
        }
    }
    assert!(
        try_browser_sign_in(&demo.base_url, &login.email, "not-the-password")
            .await
            .unwrap_err()
            .contains("Wrong e-mail or password")
    );
}

#[tokio::test]
async fn deny_redirects_with_access_denied_and_the_state() {
    let demo = spawn_demo(HOUR).await;
    let login = buyer();
    let request = AuthRequest::new();
    let redirect = authorize(
        &http(),
        &demo.base_url,
        &request,
        &login.email,
        &login.password,
        "Deny",
    )
    .await
    .expect("a redirect");
    assert_eq!(redirect.status, 302);
    assert!(
        redirect
            .location
            .as_deref()
            .unwrap()
            .starts_with(&request.redirect_uri)
    );
    let params = redirect.redirect_params().unwrap();
    assert!(
        params.contains(&("error".into(), "access_denied".into())),
        "{params:?}"
    );
    assert!(
        params.contains(&("state".into(), request.state.clone())),
        "{params:?}"
    );
    assert!(!params.iter().any(|(k, _)| k == "code"));
}

#[tokio::test]
async fn a_reused_code_is_refused_and_revokes_what_it_gave() {
    let demo = spawn_demo(HOUR).await;
    let request = AuthRequest::new();
    let code = code_for_buyer(&demo, &request).await;
    let (status, tokens) =
        json(exchange_code(&http(), &demo.base_url, &request, &code, &[]).await).await;
    assert_eq!(status, 200);
    let access = tokens["access_token"].as_str().unwrap();
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    assert!(demo.state.auth.customer_for_bearer(access).is_ok());

    let (status, body) =
        json(exchange_code(&http(), &demo.base_url, &request, &code, &[]).await).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    // RFC 6749 §4.1.2: the first redemption may have been an attacker's.
    assert_eq!(
        demo.state.auth.customer_for_bearer(access),
        Err(BearerError::Invalid)
    );
    let (status, _) = json(refresh(&http(), &demo.base_url, refresh_token).await).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn the_code_is_bound_to_redirect_uri_and_client() {
    let demo = spawn_demo(HOUR).await;
    let request = AuthRequest::new();
    let code = code_for_buyer(&demo, &request).await;
    refused(
        exchange_code(
            &http(),
            &demo.base_url,
            &request,
            &code,
            &[("redirect_uri", Some("http://127.0.0.1:1/callback"))],
        )
        .await,
        400,
        "invalid_grant",
    )
    .await;

    let request = AuthRequest::new();
    let code = code_for_buyer(&demo, &request).await;
    refused(
        exchange_code(
            &http(),
            &demo.base_url,
            &request,
            &code,
            &[("client_id", Some("someone-else"))],
        )
        .await,
        401,
        "invalid_client",
    )
    .await;
}

#[tokio::test]
async fn token_endpoint_refuses_what_it_does_not_understand() {
    let demo = spawn_demo(HOUR).await;
    let url = format!("{}/oauth/token", demo.base_url);
    refused(
        http()
            .post(&url)
            .json(&serde_json::json!({"grant_type": "refresh_token", "refresh_token": "x"}))
            .send()
            .await
            .unwrap(),
        400,
        "invalid_request",
    )
    .await;
    refused(
        http()
            .post(&url)
            .form(&[("grant_type", "password")])
            .send()
            .await
            .unwrap(),
        400,
        "unsupported_grant_type",
    )
    .await;
    refused(
        http()
            .post(&url)
            .form(&[("code", "x")])
            .send()
            .await
            .unwrap(),
        400,
        "invalid_request",
    )
    .await;
    refused(
        refresh(&http(), &demo.base_url, "no-such-refresh-token").await,
        400,
        "invalid_grant",
    )
    .await;
}

#[tokio::test]
async fn the_consent_ticket_is_single_use_and_bound_to_its_request() {
    let demo = spawn_demo(HOUR).await;
    let login = buyer();
    let http = http();
    let request = AuthRequest::new();
    let consent = sign_in_page_then_credentials(
        &http,
        &demo.base_url,
        &request,
        &login.email,
        &login.password,
    )
    .await
    .unwrap();
    let form = consent.form().expect("consent form");

    // Carried over to another redirect URI (a tampered hidden field): refused, and spent.
    let tampered = form
        .submit(
            &http,
            &demo.base_url,
            &[("redirect_uri", "http://127.0.0.1:2/callback")],
            Some(("decision", "Allow")),
        )
        .await;
    assert_eq!(tampered.status, 400, "{tampered:?}");
    assert!(tampered.location.is_none());
    let again = form
        .submit(&http, &demo.base_url, &[], Some(("decision", "Allow")))
        .await;
    assert_eq!(again.status, 400, "{again:?}");
    assert!(again.body.contains("expired or was already used"));

    // A fresh ticket works once.
    let consent = sign_in_page_then_credentials(
        &http,
        &demo.base_url,
        &request,
        &login.email,
        &login.password,
    )
    .await
    .unwrap();
    let form = consent.form().unwrap();
    let first = form
        .submit(&http, &demo.base_url, &[], Some(("decision", "Allow")))
        .await;
    assert_eq!(first.status, 302);
    let second = form
        .submit(&http, &demo.base_url, &[], Some(("decision", "Allow")))
        .await;
    assert_eq!(second.status, 400);
    assert!(second.location.is_none());
}

#[tokio::test]
async fn a_sign_in_form_sent_to_a_foreign_redirect_is_refused_without_redirect() {
    let demo = spawn_demo(HOUR).await;
    let login = buyer();
    let http = http();
    let request = AuthRequest::new();
    let page = get_page(&http, &request.authorize_url(&demo.base_url, &[])).await;
    let answer = page
        .form()
        .unwrap()
        .submit(
            &http,
            &demo.base_url,
            &[
                ("email", &login.email),
                ("password", &login.password),
                ("redirect_uri", "http://evil.example/callback"),
            ],
            None,
        )
        .await;
    assert_eq!(answer.status, 400);
    assert!(answer.location.is_none());
    assert!(answer.form().is_none(), "no consent form: {}", answer.body);
}

#[tokio::test]
async fn pages_escape_what_they_show_and_cannot_be_framed() {
    let demo = spawn_demo(HOUR).await;
    let mut request = AuthRequest::new();
    request.state = "\"><script>alert(1)</script>".to_owned();
    let answer = http()
        .get(request.authorize_url(&demo.base_url, &[]))
        .send()
        .await
        .unwrap();
    let headers = answer.headers().clone();
    let body = answer.text().await.unwrap();
    assert!(!body.contains("<script>"), "{body}");
    assert_eq!(headers.get("x-frame-options").unwrap(), "DENY");
    assert!(
        headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(headers.get("cache-control").unwrap(), "no-store");
    // The escaped state still round-trips through the form.
    let form = forms(&body).remove(0);
    assert_eq!(form.field("state"), Some(request.state.as_str()));

    let login = buyer();
    let redirect = authorize(
        &http(),
        &demo.base_url,
        &request,
        &login.email,
        &login.password,
        "Allow",
    )
    .await
    .unwrap();
    code_from_redirect(&redirect, &request).expect("state returned intact");
}

/// A credential made through the API, with a browser sign-in's token.
async fn new_credential(demo: &RunningDemo, session: &str, label: &str) -> (u16, Value) {
    json(
        http()
            .post(format!("{}/api/customer/api-credentials", demo.base_url))
            .bearer_auth(session)
            .json(&serde_json::json!({ "label": label }))
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn client_credentials(demo: &RunningDemo, form: &[(&str, &str)]) -> (u16, Value) {
    json(
        http()
            .post(format!("{}/api/customer/oauth/access-token", demo.base_url))
            .form(form)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// A 400 from the Customer API's token endpoint: exactly the documented keys, with `error` and
/// `status` as given.
fn assert_documented_error(status: u16, body: &Value, error: &str) {
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        keys(body),
        BTreeSet::from(["error", "error_description", "message", "status"].map(String::from))
    );
    assert_eq!(
        (body["error"].as_str(), body["status"].as_u64()),
        (Some(error), Some(400))
    );
}

#[tokio::test]
async fn client_credentials_grant_as_the_customer_api_documents_it() {
    let demo = spawn_demo(HOUR).await;
    let login = buyer();
    let session = browser_sign_in(&demo.base_url, &login.email, &login.password).await;
    let (status, created) = new_credential(&demo, &session.access_token, "ERP sync").await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        keys(&created),
        BTreeSet::from(["client_id", "label", "created_at", "client_secret"].map(String::from))
    );
    assert_eq!(created["label"], "ERP sync");
    let client_id = created["client_id"].as_str().unwrap().to_owned();
    let secret = created["client_secret"].as_str().unwrap().to_owned();

    let (status, token) = client_credentials(
        &demo,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &client_id),
            ("client_secret", &secret),
            ("scope", "all"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{token}");
    assert_eq!(
        keys(&token),
        BTreeSet::from(["_type", "token_type", "expires_in", "access_token"].map(String::from))
    );
    assert_eq!(token["_type"], "AccessToken");
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 3600);
    let access = token["access_token"].as_str().unwrap();
    let key = customer_key(&demo, &login).await;
    assert_eq!(demo.state.auth.customer_for_bearer(access), Ok(key));
    let (status, account) = account_call(&demo, access).await;
    assert_eq!(
        (status, account["email"].as_str()),
        (200, Some(login.email.as_str()))
    );

    // Wrong secret, unknown id, missing secret: 401, exactly the documented body.
    let documented = serde_json::json!({
        "error": "invalid_client",
        "error_description": "Client authentication failed",
        "message": "Client authentication failed",
        "status": 401
    });
    for form in [
        vec![
            ("grant_type", "client_credentials"),
            ("client_id", client_id.as_str()),
            ("client_secret", "wrong"),
            ("scope", "all"),
        ],
        vec![
            ("grant_type", "client_credentials"),
            ("client_id", "unknown"),
            ("client_secret", secret.as_str()),
            ("scope", "all"),
        ],
        vec![
            ("grant_type", "client_credentials"),
            ("client_id", client_id.as_str()),
            ("scope", "all"),
        ],
    ] {
        let (status, body) = client_credentials(&demo, &form).await;
        assert_eq!((status, &body), (401, &documented));
    }

    // Parameters as JSON, or another grant: 400 with the same shape.
    let (status, body) = json(
        http()
            .post(format!("{}/api/customer/oauth/access-token", demo.base_url))
            .json(&serde_json::json!({
                "grant_type": "client_credentials", "client_id": client_id,
                "client_secret": secret, "scope": "all"
            }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_documented_error(status, &body, "invalid_request");
    let (status, body) = client_credentials(
        &demo,
        &[
            ("grant_type", "password"),
            ("client_id", &client_id),
            ("client_secret", &secret),
        ],
    )
    .await;
    assert_documented_error(status, &body, "unsupported_grant_type");
    let (status, body) = client_credentials(
        &demo,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &client_id),
            ("client_secret", &secret),
            ("scope", "admin"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_scope"))
    );

    // The same grant at the standard token endpoint answers in RFC 6749's shape.
    let (status, standard) = json(
        http()
            .post(format!("{}/oauth/token", demo.base_url))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", &client_id),
                ("client_secret", &secret),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{standard}");
    assert_eq!(standard["token_type"], "Bearer");
    assert!(
        standard.get("refresh_token").is_none(),
        "no refresh token (RFC 6749 §4.4.3)"
    );
    assert!(
        demo.state
            .auth
            .customer_for_bearer(standard["access_token"].as_str().unwrap())
            .is_ok()
    );
}

#[tokio::test]
async fn api_credentials_are_listed_without_secrets_and_deleted_with_their_tokens() {
    let demo = spawn_demo(HOUR).await;
    let login = buyer();
    let session = browser_sign_in(&demo.base_url, &login.email, &login.password).await;
    let (_, created) = new_credential(&demo, &session.access_token, "Warehouse").await;
    let client_id = created["client_id"].as_str().unwrap().to_owned();
    let secret = created["client_secret"].as_str().unwrap().to_owned();
    let url = format!("{}/api/customer/api-credentials", demo.base_url);

    let (status, list) = json(
        http()
            .get(&url)
            .bearer_auth(&session.access_token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{list}");
    let listed = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["client_id"] == client_id.as_str())
        .expect("listed");
    assert_eq!(listed["label"], "Warehouse");
    assert!(!list.to_string().contains(&secret), "no secret in the list");
    assert!(listed.get("client_secret").is_none());

    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", client_id.as_str()),
        ("client_secret", secret.as_str()),
        ("scope", "all"),
    ];
    let (_, token) = client_credentials(&demo, &form).await;
    let api_token = token["access_token"].as_str().unwrap().to_owned();

    // A credential's token is not a person's sign-in: it may not make more credentials.
    let (status, body) = new_credential(&demo, &api_token, "sneaky").await;
    assert_eq!(status, 403, "{body}");

    // Labels are checked.
    let (status, body) = new_credential(&demo, &session.access_token, "   ").await;
    assert_eq!(status, 422, "{body}");

    let deleted = http()
        .delete(format!("{url}/{client_id}"))
        .bearer_auth(&session.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(
        demo.state.auth.customer_for_bearer(&api_token),
        Err(BearerError::Invalid)
    );
    let (status, _) = client_credentials(&demo, &form).await;
    assert_eq!(status, 401, "the secret no longer works");
    let (_, list) = json(
        http()
            .get(&url)
            .bearer_auth(&session.access_token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(!list.to_string().contains(&client_id));

    // Without a token: the Customer API's access_denied; with a bad one: 401 invalid_token
    // (RFC 6750 §3.1).
    refused(http().get(&url).send().await.unwrap(), 400, "access_denied").await;
    refused(
        http().get(&url).bearer_auth("nope").send().await.unwrap(),
        401,
        "invalid_token",
    )
    .await;
}

#[tokio::test]
async fn expired_tokens_are_told_apart_at_the_credential_endpoints() {
    let demo = spawn_demo(Duration::from_secs(1)).await;
    let login = buyer();
    let session = browser_sign_in(&demo.base_url, &login.email, &login.password).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    refused(
        http()
            .get(format!("{}/api/customer/api-credentials", demo.base_url))
            .bearer_auth(&session.access_token)
            .send()
            .await
            .unwrap(),
        401,
        "invalid_token",
    )
    .await;
}

/// Everything logged while signing in (a wrong password first), exchanging, refreshing, revoking
/// and using an API credential, at every level: none of the secrets appears.
#[tokio::test]
async fn no_password_code_or_token_reaches_the_logs() {
    let logs = capture_logs();
    let demo = spawn_demo(HOUR).await;
    let login = buyer();
    let http = http();
    let request = AuthRequest::new();
    let wrong = "wrong-password-for-the-log-test";
    sign_in_page_then_credentials(&http, &demo.base_url, &request, &login.email, wrong)
        .await
        .unwrap();
    let redirect = authorize(
        &http,
        &demo.base_url,
        &request,
        &login.email,
        &login.password,
        "Allow",
    )
    .await
    .unwrap();
    let code = code_from_redirect(&redirect, &request).unwrap();
    let (_, tokens) = json(exchange_code(&http, &demo.base_url, &request, &code, &[]).await).await;
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let first_refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    let (_, renewed) = json(refresh(&http, &demo.base_url, &first_refresh).await).await;
    let second_refresh = renewed["refresh_token"].as_str().unwrap().to_owned();
    let (_, created) =
        new_credential(&demo, renewed["access_token"].as_str().unwrap(), "log test").await;
    let secret = created["client_secret"].as_str().unwrap().to_owned();
    let client_id = created["client_id"].as_str().unwrap().to_owned();
    let (_, api) = client_credentials(
        &demo,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &client_id),
            ("client_secret", &secret),
        ],
    )
    .await;
    let api_token = api["access_token"].as_str().unwrap().to_owned();
    client_credentials(
        &demo,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &client_id),
            ("client_secret", "bad-secret-for-log-test"),
        ],
    )
    .await;
    revoke(&http, &demo.base_url, &second_refresh, None).await;

    let text = logs.text();
    assert!(text.contains("sign-in"), "the capture works: {text}");
    for secret in [
        login.password.as_str(),
        wrong,
        &code,
        &access,
        &first_refresh,
        &second_refresh,
        &secret,
        "bad-secret-for-log-test",
        &api_token,
    ] {
        assert!(!text.contains(secret), "a secret was logged:\n{text}");
    }
}

/// Collects what this test binary logs, at every level (installed once per process).
fn capture_logs() -> Captured {
    use std::sync::{Arc, Mutex, OnceLock};
    static BUFFER: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    let buffer = BUFFER.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || Captured(sink.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        buffer
    });
    Captured(buffer.clone())
}

#[derive(Clone)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
