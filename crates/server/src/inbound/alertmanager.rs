//! Prometheus Alertmanager's webhook (payload version 4): one event per alert, keyed by its
//! fingerprint, which Alertmanager keeps from firing to resolved.
//!
//! Versions: 1.0.0 maps the alert alone; 1.1.0 also keeps the notification's `receiver`,
//! `groupKey`, `externalURL`, `truncatedAlerts` and (Alertmanager 0.32+) `notification_reason`
//! in `additional_info`.

use super::{AlertEvent, Parsed, Plugin, at, option, severity_of, text_at, text_option, time_of};
use serde_json::{Map, Value, json};
use webhook_api::{AlertEventType, AlertResource, AlertSeverity, FieldErrors, PluginOption};

pub const PLUGIN: Plugin = Plugin {
    id: "alertmanager",
    name: "Prometheus Alertmanager",
    description: "Alertmanager's webhook_configs receiver (payload version 4): one event per \
                  alert, keyed by its fingerprint; firing is an alert, resolved its recovery.",
    versions: &["1.0.0", "1.1.0"],
    options,
    verify,
    parse,
    sample,
};

/// Labels that name the resource, in the order they are tried.
const RESOURCE_LABELS: &str = "resource,instance,pod,container,service,job,host,node";

fn options() -> Vec<PluginOption> {
    vec![text_option(
        "resource_labels",
        "Resource labels",
        "Comma-separated labels tried in order for the alert's resource.",
        RESOURCE_LABELS,
    )]
}

