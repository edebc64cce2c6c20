//! SQL that reads the delivery log back: a webhook's deliveries with their attempts, one delivery,
//! and attempts per hour for the success-rate chart.

use super::{Cols, Db, json, on_db};
use webhook_api::{Attempt, Delivery, DeliveryQuery, Page, RouteRule};

macro_rules! select {
    () => {
        "SELECT id, webhook_id, kind, rule, event_ids, message_id, status, created_at, \
         next_attempt_at FROM deliveries"
    };
}

/// One delivery with its attempts.
pub async fn find(db: &Db, id: &str) -> Result<Option<Delivery>, sqlx::Error> {
    let mut found: Vec<Delivery> = on_db!(db, |pool, pg| sqlx::query(concat!(
        select!(),
        " WHERE id = $1"
    ))
    .bind(id)
    .try_map(|r| from_row(&r))
    .fetch_all(pool)
    .await)?;
    attach_attempts(db, &mut found).await?;
    Ok(found.pop())
}

/// A page of a webhook's deliveries, newest first, with their attempts.
pub async fn list(
    db: &Db,
    webhook_id: &str,
    query: &DeliveryQuery,
) -> Result<Page<Delivery>, sqlx::Error> {
    // `$2 IS NULL` keeps every status; a text parameter, so both backends know its type.
    let status = query.status.map(|s| s.as_str());
    let total: i64 = on_db!(db, |pool, pg| sqlx::query_scalar(
        "SELECT COUNT(*) FROM deliveries WHERE webhook_id = $1 \
         AND (CAST($2 AS TEXT) IS NULL OR status = $2)"
    )
    .bind(webhook_id)
    .bind(status)
    .fetch_one(pool)
    .await)?;
    let offset = i64::from(query.page.max(1) - 1) * i64::from(query.page_size);
    let mut results: Vec<Delivery> = on_db!(db, |pool, pg| sqlx::query(concat!(
        select!(),
        " WHERE webhook_id = $1 AND (CAST($2 AS TEXT) IS NULL OR status = $2) \
         ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4"
    ))
    .bind(webhook_id)
    .bind(status)
    .bind(i64::from(query.page_size))
    .bind(offset)
    .try_map(|r| from_row(&r))
    .fetch_all(pool)
    .await)?;
    attach_attempts(db, &mut results).await?;
    Ok(Page {
        results,
        total_count: super::count(total),
    })
}

/// By id, on PostgreSQL with `= ANY(ARRAY(…))` (an index lookup per id: see `claims::events`).
async fn attach_attempts(db: &Db, deliveries: &mut [Delivery]) -> Result<(), sqlx::Error> {
    let ids: Vec<&str> = deliveries.iter().map(|d| d.id.as_str()).collect();
    let rows: Vec<(String, Attempt)> = on_db!(db, |pool, pg| sqlx::query(if pg {
        "SELECT delivery_id, number, started_at, duration_ms, ok, request, response, error \
         FROM attempts WHERE delivery_id = ANY(ARRAY(SELECT json_array_elements_text($1::json))) \
         ORDER BY delivery_id, number"
    } else {
        "SELECT delivery_id, number, started_at, duration_ms, ok, request, response, error \
         FROM attempts WHERE delivery_id IN (SELECT value FROM json_each($1)) \
         ORDER BY delivery_id, number"
    })
    .bind(json(&ids))
    .try_map(|row| attempt_from(&row))
    .fetch_all(pool)
    .await)?;
    for (delivery_id, attempt) in rows {
        if let Some(d) = deliveries.iter_mut().find(|d| d.id == delivery_id) {
            d.attempts.push(attempt);
        }
    }
    Ok(())
}

fn attempt_from(row: &impl Cols) -> Result<(String, Attempt), sqlx::Error> {
    let attempt = Attempt {
        number: row.number("number")?,
        started_at: row.text("started_at")?,
        duration_ms: super::count(row.int("duration_ms")?),
        ok: row.flag("ok")?,
        request: row.json("request")?,
        response: row.opt_json("response")?,
        error: row.opt_json("error")?,
    };
    Ok((row.text("delivery_id")?, attempt))
}

/// Attempts of a webhook since `from`, counted per hour (`2026-11-23T18`) and outcome.
pub async fn hourly_attempts(
    db: &Db,
    webhook_id: &str,
    from: &str,
) -> Result<Vec<(String, bool, u64)>, sqlx::Error> {
    let rows: Vec<(String, bool, i64)> = on_db!(db, |pool, pg| sqlx::query_as(
        "SELECT substr(started_at, 1, 13) AS hour, ok, COUNT(*) FROM attempts \
         WHERE webhook_id = $1 AND started_at >= $2 GROUP BY hour, ok",
    )
    .bind(webhook_id)
    .bind(from)
    .fetch_all(pool)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(h, ok, n)| (h, ok, super::count(n)))
        .collect())
}

fn from_row(row: &impl Cols) -> Result<Delivery, sqlx::Error> {
    Ok(Delivery {
        id: row.text("id")?,
        webhook_id: row.text("webhook_id")?,
        kind: row.wire("kind")?,
        rule: rule(row.text("rule")?)?,
        event_ids: row.json("event_ids")?,
        message_id: row.text("message_id")?,
        status: row.wire("status")?,
        attempts: Vec::new(),
        created_at: row.text("created_at")?,
        next_attempt_at: row.opt_text("next_attempt_at")?,
    })
}

pub(super) fn rule(s: String) -> Result<RouteRule, sqlx::Error> {
    RouteRule::parse(&s).ok_or_else(|| sqlx::Error::Decode(format!("bad rule '{s}'").into()))
}
