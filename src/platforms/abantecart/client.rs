//! `Shop` and `PasswordSignIn` over AbanteCart's storefront API.
//!
//! Every call is a form-encoded `POST {shop}/index.php?rt=<route>`. Sign-in is `a/account/login`
//! with `loginname` (or `email`) and `password`; the answer's `token` (the shop's PHP session id)
//! is then sent as the `token` form field of every request — in the body, never in the URL and
//! never in a header, as AbanteCart reads it nowhere else. Sessions cannot be renewed and say
//! nothing about their lifetime: they end after the shop's idle time-out (`config_session_ttl`)
//! or at `a/account/logout`, and a request with an ended session answers 401, which is
//! [`ShopError::SessionExpired`].
//!
//! Shops that set a storefront API key need it in every request: it is given as the shop URL's
//! `api_key` query parameter in the profile (`https://shop.example/?api_key=…`) and sent as the
//! `api_key` form field of every `POST`, never in their URL; only the `GET`-only product routes
//! carry it in the query, the one place AbanteCart reads it for a `GET`. Without the key such a
//! shop answers "Access to API is disabled!", shown as that.
//!
//! An unknown route answers HTTP 200 with an empty body on AbanteCart 1.4.4 (the router builds a
//! `not_found` controller the API does not have), and 401 "Requested Route was not found!" on
//! older shops: both are [`ShopError::NotFound`].
//!
//! Connected: the account (`a/account/account`, with the telephone from `a/account/edit`), the
//! order history (`a/account/history`) and editing the account (`a/account/edit`). The storefront
//! API has no route for one order's details, for shipments, or for changing or resetting the
//! password, so those stay unsupported.

use super::money::shop_money;
use super::storefront;
use super::wire::{self, fields, messages, routes};
use crate::auth::password::{self, PasswordSignIn};
use crate::auth::store::StoredTokens;
use crate::auth::{AuthError, TokenSet, TokenSource};
use crate::model::{
    Account, AccountDraft, CustomerId, NewOrder, OrderNumber, OrderStatus, OrderSummary, Page,
    PageRequest, PaymentStatus, PlacedOrder, Product, ProductQuery,
};
use crate::platforms::common::{retry_after_of, send_with_token};
use crate::shop::{Feature, FieldError, Identity, NewAccount, Shop, ShopError, ShopResult};
use async_trait::async_trait;
use reqwest::{StatusCode, header};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use url::Url;

const JSON: &str = "application/json";

pub struct AbanteCartShop {
    base: Url,
    http: reqwest::Client,
    tokens: Arc<dyn TokenSource>,
    /// The shop's history page size (`config_catalog_limit`) once an answer has told it; 0
    /// before. The shop, not shopterm, decides it on stock AbanteCart.
    history_page_size: AtomicU64,
    /// The shop's storefront API key, from the shop URL's `api_key` query parameter.
    pub(super) api_key: Option<SecretString>,
}

/// The storefront API key a shop URL carries (`?api_key=…`), if any.
pub fn api_key_of(shop_url: &Url) -> Option<SecretString> {
    shop_url
        .query_pairs()
        .find(|(name, _)| name == storefront::fields::API_KEY)
        .map(|(_, key)| key.trim().to_owned())
        .filter(|key| !key.is_empty())
        .map(SecretString::from)
}

impl AbanteCartShop {
    /// `base` is the storefront's root (`https://shop.example/`, or the folder AbanteCart is
    /// installed in); a base that already ends in `index.php` is used as it is.
    pub fn new(base: Url, http: reqwest::Client, tokens: Arc<dyn TokenSource>) -> AbanteCartShop {
        AbanteCartShop {
            http,
            tokens,
            history_page_size: AtomicU64::new(0),
            api_key: api_key_of(&base),
            base,
        }
    }

