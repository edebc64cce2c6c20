//! Inbound webhooks (seeds 000/001): URLs that monitoring systems (Prometheus Alertmanager,
//! Grafana, anything that posts JSON) send their own alert payloads to. A versioned plugin turns
//! each payload into normalised alert events, which then take the routing produced events take.

use crate::validate::webhook;
use crate::{FieldError, FieldErrors, Lang};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Whether an inbound webhook accepts payloads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InboundState {
    #[default]
    Enabled,
    Disabled,
}

impl InboundState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enabled => "ENABLED",
            Self::Disabled => "DISABLED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ENABLED" => Some(Self::Enabled),
            "DISABLED" => Some(Self::Disabled),
            _ => None,
        }
    }
}

/// When the webhook moves to a newer plugin version: `AUTO` at the server's start, `MANUAL` only
/// through update_plugin, `NONE` never (as seed 001).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UpgradeMode {
    None,
    Manual,
    #[default]
    Auto,
}

impl UpgradeMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "NONE",
            Self::Manual => "MANUAL",
            Self::Auto => "AUTO",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "NONE" => Some(Self::None),
            "MANUAL" => Some(Self::Manual),
            "AUTO" => Some(Self::Auto),
            _ => None,
        }
    }
}

/// The plugin an inbound webhook parses with, as stored and returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PluginInfo {
    /// `alertmanager`, `grafana` or `generic` (`GET /inbound-plugins`).
    pub plugin_id: String,
    pub version: String,
    /// The plugin's options, checked against its schema.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub options: Value,
    /// What the plugin's `init` made of the options (e.g. `duplicate_event_time`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub metadata: Value,
    pub upgrade_mode: UpgradeMode,
}

/// Requests received: all that passed the key check, and those that failed (not parsed,
/// disabled, too large).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestCounts {
    pub total: u64,
    pub error: u64,
}

/// An inbound webhook as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboundWebhook {
    pub webhook_id: String,
    pub name: String,
    pub state: InboundState,
    /// In full for admins only; others see it masked (`ab…yz`).
    pub access_key: String,
    /// Where the monitoring system posts: absolute from `--public-url`, with the key in the path.
    /// Masked like the key for everyone but admins.
    pub webhook_url: String,
    /// What the plugin can do (`{"dedup": true, "recovery": true}`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub capability: Value,
    pub plugin_info: PluginInfo,
    pub tags: BTreeMap<String, String>,
    pub project_id: String,
    pub requests: RequestCounts,
    pub last_received_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// Create: `POST /inbound-webhooks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InboundWebhookIn {
    /// 1–128 characters, unique among inbound webhooks (case-insensitive).
    pub name: String,
    pub plugin_id: String,
    /// The plugin's newest version when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default = "empty_object")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub options: Value,
    #[serde(default)]
    pub upgrade_mode: UpgradeMode,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub project_id: String,
}

/// Update: `PUT /inbound-webhooks/{id}`; absent fields stay.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InboundWebhookUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

/// update_plugin: `PUT /inbound-webhooks/{id}/plugin`; absent fields stay.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PluginUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub options: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgrade_mode: Option<UpgradeMode>,
}

fn empty_object() -> Value {
    Value::Object(Default::default())
}

/// The kind of value a plugin option takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum OptionKind {
    String,
    Integer,
}

/// One option of a plugin, enough for the console to draw its form field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PluginOption {
    pub key: String,
    pub kind: OptionKind,
    pub label: String,
    pub help: String,
    pub required: bool,
    /// Shown as the placeholder; used when the option is absent.
    #[cfg_attr(feature = "openapi", schema(value_type = Value))]
    pub default: Option<Value>,
    /// Integers: the smallest and largest allowed.
    pub min: Option<i64>,
    pub max: Option<i64>,
}

/// A plugin as `GET /inbound-plugins` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PluginDescriptor {
    pub plugin_id: String,
    pub name: String,
    pub description: String,
    /// Oldest first; the last is the newest.
    pub versions: Vec<String>,
    pub options: Vec<PluginOption>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub capability: Value,
    /// A payload as the monitoring system sends it, for Send sample and the docs.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub sample: Value,
}

/// Alert or its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AlertEventType {
    Alert,
    Recovery,
}

/// The severities of the plugin contract (SpaceONE's), before mapping onto the event catalog's
/// info / warning / critical.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AlertSeverity {
    Critical,
    Error,
    Warning,
    Info,
    #[default]
    None,
}

