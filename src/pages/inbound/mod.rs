//! Monitoring › Inbound WebHook: the URLs monitoring systems post their alerts to. The list
//! (`/inbound`), Create and Modify (`/inbound/new`, `/inbound/:id/edit`) and the detail page
//! (`/inbound/:id`) with the URL, an Alertmanager snippet, Send sample and the recent requests.
//! Each is a lazy route of its own; what they share is here.

mod detail;
mod form;
mod list;
mod options;
mod receiving;
mod requests;

pub use detail::InboundDetail;
pub use form::{InboundEdit, InboundNew};
pub use list::InboundList;

use crate::api::ClientError;
use crate::i18n::{I18n, T, tr};
use leptos::prelude::*;
use leptos_router::params::ParamsMap;
use webhook_api::{InboundState, PluginDescriptor, RequestOutcome, UpgradeMode};

/// The list's query `?keyword=&state=&plugin_id=&project_id=&page=&page_size=`, as the URL and the API
/// spell it (the contract has no type for it: the server reads the same keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundQuery {
    pub keyword: Option<String>,
    pub state: Option<InboundState>,
    pub plugin_id: Option<String>,
    pub project_id: Option<String>,
    /// From 1.
    pub page: u32,
    pub page_size: u32,
}

impl Default for InboundQuery {
    fn default() -> Self {
        Self {
            keyword: None,
            state: None,
            plugin_id: None,
            project_id: None,
            page: 1,
            page_size: webhook_api::DEFAULT_PAGE_SIZE,
        }
    }
}

impl InboundQuery {
    /// Reads the URL's query; values that make no sense are left out instead of failing the page.
    pub fn from_map(m: &ParamsMap) -> Self {
        let text = |k: &str| {
            m.get_str(k)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let number = |k: &str, default: u32, max: u32| {
            text(k)
                .and_then(|v| v.parse::<u32>().ok())
                .filter(|n| (1..=max).contains(n))
                .unwrap_or(default)
        };
        Self {
            keyword: text("keyword"),
            state: text("state").and_then(|s| InboundState::parse(&s)),
            plugin_id: text("plugin_id"),
            project_id: text("project_id"),
            page: number("page", 1, u32::MAX),
            page_size: number(
                "page_size",
                webhook_api::DEFAULT_PAGE_SIZE,
                webhook_api::MAX_PAGE_SIZE,
            ),
        }
    }

    /// The pairs that differ from the defaults, for the URL and the API call.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(k) = &self.keyword {
            pairs.push(("keyword", k.clone()));
        }
        if let Some(s) = self.state {
            pairs.push(("state", s.as_str().to_string()));
        }
        if let Some(p) = &self.plugin_id {
            pairs.push(("plugin_id", p.clone()));
        }
        if let Some(p) = &self.project_id {
            pairs.push(("project_id", p.clone()));
        }
        if self.page != 1 {
            pairs.push(("page", self.page.to_string()));
        }
        if self.page_size != webhook_api::DEFAULT_PAGE_SIZE {
            pairs.push(("page_size", self.page_size.to_string()));
        }
        pairs
    }

    /// Any filter or search set (not only paging).
    pub fn filtered(&self) -> bool {
        self.keyword.is_some()
            || self.state.is_some()
            || self.plugin_id.is_some()
            || self.project_id.is_some()
    }

    /// The link of the list showing this query.
    pub fn href(&self) -> String {
        let qs = crate::api::query_string(&self.to_pairs());
        if qs.is_empty() {
            "/inbound".into()
        } else {
            format!("/inbound?{qs}")
        }
    }
}

/// The state as a coloured badge with its word.
#[component]
pub fn StateBadge(
    /// The state to show.
    state: InboundState,
) -> impl IntoView {
    let (class, text) = match state {
        InboundState::Enabled => ("badge badge-active", T::StateEnabled),
        InboundState::Disabled => ("badge badge-disabled", T::StateDisabled),
    };
    view! {
        <span class=class>
            <span class="badge-dot" aria-hidden="true"></span>
            {tr(text)}
        </span>
    }
}

pub fn upgrade_text(m: UpgradeMode) -> T {
    match m {
        UpgradeMode::None => T::UpgradeNone,
        UpgradeMode::Manual => T::UpgradeManual,
        UpgradeMode::Auto => T::UpgradeAuto,
    }
}

pub fn outcome_text(o: RequestOutcome) -> T {
    match o {
        RequestOutcome::Accepted => T::OutcomeAccepted,
        RequestOutcome::ParseError => T::OutcomeParseError,
        RequestOutcome::Disabled => T::OutcomeDisabled,
        RequestOutcome::TooLarge => T::OutcomeTooLarge,
    }
}

/// The plugin's display name (its id when the plugin list does not know it).
pub fn plugin_name(plugins: &[PluginDescriptor], plugin_id: &str) -> String {
    plugins
        .iter()
        .find(|p| p.plugin_id == plugin_id)
        .map_or_else(|| plugin_id.to_string(), |p| p.name.clone())
}

/// Why an inbound webhook's page could not be shown: it is gone (404), or the server's message.
#[component]
pub fn InboundLoadError(error: ClientError) -> impl IntoView {
    let i18n = I18n::expect();
    let gone = error.status() == Some(404);
    view! {
        <section class="card empty" role="alert">
            <h1>{move || if gone { i18n.t(T::InboundGone).to_string() } else { error.message(i18n.lang.get()) }}</h1>
            <a href="/inbound" class="btn btn-primary">{tr(T::BackToInbound)}</a>
        </section>
    }
}

/// Copies `text` to the clipboard and says so in a toast.
pub fn copy_text(i18n: I18n, toasts: crate::components::Toasts, text: String, done: T) {
    let clipboard = window().navigator().clipboard();
    leptos::task::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&text)).await {
            Ok(_) => toasts.success(i18n.t(done)),
            Err(_) => toasts.error(i18n.t(T::CopyTextFailed)),
        }
    });
}
