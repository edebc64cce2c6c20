//! `/api/v1/subscriptions`: message-subscription settings (seed 002). The shipped topics with
//! their filters, enable/disable, receivers (webhooks), Test (a sample event through the real
//! queue) and the impact of disabling or deleting a webhook or disabling a topic.

use super::webhooks::live;
use crate::AppState;
use crate::auth::Ctx;
use crate::changes::field;
use crate::clock;
use crate::db;
use crate::db::audit::Record;
use crate::delivery::sample_event_of;
use crate::error::ApiError;
use crate::extract::{Json, Path, QueryPairs};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use serde_json::json;
use webhook_api::subscription::IMPACT_DAYS;
use webhook_api::topics::TopicFilter;
use webhook_api::validate::validate_subscription;
use webhook_api::{
    ErrorBody, EventIn, ImpactChange, ImpactedTopic, Lang, Page, ReceiverIn, Subscription,
    SubscriptionImpact, SubscriptionIn, SubscriptionTest,
};

/// List every topic with its filter, state and receivers, in catalog order.
#[utoipa::path(get, path = "/api/v1/subscriptions", tag = "subscriptions",
    responses((status = 200, description = "All topics", body = Page<Subscription>)))]
pub async fn list_subscriptions(
    State(state): State<AppState>,
) -> Result<Json<Page<Subscription>>, ApiError> {
    let results = db::subscriptions::list(&state.db).await?;
    Ok(Json(Page {
        total_count: results.len() as u64,
        results,
    }))
}

/// Get one topic.
#[utoipa::path(get, path = "/api/v1/subscriptions/{id}", tag = "subscriptions",
    params(("id" = String, Path, description = "Topic id, e.g. resource.lifecycle")),
    responses(
        (status = 200, description = "The topic", body = Subscription),
        (status = 404, description = "No such topic", body = ErrorBody),
    ))]
pub async fn get_subscription(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Subscription>, ApiError> {
    Ok(Json(topic(&state, &id).await?))
}

/// Replace a topic's filter: event types, resource-type scope (empty = any) and severities.
#[utoipa::path(put, path = "/api/v1/subscriptions/{id}", tag = "subscriptions", request_body = SubscriptionIn,
    params(("id" = String, Path, description = "Topic id")),
    responses(
        (status = 200, description = "Changed (or unchanged)", body = Subscription),
        (status = 404, description = "No such topic", body = ErrorBody),
        (status = 409, description = "`version` is no longer current", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
pub async fn update_subscription(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ctx: Ctx,
    Json(input): Json<SubscriptionIn>,
) -> Result<Json<Subscription>, ApiError> {
    let current = topic(&state, &id).await?;
    let errors: webhook_api::FieldErrors = validate_subscription(&input)
        .into_iter()
        .map(|(field, e)| (field.to_string(), e.message(Lang::En)))
        .collect();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if let Some(version) = input.version.filter(|v| *v != current.version) {
        return Err(stale(version, current.version));
    }
    let unchanged = input.event_types == current.event_types
        && input.resource_types == current.resource_types
        && input.severities == current.severities;
    if unchanged {
        return Ok(Json(current));
    }
    let mut changes = Vec::new();
    if input.event_types != current.event_types {
        changes.push(field(
            "event_types",
            json!(current.event_types),
            json!(input.event_types),
        ));
    }
    if input.resource_types != current.resource_types {
        changes.push(field(
            "resource_types",
            json!(current.resource_types),
            json!(input.resource_types),
        ));
    }
    if input.severities != current.severities {
        changes.push(field(
            "severities",
            json!(current.severities),
            json!(input.severities),
        ));
    }
    let record = recorded(&ctx, "subscription.modify", &current).with_changes(changes);
    let written = db::subscriptions::set_filter(
        &state.db,
        &id,
        &input,
        Some(current.version),
        &clock::now(),
        &record,
    )
    .await?;
    let now = topic(&state, &id).await?;
    if !written {
        return Err(stale(current.version, now.version));
    }
    Ok(Json(now))
}

/// Enable a topic; enabling an enabled one returns it unchanged.
#[utoipa::path(post, path = "/api/v1/subscriptions/{id}/enable", tag = "subscriptions",
    params(("id" = String, Path, description = "Topic id")),
    responses((status = 200, description = "Enabled", body = Subscription), (status = 404, description = "No such topic", body = ErrorBody)))]
pub async fn enable_subscription(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ctx: Ctx,
) -> Result<Json<Subscription>, ApiError> {
    switch(&state, &id, true, &ctx).await
}

/// Disable a topic: it routes nothing until enabled again. See `/subscriptions/impact` first.
#[utoipa::path(post, path = "/api/v1/subscriptions/{id}/disable", tag = "subscriptions",
    params(("id" = String, Path, description = "Topic id")),
    responses((status = 200, description = "Disabled", body = Subscription), (status = 404, description = "No such topic", body = ErrorBody)))]
