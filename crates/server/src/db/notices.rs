//! Webhook notices (auto-disable), and the query that finds webhooks failing for days.

use super::audit::{self, Record};
use super::webhook_history::{self, Logged};
use super::{Cols, Db, on_db, on_tx};
use webhook_api::{Notice, WebhookStatus};

const SELECT: &str = "SELECT id, webhook_id, kind, message, created_at, acknowledged_at, \
     acknowledged_by FROM webhook_notices";

fn from_row(row: &impl Cols) -> Result<Notice, sqlx::Error> {
    Ok(Notice {
        id: row.text("id")?,
        webhook_id: row.text("webhook_id")?,
        kind: row.text("kind")?,
        message: row.text("message")?,
        created_at: row.text("created_at")?,
        acknowledged_at: row.opt_text("acknowledged_at")?,
        acknowledged_by: row.opt_text("acknowledged_by")?,
    })
}

/// A webhook's notices, newest first.
pub async fn of_webhook(db: &Db, webhook_id: &str) -> Result<Vec<Notice>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE webhook_id = $1 ORDER BY created_at DESC, id DESC LIMIT 50");
    on_db!(db, |pool, pg| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .bind(webhook_id)
        .try_map(|row| from_row(&row))
        .fetch_all(pool)
        .await)
}

/// Every notice not yet acknowledged, of live webhooks, newest first.
pub async fn open(db: &Db) -> Result<Vec<Notice>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE acknowledged_at IS NULL AND webhook_id IN \
         (SELECT id FROM webhooks WHERE deleted_at IS NULL) ORDER BY created_at DESC, id DESC \
         LIMIT 500"
    );
    on_db!(db, |pool, pg| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .try_map(|row| from_row(&row))
        .fetch_all(pool)
        .await)
}

/// Acknowledges a notice; None when there is no such notice of this webhook.
pub async fn acknowledge(
    db: &Db,
    webhook_id: &str,
    id: &str,
    at: &str,
    audit: &Record,
) -> Result<Option<Notice>, sqlx::Error> {
    let mut tx = db.begin().await?;
    let done = on_tx!(&mut tx, |conn, pg| sqlx::query(
        "UPDATE webhook_notices SET acknowledged_at = COALESCE(acknowledged_at, $1), \
         acknowledged_by = COALESCE(acknowledged_by, $2) WHERE id = $3 AND webhook_id = $4"
    )
    .bind(at)
    .bind(&audit.actor)
    .bind(id)
    .bind(webhook_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Ok(None);
    }
    audit::write(&mut tx, audit).await?;
    tx.commit().await?;
    let sql = format!("{SELECT} WHERE id = $1");
    on_db!(db, |pool, pg| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id)
        .try_map(|row| from_row(&row))
        .fetch_optional(pool)
        .await)
}

/// Since when every attempt of each enabled, live, not-healthy webhook failed (attempts after
/// its last success; all of them when it never succeeded): `(id, name, failing_since)`.
/// `only` narrows it to one webhook.
pub async fn failing(
    db: &Db,
    only: Option<&str>,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    on_db!(db, |pool, pg| sqlx::query_as::<
        _,
        (String, String, Option<String>),
    >(
        "SELECT w.id, w.name, (SELECT MIN(a.started_at) FROM attempts a \
           WHERE a.webhook_id = w.id AND NOT a.ok AND a.started_at > COALESCE( \
             (SELECT MAX(b.started_at) FROM attempts b WHERE b.webhook_id = w.id AND b.ok), '')) \
         FROM webhooks w WHERE w.deleted_at IS NULL AND w.enabled \
         AND w.status IN ('awaitingRetry', 'failed', 'retryLimitReached') \
         AND ($1 = '' OR w.id = $1)"
    )
    .bind(only.unwrap_or(""))
    .fetch_all(pool)
    .await)
    .map(|rows| {
        rows.into_iter()
            .filter_map(|(id, name, since)| since.map(|s| (id, name, s)))
            .collect()
    })
}

/// Disables a webhook on the server's own account and leaves the notice, in one transaction
/// (a new version, its history and audit entry). False when it was no longer enabled (another
/// instance, or a person, got there first).
pub async fn auto_disable(db: &Db, notice: &Notice, logged: &Logged) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let version: Option<i64> = on_tx!(&mut tx, |conn, pg| sqlx::query_scalar(
        "UPDATE webhooks SET enabled = FALSE, status = $1, version = version + 1, \
         updated_at = $2, updated_by = $3 WHERE id = $4 AND deleted_at IS NULL AND enabled \
         RETURNING version"
    )
    .bind(WebhookStatus::Disabled.as_str())
    .bind(&notice.created_at)
    .bind(&logged.record.actor)
    .bind(&notice.webhook_id)
    .fetch_optional(conn)
    .await)?;
    if version.is_none() {
        return Ok(false);
    }
    on_tx!(&mut tx, |conn, pg| sqlx::query(
        "INSERT INTO webhook_notices (id, webhook_id, kind, message, created_at) \
         VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(&notice.id)
    .bind(&notice.webhook_id)
    .bind(&notice.kind)
    .bind(&notice.message)
    .bind(&notice.created_at)
    .execute(conn)
    .await
    .map(drop))?;
    webhook_history::commit_version(tx, &notice.webhook_id, version, &notice.created_at, logged)
        .await
}
