//! `/api/v1/audit`: the audit log, newest first, for admins.

use crate::AppState;
use crate::db;
use crate::error::ApiError;
use crate::extract::{Json, QueryPairs};
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use webhook_api::{AuditEntry, AuditQuery, ErrorBody, Page};

/// Read the audit log.
#[utoipa::path(get, path = "/api/v1/audit", tag = "access",
    params(
        ("actor" = Option<String>, Query, description = "A username, or a token's name"),
        ("target_type" = Option<String>, Query, description = "webhook | subscription | user | token | route"),
        ("target_id" = Option<String>, Query, description = "The target's id"),
        ("action" = Option<String>, Query, description = "e.g. webhook.modify, session.create, request.refused"),
        ("since" = Option<String>, Query, description = "RFC 3339: entries at or after"),
        ("page" = Option<u32>, Query, description = "From 1"),
        ("page_size" = Option<u32>, Query, description = "1–100, default 20"),
    ),
    responses(
        (status = 200, description = "One page of entries, newest first", body = Page<AuditEntry>),
        (status = 422, description = "A query parameter is invalid", body = ErrorBody),
    ))]
pub async fn list_audit(
    State(state): State<AppState>,
    query: QueryPairs,
) -> Result<Json<Page<AuditEntry>>, ApiError> {
    let query = AuditQuery::from_pairs(query.iter()).map_err(ApiError::Validation)?;
    Ok(Json(db::audit::list(&state.db, &query).await?))
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(list_audit))
}
