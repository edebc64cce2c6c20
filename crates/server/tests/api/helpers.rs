//! One way to start the real server for a test: [`spawn_app`] binds 127.0.0.1:0 with a fresh
//! database, and returns its address and a client. The database is a SQLite file in a temporary
//! directory, or, when `WEBHOOK_TEST_POSTGRES` names a PostgreSQL server
//! (`postgres://USER@HOST:PORT/postgres`, set by `scripts/with-postgres.sh`), a database of its
//! own on that server, named after the directory.
//!
//! Every server starts with the administrator's password [`ADMIN_PASSWORD`]; `TestApp::client`
//! sends an admin API token ([`admin_token`]), so tests of other things act as an admin. Tests of
//! access control use [`client`] (no credentials) and sign in themselves.

use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use tempfile::TempDir;
use webhook_api::{ErrorBody, Webhook};
use webhook_server::Config;

pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    pub client: Client,
    /// Holds the database (`data/console.db`, in a directory the server must create) and
    /// `dist/`; removed when the last handle goes.
    pub dir: Arc<TempDir>,
}

/// A server on a fresh database.
pub async fn spawn_app() -> TestApp {
    spawn_app_in(Arc::new(tempfile::tempdir().expect("temp dir"))).await
}

/// A server on the database (and dist) in `dir`; a second call on the same `dir` is a restart.
pub async fn spawn_app_in(dir: Arc<TempDir>) -> TestApp {
    spawn_app_with(dir, |_| {}).await
}

/// A server on a fresh database with its configuration changed by `tweak`. Tests deliver to
/// receivers on loopback and nowhere else, so the test configuration allows 127.0.0.0/8 only
/// (a webhook at hooks.example.com is refused, not sent), and retries come quickly (100 ms, then
/// 200 ms).
pub async fn spawn_app_with(dir: Arc<TempDir>, tweak: impl FnOnce(&mut Config)) -> TestApp {
    let url = database_url(&dir);
    create_database(&url).await;
    let mut config = Config {
        admin_password: Some(ADMIN_PASSWORD.into()),
        secret_key: Some(TEST_SECRET_KEY.into()),
        listen: "127.0.0.1:0".into(),
        database_url: url,
        dist: dir.path().join("dist"),
        allow_targets: vec!["127.0.0.0/8".parse().unwrap()],
        only_allowed_targets: true,
        retry_schedule: "100ms,200ms".parse().unwrap(),
        ..Config::default()
    };
    tweak(&mut config);
    let app = webhook_server::app(&config).await.expect("the app starts");
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .expect("bind");
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(webhook_server::serve(listener, app, std::future::pending()));
    let token = admin_token(&address).await;
    TestApp {
        client: client_with_token(&token),
        address,
        dir,
    }
}

/// The key that seals stored secrets in every test server (`WEBHOOK_SECRET_KEY`).
pub const TEST_SECRET_KEY: &str = "d2ViaG9vay1jb25zb2xlLXRlc3Qta2V5LTMyYnl0ZXM=";

/// Opens a test server's database directly, with its key.
pub async fn open_db(url: &str) -> webhook_server::db::Db {
    let options = webhook_server::db::OpenOptions {
        secret_key: Some(webhook_server::db::cipher::KeySource::Value(
            TEST_SECRET_KEY.into(),
        )),
        ..Default::default()
    };
    webhook_server::db::open_with(url, options)
        .await
        .expect("the test database opens")
}

/// The first administrator's password in every test server (`--admin-password`).
pub const ADMIN_PASSWORD: &str = "test-admin-password-1";

/// Signs in as `admin` at `address` and creates an admin API token, returned in full.
pub async fn admin_token(address: &str) -> String {
    let http = client();
    let signed_in = http
        .post(format!("{address}/api/v1/session"))
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .expect("sign in");
    assert_eq!(signed_in.status(), StatusCode::OK, "signing in as admin");
    let cookie = session_cookie(&signed_in);
    let created = http
        .post(format!("{address}/api/v1/tokens"))
        .header("cookie", cookie)
        .header("x-requested-with", "tests")
        .json(&json!({"name": "tests", "role": "admin"}))
        .send()
        .await
        .expect("create a token");
    assert_eq!(
        created.status(),
        StatusCode::CREATED,
        "creating the admin token"
    );
    let body: Value = created.json().await.unwrap();
    body["token"].as_str().unwrap().to_string()
}

/// A client acting as admin on the server at `address` (a new admin token).
pub async fn admin_client(address: &str) -> Client {
    client_with_token(&admin_token(address).await)
}

