//! "Verify signature" on a past attempt: asks the server which of the webhook's secrets (the
//! current one, the previous one during a rotation) the stored request's signature matches, and
//! says so in a sentence — what a receiver's developer needs when they reject our signature.

use crate::api;
use crate::i18n::{I18n, T, tr};
use leptos::prelude::*;

#[component]
pub fn VerifySignature(
    /// The delivery of the attempt.
    delivery_id: String,
    /// The attempt's number.
    number: u32,
) -> impl IntoView {
    let i18n = I18n::expect();
    let delivery_id = StoredValue::new(delivery_id);
    let check = Action::new_local(move |_: &()| async move {
        api::check_signature(&delivery_id.get_value(), number).await
    });
    let verdict = move || {
        check.value().get().map(|r| match r {
            Err(e) => view! { <p role="alert" class="field-error">{e.message(i18n.lang.get())}</p> }.into_any(),
            Ok(c) => {
                let (text, ok) = match (c.signed, c.current, c.previous) {
                    (false, _, _) => (T::SignatureUnsigned, false),
                    (true, true, _) => (T::SignatureCurrent, true),
                    (true, false, Some(true)) => (T::SignaturePrevious, true),
                    (true, false, _) => (T::SignatureNone, false),
                };
                view! { <p role="status" class=if ok { "verdict verdict-ok" } else { "verdict verdict-bad" }>{move || i18n.t(text)}</p> }.into_any()
            }
        })
    };
    view! {
        <div class="verify">
            <button type="button" class="btn btn-small" disabled=move || check.pending().get() on:click=move |_| { check.dispatch(()); }>
                {tr(T::VerifySignature)}
            </button>
            {verdict}
        </div>
    }
}
