//! Create (`/inbound/new`) and Modify (`/inbound/:id/edit`) an inbound webhook: name, plugin (on
//! create only), version, upgrade mode, the plugin's options, tags and project. Checked as typed
//! with `validate_inbound` and the options' schema; the server's field errors show beside their
//! field and nothing typed is lost on a failed submit. Modify saves name, tags and project with
//! `PUT /{id}` and the plugin's settings with `PUT /{id}/plugin`, each only when changed.

mod draft;

use super::options::{OptionFields, option_input_id, validate_options};
use super::{InboundLoadError, upgrade_text};
use crate::api::{self, ClientError};
use crate::components::field::error_id;
use crate::components::{ConfirmDialog, Field, NotAllowed, Toasts};
use crate::i18n::{I18n, T, tr};
use crate::session::Auth;
use crate::task::Task;
use draft::{Draft, initial_input, modify};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use std::collections::{BTreeMap, BTreeSet};
use webhook_api::{
    FieldError, FieldErrors, InboundWebhook, InboundWebhookIn, PluginDescriptor, UpgradeMode,
    validate_inbound,
};

/// `/inbound/new` (admins; others read why not).
#[component]
pub fn InboundNew() -> impl IntoView {
    let auth = Auth::expect();
    view! {
        <Show when=move || auth.is_admin() fallback=|| view! { <NotAllowed message=Signal::derive(tr(T::MayNotAddInbound)) /> }>
            <WithPlugins webhook=None />
        </Show>
    }
}

/// `/inbound/:id/edit` (admins; others read why not).
#[component]
pub fn InboundEdit() -> impl IntoView {
    let auth = Auth::expect();
    view! {
        <Show when=move || auth.is_admin() fallback=|| view! { <NotAllowed message=Signal::derive(tr(T::MayNotModifyInbound)) /> }>
            <EditLoaded />
        </Show>
    }
}

#[component]
fn EditLoaded() -> impl IntoView {
    let params = use_params_map();
    let webhook = api::Loaded::<InboundWebhook>::new(move || {
        api::inbound_webhook_path(&params.with(|p| p.get("id").unwrap_or_default()))
    });
    move || match webhook.get() {
        None => view! { <p class="card loading">{tr(T::Loading)}</p> }.into_any(),
        Some(Err(e)) => view! { <InboundLoadError error=e /> }.into_any(),
        Some(Ok(w)) => view! { <WithPlugins webhook=Some(w) /> }.into_any(),
    }
}

/// Loads the plugins, then the form.
#[component]
fn WithPlugins(webhook: Option<InboundWebhook>) -> impl IntoView {
    let plugins =
        api::Loaded::<Vec<PluginDescriptor>>::new(|| api::INBOUND_PLUGINS_PATH.to_string());
    let webhook = StoredValue::new(webhook);
    move || match plugins.get() {
        None => view! { <p class="card loading">{tr(T::Loading)}</p> }.into_any(),
        Some(Err(e)) => view! { <InboundLoadError error=e /> }.into_any(),
        Some(Ok(p)) => view! { <InboundForm plugins=p webhook=webhook.get_value() /> }.into_any(),
    }
}

