//! Auto-disable with a fake clock (`auto_disable::check` as of days later): the warning before,
//! the disable with its reason, history and audit, the notice until acknowledged, and the routed
//! `webhook.auto_disabled` event.

use crate::helpers::{database_url, open_db, spawn_app_with};
use crate::receiver::{Receiver, closed_port};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use webhook_api::{Notice, Webhook, WebhookNotices};
use webhook_server::auto_disable::check;
use webhook_server::delivery::{Deliverer, DeliverySettings};

const FIVE_DAYS: Duration = Duration::from_secs(5 * 86_400);

#[tokio::test]
async fn a_webhook_failing_for_days_is_disabled_with_a_notice_and_an_event() {
    let app = spawn_app_with(Arc::new(tempfile::tempdir().unwrap()), |c| {
        c.retry_schedule = "1h".parse().unwrap();
    })
    .await;
    let receiver = Receiver::start().await;
    let down = app
        .create_receiving("down", &format!("{}/x", closed_port().await))
        .await;
    let fine = app.create_receiving("fine", &receiver.url("/ok")).await;
    app.topic_receiver("alarm.webhook_health", "watcher", &receiver.url("/watch"))
        .await;
    let posted = app
        .post_json(
            "/api/v1/events",
            &json!({"type": "resource.update", "action": "update", "resource_type": "host"}),
        )
        .await;
    assert_eq!(posted.status(), StatusCode::ACCEPTED);

    // The first attempt fails; the warning says when it will be disabled.
    let mut warned = None;
    for _ in 0..100 {
        let n: WebhookNotices = app
            .get(&format!("/api/v1/webhooks/{down}/notices"))
            .await
            .json()
            .await
            .unwrap();
        if n.auto_disable_at.is_some() {
            warned = Some(n);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let warned = warned.expect("a warning once the first attempt failed");
    assert_eq!(warned.auto_disable_days, 5);
    let since = OffsetDateTime::parse(
        warned.failing_since.as_deref().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let fine_notices: WebhookNotices = app
        .get(&format!("/api/v1/webhooks/{fine}/notices"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        fine_notices.auto_disable_at, None,
        "a healthy webhook gets no warning"
    );

    let db = open_db(&database_url(&app.dir)).await;
    let deliverer = Deliverer::new(DeliverySettings::default()).unwrap();
    let early = check(&db, &deliverer, FIVE_DAYS, since + time::Duration::days(4))
        .await
        .unwrap();
    assert!(early.is_empty(), "4 days is not 5");
    let disabled = check(
        &db,
        &deliverer,
        FIVE_DAYS,
        since + time::Duration::days(5) + time::Duration::seconds(1),
    )
    .await
    .unwrap();
    assert_eq!(disabled.len(), 1);
    assert_eq!(disabled[0].webhook_id, down);
    assert!(
        disabled[0].message.contains("5 days without a success"),
        "{}",
        disabled[0].message
    );
    let again = check(&db, &deliverer, FIVE_DAYS, since + time::Duration::days(6))
        .await
        .unwrap();
    assert!(again.is_empty(), "once");

    let w: Webhook = app
        .get(&format!("/api/v1/webhooks/{down}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(!w.enabled);
    assert_eq!(w.status.as_str(), "disabled");
    let versions: Value = app
        .get(&format!("/api/v1/webhooks/{down}/versions"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(versions[0]["changed_by"], "webhook-server", "{versions}");
    // One event delivery to `fine`, then the watcher's.
    let told = receiver.wait_for(2, Duration::from_secs(10)).await;
    let told: Vec<Value> = told
        .iter()
        .filter(|r| r.path == "/watch")
        .map(|r| r.json())
        .collect();
    assert_eq!(told.len(), 1);
    assert_eq!(told[0]["event_type"], "webhook.auto_disabled");

    let open: Vec<Notice> = app.get("/api/v1/notices").await.json().await.unwrap();
    assert_eq!(open.len(), 1);
    let acked = app
        .post(&format!(
            "/api/v1/webhooks/{down}/notices/{}/acknowledge",
            open[0].id
        ))
        .await;
    assert_eq!(acked.status(), StatusCode::OK);
    let open: Vec<Notice> = app.get("/api/v1/notices").await.json().await.unwrap();
    assert!(open.is_empty(), "acknowledged notices leave the list");
    let kept: WebhookNotices = app
        .get(&format!("/api/v1/webhooks/{down}/notices"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        kept.notices[0].acknowledged_by.as_deref(),
        Some("token:tests")
    );
    assert_eq!(kept.auto_disable_at, None, "disabled: no warning");
    db.close().await;
}
