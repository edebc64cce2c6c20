//! Where a monitoring system sends its alerts: the webhook URL and access key with Copy, and a
//! ready Alertmanager `webhook_configs` receiver, with the key in the URL or (the alternative) in
//! the `Authorization: Bearer` header.

use super::copy_text;
use crate::components::Toasts;
use crate::i18n::{I18n, T, tr};
use crate::session::Auth;
use leptos::prelude::*;
use webhook_api::InboundWebhook;

/// The URL as the monitoring system must use it: the server answers an absolute one when it
/// knows its public address, a path otherwise (then this page's origin is the server's).
pub fn absolute(url: &str) -> String {
    if url.starts_with('/') {
        let origin = window().location().origin().unwrap_or_default();
        format!("{origin}{url}")
    } else {
        url.to_string()
    }
}

/// The URL without the key (`…/inbound/{id}/events`), for the key in the header instead.
pub fn url_without_key(url: &str, webhook_id: &str) -> String {
    let marker = format!("/inbound/{webhook_id}/");
    match url.find(&marker) {
        Some(at) => format!("{}events", &url[..at + marker.len()]),
        None => url.to_string(),
    }
}

/// A YAML string in single quotes (a quote inside is doubled).
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// An Alertmanager receiver posting to `url`, the key inside it.
pub fn snippet_key_in_url(receiver: &str, url: &str) -> String {
    format!(
        "receivers:\n  - name: {}\n    webhook_configs:\n      - url: {}\n        send_resolved: true\n",
        quoted(receiver),
        quoted(url)
    )
}

/// An Alertmanager receiver posting to the URL without the key, the key as a bearer token.
pub fn snippet_bearer(receiver: &str, url: &str, key: &str) -> String {
    format!(
        "receivers:\n  - name: {}\n    webhook_configs:\n      - url: {}\n        send_resolved: true\n        http_config:\n          authorization:\n            type: Bearer\n            credentials: {}\n",
        quoted(receiver),
        quoted(url),
        quoted(key)
    )
}

#[component]
pub fn Receiving(
    /// The inbound webhook (its URL and key as the server showed them to this user).
    webhook: InboundWebhook,
) -> impl IntoView {
    let i18n = I18n::expect();
    let toasts = Toasts::expect();
    let admin = Auth::expect().is_admin();
    let url = absolute(&webhook.webhook_url);
    let in_url = snippet_key_in_url(&webhook.name, &url);
    let bearer = snippet_bearer(
        &webhook.name,
        &url_without_key(&url, &webhook.webhook_id),
        &webhook.access_key,
    );
    let copy = move |text: String, done: T| move |_| copy_text(i18n, toasts, text.clone(), done);
    let snippet = move |title: T, text: String| {
        view! {
            <div class="snippet">
                <div class="exchange-head">
                    <h3>{tr(title)}</h3>
                    <button type="button" class="btn btn-small" on:click=copy(text.clone(), T::SnippetCopied)>
                        {tr(T::CopySnippet)}
                    </button>
                </div>
                <pre class="code" aria-label=move || format!("{}: {}", i18n.t(T::AlertmanagerConfig), i18n.t(title))>{text}</pre>
            </div>
        }
    };
    view! {
        <section class="card">
            <h2>{tr(T::Receiving)}</h2>
            <div class="field">
                <label for="inb-url" class="field-label">{tr(T::WebhookUrl)}</label>
                <div class="input-with-button">
                    <input id="inb-url" class="input mono" readonly prop:value=url.clone() />
                    <button type="button" class="btn" on:click=copy(url.clone(), T::UrlCopied)>{tr(T::CopyUrl)}</button>
                </div>
            </div>
            <div class="field">
                <label for="inb-key" class="field-label">{tr(T::AccessKey)}</label>
                <input id="inb-key" class="input mono input-key" readonly prop:value=webhook.access_key.clone() />
                {(!admin).then(|| view! { <p class="field-hint">{tr(T::UrlMaskedHint)}</p> })}
            </div>
            <h2 class="snippet-title">{tr(T::AlertmanagerConfig)}</h2>
            {snippet(T::SnippetKeyInUrl, in_url)}
            {snippet(T::SnippetBearer, bearer)}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn the_key_moves_from_the_path_to_the_header() {
        let url = "https://console.example/api/v1/inbound/ibw_1/k3y/events";
        assert_eq!(
            url_without_key(url, "ibw_1"),
            "https://console.example/api/v1/inbound/ibw_1/events"
        );
        // Masked for non-admins: still the same shape.
        assert_eq!(
            url_without_key("/api/v1/inbound/ibw_1/ab…yz/events", "ibw_1"),
            "/api/v1/inbound/ibw_1/events"
        );
    }

    #[wasm_bindgen_test]
    fn snippets_are_alertmanager_receivers() {
        let url = "https://c.example/api/v1/inbound/ibw_1/k3y/events";
        let s = snippet_key_in_url("Prod's AM", url);
        assert_eq!(
            s,
            "receivers:\n  - name: 'Prod''s AM'\n    webhook_configs:\n      - url: 'https://c.example/api/v1/inbound/ibw_1/k3y/events'\n        send_resolved: true\n"
        );
        let b = snippet_bearer("am", "https://c.example/api/v1/inbound/ibw_1/events", "k3y");
        assert!(b.contains("      - url: 'https://c.example/api/v1/inbound/ibw_1/events'\n        send_resolved: true\n"));
        assert!(b.ends_with("        http_config:\n          authorization:\n            type: Bearer\n            credentials: 'k3y'\n"));
    }
}
