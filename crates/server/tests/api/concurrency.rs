//! Races that a pre-check would lose: the database decides, and no client sees a 500.

use crate::helpers::{TestApp, spawn_app, webhook_body};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::task::JoinSet;

/// Sends all requests at once from separate tasks; returns their statuses.
async fn all_at_once(
    app: &TestApp,
    method: Method,
    path: &str,
    bodies: Vec<Value>,
) -> Vec<StatusCode> {
    let mut tasks = JoinSet::new();
    for body in bodies {
        let request = app
            .client
            .request(method.clone(), app.url(path))
            .json(&body);
        tasks.spawn(async move { request.send().await.expect("request").status() });
    }
    tasks.join_all().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_with_one_name_yield_one_webhook() {
    let app = spawn_app().await;
    let bodies = (0..8)
        .map(|i| webhook_body(if i % 2 == 0 { "Race" } else { "race" }))
        .collect();

    let statuses = all_at_once(&app, Method::POST, "/api/v1/webhooks", bodies).await;

    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_modifies_of_one_version_let_exactly_one_win() {
    let app = spawn_app().await;
    let created = app.create_named("contested").await;
    let path = format!("/api/v1/webhooks/{}", created.id);
    let bodies = (0..8)
        .map(|i| {
            let mut body = serde_json::to_value(created.to_input()).unwrap();
            body["description"] = json!(format!("editor {i}"));
            body
        })
        .collect();

    let statuses = all_at_once(&app, Method::PUT, &path, bodies).await;

    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    let current: webhook_api::Webhook = app.get(&path).await.json().await.unwrap();
    assert_eq!(current.version, 2);
}
