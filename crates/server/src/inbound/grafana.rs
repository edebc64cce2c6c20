//! Grafana's webhook contact point, as SpaceONE's Grafana plugin reads it: unified alerting
//! (`orgId` and `alerts[]`) makes one event per notification, keyed by its `groupKey`; the
//! legacy (pre-8) payload (`dashboardId` + `orgId`) one event keyed by dashboard, panel, rule
//! and organisation. Firing is an ERROR alert, resolved/`ok` an INFO recovery. SpaceONE keys by
//! the MD5 of those fields; this plugin by their SHA-256 (see [`super::key_of`]).

use super::{AlertEvent, Parsed, Plugin, at, key_of, option, text_at, text_option, time_of};
use serde_json::{Map, Value, json};
use webhook_api::{AlertEventType, AlertResource, AlertSeverity, FieldErrors, PluginOption};

pub const PLUGIN: Plugin = Plugin {
    id: "grafana",
    name: "Grafana",
    description: "Grafana's webhook contact point: unified alerting (one event per \
                  notification, keyed by its group) or the legacy alert payload.",
    versions: &["1.0.0"],
    options,
    verify,
    parse,
    sample,
};

fn options() -> Vec<PluginOption> {
    vec![text_option(
        "message_root",
        "Message root",
        "When the payload arrives wrapped (e.g. in an AWS SNS `Message` string), the field \
         holding the Grafana JSON.",
        "",
    )]
}

fn verify(_: &Map<String, Value>) -> FieldErrors {
    FieldErrors::new()
}

fn parse(_version: &str, options: &Map<String, Value>, payload: &Value) -> Parsed {
    let root = option(options, "message_root", "");
    let unwrapped;
    let payload = if root.is_empty() {
        payload
    } else {
        let inner = at(payload, root).ok_or(format!("There is no `{root}` in the payload."))?;
        unwrapped = match inner {
            Value::String(s) => {
                serde_json::from_str(s).map_err(|e| format!("`{root}` does not hold JSON: {e}."))?
            }
            other => other.clone(),
        };
        &unwrapped
    };
    let now = crate::clock::now();
    let has = |k: &str| payload.get(k).is_some();
    if has("orgId") && has("dashboardId") {
        Ok(vec![legacy(payload, &now)])
    } else if has("alerts") {
        unified(payload, &now).map(|a| vec![a])
    } else {
        Err(
            "Not a Grafana webhook payload: neither `alerts` (unified alerting) nor \
             `dashboardId` and `orgId` (legacy)."
                .into(),
        )
    }
}

fn unified(p: &Value, now: &str) -> Result<AlertEvent, String> {
    let alerts = p
        .get("alerts")
        .and_then(Value::as_array)
        .ok_or("`alerts` is not a list.")?;
    let group_key = text_at(p, "groupKey");
    if group_key.is_empty() {
        return Err("no `groupKey`.".into());
    }
    let resolved = text_at(p, "status") == "resolved";
    let common = p.get("commonLabels").cloned().unwrap_or(json!({}));
    let title = [
        text_at(&common, "alertname"),
        strip_state(&text_at(p, "title")),
    ]
    .into_iter()
    .find(|t| !t.is_empty())
    .unwrap_or_else(|| "Grafana alert".into());
    let first = alerts.first().cloned().unwrap_or(json!({}));
    let image_url = [text_at(&first, "imageURL"), text_at(&first, "panelURL")]
        .into_iter()
        .find(|t| !t.is_empty())
        .unwrap_or_default();
    let when = if resolved { "endsAt" } else { "startsAt" };
    let instance = text_at(&common, "instance");
    Ok(AlertEvent {
        event_key: key_of(&group_key),
        event_type: if resolved {
            AlertEventType::Recovery
        } else {
            AlertEventType::Alert
        },
        title,
        description: text_at(p, "message"),
        severity: if resolved {
            AlertSeverity::Info
        } else {
            AlertSeverity::Error
        },
        resource: AlertResource {
            resource_id: instance.clone(),
            name: instance.clone(),
            resource_type: if instance.is_empty() { "" } else { "instance" }.into(),
        },
        rule: text_at(&common, "alertname"),
        occurred_at: time_of(&text_at(&first, when)).unwrap_or_else(|| now.into()),
        additional_info: json!({
            "labels": common,
            "group_key": group_key,
            "alerts": alerts.len(),
            "dashboard_url": text_at(&first, "dashboardURL"),
            "silence_url": text_at(&first, "silenceURL"),
            "external_url": text_at(p, "externalURL"),
        }),
        image_url,
    })
}

