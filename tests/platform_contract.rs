//! What every password platform does the same way, run over every platform of the registry
//! (`shopterm::platforms::PLATFORMS`) that signs in with a password, with what the tests expect
//! of each kept beside the setup in tests/support/platform.rs (today Spryker, Centra, AbanteCart,
//! each against its emulator in the demo shop, over loopback HTTP): the account loads after sign-in and the tokens are stored like any
//! sign-in's; a wrong password is refused in the same words and nothing is stored; sign-out ends
//! the session at the shop and deletes the tokens; the account, addresses and orders read as the
//! store keeps them, and what a platform lacks is said, not pretended; a refused account edit
//! names its field and saves nothing. What only one platform does stays in its
//! `tests/platform_<name>.rs`.

#[allow(dead_code)] // each test binary uses a part of the shared support module
mod support;

use shopterm::auth::AuthError;
use shopterm::auth::password::is_wrong_credentials;
use shopterm::auth::store::TokenIssuer;
use shopterm::connection;
use shopterm::demo::RunningDemo;
use shopterm::model::{OrderFilter, OrderNumber, PageRequest};
use shopterm::shop::{Feature, ShopError};
use std::sync::Arc;
use std::time::Duration;
use support::demo::{buyer, spawn_demo};
use support::platform::{
    PROFILE, PlatformSetup, assert_same_lines, field_names, password_platforms,
};
use support::sandbox::mode_of;

