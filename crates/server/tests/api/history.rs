//! A webhook's history (seed 003): every change is a version with its change description, newest
//! first; a save without changes is none; deleted webhooks are listed for admins and restored.

use crate::helpers::{TOKEN, TestApp, expect_error, spawn_app, webhook_body};
use reqwest::StatusCode;
use serde_json::{Value, json};
use webhook_api::{FieldChange, Page, Webhook, WebhookVersion};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const PASSWORD: &str = "basic-password-abcdef-9876";

async fn versions(app: &TestApp, id: &str) -> Vec<WebhookVersion> {
    let response = app.get(&format!("/api/v1/webhooks/{id}/versions")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    for secret in [TOKEN, SECRET, PASSWORD] {
        assert!(!text.contains(secret), "a secret in the history: {text}");
    }
    serde_json::from_str(&text).unwrap()
}

/// `PUT` of `w` with `change` applied to its own body (masked secrets and version included).
async fn modify(app: &TestApp, w: &Webhook, change: impl FnOnce(&mut Value)) -> Webhook {
    let mut body = serde_json::to_value(w.to_input()).unwrap();
    change(&mut body);
    let response = app
        .put_json(&format!("/api/v1/webhooks/{}", w.id), &body)
        .await;
    assert_eq!(response.status(), StatusCode::OK, "modifying with {body}");
    response.json().await.unwrap()
}

fn change(name: &str, old: Option<Value>, new: Option<Value>) -> FieldChange {
    FieldChange {
        name: name.into(),
        old_value: old,
        new_value: new,
    }
}

fn named<'a>(changes: &'a [FieldChange], name: &str) -> &'a FieldChange {
    changes
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no change of {name} in {changes:?}"))
}

const CHANGED: &str = "(changed)";

#[tokio::test]
async fn each_change_is_a_version_with_what_it_changed_newest_first() {
    let app = spawn_app().await;
    let mut body = webhook_body("history");
    body["enabled"] = json!(false);
    body["auth"] = json!({"type": "bearer", "token": TOKEN});
    let created = app.create(&body).await;
    assert_eq!(created.version, 1);

    let first = versions(&app, &created.id).await;
    assert_eq!(first.len(), 1);
    let v1 = &first[0];
    assert_eq!((v1.version, v1.action.as_str()), (1, "create"));
    assert_eq!(v1.changed_by, "token:tests");
    assert_eq!(v1.change.previous_version, None);
    assert!(v1.change.fields_updated.is_empty() && v1.change.fields_deleted.is_empty());
    let added = &v1.change.fields_added;
    assert_eq!(
        named(added, "name"),
        &change("name", None, Some(json!("history")))
    );
    assert_eq!(named(added, "auth.token").new_value, Some(json!(CHANGED)));

    let renamed = modify(&app, &created, |b| {
        b["name"] = json!("history-2");
        b["description"] = json!("described");
    })
    .await;
    assert_eq!(renamed.version, 2);
    let same = modify(&app, &renamed, |_| {}).await;
    assert_eq!(
        (same.version, &same.updated_at),
        (2, &renamed.updated_at),
        "a no-op save"
    );
    assert_eq!(
        versions(&app, &created.id).await.len(),
        2,
        "a no-op save adds no version"
    );

    let basic = modify(&app, &same, |b| {
        b["auth"] = json!({"type": "basic", "username": "u", "password": PASSWORD});
    })
    .await;
    let enabled = app
        .post(&format!("/api/v1/webhooks/{}/enable", basic.id))
        .await;
    assert_eq!(enabled.status(), StatusCode::OK);
    let again = app
        .post(&format!("/api/v1/webhooks/{}/enable", basic.id))
        .await;
    let again: Webhook = again.json().await.unwrap();
    assert_eq!(again.version, 4, "enabling an enabled webhook is no change");
    let disabled = app
        .post(&format!("/api/v1/webhooks/{}/disable", basic.id))
        .await;
    let disabled: Webhook = disabled.json().await.unwrap();
    let signing = modify(&app, &disabled, |b| {
        b["auth"] = json!({"type": "signature", "secret": SECRET});
    })
    .await;
    let rotated = app
        .post(&format!("/api/v1/webhooks/{}/rotate-secret", signing.id))
        .await;
    assert_eq!(rotated.status(), StatusCode::OK);
    let rotated: Value = rotated.json().await.unwrap();
    let new_secret = rotated["secret"].as_str().unwrap().to_string();
    assert_eq!(rotated["webhook"]["version"], 7);
    let gone = app
        .delete(&format!("/api/v1/webhooks/{}", signing.id))
        .await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);

    // Still readable once deleted, newest first, each from the one before.
    let all = versions(&app, &created.id).await;
    let text = serde_json::to_string(&all).unwrap();
    assert!(
        !text.contains(&new_secret),
        "the rotated secret in the history"
    );
    let numbers: Vec<i64> = all.iter().map(|v| v.version).collect();
    assert_eq!(numbers, [8, 7, 6, 5, 4, 3, 2, 1]);
    let actions: Vec<&str> = all.iter().map(|v| v.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "delete",
            "rotate_secret",
            "modify",
            "disable",
            "enable",
            "modify",
            "modify",
            "create"
        ]
    );
    for v in &all[..7] {
        assert_eq!(v.change.previous_version, Some(v.version - 1), "{v:?}");
        assert_eq!(v.changed_by, "token:tests");
    }
    let by = |n: i64| &all.iter().find(|v| v.version == n).unwrap().change;

    let v2 = by(2);
    assert_eq!(
        named(&v2.fields_updated, "name"),
        &change("name", Some(json!("history")), Some(json!("history-2")))
    );
    assert_eq!(
        named(&v2.fields_updated, "description"),
        &change("description", Some(json!("")), Some(json!("described")))
    );
    assert_eq!(v2.fields_updated.len(), 2, "{v2:?}");
    assert!(v2.fields_added.is_empty() && v2.fields_deleted.is_empty());

    let v3 = by(3);
    assert_eq!(
        named(&v3.fields_updated, "auth.type"),
        &change("auth.type", Some(json!("bearer")), Some(json!("basic")))
    );
    assert_eq!(
        named(&v3.fields_added, "auth.password").new_value,
        Some(json!(CHANGED))
    );
    assert_eq!(
        named(&v3.fields_added, "auth.username").new_value,
        Some(json!("u"))
    );
    assert_eq!(
        named(&v3.fields_deleted, "auth.token"),
        &change("auth.token", Some(json!(CHANGED)), None)
    );

    let enabled = change("enabled", Some(json!(false)), Some(json!(true)));
    assert_eq!(by(4).fields_updated, [enabled]);
    let disabled = change("enabled", Some(json!(true)), Some(json!(false)));
    assert_eq!(by(5).fields_updated, [disabled]);
    let rotation = change("auth.secret", Some(json!(CHANGED)), Some(json!(CHANGED)));
    assert_eq!(by(7).fields_updated, [rotation]);
    let deleted = by(8);
    assert_eq!(
        named(&deleted.fields_deleted, "name"),
        &change("name", Some(json!("history-2")), None)
    );
    assert_eq!(
        named(&deleted.fields_deleted, "auth.secret").old_value,
        Some(json!(CHANGED))
    );
}

