//! `shopterm login`, `logout` and `whoami`: the command-line face of `shopterm::auth`.
//!
//! Messages for the person go to stderr while a sign-in waits; the one-line results ("Signed in
//! to HOST as EMAIL") go to stdout for scripts. No token is ever printed. Whatever a server or
//! shop said (names, e-mails, user codes, error descriptions) is printed through
//! [`shopterm::sanitize::clean`], so it cannot drive the terminal; failures carry the exit status
//! of docs/cli.md's table ([`exit_status`]).

use color_eyre::eyre::{Context, Result, eyre};
use shopterm::auth::browser::{BrowserLaunch, open_browser};
use shopterm::auth::source::{ClientCredentialsTokenSource, read_client_secret};
use shopterm::auth::store::TokenIssuer;
use shopterm::auth::{AuthError, BrowserSignIn, DeviceSignIn, TokenSource};
use shopterm::cli::{ExitStatus, LoginArgs, ProfileArgs};
use shopterm::config::{AuthKind, Config, ConfigError, Profile, profile_name_for};
use shopterm::connection::{self, ProfileTokens};
use shopterm::paths::Paths;
use shopterm::sanitize::clean;
use shopterm::shop::{Shop, ShopError};
use std::io::BufRead;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;
use url::Url;

/// A failure whose exit status is known where it happens (e.g. `whoami` when signed out).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct StatusError {
    pub status: ExitStatus,
    pub message: String,
}

pub(super) fn fail(status: ExitStatus, message: String) -> color_eyre::eyre::Report {
    StatusError { status, message }.into()
}

/// The documented exit status of a failed `login`, `logout` or `whoami`: from the first error in
/// the chain that says what went wrong.
pub fn exit_status(error: &color_eyre::eyre::Report) -> ExitStatus {
    for cause in error.chain() {
        if let Some(error) = cause.downcast_ref::<StatusError>() {
            return error.status;
        }
        if let Some(error) = cause.downcast_ref::<AuthError>() {
            return auth_status(error);
        }
        if let Some(error) = cause.downcast_ref::<ShopError>() {
            return super::exit::status_of(error);
        }
        if let Some(error) = cause.downcast_ref::<ConfigError>() {
            return match error {
                ConfigError::NoProfiles => ExitStatus::NotSignedIn,
                ConfigError::UnknownProfile { .. } | ConfigError::NoDefault(_) => ExitStatus::Usage,
                _ => ExitStatus::Failure,
            };
        }
    }
    ExitStatus::Failure
}

fn auth_status(error: &AuthError) -> ExitStatus {
    match error {
        // Still not signed in: the server or shop said no.
        AuthError::Denied { .. } | AuthError::Refused { .. } | AuthError::WrongCredentials(_) => {
            ExitStatus::NotSignedIn
        }
        // Held back for a while (a 429): trying again later works, as after a rate limit.
        AuthError::TimedOut(_)
        | AuthError::DeviceTimedOut(_)
        | AuthError::Network(_)
        | AuthError::TooManyAttempts { .. } => ExitStatus::Network,
        AuthError::MissingEndpoint { .. } | AuthError::NoPkceS256 { .. } => ExitStatus::Unsupported,
        AuthError::Shop(error) => super::exit::status_of(error),
        _ => ExitStatus::Failure,
    }
}

/// The shop URL as a profile keeps it: no query, no fragment.
pub(super) fn clean_shop_url(url: &Url) -> Url {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    url
}

pub(super) fn absolute(path: &std::path::Path) -> Result<std::path::PathBuf> {
    std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))
}

/// Cancelled on Ctrl-C, so a waiting sign-in stops cleanly (listener closed, nothing stored).
fn cancel_on_ctrl_c() -> (CancellationToken, tokio::task::JoinHandle<()>) {
    let cancel = CancellationToken::new();
    let on_signal = cancel.clone();
    let task = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_signal.cancel();
        }
    });
    (cancel, task)
}

