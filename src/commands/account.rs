//! `shopterm account`: the signed-in customer's account.

use super::connect::connect;
use super::exit::{CliResult, io_failure};
use super::output::{opt, print_json, stdout, when};
use shopterm::cli::JsonArgs;
use shopterm::paths::Paths;
use shopterm::sanitize::clean;
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