#[component]
fn InboundForm(
    /// The plugins to choose from.
    plugins: Vec<PluginDescriptor>,
    /// The webhook being modified; `None` creates one.
    webhook: Option<InboundWebhook>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let toasts = Toasts::expect();
    let navigate = use_navigate();
    let creating = webhook.is_none();
    let id = StoredValue::new(webhook.as_ref().map(|w| w.webhook_id.clone()));
    let initial = StoredValue::new(initial_input(&plugins, webhook.as_ref()));
    let draft = Draft::new(&initial.get_value());
    let plugins = StoredValue::new(plugins);
    let input = Memo::new(move |_| plugins.with_value(|p| draft.to_input(p)));
    let plugin = Memo::new(move |_| {
        let id = draft.plugin_id.get();
        plugins.with_value(|p| p.iter().find(|p| p.plugin_id == id).cloned())
    });
    let schema = Signal::derive(move || {
        plugin.with(|p| p.as_ref().map(|p| p.options.clone()).unwrap_or_default())
    });

    let client_errors = Memo::new(move |_| {
        let lang = i18n.lang.get();
        let mut errors: BTreeMap<String, String> = input.with(|i| {
            validate_inbound(i)
                .into_iter()
                .map(|(k, e)| (k.to_string(), e.message(lang)))
                .collect()
        });
        if let Some(k) = draft.tag_map().1 {
            errors
                .entry("tags".into())
                .or_insert_with(|| FieldError::Duplicate(k).message(lang));
        }
        errors.extend(schema.with(|s| draft.options.with(|o| validate_options(s, o, lang))));
        errors
    });
    let touched = RwSignal::new(BTreeSet::<String>::new());
    let submitted = RwSignal::new(false);
    let server_errors = RwSignal::new(FieldErrors::new());
    let edited = move |field: String| {
        server_errors.update(|e| e.retain(|k, _| !k.starts_with(&field)));
        touched.update(|t| {
            t.insert(field);
        });
    };
    let error_for = move |field: String| -> Option<String> {
        let shown = submitted.get() || touched.with(|t| t.contains(&field));
        shown
            .then(|| client_errors.with(|e| e.get(&field).cloned()))
            .flatten()
            .or_else(|| server_errors.with(|e| e.get(&field).cloned()))
    };
    let error_signal =
        move |field: &'static str| Signal::derive(move || error_for(field.to_string()));
    let dirty = move || input.with(|i| initial.with_value(|init| i != init));

    let saving = Task::new();
    let failed = move |e: ClientError| {
        let fields = e.fields();
        let lang = i18n.lang.get_untracked();
        toasts.error(if fields.is_empty() {
            e.message(lang)
        } else {
            T::FixErrors.get(lang).into()
        });
        focus_first_invalid(&fields);
        server_errors.set(fields);
    };
    let save = {
        let navigate = navigate.clone();
        move |body: InboundWebhookIn| {
            let navigate = navigate.clone();
            saving.run(async move {
                let saved = match id.get_value() {
                    None => api::create_inbound(&body).await,
                    Some(id) => modify(&id, initial, &body).await,
                };
                match saved {
                    Ok(w) => {
                        let text = if creating {
                            T::InboundCreated
                        } else {
                            T::InboundUpdated
                        };
                        toasts.success(i18n.fmt(text, &[("name", &w.name)]));
                        navigate(&format!("/inbound/{}", w.webhook_id), Default::default());
                    }
                    Err(e) => failed(e),
                }
            });
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        if client_errors.with_untracked(|e| !e.is_empty()) {
            toasts.error(i18n.t(T::FixErrors));
            client_errors.with_untracked(focus_first_invalid);
            return;
        }
        save(input.get_untracked());
    };

    let back = move || match id.get_value() {
        Some(id) => format!("/inbound/{id}"),
        None => "/inbound".to_string(),
    };
    let confirm_discard = RwSignal::new(false);
    let cancel = {
        let navigate = navigate.clone();
        move |_| {
            if dirty() {
                confirm_discard.set(true)
            } else {
                navigate(&back(), Default::default())
            }
        }
    };
    let discard = Callback::new(move |_| {
        confirm_discard.set(false);
        navigate(&back(), Default::default());
    });

    let text_input = move |control: &'static str, field: &'static str, value: RwSignal<String>| {
        let error = error_signal(field);
        view! {
            <input
                id=control
                type="text"
                class="input"
                autocomplete="off"
                prop:value=value
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=error_id(control)
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    edited(field.to_string());
                }
                on:blur=move |_| edited(field.to_string())
            />
        }
    };
    let versions = move || {
        plugin.with(|p| {
            p.as_ref()
                .map(|p| p.versions.iter().rev().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };

    view! {
        <section class="card form-card">
            <h1>{move || i18n.t(if creating { T::CreateInbound } else { T::ModifyInbound })}</h1>
            <form class="form" novalidate on:submit=submit>
                <Field id="inb-name" label=Signal::derive(tr(T::Name)) error=error_signal("name") required=true>
                    {text_input("inb-name", "name", draft.name)}
                </Field>
                <Field
                    id="inb-plugin"
                    label=Signal::derive(tr(T::Plugin))
                    error=error_signal("plugin_id")
                    required=creating
                    hint=Signal::derive(move || if creating { "" } else { i18n.t(T::PluginFixed) })
                >
                    <select
                        id="inb-plugin"
                        class="input"
                        disabled=!creating
                        aria-describedby=error_id("inb-plugin")
                        on:change=move |ev| {
                            let id = event_target_value(&ev);
                            let newest = plugins.with_value(|p| p.iter().find(|p| p.plugin_id == id).and_then(|p| p.versions.last().cloned()));
                            draft.plugin_id.set(id);
                            draft.version.set(newest.unwrap_or_default());
                            edited("plugin_id".into());
                        }
                    >
                        {plugins.get_value().into_iter().map(|p| {
                            let pid = p.plugin_id.clone();
                            view! { <option value=p.plugin_id selected=move || draft.plugin_id.with(|d| *d == pid)>{p.name}</option> }
                        }).collect_view()}
                    </select>
                </Field>
                {move || plugin.get().map(|p| view! { <p class="field-hint">{p.description}</p> })}
                <div class="field-row">
                    <Field id="inb-version" label=Signal::derive(tr(T::Version)) error=error_signal("version")>
                        <select
                            id="inb-version"
                            class="input"
                            aria-describedby=error_id("inb-version")
                            on:change=move |ev| {
                                draft.version.set(event_target_value(&ev));
                                edited("version".into());
                            }
                        >
                            {move || {
                                let all = versions();
                                all.iter().enumerate().map(|(i, v)| {
                                    let v = v.clone();
                                    let label = if i == 0 { i18n.fmt(T::NewestVersion, &[("v", &v)]) } else { v.clone() };
                                    let current = v.clone();
                                    view! { <option value=v selected=move || draft.version.with(|d| *d == current)>{label}</option> }
                                }).collect_view()
                            }}
                        </select>
                    </Field>
                    <Field id="inb-upgrade" label=Signal::derive(tr(T::UpgradeMode)) error=error_signal("upgrade_mode")>
                        <select
                            id="inb-upgrade"
                            class="input"
                            on:change=move |ev| {
                                if let Some(m) = UpgradeMode::parse(&event_target_value(&ev)) {
                                    draft.upgrade_mode.set(m);
                                }
                            }
                        >
                            {[UpgradeMode::Auto, UpgradeMode::Manual, UpgradeMode::None].map(|m| view! {
                                <option value=m.as_str() selected=move || draft.upgrade_mode.get() == m>{tr(upgrade_text(m))}</option>
                            }).collect_view()}
                        </select>
                    </Field>
                </div>
                <OptionFields
                    schema=schema
                    values=draft.options
                    error_for=Callback::new(error_for)
                    edited=Callback::new(edited)
                />
                <fieldset class="field headers tags" aria-describedby=error_id("inb-tags")>
                    <legend class="field-label">{tr(T::Tags)}</legend>
                    <For each=move || draft.tags.get() key=|r| r.id let:row>
                        <div class="header-row tag-row">
                            <input
                                class="input"
                                aria-label=tr(T::TagKey)
                                placeholder="env"
                                prop:value=row.key
                                on:input=move |ev| {
                                    row.key.set(event_target_value(&ev));
                                    edited("tags".into());
                                }
                            />
                            <input
                                class="input"
                                aria-label=tr(T::TagValue)
                                placeholder="prod"
                                prop:value=row.value
                                on:input=move |ev| {
                                    row.value.set(event_target_value(&ev));
                                    edited("tags".into());
                                }
                            />
                            <button
                                type="button"
                                class="btn btn-quiet"
                                on:click=move |_| {
                                    draft.tags.update(|t| t.retain(|r| r.id != row.id));
                                    edited("tags".into());
                                }
                            >
                                {tr(T::Remove)}
                            </button>
                        </div>
                    </For>
                    <button type="button" class="btn btn-quiet" on:click=move |_| draft.add_tag("", "")>{tr(T::AddTag)}</button>
                    <p id=error_id("inb-tags") class="field-error" aria-live="polite">{move || error_for("tags".into())}</p>
                </fieldset>
                <Field id="inb-project" label=Signal::derive(tr(T::ProjectId)) error=error_signal("project_id") hint=Signal::derive(tr(T::ProjectIdHint))>
                    {text_input("inb-project", "project_id", draft.project_id)}
                </Field>
                <div class="form-actions">
                    <button type="button" class="btn" on:click=cancel>{tr(T::Cancel)}</button>
                    <button type="submit" class="btn btn-primary" disabled=move || saving.pending() aria-busy=move || saving.pending().to_string()>
                        {move || i18n.t(if saving.pending() { T::Saving } else { T::Submit })}
                    </button>
                </div>
            </form>
        </section>
        <ConfirmDialog
            open=confirm_discard
            title=Signal::derive(tr(T::ConfirmDiscardTitle))
            message=Signal::derive(tr(T::ConfirmDiscardInboundText))
            confirm_label=Signal::derive(tr(T::Discard))
            cancel_label=Signal::derive(tr(T::KeepEditing))
            danger=true
            on_confirm=discard
            on_cancel=move || confirm_discard.set(false)
        />
    }
}

/// Field paths and their controls, in the order the form shows them.
fn control_of(field: &str) -> Option<String> {
    Some(match field {
        "name" => "#inb-name".into(),
        "plugin_id" => "#inb-plugin".into(),
        "version" => "#inb-version".into(),
        "upgrade_mode" => "#inb-upgrade".into(),
        "tags" => ".tag-row input".into(),
        "project_id" => "#inb-project".into(),
        f => format!("#{}", option_input_id(f.strip_prefix("options.")?)),
    })
}

const FIELD_ORDER: [&str; 4] = ["name", "plugin_id", "version", "upgrade_mode"];

/// Focuses the first control with an error, in the form's order.
fn focus_first_invalid(errors: &BTreeMap<String, String>) {
    let first = FIELD_ORDER
        .iter()
        .map(|f| f.to_string())
        .chain(errors.keys().filter(|k| k.starts_with("options.")).cloned())
        .chain(["tags".to_string(), "project_id".to_string()])
        .find(|f| errors.contains_key(f));
    let Some(selector) = first.as_deref().and_then(control_of) else {
        return;
    };
    use leptos::wasm_bindgen::JsCast;
    if let Some(el) = document()
        .query_selector(&selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
