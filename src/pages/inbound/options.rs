//! A plugin's options as form fields, drawn from its `PluginOption` list: text or whole-number
//! inputs with the option's label, help and default (as the placeholder), checked as typed
//! (required, whole number, min/max) with the errors keyed `options.KEY` as the server keys them.

use crate::i18n::{I18n, Lang, T};
use leptos::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;
use webhook_api::{FieldError, OptionKind, PluginOption};

/// The field path of an option, as in the server's field errors.
pub fn option_field(key: &str) -> String {
    format!("options.{key}")
}

/// The id of an option's input.
pub fn option_input_id(key: &str) -> String {
    format!("inb-opt-{key}")
}

/// The texts of stored options, for the inputs.
pub fn option_texts(options: &Value) -> BTreeMap<String, String> {
    let Some(map) = options.as_object() else {
        return BTreeMap::new();
    };
    map.iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect()
}

/// The options object to send: the plugin's options that were filled in, integers as numbers.
/// A text that is not a whole number goes as it is, for the server to refuse if it ever gets it.
pub fn options_value(schema: &[PluginOption], texts: &BTreeMap<String, String>) -> Value {
    let mut out = serde_json::Map::new();
    for o in schema {
        let Some(text) = texts
            .get(&o.key)
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
        else {
            continue;
        };
        let value = match o.kind {
            OptionKind::Integer => text
                .parse::<i64>()
                .map_or_else(|_| Value::String(text.into()), Value::from),
            OptionKind::String => Value::String(text.into()),
        };
        out.insert(o.key.clone(), value);
    }
    Value::Object(out)
}

/// Why each filled-in (or required and empty) option is invalid, in `lang`, keyed `options.KEY`.
pub fn validate_options(
    schema: &[PluginOption],
    texts: &BTreeMap<String, String>,
    lang: Lang,
) -> BTreeMap<String, String> {
    let mut errors = BTreeMap::new();
    for o in schema {
        let text = texts.get(&o.key).map(|t| t.trim()).unwrap_or_default();
        let message = if text.is_empty() {
            o.required.then(|| FieldError::Required.message(lang))
        } else if o.kind == OptionKind::Integer {
            match text.parse::<i64>() {
                Err(_) => Some(T::OptionNotInteger.get(lang).to_string()),
                Ok(n) => range_error(n, o.min, o.max, lang),
            }
        } else {
            None
        };
        if let Some(m) = message {
            errors.insert(option_field(&o.key), m);
        }
    }
    errors
}

fn range_error(n: i64, min: Option<i64>, max: Option<i64>, lang: Lang) -> Option<String> {
    let fill = |t: T| {
        crate::i18n::fill(
            t.get(lang),
            &[
                ("min", &min.unwrap_or_default().to_string()),
                ("max", &max.unwrap_or_default().to_string()),
            ],
        )
    };
    match (min, max) {
        (Some(lo), Some(hi)) if n < lo || n > hi => Some(fill(T::OptionRange)),
        (Some(lo), None) if n < lo => Some(fill(T::OptionMin)),
        (None, Some(hi)) if n > hi => Some(fill(T::OptionMax)),
        _ => None,
    }
}

/// The default of an option as a placeholder.
fn placeholder(o: &PluginOption) -> String {
    match &o.default {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

/// The fields of a plugin's options.
#[component]
pub fn OptionFields(
    /// The selected plugin's options.
    #[prop(into)]
    schema: Signal<Vec<PluginOption>>,
    /// What is typed, by option key (kept across plugin changes).
    values: RwSignal<BTreeMap<String, String>>,
    /// The shown error of a field path (`options.KEY`).
    error_for: Callback<String, Option<String>>,
    /// Marks a field path as edited.
    edited: Callback<String>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let field = move |o: PluginOption| {
        let key = StoredValue::new(o.key.clone());
        let id = option_input_id(&o.key);
        let error_id = format!("{id}-error");
        let path = option_field(&o.key);
        let error = {
            let path = path.clone();
            Signal::derive(move || error_for.run(path.clone()))
        };
        let integer = o.kind == OptionKind::Integer;
        view! {
            <div class="field" class:field-invalid=move || error.with(Option::is_some)>
                <label for=id.clone() class="field-label" class:required=o.required>{o.label.clone()}</label>
                <input
                    id=id
                    type=if integer { "number" } else { "text" }
                    class="input"
                    class:input-narrow=integer
                    autocomplete="off"
                    placeholder=placeholder(&o)
                    min=o.min.map(|n| n.to_string())
                    max=o.max.map(|n| n.to_string())
                    prop:value=move || key.with_value(|k| values.with(|v| v.get(k).cloned().unwrap_or_default()))
                    aria-invalid=move || error.with(Option::is_some).to_string()
                    aria-describedby=error_id.clone()
                    on:input={
                        let path = path.clone();
                        move |ev| {
                            let text = event_target_value(&ev);
                            values.update(|v| {
                                v.insert(key.get_value(), text);
                            });
                            edited.run(path.clone());
                        }
                    }
                />
                {(!o.help.is_empty()).then(|| view! { <p class="field-hint">{o.help.clone()}</p> })}
                <p id=error_id class="field-error" aria-live="polite">{move || error.get()}</p>
            </div>
        }
    };
    view! {
        <fieldset class="field options">
            <legend class="field-label">{move || i18n.t(T::PluginOptions)}</legend>
            {move || {
                let schema = schema.get();
                if schema.is_empty() {
                    view! { <p class="muted">{move || i18n.t(T::NoPluginOptions)}</p> }.into_any()
                } else {
                    schema.into_iter().map(field).collect_view().into_any()
                }
            }}
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn option(
        key: &str,
        kind: OptionKind,
        required: bool,
        min: Option<i64>,
        max: Option<i64>,
    ) -> PluginOption {
        PluginOption {
            key: key.into(),
            kind,
            label: key.into(),
            help: String::new(),
            required,
            default: None,
            min,
            max,
        }
    }

    #[wasm_bindgen_test]
    fn options_are_checked_by_their_schema_and_sent_typed() {
        let schema = [
            option(
                "duplicate_event_time",
                OptionKind::Integer,
                false,
                Some(0),
                Some(86400),
            ),
            option("message_root", OptionKind::String, true, None, None),
        ];
        let texts = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>()
        };

        let errors = validate_options(
            &schema,
            &texts(&[("duplicate_event_time", "ten")]),
            Lang::En,
        );
        assert_eq!(
            errors
                .get("options.duplicate_event_time")
                .map(String::as_str),
            Some("Must be a whole number.")
        );
        assert!(errors.contains_key("options.message_root"));

        let errors = validate_options(
            &schema,
            &texts(&[("duplicate_event_time", "90000"), ("message_root", "m")]),
            Lang::En,
        );
        assert_eq!(
            errors
                .get("options.duplicate_event_time")
                .map(String::as_str),
            Some("Between 0 and 86400.")
        );

        let good = texts(&[
            ("duplicate_event_time", " 300 "),
            ("message_root", "msg"),
            ("other_plugin", "x"),
        ]);
        assert!(validate_options(&schema, &good, Lang::En).is_empty());
        assert_eq!(
            options_value(&schema, &good),
            serde_json::json!({"duplicate_event_time": 300, "message_root": "msg"})
        );
        assert_eq!(
            option_texts(&serde_json::json!({"duplicate_event_time": 300}))
                .get("duplicate_event_time")
                .map(String::as_str),
            Some("300")
        );
    }
}