    /// `POST`s `route` with the session's token and `form`; the answer as `T`.
    pub(super) async fn post<T: serde::de::DeserializeOwned>(
        &self,
        route: &'static str,
        form: &[(&str, &str)],
    ) -> ShopResult<T> {
        let url = api_url(&self.base, route).map_err(|e| ShopError::Protocol(e.to_string()))?;
        let response = send_with_token(
            &*self.tokens,
            |token| {
                let mut body = form.to_vec();
                body.push((fields::TOKEN, token.expose_secret()));
                if let Some(key) = &self.api_key {
                    body.push((storefront::fields::API_KEY, key.expose_secret()));
                }
                self.http
                    .post(url.clone())
                    .header(header::ACCEPT, JSON)
                    .form(&body)
            },
            |response| error_from_response(response, route),
        )
        .await?;
        json_answer(response, route).await
    }

    /// `GET`s one of the product routes (no sign-in: AbanteCart reads the session only from a
    /// `GET`'s URL, where the token must not go), the API key in the query as AbanteCart reads it
    /// for a `GET`.
    pub(super) async fn get<T: serde::de::DeserializeOwned>(
        &self,
        route: &'static str,
        query: &[(&str, &str)],
    ) -> ShopResult<T> {
        let mut url = api_url(&self.base, route).map_err(|e| ShopError::Protocol(e.to_string()))?;
        {
            let mut pairs = url.query_pairs_mut();
            pairs.extend_pairs(query);
            if let Some(key) = &self.api_key {
                pairs.append_pair(storefront::fields::API_KEY, key.expose_secret());
            }
        }
        let response = crate::platforms::common::send_anonymous(
            self.http.get(url).header(header::ACCEPT, JSON),
            |response| error_from_response(response, route),
        )
        .await?;
        json_answer(response, route).await
    }

    /// The account form with the stored values. `GET a/account/edit` would need the token in the
    /// URL, so this `POST`s the form with no fields instead: the controller refuses to save it (a
    /// first name of 0 characters, and since 1.4.3 a telephone of 0, do not validate) and answers
    /// the form, filled from the stored customer for every field the request did not give.
    async fn account_form(&self) -> ShopResult<wire::EditFields> {
        let answer: wire::EditAnswer = self.post(routes::EDIT, &[]).await?;
        if answer.status == Some(true) {
            return Err(ShopError::Protocol(
                "the shop saved an empty account form instead of refusing it".into(),
            ));
        }
        answer
            .fields
            .ok_or_else(|| ShopError::Protocol("the account form has no fields".into()))
    }

    /// One window of the history as the shop pages it: the page holding `offset`, at the shop's
    /// page size (learnt from the first answer), cut to `[offset, offset + limit)`.
    async fn history(&self, offset: u64, limit: u32) -> ShopResult<Page<OrderSummary>> {
        let mut size = match self.history_page_size.load(Ordering::Relaxed) {
            0 => u64::from(limit.max(1)),
            known => known,
        };
        // The second round is for a shop whose page size differs from the guess.
        for _ in 0..2 {
            let page = offset / size + 1;
            let (page_text, size_text) = (page.to_string(), size.to_string());
            let answer: wire::HistoryAnswer = self
                .post(
                    routes::HISTORY,
                    &[(fields::PAGE, &page_text), (fields::LIMIT, &size_text)],
                )
                .await?;
            if let Some(served) = answer.limit.filter(|size| *size > 0) {
                self.history_page_size.store(served, Ordering::Relaxed);
            }
            match history_window(answer, offset, limit, page, size)? {
                Window::Page(found) => return Ok(found),
                Window::PageSize(served) => size = served,
            }
        }
        Err(ShopError::Protocol(
            "the shop's order history pages kept changing size".into(),
        ))
    }
}

impl AbanteCartShop {
    /// The history's first page (the newest orders), as the shop serves it.
    pub(super) async fn newest_orders(&self) -> ShopResult<Vec<OrderSummary>> {
        let size = match self.history_page_size.load(Ordering::Relaxed) {
            0 => 20,
            known => u32::try_from(known).unwrap_or(u32::MAX),
        };
        Ok(self.history(0, size).await?.items)
    }
}

#[async_trait]
impl Shop for AbanteCartShop {
    fn identity(&self) -> &Identity {
        super::PLATFORM.id.identity()
    }

