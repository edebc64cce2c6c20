//! Seed 001's search and stat on webhooks over HTTP (`POST /webhooks/search`, `POST
//! /webhooks/stat`): every operator, and/or, keyword, sort, pages, `only`, `count_only`, tags,
//! group_by, and the 422s that name what is wrong; and a webhook's `project_id`: created,
//! modified, filtered (`?project_id=`, `?tag=`) and in its history.

use crate::helpers::{TOKEN, TestApp, expect_error, spawn_app, webhook_body};
use reqwest::StatusCode;
use serde_json::{Value, json};
use webhook_api::{Page, SearchResults, StatResults, Webhook, WebhookVersion};

/// Five webhooks that differ in what the filters look at; created disabled (no VALIDATE call)
/// except `Ops pager`, so `enabled` and `status` differ too.
async fn five(app: &TestApp) -> Vec<Webhook> {
    let bodies = [
        json!({"name": "Ops pager", "type": "alarms", "batch_size": 1, "timeout": 5,
               "description": "Pages the on-call", "project_id": "ops",
               "auth": {"type": "bearer", "token": TOKEN},
               "event_types": ["host.lost_connection", "config.change"],
               "tags": {"env": "prod", "team": "sre"}}),
        json!({"name": "billing-feed", "batch_size": 10, "timeout": 10, "project_id": "billing",
               "event_types": ["config.change"], "tags": {"env": "dev"}, "enabled": false}),
        json!({"name": "Audit sink", "batch_size": 50, "timeout": 30, "project_id": "ops",
               "description": "Everything, for the auditors",
               "event_types": ["resource.create"], "tags": {}, "enabled": false}),
        json!({"name": "chat-ops", "type": "alarms", "batch_size": 10, "timeout": 60,
               "url": "https://chat.example.com/ops",
               "event_types": ["host.recovery_timeout"], "tags": {"team": "sre"}, "enabled": false}),
        json!({"name": "zeta", "batch_size": 100, "timeout": 1,
               "event_types": ["resource.update"], "tags": {"env": "prod"}, "enabled": false}),
    ];
    let mut created = Vec::new();
    for extra in bodies {
        let mut body = webhook_body("");
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        created.push(app.create(&body).await);
    }
    created
}

async fn search(app: &TestApp, query: Value) -> SearchResults {
    let response = app
        .post_json("/api/v1/webhooks/search", &json!({ "query": query }))
        .await;
    assert_eq!(response.status(), StatusCode::OK, "searching {query}");
    response.json().await.unwrap()
}

/// The names found, sorted by name unless the query sorts.
async fn names(app: &TestApp, query: Value) -> Vec<String> {
    let sorted = query.get("sort").is_some();
    let found = search(app, query).await;
    assert_eq!(found.total_count as usize, found.results.len());
    let mut names: Vec<String> = found
        .results
        .iter()
        .map(|w| w["name"].as_str().unwrap().to_string())
        .collect();
    if !sorted {
        names.sort();
    }
    names
}

async fn one(app: &TestApp, k: &str, o: &str, v: Value) -> Vec<String> {
    names(app, json!({"filter": [{"k": k, "v": v, "o": o}]})).await
}

