//! Storage: SQLite (one file, the default) or PostgreSQL (several instances on one database).
//!
//! # How the two backends share one interface
//!
//! [`Db`] holds a [`Backend`] — an enum of the two sqlx pools — and the [`cipher::Cipher`] that
//! seals the receivers' secrets it stores; [`Tx`] is an enum of their transactions. Routes and the
//! worker call the functions of this module's children with a `&Db` and never learn which
//! backend answers. Each such function is written once: its body sits in `on_db!` (or
//! `on_tx!`), which expands it once per backend with the concrete pool, so every statement is
//! type-checked against both drivers and the row-decoding and business logic around it exists
//! once. The SQL text is shared where the dialects agree — `$1` placeholders, which SQLite
//! accepts too, `RETURNING`, `ON CONFLICT`, booleans, `CAST(… AS BIGINT)` — and where they do
//! not, the two statements sit side by side in the same function, chosen by the `pg` flag the
//! macros bind (`if pg { "…postgres…" } else { "…sqlite…" }`; e.g. the claim in `claims`,
//! which adds `FOR UPDATE SKIP LOCKED` on PostgreSQL). What differs in kind, not in spelling, has
//! its own code per backend: opening and tuning the pool and the write queue in [`sqlite`], the
//! pool and `LISTEN/NOTIFY` in [`postgres`], and the list's count and search plan in
//! [`webhook_list`] (SQLite's FTS5 trigram index and steering; `pg_trgm` indexes and the planner's
//! statistics on PostgreSQL).
//!
//! The schema is the same on both, one migration directory per backend
//! (`migrations/sqlite`, `migrations/postgres`), embedded and applied at start. Conventions
//! that keep results identical: times are RFC 3339 UTC text with milliseconds, compared and
//! sorted as text; JSON is text, written and read by the server ([`json`], [`Cols::json`]);
//! integers are 64-bit; PostgreSQL's text columns use the "C" collation, so sorting and
//! `lower()` behave as SQLite's (byte order, ASCII-only case folding).
//!
//! Every write goes through a transaction ([`Db::begin`]) or, for one statement, holds
//! [`Db::write_turn`]: on SQLite that queues the process's writers (see [`sqlite::Store`]).
//!
//! Adding a column: one `ALTER TABLE` migration per backend, then the column in the shared
//! statements and in the row decoder.

pub mod accepts;
pub mod audit;
pub mod auth_cache;
pub mod cipher;
pub mod claims;
pub mod deliveries;
pub mod delivery_log;
pub mod drills;
pub mod event_log;
pub mod inbound;
pub mod inbound_requests;
pub mod list_cache;
pub mod notices;
mod opening;
pub mod pauses;
pub mod postgres;
pub mod retention;
mod rows;
pub mod settings;
pub mod sqlite;
pub mod stream;
pub mod subscriptions;
pub mod tokens;
pub mod users;
pub mod webhook_history;
pub mod webhook_list;
pub mod webhook_state;
pub mod webhooks;

pub use opening::{OpenError, OpenOptions, open, open_with, redact};
pub use rows::{Cols, json};
pub(crate) use rows::{count, parse_json, text_enum};
pub use sqlite::Synchronous;

use sqlx::postgres::PgPool;
use sqlx::{Postgres, Sqlite, Transaction};

/// The database: one of the two backends' connection pools, and the cipher of the secrets it
/// stores ([`cipher`]). Cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    backend: Backend,
    cipher: std::sync::Arc<cipher::Cipher>,
    /// Bumped when this process committed rows to the live view's journal, or (PostgreSQL) was
    /// told that any instance did: what `GET /stream` readers wait on ([`Db::journal_changes`]).
    journal: std::sync::Arc<tokio::sync::watch::Sender<u64>>,
    list_cache: std::sync::Arc<list_cache::ListCache>,
    /// Sessions and tokens found live ([`auth_cache`]).
    auth_cache: std::sync::Arc<auth_cache::AuthCache>,
    /// Accepted events waiting to share a commit ([`accepts`]).
    accepts: std::sync::Arc<accepts::Accepts>,
}

/// The connection pool of either backend.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite(sqlite::Store),
    Postgres(PgPool),
}

impl Backend {
    /// Itself: so `on_db!` takes a `Backend` as well as a `Db`.
    pub fn backend(&self) -> &Backend {
        self
    }
}

