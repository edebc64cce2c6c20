//! Secrets stay secret: webhook auth secrets (basic password, bearer token, signing secret, before
//! and after a change, and a rotated one), user passwords, API tokens and session cookies appear
//! in no answer (except a token's create answer and the rotation's, which show theirs once), no
//! audit entry, no version, and not in the server's log at debug level.

use crate::helpers::{ADMIN_PASSWORD, TestApp, create_database, database_url};
use crate::principals::{Caller, admin_session, sign_in};
use crate::receiver::Receiver;
use base64::Engine as _;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const BASIC_1: &str = "basic-password-one-1a2b3c";
const BASIC_2: &str = "basic-password-two-4d5e6f";
const BEARER_1: &str = "bearer-token-one-7g8h9i0j";
const BEARER_2: &str = "bearer-token-two-1k2l3m4n";
const SIGNING_1: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SIGNING_2: &str = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0";
const USER_1: &str = "user-password-one-5o6p7q";
const USER_2: &str = "user-password-two-8r9s0t";
const WRONG: &str = "wrong-password-attempt-9z";

/// What a run of [`exercise`] saw: the secrets in play and every answer body, by what it was.
struct Exposure {
    secrets: Vec<String>,
    answers: Vec<(String, String)>,
}

impl Exposure {
    fn secret(&mut self, s: &str) {
        self.secrets.push(s.to_string());
        // Also without its prefix: the part that is secret.
        if let Some(rest) = s.strip_prefix("whsec_").or(s.strip_prefix("whc_")) {
            self.secrets.push(rest.to_string());
        }
    }

    async fn call(
        &mut self,
        app: &TestApp,
        who: &Caller,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Value {
        let response = who.send(app, method.clone(), path, body).await;
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "{method} {path}: {status} {text}");
        self.answers
            .push((format!("{method} {path}"), text.clone()));
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// The secrets found where they must not be: in answers other than `allowed` (label, secret).
    fn leaks(&self, allowed: &[(String, String)]) -> Vec<String> {
        let mut found = Vec::new();
        for (label, text) in &self.answers {
            for s in &self.secrets {
                if text.contains(s.as_str()) && !allowed.contains(&(label.clone(), s.clone())) {
                    found.push(format!("{s} in {label}: {text:.300}"));
                }
            }
        }
        found
    }
}

fn basic_header(user: &str, password: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
}

/// Does everything that handles a secret, then reads everything there is to read. Returns what
/// it saw, and the answers allowed to show a secret (the new token, the rotated signing secret).
async fn exercise(app: &TestApp, receiver: &Receiver) -> (Exposure, Vec<(String, String)>) {
    let mut x = Exposure {
        secrets: Vec::new(),
        answers: Vec::new(),
    };
    let fixed = [BASIC_1, BASIC_2, BEARER_1, BEARER_2, SIGNING_1, SIGNING_2];
    for s in fixed
        .into_iter()
        .chain([USER_1, USER_2, WRONG, ADMIN_PASSWORD])
    {
        x.secret(s);
    }
    x.secret(&basic_header("u", BASIC_1));
    x.secret(&basic_header("u", BASIC_2));
    let admin = admin_session(app).await;
    x.secret(admin.session_cookie().trim_start_matches("wc_session="));
    let token = crate::helpers::admin_token(&app.address).await;
    x.secret(&token);
    let token = Caller::bearer(token);

    let (ids, rotation) = x.webhooks(app, &token, &admin, receiver).await;
    let event = json!({"type": "resource.update", "action": "update", "resource_type": "host"});
    let events = json!({"events": [event]});
    let accepted = x.post(app, &token, "/api/v1/events", &events).await;
    let new_token = x.access(app, &token, &admin).await;
    let event_id = accepted["event_ids"][0].as_str().unwrap();
    wait_for_delivery(app, &token, &ids, event_id).await;
    x.read_everything(app, &admin, &ids).await;

    let mut allowed = Vec::new();
    let (rotate, rotated) = rotation;
    for shown in [&rotated, &rotated["whsec_".len()..]] {
        allowed.push((format!("POST {rotate}"), shown.to_string()));
    }
    for shown in [&new_token, &new_token["whc_".len()..]] {
        allowed.push(("POST /api/v1/tokens".to_string(), shown.to_string()));
    }
    (x, allowed)
}

impl Exposure {
    async fn get(&mut self, app: &TestApp, who: &Caller, path: &str) -> Value {
        self.call(app, who, Method::GET, path, None).await
    }

