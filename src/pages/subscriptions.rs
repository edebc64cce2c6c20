//! Message-subscription settings (`/subscriptions`): the shipped topics with their scope, an
//! enable switch each, their receivers (webhooks) added through a searchable picker and removed
//! in place, a Test that follows a sample event as it is delivered, and the impact of a disable.

use crate::api::{self, Loaded, encode};
use crate::components::event_type_picker::event_type_name;
use crate::components::{ConfirmDialog, LiveBadge, Toasts, use_live_stream};
use crate::i18n::{I18n, Lang, T, tr};
use crate::pages::event_log::RouteList;
use crate::session::Auth;
use crate::task::Task;
use leptos::prelude::*;
use webhook_api::{EventRecord, Page, Subscription, Webhook};

/// The name of a topic (or any catalog entry with both names) in `lang`.
pub fn pick_name<'a>(lang: Lang, en: &'a str, zh: &'a str) -> &'a str {
    if lang == Lang::Zh { zh } else { en }
}

#[component]
pub fn Subscriptions() -> impl IntoView {
    let i18n = I18n::expect();
    let changes = RwSignal::new(0u32);
    let topics: Loaded<Page<Subscription>> = Loaded::new(move || {
        changes.track();
        "/subscriptions".to_string()
    });
    // Receivers are webhook ids; their names come from the webhooks (the first page of 100).
    let webhooks: Loaded<Page<Webhook>> = Loaded::new(move || {
        changes.track();
        "/webhooks?page_size=100&sort=name".to_string()
    });
    let names = Memo::new(move |_| {
        webhooks.get().and_then(Result::ok).map(|p| p.results.into_iter().map(|w| (w.id, w.name)).collect::<Vec<_>>()).unwrap_or_default()
    });
    view! {
        <section class="card">
            <h1>{tr(T::Subscriptions)}</h1>
            <p class="muted">{tr(T::SubscriptionsHint)}</p>
            {move || match topics.get() {
                None => view! { <p class="loading">{tr(T::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="field-error">{e.message(i18n.lang.get())}</p> }.into_any(),
                Some(Ok(p)) => view! {
                    <ul class="topics">
                        {p.results.into_iter().map(|s| view! { <TopicItem topic=s names=names changes=changes /> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

/// One topic: scope, switch, receivers, picker, Test.
#[component]
fn TopicItem(topic: Subscription, names: Memo<Vec<(String, String)>>, changes: RwSignal<u32>) -> impl IntoView {
    let i18n = I18n::expect();
    let toasts = Toasts::expect();
    // Admins edit topics; operators may only test them.
    let auth = Auth::expect();
    let (admin, operator) = (auth.is_admin(), auth.can_operate());
    let topic = StoredValue::new(topic);
    let id = topic.with_value(|t| t.id.clone());
    let title = move || topic.with_value(|t| pick_name(i18n.lang.get(), &t.name_en, &t.name_zh).to_string());
    let enabled = topic.with_value(|t| t.enabled);
    let work = Task::new();
    let done = move |result: api::Result<Subscription>| {
        match result {
            Ok(_) => changes.update(|n| *n += 1),
            Err(e) => toasts.error(e.message(i18n.lang.get_untracked())),
        }
    };
    let set_enabled = move |on: bool| {
        let id = topic.with_value(|t| t.id.clone());
        work.run(async move { done(api::set_subscription_enabled(&id, on).await) });
    };
    // Disabling asks first when it would leave events without any receiver.
    let impact = RwSignal::new(None::<String>);
    let toggle = move |_| {
        if !enabled {
            return set_enabled(true);
        }
        let id = topic.with_value(|t| t.id.clone());
        work.run(async move {
            match api::impact(&format!("disable_topic={}", encode(&id))).await {
                Ok(i) if !i.topics.is_empty() => impact.set(Some(impact_text(i18n, &i))),
                _ => set_enabled(false),
            }
        });
    };
    let name_of = move |wid: &str| names.with(|n| n.iter().find(|(i, _)| i == wid).map(|(_, n)| n.clone()).unwrap_or_else(|| wid.to_string()));
    let receivers = topic.with_value(|t| t.receivers.clone());
    let scope = move || {
        let lang = i18n.lang.get();
        topic.with_value(|t| {
            let types = t.event_types.iter().map(|k| event_type_name(k, lang)).collect::<Vec<_>>().join(", ");
            let resources = if t.resource_types.is_empty() { T::AnyResource.get(lang).to_string() } else { t.resource_types.join(", ") };
            let severities = t.severities.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
            (types, resources, severities)
        })
    };
    let test_event = RwSignal::new(None::<String>);
    let run_test = move |_| {
        let id = topic.with_value(|t| t.id.clone());
        work.run(async move {
            match api::test_subscription(&id).await {
                Ok(t) => test_event.set(Some(t.event_id)),
                Err(e) => toasts.error(e.message(i18n.lang.get_untracked())),
            }
        });
    };
    let label_id = format!("topic-{}", id.replace('.', "-"));
    let labelled_by = label_id.clone();
    view! {
        <li class="topic" aria-labelledby=labelled_by>
            <div class="topic-head">
                <h2 id=label_id>{title}</h2>
                <span class="muted">{move || i18n.t(if topic.with_value(|t| t.category) == webhook_api::EventCategory::Alarms { T::Alarms } else { T::Events })}</span>
                <span class="grow"></span>
                {if admin {
                    view! {
                        <button
                            type="button"
                            role="switch"
                            class="btn btn-small"
                            aria-checked=enabled.to_string()
                            aria-label=move || format!("{} {}", i18n.t(T::Enable), title())
                            disabled=move || work.pending()
                            on:click=toggle
                        >
                            {move || i18n.t(if enabled { T::Enabled } else { T::Disabled })}
                        </button>
                    }.into_any()
                } else {
                    view! {
                        <span class="badge" class:badge-active=enabled class:badge-disabled=!enabled>
                            {move || i18n.t(if enabled { T::Enabled } else { T::Disabled })}
                        </span>
                    }.into_any()
                }}
                {operator.then(|| view! {
                    <button type="button" class="btn btn-small" disabled=move || work.pending() on:click=run_test>
                        {tr(T::TestTopic)}
                    </button>
                })}
            </div>
            <dl class="kv">
                <dt>{tr(T::EventType)}</dt><dd>{move || scope().0}</dd>
                <dt>{tr(T::ResourceTypes)}</dt><dd>{move || scope().1}</dd>
                <dt>{tr(T::Severities)}</dt><dd>{move || scope().2}</dd>
                <dt>{tr(T::Receivers)}</dt>
                <dd>
                    <ul class="chips" aria-label=move || format!("{} · {}", i18n.t(T::Receivers), title())>
                        {receivers.into_iter().map(|wid| {
                            let name = Signal::derive({ let wid = wid.clone(); move || name_of(&wid) });
                            let remove = move |_| {
                                let (tid, wid) = (topic.with_value(|t| t.id.clone()), wid.clone());
                                work.run(async move { done(api::remove_receiver(&tid, &wid).await) });
                            };
                            view! {
                                <li class="chip">
                                    {name}
                                    {admin.then(|| view! {
                                        <button type="button" class="btn-icon" aria-label=move || format!("{} {}", i18n.t(T::Remove), name.get()) on:click=remove>"×"</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {admin.then(|| view! {
                        <ReceiverPicker topic_id=topic.with_value(|t| t.id.clone()) topic_name=Signal::derive(title) on_pick=Callback::new(move |wid: String| {
                            let tid = topic.with_value(|t| t.id.clone());
                            work.run(async move { done(api::add_receiver(&tid, &wid).await) });
                        }) />
                    })}
                </dd>
            </dl>
            {move || test_event.get().map(|event_id| view! { <TestProgress topic_id=topic.with_value(|t| t.id.clone()) event_id=event_id /> })}
            <ConfirmDialog
                open=Signal::derive(move || impact.with(Option::is_some))
                title=Signal::derive(tr(T::ConfirmDisableTopic))
                message=Signal::derive(move || impact.get().unwrap_or_default())
                confirm_label=Signal::derive(tr(T::Disable))
                cancel_label=Signal::derive(tr(T::Cancel))
                danger=true
                on_confirm=move || { impact.set(None); set_enabled(false); }
                on_cancel=move || impact.set(None)
            />
        </li>
    }
}

/// "Disabling leaves these topics without an enabled receiver: …".
pub fn impact_text(i18n: I18n, impact: &webhook_api::SubscriptionImpact) -> String {
    let lang = i18n.lang.get_untracked();
    let topics = impact
        .topics
        .iter()
        .map(|t| {
            i18n.fmt(T::ImpactTopic, &[("topic", pick_name(lang, &t.name_en, &t.name_zh)), ("n", &t.matching_events.to_string())])
        })
        .collect::<Vec<_>>()
        .join("; ");
    i18n.fmt(T::ImpactWarning, &[("topics", &topics)])
}

/// A search box over the webhooks and the matches as buttons that add a receiver.
#[component]
fn ReceiverPicker(topic_id: String, topic_name: Signal<String>, on_pick: Callback<String>) -> impl IntoView {
    let i18n = I18n::expect();
    let search = RwSignal::new(String::new());
    let input_id = format!("pick-{}", topic_id.replace('.', "-"));
    let matches: Loaded<Page<Webhook>> = Loaded::new(move || format!("/webhooks?page_size=8&sort=name&search={}", encode(&search.get())));
    view! {
        <div class="picker-box">
            <label for=input_id.clone() class="visually-hidden">{move || format!("{} · {}", i18n.t(T::AddReceiver), topic_name.get())}</label>
            <input
                id=input_id
                type="search"
                class="input input-compact"
                placeholder=tr(T::AddReceiver)
                prop:value=search
                on:input=move |ev| search.set(event_target_value(&ev))
            />
            <Show when=move || !search.with(String::is_empty)>
                <ul class="picker-results">
                    {move || matches.get().and_then(Result::ok).map(|p| p.results.into_iter().map(|w| {
                        let id = w.id.clone();
                        view! {
                            <li>
                                <button type="button" class="btn btn-small" on:click=move |_| { on_pick.run(id.clone()); search.set(String::new()); }>
                                    {format!("+ {}", w.name)}
                                </button>
                            </li>
                        }
                    }).collect_view())}
                </ul>
            </Show>
        </div>
    }
}

/// Follows the test event through the topic's live view: which webhooks it reached, by which
/// rule, and how it went.
#[component]
fn TestProgress(topic_id: String, event_id: String) -> impl IntoView {
    let tick = RwSignal::new(0u32);
    let live = use_live_stream(vec![("topic", topic_id)], move || tick.update(|n| *n += 1));
    let path = format!("/events/{}", encode(&event_id));
    let record: Loaded<EventRecord> = Loaded::new(move || {
        tick.track();
        path.clone()
    });
    view! {
        <div class="test-progress" role="status" aria-live="polite">
            <h3>{tr(T::TestEvent)} " " <LiveBadge state=live.state /></h3>
            {move || match record.get() {
                Some(Ok(r)) => view! { <RouteList routes=r.routes /> }.into_any(),
                _ => view! { <p class="muted">{tr(T::Sending)}</p> }.into_any(),
            }}
        </div>
    }
}
