//! The rest of the surface: the event-type catalog, the OpenAPI document, answers for unknown
//! paths and wrong methods, restarts on the same database, and the binary itself.

use crate::helpers::{expect_error, spawn_app, spawn_app_in};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use webhook_api::{EventTypeInfo, Webhook};

#[tokio::test]
async fn event_types_is_the_catalog() {
    let app = spawn_app().await;

    let response = app.get("/api/v1/event-types").await;

    assert_eq!(response.status(), StatusCode::OK);
    let types: Vec<EventTypeInfo> = response.json().await.unwrap();
    assert_eq!(types, webhook_api::catalog::catalog());
}

#[tokio::test]
async fn openapi_describes_every_route() {
    let app = spawn_app().await;

    let response = app.get("/api/v1/openapi.json").await;

    assert_eq!(response.status(), StatusCode::OK);
    let doc: Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/webhooks", "get"),
        ("/api/v1/webhooks", "post"),
        ("/api/v1/webhooks/stat", "get"),
        ("/api/v1/webhooks/{id}", "get"),
        ("/api/v1/webhooks/{id}", "put"),
        ("/api/v1/webhooks/{id}", "delete"),
        ("/api/v1/webhooks/{id}/enable", "post"),
        ("/api/v1/webhooks/{id}/disable", "post"),
        ("/api/v1/event-types", "get"),
        ("/api/v1/openapi.json", "get"),
        ("/api/v1/webhooks/test", "post"),
        ("/api/v1/webhooks/preview", "post"),
        ("/api/v1/webhooks/{id}/test", "post"),
        ("/api/v1/webhooks/{id}/send", "post"),
        ("/api/v1/webhooks/{id}/rotate-secret", "post"),
        ("/api/v1/webhooks/{id}/deliveries", "get"),
        ("/api/v1/webhooks/{id}/recover", "post"),
        ("/api/v1/webhooks/{id}/stats", "get"),
        ("/api/v1/deliveries/{id}/redeliver", "post"),
        ("/api/v1/events", "post"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path}"
        );
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for schema in [
        "Webhook",
        "WebhookIn",
        "ErrorBody",
        "WebhookStat",
        "Auth",
        "SendReport",
        "DeliveryErrorKind",
        "Delivery",
        "EventIn",
        "CreatedWebhook",
        "SecretRotation",
        "DeliveryStats",
    ] {
        assert!(schemas.contains_key(schema), "{schema}");
    }
}

#[tokio::test]
async fn openapi_says_how_to_authenticate_and_what_each_refusal_looks_like() {
    let app = spawn_app().await;
    let doc: Value = crate::helpers::client()
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["token"]["scheme"], "bearer");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["session"]["name"], "wc_session");
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let access = webhook_server::auth::table::access(
                &method.to_uppercase().parse().unwrap(),
                path,
                None,
            )
            .unwrap();
            let responses = op["responses"].as_object().unwrap();
            let security = op["security"]
                .as_array()
                .expect("security on every operation");
            if access == webhook_server::auth::table::Access::Public {
                assert_eq!(security, &vec![json!({})], "{method} {path}");
            } else {
                assert!(
                    responses.contains_key("401") && responses.contains_key("403"),
                    "{method} {path}"
                );
                assert!(!security.is_empty(), "{method} {path}");
            }
            if op.get("requestBody").is_some() {
                assert!(
                    responses.contains_key("400") && responses.contains_key("413"),
                    "{method} {path}"
                );
            }
        }
    }
}

#[tokio::test]
async fn unknown_api_paths_are_json_404s() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/nothing",
        "/api/v2/webhooks",
        "/api",
        "/api/v1/webhooks/x/y/z",
    ] {
        let response = app.get(path).await;

        expect_error(response, StatusCode::NOT_FOUND, "not_found").await;
    }
}

#[tokio::test]
async fn wrong_methods_are_json_405s() {
    let app = spawn_app().await;
    let cases = [
        (reqwest::Method::PATCH, "/api/v1/webhooks"),
        (reqwest::Method::DELETE, "/api/v1/webhooks"),
        (reqwest::Method::PUT, "/api/v1/webhooks/stat"),
        (reqwest::Method::GET, "/api/v1/webhooks/search"),
        (reqwest::Method::GET, "/api/v1/webhooks/some-id/enable"),
        (reqwest::Method::POST, "/api/v1/event-types"),
    ];
    for (method, path) in cases {
        let response = app
            .client
            .request(method, app.url(path))
            .send()
            .await
            .unwrap();

        expect_error(
            response,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        )
        .await;
    }
}

