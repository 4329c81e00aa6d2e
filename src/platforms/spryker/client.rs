//! `Shop` over Spryker's Glue storefront API (resources mapped in `mapping.rs`, sign-in in `sign_in.rs`).
//!
//! Sign-in is `POST /access-tokens` with the customer's e-mail and password; the answer holds a
//! bearer access token (8 h on a stock shop), a refresh token, and their lifetimes. Tokens are
//! renewed at `POST /refresh-tokens` and ended with `DELETE /refresh-tokens/{refreshToken}`.
//!
//! The customer resources hang off the customer reference (`DE--25`), which `GET /customers`
//! tells: the connector reads it for each operation rather than caching it, so a new sign-in as
//! someone else can never write to the previous customer's resources.
//!
//! What Glue does not have, the connector does not pretend: orders carry no status (it is derived
//! from the items' state-machine states where the shop sends them), no item count in the list, no
//! brand on lines, no tracking numbers on shipments, and the history cannot be filtered or
//! searched (no `OrderSearch`).

use super::journal::SendJournal;
use super::mapping::{
    account_from, address_from, address_request, check_region, order_detail_from,
    order_summary_from, required_id,
};
use super::wire::{self, codes};
use crate::auth::TokenSource;
use crate::auth::password;
use crate::model::*;
use crate::platforms::common::{
    network_error, parse_json, retry_after_of, send_anonymous, send_with_token,
};
use crate::shop::{
    Feature, FieldError, Identity, NewAccount, PasswordChange, PasswordReset, Shop, ShopError,
    ShopResult,
};
use async_trait::async_trait;
use reqwest::{Method, StatusCode, header};
use secrecy::ExposeSecret;
use std::sync::Arc;
use url::Url;

pub struct SprykerShop {
    base: Url,
    http: reqwest::Client,
    tokens: Arc<dyn TokenSource>,
    /// Carts being turned into orders, by the draft's idempotency key (see `ordering.rs`).
    journal: SendJournal,
}

impl SprykerShop {
    /// `base` is the Glue API's root (`https://glue.shop.example`).
    pub fn new(base: Url, http: reqwest::Client, tokens: Arc<dyn TokenSource>) -> SprykerShop {
        SprykerShop {
            base,
            http,
            tokens,
            journal: SendJournal::in_memory(),
        }
    }

    /// Keeps the checkouts in flight in `journal` (on disk: they outlive the process).
    pub fn with_send_journal(mut self, journal: SendJournal) -> SprykerShop {
        self.journal = journal;
        self
    }

    pub(super) fn journal(&self) -> &SendJournal {
        &self.journal
    }

    pub(super) fn url(&self, segments: &[&str]) -> ShopResult<Url> {
        password::endpoint(&self.base, segments).map_err(|e| ShopError::Protocol(e.to_string()))
    }

