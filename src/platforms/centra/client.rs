//! `Shop` over Centra's Checkout API (its answers mapped in `mapping.rs`, sign-in in `sign_in.rs`).
//!
//! Sign-in is `POST login/{email}` with the password in a JSON body; the answer's `token` is the
//! session, sent back in the `API-Token` header. Centra's sessions have no refresh token and no
//! advertised lifetime: the token is used until the shop stops carrying the login on it, which
//! shopterm reads as an ended session ([`ShopError::SessionExpired`]). Sign-out is `POST logout`.
//!
//! Orders are `POST orders` with `from`/`size` paging; each order comes with its items, totals,
//! addresses and shipments, so an order's details are found by paging too (Centra has no call
//! for one order). Centra keeps one address per customer, on the login itself: it is shown as a
//! one-entry address list and changed with `PUT address`, which also holds the customer's names
//! and phone number. The e-mail is changed with `PUT email`, the password with `PUT password`;
//! `POST password-reset-email/{email}` mails a link `…?id=48&i=…` whose `id` and `i` go to
//! `POST password-reset`.

use super::mapping::{account_from, address_from, detail_from, summary_from};
use super::wire::{self, errors};
use crate::auth::TokenSource;
use crate::auth::password;
use crate::model::*;
use crate::platforms::common::{network_error, retry_after_of, send_anonymous, send_with_token};
use crate::shop::{
    Feature, FieldError, Identity, NewAccount, PasswordChange, PasswordReset, SendOptions, Shop,
    ShopError, ShopResult,
};
use async_trait::async_trait;
use reqwest::header::{self, HeaderValue};
use reqwest::{Method, RequestBuilder, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use url::Url;

pub(super) const JSON: &str = "application/json";

/// The id of the customer's one address (Centra gives it none: there is only the one).
pub const ADDRESS_ID: &str = "address";

/// Orders asked for per `POST orders` when the caller asks for more (a page of the history
/// normally asks for far fewer).
const MAX_PAGE: u32 = 100;
/// How many pages of [`MAX_PAGE`] orders are looked through for one order's details: an order
/// further back than 5000 orders is not found (B2B customers have a few thousand).
const DETAIL_PAGES: u64 = 50;
/// Where an order was seen last in the history is looked at first, in a window this wide that
/// starts a few orders before (orders placed since push it further back).
const NEAR_WINDOW: u32 = 50;
const NEAR_BEFORE: u64 = 5;
/// Orders whose place in the history is remembered, at most.
const REMEMBERED: usize = 20_000;

pub struct CentraShop {
    base: Url,
    http: reqwest::Client,
    tokens: Arc<dyn TokenSource>,
    /// Order number → its offset in the history when last listed: Centra has no call for one
    /// order, so its details are looked for there first.
    seen_at: Mutex<HashMap<String, u64>>,
}

impl CentraShop {
    /// `base` is the Checkout API's root (`https://x.centra.com/api/checkout`).
    pub fn new(base: Url, http: reqwest::Client, tokens: Arc<dyn TokenSource>) -> CentraShop {
        CentraShop {
            base,
            http,
            tokens,
            seen_at: Mutex::new(HashMap::new()),
        }
    }

    /// Sends `method segments` with the session token and `body` (JSON), read as `T`; also
    /// answers the token the request went out with.
    pub(super) async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        segments: &[&str],
        body: Option<&[u8]>,
    ) -> ShopResult<(T, Option<SecretString>)> {
        let url = password::endpoint(&self.base, segments)
            .map_err(|e| ShopError::Protocol(e.to_string()))?;
        let sent = Mutex::new(None);
        let response = send_with_token(
            &*self.tokens,
            |token| {
                *sent.lock().unwrap_or_else(|e| e.into_inner()) = Some(token.clone());
                let mut request = self
                    .http
                    .request(method.clone(), url.clone())
                    .header(header::ACCEPT, JSON);
                if let Some(body) = body {
                    request = request
                        .header(header::CONTENT_TYPE, JSON)
                        .body(body.to_vec());
                }
                with_token(request, token)
            },
            error_from_response,
        )
        .await?;
        let body = read_json(response).await?;
        Ok((body, sent.into_inner().unwrap_or_else(|e| e.into_inner())))
    }

    /// Sends `POST segments` with `body` and no session (the password reset calls).
    async fn post_anonymous(&self, segments: &[&str], body: &[u8]) -> ShopResult<wire::Answer> {
        let url = password::endpoint(&self.base, segments)
            .map_err(|e| ShopError::Protocol(e.to_string()))?;
        let request = self
            .http
            .post(url)
            .header(header::ACCEPT, JSON)
            .header(header::CONTENT_TYPE, JSON)
            .body(body.to_vec());
        let response = send_anonymous(request, error_from_response).await?;
        let answer: wire::Answer = read_json(response).await?;
        refuse_errors(answer)
    }

    /// Sends a call that answers the regular JSON for the logged-in customer, and answers its
    /// `loggedIn`.
    async fn send_for_login(
        &self,
        method: Method,
        segments: &[&str],
        body: &[u8],
    ) -> ShopResult<wire::LoggedIn> {
        let (answer, _): (wire::Answer, _) = self.send(method, segments, Some(body)).await?;
        let mut answer = refuse_errors(answer)?;
        answer.logged_in.take().ok_or_else(|| {
            ShopError::Protocol("the shop answered without the customer's login".into())
        })
    }

    /// The `loggedIn` of the token's session.
    async fn logged_in(&self) -> ShopResult<wire::LoggedIn> {
        // `GET selection` answers the session's regular JSON, with `loggedIn` while the token
        // carries a login. Without it the login has ended (logged out elsewhere, or expired at
        // the shop): like a refused token, tried once more if the token source has another one
        // now (another shopterm signed in again), else the session has expired.
        let mut retried = false;
        loop {
            let (mut answer, sent): (wire::Answer, _) =
                self.send(Method::GET, &["selection"], None).await?;
            if let Some(customer) = answer.logged_in.take() {
                return Ok(customer);
            }
            if let Some(errors) = answer.errors.take() {
                return Err(ShopError::Protocol(format!(
                    "the shop answered with errors: {}",
                    errors.describe()
                )));
            }
            match sent {
                Some(token) if !retried && self.tokens.token_rejected(&token).await => {
                    retried = true;
                }
                _ => return Err(ShopError::SessionExpired),
            }
        }
    }

    /// The customer logged in on the session (the selection's payment step needs their address).
    pub(super) async fn logged_in_customer(&self) -> ShopResult<wire::LoggedIn> {
        self.logged_in().await
    }

    /// Where the shop's payment page sends the customer back to: the shop's own site (the
    /// Checkout API's host), as shopterm has no page of its own to come back to.
    pub(super) fn return_page(&self, name: &str) -> String {
        let mut page = self.base.clone();
        page.set_path(&format!("/{name}"));
        page.set_query(None);
        page.set_fragment(None);
        page.to_string()
    }

    /// One `POST orders` page.
    async fn orders_page(&self, from: u64, size: u32) -> ShopResult<wire::OrdersAnswer> {
        let body = to_json(&wire::OrdersRequest {
            from: Some(from),
            size: Some(u64::from(size)),
        })?;
        let (mut answer, _): (wire::OrdersAnswer, _) =
            self.send(Method::POST, &["orders"], Some(&body)).await?;
        if let Some(errors) = answer.errors.take() {
            return Err(unexpected_errors(&errors));
        }
        Ok(answer)
    }
}

