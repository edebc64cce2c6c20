//! Three instances of the real binary on one PostgreSQL database: they start together on an empty
//! database (one migrates, none fails), share the deliveries of 3,000 events, and when one of them
//! is killed with `kill -9` mid-stream the others take its claims over once their lease lapses.
//! Every event arrives, a message sent twice carries the same `webhook-id`, and no message is ever
//! being sent by two instances at once. Needs `WEBHOOK_TEST_POSTGRES` (`scripts/with-postgres.sh`);
//! skipped without it.

use crate::helpers::{create_database, postgres_server, webhook_body};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const INSTANCES: usize = 3;
const EVENTS: usize = 3000;
const EVENTS_PER_POST: usize = 10;
/// Posts under way at once.
const POSTERS: usize = 6;
/// The receiver has seen this many requests when instance 2 is killed.
const KILL_AFTER: usize = 500;
/// The instances' `WEBHOOK_DELIVERY_LEASE`: the killed instance's claims lapse after it.
/// Deliveries each instance sends at once: the most the killed one can hold.
const CONCURRENCY: usize = 32;
const LEASE: &str = "5s";
const DEADLINE: Duration = Duration::from_secs(120);

/// One `webhook-server` process; killed on drop, so a failing assertion leaves none behind. Its
/// log (stderr, `RUST_LOG=warn`) goes to a file, shown when the test fails.
struct Instance {
    n: usize,
    child: Child,
    address: String,
    log: PathBuf,
    /// Kept open: the server must not find its stdout closed.
    _stdout: BufReader<ChildStdout>,
}

impl Instance {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- log of instance {} ---\n{}", self.n, self.log());
        }
    }
}

/// Starts `INSTANCES` processes at once on the database at `url`, then waits for each to listen.
fn start_all(url: &str, dir: &Path) -> Vec<Instance> {
    let spawned: Vec<(Child, PathBuf)> = (0..INSTANCES)
        .map(|n| {
            let log = dir.join(format!("instance-{n}.log"));
            let child = Command::new(env!("CARGO_BIN_EXE_webhook-server"))
                .env("WEBHOOK_LISTEN", "127.0.0.1:0")
                .env("WEBHOOK_ADMIN_PASSWORD", crate::helpers::ADMIN_PASSWORD)
                .env("WEBHOOK_SECRET_KEY", crate::helpers::TEST_SECRET_KEY)
                .env("WEBHOOK_DATABASE_URL", url)
                .env("WEBHOOK_DIST", dir.join("dist"))
                .env("WEBHOOK_ALLOW_TARGETS", "127.0.0.0/8")
                .env("WEBHOOK_ONLY_ALLOWED_TARGETS", "true")
                .env("WEBHOOK_RETRY_SCHEDULE", "100ms,100ms,100ms")
                .env("WEBHOOK_DELIVERY_LEASE", LEASE)
                .env("WEBHOOK_DELIVERY_CONCURRENCY", CONCURRENCY.to_string())
                .env("RUST_LOG", "warn")
                .stdout(Stdio::piped())
                .stderr(std::fs::File::create(&log).unwrap())
                .spawn()
                .unwrap();
            (child, log)
        })
        .collect();
    spawned
        .into_iter()
        .enumerate()
        .map(|(n, (mut child, log))| {
            let mut stdout = BufReader::new(child.stdout.take().unwrap());
            let mut line = String::new();
            stdout.read_line(&mut line).unwrap();
            let Some(address) = line.trim().strip_prefix("webhook-server listening on ") else {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "instance {n} did not start ({line:?}):\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            };
            Instance {
                n,
                address: address.to_string(),
                child,
                log,
                _stdout: stdout,
            }
        })
        .collect()
}

/// One request as the receiver got it.
#[derive(Debug, Clone)]
struct Request {
    webhook_id: String,
    /// The `resource_id`s of the events in the body (`e-0` … `e-2999`).
    events: Vec<String>,
    /// The sender's port, to tell the instances apart (see [`ports_of`]).
    peer_port: u16,
    arrived: Instant,
    /// When the handler answered, or was dropped because the sender went away.
    finished: Option<Instant>,
    answered: bool,
}

#[derive(Default)]
struct Log {
    requests: Vec<Request>,
    /// Webhook ids being answered right now, with how many requests carry each.
    in_flight: HashMap<String, usize>,
    /// Webhook ids that arrived while a request with the same id was still in flight.
    overlaps: Vec<String>,
}

/// A receiver that answers 200 after 20–50 ms, so that many deliveries are in flight at any time.
#[derive(Clone)]
struct Receiver {
    port: u16,
    log: Arc<Mutex<Log>>,
}

impl Receiver {
    async fn start() -> Self {
        let log = Arc::new(Mutex::new(Log::default()));
        let app = Router::new()
            .route("/hook", post(answer))
            .with_state(log.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
        });
        Self { port, log }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().requests.clone()
    }

    fn count(&self) -> usize {
        self.log.lock().unwrap().requests.len()
    }

    fn distinct_events(&self) -> usize {
        let log = self.log.lock().unwrap();
        let seen: HashSet<&String> = log.requests.iter().flat_map(|r| &r.events).collect();
        seen.len()
    }

    fn overlaps(&self) -> Vec<String> {
        self.log.lock().unwrap().overlaps.clone()
    }
}

