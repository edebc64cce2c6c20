//! The requests an inbound webhook received (newest first, the last 100), each expandable to its
//! headers, body and what each alert became: the event it was routed as, the earlier event it
//! duplicates, or the plugin's parse error. Event ids link to the events page.

use super::outcome_text;
use crate::api;
use crate::components::exchange::pretty;
use crate::i18n::{I18n, T, tr};
use crate::pages::webhook_detail::local_time;
use leptos::prelude::*;
use webhook_api::{
    AlertEventType, AlertOutcome, AlertSeverity, InboundRequest, ReceivedAlert, RequestOutcome,
};

/// The events page showing one event.
pub fn event_href(id: &str) -> String {
    format!("/events?id={}", api::encode(id))
}

fn outcome_class(o: RequestOutcome) -> &'static str {
    match o {
        RequestOutcome::Accepted => "badge badge-active",
        RequestOutcome::ParseError => "badge badge-failed",
        RequestOutcome::Disabled | RequestOutcome::TooLarge => "badge badge-disabled",
    }
}

/// A request's outcome as a badge with its word, marked when Send sample made it.
#[component]
pub fn OutcomeBadge(outcome: RequestOutcome, sample: bool) -> impl IntoView {
    view! {
        <span class=outcome_class(outcome)>
            <span class="badge-dot" aria-hidden="true"></span>
            {tr(outcome_text(outcome))}
        </span>
        {sample.then(|| view! { " " <span class="badge badge-role">{tr(T::FromSample)}</span> })}
    }
}

/// The table of recent requests.
#[component]
pub fn RequestTable(
    /// The requests, newest first, as the page loaded them.
    requests: api::Loaded<Vec<InboundRequest>>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let rows = move || requests.get().and_then(Result::ok).unwrap_or_default();
    view! {
        {move || match requests.get() {
            None => view! { <p class="loading">{tr(T::Loading)}</p> }.into_any(),
            Some(Err(e)) => view! { <p role="alert" class="field-error">{e.message(i18n.lang.get())}</p> }.into_any(),
            Some(Ok(r)) if r.is_empty() => view! { <p class="empty">{tr(T::NoRequests)}</p> }.into_any(),
            Some(Ok(_)) => ().into_any(),
        }}
        <Show when=move || requests.get().is_some_and(|r| r.is_ok_and(|r| !r.is_empty()))>
            <div class="table-wrap table-wrap-free">
                <table class="table" aria-label=tr(T::RecentRequests)>
                    <thead>
                        <tr>
                            <th scope="col">{tr(T::Time)}</th>
                            <th scope="col">{tr(T::HttpStatus)}</th>
                            <th scope="col">{tr(T::Outcome)}</th>
                            <th scope="col">{tr(T::AlertsCount)}</th>
                            <th scope="col"><span class="visually-hidden">{tr(T::Details)}</span></th>
                        </tr>
                    </thead>
                    // Keyed by id: a refresh keeps the rows (and the ones opened) as they are.
                    <For each=rows key=|r| r.id.clone() let:r>
                        <RequestRow request=r />
                    </For>
                </table>
            </div>
        </Show>
    }
}

/// One request: a summary row and, on demand, a row with all of it.
#[component]
fn RequestRow(request: InboundRequest) -> impl IntoView {
    let i18n = I18n::expect();
    let open = RwSignal::new(false);
    let time = local_time(&request.received_at);
    let (status, outcome, sample, count) = (
        request.status,
        request.outcome,
        request.sample,
        request.alerts.len(),
    );
    let detail_id = format!("inbound-request-{}", request.id);
    let controls = detail_id.clone();
    let label_time = time.clone();
    let request = StoredValue::new(request);
    view! {
        <tbody>
            <tr>
                <th scope="row"><time datetime=request.with_value(|r| r.received_at.clone())>{time}</time></th>
                <td class="mono">{status}</td>
                <td><OutcomeBadge outcome=outcome sample=sample /></td>
                <td>{count}</td>
                <td class="cell-actions">
                    <button
                        type="button"
                        class="btn btn-small"
                        aria-expanded=move || open.get().to_string()
                        aria-controls=controls
                        aria-label=move || format!("{} · {}", i18n.t(if open.get() { T::HideRequest } else { T::ShowRequest }), label_time)
                        on:click=move |_| open.update(|o| *o = !*o)
                    >
                        {move || i18n.t(if open.get() { T::HideRequest } else { T::ShowRequest })}
                    </button>
                </td>
            </tr>
            <Show when=move || open.get()>
                <tr class="request-detail-row" id=detail_id.clone()>
                    <td colspan="5"><RequestDetail request=request.get_value() /></td>
                </tr>
            </Show>
        </tbody>
    }
}

