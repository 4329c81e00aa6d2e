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
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The embedded demo shop: an OAuth server and a shop API with seeded data, on 127.0.0.1.
    Demo(DemoArgs),
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
    /// Only run the server (print its URL and the demo accounts, serve until Ctrl-C).
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
}
