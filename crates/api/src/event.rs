//! Events: what a producer reports to `POST /events` (one event, or `{"events": [...]}`), and what
//! the server answers once they are stored.

use serde::{Deserialize, Serialize};

/// Whether the operation an event reports worked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum EventResult {
    #[default]
    Succeed,
    Failed,
}

impl EventResult {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeed => "succeed",
            Self::Failed => "failed",
        }
    }
}

/// How much attention an event needs: `info` for changes that went as planned, `warning` for
/// failures and conditions worth a look, `critical` for outages (a host lost, a disk full).
/// Defaults to `info`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Critical => "critical",
        }
    }
}

fn default_details() -> serde_json::Value {
    serde_json::Value::Object(Default::default())
}

/// One event as a producer reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EventIn {
    /// A catalog key (`GET /event-types`), e.g. `resource.update`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// What happened to the resource: `create`, `update`, `delete`, `sync_update`, … (1–64 of
    /// `a-z`, `0-9`, `_`, `.`, `-`).
    pub action: String,
    /// What kind of resource: `host`, `server`, `disk`, … (same characters as `action`).
    pub resource_type: String,
    #[serde(default)]
    pub resource_id: String,
    /// The resource as the producer's API shows it; a JSON object, `{}` by default.
    #[serde(default = "default_details")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub resource_details: serde_json::Value,
    #[serde(default)]
    pub result: EventResult,
    #[serde(default)]
    pub severity: Severity,
    /// RFC 3339; the time the event is accepted when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<String>,
    /// Who reports it (a service name), for people reading the log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// `202 Accepted` of `POST /events`: the events are stored and their deliveries queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventsAccepted {
    /// The ids given to the events, in the order they were posted.
    pub event_ids: Vec<String>,
    /// How many deliveries were queued (one per matching webhook and batch).
    pub deliveries: u64,
}

/// The most events one `POST /events` may carry.
pub const EVENTS_PER_REQUEST_MAX: usize = 1000;
