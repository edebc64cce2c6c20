//! Fire drills: the schedule over HTTP, drills taken on schedule with a fake clock
//! (`drills::run_due` as of a later time), the real path to a real receiver, a failure's status
//! and routed `webhook.drill_failed` event, and each scheduled drill run once however many
//! instances look.

use crate::helpers::{TestApp, database_url, expect_error, open_db, spawn_app};
use crate::receiver::{Receiver, closed_port};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use time::OffsetDateTime;
use webhook_api::{Drill, DrillRun, Webhook};
use webhook_server::delivery::policy::TargetPolicy;
use webhook_server::delivery::{Deliverer, DeliverySettings};
use webhook_server::drills::run_due;

fn deliverer() -> Deliverer {
    Deliverer::new(DeliverySettings {
        policy: TargetPolicy {
            allow: vec!["127.0.0.0/8".parse().unwrap()],
            only_allowed: true,
        },
        ..DeliverySettings::default()
    })
    .unwrap()
}

fn parse(t: &str) -> OffsetDateTime {
    OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).unwrap()
}

async fn drill(app: &TestApp, webhook: &str, body: Value) -> Drill {
    let r = app
        .put_json(&format!("/api/v1/webhooks/{webhook}/drill"), &body)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

#[tokio::test]
async fn a_drill_fires_on_schedule_through_the_real_path() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let id = app.create_receiving("pager", &receiver.url("/ok")).await;
    let bad = app
        .put_json(
            &format!("/api/v1/webhooks/{id}/drill"),
            &json!({"frequency": "weekly", "time": "9:5"}),
        )
        .await;
    let bad = expect_error(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert!(bad.error.fields.contains_key("time") && bad.error.fields.contains_key("weekday"));

    let d = drill(&app, &id, json!({"frequency": "daily", "time": "06:30"})).await;
    let next = d.next_run_at.clone().unwrap();
    assert!(next.ends_with("T06:30:00.000Z"), "{next}");
    let db = open_db(&database_url(&app.dir)).await;
    let deliverer = deliverer();
    let early = run_due(&db, &deliverer, parse(&next) - time::Duration::seconds(1))
        .await
        .unwrap();
    assert!(early.is_empty(), "not before its time");
    let runs = run_due(&db, &deliverer, parse(&next) + time::Duration::seconds(5))
        .await
        .unwrap();
    assert_eq!(runs.len(), 1);
    assert!(
        runs[0].ok && runs[0].status_code == Some(200),
        "{:?}",
        runs[0]
    );
    assert_eq!(runs[0].scheduled_for.as_deref(), Some(next.as_str()));
    let got = receiver.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].json()["event_type"], "webhook.drill");
    assert!(
        got[0].headers.contains_key("webhook-signature")
            || got[0].headers.contains_key("webhook-id")
    );
    let again = run_due(&db, &deliverer, parse(&next) + time::Duration::seconds(5))
        .await
        .unwrap();
    assert!(again.is_empty(), "once per scheduled time");
    let moved: Drill = app
        .get(&format!("/api/v1/webhooks/{id}/drill"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        parse(moved.next_run_at.as_deref().unwrap()) - parse(&next),
        time::Duration::days(1)
    );
    let history: Vec<DrillRun> = app
        .get(&format!("/api/v1/webhooks/{id}/drills"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history, runs);
    db.close().await;
}

#[tokio::test]
async fn a_failed_drill_sets_the_status_and_raises_a_routed_event() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let down = app
        .create_receiving("down", &format!("{}/x", closed_port().await))
        .await;
    // Someone is told: a webhook on the Webhook health topic.
    app.topic_receiver("alarm.webhook_health", "watcher", &receiver.url("/ok"))
        .await;

    let run: DrillRun = app
        .post(&format!("/api/v1/webhooks/{down}/drill/run"))
        .await
        .json()
        .await
        .unwrap();
    assert!(!run.ok);
    assert!(
        run.error.as_deref().unwrap().starts_with("connect"),
        "{run:?}"
    );
    assert_eq!(run.scheduled_for, None, "run by hand");
    let w: Webhook = app
        .get(&format!("/api/v1/webhooks/{down}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(w.status.as_str(), "failed");
    let told = receiver.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(told.len(), 1);
    let body = told[0].json();
    assert_eq!(body["event_type"], "webhook.drill_failed");
    assert_eq!(body["resource_id"], json!(down));
    let event = app
        .get(&format!("/api/v1/events/{}", run.event_id.unwrap()))
        .await;
    assert_eq!(event.status(), StatusCode::OK);
}

#[tokio::test]
async fn three_instances_run_a_scheduled_drill_once() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let id = app.create_receiving("pager", &receiver.url("/ok")).await;
    let d = drill(
        &app,
        &id,
        json!({"frequency": "weekly", "weekday": "fri", "time": "23:59"}),
    )
    .await;
    let at = parse(d.next_run_at.as_deref().unwrap()) + time::Duration::seconds(1);
    let url = database_url(&app.dir);
    let (a, b, c) = tokio::join!(open_db(&url), open_db(&url), open_db(&url));
    let (da, db_, dc) = (deliverer(), deliverer(), deliverer());
    let (ra, rb, rc) = tokio::join!(
        run_due(&a, &da, at),
        run_due(&b, &db_, at),
        run_due(&c, &dc, at)
    );
    let total = ra.unwrap().len() + rb.unwrap().len() + rc.unwrap().len();
    assert_eq!(total, 1, "one instance ran it");
    assert_eq!(receiver.wait_for(1, Duration::from_secs(5)).await.len(), 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 1);
    let gone = app.delete(&format!("/api/v1/webhooks/{id}/drill")).await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&format!("/api/v1/webhooks/{id}/drill"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}