pub async fn login(args: LoginArgs, paths: &Paths) -> Result<()> {
    let config = Config::load(paths)?;
    let (name, profile) = profile_for_login(&args, &config, paths)?;
    shopterm::net::require_secure(&profile.shop_url)?;
    let target = LoginTarget {
        paths,
        config,
        http: profile.http_client()?,
        host: profile.display_host(),
        name,
        profile,
    };
    if target.profile.platform == shopterm::platforms::PlatformId::Shoptet {
        return staff_token_login(&args, target).await;
    }
    if target.profile.uses_password() {
        return password_login(&args, target).await;
    }
    match target.profile.auth.clone() {
        AuthKind::ClientCredentials {
            api_client_id,
            secret_file,
        } => client_credentials_login(&api_client_id, secret_file.as_deref(), target).await,
        AuthKind::Interactive => interactive_login(&args, target).await,
    }
}

/// The profile `login` signs in to, and what each way of signing in needs.
struct LoginTarget<'a> {
    paths: &'a Paths,
    config: Config,
    name: String,
    profile: Profile,
    http: reqwest::Client,
    /// The shop as messages name it.
    host: String,
}

impl LoginTarget<'_> {
    /// Keeps the profile in config.toml.
    fn save_profile(&mut self) -> Result<()> {
        self.config.upsert(&self.name, self.profile.clone())?;
        self.config.save(self.paths)?;
        Ok(())
    }

    /// Says who is signed in (the sign-in stands also when the account cannot be read).
    fn report(&self, account: Result<shopterm::model::Account, AuthError>) {
        let host = &self.host;
        match account {
            Ok(account) => println!("Signed in to {host} as {}", clean(&account.email)),
            Err(error) => println!(
                "Signed in to {host} (the account could not be read: {})",
                clean(&error.to_string())
            ),
        }
    }
}

/// The profile `login` signs in: the one of the shop URL given (new, or the saved one of that
/// name and URL) or the configured one, with the command line's settings applied.
fn profile_for_login(
    args: &LoginArgs,
    config: &Config,
    paths: &Paths,
) -> Result<(String, Profile)> {
    let (name, mut profile) = match &args.shop_url {
        Some(url) => {
            shopterm::net::require_secure(url)?;
            let url = clean_shop_url(url);
            let name = args
                .profile
                .clone()
                .unwrap_or_else(|| profile_name_for(&url));
            let profile = match config.profiles.get(&name) {
                Some(existing) if existing.shop_url == url => existing.clone(),
                _ => Profile::new(url),
            };
            (name, profile)
        }
        None => config.resolve(args.profile.as_deref(), paths)?,
    };
    if let Some(issuer) = &args.issuer {
        shopterm::net::require_secure(issuer)?;
        profile.issuer = Some(issuer.clone());
    }
    if let Some(client_id) = &args.client_id {
        profile.client_id = Some(client_id.clone());
    }
    if let Some(scope) = &args.scope {
        profile.scope = Some(scope.clone());
    }
    if let Some(platform) = &args.platform {
        profile.platform = *platform;
    }
    if let Some(ca_file) = &args.ca_file {
        profile.ca_file = Some(absolute(ca_file)?);
    }
    if let Some(prompt) = &args.prompt {
        profile.prompt = Some(prompt.clone());
    }
    if let Some(port) = args.callback_port {
        profile.callback_port = Some(port);
    }
    if let Some(api_client_id) = &args.api_client_id {
        profile.auth = AuthKind::ClientCredentials {
            api_client_id: api_client_id.clone(),
            secret_file: args.secret_file.as_deref().map(absolute).transpose()?,
        };
    }
    Ok((name, profile))
}

/// Signs in with API client credentials (the API client id and the file of its secret): the
/// profile is saved once the account loads with them.
async fn client_credentials_login(
    api_client_id: &str,
    secret_file: Option<&std::path::Path>,
    mut target: LoginTarget<'_>,
) -> Result<()> {
    let (profile, http, host) = (&target.profile, &target.http, &target.host);
    let secret = read_client_secret(secret_file)?;
    let source = Arc::new(ClientCredentialsTokenSource::new(
        http.clone(),
        &profile.shop_url,
        api_client_id,
        secret,
    )?);
    let shop = shop_for(profile, http, source.clone())?;
    let account = shop
        .account()
        .await
        .with_context(|| format!("cannot sign in to {host} with the API credentials"))?;
    target.save_profile()?;
    println!(
        "Signed in to {} as {} (API client {api_client_id}; profile {})",
        target.host,
        clean(&account.email),
        target.name
    );
    Ok(())
}

