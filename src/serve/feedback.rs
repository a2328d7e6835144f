//! `POST /api/feedback`: JSON for scripts, a plain form post for readers without JavaScript.
//!
//! Checks, in order: cross-site (403), rate limit (429), content type (415), size (413), syntax
//! (400), fields (422); a full disk answers 507, an unreachable database 503 (both with
//! `Retry-After`; nothing is acknowledged that is not committed). A filled honeypot field (`website`) is answered like a success and
//! dropped. Nothing about the reader is stored: no address, no cookie.

use std::net::SocketAddr;

use axum::Json;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Shared, json_error};
use crate::feedback::{NewFeedback, StoreError};

pub const MAX_COMMENT_CHARS: usize = 2000;
/// A comment of [`MAX_COMMENT_CHARS`] in the longest encoding either kind allows (a 4-byte
/// character is 12 bytes percent-encoded in a form, or a `\uXXXX\uXXXX` pair in JSON), plus
/// room for the other fields.
pub const MAX_BODY: usize = MAX_COMMENT_CHARS * 12 + 8 * 1024;
/// Bytes past [`MAX_BODY`] read (and dropped) before answering 413.
const DRAIN: usize = 256 * 1024;
/// Seconds a reader is told to wait when the disk is full.
const FULL_RETRY_AFTER: u64 = 60;
/// Seconds a reader is told to wait when the database is unreachable (restarting, failing
/// over) or the writer's queue is full.
const UNAVAILABLE_RETRY_AFTER: u64 = 5;
const BUSY_RETRY_AFTER: u64 = 1;
/// A field people do not see (hidden by the theme); bots fill it.
pub const HONEYPOT: &str = "website";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Json,
    Form,
}

struct Input {
    page: String,
    helpful: bool,
    comment: Option<String>,
    honeypot: bool,
}

type Refused = (StatusCode, String);

/// A refusal, with the seconds to wait for 429 and 507.
struct Refusal(StatusCode, String, Option<u64>);

impl From<Refused> for Refusal {
    fn from((status, message): Refused) -> Refusal {
        Refusal(status, message, None)
    }
}

pub async fn post(
    State(state): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    match accept(&state, peer, request).await {
        Ok(response) => response,
        Err(Refusal(status, message, retry_after)) => {
            let mut response = json_error(status, message);
            if let Some(secs) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            response
        }
    }
}

