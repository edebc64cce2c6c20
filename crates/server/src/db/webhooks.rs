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
    // IMMEDIATE takes the write lock at BEGIN (waiting up to the busy timeout). With a deferred
    // BEGIN, preparing the INSERT on a fresh connection reads the database (the search index's
    // triggers connect to FTS5, which loads its configuration), the transaction holds a read
    // snapshot, and the write then fails at once with SQLITE_BUSY when another writer committed
    // meanwhile.
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
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
    // The transaction takes the write lock at once (waiting up to the busy timeout) instead of
    // failing to upgrade a read snapshot; IMMEDIATE because preparing the UPDATE may itself read
    // (see `insert`).
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
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
///
/// The count runs first and decides how the page is found (see [`Plan`]); every plan returns the
/// same rows, the plans only read differently many of them.
pub async fn list(pool: &SqlitePool, query: &WebhookQuery) -> Result<Page<Webhook>, sqlx::Error> {
    let search = query.search.as_deref().map(Search::new);
    let search = search.as_ref();

    // Each count also reads max(rowid): an upper bound of the number of webhooks, live or not,
    // in O(log n), for the page's plan.
    let only_search = query.kind.is_none()
        && query.enabled.is_none()
        && query.status.is_none()
        && query.event_type.is_none();
    let (total, rows): (i64, Option<i64>) = match search.and_then(Search::phrase) {
        // The search index holds the live webhooks only and matches exactly what LIKE does, so
        // with no other filter its own count is the answer, without reading any webhook.
        Some(phrase) if only_search => {
            sqlx::query_as(
                "SELECT COUNT(*), (SELECT max(rowid) FROM webhooks) FROM webhook_search \
                 WHERE webhook_search MATCH ?",
            )
            .bind(phrase)
            .fetch_one(pool)
            .await?
        }
        _ => {
            let mut count = QueryBuilder::<Sqlite>::new(
                "SELECT COUNT(*), (SELECT max(rowid) FROM webhooks) FROM webhooks",
            );
            if query.event_type.is_some() || search.is_some_and(|s| s.phrase().is_some()) {
                // The count starts from the event type's rows or the search index's and probes
                // each webhook by id; this index answers the probe (and the type and enabled
                // filters) without reading the row. SQLite would take the primary key's index
                // and read every row.
                count.push(" INDEXED BY webhooks_live_by_id");
            }
            push_filters(&mut count, query, search, Plan::Drive);
            count.build_query_as().fetch_one(pool).await?
        }
    };
    let total_count = u64::try_from(total).unwrap_or(0);

    let limit = i64::from(query.page_size);
    let offset = i64::from(query.page.max(1) - 1) * limit;
    if total <= offset {
        // Past the last match: the page would be empty.
        return Ok(Page {
            results: Vec::new(),
            total_count,
        });
    }
    let plan = Plan::for_page(query.sort.field, offset + limit, total, rows.unwrap_or(0));

    let mut select = QueryBuilder::<Sqlite>::new(SELECT);
    push_filters(&mut select, query, search, plan);
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
    select
        .push(" LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    let results = select
        .build()
        .try_map(|row: SqliteRow| from_row(&row))
        .fetch_all(pool)
        .await?;

    Ok(Page {
        results,
        total_count,
    })
}

/// How a list statement should find its rows. SQLite has no statistics here (no ANALYZE) and
/// guesses that `type = ?` or `status = ?` matches a handful of rows, so left alone it starts
/// from that filter's index and sorts every match, even 40,000 of them for a page of 20. The
/// count tells how many match, and the filters are then written to steer it: the forms differ
/// only in which indexes SQLite may use (`+type` is `type` without its index; `EXISTS` and
/// `IN` find the same rows; the search index matches exactly what LIKE matches).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// Start from the most selective index (an event type's rows, the search index, a filter's
    /// index) and sort what it finds: for the count and for pages of few matches.
    Drive,
    /// Walk the index of this sort order and stop after offset + limit matches, checking the
    /// filters row by row: for pages of many matches.
    Walk(SortField),
}

impl Plan {
    /// With `total` matches spread over at most `rows` webhooks, walking the sort order reads
    /// about `needed * rows / total` rows to find the first `needed` matches; starting from the
    /// filters reads the `total` matches and sorts them, whole rows, which measured about four
    /// times the cost per row (10,000 webhooks: ~5 us against ~0.8-1.5 us). The cheaper one wins.
    fn for_page(sort: SortField, needed: i64, total: i64, rows: i64) -> Self {
        if needed.saturating_mul(rows) < total.saturating_mul(total).saturating_mul(4) {
            Self::Walk(sort)
        } else {
            Self::Drive
        }
    }

