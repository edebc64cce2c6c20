//! `GET /api/v1/webhooks` (search, filters, sort, pages) and `GET /api/v1/webhooks/stat`.

use crate::helpers::{TestApp, expect_error, spawn_app, spawn_app_in, webhook_body};
use reqwest::StatusCode;
use serde_json::json;
use std::sync::Arc;
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

#[tokio::test]
async fn short_and_long_searches_match_the_same_way() {
    // One and two characters are answered by LIKE, three and more by the trigram index
    // (migration 0003); both must find the same substrings with the same case rules.
    let app = spawn_app().await;
    app.create_named("Café Übung").await;
    let mut by_url = webhook_body("by url");
    by_url["url"] = json!("https://OPS.example.com/Path");
    app.create(&by_url).await;
    let mut by_description = webhook_body("by description");
    by_description["description"] = json!("Pages the équipe, not the ÉQUIPE");
    app.create(&by_description).await;

    let found = |search: &'static str| {
        let app = &app;
        async move {
            let mut found = names(&list(app, &[("search", search)]).await)
                .into_iter()
                .map(String::from)
                .collect::<Vec<_>>();
            found.sort();
            found.join(",")
        }
    };
    assert_eq!(found("é").await, "Café Übung,by description");
    assert_eq!(found("fé").await, "Café Übung");
    assert_eq!(found("afé").await, "Café Übung");
    assert_eq!(found("ÜB").await, "Café Übung");
    assert_eq!(found("ÜBUNG").await, "Café Übung");
    assert_eq!(found("oP").await, "by url");
    assert_eq!(found("oPs.EX").await, "by url");
    assert_eq!(found("PATH").await, "by url");
    assert_eq!(found("qu").await, "by description");
    assert_eq!(found("ÉQUIPE").await, "by description");
    // ASCII case is ignored everywhere, other case only in the name, which is stored
    // lower-cased: the description's 'É' is not 'é', with the index as before it.
    assert_eq!(found("équipe, not the é").await, "");
    assert_eq!(found("xyz").await, "");
}

