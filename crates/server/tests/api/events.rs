//! Events through the outbox: fan-out to matching webhooks, Standard Webhooks signatures checked
//! by the reference library, retries and status transitions with a short schedule, Retry-After,
//! batching, redelivery, recovery, statistics and secret rotation.

use crate::helpers::{TestApp, expect_error, spawn_app, spawn_app_with, webhook_body};
use crate::receiver::{Receiver, verify_with_reference};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use webhook_api::{
    Delivery, DeliveryStats, DeliveryStatus, EventsAccepted, Page, RecoverOut, SecretRotation,
    Webhook, WebhookStatus,
};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const WAIT: Duration = Duration::from_secs(10);

fn event(event_type: &str) -> Value {
    json!({
        "type": event_type, "action": "update", "resource_type": "host", "resource_id": "h-1",
        "resource_details": {"name": "yunion", "mem_size": 11957}, "result": "succeed",
    })
}

/// A webhook for `resource.update` events at `url`, created disabled (no VALIDATE call) and then
/// enabled, so the receiver sees only events.
async fn webhook_at(app: &TestApp, url: &str, extra: Value) -> Webhook {
    let mut body = webhook_body(&format!("hook {}", uuid_like()));
    body["url"] = json!(url);
    body["event_types"] = json!(["resource.update"]);
    body["enabled"] = json!(false);
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let created = app.create(&body).await;
    let enabled = app
        .post(&format!("/api/v1/webhooks/{}/enable", created.id))
        .await;
    assert_eq!(enabled.status(), StatusCode::OK);
    enabled.json().await.unwrap()
}

fn uuid_like() -> String {
    format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

async fn publish(app: &TestApp, body: &Value) -> EventsAccepted {
    let response = app.post_json("/api/v1/events", body).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    response.json().await.unwrap()
}

async fn deliveries(app: &TestApp, webhook_id: &str) -> Page<Delivery> {
    app.get(&format!("/api/v1/webhooks/{webhook_id}/deliveries"))
        .await
        .json()
        .await
        .unwrap()
}

async fn webhook(app: &TestApp, id: &str) -> Webhook {
    app.get(&format!("/api/v1/webhooks/{id}"))
        .await
        .json()
        .await
        .unwrap()
}

/// Polls until the webhook's only delivery reaches `status`.
async fn settled(app: &TestApp, webhook_id: &str, status: DeliveryStatus) -> Delivery {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let page = deliveries(app, webhook_id).await;
        if let Some(d) = page.results.first().filter(|d| d.status == status) {
            return d.clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never {status:?}: {page:?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test]
async fn an_event_reaches_matching_webhooks_signed_per_standard_webhooks() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let signed = webhook_at(
        &app,
        &receiver.url("/ok"),
        json!({"auth": {"type": "signature", "secret": SECRET}}),
    )
    .await;
    let mut other = webhook_body("other types");
    other["url"] = json!(receiver.url("/other"));
    other["enabled"] = json!(false);
    app.create(&other).await;

    let accepted = publish(&app, &event("resource.update")).await;

    assert_eq!((accepted.event_ids.len(), accepted.deliveries), (1, 1));
    let got = receiver.wait_for(1, WAIT).await;
    assert_eq!(got.len(), 1);
    let r = &got[0];
    assert_eq!(r.path, "/ok");
    assert_eq!(r.headers["x-webhook-event"], "HOST/UPDATE");
    assert_eq!(r.headers["content-type"], "application/json");
    assert!(r.headers["webhook-signature"].starts_with("v1,"));
    verify_with_reference(SECRET, r).expect("the reference library accepts the signature");
    let mut tampered = r.clone();
    tampered.body = tampered.body.replace("yunion", "evil");
    assert!(verify_with_reference(SECRET, &tampered).is_err());
    let body = r.json();
    assert_eq!(
        (body["action"].as_str(), body["resource_type"].as_str()),
        (Some("update"), Some("host"))
    );
    assert_eq!(body["resource_details"]["mem_size"], 11957);
    let d = settled(&app, &signed.id, DeliveryStatus::Succeeded).await;
    assert_eq!(d.message_id, r.headers["webhook-id"]);
    assert_eq!(d.event_ids, accepted.event_ids);
    assert_eq!(d.attempts.len(), 1);
    assert_eq!(d.attempts[0].response.as_ref().unwrap().status, 200);
    let w = webhook(&app, &signed.id).await;
    assert_eq!(w.status, WebhookStatus::Active);
    assert!(w.failure_details.last_successful_at.is_some());
}

#[tokio::test]
async fn bad_events_are_422_naming_the_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    let response = app
        .post_json(
            "/api/v1/events",
            &json!({"events": [event("resource.update"), {"type": "nope", "action": "x"}]}),
        )
        .await;

    let error = expect_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(
        error.error.fields.contains_key("events[1].resource_type"),
        "{error:?}"
    );
    let single = app
        .post_json("/api/v1/events", &json!({"type": "resource.update"}))
        .await;
    let error = expect_error(
        single,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(error.error.fields.contains_key("action"), "{error:?}");
}

#[tokio::test]
async fn failures_are_retried_with_the_same_message_id_until_they_succeed() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    receiver.script(&[(500, None), (503, None)]);
    let w = webhook_at(&app, &receiver.url("/script"), json!({})).await;

    publish(&app, &event("resource.update")).await;

    let d = settled(&app, &w.id, DeliveryStatus::Succeeded).await;
    assert_eq!(
        d.attempts.iter().map(|a| a.ok).collect::<Vec<_>>(),
        [false, false, true]
    );
    let got = receiver.received();
    assert_eq!(got.len(), 3);
    assert!(got.iter().all(|r| r.headers["webhook-id"] == d.message_id));
    let w = webhook(&app, &w.id).await;
    assert_eq!(w.status, WebhookStatus::Active);
    assert_eq!(w.failure_details.last_failed_status_code, Some(503));
    assert_eq!(w.failure_details.next_attempt, None);
}

#[tokio::test]
async fn retries_run_out_into_retry_limit_reached() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let w = webhook_at(&app, &receiver.url("/status/500"), json!({})).await;

    publish(&app, &event("resource.update")).await;

    let d = settled(&app, &w.id, DeliveryStatus::Failed).await;
    // The first try and the two retries of the test schedule (100 ms, 200 ms).
    assert_eq!(d.attempts.len(), 3);
    let w = webhook(&app, &w.id).await;
    assert_eq!(w.status, WebhookStatus::RetryLimitReached);
    assert_eq!(w.failure_details.last_failed_status_code, Some(500));
    assert!(
        w.failure_details
            .last_failed_reason
            .unwrap()
            .starts_with("http_status")
    );
}

