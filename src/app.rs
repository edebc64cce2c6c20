//! The app shell: providers, the router, and the layout (sidebar, top bar, content, toasts).

use crate::components::{ToastRegion, Toasts};
use crate::i18n::{I18n, Lang, T, tr};
use crate::pages::{
    EventLog, NotFound, Subscriptions, WebhookDetail, WebhookEdit, WebhookList, WebhookNew,
};
use crate::theme::{Theme, ThemeState};
use leptos::prelude::*;
use leptos_router::components::{A, Redirect, Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;
use leptos_router::{Lazy, LazyRoute, lazy_route};

#[component]
pub fn App() -> impl IntoView {
    I18n::provide();
    ThemeState::provide();
    Toasts::provide();
    // True while the router loads the next page (its module, the first time a lazy page opens).
    let (is_routing, set_is_routing) = signal(false);
    view! {
        <Router set_is_routing=set_is_routing>
            <div class="routing-bar" role="progressbar" aria-label=tr(T::LoadingPage) hidden=move || !is_routing.get()></div>
            <div class="shell">
                <Sidebar />
                <div class="main">
                    <TopBar />
                    <main class="content" id="content">
                        <Routes fallback=NotFound>
                            <Route path=path!("/") view=|| view! { <Redirect path="/webhooks" /> } />
                            <Route path=path!("/webhooks") view=WebhookList />
                            <Route path=path!("/webhooks/new") view={Lazy::<WebhookNewRoute>::new()} />
                            <Route path=path!("/webhooks/:id") view={Lazy::<WebhookDetailRoute>::new()} />
                            <Route path=path!("/webhooks/:id/edit") view={Lazy::<WebhookEditRoute>::new()} />
                            <Route path=path!("/subscriptions") view={Lazy::<SubscriptionsRoute>::new()} />
                            <Route path=path!("/events") view={Lazy::<EventLogRoute>::new()} />
                        </Routes>
                    </main>
                </div>
            </div>
            <ToastRegion />
        </Router>
    }
}

#[component]
fn Sidebar() -> impl IntoView {
    view! {
        <aside class="sidebar">
            <div class="brand">
                <span class="brand-mark" aria-hidden="true">"⚡"</span>
                {tr(T::AppName)}
            </div>
            <nav aria-label=tr(T::Navigation)>
                <div class="nav-group">{tr(T::Notification)}</div>
                <A href="/webhooks" attr:class="nav-link">{tr(T::WebHook)}</A>
                <A href="/subscriptions" attr:class="nav-link">{tr(T::Subscriptions)}</A>
                <A href="/events" attr:class="nav-link">{tr(T::EventsNav)}</A>
            </nav>
        </aside>
    }
}

#[component]
fn TopBar() -> impl IntoView {
    let i18n = I18n::expect();
    let theme = ThemeState::expect();
    let location = use_location();
    // The section the path is in, and the page under it if any.
    let crumbs = move || {
        let path = location.pathname.get();
        let section = if path.starts_with("/subscriptions") {
            T::Subscriptions
        } else if path.starts_with("/events") {
            T::EventsNav
        } else {
            T::WebHook
        };
        let page = if path == "/webhooks/new" {
            Some(T::AddWebhook)
        } else if path.starts_with("/webhooks/") && path.ends_with("/edit") {
            Some(T::ModifyWebhook)
        } else if path.starts_with("/webhooks/") {
            Some(T::Details)
        } else {
            None
        };
        (section, page)
    };
    view! {
        <header class="topbar">
            <nav class="breadcrumbs" aria-label=tr(T::Breadcrumbs)>
                <span>{tr(T::Notification)}</span>
                <span class="crumb-sep" aria-hidden="true">"/"</span>
                {move || match crumbs() {
                    (section, None) => view! { <span aria-current="page">{i18n.t(section)}</span> }.into_any(),
                    (_, Some(t)) => view! {
                        <a href="/webhooks">{i18n.t(T::WebHook)}</a>
                        <span class="crumb-sep" aria-hidden="true">"/"</span>
                        <span aria-current="page">{i18n.t(t)}</span>
                    }.into_any(),
                }}
            </nav>
            <div class="topbar-tools">
                <label for="lang-switch" class="visually-hidden">{tr(T::Language)}</label>
                <select
                    id="lang-switch"
                    class="input input-compact"
                    on:change=move |ev| i18n.lang.set(if event_target_value(&ev) == "zh-CN" { Lang::Zh } else { Lang::En })
                >
                    <option value="en" selected=move || i18n.lang.get() == Lang::En>"English"</option>
                    <option value="zh-CN" selected=move || i18n.lang.get() == Lang::Zh>"中文"</option>
                </select>
                <button
                    type="button"
                    class="btn btn-quiet"
                    aria-pressed=move || (theme.theme.get() == Theme::Dark).to_string()
                    on:click=move |_| theme.toggle()
                >
                    {move || if theme.theme.get() == Theme::Dark { "☾ " } else { "☀ " }}
                    {tr(T::ThemeDark)}
                </button>
            </div>
        </header>
    }
}

/// A page whose code is a module of its own: `scripts/split.mjs` cuts it out of the wasm after
/// the build, and the router fetches it the first time the page opens.
macro_rules! lazy_page {
    ($route:ident, $page:ident) => {
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page /> }.into_any()
            }
        }
    };
}

lazy_page!(WebhookNewRoute, WebhookNew);
lazy_page!(WebhookDetailRoute, WebhookDetail);
lazy_page!(WebhookEditRoute, WebhookEdit);
lazy_page!(SubscriptionsRoute, Subscriptions);
lazy_page!(EventLogRoute, EventLog);
