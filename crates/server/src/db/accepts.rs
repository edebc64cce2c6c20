//! Group commit of accepted events. Every caller of [`accept_events`] (`POST /events` above all)
//! queues its events here, and a committer takes all that are waiting into one transaction:
//! under load, 32 concurrent producers share one commit, and so one fsync at `synchronous=FULL`
//! / `synchronous_commit=on` (and, on PostgreSQL, one turn of the live view's journal lock),
//! instead of queueing for one each.
//!
//! What a caller sees does not change: it is answered once its own events and deliveries are
//! committed, and they are stored entirely or not at all. A group is routed in one pass (one
//! statement per table for all its requests); when that fails, each request routes again in a
//! savepoint of its own, so one that fails (say, an id already taken) rolls back alone and gets
//! its error, while the others of its group commit. Events of different requests are never
//! batched into one delivery. Nobody waits for a group to fill: a group takes what queued while the previous
//! one committed (at least one request), so one producer alone commits at once.
//!
//! The commit runs in a task of its own, so a producer that hangs up does not abandon the others
//! of its group (nor its own events, which are then committed unanswered, as if it had hung up
//! just after the 202; the producer retries, as at-least-once intends).

use super::deliveries::{Accepted, commit_announcing, route_events, route_requests};
use super::{Db, Tx};
use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{Semaphore, oneshot};
use webhook_api::{EVENTS_PER_REQUEST_MAX, EventIn};

/// The requests waiting for a commit, and the turns of committing them.
#[derive(Debug)]
pub(super) struct Accepts {
    waiting: Mutex<VecDeque<Request>>,
    turns: Semaphore,
    commits: AtomicU64,
}

impl Default for Accepts {
    fn default() -> Self {
        Self {
            waiting: Mutex::default(),
            turns: Semaphore::new(GROUPS_IN_FLIGHT),
            commits: AtomicU64::new(0),
        }
    }
}

/// Groups between `BEGIN` and the end of their commit at once: while one commits (waits for its
/// fsync), the next has begun and takes the requests that arrive meanwhile as soon as it may
/// write (on SQLite, when it has the write lock; on PostgreSQL, it routes them at once and waits
/// for the live view's journal lock only at the end).
const GROUPS_IN_FLIGHT: usize = 2;

#[derive(Debug)]
struct Request {
    events: Vec<(String, EventIn)>,
    now: String,
    answer: oneshot::Sender<Result<u64, sqlx::Error>>,
}

/// Events per shared transaction, beyond which the rest wait for the next: it bounds how long one
/// commit holds SQLite's write lock from the delivery worker.
const EVENTS_PER_COMMIT: usize = EVENTS_PER_REQUEST_MAX;

/// Stores `events` (id, event with `occurred_at` set) and, in the same transaction, one delivery
/// per matching enabled webhook, rule and batch of at most its `batch_size` events. Returns how
/// many deliveries were queued. Nothing is stored unless all of it is.
///
/// Routing (DESIGN §4): an event goes to a live, enabled webhook whose own event types include
/// its type (rule `webhook`), or that receives an enabled topic whose filter matches it (rule
/// `subscription:<topic>`, the first such topic in catalog order). Each webhook gets an event
/// once; when both match, the webhook's own filter is the recorded rule.
pub async fn accept_events(
    db: &Db,
    events: &[(String, EventIn)],
    now: &str,
) -> Result<u64, sqlx::Error> {
    let (answer, answered) = oneshot::channel();
    db.accepts().lock_waiting().push_back(Request {
        events: events.to_vec(),
        now: now.to_string(),
        answer,
    });
    // One committer per request queued: each commits whatever is waiting when its turn comes,
    // which is nothing when an earlier one took this request along.
    let db = db.clone();
    tokio::spawn(async move { commit_waiting(&db).await });
    answered.await.unwrap_or(Err(sqlx::Error::WorkerCrashed))
}

impl Accepts {
    fn lock_waiting(&self) -> std::sync::MutexGuard<'_, VecDeque<Request>> {
        self.waiting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The oldest requests waiting, up to [`EVENTS_PER_COMMIT`] events (at least one request).
    fn take(&self) -> Vec<Request> {
        let mut waiting = self.lock_waiting();
        let mut events = 0;
        let mut group = Vec::new();
        while let Some(next) = waiting.front() {
            if !group.is_empty() && events + next.events.len() > EVENTS_PER_COMMIT {
                break;
            }
            events += next.events.len();
            group.extend(waiting.pop_front());
        }
        group
    }

