//! The list's counts by status, its table of webhooks with the row actions the user's role may
//! use, and the table of deleted webhooks with Restore.

use super::list_href;
use crate::api;
use crate::components::StatusBadge;
use crate::components::event_type_picker::event_type_name;
use crate::components::status_badge::status_text;
use crate::i18n::{I18n, T, tr};
use crate::pages::webhook_detail::local_time;
use crate::pages::webhook_form::auth_label;
use crate::session::Auth;
use leptos::prelude::*;
use webhook_api::{NoticeSummary, PauseSummary, Webhook, WebhookQuery, WebhookStatus, WebhookType};

/// Counts by status; each one a link that filters the list by it.
#[component]
pub fn StatCounts(
    /// The counts, fetched by the page.
    stat: api::Loaded<webhook_api::WebhookStat>,
    /// The list's current query, to build the links.
    query: Memo<WebhookQuery>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let chip = move |status: Option<WebhookStatus>, count: u64| {
        let href = list_href(&WebhookQuery {
            status,
            page: 1,
            ..query.get_untracked()
        });
        let current = query.with_untracked(|q| q.status == status);
        let label = move || i18n.t(status.map(status_text).unwrap_or(T::Total));
        view! {
            <a class="stat" class:stat-current=current href=href aria-current=current.then_some("true")>
                <span class="stat-label">{label}</span>
                <span class="stat-count">{count}</span>
            </a>
        }
    };
    view! {
        {move || {
            let s = stat.get()?.ok()?;
            query.track();
            let mut chips = vec![chip(None, s.total)];
            chips.extend(WebhookStatus::ALL.map(|st| chip(Some(st), s.by_status.get(st.as_str()).copied().unwrap_or(0))));
            Some(view! { <nav class="stats" aria-label=tr(T::Status)>{chips}</nav> })
        }}
    }
}