/// Signs in through the browser (or the device flow) with the shop's OAuth server.
async fn interactive_login(args: &LoginArgs, mut target: LoginTarget<'_>) -> Result<()> {
    let endpoints = match connection::endpoints_for(&target.profile, &target.http).await {
        Ok(endpoints) => endpoints,
        // A shop without OAuth metadata may be a password platform given no --platform.
        Err(error @ AuthError::Discovery { .. }) if args.platform.is_none() => {
            let labels: Vec<&str> = shopterm::platforms::registry::password_platforms()
                .map(|platform| platform.label)
                .collect();
            let names: Vec<&str> = shopterm::platforms::registry::password_platforms()
                .map(|platform| platform.name)
                .collect();
            return Err(eyre!(
                "{error}\nIf this is a {} shop, say so: `shopterm login {} --platform {}`",
                or_list(&labels),
                target.profile.shop_url,
                names.join("|")
            ));
        }
        Err(error) => return Err(error.into()),
    };
    // The profile is worth keeping once the shop's sign-in was found.
    target.save_profile()?;
    let LoginTarget {
        paths,
        name,
        profile,
        http,
        host,
        ..
    } = &target;
    let (cancel, ctrl_c) = cancel_on_ctrl_c();
    let started = std::time::Instant::now();
    let tokens = if args.device {
        device_sign_in(
            http,
            endpoints.clone(),
            args.timeout.map(Duration::from_secs),
            cancel,
        )
        .await
    } else {
        browser_sign_in(
            http,
            endpoints.clone(),
            host,
            args.no_browser,
            args.timeout.map_or(
                shopterm::auth::flow::DEFAULT_SIGN_IN_TIMEOUT,
                Duration::from_secs,
            ),
            cancel,
        )
        .await
    };
    ctrl_c.abort();
    let tokens = tokens.with_context(|| format!("sign-in to {host} failed"))?;
    let signed_in =
        connection::save_sign_in(paths, name, profile, http, endpoints.token_issuer(), tokens)
            .await?;
    tracing::info!(
        profile = %name,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "signed in"
    );
    target.report(signed_in.account);
    Ok(())
}

fn shop_for(
    profile: &Profile,
    http: &reqwest::Client,
    tokens: Arc<dyn TokenSource>,
) -> Result<Arc<dyn Shop>> {
    Ok(connection::make_shop(profile, http, tokens)?)
}

/// Sign-in on a password platform: the login from --email or asked for, the password from the
/// terminal without echo (or the first line of stdin with --password-stdin).
async fn password_login(args: &LoginArgs, mut target: LoginTarget<'_>) -> Result<()> {
    let (profile, host) = (&target.profile, &target.host);
    let platform = profile.platform.password_sign_in()?;
    let login = match &args.email {
        Some(login) => login.trim().to_owned(),
        None if args.password_stdin => {
            return Err(eyre!(
                "--password-stdin needs --email: stdin holds only the password"
            ));
        }
        None => {
            eprint!("{} for {host}: ", platform.login_label());
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("cannot read the login")?;
            line.trim().to_owned()
        }
    };
    if login.is_empty() {
        return Err(eyre!("no {} given", platform.login_label().to_lowercase()));
    }
    // A password keeps its spaces; only the line's end is not part of it.
    let password = read_secret(SecretInput {
        what: "password",
        stdin_flag: "--password-stdin",
        from_stdin: args.password_stdin,
        prompt: format!("Password for {login}: "),
        keep: |line| line.trim_end_matches(['\r', '\n']),
    })?;
    let signed_in = connection::password_sign_in(
        target.paths,
        &target.name,
        profile,
        &target.http,
        &login,
        &password,
    )
    .await
    .with_context(|| format!("sign-in to {host} failed"))?;
    target.save_profile()?;
    target.report(signed_in.account);
    Ok(())
}

