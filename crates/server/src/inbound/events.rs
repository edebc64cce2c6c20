//! What a normalised alert becomes: the event that takes the routing every event takes.

use serde_json::{Value, json};
use webhook_api::{AlertEvent, AlertEventType, EventIn, EventResult};

/// What an inbound webhook's routed event is named after.
pub struct Origin<'a> {
    pub webhook_id: &'a str,
    pub webhook_name: &'a str,
    pub plugin_id: &'a str,
    pub request_id: &'a str,
}

/// A normalised alert as the event that takes the routing: `monitoring.alert` or
/// `monitoring.recovery`, the resource as the plugin found it, everything else in
/// `resource_details`.
pub fn to_event(a: &AlertEvent, origin: &Origin) -> EventIn {
    let (event_type, action, result) = match a.event_type {
        AlertEventType::Alert => ("monitoring.alert", "firing", EventResult::Failed),
        AlertEventType::Recovery => ("monitoring.recovery", "resolved", EventResult::Succeed),
    };
    let mut details = json!({
        "title": a.title,
        "description": a.description,
        "event_key": a.event_key,
        "severity": a.severity,
        "rule": a.rule,
        "image_url": a.image_url,
        "additional_info": a.additional_info,
        "inbound": inbound_details(origin),
    });
    if !a.resource.name.is_empty() {
        details["name"] = json!(a.resource.name);
    }
    EventIn {
        event_type: event_type.into(),
        action: action.into(),
        resource_type: word_of(&a.resource.resource_type, "alert"),
        resource_id: a.resource.resource_id.chars().take(256).collect(),
        resource_details: details,
        result,
        severity: a.severity.to_event_severity(),
        occurred_at: Some(a.occurred_at.clone()),
        source: Some(source_of(origin)),
    }
}

/// The `monitoring.parse_error` event of a payload the plugin could not parse.
pub fn parse_error_event(reason: &str, origin: &Origin, now: &str) -> EventIn {
    EventIn {
        event_type: "monitoring.parse_error".into(),
        action: "parse_error".into(),
        resource_type: "inbound_webhook".into(),
        resource_id: origin.webhook_id.into(),
        resource_details: json!({
            "name": origin.webhook_name,
            "title": format!("Webhook event parsing error - {}", origin.webhook_name),
            "description": reason,
            "inbound": inbound_details(origin),
        }),
        result: EventResult::Failed,
        severity: webhook_api::Severity::Critical,
        occurred_at: Some(now.into()),
        source: Some(source_of(origin)),
    }
}

fn inbound_details(origin: &Origin) -> Value {
    json!({
        "webhook_id": origin.webhook_id,
        "name": origin.webhook_name,
        "plugin_id": origin.plugin_id,
        "request_id": origin.request_id,
    })
}

fn source_of(origin: &Origin) -> String {
    format!("inbound:{}", origin.webhook_name)
        .chars()
        .take(webhook_api::validate::event::SOURCE_MAX)
        .collect()
}

/// `s` as an event word (`a-z`, `0-9`, `_`, `.`, `-`, at most 64), or `fallback` when nothing
/// of it is left.
pub(super) fn word_of(s: &str, fallback: &str) -> String {
    let w: String = s
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_.-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if w.trim_matches('_').is_empty() {
        fallback.into()
    } else {
        w
    }
}
