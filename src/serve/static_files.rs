//! The built site's files: content types, ETag / Last-Modified with 304s, cache headers, the
//! theme's 404 page, no listings, nothing outside the output folder (no symbolic link is
//! followed out of it) and nothing hidden (the `.helpcenter` build metadata included). Text
//! files are sent compressed when the reader accepts it, from [`super::compress::Cache`].

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::compress::{self, Encoding};
use super::{Shared, reload};

/// Longer (percent-encoded) paths are refused.
pub const MAX_PATH: usize = 1024;
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const HTML_CACHE: &str = "public, max-age=60, must-revalidate";
const OTHER_CACHE: &str = "public, max-age=3600";

#[derive(Debug, PartialEq, Eq)]
pub enum PathError {
    /// 400 with a message.
    Bad(&'static str),
    /// Hidden or impossible: answered as not found.
    NotFound,
}

/// Decode a request path into safe segments below the output folder.
pub fn clean_path(raw: &str) -> Result<Vec<String>, PathError> {
    if raw.len() > MAX_PATH {
        return Err(PathError::Bad("the path is too long"));
    }
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| PathError::Bad("the path is not valid UTF-8"))?;
    if decoded.contains(['\0', '\\']) || decoded.chars().any(char::is_control) {
        return Err(PathError::Bad(
            "the path holds a backslash or a control character",
        ));
    }
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" => {}
            "." | ".." => return Err(PathError::Bad("the path holds . or .. segments")),
            s if s.starts_with('.') => return Err(PathError::NotFound),
            s if s.len() > 255 => return Err(PathError::Bad("a path segment is too long")),
            s => segments.push(s.to_string()),
        }
    }
    Ok(segments)
}

pub async fn serve(
    State(state): State<Shared>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut response = (StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n").into_response();
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let segments = match clean_path(uri.path()) {
        Ok(segments) => segments,
        Err(PathError::Bad(message)) => {
            return (StatusCode::BAD_REQUEST, format!("bad request: {message}\n")).into_response();
        }
        Err(PathError::NotFound) => return not_found_in(&state, uri.path()).await,
    };
    let mut path = state.output.clone();
    path.extend(&segments);
    let Some(meta) = metadata_across_swap(&state, &segments).await else {
        return not_found_in(&state, uri.path()).await;
    };
    let slash = uri.path().ends_with('/');
    if meta.is_dir() {
        if !slash {
            // `/billing` → `/billing/`, built from the clean segments (never `//host`).
            let mut location = state.base_path.clone();
            for s in &segments {
                location.push('/');
                location.extend(percent_encoding::utf8_percent_encode(
                    s,
                    percent_encoding::NON_ALPHANUMERIC,
                ));
            }
            location.push('/');
            if let Some(q) = uri.query() {
                location.push('?');
                location.push_str(q);
            }
            let mut response = StatusCode::PERMANENT_REDIRECT.into_response();
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            return response;
        }
        path.push("index.html");
        match tokio::fs::symlink_metadata(&path).await {
            Ok(m) if m.is_file() => send_file(&state, &headers, &path, &m).await,
            _ => not_found_in(&state, uri.path()).await,
        }
    } else if meta.is_file() && !slash {
        send_file(&state, &headers, &path, &meta).await
    } else {
        not_found_in(&state, uri.path()).await
    }
}

enum Lookup {
    Found(std::fs::Metadata),
    Missing,
    /// A symbolic link on the way leads out of the output folder.
    Outside,
}

/// The metadata of `root/segments…` (of a link itself, not its target: a link there is neither
/// file nor folder, so never served). The folders on the way may be symbolic links only when
/// they resolve inside `root` (`public/etc -> /etc` does not).
fn lookup(root: &Path, segments: &[String]) -> Lookup {
    let mut path = root.to_path_buf();
    let (last, folders) = match segments.split_last() {
        Some((last, folders)) => (Some(last), folders),
        None => (None, &[][..]),
    };
    let mut checked = false;
    for folder in folders {
        path.push(folder);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() && !checked => {
                // Resolve the whole way (links below this one included).
                let all = folders.iter().fold(root.to_path_buf(), |p, f| p.join(f));
                match (root.canonicalize(), all.canonicalize()) {
                    (Ok(top), Ok(real)) if real.starts_with(&top) => checked = true,
                    _ => return Lookup::Outside,
                }
            }
            Ok(_) => {}
            Err(_) => return Lookup::Missing,
        }
    }
    if let Some(last) = last {
        path.push(last);
    }
    match std::fs::symlink_metadata(&path) {
        Ok(m) => Lookup::Found(m),
        Err(_) => Lookup::Missing,
    }
}

