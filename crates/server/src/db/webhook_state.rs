//! SQL about a webhook's delivery state, written by delivery rather than by edits: signing-secret
//! rotation (the previous secret is read only here) and health (status and failure details).

use super::webhook_history::{self, Logged};
use super::{Db, Tx, json, on_db, on_tx};
use webhook_api::{Auth, FailureDetails, WebhookStatus};

/// Replaces the signing secret, keeping the old one as the previous secret until `expires_at`.
/// Returns false when the webhook is gone. A new version, with its history and audit entry.
pub async fn rotate_secret(
    db: &Db,
    id: &str,
    auth: &Auth,
    previous_secret: &str,
    expires_at: &str,
    at: &str,
    logged: &Logged,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let version: Option<i64> = on_tx!(&mut tx, |conn, pg| sqlx::query_scalar(
        "UPDATE webhooks SET auth = $1, previous_secret = $2, previous_secret_expires_at = $3, \
         version = version + 1, updated_at = $4, updated_by = $5 WHERE id = $6 \
         AND deleted_at IS NULL RETURNING version",
    )
    .bind(db.cipher().seal(&json(auth)))
    .bind(db.cipher().seal(previous_secret))
    .bind(expires_at)
    .bind(at)
    .bind(&logged.record.actor)
    .bind(id)
    .fetch_optional(conn)
    .await)?;
    webhook_history::commit_version(tx, id, version, at, logged).await
}

/// The rotated-out secret of a webhook while it still signs at `now`.
pub async fn previous_secret(db: &Db, id: &str, now: &str) -> Result<Option<String>, sqlx::Error> {
    let sealed: Option<String> = on_db!(db, |pool, pg| sqlx::query_scalar(
        "SELECT previous_secret FROM webhooks WHERE id = $1 AND previous_secret IS NOT NULL \
         AND previous_secret_expires_at > $2",
    )
    .bind(id)
    .bind(now)
    .fetch_optional(pool)
    .await)?;
    sealed.map(|s| db.cipher().open(&s)).transpose()
}

/// Records delivery health (the worker's, not an edit: no new version). Only an enabled webhook
/// takes a new status, so a disabled one stays `disabled`.
pub async fn set_health(
    tx: &mut Tx,
    id: &str,
    status: WebhookStatus,
    details: &FailureDetails,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn, pg| sqlx::query(
        "UPDATE webhooks SET status = CASE WHEN enabled THEN $1 ELSE status END, \
         failure_details = $2 WHERE id = $3",
    )
    .bind(status.as_str())
    .bind(json(details))
    .bind(id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// [`set_health`] in a transaction of its own (a fire drill's outcome).
pub async fn record_health(
    db: &Db,
    id: &str,
    status: WebhookStatus,
    details: &FailureDetails,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    set_health(&mut tx, id, status, details).await?;
    tx.commit().await
}
