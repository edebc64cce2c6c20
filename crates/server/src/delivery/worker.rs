//! The delivery worker: claims due deliveries from the outbox, sends them concurrently (bounded),
//! records every attempt, schedules retries and keeps each webhook's status and failure details.

use super::format::Message;
use super::{Deliverer, retry};
use crate::clock;
use crate::db::{self, Db, claims::Claimed, claims::Outcome, claims::Recorded};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, watch};
use webhook_api::{
    DeliveryKind, DeliveryStatus, EventIn, FailureDetails, SendReport, Webhook, WebhookStatus,
};

/// The longest nap between looks at the outbox when nothing wakes the worker.
const IDLE: Duration = Duration::from_secs(1);

/// Starts the worker on the current runtime, and beside it what tells this process of changes
/// made elsewhere: on PostgreSQL the listener (deliveries announced by any instance, and the
/// changes the caches of sessions, tokens and the list hear of: `LISTEN/NOTIFY`), on SQLite the
/// watcher of the file ([`db::sqlite::spawn_watcher`]).
/// Dropping the returned handle leaves the worker running.
pub fn spawn(db: Db, deliverer: Deliverer) -> Worker {
    let (stop, stopping) = watch::channel(false);
    Worker {
        handle: tokio::spawn(run(db, deliverer, stopping)),
        stop,
    }
}

/// A running worker.
pub struct Worker {
    handle: tokio::task::JoinHandle<()>,
    stop: watch::Sender<bool>,
}

impl Worker {
    /// Stops claiming, lets the deliveries in flight finish and be recorded for at most `grace`,
    /// then stops. Returns false when some were still in flight: those stay claimed, and are
    /// sent again when their lease lapses (or, on SQLite, at the next start).
    pub async fn stop(mut self, grace: Duration) -> bool {
        let _ = self.stop.send(true);
        if tokio::time::timeout(grace, &mut self.handle).await.is_ok() {
            return true;
        }
        self.handle.abort();
        false
    }
}

/// Completes when a stop is asked for; never when the handle was dropped without one.
async fn stop_asked(stopping: &mut watch::Receiver<bool>) {
    if stopping.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await;
    }
}

async fn run(db: Db, deliverer: Deliverer, mut stopping: watch::Receiver<bool>) {
    let _running = Running::start(&deliverer);
    let _told_of_changes = AbortOnDrop(match db.backend() {
        db::Backend::Postgres(pool) => {
            db::postgres::spawn_listener(pool.clone(), &db, deliverer.wake.clone())
        }
        db::Backend::Sqlite(store) => db::sqlite::spawn_watcher(store, &db),
    });
    match db::claims::release_claims(&db, &clock::now()).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(deliveries = n, "resuming deliveries cut off by a stop"),
        Err(e) => tracing::error!(error = %e, "cannot release stale claims"),
    }
    let (to_record, records) = mpsc::unbounded_channel();
    tokio::spawn(record(db.clone(), records, deliverer.clone()));
    let concurrency = deliverer.settings.concurrency.max(1);
    let slots = Arc::new(Semaphore::new(concurrency));
    while !*stopping.borrow() {
        let free = slots.available_permits();
        if free == 0 {
            // Wait until a send finishes.
            tokio::select! {
                permit = slots.clone().acquire_owned() => drop(permit),
                () = stop_asked(&mut stopping) => {}
            }
            continue;
        }
        let now = OffsetDateTime::now_utc();
        let limit = u32::try_from(free).unwrap_or(u32::MAX);
        let lease_until = clock::format(now + deliverer.settings.lease);
        let started = Instant::now();
        let claimed = match db::claims::claim(&db, &clock::format(now), &lease_until, limit).await {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "cannot claim deliveries");
                tokio::time::sleep(IDLE).await;
                continue;
            }
        };
        let full = claimed.len() == free;
        let claim_took = started.elapsed();
        let targets = match targets(&db, &claimed).await {
            Ok(t) => Arc::new(t),
            Err(e) => {
                // The claims lapse and the deliveries are tried again.
                tracing::error!(error = %e, "cannot read the webhooks of claimed deliveries");
                tokio::time::sleep(IDLE).await;
                continue;
            }
        };
        tracing::debug!(
            claimed = claimed.len(),
            free,
            claim_ms = claim_took.as_secs_f64() * 1e3,
            targets_ms = (started.elapsed() - claim_took).as_secs_f64() * 1e3,
            "claimed"
        );
        for d in claimed {
            let Ok(permit) = slots.clone().acquire_owned().await else {
                return;
            };
            let (db, deliverer) = (db.clone(), deliverer.clone());
            let (targets, to_record) = (targets.clone(), to_record.clone());
            tokio::spawn(async move {
                match attempt(&db, &deliverer, &targets, d).await {
                    // The slot stays taken until the attempt is recorded: sending never runs
                    // ahead of recording, so a claim is released well within its lease.
                    Ok(Some(done)) => {
                        let _ = to_record.send((done, permit));
                    }
                    Ok(None) => {}
                    Err(e) => tracing::error!(error = %e, "cannot prepare a delivery"),
                }
            });
        }
        if !full {
            let looking = Instant::now();
            let nap = match db::claims::next_due(&db).await {
                Ok(Some(at)) => until(&at).min(IDLE),
                _ => IDLE,
            };
            let napping = Instant::now();
            let woken = tokio::select! {
                () = deliverer.wake.notified() => "woken",
                () = tokio::time::sleep(nap) => "due",
                () = stop_asked(&mut stopping) => "stop",
            };
            tracing::debug!(
                due_ms = (napping - looking).as_secs_f64() * 1e3,
                spawn_ms = (looking - started).as_secs_f64() * 1e3,
                nap_ms = nap.as_secs_f64() * 1e3,
                napped_ms = napping.elapsed().as_secs_f64() * 1e3,
                woken,
                "napped"
            );
        }
    }
    // Stopping: every slot comes back once its attempt is recorded.
    let in_flight = concurrency - slots.available_permits();
    if in_flight > 0 {
        tracing::info!(deliveries = in_flight, "finishing the deliveries in flight");
    }
    let _ = slots
        .acquire_many(u32::try_from(concurrency).unwrap_or(u32::MAX))
        .await;
}

