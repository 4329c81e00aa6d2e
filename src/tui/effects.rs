//! Runs effects as tokio tasks; each reports back as an `Action` on the channel. The UI thread
//! never waits for the network.

use super::feedback::failure_text;
use super::messages::{Action, Effect};
use super::session::Session;
use crate::model::{DocumentKind, OrderNumber};
use crate::shop::{PasswordChange, PasswordReset, Shop};
use base64::Engine;
use std::io::Write;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

/// How long a `$BROWSER` that fails is waited for: launchers that fail do so at once, a real
/// browser keeps running (and is then reported as started, not as having opened anything).
const BROWSER_GRACE: std::time::Duration = std::time::Duration::from_millis(1500);

/// Opens a URL with `$BROWSER` or the system's browser and says only what is known: a launcher
/// that exits with an error is reported with its status. The toast names the address as well, so
/// it can be copied by hand.
async fn open_url(url: &str) -> Result<String, String> {
    launch_browser(url)
        .await
        .map_err(|problem| format!("{problem}; the address is {url}"))
}

/// One of the order's PDFs saved in the download directory and opened: where it went, or why not.
async fn save_pdf(
    shop: &dyn crate::shop::Shop,
    number: &OrderNumber,
    kind: DocumentKind,
) -> Result<String, String> {
    let what = format!("the {} PDF of {number}", kind.as_str());
    let bytes = shop
        .document_pdf(number, kind)
        .await
        .map_err(|e| format!("Cannot download {what}: {}", failure_text(&e)))?;
    let dir = crate::documents::download_dir()
        .ok_or_else(|| format!("Cannot save {what}: no download directory"))?;
    let number = number.clone();
    let saved = tokio::task::spawn_blocking(move || {
        crate::documents::save(&bytes, &number, kind, &dir, None)
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r.map_err(|e| e.to_string()))
    .map_err(|e| format!("Cannot save {what}: {e}"))?;
    let shown = crate::sanitize::clean(&saved.display().to_string());
    Ok(match crate::documents::open(&saved) {
        crate::auth::browser::BrowserLaunch::NotOpened(why) => {
            format!("Saved {shown} (not opened: {why})")
        }
        _ => format!("Saved {shown}, opening it"),
    })
}

/// Starts the browser on `url`: what happened, or why nothing opened (without the address; the
/// caller shows it).
async fn launch_browser(url: &str) -> Result<String, String> {
    let url = url::Url::parse(url).map_err(|e| format!("not a web address: {e}"))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(format!("not opening {url}: only web addresses are opened"));
    }
    launch(url).await
}

/// Opens the payment form shopterm saved (a `file:` address; the only one it opens).
async fn open_payment_form(path: &std::path::Path) -> Result<String, String> {
    let shown = crate::sanitize::clean(&path.display().to_string());
    let url = url::Url::from_file_path(path)
        .map_err(|()| format!("the payment form's path is not absolute: {shown}"))?;
    launch(url)
        .await
        .map_err(|problem| format!("{problem}; the form is in {shown}"))
}

/// Starts `$BROWSER` (or the system's launcher) on `url`, whatever its scheme.
async fn launch(url: url::Url) -> Result<String, String> {
    use crate::auth::browser::browser_command;
    let browser = std::env::var("BROWSER").unwrap_or_default();
    if browser.trim().is_empty() {
        return match open::that_detached(url.as_str()) {
            Ok(()) => Ok(format!("Asked the system to open {url}")),
            Err(error) => Err(format!("No browser could be started ({error})")),
        };
    }
    let Some((program, args)) = browser_command(&browser, url.as_str()) else {
        return Err("$BROWSER is not a command shopterm can run".to_owned());
    };
    // The browser's own output would land in the middle of the terminal UI: discard it.
    let spawned = tokio::process::Command::new(&program)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) => return Err(format!("Cannot start $BROWSER ({program}): {error}")),
    };
    match tokio::time::timeout(BROWSER_GRACE, child.wait()).await {
        Ok(Ok(status)) if status.success() => Ok(format!("{program} was given {url}")),
        Ok(Ok(status)) => Err(format!(
            "$BROWSER ({program}) failed with {}",
            describe_exit(status)
        )),
        Ok(Err(error)) => Err(format!("$BROWSER ({program}): {error}")),
        Err(_) => {
            // Still running: reap it in the background so it leaves no zombie.
            tokio::spawn(async move {
                let _ = child.wait().await;
            });
            Ok(format!("Started {program} with {url}"))
        }
    }
}

fn describe_exit(status: std::process::ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exit status {code}"),
        None => "a signal".to_owned(),
    }
}

/// Copies text to the clipboard of the terminal the user sits at — also over SSH — with the
/// OSC 52 escape sequence. The text is shop data: only printable text is sent.
pub fn copy_osc52(text: &str) -> std::io::Result<()> {
    let clean = crate::sanitize::clean(text);
    let encoded = base64::engine::general_purpose::STANDARD.encode(clean.as_bytes());
    let mut out = std::io::stdout().lock();
    write!(out, "\u{1b}]52;c;{encoded}\u{7}")?;
    out.flush()
}

