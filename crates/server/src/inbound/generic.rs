//! Any JSON a system can post: an object, a list of objects, or a list under `items_path`;
//! each item one event, its fields found at the configured dotted paths.

use super::{AlertEvent, Parsed, Plugin, at, option, severity_of, text_at, text_option, time_of};
use serde_json::{Map, Value, json};
use webhook_api::{AlertEventType, AlertResource, FieldErrors, PluginOption};

pub const PLUGIN: Plugin = Plugin {
    id: "generic",
    name: "Generic JSON",
    description: "Any JSON object or list of objects: the alert's key, title, severity, \
                  resource and status are read from configurable field paths.",
    versions: &["1.0.0"],
    options,
    verify,
    parse,
    sample,
};

/// (option, label, default path).
const PATHS: &[(&str, &str, &str)] = &[
    ("items_path", "Items path", ""),
    ("key_path", "Key path", "id"),
    ("title_path", "Title path", "title"),
    ("description_path", "Description path", "description"),
    ("severity_path", "Severity path", "severity"),
    ("resource_path", "Resource path", "resource"),
    ("status_path", "Status path", "status"),
    ("occurred_at_path", "Time path", "occurred_at"),
];

const RECOVERY_VALUES: &str = "resolved,ok,recovered,recovery,closed";

fn options() -> Vec<PluginOption> {
    let mut o: Vec<PluginOption> = PATHS
        .iter()
        .map(|(key, label, default)| {
            let help = if *key == "items_path" {
                "Where the list of alerts is; empty: the payload itself (an object or a list)."
                    .to_string()
            } else {
                format!("Dotted path of the field in each item (`labels.{key}`), e.g. `{default}`.")
            };
            text_option(key, label, &help, default)
        })
        .collect();
    o.push(text_option(
        "recovery_values",
        "Recovery values",
        "Comma-separated status values that mean the alert is over.",
        RECOVERY_VALUES,
    ));
    o
}

fn verify(options: &Map<String, Value>) -> FieldErrors {
    PATHS
        .iter()
        .filter_map(|(key, _, default)| {
            let path = option(options, key, default);
            (path.split('.').any(str::is_empty) && !path.is_empty()).then(|| {
                (
                    format!("options.{key}"),
                    format!("`{path}` has an empty segment; write fields as `a.b.c`."),
                )
            })
        })
        .collect()
}

fn parse(_version: &str, options: &Map<String, Value>, payload: &Value) -> Parsed {
    let path = |k: &str| {
        let default = PATHS.iter().find(|p| p.0 == k).map_or("", |p| p.2);
        option(options, k, default)
    };
    let items_path = path("items_path");
    let items: Vec<&Value> = match at(payload, items_path) {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ if items_path.is_empty() => {
            return Err("Expected a JSON object or a list of objects.".into());
        }
        _ => return Err(format!("There is no list or object at `{items_path}`.")),
    };
    if items.is_empty() {
        return Err("The payload holds no alerts.".into());
    }
    let recovery: Vec<String> = option(options, "recovery_values", RECOVERY_VALUES)
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .collect();
    let now = crate::clock::now();
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            if !item.is_object() {
                return Err(format!("items[{i}] is not an object."));
            }
            let key = text_at(item, path("key_path"));
            if key.is_empty() {
                return Err(format!("items[{i}]: no key at `{}`.", path("key_path")));
            }
            let status = text_at(item, path("status_path")).to_ascii_lowercase();
            let resource = text_at(item, path("resource_path"));
            Ok(AlertEvent {
                title: Some(text_at(item, path("title_path")))
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| key.clone()),
                event_key: key,
                event_type: if recovery.contains(&status) {
                    AlertEventType::Recovery
                } else {
                    AlertEventType::Alert
                },
                description: text_at(item, path("description_path")),
                severity: severity_of(&text_at(item, path("severity_path"))),
                resource: AlertResource {
                    resource_id: resource.clone(),
                    name: resource.clone(),
                    resource_type: if resource.is_empty() { "" } else { "resource" }.into(),
                },
                rule: String::new(),
                occurred_at: time_of(&text_at(item, path("occurred_at_path")))
                    .unwrap_or_else(|| now.clone()),
                additional_info: item.clone(),
                image_url: String::new(),
            })
        })
        .collect()
}

fn sample() -> Value {
    json!({
        "id": "backup-nightly-db-1", "title": "Nightly backup failed on db-1",
        "description": "pg_dump exited with status 1", "severity": "error",
        "resource": "db-1", "status": "firing", "occurred_at": "2026-12-01T02:00:00Z"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_configured_paths() {
        let a = &parse("1.0.0", &Map::new(), &sample()).unwrap()[0];
        assert_eq!(a.event_key, "backup-nightly-db-1");
        assert_eq!(a.severity, webhook_api::AlertSeverity::Error);
        assert_eq!(a.resource.name, "db-1");
        let payload = json!({"data": {"list": [
            {"uid": 7, "name": "Queue deep", "state": "OK"},
            {"uid": 8, "state": "alerting"}
        ]}});
        let options = Map::from_iter([
            ("items_path".into(), json!("data.list")),
            ("key_path".into(), json!("uid")),
            ("title_path".into(), json!("name")),
            ("status_path".into(), json!("state")),
        ]);
        let list = parse("1.0.0", &options, &payload).unwrap();
        assert_eq!(list[0].event_key, "7");
        assert_eq!(list[0].event_type, AlertEventType::Recovery);
        assert_eq!(
            (list[1].event_type, list[1].title.as_str()),
            (AlertEventType::Alert, "8")
        );
    }

    #[test]
    fn says_what_is_missing() {
        assert_eq!(
            parse("1.0.0", &Map::new(), &json!([{"title": "x"}])).unwrap_err(),
            "items[0]: no key at `id`."
        );
        assert!(parse("1.0.0", &Map::new(), &json!("text")).is_err());
        let bad = Map::from_iter([("key_path".into(), json!("a..b"))]);
        assert!(verify(&bad).contains_key("options.key_path"));
    }
}
