//! The rules validation applies, written into the generated OpenAPI document: lengths, ranges,
//! patterns, enums of catalog keys, list sizes and uniqueness, `date-time`. utoipa derives the
//! shapes from the contract types; what a value may be lives in `webhook_api::validate` and the
//! handlers, so it is added here from the same constants. A request the document calls valid
//! passes validation, and one it calls invalid is refused (scripts/schemathesis.sh checks both).

use super::openapi_shapes::{
    QUERY_SCHEMAS, auth_rules, condition, inbound_plugins, optional_bodies, specialize,
};
use crate::search::{MAX_CONDITIONS, MAX_LIMIT};
use serde_json::{Value, json};
use webhook_api::validate::event::{RESOURCE_ID_MAX, SOURCE_MAX, WORD_MAX};
use webhook_api::validate::subscription::RESOURCE_TYPES_MAX;
use webhook_api::validate::*;
use webhook_api::{MAX_PAGE_SIZE, MAX_RESUME_RATE, MAX_SILENT_DAYS, catalog, topics};

/// Characters `char::is_control` is true for: no field of the API may hold them, except the
/// line breaks and tabs of multi-line text.
pub(super) const CONTROL: &str = r"\x00-\x1f\x7f-\x9f";
const CONTROL_BUT_LINES: &str = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f";

/// Single-line text of at most `max` characters, possibly empty.
fn line(max: usize) -> Value {
    json!({"maxLength": max, "pattern": format!("^[^{CONTROL}]*$")})
}

/// Single-line text of 1–`max` characters, not only spaces (`required` + `text`).
pub(super) fn required_line(max: usize) -> Value {
    json!({
        "minLength": 1,
        "maxLength": max,
        "pattern": format!(r"^[^{CONTROL}]*[^\s{CONTROL}][^{CONTROL}]*$"),
    })
}

/// Text that may span lines, at most `max` characters.
fn text(max: usize) -> Value {
    json!({"maxLength": max, "pattern": format!("^[^{CONTROL_BUT_LINES}]*$")})
}

/// `event::word`: 1–64 of `a-z`, `0-9`, `_`, `.`, `-`.
fn word() -> Value {
    json!({"pattern": format!("^[a-z0-9_.-]{{1,{WORD_MAX}}}$")})
}

/// A project id: empty, or a word of at most 64 characters.
fn project_id() -> Value {
    json!({"pattern": "^[a-z0-9_.-]{0,64}$"})
}

fn range(lo: impl Into<Value>, hi: impl Into<Value>) -> Value {
    json!({"minimum": lo.into(), "maximum": hi.into()})
}

/// Tags: at most 20, keys of 1–64 single-line characters (not only spaces), values up to 256.
fn tags() -> Value {
    json!({
        "maxProperties": TAGS_MAX,
        "propertyNames": required_line(64),
        "additionalProperties": merged(json!({"type": "string"}), line(256)),
    })
}

fn event_type_keys() -> Value {
    Value::from(catalog::EVENT_TYPES.iter().map(|e| e.0).collect::<Vec<_>>())
}

/// A list of catalog keys: at least one, each once.
fn event_types() -> Value {
    json!({"minItems": 1, "uniqueItems": true, "items": {"type": "string", "enum": event_type_keys()}})
}

/// RFC 3339, as `validate::event::rfc3339` reads it.
fn date_time() -> Value {
    json!({"format": "date-time"})
}

/// A regex matching `word` in any letter case (`[Hh][Oo][Ss][Tt]`); JSON Schema has no flags.
fn any_case(word: &str) -> String {
    word.chars()
        .map(|c| match (c.to_ascii_lowercase(), c.to_ascii_uppercase()) {
            (l, u) if l != u => format!("[{u}{l}]"),
            _ => c.to_string(),
        })
        .collect()
}

