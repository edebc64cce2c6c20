//! `/api/v1/tokens`: API tokens for producers and scripts, created by a signed-in admin. The
//! token is in the create answer and nowhere else, ever: the database keeps its SHA-256.

use crate::AppState;
use crate::auth::{Ctx, Principal, TOKEN_PREFIX, secret};
use crate::changes::added;
use crate::clock;
use crate::db;
use crate::error::ApiError;
use crate::extract::{Json, Path};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{delete, get};
use serde_json::json;
use webhook_api::{ApiToken, CreatedToken, ErrorBody, FieldErrors, TokenIn};

/// List the tokens not revoked.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "access",
    responses((status = 200, description = "Tokens, newest first; never the token itself", body = Vec<ApiToken>)))]
pub async fn list_tokens(State(state): State<AppState>) -> Result<Json<Vec<ApiToken>>, ApiError> {
    Ok(Json(db::tokens::list(&state.db).await?))
}

/// Create a token: the answer holds it in full, the only time it is shown.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "access", request_body = TokenIn,
    responses(
        (status = 201, description = "Created; `token` is shown this once", body = CreatedToken),
        (status = 403, description = "Tokens are created by a signed-in user", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
pub async fn create_token(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(input): Json<TokenIn>,
) -> Result<impl IntoResponse, ApiError> {
    // The access table admits only admins signed in to the console here (`AdminSession`).
    let Some(Principal::User { user: creator, .. }) = &ctx.principal else {
        return Err(ApiError::internal("a token reached POST /tokens"));
    };
    let now = clock::now();
    let mut errors = FieldErrors::new();
    let name = input.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        errors.insert("name".into(), "1 to 100 characters.".into());
    }
    if !input.role.within(creator.role) {
        errors.insert(
            "role".into(),
            format!(
                "A token cannot do more than its creator ({}).",
                creator.role.as_str()
            ),
        );
    }
    let expires_at = match input.expires_at.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(t) => {
            match time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339) {
                Ok(at) if clock::format(at) > now => Some(clock::format(at)),
                Ok(_) => {
                    errors.insert("expires_at".into(), "Must be in the future.".into());
                    None
                }
                Err(_) => {
                    errors.insert(
                        "expires_at".into(),
                        "Must be an RFC 3339 time, e.g. 2027-01-31T00:00:00Z.".into(),
                    );
                    None
                }
            }
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let secret = secret::random_token();
    let token = format!("{TOKEN_PREFIX}{secret}");
    let api_token = ApiToken {
        id: uuid::Uuid::now_v7().to_string(),
        name,
        role: input.role,
        prefix: format!("{TOKEN_PREFIX}{}", &secret[..8]),
        created_by: creator.username.clone(),
        created_at: now,
        last_used_at: None,
        expires_at,
    };
    let record = ctx
        .record("token.create")
        .target("token", &api_token.id, &api_token.name)
        .with_changes(vec![
            added("role", json!(api_token.role)),
            added("prefix", json!(api_token.prefix)),
            added("expires_at", json!(api_token.expires_at)),
        ]);
    db::tokens::insert(
        &state.db,
        &api_token,
        &secret::token_hash(&token),
        &creator.id,
        &record,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { token, api_token })))
}

/// Revoke a token: it stops working at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "access",
    params(("id" = String, Path, description = "Token id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "No such token, or already revoked", body = ErrorBody),
    ))]
pub async fn revoke_token(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let record = ctx.record("token.revoke");
    match db::tokens::revoke(&state.db, &id, &clock::now(), &record).await? {
        Some(_) => Ok(StatusCode::NO_CONTENT),
        None => Err(ApiError::NotFound(format!("There is no live token {id}."))),
    }
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tokens", get(list_tokens).post(create_token))
        .route("/tokens/{id}", delete(revoke_token))
}
