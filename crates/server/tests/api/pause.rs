//! Pause and resume with a real receiver: a paused webhook's events are held (no attempt, no
//! retry spent); Resume sends them in the order they arrived at the capped rate, as the
//! receiver's clock shows, with events arriving meanwhile behind them.

use crate::helpers::{expect_error, spawn_app};
use crate::receiver::Receiver;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use webhook_api::PauseState;

#[tokio::test]
async fn held_while_paused_then_sent_in_order_at_the_capped_rate() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let id = app
        .create_receiving("maintenance", &receiver.url("/ok"))
        .await;
    let bad = app
        .post_json(
            &format!("/api/v1/webhooks/{id}/pause"),
            &json!({"resume_rate": 0}),
        )
        .await;
    expect_error(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;

    let paused: PauseState = app
        .post_json(
            &format!("/api/v1/webhooks/{id}/pause"),
            &json!({"resume_rate": 20}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(paused.paused && paused.resume_rate == 20);
    for n in 0..10 {
        app.post_update(&format!("n-{n}")).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        receiver.received().is_empty(),
        "nothing is sent while paused"
    );
    let held: PauseState = app
        .get(&format!("/api/v1/webhooks/{id}/pause"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(held.held, 10);
    let listed: Vec<PauseState> = app.get("/api/v1/pauses").await.json().await.unwrap();
    assert_eq!(listed, std::slice::from_ref(&held));
    let page: Value = app
        .get(&format!("/api/v1/webhooks/{id}/deliveries"))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        page["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["attempts"].as_array().unwrap().is_empty() && d["status"] == "pending"),
        "no attempt, no retry spent"
    );

    // The server takes its clock after this instant, and no delivery goes before its slot.
    let resume_sent = std::time::Instant::now();
    let resumed: PauseState = app
        .post(&format!("/api/v1/webhooks/{id}/resume"))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !resumed.paused && resumed.resuming_until.is_some(),
        "{resumed:?}"
    );
    // Arriving while the held ones go out: they queue behind.
    for n in 10..12 {
        app.post_update(&format!("n-{n}")).await;
    }
    let got = receiver.wait_for(12, Duration::from_secs(15)).await;
    let order: Vec<String> = got
        .iter()
        .map(|r| r.json()["resource_id"].as_str().unwrap().to_string())
        .collect();
    let expected: Vec<String> = (0..12).map(|n| format!("n-{n}")).collect();
    assert_eq!(order, expected, "in the order the events arrived");
    // Slot i is i × 50 ms after the resume; a late worker may send overdue slots back to back,
    // never one early (1 ms spare for the millisecond timestamps).
    let last = got[11].at - resume_sent;
    assert!(
        last >= Duration::from_millis(549),
        "the 12th at 20/s leaves 550 ms after the resume at the earliest: {last:?}"
    );
    // The last attempts are recorded just after the receiver answered.
    let mut held = u64::MAX;
    for _ in 0..100 {
        let s: PauseState = app
            .get(&format!("/api/v1/webhooks/{id}/pause"))
            .await
            .json()
            .await
            .unwrap();
        held = s.held;
        if held == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(held, 0, "nothing is left held");
    // Not paused: a second resume changes nothing.
    assert_eq!(
        app.post(&format!("/api/v1/webhooks/{id}/resume"))
            .await
            .status(),
        StatusCode::OK
    );
}
