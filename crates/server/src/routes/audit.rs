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
    let mut query = AuditQuery::from_pairs(query.iter()).map_err(ApiError::Validation)?;
    // The same instant whatever its offset, compared with the stored UTC times.
    if let Some(since) = &query.since {
        let at = time::OffsetDateTime::parse(since, &time::format_description::well_known::Rfc3339)
            .map_err(|_| {
                ApiError::Validation(webhook_api::FieldErrors::from([(
                    "since".to_string(),
                    "must be an RFC 3339 time, e.g. 2026-12-01T00:00:00Z".to_string(),
                )]))
            })?;
        query.since = Some(crate::clock::format(at));
    }
    Ok(Json(db::audit::list(&state.db, &query).await?))
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(list_audit))
}
