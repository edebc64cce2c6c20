//! Every SQL statement about webhooks. Rows hold the real secrets: the [`Webhook`] values going in
//! and out of here are unmasked, and masking is the caller's job before anything leaves the server.

use super::WriteError;
use serde::de::DeserializeOwned;
use sqlx::sqlite::SqliteRow;
use sqlx::types::Json;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection, SqlitePool};
use webhook_api::{
    Page, SortField, Webhook, WebhookQuery, WebhookStat, WebhookStatus, WebhookType,
};

const SELECT: &str = "SELECT id, name, description, type, url, language, auth, headers, event_types, \
     enabled, status, failure_details, batch_size, timeout, tags, version, created_at, updated_at, \
     updated_by, format, use_template, msg_key, body, previous_secret_expires_at FROM webhooks";

/// The key names are unique and sorted by: Unicode-aware lower case, computed here so every
/// backend agrees on which names clash.
pub fn name_key(name: &str) -> String {
    name.to_lowercase()
}

/// Stores a new webhook and its event-type rows in one transaction.
pub async fn insert(pool: &SqlitePool, w: &Webhook) -> Result<(), WriteError> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO webhooks (id, name, name_key, description, type, url, language, auth, headers, \
         event_types, enabled, status, failure_details, batch_size, timeout, tags, version, \
         created_at, updated_at, updated_by, format, use_template, msg_key, body) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&w.id)
    .bind(&w.name)
    .bind(name_key(&w.name))
    .bind(&w.description)
    .bind(w.kind.as_str())
    .bind(&w.url)
    .bind(w.language.as_str())
    .bind(Json(&w.auth))
    .bind(Json(&w.headers))
    .bind(Json(&w.event_types))
    .bind(w.enabled)
    .bind(w.status.as_str())
    .bind(Json(&w.failure_details))
    .bind(i64::from(w.batch_size))
    .bind(i64::from(w.timeout))
    .bind(Json(&w.tags))
    .bind(w.version)
    .bind(&w.created_at)
    .bind(&w.updated_at)
    .bind(&w.updated_by)
    .bind(w.format.as_str())
    .bind(w.use_template)
    .bind(&w.msg_key)
    .bind(Json(&w.body))
    .execute(&mut *tx)
    .await
    .map_err(WriteError::from_webhook_write)?;
    replace_event_types(&mut tx, &w.id, &w.event_types).await?;
    tx.commit().await?;
    Ok(())
}

/// Replaces a live webhook with `w` if its stored version is still `expected_version`.
/// Returns false (and changes nothing) when it is gone or was changed meanwhile.
pub async fn update(
    pool: &SqlitePool,
    w: &Webhook,
    expected_version: i64,
) -> Result<bool, WriteError> {
    // The UPDATE comes first so the transaction takes the write lock at once (waiting up to the
    // busy timeout) instead of failing to upgrade a read snapshot.
    let mut tx = pool.begin().await?;
    let updated = sqlx::query(
        "UPDATE webhooks SET name = ?, name_key = ?, description = ?, type = ?, url = ?, \
         language = ?, auth = ?, headers = ?, event_types = ?, enabled = ?, status = ?, \
         failure_details = ?, batch_size = ?, timeout = ?, tags = ?, version = ?, updated_at = ?, \
         updated_by = ?, format = ?, use_template = ?, msg_key = ?, body = ?, \
         previous_secret = CASE WHEN auth = ? THEN previous_secret END, \
         previous_secret_expires_at = CASE WHEN auth = ? THEN previous_secret_expires_at END \
         WHERE id = ? AND version = ? AND deleted_at IS NULL",
    )
    .bind(&w.name)
    .bind(name_key(&w.name))
    .bind(&w.description)
    .bind(w.kind.as_str())
    .bind(&w.url)
    .bind(w.language.as_str())
    .bind(Json(&w.auth))
    .bind(Json(&w.headers))
    .bind(Json(&w.event_types))
    .bind(w.enabled)
    .bind(w.status.as_str())
    .bind(Json(&w.failure_details))
    .bind(i64::from(w.batch_size))
    .bind(i64::from(w.timeout))
    .bind(Json(&w.tags))
    .bind(w.version)
    .bind(&w.updated_at)
    .bind(&w.updated_by)
    .bind(w.format.as_str())
    .bind(w.use_template)
    .bind(&w.msg_key)
    .bind(Json(&w.body))
    // A secret replaced by a modify stops signing at once (it may have leaked); only a rotation
    // keeps the old one for an overlap. `auth` on the right is the stored, old value.
    .bind(Json(&w.auth))
    .bind(Json(&w.auth))
    .bind(&w.id)
    .bind(expected_version)
    .execute(&mut *tx)
    .await
    .map_err(WriteError::from_webhook_write)?;
    if updated.rows_affected() == 0 {
        return Ok(false);
    }
    replace_event_types(&mut tx, &w.id, &w.event_types).await?;
    tx.commit().await?;
    Ok(true)
}

