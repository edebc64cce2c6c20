//! Retention: what is older than the configured age goes, in small batches, each its own short
//! transaction, so deliveries keep flowing while a large backlog is pruned. Finished deliveries
//! (succeeded or failed) with their attempts; events no remaining delivery carries; inbound
//! requests; ended sessions. Deliveries still waiting (pending, retrying) and their events are
//! kept whatever their age. On PostgreSQL each batch holds a transaction-level advisory lock,
//! so with several instances one prunes at a time.

use super::{Db, Tx, on_tx};

/// Rows per batch.
pub const BATCH: i64 = 500;
/// The advisory lock of pruning on PostgreSQL ("wc-retention").
pub const LOCK: i64 = 0x7763_7265_7465_6e74;

/// What one pass removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    pub deliveries: u64,
    pub attempts: u64,
    pub events: u64,
    pub inbound_requests: u64,
    pub sessions: u64,
    /// Attempts whose request and response bodies were emptied.
    pub bodies: u64,
}

impl Pruned {
    pub fn total(&self) -> u64 {
        self.deliveries
            + self.attempts
            + self.events
            + self.inbound_requests
            + self.sessions
            + self.bodies
    }
}

/// The text a pruned body is replaced with.
pub const PRUNED_BODY: &str = "(body removed by the retention policy)";

/// Takes the pruning lock inside `tx` on PostgreSQL; false when another instance holds it.
async fn lock(tx: &mut Tx) -> Result<bool, sqlx::Error> {
    on_tx!(tx, |conn, pg| if pg {
        sqlx::query_scalar::<_, bool>("SELECT pg_try_advisory_xact_lock($1)")
            .bind(LOCK)
            .fetch_one(conn)
            .await
    } else {
        Ok(true)
    })
}

/// Removes up to [`BATCH`] finished deliveries last changed before `cutoff`, with their attempts
/// and event links. None when another instance is pruning.
pub async fn deliveries_batch(db: &Db, cutoff: &str) -> Result<Option<(u64, u64)>, sqlx::Error> {
    let mut tx = db.begin().await?;
    if !lock(&mut tx).await? {
        return Ok(None);
    }
    let ids: Vec<String> = on_tx!(&mut tx, |conn, pg| sqlx::query_scalar(
        "SELECT id FROM deliveries WHERE status IN ('succeeded', 'failed') AND updated_at < $1 \
         ORDER BY updated_at LIMIT $2"
    )
    .bind(cutoff)
    .bind(BATCH)
    .fetch_all(conn)
    .await)?;
    if ids.is_empty() {
        return Ok(Some((0, 0)));
    }
    let ids_json = super::json(&ids);
    let mut attempts = 0;
    let mut deliveries = 0;
    for (table, column) in [
        ("attempts", "delivery_id"),
        ("delivery_events", "delivery_id"),
        ("deliveries", "id"),
    ] {
        let n = on_tx!(&mut tx, |conn, pg| {
            // The ids as one JSON array parameter: one statement whatever the batch size.
            let list = if pg {
                "SELECT jsonb_array_elements_text($1::jsonb)"
            } else {
                "SELECT value FROM json_each($1)"
            };
            let sql = format!("DELETE FROM {table} WHERE {column} IN ({list})");
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(&ids_json)
                .execute(conn)
                .await
                .map(|r| r.rows_affected())
        })?;
        match table {
            "attempts" => attempts = n,
            "deliveries" => deliveries = n,
            _ => {}
        }
    }
    tx.commit().await?;
    Ok(Some((deliveries, attempts)))
}