    /// `a/account/account` has no telephone; the account form has. Worth its second request:
    /// an edit starts from this account, and without the telephone it would save an empty one.
    async fn account(&self) -> ShopResult<Account> {
        let answer: wire::AccountAnswer = self.post(routes::ACCOUNT, &[]).await?;
        let mut account = account_from(answer)?;
        account.phone = match self.account_form().await {
            Ok(form) => phone_of(&form),
            // A shop that removed the form route still shows the rest of the account.
            Err(ShopError::NotFound(_)) => None,
            Err(error) => return Err(error),
        };
        Ok(account)
    }

    async fn update_account(&self, draft: &AccountDraft) -> ShopResult<Account> {
        if draft
            .company
            .as_deref()
            .is_some_and(|company| !company.trim().is_empty())
        {
            return Err(ShopError::field(
                "company",
                "AbanteCart keeps the company with the addresses, not in the account",
            ));
        }
        local_edit_problems(draft)?;
        // The controller saves `fax` and `newsletter` from the request whether given or not:
        // they are sent back as stored, or the save would clear them.
        let form = self.account_form().await?;
        let fax = unescape(form.fax.and_then(|field| field.value));
        let newsletter = form
            .newsletter
            .and_then(|field| field.value)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty());
        let mut body = vec![
            (fields::FIRSTNAME, draft.first_name.trim()),
            (fields::LASTNAME, draft.last_name.trim()),
            (fields::EMAIL, draft.email.trim()),
            (
                fields::TELEPHONE,
                draft.phone.as_deref().map(str::trim).unwrap_or(""),
            ),
            (fields::FAX, fax.as_str()),
        ];
        if let Some(newsletter) = newsletter.as_deref() {
            body.push((fields::NEWSLETTER, newsletter));
        }
        let answer: wire::EditAnswer = self.post(routes::EDIT, &body).await?;
        match answer.status {
            Some(true) => self.account().await,
            _ => Err(edit_refusal(answer)),
        }
    }

    async fn register(&self, account: &NewAccount) -> ShopResult<()> {
        super::register::register(&self.http, &self.base, self.api_key.as_ref(), account).await
    }

    async fn orders(&self, page: &PageRequest) -> ShopResult<Page<OrderSummary>> {
        // The history cannot be filtered or searched at the shop.
        if page.filter != Default::default() {
            return Err(ShopError::Unsupported(Feature::OrderSearch));
        }
        self.history(page.offset, page.limit).await
    }

    async fn products(&self, query: &ProductQuery) -> ShopResult<Vec<Product>> {
        self.lookup_products(query).await
    }

    async fn place_order(&self, order: &NewOrder) -> ShopResult<PlacedOrder> {
        self.checkout(order).await
    }
}

/// What one history answer gives for a wanted window.
enum Window {
    Page(Page<OrderSummary>),
    /// The shop pages by this size, not the one asked for: ask again.
    PageSize(u64),
}

/// Cuts `[offset, offset + limit)` out of the history page the shop served, having asked for
/// page `asked_page` of `asked_size` orders.
fn history_window(
    answer: wire::HistoryAnswer,
    offset: u64,
    limit: u32,
    asked_page: u64,
    asked_size: u64,
) -> ShopResult<Window> {
    let total = answer.total_orders;
    let served_size = answer.limit.filter(|size| *size > 0).unwrap_or(asked_size);
    // Without `page` the shop had no orders to page through: what it sent is its first page.
    let served_page = answer.page.filter(|page| *page > 0).unwrap_or(1);
    let start = (served_page - 1).saturating_mul(served_size);
    let count = answer.orders.len() as u64;
    let beyond_the_end = total.is_some_and(|total| offset >= total);
    let served = (start..start.saturating_add(count)).contains(&offset);
    if served || beyond_the_end || (count == 0 && total.is_none()) {
        let items = if served {
            answer
                .orders
                .into_iter()
                .skip(usize::try_from(offset - start).unwrap_or(usize::MAX))
                .take(limit as usize)
                .map(summary_from)
                .collect::<ShopResult<Vec<_>>>()?
        } else {
            Vec::new()
        };
        let end = offset + items.len() as u64;
        return Ok(Window::Page(Page {
            has_more: match total {
                Some(total) => end < total,
                None => !items.is_empty() && items.len() == limit as usize,
            },
            items,
            offset,
            total,
        }));
    }
    if served_size != asked_size {
        return Ok(Window::PageSize(served_size));
    }
    // Stock AbanteCart since 1.2.9 reads `page` only if PHP sees an integer, which a form field
    // never is: it serves its first page whatever is asked.
    Err(ShopError::Protocol(format!(
        "asked for page {asked_page} of the order history, the shop answered page {served_page}: \
         its API shows only the newest {served_size} of {} orders",
        total.map_or_else(|| "the".to_owned(), |total| total.to_string())
    )))
}