/// Marks a request finished when its handler ends, also when hyper drops it because the
/// connection went away (the sender was killed).
struct Finish {
    log: Arc<Mutex<Log>>,
    index: usize,
    webhook_id: String,
    answered: bool,
}

impl Drop for Finish {
    fn drop(&mut self) {
        let mut log = self.log.lock().unwrap();
        let request = &mut log.requests[self.index];
        request.finished = Some(Instant::now());
        request.answered = self.answered;
        if let Some(n) = log.in_flight.get_mut(&self.webhook_id) {
            *n -= 1;
            if *n == 0 {
                log.in_flight.remove(&self.webhook_id);
            }
        }
    }
}

async fn answer(
    State(log): State<Arc<Mutex<Log>>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let webhook_id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let resource_id = |v: &Value| v["resource_id"].as_str().map(String::from);
    let events: Vec<String> = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Array(items)) => items.iter().filter_map(resource_id).collect(),
        Ok(object) => resource_id(&object).into_iter().collect(),
        Err(_) => Vec::new(),
    };
    let index = {
        let mut log = log.lock().unwrap();
        let n = log.in_flight.entry(webhook_id.clone()).or_default();
        *n += 1;
        if *n > 1 {
            log.overlaps.push(webhook_id.clone());
        }
        log.requests.push(Request {
            webhook_id: webhook_id.clone(),
            events,
            peer_port: peer.port(),
            arrived: Instant::now(),
            finished: None,
            answered: false,
        });
        log.requests.len() - 1
    };
    let mut finish = Finish {
        log,
        index,
        webhook_id,
        answered: false,
    };
    tokio::time::sleep(Duration::from_millis(fastrand::u64(20..=50))).await;
    finish.answered = true;
    StatusCode::OK
}

/// The local ports of process `pid`'s TCP connections to 127.0.0.1:`port`, from Linux's /proc:
/// the sockets among its open files, looked up in the connection tables. Empty elsewhere.
fn ports_of(pid: u32, port: u16) -> HashSet<u16> {
    let inodes: HashSet<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|fd| std::fs::read_link(fd.path()).ok())
        .filter_map(|link| {
            let link = link.to_str()?;
            Some(
                link.strip_prefix("socket:[")?
                    .strip_suffix(']')?
                    .to_string(),
            )
        })
        .collect();
    let port_in = |address: &str| {
        let (_, hex) = address.rsplit_once(':')?;
        u16::from_str_radix(hex, 16).ok()
    };
    let mut ports = HashSet::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() > 9 && port_in(fields[2]) == Some(port) && inodes.contains(fields[9]) {
                ports.extend(port_in(fields[1]));
            }
        }
    }
    ports
}

