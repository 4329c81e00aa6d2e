//! The command line, as clap types. Kept apart from `main.rs` so completions and the man page can
//! be generated from the same definition.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "shopterm",
    version,
    about = "A terminal customer portal for online shops"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// The shop profile to open (default: the default profile in config.toml).
    #[arg(long, short = 'p')]
    pub profile: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The embedded demo shop on 127.0.0.1, opened in the TUI (or only served, with --serve).
    Demo(DemoArgs),
    /// Sign in to a shop (in the browser; --no-browser over SSH; --device where offered) and
    /// remember it as a profile.
    Login(LoginArgs),
    /// Sign out: revoke the tokens at the shop and delete them here.
    Logout(ProfileArgs),
    /// Show who is signed in and until when (never the token).
    Whoami(ProfileArgs),
}

#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// The profile to use (default: the default profile in config.toml).
    #[arg(long, short = 'p')]
    pub profile: Option<String>,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The shop's address, e.g. https://shop.example or http://127.0.0.1:8040 for a demo shop.
    /// Without it, signs in to the profile's shop again.
    pub shop_url: Option<url::Url>,
    /// The profile to create or use (default: the shop's host[:port]).
    #[arg(long, short = 'p')]
    pub profile: Option<String>,
    /// Do not open a browser: print the address, then paste the address the browser ends on.
    #[arg(long, conflicts_with = "device")]
    pub no_browser: bool,
    /// Sign in with a code entered on another device (RFC 8628), where the shop offers it.
    #[arg(long)]
    pub device: bool,
    /// How long to wait for the browser, in seconds.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub timeout: u64,
    /// The OAuth server, when sign-in does not live at the shop itself.
    #[arg(long)]
    pub issuer: Option<url::Url>,
    /// The OAuth client id (default: shopterm).
    #[arg(long)]
    pub client_id: Option<String>,
    /// Space-separated scopes to ask for (default: what the server suggests).
    #[arg(long)]
    pub scope: Option<String>,
    /// A CA certificate (PEM) to trust for this shop, e.g. the demo shop's --tls CA.
    #[arg(long)]
    pub ca_file: Option<PathBuf>,
    /// Use API credentials (client id + secret) instead of a browser sign-in. The secret comes
    /// from SHOPTERM_CLIENT_SECRET or --secret-file, never from the command line.
    #[arg(long, conflicts_with_all = ["no_browser", "device"])]
    pub api_client_id: Option<String>,
    /// A file (mode 0600) holding the API client secret.
    #[arg(long, requires = "api_client_id")]
    pub secret_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct DemoArgs {
    #[command(subcommand)]
    pub command: Option<DemoCommand>,

    #[command(flatten)]
    pub serve: DemoServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Print the e-mails the demo shop has "sent" (password resets).
    Outbox {
        /// Ask a running demo shop at this URL instead of reading its data file.
        #[arg(long)]
        url: Option<url::Url>,
        /// Print the mails as JSON.
        #[arg(long)]
        json: bool,
        /// The demo shop's SQLite file (default: demo-shop.sqlite3 in the data directory).
        #[arg(long, conflicts_with = "url")]
        data: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct DemoServeArgs {
    /// Only run the server (print its URL and the demo accounts, serve until Ctrl-C); without
    /// it, the TUI opens on the demo shop and signs in through the browser.
    #[arg(long)]
    pub serve: bool,
    /// Address to listen on; must be loopback. Port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub addr: SocketAddr,
    /// Keep the shop's data in memory only; every start is a fresh seed.
    #[arg(long)]
    pub ephemeral: bool,
    /// The SQLite file for the shop's data (default: demo-shop.sqlite3 in the data directory).
    #[arg(long, conflicts_with = "ephemeral")]
    pub data: Option<PathBuf>,
    /// Lifetime of access tokens, in seconds.
    #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub token_ttl: u64,
    /// Serve HTTPS with a certificate from a CA generated for this run.
    #[arg(long)]
    pub tls: bool,
    /// Where to write the CA certificate with --tls (default: demo-ca.pem in the state directory).
    #[arg(long, requires = "tls")]
    pub ca_out: Option<PathBuf>,
    /// For benchmarks: seed the B2B buyer with this many orders (an empty store only).
    #[arg(long, hide = true, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub bench_orders: Option<u32>,
}
