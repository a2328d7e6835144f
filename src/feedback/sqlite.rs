//! The SQLite backend: the file, its migrations, and the one thread that writes feedback.
//! Requests queue on a bounded channel; the thread takes everything waiting (up to
//! 512) into one transaction, commits (fsync), then answers each request. Under load
//! many rows share one fsync (group commit); the async runtime never touches the database.

use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rusqlite::{Connection, TransactionBehavior, params};
use tokio::sync::oneshot;

use super::{
    Feedback, Health, LastOutcome, MIGRATIONS, Msg, NewFeedback, OpenError, StoreError, gather,
    new_uid, now_utc, schema_version,
};

const QUEUE: usize = 4096;

/// Open (creating if needed) and migrate the database.
pub fn open(path: &Path) -> Result<Connection, OpenError> {
    let error = |source| OpenError::Sqlite {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        let _ = std::fs::create_dir_all(parent);
    }
    let mut conn = Connection::open(path).map_err(error)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(error)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(error)?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(error)?;
    match migrate(&mut conn).map_err(error)? {
        Ok(()) => Ok(conn),
        Err(found) => Err(OpenError::TooNew {
            location: path.display().to_string(),
            found,
            known: schema_version(),
        }),
    }
}

/// Apply the migrations this database has not seen yet, in one transaction that holds the
/// write lock (two processes starting together apply each once). A database from before
/// `schema_migrations` counted its version in `PRAGMA user_version`, which is kept in step.
/// `Ok(Err(version))`: the database is newer than this helpcenter.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<Result<(), i64>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )",
    )?;
    let mut applied: i64 = tx.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?;
    let legacy: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if applied == 0 && legacy > 0 {
        for m in MIGRATIONS.iter().take_while(|m| m.version <= legacy) {
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                params![m.version, m.name, now_utc()],
            )?;
        }
        applied = legacy;
    }
    if applied > schema_version() {
        return Ok(Err(applied));
    }
    for m in MIGRATIONS.iter().filter(|m| m.version > applied) {
        tx.execute_batch(m.sqlite)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            params![m.version, m.name, now_utc()],
        )?;
        tx.pragma_update(None, "user_version", m.version)?;
    }
    tx.commit()?;
    Ok(Ok(()))
}

/// Insert rows in one transaction (one fsync for the lot). Returns their ids.
pub fn insert_all(conn: &mut Connection, rows: &[NewFeedback]) -> rusqlite::Result<Vec<i64>> {
    let tx = conn.transaction()?;
    let now = now_utc();
    let mut ids = Vec::with_capacity(rows.len());
    {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO feedback (uid, received_at, page, content_hash, helpful, comment)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for row in rows {
            stmt.execute(params![
                new_uid(),
                now,
                row.page,
                row.content_hash,
                row.helpful,
                row.comment
            ])?;
            ids.push(tx.last_insert_rowid());
        }
    }
    tx.commit()?;
    Ok(ids)
}

/// Rows received at or after `since` (an RFC 3339 prefix such as `2025-01-31`), oldest first.
pub fn rows(conn: &Connection, since: Option<&str>) -> rusqlite::Result<Vec<Feedback>> {
    let mut stmt = conn.prepare(
        "SELECT id, uid, received_at, page, content_hash, helpful, comment FROM feedback
         WHERE received_at >= ?1 ORDER BY received_at, id",
    )?;
    stmt.query_map([since.unwrap_or("")], |r| {
        Ok(Feedback {
            id: r.get(0)?,
            uid: r.get(1)?,
            received_at: r.get(2)?,
            page: r.get(3)?,
            content_hash: r.get(4)?,
            helpful: r.get(5)?,
            comment: r.get(6)?,
        })
    })?
    .collect()
}

/// The applied migrations' versions, oldest first.
#[cfg(test)]
fn applied_versions(conn: &Connection) -> rusqlite::Result<Vec<i64>> {
    let mut stmt = conn.prepare("SELECT version FROM schema_migrations ORDER BY version")?;
    stmt.query_map([], |r| r.get(0))?.collect()
}

pub struct Writer {
    tx: SyncSender<Msg>,
    thread: Mutex<Option<JoinHandle<()>>>,
    last: Arc<LastOutcome>,
}