#[tokio::test]
async fn a_restart_on_the_same_database_keeps_the_data() {
    let first = spawn_app().await;
    let created = first.create_named("persistent").await;

    let second = spawn_app_in(first.dir.clone()).await;

    let fetched: Webhook = second
        .get(&format!("/api/v1/webhooks/{}", created.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fetched, created);
}

/// Stops the child on drop, so a failing assertion does not leave a server running.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_prints_its_address_reads_the_environment_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nested/dirs/console.db");
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_webhook-server"))
            .env("WEBHOOK_LISTEN", "127.0.0.1:0")
            .env("WEBHOOK_DATABASE_URL", format!("sqlite://{}", db.display()))
            .env("WEBHOOK_DIST", dir.path().join("dist"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );

    let mut stdout = BufReader::new(child.0.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();

    let address = line
        .trim()
        .strip_prefix("webhook-server listening on http://")
        .expect(&line);
    assert!(
        address.starts_with("127.0.0.1:") && !address.ends_with(":0"),
        "{line}"
    );
    // The first start has no user: it creates `admin` with a random password and says how to
    // sign in, once.
    let mut how = String::new();
    for _ in 0..4 {
        stdout.read_line(&mut how).unwrap();
    }
    assert!(how.contains(&format!("http://{address}/login")), "{how}");
    assert!(how.contains("username: admin"), "{how}");
    let password = how
        .lines()
        .find_map(|l| l.trim().strip_prefix("password: "))
        .expect(&how);
    assert!(password.len() >= 10, "{how}");
    let http = crate::helpers::client();
    let anonymous = http
        .get(format!("http://{address}/api/v1/webhooks"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let signed_in = http
        .post(format!("http://{address}/api/v1/session"))
        .json(&serde_json::json!({"username": "admin", "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::OK);
    let response = http
        .get(format!("http://{address}/api/v1/webhooks"))
        .header("cookie", crate::helpers::session_cookie(&signed_in))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(db.exists());
    let killed = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.0.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

/// Runs the binary on `database_url` and returns its exit status and what it wrote on stderr.
fn start_failing(database_url: &str, dir: &std::path::Path) -> (std::process::ExitStatus, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_webhook-server"))
        .env("WEBHOOK_LISTEN", "127.0.0.1:0")
        .env("WEBHOOK_DATABASE_URL", database_url)
        .env("WEBHOOK_DIST", dir.join("dist"))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_database_that_cannot_be_used_stops_the_binary_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    // A port nothing listens on: refused at once.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let not_a_database = dir.path().join("notes.txt");
    std::fs::write(
        &not_a_database,
        "these are not the pages of a database ".repeat(200),
    )
    .unwrap();
    let cases = [
        (
            "mysql://app:hunter2@localhost/console".to_string(),
            "webhook-server: unsupported database URL 'mysql://app:***@localhost/console': use sqlite://PATH or postgres://",
        ),
        (
            format!("postgres://app:hunter2@127.0.0.1:{port}/console"),
            "webhook-server: cannot connect to the database at postgres://app:***@127.0.0.1:",
        ),
        (
            "postgres://app@127.0.0.1:notaport/console".to_string(),
            "webhook-server: invalid database URL 'postgres://app@127.0.0.1:notaport/console'",
        ),
        (
            format!("sqlite://{}", not_a_database.display()),
            "webhook-server: cannot",
        ),
    ];
    for (url, expected) in cases {
        let (status, stderr) = start_failing(&url, dir.path());
        assert_eq!(status.code(), Some(1), "{url}: {stderr}");
        assert_eq!(
            stderr.lines().count(),
            1,
            "{url}: one line, no panic: {stderr}"
        );
        assert!(stderr.starts_with(expected), "{url}: {stderr}");
        assert!(
            !stderr.contains("hunter2"),
            "the password is not shown: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[tokio::test]
async fn health_and_readiness_answer_for_load_balancers() {
    let app = spawn_app().await;

    let health = app.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.json::<Value>().await.unwrap()["status"], "ok");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(
        ready.json::<Value>().await.unwrap(),
        serde_json::json!({"status": "ready", "database": "ok", "worker": "ok"})
    );

    // On PostgreSQL, a database gone away makes the instance not ready, while it still lives.
    let Some(server) = crate::helpers::postgres_server() else {
        return;
    };
    use sqlx::Connection;
    let url = crate::helpers::database_url(&app.dir);
    let name = url.rsplit_once('/').unwrap().1;
    let mut admin = sqlx::PgConnection::connect(&server).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE \"{name}\" WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["status"], "not ready");
    assert_eq!(body["database"], "unavailable");
    assert!(!body.to_string().contains(name), "{body}");
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
}
