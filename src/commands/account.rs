//! `shopterm account`: the signed-in customer's account; `account edit` changes it, `account
//! delete` deletes it.

use super::connect::connect;
use super::connect::open_profile;
use super::exit::Failure;
use super::exit::{CliResult, io_failure};
use super::output::{confirm, opt, print_json, stdout, when};
use shopterm::auth::AuthError;
use shopterm::cli::{DeleteAccountArgs, EditAccountArgs, ExitStatus, JsonArgs};
use shopterm::connection;
use shopterm::model::{Account, AccountDraft};
use shopterm::paths::Paths;
use shopterm::sanitize::clean;
use shopterm::shop::{Feature, ShopError};
use std::io::{IsTerminal, Write};

pub async fn account(args: JsonArgs, paths: &Paths) -> CliResult {
    let ctx = connect(&args.profile, paths)?;
    let account = ctx.shop.account().await.map_err(|e| ctx.fail(e))?;
    if args.json {
        return print_json(&account);
    }
    write_account(&account)
}

/// The account as a person reads it: the details the shop has, one a line.
fn write_account(account: &Account) -> CliResult {
    let mut rows = vec![
        ("Name", clean(&account.display_name())),
        ("E-mail", clean(&account.email)),
    ];
    for (label, value) in [
        ("Company", &account.company),
        ("Company ID", &account.company_id),
        ("VAT ID", &account.vat_id),
        ("Phone", &account.phone),
    ] {
        if value.is_some() {
            rows.push((label, opt(value)));
        }
    }
    rows.push(("Customer", clean(account.id.as_str())));
    if let Some(at) = account.created_at {
        rows.push(("Since", when(at)[..10].to_owned()));
    }
    let mut out = stdout();
    for (label, value) in rows {
        writeln!(out, "{:<12}{value}", format!("{label}:")).map_err(io_failure)?;
    }
    out.flush().map_err(io_failure)
}

/// The optional fields `account edit` sets: the draft's field (as field errors name it), the
/// flag, and the value given ("" clears).
fn optional_changes(args: &EditAccountArgs) -> [(&'static str, &'static str, Option<&str>); 4] {
    [
        ("phone", "--phone", args.phone.as_deref()),
        ("company", "--company", args.company.as_deref()),
        ("company_id", "--company-id", args.company_id.as_deref()),
        ("vat_id", "--vat-id", args.vat_id.as_deref()),
    ]
}

/// The flag that sets a draft field, for a field error.
fn flag_of(field: &str) -> String {
    format!("--{}", field.replace('_', "-"))
}

/// `account edit`: the fields given change, the others stay as the shop has them. What the
/// platform does not keep is refused before any request (exit 7); the shop's refusals are
/// printed one field a line (exit 6); a staff member confirms, seeing the customer's name,
/// unless `--yes` (exit 8 when nobody can be asked). Staff edits are written to the audit log
/// by the desk (operation `update_account`).
pub async fn edit(args: EditAccountArgs, paths: &Paths) -> CliResult {
    let ctx = connect(&args.show.profile, paths)?;
    ctx.require(Feature::EditAccount)?;
    let changes = optional_changes(&args);
    for (field, flag, value) in changes {
        let Some(feature) = Feature::for_account_field(field) else {
            continue;
        };
        if value.is_some() && !ctx.shop.capabilities().supports(feature) {
            return Err(Failure::new(
                ExitStatus::Unsupported,
                format!(
                    "{flag}: {} is not available on this shop ({}, a {} shop); nothing was sent",
                    feature.describe(),
                    ctx.host,
                    ctx.shop.platform()
                ),
            ));
        }
    }
    if args.first_name.is_none()
        && args.last_name.is_none()
        && changes.iter().all(|(_, _, value)| value.is_none())
    {
        return Err(Failure::new(
            ExitStatus::Usage,
            "nothing to change: give --first-name, --last-name, --phone, --company,              --company-id or --vat-id",
        ));
    }
    let account = ctx.shop.account().await.map_err(|e| ctx.fail(e))?;
    let draft = edited(&account, &args);
    let refusal = |fields: Vec<shopterm::model::FieldError>| {
        let lines: Vec<String> = fields
            .iter()
            .map(|f| format!("{}: {}", flag_of(&f.field), f.message))
            .collect();
        Failure::new(
            ExitStatus::Refused,
            format!(
                "{}: the account was not changed:\n{}",
                ctx.host,
                lines.join("\n")
            ),
        )
    };
    let fields = shopterm::model::validate::account(&draft);
    if !fields.is_empty() {
        return Err(refusal(fields));
    }
    if draft == account.to_draft() {
        let mut out = stdout();
        writeln!(out, "No change: the account already has these details.").map_err(io_failure)?;
        return out.flush().map_err(io_failure);
    }
    if args.show.profile.customer.is_some() && !args.yes {
        confirm_for_customer(&account).await?;
    }
    let saved = match ctx.shop.update_account(&draft).await {
        Ok(saved) => saved,
        Err(ShopError::Validation { fields, .. }) if !fields.is_empty() => {
            return Err(refusal(fields));
        }
        Err(error) => return Err(ctx.fail(error)),
    };
    if args.show.json {
        return print_json(&saved);
    }
    {
        let mut out = stdout();
        writeln!(
            out,
            "Saved the account of {}.",
            clean(&saved.display_name())
        )
        .map_err(io_failure)?;
        out.flush().map_err(io_failure)?;
    }
    write_account(&saved)
}

/// The account with the changes `args` gives ("" clears an optional field).
fn edited(account: &Account, args: &EditAccountArgs) -> AccountDraft {
    let mut draft = account.to_draft();
    let text = |value: &str| value.trim().to_owned();
    let optional = |value: &str| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
    if let Some(name) = &args.first_name {
        draft.first_name = text(name);
    }
    if let Some(name) = &args.last_name {
        draft.last_name = text(name);
    }
    for (field, _, value) in optional_changes(args) {
        let Some(value) = value else { continue };
        let slot = match field {
            "phone" => &mut draft.phone,
            "company" => &mut draft.company,
            "company_id" => &mut draft.company_id,
            _ => &mut draft.vat_id,
        };
        *slot = optional(value);
    }
    draft
}

/// A staff member's yes for the customer named, asked on the terminal; exit 8 otherwise.
async fn confirm_for_customer(account: &Account) -> CliResult {
    let customer = format!(
        "{} <{}>",
        clean(&account.display_name()),
        clean(&account.email)
    );
    if !std::io::stdin().is_terminal() {
        return Err(Failure::new(
            ExitStatus::NotConfirmed,
            format!(
                "not saved: standard input is not a terminal, so shopterm cannot ask to confirm                  the change for {customer}; run again with --yes to save it"
            ),
        ));
    }
    if confirm(format!("Save these details for {customer}?")).await {
        Ok(())
    } else {
        Err(Failure::new(ExitStatus::NotConfirmed, "not saved"))
    }
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
