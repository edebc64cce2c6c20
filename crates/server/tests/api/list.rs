//! `GET /api/v1/webhooks` (search, filters, sort, pages) and `GET /api/v1/webhooks/stat`.

use crate::helpers::{TestApp, expect_error, spawn_app, webhook_body};
use reqwest::StatusCode;
use serde_json::json;
use webhook_api::{Page, Webhook, WebhookStat};

async fn list(app: &TestApp, query: &[(&str, &str)]) -> Page<Webhook> {
    let response = app
        .client
        .get(app.url("/api/v1/webhooks"))
        .query(query)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{query:?}");
    response.json().await.unwrap()
}

fn names(page: &Page<Webhook>) -> Vec<&str> {
    page.results.iter().map(|w| w.name.as_str()).collect()
}

#[tokio::test]
async fn search_matches_name_url_and_description_ignoring_case() {
    let app = spawn_app().await;
    app.create_named("Payments").await;
    let mut by_url = webhook_body("by url");
    by_url["url"] = json!("https://PAYMENTS.example.com/hook");
    app.create(&by_url).await;
    let mut by_description = webhook_body("by description");
    by_description["description"] = json!("Tells the payments team");
    app.create(&by_description).await;
    app.create_named("unrelated").await;

    let page = list(&app, &[("search", "pAyMeNtS")]).await;

    assert_eq!(page.total_count, 3);
    let mut found = names(&page);
    found.sort();
    assert_eq!(found, ["Payments", "by description", "by url"]);
}

#[tokio::test]
async fn search_wildcards_are_literal() {
    let app = spawn_app().await;
    app.create_named("100% uptime").await;
    app.create_named("1000 uptime").await;
    app.create_named("a_b").await;
    app.create_named("axb").await;

    assert_eq!(
        names(&list(&app, &[("search", "0%")]).await),
        ["100% uptime"]
    );
    assert_eq!(names(&list(&app, &[("search", "a_b")]).await), ["a_b"]);
    assert_eq!(list(&app, &[("search", "%")]).await.total_count, 1);
}

#[tokio::test]
async fn filters_by_type_enabled_status_and_event_type() {
    let app = spawn_app().await;
    let mut alarm = webhook_body("alarm");
    alarm["type"] = json!("alarms");
    alarm["event_types"] = json!(["host.cpu_high", "host.lost_connection"]);
    app.create(&alarm).await;
    let mut off = webhook_body("off");
    off["enabled"] = json!(false);
    off["event_types"] = json!(["config.change"]);
    app.create(&off).await;
    app.create_named("plain").await; // events, enabled, host.lost_connection

    assert_eq!(names(&list(&app, &[("type", "alarms")]).await), ["alarm"]);
    assert_eq!(list(&app, &[("type", "events")]).await.total_count, 2);
    assert_eq!(names(&list(&app, &[("enabled", "false")]).await), ["off"]);
    assert_eq!(list(&app, &[("enabled", "true")]).await.total_count, 2);
    assert_eq!(names(&list(&app, &[("status", "disabled")]).await), ["off"]);
    assert_eq!(list(&app, &[("status", "active")]).await.total_count, 2);
    assert_eq!(list(&app, &[("status", "failed")]).await.total_count, 0);
    assert_eq!(
        names(&list(&app, &[("event_type", "host.cpu_high")]).await),
        ["alarm"]
    );
    assert_eq!(
        list(&app, &[("event_type", "host.lost_connection")])
            .await
            .total_count,
        2
    );
    assert_eq!(
        names(
            &list(
                &app,
                &[("event_type", "host.lost_connection"), ("type", "events")]
            )
            .await
        ),
        ["plain"]
    );
}

