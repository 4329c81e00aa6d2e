//! `shopterm register`: account creation at a shop whose platform offers it, then the sign-in
//! with the new account, stored as `login` stores one. The platform's refusals are printed one
//! field a line and exit with the validation status (6), as other refused requests do.

use super::auth::{SecretInput, StatusError, absolute, clean_shop_url, read_secret};
use color_eyre::eyre::Result;
use shopterm::auth::AuthError;
use shopterm::cli::{ExitStatus, RegisterArgs};
use shopterm::config::{Config, Profile, profile_name_for};
use shopterm::connection::{self, SignUpError};
use shopterm::paths::Paths;
use shopterm::sanitize::{FIELD_LINE_CHARS, clean, excerpt};
use shopterm::shop::{NewAccount, ShopError};

pub async fn register(args: RegisterArgs, paths: &Paths) -> Result<()> {
    shopterm::net::require_secure(&args.shop_url)?;
    let url = clean_shop_url(&args.shop_url);
    let name = args
        .profile
        .clone()
        .unwrap_or_else(|| profile_name_for(&url));
    let mut profile = Profile::new(url);
    profile.platform = args.platform;
    if let Some(ca_file) = &args.ca_file {
        profile.ca_file = Some(absolute(ca_file)?);
    }
    let host = profile.display_host();
    if let Some(reason) = args.platform.why_no_sign_up() {
        return Err(StatusError {
            status: ExitStatus::Unsupported,
            message: format!(
                "creating an account is not available on {host} ({}): {reason}",
                args.platform.label()
            ),
        }
        .into());
    }
    let password = read_secret(SecretInput {
        what: "password",
        stdin_flag: "--password-stdin",
        from_stdin: args.password_stdin,
        prompt: format!("Password for the new account {}: ", args.email.trim()),
        keep: |line| line.trim_end_matches(['\r', '\n']),
    })?;
    let account = NewAccount {
        email: args.email.trim().to_owned(),
        first_name: args.first_name,
        last_name: args.last_name,
        password,
        phone: args.phone,
        salutation: args.salutation,
    };
    let http = profile.http_client()?;
    let signed_in = match connection::sign_up(paths, &name, &profile, &http, &account).await {
        Ok(signed_in) => signed_in,
        Err(SignUpError::NotCreated(AuthError::Shop(error))) if error.may_have_taken_effect() => {
            // The shop may have the account: the profile is kept for the check by signing in.
            let mut config = Config::load(paths)?;
            config.upsert(&name, profile)?;
            config.save(paths)?;
            return Err(StatusError {
                status: super::exit::status_of(&error),
                message: format!(
                    "the account may have been created at {host}: its answer was lost. Check                      with `shopterm login --profile {name}` before signing up again. The                      error: {error}"
                ),
            }
            .into());
        }
        Err(SignUpError::NotCreated(AuthError::Shop(error))) => {
            return Err(refused(&host, error).into());
        }
        Err(SignUpError::NotCreated(error)) => {
            return Err(color_eyre::eyre::Report::new(error)
                .wrap_err(format!("{host} did not create the account")));
        }
        Err(SignUpError::SignInFailed(error)) => {
            // The profile is kept: `shopterm login --profile NAME` signs in to it.
            let mut config = Config::load(paths)?;
            config.upsert(&name, profile)?;
            config.save(paths)?;
            return Err(color_eyre::eyre::Report::new(error).wrap_err(format!(
                "the account was created at {host}, but the sign-in failed; sign in with \
                 `shopterm login --profile {name}`"
            )));
        }
    };
    let mut config = Config::load(paths)?;
    config.upsert(&name, profile)?;
    config.save(paths)?;
    match signed_in.account {
        Ok(account) => println!(
            "Created the account {} at {host} and signed in (profile {name})",
            clean(&account.email)
        ),
        Err(error) => println!(
            "Created the account at {host} and signed in (profile {name}; the account could not \
             be read: {})",
            clean(&error.to_string())
        ),
    }
    Ok(())
}

/// The shop's refusal of a sign-up: its field errors one a line (`  email: is already used …`).
fn refused(host: &str, error: ShopError) -> StatusError {
    let status = super::exit::status_of(&error);
    let message = match &error {
        ShopError::Validation { fields, .. } if !fields.is_empty() => {
            let lines: Vec<String> = fields
                .iter()
                .map(|f| {
                    format!(
                        "  {}",
                        excerpt(&format!("{}: {}", f.field, f.message), FIELD_LINE_CHARS)
                    )
                })
                .collect();
            format!("{host} did not create the account:\n{}", lines.join("\n"))
        }
        other => format!("{host} did not create the account: {other}"),
    };
    StatusError { status, message }
}
