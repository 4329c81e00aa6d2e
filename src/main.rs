//! shopterm's entry point: parse the command line, set up logging, run the command.

// No unwrap on data from the network or the user, and functions short enough to read
// (clippy.toml: 120 lines); tests may unwrap (their unwrap is the assertion) and run long
// scenarios. scripts/test runs clippy with -D warnings, so these bind.
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::too_many_lines))]

mod commands;

use clap::Parser;
use color_eyre::eyre::{Context, Result, eyre};
use shopterm::auth::TokenStore;
use shopterm::cli::{Cli, Command, DemoArgs, DemoCommand, DemoServeArgs};
use shopterm::config::{Config, Profile};
use shopterm::demo::store::{SeedOptions, Store};
use shopterm::demo::{self, DemoConfig};
use shopterm::paths::Paths;
use shopterm::tui::State;
use shopterm::tui::session::Session;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

fn main() -> std::process::ExitCode {
    // color-eyre for panic reports; errors are printed as one plain line, as a CLI should.
    let _ = color_eyre::install();
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        // The terminal is already restored; the status says which signal, as a shell's would.
        Err(error) if error.downcast_ref::<EndedBySignal>().is_some() => {
            let signal = error.downcast_ref::<EndedBySignal>().map_or(0, |e| e.0);
            std::process::ExitCode::from(u8::try_from(128 + signal).unwrap_or(1))
        }
        Err(error) => {
            // Error texts can carry what a server or shop said: cleaned, line by line, each
            // line cut to a length a terminal shows (a shop's 30 MB error text included).
            use shopterm::sanitize::{FAILURE_LINE_CHARS, FAILURE_LINES, excerpt_lines};
            let message: Vec<String> = error.chain().map(ToString::to_string).collect();
            let message = message.join(": ");
            let mut lines = excerpt_lines(&message, FAILURE_LINE_CHARS, FAILURE_LINES).into_iter();
            eprintln!("shopterm: {}", lines.next().unwrap_or_default());
            for line in lines {
                eprintln!("{line}");
            }
            let status = commands::auth::exit_status(&error);
            std::process::ExitCode::from(u8::try_from(status.code()).unwrap_or(1))
        }
    }
}

