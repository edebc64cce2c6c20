//! `/api/v1/webhooks`: create, read, modify, enable, disable, delete, list and count webhooks.
//! Secrets are masked on the way out and resolved from their masks on the way in.

use super::webhook_parts::masked_at;
use super::webhook_parts::{Bookkeeping, compose, stale, write_error};
pub(crate) use super::webhook_parts::{checked, masked, not_found};
use crate::AppState;
use crate::auth::Ctx;
use crate::changes;
use crate::clock;
use crate::db;
use crate::db::webhook_history::Logged;
use crate::error::ApiError;
use crate::extract::{Json, Path, QueryPairs};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use webhook_api::{
    API_PREFIX, Auth, CreatedWebhook, ErrorBody, FailureDetails, Page, Webhook, WebhookIn,
    WebhookQuery, WebhookStat, WebhookStatus,
};

/// List webhooks: search, filter, sort and paginate.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks",
    params(
        ("search" = Option<String>, Query, description = "Case-insensitive substring of name, URL or description"),
        ("type" = Option<String>, Query, description = "events | alarms"),
        ("enabled" = Option<bool>, Query, description = "true | false"),
        ("status" = Option<String>, Query, description = "active | awaitingRetry | failed | retryLimitReached | disabled"),
        ("event_type" = Option<String>, Query, description = "A catalog key the webhook subscribes to"),
        ("project_id" = Option<String>, Query, description = "Webhooks of this project"),
        ("tag" = Option<String>, Query, description = "KEY:VALUE: webhooks with this tag (split at the first colon)"),
        ("silent_days" = Option<u32>, Query, description = "1–365: webhooks no event was queued for in the last N days (test sends, VALIDATE and drills do not count)"),
        ("deleted" = Option<bool>, Query, description = "true: the deleted webhooks instead, most recently deleted first, paged and searched (admins only; the other filters do not apply)"),
        ("sort" = Option<String>, Query, description = "name | type | status | created_at | updated_at, `-` prefix for descending; default -created_at"),
        ("page" = Option<u32>, Query, description = "From 1"),
        ("page_size" = Option<u32>, Query, description = "1–100, default 20"),
    ),
    responses(
        (status = 200, description = "One page of matching webhooks and how many match in all", body = Page<Webhook>),
        (status = 422, description = "A query parameter is invalid", body = ErrorBody),
    ))]