#[tokio::test]
async fn the_event_type_filter_follows_modifications() {
    let app = spawn_app().await;
    let created = app.create_named("moving").await; // host.lost_connection
    let mut edit = serde_json::to_value(created.to_input()).unwrap();
    edit["event_types"] = json!(["config.change"]);
    app.put_json(&format!("/api/v1/webhooks/{}", created.id), &edit)
        .await;

    assert_eq!(
        list(&app, &[("event_type", "host.lost_connection")])
            .await
            .total_count,
        0
    );
    assert_eq!(
        list(&app, &[("event_type", "config.change")])
            .await
            .total_count,
        1
    );
}

#[tokio::test]
async fn sorts_by_the_field_then_newest_first_by_default() {
    let app = spawn_app().await;
    for name in ["bravo", "Alpha", "charlie"] {
        app.create_named(name).await;
    }

    assert_eq!(names(&list(&app, &[]).await), ["charlie", "Alpha", "bravo"]);
    assert_eq!(
        names(&list(&app, &[("sort", "name")]).await),
        ["Alpha", "bravo", "charlie"]
    );
    assert_eq!(
        names(&list(&app, &[("sort", "-name")]).await),
        ["charlie", "bravo", "Alpha"]
    );
    assert_eq!(
        names(&list(&app, &[("sort", "created_at")]).await),
        ["bravo", "Alpha", "charlie"]
    );
}

#[tokio::test]
async fn pages_are_stable_and_carry_the_total() {
    let app = spawn_app().await;
    for i in 0..7 {
        app.create_named(&format!("hook {i}")).await;
    }

    let mut seen = Vec::new();
    for page in ["1", "2", "3"] {
        let result = list(
            &app,
            &[("sort", "status"), ("page_size", "3"), ("page", page)],
        )
        .await;
        assert_eq!(result.total_count, 7);
        seen.extend(result.results.into_iter().map(|w| w.name));
    }
    let beyond = list(&app, &[("page_size", "3"), ("page", "4")]).await;

    // Equal sort keys (every status is "active") still give each webhook exactly once.
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 7);
    assert!(beyond.results.is_empty());
    assert_eq!(beyond.total_count, 7);
}

#[tokio::test]
async fn a_bad_query_is_422_naming_the_parameters() {
    let app = spawn_app().await;

    let response = app
        .get("/api/v1/webhooks?page=0&sort=colour&status=sleepy&enabled=maybe&page_size=1000")
        .await;

    let error = expect_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let keys: Vec<_> = error.error.fields.keys().map(String::as_str).collect();
    assert_eq!(keys, ["enabled", "page", "page_size", "sort", "status"]);
}

#[tokio::test]
async fn stat_counts_live_webhooks_with_every_key_present() {
    let app = spawn_app().await;
    let empty: WebhookStat = app.get("/api/v1/webhooks/stat").await.json().await.unwrap();
    assert_eq!(empty.total, 0);
    assert_eq!(empty.by_status.len(), 5);
    assert!(empty.by_status.values().all(|n| *n == 0));
    assert_eq!(
        empty.by_type.keys().collect::<Vec<_>>(),
        ["alarms", "events"]
    );
    assert_eq!(
        empty.by_enabled.keys().collect::<Vec<_>>(),
        ["disabled", "enabled"]
    );

    let mut alarm = webhook_body("alarm");
    alarm["type"] = json!("alarms");
    app.create(&alarm).await;
    let mut off = webhook_body("off");
    off["enabled"] = json!(false);
    app.create(&off).await;
    let gone = app.create_named("gone").await;
    app.delete(&format!("/api/v1/webhooks/{}", gone.id)).await;

    let stat: WebhookStat = app.get("/api/v1/webhooks/stat").await.json().await.unwrap();

    assert_eq!(stat.total, 2);
    assert_eq!((stat.by_type["alarms"], stat.by_type["events"]), (1, 1));
    assert_eq!(
        (stat.by_enabled["enabled"], stat.by_enabled["disabled"]),
        (1, 1)
    );
    assert_eq!(
        (stat.by_status["active"], stat.by_status["disabled"]),
        (1, 1)
    );
    assert_eq!(
        stat.by_status["awaitingRetry"]
            + stat.by_status["failed"]
            + stat.by_status["retryLimitReached"],
        0
    );
}
