//! The PostgreSQL backend, for several `webhook-server` instances on one database: opening the
//! pool and migrating, and `LISTEN/NOTIFY`, with which an instance that queues deliveries wakes
//! the workers of all instances at once (the worker's poll stays as the fallback).

use super::OpenError;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// PostgreSQL's migrations, embedded.
pub(super) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// The channel on which new or newly due deliveries are announced.
pub const CHANNEL: &str = "webhook_deliveries";

/// Connects to the database at `url` (PostgreSQL 13 or later) and applies the migrations. Of
/// several instances starting together on an empty database, one migrates while the others wait
/// for its lock, then find nothing left to do.
pub async fn open(url: &str, max_connections: u32) -> Result<PgPool, OpenError> {
    let options = PgConnectOptions::from_str(url).map_err(|source| OpenError::BadUrl {
        url: super::redact(url),
        source,
    })?;
    let failed = |source| OpenError::Connect {
        url: super::redact(url),
        source,
    };
    // One connection first, so a refused connection, a wrong password or a missing database is
    // reported as such at once (the pool would retry until its timeout and say only that).
    PgConnection::connect_with(&options)
        .await
        .map_err(failed)?
        .close()
        .await
        .map_err(failed)?;
    let pool = PgPoolOptions::new()
        .max_connections(max_connections.max(1))
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .map_err(failed)?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// The channel on which changes to users, sessions and tokens are announced (triggers of
/// migration 0011; [`super::auth_cache`]).
pub const AUTH_CHANNEL: &str = "webhook_auth";
/// The channel on which a move of the webhook list's version is announced (migration 0011;
/// [`super::list_cache`]).
pub const LIST_CHANNEL: &str = "webhook_list";

/// For as long as the process runs: wakes `wake` whenever any instance announces deliveries on
/// [`CHANNEL`], and the live view's readers when one announces journal rows on
/// [`super::stream::CHANNEL`]; tells `db`'s caches of sessions and tokens ([`AUTH_CHANNEL`]) and
/// of the webhook list ([`LIST_CHANNEL`]) of changes, and that they may keep what they read
/// only while this listens. A lost connection is re-established at once; since notices may
/// have been missed meanwhile, the worker and the readers look again and the caches read anew.
pub fn spawn_listener(
    pool: PgPool,
    db: &super::Db,
    wake: Arc<Notify>,
) -> tokio::task::JoinHandle<()> {
    let teller = super::TellsOfChanges(db.clone());
    tokio::spawn(async move {
        let db = &teller.0;
        let journal_changed = || super::wake_journal(&db.journal);
        let missed = || {
            // Work announced meanwhile is found by the next look at the outbox, journal rows
            // by the readers' next look.
            wake.notify_one();
            journal_changed();
            db.changed_elsewhere();
        };
        loop {
            let mut listener = match PgListener::connect_with(&pool).await {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for notifications; polling");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if let Err(e) = listener
                .listen_all([CHANNEL, super::stream::CHANNEL, AUTH_CHANNEL, LIST_CHANNEL])
                .await
            {
                tracing::warn!(error = %e, "cannot listen for notifications; polling");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            db.told_of_changes(true);
            missed();
            loop {
                // `try_recv`, not `recv`: a lost connection must be seen (`Ok(None)`, already
                // re-established and listening again), not reconnected in silence.
                match listener.try_recv().await {
                    Ok(Some(n)) if n.channel() == CHANNEL => wake.notify_one(),
                    Ok(Some(n)) if n.channel() == AUTH_CHANNEL => db.auth_cache.changed(),
                    Ok(Some(n)) if n.channel() == LIST_CHANNEL => db.list_cache.changed(),
                    Ok(Some(_)) => journal_changed(),
                    Ok(None) => {
                        tracing::warn!("lost the notification connection; listening again");
                        missed();
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "lost the notification connection");
                        db.told_of_changes(false);
                        missed();
                        break;
                    }
                }
            }
        }
    })
}

/// The statement that announces deliveries to every instance; inside a transaction it is sent
/// when (and only if) the transaction commits.
pub const NOTIFY: &str = "SELECT pg_notify('webhook_deliveries', '')";
