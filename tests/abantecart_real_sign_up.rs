//! AbanteCart's sign-up against exchanges recorded from a real AbanteCart 1.4.4 (its demo data,
//! which signs customers in by login name) by scripts/abantecart-record-signup, replayed on
//! loopback by tests/support/replay.rs: the connector's `a/account/create` requests are exactly
//! the recorded ones, the shop's refusals (HTTP 200, `status` 0) come back per field, and the new
//! account signs in by its e-mail (and the real shop read it with that session).

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use secrecy::{ExposeSecret, SecretString};
use shopterm::auth::password::PasswordSignIn;
use shopterm::platforms::abantecart::{AbanteCartShop, AbanteCartSignIn};
use shopterm::shop::{NewAccount, Shop, ShopError};
use std::sync::Arc;
use support::replay::{LOGIN, PASSWORD, ReplayServer, exchange};

const NEW_EMAIL: &str = "ada.signup@example.com";

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

fn account(email: &str, phone: Option<&str>, password: &str) -> NewAccount {
    NewAccount {
        email: email.into(),
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        password: SecretString::from(password),
        phone: phone.map(str::to_owned),
        salutation: None,
    }
}

fn fields(error: &ShopError) -> Vec<(String, String)> {
    match error {
        ShopError::Validation { fields, .. } => fields
            .iter()
            .map(|f| (f.field.clone(), f.message.clone()))
            .collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

#[test]
fn the_real_shop_asks_for_a_login_name_and_refuses_with_http_200() {
    let form = exchange("signup-form").json().expect("the form");
    assert_eq!(form["fields"]["loginname"]["required"], true);
    assert_eq!(form["fields"]["telephone"]["name"], "telephone");
    for name in ["signup-invalid", "signup-email-taken"] {
        let recorded = exchange(name);
        assert_eq!(recorded.response.status, 200, "{name}");
        assert_eq!(recorded.json().unwrap()["status"], 0, "{name}");
    }
    let taken = exchange("signup-email-taken").json().unwrap();
    assert!(
        taken["errors"]["email"]
            .as_str()
            .unwrap()
            .contains("already registered")
    );
    assert_eq!(exchange("signup-created").json().unwrap()["status"], 1);
}

#[tokio::test]
async fn sign_up_as_the_real_shop_answers_then_the_new_account_signs_in() {
    let server = ReplayServer::serving(
        [
            "signup-invalid",
            "signup-email-taken",
            "signup-created",
            "signup-login",
        ]
        .iter()
        .map(|name| exchange(name))
        .collect(),
    )
    .await;
    let anonymous =
        AbanteCartShop::new(server.shop_url(), http(), Arc::new(shopterm::auth::NoToken));
    let invalid = anonymous
        .register(&account(NEW_EMAIL, None, "x"))
        .await
        .unwrap_err();
    let invalid = fields(&invalid);
    let names: Vec<&str> = invalid.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(names, ["password", "phone"], "{invalid:?}");
    assert!(invalid[1].1.contains("between 3 and 32"), "{invalid:?}");

    let taken = anonymous
        .register(&account(LOGIN, Some("(602) 141-7191"), PASSWORD))
        .await
        .unwrap_err();
    let taken = fields(&taken);
    assert_eq!(
        taken.len(),
        1,
        "the login name's refusal is the e-mail's: {taken:?}"
    );
    assert_eq!(taken[0].0, "email");
    assert!(taken[0].1.contains("already registered"), "{taken:?}");

    anonymous
        .register(&account(NEW_EMAIL, Some("+46 31 123 456"), PASSWORD))
        .await
        .expect("the account is created");
    let tokens = AbanteCartSignIn
        .sign_in(
            &http(),
            &server.shop_url(),
            NEW_EMAIL,
            &SecretString::from(PASSWORD),
        )
        .await
        .expect("the new account signs in by its e-mail");
    assert_eq!(tokens.access_token.expose_secret(), "replay-token-1");
    // The real shop read the new account with that session (the connector's account read also
    // asks for the edit form, which the sign-up recording does not hold).
    let read = exchange("signup-account").json().expect("the account");
    assert_eq!(read["email"], NEW_EMAIL);
    assert_eq!(read["lastname"], "Lovelace");
    assert!(read["customer_id"].is_u64(), "{read}");
    assert_eq!(
        server.misses(),
        Vec::<String>::new(),
        "the connector sent requests the real shop was never asked"
    );
}
