//! Where the counts live: the [`Store`] interface, and [`SqliteStore`] on the feedback
//! database (tables `search_queries` and `search_clicks`, created by its migration 3).
//!
//! [`super::PostgresStore`] implements [`Store`] on PostgreSQL with the same upserts (standard
//! `INSERT … ON CONFLICT … DO UPDATE` with qualified column names, which both accept).

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::{Connection, params};
use serde::Serialize;

use crate::feedback::Feedback;

/// A database failure, whatever the backend.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the insights database failed: {0}")]
pub struct StoreError(pub String);

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(e.to_string())
    }
}

/// What one (day, language, normalized query) gained in a batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Count {
    pub searches: u64,
    /// The total of hits of the latest search (when `searches > 0`).
    pub hits: u64,
    /// The first hit's URL of the latest search.
    pub first_url: Option<String>,
    /// Result position (1 = first) → opens.
    pub clicks: BTreeMap<u32, u64>,
}

/// (day `YYYY-MM-DD`, language, normalized query).
pub type Key = (String, String, String);

/// A batch of counts, one entry per key: many events, one upsert per query.
pub type Counts = BTreeMap<Key, Count>;

/// One stored row with its clicks: a query's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryDay {
    pub day: String,
    pub lang: String,
    pub query: String,
    pub searches: u64,
    /// Hits of the latest search that day; `None` when only opens were recorded.
    pub hits: Option<u64>,
    pub first_url: Option<String>,
    /// Result position (1 = first) → opens.
    pub clicks: BTreeMap<u32, u64>,
}

/// The search-event store: written by the recorder's thread, read by `helpcenter insights`.
pub trait Store: Send {
    /// Add a batch of counts, in one transaction.
    fn add(&mut self, counts: &Counts) -> Result<(), StoreError>;
    /// Delete every day before `first_kept` (`YYYY-MM-DD`); returns how many query rows went.
    fn purge(&mut self, first_kept: &str) -> Result<usize, StoreError>;
    /// Every query row on or after `since` (`YYYY-MM-DD`), oldest day first.
    fn queries(&self, since: Option<&str>) -> Result<Vec<QueryDay>, StoreError>;
    /// The reader feedback received on or after `since` (same database, for the report).
    fn feedback(&self, since: Option<&str>) -> Result<Vec<Feedback>, StoreError>;
}

/// The SQLite store: the feedback database file, its own connection.
pub struct SqliteStore {
    conn: Connection,
}

