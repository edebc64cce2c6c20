//! Message subscriptions: the shipped topics, routing (a webhook's own filter, a topic it receives,
//! both at once, disabled webhooks and topics, scope and severity), the settings API's answers to
//! bad input, impact figures, topic Test and the events log.

use crate::helpers::{TestApp, expect_error, spawn_app, webhook_body};
use crate::receiver::Receiver;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use webhook_api::{
    Delivery, DeliveryStatus, EventRecord, EventsAccepted, Page, RouteRule, Subscription,
    SubscriptionImpact, SubscriptionTest, TOPICS, Webhook,
};

const WAIT: Duration = Duration::from_secs(10);

/// An enabled webhook at `url` whose own filter is `event_types`; created disabled and then
/// enabled, so its receiver gets no VALIDATE call.
async fn webhook(app: &TestApp, name: &str, url: &str, event_types: &[&str]) -> Webhook {
    let mut body = webhook_body(name);
    body["url"] = json!(url);
    body["event_types"] = json!(event_types);
    body["enabled"] = json!(false);
    let created = app.create(&body).await;
    let enabled = app
        .post(&format!("/api/v1/webhooks/{}/enable", created.id))
        .await;
    assert_eq!(enabled.status(), StatusCode::OK);
    enabled.json().await.unwrap()
}

/// A webhook whose own filter matches none of the events these tests publish.
async fn topic_only_webhook(app: &TestApp, name: &str, url: &str) -> Webhook {
    webhook(app, name, url, &["metric.threshold"]).await
}

