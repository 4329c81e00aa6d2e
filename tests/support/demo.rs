//! The embedded demo shop on loopback for tests: starting it, its demo accounts, and a harness
//! with the Customer API connector signed in as one of them.

use super::oauth::{TokenResponse, browser_sign_in, try_browser_sign_in};
use secrecy::SecretString;
use shopterm::auth::{NoToken, StaticToken, TokenSource};
use shopterm::demo::store::{DemoLogin, Store};
use shopterm::demo::{DemoConfig, RunningDemo};
use shopterm::model::{PostalAddress, ProductCode};
use shopterm::platforms::customer_api::CustomerApiShop;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// The demo shop in memory on a free loopback port, with access tokens living `ttl`.
pub async fn spawn_demo(ttl: Duration) -> RunningDemo {
    shopterm::demo::start(DemoConfig {
        token_ttl: ttl,
        ..DemoConfig::ephemeral()
    })
    .await
    .expect("the demo shop starts")
}

/// An HTTP client like a browser's for these tests, except that it does not follow redirects:
/// the tests look at each `Location`. It offers gzip, as the shop API requires.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .gzip(true)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client")
}

/// The B2B buyer, the first demo account.
pub fn buyer() -> DemoLogin {
    Store::demo_logins()
        .into_iter()
        .next()
        .expect("a demo login")
}

/// The new customer with no orders and no addresses.
pub fn newcomer() -> DemoLogin {
    let logins = Store::demo_logins();
    logins
        .iter()
        .find(|login| login.email.starts_with("new@"))
        .or(logins.last())
        .cloned()
        .expect("a demo login")
}

/// The key of the newest password-reset mail to `email` in the demo's outbox.
pub async fn reset_key_from_outbox(demo: &RunningDemo, email: &str) -> String {
    let store = demo.state.store.clone();
    let mails = tokio::task::spawn_blocking(move || store.outbox())
        .await
        .expect("outbox task")
        .expect("outbox");
    let mail = mails
        .iter()
        .filter(|mail| mail.to.eq_ignore_ascii_case(email))
        .max_by_key(|mail| mail.id)
        .unwrap_or_else(|| panic!("no mail to {email} in the outbox"));
    let start = mail
        .body
        .find("key=")
        .unwrap_or_else(|| panic!("no key= in the reset mail:\n{}", mail.body))
        + "key=".len();
    mail.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "-_.~%".contains(*c))
        .collect()
}

/// A new address in Malmö for the buyer's book (no company, no phone).
pub fn malmo_address() -> PostalAddress {
    serde_json::from_value(serde_json::json!({
        "first_name": "Greta", "last_name": "Lind", "line1": "Storgatan 1",
        "city": "Malmö", "postcode": "211 34", "country": "SE"
    }))
    .expect("a postal address")
}

/// The demo shop plus the ways tests talk to it.
pub struct DemoHarness {
    pub demo: RunningDemo,
}

impl DemoHarness {
    /// One-hour tokens.
    pub async fn start() -> DemoHarness {
        DemoHarness::start_with_ttl(Duration::from_secs(3600)).await
    }

    pub async fn start_with_ttl(ttl: Duration) -> DemoHarness {
        DemoHarness {
            demo: spawn_demo(ttl).await,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.demo.base_url
    }

    /// A fresh access token for `login`, from the browser sign-in.
    pub async fn token_for(&self, login: &DemoLogin) -> String {
        browser_sign_in(self.base_url(), &login.email, &login.password)
            .await
            .access_token
    }

    pub async fn try_sign_in(&self, email: &str, password: &str) -> Result<TokenResponse, String> {
        try_browser_sign_in(self.base_url(), email, password).await
    }

    fn shop(&self, tokens: Arc<dyn TokenSource>) -> CustomerApiShop {
        let base = Url::parse(self.base_url()).expect("base URL");
        let http = shopterm::net::http_client(None).expect("HTTP client");
        CustomerApiShop::new(base, http, tokens)
    }

    /// The Customer API connector, signed in as `login`.
    pub async fn shop_for(&self, login: &DemoLogin) -> CustomerApiShop {
        let token = self.token_for(login).await;
        self.shop_with_token(&token)
    }

    pub fn shop_with_token(&self, token: &str) -> CustomerApiShop {
        self.shop(Arc::new(StaticToken(SecretString::from(token.to_owned()))))
    }

    pub fn anonymous_shop(&self) -> CustomerApiShop {
        self.shop(Arc::new(NoToken))
    }

    /// The key of the newest password-reset mail to `email` in the demo's outbox.
    pub async fn reset_key_from_outbox(&self, email: &str) -> String {
        reset_key_from_outbox(&self.demo, email).await
    }

    /// Sets a product's stock directly in the store.
    pub fn set_stock(&self, code: &ProductCode, brand: &str, stock: u32) {
        self.demo
            .state
            .store
            .set_product(code, brand, None, Some(stock))
            .expect("stock set");
    }
}
