//! `helpcenter serve`: the built site, `/api/search`, `/api/feedback`, `/healthz`, and (in watch
//! mode) rebuilds with live reload.
//!
//! Every request resolves files against the output path at request time, so the atomic swap of
//! a rebuild is followed without restarting; the search index and page manifest are reloaded into
//! a [`Snapshot`] swapped atomically after each successful build.

mod api;
mod compress;
mod conn;
mod feedback;
mod insights;
mod limit;
mod origin;
mod reload;
mod static_files;

use std::collections::HashMap;
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::watch;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use origin::{NotANet, parse_net};

use crate::build::BuildOptions;
use crate::feedback::{Location, OpenError, Store};
use crate::render::manifest::Manifest;
use crate::search::{Search, SearchError};

/// How long in-flight requests may take to finish after SIGINT/SIGTERM.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
    object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Watch the sources, rebuild and live-reload.
    pub watch: bool,
    /// Build once before serving.
    pub build_first: bool,
    /// The feedback store: a SQLite file or a PostgreSQL database.
    pub feedback_db: Location,
    /// Feedback posts allowed per client per minute; 0 turns the limit off.
    pub rate_limit: u32,
    /// More `Host`/`Origin` authorities that are this site (`help.example.com`, `host:port`).
    pub allowed_hosts: Vec<String>,
    /// Peers whose `X-Forwarded-*`/`Forwarded` headers are believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Time to deliver a request's headers, from opening or from the previous response.
    pub header_timeout: Duration,
    /// Time to answer a request (its headers; bodies stream on). Not for live reload.
    pub request_timeout: Duration,
    /// Open connections at most (lowered to fit the open-file limit).
    pub max_connections: usize,
}

/// Defaults of the limits, for the command line.
pub const DEFAULT_HEADER_TIMEOUT_SECS: u64 = 10;
pub const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 30;
pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;

/// What the server knows about the current build; replaced whole after each rebuild.
pub(crate) struct Snapshot {
    pub title: String,
    /// Page URL → content hash of the page's source.
    pub pages: HashMap<String, String>,
    pub search: Result<Arc<Search>, SearchError>,
}

impl Snapshot {
    /// The build in `output`, as its manifest on disk says.
    fn load(output: &Path) -> std::io::Result<Snapshot> {
        Ok(Snapshot::of(Manifest::read(output)?, output))
    }

    /// The build in `output` described by `manifest` (a live build's, from memory).
    pub(crate) fn of(manifest: Manifest, output: &Path) -> Snapshot {
        Snapshot {
            title: manifest.title,
            pages: manifest
                .pages
                .into_iter()
                .map(|p| (p.url, p.content_hash))
                .collect(),
            search: Search::open(output).map(Arc::new),
        }
    }
}

pub(crate) struct AppState {
    pub output: PathBuf,
    /// The path of `base_url` (`/help`), which the site's links start with; requests under it
    /// are served with it taken off, others as they are (a proxy may take it off already).
    pub base_path: String,
    pub watch: bool,
    pub snapshot: ArcSwap<Snapshot>,
    pub feedback: Store,
    /// Search insights (`crate::insights`); off when `site.toml` says so.
    pub insights: crate::insights::Recorder,
    pub limiter: limit::RateLimiter,
    pub hosts: origin::Hosts,
    pub proxies: origin::Proxies,
    pub compressed: compress::Cache,
    pub connections: Arc<conn::Tracker>,
    pub reload: reload::Hub,
    /// Turns true when shutting down (ends the live-reload streams).
    pub shutdown: watch::Receiver<bool>,
}

pub(crate) type Shared = Arc<AppState>;

