//! Inbound webhooks' plugins (seed 000): each turns one monitoring system's payload into
//! normalised alert events ([`AlertEvent`]). A plugin is versioned, declares its options
//! ([`PluginOption`]), checks them (`verify`), makes its metadata of them (`init`), parses
//! payloads and ships a sample payload. They are compiled in: `GET /inbound-plugins` lists them.
//!
//! Options every plugin takes: `dedup_window`, the seconds within which a repeat of a firing
//! alert (same `event_key`) is recorded but not routed again (default 600, 0 turns it off). It
//! goes into the metadata as `duplicate_event_time`, as SpaceONE's.

pub mod alertmanager;
pub mod events;
pub mod generic;
pub mod grafana;
pub mod limit;
pub mod receive;

#[cfg(test)]
use events::word_of;
pub use events::{Origin, parse_error_event, to_event};

use serde_json::{Map, Value, json};
use webhook_api::{
    AlertEvent, AlertSeverity, FieldErrors, OptionKind, PluginDescriptor, PluginOption,
};

/// Receiving's settings, from the configuration.
#[derive(Debug)]
pub struct InboundSettings {
    /// `--public-url` without a trailing slash: the base of every `webhook_url`. Without it,
    /// the `Host` the API was called at.
    pub public_url: Option<String>,
    pub limit: limit::RateLimit,
}

impl Default for InboundSettings {
    fn default() -> Self {
        Self {
            public_url: None,
            limit: limit::RateLimit::new(600),
        }
    }
}

/// `upgrade_mode AUTO` at start: moves those webhooks to their plugin's newest version
/// (recomputing the metadata), with an audit entry each. Options the new version refuses keep
/// the webhook where it is, with a warning in the log.
pub async fn upgrade_auto(db: &crate::db::Db) -> Result<(), sqlx::Error> {
    for mut s in crate::db::inbound::all(db).await? {
        let info = &mut s.webhook.plugin_info;
        let Some(plugin) = find(&info.plugin_id) else {
            continue;
        };
        if info.upgrade_mode != webhook_api::UpgradeMode::Auto || info.version == plugin.newest() {
            continue;
        }
        let Ok(metadata) = init(plugin, plugin.newest(), &info.options) else {
            tracing::warn!(webhook = %s.webhook.webhook_id, plugin = plugin.id, "inbound webhook's options do not suit the plugin's newest version; not upgraded");
            continue;
        };
        let from = std::mem::replace(&mut info.version, plugin.newest().to_string());
        info.metadata = metadata;
        s.webhook.updated_at = crate::clock::now();
        let record = crate::db::audit::Record::system("inbound_webhook.upgrade_plugin")
            .target("inbound_webhook", &s.webhook.webhook_id, &s.webhook.name)
            .with_changes(vec![crate::changes::field(
                "plugin_info.version",
                json!(from),
                json!(plugin.newest()),
            )]);
        // A webhook deleted meanwhile is simply gone.
        let _ = crate::db::inbound::save(db, &s, Some(&record)).await?;
    }
    Ok(())
}

/// What a payload could not be parsed for, said to the sender (422) and to people (the
/// `monitoring.parse_error` event).
pub type ParseError = String;

/// A compiled-in plugin.
pub struct Plugin {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    /// Oldest first.
    pub versions: &'static [&'static str],
    /// The plugin's own options (the common ones are added by [`options_of`]).
    pub options: fn() -> Vec<PluginOption>,
    /// Checks beyond the schema (e.g. a path's syntax), keyed by option.
    pub verify: fn(&Map<String, Value>) -> FieldErrors,
    pub parse: fn(version: &str, options: &Map<String, Value>, payload: &Value) -> Parsed,
    pub sample: fn() -> Value,
}

pub type Parsed = Result<Vec<AlertEvent>, ParseError>;

impl Plugin {
    pub fn newest(&self) -> &'static str {
        self.versions.last().copied().unwrap_or("1.0.0")
    }

    pub fn descriptor(&self) -> PluginDescriptor {
        PluginDescriptor {
            plugin_id: self.id.into(),
            name: self.name.into(),
            description: self.description.into(),
            versions: self.versions.iter().map(|v| v.to_string()).collect(),
            options: options_of(self),
            capability: capability(),
            sample: (self.sample)(),
        }
    }
}

