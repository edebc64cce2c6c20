//! An inbound webhook's page (`/inbound/:id`): its configuration, the URL and an Alertmanager
//! snippet, the actions (Modify, Enable/Disable, Verify plugin, Send sample, Regenerate key,
//! Delete) as far as the user's role goes, the result of Send sample inline, and the recent
//! requests, looked at again every few seconds.

use super::receiving::Receiving;
use super::requests::{OutcomeBadge, RequestDetail, RequestTable};
use super::{InboundLoadError, StateBadge, plugin_name, upgrade_text};
use crate::api;
use crate::components::{ConfirmDialog, Toasts};
use crate::i18n::{I18n, T, tr};
use crate::pages::webhook_detail::local_time;
use crate::session::Auth;
use crate::task::Task;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use std::time::Duration;
use webhook_api::{FieldErrors, InboundRequest, InboundState, InboundWebhook, PluginDescriptor};

/// How often the page looks for new requests while it is open.
const REFRESH: Duration = Duration::from_secs(5);

/// What Verify plugin answered.
#[derive(Clone)]
enum Verdict {
    Ok,
    Refused(FieldErrors),
}

#[component]
pub fn InboundDetail() -> impl IntoView {
    let i18n = I18n::expect();
    let toasts = Toasts::expect();
    let auth = Auth::expect();
    let navigate = use_navigate();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    // Bumped by every action; `tick` by the timer, for the requests only.
    let changes = RwSignal::new(0u32);
    let tick = RwSignal::new(0u32);
    let handle = set_interval_with_handle(move || tick.update(|n| *n += 1), REFRESH).ok();
    on_cleanup(move || {
        if let Some(h) = handle {
            h.clear();
        }
    });
    let requests = api::Loaded::<Vec<InboundRequest>>::new(move || {
        changes.track();
        tick.track();
        id.with(|id| api::inbound_requests_path(id))
    });
    // A new request changes the counters: the webhook is fetched again then, not on every tick.
    let newest = Memo::new(move |_| {
        requests
            .get()
            .and_then(Result::ok)
            .and_then(|r| r.first().map(|r| r.id.clone()))
    });
    let webhook = api::Loaded::<InboundWebhook>::new(move || {
        changes.track();
        newest.track();
        id.with(|id| api::inbound_webhook_path(id))
    });
    let plugins =
        api::Loaded::<Vec<PluginDescriptor>>::new(|| api::INBOUND_PLUGINS_PATH.to_string());
    let plugin_list =
        Signal::derive(move || plugins.get().and_then(Result::ok).unwrap_or_default());
    let current = move || webhook.get().and_then(Result::ok);
    let name = move || current().map(|w| w.name).unwrap_or_default();
    let changed = move || changes.update(|n| *n += 1);
    let error = move |e: api::ClientError| toasts.error(e.message(i18n.lang.get_untracked()));

    let toggling = Task::new();
    let toggle = move |enable: bool| {
        toggling.run(async move {
            match api::set_inbound_enabled(&id.get_untracked(), enable).await {
                Ok(w) => {
                    let text = if enable {
                        T::InboundEnabledToast
                    } else {
                        T::InboundDisabledToast
                    };
                    toasts.success(i18n.fmt(text, &[("name", &w.name)]));
                }
                Err(e) => error(e),
            }
            changed();
        });
    };
    let verdict = RwSignal::new(None::<Verdict>);
    let verifying = Task::new();
    let verify = move |_| {
        verdict.set(None);
        verifying.run(async move {
            match api::verify_inbound_plugin(&id.get_untracked()).await {
                Ok(_) => verdict.set(Some(Verdict::Ok)),
                Err(e) if !e.fields().is_empty() => verdict.set(Some(Verdict::Refused(e.fields()))),
                Err(e) => error(e),
            }
        });
    };
    let sample = RwSignal::new(None::<InboundRequest>);
    let sampling = Task::new();
    let send_sample = move |_| {
        sampling.run(async move {
            match api::send_inbound_sample(&id.get_untracked()).await {
                Ok(r) => sample.set(Some(r)),
                Err(e) => error(e),
            }
            changed();
        });
    };
    let confirm_regenerate = RwSignal::new(false);
    let regenerating = Task::new();
    let regenerate = move || {
        regenerating.run(async move {
            match api::regenerate_access_key(&id.get_untracked()).await {
                Ok(_) => {
                    toasts.success(i18n.t(T::KeyRegenerated));
                    confirm_regenerate.set(false);
                }
                Err(e) => error(e),
            }
            changed();
        });
    };
    let confirm_delete = RwSignal::new(false);
    let deleting = Task::new();
    let delete = move || {
        let navigate = navigate.clone();
        deleting.run(async move {
            match api::delete_inbound(&id.get_untracked()).await {
                Ok(()) => {
                    toasts.success(i18n.fmt(T::InboundDeleted, &[("name", &name())]));
                    confirm_delete.set(false);
                    navigate("/inbound", Default::default());
                }
                Err(e) => error(e),
            }
        });
    };
    let (admin, operator) = (auth.is_admin(), auth.can_operate());

    view! {
        {move || match webhook.get() {
            None => view! { <p class="card loading">{tr(T::Loading)}</p> }.into_any(),
            Some(Err(e)) => view! { <InboundLoadError error=e /> }.into_any(),
            Some(Ok(w)) => {
                let enabled = w.state == InboundState::Enabled;
                let edit_href = format!("/inbound/{}/edit", w.webhook_id);
                view! {
                    <section class="card">
                        <div class="detail-head">
                            <h1>{w.name.clone()}</h1>
                            <StateBadge state=w.state />
                            <div class="row-actions">
                                {admin.then(|| view! { <a class="btn" href=edit_href>{tr(T::Modify)}</a> })}
                                {operator.then(|| view! {
                                    <button type="button" class="btn" disabled=move || toggling.pending() on:click=move |_| toggle(!enabled)>
                                        {move || i18n.t(if enabled { T::Disable } else { T::Enable })}
                                    </button>
                                    <button type="button" class="btn" disabled=move || verifying.pending() on:click=verify>
                                        {tr(T::VerifyPlugin)}
                                    </button>
                                    <button
                                        type="button"
                                        class="btn btn-primary"
                                        title=tr(T::SampleHint)
                                        disabled=move || sampling.pending()
                                        aria-busy=move || sampling.pending().to_string()
                                        on:click=send_sample
                                    >
                                        {move || i18n.t(if sampling.pending() { T::Sending } else { T::SendSample })}
                                    </button>
                                })}
                                {admin.then(|| view! {
                                    <button type="button" class="btn" on:click=move |_| confirm_regenerate.set(true)>{tr(T::RegenerateKey)}</button>
                                    <button type="button" class="btn btn-danger-quiet" on:click=move |_| confirm_delete.set(true)>{tr(T::Delete)}</button>
                                })}
                            </div>
                        </div>
                        <Overview webhook=w.clone() plugins=plugin_list />
                    </section>
                    <Receiving webhook=w />
                }.into_any()
            }
        }}
        // Outside the webhook's view, so that a refetch does not close what the user opened.
        {move || verdict.get().map(|v| match v {
            Verdict::Ok => view! { <p class="card verdict verdict-ok" role="status">{tr(T::PluginVerifiedOk)}</p> }.into_any(),
            Verdict::Refused(fields) => view! {
                <div class="card verdict verdict-bad" role="alert">
                    <p>{tr(T::PluginRejected)}</p>
                    <ul>{fields.into_iter().map(|(k, m)| view! { <li><span class="mono">{k}</span>": "{m}</li> }).collect_view()}</ul>
                </div>
            }.into_any(),
        })}
        {move || sample.get().map(|r| view! {
            <section class="card" aria-labelledby="inbound-sample-title">
                <div class="exchange-head">
                    <h2 id="inbound-sample-title">{tr(T::SampleRequest)}</h2>
                    <button type="button" class="btn btn-quiet" on:click=move |_| sample.set(None)>{tr(T::Close)}</button>
                </div>
                <p class="alert-head">
                    <OutcomeBadge outcome=r.outcome sample=false />
                    <span class="mono">"HTTP "{r.status}</span>
                    <span class="muted">{local_time(&r.received_at)}</span>
                </p>
                <RequestDetail request=r />
            </section>
        })}
        <Show when=move || matches!(webhook.get(), Some(Ok(_)))>
            <section class="card">
                <div class="toolbar">
                    <h2 class="grow">{tr(T::RecentRequests)}</h2>
                    <button type="button" class="btn btn-quiet" on:click=move |_| changed()>{tr(T::Refresh)}</button>
                </div>
                <RequestTable requests=requests />
            </section>
        </Show>
        <ConfirmDialog
            open=confirm_regenerate
            title=Signal::derive(tr(T::ConfirmRegenerateTitle))
            message=Signal::derive(move || i18n.fmt(T::ConfirmRegenerateText, &[("name", &name())]))
            confirm_label=Signal::derive(move || i18n.t(if regenerating.pending() { T::Working } else { T::Regenerate }))
            cancel_label=Signal::derive(tr(T::Cancel))
            danger=true
            pending=Signal::derive(move || regenerating.pending())
            on_confirm=move || regenerate()
            on_cancel=move || confirm_regenerate.set(false)
        />
        <ConfirmDialog
            open=confirm_delete
            title=Signal::derive(tr(T::ConfirmDeleteInboundTitle))
            message=Signal::derive(move || i18n.fmt(T::ConfirmDeleteInboundText, &[("name", &name())]))
            confirm_label=Signal::derive(move || i18n.t(if deleting.pending() { T::Working } else { T::Delete }))
            cancel_label=Signal::derive(tr(T::Cancel))
            danger=true
            pending=Signal::derive(move || deleting.pending())
            on_confirm=move || delete()
            on_cancel=move || confirm_delete.set(false)
        />
    }
}