/// What effects run against: the shop, and the session for sign-in.
#[derive(Clone)]
pub struct Context {
    pub shop: Arc<dyn Shop>,
    pub session: Option<Arc<Session>>,
    pub tx: UnboundedSender<Action>,
    /// Draft saves and deletes, written one after another in the order they were asked for, so
    /// a quick series of edits never leaves an older version on disk.
    pub draft_writes: Option<UnboundedSender<Effect>>,
}

impl Context {
    pub fn new(
        shop: Arc<dyn Shop>,
        session: Option<Arc<Session>>,
        tx: UnboundedSender<Action>,
    ) -> Context {
        let draft_writes = session.as_ref().map(|session| {
            let (writes_tx, mut writes_rx) = tokio::sync::mpsc::unbounded_channel::<Effect>();
            let session = session.clone();
            let report = tx.clone();
            tokio::spawn(async move {
                while let Some(write) = writes_rx.recv().await {
                    let session = session.clone();
                    // Each customer's drafts live apart (see `DraftStore::for_customer`).
                    let store = move |customer: &Option<crate::model::CustomerId>| match customer {
                        Some(customer) => session.drafts_for(customer),
                        None => session.drafts(),
                    };
                    let outcome = tokio::task::spawn_blocking(move || match write {
                        Effect::SaveDraft(draft) => store(&draft.customer)
                            .save(&draft)
                            .map_err(|e| format!("Cannot save the draft locally: {e}")),
                        Effect::DeleteDraft { key, customer } => store(&customer)
                            .delete(&key)
                            .map_err(|e| format!("Cannot remove the sent draft: {e}")),
                        _ => Ok(()),
                    })
                    .await
                    .unwrap_or_else(|e| Err(format!("Cannot write the draft: {e}")));
                    if let Err(message) = outcome {
                        let _ = report.send(Action::Done(Err(message)));
                    }
                }
            });
            writes_tx
        });
        Context {
            shop,
            session,
            tx,
            draft_writes,
        }
    }
}