/// Whole seconds to wait, rounded up, at least 1.
fn retry_secs(wait: std::time::Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

async fn accept(state: &Shared, peer: SocketAddr, request: Request) -> Result<Response, Refusal> {
    let headers = request.headers();
    let (client, host) = state.proxies.client(peer.ip(), headers);
    if let Some(why) = state.hosts.cross_site(headers, host) {
        return Err((StatusCode::FORBIDDEN, why.into()).into());
    }
    if let Err(wait) = state.limiter.check(client) {
        let secs = retry_secs(wait);
        return Err(Refusal(
            StatusCode::TOO_MANY_REQUESTS,
            format!("too much feedback from this address; try again in {secs} s"),
            Some(secs),
        ));
    }
    let kind = content_kind(headers)?;
    if let Some(length) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        && length > (MAX_BODY + DRAIN) as u64
    {
        return Err(too_large().into());
    }
    let body = read_body(request.into_body()).await?;
    let mut input = match kind {
        Kind::Json => parse_json(&body)?,
        Kind::Form => parse_form(&body)?,
    };
    // The page as linked (`/help/billing/`) or as the site names it (`/billing/`).
    if let Some(path) = input.page.strip_prefix(state.base_path.as_str())
        && !state.base_path.is_empty()
        && path.starts_with('/')
    {
        input.page = path.to_string();
    }
    if !input.honeypot {
        let content_hash = state
            .snapshot
            .load()
            .pages
            .get(&input.page)
            .cloned()
            .ok_or_else(|| {
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!(
                        "page {:?} is not a page of this site (give its path, like /billing/)",
                        input.page
                    ),
                )
            })?;
        let row = NewFeedback {
            page: input.page.clone(),
            content_hash,
            helpful: input.helpful,
            comment: input.comment,
        };
        state.feedback.insert(row).await.map_err(|e| match e {
            StoreError::Busy => Refusal(
                StatusCode::SERVICE_UNAVAILABLE,
                e.to_string(),
                Some(BUSY_RETRY_AFTER),
            ),
            StoreError::Closed | StoreError::Unavailable(_) => Refusal(
                StatusCode::SERVICE_UNAVAILABLE,
                e.to_string(),
                Some(UNAVAILABLE_RETRY_AFTER),
            ),
            StoreError::Full => Refusal(
                StatusCode::INSUFFICIENT_STORAGE,
                e.to_string(),
                Some(FULL_RETRY_AFTER),
            ),
            StoreError::Database(_) => Refusal(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the feedback could not be stored".into(),
                None,
            ),
        })?;
    }
    Ok(match kind {
        Kind::Json => (StatusCode::CREATED, Json(json!({ "ok": true }))).into_response(),
        Kind::Form => {
            // Back to the page (a URL of the site; a honeypot post may name anything: home).
            let known = state.snapshot.load().pages.contains_key(&input.page);
            let page = if known { input.page.as_str() } else { "/" };
            let location = format!("{}{page}?feedback=thanks#feedback", state.base_path);
            let mut response = StatusCode::SEE_OTHER.into_response();
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
    })
}

fn content_kind(headers: &HeaderMap) -> Result<Kind, Refused> {
    let essence = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    match essence.as_deref() {
        Some("application/json") => Ok(Kind::Json),
        Some("application/x-www-form-urlencoded") => Ok(Kind::Form),
        _ => Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send application/json or application/x-www-form-urlencoded".into(),
        )),
    }
}

fn too_large() -> Refused {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the body is larger than {MAX_BODY} bytes"),
    )
}

/// The body, up to [`MAX_BODY`]. A larger one is still read up to [`DRAIN`] bytes more before
/// the 413, so a client that is still sending gets the answer rather than a reset connection.
async fn read_body(mut body: Body) -> Result<axum::body::Bytes, Refused> {
    use http_body_util::BodyExt;
    let mut bytes = Vec::new();
    let mut seen = 0;
    while let Some(frame) = body.frame().await {
        let frame =
            frame.map_err(|_| (StatusCode::BAD_REQUEST, "the body could not be read".into()))?;
        if let Ok(data) = frame.into_data() {
            seen += data.len();
            if seen > MAX_BODY + DRAIN {
                return Err(too_large());
            }
            if seen <= MAX_BODY {
                bytes.extend_from_slice(&data);
            }
        }
    }
    if seen > MAX_BODY {
        return Err(too_large());
    }
    Ok(bytes.into())
}

fn unprocessable(message: impl Into<String>) -> Refused {
    (StatusCode::UNPROCESSABLE_ENTITY, message.into())
}

fn parse_json(body: &[u8]) -> Result<Input, Refused> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| (StatusCode::BAD_REQUEST, format!("malformed JSON: {e}")))?;
    let Value::Object(fields) = value else {
        return Err(unprocessable(
            r#"expected a JSON object like {"page": "/billing/", "helpful": true, "comment": "…"}"#,
        ));
    };
    let honeypot = match fields.get(HONEYPOT) {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(_) => true,
    };
    let page = match fields.get("page") {
        Some(Value::String(s)) => s.clone(),
        None | Some(Value::Null) if honeypot => String::new(),
        None | Some(Value::Null) => return Err(unprocessable("missing \"page\": the page's path")),
        Some(_) => return Err(unprocessable("\"page\" must be a string, the page's path")),
    };
    let helpful = match fields.get("helpful") {
        Some(Value::Bool(b)) => *b,
        _ if honeypot => false,
        None | Some(Value::Null) => {
            return Err(unprocessable("missing \"helpful\": true or false"));
        }
        Some(_) => return Err(unprocessable("\"helpful\" must be true or false")),
    };
    let comment = match fields.get("comment") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) if honeypot => None,
        Some(_) => return Err(unprocessable("\"comment\" must be a string")),
    };
    finish(page, helpful, comment, honeypot)
}

