//! The app shell: providers, the router, the session, and the layout (sidebar, top bar,
//! content, toasts). `/login` shows the sign-in page alone; every other page waits for the session
//! and shows in the layout.

use crate::api::{self, ClientError};
use crate::components::{ToastRegion, Toasts};
use crate::i18n::{I18n, Lang, T, tr};
use crate::pages::{
    EventLog, InboundDetail, InboundEdit, InboundList, InboundNew, Login, NotFound, Settings, Subscriptions,
    WebhookDetail, WebhookEdit, WebhookList, WebhookNew,
};
use crate::session::{Auth, SessionState, login_href, role_text};
use crate::theme::{Theme, ThemeState};
use leptos::prelude::*;
use leptos_router::components::{A, Redirect, Route, Router, Routes};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::{NavigateOptions, path};
use leptos_router::{Lazy, LazyRoute, lazy_route};

#[component]
pub fn App() -> impl IntoView {
    I18n::provide();
    ThemeState::provide();
    Toasts::provide();
    Auth::provide();
    // True while the router loads the next page (its module, the first time a lazy page opens).
    let (is_routing, set_is_routing) = signal(false);
    view! {
        <Router set_is_routing=set_is_routing>
            <div class="routing-bar" role="progressbar" aria-label=tr(T::LoadingPage) hidden=move || !is_routing.get()></div>
            <Screen />
            <ToastRegion />
        </Router>
    }
}

/// The sign-in page or the layout; asks once who is signed in, and sends the user to the sign-in
/// page whenever the server says nobody is (401), with the way back in `next`.
#[component]
fn Screen() -> impl IntoView {
    let auth = Auth::expect();
    let navigate = use_navigate();
    let location = use_location();
    let (pathname, query) = (location.pathname, location.search);
    api::on_unauthorized(move || {
        auth.state.set(SessionState::SignedOut);
        // The router's address, not the browser's: while a lazy page loads, the browser still
        // shows the page the user is leaving.
        let (path, search) = (pathname.get_untracked(), query.get_untracked());
        let here = if search.is_empty() { path } else { format!("{path}?{search}") };
        if !here.starts_with("/login") {
            navigate(&login_href(&here), NavigateOptions { replace: true, ..Default::default() });
        }
    });
    auth.check();
    let on_login = Memo::new(move |_| location.pathname.with(|p| p == "/login"));
    move || {
        if on_login.get() {
            view! { <Login /> }.into_any()
        } else {
            view! { <Layout /> }.into_any()
        }
    }
}

/// What the session state means for the layout, so that a new session object alone does not
/// rebuild the pages.
#[derive(Clone, PartialEq)]
enum Gate {
    Wait,
    Open,
    Failed(ClientError),
}

/// Sidebar, top bar and the routed page, once the session is known; nothing before, so that no
/// page flashes for someone who is not signed in.
#[component]
fn Layout() -> impl IntoView {
    let auth = Auth::expect();
    let i18n = I18n::expect();
    let gate = Memo::new(move |_| {
        auth.state.with(|s| match s {
            SessionState::SignedIn(_) => Gate::Open,
            SessionState::Failed(e) => Gate::Failed(e.clone()),
            SessionState::Checking | SessionState::SignedOut => Gate::Wait,
        })
    });
    move || match gate.get() {
        Gate::Wait => view! { <p class="loading boot" role="status">{tr(T::Loading)}</p> }.into_any(),
        Gate::Failed(e) => {
            let unreachable = e.status().is_none();
            view! {
                <section class="card empty boot" role="alert">
                    <h1>{move || i18n.t(if unreachable { T::UnreachableTitle } else { T::ErrorUnexpected })}</h1>
                    <p>{move || if unreachable { i18n.t(T::UnreachableHint).to_string() } else { e.message(i18n.lang.get()) }}</p>
                    <button type="button" class="btn btn-primary" on:click=move |_| auth.check()>{tr(T::Retry)}</button>
                </section>
            }
            .into_any()
        }
        Gate::Open => view! {
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
                            <Route path=path!("/inbound") view={Lazy::<InboundListRoute>::new()} />
                            <Route path=path!("/inbound/new") view={Lazy::<InboundNewRoute>::new()} />
                            <Route path=path!("/inbound/:id") view={Lazy::<InboundDetailRoute>::new()} />
                            <Route path=path!("/inbound/:id/edit") view={Lazy::<InboundEditRoute>::new()} />
                            <Route path=path!("/settings/:tab?") view={Lazy::<SettingsRoute>::new()} />
                        </Routes>
                    </main>
                </div>
            </div>
        }
        .into_any(),
    }
}

#[component]
fn Sidebar() -> impl IntoView {
    let auth = Auth::expect();
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
                <div class="nav-group">{tr(T::Monitoring)}</div>
                <A href="/inbound" attr:class="nav-link">{tr(T::InboundWebhook)}</A>
                {move || auth.is_admin().then(|| view! {
                    <div class="nav-group">{tr(T::Administration)}</div>
                    <A href="/settings" attr:class="nav-link">{tr(T::Settings)}</A>
                })}
            </nav>
        </aside>
    }
}

