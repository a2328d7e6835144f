//! The one thread that writes feedback. Requests queue on a bounded channel; the thread takes
//! everything waiting (up to [`MAX_BATCH`]) into one transaction, commits (fsync), then answers
//! each request. Under load many rows share one fsync (group commit); the async runtime never
//! touches the database.

use std::path::Path;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::NewFeedback;

const QUEUE: usize = 4096;
const MAX_BATCH: usize = 512;

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum StoreError {
    #[error("too many feedback entries waiting to be stored; try again")]
    Busy,
    #[error("the feedback store is closed")]
    Closed,
    /// The disk (or the database's size limit) is full: nothing was stored.
    #[error("the server is out of storage for feedback; try again later")]
    Full,
    #[error("the feedback database failed: {0}")]
    Database(String),
}

type Reply = oneshot::Sender<Result<i64, StoreError>>;

enum Msg {
    Insert(NewFeedback, Reply),
    Close,
}

pub struct Writer {
    tx: SyncSender<Msg>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Writer {
    /// Open the database (migrating it) and start the writer thread.
    pub fn start(path: &Path) -> rusqlite::Result<Writer> {
        Ok(Writer::with_connection(super::open(path)?))
    }

    /// Start the writer thread on an open, migrated database.
    pub fn with_connection(conn: Connection) -> Writer {
        let (tx, rx) = sync_channel(QUEUE);
        let thread = std::thread::Builder::new()
            .name("feedback-writer".into())
            .spawn(move || run(conn, rx))
            .expect("spawn feedback writer");
        Writer {
            tx,
            thread: Mutex::new(Some(thread)),
        }
    }

    /// Store a row; resolves once it is committed to disk.
    pub async fn insert(&self, row: NewFeedback) -> Result<i64, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .try_send(Msg::Insert(row, reply))
            .map_err(|e| match e {
                TrySendError::Full(_) => StoreError::Busy,
                TrySendError::Disconnected(_) => StoreError::Closed,
            })?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Finish what is queued, close the database cleanly and stop the thread. Idempotent.
    pub fn close(&self) {
        let Some(thread) = self.thread.lock().expect("writer lock").take() else {
            return;
        };
        let _ = self.tx.send(Msg::Close);
        let _ = thread.join();
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.close();
    }
}

/// SQLITE_FULL (the disk, or `max_page_count`), or ENOSPC/EDQUOT surfacing as an I/O error.
fn is_full(e: &rusqlite::Error) -> bool {
    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) {
        return true;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && matches!(io.raw_os_error(), Some(libc::ENOSPC | libc::EDQUOT))
        {
            return true;
        }
        source = err.source();
    }
    false
}

fn run(mut conn: Connection, rx: Receiver<Msg>) {
    let mut closing = false;
    while !closing {
        let Ok(first) = rx.recv() else { break };
        let mut batch = Vec::new();
        let mut msg = Some(first);
        while let Some(m) = msg.take() {
            match m {
                Msg::Insert(row, reply) => batch.push((row, reply)),
                Msg::Close => closing = true,
            }
            if closing || batch.len() >= MAX_BATCH {
                break;
            }
            msg = rx.try_recv().ok();
        }
        if batch.is_empty() {
            continue;
        }
        let (rows, replies): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
        match super::insert_all(&mut conn, &rows) {
            Ok(ids) => {
                for (reply, id) in replies.into_iter().zip(ids) {
                    let _ = reply.send(Ok(id));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot store feedback");
                let error = if is_full(&e) {
                    StoreError::Full
                } else {
                    StoreError::Database(e.to_string())
                };
                for reply in replies {
                    let _ = reply.send(Err(error.clone()));
                }
            }
        }
    }
    if let Err((_, e)) = conn.close() {
        tracing::error!(error = %e, "closing the feedback database");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(comment: String) -> NewFeedback {
        NewFeedback {
            page: "/a/".into(),
            content_hash: "h".into(),
            helpful: true,
            comment: Some(comment),
        }
    }

    /// A database that cannot grow answers `Full`, and every row acknowledged before is kept.
    #[tokio::test]
    async fn a_full_database_is_reported_as_full_and_loses_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f.sqlite3");
        let conn = super::super::open(&path).unwrap();
        let pages: u64 = conn
            .pragma_query_value(None, "page_count", |r| r.get(0))
            .unwrap();
        conn.pragma_update(None, "max_page_count", pages + 4)
            .unwrap();
        let writer = Writer::with_connection(conn);
        let mut stored = 0;
        let mut outcome = None;
        for i in 0..200 {
            match writer
                .insert(row(format!("{i} {}", "x".repeat(1500))))
                .await
            {
                Ok(_) => stored += 1,
                Err(e) => {
                    outcome = Some(e);
                    break;
                }
            }
        }
        assert_eq!(outcome, Some(StoreError::Full), "after {stored} rows");
        assert!(stored > 0);
        writer.close();
        let conn = super::super::open(&path).unwrap();
        assert_eq!(super::super::rows(&conn, None).unwrap().len(), stored);
    }
}
