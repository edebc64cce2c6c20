//! Reading the audit log: filters by actor, target, action and time, paging, and the request ids
//! entries are found by.

use crate::audit::{all_entries, filtered, request_id};
use crate::helpers::{TestApp, expect_error, spawn_app, webhook_body};
use reqwest::{Response, StatusCode};
use serde_json::json;
use webhook_api::{AuditEntry, Page};

fn ids(entries: &[AuditEntry]) -> Vec<i64> {
    entries.iter().map(|e| e.id).collect()
}

/// Three webhooks created and one modified by the suite's token (`token:tests`).
async fn some_history(app: &TestApp) -> Vec<String> {
    let mut made = Vec::new();
    for name in ["f-one", "f-two", "f-three"] {
        let mut body = webhook_body(name);
        body["enabled"] = json!(false);
        made.push(app.create(&body).await.id);
    }
    let mut body = webhook_body("f-one");
    body["enabled"] = json!(false);
    body["description"] = json!("changed");
    let r = app
        .put_json(&format!("/api/v1/webhooks/{}", made[0]), &body)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    made
}

#[tokio::test]
async fn the_log_filters_by_actor_target_action_and_time_and_pages() {
    let app = spawn_app().await;
    let made = some_history(&app).await;
    let all = all_entries(&app).await;
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");

    let by_token = filtered(&app, "actor=token:tests").await;
    assert_eq!(by_token.total_count, 4);
    assert!(by_token.results.iter().all(|e| e.actor == "token:tests"));
    let by_admin = filtered(&app, "actor=admin").await;
    assert!(by_admin.total_count >= 2 && by_admin.results.iter().all(|e| e.actor == "admin"));
    let hooks = filtered(&app, "target_type=webhook").await;
    assert_eq!(ids(&hooks.results), ids(&by_token.results));
    let one = filtered(&app, &format!("target_id={}", made[0])).await;
    let actions: Vec<_> = one.results.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["webhook.modify", "webhook.create"]);
    let creates = filtered(&app, "action=webhook.create").await;
    assert_eq!(creates.total_count, 3);
    let both = filtered(
        &app,
        &format!("action=webhook.create&target_id={}", made[1]),
    )
    .await;
    assert_eq!(both.results.len(), 1);
    assert_eq!(both.results[0].target_id, made[1]);
    assert_eq!(filtered(&app, "actor=nobody").await.total_count, 0);

    let since = &creates.results[1].at;
    let recent = filtered(&app, &format!("since={since}")).await;
    let wanted: Vec<i64> = all
        .iter()
        .filter(|e| e.at >= *since)
        .map(|e| e.id)
        .collect();
    assert_eq!(ids(&recent.results), wanted);
    assert!(wanted.len() >= 3 && wanted.len() < all.len(), "{wanted:?}");

    let mut paged = Vec::new();
    for page in 1..=(all.len().div_ceil(2) + 1) {
        let response = app
            .get(&format!("/api/v1/audit?page_size=2&page={page}"))
            .await;
        let page: Page<AuditEntry> = response.json().await.unwrap();
        assert_eq!(page.total_count as usize, all.len());
        assert!(page.results.len() <= 2);
        paged.extend(page.results);
    }
    assert_eq!(ids(&paged), ids(&all));

    for bad in ["since=yesterday", "page_size=0", "page_size=101", "page=0"] {
        let response = app.get(&format!("/api/v1/audit?{bad}")).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        let error = expect_error(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        let field = bad.split('=').next().unwrap();
        assert!(error.error.fields.contains_key(field), "{bad}: {error:?}");
    }
}

/// Creates a (disabled) webhook named `name`, sending `X-Request-Id: id`.
async fn create_traced(app: &TestApp, name: &str, id: &str) -> Response {
    let mut body = webhook_body(name);
    body["enabled"] = json!(false);
    let request = app.client.post(app.url("/api/v1/webhooks"));
    request
        .header("x-request-id", id)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_request_id_the_client_sends_is_the_one_recorded_when_it_is_plain() {
    let app = spawn_app().await;

    let plain = create_traced(&app, "traced", "trace-abc_123").await;
    let hostile = create_traced(&app, "traced-2", "</script> spaced out").await;

    assert_eq!(
        request_id(&plain, StatusCode::CREATED, "plain id"),
        "trace-abc_123"
    );
    let replaced = request_id(&hostile, StatusCode::CREATED, "hostile id");
    assert_ne!(replaced, "</script> spaced out");
    let creates = filtered(&app, "action=webhook.create").await;
    let recorded: Vec<_> = creates
        .results
        .iter()
        .map(|e| e.request_id.as_str())
        .collect();
    assert_eq!(recorded, [replaced.as_str(), "trace-abc_123"]);
}

#[tokio::test]
async fn since_means_the_same_instant_whatever_its_offset() {
    let app = spawn_app().await;
    some_history(&app).await;
    let all = all_entries(&app).await;
    let since = &all[2].at;
    let rfc3339 = &time::format_description::well_known::Rfc3339;
    let instant = time::OffsetDateTime::parse(since, rfc3339).unwrap();
    let east = instant.to_offset(time::UtcOffset::from_hms(2, 0, 0).unwrap());
    let west = instant.to_offset(time::UtcOffset::from_hms(-5, 0, 0).unwrap());

    let utc = ids(&filtered(&app, &format!("since={since}")).await.results);
    for other in [east.format(rfc3339).unwrap(), west.format(rfc3339).unwrap()] {
        let query = format!("since={}", other.replace('+', "%2B"));
        assert_eq!(
            ids(&filtered(&app, &query).await.results),
            utc,
            "since={other}"
        );
    }
    // Shaped like a time, but none: a field error, not an empty page.
    let response = app.get("/api/v1/audit?since=2026-13-45T25:61:00Z").await;
    expect_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}
