//! `shopterm orders pdf NUMBER [--invoice] [-o FILE] [--open]`: one of the customer's order
//! documents saved as a file (see `shopterm::documents`), its path printed for scripts.

use super::connect::connect;
use super::exit::{CliResult, Failure, io_failure};
use super::output::stdout;
use shopterm::auth::browser::BrowserLaunch;
use shopterm::cli::{ExitStatus, PdfArgs};
use shopterm::model::{DocumentKind, OrderNumber};
use shopterm::paths::Paths;
use shopterm::shop::{Feature, ShopError};
use std::io::Write;

pub async fn pdf(args: PdfArgs, paths: &Paths) -> CliResult {
    let ctx = connect(&args.profile, paths)?;
    ctx.require(Feature::Documents)?;
    let number = OrderNumber::from(args.number.trim());
    let kind = if args.invoice {
        DocumentKind::Invoice
    } else {
        DocumentKind::Order
    };
    let bytes = ctx
        .shop
        .document_pdf(&number, kind)
        .await
        .map_err(|error| match error {
            ShopError::NotFound(what) => {
                Failure::new(ExitStatus::NotFound, format!("{}: {what}", ctx.host))
            }
            other => ctx.fail(other),
        })?;
    let dir = match &args.output {
        Some(_) => std::path::PathBuf::new(),
        None => shopterm::documents::download_dir().ok_or_else(|| {
            Failure::new(
                ExitStatus::Failure,
                "no download directory (set SHOPTERM_DOWNLOAD_DIR, or give -o FILE)",
            )
        })?,
    };
    let saved = shopterm::documents::save(&bytes, &number, kind, &dir, args.output.as_deref())
        .map_err(|error| {
            let target = args
                .output
                .as_deref()
                .map_or_else(|| dir.display().to_string(), |p| p.display().to_string());
            Failure::new(
                ExitStatus::Failure,
                format!("cannot save to {target}: {error}"),
            )
        })?;
    let mut out = stdout();
    writeln!(out, "{}", saved.display()).map_err(io_failure)?;
    out.flush().map_err(io_failure)?;
    if args.open
        && let BrowserLaunch::NotOpened(why) = shopterm::documents::open(&saved)
    {
        eprintln!("shopterm: saved, but not opened: {why}");
    }
    Ok(())
}
