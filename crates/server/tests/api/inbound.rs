//! Inbound webhooks over HTTP: the resource and its roles, receiving (keys, states, bodies,
//! limits), the plugins, dedup, and the requests kept — with a real receiver behind the routing.

use crate::helpers::{TestApp, client, expect_error, spawn_app, spawn_app_in, spawn_app_with};
use crate::principals::{Caller, add_token, admin_session};
use crate::receiver::Receiver;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use webhook_api::{AlertOutcome, InboundAccepted, InboundRequest, InboundWebhook, RequestOutcome};

/// Creates an inbound webhook, asserting success.
pub async fn create_inbound(app: &TestApp, body: Value) -> InboundWebhook {
    let response = app.post_json("/api/v1/inbound-webhooks", &body).await;
    assert_eq!(response.status(), StatusCode::CREATED, "creating {body}");
    response.json().await.unwrap()
}

/// An outbound webhook at `url` that takes the monitoring event types itself, one per message.
pub async fn monitoring_receiver(app: &TestApp, url: &str) -> String {
    let w = app
        .create(&json!({
            "name": format!("receiver {url}"), "url": url, "batch_size": 1, "enabled": false,
            "event_types": ["monitoring.alert", "monitoring.recovery", "monitoring.parse_error"],
        }))
        .await;
    let on = app.post(&format!("/api/v1/webhooks/{}/enable", w.id)).await;
    assert_eq!(on.status(), StatusCode::OK);
    w.id
}

async fn post_to(url: &str, body: &str, content_type: &str) -> reqwest::Response {
    client()
        .post(url)
        .header("content-type", content_type)
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

fn sample(plugin: &str) -> Value {
    let p = webhook_server::inbound::find(plugin).unwrap();
    (p.sample)()
}

async fn requests(app: &TestApp, id: &str) -> Vec<InboundRequest> {
    app.get(&format!("/api/v1/inbound-webhooks/{id}/requests"))
        .await
        .json()
        .await
        .unwrap()
}

async fn fetched(app: &TestApp, id: &str) -> InboundWebhook {
    app.get(&format!("/api/v1/inbound-webhooks/{id}"))
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_alertmanager_post_reaches_a_receiver_as_an_event() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    monitoring_receiver(&app, &receiver.url("/ok")).await;
    let w = create_inbound(
        &app,
        json!({"name": "Prometheus prod", "plugin_id": "alertmanager"}),
    )
    .await;
    assert!(w.webhook_url.starts_with(&app.address), "{}", w.webhook_url);
    assert!(w.webhook_url.ends_with(&format!(
        "/api/v1/inbound/{}/{}/events",
        w.webhook_id, w.access_key
    )));
    assert_eq!(
        w.plugin_info.version, "1.1.0",
        "the newest version by default"
    );
    assert_eq!(w.plugin_info.metadata["duplicate_event_time"], 600);

    let response = post_to(
        &w.webhook_url,
        &sample("alertmanager").to_string(),
        "application/json",
    )
    .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let accepted: InboundAccepted = response.json().await.unwrap();
    assert_eq!(
        (accepted.alerts, accepted.routed, accepted.deliveries),
        (1, 1, 1)
    );

    let got = receiver.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 1);
    let body = got[0].json();
    assert_eq!(body["event_type"], "monitoring.alert", "{body}");
    let event = app
        .get(&format!("/api/v1/events/{}", accepted.event_ids[0]))
        .await
        .json::<Value>()
        .await
        .unwrap();
    let details = &event["event"]["resource_details"];
    let details = if details.is_null() {
        &event["resource_details"]
    } else {
        details
    };
    assert_eq!(details["title"], "CPU high on web-1", "{event}");
    assert_eq!(details["event_key"], "7b7eebf4efc7d977");
    assert_eq!(details["inbound"]["webhook_id"], json!(w.webhook_id));

    let seen = fetched(&app, &w.webhook_id).await;
    assert_eq!((seen.requests.total, seen.requests.error), (1, 0));
    assert!(seen.last_received_at.is_some());
    let recorded = &requests(&app, &w.webhook_id).await[0];
    assert_eq!(recorded.status, 202);
    assert_eq!(recorded.alerts[0].outcome, AlertOutcome::Routed);
    assert_eq!(recorded.alerts[0].event_id, accepted.event_ids[0]);
    assert_eq!(recorded.headers["content-type"], "application/json");
}

