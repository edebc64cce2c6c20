//! The detail page's activity: the success chart, the deliveries (newest first, following the
//! live view) with every attempt, Redeliver, Recover, and how far back the history goes.

use crate::components::{LiveBadge, LiveState};
use super::verify::VerifySignature;
use super::{delivery_status_text, local_time};
use crate::api::{self};
use crate::components::exchange::{Exchange, ExchangeView, error_kind_text};
use crate::components::{SuccessChart, Toasts};
use crate::i18n::{I18n, T, tr};
use crate::session::Auth;
use crate::task::Task;
use leptos::prelude::*;
use webhook_api::{Delivery, DeliveryKind, DeliveryQuery, DeliveryStatus, RetentionInfo};

/// The success chart, the deliveries and Recover.
#[component]
pub fn Activity(
    /// The webhook's id.
    webhook_id: String,
    /// Bumped when deliveries change (the live view, actions, the fallback refresh).
    changes: RwSignal<u32>,
    /// Whether the live view follows the server, for the badge.
    #[prop(into)]
    live: Signal<LiveState>,
) -> impl IntoView {
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
                <h2>{tr(T::Deliveries)}</h2>
                <LiveBadge state=live />
                <span class="grow"></span>
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
            <RetentionNote />
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

/// One line on how far back the history goes (`GET /retention`).
#[component]
fn RetentionNote() -> impl IntoView {
    let i18n = I18n::expect();
    let retention = api::Loaded::<RetentionInfo>::new(|| api::RETENTION_PATH.to_string());
    move || {
        let r = retention.get()?.ok()?;
        let mut parts = vec![if r.retention_days == 0 {
            i18n.t(T::RetentionForever).to_string()
        } else {
            i18n.fmt(T::RetentionDays, &[("days", &r.retention_days.to_string())])
        }];
        if let Some(days) = r.retain_bodies_days {
            parts.push(i18n.fmt(T::RetentionBodies, &[("days", &days.to_string())]));
        }
        if let Some(at) = r.oldest_delivery_at {
            parts.push(i18n.fmt(T::RetentionOldest, &[("at", &local_time(&at))]));
        }
        Some(view! { <p class="muted retention">{parts.join(" ")}</p> })
    }
}
