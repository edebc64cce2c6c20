//! The list's toolbar: the search field, the filter and sort selects, the project and tag
//! filters, and (for admins) the switch to the deleted webhooks.

use crate::components::event_type_picker::event_type_name;
use crate::components::status_badge::status_text;
use crate::i18n::{I18n, Lang, T, tr};
use leptos::prelude::*;
use std::time::Duration;
use webhook_api::{EVENT_TYPES, Sort, WebhookQuery, WebhookStatus, WebhookType};

/// Sort choices offered in the toolbar: (value, English, Chinese).
const SORTS: [(&str, &str, &str); 5] = [
    ("-created_at", "Newest first", "最新创建"),
    ("created_at", "Oldest first", "最早创建"),
    ("name", "Name A–Z", "名称 A–Z"),
    ("-name", "Name Z–A", "名称 Z–A"),
    ("-updated_at", "Recently modified", "最近修改"),
];

/// The "no event in N days" choices of the activity filter (any 1–365 works in the URL).
const QUIET_DAYS: [u32; 3] = [7, 30, 90];

/// Sets one filter of `q` from a select's value ("" clears it).
pub fn apply_filter(q: &mut WebhookQuery, key: &str, value: &str) {
    let value = Some(value).filter(|v| !v.is_empty());
    match key {
        "type" => q.kind = value.and_then(WebhookType::parse),
        "enabled" => q.enabled = value.map(|v| v == "true"),
        "status" => q.status = value.and_then(WebhookStatus::parse),
        "event_type" => q.event_type = value.map(str::to_string),
        "project_id" => q.project_id = value.map(str::to_string),
        "tag" => {
            q.tag = value
                .and_then(|v| v.split_once(':'))
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        }
        "silent_days" => q.silent_days = value.and_then(|v| v.parse().ok()),
        "deleted" => q.deleted = value == Some("true"),
        "sort" => q.sort = value.and_then(Sort::parse).unwrap_or_default(),
        "page_size" => {
            q.page_size = value
                .and_then(|v| v.parse().ok())
                .unwrap_or(webhook_api::DEFAULT_PAGE_SIZE)
        }
        _ => {}
    }
}

/// The search field: applies what is typed after a short pause, without losing keystrokes typed
/// while the list reloads.
#[component]
pub fn SearchBox(
    /// The list's current query (the source of the field's value on back/forward).
    query: Memo<WebhookQuery>,
    /// Called with the text to search for.
    on_search: Callback<String>,
) -> impl IntoView {
    let text = RwSignal::new(query.get_untracked().search.unwrap_or_default());
    let pushed = StoredValue::new(text.get_untracked());
    let timer = StoredValue::new(None::<TimeoutHandle>);
    // Follow the URL only when it changed by other means (back button, a shared link).
    Effect::new(move || {
        let s = query.with(|q| q.search.clone().unwrap_or_default());
        if s != pushed.get_value() {
            pushed.set_value(s.clone());
            text.set(s);
        }
    });
    view! {
        <div class="search" role="search">
            <label for="wh-search" class="visually-hidden">{tr(T::Search)}</label>
            <input
                id="wh-search"
                type="search"
                class="input"
                placeholder=tr(T::SearchPlaceholder)
                prop:value=text
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    if let Some(h) = timer.get_value() {
                        h.clear();
                    }
                    let handle = set_timeout_with_handle(
                        move || {
                            let t = text.get_untracked();
                            pushed.set_value(t.clone());
                            on_search.run(t);
                        },
                        Duration::from_millis(300),
                    );
                    timer.set_value(handle.ok());
                }
            />
        </div>
    }
}

