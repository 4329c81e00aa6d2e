//! Tests of `store.rs`.

use super::*;

fn sample() -> StoredTokens {
    StoredTokens {
        access_token: SecretString::from("access-SECRET-1"),
        refresh_token: Some(SecretString::from("refresh-SECRET-2")),
        expires_at: Some(time::macros::datetime!(2030-01-02 03:04:05 UTC)),
        obtained_at: time::macros::datetime!(2030-01-02 02:04:05 UTC),
        scope: Some("all".into()),
        account_id: Some("42".into()),
        account_email: Some("a@example.com".into()),
        issued_by: TokenIssuer::OAuth(OAuthServer {
            issuer: Some("http://127.0.0.1:1".into()),
            client_id: "shopterm".into(),
            token_endpoint: Url::parse("http://127.0.0.1:1/oauth/token").unwrap(),
            revocation_endpoint: None,
        }),
    }
}

#[test]
fn round_trip_and_mode_0600() {
    let dir = tempfile::tempdir().unwrap();
    let store = TokenStore::new(dir.path());
    assert!(store.load("p").unwrap().is_none());
    store.save("127.0.0.1:8040", &sample()).unwrap();
    let back = store.load("127.0.0.1:8040").unwrap().unwrap();
    assert_eq!(back.access_token.expose_secret(), "access-SECRET-1");
    assert_eq!(
        back.refresh_token.as_ref().unwrap().expose_secret(),
        "refresh-SECRET-2"
    );
    assert_eq!(back.expires_at, sample().expires_at);
    assert_eq!(back.account_email.as_deref(), Some("a@example.com"));
    #[cfg(unix)]
    {
        let path = store.path("127.0.0.1:8040").unwrap();
        assert_eq!(file_mode(&path).unwrap(), 0o600);
        assert_eq!(file_mode(store.dir()).unwrap(), 0o700);
    }
    // No temporary files left behind.
    let names: Vec<_> = std::fs::read_dir(store.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, vec!["127.0.0.1:8040.json".to_string()]);
    assert!(store.delete("127.0.0.1:8040").unwrap());
    assert!(!store.delete("127.0.0.1:8040").unwrap());
}

#[test]
fn password_platform_tokens_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let store = TokenStore::new(dir.path());
    let mut tokens = sample();
    tokens.issued_by = TokenIssuer::Platform {
        platform: "spryker".into(),
        shop_url: Url::parse("http://127.0.0.1:9/spryker").unwrap(),
    };
    store.save("glue", &tokens).unwrap();
    let back = store.load("glue").unwrap().unwrap();
    assert_eq!(back.issued_by, tokens.issued_by);
    let text = std::fs::read_to_string(dir.path().join("tokens/glue.json")).unwrap();
    assert!(text.contains("\"platform\": \"spryker\""), "{text}");
    assert!(!text.contains("token_endpoint"), "{text}");
    // A file that names neither issuer is damaged, not silently an OAuth one.
    std::fs::write(
        dir.path().join("tokens/glue.json"),
        text.replace("\"platform\": \"spryker\",", ""),
    )
    .unwrap();
    assert!(matches!(
        store.load("glue"),
        Err(StoreError::Damaged { .. })
    ));
}

#[cfg(unix)]
#[test]
fn world_readable_file_is_tightened() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = TokenStore::new(dir.path());
    store.save("p", &sample()).unwrap();
    let path = store.path("p").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(store.load("p").unwrap().is_some());
    assert_eq!(file_mode(&path).unwrap(), 0o600);
}

#[test]
fn debug_redacts_tokens() {
    let text = format!("{:?}", sample());
    assert!(!text.contains("SECRET"), "{text}");
    assert!(text.contains("[REDACTED]"));
}

#[test]
fn damaged_file_error_does_not_quote_contents() {
    let dir = tempfile::tempdir().unwrap();
    let store = TokenStore::new(dir.path());
    std::fs::create_dir_all(store.dir()).unwrap();
    std::fs::write(
        store.path("p").unwrap(),
        br#"{"version":1,"access_token":"tok-SECRET","obtained_at":5}"#,
    )
    .unwrap();
    let error = store.load("p").unwrap_err().to_string();
    assert!(!error.contains("SECRET"), "{error}");
    assert!(error.contains("damaged"), "{error}");
}

fn mock_keyring() -> Arc<CredentialStore> {
    keyring_core::mock::Store::new().unwrap()
}