/// What the claimed deliveries of one batch need, read once for all of them: each webhook (when
/// still live) with its previous secret, and the events.
#[derive(Default)]
struct Targets {
    webhooks: HashMap<String, Option<(Webhook, Option<String>)>>,
    events: HashMap<String, EventIn>,
}

async fn targets(db: &Db, claimed: &[Claimed]) -> Result<Targets, sqlx::Error> {
    let now = clock::now();
    let ids: Vec<&str> = claimed
        .iter()
        .flat_map(|d| d.event_ids.iter().map(String::as_str))
        .collect();
    let mut targets = Targets {
        webhooks: HashMap::new(),
        events: db::claims::events(db, &ids).await?,
    };
    for d in claimed {
        if targets.webhooks.contains_key(&d.webhook_id) {
            continue;
        }
        let found = match db::webhooks::find(db, &d.webhook_id).await? {
            Some(w) => {
                let previous = db::webhook_state::previous_secret(db, &w.id, &now).await?;
                Some((w, previous))
            }
            None => None,
        };
        targets.webhooks.insert(d.webhook_id.clone(), found);
    }
    Ok(targets)
}

/// Writes finished attempts, as many per transaction as have piled up (at most the settings'
/// `commit_batch`): with many sends in flight one commit serves them all. Until its record
/// commits a delivery stays claimed, so a crash before then means it is sent again: at least once.
async fn record(
    db: Db,
    mut records: mpsc::UnboundedReceiver<(Recorded, OwnedSemaphorePermit)>,
    deliverer: Deliverer,
) {
    let max_batch = deliverer.settings.commit_batch.max(1);
    let mut incoming = Vec::with_capacity(max_batch);
    while records.recv_many(&mut incoming, max_batch).await > 0 {
        let (batch, slots): (Vec<Recorded>, Vec<_>) = incoming.drain(..).unzip();
        let started = Instant::now();
        let recorded = db::claims::record_attempts(&db, &batch).await;
        tracing::debug!(
            attempts = batch.len(),
            record_ms = started.elapsed().as_secs_f64() * 1e3,
            "recorded"
        );
        if let Err(e) = recorded.map(drop) {
            tracing::error!(error = %e, attempts = batch.len(), "cannot record attempts; they will be sent again");
        }
        for r in &batch {
            deliverer.metrics.attempt(
                r.outcome.status,
                r.report.response.as_ref().map(|x| x.status),
                r.report.duration_ms,
            );
            let d = &r.delivery;
            tracing::info!(delivery = %d.id, webhook = %d.webhook_id, status = r.outcome.status.as_str(), duration_ms = r.report.duration_ms, "attempt");
        }
        // The slots are free for new sends; retries may be due sooner than planned.
        drop(slots);
        deliverer.wake.notify_one();
    }
}

