//! `/api/v1/inbound-webhooks` (seed 001's monitoring Webhook API): create, get, update, enable,
//! disable, regenerate the key, delete; listing and search are in `inbound_query`, the plugin and
//! the requests in `inbound_plugin`. Enable and disable are `POST`s as on outbound webhooks. The access key and the URL holding
//! it are shown in full to admins only; every change is in the audit log (the key as
//! "(changed)", never its value).

use super::{inbound_plugin, inbound_query};
use crate::AppState;
use crate::auth::{Ctx, secret};
use crate::changes::{CHANGED, added, field};
use crate::clock;
use crate::db::{self, inbound::Refused, inbound::Stored};
use crate::error::ApiError;
use crate::extract::{Json, Path};
use crate::inbound;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::json;
use webhook_api::{
    ErrorBody, InboundState, InboundWebhook, InboundWebhookIn, InboundWebhookUpdate, PluginInfo,
    RequestCounts, validate_inbound_en,
};

/// Create an inbound webhook: its plugin's `init` makes the metadata of the options; the access
/// key is generated.
#[utoipa::path(post, path = "/api/v1/inbound-webhooks", tag = "inbound", request_body = InboundWebhookIn,
    responses(
        (status = 201, description = "Created, with its access key and URL", body = InboundWebhook),
        (status = 409, description = "The name is taken", body = ErrorBody),
        (status = 422, description = "Invalid fields or plugin options (`options.KEY`)", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Json(input): Json<InboundWebhookIn>,
) -> Result<impl IntoResponse, ApiError> {
    let mut errors = validate_inbound_en(&input);
    let plugin = inbound::find(&input.plugin_id);
    let mut metadata = json!({});
    let version = match plugin {
        None if !input.plugin_id.trim().is_empty() => {
            let known: Vec<&str> = inbound::PLUGINS.iter().map(|p| p.id).collect();
            errors.insert(
                "plugin_id".into(),
                format!("No such plugin; there are: {}.", known.join(", ")),
            );
            String::new()
        }
        None => String::new(),
        Some(p) => {
            let version = input.version.clone().unwrap_or_else(|| p.newest().into());
            match inbound::init(p, &version, &input.options) {
                Ok(m) => metadata = m,
                Err(e) => errors.extend(e),
            }
            version
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let now = clock::now();
    let key = secret::random_token();
    let webhook = InboundWebhook {
        webhook_id: uuid::Uuid::now_v7().to_string(),
        name: input.name.trim().to_string(),
        state: InboundState::Enabled,
        access_key: key.clone(),
        webhook_url: String::new(),
        capability: inbound::capability(),
        plugin_info: PluginInfo {
            plugin_id: input.plugin_id,
            version,
            options: input.options,
            metadata,
            upgrade_mode: input.upgrade_mode,
        },
        tags: input.tags,
        project_id: input.project_id,
        requests: RequestCounts::default(),
        last_received_at: None,
        created_at: now.clone(),
        updated_at: now,
    };
    let w = &webhook;
    let record = ctx
        .record("inbound_webhook.create")
        .target("inbound_webhook", &w.webhook_id, &w.name)
        .with_changes(vec![
            added("name", json!(w.name)),
            added("plugin_info", json!(w.plugin_info)),
            added("tags", json!(w.tags)),
            added("project_id", json!(w.project_id)),
            added("access_key", json!(CHANGED)),
        ]);
    let stored = Stored {
        key_hash: secret::token_hash(&key),
        webhook,
    };
    if !db::inbound::insert(&state.db, &stored, &record).await? {
        return Err(name_taken(&stored.webhook.name));
    }
    Ok((
        StatusCode::CREATED,
        Json(shown(&state, &ctx, &headers, stored.webhook)),
    ))
}

/// Get an inbound webhook.
#[utoipa::path(get, path = "/api/v1/inbound-webhooks/{id}", tag = "inbound",
    params(("id" = String, Path, description = "Inbound webhook id")),
    responses(
        (status = 200, description = "The inbound webhook", body = InboundWebhook),
        (status = 404, description = "No such inbound webhook", body = ErrorBody),
    ))]
pub async fn get_one(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<InboundWebhook>, ApiError> {
    let s = stored(&state, &id).await?;
    Ok(Json(shown(&state, &ctx, &headers, s.webhook)))
}

/// update: name, tags, project.
#[utoipa::path(put, path = "/api/v1/inbound-webhooks/{id}", tag = "inbound", request_body = InboundWebhookUpdate,
    params(("id" = String, Path, description = "Inbound webhook id")),
    responses(
        (status = 200, description = "Updated", body = InboundWebhook),
        (status = 404, description = "No such inbound webhook", body = ErrorBody),
        (status = 409, description = "The name is taken", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(input): Json<InboundWebhookUpdate>,
) -> Result<Json<InboundWebhook>, ApiError> {
    let mut s = stored(&state, &id).await?;
    let before = s.webhook.clone();
    let w = &mut s.webhook;
    if let Some(name) = input.name {
        w.name = name.trim().to_string();
    }
    if let Some(tags) = input.tags {
        w.tags = tags;
    }
    if let Some(project) = input.project_id {
        w.project_id = project;
    }
    let check = InboundWebhookIn {
        name: w.name.clone(),
        plugin_id: w.plugin_info.plugin_id.clone(),
        version: None,
        options: json!({}),
        upgrade_mode: w.plugin_info.upgrade_mode,
        tags: w.tags.clone(),
        project_id: w.project_id.clone(),
    };
    let errors = validate_inbound_en(&check);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut changes = Vec::new();
    if before.name != w.name {
        changes.push(field("name", json!(before.name), json!(w.name)));
    }
    if before.tags != w.tags {
        changes.push(field("tags", json!(before.tags), json!(w.tags)));
    }
    if before.project_id != w.project_id {
        changes.push(field(
            "project_id",
            json!(before.project_id),
            json!(w.project_id),
        ));
    }
    save(&state, &ctx, &headers, s, "inbound_webhook.update", changes).await
}

/// Enable: payloads are accepted again.
#[utoipa::path(post, path = "/api/v1/inbound-webhooks/{id}/enable", tag = "inbound",
    params(("id" = String, Path, description = "Inbound webhook id")),
    responses(
        (status = 200, description = "Enabled", body = InboundWebhook),
        (status = 404, description = "No such inbound webhook", body = ErrorBody),
    ))]
pub async fn enable(
    state: State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    id: Path<String>,
) -> Result<Json<InboundWebhook>, ApiError> {
    set_state(state, ctx, headers, id, InboundState::Enabled).await
}

/// Disable: posts are refused with 403 (and recorded) until enabled again.
#[utoipa::path(post, path = "/api/v1/inbound-webhooks/{id}/disable", tag = "inbound",
    params(("id" = String, Path, description = "Inbound webhook id")),
    responses(
        (status = 200, description = "Disabled", body = InboundWebhook),
        (status = 404, description = "No such inbound webhook", body = ErrorBody),
    ))]
