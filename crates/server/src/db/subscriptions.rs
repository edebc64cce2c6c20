//! SQL of message subscriptions: each shipped topic's state (enabled, the admin's filter, version)
//! and its receivers, what event routing needs of them, and the counts behind impact warnings.
//! Topics are compiled in (`webhook_api::topics`); a topic without a row is as shipped.

use sqlx::types::Json;
use sqlx::{Row, SqliteConnection, SqlitePool};
use std::collections::HashMap;
use webhook_api::topics::{TOPICS, TopicDef, TopicFilter};
use webhook_api::{Severity, Subscription, SubscriptionIn};

/// An enabled topic as event routing sees it: its filter and its receivers that can receive now
/// (live and enabled webhooks), each with its batch size.
#[derive(Debug, Clone)]
pub struct TopicRoute {
    pub topic_id: &'static str,
    pub filter: TopicFilter,
    pub receivers: Vec<(String, i64)>,
}

/// A stored state row, before it is merged with the shipped topic.
struct StateRow {
    enabled: bool,
    event_types: Option<Vec<String>>,
    resource_types: Option<Vec<String>>,
    severities: Option<Vec<Severity>>,
    version: i64,
    updated_at: Option<String>,
    updated_by: Option<String>,
}

async fn state_rows(conn: &mut SqliteConnection) -> Result<HashMap<String, StateRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT topic_id, enabled, event_types, resource_types, severities, version, updated_at, \
         updated_by FROM subscriptions",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = HashMap::new();
    for row in rows {
        let json_list = |col: &str| -> Result<Option<Vec<String>>, sqlx::Error> {
            Ok(row
                .try_get::<Option<Json<Vec<String>>>, _>(col)?
                .map(|j| j.0))
        };
        let state = StateRow {
            enabled: row.try_get("enabled")?,
            event_types: json_list("event_types")?,
            resource_types: json_list("resource_types")?,
            severities: row
                .try_get::<Option<Json<Vec<Severity>>>, _>("severities")?
                .map(|j| j.0),
            version: row.try_get("version")?,
            updated_at: row.try_get("updated_at")?,
            updated_by: row.try_get("updated_by")?,
        };
        out.insert(row.try_get("topic_id")?, state);
    }
    Ok(out)
}

/// The filter in force: the admin's parts where set, the shipped ones elsewhere.
fn filter_of(def: &TopicDef, state: Option<&StateRow>) -> TopicFilter {
    let shipped = def.default_filter();
    let Some(s) = state else { return shipped };
    TopicFilter {
        event_types: s.event_types.clone().unwrap_or(shipped.event_types),
        resource_types: s.resource_types.clone().unwrap_or(shipped.resource_types),
        severities: s.severities.clone().unwrap_or(shipped.severities),
    }
}

/// Whether a topic without a row is enabled: all shipped topics are; they route nothing until
/// they have receivers.
const ENABLED_AS_SHIPPED: bool = true;

/// Every topic with its state and receivers, in catalog order.
pub async fn list(pool: &SqlitePool) -> Result<Vec<Subscription>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let states = state_rows(&mut conn).await?;
    // Deleted webhooks are no receivers any more; disabled ones are, and show as such.
    let receivers: Vec<(String, String)> = sqlx::query_as(
        "SELECT r.topic_id, r.webhook_id FROM subscription_receivers r \
         JOIN webhooks w ON w.id = r.webhook_id WHERE w.deleted_at IS NULL \
         ORDER BY r.added_at, r.webhook_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(TOPICS
        .iter()
        .map(|def| {
            let state = states.get(def.id);
            let filter = filter_of(def, state);
            Subscription {
                id: def.id.to_string(),
                category: def.category,
                name_en: def.name_en.to_string(),
                name_zh: def.name_zh.to_string(),
                customized: filter != def.default_filter(),
                event_types: filter.event_types,
                resource_types: filter.resource_types,
                severities: filter.severities,
                enabled: state.map_or(ENABLED_AS_SHIPPED, |s| s.enabled),
                receivers: receivers
                    .iter()
                    .filter(|(t, _)| t == def.id)
                    .map(|(_, w)| w.clone())
                    .collect(),
                version: state.map_or(1, |s| s.version),
                updated_at: state.and_then(|s| s.updated_at.clone()),
                updated_by: state.and_then(|s| s.updated_by.clone()),
            }
        })
        .collect())
}

/// One topic, or `None` when no topic has this id.
pub async fn find(pool: &SqlitePool, id: &str) -> Result<Option<Subscription>, sqlx::Error> {
    Ok(list(pool).await?.into_iter().find(|s| s.id == id))
}

/// Gives the topic a state row as shipped (if it has none), so a change has a row to apply to.
async fn ensure_row(conn: &mut SqliteConnection, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT OR IGNORE INTO subscriptions (topic_id, enabled, version) VALUES (?, ?, 1)",
    )
    .bind(id)
    .bind(ENABLED_AS_SHIPPED)
    .execute(conn)
    .await?;
    Ok(())
}

/// The columns every change sets: one version more, when and by whom (two binds).
macro_rules! touch {
    () => {
        "version = version + 1, updated_at = ?, updated_by = ?"
    };
}