/// A JSON value in one line for a definition list ("—" when empty).
fn compact(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Object(m) if m.is_empty() => "—".into(),
        serde_json::Value::Null => "—".into(),
        serde_json::Value::Object(m) => m
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k} = {s}"),
                v => format!("{k} = {v}"),
            })
            .collect::<Vec<_>>()
            .join(", "),
        v => v.to_string(),
    }
}

/// The configuration as a term/description list.
#[component]
fn Overview(webhook: InboundWebhook, plugins: Signal<Vec<PluginDescriptor>>) -> impl IntoView {
    let i18n = I18n::expect();
    let w = webhook;
    let info = w.plugin_info.clone();
    let plugin_id = info.plugin_id.clone();
    let plugin = move || {
        format!(
            "{} {}",
            plugins.with(|p| plugin_name(p, &plugin_id)),
            info.version
        )
    };
    let upgrade = info.upgrade_mode;
    let tags = if w.tags.is_empty() {
        "—".to_string()
    } else {
        w.tags
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let counts = (w.requests.total.to_string(), w.requests.error.to_string());
    let last = w.last_received_at.as_deref().map(local_time);
    let row = |label: T, value: String| view! { <dt>{tr(label)}</dt><dd>{value}</dd> };
    view! {
        <div class="detail-grid">
            <div>
                <h2>{tr(T::Configuration)}</h2>
                <dl class="kv">
                    <dt>{tr(T::Plugin)}</dt><dd>{plugin}</dd>
                    <dt>{tr(T::UpgradeMode)}</dt><dd>{tr(upgrade_text(upgrade))}</dd>
                    {row(T::PluginOptions, compact(&w.plugin_info.options))}
                    {row(T::PluginMetadata, compact(&w.plugin_info.metadata))}
                    {row(T::Capability, compact(&w.capability))}
                    {row(T::Tags, tags)}
                    {row(T::ProjectId, if w.project_id.is_empty() { "—".into() } else { w.project_id.clone() })}
                </dl>
            </div>
            <div>
                <h2>{tr(T::RequestsCount)}</h2>
                <dl class="kv">
                    <dt>{tr(T::RequestsCount)}</dt>
                    <dd>{move || i18n.fmt(T::RequestsSummary, &[("total", &counts.0), ("error", &counts.1)])}</dd>
                    <dt>{tr(T::LastReceived)}</dt>
                    <dd>{match last { Some(t) => t.into_any(), None => tr(T::Never).into_any() }}</dd>
                    {row(T::CreatedAt, local_time(&w.created_at))}
                    {row(T::UpdatedAt, local_time(&w.updated_at))}
                    <dt>"ID"</dt><dd class="mono">{w.webhook_id.clone()}</dd>
                </dl>
            </div>
        </div>
    }
}
