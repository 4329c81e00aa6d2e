//! One paced request to Shoptet's API and the error its answer stands for: the token header,
//! the vendor content type, retries (a read after a broken connection or a 5xx, any request
//! after a short 429, a write after 423), the answer read within a size cap, and `errors[]` as a
//! [`ShopError`] quoting at most a short, cleaned excerpt of what the shop said.

use super::{Api, LOCK_PAUSE, LOCKED_RETRIES};
use crate::model::FieldError;
use crate::net::MAX_BODY_BYTES;
use crate::platforms::common::{RETRY, is_temporary, network_error, read_capped};
use crate::platforms::shoptet::pacing::retry_after_delay;
use crate::platforms::shoptet::wire::{self, Envelope};
use crate::shop::{ShopError, ShopResult};
use reqwest::{Method, StatusCode};
use secrecy::ExposeSecret;
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

/// How every PDF file starts.
const PDF_MAGIC: &[u8] = b"%PDF-";

/// The most of a PDF's answer read (raw, or base64 in the envelope, a third larger): documents
/// with images pass the 8 MB of a JSON page, but no order or invoice comes near this.
const MAX_PDF_BYTES: usize = 32 * 1024 * 1024;

/// An error answer's `errors[]` are a few short lines; past this the rest is not read (and the
/// error is named by its status alone, its envelope being cut).
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// The most of the shop's own text one error message quotes.
const QUOTED_CHARS: usize = 160;

/// What an answer is expected to hold, for the cap on how much of it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BodyKind {
    /// A JSON page: the cap every connector keeps ([`MAX_BODY_BYTES`]).
    Json,
    /// A PDF document ([`MAX_PDF_BYTES`]).
    Pdf,
}

impl BodyKind {
    fn limit(self) -> usize {
        match self {
            BodyKind::Json => MAX_BODY_BYTES,
            BodyKind::Pdf => MAX_PDF_BYTES,
        }
    }
}

/// A successful answer, read whole (within its cap).
pub(super) struct Answer {
    is_json: bool,
    body: Vec<u8>,
}

/// One answer as it came: its status, the headers the retries need and as much of its body as
/// its cap allows.
struct Exchange {
    status: StatusCode,
    retry_after: Option<String>,
    is_json: bool,
    body: Vec<u8>,
    /// Whether `body` is all of it.
    complete: bool,
}