#[tokio::test]
async fn keys_states_and_bodies_get_their_own_answers() {
    let app = spawn_app().await;
    let w = create_inbound(&app, json!({"name": "am", "plugin_id": "alertmanager"})).await;
    let id = &w.webhook_id;
    let body = sample("alertmanager").to_string();
    let base = app.url("/api/v1/inbound");

    // A wrong key and an unknown id look the same.
    let wrong = post_to(
        &format!("{base}/{id}/nope/events"),
        &body,
        "application/json",
    )
    .await;
    let wrong = expect_error(wrong, StatusCode::NOT_FOUND, "not_found").await;
    let unknown = post_to(
        &format!(
            "{base}/0190a0a0-0000-7000-8000-000000000000/{}/events",
            w.access_key
        ),
        &body,
        "application/json",
    )
    .await;
    let unknown = expect_error(unknown, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(wrong.error.message, unknown.error.message);

    // The key as a bearer header, as Alertmanager's http_config.authorization sends it.
    let bearer = client()
        .post(format!("{base}/{id}/events"))
        .bearer_auth(&w.access_key)
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), StatusCode::ACCEPTED);
    let no_key = client()
        .post(format!("{base}/{id}/events"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.status(), StatusCode::NOT_FOUND);

    // JSON sent as text/plain (AWS SNS does) is parsed all the same.
    let plain = post_to(&w.webhook_url, &body, "text/plain; charset=UTF-8").await;
    assert_eq!(plain.status(), StatusCode::ACCEPTED);

    // Malformed: a 422 with the reason, recorded, counted, and told as a parse_error event.
    let bad = post_to(&w.webhook_url, "{\"alerts\": ", "application/json").await;
    let bad = expect_error(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert!(
        bad.error.fields["body"].contains("not JSON"),
        "{:?}",
        bad.error.fields
    );
    let not_am = post_to(&w.webhook_url, "{\"hello\": 1}", "application/json").await;
    let not_am = expect_error(
        not_am,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(not_am.error.fields["body"].contains("no `alerts` list"));
    let events: Value = app
        .get("/api/v1/events?type=monitoring.parse_error")
        .await
        .json()
        .await
        .unwrap();
    let listed = events["results"].as_array().unwrap();
    assert_eq!(listed.len(), 2, "{events}");

    // Over 1 MiB: 413, recorded without the body.
    let huge = format!("{{\"pad\": \"{}\"}}", "x".repeat(1024 * 1024 + 10));
    let too_large = post_to(&w.webhook_url, &huge, "application/json").await;
    expect_error(
        too_large,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;

    // Disabled: 403, recorded.
    let off = app
        .post(&format!("/api/v1/inbound-webhooks/{id}/disable"))
        .await;
    assert_eq!(
        off.json::<InboundWebhook>().await.unwrap().state.as_str(),
        "DISABLED"
    );
    let refused = post_to(&w.webhook_url, &body, "application/json").await;
    expect_error(refused, StatusCode::FORBIDDEN, "forbidden").await;
    app.post(&format!("/api/v1/inbound-webhooks/{id}/enable"))
        .await;

    // A new key: the old one stops at once.
    let renewed: InboundWebhook = app
        .post(&format!("/api/v1/inbound-webhooks/{id}/access-key"))
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(renewed.access_key, w.access_key);
    assert_eq!(
        post_to(&w.webhook_url, &body, "application/json")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post_to(&renewed.webhook_url, &body, "application/json")
            .await
            .status(),
        StatusCode::ACCEPTED
    );

    let kept = requests(&app, id).await;
    let outcomes: Vec<RequestOutcome> = kept.iter().rev().map(|r| r.outcome).collect();
    use RequestOutcome::*;
    assert_eq!(
        outcomes,
        [
            Accepted, Accepted, ParseError, ParseError, TooLarge, Disabled, Accepted
        ]
    );
    assert!(
        kept.iter()
            .all(|r| !r.headers.contains_key("authorization")),
        "credentials are not kept"
    );
    let seen = fetched(&app, id).await;
    assert_eq!((seen.requests.total, seen.requests.error), (7, 4));
    let metrics = app.get("/metrics").await.text().await.unwrap();
    for line in [
        "webhook_inbound_requests_total{outcome=\"accepted\"} 3",
        "webhook_inbound_requests_total{outcome=\"parse_error\"} 2",
        "webhook_inbound_requests_total{outcome=\"disabled\"} 1",
        "webhook_inbound_requests_total{outcome=\"too_large\"} 1",
    ] {
        assert!(metrics.contains(line), "{line} in\n{metrics}");
    }
}

#[tokio::test]
async fn repeats_within_the_window_are_recorded_not_routed() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    monitoring_receiver(&app, &receiver.url("/ok")).await;
    let w = create_inbound(&app, json!({"name": "am", "plugin_id": "alertmanager"})).await;
    let firing = sample("alertmanager");
    let mut resolved = firing.clone();
    resolved["status"] = json!("resolved");
    resolved["alerts"][0]["status"] = json!("resolved");
    resolved["alerts"][0]["endsAt"] = json!("2026-12-01T20:05:00Z");
    let send = |body: &Value| {
        let (url, body) = (w.webhook_url.clone(), body.to_string());
        async move {
            let r = post_to(&url, &body, "application/json").await;
            assert_eq!(r.status(), StatusCode::ACCEPTED);
            r.json::<InboundAccepted>().await.unwrap()
        }
    };
    let first = send(&firing).await;
    let again = send(&firing).await;
    assert_eq!(
        (again.routed, again.duplicates),
        (0, 1),
        "Alertmanager's repeat_interval re-send"
    );
    let recovery = send(&resolved).await;
    assert_eq!(recovery.routed, 1);
    assert_eq!(
        send(&resolved).await.routed,
        0,
        "a resolution sent twice is routed once"
    );
    assert_eq!(
        send(&firing).await.routed,
        1,
        "firing again after its recovery"
    );
    let got = receiver.wait_for(3, Duration::from_secs(10)).await;
    let kinds: Vec<Value> = got.iter().map(|r| r.json()["event_type"].clone()).collect();
    assert_eq!(
        kinds,
        [
            "monitoring.alert",
            "monitoring.recovery",
            "monitoring.alert"
        ]
    );
    let kept = requests(&app, &w.webhook_id).await;
    assert_eq!(kept[3].alerts[0].outcome, AlertOutcome::Duplicate);
    assert_eq!(
        kept[3].alerts[0].event_id, first.event_ids[0],
        "names what it repeats"
    );

    // A window of 0 routes every repeat.
    let put = app
        .put_json(
            &format!("/api/v1/inbound-webhooks/{}/plugin", w.webhook_id),
            &json!({"options": {"dedup_window": 0}}),
        )
        .await;
    assert_eq!(put.status(), StatusCode::OK);
    assert_eq!(send(&firing).await.routed, 1);
    assert_eq!(send(&firing).await.routed, 1);
}

#[tokio::test]
async fn every_plugins_sample_goes_through_send_sample() {
    let app = spawn_app().await;
    let plugins: Vec<Value> = app
        .get("/api/v1/inbound-plugins")
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = plugins
        .iter()
        .map(|p| p["plugin_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["alertmanager", "grafana", "generic"]);
    for p in &plugins {
        let id = p["plugin_id"].as_str().unwrap();
        assert!(
            p["options"]
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o["key"] == "dedup_window")
        );
        let w = create_inbound(&app, json!({"name": format!("{id} in"), "plugin_id": id})).await;
        let r: InboundRequest = app
            .post(&format!("/api/v1/inbound-webhooks/{}/sample", w.webhook_id))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!((r.status, r.sample), (202, true), "{id}: {r:?}");
        assert_eq!(r.alerts.len(), 1, "{id}");
        assert_eq!(r.alerts[0].outcome, AlertOutcome::Routed);
        let event = app
            .get(&format!("/api/v1/events/{}", r.alerts[0].event_id))
            .await;
        assert_eq!(event.status(), StatusCode::OK, "{id}: the event exists");
    }
}

#[tokio::test]
async fn the_resource_validates_masks_and_audits() {
    let app = spawn_app().await;
    let bad = app
        .post_json(
            "/api/v1/inbound-webhooks",
            &json!({"name": "", "plugin_id": "zabbix", "project_id": "Not OK"}),
        )
        .await;
    let bad = expect_error(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert!(bad.error.fields["plugin_id"].contains("alertmanager, grafana, generic"));
    assert!(bad.error.fields.contains_key("name") && bad.error.fields.contains_key("project_id"));
    let bad = app
        .post_json("/api/v1/inbound-webhooks", &json!({"name": "g", "plugin_id": "generic", "version": "0.1", "options": {"key_path": "a..b", "colour": 1}}))
        .await;
    let bad = expect_error(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert!(
        bad.error.fields.contains_key("version"),
        "{:?}",
        bad.error.fields
    );
    assert!(bad.error.fields["options.colour"].contains("Unknown option"));

    let w = create_inbound(&app, json!({"name": "Grafana", "plugin_id": "grafana", "tags": {"team": "db"}, "project_id": "project-db"})).await;
    let twin = app
        .post_json(
            "/api/v1/inbound-webhooks",
            &json!({"name": "grafana", "plugin_id": "grafana"}),
        )
        .await;
    expect_error(twin, StatusCode::CONFLICT, "conflict").await;

    // A viewer sees the key and the URL masked; the list filters.
    let admin = admin_session(&app).await;
    let viewer = add_token(&app, &admin, "v", "viewer", None).await;
    let as_viewer: InboundWebhook = Caller::bearer(viewer.token.clone())
        .get(&app, &format!("/api/v1/inbound-webhooks/{}", w.webhook_id))
        .await
        .json()
        .await
        .unwrap();
    assert!(!as_viewer.webhook_url.contains(&w.access_key));
    assert!(as_viewer.access_key.contains('…') && as_viewer.access_key.len() < 16);
    let listed: Value = app
        .get("/api/v1/inbound-webhooks?plugin_id=grafana&state=ENABLED&keyword=GRAF")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["total_count"], 1);
    let none: Value = app
        .get("/api/v1/inbound-webhooks?project_id=other")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none["total_count"], 0);
    let bad_state = app.get("/api/v1/inbound-webhooks?state=on").await;
    expect_error(
        bad_state,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    // Update, update_plugin, verify.
    let path = format!("/api/v1/inbound-webhooks/{}", w.webhook_id);
    let renamed: InboundWebhook = app
        .put_json(&path, &json!({"name": "Grafana db", "tags": {}}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.tags.len()),
        ("Grafana db", 0)
    );
    let refused = app
        .put_json(
            &format!("{path}/plugin"),
            &json!({"options": {"dedup_window": "soon"}}),
        )
        .await;
    let refused = expect_error(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        refused.error.fields["options.dedup_window"],
        "Must be a whole number."
    );
    let verified = app.post(&format!("{path}/plugin/verify")).await;
    assert_eq!(verified.status(), StatusCode::OK);

    let regenerated = app.post(&format!("{path}/access-key")).await;
    assert_eq!(regenerated.status(), StatusCode::OK);
    let audit: Value = app
        .get("/api/v1/audit?target_type=inbound_webhook")
        .await
        .json()
        .await
        .unwrap();
    let text = audit.to_string();
    let actions: Vec<&str> = audit["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "inbound_webhook.create",
        "inbound_webhook.update",
        "inbound_webhook.regenerate_key",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    assert!(
        !text.contains(&w.access_key),
        "the key is never in the audit log"
    );

    let gone = app.delete(&path).await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        post_to(&w.webhook_url, "{}", "application/json")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn only_the_last_hundred_requests_are_kept_and_the_rate_limit_answers_429() {
    let app = spawn_app_with(std::sync::Arc::new(tempfile::tempdir().unwrap()), |c| {
        c.inbound_rate_limit = 105
    })
    .await;
    let w = create_inbound(&app, json!({"name": "generic", "plugin_id": "generic"})).await;
    for i in 0..104 {
        let body = json!({"id": format!("k{i}"), "title": "t"}).to_string();
        assert_eq!(
            post_to(&w.webhook_url, &body, "application/json")
                .await
                .status(),
            StatusCode::ACCEPTED
        );
    }
    let kept = requests(&app, &w.webhook_id).await;
    assert_eq!(kept.len(), 100);
    assert!(
        kept[0].body.contains("k103") && kept[99].body.contains("k4"),
        "the newest 100"
    );
    assert_eq!(fetched(&app, &w.webhook_id).await.requests.total, 104);
    // The bucket held 105 and refilled meanwhile (105 a minute, 1.75 a second; on a loaded
    // machine the 104 requests above can take many seconds): posting faster than it refills, it
    // runs dry. The bound only stops a limiter that never answers 429.
    let mut limited = None;
    for _ in 0..1000 {
        let r = post_to(&w.webhook_url, "{\"id\": \"x\"}", "application/json").await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(r);
            break;
        }
        assert_eq!(r.status(), StatusCode::ACCEPTED);
    }
    let limited = limited.expect("a 429 once the bucket is empty");
    assert!(limited.headers().contains_key("retry-after"));
    let error: webhook_api::ErrorBody = limited.json().await.unwrap();
    assert_eq!(error.error.code, "too_many_requests");
}

#[tokio::test]
async fn auto_moves_to_the_newest_version_at_start_manual_stays() {
    let dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let app = spawn_app_in(dir.clone()).await;
    let auto = create_inbound(&app, json!({"name": "auto", "plugin_id": "alertmanager", "version": "1.0.0", "upgrade_mode": "AUTO"})).await;
    let manual = create_inbound(&app, json!({"name": "manual", "plugin_id": "alertmanager", "version": "1.0.0", "upgrade_mode": "MANUAL"})).await;
    assert_eq!(auto.plugin_info.version, "1.0.0");
    let restarted = spawn_app_in(dir).await;
    assert_eq!(
        fetched(&restarted, &auto.webhook_id)
            .await
            .plugin_info
            .version,
        "1.1.0"
    );
    assert_eq!(
        fetched(&restarted, &manual.webhook_id)
            .await
            .plugin_info
            .version,
        "1.0.0"
    );
    let moved: InboundWebhook = restarted
        .put_json(
            &format!("/api/v1/inbound-webhooks/{}/plugin", manual.webhook_id),
            &json!({"version": "1.1.0"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(moved.plugin_info.version, "1.1.0");
}