    /// Sends with the bearer token (renewed once on a 401); error answers become `ShopError`s,
    /// with Glue's attribute names in field errors turned into shopterm's by `names`.
    pub(super) async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<&serde_json::Value>,
        names: &'static [(&'static str, &'static str)],
    ) -> ShopResult<reqwest::Response> {
        send_with_token(
            &*self.tokens,
            |token| {
                let mut request = self
                    .http
                    .request(method.clone(), url.clone())
                    .header(header::ACCEPT, wire::MEDIA_TYPE)
                    .bearer_auth(token.expose_secret());
                if let Some(body) = body {
                    request = request.json(body);
                }
                request
            },
            |response| error_from_response(response, names),
        )
        .await
    }

    pub(super) async fn get<T: serde::de::DeserializeOwned>(
        &self,
        segments: &[&str],
    ) -> ShopResult<T> {
        let url = self.url(segments)?;
        parse_json(self.send(Method::GET, url, None, &[]).await?).await
    }

    /// A JSON:API write (`{"data": {"type", "attributes"}}`) with the bearer token.
    pub(super) async fn write<A: serde::Serialize>(
        &self,
        method: Method,
        url: Url,
        kind: &str,
        attributes: &A,
        names: &'static [(&'static str, &'static str)],
    ) -> ShopResult<reqwest::Response> {
        let body = serde_json::to_value(wire::Request::new(kind, attributes))
            .map_err(|e| ShopError::Protocol(e.to_string()))?;
        self.send(method, url, Some(&body), names).await
    }

    /// A write that needs no sign-in (sign-up, forgotten and restored passwords), sent through
    /// `platforms::common` (once, the answer read within its size cap). The restore URL holds
    /// the key, so network errors leave the URL out.
    async fn write_anonymous<A: serde::Serialize>(
        &self,
        method: Method,
        url: Url,
        kind: &str,
        attributes: &A,
        names: &'static [(&'static str, &'static str)],
    ) -> ShopResult<()> {
        let request = self
            .http
            .request(method, url.clone())
            .header(header::ACCEPT, wire::MEDIA_TYPE)
            .json(&wire::Request::new(kind, attributes));
        let response = send_anonymous(request, |response| error_from_response(response, names))
            .await
            .map_err(|error| match error {
                ShopError::Network(message) => {
                    ShopError::Network(message.replace(url.as_str(), "the shop"))
                }
                other => other,
            })?;
        glue_success(response).await
    }

    /// The signed-in customer as `GET /customers` answers it (a collection of one).
    pub(super) async fn customer(&self) -> ShopResult<(String, wire::CustomerAttributes)> {
        let customers: wire::Collection<wire::CustomerAttributes> =
            self.get(&["customers"]).await?;
        let customer = customers.data.into_iter().next().ok_or_else(|| {
            ShopError::Protocol("the shop listed no customer for this sign-in".into())
        })?;
        let reference = required_id(customer.id, "a customer without a reference")?;
        Ok((reference, customer.attributes))
    }

    async fn address_attributes(
        &self,
        reference: &str,
        id: &AddressId,
    ) -> ShopResult<wire::AddressAttributes> {
        let document: wire::Document<wire::AddressAttributes> = self
            .get(&["customers", reference, "addresses", id.as_str()])
            .await?;
        Ok(document.data.attributes)
    }
}

/// How many product lookups are sent at once (Glue has no lookup of several SKUs).
const PRODUCT_LOOKUPS_AT_ONCE: usize = 6;

/// Glue's customer attributes → shopterm's field names (validation answers).
const CUSTOMER_FIELDS: &[(&str, &str)] = &[
    ("firstName", "first_name"),
    ("lastName", "last_name"),
    ("email", "email"),
];

/// Glue's address attributes → `PostalAddress` field names.
const ADDRESS_FIELDS: &[(&str, &str)] = &[
    ("firstName", "first_name"),
    ("lastName", "last_name"),
    ("company", "company"),
    ("address1", "line1"),
    ("address2", "line2"),
    ("address3", "line2"),
    ("zipCode", "postcode"),
    ("city", "city"),
    ("iso2Code", "country"),
    ("phone", "phone"),
    ("salutation", "salutation"),
];

/// `PATCH /customer-password`: `password` is the current one there.
const CHANGE_PASSWORD_FIELDS: &[(&str, &str)] = &[
    ("password", "current_password"),
    ("newPassword", "new_password"),
    ("confirmPassword", "new_password"),
];

/// `PATCH /customer-restore-password`: `password` is the new one there.
const RESTORE_PASSWORD_FIELDS: &[(&str, &str)] = &[
    ("restorePasswordKey", "key"),
    ("password", "new_password"),
    ("confirmPassword", "new_password"),
];

const EMAIL_FIELDS: &[(&str, &str)] = &[("email", "email")];

/// `POST /customers`: Glue's sign-up attributes → `NewAccount`'s field names.
const SIGN_UP_FIELDS: &[(&str, &str)] = &[
    ("firstName", "first_name"),
    ("lastName", "last_name"),
    ("email", "email"),
    ("password", "password"),
    ("confirmPassword", "password"),
    ("salutation", "salutation"),
    ("gender", "salutation"),
    ("acceptedTerms", "accepted_terms"),
];

/// Glue's gender for a salutation that implies one; none for the others (Dr, n/a).
fn gender_of(salutation: &str) -> Option<&'static str> {
    match salutation {
        "Mr" => Some("Male"),
        "Mrs" | "Ms" => Some("Female"),
        _ => None,
    }
}

/// The salutation for an address write when neither the address nor the customer has one: Glue
/// requires the attribute; a shop that refuses this value names `salutation` in its answer.
pub(super) const DEFAULT_SALUTATION: &str = "n/a";

/// What the customer sees after asking for a reset e-mail (Glue answers 204 either way).
const RESET_REQUESTED: &str = "If an account exists for this e-mail address, the shop has sent \
     an e-mail with a link to choose a new password.";

