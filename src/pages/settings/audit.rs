//! The audit log: every change and every refusal, newest first, with who, from where, the outcome
//! and the changes field by field. Filters and page live in the URL query (`AuditQuery`), so a
//! view can be shared and survives a reload.

use crate::api::{self, Loaded, query_string};
use crate::components::changes::ChangeList;
use crate::components::{Field, Pagination};
use crate::i18n::{I18n, T, tr};
use crate::pages::webhook_detail::local_time;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use webhook_api::{ActorType, AuditEntry, AuditQuery, Page};

/// The query keys the audit log understands.
const KEYS: [&str; 7] = [
    "actor",
    "target_type",
    "target_id",
    "action",
    "since",
    "page",
    "page_size",
];

/// The kinds of target the server records.
const TARGET_TYPES: [&str; 6] = [
    "webhook",
    "subscription",
    "user",
    "token",
    "session",
    "route",
];

/// The link of the audit log showing `q`.
fn audit_href(q: &AuditQuery) -> String {
    let qs = query_string(&q.to_pairs());
    if qs.is_empty() {
        "/settings/audit".into()
    } else {
        format!("/settings/audit?{qs}")
    }
}

/// RFC 3339 → the `datetime-local` value of the same moment in the browser's time zone.
fn to_local_input(rfc3339: &str) -> String {
    let d = js_sys::Date::new(&rfc3339.into());
    if d.get_time().is_nan() {
        return String::new();
    }
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// A `datetime-local` value (local time) → RFC 3339 UTC.
fn from_local_input(local: &str) -> Option<String> {
    let d = js_sys::Date::new(&local.into());
    (!local.is_empty() && !d.get_time().is_nan()).then(|| d.to_iso_string().into())
}

fn actor_type_text(t: ActorType) -> T {
    match t {
        ActorType::User => T::ActorUser,
        ActorType::Token => T::ActorToken,
        ActorType::Anonymous => T::ActorAnonymous,
        ActorType::System => T::ActorSystem,
    }
}

fn outcome_text(outcome: &str) -> Option<(T, &'static str)> {
    match outcome {
        "success" => Some((T::OutcomeSuccess, "badge-active")),
        "failure" => Some((T::OutcomeFailure, "badge-failed")),
        "refused" => Some((T::OutcomeRefused, "badge-awaitingRetry")),
        _ => None,
    }
}

#[component]
pub fn AuditSection() -> impl IntoView {
    let i18n = I18n::expect();
    let navigate = use_navigate();
    let query_map = use_query_map();
    // A hand-edited URL with a bad value keeps the good parts.
    let query = Memo::new(move |_| {
        query_map.with(|m| {
            let pairs: Vec<(&str, &str)> = KEYS
                .iter()
                .filter_map(|k| m.get_str(k).map(|v| (*k, v)))
                .filter(|p| AuditQuery::from_pairs([*p]).is_ok())
                .collect();
            AuditQuery::from_pairs(pairs).unwrap_or_default()
        })
    });
    let entries = Loaded::<Page<AuditEntry>>::new(move || query.with(api::audit_path));

    // The filter form: text fields apply on submit (Enter or the button), selects at once.
    let actor = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let since = RwSignal::new(String::new());
    Effect::new(move || {
        query.with(|q| {
            actor.set(q.actor.clone().unwrap_or_default());
            action.set(q.action.clone().unwrap_or_default());
            since.set(q.since.as_deref().map(to_local_input).unwrap_or_default());
        })
    });
    let apply = move |target_type: Option<String>| {
        let q = query.get_untracked();
        let text = |s: RwSignal<String>| {
            Some(s.get_untracked().trim().to_string()).filter(|s| !s.is_empty())
        };
        let next = AuditQuery {
            actor: text(actor),
            action: text(action),
            since: from_local_input(&since.get_untracked()),
            target_type: target_type
                .or(q.target_type.clone())
                .filter(|t| !t.is_empty()),
            page: 1,
            ..q
        };
        navigate(
            &audit_href(&next),
            NavigateOptions {
                scroll: false,
                ..Default::default()
            },
        );
    };
    let apply_submit = apply.clone();
    let target_type = move || query.with(|q| q.target_type.clone().unwrap_or_default());
    let th = move |t: T| view! { <th scope="col">{move || i18n.t(t)}</th> };

    view! {
        <section class="card" aria-labelledby="audit-title">
            <h2 id="audit-title">{tr(T::AuditLog)}</h2>
            <form
                class="inline-form"
                aria-label=tr(T::Filters)
                on:submit=move |ev| {
                    ev.prevent_default();
                    apply_submit(None);
                }
            >
                <Field id="audit-actor" label=Signal::derive(tr(T::Actor))>
                    <input id="audit-actor" class="input" prop:value=actor on:input=move |ev| actor.set(event_target_value(&ev)) />
                </Field>
                <Field id="audit-target-type" label=Signal::derive(tr(T::TargetType))>
                    <select id="audit-target-type" class="input" on:change=move |ev| apply(Some(event_target_value(&ev)))>
                        <option value="" selected=move || target_type().is_empty()>{tr(T::All)}</option>
                        {TARGET_TYPES.map(|t| view! { <option value=t selected=move || target_type() == t>{t}</option> }).collect_view()}
                    </select>
                </Field>
                <Field id="audit-action" label=Signal::derive(tr(T::AuditAction))>
                    <input id="audit-action" class="input" placeholder="user.create" prop:value=action on:input=move |ev| action.set(event_target_value(&ev)) />
                </Field>
                <Field id="audit-since" label=Signal::derive(tr(T::Since))>
                    <input id="audit-since" type="datetime-local" class="input" prop:value=since on:input=move |ev| since.set(event_target_value(&ev)) />
                </Field>
                <div class="inline-form-actions">
                    <button type="submit" class="btn btn-primary">{tr(T::ApplyFilters)}</button>
                    <a class="btn" href="/settings/audit">{tr(T::ClearFilters)}</a>
                </div>
            </form>
            {move || match entries.get() {
                None => view! { <p class="loading">{tr(T::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="field-error">{e.message(i18n.lang.get())}</p> }.into_any(),
                Some(Ok(p)) if p.results.is_empty() => view! { <p class="empty">{tr(T::NoAuditEntries)}</p> }.into_any(),
                Some(Ok(p)) => {
                    let total = p.total_count;
                    view! {
                        <div class="table-wrap">
                            <table class="table" aria-label=tr(T::AuditLog)>
                                <thead><tr>
                                    {th(T::Time)}{th(T::Actor)}{th(T::AuditAction)}{th(T::Target)}{th(T::ClientAddress)}{th(T::Outcome)}{th(T::Changes)}
                                </tr></thead>
                                <tbody>
                                    {p.results.into_iter().map(|e| view! { <AuditRow entry=e /> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Pagination
                            page=Signal::derive(move || query.get().page)
                            page_size=Signal::derive(move || query.get().page_size)
                            total=Signal::derive(move || total)
                            href=Callback::new(move |n| audit_href(&AuditQuery { page: n, ..query.get_untracked() }))
                        />
                    }.into_any()
                }
            }}
        </section>
    }
}

#[component]
fn AuditRow(entry: AuditEntry) -> impl IntoView {
    let i18n = I18n::expect();
    let actor_type = entry.actor_type;
    let actor = if entry.actor.is_empty() {
        "—".to_string()
    } else {
        entry.actor.clone()
    };
    let target = match (entry.target_type.is_empty(), entry.target_name.is_empty()) {
        (true, _) => String::new(),
        (false, true) => format!("{} {}", entry.target_type, entry.target_id),
        (false, false) => format!("{} {}", entry.target_type, entry.target_name),
    };
    let outcome = outcome_text(&entry.outcome);
    let raw_outcome = entry.outcome.clone();
    view! {
        <tr>
            <td><time datetime=entry.at.clone()>{local_time(&entry.at)}</time></td>
            <td>{actor}<span class="muted">{move || format!(" · {}", i18n.t(actor_type_text(actor_type)))}</span></td>
            <td class="mono cell-action">{entry.action.clone()}</td>
            <td>{target}</td>
            <td class="mono">{entry.client_addr.clone()}</td>
            <td>{match outcome {
                Some((t, class)) => view! { <span class=format!("badge {class}")>{move || i18n.t(t)}</span> }.into_any(),
                None => raw_outcome.into_any(),
            }}</td>
            <td class="cell-changes"><ChangeList changes=entry.changes /></td>
        </tr>
    }
}