/// One path segment, percent-encoded (GUIDs and order codes can hold `/`, e.g. product `40/ZEL`).
pub(super) fn seg(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// `data` of a successful JSON answer. serde quotes the offending value in its message, which
/// may be megabytes of the shop's text: only an excerpt is kept.
fn data_of<T: DeserializeOwned>(bytes: &[u8]) -> ShopResult<T> {
    let envelope: Envelope<T> = serde_json::from_slice(bytes).map_err(|e| {
        ShopError::Protocol(format!(
            "unexpected answer from Shoptet: {}",
            crate::sanitize::excerpt(&e.to_string(), QUOTED_CHARS)
        ))
    })?;
    envelope
        .data
        .ok_or_else(|| ShopError::Protocol("Shoptet answered without data".into()))
}

fn too_large(kind: BodyKind) -> ShopError {
    ShopError::Protocol(format!(
        "the answer is larger than {} MB, more than shopterm reads",
        kind.limit() / (1024 * 1024)
    ))
}

impl Api {
    fn url(&self, path: &str, query: &[(&str, String)]) -> ShopResult<Url> {
        let mut url = self.base.clone();
        {
            let base_path = url.path().trim_end_matches('/').to_owned();
            url.set_path(&format!("{base_path}/{path}"));
        }
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        Ok(url)
    }

    pub(super) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> ShopResult<T> {
        self.send::<T, ()>(Method::GET, path, query, None).await
    }

    /// Sends one request, paced, and reads its `data`. Retried as [`Api::send_raw`] says; every
    /// other error answer becomes a `ShopError`.
    pub(super) async fn send<T: DeserializeOwned, B: Serialize>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&B>,
    ) -> ShopResult<T> {
        let answer = self
            .send_raw(method, path, query, body, BodyKind::Json)
            .await?;
        data_of(&answer.body)
    }

    /// A document's bytes: Shoptet answers a PDF as `application/octet-stream`; an answer in
    /// the JSON envelope instead carries it base64-encoded in `data`. Either way it must be a PDF.
    pub(super) async fn get_pdf(&self, path: &str) -> ShopResult<Vec<u8>> {
        let answer = self
            .send_raw::<()>(Method::GET, path, &[], None, BodyKind::Pdf)
            .await?;
        let pdf = if answer.is_json {
            let encoded: String = data_of(&answer.body)?;
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .map_err(|e| ShopError::Protocol(format!("the document is not base64: {e}")))?
        } else {
            answer.body
        };
        if !pdf.starts_with(PDF_MAGIC) {
            return Err(ShopError::Protocol(
                "Shoptet's answer is not a PDF document".into(),
            ));
        }
        Ok(pdf)
    }

    /// Like [`Api::send`] for answers whose `data` is null (deletions).
    pub(super) async fn send_no_data<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> ShopResult<()> {
        self.send_raw(method, path, &[], body, BodyKind::Json)
            .await
            .map(drop)
    }

    /// One request and the answer it ends with. Tried at most [`RETRY`]'s number of times: a
    /// read (GET) again after a broken connection or a 500/502/503/504 (after the shop's
    /// `Retry-After` or a doubling backoff); any request again after a 429 (the shop refused it
    /// unprocessed), once the bucket's pause is over. A `Retry-After` longer than
    /// [`RETRY`]'s longest wait (10 s) is not waited for: the request fails at once, saying how
    /// long the shop asks to wait. A time-out is not retried. A write the shop answers 423 (it is
    /// processing the same one) is sent again after the lock's pause.
    async fn send_raw<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&B>,
        kind: BodyKind,
    ) -> ShopResult<Answer> {
        let url = self.url(path, query)?;
        let body = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| ShopError::Protocol(format!("cannot write the request: {e}")))?;
        let is_write = method != Method::GET;
        // Shoptet makes PDFs one at a time per e-shop and answers 423 to a parallel download,
        // as it does to a repeated write: both are worth the same short wait.
        let retry_locked = is_write || path.ends_with("/pdf");
        let content_type = if body.is_some() {
            wire::JSON_CONTENT_TYPE
        } else {
            wire::CONTENT_TYPE
        };
        // Writes to one URL one at a time: the shop locks the URL while it processes one.
        let _write_lock = if is_write {
            Some(self.pacer.write_lock(url.as_str()).await)
        } else {
            None
        };
        let mut token_retried = false;
        let (mut tries, mut locked) = (1, 0);
        loop {
            let token = self.tokens.bearer().await?;
            let exchanged = {
                let _admission = self.pacer.admit().await;
                let mut request = self
                    .http
                    .request(method.clone(), url.clone())
                    .header(self.kind.header(), token.expose_secret())
                    .header(reqwest::header::CONTENT_TYPE, content_type);
                if let Some(body) = &body {
                    request = request.body(body.clone());
                }
                self.exchange(request, kind).await
            };
            let answer = match exchanged {
                Ok(answer) => answer,
                // Broken before or while answering: worth another try for a read. A time-out
                // would only take as long again.
                Err(error) => match RETRY.wait_after(tries, None) {
                    Some(wait) if !is_write && !error.is_timeout() => {
                        tracing::debug!(tries, %error, "retrying a read");
                        tries += 1;
                        self.pacer.sleep(wait).await;
                        continue;
                    }
                    _ => return Err(network_error(error)),
                },
            };
            let status = answer.status;
            if status.is_success() {
                if !answer.complete {
                    return Err(too_large(kind));
                }
                return Ok(Answer {
                    is_json: answer.is_json,
                    body: answer.body,
                });
            }
            if status == StatusCode::TOO_MANY_REQUESTS {
                let wait = self
                    .pacer
                    .observe_retry_after(answer.retry_after.as_deref(), RETRY.longest_wait);
                if wait > RETRY.longest_wait {
                    return Err(ShopError::RateLimited {
                        retry_after: Some(wait),
                    });
                }
                if tries < RETRY.attempts {
                    tries += 1;
                    tracing::info!(
                        wait_ms = wait.as_millis() as u64,
                        "Shoptet asked to slow down"
                    );
                    continue;
                }
            }
            // (A 429 gets here only when its tries are used up: no further wait then.)
            if !is_write && is_temporary(status) {
                let asked = answer
                    .retry_after
                    .as_deref()
                    .and_then(|value| retry_after_delay(value, std::time::SystemTime::now()));
                if let Some(wait) = RETRY.wait_after(tries, asked) {
                    tracing::debug!(tries, %status, "retrying a read");
                    tries += 1;
                    self.pacer.sleep(wait).await;
                    continue;
                }
            }
            if status == StatusCode::LOCKED && retry_locked && locked < LOCKED_RETRIES {
                locked += 1;
                self.pacer.sleep(LOCK_PAUSE).await;
                continue;
            }
            let error = error_of(status, &answer.body, answer.retry_after);
            if error == ShopError::SessionExpired
                && !token_retried
                && self.tokens.token_rejected(&token).await
            {
                token_retried = true;
                continue;
            }
            return Err(error);
        }
    }

    /// Sends `request` and reads its answer: a successful one up to `kind`'s cap, an error
    /// answer's first [`MAX_ERROR_BODY_BYTES`]. The shop's bucket filling is noted on the way.
    async fn exchange(
        &self,
        request: reqwest::RequestBuilder,
        kind: BodyKind,
    ) -> Result<Exchange, reqwest::Error> {
        let mut response = request.send().await?;
        if let Some(filling) = header(&response, wire::BUCKET_FILLING_HEADER) {
            self.pacer.observe_filling(&filling);
        }
        let status = response.status();
        let retry_after = header(&response, reqwest::header::RETRY_AFTER.as_str());
        let is_json = header(&response, reqwest::header::CONTENT_TYPE.as_str())
            .is_some_and(|t| t.contains("json"));
        let limit = if status.is_success() {
            kind.limit()
        } else {
            MAX_ERROR_BODY_BYTES
        };
        let (body, complete) = read_capped(&mut response, limit).await?;
        Ok(Exchange {
            status,
            retry_after,
            is_json,
            body,
            complete,
        })
    }
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// The error an answer stands for, from its status and `errors[]`. Shop texts are cleaned of
/// control characters before they can reach a terminal.
pub(crate) fn error_of(status: StatusCode, body: &[u8], retry_after: Option<String>) -> ShopError {
    let errors = serde_json::from_slice::<Envelope<serde_json::Value>>(body)
        .ok()
        .and_then(|envelope| envelope.errors)
        .unwrap_or_default();
    let message = errors
        .iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let message = crate::sanitize::excerpt(&message, QUOTED_CHARS);
    let message = if message.is_empty() {
        status.canonical_reason().unwrap_or("error").to_owned()
    } else {
        message
    };
    let code = status.as_u16();
    match code {
        401 => ShopError::SessionExpired,
        403 => ShopError::Forbidden(message),
        404 => ShopError::NotFound(message),
        409 => ShopError::Conflict(message),
        423 => ShopError::Conflict(format!(
            "the same change is still being processed; try again in a few seconds ({message})"
        )),
        429 => ShopError::RateLimited {
            retry_after: retry_after
                .and_then(|value| retry_after_delay(&value, std::time::SystemTime::now())),
        },
        400 | 422 => validation_error(&errors, message),
        500..=599 => ShopError::Server {
            status: code,
            message,
        },
        _ => ShopError::Protocol(format!("HTTP {code}: {message}")),
    }
}

