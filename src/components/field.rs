//! A labelled form field: label, the control, an optional hint and the field's error message.

use leptos::prelude::*;

/// The id of the error message element of the control `id`, for `aria-describedby`.
pub fn error_id(id: &str) -> String {
    format!("{id}-error")
}

#[component]
pub fn Field(
    /// The id of the control inside; the label points at it.
    id: &'static str,
    /// The visible label.
    #[prop(into)]
    label: Signal<&'static str>,
    /// The error to show under the control, if any.
    #[prop(optional, into)]
    error: Signal<Option<String>>,
    /// A short help text under the control.
    #[prop(optional, into)]
    hint: Option<Signal<&'static str>>,
    /// Marks the label as required.
    #[prop(optional)]
    required: bool,
    /// The control, which must carry `id`.
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label for=id class="field-label" class:required=required>{label}</label>
            {children()}
            {hint.map(|h| view! { <p class="field-hint">{h}</p> })}
            <p id=error_id(id) class="field-error" aria-live="polite">
                {move || error.get()}
            </p>
        </div>
    }
}
