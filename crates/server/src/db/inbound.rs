//! Inbound webhooks. The access key is stored sealed ([`super::cipher`]) for admins to read back,
//! and as its hex SHA-256, which receiving compares in constant time.

use super::audit::{self, Record};
use super::{Cols, Db, count, json, on_db, on_tx};
use webhook_api::{InboundWebhook, PluginInfo, RequestCounts};

const SELECT: &str = "SELECT id, name, state, access_key, access_key_hash, plugin_id, \
     plugin_version, plugin_options, plugin_metadata, upgrade_mode, tags, project_id, \
     requests_total, requests_error, last_received_at, created_at, updated_at \
     FROM inbound_webhooks";

/// An inbound webhook with what only the server sees. `webhook.webhook_url` is left empty: the
/// routes make it of the public URL.
#[derive(Debug, Clone)]
pub struct Stored {
    pub webhook: InboundWebhook,
    pub key_hash: String,
}

fn from_row(db: &Db, row: &impl Cols) -> Result<Stored, sqlx::Error> {
    Ok(Stored {
        webhook: InboundWebhook {
            webhook_id: row.text("id")?,
            name: row.text("name")?,
            state: row.wire("state")?,
            access_key: db.cipher().open(&row.text("access_key")?)?,
            webhook_url: String::new(),
            capability: crate::inbound::capability(),
            plugin_info: PluginInfo {
                plugin_id: row.text("plugin_id")?,
                version: row.text("plugin_version")?,
                options: row.json("plugin_options")?,
                metadata: row.json("plugin_metadata")?,
                upgrade_mode: row.wire("upgrade_mode")?,
            },
            tags: row.json("tags")?,
            project_id: row.text("project_id")?,
            requests: RequestCounts {
                total: count(row.int("requests_total")?),
                error: count(row.int("requests_error")?),
            },
            last_received_at: row.opt_text("last_received_at")?,
            created_at: row.text("created_at")?,
            updated_at: row.text("updated_at")?,
        },
        key_hash: row.text("access_key_hash")?,
    })
}

/// Every inbound webhook, newest first: they are few (one per monitoring system and team).
pub async fn all(db: &Db) -> Result<Vec<Stored>, sqlx::Error> {
    let sql = format!("{SELECT} ORDER BY created_at DESC, id DESC");
    on_db!(db, |pool, pg| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .try_map(|row| from_row(db, &row))
        .fetch_all(pool)
        .await)
}

pub async fn find(db: &Db, id: &str) -> Result<Option<Stored>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE id = $1");
    on_db!(db, |pool, pg| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id)
        .try_map(|row| from_row(db, &row))
        .fetch_optional(pool)
        .await)
}

fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Stores a new inbound webhook; false when the name is taken (case-insensitively).
pub async fn insert(db: &Db, s: &Stored, audit: &Record) -> Result<bool, sqlx::Error> {
    let w = &s.webhook;
    let sealed = db.cipher().seal(&w.access_key);
    let mut tx = db.begin().await?;
    let done = on_tx!(&mut tx, |conn, pg| sqlx::query(
        "INSERT INTO inbound_webhooks (id, name, name_key, state, access_key, access_key_hash, \
         plugin_id, plugin_version, plugin_options, plugin_metadata, upgrade_mode, tags, \
         project_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) \
         ON CONFLICT (name_key) DO NOTHING"
    )
    .bind(&w.webhook_id)
    .bind(&w.name)
    .bind(name_key(&w.name))
    .bind(w.state.as_str())
    .bind(&sealed)
    .bind(&s.key_hash)
    .bind(&w.plugin_info.plugin_id)
    .bind(&w.plugin_info.version)
    .bind(json(&w.plugin_info.options))
    .bind(json(&w.plugin_info.metadata))
    .bind(w.plugin_info.upgrade_mode.as_str())
    .bind(json(&w.tags))
    .bind(&w.project_id)
    .bind(&w.created_at)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Ok(false);
    }
    audit::write(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(true)
}

/// Why a change was not saved.
#[derive(Debug)]
pub enum Refused {
    NotFound,
    NameTaken,
}

/// Saves the changeable fields of `s` (name, state, key, plugin, tags, project) as they are now.
pub async fn save(
    db: &Db,
    s: &Stored,
    audit: Option<&Record>,
) -> Result<Result<(), Refused>, sqlx::Error> {
    let w = &s.webhook;
    let sealed = db.cipher().seal(&w.access_key);
    let mut tx = db.begin().await?;
    let taken: Option<String> = on_tx!(&mut tx, |conn, pg| sqlx::query_scalar(
        "SELECT id FROM inbound_webhooks WHERE name_key = $1 AND id <> $2"
    )
    .bind(name_key(&w.name))
    .bind(&w.webhook_id)
    .fetch_optional(conn)
    .await)?;
    if taken.is_some() {
        return Ok(Err(Refused::NameTaken));
    }
    let done = on_tx!(&mut tx, |conn, pg| sqlx::query(
        "UPDATE inbound_webhooks SET name = $2, name_key = $3, state = $4, access_key = $5, \
         access_key_hash = $6, plugin_version = $7, plugin_options = $8, plugin_metadata = $9, \
         upgrade_mode = $10, tags = $11, project_id = $12, updated_at = $13 WHERE id = $1"
    )
    .bind(&w.webhook_id)
    .bind(&w.name)
    .bind(name_key(&w.name))
    .bind(w.state.as_str())
    .bind(&sealed)
    .bind(&s.key_hash)
    .bind(&w.plugin_info.version)
    .bind(json(&w.plugin_info.options))
    .bind(json(&w.plugin_info.metadata))
    .bind(w.plugin_info.upgrade_mode.as_str())
    .bind(json(&w.tags))
    .bind(&w.project_id)
    .bind(&w.updated_at)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Ok(Err(Refused::NotFound));
    }
    if let Some(audit) = audit {
        audit::write(&mut tx, audit).await?;
    }
    tx.commit().await?;
    Ok(Ok(()))
}

/// Deletes an inbound webhook with its requests; false when there is none.
pub async fn delete(db: &Db, id: &str, audit: &Record) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    // Children first: both backends then need no cascade support.
    tx.execute("DELETE FROM inbound_requests WHERE webhook_id = $1", &[id])
        .await?;
    tx.execute("DELETE FROM inbound_alerts WHERE webhook_id = $1", &[id])
        .await?;
    let gone = tx
        .execute("DELETE FROM inbound_webhooks WHERE id = $1", &[id])
        .await?;
    if gone == 0 {
        return Ok(false);
    }
    audit::write(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(true)
}
