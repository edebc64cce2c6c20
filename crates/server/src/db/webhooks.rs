//! Every SQL statement about webhooks. Rows hold the real secrets: the [`Webhook`] values going in
//! and out of here are unmasked, and masking is the caller's job before anything leaves the server.

use super::cipher::Cipher;
use super::webhook_history::{self, Logged};
use super::{Cols, Db, Tx, WriteError, json, on_db, on_tx};
use webhook_api::{Webhook, WebhookStat, WebhookStatus, WebhookType};

/// The columns [`from_row`] reads, as a literal for `concat!`.
macro_rules! select {
    () => {
        "SELECT id, name, description, type, url, language, auth, headers, event_types, enabled, \
         status, failure_details, batch_size, timeout, tags, version, created_at, updated_at, \
         updated_by, format, use_template, msg_key, body, previous_secret_expires_at, project_id \
         FROM webhooks"
    };
}

pub(super) const SELECT: &str = select!();

pub use super::webhook_list::list;

/// The key names are unique and sorted by: Unicode-aware lower case, computed here so every
/// backend agrees on which names clash.
pub fn name_key(name: &str) -> String {
    name.to_lowercase()
}

/// Stores a new webhook and its event-type rows, version 1 of its history and the audit entry,
/// in one transaction.
pub async fn insert(db: &Db, w: &Webhook, logged: &Logged) -> Result<(), WriteError> {
    // On SQLite the transaction takes the write lock at BEGIN (see `Db::begin`): preparing the
    // INSERT on a fresh connection reads the database (the search index's triggers connect to
    // FTS5), and a read snapshot could not become a writer after another commit.
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, |conn, pg| sqlx::query(
        "INSERT INTO webhooks (id, name, name_key, description, type, url, language, auth, headers, \
         event_types, enabled, status, failure_details, batch_size, timeout, tags, version, \
         created_at, updated_at, updated_by, format, use_template, msg_key, body, project_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
         $19, $20, $21, $22, $23, $24, $25)",
    )
    .bind(&w.id)
    .bind(&w.name)
    .bind(name_key(&w.name))
    .bind(&w.description)
    .bind(w.kind.as_str())
    .bind(&w.url)
    .bind(w.language.as_str())
    .bind(db.cipher().seal(&json(&w.auth)))
    .bind(json(&w.headers))
    .bind(json(&w.event_types))
    .bind(w.enabled)
    .bind(w.status.as_str())
    .bind(json(&w.failure_details))
    .bind(i64::from(w.batch_size))
    .bind(i64::from(w.timeout))
    .bind(json(&w.tags))
    .bind(w.version)
    .bind(&w.created_at)
    .bind(&w.updated_at)
    .bind(&w.updated_by)
    .bind(w.format.as_str())
    .bind(w.use_template)
    .bind(&w.msg_key)
    .bind(json(&w.body))
    .bind(&w.project_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))
    .map_err(WriteError::from_webhook_write)?;
    replace_event_types(&mut tx, &w.id, &w.event_types).await?;
    replace_tags(&mut tx, w).await?;
    webhook_history::write(&mut tx, &w.id, w.version, &w.updated_at, logged).await?;
    tx.commit().await?;
    Ok(())
}

/// Replaces a live webhook with `w` if its stored version is still `expected_version`.
/// Returns false (and changes nothing) when it is gone or was changed meanwhile.
pub async fn update(
    db: &Db,
    w: &Webhook,
    expected_version: i64,
    logged: &Logged,
) -> Result<bool, WriteError> {
    let mut tx = db.begin().await?;
    let updated = on_tx!(&mut tx, |conn, pg| sqlx::query(
        "UPDATE webhooks SET name = $1, name_key = $2, description = $3, type = $4, url = $5, \
         language = $6, auth = $7, headers = $8, event_types = $9, enabled = $10, status = $11, \
         failure_details = $12, batch_size = $13, timeout = $14, tags = $15, version = $16, \
         updated_at = $17, updated_by = $18, format = $19, use_template = $20, msg_key = $21, \
         body = $22, previous_secret_expires_at = $25, project_id = $26, \
         previous_secret = CASE WHEN CAST($25 AS TEXT) IS NULL THEN NULL ELSE previous_secret END \
         WHERE id = $23 AND version = $24 AND deleted_at IS NULL",
    )
    .bind(&w.name)
    .bind(name_key(&w.name))
    .bind(&w.description)
    .bind(w.kind.as_str())
    .bind(&w.url)
    .bind(w.language.as_str())
    .bind(db.cipher().seal(&json(&w.auth)))
    .bind(json(&w.headers))
    .bind(json(&w.event_types))
    .bind(w.enabled)
    .bind(w.status.as_str())
    .bind(json(&w.failure_details))
    .bind(i64::from(w.batch_size))
    .bind(i64::from(w.timeout))
    .bind(json(&w.tags))
    .bind(w.version)
    .bind(&w.updated_at)
    .bind(&w.updated_by)
    .bind(w.format.as_str())
    .bind(w.use_template)
    .bind(&w.msg_key)
    .bind(json(&w.body))
    .bind(&w.id)
    .bind(expected_version)
    // A secret replaced by a modify stops signing at once (it may have leaked): the caller
    // clears the overlap then, and the previous secret goes with it. Only a rotation keeps one.
    .bind(&w.previous_secret_expires_at)
    .bind(&w.project_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))
    .map_err(WriteError::from_webhook_write)?;
    if updated == 0 {
        return Ok(false);
    }
    replace_event_types(&mut tx, &w.id, &w.event_types).await?;
    replace_tags(&mut tx, w).await?;
    webhook_history::write(&mut tx, &w.id, w.version, &w.updated_at, logged).await?;
    tx.commit().await?;
    Ok(true)
}

