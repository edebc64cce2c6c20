//! The fire-drill panel: the webhook's drill schedule (admins set it: daily or weekly, the day,
//! HH:MM UTC, on/off; or remove it), its next run, "Run drill now" (operators), and the drill
//! history (time, outcome, status, latency, error).

use super::local_time;
use crate::api::{self, Loaded};
use crate::components::Toasts;
use crate::i18n::{I18n, T, tr};
use crate::session::Auth;
use crate::task::Task;
use leptos::prelude::*;
use webhook_api::{Drill, DrillFrequency, DrillRun, DrillSchedule, FieldErrors, Weekday};

fn weekday_text(d: Weekday) -> T {
    match d {
        Weekday::Mon => T::Mon,
        Weekday::Tue => T::Tue,
        Weekday::Wed => T::Wed,
        Weekday::Thu => T::Thu,
        Weekday::Fri => T::Fri,
        Weekday::Sat => T::Sat,
        Weekday::Sun => T::Sun,
    }
}

/// The wire word of a day (`mon`…), for the select's values.
fn weekday_value(d: Weekday) -> &'static str {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][d.index() as usize]
}

/// "Daily at 09:30 UTC", "Every Monday at 09:30 UTC".
fn schedule_text(i18n: I18n, s: &DrillSchedule) -> String {
    let time = s.time.as_str();
    let text = match (s.frequency, s.weekday) {
        (DrillFrequency::Weekly, Some(day)) => i18n.fmt(T::DrillWeekly, &[("day", i18n.t(weekday_text(day))), ("time", time)]),
        _ => i18n.fmt(T::DrillDaily, &[("time", time)]),
    };
    if s.enabled { text } else { format!("{text} ({})", i18n.t(T::DrillOff)) }
}

