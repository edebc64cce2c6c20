//! Who is calling, and whether they may: the one place requests are authenticated and
//! authorized. [`guard`] runs before every API route: it finds the route's [`Access`] in the
//! [`table`], authenticates the request (a bearer token, or else the session cookie), applies the
//! CSRF rule to cookie-authenticated changes, and refuses (401/403) or lets the request through
//! with its [`Ctx`] — the principal, client address and request id every handler and audit
//! entry uses.

pub mod bootstrap;
mod headers;
pub mod password;
pub mod secret;
pub mod table;

use crate::AppState;
use crate::clock;
use crate::db::{self, audit::Record};
use crate::error::ApiError;
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use headers::{cross_site, is_safe, request_id, with_request_id};
pub use headers::{session_cookie, set_cookie};
use std::net::SocketAddr;
use std::time::Duration;
use table::Access;
use webhook_api::{ActorType, ApiToken, Role, User};

/// The session cookie's name.
pub const COOKIE: &str = "wc_session";
/// The prefix of every API token.
pub const TOKEN_PREFIX: &str = "whc_";
/// How often at most a session's or token's last use is written.
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// Sign-in and session settings, from the configuration.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// A session unused this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, however active.
    pub lifetime: Duration,
    /// `Secure` on the cookie (the public URL is https).
    pub secure_cookie: bool,
    /// The console's origin (`https://console.example.com`) when configured; otherwise a
    /// request's `Origin` must match its `Host`.
    pub public_origin: Option<String>,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(12 * 3600),
            lifetime: Duration::from_secs(7 * 86_400),
            secure_cookie: false,
            public_origin: None,
        }
    }
}

/// Who made a request.
#[derive(Debug, Clone)]
pub enum Principal {
    /// A user signed in to the console; `session` is the hash of the cookie, `expires_at` the
    /// session's absolute end.
    User {
        user: User,
        session: String,
        expires_at: String,
    },
    Token(ApiToken),
}

impl Principal {
    pub fn role(&self) -> Role {
        match self {
            Principal::User { user, .. } => user.role,
            Principal::Token(t) => t.role,
        }
    }

    /// The name changes are recorded under: the username, or `token:NAME`.
    pub fn name(&self) -> String {
        match self {
            Principal::User { user, .. } => user.username.clone(),
            Principal::Token(t) => format!("token:{}", t.name),
        }
    }
}

/// What the guard learned about a request, for its handler.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub principal: Option<Principal>,
    pub client_addr: String,
    pub request_id: String,
}

impl Ctx {
    /// An audit record of `action` by this request's principal, about nothing yet
    /// (see [`Record::target`]), successful unless told otherwise.
    pub fn record(&self, action: &str) -> Record {
        let (actor, actor_type) = match &self.principal {
            Some(p @ Principal::User { .. }) => (p.name(), ActorType::User),
            Some(p @ Principal::Token(_)) => (p.name(), ActorType::Token),
            None => (String::new(), ActorType::Anonymous),
        };
        Record {
            actor,
            actor_type,
            client_addr: self.client_addr.clone(),
            request_id: self.request_id.clone(),
            action: action.to_string(),
            target_type: "",
            target_id: String::new(),
            target_name: String::new(),
            outcome: "success",
            changes: Vec::new(),
        }
    }

    /// The name changes are recorded under (`updated_by`).
    pub fn actor(&self) -> String {
        self.principal
            .as_ref()
            .map_or_else(|| "anonymous".into(), Principal::name)
    }

    pub fn role(&self) -> Option<Role> {
        self.principal.as_ref().map(Principal::role)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| ApiError::internal("a route outside the guard asked who is calling"))
    }
}

/// The middleware in front of every API route (see the module's documentation).
pub async fn guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let request_id = request_id(req.headers());
    let client_addr = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".into(), |c| c.0.ip().to_string());
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let mut ctx = Ctx {
        principal: None,
        client_addr,
        request_id: request_id.clone(),
    };
    let Some(access) = table::access(req.method(), &path, req.uri().query()) else {
        return with_request_id(ApiError::MethodNotAllowed.into_response(), &request_id);
    };
    if access != Access::Public
        && let Err(refusal) =
            admit(&state, &mut ctx, access, req.method(), req.headers(), &path).await
    {
        return with_request_id(refusal.into_response(), &request_id);
    }
    req.extensions_mut().insert(ctx);
    with_request_id(next.run(req).await, &request_id)
}

/// Authenticates the request and checks its access; refusals of a known principal (403) are
/// written to the audit log.
async fn admit(
    state: &AppState,
    ctx: &mut Ctx,
    access: Access,
    method: &Method,
    headers: &HeaderMap,
    path: &str,
) -> Result<(), ApiError> {
    let (principal, by_cookie) = authenticate(state, headers).await?;
    ctx.principal = Some(principal);
    let refusal = if by_cookie && !is_safe(method) {
        cross_site(headers, &state.auth).err()
    } else {
        None
    };
    let refusal = refusal.or_else(|| {
        let p = ctx.principal.as_ref()?;
        if access.needs_session() && matches!(p, Principal::Token(_)) {
            return Some(
                "This route is for a user signed in to the console, not for API tokens.".into(),
            );
        }
        (!access.allows(p.role()))
            .then(|| format!("Your role ({}) may not do this.", p.role().as_str()))
    });
    let Some(message) = refusal else {
        return Ok(());
    };
    let record = ctx
        .record("request.refused")
        .target("route", &format!("{method} {path}"), path)
        .outcome("refused");
    if let Err(e) = db::audit::write_alone(&state.db, &record).await {
        return Err(e.into());
    }
    Err(ApiError::Forbidden(message))
}

/// The principal of the request and whether it came by cookie. A request with an
/// `Authorization` header is judged by it alone (cookies ignored).
async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(Principal, bool), ApiError> {
    let now = clock::now();
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| t.starts_with(TOKEN_PREFIX))
            .ok_or_else(|| {
                ApiError::Unauthorized(
                    "The Authorization header must be `Bearer whc_…` (an API token).".into(),
                )
            })?;
        let found = db::tokens::find_live(&state.db, &secret::token_hash(token), &now).await?;
        let token = found.ok_or_else(|| {
            ApiError::Unauthorized("The API token is unknown, revoked or expired.".into())
        })?;
        if stale(token.last_used_at.as_deref(), &now, TOUCH_EVERY) {
            db::tokens::touch(&state.db, &token.id, &now).await?;
        }
        return Ok((Principal::Token(token), false));
    }
    let Some(cookie) = session_cookie(headers) else {
        return Err(ApiError::Unauthorized("Sign in first.".into()));
    };
    let hash = secret::token_hash(&cookie);
    let idle_since = clock::format(time::OffsetDateTime::now_utc() - state.auth.idle_timeout);
    let session = db::users::session(&state.db, &hash, &now, &idle_since)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("Your session has ended; sign in again.".into()))?;
    // Often enough that a session in use never reaches its idle timeout, however short.
    if stale(
        Some(&session.last_seen_at),
        &now,
        TOUCH_EVERY.min(state.auth.idle_timeout / 4),
    ) {
        db::users::touch_session(&state.db, &hash, &now).await?;
    }
    Ok((
        Principal::User {
            user: session.user,
            session: hash,
            expires_at: session.expires_at,
        },
        true,
    ))
}

/// Whether a last-use time is older than `every` (or absent).
fn stale(last: Option<&str>, now: &str, every: Duration) -> bool {
    let parse = |s: &str| {
        time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
    };
    match (last.and_then(parse), parse(now)) {
        (Some(last), Some(now)) => now - last >= every,
        _ => true,
    }
}
