//! SQL about a webhook's delivery state, written by delivery rather than by edits: signing-secret
//! rotation (the previous secret is read only here) and health (status and failure details).

use sqlx::types::Json;
use sqlx::{SqliteConnection, SqlitePool};
use webhook_api::{Auth, FailureDetails, WebhookStatus};

/// Replaces the signing secret, keeping the old one as the previous secret until `expires_at`.
/// Returns false when the webhook is gone.
pub async fn rotate_secret(
    pool: &SqlitePool,
    id: &str,
    auth: &Auth,
    previous_secret: &str,
    expires_at: &str,
    at: &str,
    by: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE webhooks SET auth = ?, previous_secret = ?, previous_secret_expires_at = ?, \
         version = version + 1, updated_at = ?, updated_by = ? WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(Json(auth))
    .bind(previous_secret)
    .bind(expires_at)
    .bind(at)
    .bind(by)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The rotated-out secret of a webhook while it still signs at `now`.
pub async fn previous_secret(
    pool: &SqlitePool,
    id: &str,
    now: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT previous_secret FROM webhooks WHERE id = ? AND previous_secret IS NOT NULL \
         AND previous_secret_expires_at > ?",
    )
    .bind(id)
    .bind(now)
    .fetch_optional(pool)
    .await
}

/// Records delivery health (the worker's, not an edit: no new version). Only an enabled webhook
/// takes a new status, so a disabled one stays `disabled`.
pub async fn set_health(
    conn: &mut SqliteConnection,
    id: &str,
    status: WebhookStatus,
    details: &FailureDetails,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE webhooks SET status = CASE WHEN enabled THEN ? ELSE status END, \
         failure_details = ? WHERE id = ?",
    )
    .bind(status.as_str())
    .bind(Json(details))
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}