async fn replace_event_types(
    conn: &mut SqliteConnection,
    id: &str,
    keys: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM webhook_event_types WHERE webhook_id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for key in keys {
        sqlx::query("INSERT INTO webhook_event_types (webhook_id, event_type) VALUES (?, ?)")
            .bind(id)
            .bind(key)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A live webhook by id.
pub async fn find(pool: &SqlitePool, id: &str) -> Result<Option<Webhook>, sqlx::Error> {
    let mut q = QueryBuilder::<Sqlite>::new(SELECT);
    q.push(" WHERE id = ")
        .push_bind(id)
        .push(" AND deleted_at IS NULL");
    q.build()
        .try_map(|row: SqliteRow| from_row(&row))
        .fetch_optional(pool)
        .await
}

/// Turns a live webhook on or off in one statement (so it cannot race with a modify), bumping
/// its version. Returns false when it is gone or already in that state.
pub async fn set_enabled(
    pool: &SqlitePool,
    id: &str,
    enabled: bool,
    status: WebhookStatus,
    at: &str,
    by: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE webhooks SET enabled = ?, status = ?, version = version + 1, updated_at = ?, \
         updated_by = ? WHERE id = ? AND deleted_at IS NULL AND enabled <> ?",
    )
    .bind(enabled)
    .bind(status.as_str())
    .bind(at)
    .bind(by)
    .bind(id)
    .bind(enabled)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Marks a live webhook deleted. Its name becomes free; the row stays for history.
/// Returns false when there is no such live webhook.
pub async fn soft_delete(
    pool: &SqlitePool,
    id: &str,
    at: &str,
    by: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE webhooks SET deleted_at = ?, updated_at = ?, updated_by = ?, version = version + 1 \
         WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(at)
    .bind(at)
    .bind(by)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// One page of live webhooks matching the query, and how many match in all.
pub async fn list(pool: &SqlitePool, query: &WebhookQuery) -> Result<Page<Webhook>, sqlx::Error> {
    let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM webhooks");
    push_filters(&mut count, query);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;

    let mut select = QueryBuilder::<Sqlite>::new(SELECT);
    push_filters(&mut select, query);
    let column = match query.sort.field {
        SortField::Name => "name_key",
        SortField::Type => "type",
        SortField::Status => "status",
        SortField::CreatedAt => "created_at",
        SortField::UpdatedAt => "updated_at",
    };
    let direction = if query.sort.descending { "DESC" } else { "ASC" };
    // id breaks ties so pages never overlap or skip rows with equal sort keys.
    select.push(format_args!(
        " ORDER BY {column} {direction}, id {direction}"
    ));
    let offset = i64::from(query.page.max(1) - 1) * i64::from(query.page_size);
    select
        .push(" LIMIT ")
        .push_bind(i64::from(query.page_size))
        .push(" OFFSET ")
        .push_bind(offset);
    let results = select
        .build()
        .try_map(|row: SqliteRow| from_row(&row))
        .fetch_all(pool)
        .await?;

    Ok(Page {
        results,
        total_count: u64::try_from(total).unwrap_or(0),
    })
}

fn push_filters(q: &mut QueryBuilder<Sqlite>, query: &WebhookQuery) {
    q.push(" WHERE deleted_at IS NULL");
    if let Some(search) = &query.search {
        let pattern = format!("%{}%", escape_like(&search.to_lowercase()));
        q.push(" AND (name_key LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\'");
        q.push(" OR lower(url) LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\'");
        q.push(" OR lower(description) LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
    if let Some(kind) = query.kind {
        q.push(" AND type = ").push_bind(kind.as_str());
    }
    if let Some(enabled) = query.enabled {
        q.push(" AND enabled = ").push_bind(enabled);
    }
    if let Some(status) = query.status {
        q.push(" AND status = ").push_bind(status.as_str());
    }
    if let Some(event_type) = &query.event_type {
        q.push(" AND id IN (SELECT webhook_id FROM webhook_event_types WHERE event_type = ")
            .push_bind(event_type.clone())
            .push(")");
    }
}

/// Makes `%`, `_` and `\` match themselves in a LIKE pattern with `ESCAPE '\'`.
fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Counts of live webhooks by type, enabled and status; every key present, zeros included.
pub async fn stat(pool: &SqlitePool) -> Result<WebhookStat, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT type, enabled, status, COUNT(*) AS n FROM webhooks WHERE deleted_at IS NULL \
         GROUP BY type, enabled, status",
    )
    .fetch_all(pool)
    .await?;
    let mut stat = WebhookStat::default();
    for t in WebhookType::ALL {
        stat.by_type.insert(t.as_str().into(), 0);
    }
    for e in ["enabled", "disabled"] {
        stat.by_enabled.insert(e.into(), 0);
    }
    for s in WebhookStatus::ALL {
        stat.by_status.insert(s.as_str().into(), 0);
    }
    for row in rows {
        let n = u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0);
        let enabled = if row.try_get::<bool, _>("enabled")? {
            "enabled"
        } else {
            "disabled"
        };
        stat.total += n;
        *stat.by_type.entry(row.try_get("type")?).or_default() += n;
        *stat.by_enabled.entry(enabled.into()).or_default() += n;
        *stat.by_status.entry(row.try_get("status")?).or_default() += n;
    }
    Ok(stat)
}

fn from_row(row: &SqliteRow) -> Result<Webhook, sqlx::Error> {
    Ok(Webhook {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        kind: text_enum(row.try_get("type")?)?,
        url: row.try_get("url")?,
        language: text_enum(row.try_get("language")?)?,
        auth: row.try_get::<Json<_>, _>("auth")?.0,
        headers: row.try_get::<Json<_>, _>("headers")?.0,
        event_types: row.try_get::<Json<_>, _>("event_types")?.0,
        enabled: row.try_get("enabled")?,
        status: text_enum(row.try_get("status")?)?,
        failure_details: row.try_get::<Json<_>, _>("failure_details")?.0,
        batch_size: small_number(row.try_get("batch_size")?)?,
        timeout: small_number(row.try_get("timeout")?)?,
        tags: row.try_get::<Json<_>, _>("tags")?.0,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        updated_by: row.try_get("updated_by")?,
        format: text_enum(row.try_get("format")?)?,
        use_template: row.try_get("use_template")?,
        msg_key: row.try_get("msg_key")?,
        body: row.try_get::<Json<_>, _>("body")?.0,
        previous_secret_expires_at: row.try_get("previous_secret_expires_at")?,
    })
}

/// An enum stored as its wire name (`events`, `zh-CN`, `awaitingRetry`).
fn text_enum<T: DeserializeOwned>(s: String) -> Result<T, sqlx::Error> {
    serde_json::from_value(serde_json::Value::String(s))
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

fn small_number(n: i64) -> Result<u32, sqlx::Error> {
    u32::try_from(n).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_literal() {
        assert_eq!(escape_like(r"50%_off\now"), r"50\%\_off\\now");
    }
}
