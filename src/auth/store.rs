//! The token store: one JSON file per profile under `<state dir>/tokens/`, readable only by its
//! owner.
//!
//! Files are written atomically (a temporary file created with mode 0600 in the same directory,
//! fsync, rename, fsync of the directory), so a crash never leaves half a token file and the
//! file is never readable by others, not even for a moment. On reading, a file that others can
//! read (copied around, restored from a backup) is tightened back to 0600 with a warning.
//!
//! Optionally (`token_storage = "keyring"` in config.toml, globally or per profile) the same JSON
//! document is kept in the OS keyring instead: the Secret Service on Linux (GNOME Keyring,
//! KWallet) through `keyring-core` and `zbus-secret-service-keyring-store`, one entry per profile
//! (service `shopterm`, user = the profile name). Where no keyring service exists (headless
//! Linux: no D-Bus session bus, or no Secret Service on it) connecting fails within milliseconds;
//! shopterm then says so once and keeps using the 0600 file. A file left from before the switch
//! is still read; a save into the keyring removes it.
//!
//! In memory, tokens live in [`SecretString`]s; the on-disk mirror struct is zeroized on drop.

use keyring_core::{CredentialStore, Entry};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
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
    #[error(
        "another shopterm has held {path} for more than {} s while renewing the session; try again",
        LOCK_WAIT.as_secs()
    )]
    LockTimeout { path: PathBuf },
    #[error("cannot {action} the tokens of profile {profile} in the OS keyring: {message}")]
    Keyring {
        action: &'static str,
        profile: String,
        message: String,
    },
    #[error(
        "the tokens of profile {profile} in the OS keyring are damaged ({reason}); sign in again"
    )]
    KeyringDamaged { profile: String, reason: String },
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
    /// Who issued the tokens, and so where they are refreshed and revoked.
    pub issued_by: TokenIssuer,
}

/// Where a profile's tokens come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenIssuer {
    /// An OAuth 2.0 authorization server (browser or device sign-in).
    OAuth(OAuthServer),
    /// The shop's own e-mail + password sign-in (Spryker, Centra, AbanteCart): refreshed and
    /// ended through that platform's API at `shop_url` (see [`crate::auth::password`]).
    Platform { platform: String, shop_url: Url },
}

/// The OAuth server that issued a profile's tokens (they belong to it and to the client id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthServer {
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
            .field("issued_by", &self.issued_by)
            .finish()
    }
}

/// The file's layout. Plain strings only for the moment of (de)serialising; wiped on drop.
#[serde_with::skip_serializing_none]
#[derive(Serialize, Deserialize)]
struct TokenFile {
    version: u32,
    access_token: String,
    refresh_token: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    expires_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    obtained_at: OffsetDateTime,
    scope: Option<String>,
    account_id: Option<String>,
    account_email: Option<String>,
    issuer: Option<String>,
    // OAuth sign-ins: the server's client id and endpoints.
    client_id: Option<String>,
    token_endpoint: Option<Url>,
    revocation_endpoint: Option<Url>,
    // Password sign-ins: the platform and the shop's API.
    platform: Option<String>,
    shop_url: Option<Url>,
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

/// Where the tokens of all profiles live: files in a directory, or entries in an OS keyring
/// (with the directory still holding the lock files, and any file left from before).
#[derive(Clone)]
pub struct TokenStore {
    dir: PathBuf,
    keyring: Option<Arc<CredentialStore>>,
}

impl fmt::Debug for TokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenStore")
            .field("dir", &self.dir)
            .field("keyring", &self.keyring.as_ref().map(|k| k.vendor()))
            .finish()
    }
}

/// The keyring service name of shopterm's entries (the user name is the profile).
pub const KEYRING_SERVICE: &str = "shopterm";

/// A keyring error as text. Only `Display`: some variants carry the stored bytes, which `Debug`
/// would print.
fn keyring_message(error: &keyring_core::Error) -> String {
    error.to_string()
}

/// The OS keyring, connected once per process; `Err` says why there is none.
fn os_keyring() -> &'static Result<Arc<CredentialStore>, String> {
    static OS_KEYRING: OnceLock<Result<Arc<CredentialStore>, String>> = OnceLock::new();
    OS_KEYRING.get_or_init(connect_os_keyring)
}

#[cfg(target_os = "linux")]
fn connect_os_keyring() -> Result<Arc<CredentialStore>, String> {
    let started = std::time::Instant::now();
    let connected = zbus_secret_service_keyring_store::Store::new();
    let elapsed_ms = started.elapsed().as_millis() as u64;
    match connected {
        Ok(store) => {
            tracing::info!(elapsed_ms, "connected to the Secret Service");
            Ok(store)
        }
        Err(error) => {
            let message = keyring_message(&error);
            tracing::info!(elapsed_ms, %message, "no Secret Service");
            Err(plain_reason(&message))
        }
    }
}

