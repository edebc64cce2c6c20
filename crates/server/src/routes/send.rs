//! Sending on demand: Send Test (an unsaved or edited webhook), Send (a saved one), the payload
//! preview, the VALIDATE call on create, and signing-secret rotation. Send and Send Test run the
//! real delivery path and answer 200 with the whole exchange whatever the receiver did.

use super::webhooks::{checked, live, masked};
use crate::AppState;
use crate::clock;
use crate::db;
use crate::delivery::format::Message;
use crate::delivery::{sample_event, send, sign};
use crate::error::ApiError;
use crate::extract::{Json, Path};
use axum::Router;
use axum::extract::State;
use axum::routing::post;
use webhook_api::{Auth, ErrorBody, SecretRotation, SendReport, SentRequest, Webhook, WebhookIn};

/// Send Test: send a sample event to an unsaved webhook (the create body). Nothing is saved.
#[utoipa::path(post, path = "/api/v1/webhooks/test", tag = "delivery", request_body = WebhookIn,
    responses(
        (status = 200, description = "The exchange, whatever the receiver did", body = SendReport),
        (status = 422, description = "Invalid fields, as on create", body = ErrorBody),
    ))]
pub async fn test_webhook(
    State(state): State<AppState>,
    Json(input): Json<WebhookIn>,
) -> Result<Json<SendReport>, ApiError> {
    let input = checked(input, &Auth::None)?;
    Ok(Json(send_sample(&state, &input, None).await))
}

/// Send Test on the modify form: the edited body of a saved webhook, whose masked secrets stand
/// for the stored ones. Nothing is saved.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/test", tag = "delivery", request_body = WebhookIn,
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The exchange, whatever the receiver did", body = SendReport),
        (status = 404, description = "No such webhook", body = ErrorBody),
        (status = 422, description = "Invalid fields, as on modify", body = ErrorBody),
    ))]
pub async fn test_saved_webhook(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Json(input): Json<WebhookIn>,
) -> Result<Json<SendReport>, ApiError> {
    let current = live(&state, &id).await?;
    let input = checked(input, &current.auth)?;
    let previous = if input.auth == current.auth {
        previous_secret(&state, &id).await?
    } else {
        None
    };
    Ok(Json(send_sample(&state, &input, previous.as_deref()).await))
}

/// Send: a sample event of the webhook's first event type, to the saved webhook, now.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/send", tag = "delivery",
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The exchange, whatever the receiver did", body = SendReport),
        (status = 404, description = "No such webhook", body = ErrorBody),
    ))]
pub async fn send_webhook(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<SendReport>, ApiError> {
    let webhook = live(&state, &id).await?;
    let previous = previous_secret(&state, &id).await?;
    Ok(Json(
        send_sample(&state, &webhook.to_input(), previous.as_deref()).await,
    ))
}

/// Preview: exactly the request a sample event would make (URL, headers, body) for this body's
/// format and language, secrets masked. Nothing is sent or saved.
#[utoipa::path(post, path = "/api/v1/webhooks/preview", tag = "delivery", request_body = WebhookIn,
    responses(
        (status = 200, description = "The request as it would go out", body = SentRequest),
        (status = 422, description = "Invalid fields, as on create", body = ErrorBody),
    ))]
pub async fn preview_webhook(Json(input): Json<WebhookIn>) -> Result<Json<SentRequest>, ApiError> {
    let input = checked(input, &Auth::None)?;
    let event = [sample_event(&input)];
    let outgoing = send::prepare(
        &input,
        None,
        Message::Events(&event),
        &sample_message_id(),
        time::OffsetDateTime::now_utc(),
    );
    Ok(Json(send::masked(&outgoing)))
}

/// Rotate the signing secret: a new `whsec_` secret, returned in full in this answer only. The
/// previous secret keeps signing (a second `v1,` signature) for the configured overlap
/// (`--secret-overlap`, 24 h by default) so receivers can switch without losing messages.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/rotate-secret", tag = "delivery",
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The new secret, shown this once", body = SecretRotation),
        (status = 404, description = "No such webhook", body = ErrorBody),
        (status = 409, description = "The webhook does not sign with a whsec_ secret", body = ErrorBody),
    ))]
pub async fn rotate_secret(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ctx: crate::auth::Ctx,
) -> Result<Json<SecretRotation>, ApiError> {
    let webhook = live(&state, &id).await?;
    let old = match &webhook.auth {
        Auth::Signature { secret } if !webhook.format.uses_platform_secret() => secret.clone(),
        _ => {
            return Err(ApiError::Conflict {
                message: "Only a webhook with Signature auth (a whsec_ secret) has a secret to rotate. \
                          DingTalk and Feishu secrets are set on their robot pages; change them with Modify."
                    .into(),
                fields: Default::default(),
            });
        }
    };
    let secret =
        sign::new_secret().map_err(|_| ApiError::internal("the system's random source failed"))?;
    let now = time::OffsetDateTime::now_utc();
    let expires = clock::format(now + state.deliverer.settings.secret_overlap);
    let auth = Auth::Signature {
        secret: secret.clone(),
    };
    if !db::webhook_state::rotate_secret(
        &state.db,
        &id,
        &auth,
        &old,
        &expires,
        &clock::format(now),
        &super::webhooks::logged(
            &ctx,
            "rotate_secret",
            &webhook,
            webhook_api::ChangeDescription {
                fields_updated: vec![crate::changes::field(
                    "auth.secret",
                    serde_json::json!(crate::changes::CHANGED),
                    serde_json::json!(crate::changes::CHANGED),
                )],
                ..Default::default()
            },
        ),
    )
    .await?
    {
        return Err(super::webhooks::not_found(&id));
    }
    let webhook = live(&state, &id).await?;
    Ok(Json(SecretRotation {
        secret,
        previous_secret_expires_at: expires,
        webhook: masked(webhook),
    }))
}

/// The VALIDATE call for a webhook just created, recorded as a delivery with its one attempt.
pub(crate) async fn validate(state: &AppState, webhook: &Webhook) -> Result<SendReport, ApiError> {
    let id = uuid::Uuid::now_v7().to_string();
    let message_id = db::deliveries::message_id_of(&id);
    let started_at = clock::now();
    let report = state
        .deliverer
        .send_now(&webhook.to_input(), None, Message::Validate, &message_id)
        .await;
    db::deliveries::insert_validation(&state.db, &id, &webhook.id, &started_at, &report).await?;
    Ok(report)
}

async fn send_sample(state: &AppState, w: &WebhookIn, previous: Option<&str>) -> SendReport {
    let event = [sample_event(w)];
    state
        .deliverer
        .send_now(w, previous, Message::Events(&event), &sample_message_id())
        .await
}

/// Tests are not deliveries: each gets a fresh message id so receivers never drop one as a repeat.
fn sample_message_id() -> String {
    format!("msg_test_{}", uuid::Uuid::now_v7().simple())
}

async fn previous_secret(state: &AppState, id: &str) -> Result<Option<String>, ApiError> {
    Ok(db::webhook_state::previous_secret(&state.db, id, &clock::now()).await?)
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks/test", post(test_webhook))
        .route("/webhooks/preview", post(preview_webhook))
        .route("/webhooks/{id}/test", post(test_saved_webhook))
        .route("/webhooks/{id}/send", post(send_webhook))
        .route("/webhooks/{id}/rotate-secret", post(rotate_secret))
}
