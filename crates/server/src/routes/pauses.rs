//! Pause and resume (operators): a paused webhook keeps receiving its events as deliveries but
//! sends nothing and spends no retry; Resume sends what was held in the order the events arrived
//! at the webhook's resume rate. The body (`{"resume_rate": 10}`) is optional.

use super::webhooks::live;
use crate::AppState;
use crate::auth::Ctx;
use crate::changes::field;
use crate::clock;
use crate::db;
use crate::error::ApiError;
use crate::extract::{Json, Path, decode_value};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::{get, post};
use serde_json::json;
use webhook_api::{ErrorBody, FieldErrors, MAX_RESUME_RATE, PauseIn, PauseState};

/// Whether a webhook is paused, how many deliveries it holds, its resume rate.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/pause", tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "Its pause state", body = PauseState),
        (status = 404, description = "No such webhook", body = ErrorBody),
    ))]
pub async fn get_pause(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<PauseState>, ApiError> {
    live(&state, &id).await?;
    Ok(Json(db::pauses::find(&state.db, &id, &clock::now()).await?))
}

/// The webhooks paused, or still sending out what they held.
#[utoipa::path(get, path = "/api/v1/pauses", tag = "webhooks",
    responses((status = 200, description = "Paused and resuming webhooks", body = Vec<PauseState>)))]
pub async fn list_pauses(State(state): State<AppState>) -> Result<Json<Vec<PauseState>>, ApiError> {
    Ok(Json(db::pauses::active(&state.db, &clock::now()).await?))
}

/// Pause: deliveries are held from now on (one being sent finishes).
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/pause", tag = "webhooks", request_body = Option<PauseIn>,
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "Paused", body = PauseState),
        (status = 404, description = "No such webhook", body = ErrorBody),
        (status = 422, description = "A resume rate out of range", body = ErrorBody),
    ))]
pub async fn pause(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<PauseState>, ApiError> {
    let webhook = live(&state, &id).await?;
    let rate = rate_of(&body)?;
    let now = clock::now();
    let before = db::pauses::find(&state.db, &id, &now).await?;
    let record = ctx
        .record("webhook.pause")
        .target("webhook", &id, &webhook.name)
        .with_changes(vec![field("paused", json!(before.paused), json!(true))]);
    db::pauses::pause(&state.db, &id, rate, &now, &record).await?;
    Ok(Json(db::pauses::find(&state.db, &id, &now).await?))
}

/// Resume: what was held goes out in arrival order at the resume rate; new events queue behind.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/resume", tag = "webhooks", request_body = Option<PauseIn>,
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "Resumed (or was not paused)", body = PauseState),
        (status = 404, description = "No such webhook", body = ErrorBody),
        (status = 422, description = "A resume rate out of range", body = ErrorBody),
    ))]
pub async fn resume(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<PauseState>, ApiError> {
    let webhook = live(&state, &id).await?;
    let rate = rate_of(&body)?;
    let record = ctx
        .record("webhook.resume")
        .target("webhook", &id, &webhook.name)
        .with_changes(vec![field("paused", json!(true), json!(false))]);
    let now = time::OffsetDateTime::now_utc();
    let released = db::pauses::resume(&state.db, &id, rate, now, &record).await?;
    if released.is_some_and(|n| n > 0) {
        state.deliverer.wake.notify_one();
    }
    Ok(Json(db::pauses::find(&state.db, &id, &clock::now()).await?))
}

/// The optional body's rate, checked.
fn rate_of(body: &[u8]) -> Result<Option<u32>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::BadRequest(format!("The body is not JSON: {e}.")))?;
    let input: PauseIn = decode_value(value, "")?;
    match input.resume_rate {
        Some(r) if r == 0 || r > MAX_RESUME_RATE => {
            Err(ApiError::Validation(FieldErrors::from([(
                "resume_rate".to_string(),
                format!("Must be from 1 to {MAX_RESUME_RATE} deliveries per second."),
            )])))
        }
        r => Ok(r),
    }
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/pauses", get(list_pauses))
        .route("/webhooks/{id}/pause", get(get_pause).post(pause))
        .route("/webhooks/{id}/resume", post(resume))
}
