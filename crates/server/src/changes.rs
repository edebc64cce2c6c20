//! What a change did, field by field, for a webhook's history and the audit log. Secrets are
//! compared by value but shown only as [`CHANGED`]; the server's bookkeeping (version, times,
//! delivery status) is not part of a change.

use serde_json::{Map, Value, json};
use webhook_api::{Auth, ChangeDescription, FieldChange, Webhook};

/// How a secret appears in a change: never its value.
pub const CHANGED: &str = "(changed)";

/// The fields of a webhook a person sets, flattened one level (`auth.type`, `auth.username`),
/// with each secret replaced by a marker that differs when the secret does.
fn view(w: &Webhook) -> Map<String, Value> {
    let mut m = Map::new();
    let secret = |s: &str| json!(crate::auth::secret::token_hash(s));
    m.insert("name".into(), json!(w.name));
    m.insert("description".into(), json!(w.description));
    m.insert("type".into(), json!(w.kind));
    m.insert("url".into(), json!(w.url));
    m.insert("language".into(), json!(w.language));
    m.insert("auth.type".into(), json!(w.auth.kind().as_str()));
    match &w.auth {
        Auth::None => {}
        Auth::Basic { username, password } => {
            m.insert("auth.username".into(), json!(username));
            m.insert("auth.password".into(), secret(password));
        }
        Auth::Bearer { token } => {
            m.insert("auth.token".into(), secret(token));
        }
        Auth::Signature { secret: s } => {
            m.insert("auth.secret".into(), secret(s));
        }
    }
    m.insert("headers".into(), json!(w.headers));
    m.insert("format".into(), json!(w.format));
    m.insert("use_template".into(), json!(w.use_template));
    m.insert("msg_key".into(), json!(w.msg_key));
    m.insert("body".into(), json!(w.body));
    m.insert("event_types".into(), json!(w.event_types));
    m.insert("enabled".into(), json!(w.enabled));
    m.insert("batch_size".into(), json!(w.batch_size));
    m.insert("timeout".into(), json!(w.timeout));
    m.insert("tags".into(), json!(w.tags));
    m.insert("project_id".into(), json!(w.project_id));
    m
}

fn is_secret(field: &str) -> bool {
    matches!(field, "auth.password" | "auth.token" | "auth.secret")
}

/// The change from `old` to `new` (None: created, or deleted).
pub fn webhook(old: Option<&Webhook>, new: Option<&Webhook>) -> ChangeDescription {
    let (before, after) = (
        old.map(view).unwrap_or_default(),
        new.map(view).unwrap_or_default(),
    );
    let shown = |field: &str, v: &Value| {
        if is_secret(field) {
            json!(CHANGED)
        } else {
            v.clone()
        }
    };
    let mut d = ChangeDescription {
        previous_version: old.map(|w| w.version),
        ..Default::default()
    };
    for (field, value) in &after {
        match before.get(field) {
            None => d.fields_added.push(FieldChange {
                name: field.clone(),
                old_value: None,
                new_value: Some(shown(field, value)),
            }),
            Some(was) if was != value => d.fields_updated.push(FieldChange {
                name: field.clone(),
                old_value: Some(shown(field, was)),
                new_value: Some(shown(field, value)),
            }),
            Some(_) => {}
        }
    }
    for (field, was) in &before {
        if !after.contains_key(field) {
            d.fields_deleted.push(FieldChange {
                name: field.clone(),
                old_value: Some(shown(field, was)),
                new_value: None,
            });
        }
    }
    d
}

/// Every field of a description in one list, for the audit log.
pub fn flat(d: &ChangeDescription) -> Vec<FieldChange> {
    d.fields_added
        .iter()
        .chain(&d.fields_updated)
        .chain(&d.fields_deleted)
        .cloned()
        .collect()
}

/// A field that was set (created with this value).
pub fn added(name: &str, new: Value) -> FieldChange {
    FieldChange {
        name: name.into(),
        old_value: None,
        new_value: Some(new),
    }
}

/// A change of one field.
pub fn field(name: &str, old: Value, new: Value) -> FieldChange {
    FieldChange {
        name: name.into(),
        old_value: Some(old),
        new_value: Some(new),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook() -> Webhook {
        serde_json::from_value(json!({
            "id": "w1", "name": "a", "description": "", "type": "events",
            "url": "https://a.example/h", "language": "en",
            "auth": {"type": "bearer", "token": "tok-secret-value-1"},
            "headers": {}, "event_types": ["host.lost_connection"], "enabled": true,
            "status": "active", "failure_details": {},
            "batch_size": 1, "timeout": 10, "tags": {}, "version": 3,
            "created_at": "2026-12-01T00:00:00.000Z", "updated_at": "2026-12-01T00:00:00.000Z",
            "updated_by": "admin"
        }))
        .unwrap()
    }

    #[test]
    fn changes_name_fields_and_hide_secrets() {
        let old = hook();
        let mut new = old.clone();
        new.name = "b".into();
        new.auth = Auth::Signature {
            secret: "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=".into(),
        };
        let d = webhook(Some(&old), Some(&new));
        assert_eq!(d.previous_version, Some(3));
        let text = serde_json::to_string(&d).unwrap();
        assert!(
            !text.contains("tok-secret-value-1") && !text.contains("whsec_"),
            "{text}"
        );
        let names = |v: &[FieldChange]| v.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&d.fields_updated), ["auth.type", "name"]);
        assert_eq!(names(&d.fields_added), ["auth.secret"]);
        assert_eq!(names(&d.fields_deleted), ["auth.token"]);
        assert!(webhook(Some(&old), Some(&old)).is_empty());
        let created = webhook(None, Some(&old));
        assert_eq!(created.previous_version, None);
        assert!(
            created
                .fields_added
                .iter()
                .any(|c| c.name == "auth.token" && c.new_value == Some(json!(CHANGED)))
        );
    }
}
