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
    /// Create an account at a shop whose platform offers sign-up (Spryker, Centra, AbanteCart),
    /// then sign in with it and remember it as a profile. The password is read from stdin
    /// (--password-stdin) or asked for without echo, never given as an argument.
    Register(RegisterArgs),
    /// Sign out: revoke the tokens at the shop and delete them here.
    Logout(ProfileArgs),
    /// Show who is signed in and until when (never the token).
    Whoami(ProfileArgs),
    /// The signed-in customer's account details; `account delete --confirm EMAIL` deletes
    /// (anonymises) the account where the shop offers it.
    Account(AccountArgs),
    /// The address book.
    Addresses(JsonArgs),
    /// The order history, newest first (--all for every order; --json or --csv for scripts);
    /// `orders pdf CODE` saves an order's PDF (or its invoice's).
    #[command(args_conflicts_with_subcommands = true)]
    Orders(OrdersArgs),
    /// One order with its lines, totals, addresses and shipments with tracking.
    Order(OrderArgs),
    /// Current price and availability of products by code.
    Products(ProductsArgs),
    /// Order again what an earlier order held, at today's prices: review, confirm, send.
    Reorder(ReorderArgs),
    /// Staff profiles (Shoptet): the customers with a phone number or e-mail, to choose one
    /// with --customer.
    Customers(CustomersArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. `shopterm man | man -l -`.
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// The profile to use (default: the default profile in config.toml).
    #[arg(long, short = 'p')]
    pub profile: Option<String>,
    /// Staff profiles (Shoptet): the customer to work for, by e-mail, customer GUID or phone
    /// number (which must find one customer).
    #[arg(long, value_name = "EMAIL|GUID|PHONE")]
    pub customer: Option<String>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("by").required(true).args(["phone", "email"])))]
pub struct CustomersArgs {
    /// The customer's phone number, as the shop has it (e.g. "+420 777 123 456").
    #[arg(long)]
    pub phone: Option<String>,
    /// The customer's e-mail (also finds guest orders placed with it).
    #[arg(long)]
    pub email: Option<String>,
    /// Print JSON (the documented, stable shape) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// The staff profile to use (default: the default profile in config.toml).
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
    /// How long to wait for the browser (default 300) or for the device code's approval
    /// (default: as long as the code is valid), in seconds.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub timeout: Option<u64>,
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
    /// The browser sign-in's OpenID `prompt` (none, login, consent, select_account; "" sends
    /// none), saved in the profile. Default: consent when asking for offline_access.
    #[arg(long, conflicts_with_all = ["device", "api_client_id"], value_parser = parse_prompt)]
    pub prompt: Option<String>,
    /// A fixed 127.0.0.1 port for the browser's redirect (for `ssh -L PORT:127.0.0.1:PORT`),
    /// saved in the profile. Default: a free port each time.
    #[arg(long, conflicts_with_all = ["device", "api_client_id"], value_parser = clap::value_parser!(u16).range(1..))]
    pub callback_port: Option<u16>,
    /// The shop's platform, for a new profile (default: customer_api). Spryker, Centra and
    /// AbanteCart shops sign in with e-mail and password instead of the browser.
    #[arg(long, value_enum)]
    pub platform: Option<crate::platforms::PlatformId>,
    /// Password platforms: the e-mail (or login name) to sign in with; asked for when missing.
    #[arg(long, conflicts_with_all = ["no_browser", "device", "api_client_id"])]
    pub email: Option<String>,
    /// Password platforms: read the password from the first line of stdin (for scripts) instead
    /// of asking on the terminal. Never give a password as an argument.
    #[arg(long, conflicts_with_all = ["no_browser", "device", "api_client_id"])]
    pub password_stdin: bool,
    /// Shoptet: read the staff API token from the first line of stdin (for scripts) instead of
    /// asking on the terminal without echo. Never give a token as an argument.
    #[arg(long, conflicts_with_all = ["no_browser", "device", "api_client_id", "password_stdin", "email"])]
    pub token_stdin: bool,
}

