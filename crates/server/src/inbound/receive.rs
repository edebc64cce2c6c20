//! Receiving a monitoring system's post: the key check (constant time; an unknown id and a
//! wrong key get the same 404), the rate limit (429), then the body — at most [`BODY_MAX`], JSON
//! whatever the Content-Type says — through the webhook's plugin, and everything recorded in
//! one transaction ([`db::inbound_requests::record`]) before the answer.

use super::{Origin, find, parse_error_event, to_event};
use crate::AppState;
use crate::auth::secret::token_hash;
use crate::db;
use crate::db::inbound::Stored;
use crate::db::inbound_requests::NewRequest;
use crate::error::ApiError;
use axum::http::HeaderMap;
use std::collections::BTreeMap;
use subtle::ConstantTimeEq;
use webhook_api::{InboundRequest, InboundState, RequestOutcome};

/// The largest payload accepted (1 MiB).
pub const BODY_MAX: usize = 1024 * 1024;
/// How much of a body the request record keeps.
const BODY_KEPT: usize = 64 * 1024;
/// Headers never recorded: they carry credentials.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "x-api-key",
];

/// The webhook `id` if `key` is its access key; otherwise the 404 an unknown id gets too.
pub async fn authenticate(state: &AppState, id: &str, key: &str) -> Result<Stored, ApiError> {
    let found = db::inbound::find(&state.db, id).await?;
    // Hash even when there is no such webhook, so both cases take the same time.
    let presented = token_hash(key);
    let stored_hash = found.as_ref().map_or("", |s| s.key_hash.as_str());
    let matches: bool = presented.as_bytes().ct_eq(stored_hash.as_bytes()).into();
    match found {
        Some(s) if matches && !key.is_empty() => Ok(s),
        _ => Err(ApiError::NotFound(
            "There is no inbound webhook at this URL, or the access key is wrong.".into(),
        )),
    }
}

/// The body as read: its bytes, or how large it was when over [`BODY_MAX`].
pub enum Body {
    Read(Vec<u8>),
    TooLarge,
}

/// Takes one request from the webhook's rate limit.
pub fn throttle(state: &AppState, id: &str) -> Result<(), ApiError> {
    state.inbound.limit.take(id).map_err(|retry_after| {
        state.deliverer.metrics.inbound_limited();
        ApiError::TooManyRequests {
            message: "Too many requests to this inbound webhook; slow down.".into(),
            retry_after,
        }
    })
}

/// Parses `body` with the webhook's plugin and records the request with what it became.
pub async fn process(
    state: &AppState,
    webhook: &Stored,
    headers: &HeaderMap,
    body: Body,
    client_addr: &str,
    sample: bool,
) -> Result<(InboundRequest, u64), ApiError> {
    let w = &webhook.webhook;
    let request_id = uuid::Uuid::now_v7().to_string();
    let (bytes, too_large) = match body {
        Body::Read(bytes) => (bytes, false),
        Body::TooLarge => (Vec::new(), true),
    };
    let mut record = NewRequest {
        id: request_id.clone(),
        webhook_id: w.webhook_id.clone(),
        client_addr: client_addr.to_string(),
        headers: recorded_headers(headers),
        body: kept(&bytes),
        body_size: bytes.len() as u64,
        body_truncated: bytes.len() > BODY_KEPT,
        status: 202,
        outcome: RequestOutcome::Accepted,
        error: None,
        sample,
        alerts: Vec::new(),
        raised: Vec::new(),
        window: super::dedup_window(&w.plugin_info.metadata),
    };
    let origin = Origin {
        webhook_id: &w.webhook_id,
        webhook_name: &w.name,
        plugin_id: &w.plugin_info.plugin_id,
        request_id: &request_id,
    };
    let refused = if w.state == InboundState::Disabled {
        Some((
            403,
            RequestOutcome::Disabled,
            "This inbound webhook is disabled.".to_string(),
        ))
    } else if too_large {
        Some((
            413,
            RequestOutcome::TooLarge,
            format!("The payload is larger than {} KiB.", BODY_MAX / 1024),
        ))
    } else {
        None
    };
    if let Some((status, outcome, error)) = refused {
        record.status = status;
        record.outcome = outcome;
        record.error = Some(error);
    } else {
        match parse(w, &bytes) {
            Ok(alerts) => {
                record.alerts = alerts
                    .into_iter()
                    .map(|a| {
                        let e = to_event(&a, &origin);
                        (a, e)
                    })
                    .collect();
            }
            Err(reason) => {
                record.status = 422;
                record.outcome = RequestOutcome::ParseError;
                record.raised = vec![parse_error_event(&reason, &origin, &crate::clock::now())];
                record.error = Some(reason);
            }
        }
    }
    let (request, queued) = db::inbound_requests::record(&state.db, record).await?;
    let routed = request
        .alerts
        .iter()
        .filter(|a| a.outcome == webhook_api::AlertOutcome::Routed)
        .count()
        + request.event_ids.len();
    state.deliverer.metrics.events_accepted(routed as u64);
    state.deliverer.metrics.inbound(request.outcome);
    if queued > 0 {
        state.deliverer.wake.notify_one();
    }
    Ok((request, queued))
}

fn parse(
    w: &webhook_api::InboundWebhook,
    bytes: &[u8],
) -> Result<Vec<webhook_api::AlertEvent>, String> {
    let plugin = find(&w.plugin_info.plugin_id)
        .ok_or_else(|| format!("The plugin {} is not installed.", w.plugin_info.plugin_id))?;
    let payload: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("The payload is not JSON: {e}."))?;
    let empty = serde_json::Map::new();
    let options = w.plugin_info.options.as_object().unwrap_or(&empty);
    (plugin.parse)(&w.plugin_info.version, options, &payload)
}

/// The headers as received, minus credentials, each value cut at 1 KiB.
fn recorded_headers(headers: &HeaderMap) -> BTreeMap<String, String> {
    headers
        .iter()
        .filter(|(name, _)| !SECRET_HEADERS.contains(&name.as_str()))
        .take(64)
        .map(|(name, value)| {
            let v = String::from_utf8_lossy(value.as_bytes());
            (name.to_string(), v.chars().take(1024).collect())
        })
        .collect()
}

/// The first [`BODY_KEPT`] bytes as text (invalid UTF-8 replaced).
fn kept(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(BODY_KEPT)]).into_owned()
}