    /// Whether the filter on `column` keeps its index. While walking, a filter keeps it only
    /// where an index holds that filter and then the sort order (migration 0003:
    /// `(type | status | enabled, created_at, id)`; 0001: `(type, id)`, `(status, id)`), so
    /// SQLite walks the filter's part of the sort order instead.
    fn indexed(self, column: &str) -> bool {
        match self {
            Self::Drive => true,
            Self::Walk(SortField::CreatedAt) => true,
            Self::Walk(SortField::Type) => column == "type",
            Self::Walk(SortField::Status) => column == "status",
            Self::Walk(SortField::Name | SortField::UpdatedAt) => false,
        }
    }
}

/// The search text the way the list compares it: lower-cased (Unicode, as `name_key` is), a
/// substring of `name_key`, `url` or `description`, ASCII case ignored.
struct Search {
    lower: String,
}

impl Search {
    fn new(text: &str) -> Self {
        Self {
            lower: text.to_lowercase(),
        }
    }

    /// The LIKE pattern, with `%`, `_` and `\` matching themselves.
    fn like_pattern(&self) -> String {
        format!("%{}%", escape_like(&self.lower))
    }

    /// The FTS5 query for the trigram index `webhook_search` (migration 0003), which matches
    /// exactly the rows the LIKE pattern matches; None when the index cannot answer: fewer than
    /// three characters (no trigram) or a NUL (LIKE stops reading there).
    fn phrase(&self) -> Option<String> {
        (self.lower.chars().count() >= 3 && !self.lower.contains('\0'))
            .then(|| format!("\"{}\"", self.lower.replace('"', "\"\"")))
    }
}

/// The ids of the live webhooks whose search strings contain the phrase; bind the phrase after.
const SEARCH_INDEX_IDS: &str = "SELECT k.webhook_id FROM webhook_search s \
     JOIN webhook_search_keys k ON k.n = s.rowid WHERE webhook_search MATCH ";

