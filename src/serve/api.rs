//! `GET /api/search` and `GET /healthz`.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{Shared, json_error};
use crate::search::SearchError;

pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 50;
pub const MAX_QUERY_CHARS: usize = 1000;

pub async fn search(State(state): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    let mut q = None;
    let mut limit = None;
    let mut lang = None;
    for (key, value) in form_urlencoded::parse(raw.as_deref().unwrap_or("").as_bytes()) {
        match &*key {
            "q" if q.is_none() => q = Some(value.into_owned()),
            "limit" if limit.is_none() => limit = Some(value.into_owned()),
            "lang" if lang.is_none() && !value.is_empty() => lang = Some(value.into_owned()),
            _ => {}
        }
    }
    let Some(q) = q else {
        return json_error(
            StatusCode::BAD_REQUEST,
            "missing q: the words to search for, as in /api/search?q=billing",
        );
    };
    if q.chars().count() > MAX_QUERY_CHARS {
        return json_error(
            StatusCode::BAD_REQUEST,
            format!("q is too long: at most {MAX_QUERY_CHARS} characters"),
        );
    }
    let limit = match limit.as_deref().map(str::parse::<usize>) {
        None => DEFAULT_LIMIT,
        Some(Ok(n)) if n >= 1 => n.min(MAX_LIMIT),
        Some(_) => {
            return json_error(
                StatusCode::BAD_REQUEST,
                format!("limit must be a whole number from 1 to {MAX_LIMIT}"),
            );
        }
    };
    let search = match &state.snapshot.load().search {
        Ok(search) => search.clone(),
        Err(e) => return json_error(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
    };
    let recorder = state.clone();
    let answer = move || {
        let answer = search.query_in(&q, limit, lang.as_deref());
        if let Ok(response) = &answer {
            let lang = lang.as_deref().unwrap_or(search.language());
            super::insights::searched(&recorder, &q, lang, response);
        }
        answer
    };
    match tokio::task::spawn_blocking(answer).await {
        Ok(Ok(response)) => Json(response).into_response(),
        Ok(Err(e @ SearchError::UnknownLanguage(..))) => {
            json_error(StatusCode::BAD_REQUEST, e.to_string())
        }
        Ok(Err(e)) => {
            // The reader gets that the search failed; the log gets why.
            tracing::error!("/api/search: {e}");
            json_error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
        }
        Err(_) => json_error(StatusCode::INTERNAL_SERVER_ERROR, "the search failed"),
    }
}

pub async fn healthz(State(state): State<Shared>) -> Response {
    let store = state.feedback.health().await;
    let snapshot = state.snapshot.load();
    Json(json!({
        // Pages and search answer either way; "degraded": feedback cannot be stored now.
        "status": if store.available { "ok" } else { "degraded" },
        "feedback_store": store,
        "version": env!("CARGO_PKG_VERSION"),
        "pages": snapshot.pages.len(),
        "documents": snapshot.search.as_ref().map(|s| s.doc_count()).unwrap_or(0),
        "connections": {
            "open": state.connections.len(),
            "shed": state.connections.shed.load(std::sync::atomic::Ordering::Relaxed),
        },
        "compression_cache": state.compressed.stats(),
        "insights": state.insights.stats(),
    }))
    .into_response()
}
