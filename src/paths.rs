//! Where shopterm keeps its files: XDG directories through `directories`
//! (`~/.config/shopterm`, `~/.local/share/shopterm`, `~/.local/state/shopterm` on Linux), each
//! overridable with an environment variable for tests and unusual setups.

use std::path::PathBuf;

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

    pub fn demo_store(&self) -> PathBuf {
        self.data_dir.join("demo-shop.sqlite3")
    }

    pub fn log_file(&self) -> PathBuf {
        self.state_dir.join("shopterm.log")
    }
}
