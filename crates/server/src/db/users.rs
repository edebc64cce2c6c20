//! Users, their sign-in sessions and the failed sign-ins the throttle counts. Sessions are found
//! by the SHA-256 of the cookie's value; the value itself is never stored.

use super::audit::{self, Record};
use super::{Cols, Db, on_db, on_tx};
use webhook_api::{Role, User};

/// A user with what only the server sees.
#[derive(Debug, Clone)]
pub struct StoredUser {
    pub user: User,
    pub password_hash: String,
}

/// The key usernames are unique and found by.
pub fn username_key(username: &str) -> String {
    username.to_ascii_lowercase()
}

const SELECT: &str = "SELECT id, username, display_name, role, password_hash, disabled, \
     created_at, last_sign_in_at FROM users";

fn from_row(row: &impl Cols) -> Result<StoredUser, sqlx::Error> {
    Ok(StoredUser {
        user: User {
            id: row.text("id")?,
            username: row.text("username")?,
            display_name: row.text("display_name")?,
            role: row.wire("role")?,
            disabled: row.flag("disabled")?,
            created_at: row.text("created_at")?,
            last_sign_in_at: row.opt_text("last_sign_in_at")?,
        },
        password_hash: row.text("password_hash")?,
    })
}

pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    on_db!(db, |pool, pg| sqlx::query_scalar(
        "SELECT COUNT(*) FROM users"
    )
    .fetch_one(pool)
    .await)
}

pub async fn list(db: &Db) -> Result<Vec<User>, sqlx::Error> {
    let sql = format!("{SELECT} ORDER BY username_key");
    on_db!(db, |pool, pg| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .try_map(|row| from_row(&row).map(|u| u.user))
        .fetch_all(pool)
        .await)
}

pub async fn find(db: &Db, id: &str) -> Result<Option<StoredUser>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE id = $1");
    on_db!(db, |pool, pg| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id)
        .try_map(|row| from_row(&row))
        .fetch_optional(pool)
        .await)
}

pub async fn find_by_name(db: &Db, username: &str) -> Result<Option<StoredUser>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE username_key = $1");
    on_db!(db, |pool, pg| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .bind(username_key(username))
        .try_map(|row| from_row(&row))
        .fetch_optional(pool)
        .await)
}

/// Stores a new user; false when the username is taken (case-insensitively).
pub async fn insert(db: &Db, u: &StoredUser, audit: &Record) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let done = on_tx!(&mut tx, |conn, pg| sqlx::query(
        "INSERT INTO users (id, username, username_key, display_name, role, password_hash, \
         disabled, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (username_key) DO NOTHING"
    )
    .bind(&u.user.id)
    .bind(&u.user.username)
    .bind(username_key(&u.user.username))
    .bind(&u.user.display_name)
    .bind(u.user.role.as_str())
    .bind(&u.password_hash)
    .bind(u.user.disabled)
    .bind(&u.user.created_at)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Ok(false);
    }
    audit::write(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(true)
}

/// How a change of a user went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Done,
    NoSuchUser,
    /// Refused: it would leave no enabled admin.
    LastAdmin,
}

/// Whether an enabled admin other than `id` exists, inside `tx`. On PostgreSQL every enabled
/// admin's row is locked, always in id order (so two such transactions cannot deadlock): of two
/// transactions demoting the last two admins at once, the second waits, then sees one admin
/// left. On SQLite the write transaction already excludes the other.
async fn another_admin(tx: &mut super::Tx, id: &str) -> Result<bool, sqlx::Error> {
    let admins: Vec<String> = on_tx!(tx, |conn, pg| {
        let sql = if pg {
            "SELECT id FROM users WHERE role = $1 AND NOT disabled ORDER BY id FOR UPDATE"
        } else {
            "SELECT id FROM users WHERE role = $1 AND NOT disabled ORDER BY id"
        };
        sqlx::query_scalar(sql)
            .bind(Role::Admin.as_str())
            .fetch_all(conn)
            .await
    })?;
    Ok(admins.iter().any(|a| a != id))
}