impl Writer {
    /// Open the database (migrating it) and start the writer thread.
    pub fn start(path: &Path) -> Result<Writer, OpenError> {
        Ok(Writer::with_connection(open(path)?))
    }

    /// Start the writer thread on an open, migrated database.
    pub fn with_connection(conn: Connection) -> Writer {
        let (tx, rx) = sync_channel(QUEUE);
        let last = Arc::new(LastOutcome::default());
        let outcome = last.clone();
        let thread = std::thread::Builder::new()
            .name("feedback-writer".into())
            .spawn(move || run(conn, rx, &outcome))
            .expect("spawn feedback writer");
        Writer {
            tx,
            thread: Mutex::new(Some(thread)),
            last,
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

    /// The last commit's outcome; closed when the writer has stopped.
    pub fn health(&self) -> Health {
        let stopped = self
            .thread
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .is_none_or(|t| t.is_finished());
        let error = if stopped {
            Some(StoreError::Closed.to_string())
        } else {
            self.last.get()
        };
        Health {
            store: "sqlite",
            available: error.is_none(),
            error,
        }
    }

    /// Finish what is queued, close the database cleanly and stop the thread. Idempotent.
    pub fn close(&self) {
        let Some(thread) = self.thread.lock().unwrap_or_else(|e| e.into_inner()).take() else {
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

fn run(mut conn: Connection, rx: Receiver<Msg>, last: &LastOutcome) {
    let mut closing = false;
    while !closing {
        let Ok(first) = rx.recv() else { break };
        let (rows, replies, close) = gather(first, || rx.try_recv().ok());
        closing = close;
        if rows.is_empty() {
            continue;
        }
        match insert_all(&mut conn, &rows) {
            Ok(ids) => {
                last.set(None);
                for (reply, id) in replies.into_iter().zip(ids) {
                    let _ = reply.send(Ok(id));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot store feedback");
                last.set(Some(e.to_string()));
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
        let conn = open(&path).unwrap();
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
        let conn = open(&path).unwrap();
        assert_eq!(rows(&conn, None).unwrap().len(), stored);
    }

    #[test]
    fn migrates_inserts_and_reads() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f.sqlite3");
        let mut conn = open(&path).unwrap();
        let one = row("ok".into());
        assert_eq!(insert_all(&mut conn, &[one.clone(), one]).unwrap().len(), 2);
        drop(conn);
        let conn = open(&path).unwrap(); // re-running migrations is a no-op
        assert_eq!(
            applied_versions(&conn).unwrap(),
            (1..=crate::feedback::schema_version()).collect::<Vec<_>>()
        );
        let all = rows(&conn, None).unwrap();
        assert_eq!(all.len(), 2);
        assert!(all[0].received_at.ends_with('Z'));
        assert_ne!(all[0].uid, all[1].uid);
        assert!(rows(&conn, Some("9999")).unwrap().is_empty());
    }

    /// A database of the first release (version in `user_version`, no uid) is brought up to
    /// date: its rows get unique keys, nothing is applied twice.
    #[test]
    fn a_database_from_before_schema_migrations_is_upgraded() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("old.sqlite3");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0].sqlite).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO feedback (received_at, page, content_hash, helpful, comment)
             VALUES ('2025-01-01T00:00:00.000Z', '/a/', 'h', 1, NULL),
                    ('2025-01-02T00:00:00.000Z', '/b/', 'h', 0, 'no')",
            [],
        )
        .unwrap();
        drop(conn);
        let conn = open(&path).unwrap();
        assert_eq!(
            applied_versions(&conn).unwrap(),
            (1..=crate::feedback::schema_version()).collect::<Vec<_>>()
        );
        let all = rows(&conn, None).unwrap();
        assert_eq!(all.len(), 2);
        assert!(all.iter().all(|r| r.uid.len() == 32), "{all:?}");
        assert_ne!(all[0].uid, all[1].uid);
    }

    #[test]
    fn a_newer_database_is_refused_by_name() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("new.sqlite3");
        drop(open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.execute(
            "INSERT INTO schema_migrations VALUES (99, 'future', '2030-01-01T00:00:00.000Z')",
            [],
        )
        .unwrap();
        drop(conn);
        let err = open(&path).unwrap_err().to_string();
        assert!(
            err.contains("schema version 99") && err.contains("upgrade"),
            "{err}"
        );
    }
}
