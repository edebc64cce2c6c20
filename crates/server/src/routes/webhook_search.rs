//! `POST /api/v1/webhooks/search` and `POST /api/v1/webhooks/stat`: seed 001's query language
//! over the live webhooks, as the API returns them (secrets masked), evaluated by
//! [`crate::search`]. `GET /webhooks/stat` (counts by type, enabled and status) stays as it is.

use super::webhook_parts::masked_at;
use crate::AppState;
use crate::clock;
use crate::db;
use crate::db::webhooks::TextColumn;
use crate::error::ApiError;
use crate::extract::Json;
use crate::search::{self, Fields};
use axum::Router;
use axum::extract::State;
use axum::routing::post;
use serde_json::Value;
use webhook_api::{
    Condition, ErrorBody, SearchOp, SearchRequest, SearchResults, StatRequest, StatResults,
};

/// What a query may name on a webhook: its fields as the API returns them (headers and body are
/// the receiver's, not for filtering), and every tag.
pub const WEBHOOK_FIELDS: Fields = Fields {
    keys: &[
        "id",
        "name",
        "description",
        "type",
        "url",
        "language",
        "auth.type",
        "format",
        "use_template",
        "msg_key",
        "event_types",
        "enabled",
        "status",
        "failure_details.last_successful_at",
        "failure_details.last_failed_at",
        "failure_details.last_failed_status_code",
        "failure_details.last_failed_reason",
        "failure_details.next_attempt",
        "batch_size",
        "timeout",
        "tags",
        "project_id",
        "version",
        "created_at",
        "updated_at",
        "updated_by",
    ],
    tags: true,
    keyword: &["id", "name", "url", "description"],
};

/// Search webhooks (seed 001's `list` as POST search): `filter` (all) and `filter_or` (any) of
/// `{"k", "v", "o"}` on the keys below or `tags.KEY`, with `o` one of eq, not, in, not_in,
/// contain, not_contain, gt, gte, lt, lte, exists; `keyword` (a substring of id, name, URL or
/// description, case-insensitive); `sort`; `page` (`start` from 1, `limit` 1–1000; without it,
/// every match); `only` (those keys of each result); `count_only`. Unsorted results come newest
/// first. Keys: id, name, description, type, url, language, auth.type, format, use_template,
/// msg_key, event_types, enabled, status, failure_details.*, batch_size, timeout, tags,
/// project_id, version, created_at, updated_at, updated_by.
#[utoipa::path(post, path = "/api/v1/webhooks/search", tag = "webhooks", request_body = SearchRequest,
    responses(
        (status = 200, description = "The matching webhooks (or their `only` fields), secrets masked, and how many match in all", body = SearchResults),
        (status = 422, description = "An unknown key or operator, a value of the wrong kind for its operator, or a page out of range; each named by its field (`query.filter[0].k`)", body = ErrorBody),
    ))]
pub async fn search_webhooks(
    State(state): State<AppState>,
    Json(request): Json<SearchRequest>,
) -> Result<Json<SearchResults>, ApiError> {
    let narrowed = narrowing(&request.query.filter);
    let found = over_live(&state, &narrowed, move |items| {
        search::search(items, &request.query, &WEBHOOK_FIELDS)
    })
    .await?;
    Ok(Json(found))
}

/// Count webhooks by any of their keys (seed 001's `stat`): the webhooks `filter`, `filter_or`
/// and `keyword` select (as in search), one row per distinct value of the `group_by` keys,
/// `{"status": "active", "count": 3}`, largest first; without `group_by`, one row
/// `{"count": n}`.
#[utoipa::path(post, path = "/api/v1/webhooks/stat", tag = "webhooks", request_body = StatRequest,
    responses(
        (status = 200, description = "One row per group with its count, largest first", body = StatResults),
        (status = 422, description = "An unknown key or operator, or a value of the wrong kind for its operator, named by its field", body = ErrorBody),
    ))]
pub async fn stat_webhooks(
    State(state): State<AppState>,
    Json(request): Json<StatRequest>,
) -> Result<Json<StatResults>, ApiError> {
    let narrowed = narrowing(&request.query.filter);
    let counted = over_live(&state, &narrowed, move |items| {
        search::stat(items, &request.query, &WEBHOOK_FIELDS)
    })
    .await?;
    Ok(Json(counted))
}

/// The conditions of `filter` (all must hold) that the database can apply first, with the very
/// result the evaluator gives them: `eq` or `in` with texts on a column that holds the field's
/// JSON text. Reading, decoding and converting every webhook is most of a search's cost (about
/// 20 us a webhook), so a selective `type`, `status` or `project_id` reads only its matches. The
/// evaluator still checks every condition; anything else (other operators, values that are not
/// texts, `filter_or`, the keyword) is left to it.
fn narrowing(filter: &[Condition]) -> Vec<(TextColumn, Vec<String>)> {
    filter
        .iter()
        .filter_map(|c| {
            let column = match c.k.as_str() {
                "id" => TextColumn::Id,
                "type" => TextColumn::Type,
                "status" => TextColumn::Status,
                "project_id" => TextColumn::ProjectId,
                "language" => TextColumn::Language,
                "format" => TextColumn::Format,
                _ => return None,
            };
            let values: Option<Vec<String>> = match (c.o, &c.v) {
                (SearchOp::Eq, Value::String(s)) => Some(vec![s.clone()]),
                (SearchOp::In, Value::Array(vs)) if vs.len() <= search::MAX_VALUES => {
                    vs.iter().map(|v| v.as_str().map(str::to_string)).collect()
                }
                _ => None,
            };
            values.map(|v| (column, v))
        })
        .collect()
}

/// Runs `work` over the live webhooks (those `narrowed` lets through) as the API returns them,
/// masked, in JSON. Converting thousands of webhooks and evaluating a query over them is tens of
/// milliseconds of CPU: it runs off the async threads.
async fn over_live<T: Send + 'static>(
    state: &AppState,
    narrowed: &[(TextColumn, Vec<String>)],
    work: impl FnOnce(Vec<Value>) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let webhooks = db::webhooks::live_where(&state.db, narrowed).await?;
    tokio::task::spawn_blocking(move || {
        let now = clock::now();
        let items = webhooks
            .into_iter()
            .map(|w| serde_json::to_value(masked_at(w, &now)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(ApiError::internal)?;
        work(items)
    })
    .await
    .map_err(ApiError::internal)?
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks/search", post(search_webhooks))
        .route("/webhooks/stat", post(stat_webhooks))
}
