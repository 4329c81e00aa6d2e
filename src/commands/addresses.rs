//! `shopterm addresses`: the customer's address book.

use super::connect::connect;
use super::exit::{CliResult, io_failure};
use super::output::{Table, address_line, person, print_json, stdout};
use shopterm::cli::JsonArgs;
use shopterm::paths::Paths;
use shopterm::sanitize::clean;
use std::io::Write;

pub async fn addresses(args: JsonArgs, paths: &Paths) -> CliResult {
    let ctx = connect(&args.profile, paths)?;
    let book = ctx.shop.addresses().await.map_err(|e| ctx.fail(e))?;
    if args.json {
        return print_json(&book);
    }
    let mut out = stdout();
    if book.is_empty() {
        writeln!(out, "The address book is empty.").map_err(io_failure)?;
    } else {
        let rows: Vec<Vec<String>> = book
            .iter()
            .map(|a| {
                let defaults: Vec<&str> = [
                    a.default_shipping.then_some("shipping"),
                    a.default_billing.then_some("billing"),
                ]
                .into_iter()
                .flatten()
                .collect();
                vec![
                    clean(a.id.as_str()),
                    person(&a.postal),
                    address_line(&a.postal),
                    defaults.join(", "),
                ]
            })
            .collect();
        Table::new(&["ID", "NAME", "ADDRESS", "DEFAULT FOR"], &[])
            .write_all(&mut out, &rows)
            .map_err(io_failure)?;
    }
    out.flush().map_err(io_failure)
}