/// `(schema, property, rule)`: each rule is merged into the property's schema.
fn property_rules() -> Vec<(&'static str, &'static str, Value)> {
    // An RFC 9110 token, and none of the headers the server sets, in any case.
    let reserved: Vec<Value> = RESERVED_HEADERS
        .iter()
        .map(|h| json!({"pattern": format!("^{}$", any_case(h))}))
        .collect();
    let header_name = json!({"pattern": r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$",
        "not": {"anyOf": reserved}});
    // Users are admins, operators or viewers; publisher is for tokens.
    let user_role = json!({"type": "string",
        "enum": webhook_api::Role::USER_ROLES.map(|r| r.as_str())});
    let mut rules = vec![
        ("WebhookIn", "name", required_line(NAME_MAX)),
        ("WebhookIn", "description", text(DESCRIPTION_MAX)),
        ("WebhookIn", "url", webhook_url()),
        ("WebhookIn", "event_types", event_types()),
        (
            "WebhookIn",
            "batch_size",
            range(BATCH_SIZE_RANGE.0, BATCH_SIZE_RANGE.1),
        ),
        (
            "WebhookIn",
            "timeout",
            range(TIMEOUT_RANGE.0, TIMEOUT_RANGE.1),
        ),
        ("WebhookIn", "msg_key", required_line(MSG_KEY_MAX)),
        ("WebhookIn", "project_id", project_id()),
        ("WebhookIn", "tags", tags()),
        (
            "WebhookIn",
            "headers",
            json!({
                "maxProperties": HEADERS_MAX,
                "propertyNames": header_name,
                "additionalProperties": {"type": "string", "maxLength": HEADER_VALUE_MAX,
                    "pattern": "^[^\\x00-\\x08\\x0a-\\x1f\\x7f-\\x9f]*$"},
            }),
        ),
        (
            "WebhookIn",
            "body",
            json!({"maxProperties": BODY_FIELDS_MAX, "propertyNames": required_line(64)}),
        ),
        ("EventIn", "type", json!({"enum": event_type_keys()})),
        ("EventIn", "action", word()),
        ("EventIn", "resource_type", word()),
        ("EventIn", "resource_id", line(RESOURCE_ID_MAX)),
        ("EventIn", "source", line(SOURCE_MAX)),
        ("EventIn", "occurred_at", date_time()),
        ("SubscriptionIn", "event_types", event_types()),
        (
            "SubscriptionIn",
            "resource_types",
            json!({"maxItems": RESOURCE_TYPES_MAX, "uniqueItems": true, "items": word()}),
        ),
        (
            "SubscriptionIn",
            "severities",
            json!({"minItems": 1, "uniqueItems": true}),
        ),
        (
            "UserIn",
            "username",
            json!({"pattern": "^[A-Za-z0-9._@-]{1,64}$"}),
        ),
        ("UserIn", "display_name", json!({"maxLength": 100})),
        (
            "UserIn",
            "password",
            json!({"minLength": 10, "maxLength": 128}),
        ),
        ("UserIn", "role", user_role.clone()),
        ("UserUpdate", "display_name", json!({"maxLength": 100})),
        (
            "UserUpdate",
            "password",
            json!({"minLength": 10, "maxLength": 128}),
        ),
        ("UserUpdate", "role", user_role.clone()),
        ("TokenIn", "name", required_line(100)),
        ("TokenIn", "expires_at", date_time()),
        ("InboundWebhookIn", "name", required_line(NAME_MAX)),
        ("InboundWebhookIn", "project_id", project_id()),
        ("InboundWebhookIn", "tags", tags()),
        ("InboundWebhookUpdate", "name", required_line(NAME_MAX)),
        ("InboundWebhookUpdate", "project_id", project_id()),
        ("InboundWebhookUpdate", "tags", tags()),
        ("PauseIn", "resume_rate", range(1, MAX_RESUME_RATE)),
        ("RecoverIn", "since", date_time()),
        (
            "DrillSchedule",
            "time",
            json!({"pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}),
        ),
        ("SearchPage", "limit", range(1, MAX_LIMIT)),
        ("SearchPage", "start", range(1, i64::MAX)),
    ];
    for list in ["filter", "filter_or"] {
        rules.push(("SearchQuery", list, json!({"maxItems": MAX_CONDITIONS})));
        rules.push(("StatQuery", list, json!({"maxItems": MAX_CONDITIONS})));
    }
    rules
}

/// `validate::url`: an absolute http(s) URL whose host is DNS labels (letters, digits, `-`,
/// `_`; none starting or ending with `-`) or a bracketed IPv6 address, an optional port
/// 1–65535, no credentials, no whitespace.
fn webhook_url() -> Value {
    // `\w`: letters and digits of any script, and `_`, as `char::is_alphanumeric` reads them.
    let label = r"\w([\w-]{0,61}\w)?";
    // An IPv6 address in its usual forms (`::1`, `fe80::1`, `2001:db8::8a2e:370:7334`).
    let h = "[0-9A-Fa-f]{1,4}";
    let v6 = [
        format!("({h}:){{7}}{h}"),
        format!("({h}:){{1,7}}:"),
        format!("({h}:){{1,6}}:{h}"),
        format!("({h}:){{1,5}}(:{h}){{1,2}}"),
        format!("({h}:){{1,4}}(:{h}){{1,3}}"),
        format!("({h}:){{1,3}}(:{h}){{1,4}}"),
        format!("({h}:){{1,2}}(:{h}){{1,5}}"),
        format!("{h}:(:{h}){{1,6}}"),
        format!(":((:{h}){{1,7}}|:)"),
    ]
    .join("|");
    let port =
        "(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})";
    json!({
        "maxLength": URL_MAX,
        "pattern": format!(
            r"^[Hh][Tt][Tt][Pp][Ss]?://({label}(\.{label})*\.?|\[({v6})\])(:{port})?([/?#][^\s@{CONTROL}]*)?$"
        ),
    })
}

const IMPACT: &str = "/api/v1/subscriptions/impact";

/// `(path or "", parameter, rule)`: merged into the schema of every parameter of that name (on
/// that path only, when one is given).
fn parameter_rules() -> Vec<(&'static str, &'static str, Value)> {
    let topic_ids: Vec<&str> = topics::TOPICS.iter().map(|t| t.id).collect();
    let sorts: Vec<String> = webhook_api::SortField::ALL
        .iter()
        .flat_map(|f| [f.as_str().to_string(), format!("-{}", f.as_str())])
        .collect();
    vec![
        ("", "page", range(1, u32::MAX)),
        ("", "page_size", range(1, MAX_PAGE_SIZE)),
        ("/api/v1/webhooks", "silent_days", range(1, MAX_SILENT_DAYS)),
        (
            "/api/v1/webhooks",
            "sort",
            or_empty(sorts.iter().map(String::as_str)),
        ),
        (
            "/api/v1/webhooks",
            "type",
            or_empty(webhook_api::WebhookType::ALL.map(|t| t.as_str())),
        ),
        (
            "/api/v1/webhooks",
            "status",
            or_empty(webhook_api::WebhookStatus::ALL.map(|t| t.as_str())),
        ),
        (
            "/api/v1/webhooks",
            "event_type",
            or_empty(catalog::EVENT_TYPES.iter().map(|e| e.0)),
        ),
        (
            "/api/v1/webhooks",
            "project_id",
            trimmed("[a-z0-9_.-]{1,64}"),
        ),
        // KEY:VALUE, split at the first `:`; the key not blank.
        (
            "/api/v1/webhooks",
            "tag",
            trimmed(r"[^:]*[^\s:][^:]*:[\s\S]*"),
        ),
        (
            "/api/v1/events",
            "type",
            or_empty(catalog::EVENT_TYPES.iter().map(|e| e.0)),
        ),
        (
            "/api/v1/events",
            "resource_type",
            trimmed(&format!("[a-z0-9_.-]{{1,{WORD_MAX}}}")),
        ),
        ("/api/v1/events", "result", or_empty(["succeed", "failed"])),
        (
            "/api/v1/webhooks/{id}/deliveries",
            "status",
            or_empty(webhook_api::DeliveryStatus::ALL.map(|t| t.as_str())),
        ),
        (
            "/api/v1/inbound-webhooks",
            "state",
            trimmed("[Ee][Nn][Aa][Bb][Ll][Ee][Dd]|[Dd][Ii][Ss][Aa][Bb][Ll][Ee][Dd]"),
        ),
        ("/api/v1/stream", "topic", or_empty(topic_ids)),
        (
            "/api/v1/audit",
            "since",
            json!({"anyOf": [date_time(), {"pattern": format!("^{WS}*$")}]}),
        ),
        ("/api/v1/audit", "actor", json!({"maxLength": 200})),
        ("/api/v1/audit", "target_type", json!({"maxLength": 200})),
        ("/api/v1/audit", "target_id", json!({"maxLength": 200})),
        ("/api/v1/audit", "action", json!({"maxLength": 200})),
        (IMPACT, "disable_webhook", json!({"pattern": r"\S"})),
        (IMPACT, "delete_webhook", json!({"pattern": r"\S"})),
        (IMPACT, "disable_topic", json!({"pattern": r"\S"})),
        // A header is text, never JSON null (utoipa says `["string", "null"]` for an Option).
        (
            "/api/v1/stream",
            "Last-Event-ID",
            json!({"type": "string", "pattern": "^[+-]?[0-9]{1,18}$"}),
        ),
    ]
}

/// `(schema, rule)`: rules about a whole object, merged into its schema.
fn schema_rules() -> Vec<(&'static str, Value)> {
    let platform_secret: Vec<&str> = webhook_api::PayloadFormat::ALL
        .into_iter()
        .filter(|f| f.uses_platform_secret())
        .map(|f| f.as_str())
        .collect();
    vec![
        ("Condition", condition()),
        ("InboundWebhookIn", inbound_plugins()),
        (
            "WebhookIn",
            json!({
                "if": {"required": ["format"], "properties": {"format": {"enum": platform_secret}}},
                "else": {"properties": {"auth": {
                    "if": {"properties": {"type": {"const": "signature"}}},
                    "then": {"properties": {"secret": whsec()}},
                }}},
            }),
        ),
        // `check`: a weekly drill needs its day.
        (
            "DrillSchedule",
            json!({"if": {"required": ["frequency"], "properties": {"frequency": {"const": "weekly"}}},
                "then": {"required": ["weekday"], "properties": {"weekday": {"type": "string"}}}}),
        ),
    ]
}

/// What `str::trim` removes (Unicode White_Space; Python's `\s` also has `\x1c`–`\x1f`).
const WS: &str = r"[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";

/// A query parameter the server trims, and skips when nothing is left: `inner` (a regex), or
/// empty, with any spaces around.
fn trimmed(inner: &str) -> Value {
    json!({"pattern": format!("^{WS}*({inner})?{WS}*$")})
}

/// A filter's values; empty (the parameter given without a value) means no filter.
fn or_empty<'a>(values: impl IntoIterator<Item = &'a str>) -> Value {
    let escape = |v: &str| v.replace('.', r"\.").replace('+', r"\+");
    trimmed(&values.into_iter().map(escape).collect::<Vec<_>>().join("|"))
}

/// `signing_secret`: `whsec_` and 32–88 characters of base64 (with its `=` padding).
fn whsec() -> Value {
    let b = "[A-Za-z0-9+/]";
    json!({"pattern": format!("^whsec_({b}{{32,88}}|{b}{{31,87}}=|{b}{{30,86}}==)$")})
}

/// Adds every rule to `doc` (the document as JSON).
pub fn apply(doc: &mut Value) {
    let schemas = &mut doc["components"]["schemas"];
    auth_rules(&mut schemas["Auth"]);
    for (schema, rule) in schema_rules() {
        let target = &mut schemas[schema];
        assert!(!target.is_null(), "{schema} is not in the document");
        *target = merged(target.take(), rule);
    }
    for (schema, property, rule) in property_rules() {
        let target = &mut schemas[schema]["properties"][property];
        assert!(
            !target.is_null(),
            "{schema}.{property} is not in the document"
        );
        *target = merged(target.take(), rule);
    }
    optional_bodies(doc);
    // The stream's messages, as a client's EventSource parses them (`LiveMessage` in `data`).
    doc["paths"]["/api/v1/stream"]["get"]["responses"]["200"]["content"]["text/event-stream"]["schema"] = json!({
        "type": "object",
        "required": ["data"],
        "properties": {
            "id": {"type": "string", "pattern": "^[0-9]+$"},
            "event": {"enum": ["event", "delivery", "attempt"]},
            "data": {"type": "string", "description": "JSON"},
        },
    });
    specialize(
        doc,
        "/api/v1/webhooks",
        "Webhook",
        &super::webhook_search::WEBHOOK_FIELDS,
    );
    specialize(
        doc,
        "/api/v1/inbound-webhooks",
        "Inbound",
        &super::inbound_query::FIELDS,
    );
    for name in QUERY_SCHEMAS {
        doc["components"]["schemas"]
            .as_object_mut()
            .map(|s| s.remove(name));
    }
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    let parameters = parameter_rules();
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for op in item.values_mut() {
            let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
                continue;
            };
            for param in params {
                for (on, name, rule) in &parameters {
                    if param["name"] == *name && (on.is_empty() || on == path) {
                        let schema = param["schema"].take();
                        param["schema"] = merged(schema, rule.clone());
                    }
                }
            }
        }
    }
}