#[tokio::test]
async fn long_searches_take_wildcards_and_quotes_literally() {
    let app = spawn_app().await;
    app.create_named("100% uptime").await;
    app.create_named("1000 uptime").await;
    app.create_named("a_b_c").await;
    app.create_named("axbxc").await;
    app.create_named(r#"say "hi""#).await;
    app.create_named(r"back\slash").await;

    let names_of = |query: &'static str| {
        let app = &app;
        async move { names(&list(app, &[("search", query)]).await).join(",") }
    };
    assert_eq!(names_of("0% u").await, "100% uptime");
    assert_eq!(names_of("00%").await, "100% uptime");
    assert_eq!(names_of("a_b_").await, "a_b_c");
    assert_eq!(names_of("_b_").await, "a_b_c");
    assert_eq!(names_of(r#"y "hi"#).await, r#"say "hi""#);
    assert_eq!(names_of(r#""hi""#).await, r#"say "hi""#);
    assert_eq!(names_of(r"k\s").await, r"back\slash");
    assert_eq!(names_of("%%%").await, "");
    assert_eq!(names_of("___").await, "");
}

#[tokio::test]
async fn the_search_follows_renames_and_deletes() {
    let app = spawn_app().await;
    let renamed = app.create_named("alpha-pager").await;
    let deleted = app.create_named("alpha-chat").await;
    let mut edit = serde_json::to_value(renamed.to_input()).unwrap();
    edit["name"] = json!("omega-pager");
    edit["url"] = json!("https://receiver.example.org/omega");
    edit["description"] = json!("Renamed");
    app.put_json(&format!("/api/v1/webhooks/{}", renamed.id), &edit)
        .await;
    app.delete(&format!("/api/v1/webhooks/{}", deleted.id))
        .await;

    assert_eq!(list(&app, &[("search", "alpha")]).await.total_count, 0);
    assert_eq!(
        list(&app, &[("search", "hooks.example")]).await.total_count,
        0
    );
    assert_eq!(
        names(&list(&app, &[("search", "omega")]).await),
        ["omega-pager"]
    );
    assert_eq!(
        names(&list(&app, &[("search", "org/OMEGA")]).await),
        ["omega-pager"]
    );
    assert_eq!(
        names(&list(&app, &[("search", "renamed")]).await),
        ["omega-pager"]
    );
    // A new webhook may take the deleted one's name and is found by it.
    app.create_named("alpha-chat").await;
    assert_eq!(
        names(&list(&app, &[("search", "alpha")]).await),
        ["alpha-chat"]
    );
}

#[tokio::test]
async fn event_type_with_sort_and_pages() {
    let app = spawn_app().await;
    for (i, name) in [
        "delta", "Alpha", "echo", "charlie", "Bravo", "golf", "foxtrot",
    ]
    .iter()
    .enumerate()
    {
        let mut body = webhook_body(name);
        body["event_types"] = if i % 2 == 0 {
            json!(["config.change", "host.lost_connection"])
        } else {
            json!(["config.change"])
        };
        app.create(&body).await;
        let mut other = webhook_body(&format!("other {i}"));
        other["event_types"] = json!(["host.lost_connection"]);
        app.create(&other).await;
    }

    for (sort, expected) in [
        (
            "name",
            vec![
                "Alpha", "Bravo", "charlie", "delta", "echo", "foxtrot", "golf",
            ],
        ),
        (
            "-name",
            vec![
                "golf", "foxtrot", "echo", "delta", "charlie", "Bravo", "Alpha",
            ],
        ),
        (
            "created_at",
            vec![
                "delta", "Alpha", "echo", "charlie", "Bravo", "golf", "foxtrot",
            ],
        ),
    ] {
        let mut seen = Vec::new();
        for page in ["1", "2", "3", "4", "5"] {
            let result = list(
                &app,
                &[
                    ("event_type", "config.change"),
                    ("sort", sort),
                    ("page_size", "2"),
                    ("page", page),
                ],
            )
            .await;
            assert_eq!(result.total_count, 7, "{sort} page {page}");
            assert!(result.results.len() <= 2);
            seen.extend(result.results.into_iter().map(|w| w.name));
        }
        assert_eq!(seen, expected, "sort {sort}");
    }
    // With a search of two characters (LIKE) and of three (the index).
    for (search, expected) in [("ha", "Alpha,charlie"), ("lph", "Alpha")] {
        let result = list(
            &app,
            &[
                ("event_type", "config.change"),
                ("search", search),
                ("sort", "name"),
                ("page_size", "1"),
                ("page", "1"),
            ],
        )
        .await;
        assert_eq!(result.total_count as usize, expected.split(',').count());
        assert_eq!(names(&result), [expected.split(',').next().unwrap()]);
    }
}

/// What the list must return, computed from every webhook: the filters, the sort with id as the
/// tie-break, and the page, as the API documents them.
fn expected_page(all: &[Webhook], query: &[(&str, &str)]) -> (Vec<String>, u64) {
    let get = |key: &str| query.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let search = get("search").map(str::to_lowercase);
    let mut rows: Vec<&Webhook> = all
        .iter()
        .filter(|w| {
            search.as_ref().is_none_or(|s| {
                // name_key is lower-cased like the search; the URL and description only have
                // their ASCII case ignored (SQL lower() and LIKE).
                w.name.to_lowercase().contains(s.as_str())
                    || w.url.to_ascii_lowercase().contains(s.as_str())
                    || w.description.to_ascii_lowercase().contains(s.as_str())
            })
        })
        .filter(|w| get("type").is_none_or(|t| w.kind.as_str() == t))
        .filter(|w| get("enabled").is_none_or(|e| w.enabled.to_string() == e))
        .filter(|w| get("status").is_none_or(|s| w.status.as_str() == s))
        .filter(|w| get("event_type").is_none_or(|e| w.event_types.iter().any(|x| x == e)))
        .collect();
    let sort = get("sort").unwrap_or("-created_at");
    let field = sort.trim_start_matches('-');
    let key = |w: &Webhook| match field {
        "name" => w.name.to_lowercase(),
        "type" => w.kind.as_str().to_string(),
        "status" => w.status.as_str().to_string(),
        "created_at" => w.created_at.clone(),
        "updated_at" => w.updated_at.clone(),
        other => panic!("sort {other}"),
    };
    rows.sort_by(|a, b| (key(a), &a.id).cmp(&(key(b), &b.id)));
    if sort.starts_with('-') {
        rows.reverse();
    }
    let size: usize = get("page_size").unwrap_or("20").parse().unwrap();
    let page: usize = get("page").unwrap_or("1").parse().unwrap();
    let total = rows.len() as u64;
    let names = rows
        .into_iter()
        .skip((page - 1) * size)
        .take(size)
        .map(|w| w.name.clone())
        .collect();
    (names, total)
}

#[tokio::test]
async fn every_filter_sort_and_page_matches_filtering_all_webhooks() {
    // Small pages of large results are read by walking the sort order, small results are
    // collected and sorted (db/webhooks.rs, Plan): page sizes 3 and 7 over these 40 webhooks
    // take both ways, with every filter, the search of 1, 2 and 3+ characters and every sort.
    let app = spawn_app().await;
    let teams = ["ops", "devops", "Billing", "Search", "Über"];
    let hosts = ["hooks.example.com", "OPS.example.net", "alerts.example.org"];
    let mut created = Vec::new();
    for i in 0..40usize {
        let team = teams[i % teams.len()];
        let mut body = webhook_body(&format!("{team}-{}-{i}", ["pager", "chat", "audit"][i % 3]));
        body["url"] = json!(format!("https://{}/{team}/{i}", hosts[i % hosts.len()]));
        body["description"] = json!(if i % 4 == 0 {
            String::new()
        } else {
            format!(
                "Sends {} of {team} to 100% of the a_b team",
                ["alarms", "changes"][i % 2]
            )
        });
        if i % 5 < 2 {
            body["type"] = json!("alarms");
            body["event_types"] = json!(["host.cpu_high", "host.lost_connection"]);
        } else if i % 3 == 0 {
            body["event_types"] = json!(["config.change", "host.lost_connection"]);
        } else {
            body["event_types"] = json!(["config.change"]);
        }
        body["enabled"] = json!(i % 7 != 3);
        created.push(app.create(&body).await);
    }
    // Changes after creation: an edit (sort by updated_at differs from created_at) and deletes.
    for w in &created[..3] {
        let mut edit = serde_json::to_value(w.to_input()).unwrap();
        edit["description"] = json!("Edited: now ops too");
        app.put_json(&format!("/api/v1/webhooks/{}", w.id), &edit)
            .await;
    }
    for w in &created[30..33] {
        app.delete(&format!("/api/v1/webhooks/{}", w.id)).await;
    }
    let all = list(&app, &[("page_size", "100")]).await.results;
    assert_eq!(all.len(), 37);

    let filters: &[&[(&str, &str)]] = &[
        &[],
        &[("type", "alarms")],
        &[("type", "events"), ("enabled", "true")],
        &[("status", "disabled")],
        &[("status", "active"), ("type", "events")],
        &[("event_type", "host.lost_connection")],
        &[("event_type", "config.change"), ("enabled", "true")],
        &[("search", "o")],
        &[("search", "op")],
        &[("search", "ops")],
        &[("search", "OPS.EX")],
        &[("search", "über")],
        &[("search", "0% o")],
        &[("search", "a_b")],
        &[("search", "pager"), ("type", "alarms")],
        &[("search", "ops"), ("event_type", "host.lost_connection")],
        &[("search", "edited")],
        &[("search", "nothing like it")],
    ];
    let sorts = [
        "name",
        "-name",
        "type",
        "-type",
        "status",
        "-status",
        "created_at",
        "-created_at",
        "updated_at",
        "-updated_at",
    ];
    for filter in filters {
        for sort in sorts {
            for size in ["3", "7"] {
                for page in 1..=14 {
                    let page = page.to_string();
                    let mut query = filter.to_vec();
                    query.extend([("sort", sort), ("page_size", size), ("page", &page)]);
                    let (names, total) = expected_page(&all, &query);
                    let got = list(&app, &query).await;
                    assert_eq!(got.total_count, total, "{query:?}");
                    let got: Vec<String> = got.results.into_iter().map(|w| w.name).collect();
                    assert_eq!(got, names, "{query:?}");
                    if names.is_empty() {
                        break;
                    }
                }
            }
        }
    }
}

/// The page of `query` from `app` once `right` holds of it (at most 5 s). The server that made
/// a change serves it at once; another hears of it when PostgreSQL's notice arrives, or (two
/// servers on one SQLite file, which only tests do) when its watcher next looks at the file,
/// and may serve the page it kept until then (src/db/list_cache.rs).
async fn settled(
    app: &TestApp,
    query: &[(&str, &str)],
    right: impl Fn(&Page<Webhook>) -> bool,
) -> Page<Webhook> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let page = list(app, query).await;
        if right(&page) || std::time::Instant::now() > deadline {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// Pages are kept and served again (src/db/list_cache.rs) only while nothing in them changed:
/// two servers on one database, each change made through one, each page read through both
/// after both had already served that page.
#[tokio::test]
async fn a_page_served_again_shows_every_change_made_through_any_server() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let a = spawn_app_in(dir.clone()).await;
    let b = spawn_app_in(dir).await;
    let one = a.create_named("alpha one").await;
    a.create_named("alpha two").await;
    let by_name = [("search", "alpha"), ("sort", "name")];
    let lost = [("event_type", "host.recovered"), ("search", "alpha")];
    for app in [&a, &b] {
        assert_eq!(
            names(&list(app, &by_name).await),
            ["alpha one", "alpha two"]
        );
        assert_eq!(list(app, &lost).await.total_count, 0);
    }

    // A column only (disable), through b; both serve the page again.
    assert_eq!(
        b.post(&format!("/api/v1/webhooks/{}/disable", one.id))
            .await
            .status(),
        StatusCode::OK
    );
    assert!(!list(&b, &by_name).await.results[0].enabled);
    let page = settled(&a, &by_name, |p| !p.results[0].enabled).await;
    assert_eq!(names(&page), ["alpha one", "alpha two"]);
    assert!(!page.results[0].enabled);

    // Event types and tags (their own tables), through a; both count again.
    let current: Webhook = b
        .get(&format!("/api/v1/webhooks/{}", one.id))
        .await
        .json()
        .await
        .unwrap();
    let mut edit = serde_json::to_value(current.to_input()).unwrap();
    edit["event_types"] = json!(["host.recovered"]);
    edit["tags"] = json!({"region": "eu"});
    assert_eq!(
        a.put_json(&format!("/api/v1/webhooks/{}", one.id), &edit)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(names(&list(&a, &lost).await), ["alpha one"]);
    let page = settled(&b, &lost, |p| p.total_count == 1).await;
    assert_eq!(names(&page), ["alpha one"]);
    assert_eq!(
        names(&list(&b, &[("tag", "region:eu")]).await),
        ["alpha one"]
    );

    // A new webhook through b, a deletion through a: the other's count follows.
    b.create_named("alpha three").await;
    assert_eq!(list(&b, &by_name).await.total_count, 3);
    assert_eq!(
        settled(&a, &by_name, |p| p.total_count == 3)
            .await
            .total_count,
        3
    );
    assert_eq!(
        a.delete(&format!("/api/v1/webhooks/{}", one.id))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(list(&a, &by_name).await.total_count, 2);
    let page = settled(&b, &by_name, |p| p.total_count == 2).await;
    assert_eq!(names(&page), ["alpha three", "alpha two"]);
    assert_eq!(list(&b, &lost).await.total_count, 0);
}
