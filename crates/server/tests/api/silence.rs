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

/// Moves every delivery of `webhook_id` back by `days`, as if its events came that long ago.
async fn age_deliveries(app: &crate::helpers::TestApp, webhook_id: &str, days: i64) {
    let url = crate::helpers::database_url(&app.dir);
    let at = (time::OffsetDateTime::now_utc() - time::Duration::days(days))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    // Stored times are fixed-width RFC 3339 UTC with milliseconds.
    let at = format!("{}.000Z", &at[..19]);
    let sql = "UPDATE deliveries SET created_at = $1 WHERE webhook_id = $2";
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        sqlx::query(sql)
            .bind(&at)
            .bind(webhook_id)
            .execute(&pool)
            .await
            .unwrap();
    } else {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query(sql)
            .bind(&at)
            .bind(webhook_id)
            .execute(&pool)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn the_list_filters_webhooks_no_event_reached_in_n_days() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    // `fresh` got an event today and is in no answer.
    app.create_receiving("quiet-check fresh", &receiver.url("/a"))
        .await;
    let stale = app
        .create_receiving("quiet-check stale", &receiver.url("/b"))
        .await;
    let never = app
        .create_receiving("quiet-check never", &receiver.url("/c"))
        .await;
    // `never` takes another event type: the update reaches the other two only.
    let changed = app
        .put_json(
            &format!("/api/v1/webhooks/{never}"),
            &json!({"name": "quiet-check never", "url": receiver.url("/c"),
                "event_types": ["host.disk_full"], "batch_size": 1}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    app.post_update("quiet-check").await;
    // A test send is not an event.
    assert_eq!(
        app.post(&format!("/api/v1/webhooks/{never}/send"))
            .await
            .status(),
        StatusCode::OK
    );
    age_deliveries(&app, &stale, 10).await;

    let names = |days: u32| {
        let app = &app;
        async move {
            let page: webhook_api::Page<webhook_api::Webhook> = app
                .get(&format!(
                    "/api/v1/webhooks?search=quiet-check&sort=name&silent_days={days}"
                ))
                .await
                .json()
                .await
                .unwrap();
            assert_eq!(page.total_count as usize, page.results.len());
            page.results.into_iter().map(|w| w.name).collect::<Vec<_>>()
        }
    };
    assert_eq!(names(7).await, ["quiet-check never", "quiet-check stale"]);
    assert_eq!(names(30).await, ["quiet-check never"]);

    for bad in ["0", "366", "week"] {
        let r = app
            .get(&format!("/api/v1/webhooks?silent_days={bad}"))
            .await;
        let body =
            crate::helpers::expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
                .await;
        assert!(
            body.error.fields.contains_key("silent_days"),
            "{bad}: {body:?}"
        );
    }
}