/// A secret: `what`, as it is named in errors; `stdin_flag`, the option that reads it from stdin
/// (`--password-stdin`), and whether it was given; `prompt`, what the terminal asks (no echo);
/// `keep`, what of the line is the secret. No copy of it outlives the call but the returned one.
pub(super) struct SecretInput<'a> {
    pub what: &'a str,
    pub stdin_flag: &'a str,
    pub from_stdin: bool,
    pub prompt: String,
    pub keep: fn(&str) -> &str,
}

pub(super) fn read_secret(input: SecretInput<'_>) -> Result<secrecy::SecretString> {
    let what = input.what;
    let line = if input.from_stdin {
        let mut line = zeroize::Zeroizing::new(String::new());
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .with_context(|| format!("cannot read the {what} from stdin"))?;
        line
    } else {
        let typed = rpassword::prompt_password(&input.prompt).with_context(|| {
            let flag = input.stdin_flag;
            format!("cannot read the {what} from the terminal (use {flag} in scripts)")
        })?;
        zeroize::Zeroizing::new(typed)
    };
    Ok(secrecy::SecretString::from((input.keep)(&line)))
}

/// Staff sign-in (Shoptet): the private API token from the terminal without echo (or the first
/// line of stdin with --token-stdin), checked against the shop and stored like any token.
async fn staff_token_login(args: &LoginArgs, mut target: LoginTarget<'_>) -> Result<()> {
    if args.email.is_some() || args.password_stdin {
        return Err(fail(
            ExitStatus::Usage,
            "a Shoptet staff profile signs in with an API token: use --token-stdin, or type it when asked"
                .into(),
        ));
    }
    let host = target.host.clone();
    let token = read_secret(SecretInput {
        what: "staff API token",
        stdin_flag: "--token-stdin",
        from_stdin: args.token_stdin,
        prompt: format!("Shoptet staff API token for {host}: "),
        keep: str::trim,
    })?;
    if secrecy::ExposeSecret::expose_secret(&token).is_empty() {
        return Err(fail(ExitStatus::Usage, "no staff API token given".into()));
    }
    let eshop = shopterm::platforms::shoptet::eshop_of_token(
        &target.http,
        &target.profile.shop_url,
        &token,
    )
    .await
    .with_context(|| format!("sign-in to {host} failed"))?;
    connection::password_sign_in(
        target.paths,
        &target.name,
        &target.profile,
        &target.http,
        "staff",
        &token,
    )
    .await
    .with_context(|| format!("sign-in to {host} failed"))?;
    target.save_profile()?;
    println!(
        "Signed in to {host}: staff token for {} (profile {}); choose a customer with --customer EMAIL|GUID|PHONE",
        clean(&eshop_name(&eshop)),
        target.name
    );
    Ok(())
}

fn eshop_name(eshop: &shopterm::platforms::shoptet::wire::EshopInfo) -> String {
    let contact = &eshop.contact_information;
    contact
        .eshop_name
        .clone()
        .or_else(|| contact.url.clone())
        .unwrap_or_else(|| format!("e-shop {}", contact.eshop_id))
}

/// `whoami` of a staff profile: whose shop the token opens, and the customer in use if given.
async fn staff_whoami(
    connection: &connection::Connection,
    customer: Option<&str>,
    host: &str,
) -> Result<()> {
    use shopterm::platforms::shoptet::ShoptetShop;
    let staff = ShoptetShop::new(
        connection.profile.shop_url.clone(),
        connection.http.clone(),
        connection.tokens.source(),
    );
    let eshop = staff.eshop().await.map_err(|error| match error {
        ShopError::SessionExpired | ShopError::NotSignedIn => fail(
            ExitStatus::NotSignedIn,
            format!(
                "{host} no longer accepts the staff token ({error}); run `shopterm login --profile {}`",
                connection.name
            ),
        ),
        other => fail(
            super::exit::status_of(&other),
            format!("cannot reach {host}: {other}"),
        ),
    })?;
    println!(
        "Profile: {} ({})",
        connection.name, connection.profile.shop_url
    );
    println!(
        "Signed in with: staff token for {}",
        clean(&eshop_name(&eshop))
    );
    if let Some(customer) = customer {
        let shop = connection::shop_for_customer(connection, customer)?;
        let account = shop.account().await.map_err(|error| {
            fail(
                super::exit::status_of(&error),
                format!("cannot read the customer at {host}: {error}"),
            )
        })?;
        println!(
            "Customer: {} <{}> (customer {})",
            clean(&account.display_name()),
            clean(&account.email),
            clean(&account.id.to_string())
        );
    }
    Ok(())
}

