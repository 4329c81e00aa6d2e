//! The limits a Shoptet shop keeps, in front of every handler: the token and content type, 3
//! connections at once per token, the leaky bucket, and the write lock of a URL.

use super::*;

/// Token, content type and the limits, before any handler; the bucket's filling after it.
pub(super) async fn guard(limits: Arc<Limits>, request: Request, next: Next) -> Response {
    if let Some(refused) = refuse_unauthorised(request.headers()) {
        return refused;
    }
    let filling = match take_from_bucket(&limits) {
        Ok(filling) => filling,
        Err(refused) => return *refused,
    };
    let in_flight = limits.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    let _leave = InFlight(&limits);
    if in_flight > CONNECTIONS_PER_TOKEN {
        // nginx's `limit_conn per_token 3`, which says no more than the status.
        limits.refused_too_many.fetch_add(1, Ordering::SeqCst);
        return with_filling(StatusCode::TOO_MANY_REQUESTS.into_response(), &filling);
    }
    limits.most_in_flight.fetch_max(in_flight, Ordering::SeqCst);
    let write_key = (request.method() != Method::GET)
        .then(|| format!("{} {}", request.method(), request.uri()));
    if let Some(key) = &write_key {
        let mut writes = limits.writes.lock().unwrap_or_else(|e| e.into_inner());
        writes.retain(|_, started| started.elapsed() < LOCK_LONGEST);
        if writes.contains_key(key) {
            limits.refused_locked.fetch_add(1, Ordering::SeqCst);
            drop(writes);
            let locked = one_failure(
                StatusCode::LOCKED,
                "locked",
                "The same request is being processed. Try again later.",
                "unknown",
            );
            return with_filling(locked, &filling);
        }
        writes.insert(key.clone(), Instant::now());
    }
    let response = next.run(request).await;
    if let Some(key) = &write_key {
        limits
            .writes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
    with_filling(response, &filling)
}

pub(super) struct InFlight<'a>(&'a Limits);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

pub(super) fn with_filling(mut response: Response, filling: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(filling) {
        response
            .headers_mut()
            .insert(wire::BUCKET_FILLING_HEADER, value);
    }
    response
}

pub(super) fn refuse_unauthorised(headers: &HeaderMap) -> Option<Response> {
    let token = headers
        .get(wire::PRIVATE_TOKEN_HEADER)
        .or_else(|| headers.get(wire::ACCESS_TOKEN_HEADER))
        .and_then(|v| v.to_str().ok());
    match token {
        None => Some(one_failure(
            StatusCode::UNAUTHORIZED,
            "missing-access-token",
            "Missing access token. Please add `Shoptet-Access-Token` header to your request.",
            "unknown",
        )),
        Some(token) if token != DEMO_TOKEN => Some(one_failure(
            StatusCode::UNAUTHORIZED,
            "invalid-token",
            "Invalid access token.",
            "access-token",
        )),
        Some(_) => {
            let content_type = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            // Shoptet documents no answer for a missing version; the emulator refuses it plainly.
            (!content_type.starts_with(wire::CONTENT_TYPE)).then(|| {
                one_failure(
                    StatusCode::BAD_REQUEST,
                    "invalid-content-type",
                    format!("Send the header Content-Type: {}", wire::CONTENT_TYPE),
                    "content-type",
                )
            })
        }
    }
}

/// Counts the request in the bucket; a full bucket is a 429 with the date it has room again.
pub(super) fn take_from_bucket(limits: &Limits) -> Result<String, Box<Response>> {
    let mut bucket = limits.bucket.lock().unwrap_or_else(|e| e.into_inner());
    let now = Instant::now();
    let level = match *bucket {
        Some((level, at)) => {
            (level - now.duration_since(at).as_secs_f64() * DRAINED_PER_SECOND).max(0.0)
        }
        None => 0.0,
    };
    if level + 1.0 > BUCKET_CAPACITY {
        *bucket = Some((level, now));
        limits.refused_too_many.fetch_add(1, Ordering::SeqCst);
        let wait = (level + 1.0 - BUCKET_CAPACITY) / DRAINED_PER_SECOND;
        // An HTTP date has whole seconds: round up, so the date is never too early.
        let at = SystemTime::now() + Duration::from_secs(wait.ceil() as u64 + 1);
        let filling = format!("{BUCKET_CAPACITY:.0}/{BUCKET_CAPACITY:.0}");
        let mut refused = one_failure(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limit-exceeded",
            "Too many requests.",
            "unknown",
        );
        if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(at)) {
            refused.headers_mut().insert(header::RETRY_AFTER, date);
        }
        return Err(Box::new(with_filling(refused, &filling)));
    }
    *bucket = Some((level + 1.0, now));
    Ok(format!("{:.0}/{BUCKET_CAPACITY:.0}", (level + 1.0).ceil()))
}
