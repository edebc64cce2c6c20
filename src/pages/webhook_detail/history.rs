//! A webhook's history: every version, newest first, with who made it, when, and what changed
//! field by field (`GET /webhooks/{id}/versions`).

use super::local_time;
use crate::api::{self, Loaded};
use crate::components::changes::ChangeList;
use crate::i18n::{I18n, T, tr};
use leptos::prelude::*;
use webhook_api::WebhookVersion;

/// The word for a version's action; `None` for one this console does not know yet.
fn action_text(action: &str) -> Option<T> {
    Some(match action {
        "create" => T::ActionCreate,
        "modify" => T::ActionModify,
        "enable" => T::ActionEnable,
        "disable" => T::ActionDisable,
        "delete" => T::ActionDelete,
        "restore" => T::ActionRestore,
        "rotate_secret" => T::ActionRotateSecret,
        "auto_disable" => T::ActionAutoDisable,
        _ => return None,
    })
}

#[component]
pub fn History(
    /// The webhook's id.
    webhook_id: String,
    /// Its current version: the history is fetched again when it changes.
    #[prop(into)]
    version: Signal<i64>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let id = StoredValue::new(webhook_id);
    let versions = Loaded::<Vec<WebhookVersion>>::new(move || {
        version.track();
        id.with_value(|id| api::versions_path(id))
    });
    view! {
        <section class="card" aria-labelledby="history-title">
            <h2 id="history-title">{tr(T::History)}</h2>
            {move || match versions.get() {
                None => view! { <p class="loading">{tr(T::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="field-error">{e.message(i18n.lang.get())}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted">{tr(T::NoHistory)}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ol class="history">
                        {list.into_iter().map(|v| view! { <VersionItem version=v /> }).collect_view()}
                    </ol>
                }.into_any(),
            }}
        </section>
    }
}

/// One version: number, action, when, who, and its field changes.
#[component]
fn VersionItem(version: WebhookVersion) -> impl IntoView {
    let i18n = I18n::expect();
    let WebhookVersion {
        version: n,
        action,
        changed_at,
        changed_by,
        change,
    } = version;
    let word = action_text(&action);
    let action = move || word.map_or_else(|| action.clone(), |t| i18n.t(t).to_string());
    let changes: Vec<_> = change
        .fields_added
        .into_iter()
        .chain(change.fields_updated)
        .chain(change.fields_deleted)
        .collect();
    view! {
        <li class="version">
            <div class="version-head">
                <strong>{move || i18n.fmt(T::VersionN, &[("n", &n.to_string())])}</strong>
                <span class="badge badge-action">{action}</span>
                <time datetime=changed_at.clone()>{local_time(&changed_at)}</time>
                <span class="muted">{changed_by}</span>
            </div>
            <ChangeList changes=changes />
        </li>
    }
}
