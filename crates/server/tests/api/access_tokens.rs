//! API tokens and users: a token is shown once, acts for itself whatever cookie comes with it,
//! stops at once when revoked, expired, or when its creator is disabled or demoted below it;
//! usernames are unique case-insensitively; the last enabled admin stays; ending access through
//! one instance ends it on the others of the same database.

use crate::helpers::{TestApp, client, expect_error, spawn_app, spawn_app_in, webhook_body};
use crate::principals::{
    Caller, add_token, add_user, admin_session, from_now, password_of, session,
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use webhook_api::{ApiToken, User, Webhook};

#[tokio::test]
async fn a_token_is_shown_once_listed_by_its_prefix_and_revoked_at_once() {
    let app = spawn_app().await;
    let admin = admin_session(&app).await;

    let created = add_token(&app, &admin, "once", "viewer", None).await;

    let token = created.token.clone();
    assert!(token.starts_with("whc_") && token.len() > 40, "{token}");
    assert_eq!(created.api_token.prefix, token[..12]);
    assert_eq!(created.api_token.created_by, "admin");
    assert_eq!(created.api_token.last_used_at, None);
    let listed = app.get("/api/v1/tokens").await.text().await.unwrap();
    assert!(
        !listed.contains(&token) && listed.contains(&created.api_token.prefix),
        "{listed}"
    );
    let audit = app
        .get("/api/v1/audit?page_size=100")
        .await
        .text()
        .await
        .unwrap();
    assert!(!audit.contains(&token[12..]), "{audit}");

    let caller = Caller::bearer(token.clone());
    assert_eq!(caller.status(&app).await, StatusCode::OK);
    let tokens: Vec<ApiToken> = app.get("/api/v1/tokens").await.json().await.unwrap();
    let used = tokens
        .iter()
        .find(|t| t.id == created.api_token.id)
        .unwrap();
    assert!(
        used.last_used_at.is_some(),
        "last_used_at is set after use: {used:?}"
    );

    let path = format!("/api/v1/tokens/{}", created.api_token.id);
    assert_eq!(app.delete(&path).await.status(), StatusCode::NO_CONTENT);
    let refused = caller.get(&app, "/api/v1/webhooks").await;
    expect_error(refused, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let tokens: Vec<ApiToken> = app.get("/api/v1/tokens").await.json().await.unwrap();
    assert!(tokens.iter().all(|t| t.id != created.api_token.id));
    expect_error(app.delete(&path).await, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn a_token_expires_and_must_expire_in_the_future() {
    let app = spawn_app().await;
    let admin = admin_session(&app).await;
    for bad in [from_now(-60.0), "tomorrow".to_string()] {
        let body = json!({"name": "bad", "role": "viewer", "expires_at": bad});
        let refused = expect_error(
            admin.post(&app, "/api/v1/tokens", &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(
            refused.error.fields.contains_key("expires_at"),
            "{bad}: {refused:?}"
        );
    }

    let soon = add_token(&app, &admin, "soon", "viewer", Some(&from_now(1.5))).await;
    let caller = Caller::bearer(soon.token);
    assert_eq!(caller.status(&app).await, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1700)).await;
    assert_eq!(caller.status(&app).await, StatusCode::UNAUTHORIZED);
}

/// `POST /webhooks` with both a bearer `authorization` header and `cookie`.
async fn create_with(
    app: &TestApp,
    authorization: &str,
    cookie: &Caller,
    name: &str,
) -> reqwest::Response {
    let cookie = cookie.session_cookie();
    client()
        .post(app.url("/api/v1/webhooks"))
        .header("authorization", authorization)
        .header("cookie", cookie)
        .header("x-requested-with", "tests")
        .json(&webhook_body(name))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_token_acts_for_itself_whatever_cookie_comes_with_it() {
    let app = spawn_app().await;
    add_user(&app, "c-viewer", "viewer").await;
    let viewer = session(&app, "c-viewer").await;
    let admin = admin_session(&app).await;
    let robot = add_token(&app, &admin, "robot", "admin", None).await;
    let reader = add_token(&app, &admin, "reader", "viewer", None).await;

    let made = create_with(
        &app,
        &format!("Bearer {}", robot.token),
        &viewer,
        "by-token",
    )
    .await;
    assert_eq!(made.status(), StatusCode::CREATED);
    let made: Webhook = made.json().await.unwrap();
    assert_eq!(made.updated_by, "token:robot");

    let refused = create_with(
        &app,
        &format!("Bearer {}", reader.token),
        &admin,
        "by-reader",
    )
    .await;
    expect_error(refused, StatusCode::FORBIDDEN, "forbidden").await;
    for bad in [
        "Basic YWRtaW46eA==",
        "Bearer nope",
        "Bearer whc_unknown",
        "Bearer ",
        "whc_x",
    ] {
        let refused = create_with(&app, bad, &admin, "by-bad-header").await;
        expect_error(refused, StatusCode::UNAUTHORIZED, "unauthorized").await;
    }
    let page: Value = app.get("/api/v1/webhooks").await.json().await.unwrap();
    assert_eq!(page["total_count"], 1, "{page}");
}

/// The status of `POST /events` (a Publish route) as `caller`.
async fn publishes(app: &TestApp, caller: &Caller) -> StatusCode {
    let event = json!({"type": "resource.update", "action": "update", "resource_type": "host"});
    let body = json!({"events": [event]});
    caller.post(app, "/api/v1/events", &body).await.status()
}

#[tokio::test]
async fn a_token_stops_when_its_creator_is_demoted_below_it_or_disabled() {
    let app = spawn_app().await;
    let boss = add_user(&app, "boss", "admin").await;
    let session = session(&app, "boss").await;
    let mut tokens = Vec::new();
    for role in ["admin", "operator", "viewer", "publisher"] {
        tokens.push(Caller::bearer(
            add_token(&app, &session, role, role, None).await.token,
        ));
    }
    let [admin, operator, viewer, publisher] = &tokens[..] else {
        unreachable!()
    };

    crate::principals::update_user(&app, &boss.id, &json!({"role": "operator"})).await;
    assert_eq!(admin.status(&app).await, StatusCode::UNAUTHORIZED);
    assert_eq!(operator.status(&app).await, StatusCode::OK);
    assert_eq!(publishes(&app, publisher).await, StatusCode::ACCEPTED);

    crate::principals::update_user(&app, &boss.id, &json!({"role": "viewer"})).await;
    assert_eq!(operator.status(&app).await, StatusCode::UNAUTHORIZED);
    assert_eq!(publishes(&app, publisher).await, StatusCode::UNAUTHORIZED);
    assert_eq!(viewer.status(&app).await, StatusCode::OK);

    crate::principals::update_user(&app, &boss.id, &json!({"disabled": true})).await;
    assert_eq!(viewer.status(&app).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn deleting_a_user_signs_them_out_and_revokes_their_tokens() {
    let app = spawn_app().await;
    let gone = add_user(&app, "gone", "admin").await;
    let first = session(&app, "gone").await;
    let made = add_token(&app, &first, "gone-bot", "viewer", None).await;
    let token = Caller::bearer(made.token);
    // A change of role first (it ends their sessions, as deleting does).
    crate::principals::update_user(&app, &gone.id, &json!({"role": "operator"})).await;
    assert_eq!(first.status(&app).await, StatusCode::UNAUTHORIZED);
    let signed_in = session(&app, "gone").await;
    assert_eq!(token.status(&app).await, StatusCode::OK);

    let deleted = app.delete(&format!("/api/v1/users/{}", gone.id)).await;

    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(signed_in.status(&app).await, StatusCode::UNAUTHORIZED);
    assert_eq!(token.status(&app).await, StatusCode::UNAUTHORIZED);
    let left: Vec<ApiToken> = app.get("/api/v1/tokens").await.json().await.unwrap();
    assert!(left.iter().all(|t| t.created_by != "gone"), "{left:?}");
    let users: Vec<User> = app.get("/api/v1/users").await.json().await.unwrap();
    assert!(users.iter().all(|u| u.id != gone.id), "{users:?}");
    let again = app.delete(&format!("/api/v1/users/{}", gone.id)).await;
    expect_error(again, StatusCode::NOT_FOUND, "not_found").await;
}

/// Asks as `caller` on `app` until refused (for at most 5 s); the answers that still let it in.
async fn refused_within(app: &TestApp, caller: &Caller, what: &str) -> usize {
    let start = Instant::now();
    let mut let_in = 0;
    loop {
        match caller.status(app).await {
            StatusCode::UNAUTHORIZED => return let_in,
            StatusCode::OK if start.elapsed() < Duration::from_secs(5) => let_in += 1,
            status => panic!("{what}: still {status} on the other instance after 5 s"),
        }
    }
}

/// Two servers on one database (each keeps the sessions and tokens it found live, and forgets
/// them when PostgreSQL announces a change or, two on one SQLite file as only tests run them,
/// when its watcher sees the file changed): a session signed out, a token revoked, a user
/// disabled through the first stop working on the second, while what was not changed goes on.
#[tokio::test]
async fn ending_access_through_one_instance_ends_it_on_the_others() {
    let a = spawn_app().await;
    let b = spawn_app_in(a.dir.clone()).await;
    add_user(&a, "ann", "admin").await;
    let signed_out = session(&a, "ann").await;
    let ann = session(&a, "ann").await;
    let revoked = Caller::bearer(add_token(&a, &ann, "revoked", "viewer", None).await.token);
    let anns_token = Caller::bearer(add_token(&a, &ann, "kept", "viewer", None).await.token);
    let admin = admin_session(&a).await;
    let callers = [&signed_out, &ann, &revoked, &anns_token, &admin];
    for caller in callers {
        // The first use finds it in the database, the second where it was kept.
        for _ in 0..2 {
            assert_eq!(caller.status(&b).await, StatusCode::OK);
        }
    }

    let out = signed_out.delete(&a, "/api/v1/session").await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(signed_out.status(&a).await, StatusCode::UNAUTHORIZED);
    let signed_out_after = refused_within(&b, &signed_out, "a signed-out session").await;

    let tokens: Vec<ApiToken> = a.get("/api/v1/tokens").await.json().await.unwrap();
    let id = &tokens.iter().find(|t| t.name == "revoked").unwrap().id;
    let gone = a.delete(&format!("/api/v1/tokens/{id}")).await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    let revoked_after = refused_within(&b, &revoked, "a revoked token").await;

    for caller in [&ann, &anns_token, &admin] {
        assert_eq!(caller.status(&b).await, StatusCode::OK, "not changed");
    }
    let users: Vec<User> = a.get("/api/v1/users").await.json().await.unwrap();
    let id = &users.iter().find(|u| u.username == "ann").unwrap().id;
    crate::principals::update_user(&a, id, &json!({"disabled": true})).await;
    let disabled_after = refused_within(&b, &ann, "a disabled user's session").await;
    refused_within(&b, &anns_token, "a disabled user's token").await;
    assert_eq!(admin.status(&b).await, StatusCode::OK, "not changed");
    eprintln!(
        "answers still let in on the other instance after: sign-out {signed_out_after}, \
         revocation {revoked_after}, disabling {disabled_after}"
    );
}

/// `webhook-server reset-password` is another process on the server's database (on SQLite the
/// same file): the sessions it ends stop working on the running server, which kept them.
#[tokio::test]
async fn reset_password_beside_the_running_server_ends_the_sessions_it_kept() {
    let app = spawn_app().await;
    add_user(&app, "ann", "operator").await;
    let ann = session(&app, "ann").await;
    for _ in 0..2 {
        assert_eq!(ann.status(&app).await, StatusCode::OK);
    }
    let url = crate::helpers::database_url(&app.dir);
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_webhook-server"))
            .env("WEBHOOK_DATABASE_URL", url)
            .env("WEBHOOK_SECRET_KEY", crate::helpers::TEST_SECRET_KEY)
            .env("RUST_LOG", "warn")
            .args(["reset-password", "ann"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{printed} {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let let_in = refused_within(&app, &ann, "a session ended by reset-password").await;
    eprintln!("answers still let in after reset-password: {let_in}");
    let password = printed
        .split("is now: ")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .unwrap();
    let again = crate::principals::session_with(&app, "ann", password).await;
    assert_eq!(again.status(&app).await, StatusCode::OK);
}

/// The fields named by the refusal of `POST /users` with `body`.
async fn refused_fields(app: &TestApp, status: StatusCode, code: &str, body: Value) -> Vec<String> {
    let response = app.post_json("/api/v1/users", &body).await;
    let error = expect_error(response, status, code).await;
    error.error.fields.keys().cloned().collect()
}

#[tokio::test]
async fn usernames_are_unique_case_insensitively_and_passwords_are_checked() {
    let app = spawn_app().await;
    add_user(&app, "Dup.User", "viewer").await;
    let dup = json!({"username": "dup.user", "role": "viewer", "password": password_of("x")});
    assert_eq!(
        refused_fields(&app, StatusCode::CONFLICT, "conflict", dup).await,
        ["username"]
    );
    let invalid = StatusCode::UNPROCESSABLE_ENTITY;
    for (body, field) in [
        (
            json!({"username": "short-pw", "role": "viewer", "password": "123456789"}),
            "password",
        ),
        (
            json!({"username": "longusername1", "role": "viewer", "password": "LONGUSERNAME1"}),
            "password",
        ),
        (
            json!({"username": "pub", "role": "publisher", "password": password_of("pub")}),
            "role",
        ),
        (
            json!({"username": "sp ace", "role": "viewer", "password": password_of("sp")}),
            "username",
        ),
    ] {
        assert_eq!(
            refused_fields(&app, invalid, "validation_failed", body.clone()).await,
            [field],
            "{body}"
        );
    }
    let users: Vec<User> = app.get("/api/v1/users").await.json().await.unwrap();
    assert_eq!(users.len(), 2, "{users:?}");
    let dup_id = &users.iter().find(|u| u.username == "Dup.User").unwrap().id;
    let path = format!("/api/v1/users/{dup_id}");
    for (body, field) in [
        (json!({"role": "publisher"}), "role"),
        (json!({"password": "short"}), "password"),
        (json!({"password": "dup.user"}), "password"),
    ] {
        let error = expect_error(
            app.put_json(&path, &body).await,
            invalid,
            "validation_failed",
        )
        .await;
        assert!(error.error.fields.contains_key(field), "{body}: {error:?}");
    }
}

#[tokio::test]
async fn the_last_enabled_admin_cannot_be_demoted_disabled_or_deleted() {
    let app = spawn_app().await;
    let users: Vec<User> = app.get("/api/v1/users").await.json().await.unwrap();
    let first = users
        .iter()
        .find(|u| u.username == "admin")
        .unwrap()
        .id
        .clone();
    let first_path = format!("/api/v1/users/{first}");
    for body in [json!({"role": "operator"}), json!({"disabled": true})] {
        let refused = app.put_json(&first_path, &body).await;
        expect_error(refused, StatusCode::CONFLICT, "conflict").await;
    }
    expect_error(
        app.delete(&first_path).await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
    let me = admin_session(&app).await;
    expect_error(
        me.delete(&app, &first_path).await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;

    let second = add_user(&app, "second-admin", "admin").await;
    let second_session = session(&app, "second-admin").await;
    let demoted = second_session
        .put(&app, &first_path, &json!({"role": "viewer"}))
        .await;
    assert_eq!(demoted.status(), StatusCode::OK);
    // The first admin's token (the suite's client) went with the role.
    assert_eq!(
        app.get("/api/v1/users").await.status(),
        StatusCode::UNAUTHORIZED
    );

    let second_path = format!("/api/v1/users/{}", second.id);
    for body in [json!({"role": "operator"}), json!({"disabled": true})] {
        let refused = second_session.put(&app, &second_path, &body).await;
        expect_error(refused, StatusCode::CONFLICT, "conflict").await;
    }
    let users: Vec<User> = second_session
        .get(&app, "/api/v1/users")
        .await
        .json()
        .await
        .unwrap();
    let admins: Vec<_> = users
        .iter()
        .filter(|u| u.role == webhook_api::Role::Admin)
        .collect();
    assert_eq!(admins.len(), 1, "{users:?}");
}

/// The enabled admins, counted in the database (no admin may be left to ask the API).
async fn enabled_admins(app: &TestApp) -> i64 {
    let db = crate::helpers::open_db(&crate::helpers::database_url(&app.dir)).await;
    let users = webhook_server::db::users::list(&db).await.unwrap();
    db.close().await;
    users
        .iter()
        .filter(|u| u.role == webhook_api::Role::Admin && !u.disabled)
        .count() as i64
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_one_admin() {
    let app = spawn_app().await;
    let (a, b) = tokio::join!(
        add_user(&app, "admin-a", "admin"),
        add_user(&app, "admin-b", "admin")
    );
    let (a_session, b_session) = tokio::join!(session(&app, "admin-a"), session(&app, "admin-b"));
    let users: Vec<User> = app.get("/api/v1/users").await.json().await.unwrap();
    let first = &users.iter().find(|u| u.username == "admin").unwrap().id;
    let demote = json!({"role": "viewer"});
    let stepped_down = a_session
        .put(&app, &format!("/api/v1/users/{first}"), &demote)
        .await;
    assert_eq!(
        stepped_down.status(),
        StatusCode::OK,
        "the first admin steps down"
    );
    assert_eq!(enabled_admins(&app).await, 2);

    let (path_a, path_b) = (
        format!("/api/v1/users/{}", a.id),
        format!("/api/v1/users/{}", b.id),
    );
    let (by_a, by_b) = tokio::join!(
        a_session.put(&app, &path_b, &demote),
        b_session.put(&app, &path_a, &demote),
    );

    let statuses = [by_a.status(), by_b.status()];
    assert_eq!(enabled_admins(&app).await, 1, "answers: {statuses:?}");
    // The other was refused: the last admin (409), or already demoted and signed out (401).
    let refused = [StatusCode::CONFLICT, StatusCode::UNAUTHORIZED];
    assert!(statuses.iter().any(|s| refused.contains(s)), "{statuses:?}");
}