fn push_filters(
    q: &mut QueryBuilder<Sqlite>,
    query: &WebhookQuery,
    search: Option<&Search>,
    plan: Plan,
) {
    q.push(" WHERE deleted_at IS NULL");
    if let Some(kind) = query.kind {
        let (open, close) = equals(plan, "type");
        q.push(open).push_bind(kind.as_str()).push(close);
    }
    if let Some(enabled) = query.enabled {
        let (open, close) = equals(plan, "enabled");
        q.push(open).push_bind(enabled).push(close);
    }
    if let Some(status) = query.status {
        let (open, close) = equals(plan, "status");
        q.push(open).push_bind(status.as_str()).push(close);
    }
    if let Some(search) = search {
        match search.phrase() {
            Some(phrase) if plan == Plan::Drive => {
                q.push(" AND id IN (")
                    .push(SEARCH_INDEX_IDS)
                    .push_bind(phrase)
                    .push(")");
            }
            // Walking, each row the walk reaches is tested as it is.
            _ => {
                let pattern = search.like_pattern();
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
        }
    }
    if let Some(event_type) = &query.event_type {
        if plan == Plan::Drive {
            // The event type's rows (webhook_event_types_by_type) as the starting point.
            q.push(" AND id IN (SELECT webhook_id FROM webhook_event_types WHERE event_type = ")
                .push_bind(event_type.clone())
                .push(")");
        } else {
            // One primary-key probe per row the walk reaches.
            q.push(
                " AND EXISTS (SELECT 1 FROM webhook_event_types e \
                 WHERE e.webhook_id = webhooks.id AND e.event_type = ",
            )
            .push_bind(event_type.clone())
            .push(")");
        }
    }
}

/// The SQL around the value of `column = ?`, all three forms true for the same rows:
/// `+column = ?` hides the column's indexes from the planner; `likelihood(column = ?, 0.5)`
/// tells it that `type` and `enabled`, two values each, keep about half the rows, so it starts
/// from a more selective index (a status, an event type, the search) when there is one, instead
/// of guessing, as it does for any `column = ?`, that a handful of rows match.
fn equals(plan: Plan, column: &'static str) -> (String, &'static str) {
    if !plan.indexed(column) {
        (format!(" AND +{column} = "), "")
    } else if matches!(column, "type" | "enabled") {
        (format!(" AND likelihood({column} = "), ", 0.5)")
    } else {
        (format!(" AND {column} = "), "")
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

    #[test]
    fn the_search_index_answers_three_characters_or_more_without_nul() {
        assert_eq!(Search::new("ab").phrase(), None);
        assert_eq!(Search::new("é_").phrase(), None);
        assert_eq!(Search::new("a\0b").phrase(), None);
        assert_eq!(Search::new("ÄbC").phrase().as_deref(), Some("\"äbc\""));
        assert_eq!(
            Search::new(r#"say "hi""#).phrase().as_deref(),
            Some(r#""say ""hi""""#)
        );
    }

    #[test]
    fn walking_is_chosen_when_matches_are_dense_enough() {
        // 4,000 of 10,000 match: 60 needed read ~150 entries, not 4,000 sorted.
        assert_eq!(
            Plan::for_page(SortField::Name, 60, 4_000, 10_000),
            Plan::Walk(SortField::Name)
        );
        // 40 of 10,000: walking would read everything to find 20.
        assert_eq!(Plan::for_page(SortField::Name, 20, 40, 10_000), Plan::Drive);
        // A deep page of a mid-sized result: sorting 1,500 beats walking to the 1,400th.
        assert_eq!(
            Plan::for_page(SortField::Name, 1_400, 1_500, 100_000),
            Plan::Drive
        );
        assert_eq!(Plan::for_page(SortField::Name, 20, 0, 0), Plan::Drive);
    }

    /// Texts chosen where lower-casing, LIKE and the trigram tokenizer could disagree.
    const TEXTS: &[(&str, &str, &str)] = &[
        (
            "Payments",
            "https://PAYMENTS.example.com/hook",
            "Tells the Payments team",
        ),
        ("100% uptime", "https://a.example/x?q=%41", "a_b and axb"),
        ("back\\slash", "https://b.example/", r"C:\Temp\OPS"),
        ("Übung macht", "https://c.example/ÜBER", "Über alles, ÜBUNG"),
        ("STRASSE ẞ", "https://d.example/straße", "Straße"),
        ("İstanbul", "https://e.example/İSTANBUL", "İstanbul"),
        ("ΣΊΣΥΦΟΣ", "https://f.example/", "ΣΊΣΥΦΟΣ"),
        ("Kelvin", "https://g.example/\u{212A}elvin", "\u{212A}ELVIN"),
        ("quotes", "https://h.example/", r#"say "hi" now"#),
        ("rocket", "https://i.example/🚀", "🚀 Launch"),
        ("nonchar", "https://j.example/", "x\u{FFFF}yz"),
        ("nul", "https://k.example/", "before\0after ops"),
        ("empty", "https://l.example/", ""),
    ];

    const SEARCHES: &[&str] = &[
        "pay",
        "PAYMENTS",
        "ments.ex",
        "0% u",
        "a_b",
        "%",
        "_",
        "\\",
        r"\temp",
        "über",
        "ÜBER",
        "übung",
        "ßE",
        "straße",
        "strasse",
        "ẞ",
        "İst",
        "i̇st",
        "ist",
        "\u{212A}elv",
        "kelv",
        "σίσ",
        "ΣΊΣ",
        "σος",
        "ςος",
        "\"hi\"",
        "\"",
        "🚀 l",
        "🚀",
        "after",
        "ops",
        "fore",
        "x\u{FFFD}y",
        "x\u{FFFF}y",
        "yz",
        "a",
        "ab",
        "  ",
        "example",
        "https://",
    ];

    async fn live_ids(pool: &SqlitePool, sql: &str, bind: String) -> Vec<String> {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
            .bind(bind)
            .fetch_all(pool)
            .await
            .unwrap()
    }

    /// The search index against the LIKE expression it stands in for, search by search; returns
    /// what each search found.
    async fn assert_index_matches_like(pool: &SqlitePool) -> Vec<(&'static str, Vec<String>)> {
        let mut found = Vec::new();
        for text in SEARCHES {
            let search = Search::new(text);
            let like = live_ids(
                pool,
                "SELECT id FROM webhooks WHERE deleted_at IS NULL AND (name_key LIKE ?1 \
                 ESCAPE '\\' OR lower(url) LIKE ?1 ESCAPE '\\' OR lower(description) LIKE ?1 \
                 ESCAPE '\\') ORDER BY id",
                search.like_pattern(),
            )
            .await;
            if let Some(phrase) = search.phrase() {
                // The index alone, without the table: it holds live webhooks only.
                let sql = format!("{SEARCH_INDEX_IDS} ?1 ORDER BY 1");
                assert_eq!(
                    live_ids(pool, &sql, phrase.clone()).await,
                    like,
                    "search {text:?}"
                );
                // The count `list` takes from the index alone when the search is the only filter.
                let count: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM webhook_search WHERE webhook_search MATCH ?",
                )
                .bind(phrase)
                .fetch_one(pool)
                .await
                .unwrap();
                assert_eq!(count as usize, like.len(), "search {text:?}");
            }
            found.push((*text, like));
        }
        found
    }

    fn found<'a>(all: &'a [(&str, Vec<String>)], text: &str) -> &'a [String] {
        &all.iter().find(|(t, _)| *t == text).unwrap().1
    }

    async fn insert_row(pool: &SqlitePool, id: &str, name: &str, url: &str, description: &str) {
        sqlx::query(
            "INSERT INTO webhooks (id, name, name_key, description, type, url, language, auth, \
             headers, event_types, enabled, status, failure_details, batch_size, timeout, tags, \
             version, created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, 'events', ?, 'en', \
             '{}', '{}', '[]', 1, 'active', '{}', 1, 10, '{}', 1, '2026-01-01T00:00:00.000Z', \
             '2026-01-01T00:00:00.000Z', 'test')",
        )
        .bind(id)
        .bind(name)
        .bind(name_key(name))
        .bind(description)
        .bind(url)
        .execute(pool)
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn the_search_index_matches_exactly_what_like_matches() {
        let dir = tempfile::tempdir().unwrap();
        let pool = super::super::open(&format!("sqlite://{}", dir.path().join("t.db").display()))
            .await
            .unwrap();
        for (i, (name, url, description)) in TEXTS.iter().enumerate() {
            insert_row(&pool, &format!("id-{i:02}"), name, url, description).await;
        }
        let all = assert_index_matches_like(&pool).await;
        // Not vacuous: the cases the index must get right do match (or not) as LIKE does.
        assert_eq!(found(&all, "PAYMENTS"), ["id-00"]);
        assert_eq!(found(&all, "0% u"), ["id-01"]);
        assert_eq!(found(&all, r"\temp"), ["id-02"]);
        assert_eq!(found(&all, "ops"), ["id-02"]); // not id-11: LIKE stops at its NUL
        assert!(found(&all, "after").is_empty());
        assert_eq!(found(&all, "übung"), ["id-03"]); // the name; 'ÜBUNG' in the description
        assert!(found(&all, "über").is_empty()); // is not lower-cased by SQL's lower()
        assert_eq!(found(&all, "İst"), ["id-05"]);
        assert_eq!(found(&all, "\"hi\""), ["id-08"]);
        assert_eq!(found(&all, "🚀 l"), ["id-09"]);
        assert_eq!(found(&all, "x\u{FFFD}y"), ["id-10"]);
        assert_eq!(found(&all, "example").len(), TEXTS.len());

        // Edits, soft deletes and a revival keep the index in step (the triggers).
        let edits = [
            "UPDATE webhooks SET name = 'Ops Übung', name_key = 'ops übung' WHERE id = 'id-03'",
            "UPDATE webhooks SET url = 'https://x.example/PAY' WHERE id = 'id-00'",
            "UPDATE webhooks SET description = 'no longer' WHERE id = 'id-04'",
            "UPDATE webhooks SET status = 'failed', version = 2 WHERE id = 'id-05'",
            "UPDATE webhooks SET deleted_at = '2026-01-02T00:00:00.000Z' WHERE id = 'id-01'",
            "UPDATE webhooks SET deleted_at = '2026-01-02T00:00:00.000Z' WHERE id = 'id-09'",
            "UPDATE webhooks SET deleted_at = NULL, description = 'Back 🚀' WHERE id = 'id-09'",
            "DELETE FROM webhooks WHERE id = 'id-12'",
        ];
        for edit in edits {
            sqlx::query(edit).execute(&pool).await.unwrap();
        }
        assert_index_matches_like(&pool).await;
        let indexed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_search_keys")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(indexed, TEXTS.len() as i64 - 1);
        pool.close().await;
    }
}
