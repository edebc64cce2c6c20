//! A webhook's history (seed 003): its versions, and bringing a deleted webhook back.

use super::webhooks::{logged, masked, not_found};
use crate::AppState;
use crate::auth::Ctx;
use crate::changes;
use crate::clock;
use crate::db::{self, WriteError};
use crate::error::ApiError;
use crate::extract::{Json, Path};
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use webhook_api::{ErrorBody, Webhook, WebhookVersion};

/// A webhook's versions, newest first: who changed what, field by field (deleted webhooks too).
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/versions", tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "Its versions, newest first", body = Vec<WebhookVersion>),
        (status = 404, description = "No such webhook", body = ErrorBody),
    ))]
pub async fn list_versions(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<WebhookVersion>>, ApiError> {
    if db::webhooks::find_any(&state.db, &id).await?.is_none() {
        return Err(not_found(&id));
    }
    Ok(Json(db::webhook_history::list(&state.db, &id).await?))
}

/// Restore a deleted webhook, as it was when deleted; it comes back disabled when it was.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/restore", tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "Restored", body = Webhook),
        (status = 404, description = "No such deleted webhook", body = ErrorBody),
        (status = 409, description = "A live webhook has its name now", body = ErrorBody),
    ))]
pub async fn restore_webhook(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Webhook>, ApiError> {
    let deleted = db::webhooks::find_deleted(&state.db, &id)
        .await?
        .ok_or_else(|| not_found(&id))?;
    let log = logged(
        &ctx,
        "restore",
        &deleted,
        changes::webhook(None, Some(&deleted)),
    );
    match db::webhooks::restore(&state.db, &id, &clock::now(), &log).await {
        Ok(true) => {}
        Ok(false) => return Err(not_found(&id)),
        Err(WriteError::NameTaken) => {
            return Err(ApiError::conflict_on(
                "name",
                format!(
                    "A webhook named '{}' exists now: rename or delete it, then restore this one.",
                    deleted.name
                ),
            ));
        }
        Err(WriteError::Db(e)) => return Err(e.into()),
    }
    let restored = db::webhooks::find(&state.db, &id)
        .await?
        .ok_or_else(|| not_found(&id))?;
    Ok(Json(masked(restored)))
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks/{id}/versions", get(list_versions))
        .route("/webhooks/{id}/restore", post(restore_webhook))
}
