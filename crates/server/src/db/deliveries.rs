//! SQL that writes the outbox: accepting events with their deliveries, VALIDATE records,
//! redelivery and recovery. The worker's side (claims, records) is in `claims`; reading the log
//! back in `delivery_log`.

use super::{Db, Tx, json, on_tx, postgres};
use sqlx::QueryBuilder;
use std::collections::{HashMap, HashSet};
use webhook_api::{DeliveryKind, DeliveryStatus, EventIn, RouteRule, SendReport};

/// Stores `events` with their deliveries inside `tx` (which must have begun as a writer);
/// returns how many deliveries were queued. The caller commits with [`commit_announcing`].
pub(super) async fn route_events(
    tx: &mut Tx,
    events: &[(String, EventIn)],
    now: &str,
) -> Result<u64, sqlx::Error> {
    let routed = route_requests(tx, &[Accepted { events, now }]).await?;
    Ok(routed[0])
}

/// One caller's events and the time it accepted them.
pub(super) struct Accepted<'a> {
    pub events: &'a [(String, EventIn)],
    pub now: &'a str,
}

/// Stores the events of several callers with their deliveries inside `tx`, in one pass: one read
/// of the routes, one multi-row insert per table, one journal append, whatever the number of
/// callers (on PostgreSQL each statement is a round trip). Returns the deliveries queued for each
/// caller, in order. Each caller's events are routed on their own (a delivery batches events of
/// one caller only) and keep its time; the resumed-pause slots and the journal take the latest.
/// An error leaves `tx` to be rolled back (to a savepoint): any one caller's fault fails them all.
pub(super) async fn route_requests(
    tx: &mut Tx,
    requests: &[Accepted<'_>],
) -> Result<Vec<u64>, sqlx::Error> {
    let topics = super::subscriptions::routes(tx).await?;
    let all = || requests.iter().flat_map(|r| r.events.iter());
    let targets_of = own_targets(tx, all()).await?;
    let mut deliveries = Vec::new();
    let mut routed = Vec::with_capacity(requests.len());
    for request in requests {
        // (webhook id, rule) → (batch size, its events in posted order).
        let mut fan_out: HashMap<(&str, RouteRule), (usize, Vec<String>)> = HashMap::new();
        for (id, e) in request.events {
            let own = targets_of
                .get(&e.event_type)
                .into_iter()
                .flatten()
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
                    .entry((webhook_id.as_str(), rule))
                    .or_insert_with(|| (batch, Vec::new()))
                    .1
                    .push(id.clone());
            }
        }
        let before = deliveries.len();
        for ((webhook_id, rule), (batch, ids)) in fan_out {
            for chunk in ids.chunks(batch) {
                deliveries.push((webhook_id, rule.clone(), chunk.to_vec(), request.now));
            }
        }
        routed.push((deliveries.len() - before) as u64);
    }
    let mut deliveries: Vec<NewDelivery> = deliveries
        .iter()
        .map(|(webhook_id, rule, event_ids, now)| NewDelivery {
            id: uuid::Uuid::now_v7().to_string(),
            webhook_id,
            kind: DeliveryKind::Event,
            rule,
            event_ids,
            status: DeliveryStatus::Pending,
            next_attempt_at: Some(now.to_string()),
            at: now,
        })
        .collect();
    let latest = requests.iter().map(|r| r.now).max().unwrap_or_default();
    super::pauses::behind_resumed(tx, &mut deliveries, latest).await?;
    let events: Vec<_> = requests
        .iter()
        .flat_map(|r| r.events.iter().map(|e| (e, r.now)))
        .collect();
    insert_events(tx, &events).await?;
    insert_deliveries(tx, &deliveries).await?;
    let journal = super::stream::accepted(all(), &deliveries);
    super::stream::append(tx, latest, &journal).await?;
    Ok(routed)
}

/// Rows per multi-row INSERT: a few statements for a large POST, well under SQLite's limit of
/// 32,766 parameters (11 columns at most).
pub(super) const ROWS_PER_INSERT: usize = 500;

