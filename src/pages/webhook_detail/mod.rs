//! A webhook's page (`/webhooks/:id`): its configuration, status and failure details, the success
//! rate of the last day, its deliveries with every attempt, Redeliver and Recover, and its history
//! of versions. Actions show as far as the user's role goes.

mod history;
mod verify;

use crate::api::{self};
use crate::session::Auth;
use history::History;
use verify::VerifySignature;
use crate::components::exchange::{Exchange, ExchangeView, error_kind_text};
use crate::components::{ReportDialog, StatusBadge, SuccessChart, Toasts, event_type_picker::event_type_name};
use crate::i18n::{tr, I18n, T};
use crate::task::Task;
use crate::pages::webhook_form::{WebhookLoadError, auth_label, format_label};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use std::time::Duration;
use webhook_api::{Delivery, DeliveryKind, DeliveryQuery, DeliveryStatus, SendReport, Webhook, WebhookType};

/// How often the page looks for new deliveries and attempts while it is open.
const REFRESH: Duration = Duration::from_secs(5);

pub fn delivery_status_text(s: DeliveryStatus) -> T {
    match s {
        DeliveryStatus::Pending => T::DeliveryPending,
        DeliveryStatus::Retrying => T::DeliveryRetrying,
        DeliveryStatus::Succeeded => T::DeliverySucceeded,
        DeliveryStatus::Failed => T::DeliveryFailed,
    }
}

/// A local time for people (the API speaks RFC 3339 UTC).
pub fn local_time(rfc3339: &str) -> String {
    let d = js_sys::Date::new(&rfc3339.into());
    if d.get_time().is_nan() { rfc3339.to_string() } else { String::from(d.to_locale_string("default", &js_sys::Object::new())) }
}

#[component]
pub fn WebhookDetail() -> impl IntoView {
    let i18n = I18n::expect();
    let toasts = Toasts::expect();
    let auth = Auth::expect();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    // Bumped by every action and by the refresh timer.
    let changes = RwSignal::new(0u32);
    let handle = set_interval_with_handle(move || changes.update(|n| *n += 1), REFRESH).ok();
    on_cleanup(move || {
        if let Some(h) = handle {
            h.clear();
        }
    });
    let webhook = api::Loaded::<Webhook>::new(move || {
        changes.track();
        id.with(|id| api::webhook_path(id))
    });

    // Only a new version refetches the history, not every refresh.
    let version = Memo::new(move |_| webhook.get().and_then(Result::ok).map_or(0, |w| w.version));

    let report = RwSignal::new(None::<Option<api::Result<SendReport>>>);
    let sending = Task::new();
    let send = move |id: String| {
        report.set(Some(None));
        sending.run(async move {
            report.set(Some(Some(api::send(&id).await)));
            changes.update(|n| *n += 1);
        });
    };
    let toggling = Task::new();
    let toggle = move |id: String, enable: bool| {
        toggling.run(async move {
            match api::set_enabled(&id, enable).await {
                Ok(w) => toasts.success(i18n.fmt(if enable { T::EnabledToast } else { T::DisabledToast }, &[("name", &w.name)])),
                Err(e) => toasts.error(e.message(i18n.lang.get_untracked())),
            }
            changes.update(|n| *n += 1);
        });
    };

    view! {
        {move || match webhook.get() {
                    None => view! { <p class="card loading">{tr(T::Loading)}</p> }.into_any(),
                    Some(Err(e)) => view! { <WebhookLoadError error=e /> }.into_any(),
                    Some(Ok(w)) => {
                        let (wid, enabled) = (w.id.clone(), w.enabled);
                        let send_id = wid.clone();
                        let edit_href = format!("/webhooks/{}/edit", w.id);
                        view! {
                            <section class="card">
                                <div class="detail-head">
                                    <h1>{w.name.clone()}</h1>
                                    <StatusBadge status=w.status />
                                    <div class="row-actions">
                                        {auth.is_admin().then(|| view! { <a class="btn" href=edit_href>{tr(T::Modify)}</a> })}
                                        {auth.can_operate().then(|| view! {
                                            <button type="button" class="btn" on:click=move |_| send(send_id.clone())>
                                                {tr(T::Send)}
                                            </button>
                                            <button type="button" class="btn" disabled=move || toggling.pending() on:click=move |_| toggle(wid.clone(), !enabled)>
                                                {move || i18n.t(if enabled { T::Disable } else { T::Enable })}
                                            </button>
                                        })}
                                    </div>
                                </div>
                                <Overview webhook=w.clone() />
                            </section>
                        }.into_any()
                    }
            }}
        // Outside the webhook's view, so the refresh timer does not rebuild it (and close what the
        // user opened).
        <Show when=move || matches!(webhook.get(), Some(Ok(_)))>
            <Activity webhook_id=id.get_untracked() changes=changes />
            <History webhook_id=id.get_untracked() version=version />
        </Show>
        <ReportDialog
            state=report
            subject=Signal::derive(move || webhook.get().and_then(|r| r.ok()).map(|w| w.name).unwrap_or_default())
            on_close=move || report.set(None)
        />
    }
}

