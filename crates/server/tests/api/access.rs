//! Sessions: the sign-in cookie, who is signed in, signing out, one answer for every failed
//! sign-in, idle timeout and lifetime, sessions ended by changes to their user, and the CSRF rule
//! for changes made with the cookie.

use crate::helpers::{TestApp, client, spawn_app, spawn_app_with, webhook_body};
use crate::principals::{
    Caller, add_user, admin_session, password_of, session, sign_in, status_and_code, update_user,
};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use webhook_api::Session;

/// The attributes of the session cookie a sign-in answer sets, lower-cased, without its value.
fn cookie_attributes(response: &Response) -> Vec<String> {
    let header = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("wc_session="))
        .expect("a session cookie")
        .to_string();
    header
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect()
}

#[tokio::test]
async fn sign_in_sets_a_strict_http_only_cookie_and_sign_out_ends_it() {
    let app = spawn_app().await;
    add_user(&app, "s-viewer", "viewer").await;

    let response = sign_in(&app, "s-viewer", &password_of("s-viewer")).await;

    assert_eq!(response.status(), StatusCode::OK);
    let attributes = cookie_attributes(&response);
    for wanted in ["httponly", "samesite=strict", "path=/", "max-age=604800"] {
        assert!(
            attributes.iter().any(|a| a == wanted),
            "{wanted}: {attributes:?}"
        );
    }
    assert!(!attributes.iter().any(|a| a == "secure"), "{attributes:?}");
    let cookie = Caller::cookie(crate::helpers::session_cookie(&response));
    let text = response.text().await.unwrap();
    assert!(
        !text.contains("argon2") && !text.contains("password"),
        "{text}"
    );
    let signed_in: Session = serde_json::from_str(&text).unwrap();
    assert_eq!(signed_in.user.username, "s-viewer");

    let who = cookie.get(&app, "/api/v1/session").await;
    assert_eq!(who.status(), StatusCode::OK);
    let who: Session = who.json().await.unwrap();
    assert_eq!(who.user.username, "s-viewer");
    assert_eq!(who.user.role, webhook_api::Role::Viewer);
    assert!(who.user.last_sign_in_at.is_some());
    assert_eq!(cookie.status(&app).await, StatusCode::OK);

    let out = cookie.delete(&app, "/api/v1/session").await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert!(cookie_attributes(&out).contains(&"max-age=0".to_string()));
    assert_eq!(cookie.status(&app).await, StatusCode::UNAUTHORIZED);
    let again = cookie.get(&app, "/api/v1/session").await;
    assert_eq!(
        status_and_code(again).await,
        (StatusCode::UNAUTHORIZED, "unauthorized".into())
    );
    let twice = cookie.delete(&app, "/api/v1/session").await;
    assert_eq!(twice.status(), StatusCode::UNAUTHORIZED);
}

/// Status, code and message of a failed sign-in.
async fn refusal(response: Response) -> (StatusCode, String, String) {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    let error = &body["error"];
    (
        status,
        error["code"].to_string(),
        error["message"].to_string(),
    )
}

#[tokio::test]
async fn every_failed_sign_in_gets_the_same_answer_and_a_disabled_user_cannot_sign_in() {
    let app = spawn_app().await;
    let user = add_user(&app, "f-user", "viewer").await;

    let wrong_password = refusal(sign_in(&app, "f-user", "not-the-password").await).await;
    let unknown_user = refusal(sign_in(&app, "nobody-here", "not-the-password").await).await;
    let bad_username = refusal(sign_in(&app, "no such user!", "not-the-password").await).await;

    assert_eq!(wrong_password.0, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password, unknown_user);
    assert_eq!(wrong_password, bad_username);

    update_user(&app, &user.id, &json!({"disabled": true})).await;
    let disabled = refusal(sign_in(&app, "f-user", &password_of("f-user")).await).await;
    assert_eq!(wrong_password, disabled);

    update_user(&app, &user.id, &json!({"disabled": false})).await;
    let back = sign_in(&app, "F-USER", &password_of("f-user")).await;
    assert_eq!(
        back.status(),
        StatusCode::OK,
        "usernames are case-insensitive"
    );
}

