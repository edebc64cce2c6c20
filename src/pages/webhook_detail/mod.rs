//! A webhook's page (`/webhooks/:id`): its configuration, status and failure details, the
//! auto-disable warning and notices, Pause/Resume, the success rate of the last day, its
//! deliveries following the live view, Redeliver and Recover, the silence report, fire drills and
//! its history of versions. Actions show as far as the user's role goes.

mod deliveries;
mod drill;
mod history;
mod notices;
mod pause;
mod silence;
mod verify;

use crate::api::{self};
use crate::components::{ConfirmDialog, ReportDialog, StatusBadge, Toasts, event_type_picker::event_type_name};
use crate::i18n::{I18n, T, tr};
use crate::pages::subscriptions::impact_text;
use crate::pages::webhook_form::{WebhookLoadError, auth_label, format_label};
use crate::session::Auth;
use crate::task::Task;
use deliveries::Activity;
use drill::DrillPanel;
use history::History;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use crate::components::use_live_stream;
use notices::NoticesPanel;
use pause::PausePanel;
use silence::SilenceReport;
use std::time::Duration;
use webhook_api::{DeliveryStatus, SendReport, Webhook, WebhookType};

/// A slow refresh besides the live view, for what it does not carry (status changes by other
/// people, a scheduled drill).
const REFRESH: Duration = Duration::from_secs(30);

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
    // Bumped by every action, by the live view and by the refresh timer.
    let changes = RwSignal::new(0u32);
    let live = use_live_stream(vec![("webhook_id", id.get_untracked())], move || changes.update(|n| *n += 1));
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

    // Disable says first how it differs from Pause, and which topics it would cut off.
    let to_disable = RwSignal::new(None::<(String, String)>);
    let ask_disable = move |id: String| {
        toggling.run(async move {
            let mut text = i18n.t(T::DisableHint).to_string();
            if let Ok(i) = api::impact(&format!("disable_webhook={}", api::encode(&id))).await
                && !i.topics.is_empty()
            {
                text = format!("{text} {}", impact_text(i18n, &i));
            }
            to_disable.set(Some((id, text)));
        });
    };
    let name = Signal::derive(move || webhook.get().and_then(|r| r.ok()).map(|w| w.name).unwrap_or_default());

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
                                            <button type="button" class="btn" disabled=move || toggling.pending() on:click=move |_| if enabled { ask_disable(wid.clone()) } else { toggle(wid.clone(), true) }>
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
            <NoticesPanel webhook_id=id.get_untracked() changes=changes />
            <PausePanel webhook_id=id.get_untracked() name=name changes=changes />
            <Activity webhook_id=id.get_untracked() changes=changes live=live.state />
            <SilenceReport webhook_id=id.get_untracked() version=version />
            <DrillPanel webhook_id=id.get_untracked() changes=changes />
            <History webhook_id=id.get_untracked() version=version />
        </Show>
        <ReportDialog state=report subject=name on_close=move || report.set(None) />
        <ConfirmDialog
            open=Signal::derive(move || to_disable.with(Option::is_some))
            title=Signal::derive(tr(T::ConfirmDisableWebhook))
            message=Signal::derive(move || to_disable.with(|d| d.as_ref().map(|(_, text)| text.clone()).unwrap_or_default()))
            confirm_label=Signal::derive(tr(T::Disable))
            cancel_label=Signal::derive(tr(T::Cancel))
            danger=true
            on_confirm=move || {
                if let Some((id, _)) = to_disable.get_untracked() {
                    to_disable.set(None);
                    toggle(id, false);
                }
            }
            on_cancel=move || to_disable.set(None)
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

