//! Pages of the webhook list already computed, reused while no webhook has changed since.
//!
//! An exact `total_count` costs a pass over every match (at 100,000 webhooks, tens of ms for a
//! broad search), while the console and scripts ask for the same few pages again and again.
//! Every change to a webhook, its event types or its tags raises one counter in the same
//! transaction (triggers, migrations sqlite/0013 and postgres/0010). A page is kept under the
//! counter's value it was computed at, and served again only while the counter still reads
//! that value: one primary-key read per request instead of the count and the page. The counter
//! lives in the database, so on PostgreSQL a change made through any instance invalidates the
//! pages of all of them.

use super::{Db, on_db};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use webhook_api::{Page, Webhook, WebhookQuery};

/// Pages kept at most; all of them belong to one version of the list.
const CAPACITY: usize = 256;

/// The pages computed at one version of the list.
#[derive(Debug, Default)]
pub struct ListCache {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    version: i64,
    pages: HashMap<String, Arc<Page<Webhook>>>,
    /// One lock per key being computed: requests for a page that is not kept yet wait for the
    /// first one's result instead of all counting at once (64 clients asking for one page of
    /// 100,000 webhooks would otherwise run 64 counts side by side).
    computing: HashMap<String, Arc<tokio::sync::Mutex<()>>>,
}

impl ListCache {
    /// The page of `key` when it was computed at `version`.
    fn get(&self, version: i64, key: &str) -> Option<Arc<Page<Webhook>>> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.version != version {
            return None;
        }
        state.pages.get(key).cloned()
    }

    /// Keeps `page` as computed at `version`; pages of other versions are dropped.
    fn put(&self, version: i64, key: String, page: Arc<Page<Webhook>>) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.version != version {
            if version < state.version {
                // Computed before a change another request has already seen: never useful.
                return;
            }
            state.version = version;
            state.pages.clear();
            state.computing.clear();
        }
        if state.pages.len() >= CAPACITY {
            state.pages.clear();
        }
        state.pages.insert(key, page);
    }

    /// The lock of computing `key`'s page.
    fn computing(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.computing.len() >= CAPACITY {
            state.computing.clear();
        }
        state.computing.entry(key.to_string()).or_default().clone()
    }
}

/// The list's version now (migration sqlite/0013, postgres/0010).
async fn version(db: &Db) -> Result<i64, sqlx::Error> {
    on_db!(db, |pool, pg| sqlx::query_scalar(
        "SELECT version FROM webhook_list_version WHERE id = 1"
    )
    .fetch_one(pool)
    .await)
}

/// The cache key of `query`, or None when its page may depend on more than the rows the
/// counter covers. Spelt out field by field so that a new filter does not compile until it is
/// decided here: one that reads other tables or the clock (e.g. "no event in N days") is not
/// covered by the counter and must return None.
fn key(query: &WebhookQuery) -> Option<String> {
    let WebhookQuery {
        search: _,
        kind: _,
        enabled: _,
        status: _,
        event_type: _,
        project_id: _,
        tag: _,
        deleted,
        // Reads deliveries and the clock, which do not move the list's version: never kept.
        silent_days,
        sort: _,
        page: _,
        page_size: _,
    } = query;
    (!deleted && silent_days.is_none()).then(|| format!("{query:?}"))
}

/// The page of `query`: the kept one while the list's version has not moved, otherwise
/// `compute`'s, kept when the version read the same before and after it (so no change
/// committed while it ran, and both of its statements saw that one version). Requests for the
/// same missing page wait for one computation.
pub async fn page<F>(
    db: &Db,
    query: &WebhookQuery,
    compute: F,
) -> Result<Page<Webhook>, sqlx::Error>
where
    F: AsyncFnOnce() -> Result<Page<Webhook>, sqlx::Error>,
{
    let Some(key) = key(query) else {
        return compute().await;
    };
    let cache = db.list_cache();
    if let Some(page) = cache.get(version(db).await?, &key) {
        return Ok(Page::clone(&page));
    }
    let computing = cache.computing(&key);
    let _turn = computing.lock().await;
    // Again: the request this one waited for may have kept the page, or a change come meanwhile.
    let before = version(db).await?;
    if let Some(page) = cache.get(before, &key) {
        return Ok(Page::clone(&page));
    }
    let page = compute().await?;
    if version(db).await? == before {
        cache.put(before, key, Arc::new(page.clone()));
    }
    Ok(page)
}