fn summary_from(order: wire::HistoryOrder) -> ShopResult<OrderSummary> {
    let number = order
        .order_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| ShopError::Protocol("an order of the history has no order_id".into()))?
        .to_owned();
    let date = unescape(order.date_added);
    let placed_at = shop_date(&date)
        .ok_or_else(|| {
            ShopError::Protocol(format!(
                "order {number}: {date:?} is not a date shopterm reads"
            ))
        })?
        .midnight()
        .assume_utc();
    let total_text = unescape(order.total);
    let total = shop_money(&total_text).ok_or_else(|| {
        ShopError::Protocol(format!(
            "order {number}: the total {total_text:?} does not say its currency unambiguously"
        ))
    })?;
    let status_label = unescape(order.status);
    Ok(OrderSummary {
        number: OrderNumber(number),
        placed_at,
        status: order_status(&status_label),
        status_label,
        // The history tells nothing about payment.
        payment_status: PaymentStatus::Other,
        payment_label: String::new(),
        // AbanteCart counts the order's lines, the one count it gives.
        item_count: order
            .products
            .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)),
        total,
    })
}

/// AbanteCart's stock status names (English pack) in shopterm's terms; others are `Other`, shown
/// by their label.
pub fn order_status(label: &str) -> OrderStatus {
    match label.trim().to_lowercase().as_str() {
        "pending" => OrderStatus::Pending,
        "processing" => OrderStatus::Processing,
        "partially shipped" => OrderStatus::PartiallyShipped,
        "shipped" => OrderStatus::Shipped,
        "complete" | "completed" | "delivered" => OrderStatus::Delivered,
        "canceled"
        | "cancelled"
        | "canceled by customer"
        | "denied"
        | "failed"
        | "voided"
        | "expired" => OrderStatus::Cancelled,
        "refunded" | "reversed" | "chargeback" => OrderStatus::Refunded,
        _ => OrderStatus::Other,
    }
}

/// A `date_format_short` date: `m/d/Y` (the English pack), `d/m/Y` when the first number cannot
/// be a month, `d.m.Y` and `d-m-Y` (European packs), or `Y-m-d`. The shop's time zone is not
/// said, so only the day is kept.
pub fn shop_date(text: &str) -> Option<time::Date> {
    let text = text.trim();
    let separator = text.chars().find(|c| !c.is_ascii_digit())?;
    let parts: Vec<&str> = text.split(separator).collect();
    let [a, b, c] = parts[..] else {
        return None;
    };
    if ![a, b, c]
        .iter()
        .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let number = |part: &str| part.parse::<u32>().ok();
    let (year, month, day) = if a.len() == 4 {
        (number(a)?, number(b)?, number(c)?)
    } else if c.len() == 4 {
        let (a, b) = (number(a)?, number(b)?);
        match separator {
            '/' if a > 12 => (number(c)?, b, a),
            '/' => (number(c)?, a, b),
            '.' | '-' => (number(c)?, b, a),
            _ => return None,
        }
    } else {
        return None;
    };
    let month = time::Month::try_from(u8::try_from(month).ok()?).ok()?;
    time::Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()
}

/// The telephone of the account form, as typed.
fn phone_of(form: &wire::EditFields) -> Option<String> {
    Some(unescape(
        form.telephone.as_ref().and_then(|f| f.value.clone()),
    ))
    .filter(|phone| !phone.is_empty())
}

