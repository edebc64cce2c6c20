//! SQL of message subscriptions: each shipped topic's state (enabled, the admin's filter, version)
//! and its receivers, what event routing needs of them, and the counts behind impact warnings.
//! Topics are compiled in (`webhook_api::topics`); a topic without a row is as shipped.

use super::audit::{self, Record};
use super::{Cols, Db, Tx, json, on_db, on_tx};
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

const STATE_ROWS: &str = "SELECT topic_id, enabled, event_types, resource_types, severities, \
     version, updated_at, updated_by FROM subscriptions";

async fn state_rows(db: &Db) -> Result<HashMap<String, StateRow>, sqlx::Error> {
    on_db!(db, |pool, pg| sqlx::query(STATE_ROWS)
        .try_map(|row| state_from(&row))
        .fetch_all(pool)
        .await)
    .map(HashMap::from_iter)
}

/// The same read inside a transaction (event routing reads what it routes by there).
async fn state_rows_in(tx: &mut Tx) -> Result<HashMap<String, StateRow>, sqlx::Error> {
    on_tx!(tx, |conn, pg| sqlx::query(STATE_ROWS)
        .try_map(|row| state_from(&row))
        .fetch_all(conn)
        .await)
    .map(HashMap::from_iter)
}

fn state_from(row: &impl Cols) -> Result<(String, StateRow), sqlx::Error> {
    let state = StateRow {
        enabled: row.flag("enabled")?,
        event_types: row.opt_json("event_types")?,
        resource_types: row.opt_json("resource_types")?,
        severities: row.opt_json::<Vec<Severity>>("severities")?,
        version: row.int("version")?,
        updated_at: row.opt_text("updated_at")?,
        updated_by: row.opt_text("updated_by")?,
    };
    Ok((row.text("topic_id")?, state))
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
pub async fn list(db: &Db) -> Result<Vec<Subscription>, sqlx::Error> {
    let states = state_rows(db).await?;
    // Deleted webhooks are no receivers any more; disabled ones are, and show as such.
    let receivers: Vec<(String, String)> = on_db!(db, |pool, pg| sqlx::query_as(
        "SELECT r.topic_id, r.webhook_id FROM subscription_receivers r \
         JOIN webhooks w ON w.id = r.webhook_id WHERE w.deleted_at IS NULL \
         ORDER BY r.added_at, r.webhook_id",
    )
    .fetch_all(pool)
    .await)?;
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
pub async fn find(db: &Db, id: &str) -> Result<Option<Subscription>, sqlx::Error> {
    Ok(list(db).await?.into_iter().find(|s| s.id == id))
}

/// Gives the topic a state row as shipped (if it has none), so a change has a row to apply to.
async fn ensure_row(tx: &mut Tx, id: &str) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn, pg| sqlx::query(
        "INSERT INTO subscriptions (topic_id, enabled, version) VALUES ($1, $2, 1) \
         ON CONFLICT (topic_id) DO NOTHING",
    )
    .bind(id)
    .bind(ENABLED_AS_SHIPPED)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The columns every change sets: one version more, when and by whom (binds $1 and $2).
macro_rules! touch {
    () => {
        "version = version + 1, updated_at = $1, updated_by = $2"
    };
}

/// Replaces the topic's filter if its version is still `expected` (when given). Returns false
/// when another change came first.
pub async fn set_filter(
    db: &Db,
    id: &str,
    filter: &SubscriptionIn,
    expected: Option<i64>,
    now: &str,
    audit: &Record,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    ensure_row(&mut tx, id).await?;
    let done = on_tx!(&mut tx, |conn, pg| sqlx::query(concat!(
        "UPDATE subscriptions SET ",
        touch!(),
        ", event_types = $3, resource_types = $4, severities = $5 \
         WHERE topic_id = $6 AND (CAST($7 AS BIGINT) IS NULL OR version = $7)"
    ))
    .bind(now)
    .bind(&audit.actor)
    .bind(json(&filter.event_types))
    .bind(json(&filter.resource_types))
    .bind(json(&filter.severities))
    .bind(id)
    .bind(expected)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if done > 0 {
        audit::write(&mut tx, audit).await?;
    }
    tx.commit().await?;
    Ok(done > 0)
}

/// Enables or disables a topic; no change (and no new version) when it already is.
pub async fn set_enabled(
    db: &Db,
    id: &str,
    enabled: bool,
    now: &str,
    audit: &Record,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    ensure_row(&mut tx, id).await?;
    let changed = on_tx!(&mut tx, |conn, pg| sqlx::query(concat!(
        "UPDATE subscriptions SET ",
        touch!(),
        ", enabled = $3 WHERE topic_id = $4 AND enabled <> $3"
    ))
    .bind(now)
    .bind(&audit.actor)
    .bind(enabled)
    .bind(id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if changed > 0 {
        audit::write(&mut tx, audit).await?;
    }
    tx.commit().await
}

/// Makes a webhook a receiver of a topic; nothing changes when it already is.
pub async fn add_receiver(
    db: &Db,
    id: &str,
    webhook_id: &str,
    now: &str,
    audit: &Record,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    ensure_row(&mut tx, id).await?;
    let added = on_tx!(&mut tx, |conn, pg| {
        sqlx::query(
        "INSERT INTO subscription_receivers (topic_id, webhook_id, added_at) VALUES ($1, $2, $3) \
         ON CONFLICT (topic_id, webhook_id) DO NOTHING",
    )
    .bind(id)
    .bind(webhook_id)
    .bind(now)
    .execute(conn)
    .await
    .map(|r| r.rows_affected())
    })?;
    if added > 0 {
        touch(&mut tx, id, now, &audit.actor).await?;
        audit::write(&mut tx, audit).await?;
    }
    tx.commit().await
}

/// Removes a webhook from a topic's receivers; nothing changes when it is not one.
pub async fn remove_receiver(
    db: &Db,
    id: &str,
    webhook_id: &str,
    now: &str,
    audit: &Record,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    let removed = on_tx!(&mut tx, |conn, pg| sqlx::query(
        "DELETE FROM subscription_receivers WHERE topic_id = $1 AND webhook_id = $2"
    )
    .bind(id)
    .bind(webhook_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if removed > 0 {
        touch(&mut tx, id, now, &audit.actor).await?;
        audit::write(&mut tx, audit).await?;
    }
    tx.commit().await
}

async fn touch(tx: &mut Tx, id: &str, now: &str, actor: &str) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn, pg| sqlx::query(concat!(
        "UPDATE subscriptions SET ",
        touch!(),
        " WHERE topic_id = $3"
    ))
    .bind(now)
    .bind(actor)
    .bind(id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The enabled topics that have at least one receiver able to receive (live and enabled), with
/// their filters: what routing an event needs. Read in the caller's transaction.
pub async fn routes(tx: &mut Tx) -> Result<Vec<TopicRoute>, sqlx::Error> {
    let receivers: Vec<(String, String, i64)> = on_tx!(tx, |conn, pg| sqlx::query_as(
        "SELECT r.topic_id, w.id, w.batch_size FROM subscription_receivers r \
         JOIN webhooks w ON w.id = r.webhook_id \
         WHERE w.enabled AND w.deleted_at IS NULL ORDER BY r.added_at, w.id",
    )
    .fetch_all(conn)
    .await)?;
    if receivers.is_empty() {
        return Ok(Vec::new());
    }
    let states = state_rows_in(tx).await?;
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
    db: &Db,
    filter: &TopicFilter,
    since: &str,
) -> Result<u64, sqlx::Error> {
    let severities: Vec<&str> = filter.severities.iter().map(|s| s.as_str()).collect();
    let n: i64 = on_db!(db, |pool, pg| sqlx::query_scalar(if pg {
        "SELECT COUNT(*) FROM events WHERE received_at >= $1 \
         AND type IN (SELECT value FROM json_array_elements_text($2::json)) \
         AND severity IN (SELECT value FROM json_array_elements_text($3::json)) \
         AND (json_array_length($4::json) = 0 \
              OR resource_type IN (SELECT value FROM json_array_elements_text($4::json)))"
    } else {
        "SELECT COUNT(*) FROM events WHERE received_at >= $1 \
         AND type IN (SELECT value FROM json_each($2)) \
         AND severity IN (SELECT value FROM json_each($3)) \
         AND (json_array_length($4) = 0 OR resource_type IN (SELECT value FROM json_each($4)))"
    })
    .bind(since)
    .bind(json(&filter.event_types))
    .bind(json(&severities))
    .bind(json(&filter.resource_types))
    .fetch_one(pool)
    .await)?;
    Ok(super::count(n))
}

/// Each topic's receivers that receive now (live and enabled webhooks), by topic id.
pub async fn enabled_receivers(db: &Db) -> Result<HashMap<String, Vec<String>>, sqlx::Error> {
    let rows: Vec<(String, String)> = on_db!(db, |pool, pg| sqlx::query_as(
        "SELECT r.topic_id, r.webhook_id FROM subscription_receivers r \
         JOIN webhooks w ON w.id = r.webhook_id WHERE w.enabled AND w.deleted_at IS NULL",
    )
    .fetch_all(pool)
    .await)?;
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (topic, webhook) in rows {
        out.entry(topic).or_default().push(webhook);
    }
    Ok(out)
}