/// `schema` with `rule`'s keywords added. The rules are about values, not `null`: a nullable
/// schema (`"type": ["string", "null"]`, or a `oneOf` with `null`) keeps `null` allowed; a rule
/// with its own `type` replaces the reference it narrows.
pub(super) fn merged(schema: Value, rule: Value) -> Value {
    let Value::Object(mut schema) = schema else {
        return rule;
    };
    let Value::Object(rule) = rule else {
        return Value::Object(schema);
    };
    if let Some(Value::Array(variants)) = schema.get_mut("oneOf")
        && let Some(value) = variants.iter_mut().find(|v| v["type"] != "null")
    {
        *value = merged(value.take(), Value::Object(rule));
        return Value::Object(schema);
    }
    if rule.contains_key("type") {
        schema.remove("$ref");
    }
    let nullable =
        matches!(&schema.get("type"), Some(Value::Array(t)) if t.contains(&json!("null")));
    for (k, v) in rule {
        match (k.as_str(), schema.get_mut(&k)) {
            ("items", Some(items)) => *items = merged(items.take(), v),
            ("properties", Some(Value::Object(properties))) => {
                for (name, rule) in v.as_object().into_iter().flatten() {
                    let schema = properties.remove(name).unwrap_or(Value::Null);
                    properties.insert(name.clone(), merged(schema, rule.clone()));
                }
            }
            // A nullable enum keeps null among its values.
            ("enum", _) if nullable => {
                let mut values = v.as_array().cloned().unwrap_or_default();
                values.push(Value::Null);
                schema.insert(k, Value::Array(values));
            }
            _ => {
                schema.insert(k, v);
            }
        }
    }
    Value::Object(schema)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_carries_the_rules() {
        let doc = super::super::openapi::document();
        let schemas = &doc["components"]["schemas"];
        let name = &schemas["WebhookIn"]["properties"]["name"];
        assert_eq!(name["maxLength"], NAME_MAX);
        assert_eq!(name["minLength"], 1);
        assert_eq!(
            schemas["WebhookIn"]["properties"]["batch_size"]["maximum"],
            100
        );
        assert_eq!(
            schemas["PauseIn"]["properties"]["resume_rate"]["maximum"],
            MAX_RESUME_RATE
        );
        // Each searchable resource has its own keys; the shared schemas are gone.
        let search = &doc["paths"]["/api/v1/webhooks/search"]["post"]["requestBody"];
        assert_eq!(
            search["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/WebhookSearchRequest"
        );
        let keys = &schemas["InboundCondition"]["properties"]["k"]["anyOf"][0]["enum"];
        assert!(
            keys.as_array()
                .unwrap()
                .contains(&json!("plugin_info.plugin_id"))
        );
        assert!(schemas["SearchRequest"].is_null());
        // Parameters: paging from 1, filters with their values (or none).
        let list = &doc["paths"]["/api/v1/webhooks"]["get"]["parameters"];
        let param = |n: &str| {
            list.as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == n)
                .unwrap()
        };
        assert_eq!(param("page")["schema"]["minimum"], 1);
        assert_eq!(
            param("type")["schema"]["pattern"],
            format!("^{WS}*(events|alarms)?{WS}*$")
        );
        // An optional body is an optional object, not a JSON null.
        let pause = &doc["paths"]["/api/v1/webhooks/{id}/pause"]["post"]["requestBody"];
        assert_eq!(pause["required"], false);
        assert_eq!(
            pause["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/PauseIn"
        );
    }

    #[test]
    fn reserved_headers_in_any_case() {
        assert_eq!(
            any_case("webhook-id"),
            "[Ww][Ee][Bb][Hh][Oo][Oo][Kk]-[Ii][Dd]"
        );
    }

    #[test]
    fn rules_keep_null_where_it_was_allowed() {
        let nullable = merged(json!({"type": ["string", "null"]}), json!({"maxLength": 3}));
        assert_eq!(
            nullable,
            json!({"type": ["string", "null"], "maxLength": 3})
        );
        let one_of = merged(
            json!({"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Role"}]}),
            json!({"type": "string", "enum": ["admin"]}),
        );
        assert_eq!(
            one_of,
            json!({"oneOf": [{"type": "null"}, {"type": "string", "enum": ["admin"]}]})
        );
        let nested = merged(
            json!({"properties": {"a": {"type": "string"}, "b": {"type": "integer"}}}),
            json!({"properties": {"a": {"maxLength": 1}}}),
        );
        assert_eq!(
            nested["properties"]["a"],
            json!({"type": "string", "maxLength": 1})
        );
        assert_eq!(nested["properties"]["b"], json!({"type": "integer"}));
    }
}
