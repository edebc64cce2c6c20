//! SQL that reads the events log back: stored events, newest first, each with its routes (the
//! deliveries that carry it, to which webhook, by which rule, in which state).

use super::delivery_log::rule;
use super::{Cols, Db, json, on_db};
use sqlx::{Database, Encode, QueryBuilder, Type};
use webhook_api::{EventIn, EventQuery, EventRecord, EventRoute, Page};

macro_rules! select {
    () => {
        "SELECT id, type, action, resource_type, resource_id, resource_details, result, \
         severity, occurred_at, source, received_at FROM events"
    };
}

/// One event with its routes.
pub async fn find(db: &Db, id: &str) -> Result<Option<EventRecord>, sqlx::Error> {
    let mut found: Vec<EventRecord> = on_db!(db, |pool, pg| sqlx::query(concat!(
        select!(),
        " WHERE id = $1"
    ))
    .bind(id)
    .try_map(|r| from_row(&r))
    .fetch_all(pool)
    .await)?;
    attach_routes(db, &mut found).await?;
    Ok(found.pop())
}

/// A page of events, newest first (by when they were received), with their routes.
pub async fn list(db: &Db, query: &EventQuery) -> Result<Page<EventRecord>, sqlx::Error> {
    let total: i64 = on_db!(db, |pool, pg| filtered(
        "SELECT COUNT(*) FROM events",
        query
    )
    .build_query_scalar()
    .fetch_one(pool)
    .await)?;
    let offset = i64::from(query.page.max(1) - 1) * i64::from(query.page_size);
    let mut results: Vec<EventRecord> = on_db!(db, |pool, pg| {
        let mut select = filtered(select!(), query);
        select
            .push(" ORDER BY received_at DESC, id DESC LIMIT ")
            .push_bind(i64::from(query.page_size))
            .push(" OFFSET ")
            .push_bind(offset);
        select
            .build()
            .try_map(|r| from_row(&r))
            .fetch_all(pool)
            .await
    })?;
    attach_routes(db, &mut results).await?;
    Ok(Page {
        results,
        total_count: super::count(total),
    })
}

/// `sql` with the list's filters, only those given (so a filter on the type can start from its
/// index).
fn filtered<'a, DB>(sql: &str, query: &'a EventQuery) -> QueryBuilder<DB>
where
    DB: Database,
    &'a str: Encode<'a, DB> + Type<DB>,
{
    let mut q = QueryBuilder::new(sql);
    q.push(" WHERE 1 = 1");
    if let Some(t) = &query.event_type {
        q.push(" AND type = ").push_bind(t.as_str());
    }
    if let Some(r) = &query.resource_type {
        q.push(" AND resource_type = ").push_bind(r.as_str());
    }
    if let Some(r) = query.result {
        q.push(" AND result = ").push_bind(r.as_str());
    }
    q
}

/// By id, on PostgreSQL with `= ANY(ARRAY(…))` (an index lookup per id: see `claims::events`).
async fn attach_routes(db: &Db, events: &mut [EventRecord]) -> Result<(), sqlx::Error> {
    let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    let rows: Vec<(String, EventRoute)> = on_db!(db, |pool, pg| sqlx::query(if pg {
        "SELECT de.event_id, d.id, d.webhook_id, w.name, d.rule, d.status FROM delivery_events de \
         JOIN deliveries d ON d.id = de.delivery_id JOIN webhooks w ON w.id = d.webhook_id \
         WHERE de.event_id = ANY(ARRAY(SELECT json_array_elements_text($1::json))) \
         ORDER BY d.created_at, d.id"
    } else {
        "SELECT de.event_id, d.id, d.webhook_id, w.name, d.rule, d.status FROM delivery_events de \
         JOIN deliveries d ON d.id = de.delivery_id JOIN webhooks w ON w.id = d.webhook_id \
         WHERE de.event_id IN (SELECT value FROM json_each($1)) ORDER BY d.created_at, d.id"
    })
    .bind(json(&ids))
    .try_map(|row| route_from(&row))
    .fetch_all(pool)
    .await)?;
    for (event_id, route) in rows {
        if let Some(e) = events.iter_mut().find(|e| e.id == event_id) {
            e.routes.push(route);
        }
    }
    Ok(())
}

fn route_from(row: &impl Cols) -> Result<(String, EventRoute), sqlx::Error> {
    let route = EventRoute {
        webhook_id: row.text("webhook_id")?,
        webhook_name: row.text("name")?,
        rule: rule(row.text("rule")?)?,
        delivery_id: row.text("id")?,
        delivery_status: row.wire("status")?,
    };
    Ok((row.text("event_id")?, route))
}

fn from_row(row: &impl Cols) -> Result<EventRecord, sqlx::Error> {
    let (id, event) = event_in(row)?;
    Ok(EventRecord {
        id,
        event_type: event.event_type,
        action: event.action,
        resource_type: event.resource_type,
        resource_id: event.resource_id,
        resource_details: event.resource_details,
        result: event.result,
        severity: event.severity,
        occurred_at: event.occurred_at.unwrap_or_default(),
        source: event.source,
        received_at: row.text("received_at")?,
        routes: Vec::new(),
    })
}

/// A stored event's id and the event as its producer posted it (with `occurred_at` set).
pub(super) fn event_in(row: &impl Cols) -> Result<(String, EventIn), sqlx::Error> {
    let event = EventIn {
        event_type: row.text("type")?,
        action: row.text("action")?,
        resource_type: row.text("resource_type")?,
        resource_id: row.text("resource_id")?,
        resource_details: row.json("resource_details")?,
        result: row.wire("result")?,
        severity: row.wire("severity")?,
        occurred_at: Some(row.text("occurred_at")?),
        source: row.opt_text("source")?,
    };
    Ok((row.text("id")?, event))
}

/// Of `types`, those with an event received at or after `since`.
pub async fn types_seen_since(
    db: &Db,
    types: &[String],
    since: &str,
) -> Result<std::collections::HashSet<String>, sqlx::Error> {
    if types.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<String> = on_db!(db, |pool, pg| sqlx::query_scalar(if pg {
        "SELECT DISTINCT type FROM events WHERE received_at >= $2 \
         AND type IN (SELECT value FROM json_array_elements_text($1::json))"
    } else {
        "SELECT DISTINCT type FROM events WHERE received_at >= $2 \
         AND type IN (SELECT value FROM json_each($1))"
    })
    .bind(super::json(types))
    .bind(since)
    .fetch_all(pool)
    .await)?;
    Ok(rows.into_iter().collect())
}

/// When the webhook's last event delivery was made.
pub async fn last_delivery_at(db: &Db, webhook_id: &str) -> Result<Option<String>, sqlx::Error> {
    on_db!(db, |pool, pg| sqlx::query_scalar(
        "SELECT MAX(created_at) FROM deliveries WHERE webhook_id = $1 AND kind = 'event'"
    )
    .bind(webhook_id)
    .fetch_one(pool)
    .await)
}
