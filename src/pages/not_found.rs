//! The page for addresses that match no route.

use crate::i18n::{T, tr};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="card empty">
            <h1>{tr(T::NotFoundTitle)}</h1>
            <p>{tr(T::NotFoundHint)}</p>
            <A href="/webhooks" attr:class="btn btn-primary">{tr(T::BackToList)}</A>
        </section>
    }
}
