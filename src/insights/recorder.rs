//! The recorder: events in on a bounded channel with a non-blocking send (a full queue drops
//! the event and counts the drop: a search never waits for the database), one thread that
//! folds them into [`Counts`] and writes each batch in one transaction.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::store::{Count, Counts, Store};
use super::{Settings, first_kept_day, normalize, today};

/// Events waiting at most; past that they are dropped (and counted).
const QUEUE: usize = 8192;
/// Events folded into one transaction at most.
const MAX_BATCH: usize = 4096;
/// How long the thread gathers events after the first of a batch before writing.
const GATHER: Duration = Duration::from_millis(200);
/// How often old days are deleted (besides on start).
const PURGE_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// What a request hands over: the raw query (normalized and masked on the writer thread).
enum Event {
    Search {
        query: String,
        lang: String,
        hits: u64,
        first_url: Option<String>,
    },
    Open {
        query: String,
        lang: String,
        position: u32,
    },
}

enum Msg {
    Event(Event),
    Close,
}

/// Counters for `/healthz`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RecorderStats {
    pub enabled: bool,
    /// Events handed to the writer thread.
    pub recorded: u64,
    /// Events dropped because the queue was full (or the store closed).
    pub dropped: u64,
    /// Batches the store refused (logged).
    pub failed_batches: u64,
}

#[derive(Default)]
struct Counters {
    recorded: AtomicU64,
    dropped: AtomicU64,
    failed: AtomicU64,
}

pub struct Recorder {
    tx: Option<SyncSender<Msg>>,
    counters: std::sync::Arc<Counters>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Recorder {
    /// Recording off: every call is a no-op.
    pub fn off() -> Recorder {
        Recorder {
            tx: None,
            counters: Default::default(),
            thread: Mutex::new(None),
        }
    }

    /// Delete the days past retention now, then start the writer thread (which deletes them
    /// again every day).
    pub fn start(mut store: Box<dyn Store>, settings: &Settings) -> Recorder {
        if !settings.enabled {
            return Recorder::off();
        }
        let retention = settings.retention_days;
        purge(store.as_mut(), retention);
        let (tx, rx) = sync_channel(QUEUE);
        let counters: std::sync::Arc<Counters> = Default::default();
        let shared = counters.clone();
        let thread = std::thread::Builder::new()
            .name("insights-writer".into())
            .spawn(move || run(store, rx, retention, &shared))
            .expect("spawn insights writer");
        Recorder {
            tx: Some(tx),
            counters,
            thread: Mutex::new(Some(thread)),
        }
    }

    pub fn enabled(&self) -> bool {
        self.tx.is_some()
    }

    /// A search answered: its text as typed, the language searched, the total of hits and
    /// the first hit's URL.
    pub fn searched(&self, query: &str, lang: &str, hits: usize, first_url: Option<&str>) {
        if self.tx.is_some() {
            self.send(Event::Search {
                query: query.to_string(),
                lang: lang.to_string(),
                hits: hits as u64,
                first_url: first_url.map(str::to_string),
            });
        }
    }

    /// A reader opened the result at `position` (1 = first) of a search.
    pub fn opened(&self, query: &str, lang: &str, position: u32) {
        if self.tx.is_some() {
            self.send(Event::Open {
                query: query.to_string(),
                lang: lang.to_string(),
                position,
            });
        }
    }

    fn send(&self, event: Event) {
        let Some(tx) = &self.tx else { return };
        match tx.try_send(Msg::Event(event)) {
            Ok(()) => self.counters.recorded.fetch_add(1, Ordering::Relaxed),
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.counters.dropped.fetch_add(1, Ordering::Relaxed)
            }
        };
    }

    pub fn stats(&self) -> RecorderStats {
        RecorderStats {
            enabled: self.enabled(),
            recorded: self.counters.recorded.load(Ordering::Relaxed),
            dropped: self.counters.dropped.load(Ordering::Relaxed),
            failed_batches: self.counters.failed.load(Ordering::Relaxed),
        }
    }

    /// Write what is queued and stop the thread. Idempotent.
    pub fn close(&self) {
        let Some(thread) = self.thread.lock().expect("recorder lock").take() else {
            return;
        };
        if let Some(tx) = &self.tx {
            let _ = tx.send(Msg::Close);
        }
        let _ = thread.join();
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.close();
    }
}

fn purge(store: &mut dyn Store, retention_days: u32) {
    match store.purge(&first_kept_day(retention_days)) {
        Ok(0) => {}
        Ok(n) => tracing::info!(rows = n, "search insights: deleted days past retention"),
        Err(e) => tracing::error!(error = %e, "search insights: cannot delete old days"),
    }
}

/// Fold an event into the batch.
fn add(counts: &mut Counts, day: &str, event: Event) {
    match event {
        Event::Search {
            query,
            lang,
            hits,
            first_url,
        } => {
            let query = normalize(&query);
            if query.is_empty() {
                return;
            }
            let count = counts.entry((day.to_string(), lang, query)).or_default();
            count.searches += 1;
            count.hits = hits;
            count.first_url = first_url;
        }
        Event::Open {
            query,
            lang,
            position,
        } => {
            let query = normalize(&query);
            if query.is_empty() {
                return;
            }
            let count: &mut Count = counts.entry((day.to_string(), lang, query)).or_default();
            *count.clicks.entry(position).or_default() += 1;
        }
    }
}

