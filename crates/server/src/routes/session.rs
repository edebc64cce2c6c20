//! `/api/v1/session`: sign in (the session cookie), who is signed in, sign out. Failed sign-ins
//! are counted in the database per username and per client address, so the throttle holds across
//! instances.

use crate::AppState;
use crate::auth::{self, Ctx, Principal, password, secret};
use crate::clock;
use crate::db;
use crate::error::ApiError;
use crate::extract::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use std::time::Duration;
use time::OffsetDateTime;
use webhook_api::{ActorType, ErrorBody, Session, SignIn};

/// Failed sign-ins a username or an address may have within [`WINDOW`] before it must wait.
pub const MAX_FAILURES: i64 = 5;
pub const WINDOW: Duration = Duration::from_secs(300);

const WRONG: &str = "Wrong username or password.";

/// Sign in: sets the session cookie.
#[utoipa::path(post, path = "/api/v1/session", tag = "access", request_body = SignIn,
    responses(
        (status = 200, description = "Signed in; the `wc_session` cookie is set", body = Session),
        (status = 401, description = "Wrong username or password (the same answer for both)", body = ErrorBody),
        (status = 422, description = "A field is missing", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins for this username or address; see Retry-After", body = ErrorBody),
    ))]
pub async fn sign_in(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(input): Json<SignIn>,
) -> Result<Response, ApiError> {
    let now = OffsetDateTime::now_utc();
    let window_start = clock::format(now - WINDOW);
    let keys = [
        db::users::failure_key_user(&input.username),
        db::users::failure_key_addr(&ctx.client_addr),
    ];
    let attempt = ctx
        .record("session.create")
        .target("user", "", &input.username);
    for key in &keys {
        let (failed, oldest) = db::users::failures(&state.db, key, &window_start).await?;
        if failed >= MAX_FAILURES {
            let wait = oldest
                .and_then(|o| {
                    OffsetDateTime::parse(&o, &time::format_description::well_known::Rfc3339).ok()
                })
                .map_or(WINDOW.as_secs(), |o| {
                    u64::try_from((o + WINDOW - now).whole_seconds()).unwrap_or(0) + 1
                });
            state.deliverer.metrics.sign_in_failed();
            db::audit::write_alone(&state.db, &attempt.clone().outcome("refused")).await?;
            return Err(ApiError::TooManyRequests {
                message: format!(
                    "Too many failed sign-ins; try again in {} minute(s).",
                    wait.div_ceil(60)
                ),
                retry_after: wait,
            });
        }
    }
    let user = if webhook_api::check_username(&input.username).is_ok() {
        db::users::find_by_name(&state.db, &input.username).await?
    } else {
        None
    };
    let live_hash = user
        .as_ref()
        .filter(|u| !u.user.disabled)
        .map(|u| u.password_hash.clone());
    let ok = password::verify(input.password, live_hash).await;
    let now_text = clock::format(now);
    let Some(user) = user.filter(|_| ok) else {
        state.deliverer.metrics.sign_in_failed();
        db::users::record_failure(
            &state.db,
            &keys,
            &now_text,
            &window_start,
            &attempt.outcome("failure"),
        )
        .await?;
        return Err(ApiError::Unauthorized(WRONG.into()));
    };
    let token = secret::random_token();
    let expires_at = clock::format(now + state.auth.lifetime);
    let mut record = attempt.target("user", &user.user.id, &user.user.username);
    record.actor = user.user.username.clone();
    record.actor_type = ActorType::User;
    db::users::open_session(
        &state.db,
        &secret::token_hash(&token),
        &user.user.id,
        &user.user.username,
        &now_text,
        &expires_at,
        &record,
    )
    .await?;
    let mut signed_in = user.user;
    signed_in.last_sign_in_at = Some(now_text);
    Ok((
        [(
            header::SET_COOKIE,
            auth::set_cookie(&state.auth, Some(&token)),
        )],
        Json(Session {
            user: signed_in,
            expires_at,
        }),
    )
        .into_response())
}

/// Who is signed in (the console's session only).
#[utoipa::path(get, path = "/api/v1/session", tag = "access",
    responses(
        (status = 200, description = "The signed-in user", body = Session),
        (status = 401, description = "Not signed in, or the session ended", body = ErrorBody),
    ))]
pub async fn get_session(ctx: Ctx) -> Result<Json<Session>, ApiError> {
    match ctx.principal {
        Some(Principal::User {
            user, expires_at, ..
        }) => Ok(Json(Session { user, expires_at })),
        _ => Err(ApiError::Unauthorized("Sign in first.".into())),
    }
}

/// Sign out: ends the session on the server and clears the cookie.
#[utoipa::path(delete, path = "/api/v1/session", tag = "access",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn sign_out(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    let Some(Principal::User { user, session, .. }) = &ctx.principal else {
        return Err(ApiError::Unauthorized("Sign in first.".into()));
    };
    let record = ctx
        .record("session.delete")
        .target("user", &user.id, &user.username);
    db::users::close_session(&state.db, session, &record).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, auth::set_cookie(&state.auth, None))],
    )
        .into_response())
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new().route("/session", post(sign_in).get(get_session).delete(sign_out))
}
