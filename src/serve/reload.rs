//! Watch mode: rebuild when `content/`, `themes/` or `site.toml` change, tell open pages over
//! server-sent events (`reload`, or `build-error` with the diagnostics, shown as an overlay by
//! `/__livereload.js` until a build succeeds). A failed build leaves the last good site served.

use std::convert::Infallible;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use axum::extract::State;
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::{Stream, StreamExt, stream};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;

use super::{Shared, Snapshot};
use crate::build::{BuildFailure, BuildOptions};
use crate::diagnostics::Diagnostic;
use crate::diagnostics::counts;
use crate::live::{LiveBuild, Rebuilt};
use crate::render::manifest::Manifest;

pub const EVENTS_PATH: &str = "/__livereload";
pub const SCRIPT_PATH: &str = "/__livereload.js";
const SCRIPT_TAG: &str = "<script src=\"/__livereload.js\" defer></script>";
/// Editors write a save as a burst of events within a few milliseconds; this is short enough
/// to keep an edit-to-reload under 100 ms.
const DEBOUNCE: Duration = Duration::from_millis(30);

const SCRIPT: &str = include_str!("livereload.js");

#[derive(Debug, Clone)]
pub enum Notice {
    Reload,
    Error(String),
}

/// Fans rebuild results out to every open page; remembers the current build error.
pub struct Hub {
    tx: broadcast::Sender<Notice>,
    error: Mutex<Option<String>>,
}

impl Hub {
    pub fn new(error: Option<String>) -> Hub {
        Hub {
            tx: broadcast::channel(16).0,
            error: Mutex::new(error),
        }
    }

    fn succeeded(&self) {
        *self.error.lock().expect("hub lock") = None;
        let _ = self.tx.send(Notice::Reload);
    }

    fn failed(&self, text: String) {
        *self.error.lock().expect("hub lock") = Some(text.clone());
        let _ = self.tx.send(Notice::Error(text));
    }
}

/// `GET /__livereload`: `hello`, then the current error if any, then each rebuild's outcome.
pub async fn events(
    State(state): State<Shared>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = state.reload.tx.subscribe();
    let mut first = vec![Event::default().event("hello").data("watching")];
    if let Some(text) = state.reload.error.lock().expect("hub lock").clone() {
        first.push(Event::default().event("build-error").data(text));
    }
    let updates = BroadcastStream::new(rx).map(|notice| match notice {
        Ok(Notice::Error(text)) => Event::default().event("build-error").data(text),
        // A lagging page missed something: reloading catches it up.
        Ok(Notice::Reload) | Err(_) => Event::default().event("reload").data("reload"),
    });
    let mut shutdown = state.shutdown.clone();
    let stream = stream::iter(first)
        .chain(updates)
        .map(Ok)
        .take_until(async move {
            let _ = shutdown.wait_for(|stopping| *stopping).await;
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
        .into_response()
}

/// Add the live-reload script before `</body>` (or at the end).
pub fn inject(mut html: Vec<u8>) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(at..at, SCRIPT_TAG.bytes());
    html
}

/// Print a build's outcome to the terminal (stderr: stdout holds only the "Serving" line):
/// warnings and the summary, or every error. Gives the failure back.
pub fn report(
    options: &BuildOptions,
    outcome: Result<(String, Vec<Diagnostic>), BuildFailure>,
) -> Result<(), BuildFailure> {
    let color = std::io::stderr().is_terminal();
    match outcome {
        Ok((summary, warnings)) => {
            for d in &warnings {
                eprintln!("{}\n", d.render(&options.root, color));
            }
            eprintln!("{summary}");
            Ok(())
        }
        Err(failure) => {
            let diagnostics = &failure.diagnostics;
            for d in diagnostics {
                eprintln!("{}\n", d.render(&options.root, color));
            }
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "Build failed: {}.",
                counts(errors, diagnostics.len() - errors)
            );
            Err(failure)
        }
    }
}

