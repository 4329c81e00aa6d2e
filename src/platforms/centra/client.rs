//! `Shop` and `PasswordSignIn` over Centra's Checkout API.
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

use super::wire::{self, errors};
use crate::auth::password::{self, PasswordSignIn};
use crate::auth::store::StoredTokens;
use crate::auth::{AuthError, TokenSet, TokenSource};
use crate::model::*;
use crate::platforms::common::{network_error, send_anonymous, send_with_token};
use crate::shop::{
    Capabilities, Feature, FieldError, PasswordChange, PasswordReset, Shop, ShopError, ShopResult,
};
use async_trait::async_trait;
use reqwest::header::{self, HeaderValue};
use reqwest::{Method, RequestBuilder, StatusCode};
use rust_decimal::Decimal;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use time::{OffsetDateTime, PrimitiveDateTime};
use url::Url;

const JSON: &str = "application/json";

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
    capabilities: Capabilities,
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
            // `Addresses` but not `AddressBook`: Centra keeps one address, which can be changed
            // but not added to or deleted. Nor `DefaultAddresses` (the one address is both),
            // `OrderSearch` (no filters on `POST orders`), products or placing orders (not
            // connected).
            capabilities: Capabilities::new([
                Feature::EditAccount,
                Feature::Addresses,
                Feature::OrderHistory,
                Feature::OrderDetail,
                Feature::Shipments,
                Feature::ChangePassword,
                Feature::ForgottenPassword,
                Feature::ResetPassword,
                Feature::AccountPhoneAndCompany,
                Feature::AddressRegion,
            ]),
            seen_at: Mutex::new(HashMap::new()),
        }
    }

    /// Sends `method segments` with the session token and `body` (JSON), read as `T`; also
    /// answers the token the request went out with.
    async fn send<T: DeserializeOwned>(
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

    /// One `POST orders` page.
    async fn orders_page(&self, from: u64, size: u32) -> ShopResult<wire::OrdersAnswer> {
        let body = to_json(&wire::OrdersRequest {
            from: Some(from),
            size: Some(u64::from(size)),
        })?;
        let (mut answer, _): (wire::OrdersAnswer, _) =
            self.send(Method::POST, &["orders"], Some(&body)).await?;
        if let Some(errors) = answer.errors.take() {
            return Err(ShopError::Protocol(format!(
                "the shop answered with errors: {}",
                errors.describe()
            )));
        }
        Ok(answer)
    }
}