#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// The shop's address (the Glue API root for Spryker, the Checkout API for Centra, the
    /// storefront for AbanteCart).
    pub shop_url: url::Url,
    /// The shop's platform.
    #[arg(long, value_enum)]
    pub platform: crate::platforms::PlatformId,
    /// The profile to create (default: the shop's host[:port]).
    #[arg(long, short = 'p')]
    pub profile: Option<String>,
    /// The new account's e-mail; it is also the login.
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub first_name: String,
    #[arg(long)]
    pub last_name: String,
    /// A telephone number (AbanteCart shops require one).
    #[arg(long)]
    pub phone: Option<String>,
    /// Mr, Mrs, Ms or Dr, where the shop keeps one (Spryker).
    #[arg(long)]
    pub salutation: Option<String>,
    /// Read the password from the first line of stdin (for scripts) instead of asking on the
    /// terminal. Never give a password as an argument.
    #[arg(long)]
    pub password_stdin: bool,
    /// A CA certificate (PEM) to trust for this shop, e.g. the demo shop's --tls CA.
    #[arg(long)]
    pub ca_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AccountArgs {
    #[command(subcommand)]
    pub action: Option<AccountCommand>,
    #[command(flatten)]
    pub show: JsonArgs,
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Delete (anonymise) the signed-in customer's account at the shop, then sign out here.
    /// Cannot be undone; --confirm must repeat the account's e-mail.
    Delete(DeleteAccountArgs),
    /// Change the account's details: only the fields given change ("" clears an optional
    /// one). A field the shop's platform does not keep is refused before anything is sent
    /// (exit 7). Staff profiles (with --customer) ask to confirm, naming the customer, unless
    /// --yes; without a terminal and without --yes nothing is saved (exit 8).
    Edit(EditAccountArgs),
}

#[derive(Debug, Args)]
pub struct EditAccountArgs {
    #[arg(long, value_name = "NAME")]
    pub first_name: Option<String>,
    #[arg(long, value_name = "NAME")]
    pub last_name: Option<String>,
    /// The phone number; "" clears it.
    #[arg(long, value_name = "NUMBER")]
    pub phone: Option<String>,
    /// The company name; "" clears it.
    #[arg(long, value_name = "NAME")]
    pub company: Option<String>,
    /// The company's registration number (Shoptet: companyId, at most 18 characters); "" clears it.
    #[arg(long, value_name = "ID")]
    pub company_id: Option<String>,
    /// The company's VAT id (Shoptet: vatId, at most 16 characters); "" clears it.
    #[arg(long, value_name = "ID")]
    pub vat_id: Option<String>,
    /// Save without asking (staff profiles ask to confirm otherwise).
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub show: JsonArgs,
}

#[derive(Debug, Args)]
pub struct DeleteAccountArgs {
    /// The signed-in account's e-mail, typed out to confirm the deletion.
    #[arg(long, value_name = "EMAIL")]
    pub confirm: String,
    #[command(flatten)]
    pub profile: ProfileArgs,
}

fn parse_prompt(value: &str) -> Result<String, String> {
    crate::auth::flow::validate_prompt(value).map(|()| value.trim().to_owned())
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
    /// The platform the TUI talks to: the demo shop serves the Customer API and emulates the
    /// other platforms' APIs over the same data (Spryker, Centra and AbanteCart sign in with
    /// e-mail and password in a form instead of the browser).
    #[arg(long, value_enum, default_value_t = crate::platforms::PlatformId::DEFAULT)]
    pub platform: crate::platforms::PlatformId,
    /// For benchmarks: seed the B2B buyer with this many orders (an empty store only).
    #[arg(long, hide = true, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub bench_orders: Option<u32>,
    /// The Centra emulator answers the payment step with an HTML form for a payment provider
    /// (as Centra does for some) instead of the address of its payment page.
    #[arg(long)]
    pub centra_payment_form: bool,
}