/// `[FIRING:2] CPU high` → `CPU high`.
fn strip_state(title: &str) -> String {
    match title
        .trim()
        .strip_prefix('[')
        .and_then(|t| t.split_once(']'))
    {
        Some((_, rest)) => rest.trim().to_string(),
        None => title.trim().to_string(),
    }
}

fn legacy(p: &Value, now: &str) -> AlertEvent {
    let parts = ["dashboardId", "panelId", "ruleId", "orgId"].map(|k| text_at(p, k));
    let ok = text_at(p, "state") == "ok";
    let rule = text_at(p, "ruleName");
    AlertEvent {
        event_key: key_of(&parts.join(":")),
        event_type: if ok {
            AlertEventType::Recovery
        } else {
            AlertEventType::Alert
        },
        title: [rule.clone(), text_at(p, "title")]
            .into_iter()
            .find(|t| !t.is_empty())
            .unwrap_or_else(|| "Grafana alert".into()),
        description: text_at(p, "message"),
        severity: if ok {
            AlertSeverity::Info
        } else {
            AlertSeverity::Error
        },
        resource: AlertResource::default(),
        rule,
        occurred_at: now.into(),
        additional_info: json!({
            "state": text_at(p, "state"),
            "rule_url": text_at(p, "ruleUrl"),
            "eval_matches": p.get("evalMatches").cloned().unwrap_or(json!([])),
            "tags": p.get("tags").cloned().unwrap_or(json!({})),
        }),
        image_url: text_at(p, "imageUrl"),
    }
}

/// The unified-alerting shape of grafana/alerting's webhook tests.
fn sample() -> Value {
    json!({
        "receiver": "console", "status": "firing", "orgId": 1,
        "alerts": [{
            "status": "firing",
            "labels": {"alertname": "DiskFull", "instance": "db-1", "severity": "warning"},
            "annotations": {"summary": "Disk almost full on db-1"},
            "startsAt": "2026-12-01T20:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://grafana.local/alerting/grafana/abc/view",
            "fingerprint": "fac0861a85de433a",
            "silenceURL": "http://grafana.local/alerting/silence/new?matcher=alertname%3DDiskFull",
            "dashboardURL": "http://grafana.local/d/abcd", "panelURL": "http://grafana.local/d/abcd?viewPanel=2",
            "values": {"B": 93.2, "C": 1}
        }],
        "groupLabels": {"alertname": "DiskFull"},
        "commonLabels": {"alertname": "DiskFull", "instance": "db-1", "severity": "warning"},
        "commonAnnotations": {"summary": "Disk almost full on db-1"},
        "externalURL": "http://grafana.local/", "version": "1",
        "groupKey": "{}:{alertname=\"DiskFull\"}", "truncatedAlerts": 0,
        "title": "[FIRING:1] DiskFull (db-1)", "state": "alerting",
        "message": "**Firing**\n\nValue: B=93.2\nLabels:\n - alertname = DiskFull\n - instance = db-1"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unified_firing_then_resolved_share_the_key() {
        let a = &parse("1.0.0", &Map::new(), &sample()).unwrap()[0];
        assert_eq!(a.event_type, AlertEventType::Alert);
        assert_eq!(a.severity, AlertSeverity::Error);
        assert_eq!(a.title, "DiskFull");
        assert_eq!(a.image_url, "http://grafana.local/d/abcd?viewPanel=2");
        let mut r = sample();
        r["status"] = json!("resolved");
        r["alerts"][0]["endsAt"] = json!("2026-12-01T20:09:00Z");
        let b = &parse("1.0.0", &Map::new(), &r).unwrap()[0];
        assert_eq!(
            (b.event_type, b.event_key.as_str()),
            (AlertEventType::Recovery, a.event_key.as_str())
        );
        assert_eq!(b.occurred_at, "2026-12-01T20:09:00.000Z");
    }

    #[test]
    fn legacy_and_wrapped_payloads() {
        let legacy = json!({"dashboardId": 1, "panelId": 2, "ruleId": 3, "orgId": 1,
            "ruleName": "Load", "state": "ok", "message": "back to normal"});
        let a = &parse("1.0.0", &Map::new(), &legacy).unwrap()[0];
        assert_eq!(
            (a.event_type, a.title.as_str()),
            (AlertEventType::Recovery, "Load")
        );
        let wrapped = json!({"Type": "Notification", "Message": sample().to_string()});
        let options = Map::from_iter([("message_root".into(), json!("Message"))]);
        assert_eq!(
            parse("1.0.0", &options, &wrapped).unwrap()[0].title,
            "DiskFull"
        );
        assert!(
            parse("1.0.0", &Map::new(), &wrapped)
                .unwrap_err()
                .contains("Not a Grafana")
        );
        assert_eq!(strip_state("[FIRING:2] CPU high"), "CPU high");
    }
}