/// Centra keeps no company name: one given is refused with `message` rather than dropped.
fn refuse_company(company: Option<&str>, message: &str) -> ShopResult<()> {
    if company.is_some_and(|c| !c.trim().is_empty()) {
        return Err(ShopError::field("company", message));
    }
    Ok(())
}

/// Adds the session token header, marked sensitive so it never shows in debug output.
pub(super) fn with_token(request: RequestBuilder, token: &SecretString) -> RequestBuilder {
    match HeaderValue::from_str(token.expose_secret()) {
        Ok(mut value) => {
            value.set_sensitive(true);
            request.header(wire::TOKEN_HEADER, value)
        }
        // Not a valid header value: reqwest then fails the request with a builder error, whose
        // message does not quote the value.
        Err(_) => request.header(wire::TOKEN_HEADER, token.expose_secret()),
    }
}

/// A request body as JSON, wiped when dropped (some hold passwords).
pub(super) fn to_json<T: serde::Serialize>(body: &T) -> ShopResult<zeroize::Zeroizing<Vec<u8>>> {
    serde_json::to_vec(body)
        .map(zeroize::Zeroizing::new)
        .map_err(|_| ShopError::Protocol("a request body could not be written".into()))
}

/// The body of a successful answer as `T`. Every answer holds the session token: serde's
/// message could quote it, so only where the answer went wrong is kept.
async fn read_json<T: DeserializeOwned>(response: reqwest::Response) -> ShopResult<T> {
    let bytes = response.bytes().await.map_err(network_error)?;
    let bytes = zeroize::Zeroizing::new(bytes.to_vec());
    serde_json::from_slice(&bytes).map_err(|e| {
        ShopError::Protocol(format!(
            "unreadable answer (line {}, column {})",
            e.line(),
            e.column()
        ))
    })
}

