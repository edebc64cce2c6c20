//! SQL of the outbox: accepting events with their deliveries, claiming due deliveries, recording
//! attempts, redelivery. Reading the log back is in `delivery_log`.

use sqlx::sqlite::SqliteRow;
use sqlx::types::Json;
use sqlx::{Row, SqlitePool};
use std::collections::{HashMap, HashSet};
use webhook_api::{
    DeliveryKind, DeliveryStatus, EventIn, FailureDetails, RouteRule, SendReport, WebhookStatus,
};

/// A delivery the worker has claimed.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: String,
    pub webhook_id: String,
    pub kind: DeliveryKind,
    pub event_ids: Vec<String>,
    pub message_id: String,
    pub attempt_count: u32,
    pub cycle_attempts: u32,
}

/// Where a delivery stands after an attempt.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: DeliveryStatus,
    pub next_attempt_at: Option<String>,
}

/// Stores `events` (id, event with `occurred_at` set) and, in the same transaction, one delivery
/// per matching enabled webhook, rule and batch of at most its `batch_size` events. Returns how
/// many deliveries were queued. Nothing is stored unless all of it is.
///
/// Routing (DESIGN §4): an event goes to a live, enabled webhook whose own event types include
/// its type (rule `webhook`), or that receives an enabled topic whose filter matches it (rule
/// `subscription:<topic>`, the first such topic in catalog order). Each webhook gets an event
/// once; when both match, the webhook's own filter is the recorded rule.
pub async fn accept_events(
    pool: &SqlitePool,
    events: &[(String, EventIn)],
    now: &str,
) -> Result<u64, sqlx::Error> {
    // IMMEDIATE takes the write lock first (waiting for it up to the busy timeout). A deferred
    // transaction reads the routes first and then cannot become a writer if the worker committed
    // meanwhile: SQLite answers SQLITE_BUSY at once, without waiting.
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    // (webhook id, rule) → (batch size, its events in posted order), and the targets of each
    // event type by the webhooks' own filters.
    let mut fan_out: HashMap<(String, RouteRule), (usize, Vec<String>)> = HashMap::new();
    let mut targets_of: HashMap<String, Vec<(String, i64)>> = HashMap::new();
    let topics = super::subscriptions::routes(&mut tx).await?;
    for (id, e) in events {
        sqlx::query(
            "INSERT INTO events (id, type, action, resource_type, resource_id, resource_details, \
             result, severity, occurred_at, source, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(&e.event_type)
        .bind(&e.action)
        .bind(&e.resource_type)
        .bind(&e.resource_id)
        .bind(Json(&e.resource_details))
        .bind(e.result.as_str())
        .bind(e.severity.as_str())
        .bind(e.occurred_at.as_deref().unwrap_or(now))
        .bind(&e.source)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if !targets_of.contains_key(&e.event_type) {
            let targets: Vec<(String, i64)> = sqlx::query_as(
                "SELECT w.id, w.batch_size FROM webhooks w \
                 JOIN webhook_event_types t ON t.webhook_id = w.id \
                 WHERE t.event_type = ? AND w.enabled AND w.deleted_at IS NULL",
            )
            .bind(&e.event_type)
            .fetch_all(&mut *tx)
            .await?;
            targets_of.insert(e.event_type.clone(), targets);
        }
        let own = targets_of[&e.event_type]
            .iter()
            .map(|target| (target, RouteRule::Webhook));
        let by_topic = topics.iter().filter(|t| t.filter.matches(e)).flat_map(|t| {
            let rule = RouteRule::Subscription(t.topic_id.to_string());
            t.receivers.iter().map(move |target| (target, rule.clone()))
        });
        let mut reached = HashSet::new();
        for ((webhook_id, batch), rule) in own.chain(by_topic) {
            if !reached.insert(webhook_id) {
                continue;
            }
            let batch = usize::try_from(*batch).unwrap_or(1).max(1);
            fan_out
                .entry((webhook_id.clone(), rule))
                .or_insert_with(|| (batch, Vec::new()))
                .1
                .push(id.clone());
        }
    }
    let mut queued = 0;
    for ((webhook_id, rule), (batch, ids)) in fan_out {
        for chunk in ids.chunks(batch) {
            let id = uuid::Uuid::now_v7().to_string();
            insert_delivery(
                &mut tx,
                &id,
                &webhook_id,
                DeliveryKind::Event,
                &rule,
                chunk,
                DeliveryStatus::Pending,
                Some(now),
                now,
            )
            .await?;
            queued += 1;
        }
    }
    tx.commit().await?;
    Ok(queued)
}

#[allow(clippy::too_many_arguments)]
async fn insert_delivery(
    conn: &mut sqlx::SqliteConnection,
    id: &str,
    webhook_id: &str,
    kind: DeliveryKind,
    rule: &RouteRule,
    event_ids: &[String],
    status: DeliveryStatus,
    next_attempt_at: Option<&str>,
    now: &str,
) -> Result<(), sqlx::Error> {
    // The message id is Standard Webhooks' `msg_` + the delivery id: one per delivery, kept
    // across retries and redeliveries.
    sqlx::query(
        "INSERT INTO deliveries (id, webhook_id, kind, rule, event_ids, message_id, status, \
         next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(webhook_id)
    .bind(kind_str(kind))
    .bind(rule.to_string())
    .bind(Json(event_ids))
    .bind(message_id_of(id))
    .bind(status.as_str())
    .bind(next_attempt_at)
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if !event_ids.is_empty() {
        // The events log finds an event's deliveries through this.
        sqlx::query(
            "INSERT INTO delivery_events (event_id, delivery_id) SELECT value, ? FROM json_each(?)",
        )
        .bind(id)
        .bind(Json(event_ids))
        .execute(conn)
        .await?;
    }
    Ok(())
}

fn kind_str(kind: DeliveryKind) -> &'static str {
    match kind {
        DeliveryKind::Event => "event",
        DeliveryKind::Validate => "validate",
    }
}

/// Records a VALIDATE message that was sent synchronously (with [`message_id_of`] its id), as a
/// finished delivery with its one attempt.
pub async fn insert_validation(
    pool: &SqlitePool,
    id: &str,
    webhook_id: &str,
    started_at: &str,
    report: &SendReport,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    let status = if report.ok {
        DeliveryStatus::Succeeded
    } else {
        DeliveryStatus::Failed
    };
    insert_delivery(
        &mut tx,
        id,
        webhook_id,
        DeliveryKind::Validate,
        &RouteRule::Webhook,
        &[],
        status,
        None,
        started_at,
    )
    .await?;
    insert_attempt(&mut tx, id, webhook_id, 1, started_at, report).await?;
    sqlx::query("UPDATE deliveries SET attempt_count = 1, cycle_attempts = 1 WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// The message id a delivery with this id is sent with.
pub fn message_id_of(delivery_id: &str) -> String {
    format!("msg_{}", delivery_id.replace('-', ""))
}

async fn insert_attempt(
    conn: &mut sqlx::SqliteConnection,
    delivery_id: &str,
    webhook_id: &str,
    number: u32,
    started_at: &str,
    r: &SendReport,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO attempts (delivery_id, number, webhook_id, started_at, duration_ms, ok, request, \
         response, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(delivery_id)
    .bind(i64::from(number))
    .bind(webhook_id)
    .bind(started_at)
    .bind(i64::try_from(r.duration_ms).unwrap_or(i64::MAX))
    .bind(r.ok)
    .bind(Json(&r.request))
    .bind(r.response.as_ref().map(Json))
    .bind(r.error.as_ref().map(Json))
    .execute(conn)
    .await?;
    Ok(())
}

/// When the next pending or retrying delivery is due.
pub async fn next_due(pool: &SqlitePool) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT MIN(next_attempt_at) FROM deliveries WHERE status IN ('pending', 'retrying')",
    )
    .fetch_one(pool)
    .await
}

/// After a crash, deliveries claimed by the dead process are due again at once.
pub async fn release_claims(pool: &SqlitePool, now: &str) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE deliveries SET claimed_at = NULL, next_attempt_at = ? \
         WHERE claimed_at IS NOT NULL AND status IN ('pending', 'retrying')",
    )
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// Claims up to `limit` due deliveries in one statement. A claimed row is not due again until
/// `lease_until`, so a worker that dies mid-send leaves it to be retried, never lost.
pub async fn claim(
    pool: &SqlitePool,
    now: &str,
    lease_until: &str,
    limit: u32,
) -> Result<Vec<Claimed>, sqlx::Error> {
    sqlx::query(
        "UPDATE deliveries SET claimed_at = ?, next_attempt_at = ? WHERE id IN (SELECT id FROM deliveries \
         WHERE status IN ('pending', 'retrying') AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?) \
         RETURNING id, webhook_id, kind, event_ids, message_id, attempt_count, cycle_attempts",
    )
    .bind(now)
    .bind(lease_until)
    .bind(now)
    .bind(i64::from(limit))
    .try_map(|row: SqliteRow| {
        Ok(Claimed {
            id: row.try_get("id")?,
            webhook_id: row.try_get("webhook_id")?,
            kind: text_enum(row.try_get("kind")?)?,
            event_ids: row.try_get::<Json<_>, _>("event_ids")?.0,
            message_id: row.try_get("message_id")?,
            attempt_count: count(row.try_get("attempt_count")?),
            cycle_attempts: count(row.try_get("cycle_attempts")?),
        })
    })
    .fetch_all(pool)
    .await
}

/// Events by id, as producers posted them (with `occurred_at`): one read for a whole batch of
/// claimed deliveries.
pub async fn events(
    pool: &SqlitePool,
    ids: &[&str],
) -> Result<HashMap<String, EventIn>, sqlx::Error> {
    sqlx::query(
        "SELECT id, type, action, resource_type, resource_id, resource_details, result, severity, \
         occurred_at, source FROM events WHERE id IN (SELECT value FROM json_each(?))",
    )
    .bind(Json(ids))
    .try_map(|row: SqliteRow| {
        let event = EventIn {
            event_type: row.try_get("type")?,
            action: row.try_get("action")?,
            resource_type: row.try_get("resource_type")?,
            resource_id: row.try_get("resource_id")?,
            resource_details: row.try_get::<Json<_>, _>("resource_details")?.0,
            result: text_enum(row.try_get("result")?)?,
            severity: text_enum(row.try_get("severity")?)?,
            occurred_at: row.try_get("occurred_at")?,
            source: row.try_get("source")?,
        };
        Ok((row.try_get("id")?, event))
    })
    .fetch_all(pool)
    .await
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
}

/// Records attempts, their deliveries' new states (releasing the claims) and their webhooks'
/// health, all in one transaction: one commit for many sends.
pub async fn record_attempts(pool: &SqlitePool, batch: &[Recorded]) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    for r in batch {
        let d = &r.delivery;
        let number = d.attempt_count + 1;
        sqlx::query(
            "UPDATE deliveries SET status = ?, attempt_count = ?, cycle_attempts = ?, \
             next_attempt_at = ?, claimed_at = NULL, updated_at = ? WHERE id = ?",
        )
        .bind(r.outcome.status.as_str())
        .bind(i64::from(number))
        .bind(i64::from(d.cycle_attempts + 1))
        .bind(&r.outcome.next_attempt_at)
        .bind(&r.started_at)
        .bind(&d.id)
        .execute(&mut *tx)
        .await?;
        insert_attempt(
            &mut tx,
            &d.id,
            &d.webhook_id,
            number,
            &r.started_at,
            &r.report,
        )
        .await?;
        if let Some((status, details)) = &r.health {
            super::webhook_state::set_health(&mut tx, &d.webhook_id, *status, details).await?;
        }
    }
    tx.commit().await
}