/// The live, enabled webhooks whose own event types include each event type of `events`, with
/// their batch sizes: one read for the whole request.
async fn own_targets<'e>(
    tx: &mut Tx,
    events: impl Iterator<Item = &'e (String, EventIn)>,
) -> Result<HashMap<String, Vec<(String, i64)>>, sqlx::Error> {
    let types: Vec<&str> = events
        .map(|(_, e)| e.event_type.as_str())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let rows: Vec<(String, String, i64)> = on_tx!(tx, |conn, pg| sqlx::query_as(if pg {
        "SELECT t.event_type, w.id, w.batch_size FROM webhooks w \
         JOIN webhook_event_types t ON t.webhook_id = w.id \
         WHERE t.event_type IN (SELECT value FROM json_array_elements_text($1::json)) \
         AND w.enabled AND w.deleted_at IS NULL ORDER BY w.id"
    } else {
        "SELECT t.event_type, w.id, w.batch_size FROM webhooks w \
         JOIN webhook_event_types t ON t.webhook_id = w.id \
         WHERE t.event_type IN (SELECT value FROM json_each($1)) \
         AND w.enabled AND w.deleted_at IS NULL ORDER BY w.id"
    })
    .bind(json(&types))
    .fetch_all(conn)
    .await)?;
    let mut out: HashMap<String, Vec<(String, i64)>> = HashMap::new();
    for (event_type, webhook_id, batch) in rows {
        out.entry(event_type).or_default().push((webhook_id, batch));
    }
    Ok(out)
}

/// Stores accepted events, each with the time it was accepted, a few hundred rows per statement.
async fn insert_events(
    tx: &mut Tx,
    events: &[(&(String, EventIn), &str)],
) -> Result<(), sqlx::Error> {
    for chunk in events.chunks(ROWS_PER_INSERT) {
        on_tx!(tx, |conn, pg| {
            let mut q = QueryBuilder::new(
                "INSERT INTO events (id, type, action, resource_type, resource_id, \
                 resource_details, result, severity, occurred_at, source, received_at) ",
            );
            q.push_values(chunk, |mut row, ((id, e), now)| {
                row.push_bind(id)
                    .push_bind(&e.event_type)
                    .push_bind(&e.action)
                    .push_bind(&e.resource_type)
                    .push_bind(&e.resource_id)
                    .push_bind(json(&e.resource_details))
                    .push_bind(e.result.as_str())
                    .push_bind(e.severity.as_str())
                    .push_bind(e.occurred_at.as_deref().unwrap_or(now))
                    .push_bind(&e.source)
                    .push_bind(*now);
            });
            q.build().execute(&mut *conn).await.map(drop)
        })?;
    }
    Ok(())
}

/// A delivery to store.
pub(super) struct NewDelivery<'a> {
    pub id: String,
    pub webhook_id: &'a str,
    pub kind: DeliveryKind,
    pub rule: &'a RouteRule,
    pub event_ids: &'a [String],
    pub status: DeliveryStatus,
    pub next_attempt_at: Option<String>,
    /// Its `created_at` and `updated_at`.
    pub at: &'a str,
}

