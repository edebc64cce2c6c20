//! The real sender: Debian's `prometheus-alertmanager` (installed by `make test`), started on a
//! free loopback port without clustering, its `webhook_configs` pointing at two inbound webhooks
//! (the key in the URL; the key as `http_config.authorization`). Alerts posted to its v2 API
//! reach a real receiver through the `alarm.monitoring` topic, firing and then resolved, once
//! each.

use crate::helpers::{client, spawn_app};
use crate::inbound::create_inbound;
use crate::receiver::{Received, Receiver};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ALERTMANAGER: &str = "/usr/bin/prometheus-alertmanager";

/// A running Alertmanager, killed when dropped (also when the test fails).
struct Alertmanager {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Alertmanager {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Alertmanager {
    async fn start(config: &str) -> Self {
        assert!(
            std::path::Path::new(ALERTMANAGER).exists(),
            "{ALERTMANAGER} is missing: `scripts/tools.sh test` installs Debian's prometheus-alertmanager"
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("alertmanager.yml");
        std::fs::write(&file, config).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(ALERTMANAGER)
            .arg(format!("--config.file={}", file.display()))
            .arg(format!(
                "--storage.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            // Empty: no cluster (gossip) listener.
            .arg("--cluster.listen-address=")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start alertmanager");
        let am = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = client().get(format!("{}/-/ready", am.url)).send().await;
            if ready.is_ok_and(|r| r.status() == StatusCode::OK) {
                return am;
            }
            assert!(Instant::now() < deadline, "alertmanager did not get ready");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn post_alerts(&self, alerts: &Value) {
        let r = client()
            .post(format!("{}/api/v2/alerts", self.url))
            .json(alerts)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "{}",
            r.text().await.unwrap_or_default()
        );
    }
}

fn alert(name: &str, labels: Value, summary: &str, ends_at: Option<String>) -> Value {
    let mut labels = labels;
    labels["alertname"] = json!(name);
    let mut a = json!({
        "labels": labels,
        "annotations": {"summary": summary},
        "generatorURL": "http://prom.local/graph?g0.expr=up",
    });
    if let Some(t) = ends_at {
        a["endsAt"] = json!(t);
    }
    a
}

fn past() -> String {
    let t = time::OffsetDateTime::now_utc() - time::Duration::seconds(5);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

fn kinds(got: &[Received]) -> Vec<(String, String)> {
    let mut k: Vec<(String, String)> = got
        .iter()
        .map(|r| {
            let b = r.json();
            (
                b["event_type"].as_str().unwrap_or("").to_string(),
                b["resource_details"]["title"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect();
    k.sort();
    k
}

#[tokio::test]
async fn alertmanager_alerts_reach_a_receiver_firing_then_resolved_once_each() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    app.topic_receiver("alarm.monitoring", "pager", &receiver.url("/pager"))
        .await;
    let by_path = create_inbound(
        &app,
        json!({"name": "am path", "plugin_id": "alertmanager"}),
    )
    .await;
    let by_bearer = create_inbound(
        &app,
        json!({"name": "am bearer", "plugin_id": "alertmanager"}),
    )
    .await;
    let config = format!(
        r#"
route:
  receiver: path
  group_by: ['alertname']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - receiver: bearer
      matchers: ['via="bearer"']
receivers:
  - name: path
    webhook_configs:
      - url: '{path_url}'
        send_resolved: true
  - name: bearer
    webhook_configs:
      - url: '{base}/api/v1/inbound/{id}/events'
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: '{key}'
"#,
        path_url = by_path.webhook_url,
        base = app.address,
        id = by_bearer.webhook_id,
        key = by_bearer.access_key,
    );
    let am = Alertmanager::start(&config).await;
    let cpu = |ends| {
        alert(
            "HighCPU",
            json!({"instance": "web-1", "severity": "critical"}),
            "CPU high on web-1",
            ends,
        )
    };
    let disk = |ends| {
        alert(
            "DiskFull",
            json!({"instance": "db-1", "severity": "warning", "via": "bearer"}),
            "Disk full on db-1",
            ends,
        )
    };

    am.post_alerts(&json!([cpu(None), disk(None)])).await;
    let got = receiver.wait_for(2, Duration::from_secs(20)).await;
    assert_eq!(
        kinds(&got),
        [
            ("monitoring.alert".into(), "CPU high on web-1".into()),
            ("monitoring.alert".into(), "Disk full on db-1".into()),
        ]
    );
    let text = got
        .iter()
        .map(|r| r.json()["Msg"].as_str().unwrap_or("").to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        text.contains("[CRITICAL] Monitoring alert firing: CPU high on web-1"),
        "{text}"
    );
    assert!(text.contains("Resource: instance web-1"), "{text}");

    am.post_alerts(&json!([cpu(Some(past())), disk(Some(past()))]))
        .await;
    let got = receiver.wait_for(4, Duration::from_secs(20)).await;
    assert_eq!(
        kinds(&got[2..]),
        [
            ("monitoring.recovery".into(), "CPU high on web-1".into()),
            ("monitoring.recovery".into(), "Disk full on db-1".into()),
        ]
    );
    // Alertmanager ticks every second: nothing more comes.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(receiver.received().len(), 4, "once each");

    for w in [&by_path, &by_bearer] {
        let requests: Vec<webhook_api::InboundRequest> = app
            .get(&format!(
                "/api/v1/inbound-webhooks/{}/requests",
                w.webhook_id
            ))
            .await
            .json()
            .await
            .unwrap();
        assert!(requests.len() >= 2, "{requests:?}");
        assert!(requests[0].headers["user-agent"].starts_with("Alertmanager/"));
        assert!(requests.iter().all(|r| r.status == 202));
    }
}
