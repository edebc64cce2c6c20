//! Health for load balancers and orchestrators, outside the API and its error body: `/healthz`
//! (the process answers) and `/readyz` (this instance can do its work: the database answers and
//! holds this server's migrations, the delivery worker runs). 200 when so, 503 naming what is not.
//! Neither says more than that (no versions, no addresses, no URLs).

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use std::sync::atomic::Ordering;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

async fn readyz(State(state): State<AppState>) -> Response {
    let database = state.db.check().await;
    let worker = state.deliverer.worker_running.load(Ordering::Relaxed);
    let ready = database.is_ok() && worker;
    if let Err(e) = &database {
        tracing::warn!(error = %e, "not ready: database");
    }
    let body = json!({
        "status": if ready { "ready" } else { "not ready" },
        "database": if database.is_ok() { "ok" } else { "unavailable" },
        "worker": if worker { "ok" } else { "stopped" },
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}
