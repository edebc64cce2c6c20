//! A webhook's delivery status as a coloured badge that always carries its word.

use crate::i18n::{I18n, T};
use leptos::prelude::*;
use webhook_api::WebhookStatus;

/// The label of a status in the current language.
pub fn status_text(status: WebhookStatus) -> T {
    match status {
        WebhookStatus::Active => T::StatusActive,
        WebhookStatus::AwaitingRetry => T::StatusAwaitingRetry,
        WebhookStatus::Failed => T::StatusFailed,
        WebhookStatus::RetryLimitReached => T::StatusRetryLimitReached,
        WebhookStatus::Disabled => T::StatusDisabled,
    }
}

#[component]
pub fn StatusBadge(
    /// The status to show.
    #[prop(into)]
    status: Signal<WebhookStatus>,
) -> impl IntoView {
    let i18n = I18n::expect();
    view! {
        <span class=move || format!("badge badge-{}", status.get().as_str())>
            <span class="badge-dot" aria-hidden="true"></span>
            {move || i18n.t(status_text(status.get()))}
        </span>
    }
}
