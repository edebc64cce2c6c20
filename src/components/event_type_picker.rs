//! A multi-select of catalog event types, grouped by category, as a group of checkboxes.

use crate::i18n::{tr, I18n, Lang, T};
use leptos::prelude::*;
use webhook_api::{EVENT_TYPES, EventCategory};

/// The name of a catalog key in `lang`, or the key itself when it is not in the catalog.
pub fn event_type_name(key: &str, lang: Lang) -> String {
    match webhook_api::catalog::find(key) {
        Some(&(_, _, en, zh)) => if lang == Lang::Zh { zh } else { en }.to_string(),
        None => key.to_string(),
    }
}

#[component]
pub fn EventTypePicker(
    /// The selected catalog keys, in the order they were picked.
    selected: RwSignal<Vec<String>>,
    /// The id of the group, for labels and error messages.
    id: &'static str,
    /// Whether the selection is currently invalid (sets `aria-invalid`).
    #[prop(into)]
    invalid: Signal<bool>,
    /// Called after every change, e.g. to mark the field as edited.
    #[prop(optional, into)]
    on_change: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let group = move |category: EventCategory, title: T| {
        let items = EVENT_TYPES
            .iter()
            .filter(move |e| e.1 == category)
            .map(move |&(key, _, en, zh)| {
                let checked = move || selected.with(|s| s.iter().any(|k| k == key));
                view! {
                    <label class="check">
                        <input
                            type="checkbox"
                            value=key
                            prop:checked=checked
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                selected.update(|s| {
                                    s.retain(|k| k != key);
                                    if on {
                                        s.push(key.to_string());
                                    }
                                });
                                if let Some(cb) = on_change {
                                    cb.run(());
                                }
                            }
                        />
                        <span>{move || if i18n.lang.get() == Lang::Zh { zh } else { en }}</span>
                    </label>
                }
            })
            .collect_view();
        view! {
            <div class="picker-group" role="group" aria-label=move || i18n.t(title)>
                <div class="picker-group-title" aria-hidden="true">{move || i18n.t(title)}</div>
                <div class="picker-items">{items}</div>
            </div>
        }
    };
    view! {
        <fieldset
            id=id
            class="picker"
            aria-invalid=move || invalid.get().to_string()
            aria-describedby=crate::components::field::error_id(id)
        >
            <legend class="field-label required">{tr(T::EventType)}</legend>
            <p class="picker-count" aria-live="polite">
                {move || i18n.fmt(T::SelectedCount, &[("n", &selected.with(Vec::len).to_string())])}
            </p>
            {group(EventCategory::Events, T::Events)}
            {group(EventCategory::Alarms, T::Alarms)}
        </fieldset>
    }
}
