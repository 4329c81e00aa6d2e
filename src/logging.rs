//! Logging to a file under the state directory, never to the terminal (the TUI owns it). The
//! filter comes from `SHOPTERM_LOG`, else `RUST_LOG`, else `info`. Secrets never reach a log:
//! tokens and passwords are `SecretString`s whose `Debug` prints `[REDACTED]`, and no code logs
//! request bodies or headers.

use std::path::Path;
use tracing_subscriber::EnvFilter;

/// Lines waiting for the log-writer thread; past that, lines are dropped rather than blocking.
const LOG_QUEUE_LINES: usize = 4_096;

/// Starts logging to `file` (appending). Returns a guard that flushes the log when dropped.
pub fn init(file: &Path) -> std::io::Result<tracing_appender::non_blocking::WorkerGuard> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)?;
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