/// The filter and sort selects.
#[component]
pub fn Filters(
    /// The list's current query.
    query: Memo<WebhookQuery>,
    /// Called with (query key, new value); an empty value clears the filter.
    update: Callback<(&'static str, String)>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let select = move |key: &'static str,
                       label: T,
                       current: Signal<String>,
                       options: Signal<Vec<(String, String)>>| {
        let id = format!("filter-{key}");
        view! {
            <div class="filter">
                <label for=id.clone()>{move || i18n.t(label)}</label>
                <select
                    id=id
                    class="input"
                    on:change=move |ev| update.run((key, event_target_value(&ev)))
                >
                    {move || {
                        options
                            .get()
                            .into_iter()
                            .map(|(value, text)| {
                                let selected = current.get() == value;
                                view! { <option value=value selected=selected>{text}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
        }
    };
    let all = move || (String::new(), i18n.t(T::All).to_string());
    let opts = move |f: fn(I18n) -> Vec<(String, String)>| Signal::derive(move || f(i18n));
    view! {
        <div class="filters">
            {select("type", T::Type, Signal::derive(move || query.with(|q| q.kind.map(|t| t.as_str()).unwrap_or("").to_string())), Signal::derive(move || {
                let mut o = vec![all()];
                o.extend(WebhookType::ALL.map(|t| (t.as_str().to_string(), i18n.t(if t == WebhookType::Events { T::Events } else { T::Alarms }).to_string())));
                o
            }))}
            {select("enabled", T::Enable, Signal::derive(move || query.with(|q| q.enabled.map(|e| e.to_string()).unwrap_or_default())), Signal::derive(move || {
                vec![all(), ("true".into(), i18n.t(T::Enabled).into()), ("false".into(), i18n.t(T::Disabled).into())]
            }))}
            {select("status", T::Status, Signal::derive(move || query.with(|q| q.status.map(|s| s.as_str()).unwrap_or("").to_string())), Signal::derive(move || {
                let mut o = vec![all()];
                o.extend(WebhookStatus::ALL.map(|s| (s.as_str().to_string(), i18n.t(status_text(s)).to_string())));
                o
            }))}
            {select("event_type", T::EventType, Signal::derive(move || query.with(|q| q.event_type.clone().unwrap_or_default())), Signal::derive(move || {
                let mut o = vec![all()];
                let lang = i18n.lang.get();
                o.extend(EVENT_TYPES.iter().map(|e| (e.0.to_string(), event_type_name(e.0, lang))));
                o
            }))}
            {select("silent_days", T::QuietFilter, Signal::derive(move || query.with(|q| q.silent_days.map(|n| n.to_string()).unwrap_or_default())), Signal::derive(move || {
                let mut o = vec![all()];
                // A link may hold another number of days: offered too, so the select shows it.
                let mut days = QUIET_DAYS.to_vec();
                if let Some(n) = query.with(|q| q.silent_days).filter(|n| !days.contains(n)) {
                    days.push(n);
                    days.sort_unstable();
                }
                o.extend(days.into_iter().map(|n| (n.to_string(), i18n.fmt(T::QuietFor, &[("n", &n.to_string())]))));
                o
            }))}
            {select("sort", T::Sort, Signal::derive(move || query.with(|q| q.sort.to_query())), opts(|i18n| {
                let zh = i18n.lang.get() == crate::i18n::Lang::Zh;
                SORTS.iter().map(|(v, en, cn)| (v.to_string(), if zh { cn } else { en }.to_string())).collect()
            }))}
        </div>
    }
}

/// The project and tag filters, typed beside the search field.
#[component]
pub fn ProjectTagFilters(
    /// The list's current query.
    query: Memo<WebhookQuery>,
    /// Called with (query key, new value); an empty value clears the filter.
    update: Callback<(&'static str, String)>,
) -> impl IntoView {
    view! {
        <div class="filters">
            <TextFilter
                key="project_id"
                label=T::Project
                placeholder="project-web"
                current=Signal::derive(move || query.with(|q| q.project_id.clone().unwrap_or_default()))
                check=project_problem
                update=update
            />
            <TextFilter
                key="tag"
                label=T::Tag
                placeholder="env:prod"
                current=Signal::derive(move || query.with(|q| q.tag.as_ref().map(|(k, v)| format!("{k}:{v}")).unwrap_or_default()))
                check=tag_problem
                update=update
            />
        </div>
    }
}

/// Why a project filter cannot be applied: the rule of a webhook's project.
fn project_problem(text: &str, lang: Lang) -> Option<String> {
    webhook_api::inbound::project_id(text).err().map(|e| e.message(lang))
}

/// Why a tag filter cannot be applied: it is `key:value`, as the server reads `?tag=`.
fn tag_problem(text: &str, lang: Lang) -> Option<String> {
    WebhookQuery::from_pairs([("tag", text)])
        .is_err()
        .then(|| T::TagFilterInvalid.get(lang).to_string())
}

/// A filter typed as text (project, tag): applied on Enter or when the field is left, once the
/// text is valid. An invalid text stays in the field with its error and is not applied, so the
/// URL only ever holds filters the server accepts.
#[component]
fn TextFilter(
    /// The query key it sets; the control's id is `filter-KEY`.
    key: &'static str,
    /// The visible label.
    label: T,
    /// Shown in the empty field.
    placeholder: &'static str,
    /// The filter's value in the URL ("" for none).
    current: Signal<String>,
    /// Why a text cannot be applied, in the given language; None when it can.
    check: fn(&str, Lang) -> Option<String>,
    /// Called with (query key, new value); an empty value clears the filter.
    update: Callback<(&'static str, String)>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let text = RwSignal::new(current.get_untracked());
    let error = RwSignal::new(None::<String>);
    // Follow the URL when it changes by other means (back button, another filter, a link).
    Effect::new(move || {
        text.set(current.get());
        error.set(None);
    });
    let id = format!("filter-{key}");
    let error_id = format!("{id}-error");
    view! {
        <div class="filter">
            <label for=id.clone()>{move || i18n.t(label)}</label>
            <input
                id=id
                type="text"
                class="input input-filter"
                autocomplete="off"
                placeholder=placeholder
                prop:value=text
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=error_id.clone()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    error.set(None);
                }
                on:change=move |ev| {
                    let value = event_target_value(&ev).trim().to_string();
                    let problem = if value.is_empty() { None } else { check(&value, i18n.lang.get_untracked()) };
                    match problem {
                        Some(e) => error.set(Some(e)),
                        None if value != current.get_untracked() => update.run((key, value)),
                        None => {}
                    }
                }
            />
            <span id=error_id class="field-error" aria-live="polite">{move || error.get()}</span>
        </div>
    }
}

/// The switch between the live webhooks and the deleted ones (admins).
#[component]
pub fn DeletedSwitch(
    /// The list's current query.
    query: Memo<WebhookQuery>,
    /// Called with ("deleted", "true" or "").
    update: Callback<(&'static str, String)>,
) -> impl IntoView {
    view! {
        <label class="switch deleted-switch">
            <input
                type="checkbox"
                role="switch"
                prop:checked=move || query.with(|q| q.deleted)
                on:change=move |ev| update.run(("deleted", if event_target_checked(&ev) { "true".into() } else { String::new() }))
            />
            <span>{tr(T::ShowDeleted)}</span>
        </label>
    }
}
