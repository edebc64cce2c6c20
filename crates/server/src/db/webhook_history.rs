//! A webhook's versions (seed 003): one row per change, written with its audit entry in the
//! transaction of the change itself, so history and audit log never disagree with the webhook.

use super::audit::{self, Record};
use super::{Cols, Db, Tx, json, on_db, on_tx};
use webhook_api::{ChangeDescription, WebhookVersion};

/// A change about to be written: its audit record (action `webhook.<verb>`, the actor) and what
/// it did to the webhook.
#[derive(Debug, Clone)]
pub struct Logged {
    pub record: Record,
    pub change: ChangeDescription,
}

impl Logged {
    /// A change made by the server itself (or a test's direct write).
    pub fn system(verb: &str, id: &str, name: &str) -> Self {
        Self {
            record: Record::system(&format!("webhook.{verb}")).target("webhook", id, name),
            change: ChangeDescription::default(),
        }
    }
}

/// Writes version `version` of webhook `id` and the audit entry, inside `tx`.
pub async fn write(
    tx: &mut Tx,
    id: &str,
    version: i64,
    at: &str,
    logged: &Logged,
) -> Result<(), sqlx::Error> {
    let action = logged
        .record
        .action
        .strip_prefix("webhook.")
        .unwrap_or(&logged.record.action);
    on_tx!(tx, |conn, pg| {
        sqlx::query(
        "INSERT INTO webhook_versions (webhook_id, version, action, changed_at, changed_by, change) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (webhook_id, version) DO NOTHING"
    )
    .bind(id)
    .bind(version)
    .bind(action)
    .bind(at)
    .bind(&logged.record.actor)
    .bind(json(&logged.change))
    .execute(conn)
    .await
    .map(drop)
    })?;
    audit::write(tx, &logged.record).await
}

/// Writes the history and audit entry of the new `version` (None: nothing changed, nothing
/// written) and commits.
pub async fn commit_version(
    mut tx: Tx,
    id: &str,
    version: Option<i64>,
    at: &str,
    logged: &Logged,
) -> Result<bool, sqlx::Error> {
    let Some(version) = version else {
        return Ok(false);
    };
    let mut logged = logged.clone();
    logged.change.previous_version = Some(version - 1);
    write(&mut tx, id, version, at, &logged).await?;
    tx.commit().await?;
    Ok(true)
}

/// Every recorded version of webhook `id` (deleted ones too), newest first.
pub async fn list(db: &Db, id: &str) -> Result<Vec<WebhookVersion>, sqlx::Error> {
    on_db!(db, |pool, pg| sqlx::query(
        "SELECT version, action, changed_at, changed_by, change FROM webhook_versions \
         WHERE webhook_id = $1 ORDER BY version DESC"
    )
    .bind(id)
    .try_map(|row| from_row(&row))
    .fetch_all(pool)
    .await)
}

fn from_row(row: &impl Cols) -> Result<WebhookVersion, sqlx::Error> {
    Ok(WebhookVersion {
        version: row.int("version")?,
        action: row.text("action")?,
        changed_at: row.text("changed_at")?,
        changed_by: row.text("changed_by")?,
        change: row.json("change")?,
    })
}