/// What AbanteCart 1.4.4 does not check before saving the account (a real shop saved a blank
/// first name and a malformed e-mail; it checks only the telephone), checked here with the
/// texts of the shops that do.
fn local_edit_problems(draft: &AccountDraft) -> ShopResult<()> {
    let mut errors = Vec::new();
    let length = |text: &str| text.trim().chars().count();
    if !(1..=32).contains(&length(&draft.first_name)) {
        errors.push(("first_name", messages::FIRSTNAME_ERROR));
    }
    if !(1..=32).contains(&length(&draft.last_name)) {
        errors.push(("last_name", messages::LASTNAME_ERROR));
    }
    let email = draft.email.trim();
    let plausible = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    });
    if !plausible || email.chars().any(char::is_whitespace) {
        errors.push(("email", messages::EMAIL_ERROR));
    }
    if errors.is_empty() {
        return Ok(());
    }
    Err(ShopError::Validation {
        message: messages::DATA_ENTRY_ERROR.to_owned(),
        fields: errors
            .into_iter()
            .map(|(field, message)| FieldError {
                field: field.to_owned(),
                message: message.to_owned(),
            })
            .collect(),
    })
}

/// shopterm's name for a field of AbanteCart's account form.
fn field_name(abantecart: &str) -> &str {
    match abantecart {
        "firstname" => "first_name",
        "lastname" => "last_name",
        "telephone" => "phone",
        other => other,
    }
}

/// A refused `a/account/edit` save: its `error_*` texts (and any field's own `error`) per field.
fn edit_refusal(answer: wire::EditAnswer) -> ShopError {
    let mut errors: Vec<FieldError> = Vec::new();
    let mut add = |field: &str, message: Option<String>| {
        let message = unescape(message);
        let field = field_name(field);
        if !message.is_empty() && !errors.iter().any(|e| e.field == field) {
            errors.push(FieldError {
                field: field.to_owned(),
                message,
            });
        }
    };
    add("firstname", answer.error_firstname.flatten());
    add("lastname", answer.error_lastname.flatten());
    add("email", answer.error_email.flatten());
    add("telephone", answer.error_telephone.flatten());
    if let Some(form) = answer.fields {
        for (name, field) in [
            ("firstname", form.firstname),
            ("lastname", form.lastname),
            ("email", form.email),
            ("telephone", form.telephone),
            ("fax", form.fax),
            ("newsletter", form.newsletter),
        ] {
            add(name, field.and_then(|field| field.error.flatten()));
        }
    }
    let warning = unescape(answer.error_warning.flatten());
    let message = if !warning.is_empty() {
        warning
    } else if errors.is_empty() {
        "the shop did not save the account".to_owned()
    } else {
        "the shop did not accept the account details".to_owned()
    };
    ShopError::Validation {
        message,
        fields: errors,
    }
}

/// `{shop}/index.php?rt={route}`: the API's one address. The shop URL must be HTTPS unless it is
/// on loopback.
pub fn api_url(shop_url: &Url, route: &str) -> Result<Url, AuthError> {
    let is_script = shop_url
        .path_segments()
        .and_then(|mut segments| segments.next_back())
        .is_some_and(|last| last.eq_ignore_ascii_case("index.php"));
    let mut url = if is_script {
        crate::net::require_secure(shop_url)?;
        shop_url.clone()
    } else {
        password::endpoint(shop_url, &["index.php"])?
    };
    url.set_fragment(None);
    url.set_query(Some(&format!("rt={route}")));
    Ok(url)
}

fn account_from(answer: wire::AccountAnswer) -> ShopResult<Account> {
    let id = answer
        .customer_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty() && *id != "0")
        .ok_or_else(|| ShopError::Protocol("the account answer has no customer id".into()))?;
    Ok(Account {
        id: CustomerId(id.to_owned()),
        email: unescape(answer.email),
        first_name: unescape(answer.firstname),
        last_name: unescape(answer.lastname),
        // `a/account/account` does not give the telephone (only `a/account/edit` does).
        phone: None,
        company: None,
        company_id: None,
        vat_id: None,
        created_at: None,
    })
}

/// The shop's text as typed: AbanteCart stores (and answers) what customers typed with
/// `htmlspecialchars` applied, `&` as `&amp;`.
pub fn unescape(text: Option<String>) -> String {
    text.map(|text| html_escape::decode_html_entities(text.trim()).into_owned())
        .unwrap_or_default()
}

