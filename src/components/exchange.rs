//! One HTTP exchange with a receiver, as sent and as answered: the body of a Send / Send Test
//! report and of every recorded delivery attempt. Offers the request as a curl command.

use crate::components::Toasts;
use crate::i18n::{tr, I18n, T};
use leptos::prelude::*;
use std::collections::BTreeMap;
use webhook_api::{Attempt, DeliveryErrorKind, DeliveryFailure, ReceivedResponse, SendReport, SentRequest};

/// What the view shows; built from a [`SendReport`] or an [`Attempt`].
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub request: SentRequest,
    pub response: Option<ReceivedResponse>,
    pub duration_ms: u64,
    pub ok: bool,
    pub error: Option<DeliveryFailure>,
}

impl From<SendReport> for Exchange {
    fn from(r: SendReport) -> Self {
        Self { request: r.request, response: r.response, duration_ms: r.duration_ms, ok: r.ok, error: r.error }
    }
}

impl From<Attempt> for Exchange {
    fn from(a: Attempt) -> Self {
        Self { request: a.request, response: a.response, duration_ms: a.duration_ms, ok: a.ok, error: a.error }
    }
}

/// The label of an error kind.
pub fn error_kind_text(kind: DeliveryErrorKind) -> T {
    match kind {
        DeliveryErrorKind::Dns => T::ErrDns,
        DeliveryErrorKind::Connect => T::ErrConnect,
        DeliveryErrorKind::Tls => T::ErrTls,
        DeliveryErrorKind::Timeout => T::ErrTimeout,
        DeliveryErrorKind::RefusedByPolicy => T::ErrPolicy,
        DeliveryErrorKind::InvalidResponse => T::ErrInvalid,
        DeliveryErrorKind::HttpStatus => T::ErrStatus,
        DeliveryErrorKind::ReceiverError => T::ErrReceiver,
    }
}

/// The request as a shell command; secrets stay as masked as they were shown.
pub fn curl_command(r: &SentRequest) -> String {
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let mut cmd = format!("curl -X {} {}", r.method, quote(&r.url));
    for (k, v) in &r.headers {
        cmd.push_str(&format!(" \\\n  -H {}", quote(&format!("{k}: {v}"))));
    }
    if !r.body.is_empty() {
        cmd.push_str(&format!(" \\\n  --data-raw {}", quote(&r.body)));
    }
    cmd
}

/// Indents a JSON body for reading, keeping its keys in the order they were sent (parsing into a
/// value would sort them). Anything that is not JSON stays as it is.
pub fn pretty(body: &str) -> String {
    let trimmed = body.trim();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[')) || serde_json::from_str::<serde::de::IgnoredAny>(trimmed).is_err() {
        return body.to_string();
    }
    let (mut out, mut depth, mut in_string, mut escaped) = (String::new(), 0usize, false, false);
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    let mut chars = trimmed.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                // Empty containers stay on one line.
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.push(chars.next().unwrap_or_default());
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

fn headers_view(headers: BTreeMap<String, String>) -> impl IntoView {
    view! {
        <dl class="kv">
            {headers
                .into_iter()
                .map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> })
                .collect_view()}
        </dl>
    }
}

#[component]
pub fn ExchangeView(
    /// The exchange to show.
    exchange: Exchange,
) -> impl IntoView {
    let i18n = I18n::expect();
    let toasts = Toasts::expect();
    let Exchange { request, response, duration_ms, ok, error } = exchange;
    let curl = curl_command(&request);
    let copy = move |_| {
        let clipboard = window().navigator().clipboard();
        let text = curl.clone();
        leptos::task::spawn_local(async move {
            let done = wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&text)).await;
            match done {
                Ok(_) => toasts.success(i18n.t(T::CopiedCurl)),
                Err(_) => toasts.error(text),
            }
        });
    };
    let status_line = response.as_ref().map(|r| r.status);
    view! {
        <div class="exchange">
            <p class="exchange-summary" class:ok=ok class:failed=!ok>
                <strong>{move || i18n.t(if ok { T::Delivered } else { T::NotDelivered })}</strong>
                {status_line.map(|s| view! { <span class="http-status">{format!("HTTP {s}")}</span> })}
                <span>{move || i18n.fmt(T::DurationMs, &[("ms", &duration_ms.to_string())])}</span>
                {error.map(|e| view! {
                    <span class="exchange-error">
                        {move || i18n.t(error_kind_text(e.kind))}": "{e.message.clone()}
                    </span>
                })}
            </p>
            <section class="exchange-part">
                <div class="exchange-head">
                    <h3>{tr(T::Request)}</h3>
                    <button type="button" class="btn btn-small" on:click=copy>{tr(T::CopyCurl)}</button>
                </div>
                <p class="mono">{format!("{} {}", request.method, request.url)}</p>
                {headers_view(request.headers)}
                <pre class="code" aria-label=tr(T::Body)>{pretty(&request.body)}</pre>
            </section>
            <section class="exchange-part">
                <h3>{tr(T::Response)}</h3>
                {match response {
                    None => view! { <p class="muted">{tr(T::NoResponse)}</p> }.into_any(),
                    Some(r) => view! {
                        <p class="mono">{format!("HTTP {}", r.status)}</p>
                        {headers_view(r.headers)}
                        <pre class="code" aria-label=tr(T::Body)>{pretty(&r.body)}</pre>
                        {r.truncated.then(|| view! { <p class="muted">{tr(T::Truncated)}</p> })}
                    }.into_any(),
                }}
            </section>
        </div>
    }
}
