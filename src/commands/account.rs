//! `shopterm account`: the signed-in customer's account; `account delete` deletes it.

use super::connect::connect;
use super::connect::open_profile;
use super::exit::Failure;
use super::exit::{CliResult, io_failure};
use super::output::{opt, print_json, stdout, when};
use shopterm::auth::AuthError;
use shopterm::cli::{DeleteAccountArgs, ExitStatus, JsonArgs};
use shopterm::connection;
use shopterm::paths::Paths;
use shopterm::sanitize::clean;
use shopterm::shop::Feature;
use std::io::Write;

pub async fn account(args: JsonArgs, paths: &Paths) -> CliResult {
    let ctx = connect(&args.profile, paths)?;
    let account = ctx.shop.account().await.map_err(|e| ctx.fail(e))?;
    if args.json {
        return print_json(&account);
    }
    let mut rows = vec![
        ("Name", clean(&account.display_name())),
        ("E-mail", clean(&account.email)),
    ];
    if account.company.is_some() {
        rows.push(("Company", opt(&account.company)));
    }
    if account.phone.is_some() {
        rows.push(("Phone", opt(&account.phone)));
    }
    rows.push(("Customer", clean(account.id.as_str())));
    if let Some(at) = account.created_at {
        rows.push(("Since", when(at)[..10].to_owned()));
    }
    let mut out = stdout();
    for (label, value) in rows {
        writeln!(out, "{:<10}{value}", format!("{label}:")).map_err(io_failure)?;
    }
    out.flush().map_err(io_failure)
}

/// `account delete --confirm EMAIL`: checked against the signed-in account before anything is
/// sent (a wrong confirmation is a usage error, exit 2); then the shop deletes (anonymises) the
/// account and the tokens are removed here.
pub async fn delete(args: DeleteAccountArgs, paths: &Paths) -> CliResult {
    let (name, host, connection) = open_profile(args.profile.profile.as_deref(), paths)?;
    let ctx = super::connect::Ctx {
        name: name.clone(),
        host: host.clone(),
        shop: connection.shop.clone(),
    };
    if !ctx.shop.capabilities().supports(Feature::DeleteAccount) {
        return Err(ctx.fail(shopterm::shop::ShopError::Unsupported(
            Feature::DeleteAccount,
        )));
    }
    let account = ctx.shop.account().await.map_err(|e| ctx.fail(e))?;
    if !connection::confirms_deletion(&args.confirm, &account.email) {
        return Err(Failure::new(
            ExitStatus::Usage,
            format!(
                "--confirm does not match the signed-in account's e-mail ({}); nothing was \
                 deleted",
                clean(&account.email)
            ),
        ));
    }
    let report = connection::delete_account(paths, &connection)
        .await
        .map_err(|error| match error {
            AuthError::Shop(error) if error.may_have_taken_effect() => Failure::new(
                super::exit::status_of(&error),
                format!(
                    "the account may have been deleted at {host}: its answer was lost. Check                      with `shopterm whoami` (a deleted account's sign-in ends) before deleting                      it again. The error: {error}"
                ),
            ),
            AuthError::Shop(error) => ctx.fail(error),
            other => Failure::new(
                ExitStatus::Failure,
                format!("{host}: the account was deleted, but signing out failed: {other}"),
            ),
        })?;
    let mut out = stdout();
    writeln!(
        out,
        "Deleted the account {} at {host} and signed out (profile {name}).",
        clean(&account.email)
    )
    .map_err(io_failure)?;
    if !report.revocation_errors.is_empty() {
        tracing::info!(
            errors = report.revocation_errors.len(),
            "revocation after deletion failed"
        );
    }
    out.flush().map_err(io_failure)
}
