//! The outbox survives `kill -9`: events accepted by the real binary are all delivered after a
//! restart on the same database, and a message sent twice carries the same `webhook-id`.

use crate::receiver::Receiver;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Kills the child on drop, so a failing assertion leaves no server behind.
struct Server(std::process::Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary on `db`, allowed to deliver to loopback, and returns it with its address.
fn start(db: &Path) -> Server {
    start_on(
        &format!("sqlite://{}", db.display()),
        &db.with_file_name("dist"),
    )
}

/// Starts the binary on the database at `url`.
fn start_on(url: &str, dist: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_webhook-server"))
        .env("WEBHOOK_LISTEN", "127.0.0.1:0")
        .env("WEBHOOK_ADMIN_PASSWORD", crate::helpers::ADMIN_PASSWORD)
        .env("WEBHOOK_SECRET_KEY", crate::helpers::TEST_SECRET_KEY)
        .env("WEBHOOK_DATABASE_URL", url)
        .env("WEBHOOK_DIST", dist)
        .env("WEBHOOK_ALLOW_TARGETS", "127.0.0.0/8")
        .env("WEBHOOK_ONLY_ALLOWED_TARGETS", "true")
        .env("WEBHOOK_RETRY_SCHEDULE", "100ms,100ms,100ms")
        .env("WEBHOOK_DELIVERY_CONCURRENCY", "16")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let address = line
        .trim()
        .strip_prefix("webhook-server listening on ")
        .expect(&line)
        .to_string();
    Server(child, address)
}

/// Creates, through the binary's API at `address`, a webhook that receives each
/// `resource.update` event on its own at `url`; created disabled (no VALIDATE call), then
/// enabled. Returns its id.
async fn receiving_webhook(address: &str, name: &str, url: &str) -> String {
    let http = crate::helpers::admin_client(address).await;
    let mut body = crate::helpers::webhook_body(name);
    body["url"] = json!(url);
    body["event_types"] = json!(["resource.update"]);
    body["batch_size"] = json!(1);
    body["enabled"] = json!(false);
    let created: serde_json::Value = http
        .post(format!("{address}/api/v1/webhooks"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    let enabled = http
        .post(format!("{address}/api/v1/webhooks/{id}/enable"))
        .send()
        .await
        .unwrap();
    assert_eq!(enabled.status(), 200);
    id
}

#[tokio::test]
async fn kill_9_while_delivering_loses_nothing() {
    const EVENTS: usize = 120;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("console.db");
    let receiver = Receiver::start().await;
    let mut server = start(&db);
    let http = crate::helpers::admin_client(&server.1).await;
    receiving_webhook(&server.1, "crash", &receiver.url("/slow")).await;
    for chunk in (0..EVENTS).collect::<Vec<_>>().chunks(40) {
        let events: Vec<_> = chunk
            .iter()
            .map(|i| json!({"type": "resource.update", "action": "update", "resource_type": "host", "resource_id": format!("e-{i}")}))
            .collect();
        let response = http
            .post(format!("{}/api/v1/events", server.1))
            .json(&json!({"events": events}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202);
    }

    // Kill it mid-flight: some delivered, some being sent, most still queued.
    receiver.wait_for(20, Duration::from_secs(20)).await;
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    let before_restart = receiver.received().len();
    assert!(
        before_restart < EVENTS,
        "all {before_restart} were delivered before the kill"
    );
    let _server = start(&db);

    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let ids_by_event = loop {
        let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for r in receiver.received() {
            let event = r.json()["resource_id"].as_str().unwrap().to_string();
            ids.entry(event)
                .or_default()
                .insert(r.headers["webhook-id"].clone());
        }
        if ids.len() == EVENTS || std::time::Instant::now() > deadline {
            break ids;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(ids_by_event.len(), EVENTS, "every accepted event arrives");
    for (event, ids) in &ids_by_event {
        assert_eq!(
            ids.len(),
            1,
            "{event} came with several message ids: {ids:?}"
        );
    }
    eprintln!(
        "delivered before the kill: {before_restart}, requests in all: {}",
        receiver.received().len()
    );
    let distinct: BTreeSet<_> = ids_by_event.values().flatten().collect();
    assert_eq!(distinct.len(), EVENTS, "one message id per delivery");
}

/// A stop (SIGTERM, as from an orchestrator during a deploy) stops claiming and lets the
/// deliveries in flight finish and be recorded before the process exits: none is left claimed,
/// to be sent a second time later (on PostgreSQL, only after its lease).
#[tokio::test]
async fn sigterm_lets_the_deliveries_in_flight_finish_and_be_recorded() {
    const EVENTS: usize = 200;
    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::database_url(&dir);
    crate::helpers::create_database(&url).await;
    let receiver = Receiver::start().await;
    let mut server = start_on(&url, &dir.path().join("dist"));
    let http = crate::helpers::admin_client(&server.1).await;
    let id = receiving_webhook(&server.1, "draining", &receiver.url("/slow")).await;
    let events: Vec<_> = (0..EVENTS)
        .map(|i| json!({"type": "resource.update", "action": "update", "resource_type": "host", "resource_id": format!("e-{i}")}))
        .collect();
    let response = http
        .post(format!("{}/api/v1/events", server.1))
        .json(&json!({ "events": events }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);

    receiver.wait_for(20, Duration::from_secs(20)).await;
    let term = Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    // Waited for without blocking this test's runtime: the receiver runs on it and must answer
    // the deliveries that finish during the stop.
    let status = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success(), "{status:?}");

    let arrived: BTreeSet<String> = receiver
        .received()
        .iter()
        .map(|r| r.headers["webhook-id"].clone())
        .collect();
    assert!(
        arrived.len() < EVENTS,
        "all were sent before the stop took effect"
    );
    let db = crate::helpers::open_db(&url).await;
    let mut succeeded = BTreeSet::new();
    let mut page = 1;
    loop {
        let query = webhook_api::DeliveryQuery {
            status: Some(webhook_api::DeliveryStatus::Succeeded),
            page,
            page_size: 100,
        };
        let found = webhook_server::db::delivery_log::list(&db, &id, &query)
            .await
            .unwrap();
        succeeded.extend(found.results.iter().map(|d| d.message_id.clone()));
        if found.results.len() < 100 {
            break;
        }
        page += 1;
    }
    db.close().await;
    // Every message the receiver got (and answered 200) is recorded as delivered.
    assert_eq!(succeeded, arrived);
}