/// A transaction on either backend; dropped without [`Tx::commit`], it rolls back. On SQLite it
/// holds the process's write turn ([`sqlite::Store`]) until it ends. Its commit is counted as a
/// change the webhook list's cache has heard of ([`list_cache`]).
pub enum Tx {
    Sqlite(
        Transaction<'static, Sqlite>,
        sqlite::WriteTurn,
        Journaled,
        std::sync::Arc<list_cache::ListCache>,
    ),
    Postgres(
        Transaction<'static, Postgres>,
        std::sync::Arc<list_cache::ListCache>,
    ),
}

/// Whether a SQLite transaction wrote to the live view's journal: its commit then wakes the
/// process's stream readers. (On PostgreSQL the journal's writers `NOTIFY` every instance.)
#[derive(Debug)]
pub struct Journaled {
    wake: std::sync::Arc<tokio::sync::watch::Sender<u64>>,
    pub(crate) appended: bool,
}

/// Expands `$body` once per backend with `$pool` the concrete sqlx pool (`&SqlitePool` or
/// `&PgPool`) and `$pg` true on PostgreSQL.
macro_rules! on_db {
    ($db:expr, |$pool:ident, $pg:ident| $body:expr) => {
        match $db.backend() {
            $crate::db::Backend::Sqlite(store) => {
                #[allow(unused_variables)]
                let $pg = false;
                let $pool = &store.pool;
                $body
            }
            $crate::db::Backend::Postgres($pool) => {
                #[allow(unused_variables)]
                let $pg = true;
                $body
            }
        }
    };
}

/// Expands `$body` once per backend with `$conn` the transaction's concrete connection
/// (`&mut SqliteConnection` or `&mut PgConnection`) and `$pg` true on PostgreSQL.
macro_rules! on_tx {
    ($tx:expr, |$conn:ident, $pg:ident| $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(t, ..) => {
                #[allow(unused_variables)]
                let $pg = false;
                let $conn = &mut **t;
                $body
            }
            $crate::db::Tx::Postgres(t, _) => {
                #[allow(unused_variables)]
                let $pg = true;
                let $conn = &mut **t;
                $body
            }
        }
    };
}

pub(crate) use {on_db, on_tx};

impl Db {
    pub fn new(backend: Backend, cipher: cipher::Cipher) -> Self {
        Self {
            backend,
            cipher: std::sync::Arc::new(cipher),
            journal: std::sync::Arc::new(tokio::sync::watch::channel(0).0),
            list_cache: Default::default(),
            auth_cache: Default::default(),
            accepts: Default::default(),
        }
    }