// ---------------------------------------------------------------------------------------------
// The scripting commands (account, addresses, orders, order, products, reorder), completions and
// the man page. Handlers: src/commands/ (one file per command). Exit codes: [`ExitStatus`].
// ---------------------------------------------------------------------------------------------

/// Exit statuses of shopterm's commands; stable, documented in the README and the man page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitStatus {
    Ok = 0,
    /// Anything not listed below: a local file that cannot be read, an answer the shop should
    /// not have given.
    Failure = 1,
    /// The command line is wrong (clap's own status), or names an unknown profile.
    Usage = 2,
    /// Not signed in, or the session has ended: run `shopterm login`.
    NotSignedIn = 3,
    /// The order or product does not exist (or is not this customer's).
    NotFound = 4,
    /// The shop cannot be reached or failed temporarily (network error, time-out, HTTP 5xx, rate
    /// limit): trying again later may work.
    Network = 5,
    /// The shop refused the request (validation, conflict, not allowed), or nothing of a reorder
    /// can be ordered.
    Refused = 6,
    /// The shop's platform does not offer this (e.g. placing orders).
    Unsupported = 7,
    /// A reorder (or a staff member's account edit) was not confirmed: no --yes while standard
    /// input is not a terminal, or the person answered no. Nothing was sent.
    NotConfirmed = 8,
}

impl ExitStatus {
    pub const ALL: [ExitStatus; 9] = [
        ExitStatus::Ok,
        ExitStatus::Failure,
        ExitStatus::Usage,
        ExitStatus::NotSignedIn,
        ExitStatus::NotFound,
        ExitStatus::Network,
        ExitStatus::Refused,
        ExitStatus::Unsupported,
        ExitStatus::NotConfirmed,
    ];

    pub fn code(self) -> i32 {
        self as i32
    }

    /// One line for the documentation.
    pub fn describe(self) -> &'static str {
        match self {
            ExitStatus::Ok => "success",
            ExitStatus::Failure => "other error (local files, an unexpected answer from the shop)",
            ExitStatus::Usage => "usage error: bad arguments or an unknown profile",
            ExitStatus::NotSignedIn => {
                "not signed in, or the session has ended: run `shopterm login`"
            }
            ExitStatus::NotFound => "no such order or product",
            ExitStatus::Network => {
                "the shop cannot be reached or failed temporarily (network, time-out, HTTP 5xx, rate limit)"
            }
            ExitStatus::Refused => {
                "the shop refused the request (validation, conflict), or nothing could be ordered"
            }
            ExitStatus::Unsupported => "the shop's platform does not offer this",
            ExitStatus::NotConfirmed => {
                "reorder not confirmed (no --yes and standard input is not a terminal, or answered no); nothing sent"
            }
        }
    }
}

#[derive(Debug, Args)]
pub struct JsonArgs {
    /// Print JSON (the documented, stable shape) instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub profile: ProfileArgs,
}

fn order_status(value: &str) -> Result<crate::model::OrderStatus, String> {
    crate::model::OrderStatus::parse(value).ok_or_else(|| {
        let known: Vec<&str> = crate::model::OrderStatus::ALL
            .iter()
            .map(|s| s.as_str())
            .collect();
        format!("expected one of {}", known.join(", "))
    })
}

fn day(value: &str) -> Result<time::Date, String> {
    time::Date::parse(
        value,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| "expected a date like 2025-01-31".to_owned())
}

#[derive(Debug, Subcommand)]
pub enum OrdersCommand {
    /// Save an order's PDF, or its invoice's, to the download directory (never replacing a
    /// file) and print its path.
    Pdf(PdfArgs),
}

#[derive(Debug, Args)]
pub struct PdfArgs {
    /// The order number, as the shop shows it (e.g. SO-10042).
    pub number: String,
    /// The invoice issued for the order instead of the order itself.
    #[arg(long)]
    pub invoice: bool,
    /// Write to this file (which must not exist yet) instead of the download directory.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Open the saved file too ($BROWSER if set, else the system's viewer).
    #[arg(long)]
    pub open: bool,
    #[command(flatten)]
    pub profile: ProfileArgs,
}

