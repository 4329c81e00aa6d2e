//! Logging to a file under the state directory, never to the terminal (the TUI owns it). The
//! filter comes from `SHOPTERM_LOG`, else `RUST_LOG`, else `info`. Secrets never reach a log:
//! tokens and passwords are `SecretString`s whose `Debug` prints `[REDACTED]`, and no code logs
//! request bodies or headers.

use std::path::Path;
use tracing_subscriber::EnvFilter;

/// Lines waiting for the log-writer thread; past that, lines are dropped rather than blocking.
const LOG_QUEUE_LINES: usize = 4_096;

/// Starts logging to `file` (appending; the file 0600 and its directory 0700, as it holds
/// customers' e-mail addresses). Returns a guard that flushes the log when dropped.
pub fn init(file: &Path) -> std::io::Result<tracing_appender::non_blocking::WorkerGuard> {
    if let Some(dir) = file.parent() {
        crate::paths::ensure_private_dir(dir)?;
    }
    let log = open_private_log(file)?;
    // The default queue holds 128,000 lines, allocated and written up front (about 4 MB, a few
    // milliseconds before the first frame); a few thousand lines is plenty for shopterm's log.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .finish(log);
    let filter = std::env::var("SHOPTERM_LOG")
        .ok()
        .and_then(|spec| EnvFilter::try_new(spec).ok())
        .or_else(|| EnvFilter::try_from_default_env().ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .map_err(std::io::Error::other)?;
    Ok(guard)
}

#[cfg(unix)]
fn open_private_log(file: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(file)?;
    // A log from an earlier version (or another umask) may be wider.
    let mode = log.metadata()?.permissions().mode() & 0o777;
    if mode != 0o600 {
        log.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(log)
}

#[cfg(not(unix))]
fn open_private_log(file: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
}
