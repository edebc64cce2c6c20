//! Verify a past attempt's signature: recomputes the Standard Webhooks signature of the request
//! as stored with the webhook's current secret and its previous one (while a rotation overlaps),
//! and says which matches. Only booleans leave the server, never a secret or a signature of ours.

use crate::AppState;
use crate::clock;
use crate::db;
use crate::delivery::sign;
use crate::error::ApiError;
use crate::extract::{Json, Path};
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use webhook_api::{Auth, ErrorBody, SignatureCheck};

/// Check which secret a stored attempt's `webhook-signature` was made with.
#[utoipa::path(get, path = "/api/v1/deliveries/{id}/attempts/{number}/signature", tag = "delivery",
    params(
        ("id" = String, Path, description = "Delivery id"),
        ("number" = u32, Path, description = "The attempt's number, from 1"),
    ),
    responses(
        (status = 200, description = "Which secret matches (`signed` false: the request carried no Standard Webhooks signature)", body = SignatureCheck),
        (status = 404, description = "No such delivery or attempt", body = ErrorBody),
    ))]
pub async fn check_signature(
    State(state): State<AppState>,
    Path((id, number)): Path<(String, u32)>,
) -> Result<Json<SignatureCheck>, ApiError> {
    let not_found = || {
        ApiError::NotFound(format!(
            "There is no attempt {number} of delivery '{}'.",
            id.chars().take(64).collect::<String>()
        ))
    };
    let delivery = db::delivery_log::find(&state.db, &id)
        .await?
        .ok_or_else(not_found)?;
    let attempt = delivery
        .attempts
        .iter()
        .find(|a| a.number == number)
        .ok_or_else(not_found)?;
    let headers = &attempt.request.headers;
    let (Some(message_id), Some(timestamp), Some(signature)) = (
        headers.get("webhook-id"),
        headers
            .get("webhook-timestamp")
            .and_then(|t| t.parse::<i64>().ok()),
        headers.get("webhook-signature"),
    ) else {
        return Ok(Json(SignatureCheck {
            signed: false,
            current: false,
            previous: None,
        }));
    };
    let webhook = db::webhooks::find_any(&state.db, &delivery.webhook_id).await?;
    let current = match webhook.map(|w| w.auth) {
        Some(Auth::Signature { secret }) => Some(secret),
        _ => None,
    };
    let previous =
        db::webhook_state::previous_secret(&state.db, &delivery.webhook_id, &clock::now()).await?;
    let sent: Vec<&str> = signature.split(' ').collect();
    let matches = |secret: &str| {
        let ours =
            sign::standard_signature(&[secret], message_id, timestamp, &attempt.request.body);
        sent.contains(&ours.as_str())
    };
    Ok(Json(SignatureCheck {
        signed: true,
        current: current.as_deref().is_some_and(matches),
        previous: previous.as_deref().map(matches),
    }))
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new().route(
        "/deliveries/{id}/attempts/{number}/signature",
        get(check_signature),
    )
}
