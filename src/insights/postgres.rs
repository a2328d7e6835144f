//! The PostgreSQL store: the same tables (migration 3 of the shared schema) in the feedback
//! database that several servers share. [`Store`] is synchronous (the recorder's own thread
//! and `helpcenter insights` call it), so the store owns a small current-thread Tokio runtime
//! and blocks on it; it must not be opened or called inside an async runtime.
//!
//! A batch is one transaction of two multi-row upserts (`unnest` of the batch's columns). A
//! failed call drops its connection; the next one connects again, so the recorder outlives
//! an outage of the database (its batches meanwhile fail and are counted).

use std::collections::BTreeMap;

use deadpool_postgres::{Object, Pool};
use tokio::time::{error::Elapsed, timeout};

use super::store::{Counts, Key, QueryDay, Store, StoreError};
use crate::feedback::postgres::{BATCH_TIMEOUT, connect, describe, describe_pool, migrate, pool};
use crate::feedback::{Feedback, OpenError, PgUrl};

const UPSERT_QUERIES: &str =
    "INSERT INTO search_queries (day, lang, query, searches, hits, first_url)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[])
    ON CONFLICT (day, lang, query) DO UPDATE SET
      searches = search_queries.searches + excluded.searches,
      hits = CASE WHEN excluded.searches > 0 THEN excluded.hits ELSE search_queries.hits END,
      first_url = CASE WHEN excluded.searches > 0 THEN excluded.first_url
                       ELSE search_queries.first_url END";

const UPSERT_CLICKS: &str = "INSERT INTO search_clicks (day, lang, query, position, clicks)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
    ON CONFLICT (day, lang, query, position) DO UPDATE SET
      clicks = search_clicks.clicks + excluded.clicks";

/// The PostgreSQL store: its runtime and a one-connection pool (reconnecting as needed).
pub struct PostgresStore {
    runtime: tokio::runtime::Runtime,
    pool: Pool,
}

impl PostgresStore {
    /// Connect and apply the migrations (as opening the feedback store does). The database
    /// must be reachable now; later outages are survived. Not inside an async runtime.
    pub fn open(url: &PgUrl) -> Result<PostgresStore, OpenError> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(OpenError::Runtime(std::io::Error::other(
                "the insights store blocks: open it outside an async runtime",
            )));
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(OpenError::Runtime)?;
        let pool = runtime.block_on(async {
            let pool = pool(url, 1)?;
            migrate(&mut connect(&pool, url).await?, url).await?;
            Ok::<_, OpenError>(pool)
        })?;
        Ok(PostgresStore { runtime, pool })
    }

    async fn client(&self) -> Result<Object, StoreError> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError(describe_pool(&e)))
    }
}

/// The outcome of a call on `client`: a failed or timed-out call's connection is dropped
/// (its state is unknown; the next call connects again).
fn settle<T>(
    client: Object,
    result: Result<Result<T, tokio_postgres::Error>, Elapsed>,
) -> Result<T, StoreError> {
    match result {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => {
            drop(Object::take(client));
            Err(StoreError(describe(&e)))
        }
        Err(_) => {
            drop(Object::take(client));
            Err(StoreError(format!("no answer within {BATCH_TIMEOUT:?}")))
        }
    }
}

async fn write(client: &mut Object, counts: &Counts) -> Result<(), tokio_postgres::Error> {
    let (mut days, mut langs, mut queries) = (Vec::new(), Vec::new(), Vec::new());
    let (mut searches, mut hits, mut urls) = (Vec::new(), Vec::new(), Vec::new());
    let (mut c_days, mut c_langs, mut c_queries) = (Vec::new(), Vec::new(), Vec::new());
    let (mut positions, mut clicks) = (Vec::new(), Vec::new());
    for ((day, lang, q), count) in counts {
        let searched = count.searches > 0;
        days.push(day.as_str());
        langs.push(lang.as_str());
        queries.push(q.as_str());
        searches.push(count.searches as i64);
        hits.push(searched.then_some(count.hits as i64));
        urls.push(count.first_url.as_deref().filter(|_| searched));
        for (position, n) in &count.clicks {
            c_days.push(day.as_str());
            c_langs.push(lang.as_str());
            c_queries.push(q.as_str());
            positions.push(i64::from(*position));
            clicks.push(*n as i64);
        }
    }
    let tx = client.transaction().await?;
    let statement = tx.prepare_cached(UPSERT_QUERIES).await?;
    tx.execute(
        &statement,
        &[&days, &langs, &queries, &searches, &hits, &urls],
    )
    .await?;
    if !positions.is_empty() {
        let statement = tx.prepare_cached(UPSERT_CLICKS).await?;
        tx.execute(
            &statement,
            &[&c_days, &c_langs, &c_queries, &positions, &clicks],
        )
        .await?;
    }
    tx.commit().await
}