/// Runs `sql` (a DELETE or UPDATE of at most [`BATCH`] rows, `$1` the cutoff, `$2` the batch
/// size) in its own locked transaction. None when another instance is pruning.
async fn batch(db: &Db, sql: &'static str, cutoff: &str) -> Result<Option<u64>, sqlx::Error> {
    let mut tx = db.begin().await?;
    if !lock(&mut tx).await? {
        return Ok(None);
    }
    let n = on_tx!(&mut tx, |conn, pg| sqlx::query(sql)
        .bind(cutoff)
        .bind(BATCH)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(Some(n))
}

/// Events received before `cutoff` that no delivery carries any more.
pub async fn events_batch(db: &Db, cutoff: &str) -> Result<Option<u64>, sqlx::Error> {
    batch(
        db,
        "DELETE FROM events WHERE id IN (SELECT e.id FROM events e WHERE e.received_at < $1 \
         AND NOT EXISTS (SELECT 1 FROM delivery_events de WHERE de.event_id = e.id) \
         ORDER BY e.received_at LIMIT $2)",
        cutoff,
    )
    .await
}

pub async fn inbound_requests_batch(db: &Db, cutoff: &str) -> Result<Option<u64>, sqlx::Error> {
    batch(
        db,
        "DELETE FROM inbound_requests WHERE id IN (SELECT id FROM inbound_requests \
         WHERE received_at < $1 ORDER BY received_at LIMIT $2)",
        cutoff,
    )
    .await
}

/// Sessions past their absolute lifetime (`now` as the cutoff); idle ones end at their next use.
pub async fn sessions_batch(db: &Db, now: &str) -> Result<Option<u64>, sqlx::Error> {
    batch(
        db,
        "DELETE FROM sessions WHERE token_hash IN (SELECT token_hash FROM sessions \
         WHERE expires_at < $1 LIMIT $2)",
        now,
    )
    .await
}

/// Empties the request and response bodies of up to [`BATCH`] attempts started in
/// after `from` and before `cutoff` (headers, status, timing stay), oldest first. Returns how
/// many and the start time of the last, after which the next batch goes on; None when another instance is pruning.
pub async fn bodies_batch(
    db: &Db,
    from: &str,
    cutoff: &str,
) -> Result<Option<(u64, Option<String>)>, sqlx::Error> {
    let mut tx = db.begin().await?;
    if !lock(&mut tx).await? {
        return Ok(None);
    }
    let last: Option<String> = on_tx!(&mut tx, |conn, pg| sqlx::query_scalar(
        "SELECT MAX(started_at) FROM (SELECT started_at FROM attempts \
         WHERE started_at > $1 AND started_at < $2 ORDER BY started_at LIMIT $3) AS b"
    )
    .bind(from)
    .bind(cutoff)
    .bind(BATCH)
    .fetch_one(conn)
    .await)?;
    let Some(last) = last else {
        return Ok(Some((0, None)));
    };
    let n = on_tx!(&mut tx, |conn, pg| {
        // Up to and including `last`: a batch may end inside a run of equal times.
        let sql = if pg {
            "UPDATE attempts SET \
             request = jsonb_set(request::jsonb, '{body}', to_jsonb($3::text))::text, \
             response = CASE WHEN response IS NULL THEN NULL \
               ELSE jsonb_set(response::jsonb, '{body}', to_jsonb($3::text))::text END \
             WHERE started_at > $1 AND started_at <= $2"
        } else {
            "UPDATE attempts SET \
             request = json_set(request, '$.body', $3), \
             response = CASE WHEN response IS NULL THEN NULL \
               ELSE json_set(response, '$.body', $3) END \
             WHERE started_at > $1 AND started_at <= $2"
        };
        sqlx::query(sql)
            .bind(from)
            .bind(&last)
            .bind(PRUNED_BODY)
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    tx.commit().await?;
    Ok(Some((n, Some(last))))
}

/// SQLite: gives up to `pages` free pages back to the file system (the database is created with
/// `auto_vacuum = INCREMENTAL`). Nothing on PostgreSQL, whose autovacuum reuses the space.
pub async fn give_space_back(db: &Db, pages: u32) -> Result<(), sqlx::Error> {
    if db.is_postgres() {
        return Ok(());
    }
    let _turn = db.write_turn().await;
    super::on_db!(db, |pool, pg| sqlx::query(sqlx::AssertSqlSafe(format!(
        "PRAGMA incremental_vacuum({pages})"
    )))
    .execute(pool)
    .await
    .map(drop))
}

/// The oldest finished delivery's last change, i.e. how far back delivery history goes.
pub async fn oldest_delivery(db: &Db) -> Result<Option<String>, sqlx::Error> {
    super::on_db!(db, |pool, pg| sqlx::query_scalar(
        "SELECT MIN(created_at) FROM deliveries"
    )
    .fetch_one(pool)
    .await)
}