pub async fn list_webhooks(
    State(state): State<AppState>,
    query: QueryPairs,
) -> Result<Response, ApiError> {
    let query = WebhookQuery::from_pairs(query.iter()).map_err(ApiError::Validation)?;
    let now = clock::now();
    if query.deleted {
        // Admins only (the access table's `?deleted=true` entry).
        let page = db::webhooks::list_deleted(&state.db, &query).await?;
        return Ok(Json(masked_page(&page, &now).0).into_response());
    }
    // A kept page keeps its body too (`db::list_cache::Listed`), until a row's masking changes.
    let body = db::webhooks::list(&state.db, &query)
        .await?
        .body(&now, |page| {
            let (page, until) = masked_page(page, &now);
            (Bytes::from(db::json(&page)), until)
        });
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// `page` masked as of `now`, and the earliest time after `now` at which that would change (a
/// previous secret's overlap ending).
fn masked_page(page: &Page<Webhook>, now: &str) -> (Page<Webhook>, Option<String>) {
    let results: Vec<Webhook> = page
        .results
        .iter()
        .map(|w| masked_at(w.clone(), now))
        .collect();
    let until = results
        .iter()
        .filter_map(|w| w.previous_secret_expires_at.clone())
        .min();
    let page = Page {
        results,
        total_count: page.total_count,
    };
    (page, until)
}

/// Create a webhook, and send it the VALIDATE message (seed 002) when it is enabled.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", request_body = WebhookIn,
    responses(
        (status = 201, description = "Created; `validation` is the VALIDATE exchange (absent when created disabled). The webhook is created whatever the receiver answered.", body = CreatedWebhook, headers(("location" = String, description = "The new webhook's URL"))),
        (status = 400, description = "Not JSON", body = ErrorBody),
        (status = 409, description = "The name is taken", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
pub async fn create_webhook(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(input): Json<WebhookIn>,
) -> Result<impl IntoResponse, ApiError> {
    let input = checked(input, &Auth::None)?;
    let now = clock::now();
    let status = if input.enabled {
        WebhookStatus::Active
    } else {
        WebhookStatus::Disabled
    };
    let webhook = compose(
        input,
        Bookkeeping {
            id: uuid::Uuid::now_v7().to_string(),
            status,
            failure_details: FailureDetails::default(),
            previous_secret_expires_at: None,
            version: 1,
            created_at: now.clone(),
            updated_at: now,
            updated_by: ctx.actor(),
        },
    );
    let log = logged(
        &ctx,
        "create",
        &webhook,
        changes::webhook(None, Some(&webhook)),
    );
    db::webhooks::insert(&state.db, &webhook, &log)
        .await
        .map_err(|e| write_error(e, &webhook.name))?;
    // Seed 002: a new webhook gets a VALIDATE call. It is created whatever the receiver does.
    let validation = if webhook.enabled {
        Some(super::send::validate(&state, &webhook).await?)
    } else {
        None
    };
    let location = format!("{API_PREFIX}/webhooks/{}", webhook.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(CreatedWebhook {
            webhook: masked(webhook),
            validation,
        }),
    ))
}

/// Get one webhook.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id")),
    responses((status = 200, description = "The webhook", body = Webhook), (status = 404, description = "No such webhook", body = ErrorBody)))]
pub async fn get_webhook(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Webhook>, ApiError> {
    Ok(Json(masked(live(&state, &id).await?)))
}

/// Modify a webhook (full replace; masked secrets keep their stored value).
#[utoipa::path(put, path = "/api/v1/webhooks/{id}", tag = "webhooks", request_body = WebhookIn,
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "Modified (or unchanged)", body = Webhook),
        (status = 404, description = "No such webhook", body = ErrorBody),
        (status = 409, description = "The name is taken, or `version` is no longer current", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
pub async fn update_webhook(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ctx: Ctx,
    Json(input): Json<WebhookIn>,
) -> Result<Json<Webhook>, ApiError> {
    let current = live(&state, &id).await?;
    if let Some(version) = input.version.filter(|v| *v != current.version) {
        return Err(stale(version, current.version));
    }
    let input = checked(input, &current.auth)?;
    let status = match (current.enabled, input.enabled) {
        (_, false) => WebhookStatus::Disabled,
        (false, true) => WebhookStatus::Active,
        // Still enabled: delivery health is the worker's to report, not the editor's.
        (true, true) => current.status,
    };
    let mut next = compose(
        input,
        Bookkeeping {
            id: current.id.clone(),
            status,
            failure_details: current.failure_details.clone(),
            previous_secret_expires_at: current.previous_secret_expires_at.clone(),
            version: current.version,
            created_at: current.created_at.clone(),
            updated_at: current.updated_at.clone(),
            updated_by: current.updated_by.clone(),
        },
    );
    if next.auth != current.auth {
        // The database drops a replaced secret's predecessor too (see db::webhooks::update).
        next.previous_secret_expires_at = None;
    }
    if next == current {
        // Saving without changes is not a change: no new version, no new author.
        return Ok(Json(masked(current)));
    }
    next.version = current.version + 1;
    next.updated_at = clock::now();
    next.updated_by = ctx.actor();
    let log = logged(
        &ctx,
        "modify",
        &next,
        changes::webhook(Some(&current), Some(&next)),
    );
    let written = db::webhooks::update(&state.db, &next, current.version, &log)
        .await
        .map_err(|e| write_error(e, &next.name))?;
    if !written {
        // Changed or deleted between our read and our write.
        let now = live(&state, &id).await?;
        return Err(stale(current.version, now.version));
    }
    Ok(Json(masked(next)))
}

/// Delete a webhook (soft: it disappears from the API and its name becomes free).
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id")),
    responses((status = 204, description = "Deleted"), (status = 404, description = "No such webhook", body = ErrorBody)))]