fn event(i: usize) -> Value {
    json!({
        "type": "resource.update", "action": "update", "resource_type": "host",
        "resource_id": format!("e-{i}"),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_share_deliveries_and_take_over_a_killed_ones() {
    let Some(server) = postgres_server() else {
        eprintln!("skipped: WEBHOOK_TEST_POSTGRES is not set (run under scripts/with-postgres.sh)");
        return;
    };
    let begun = Instant::now();
    let base = server.rsplit_once('/').unwrap().0;
    let url = format!("{base}/multi_{:016x}", fastrand::u64(..));
    create_database(&url).await;
    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start().await;
    // All three at once on the empty database: each must migrate or wait for the one that does.
    let mut instances = start_all(&url, dir.path());
    // A token is valid on every instance: they share the database.
    let http = crate::helpers::admin_client(&instances[0].address).await;
    let started = begun.elapsed();
    let addresses: Vec<String> = instances.iter().map(|i| i.address.clone()).collect();
    let victim = Arc::new(tokio::sync::RwLock::new(instances.pop()));

    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    let applied: Vec<(i64, bool)> =
        sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&pool)
            .await
            .unwrap();
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
        .unwrap()
        .flatten()
        .filter(|f| {
            let name = f.file_name().to_string_lossy().into_owned();
            name.ends_with(".sql") && !name.ends_with(".down.sql")
        })
        .count();
    assert_eq!(
        applied.len(),
        migrations,
        "each migration once: {applied:?}"
    );
    assert!(applied.iter().all(|(_, ok)| *ok), "{applied:?}");

    // One webhook, one event per message; created disabled (no VALIDATE call), then enabled.
    let mut body = webhook_body("multi-instance");
    body["url"] = json!(receiver.url());
    body["event_types"] = json!(["resource.update"]);
    body["batch_size"] = json!(1);
    body["enabled"] = json!(false);
    let created = http
        .post(format!("{}/api/v1/webhooks", addresses[0]))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let id = created["id"].as_str().unwrap();
    let enabled = http
        .post(format!("{}/api/v1/webhooks/{id}/enable", addresses[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(enabled.status(), 200);

    // Events round-robin over the instances, from a few posters at once. A post to instance 2
    // holds a read lock on it, so the kill (which takes the write lock) never cuts a post off
    // (whose events might or might not be stored); once it is dead its turns go to the
    // survivors.
    let posted = Arc::new(AtomicUsize::new(0));
    let next_post = Arc::new(AtomicUsize::new(0));
    let mut posters = tokio::task::JoinSet::new();
    for _ in 0..POSTERS {
        let (http, addresses, victim, posted, next_post) = (
            http.clone(),
            addresses.clone(),
            victim.clone(),
            posted.clone(),
            next_post.clone(),
        );
        posters.spawn(async move {
            let mut posts = [0usize; INSTANCES];
            loop {
                let n = next_post.fetch_add(1, Ordering::SeqCst);
                let first = n * EVENTS_PER_POST;
                if first >= EVENTS {
                    return posts;
                }
                let mut to = n % INSTANCES;
                let _alive = if to == INSTANCES - 1 {
                    let alive = victim.clone().read_owned().await;
                    if alive.is_none() {
                        to = n % (INSTANCES - 1);
                    }
                    Some(alive)
                } else {
                    None
                };
                let events: Vec<Value> = (first..EVENTS.min(first + EVENTS_PER_POST))
                    .map(event)
                    .collect();
                let response = http
                    .post(format!("{}/api/v1/events", addresses[to]))
                    .json(&json!({ "events": events }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 202, "posting to instance {to}");
                let accepted: Value = response.json().await.unwrap();
                assert_eq!(
                    accepted["event_ids"].as_array().unwrap().len(),
                    events.len()
                );
                assert_eq!(accepted["deliveries"], events.len());
                posts[to] += 1;
                posted.fetch_add(events.len(), Ordering::SeqCst);
            }
        });
    }

    // Kill instance 2 while the receiver is busy.
    let deadline = begun + DEADLINE;
    while receiver.count() < KILL_AFTER {
        assert!(
            Instant::now() < deadline,
            "only {} requests arrived",
            receiver.count()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut alive = victim.write().await;
    let mut killed = alive.take().unwrap();
    let victim_ports = ports_of(killed.child.id(), receiver.port);
    let kill_at = Instant::now();
    killed.child.kill().unwrap();
    killed.child.wait().unwrap();
    let killed_after = kill_at - begun;
    drop(alive);
    let posted_at_kill = posted.load(Ordering::SeqCst);
    let at_kill = receiver.requests();
    let distinct_at_kill = receiver.distinct_events();
    let mut posts = [0usize; INSTANCES];
    while let Some(done) = posters.join_next().await {
        for (all, these) in posts.iter_mut().zip(done.unwrap()) {
            *all += these;
        }
    }
    let posting_took = begun.elapsed();

    // Every event arrives, and every delivery is recorded as done (so nothing more will be sent:
    // the killed instance's claims were taken over once their lease lapsed).
    let mut succeeded = 0;
    loop {
        let arrived = receiver.distinct_events();
        if arrived == EVENTS {
            succeeded = sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM deliveries WHERE kind = 'event' AND status = 'succeeded'",
            )
            .fetch_one(&pool)
            .await
            .unwrap();
            if succeeded == EVENTS as i64 {
                break;
            }
        }
        if Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let finished = begun.elapsed();
    let requests = receiver.requests();
    let survivor_ports: Vec<HashSet<u16>> = instances
        .iter()
        .map(|i| ports_of(i.child.id(), receiver.port))
        .collect();
    pool.close().await;

    let mut first_id: BTreeMap<&str, &str> = BTreeMap::new();
    let mut mismatched = Vec::new();
    for r in &requests {
        for e in &r.events {
            let first = *first_id.entry(e).or_insert(&r.webhook_id);
            if first != r.webhook_id {
                mismatched.push(format!("{e}: {first} then {}", r.webhook_id));
            }
        }
    }
    let expected: BTreeSet<String> = (0..EVENTS).map(|i| format!("e-{i}")).collect();
    let arrived: BTreeSet<String> = first_id.keys().map(|e| e.to_string()).collect();
    let missing: Vec<_> = expected.difference(&arrived).take(10).collect();
    let message_ids: HashSet<&str> = requests.iter().map(|r| r.webhook_id.as_str()).collect();
    let overlaps = receiver.overlaps();

    // What instance 2 did before it died: the requests from its connections, and those it had
    // in flight when it was killed (the receiver had not answered them, so it cannot have
    // recorded them: a survivor must send them again, with the same webhook-id).
    let from_victim: Vec<&Request> = at_kill
        .iter()
        .filter(|r| r.arrived < kill_at && victim_ports.contains(&r.peer_port))
        .collect();
    let cut_off: Vec<&Request> = from_victim
        .iter()
        .copied()
        .filter(|r| !r.answered || r.finished.is_none_or(|f| f > kill_at))
        .collect();
    let resent_after_kill: HashSet<&str> = requests
        .iter()
        .filter(|r| r.arrived > kill_at)
        .map(|r| r.webhook_id.as_str())
        .collect();
    let not_resent: Vec<&str> = cut_off
        .iter()
        .map(|r| r.webhook_id.as_str())
        .filter(|id| !resent_after_kill.contains(id))
        .collect();
    let by_survivor: Vec<usize> = survivor_ports
        .iter()
        .map(|ports| {
            requests
                .iter()
                .filter(|r| ports.contains(&r.peer_port))
                .count()
        })
        .collect();
    let last_arrival = requests.iter().map(|r| r.arrived).max().map(|t| t - begun);

    eprintln!(
        "{INSTANCES} instances listening after {started:?}; posts per instance {posts:?}; \
         instance 2 killed after {killed_after:?} with {} requests received ({distinct_at_kill} \
         events), {posted_at_kill} of {EVENTS} events posted; posting done after \
         {posting_took:?}; all delivered after {finished:?} (last arrival {last_arrival:?})",
        at_kill.len()
    );
    eprintln!(
        "requests: {} for {} events, {} duplicates, {} message ids, {} overlaps; instance 2 sent \
         {} before the kill, {} cut off, {} of them sent again; survivors sent {by_survivor:?}",
        requests.len(),
        arrived.len(),
        requests.len().saturating_sub(arrived.len()),
        message_ids.len(),
        overlaps.len(),
        from_victim.len(),
        cut_off.len(),
        cut_off.len() - not_resent.len()
    );
    // The survivors' warnings, counted (a lapsed claim of theirs means a message sent twice).
    for i in &instances {
        let log = i.log();
        let lines: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
        let lapsed = lines.iter().filter(|l| l.contains("claim lapsed")).count();
        if !lines.is_empty() {
            eprintln!(
                "instance {}: {} log lines, {lapsed} lapsed claims; first ones:\n{}",
                i.n,
                lines.len(),
                lines[..lines.len().min(3)].join("\n")
            );
        }
    }

    assert!(missing.is_empty(), "events never delivered: {missing:?}…");
    assert_eq!(arrived, expected, "every posted event arrives");
    assert_eq!(succeeded, EVENTS as i64, "every delivery recorded as done");
    assert!(
        mismatched.is_empty(),
        "repeats with another webhook-id: {mismatched:?}"
    );
    assert_eq!(message_ids.len(), EVENTS, "one message id per delivery");
    assert!(
        overlaps.is_empty(),
        "in flight from two instances at once: {overlaps:?}"
    );
    // Only what the killed instance held is sent twice: its claims (at most its concurrency),
    // never a survivor's, whose sends are recorded well within their lease.
    let duplicates = requests.len() - arrived.len();
    assert!(
        duplicates <= CONCURRENCY,
        "{duplicates} messages sent twice; the killed instance held at most {CONCURRENCY}"
    );
    // The kill interrupted delivery, and the test would notice a lost claim.
    assert!(
        distinct_at_kill < EVENTS,
        "all events had arrived before the kill"
    );
    if cfg!(target_os = "linux") {
        assert!(
            !from_victim.is_empty(),
            "instance 2 delivered nothing before it was killed"
        );
        assert!(
            not_resent.is_empty(),
            "cut off by the kill and never sent again: {not_resent:?}"
        );
        assert!(
            by_survivor.iter().all(|&n| n > 0),
            "each survivor delivers: {by_survivor:?}"
        );
    }
    drop(killed);
}
