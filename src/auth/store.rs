//! The token store: one JSON file per profile under `<state dir>/tokens/`, readable only by its
//! owner.
//!
//! Files are written atomically (a temporary file created with mode 0600 in the same directory,
//! fsync, rename, fsync of the directory), so a crash never leaves half a token file and the
//! file is never readable by others, not even for a moment. On reading, a file that others can
//! read (copied around, restored from a backup) is tightened back to 0600 with a warning.
//!
//! The keyring backend the issue mentions is not built yet: files are the only backend.
//!
//! In memory, tokens live in [`SecretString`]s; the on-disk mirror struct is zeroized on drop.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use url::Url;
use zeroize::Zeroize;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{0:?} cannot be a profile name (use letters, digits and . _ - : @, not starting with a dot)"
    )]
    BadProfileName(String),
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the token file {path} is damaged ({reason}); sign in again")]
    Damaged { path: PathBuf, reason: String },
    #[error("{path} is not a regular file; shopterm will not read tokens from it")]
    NotAFile { path: PathBuf },
}

/// The tokens of one signed-in profile, and what is needed to refresh and revoke them without
/// asking the server's metadata again (the tokens belong to that server and client id).
#[derive(Clone)]
pub struct StoredTokens {
    pub access_token: SecretString,
    pub refresh_token: Option<SecretString>,
    /// When the access token stops working (None: the server did not say).
    pub expires_at: Option<OffsetDateTime>,
    /// When the access token was issued; with `expires_at`, gives its lifetime.
    pub obtained_at: OffsetDateTime,
    pub scope: Option<String>,
    pub account_id: Option<String>,
    pub account_email: Option<String>,
    /// The authorization server's issuer identifier, when it was discovered.
    pub issuer: Option<String>,
    pub client_id: String,
    pub token_endpoint: Url,
    pub revocation_endpoint: Option<Url>,
}

impl fmt::Debug for StoredTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredTokens")
            .field("access_token", &"[REDACTED]")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[REDACTED]"),
            )
            .field("expires_at", &self.expires_at)
            .field("obtained_at", &self.obtained_at)
            .field("scope", &self.scope)
            .field("account_id", &self.account_id)
            .field("account_email", &self.account_email)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("token_endpoint", &self.token_endpoint.as_str())
            .field(
                "revocation_endpoint",
                &self.revocation_endpoint.as_ref().map(Url::as_str),
            )
            .finish()
    }
}

/// The file's layout. Plain strings only for the moment of (de)serialising; wiped on drop.
#[derive(Serialize, Deserialize)]
struct TokenFile {
    version: u32,
    access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    expires_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    obtained_at: OffsetDateTime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    account_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    issuer: Option<String>,
    client_id: String,
    token_endpoint: Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    revocation_endpoint: Option<Url>,
}

impl Drop for TokenFile {
    fn drop(&mut self) {
        self.access_token.zeroize();
        if let Some(token) = self.refresh_token.as_mut() {
            token.zeroize();
        }
    }
}

const FILE_VERSION: u32 = 1;

/// Where the token files of all profiles live.
#[derive(Debug, Clone)]
pub struct TokenStore {
    dir: PathBuf,
}

/// Profile names become file names: keep them to a safe alphabet (host:port names fit).
pub fn validate_profile_name(name: &str) -> Result<(), StoreError> {
    let ok = !name.is_empty()
        && name.len() <= 200
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':' | '@'));
    if ok {
        Ok(())
    } else {
        Err(StoreError::BadProfileName(name.to_owned()))
    }
}

impl TokenStore {
    /// The store under `state_dir` (`Paths::state_dir`): files go to `state_dir/tokens/`.
    pub fn new(state_dir: &Path) -> TokenStore {
        TokenStore {
            dir: state_dir.join("tokens"),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self, profile: &str) -> Result<PathBuf, StoreError> {
        validate_profile_name(profile)?;
        Ok(self.dir.join(format!("{profile}.json")))
    }

    /// The profile's tokens, or `None` when it is not signed in.
    pub fn load(&self, profile: &str) -> Result<Option<StoredTokens>, StoreError> {
        let path = self.path(profile)?;
        let io = |action, source| StoreError::Io {
            action,
            path: path.clone(),
            source,
        };
        let metadata = match std::fs::symlink_metadata(&path) {
            Ok(metadata) => metadata,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io("read", e)),
        };
        if !metadata.is_file() {
            return Err(StoreError::NotAFile { path });
        }
        tighten_if_readable_by_others(&path, &metadata)?;
        let mut bytes = std::fs::read(&path).map_err(|e| io("read", e))?;
        let parsed = serde_json::from_slice::<TokenFile>(&bytes);
        bytes.zeroize();
        // serde_json's message can quote a value from the file: keep only where it failed.
        let file = parsed.map_err(|e| StoreError::Damaged {
            path: path.clone(),
            reason: format!("line {}, column {}", e.line(), e.column()),
        })?;
        if file.version != FILE_VERSION {
            return Err(StoreError::Damaged {
                path,
                reason: format!("unknown version {}", file.version),
            });
        }
        Ok(Some(StoredTokens {
            access_token: SecretString::from(file.access_token.as_str()),
            refresh_token: file.refresh_token.as_deref().map(SecretString::from),
            expires_at: file.expires_at,
            obtained_at: file.obtained_at,
            scope: file.scope.clone(),
            account_id: file.account_id.clone(),
            account_email: file.account_email.clone(),
            issuer: file.issuer.clone(),
            client_id: file.client_id.clone(),
            token_endpoint: file.token_endpoint.clone(),
            revocation_endpoint: file.revocation_endpoint.clone(),
        }))
    }