/// `invalid-request-data` at `data.zip` is an error of the form's postcode field; errors about
/// the whole request (`payload`) only have the message.
fn validation_error(errors: &[wire::ApiError], message: String) -> ShopError {
    // The external code is shopterm's idempotency key: refused means placed already.
    if errors
        .iter()
        .any(|e| e.error_code == wire::INVALID_REQUEST_DATA && e.instance == "data.externalCode")
    {
        return ShopError::Conflict(format!("this order was placed already ({message})"));
    }
    let fields = errors
        .iter()
        .filter(|e| e.error_code == wire::INVALID_REQUEST_DATA)
        .filter_map(|e| {
            let field = e.instance.strip_prefix("data.")?;
            Some(FieldError {
                field: domain_field(field).to_owned(),
                message: crate::sanitize::excerpt(&e.message, QUOTED_CHARS),
            })
        })
        .collect();
    ShopError::Validation { message, fields }
}

/// Shoptet's address and account field names as the domain model's.
fn domain_field(field: &str) -> &str {
    match field {
        "zip" => "postcode",
        "street" | "houseNumber" => "line1",
        "additional" => "line2",
        "countryCode" => "country",
        "regionName" => "region",
        "fullName" => "last_name",
        "company" | "billingAddress.company" => "company",
        "companyId" | "billingAddress.companyId" => "company_id",
        "vatId" | "billingAddress.vatId" => "vat_id",
        "city" => "city",
        "phone" => "phone",
        "email" => "email",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn invalid_request_data_at_a_field_is_that_fields_error() {
        let body = br#"{"data":null,"errors":[
            {"errorCode":"invalid-request-data","message":"Value is not a valid ZIP.","instance":"data.zip"},
            {"errorCode":"invalid-request-data","message":"Whole thing is odd.","instance":"payload"}]}"#;
        let ids = br#"{"data":null,"errors":[
            {"errorCode":"invalid-request-data","message":"Too long.","instance":"data.billingAddress.companyId"},
            {"errorCode":"invalid-request-data","message":"Not a VAT ID.","instance":"data.billingAddress.vatId"}]}"#;
        let ShopError::Validation { fields, .. } = error_of(StatusCode::BAD_REQUEST, ids, None)
        else {
            panic!("not a field error");
        };
        let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["company_id", "vat_id"]);
        match error_of(StatusCode::BAD_REQUEST, body, None) {
            ShopError::Validation { message, fields } => {
                assert!(message.contains("Value is not a valid ZIP."));
                assert_eq!(
                    fields,
                    vec![FieldError {
                        field: "postcode".into(),
                        message: "Value is not a valid ZIP.".into()
                    }]
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn statuses_map_to_the_errors_a_user_can_act_on() {
        let not_found = include_bytes!("../testdata/spec_order_copy_404.json");
        assert_eq!(
            error_of(StatusCode::NOT_FOUND, not_found, None),
            ShopError::NotFound("Order \"2018000012\" not found.".into())
        );
        assert_eq!(
            error_of(StatusCode::UNAUTHORIZED, b"{}", None),
            ShopError::SessionExpired
        );
        assert!(matches!(
            error_of(StatusCode::FORBIDDEN, include_bytes!("../testdata/spec_product_by_code_403.json"), None),
            ShopError::Forbidden(m) if m.contains("consumptionTax")
        ));
        assert!(matches!(
            error_of(StatusCode::LOCKED, b"", None),
            ShopError::Conflict(_)
        ));
        assert_eq!(
            error_of(StatusCode::TOO_MANY_REQUESTS, b"", Some("30".into())),
            ShopError::RateLimited {
                retry_after: Some(Duration::from_secs(30))
            }
        );
        assert!(matches!(
            error_of(
                StatusCode::INTERNAL_SERVER_ERROR,
                include_bytes!("../testdata/spec_order_pdf_500.json"),
                None
            ),
            ShopError::Server { status: 500, .. }
        ));
        // A control sequence in a shop's message never reaches the terminal.
        let hostile = br#"{"data":null,"errors":[{"errorCode":"x","message":"bad\u001b[2Jthing","instance":"i"}]}"#;
        let ShopError::Forbidden(message) = error_of(StatusCode::FORBIDDEN, hostile, None) else {
            panic!("not forbidden");
        };
        assert!(!message.contains('\u{1b}'));
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(seg("40/ZEL"), "40%2FZEL");
        assert_eq!(seg("a b"), "a%20b");
    }
}