async fn replace_event_types(tx: &mut Tx, id: &str, keys: &[String]) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn, pg| {
        sqlx::query("DELETE FROM webhook_event_types WHERE webhook_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        for key in keys {
            sqlx::query("INSERT INTO webhook_event_types (webhook_id, event_type) VALUES ($1, $2)")
                .bind(id)
                .bind(key)
                .execute(&mut *conn)
                .await?;
        }
    });
    Ok(())
}

/// The webhook's tags as rows of `webhook_tags`, for the list's tag filter (migration 0007).
async fn replace_tags(tx: &mut Tx, w: &Webhook) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn, pg| {
        sqlx::query("DELETE FROM webhook_tags WHERE webhook_id = $1")
            .bind(&w.id)
            .execute(&mut *conn)
            .await?;
        for (key, value) in &w.tags {
            sqlx::query("INSERT INTO webhook_tags (webhook_id, key, value) VALUES ($1, $2, $3)")
                .bind(&w.id)
                .bind(key)
                .bind(value)
                .execute(&mut *conn)
                .await?;
        }
    });
    Ok(())
}

/// A live webhook by id.
pub async fn find(db: &Db, id: &str) -> Result<Option<Webhook>, sqlx::Error> {
    on_db!(db, |pool, pg| sqlx::query(FIND)
        .bind(id)
        .try_map(|row| from_row(&row, db.cipher()))
        .fetch_optional(pool)
        .await)
}

const FIND: &str = concat!(select!(), " WHERE id = $1 AND deleted_at IS NULL");

/// Every live webhook, newest first (the list's default order): what `POST /webhooks/search`
/// and `POST /webhooks/stat` evaluate their queries over (see `crate::search`).
pub async fn all_live(db: &Db) -> Result<Vec<Webhook>, sqlx::Error> {
    live_where(db, &[]).await
}

/// A text column a search may narrow the rows by before evaluating ([`live_where`]): its value
/// is the JSON string the API returns for that field, byte for byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextColumn {
    Id,
    Type,
    Status,
    ProjectId,
    Language,
    Format,
}

impl TextColumn {
    fn name(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::Type => "type",
            Self::Status => "status",
            Self::ProjectId => "project_id",
            Self::Language => "language",
            Self::Format => "format",
        }
    }
}

/// The live webhooks, newest first, whose `column` is one of the listed values, for every
/// `(column, values)` given (none: every live webhook). Text comparison is byte for byte on
/// both backends (SQLite's BINARY, PostgreSQL's "C" collation).
pub async fn live_where(
    db: &Db,
    filters: &[(TextColumn, Vec<String>)],
) -> Result<Vec<Webhook>, sqlx::Error> {
    fn statement<'a, DB: sqlx::Database>(
        filters: &'a [(TextColumn, Vec<String>)],
    ) -> sqlx::QueryBuilder<DB>
    where
        String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    {
        let mut q = sqlx::QueryBuilder::<DB>::new(concat!(select!(), " WHERE deleted_at IS NULL"));
        for (column, values) in filters {
            q.push(format_args!(" AND {} IN (", column.name()));
            let mut list = q.separated(", ");
            for v in values {
                list.push_bind(v.clone());
            }
            q.push(")");
        }
        q.push(" ORDER BY created_at DESC, id DESC");
        q
    }
    // An empty list would be `IN ()`, which neither backend takes: it matches nothing.
    if filters.iter().any(|(_, values)| values.is_empty()) {
        return Ok(Vec::new());
    }
    on_db!(db, |pool, pg| statement(filters)
        .build()
        .try_map(|row| from_row(&row, db.cipher()))
        .fetch_all(pool)
        .await)
}