/// A successful status with an `errors` object is still a refusal ("If the response does not
/// contain an errors object, there are no errors").
fn refuse_errors(mut answer: wire::Answer) -> ShopResult<wire::Answer> {
    match answer.errors.take() {
        Some(errors) => Err(refusal(&errors)),
        None => Ok(answer),
    }
}

/// An `errors` object as a refusal of the request, field by field.
pub(super) fn refusal(errors: &wire::Errors) -> ShopError {
    ShopError::Validation {
        message: errors.describe(),
        fields: errors
            .messages()
            .into_iter()
            .map(|(field, message)| FieldError { field, message })
            .collect(),
    }
}

/// An `errors` object in an answer to a call that only reads: the shop answered in a way
/// shopterm cannot act on.
pub(super) fn unexpected_errors(errors: &wire::Errors) -> ShopError {
    ShopError::Protocol(format!(
        "the shop answered with errors: {}",
        errors.describe()
    ))
}

/// Renames the fields of a validation error from Centra's names to the form's (`zipCode` →
/// `postcode`), so a form marks the field the shop complained about.
fn with_field_names(error: ShopError, names: &[(&str, &str)]) -> ShopError {
    match error {
        ShopError::Validation { fields, .. } => {
            let fields: Vec<FieldError> = fields
                .into_iter()
                .map(|f| FieldError {
                    field: names
                        .iter()
                        .find(|(centra, _)| *centra == f.field)
                        .map_or(f.field, |(_, ours)| (*ours).to_owned()),
                    message: f.message,
                })
                .collect();
            ShopError::validation(fields)
        }
        other => other,
    }
}

/// Centra's address fields and the address form's.
const ADDRESS_FIELDS: &[(&str, &str)] = &[
    ("firstName", "first_name"),
    ("lastName", "last_name"),
    ("address1", "line1"),
    ("address2", "line2"),
    ("zipCode", "postcode"),
    ("state", "region"),
    ("phoneNumber", "phone"),
];
/// …and the password forms'.
const PASSWORD_FIELDS: &[(&str, &str)] = &[
    ("password", "current_password"),
    ("newPassword", "new_password"),
    ("i", "key"),
    ("id", "key"),
];

#[async_trait]
impl Shop for CentraShop {
    fn identity(&self) -> &Identity {
        super::PLATFORM.id.identity()
    }

    async fn account(&self) -> ShopResult<Account> {
        account_from(self.logged_in().await?)
    }

