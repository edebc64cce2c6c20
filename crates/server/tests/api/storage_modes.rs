//! The storage knobs the benchmarks turn: `--sqlite-synchronous full` and
//! `--delivery-commit-batch 1` (a commit per attempt) deliver and record like the defaults.

use crate::helpers::spawn_app_with;
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
        let name = format!("commit batch {name}");
        ids.push(app.create_receiving(&name, &receiver.url(path)).await);
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

/// The load that once ended a producer's POST in a 500 ("database is locked" after SQLite's 5 s
/// busy timeout): many producers posting one event each, at `synchronous = full`, while the
/// worker claims and records. Every POST is accepted and every event delivered.
#[tokio::test]
async fn many_producers_at_once_are_all_accepted_at_full_sync() {
    const POSTS: usize = 1_200;
    const PRODUCERS: usize = 32;
    let app = Arc::new(
        spawn_app_with(Arc::new(tempfile::tempdir().unwrap()), |c| {
            c.sqlite_synchronous = Synchronous::Full;
        })
        .await,
    );
    let receiver = Receiver::start().await;
    for name in ["load a", "load b"] {
        app.create_receiving(name, &receiver.url("/ok")).await;
    }
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|_| {
            let (app, next) = (app.clone(), next.clone());
            tokio::spawn(async move {
                let mut refused = Vec::new();
                loop {
                    let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if n >= POSTS {
                        return refused;
                    }
                    let event = json!({"type": "resource.update", "action": "update",
                        "resource_type": "host", "resource_id": format!("load-{n}")});
                    let response = app
                        .post_json("/api/v1/events", &json!({ "events": [event] }))
                        .await;
                    if response.status() != StatusCode::ACCEPTED {
                        refused.push((n, response.status(), response.text().await.unwrap()));
                    }
                }
            })
        })
        .collect();
    let mut refused = Vec::new();
    for p in producers {
        refused.extend(p.await.unwrap());
    }
    assert!(
        refused.is_empty(),
        "{} refused: {:?}",
        refused.len(),
        &refused[..refused.len().min(3)]
    );
    let arrived = receiver.wait_for(2 * POSTS, Duration::from_secs(60)).await;
    assert_eq!(arrived.len(), 2 * POSTS);
}