/// The table of one page of webhooks.
#[component]
pub fn WebhookTable(
    /// The webhooks of the page.
    rows: Vec<Webhook>,
    /// Every paused or resuming webhook: "paused · N held" beside their status.
    pauses: api::Loaded<Vec<PauseSummary>>,
    /// Open notices of all webhooks: "auto-disabled" beside their status.
    notices: api::Loaded<Vec<NoticeSummary>>,
    /// The id of the row whose action is running.
    busy_row: RwSignal<Option<String>>,
    /// Enable (`true`) or disable a webhook.
    on_toggle: Callback<(Webhook, bool)>,
    /// Ask to delete a webhook.
    on_delete: Callback<Webhook>,
    /// Send a sample event to a webhook now.
    on_send: Callback<Webhook>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let auth = Auth::expect();
    // The role is known before any page shows, and a change of role ends the session.
    let (admin, operator) = (auth.is_admin(), auth.can_operate());
    let rows = rows
        .into_iter()
        .map(|w| {
            let w = StoredValue::new(w);
            let id = w.with_value(|w| w.id.clone());
            let busy = Signal::derive(move || busy_row.with(|b| b.as_deref() == Some(id.as_str())));
            let get = move |f: fn(&Webhook) -> String| w.with_value(f);
            let events = move || {
                let lang = i18n.lang.get();
                w.with_value(|w| {
                    let mut names: Vec<String> = w.event_types.iter().take(2).map(|k| event_type_name(k, lang)).collect();
                    if w.event_types.len() > 2 {
                        names.push(i18n.fmt(T::MoreEventTypes, &[("n", &(w.event_types.len() - 2).to_string())]));
                    }
                    names.join(", ")
                })
            };
            let enabled = w.with_value(|w| w.enabled);
            let name = get(|w| w.name.clone());
            let wid = StoredValue::new(w.with_value(|w| w.id.clone()));
            // Under the status: "paused · N held", and "auto-disabled" while a notice is open (each
            // empty, and hidden, otherwise). Signal<String> texts: their rendering is in the wasm already.
            let mine = move |of: &str| wid.with_value(|id| id == of);
            let paused = Signal::derive(move || {
                let p = pauses.get().and_then(Result::ok).and_then(|ps| ps.into_iter().find(|p| mine(&p.webhook_id)));
                p.map(|p| i18n.fmt(if p.paused { T::ListPaused } else { T::ListResuming }, &[("n", &p.held.to_string())])).unwrap_or_default()
            });
            let noticed = Signal::derive(move || {
                let open = notices.get().and_then(Result::ok).is_some_and(|ns| ns.iter().any(|n| mine(&n.webhook_id)));
                if open { i18n.t(T::ListAutoDisabled).to_string() } else { String::new() }
            });
            view! {
                <tr>
                    <th scope="row" class="cell-name">
                        <a href=get(|w| format!("/webhooks/{}", w.id))>{name.clone()}</a>
                    </th>
                    <td>{move || i18n.t(if w.with_value(|w| w.kind) == WebhookType::Events { T::Events } else { T::Alarms })}</td>
                    <td class="cell-url" title=get(|w| w.url.clone())>{get(|w| w.url.clone())}</td>
                    <td class="cell-events">{events}</td>
                    <td>{move || i18n.t(auth_label(w.with_value(|w| w.auth.kind())))}</td>
                    <td class="cell-status"><StatusBadge status=w.with_value(|w| w.status) /><span class="badge badge-paused">{paused}</span><span class="badge badge-notice">{noticed}</span></td>
                    <td>{move || i18n.t(if enabled { T::Enabled } else { T::Disabled })}</td>
                    {operator.then(|| view! { <td class="cell-actions"><div class="row-actions">
                        {admin.then(|| view! {
                            <a class="btn btn-small" href=get(|w| format!("/webhooks/{}/edit", w.id))>
                                {tr(T::Modify)}
                            </a>
                        })}
                        {operator.then(|| view! {
                            <button
                                type="button"
                                class="btn btn-small"
                                disabled=busy
                                aria-busy=move || busy.get().to_string()
                                on:click=move |_| on_toggle.run((w.get_value(), !enabled))
                            >
                                {move || i18n.t(if busy.get() { T::Working } else if enabled { T::Disable } else { T::Enable })}
                            </button>
                            <button type="button" class="btn btn-small" on:click=move |_| on_send.run(w.get_value())>
                                {tr(T::Send)}
                            </button>
                        })}
                        {admin.then(|| view! {
                            <button type="button" class="btn btn-small btn-danger-quiet" disabled=busy on:click=move |_| on_delete.run(w.get_value())>
                                {tr(T::Delete)}
                            </button>
                        })}
                    </div></td> })}
                </tr>
            }
        })
        .collect_view();
    let th = move |t: T| view! { <th scope="col">{move || i18n.t(t)}</th> };
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        {th(T::Name)}{th(T::Type)}{th(T::Url)}{th(T::EventType)}{th(T::AuthType)}{th(T::Status)}{th(T::Enable)}
                        {operator.then(|| th(T::Actions))}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The table of one page of deleted webhooks (admins): when and by whom each was deleted, and
/// Restore.
#[component]
pub fn DeletedTable(
    /// The deleted webhooks of the page.
    rows: Vec<Webhook>,
    /// The id of the row being restored.
    busy_row: RwSignal<Option<String>>,
    /// Restore a webhook.
    on_restore: Callback<Webhook>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let rows = rows
        .into_iter()
        .map(|w| {
            let id = w.id.clone();
            let busy = Signal::derive(move || busy_row.with(|b| b.as_deref() == Some(id.as_str())));
            let kind = w.kind;
            let (name, url) = (w.name.clone(), w.url.clone());
            let (at, by) = (local_time(&w.updated_at), w.updated_by.clone());
            let w = StoredValue::new(w);
            view! {
                <tr>
                    <th scope="row" class="cell-name">{name}</th>
                    <td>{move || i18n.t(if kind == WebhookType::Events { T::Events } else { T::Alarms })}</td>
                    <td class="cell-url" title=url.clone()>{url.clone()}</td>
                    <td>{at}</td>
                    <td>{by}</td>
                    <td class="cell-actions">
                        <button
                            type="button"
                            class="btn btn-small"
                            disabled=busy
                            aria-busy=move || busy.get().to_string()
                            on:click=move |_| on_restore.run(w.get_value())
                        >
                            {move || i18n.t(if busy.get() { T::Working } else { T::Restore })}
                        </button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let th = move |t: T| view! { <th scope="col">{move || i18n.t(t)}</th> };
    view! {
        <div class="table-wrap">
            <table class="table" aria-label=tr(T::DeletedWebhooks)>
                <thead>
                    <tr>{th(T::Name)}{th(T::Type)}{th(T::Url)}{th(T::DeletedAt)}{th(T::DeletedBy)}{th(T::Actions)}</tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