/// Writes the user's display name, role, disabled flag and (when `password_hash` is given) the
/// password; `end_sessions` signs them out everywhere; `keep_an_admin`: refused when no other
/// enabled admin would remain.
pub async fn update(
    db: &Db,
    u: &User,
    password_hash: Option<&str>,
    end_sessions: bool,
    keep_an_admin: bool,
    audit: &Record,
) -> Result<Change, sqlx::Error> {
    let mut tx = db.begin().await?;
    if keep_an_admin && !another_admin(&mut tx, &u.id).await? {
        return Ok(Change::LastAdmin);
    }
    let done = on_tx!(&mut tx, |conn, pg| sqlx::query(
        "UPDATE users SET display_name = $1, role = $2, disabled = $3, \
         password_hash = COALESCE($4, password_hash) WHERE id = $5"
    )
    .bind(&u.display_name)
    .bind(u.role.as_str())
    .bind(u.disabled)
    .bind(password_hash)
    .bind(&u.id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Ok(Change::NoSuchUser);
    }
    if end_sessions {
        tx.execute("DELETE FROM sessions WHERE user_id = $1", &[&u.id])
            .await?;
    }
    audit::write(&mut tx, audit).await?;
    tx.commit().await?;
    db.auth_changed();
    Ok(Change::Done)
}

/// Deletes a user, their sessions and the tokens they created; `keep_an_admin` as for
/// [`update`].
pub async fn delete(
    db: &Db,
    id: &str,
    keep_an_admin: bool,
    audit: &Record,
) -> Result<Change, sqlx::Error> {
    let mut tx = db.begin().await?;
    if keep_an_admin && !another_admin(&mut tx, id).await? {
        return Ok(Change::LastAdmin);
    }
    tx.execute("DELETE FROM sessions WHERE user_id = $1", &[id])
        .await?;
    tx.execute(
        "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE creator_id = $1",
        &[id, &crate::clock::now()],
    )
    .await?;
    let done = tx.execute("DELETE FROM users WHERE id = $1", &[id]).await?;
    if done == 0 {
        return Ok(Change::NoSuchUser);
    }
    audit::write(&mut tx, audit).await?;
    tx.commit().await?;
    db.auth_changed();
    Ok(Change::Done)
}

/// A live session: its user, and when it ends at the latest.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub user: User,
    pub last_seen_at: String,
    pub expires_at: String,
}

/// Opens a session for `user_id` (a successful sign-in), noting the sign-in time and clearing
/// the user's failed attempts.
pub async fn open_session(
    db: &Db,
    token_hash: &str,
    user_id: &str,
    username: &str,
    now: &str,
    expires_at: &str,
    audit: &Record,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    // The user's sessions past their absolute end go: sessions stay bounded by sign-ins per
    // lifetime without a sweeper.
    tx.execute(
        "DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2",
        &[user_id, now],
    )
    .await?;
    tx.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $3, $4)",
        &[token_hash, user_id, now, expires_at],
    )
    .await?;
    tx.execute(
        "UPDATE users SET last_sign_in_at = $1 WHERE id = $2",
        &[now, user_id],
    )
    .await?;
    tx.execute(
        "DELETE FROM sign_in_failures WHERE key = $1",
        &[&failure_key_user(username)],
    )
    .await?;
    audit::write(&mut tx, audit).await?;
    tx.commit().await
}