#[async_trait]
impl Shop for SprykerShop {
    fn identity(&self) -> &Identity {
        super::PLATFORM.id.identity()
    }

    async fn account(&self) -> ShopResult<Account> {
        let (reference, attributes) = self.customer().await?;
        Ok(account_from(reference, attributes))
    }

    async fn update_account(&self, draft: &AccountDraft) -> ShopResult<Account> {
        // Glue's customer has no phone or company: refuse them rather than drop them silently.
        let mut refused = Vec::new();
        for (field, value) in [("phone", &draft.phone), ("company", &draft.company)] {
            if value.as_deref().is_some_and(|v| !v.trim().is_empty()) {
                refused.push(FieldError {
                    field: field.into(),
                    message: "is not kept by this shop".into(),
                });
            }
        }
        if !refused.is_empty() {
            return Err(ShopError::validation(refused));
        }
        let (reference, current) = self.customer().await?;
        // Salutation and gender go along unchanged: the specification lists them for the edit.
        let update = wire::CustomerUpdate {
            first_name: Some(draft.first_name.trim().to_owned()),
            last_name: Some(draft.last_name.trim().to_owned()),
            email: Some(draft.email.trim().to_owned()),
            salutation: current.salutation,
            gender: current.gender,
        };
        let url = self.url(&["customers", &reference])?;
        let response = self
            .write(Method::PATCH, url, "customers", &update, CUSTOMER_FIELDS)
            .await?;
        let document: wire::Document<wire::CustomerAttributes> = parse_json(response).await?;
        let reference = document.data.id.unwrap_or(reference);
        Ok(account_from(reference, document.data.attributes))
    }

    async fn addresses(&self) -> ShopResult<Vec<Address>> {
        let (reference, _) = self.customer().await?;
        let book: wire::Collection<wire::AddressAttributes> =
            self.get(&["customers", &reference, "addresses"]).await?;
        book.data.into_iter().map(address_from).collect()
    }

    async fn create_address(&self, draft: &PostalAddress) -> ShopResult<Address> {
        check_region(draft)?;
        let (reference, customer) = self.customer().await?;
        let attributes = address_request(draft, customer.salutation);
        let url = self.url(&["customers", &reference, "addresses"])?;
        let response = self
            .write(Method::POST, url, "addresses", &attributes, ADDRESS_FIELDS)
            .await?;
        let document: wire::Document<wire::AddressAttributes> = parse_json(response).await?;
        address_from(document.data)
    }

    async fn update_address(&self, id: &AddressId, draft: &PostalAddress) -> ShopResult<Address> {
        check_region(draft)?;
        let (reference, customer) = self.customer().await?;
        // The address keeps its salutation (shopterm has no field for it).
        let current = self.address_attributes(&reference, id).await?;
        let attributes = address_request(draft, current.salutation.or(customer.salutation));
        let url = self.url(&["customers", &reference, "addresses", id.as_str()])?;
        let response = self
            .write(Method::PATCH, url, "addresses", &attributes, ADDRESS_FIELDS)
            .await?;
        let document: wire::Document<wire::AddressAttributes> = parse_json(response).await?;
        address_from(document.data)
    }

    async fn delete_address(&self, id: &AddressId) -> ShopResult<()> {
        let (reference, _) = self.customer().await?;
        let url = self.url(&["customers", &reference, "addresses", id.as_str()])?;
        self.send(Method::DELETE, url, None, &[]).await?;
        Ok(())
    }

    async fn set_default_address(
        &self,
        id: &AddressId,
        role: AddressRole,
    ) -> ShopResult<Vec<Address>> {
        let (reference, customer) = self.customer().await?;
        // The address as it is, with the one flag set: Glue's PATCH carries the whole address.
        let mut attributes = self.address_attributes(&reference, id).await?;
        if attributes.salutation.is_none() {
            attributes.salutation = Some(
                customer
                    .salutation
                    .unwrap_or_else(|| DEFAULT_SALUTATION.into()),
            );
        }
        attributes.address2.get_or_insert_with(String::new);
        // Read-only in the request schema.
        attributes.country = None;
        match role {
            AddressRole::Shipping => {
                attributes.is_default_shipping = Some(true);
                attributes.is_default_billing = None;
            }
            AddressRole::Billing => {
                attributes.is_default_billing = Some(true);
                attributes.is_default_shipping = None;
            }
        }
        let url = self.url(&["customers", &reference, "addresses", id.as_str()])?;
        self.write(Method::PATCH, url, "addresses", &attributes, ADDRESS_FIELDS)
            .await?;
        self.addresses().await
    }

