//! Silent webhooks: the detail page's "quietly useless" report names the event types a webhook
//! takes that saw no event in 30 days, and the disabled topics routing to it.

use crate::helpers::spawn_app;
use crate::receiver::Receiver;
use reqwest::StatusCode;
use serde_json::json;
use webhook_api::WebhookSilence;

#[tokio::test]
async fn names_quiet_event_types_and_disabled_topics() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let w = app
        .create(
            &json!({"name": "ops", "url": receiver.url("/ok"), "enabled": false,
            "event_types": ["resource.update", "host.disk_full"]}),
        )
        .await;
    app.post(&format!("/api/v1/webhooks/{}/enable", w.id)).await;
    for (topic, on) in [("resource.failure", false), ("alarm.monitoring", true)] {
        let path = format!("/api/v1/subscriptions/{topic}");
        let added = app
            .post_json(&format!("{path}/receivers"), &json!({"webhook_id": w.id}))
            .await;
        assert_eq!(added.status(), StatusCode::OK);
        let verb = if on { "enable" } else { "disable" };
        assert_eq!(
            app.post(&format!("{path}/{verb}")).await.status(),
            StatusCode::OK
        );
    }
    let before: WebhookSilence = app
        .get(&format!("/api/v1/webhooks/{}/silence", w.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(before.last_delivery_at, None);
    assert!(
        before
            .quiet_event_types
            .contains(&"resource.update".to_string())
    );
    let posted = app
        .post_json(
            "/api/v1/events",
            &json!({"type": "resource.update", "action": "update", "resource_type": "host"}),
        )
        .await;
    assert_eq!(posted.status(), StatusCode::ACCEPTED);
    let s: WebhookSilence = app
        .get(&format!("/api/v1/webhooks/{}/silence", w.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s.days, 30);
    assert_eq!(
        s.quiet_event_types,
        [
            "host.disk_full",
            "monitoring.alert",
            "monitoring.recovery",
            "monitoring.parse_error"
        ],
        "its own quiet type, then the enabled topic's; not the disabled topic's"
    );
    assert_eq!(s.disabled_topics, ["resource.failure"]);
    assert!(s.last_delivery_at.is_some());
}
