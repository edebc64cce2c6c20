//! SQL that reads the delivery log back: a webhook's deliveries with their attempts, one delivery,
//! and attempts per hour for the success-rate chart.

use super::deliveries::{count, text_enum};
use sqlx::sqlite::SqliteRow;
use sqlx::types::Json;
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};
use webhook_api::{Attempt, Delivery, DeliveryQuery, Page, RouteRule};

const SELECT: &str = "SELECT id, webhook_id, kind, rule, event_ids, message_id, status, created_at, \
     next_attempt_at FROM deliveries";

/// One delivery with its attempts.
pub async fn find(pool: &SqlitePool, id: &str) -> Result<Option<Delivery>, sqlx::Error> {
    let mut q = QueryBuilder::<Sqlite>::new(SELECT);
    q.push(" WHERE id = ").push_bind(id);
    let mut found: Vec<Delivery> = q
        .build()
        .try_map(|r: SqliteRow| from_row(&r))
        .fetch_all(pool)
        .await?;
    attach_attempts(pool, &mut found).await?;
    Ok(found.pop())
}

/// A page of a webhook's deliveries, newest first, with their attempts.
pub async fn list(
    pool: &SqlitePool,
    webhook_id: &str,
    query: &DeliveryQuery,
) -> Result<Page<Delivery>, sqlx::Error> {
    let filter = |q: &mut QueryBuilder<Sqlite>| {
        q.push(" WHERE webhook_id = ")
            .push_bind(webhook_id.to_string());
        if let Some(status) = query.status {
            q.push(" AND status = ").push_bind(status.as_str());
        }
    };
    let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM deliveries");
    filter(&mut count);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
    let mut select = QueryBuilder::<Sqlite>::new(SELECT);
    filter(&mut select);
    let offset = i64::from(query.page.max(1) - 1) * i64::from(query.page_size);
    select
        .push(" ORDER BY created_at DESC, id DESC LIMIT ")
        .push_bind(i64::from(query.page_size));
    select.push(" OFFSET ").push_bind(offset);
    let mut results: Vec<Delivery> = select
        .build()
        .try_map(|r: SqliteRow| from_row(&r))
        .fetch_all(pool)
        .await?;
    attach_attempts(pool, &mut results).await?;
    Ok(Page {
        results,
        total_count: u64::try_from(total).unwrap_or(0),
    })
}

async fn attach_attempts(
    pool: &SqlitePool,
    deliveries: &mut [Delivery],
) -> Result<(), sqlx::Error> {
    let ids: Vec<&str> = deliveries.iter().map(|d| d.id.as_str()).collect();
    let rows = sqlx::query(
        "SELECT delivery_id, number, started_at, duration_ms, ok, request, response, error FROM attempts \
         WHERE delivery_id IN (SELECT value FROM json_each(?)) ORDER BY delivery_id, number",
    )
    .bind(Json(&ids))
    .fetch_all(pool)
    .await?;
    for row in rows {
        let delivery_id: String = row.try_get("delivery_id")?;
        let attempt = Attempt {
            number: count(row.try_get("number")?),
            started_at: row.try_get("started_at")?,
            duration_ms: u64::try_from(row.try_get::<i64, _>("duration_ms")?).unwrap_or(0),
            ok: row.try_get("ok")?,
            request: row.try_get::<Json<_>, _>("request")?.0,
            response: row.try_get::<Option<Json<_>>, _>("response")?.map(|j| j.0),
            error: row.try_get::<Option<Json<_>>, _>("error")?.map(|j| j.0),
        };
        if let Some(d) = deliveries.iter_mut().find(|d| d.id == delivery_id) {
            d.attempts.push(attempt);
        }
    }
    Ok(())
}

/// Attempts of a webhook since `from`, counted per hour (`2026-11-23T18`) and outcome.
pub async fn hourly_attempts(
    pool: &SqlitePool,
    webhook_id: &str,
    from: &str,
) -> Result<Vec<(String, bool, u64)>, sqlx::Error> {
    let rows: Vec<(String, bool, i64)> = sqlx::query_as(
        "SELECT substr(started_at, 1, 13) AS hour, ok, COUNT(*) FROM attempts \
         WHERE webhook_id = ? AND started_at >= ? GROUP BY hour, ok",
    )
    .bind(webhook_id)
    .bind(from)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(h, ok, n)| (h, ok, u64::try_from(n).unwrap_or(0)))
        .collect())
}

fn from_row(row: &SqliteRow) -> Result<Delivery, sqlx::Error> {
    Ok(Delivery {
        id: row.try_get("id")?,
        webhook_id: row.try_get("webhook_id")?,
        kind: text_enum(row.try_get("kind")?)?,
        rule: rule(row.try_get("rule")?)?,
        event_ids: row.try_get::<Json<_>, _>("event_ids")?.0,
        message_id: row.try_get("message_id")?,
        status: text_enum(row.try_get("status")?)?,
        attempts: Vec::new(),
        created_at: row.try_get("created_at")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
    })
}

pub(super) fn rule(s: String) -> Result<RouteRule, sqlx::Error> {
    RouteRule::parse(&s).ok_or_else(|| sqlx::Error::Decode(format!("bad rule '{s}'").into()))
}