pub async fn delete_webhook(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ctx: Ctx,
) -> Result<StatusCode, ApiError> {
    let current = live(&state, &id).await?;
    let log = logged(
        &ctx,
        "delete",
        &current,
        changes::webhook(Some(&current), None),
    );
    if db::webhooks::soft_delete(&state.db, &id, &clock::now(), &log).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found(&id))
    }
}

/// Enable a webhook; enabling an enabled one returns it unchanged.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/enable", tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id")),
    responses((status = 200, description = "Enabled", body = Webhook), (status = 404, description = "No such webhook", body = ErrorBody)))]
pub async fn enable_webhook(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ctx: Ctx,
) -> Result<Json<Webhook>, ApiError> {
    switch(&state, &id, true, &ctx).await
}

/// Disable a webhook; disabling a disabled one returns it unchanged.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/disable", tag = "webhooks",
    params(("id" = String, Path, description = "Webhook id")),
    responses((status = 200, description = "Disabled", body = Webhook), (status = 404, description = "No such webhook", body = ErrorBody)))]
pub async fn disable_webhook(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ctx: Ctx,
) -> Result<Json<Webhook>, ApiError> {
    switch(&state, &id, false, &ctx).await
}

/// Count webhooks by type, enabled and status.
#[utoipa::path(get, path = "/api/v1/webhooks/stat", tag = "webhooks",
    responses((status = 200, description = "Counts of webhooks that are not deleted", body = WebhookStat)))]
pub async fn get_webhook_stat(
    State(state): State<AppState>,
) -> Result<Json<WebhookStat>, ApiError> {
    Ok(Json(db::webhooks::stat(&state.db).await?))
}

async fn switch(
    state: &AppState,
    id: &str,
    enabled: bool,
    ctx: &Ctx,
) -> Result<Json<Webhook>, ApiError> {
    // Re-enabling starts from a clean slate: the worker sets the status again on the next delivery.
    let status = if enabled {
        WebhookStatus::Active
    } else {
        WebhookStatus::Disabled
    };
    let current = live(state, id).await?;
    let verb = if enabled { "enable" } else { "disable" };
    let change = webhook_api::ChangeDescription {
        fields_updated: vec![changes::field(
            "enabled",
            serde_json::json!(current.enabled),
            serde_json::json!(enabled),
        )],
        ..Default::default()
    };
    let log = logged(ctx, verb, &current, change);
    db::webhooks::set_enabled(&state.db, id, enabled, status, &clock::now(), &log).await?;
    Ok(Json(masked(live(state, id).await?)))
}

/// The history entry and audit record of `verb` (create, modify, …) done to `w`.
pub(crate) fn logged(
    ctx: &Ctx,
    verb: &str,
    w: &Webhook,
    change: webhook_api::ChangeDescription,
) -> Logged {
    Logged {
        record: ctx
            .record(&format!("webhook.{verb}"))
            .target("webhook", &w.id, &w.name)
            .with_changes(changes::flat(&change)),
        change,
    }
}

/// A live webhook, or 404.
pub(crate) async fn live(state: &AppState, id: &str) -> Result<Webhook, ApiError> {
    db::webhooks::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found(id))
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks", get(list_webhooks).post(create_webhook))
        // A static segment wins over `{id}` in axum's router, so `stat` is never taken for an id.
        .route("/webhooks/stat", get(get_webhook_stat))
        .route(
            "/webhooks/{id}",
            get(get_webhook).put(update_webhook).delete(delete_webhook),
        )
        .route("/webhooks/{id}/enable", post(enable_webhook))
        .route("/webhooks/{id}/disable", post(disable_webhook))
}
