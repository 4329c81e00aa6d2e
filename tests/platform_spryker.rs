//! The Spryker connector against the demo shop's Glue emulator, over real HTTP on loopback:
//! e-mail + password sign-in, refresh with rotating refresh tokens, sign-out that revokes at the
//! shop, the same token store as browser sign-ins, and the real `shopterm login` on it; the
//! customer resources (account edit, address book, orders with paging and detail, password
//! change, forgotten and restored password) as round trips against the demo store. The
//! emulator's answers and the connector's requests are checked against Spryker's own Glue
//! specification through Prism.
//!
//! What every password platform does alike (the account after sign-in, a refused password
//! storing nothing, sign-out ending the session, the features declared, the account, addresses
//! and newest orders as the store keeps them, no order search, a refused edit naming its field)
//! is checked once for all in tests/platform_contract.rs over the table in
//! tests/support/platform.rs; this file keeps what is particular to this platform.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use secrecy::ExposeSecret;
use shopterm::auth::{AuthError, StoredTokenSource, TokenSource, TokenStore};
use shopterm::connection;
use shopterm::model::*;
use shopterm::platforms::password_sign_in;
use shopterm::shop::{NewAccount, PasswordChange, PasswordReset, Shop, ShopError};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use support::demo::{buyer, http, reset_key_from_outbox};
use support::platform::{PROFILE, PlatformSetup, SPRYKER, assert_same_lines, field_names, secret};
use support::sandbox::Sandbox;

