//! Saving a shop's document (an order's or an invoice's PDF) where the user keeps downloads,
//! and opening it. The file is named from the order code, cut down to characters safe in a
//! file name (never shop text as it came), never replaces a file already there, and is
//! readable by the user only: it holds a customer's name and address.

use crate::auth::browser::{BrowserLaunch, open_browser};
use crate::model::{DocumentKind, OrderNumber};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Names tried after the plain one (`order-SO-1 (2).pdf` …) before giving up.
const MAX_SUFFIX: u32 = 99;
/// Characters of the order code a file name keeps at most.
const MAX_CODE_CHARS: usize = 64;

/// Where downloads go: `SHOPTERM_DOWNLOAD_DIR`, else the user's download directory (XDG's
/// `XDG_DOWNLOAD_DIR` on Linux), else the home directory.
pub fn download_dir() -> Option<PathBuf> {
    std::env::var_os("SHOPTERM_DOWNLOAD_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            directories::UserDirs::new().map(|dirs| {
                dirs.download_dir()
                    .map_or_else(|| dirs.home_dir().to_owned(), Path::to_owned)
            })
        })
}

/// `order-SO-100001.pdf`: the kind and the code, with anything but letters, digits, `-` and `_`
/// made `_` (a code can hold `/`, and a hostile shop anything).
pub fn file_name(number: &OrderNumber, kind: DocumentKind) -> String {
    let code: String = number
        .as_str()
        .chars()
        .take(MAX_CODE_CHARS)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let code = if code.is_empty() {
        "unnamed".into()
    } else {
        code
    };
    format!("{}-{code}.pdf", kind.as_str())
}

/// Writes `bytes` to `target` (a file of the user's choosing), else to a new file in `dir`
/// named by [`file_name`] (with ` (2)`, ` (3)` … when taken). Never overwrites: a chosen file
/// that exists is an error. Answers the path written.
pub fn save(
    bytes: &[u8],
    number: &OrderNumber,
    kind: DocumentKind,
    dir: &Path,
    target: Option<&Path>,
) -> std::io::Result<PathBuf> {
    if let Some(target) = target {
        write_new(target, bytes)?;
        return Ok(target.to_owned());
    }
    std::fs::create_dir_all(dir)?;
    let name = file_name(number, kind);
    let stem = name.trim_end_matches(".pdf");
    for n in 1..=MAX_SUFFIX {
        let path = if n == 1 {
            dir.join(&name)
        } else {
            dir.join(format!("{stem} ({n}).pdf"))
        };
        match write_new(&path, bytes) {
            Ok(()) => return Ok(path),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        format!("{stem}.pdf and {MAX_SUFFIX} numbered copies exist already"),
    ))
}

fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Opens the saved file as a link is opened: `$BROWSER` if set, else the system's launcher.
pub fn open(path: &Path) -> BrowserLaunch {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    match url::Url::from_file_path(&absolute) {
        Ok(url) => open_browser(&url),
        Err(()) => BrowserLaunch::NotOpened(format!("{} is not a file path", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_code_made_safe() {
        let name = |code: &str| file_name(&OrderNumber(code.into()), DocumentKind::Invoice);
        assert_eq!(name("SO-100001"), "invoice-SO-100001.pdf");
        assert_eq!(name("../../etc/passwd"), "invoice-______etc_passwd.pdf");
        assert_eq!(name("a\u{1b}[2Jb č"), "invoice-a__2Jb__.pdf");
        assert_eq!(name(""), "invoice-unnamed.pdf");
        assert!(name(&"9".repeat(500)).len() < 100);
    }

    #[test]
    fn a_second_copy_gets_a_new_name_and_a_chosen_file_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let number = OrderNumber("SO-1".into());
        let first = save(b"%PDF-1", &number, DocumentKind::Order, dir.path(), None).unwrap();
        let second = save(b"%PDF-2", &number, DocumentKind::Order, dir.path(), None).unwrap();
        assert_eq!(first, dir.path().join("order-SO-1.pdf"));
        assert_eq!(second, dir.path().join("order-SO-1 (2).pdf"));
        assert_eq!(std::fs::read(&first).unwrap(), b"%PDF-1");
        let refused = save(
            b"%PDF-3",
            &number,
            DocumentKind::Order,
            dir.path(),
            Some(&first),
        );
        assert_eq!(
            refused.map_err(|e| e.kind()),
            Err(std::io::ErrorKind::AlreadyExists)
        );
        assert_eq!(std::fs::read(&first).unwrap(), b"%PDF-1", "left as it was");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&second).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
