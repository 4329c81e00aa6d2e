//! Runs effects as tokio tasks; each reports back as an `Action` on the channel. The UI thread
//! never waits for the network.

use super::app::{Action, Effect};
use crate::shop::{PasswordChange, PasswordReset, Shop};
use base64::Engine;
use std::io::Write;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

/// Opens URLs for the user: `$BROWSER` if set (a command; the URL is its last argument), else the
/// system's opener. Shared with sign-in.
pub fn open_url(url: &str) -> Result<(), String> {
    if let Some(browser) = std::env::var_os("BROWSER").filter(|b| !b.is_empty()) {
        let browser = browser.to_string_lossy().into_owned();
        let mut parts = browser.split_whitespace();
        let program = parts.next().ok_or("BROWSER is empty")?;
        return std::process::Command::new(program)
            .args(parts)
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map(|_| ())
            .map_err(|e| format!("cannot run $BROWSER ({program}): {e}"));
    }
    open::that_detached(url).map_err(|e| format!("cannot open a browser: {e}"))
}

/// Copies text to the clipboard of the terminal the user sits at — also over SSH — with the
/// OSC 52 escape sequence. The text is shop data: only printable text is sent.
pub fn copy_osc52(text: &str) -> std::io::Result<()> {
    let clean = super::sanitize::clean(text);
    let encoded = base64::engine::general_purpose::STANDARD.encode(clean.as_bytes());
    let mut out = std::io::stdout().lock();
    write!(out, "\u{1b}]52;c;{encoded}\u{7}")?;
    out.flush()
}

pub fn spawn(effect: Effect, shop: &Arc<dyn Shop>, tx: &UnboundedSender<Action>) {
    let shop = shop.clone();
    let tx = tx.clone();
    tokio::spawn(async move {
        let action = match effect {
            Effect::LoadAccount => Action::AccountLoaded(shop.account().await),
            Effect::SaveAccount(draft) => Action::AccountSaved(shop.update_account(&draft).await),
            Effect::LoadAddresses => Action::AddressesLoaded(shop.addresses().await),
            Effect::CreateAddress(draft) => Action::AddressSaved(shop.create_address(&draft).await),
            Effect::UpdateAddress(id, draft) => {
                Action::AddressSaved(shop.update_address(&id, &draft).await)
            }
            Effect::DeleteAddress(id) => {
                let result = shop.delete_address(&id).await;
                Action::AddressDeleted(id, result)
            }
            Effect::SetDefaultAddress(id, role) => {
                Action::DefaultAddressSet(shop.set_default_address(&id, role).await)
            }
            Effect::LoadOrders {
                generation,
                request,
            } => Action::OrdersLoaded {
                generation,
                offset: request.offset,
                result: shop.orders(&request).await,
            },
            Effect::LoadOrder(number) => {
                let result = shop.order(&number).await;
                Action::OrderLoaded(number, result)
            }
            Effect::ChangePassword { current, new } => Action::PasswordChanged(
                shop.change_password(&PasswordChange { current, new }).await,
            ),
            Effect::RequestReset(email) => {
                Action::ResetRequested(shop.request_password_reset(&email).await)
            }
            Effect::ResetPassword { key, new } => Action::PasswordReset(
                shop.reset_password(&PasswordReset {
                    key,
                    new_password: new,
                })
                .await,
            ),
            Effect::OpenUrl(url) => {
                let result = tokio::task::spawn_blocking(move || {
                    open_url(&url).map(|()| "Opened in the browser".to_owned())
                })
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
                Action::Done(result)
            }
            Effect::Copy(text) => Action::Done(
                copy_osc52(&text)
                    .map(|()| format!("Copied {} to the clipboard", super::sanitize::clean(&text)))
                    .map_err(|e| format!("Cannot copy: {e}")),
            ),
        };
        // The receiver is gone only when the UI has quit; nothing to report to then.
        let _ = tx.send(action);
    });
}
