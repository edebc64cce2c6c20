//! Payload options on webhooks (format, use_template, msg_key, body), the preview, Send Test on the
//! modify form with masked secrets, and what is not delivered.

use crate::helpers::{TOKEN, expect_error, spawn_app, webhook_body};
use crate::receiver::Receiver;
use reqwest::StatusCode;
use serde_json::{Value, json};
use webhook_api::{Delivery, Page, PayloadFormat, SendReport, SentRequest, Webhook};

#[tokio::test]
async fn payload_options_are_stored_and_kept_by_modify() {
    let app = spawn_app().await;
    let mut body = webhook_body("options");
    body["format"] = json!("slack");
    body["use_template"] = json!(false);
    body["msg_key"] = json!("text");
    body["body"] = json!({"channel": "#ops", "priority": 2});
    body["enabled"] = json!(false);

    let created = app.create(&body).await;

    assert_eq!(created.format, PayloadFormat::Slack);
    assert!(!created.use_template);
    assert_eq!(created.msg_key, "text");
    assert_eq!(created.body["priority"], 2);
    let mut input = serde_json::to_value(created.to_input()).unwrap();
    input["description"] = json!("changed");
    let modified: Webhook = app
        .put_json(&format!("/api/v1/webhooks/{}", created.id), &input)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (modified.format, modified.msg_key.as_str()),
        (PayloadFormat::Slack, "text")
    );
    assert_eq!(modified.body, created.body);
    let fresh = app.create_named("defaults").await;
    assert_eq!(
        (fresh.format, fresh.use_template, fresh.msg_key.as_str()),
        (PayloadFormat::Generic, true, "Msg")
    );
}

#[tokio::test]
async fn a_body_field_named_like_msg_key_is_refused() {
    let app = spawn_app().await;
    let mut body = webhook_body("clash");
    body["msg_key"] = json!("note");
    body["body"] = json!({"note": "x"});

    let response = app.post_json("/api/v1/webhooks", &body).await;

    let error = expect_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(error.error.fields["body"].contains("'note'"), "{error:?}");
}

#[tokio::test]
async fn preview_shows_the_request_per_format_and_language() {
    let app = spawn_app().await;
    let mut body = webhook_body("preview");
    body["language"] = json!("zh-CN");
    body["event_types"] = json!(["host.lost_connection"]);
    body["auth"] = json!({"type": "bearer", "token": TOKEN});

    let generic: SentRequest = app
        .post_json("/api/v1/webhooks/preview", &body)
        .await
        .json()
        .await
        .unwrap();

    let payload: Value = serde_json::from_str(&generic.body).unwrap();
    assert!(
        payload["Msg"].as_str().unwrap().contains("主机失联"),
        "{payload}"
    );
    assert_eq!(generic.headers["authorization"], "Bearer ••••••••1234");
    assert_eq!(generic.headers["x-webhook-event"], "HOST/LOST_CONNECTION");
    body["format"] = json!("wecom");
    let wecom: SentRequest = app
        .post_json("/api/v1/webhooks/preview", &body)
        .await
        .json()
        .await
        .unwrap();
    let payload: Value = serde_json::from_str(&wecom.body).unwrap();
    assert_eq!(payload["msgtype"], "text");
    assert!(
        payload["text"]["content"]
            .as_str()
            .unwrap()
            .starts_with("[警告] 主机失联"),
        "{payload}"
    );
}

#[tokio::test]
async fn send_test_of_a_saved_webhook_resolves_masked_secrets() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let mut body = webhook_body("masked");
    body["url"] = json!(receiver.url("/ok"));
    body["auth"] = json!({"type": "bearer", "token": TOKEN});
    body["enabled"] = json!(false);
    let created = app.create(&body).await;
    let mut edited = serde_json::to_value(created.to_input()).unwrap();
    edited["headers"] = json!({"X-Edited": "yes"});

    let response = app
        .post_json(&format!("/api/v1/webhooks/{}/test", created.id), &edited)
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    let report: SendReport = response.json().await.unwrap();
    assert!(report.ok, "{report:?}");
    let got = &receiver.received()[0];
    assert_eq!(got.headers["authorization"], format!("Bearer {TOKEN}"));
    assert_eq!(got.headers["x-edited"], "yes");
    // Nothing was saved.
    let stored = app.stored(&created.id).await.unwrap();
    assert!(stored.headers.is_empty());
}

#[tokio::test]
async fn disabled_and_unsubscribed_webhooks_get_no_deliveries() {
    let app = spawn_app().await;
    let mut disabled = webhook_body("disabled");
    disabled["event_types"] = json!(["resource.update"]);
    disabled["enabled"] = json!(false);
    let disabled = app.create(&disabled).await;
    app.create_named("other type").await;

    let response = app
        .post_json(
            "/api/v1/events",
            &json!({"type": "resource.update", "action": "update", "resource_type": "host"}),
        )
        .await;

    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let accepted: Value = response.json().await.unwrap();
    assert_eq!(accepted["deliveries"], 0);
    assert_eq!(accepted["event_ids"].as_array().unwrap().len(), 1);
    let log: Page<Delivery> = app
        .get(&format!(
            "/api/v1/webhooks/{}/deliveries?status=pending",
            disabled.id
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log.total_count, 0);
    let bad = app
        .get(&format!(
            "/api/v1/webhooks/{}/deliveries?status=lost",
            disabled.id
        ))
        .await;
    expect_error(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let missing = app.get("/api/v1/webhooks/nope/deliveries").await;
    expect_error(missing, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn a_secret_replaced_by_modify_stops_signing_at_once() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let mut body = webhook_body("signed");
    body["url"] = json!(receiver.url("/ok"));
    body["auth"] = json!({"type": "signature", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"});
    body["enabled"] = json!(false);
    let created = app.create(&body).await;
    let rotated = app
        .post(&format!("/api/v1/webhooks/{}/rotate-secret", created.id))
        .await;
    assert_eq!(rotated.status(), StatusCode::OK);
    let rotated: webhook_api::SecretRotation = rotated.json().await.unwrap();
    let mut input = serde_json::to_value(rotated.webhook.to_input()).unwrap();
    input["auth"] = json!({"type": "signature", "secret": "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="});

    let modified: Webhook = app
        .put_json(&format!("/api/v1/webhooks/{}", created.id), &input)
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(modified.previous_secret_expires_at, None);
    let report: SendReport = app
        .post(&format!("/api/v1/webhooks/{}/send", created.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        report.request.headers["webhook-signature"]
            .split(' ')
            .count(),
        1
    );
}
