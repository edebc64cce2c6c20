//! Auto-disable on the detail page: the warning while every delivery fails ("will be disabled on
//! DATE unless a delivery succeeds"), and each open notice (the server disabled it) with
//! Acknowledge for operators.

use super::local_time;
use crate::api::{self, Loaded};
use crate::components::Toasts;
use crate::i18n::{I18n, T, tr};
use crate::session::Auth;
use crate::task::Task;
use leptos::prelude::*;
use webhook_api::{Notice, WebhookNotices};

#[component]
pub fn NoticesPanel(
    /// The webhook's id.
    webhook_id: String,
    /// Bumped by the page when deliveries change (a success ends the warning).
    changes: RwSignal<u32>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let toasts = Toasts::expect();
    let operator = Auth::expect().can_operate();
    let id = StoredValue::new(webhook_id);
    let acknowledged = RwSignal::new(0u32);
    let notices = Loaded::<WebhookNotices>::new(move || {
        changes.track();
        acknowledged.track();
        id.with_value(|id| api::notices_path(id))
    });
    let working = Task::new();
    let acknowledge = move |notice_id: String| {
        working.run(async move {
            match api::acknowledge_notice(&id.get_value(), &notice_id).await {
                Ok(_) => toasts.success(i18n.t(T::Acknowledged)),
                Err(e) => toasts.error(e.message(i18n.lang.get_untracked())),
            }
            acknowledged.update(|n| *n += 1);
        });
    };
    move || {
        let n = notices.get()?.ok()?;
        let warning = n.auto_disable_at.map(|date| {
            let since = n.failing_since.as_deref().map(local_time).unwrap_or_default();
            let text = i18n.fmt(T::AutoDisableWarning, &[("since", &since), ("date", &local_time(&date))]);
            view! { <p class="notice notice-warning" role="status">{text}</p> }
        });
        let open: Vec<Notice> = n.notices.into_iter().filter(|n| n.acknowledged_at.is_none()).collect();
        if warning.is_none() && open.is_empty() {
            return None;
        }
        let open = open
            .into_iter()
            .map(|notice| {
                let notice_id = notice.id.clone();
                let raised = i18n.fmt(T::NoticeRaised, &[("at", &local_time(&notice.created_at))]);
                view! {
                    <div class="notice notice-danger" role="alert">
                        <div class="notice-text">
                            <strong>{tr(T::NoticeAutoDisabled)}</strong>
                            <p>{notice.message}</p>
                            <p class="muted">{raised}</p>
                        </div>
                        {operator.then(|| view! {
                            <button type="button" class="btn btn-small" disabled=move || working.pending() on:click=move |_| acknowledge(notice_id.clone())>
                                {tr(T::Acknowledge)}
                            </button>
                        })}
                    </div>
                }
            })
            .collect_view();
        Some(view! { <section class="card notices">{warning}{open}</section> })
    }
}
