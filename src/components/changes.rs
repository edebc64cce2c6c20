//! A change field by field, as the audit log and a webhook's history record it: `name: old → new`
//! (secrets arrive as "(changed)", never their value).

use leptos::prelude::*;
use serde_json::Value;
use webhook_api::FieldChange;

/// One side of a change for people: strings as they are, other values as compact JSON, and "—"
/// for a side that is absent (a field added or removed).
pub fn value_text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "—".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// `name: old → new`.
pub fn change_text(change: &FieldChange) -> String {
    format!(
        "{}: {} → {}",
        change.name,
        value_text(change.old_value.as_ref()),
        value_text(change.new_value.as_ref())
    )
}

#[component]
pub fn ChangeList(
    /// The fields that changed; nothing is shown when empty.
    changes: Vec<FieldChange>,
) -> impl IntoView {
    (!changes.is_empty()).then(|| {
        view! {
            <ul class="changes">
                {changes.iter().map(|c| view! { <li class="mono">{change_text(c)}</li> }).collect_view()}
            </ul>
        }
    })
}
