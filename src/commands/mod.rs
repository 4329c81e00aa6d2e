//! The subcommands that are more than a few lines. `auth` holds `login`, `logout` and `whoami`,
//! `register` the sign-up;
//! the scripting commands (`account`, `addresses`, `orders` with `orders pdf` in `documents`,
//! `order`, `products`, `reorder`, the staff's `customers`,
//! `completions`, `man`) have a file each and share [`connect`] (profile to signed-in shop),
//! [`output`] (tables, JSON) and [`exit`] (failures and their exit statuses). No TUI: aligned
//! tables for people (every string from the shop cleaned of escape sequences first), JSON or CSV
//! for scripts, and exit statuses that say what went wrong. Errors go to stderr as one clear
//! message.

mod account;
mod addresses;
pub mod auth;
mod connect;
mod customers;
mod docs;
mod documents;
mod exit;
mod order;
mod orders;
mod output;
mod products;
pub mod register;
mod reorder;

use connect::or_global;
use exit::Failure;
use shopterm::cli::{Command, ExitStatus};
use shopterm::paths::Paths;
use shopterm::sanitize::clean;
use std::io::Write;

/// Runs one scripting command; prints its error, if any, to stderr; answers the exit status.
/// `profile` is the `--profile` given before the command name.
pub async fn run_scripting(command: Command, profile: Option<String>, paths: &Paths) -> ExitStatus {
    // Each command's own `--profile` wins over the one before the command name.
    macro_rules! with_profile {
        ($run:path, $args:expr) => {{
            let mut args = $args;
            or_global(&mut args.profile, &profile);
            $run(args, paths).await
        }};
    }
    let result = match command {
        Command::Account(args) => match args.action {
            Some(shopterm::cli::AccountCommand::Delete(delete)) => {
                with_profile!(account::delete, delete)
            }
            Some(shopterm::cli::AccountCommand::Edit(mut edit)) => {
                or_global(&mut edit.show.profile, &profile);
                account::edit(edit, paths).await
            }
            None => with_profile!(account::account, args.show),
        },
        Command::Addresses(args) => with_profile!(addresses::addresses, args),
        Command::Orders(args) => match args.action {
            Some(shopterm::cli::OrdersCommand::Pdf(pdf)) => with_profile!(documents::pdf, pdf),
            None => with_profile!(orders::orders, args),
        },
        Command::Order(args) => with_profile!(order::order, args),
        Command::Products(args) => with_profile!(products::products, args),
        Command::Reorder(args) => with_profile!(reorder::reorder, args),
        Command::Customers(mut args) => {
            if args.profile.is_none() {
                args.profile.clone_from(&profile);
            }
            customers::customers(args, paths).await
        }
        Command::Completions(args) => docs::completions(args),
        Command::Man(args) => docs::man(args),
        other => Err(Failure::new(
            ExitStatus::Failure,
            format!("not a scripting command: {other:?}"),
        )),
    };
    match result {
        Ok(()) => ExitStatus::Ok,
        Err(failure) => {
            if !failure.message.is_empty() {
                tracing::info!(status = failure.status.code(), "command failed");
                let mut err = std::io::stderr().lock();
                for (i, line) in failure.message.lines().enumerate() {
                    let prefix = if i == 0 { "shopterm: " } else { "  " };
                    let _ = writeln!(err, "{prefix}{}", clean(line));
                }
            }
            failure.status
        }
    }
}