/// Every plugin, in the order the console offers them.
pub const PLUGINS: &[Plugin] = &[alertmanager::PLUGIN, grafana::PLUGIN, generic::PLUGIN];

pub fn find(id: &str) -> Option<&'static Plugin> {
    PLUGINS.iter().find(|p| p.id == id)
}

/// What every plugin here can do (seed 001's `capability`).
pub fn capability() -> Value {
    json!({ "dedup": true, "recovery": true })
}

pub const DEFAULT_DEDUP_WINDOW: i64 = 600;
const DEDUP_WINDOW_MAX: i64 = 7 * 86_400;

fn options_of(plugin: &Plugin) -> Vec<PluginOption> {
    let mut options = (plugin.options)();
    options.push(PluginOption {
        key: "dedup_window".into(),
        kind: OptionKind::Integer,
        label: "Dedup window (seconds)".into(),
        help: "A repeat of a firing alert (same key) within this many seconds is recorded but \
               not routed again. 0 routes every repeat."
            .into(),
        required: false,
        default: Some(json!(DEFAULT_DEDUP_WINDOW)),
        min: Some(0),
        max: Some(DEDUP_WINDOW_MAX),
    });
    options
}

/// A string option of a plugin.
pub fn text_option(key: &str, label: &str, help: &str, default: &str) -> PluginOption {
    PluginOption {
        key: key.into(),
        kind: OptionKind::String,
        label: label.into(),
        help: help.into(),
        required: false,
        default: (!default.is_empty()).then(|| json!(default)),
        min: None,
        max: None,
    }
}

