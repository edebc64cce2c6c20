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
//!
//! Even that read is skipped while nothing can have changed. This process counts what it has
//! heard of changes: each of its own commits (every write goes through [`super::Tx`]); on
//! PostgreSQL the notice the counter's trigger sends at every instance's commit (`NOTIFY
//! webhook_list`, migration postgres/0011); on SQLite a commit by another process on the file,
//! seen within 50 ms ([`super::sqlite::spawn_watcher`]; only `webhook-server reset-password`
//! may write beside the server, and it changes no webhook). A page is served without reading
//! the counter for as long as nothing was heard since the counter last read its value: this
//! instance's changes are seen at once, another instance's when its notice arrives. While those
//! announcements cannot come (the connection lost, the watcher failing) the counter is read on
//! every request.

use super::{Db, on_db};
use axum::body::Bytes;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use webhook_api::{Page, Webhook, WebhookQuery};

/// A page of the list, and the response body made of it, kept with it: a kept page is served
/// by copying its body, not by rendering it again for every request.
#[derive(Debug)]
pub struct Listed {
    page: Page<Webhook>,
    /// The body, and the time until which it stays right (the page's rows can say something
    /// that ends at a time, as a previous secret's overlap does); `None`: for good.
    body: Mutex<Option<(Bytes, Option<String>)>>,
}

impl Listed {
    pub fn new(page: Page<Webhook>) -> Self {
        Self {
            page,
            body: Mutex::new(None),
        }
    }

    /// The response body as of `now`: the one rendered before while it is still right,
    /// otherwise `render`'s (the body and the time it stays right until), kept for the next.
    pub fn body(
        &self,
        now: &str,
        render: impl FnOnce(&Page<Webhook>) -> (Bytes, Option<String>),
    ) -> Bytes {
        let mut body = self.body.lock().unwrap_or_else(|e| e.into_inner());
        match &*body {
            Some((bytes, until)) if until.as_deref().is_none_or(|t| now < t) => bytes.clone(),
            _ => {
                let (bytes, until) = render(&self.page);
                *body = Some((bytes.clone(), until));
                bytes
            }
        }
    }
}

impl std::ops::Deref for Listed {
    type Target = Page<Webhook>;

    fn deref(&self) -> &Page<Webhook> {
        &self.page
    }
}

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
    /// Whether changes are announced to this process: set while the PostgreSQL listener listens
    /// or the SQLite watcher watches.
    listening: bool,
    /// Changes heard of: notices, this process's commits, the listener starting or stopping.
    heard: u64,
    /// The `heard` at which `version` was last read as the database's: while `heard` still
    /// equals it, `version` is current without reading it.
    confirmed: Option<u64>,
    pages: HashMap<String, Arc<Listed>>,
    /// One lock per key being computed: requests for a page that is not kept yet wait for the
    /// first one's result instead of all counting at once (64 clients asking for one page of
    /// 100,000 webhooks would otherwise run 64 counts side by side).
    computing: HashMap<String, Arc<tokio::sync::Mutex<()>>>,
}

impl ListCache {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A change may have been committed (a notice, or a commit of this process).
    pub fn changed(&self) {
        let mut state = self.state();
        state.heard = state.heard.wrapping_add(1);
    }

    /// Whether changes are announced from now on (the listener listens) or may go unseen.
    pub fn set_listening(&self, listening: bool) {
        let mut state = self.state();
        state.heard = state.heard.wrapping_add(1);
        state.listening = listening;
    }

    /// The changes heard so far, read before reading the version; None while not listening.
    fn heard(&self) -> Option<u64> {
        let state = self.state();
        state.listening.then_some(state.heard)
    }

    /// Notes that the version read `version` after `heard` changes had been heard.
    fn confirm(&self, heard: Option<u64>, version: i64) {
        let mut state = self.state();
        if state.version == version {
            state.confirmed = heard;
        }
    }

    /// The page of `key` when nothing was heard since the version was confirmed.
    fn unchanged(&self, key: &str) -> Option<Arc<Listed>> {
        let state = self.state();
        if !state.listening || state.confirmed != Some(state.heard) {
            return None;
        }
        state.pages.get(key).cloned()
    }

