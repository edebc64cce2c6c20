//! Settings (`/settings`, admins only): users, API tokens and the audit log, one section each at
//! `/settings/users`, `/settings/tokens` and `/settings/audit` (whose filters live in the query).

mod audit;
mod tokens;
mod users;

use crate::components::NotAllowed;
use crate::i18n::{I18n, T, tr};
use crate::session::Auth;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The sections: (path segment, label).
const TABS: [(&str, T); 3] = [
    ("users", T::Users),
    ("tokens", T::ApiTokens),
    ("audit", T::AuditLog),
];

#[component]
pub fn Settings() -> impl IntoView {
    let auth = Auth::expect();
    view! {
        <Show when=move || auth.is_admin() fallback=|| view! { <NotAllowed message=Signal::derive(tr(T::MayNotSettings)) /> }>
            <SettingsSections />
        </Show>
    }
}

#[component]
fn SettingsSections() -> impl IntoView {
    let i18n = I18n::expect();
    let params = use_params_map();
    let tab = Memo::new(move |_| {
        let t = params.with(|p| p.get("tab")).unwrap_or_default();
        TABS.iter()
            .find(|(k, _)| *k == t)
            .map_or("users", |(k, _)| *k)
    });
    view! {
        <section class="card settings-head">
            <h1>{tr(T::Settings)}</h1>
            <nav class="tabs" aria-label=tr(T::SettingsSections)>
                {TABS.map(|(key, label)| view! {
                    <a
                        class="tab"
                        href=format!("/settings/{key}")
                        aria-current=move || (tab.get() == key).then_some("page")
                    >
                        {move || i18n.t(label)}
                    </a>
                }).collect_view()}
            </nav>
        </section>
        {move || match tab.get() {
            "tokens" => view! { <tokens::TokensSection /> }.into_any(),
            "audit" => view! { <audit::AuditSection /> }.into_any(),
            _ => view! { <users::UsersSection /> }.into_any(),
        }}
    }
}
