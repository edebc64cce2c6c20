//! Reading, modifying, enabling, disabling and deleting one webhook.

use crate::helpers::{TOKEN, expect_error, spawn_app, webhook_body};
use reqwest::StatusCode;
use serde_json::{Value, json};
use webhook_api::{Auth, Webhook, WebhookStatus};

fn path(w: &Webhook) -> String {
    format!("/api/v1/webhooks/{}", w.id)
}

/// The webhook's own modify body (masked secrets and its version included), as the console sends it.
fn edit_body(w: &Webhook) -> Value {
    serde_json::to_value(w.to_input()).unwrap()
}

#[tokio::test]
async fn get_an_unknown_id_is_404() {
    let app = spawn_app().await;

    let response = app
        .get("/api/v1/webhooks/0190a0a0-0000-7000-8000-000000000000")
        .await;

    expect_error(response, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn put_replaces_the_fields_and_records_the_change() {
    let app = spawn_app().await;
    let created = app.create_named("before").await;
    let mut body = edit_body(&created);
    body["name"] = json!("after");
    body["type"] = json!("alarms");
    body["event_types"] = json!(["host.cpu_high", "host.disk_full"]);
    body["headers"] = json!({"X-Team": "ops"});
    body["tags"] = json!({"env": "prod"});

    let response = app.put_json(&path(&created), &body).await;

    assert_eq!(response.status(), StatusCode::OK);
    let updated: Webhook = response.json().await.unwrap();
    assert_eq!(updated.name, "after");
    assert_eq!(updated.kind, webhook_api::WebhookType::Alarms);
    assert_eq!(updated.event_types, ["host.cpu_high", "host.disk_full"]);
    assert_eq!(updated.headers["X-Team"], "ops");
    assert_eq!(updated.version, 2);
    assert_eq!(updated.created_at, created.created_at);
    assert!(updated.updated_at >= created.updated_at);
    assert_eq!(updated.updated_by, "token:tests");
    let fetched: Webhook = app.get(&path(&created)).await.json().await.unwrap();
    assert_eq!(fetched, updated);
}

#[tokio::test]
async fn put_without_changes_keeps_the_version() {
    let app = spawn_app().await;
    let created = app.create_named("same").await;

    let response = app.put_json(&path(&created), &edit_body(&created)).await;

    let unchanged: Webhook = response.json().await.unwrap();
    assert_eq!(unchanged, created);
}

#[tokio::test]
async fn put_keeps_the_secret_when_its_mask_is_sent_back_and_replaces_it_when_new() {
    let app = spawn_app().await;
    let mut body = webhook_body("secretive");
    body["auth"] = json!({"type": "basic", "username": "ops", "password": TOKEN});
    let created = app.create(&body).await;

    // Send the masked password back with another change.
    let mut edit = edit_body(&created);
    edit["description"] = json!("now with a description");
    let response = app.put_json(&path(&created), &edit).await;
    assert_eq!(response.status(), StatusCode::OK);
    let kept = app.stored(&created.id).await.unwrap();
    assert_eq!(
        kept.auth,
        Auth::Basic {
            username: "ops".into(),
            password: TOKEN.into()
        }
    );

    // A new password replaces it.
    let current: Webhook = response.json().await.unwrap();
    let mut edit = edit_body(&current);
    edit["auth"]["password"] = json!("a-brand-new-password-5678");
    let response = app.put_json(&path(&created), &edit).await;
    let replaced: Webhook = response.json().await.unwrap();
    assert_eq!(
        replaced.auth,
        Auth::Basic {
            username: "ops".into(),
            password: "••••••••5678".into()
        }
    );
    let stored = app.stored(&created.id).await.unwrap();
    assert_eq!(
        stored.auth,
        Auth::Basic {
            username: "ops".into(),
            password: "a-brand-new-password-5678".into()
        }
    );
}

#[tokio::test]
async fn put_validates_after_resolving_masks() {
    let app = spawn_app().await;
    let mut body = webhook_body("switching");
    body["auth"] = json!({"type": "bearer", "token": TOKEN});
    let created = app.create(&body).await;
    // Switching to basic auth while sending the bearer token's mask as the password keeps nothing.
    let mut edit = edit_body(&created);
    edit["auth"] = json!({"type": "basic", "username": "ops", "password": "••••••••1234"});

    let response = app.put_json(&path(&created), &edit).await;

    let error = expect_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(
        error.error.fields.contains_key("auth.password"),
        "{error:?}"
    );
    assert_eq!(
        app.stored(&created.id).await.unwrap().auth,
        Auth::Bearer {
            token: TOKEN.into()
        }
    );
}

#[tokio::test]
async fn put_with_invalid_fields_is_422() {
    let app = spawn_app().await;
    let created = app.create_named("valid").await;
    let mut edit = edit_body(&created);
    edit["url"] = json!("not a url");

    let response = app.put_json(&path(&created), &edit).await;

    let error = expect_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(error.error.fields.contains_key("url"));
}

#[tokio::test]
async fn put_with_a_stale_version_is_409_and_changes_nothing() {
    let app = spawn_app().await;
    let created = app.create_named("contested").await;
    let mut first = edit_body(&created);
    first["description"] = json!("first editor");
    assert_eq!(
        app.put_json(&path(&created), &first).await.status(),
        StatusCode::OK
    );
    let mut second = edit_body(&created); // still version 1
    second["description"] = json!("second editor");

    let response = app.put_json(&path(&created), &second).await;

    let error = expect_error(response, StatusCode::CONFLICT, "conflict").await;
    assert!(
        error.error.message.contains("modified by someone else"),
        "{error:?}"
    );
    let current: Webhook = app.get(&path(&created)).await.json().await.unwrap();
    assert_eq!(current.description, "first editor");
}

#[tokio::test]
async fn put_without_a_version_overwrites() {
    let app = spawn_app().await;
    let created = app.create_named("blind").await;
    let mut edit = edit_body(&created);
    edit.as_object_mut().unwrap().remove("version");
    edit["description"] = json!("no version given");

    let response = app.put_json(&path(&created), &edit).await;

    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn put_to_a_taken_name_is_409() {
    let app = spawn_app().await;
    app.create_named("taken").await;
    let other = app.create_named("other").await;
    let mut edit = edit_body(&other);
    edit["name"] = json!("TAKEN");

    let response = app.put_json(&path(&other), &edit).await;

    let error = expect_error(response, StatusCode::CONFLICT, "conflict").await;
    assert_eq!(
        error.error.fields["name"],
        "A webhook named 'TAKEN' already exists."
    );
}

#[tokio::test]
async fn put_renaming_to_another_case_of_its_own_name_is_allowed() {
    let app = spawn_app().await;
    let created = app.create_named("ops").await;
    let mut edit = edit_body(&created);
    edit["name"] = json!("OPS");

    let response = app.put_json(&path(&created), &edit).await;

    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn put_enabled_false_disables_and_true_reactivates() {
    let app = spawn_app().await;
    let created = app.create_named("toggle").await;
    let mut edit = edit_body(&created);
    edit["enabled"] = json!(false);

    let disabled: Webhook = app
        .put_json(&path(&created), &edit)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (disabled.enabled, disabled.status),
        (false, WebhookStatus::Disabled)
    );

    let mut edit = edit_body(&disabled);
    edit["enabled"] = json!(true);
    let enabled: Webhook = app
        .put_json(&path(&created), &edit)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (enabled.enabled, enabled.status),
        (true, WebhookStatus::Active)
    );
}

#[tokio::test]
async fn disable_and_enable_set_the_status_and_are_idempotent() {
    let app = spawn_app().await;
    let created = app.create_named("switch").await;

    let disabled: Webhook = app
        .post(&format!("{}/disable", path(&created)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (disabled.enabled, disabled.status, disabled.version),
        (false, WebhookStatus::Disabled, 2)
    );

    let again = app.post(&format!("{}/disable", path(&created))).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.json::<Webhook>().await.unwrap(), disabled);

    let enabled: Webhook = app
        .post(&format!("{}/enable", path(&created)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (enabled.enabled, enabled.status, enabled.version),
        (true, WebhookStatus::Active, 3)
    );

    let again: Webhook = app
        .post(&format!("{}/enable", path(&created)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again, enabled);
}

#[tokio::test]
async fn enable_and_disable_an_unknown_id_are_404() {
    let app = spawn_app().await;
    for action in ["enable", "disable"] {
        let response = app.post(&format!("/api/v1/webhooks/nope/{action}")).await;

        expect_error(response, StatusCode::NOT_FOUND, "not_found").await;
    }
}

#[tokio::test]
async fn delete_hides_the_webhook_everywhere_and_frees_its_name() {
    let app = spawn_app().await;
    let doomed = app.create_named("Doomed").await;
    let survivor = app.create_named("survivor").await;

    let response = app.delete(&path(&doomed)).await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    expect_error(
        app.get(&path(&doomed)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_error(
        app.put_json(&path(&doomed), &edit_body(&doomed)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_error(
        app.delete(&path(&doomed)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_error(
        app.post(&format!("{}/enable", path(&doomed))).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let list: Value = app.get("/api/v1/webhooks").await.json().await.unwrap();
    assert_eq!(list["total_count"], 1);
    assert_eq!(list["results"][0]["id"], survivor.id);
    let stat: Value = app.get("/api/v1/webhooks/stat").await.json().await.unwrap();
    assert_eq!(stat["total"], 1);
    let reborn = app.create_named("doomed").await;
    assert_ne!(reborn.id, doomed.id);
}
