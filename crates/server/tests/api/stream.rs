//! The live view through a real HTTP client: messages in order as deliveries are queued and
//! attempted, nothing missed and nothing twice after a reconnect with `Last-Event-ID`, and on
//! PostgreSQL what another instance did.

use crate::helpers::{TestApp, spawn_app, spawn_app_in};
use crate::receiver::Receiver;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// One Server-Sent Event.
#[derive(Debug, Clone)]
struct Message {
    id: i64,
    event: String,
    data: Value,
}

/// Opens the stream at `path`, resuming after `last` when given; messages arrive on the channel
/// until the returned task is aborted (the connection drops with it).
async fn open(
    app: &TestApp,
    path: &str,
    last: Option<i64>,
) -> (
    mpsc::UnboundedReceiver<Message>,
    tokio::task::JoinHandle<()>,
) {
    let mut request = app.client.get(app.url(path));
    if let Some(id) = last {
        request = request.header("last-event-id", id.to_string());
    }
    let mut response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let (tx, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        let mut buffer = String::new();
        while let Ok(Some(chunk)) = response.chunk().await {
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let block: String = buffer.drain(..end + 2).collect();
                let (mut id, mut event, mut data) = (None, String::new(), String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = v.trim().parse().ok();
                    } else if let Some(v) = line.strip_prefix("event:") {
                        event = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if let Some(id) = id {
                    let _ = tx.send(Message {
                        id,
                        event,
                        data: serde_json::from_str(&data).unwrap(),
                    });
                }
            }
        }
    });
    (rx, task)
}

async fn next_n(rx: &mut mpsc::UnboundedReceiver<Message>, n: usize) -> Vec<Message> {
    let mut got = Vec::new();
    while got.len() < n {
        match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
            Ok(Some(m)) => got.push(m),
            _ => panic!("only {} of {n} messages: {got:?}", got.len()),
        }
    }
    got
}

#[tokio::test]
async fn follows_deliveries_and_resumes_after_the_last_event_id() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let id = app.create_receiving("live", &receiver.url("/ok")).await;
    let other = app.create_receiving("other", &receiver.url("/ok")).await;
    let (mut rx, task) = open(&app, &format!("/api/v1/stream?webhook_id={id}"), None).await;
    app.post_update("n-0").await;
    let first = next_n(&mut rx, 2).await;
    assert_eq!(
        (first[0].event.as_str(), first[1].event.as_str()),
        ("delivery", "attempt")
    );
    assert_eq!(
        first[1].data["webhook_id"],
        json!(id),
        "only this webhook's, not {other}'s"
    );
    assert_eq!(first[1].data["outcome"], "succeeded");
    assert_eq!(first[1].data["status_code"], 200);
    assert_eq!(first[1].data["event_type"], "resource.update");
    assert!(first[1].data.get("request").is_none() && !first[1].data.to_string().contains("body"));
    assert!(first[0].id < first[1].id);
    let last = first[1].id;

    // The network drops; two events go by meanwhile.
    task.abort();
    app.post_update("n-1").await;
    app.post_update("n-2").await;
    receiver.wait_for(6, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (mut rx, _task) = open(&app, &format!("/api/v1/stream?webhook_id={id}"), Some(last)).await;
    let missed = next_n(&mut rx, 4).await;
    let kinds: Vec<&str> = missed.iter().map(|m| m.event.as_str()).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "attempt").count(),
        2,
        "{kinds:?}"
    );
    assert!(missed.iter().all(|m| m.id > last), "nothing twice");
    assert!(missed.windows(2).all(|w| w[0].id < w[1].id), "in order");
    assert!(
        tokio::time::timeout(Duration::from_millis(600), rx.recv())
            .await
            .is_err(),
        "nothing more than what was missed"
    );

    // Unfiltered, the events themselves come too; a bad Last-Event-ID or topic is refused.
    let (mut all, _t) = open(&app, "/api/v1/stream", None).await;
    app.post_update("n-3").await;
    let some = next_n(&mut all, 3).await;
    assert_eq!(some[0].event, "event");
    assert_eq!(some[0].data["resource_id"], "n-3");
    let bad = app
        .client
        .get(app.url("/api/v1/stream"))
        .header("last-event-id", "x")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let bad = app.get("/api/v1/stream?topic=nope").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn on_postgresql_shows_what_another_instance_did() {
    if crate::helpers::postgres_server().is_none() {
        eprintln!("skipped: WEBHOOK_TEST_POSTGRES is not set (run under scripts/with-postgres.sh)");
        return;
    }
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let a = spawn_app_in(dir.clone()).await;
    let b = spawn_app_in(dir).await;
    let receiver = Receiver::start().await;
    let id = a.create_receiving("live", &receiver.url("/ok")).await;
    let (mut rx, _task) = open(&a, &format!("/api/v1/stream?webhook_id={id}"), None).await;
    b.post_update("n-0").await;
    let got = next_n(&mut rx, 2).await;
    assert_eq!(got[0].event, "delivery");
    assert_eq!(got[1].event, "attempt");
}
