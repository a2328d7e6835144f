//! Reader feedback ("was this page helpful?"): a SQLite store shared by the server (which writes
//! through [`Writer`], a dedicated thread with group commits) and the `feedback` commands (export
//! and stats, in [`report`]).
//!
//! Durability: WAL with `synchronous=FULL`, so a committed row survives a crash or `kill -9`; the
//! server answers 2xx only after the commit of the row.

mod report;
mod writer;

use std::path::Path;

use rusqlite::{Connection, params};
use serde::Serialize;

pub use report::{BadSince, Format, PageStats, export, parse_since, stats, write_stats};
pub use writer::{StoreError, Writer};

/// File name of the default database, in the site's root folder.
pub const DEFAULT_DB: &str = "feedback.sqlite3";

/// Versioned schema: migration `i` brings `PRAGMA user_version` from `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE feedback (
        id           INTEGER PRIMARY KEY,
        received_at  TEXT    NOT NULL,
        page         TEXT    NOT NULL,
        content_hash TEXT    NOT NULL,
        helpful      INTEGER NOT NULL CHECK (helpful IN (0, 1)),
        comment      TEXT
    );
    CREATE INDEX feedback_page ON feedback (page);
    CREATE INDEX feedback_received_at ON feedback (received_at);",
    // Search insights (`crate::insights`): per-day counts of each normalized query, and of the
    // result positions readers opened. Plain SQL that PostgreSQL runs as it is.
    "CREATE TABLE search_queries (
        day       TEXT    NOT NULL,
        lang      TEXT    NOT NULL,
        query     TEXT    NOT NULL,
        searches  INTEGER NOT NULL DEFAULT 0,
        hits      INTEGER,
        first_url TEXT,
        PRIMARY KEY (day, lang, query)
    );
    CREATE TABLE search_clicks (
        day      TEXT    NOT NULL,
        lang     TEXT    NOT NULL,
        query    TEXT    NOT NULL,
        position INTEGER NOT NULL,
        clicks   INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, lang, query, position)
    );",
];

/// One reader's answer, as received (validated by the server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFeedback {
    pub page: String,
    pub content_hash: String,
    pub helpful: bool,
    pub comment: Option<String>,
}

/// A stored row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Feedback {
    pub id: i64,
    /// UTC, RFC 3339 with milliseconds (`2025-01-31T08:00:00.000Z`).
    pub received_at: String,
    pub page: String,
    pub content_hash: String,
    pub helpful: bool,
    pub comment: Option<String>,
}

/// Open (creating if needed) and migrate the database.
pub fn open(path: &Path) -> rusqlite::Result<Connection> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        let _ = std::fs::create_dir_all(parent);
    }
    let mut conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    migrate(&mut conn)?;
    Ok(conn)
}

/// Apply the migrations this database has not seen yet, each in its own transaction.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let version: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > MIGRATIONS.len() {
        return Err(rusqlite::Error::InvalidParameterName(format!(
            "the feedback database has schema version {version}, newer than this helpcenter \
             understands ({}); upgrade helpcenter",
            MIGRATIONS.len()
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Insert rows in one transaction (one fsync for the lot). Returns their ids.
pub fn insert_all(conn: &mut Connection, rows: &[NewFeedback]) -> rusqlite::Result<Vec<i64>> {
    let tx = conn.transaction()?;
    let now = now_utc();
    let mut ids = Vec::with_capacity(rows.len());
    {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO feedback (received_at, page, content_hash, helpful, comment)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for row in rows {
            stmt.execute(params![
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
        "SELECT id, received_at, page, content_hash, helpful, comment FROM feedback
         WHERE received_at >= ?1 ORDER BY received_at, id",
    )?;
    stmt.query_map([since.unwrap_or("")], |r| {
        Ok(Feedback {
            id: r.get(0)?,
            received_at: r.get(1)?,
            page: r.get(2)?,
            content_hash: r.get(3)?,
            helpful: r.get(4)?,
            comment: r.get(5)?,
        })
    })?
    .collect()
}

fn now_utc() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_inserts_and_reads() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f.sqlite3");
        let mut conn = open(&path).unwrap();
        let row = NewFeedback {
            page: "/a/".into(),
            content_hash: "h".into(),
            helpful: true,
            comment: Some("ok".into()),
        };
        assert_eq!(insert_all(&mut conn, &[row.clone(), row]).unwrap().len(), 2);
        drop(conn);
        let conn = open(&path).unwrap(); // re-running migrations is a no-op
        let version: usize = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len());
        let all = rows(&conn, None).unwrap();
        assert_eq!(all.len(), 2);
        assert!(all[0].received_at.ends_with('Z'));
        assert!(rows(&conn, Some("9999")).unwrap().is_empty());
    }
}
