//! SQL that reads the events log back: stored events, newest first, each with its routes (the
//! deliveries that carry it, to which webhook, by which rule, in which state).

use super::deliveries::text_enum;
use super::delivery_log::rule;
use sqlx::sqlite::SqliteRow;
use sqlx::types::Json;
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};
use webhook_api::{EventQuery, EventRecord, EventRoute, Page};

const SELECT: &str = "SELECT id, type, action, resource_type, resource_id, resource_details, result, \
     severity, occurred_at, source, received_at FROM events";

/// One event with its routes.
pub async fn find(pool: &SqlitePool, id: &str) -> Result<Option<EventRecord>, sqlx::Error> {
    let mut q = QueryBuilder::<Sqlite>::new(SELECT);
    q.push(" WHERE id = ").push_bind(id);
    let mut found: Vec<EventRecord> = q
        .build()
        .try_map(|r: SqliteRow| from_row(&r))
        .fetch_all(pool)
        .await?;
    attach_routes(pool, &mut found).await?;
    Ok(found.pop())
}

/// A page of events, newest first (by when they were received), with their routes.
pub async fn list(pool: &SqlitePool, query: &EventQuery) -> Result<Page<EventRecord>, sqlx::Error> {
    let filter = |q: &mut QueryBuilder<Sqlite>| {
        q.push(" WHERE 1 = 1");
        if let Some(t) = &query.event_type {
            q.push(" AND type = ").push_bind(t.clone());
        }
        if let Some(r) = &query.resource_type {
            q.push(" AND resource_type = ").push_bind(r.clone());
        }
        if let Some(r) = query.result {
            q.push(" AND result = ").push_bind(r.as_str());
        }
    };
    let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM events");
    filter(&mut count);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
    let mut select = QueryBuilder::<Sqlite>::new(SELECT);
    filter(&mut select);
    let offset = i64::from(query.page.max(1) - 1) * i64::from(query.page_size);
    select
        .push(" ORDER BY received_at DESC, id DESC LIMIT ")
        .push_bind(i64::from(query.page_size));
    select.push(" OFFSET ").push_bind(offset);
    let mut results: Vec<EventRecord> = select
        .build()
        .try_map(|r: SqliteRow| from_row(&r))
        .fetch_all(pool)
        .await?;
    attach_routes(pool, &mut results).await?;
    Ok(Page {
        results,
        total_count: u64::try_from(total).unwrap_or(0),
    })
}

async fn attach_routes(pool: &SqlitePool, events: &mut [EventRecord]) -> Result<(), sqlx::Error> {
    let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    let rows = sqlx::query(
        "SELECT de.event_id, d.id, d.webhook_id, w.name, d.rule, d.status FROM delivery_events de \
         JOIN deliveries d ON d.id = de.delivery_id JOIN webhooks w ON w.id = d.webhook_id \
         WHERE de.event_id IN (SELECT value FROM json_each(?)) ORDER BY d.created_at, d.id",
    )
    .bind(Json(&ids))
    .fetch_all(pool)
    .await?;
    for row in rows {
        let event_id: String = row.try_get("event_id")?;
        let route = EventRoute {
            webhook_id: row.try_get("webhook_id")?,
            webhook_name: row.try_get("name")?,
            rule: rule(row.try_get("rule")?)?,
            delivery_id: row.try_get("id")?,
            delivery_status: text_enum(row.try_get("status")?)?,
        };
        if let Some(e) = events.iter_mut().find(|e| e.id == event_id) {
            e.routes.push(route);
        }
    }
    Ok(())
}

fn from_row(row: &SqliteRow) -> Result<EventRecord, sqlx::Error> {
    Ok(EventRecord {
        id: row.try_get("id")?,
        event_type: row.try_get("type")?,
        action: row.try_get("action")?,
        resource_type: row.try_get("resource_type")?,
        resource_id: row.try_get("resource_id")?,
        resource_details: row.try_get::<Json<_>, _>("resource_details")?.0,
        result: text_enum(row.try_get("result")?)?,
        severity: text_enum(row.try_get("severity")?)?,
        occurred_at: row.try_get("occurred_at")?,
        source: row.try_get("source")?,
        received_at: row.try_get("received_at")?,
        routes: Vec::new(),
    })
}