pub async fn disable(
    state: State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    id: Path<String>,
) -> Result<Json<InboundWebhook>, ApiError> {
    set_state(state, ctx, headers, id, InboundState::Disabled).await
}

async fn set_state(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    to: InboundState,
) -> Result<Json<InboundWebhook>, ApiError> {
    let mut s = stored(&state, &id).await?;
    let from = s.webhook.state;
    s.webhook.state = to;
    let action = match to {
        InboundState::Enabled => "inbound_webhook.enable",
        InboundState::Disabled => "inbound_webhook.disable",
    };
    let changes = if from == to {
        Vec::new()
    } else {
        vec![field("state", json!(from), json!(to))]
    };
    save(&state, &ctx, &headers, s, action, changes).await
}

/// Regenerate the access key: the old one stops working at once.
#[utoipa::path(post, path = "/api/v1/inbound-webhooks/{id}/access-key", tag = "inbound",
    params(("id" = String, Path, description = "Inbound webhook id")),
    responses(
        (status = 200, description = "The webhook with its new key and URL", body = InboundWebhook),
        (status = 404, description = "No such inbound webhook", body = ErrorBody),
    ))]
pub async fn regenerate_key(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<InboundWebhook>, ApiError> {
    let mut s = stored(&state, &id).await?;
    let key = secret::random_token();
    s.key_hash = secret::token_hash(&key);
    s.webhook.access_key = key;
    let changes = vec![field("access_key", json!(CHANGED), json!(CHANGED))];
    save(
        &state,
        &ctx,
        &headers,
        s,
        "inbound_webhook.regenerate_key",
        changes,
    )
    .await
}

/// Delete an inbound webhook and its recorded requests; its URL stops working. The events it
/// raised stay.
#[utoipa::path(delete, path = "/api/v1/inbound-webhooks/{id}", tag = "inbound",
    params(("id" = String, Path, description = "Inbound webhook id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such inbound webhook", body = ErrorBody),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let s = stored(&state, &id).await?;
    let record =
        ctx.record("inbound_webhook.delete")
            .target("inbound_webhook", &id, &s.webhook.name);
    if !db::inbound::delete(&state.db, &id, &record).await? {
        return Err(not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn stored(state: &AppState, id: &str) -> Result<Stored, ApiError> {
    db::inbound::find(&state.db, id)
        .await?
        .ok_or_else(not_found)
}

pub(super) fn plugin_of(info: &PluginInfo) -> Result<&'static inbound::Plugin, ApiError> {
    inbound::find(&info.plugin_id).ok_or_else(|| {
        ApiError::internal(format!(
            "inbound webhook with unknown plugin {}",
            info.plugin_id
        ))
    })
}

pub(super) fn not_found() -> ApiError {
    ApiError::NotFound("There is no inbound webhook with this id.".into())
}

pub(super) fn name_taken(name: &str) -> ApiError {
    ApiError::conflict_on("name", format!("An inbound webhook named '{name}' exists."))
}

/// Saves `s` with an audit entry of `changes` (none: nothing changed, nothing written).
pub(super) async fn save(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    mut s: Stored,
    action: &str,
    changes: Vec<webhook_api::FieldChange>,
) -> Result<Json<InboundWebhook>, ApiError> {
    if changes.is_empty() {
        return Ok(Json(shown(state, ctx, headers, s.webhook)));
    }
    s.webhook.updated_at = clock::now();
    let record = ctx
        .record(action)
        .target("inbound_webhook", &s.webhook.webhook_id, &s.webhook.name)
        .with_changes(changes);
    match db::inbound::save(&state.db, &s, Some(&record)).await? {
        Ok(()) => Ok(Json(shown(state, ctx, headers, s.webhook))),
        Err(Refused::NotFound) => Err(not_found()),
        Err(Refused::NameTaken) => Err(name_taken(&s.webhook.name)),
    }
}

/// The webhook as the caller may see it: its URL made absolute, key and URL masked for all
/// but admins.
pub(super) fn shown(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    mut w: InboundWebhook,
) -> InboundWebhook {
    let admin = ctx.role().is_some_and(|r| r.is_admin());
    let key = if admin {
        w.access_key.clone()
    } else {
        mask(&w.access_key)
    };
    let base = state.inbound.public_url.clone().unwrap_or_else(|| {
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        format!("http://{host}")
    });
    w.webhook_url = format!("{base}/api/v1/inbound/{}/{key}/events", w.webhook_id);
    w.access_key = key;
    w
}

/// `abcd…wxyz`: enough to tell keys apart, not to use one.
fn mask(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() < 12 {
        return "…".into();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// The routes of this resource, relative to `/api/v1` (the list's and the plugin's handlers are
/// in `inbound_query` and `inbound_plugin`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbound-webhooks", get(inbound_query::list).post(create))
        .route(
            "/inbound-webhooks/{id}",
            get(get_one).put(update).delete(delete),
        )
        .route("/inbound-webhooks/{id}/enable", post(enable))
        .route("/inbound-webhooks/{id}/disable", post(disable))
        .route("/inbound-webhooks/{id}/access-key", post(regenerate_key))
        .merge(inbound_query::router())
        .merge(inbound_plugin::router())
}