/// Adds the session token header, marked sensitive so it never shows in debug output.
fn with_token(request: RequestBuilder, token: &SecretString) -> RequestBuilder {
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
fn to_json<T: serde::Serialize>(body: &T) -> ShopResult<zeroize::Zeroizing<Vec<u8>>> {
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
        Some(errors) => Err(ShopError::Validation {
            message: errors.describe(),
            fields: errors
                .messages()
                .into_iter()
                .map(|(field, message)| FieldError { field, message })
                .collect(),
        }),
        None => Ok(answer),
    }
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
            ShopError::Validation {
                message: fields
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect::<Vec<_>>()
                    .join("; "),
                fields,
            }
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
    fn platform(&self) -> &str {
        "Centra"
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn account(&self) -> ShopResult<Account> {
        account_from(self.logged_in().await?)
    }

    /// Names and phone number live on the customer's address (`PUT address`), the e-mail is
    /// `PUT email`: two calls, the address first (the likelier to be refused), then the e-mail.
    /// Centra keeps no company name.
    async fn update_account(&self, draft: &AccountDraft) -> ShopResult<Account> {
        if draft
            .company
            .as_deref()
            .is_some_and(|c| !c.trim().is_empty())
        {
            return Err(ShopError::field(
                "company",
                "this shop keeps no company name for an account",
            ));
        }
        let mut current = self.logged_in().await?;
        let phone = draft.phone.as_deref().unwrap_or("").trim();
        if current.first_name != draft.first_name.trim()
            || current.last_name != draft.last_name.trim()
            || current.phone_number != phone
        {
            let mut request = address_request(&current);
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
        if draft
            .company
            .as_deref()
            .is_some_and(|c| !c.trim().is_empty())
        {
            return Err(ShopError::field(
                "company",
                "this shop keeps no company name in the address",
            ));
        }
        let trimmed = |text: &str| text.trim().to_owned();
        let optional = |text: &Option<String>| text.as_deref().map(trimmed).unwrap_or_default();
        let request = wire::AddressRequest {
            first_name: trimmed(&draft.first_name),
            last_name: trimmed(&draft.last_name),
            address1: trimmed(&draft.line1),
            address2: optional(&draft.line2),
            zip_code: trimmed(&draft.postcode),
            city: trimmed(&draft.city),
            state: optional(&draft.region),
            country: draft.country.trim().to_ascii_uppercase(),
            phone_number: optional(&draft.phone),
        };
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

/// `PUT address` with what the login holds now.
fn address_request(customer: &wire::LoggedIn) -> wire::AddressRequest {
    wire::AddressRequest {
        first_name: customer.first_name.clone(),
        last_name: customer.last_name.clone(),
        address1: customer.address1.clone(),
        address2: customer.address2.clone(),
        zip_code: customer.zip_code.clone(),
        city: customer.city.clone(),
        state: customer.state.clone(),
        country: customer.country.clone(),
        phone_number: customer.phone_number.clone(),
    }
}

/// The login's address, the customer's one (default for shipping and billing); none while the
/// login holds no address.
fn address_from(customer: &wire::LoggedIn) -> Option<Address> {
    let none_if_empty = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    if [
        &customer.address1,
        &customer.zip_code,
        &customer.city,
        &customer.country,
    ]
    .iter()
    .all(|field| field.trim().is_empty())
    {
        return None;
    }
    Some(Address {
        id: AddressId(ADDRESS_ID.to_owned()),
        postal: PostalAddress {
            first_name: customer.first_name.trim().to_owned(),
            last_name: customer.last_name.trim().to_owned(),
            company: None,
            line1: customer.address1.trim().to_owned(),
            line2: none_if_empty(&customer.address2),
            city: customer.city.trim().to_owned(),
            postcode: customer.zip_code.trim().to_owned(),
            region: none_if_empty(&customer.state),
            country: customer.country.trim().to_ascii_uppercase(),
            phone: none_if_empty(&customer.phone_number),
        },
        default_shipping: true,
        default_billing: true,
    })
}

/// An order address; `None` when it holds nothing.
fn postal_from(address: &wire::OrderAddress) -> Option<PostalAddress> {
    let none_if_empty = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    let postal = PostalAddress {
        first_name: address.first_name.trim().to_owned(),
        last_name: address.last_name.trim().to_owned(),
        company: none_if_empty(&address.company),
        line1: address.address1.trim().to_owned(),
        line2: none_if_empty(&address.address2),
        city: address.city.trim().to_owned(),
        postcode: address.zip_code.trim().to_owned(),
        region: none_if_empty(&address.state),
        country: address.country.trim().to_ascii_uppercase(),
        phone: none_if_empty(&address.phone_number),
    };
    let empty = postal.line1.is_empty() && postal.city.is_empty() && postal.country.is_empty();
    (!empty).then_some(postal)
}

/// Centra's order status (`untouched`, `confirmed`, …, its order flow's Pending (1) to
/// Cancelled (6)) in shopterm's terms; the display name (`statusDescription`) is kept as the
/// label. A code Centra adds later is read from the display name if that names a known state.
pub fn status_from(code: &str, description: &str) -> OrderStatus {
    let known = |text: &str| match text.trim().to_ascii_lowercase().as_str() {
        "untouched" | "pending" => Some(OrderStatus::Pending),
        // Confirmed: accepted, nothing shipped yet. Processing: "at least one shipment …
        // not completed".
        "confirmed" | "processing" | "in progress" | "inprogress" => Some(OrderStatus::Processing),
        // Completed: payment captured and every shipment sent. Centra does not learn of
        // deliveries.
        "completed" | "shipped" => Some(OrderStatus::Shipped),
        "cancelled" | "canceled" => Some(OrderStatus::Cancelled),
        _ => None,
    };
    known(code)
        .or_else(|| known(description))
        .unwrap_or(OrderStatus::Other)
}

/// `2015-10-20 16:01:34` (Centra gives no offset; read as UTC), or RFC 3339.
fn date_from(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    let plain = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    PrimitiveDateTime::parse(text, plain)
        .map(PrimitiveDateTime::assume_utc)
        .ok()
        .or_else(|| {
            OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
        })
}

fn money(amount: wire::Amount, currency: Currency) -> Option<Money> {
    amount.0.map(|amount| Money::new(amount, currency))
}

fn summary_from(order: &wire::Order) -> ShopResult<OrderSummary> {
    let number = order.order.trim();
    if number.is_empty() {
        return Err(ShopError::Protocol("an order without a number".into()));
    }
    let bad = |what: &str| ShopError::Protocol(format!("order {number}: {what}"));
    let currency: Currency = order
        .currency
        .parse()
        .map_err(|_| bad("no currency code"))?;
    let placed_at = date_from(&order.date).ok_or_else(|| bad("no date it was placed"))?;
    let total = money(order.totals.grand_total_price_as_number, currency)
        .ok_or_else(|| bad("no grand total"))?;
    let item_count = order
        .totals
        .total_quantity
        .unwrap_or_else(|| order.items.iter().map(|i| i.quantity).sum());
    let status_label = match order.status_description.trim() {
        "" => order.status.trim().to_owned(),
        label => label.to_owned(),
    };
    // The documentation's orders carry no payment state, only how it was paid.
    let payment_label = match order.payment_method_name.trim() {
        "" => order.payment_method.trim().to_owned(),
        name => name.to_owned(),
    };
    Ok(OrderSummary {
        number: OrderNumber(number.to_owned()),
        placed_at,
        status: status_from(&order.status, &order.status_description),
        status_label,
        payment_status: PaymentStatus::Other,
        payment_label,
        item_count,
        total,
    })
}

fn detail_from(order: &wire::Order) -> ShopResult<OrderDetail> {
    let summary = summary_from(order)?;
    let number = summary.number.clone();
    let currency = summary.total.currency;
    let bad = |what: &str| ShopError::Protocol(format!("order {number}: {what}"));
    let zero = Money::zero(currency);
    let lines = order
        .items
        .iter()
        .map(|item| {
            let unit_price = money(item.price_each_as_number, currency)
                .ok_or_else(|| bad("an item without a price"))?;
            let line_total = money(item.total_price_as_number, currency)
                .unwrap_or_else(|| unit_price.times(item.quantity));
            let name = match item.size.trim() {
                "" => item.product_name.trim().to_owned(),
                size => format!("{} ({size})", item.product_name.trim()),
            };
            Ok(OrderLine {
                code: ProductCode(item.sku.trim().to_owned()),
                brand: item.brand_name.trim().to_owned(),
                name,
                quantity: item.quantity,
                unit_price,
                line_total,
            })
        })
        .collect::<ShopResult<Vec<_>>>()?;
    let totals = &order.totals;
    // The discount as a positive amount, whichever sign the shop writes it with.
    let discount = order
        .discounts
        .as_ref()
        .and_then(|d| d.discount_as_number.0)
        .or(totals.total_discount_price_as_number.0)
        .unwrap_or(Decimal::ZERO)
        .abs();
    // Handling is charged like shipping; the model has no place of its own for it.
    let shipping = totals.shipping_price_as_number.0.unwrap_or(Decimal::ZERO)
        + totals
            .handling_cost_price_as_number
            .0
            .unwrap_or(Decimal::ZERO);
    // Tax added on top of the prices, or taken off them (tax-exempt orders), or else the tax
    // included in the grand total.
    let tax = totals
        .tax_added_as_number
        .0
        .or(totals.tax_deducted_as_number.0)
        .or(totals.grand_total_price_tax_as_number.0)
        .unwrap_or(Decimal::ZERO);
    let order_totals = OrderTotals {
        items: money(totals.items_total_price_as_number, currency).unwrap_or(zero),
        discounts: Money::new(discount, currency),
        shipping: Money::new(shipping, currency),
        tax: Money::new(tax, currency),
        grand_total: summary.total,
    };
    let shipments = order
        .shipments
        .iter()
        .enumerate()
        .map(|(index, shipment)| {
            let text = |t: &str| Some(t.trim().to_owned()).filter(|t| !t.is_empty());
            let shipped_at = date_from(&shipment.shipped_date);
            Shipment {
                // Centra names no shipment id: the order number and the shipment's place.
                id: format!("{number}-{}", index + 1),
                shipped_at,
                carrier: shipment.carrier.trim().to_owned(),
                service: text(&shipment.service),
                tracking_id: text(&shipment.tracking_id),
                tracking_url: text(&shipment.tracking_url),
                // Centra tells when a parcel left, not when it arrived.
                state: if shipped_at.is_some() {
                    ShipmentState::InTransit
                } else {
                    ShipmentState::Preparing
                },
                lines: Vec::new(),
            }
        })
        .collect();
    Ok(OrderDetail {
        summary,
        lines,
        totals: order_totals,
        billing_address: order.address.as_ref().and_then(postal_from),
        shipping_address: order.shipping_address.as_ref().and_then(postal_from),
        shipments,
    })
}

/// Centra names no customer id in `loggedIn`: the e-mail is the account's id.
fn account_from(customer: wire::LoggedIn) -> ShopResult<Account> {
    let email = customer.email.trim().to_owned();
    if email.is_empty() {
        return Err(ShopError::Protocol(
            "the shop's login names no e-mail".into(),
        ));
    }
    let phone = Some(customer.phone_number.trim().to_owned()).filter(|p| !p.is_empty());
    Ok(Account {
        id: CustomerId(email.clone()),
        email,
        first_name: customer.first_name,
        last_name: customer.last_name,
        phone,
        company: None,
        created_at: None,
    })
}

/// The status and `errors` of an error answer.
async fn read_errors(response: reqwest::Response) -> (StatusCode, wire::Errors) {
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
    let retry_after = response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(std::time::Duration::from_secs);
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

/// Centra's e-mail + password sign-in.
pub struct CentraSignIn;

/// A refused `POST login/{email}`: 406 `password: incorrect` (also for unknown e-mails) is a
/// wrong login or password.
fn login_error(status: StatusCode, errors: &wire::Errors) -> AuthError {
    if errors.get(errors::PASSWORD).is_some()
        && (status == StatusCode::NOT_ACCEPTABLE || status.is_success())
    {
        return password::wrong_credentials(None);
    }
    let description = Some(errors.describe()).filter(|d| !d.is_empty());
    if status.is_server_error() {
        return AuthError::Shop(ShopError::Server {
            status: status.as_u16(),
            message: description.unwrap_or_default(),
        });
    }
    if status == StatusCode::TOO_MANY_REQUESTS {
        return AuthError::Shop(ShopError::RateLimited { retry_after: None });
    }
    AuthError::Refused {
        action: "sign in",
        error: format!("HTTP {}", status.as_u16()),
        description,
    }
}

/// The regular JSON of a successful answer. serde's message could quote a token: keep only
/// where the answer went wrong.
fn read_answer(bytes: &[u8], action: &str) -> Result<wire::Answer, AuthError> {
    serde_json::from_slice(bytes).map_err(|e| {
        AuthError::Protocol(format!(
            "unreadable answer when trying to {action} (line {}, column {})",
            e.line(),
            e.column()
        ))
    })
}

#[async_trait]
impl PasswordSignIn for CentraSignIn {
    async fn sign_in(
        &self,
        http: &reqwest::Client,
        shop_url: &Url,
        login: &str,
        password: &SecretString,
    ) -> Result<TokenSet, AuthError> {
        let login = login.trim();
        if login.is_empty() {
            return Err(password::wrong_credentials(Some("no e-mail given".into())));
        }
        let url = password::endpoint(shop_url, &["login", login])?;
        let body = wire::LoginRequest {
            password: password.expose_secret().to_owned(),
        };
        let response = http
            .post(url)
            .header(header::ACCEPT, JSON)
            .json(&body)
            .send()
            .await
            .map_err(|e| password::network_error(&e))?;
        if !response.status().is_success() {
            let (status, errors) = read_errors(response).await;
            return Err(login_error(status, &errors));
        }
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| password::network_error(&e))?;
        let bytes = zeroize::Zeroizing::new(bytes.to_vec());
        let mut answer = read_answer(&bytes, "sign in")?;
        if let Some(errors) = answer.errors.take() {
            // "If the response does not contain an errors object, there are no errors."
            return Err(login_error(status, &errors));
        }
        if answer.logged_in.is_none() {
            return Err(AuthError::Protocol(
                "the shop accepted the sign-in but reports no login on the session".into(),
            ));
        }
        let token = answer
            .token
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(SecretString::from)
            .ok_or_else(|| {
                AuthError::Protocol("the shop's answer holds no session token".into())
            })?;
        // Centra sessions cannot be renewed and say nothing of their lifetime.
        Ok(password::session_token(token))
    }

    async fn sign_out(
        &self,
        http: &reqwest::Client,
        shop_url: &Url,
        tokens: &StoredTokens,
    ) -> Result<(), AuthError> {
        let url = password::endpoint(shop_url, &["logout"])?;
        let response = with_token(
            http.post(url).header(header::ACCEPT, JSON),
            &tokens.access_token,
        )
        .send()
        .await
        .map_err(|e| password::network_error(&e))?;
        let status = response.status();
        if !status.is_success() {
            let (status, errors) = read_errors(response).await;
            if status == StatusCode::FORBIDDEN
                && errors.get(errors::ACCESS_RIGHT) == Some(errors::DENIED)
            {
                // No login on the token any more: nothing left to end.
                return Ok(());
            }
            return Err(AuthError::Refused {
                action: "end the session",
                error: format!("HTTP {}", status.as_u16()),
                description: Some(errors.describe()).filter(|d| !d.is_empty()),
            });
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| password::network_error(&e))?;
        let bytes = zeroize::Zeroizing::new(bytes.to_vec());
        let answer = read_answer(&bytes, "end the session")?;
        if let Some(errors) = &answer.errors {
            return Err(AuthError::Refused {
                action: "end the session",
                error: format!("HTTP {}", status.as_u16()),
                description: Some(errors.describe()).filter(|d| !d.is_empty()),
            });
        }
        if answer.logged_in.is_some() {
            return Err(AuthError::Refused {
                action: "end the session",
                error: "still logged in".into(),
                description: Some("the shop still reports the login after logging out".into()),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> reqwest::Response {
        reqwest::Response::from(
            axum::http::Response::builder()
                .status(status)
                .header("content-type", JSON)
                .body(body.to_owned())
                .unwrap(),
        )
    }

    #[tokio::test]
    async fn error_answers_map_to_shop_errors() {
        assert_eq!(
            error_from_response(response(
                403,
                r#"{"token":"t","errors":{"accessRight":"denied"}}"#
            ))
            .await,
            ShopError::SessionExpired
        );
        assert!(matches!(
            error_from_response(response(403, r#"{"errors":{"market":"closed"}}"#)).await,
            ShopError::Forbidden(m) if m == "market: closed"
        ));
        match error_from_response(response(406, r#"{"errors":{"email":"not valid"}}"#)).await {
            ShopError::Validation { fields, .. } => {
                assert_eq!(fields.len(), 1);
                assert_eq!(fields[0].field, "email");
                assert_eq!(fields[0].message, "not valid");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            error_from_response(response(502, "<html>bad gateway</html>")).await,
            ShopError::Server { status: 502, .. }
        ));
    }

    #[test]
    fn login_refusals() {
        let incorrect = wire::Errors::one("password", "incorrect");
        assert!(password::is_wrong_credentials(&login_error(
            StatusCode::NOT_ACCEPTABLE,
            &incorrect
        )));
        let other = login_error(StatusCode::CONFLICT, &wire::Errors::one("email", "x"));
        assert!(!password::is_wrong_credentials(&other));
        assert!(other.to_string().contains("email: x"), "{other}");
        assert!(matches!(
            login_error(StatusCode::SERVICE_UNAVAILABLE, &wire::Errors::default()),
            AuthError::Shop(ShopError::Server { status: 503, .. })
        ));
    }

    #[test]
    fn account_from_logged_in() {
        let account = account_from(wire::LoggedIn {
            email: " hello@example.com ".into(),
            first_name: "Hello".into(),
            last_name: "World".into(),
            phone_number: "".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(account.id, CustomerId("hello@example.com".into()));
        assert_eq!(account.email, "hello@example.com");
        assert_eq!(account.display_name(), "Hello World");
        assert_eq!(account.phone, None);
        assert!(account_from(wire::LoggedIn::default()).is_err());
    }

    fn sample_orders() -> Vec<wire::Order> {
        let answer: wire::OrdersAnswer =
            serde_json::from_str(include_str!("testdata/orders_sample.json")).unwrap();
        answer.orders
    }

    fn usd(units: i64, scale: u32) -> Money {
        Money::new(Decimal::new(units, scale), Currency::USD)
    }

    #[test]
    fn documented_orders_map_to_summaries() {
        let orders = sample_orders();
        let first = summary_from(&orders[0]).unwrap();
        assert_eq!(first.number, OrderNumber::from("575"));
        assert_eq!(
            first.placed_at,
            time::macros::datetime!(2015-10-20 16:01:34 UTC)
        );
        assert_eq!(first.status, OrderStatus::Pending);
        assert_eq!(first.status_label, "Pending");
        assert_eq!(first.payment_status, PaymentStatus::Other);
        assert_eq!(first.payment_label, "PäjPäl");
        assert_eq!(first.item_count, 1);
        assert_eq!(first.total, usd(824, 1));
        assert_eq!(first.total.to_string(), "82.40 USD");
        assert_eq!(summary_from(&orders[1]).unwrap().total, usd(103, 0));

        let mut broken = orders[0].clone();
        broken.currency = "dollars".into();
        assert!(summary_from(&broken).is_err());
        let mut broken = orders[0].clone();
        broken.date = "yesterday".into();
        assert!(summary_from(&broken).is_err());
        let mut broken = orders[0].clone();
        broken.totals.grand_total_price_as_number = wire::Amount(None);
        assert!(summary_from(&broken).is_err());
    }

    #[test]
    fn documented_orders_map_to_details() {
        let orders = sample_orders();
        // The tax-exempt order: tax taken off, 4 + 99 - 20.6 = 82.4.
        let exempt = detail_from(&orders[0]).unwrap();
        assert_eq!(exempt.lines.len(), 1);
        let line = &exempt.lines[0];
        assert_eq!(line.code, ProductCode::from("p1v1"));
        assert_eq!((line.brand.as_str(), line.name.as_str()), ("Brand", "√Ett"));
        assert_eq!(line.quantity, 1);
        assert_eq!((line.unit_price, line.line_total), (usd(4, 0), usd(4, 0)));
        assert_eq!(exempt.totals.items, usd(4, 0));
        assert_eq!(exempt.totals.discounts, usd(0, 0));
        assert_eq!(exempt.totals.shipping, usd(99, 0));
        assert_eq!(exempt.totals.tax, usd(-206, 1));
        assert_eq!(exempt.totals.grand_total, usd(824, 1));
        let billing = exempt.billing_address.unwrap();
        assert_eq!(billing.line1, "Rue");
        assert_eq!(billing.postcode, "75000");
        assert_eq!(billing.region.as_deref(), Some("Alsace"));
        assert_eq!(billing.company, None);
        assert_eq!(billing.phone.as_deref(), Some("1234556"));
        assert_eq!(
            exempt.shipping_address.unwrap().phone.as_deref(),
            Some("12345678")
        );
        assert!(exempt.shipments.is_empty());
        // The taxed order: the tax is included in the 103.
        let taxed = detail_from(&orders[1]).unwrap();
        assert_eq!(taxed.totals.tax, usd(206, 1));
        assert_eq!(taxed.totals.grand_total, usd(103, 0));
    }

    #[test]
    fn documented_shipments_map_with_tracking() {
        #[derive(serde::Deserialize)]
        struct Shipped {
            shipments: Vec<wire::Shipment>,
        }
        let shipped: Shipped =
            serde_json::from_str(include_str!("testdata/shipments_sample.json")).unwrap();
        let mut order = sample_orders().remove(0);
        order.shipments = shipped.shipments;
        order.shipments.push(wire::Shipment {
            carrier: "DHL".into(),
            ..Default::default()
        });
        let detail = detail_from(&order).unwrap();
        assert_eq!(detail.shipments.len(), 2);
        let ups = &detail.shipments[0];
        assert_eq!(ups.id, "575-1");
        assert_eq!(ups.carrier, "UPS");
        assert_eq!(ups.service.as_deref(), Some("Ground"));
        assert_eq!(ups.tracking_id.as_deref(), Some("1Z123123123123"));
        assert_eq!(
            ups.tracking_url.as_deref(),
            Some("http://example.com/tracking?1Z123123123123")
        );
        assert_eq!(
            ups.shipped_at,
            Some(time::macros::datetime!(2017-08-04 16:22:20 UTC))
        );
        assert_eq!(ups.state, ShipmentState::InTransit);
        let waiting = &detail.shipments[1];
        assert_eq!(waiting.id, "575-2");
        assert_eq!(
            (waiting.shipped_at, waiting.state),
            (None, ShipmentState::Preparing)
        );
        assert_eq!(waiting.tracking_id, None);
    }

    #[test]
    fn centra_statuses() {
        assert_eq!(status_from("untouched", "Pending"), OrderStatus::Pending);
        assert_eq!(
            status_from("confirmed", "Confirmed"),
            OrderStatus::Processing
        );
        assert_eq!(status_from("processing", ""), OrderStatus::Processing);
        assert_eq!(status_from("completed", "Completed"), OrderStatus::Shipped);
        assert_eq!(
            status_from("cancelled", "Cancelled"),
            OrderStatus::Cancelled
        );
        assert_eq!(status_from("x7", "Cancelled"), OrderStatus::Cancelled);
        assert_eq!(status_from("archived", "Archived"), OrderStatus::Other);
    }

    #[test]
    fn reset_links_and_keys() {
        let link = "https://mywebshop.example.com/my-uri/with/slashes?id=48&i=8a87a9e9fea3c3cfdea183b281ec43f3";
        assert_eq!(
            reset_link_parts(link).unwrap(),
            ("48", "8a87a9e9fea3c3cfdea183b281ec43f3")
        );
        assert_eq!(
            reset_link_parts(" https://shop.example/r?i=abc_-9&x=1&id=7#top ").unwrap(),
            ("7", "abc_-9")
        );
        assert_eq!(reset_link_parts("id=7&i=abc").unwrap(), ("7", "abc"));
        assert_eq!(reset_link_parts("48:8a87a9e9").unwrap(), ("48", "8a87a9e9"));
        for bad in [
            "",
            "8a87a9e9fea3c3cfdea183b281ec43f3",
            "https://shop.example/r?id=48",
            "https://shop.example/r?i=abc",
            "48:",
            "id=4 8&i=x",
            "id=48&i=a%20b",
        ] {
            match reset_link_parts(bad) {
                Err(ShopError::Validation { fields, message }) => {
                    assert_eq!(fields[0].field, "key", "{bad}");
                    assert!(bad.is_empty() || !message.contains(bad), "{message}");
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn field_names_follow_the_forms() {
        let renamed = with_field_names(
            ShopError::Validation {
                message: "x".into(),
                fields: vec![
                    FieldError {
                        field: "zipCode".into(),
                        message: "required".into(),
                    },
                    FieldError {
                        field: "city".into(),
                        message: "required".into(),
                    },
                ],
            },
            ADDRESS_FIELDS,
        );
        match renamed {
            ShopError::Validation { fields, message } => {
                assert_eq!(fields[0].field, "postcode");
                assert_eq!(fields[1].field, "city");
                assert_eq!(message, "postcode: required; city: required");
            }
            other => panic!("{other:?}"),
        }
        let address = address_from(&wire::LoggedIn {
            email: "a@b.example".into(),
            first_name: "A".into(),
            address1: "Street 1".into(),
            zip_code: "123".into(),
            city: "Town".into(),
            country: "se".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(address.id, AddressId::from(ADDRESS_ID));
        assert!(address.default_billing && address.default_shipping);
        assert_eq!(address.postal.country, "SE");
        assert_eq!(address.postal.line2, None);
        assert!(address_from(&wire::LoggedIn::default()).is_none());
    }

    #[test]
    fn unreadable_answers_do_not_quote_the_body() {
        let error = read_answer(
            br#"{"token": "secret-token-123", "loggedIn": 5}"#,
            "sign in",
        )
        .err()
        .unwrap();
        assert!(!error.to_string().contains("secret-token-123"), "{error}");
    }
}
