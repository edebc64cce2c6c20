//! `/api/v1/notices` and `/api/v1/webhooks/{id}/notices`: what the server wants people to know
//! about a webhook (auto-disable), until someone acknowledges it, and the warning before.

use super::webhooks::live;
use crate::AppState;
use crate::auth::Ctx;
use crate::auto_disable::due_at;
use crate::clock;
use crate::db;
use crate::error::ApiError;
use crate::extract::{Json, Path};
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use webhook_api::{ErrorBody, Notice, WebhookNotices};

/// Notices not yet acknowledged, of every webhook (for the list).
#[utoipa::path(get, path = "/api/v1/notices", tag = "webhooks",
    responses((status = 200, description = "Open notices, newest first", body = Vec<Notice>)))]
pub async fn open_notices(State(state): State<AppState>) -> Result<Json<Vec<Notice>>, ApiError> {
    Ok(Json(db::notices::open(&state.db).await?))
}

/// A webhook's notices, and when it will be disabled unless a delivery succeeds.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/notices", tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "Its notices and the auto-disable warning", body = WebhookNotices),
        (status = 404, description = "No such webhook", body = ErrorBody),
    ))]
pub async fn webhook_notices(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<WebhookNotices>, ApiError> {
    live(&state, &id).await?;
    let after = state.auto_disable_after;
    let failing_since = if after.is_zero() {
        None
    } else {
        db::notices::failing(&state.db, Some(&id))
            .await?
            .into_iter()
            .next()
            .map(|(_, _, since)| since)
    };
    Ok(Json(WebhookNotices {
        auto_disable_days: u32::try_from(after.as_secs().div_ceil(86_400)).unwrap_or(u32::MAX),
        auto_disable_at: failing_since.as_deref().and_then(|s| due_at(s, after)),
        failing_since,
        notices: db::notices::of_webhook(&state.db, &id).await?,
    }))
}

/// Acknowledge a notice: it leaves the list (and stays in the webhook's notices).
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/notices/{notice_id}/acknowledge", tag = "webhooks",
    params(
        ("id" = String, Path, description = "Webhook id"),
        ("notice_id" = String, Path, description = "Notice id"),
    ),
    responses(
        (status = 200, description = "Acknowledged", body = Notice),
        (status = 404, description = "No such webhook or notice", body = ErrorBody),
    ))]
pub async fn acknowledge(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, notice_id)): Path<(String, String)>,
) -> Result<Json<Notice>, ApiError> {
    let webhook = live(&state, &id).await?;
    let record = ctx
        .record("webhook.acknowledge_notice")
        .target("webhook", &id, &webhook.name);
    db::notices::acknowledge(&state.db, &id, &notice_id, &clock::now(), &record)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound("This webhook has no such notice.".into()))
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/notices", get(open_notices))
        .route("/webhooks/{id}/notices", get(webhook_notices))
        .route(
            "/webhooks/{id}/notices/{notice_id}/acknowledge",
            post(acknowledge),
        )
}
