//! `GET /api/v1/stream?webhook_id=&topic=`: the live view as Server-Sent Events — events
//! accepted, deliveries queued and attempts made (ids, webhook, event type, outcome, status code,
//! duration; never a body or a secret), from every instance, read from the journal
//! (`db::stream`). Each message's `id` is its journal `seq`: a client reconnecting with
//! `Last-Event-ID` gets exactly what it missed. Viewers may watch.

use crate::AppState;
use crate::db::{self, stream::Filter};
use crate::error::ApiError;
use crate::extract::QueryPairs;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures_util::stream::{self, Stream, StreamExt};
use std::convert::Infallible;
use std::time::Duration;
use webhook_api::{ErrorBody, FieldErrors};

/// A stream waits for news on `Db::journal_changes` (this process's commits; on PostgreSQL every
/// instance's `NOTIFY`), and looks anyway after this long, in case a notice was lost (the
/// notification connection dropped).
const FALLBACK: Duration = Duration::from_secs(1);
/// After news, wait this long for more before reading: a burst of commits is read at once.
const GATHER: Duration = Duration::from_millis(20);
/// Rows read per look.
const BATCH: i64 = 200;

/// Follow deliveries as they are attempted and events as they are accepted.
#[utoipa::path(get, path = "/api/v1/stream", tag = "delivery",
    params(
        ("webhook_id" = Option<String>, Query, description = "Only this webhook's deliveries and attempts"),
        ("topic" = Option<String>, Query, description = "Only what this topic routed"),
        ("Last-Event-ID" = Option<String>, Header, description = "Resume after this message"),
    ),
    responses(
        (status = 200, description = "text/event-stream: `event`, `delivery` and `attempt` messages, JSON data", content_type = "text/event-stream", body = String),
        (status = 400, description = "A Last-Event-ID that is not ours", body = ErrorBody),
        (status = 404, description = "No such webhook", body = ErrorBody),
        (status = 422, description = "No such topic", body = ErrorBody),
    ))]
pub async fn get_stream(
    State(state): State<AppState>,
    headers: HeaderMap,
    QueryPairs(pairs): QueryPairs,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let mut filter = Filter::default();
    for (k, v) in pairs {
        let v = v.trim().to_string();
        match k.as_str() {
            "webhook_id" if !v.is_empty() => {
                db::webhooks::find(&state.db, &v).await?.ok_or_else(|| {
                    ApiError::NotFound("There is no webhook with this id.".into())
                })?;
                filter.webhook_id = Some(v);
            }
            "topic" if !v.is_empty() => {
                if webhook_api::topics::find(&v).is_none() {
                    return Err(ApiError::Validation(FieldErrors::from([(
                        "topic".to_string(),
                        format!("There is no topic '{v}'."),
                    )])));
                }
                filter.topic = Some(v);
            }
            _ => {}
        }
    }
    let from = match headers
        .get("last-event-id")
        .map(|v| v.to_str().map(str::trim))
    {
        None => db::stream::last_seq(&state.db).await?,
        Some(Ok(id)) => id.parse::<i64>().map_err(|_| {
            ApiError::BadRequest("Last-Event-ID must be the id of a message of this stream.".into())
        })?,
        Some(Err(_)) => return Err(ApiError::BadRequest("Last-Event-ID is not text.".into())),
    };
    let db = state.db.clone();
    let changes = db.journal_changes();
    let state = (db, filter, from, changes);
    let messages = stream::unfold(state, |(db, filter, mut seq, mut changes)| async move {
        loop {
            match db::stream::after(&db, seq, &filter, BATCH).await {
                Ok(items) if !items.is_empty() => {
                    seq = items.last().map_or(seq, |i| i.seq);
                    let events: Vec<Result<Event, Infallible>> = items
                        .into_iter()
                        .map(|i| {
                            Ok(Event::default()
                                .id(i.seq.to_string())
                                .event(i.kind)
                                .data(i.data.to_string()))
                        })
                        .collect();
                    return Some((stream::iter(events), (db, filter, seq, changes)));
                }
                Ok(_) => {
                    match tokio::time::timeout(FALLBACK, changes.changed()).await {
                        Ok(Ok(())) => tokio::time::sleep(GATHER).await,
                        // The sender lives in `db`, held here: not reached, but never a spin.
                        Ok(Err(_)) => tokio::time::sleep(FALLBACK).await,
                        Err(_) => {}
                    }
                }
                Err(e) => {
                    // The client reconnects with its Last-Event-ID and misses nothing.
                    tracing::warn!(error = %e, "live view stream ended");
                    return None;
                }
            }
        }
    })
    .flatten();
    Ok(Sse::new(messages).keep_alive(KeepAlive::default()))
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new().route("/stream", get(get_stream))
}
