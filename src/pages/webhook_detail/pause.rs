//! Pause and Resume on the detail page: whether the webhook's deliveries are held (and how many),
//! or going out after a resume (until when), and the buttons with the resume rate (operators).

use super::local_time;
use crate::api::{self, Loaded};
use crate::components::Toasts;
use crate::i18n::{I18n, T, tr};
use crate::session::Auth;
use crate::task::Task;
use leptos::prelude::*;
use webhook_api::{DEFAULT_RESUME_RATE, MAX_RESUME_RATE, PauseState};

#[component]
pub fn PausePanel(
    /// The webhook's id.
    webhook_id: String,
    /// The webhook's name, for the toasts.
    #[prop(into)]
    name: Signal<String>,
    /// Bumped by the page when deliveries change; bumped here after a pause or resume.
    changes: RwSignal<u32>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let toasts = Toasts::expect();
    let operator = Auth::expect().can_operate();
    let id = StoredValue::new(webhook_id);
    let state = Loaded::<PauseState>::new(move || {
        changes.track();
        id.with_value(|id| api::pause_path(id))
    });
    let current = move || state.get().and_then(Result::ok);
    // What the user typed; empty: the webhook's own rate.
    let rate = RwSignal::new(String::new());
    let rate_value = move || {
        let typed = rate.get();
        if typed.trim().is_empty() {
            return Ok(None);
        }
        match typed.trim().parse::<u32>() {
            Ok(n) if (1..=MAX_RESUME_RATE).contains(&n) => Ok(Some(n)),
            _ => Err(()),
        }
    };
    let working = Task::new();
    let switch = move |pause: bool| {
        let Ok(resume_rate) = rate_value() else { return };
        working.run(async move {
            match api::set_paused(&id.get_value(), pause, resume_rate).await {
                Ok(s) => {
                    let name = name.get_untracked();
                    toasts.success(if pause {
                        i18n.fmt(T::PausedToast, &[("name", &name)])
                    } else {
                        i18n.fmt(T::ResumedToast, &[("name", &name), ("rate", &s.resume_rate.to_string())])
                    });
                }
                Err(e) => toasts.error(e.message(i18n.lang.get_untracked())),
            }
            changes.update(|n| *n += 1);
        });
    };
    let status = move || {
        let s = current()?;
        let held = s.held.to_string();
        Some(if s.paused {
            let at = s.paused_at.as_deref().map(local_time).unwrap_or_default();
            let by = s.paused_by.unwrap_or_default();
            view! {
                <span class="badge badge-paused">{i18n.fmt(T::PausedHeld, &[("n", &held)])}</span>
                <span class="muted">{i18n.fmt(T::PausedBy, &[("by", &by), ("at", &at)])}</span>
            }
            .into_any()
        } else if let Some(until) = s.resuming_until.filter(|_| s.held > 0) {
            let text = i18n.fmt(T::ResumingUntil, &[("n", &held), ("rate", &s.resume_rate.to_string()), ("at", &local_time(&until))]);
            view! { <span class="badge badge-resuming">{text}</span> }.into_any()
        } else {
            view! { <span class="muted">{tr(T::NotPaused)}</span> }.into_any()
        })
    };
    let paused = move || current().is_some_and(|s| s.paused);
    let invalid = move || rate_value().is_err();
    view! {
        <section class="card" aria-labelledby="pause-title">
            <div class="toolbar pause-bar">
                <h2 id="pause-title">{tr(T::PauseTitle)}</h2>
                <p class="pause-status grow" aria-live="polite">{status}</p>
                <Show when=move || operator>
                    <div class="filter">
                        <label for="resume-rate">{tr(T::ResumeRate)}</label>
                        <input
                            id="resume-rate"
                            class="input input-rate"
                            type="number"
                            min="1"
                            max=MAX_RESUME_RATE
                            inputmode="numeric"
                            placeholder=move || current().map_or(DEFAULT_RESUME_RATE, |s| s.resume_rate).to_string()
                            aria-invalid=move || invalid().to_string()
                            aria-describedby="resume-rate-error"
                            prop:value=rate
                            on:input=move |ev| rate.set(event_target_value(&ev))
                        />
                    </div>
                    <button
                        type="button"
                        class="btn"
                        disabled=move || working.pending() || invalid() || current().is_none()
                        on:click=move |_| switch(!paused())
                    >
                        {move || i18n.t(if paused() { T::Resume } else { T::Pause })}
                    </button>
                    <p id="resume-rate-error" class="field-error" aria-live="polite">
                        {move || invalid().then(|| i18n.t(T::ResumeRateRange))}
                    </p>
                </Show>
            </div>
        </section>
    }
}