async fn browser_sign_in(
    http: &reqwest::Client,
    endpoints: shopterm::auth::OAuthEndpoints,
    host: &str,
    no_browser: bool,
    timeout: Duration,
    cancel: CancellationToken,
) -> Result<shopterm::auth::TokenSet, AuthError> {
    let sign_in = BrowserSignIn::start(http.clone(), endpoints, host).await?;
    let url = sign_in.authorize_url().clone();
    if no_browser {
        eprintln!(
            "Open this address in a browser (on any machine) and sign in to {host}:\n\n  {url}\n\n\
             The browser then ends on an address starting with {} (it may show an error page when \
             the browser runs on another machine). Copy that whole address from the address bar \
             and paste it here, then press Enter:",
            sign_in.redirect_uri()
        );
        let paste = sign_in.paste_handle();
        // Blocking stdin reads on their own thread; it ends with the process.
        std::thread::spawn(move || {
            for line in std::io::stdin().lock().lines() {
                let Ok(line) = line else { break };
                if line.trim().is_empty() {
                    continue;
                }
                match paste.paste(&line) {
                    Ok(()) | Err(AuthError::Cancelled) => break,
                    Err(error) => {
                        eprintln!("{}\nPaste the address again:", clean(&error.to_string()))
                    }
                }
            }
        });
    } else {
        match open_browser(&url) {
            BrowserLaunch::BrowserVar(_) | BrowserLaunch::System => eprintln!(
                "Opening the sign-in page of {host} in your browser. If it does not open, visit:\n\n  {url}\n"
            ),
            BrowserLaunch::NotOpened(why) => eprintln!(
                "Could not open a browser ({why}). Open this address to sign in to {host}:\n\n  {url}\n"
            ),
        }
        eprintln!(
            "Waiting for the browser (up to {}; Ctrl-C cancels)…",
            humanize(timeout)
        );
    }
    sign_in.finish(timeout, cancel).await
}

/// `timeout` (`--timeout`) cuts the wait short of the code's own lifetime.
async fn device_sign_in(
    http: &reqwest::Client,
    endpoints: shopterm::auth::OAuthEndpoints,
    timeout: Option<Duration>,
    cancel: CancellationToken,
) -> Result<shopterm::auth::TokenSet, AuthError> {
    let device = DeviceSignIn::start(http.clone(), endpoints).await?;
    eprintln!(
        "On any device, open {}\nand enter the code: {}\n",
        clean(device.verification_uri().as_str()),
        clean(device.user_code())
    );
    if let Some(complete) = device.verification_uri_complete() {
        eprintln!("(or open {} directly)\n", clean(complete));
    }
    let lifetime = device
        .expires_in()
        .min(shopterm::auth::flow::MAX_TOKEN_LIFETIME);
    let wait = timeout.map_or(lifetime, |t| t.min(lifetime));
    eprintln!(
        "Waiting for the approval (up to {}; Ctrl-C cancels)…",
        humanize(wait)
    );
    device.finish_within(wait, cancel).await
}

fn humanize(duration: Duration) -> String {
    let secs = duration.as_secs();
    if secs >= 120 {
        format!("{} min", secs / 60)
    } else {
        format!("{secs} s")
    }
}

fn describe_expiry(at: OffsetDateTime) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    let when = at
        .to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_else(|_| at.to_string());
    let left = at - OffsetDateTime::now_utc();
    if left.is_negative() {
        format!("{when} (expired; renewed on the next request)")
    } else {
        format!(
            "{when} (in {})",
            humanize(Duration::from_secs(left.whole_seconds().max(0) as u64))
        )
    }
}

