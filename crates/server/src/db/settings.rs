//! Server-wide values kept in the database (`settings`).

use super::{Backend, on_db};

pub async fn get(db: &Backend, key: &str) -> Result<Option<String>, sqlx::Error> {
    on_db!(db, |pool, pg| sqlx::query_scalar(
        "SELECT value FROM settings WHERE key = $1"
    )
    .bind(key)
    .fetch_optional(pool)
    .await)
}

/// Stores `value` under `key` unless the key has one already (the first writer wins).
pub async fn insert(db: &Backend, key: &str, value: &str) -> Result<(), sqlx::Error> {
    on_db!(db, |pool, pg| sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING"
    )
    .bind(key)
    .bind(value)
    .execute(pool)
    .await
    .map(drop))
}

/// Stores `value` under `key`, replacing what was there.
pub async fn put(db: &Backend, key: &str, value: &str) -> Result<(), sqlx::Error> {
    on_db!(db, |pool, pg| sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    )
    .bind(key)
    .bind(value)
    .execute(pool)
    .await
    .map(drop))
}