impl AlertSeverity {
    /// The catalog severity the routed event carries.
    pub fn to_event_severity(self) -> crate::Severity {
        match self {
            Self::Critical | Self::Error => crate::Severity::Critical,
            Self::Warning => crate::Severity::Warning,
            Self::Info | Self::None => crate::Severity::Info,
        }
    }
}

/// What an alert is about.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertResource {
    pub resource_id: String,
    pub name: String,
    /// The label the resource was found under (`instance`, `pod`, …).
    pub resource_type: String,
}

/// One normalised event a plugin made of a payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertEvent {
    /// Identifies the alert across its repeats and its recovery (Alertmanager's fingerprint).
    pub event_key: String,
    pub event_type: AlertEventType,
    pub title: String,
    pub description: String,
    pub severity: AlertSeverity,
    pub resource: AlertResource,
    pub rule: String,
    /// RFC 3339.
    pub occurred_at: String,
    /// Labels and the sender's links (runbook, generator, dashboard).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub additional_info: Value,
    pub image_url: String,
}

/// What became of one normalised event of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AlertOutcome {
    /// Stored as an event and routed.
    Routed,
    /// A repeat of an alert routed within the dedup window: recorded here, not routed.
    Duplicate,
}

/// One normalised event of a request and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceivedAlert {
    pub alert: AlertEvent,
    pub outcome: AlertOutcome,
    /// The event it became (routed), or the earlier event it repeats (duplicate).
    pub event_id: String,
}

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestOutcome {
    /// 202: parsed; its events are stored.
    Accepted,
    /// 422: the plugin could not parse it; a `monitoring.parse_error` event was raised.
    ParseError,
    /// 403: the webhook is disabled.
    Disabled,
    /// 413: over 1 MiB.
    TooLarge,
}

impl RequestOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::ParseError => "parse_error",
            Self::Disabled => "disabled",
            Self::TooLarge => "too_large",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "accepted" => Some(Self::Accepted),
            "parse_error" => Some(Self::ParseError),
            "disabled" => Some(Self::Disabled),
            "too_large" => Some(Self::TooLarge),
            _ => None,
        }
    }
}

/// One request an inbound webhook received (`GET /inbound-webhooks/{id}/requests`, the last 100).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboundRequest {
    pub id: String,
    pub received_at: String,
    pub client_addr: String,
    /// Headers as received, without credentials (`authorization`, `cookie`).
    pub headers: BTreeMap<String, String>,
    /// The body as received, cut at 64 KiB.
    pub body: String,
    pub body_size: u64,
    pub body_truncated: bool,
    /// The status the sender got.
    pub status: u16,
    pub outcome: RequestOutcome,
    /// The parse error, or why it was refused.
    pub error: Option<String>,
    pub alerts: Vec<ReceivedAlert>,
    /// Events raised by the request itself: the `monitoring.parse_error` event of a failed parse.
    pub event_ids: Vec<String>,
    /// Sent from the console's Send sample, not by the monitoring system.
    pub sample: bool,
}

/// The answer to a monitoring system's post (202).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboundAccepted {
    pub request_id: String,
    /// Alerts parsed from the payload.
    pub alerts: u64,
    /// Of those, stored and routed as events.
    pub routed: u64,
    /// Of those, repeats within the dedup window.
    pub duplicates: u64,
    /// The ids of the routed events.
    pub event_ids: Vec<String>,
    /// Deliveries queued for them.
    pub deliveries: u64,
}

/// verify_plugin: the options are good (otherwise a 422 with field errors).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PluginVerified {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub metadata: Value,
}

/// The field errors of an inbound webhook's create body that need no server state, in the
/// console's language (the API reports English).
pub fn validate_inbound(w: &InboundWebhookIn) -> BTreeMap<&'static str, FieldError> {
    let mut errors = BTreeMap::new();
    let mut check = |key, r: Result<(), FieldError>| {
        if let Err(e) = r {
            errors.insert(key, e);
        }
    };
    check("name", webhook::name(&w.name));
    check("plugin_id", crate::validate::required(&w.plugin_id));
    check("project_id", project_id(&w.project_id));
    check("tags", webhook::tags(&w.tags));
    errors
}

/// [`validate_inbound`] with English messages.
pub fn validate_inbound_en(w: &InboundWebhookIn) -> FieldErrors {
    validate_inbound(w)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.message(Lang::En)))
        .collect()
}

/// Empty, or up to 64 of `a-z`, `0-9`, `_`, `-`, `.` (`project-web`).
pub fn project_id(s: &str) -> Result<(), FieldError> {
    if s.is_empty() {
        return Ok(());
    }
    if s.chars().count() > 64 {
        return Err(FieldError::TooLong(64));
    }
    crate::validate::event::word(s)
}
