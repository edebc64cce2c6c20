//! The webhook list (`GET /api/v1/webhooks`): search, filters, sort and counts, with the same
//! results on both backends. SQLite has no statistics and is steered (`Plan`) and searches
//! through its FTS5 trigram index; PostgreSQL plans for itself and searches through `pg_trgm`
//! indexes on the very expressions both backends compare (`Plan::Plain`).

use super::webhooks::{SELECT, from_row};
use sqlx::sqlite::SqlitePool;
use sqlx::{Database, Encode, QueryBuilder, Sqlite, Type};
use webhook_api::{Page, SortField, Webhook, WebhookQuery};

/// One page of live webhooks matching the query, and how many match in all.
///
/// The count runs first. On SQLite it decides how the page is found (see `Plan`); every plan
/// returns the same rows, the plans only read differently many of them. PostgreSQL keeps
/// statistics and plans each statement from them: its filters are written plainly
/// (`Plan::Plain`), and the search's LIKE expression is answered by its trigram indexes
/// (migration postgres/0001). A page computed before is reused while no webhook has changed
/// since (`list_cache`).
pub async fn list(
    db: &super::Db,
    query: &WebhookQuery,
) -> Result<std::sync::Arc<super::list_cache::Listed>, sqlx::Error> {
    super::list_cache::page(db, query, async || find(db, query).await).await
}

/// [`list`] without the reuse: the count and the page from the database.
async fn find(db: &super::Db, query: &WebhookQuery) -> Result<Page<Webhook>, sqlx::Error> {
    let search = query.search.as_deref().map(Search::new);
    let search = search.as_ref();
    // One cutoff for the count and the page, so that both agree.
    let silent_since = query.silent_days.map(|days| {
        crate::clock::format(
            time::OffsetDateTime::now_utc() - time::Duration::days(i64::from(days)),
        )
    });
    let silent = silent_since.as_ref();
    let (total, rows) = match db.backend() {
        super::Backend::Sqlite(store) => count_sqlite(&store.pool, query, search, silent).await?,
        super::Backend::Postgres(pool) => {
            let mut count = QueryBuilder::<sqlx::Postgres>::new("SELECT COUNT(*) FROM webhooks");
            push_filters(&mut count, query, search, silent, Plan::Plain);
            (count.build_query_scalar().fetch_one(pool).await?, None)
        }
    };
    let limit = i64::from(query.page_size);
    let offset = i64::from(query.page.max(1) - 1) * limit;
    if total <= offset {
        // Past the last match: the page would be empty.
        return Ok(Page {
            results: Vec::new(),
            total_count: super::count(total),
        });
    }
    let plan = match rows {
        Some(rows) => Plan::for_page(query.sort.field, offset + limit, total, rows),
        None => Plan::Plain,
    };
    let results = super::on_db!(db, |pool, pg| select_page(
        query, search, silent, plan, limit, offset
    )
    .build()
    .try_map(|row| from_row(&row, db.cipher()))
    .fetch_all(pool)
    .await)?;
    Ok(Page {
        results,
        total_count: super::count(total),
    })
}

/// How many webhooks match, and max(rowid): an upper bound of the number of webhooks, live or
/// not, read in O(log n), for the page's plan.
async fn count_sqlite(
    pool: &SqlitePool,
    query: &WebhookQuery,
    search: Option<&Search>,
    silent: Option<&String>,
) -> Result<(i64, Option<i64>), sqlx::Error> {
    let only_search = query.kind.is_none()
        && query.enabled.is_none()
        && query.status.is_none()
        && query.event_type.is_none()
        && query.project_id.is_none()
        && query.tag.is_none()
        && silent.is_none();
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
            if query.event_type.is_some()
                || query.tag.is_some()
                || search.is_some_and(|s| s.phrase().is_some())
            {
                // The count starts from the event type's or tag's rows or the search index's and
                // probes each webhook by id; this index answers the probe (and the type and
                // enabled filters) without reading the row. SQLite would take the primary key's
                // index and read every row.
                count.push(" INDEXED BY webhooks_live_by_id");
            }
            push_filters(&mut count, query, search, silent, Plan::Drive);
            count.build_query_as().fetch_one(pool).await?
        }
    };
    Ok((total, Some(rows.unwrap_or(0))))
}

