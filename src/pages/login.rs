//! Sign in (`/login`): username and password; the server's answer to a wrong password or to too
//! many tries beside the form, the typed username kept. Afterwards the user goes back to `next`
//! (a path of this site) or to the WebHook list.

use crate::api;
use crate::app::LangSwitch;
use crate::i18n::{I18n, T, tr};
use crate::session::{Auth, SessionState, safe_next};
use crate::task::Task;
use leptos::{html, prelude::*};
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use webhook_api::SignIn;

#[component]
pub fn Login() -> impl IntoView {
    let i18n = I18n::expect();
    let auth = Auth::expect();
    let navigate = use_navigate();
    let query = use_query_map();
    let next = move || safe_next(query.with_untracked(|q| q.get("next")).as_deref());
    // Signed in (now, or already when the page opened): on to where the user was going.
    Effect::new(move || {
        if matches!(auth.state.get(), SessionState::SignedIn(_)) {
            navigate(
                &next(),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });

    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let password_input = NodeRef::<html::Input>::new();
    let signing_in = Task::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = SignIn {
            username: username.get_untracked().trim().to_string(),
            password: password.get_untracked(),
        };
        if body.username.is_empty() || body.password.is_empty() {
            error.set(Some(i18n.t(T::SignInMissing).to_string()));
            return;
        }
        error.set(None);
        signing_in.run(async move {
            match api::sign_in(&body).await {
                Ok(session) => auth.state.set(SessionState::SignedIn(session)),
                Err(e) => {
                    error.set(Some(e.message(i18n.lang.get_untracked())));
                    // The username stays; the password is typed again.
                    password.set(String::new());
                    if let Some(input) = password_input.get_untracked() {
                        let _ = input.focus();
                    }
                }
            }
        });
    };
    view! {
        <main class="login">
            <section class="card login-card" aria-labelledby="login-title">
                <div class="login-head">
                    <span class="brand-mark" aria-hidden="true">"⚡"</span>
                    <span class="login-brand">{tr(T::AppName)}</span>
                    <span class="grow"></span>
                    <LangSwitch />
                </div>
                <h1 id="login-title">{tr(T::SignIn)}</h1>
                <form class="form" novalidate on:submit=submit>
                    <div class="field">
                        <label for="login-username" class="field-label">{tr(T::Username)}</label>
                        <input
                            id="login-username"
                            class="input"
                            autocomplete="username"
                            autofocus
                            prop:value=username
                            on:input=move |ev| username.set(event_target_value(&ev))
                        />
                    </div>
                    <div class="field">
                        <label for="login-password" class="field-label">{tr(T::Password)}</label>
                        <input
                            id="login-password"
                            type="password"
                            class="input"
                            autocomplete="current-password"
                            node_ref=password_input
                            prop:value=password
                            on:input=move |ev| password.set(event_target_value(&ev))
                        />
                    </div>
                    <p class="login-error" role="alert">{move || error.get()}</p>
                    <button
                        type="submit"
                        class="btn btn-primary"
                        disabled=move || signing_in.pending()
                        aria-busy=move || signing_in.pending().to_string()
                    >
                        {move || i18n.t(if signing_in.pending() { T::SigningIn } else { T::SignIn })}
                    </button>
                </form>
            </section>
        </main>
    }
}
