//! Send Test, Send and VALIDATE against real receivers on 127.0.0.1: the report shows the request
//! as sent (secrets masked) and the answer, and every way a send can fail has its own kind.

use crate::helpers::{TOKEN, expect_error, spawn_app, spawn_app_with, webhook_body};
use crate::receiver::{Receiver, closed_port, raw_peer};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use webhook_api::{CreatedWebhook, DeliveryErrorKind, Page, SendReport, Webhook};

fn body_for(url: &str) -> Value {
    let mut body = webhook_body("receiver");
    body["url"] = json!(url);
    body
}

async fn send_test(app: &crate::helpers::TestApp, body: &Value) -> SendReport {
    let response = app.post_json("/api/v1/webhooks/test", body).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn send_test_reports_the_exchange_with_secrets_masked_and_saves_nothing() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let mut body = body_for(&receiver.url("/ok"));
    body["auth"] = json!({"type": "bearer", "token": TOKEN});
    body["headers"] = json!({"X-Team": "ops", "X-Api-Key": "key-abcdefghijklmnop-9876"});
    body["event_types"] = json!(["resource.update"]);

    let report = send_test(&app, &body).await;

    assert!(report.ok, "{report:?}");
    assert_eq!(report.error, None);
    let response = report.response.unwrap();
    assert_eq!(
        (response.status, response.body.as_str(), response.truncated),
        (200, "thanks", false)
    );
    let sent = &report.request;
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.url, receiver.url("/ok"));
    assert_eq!(sent.headers["authorization"], "Bearer ••••••••1234");
    assert_eq!(sent.headers["x-api-key"], "••••••••9876");
    assert_eq!(sent.headers["x-team"], "ops");
    assert_eq!(sent.headers["x-webhook-event"], "SERVER/UPDATE");
    assert!(sent.headers["webhook-id"].starts_with("msg_"));
    // The receiver got the real secrets and exactly the body the report shows.
    let got = receiver.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].headers["authorization"], format!("Bearer {TOKEN}"));
    assert_eq!(got[0].headers["x-api-key"], "key-abcdefghijklmnop-9876");
    assert_eq!(got[0].body, sent.body);
    assert_eq!(got[0].json()["action"], "update");
    assert!(
        got[0].json()["Msg"]
            .as_str()
            .unwrap()
            .contains("Resource updated")
    );
    let list: Page<Webhook> = app.get("/api/v1/webhooks").await.json().await.unwrap();
    assert_eq!(list.total_count, 0);
}

#[tokio::test]
async fn send_test_validates_like_create() {
    let app = spawn_app().await;
    let mut body = body_for("ftp://nope");
    body["body"] = json!({"Msg": "clash"});

    let response = app.post_json("/api/v1/webhooks/test", &body).await;

    let error = expect_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(error.error.fields.contains_key("url"));
    assert!(
        error.error.fields["body"].contains("message key"),
        "{error:?}"
    );
}

#[tokio::test]
async fn every_failure_has_its_kind() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let garbage = raw_peer(b"this is not http\r\n\r\n").await;
    let dropper = raw_peer(b"").await;
    let closed = closed_port().await;
    let plain = receiver.url("/ok").replace("http://", "https://");
    let cases = [
        (format!("{closed}/x"), DeliveryErrorKind::Connect),
        (format!("{dropper}/x"), DeliveryErrorKind::Connect),
        (format!("{garbage}/x"), DeliveryErrorKind::InvalidResponse),
        (
            "http://no-such-host.invalid/x".to_string(),
            DeliveryErrorKind::Dns,
        ),
        (plain, DeliveryErrorKind::Tls),
        (receiver.url("/status/500"), DeliveryErrorKind::HttpStatus),
        (receiver.url("/hang"), DeliveryErrorKind::Timeout),
        (
            "http://169.254.169.254/latest/meta-data".to_string(),
            DeliveryErrorKind::RefusedByPolicy,
        ),
        // Public, but the tests' server delivers only to loopback (--only-allowed-targets).
        (
            "http://93.184.216.34/".to_string(),
            DeliveryErrorKind::RefusedByPolicy,
        ),
    ];
    for (url, kind) in cases {
        let mut body = body_for(&url);
        body["timeout"] = json!(1);

        let report = send_test(&app, &body).await;

        assert!(!report.ok, "{url}");
        let error = report.error.unwrap_or_else(|| panic!("{url}: no error"));
        assert_eq!(error.kind, kind, "{url}: {}", error.message);
        assert!(!error.message.is_empty());
    }
}