fn run() -> Result<()> {
    let cli = Cli::parse();
    let paths = Paths::discover().ok_or_else(|| eyre!("cannot find a home directory for shopterm's files; set SHOPTERM_DATA_DIR and SHOPTERM_STATE_DIR"))?;
    // 0700 before anything is written there; a failure shows up where a file is written.
    let prepared = paths.prepare();
    // Logging failures must not stop the program: it then runs without a log.
    let _log_guard = shopterm::logging::init(&paths.log_file())
        .map_err(|e| {
            eprintln!(
                "shopterm: not logging to {}: {e}",
                paths.log_file().display()
            )
        })
        .ok();
    if let Err(error) = prepared {
        tracing::warn!(%error, "cannot make the state and data directories private");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    match cli.command {
        Some(Command::Demo(args)) => runtime.block_on(demo_command(args, &paths)),
        Some(Command::Login(args)) => runtime.block_on(commands::auth::login(args, &paths)),
        Some(Command::Register(args)) => {
            runtime.block_on(commands::register::register(args, &paths))
        }
        Some(Command::Logout(args)) => runtime.block_on(commands::auth::logout(args, &paths)),
        Some(Command::Whoami(args)) => runtime.block_on(commands::auth::whoami(args, &paths)),
        Some(
            command @ (Command::Account(_)
            | Command::Addresses(_)
            | Command::Orders(_)
            | Command::Order(_)
            | Command::Products(_)
            | Command::Reorder(_)
            | Command::Customers(_)
            | Command::Completions(_)
            | Command::Man(_)),
        ) => {
            // The scripting commands print their own errors and exit with a documented status.
            let status = runtime.block_on(commands::run_scripting(command, cli.profile, &paths));
            drop(runtime);
            drop(_log_guard);
            std::process::exit(status.code())
        }
        None => runtime.block_on(open_profile(cli.profile, &paths)),
    }
}

/// `shopterm [--profile P]`: the TUI on a signed-in (or signing-in) profile.
async fn open_profile(name: Option<String>, paths: &Paths) -> Result<()> {
    let config = Config::load(paths)?;
    let (name, profile) = config.resolve(name.as_deref(), paths).map_err(|error| {
        eyre!("{error}\nSign in to your shop with `shopterm login https://your.shop.example`, or try the demo shop with `shopterm demo`.")
    })?;
    let session = Arc::new(Session::open(paths, &name, &profile, Vec::new())?);
    if session.staff().is_some() && !session.signed_in_at_start() {
        // The token is typed where it cannot echo or land in a history: at `login`, not here.
        return Err(eyre!(
            "profile {name} has no staff API token; sign in with `shopterm login --profile {name}` (it asks for the token without echo)"
        ));
    }
    run_tui(session, &config).await
}

async fn run_tui(session: Arc<Session>, config: &Config) -> Result<()> {
    let shop = session.shop();
    let label = session.label();
    let mut state = if session.signed_in_at_start() {
        State::new(label, shop.capabilities().clone())
    } else {
        State::signed_out(
            label,
            shop.capabilities().clone(),
            session.hint.clone(),
            session.password_login(),
        )
    };
    state.theme = shopterm::tui::theme::Theme::from_config(&config.theme)?;
    state.keys = shopterm::tui::keys::KeyMap::from_config(&config.keys).map_err(|e| eyre!(e))?;
    state.can_sign_in = session.can_sign_in();
    state.password_login = session.password_login();
    state.signin_hint = session.hint.clone();
    if session.staff().is_some() {
        // A staff token works for one customer at a time: the customer search comes first.
        shopterm::tui::staff_mode::enter(&mut state);
    }
    // An unsent repeat order from an earlier run comes back once the account says whose it is.
    match shopterm::tui::run(shop, Some(session), state)
        .await
        .context("the terminal UI failed")?
    {
        shopterm::tui::runtime::Ending::Quit => Ok(()),
        shopterm::tui::runtime::Ending::Signal(signal) => Err(EndedBySignal(signal).into()),
    }
}

/// SIGTERM or SIGHUP ended the TUI: `main` exits with 128 + the signal's number (143, 129) and
/// prints nothing (docs/cli.md). Carried as an error so the demo shop and the log still stop
/// in order on the way out.
#[derive(Debug)]
struct EndedBySignal(i32);

impl std::fmt::Display for EndedBySignal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ended by signal {}", self.0)
    }
}

impl std::error::Error for EndedBySignal {}

/// `shopterm demo`: the demo shop in this process, and the TUI on it.
async fn demo_tui(args: &DemoServeArgs, paths: &Paths) -> Result<()> {
    let config = demo_config(args, paths)?;
    let running = demo::start(config)
        .await
        .context("cannot start the demo shop")?;
    let shop_url = format!(
        "{}{}",
        running.base_url,
        shopterm::demo::emulators::prefix_of(args.platform)
    );
    let mut profile = Profile::new(shop_url.parse().context("demo shop URL")?);
    profile.platform = args.platform;
    profile.ca_file = running.ca_cert_path.clone();
    // The demo's tokens die with its server: a file, whatever `token_storage` says.
    profile.token_storage = Some(shopterm::config::TokenStorage::File);
    let profile_name = if args.platform == shopterm::platforms::PlatformId::CustomerApi {
        DEMO_PROFILE.to_owned()
    } else {
        format!("{DEMO_PROFILE}-{}", args.platform)
    };
    // Tokens from an earlier demo run belong to a server that is gone.
    TokenStore::new(&paths.state_dir).delete(&profile_name)?;
    if args.platform == shopterm::platforms::PlatformId::Shoptet {
        // Staff mode: the demo signs in with its own staff token, as a staff member's `login`
        // would, so it is stored (0600) and never shown or logged.
        let http = profile
            .http_client()
            .context("the demo shop's HTTP client")?;
        let token =
            secrecy::SecretString::from(shopterm::demo::emulators::shoptet::DEMO_TOKEN.to_owned());
        if let Err(error) = shopterm::connection::password_sign_in(
            paths,
            &profile_name,
            &profile,
            &http,
            "staff",
            &token,
        )
        .await
        {
            running.stop().await;
            return Err(error).context("cannot sign in to the demo shop's Shoptet API");
        }
    }
    let mut hint = vec![format!(
        "Demo shop at {shop_url} — sign in with one of these accounts:"
    )];
    hint.extend(Store::demo_logins().into_iter().map(|login| {
        format!(
            "  {}  password: {}  ({})",
            login.email, login.password, login.description
        )
    }));
    let session = Arc::new(Session::open(paths, &profile_name, &profile, hint)?);
    let result = run_tui(session, &Config::load(paths)?).await;
    running.stop().await;
    result
}

