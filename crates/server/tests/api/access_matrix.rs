//! The role matrix, generated from the server's own access table (`auth::table::ROUTES`): every
//! route, called by every kind of principal, is refused (401/403) exactly when the table says so.
//! The table is compared with the OpenAPI document, so a route added without an entry fails here.

use crate::helpers::{TestApp, spawn_app, webhook_body};
use crate::principals::{Caller, add_token, add_user, admin_session, from_now, session};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;
use webhook_server::auth::table::{Access, ROUTES};

/// Every kind of caller the matrix tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    ViewerSession,
    OperatorSession,
    AdminSession,
    PublisherToken,
    ViewerToken,
    OperatorToken,
    AdminToken,
    ExpiredToken,
    RevokedToken,
}

const EVERYONE: [Who; 10] = [
    Who::Anonymous,
    Who::ViewerSession,
    Who::OperatorSession,
    Who::AdminSession,
    Who::PublisherToken,
    Who::ViewerToken,
    Who::OperatorToken,
    Who::AdminToken,
    Who::ExpiredToken,
    Who::RevokedToken,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Admitted,
    Unauthorized,
    Forbidden,
}

/// What the table promises `who` on a route of `access`, written out independently of
/// `Access::allows` so a mistake there shows here.
fn expected(who: Who, access: Access) -> Expect {
    use Who::*;
    let known = !matches!(who, Anonymous | ExpiredToken | RevokedToken);
    let session = matches!(who, ViewerSession | OperatorSession | AdminSession);
    let allowed = match access {
        Access::Public => return Expect::Admitted,
        Access::Session => session,
        Access::Read => matches!(
            who,
            ViewerSession
                | OperatorSession
                | AdminSession
                | ViewerToken
                | OperatorToken
                | AdminToken
        ),
        Access::Operate => matches!(
            who,
            OperatorSession | AdminSession | OperatorToken | AdminToken
        ),
        Access::Publish => matches!(
            who,
            OperatorSession | AdminSession | OperatorToken | AdminToken | PublisherToken
        ),
        Access::Admin => matches!(who, AdminSession | AdminToken),
        Access::AdminSession => matches!(who, AdminSession),
    };
    match (known, allowed) {
        (false, _) => Expect::Unauthorized,
        (true, true) => Expect::Admitted,
        (true, false) => Expect::Forbidden,
    }
}

/// The objects routes are called on, and a caller for each kind of principal.
struct Fixture {
    app: TestApp,
    webhook: String,
    webhook_body: Value,
    /// Deleted (and restored) by the matrix itself.
    victim: String,
    viewer_id: String,
    callers: Vec<(Who, Caller)>,
}

const MADE_UP: &str = "0190a0a0-0000-7000-8000-000000000000";
const TOPIC: &str = "resource.lifecycle";

