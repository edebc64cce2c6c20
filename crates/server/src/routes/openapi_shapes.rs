//! The rules of `openapi_rules` that are more than a keyword on one property: auth by kind, an
//! inbound webhook's plugin options, a search condition's value by operator, the query schemas
//! per searchable resource, optional bodies.

use super::openapi_rules::{CONTROL, merged, required_line};
use crate::search::MAX_VALUES;
use serde_json::{Value, json};
use webhook_api::validate::SECRET_MAX;

/// `validate_webhook`'s rules for each kind of auth (the variants of `Auth`, by `type`).
pub(super) fn auth_rules(auth: &mut Value) {
    let Some(variants) = auth["oneOf"].as_array_mut() else {
        return;
    };
    for variant in variants {
        let kind = variant["properties"]["type"]["enum"][0]
            .as_str()
            .unwrap_or("")
            .to_string();
        let rules: Vec<(&str, Value)> = match kind.as_str() {
            "basic" => vec![
                (
                    "username",
                    merged(
                        required_line(128),
                        json!({"pattern": format!(r"^[^:{CONTROL}]*[^:\s{CONTROL}][^:{CONTROL}]*$")}),
                    ),
                ),
                ("password", required_line(256)),
            ],
            "bearer" => vec![("token", required_line(SECRET_MAX))],
            // Any text for DingTalk and Feishu (their robots' own secrets), else a `whsec_`
            // secret: the `if` on WebhookIn in `openapi_rules::schema_rules`.
            "signature" => vec![("secret", required_line(SECRET_MAX))],
            _ => vec![],
        };
        for (property, rule) in rules {
            let target = &mut variant["properties"][property];
            *target = merged(target.take(), rule);
        }
    }
}

/// An inbound webhook's plugin, its version and its options, as `inbound::verify` checks them:
/// one variant per plugin.
pub(super) fn inbound_plugins() -> Value {
    use webhook_api::OptionKind;
    let variants: Vec<Value> = crate::inbound::PLUGINS
        .iter()
        .map(|plugin| {
            let options = plugin.descriptor().options;
            let mut properties = serde_json::Map::new();
            for o in &options {
                let schema = match o.kind {
                    OptionKind::String if o.required => {
                        json!({"type": "string", "maxLength": 256, "pattern": r"\S"})
                    }
                    OptionKind::String => json!({"type": ["string", "null"], "maxLength": 256}),
                    OptionKind::Integer => json!({
                        "type": if o.required { json!("integer") } else { json!(["integer", "null"]) },
                        "minimum": o.min.unwrap_or(i64::MIN),
                        "maximum": o.max.unwrap_or(i64::MAX),
                    }),
                };
                properties.insert(o.key.clone(), schema);
            }
            let required: Vec<&str> = options.iter().filter(|o| o.required).map(|o| o.key.as_str()).collect();
            let mut versions: Vec<Value> = plugin.versions.iter().map(|v| json!(v)).collect();
            versions.push(Value::Null);
            json!({"properties": {
                "plugin_id": {"const": plugin.id},
                "version": {"enum": versions},
                "options": {"type": "object", "properties": properties, "required": required,
                    "additionalProperties": false},
            }})
        })
        .collect();
    let ids: Vec<&str> = crate::inbound::PLUGINS.iter().map(|p| p.id).collect();
    json!({"properties": {"plugin_id": {"enum": ids}}, "anyOf": variants})
}

/// A body that may be left out (`request_body = Option<T>`) is documented as that, an optional
/// body of `T`, rather than as a JSON `null`, which is not an object and is refused.
pub(super) fn optional_bodies(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for op in paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|i| i.values_mut())
    {
        let Some(body) = op.get_mut("requestBody") else {
            continue;
        };
        let schema = &mut body["content"]["application/json"]["schema"];
        let Some(variants) = schema["oneOf"].as_array() else {
            continue;
        };
        if let [null, other] = variants.as_slice()
            && null["type"] == "null"
        {
            *schema = other.clone();
            body["required"] = json!(false);
        }
    }
}

/// A condition's `v` as its operator `o` (default `eq`) needs it (`search::compile`).
pub(super) fn condition() -> Value {
    let with = |ops: &[&str], v: Value| json!({"required": ["o"], "properties": {"o": {"enum": ops}, "v": v}});
    json!({"anyOf": [
        {"properties": {"o": {"enum": ["eq", "not"]}}},
        with(&["in", "not_in"], json!({"type": "array", "maxItems": MAX_VALUES})),
        with(&["contain", "not_contain"], json!({"type": "string"})),
        with(&["gt", "gte", "lt", "lte"], json!({"type": ["number", "string"]})),
        with(&["exists"], json!({"type": "boolean"})),
    ]})
}

/// The query schemas that name fields of a resource, copied once per searchable resource
/// with its keys (`search::Fields`): a key of webhooks is not one of inbound webhooks.
pub(super) const QUERY_SCHEMAS: [&str; 6] = [
    "SearchRequest",
    "SearchQuery",
    "StatRequest",
    "StatQuery",
    "Condition",
    "SearchSort",
];

/// Gives `/search` and `/stat` under `base` their own copies of [`QUERY_SCHEMAS`], prefixed
/// `prefix`, whose keys are `fields`'.
pub(super) fn specialize(
    doc: &mut Value,
    base: &str,
    prefix: &str,
    fields: &crate::search::Fields,
) {
    let mut keys = vec![json!({"enum": fields.keys})];
    if fields.tags {
        keys.push(json!({"pattern": r"^tags\.[\s\S]"}));
    }
    let key = json!({"type": "string", "anyOf": keys});
    let rename = |text: String| {
        QUERY_SCHEMAS.iter().fold(text, |t, name| {
            t.replace(
                &format!("\"#/components/schemas/{name}\""),
                &format!("\"#/components/schemas/{prefix}{name}\""),
            )
        })
    };
    let schemas = &mut doc["components"]["schemas"];
    for name in QUERY_SCHEMAS {
        let copy = rename(schemas[name].to_string());
        schemas[format!("{prefix}{name}")] = serde_json::from_str(&copy).expect("JSON");
    }
    for (schema, property) in [("Condition", "k"), ("SearchSort", "key")] {
        schemas[format!("{prefix}{schema}")]["properties"][property] = key.clone();
    }
    schemas[format!("{prefix}SearchQuery")]["properties"]["only"]["items"] = key.clone();
    schemas[format!("{prefix}StatQuery")]["properties"]["group_by"]["items"] = key;
    for (op, body) in [("search", "SearchRequest"), ("stat", "StatRequest")] {
        let schema = &mut doc["paths"][format!("{base}/{op}")]["post"]["requestBody"]["content"]["application/json"]
            ["schema"];
        assert!(!schema.is_null(), "no POST {base}/{op} in the document");
        *schema = json!({"$ref": format!("#/components/schemas/{prefix}{body}")});
    }
}