#[derive(Debug, Args)]
pub struct OrdersArgs {
    #[command(subcommand)]
    pub action: Option<OrdersCommand>,
    /// Only orders in this state.
    #[arg(long, value_parser = clap::builder::TypedValueParser::try_map(
        clap::builder::PossibleValuesParser::new(crate::model::OrderStatus::ALL.map(|s| s.as_str())),
        |s: String| order_status(&s),
    ))]
    pub status: Option<crate::model::OrderStatus>,
    /// Only orders placed on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = day)]
    pub since: Option<time::Date>,
    /// Only orders whose number or a product code or name contains this text.
    #[arg(long)]
    pub search: Option<String>,
    /// At most this many orders, newest first [default: 50].
    #[arg(long, value_name = "N", conflicts_with = "all",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,
    /// Every order (pages are printed as they arrive, in order).
    #[arg(long)]
    pub all: bool,
    /// Print a JSON array of orders.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV with a header row (RFC 4180).
    #[arg(long)]
    pub csv: bool,
    /// Orders per request (the shop may answer fewer) [default: the largest the platform
    /// allows, else 200].
    #[arg(long, hide = true,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub page_size: Option<u32>,
    /// Requests in flight at once with --all, where the platform pages by offset.
    #[arg(long, hide = true, default_value_t = 6,
          value_parser = clap::value_parser!(u32).range(1..=32))]
    pub concurrency: u32,
    #[command(flatten)]
    pub profile: ProfileArgs,
}

#[derive(Debug, Args)]
pub struct OrderArgs {
    /// The order number, as the shop shows it (e.g. SO-10042).
    pub number: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub profile: ProfileArgs,
}

#[derive(Debug, Args)]
pub struct ProductsArgs {
    /// Product codes (SKUs); also comma-separated.
    #[arg(required = true, value_delimiter = ',', value_name = "CODE")]
    pub codes: Vec<String>,
    /// Only this brand's products (codes can repeat across brands).
    #[arg(long)]
    pub brand: Option<String>,
    /// Print a JSON array of products.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub profile: ProfileArgs,
}

#[derive(Debug, Args)]
pub struct ReorderArgs {
    /// The order to repeat. A draft saved for it by an earlier, failed send is continued (same
    /// idempotency key: where the platform offers safe retries, the shop creates at most one
    /// order).
    #[arg(required_unless_present_any = ["draft", "shopping_list"])]
    pub number: Option<String>,
    /// Order one of the saved shopping lists (by name or id; an unknown one is refused with the
    /// names there are) at today's prices and stock, through the same review.
    #[arg(long, value_name = "NAME|ID", conflicts_with_all = ["number", "draft"])]
    pub shopping_list: Option<String>,
    /// Send without asking: the lines that can be ordered now; the others are listed, not sent.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Show the review only: send nothing, save no draft.
    #[arg(long, conflicts_with = "yes")]
    pub dry_run: bool,
    /// Print the review and the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// Continue the saved draft with this key (printed when a send failed), e.g. a quick order.
    #[arg(long, value_name = "KEY", conflicts_with = "number")]
    pub draft: Option<String>,
    /// Discard a saved draft for this order and start afresh with a new key. Only when you are
    /// sure the earlier send did not reach the shop (check `shopterm orders`).
    #[arg(long, conflicts_with = "draft")]
    pub new_draft: bool,
    /// Empty the shop's own cart first, on a shop whose cart keeps what was put in it before
    /// (Centra's selection); without it those items stay in the cart and are paid too.
    #[arg(long)]
    pub empty_cart: bool,
    #[command(flatten)]
    pub profile: ProfileArgs,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The page of one command (e.g. `orders`); default: shopterm(1).
    pub command: Option<String>,
    /// Write every page (shopterm.1, shopterm-orders.1, …) into this directory instead.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub out_dir: Option<PathBuf>,
}