/// Replaces the topic's filter if its version is still `expected` (when given). Returns false
/// when another change came first.
pub async fn set_filter(
    pool: &SqlitePool,
    id: &str,
    filter: &SubscriptionIn,
    expected: Option<i64>,
    now: &str,
    actor: &str,
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    ensure_row(&mut tx, id).await?;
    let done = sqlx::query(concat!(
        "UPDATE subscriptions SET event_types = ?, resource_types = ?, severities = ?, ",
        touch!(),
        " WHERE topic_id = ? AND (? IS NULL OR version = ?)"
    ))
    .bind(Json(&filter.event_types))
    .bind(Json(&filter.resource_types))
    .bind(Json(&filter.severities))
    .bind(now)
    .bind(actor)
    .bind(id)
    .bind(expected)
    .bind(expected)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() > 0)
}

/// Enables or disables a topic; no change (and no new version) when it already is.
pub async fn set_enabled(
    pool: &SqlitePool,
    id: &str,
    enabled: bool,
    now: &str,
    actor: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    ensure_row(&mut tx, id).await?;
    sqlx::query(concat!(
        "UPDATE subscriptions SET enabled = ?, ",
        touch!(),
        " WHERE topic_id = ? AND enabled != ?"
    ))
    .bind(enabled)
    .bind(now)
    .bind(actor)
    .bind(id)
    .bind(enabled)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Makes a webhook a receiver of a topic; nothing changes when it already is.
pub async fn add_receiver(
    pool: &SqlitePool,
    id: &str,
    webhook_id: &str,
    now: &str,
    actor: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    ensure_row(&mut tx, id).await?;
    let added = sqlx::query(
        "INSERT OR IGNORE INTO subscription_receivers (topic_id, webhook_id, added_at) VALUES (?, ?, ?)",
    )
    .bind(id)
    .bind(webhook_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if added.rows_affected() > 0 {
        touch(&mut tx, id, now, actor).await?;
    }
    tx.commit().await
}

/// Removes a webhook from a topic's receivers; nothing changes when it is not one.
pub async fn remove_receiver(
    pool: &SqlitePool,
    id: &str,
    webhook_id: &str,
    now: &str,
    actor: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    let removed =
        sqlx::query("DELETE FROM subscription_receivers WHERE topic_id = ? AND webhook_id = ?")
            .bind(id)
            .bind(webhook_id)
            .execute(&mut *tx)
            .await?;
    if removed.rows_affected() > 0 {
        touch(&mut tx, id, now, actor).await?;
    }
    tx.commit().await
}

async fn touch(
    conn: &mut SqliteConnection,
    id: &str,
    now: &str,
    actor: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(concat!(
        "UPDATE subscriptions SET ",
        touch!(),
        " WHERE topic_id = ?"
    ))
    .bind(now)
    .bind(actor)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The enabled topics that have at least one receiver able to receive (live and enabled), with
/// their filters: what routing an event needs. Read in the caller's transaction.
pub async fn routes(conn: &mut SqliteConnection) -> Result<Vec<TopicRoute>, sqlx::Error> {
    let receivers: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT r.topic_id, w.id, w.batch_size FROM subscription_receivers r \
         JOIN webhooks w ON w.id = r.webhook_id \
         WHERE w.enabled AND w.deleted_at IS NULL ORDER BY r.added_at, w.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    if receivers.is_empty() {
        return Ok(Vec::new());
    }
    let states = state_rows(conn).await?;
    Ok(TOPICS
        .iter()
        .filter(|def| states.get(def.id).map_or(ENABLED_AS_SHIPPED, |s| s.enabled))
        .map(|def| TopicRoute {
            topic_id: def.id,
            filter: filter_of(def, states.get(def.id)),
            receivers: receivers
                .iter()
                .filter(|(t, _, _)| t == def.id)
                .map(|(_, w, b)| (w.clone(), *b))
                .collect(),
        })
        .filter(|r| !r.receivers.is_empty())
        .collect())
}

/// How many events received at or after `since` match `filter`.
pub async fn count_matching(
    pool: &SqlitePool,
    filter: &TopicFilter,
    since: &str,
) -> Result<u64, sqlx::Error> {
    let severities: Vec<&str> = filter.severities.iter().map(|s| s.as_str()).collect();
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM events WHERE received_at >= ? \
         AND type IN (SELECT value FROM json_each(?)) \
         AND severity IN (SELECT value FROM json_each(?)) \
         AND (json_array_length(?) = 0 OR resource_type IN (SELECT value FROM json_each(?)))",
    )
    .bind(since)
    .bind(Json(&filter.event_types))
    .bind(Json(&severities))
    .bind(Json(&filter.resource_types))
    .bind(Json(&filter.resource_types))
    .fetch_one(pool)
    .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Each topic's receivers that receive now (live and enabled webhooks), by topic id.
pub async fn enabled_receivers(
    pool: &SqlitePool,
) -> Result<HashMap<String, Vec<String>>, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT r.topic_id, r.webhook_id FROM subscription_receivers r \
         JOIN webhooks w ON w.id = r.webhook_id WHERE w.enabled AND w.deleted_at IS NULL",
    )
    .fetch_all(pool)
    .await?;
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (topic, webhook) in rows {
        out.entry(topic).or_default().push(webhook);
    }
    Ok(out)
}
