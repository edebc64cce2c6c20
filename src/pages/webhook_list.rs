//! The WebHook list (`/webhooks`): search, filters, sort and page live in the URL query, so a view
//! can be shared and survives a reload; rows offer Modify, Enable/Disable and Delete.

use crate::api::{self, query_string};
use crate::components::status_badge::status_text;
use crate::components::{
    ConfirmDialog, Pagination, ReportDialog, StatusBadge, Toasts, event_type_picker::event_type_name,
};
use crate::i18n::{tr, I18n, T};
use crate::task::Task;
use crate::pages::subscriptions::impact_text;
use crate::pages::webhook_form::auth_label;
use leptos::prelude::*;
use leptos_router::{NavigateOptions, hooks::use_navigate, hooks::use_query_map};
use std::time::Duration;
use webhook_api::{EVENT_TYPES, Sort, Webhook, WebhookQuery, WebhookStatus, WebhookType};

/// The query keys the list understands.
const KEYS: [&str; 8] = [
    "search",
    "type",
    "enabled",
    "status",
    "event_type",
    "sort",
    "page",
    "page_size",
];

/// The link of the list showing `q`.
pub fn list_href(q: &WebhookQuery) -> String {
    let qs = query_string(&q.to_pairs());
    if qs.is_empty() {
        "/webhooks".into()
    } else {
        format!("/webhooks?{qs}")
    }
}

/// Sort choices offered in the toolbar: (value, English, Chinese).
const SORTS: [(&str, &str, &str); 5] = [
    ("-created_at", "Newest first", "最新创建"),
    ("created_at", "Oldest first", "最早创建"),
    ("name", "Name A–Z", "名称 A–Z"),
    ("-name", "Name Z–A", "名称 Z–A"),
    ("-updated_at", "Recently modified", "最近修改"),
];