#[component]
pub fn DrillPanel(
    /// The webhook's id.
    webhook_id: String,
    /// Bumped by the page when deliveries change (a scheduled drill may have run).
    changes: RwSignal<u32>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let toasts = Toasts::expect();
    let auth = Auth::expect();
    let (admin, operator) = (auth.is_admin(), auth.can_operate());
    let id = StoredValue::new(webhook_id);
    let saved = RwSignal::new(0u32);
    let ran = RwSignal::new(0u32);
    let drill = Loaded::<Drill>::new(move || {
        saved.track();
        id.with_value(|id| api::drill_path(id))
    });
    let runs = Loaded::<Vec<DrillRun>>::new(move || {
        ran.track();
        changes.track();
        id.with_value(|id| api::drill_runs_path(id))
    });
    // 404: no schedule yet.
    let current = move || drill.get().and_then(Result::ok);

    // The form, filled from the stored schedule whenever it is (re)loaded.
    let frequency = RwSignal::new(DrillFrequency::Daily);
    let weekday = RwSignal::new(Weekday::Mon);
    let time = RwSignal::new(String::from("09:00"));
    let enabled = RwSignal::new(true);
    let server_errors = RwSignal::new(FieldErrors::new());
    Effect::new(move || {
        if let Some(d) = current() {
            frequency.set(d.schedule.frequency);
            weekday.set(d.schedule.weekday.unwrap_or(Weekday::Mon));
            time.set(d.schedule.time);
            enabled.set(d.schedule.enabled);
        }
    });
    let schedule = move || DrillSchedule {
        enabled: enabled.get(),
        frequency: frequency.get(),
        weekday: (frequency.get() == DrillFrequency::Weekly).then(|| weekday.get()),
        time: time.get().trim().to_string(),
    };
    // The contract's own check as you type; the server's verdict after a save.
    let time_error = move || {
        schedule().check().remove("time").or_else(|| server_errors.with(|e| e.get("time").cloned()))
    };

    let saving = Task::new();
    let save = move || {
        let s = schedule();
        if !s.check().is_empty() {
            return;
        }
        saving.run(async move {
            match api::save_drill(&id.get_value(), &s).await {
                Ok(_) => {
                    server_errors.set(FieldErrors::new());
                    toasts.success(i18n.t(T::DrillSaved));
                }
                Err(e) => {
                    server_errors.set(e.fields());
                    toasts.error(e.message(i18n.lang.get_untracked()));
                }
            }
            saved.update(|n| *n += 1);
        });
    };
    let remove = move || {
        saving.run(async move {
            match api::remove_drill(&id.get_value()).await {
                Ok(()) => toasts.success(i18n.t(T::DrillRemoved)),
                Err(e) => toasts.error(e.message(i18n.lang.get_untracked())),
            }
            saved.update(|n| *n += 1);
        });
    };
    let running = Task::new();
    let run_now = move || {
        running.run(async move {
            match api::run_drill(&id.get_value()).await {
                Ok(r) if r.ok => {
                    let status = r.status_code.map_or_else(String::new, |c| c.to_string());
                    toasts.success(i18n.fmt(T::DrillDelivered, &[("status", &status), ("ms", &r.duration_ms.to_string())]));
                }
                Ok(r) => toasts.error(i18n.fmt(T::DrillNotDelivered, &[("error", r.error.as_deref().unwrap_or_default())])),
                Err(e) => toasts.error(e.message(i18n.lang.get_untracked())),
            }
            ran.update(|n| *n += 1);
        });
    };

    let summary = move || {
        let d = current();
        let text = d.as_ref().map_or_else(|| i18n.t(T::NoDrillSchedule).to_string(), |d| schedule_text(i18n, &d.schedule));
        let next = d.and_then(|d| d.next_run_at).map(|at| local_time(&at));
        view! {
            <dl class="kv">
                <dt>{tr(T::Schedule)}</dt>
                <dd>{text}</dd>
                {next.map(|at| view! { <dt>{tr(T::NextRun)}</dt><dd>{at}</dd> })}
            </dl>
        }
    };

    view! {
        <section class="card" aria-labelledby="drill-title">
            <div class="toolbar">
                <h2 id="drill-title" class="grow">{tr(T::FireDrill)}</h2>
                {operator.then(|| view! {
                    <button type="button" class="btn" disabled=move || running.pending() on:click=move |_| run_now()>
                        {move || i18n.t(if running.pending() { T::Working } else { T::RunDrillNow })}
                    </button>
                })}
            </div>
            <p class="muted">{tr(T::DrillIntro)}</p>
            {summary}
            {admin.then(|| view! {
                <form class="inline-form" aria-label=tr(T::Schedule) novalidate on:submit=move |ev| { ev.prevent_default(); save(); }>
                    <div class="field">
                        <label for="drill-frequency">{tr(T::Frequency)}</label>
                        <select
                            id="drill-frequency"
                            class="input"
                            on:change=move |ev| frequency.set(if event_target_value(&ev) == "weekly" { DrillFrequency::Weekly } else { DrillFrequency::Daily })
                        >
                            <option value="daily" selected=move || frequency.get() == DrillFrequency::Daily>{tr(T::Daily)}</option>
                            <option value="weekly" selected=move || frequency.get() == DrillFrequency::Weekly>{tr(T::Weekly)}</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="drill-weekday">{tr(T::Weekday)}</label>
                        <select
                            id="drill-weekday"
                            class="input"
                            disabled=move || frequency.get() != DrillFrequency::Weekly
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                if let Some(d) = Weekday::ALL.into_iter().find(|d| weekday_value(*d) == v) {
                                    weekday.set(d);
                                }
                            }
                        >
                            {Weekday::ALL.map(|d| view! {
                                <option value=weekday_value(d) selected=move || weekday.get() == d>{tr(weekday_text(d))}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="drill-time">{tr(T::DrillTime)}</label>
                        <input
                            id="drill-time"
                            class="input"
                            inputmode="numeric"
                            placeholder="09:30"
                            maxlength="5"
                            aria-invalid=move || time_error().is_some().to_string()
                            aria-describedby="drill-time-error"
                            prop:value=time
                            on:input=move |ev| {
                                server_errors.set(FieldErrors::new());
                                time.set(event_target_value(&ev));
                            }
                        />
                        <p id="drill-time-error" class="field-error" aria-live="polite">{time_error}</p>
                    </div>
                    <label class="switch drill-enabled">
                        <input type="checkbox" role="switch" prop:checked=enabled on:change=move |ev| enabled.set(event_target_checked(&ev)) />
                        <span>{tr(T::DrillEnabled)}</span>
                    </label>
                    <div class="inline-form-actions">
                        <button type="submit" class="btn btn-primary" disabled=move || saving.pending() || time_error().is_some()>
                            {tr(T::SaveSchedule)}
                        </button>
                        <Show when=move || current().is_some()>
                            <button type="button" class="btn btn-danger-quiet" disabled=move || saving.pending() on:click=move |_| remove()>
                                {tr(T::RemoveSchedule)}
                            </button>
                        </Show>
                    </div>
                </form>
            })}
            <h3 class="drill-history-title">{tr(T::DrillHistory)}</h3>
            {move || match runs.get() {
                None => view! { <p class="loading">{tr(T::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="field-error">{e.message(i18n.lang.get())}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted">{tr(T::NoDrills)}</p> }.into_any(),
                Some(Ok(list)) => view! { <RunTable runs=list /> }.into_any(),
            }}
        </section>
    }
}

/// The drills that ran, newest first.
#[component]
fn RunTable(runs: Vec<DrillRun>) -> impl IntoView {
    let i18n = I18n::expect();
    let th = move |t: T| view! { <th scope="col">{move || i18n.t(t)}</th> };
    let rows = runs
        .into_iter()
        .map(|r| {
            let (class, word) = if r.ok {
                ("badge badge-delivery-succeeded", T::DeliverySucceeded)
            } else {
                ("badge badge-delivery-failed", T::DeliveryFailed)
            };
            let by_hand = r.scheduled_for.is_none();
            let ms = r.duration_ms.to_string();
            view! {
                <tr>
                    <td class="cell-nowrap">
                        <time datetime=r.started_at.clone()>{local_time(&r.started_at)}</time>
                        {by_hand.then(|| view! { " " <span class="muted">{tr(T::DrillByHand)}</span> })}
                    </td>
                    <td><span class=class><span class="badge-dot" aria-hidden="true"></span>{tr(word)}</span></td>
                    <td>{r.status_code.map(|c| c.to_string())}</td>
                    <td class="cell-nowrap">{move || i18n.fmt(T::DurationMs, &[("ms", &ms)])}</td>
                    <td class="cell-changes">{r.error}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap table-wrap-free">
            <table class="table" aria-label=tr(T::DrillHistory)>
                <thead>
                    <tr>{th(T::Time)}{th(T::Outcome)}{th(T::HttpStatus)}{th(T::Latency)}{th(T::Error)}</tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
