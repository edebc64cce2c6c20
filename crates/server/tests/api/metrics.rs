//! `/metrics`: the Prometheus text format, read by Prometheus' own parser (`prometheus_client`
//! from PyPI, installed by `make test`), with counts that follow real deliveries.

use crate::helpers::{client, spawn_app};
use crate::receiver::Receiver;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

/// The families of a scrape, as the reference parser reads them.
fn parse(text: &str) -> Value {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/support/parse_metrics.py"
    );
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The value of the sample `name` whose labels include `labels`.
fn sample(families: &Value, family: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    families[family]["samples"]
        .as_array()
        .unwrap_or_else(|| panic!("no family {family}"))
        .iter()
        .find(|s| {
            s[0] == name
                && labels
                    .iter()
                    .all(|(k, v)| s[1].get(*k).and_then(Value::as_str) == Some(*v))
        })
        .unwrap_or_else(|| panic!("no sample {name} {labels:?}"))[2]
        .as_f64()
        .unwrap()
}

#[tokio::test]
async fn metrics_follow_deliveries_in_the_prometheus_text_format() {
    let app = spawn_app().await;
    let ok = Receiver::start().await;
    app.create_receiving("metrics ok", &ok.url("/ok")).await;
    app.create_receiving("metrics failing", &ok.url("/status/500"))
        .await;
    let events: Vec<_> = (0..3)
        .map(|i| json!({"type": "resource.update", "action": "update", "resource_type": "host", "resource_id": format!("m-{i}")}))
        .collect();
    let posted = app
        .post_json("/api/v1/events", &json!({ "events": events }))
        .await;
    assert_eq!(posted.status(), StatusCode::ACCEPTED);

    // Three to each webhook; the failing one's first attempts end in a retry.
    let mut families = Value::Null;
    for _ in 0..100 {
        let response = app.get("/metrics").await;
        assert_eq!(response.status(), StatusCode::OK);
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            content_type.starts_with("text/plain; version=0.0.4"),
            "{content_type}"
        );
        families = parse(&response.text().await.unwrap());
        let attempts = "webhook_delivery_attempts";
        let done = sample(
            &families,
            attempts,
            &format!("{attempts}_total"),
            &[("outcome", "succeeded"), ("status_class", "2xx")],
        );
        let retried = sample(
            &families,
            attempts,
            &format!("{attempts}_total"),
            &[("outcome", "retrying"), ("status_class", "5xx")],
        );
        if done == 3.0 && retried >= 3.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let attempts = "webhook_delivery_attempts";
    assert_eq!(families[attempts]["type"], "counter");
    assert_eq!(
        sample(
            &families,
            attempts,
            &format!("{attempts}_total"),
            &[("outcome", "succeeded"), ("status_class", "2xx")]
        ),
        3.0,
        "{families}"
    );
    assert!(
        sample(
            &families,
            attempts,
            &format!("{attempts}_total"),
            &[("outcome", "retrying"), ("status_class", "5xx")]
        ) >= 3.0
    );
    let hist = "webhook_delivery_attempt_duration_seconds";
    assert_eq!(families[hist]["type"], "histogram");
    let count = sample(&families, hist, &format!("{hist}_count"), &[]);
    assert!(count >= 6.0, "{count}");
    assert_eq!(
        sample(
            &families,
            hist,
            &format!("{hist}_bucket"),
            &[("le", "+Inf")]
        ),
        count
    );
    let events = "webhook_events_accepted";
    assert_eq!(
        sample(&families, events, &format!("{events}_total"), &[]),
        3.0
    );
    // One request, one transaction.
    let commits = "webhook_event_commits";
    assert_eq!(families[commits]["type"], "counter");
    assert_eq!(
        sample(&families, commits, &format!("{commits}_total"), &[]),
        1.0
    );
    assert_eq!(families["webhook_delivery_queue_depth"]["type"], "gauge");
    assert!(
        sample(
            &families,
            "webhook_delivery_queue_depth",
            "webhook_delivery_queue_depth",
            &[]
        ) >= 0.0
    );

    // A failed sign-in counts; /metrics needs credentials like the API.
    let failed = client()
        .post(app.url("/api/v1/session"))
        .json(&json!({"username": "admin", "password": "not the password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), StatusCode::UNAUTHORIZED);
    let families = parse(&app.get("/metrics").await.text().await.unwrap());
    let failures = "webhook_sign_in_failures";
    assert_eq!(
        sample(&families, failures, &format!("{failures}_total"), &[]),
        1.0
    );
    let anonymous = client().get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}
