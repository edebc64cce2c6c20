//! The inbound webhook list (`/inbound`): keyword search and the state and plugin filters live in
//! the URL query; rows offer Modify, Enable/Disable and Delete as far as the user's role goes.

use super::{InboundQuery, StateBadge, plugin_name};
use crate::api;
use crate::components::{ConfirmDialog, Pagination, Toasts};
use crate::i18n::{I18n, T, tr};
use crate::pages::webhook_detail::local_time;
use crate::session::Auth;
use crate::task::Task;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::time::Duration;
use webhook_api::{InboundState, InboundWebhook, Page, PluginDescriptor};

#[component]
pub fn InboundList() -> impl IntoView {
    let i18n = I18n::expect();
    let toasts = Toasts::expect();
    let auth = Auth::expect();
    let navigate = use_navigate();
    let query_map = use_query_map();
    let query = Memo::new(move |_| query_map.with(InboundQuery::from_map));
    // Changing the search or a filter goes back to page 1; typing replaces the history entry.
    let set_query = move |f: &dyn Fn(&mut InboundQuery), replace: bool| {
        let mut q = query.get_untracked();
        f(&mut q);
        q.page = 1;
        navigate(
            &q.href(),
            NavigateOptions {
                replace,
                scroll: false,
                ..Default::default()
            },
        );
    };
    let set_query = StoredValue::new_local(set_query);

    let changes = RwSignal::new(0u32);
    let page = api::Loaded::<Page<InboundWebhook>>::new(move || {
        changes.track();
        query.with(|q| api::inbound_webhooks_path(&q.to_pairs()))
    });
    let plugins =
        api::Loaded::<Vec<PluginDescriptor>>::new(|| api::INBOUND_PLUGINS_PATH.to_string());
    let plugin_list =
        Signal::derive(move || plugins.get().and_then(Result::ok).unwrap_or_default());

    let busy_row = RwSignal::new(None::<String>);
    let toggling = Task::new();
    let toggle = move |(w, enable): (InboundWebhook, bool)| {
        busy_row.set(Some(w.webhook_id.clone()));
        toggling.run(async move {
            let result = api::set_inbound_enabled(&w.webhook_id, enable).await;
            busy_row.set(None);
            match result {
                Ok(w) => {
                    let text = if enable {
                        T::InboundEnabledToast
                    } else {
                        T::InboundDisabledToast
                    };
                    toasts.success(i18n.fmt(text, &[("name", &w.name)]));
                    changes.update(|n| *n += 1);
                }
                Err(e) => toasts.error(e.message(i18n.lang.get_untracked())),
            }
        });
    };
    let to_delete = RwSignal::new(None::<InboundWebhook>);
    let deleting = Task::new();
    let delete = move |w: InboundWebhook| {
        deleting.run(async move {
            match api::delete_inbound(&w.webhook_id).await {
                Ok(()) => {
                    toasts.success(i18n.fmt(T::InboundDeleted, &[("name", &w.name)]));
                    to_delete.set(None);
                    changes.update(|n| *n += 1);
                }
                Err(e) => toasts.error(e.message(i18n.lang.get_untracked())),
            }
        });
    };

    view! {
        <section class="card">
            <h1>{tr(T::InboundWebhooks)}</h1>
            <p class="muted">{tr(T::InboundHint)}</p>
            <div class="toolbar">
                {move || auth.is_admin().then(|| view! { <a href="/inbound/new" class="btn btn-primary">{tr(T::CreateInbound)}</a> })}
                <KeywordBox
                    query=query
                    on_search=Callback::new(move |text: String| {
                        set_query.with_value(|set| set(&|q: &mut InboundQuery| q.keyword = Some(text.trim().to_string()).filter(|s| !s.is_empty()), true))
                    })
                />
                <div class="filters">
                    <div class="filter">
                        <label for="inbound-state">{tr(T::State)}</label>
                        <select
                            id="inbound-state"
                            class="input"
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                set_query.with_value(|set| set(&|q: &mut InboundQuery| q.state = InboundState::parse(&v), false))
                            }
                        >
                            <option value="" selected=move || query.with(|q| q.state.is_none())>{tr(T::All)}</option>
                            {[InboundState::Enabled, InboundState::Disabled].map(|s| view! {
                                <option value=s.as_str() selected=move || query.with(|q| q.state == Some(s))>
                                    {tr(if s == InboundState::Enabled { T::StateEnabled } else { T::StateDisabled })}
                                </option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="filter">
                        <label for="inbound-plugin">{tr(T::Plugin)}</label>
                        <select
                            id="inbound-plugin"
                            class="input"
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                set_query.with_value(|set| set(&|q: &mut InboundQuery| q.plugin_id = Some(v.clone()).filter(|v| !v.is_empty()), false))
                            }
                        >
                            <option value="" selected=move || query.with(|q| q.plugin_id.is_none())>{tr(T::All)}</option>
                            {move || plugin_list.get().into_iter().map(|p| {
                                let id = p.plugin_id.clone();
                                let selected = query.with(|q| q.plugin_id.as_deref() == Some(id.as_str()));
                                view! { <option value=p.plugin_id selected=selected>{p.name}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="filter">
                        <label for="inbound-project">{tr(T::ProjectId)}</label>
                        <input
                            id="inbound-project"
                            class="input"
                            type="search"
                            prop:value=move || query.with(|q| q.project_id.clone().unwrap_or_default())
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                set_query.with_value(|set| set(&|q: &mut InboundQuery| q.project_id = Some(v.trim().to_string()).filter(|v| !v.is_empty()), false))
                            }
                        />
                    </div>
                </div>
            </div>
            {move || match page.get() {
                None => view! { <p class="loading">{tr(T::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! {
                    <div class="empty" role="alert">
                        <h2>{tr(T::ErrorUnexpected)}</h2>
                        <p>{e.message(i18n.lang.get())}</p>
                        <button type="button" class="btn btn-primary" on:click=move |_| changes.update(|n| *n += 1)>{tr(T::Retry)}</button>
                    </div>
                }.into_any(),
                Some(Ok(p)) if p.results.is_empty() => {
                    let filtered = query.with_untracked(InboundQuery::filtered);
                    view! {
                        <div class="empty">
                            <h2>{move || i18n.t(if filtered { T::InboundNoMatchTitle } else { T::InboundEmptyTitle })}</h2>
                            <p>{move || i18n.t(if filtered { T::NoMatchHint } else if auth.is_admin() { T::InboundEmptyHint } else { T::InboundEmptyHintReadOnly })}</p>
                            {if filtered {
                                view! { <a class="btn" href="/inbound">{tr(T::ClearFilters)}</a> }.into_any()
                            } else {
                                ().into_any()
                            }}
                        </div>
                    }.into_any()
                }
                Some(Ok(p)) => {
                    let total = p.total_count;
                    view! {
                        <InboundTable
                            rows=p.results
                            plugins=plugin_list
                            busy_row=busy_row
                            on_toggle=Callback::new(toggle)
                            on_delete=Callback::new(move |w| to_delete.set(Some(w)))
                        />
                        <Pagination
                            page=Signal::derive(move || query.get().page)
                            page_size=Signal::derive(move || query.get().page_size)
                            total=Signal::derive(move || total)
                            href=Callback::new(move |n| InboundQuery { page: n, ..query.get_untracked() }.href())
                        />
                    }.into_any()
                }
            }}
        </section>
        <ConfirmDialog
            open=Signal::derive(move || to_delete.with(Option::is_some))
            title=Signal::derive(tr(T::ConfirmDeleteInboundTitle))
            message=Signal::derive(move || {
                let name = to_delete.with(|w| w.as_ref().map(|w| w.name.clone()).unwrap_or_default());
                i18n.fmt(T::ConfirmDeleteInboundText, &[("name", &name)])
            })
            confirm_label=Signal::derive(move || i18n.t(if deleting.pending() { T::Working } else { T::Delete }))
            cancel_label=Signal::derive(tr(T::Cancel))
            danger=true
            pending=Signal::derive(move || deleting.pending())
            on_confirm=move || {
                if let Some(w) = to_delete.get_untracked() {
                    delete(w);
                }
            }
            on_cancel=move || to_delete.set(None)
        />
    }
}

/// The keyword field: applies what is typed after a short pause, and follows the URL when it
/// changes by other means (back button, a shared link).
#[component]
fn KeywordBox(
    /// The list's current query.
    query: Memo<InboundQuery>,
    /// Called with the text to search for.
    on_search: Callback<String>,
) -> impl IntoView {
    let text = RwSignal::new(query.get_untracked().keyword.unwrap_or_default());
    let pushed = StoredValue::new(text.get_untracked());
    let timer = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move || {
        let k = query.with(|q| q.keyword.clone().unwrap_or_default());
        if k != pushed.get_value() {
            pushed.set_value(k.clone());
            text.set(k);
        }
    });
    view! {
        <div class="search" role="search">
            <label for="inbound-keyword" class="visually-hidden">{tr(T::Search)}</label>
            <input
                id="inbound-keyword"
                type="search"
                class="input"
                placeholder=tr(T::KeywordPlaceholder)
                prop:value=text
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    if let Some(h) = timer.get_value() {
                        h.clear();
                    }
                    let handle = set_timeout_with_handle(
                        move || {
                            let t = text.get_untracked();
                            pushed.set_value(t.trim().to_string());
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

/// The table of one page of inbound webhooks.
#[component]
fn InboundTable(
    /// The inbound webhooks of the page.
    rows: Vec<InboundWebhook>,
    /// The plugins, for their names.
    plugins: Signal<Vec<PluginDescriptor>>,
    /// The id of the row whose action is running.
    busy_row: RwSignal<Option<String>>,
    /// Enable (`true`) or disable one.
    on_toggle: Callback<(InboundWebhook, bool)>,
    /// Ask to delete one.
    on_delete: Callback<InboundWebhook>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let auth = Auth::expect();
    let (admin, operator) = (auth.is_admin(), auth.can_operate());
    let rows = rows
        .into_iter()
        .map(|w| {
            let id = w.webhook_id.clone();
            let busy = Signal::derive(move || busy_row.with(|b| b.as_deref() == Some(id.as_str())));
            let enabled = w.state == InboundState::Enabled;
            let href = format!("/inbound/{}", w.webhook_id);
            let edit_href = format!("{href}/edit");
            let (plugin_id, version) = (w.plugin_info.plugin_id.clone(), w.plugin_info.version.clone());
            let plugin = move || format!("{} {version}", plugins.with(|p| plugin_name(p, &plugin_id)));
            let last = w.last_received_at.as_deref().map(local_time);
            let counts = (w.requests.total.to_string(), w.requests.error.to_string());
            let has_errors = w.requests.error > 0;
            let (name, state) = (w.name.clone(), w.state);
            let w = StoredValue::new(w);
            view! {
                <tr>
                    <th scope="row" class="cell-name"><a href=href>{name}</a></th>
                    <td>{plugin}</td>
                    <td><StateBadge state=state /></td>
                    <td>{match last {
                        Some(t) => t.into_any(),
                        None => view! { <span class="muted">{tr(T::Never)}</span> }.into_any(),
                    }}</td>
                    <td class="cell-nowrap" class:exchange-failed=has_errors>
                        {move || i18n.fmt(T::RequestsSummary, &[("total", &counts.0), ("error", &counts.1)])}
                    </td>
                    {operator.then(|| view! { <td class="cell-actions"><div class="row-actions">
                        {admin.then(|| view! { <a class="btn btn-small" href=edit_href>{tr(T::Modify)}</a> })}
                        <button
                            type="button"
                            class="btn btn-small"
                            disabled=busy
                            aria-busy=move || busy.get().to_string()
                            on:click=move |_| on_toggle.run((w.get_value(), !enabled))
                        >
                            {move || i18n.t(if busy.get() { T::Working } else if enabled { T::Disable } else { T::Enable })}
                        </button>
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
            <table class="table" aria-label=tr(T::InboundWebhooks)>
                <thead>
                    <tr>
                        {th(T::Name)}{th(T::Plugin)}{th(T::State)}{th(T::LastReceived)}{th(T::RequestsCount)}
                        {operator.then(|| th(T::Actions))}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