pub async fn disable_subscription(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ctx: Ctx,
) -> Result<Json<Subscription>, ApiError> {
    switch(&state, &id, false, &ctx).await
}

async fn switch(
    state: &AppState,
    id: &str,
    enabled: bool,
    ctx: &Ctx,
) -> Result<Json<Subscription>, ApiError> {
    let current = topic(state, id).await?;
    let verb = if enabled {
        "subscription.enable"
    } else {
        "subscription.disable"
    };
    let record = recorded(ctx, verb, &current).with_changes(vec![field(
        "enabled",
        json!(current.enabled),
        json!(enabled),
    )]);
    db::subscriptions::set_enabled(&state.db, id, enabled, &clock::now(), &record).await?;
    Ok(Json(topic(state, id).await?))
}

/// The audit record of `action` on topic `t`.
fn recorded(ctx: &Ctx, action: &str, t: &Subscription) -> Record {
    ctx.record(action).target("subscription", &t.id, &t.name_en)
}

/// Make a webhook a receiver of the topic; adding a receiver again changes nothing.
#[utoipa::path(post, path = "/api/v1/subscriptions/{id}/receivers", tag = "subscriptions", request_body = ReceiverIn,
    params(("id" = String, Path, description = "Topic id")),
    responses(
        (status = 200, description = "The topic with its receivers", body = Subscription),
        (status = 404, description = "No such topic, or no such (or a deleted) webhook", body = ErrorBody),
        (status = 422, description = "`webhook_id` is missing", body = ErrorBody),
    ))]
pub async fn add_receiver(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ctx: Ctx,
    Json(input): Json<ReceiverIn>,
) -> Result<Json<Subscription>, ApiError> {
    let current = topic(&state, &id).await?;
    let webhook = live(&state, &input.webhook_id).await?;
    let record = recorded(&ctx, "subscription.add_receiver", &current).with_changes(vec![
        crate::changes::added("receivers", json!({"id": webhook.id, "name": webhook.name})),
    ]);
    db::subscriptions::add_receiver(&state.db, &id, &input.webhook_id, &clock::now(), &record)
        .await?;
    Ok(Json(topic(&state, &id).await?))
}

/// Remove a webhook from the topic's receivers; removing a webhook that is not one changes nothing.
#[utoipa::path(delete, path = "/api/v1/subscriptions/{id}/receivers/{webhook_id}", tag = "subscriptions",
    params(("id" = String, Path, description = "Topic id"), ("webhook_id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The topic with its receivers", body = Subscription),
        (status = 404, description = "No such topic", body = ErrorBody),
    ))]
pub async fn remove_receiver(
    State(state): State<AppState>,
    Path((id, webhook_id)): Path<(String, String)>,
    ctx: Ctx,
) -> Result<Json<Subscription>, ApiError> {
    let current = topic(&state, &id).await?;
    let record = recorded(&ctx, "subscription.remove_receiver", &current).with_changes(vec![
        webhook_api::FieldChange {
            name: "receivers".into(),
            old_value: Some(json!({"id": webhook_id})),
            new_value: None,
        },
    ]);
    db::subscriptions::remove_receiver(&state.db, &id, &webhook_id, &clock::now(), &record).await?;
    Ok(Json(topic(&state, &id).await?))
}

/// Test: publish a sample event of the topic (its first event type, in its scope and of one of
/// its severities) through the real queue. It is routed like any event — to the topic's enabled
/// receivers when the topic is enabled, and to webhooks whose own event types match — so follow
/// it with `GET /events/{event_id}`.
#[utoipa::path(post, path = "/api/v1/subscriptions/{id}/test", tag = "subscriptions",
    params(("id" = String, Path, description = "Topic id")),
    responses(
        (status = 202, description = "Stored; deliveries queued", body = SubscriptionTest),
        (status = 404, description = "No such topic", body = ErrorBody),
    ))]
pub async fn test_subscription(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<SubscriptionTest>), ApiError> {
    let topic = topic(&state, &id).await?;
    let event = sample_of(&topic);
    let event_id = uuid::Uuid::now_v7().to_string();
    let accepted = [(event_id.clone(), event)];
    let deliveries = db::accepts::accept_events(&state.db, &accepted, &clock::now()).await?;
    state.deliverer.metrics.events_accepted(1);
    if deliveries > 0 {
        state.deliverer.wake.notify_one();
    }
    let [(_, event)] = accepted;
    Ok((
        StatusCode::ACCEPTED,
        Json(SubscriptionTest {
            event_id,
            event,
            deliveries,
        }),
    ))
}

