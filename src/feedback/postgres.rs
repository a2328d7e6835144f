//! The PostgreSQL backend, for several servers sharing one store: a connection pool
//! (deadpool-postgres over tokio-postgres, which reconnects as needed), the migrations, and
//! one writer task per server. Requests queue on a bounded channel; the task takes everything
//! waiting (up to 512) into one transaction, one multi-row `INSERT`, commits, then
//! answers each request. When the batch fails (the database is down, restarting, out of
//! reach) every request in it gets the error and the task goes on with the next batch, on a
//! fresh connection.
//!
//! No TLS: reach the database over a private network or a local socket
//! (`postgres://user@%2Frun%2Fpostgresql/db`).

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, PoolError, RecyclingMethod};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::timeout;
use tokio_postgres::error::SqlState;

use super::{
    Feedback, Health, MIGRATIONS, Msg, NewFeedback, OpenError, StoreError, gather, new_uid,
    now_utc, schema_version,
};

const QUEUE: usize = 4096;
/// The writer's connection, `/healthz`'s probe, and room for one being replaced.
const POOL_SIZE: usize = 4;
/// For a connection, unless the URL says (`connect_timeout=`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// A batch not committed by then is answered as unavailable (it may still commit: a reader
/// then retries, and the store holds the entry twice rather than never).
pub(crate) const BATCH_TIMEOUT: Duration = Duration::from_secs(10);
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);
/// Rows per transaction when copying a SQLite file in.
const COPY_CHUNK: usize = 1000;
/// Held while migrating, so replicas starting together apply each migration once.
const MIGRATION_LOCK: i64 = 0x6865_6c70_6365_6e74; // "helpcent"

const INSERT: &str = "INSERT INTO feedback (uid, received_at, page, content_hash, helpful, comment)
    SELECT u, $2, p, h, b, c
    FROM unnest($1::text[], $3::text[], $4::text[], $5::bool[], $6::text[]) AS t(u, p, h, b, c)
    RETURNING uid, id";

const COPY: &str = "INSERT INTO feedback (uid, received_at, page, content_hash, helpful, comment)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bool[], $6::text[])
    ON CONFLICT (uid) DO NOTHING";

/// A `postgres://` URL. Shown (in messages, logs, `Debug`) without its password.
#[derive(Clone, PartialEq, Eq)]
pub struct PgUrl(String);

impl PgUrl {
    pub fn new(url: &str) -> PgUrl {
        PgUrl(url.to_string())
    }

    fn config(&self) -> Result<tokio_postgres::Config, OpenError> {
        let mut config =
            tokio_postgres::Config::from_str(&self.0).map_err(|source| OpenError::BadUrl {
                url: self.clone(),
                source,
            })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("helpcenter");
        }
        Ok(config)
    }
}

impl fmt::Display for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = &self.0;
        let start = url.find("://").map_or(0, |i| i + 3);
        let end = url[start..]
            .find(['/', '?', '#'])
            .map_or(url.len(), |i| start + i);
        let shown = match url[start..end].rfind('@') {
            Some(at) => match url[start..start + at].find(':') {
                Some(colon) => format!("{}***{}", &url[..start + colon + 1], &url[start + at..]),
                None => url.clone(),
            },
            None => url.clone(),
        };
        // `?password=…` too.
        match shown.find("password=") {
            Some(i) => {
                let rest = &shown[i + "password=".len()..];
                let tail = rest.find('&').map_or("", |j| &rest[j..]);
                write!(f, "{}password=***{tail}", &shown[..i])
            }
            None => f.write_str(&shown),
        }
    }
}

impl fmt::Debug for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PgUrl({self})")
    }
}

pub(crate) fn pool(url: &PgUrl, size: usize) -> Result<Pool, OpenError> {
    let manager = Manager::from_config(
        url.config()?,
        tokio_postgres::NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(size)
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .wait_timeout(Some(CONNECT_TIMEOUT))
        .create_timeout(Some(CONNECT_TIMEOUT))
        .recycle_timeout(Some(CONNECT_TIMEOUT))
        .build()
        .map_err(|e| OpenError::Pool {
            url: url.clone(),
            reason: e.to_string(),
        })
}

/// A connection, for a command or the start: errors say which database and why.
pub(crate) async fn connect(pool: &Pool, url: &PgUrl) -> Result<Object, OpenError> {
    pool.get().await.map_err(|e| match e {
        PoolError::Backend(source) => OpenError::Unreachable {
            url: url.clone(),
            source,
        },
        other => OpenError::Pool {
            url: url.clone(),
            reason: describe_pool(&other),
        },
    })
}

/// Apply the migrations this database has not seen, in one transaction holding an advisory
/// lock (replicas starting together wait for each other).
pub(crate) async fn migrate(client: &mut Object, url: &PgUrl) -> Result<(), OpenError> {
    let error = |source| OpenError::Postgres {
        url: url.clone(),
        source,
    };
    let tx = client.transaction().await.map_err(error)?;
    // No "relation already exists, skipping" notices on every start.
    tx.batch_execute("SET LOCAL client_min_messages = warning")
        .await
        .map_err(error)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(error)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    BIGINT PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )",
    )
    .await
    .map_err(error)?;
    let applied: i64 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_migrations",
            &[],
        )
        .await
        .map_err(error)?
        .get(0);
    if applied > schema_version() {
        return Err(OpenError::TooNew {
            location: url.to_string(),
            found: applied,
            known: schema_version(),
        });
    }
    for m in MIGRATIONS.iter().filter(|m| m.version > applied) {
        tx.batch_execute(m.postgres).await.map_err(error)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            &[&m.version, &m.name, &now_utc()],
        )
        .await
        .map_err(error)?;
    }
    tx.commit().await.map_err(error)
}