/// Configuration and failure details as term/description lists.
#[component]
fn Overview(webhook: Webhook) -> impl IntoView {
    let i18n = I18n::expect();
    let w = StoredValue::new(webhook);
    let row = move |label: T, value: Box<dyn Fn() -> String + Send + Sync>| {
        view! { <dt>{move || i18n.t(label)}</dt><dd>{value}</dd> }
    };
    let get = move |f: fn(&Webhook) -> String| -> Box<dyn Fn() -> String + Send + Sync> { Box::new(move || w.with_value(f)) };
    let fd = w.with_value(|w| w.failure_details.clone());
    let failures = [
        (T::LastSuccessfulAt, fd.last_successful_at.as_deref().map(local_time)),
        (T::LastFailedAt, fd.last_failed_at.as_deref().map(local_time)),
        (T::LastFailedStatus, fd.last_failed_status_code.map(|c| c.to_string())),
        (T::LastFailedReason, fd.last_failed_reason.clone()),
        (T::NextAttempt, fd.next_attempt.as_deref().map(local_time)),
    ];
    let failure_rows: Vec<_> = failures
        .into_iter()
        .filter_map(|(label, v)| v.map(|v| view! { <dt>{move || i18n.t(label)}</dt><dd>{v}</dd> }))
        .collect();
    view! {
        <div class="detail-grid">
            <div>
                <h2>{tr(T::Configuration)}</h2>
                <dl class="kv">
                    {row(T::Type, Box::new(move || i18n.t(if w.with_value(|w| w.kind) == WebhookType::Events { T::Events } else { T::Alarms }).to_string()))}
                    {row(T::Url, get(|w| w.url.clone()))}
                    {row(T::Project, Box::new(move || w.with_value(|w| if w.project_id.is_empty() { i18n.t(T::NoProject).to_string() } else { w.project_id.clone() })))}
                    {row(T::Tags, Box::new(move || w.with_value(|w| if w.tags.is_empty() { "—".to_string() } else { w.tags.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", ") })))}
                    {row(T::AlarmMessageLanguage, Box::new(move || i18n.t(if w.with_value(|w| w.language.as_str() == "en") { T::English } else { T::Chinese }).to_string()))}
                    {row(T::AuthType, Box::new(move || i18n.t(auth_label(w.with_value(|w| w.auth.kind()))).to_string()))}
                    {row(T::PayloadFormat, Box::new(move || format_label(w.with_value(|w| w.format), i18n).to_string()))}
                    {row(T::EventType, Box::new(move || {
                        let lang = i18n.lang.get();
                        w.with_value(|w| w.event_types.iter().map(|k| event_type_name(k, lang)).collect::<Vec<_>>().join(", "))
                    }))}
                    {row(T::BatchSize, get(|w| w.batch_size.to_string()))}
                    {row(T::Timeout, get(|w| w.timeout.to_string()))}
                    {row(T::Version, get(|w| w.version.to_string()))}
                    {row(T::UpdatedAt, get(|w| local_time(&w.updated_at)))}
                    {row(T::UpdatedBy, get(|w| w.updated_by.clone()))}
                </dl>
            </div>
            <div>
                <h2>{tr(T::FailureDetails)}</h2>
                <dl class="kv">{failure_rows}</dl>
            </div>
        </div>
    }
}