/// Why there is no keyring, in words for the note (the full error goes to the log).
#[cfg(target_os = "linux")]
fn plain_reason(message: &str) -> String {
    if message.contains("org.freedesktop.secrets") {
        "no Secret Service such as gnome-keyring or KWallet runs on the D-Bus session bus".into()
    } else if message.contains("Failed to connect") || message.contains("DBUS_SESSION_BUS_ADDRESS")
    {
        "no D-Bus session bus".into()
    } else {
        message.to_owned()
    }
}

#[cfg(not(target_os = "linux"))]
fn connect_os_keyring() -> Result<Arc<CredentialStore>, String> {
    Err("shopterm supports the OS keyring on Linux (Secret Service) only so far".into())
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
    /// The file store under `state_dir` (`Paths::state_dir`): files go to `state_dir/tokens/`.
    pub fn new(state_dir: &Path) -> TokenStore {
        TokenStore {
            dir: state_dir.join("tokens"),
            keyring: None,
        }
    }

    /// Tokens in `keyring` (tests pass `keyring_core::mock::Store`); lock files, and files left
    /// from before, under `state_dir/tokens/`.
    pub fn with_keyring(state_dir: &Path, keyring: Arc<CredentialStore>) -> TokenStore {
        TokenStore {
            dir: state_dir.join("tokens"),
            keyring: Some(keyring),
        }
    }

    /// Tokens in the OS keyring when there is one. When there is none, the file store, and the
    /// reason as a one-line message for the user (the same each time in one process; also
    /// logged as a warning).
    pub fn os_keyring_or_file(state_dir: &Path) -> (TokenStore, Option<String>) {
        match os_keyring() {
            Ok(keyring) => (TokenStore::with_keyring(state_dir, keyring.clone()), None),
            Err(why) => {
                let store = TokenStore::new(state_dir);
                let message = format!(
                    "no OS keyring is available ({why}); keeping tokens in {} (readable only by you) instead",
                    store.dir.display()
                );
                tracing::warn!(%message, "token_storage = keyring: falling back to the file");
                (store, Some(message))
            }
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether tokens go to a keyring (else to files).
    pub fn uses_keyring(&self) -> bool {
        self.keyring.is_some()
    }

    /// Where this store keeps tokens, for people: "the OS keyring (…)" or the directory.
    pub fn describe(&self) -> String {
        match &self.keyring {
            Some(keyring) => format!("OS keyring ({})", keyring.vendor()),
            None => format!("file in {} (mode 0600)", self.dir.display()),
        }
    }

    pub fn path(&self, profile: &str) -> Result<PathBuf, StoreError> {
        validate_profile_name(profile)?;
        Ok(self.dir.join(format!("{profile}.json")))
    }

    fn keyring_entry(
        &self,
        keyring: &Arc<CredentialStore>,
        profile: &str,
    ) -> Result<Entry, StoreError> {
        validate_profile_name(profile)?;
        Entry::new_in_store(keyring, KEYRING_SERVICE, profile).map_err(|e| StoreError::Keyring {
            action: "find",
            profile: profile.to_owned(),
            message: keyring_message(&e),
        })
    }

    /// The profile's tokens, or `None` when it is not signed in.
    ///
    /// With a keyring, its entry; a token file (from before the switch, or written when the
    /// keyring refused a save) is read too, and the newer of the two wins.
    pub fn load(&self, profile: &str) -> Result<Option<StoredTokens>, StoreError> {
        let Some(keyring) = &self.keyring else {
            return self.load_file(profile);
        };
        let entry = self.keyring_entry(keyring, profile)?;
        let in_keyring = match entry.get_password() {
            Ok(text) => {
                let text = zeroize::Zeroizing::new(text);
                Some(
                    decode(text.as_bytes()).map_err(|reason| StoreError::KeyringDamaged {
                        profile: profile.to_owned(),
                        reason,
                    })?,
                )
            }
            Err(keyring_core::Error::NoEntry) => None,
            Err(e) => {
                return Err(StoreError::Keyring {
                    action: "read",
                    profile: profile.to_owned(),
                    message: keyring_message(&e),
                });
            }
        };
        let in_file = self.load_file(profile)?;
        Ok(match (in_keyring, in_file) {
            (Some(k), Some(f)) if f.obtained_at > k.obtained_at => Some(f),
            (Some(k), _) => Some(k),
            (None, f) => f,
        })
    }

    fn load_file(&self, profile: &str) -> Result<Option<StoredTokens>, StoreError> {
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
        let decoded = decode(&bytes);
        bytes.zeroize();
        decoded
            .map(Some)
            .map_err(|reason| StoreError::Damaged { path, reason })
    }

    /// Replaces the profile's tokens atomically.
    ///
    /// With a keyring: into its entry, then any token file is removed. When the keyring refuses
    /// (locked, or gone since), the file is written instead, with a warning in the log: a rotated
    /// refresh token must not be lost.
    pub fn save(&self, profile: &str, tokens: &StoredTokens) -> Result<(), StoreError> {
        let path = self.path(profile)?;
        let mut bytes = encode(tokens).map_err(|e| StoreError::Io {
            action: "encode",
            path: path.clone(),
            source: std::io::Error::other(e),
        })?;
        let written = match &self.keyring {
            None => write_private_file_atomically(&self.dir, &path, &bytes),
            Some(keyring) => {
                let stored = self.keyring_entry(keyring, profile).and_then(|entry| {
                    // JSON from serde_json is UTF-8.
                    let text = std::str::from_utf8(&bytes).unwrap_or_default();
                    entry.set_password(text).map_err(|e| StoreError::Keyring {
                        action: "store",
                        profile: profile.to_owned(),
                        message: keyring_message(&e),
                    })
                });
                match stored {
                    Ok(()) => {
                        self.delete_file(profile)?;
                        Ok(())
                    }
                    Err(error) => {
                        tracing::warn!(profile, %error, "keeping the tokens in the token file instead");
                        write_private_file_atomically(&self.dir, &path, &bytes)
                    }
                }
            }
        };
        bytes.zeroize();
        written
    }

    /// [`TokenStore::load`] off the async threads: a keyring call is a D-Bus round trip, and a
    /// locked keyring may wait for the person to unlock it.
    pub async fn load_async(&self, profile: &str) -> Result<Option<StoredTokens>, StoreError> {
        let (store, profile) = (self.clone(), profile.to_owned());
        blocking(move || store.load(&profile)).await
    }

    /// [`TokenStore::save`] off the async threads (see [`TokenStore::load_async`]).
    pub async fn save_async(&self, profile: &str, tokens: &StoredTokens) -> Result<(), StoreError> {
        let (store, profile, tokens) = (self.clone(), profile.to_owned(), tokens.clone());
        blocking(move || store.save(&profile, &tokens)).await
    }

    /// [`TokenStore::delete`] off the async threads (see [`TokenStore::load_async`]).
    pub async fn delete_async(&self, profile: &str) -> Result<bool, StoreError> {
        let (store, profile) = (self.clone(), profile.to_owned());
        blocking(move || store.delete(&profile)).await
    }

    /// Deletes the profile's tokens (file and keyring entry); false when there were none.
    pub fn delete(&self, profile: &str) -> Result<bool, StoreError> {
        let mut deleted = self.delete_file(profile)?;
        if let Some(keyring) = &self.keyring {
            match self.keyring_entry(keyring, profile)?.delete_credential() {
                Ok(()) => deleted = true,
                Err(keyring_core::Error::NoEntry) => {}
                Err(e) => {
                    return Err(StoreError::Keyring {
                        action: "delete",
                        profile: profile.to_owned(),
                        message: keyring_message(&e),
                    });
                }
            }
        }
        Ok(deleted)
    }

    fn delete_file(&self, profile: &str) -> Result<bool, StoreError> {
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

    /// The profile's lock file, `tokens/<profile>.lock` (empty; it stays after sign-out).
    pub fn lock_path(&self, profile: &str) -> Result<PathBuf, StoreError> {
        validate_profile_name(profile)?;
        Ok(self.dir.join(format!("{profile}.lock")))
    }

    /// Takes the profile's cross-process lock: an advisory exclusive lock (`flock`) on
    /// `tokens/<profile>.lock`, held until the returned guard is dropped. Everything that reads
    /// tokens in order to replace or revoke them holds it (refresh: re-read, refresh, save;
    /// sign-out: read, revoke, delete), so two shopterm processes never spend the same
    /// single-use refresh token. Two handles in one process exclude each other as well.
    ///
    /// Waits (without blocking the async runtime) up to [`LOCK_WAIT`], a little more than one
    /// token request may take, then gives up with [`StoreError::LockTimeout`].
    pub async fn lock(&self, profile: &str) -> Result<ProfileLock, StoreError> {
        let path = self.lock_path(profile)?;
        let io = |action, source| StoreError::Io {
            action,
            path: path.clone(),
            source,
        };
        create_private_dir(&self.dir).map_err(|e| StoreError::Io {
            action: "create",
            path: self.dir.clone(),
            source: e,
        })?;
        let file = open_lock_file(&path).map_err(|e| io("open", e))?;
        let started = std::time::Instant::now();
        let mut waited = false;
        loop {
            match file.try_lock() {
                Ok(()) => {
                    if waited {
                        tracing::debug!(
                            profile,
                            waited_ms = started.elapsed().as_millis() as u64,
                            "token lock taken after waiting for another shopterm"
                        );
                    }
                    return Ok(ProfileLock { _file: file });
                }
                Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                    waited = true;
                    tokio::time::sleep(LOCK_POLL).await;
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(StoreError::LockTimeout { path });
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io("lock", e)),
            }
        }
    }
}

/// Runs a store call on tokio's blocking threads.
async fn blocking<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(call).await.unwrap_or_else(|e| {
        Err(StoreError::Io {
            action: "use",
            path: PathBuf::from("the token store"),
            source: std::io::Error::other(e.to_string()),
        })
    })
}

/// How long [`TokenStore::lock`] waits for another process: longer than one token request
/// (the HTTP client gives up after 30 s).
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(45);
const LOCK_POLL: std::time::Duration = std::time::Duration::from_millis(20);

/// A held profile lock; released when dropped (closing the file releases the `flock`).
#[derive(Debug)]
pub struct ProfileLock {
    _file: std::fs::File,
}

/// Open options that create files 0600 on Unix (elsewhere the platform's default).
fn private_file_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

fn open_lock_file(path: &Path) -> std::io::Result<std::fs::File> {
    private_file_options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

/// The stored form (pretty JSON and a final newline); the caller wipes the bytes.
fn encode(tokens: &StoredTokens) -> Result<Vec<u8>, serde_json::Error> {
    let (oauth, platform) = match &tokens.issued_by {
        TokenIssuer::OAuth(server) => (Some(server), None),
        TokenIssuer::Platform { platform, shop_url } => (None, Some((platform, shop_url))),
    };
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
        issuer: oauth.and_then(|s| s.issuer.clone()),
        client_id: oauth.map(|s| s.client_id.clone()),
        token_endpoint: oauth.map(|s| s.token_endpoint.clone()),
        revocation_endpoint: oauth.and_then(|s| s.revocation_endpoint.clone()),
        platform: platform.map(|(p, _)| p.clone()),
        shop_url: platform.map(|(_, u)| u.clone()),
    };
    let mut bytes = serde_json::to_vec_pretty(&file)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Tokens from their stored form; `Err` says where it is damaged, never quoting it.
fn decode(bytes: &[u8]) -> Result<StoredTokens, String> {
    // serde_json's message can quote a value from the file: keep only where it failed.
    let file = serde_json::from_slice::<TokenFile>(bytes)
        .map_err(|e| format!("line {}, column {}", e.line(), e.column()))?;
    if file.version != FILE_VERSION {
        return Err(format!("unknown version {}", file.version));
    }
    let issued_by = match (
        &file.platform,
        &file.shop_url,
        &file.client_id,
        &file.token_endpoint,
    ) {
        (Some(platform), Some(shop_url), _, _) => TokenIssuer::Platform {
            platform: platform.clone(),
            shop_url: shop_url.clone(),
        },
        (Some(_), None, _, _) => return Err("a platform without its shop_url".to_owned()),
        (None, _, Some(client_id), Some(token_endpoint)) => TokenIssuer::OAuth(OAuthServer {
            issuer: file.issuer.clone(),
            client_id: client_id.clone(),
            token_endpoint: token_endpoint.clone(),
            revocation_endpoint: file.revocation_endpoint.clone(),
        }),
        (None, ..) => {
            return Err("neither a platform nor an OAuth client id and token endpoint".to_owned());
        }
    };
    Ok(StoredTokens {
        access_token: SecretString::from(file.access_token.as_str()),
        refresh_token: file.refresh_token.as_deref().map(SecretString::from),
        expires_at: file.expires_at,
        obtained_at: file.obtained_at,
        scope: file.scope.clone(),
        account_id: file.account_id.clone(),
        account_email: file.account_email.clone(),
        issued_by,
    })
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

fn open_private_new(path: &Path) -> std::io::Result<std::fs::File> {
    private_file_options()
        .write(true)
        .create_new(true)
        .open(path)
}

/// Created 0700, or tightened to 0700 when another program (or umask 000) left it open.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    crate::paths::ensure_private_dir(dir)
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
#[path = "store_tests.rs"]
mod tests;