/// Marks the worker running until it stops, however it stops (abort, panic).
struct Running(Arc<AtomicBool>);

impl Running {
    fn start(deliverer: &Deliverer) -> Self {
        deliverer.worker_running.store(true, Ordering::Relaxed);
        Self(deliverer.worker_running.clone())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

/// Stops the listener or watcher when the worker stops (a test's server, the binary's shutdown).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Time from now until an RFC 3339 time; zero when past or unreadable.
fn until(at: &str) -> Duration {
    time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .ok()
        .and_then(|t| Duration::try_from(t - OffsetDateTime::now_utc()).ok())
        .unwrap_or(Duration::ZERO)
}

/// One attempt of a claimed delivery and its consequences, to be recorded; None when the
/// delivery was given up without an attempt.
async fn attempt(
    db: &Db,
    deliverer: &Deliverer,
    targets: &Targets,
    d: Claimed,
) -> Result<Option<Recorded>, sqlx::Error> {
    let started_at = clock::now();
    let Some((webhook, previous)) = targets
        .webhooks
        .get(&d.webhook_id)
        .and_then(Option::as_ref)
        .filter(|(w, _)| w.enabled)
    else {
        // Deleted or disabled since: nothing is sent. Recover or Redeliver can send it later.
        db::claims::abandon(db, &d, &started_at).await?;
        return Ok(None);
    };
    // Retention keeps the events of every delivery it keeps, so each id is found.
    let events: Vec<EventIn> = d
        .event_ids
        .iter()
        .filter_map(|id| targets.events.get(id).cloned())
        .collect();
    let message = match d.kind {
        DeliveryKind::Event => Message::Events(&events),
        DeliveryKind::Validate => Message::Validate,
    };
    let report = deliverer
        .send_now(
            &webhook.to_input(),
            previous.as_deref(),
            message,
            &d.message_id,
        )
        .await;

    let now = OffsetDateTime::now_utc();
    let failed_in_cycle = d.cycle_attempts + 1;
    let (status, health, next) = if report.ok {
        (DeliveryStatus::Succeeded, WebhookStatus::Active, None)
    } else if retry::is_retryable(&report) {
        match deliverer
            .settings
            .retry_schedule
            .delay_after(failed_in_cycle)
        {
            Some(delay) => {
                // Never sooner than the receiver asked.
                let delay =
                    retry::retry_after(&report, now).map_or(delay, |asked| asked.max(delay));
                (
                    DeliveryStatus::Retrying,
                    WebhookStatus::AwaitingRetry,
                    Some(clock::format(now + delay)),
                )
            }
            None => (
                DeliveryStatus::Failed,
                WebhookStatus::RetryLimitReached,
                None,
            ),
        }
    } else {
        (DeliveryStatus::Failed, WebhookStatus::Failed, None)
    };
    // VALIDATE says whether the receiver is reachable, not how deliveries fare: no health change.
    let health = (d.kind == DeliveryKind::Event).then(|| {
        let details = health_details(
            webhook.failure_details.clone(),
            &report,
            &clock::format(now),
            next.clone(),
        );
        (health, details)
    });
    Ok(Some(Recorded {
        delivery: d,
        started_at,
        outcome: Outcome {
            status,
            next_attempt_at: next,
        },
        report,
        health,
        event_type: events.first().map(|e| e.event_type.clone()),
    }))
}

/// Seed 003's failure details after an attempt: the last success, or the last failure with its
/// status code and reason, and the next attempt while one is scheduled.
pub fn health_details(
    mut fd: FailureDetails,
    report: &SendReport,
    now: &str,
    next: Option<String>,
) -> FailureDetails {
    if report.ok {
        fd.last_successful_at = Some(now.to_string());
    } else {
        fd.last_failed_at = Some(now.to_string());
        fd.last_failed_status_code = report.response.as_ref().map(|r| r.status);
        fd.last_failed_reason = report
            .error
            .as_ref()
            .map(|e| format!("{}: {}", e.kind.as_str(), e.message));
    }
    fd.next_attempt = next;
    fd
}
