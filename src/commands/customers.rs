//! `shopterm customers --phone NUMBER | --email EMAIL`: a staff profile's customer search, as the
//! TUI's search pane runs it (each match's e-mail and phone from its detail; guest orders by
//! e-mail as one more match), for choosing the `--customer` of the next command.

use super::connect::open_profile;
use super::exit::{CliResult, Failure, io_failure, status_of};
use super::output::{Table, print_json, stdout};
use serde::Serialize;
use shopterm::cli::{CustomersArgs, ExitStatus};
use shopterm::connection;
use shopterm::paths::Paths;
use shopterm::platforms::shoptet::CustomerMatch;
use shopterm::sanitize::clean;
use std::io::Write;

/// One match as `--json` prints it (a documented, stable shape).
#[derive(Serialize)]
struct Found<'a> {
    /// What `--customer` takes for this match: the GUID (guest orders: `guest:<e-mail>`).
    customer: String,
    guest: bool,
    name: &'a str,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    company: Option<&'a str>,
    /// Why e-mail and phone are missing, when the detail could not be read.
    detail_error: Option<&'a str>,
}

impl<'a> Found<'a> {
    fn of(found: &'a CustomerMatch) -> Found<'a> {
        let guest = found.is_guest();
        Found {
            customer: found.guid.clone(),
            guest,
            name: &found.name,
            // A guest match's "phone" is the list's note that there is no account.
            email: found.email.as_deref(),
            phone: found.phone.as_deref().filter(|_| !guest),
            company: found.company.as_deref(),
            detail_error: found.detail_error.as_deref(),
        }
    }
}

pub async fn customers(args: CustomersArgs, paths: &Paths) -> CliResult {
    let (name, host, connection) = open_profile(args.profile.as_deref(), paths)?;
    let desk = connection::staff_desk(&connection, "shopterm customers")
        .map_err(|e| Failure::new(ExitStatus::Usage, format!("{host} (profile {name}): {e}")))?;
    let (text, what) = match (&args.phone, &args.email) {
        (Some(phone), _) => (phone.as_str(), "the phone number"),
        (None, Some(email)) if email.contains('@') => (email.as_str(), "the e-mail"),
        (None, Some(_)) => {
            return Err(Failure::new(
                ExitStatus::Usage,
                "--email takes an e-mail address",
            ));
        }
        // clap requires one of them.
        (None, None) => return Err(Failure::new(ExitStatus::Usage, "give --phone or --email")),
    };
    let found = desk
        .search(text)
        .await
        .map_err(|e| Failure::new(status_of(&e), format!("{host}: {e}")))?;
    let shown: Vec<Found> = found.matches.iter().map(Found::of).collect();
    if args.json {
        print_json(&shown)?;
    } else if !shown.is_empty() {
        let rows: Vec<Vec<String>> = shown
            .iter()
            .map(|m| {
                let or_dash = |t: Option<&str>| t.map(clean).unwrap_or_else(|| "-".into());
                vec![
                    clean(m.name),
                    or_dash(m.email),
                    or_dash(m.phone.or(m.detail_error)),
                    or_dash(m.company),
                    clean(&m.customer),
                ]
            })
            .collect();
        let mut out = stdout();
        Table::new(&["NAME", "E-MAIL", "PHONE", "COMPANY", "--customer"], &[])
            .write_all(&mut out, &rows)
            .map_err(io_failure)?;
        if found.total > found.matches.iter().filter(|m| !m.is_guest()).count() {
            writeln!(
                out,
                "({} customers in all; the first {} are shown)",
                found.total,
                shopterm::platforms::shoptet::MATCHES_SHOWN
            )
            .map_err(io_failure)?;
        }
        out.flush().map_err(io_failure)?;
    }
    if shown.is_empty() {
        return Err(Failure::new(
            ExitStatus::NotFound,
            format!("{host}: no customer with {what} {}", clean(text)),
        ));
    }
    Ok(())
}