/// The profile name the embedded demo shop's tokens are stored under (`demo-spryker` etc. for
/// the emulated platforms).
const DEMO_PROFILE: &str = "demo";

async fn demo_command(args: DemoArgs, paths: &Paths) -> Result<()> {
    match args.command {
        Some(DemoCommand::Outbox { url, json, data }) => demo_outbox(url, json, data, paths).await,
        None if args.serve.serve => demo_serve(&args.serve, paths).await,
        None => demo_tui(&args.serve, paths).await,
    }
}

/// The demo shop's configuration from the command line, with the folder of its data file
/// created.
fn demo_config(args: &DemoServeArgs, paths: &Paths) -> Result<DemoConfig> {
    let config = DemoConfig {
        addr: args.addr,
        data_path: if args.ephemeral {
            None
        } else {
            Some(args.data.clone().unwrap_or_else(|| paths.demo_store()))
        },
        token_ttl: Duration::from_secs(args.token_ttl),
        tls_ca_out: args.tls.then(|| {
            args.ca_out
                .clone()
                .unwrap_or_else(|| paths.state_dir.join("demo-ca.pem"))
        }),
        seed: SeedOptions {
            buyer_orders: args.bench_orders,
        },
        centra_payment_form: args.centra_payment_form,
    };
    if let Some(dir) = config
        .data_path
        .as_deref()
        .and_then(std::path::Path::parent)
    {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    Ok(config)
}

async fn demo_serve(args: &DemoServeArgs, paths: &Paths) -> Result<()> {
    let config = demo_config(args, paths)?;
    let started = std::time::Instant::now();
    let running = demo::start(config)
        .await
        .context("cannot start the demo shop")?;
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo shop started"
    );
    let mut out = std::io::stdout().lock();
    writeln!(out, "Demo shop: {}", running.base_url)?;
    if let Some(ca) = &running.ca_cert_path {
        writeln!(out, "CA certificate: {}", ca.display())?;
    }
    for emulator in shopterm::demo::emulators::EMULATED {
        writeln!(
            out,
            "  {} API: {}{}",
            emulator.platform, running.base_url, emulator.prefix
        )?;
    }
    writeln!(
        out,
        "Shoptet staff token (demo only): {}",
        shopterm::demo::emulators::shoptet::DEMO_TOKEN
    )?;
    writeln!(out, "Accounts:")?;
    for login in Store::demo_logins() {
        writeln!(
            out,
            "{}  password: {}  ({})",
            login.email, login.password, login.description
        )?;
    }
    writeln!(out, "Press Ctrl-C to stop.")?;
    out.flush()?;
    drop(out);
    tokio::signal::ctrl_c()
        .await
        .context("cannot wait for Ctrl-C")?;
    running.stop().await;
    Ok(())
}

async fn demo_outbox(
    url: Option<url::Url>,
    json: bool,
    data: Option<std::path::PathBuf>,
    paths: &Paths,
) -> Result<()> {
    let mails = match url {
        Some(url) => {
            shopterm::net::require_secure(&url)?;
            let client = shopterm::net::http_client(None)?;
            let endpoint = url.join("/demo/outbox").context("bad demo shop URL")?;
            let response = client
                .get(endpoint)
                .send()
                .await
                .context("cannot reach the demo shop")?;
            if !response.status().is_success() {
                return Err(eyre!("the demo shop answered {}", response.status()));
            }
            response
                .json::<Vec<demo::store::Mail>>()
                .await
                .context("unexpected outbox answer")?
        }
        None => {
            let path = data.unwrap_or_else(|| paths.demo_store());
            if !path.exists() {
                return Err(eyre!(
                    "no demo shop data at {} (start one with `shopterm demo --serve`, or pass --url)",
                    path.display()
                ));
            }
            let store = tokio::task::spawn_blocking(move || Store::open(Some(&path))).await??;
            store.outbox()?
        }
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&mails)?);
    } else if mails.is_empty() {
        println!("The outbox is empty.");
    } else {
        for mail in mails {
            println!(
                "To: {}\nSubject: {}\nDate: {}\n\n{}\n",
                mail.to, mail.subject, mail.sent_at, mail.body
            );
        }
    }
    Ok(())
}