/// Rows received at or after `since`, oldest first (for `feedback export` and `stats`).
pub async fn read(url: &PgUrl, since: Option<&str>) -> Result<Vec<Feedback>, OpenError> {
    let pool = pool(url, 1)?;
    let mut client = connect(&pool, url).await?;
    migrate(&mut client, url).await?;
    rows(&client, since)
        .await
        .map_err(|source| OpenError::Postgres {
            url: url.clone(),
            source,
        })
}

/// Rows received at or after `since` on `client`, oldest first (also for search insights).
pub(crate) async fn rows(
    client: &tokio_postgres::Client,
    since: Option<&str>,
) -> Result<Vec<Feedback>, tokio_postgres::Error> {
    let rows = client
        .query(
            "SELECT id, uid, received_at, page, content_hash, helpful, comment FROM feedback
             WHERE received_at >= $1 ORDER BY received_at, id",
            &[&since.unwrap_or("")],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| Feedback {
            id: r.get(0),
            uid: r.get(1),
            received_at: r.get(2),
            page: r.get(3),
            content_hash: r.get(4),
            helpful: r.get(5),
            comment: r.get(6),
        })
        .collect())
}

/// Insert copies of `rows` (their uid and time kept) that the database does not hold yet, a
/// transaction per [`COPY_CHUNK`]. Returns how many were new.
pub async fn copy_in(url: &PgUrl, rows: &[Feedback]) -> Result<usize, OpenError> {
    let error = |source| OpenError::Postgres {
        url: url.clone(),
        source,
    };
    let pool = pool(url, 1)?;
    let mut client = connect(&pool, url).await?;
    migrate(&mut client, url).await?;
    let mut inserted = 0;
    for chunk in rows.chunks(COPY_CHUNK) {
        let column = |f: fn(&Feedback) -> String| chunk.iter().map(f).collect::<Vec<_>>();
        let uids = column(|r| r.uid.clone());
        let times = column(|r| r.received_at.clone());
        let pages = column(|r| r.page.clone());
        let hashes = column(|r| r.content_hash.clone());
        let helpful: Vec<bool> = chunk.iter().map(|r| r.helpful).collect();
        let comments: Vec<Option<String>> = chunk.iter().map(|r| r.comment.clone()).collect();
        let tx = client.transaction().await.map_err(error)?;
        let n = tx
            .execute(COPY, &[&uids, &times, &pages, &hashes, &helpful, &comments])
            .await
            .map_err(error)?;
        tx.commit().await.map_err(error)?;
        inserted += n as usize;
    }
    Ok(inserted)
}

pub struct Writer {
    tx: mpsc::Sender<Msg>,
    task: Mutex<Option<JoinHandle<()>>>,
    pool: Pool,
}

impl Writer {
    /// Connect, migrate and start the writer task on the current Tokio runtime. The database
    /// must be reachable now; later outages are survived.
    pub async fn start(url: &PgUrl) -> Result<Writer, OpenError> {
        let pool = pool(url, POOL_SIZE)?;
        migrate(&mut connect(&pool, url).await?, url).await?;
        let (tx, rx) = mpsc::channel(QUEUE);
        let task = tokio::spawn(run(pool.clone(), rx));
        Ok(Writer {
            tx,
            task: Mutex::new(Some(task)),
            pool,
        })
    }

    /// Store a row; resolves once it is committed.
    pub async fn insert(&self, row: NewFeedback) -> Result<i64, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .try_send(Msg::Insert(row, reply))
            .map_err(|e| match e {
                mpsc::error::TrySendError::Full(_) => StoreError::Busy,
                mpsc::error::TrySendError::Closed(_) => StoreError::Closed,
            })?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Asks the database (`SELECT 1`, within [`PROBE_TIMEOUT`]).
    pub async fn health(&self) -> Health {
        let probe = async {
            let client = self.pool.get().await.map_err(|e| describe_pool(&e))?;
            client
                .simple_query("SELECT 1")
                .await
                .map_err(|e| describe(&e))?;
            Ok::<(), String>(())
        };
        let error = match timeout(PROBE_TIMEOUT, probe).await {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e),
            Err(_) => Some(format!("no answer within {PROBE_TIMEOUT:?}")),
        };
        let error = error.or_else(|| {
            self.task
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .as_ref()
                .is_none_or(|t| t.is_finished())
                .then(|| StoreError::Closed.to_string())
        });
        Health {
            store: "postgres",
            available: error.is_none(),
            error,
        }
    }

    /// Finish what is queued, then close the pool's connections. Idempotent.
    pub async fn close(&self) {
        let task = self.task.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(task) = task {
            let _ = self.tx.send(Msg::Close).await;
            let _ = task.await;
        }
        self.pool.close();
    }
}

