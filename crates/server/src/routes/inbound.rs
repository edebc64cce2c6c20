//! `/api/v1/inbound-webhooks` (seed 001's monitoring Webhook API) and `/api/v1/inbound-plugins`.
//! Enable and disable are `POST`s as on outbound webhooks. The access key and the URL holding
//! it are shown in full to admins only; every change is in the audit log (the key as
//! "(changed)", never its value).

use crate::AppState;
use crate::auth::{Ctx, secret};
use crate::changes::{CHANGED, added, field};
use crate::clock;
use crate::db::{self, inbound::Refused, inbound::Stored};
use crate::error::ApiError;
use crate::extract::{Json, Path, QueryPairs};
use crate::inbound::{self, receive};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::json;
use webhook_api::{
    ErrorBody, FieldErrors, InboundRequest, InboundState, InboundWebhook, InboundWebhookIn,
    InboundWebhookUpdate, Page, PluginDescriptor, PluginInfo, PluginUpdate, PluginVerified,
    RequestCounts, validate_inbound_en,
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
        if v.is_empty() {
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

async fn stored(state: &AppState, id: &str) -> Result<Stored, ApiError> {
    db::inbound::find(&state.db, id)
        .await?
        .ok_or_else(not_found)
}

fn plugin_of(info: &PluginInfo) -> Result<&'static inbound::Plugin, ApiError> {
    inbound::find(&info.plugin_id).ok_or_else(|| {
        ApiError::internal(format!(
            "inbound webhook with unknown plugin {}",
            info.plugin_id
        ))
    })
}

fn not_found() -> ApiError {
    ApiError::NotFound("There is no inbound webhook with this id.".into())
}

fn name_taken(name: &str) -> ApiError {
    ApiError::conflict_on("name", format!("An inbound webhook named '{name}' exists."))
}

/// Saves `s` with an audit entry of `changes` (none: nothing changed, nothing written).
async fn save(
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
fn shown(
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

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbound-plugins", get(list_plugins))
        .route("/inbound-webhooks", get(list).post(create))
        .route(
            "/inbound-webhooks/{id}",
            get(get_one).put(update).delete(delete),
        )
        .route("/inbound-webhooks/{id}/plugin", put(update_plugin))
        .route("/inbound-webhooks/{id}/plugin/verify", post(verify_plugin))
        .route("/inbound-webhooks/{id}/enable", post(enable))
        .route("/inbound-webhooks/{id}/disable", post(disable))
        .route("/inbound-webhooks/{id}/access-key", post(regenerate_key))
        .route("/inbound-webhooks/{id}/requests", get(requests))
        .route("/inbound-webhooks/{id}/sample", post(send_sample))
}