async fn delete_before(
    client: &mut Object,
    first_kept: &str,
) -> Result<u64, tokio_postgres::Error> {
    let tx = client.transaction().await?;
    tx.execute("DELETE FROM search_clicks WHERE day < $1", &[&first_kept])
        .await?;
    let gone = tx
        .execute("DELETE FROM search_queries WHERE day < $1", &[&first_kept])
        .await?;
    tx.commit().await?;
    Ok(gone)
}

async fn read(client: &Object, since: &str) -> Result<Vec<QueryDay>, tokio_postgres::Error> {
    let mut rows: BTreeMap<Key, QueryDay> = BTreeMap::new();
    for r in client
        .query(
            "SELECT day, lang, query, searches, hits, first_url FROM search_queries
             WHERE day >= $1 ORDER BY day, lang, query",
            &[&since],
        )
        .await?
    {
        let row = QueryDay {
            day: r.get(0),
            lang: r.get(1),
            query: r.get(2),
            searches: r.get::<_, i64>(3).max(0) as u64,
            hits: r.get::<_, Option<i64>>(4).map(|h| h.max(0) as u64),
            first_url: r.get(5),
            clicks: BTreeMap::new(),
        };
        rows.insert((row.day.clone(), row.lang.clone(), row.query.clone()), row);
    }
    for r in client
        .query(
            "SELECT day, lang, query, position, clicks FROM search_clicks WHERE day >= $1",
            &[&since],
        )
        .await?
    {
        let key: Key = (r.get(0), r.get(1), r.get(2));
        let position = r.get::<_, i64>(3).clamp(0, i64::from(u32::MAX)) as u32;
        if let Some(row) = rows.get_mut(&key) {
            *row.clicks.entry(position).or_default() += r.get::<_, i64>(4).max(0) as u64;
        }
    }
    Ok(rows.into_values().collect())
}

impl Store for PostgresStore {
    fn add(&mut self, counts: &Counts) -> Result<(), StoreError> {
        if counts.is_empty() {
            return Ok(());
        }
        self.runtime.block_on(async {
            let mut client = self.client().await?;
            let result = timeout(BATCH_TIMEOUT, write(&mut client, counts)).await;
            settle(client, result)
        })
    }

    fn purge(&mut self, first_kept: &str) -> Result<usize, StoreError> {
        self.runtime.block_on(async {
            let mut client = self.client().await?;
            let result = timeout(BATCH_TIMEOUT, delete_before(&mut client, first_kept)).await;
            settle(client, result).map(|n| n as usize)
        })
    }

    fn queries(&self, since: Option<&str>) -> Result<Vec<QueryDay>, StoreError> {
        self.runtime.block_on(async {
            let client = self.client().await?;
            let result = timeout(BATCH_TIMEOUT, read(&client, since.unwrap_or(""))).await;
            settle(client, result)
        })
    }

    fn feedback(&self, since: Option<&str>) -> Result<Vec<Feedback>, StoreError> {
        let since = since.map(|day| format!("{day}T00:00:00.000Z"));
        self.runtime.block_on(async {
            let client = self.client().await?;
            let result = timeout(
                BATCH_TIMEOUT,
                crate::feedback::postgres::rows(&client, since.as_deref()),
            )
            .await;
            settle(client, result)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocking inside the server's runtime would stall it (or panic): refused, before any
    /// connection is tried.
    #[test]
    fn refuses_to_open_inside_an_async_runtime() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let url = PgUrl::new("postgres://nobody@127.0.0.1:1/none");
        let err = runtime
            .block_on(async { PostgresStore::open(&url) })
            .err()
            .expect("an error");
        assert!(matches!(err, OpenError::Runtime(_)), "{err}");
    }
}