/// A failed build's diagnostics as plain text, for the overlay open pages show.
pub fn overlay_text(options: &BuildOptions, failure: &BuildFailure) -> String {
    failure
        .diagnostics
        .iter()
        .map(|d| d.render(&options.root, false))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The first build of a watch session, kept in memory for incremental rebuilds.
pub fn first_build(options: &BuildOptions) -> (Option<LiveBuild>, Result<(), BuildFailure>) {
    match LiveBuild::new(options.clone()) {
        Ok((live, built)) => (
            Some(live),
            report(options, Ok((built.summary(), built.warnings))),
        ),
        Err(failure) => (None, report(options, Err(failure))),
    }
}

/// Rebuild after `changed` files changed: only the edited pages when that is enough. Returns
/// what the server must know of the new build, from memory.
fn rebuild(
    options: &BuildOptions,
    live: &mut Option<LiveBuild>,
    changed: &[PathBuf],
) -> Result<Snapshot, BuildFailure> {
    let outcome = match live {
        Some(live) => live.rebuild(changed).map(|rebuilt| match rebuilt {
            Rebuilt::Pages { urls, report } => (
                format!(
                    "Rebuilt {} in {} ms",
                    urls.join(", "),
                    report.elapsed.as_millis()
                ),
                report.warnings,
            ),
            Rebuilt::Full(report) => (report.summary(), report.warnings),
        }),
        None => LiveBuild::new(options.clone()).map(|(new, report)| {
            *live = Some(new);
            (report.summary(), report.warnings)
        }),
    };
    report(options, outcome)?;
    let site = live.as_ref().expect("a successful build is kept").site();
    Ok(Snapshot::of(Manifest::of(site), &options.output_dir()))
}

/// Start watching; the returned watcher stops the watch (and the rebuild thread) when dropped.
///
/// Plain notify rather than notify-debouncer-mini: the build itself opens every source file, and
/// the mini debouncer drops the event kind that tells those reads apart from edits.
pub fn watch(
    state: Shared,
    options: BuildOptions,
    live: Option<LiveBuild>,
) -> notify::Result<RecommendedWatcher> {
    let root = options.root.clone();
    let sources = Sources {
        root: root.clone(),
        output: state.output.clone(),
    };
    let (tx, rx) = mpsc::channel::<Vec<PathBuf>>();
    let mut watcher =
        notify::recommended_watcher(move |event: notify::Result<notify::Event>| match event {
            Ok(event) => {
                let edit = !matches!(event.kind, EventKind::Access(_));
                let paths: Vec<PathBuf> = event
                    .paths
                    .into_iter()
                    .filter(|p| sources.relevant(p))
                    .collect();
                if edit && !paths.is_empty() {
                    let _ = tx.send(paths);
                }
            }
            Err(e) => tracing::warn!(error = %e, "watching the sources"),
        })?;
    for dir in ["content", "themes"] {
        if root.join(dir).is_dir() {
            watcher.watch(&root.join(dir), RecursiveMode::Recursive)?;
        }
    }
    // site.toml is watched through its folder: editors often save by renaming a new file over it.
    watcher.watch(&root, RecursiveMode::NonRecursive)?;
    std::thread::Builder::new()
        .name("rebuild".into())
        .spawn(move || rebuild_loop(rx, &state, &options, live))
        .expect("spawn rebuild thread");
    Ok(watcher)
}

struct Sources {
    root: PathBuf,
    output: PathBuf,
}

impl Sources {
    fn relevant(&self, path: &Path) -> bool {
        if path.starts_with(&self.output) {
            return false;
        }
        path == self.root.join("site.toml")
            || path.starts_with(self.root.join("content"))
            || path.starts_with(self.root.join("themes"))
    }
}

/// One build per burst of changes: wait until the sources have been quiet for [`DEBOUNCE`].
fn rebuild_loop(
    rx: mpsc::Receiver<Vec<PathBuf>>,
    state: &Arc<super::AppState>,
    options: &BuildOptions,
    mut live: Option<LiveBuild>,
) {
    while let Ok(mut changed) = rx.recv() {
        loop {
            match rx.recv_timeout(DEBOUNCE) {
                Ok(more) => {
                    changed.extend(more);
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
        changed.sort();
        changed.dedup();
        match rebuild(options, &mut live, &changed) {
            Ok(snapshot) => {
                state.snapshot.store(Arc::new(snapshot));
                state.reload.succeeded();
            }
            Err(failure) => {
                eprintln!("Still serving the last good site.");
                state.reload.failed(overlay_text(options, &failure));
            }
        }
    }
}