    /// Transactions committed so far.
    pub(crate) fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }
}

async fn commit_waiting(db: &Db) {
    let accepts = db.accepts();
    let Ok(_turn) = accepts.turns.acquire().await else {
        return; // never closed
    };
    if accepts.lock_waiting().is_empty() {
        return; // taken along by an earlier group
    }
    // Begin first, take the group after: everything that arrives while this waits for the
    // write lock (SQLite: see `Db::begin`; the routes read must not leave a read snapshot that
    // cannot become a writer) joins it.
    let begun = db.begin().await;
    let group = accepts.take();
    if group.is_empty() {
        return;
    }
    let mut answers = Vec::with_capacity(group.len());
    let outcome = match begun {
        Ok(tx) => commit_group(db, tx, &group, &mut answers).await,
        Err(e) => Err(e),
    };
    answers.resize_with(group.len(), || Ok(0));
    for (request, routed) in group.into_iter().zip(answers) {
        let answer = match (&outcome, routed) {
            (Ok(()), routed) => routed,
            // Its own failure is the more precise; the others share the group's.
            (Err(_), Err(own)) => Err(own),
            (Err(e), Ok(_)) => Err(sqlx::Error::Protocol(format!(
                "the commit shared with other requests failed: {e}"
            ))),
        };
        // A producer that went away no longer waits for its answer.
        let _ = request.answer.send(answer);
    }
}

/// Routes the requests of `group` in `tx` and commits; pushes one routing outcome per request
/// onto `answers` (the deliveries it queued, or its error). A group routes in one pass (one
/// statement per table for all of it: on PostgreSQL each statement is a round trip); should that
/// fail, it is undone and each request routes again in a savepoint of its own, so that a
/// request's failure undoes its own writes only. Alone, its failure ends the transaction. An
/// error returned is the transaction's: nothing of the group is stored.
async fn commit_group(
    db: &Db,
    mut tx: Tx,
    group: &[Request],
    answers: &mut Vec<Result<u64, sqlx::Error>>,
) -> Result<(), sqlx::Error> {
    if let [request] = group {
        answers.push(route_events(&mut tx, &request.events, &request.now).await);
    } else if let Some(routed) = route_together(&mut tx, group).await? {
        answers.extend(routed.into_iter().map(Ok));
    } else {
        for request in group {
            tx.execute("SAVEPOINT accept_request", &[]).await?;
            let routed = route_events(&mut tx, &request.events, &request.now).await;
            if routed.is_err() {
                tx.execute("ROLLBACK TO SAVEPOINT accept_request", &[])
                    .await?;
            }
            tx.execute("RELEASE SAVEPOINT accept_request", &[]).await?;
            answers.push(routed);
        }
    }
    if answers.iter().all(Result::is_err) {
        return Ok(()); // nothing to commit; the transaction rolls back when dropped
    }
    let due = answers.iter().filter_map(|a| a.as_ref().ok()).sum();
    commit_announcing(tx, due).await?;
    db.accepts().commits.fetch_add(1, Ordering::Relaxed);
    Ok(())
}

