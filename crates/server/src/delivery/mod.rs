//! Delivery: turning events into signed HTTP requests to receivers. One module per concern —
//! target policy, signatures, payload formats and their texts, the exchange itself, retries — and
//! the worker that sends what the outbox (the `deliveries` table) holds.

pub mod format;
pub mod policy;
pub mod retry;
pub mod send;
pub mod sign;
pub mod template;
pub mod worker;

use format::Message;
use policy::{PolicyResolver, TargetPolicy};
use retry::RetrySchedule;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;
use tokio::sync::Notify;
use webhook_api::{EventIn, SendReport, WebhookIn, catalog};

/// Installs rustls' crypto provider (ring) for the process; later calls do nothing. Every HTTP
/// client of this build (the server's, and tests') needs it before it is built.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// How deliveries behave; from the configuration.
#[derive(Debug, Clone)]
pub struct DeliverySettings {
    pub policy: TargetPolicy,
    pub retry_schedule: RetrySchedule,
    /// How long a rotated-out signing secret keeps signing.
    pub secret_overlap: Duration,
    /// At most this many sends at once.
    pub concurrency: usize,
    /// At most this many finished attempts recorded per transaction; 1 is a commit per attempt.
    pub commit_batch: usize,
    /// How long a claim on a delivery holds. It must outlast the longest send (webhook timeouts
    /// go up to 60 s) and its recording: until it lapses no other instance sends the delivery;
    /// after an instance died, its claims are taken over this long after they were made.
    pub lease: Duration,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            policy: TargetPolicy::default(),
            retry_schedule: RetrySchedule::default(),
            secret_overlap: Duration::from_secs(24 * 3600),
            concurrency: 32,
            commit_batch: 256,
            lease: Duration::from_secs(120),
        }
    }
}

/// What sending needs, shared by the routes (Send, Send Test, VALIDATE) and the worker.
#[derive(Clone)]
pub struct Deliverer {
    pub client: reqwest::Client,
    pub settings: Arc<DeliverySettings>,
    /// Wakes the worker when deliveries become due (events accepted, a redelivery).
    pub wake: Arc<Notify>,
    /// True while the worker runs (for `/readyz`).
    pub worker_running: Arc<AtomicBool>,
    /// This instance's counters, for `/metrics`.
    pub metrics: Arc<crate::metrics::Metrics>,
}

impl Deliverer {
    pub fn new(settings: DeliverySettings) -> Result<Self, reqwest::Error> {
        install_crypto_provider();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would connect on our behalf to addresses the policy never saw.
            .no_proxy()
            .dns_resolver(Arc::new(PolicyResolver {
                policy: Arc::new(settings.policy.clone()),
            }))
            .user_agent(concat!("webhook-console/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            client,
            settings: Arc::new(settings),
            wake: Arc::new(Notify::new()),
            worker_running: Arc::new(AtomicBool::new(false)),
            metrics: Arc::default(),
        })
    }

    /// Sends `message` to `w` now, through the same path as queued deliveries.
    pub async fn send_now(
        &self,
        w: &WebhookIn,
        previous_secret: Option<&str>,
        message: Message<'_>,
        message_id: &str,
    ) -> SendReport {
        let outgoing = send::prepare(
            w,
            previous_secret,
            message,
            message_id,
            time::OffsetDateTime::now_utc(),
        );
        send::send(&self.client, &self.settings.policy, &outgoing).await
    }
}

/// A made-up event of a webhook's first event type, for Send and previews.
pub fn sample_event(w: &WebhookIn) -> EventIn {
    let key = w
        .event_types
        .first()
        .map(String::as_str)
        .unwrap_or("resource.update");
    sample_event_of(key)
}

/// A made-up event of the event type `key` (a catalog key).
pub fn sample_event_of(key: &str) -> EventIn {
    let (prefix, rest) = key.split_once('.').unwrap_or(("resource", key));
    let resource_type = if prefix == "host" { "host" } else { "server" };
    let action = if prefix == "host" || prefix == "metric" {
        rest
    } else {
        rest.trim_end_matches(".change")
    };
    let alarm = catalog::find(key).is_some_and(|e| e.1 == webhook_api::EventCategory::Alarms);
    let failed = key == "operation.failed" || key == "host.lost_connection";
    EventIn {
        event_type: key.to_string(),
        action: if prefix == "config" || prefix == "attribute" || prefix == "password" {
            "update"
        } else {
            action
        }
        .to_string(),
        resource_type: resource_type.to_string(),
        resource_id: "sample-0001".into(),
        resource_details: serde_json::json!({
            "id": "sample-0001",
            "name": "sample-server",
            "status": "running",
            "note": "This is a test message from Webhook Console.",
        }),
        result: if failed {
            webhook_api::EventResult::Failed
        } else {
            webhook_api::EventResult::Succeed
        },
        severity: if alarm {
            webhook_api::Severity::Warning
        } else {
            webhook_api::Severity::Info
        },
        occurred_at: Some(crate::clock::now()),
        source: Some("webhook-console".into()),
    }
}