    /// Replaces the profile's tokens atomically.
    pub fn save(&self, profile: &str, tokens: &StoredTokens) -> Result<(), StoreError> {
        let path = self.path(profile)?;
        let file = TokenFile {
            version: FILE_VERSION,
            access_token: tokens.access_token.expose_secret().to_owned(),
            refresh_token: tokens
                .refresh_token
                .as_ref()
                .map(|t| t.expose_secret().to_owned()),
            expires_at: tokens.expires_at,
            obtained_at: tokens.obtained_at,
            scope: tokens.scope.clone(),
            account_id: tokens.account_id.clone(),
            account_email: tokens.account_email.clone(),
            issuer: tokens.issuer.clone(),
            client_id: tokens.client_id.clone(),
            token_endpoint: tokens.token_endpoint.clone(),
            revocation_endpoint: tokens.revocation_endpoint.clone(),
        };
        let mut bytes = serde_json::to_vec_pretty(&file).map_err(|e| StoreError::Io {
            action: "encode",
            path: path.clone(),
            source: std::io::Error::other(e),
        })?;
        bytes.push(b'\n');
        let written = write_private_file_atomically(&self.dir, &path, &bytes);
        bytes.zeroize();
        written
    }

    /// Deletes the profile's tokens; false when there were none.
    pub fn delete(&self, profile: &str) -> Result<bool, StoreError> {
        let path = self.path(profile)?;
        match std::fs::remove_file(&path) {
            Ok(()) => {
                sync_dir(&self.dir);
                Ok(true)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(source) => Err(StoreError::Io {
                action: "delete",
                path,
                source,
            }),
        }
    }
}

/// Creates `dir` (0700 when new) and writes `bytes` to `path` inside it through a 0600 temporary
/// file, fsync and rename. Also used for other private files (client secrets written by tests).
pub fn write_private_file_atomically(
    dir: &Path,
    path: &Path,
    bytes: &[u8],
) -> Result<(), StoreError> {
    let io = |action, path: &Path, source| StoreError::Io {
        action,
        path: path.to_owned(),
        source,
    };
    create_private_dir(dir).map_err(|e| io("create", dir, e))?;
    let temp = dir.join(format!(
        ".{}.tmp-{}-{:016x}",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id(),
        rand::random::<u64>()
    ));
    let result = (|| {
        let mut file = open_private_new(&temp).map_err(|e| io("create", &temp, e))?;
        file.write_all(bytes).map_err(|e| io("write", &temp, e))?;
        file.sync_all().map_err(|e| io("write", &temp, e))?;
        drop(file);
        std::fs::rename(&temp, path).map_err(|e| io("write", path, e))?;
        sync_dir(dir);
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(unix)]
fn open_private_new(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn open_private_new(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// A rename is only durable once the directory entry is; failure here is not worth an error.
fn sync_dir(dir: &Path) {
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

/// The permission bits of a file, where the platform has them.
#[cfg(unix)]
pub fn file_mode(path: &Path) -> std::io::Result<u32> {
    use std::os::unix::fs::PermissionsExt;
    Ok(std::fs::metadata(path)?.permissions().mode() & 0o7777)
}

#[cfg(unix)]
fn tighten_if_readable_by_others(
    path: &Path,
    metadata: &std::fs::Metadata,
) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        tracing::warn!(
            path = %path.display(),
            mode = format!("{mode:o}"),
            "token file was readable by others; setting it to 0600"
        );
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(
            |source| StoreError::Io {
                action: "restrict the permissions of",
                path: path.to_owned(),
                source,
            },
        )?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn tighten_if_readable_by_others(
    _path: &Path,
    _metadata: &std::fs::Metadata,
) -> Result<(), StoreError> {
    Ok(())
}

#[cfg(test)]
mod tests {
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
            issuer: Some("http://127.0.0.1:1".into()),
            client_id: "shopterm".into(),
            token_endpoint: Url::parse("http://127.0.0.1:1/oauth/token").unwrap(),
            revocation_endpoint: None,
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

    #[test]
    fn profile_names_are_safe_file_names() {
        for ok in ["default", "127.0.0.1:8040", "shop.example", "me@shop"] {
            validate_profile_name(ok).unwrap();
        }
        for bad in ["", ".", "..", "../x", "a/b", ".hidden", "a b", "x\0"] {
            assert!(validate_profile_name(bad).is_err(), "{bad:?}");
        }
    }
}
