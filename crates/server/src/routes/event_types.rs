//! `/api/v1/event-types`: the catalog of event types a webhook can subscribe to.

use crate::AppState;
use crate::extract::Json;
use axum::Router;
use axum::routing::get;
use webhook_api::EventTypeInfo;
use webhook_api::catalog::catalog;

/// List the event-type catalog, in display order.
#[utoipa::path(get, path = "/api/v1/event-types", tag = "event types",
    responses((status = 200, description = "The catalog", body = Vec<EventTypeInfo>)))]
pub async fn list_event_types() -> Json<Vec<EventTypeInfo>> {
    Json(catalog())
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new().route("/event-types", get(list_event_types))
}
