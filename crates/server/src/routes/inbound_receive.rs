//! Where monitoring systems post: `POST /api/v1/inbound/{webhook_id}/{access_key}/events`, or
//! `POST /api/v1/inbound/{webhook_id}/events` with `Authorization: Bearer {access_key}` (what
//! Alertmanager's `http_config.authorization` sends). Public in the access table: the key is
//! the credential. Answers 202 once the events are committed; 404 for an unknown id or a wrong
//! key alike; 403 disabled, 413 over 1 MiB, 422 not parsed (the reason; a
//! `monitoring.parse_error` event is raised), 429 over the rate limit.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::ApiError;
use crate::extract::{Json, Path};
use crate::inbound::receive::{self, BODY_MAX, Body};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use webhook_api::{AlertOutcome, ErrorBody, FieldErrors, InboundAccepted, RequestOutcome};

/// Receive a payload, the key in the path.
#[utoipa::path(post, path = "/api/v1/inbound/{webhook_id}/{access_key}/events", tag = "inbound",
    params(
        ("webhook_id" = String, Path, description = "Inbound webhook id"),
        ("access_key" = String, Path, description = "Its access key"),
    ),
    request_body(content = Object, description = "The monitoring system's own JSON payload (any Content-Type)"),
    responses(
        (status = 202, description = "Parsed; the events are stored and routed", body = InboundAccepted),
        (status = 403, description = "The inbound webhook is disabled", body = ErrorBody),
        (status = 404, description = "Unknown id or wrong key", body = ErrorBody),
        (status = 413, description = "Over 1 MiB", body = ErrorBody),
        (status = 422, description = "The plugin could not parse it: the reason under `body`", body = ErrorBody),
        (status = 429, description = "Over the webhook's rate limit", body = ErrorBody),
    ))]
pub async fn receive_with_key(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, key)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<InboundAccepted>), ApiError> {
    receive(&state, &ctx, &id, &key, &headers, body).await
}

/// Receive a payload, the key as `Authorization: Bearer`.
#[utoipa::path(post, path = "/api/v1/inbound/{webhook_id}/events", tag = "inbound",
    params(("webhook_id" = String, Path, description = "Inbound webhook id")),
    request_body(content = Object, description = "The monitoring system's own JSON payload (any Content-Type)"),
    responses(
        (status = 202, description = "Parsed; the events are stored and routed", body = InboundAccepted),
        (status = 403, description = "The inbound webhook is disabled", body = ErrorBody),
        (status = 404, description = "Unknown id, no key or a wrong key", body = ErrorBody),
        (status = 413, description = "Over 1 MiB", body = ErrorBody),
        (status = 422, description = "The plugin could not parse it: the reason under `body`", body = ErrorBody),
        (status = 429, description = "Over the webhook's rate limit", body = ErrorBody),
    ))]
pub async fn receive_with_bearer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<InboundAccepted>), ApiError> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("")
        .to_string();
    receive(&state, &ctx, &id, &key, &headers, body).await
}

async fn receive(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    key: &str,
    headers: &HeaderMap,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<InboundAccepted>), ApiError> {
    let webhook = receive::authenticate(state, id, key).await?;
    receive::throttle(state, id)?;
    let body = match axum::body::to_bytes(body, BODY_MAX).await {
        Ok(bytes) => Body::Read(bytes.to_vec()),
        Err(e) if is_length_limit(&e) => Body::TooLarge,
        Err(_) => {
            return Err(ApiError::BadRequest(
                "The request body could not be read.".into(),
            ));
        }
    };
    let (request, deliveries) =
        receive::process(state, &webhook, headers, body, &ctx.client_addr, false).await?;
    let error = request.error.clone().unwrap_or_default();
    match request.outcome {
        RequestOutcome::Accepted => {
            let routed: Vec<String> = request
                .alerts
                .iter()
                .filter(|a| a.outcome == AlertOutcome::Routed)
                .map(|a| a.event_id.clone())
                .collect();
            Ok((
                StatusCode::ACCEPTED,
                Json(InboundAccepted {
                    request_id: request.id,
                    alerts: request.alerts.len() as u64,
                    duplicates: (request.alerts.len() - routed.len()) as u64,
                    routed: routed.len() as u64,
                    event_ids: routed,
                    deliveries,
                }),
            ))
        }
        RequestOutcome::ParseError => Err(ApiError::Validation(FieldErrors::from([(
            "body".to_string(),
            error,
        )]))),
        RequestOutcome::Disabled => Err(ApiError::Forbidden(error)),
        RequestOutcome::TooLarge => Err(ApiError::PayloadTooLarge(BODY_MAX)),
    }
}

fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.to_string().contains("length limit exceeded") {
            return true;
        }
        source = err.source();
    }
    false
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/inbound/{webhook_id}/{access_key}/events",
            post(receive_with_key),
        )
        .route("/inbound/{webhook_id}/events", post(receive_with_bearer))
}