async fn add_receiver(app: &TestApp, topic: &str, webhook_id: &str) -> Subscription {
    let response = app
        .post_json(
            &format!("/api/v1/subscriptions/{topic}/receivers"),
            &json!({ "webhook_id": webhook_id }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn subscription(app: &TestApp, topic: &str) -> Subscription {
    let response = app.get(&format!("/api/v1/subscriptions/{topic}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn event(event_type: &str, resource_type: &str, severity: &str) -> Value {
    json!({
        "type": event_type, "action": "create", "resource_type": resource_type,
        "resource_id": "r-1", "severity": severity,
    })
}

async fn publish(app: &TestApp, body: &Value) -> EventsAccepted {
    let response = app.post_json("/api/v1/events", body).await;
    let status = response.status();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    serde_json::from_value(answer).unwrap()
}

async fn event_record(app: &TestApp, id: &str) -> EventRecord {
    let response = app.get(&format!("/api/v1/events/{id}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// The routes of a published event as (webhook id, rule), sorted by webhook id.
async fn routes(app: &TestApp, event_id: &str) -> Vec<(String, RouteRule)> {
    let mut routes: Vec<_> = event_record(app, event_id)
        .await
        .routes
        .into_iter()
        .map(|r| (r.webhook_id, r.rule))
        .collect();
    routes.sort_by(|a, b| a.0.cmp(&b.0));
    routes
}

fn sorted(mut routes: Vec<(String, RouteRule)>) -> Vec<(String, RouteRule)> {
    routes.sort_by(|a, b| a.0.cmp(&b.0));
    routes
}

fn by_topic(topic: &str) -> RouteRule {
    RouteRule::Subscription(topic.to_string())
}

#[tokio::test]
async fn the_shipped_topics_are_there_from_the_first_start() {
    let app = spawn_app().await;

    let response = app.get("/api/v1/subscriptions").await;

    assert_eq!(response.status(), StatusCode::OK);
    let page: Page<Subscription> = response.json().await.unwrap();
    assert_eq!(page.total_count, TOPICS.len() as u64);
    let ids: Vec<&str> = page.results.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, TOPICS.iter().map(|t| t.id).collect::<Vec<_>>());
    let sync = page
        .results
        .iter()
        .find(|s| s.id == "resource.sync")
        .unwrap();
    assert_eq!(
        sync.event_types,
        [
            "resource.sync_create",
            "resource.sync_update",
            "resource.sync_delete"
        ]
    );
    assert_eq!(sync.name_zh, "资源同步");
    let lost = page
        .results
        .iter()
        .find(|s| s.id == "alarm.host_lost_connection")
        .unwrap();
    assert_eq!(lost.resource_types, ["host"]);
    for s in &page.results {
        assert!(
            s.enabled && s.receivers.is_empty() && !s.customized,
            "{s:?}"
        );
        assert_eq!((s.version, s.updated_at.as_deref()), (1, None));
    }
}

#[tokio::test]
async fn own_filter_topic_and_both_route_once_each_and_disabled_or_deleted_webhooks_get_nothing() {
    let app = spawn_app().await;
    let (own_rx, topic_rx, both_rx, disabled_rx, deleted_rx) = (
        Receiver::start().await,
        Receiver::start().await,
        Receiver::start().await,
        Receiver::start().await,
        Receiver::start().await,
    );
    let own = webhook(&app, "own", &own_rx.url("/ok"), &["resource.create"]).await;
    let topic = topic_only_webhook(&app, "topic", &topic_rx.url("/ok")).await;
    let both = webhook(&app, "both", &both_rx.url("/ok"), &["resource.create"]).await;
    let disabled = topic_only_webhook(&app, "disabled", &disabled_rx.url("/ok")).await;
    let deleted = topic_only_webhook(&app, "deleted", &deleted_rx.url("/ok")).await;
    for w in [&topic, &both, &disabled, &deleted] {
        add_receiver(&app, "resource.lifecycle", &w.id).await;
    }
    // Another matching topic for `topic`: it still gets the event once.
    add_receiver(&app, "resource.attributes", &topic.id).await;
    let mut widened = subscription(&app, "resource.attributes").await;
    widened.event_types.push("resource.create".into());
    let put = app
        .put_json(
            "/api/v1/subscriptions/resource.attributes",
            &json!({"event_types": widened.event_types, "resource_types": [], "severities": ["info"]}),
        )
        .await;
    assert_eq!(put.status(), StatusCode::OK);
    app.post(&format!("/api/v1/webhooks/{}/disable", disabled.id))
        .await;
    assert_eq!(
        app.delete(&format!("/api/v1/webhooks/{}", deleted.id))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );

    let accepted = publish(&app, &event("resource.create", "server", "info")).await;

    assert_eq!(accepted.deliveries, 3);
    for rx in [&own_rx, &topic_rx, &both_rx] {
        assert_eq!(rx.wait_for(1, WAIT).await.len(), 1);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    for rx in [&own_rx, &topic_rx, &both_rx] {
        assert_eq!(rx.received().len(), 1, "exactly once");
    }
    assert!(disabled_rx.received().is_empty() && deleted_rx.received().is_empty());
    let event_id = &accepted.event_ids[0];
    assert_eq!(
        routes(&app, event_id).await,
        sorted(vec![
            (own.id.clone(), RouteRule::Webhook),
            (topic.id.clone(), by_topic("resource.lifecycle")),
            (both.id.clone(), RouteRule::Webhook),
        ])
    );
    // The webhook's own delivery log records the rule too.
    let log: Page<Delivery> = app
        .get(&format!("/api/v1/webhooks/{}/deliveries", topic.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log.results[0].rule, by_topic("resource.lifecycle"));
    assert_eq!(&log.results[0].event_ids, std::slice::from_ref(event_id));
}

#[tokio::test]
async fn a_disabled_topic_routes_nothing_until_enabled_again() {
    let app = spawn_app().await;
    let w = topic_only_webhook(&app, "receiver", "http://127.0.0.1:9/ok").await;
    add_receiver(&app, "resource.sync", &w.id).await;
    let disabled = app
        .post("/api/v1/subscriptions/resource.sync/disable")
        .await;
    assert_eq!(disabled.status(), StatusCode::OK);
    let disabled: Subscription = disabled.json().await.unwrap();
    assert!(!disabled.enabled);
    assert_eq!(disabled.updated_by.as_deref(), Some("token:tests"));

    let none = publish(&app, &event("resource.sync_update", "vpc", "info")).await;
    app.post("/api/v1/subscriptions/resource.sync/enable").await;
    let one = publish(&app, &event("resource.sync_update", "vpc", "info")).await;

    assert_eq!((none.deliveries, one.deliveries), (0, 1));
    assert!(routes(&app, &none.event_ids[0]).await.is_empty());
    assert_eq!(
        routes(&app, &one.event_ids[0]).await,
        [(w.id.clone(), by_topic("resource.sync"))]
    );
}

#[tokio::test]
async fn resource_type_scope_and_severity_must_match() {
    let app = spawn_app().await;
    let w = topic_only_webhook(&app, "pager", "http://127.0.0.1:9/ok").await;
    add_receiver(&app, "alarm.host_lost_connection", &w.id).await;
    let lost = |resource: &str, severity: &str| event("host.lost_connection", resource, severity);

    let out_of_scope = publish(&app, &lost("server", "critical")).await;
    let too_mild = publish(&app, &lost("host", "info")).await;
    let matching = publish(&app, &lost("host", "critical")).await;

    assert_eq!(
        [
            out_of_scope.deliveries,
            too_mild.deliveries,
            matching.deliveries
        ],
        [0, 0, 1]
    );

    // Widened by an admin: any resource type, info only.
    let version = subscription(&app, "alarm.host_lost_connection")
        .await
        .version;
    let put = app
        .put_json(
            "/api/v1/subscriptions/alarm.host_lost_connection",
            &json!({"event_types": ["host.lost_connection"], "resource_types": [], "severities": ["info"], "version": version}),
        )
        .await;
    assert_eq!(put.status(), StatusCode::OK);
    let changed: Subscription = put.json().await.unwrap();
    assert!(changed.customized);
    assert_eq!(changed.version, version + 1);
    let now_any_scope = publish(&app, &lost("server", "info")).await;
    let now_too_severe = publish(&app, &lost("host", "critical")).await;
    assert_eq!(
        [now_any_scope.deliveries, now_too_severe.deliveries],
        [1, 0]
    );
}

#[tokio::test]
async fn a_batch_keeps_rules_apart_in_separate_deliveries() {
    let app = spawn_app().await;
    let w = webhook(&app, "mixed", "http://127.0.0.1:9/ok", &["config.change"]).await;
    add_receiver(&app, "resource.lifecycle", &w.id).await;

    let accepted = publish(
        &app,
        &json!({"events": [
            event("config.change", "server", "info"),
            event("resource.create", "server", "info"),
            event("config.change", "disk", "info"),
        ]}),
    )
    .await;

    assert_eq!(accepted.deliveries, 2);
    let log: Page<Delivery> = app
        .get(&format!("/api/v1/webhooks/{}/deliveries", w.id))
        .await
        .json()
        .await
        .unwrap();
    let mut by_rule: Vec<(RouteRule, usize)> = log
        .results
        .iter()
        .map(|d| (d.rule.clone(), d.event_ids.len()))
        .collect();
    by_rule.sort_by_key(|(_, n)| *n);
    assert_eq!(
        by_rule,
        [(by_topic("resource.lifecycle"), 1), (RouteRule::Webhook, 2)]
    );
}

#[tokio::test]
async fn changing_a_filter_checks_every_field() {
    let app = spawn_app().await;
    let path = "/api/v1/subscriptions/resource.config";

    let bad = app
        .put_json(
            path,
            &json!({"event_types": ["nope"], "resource_types": ["Host!", "x"], "severities": []}),
        )
        .await;
    let fields = expect_error(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        .await
        .error
        .fields;
    assert_eq!(fields["event_types"], "Unknown event type 'nope'.");
    assert!(fields.contains_key("resource_types"), "{fields:?}");
    assert_eq!(fields["severities"], "Select at least one severity.");

    let twice = app
        .put_json(
            path,
            &json!({"event_types": [], "resource_types": ["vm", "vm"], "severities": ["info", "info"]}),
        )
        .await;
    let fields = expect_error(twice, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        .await
        .error
        .fields;
    assert_eq!(fields["event_types"], "Select at least one event type.");
    assert_eq!(fields["resource_types"], "'vm' is listed twice.");
    assert_eq!(fields["severities"], "'info' is listed twice.");

    let shape = app
        .put_json(
            path,
            &json!({"event_types": ["config.change"], "severities": ["loud"], "colour": 1}),
        )
        .await;
    let fields = expect_error(shape, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        .await
        .error
        .fields;
    assert!(!fields.is_empty(), "{fields:?}");

    let unknown = app
        .put_json(
            "/api/v1/subscriptions/nope",
            &json!({"event_types": ["config.change"], "severities": ["info"]}),
        )
        .await;
    expect_error(unknown, StatusCode::NOT_FOUND, "not_found").await;

    let good = json!({"event_types": ["config.change"], "resource_types": ["server"], "severities": ["warning"], "version": 1});
    assert_eq!(app.put_json(path, &good).await.status(), StatusCode::OK);
    // The same filter again is no change; an edit of the old version is refused.
    let same = app
        .put_json(path, &json!({"event_types": ["config.change"], "resource_types": ["server"], "severities": ["warning"]}))
        .await;
    assert_eq!(same.json::<Subscription>().await.unwrap().version, 2);
    let stale = app.put_json(path, &good).await;
    expect_error(stale, StatusCode::CONFLICT, "conflict").await;
    for action in ["enable", "disable", "test"] {
        let response = app
            .post(&format!("/api/v1/subscriptions/nope/{action}"))
            .await;
        expect_error(response, StatusCode::NOT_FOUND, "not_found").await;
    }
}

#[tokio::test]
async fn receivers_are_added_once_removed_in_place_and_must_be_live_webhooks() {
    let app = spawn_app().await;
    let a = topic_only_webhook(&app, "a", "http://127.0.0.1:9/ok").await;
    let b = topic_only_webhook(&app, "b", "http://127.0.0.1:9/ok").await;
    let gone = topic_only_webhook(&app, "gone", "http://127.0.0.1:9/ok").await;
    app.delete(&format!("/api/v1/webhooks/{}", gone.id)).await;
    let path = "/api/v1/subscriptions/resource.failure/receivers";

    add_receiver(&app, "resource.failure", &a.id).await;
    let again = add_receiver(&app, "resource.failure", &a.id).await;
    let with_b = add_receiver(&app, "resource.failure", &b.id).await;

    assert_eq!(again.receivers, std::slice::from_ref(&a.id));
    assert_eq!(again.version, 2, "adding again is no change");
    assert_eq!(with_b.receivers, [a.id.clone(), b.id.clone()]);
    for (body, status, code) in [
        (
            json!({"webhook_id": "nope"}),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            json!({"webhook_id": gone.id}),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            json!({}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ] {
        expect_error(app.post_json(path, &body).await, status, code).await;
    }
    let unknown_topic = app
        .post_json(
            "/api/v1/subscriptions/nope/receivers",
            &json!({"webhook_id": a.id}),
        )
        .await;
    expect_error(unknown_topic, StatusCode::NOT_FOUND, "not_found").await;

    let removed = app.delete(&format!("{path}/{}", a.id)).await;
    assert_eq!(removed.status(), StatusCode::OK);
    let removed: Subscription = removed.json().await.unwrap();
    assert_eq!(removed.receivers, std::slice::from_ref(&b.id));
    let again = app.delete(&format!("{path}/{}", a.id)).await;
    assert_eq!(again.status(), StatusCode::OK);
    // A deleted webhook drops out of the receivers.
    app.delete(&format!("/api/v1/webhooks/{}", b.id)).await;
    assert!(
        subscription(&app, "resource.failure")
            .await
            .receivers
            .is_empty()
    );
}

async fn impact(app: &TestApp, query: &str) -> Vec<(String, u64)> {
    let response = app
        .get(&format!("/api/v1/subscriptions/impact?{query}"))
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    let impact: SubscriptionImpact = response.json().await.unwrap();
    impact
        .topics
        .into_iter()
        .map(|t| (t.id, t.matching_events))
        .collect()
}

#[tokio::test]
async fn impact_names_the_topics_left_without_an_enabled_receiver_and_their_recent_events() {
    let app = spawn_app().await;
    let w1 = topic_only_webhook(&app, "w1", "http://127.0.0.1:9/ok").await;
    let w2 = topic_only_webhook(&app, "w2", "http://127.0.0.1:9/ok").await;
    let off = topic_only_webhook(&app, "off", "http://127.0.0.1:9/ok").await;
    app.post(&format!("/api/v1/webhooks/{}/disable", off.id))
        .await;
    add_receiver(&app, "resource.lifecycle", &w1.id).await; // w1 alone
    add_receiver(&app, "resource.sync", &w1.id).await; // w1 and w2
    add_receiver(&app, "resource.sync", &w2.id).await;
    add_receiver(&app, "resource.config", &w1.id).await; // w1 and a disabled webhook
    add_receiver(&app, "resource.config", &off.id).await;
    add_receiver(&app, "resource.failure", &w1.id).await; // w1 alone, but the topic is off
    app.post("/api/v1/subscriptions/resource.failure/disable")
        .await;
    publish(
        &app,
        &json!({"events": [
            event("resource.create", "server", "info"),
            event("resource.create", "disk", "info"),
            event("resource.delete", "server", "critical"),
            event("config.change", "server", "info"),
            event("host.lost_connection", "host", "critical"),
            event("operation.failed", "server", "warning"),
        ]}),
    )
    .await;

    let expected = vec![
        ("resource.lifecycle".to_string(), 3),
        ("resource.config".to_string(), 1),
    ];
    assert_eq!(
        impact(&app, &format!("disable_webhook={}", w1.id)).await,
        expected
    );
    assert_eq!(
        impact(&app, &format!("delete_webhook={}", w1.id)).await,
        expected
    );
    assert!(
        impact(&app, &format!("disable_webhook={}", w2.id))
            .await
            .is_empty()
    );
    assert!(
        impact(&app, &format!("delete_webhook={}", off.id))
            .await
            .is_empty()
    );
    assert_eq!(
        impact(&app, "disable_topic=resource.sync").await,
        [("resource.sync".to_string(), 0)]
    );
    assert!(
        impact(&app, "disable_topic=resource.failure")
            .await
            .is_empty()
    );
    assert!(
        impact(&app, "disable_topic=alarm.host_recovered")
            .await
            .is_empty()
    );
    let whole: SubscriptionImpact = app
        .get("/api/v1/subscriptions/impact?disable_topic=resource.lifecycle")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(whole.topics[0].name_en, "Resource creation and deletion");
    assert!(whole.since.ends_with('Z'));

    // Changes combine: w1 and w2 off together also cut off the topic they share; a topic
    // disabled beside a webhook adds to what the webhook cuts off. No change cuts nothing off.
    let mut both = impact(
        &app,
        &format!("disable_webhook={}&delete_webhook={}", w1.id, w2.id),
    )
    .await;
    both.sort();
    assert_eq!(
        both,
        [
            ("resource.config".to_string(), 1),
            ("resource.lifecycle".to_string(), 3),
            ("resource.sync".to_string(), 0)
        ]
    );
    let mut mixed = impact(
        &app,
        &format!("disable_topic=resource.sync&disable_webhook={}", w1.id),
    )
    .await;
    mixed.sort();
    assert_eq!(mixed, both);
    assert!(impact(&app, "").await.is_empty());

    for (query, status, code) in [
        (
            "delete_webhook=%20",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "disable_topic=resource.sync&disable_webhook=nope",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        ("disable_webhook=nope", StatusCode::NOT_FOUND, "not_found"),
        ("disable_topic=nope", StatusCode::NOT_FOUND, "not_found"),
    ] {
        let response = app
            .get(&format!("/api/v1/subscriptions/impact?{query}"))
            .await;
        expect_error(response, status, code).await;
    }
}

#[tokio::test]
async fn topic_test_publishes_a_matching_sample_through_the_queue() {
    let app = spawn_app().await;
    let rx = Receiver::start().await;
    let w = topic_only_webhook(&app, "pager", &rx.url("/ok")).await;
    add_receiver(&app, "alarm.host_lost_connection", &w.id).await;

    let response = app
        .post("/api/v1/subscriptions/alarm.host_lost_connection/test")
        .await;

    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let test: SubscriptionTest = response.json().await.unwrap();
    assert_eq!(test.deliveries, 1);
    assert_eq!(
        (
            test.event.event_type.as_str(),
            test.event.resource_type.as_str()
        ),
        ("host.lost_connection", "host")
    );
    let got = rx.wait_for(1, WAIT).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].headers["x-webhook-event"], "HOST/LOST_CONNECTION");
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let record = event_record(&app, &test.event_id).await;
        let route = &record.routes[0];
        assert_eq!(
            (route.webhook_name.as_str(), &route.rule),
            ("pager", &by_topic("alarm.host_lost_connection"))
        );
        if route.delivery_status == DeliveryStatus::Succeeded {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{record:?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test]
async fn the_events_log_lists_newest_first_with_filters_and_routes() {
    let app = spawn_app().await;
    let w = webhook(&app, "ops", "http://127.0.0.1:9/ok", &["resource.create"]).await;
    let first = publish(&app, &event("resource.create", "server", "info")).await;
    let mut failed = event("operation.failed", "disk", "warning");
    failed["result"] = json!("failed");
    let second = publish(&app, &failed).await;

    let all: Page<EventRecord> = app.get("/api/v1/events").await.json().await.unwrap();
    let raw: Value = app
        .get("/api/v1/events?page_size=1")
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(all.total_count, 2);
    assert_eq!(
        [all.results[0].id.as_str(), all.results[1].id.as_str()],
        [second.event_ids[0].as_str(), first.event_ids[0].as_str()]
    );
    let route = &all.results[1].routes[0];
    assert_eq!(
        (route.webhook_id.as_str(), route.webhook_name.as_str()),
        (w.id.as_str(), "ops")
    );
    assert!(all.results[0].routes.is_empty());
    assert_eq!(raw["total_count"], 2);
    assert_eq!(raw["results"].as_array().unwrap().len(), 1);
    let one = &raw["results"][0];
    for key in [
        "id",
        "type",
        "action",
        "resource_type",
        "resource_id",
        "resource_details",
        "result",
        "severity",
        "occurred_at",
        "received_at",
        "routes",
    ] {
        assert!(one.get(key).is_some(), "{key}: {one}");
    }
    for (query, expected) in [
        ("type=resource.create", &first),
        ("result=failed", &second),
        ("resource_type=disk", &second),
    ] {
        let page: Page<EventRecord> = app
            .get(&format!("/api/v1/events?{query}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page.total_count, 1, "{query}");
        assert_eq!(page.results[0].id, expected.event_ids[0], "{query}");
    }
    let bad = app
        .get("/api/v1/events?type=nope&result=ok&page_size=500")
        .await;
    let fields = expect_error(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        .await
        .error
        .fields;
    assert_eq!(fields.len(), 3, "{fields:?}");
    let missing = app.get("/api/v1/events/nope").await;
    expect_error(missing, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn openapi_describes_the_subscription_and_event_log_routes() {
    let app = spawn_app().await;

    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();

    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/subscriptions", "get"),
        ("/api/v1/subscriptions/impact", "get"),
        ("/api/v1/subscriptions/{id}", "get"),
        ("/api/v1/subscriptions/{id}", "put"),
        ("/api/v1/subscriptions/{id}/enable", "post"),
        ("/api/v1/subscriptions/{id}/disable", "post"),
        ("/api/v1/subscriptions/{id}/receivers", "post"),
        (
            "/api/v1/subscriptions/{id}/receivers/{webhook_id}",
            "delete",
        ),
        ("/api/v1/subscriptions/{id}/test", "post"),
        ("/api/v1/events", "get"),
        ("/api/v1/events", "post"),
        ("/api/v1/events/{id}", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path}"
        );
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for schema in [
        "Subscription",
        "SubscriptionIn",
        "ReceiverIn",
        "SubscriptionImpact",
        "SubscriptionTest",
        "EventRecord",
        "EventRoute",
    ] {
        assert!(schemas.contains_key(schema), "{schema}");
    }
}