    async fn orders(&self, page: &PageRequest) -> ShopResult<Page<OrderSummary>> {
        if page.filter != OrderFilter::default() {
            return Err(ShopError::Unsupported(Feature::OrderSearch));
        }
        let limit = page.limit.max(1);
        // `GET /orders` is what every Glue version has; the specification marks it deprecated in
        // favour of `/customers/{customerReference}/orders`, which older shops lack.
        let mut url = self.url(&["orders"])?;
        url.query_pairs_mut()
            .append_pair("page[offset]", &page.offset.to_string())
            .append_pair("page[limit]", &limit.to_string());
        let response = self.send(Method::GET, url, None, &[]).await?;
        let list: wire::Collection<wire::OrderAttributes> = parse_json(response).await?;
        let items = list
            .data
            .into_iter()
            .map(order_summary_from)
            .collect::<ShopResult<Vec<_>>>()?;
        // More follows while Glue links a next page; the total is known on the last page only.
        let has_more = list
            .links
            .as_ref()
            .and_then(|l| l.next.as_deref())
            .is_some_and(|next| !next.is_empty());
        let total = (!has_more).then(|| page.offset + items.len() as u64);
        Ok(Page {
            items,
            offset: page.offset,
            total,
            has_more,
        })
    }

    async fn order(&self, number: &OrderNumber) -> ShopResult<OrderDetail> {
        let mut url = self.url(&["orders", number.as_str()])?;
        url.query_pairs_mut()
            .append_pair("include", "order-shipments");
        let response = self.send(Method::GET, url, None, &[]).await?;
        let document: wire::OrderDocument = parse_json(response).await?;
        order_detail_from(document)
    }

    /// One `GET /concrete-products/{sku}` per code, a few at a time. Glue's SKUs are unique
    /// across brands, so a brand narrows nothing: its products have none (`brand` is empty).
    async fn products(&self, query: &ProductQuery) -> ShopResult<Vec<Product>> {
        let mut codes: Vec<&str> = Vec::new();
        for code in &query.codes {
            let code = code.as_str().trim();
            if !code.is_empty() && !codes.iter().any(|c| c.eq_ignore_ascii_case(code)) {
                codes.push(code);
            }
        }
        let mut products = Vec::new();
        for chunk in codes.chunks(PRODUCT_LOOKUPS_AT_ONCE) {
            let found = futures_util::future::try_join_all(
                chunk.iter().map(|code| self.concrete_product(code)),
            )
            .await?;
            products.extend(found.into_iter().flatten());
        }
        Ok(products)
    }

    async fn place_order(&self, order: &NewOrder) -> ShopResult<PlacedOrder> {
        self.order_through_cart(order, None).await
    }

    /// Glue's own reorder (`POST /cart-reorder`) makes the cart; the draft's lines then set it.
    async fn reorder(&self, source: &OrderNumber, order: &NewOrder) -> ShopResult<PlacedOrder> {
        self.order_through_cart(order, Some(source)).await
    }

    async fn shopping_lists(&self) -> ShopResult<Vec<ShoppingList>> {
        self.fetch_shopping_lists().await
    }

    async fn forget_draft(&self, idempotency_key: &str) {
        self.give_up_draft(idempotency_key).await;
    }

    async fn change_password(&self, change: &PasswordChange) -> ShopResult<()> {
        let (reference, _) = self.customer().await?;
        let request = wire::PasswordChangeRequest {
            password: change.current.expose_secret().to_owned(),
            new_password: change.new.expose_secret().to_owned(),
            confirm_password: change.new.expose_secret().to_owned(),
        };
        let url = self.url(&["customer-password", &reference])?;
        self.write(
            Method::PATCH,
            url,
            "customer-password",
            &request,
            CHANGE_PASSWORD_FIELDS,
        )
        .await?;
        Ok(())
    }