    /// Changes when rows may have been added to the live view's journal (see [`Db`]).
    pub fn journal_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.journal.subscribe()
    }

    fn accepts(&self) -> &accepts::Accepts {
        &self.accepts
    }

    /// Transactions this process committed accepting events (`webhook_event_commits_total`).
    pub fn accept_commits(&self) -> u64 {
        self.accepts.commits()
    }

    /// The webhook list's pages kept for reuse ([`list_cache`]).
    fn list_cache(&self) -> &list_cache::ListCache {
        &self.list_cache
    }

    /// The sessions and tokens kept ([`auth_cache`]).
    pub(crate) fn auth_cache(&self) -> &auth_cache::AuthCache {
        &self.auth_cache
    }

    /// After the commit of a change that can end or narrow access: this instance judges the
    /// next request by the database again (other instances hear of it from PostgreSQL).
    pub(crate) fn auth_changed(&self) {
        self.auth_cache.changed();
    }

    /// Whether this process is told of changes made elsewhere from now on (the PostgreSQL
    /// listener listens, the SQLite watcher watches): its caches keep what they read only
    /// while it is. Either way they read anew, as changes may have gone unseen before.
    fn told_of_changes(&self, on: bool) {
        self.auth_cache.set_listening(on);
        self.list_cache.set_listening(on);
    }

    /// A change of anything the caches keep may have been made elsewhere: they read anew.
    fn changed_elsewhere(&self) {
        self.auth_cache.changed();
        self.list_cache.changed();
    }

    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// Seals and opens the secrets this database stores.
    pub fn cipher(&self) -> &cipher::Cipher {
        &self.cipher
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.backend, Backend::Postgres(_))
    }

    /// Starts a transaction: every write goes through one. On SQLite it first waits for the
    /// process's write turn, then takes the write lock at once (`BEGIN IMMEDIATE`): a deferred
    /// transaction that read first cannot become a writer after another connection committed
    /// (SQLITE_BUSY at once, without waiting).
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match &self.backend {
            Backend::Sqlite(store) => {
                let turn = store.write_turn().await;
                let journaled = Journaled {
                    wake: self.journal.clone(),
                    appended: false,
                };
                Tx::Sqlite(
                    store.pool.begin_with("BEGIN IMMEDIATE").await?,
                    turn,
                    journaled,
                    self.list_cache.clone(),
                )
            }
            Backend::Postgres(p) => Tx::Postgres(p.begin().await?, self.list_cache.clone()),
        })
    }

    /// On SQLite, waits for the process's write turn (see [`sqlite::Store`]) and holds it until
    /// dropped: for a write of one statement outside [`Db::begin`]. Nothing to wait for on
    /// PostgreSQL, whose writers lock rows, not the database.
    pub async fn write_turn(&self) -> Option<sqlite::WriteTurn> {
        match &self.backend {
            Backend::Sqlite(store) => Some(store.write_turn().await),
            Backend::Postgres(_) => None,
        }
    }

    /// Whether the database answers and holds every migration this binary knows, applied
    /// successfully (another instance, newer or older, may share it): for `/readyz`.
    pub async fn check(&self) -> Result<(), String> {
        let expected = match &self.backend {
            Backend::Sqlite(_) => sqlite::MIGRATOR.iter().count(),
            Backend::Postgres(_) => postgres::MIGRATOR.iter().count(),
        };
        let applied: i64 = on_db!(self, |pool, pg| sqlx::query_scalar(
            "SELECT COUNT(*) FROM _sqlx_migrations WHERE success"
        )
        .fetch_one(pool)
        .await)
        .map_err(|e| format!("the database does not answer: {e}"))?;
        if usize::try_from(applied).unwrap_or(0) < expected {
            return Err(format!(
                "{applied} of this server's {expected} migrations are applied"
            ));
        }
        Ok(())
    }

    /// Closes every connection (on SQLite, checkpointing the WAL).
    pub async fn close(&self) {
        on_db!(self, |pool, pg| pool.close().await)
    }
}

impl Tx {
    /// Runs one statement whose parameters are all text, `$1`… in order; the rows it changed.
    pub async fn execute(&mut self, sql: &'static str, args: &[&str]) -> Result<u64, sqlx::Error> {
        on_tx!(self, |conn, pg| {
            let mut q = sqlx::query(sql);
            for a in args {
                q = q.bind(*a);
            }
            q.execute(conn).await.map(|r| r.rows_affected())
        })
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t, _turn, journaled, list_cache) => {
                t.commit().await?;
                list_cache.changed();
                if journaled.appended {
                    wake_journal(&journaled.wake);
                }
                Ok(())
            }
            Tx::Postgres(t, list_cache) => {
                t.commit().await?;
                list_cache.changed();
                Ok(())
            }
        }
    }
}

/// Held by the task that tells this process of changes made elsewhere (the PostgreSQL
/// listener, the SQLite watcher): the caches stop keeping once it stops, however it stops
/// (aborted with the worker).
struct TellsOfChanges(Db);

impl Drop for TellsOfChanges {
    fn drop(&mut self) {
        self.0.told_of_changes(false);
    }
}

fn wake_journal(wake: &tokio::sync::watch::Sender<u64>) {
    wake.send_modify(|n| *n = n.wrapping_add(1));
}

/// Why a write was refused by the database's own rules.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Another live webhook already has this name (case-insensitively).
    #[error("the name is taken")]
    NameTaken,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl WriteError {
    /// Maps a violation of the live-name index (`webhooks_name_live` on `name_key`) to
    /// [`WriteError::NameTaken`], so the database, not a racy pre-check, decides.
    fn from_webhook_write(e: sqlx::Error) -> Self {
        match e.as_database_error() {
            Some(db)
                if db.is_unique_violation()
                    && (db.constraint() == Some("webhooks_name_live")
                        || db.message().contains("name_key")) =>
            {
                Self::NameTaken
            }
            _ => Self::Db(e),
        }
    }
}
