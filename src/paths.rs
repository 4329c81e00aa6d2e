//! Where shopterm keeps its files: XDG directories through `directories`
//! (`~/.config/shopterm`, `~/.local/share/shopterm`, `~/.local/state/shopterm` on Linux), each
//! overridable with an environment variable for tests and unusual setups.
//!
//! The state and data directories hold tokens, the log (customer e-mails) and drafts: they are
//! created 0700, and tightened to 0700 when found wider, whatever the umask.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
    pub state_dir: PathBuf,
}

impl Paths {
    /// The standard locations, or `SHOPTERM_CONFIG_DIR` / `SHOPTERM_DATA_DIR` / `SHOPTERM_STATE_DIR`.
    pub fn discover() -> Option<Paths> {
        let dirs = directories::ProjectDirs::from("", "", "shopterm");
        let pick = |var: &str, standard: Option<PathBuf>| {
            std::env::var_os(var).map(PathBuf::from).or(standard)
        };
        let config_dir = pick(
            "SHOPTERM_CONFIG_DIR",
            dirs.as_ref().map(|d| d.config_dir().to_owned()),
        )?;
        let data_dir = pick(
            "SHOPTERM_DATA_DIR",
            dirs.as_ref().map(|d| d.data_dir().to_owned()),
        )?;
        let state_dir = pick(
            "SHOPTERM_STATE_DIR",
            dirs.as_ref().map(|d| {
                d.state_dir()
                    .unwrap_or_else(|| d.data_local_dir())
                    .to_owned()
            }),
        )?;
        Some(Paths {
            config_dir,
            data_dir,
            state_dir,
        })
    }

    /// Creates (or tightens) the state and data directories to 0700.
    pub fn prepare(&self) -> std::io::Result<()> {
        ensure_private_dir(&self.state_dir)?;
        ensure_private_dir(&self.data_dir)
    }

    pub fn demo_store(&self) -> PathBuf {
        self.data_dir.join("demo-shop.sqlite3")
    }

    pub fn log_file(&self) -> PathBuf {
        self.state_dir.join("shopterm.log")
    }
}

/// Where files that live only while the user is logged in go (a payment form a shop answered):
/// `SHOPTERM_RUNTIME_DIR`, else the XDG runtime directory's `shopterm` (`$XDG_RUNTIME_DIR`, a
/// per-user tmpfs), else `run` in the state directory.
pub fn runtime_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("SHOPTERM_RUNTIME_DIR") {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "shopterm")
        .and_then(|dirs| dirs.runtime_dir().map(Path::to_owned))
        .or_else(|| Paths::discover().map(|paths| paths.state_dir.join("run")))
}

/// Creates `dir` (and missing parents) with mode 0700, or takes group and other access away
/// from an existing one: a umask of 000, or a directory another program made 0777, must not leave
/// tokens or the log open to other users.
#[cfg(unix)]
pub fn ensure_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    match std::fs::metadata(dir) {
        Ok(metadata) if metadata.is_dir() => {
            let mode = metadata.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                tracing::warn!(dir = %dir.display(), mode = format!("{mode:o}"), "directory was open to others; setting it to 0700");
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
            }
            Ok(())
        }
        _ => std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir),
    }
}

#[cfg(not(unix))]
pub fn ensure_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .expect("the path exists")
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn private_dirs_are_created_and_tightened_to_0700() {
        let root = tempfile::tempdir().unwrap();
        let fresh = root.path().join("a/b");
        ensure_private_dir(&fresh).unwrap();
        assert_eq!(mode(&fresh), 0o700);
        let open = root.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
        ensure_private_dir(&open).unwrap();
        assert_eq!(mode(&open), 0o700);
    }
}