    async fn request_password_reset(&self, email: &str) -> ShopResult<String> {
        let request = wire::ForgottenPasswordRequest {
            email: email.trim().to_owned(),
        };
        let url = self.url(&["customer-forgotten-password"])?;
        self.write_anonymous(
            Method::POST,
            url,
            "customer-forgotten-password",
            &request,
            EMAIL_FIELDS,
        )
        .await?;
        Ok(RESET_REQUESTED.to_owned())
    }

    /// `POST /customers`. Sending it is accepting the shop's terms (`acceptedTerms`): the sign-up
    /// form and `shopterm register` say so before the customer sends. Glue's validation
    /// (customers-rest-api `customers.validation.yaml`) requires a gender, Male or Female, which
    /// is taken from the salutation: without Mr, Mrs or Ms nothing is sent.
    async fn register(&self, account: &NewAccount) -> ShopResult<()> {
        let salutation = account
            .salutation
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or(DEFAULT_SALUTATION);
        if gender_of(salutation).is_none() {
            return Err(ShopError::field(
                "salutation",
                "must be Mr, Mrs or Ms: this shop requires a gender (male or female), which \
                 shopterm takes from it",
            ));
        }
        let password = account.password.expose_secret().to_owned();
        let request = wire::CustomerCreate {
            first_name: account.first_name.trim().to_owned(),
            last_name: account.last_name.trim().to_owned(),
            salutation: salutation.to_owned(),
            gender: gender_of(salutation).map(str::to_owned),
            email: account.email.trim().to_owned(),
            confirm_password: password.clone(),
            password,
            accepted_terms: true,
        };
        let url = self.url(&["customers"])?;
        self.write_anonymous(Method::POST, url, "customers", &request, SIGN_UP_FIELDS)
            .await
    }

    /// `DELETE /customers/{reference}`: Glue anonymises the customer (204); the tokens then
    /// stop working, which the caller's sign-out takes care of.
    async fn delete_account(&self) -> ShopResult<()> {
        let (reference, _) = self.customer().await?;
        let url = self.url(&["customers", &reference])?;
        glue_success(self.send(Method::DELETE, url, None, &[]).await?).await
    }

    async fn reset_password(&self, reset: &PasswordReset) -> ShopResult<()> {
        let key = reset.key.expose_secret().trim();
        if key.is_empty() {
            return Err(ShopError::field("key", "is missing"));
        }
        let request = wire::RestorePasswordRequest {
            restore_password_key: key.to_owned(),
            password: reset.new_password.expose_secret().to_owned(),
            confirm_password: reset.new_password.expose_secret().to_owned(),
        };
        // Glue names the resource by the key (and reads the key from the body).
        let url = self.url(&["customer-restore-password", key])?;
        self.write_anonymous(
            Method::PATCH,
            url,
            "customer-restore-password",
            &request,
            RESTORE_PASSWORD_FIELDS,
        )
        .await
    }
}

/// A write's 2xx answer is Glue's: empty (204) or JSON. Anything else (a proxy's or a portal's
/// HTML page with a 200) does not say the shop did it, so it is not taken for success.
async fn glue_success(response: reqwest::Response) -> ShopResult<()> {
    let status = response.status();
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("no type")
        .to_owned();
    let body = response.bytes().await.map_err(network_error)?;
    let empty = body.iter().all(u8::is_ascii_whitespace);
    if empty
        || (kind.contains("json") && serde_json::from_slice::<serde_json::Value>(&body).is_ok())
    {
        Ok(())
    } else {
        Err(ShopError::Protocol(format!(
            "HTTP {status} with {} bytes of {} instead of Glue's JSON",
            body.len(),
            crate::sanitize::excerpt(&kind, 40)
        )))
    }
}

/// The first error of a Glue error body, if the body is one.
pub(super) async fn first_error(
    response: reqwest::Response,
) -> (StatusCode, Option<wire::ErrorItem>) {
    let status = response.status();
    let body = response.bytes().await.unwrap_or_default();
    let item = serde_json::from_slice::<wire::Errors>(&body)
        .ok()
        .and_then(|e| e.errors.into_iter().next());
    (status, item)
}

/// A Glue error body's items (none when the body is not one).
async fn all_errors(response: reqwest::Response) -> (StatusCode, Vec<wire::ErrorItem>) {
    let status = response.status();
    let body = response.bytes().await.unwrap_or_default();
    let items = serde_json::from_slice::<wire::Errors>(&body)
        .map(|e| e.errors)
        .unwrap_or_default();
    (status, items)
}