    async fn post(&mut self, app: &TestApp, who: &Caller, path: &str, body: &Value) -> Value {
        self.call(app, who, Method::POST, path, Some(body)).await
    }

    async fn put(&mut self, app: &TestApp, who: &Caller, path: &str, body: &Value) -> Value {
        self.call(app, who, Method::PUT, path, Some(body)).await
    }

    /// Three webhooks at the receiver, one per kind of secret: Send Test, create (a VALIDATE
    /// call), a new secret, Send, Send Test of the saved one; then a rotation of the signing
    /// secret. Returns their ids and the rotation (its path and the new secret).
    async fn webhooks(
        &mut self,
        app: &TestApp,
        token: &Caller,
        admin: &Caller,
        receiver: &Receiver,
    ) -> (Vec<String>, (String, String)) {
        let auths = [
            (
                json!({"type": "basic", "username": "u", "password": BASIC_1}),
                json!({"type": "basic", "username": "u", "password": BASIC_2}),
            ),
            (
                json!({"type": "bearer", "token": BEARER_1}),
                json!({"type": "bearer", "token": BEARER_2}),
            ),
            (
                json!({"type": "signature", "secret": SIGNING_1}),
                json!({"type": "signature", "secret": SIGNING_2}),
            ),
        ];
        let mut ids = Vec::new();
        for (n, (before, after)) in auths.iter().enumerate() {
            let mut body = json!({"name": format!("secret-{n}"), "url": receiver.url("/ok"),
                "event_types": ["resource.update"], "batch_size": 1, "auth": before});
            let test = self.post(app, token, "/api/v1/webhooks/test", &body).await;
            assert_eq!(test["ok"], true, "{test}");
            let created = self.post(app, token, "/api/v1/webhooks", &body).await;
            let id = created["id"].as_str().unwrap().to_string();
            body["auth"] = after.clone();
            let path = format!("/api/v1/webhooks/{id}");
            self.put(app, admin, &path, &body).await;
            self.post(app, token, &format!("{path}/send"), &json!({}))
                .await;
            let saved = self.get(app, token, &path).await;
            let saved: webhook_api::Webhook = serde_json::from_value(saved).unwrap();
            let form = serde_json::to_value(saved.to_input()).unwrap();
            self.post(app, token, &format!("{path}/test"), &form).await;
            ids.push(id);
        }
        let rotate = format!("/api/v1/webhooks/{}/rotate-secret", ids[2]);
        let rotated = self.post(app, token, &rotate, &json!({})).await;
        let rotated = rotated["secret"].as_str().unwrap().to_string();
        self.secret(&rotated);
        (ids, (rotate, rotated))
    }

    /// A user with a password, changed; a failed and a good sign-in; a token, used. Returns
    /// the token.
    async fn access(&mut self, app: &TestApp, token: &Caller, admin: &Caller) -> String {
        let user = json!({"username": "s-user", "role": "viewer", "password": USER_1});
        let user = self.post(app, admin, "/api/v1/users", &user).await;
        let user_path = format!("/api/v1/users/{}", user["id"].as_str().unwrap());
        self.put(app, token, &user_path, &json!({"password": USER_2}))
            .await;
        let failed = sign_in(app, "s-user", WRONG).await;
        assert_eq!(failed.status(), StatusCode::UNAUTHORIZED);
        let text = failed.text().await.unwrap();
        self.answers.push(("failed sign-in".into(), text));
        let signed_in = sign_in(app, "s-user", USER_2).await;
        let cookie = crate::helpers::session_cookie(&signed_in);
        self.secret(cookie.trim_start_matches("wc_session="));
        let text = signed_in.text().await.unwrap();
        self.answers.push(("sign-in".into(), text));
        let body = json!({"name": "s-token", "role": "viewer"});
        let made = self.post(app, admin, "/api/v1/tokens", &body).await;
        let new_token = made["token"].as_str().unwrap().to_string();
        self.secret(&new_token);
        let caller = Caller::bearer(new_token.clone());
        self.get(app, &caller, "/api/v1/webhooks").await;
        new_token
    }

