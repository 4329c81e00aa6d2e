//! Opening the sign-in page in a browser. `$BROWSER` comes first (the `open` crate ignores it
//! unless a real `xdg-open` happens to read it), then the system's launcher. Failing to open is
//! never an error: the caller always shows the URL as well.

use url::Url;

/// How the attempt to open a browser went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrowserLaunch {
    /// `$BROWSER` was started (the program's name).
    BrowserVar(String),
    /// The system's default browser launcher was started.
    System,
    /// Nothing was opened; the reason, for the user.
    NotOpened(String),
}

/// The program and arguments for `$BROWSER`: split like a shell would; `%s` in an argument is
/// replaced by the URL, else the URL is appended as the last argument. `None` for an empty or
/// unparsable variable.
pub fn browser_command(browser_var: &str, url: &str) -> Option<(String, Vec<String>)> {
    let words = shell_words::split(browser_var).ok()?;
    let (program, rest) = words.split_first()?;
    if program.is_empty() {
        return None;
    }
    let mut substituted = false;
    let mut args: Vec<String> = rest
        .iter()
        .map(|arg| {
            if arg.contains("%s") {
                substituted = true;
                arg.replace("%s", url)
            } else {
                arg.clone()
            }
        })
        .collect();
    if !substituted {
        args.push(url.to_owned());
    }
    Some((program.clone(), args))
}

/// Opens `url` with `$BROWSER`, else the system's launcher. Never blocks on the browser: the
/// child runs on its own and is reaped by a background thread.
pub fn open_browser(url: &Url) -> BrowserLaunch {
    match std::env::var("BROWSER") {
        Ok(var) if !var.trim().is_empty() => spawn_browser_var(&var, url),
        _ => match open::that_detached(url.as_str()) {
            Ok(()) => BrowserLaunch::System,
            Err(error) => BrowserLaunch::NotOpened(format!("no browser could be started: {error}")),
        },
    }
}

fn spawn_browser_var(var: &str, url: &Url) -> BrowserLaunch {
    let Some((program, args)) = browser_command(var, url.as_str()) else {
        return BrowserLaunch::NotOpened("$BROWSER is not a command shopterm can run".into());
    };
    // The browser's own output would land in the middle of the terminal UI: discard it.
    let spawned = std::process::Command::new(&program)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        Ok(mut child) => {
            let name = program.clone();
            std::thread::spawn(move || match child.wait() {
                Ok(status) => tracing::debug!(browser = %name, %status, "$BROWSER exited"),
                Err(error) => tracing::debug!(browser = %name, %error, "$BROWSER wait failed"),
            });
            BrowserLaunch::BrowserVar(program)
        }
        Err(error) => {
            BrowserLaunch::NotOpened(format!("cannot start $BROWSER ({program}): {error}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_var_is_split_and_gets_the_url() {
        let url = "http://127.0.0.1:9/authorize?a=1&b=2";
        assert_eq!(
            browser_command("firefox", url),
            Some(("firefox".into(), vec![url.into()]))
        );
        assert_eq!(
            browser_command("'/opt/my browser/run' --new-tab", url),
            Some((
                "/opt/my browser/run".into(),
                vec!["--new-tab".into(), url.into()]
            ))
        );
        assert_eq!(
            browser_command("python3 script.py --url=%s --x", url),
            Some((
                "python3".into(),
                vec!["script.py".into(), format!("--url={url}"), "--x".into()]
            ))
        );
        assert_eq!(browser_command("", url), None);
        assert_eq!(browser_command("   ", url), None);
        assert_eq!(browser_command("'unterminated", url), None);
    }
}
