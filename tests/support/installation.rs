//! One installation of shopterm signed in to the demo shop's Customer API and to each platform
//! emulator (Spryker, Centra, AbanteCart; Shoptet with a staff token), every profile's API
//! through a [`FaultProxy`], for the
//! tests of a failing or hostile shop (tests/faults.rs, tests/hostile_output.rs).

use super::demo::{buyer, spawn_demo};
use super::proxy::FaultProxy;
use super::sandbox::{Run, Sandbox};
use shopterm::demo::emulators;
use std::time::Duration;

/// A platform behind the proxy: its profile and where its API lives on the proxy.
pub struct Platform {
    pub name: &'static str,
    /// `--platform` at sign-in and the emulator's path; `None` for the Customer API at the root.
    pub emulator: Option<&'static str>,
    /// Every request of this platform's connector starts with this path (the emulator's).
    pub api_prefix: &'static str,
}

pub const PLATFORMS: [Platform; 5] = [
    Platform {
        name: "customer_api",
        emulator: None,
        api_prefix: "/api/",
    },
    Platform {
        name: "spryker",
        emulator: Some("spryker"),
        api_prefix: emulators::spryker::PREFIX,
    },
    Platform {
        name: "centra",
        emulator: Some("centra"),
        api_prefix: emulators::centra::PREFIX,
    },
    Platform {
        name: "abantecart",
        emulator: Some("abantecart"),
        api_prefix: emulators::abantecart::PREFIX,
    },
    SHOPTET,
];

/// Shoptet, whose API is the staff's: signed in with the demo's staff token, and every command
/// for one customer ([`Platform::command`] adds `--customer`).
pub const SHOPTET: Platform = Platform {
    name: "shoptet",
    emulator: Some("shoptet"),
    api_prefix: emulators::shoptet::PREFIX,
};

impl Platform {
    /// `shopterm -p NAME COMMAND…` for this platform (on Shoptet for the demo's buyer).
    pub fn command<'a>(&'a self, command: &[&'a str]) -> Vec<&'a str> {
        let mut args = vec!["-p", self.name];
        args.extend(command.iter().copied());
        if self.name == SHOPTET.name {
            args.extend(["--customer", BUYER_EMAIL]);
        }
        args
    }
}

const BUYER_EMAIL: &str = "buyer@demo.shopterm.example";

/// The request time-out the runs get (`SHOPTERM_REQUEST_TIMEOUT`), so a stall costs a second.
pub const TIMEOUT: Duration = Duration::from_secs(1);

/// One installation signed in to every platform, each profile's API through the proxy.
pub struct Setup {
    _demo: shopterm::demo::RunningDemo,
    pub proxy: FaultProxy,
    pub sandbox: Sandbox,
}

impl Setup {
    pub async fn start() -> Setup {
        let demo = spawn_demo(Duration::from_secs(3600)).await;
        let proxy = FaultProxy::start(demo.addr).await;
        let login = buyer();
        let mut sandbox = Sandbox::new();
        sandbox.with_browser(&login.email, &login.password, "normal");
        sandbox.set("SHOPTERM_LOG", "debug");
        assert_eq!(login.email, BUYER_EMAIL);
        for platform in &PLATFORMS {
            // Signed in at the shop itself; then the profile's API goes through the proxy.
            let run = match platform.emulator {
                None => {
                    sandbox
                        .run(&[
                            "login",
                            &demo.base_url,
                            "-p",
                            platform.name,
                            "--timeout",
                            "30",
                        ])
                        .await
                }
                Some(emulator) => {
                    // Shoptet signs in with the staff token, the others with the buyer's password.
                    let url = format!("{}{}", demo.base_url, platform.api_prefix);
                    let mut args = vec![
                        "login",
                        url.as_str(),
                        "-p",
                        platform.name,
                        "--platform",
                        emulator,
                    ];
                    let secret = if emulator == SHOPTET.name {
                        args.push("--token-stdin");
                        emulators::shoptet::DEMO_TOKEN.to_owned()
                    } else {
                        args.extend(["--email", login.email.as_str(), "--password-stdin"]);
                        login.password.to_string()
                    };
                    sandbox
                        .run_with_stdin(&args, Some(&format!("{secret}\n")))
                        .await
                }
            };
            assert!(
                run.status.success(),
                "{}: {}",
                platform.name,
                run.all_output()
            );
        }
        let paths = super::sandbox::paths(sandbox.dir.path());
        let mut config = shopterm::config::Config::load(&paths).expect("config");
        let proxy_url = url::Url::parse(&proxy.base_url).expect("proxy URL");
        for platform in &PLATFORMS {
            let profile = config.profiles.get_mut(platform.name).expect("profile");
            if platform.emulator.is_none() {
                profile.issuer = Some(profile.shop_url.clone());
            }
            let mut shop_url = profile.shop_url.clone();
            shop_url
                .set_port(proxy_url.port())
                .expect("a port can be set");
            profile.shop_url = shop_url;
        }
        config.save(&paths).expect("config saved");
        sandbox.set(
            "SHOPTERM_REQUEST_TIMEOUT",
            &TIMEOUT.as_secs_f64().to_string(),
        );
        Setup {
            _demo: demo,
            proxy,
            sandbox,
        }
    }

    pub async fn run(&self, args: &[&str]) -> Run {
        self.sandbox.run(args).await
    }
}