async fn run(pool: Pool, mut rx: mpsc::Receiver<Msg>) {
    let mut closing = false;
    while !closing {
        let Some(first) = rx.recv().await else { break };
        let (rows, replies, close) = gather(first, || rx.try_recv().ok());
        closing = close;
        if rows.is_empty() {
            continue;
        }
        match insert_batch(&pool, &rows).await {
            Ok(ids) => {
                for (reply, id) in replies.into_iter().zip(ids) {
                    let _ = reply.send(Ok(id));
                }
            }
            Err(e) => {
                let why = match &e {
                    StoreError::Unavailable(why) | StoreError::Database(why) => why.clone(),
                    other => other.to_string(),
                };
                tracing::error!(error = %why, rows = rows.len(), "cannot store feedback");
                for reply in replies {
                    let _ = reply.send(Err(e.clone()));
                }
            }
        }
    }
    pool.close();
}

/// One transaction, one `INSERT` for the batch. The ids come back in the rows' order.
async fn insert_batch(pool: &Pool, rows: &[NewFeedback]) -> Result<Vec<i64>, StoreError> {
    let mut client = pool
        .get()
        .await
        .map_err(|e| StoreError::Unavailable(describe_pool(&e)))?;
    let uids: Vec<String> = rows.iter().map(|_| new_uid()).collect();
    match timeout(BATCH_TIMEOUT, write(&mut client, &uids, rows)).await {
        Ok(Ok(ids)) => Ok(ids),
        Ok(Err(e)) => {
            if e.code() == Some(&SqlState::DISK_FULL) {
                Err(StoreError::Full)
            } else {
                Err(StoreError::Unavailable(describe(&e)))
            }
        }
        Err(_) => {
            // Never back into the pool: its transaction's fate is unknown.
            drop(Object::take(client));
            Err(StoreError::Unavailable(format!(
                "no commit within {BATCH_TIMEOUT:?}"
            )))
        }
    }
}

async fn write(
    client: &mut Object,
    uids: &[String],
    rows: &[NewFeedback],
) -> Result<Vec<i64>, tokio_postgres::Error> {
    let pages: Vec<&str> = rows.iter().map(|r| r.page.as_str()).collect();
    let hashes: Vec<&str> = rows.iter().map(|r| r.content_hash.as_str()).collect();
    let helpful: Vec<bool> = rows.iter().map(|r| r.helpful).collect();
    let comments: Vec<Option<&str>> = rows.iter().map(|r| r.comment.as_deref()).collect();
    let tx = client.transaction().await?;
    let statement = tx.prepare_cached(INSERT).await?;
    let returned = tx
        .query(
            &statement,
            &[&uids, &now_utc(), &pages, &hashes, &helpful, &comments],
        )
        .await?;
    tx.commit().await?;
    let ids: HashMap<String, i64> = returned.iter().map(|r| (r.get(0), r.get(1))).collect();
    Ok(uids
        .iter()
        .map(|uid| ids.get(uid).copied().unwrap_or_default())
        .collect())
}

/// The error and its causes: tokio-postgres says "db error" and keeps the server's words in
/// the source.
pub(crate) fn describe(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{}: {} ({})", db.severity(), db.message(), db.code().code());
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

pub(crate) fn describe_pool(e: &PoolError) -> String {
    match e {
        PoolError::Backend(e) => describe(e),
        PoolError::Timeout(_) => format!("no connection within {CONNECT_TIMEOUT:?}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_passwords() {
        for (url, shown) in [
            ("postgres://u:pw@h:5432/db", "postgres://u:***@h:5432/db"),
            ("postgres://u@h/db", "postgres://u@h/db"),
            (
                "postgres://h/db?password=pw&x=1",
                "postgres://h/db?password=***&x=1",
            ),
            ("postgres://u:p@ss@h/db", "postgres://u:***@h/db"),
        ] {
            assert_eq!(PgUrl::new(url).to_string(), shown);
            assert!(!format!("{:?}", PgUrl::new(url)).contains("pw"));
        }
    }

    #[test]
    fn a_bad_url_is_an_error_not_a_panic() {
        let err = PgUrl::new("postgres://h:notaport/db").config().unwrap_err();
        assert!(
            err.to_string().contains("not a valid PostgreSQL URL"),
            "{err}"
        );
    }
}