fn run(mut store: Box<dyn Store>, rx: Receiver<Msg>, retention_days: u32, counters: &Counters) {
    let mut last_purge = Instant::now();
    let mut closing = false;
    while !closing {
        let first = match rx.recv_timeout(PURGE_EVERY) {
            Ok(msg) => Some(msg),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        if last_purge.elapsed() >= PURGE_EVERY {
            purge(store.as_mut(), retention_days);
            last_purge = Instant::now();
        }
        let Some(first) = first else { continue };
        let day = today();
        let mut counts = Counts::new();
        let mut events = 0;
        let deadline = Instant::now() + GATHER;
        let mut msg = Some(first);
        while let Some(m) = msg.take() {
            match m {
                Msg::Event(event) => {
                    add(&mut counts, &day, event);
                    events += 1;
                }
                Msg::Close => closing = true,
            }
            if closing || events >= MAX_BATCH {
                break;
            }
            let wait = deadline.saturating_duration_since(Instant::now());
            msg = match rx.recv_timeout(wait) {
                Ok(m) => Some(m),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => {
                    closing = true;
                    None
                }
            };
        }
        if counts.is_empty() {
            continue;
        }
        if let Err(e) = store.add(&counts) {
            counters.failed.fetch_add(1, Ordering::Relaxed);
            tracing::error!(error = %e, events, "search insights: cannot store a batch");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::SqliteStore;

    #[test]
    fn events_are_folded_masked_and_written() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f.sqlite3");
        let store = SqliteStore::open(&path).unwrap();
        let recorder = Recorder::start(Box::new(store), &Settings::default());
        recorder.searched("Refund  ana@example.com", "en", 0, None);
        recorder.searched("refund [email]", "en", 0, None);
        recorder.searched("Billing", "en", 4, Some("/billing/"));
        recorder.opened("billing", "en", 2);
        recorder.searched("   ", "en", 0, None);
        recorder.close();
        assert_eq!(recorder.stats().dropped, 0);
        let store = SqliteStore::open(&path).unwrap();
        let rows = store.queries(None).unwrap();
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!((rows[0].query.as_str(), rows[0].searches), ("billing", 1));
        assert_eq!(rows[0].clicks, [(2, 1)].into());
        assert_eq!(
            (rows[1].query.as_str(), rows[1].searches),
            ("refund [email]", 2)
        );
    }

    /// A store stuck in a write: the queue fills, further events are dropped and counted, and
    /// no caller ever waits.
    #[test]
    fn a_full_queue_drops_and_never_blocks() {
        use crate::feedback::Feedback;
        use crate::insights::{QueryDay, StoreError};
        struct Stuck(std::sync::mpsc::Receiver<()>);
        impl Store for Stuck {
            fn add(&mut self, _: &Counts) -> Result<(), StoreError> {
                let _ = self.0.recv();
                Ok(())
            }
            fn purge(&mut self, _: &str) -> Result<usize, StoreError> {
                Ok(0)
            }
            fn queries(&self, _: Option<&str>) -> Result<Vec<QueryDay>, StoreError> {
                Ok(Vec::new())
            }
            fn feedback(&self, _: Option<&str>) -> Result<Vec<Feedback>, StoreError> {
                Ok(Vec::new())
            }
        }
        let (release, stuck) = std::sync::mpsc::channel();
        let recorder = Recorder::start(Box::new(Stuck(stuck)), &Settings::default());
        let started = Instant::now();
        let events = QUEUE + MAX_BATCH + 5000;
        for i in 0..events {
            recorder.searched(&format!("q{i}"), "en", 1, None);
        }
        assert!(started.elapsed() < Duration::from_secs(5));
        let stats = recorder.stats();
        assert!(stats.dropped > 0, "{stats:?}");
        assert_eq!(stats.recorded + stats.dropped, events as u64);
        drop(release);
        recorder.close();
    }

    /// What a search pays for recording: `cargo test --lib request_path_cost -- --ignored
    /// --nocapture`.
    #[test]
    #[ignore]
    fn request_path_cost() {
        let tmp = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&tmp.path().join("f.sqlite3")).unwrap();
        let recorder = Recorder::start(Box::new(store), &Settings::default());
        let n = 200_000;
        let started = Instant::now();
        for i in 0..n {
            recorder.searched(&format!("billing {}", i % 500), "en", 34, Some("/billing/"));
        }
        let each = started.elapsed() / n;
        recorder.close();
        let stats = recorder.stats();
        println!("{each:?} per recorded search; {stats:?}");
    }

    #[test]
    fn off_records_nothing() {
        let recorder = Recorder::off();
        recorder.searched("x", "en", 0, None);
        let stats = recorder.stats();
        assert!(!stats.enabled);
        assert_eq!(stats.recorded + stats.dropped, 0);
    }
}