fn parse_form(body: &[u8]) -> Result<Input, Refused> {
    let (mut page, mut helpful, mut comment, mut honeypot) = (None, None, None, false);
    for (key, value) in form_urlencoded::parse(body) {
        match &*key {
            "page" if page.is_none() => page = Some(value.into_owned()),
            "helpful" if helpful.is_none() => helpful = Some(value.into_owned()),
            "comment" if comment.is_none() => comment = Some(value.into_owned()),
            HONEYPOT => honeypot |= !value.trim().is_empty(),
            _ => {}
        }
    }
    if honeypot {
        return Ok(Input {
            page: page.unwrap_or_default(),
            helpful: false,
            comment: None,
            honeypot,
        });
    }
    let page = page.ok_or_else(|| unprocessable("missing field page: the page's path"))?;
    let helpful = match helpful.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("yes" | "true" | "1" | "on") => true,
        Some("no" | "false" | "0" | "off") => false,
        Some(_) => return Err(unprocessable("helpful must be yes or no")),
        None => return Err(unprocessable("missing field helpful: yes or no")),
    };
    finish(page, helpful, comment.as_deref(), false)
}

fn finish(
    page: String,
    helpful: bool,
    comment: Option<&str>,
    honeypot: bool,
) -> Result<Input, Refused> {
    let comment = comment.map(clean_comment).filter(|c| !c.is_empty());
    if !honeypot
        && let Some(c) = &comment
        && c.chars().count() > MAX_COMMENT_CHARS
    {
        return Err(unprocessable(format!(
            "the comment is longer than {MAX_COMMENT_CHARS} characters"
        )));
    }
    Ok(Input {
        page,
        helpful,
        comment,
        honeypot,
    })
}

/// Line breaks kept (as `\n`), tabs become spaces, other control and bidi-override characters
/// are removed; surrounding blank space is trimmed.
pub fn clean_comment(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let cleaned: String = text
        .chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' | '\r' => Some(' '),
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => None,
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    cleaned.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_lose_control_characters() {
        assert_eq!(
            clean_comment(" a\u{0}b\r\nc\td\u{1b}[31m\u{202E}e "),
            "ab\nc d[31me"
        );
    }

    #[test]
    fn retry_after_rounds_up() {
        use std::time::Duration;
        assert_eq!(retry_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_secs(Duration::ZERO), 1);
        assert_eq!(retry_secs(Duration::from_millis(41_200)), 42);
        assert_eq!(retry_secs(Duration::from_secs(60)), 60);
    }

    /// 2,000 four-byte characters fit, in the longest encoding of either kind.
    #[test]
    fn the_body_limit_fits_the_longest_comment() {
        let comment = "\u{1F600}".repeat(MAX_COMMENT_CHARS);
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("page", &format!("/{}/", "a".repeat(1000)))
            .append_pair("helpful", "yes")
            .append_pair("comment", &comment)
            .finish();
        assert!(form.len() <= MAX_BODY, "{}", form.len());
        let escaped: String = comment
            .encode_utf16()
            .map(|u| format!("\\u{u:04x}"))
            .collect();
        let json = format!(
            r#"{{"page": "/{}/", "helpful": true, "comment": "{escaped}"}}"#,
            "a".repeat(1000)
        );
        assert!(json.len() <= MAX_BODY, "{}", json.len());
        assert!(parse_form(form.as_bytes()).is_ok());
        assert!(parse_json(json.as_bytes()).is_ok());
    }
}