/// A rebuild swaps the output folder by two renames; a request landing in between waits for
/// the new folder (briefly) instead of answering 404.
async fn metadata_across_swap(state: &Shared, segments: &[String]) -> Option<std::fs::Metadata> {
    for _ in 0..20 {
        let (root, segments) = (state.output.clone(), segments.to_vec());
        match tokio::task::spawn_blocking(move || lookup(&root, &segments))
            .await
            .ok()?
        {
            Lookup::Found(meta) => return Some(meta),
            Lookup::Missing if !state.output.exists() => {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            Lookup::Missing | Lookup::Outside => return None,
        }
    }
    None
}

async fn send_file(
    state: &Shared,
    headers: &HeaderMap,
    path: &Path,
    meta: &std::fs::Metadata,
) -> Response {
    let content_type = content_type(path);
    let html = content_type.starts_with("text/html");
    let inject = html && state.watch;
    let modified = meta.modified().ok();
    let nanos = modified
        .and_then(|m| m.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let etag = format!(
        "W/\"{:x}-{:x}{}\"",
        meta.len(),
        nanos,
        if inject { "-lr" } else { "" }
    );
    let cache = if is_fingerprinted(path) {
        IMMUTABLE
    } else if html {
        if state.watch { "no-cache" } else { HTML_CACHE }
    } else {
        OTHER_CACHE
    };
    let compressible = is_compressible(&content_type) && meta.len() >= compress::MIN_SIZE;
    let encoding = compressible.then(|| Encoding::choose(headers)).flatten();
    let mut response = if not_modified(headers, &etag, modified) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let body = match encoding {
            Some(encoding) => {
                let key = compress::Key {
                    path: path.to_path_buf(),
                    len: meta.len(),
                    modified_nanos: nanos,
                    inject,
                    encoding,
                };
                let file = path.to_path_buf();
                let load = move || {
                    let bytes = std::fs::read(file)?;
                    Ok(if inject { reload::inject(bytes) } else { bytes })
                };
                match state.compressed.get(key, load).await {
                    Ok(bytes) => Body::from(bytes),
                    Err(_) => return not_found(state).await,
                }
            }
            None => {
                let Ok(mut bytes) = tokio::fs::read(path).await else {
                    return not_found(state).await;
                };
                if inject {
                    bytes = reload::inject(bytes);
                }
                Body::from(bytes)
            }
        };
        let mut response = Response::new(body);
        let h = response.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(&content_type).expect("mime is a header value"),
        );
        if let Some(encoding) = encoding {
            h.insert(
                header::CONTENT_ENCODING,
                HeaderValue::from_static(encoding.name()),
            );
        }
        response
    };
    let h = response.headers_mut();
    if compressible {
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    h.insert(header::ETAG, HeaderValue::from_str(&etag).expect("etag"));
    if let Some(m) = modified {
        h.insert(
            header::LAST_MODIFIED,
            HeaderValue::from_str(&httpdate::fmt_http_date(m)).expect("date"),
        );
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// RFC 9110: If-None-Match wins over If-Modified-Since; weak comparison.
fn not_modified(headers: &HeaderMap, etag: &str, modified: Option<SystemTime>) -> bool {
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_string();
    if let Some(inm) = headers.get(header::IF_NONE_MATCH) {
        let Ok(inm) = inm.to_str() else { return false };
        return inm
            .split(',')
            .any(|t| t.trim() == "*" || strip(t) == strip(etag));
    }
    let since = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| httpdate::parse_http_date(v.to_str().ok()?).ok());
    match (since, modified) {
        (Some(since), Some(modified)) => {
            let secs = |t: SystemTime| t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
            secs(modified) <= secs(since)
        }
        _ => false,
    }
}

/// The 404 page of the language whose folder `path` is in (`/es/…` → `es/404.html`), else the
/// site's.
async fn not_found_in(state: &Shared, path: &str) -> Response {
    let folder = path.trim_start_matches('/').split('/').next().unwrap_or("");
    let is_code = !folder.is_empty()
        && folder.len() <= 12
        && folder
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if is_code {
        let page = state.output.join(folder).join("404.html");
        if tokio::fs::symlink_metadata(&page)
            .await
            .is_ok_and(|m| m.is_file())
        {
            return not_found_page(state, &page).await;
        }
    }
    not_found(state).await
}

async fn not_found(state: &Shared) -> Response {
    not_found_page(state, &state.output.join("404.html")).await
}

async fn not_found_page(state: &Shared, file: &Path) -> Response {
    let page = tokio::fs::read(file).await;
    let mut response = match page {
        Ok(mut bytes) => {
            if state.watch {
                bytes = reload::inject(bytes);
            }
            let mut r = Response::new(Body::from(bytes));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            r
        }
        Err(_) => "Not found\n".into_response(),
    };
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// Text worth compressing (what tower-http's compression would compress, less images).
fn is_compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || ["javascript", "json", "xml", "svg"]
            .iter()
            .any(|t| content_type.contains(t))
}

fn content_type(path: &Path) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let textual = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            mime.subtype().as_str(),
            "javascript" | "json" | "xml" | "svg"
        );
    if textual && mime.get_param("charset").is_none() {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

/// Theme assets get a content hash in their name: `site.1a2b3c4d5e.css`.
pub fn is_fingerprinted(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts[parts.len() - 2].len() == 10
        && parts[parts.len() - 2]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside() {
        assert_eq!(clean_path("/a/b/").unwrap(), ["a", "b"]);
        assert_eq!(clean_path("/a%20b").unwrap(), ["a b"]);
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/x",
            "/a/%2E%2E/%2e%2e/x",
            "/a%5c..%5cx",
            "/a\\b",
            "/a%00b",
            "/a/./b",
            "/%ff",
        ] {
            assert!(
                matches!(clean_path(bad), Err(PathError::Bad(_))),
                "{bad} must be refused"
            );
        }
        assert_eq!(
            clean_path("/.helpcenter/pages.json"),
            Err(PathError::NotFound)
        );
        assert!(clean_path(&format!("/{}", "a".repeat(2000))).is_err());
        assert_eq!(clean_path("/%252e%252e/x").unwrap(), ["%2e%2e", "x"]);
    }

    #[test]
    fn fingerprints() {
        assert!(is_fingerprinted(Path::new("css/site.1a2b3c4d5e.css")));
        assert!(!is_fingerprinted(Path::new("css/site.css")));
        assert!(!is_fingerprinted(Path::new("index.html")));
    }
}