    /// Names and phone number live on the customer's address (`PUT address`), the e-mail is
    /// `PUT email`: two calls, the address first (the likelier to be refused), then the e-mail.
    /// Centra keeps no company name.
    async fn update_account(&self, draft: &AccountDraft) -> ShopResult<Account> {
        refuse_company(
            draft.company.as_deref(),
            "this shop keeps no company name for an account",
        )?;
        let mut current = self.logged_in().await?;
        let phone = draft.phone.as_deref().unwrap_or("").trim();
        if current.address.first_name != draft.first_name.trim()
            || current.address.last_name != draft.last_name.trim()
            || current.address.phone_number != phone
        {
            let mut request = current.address.clone();
            request.first_name = draft.first_name.trim().to_owned();
            request.last_name = draft.last_name.trim().to_owned();
            request.phone_number = phone.to_owned();
            current = self
                .send_for_login(Method::PUT, &["address"], &to_json(&request)?)
                .await
                .map_err(|e| with_field_names(e, ADDRESS_FIELDS))?;
        }
        let email = draft.email.trim();
        if current.email.trim() != email {
            let request = wire::EmailRequest {
                email: email.to_owned(),
            };
            current = self
                .send_for_login(Method::PUT, &["email"], &to_json(&request)?)
                .await?;
        }
        account_from(current)
    }

    /// The customer's one address, when the login holds one.
    async fn addresses(&self) -> ShopResult<Vec<Address>> {
        Ok(address_from(&self.logged_in().await?).into_iter().collect())
    }

    async fn create_address(&self, _draft: &PostalAddress) -> ShopResult<Address> {
        // One address per customer: there is nothing to add it to.
        Err(ShopError::Unsupported(Feature::AddressBook))
    }

    async fn update_address(&self, id: &AddressId, draft: &PostalAddress) -> ShopResult<Address> {
        if id.as_str() != ADDRESS_ID {
            return Err(ShopError::NotFound(format!("address {id}")));
        }
        refuse_company(
            draft.company.as_deref(),
            "this shop keeps no company name in the address",
        )?;
        let request = wire::AddressRequest::from_postal(&draft.clone().normalized());
        let customer = self
            .send_for_login(Method::PUT, &["address"], &to_json(&request)?)
            .await
            .map_err(|e| with_field_names(e, ADDRESS_FIELDS))?;
        address_from(&customer).ok_or_else(|| {
            ShopError::Protocol("the shop's answer holds no address after changing it".into())
        })
    }

    async fn delete_address(&self, _id: &AddressId) -> ShopResult<()> {
        // The one address can be changed, not removed.
        Err(ShopError::Unsupported(Feature::AddressBook))
    }

    async fn orders(&self, page: &PageRequest) -> ShopResult<Page<OrderSummary>> {
        if page.filter != OrderFilter::default() {
            // `POST orders` takes paging only.
            return Err(ShopError::Unsupported(Feature::OrderSearch));
        }
        let size = page.limit.clamp(1, MAX_PAGE);
        let answer = self.orders_page(page.offset, size).await?;
        let items = answer
            .orders
            .iter()
            .map(summary_from)
            .collect::<ShopResult<Vec<_>>>()?;
        {
            let mut seen_at = self.seen_at.lock().unwrap_or_else(|e| e.into_inner());
            if seen_at.len() + items.len() > REMEMBERED {
                seen_at.clear();
            }
            for (index, order) in items.iter().enumerate() {
                seen_at.insert(
                    order.number.as_str().to_owned(),
                    page.offset.saturating_add(index as u64),
                );
            }
        }
        let total = answer.orders_paging.and_then(|p| p.total_size);
        let has_more = match total {
            Some(total) => page.offset.saturating_add(items.len() as u64) < total,
            // Without a total, a full page may have more behind it.
            None => items.len() as u64 >= u64::from(size),
        };
        Ok(Page {
            items,
            offset: page.offset,
            total,
            has_more,
        })
    }

