//! `POST /api/v1/webhooks`: what is accepted, with which defaults, and how each kind of bad input
//! is answered.

use crate::helpers::{TOKEN, expect_error, spawn_app, webhook_body};
use reqwest::StatusCode;
use serde_json::json;
use webhook_api::{Auth, Webhook, WebhookStatus};

#[tokio::test]
async fn create_returns_201_with_defaults_location_and_masked_secret() {
    // Arrange
    let app = spawn_app().await;
    let mut body = webhook_body("Ops alerts");
    body["auth"] = json!({"type": "bearer", "token": TOKEN});

    // Act
    let response = app.post_json("/api/v1/webhooks", &body).await;

    // Assert
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let created: Webhook = response.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/webhooks/{}", created.id));
    assert_eq!(created.name, "Ops alerts");
    assert_eq!(
        created.auth,
        Auth::Bearer {
            token: "••••••••1234".into()
        }
    );
    assert_eq!(
        (created.batch_size, created.timeout, created.enabled),
        (10, 10, true)
    );
    assert_eq!(created.status, WebhookStatus::Active);
    assert_eq!(created.version, 1);
    assert_eq!(created.updated_by, "token:tests", "the acting token");
    assert_eq!(created.created_at, created.updated_at);
    assert_eq!(created.created_at.len(), "2026-11-23T18:16:36.123Z".len());
    assert!(created.created_at.ends_with('Z'));
    // The secret is stored in full, and what GET returns is masked too.
    let stored = app.stored(&created.id).await.unwrap();
    assert_eq!(
        stored.auth,
        Auth::Bearer {
            token: TOKEN.into()
        }
    );
    let fetched: Webhook = app.get(&location).await.json().await.unwrap();
    assert_eq!(fetched, created);
}

#[tokio::test]
async fn create_disabled_has_status_disabled() {
    let app = spawn_app().await;
    let mut body = webhook_body("quiet");
    body["enabled"] = json!(false);

    let created = app.create(&body).await;

    assert!(!created.enabled);
    assert_eq!(created.status, WebhookStatus::Disabled);
}

#[tokio::test]
async fn create_without_a_required_field_is_422_naming_it() {
    let app = spawn_app().await;
    for field in ["name", "url", "event_types"] {
        let mut body = webhook_body("x");
        body.as_object_mut().unwrap().remove(field);

        let response = app.post_json("/api/v1/webhooks", &body).await;

        let error = expect_error(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            error.error.fields[field], "This field is required.",
            "{field}"
        );
    }
}

#[tokio::test]
async fn create_with_a_wrong_type_is_422_naming_the_field() {
    let app = spawn_app().await;
    let mut body = webhook_body("x");
    body["batch_size"] = json!("ten");

    let response = app.post_json("/api/v1/webhooks", &body).await;

    let error = expect_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(
        error.error.fields["batch_size"].contains("invalid type"),
        "{error:?}"
    );
}

#[tokio::test]
async fn create_with_an_unknown_field_is_422_naming_it() {
    let app = spawn_app().await;
    let mut body = webhook_body("x");
    body["colour"] = json!("blue");

    let response = app.post_json("/api/v1/webhooks", &body).await;

    let error = expect_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error.error.fields["colour"], "Unknown field.");
}

#[tokio::test]
async fn unreadable_bodies_are_400_with_the_error_body() {
    let app = spawn_app().await;
    let cases: [(&str, &str); 4] = [
        ("{\"name\": \"x\",", "application/json"),
        ("", "application/json"),
        ("not json at all", "application/json"),
        (r#"{"name":"x"}"#, "text/plain"),
    ];
    for (body, content_type) in cases {
        let response = app.post_raw(body, content_type).await;

        expect_error(response, StatusCode::BAD_REQUEST, "bad_request").await;
    }
}

#[tokio::test]
async fn a_one_mebibyte_body_is_413() {
    let app = spawn_app().await;
    let mut body = webhook_body("big");
    body["description"] = json!("x".repeat(1024 * 1024));

    let response = app.post_raw(body.to_string(), "application/json").await;

    expect_error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

#[tokio::test]
async fn invalid_values_are_422_with_a_message_per_field() {
    let app = spawn_app().await;
    let cases = [
        (
            "url",
            json!("ftp://files.example.com"),
            "http:// or https://",
        ),
        ("url", json!("https://user:pw@example.com"), "credentials"),
        ("name", json!("n".repeat(129)), "At most 128"),
        ("name", json!("   "), "required"),
        (
            "event_types",
            json!(["no.such_event"]),
            "Unknown event type 'no.such_event'",
        ),
        ("event_types", json!([]), "at least one"),
        ("batch_size", json!(0), "1 to 100"),
        ("timeout", json!(61), "1 to 60"),
    ];
    for (field, value, message) in cases {
        let mut body = webhook_body("x");
        body[field] = value;

        let response = app.post_json("/api/v1/webhooks", &body).await;

        let error = expect_error(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(
            error.error.fields[field].contains(message),
            "{field}: {error:?}"
        );
    }
    let listed: serde_json::Value = app.get("/api/v1/webhooks").await.json().await.unwrap();
    assert_eq!(listed["total_count"], 0, "nothing invalid was stored");
}

#[tokio::test]
async fn auth_fields_are_checked() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"type": "basic", "username": "a:b", "password": "pw"}),
            "auth.username",
        ),
        (
            json!({"type": "basic", "username": "ops", "password": ""}),
            "auth.password",
        ),
        (
            json!({"type": "signature", "secret": "not-a-whsec"}),
            "auth.secret",
        ),
        // A mask is not a secret: with nothing stored to keep, it must be refused.
        (
            json!({"type": "bearer", "token": "••••••••1234"}),
            "auth.token",
        ),
        (json!({"type": "magic"}), "auth.type"),
    ];
    for (auth, field) in cases {
        let mut body = webhook_body("x");
        body["auth"] = auth;

        let response = app.post_json("/api/v1/webhooks", &body).await;

        let error = expect_error(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(error.error.fields.contains_key(field), "{field}: {error:?}");
    }
}

#[tokio::test]
async fn a_duplicate_name_is_409_in_any_case() {
    let app = spawn_app().await;
    app.create_named("Ops Alerts").await;

    for name in ["Ops Alerts", "ops alerts", "  OPS ALERTS "] {
        let response = app.post_json("/api/v1/webhooks", &webhook_body(name)).await;

        let error = expect_error(response, StatusCode::CONFLICT, "conflict").await;
        assert_eq!(
            error.error.fields["name"],
            format!("A webhook named '{}' already exists.", name.trim())
        );
    }
}

#[tokio::test]
async fn names_are_trimmed() {
    let app = spawn_app().await;

    let created = app.create_named("  padded  ").await;

    assert_eq!(created.name, "padded");
}