async fn fixture() -> Fixture {
    let app = spawn_app().await;
    // Password hashing is slow in debug builds: the sign-ins run side by side.
    let (admin, viewer, _) = tokio::join!(
        admin_session(&app),
        add_user(&app, "m-viewer", "viewer"),
        add_user(&app, "m-operator", "operator")
    );
    // Expires in two seconds: by the time the rest is set up it has (waited for below).
    let expiring = add_token(&app, &admin, "m-expired", "admin", Some(&from_now(2.0))).await;
    let expired = Caller::bearer(expiring.token);
    assert_eq!(
        expired.status(&app).await,
        StatusCode::OK,
        "before it expires"
    );
    let (viewer_session, operator_session) =
        tokio::join!(session(&app, "m-viewer"), session(&app, "m-operator"));
    let revoked = add_token(&app, &admin, "m-revoked", "admin", None).await;
    let gone = admin
        .delete(&app, &format!("/api/v1/tokens/{}", revoked.api_token.id))
        .await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    let mut body = webhook_body("matrix");
    body["enabled"] = json!(false);
    let webhook = app.create(&body).await.id;
    let mut victim_body = webhook_body("matrix-victim");
    victim_body["enabled"] = json!(false);
    let victim = app.create(&victim_body).await.id;
    let mut callers = vec![
        (Who::Anonymous, Caller::anonymous()),
        (Who::ViewerSession, viewer_session),
        (Who::OperatorSession, operator_session),
        (Who::AdminSession, admin.clone()),
        (Who::ExpiredToken, expired.clone()),
        (Who::RevokedToken, Caller::bearer(revoked.token)),
    ];
    for (who, role) in [
        (Who::PublisherToken, "publisher"),
        (Who::ViewerToken, "viewer"),
        (Who::OperatorToken, "operator"),
        (Who::AdminToken, "admin"),
    ] {
        let token = add_token(&app, &admin, &format!("m-{role}"), role, None).await;
        callers.push((who, Caller::bearer(token.token)));
    }
    assert!(EVERYONE.iter().all(|w| callers.iter().any(|(c, _)| c == w)));
    let expires_at = expiring.api_token.expires_at.unwrap();
    while expired.status(&app).await != StatusCode::UNAUTHORIZED {
        assert!(from_now(-5.0) < expires_at, "the token never expired");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Fixture {
        app,
        webhook,
        webhook_body: body,
        victim,
        viewer_id: viewer.id,
        callers,
    }
}

impl Fixture {
    /// The concrete path of a route: `{id}` is a real object where calling it leaves the fixture
    /// intact, else a made-up id (a 404 still shows the request was admitted).
    fn path(&self, method: &str, template: &str) -> String {
        let id = match (method, template) {
            ("DELETE", "/api/v1/webhooks/{id}") | ("POST", "/api/v1/webhooks/{id}/restore") => {
                &self.victim
            }
            // Sending would reach out to the webhook's URL.
            (
                _,
                "/api/v1/webhooks/{id}/test"
                | "/api/v1/webhooks/{id}/send"
                | "/api/v1/webhooks/{id}/drill/run",
            ) => MADE_UP,
            (_, t) if t.starts_with("/api/v1/webhooks/{id}") => &self.webhook,
            (_, t) if t.starts_with("/api/v1/subscriptions/{id}") => TOPIC,
            ("PUT", "/api/v1/users/{id}") => &self.viewer_id,
            _ => MADE_UP,
        };
        template
            .replace("{id}", id)
            .replace("{webhook_id}", &self.webhook)
            .replace("{number}", "1")
    }

    /// A body for changes: valid where that is cheap and harmless, else `{}` (a 4xx other than
    /// 401/403 still shows the request was admitted).
    fn body(&self, method: &str, template: &str, n: usize) -> Option<Value> {
        if matches!(method, "GET" | "DELETE") {
            return None;
        }
        Some(match template {
            "/api/v1/webhooks" => {
                let mut b = webhook_body(&format!("matrix-{n}"));
                b["enabled"] = json!(false);
                b
            }
            "/api/v1/webhooks/{id}" | "/api/v1/webhooks/preview" => self.webhook_body.clone(),
            "/api/v1/events" => json!({"events": [{
                "type": "resource.update", "action": "update", "resource_type": "host"}]}),
            "/api/v1/subscriptions/{id}/receivers" => json!({"webhook_id": self.webhook}),
            "/api/v1/tokens" => json!({"name": format!("matrix-{n}"), "role": "viewer"}),
            // No sign-in attempt (a wrong one would count towards the throttle).
            _ => json!({}),
        })
    }
}

/// The table's routes, sign-out last: it ends the sessions the other routes are called with.
fn in_walking_order() -> Vec<(&'static str, &'static str, Access)> {
    let sign_out = |r: &(&str, &str, Access)| (r.0, r.1) == ("DELETE", "/api/v1/session");
    let mut routes: Vec<_> = ROUTES.iter().filter(|r| !sign_out(r)).copied().collect();
    routes.extend(ROUTES.iter().filter(|r| sign_out(r)));
    assert_eq!(routes.len(), ROUTES.len());
    routes
}

/// Calls every route as every principal; returns the cells that disagree with the table.
async fn walk(fx: &Fixture) -> Vec<String> {
    let mut wrong = Vec::new();
    let mut n = 0;
    for &(method, template, access) in &in_walking_order() {
        for (who, caller) in &fx.callers {
            n += 1;
            let path = fx.path(method, template);
            let body = fx.body(method, template, n);
            let verb = Method::from_bytes(method.as_bytes()).unwrap();
            let response = caller.send(&fx.app, verb, &path, body.as_ref()).await;
            let status = response.status();
            let text = response.text().await.unwrap_or_default();
            let ok = match expected(*who, access) {
                Expect::Unauthorized => {
                    status == StatusCode::UNAUTHORIZED && text.contains("\"unauthorized\"")
                }
                Expect::Forbidden => {
                    status == StatusCode::FORBIDDEN && text.contains("\"forbidden\"")
                }
                // Admitted: neither refusal, nor a route that does not exist or broke.
                Expect::Admitted => {
                    !matches!(status.as_u16(), 401 | 403 | 405)
                        && !status.is_server_error()
                        && !text.contains("There is no API endpoint")
                }
            };
            if !ok {
                wrong.push(format!(
                    "{method} {path} ({access:?}) as {who:?}: expected {:?}, got {status} {text:.200}",
                    expected(*who, access)
                ));
            }
        }
    }
    wrong
}

#[tokio::test]
async fn every_route_refuses_exactly_whom_the_table_says() {
    let fx = fixture().await;
    let wrong = walk(&fx).await;
    assert!(
        wrong.is_empty(),
        "{} cells:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// The OpenAPI document's operations as `METHOD /path`.
async fn documented(app: &TestApp) -> BTreeSet<String> {
    let doc: Value = Caller::anonymous()
        .get(app, "/api/v1/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in [
            "get", "put", "post", "delete", "patch", "head", "options", "trace",
        ] {
            if item.get(method).is_some() {
                ops.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    ops
}

#[tokio::test]
async fn the_table_and_the_openapi_document_list_the_same_routes() {
    let app = spawn_app().await;
    // The API's routes; `/metrics` is outside it (and outside its document).
    let table: BTreeSet<String> = ROUTES
        .iter()
        .filter(|(_, p, _)| p.starts_with("/api/v1/"))
        .map(|(m, p, _)| format!("{m} {}", p.split('?').next().unwrap()))
        .collect();
    let documented = documented(&app).await;

    let undocumented: Vec<_> = table.difference(&documented).collect();
    let unlisted: Vec<_> = documented.difference(&table).collect();
    assert!(
        undocumented.is_empty(),
        "in ROUTES, not in OpenAPI: {undocumented:?}"
    );
    assert!(
        unlisted.is_empty(),
        "in OpenAPI, not in ROUTES: {unlisted:?}"
    );
    // A query-specific entry refines a route the table lists on its own.
    for (m, p, _) in ROUTES.iter().filter(|(_, p, _)| p.contains('?')) {
        let plain = p.split('?').next().unwrap();
        assert!(
            ROUTES.iter().any(|(m2, p2, _)| m2 == m && *p2 == plain),
            "{m} {p} without {m} {plain}"
        );
    }
}

#[tokio::test]
async fn deleted_webhooks_are_for_admins_however_the_query_is_spelled() {
    let app = spawn_app().await;
    let gone = app.create_named("gone").await.id;
    assert_eq!(
        app.delete(&format!("/api/v1/webhooks/{gone}"))
            .await
            .status(),
        204
    );
    add_user(&app, "d-viewer", "viewer").await;
    add_user(&app, "d-operator", "operator").await;
    let viewer = session(&app, "d-viewer").await;
    let operator = session(&app, "d-operator").await;
    let admin = admin_session(&app).await;
    let operator_token = add_token(&app, &admin, "d-op", "operator", None).await;
    let operator_token = Caller::bearer(operator_token.token);

    for query in [
        "deleted=true",
        "deleted=%74rue",
        "deleted=true+",
        "deleted=%20true",
        "%64eleted=true",
        "page=1&deleted=true",
        "deleted=false&deleted=true",
        "deleted=true&deleted=false",
    ] {
        let path = format!("/api/v1/webhooks?{query}");
        for caller in [&viewer, &operator, &operator_token] {
            let answer = caller.get(&app, &path).await;
            let status = answer.status();
            let text = answer.text().await.unwrap();
            assert!(
                status == StatusCode::FORBIDDEN && !text.contains(&gone),
                "?{query}: {status} {text}"
            );
        }
        // Whatever the admin gets, the others were refused; where the admin gets the deleted
        // list, that is what the spelling meant.
        let answer = admin.get(&app, &path).await;
        assert_ne!(answer.status(), StatusCode::FORBIDDEN, "?{query}");
    }
    let listed: Value = admin
        .get(&app, "/api/v1/webhooks?deleted=%74rue")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["results"][0]["id"], json!(gone), "{listed}");
    // A plain list is still theirs, without the deleted one.
    let live = viewer.get(&app, "/api/v1/webhooks?deleted=false").await;
    assert_eq!(live.status(), StatusCode::OK);
    assert!(!live.text().await.unwrap().contains(&gone));
}