/// The success chart, the deliveries and Recover.
#[component]
fn Activity(webhook_id: String, changes: RwSignal<u32>) -> impl IntoView {
    let i18n = I18n::expect();
    let toasts = Toasts::expect();
    let operator = Auth::expect().can_operate();
    let id = StoredValue::new(webhook_id);
    let status = RwSignal::new(None::<DeliveryStatus>);
    let page = RwSignal::new(1u32);
    let stats = api::Loaded::<webhook_api::DeliveryStats>::new(move || {
        changes.track();
        id.with_value(|id| api::delivery_stats_path(id))
    });
    let deliveries = api::Loaded::<webhook_api::Page<Delivery>>::new(move || {
        changes.track();
        let q = DeliveryQuery { status: status.get(), page: page.get(), ..DeliveryQuery::default() };
        id.with_value(|id| api::deliveries_path(id, &q))
    });
    // Plain closures, not memos: a memo per value type costs more wasm than reading twice.
    let rows = move || deliveries.get().and_then(Result::ok).map(|p| p.results).unwrap_or_default();
    let pages = move || {
        let total = deliveries.get().and_then(Result::ok).map_or(0, |p| p.total_count);
        total.div_ceil(webhook_api::DEFAULT_PAGE_SIZE as u64).max(1) as u32
    };
    let redelivering = Task::new();
    let redeliver = move |delivery_id: String| {
        redelivering.run(async move {
            match api::redeliver(&delivery_id).await {
                Ok(_) => toasts.success(i18n.t(T::Redelivered)),
                Err(e) => toasts.error(e.message(i18n.lang.get_untracked())),
            }
            changes.update(|n| *n += 1);
        });
    };
    let since = RwSignal::new(String::new());
    let recovering = Task::new();
    let recover = move |local: String| {
        // datetime-local is the browser's local time; the API wants UTC.
        let since = String::from(js_sys::Date::new(&local.as_str().into()).to_iso_string());
        recovering.run(async move {
            match api::recover(&id.get_value(), since).await {
                Ok(r) => toasts.success(i18n.fmt(T::Recovered, &[("n", &r.count.to_string())])),
                Err(e) => toasts.error(e.message(i18n.lang.get_untracked())),
            }
            changes.update(|n| *n += 1);
        });
    };
    view! {
        <section class="card">
            <h2>{tr(T::SuccessRate)}</h2>
            {move || stats.get().and_then(Result::ok).map(|s| view! { <SuccessChart stats=s /> })}
        </section>
        <section class="card">
            <div class="toolbar">
                <h2 class="grow">{tr(T::Deliveries)}</h2>
                <div class="filter">
                    <label for="delivery-status">{tr(T::Status)}</label>
                    <select
                        id="delivery-status"
                        class="input"
                        on:change=move |ev| {
                            status.set(DeliveryStatus::parse(&event_target_value(&ev)));
                            page.set(1);
                        }
                    >
                        <option value="">{tr(T::All)}</option>
                        {DeliveryStatus::ALL
                            .map(|s| view! { <option value=s.as_str()>{move || i18n.t(delivery_status_text(s))}</option> })
                            .collect_view()}
                    </select>
                </div>
                <Show when=move || operator>
                <form
                    class="recover"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        if !since.get_untracked().is_empty() {
                            recover(since.get_untracked());
                        }
                    }
                >
                    <div class="filter">
                        <label for="recover-since">{tr(T::RecoverSince)}</label>
                        <input
                            id="recover-since"
                            type="datetime-local"
                            class="input"
                            required
                            prop:value=since
                            on:input=move |ev| since.set(event_target_value(&ev))
                        />
                    </div>
                    <button type="submit" class="btn" disabled=move || recovering.pending()>{tr(T::Recover)}</button>
                </form>
                </Show>
                <button type="button" class="btn btn-quiet" on:click=move |_| changes.update(|n| *n += 1)>
                    {tr(T::Refresh)}
                </button>
            </div>
            {move || match deliveries.get() {
                None => view! { <p class="loading">{tr(T::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="field-error">{e.message(i18n.lang.get())}</p> }.into_any(),
                Some(Ok(p)) if p.results.is_empty() => view! { <p class="empty">{tr(T::NoDeliveries)}</p> }.into_any(),
                Some(Ok(_)) => ().into_any(),
            }}
            <ul class="deliveries">
                // Keyed by what can change, so a refresh leaves unchanged deliveries (and their open
                // attempts) as they are.
                <For each=rows key=|d| (d.id.clone(), d.attempts.len(), d.status) let:d>
                    <DeliveryItem delivery=d on_redeliver=operator.then(|| Callback::new(redeliver)) />
                </For>
            </ul>
            <Show when=move || { pages() > 1 }>
                <nav class="pagination" aria-label=tr(T::Pagination)>
                    <span>{move || i18n.fmt(T::PageOf, &[("page", &page.get().to_string()), ("pages", &pages().to_string())])}</span>
                    <div class="pagination-links">
                        <button type="button" class="btn btn-small" disabled=move || page.get() <= 1 on:click=move |_| page.update(|p| *p -= 1)>
                            {tr(T::Previous)}
                        </button>
                        <button type="button" class="btn btn-small" disabled=move || page.get() >= pages() on:click=move |_| page.update(|p| *p += 1)>
                            {tr(T::Next)}
                        </button>
                    </div>
                </nav>
            </Show>
        </section>
    }
}

/// One delivery: a summary line, its attempts on demand, Redeliver.
#[component]
fn DeliveryItem(
    delivery: Delivery,
    /// Redeliver; `None` for a role that may not.
    on_redeliver: Option<Callback<String>>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let open = RwSignal::new(false);
    let last = delivery.attempts.last().map(|a| match (&a.response, &a.error) {
        (_, Some(e)) if e.kind != webhook_api::DeliveryErrorKind::HttpStatus => Err(e.kind),
        (Some(r), _) => Ok(format!("HTTP {}", r.status)),
        (None, Some(e)) => Err(e.kind),
        (None, None) => Ok(String::new()),
    });
    let status = delivery.status;
    let kind = if delivery.kind == DeliveryKind::Validate { T::KindValidate } else { T::KindEvent };
    let attempts = StoredValue::new(delivery.attempts);
    let count = attempts.with_value(Vec::len);
    let id = delivery.id.clone();
    let delivery_id = StoredValue::new(delivery.id.clone());
    view! {
        <li class="delivery">
            <div class="delivery-head">
                <span class=format!("badge badge-delivery-{}", status.as_str())>
                    <span class="badge-dot" aria-hidden="true"></span>
                    {move || i18n.t(delivery_status_text(status))}
                </span>
                <span>{move || i18n.t(kind)}</span>
                <time datetime=delivery.created_at.clone()>{local_time(&delivery.created_at)}</time>
                <span class="mono" title=tr(T::MessageId)>{delivery.message_id.clone()}</span>
                <span>{match last {
                    Some(Ok(s)) => s.into_any(),
                    Some(Err(k)) => (move || i18n.t(error_kind_text(k))).into_any(),
                    None => ().into_any(),
                }}</span>
                <span class="grow"></span>
                <button type="button" class="btn btn-small" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
                    {move || format!("{} ({count})", i18n.t(if open.get() { T::HideAttempts } else { T::ShowAttempts }))}
                </button>
                {on_redeliver.map(|redeliver| view! {
                    <button type="button" class="btn btn-small" on:click=move |_| redeliver.run(id.clone())>
                        {tr(T::Redeliver)}
                    </button>
                })}
            </div>
            <Show when=move || open.get()>
                <ol class="attempts">
                    {attempts.get_value().into_iter().map(|a| {
                        let title = local_time(&a.started_at);
                        let n = a.number;
                        let signed = a.request.headers.contains_key("webhook-signature");
                        view! {
                            <li>
                                <h3 class="attempt-title">{move || i18n.fmt(T::AttemptN, &[("n", &n.to_string())])}" · "{title.clone()}</h3>
                                {signed.then(|| view! { <VerifySignature delivery_id=delivery_id.get_value() number=n /> })}
                                <ExchangeView exchange=Exchange::from(a) />
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </Show>
        </li>
    }
}
