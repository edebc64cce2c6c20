//! The SQLite backend: one file in WAL mode, for one server instance. What only SQLite has:
//! opening the file with its pragmas, and the FTS5 search of the webhook list
//! (`webhooks::list`, migration 0003).

use super::OpenError;
use sqlx::Connection;
use sqlx::SqlitePool;
use sqlx::sqlite::{
    SqliteAutoVacuum, SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions,
    SqliteSynchronous,
};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// SQLite's migrations, embedded.
pub(super) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

/// The SQLite database: its pool, and the turn every write transaction of this process waits
/// for first.
///
/// SQLite has one write lock per file. Left to itself, each connection that wants it polls
/// (the busy handler) until the busy timeout and then fails: under load, with the producers' POSTs,
/// the worker's claims and its records all wanting it, a writer could lose that race for 5 s and
/// its request end in a 500 ("database is locked"). Queueing the writers here, first come first
/// served, means a writer only waits its turn, however long the queue; SQLite's own lock is then
/// contended only by other processes on the same file (which one server per file rules out).
#[derive(Debug, Clone)]
pub struct Store {
    pub pool: SqlitePool,
    writer: Arc<Mutex<()>>,
}

/// A write transaction's turn; the next writer goes when it is dropped.
pub type WriteTurn = OwnedMutexGuard<()>;

impl Store {
    pub fn new(pool: SqlitePool) -> Self {
        Self {
            pool,
            writer: Arc::new(Mutex::new(())),
        }
    }

    pub(super) async fn write_turn(&self) -> WriteTurn {
        self.writer.clone().lock_owned().await
    }
}

/// How often the watcher asks whether another process changed the file.
const WATCH_EVERY: Duration = Duration::from_millis(50);

/// Lets `db`'s caches of sessions and tokens ([`super::auth_cache`]) and of the list's version
/// ([`super::list_cache`]) keep what they read, for as long as the process runs. This process's
/// own changes reach them at once (every write is a [`super::Tx`]; access-ending ones call
/// [`super::Db::auth_changed`]). Another process on the same file can only be
/// `webhook-server reset-password` (one server per file): its changes are seen through
/// `PRAGMA data_version`, asked every [`WATCH_EVERY`] on a connection of its own, which moves
/// whenever another connection committed (this process's other connections too, so under writes
/// the caches read anew at that pace). The caches keep nothing while this cannot ask.
pub fn spawn_watcher(store: &Store, db: &super::Db) -> tokio::task::JoinHandle<()> {
    let pool = store.pool.clone();
    let teller = super::TellsOfChanges(db.clone());
    tokio::spawn(async move {
        let db = &teller.0;
        loop {
            let mut conn = match pool.acquire().await {
                Ok(c) => c.detach(),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot watch the database file for other writers");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            let mut seen: Option<i64> = None;
            loop {
                let version = sqlx::query_scalar::<_, i64>("PRAGMA data_version")
                    .fetch_one(&mut conn)
                    .await;
                match (version, seen) {
                    (Ok(v), None) => {
                        db.told_of_changes(true);
                        seen = Some(v);
                    }
                    (Ok(v), Some(before)) if v != before => {
                        db.changed_elsewhere();
                        seen = Some(v);
                    }
                    (Ok(_), Some(_)) => {}
                    (Err(e), _) => {
                        tracing::warn!(error = %e, "cannot watch the database file for other writers");
                        db.told_of_changes(false);
                        break;
                    }
                }
                tokio::time::sleep(WATCH_EVERY).await;
            }
        }
    })
}

/// How hard SQLite makes each commit durable: its `PRAGMA synchronous`, set on every connection.
/// The database runs in WAL mode, where the two settings differ like this:
///
/// - [`Normal`](Self::Normal) (the default): a commit is appended to the WAL without an fsync; the
///   WAL is synced at checkpoints. A commit survives the server crashing or being killed (the
///   data is in the operating system's cache), but a power loss or OS crash can roll back the last
///   transactions before the checkpoint: events already answered 202 can be lost, and attempts
///   already recorded are sent again (with the same message id, so at-least-once still holds).
/// - [`Full`](Self::Full): every commit fsyncs the WAL, so a 202 means the events are on disk
///   whatever happens to the machine. It costs one fsync per transaction — per `POST /events`
///   and per group of recorded attempts (`--delivery-commit-batch`) — which on most disks is the
///   slowest part of a commit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Synchronous {
    #[default]
    Normal,
    Full,
}

impl Synchronous {
    fn sqlx(self) -> SqliteSynchronous {
        match self {
            Self::Normal => SqliteSynchronous::Normal,
            Self::Full => SqliteSynchronous::Full,
        }
    }
}

/// Opens (creating when missing) the database at `url`, every connection with `synchronous`, and
/// brings its schema up to date.
pub async fn open(url: &str, synchronous: Synchronous) -> Result<SqlitePool, OpenError> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|source| OpenError::BadUrl {
            url: url.to_string(),
            source,
        })?
        .create_if_missing(true)
        // WAL lets the console read while a write commits. See `Synchronous` for NORMAL vs FULL.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(synchronous.sqlx())
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true);
    create_parent_dir(&options)?;
    let connect = |source| OpenError::Connect {
        url: url.to_string(),
        source,
    };
    // Pruned pages can go back to the file system (`retention`): a new file is made with
    // `auto_vacuum = INCREMENTAL` (an older one needs a one-time `VACUUM` after `PRAGMA
    // auto_vacuum = 2`). Said only by the connection that creates and migrates a new file,
    // before the pool opens: the pragma opens a write transaction, and as a pragma of every
    // connection each one the pool opened later, under load, waited in SQLite's busy handler
    // (sleeps of up to 100 ms, outside the write turn) until the writers let it in, and the
    // worker's reads on it with it: first attempts 0.1–0.6 s late.
    let creating = !options.get_filename().exists();
    let mut first = SqliteConnection::connect_with(&if creating {
        options.clone().auto_vacuum(SqliteAutoVacuum::Incremental)
    } else {
        options.clone()
    })
    .await
    .map_err(connect)?;
    MIGRATOR.run(&mut first).await?;
    let pool = SqlitePoolOptions::new()
        .connect_with(options)
        .await
        .map_err(connect)?;
    // Closed once the pool holds a connection: an in-memory database lives while one does.
    first.close().await.map_err(connect)?;
    Ok(pool)
}

