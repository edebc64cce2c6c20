//! The audit log: one entry per change and per refusal, with who (actor and its type), from
//! where, which request (the `x-request-id` the answer carried), what, the outcome and the
//! fields changed; its filters and paging.

use crate::helpers::{TestApp, spawn_app, webhook_body};
use crate::principals::{Caller, admin_session, session, sign_in};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use webhook_api::{ActorType, AuditEntry, FieldChange, Page};

/// The `x-request-id` of an answer, after asserting its status.
pub fn request_id(response: &Response, status: StatusCode, what: &str) -> String {
    assert_eq!(response.status(), status, "{what}");
    response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string()
}

/// Every entry of the log, newest first, read page by page.
pub async fn all_entries(app: &TestApp) -> Vec<AuditEntry> {
    let mut entries = Vec::new();
    for page in 1.. {
        let path = format!("/api/v1/audit?page_size=100&page={page}");
        let response = app.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK);
        let page: Page<AuditEntry> = response.json().await.unwrap();
        let done = page.results.len() < 100;
        entries.extend(page.results);
        if done {
            return entries;
        }
    }
    unreachable!()
}

/// What one request should have left in the log.
struct Expected {
    request_id: String,
    actor: &'static str,
    actor_type: ActorType,
    action: &'static str,
    target: (&'static str, String),
    outcome: &'static str,
    /// A change the entry must list.
    change: Option<FieldChange>,
}

fn changed(name: &str, old: Option<Value>, new: Option<Value>) -> Option<FieldChange> {
    Some(FieldChange {
        name: name.into(),
        old_value: old,
        new_value: new,
    })
}

/// The entry `r` should have left: the actor and outcome follow from the action in this test.
fn entry(
    r: &Response,
    status: StatusCode,
    action: &'static str,
    target: (&'static str, &str),
    change: Option<FieldChange>,
) -> Expected {
    let (actor, actor_type) = match action {
        "user.create" | "token.create" => ("admin", ActorType::User),
        "session.create" => ("", ActorType::Anonymous),
        "request.refused" => ("a-viewer", ActorType::User),
        _ => ("token:tests", ActorType::Token),
    };
    let outcome = match action {
        "session.create" => "failure",
        "request.refused" => "refused",
        _ => "success",
    };
    Expected {
        request_id: request_id(r, status, action),
        actor,
        actor_type,
        action,
        target: (target.0, target.1.to_string()),
        outcome,
        change,
    }
}

#[tokio::test]
async fn each_change_and_refusal_has_one_entry_saying_who_what_and_how() {
    let app = spawn_app().await;
    let token = Caller::bearer(crate::helpers::admin_token(&app.address).await);
    let mut expected = Vec::new();

    let mut body = webhook_body("audited");
    body["enabled"] = json!(false);
    let r = token.post(&app, "/api/v1/webhooks", &body).await;
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let id = location.rsplit('/').next().unwrap();
    let hook = ("webhook", id);
    let added = changed("name", None, Some(json!("audited")));
    expected.push(entry(
        &r,
        StatusCode::CREATED,
        "webhook.create",
        hook,
        added,
    ));
    let path = format!("/api/v1/webhooks/{id}");
    body["description"] = json!("now described");
    let r = token.put(&app, &path, &body).await;
    let described = changed("description", Some(json!("")), Some(json!("now described")));
    expected.push(entry(&r, StatusCode::OK, "webhook.modify", hook, described));
    let r = token
        .post(&app, &format!("{path}/enable"), &json!({}))
        .await;
    let on = changed("enabled", Some(json!(false)), Some(json!(true)));
    expected.push(entry(&r, StatusCode::OK, "webhook.enable", hook, on));
    // Neither a save without changes nor enabling what is enabled is a change.
    let mut unchanged = Vec::new();
    body["enabled"] = json!(true);
    let r = token.put(&app, &path, &body).await;
    unchanged.push(request_id(&r, StatusCode::OK, "a no-op save"));
    let r = token
        .post(&app, &format!("{path}/enable"), &json!({}))
        .await;
    unchanged.push(request_id(&r, StatusCode::OK, "enabling again"));
    body["enabled"] = json!(false);
    let r = token
        .post(&app, &format!("{path}/disable"), &json!({}))
        .await;
    let off = changed("enabled", Some(json!(true)), Some(json!(false)));
    expected.push(entry(&r, StatusCode::OK, "webhook.disable", hook, off));
    body["auth"] = json!({"type": "signature", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"});
    let r = token.put(&app, &path, &body).await;
    let signing = changed("auth.type", Some(json!("none")), Some(json!("signature")));
    expected.push(entry(&r, StatusCode::OK, "webhook.modify", hook, signing));
    let r = token
        .post(&app, &format!("{path}/rotate-secret"), &json!({}))
        .await;
    let rotated = changed(
        "auth.secret",
        Some(json!("(changed)")),
        Some(json!("(changed)")),
    );
    expected.push(entry(
        &r,
        StatusCode::OK,
        "webhook.rotate_secret",
        hook,
        rotated,
    ));
    let r = token.delete(&app, &path).await;
    let deleted = changed("name", Some(json!("audited")), None);
    expected.push(entry(
        &r,
        StatusCode::NO_CONTENT,
        "webhook.delete",
        hook,
        deleted,
    ));
    let r = token
        .post(&app, &format!("{path}/restore"), &json!({}))
        .await;
    let restored = changed("name", None, Some(json!("audited")));
    expected.push(entry(&r, StatusCode::OK, "webhook.restore", hook, restored));
    let topic = "/api/v1/subscriptions/resource.lifecycle";
    let r = token
        .post(&app, &format!("{topic}/disable"), &json!({}))
        .await;
    let topic_off = changed("enabled", Some(json!(true)), Some(json!(false)));
    let target = ("subscription", "resource.lifecycle");
    expected.push(entry(
        &r,
        StatusCode::OK,
        "subscription.disable",
        target,
        topic_off,
    ));

    let admin = admin_session(&app).await;
    let password = crate::principals::password_of("a-viewer");
    let user = json!({"username": "a-viewer", "role": "viewer", "password": password});
    let r = admin.post(&app, "/api/v1/users", &user).await;
    let role = changed("role", None, Some(json!("viewer")));
    let mut made = entry(&r, StatusCode::CREATED, "user.create", ("user", ""), role);
    made.target.1 = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .into();
    expected.push(made);
    let r = admin
        .post(
            &app,
            "/api/v1/tokens",
            &json!({"name": "audit-bot", "role": "viewer"}),
        )
        .await;
    let role = changed("role", None, Some(json!("viewer")));
    let mut made = entry(&r, StatusCode::CREATED, "token.create", ("token", ""), role);
    made.target.1 = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .into();
    expected.push(made);
    let r = sign_in(&app, "a-viewer", "not-the-password").await;
    expected.push(entry(
        &r,
        StatusCode::UNAUTHORIZED,
        "session.create",
        ("user", ""),
        None,
    ));
    let viewer = session(&app, "a-viewer").await;
    let r = viewer
        .post(&app, "/api/v1/webhooks", &webhook_body("refused"))
        .await;
    let route = ("route", "POST /api/v1/webhooks");
    expected.push(entry(
        &r,
        StatusCode::FORBIDDEN,
        "request.refused",
        route,
        None,
    ));

    let entries = all_entries(&app).await;
    for e in &expected {
        let found: Vec<_> = entries
            .iter()
            .filter(|a| a.request_id == e.request_id)
            .collect();
        assert_eq!(found.len(), 1, "{}: {found:?}", e.action);
        let a = found[0];
        let what = format!("{} {a:?}", e.action);
        assert_eq!(
            (a.actor.as_str(), a.actor_type),
            (e.actor, e.actor_type),
            "{what}"
        );
        assert_eq!(
            (a.action.as_str(), a.outcome.as_str()),
            (e.action, e.outcome),
            "{what}"
        );
        assert_eq!(
            (a.target_type.as_str(), &a.target_id),
            (e.target.0, &e.target.1),
            "{what}"
        );
        assert_eq!(a.client_addr, "127.0.0.1", "{what}");
        if let Some(change) = &e.change {
            assert!(a.changes.contains(change), "{what}: no {change:?}");
        }
    }
    for id in &unchanged {
        assert!(
            entries.iter().all(|a| &a.request_id != id),
            "an entry for no change"
        );
    }
    let of = |action: &str| {
        let e = expected.iter().find(|e| e.action == action).unwrap();
        entries
            .iter()
            .find(|a| a.request_id == e.request_id)
            .unwrap()
    };
    assert_eq!(
        of("session.create").target_name,
        "a-viewer",
        "whom a failed sign-in tried"
    );
    assert_eq!(of("webhook.create").target_name, "audited");
    let hidden = changed("password", None, Some(json!("(changed)"))).unwrap();
    assert!(
        of("user.create").changes.contains(&hidden),
        "{:?}",
        of("user.create")
    );
    assert_eq!(of("request.refused").target_name, "/api/v1/webhooks");
}

/// The entries of `GET /audit?{query}` (one page of up to 100).
pub async fn filtered(app: &TestApp, query: &str) -> Page<AuditEntry> {
    let response = app
        .get(&format!("/api/v1/audit?page_size=100&{query}"))
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_token_refused_creating_a_token_is_audited() {
    let app = spawn_app().await;
    let r = app
        .post_json("/api/v1/tokens", &json!({"name": "t", "role": "viewer"}))
        .await;
    let id = request_id(&r, StatusCode::FORBIDDEN, "a token creating a token");

    let refused = filtered(&app, "action=request.refused").await.results;
    let entry = refused.iter().find(|e| e.request_id == id);
    let entry = entry.unwrap_or_else(|| panic!("no entry for {id}: {refused:?}"));
    assert_eq!(
        (entry.actor.as_str(), entry.outcome.as_str()),
        ("token:tests", "refused")
    );
}