/// All of one request: the parse error, what each alert became, the events it raised, the
/// headers and the body.
#[component]
pub fn RequestDetail(request: InboundRequest) -> impl IntoView {
    let i18n = I18n::expect();
    let InboundRequest {
        headers,
        body,
        body_size,
        body_truncated,
        error,
        alerts,
        event_ids,
        client_addr,
        ..
    } = request;
    let size = body_size.to_string();
    view! {
        <div class="request-detail">
            <p class="muted">{tr(T::ClientAddressShort)}" "<span class="mono">{client_addr}</span></p>
            {error.map(|e| view! {
                <p role="alert" class="field-error">{tr(T::ParseErrorWas)}" "<span class="mono">{e}</span></p>
            })}
            <h3>{tr(T::AlertsBecame)}</h3>
            {if alerts.is_empty() {
                view! { <p class="muted">{tr(T::NoAlerts)}</p> }.into_any()
            } else {
                view! { <ul class="alerts">{alerts.into_iter().map(|a| view! { <AlertItem alert=a /> }).collect_view()}</ul> }.into_any()
            }}
            {(!event_ids.is_empty()).then(|| view! {
                <h3>{tr(T::RaisedEvents)}</h3>
                <ul class="routes">
                    {event_ids.into_iter().map(|id| view! { <li><a class="mono" href=event_href(&id)>{id.clone()}</a></li> }).collect_view()}
                </ul>
            })}
            <h3>{tr(T::HeadersTitle)}</h3>
            <dl class="kv">
                {headers.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
            </dl>
            <h3>{tr(T::Body)}</h3>
            <pre class="code" aria-label=tr(T::Body)>{pretty(&body)}</pre>
            {body_truncated.then(|| view! { <p class="muted">{move || i18n.fmt(T::BodyCut, &[("n", &size)])}</p> })}
        </div>
    }
}

/// One normalised alert and what became of it.
#[component]
fn AlertItem(alert: ReceivedAlert) -> impl IntoView {
    let ReceivedAlert {
        alert,
        outcome,
        event_id,
    } = alert;
    let kind = match alert.event_type {
        AlertEventType::Alert => "ALERT",
        AlertEventType::Recovery => "RECOVERY",
    };
    let severity = match alert.severity {
        AlertSeverity::Critical => "CRITICAL",
        AlertSeverity::Error => "ERROR",
        AlertSeverity::Warning => "WARNING",
        AlertSeverity::Info => "INFO",
        AlertSeverity::None => "NONE",
    };
    let became = match outcome {
        AlertOutcome::Routed => T::AlertRouted,
        AlertOutcome::Duplicate => T::AlertDuplicate,
    };
    view! {
        <li class="alert-item">
            <div class="alert-head">
                <span class=if kind == "ALERT" { "badge badge-failed" } else { "badge badge-active" }>{kind}</span>
                <span class="badge badge-role" title=tr(T::Severity)>{severity}</span>
                <strong>{alert.title.clone()}</strong>
                {(!alert.resource.name.is_empty()).then(|| view! { <span class="muted">{alert.resource.name.clone()}</span> })}
            </div>
            <p class="alert-became">
                {tr(became)}" "<a class="mono" href=event_href(&event_id)>{event_id.clone()}</a>
                <span class="muted">" · "{tr(T::EventKey)}" "<span class="mono">{alert.event_key.clone()}</span></span>
            </p>
        </li>
    }
}
