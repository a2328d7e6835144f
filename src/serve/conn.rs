//! The accept loop and HTTP/1.1 connections, with the limits that keep idle sockets from
//! starving readers:
//!
//! - a connection must deliver a request's complete headers within `header_timeout` of opening
//!   or of its previous response (hyper's header read timeout, which also ends idle keep-alive
//!   connections);
//! - at most `max_connections` are open at once (lowered to fit the open-file limit). A new
//!   connection beyond that closes the connection that has been idle (no request in flight)
//!   longest; when every connection is busy the new one is closed at once;
//! - running out of file descriptors (EMFILE) does the same and never stops the accept loop.
//!
//! Request time is limited by the router (tower-http `TimeoutLayer`), not here.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tower::ServiceExt;

/// File descriptors kept free for what the server opens itself (files, the database, watcher).
const FD_RESERVE: u64 = 128;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub max_connections: usize,
}

/// The open connections: whether each has a request in flight, and since when it is idle.
#[derive(Default)]
pub struct Tracker {
    conns: Mutex<HashMap<u64, Entry>>,
    next: AtomicU64,
    /// Connections closed to make room for new ones (for `/healthz` and tests).
    pub shed: AtomicU64,
}

struct Entry {
    busy: usize,
    idle_since: Instant,
    close: Arc<Notify>,
}

impl Tracker {
    pub fn len(&self) -> usize {
        self.conns.lock().expect("tracker lock").len()
    }

    fn register(&self) -> (u64, Arc<Notify>) {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let close = Arc::new(Notify::new());
        self.conns.lock().expect("tracker lock").insert(
            id,
            Entry {
                busy: 0,
                idle_since: Instant::now(),
                close: close.clone(),
            },
        );
        (id, close)
    }

    fn remove(&self, id: u64) {
        self.conns.lock().expect("tracker lock").remove(&id);
    }

    /// Close the connection idle the longest; false when every connection is busy.
    fn shed_oldest_idle(&self) -> bool {
        let mut conns = self.conns.lock().expect("tracker lock");
        let oldest = conns
            .iter()
            .filter(|(_, e)| e.busy == 0)
            .min_by_key(|(_, e)| e.idle_since)
            .map(|(id, _)| *id);
        match oldest.and_then(|id| conns.remove(&id)) {
            Some(entry) => {
                entry.close.notify_one();
                self.shed.fetch_add(1, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    fn is_busy(&self, id: u64) -> bool {
        self.conns
            .lock()
            .expect("tracker lock")
            .get(&id)
            .is_some_and(|e| e.busy > 0)
    }

    fn begin(self: &Arc<Self>, id: u64) -> Busy {
        if let Some(e) = self.conns.lock().expect("tracker lock").get_mut(&id) {
            e.busy += 1;
        }
        Busy {
            tracker: self.clone(),
            id,
        }
    }
}

/// A request in flight on a connection, until its response body is done or dropped.
struct Busy {
    tracker: Arc<Tracker>,
    id: u64,
}

impl Drop for Busy {
    fn drop(&mut self) {
        if let Some(e) = self
            .tracker
            .conns
            .lock()
            .expect("tracker lock")
            .get_mut(&self.id)
        {
            e.busy = e.busy.saturating_sub(1);
            e.idle_since = Instant::now();
        }
    }
}

/// A response body that keeps its connection marked busy while it is being sent.
struct Tracked {
    inner: Body,
    _busy: Busy,
}

impl http_body::Body for Tracked {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// The connection limit actually used: `wanted`, lowered to fit the open-file limit.
pub fn effective_max_connections(wanted: usize) -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only writes the struct it is given.
    let soft = if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0 {
        limit.rlim_cur
    } else {
        u64::MAX
    };
    let fits = soft.saturating_sub(FD_RESERVE).max(16);
    wanted
        .min(usize::try_from(fits).unwrap_or(usize::MAX))
        .max(1)
}

/// Accept and serve until `shutdown` turns true; then let requests in flight finish (the
/// caller bounds how long) while idle connections are closed at once.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    tracker: Arc<Tracker>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            _ = shutdown.wait_for(|v| *v) => break,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                // EMFILE/ENFILE: make room by closing an idle connection, then try again.
                let exhausted = matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE));
                if !(exhausted && tracker.shed_oldest_idle()) {
                    tracing::warn!(error = %e, "accept failed");
                }
                tokio::time::sleep(Duration::from_millis(if exhausted { 2 } else { 20 })).await;
                continue;
            }
        };
        if tracker.len() >= limits.max_connections && !tracker.shed_oldest_idle() {
            // Every connection has a request in flight: refuse this one quickly.
            drop(stream);
            continue;
        }
        let _ = stream.set_nodelay(true);
        let (id, close) = tracker.register();
        tokio::spawn(connection(
            stream,
            peer,
            app.clone(),
            limits,
            tracker.clone(),
            id,
            close,
            shutdown.clone(),
        ));
    }
    drop(listener);
}

#[allow(clippy::too_many_arguments)]
async fn connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: Limits,
    tracker: Arc<Tracker>,
    id: u64,
    close: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    let service = {
        let tracker = tracker.clone();
        hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            let busy = tracker.begin(id);
            request.extensions_mut().insert(ConnectInfo(peer));
            let response = app.clone().oneshot(request.map(Body::new));
            async move {
                let response = response.await?;
                Ok::<_, std::convert::Infallible>(
                    response.map(|inner| Body::new(Tracked { inner, _busy: busy })),
                )
            }
        })
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    let mut closing = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, %peer, "connection ended");
                }
                break;
            }
            _ = close.notified(), if !closing => {
                if !tracker.is_busy(id) {
                    break;
                }
                closing = true;
                conn.as_mut().graceful_shutdown();
            }
            _ = shutdown.wait_for(|v| *v), if !closing => {
                if !tracker.is_busy(id) {
                    break;
                }
                closing = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
    tracker.remove(id);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheds_the_oldest_idle_connection_only() {
        let tracker = Arc::new(Tracker::default());
        let (a, _) = tracker.register();
        let (b, _) = tracker.register();
        let _busy = tracker.begin(a);
        assert!(tracker.shed_oldest_idle(), "b is idle");
        assert_eq!(tracker.len(), 1);
        assert!(tracker.is_busy(a));
        assert!(!tracker.shed_oldest_idle(), "a is busy");
        drop(_busy);
        assert!(tracker.shed_oldest_idle());
        assert_eq!(tracker.len(), 0);
        let _ = b;
    }

    #[test]
    fn max_connections_fits_the_file_limit() {
        assert!(effective_max_connections(usize::MAX) < usize::MAX);
        assert_eq!(effective_max_connections(10), 10);
    }
}
