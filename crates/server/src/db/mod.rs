//! Storage: opening the database and running its migrations. All SQL lives in this module's
//! children, so a second backend (PostgreSQL) can be added beside SQLite without touching routes.

pub mod deliveries;
pub mod delivery_log;
pub mod event_log;
pub mod subscriptions;
pub mod webhook_state;
pub mod webhooks;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("unsupported database URL '{0}': only sqlite://PATH is supported for now")]
    Unsupported(String),
    #[error("invalid database URL '{url}': {source}")]
    BadUrl { url: String, source: sqlx::Error },
    #[error("cannot create the database directory {path}: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Opens (creating when missing) the database at `url` and brings its schema up to date.
pub async fn open(url: &str) -> Result<SqlitePool, OpenError> {
    if !url.starts_with("sqlite:") {
        return Err(OpenError::Unsupported(url.to_string()));
    }
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|source| OpenError::BadUrl {
            url: url.to_string(),
            source,
        })?
        .create_if_missing(true)
        // WAL lets the console read while a write commits; NORMAL is durable in WAL mode except
        // for the last transactions on power loss, and much faster than FULL.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true);
    create_parent_dir(&options)?;
    let pool = SqlitePoolOptions::new()
        .connect_with(options)
        .await
        .map_err(OpenError::Connect)?;
    sqlx::migrate!("migrations/sqlite").run(&pool).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn other_databases_are_refused_with_a_clear_message() {
        let err = open("postgres://localhost/console").await.unwrap_err();
        assert!(err.to_string().contains("only sqlite://"), "{err}");
    }

    #[tokio::test]
    async fn the_file_and_its_directory_are_created() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a/b/console.db");
        let pool = open(&format!("sqlite://{}", file.display())).await.unwrap();
        assert!(file.exists());
        pool.close().await;
    }
}
