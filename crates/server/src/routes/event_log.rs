//! `GET /api/v1/events` and `/events/{id}`: the events log for the console's events page — stored
//! events, newest first, each with where it went (webhook, rule, delivery and its status).

use crate::AppState;
use crate::db;
use crate::error::ApiError;
use crate::extract::{Json, Path, QueryPairs};
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use webhook_api::{ErrorBody, EventQuery, EventRecord, Page};

/// List events, newest first (by when they were received), each with its routes.
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    params(
        ("type" = Option<String>, Query, description = "A catalog key"),
        ("resource_type" = Option<String>, Query, description = "host, server, …"),
        ("result" = Option<String>, Query, description = "succeed | failed"),
        ("page" = Option<u32>, Query, description = "From 1"),
        ("page_size" = Option<u32>, Query, description = "1–100, default 20"),
    ),
    responses(
        (status = 200, description = "One page of events", body = Page<EventRecord>),
        (status = 422, description = "A query parameter is invalid", body = ErrorBody),
    ))]
pub async fn list_events(
    State(state): State<AppState>,
    query: QueryPairs,
) -> Result<Json<Page<EventRecord>>, ApiError> {
    let query = EventQuery::from_pairs(query.iter()).map_err(ApiError::Validation)?;
    Ok(Json(db::event_log::list(&state.db, &query).await?))
}

/// Get one event with its routes.
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events",
    params(("id" = String, Path, description = "Event id")),
    responses(
        (status = 200, description = "The event", body = EventRecord),
        (status = 404, description = "No such event", body = ErrorBody),
    ))]
pub async fn get_event(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<EventRecord>, ApiError> {
    db::event_log::find(&state.db, &id)
        .await?
        .map(Json)
        .ok_or_else(|| {
            let shown: String = id.chars().take(64).collect();
            ApiError::NotFound(format!("There is no event with id '{shown}'."))
        })
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events", get(list_events))
        .route("/events/{id}", get(get_event))
}