/// SQLite creates the file but not its directory; `sqlite://data/console.db` must work on a
/// fresh checkout.
fn create_parent_dir(options: &SqliteConnectOptions) -> Result<(), OpenError> {
    let file = options.get_filename();
    let in_memory = file.to_string_lossy().starts_with("file:") || file.as_os_str() == ":memory:";
    match file.parent() {
        Some(dir) if !in_memory && !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir)
            .map_err(|source| OpenError::CreateDir {
                path: dir.display().to_string(),
                source,
            }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Db, accepts};

    #[tokio::test]
    async fn the_file_and_its_directory_are_created() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a/b/console.db");
        let pool = open(&format!("sqlite://{}", file.display()), Synchronous::Normal)
            .await
            .unwrap();
        assert!(file.exists());
        pool.close().await;
    }

    #[tokio::test]
    async fn accepting_events_waits_for_another_writer_instead_of_failing() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("w.db").display());
        let pool = open(&url, Synchronous::Normal).await.unwrap();
        // Another connection writes and holds the write lock for a moment, as the delivery
        // worker does while it claims or records.
        let other = open(&url, Synchronous::Normal).await.unwrap();
        let mut writer = other.begin_with("BEGIN IMMEDIATE").await.unwrap();
        sqlx::query(
            "INSERT INTO events (id, type, action, resource_type, resource_id, resource_details, \
             result, severity, occurred_at, received_at) \
             VALUES ('e0', 'resource.update', 'update', 'host', '', '{}', 'succeed', 'info', 't', 't')",
        )
        .execute(&mut *writer)
        .await
        .unwrap();
        let event: webhook_api::EventIn = serde_json::from_value(serde_json::json!(
            {"type": "resource.update", "action": "update", "resource_type": "host"}
        ))
        .unwrap();
        let accepting = tokio::spawn({
            let db = Db::new(
                crate::db::Backend::Sqlite(Store::new(pool.clone())),
                crate::db::cipher::Cipher::random(),
            );
            async move { accepts::accept_events(&db, &[("e1".into(), event)], "t").await }
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        writer.commit().await.unwrap();
        // A transaction that read first could not become a writer after the other commit
        // (SQLITE_BUSY at once, a 500 for the producer); it must wait and succeed.
        assert_eq!(accepting.await.unwrap().unwrap(), 0);
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n, 2);
        other.close().await;
        pool.close().await;
    }

    /// The connections the pool opens while another connection holds the write lock (the
    /// worker's reads while producers' commits follow one another) open and read without
    /// waiting for it: opening one needs no write transaction.
    #[tokio::test]
    async fn new_connections_open_and_read_while_another_writes() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("n.db").display());
        let pool = open(&url, Synchronous::Full).await.unwrap();
        let other = open(&url, Synchronous::Normal).await.unwrap();
        let mut writer = other.begin_with("BEGIN IMMEDIATE").await.unwrap();
        sqlx::query("DELETE FROM events")
            .execute(&mut *writer)
            .await
            .unwrap();
        // Held at once, so the pool must open new ones; each would fail with "database is
        // locked" after the busy timeout if opening one needed the lock.
        let mut held = Vec::new();
        for _ in 0..4 {
            let mut conn = pool.acquire().await.unwrap();
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!(n, 0);
            held.push(conn);
        }
        writer.commit().await.unwrap();
        // The new file is made for incremental vacuum all the same (2 = INCREMENTAL).
        let mode: i64 = sqlx::query_scalar("PRAGMA auto_vacuum")
            .fetch_one(&mut *held[3])
            .await
            .unwrap();
        assert_eq!(mode, 2);
        drop(held);
        other.close().await;
        pool.close().await;
    }

    /// `PRAGMA synchronous` as each of `n` connections held at once reports it (0 OFF, 1 NORMAL,
    /// 2 FULL, 3 EXTRA).
    async fn synchronous_of_connections(pool: &SqlitePool, n: usize) -> Vec<i64> {
        let mut held = Vec::new();
        let mut seen = Vec::new();
        for _ in 0..n {
            let mut conn = pool.acquire().await.unwrap();
            seen.push(
                sqlx::query_scalar("PRAGMA synchronous")
                    .fetch_one(&mut *conn)
                    .await
                    .unwrap(),
            );
            held.push(conn);
        }
        seen
    }

    #[tokio::test]
    async fn the_synchronous_setting_is_applied_to_every_connection() {
        let dir = tempfile::tempdir().unwrap();
        for (setting, expected) in [(Synchronous::Normal, 1), (Synchronous::Full, 2)] {
            let url = format!("sqlite://{}", dir.path().join("s.db").display());
            let pool = open(&url, setting).await.unwrap();
            assert_eq!(
                synchronous_of_connections(&pool, 3).await,
                [expected; 3],
                "{setting:?}"
            );
            let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!(journal, "wal");
            pool.close().await;
        }
        // `open` keeps NORMAL.
        let url = format!("sqlite://{}", dir.path().join("d.db").display());
        let pool = open(&url, Synchronous::default()).await.unwrap();
        assert_eq!(synchronous_of_connections(&pool, 1).await, [1]);
        pool.close().await;
    }
}
