//! The live view's journal (`stream_log`): written in the transactions that accept events and
//! record attempts, read by `GET /stream` on every instance. `seq` follows commit order: on
//! SQLite writers take turns anyway; on PostgreSQL each writer takes a transaction-level
//! advisory lock before its rows, so a reader that has seen `seq` N never later finds an
//! N − 1 committed behind it (no gaps after a `Last-Event-ID`).
//!
//! Readers wait for news on [`Db::journal_changes`]: a SQLite transaction that appended wakes
//! them when it commits; on PostgreSQL the writer's `NOTIFY` on [`CHANNEL`] is delivered to every
//! instance at commit (`LISTEN` in `db::postgres::spawn_listener`).

use super::{Cols, Db, Tx, json, on_db, on_tx};
use serde_json::Value;
use sqlx::QueryBuilder;

/// The journal's writers' lock on PostgreSQL ("wc-stream").
const LOCK: i64 = 0x7763_2d73_7472_6561;
/// The PostgreSQL channel on which writers announce journal rows.
pub const CHANNEL: &str = "webhook_stream";
/// Rows per statement.
const ROWS: usize = 500;

/// A row to write.
#[derive(Debug, Clone)]
pub struct Entry {
    /// `event`, `delivery` or `attempt`.
    pub kind: &'static str,
    pub webhook_id: Option<String>,
    /// The topic that routed a delivery (`subscription:<topic>`'s topic).
    pub topic: Option<String>,
    pub data: Value,
}

/// A row as read.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub seq: i64,
    pub kind: String,
    pub data: Value,
}

/// What a reader wants: everything, one webhook's, or one topic's.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub webhook_id: Option<String>,
    pub topic: Option<String>,
}

/// Appends `entries` inside `tx`.
pub async fn append(tx: &mut Tx, at: &str, entries: &[Entry]) -> Result<(), sqlx::Error> {
    if entries.is_empty() {
        return Ok(());
    }
    match tx {
        Tx::Sqlite(_, _, journaled, _) => journaled.appended = true,
        // The lock, and the notice every instance gets when (and only if) this commits.
        Tx::Postgres(t, _) => sqlx::query("SELECT pg_advisory_xact_lock($1), pg_notify($2, '')")
            .bind(LOCK)
            .bind(CHANNEL)
            .execute(&mut **t)
            .await
            .map(drop)?,
    }
    for chunk in entries.chunks(ROWS) {
        on_tx!(tx, |conn, pg| {
            let mut q =
                QueryBuilder::new("INSERT INTO stream_log (at, kind, webhook_id, topic, data) ");
            q.push_values(chunk, |mut row, e| {
                row.push_bind(at)
                    .push_bind(e.kind)
                    .push_bind(&e.webhook_id)
                    .push_bind(&e.topic)
                    .push_bind(json(&e.data));
            });
            q.build().execute(&mut *conn).await.map(drop)
        })?;
    }
    Ok(())
}

/// Up to `limit` rows after `seq` that pass `filter`, oldest first.
pub async fn after(
    db: &Db,
    seq: i64,
    filter: &Filter,
    limit: i64,
) -> Result<Vec<Item>, sqlx::Error> {
    on_db!(db, |pool, pg| sqlx::query(
        "SELECT seq, kind, data FROM stream_log WHERE seq > $1 \
         AND ($2 = '' OR webhook_id = $2) AND ($3 = '' OR topic = $3) ORDER BY seq LIMIT $4"
    )
    .bind(seq)
    .bind(filter.webhook_id.as_deref().unwrap_or(""))
    .bind(filter.topic.as_deref().unwrap_or(""))
    .bind(limit)
    .try_map(|row| item(&row))
    .fetch_all(pool)
    .await)
}

fn item(row: &impl Cols) -> Result<Item, sqlx::Error> {
    Ok(Item {
        seq: row.int("seq")?,
        kind: row.text("kind")?,
        data: row.json("data")?,
    })
}

/// The newest row's `seq` (0 when empty): where a new reader starts.
pub async fn last_seq(db: &Db) -> Result<i64, sqlx::Error> {
    on_db!(db, |pool, pg| sqlx::query_scalar::<_, Option<i64>>(
        "SELECT MAX(seq) FROM stream_log"
    )
    .fetch_one(pool)
    .await)
    .map(Option::unwrap_or_default)
}

/// The live view's rows of accepted events and the deliveries they made.
pub(super) fn accepted<'e>(
    events: impl Iterator<Item = &'e (String, webhook_api::EventIn)>,
    deliveries: &[super::deliveries::NewDelivery<'_>],
) -> Vec<Entry> {
    let events = events.map(|(id, e)| Entry {
        kind: "event",
        webhook_id: None,
        topic: None,
        data: serde_json::json!({
            "event_id": id, "type": e.event_type, "resource_type": e.resource_type,
            "resource_id": e.resource_id, "severity": e.severity, "result": e.result,
            "occurred_at": e.occurred_at,
        }),
    });
    let deliveries = deliveries.iter().map(|d| {
        let rule = d.rule.to_string();
        Entry {
            kind: "delivery",
            webhook_id: Some(d.webhook_id.to_string()),
            topic: super::claims::topic_of(&rule),
            data: serde_json::json!({
                "delivery_id": d.id, "webhook_id": d.webhook_id, "rule": rule,
                "event_ids": d.event_ids, "status": d.status, "next_attempt_at": d.next_attempt_at,
            }),
        }
    });
    events.chain(deliveries).collect()
}
