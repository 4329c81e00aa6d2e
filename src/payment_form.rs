//! A payment form a shop answered instead of a payment page (Centra's `POST payment` with
//! `action: form`: HTML that posts to the shop's payment provider, usually submitting itself).
//! shopterm does not run it: the form is written to a file only the user can read (0600, in the
//! 0700 runtime directory, [`crate::paths::runtime_dir`]) and the browser opens that file. The
//! HTML is shop content and never reaches the terminal; the file's path is shopterm's own.

use crate::model::PaymentPage;
use std::io::Write as _;
use std::path::Path;

/// Saves the page's form (if it has one) in the runtime directory; see [`save_in`].
pub fn save(page: &mut PaymentPage) -> std::io::Result<()> {
    if page.form_html.is_none() {
        return Ok(());
    }
    let dir = crate::paths::runtime_dir().ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no runtime directory (set SHOPTERM_RUNTIME_DIR)",
        )
    })?;
    save_in(&dir, page)
}

/// Writes the page's form to a new `payment-<random>.html` in `dir` (made 0700), mode 0600,
/// then points the page's `url` at it (`file:`) and sets `form_file`; the HTML leaves the page.
pub fn save_in(dir: &Path, page: &mut PaymentPage) -> std::io::Result<()> {
    let Some(html) = page.form_html.take() else {
        return Ok(());
    };
    crate::paths::ensure_private_dir(dir)?;
    let dir = std::fs::canonicalize(dir)?;
    let random: String = rand::random::<[u8; 16]>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let name = format!("payment-{random}.html");
    let path = dir.join(name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&path)?;
    // Read as UTF-8 whatever the browser would guess for a local file; a whole document the
    // shop sent keeps its own head.
    let start = html.trim_start().get(..9).unwrap_or_default();
    let whole = start.eq_ignore_ascii_case("<!doctype") || start.starts_with("<html");
    if !whole {
        file.write_all(b"<!doctype html>\n<meta charset=\"utf-8\">\n<title>Payment</title>\n")?;
    }
    file.write_all(html.as_bytes())?;
    file.sync_all()?;
    let url = url::Url::from_file_path(&path).map_err(|()| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the payment form's path is not absolute",
        )
    })?;
    page.url = url.to_string();
    page.form_file = Some(path);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Currency, Money};

    fn page(form: &str) -> PaymentPage {
        PaymentPage {
            url: String::new(),
            form_html: Some(form.into()),
            form_file: None,
            total: Money::from_minor(1234, Currency::EUR),
            kept_lines: vec![],
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_form_goes_to_a_private_file_the_page_points_at() {
        use std::os::unix::fs::PermissionsExt;
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("run");
        let form = "<form method=post action=\"https://psp.example/pay\"><input type=hidden name=ref value=\"\u{e4}1\"></form>";
        let mut first = page(form);
        save_in(&dir, &mut first).expect("saved");
        let path = first.form_file.clone().expect("the file");
        assert!(first.form_html.is_none(), "the HTML left the page");
        assert_eq!(
            first.url,
            url::Url::from_file_path(&path).unwrap().to_string()
        );
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir), 0o700);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("<!doctype html>\n<meta charset=\"utf-8\">"),
            "{text}"
        );
        assert!(text.ends_with(form), "{text}");

        // A second form is a file of its own; a whole document keeps its own head.
        let mut second = page("<!DOCTYPE html><html><body><form></form></body></html>");
        save_in(&dir, &mut second).expect("saved");
        let other = second.form_file.clone().expect("the file");
        assert_ne!(other, path);
        assert!(
            std::fs::read_to_string(&other)
                .unwrap()
                .starts_with("<!DOCTYPE html><html>")
        );

        // A page without a form is left as it is.
        let mut plain = page("");
        plain.form_html = None;
        plain.url = "https://pay.example/p".into();
        save_in(&dir, &mut plain).expect("nothing to save");
        assert_eq!(plain.url, "https://pay.example/p");
        assert!(plain.form_file.is_none());
    }
}