/// The error text of an AbanteCart answer body, if it has one.
fn error_message(body: &[u8]) -> Option<String> {
    serde_json::from_slice::<wire::StatusAnswer>(body)
        .ok()
        .and_then(|answer| answer.error_message().map(str::to_owned))
}

/// AbanteCart ends an idle session (`config_session_ttl`) by redirecting the request to its own
/// address (without `token`): a redirect to the same script means the session is over. Another
/// redirect (to https, to another host) is an error to show; `None` for an answer that is not a
/// redirect.
fn redirect_of(response: &reqwest::Response) -> Option<Result<(), String>> {
    if !response.status().is_redirection() {
        return None;
    }
    let to = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|location| response.url().join(location).ok());
    Some(match to {
        // Back to the very request: a loop, not the way to a sign-in page.
        Some(to) if to == *response.url() => Err(format!(
            "HTTP {} back to the same address (a redirect loop)",
            response.status().as_u16()
        )),
        Some(to)
            if to.origin() == response.url().origin() && to.path() == response.url().path() =>
        {
            Ok(())
        }
        // Only where it went: the query is the shop's business.
        Some(to) => Err(format!(
            "HTTP {} to {}{}",
            response.status().as_u16(),
            to.origin().ascii_serialization(),
            to.path()
        )),
        None => Err(format!("HTTP {}", response.status().as_u16())),
    })
}

/// Maps an AbanteCart error answer for `route` to a `ShopError`.
async fn error_from_response(response: reqwest::Response, route: &str) -> ShopError {
    if let Some(redirect) = redirect_of(&response) {
        return match redirect {
            Ok(()) => ShopError::SessionExpired,
            Err(where_to) => ShopError::Protocol(format!(
                "the shop redirected the request ({where_to}); is the shop URL right?"
            )),
        };
    }
    let status = response.status();
    let retry_after = retry_after_of(&response);
    let body = response.bytes().await.unwrap_or_default();
    shop_error(status, error_message(&body).as_deref(), route, retry_after)
}

/// A successful answer as `T`; the empty body of AbanteCart 1.4.4's unknown route is
/// [`ShopError::NotFound`].
async fn json_answer<T: serde::de::DeserializeOwned>(
    response: reqwest::Response,
    route: &str,
) -> ShopResult<T> {
    let bytes = response
        .bytes()
        .await
        .map_err(crate::platforms::common::network_error)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(no_route(route));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| ShopError::Protocol(format!("unexpected answer to {route}: {e}")))
}

fn no_route(route: &str) -> ShopError {
    ShopError::NotFound(format!("the shop's API has no route {route}"))
}

/// What an error status and AbanteCart's error text mean. AbanteCart answers 401 for far more
/// than an ended session: an unknown route and a switched-off API are 401 too, told apart by
/// their text.
pub fn shop_error(
    status: StatusCode,
    message: Option<&str>,
    route: &str,
    retry_after: Option<std::time::Duration>,
) -> ShopError {
    let detail = || {
        message
            .map(str::to_owned)
            .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned())
    };
    match (status, message) {
        (StatusCode::UNAUTHORIZED, Some(messages::ROUTE_NOT_FOUND)) => {
            ShopError::NotFound(format!(
                "the shop's API has no route {route} (AbanteCart: {})",
                messages::ROUTE_NOT_FOUND
            ))
        }
        (StatusCode::UNAUTHORIZED, Some(messages::API_DISABLED)) => ShopError::Forbidden(
            "the shop's storefront API is switched off, or it requires an API key".into(),
        ),
        (StatusCode::UNAUTHORIZED, _) => ShopError::SessionExpired,
        (StatusCode::FORBIDDEN, _) => ShopError::Forbidden(detail()),
        (StatusCode::NOT_FOUND, _) => ShopError::NotFound(detail()),
        (StatusCode::TOO_MANY_REQUESTS, _) => ShopError::RateLimited { retry_after },
        (status, _) if status.is_server_error() => ShopError::Server {
            status: status.as_u16(),
            message: detail(),
        },
        (status, _) => ShopError::Protocol(format!("HTTP {}: {}", status.as_u16(), detail())),
    }
}

#[path = "sign_in.rs"]
mod sign_in;
pub use sign_in::AbanteCartSignIn;

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
