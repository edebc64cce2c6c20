//! Seed 001's search and stat on inbound webhooks over HTTP: every operator, and/or, keyword,
//! sort, paging, `only`, `count_only`, `tags.KEY`, group_by, and the 422s naming what is wrong.

use crate::helpers::{TestApp, expect_error, spawn_app};
use crate::inbound::create_inbound;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn search(app: &TestApp, query: Value) -> reqwest::Response {
    app.post_json(
        "/api/v1/inbound-webhooks/search",
        &json!({ "query": query }),
    )
    .await
}

async fn names(app: &TestApp, query: Value) -> Vec<String> {
    let r = search(app, query.clone()).await;
    assert_eq!(r.status(), StatusCode::OK, "{query}");
    let body: Value = r.json().await.unwrap();
    let mut n: Vec<String> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap().to_string())
        .collect();
    n.sort();
    n
}

#[tokio::test]
async fn search_and_stat_take_every_operator() {
    let app = spawn_app().await;
    for (name, plugin, env, project) in [
        ("am-prod", "alertmanager", "prod", "p-web"),
        ("am-dev", "alertmanager", "dev", "p-web"),
        ("grafana-prod", "grafana", "prod", "p-db"),
        ("generic", "generic", "", ""),
    ] {
        let mut body = json!({"name": name, "plugin_id": plugin, "project_id": project});
        if !env.is_empty() {
            body["tags"] = json!({"env": env});
        }
        create_inbound(&app, body).await;
    }
    let dev = names(
        &app,
        json!({"filter": [{"k": "name", "v": "am-dev", "o": "eq"}]}),
    )
    .await;
    app.post(&format!("/api/v1/inbound-webhooks/{}/disable", {
        let r: Value = search(
            &app,
            json!({"filter": [{"k": "name", "v": "am-dev"}], "only": ["webhook_id"]}),
        )
        .await
        .json()
        .await
        .unwrap();
        r["results"][0]["webhook_id"].as_str().unwrap().to_string()
    }))
    .await;
    assert_eq!(dev, ["am-dev"]);
    let cases = [
        (
            json!({"filter": [{"k": "state", "v": "DISABLED"}]}),
            vec!["am-dev"],
        ),
        (
            json!({"filter": [{"k": "plugin_info.plugin_id", "v": "alertmanager", "o": "not"}]}),
            vec!["generic", "grafana-prod"],
        ),
        (
            json!({"filter": [{"k": "tags.env", "v": ["prod", "dev"], "o": "in"}]}),
            vec!["am-dev", "am-prod", "grafana-prod"],
        ),
        (
            json!({"filter": [{"k": "project_id", "v": ["p-web"], "o": "not_in"}]}),
            vec!["generic", "grafana-prod"],
        ),
        (
            json!({"filter": [{"k": "name", "v": "PROD", "o": "contain"}]}),
            vec!["am-prod", "grafana-prod"],
        ),
        (
            json!({"filter": [{"k": "name", "v": "am-", "o": "not_contain"}]}),
            vec!["generic", "grafana-prod"],
        ),
        (
            json!({"filter": [{"k": "requests.total", "v": 0, "o": "gte"}, {"k": "requests.total", "v": 1, "o": "lt"}]}),
            vec!["am-dev", "am-prod", "generic", "grafana-prod"],
        ),
        (
            json!({"filter": [{"k": "requests.error", "v": 0, "o": "gt"}]}),
            vec![],
        ),
        (
            json!({"filter": [{"k": "created_at", "v": "2000-01-01", "o": "lte"}]}),
            vec![],
        ),
        (
            json!({"filter": [{"k": "tags.env", "v": false, "o": "exists"}]}),
            vec!["generic"],
        ),
        (
            json!({"filter_or": [{"k": "name", "v": "generic"}, {"k": "tags.env", "v": "dev"}]}),
            vec!["am-dev", "generic"],
        ),
        (json!({"keyword": "grafana"}), vec!["grafana-prod"]),
    ];
    for (query, expected) in cases {
        assert_eq!(names(&app, query.clone()).await, expected, "{query}");
    }
    let page: Value = search(&app, json!({"sort": {"key": "name", "desc": true}, "page": {"start": 2, "limit": 2}, "only": ["name"]})).await.json().await.unwrap();
    // `start` is the 1-based position of the first result (seed 001), not a page number.
    assert_eq!(
        page["results"],
        json!([{"name": "generic"}, {"name": "am-prod"}])
    );
    assert_eq!(page["total_count"], 4);
    let counted: Value = search(
        &app,
        json!({"count_only": true, "filter": [{"k": "state", "v": "ENABLED"}]}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        (counted["total_count"].clone(), counted["results"].clone()),
        (json!(3), json!([]))
    );

    let unknown = search(&app, json!({"filter": [{"k": "colour", "v": 1}]})).await;
    let unknown = expect_error(
        unknown,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(
        unknown.error.fields["query.filter[0].k"].contains("colour"),
        "{:?}",
        unknown.error.fields
    );
    let bad_op = search(
        &app,
        json!({"filter": [{"k": "name", "v": 1, "o": "like"}]}),
    )
    .await;
    let bad_op = expect_error(
        bad_op,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(
        bad_op.error.fields.values().any(|m| m.contains("like")),
        "{:?}",
        bad_op.error.fields
    );

    let stat = app
        .post_json(
            "/api/v1/inbound-webhooks/stat",
            &json!({"query": {"group_by": ["plugin_info.plugin_id", "state"]}}),
        )
        .await;
    assert_eq!(stat.status(), StatusCode::OK);
    let stat: Value = stat.json().await.unwrap();
    let rows = stat["results"].as_array().unwrap();
    assert!(
        rows.contains(
            &json!({"plugin_info.plugin_id": "alertmanager", "state": "ENABLED", "count": 1})
        ),
        "{stat}"
    );
    assert!(
        rows.contains(
            &json!({"plugin_info.plugin_id": "alertmanager", "state": "DISABLED", "count": 1})
        ),
        "{stat}"
    );
    assert_eq!(
        rows.iter()
            .map(|r| r["count"].as_u64().unwrap())
            .sum::<u64>(),
        4
    );
}
