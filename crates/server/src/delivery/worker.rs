//! The delivery worker: claims due deliveries from the outbox, sends them concurrently (bounded),
//! records every attempt, schedules retries and keeps each webhook's status and failure details.

use super::format::Message;
use super::{Deliverer, retry};
use crate::clock;
use crate::db::{self, deliveries::Claimed, deliveries::Outcome};
use sqlx::SqlitePool;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::Semaphore;
use webhook_api::{DeliveryKind, DeliveryStatus, FailureDetails, SendReport, WebhookStatus};

/// How long a claim holds: longer than the longest send (60 s timeout), so only a worker that
/// died lets it lapse.
const LEASE: Duration = Duration::from_secs(120);
/// The longest nap between looks at the outbox when nothing wakes the worker.
const IDLE: Duration = Duration::from_secs(1);

/// Starts the worker on the current runtime.
pub fn spawn(db: SqlitePool, deliverer: Deliverer) -> tokio::task::JoinHandle<()> {
    tokio::spawn(run(db, deliverer))
}

async fn run(db: SqlitePool, deliverer: Deliverer) {
    match db::deliveries::release_claims(&db, &clock::now()).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(deliveries = n, "resuming deliveries cut off by a stop"),
        Err(e) => tracing::error!(error = %e, "cannot release stale claims"),
    }
    let slots = Arc::new(Semaphore::new(deliverer.settings.concurrency.max(1)));
    loop {
        let free = slots.available_permits();
        if free == 0 {
            // Wait until a send finishes.
            drop(slots.clone().acquire_owned().await);
            continue;
        }
        let now = OffsetDateTime::now_utc();
        let limit = u32::try_from(free).unwrap_or(u32::MAX);
        let claimed = match db::deliveries::claim(
            &db,
            &clock::format(now),
            &clock::format(now + LEASE),
            limit,
        )
        .await
        {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "cannot claim deliveries");
                tokio::time::sleep(IDLE).await;
                continue;
            }
        };
        let full = claimed.len() == free;
        for d in claimed {
            let Ok(permit) = slots.clone().acquire_owned().await else {
                return;
            };
            let (db, deliverer) = (db.clone(), deliverer.clone());
            tokio::spawn(async move {
                if let Err(e) = deliver(&db, &deliverer, &d).await {
                    // The claim lapses and the delivery is tried again: at least once.
                    tracing::error!(delivery = %d.id, error = %e, "cannot record a delivery");
                }
                drop(permit);
                deliverer.wake.notify_one();
            });
        }
        if !full {
            let nap = match db::deliveries::next_due(&db).await {
                Ok(Some(at)) => until(&at).min(IDLE),
                _ => IDLE,
            };
            tokio::select! {
                () = deliverer.wake.notified() => {}
                () = tokio::time::sleep(nap) => {}
            }
        }
    }
}

/// Time from now until an RFC 3339 time; zero when past or unreadable.
fn until(at: &str) -> Duration {
    time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .ok()
        .and_then(|t| Duration::try_from(t - OffsetDateTime::now_utc()).ok())
        .unwrap_or(Duration::ZERO)
}

/// One attempt of a claimed delivery, recorded with its consequences.
async fn deliver(db: &SqlitePool, deliverer: &Deliverer, d: &Claimed) -> Result<(), sqlx::Error> {
    let started_at = clock::now();
    let webhook = match db::webhooks::find(db, &d.webhook_id).await? {
        Some(w) if w.enabled => w,
        // Deleted or disabled since: nothing is sent. Recover or Redeliver can send it later.
        _ => return db::deliveries::abandon(db, &d.id, &started_at).await,
    };
    let events = match d.kind {
        DeliveryKind::Event => db::deliveries::events(db, &d.event_ids).await?,
        DeliveryKind::Validate => Vec::new(),
    };
    let message = match d.kind {
        DeliveryKind::Event => Message::Events(&events),
        DeliveryKind::Validate => Message::Validate,
    };
    let previous = db::webhook_state::previous_secret(db, &webhook.id, &started_at).await?;
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
    let outcome = Outcome {
        status,
        next_attempt_at: next.clone(),
    };
    db::deliveries::record_attempt(db, d, &started_at, &report, &outcome).await?;
    tracing::info!(delivery = %d.id, webhook = %webhook.id, status = status.as_str(), duration_ms = report.duration_ms, "attempt");
    if d.kind == DeliveryKind::Event {
        let details = health_details(webhook.failure_details, &report, &clock::format(now), next);
        db::webhook_state::set_health(db, &webhook.id, health, &details).await?;
    }
    Ok(())
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