/// The whole group in one pass, in a savepoint: the deliveries of each request, or `None` (its
/// writes undone) when one request's failure failed them all.
async fn route_together(tx: &mut Tx, group: &[Request]) -> Result<Option<Vec<u64>>, sqlx::Error> {
    let requests: Vec<Accepted> = group
        .iter()
        .map(|r| Accepted {
            events: &r.events,
            now: &r.now,
        })
        .collect();
    tx.execute("SAVEPOINT accept_group", &[]).await?;
    let routed = route_requests(tx, &requests).await;
    if routed.is_err() {
        tx.execute("ROLLBACK TO SAVEPOINT accept_group", &[])
            .await?;
    }
    tx.execute("RELEASE SAVEPOINT accept_group", &[]).await?;
    Ok(routed.ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Backend, cipher::Cipher, sqlite};
    use std::time::Duration;

    fn event(id: &str) -> (String, EventIn) {
        let event = serde_json::from_value(serde_json::json!(
            {"type": "resource.update", "action": "update", "resource_type": "host"}
        ))
        .unwrap();
        (id.to_string(), event)
    }

    /// A fresh SQLite database, with its pool for checking what was stored.
    async fn sqlite_db(
        synchronous: sqlite::Synchronous,
    ) -> (tempfile::TempDir, sqlx::SqlitePool, Db) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("g.db").display());
        let pool = sqlite::open(&url, synchronous).await.unwrap();
        let db = Db::new(
            Backend::Sqlite(sqlite::Store::new(pool.clone())),
            Cipher::random(),
        );
        (dir, pool, db)
    }

    /// Both commit turns, held as if two groups were committing: requests queue meanwhile.
    async fn hold_turns(db: &Db) -> tokio::sync::SemaphorePermit<'_> {
        db.accepts()
            .turns
            .acquire_many(GROUPS_IN_FLIGHT as u32)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn concurrent_requests_share_one_commit_and_fail_alone() {
        let (_dir, pool, db) = sqlite_db(sqlite::Synchronous::Full).await;
        accept_events(&db, &[event("taken")], "t").await.unwrap();
        let before = db.accepts().commits();

        // While commits run (here: while both turns are held), 20 producers and one whose
        // event id is already stored queue up; the next commit takes them all.
        let turns = hold_turns(&db).await;
        let mut producers = Vec::new();
        for i in 0..21 {
            let db = db.clone();
            let id = if i == 7 {
                "taken".to_string()
            } else {
                format!("e{i}")
            };
            producers.push(tokio::spawn(async move {
                accept_events(&db, &[event(&id)], "t").await
            }));
        }
        while db.accepts().lock_waiting().len() < 21 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        drop(turns);
        let mut answers = Vec::new();
        for p in producers {
            answers.push(p.await.unwrap());
        }

        assert_eq!(
            db.accepts().commits() - before,
            1,
            "one transaction for the group"
        );
        for (i, answer) in answers.iter().enumerate() {
            assert_eq!(answer.is_err(), i == 7, "request {i}: {answer:?}");
        }
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM events ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
        let mut expected: Vec<String> = (0..21)
            .filter(|&i| i != 7)
            .map(|i| format!("e{i}"))
            .collect();
        expected.push("taken".into());
        expected.sort();
        assert_eq!(ids, expected);
        pool.close().await;
    }

    #[tokio::test]
    async fn a_group_without_failures_routes_in_one_pass_each_request_at_its_time() {
        let (_dir, pool, db) = sqlite_db(sqlite::Synchronous::Normal).await;
        let turns = hold_turns(&db).await;
        let producers: Vec<_> = (0..12)
            .map(|i| {
                let db = db.clone();
                let events = [event(&format!("e{i:02}a")), event(&format!("e{i:02}b"))];
                tokio::spawn(async move { accept_events(&db, &events, &format!("t{i:02}")).await })
            })
            .collect();
        while db.accepts().lock_waiting().len() < 12 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        drop(turns);
        for p in producers {
            assert_eq!(p.await.unwrap().unwrap(), 0, "no webhook: no delivery");
        }
        assert_eq!(db.accepts().commits(), 1);
        let stored: Vec<(String, String)> =
            sqlx::query_as("SELECT id, received_at FROM events ORDER BY id")
                .fetch_all(&pool)
                .await
                .unwrap();
        let expected: Vec<(String, String)> = (0..12)
            .flat_map(|i| ["a", "b"].map(|s| (format!("e{i:02}{s}"), format!("t{i:02}"))))
            .collect();
        assert_eq!(stored, expected);
        pool.close().await;
    }

    #[test]
    fn a_group_is_bounded_by_events_not_by_requests() {
        let (mut waiting, accepts) = (VecDeque::new(), Accepts::default());
        for n in [600, 300, 200, 1] {
            let (answer, _) = oneshot::channel();
            let events = (0..n).map(|i| event(&format!("{n}-{i}"))).collect();
            waiting.push_back(Request {
                events,
                now: "t".into(),
                answer,
            });
        }
        *accepts.lock_waiting() = waiting;
        let sizes = |group: Vec<Request>| group.iter().map(|r| r.events.len()).collect::<Vec<_>>();
        assert_eq!(sizes(accepts.take()), [600, 300]);
        assert_eq!(sizes(accepts.take()), [200, 1]);
        assert!(accepts.take().is_empty());
    }
}