#[tokio::test]
async fn a_session_unused_for_the_idle_timeout_ends() {
    let app = spawn_app_with(Arc::new(tempfile::tempdir().unwrap()), |c| {
        c.session_idle_timeout = Duration::from_secs(3);
    })
    .await;
    add_user(&app, "i-user", "viewer").await;
    let cookie = session(&app, "i-user").await;
    assert_eq!(cookie.status(&app).await, StatusCode::OK);

    tokio::time::sleep(Duration::from_millis(3300)).await;

    let ended = cookie.get(&app, "/api/v1/session").await;
    assert_eq!(
        status_and_code(ended).await,
        (StatusCode::UNAUTHORIZED, "unauthorized".into())
    );
    // Signing in again works: only the session ended.
    assert_eq!(
        session(&app, "i-user").await.status(&app).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_session_in_use_outlives_its_idle_timeout() {
    let app = spawn_app_with(Arc::new(tempfile::tempdir().unwrap()), |c| {
        c.session_idle_timeout = Duration::from_secs(2);
    })
    .await;
    add_user(&app, "u-user", "viewer").await;
    let cookie = session(&app, "u-user").await;

    for step in 0..5 {
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(
            cookie.status(&app).await,
            StatusCode::OK,
            "after {step} uses"
        );
    }
}

#[tokio::test]
async fn a_session_ends_at_its_lifetime_however_active() {
    let app = spawn_app_with(Arc::new(tempfile::tempdir().unwrap()), |c| {
        c.session_lifetime = Duration::from_secs(3);
    })
    .await;
    add_user(&app, "l-user", "viewer").await;
    let response = sign_in(&app, "l-user", &password_of("l-user")).await;
    assert!(cookie_attributes(&response).contains(&"max-age=3".to_string()));
    let cookie = Caller::cookie(crate::helpers::session_cookie(&response));
    let session: Session = response.json().await.unwrap();
    let rfc3339 = &time::format_description::well_known::Rfc3339;
    let ends = time::OffsetDateTime::parse(&session.expires_at, rfc3339).unwrap();
    let left = |margin: f64| (ends - time::OffsetDateTime::now_utc()).as_seconds_f64() - margin;

    while left(0.5) > 0.0 {
        assert_eq!(cookie.status(&app).await, StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    tokio::time::sleep(Duration::from_secs_f64(left(-0.2).max(0.0))).await;
    assert_eq!(cookie.status(&app).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_new_password_role_or_disabling_ends_that_users_sessions_only() {
    let app = spawn_app().await;
    let a = add_user(&app, "e-alice", "viewer").await;
    add_user(&app, "e-bob", "viewer").await;
    let bob = session(&app, "e-bob").await;
    let (alice, alice_too) = (
        session(&app, "e-alice").await,
        session(&app, "e-alice").await,
    );

    update_user(&app, &a.id, &json!({"display_name": "Alice"})).await;
    assert_eq!(
        alice.status(&app).await,
        StatusCode::OK,
        "a new display name ends nothing"
    );

    let new_password = "alice-new-password-1";
    update_user(&app, &a.id, &json!({"password": new_password})).await;
    assert_eq!(alice.status(&app).await, StatusCode::UNAUTHORIZED);
    assert_eq!(alice_too.status(&app).await, StatusCode::UNAUTHORIZED);
    assert_eq!(bob.status(&app).await, StatusCode::OK);
    let old = sign_in(&app, "e-alice", &password_of("e-alice")).await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);

    let alice = crate::principals::session_with(&app, "e-alice", new_password).await;
    update_user(&app, &a.id, &json!({"role": "operator"})).await;
    assert_eq!(alice.status(&app).await, StatusCode::UNAUTHORIZED);
    assert_eq!(bob.status(&app).await, StatusCode::OK);

    let alice = crate::principals::session_with(&app, "e-alice", new_password).await;
    let who: Session = alice
        .get(&app, "/api/v1/session")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(who.user.role, webhook_api::Role::Operator);
    update_user(&app, &a.id, &json!({"disabled": true})).await;
    assert_eq!(alice.status(&app).await, StatusCode::UNAUTHORIZED);
    assert_eq!(bob.status(&app).await, StatusCode::OK);
    let refused = sign_in(&app, "e-alice", new_password).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
}

/// A change (create a webhook) made with `cookie` and the given extra headers.
async fn change_with(
    app: &TestApp,
    cookie: &str,
    name: &str,
    headers: &[(&str, &str)],
) -> StatusCode {
    let mut request = client()
        .post(app.url("/api/v1/webhooks"))
        .header("cookie", cookie)
        .json(&webhook_body(name));
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    request.send().await.unwrap().status()
}

#[tokio::test]
async fn a_change_made_with_the_cookie_must_come_from_the_console() {
    let app = spawn_app().await;
    let cookie = admin_session(&app).await.session_cookie().to_string();
    let same_origin = app.address.clone();
    let xrw = ("x-requested-with", "console");

    let refused = [
        ("no-header", vec![]),
        ("cross-site", vec![xrw, ("sec-fetch-site", "cross-site")]),
        ("same-site", vec![xrw, ("sec-fetch-site", "same-site")]),
        ("evil-origin", vec![xrw, ("origin", "http://evil.example")]),
        ("null-origin", vec![xrw, ("origin", "null")]),
        (
            "both",
            vec![
                ("sec-fetch-site", "same-origin"),
                ("origin", same_origin.as_str()),
            ],
        ),
    ];
    for (name, headers) in &refused {
        assert_eq!(
            change_with(&app, &cookie, name, headers).await,
            StatusCode::FORBIDDEN,
            "{name}"
        );
    }
    let admitted = [
        ("plain", vec![xrw]),
        ("same-origin", vec![xrw, ("sec-fetch-site", "same-origin")]),
        ("typed-url", vec![xrw, ("sec-fetch-site", "none")]),
        ("origin", vec![xrw, ("origin", same_origin.as_str())]),
    ];
    for (name, headers) in &admitted {
        assert_eq!(
            change_with(&app, &cookie, name, headers).await,
            StatusCode::CREATED,
            "{name}"
        );
    }
    let page: Value = app.get("/api/v1/webhooks").await.json().await.unwrap();
    let mut names: Vec<&str> = page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["origin", "plain", "same-origin", "typed-url"],
        "refused changes did nothing"
    );

    // Reading needs no header; signing out is a change like any other.
    let read = client()
        .get(app.url("/api/v1/webhooks"))
        .header("cookie", &cookie)
        .send()
        .await;
    assert_eq!(read.unwrap().status(), StatusCode::OK);
    let out = client()
        .delete(app.url("/api/v1/session"))
        .header("cookie", &cookie)
        .send()
        .await;
    assert_eq!(out.unwrap().status(), StatusCode::FORBIDDEN);
    let still = Caller::cookie(cookie.clone());
    assert_eq!(still.status(&app).await, StatusCode::OK);
    // A token is not sent by browsers on their own: the rule is for the cookie only.
    let token = client()
        .post(app.url("/api/v1/webhooks/missing/enable"))
        .bearer_auth(crate::helpers::admin_token(&app.address).await)
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn behind_an_https_public_url_the_cookie_is_secure_and_changes_come_from_it() {
    let app = spawn_app_with(Arc::new(tempfile::tempdir().unwrap()), |c| {
        c.public_url = Some("https://console.example.com/".parse().unwrap());
    })
    .await;

    let response = sign_in(&app, "admin", crate::helpers::ADMIN_PASSWORD).await;

    assert!(cookie_attributes(&response).contains(&"secure".to_string()));
    let cookie = crate::helpers::session_cookie(&response);
    let xrw = ("x-requested-with", "console");
    let public = [xrw, ("origin", "https://console.example.com")];
    assert_eq!(
        change_with(&app, &cookie, "public", &public).await,
        StatusCode::CREATED
    );
    let host = [xrw, ("origin", app.address.as_str())];
    assert_eq!(
        change_with(&app, &cookie, "host", &host).await,
        StatusCode::FORBIDDEN
    );
    let http = [xrw, ("origin", "http://console.example.com")];
    assert_eq!(
        change_with(&app, &cookie, "http", &http).await,
        StatusCode::FORBIDDEN
    );
}