#[tokio::test]
async fn loopback_is_refused_unless_allowed() {
    let app = spawn_app_with(Arc::new(tempfile::tempdir().unwrap()), |c| {
        c.allow_targets.clear()
    })
    .await;
    let receiver = Receiver::start().await;
    let port = receiver.address.rsplit(':').next().unwrap().to_string();
    for url in [receiver.url("/ok"), format!("http://localhost:{port}/ok")] {
        let report = send_test(&app, &body_for(&url)).await;

        let error = report.error.expect("refused");
        assert_eq!(error.kind, DeliveryErrorKind::RefusedByPolicy, "{url}");
        assert!(
            error.message.contains("--allow-target"),
            "{}",
            error.message
        );
    }
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;

    let report = send_test(&app, &body_for(&receiver.url("/redirect"))).await;

    let error = report.error.unwrap();
    assert_eq!(error.kind, DeliveryErrorKind::HttpStatus);
    assert!(error.message.contains("not followed"), "{}", error.message);
    assert_eq!(report.response.unwrap().status, 302);
    let paths: Vec<String> = receiver.received().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/redirect"]);
}

#[tokio::test]
async fn a_huge_answer_is_capped() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;

    let report = send_test(&app, &body_for(&receiver.url("/huge"))).await;

    assert!(report.ok);
    let response = report.response.unwrap();
    assert!(response.truncated);
    assert_eq!(response.body.len(), webhook_api::RESPONSE_BODY_CAP);
}

#[tokio::test]
async fn a_robot_error_in_a_200_is_a_failure() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let mut body = body_for(&receiver.url("/robot-error"));
    body["format"] = json!("dingtalk");
    body["auth"] = json!({"type": "signature", "secret": "SEC0123456789abcdef"});

    let report = send_test(&app, &body).await;

    assert_eq!(report.error.unwrap().kind, DeliveryErrorKind::ReceiverError);
    let got = &receiver.received()[0];
    assert!(got.path.starts_with("/robot-error"));
    assert_eq!(got.json()["msgtype"], "text");
    assert!(
        report.request.url.contains("&sign=") || report.request.url.contains("?timestamp="),
        "{}",
        report.request.url
    );
}

#[tokio::test]
async fn create_sends_validate_and_records_it() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let mut body = body_for(&receiver.url("/ok"));
    body["msg_key"] = json!("text");

    let response = app.post_json("/api/v1/webhooks", &body).await;

    assert_eq!(response.status(), StatusCode::CREATED);
    let created: CreatedWebhook = response.json().await.unwrap();
    let validation = created.validation.expect("a validation report");
    assert!(validation.ok);
    let got = receiver.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].headers["x-webhook-event"], "VALIDATE");
    assert_eq!(got[0].body, r#"{"text":"This is a validate message."}"#);
    let log: Value = app
        .get(&format!(
            "/api/v1/webhooks/{}/deliveries",
            created.webhook.id
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["total_count"], 1);
    assert_eq!(log["results"][0]["kind"], "validate");
    assert_eq!(log["results"][0]["status"], "succeeded");
    assert_eq!(log["results"][0]["attempts"][0]["response"]["status"], 200);
}

#[tokio::test]
async fn a_failed_validate_still_creates_the_webhook() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;

    let created: CreatedWebhook = app
        .post_json("/api/v1/webhooks", &body_for(&receiver.url("/status/404")))
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(
        created.validation.unwrap().error.unwrap().kind,
        DeliveryErrorKind::HttpStatus
    );
    let fetched = app
        .get(&format!("/api/v1/webhooks/{}", created.webhook.id))
        .await;
    assert_eq!(fetched.status(), StatusCode::OK);
}

#[tokio::test]
async fn send_uses_the_saved_webhook_and_its_first_event_type() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let mut body = body_for(&receiver.url("/ok"));
    body["event_types"] = json!(["host.lost_connection", "resource.update"]);
    let created = app.create(&body).await;

    let response = app
        .post(&format!("/api/v1/webhooks/{}/send", created.id))
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    let report: SendReport = response.json().await.unwrap();
    assert!(report.ok);
    assert_eq!(
        report.request.headers["x-webhook-event"],
        "HOST/LOST_CONNECTION"
    );
    // VALIDATE, then the Send.
    assert_eq!(receiver.received().len(), 2);
    let missing = app.post("/api/v1/webhooks/nope/send").await;
    expect_error(missing, StatusCode::NOT_FOUND, "not_found").await;
}
