//! The delivery log: a webhook's deliveries with their attempts, redelivery, recovery of failed
//! deliveries since a time, and the success rate of the last 24 hours.

use super::webhooks::live;
use crate::AppState;
use crate::clock;
use crate::db;
use crate::error::ApiError;
use crate::extract::{Json, Path, QueryPairs};
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use time::OffsetDateTime;
use webhook_api::{
    Delivery, DeliveryQuery, DeliveryStats, ErrorBody, FieldErrors, HourBucket, Page, RecoverIn,
    RecoverOut, RetentionInfo, WebhookSilence,
};

/// How many days without an event make an event type quiet.
const QUIET_DAYS: u32 = 30;

/// The configuration mistakes that make a webhook quietly useless: event types it takes that
/// saw no event in 30 days, and disabled topics routing to it.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/silence", tag = "delivery",
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "Quiet event types and disabled topics", body = WebhookSilence),
        (status = 404, description = "No such webhook", body = ErrorBody),
    ))]
pub async fn get_silence(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<WebhookSilence>, ApiError> {
    let webhook = live(&state, &id).await?;
    let topics: Vec<_> = db::subscriptions::list(&state.db)
        .await?
        .into_iter()
        .filter(|t| t.receivers.contains(&id))
        .collect();
    let mut types = webhook.event_types.clone();
    for t in topics.iter().filter(|t| t.enabled) {
        for e in &t.event_types {
            if !types.contains(e) {
                types.push(e.clone());
            }
        }
    }
    let since =
        clock::format(OffsetDateTime::now_utc() - time::Duration::days(i64::from(QUIET_DAYS)));
    let seen = db::event_log::types_seen_since(&state.db, &types, &since).await?;
    Ok(Json(WebhookSilence {
        days: QUIET_DAYS,
        last_delivery_at: db::event_log::last_delivery_at(&state.db, &id).await?,
        quiet_event_types: types.into_iter().filter(|t| !seen.contains(t)).collect(),
        disabled_topics: topics
            .into_iter()
            .filter(|t| !t.enabled)
            .map(|t| t.id)
            .collect(),
    }))
}

/// How far back delivery history goes (`--retention`, `--retain-bodies`).
#[utoipa::path(get, path = "/api/v1/retention", tag = "delivery",
    responses((status = 200, description = "The retention policy and the oldest delivery kept", body = RetentionInfo)))]
pub async fn get_retention(State(state): State<AppState>) -> Result<Json<RetentionInfo>, ApiError> {
    let days =
        |d: std::time::Duration| u32::try_from(d.as_secs().div_ceil(86_400)).unwrap_or(u32::MAX);
    Ok(Json(RetentionInfo {
        retention_days: days(state.retention.retention),
        retain_bodies_days: state.retention.retain_bodies.map(days),
        oldest_delivery_at: db::retention::oldest_delivery(&state.db).await?,
    }))
}

/// List a webhook's deliveries, newest first, each with its attempts.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "delivery",
    params(
        ("id" = String, Path, description = "Webhook id"),
        ("status" = Option<String>, Query, description = "pending | retrying | succeeded | failed"),
        ("page" = Option<u32>, Query, description = "From 1"),
        ("page_size" = Option<u32>, Query, description = "1–100, default 20"),
    ),
    responses(
        (status = 200, description = "One page of deliveries", body = Page<Delivery>),
        (status = 404, description = "No such webhook", body = ErrorBody),
        (status = 422, description = "A query parameter is invalid", body = ErrorBody),
    ))]
pub async fn list_deliveries(
    State(state): State<AppState>,
    Path(id): Path<String>,
    query: QueryPairs,
) -> Result<Json<Page<Delivery>>, ApiError> {
    let query = DeliveryQuery::from_pairs(query.iter()).map_err(ApiError::Validation)?;
    live(&state, &id).await?;
    Ok(Json(db::delivery_log::list(&state.db, &id, &query).await?))
}

/// Redeliver: a new attempt cycle (full retry schedule) with the same message id.
#[utoipa::path(post, path = "/api/v1/deliveries/{id}/redeliver", tag = "delivery",
    params(("id" = String, Path, description = "Delivery id")),
    responses(
        (status = 202, description = "Queued again; the delivery as it is now", body = Delivery),
        (status = 404, description = "No such delivery", body = ErrorBody),
        (status = 409, description = "It is being sent right now", body = ErrorBody),
    ))]
