//! The silence report: what makes a webhook quietly useless — its event types (and its enabled
//! topics') that saw no event in 30 days, the topics routing to it that are switched off, and its
//! last delivery. Shown only when it names something.

use super::local_time;
use crate::api::{self, Loaded};
use crate::components::event_type_picker::event_type_name;
use crate::i18n::{I18n, Lang, T, tr};
use leptos::prelude::*;
use webhook_api::WebhookSilence;

/// A topic's name in `lang`, or its id when the catalog does not know it.
fn topic_name(id: &str, lang: Lang) -> String {
    webhook_api::TOPICS
        .iter()
        .find(|t| t.id == id)
        .map_or_else(|| id.to_string(), |t| if lang == Lang::Zh { t.name_zh } else { t.name_en }.to_string())
}

#[component]
pub fn SilenceReport(
    /// The webhook's id.
    webhook_id: String,
    /// The webhook's version: a change of its event types is a new version.
    #[prop(into)]
    version: Signal<i64>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let id = StoredValue::new(webhook_id);
    let silence = Loaded::<WebhookSilence>::new(move || {
        version.track();
        id.with_value(|id| api::silence_path(id))
    });
    move || {
        let s = silence.get()?.ok()?;
        if s.quiet_event_types.is_empty() && s.disabled_topics.is_empty() {
            return None;
        }
        let lang = i18n.lang.get();
        let list = |items: Vec<String>| {
            view! { <ul class="chips">{items.into_iter().map(|i| view! { <li class="chip">{i}</li> }).collect_view()}</ul> }
        };
        let quiet = (!s.quiet_event_types.is_empty()).then(|| {
            let names = s.quiet_event_types.iter().map(|k| event_type_name(k, lang)).collect();
            view! {
                <p>{i18n.fmt(T::QuietTypes, &[("days", &s.days.to_string())])}</p>
                {list(names)}
            }
        });
        let topics = (!s.disabled_topics.is_empty()).then(|| {
            let names = s.disabled_topics.iter().map(|t| topic_name(t, lang)).collect();
            view! {
                <p>{tr(T::DisabledTopics)}</p>
                {list(names)}
            }
        });
        let last = s.last_delivery_at.as_deref().map_or_else(|| i18n.t(T::Never).to_string(), local_time);
        Some(view! {
            <section class="card" aria-labelledby="silence-title">
                <h2 id="silence-title">{tr(T::SilenceTitle)}</h2>
                {quiet}
                {topics}
                <dl class="kv">
                    <dt>{tr(T::LastDelivery)}</dt>
                    <dd>{last}</dd>
                </dl>
            </section>
        })
    }
}