impl SqliteStore {
    /// Open (creating and migrating) the database. Counts are not worth an fsync each:
    /// `synchronous=NORMAL` on this connection (WAL: a crash may lose the last batch, never
    /// corrupt the file); feedback's own connection stays `FULL`.
    pub fn open(path: &Path) -> Result<SqliteStore, crate::feedback::OpenError> {
        let conn = crate::feedback::open(path)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|source| crate::feedback::OpenError::Sqlite {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(SqliteStore { conn })
    }

    /// The connection, for tests and tools.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

impl Store for SqliteStore {
    fn add(&mut self, counts: &Counts) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut query = tx.prepare_cached(
                "INSERT INTO search_queries (day, lang, query, searches, hits, first_url)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (day, lang, query) DO UPDATE SET
                   searches = search_queries.searches + excluded.searches,
                   hits = CASE WHEN excluded.searches > 0 THEN excluded.hits
                               ELSE search_queries.hits END,
                   first_url = CASE WHEN excluded.searches > 0 THEN excluded.first_url
                                    ELSE search_queries.first_url END",
            )?;
            let mut click = tx.prepare_cached(
                "INSERT INTO search_clicks (day, lang, query, position, clicks)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (day, lang, query, position) DO UPDATE SET
                   clicks = search_clicks.clicks + excluded.clicks",
            )?;
            for ((day, lang, q), count) in counts {
                let searched = count.searches > 0;
                query.execute(params![
                    day,
                    lang,
                    q,
                    count.searches as i64,
                    searched.then_some(count.hits as i64),
                    count.first_url.as_deref().filter(|_| searched),
                ])?;
                for (position, clicks) in &count.clicks {
                    click.execute(params![day, lang, q, position, *clicks as i64])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn purge(&mut self, first_kept: &str) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM search_clicks WHERE day < ?1", [first_kept])?;
        let gone = tx.execute("DELETE FROM search_queries WHERE day < ?1", [first_kept])?;
        tx.commit()?;
        Ok(gone)
    }

    fn queries(&self, since: Option<&str>) -> Result<Vec<QueryDay>, StoreError> {
        let since = since.unwrap_or("");
        let mut stmt = self.conn.prepare(
            "SELECT day, lang, query, searches, hits, first_url FROM search_queries
             WHERE day >= ?1 ORDER BY day, lang, query",
        )?;
        let mut rows: BTreeMap<Key, QueryDay> = BTreeMap::new();
        for row in stmt.query_map([since], |r| {
            Ok(QueryDay {
                day: r.get(0)?,
                lang: r.get(1)?,
                query: r.get(2)?,
                searches: r.get::<_, i64>(3)?.max(0) as u64,
                hits: r.get::<_, Option<i64>>(4)?.map(|h| h.max(0) as u64),
                first_url: r.get(5)?,
                clicks: BTreeMap::new(),
            })
        })? {
            let row = row?;
            rows.insert((row.day.clone(), row.lang.clone(), row.query.clone()), row);
        }
        let mut stmt = self.conn.prepare(
            "SELECT day, lang, query, position, clicks FROM search_clicks WHERE day >= ?1",
        )?;
        let clicks = stmt.query_map([since], |r| {
            Ok((
                (r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?),
                r.get::<_, i64>(3)?.max(0) as u32,
                r.get::<_, i64>(4)?.max(0) as u64,
            ))
        })?;
        for click in clicks {
            let (key, position, n) = click?;
            if let Some(row) = rows.get_mut(&key) {
                *row.clicks.entry(position).or_default() += n;
            }
        }
        Ok(rows.into_values().collect())
    }

    fn feedback(&self, since: Option<&str>) -> Result<Vec<Feedback>, StoreError> {
        let since = since.map(|day| format!("{day}T00:00:00.000Z"));
        Ok(crate::feedback::rows(&self.conn, since.as_deref())?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(day: &str, q: &str) -> Key {
        (day.into(), "en".into(), q.into())
    }

    #[test]
    fn upserts_add_up_and_purge_deletes_old_days() {
        let tmp = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(&tmp.path().join("f.sqlite3")).unwrap();
        let mut batch = Counts::new();
        batch.insert(
            key("2025-01-01", "billing"),
            Count {
                searches: 2,
                hits: 5,
                first_url: Some("/billing/".into()),
                clicks: [(1, 1)].into(),
            },
        );
        store.add(&batch).unwrap();
        let mut batch = Counts::new();
        batch.insert(
            key("2025-01-01", "billing"),
            Count {
                clicks: [(1, 2), (3, 1)].into(),
                ..Count::default()
            },
        );
        batch.insert(
            key("2025-02-01", "refund"),
            Count {
                searches: 1,
                ..Count::default()
            },
        );
        store.add(&batch).unwrap();
        let rows = store.queries(None).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].searches, 2);
        assert_eq!(rows[0].hits, Some(5), "an open keeps the last hits");
        assert_eq!(rows[0].first_url.as_deref(), Some("/billing/"));
        assert_eq!(rows[0].clicks, [(1, 3), (3, 1)].into());
        assert_eq!((rows[1].hits, rows[1].first_url.clone()), (Some(0), None));
        assert_eq!(store.purge("2025-01-15").unwrap(), 1);
        let rows = store.queries(None).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].query, "refund");
        let left: i64 = store
            .connection()
            .query_row("SELECT COUNT(*) FROM search_clicks", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
    }
}