fn mock_cred(keyring: &Arc<CredentialStore>, profile: &str) -> Entry {
    Entry::new_in_store(keyring, KEYRING_SERVICE, profile).unwrap()
}

#[test]
fn keyring_round_trip_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let keyring = mock_keyring();
    let store = TokenStore::with_keyring(dir.path(), keyring.clone());
    assert!(store.uses_keyring());
    assert!(store.load("p").unwrap().is_none());
    store.save("p", &sample()).unwrap();
    assert!(!store.path("p").unwrap().exists(), "no token file");
    let in_keyring = mock_cred(&keyring, "p").get_password().unwrap();
    assert!(in_keyring.contains("refresh-SECRET-2"));
    let back = store.load("p").unwrap().unwrap();
    assert_eq!(back.access_token.expose_secret(), "access-SECRET-1");
    assert_eq!(back.account_email.as_deref(), Some("a@example.com"));
    assert!(store.delete("p").unwrap());
    assert!(matches!(
        mock_cred(&keyring, "p").get_password(),
        Err(keyring_core::Error::NoEntry)
    ));
    assert!(store.load("p").unwrap().is_none());
    assert!(!store.delete("p").unwrap());
}

#[test]
fn switching_to_the_keyring_reads_then_moves_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    TokenStore::new(dir.path()).save("p", &sample()).unwrap();
    let store = TokenStore::with_keyring(dir.path(), mock_keyring());
    let old = store.load("p").unwrap().expect("the file from before");
    assert_eq!(old.access_token.expose_secret(), "access-SECRET-1");
    store.save("p", &old).unwrap();
    assert!(!store.path("p").unwrap().exists(), "moved into the keyring");
    assert!(store.load("p").unwrap().is_some());
}

#[cfg(unix)]
#[test]
fn a_refusing_keyring_falls_back_to_the_file_and_the_newer_tokens_win() {
    let dir = tempfile::tempdir().unwrap();
    let keyring = mock_keyring();
    let store = TokenStore::with_keyring(dir.path(), keyring.clone());
    store.save("p", &sample()).unwrap();
    // The keyring got locked: the rotated tokens go to the 0600 file instead.
    let mut rotated = sample();
    rotated.access_token = SecretString::from("access-SECRET-3");
    rotated.obtained_at += time::Duration::minutes(5);
    let cred = mock_cred(&keyring, "p");
    let mock: &keyring_core::mock::Cred = cred.as_any().downcast_ref().unwrap();
    mock.set_error(keyring_core::Error::NoStorageAccess("locked".into()));
    store.save("p", &rotated).unwrap();
    let path = store.path("p").unwrap();
    assert_eq!(file_mode(&path).unwrap(), 0o600);
    let back = store.load("p").unwrap().unwrap();
    assert_eq!(back.access_token.expose_secret(), "access-SECRET-3");
    // Sign-out removes both.
    assert!(store.delete("p").unwrap());
    assert!(!path.exists());
    assert!(store.load("p").unwrap().is_none());
}

#[test]
fn keyring_errors_never_quote_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let keyring = mock_keyring();
    let store = TokenStore::with_keyring(dir.path(), keyring.clone());
    let cred = mock_cred(&keyring, "p");
    let mock: &keyring_core::mock::Cred = cred.as_any().downcast_ref().unwrap();
    mock.set_error(keyring_core::Error::BadEncoding(
        b"\xffaccess-SECRET-9".to_vec(),
    ));
    let error = store.load("p").unwrap_err().to_string();
    assert!(!error.contains("SECRET"), "{error}");
    assert!(error.contains("OS keyring"), "{error}");
    // A damaged entry is named as such, without its contents.
    cred.set_password(r#"{"version":1,"access_token":"tok-SECRET","obtained_at":5}"#)
        .unwrap();
    let error = store.load("p").unwrap_err().to_string();
    assert!(
        error.contains("damaged") && !error.contains("SECRET"),
        "{error}"
    );
    let debug = format!("{store:?}");
    assert!(debug.contains("Mock store"), "{debug}");
}

#[test]
fn profile_names_are_safe_file_names() {
    for ok in ["default", "127.0.0.1:8040", "shop.example", "me@shop"] {
        validate_profile_name(ok).unwrap();
    }
    for bad in ["", ".", "..", "../x", "a/b", ".hidden", "a b", "x\0"] {
        assert!(validate_profile_name(bad).is_err(), "{bad:?}");
    }
}
