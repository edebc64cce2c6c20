//! Opening the database: the URL chooses the backend, the backend's migrations run, and the
//! stored secrets are sealed with the instance's key.

use super::{Backend, Db, cipher, postgres, sqlite, webhooks};
use sqlite::Synchronous;

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(
        "unsupported database URL '{0}': use sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE"
    )]
    Unsupported(String),
    #[error("invalid database URL '{url}': {source}")]
    BadUrl { url: String, source: sqlx::Error },
    #[error("cannot create the database directory {path}: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot connect to the database at {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    SecretKey(String),
    #[error("cannot seal the stored secrets: {0}")]
    Seal(sqlx::Error),
}

/// How the database is opened, beyond its URL.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// SQLite only: its `PRAGMA synchronous`.
    pub synchronous: Synchronous,
    /// PostgreSQL only: connections this instance's pool may hold (one more listens for
    /// notifications). All instances together must stay under the server's `max_connections`.
    pub max_connections: u32,
    /// The key that seals stored secrets; None: the default key file for the URL
    /// ([`cipher::default_key_file`]).
    pub secret_key: Option<cipher::KeySource>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            synchronous: Synchronous::default(),
            max_connections: 16,
            secret_key: None,
        }
    }
}

/// Opens the database at `url` (`sqlite://…` or `postgres://…`) with the default options and
/// brings its schema up to date.
pub async fn open(url: &str) -> Result<Db, OpenError> {
    open_with(url, OpenOptions::default()).await
}

/// Opens the database at `url` and applies its backend's migrations. Several instances opening
/// one empty PostgreSQL database at once migrate it once (sqlx's migrator holds an advisory lock
/// while it runs).
pub async fn open_with(url: &str, options: OpenOptions) -> Result<Db, OpenError> {
    let backend = if url.starts_with("sqlite:") {
        Backend::Sqlite(sqlite::Store::new(
            sqlite::open(url, options.synchronous).await?,
        ))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Backend::Postgres(postgres::open(url, options.max_connections).await?)
    } else {
        return Err(OpenError::Unsupported(redact(url)));
    };
    let source = options
        .secret_key
        .unwrap_or_else(|| cipher::KeySource::File(cipher::default_key_file(url)));
    let cipher = cipher::load(&backend, &source).await?;
    let db = Db::new(backend, cipher);
    webhooks::seal_stored_secrets(&db)
        .await
        .map_err(OpenError::Seal)?;
    Ok(db)
}

/// A database URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn other_databases_are_refused_with_a_clear_message() {
        let err = open("mysql://u:secret@localhost/console")
            .await
            .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("use sqlite://PATH or postgres://"), "{msg}");
        assert!(!msg.contains("secret"), "{msg}");
    }

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/console"),
            "postgres://app:***@db:5432/console"
        );
        assert_eq!(
            redact("sqlite://data/console.db"),
            "sqlite://data/console.db"
        );
    }
}