async fn deleted_list(app: &TestApp) -> Vec<String> {
    let response = app.get("/api/v1/webhooks?deleted=true").await;
    assert_eq!(response.status(), StatusCode::OK);
    let page: Page<Webhook> = response.json().await.unwrap();
    assert_eq!(page.total_count as usize, page.results.len());
    page.results.into_iter().map(|w| w.id).collect()
}

async fn live_list(app: &TestApp) -> Vec<String> {
    let page: Page<Webhook> = app.get("/api/v1/webhooks").await.json().await.unwrap();
    page.results.into_iter().map(|w| w.id).collect()
}

#[tokio::test]
async fn a_deleted_webhook_is_listed_for_admins_and_restored_as_it_was() {
    let app = spawn_app().await;
    let mut body = webhook_body("phoenix");
    body["enabled"] = json!(false);
    body["tags"] = json!({"team": "ops"});
    let w = app.create(&body).await;
    let path = format!("/api/v1/webhooks/{}", w.id);
    assert_eq!(app.delete(&path).await.status(), StatusCode::NO_CONTENT);

    assert_eq!(deleted_list(&app).await, std::slice::from_ref(&w.id));
    assert!(!live_list(&app).await.contains(&w.id));
    expect_error(app.get(&path).await, StatusCode::NOT_FOUND, "not_found").await;

    let restored = app.post(&format!("{path}/restore")).await;
    assert_eq!(restored.status(), StatusCode::OK);
    let restored: Webhook = restored.json().await.unwrap();
    assert_eq!(restored.version, 3);
    assert_eq!(
        (restored.name.as_str(), restored.enabled),
        ("phoenix", false)
    );
    assert_eq!(restored.tags, w.tags);
    assert_eq!(app.get(&path).await.status(), StatusCode::OK);
    assert!(live_list(&app).await.contains(&w.id));
    assert!(deleted_list(&app).await.is_empty());
    let history = versions(&app, &w.id).await;
    assert_eq!(history[0].action, "restore");
    assert_eq!(history[0].change.previous_version, Some(2));
    assert_eq!(
        named(&history[0].change.fields_added, "name"),
        &change("name", None, Some(json!("phoenix")))
    );

    // Restoring what is live, or what never was, finds no deleted webhook.
    let live = app.post(&format!("{path}/restore")).await;
    expect_error(live, StatusCode::NOT_FOUND, "not_found").await;
    let unknown = app
        .post("/api/v1/webhooks/0190a0a0-0000-7000-8000-000000000000/restore")
        .await;
    expect_error(unknown, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(versions(&app, &w.id).await.len(), 3);
    let none = app
        .get("/api/v1/webhooks/0190a0a0-0000-7000-8000-000000000000/versions")
        .await;
    expect_error(none, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn a_webhook_whose_name_was_taken_meanwhile_is_not_restored() {
    let app = spawn_app().await;
    let old = app.create_named("contested").await;
    let old_path = format!("/api/v1/webhooks/{}", old.id);
    assert_eq!(app.delete(&old_path).await.status(), StatusCode::NO_CONTENT);
    let newer = app.create_named("contested").await;

    let refused = app.post(&format!("{old_path}/restore")).await;

    let error = expect_error(refused, StatusCode::CONFLICT, "conflict").await;
    assert!(error.error.fields.contains_key("name"), "{error:?}");
    assert_eq!(deleted_list(&app).await, std::slice::from_ref(&old.id));
    assert_eq!(
        versions(&app, &old.id).await.len(),
        2,
        "no version for a refused restore"
    );
    // Once the name is free again, it comes back.
    let rename = modify(&app, &newer, |b| b["name"] = json!("contested-2")).await;
    assert_eq!(rename.version, 2);
    let restored = app.post(&format!("{old_path}/restore")).await;
    assert_eq!(restored.status(), StatusCode::OK);
}
