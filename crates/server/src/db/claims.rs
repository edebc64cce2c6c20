//! SQL the delivery worker runs on the outbox: claiming due deliveries (with a lease; on
//! PostgreSQL `FOR UPDATE SKIP LOCKED`, so each goes to one instance), reading their events,
//! recording attempts and releasing the claims, giving a delivery up. Writing the outbox is in
//! `deliveries`.

use super::deliveries::{NewAttempt, ROWS_PER_INSERT, insert_attempts, notify};
use super::{Cols, Db, Tx, json, on_db, on_tx};
use sqlx::QueryBuilder;
use std::collections::{BTreeMap, HashMap, HashSet};
use webhook_api::{
    DeliveryKind, DeliveryStatus, EventIn, FailureDetails, SendReport, WebhookStatus,
};

/// A delivery the worker has claimed.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: String,
    pub webhook_id: String,
    pub kind: DeliveryKind,
    /// `webhook` or `subscription:<topic>`.
    pub rule: String,
    pub event_ids: Vec<String>,
    pub message_id: String,
    pub attempt_count: u32,
    pub cycle_attempts: u32,
    /// When this claim was taken: it identifies the claim, so a worker whose lease lapsed (and
    /// whose delivery another instance took over) cannot record over the new claim.
    pub claimed_at: String,
}

/// Where a delivery stands after an attempt.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: DeliveryStatus,
    pub next_attempt_at: Option<String>,
}

/// When the next pending or retrying delivery is due.
pub async fn next_due(db: &Db) -> Result<Option<String>, sqlx::Error> {
    on_db!(db, |pool, pg| sqlx::query_scalar(
        "SELECT MIN(next_attempt_at) FROM deliveries WHERE status IN ('pending', 'retrying') \
         AND webhook_id NOT IN (SELECT webhook_id FROM webhook_pauses WHERE paused)",
    )
    .fetch_one(pool)
    .await)
}

/// At start on SQLite, where one server owns the file: deliveries claimed by a process that
/// stopped or died are due again at once. On PostgreSQL other instances may be sending what
/// they claimed, so nothing is released; a dead instance's claims lapse with their lease.
pub async fn release_claims(db: &Db, now: &str) -> Result<u64, sqlx::Error> {
    let super::Backend::Sqlite(store) = db.backend() else {
        return Ok(0);
    };
    let _turn = db.write_turn().await;
    let pool = &store.pool;
    let done = sqlx::query(
        "UPDATE deliveries SET claimed_at = NULL, next_attempt_at = $1 \
         WHERE claimed_at IS NOT NULL AND status IN ('pending', 'retrying')",
    )
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// Claims up to `limit` due deliveries in one statement, none of a paused webhook. A claimed row is not due again until
/// `lease_until`, so a worker that dies mid-send leaves it to be retried, never lost. On
/// PostgreSQL, instances claiming at the same moment skip each other's rows (`SKIP LOCKED`):
/// each due delivery goes to exactly one of them.
pub async fn claim(
    db: &Db,
    now: &str,
    lease_until: &str,
    limit: u32,
) -> Result<Vec<Claimed>, sqlx::Error> {
    let _turn = db.write_turn().await;
    on_db!(db, |pool, pg| sqlx::query(if pg {
        "UPDATE deliveries SET claimed_at = $1, next_attempt_at = $2 WHERE id IN (SELECT id \
         FROM deliveries WHERE status IN ('pending', 'retrying') AND next_attempt_at <= $1 \
         AND webhook_id NOT IN (SELECT webhook_id FROM webhook_pauses WHERE paused) \
         ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) \
         RETURNING id, webhook_id, kind, rule, event_ids, message_id, attempt_count, \
         cycle_attempts, claimed_at"
    } else {
        "UPDATE deliveries SET claimed_at = $1, next_attempt_at = $2 WHERE id IN (SELECT id \
         FROM deliveries WHERE status IN ('pending', 'retrying') AND next_attempt_at <= $1 \
         AND webhook_id NOT IN (SELECT webhook_id FROM webhook_pauses WHERE paused) \
         ORDER BY next_attempt_at LIMIT $3) \
         RETURNING id, webhook_id, kind, rule, event_ids, message_id, attempt_count, \
         cycle_attempts, claimed_at"
    })
    .bind(now)
    .bind(lease_until)
    .bind(i64::from(limit))
    .try_map(|row| claimed_from(&row))
    .fetch_all(pool)
    .await)
}

fn claimed_from(row: &impl Cols) -> Result<Claimed, sqlx::Error> {
    Ok(Claimed {
        id: row.text("id")?,
        webhook_id: row.text("webhook_id")?,
        kind: row.wire("kind")?,
        rule: row.text("rule")?,
        event_ids: row.json("event_ids")?,
        message_id: row.text("message_id")?,
        attempt_count: row.number("attempt_count")?,
        cycle_attempts: row.number("cycle_attempts")?,
        claimed_at: row.text("claimed_at")?,
    })
}

/// Events by id, as producers posted them (with `occurred_at`): one read for a whole batch of
/// claimed deliveries.
///
/// On PostgreSQL ids are matched with `= ANY(ARRAY(SELECT json_array_elements_text(…)))`: an
/// index lookup per id under any plan. `IN (SELECT value FROM json_array_elements_text(…))`,
/// planned once per connection while the table was still small (sqlx keeps prepared statements,
/// PostgreSQL then a generic plan), stayed a hash join over a sequential scan of every event:
/// 7.9 ms a read at 20,000 events, most of PostgreSQL's time in `bench/delivery.mjs`. The reads of
/// attempts and of event routes by id do the same.
pub async fn events(db: &Db, ids: &[&str]) -> Result<HashMap<String, EventIn>, sqlx::Error> {
    on_db!(db, |pool, pg| sqlx::query(if pg {
        "SELECT id, type, action, resource_type, resource_id, resource_details, result, severity, \
         occurred_at, source FROM events \
         WHERE id = ANY(ARRAY(SELECT json_array_elements_text($1::json)))"
    } else {
        "SELECT id, type, action, resource_type, resource_id, resource_details, result, severity, \
         occurred_at, source FROM events WHERE id IN (SELECT value FROM json_each($1))"
    })
    .bind(json(ids))
    .try_map(|row| super::event_log::event_in(&row))
    .fetch_all(pool)
    .await)
    .map(HashMap::from_iter)
}

/// One finished attempt, waiting to be written.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub delivery: Claimed,
    pub started_at: String,
    pub report: SendReport,
    pub outcome: Outcome,
    /// The webhook's new status and failure details (event deliveries only).
    pub health: Option<(WebhookStatus, FailureDetails)>,
    /// The first event's type, for the live view.
    pub event_type: Option<String>,
}

