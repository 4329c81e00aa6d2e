//! How a scripting command fails: the message a person reads and the exit status a script
//! tests ([`ExitStatus`]), and the mapping from shop, configuration and output errors to both.

use shopterm::cli::ExitStatus;
use shopterm::config::ConfigError;
use shopterm::shop::ShopError;

/// Why a command failed, as the person (message) and the script (status) see it.
#[derive(Debug)]
pub struct Failure {
    pub status: ExitStatus,
    pub message: String,
}

impl Failure {
    pub fn new(status: ExitStatus, message: impl Into<String>) -> Failure {
        Failure {
            status,
            message: message.into(),
        }
    }
}

pub type CliResult<T = ()> = Result<T, Failure>;

/// The exit status for a shop error.
pub fn status_of(error: &ShopError) -> ExitStatus {
    match error {
        ShopError::NotSignedIn | ShopError::SessionExpired => ExitStatus::NotSignedIn,
        ShopError::NotFound(_) => ExitStatus::NotFound,
        ShopError::Network(_) | ShopError::RateLimited { .. } | ShopError::Server { .. } => {
            ExitStatus::Network
        }
        ShopError::Validation { .. } | ShopError::Conflict(_) | ShopError::Forbidden(_) => {
            ExitStatus::Refused
        }
        ShopError::Unsupported(_) => ExitStatus::Unsupported,
        ShopError::Protocol(_) => ExitStatus::Failure,
    }
}

pub fn io_failure(error: std::io::Error) -> Failure {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        // `shopterm orders --all | head`: the reader has seen enough. Stop quietly.
        Failure::new(ExitStatus::Ok, "")
    } else {
        Failure::new(
            ExitStatus::Failure,
            format!("cannot write the output: {error}"),
        )
    }
}

pub fn config_failure(error: ConfigError) -> Failure {
    let status = match error {
        ConfigError::NoProfiles => ExitStatus::NotSignedIn,
        ConfigError::UnknownProfile { .. } | ConfigError::NoDefault(_) => ExitStatus::Usage,
        _ => ExitStatus::Failure,
    };
    Failure::new(status, error.to_string())
}

/// The command's `--profile`, else the one given before the command (`shopterm -p P orders`).
pub fn csv_failure(error: csv::Error) -> Failure {
    match error.into_kind() {
        csv::ErrorKind::Io(io) => io_failure(io),
        other => Failure::new(ExitStatus::Failure, format!("cannot write CSV: {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shopterm::shop::Feature;

    #[test]
    fn every_shop_error_has_its_documented_status() {
        use std::time::Duration;
        let cases = [
            (ShopError::NotSignedIn, 3),
            (ShopError::SessionExpired, 3),
            (ShopError::NotFound("order".into()), 4),
            (ShopError::Network("refused".into()), 5),
            (
                ShopError::RateLimited {
                    retry_after: Some(Duration::from_secs(2)),
                },
                5,
            ),
            (
                ShopError::Server {
                    status: 503,
                    message: "busy".into(),
                },
                5,
            ),
            (ShopError::field("lines", "empty"), 6),
            (ShopError::Conflict("sold out".into()), 6),
            (ShopError::Forbidden("scope".into()), 6),
            (ShopError::Unsupported(Feature::PlaceOrder), 7),
            (ShopError::Protocol("odd".into()), 1),
        ];
        for (error, code) in cases {
            assert_eq!(status_of(&error).code(), code, "{error:?}");
        }
        let codes: Vec<i32> = ExitStatus::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(codes, (0..=8).collect::<Vec<_>>());
    }
}