    /// Every read there is: lists, each webhook, its versions and deliveries, the audit log,
    /// and a deleted webhook's.
    async fn read_everything(&mut self, app: &TestApp, admin: &Caller, ids: &[String]) {
        let mut reads: Vec<String> = ["webhooks", "users", "tokens", "events", "session"]
            .iter()
            .map(|r| format!("/api/v1/{r}"))
            .collect();
        for id in ids {
            for tail in ["", "/versions", "/deliveries"] {
                reads.push(format!("/api/v1/webhooks/{id}{tail}"));
            }
        }
        for page in 1..=3 {
            reads.push(format!("/api/v1/audit?page_size=100&page={page}"));
        }
        for path in &reads {
            self.get(app, admin, path).await;
        }
        let deleted = format!("/api/v1/webhooks/{}", ids[0]);
        self.call(app, admin, Method::DELETE, &deleted, None).await;
        self.get(app, admin, "/api/v1/webhooks?deleted=true").await;
        self.get(app, admin, &format!("{deleted}/versions")).await;
    }
}

/// Waits until the event was delivered to each webhook and its attempt recorded.
async fn wait_for_delivery(app: &TestApp, who: &Caller, ids: &[String], event_id: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    for id in ids {
        loop {
            let path = format!("/api/v1/webhooks/{id}/deliveries");
            let page: Value = who.get(app, &path).await.json().await.unwrap();
            let done = page["results"].as_array().unwrap().iter().any(|d| {
                d["event_ids"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e == event_id)
                    && !d["attempts"].as_array().unwrap().is_empty()
            });
            if done {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "no delivery of {event_id} to {id}: {page}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

#[tokio::test]
async fn no_answer_audit_entry_or_version_shows_a_secret() {
    let receiver = Receiver::start().await;
    let app = crate::helpers::spawn_app().await;

    let (seen, allowed) = exercise(&app, &receiver).await;

    let leaks = seen.leaks(&allowed);
    assert!(
        leaks.is_empty(),
        "{} leaks:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
    // The answers allowed a secret do show it, and the receiver got the real ones.
    for (label, secret) in &allowed {
        assert!(
            seen.answers
                .iter()
                .any(|(l, t)| l == label && t.contains(secret.as_str())),
            "{label}"
        );
    }
    let headers: Vec<String> = receiver
        .received()
        .iter()
        .filter_map(|r| r.headers.get("authorization").cloned())
        .collect();
    for wanted in [
        format!("Bearer {BEARER_2}"),
        format!("Basic {}", basic_header("u", BASIC_2)),
    ] {
        assert!(headers.contains(&wanted), "{wanted} not in {headers:?}");
    }
}

/// The real binary, logging at debug level to a file; killed on drop.
struct Binary {
    child: std::process::Child,
    address: String,
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Binary {
    async fn start(dir: &tempfile::TempDir, log: &std::path::Path) -> Binary {
        let url = database_url(dir);
        create_database(&url).await;
        let mut child = Command::new(env!("CARGO_BIN_EXE_webhook-server"))
            .env("WEBHOOK_LISTEN", "127.0.0.1:0")
            .env("WEBHOOK_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("WEBHOOK_SECRET_KEY", crate::helpers::TEST_SECRET_KEY)
            .env("WEBHOOK_DATABASE_URL", &url)
            .env("WEBHOOK_DIST", dir.path().join("dist"))
            .env("WEBHOOK_ALLOW_TARGETS", "127.0.0.0/8")
            .env("WEBHOOK_ONLY_ALLOWED_TARGETS", "true")
            .env("WEBHOOK_RETRY_SCHEDULE", "100ms,200ms")
            .env("RUST_LOG", "debug")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(log).unwrap())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let address = line
            .trim()
            .strip_prefix("webhook-server listening on ")
            .unwrap_or_else(|| panic!("{line}"))
            .to_string();
        Binary {
            child,
            address,
            _stdout: stdout,
        }
    }
}

#[tokio::test]
async fn the_server_log_at_debug_level_shows_no_secret() {
    let receiver = Receiver::start().await;
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let log = dir.path().join("server.log");
    let binary = Binary::start(&dir, &log).await;
    let app = TestApp {
        client: crate::helpers::admin_client(&binary.address).await,
        address: binary.address.clone(),
        dir: dir.clone(),
    };

    let (seen, _) = exercise(&app, &receiver).await;
    drop(binary);

    let log = std::fs::read_to_string(&log).unwrap();
    assert!(
        log.contains("DEBUG") && log.contains("/api/v1/webhooks/test"),
        "{log:.2000}"
    );
    let leaks: Vec<_> = seen
        .secrets
        .iter()
        .filter(|s| log.contains(s.as_str()))
        .collect();
    let lines: Vec<_> = log
        .lines()
        .filter(|l| leaks.iter().any(|s| l.contains(s.as_str())))
        .take(5)
        .collect();
    assert!(
        leaks.is_empty(),
        "{leaks:?} in the log:\n{}",
        lines.join("\n")
    );
}