/// Turns a live webhook on or off in one statement (so it cannot race with a modify), bumping
/// its version, with its history and audit entry. Returns false when it is gone or already in
/// that state.
pub async fn set_enabled(
    db: &Db,
    id: &str,
    enabled: bool,
    status: WebhookStatus,
    at: &str,
    logged: &Logged,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let version: Option<i64> = on_tx!(&mut tx, |conn, pg| {
        sqlx::query_scalar(
        "UPDATE webhooks SET enabled = $1, status = $2, version = version + 1, updated_at = $3, \
         updated_by = $4 WHERE id = $5 AND deleted_at IS NULL AND enabled <> $1 RETURNING version",
    )
    .bind(enabled)
    .bind(status.as_str())
    .bind(at)
    .bind(&logged.record.actor)
    .bind(id)
    .fetch_optional(conn)
    .await
    })?;
    webhook_history::commit_version(tx, id, version, at, logged).await
}

/// Marks a live webhook deleted. Its name becomes free; the row stays for history and can be
/// restored. Returns false when there is no such live webhook.
pub async fn soft_delete(
    db: &Db,
    id: &str,
    at: &str,
    logged: &Logged,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let version: Option<i64> = on_tx!(&mut tx, |conn, pg| sqlx::query_scalar(
        "UPDATE webhooks SET deleted_at = $1, updated_at = $1, updated_by = $2, \
         version = version + 1 WHERE id = $3 AND deleted_at IS NULL RETURNING version",
    )
    .bind(at)
    .bind(&logged.record.actor)
    .bind(id)
    .fetch_optional(conn)
    .await)?;
    webhook_history::commit_version(tx, id, version, at, logged).await
}

/// Brings a deleted webhook back. False when there is no such deleted webhook;
/// [`WriteError::NameTaken`] when a live webhook has its name now.
pub async fn restore(db: &Db, id: &str, at: &str, logged: &Logged) -> Result<bool, WriteError> {
    let mut tx = db.begin().await?;
    let version: Option<i64> = on_tx!(&mut tx, |conn, pg| sqlx::query_scalar(
        "UPDATE webhooks SET deleted_at = NULL, updated_at = $1, updated_by = $2, \
         version = version + 1 WHERE id = $3 AND deleted_at IS NOT NULL RETURNING version",
    )
    .bind(at)
    .bind(&logged.record.actor)
    .bind(id)
    .fetch_optional(conn)
    .await)
    .map_err(WriteError::from_webhook_write)?;
    Ok(webhook_history::commit_version(tx, id, version, at, logged).await?)
}

/// A webhook by id, live or deleted (its history and its past attempts outlive it).
pub async fn find_any(db: &Db, id: &str) -> Result<Option<Webhook>, sqlx::Error> {
    on_db!(db, |pool, pg| sqlx::query(concat!(
        select!(),
        " WHERE id = $1"
    ))
    .bind(id)
    .try_map(|row| from_row(&row, db.cipher()))
    .fetch_optional(pool)
    .await)
}

/// A deleted webhook by id.
pub async fn find_deleted(db: &Db, id: &str) -> Result<Option<Webhook>, sqlx::Error> {
    on_db!(db, |pool, pg| sqlx::query(concat!(
        select!(),
        " WHERE id = $1 AND deleted_at IS NOT NULL"
    ))
    .bind(id)
    .try_map(|row| from_row(&row, db.cipher()))
    .fetch_optional(pool)
    .await)
}