/// The `name=value` of the session cookie a sign-in answer sets.
pub fn session_cookie(response: &Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("wc_session="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_string()
}

/// A client that sends `Authorization: Bearer TOKEN` on every request.
pub fn client_with_token(token: &str) -> Client {
    webhook_server::install_crypto_provider();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    Client::builder().default_headers(headers).build().unwrap()
}

/// An HTTP client for tests. The server picks rustls' crypto provider once per process; the tests'
/// client shares the reqwest build, so it needs the same.
pub fn client() -> Client {
    webhook_server::install_crypto_provider();
    Client::new()
}

/// The PostgreSQL server the suite runs on, if any.
pub fn postgres_server() -> Option<String> {
    std::env::var("WEBHOOK_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
}

/// The test's database: a SQLite file in `dir`, or on PostgreSQL a database named after `dir`
/// (so a second server on the same `dir` is a restart on the same data).
pub fn database_url(dir: &TempDir) -> String {
    match postgres_server() {
        Some(server) => {
            let name: String = dir
                .path()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .bytes()
                .map(|b| format!("{b:02x}"))
                .collect();
            let base = server.rsplit_once('/').unwrap().0;
            format!("{base}/t_{name}")
        }
        None => format!("sqlite://{}", dir.path().join("data/console.db").display()),
    }
}

/// Creates the PostgreSQL database of `url` unless it exists; nothing to do for SQLite.
pub async fn create_database(url: &str) {
    let Some(server) = postgres_server() else {
        return;
    };
    use sqlx::Connection;
    let name = url.rsplit_once('/').unwrap().1;
    let mut conn = sqlx::PgConnection::connect(&server)
        .await
        .expect("the test PostgreSQL server");
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    if !exists {
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    conn.close().await.unwrap();
}

/// A valid create body; tests change what they are about.
pub fn webhook_body(name: &str) -> Value {
    json!({
        "name": name,
        "url": "https://hooks.example.com/notify",
        "event_types": ["host.lost_connection"],
    })
}

/// A secret long enough for its mask to show its last four characters.
pub const TOKEN: &str = "token-abcdefghijklmnop-1234";

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn dist(&self) -> PathBuf {
        self.dir.path().join("dist")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn put_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .put(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn post(&self, path: &str) -> Response {
        self.client
            .post(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.client
            .delete(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// Sends raw bytes as a create body with the given content type.
    pub async fn post_raw(&self, body: impl Into<reqwest::Body>, content_type: &str) -> Response {
        self.client
            .post(self.url("/api/v1/webhooks"))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request")
    }

    /// Creates a webhook from `body`, asserting success.
    pub async fn create(&self, body: &Value) -> Webhook {
        let response = self.post_json("/api/v1/webhooks", body).await;
        assert_eq!(response.status(), StatusCode::CREATED, "creating {body}");
        response.json().await.expect("a webhook")
    }

    /// Creates a webhook named `name` that receives each `resource.update` event on its own
    /// (`batch_size` 1) at `url`: created disabled, so no VALIDATE call, then enabled, so the
    /// receiver sees only events. Returns its id.
    pub async fn create_receiving(&self, name: &str, url: &str) -> String {
        let mut body = webhook_body(name);
        body["url"] = json!(url);
        body["event_types"] = json!(["resource.update"]);
        body["batch_size"] = json!(1);
        body["enabled"] = json!(false);
        let id = self.create(&body).await.id;
        let enabled = self.post(&format!("/api/v1/webhooks/{id}/enable")).await;
        assert_eq!(enabled.status(), StatusCode::OK);
        id
    }

    /// Posts one `resource.update` event of `resource_id`, asserting 202; returns its id.
    pub async fn post_update(&self, resource_id: &str) -> String {
        let r = self
            .post_json(
                "/api/v1/events",
                &json!({"type": "resource.update", "action": "update",
                    "resource_type": "host", "resource_id": resource_id}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        r.json::<Value>().await.unwrap()["event_ids"][0]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// A webhook named `name` at `url` that gets what it gets through `topic` only (its own
    /// event type is one no test posts): created, enabled, the topic enabled, the receiver added.
    /// Returns its id.
    pub async fn topic_receiver(&self, topic: &str, name: &str, url: &str) -> String {
        let w = self
            .create(
                &json!({"name": name, "url": url, "batch_size": 1, "enabled": false,
                "event_types": ["host.disk_full"]}),
            )
            .await;
        let on = self
            .post(&format!("/api/v1/webhooks/{}/enable", w.id))
            .await;
        assert_eq!(on.status(), StatusCode::OK);
        let topic = format!("/api/v1/subscriptions/{topic}");
        assert_eq!(
            self.post(&format!("{topic}/enable")).await.status(),
            StatusCode::OK
        );
        let added = self
            .post_json(&format!("{topic}/receivers"), &json!({"webhook_id": w.id}))
            .await;
        assert_eq!(added.status(), StatusCode::OK);
        w.id
    }

    /// Creates a webhook with a valid body named `name`.
    pub async fn create_named(&self, name: &str) -> Webhook {
        self.create(&webhook_body(name)).await
    }

    /// The webhook as stored, secrets included, read straight from the database.
    pub async fn stored(&self, id: &str) -> Option<Webhook> {
        let db = open_db(&database_url(&self.dir)).await;
        let found = webhook_server::db::webhooks::find(&db, id).await.unwrap();
        db.close().await;
        found
    }
}

/// Asserts the status and the shared error body, and returns the body.
pub async fn expect_error(response: Response, status: StatusCode, code: &str) -> ErrorBody {
    assert_eq!(response.status(), status);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let body: ErrorBody = response.json().await.expect("the error body");
    assert_eq!(body.error.code, code, "{body:?}");
    assert!(!body.error.message.is_empty());
    body
}
