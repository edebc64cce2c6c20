//! `/metrics` in the Prometheus text format (version 0.0.4). Counters are this instance's since it
//! started (Prometheus adds up the instances); the queue gauges are read from the database, so
//! every instance reports the shared queue.

use crate::AppState;
use crate::db;
use crate::error::ApiError;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use webhook_api::{DeliveryStatus, RequestOutcome};

/// Upper bounds of the attempt-latency histogram, in seconds.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Status classes of an attempt's answer: none (no answer), then 1xx to 5xx.
const CLASSES: [&str; 6] = ["none", "1xx", "2xx", "3xx", "4xx", "5xx"];
/// What an attempt did to its delivery.
const OUTCOMES: [DeliveryStatus; 3] = [
    DeliveryStatus::Succeeded,
    DeliveryStatus::Retrying,
    DeliveryStatus::Failed,
];

/// How inbound requests past the key check ended.
const INBOUND: [RequestOutcome; 4] = [
    RequestOutcome::Accepted,
    RequestOutcome::ParseError,
    RequestOutcome::Disabled,
    RequestOutcome::TooLarge,
];

/// This instance's counters. Cheap to update from any task.
#[derive(Debug, Default)]
pub struct Metrics {
    attempts: [[AtomicU64; CLASSES.len()]; OUTCOMES.len()],
    latency: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_ms: AtomicU64,
    events_accepted: AtomicU64,
    sign_in_failures: AtomicU64,
    inbound: [AtomicU64; INBOUND.len()],
    inbound_limited: AtomicU64,
}

impl Metrics {
    /// An attempt recorded: how it left its delivery, the receiver's status, how long it took.
    pub fn attempt(&self, outcome: DeliveryStatus, status: Option<u16>, duration_ms: u64) {
        let o = OUTCOMES.iter().position(|x| *x == outcome).unwrap_or(2);
        let c = status.map_or(0, |s| usize::from((s / 100).clamp(1, 5)));
        self.attempts[o][c].fetch_add(1, Relaxed);
        let seconds = duration_ms as f64 / 1000.0;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                self.latency[i].fetch_add(1, Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Relaxed);
        self.latency_sum_ms.fetch_add(duration_ms, Relaxed);
    }

    pub fn events_accepted(&self, n: u64) {
        self.events_accepted.fetch_add(n, Relaxed);
    }

    /// An inbound request recorded with `outcome`.
    pub fn inbound(&self, outcome: RequestOutcome) {
        let i = INBOUND.iter().position(|x| *x == outcome).unwrap_or(0);
        self.inbound[i].fetch_add(1, Relaxed);
    }

    /// An inbound request answered 429.
    pub fn inbound_limited(&self) {
        self.inbound_limited.fetch_add(1, Relaxed);
    }

    pub fn sign_in_failed(&self) {
        self.sign_in_failures.fetch_add(1, Relaxed);
    }

    /// The counters in the text format, with the database's count of accepting commits, then the
    /// queue gauges given.
    fn render(&self, accept_commits: u64, queue: &db::claims::QueueDepth) -> String {
        let mut out = String::new();
        let mut family = |name: &str, kind: &str, help: &str| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        };
        family(
            "webhook_delivery_attempts_total",
            "counter",
            "Delivery attempts recorded by this instance, by what they did to the delivery and the receiver's status class.",
        );
        for (o, outcome) in OUTCOMES.iter().enumerate() {
            for (c, class) in CLASSES.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "webhook_delivery_attempts_total{{outcome=\"{}\",status_class=\"{class}\"}} {}",
                    outcome.as_str(),
                    self.attempts[o][c].load(Relaxed)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP webhook_delivery_attempt_duration_seconds From the start of an attempt's request to the end of the answer.\n\
             # TYPE webhook_delivery_attempt_duration_seconds histogram"
        );
        for (i, bound) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "webhook_delivery_attempt_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                self.latency[i].load(Relaxed)
            );
        }
        let count = self.latency_count.load(Relaxed);
        let _ = writeln!(
            out,
            "webhook_delivery_attempt_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n\
             webhook_delivery_attempt_duration_seconds_sum {}\n\
             webhook_delivery_attempt_duration_seconds_count {count}",
            self.latency_sum_ms.load(Relaxed) as f64 / 1000.0
        );
        let _ = writeln!(
            out,
            "# HELP webhook_inbound_requests_total Requests to inbound webhooks past the key check, by outcome (rate_limited: answered 429, not recorded).\n\
             # TYPE webhook_inbound_requests_total counter"
        );
        for (i, outcome) in INBOUND.iter().enumerate() {
            let _ = writeln!(
                out,
                "webhook_inbound_requests_total{{outcome=\"{}\"}} {}",
                outcome.as_str(),
                self.inbound[i].load(Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "webhook_inbound_requests_total{{outcome=\"rate_limited\"}} {}",
            self.inbound_limited.load(Relaxed)
        );
        let mut scalar = |name: &str, kind: &str, help: &str, value: String| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        };
        scalar(
            "webhook_events_accepted_total",
            "counter",
            "Events accepted by this instance (POST /events and topic tests).",
            self.events_accepted.load(Relaxed).to_string(),
        );
        scalar(
            "webhook_event_commits_total",
            "counter",
            "Transactions that stored accepted events at this instance; concurrent requests share one (group commit).",
            accept_commits.to_string(),
        );
        scalar(
            "webhook_sign_in_failures_total",
            "counter",
            "Failed sign-ins at this instance (wrong credentials or throttled).",
            self.sign_in_failures.load(Relaxed).to_string(),
        );
        scalar(
            "webhook_delivery_queue_depth",
            "gauge",
            "Deliveries waiting to be sent (pending or retrying), across all instances.",
            queue.waiting.to_string(),
        );
        scalar(
            "webhook_delivery_queue_due",
            "gauge",
            "Waiting deliveries that are due now.",
            queue.due.to_string(),
        );
        scalar(
            "webhook_delivery_queue_oldest_due_seconds",
            "gauge",
            "How long the longest-due waiting delivery has been due (0 when none is).",
            format!("{:.3}", queue.oldest_due_seconds),
        );
        out
    }
}

/// The metrics of this instance and the shared queue.
pub async fn get_metrics(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let queue = db::claims::queue_depth(&state.db, time::OffsetDateTime::now_utc()).await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state
            .deliverer
            .metrics
            .render(state.db.accept_commits(), &queue),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_land_in_their_series_and_buckets() {
        let m = Metrics::default();
        m.attempt(DeliveryStatus::Succeeded, Some(204), 30);
        m.attempt(DeliveryStatus::Retrying, None, 5000);
        let text = m.render(0, &db::claims::QueueDepth::default());
        assert!(text.contains(
            "webhook_delivery_attempts_total{outcome=\"succeeded\",status_class=\"2xx\"} 1"
        ));
        assert!(text.contains(
            "webhook_delivery_attempts_total{outcome=\"retrying\",status_class=\"none\"} 1"
        ));
        assert!(text.contains("webhook_delivery_attempt_duration_seconds_bucket{le=\"0.05\"} 1"));
        assert!(text.contains("webhook_delivery_attempt_duration_seconds_bucket{le=\"5\"} 2"));
        assert!(text.contains("webhook_delivery_attempt_duration_seconds_sum 5.03"));
    }
}