#[tokio::test]
async fn a_client_error_fails_at_once_and_waiting_shows_awaiting_retry() {
    let app = spawn_app_with(Arc::new(tempfile::tempdir().unwrap()), |c| {
        c.retry_schedule = "30s".parse().unwrap();
    })
    .await;
    let receiver = Receiver::start().await;
    let rejected = webhook_at(&app, &receiver.url("/status/400"), json!({})).await;
    let failing = webhook_at(&app, &receiver.url("/status/502"), json!({})).await;

    publish(&app, &event("resource.update")).await;

    let d = settled(&app, &rejected.id, DeliveryStatus::Failed).await;
    assert_eq!(d.attempts.len(), 1);
    assert_eq!(
        webhook(&app, &rejected.id).await.status,
        WebhookStatus::Failed
    );
    let d = settled(&app, &failing.id, DeliveryStatus::Retrying).await;
    assert!(d.next_attempt_at.is_some());
    let w = webhook(&app, &failing.id).await;
    assert_eq!(w.status, WebhookStatus::AwaitingRetry);
    assert_eq!(w.failure_details.next_attempt, d.next_attempt_at);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    receiver.script(&[(429, Some("1"))]);
    let w = webhook_at(&app, &receiver.url("/script"), json!({})).await;

    publish(&app, &event("resource.update")).await;

    settled(&app, &w.id, DeliveryStatus::Succeeded).await;
    let got = receiver.received();
    assert_eq!(got.len(), 2);
    let waited = got[1].at - got[0].at;
    // The schedule says 100 ms; the receiver asked for a second.
    assert!(waited >= Duration::from_millis(950), "{waited:?}");
}

#[tokio::test]
async fn events_posted_together_are_batched_by_batch_size() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let w = webhook_at(&app, &receiver.url("/ok"), json!({"batch_size": 2})).await;

    let accepted = publish(&app, &json!({"events": [event("resource.update"), event("resource.update"), event("resource.update")]})).await;

    assert_eq!(accepted.deliveries, 2);
    let got = receiver.wait_for(2, WAIT).await;
    let mut sizes: Vec<usize> = got
        .iter()
        .map(|r| r.json().as_array().map_or(1, Vec::len))
        .collect();
    sizes.sort();
    assert_eq!(sizes, [1, 2]);
    assert_eq!(deliveries(&app, &w.id).await.total_count, 2);
}