/// Records attempts, their deliveries' new states (releasing the claims) and their webhooks'
/// health, all in one transaction: one commit for many sends. Returns how many were recorded:
/// an attempt whose claim was taken over meanwhile (its lease lapsed; another instance owns
/// the delivery now) is left out, as the new owner records its own.
pub async fn record_attempts(db: &Db, batch: &[Recorded]) -> Result<usize, sqlx::Error> {
    let mut tx = db.begin().await?;
    let mut released = HashSet::new();
    for chunk in batch.chunks(ROWS_PER_INSERT) {
        released.extend(release(&mut tx, chunk).await?);
    }
    let mut attempts = Vec::with_capacity(batch.len());
    let mut health = BTreeMap::new();
    let mut due = false;
    for r in batch {
        let d = &r.delivery;
        if !released.contains(d.id.as_str()) {
            tracing::warn!(delivery = %d.id, "the claim lapsed before its attempt was recorded");
            continue;
        }
        due |= r.outcome.next_attempt_at.is_some();
        attempts.push(NewAttempt {
            delivery_id: &d.id,
            number: d.attempt_count + 1,
            webhook_id: &d.webhook_id,
            started_at: &r.started_at,
            report: &r.report,
        });
        if let Some(h) = &r.health {
            health.insert(d.webhook_id.as_str(), h);
        }
    }
    insert_attempts(&mut tx, &attempts).await?;
    let journal: Vec<_> = batch
        .iter()
        .filter(|r| released.contains(r.delivery.id.as_str()))
        .map(attempt_entry)
        .collect();
    super::stream::append(&mut tx, &crate::clock::now(), &journal).await?;
    // Each webhook's health once, as its last attempt left it, at the end and in id order: the
    // webhook's row is the one row the record transactions of all instances share, so its lock
    // is held briefly and always taken in the same order (no deadlock between instances).
    for (webhook_id, (status, details)) in health {
        super::webhook_state::set_health(&mut tx, webhook_id, *status, details).await?;
    }
    if due {
        // A retry may be due before another instance planned to look.
        notify(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(attempts.len())
}

/// An attempt in the live view: which delivery, how it went; never a body.
fn attempt_entry(r: &Recorded) -> super::stream::Entry {
    let d = &r.delivery;
    super::stream::Entry {
        kind: "attempt",
        webhook_id: Some(d.webhook_id.clone()),
        topic: topic_of(&d.rule),
        data: serde_json::json!({
            "delivery_id": d.id,
            "webhook_id": d.webhook_id,
            "number": d.attempt_count + 1,
            "event_type": r.event_type,
            "event_ids": d.event_ids,
            "outcome": r.outcome.status,
            "status_code": r.report.response.as_ref().map(|x| x.status),
            "duration_ms": r.report.duration_ms,
            "error": r.report.error.as_ref().map(|e| e.kind.as_str()),
            "started_at": r.started_at,
            "next_attempt_at": r.outcome.next_attempt_at,
        }),
    }
}

/// The topic of a delivery's rule (`subscription:<topic>`).
pub(super) fn topic_of(rule: &str) -> Option<String> {
    rule.strip_prefix("subscription:").map(str::to_string)
}

/// Sets the deliveries' states after their attempts and releases their claims, in one
/// statement; returns the ids whose claim was still theirs.
async fn release(tx: &mut Tx, batch: &[Recorded]) -> Result<Vec<String>, sqlx::Error> {
    on_tx!(tx, |conn, pg| {
        let mut q = QueryBuilder::new(
            "WITH done (delivery_id, status, attempt_count, cycle_attempts, next_attempt_at, \
             updated_at, claimed_at) AS (",
        );
        q.push_values(batch, |mut row, r| {
            let d = &r.delivery;
            row.push_bind(&d.id)
                .push_bind(r.outcome.status.as_str())
                .push_bind(i64::from(d.attempt_count + 1))
                .push_bind(i64::from(d.cycle_attempts + 1))
                .push_bind(&r.outcome.next_attempt_at)
                .push_bind(&r.started_at)
                .push_bind(&d.claimed_at);
        });
        q.push(
            ") UPDATE deliveries SET status = done.status, attempt_count = done.attempt_count, \
             cycle_attempts = done.cycle_attempts, next_attempt_at = done.next_attempt_at, \
             claimed_at = NULL, updated_at = done.updated_at FROM done \
             WHERE deliveries.id = done.delivery_id AND deliveries.claimed_at = done.claimed_at \
             RETURNING id",
        );
        q.build_query_scalar().fetch_all(&mut *conn).await
    })
}

/// Gives a claimed delivery up without an attempt (its webhook was deleted or disabled
/// meanwhile).
pub async fn abandon(db: &Db, d: &Claimed, now: &str) -> Result<(), sqlx::Error> {
    let _turn = db.write_turn().await;
    on_db!(db, |pool, pg| sqlx::query(
        "UPDATE deliveries SET status = 'failed', next_attempt_at = NULL, claimed_at = NULL, \
         updated_at = $1 WHERE id = $2 AND claimed_at = $3",
    )
    .bind(now)
    .bind(&d.id)
    .bind(&d.claimed_at)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The shared queue, for `/metrics`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct QueueDepth {
    /// Pending or retrying deliveries.
    pub waiting: i64,
    /// Of those, the ones due now.
    pub due: i64,
    /// How long the longest-due one has been due; 0 when none is.
    pub oldest_due_seconds: f64,
}

pub async fn queue_depth(db: &Db, now: time::OffsetDateTime) -> Result<QueueDepth, sqlx::Error> {
    let now_text = crate::clock::format(now);
    let (waiting, due, oldest): (i64, i64, Option<String>) =
        on_db!(db, |pool, pg| sqlx::query_as(
            "SELECT COUNT(*), COUNT(CASE WHEN next_attempt_at <= $1 THEN 1 END), \
         MIN(CASE WHEN next_attempt_at <= $1 THEN next_attempt_at END) \
         FROM deliveries WHERE status IN ('pending', 'retrying')"
        )
        .bind(&now_text)
        .fetch_one(pool)
        .await)?;
    let oldest_due_seconds = oldest
        .and_then(|t| {
            time::OffsetDateTime::parse(&t, &time::format_description::well_known::Rfc3339).ok()
        })
        .map_or(0.0, |t| (now - t).as_seconds_f64().max(0.0));
    Ok(QueueDepth {
        waiting,
        due,
        oldest_due_seconds,
    })
}
