//! What a page shows to a role that may not use it: what is refused, the user's role, and the
//! way back. (The server refuses such calls anyway; this keeps the page from being a broken
//! form.)

use crate::i18n::{I18n, T, tr};
use crate::session::{Auth, role_text};
use leptos::prelude::*;

#[component]
pub fn NotAllowed(
    /// What the user may not do, in a sentence.
    #[prop(into)]
    message: Signal<&'static str>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let auth = Auth::expect();
    let role = move || {
        auth.role()
            .map(|r| i18n.t(role_text(r)))
            .unwrap_or_default()
    };
    view! {
        <section class="card empty" role="alert">
            <h1>{tr(T::NotAllowedTitle)}</h1>
            <p>{message}</p>
            <p class="muted">{move || i18n.fmt(T::YourRoleIs, &[("role", role())])}</p>
            <a href="/webhooks" class="btn btn-primary">{tr(T::BackToList)}</a>
        </section>
    }
}
