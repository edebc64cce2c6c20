//! The sign-in throttle: 5 failed sign-ins per username, and per client address, within 5
//! minutes, then 429 with Retry-After, even for the right password. Both keys are checked on
//! every attempt; the count is in the database, so it holds across instances. Loopback has a
//! whole /8, so each test signs in from addresses of its own (127.0.0.x) to tell the keys apart.

use crate::helpers::{TestApp, spawn_app, spawn_app_in};
use crate::principals::{add_user, password_of};
use reqwest::{Client, Response, StatusCode};
use serde_json::json;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

/// A client whose connections come from 127.0.0.`last`.
fn from(last: u8) -> Client {
    webhook_server::install_crypto_provider();
    Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)))
        .build()
        .unwrap()
}

async fn sign_in_from(app: &TestApp, last: u8, username: &str, password: &str) -> Response {
    from(last)
        .post(app.url("/api/v1/session"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .expect("sign in")
}

/// Asserts a 429 with a Retry-After within the 5-minute window, and returns its seconds.
async fn assert_throttled(response: Response, what: &str) -> u64 {
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "{what}");
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=301).contains(&wait), "{what}: Retry-After {wait}");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_many_requests", "{what}");
    wait
}

#[tokio::test]
async fn five_failures_for_a_username_lock_it_from_every_address() {
    let app = spawn_app().await;
    add_user(&app, "t-user", "viewer").await;
    add_user(&app, "t-other", "viewer").await;

    // Five addresses, one failure each, in any spelling of the username.
    for (last, spelling) in [
        (2, "t-user"),
        (3, "T-USER"),
        (4, "t-User"),
        (5, "t-user"),
        (6, "t-user"),
    ] {
        let failed = sign_in_from(&app, last, spelling, "wrong-password-0").await;
        assert_eq!(failed.status(), StatusCode::UNAUTHORIZED);
    }

    let right = sign_in_from(&app, 7, "t-user", &password_of("t-user")).await;
    assert_throttled(right, "the right password after five failures").await;
    let other = sign_in_from(&app, 7, "t-other", &password_of("t-other")).await;
    assert_eq!(
        other.status(),
        StatusCode::OK,
        "another username from a fresh address"
    );
    let elsewhere = sign_in_from(&app, 8, "t-user", &password_of("t-user")).await;
    assert_throttled(elsewhere, "the username from yet another address").await;
}

#[tokio::test]
async fn five_failures_from_an_address_lock_it_for_every_username() {
    let app = spawn_app().await;
    add_user(&app, "a-user", "viewer").await;

    // Four failures, then a success from the same address: it clears the username's count, not
    // the address's.
    for n in 0..4 {
        let failed = sign_in_from(&app, 20, &format!("ghost-{n}"), "wrong-password-0").await;
        assert_eq!(failed.status(), StatusCode::UNAUTHORIZED);
    }
    let ok = sign_in_from(&app, 20, "a-user", &password_of("a-user")).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let fifth = sign_in_from(&app, 20, "ghost-4", "wrong-password-0").await;
    assert_eq!(fifth.status(), StatusCode::UNAUTHORIZED);

    let locked = sign_in_from(&app, 20, "a-user", &password_of("a-user")).await;
    assert_throttled(locked, "a user with no failures, from the locked address").await;
    let elsewhere = sign_in_from(&app, 21, "a-user", &password_of("a-user")).await;
    assert_eq!(
        elsewhere.status(),
        StatusCode::OK,
        "the same user from another address"
    );
    // Throttled attempts are not failures: the username's count did not grow.
    for _ in 0..5 {
        let again = sign_in_from(&app, 20, "a-user", "wrong-password-0").await;
        assert_eq!(again.status(), StatusCode::TOO_MANY_REQUESTS);
    }
    let still = sign_in_from(&app, 22, "a-user", &password_of("a-user")).await;
    assert_eq!(still.status(), StatusCode::OK);

    // Each attempt is in the audit log, under the address it came from.
    let attempts = crate::audit::filtered(&app, "action=session.create").await;
    let outcomes = |addr: &str, outcome: &str| {
        let of = |e: &&webhook_api::AuditEntry| e.client_addr == addr && e.outcome == outcome;
        attempts.results.iter().filter(of).count()
    };
    assert_eq!(outcomes("127.0.0.20", "failure"), 5);
    assert_eq!(outcomes("127.0.0.20", "success"), 1);
    assert_eq!(outcomes("127.0.0.20", "refused"), 6);
    assert_eq!(outcomes("127.0.0.21", "success"), 1);
}

#[tokio::test]
async fn the_throttle_holds_across_instances_on_one_database() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let first = spawn_app_in(dir.clone()).await;
    let second = spawn_app_in(dir.clone()).await;
    add_user(&first, "x-user", "viewer").await;
    add_user(&first, "x-other", "viewer").await;

    for _ in 0..5 {
        let failed = sign_in_from(&first, 30, "x-user", "wrong-password-0").await;
        assert_eq!(failed.status(), StatusCode::UNAUTHORIZED);
    }

    let by_name = sign_in_from(&second, 31, "x-user", &password_of("x-user")).await;
    assert_throttled(by_name, "the username, on the other instance").await;
    let by_address = sign_in_from(&second, 30, "x-other", &password_of("x-other")).await;
    assert_throttled(by_address, "the address, on the other instance").await;
    let neither = sign_in_from(&second, 31, "x-other", &password_of("x-other")).await;
    assert_eq!(neither.status(), StatusCode::OK);
}