/// Stores deliveries and the events log's index from their events to them, a few hundred rows
/// per statement.
async fn insert_deliveries(tx: &mut Tx, deliveries: &[NewDelivery<'_>]) -> Result<(), sqlx::Error> {
    // The message id is Standard Webhooks' `msg_` + the delivery id: one per delivery, kept
    // across retries and redeliveries.
    for chunk in deliveries.chunks(ROWS_PER_INSERT) {
        on_tx!(tx, |conn, pg| {
            let mut q = QueryBuilder::new(
                "INSERT INTO deliveries (id, webhook_id, kind, rule, event_ids, message_id, \
                 status, next_attempt_at, created_at, updated_at) ",
            );
            q.push_values(chunk, |mut row, d| {
                row.push_bind(&d.id)
                    .push_bind(d.webhook_id)
                    .push_bind(kind_str(d.kind))
                    .push_bind(d.rule.to_string())
                    .push_bind(json(d.event_ids))
                    .push_bind(message_id_of(&d.id))
                    .push_bind(d.status.as_str())
                    .push_bind(&d.next_attempt_at)
                    .push_bind(d.at)
                    .push_bind(d.at);
            });
            q.build().execute(&mut *conn).await.map(drop)
        })?;
    }
    // The events log finds an event's deliveries through this.
    let pairs: Vec<(&str, &str)> = deliveries
        .iter()
        .flat_map(|d| d.event_ids.iter().map(|e| (e.as_str(), d.id.as_str())))
        .collect();
    for chunk in pairs.chunks(ROWS_PER_INSERT) {
        on_tx!(tx, |conn, pg| {
            let mut q = QueryBuilder::new("INSERT INTO delivery_events (event_id, delivery_id) ");
            q.push_values(chunk, |mut row, (event_id, delivery_id)| {
                row.push_bind(*event_id).push_bind(*delivery_id);
            });
            q.build().execute(&mut *conn).await.map(drop)
        })?;
    }
    Ok(())
}

/// On PostgreSQL, wakes every instance's worker when the transaction commits (the delivery may
/// be claimed by any of them); on SQLite the one worker is woken by the caller.
pub(super) async fn notify(tx: &mut Tx) -> Result<(), sqlx::Error> {
    if let Tx::Postgres(t, _) = tx {
        sqlx::query(postgres::NOTIFY).execute(&mut **t).await?;
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
    db: &Db,
    id: &str,
    webhook_id: &str,
    started_at: &str,
    report: &SendReport,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    let status = if report.ok {
        DeliveryStatus::Succeeded
    } else {
        DeliveryStatus::Failed
    };
    let delivery = NewDelivery {
        id: id.to_string(),
        webhook_id,
        kind: DeliveryKind::Validate,
        rule: &RouteRule::Webhook,
        event_ids: &[],
        status,
        next_attempt_at: None,
        at: started_at,
    };
    insert_deliveries(&mut tx, &[delivery]).await?;
    let attempt = NewAttempt {
        delivery_id: id,
        number: 1,
        webhook_id,
        started_at,
        report,
    };
    insert_attempts(&mut tx, &[attempt]).await?;
    on_tx!(&mut tx, |conn, pg| sqlx::query(
        "UPDATE deliveries SET attempt_count = 1, cycle_attempts = 1 WHERE id = $1"
    )
    .bind(id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    tx.commit().await
}

/// The message id a delivery with this id is sent with.
pub fn message_id_of(delivery_id: &str) -> String {
    format!("msg_{}", delivery_id.replace('-', ""))
}

/// An attempt to store.
pub(super) struct NewAttempt<'a> {
    pub delivery_id: &'a str,
    pub number: u32,
    pub webhook_id: &'a str,
    pub started_at: &'a str,
    pub report: &'a SendReport,
}

/// Stores attempts, a few hundred rows per statement.
pub(super) async fn insert_attempts(
    tx: &mut Tx,
    attempts: &[NewAttempt<'_>],
) -> Result<(), sqlx::Error> {
    for chunk in attempts.chunks(ROWS_PER_INSERT) {
        on_tx!(tx, |conn, pg| {
            let mut q = QueryBuilder::new(
                "INSERT INTO attempts (delivery_id, number, webhook_id, started_at, duration_ms, \
                 ok, request, response, error) ",
            );
            q.push_values(chunk, |mut row, a| {
                let r = a.report;
                row.push_bind(a.delivery_id)
                    .push_bind(i64::from(a.number))
                    .push_bind(a.webhook_id)
                    .push_bind(a.started_at)
                    .push_bind(i64::try_from(r.duration_ms).unwrap_or(i64::MAX))
                    .push_bind(r.ok)
                    .push_bind(json(&r.request))
                    .push_bind(r.response.as_ref().map(json))
                    .push_bind(r.error.as_ref().map(json));
            });
            q.build().execute(&mut *conn).await.map(drop)
        })?;
    }
    Ok(())
}

/// Starts a new attempt cycle (same message id) for a delivery that is not being sent right now.
/// Returns false when there is no such delivery or it is in flight.
/// Its audit entry is written with it.
pub async fn redeliver(
    db: &Db,
    id: &str,
    now: &str,
    audit: &super::audit::Record,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let done = on_tx!(&mut tx, |conn, pg| sqlx::query(
        "UPDATE deliveries SET status = 'pending', cycle_attempts = 0, next_attempt_at = $1, \
         updated_at = $1 WHERE id = $2 AND claimed_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if done > 0 {
        super::audit::write(&mut tx, audit).await?;
    }
    commit_announcing(tx, done).await?;
    Ok(done > 0)
}

/// Redelivers every failed delivery of a webhook created at or after `since`; returns how many.
pub async fn recover(
    db: &Db,
    webhook_id: &str,
    since: &str,
    now: &str,
    audit: &super::audit::Record,
) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin().await?;
    let done = on_tx!(&mut tx, |conn, pg| sqlx::query(
        "UPDATE deliveries SET status = 'pending', cycle_attempts = 0, next_attempt_at = $1, \
         updated_at = $1 WHERE webhook_id = $2 AND status = 'failed' AND created_at >= $3 \
         AND claimed_at IS NULL",
    )
    .bind(now)
    .bind(webhook_id)
    .bind(since)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    let mut audit = audit.clone();
    audit.changes = vec![crate::changes::added(
        "redelivered",
        serde_json::json!(done),
    )];
    super::audit::write(&mut tx, &audit).await?;
    commit_announcing(tx, done).await?;
    Ok(done)
}

/// Commits a change that made `due` deliveries due, announcing them when there are any.
pub(super) async fn commit_announcing(mut tx: Tx, due: u64) -> Result<(), sqlx::Error> {
    if due > 0 {
        notify(&mut tx).await?;
    }
    tx.commit().await
}
