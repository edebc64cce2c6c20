//! Recent events (`/events`) and where each went: which webhooks, by which rule (their own event
//! types or a topic), with the delivery's status. Testers can publish a custom event here.
//! `/events?id=…` shows that one event first (the inbound webhook pages link alerts here).

use crate::api::{self, Loaded, encode};
use crate::components::{LiveBadge, Toasts, use_live_stream};
use crate::components::event_type_picker::event_type_name;
use crate::i18n::{I18n, T, tr};
use crate::pages::webhook_detail::delivery_status_text;
use crate::session::Auth;
use crate::task::Task;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use std::time::Duration;
use webhook_api::validate::validate_event;
use webhook_api::{EVENT_TYPES, EventIn, EventRecord, EventRoute, Page, RouteRule};

/// The sample a tester starts from.
const SAMPLE: &str = r#"{
  "type": "resource.update",
  "action": "update",
  "resource_type": "host",
  "resource_id": "host-001",
  "resource_details": {"name": "web-01"},
  "result": "succeed",
  "severity": "info"
}"#;

/// The routes of one event: webhook, rule, delivery status.
#[component]
pub fn RouteList(routes: Vec<EventRoute>) -> impl IntoView {
    let i18n = I18n::expect();
    if routes.is_empty() {
        return view! { <p class="muted">{tr(T::NoRoutes)}</p> }.into_any();
    }
    view! {
        <ul class="routes">
            {routes.into_iter().map(|r| {
                let rule = match &r.rule {
                    RouteRule::Webhook => i18n.t(T::RuleOwn).to_string(),
                    RouteRule::Subscription(topic) => i18n.fmt(T::RuleTopic, &[("topic", topic)]),
                };
                let status = r.delivery_status;
                view! {
                    <li>
                        <a href=format!("/webhooks/{}", r.webhook_id)>{r.webhook_name.clone()}</a>
                        <span class="muted">{rule}</span>
                        <span class=format!("badge badge-delivery-{}", status.as_str())>{move || i18n.t(delivery_status_text(status))}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// One event with its details and routes (`/events?id=…`).
#[component]
fn OneEvent(
    /// The event's id.
    id: String,
    /// Bumped to look again (the routes' delivery statuses change).
    tick: RwSignal<u32>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let path = api::event_path(&id);
    let event: Loaded<EventRecord> = Loaded::new(move || {
        tick.track();
        path.clone()
    });
    let title = id.clone();
    view! {
        <section class="card" aria-labelledby="one-event-title">
            <div class="exchange-head">
                <h1 id="one-event-title">{move || i18n.fmt(T::EventN, &[("id", &title)])}</h1>
                <a class="btn btn-quiet" href="/events">{tr(T::AllEvents)}</a>
            </div>
            {move || match event.get() {
                None => view! { <p class="loading">{tr(T::Loading)}</p> }.into_any(),
                Some(Err(e)) if e.status() == Some(404) => view! { <p role="alert" class="field-error">{tr(T::EventNotFound)}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="field-error">{e.message(i18n.lang.get())}</p> }.into_any(),
                Some(Ok(e)) => {
                    let details = serde_json::to_string_pretty(&e.resource_details).unwrap_or_default();
                    view! {
                        <dl class="kv">
                            <dt>{tr(T::EventType)}</dt><dd>{move || event_type_name(&e.event_type, i18n.lang.get())}" · "{e.action.clone()}</dd>
                            <dt>{tr(T::ResourceType)}</dt><dd>{format!("{} {}", e.resource_type, e.resource_id)}</dd>
                            <dt>{tr(T::Result)}</dt><dd>{e.result.as_str()}</dd>
                            <dt>{tr(T::Severity)}</dt><dd>{e.severity.as_str()}</dd>
                            <dt>{tr(T::ReceivedAt)}</dt><dd>{crate::pages::webhook_detail::local_time(&e.received_at)}</dd>
                            <dt>{tr(T::RoutedTo)}</dt><dd><RouteList routes=e.routes.clone() /></dd>
                        </dl>
                        <h2>{tr(T::ResourceDetails)}</h2>
                        <pre class="code" aria-label=tr(T::ResourceDetails)>{details}</pre>
                    }.into_any()
                }
            }}
        </section>
    }
}

#[component]
pub fn EventLog() -> impl IntoView {
    let i18n = I18n::expect();
    let toasts = Toasts::expect();
    let event_type = RwSignal::new(String::new());
    let resource_type = RwSignal::new(String::new());
    let result = RwSignal::new(String::new());
    let tick = RwSignal::new(0u32);
    // New events and their deliveries' statuses show as they happen (the live view); a slow
    // refresh besides, in case the stream is down.
    let live = use_live_stream(Vec::new(), move || tick.update(|n| *n += 1));
    let handle = set_interval_with_handle(move || tick.update(|n| *n += 1), Duration::from_secs(30)).ok();
    on_cleanup(move || {
        if let Some(h) = handle {
            h.clear();
        }
    });
    let events: Loaded<Page<EventRecord>> = Loaded::new(move || {
        tick.track();
        format!(
            "/events?type={}&resource_type={}&result={}",
            encode(&event_type.get()),
            encode(&resource_type.get()),
            encode(&result.get())
        )
    });

    // The editor: checked as you type against the event schema and rules.
    let text = RwSignal::new(SAMPLE.to_string());
    let parsed = Memo::new(move |_| {
        text.with(|t| match serde_json::from_str::<EventIn>(t) {
            Err(e) => Err(e.to_string()),
            Ok(ev) => {
                let lang = i18n.lang.get();
                let errors = validate_event(&ev);
                match errors.iter().next() {
                    Some((field, err)) => Err(format!("{field}: {}", err.message(lang))),
                    None => Ok(ev),
                }
            }
        })
    });
    let publish = Task::new();
    let on_publish = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(event) = parsed.get_untracked() else { return };
        publish.run(async move {
            match api::publish_event(&event).await {
                Ok(a) => {
                    toasts.success(i18n.fmt(T::Published, &[("n", &a.deliveries.to_string())]));
                    tick.update(|n| *n += 1);
                }
                Err(e) => toasts.error(e.message(i18n.lang.get_untracked())),
            }
        });
    };
    let error = move || parsed.with(|p| p.as_ref().err().cloned());
    // Publishing is for operators and admins; everyone reads the log.
    let operator = Auth::expect().can_operate();

    let query = use_query_map();
    let one = Memo::new(move |_| query.with(|q| q.get("id").filter(|id| !id.is_empty())));

    view! {
        {move || one.get().map(|id| view! { <OneEvent id=id tick=tick /> })}
        <section class="card">
            <h1>{tr(T::EventsTitle)}</h1>
            <Show when=move || operator>
            <form class="form" on:submit=on_publish>
                <div class="field">
                    <label for="event-json" class="field-label">{tr(T::CustomEvent)}</label>
                    <textarea
                        id="event-json"
                        class="input mono"
                        rows="9"
                        spellcheck="false"
                        aria-invalid=move || error().is_some().to_string()
                        aria-describedby="event-json-error"
                        prop:value=text
                        on:input=move |ev| text.set(event_target_value(&ev))
                    ></textarea>
                    <p id="event-json-error" class="field-error" aria-live="polite">{error}</p>
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || error().is_some() || publish.pending()>
                        {tr(T::Publish)}
                    </button>
                </div>
            </form>
            </Show>
        </section>
        <section class="card">
            <div class="toolbar">
                <div class="filter">
                    <label for="ev-type">{tr(T::EventType)}</label>
                    <select id="ev-type" class="input" on:change=move |ev| event_type.set(event_target_value(&ev))>
                        <option value="">{tr(T::All)}</option>
                        {EVENT_TYPES.iter().map(|e| view! { <option value=e.0>{move || event_type_name(e.0, i18n.lang.get())}</option> }).collect_view()}
                    </select>
                </div>
                <div class="filter">
                    <label for="ev-resource">{tr(T::ResourceType)}</label>
                    <input id="ev-resource" class="input" placeholder="host" on:change=move |ev| resource_type.set(event_target_value(&ev)) />
                </div>
                <div class="filter">
                    <label for="ev-result">{tr(T::Result)}</label>
                    <select id="ev-result" class="input" on:change=move |ev| result.set(event_target_value(&ev))>
                        <option value="">{tr(T::All)}</option>
                        <option value="succeed">{tr(T::ResultSucceed)}</option>
                        <option value="failed">{tr(T::ResultFailed)}</option>
                    </select>
                </div>
                <LiveBadge state=live.state />
            </div>
            {move || match events.get() {
                None => view! { <p class="loading">{tr(T::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="field-error">{e.message(i18n.lang.get())}</p> }.into_any(),
                Some(Ok(p)) if p.results.is_empty() => view! { <p class="empty">{tr(T::NoEvents)}</p> }.into_any(),
                Some(Ok(p)) => view! {
                    <div class="table-wrap">
                        <table class="table">
                            <thead><tr>
                                <th scope="col">{tr(T::ReceivedAt)}</th>
                                <th scope="col">{tr(T::EventType)}</th>
                                <th scope="col">{tr(T::ResourceType)}</th>
                                <th scope="col">{tr(T::Result)}</th>
                                <th scope="col">{tr(T::RoutedTo)}</th>
                            </tr></thead>
                            <tbody>
                                {p.results.into_iter().map(|e| view! {
                                    <tr>
                                        <td>{crate::pages::webhook_detail::local_time(&e.received_at)}</td>
                                        <th scope="row">{move || event_type_name(&e.event_type, i18n.lang.get())}" · "{e.action.clone()}</th>
                                        <td>{format!("{} {}", e.resource_type, e.resource_id)}</td>
                                        <td>{e.result.as_str()}</td>
                                        <td><RouteList routes=e.routes.clone() /></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}