pub async fn redeliver(
    State(state): State<AppState>,
    ctx: crate::auth::Ctx,
    Path(id): Path<String>,
) -> Result<(axum::http::StatusCode, Json<Delivery>), ApiError> {
    let not_found = || {
        ApiError::NotFound(format!(
            "There is no delivery with id '{}'.",
            id.chars().take(64).collect::<String>()
        ))
    };
    let delivery = db::delivery_log::find(&state.db, &id)
        .await?
        .ok_or_else(not_found)?;
    let record = ctx
        .record("delivery.redeliver")
        .target("delivery", &id, &delivery.message_id);
    if !db::deliveries::redeliver(&state.db, &id, &clock::now(), &record).await? {
        return Err(ApiError::Conflict {
            message:
                "This delivery is being sent right now; try again when the attempt is recorded."
                    .into(),
            fields: Default::default(),
        });
    }
    state.deliverer.wake.notify_one();
    let delivery = db::delivery_log::find(&state.db, &id)
        .await?
        .ok_or_else(not_found)?;
    Ok((axum::http::StatusCode::ACCEPTED, Json(delivery)))
}

/// Recover: redeliver every failed delivery of the webhook created at or after `since`.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/recover", tag = "delivery", request_body = RecoverIn,
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "How many deliveries were queued again", body = RecoverOut),
        (status = 404, description = "No such webhook", body = ErrorBody),
        (status = 422, description = "`since` is not an RFC 3339 time", body = ErrorBody),
    ))]
pub async fn recover(
    State(state): State<AppState>,
    ctx: crate::auth::Ctx,
    Path(id): Path<String>,
    Json(input): Json<RecoverIn>,
) -> Result<Json<RecoverOut>, ApiError> {
    let since =
        time::OffsetDateTime::parse(&input.since, &time::format_description::well_known::Rfc3339)
            .map_err(|_| {
            let message =
                webhook_api::validate::FieldError::Timestamp.message(webhook_api::Lang::En);
            ApiError::Validation(FieldErrors::from([("since".to_string(), message)]))
        })?;
    let webhook = live(&state, &id).await?;
    let record = ctx
        .record("webhook.recover")
        .target("webhook", &id, &webhook.name);
    let count = db::deliveries::recover(
        &state.db,
        &id,
        &clock::format(since),
        &clock::now(),
        &record,
    )
    .await?;
    if count > 0 {
        state.deliverer.wake.notify_one();
    }
    Ok(Json(RecoverOut { count }))
}

/// The webhook's attempts of the last 24 hours, succeeded and failed, per hour.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/stats", tag = "delivery",
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "24 hourly buckets, oldest first", body = DeliveryStats),
        (status = 404, description = "No such webhook", body = ErrorBody),
    ))]
pub async fn get_stats(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<DeliveryStats>, ApiError> {
    live(&state, &id).await?;
    let now = OffsetDateTime::now_utc();
    let this_hour = now
        .replace_minute(0)
        .and_then(|t| t.replace_second(0))
        .and_then(|t| t.replace_nanosecond(0))
        .unwrap_or(now);
    let first = this_hour - time::Duration::hours(23);
    let rows = db::delivery_log::hourly_attempts(&state.db, &id, &clock::format(first)).await?;
    let buckets: Vec<HourBucket> = (0..24)
        .map(|i| {
            let hour = clock::format(first + time::Duration::hours(i));
            let key = &hour[..13];
            let sum = |ok: bool| {
                rows.iter()
                    .filter(|(h, o, _)| h == key && *o == ok)
                    .map(|r| r.2)
                    .sum()
            };
            HourBucket {
                succeeded: sum(true),
                failed: sum(false),
                hour,
            }
        })
        .collect();
    let succeeded: u64 = buckets.iter().map(|b| b.succeeded).sum();
    let failed: u64 = buckets.iter().map(|b| b.failed).sum();
    let total = succeeded + failed;
    #[allow(clippy::cast_precision_loss)]
    let success_rate = (total > 0).then(|| succeeded as f64 / total as f64);
    Ok(Json(DeliveryStats {
        buckets,
        succeeded,
        failed,
        success_rate,
    }))
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks/{id}/deliveries", get(list_deliveries))
        .route("/webhooks/{id}/recover", post(recover))
        .route("/webhooks/{id}/stats", get(get_stats))
        .route("/deliveries/{id}/redeliver", post(redeliver))
        .route("/retention", get(get_retention))
        .route("/webhooks/{id}/silence", get(get_silence))
}
