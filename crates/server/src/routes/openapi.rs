//! `/api/v1/openapi.json`: the OpenAPI 3 description of the API, generated from the handlers'
//! annotations and the contract types, so it cannot drift from the code.

use super::{
    audit, deliveries, event_log, event_types, events, send, session, subscriptions, tokens, users,
    webhook_history, webhooks,
};
use crate::AppState;
use crate::extract::Json;
use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Webhook Console API",
        description = "Manage notification webhooks and message subscriptions, post events, and follow their deliveries."
    ),
    paths(
        webhooks::list_webhooks,
        webhooks::create_webhook,
        webhooks::get_webhook_stat,
        webhooks::get_webhook,
        webhooks::update_webhook,
        webhooks::delete_webhook,
        webhooks::enable_webhook,
        webhooks::disable_webhook,
        webhook_history::list_versions,
        webhook_history::restore_webhook,
        send::test_webhook,
        send::test_saved_webhook,
        send::send_webhook,
        send::preview_webhook,
        send::rotate_secret,
        events::post_events,
        event_log::list_events,
        event_log::get_event,
        subscriptions::list_subscriptions,
        subscriptions::get_impact,
        subscriptions::get_subscription,
        subscriptions::update_subscription,
        subscriptions::enable_subscription,
        subscriptions::disable_subscription,
        subscriptions::add_receiver,
        subscriptions::remove_receiver,
        subscriptions::test_subscription,
        deliveries::list_deliveries,
        deliveries::redeliver,
        deliveries::recover,
        deliveries::get_stats,
        event_types::list_event_types,
        session::sign_in,
        session::get_session,
        session::sign_out,
        users::list_users,
        users::create_user,
        users::update_user,
        users::delete_user,
        tokens::list_tokens,
        tokens::create_token,
        tokens::revoke_token,
        audit::list_audit,
        get_openapi,
    )
)]
pub struct ApiDoc;

/// Get this API's OpenAPI 3 document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
pub async fn get_openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(get_openapi))
}
