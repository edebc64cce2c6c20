//! What inbound webhooks received: every request that passed the key check, the last
//! [`KEPT`] per webhook, stored in one transaction with the events it raised, their deliveries,
//! the dedup state and the webhook's counters — so a 202 means all of it is committed.

use super::deliveries::{commit_announcing, route_events};
use super::{Cols, Db, json, on_db, on_tx};
use std::collections::{BTreeMap, HashMap};
use webhook_api::{
    AlertEvent, AlertEventType, AlertOutcome, EventIn, InboundRequest, ReceivedAlert,
    RequestOutcome,
};

/// Requests kept per inbound webhook.
pub const KEPT: i64 = 100;

/// A request about to be recorded; `alerts` are the plugin's events with the event each would
/// become, `raised` the events of the request itself (a parse error's).
pub struct NewRequest {
    pub id: String,
    pub webhook_id: String,
    pub client_addr: String,
    pub headers: BTreeMap<String, String>,
    pub body: String,
    pub body_size: u64,
    pub body_truncated: bool,
    pub status: u16,
    pub outcome: RequestOutcome,
    pub error: Option<String>,
    pub sample: bool,
    pub alerts: Vec<(AlertEvent, EventIn)>,
    pub raised: Vec<EventIn>,
    /// The dedup window in seconds; 0 routes every repeat.
    pub window: i64,
}

