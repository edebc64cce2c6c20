//! `POST /api/v1/events`: producers report events; each is stored with its deliveries (one per
//! matching enabled webhook and batch) in one transaction before the 202, then the worker sends.

use crate::AppState;
use crate::clock;
use crate::db;
use crate::error::ApiError;
use crate::extract::{Json, decode_value};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::Value;
use webhook_api::validate::validate_event;
use webhook_api::{EVENTS_PER_REQUEST_MAX, ErrorBody, EventIn, EventsAccepted, FieldErrors, Lang};

/// Accept events: one event object, or `{"events": [...]}` (at most 1000). Answers once they and
/// their deliveries are committed. Events posted together to a webhook are batched into
/// deliveries of at most its `batch_size` events; events of different requests are not merged.
#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = EventIn,
    responses(
        (status = 202, description = "Stored; deliveries queued", body = EventsAccepted),
        (status = 400, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Invalid fields, keyed `type` or `events[2].type`", body = ErrorBody),
    ))]
pub async fn post_events(
    State(state): State<AppState>,
    Json(body): Json<Value>,
) -> Result<(StatusCode, Json<EventsAccepted>), ApiError> {
    let events = parse(body)?;
    let now = clock::now();
    let events: Vec<(String, EventIn)> = events
        .into_iter()
        .map(|mut e| {
            // Stored in the server's own fixed-width UTC form, so times sort as text.
            e.occurred_at = Some(
                e.occurred_at
                    .as_deref()
                    .and_then(normalize)
                    .unwrap_or_else(|| now.clone()),
            );
            (uuid::Uuid::now_v7().to_string(), e)
        })
        .collect();
    let deliveries = db::accepts::accept_events(&state.db, &events, &now).await?;
    state.deliverer.metrics.events_accepted(events.len() as u64);
    if deliveries > 0 {
        state.deliverer.wake.notify_one();
    }
    let event_ids = events.into_iter().map(|(id, _)| id).collect();
    Ok((
        StatusCode::ACCEPTED,
        Json(EventsAccepted {
            event_ids,
            deliveries,
        }),
    ))
}

/// One event or a list under `events`, each decoded and validated with its own field paths.
fn parse(body: Value) -> Result<Vec<EventIn>, ApiError> {
    let (items, prefixed) = match body {
        Value::Object(mut map) if map.contains_key("events") => match map.remove("events") {
            Some(_) if !map.is_empty() => {
                return Err(field(
                    "events",
                    "Send either one event or {\"events\": [...]}, nothing beside the list.",
                ));
            }
            Some(Value::Array(items)) => (items, true),
            _ => return Err(field("events", "Must be a list of events.")),
        },
        one @ Value::Object(_) => (vec![one], false),
        _ => {
            return Err(field(
                "body",
                "Expected an event object or {\"events\": [...]}.",
            ));
        }
    };
    if prefixed && items.is_empty() {
        return Err(field("events", "The list is empty."));
    }
    if items.len() > EVENTS_PER_REQUEST_MAX {
        return Err(field(
            "events",
            &format!("At most {EVENTS_PER_REQUEST_MAX} events per request."),
        ));
    }
    let mut errors = FieldErrors::new();
    let mut events = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let prefix = if prefixed {
            format!("events[{i}]")
        } else {
            String::new()
        };
        let key = |f: &str| {
            if prefix.is_empty() {
                f.to_string()
            } else {
                format!("{prefix}.{f}")
            }
        };
        match decode_value::<EventIn>(item, &prefix) {
            Ok(e) => {
                for (f, err) in validate_event(&e) {
                    errors.insert(key(f), err.message(Lang::En));
                }
                events.push(e);
            }
            Err(ApiError::Validation(fields)) => errors.extend(fields),
            Err(other) => return Err(other),
        }
    }
    if errors.is_empty() {
        Ok(events)
    } else {
        Err(ApiError::Validation(errors))
    }
}

fn field(name: &str, message: &str) -> ApiError {
    ApiError::Validation(FieldErrors::from([(name.to_string(), message.to_string())]))
}

/// An RFC 3339 time in the server's form; validation has checked the shape.
fn normalize(t: &str) -> Option<String> {
    time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(clock::format)
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new().route("/events", post(post_events))
}