/// Gives a delivery up without an attempt (its webhook was deleted or disabled meanwhile).
pub async fn abandon(pool: &SqlitePool, id: &str, now: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE deliveries SET status = 'failed', next_attempt_at = NULL, claimed_at = NULL, updated_at = ? WHERE id = ?")
        .bind(now)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Starts a new attempt cycle (same message id) for a delivery that is not being sent right now.
/// Returns false when there is no such delivery or it is in flight.
pub async fn redeliver(pool: &SqlitePool, id: &str, now: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE deliveries SET status = 'pending', cycle_attempts = 0, next_attempt_at = ?, updated_at = ? \
         WHERE id = ? AND claimed_at IS NULL",
    )
    .bind(now)
    .bind(now)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Redelivers every failed delivery of a webhook created at or after `since`; returns how many.
pub async fn recover(
    pool: &SqlitePool,
    webhook_id: &str,
    since: &str,
    now: &str,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE deliveries SET status = 'pending', cycle_attempts = 0, next_attempt_at = ?, updated_at = ? \
         WHERE webhook_id = ? AND status = 'failed' AND created_at >= ? AND claimed_at IS NULL",
    )
    .bind(now)
    .bind(now)
    .bind(webhook_id)
    .bind(since)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

pub(super) fn text_enum<T: serde::de::DeserializeOwned>(s: String) -> Result<T, sqlx::Error> {
    serde_json::from_value(serde_json::Value::String(s))
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

pub(super) fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(0)
}
