//! `/api/v1/users`: the people who sign in (admins only). Passwords are hashed before they are
//! stored and never appear in an answer or the audit log; a new password, a new role or disabling
//! a user ends their sessions. The last enabled admin cannot be demoted, disabled or deleted.

use crate::AppState;
use crate::auth::{Ctx, password};
use crate::changes::{CHANGED, added, field};
use crate::clock;
use crate::db::{self, users::Change, users::StoredUser};
use crate::error::ApiError;
use crate::extract::{Json, Path};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, put};
use serde_json::json;
use webhook_api::{ErrorBody, FieldError, FieldErrors, Lang, Role, User, UserIn, UserUpdate};

/// List users.
#[utoipa::path(get, path = "/api/v1/users", tag = "access",
    responses((status = 200, description = "Every user, by username", body = Vec<User>)))]
pub async fn list_users(State(state): State<AppState>) -> Result<Json<Vec<User>>, ApiError> {
    Ok(Json(db::users::list(&state.db).await?))
}

/// Add a user.
#[utoipa::path(post, path = "/api/v1/users", tag = "access", request_body = UserIn,
    responses(
        (status = 201, description = "Created", body = User),
        (status = 409, description = "The username is taken", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
pub async fn create_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(input): Json<UserIn>,
) -> Result<impl IntoResponse, ApiError> {
    let errors: FieldErrors = webhook_api::validate_user(&input)
        .into_iter()
        .map(|(field, e)| (field.to_string(), e.message(Lang::En)))
        .collect();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let user = User {
        id: uuid::Uuid::now_v7().to_string(),
        username: input.username,
        display_name: input.display_name.trim().to_string(),
        role: input.role,
        disabled: false,
        created_at: clock::now(),
        last_sign_in_at: None,
    };
    let record = ctx
        .record("user.create")
        .target("user", &user.id, &user.username)
        .with_changes(vec![
            added("username", json!(user.username)),
            added("display_name", json!(user.display_name)),
            added("role", json!(user.role)),
            added("password", json!(CHANGED)),
        ]);
    let stored = StoredUser {
        password_hash: password::hash(input.password).await?,
        user,
    };
    if !db::users::insert(&state.db, &stored, &record).await? {
        return Err(ApiError::conflict_on(
            "username",
            format!("The username '{}' is taken.", stored.user.username),
        ));
    }
    Ok((StatusCode::CREATED, Json(stored.user)))
}

/// Change a user's display name, role, password or disabled flag.
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "access", request_body = UserUpdate,
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "Changed", body = User),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 409, description = "It would leave no enabled admin", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
pub async fn update_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(input): Json<UserUpdate>,
) -> Result<Json<User>, ApiError> {
    let stored = db::users::find(&state.db, &id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("There is no user {id}.")))?;
    let old = stored.user;
    let mut errors = FieldErrors::new();
    let mut new = old.clone();
    let mut changes = Vec::new();
    if let Some(name) = input.display_name {
        let name = name.trim().to_string();
        if name.chars().count() > 100 {
            errors.insert(
                "display_name".into(),
                FieldError::TooLong(100).message(Lang::En),
            );
        } else if name != old.display_name {
            changes.push(field("display_name", json!(old.display_name), json!(name)));
            new.display_name = name;
        }
    }
    if let Some(role) = input.role {
        if role == Role::Publisher {
            errors.insert(
                "role".into(),
                FieldError::PublisherIsForTokens.message(Lang::En),
            );
        } else if role != old.role {
            changes.push(field("role", json!(old.role), json!(role)));
            new.role = role;
        }
    }
    if let Some(disabled) = input.disabled
        && disabled != old.disabled
    {
        changes.push(field("disabled", json!(old.disabled), json!(disabled)));
        new.disabled = disabled;
    }
    let mut hash = None;
    if let Some(pw) = input.password {
        match webhook_api::check_password(&pw, &old.username) {
            Err(e) => {
                errors.insert("password".into(), e.message(Lang::En));
            }
            Ok(()) => {
                changes.push(field("password", json!(CHANGED), json!(CHANGED)));
                hash = Some(password::hash(pw).await?);
            }
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if changes.is_empty() {
        return Ok(Json(old));
    }
    let loses_admin =
        old.role == Role::Admin && !old.disabled && (new.role != Role::Admin || new.disabled);
    let end_sessions = hash.is_some() || new.role != old.role || (new.disabled && !old.disabled);
    let record = ctx
        .record("user.modify")
        .target("user", &id, &old.username)
        .with_changes(changes);
    let change = db::users::update(
        &state.db,
        &new,
        hash.as_deref(),
        end_sessions,
        loses_admin,
        &record,
    )
    .await?;
    outcome(change, "role", &id)?;
    Ok(Json(new))
}

/// Delete a user: their sessions end and the tokens they created are revoked.
#[utoipa::path(delete, path = "/api/v1/users/{id}", tag = "access",
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 409, description = "The last enabled admin, or yourself", body = ErrorBody),
    ))]
pub async fn delete_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let user = db::users::find(&state.db, &id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("There is no user {id}.")))?
        .user;
    if matches!(&ctx.principal, Some(crate::auth::Principal::User { user: me, .. }) if me.id == id)
    {
        return Err(ApiError::conflict_on(
            "id",
            "You cannot delete yourself; another admin can.".into(),
        ));
    }
    let record = ctx
        .record("user.delete")
        .target("user", &id, &user.username);
    let keep_an_admin = user.role == Role::Admin && !user.disabled;
    let change = db::users::delete(&state.db, &id, keep_an_admin, &record).await?;
    outcome(change, "id", &id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// A change's outcome as the API answers it: 404 for no such user, 409 on `field` for the last
/// enabled admin.
fn outcome(change: Change, field: &str, id: &str) -> Result<(), ApiError> {
    match change {
        Change::Done => Ok(()),
        Change::NoSuchUser => Err(ApiError::NotFound(format!("There is no user {id}."))),
        Change::LastAdmin => Err(ApiError::conflict_on(
            field,
            "This is the last enabled admin: make another user admin first.".into(),
        )),
    }
}

/// The routes of this resource, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list_users).post(create_user))
        .route("/users/{id}", put(update_user).delete(delete_user))
}