/// One page of deleted webhooks, the most recently deleted first, matching the query's search
/// (name, URL or description, case-insensitively) when it has one. The other filters are about
/// live webhooks and do not apply. Deleted webhooks are few: no index serves the search.
pub async fn list_deleted(
    db: &Db,
    query: &webhook_api::WebhookQuery,
) -> Result<webhook_api::Page<Webhook>, sqlx::Error> {
    macro_rules! deleted {
        () => {
            " WHERE deleted_at IS NOT NULL AND (CAST($1 AS TEXT) IS NULL \
             OR name_key LIKE $1 ESCAPE '\\' OR lower(url) LIKE $1 ESCAPE '\\' \
             OR lower(description) LIKE $1 ESCAPE '\\')"
        };
    }
    let pattern = query.search.as_deref().map(|s| {
        let escaped: String = name_key(s)
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        format!("%{escaped}%")
    });
    let total: i64 = on_db!(db, |pool, pg| sqlx::query_scalar(concat!(
        "SELECT COUNT(*) FROM webhooks",
        deleted!()
    ))
    .bind(&pattern)
    .fetch_one(pool)
    .await)?;
    let offset = i64::from(query.page.saturating_sub(1)) * i64::from(query.page_size);
    let results = on_db!(db, |pool, pg| sqlx::query(concat!(
        select!(),
        deleted!(),
        " ORDER BY deleted_at DESC, id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(&pattern)
    .bind(i64::from(query.page_size))
    .bind(offset)
    .try_map(|row| from_row(&row, db.cipher()))
    .fetch_all(pool)
    .await)?;
    Ok(webhook_api::Page {
        results,
        total_count: super::count(total),
    })
}

/// Seals every stored secret still in clear (rows written before encryption existed), in one
/// transaction at start. Nothing to do, and one quick read, once they all are.
pub async fn seal_stored_secrets(db: &Db) -> Result<u64, sqlx::Error> {
    let rows: Vec<(String, String, Option<String>)> = on_db!(db, |pool, pg| sqlx::query_as(
        "SELECT id, auth, previous_secret FROM webhooks WHERE auth NOT LIKE 'enc:%' \
         OR (previous_secret IS NOT NULL AND previous_secret NOT LIKE 'enc:%')"
    )
    .fetch_all(pool)
    .await)?;
    if rows.is_empty() {
        return Ok(0);
    }
    let cipher = db.cipher();
    let seal = |s: &str| {
        if Cipher::is_sealed(s) {
            s.to_string()
        } else {
            cipher.seal(s)
        }
    };
    let mut tx = db.begin().await?;
    for (id, auth, previous) in &rows {
        on_tx!(&mut tx, |conn, pg| sqlx::query(
            "UPDATE webhooks SET auth = $1, previous_secret = $2 WHERE id = $3"
        )
        .bind(seal(auth))
        .bind(previous.as_deref().map(seal))
        .bind(id)
        .execute(conn)
        .await
        .map(drop))?;
    }
    tx.commit().await?;
    tracing::info!(
        webhooks = rows.len(),
        "sealed the stored secrets of existing webhooks"
    );
    Ok(rows.len() as u64)
}

/// Counts of live webhooks by type, enabled and status; every key present, zeros included.
pub async fn stat(db: &Db) -> Result<WebhookStat, sqlx::Error> {
    let rows: Vec<(String, bool, String, i64)> = on_db!(db, |pool, pg| sqlx::query_as(
        "SELECT type, enabled, status, COUNT(*) AS n FROM webhooks WHERE deleted_at IS NULL \
         GROUP BY type, enabled, status",
    )
    .fetch_all(pool)
    .await)?;
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
    for (kind, enabled, status, n) in rows {
        let n = super::count(n);
        let enabled = if enabled { "enabled" } else { "disabled" };
        stat.total += n;
        *stat.by_type.entry(kind).or_default() += n;
        *stat.by_enabled.entry(enabled.into()).or_default() += n;
        *stat.by_status.entry(status).or_default() += n;
    }
    Ok(stat)
}

/// A webhook row (the columns of [`SELECT`]) on either backend; its auth opened with `cipher`.
pub(super) fn from_row(row: &impl Cols, cipher: &Cipher) -> Result<Webhook, sqlx::Error> {
    Ok(Webhook {
        id: row.text("id")?,
        name: row.text("name")?,
        description: row.text("description")?,
        kind: row.wire("type")?,
        url: row.text("url")?,
        language: row.wire("language")?,
        auth: super::parse_json(&cipher.open(&row.text("auth")?)?)?,
        headers: row.json("headers")?,
        event_types: row.json("event_types")?,
        enabled: row.flag("enabled")?,
        status: row.wire("status")?,
        failure_details: row.json("failure_details")?,
        batch_size: row.number("batch_size")?,
        timeout: row.number("timeout")?,
        tags: row.json("tags")?,
        version: row.int("version")?,
        created_at: row.text("created_at")?,
        updated_at: row.text("updated_at")?,
        updated_by: row.text("updated_by")?,
        format: row.wire("format")?,
        use_template: row.flag("use_template")?,
        msg_key: row.text("msg_key")?,
        body: row.json("body")?,
        previous_secret_expires_at: row.opt_text("previous_secret_expires_at")?,
        project_id: row.text("project_id")?,
    })
}
