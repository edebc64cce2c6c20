//! `/api/v1/webhooks/{id}/drill`: a webhook's fire-drill schedule (admins set it), running one
//! now (operators), and the drills that ran.

use super::webhooks::live;
use crate::AppState;
use crate::auth::Ctx;
use crate::changes::field;
use crate::clock;
use crate::db;
use crate::drills::{next_after, run};
use crate::error::ApiError;
use crate::extract::{Json, Path};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde_json::json;
use webhook_api::{Drill, DrillRun, DrillSchedule, ErrorBody};

/// A webhook's drill schedule.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/drill", tag = "delivery",
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The schedule and the next run", body = Drill),
        (status = 404, description = "No such webhook, or it has no drill", body = ErrorBody),
    ))]
pub async fn get_drill(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Drill>, ApiError> {
    live(&state, &id).await?;
    db::drills::find(&state.db, &id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound("This webhook has no fire drill.".into()))
}

/// Set a webhook's drill schedule: daily or weekly at a UTC time.
#[utoipa::path(put, path = "/api/v1/webhooks/{id}/drill", tag = "delivery", request_body = DrillSchedule,
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The schedule and the next run", body = Drill),
        (status = 404, description = "No such webhook", body = ErrorBody),
        (status = 422, description = "Invalid time or day", body = ErrorBody),
    ))]
pub async fn put_drill(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(schedule): Json<DrillSchedule>,
) -> Result<Json<Drill>, ApiError> {
    let webhook = live(&state, &id).await?;
    let errors = schedule.check();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let before = db::drills::find(&state.db, &id).await?;
    let drill = Drill {
        webhook_id: id.clone(),
        next_run_at: next_after(&schedule, time::OffsetDateTime::now_utc()),
        schedule,
        updated_at: clock::now(),
        updated_by: ctx.actor(),
    };
    let record = ctx
        .record("webhook.set_drill")
        .target("webhook", &id, &webhook.name)
        .with_changes(vec![field(
            "drill",
            json!(before.map(|d| d.schedule)),
            json!(drill.schedule),
        )]);
    db::drills::put(&state.db, &drill, &record).await?;
    Ok(Json(drill))
}

/// Remove a webhook's drill schedule (the drills that ran stay listed).
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}/drill", tag = "delivery",
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such webhook, or it has no drill", body = ErrorBody),
    ))]
pub async fn delete_drill(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let webhook = live(&state, &id).await?;
    let record = ctx
        .record("webhook.remove_drill")
        .target("webhook", &id, &webhook.name);
    if !db::drills::delete(&state.db, &id, &record).await? {
        return Err(ApiError::NotFound("This webhook has no fire drill.".into()));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Run a drill now, through the real delivery path; answers with its outcome.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/drill/run", tag = "delivery",
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The drill, whatever the receiver did", body = DrillRun),
        (status = 404, description = "No such webhook", body = ErrorBody),
    ))]
pub async fn run_drill(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<DrillRun>, ApiError> {
    let webhook = live(&state, &id).await?;
    Ok(Json(
        run(&state.db, &state.deliverer, &webhook, None).await?,
    ))
}

/// The drills that ran, newest first (the last 100).
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/drills", tag = "delivery",
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "Time, outcome, status and latency of each", body = Vec<DrillRun>),
        (status = 404, description = "No such webhook", body = ErrorBody),
    ))]
pub async fn list_runs(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<DrillRun>>, ApiError> {
    live(&state, &id).await?;
    Ok(Json(db::drills::runs(&state.db, &id).await?))
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/webhooks/{id}/drill",
            get(get_drill).put(put_drill).delete(delete_drill),
        )
        .route("/webhooks/{id}/drill/run", post(run_drill))
        .route("/webhooks/{id}/drills", get(list_runs))
}