/// The page's statement: the filters as `plan` writes them, the sort, the window.
fn select_page<'a, DB>(
    query: &'a WebhookQuery,
    search: Option<&'a Search>,
    silent: Option<&'a String>,
    plan: Plan,
    limit: i64,
    offset: i64,
) -> QueryBuilder<DB>
where
    DB: Database,
    &'static str: Encode<'a, DB> + Type<DB>,
    bool: Encode<'a, DB> + Type<DB>,
    String: Encode<'a, DB> + Type<DB>,
    i64: Encode<'a, DB> + Type<DB>,
{
    let mut select = QueryBuilder::<DB>::new(SELECT);
    push_filters(&mut select, query, search, silent, plan);
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
    // Numbers in the SQL, not parameters: SQLite plans with the value bound to a LIMIT, so every
    // new binding prepared the whole statement again (sqlite3Reprepare: 12 % of the CPU of a
    // first page under load).
    select.push(format_args!(" LIMIT {limit} OFFSET {offset}"));
    select
}

/// How a list statement should find its rows. SQLite has no statistics here (no ANALYZE) and
/// guesses that `type = ?` or `status = ?` matches a handful of rows, so left alone it starts
/// from that filter's index and sorts every match, even 40,000 of them for a page of 20. The
/// count tells how many match, and the filters are then written to steer it: the forms differ
/// only in which indexes SQLite may use (`+type` is `type` without its index; `EXISTS` and
/// `IN` find the same rows; the search index matches exactly what LIKE matches).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// No steering, for a planner with statistics (PostgreSQL): plain comparisons, the event
    /// type as a subquery, the search as its LIKE expression.
    Plain,
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
    /// `(type | status | enabled, created_at, id)`, 0007: `(project_id, created_at, id)`;
    /// 0001: `(type, id)`, `(status, id)`), so
    /// SQLite walks the filter's part of the sort order instead.
    fn indexed(self, column: &str) -> bool {
        match self {
            Self::Plain | Self::Drive => true,
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

fn push_filters<'a, DB>(
    q: &mut QueryBuilder<DB>,
    query: &'a WebhookQuery,
    search: Option<&'a Search>,
    silent: Option<&'a String>,
    plan: Plan,
) where
    DB: Database,
    &'static str: Encode<'a, DB> + Type<DB>,
    bool: Encode<'a, DB> + Type<DB>,
    String: Encode<'a, DB> + Type<DB>,
{
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
    if let Some(project) = &query.project_id {
        let (open, close) = equals(plan, "project_id");
        q.push(open).push_bind(project.clone()).push(close);
    }
    if let Some((key, value)) = &query.tag {
        if plan != Plan::Walk(query.sort.field) {
            // The tag's rows (webhook_tags_by_tag, migration 0007) as the starting point.
            q.push(" AND id IN (SELECT webhook_id FROM webhook_tags WHERE key = ")
                .push_bind(key.clone())
                .push(" AND value = ")
                .push_bind(value.clone())
                .push(")");
        } else {
            q.push(
                " AND EXISTS (SELECT 1 FROM webhook_tags t \
                 WHERE t.webhook_id = webhooks.id AND t.key = ",
            )
            .push_bind(key.clone())
            .push(" AND t.value = ")
            .push_bind(value.clone())
            .push(")");
        }
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
        if plan != Plan::Walk(query.sort.field) {
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
    if let Some(since) = silent {
        // One probe of deliveries_by_webhook (webhook_id, created_at) per candidate.
        q.push(
            " AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.webhook_id = webhooks.id \
             AND d.kind = 'event' AND d.created_at >= ",
        )
        .push_bind(since.clone())
        .push(")");
    }
}

/// The SQL around the value of `column = ?`, all three forms true for the same rows:
/// `+column = ?` hides the column's indexes from the planner; `likelihood(column = ?, 0.5)`
/// tells it that `type` and `enabled`, two values each, keep about half the rows, so it starts
/// from a more selective index (a status, an event type, the search) when there is one, instead
/// of guessing, as it does for any `column = ?`, that a handful of rows match.
fn equals(plan: Plan, column: &'static str) -> (String, &'static str) {
    if plan == Plan::Plain {
        (format!(" AND {column} = "), "")
    } else if !plan.indexed(column) {
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

#[cfg(test)]
#[path = "webhook_list_tests.rs"]
mod tests;