    /// The page of `key` when it was computed at `version`.
    fn get(&self, version: i64, key: &str) -> Option<Arc<Listed>> {
        let state = self.state();
        if state.version != version {
            return None;
        }
        state.pages.get(key).cloned()
    }

    /// Keeps `page` as computed at `version`; pages of other versions are dropped.
    fn put(&self, version: i64, key: String, page: Arc<Listed>) {
        let mut state = self.state();
        if state.version != version {
            if version < state.version {
                // Computed before a change another request has already seen: never useful.
                return;
            }
            state.version = version;
            state.confirmed = None;
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
        let mut state = self.state();
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
pub async fn page<F>(db: &Db, query: &WebhookQuery, compute: F) -> Result<Arc<Listed>, sqlx::Error>
where
    F: AsyncFnOnce() -> Result<Page<Webhook>, sqlx::Error>,
{
    let Some(key) = key(query) else {
        return Ok(Arc::new(Listed::new(compute().await?)));
    };
    let cache = db.list_cache();
    if let Some(page) = cache.unchanged(&key) {
        return Ok(page);
    }
    let heard = cache.heard();
    let now = version(db).await?;
    if let Some(page) = cache.get(now, &key) {
        cache.confirm(heard, now);
        return Ok(page);
    }
    let computing = cache.computing(&key);
    let _turn = computing.lock().await;
    // Again: the request this one waited for may have kept the page, or a change come meanwhile.
    let heard = cache.heard();
    let before = version(db).await?;
    if let Some(page) = cache.get(before, &key) {
        cache.confirm(heard, before);
        return Ok(page);
    }
    let page = Arc::new(Listed::new(compute().await?));
    if version(db).await? == before {
        cache.put(before, key, page.clone());
        cache.confirm(heard, before);
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn page(total_count: u64) -> Arc<Listed> {
        Arc::new(Listed::new(Page {
            results: Vec::new(),
            total_count,
        }))
    }

    #[test]
    fn a_page_is_served_unread_only_while_nothing_was_heard_since_its_version_was_read() {
        let cache = ListCache::default();
        cache.put(3, "k".into(), page(1));
        cache.confirm(cache.heard(), 3);
        assert!(
            cache.unchanged("k").is_none(),
            "not listening: read every time"
        );

        cache.set_listening(true);
        assert!(
            cache.unchanged("k").is_none(),
            "listening anew: read once more"
        );
        let heard = cache.heard();
        cache.confirm(heard, 3);
        assert_eq!(cache.unchanged("k").unwrap().total_count, 1);
        assert!(cache.unchanged("other").is_none());

        // A read that raced a change confirms nothing: it read the heard count before.
        cache.changed();
        assert!(cache.unchanged("k").is_none());
        cache.confirm(heard, 3);
        assert!(cache.unchanged("k").is_none());

        // A version newer than the pages' is not confirmed for them.
        let heard = cache.heard();
        cache.confirm(heard, 4);
        assert!(cache.unchanged("k").is_none());
        cache.put(4, "k".into(), page(2));
        cache.confirm(heard, 4);
        assert_eq!(cache.unchanged("k").unwrap().total_count, 2);

        cache.set_listening(false);
        assert!(cache.unchanged("k").is_none());
    }

    #[test]
    fn a_kept_body_is_served_until_the_time_it_stays_right() {
        let listed = Listed::new(Page {
            results: Vec::new(),
            total_count: 7,
        });
        let renders = Cell::new(0);
        let render = |until: Option<&str>| {
            let renders = &renders;
            let until = until.map(str::to_string);
            move |page: &Page<Webhook>| {
                renders.set(renders.get() + 1);
                let body = format!("{} #{}", page.total_count, renders.get());
                (Bytes::from(body), until)
            }
        };
        let t = |s: &str| format!("2026-12-04T10:00:{s}.000Z");
        assert_eq!(listed.body(&t("00"), render(Some(&t("30")))), "7 #1");
        assert_eq!(listed.body(&t("29"), render(None)), "7 #1", "still right");
        assert_eq!(
            listed.body(&t("30"), render(None)),
            "7 #2",
            "rendered again at the time"
        );
        assert_eq!(
            listed.body(&t("59"), render(None)),
            "7 #2",
            "right for good"
        );
        assert_eq!(renders.get(), 2);
    }
}