/// Why `serve` could not start, or stopped: the command line's trouble (exit code 2). The
/// messages say what failed; the causes (`source`) say why.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot resolve the path {}", .path.display())]
    Path {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot start the server's runtime")]
    Runtime(#[source] std::io::Error),
    #[error(
        "cannot listen on {bind}:{port}: the port is in use (another `helpcenter serve`?); \
         pick another with --port, or --port 0 for any free one"
    )]
    PortInUse { bind: IpAddr, port: u16 },
    #[error(
        "cannot listen on {bind}:{port}: this machine has no address {bind}; use --bind with one of its addresses"
    )]
    NoSuchAddress { bind: IpAddr, port: u16 },
    #[error("cannot listen on {bind}:{port}")]
    Listen {
        bind: IpAddr,
        port: u16,
        source: std::io::Error,
    },
    /// Its diagnostics are printed already.
    #[error("the build failed; nothing to serve")]
    BuildFailed,
    #[error(
        "no built site in {} (run `helpcenter build` first, or drop --no-build)",
        .output.display()
    )]
    NoSite {
        output: PathBuf,
        source: std::io::Error,
    },
    /// Names the store and why (the database, the URL, the schema version).
    #[error(transparent)]
    FeedbackStore(OpenError),
    #[error("cannot watch the sources")]
    Watch(#[source] notify::Error),
}

/// Build (unless told not to), serve until SIGINT/SIGTERM, then close the database cleanly.
pub fn run(mut options: ServeOptions) -> Result<(), ServeError> {
    let absolute = |path: PathBuf| {
        std::path::absolute(&path).map_err(|source| ServeError::Path { path, source })
    };
    options.build.root = absolute(options.build.root.clone())?;
    let output = absolute(options.build.output_dir())?;
    options.build.output = Some(output.clone());

    // The port first: when it is taken, say so before spending a build on nothing.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind((options.bind, options.port)))
        .map_err(|e| listen_error(&options, e))?;

    let mut initial_error = None;
    let mut live = None;
    let first = match (options.build_first, options.watch) {
        (false, _) => Ok(()),
        (true, true) => {
            let (kept, result) = reload::first_build(&options.build);
            live = kept;
            result
        }
        (true, false) => reload::report(
            &options.build,
            crate::build::build(&options.build).map(|r| (r.summary(), r.warnings)),
        ),
    };
    if let Err(failure) = first {
        if !options.watch || !output.join(crate::output::META_DIR).is_dir() {
            return Err(ServeError::BuildFailed);
        }
        eprintln!("Serving the last good build in {}.", output.display());
        initial_error = Some(reload::overlay_text(&options.build, &failure));
    }
    let snapshot = Snapshot::load(&output).map_err(|source| ServeError::NoSite {
        output: output.clone(),
        source,
    })?;
    let store = runtime
        .block_on(Store::open(&options.feedback_db))
        .map_err(ServeError::FeedbackStore)?;
    let recorder = insights::recorder(&options)?;
    let base_url = match &options.build.base_url {
        Some(url) => Some(url.clone()),
        None => match crate::config::Config::load(&options.build.root) {
            Ok(config) => Some(config.base_url),
            Err(d) => {
                tracing::warn!(
                    "{d}: posts must come from the bound address or an --allowed-host name"
                );
                None
            }
        },
    };
    let base_path = base_url
        .as_deref()
        .map_or_else(String::new, crate::config::base_path_of);
    let addr = listener
        .local_addr()
        .map_err(|e| listen_error(&options, e))?;
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let state = Arc::new(AppState {
        output,
        base_path,
        watch: options.watch,
        snapshot: ArcSwap::from_pointee(snapshot),
        feedback: store,
        insights: recorder,
        limiter: limit::RateLimiter::new(options.rate_limit, Duration::from_secs(60)),
        hosts: origin::Hosts::new(base_url.as_deref(), addr, &options.allowed_hosts),
        proxies: origin::Proxies::new(options.trusted_proxies.clone()),
        compressed: compress::Cache::new(compress::DEFAULT_BUDGET),
        connections: Arc::default(),
        reload: reload::Hub::new(initial_error),
        shutdown: shutdown_rx,
    });
    let result = runtime.block_on(async {
        let result = serve(state.clone(), &options, listener, shutdown_tx, live).await;
        state.feedback.close().await;
        result
    });
    runtime.shutdown_timeout(Duration::from_secs(1));
    state.insights.close();
    result
}

fn listen_error(options: &ServeOptions, source: std::io::Error) -> ServeError {
    let (bind, port) = (options.bind, options.port);
    match source.kind() {
        std::io::ErrorKind::AddrInUse => ServeError::PortInUse { bind, port },
        std::io::ErrorKind::AddrNotAvailable => ServeError::NoSuchAddress { bind, port },
        _ => ServeError::Listen { bind, port, source },
    }
}