/// The session of `token_hash` if it is live at `now`: not past its absolute end, seen within
/// `idle_since`, its user enabled. Kept for the next request where it can be ([`auth_cache`]).
///
/// [`auth_cache`]: super::auth_cache
pub async fn session(
    db: &Db,
    token_hash: &str,
    now: &str,
    idle_since: &str,
) -> Result<Option<SessionRow>, sqlx::Error> {
    let live = |s: &SessionRow| s.expires_at.as_str() > now && s.last_seen_at.as_str() > idle_since;
    let cache = db.auth_cache();
    let generation = cache.generation();
    if generation.is_some()
        && let Some(kept) = cache.session(token_hash).filter(live)
    {
        return Ok(Some(kept));
    }
    let row = on_db!(db, |pool, pg| sqlx::query(
        "SELECT u.id, u.username, u.display_name, u.role, u.password_hash, u.disabled, \
         u.created_at, u.last_sign_in_at, s.last_seen_at, s.expires_at \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND NOT u.disabled"
    )
    .bind(token_hash)
    .bind(now)
    .bind(idle_since)
    .try_map(|row| session_row(&row))
    .fetch_optional(pool)
    .await)?;
    if let (Some(generation), Some(row)) = (generation, &row) {
        cache.keep_session(generation, token_hash, row);
    }
    Ok(row)
}

fn session_row(row: &impl Cols) -> Result<SessionRow, sqlx::Error> {
    Ok(SessionRow {
        user: from_row(row)?.user,
        last_seen_at: row.text("last_seen_at")?,
        expires_at: row.text("expires_at")?,
    })
}

/// Notes that the session was used at `now` (the idle timeout counts from here).
pub async fn touch_session(db: &Db, token_hash: &str, now: &str) -> Result<(), sqlx::Error> {
    let _turn = db.write_turn().await;
    on_db!(db, |pool, pg| sqlx::query(
        "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2"
    )
    .bind(now)
    .bind(token_hash)
    .execute(pool)
    .await
    .map(drop))?;
    db.auth_cache().session_seen(token_hash, now);
    Ok(())
}

/// Ends one session (sign-out), with its audit entry.
pub async fn close_session(db: &Db, token_hash: &str, audit: &Record) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    tx.execute("DELETE FROM sessions WHERE token_hash = $1", &[token_hash])
        .await?;
    audit::write(&mut tx, audit).await?;
    tx.commit().await?;
    db.auth_changed();
    Ok(())
}

pub fn failure_key_user(username: &str) -> String {
    format!("user:{}", username_key(username))
}

pub fn failure_key_addr(addr: &str) -> String {
    format!("addr:{addr}")
}

/// For each key, the failed sign-ins since `since`, and the oldest of them.
pub async fn failures(
    db: &Db,
    key: &str,
    since: &str,
) -> Result<(i64, Option<String>), sqlx::Error> {
    on_db!(db, |pool, pg| sqlx::query_as(
        "SELECT COUNT(*), MIN(at) FROM sign_in_failures WHERE key = $1 AND at > $2"
    )
    .bind(key)
    .bind(since)
    .fetch_one(pool)
    .await)
}

/// Records a failed sign-in under each key, with its audit entry, and drops failures older than
/// `forget_before` (the window), so the table stays small.
pub async fn record_failure(
    db: &Db,
    keys: &[String],
    now: &str,
    forget_before: &str,
    audit: &Record,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    for key in keys {
        tx.execute(
            "INSERT INTO sign_in_failures (key, at) VALUES ($1, $2)",
            &[key, now],
        )
        .await?;
    }
    tx.execute(
        "DELETE FROM sign_in_failures WHERE at < $1",
        &[forget_before],
    )
    .await?;
    audit::write(&mut tx, audit).await?;
    tx.commit().await
}

/// Sets a new password hash and ends every session of the user (`reset-password`).
pub async fn reset_password(
    db: &Db,
    username: &str,
    password_hash: &str,
    audit: &Record,
) -> Result<Option<String>, sqlx::Error> {
    let Some(user) = find_by_name(db, username).await? else {
        return Ok(None);
    };
    let mut u = user.user;
    u.disabled = false;
    update(db, &u, Some(password_hash), true, false, audit).await?;
    Ok(Some(u.id))
}