/// `verify`: the options against the plugin's schema and its own checks. Field keys are
/// `options.KEY`.
pub fn verify(plugin: &Plugin, version: &str, options: &Value) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    if !plugin.versions.contains(&version) {
        errors.insert(
            "version".into(),
            format!(
                "Plugin {} has no version {version}; it has {}.",
                plugin.id,
                plugin.versions.join(", ")
            ),
        );
    }
    let Some(map) = options.as_object() else {
        errors.insert("options".into(), "Must be a JSON object.".into());
        return Err(errors);
    };
    let schema = options_of(plugin);
    for key in map.keys() {
        if !schema.iter().any(|o| &o.key == key) {
            let known: Vec<&str> = schema.iter().map(|o| o.key.as_str()).collect();
            errors.insert(
                format!("options.{key}"),
                format!("Unknown option; {} takes: {}.", plugin.id, known.join(", ")),
            );
        }
    }
    for o in &schema {
        let field = format!("options.{}", o.key);
        match (map.get(&o.key), o.kind) {
            (None | Some(Value::Null), _) => {
                if o.required {
                    errors.insert(field, "This option is required.".into());
                }
            }
            (Some(Value::String(s)), OptionKind::String) => {
                if o.required && s.trim().is_empty() {
                    errors.insert(field, "This option is required.".into());
                } else if s.chars().count() > 256 {
                    errors.insert(field, "At most 256 characters.".into());
                }
            }
            (Some(v), OptionKind::Integer) if webhook_api::whole::value_i64(v).is_some() => {
                let n = webhook_api::whole::value_i64(v).unwrap_or_default();
                let (lo, hi) = (o.min.unwrap_or(i64::MIN), o.max.unwrap_or(i64::MAX));
                if n < lo || n > hi {
                    errors.insert(field, format!("Must be from {lo} to {hi}."));
                }
            }
            (Some(_), OptionKind::String) => {
                errors.insert(field, "Must be text.".into());
            }
            (Some(_), OptionKind::Integer) => {
                errors.insert(field, "Must be a whole number.".into());
            }
        }
    }
    if errors.is_empty() {
        errors.extend((plugin.verify)(map));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// `init`: verified options → the webhook's metadata.
pub fn init(plugin: &Plugin, version: &str, options: &Value) -> Result<Value, FieldErrors> {
    verify(plugin, version, options)?;
    let window = options
        .get("dedup_window")
        .and_then(webhook_api::whole::value_i64)
        .unwrap_or(DEFAULT_DEDUP_WINDOW);
    Ok(json!({ "duplicate_event_time": window }))
}

/// The dedup window of a webhook's metadata, in seconds.
pub fn dedup_window(metadata: &Value) -> i64 {
    metadata
        .get("duplicate_event_time")
        .and_then(Value::as_i64)
        .unwrap_or(DEFAULT_DEDUP_WINDOW)
}

/// The value at a dotted path (`labels.severity`, `alerts.0.fingerprint`); empty is the value.
pub fn at<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return Some(value);
    }
    path.split('.').try_fold(value, |v, key| match v {
        Value::Object(map) => map.get(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// The text at a path: strings as they are, numbers and booleans written out, else empty.
pub fn text_at(value: &Value, path: &str) -> String {
    match at(value, path) {
        Some(Value::String(s)) => s.clone(),
        Some(v @ (Value::Number(_) | Value::Bool(_))) => v.to_string(),
        _ => String::new(),
    }
}

/// An option's text, or `default` when absent or empty.
pub fn option<'a>(options: &'a Map<String, Value>, key: &str, default: &'a str) -> &'a str {
    options
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(default)
}

/// A severity word as monitoring systems spell it.
pub fn severity_of(word: &str) -> AlertSeverity {
    match word.trim().to_ascii_lowercase().as_str() {
        "critical" | "crit" | "fatal" | "emergency" | "alert" | "page" | "p1" | "disaster" => {
            AlertSeverity::Critical
        }
        "error" | "err" | "high" | "major" | "p2" => AlertSeverity::Error,
        "warning" | "warn" | "medium" | "minor" | "average" | "p3" => AlertSeverity::Warning,
        "info" | "information" | "informational" | "low" | "notice" | "ok" | "p4" | "p5" => {
            AlertSeverity::Info
        }
        _ => AlertSeverity::None,
    }
}

/// An RFC 3339 time in the server's form, or None when `t` is not one (or is Go's zero time).
pub fn time_of(t: &str) -> Option<String> {
    let at = time::OffsetDateTime::parse(t.trim(), &time::format_description::well_known::Rfc3339)
        .ok()?;
    (at.year() > 1).then(|| crate::clock::format(at))
}

/// A hex SHA-256, cut to 32 characters: a stable `event_key` made of other fields.
pub fn key_of(parts: &str) -> String {
    crate::auth::secret::token_hash(parts)[..32].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use webhook_api::validate::validate_event;

    #[test]
    fn every_sample_parses_into_valid_events() {
        for p in PLUGINS {
            for version in p.versions {
                let alerts = (p.parse)(version, &Map::new(), &(p.sample)())
                    .unwrap_or_else(|e| panic!("{} {version}: {e}", p.id));
                assert!(!alerts.is_empty(), "{}", p.id);
                let origin = Origin {
                    webhook_id: "w",
                    webhook_name: "Prod alerts",
                    plugin_id: p.id,
                    request_id: "r",
                };
                for a in &alerts {
                    let e = to_event(a, &origin);
                    assert!(validate_event(&e).is_empty(), "{}: {e:?}", p.id);
                }
            }
        }
    }

    #[test]
    fn options_are_checked_against_the_schema() {
        let p = find("alertmanager").unwrap();
        assert!(verify(p, p.newest(), &json!({})).is_ok());
        let e = verify(p, "9.9", &json!({"dedup_window": -1, "nope": 1})).unwrap_err();
        assert!(e["version"].contains("no version 9.9"), "{e:?}");
        assert!(e["options.dedup_window"].contains("from 0"), "{e:?}");
        assert!(e["options.nope"].contains("Unknown option"), "{e:?}");
        let e = verify(p, p.newest(), &json!({"dedup_window": "10"})).unwrap_err();
        assert_eq!(e["options.dedup_window"], "Must be a whole number.");
        let meta = init(p, p.newest(), &json!({"dedup_window": 60})).unwrap();
        assert_eq!(dedup_window(&meta), 60);
    }

    #[test]
    fn paths_words_and_times() {
        let v = json!({"a": {"b": [{"c": 1}]}});
        assert_eq!(at(&v, "a.b.0.c"), Some(&json!(1)));
        assert_eq!(text_at(&v, "a.b.0.c"), "1");
        assert_eq!(at(&v, "a.x"), None);
        assert_eq!(word_of("Pod Name", "alert"), "pod_name");
        assert_eq!(word_of("日本", "alert"), "alert");
        assert_eq!(time_of("0001-01-01T00:00:00Z"), None);
        assert_eq!(
            time_of("2026-12-01T20:00:30.924323815Z").as_deref(),
            Some("2026-12-01T20:00:30.924Z")
        );
    }
}
