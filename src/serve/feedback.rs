//! `POST /api/feedback`: JSON for scripts, a plain form post for readers without JavaScript.
//!
//! Checks, in order: cross-site (403), rate limit (429), content type (415), size (413), syntax
//! (400), fields (422). A filled honeypot field (`website`) is answered like a success and
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

pub const MAX_BODY: usize = 16 * 1024;
pub const MAX_COMMENT_CHARS: usize = 2000;
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

type Refusal = (StatusCode, String);

pub async fn post(
    State(state): State<Shared>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    match accept(&state, client, request).await {
        Ok(response) => response,
        Err((status, message)) => {
            let mut response = json_error(status, message);
            if status == StatusCode::TOO_MANY_REQUESTS {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
            }
            response
        }
    }
}

async fn accept(state: &Shared, client: SocketAddr, request: Request) -> Result<Response, Refusal> {
    let headers = request.headers();
    if let Some(why) = cross_site(headers) {
        return Err((StatusCode::FORBIDDEN, why.into()));
    }
    if state.limiter.check(client.ip()).is_err() {
        return Err((
            StatusCode::TOO_MANY_REQUESTS,
            "too much feedback from this address; try again in a minute".into(),
        ));
    }
    let kind = content_kind(headers)?;
    if let Some(length) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        && length > MAX_BODY as u64
    {
        return Err(too_large());
    }
    let body = read_body(request.into_body()).await?;
    let input = match kind {
        Kind::Json => parse_json(&body)?,
        Kind::Form => parse_form(&body)?,
    };
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
            StoreError::Busy | StoreError::Closed => {
                (StatusCode::SERVICE_UNAVAILABLE, e.to_string())
            }
            StoreError::Database(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the feedback could not be stored".into(),
            ),
        })?;
    }
    Ok(match kind {
        Kind::Json => (StatusCode::CREATED, Json(json!({ "ok": true }))).into_response(),
        Kind::Form => {
            // Back to the page (a URL of the site; a honeypot post may name anything: home).
            let known = state.snapshot.load().pages.contains_key(&input.page);
            let page = if known { input.page.as_str() } else { "/" };
            let location = format!("{page}?feedback=thanks#feedback");
            let mut response = StatusCode::SEE_OTHER.into_response();
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
    })
}

/// Why a post is refused as cross-site, if it is.
fn cross_site(headers: &HeaderMap) -> Option<&'static str> {
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"))
    {
        return Some("cross-site posts are refused");
    }
    let origin = headers.get(header::ORIGIN)?;
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, host)| host.trim_end_matches('/'));
    let Some(origin_host) = origin_host else {
        return Some("posts from an opaque or malformed Origin are refused");
    };
    let matches = [
        header::HOST,
        "x-forwarded-host".parse().expect("header name"),
    ]
    .iter()
    .filter_map(|name| headers.get(name)?.to_str().ok())
    .any(|host| host.eq_ignore_ascii_case(origin_host));
    (!matches).then_some("the Origin of this post is not this site: cross-site posts are refused")
}

fn content_kind(headers: &HeaderMap) -> Result<Kind, Refusal> {
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

fn too_large() -> Refusal {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the body is larger than {} KiB", MAX_BODY / 1024),
    )
}

async fn read_body(body: Body) -> Result<axum::body::Bytes, Refusal> {
    axum::body::to_bytes(body, MAX_BODY).await.map_err(|e| {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        while let Some(err) = source {
            if err.is::<http_body_util::LengthLimitError>() {
                return too_large();
            }
            source = err.source();
        }
        (StatusCode::BAD_REQUEST, "the body could not be read".into())
    })
}

fn unprocessable(message: impl Into<String>) -> Refusal {
    (StatusCode::UNPROCESSABLE_ENTITY, message.into())
}

fn parse_json(body: &[u8]) -> Result<Input, Refusal> {
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

fn parse_form(body: &[u8]) -> Result<Input, Refusal> {
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
) -> Result<Input, Refusal> {
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
    fn origin_must_match_host() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "127.0.0.1:8080".parse().unwrap());
        assert!(cross_site(&h).is_none(), "no Origin: not a browser post");
        h.insert(header::ORIGIN, "http://127.0.0.1:8080".parse().unwrap());
        assert!(cross_site(&h).is_none());
        h.insert(header::ORIGIN, "https://evil.test".parse().unwrap());
        assert!(cross_site(&h).is_some());
        h.insert(header::ORIGIN, "null".parse().unwrap());
        assert!(cross_site(&h).is_some());
        h.remove(header::ORIGIN);
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(cross_site(&h).is_some());
    }
}