/// One demo shop for every platform of a scenario: its emulators answer side by side, and each
/// setup has its own sandbox and sign-in.
async fn shared_demo() -> Arc<RunningDemo> {
    Arc::new(spawn_demo(Duration::from_secs(3600)).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_loads_after_sign_in_and_the_tokens_are_stored_like_any_sign_ins() {
    let login = buyer();
    let demo = shared_demo().await;
    for platform in password_platforms() {
        let setup = PlatformSetup::sharing(&demo, platform);
        let signed_in = setup
            .sign_in(&login.email, &login.password)
            .await
            .unwrap_or_else(|e| panic!("{}: sign-in failed: {e}", platform.name()));
        let account = signed_in
            .account
            .unwrap_or_else(|e| panic!("{}: no account after sign-in: {e}", platform.name()));
        assert_eq!(account.email, login.email, "{}", platform.name());
        assert!(!account.first_name.is_empty(), "{}", platform.name());

        // 0600, the platform recorded as the issuer, the account's e-mail, never the password.
        let file = setup.token_file();
        assert_eq!(mode_of(&file), 0o600, "{}", platform.name());
        let stored = setup.stored().expect("tokens are stored");
        assert_eq!(
            stored.issued_by,
            TokenIssuer::Platform {
                platform: platform.name().into(),
                shop_url: setup.profile.shop_url.clone(),
            },
            "{}",
            platform.name()
        );
        assert_eq!(stored.account_email.as_deref(), Some(login.email.as_str()));
        let text = std::fs::read_to_string(&file).expect("token file");
        assert!(!text.contains(&login.password), "{}", platform.name());

        // A later process connects with the stored tokens and reads the same account.
        let connection = connection::connect(&setup.paths, PROFILE, &setup.profile)
            .unwrap_or_else(|e| panic!("{}: connect: {e}", platform.name()));
        assert_eq!(connection.shop.platform(), platform.label());
        assert_eq!(
            connection.shop.account().await.map(|a| a.email),
            Ok(login.email.clone()),
            "{}",
            platform.name()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_refused_in_the_same_words_and_nothing_is_stored() {
    let login = buyer();
    let wrong = "not-the-password-4711";
    let demo = shared_demo().await;
    for platform in password_platforms() {
        let setup = PlatformSetup::sharing(&demo, platform);
        // A known e-mail with a wrong password, and an unknown e-mail with a right one.
        for (email, password) in [
            (login.email.as_str(), wrong),
            ("nobody@demo.shopterm.example", login.password.as_str()),
        ] {
            let error = match setup.sign_in(email, password).await {
                Err(error) => error,
                Ok(_) => panic!(
                    "{}: {email} signed in with a wrong password",
                    platform.name()
                ),
            };
            assert!(
                matches!(error, AuthError::WrongCredentials(_)) && is_wrong_credentials(&error),
                "{}: {email}: {error:?}",
                platform.name()
            );
            // The same words whether the e-mail exists or not, and never the password.
            assert_eq!(
                error.to_string(),
                "the shop did not accept this e-mail and password",
                "{}: {email}",
                platform.name()
            );
            assert!(!setup.token_file().exists(), "{}: stored", platform.name());
        }
        assert!(setup.stored().is_none(), "{}", platform.name());
        assert!(
            matches!(
                connection::connect(&setup.paths, PROFILE, &setup.profile),
                Err(AuthError::Shop(ShopError::NotSignedIn))
            ),
            "{}",
            platform.name()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_ends_the_session_at_the_shop_and_deletes_the_tokens() {
    let login = buyer();
    let demo = shared_demo().await;
    for platform in password_platforms() {
        let setup = PlatformSetup::sharing(&demo, platform);
        setup
            .sign_in(&login.email, &login.password)
            .await
            .unwrap_or_else(|e| panic!("{}: sign-in failed: {e}", platform.name()));
        let token = setup.access_token();
        assert_eq!(
            setup.account_with(&token).await,
            Ok(login.email.clone()),
            "{}: the session works before sign-out",
            platform.name()
        );

        let report = connection::sign_out(&setup.paths, PROFILE, &setup.http)
            .await
            .unwrap_or_else(|e| panic!("{}: sign-out: {e}", platform.name()));
        assert!(report.was_signed_in, "{}", platform.name());
        assert!(report.server_revocation, "{}", platform.name());
        assert!(
            report.revocation_errors.is_empty(),
            "{}: {:?}",
            platform.name(),
            report.revocation_errors
        );
        assert!(report.deleted, "{}", platform.name());
        assert!(!setup.token_file().exists(), "{}", platform.name());
        // The shop no longer takes the old token.
        assert_eq!(
            setup.account_with(&token).await,
            Err(ShopError::SessionExpired),
            "{}: the session outlived sign-out",
            platform.name()
        );

        // Signing out again: nothing stored, nothing to end, no error.
        let again = connection::sign_out(&setup.paths, PROFILE, &setup.http)
            .await
            .unwrap_or_else(|e| panic!("{}: second sign-out: {e}", platform.name()));
        assert!(!again.was_signed_in, "{}", platform.name());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_addresses_and_orders_read_as_the_store_keeps_them() {
    let demo = shared_demo().await;
    for platform in password_platforms() {
        let (name, setup) = (platform.name(), PlatformSetup::sharing(&demo, platform));
        let shop = setup.buyer_shop().await;
        let (account, addresses, orders) = setup
            .with_buyer_in_store(|s, key| {
                let orders = s.orders(key, &PageRequest::first(10))?;
                Ok((s.account(key)?, s.addresses(key)?, orders))
            })
            .await;

        // Exactly the features the platform's row names, nothing pretended.
        let features: Vec<String> = shop
            .capabilities()
            .iter()
            .map(|f| format!("{f:?}"))
            .collect();
        assert_eq!(
            features.join(" "),
            platform
                .features
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            "{name}"
        );

        let read = shop.account().await.expect("the account");
        assert_eq!(read.email, account.email, "{name}");
        assert_eq!(read.first_name, account.first_name, "{name}");
        assert_eq!(read.last_name, account.last_name, "{name}");

        // Every address the shop lists is one the store keeps for the buyer.
        match shop.addresses().await {
            Ok(listed) if shop.capabilities().supports(Feature::Addresses) => {
                assert!(!listed.is_empty(), "{name}: the buyer has addresses");
                for address in &listed {
                    assert!(
                        addresses
                            .iter()
                            .any(|kept| kept.postal.line1 == address.postal.line1
                                && kept.postal.postcode == address.postal.postcode
                                && kept.postal.country == address.postal.country),
                        "{name}: {address:?} is not in the store"
                    );
                }
                if shop.capabilities().supports(Feature::AddressBook) {
                    assert_eq!(listed.len(), addresses.len(), "{name}: the whole book");
                }
            }
            other => {
                assert!(!shop.capabilities().supports(Feature::Addresses), "{name}");
                assert_eq!(
                    other,
                    Err(ShopError::Unsupported(Feature::Addresses)),
                    "{name}"
                );
            }
        }

        // The newest ten orders in the store's order (AbanteCart's numbers lose the "SO-").
        let page = shop.orders(&PageRequest::first(10)).await.expect("orders");
        assert_eq!(page.offset, 0, "{name}");
        if page.total.is_some() {
            // Where the first page counts the orders (Glue counts on the last one).
            assert_eq!(page.total, orders.total, "{name}");
        }
        assert!(page.has_more, "{name}");
        assert_eq!(page.items.len(), 10, "{name}");
        for (got, want) in page.items.iter().zip(&orders.items) {
            assert!(
                want.number.as_str().ends_with(got.number.as_str()),
                "{name}: {} for {}",
                got.number,
                want.number
            );
            assert_eq!(
                got.total.currency, want.total.currency,
                "{name}: {}",
                got.number
            );
            assert_eq!(
                got.placed_at.date(),
                want.placed_at.to_offset(time::UtcOffset::UTC).date(),
                "{name}: {}",
                got.number
            );
        }
        // No platform filters or searches at the shop: said, not answered unfiltered.
        let searched = PageRequest {
            filter: OrderFilter {
                search: Some("SO".into()),
                ..OrderFilter::default()
            },
            ..PageRequest::first(10)
        };
        assert_eq!(
            shop.orders(&searched).await,
            Err(ShopError::Unsupported(Feature::OrderSearch)),
            "{name}"
        );

        // An order opens with the lines and totals the store has; an unknown one is not found.
        if shop.capabilities().supports(Feature::OrderDetail) {
            let newest = &orders.items[0].number;
            let number = newest.clone();
            let kept = setup
                .with_buyer_in_store(move |s, key| s.order(key, &number))
                .await;
            let opened = shop.order(newest).await.expect("the order opens");
            assert_eq!(opened.summary.number, kept.summary.number, "{name}");
            assert_eq!(opened.totals, kept.totals, "{name}");
            assert_same_lines(&opened.lines, &kept.lines);
            assert!(
                matches!(
                    shop.order(&OrderNumber::from("SO-NOT-THERE")).await,
                    Err(ShopError::NotFound(_))
                ),
                "{name}"
            );
        } else {
            assert_eq!(
                shop.order(&orders.items[0].number).await,
                Err(ShopError::Unsupported(Feature::OrderDetail)),
                "{name}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_account_edit_names_its_field_and_saves_nothing() {
    let demo = shared_demo().await;
    for platform in password_platforms() {
        let (name, setup) = (platform.name(), PlatformSetup::sharing(&demo, platform));
        let shop = setup.buyer_shop().await;
        let before = shop.account().await.expect("the account");

        let mut nameless = before.to_draft();
        nameless.first_name = String::new();
        let refused = shop.update_account(&nameless).await.unwrap_err();
        assert_eq!(field_names(&refused), ["first_name"], "{name}: {refused:?}");

        // A field the platform has nowhere to keep is not declared (so the TUI's form and the
        // CLI leave it out), and refused, not dropped, if sent anyway.
        let unkept_feature = Feature::for_account_field(platform.unkept_account_field)
            .expect("an optional account field");
        assert!(
            !shop.capabilities().supports(unkept_feature),
            "{name} declares {unkept_feature:?}"
        );
        let mut unkept = before.to_draft();
        match platform.unkept_account_field {
            "phone" => unkept.phone = Some("+49 30 1".into()),
            "company" => unkept.company = Some("Elsewhere GmbH".into()),
            other => panic!("{name}: no draft field {other}"),
        }
        let refused = shop.update_account(&unkept).await.unwrap_err();
        assert_eq!(
            field_names(&refused),
            [platform.unkept_account_field],
            "{name}: {refused:?}"
        );

        assert_eq!(
            shop.account().await.as_ref(),
            Ok(&before),
            "{name}: nothing saved"
        );
        let stored = setup.with_buyer_in_store(|s, key| s.account(key)).await;
        assert_eq!(
            stored.first_name, before.first_name,
            "{name}: nothing saved"
        );
        assert_ne!(stored.company.as_deref(), Some("Elsewhere GmbH"), "{name}");
        assert_ne!(stored.phone.as_deref(), Some("+49 30 1"), "{name}");
    }
}