/// Records `r`: routes its alerts except repeats within the window, and its raised events.
/// Returns the stored request and how many deliveries were queued.
pub async fn record(db: &Db, r: NewRequest) -> Result<(InboundRequest, u64), sqlx::Error> {
    let now_at = time::OffsetDateTime::now_utc();
    let now = crate::clock::format(now_at);
    let cutoff = crate::clock::format(now_at - time::Duration::seconds(r.window));
    let mut tx = db.begin().await?;
    // First: on PostgreSQL this locks the webhook's row, so its requests take turns and two
    // repeats arriving together cannot both be routed.
    let failed = i64::from(r.outcome != RequestOutcome::Accepted);
    on_tx!(&mut tx, |conn, pg| sqlx::query(
        "UPDATE inbound_webhooks SET requests_total = requests_total + 1, \
         requests_error = requests_error + $2, last_received_at = $3 WHERE id = $1"
    )
    .bind(&r.webhook_id)
    .bind(failed)
    .bind(&now)
    .execute(conn)
    .await
    .map(drop))?;

    // The last routed event per key, as this request goes on.
    let mut last: HashMap<String, Option<(AlertEventType, String, String)>> = HashMap::new();
    let mut received = Vec::with_capacity(r.alerts.len());
    let mut routed: Vec<(String, EventIn)> = Vec::new();
    for (alert, event) in r.alerts {
        if !last.contains_key(&alert.event_key) {
            let row = on_tx!(&mut tx, |conn, pg| sqlx::query(
                "SELECT event_type, event_id, routed_at FROM inbound_alerts \
                 WHERE webhook_id = $1 AND event_key = $2"
            )
            .bind(&r.webhook_id)
            .bind(&alert.event_key)
            .try_map(|row| last_routed(&row))
            .fetch_optional(conn)
            .await)?;
            last.insert(alert.event_key.clone(), row);
        }
        let previous = last.get(&alert.event_key).cloned().flatten();
        // A repeat of the state last routed, within the window, is not routed again: a firing
        // alert re-sent every repeat_interval, or a resolution sent twice.
        let repeat = previous.as_ref().filter(|(kind, _, at)| {
            r.window > 0 && *kind == alert.event_type && at.as_str() > cutoff.as_str()
        });
        let (outcome, event_id) = match repeat {
            Some((_, id, _)) => (AlertOutcome::Duplicate, id.clone()),
            None => {
                let id = uuid::Uuid::now_v7().to_string();
                last.insert(
                    alert.event_key.clone(),
                    Some((alert.event_type, id.clone(), now.clone())),
                );
                routed.push((id.clone(), event));
                (AlertOutcome::Routed, id)
            }
        };
        received.push(ReceivedAlert {
            alert,
            outcome,
            event_id,
        });
    }
    for (key, state) in &last {
        let Some((kind, event_id, at)) = state else {
            continue;
        };
        if at != &now {
            continue;
        }
        on_tx!(&mut tx, |conn, pg| sqlx::query(
            "INSERT INTO inbound_alerts (webhook_id, event_key, event_type, event_id, routed_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (webhook_id, event_key) DO UPDATE SET \
             event_type = excluded.event_type, event_id = excluded.event_id, \
             routed_at = excluded.routed_at"
        )
        .bind(&r.webhook_id)
        .bind(key)
        .bind(wire(kind))
        .bind(event_id)
        .bind(at)
        .execute(conn)
        .await
        .map(drop))?;
    }
    let raised: Vec<(String, EventIn)> = r
        .raised
        .into_iter()
        .map(|e| (uuid::Uuid::now_v7().to_string(), e))
        .collect();
    let event_ids: Vec<String> = raised.iter().map(|(id, _)| id.clone()).collect();
    routed.extend(raised);
    let queued = if routed.is_empty() {
        0
    } else {
        route_events(&mut tx, &routed, &now).await?
    };

    let request = InboundRequest {
        id: r.id,
        received_at: now.clone(),
        client_addr: r.client_addr,
        headers: r.headers,
        body: r.body,
        body_size: r.body_size,
        body_truncated: r.body_truncated,
        status: r.status,
        outcome: r.outcome,
        error: r.error,
        alerts: received,
        event_ids,
        sample: r.sample,
    };
    on_tx!(&mut tx, |conn, pg| sqlx::query(
        "INSERT INTO inbound_requests (id, webhook_id, received_at, client_addr, headers, body, \
         body_size, body_truncated, status, outcome, error, alerts, event_ids, sample) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    )
    .bind(&request.id)
    .bind(&r.webhook_id)
    .bind(&request.received_at)
    .bind(&request.client_addr)
    .bind(json(&request.headers))
    .bind(&request.body)
    .bind(request.body_size as i64)
    .bind(request.body_truncated)
    .bind(i64::from(request.status))
    .bind(request.outcome.as_str())
    .bind(&request.error)
    .bind(json(&request.alerts))
    .bind(json(&request.event_ids))
    .bind(request.sample)
    .execute(conn)
    .await
    .map(drop))?;
    on_tx!(&mut tx, |conn, pg| sqlx::query(
        "DELETE FROM inbound_requests WHERE webhook_id = $1 AND id NOT IN \
         (SELECT id FROM inbound_requests WHERE webhook_id = $1 \
          ORDER BY received_at DESC, id DESC LIMIT $2)"
    )
    .bind(&r.webhook_id)
    .bind(KEPT)
    .execute(conn)
    .await
    .map(drop))?;
    commit_announcing(tx, queued).await?;
    Ok((request, queued))
}

fn last_routed(row: &impl Cols) -> Result<(AlertEventType, String, String), sqlx::Error> {
    Ok((
        row.wire("event_type")?,
        row.text("event_id")?,
        row.text("routed_at")?,
    ))
}

fn wire(kind: &AlertEventType) -> &'static str {
    match kind {
        AlertEventType::Alert => "ALERT",
        AlertEventType::Recovery => "RECOVERY",
    }
}

/// The requests an inbound webhook received, newest first.
pub async fn list(db: &Db, webhook_id: &str) -> Result<Vec<InboundRequest>, sqlx::Error> {
    on_db!(db, |pool, pg| sqlx::query(
        "SELECT id, received_at, client_addr, headers, body, body_size, body_truncated, status, \
         outcome, error, alerts, event_ids, sample FROM inbound_requests WHERE webhook_id = $1 \
         ORDER BY received_at DESC, id DESC LIMIT $2"
    )
    .bind(webhook_id)
    .bind(KEPT)
    .try_map(|row| from_row(&row))
    .fetch_all(pool)
    .await)
}

fn from_row(row: &impl Cols) -> Result<InboundRequest, sqlx::Error> {
    Ok(InboundRequest {
        id: row.text("id")?,
        received_at: row.text("received_at")?,
        client_addr: row.text("client_addr")?,
        headers: row.json("headers")?,
        body: row.text("body")?,
        body_size: super::count(row.int("body_size")?),
        body_truncated: row.flag("body_truncated")?,
        status: u16::try_from(row.int("status")?).unwrap_or(0),
        outcome: row.wire("outcome")?,
        error: row.opt_text("error")?,
        alerts: row.json("alerts")?,
        event_ids: row.json("event_ids")?,
        sample: row.flag("sample")?,
    })
}