async fn serve(
    state: Shared,
    options: &ServeOptions,
    listener: tokio::net::TcpListener,
    shutdown_tx: watch::Sender<bool>,
    live: Option<crate::live::LiveBuild>,
) -> Result<(), ServeError> {
    let addr = listener
        .local_addr()
        .map_err(|e| listen_error(options, e))?;
    // Watch before announcing the address: an edit saved right after it must not be lost.
    let _watcher = if options.watch {
        Some(reload::watch(state.clone(), options.build.clone(), live).map_err(ServeError::Watch)?)
    } else {
        None
    };
    let title = state.snapshot.load().title.clone();
    let mut stdout = std::io::stdout();
    let _ = writeln!(
        stdout,
        "Serving {title} at http://{addr}{}/",
        state.base_path
    );
    let _ = stdout.flush();

    let sweeper = tokio::spawn(limit::sweep_forever(state.clone()));

    let app = router(state.clone(), options.request_timeout);
    let limits = conn::Limits {
        header_timeout: options.header_timeout,
        max_connections: conn::effective_max_connections(options.max_connections),
    };
    if limits.max_connections < options.max_connections {
        tracing::info!(
            max_connections = limits.max_connections,
            "connections limited to fit the open-file limit"
        );
    }
    tokio::spawn(async move {
        shutdown_signal().await;
        eprintln!("Shutting down: finishing requests in flight…");
        let _ = shutdown_tx.send(true);
    });
    let tracker = state.connections.clone();
    conn::serve(
        listener,
        app,
        limits,
        tracker.clone(),
        state.shutdown.clone(),
    )
    .await;
    // Idle connections close at once; requests in flight get SHUTDOWN_GRACE to finish.
    let deadline = tokio::time::Instant::now() + SHUTDOWN_GRACE;
    while tracker.len() > 0 {
        if tokio::time::Instant::now() >= deadline {
            eprintln!("Requests still running after {SHUTDOWN_GRACE:?}; stopping anyway.");
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    sweeper.abort();
    Ok(())
}

fn router(state: Shared, request_timeout: Duration) -> Router {
    let state_base = state.base_path.clone();
    let app = Router::new()
        .route("/healthz", get(api::healthz))
        .route("/api/search", get(api::search))
        .route("/api/feedback", post(feedback::post))
        .route("/api/search/click", post(insights::click))
        .fallback(static_files::serve)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ));
    // Added after the timeout: the event stream stays open as long as the page.
    let app = if state.watch {
        app.route(reload::EVENTS_PATH, get(reload::events))
            .route(reload::SCRIPT_PATH, get(reload::script))
    } else {
        app
    };
    let mut app = app.with_state(state).layer(CompressionLayer::new());
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        app = app.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    let app = app.layer(
        TraceLayer::new_for_http()
            .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
            .on_response(DefaultOnResponse::new().level(Level::INFO)),
    );
    if state_base.is_empty() {
        return app;
    }
    // Routing sees paths without the base path: taken off before the router runs.
    let strip = tower::util::MapRequestLayer::new(move |request: axum::extract::Request| {
        without_base_path(request, &state_base)
    });
    Router::new().fallback_service(tower::Layer::layer(&strip, app))
}

/// `request` with `base` (`/help`) taken off the front of its path: `/help/billing/?q` →
/// `/billing/?q`, `/help` → `/`. Other paths stay.
fn without_base_path(mut request: axum::extract::Request, base: &str) -> axum::extract::Request {
    let uri = request.uri();
    let Some(rest) = uri.path().strip_prefix(base) else {
        return request;
    };
    if !(rest.is_empty() || rest.starts_with('/')) {
        return request;
    }
    let path = if rest.is_empty() { "/" } else { rest };
    let path_and_query = match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_string(),
    };
    let mut parts = uri.clone().into_parts();
    if let Ok(stripped) = path_and_query.parse() {
        parts.path_and_query = Some(stripped);
        if let Ok(uri) = axum::http::Uri::from_parts(parts) {
            *request.uri_mut() = uri;
        }
    }
    request
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

/// A JSON error answer: `{"error": "…"}`.
pub(crate) fn json_error(status: StatusCode, message: impl Into<String>) -> Response {
    (
        status,
        axum::Json(serde_json::json!({ "error": message.into() })),
    )
        .into_response()
}
