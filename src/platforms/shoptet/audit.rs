//! Staff mode's audit log: every change a staff member makes for a customer (an address added,
//! changed, deleted or made the default, the account changed, an order placed) is one JSON line
//! in the state directory, in a file only its owner can read (0600): when, which staff profile,
//! which customer, what, on which record, and how it ended. The line holds ids and the outcome,
//! never a token and never the address or order itself, so whoever reads the log for an audit
//! does not get a copy of the customers' data.

use crate::shop::ShopError;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The log's file in the state directory.
pub const AUDIT_FILE: &str = "staff-audit.jsonl";

/// One line of the log.
#[derive(Debug, Serialize)]
struct Entry<'a> {
    time: String,
    profile: &'a str,
    customer: &'a str,
    operation: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<&'a str>,
    result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    profile: String,
    /// One line at a time: two writes finishing together must not interleave their bytes.
    writing: Mutex<()>,
}

impl AuditLog {
    /// The log of the staff profile `profile`, in `state_dir`.
    pub fn new(state_dir: &Path, profile: &str) -> AuditLog {
        AuditLog {
            path: state_dir.join(AUDIT_FILE),
            profile: profile.to_owned(),
            writing: Mutex::new(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether a line can be added now; asked before a change is sent, so that no change is
    /// made that the log would miss.
    pub fn check(&self) -> std::io::Result<()> {
        self.open().map(drop)
    }

    /// Adds the line for `operation` on `target` for `customer` (a GUID or e-mail), ended by
    /// `outcome`.
    pub fn record(
        &self,
        customer: &str,
        operation: &str,
        target: Option<&str>,
        outcome: Result<(), &ShopError>,
    ) -> std::io::Result<()> {
        let now = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(std::io::Error::other)?;
        let entry = Entry {
            time: now,
            profile: &self.profile,
            customer,
            operation,
            target,
            result: if outcome.is_ok() { "ok" } else { "failed" },
            error: outcome.err().map(ToString::to_string),
        };
        let mut line = serde_json::to_vec(&entry).map_err(std::io::Error::other)?;
        line.push(b'\n');
        let _one_at_a_time = self.writing.lock().unwrap_or_else(|e| e.into_inner());
        let mut file = self.open()?;
        file.write_all(&line)?;
        file.flush()
    }

    fn open(&self) -> std::io::Result<std::fs::File> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
            options.mode(0o600);
            let file = options.open(&self.path)?;
            // A file made by hand (or under another umask) may be wider.
            if file.metadata()?.permissions().mode() & 0o777 != 0o600 {
                file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
            }
            Ok(file)
        }
        #[cfg(not(unix))]
        options.open(&self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(log: &AuditLog) -> Vec<serde_json::Value> {
        std::fs::read_to_string(log.path())
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    }

    #[test]
    fn each_change_is_one_private_json_line() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(&dir.path().join("state"), "work");
        log.check().unwrap();
        assert!(lines(&log).is_empty(), "checking writes nothing");
        log.record("guid-1", "create_address", Some("addr-9"), Ok(()))
            .unwrap();
        let refused = ShopError::field("street", "required");
        log.record("jana@example.cz", "place_order", None, Err(&refused))
            .unwrap();
        let written = lines(&log);
        assert_eq!(written.len(), 2);
        assert_eq!(written[0]["profile"], "work");
        assert_eq!(written[0]["customer"], "guid-1");
        assert_eq!(written[0]["operation"], "create_address");
        assert_eq!(written[0]["target"], "addr-9");
        assert_eq!(written[0]["result"], "ok");
        assert!(written[0].get("error").is_none());
        assert!(
            time::OffsetDateTime::parse(
                written[0]["time"].as_str().unwrap_or_default(),
                &time::format_description::well_known::Rfc3339
            )
            .is_ok()
        );
        assert_eq!(written[1]["result"], "failed");
        assert_eq!(written[1]["error"], "street: required");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(log.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_log_that_cannot_be_written_says_so_before_anything_is_sent() {
        let dir = tempfile::tempdir().unwrap();
        // The state "directory" is a file: nothing can be created under it.
        let blocked = dir.path().join("state");
        std::fs::write(&blocked, "not a directory").unwrap();
        let log = AuditLog::new(&blocked, "work");
        assert!(log.check().is_err());
    }
}