/// A raw Glue request (what a second client of the shop would send).
async fn post_json(url: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    let response = http().post(url).json(&body).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

async fn refresh_raw(glue: &str, refresh_token: &str) -> (u16, serde_json::Value) {
    post_json(
        &format!("{glue}/refresh-tokens"),
        serde_json::json!({"data": {"type": "refresh-tokens", "attributes": {"refreshToken": refresh_token}}}),
    )
    .await
}

async fn customers_raw(glue: &str, access_token: &str) -> u16 {
    http()
        .get(format!("{glue}/customers"))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_reads_the_glue_customer_and_stores_a_refresh_token_with_an_expiry() {
    // What every password platform stores, and a refused password: tests/platform_contract.rs.
    let setup = PlatformSetup::new(&SPRYKER).await;
    let login = buyer();

    let signed_in = setup
        .sign_in(&login.email, &login.password)
        .await
        .expect("sign-in");
    let account = signed_in.account.expect("the account");
    assert_eq!(account.id.to_string(), "DE--1", "Glue's customer reference");
    assert_eq!(account.first_name, "Katrin");
    assert!(account.created_at.is_some());

    let stored = setup.stored().expect("tokens are stored");
    assert!(stored.refresh_token.is_some());
    assert!(stored.expires_at.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_access_token_is_refreshed_and_the_spent_refresh_token_is_dead() {
    let setup = PlatformSetup::with_ttl(&SPRYKER, Duration::from_secs(2)).await;
    let glue = setup.shop_url();
    let first = setup.sign_in_buyer().await.tokens;
    let first_refresh = first.refresh_token.clone().unwrap();
    tokio::time::sleep(Duration::from_millis(2200)).await;
    // The old access token is refused by the shop now…
    assert_eq!(
        customers_raw(&glue, first.access_token.expose_secret()).await,
        401
    );
    // …but the connector refreshes before using it.
    let connection = connection::connect(&setup.paths, PROFILE, &setup.profile).unwrap();
    assert_eq!(
        connection.shop.account().await.unwrap().email,
        buyer().email
    );
    let second = setup.stored().expect("tokens are stored");
    assert_ne!(
        second.access_token.expose_secret(),
        first.access_token.expose_secret()
    );
    let second_refresh = second.refresh_token.clone().unwrap();
    assert_ne!(
        second_refresh.expose_secret(),
        first_refresh.expose_secret()
    );
    // Rotation: the spent refresh token is refused with Glue's code for it.
    let (status, body) = refresh_raw(&glue, first_refresh.expose_secret()).await;
    assert_eq!(status, 401);
    assert_eq!(body["errors"][0]["code"], "004");

    // A token the shop rejects before its expiry (ended elsewhere) is refreshed once, then the
    // request is repeated: the caller never sees the 401.
    let source = Arc::new(
        StoredTokenSource::load(
            TokenStore::new(&setup.paths.state_dir),
            PROFILE,
            setup.http.clone(),
            password_sign_in,
        )
        .unwrap(),
    );
    let live = source.bearer().await.unwrap();
    assert!(source.token_rejected(&live).await);
    let renewed = source.bearer().await.unwrap();
    assert_ne!(renewed.expose_secret(), live.expose_secret());
    assert_eq!(customers_raw(&glue, renewed.expose_secret()).await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_refresh_token_ends_the_session_as_expired() {
    let setup = PlatformSetup::with_ttl(&SPRYKER, Duration::from_secs(1)).await;
    let glue = setup.shop_url();
    let tokens = setup.sign_in_buyer().await.tokens;
    // Another client spends the refresh token (as a second device would after a leak).
    let (status, _) = refresh_raw(&glue, tokens.refresh_token.unwrap().expose_secret()).await;
    assert_eq!(status, 201);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let connection = connection::connect(&setup.paths, PROFILE, &setup.profile).unwrap();
    assert_eq!(
        connection.shop.account().await.unwrap_err(),
        ShopError::SessionExpired
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_revokes_the_refresh_token_at_glue() {
    // The sign-out report, the deleted tokens and the dead access token:
    // tests/platform_contract.rs. Here: Glue's refresh token is revoked too.
    let setup = PlatformSetup::new(&SPRYKER).await;
    let glue = setup.shop_url();
    let tokens = setup.sign_in_buyer().await.tokens;
    connection::sign_out(&setup.paths, PROFILE, &setup.http)
        .await
        .unwrap();
    let (status, _) = refresh_raw(&glue, tokens.refresh_token.unwrap().expose_secret()).await;
    assert_eq!(status, 401, "the refresh token still works after sign-out");
    assert_eq!(
        customers_raw(&glue, tokens.access_token.expose_secret()).await,
        401
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_after_the_access_token_expired_still_revokes() {
    let setup = PlatformSetup::with_ttl(&SPRYKER, Duration::from_secs(1)).await;
    let glue = setup.shop_url();
    let tokens = setup.sign_in_buyer().await.tokens;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let report = connection::sign_out(&setup.paths, PROFILE, &setup.http)
        .await
        .unwrap();
    assert!(report.revocation_errors.is_empty(), "{report:?}");
    // Nothing of the session is left at the shop: the stored refresh token was spent to renew
    // the access token for the revocation, and the renewed one was revoked.
    let (status, _) = refresh_raw(&glue, tokens.refresh_token.unwrap().expose_secret()).await;
    assert_eq!(status, 401);
    assert_eq!(setup.demo.state.emulator_logins.live("spryker", 1), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_signs_in_with_a_password_from_stdin_and_out_again() {
    let setup = PlatformSetup::new(&SPRYKER).await;
    let glue = setup.shop_url();
    let login = buyer();
    let sandbox = Sandbox::new();
    // Without --platform, shopterm looks for an OAuth server, finds none, and says what to do.
    let unsaid = sandbox.run(&["login", &glue]).await;
    let wrong = sandbox
        .password_login(&glue, "spryker", &login.email, "not-it")
        .await;
    let right = sandbox
        .password_login(&glue, "spryker", &login.email, &login.password)
        .await;
    // The profile is named after the host and port: the one token file there is.
    let token_path = std::fs::read_dir(sandbox.path("state/tokens"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .expect("a token file");
    let token_file = std::fs::read_to_string(token_path).unwrap();
    let mut outputs = vec![unsaid, wrong, right];
    for args in [
        &["whoami"][..],
        &["account", "--json"],
        &["orders", "--limit", "3", "--json"],
        &["orders", "--search", "SO"],
        &["logout"],
        &["whoami"],
    ] {
        outputs.push(sandbox.run(args).await);
    }
    let log = std::fs::read_to_string(sandbox.log_file()).unwrap_or_default();
    let outputs: Vec<(Option<i32>, String, String)> = outputs
        .into_iter()
        .map(|run| (run.status.code(), run.stdout, run.stderr))
        .collect();
    // No token in any output or in the trace-level log.
    let token_file: serde_json::Value = serde_json::from_str(&token_file).unwrap();
    let secrets = [
        token_file["access_token"].as_str().unwrap(),
        token_file["refresh_token"].as_str().unwrap(),
    ];
    assert!(log.contains("signed in with a password"), "{log}");
    for secret in secrets {
        assert!(secret.len() > 16);
        assert!(!log.contains(secret), "a token in the log");
        for (_, out, err) in &outputs {
            assert!(!out.contains(secret) && !err.contains(secret));
        }
    }
    let [
        unsaid,
        wrong,
        right,
        whoami,
        account,
        orders,
        search,
        logout,
        after,
    ] = &outputs[..]
    else {
        unreachable!()
    };
    assert_ne!(unsaid.0, Some(0));
    assert!(unsaid.2.contains("--platform spryker"), "{unsaid:?}");
    assert_ne!(wrong.0, Some(0));
    assert!(
        wrong.2.contains("did not accept this e-mail and password"),
        "{wrong:?}"
    );
    assert!(!wrong.2.contains("not-it") && !wrong.1.contains("not-it"));
    assert_eq!(right.0, Some(0), "{right:?}");
    assert!(right.1.contains(&login.email), "{right:?}");
    assert_eq!(whoami.0, Some(0), "{whoami:?}");
    assert!(whoami.1.contains("DE--1") && whoami.1.contains(&login.email));
    assert!(whoami.1.contains("Refresh token: yes"), "{whoami:?}");
    assert_eq!(account.0, Some(0), "{account:?}");
    let json: serde_json::Value = serde_json::from_str(&account.1).unwrap();
    assert_eq!(json["email"], login.email.as_str());
    // The order history pages through Glue; a search is refused as unsupported (exit 7), not
    // answered with an unfiltered list.
    assert_eq!(orders.0, Some(0), "{orders:?}");
    assert_eq!(
        orders.1.lines().filter(|l| l.contains("SO-")).count(),
        3,
        "{orders:?}"
    );
    assert_eq!(search.0, Some(7), "{search:?}");
    assert!(search.2.contains("searching orders"), "{search:?}");
    assert_eq!(logout.0, Some(0), "{logout:?}");
    assert!(logout.1.contains("revoked"), "{logout:?}");
    assert_ne!(after.0, Some(0), "{after:?}");
    assert!(after.2.contains("not signed in"), "{after:?}");
    // The profile remembers the platform.
    sandbox.assert_config_platform("spryker");
    for (_, out, err) in &outputs {
        assert!(!out.contains(&login.password) && !err.contains(&login.password));
    }
}

/// Every request the connector sends and every answer the emulator gives, checked against
/// Spryker's Glue specification (tests/specs/spryker) by Prism's validating proxy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emulator_and_the_connector_follow_the_glue_specification() {
    let setup = PlatformSetup::new(&SPRYKER).await;
    let upstream = setup.shop_url();
    let spec = glue_spec_for_edits(setup.dir.path());
    let proxy = tokio::task::spawn_blocking(move || support::prism::Prism::start(&spec, &upstream))
        .await
        .unwrap();
    let setup = setup.through(&proxy.base_url);
    let login = buyer();

    let wrong = setup.sign_in(&login.email, "nope").await;
    assert!(matches!(wrong, Err(AuthError::WrongCredentials(_))));
    let signed_in = setup
        .sign_in(&login.email, &login.password)
        .await
        .expect("sign-in through Prism");
    assert!(signed_in.account.is_ok(), "{:?}", signed_in.account);
    // A refresh and a rejected token, through the connector's own path.
    let source = StoredTokenSource::load(
        TokenStore::new(&setup.paths.state_dir),
        PROFILE,
        setup.http.clone(),
        password_sign_in,
    )
    .unwrap();
    let live = source.bearer().await.unwrap();
    assert!(source.token_rejected(&live).await);
    let refreshed = source.bearer().await.unwrap();
    // Glue's customer resource by reference, and its errors.
    let customer = |reference: &str| {
        let url = format!("{}/customers/{reference}", proxy.base_url);
        http()
            .get(url)
            .bearer_auth(refreshed.expose_secret())
            .send()
    };
    assert_eq!(customer("DE--1").await.unwrap().status(), 200);
    assert_eq!(
        customer("DE--2").await.unwrap().status(),
        403,
        "a foreign one"
    );

    // Every customer resource the connector uses, through Prism.
    let shop = connection::connect(&setup.paths, PROFILE, &setup.profile)
        .unwrap()
        .shop;
    exercise_customer_resources(&*shop, &setup).await;
    // Glue's 404 for an unknown order, through Prism too (the contract suite asks it directly).
    assert!(matches!(
        shop.order(&OrderNumber::from("SO-NOT-THERE")).await,
        Err(ShopError::NotFound(_))
    ));
    // The password: a refused change, a change, and the sign-in with the new one.
    let new_password = "prism-checked-passphrase-1";
    let refused = shop
        .change_password(&PasswordChange {
            current: secret("not-the-current-one"),
            new: secret(new_password),
        })
        .await
        .unwrap_err();
    assert_eq!(field_names(&refused), ["current_password"], "{refused:?}");
    shop.change_password(&PasswordChange {
        current: secret(&login.password),
        new: secret(new_password),
    })
    .await
    .expect("password change through Prism");
    setup
        .sign_in(&login.email, new_password)
        .await
        .expect("sign-in with the changed password");
    // Forgotten password and the restore with the mailed key (and with a wrong one).
    let shop = connection::connect(&setup.paths, PROFILE, &setup.profile)
        .unwrap()
        .shop;
    shop.request_password_reset(&login.email).await.unwrap();
    let key = reset_key_from_outbox(&setup.demo, &login.email).await;
    restore_refusing_a_wrong_key(&*shop, &key, "restored-through-prism-2").await;
    setup
        .sign_in(&login.email, "restored-through-prism-2")
        .await
        .expect("sign-in with the restored password");

    let report = connection::sign_out(&setup.paths, PROFILE, &setup.http)
        .await
        .unwrap();
    assert!(report.revocation_errors.is_empty(), "{report:?}");
    // Without a token, Glue's 403 "002" (straight to the emulator: Prism refuses such a
    // request itself, as the description requires a bearer token).
    let anonymous = http()
        .get(format!("{}/spryker/customers", setup.demo.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 403);
    let body: serde_json::Value = anonymous.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "002");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        proxy.forwarded() >= 40,
        "only {} requests went through Prism",
        proxy.forwarded()
    );
    proxy.assert_no_violations();
}

/// Restores the password with the mailed `key`.
async fn reset_with(shop: &dyn Shop, key: &str, new_password: &str) -> Result<(), ShopError> {
    let reset = PasswordReset {
        key: secret(key),
        new_password: secret(new_password),
    };
    shop.reset_password(&reset).await
}

/// A made-up key is refused as a field error (`key`); then the mailed `key` sets `new_password`.
async fn restore_refusing_a_wrong_key(shop: &dyn Shop, key: &str, new_password: &str) {
    let wrong = reset_with(shop, "0000not-the-key0000", new_password).await;
    let error = wrong.expect_err("a made-up key restores nothing");
    assert_eq!(field_names(&error), ["key"], "{error:?}");
    let restored = reset_with(shop, key, new_password).await;
    restored.expect("the mailed key restores the password");
}

/// Spryker's generated specification shares `RestCustomersRequestAttributes` between sign-up
/// (`POST /customers`) and the edit (`PATCH /customers/{customerId}`), so it marks sign-up's
/// `password`, `confirmPassword` and `acceptedTerms` required on the edit too. Glue's validation
/// of the edit does not require them (Spryker's own API suite sends partial PATCH bodies), and a
/// name change has no password to send. This copy of the specification gives the edit the same
/// attributes without `required`; everything else is checked as published.
fn glue_spec_for_edits(dir: &Path) -> PathBuf {
    let published = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/specs/spryker/spryker_rest_api.schema.yml"
    ));
    let text = std::fs::read_to_string(published).unwrap();
    let path_at = text
        .find("\n    '/customers/{customerId}':\n")
        .expect("the customer path");
    let patch_at = path_at + text[path_at..].find("\n        patch:\n").unwrap();
    let next_method = patch_at + text[patch_at..].find("\n        delete:\n").unwrap();
    let reference = "$ref: '#/components/schemas/RestCustomersRequest'\n";
    let ref_at = patch_at + text[patch_at..].find(reference).unwrap();
    assert!(ref_at < next_method, "the edit's request body moved");
    let mut edited = String::new();
    edited.push_str(&text[..ref_at]);
    edited.push_str("$ref: '#/components/schemas/RestCustomersEditRequest'\n");
    edited.push_str(&text[ref_at + reference.len()..]);
    let schemas = "\n    schemas:\n";
    let schemas_at = edited.find(schemas).unwrap() + schemas.len();
    let edit_schema = "        RestCustomersEditRequest:
            properties:
                data:
                    properties:
                        type: {type: string}
                        attributes:
                            properties:
                                firstName: {type: string}
                                lastName: {type: string}
                                gender: {type: string}
                                salutation: {type: string}
                                email: {type: string}
                                password: {type: string}
                                confirmPassword: {type: string}
                                acceptedTerms: {type: boolean}
";
    edited.insert_str(schemas_at, edit_schema);
    let path = dir.join("spryker_rest_api.edit.yml");
    std::fs::write(&path, edited).unwrap();
    path
}

/// The buyer is customer 1 in the demo store (`DE--1` on Glue).
const BUYER: i64 = 1;

fn postal(line1: &str, city: &str) -> PostalAddress {
    PostalAddress {
        first_name: "Jonas".into(),
        last_name: "Lindqvist".into(),
        company: Some("Vogel Nord AB".into()),
        line1: line1.into(),
        line2: Some("Goods entrance 3".into()),
        city: city.into(),
        postcode: "41104".into(),
        region: None,
        country: "SE".into(),
        phone: Some("+46 31 555 0101".into()),
    }
}

/// Account edit, address book, orders: what both the loopback tests and the Prism test run.
async fn exercise_customer_resources(shop: &dyn Shop, setup: &PlatformSetup) {
    // What Glue declares, no order search and an unknown order: tests/platform_contract.rs.
    // The account: a new last name, read back from the shop and seen in the store.
    let before = shop.account().await.unwrap();
    let mut draft = before.to_draft();
    draft.last_name = "Vogel-Lindqvist".into();
    let saved = shop.update_account(&draft).await.unwrap();
    assert_eq!(saved.last_name, "Vogel-Lindqvist");
    assert_eq!(saved.id, before.id);
    assert_eq!(shop.account().await.unwrap().last_name, "Vogel-Lindqvist");
    let stored = setup.in_store(|s| s.account(BUYER)).await.unwrap();
    assert_eq!(stored.last_name, "Vogel-Lindqvist");
    // The store keeps what Glue has no attribute for.
    assert_eq!(stored.phone.as_deref(), Some("+49 30 5557 1200"));
    // A first name of blanks only (an empty one, and the phone Glue has no attribute for:
    // tests/platform_contract.rs).
    let mut blank = before.to_draft();
    blank.first_name = " ".into();
    let refused = shop.update_account(&blank).await.unwrap_err();
    assert_eq!(field_names(&refused), ["first_name"], "{refused:?}");
    shop.update_account(&before.to_draft()).await.unwrap();

    // The address book, as the store has it.
    let book = shop.addresses().await.unwrap();
    let stored = setup.in_store(|s| s.addresses(BUYER)).await.unwrap();
    assert_eq!(book.len(), stored.len());
    for (ours, theirs) in book.iter().zip(&stored) {
        assert_eq!(ours.postal.line1, theirs.postal.line1);
        assert_eq!(ours.postal.line2, theirs.postal.line2);
        assert_eq!(ours.postal.postcode, theirs.postal.postcode);
        assert_eq!(ours.postal.country, theirs.postal.country);
        assert_eq!(ours.default_shipping, theirs.default_shipping);
        assert_eq!(ours.default_billing, theirs.default_billing);
    }
    // Add, edit, make default, delete.
    let added = shop
        .create_address(&postal("Kungsgatan 12", "Göteborg"))
        .await
        .unwrap();
    assert_eq!(added.postal, postal("Kungsgatan 12", "Göteborg"));
    assert!(!added.default_shipping && !added.default_billing);
    let mut changed = postal("Kungsgatan 14", "Göteborg");
    changed.line2 = None;
    let updated = shop.update_address(&added.id, &changed).await.unwrap();
    assert_eq!(updated.id, added.id);
    assert_eq!(updated.postal.line1, "Kungsgatan 14");
    assert_eq!(updated.postal.line2, None);
    let book = shop
        .set_default_address(&added.id, AddressRole::Shipping)
        .await
        .unwrap();
    let defaults: Vec<_> = book.iter().filter(|a| a.default_shipping).collect();
    assert_eq!(defaults.len(), 1);
    assert_eq!(defaults[0].id, added.id);
    assert_eq!(defaults[0].postal.line1, "Kungsgatan 14");
    let book = shop
        .set_default_address(&added.id, AddressRole::Billing)
        .await
        .unwrap();
    assert!(book.iter().any(|a| a.id == added.id && a.default_billing));
    assert_eq!(book.iter().filter(|a| a.default_billing).count(), 1);
    let spare = shop
        .create_address(&postal("Avenyn 1", "Göteborg"))
        .await
        .unwrap();
    shop.delete_address(&spare.id).await.unwrap();
    let book = shop.addresses().await.unwrap();
    assert!(!book.iter().any(|a| a.id == spare.id));
    assert!(book.iter().any(|a| a.id == added.id));
    assert!(matches!(
        shop.delete_address(&spare.id).await,
        Err(ShopError::NotFound(_))
    ));
    let mut no_city = postal("Avenyn 2", "");
    no_city.city.clear();
    let refused = shop.create_address(&no_city).await.unwrap_err();
    assert_eq!(field_names(&refused), ["city"], "{refused:?}");
    let mut with_region = postal("Avenyn 3", "Göteborg");
    with_region.region = Some("Västra Götaland".into());
    let refused = shop.create_address(&with_region).await.unwrap_err();
    assert_eq!(field_names(&refused), ["region"], "{refused:?}");

    // Orders: two pages in the store's order, then the last page with the total.
    let first = shop.orders(&PageRequest::first(20)).await.unwrap();
    let second = shop
        .orders(&PageRequest::first(20).next(first.items.len()))
        .await
        .unwrap();
    let expected = setup
        .in_store(|s| {
            s.orders(
                BUYER,
                &PageRequest {
                    offset: 0,
                    limit: 40,
                    filter: OrderFilter::default(),
                },
            )
        })
        .await
        .unwrap();
    assert_eq!(first.items.len(), 20);
    assert_eq!(second.items.len(), 20);
    assert!(first.has_more && second.has_more);
    assert_eq!(second.offset, 20);
    let numbers: Vec<_> = first
        .items
        .iter()
        .chain(&second.items)
        .map(|o| o.number.clone())
        .collect();
    let expected_numbers: Vec<_> = expected.items.iter().map(|o| o.number.clone()).collect();
    assert_eq!(numbers, expected_numbers);
    for (ours, theirs) in first.items.iter().chain(&second.items).zip(&expected.items) {
        assert_eq!(ours.total, theirs.total);
        assert_eq!(
            ours.placed_at.unix_timestamp(),
            theirs.placed_at.unix_timestamp()
        );
    }
    let total = expected.total.unwrap();
    let last = shop
        .orders(&PageRequest {
            offset: total - 5,
            limit: 20,
            filter: OrderFilter::default(),
        })
        .await
        .unwrap();
    assert_eq!(last.items.len(), 5);
    assert!(!last.has_more);
    assert_eq!(last.total, Some(total));

    // One order with several lines and a parcel, opened: lines, totals and shipments as stored.
    let candidates: Vec<OrderNumber> = expected.items.iter().map(|o| o.number.clone()).collect();
    let stored = setup
        .in_store(move |s| {
            candidates
                .iter()
                .filter_map(|n| s.order(BUYER, n).ok())
                .find(|o| {
                    o.lines.len() > 1
                        && !o.shipments.is_empty()
                        && matches!(
                            o.summary.status,
                            OrderStatus::Shipped | OrderStatus::Delivered
                        )
                })
        })
        .await
        .expect("a sent order with several lines among the newest 40");
    let detail = shop.order(&stored.summary.number).await.unwrap();
    assert_eq!(detail.summary.number, stored.summary.number);
    assert_eq!(detail.summary.status, stored.summary.status, "{detail:?}");
    assert!(!detail.summary.status_label.is_empty());
    assert_eq!(detail.totals, stored.totals);
    assert_eq!(detail.summary.total, stored.summary.total);
    assert_same_lines(&detail.lines, &stored.lines);
    assert_eq!(
        detail.summary.item_count,
        stored.lines.iter().map(|l| l.quantity).sum::<u32>()
    );
    assert_eq!(
        detail.shipping_address.as_ref().map(|a| &a.line1),
        stored.shipping_address.as_ref().map(|a| &a.line1)
    );
    assert_eq!(detail.shipments.len(), stored.shipments.len());
    for (ours, theirs) in detail.shipments.iter().zip(&stored.shipments) {
        assert_eq!(ours.id, theirs.id);
        assert_eq!(ours.carrier, theirs.carrier);
        assert!(ours.service.is_some());
        // Glue has no tracking numbers.
        assert_eq!(ours.tracking_id, None);
        assert!(!ours.lines.is_empty());
        for line in &ours.lines {
            assert!(theirs.lines.iter().any(|l| l.code == line.code), "{ours:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_addresses_and_orders_round_trip() {
    let setup = PlatformSetup::new(&SPRYKER).await;
    let shop = setup.buyer_shop().await;
    exercise_customer_resources(&*shop, &setup).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_change_forgotten_and_restore() {
    let setup = PlatformSetup::new(&SPRYKER).await;
    let login = buyer();
    let shop = setup.buyer_shop().await;
    let sign_in = |pass: String| {
        let (setup, email) = (&setup, login.email.clone());
        async move { setup.sign_in(&email, &pass).await }
    };

    // Change: a wrong current password and a too short new one are field errors.
    let wrong = shop
        .change_password(&PasswordChange {
            current: secret("not-the-password"),
            new: secret("a-long-enough-passphrase"),
        })
        .await
        .unwrap_err();
    assert_eq!(field_names(&wrong), ["current_password"], "{wrong:?}");
    let short = shop
        .change_password(&PasswordChange {
            current: secret(&login.password),
            new: secret("short"),
        })
        .await
        .unwrap_err();
    assert_eq!(field_names(&short), ["new_password"], "{short:?}");
    assert!(!short.to_string().contains(&login.password));
    shop.change_password(&PasswordChange {
        current: secret(&login.password),
        new: secret("changed-in-the-glue-test"),
    })
    .await
    .unwrap();
    assert!(sign_in(login.password.clone()).await.is_err());
    sign_in("changed-in-the-glue-test".into())
        .await
        .expect("the new password signs in");
    // The emulator ends no session on a change (see emulator.rs): the connection still works.
    assert_eq!(shop.account().await.unwrap().email, login.email);

    // Forgotten: 204 for an unknown e-mail too (nothing mailed), a mail with a key for a known one.
    let before = setup.in_store(|s| s.outbox()).await.unwrap().len();
    shop.request_password_reset("nobody@demo.shopterm.example")
        .await
        .unwrap();
    assert_eq!(setup.in_store(|s| s.outbox()).await.unwrap().len(), before);
    let message = shop.request_password_reset(&login.email).await.unwrap();
    assert!(!message.is_empty());
    let key = reset_key_from_outbox(&setup.demo, &login.email).await;
    let refused = shop
        .request_password_reset("not an e-mail")
        .await
        .unwrap_err();
    assert_eq!(field_names(&refused), ["email"], "{refused:?}");
    // Restore: a wrong key is a field error, the mailed key sets the password once.
    restore_refusing_a_wrong_key(&*shop, &key, "restored-in-the-glue-test").await;
    sign_in("restored-in-the-glue-test".into())
        .await
        .expect("the restored password signs in");
    assert!(sign_in("changed-in-the-glue-test".into()).await.is_err());
    let again = reset_with(&*shop, &key, "restored-once-more-here")
        .await
        .unwrap_err();
    assert_eq!(
        field_names(&again),
        ["key"],
        "the key works once: {again:?}"
    );
}

/// Sign-up (`POST /customers`) and anonymisation (`DELETE /customers/{customerId}`) through
/// Prism: the connector's requests and the emulator's answers, the 201, the documented 422 for
/// a taken e-mail (Glue's code "400", read as a field error on `email`), and the 204; the
/// anonymised customer's password no longer signs in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_and_anonymisation_follow_the_glue_specification() {
    let setup = PlatformSetup::new(&SPRYKER).await;
    let upstream = setup.shop_url();
    let spec = glue_spec_for_edits(setup.dir.path());
    let proxy = tokio::task::spawn_blocking(move || support::prism::Prism::start(&spec, &upstream))
        .await
        .unwrap();
    let setup = setup.through(&proxy.base_url);
    let account = |email: &str| NewAccount {
        email: email.into(),
        first_name: "Grace".into(),
        last_name: "Hopper".into(),
        password: secret("Compiled-in-1952"),
        phone: None,
        salutation: Some("Ms".into()),
    };
    let signed_up = connection::sign_up(
        &setup.paths,
        PROFILE,
        &setup.profile,
        &setup.http,
        &account("grace@example.com"),
    )
    .await
    .expect("sign-up and sign-in through Prism");
    let created = signed_up.account.expect("the new account reads");
    assert_eq!(created.email, "grace@example.com");
    assert_eq!(created.last_name, "Hopper");
    assert!(created.id.as_str().starts_with("DE--"), "{created:?}");

    let anonymous = connection::make_shop(
        &setup.profile,
        &setup.http,
        Arc::new(shopterm::auth::NoToken),
    )
    .unwrap();
    let taken = anonymous
        .register(&account("GRACE@example.com"))
        .await
        .unwrap_err();
    assert_eq!(field_names(&taken), ["email"], "{taken:?}");
    let mut weak = account("weak@example.com");
    weak.password = secret("short");
    let weak = anonymous.register(&weak).await.unwrap_err();
    assert_eq!(field_names(&weak), ["password"], "{weak:?}");
    // Glue requires a gender (Male or Female), taken from the salutation: a Dr is refused
    // here, before anything is sent.
    let mut doctor = account("dr@example.com");
    doctor.salutation = Some("Dr".into());
    let doctor = anonymous.register(&doctor).await.unwrap_err();
    assert_eq!(field_names(&doctor), ["salutation"], "{doctor:?}");

    let connection = connection::connect(&setup.paths, PROFILE, &setup.profile).unwrap();
    let report = connection::delete_account(&setup.paths, &connection)
        .await
        .expect("anonymisation through Prism");
    assert!(report.was_signed_in, "{report:?}");
    assert!(setup.stored().is_none(), "the tokens are removed");
    let again = setup.sign_in("grace@example.com", "Compiled-in-1952").await;
    assert!(
        matches!(again, Err(AuthError::WrongCredentials(_))),
        "{:?}",
        again.err()
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        proxy.forwarded() >= 6,
        "only {} through Prism",
        proxy.forwarded()
    );
    proxy.assert_no_violations();
}
