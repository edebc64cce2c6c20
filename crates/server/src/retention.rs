//! The pruner: every `--retention-interval`, removes what is older than `--retention` (finished
//! deliveries with their attempts, events no waiting delivery carries, inbound requests) and
//! ended sessions, and empties attempt bodies older than `--retain-bodies`; see
//! [`db::retention`] for how it stays out of delivery's way and runs once across instances. On
//! SQLite the freed pages go back to the file system afterwards.

use crate::clock;
use crate::db::{self, Db};
use std::time::Duration;
use time::OffsetDateTime;

/// Where the bodies' pruning has reached (`settings`), so each attempt is visited once.
const BODIES_CURSOR: &str = "retention.bodies_pruned_from";
/// Free pages given back per pass (4 KiB each): 64 MiB.
const VACUUM_PAGES: u32 = 16_384;
/// A breath between batches, for the deliveries waiting on the write turn.
const PAUSE: Duration = Duration::from_millis(20);

#[derive(Debug, Clone)]
pub struct RetentionSettings {
    /// Zero keeps everything.
    pub retention: Duration,
    /// Attempt bodies go after this long; None: with the attempt.
    pub retain_bodies: Option<Duration>,
    pub interval: Duration,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        Self {
            retention: Duration::from_secs(30 * 86_400),
            retain_bodies: None,
            interval: Duration::from_secs(600),
        }
    }
}

/// Runs [`prune`] every interval until the process ends.
pub fn spawn(db: Db, settings: RetentionSettings) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(settings.interval).await;
            match prune(&db, &settings, OffsetDateTime::now_utc()).await {
                Ok(p) if p.total() > 0 => tracing::info!(?p, "pruned old history"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "pruning failed; trying again next time"),
            }
        }
    })
}

/// One pass as of `now`: batches until nothing older is left (or another instance holds the
/// pruning lock). Returns what it removed.
pub async fn prune(
    db: &Db,
    settings: &RetentionSettings,
    now: OffsetDateTime,
) -> Result<db::retention::Pruned, sqlx::Error> {
    use db::retention as r;
    let mut p = r::Pruned::default();
    let full = r::BATCH as u64;
    if !settings.retention.is_zero() {
        let cutoff = clock::format(now - settings.retention);
        while let Some((deliveries, attempts)) = r::deliveries_batch(db, &cutoff).await? {
            p.deliveries += deliveries;
            p.attempts += attempts;
            if deliveries < full {
                break;
            }
            tokio::time::sleep(PAUSE).await;
        }
        while let Some(n) = r::events_batch(db, &cutoff).await? {
            p.events += n;
            if n < full {
                break;
            }
            tokio::time::sleep(PAUSE).await;
        }
        while let Some(n) = r::inbound_requests_batch(db, &cutoff).await? {
            p.inbound_requests += n;
            if n < full {
                break;
            }
            tokio::time::sleep(PAUSE).await;
        }
    }
    if let Some(n) = r::sessions_batch(db, &clock::format(now)).await? {
        p.sessions = n;
    }
    if let Some(age) = settings.retain_bodies {
        let cutoff = clock::format(now - age);
        let mut from = db::settings::get(db.backend(), BODIES_CURSOR)
            .await?
            .unwrap_or_default();
        while let Some((n, last)) = r::bodies_batch(db, &from, &cutoff).await? {
            p.bodies += n;
            let Some(last) = last else { break };
            from = last;
            db::settings::put(db.backend(), BODIES_CURSOR, &from).await?;
            tokio::time::sleep(PAUSE).await;
        }
    }
    if p.total() > 0 {
        r::give_space_back(db, VACUUM_PAGES).await?;
    }
    Ok(p)
}