#[expect(clippy::too_many_lines, reason = "split by branch panes")]
pub fn spawn(effect: Effect, context: &Context) {
    if let Effect::SaveDraft(_) | Effect::DeleteDraft { .. } = effect {
        if let Some(writes) = &context.draft_writes {
            // Fails only when the writer is gone, i.e. the UI is shutting down.
            let _ = writes.send(effect);
        }
        return;
    }
    let staff = context.session.as_ref().and_then(|s| s.staff());
    if let Effect::ChooseCustomer(guid) = &effect {
        // Now, before the effects after it in the same batch run: they are for this customer.
        if let Some(desk) = &staff {
            desk.choose(
                guid.as_deref()
                    .map(crate::platforms::shoptet::CustomerRef::of_key),
            );
        }
        return;
    }
    // Staff mode: an answer about a customer who is no longer the one chosen is dropped.
    let asked_for = staff
        .as_ref()
        .filter(|_| customer_bound(&effect))
        .map(|desk| (desk.clone(), desk.epoch()));
    let shop = context.shop.clone();
    let session = context.session.clone();
    let tx = context.tx.clone();
    tokio::spawn(async move {
        let action = match effect {
            Effect::LoadEshop => match &staff {
                Some(desk) => Action::EshopLoaded(desk.eshop_name().await),
                None => return,
            },
            Effect::SearchCustomers { generation, text } => match &staff {
                Some(desk) => Action::CustomersFound {
                    generation,
                    result: desk.search(&text).await,
                },
                None => return,
            },
            // Handled before spawning.
            Effect::ChooseCustomer(_) => return,
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
            Effect::SavePdf(number, kind) => Action::Done(save_pdf(shop.as_ref(), &number, kind).await),
            Effect::OpenUrl(url) => {
                Action::Done(open_url(&url).await)
            }
            Effect::OpenPaymentForm(path) => Action::Done(open_payment_form(&path).await),
            Effect::StartSignIn => match session {
                Some(session) => {
                    let url_tx = tx.clone();
                    let result = session
                        .sign_in(move |url| {
                            let _ = url_tx.send(Action::SignInUrl(url.clone()));
                            // Opened beside the sign-in, which waits for the callback meanwhile.
                            tokio::spawn(async move {
                                let launched = launch_browser(&url).await;
                                let _ = url_tx.send(Action::SignInBrowser(launched));
                            });
                        })
                        .await;
                    Action::SignInFinished(result.map_err(|e| e.to_string()))
                }
                None => Action::SignInFinished(Err(
                    "this shop profile cannot sign in with a browser".into(),
                )),
            },
            Effect::ResolveDraft(mut draft) => {
                let result = draft.resolve(shop.as_ref()).await.map(|()| draft);
                Action::DraftResolved(result)
            }
            Effect::SendDraft(draft) => {
                let result = draft.submit(shop.as_ref()).await;
                Action::DraftSent(draft.idempotency_key, result)
            }
            Effect::ForgetDraft(key) => {
                shop.forget_draft(&key).await;
                return;
            }
            // Handled before spawning: draft writes go through one ordered writer.
            Effect::SaveDraft(_) | Effect::DeleteDraft { .. } => return,
            Effect::RestoreDraft(customer) => {
                let Some(session) = session else {
                    return;
                };
                let drafts = tokio::task::spawn_blocking({
                    let customer = customer.clone();
                    move || session.drafts_for(&customer).list().pop()
                })
                .await
                .unwrap_or(None);
                Action::DraftRestored(customer, drafts)
            }
            Effect::LookupProducts(query) => Action::ProductsFound(shop.products(&query).await),
            Effect::LoadShoppingLists => Action::ShoppingListsLoaded(shop.shopping_lists().await),
            Effect::SignOut => match session {
                Some(session) => {
                    Action::SignedOut(session.sign_out().await.map_err(|e| e.to_string()))
                }
                None => return,
            },
            Effect::PasswordSignIn { login, password } => match session {
                Some(session) => match session.password_sign_in(&login, &password).await {
                    Ok(account) => Action::SignInFinished(Ok(account)),
                    Err(error) if crate::auth::password::is_wrong_credentials(&error) => {
                        Action::SignInRefused(error.to_string())
                    }
                    Err(error) => Action::SignInFinished(Err(error.to_string())),
                },
                None => Action::SignInFinished(Err("this shop profile cannot sign in".into())),
            },
            Effect::DeleteAccount => match session {
                Some(session) => Action::AccountDeleted(session.delete_account().await.map_err(
                    |error| crate::tui::messages::NotDeleted {
                        maybe_deleted: matches!(
                            &error,
                            crate::auth::AuthError::Shop(error) if error.may_have_taken_effect()
                        ),
                        error: error.to_string(),
                    },
                )),
                None => return,
            },
            Effect::SignUp(account) => match session {
                Some(session) => match session.sign_up(&account).await {
                    Ok(account) => Action::SignInFinished(Ok(account)),
                    Err(crate::connection::SignUpError::NotCreated(
                        crate::auth::AuthError::Shop(crate::shop::ShopError::Validation {
                            message,
                            fields,
                        }),
                    )) => Action::SignUpFailed { fields, message },
                    Err(crate::connection::SignUpError::NotCreated(
                        crate::auth::AuthError::Shop(error),
                    )) if error.may_have_taken_effect() => Action::SignUpFailed {
                        fields: Vec::new(),
                        message: format!(
                            "The account may have been created: the shop's answer was lost. \
                             Check by signing in with it (Esc) before sending this again. The \
                             error: {error}"
                        ),
                    },
                    Err(crate::connection::SignUpError::SignInFailed(error)) => {
                        Action::SignedUpNotSignedIn(error.to_string())
                    }
                    Err(error) => Action::SignUpFailed {
                        fields: Vec::new(),
                        message: error.to_string(),
                    },
                },
                None => Action::SignUpFailed {
                    fields: Vec::new(),
                    message: "this shop profile cannot sign in".into(),
                },
            },
            Effect::CancelSignIn => {
                if let Some(session) = session {
                    session.cancel_sign_in();
                }
                return;
            }
            Effect::PasteRedirect(text) => match session.map(|s| s.paste(&text)) {
                Some(Ok(())) | None => return,
                Some(Err(error)) => Action::PasteRejected(error.to_string()),
            },
            Effect::Copy(text) => Action::Done(
                copy_osc52(&text)
                    // Nothing confirms that the terminal took it: say what was done.
                    .map(|()| {
                        format!(
                            "Sent {} to the terminal (OSC 52); terminals that do not support it copy nothing",
                            crate::sanitize::clean(&text)
                        )
                    })
                    .map_err(|e| format!("Cannot copy: {e}")),
            ),
        };
        if let Some((desk, epoch)) = &asked_for
            && desk.epoch() != *epoch
        {
            tracing::debug!("dropped an answer for the previous customer");
            return;
        }
        // The receiver is gone only when the UI has quit; nothing to report to then.
        let _ = tx.send(action);
    });
}

/// Effects whose answer is about the customer in use (staff mode drops it after a switch).
fn customer_bound(effect: &Effect) -> bool {
    matches!(
        effect,
        Effect::LoadAccount
            | Effect::SaveAccount(_)
            | Effect::LoadAddresses
            | Effect::CreateAddress(_)
            | Effect::UpdateAddress(..)
            | Effect::DeleteAddress(_)
            | Effect::SetDefaultAddress(..)
            | Effect::LoadOrders { .. }
            | Effect::LoadOrder(_)
            | Effect::ResolveDraft(_)
            | Effect::LoadShoppingLists
            | Effect::SendDraft(_)
            | Effect::RestoreDraft(_)
    )
}
