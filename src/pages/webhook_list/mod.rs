//! The WebHook list (`/webhooks`): search, filters, sort and page live in the URL query, so a view
//! can be shared and survives a reload; rows offer Modify, Enable/Disable, Send and Delete, as
//! far as the user's role goes. Admins can switch to the deleted webhooks and restore them.

mod table;
mod toolbar;

use crate::api::{self, query_string};
use crate::components::{ConfirmDialog, Pagination, ReportDialog, Toasts};
use crate::i18n::{tr, I18n, T};
use crate::pages::subscriptions::impact_text;
use crate::session::Auth;
use crate::task::Task;
use leptos::prelude::*;
use leptos_router::{NavigateOptions, hooks::use_navigate, hooks::use_query_map};
use table::{DeletedTable, StatCounts, WebhookTable};
use toolbar::{DeletedSwitch, Filters, ProjectTagFilters, SearchBox, apply_filter};
use webhook_api::{Webhook, WebhookQuery};

/// The query keys the list understands.
const KEYS: [&str; 12] = [
    "deleted",
    "silent_days",
    "search",
    "type",
    "enabled",
    "status",
    "event_type",
    "project_id",
    "tag",
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

#[component]
pub fn WebhookList() -> impl IntoView {
    let i18n = I18n::expect();
    let toasts = Toasts::expect();
    let auth = Auth::expect();
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
    // Paused webhooks and open notices, once per load of the list, for the status column.
    let pauses = api::Loaded::new(move || {
        changes.track();
        api::PAUSES_PATH.to_string()
    });
    let notices = api::Loaded::new(move || {
        changes.track();
        api::NOTICES_PATH.to_string()
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

    // Restore (deleted view, admins): a live webhook may have taken the name meanwhile (409).
    let restoring = Task::new();
    let restore = move |w: Webhook| {
        busy_row.set(Some(w.id.clone()));
        restoring.run(async move {
            let result = api::restore_webhook(&w.id).await;
            busy_row.set(None);
            match result {
                Ok(w) => {
                    toasts.success(i18n.fmt(T::Restored, &[("name", &w.name)]));
                    changes.update(|n| *n += 1);
                }
                Err(e) => toasts.error(e.message(i18n.lang.get_untracked())),
            }
        });
    };
    let deleted = move || query.with(|q| q.deleted);

    view! {
        <section class="card">
            <div class="toolbar">
                {move || auth.is_admin().then(|| view! { <a href="/webhooks/new" class="btn btn-primary">{tr(T::AddWebhook)}</a> })}
                <SearchBox query=query on_search=Callback::new({
                    let set_query = set_query.clone();
                    move |text: String| {
                        let mut q = query.get_untracked();
                        q.search = Some(text).filter(|s| !s.trim().is_empty());
                        q.page = 1;
                        set_query(q, true);
                    }
                }) />
                <ProjectTagFilters query=query update=Callback::new({
                    let update = update.clone();
                    move |(key, value): (&'static str, String)| update(&|q: &mut WebhookQuery| apply_filter(q, key, &value))
                }) />
                <Filters query=query update=Callback::new({
                    let update = update.clone();
                    move |(key, value): (&'static str, String)| update(&|q: &mut WebhookQuery| apply_filter(q, key, &value))
                }) />
                {move || auth.is_admin().then(|| view! {
                    <DeletedSwitch query=query update=Callback::new({
                        let update = update.clone();
                        move |(key, value): (&'static str, String)| update(&|q: &mut WebhookQuery| apply_filter(q, key, &value))
                    }) />
                })}
            </div>
            // The counts are of the live webhooks.
            <Show when=move || !deleted()>
                <StatCounts stat=stat query=query />
            </Show>
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
                        Some(Ok(p)) if p.results.is_empty() && deleted() => view! {
                            <div class="empty">
                                <h2>{tr(T::NoDeletedTitle)}</h2>
                                <p>{tr(T::NoDeletedHint)}</p>
                            </div>
                        }.into_any(),
                        Some(Ok(p)) if p.results.is_empty() => {
                            let filtered = query.with_untracked(|q| q.to_pairs().iter().any(|(k, _)| !matches!(*k, "sort" | "page" | "page_size")));
                            view! {
                                <div class="empty">
                                    <h2>{move || i18n.t(if filtered { T::NoMatchTitle } else { T::EmptyTitle })}</h2>
                                    <p>{move || i18n.t(if filtered { T::NoMatchHint } else if auth.is_admin() { T::EmptyHint } else { T::EmptyHintReadOnly })}</p>
                                    {if filtered {
                                        view! { <a class="btn" href="/webhooks">{tr(T::ClearFilters)}</a> }.into_any()
                                    } else if auth.is_admin() {
                                        view! { <a class="btn btn-primary" href="/webhooks/new">{tr(T::AddWebhook)}</a> }.into_any()
                                    } else {
                                        ().into_any()
                                    }}
                                </div>
                            }.into_any()
                        }
                        Some(Ok(p)) => {
                            let total = p.total_count;
                            view! {
                                {if deleted() {
                                    view! { <DeletedTable rows=p.results busy_row=busy_row on_restore=Callback::new(restore) /> }.into_any()
                                } else {
                                    view! { <WebhookTable rows=p.results pauses=pauses notices=notices busy_row=busy_row on_toggle=Callback::new(ask_toggle) on_delete=Callback::new(ask_delete) on_send=Callback::new(send) /> }.into_any()
                                }}
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
            message=Signal::derive(move || {
                let impact = to_disable.with(|d| d.as_ref().map(|(_, text)| text.clone()).unwrap_or_default());
                format!("{} {impact}", i18n.t(T::DisableHint))
            })
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