#[tokio::test]
async fn every_operator_on_webhooks() {
    let app = spawn_app().await;
    five(&app).await;
    let cases: &[(&str, &str, Value, &[&str])] = &[
        ("type", "eq", json!("alarms"), &["Ops pager", "chat-ops"]),
        (
            "type",
            "not",
            json!("alarms"),
            &["Audit sink", "billing-feed", "zeta"],
        ),
        ("enabled", "eq", json!(true), &["Ops pager"]),
        (
            "status",
            "eq",
            json!("disabled"),
            &["Audit sink", "billing-feed", "chat-ops", "zeta"],
        ),
        ("batch_size", "eq", json!(10), &["billing-feed", "chat-ops"]),
        (
            "name",
            "in",
            json!(["zeta", "Audit sink", "absent"]),
            &["Audit sink", "zeta"],
        ),
        (
            "project_id",
            "not_in",
            json!(["ops", "billing"]),
            &["chat-ops", "zeta"],
        ),
        ("name", "contain", json!("OPS"), &["Ops pager", "chat-ops"]),
        (
            "description",
            "not_contain",
            json!("the"),
            &["billing-feed", "chat-ops", "zeta"],
        ),
        ("batch_size", "gt", json!(10), &["Audit sink", "zeta"]),
        ("batch_size", "gte", json!(50), &["Audit sink", "zeta"]),
        ("timeout", "lt", json!(10), &["Ops pager", "zeta"]),
        (
            "timeout",
            "lte",
            json!(10),
            &["Ops pager", "billing-feed", "zeta"],
        ),
        // Texts compare as text: names after "b" (capitals sort first).
        (
            "name",
            "gt",
            json!("b"),
            &["billing-feed", "chat-ops", "zeta"],
        ),
        (
            "project_id",
            "exists",
            json!(true),
            &["Audit sink", "Ops pager", "billing-feed"],
        ),
        ("project_id", "exists", json!(false), &["chat-ops", "zeta"]),
        // A list field holds a value when an element does.
        (
            "event_types",
            "eq",
            json!("config.change"),
            &["Ops pager", "billing-feed"],
        ),
        (
            "event_types",
            "contain",
            json!("host."),
            &["Ops pager", "chat-ops"],
        ),
        ("auth.type", "eq", json!("bearer"), &["Ops pager"]),
        ("url", "contain", json!("chat.example"), &["chat-ops"]),
    ];
    for (k, o, v, expected) in cases {
        assert_eq!(one(&app, k, o, v.clone()).await, *expected, "{k} {o} {v}");
    }
    // Times are RFC 3339 text: everything was created after 2000 and before 3000.
    assert_eq!(
        one(&app, "created_at", "gte", json!("2000-01-01T00:00:00.000Z"))
            .await
            .len(),
        5
    );
    assert!(
        one(&app, "created_at", "gt", json!("3000-01-01T00:00:00.000Z"))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn filter_is_all_filter_or_is_any_and_keyword_matches_text() {
    let app = spawn_app().await;
    five(&app).await;
    assert_eq!(
        names(
            &app,
            json!({"filter": [{"k": "type", "v": "alarms"}, {"k": "project_id", "v": "ops"}]})
        )
        .await,
        ["Ops pager"]
    );
    assert_eq!(
        names(
            &app,
            json!({"filter_or": [{"k": "name", "v": "zeta"}, {"k": "batch_size", "v": 50}]})
        )
        .await,
        ["Audit sink", "zeta"]
    );
    assert_eq!(
        names(
            &app,
            json!({"filter": [{"k": "enabled", "v": false}],
                   "filter_or": [{"k": "project_id", "v": "ops"}, {"k": "tags.team", "v": "sre"}]})
        )
        .await,
        ["Audit sink", "chat-ops"]
    );
    // The keyword: name, URL, description, case-insensitively.
    assert_eq!(
        names(&app, json!({"keyword": "OPS"})).await,
        ["Ops pager", "chat-ops"]
    );
    assert_eq!(
        names(&app, json!({"keyword": "auditors"})).await,
        ["Audit sink"]
    );
    assert_eq!(
        names(
            &app,
            json!({"keyword": "ops", "filter": [{"k": "batch_size", "v": 1}]})
        )
        .await,
        ["Ops pager"]
    );
    assert_eq!(names(&app, json!({})).await.len(), 5);
}

#[tokio::test]
async fn tags_by_key() {
    let app = spawn_app().await;
    five(&app).await;
    assert_eq!(
        one(&app, "tags.env", "eq", json!("prod")).await,
        ["Ops pager", "zeta"]
    );
    assert_eq!(
        one(&app, "tags.env", "in", json!(["prod", "dev"])).await,
        ["Ops pager", "billing-feed", "zeta"]
    );
    assert_eq!(
        one(&app, "tags.team", "exists", json!(false)).await,
        ["Audit sink", "billing-feed", "zeta"]
    );
    assert_eq!(
        one(&app, "tags", "exists", json!(false)).await,
        ["Audit sink"]
    );
}

#[tokio::test]
async fn sort_pages_only_and_count_only() {
    let app = spawn_app().await;
    let created = five(&app).await;
    let sorted = names(&app, json!({"sort": {"key": "batch_size", "desc": true}})).await;
    // billing-feed and chat-ops tie at 10: by id, descending too, so the later one first.
    assert_eq!(
        sorted,
        [
            "zeta",
            "Audit sink",
            "chat-ops",
            "billing-feed",
            "Ops pager"
        ]
    );
    // Unsorted: newest first, as the list.
    let unsorted = search(&app, json!({})).await;
    let ids: Vec<&str> = unsorted
        .results
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    let mut newest_first: Vec<&str> = created.iter().map(|w| w.id.as_str()).collect();
    newest_first.reverse();
    assert_eq!(ids, newest_first);

    let page = |start: u64| json!({"sort": {"key": "name"}, "page": {"start": start, "limit": 2}, "only": ["name"]});
    let first = search(&app, page(1)).await;
    assert_eq!(first.total_count, 5);
    assert_eq!(
        first.results,
        [json!({"name": "Audit sink"}), json!({"name": "Ops pager"})]
    );
    let last = search(&app, page(5)).await;
    assert_eq!((last.total_count, last.results.len()), (5, 1));
    assert_eq!(last.results[0], json!({"name": "zeta"}));
    assert!(search(&app, page(6)).await.results.is_empty());

    // `only` keeps the shape: dotted keys nest, tags by key.
    let only = search(
        &app,
        json!({"filter": [{"k": "name", "v": "Ops pager"}],
               "only": ["id", "auth.type", "tags.env", "failure_details.last_failed_at"]}),
    )
    .await;
    assert_eq!(
        only.results,
        [
            json!({"id": created[0].id, "auth": {"type": "bearer"}, "tags": {"env": "prod"},
                "failure_details": {"last_failed_at": null}})
        ]
    );

    let counted = search(
        &app,
        json!({"filter": [{"k": "enabled", "v": false}], "count_only": true}),
    )
    .await;
    assert_eq!((counted.total_count, counted.results.len()), (4, 0));
}

#[tokio::test]
async fn results_are_the_live_webhooks_with_secrets_masked() {
    let app = spawn_app().await;
    let created = five(&app).await;
    let gone = app
        .delete(&format!("/api/v1/webhooks/{}", created[4].id))
        .await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    let response = app
        .post_json("/api/v1/webhooks/search", &json!({"query": {}}))
        .await;
    let text = response.text().await.unwrap();
    assert!(!text.contains(TOKEN), "a secret in the results: {text}");
    let found: SearchResults = serde_json::from_str(&text).unwrap();
    assert_eq!(found.total_count, 4, "the deleted one is not searched");
    // Each result is the webhook as GET returns it.
    let pager: Webhook = serde_json::from_value(
        found
            .results
            .iter()
            .find(|w| w["name"] == "Ops pager")
            .unwrap()
            .clone(),
    )
    .unwrap();
    let got: Webhook = app
        .get(&format!("/api/v1/webhooks/{}", pager.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pager, got);
    // An empty body is no query at all.
    let all = app
        .post_json("/api/v1/webhooks/search", &json!({}))
        .await
        .json::<SearchResults>()
        .await
        .unwrap();
    assert_eq!(all.total_count, 4);
}

#[tokio::test]
async fn stat_groups_by_any_keys_and_counts() {
    let app = spawn_app().await;
    five(&app).await;
    let stat = |query: Value| {
        let app = &app;
        async move {
            let response = app
                .post_json("/api/v1/webhooks/stat", &json!({ "query": query }))
                .await;
            assert_eq!(response.status(), StatusCode::OK, "stat of {query}");
            response.json::<StatResults>().await.unwrap().results
        }
    };
    assert_eq!(
        stat(json!({"group_by": ["type"]})).await,
        [
            json!({"type": "events", "count": 3}),
            json!({"type": "alarms", "count": 2})
        ]
    );
    assert_eq!(
        stat(json!({"group_by": ["project_id", "enabled"]})).await,
        [
            json!({"project_id": "", "enabled": false, "count": 2}),
            json!({"project_id": "billing", "enabled": false, "count": 1}),
            json!({"project_id": "ops", "enabled": false, "count": 1}),
            json!({"project_id": "ops", "enabled": true, "count": 1}),
        ]
    );
    assert_eq!(
        stat(json!({"group_by": ["tags.env"], "filter": [{"k": "type", "v": "events"}]})).await,
        [
            json!({"tags.env": null, "count": 1}),
            json!({"tags.env": "dev", "count": 1}),
            json!({"tags.env": "prod", "count": 1}),
        ]
    );
    assert_eq!(stat(json!({"keyword": "ops"})).await, [json!({"count": 2})]);
    // GET /webhooks/stat keeps its own meaning.
    let counts: webhook_api::WebhookStat =
        app.get("/api/v1/webhooks/stat").await.json().await.unwrap();
    assert_eq!((counts.total, counts.by_type["alarms"]), (5, 2));
}

#[tokio::test]
async fn unknown_keys_operators_and_values_are_422s_that_name_them() {
    let app = spawn_app().await;
    five(&app).await;
    let refused = |path: &'static str, body: Value| {
        let app = &app;
        async move {
            let response = app.post_json(path, &body).await;
            expect_error(
                response,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
            )
            .await
            .error
            .fields
        }
    };
    let fields = refused(
        "/api/v1/webhooks/search",
        json!({"query": {"filter": [{"k": "name", "v": "a"}, {"k": "colour", "v": "red"}],
                         "sort": {"key": "secret"}, "only": ["name", "auth.token"]}}),
    )
    .await;
    assert_eq!(
        fields.keys().collect::<Vec<_>>(),
        ["query.filter[1].k", "query.only[1]", "query.sort.key"]
    );
    let message = &fields["query.filter[1].k"];
    assert!(
        message.starts_with("Unknown key `colour`; one of: id, name,")
            && message.contains("tags.KEY"),
        "{message}"
    );
    // An unknown operator fails decoding, named with its field and the operators there are.
    let fields = refused(
        "/api/v1/webhooks/search",
        json!({"query": {"filter_or": [{"k": "name", "v": "a", "o": "like"}]}}),
    )
    .await;
    assert_eq!(
        fields["query.filter_or[0].o"],
        "Unknown value `like`; one of: eq, not, in, not_in, contain, not_contain, gt, gte, lt, lte, exists"
    );
    let fields = refused(
        "/api/v1/webhooks/search",
        json!({"query": {"filter": [{"k": "name", "v": "a", "o": "in"},
                                    {"k": "enabled", "v": 1, "o": "exists"}],
                         "page": {"start": 0, "limit": 5000}}}),
    )
    .await;
    assert_eq!(fields["query.filter[0].v"], "`in` needs a list");
    assert_eq!(fields["query.filter[1].v"], "`exists` needs true or false");
    assert_eq!(fields["query.page.limit"], "must be from 1 to 1000");
    assert_eq!(
        fields["query.page.start"],
        "must be from 1 to 9223372036854775807"
    );
    let fields = refused(
        "/api/v1/webhooks/search",
        json!({"query": {"filter": [{"k": "name", "v": "a", "x": 1}], "limit": 3}}),
    )
    .await;
    assert!(
        fields.contains_key("query.filter[0].x") || fields.contains_key("query.limit"),
        "{fields:?}"
    );
    let fields = refused(
        "/api/v1/webhooks/stat",
        json!({"query": {"group_by": ["type", "weight"], "filter": [{"k": "x", "v": 1, "o": "gte"}]}}),
    )
    .await;
    assert!(
        fields["query.group_by[1]"].starts_with("Unknown key `weight`"),
        "{fields:?}"
    );
    assert!(
        fields["query.filter[0].k"].starts_with("Unknown key `x`"),
        "{fields:?}"
    );
    let fields = refused(
        "/api/v1/webhooks/stat",
        json!({"query": {"filter": [{"k": "name", "o": "between", "v": [1, 2]}]}}),
    )
    .await;
    assert!(
        fields["query.filter[0].o"].contains("`between`"),
        "{fields:?}"
    );
}

async fn list(app: &TestApp, query: &str) -> Vec<String> {
    let response = app.get(&format!("/api/v1/webhooks?{query}")).await;
    assert_eq!(response.status(), StatusCode::OK, "listing ?{query}");
    let page: Page<Webhook> = response.json().await.unwrap();
    let mut names: Vec<String> = page.results.into_iter().map(|w| w.name).collect();
    names.sort();
    names
}

#[tokio::test]
async fn the_list_filters_by_project_and_tag() {
    let app = spawn_app().await;
    five(&app).await;
    assert_eq!(
        list(&app, "project_id=ops").await,
        ["Audit sink", "Ops pager"]
    );
    assert_eq!(list(&app, "tag=env:prod").await, ["Ops pager", "zeta"]);
    assert_eq!(
        list(&app, "tag=team:sre&type=alarms").await,
        ["Ops pager", "chat-ops"]
    );
    assert_eq!(
        list(&app, "project_id=ops&tag=env:prod").await,
        ["Ops pager"]
    );
    assert_eq!(
        list(&app, "project_id=ops&sort=name&page_size=1").await,
        ["Audit sink"]
    );
    assert!(list(&app, "tag=env:staging").await.is_empty());
    assert!(list(&app, "project_id=nothing").await.is_empty());
    let response = app
        .get("/api/v1/webhooks?project_id=Bad%20Project&tag=novalue")
        .await;
    let body = expect_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        body.error.fields.keys().collect::<Vec<_>>(),
        ["project_id", "tag"]
    );
}

#[tokio::test]
async fn a_webhooks_project_is_kept_changed_and_in_its_history() {
    let app = spawn_app().await;
    // None by default.
    let plain = app.create_named("plain").await;
    assert_eq!(plain.project_id, "");
    let mut body = webhook_body("projected");
    body["enabled"] = json!(false);
    body["project_id"] = json!("project-web");
    body["tags"] = json!({"env": "prod"});
    let created = app.create(&body).await;
    assert_eq!(created.project_id, "project-web");
    assert_eq!(
        app.stored(&created.id).await.unwrap().project_id,
        "project-web"
    );

    // A project id is a word.
    let mut bad = webhook_body("bad project");
    bad["project_id"] = json!("Project Web");
    let response = app.post_json("/api/v1/webhooks", &bad).await;
    let error = expect_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(error.error.fields.contains_key("project_id"), "{error:?}");

    // Modified: the list filters follow, tags included, and the history says what changed.
    let mut changed = serde_json::to_value(created.to_input()).unwrap();
    changed["project_id"] = json!("project-db");
    changed["tags"] = json!({"env": "dev"});
    let response = app
        .put_json(&format!("/api/v1/webhooks/{}", created.id), &changed)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let modified: Webhook = response.json().await.unwrap();
    assert_eq!(
        (modified.project_id.as_str(), modified.version),
        ("project-db", 2)
    );
    assert!(list(&app, "project_id=project-web").await.is_empty());
    assert_eq!(list(&app, "project_id=project-db").await, ["projected"]);
    assert!(list(&app, "tag=env:prod").await.is_empty());
    assert_eq!(list(&app, "tag=env:dev").await, ["projected"]);
    assert_eq!(
        one(&app, "project_id", "eq", json!("project-db")).await,
        ["projected"]
    );

    let versions: Vec<WebhookVersion> = app
        .get(&format!("/api/v1/webhooks/{}/versions", created.id))
        .await
        .json()
        .await
        .unwrap();
    let field = |v: &WebhookVersion, list: &str, name: &str| {
        let changes = match list {
            "added" => &v.change.fields_added,
            _ => &v.change.fields_updated,
        };
        changes.iter().find(|c| c.name == name).cloned()
    };
    let modify = &versions[0];
    let project = field(modify, "updated", "project_id").expect("project_id in the change");
    assert_eq!(
        (project.old_value, project.new_value),
        (Some(json!("project-web")), Some(json!("project-db")))
    );
    assert!(field(modify, "updated", "tags").is_some());
    let create = versions.last().unwrap();
    assert_eq!(
        field(create, "added", "project_id").unwrap().new_value,
        Some(json!("project-web"))
    );

    // Deleted and restored: still in its project, and its tags still filter.
    assert_eq!(
        app.delete(&format!("/api/v1/webhooks/{}", created.id))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert!(list(&app, "tag=env:dev").await.is_empty());
    let restored = app
        .post(&format!("/api/v1/webhooks/{}/restore", created.id))
        .await;
    assert_eq!(restored.status(), StatusCode::OK);
    assert_eq!(
        list(&app, "project_id=project-db&tag=env:dev").await,
        ["projected"]
    );
}

#[tokio::test]
async fn conditions_the_database_applies_first_give_what_the_evaluator_gives() {
    let app = spawn_app().await;
    five(&app).await;
    // `filter` eq/in with texts on type, status, project_id, … is narrowed in SQL first;
    // the same conditions in `filter_or` (one each) are evaluated only. Both must agree.
    let cases = [
        json!({"k": "type", "v": "alarms"}),
        json!({"k": "status", "v": "disabled", "o": "eq"}),
        json!({"k": "project_id", "v": ["ops", "nothing"], "o": "in"}),
        json!({"k": "project_id", "v": ""}),
        json!({"k": "language", "v": "en"}),
        json!({"k": "format", "v": "generic"}),
        json!({"k": "type", "v": ["alarms", 1], "o": "in"}),
        json!({"k": "type", "v": [], "o": "in"}),
        json!({"k": "type", "v": "ALARMS"}),
    ];
    for c in cases {
        let narrowed = names(&app, json!({"filter": [c.clone()]})).await;
        let evaluated = names(&app, json!({"filter_or": [c.clone()]})).await;
        assert_eq!(narrowed, evaluated, "{c}");
    }
    assert!(one(&app, "type", "eq", json!("ALARMS")).await.is_empty());
    // Narrowing to nothing still reports what is wrong with the rest of the query.
    let response = app
        .post_json(
            "/api/v1/webhooks/search",
            &json!({"query": {"filter": [{"k": "type", "v": [], "o": "in"}], "sort": {"key": "nope"}}}),
        )
        .await;
    let body = expect_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(body.error.fields.contains_key("query.sort.key"));
    let id = &search(&app, json!({"sort": {"key": "name"}})).await.results[0]["id"];
    assert_eq!(one(&app, "id", "eq", id.clone()).await, ["Audit sink"]);
}