/// Concurrent POSTs share commits (and a group is routed in one pass), but a delivery batches
/// the events of one request only: 16 single-event POSTs to a webhook batching up to 10 arrive
/// as 16 deliveries of one event each, whichever of them committed together.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_posts_are_never_batched_together() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let w = webhook_at(&app, &receiver.url("/ok"), json!({"batch_size": 10})).await;

    let mut posts = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let request = app
            .client
            .post(app.url("/api/v1/events"))
            .json(&event("resource.update"));
        posts.spawn(async move { request.send().await.expect("POST /events") });
    }
    for response in posts.join_all().await {
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let accepted: EventsAccepted = response.json().await.unwrap();
        assert_eq!(accepted.deliveries, 1);
    }

    let got = receiver.wait_for(16, WAIT).await;
    assert_eq!(got.len(), 16);
    assert!(
        got.iter()
            .all(|r| r.json().as_array().is_none_or(|a| a.len() == 1)),
        "one event per delivery"
    );
    assert_eq!(deliveries(&app, &w.id).await.total_count, 16);
}

#[tokio::test]
async fn redeliver_and_recover_send_again_with_the_same_message_id() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let w = webhook_at(&app, &receiver.url("/status/410"), json!({})).await;
    let since = webhook_server::clock::now();
    publish(&app, &event("resource.update")).await;
    let failed = settled(&app, &w.id, DeliveryStatus::Failed).await;

    let recovered: RecoverOut = app
        .post_json(
            &format!("/api/v1/webhooks/{}/recover", w.id),
            &json!({"since": since}),
        )
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(recovered.count, 1);
    receiver.wait_for(2, WAIT).await;
    let again = settled(&app, &w.id, DeliveryStatus::Failed).await;
    assert_eq!(again.attempts.len(), 2);
    let response = app
        .post(&format!("/api/v1/deliveries/{}/redeliver", failed.id))
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let got = receiver.wait_for(3, WAIT).await;
    assert_eq!(got.len(), 3);
    assert!(
        got.iter()
            .all(|r| r.headers["webhook-id"] == failed.message_id)
    );
    let missing = app.post("/api/v1/deliveries/nope/redeliver").await;
    expect_error(missing, StatusCode::NOT_FOUND, "not_found").await;
    let bad = app
        .post_json(
            &format!("/api/v1/webhooks/{}/recover", w.id),
            &json!({"since": "yesterday"}),
        )
        .await;
    expect_error(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

#[tokio::test]
async fn stats_count_the_attempts_of_the_last_day_per_hour() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    receiver.script(&[(500, None)]);
    let w = webhook_at(&app, &receiver.url("/script"), json!({})).await;
    publish(&app, &event("resource.update")).await;
    settled(&app, &w.id, DeliveryStatus::Succeeded).await;

    let stats: DeliveryStats = app
        .get(&format!("/api/v1/webhooks/{}/stats", w.id))
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(stats.buckets.len(), 24);
    assert_eq!((stats.succeeded, stats.failed), (1, 1));
    assert_eq!(stats.success_rate, Some(0.5));
    let last = stats.buckets.last().unwrap();
    assert_eq!((last.succeeded, last.failed), (1, 1));
    assert!(last.hour.ends_with(":00:00.000Z"));
}

#[tokio::test]
async fn a_rotated_secret_is_shown_once_and_both_secrets_sign_during_the_overlap() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let w = webhook_at(
        &app,
        &receiver.url("/ok"),
        json!({"auth": {"type": "signature", "secret": SECRET}}),
    )
    .await;

    let response = app
        .post(&format!("/api/v1/webhooks/{}/rotate-secret", w.id))
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    let rotation: SecretRotation = response.json().await.unwrap();
    assert!(rotation.secret.starts_with("whsec_"));
    assert_eq!(
        rotation.webhook.previous_secret_expires_at.as_ref(),
        Some(&rotation.previous_secret_expires_at)
    );
    let shown = serde_json::to_string(&webhook(&app, &w.id).await).unwrap();
    assert!(!shown.contains(&rotation.secret));
    publish(&app, &event("resource.update")).await;
    let got = receiver.wait_for(1, WAIT).await;
    assert_eq!(got[0].headers["webhook-signature"].split(' ').count(), 2);
    verify_with_reference(&rotation.secret, &got[0]).expect("the new secret verifies");
    verify_with_reference(SECRET, &got[0]).expect("the previous secret still verifies");
    let plain = webhook_at(&app, &receiver.url("/ok"), json!({})).await;
    let refused = app
        .post(&format!("/api/v1/webhooks/{}/rotate-secret", plain.id))
        .await;
    expect_error(refused, StatusCode::CONFLICT, "conflict").await;
}
