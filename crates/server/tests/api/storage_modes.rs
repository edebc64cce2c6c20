//! The storage knobs the benchmarks turn: `--sqlite-synchronous full` and
//! `--delivery-commit-batch 1` (a commit per attempt) deliver and record like the defaults.

use crate::helpers::{spawn_app_with, webhook_body};
use crate::receiver::Receiver;
use reqwest::StatusCode;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use webhook_api::{Delivery, DeliveryStatus, EventsAccepted, Page};
use webhook_server::db::Synchronous;

#[tokio::test]
async fn full_sync_with_a_commit_per_attempt_delivers_and_records_everything() {
    let app = spawn_app_with(Arc::new(tempfile::tempdir().unwrap()), |c| {
        c.sqlite_synchronous = Synchronous::Full;
        c.delivery_commit_batch = 1.try_into().unwrap();
        c.delivery_concurrency = 4;
    })
    .await;
    let receiver = Receiver::start().await;
    let mut ids = Vec::new();
    for (name, path) in [("ok", "/ok"), ("fails", "/status/500")] {
        let mut body = webhook_body(&format!("commit batch {name}"));
        body["url"] = json!(receiver.url(path));
        body["event_types"] = json!(["resource.update"]);
        body["batch_size"] = json!(1);
        // Created disabled (no VALIDATE call), then enabled: the receiver sees only events.
        body["enabled"] = json!(false);
        let id = app.create(&body).await.id;
        let enabled = app.post(&format!("/api/v1/webhooks/{id}/enable")).await;
        assert_eq!(enabled.status(), StatusCode::OK);
        ids.push(id);
    }
    let event = json!({"type": "resource.update", "action": "update", "resource_type": "host"});
    let events = json!({"events": vec![event; 20]});

    let response = app.post_json("/api/v1/events", &events).await;

    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let accepted: EventsAccepted = response.json().await.unwrap();
    assert_eq!(accepted.deliveries, 40);
    // Every delivery settles: 20 succeed at once, 20 fail three times (retries 100 ms, 200 ms).
    let deadline = Instant::now() + Duration::from_secs(20);
    for (id, status, attempts) in [
        (&ids[0], DeliveryStatus::Succeeded, 1),
        (&ids[1], DeliveryStatus::Failed, 3),
    ] {
        loop {
            let page: Page<Delivery> = app
                .get(&format!("/api/v1/webhooks/{id}/deliveries?page_size=100"))
                .await
                .json()
                .await
                .unwrap();
            let settled = page
                .results
                .iter()
                .filter(|d| d.status == status && d.attempts.len() == attempts)
                .count();
            if page.total_count == 20 && settled == 20 {
                break;
            }
            assert!(Instant::now() < deadline, "not settled: {page:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    // 20 deliveries at /ok, 60 attempts at /status/500.
    assert_eq!(receiver.received().len(), 80);
}
