//! Who calls, for the tests of access control: nobody, a user signed in by cookie (as the
//! console calls, with `X-Requested-With`), or an API token; and the users and tokens they need.

use crate::helpers::{ADMIN_PASSWORD, TestApp, client, session_cookie};
use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use webhook_api::{CreatedToken, User};

/// One caller: its credentials and an HTTP client of its own (building a client per request
/// would cost more than the request).
#[derive(Debug, Clone)]
pub struct Caller {
    pub credentials: Credentials,
    http: Client,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    Anonymous,
    /// `wc_session=…`, sent with `X-Requested-With` like the console.
    Cookie(String),
    /// `whc_…`
    Bearer(String),
}

impl Caller {
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            http: client(),
        }
    }

    pub fn anonymous() -> Self {
        Self::new(Credentials::Anonymous)
    }

    pub fn cookie(name_value: String) -> Self {
        Self::new(Credentials::Cookie(name_value))
    }

    pub fn bearer(token: String) -> Self {
        Self::new(Credentials::Bearer(token))
    }

    /// The `wc_session=…` of a signed-in caller.
    pub fn session_cookie(&self) -> &str {
        match &self.credentials {
            Credentials::Cookie(c) => c,
            other => panic!("not a session: {other:?}"),
        }
    }

    /// `request` with this caller's credentials.
    pub fn on(&self, request: RequestBuilder) -> RequestBuilder {
        match &self.credentials {
            Credentials::Anonymous => request,
            Credentials::Cookie(cookie) => request
                .header("cookie", cookie)
                .header("x-requested-with", "tests"),
            Credentials::Bearer(token) => request.bearer_auth(token),
        }
    }

    pub async fn send(
        &self,
        app: &TestApp,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Response {
        let mut request = self.on(self.http.request(method, app.url(path)));
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.expect("request")
    }

    pub async fn get(&self, app: &TestApp, path: &str) -> Response {
        self.send(app, Method::GET, path, None).await
    }

    pub async fn post(&self, app: &TestApp, path: &str, body: &Value) -> Response {
        self.send(app, Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, app: &TestApp, path: &str, body: &Value) -> Response {
        self.send(app, Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, app: &TestApp, path: &str) -> Response {
        self.send(app, Method::DELETE, path, None).await
    }

    /// The status of `GET /api/v1/webhooks` (a Read route): whether these credentials still work.
    pub async fn status(&self, app: &TestApp) -> StatusCode {
        self.get(app, "/api/v1/webhooks").await.status()
    }
}

/// The password [`add_user`] gives `username`.
pub fn password_of(username: &str) -> String {
    format!("pw-of-{username}-0123")
}

/// `POST /session` without credentials.
pub async fn sign_in(app: &TestApp, username: &str, password: &str) -> Response {
    client()
        .post(app.url("/api/v1/session"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .expect("sign in")
}

/// A fresh session of `username` (signed in with `password`), asserting success.
pub async fn session_with(app: &TestApp, username: &str, password: &str) -> Caller {
    let response = sign_in(app, username, password).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "signing in as {username}"
    );
    Caller::cookie(session_cookie(&response))
}

/// A fresh session of a user made by [`add_user`].
pub async fn session(app: &TestApp, username: &str) -> Caller {
    session_with(app, username, &password_of(username)).await
}

/// A fresh session of the first administrator, `admin`.
pub async fn admin_session(app: &TestApp) -> Caller {
    session_with(app, "admin", ADMIN_PASSWORD).await
}

/// Adds a user with the password [`password_of`] (as the admin token of `app.client`).
pub async fn add_user(app: &TestApp, username: &str, role: &str) -> User {
    let body = json!({"username": username, "role": role, "password": password_of(username)});
    let response = app.post_json("/api/v1/users", &body).await;
    assert_eq!(response.status(), StatusCode::CREATED, "adding {username}");
    response.json().await.unwrap()
}

/// `PUT /users/{id}` as the admin token, asserting success.
pub async fn update_user(app: &TestApp, id: &str, body: &Value) -> User {
    let response = app.put_json(&format!("/api/v1/users/{id}"), body).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "updating user {id}: {body}"
    );
    response.json().await.unwrap()
}

/// A token created by the signed-in `creator`, asserting success.
pub async fn add_token(
    app: &TestApp,
    creator: &Caller,
    name: &str,
    role: &str,
    expires_at: Option<&str>,
) -> CreatedToken {
    let body = json!({"name": name, "role": role, "expires_at": expires_at});
    let response = creator.post(app, "/api/v1/tokens", &body).await;
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "creating token {name}"
    );
    response.json().await.unwrap()
}

/// The status and error code of an answer, for comparing refusals.
pub async fn status_and_code(response: Response) -> (StatusCode, String) {
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (
        status,
        body["error"]["code"].as_str().unwrap_or("").to_string(),
    )
}

/// RFC 3339 UTC, `seconds` from now (negative: in the past).
pub fn from_now(seconds: f64) -> String {
    let at = time::OffsetDateTime::now_utc() + time::Duration::seconds_f64(seconds);
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}
