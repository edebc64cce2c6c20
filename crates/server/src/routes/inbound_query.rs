//! Listing inbound webhooks: `GET /inbound-webhooks` with filters, seed 001's `POST …/search`
//! and `POST …/stat` over what the caller may see, and the plugins they can use.

use super::inbound::shown;
use crate::AppState;
use crate::auth::Ctx;
use crate::db;
use crate::error::ApiError;
use crate::extract::{Json, QueryPairs};
use crate::inbound;
use crate::search;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use serde::Deserialize;
use webhook_api::{
    ErrorBody, FieldErrors, InboundState, InboundWebhook, Page, PluginDescriptor, SearchRequest,
    SearchResults, StatRequest, StatResults,
};

/// The plugins inbound webhooks can parse with.
#[utoipa::path(get, path = "/api/v1/inbound-plugins", tag = "inbound",
    responses((status = 200, description = "Plugins with versions, options and a sample", body = Vec<PluginDescriptor>)))]
pub async fn list_plugins() -> Json<Vec<PluginDescriptor>> {
    Json(inbound::PLUGINS.iter().map(|p| p.descriptor()).collect())
}

/// `GET /inbound-webhooks` filters.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Matched case-insensitively against name and id.
    pub keyword: Option<String>,
    /// `ENABLED` or `DISABLED`.
    pub state: Option<String>,
    pub plugin_id: Option<String>,
    pub project_id: Option<String>,
    /// From 1.
    pub page: Option<u32>,
    /// 1–100, default 20.
    pub page_size: Option<u32>,
}

/// List inbound webhooks, newest first.
#[utoipa::path(get, path = "/api/v1/inbound-webhooks", tag = "inbound", params(ListQuery),
    responses(
        (status = 200, description = "A page of inbound webhooks", body = Page<InboundWebhook>),
        (status = 422, description = "A bad filter", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    QueryPairs(pairs): QueryPairs,
) -> Result<Json<Page<InboundWebhook>>, ApiError> {
    let mut errors = FieldErrors::new();
    let mut q = ListQuery::default();
    let (mut wanted_state, mut page, mut page_size) = (None, 1u32, 20u32);
    for (k, v) in pairs {
        let v = v.trim().to_string();
        // An empty filter is no filter; an empty number is not a number.
        if v.is_empty() && !matches!(k.as_str(), "page" | "page_size") {
            continue;
        }
        let mut number = |range: std::ops::RangeInclusive<u32>| match v.parse::<u32>() {
            Ok(n) if range.contains(&n) => Some(n),
            _ => {
                errors.insert(
                    k.clone(),
                    format!(
                        "Must be a number from {} to {}.",
                        range.start(),
                        range.end()
                    ),
                );
                None
            }
        };
        match k.as_str() {
            "keyword" => q.keyword = Some(v.to_lowercase()),
            "plugin_id" => q.plugin_id = Some(v),
            "project_id" => q.project_id = Some(v),
            "page" => page = number(1..=u32::MAX).unwrap_or(1),
            "page_size" => page_size = number(1..=100).unwrap_or(20),
            "state" => match InboundState::parse(&v.to_ascii_uppercase()) {
                Some(st) => wanted_state = Some(st),
                None => {
                    errors.insert("state".into(), "Must be ENABLED or DISABLED.".into());
                }
            },
            _ => {}
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let keyword = q.keyword.unwrap_or_default();
    let (plugin, project) = (q.plugin_id, q.project_id);
    let matching: Vec<InboundWebhook> = db::inbound::all(&state.db)
        .await?
        .into_iter()
        .map(|s| s.webhook)
        .filter(|w| {
            (keyword.is_empty()
                || w.name.to_lowercase().contains(&keyword)
                || w.webhook_id.contains(&keyword))
                && wanted_state.is_none_or(|s| w.state == s)
                && plugin
                    .as_ref()
                    .is_none_or(|p| &w.plugin_info.plugin_id == p)
                && project.as_ref().is_none_or(|p| &w.project_id == p)
        })
        .collect();
    let start = (page as usize - 1) * page_size as usize;
    let results = matching
        .iter()
        .skip(start)
        .take(page_size as usize)
        .map(|w| shown(&state, &ctx, &headers, w.clone()))
        .collect();
    Ok(Json(Page {
        results,
        total_count: matching.len() as u64,
    }))
}

/// What `/search` and `/stat` may name on an inbound webhook.
pub(crate) const FIELDS: search::Fields = search::Fields {
    keys: &[
        "webhook_id",
        "name",
        "state",
        "plugin_info.plugin_id",
        "plugin_info.version",
        "plugin_info.upgrade_mode",
        "project_id",
        "requests.total",
        "requests.error",
        "last_received_at",
        "created_at",
        "updated_at",
    ],
    tags: true,
    keyword: &["name", "webhook_id"],
};

/// Every inbound webhook as the caller may see it, as JSON for the query evaluator.
async fn searchable(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
) -> Result<Vec<serde_json::Value>, ApiError> {
    db::inbound::all(&state.db)
        .await?
        .into_iter()
        .map(|s| {
            serde_json::to_value(shown(state, ctx, headers, s.webhook)).map_err(ApiError::internal)
        })
        .collect()
}

/// list as seed 001's query: filters, keyword, sort, page, `only`, `count_only`.
#[utoipa::path(post, path = "/api/v1/inbound-webhooks/search", tag = "inbound", request_body = SearchRequest,
    responses(
        (status = 200, description = "The matching inbound webhooks (or their `only` fields)", body = SearchResults),
        (status = 422, description = "An unknown key or operator, a bad value, named", body = ErrorBody),
    ))]
pub async fn search_inbound(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Json(body): Json<SearchRequest>,
) -> Result<Json<SearchResults>, ApiError> {
    let items = searchable(&state, &ctx, &headers).await?;
    Ok(Json(search::search(items, &body.query, &FIELDS)?))
}

/// stat: counts grouped by keys.
#[utoipa::path(post, path = "/api/v1/inbound-webhooks/stat", tag = "inbound", request_body = StatRequest,
    responses(
        (status = 200, description = "One row per group with its count", body = StatResults),
        (status = 422, description = "An unknown key or operator, a bad value, named", body = ErrorBody),
    ))]
pub async fn stat_inbound(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Json(body): Json<StatRequest>,
) -> Result<Json<StatResults>, ApiError> {
    let items = searchable(&state, &ctx, &headers).await?;
    Ok(Json(search::stat(items, &body.query, &FIELDS)?))
}

/// The routes of this file, relative to `/api/v1` (`GET /inbound-webhooks` is routed with its
/// `POST` in `inbound`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbound-plugins", get(list_plugins))
        .route("/inbound-webhooks/search", post(search_inbound))
        .route("/inbound-webhooks/stat", post(stat_inbound))
}
