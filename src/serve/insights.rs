//! Search insights in the server: the recorder started from `site.toml`'s `[insights]`, the
//! search handler's hand-over, and `POST /api/search/click` (the theme's report that a reader
//! opened a result). Nothing about the reader is looked at beyond the origin check and the
//! in-memory rate limit that feedback posts have too.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::{ServeError, ServeOptions, Shared, json_error};
use crate::feedback::Location;
use crate::insights::{PostgresStore, Recorder, Settings, SqliteStore, Store};
use crate::search::SearchResponse;

/// A click report is a few short fields.
const MAX_BODY: usize = 4096;
/// Result positions counted: as many as `/api/search` answers at most.
const MAX_POSITION: u64 = super::api::MAX_LIMIT as u64;

/// The recorder `site.toml` asks for (on unless `[insights] enabled = false`), writing into
/// the feedback database: the SQLite file, or the PostgreSQL database replicas share.
pub(super) fn recorder(options: &ServeOptions) -> Result<Recorder, ServeError> {
    let settings = crate::config::Config::load(&options.build.root)
        .map(|config| config.insights)
        .unwrap_or_else(|_| Settings::default());
    if !settings.enabled {
        tracing::info!("search insights are off ([insights] enabled = false)");
        return Ok(Recorder::off());
    }
    // Called outside the server's runtime: the PostgreSQL store blocks on its own, and the
    // recorder writes on its own thread.
    let store: Box<dyn Store> = match &options.feedback_db {
        Location::Sqlite(path) => {
            Box::new(SqliteStore::open(path).map_err(ServeError::FeedbackStore)?)
        }
        Location::Postgres(url) => {
            Box::new(PostgresStore::open(url).map_err(ServeError::FeedbackStore)?)
        }
    };
    Ok(Recorder::start(store, &settings))
}

/// After a search was answered: hand its query, language, total and first hit to the
/// recorder (a non-blocking send).
pub(super) fn searched(state: &Shared, query: &str, lang: &str, response: &SearchResponse) {
    let first = response.hits.first().map(|hit| hit.url.as_str());
    state
        .insights
        .searched(query, lang, response.total, first.map(|u| local(state, u)))
}

/// A hit's URL as the site names it: without the base path (`/help/billing/` → `/billing/`).
fn local<'a>(state: &Shared, url: &'a str) -> &'a str {
    match url.strip_prefix(state.base_path.as_str()) {
        Some(rest) if !state.base_path.is_empty() && rest.starts_with('/') => rest,
        _ => url,
    }
}

/// `POST /api/search/click` `{"q": "…", "lang": "es", "url": "/…", "position": 2}` (JSON, or
/// the same text as `navigator.sendBeacon` sends it, `text/plain`) → 204. The URL is checked
/// to be a string and not stored: the counts are per query and result position.
pub async fn click(
    State(state): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let headers = request.headers();
    let (client, host) = state.proxies.client(peer.ip(), headers);
    if let Some(why) = state.hosts.cross_site(headers, host) {
        return json_error(StatusCode::FORBIDDEN, why);
    }
    if let Err(wait) = state.limiter.check(client) {
        let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
        let mut response = json_error(
            StatusCode::TOO_MANY_REQUESTS,
            format!("too many posts from this address; try again in {secs} s"),
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        return response;
    }
    let essence = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if !matches!(essence.as_deref(), Some("application/json" | "text/plain")) {
        return json_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send application/json (or text/plain holding JSON, as sendBeacon does)",
        );
    }
    let body = match read(request.into_body()).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    let value: Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, format!("malformed JSON: {e}")),
    };
    let unprocessable = |message: &str| json_error(StatusCode::UNPROCESSABLE_ENTITY, message);
    let Some(q) = value.get("q").and_then(Value::as_str) else {
        return unprocessable("missing \"q\": the query whose result was opened");
    };
    if q.chars().count() > super::api::MAX_QUERY_CHARS {
        return unprocessable("\"q\" is too long");
    }
    let position = match value.get("position").and_then(Value::as_u64) {
        Some(p) if (1..=MAX_POSITION).contains(&p) => p as u32,
        _ => {
            return unprocessable(&format!(
                "\"position\" must be the opened result's place, 1 to {MAX_POSITION}"
            ));
        }
    };
    if !matches!(
        value.get("url"),
        None | Some(Value::Null | Value::String(_))
    ) {
        return unprocessable("\"url\" must be a string");
    }
    let snapshot = state.snapshot.load();
    let lang = match (&snapshot.search, value.get("lang")) {
        (_, Some(v)) if !v.is_null() && !v.is_string() => {
            return unprocessable("\"lang\" must be a language code");
        }
        (Ok(search), lang) => match lang.and_then(Value::as_str).filter(|l| !l.is_empty()) {
            None => search.language().to_string(),
            Some(l) if search.languages().any(|known| known == l) => l.to_string(),
            Some(l) => return unprocessable(&format!("the site has no language `{l}`")),
        },
        (Err(_), _) => return json_error(StatusCode::SERVICE_UNAVAILABLE, "no search index"),
    };
    state.insights.opened(q, &lang, position);
    StatusCode::NO_CONTENT.into_response()
}

async fn read(body: Body) -> Result<axum::body::Bytes, Response> {
    axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| {
        json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is larger than {MAX_BODY} bytes"),
        )
    })
}