/// The field errors in Glue's error items: `attribute => message` details (901), and the codes
/// that stand for one field. `names` turns Glue's attribute names into shopterm's.
fn field_errors(items: &[wire::ErrorItem], names: &[(&str, &str)]) -> Vec<FieldError> {
    let rename = |attribute: &str| {
        names
            .iter()
            .find(|(glue, _)| *glue == attribute)
            .map(|(_, ours)| (*ours).to_owned())
            .unwrap_or_else(|| attribute.to_owned())
    };
    let mut fields: Vec<FieldError> = Vec::new();
    for item in items {
        let detail = item.detail.as_deref().unwrap_or_default();
        let field = match item.code.as_deref().unwrap_or_default() {
            codes::INVALID_PASSWORD => Some(("current_password".to_owned(), "is not correct")),
            codes::PASSWORDS_DO_NOT_MATCH => {
                Some(("new_password".to_owned(), "does not match its confirmation"))
            }
            codes::CUSTOMER_ALREADY_EXISTS => {
                Some(("email".to_owned(), "is already used by another account"))
            }
            codes::TERMS_NOT_ACCEPTED => Some((
                "accepted_terms".to_owned(),
                "must be accepted to create an account",
            )),
            codes::RESTORE_KEY_INVALID => {
                Some(("key".to_owned(), "is unknown, already used or expired"))
            }
            wire::cart_codes::REORDER_ORDER_NOT_FOUND => {
                Some(("source".to_owned(), "is not an order of this customer"))
            }
            wire::cart_codes::REORDER_QUOTE_NOT_PROVIDED => Some((
                super::ordering::NO_REORDER_STRATEGY.to_owned(),
                "is not one this shop has",
            )),
            _ => None,
        };
        let found = match field {
            Some((field, message)) => Some(FieldError {
                field,
                message: message.to_owned(),
            }),
            None => detail
                .split_once("=>")
                .map(|(attribute, message)| (attribute.trim(), message.trim()))
                .filter(|(attribute, _)| {
                    !attribute.is_empty() && attribute.chars().all(|c| c.is_ascii_alphanumeric())
                })
                .map(|(attribute, message)| FieldError {
                    field: rename(attribute),
                    message: message.to_owned(),
                })
                .or_else(|| {
                    detail
                        .to_ascii_lowercase()
                        .contains("email already exists")
                        .then(|| FieldError {
                            field: "email".into(),
                            message: "is already used by another account".into(),
                        })
                }),
        };
        if let Some(found) = found.filter(|f| !fields.contains(f)) {
            fields.push(found);
        }
    }
    fields
}

/// Maps a Glue error answer to a `ShopError`; `names` as for [`field_errors`].
async fn error_from_response(response: reqwest::Response, names: &[(&str, &str)]) -> ShopError {
    let retry_after = retry_after_of(&response);
    let (status, items) = all_errors(response).await;
    let code = items
        .first()
        .and_then(|i| i.code.clone())
        .unwrap_or_default();
    let details: Vec<&str> = items.iter().filter_map(|i| i.detail.as_deref()).collect();
    let detail = if details.is_empty() {
        status.canonical_reason().unwrap_or("error").to_owned()
    } else {
        details.join("; ")
    };
    match status {
        StatusCode::UNAUTHORIZED => ShopError::SessionExpired,
        StatusCode::FORBIDDEN if code == codes::MISSING_ACCESS_TOKEN => ShopError::NotSignedIn,
        StatusCode::FORBIDDEN => ShopError::Forbidden(detail),
        StatusCode::NOT_FOUND => ShopError::NotFound(detail),
        // A single-cart shop's "customer already has a cart": a state of the shop, not a field.
        StatusCode::UNPROCESSABLE_ENTITY if code == wire::cart_codes::CUSTOMER_ALREADY_HAS_CART => {
            ShopError::Conflict(detail)
        }
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => ShopError::Validation {
            fields: field_errors(&items, names),
            message: detail,
        },
        StatusCode::CONFLICT => ShopError::Conflict(detail),
        StatusCode::TOO_MANY_REQUESTS => ShopError::RateLimited { retry_after },
        status if status.is_server_error() => ShopError::Server {
            status: status.as_u16(),
            message: detail,
        },
        status => ShopError::Protocol(format!("HTTP {status}: {detail}")),
    }
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
