//! The REST API: one router per resource, merged here, with the API's own answers for unknown
//! paths and wrong methods so clients always get the JSON error body.

pub mod audit;
pub mod deliveries;
pub mod drills;
pub mod event_log;
pub mod event_types;
pub mod events;
pub mod health;
pub mod inbound;
pub mod inbound_plugin;
pub mod inbound_query;
pub mod inbound_receive;
pub mod notices;
pub mod openapi;
mod openapi_rules;
mod openapi_shapes;
pub mod pauses;
pub mod send;
pub mod session;
pub mod signature;
pub mod stream;
pub mod subscriptions;
pub mod tokens;
pub mod users;
pub mod webhook_history;
mod webhook_parts;
pub mod webhook_search;
pub mod webhooks;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::BODY_LIMIT;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Uri;

/// Every API route, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(webhooks::router())
        .merge(webhook_history::router())
        .merge(webhook_search::router())
        .merge(send::router())
        .merge(events::router())
        .merge(event_log::router())
        .merge(subscriptions::router())
        .merge(deliveries::router())
        .merge(drills::router())
        .merge(notices::router())
        .merge(pauses::router())
        .merge(stream::router())
        .merge(event_types::router())
        .merge(signature::router())
        .merge(session::router())
        .merge(users::router())
        .merge(tokens::router())
        .merge(audit::router())
        .merge(inbound::router())
        .merge(inbound_receive::router())
        .merge(openapi::router())
        // Must come after the routes: it applies to those already added.
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// The answer for any path under `/api` that no route matches.
pub async fn api_not_found(uri: Uri) -> ApiError {
    ApiError::NotFound(format!("There is no API endpoint at {}.", uri.path()))
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
