//! An inbound webhook's plugin (update_plugin, verify_plugin) and what it received: the recent
//! requests, and Send sample through the receiving path.

use super::inbound::{plugin_of, save, stored};
use crate::AppState;
use crate::auth::Ctx;
use crate::changes::field;
use crate::db;
use crate::error::ApiError;
use crate::extract::{Json, Path};
use crate::inbound::{self, receive};
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post, put};
use serde_json::json;
use webhook_api::{ErrorBody, InboundRequest, InboundWebhook, PluginUpdate, PluginVerified};

/// update_plugin: version, options, upgrade mode; the plugin's `init` runs again.
#[utoipa::path(put, path = "/api/v1/inbound-webhooks/{id}/plugin", tag = "inbound", request_body = PluginUpdate,
    params(("id" = String, Path, description = "Inbound webhook id")),
    responses(
        (status = 200, description = "Updated", body = InboundWebhook),
        (status = 404, description = "No such inbound webhook", body = ErrorBody),
        (status = 422, description = "Unknown version or invalid options (`options.KEY`)", body = ErrorBody),
    ))]
pub async fn update_plugin(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(input): Json<PluginUpdate>,
) -> Result<Json<InboundWebhook>, ApiError> {
    let mut s = stored(&state, &id).await?;
    let before = s.webhook.plugin_info.clone();
    let info = &mut s.webhook.plugin_info;
    let plugin = plugin_of(info)?;
    if let Some(v) = input.version {
        info.version = v;
    }
    if let Some(o) = input.options {
        info.options = o;
    }
    if let Some(m) = input.upgrade_mode {
        info.upgrade_mode = m;
    }
    info.metadata =
        inbound::init(plugin, &info.version, &info.options).map_err(ApiError::Validation)?;
    let changes = if before == *info {
        Vec::new()
    } else {
        vec![field("plugin_info", json!(before), json!(info))]
    };
    save(
        &state,
        &ctx,
        &headers,
        s,
        "inbound_webhook.update_plugin",
        changes,
    )
    .await
}

/// verify_plugin: checks the stored options with the plugin (`verify` and `init`).
#[utoipa::path(post, path = "/api/v1/inbound-webhooks/{id}/plugin/verify", tag = "inbound",
    params(("id" = String, Path, description = "Inbound webhook id")),
    responses(
        (status = 200, description = "The options are good", body = PluginVerified),
        (status = 404, description = "No such inbound webhook", body = ErrorBody),
        (status = 422, description = "What is wrong, by option (`options.KEY`)", body = ErrorBody),
    ))]
pub async fn verify_plugin(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<PluginVerified>, ApiError> {
    let s = stored(&state, &id).await?;
    let info = &s.webhook.plugin_info;
    let metadata = inbound::init(plugin_of(info)?, &info.version, &info.options)
        .map_err(ApiError::Validation)?;
    Ok(Json(PluginVerified { metadata }))
}

/// The requests it received, newest first (the last 100).
#[utoipa::path(get, path = "/api/v1/inbound-webhooks/{id}/requests", tag = "inbound",
    params(("id" = String, Path, description = "Inbound webhook id")),
    responses(
        (status = 200, description = "Requests with what each became", body = Vec<InboundRequest>),
        (status = 404, description = "No such inbound webhook", body = ErrorBody),
    ))]
pub async fn requests(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<InboundRequest>>, ApiError> {
    stored(&state, &id).await?;
    Ok(Json(db::inbound_requests::list(&state.db, &id).await?))
}

/// Send sample: the plugin's sample payload through the receiving path of the webhook's URL
/// (state, plugin, dedup, routing, recording), marked as a sample. Answers with the recorded
/// request, whatever became of it.
#[utoipa::path(post, path = "/api/v1/inbound-webhooks/{id}/sample", tag = "inbound",
    params(("id" = String, Path, description = "Inbound webhook id")),
    responses(
        (status = 200, description = "The request as recorded", body = InboundRequest),
        (status = 404, description = "No such inbound webhook", body = ErrorBody),
        (status = 429, description = "The webhook's rate limit", body = ErrorBody),
    ))]
pub async fn send_sample(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<InboundRequest>, ApiError> {
    let s = stored(&state, &id).await?;
    receive::throttle(&state, &id)?;
    let plugin = plugin_of(&s.webhook.plugin_info)?;
    let body = serde_json::to_vec(&(plugin.sample)()).map_err(ApiError::internal)?;
    let mut headers = HeaderMap::new();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        "application/json".parse().map_err(ApiError::internal)?,
    );
    headers.insert(
        axum::http::header::USER_AGENT,
        "webhook-console (Send sample)"
            .parse()
            .map_err(ApiError::internal)?,
    );
    let (request, _) = receive::process(
        &state,
        &s,
        &headers,
        receive::Body::Read(body),
        &ctx.client_addr,
        true,
    )
    .await?;
    Ok(Json(request))
}

/// The routes of this file, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbound-webhooks/{id}/plugin", put(update_plugin))
        .route("/inbound-webhooks/{id}/plugin/verify", post(verify_plugin))
        .route("/inbound-webhooks/{id}/requests", get(requests))
        .route("/inbound-webhooks/{id}/sample", post(send_sample))
}
