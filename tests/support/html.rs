//! Pages and forms as a browser sees them: an HTTP answer (status, `Location`, body), the forms
//! of an HTML page (one parser for the demo shop's pages and oidc-provider's), and submitting
//! one.

use url::Url;

/// An HTTP answer as the tests look at it.
#[derive(Debug)]
pub struct Page {
    /// The HTTP status code.
    pub status: u16,
    /// Where a redirect points (the tests follow none themselves).
    pub location: Option<String>,
    /// The `Content-Type` header, as sent.
    pub content_type: Option<String>,
    /// The whole body as text.
    pub body: String,
}

impl Page {
    pub async fn from(response: reqwest::Response) -> Page {
        let status = response.status().as_u16();
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let location = header(reqwest::header::LOCATION);
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let body = response.text().await.expect("a body");
        Page {
            status,
            location,
            content_type,
            body,
        }
    }

    pub fn is_html(&self) -> bool {
        self.content_type
            .as_deref()
            .is_some_and(|t| t.starts_with("text/html"))
    }

    /// The first form on the page.
    pub fn form(&self) -> Option<HtmlForm> {
        forms(&self.body).into_iter().next()
    }

    /// The query parameters of the redirect's `Location`.
    pub fn redirect_params(&self) -> Option<Vec<(String, String)>> {
        let location = Url::parse(self.location.as_deref()?).ok()?;
        Some(location.query_pairs().into_owned().collect())
    }
}

pub async fn get_page(http: &reqwest::Client, url: &str) -> Page {
    Page::from(http.get(url).send().await.expect("GET")).await
}

/// A `<form>` as a browser sees it: where it goes, its fields with their values, and its named
/// submit buttons.
#[derive(Debug, Clone)]
pub struct HtmlForm {
    pub action: String,
    pub method: String,
    pub fields: Vec<(String, String)>,
    pub submits: Vec<(String, String)>,
    /// Whether it asks for a password (a sign-in form).
    pub has_password: bool,
}

impl HtmlForm {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Fills in `fill` (replacing fields of the same name), presses `submit` (a named submit
    /// button, if given) and sends the form like a browser: POST, form-encoded, to its action.
    pub async fn submit(
        &self,
        http: &reqwest::Client,
        base_url: &str,
        fill: &[(&str, &str)],
        submit: Option<(&str, &str)>,
    ) -> Page {
        assert_eq!(self.method.to_ascii_lowercase(), "post", "{self:?}");
        let mut fields = self.fields.clone();
        for (name, value) in fill {
            match fields.iter_mut().find(|(n, _)| n == name) {
                Some(field) => field.1 = (*value).to_owned(),
                None => fields.push(((*name).to_owned(), (*value).to_owned())),
            }
        }
        if let Some((name, value)) = submit {
            assert!(
                self.submits.iter().any(|(n, v)| n == name && v == value),
                "no submit button {name}={value} in {self:?}"
            );
            fields.push((name.to_owned(), value.to_owned()));
        }
        let url = Url::parse(base_url)
            .and_then(|base| base.join(&self.action))
            .expect("form action");
        Page::from(
            http.post(url)
                .form(&fields)
                .send()
                .await
                .expect("form POST"),
        )
        .await
    }
}

/// The forms of an HTML page: `<input>` fields and submit buttons (`<input type=submit>` and
/// `<button>`), enough of HTML for the demo shop's pages and oidc-provider's.
pub fn forms(html: &str) -> Vec<HtmlForm> {
    let mut forms = Vec::new();
    let mut current: Option<HtmlForm> = None;
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let Some(end) = rest.find('>') else { break };
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        let (name, attrs) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
        let name = name.to_ascii_lowercase();
        let attrs = attributes(attrs);
        let attr = |key: &str| attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        match name.as_str() {
            "form" => {
                forms.extend(current.take());
                current = Some(HtmlForm {
                    action: attr("action").unwrap_or_default(),
                    method: attr("method").unwrap_or_else(|| "get".to_owned()),
                    fields: Vec::new(),
                    submits: Vec::new(),
                    has_password: false,
                })
            }
            "/form" => forms.extend(current.take()),
            "input" | "button" => {
                let Some(form) = current.as_mut() else {
                    continue;
                };
                let default_kind = if name == "button" { "submit" } else { "text" };
                let kind = attr("type")
                    .map(|t| t.to_ascii_lowercase())
                    .unwrap_or_else(|| default_kind.to_owned());
                if kind == "password" {
                    form.has_password = true;
                }
                let Some(field) = attr("name") else { continue };
                let value = attr("value").unwrap_or_default();
                match kind.as_str() {
                    "submit" => form.submits.push((field, value)),
                    _ => form.fields.push((field, value)),
                }
            }
            _ => {}
        }
    }
    // A form the page does not close still counts, as in a browser.
    forms.extend(current);
    forms
}

fn attributes(mut text: &str) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    loop {
        text = text.trim_start().trim_start_matches('/').trim_start();
        if text.is_empty() {
            return attrs;
        }
        let name_end = text
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(text.len());
        let name = text[..name_end].to_ascii_lowercase();
        text = &text[name_end..];
        let value = if let Some(after) = text.trim_start().strip_prefix('=') {
            let after = after.trim_start();
            let (value, remainder) = match after.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let inner = &after[1..];
                    let close = inner.find(quote).unwrap_or(inner.len());
                    (&inner[..close], inner.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let close = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..close], &after[close..])
                }
            };
            text = remainder;
            html_escape::decode_html_entities(value).into_owned()
        } else {
            String::new()
        };
        attrs.push((name, value));
    }
}

/// The text of the page's error message (`class="error"`), if any.
pub fn error_message(html: &str) -> Option<String> {
    let start = html.find("class=\"error\"")?;
    let text = &html[start..];
    let open = text.find('>')? + 1;
    let close = text[open..].find('<')? + open;
    Some(html_escape::decode_html_entities(&text[open..close]).into_owned())
}