pub async fn whoami(args: ProfileArgs, paths: &Paths) -> Result<()> {
    let config = Config::load(paths)?;
    let (name, profile) = config.resolve(args.profile.as_deref(), paths)?;
    let host = profile.display_host();
    let connection = match connection::connect(paths, &name, &profile) {
        Ok(connection) => connection,
        Err(AuthError::Shop(ShopError::NotSignedIn)) => {
            return Err(fail(
                ExitStatus::NotSignedIn,
                format!(
                    "not signed in to {host} (profile {name}); run `shopterm login --profile {name}`"
                ),
            ));
        }
        Err(error) => return Err(error.into()),
    };
    if profile.platform == shopterm::platforms::PlatformId::Shoptet {
        return staff_whoami(&connection, args.customer.as_deref(), &host).await;
    }
    let account = connection
        .shop
        .account()
        .await
        .map_err(|error| match error {
            ShopError::SessionExpired | ShopError::NotSignedIn => fail(
                ExitStatus::NotSignedIn,
                format!(
                    "the session with {host} has ended ({error}); run `shopterm login --profile {name}`"
                ),
            ),
            other => fail(
                super::exit::status_of(&other),
                format!("cannot read the account at {host}: {other}"),
            ),
        })?;
    println!("Profile: {name} ({})", profile.shop_url);
    println!(
        "Signed in as: {} <{}> (account {})",
        clean(&account.display_name()),
        clean(&account.email),
        clean(&account.id.to_string())
    );
    match &connection.tokens {
        ProfileTokens::Stored(source) => {
            let tokens = source.snapshot().await;
            if let TokenIssuer::Platform { platform, .. } = &tokens.issued_by {
                println!(
                    "Signed in with: e-mail and password ({})",
                    clean(&platform.to_string())
                );
            }
            match (tokens.expires_at, &tokens.refresh_token) {
                (Some(at), _) => println!("Access token expires: {}", describe_expiry(at)),
                // A session token (Centra, AbanteCart): it works until the shop ends it.
                (None, None) => {
                    println!("Session: lasts until the shop ends it (then sign in again)")
                }
                (None, Some(_)) => println!("Access token expires: not said by the shop"),
            }
            if tokens.expires_at.is_some() || tokens.refresh_token.is_some() {
                println!(
                    "Refresh token: {}",
                    if tokens.refresh_token.is_some() {
                        "yes (the session renews itself)"
                    } else {
                        "no (sign in again when the access token expires)"
                    }
                );
            }
            println!("Tokens kept in: {}", source.store().describe());
        }
        ProfileTokens::ClientCredentials(source) => {
            println!("API client: {}", source.client_id());
            if let Some(at) = source.expires_at().await {
                println!("Access token expires: {}", describe_expiry(at));
            }
        }
    }
    Ok(())
}

pub async fn logout(args: ProfileArgs, paths: &Paths) -> Result<()> {
    let config = Config::load(paths)?;
    let (name, profile) = config.resolve(args.profile.as_deref(), paths)?;
    let host = profile.display_host();
    if let AuthKind::ClientCredentials { .. } = profile.auth {
        println!(
            "Profile {name} uses API credentials; shopterm stores no tokens for it. Revoke the credential at the shop to stop it."
        );
        return Ok(());
    }
    let http = profile.http_client()?;
    let report = connection::sign_out(paths, &name, &http).await?;
    if !report.was_signed_in {
        println!("Not signed in to {host}.");
    } else if !report.revocation_errors.is_empty() {
        eprintln!(
            "warning: revoking the tokens at {host} failed: {}",
            clean(&report.revocation_errors.join("; "))
        );
        println!("Signed out of {host} here (tokens deleted), but the shop may still accept them.");
    } else if report.server_revocation {
        println!("Signed out of {host}: tokens revoked at the shop and deleted here.");
    } else {
        println!("Signed out of {host}: tokens deleted here (the shop offers no revocation).");
    }
    Ok(())
}

/// "A, B or C".
fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}
