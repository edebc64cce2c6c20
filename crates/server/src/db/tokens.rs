//! API tokens: found by the SHA-256 of the bearer value, never stored in clear. A token is live
//! while it is not revoked, not expired, and its creator exists, is enabled and still holds at
//! least the token's role.

use super::audit::{self, Record};
use super::{Cols, Db, on_db, on_tx};
use webhook_api::{ApiToken, Role};

const COLUMNS: &str = "t.id, t.name, t.role, t.prefix, t.created_by, t.created_at, \
     t.last_used_at, t.expires_at";

fn from_row(row: &impl Cols) -> Result<ApiToken, sqlx::Error> {
    Ok(ApiToken {
        id: row.text("id")?,
        name: row.text("name")?,
        role: row.wire("role")?,
        prefix: row.text("prefix")?,
        created_by: row.text("created_by")?,
        created_at: row.text("created_at")?,
        last_used_at: row.opt_text("last_used_at")?,
        expires_at: row.opt_text("expires_at")?,
    })
}

/// The tokens not revoked, newest first (expired ones too: the list says so).
pub async fn list(db: &Db) -> Result<Vec<ApiToken>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM api_tokens t WHERE t.revoked_at IS NULL \
         ORDER BY t.created_at DESC, t.id DESC"
    );
    on_db!(db, |pool, pg| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .try_map(|row| from_row(&row))
        .fetch_all(pool)
        .await)
}

pub async fn insert(
    db: &Db,
    t: &ApiToken,
    token_hash: &str,
    creator_id: &str,
    audit: &Record,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, |conn, pg| sqlx::query(
        "INSERT INTO api_tokens (id, name, role, prefix, token_hash, created_by, creator_id, \
         created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    )
    .bind(&t.id)
    .bind(&t.name)
    .bind(t.role.as_str())
    .bind(&t.prefix)
    .bind(token_hash)
    .bind(&t.created_by)
    .bind(creator_id)
    .bind(&t.created_at)
    .bind(&t.expires_at)
    .execute(conn)
    .await
    .map(drop))?;
    audit::write(&mut tx, audit).await?;
    tx.commit().await
}

/// Revokes a token at once. Returns its name, or None when there is no such live token.
pub async fn revoke(
    db: &Db,
    id: &str,
    now: &str,
    audit: &Record,
) -> Result<Option<String>, sqlx::Error> {
    let mut tx = db.begin().await?;
    let name: Option<String> = on_tx!(&mut tx, |conn, pg| sqlx::query_scalar(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL \
         RETURNING name"
    )
    .bind(now)
    .bind(id)
    .fetch_optional(conn)
    .await)?;
    let Some(name) = name else {
        return Ok(None);
    };
    let audit = audit.clone().target("token", id, &name);
    audit::write(&mut tx, &audit).await?;
    tx.commit().await?;
    db.auth_changed();
    Ok(Some(name))
}

/// A live token by the hash of its value; kept for the next request where it can be
/// ([`auth_cache`]).
///
/// [`auth_cache`]: super::auth_cache
pub async fn find_live(
    db: &Db,
    token_hash: &str,
    now: &str,
) -> Result<Option<ApiToken>, sqlx::Error> {
    let cache = db.auth_cache();
    let generation = cache.generation();
    if generation.is_some()
        && let Some(kept) = cache
            .token(token_hash)
            .filter(|t| t.expires_at.as_deref().is_none_or(|at| at > now))
    {
        return Ok(Some(kept));
    }
    let sql = format!(
        "SELECT {COLUMNS}, u.role AS creator_role FROM api_tokens t \
         JOIN users u ON u.id = t.creator_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL \
         AND (t.expires_at IS NULL OR t.expires_at > $2) AND NOT u.disabled"
    );
    let found = on_db!(db, |pool, pg| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .bind(token_hash)
        .bind(now)
        .try_map(|row| with_creator_role(&row))
        .fetch_optional(pool)
        .await)?;
    let token = found
        .filter(|(token, creator)| token.role.within(*creator))
        .map(|(token, _)| token);
    if let (Some(generation), Some(token)) = (generation, &token) {
        cache.keep_token(generation, token_hash, token);
    }
    Ok(token)
}

fn with_creator_role(row: &impl Cols) -> Result<(ApiToken, Role), sqlx::Error> {
    Ok((from_row(row)?, row.wire("creator_role")?))
}

/// Notes the token's use (at most once a minute per token: the caller checks).
pub async fn touch(db: &Db, id: &str, now: &str) -> Result<(), sqlx::Error> {
    let _turn = db.write_turn().await;
    on_db!(db, |pool, pg| sqlx::query(
        "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2"
    )
    .bind(now)
    .bind(id)
    .execute(pool)
    .await
    .map(drop))?;
    db.auth_cache().token_used(id, now);
    Ok(())
}