fn verify(options: &Map<String, Value>) -> FieldErrors {
    let labels = option(options, "resource_labels", RESOURCE_LABELS);
    let bad = labels
        .split(',')
        .map(str::trim)
        .find(|l| l.is_empty() || !l.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    match bad {
        Some(l) => FieldErrors::from([(
            "options.resource_labels".to_string(),
            format!("`{l}` is not a label name (letters, digits, `_`), comma-separated."),
        )]),
        None => FieldErrors::new(),
    }
}

fn parse(version: &str, options: &Map<String, Value>, payload: &Value) -> Parsed {
    let alerts = payload
        .get("alerts")
        .and_then(Value::as_array)
        .ok_or("Not an Alertmanager webhook payload: there is no `alerts` list.")?;
    match payload.get("version").and_then(Value::as_str) {
        None | Some("4") => {}
        Some(v) => {
            return Err(format!(
                "Alertmanager payload version {v} is not supported; version 4 is."
            ));
        }
    }
    let resource_labels: Vec<&str> = option(options, "resource_labels", RESOURCE_LABELS)
        .split(',')
        .map(str::trim)
        .collect();
    let now = crate::clock::now();
    alerts
        .iter()
        .enumerate()
        .map(|(i, alert)| {
            one(alert, &resource_labels, &now)
                .map(|mut a| {
                    if version != "1.0.0" {
                        notification_info(&mut a.additional_info, payload);
                    }
                    a
                })
                .map_err(|e| format!("alerts[{i}]: {e}"))
        })
        .collect()
}

fn one(alert: &Value, resource_labels: &[&str], now: &str) -> Result<AlertEvent, String> {
    let fingerprint = text_at(alert, "fingerprint");
    if fingerprint.is_empty() {
        return Err("no `fingerprint`.".into());
    }
    let event_type = match text_at(alert, "status").as_str() {
        "firing" => AlertEventType::Alert,
        "resolved" => AlertEventType::Recovery,
        other => return Err(format!("`status` is `{other}`, not firing or resolved.")),
    };
    let labels = at(alert, "labels").cloned().unwrap_or(json!({}));
    let annotations = at(alert, "annotations").cloned().unwrap_or(json!({}));
    let label = |k: &str| text_at(&labels, k);
    let annotation = |k: &str| text_at(&annotations, k);
    let severity = match label("severity") {
        s if s.is_empty() => AlertSeverity::Info,
        s => match severity_of(&s) {
            AlertSeverity::None => AlertSeverity::Info,
            known => known,
        },
    };
    let title = [annotation("summary"), label("alertname")]
        .into_iter()
        .find(|t| !t.is_empty())
        .unwrap_or_else(|| format!("Alert {fingerprint}"));
    let description = [annotation("description"), annotation("message")]
        .into_iter()
        .find(|t| !t.is_empty())
        .unwrap_or_default();
    let resource = resource_labels
        .iter()
        .find_map(|&k| {
            let v = label(k);
            (!v.is_empty()).then(|| AlertResource {
                resource_id: v.clone(),
                name: v,
                resource_type: k.to_string(),
            })
        })
        .unwrap_or_default();
    let rule = [label("rule_group"), label("alertname")]
        .into_iter()
        .find(|t| !t.is_empty())
        .unwrap_or_default();
    let starts_at = time_of(&text_at(alert, "startsAt"));
    let ends_at = time_of(&text_at(alert, "endsAt"));
    let occurred_at = match event_type {
        AlertEventType::Alert => starts_at.clone(),
        AlertEventType::Recovery => ends_at.clone().or(starts_at.clone()),
    }
    .unwrap_or_else(|| now.to_string());
    Ok(AlertEvent {
        event_key: fingerprint,
        event_type,
        title,
        description,
        severity,
        resource,
        rule,
        occurred_at,
        additional_info: json!({
            "labels": labels,
            "annotations": annotations,
            "generator_url": text_at(alert, "generatorURL"),
            "runbook_url": annotation("runbook_url"),
            "starts_at": starts_at,
            "ends_at": ends_at,
        }),
        image_url: String::new(),
    })
}

fn notification_info(info: &mut Value, payload: &Value) {
    for (from, to) in [
        ("receiver", "receiver"),
        ("groupKey", "group_key"),
        ("externalURL", "external_url"),
        ("truncatedAlerts", "truncated_alerts"),
        ("notification_reason", "notification_reason"),
    ] {
        if let Some(v) = payload.get(from) {
            info[to] = v.clone();
        }
    }
}

/// A notification as Debian's Alertmanager 0.25 posts it (captured on this machine).
fn sample() -> Value {
    json!({
        "receiver": "inbound", "status": "firing",
        "alerts": [{
            "status": "firing",
            "labels": {"alertname": "HighCPU", "instance": "web-1", "severity": "critical"},
            "annotations": {"description": "cpu > 90%", "summary": "CPU high on web-1"},
            "startsAt": "2026-12-01T20:00:30.924323815Z", "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prom.local/graph?g0.expr=up", "fingerprint": "7b7eebf4efc7d977"
        }],
        "groupLabels": {"alertname": "HighCPU"},
        "commonLabels": {"alertname": "HighCPU", "instance": "web-1", "severity": "critical"},
        "commonAnnotations": {"description": "cpu > 90%", "summary": "CPU high on web-1"},
        "externalURL": "http://vm:19093", "version": "4",
        "groupKey": "{}:{alertname=\"HighCPU\"}", "truncatedAlerts": 0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_an_alert_and_its_resolution_onto_one_key() {
        let firing = parse("1.1.0", &Map::new(), &sample()).unwrap();
        let a = &firing[0];
        assert_eq!(a.event_key, "7b7eebf4efc7d977");
        assert_eq!(a.event_type, AlertEventType::Alert);
        assert_eq!(a.severity, AlertSeverity::Critical);
        assert_eq!(a.title, "CPU high on web-1");
        assert_eq!(a.description, "cpu > 90%");
        assert_eq!(a.resource.resource_type, "instance");
        assert_eq!(a.resource.name, "web-1");
        assert_eq!(a.rule, "HighCPU");
        assert_eq!(a.occurred_at, "2026-12-01T20:00:30.924Z");
        assert_eq!(a.additional_info["labels"]["severity"], "critical");
        assert_eq!(a.additional_info["ends_at"], Value::Null);
        assert_eq!(a.additional_info["group_key"], "{}:{alertname=\"HighCPU\"}");

        let mut resolved = sample();
        resolved["alerts"][0]["status"] = json!("resolved");
        resolved["alerts"][0]["endsAt"] = json!("2026-12-01T20:05:00Z");
        let r = &parse("1.0.0", &Map::new(), &resolved).unwrap()[0];
        assert_eq!(r.event_key, a.event_key);
        assert_eq!(r.event_type, AlertEventType::Recovery);
        assert_eq!(r.occurred_at, "2026-12-01T20:05:00.000Z");
        assert_eq!(
            r.additional_info.get("group_key"),
            None,
            "1.0.0 keeps the alert alone"
        );
    }

    #[test]
    fn resource_labels_and_defaults() {
        let mut p = sample();
        p["alerts"][0]["labels"] = json!({"pod": "api-7", "alertname": "Crash"});
        p["alerts"][0]["annotations"] = json!({});
        let options = Map::from_iter([("resource_labels".into(), json!("pod,instance"))]);
        let a = &parse("1.1.0", &options, &p).unwrap()[0];
        assert_eq!(
            (a.resource.resource_type.as_str(), a.title.as_str()),
            ("pod", "Crash")
        );
        assert_eq!(a.severity, AlertSeverity::Info);
    }

    #[test]
    fn refuses_what_is_not_an_alertmanager_payload() {
        assert!(
            parse("1.1.0", &Map::new(), &json!({"a": 1}))
                .unwrap_err()
                .contains("alerts")
        );
        let mut p = sample();
        p["version"] = json!("3");
        assert!(
            parse("1.1.0", &Map::new(), &p)
                .unwrap_err()
                .contains("version 3")
        );
        p["version"] = json!("4");
        p["alerts"][0]["fingerprint"] = json!("");
        assert_eq!(
            parse("1.1.0", &Map::new(), &p).unwrap_err(),
            "alerts[0]: no `fingerprint`."
        );
        let bad = Map::from_iter([("resource_labels".into(), json!("pod, bad label"))]);
        assert!(verify(&bad).contains_key("options.resource_labels"));
    }
}
