//! The page for addresses that match no route.

use crate::i18n::{I18n, T};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = I18n::expect();
    view! {
        <section class="card empty">
            <h1>{move || i18n.t(T::NotFoundTitle)}</h1>
            <p>{move || i18n.t(T::NotFoundHint)}</p>
            <A href="/webhooks" attr:class="btn btn-primary">{move || i18n.t(T::BackToList)}</A>
        </section>
    }
}