    async fn order(&self, number: &OrderNumber) -> ShopResult<OrderDetail> {
        // No call for one order: look where the history showed it last, else page through the
        // history (newest first, where the orders a customer opens mostly are), a bounded
        // number of pages.
        let wanted = number.as_str().trim();
        let seen_at = self
            .seen_at
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(wanted)
            .copied();
        if let Some(offset) = seen_at {
            let answer = self
                .orders_page(offset.saturating_sub(NEAR_BEFORE), NEAR_WINDOW)
                .await?;
            if let Some(order) = answer.orders.iter().find(|o| o.order.trim() == wanted) {
                return detail_from(order);
            }
        }
        let mut from = 0u64;
        for _ in 0..DETAIL_PAGES {
            let answer = self.orders_page(from, MAX_PAGE).await?;
            if let Some(order) = answer.orders.iter().find(|o| o.order.trim() == wanted) {
                return detail_from(order);
            }
            let received = answer.orders.len() as u64;
            from += received;
            let total = answer.orders_paging.and_then(|p| p.total_size);
            if received == 0 || total.is_some_and(|total| from >= total) {
                return Err(ShopError::NotFound(format!("order {number}")));
            }
        }
        Err(ShopError::NotFound(format!(
            "order {number} (not among the newest {} orders)",
            DETAIL_PAGES * u64::from(MAX_PAGE)
        )))
    }

    async fn products(&self, query: &ProductQuery) -> ShopResult<Vec<Product>> {
        let currency = super::selection::currency_of(&self.selection().await?)?;
        let found = self
            .find_items(&query.codes, query.brand.as_deref(), currency)
            .await?;
        Ok(found.into_iter().map(|found| found.product).collect())
    }

    /// Centra places orders itself once they are paid: this goes as far as
    /// [`Shop::send_order`] does, and a payment page to pay on is a conflict naming it.
    async fn place_order(&self, order: &NewOrder) -> ShopResult<PlacedOrder> {
        match self.send_to_payment(order, &SendOptions::default()).await? {
            OrderOutcome::Placed(placed) => Ok(placed),
            OrderOutcome::AwaitingPayment(page) => Err(ShopError::Conflict(format!(
                "the shop places this order once it is paid at {}",
                crate::sanitize::clean(&page.url)
            ))),
        }
    }

    /// Through the selection and the payment step: Centra places the order once it is paid on
    /// its payment page ([`OrderOutcome::AwaitingPayment`]).
    async fn send_order(
        &self,
        _source: Option<&OrderNumber>,
        order: &NewOrder,
        options: &SendOptions,
    ) -> ShopResult<OrderOutcome> {
        self.send_to_payment(order, options).await
    }

    async fn change_password(&self, change: &PasswordChange) -> ShopResult<()> {
        let body = to_json(&wire::PasswordRequest {
            password: change.current.expose_secret().to_owned(),
            new_password: change.new.expose_secret().to_owned(),
        })?;
        self.send_for_login(Method::PUT, &["password"], &body)
            .await
            .map(drop)
            .map_err(|e| with_field_names(e, PASSWORD_FIELDS))
    }

    async fn register(&self, account: &NewAccount) -> ShopResult<()> {
        super::register::register(&self.http, &self.base, account).await
    }

    async fn request_password_reset(&self, email: &str) -> ShopResult<String> {
        let email = email.trim();
        if email.is_empty() {
            return Err(ShopError::field("email", "is required"));
        }
        // No `linkUri`: the link then points where the shop's Centra setup says, its own
        // password page.
        let body = to_json(&wire::ResetEmailRequest::default())?;
        self.post_anonymous(&["password-reset-email", email], &body)
            .await?;
        Ok(format!(
            "An e-mail with a link to reset the password is on its way to {email}."
        ))
    }

