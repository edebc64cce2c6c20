//! Retention with a fake clock: `retention::prune` run as of a later day on the test server's
//! own database removes exactly what is older — finished deliveries, their attempts, events no
//! waiting delivery carries, inbound requests — keeps what still waits, empties old bodies once,
//! and leaves deliveries flowing while it runs.

use crate::helpers::{TestApp, database_url, open_db, spawn_app_with};
use crate::inbound::create_inbound;
use crate::receiver::{Receiver, closed_port};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use webhook_server::db::retention::PRUNED_BODY;
use webhook_server::retention::{RetentionSettings, prune};

const DAY: Duration = Duration::from_secs(86_400);

fn settings(retain_bodies: Option<Duration>) -> RetentionSettings {
    RetentionSettings {
        retention: 30 * DAY,
        retain_bodies,
        interval: DAY,
    }
}

fn days_from_now(days: i64) -> OffsetDateTime {
    OffsetDateTime::now_utc() + time::Duration::days(days)
}

async fn deliveries(app: &TestApp, webhook: &str) -> Vec<Value> {
    let page: Value = app
        .get(&format!("/api/v1/webhooks/{webhook}/deliveries"))
        .await
        .json()
        .await
        .unwrap();
    page["results"].as_array().unwrap().clone()
}

/// Waits until the webhook's deliveries are all in `status`.
async fn settled(app: &TestApp, webhook: &str, n: usize, status: &str) -> Vec<Value> {
    for _ in 0..200 {
        let d = deliveries(app, webhook).await;
        if d.len() == n && d.iter().all(|d| d["status"] == status) {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "{webhook}: not {n} {status}: {:?}",
        deliveries(app, webhook).await
    );
}

#[tokio::test]
async fn prunes_exactly_what_is_older_and_keeps_what_still_waits() {
    let app = spawn_app_with(Arc::new(tempfile::tempdir().unwrap()), |c| {
        // A failed try waits an hour: that delivery stays `retrying` throughout.
        c.retry_schedule = "1h".parse().unwrap();
    })
    .await;
    let receiver = Receiver::start().await;
    let ok = app.create_receiving("ok", &receiver.url("/ok")).await;
    let down = app
        .create_receiving("down", &format!("{}/x", closed_port().await))
        .await;
    let event = app.post_update("h-1").await;
    settled(&app, &ok, 1, "succeeded").await;
    settled(&app, &down, 1, "retrying").await;
    let inbound = create_inbound(&app, json!({"name": "am", "plugin_id": "generic"})).await;
    let posted = reqwest::Client::new()
        .post(&inbound.webhook_url)
        .body(r#"{"id": "k1"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::ACCEPTED);

    let db = open_db(&database_url(&app.dir)).await;
    let today = prune(&db, &settings(None), OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(today.total(), 0, "nothing is 30 days old yet: {today:?}");

    let later = prune(&db, &settings(None), days_from_now(31))
        .await
        .unwrap();
    assert_eq!((later.deliveries, later.attempts), (1, 1), "{later:?}");
    assert_eq!(later.inbound_requests, 1);
    // The inbound alert's event had no delivery; the posted event is still carried by the
    // waiting delivery, so it stays.
    assert_eq!(later.events, 1, "{later:?}");
    assert!(deliveries(&app, &ok).await.is_empty());
    let waiting = deliveries(&app, &down).await;
    assert_eq!(
        waiting.len(),
        1,
        "a waiting delivery is kept whatever its age"
    );
    assert_eq!(
        app.get(&format!("/api/v1/events/{event}")).await.status(),
        StatusCode::OK
    );
    let requests: Vec<Value> = app
        .get(&format!(
            "/api/v1/inbound-webhooks/{}/requests",
            inbound.webhook_id
        ))
        .await
        .json()
        .await
        .unwrap();
    assert!(requests.is_empty());
    let again = prune(&db, &settings(None), days_from_now(31))
        .await
        .unwrap();
    assert_eq!(again.total(), 0, "{again:?}");
    db.close().await;
}

#[tokio::test]
async fn bodies_go_sooner_and_once() {
    let app = spawn_app_with(Arc::new(tempfile::tempdir().unwrap()), |_| {}).await;
    let receiver = Receiver::start().await;
    let ok = app.create_receiving("ok", &receiver.url("/ok")).await;
    for _ in 0..3 {
        app.post_update("h-1").await;
    }
    settled(&app, &ok, 3, "succeeded").await;
    let db = open_db(&database_url(&app.dir)).await;
    let p = prune(&db, &settings(Some(DAY)), days_from_now(2))
        .await
        .unwrap();
    assert_eq!((p.bodies, p.deliveries), (3, 0), "{p:?}");
    for d in deliveries(&app, &ok).await {
        let attempt = &d["attempts"][0];
        assert_eq!(attempt["request"]["body"], PRUNED_BODY, "{attempt}");
        assert_eq!(attempt["response"]["body"], PRUNED_BODY);
        assert_eq!(
            attempt["response"]["status"], 200,
            "status and headers stay"
        );
        assert!(attempt["request"]["headers"]["webhook-id"].is_string());
    }
    let again = prune(&db, &settings(Some(DAY)), days_from_now(2))
        .await
        .unwrap();
    assert_eq!(again.bodies, 0, "each attempt is visited once");
    db.close().await;
}

#[tokio::test]
async fn deliveries_go_on_while_it_prunes() {
    let app = spawn_app_with(Arc::new(tempfile::tempdir().unwrap()), |_| {}).await;
    let receiver = Receiver::start().await;
    let ok = app.create_receiving("ok", &receiver.url("/ok")).await;
    for _ in 0..40 {
        app.post_update("h-1").await;
    }
    settled(&app, &ok, 20, "succeeded").await;
    let db = open_db(&database_url(&app.dir)).await;
    // Pruning everything finished "a month later" while 40 more events are posted and sent.
    let pruning = tokio::spawn({
        let db = db.clone();
        async move {
            let mut total = 0;
            for _ in 0..5 {
                total += prune(&db, &settings(Some(DAY)), days_from_now(31))
                    .await
                    .unwrap()
                    .deliveries;
            }
            total
        }
    });
    for _ in 0..40 {
        app.post_update("h-1").await;
    }
    let pruned = pruning.await.unwrap();
    let got = receiver.wait_for(80, Duration::from_secs(20)).await;
    assert_eq!(got.len(), 80, "every event was delivered, once");
    assert!(
        pruned >= 20,
        "at least the 20 seen finished before: {pruned}"
    );
    db.close().await;
}

#[tokio::test]
async fn on_postgresql_one_instance_prunes_at_a_time() {
    if crate::helpers::postgres_server().is_none() {
        eprintln!("skipped: WEBHOOK_TEST_POSTGRES is not set (run under scripts/with-postgres.sh)");
        return;
    }
    let app = spawn_app_with(Arc::new(tempfile::tempdir().unwrap()), |_| {}).await;
    let receiver = Receiver::start().await;
    let ok = app.create_receiving("ok", &receiver.url("/ok")).await;
    app.post_update("h-1").await;
    settled(&app, &ok, 1, "succeeded").await;
    let url = database_url(&app.dir);
    // Another instance in the middle of a batch: it holds the lock.
    let other = sqlx::PgPool::connect(&url).await.unwrap();
    let mut holding = other.begin().await.unwrap();
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(webhook_server::db::retention::LOCK)
        .execute(&mut *holding)
        .await
        .unwrap();
    let db = open_db(&url).await;
    let skipped = prune(&db, &settings(None), days_from_now(31))
        .await
        .unwrap();
    assert_eq!(
        skipped.deliveries, 0,
        "it left the batch to the lock holder"
    );
    holding.rollback().await.unwrap();
    let done = prune(&db, &settings(None), days_from_now(31))
        .await
        .unwrap();
    assert_eq!(done.deliveries, 1);
    db.close().await;
}

#[tokio::test]
async fn the_api_says_how_far_back_history_goes() {
    let app = spawn_app_with(Arc::new(tempfile::tempdir().unwrap()), |c| {
        c.retention = 14 * DAY;
        c.retain_bodies = Some(3 * DAY);
    })
    .await;
    let empty: Value = app.get("/api/v1/retention").await.json().await.unwrap();
    assert_eq!(
        empty,
        json!({"retention_days": 14, "retain_bodies_days": 3, "oldest_delivery_at": null})
    );
    let receiver = Receiver::start().await;
    let ok = app.create_receiving("ok", &receiver.url("/ok")).await;
    app.post_update("h-1").await;
    let first = settled(&app, &ok, 1, "succeeded").await;
    let info: Value = app.get("/api/v1/retention").await.json().await.unwrap();
    assert_eq!(info["oldest_delivery_at"], first[0]["created_at"]);
}