/// The language switch (English / 中文), in the top bar and on the sign-in page.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = I18n::expect();
    view! {
        <label for="lang-switch" class="visually-hidden">{tr(T::Language)}</label>
        <select
            id="lang-switch"
            class="input input-compact"
            on:change=move |ev| i18n.lang.set(if event_target_value(&ev) == "zh-CN" { Lang::Zh } else { Lang::En })
        >
            <option value="en" selected=move || i18n.lang.get() == Lang::En>"English"</option>
            <option value="zh-CN" selected=move || i18n.lang.get() == Lang::Zh>"中文"</option>
        </select>
    }
}

/// Who is signed in, with their role, and Sign out.
#[component]
fn UserMenu() -> impl IntoView {
    let i18n = I18n::expect();
    let auth = Auth::expect();
    let toasts = Toasts::expect();
    let navigate = use_navigate();
    let user = move || {
        auth.state.with(|s| match s {
            SessionState::SignedIn(s) => {
                let u = &s.user;
                let name = if u.display_name.trim().is_empty() { u.username.clone() } else { u.display_name.clone() };
                Some((name, u.username.clone(), u.role))
            }
            _ => None,
        })
    };
    let signing_out = crate::task::Task::new();
    let sign_out = move |_| {
        let navigate = navigate.clone();
        signing_out.run(async move {
            match api::sign_out().await {
                // Already signed out (401) is as good: the hook has gone to the sign-in page.
                Ok(()) | Err(ClientError::Api { status: 401, .. }) => {
                    auth.state.set(SessionState::SignedOut);
                    navigate("/login", Default::default());
                }
                Err(e) => toasts.error(e.message(i18n.lang.get_untracked())),
            }
        });
    };
    view! {
        {move || user().map(|(name, username, role)| view! {
            <span class="user-chip" title=username>
                <span class="user-name">{name}</span>
                <span class="badge badge-role">{move || i18n.t(role_text(role))}</span>
            </span>
        })}
        <button type="button" class="btn btn-quiet" disabled=move || signing_out.pending() on:click=sign_out>
            {tr(T::SignOut)}
        </button>
    }
}

#[component]
fn TopBar() -> impl IntoView {
    let i18n = I18n::expect();
    let theme = ThemeState::expect();
    let location = use_location();
    // The group and section the path is in, the section's link, and the page under it if any.
    let crumbs = move || {
        let path = location.pathname.get();
        let (group, section, href) = if path.starts_with("/subscriptions") {
            (T::Notification, T::Subscriptions, "/subscriptions")
        } else if path.starts_with("/events") {
            (T::Notification, T::EventsNav, "/events")
        } else if path.starts_with("/settings") {
            (T::Administration, T::Settings, "/settings")
        } else if path == "/inbound" || path.starts_with("/inbound/") {
            (T::Monitoring, T::InboundWebhook, "/inbound")
        } else {
            (T::Notification, T::WebHook, "/webhooks")
        };
        let page = match path.as_str() {
            "/webhooks/new" => Some(T::AddWebhook),
            "/inbound/new" => Some(T::CreateInbound),
            p if p.ends_with("/edit") && p.starts_with("/webhooks/") => Some(T::ModifyWebhook),
            p if p.ends_with("/edit") && p.starts_with("/inbound/") => Some(T::ModifyInbound),
            p if p.starts_with("/webhooks/") || p.starts_with("/inbound/") => Some(T::Details),
            _ => None,
        };
        (group, section, href, page)
    };
    view! {
        <header class="topbar">
            <nav class="breadcrumbs" aria-label=tr(T::Breadcrumbs)>
                <span>{move || i18n.t(crumbs().0)}</span>
                <span class="crumb-sep" aria-hidden="true">"/"</span>
                {move || match crumbs() {
                    (_, section, _, None) => view! { <span aria-current="page">{i18n.t(section)}</span> }.into_any(),
                    (_, section, href, Some(t)) => view! {
                        <a href=href>{i18n.t(section)}</a>
                        <span class="crumb-sep" aria-hidden="true">"/"</span>
                        <span aria-current="page">{i18n.t(t)}</span>
                    }.into_any(),
                }}
            </nav>
            <div class="topbar-tools">
                <LangSwitch />
                <button
                    type="button"
                    class="btn btn-quiet"
                    aria-pressed=move || (theme.theme.get() == Theme::Dark).to_string()
                    on:click=move |_| theme.toggle()
                >
                    {move || if theme.theme.get() == Theme::Dark { "☾ " } else { "☀ " }}
                    {tr(T::ThemeDark)}
                </button>
                <UserMenu />
            </div>
        </header>
    }
}

/// A page whose code is a module of its own: `scripts/build-console.mjs` cuts it out of the wasm after
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
lazy_page!(SettingsRoute, Settings);
lazy_page!(InboundListRoute, InboundList);
lazy_page!(InboundNewRoute, InboundNew);
lazy_page!(InboundDetailRoute, InboundDetail);
lazy_page!(InboundEditRoute, InboundEdit);