#[component]
pub fn WebhookList() -> impl IntoView {
    let i18n = I18n::expect();
    let toasts = Toasts::expect();
    let navigate = use_navigate();
    let query_map = use_query_map();
    // A hand-edited URL with a bad value keeps the good parts instead of failing the page.
    let query = Memo::new(move |_| {
        query_map.with(|m| {
            let pairs: Vec<(&str, &str)> = KEYS
                .iter()
                .filter_map(|k| m.get_str(k).map(|v| (*k, v)))
                .filter(|p| WebhookQuery::from_pairs([*p]).is_ok())
                .collect();
            WebhookQuery::from_pairs(pairs).unwrap_or_default()
        })
    });
    let set_query = {
        let navigate = navigate.clone();
        move |q: WebhookQuery, replace: bool| {
            navigate(
                &list_href(&q),
                NavigateOptions {
                    replace,
                    scroll: false,
                    ..Default::default()
                },
            )
        }
    };
    // Changing any filter goes back to page 1.
    let update = {
        let set_query = set_query.clone();
        move |f: &dyn Fn(&mut WebhookQuery)| {
            let mut q = query.get_untracked();
            f(&mut q);
            q.page = 1;
            set_query(q, false);
        }
    };

    // Bumped after every change, so the list and the counts are fetched again.
    let changes = RwSignal::new(0u32);
    let page = api::Loaded::<webhook_api::Page<Webhook>>::new(move || {
        changes.track();
        query.with(api::webhooks_path)
    });
    let stat = api::Loaded::new(move || {
        changes.track();
        api::WEBHOOK_STAT_PATH.to_string()
    });

    // Row actions.
    let busy_row = RwSignal::new(None::<String>);
    let working = Task::new();
    let toggle = move |(w, enable): (Webhook, bool)| {
        busy_row.set(Some(w.id.clone()));
        working.run(async move {
            let result = api::set_enabled(&w.id, enable).await;
            busy_row.set(None);
            match result {
                Ok(w) => {
                    toasts.success(i18n.fmt(
                        if enable {
                            T::EnabledToast
                        } else {
                            T::DisabledToast
                        },
                        &[("name", &w.name)],
                    ));
                    changes.update(|n| *n += 1);
                }
                Err(e) => toasts.error(e.message(i18n.lang.get_untracked())),
            }
        });
    };
    // Send: a sample event to the saved webhook, with the exchange shown as a report.
    let report = RwSignal::new(None::<Option<api::Result<webhook_api::SendReport>>>);
    let report_subject = RwSignal::new(String::new());
    let send = move |w: Webhook| {
        report_subject.set(w.name.clone());
        report.set(Some(None));
        working.run(async move {
            let result = api::send(&w.id).await;
            report.set(Some(Some(result)));
            // The send updates the webhook's status.
            changes.update(|n| *n += 1);
        });
    };
    // Before a disable or a delete: the topics it would leave without any receiver.
    let impact_of = move |change: String, then: Box<dyn FnOnce(Option<String>)>| {
        working.run(async move {
            let text = match api::impact(&change).await {
                Ok(i) if !i.topics.is_empty() => Some(impact_text(i18n, &i)),
                _ => None,
            };
            then(text);
        });
    };
    let to_disable = RwSignal::new(None::<(Webhook, String)>);
    let ask_toggle = move |(w, enable): (Webhook, bool)| {
        if enable {
            return toggle((w, true));
        }
        let change = format!("disable_webhook={}", api::encode(&w.id));
        impact_of(change, Box::new(move |text| match text {
            Some(text) => to_disable.set(Some((w, text))),
            None => toggle((w, false)),
        }));
    };
    let to_delete = RwSignal::new(None::<Webhook>);
    let delete_impact = RwSignal::new(None::<String>);
    let ask_delete = move |w: Webhook| {
        delete_impact.set(None);
        let change = format!("delete_webhook={}", api::encode(&w.id));
        to_delete.set(Some(w));
        impact_of(change, Box::new(move |text| delete_impact.set(text)));
    };
    let deleting = Task::new();
    let delete = move |w: Webhook| {
        deleting.run(async move {
            match api::delete_webhook(&w.id).await {
                Ok(()) => {
                    toasts.success(i18n.fmt(T::Deleted, &[("name", &w.name)]));
                    to_delete.set(None);
                    changes.update(|n| *n += 1);
                }
                Err(e) => toasts.error(e.message(i18n.lang.get_untracked())),
            }
        });
    };

    view! {
        <section class="card">
            <div class="toolbar">
                <a href="/webhooks/new" class="btn btn-primary">{tr(T::AddWebhook)}</a>
                <SearchBox query=query on_search=Callback::new({
                    let set_query = set_query.clone();
                    move |text: String| {
                        let mut q = query.get_untracked();
                        q.search = Some(text).filter(|s| !s.trim().is_empty());
                        q.page = 1;
                        set_query(q, true);
                    }
                }) />
                <Filters query=query update=Callback::new({
                    let update = update.clone();
                    move |(key, value): (&'static str, String)| update(&|q: &mut WebhookQuery| apply_filter(q, key, &value))
                }) />
            </div>
            <StatCounts stat=stat query=query />
            {move || match page.get() {
                        None => view! { <p class="loading">{tr(T::Loading)}</p> }.into_any(),
                        Some(Err(e)) => {
                            let unreachable = e.status().is_none();
                            view! {
                            <div class="empty" role="alert">
                                <h2>{move || i18n.t(if unreachable { T::UnreachableTitle } else { T::ErrorUnexpected })}</h2>
                                <p>{move || if unreachable { i18n.t(T::UnreachableHint).to_string() } else { e.message(i18n.lang.get()) }}</p>
                                <button type="button" class="btn btn-primary" on:click=move |_| changes.update(|n| *n += 1)>
                                    {tr(T::Retry)}
                                </button>
                            </div>
                        }.into_any()
                        }
                        Some(Ok(p)) if p.results.is_empty() => {
                            let filtered = query.with_untracked(|q| q.to_pairs().iter().any(|(k, _)| !matches!(*k, "sort" | "page" | "page_size")));
                            view! {
                                <div class="empty">
                                    <h2>{move || i18n.t(if filtered { T::NoMatchTitle } else { T::EmptyTitle })}</h2>
                                    <p>{move || i18n.t(if filtered { T::NoMatchHint } else { T::EmptyHint })}</p>
                                    {if filtered {
                                        view! { <a class="btn" href="/webhooks">{tr(T::ClearFilters)}</a> }.into_any()
                                    } else {
                                        view! { <a class="btn btn-primary" href="/webhooks/new">{tr(T::AddWebhook)}</a> }.into_any()
                                    }}
                                </div>
                            }.into_any()
                        }
                        Some(Ok(p)) => {
                            let total = p.total_count;
                            view! {
                                <WebhookTable rows=p.results busy_row=busy_row on_toggle=Callback::new(ask_toggle) on_delete=Callback::new(ask_delete) on_send=Callback::new(send) />
                                <Pagination
                                    page=Signal::derive(move || query.get().page)
                                    page_size=Signal::derive(move || query.get().page_size)
                                    total=Signal::derive(move || total)
                                    href=Callback::new(move |n| list_href(&WebhookQuery { page: n, ..query.get_untracked() }))
                                />
                            }.into_any()
                        }
                }}
        </section>
        <ConfirmDialog
            open=Signal::derive(move || to_disable.with(Option::is_some))
            title=Signal::derive(tr(T::ConfirmDisableWebhook))
            message=Signal::derive(move || to_disable.with(|d| d.as_ref().map(|(_, text)| text.clone()).unwrap_or_default()))
            confirm_label=Signal::derive(tr(T::Disable))
            cancel_label=Signal::derive(tr(T::Cancel))
            danger=true
            on_confirm=move || {
                if let Some((w, _)) = to_disable.get_untracked() {
                    to_disable.set(None);
                    toggle((w, false));
                }
            }
            on_cancel=move || to_disable.set(None)
        />
        <ReportDialog state=report subject=report_subject on_close=move || report.set(None) />
        <ConfirmDialog
            open=Signal::derive(move || to_delete.with(Option::is_some))
            title=Signal::derive(tr(T::ConfirmDeleteTitle))
            message=Signal::derive(move || {
                let name = to_delete.with(|w| w.as_ref().map(|w| w.name.clone()).unwrap_or_default());
                let text = i18n.fmt(T::ConfirmDeleteText, &[("name", &name)]);
                match delete_impact.get() {
                    Some(impact) => format!("{text} {impact}"),
                    None => text,
                }
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

/// Sets one filter of `q` from a select's value ("" clears it).
fn apply_filter(q: &mut WebhookQuery, key: &str, value: &str) {
    let value = Some(value).filter(|v| !v.is_empty());
    match key {
        "type" => q.kind = value.and_then(WebhookType::parse),
        "enabled" => q.enabled = value.map(|v| v == "true"),
        "status" => q.status = value.and_then(WebhookStatus::parse),
        "event_type" => q.event_type = value.map(str::to_string),
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
fn SearchBox(
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
fn Filters(
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
            {select("sort", T::Sort, Signal::derive(move || query.with(|q| q.sort.to_query())), opts(|i18n| {
                let zh = i18n.lang.get() == crate::i18n::Lang::Zh;
                SORTS.iter().map(|(v, en, cn)| (v.to_string(), if zh { cn } else { en }.to_string())).collect()
            }))}
        </div>
    }
}

/// Counts by status; each one a link that filters the list by it.
#[component]
fn StatCounts(
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
fn WebhookTable(
    /// The webhooks of the page.
    rows: Vec<Webhook>,
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
            view! {
                <tr>
                    <th scope="row" class="cell-name">
                        <a href=get(|w| format!("/webhooks/{}", w.id))>{name.clone()}</a>
                    </th>
                    <td>{move || i18n.t(if w.with_value(|w| w.kind) == WebhookType::Events { T::Events } else { T::Alarms })}</td>
                    <td class="cell-url" title=get(|w| w.url.clone())>{get(|w| w.url.clone())}</td>
                    <td class="cell-events">{events}</td>
                    <td>{move || i18n.t(auth_label(w.with_value(|w| w.auth.kind())))}</td>
                    <td><StatusBadge status=w.with_value(|w| w.status) /></td>
                    <td>{move || i18n.t(if enabled { T::Enabled } else { T::Disabled })}</td>
                    <td class="cell-actions"><div class="row-actions">
                        <a class="btn btn-small" href=get(|w| format!("/webhooks/{}/edit", w.id))>
                            {tr(T::Modify)}
                        </a>
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
                        <button type="button" class="btn btn-small btn-danger-quiet" disabled=busy on:click=move |_| on_delete.run(w.get_value())>
                            {tr(T::Delete)}
                        </button>
                    </div></td>
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
                        {th(T::Name)}{th(T::Type)}{th(T::Url)}{th(T::EventType)}{th(T::AuthType)}{th(T::Status)}{th(T::Enable)}{th(T::Actions)}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