/// A sample event the topic's current filter matches.
fn sample_of(topic: &Subscription) -> EventIn {
    let mut e = sample_event_of(&topic.event_types[0]);
    if let Some(scope) = topic.resource_types.first()
        && !topic.resource_types.contains(&e.resource_type)
    {
        e.resource_type = scope.clone();
    }
    if !topic.severities.contains(&e.severity) {
        e.severity = topic.severities[0];
    }
    e.source = Some(format!("webhook-console: test of topic {}", topic.id));
    e
}

/// What changes would cut off: the topics left with no enabled receiver, each with the number
/// of matching events received in the last 7 days (see `SubscriptionImpact`). The parameters
/// combine, each may repeat (`?disable_webhook=a&disable_webhook=b`); none cut nothing off.
#[utoipa::path(get, path = "/api/v1/subscriptions/impact", tag = "subscriptions",
    params(
        ("disable_webhook" = Option<String>, Query, description = "A webhook id: were it disabled"),
        ("delete_webhook" = Option<String>, Query, description = "A webhook id: were it deleted"),
        ("disable_topic" = Option<String>, Query, description = "A topic id: were it disabled"),
    ),
    responses(
        (status = 200, description = "The topics the change would leave without an enabled receiver", body = SubscriptionImpact),
        (status = 404, description = "No such webhook or topic", body = ErrorBody),
        (status = 422, description = "A parameter without a value", body = ErrorBody),
    ))]
pub async fn get_impact(
    State(state): State<AppState>,
    query: QueryPairs,
) -> Result<Json<SubscriptionImpact>, ApiError> {
    let changes = ImpactChange::from_pairs(query.iter()).map_err(ApiError::Validation)?;
    let receivers = db::subscriptions::enabled_receivers(&state.db).await?;
    let topics = db::subscriptions::list(&state.db).await?;
    let (mut off_webhooks, mut off_topics) = (Vec::new(), Vec::new());
    for change in &changes {
        match change {
            ImpactChange::DisableWebhook(w) | ImpactChange::DeleteWebhook(w) => {
                live(&state, w).await?;
                off_webhooks.push(w.as_str());
            }
            ImpactChange::DisableTopic(id) => {
                if !topics.iter().any(|t| t.id == *id) {
                    return Err(not_found(id));
                }
                off_topics.push(id.as_str());
            }
        }
    }
    // Cut off: an enabled topic that has an enabled receiver now and none after the changes.
    let cut_off: Vec<Subscription> = topics
        .into_iter()
        .filter(|t| {
            let now = receivers.get(&t.id).map_or(&[][..], Vec::as_slice);
            t.enabled
                && !now.is_empty()
                && (off_topics.contains(&t.id.as_str())
                    || now.iter().all(|w| off_webhooks.contains(&w.as_str())))
        })
        .collect();
    let since = clock::format(time::OffsetDateTime::now_utc() - time::Duration::days(IMPACT_DAYS));
    let mut impacted = Vec::with_capacity(cut_off.len());
    for t in cut_off {
        let filter = TopicFilter {
            event_types: t.event_types,
            resource_types: t.resource_types,
            severities: t.severities,
        };
        impacted.push(ImpactedTopic {
            matching_events: db::subscriptions::count_matching(&state.db, &filter, &since).await?,
            id: t.id,
            name_en: t.name_en,
            name_zh: t.name_zh,
        });
    }
    Ok(Json(SubscriptionImpact {
        since,
        topics: impacted,
    }))
}

/// A topic, or 404.
async fn topic(state: &AppState, id: &str) -> Result<Subscription, ApiError> {
    db::subscriptions::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found(id))
}

fn not_found(id: &str) -> ApiError {
    let shown: String = id.chars().take(64).collect();
    ApiError::NotFound(format!("There is no subscription topic with id '{shown}'."))
}

fn stale(yours: i64, current: i64) -> ApiError {
    ApiError::Conflict {
        message: format!(
            "This topic was changed by someone else (you edited version {yours}, it is now at \
             version {current}). Reload it and apply your changes again."
        ),
        fields: Default::default(),
    }
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/subscriptions", get(list_subscriptions))
        // A static segment wins over `{id}`, so `impact` is never taken for a topic id.
        .route("/subscriptions/impact", get(get_impact))
        .route(
            "/subscriptions/{id}",
            get(get_subscription).put(update_subscription),
        )
        .route("/subscriptions/{id}/enable", post(enable_subscription))
        .route("/subscriptions/{id}/disable", post(disable_subscription))
        .route("/subscriptions/{id}/receivers", post(add_receiver))
        .route(
            "/subscriptions/{id}/receivers/{webhook_id}",
            delete(remove_receiver),
        )
        .route("/subscriptions/{id}/test", post(test_subscription))
}