    async fn reset_password(&self, reset: &PasswordReset) -> ShopResult<()> {
        let (id, i) = reset_link_parts(reset.key.expose_secret())?;
        let request = wire::ResetRequest {
            new_password: reset.new_password.expose_secret().to_owned(),
            i: i.to_owned(),
            id: id.to_owned(),
        };
        let body = to_json(&request)?;
        drop(request);
        // The answer logs the customer in on a new session; shopterm does not keep it (the
        // stored sign-in is made with the new password), and the answer's token is wiped.
        self.post_anonymous(&["password-reset"], &body)
            .await
            .map(drop)
            .map_err(|e| with_field_names(e, PASSWORD_FIELDS))
    }
}

/// `id` and `i` of a reset link (`https://shop.example/reset?id=48&i=8a87…`, or just its query),
/// or of `id:i`. The key is never quoted in an error.
pub fn reset_link_parts(key: &str) -> ShopResult<(&str, &str)> {
    let bad = || {
        ShopError::field(
            "key",
            "paste the whole link from the e-mail (…?id=…&i=…), or id:i",
        )
    };
    let key = key.trim();
    let query = match key.split_once('?') {
        Some((_, query)) => Some(query),
        None if key.contains('=') => Some(key),
        None => None,
    };
    let (id, i) = match query {
        Some(query) => {
            let query = query.split('#').next().unwrap_or_default();
            let mut id = None;
            let mut i = None;
            for pair in query.split('&') {
                match pair.split_once('=') {
                    Some(("id", value)) => id = Some(value),
                    Some(("i", value)) => i = Some(value),
                    _ => {}
                }
            }
            (id.ok_or_else(bad)?, i.ok_or_else(bad)?)
        }
        None => key.split_once(':').ok_or_else(bad)?,
    };
    let (id, i) = (id.trim(), i.trim());
    // Both are plain tokens (digits, hex or base64url): anything to decode is not a link of
    // Centra's, and would need copying the key to decode.
    let plain = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if plain(id) && plain(i) {
        Ok((id, i))
    } else {
        Err(bad())
    }
}

/// The status and `errors` of an error answer.
pub(super) async fn read_errors(response: reqwest::Response) -> (StatusCode, wire::Errors) {
    let status = response.status();
    let body = response.bytes().await.unwrap_or_default();
    let errors = serde_json::from_slice::<wire::ErrorAnswer>(&body)
        .ok()
        .and_then(|a| a.errors)
        .unwrap_or_default();
    (status, errors)
}

fn detail(status: StatusCode, errors: &wire::Errors) -> String {
    let described = errors.describe();
    if described.is_empty() {
        status.canonical_reason().unwrap_or("error").to_owned()
    } else {
        described
    }
}

/// Maps a Checkout API error answer to a `ShopError`. A 403 `accessRight: denied` to a request
/// made with a stored token means the token no longer carries a login: the session has ended.
async fn error_from_response(response: reqwest::Response) -> ShopError {
    let retry_after = retry_after_of(&response);
    let (status, errors) = read_errors(response).await;
    let message = detail(status, &errors);
    match status {
        StatusCode::FORBIDDEN if errors.get(errors::ACCESS_RIGHT) == Some(errors::DENIED) => {
            ShopError::SessionExpired
        }
        // Not Centra's own answer for an ended session, but a gateway's in front of it.
        StatusCode::UNAUTHORIZED => ShopError::SessionExpired,
        StatusCode::FORBIDDEN => ShopError::Forbidden(message),
        StatusCode::NOT_FOUND => ShopError::NotFound(message),
        StatusCode::BAD_REQUEST | StatusCode::NOT_ACCEPTABLE | StatusCode::UNPROCESSABLE_ENTITY => {
            ShopError::Validation {
                message,
                fields: errors
                    .messages()
                    .into_iter()
                    .map(|(field, message)| FieldError { field, message })
                    .collect(),
            }
        }
        StatusCode::CONFLICT => ShopError::Conflict(message),
        StatusCode::TOO_MANY_REQUESTS => ShopError::RateLimited { retry_after },
        status if status.is_server_error() => ShopError::Server {
            status: status.as_u16(),
            message,
        },
        status => ShopError::Protocol(format!("HTTP {status}: {message}")),
    }
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
