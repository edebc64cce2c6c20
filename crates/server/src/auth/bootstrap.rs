//! The first administrator, and the way back in when their password is lost. There is no fixed
//! default password: the first start creates `admin` with the password given
//! (`--admin-password`) or a random one it prints once.

use super::{password, secret};
use crate::clock;
use crate::db::{self, Db, audit::Record, users::StoredUser};
use crate::error::ApiError;
use webhook_api::{Role, User};

/// The username of the administrator created on the first start.
pub const FIRST_ADMIN: &str = "admin";

fn system(action: &str, username: &str, id: &str) -> Record {
    Record::system(action).target("user", id, username)
}

/// With no user yet, creates `admin` with `given` or a random password. Returns the password
/// when this call generated it (to print once); None when users existed, the password was given,
/// or another instance starting at the same time created the administrator first.
pub async fn ensure_admin(db: &Db, given: Option<&str>) -> Result<Option<String>, ApiError> {
    if db::users::count(db).await? > 0 {
        return Ok(None);
    }
    let (pw, generated) = match given {
        Some(p) => {
            webhook_api::check_password(p, FIRST_ADMIN).map_err(|e| {
                ApiError::BadRequest(format!(
                    "--admin-password / WEBHOOK_ADMIN_PASSWORD: {}",
                    e.message(webhook_api::Lang::En)
                ))
            })?;
            (p.to_string(), false)
        }
        None => (secret::random_password(), true),
    };
    let id = uuid::Uuid::now_v7().to_string();
    let user = StoredUser {
        user: User {
            id: id.clone(),
            username: FIRST_ADMIN.into(),
            display_name: "Administrator".into(),
            role: Role::Admin,
            disabled: false,
            created_at: clock::now(),
            last_sign_in_at: None,
        },
        password_hash: password::hash(pw.clone()).await?,
    };
    let created = db::users::insert(db, &user, &system("user.create", FIRST_ADMIN, &id)).await?;
    Ok((created && generated).then_some(pw))
}

/// `webhook-server reset-password USERNAME`: a new random password (returned, to print), the
/// user enabled again and signed out everywhere. None when there is no such user.
pub async fn reset_password(db: &Db, username: &str) -> Result<Option<String>, ApiError> {
    let Some(user) = db::users::find_by_name(db, username).await? else {
        return Ok(None);
    };
    let pw = secret::random_password();
    let hash = password::hash(pw.clone()).await?;
    let record =
        system("user.reset_password", &user.user.username, &user.user.id).with_changes(vec![
            crate::changes::added("password", serde_json::json!(crate::changes::CHANGED)),
        ]);
    db::users::reset_password(db, username, &hash, &record).await?;
    Ok(Some(pw))
}
