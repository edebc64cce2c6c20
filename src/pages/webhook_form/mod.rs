//! Add WebHook (`/webhooks/new`) and Modify WebHook (`/webhooks/:id/edit`): one form, validated
//! as you type with the rules of `webhook-api`, the server's field errors shown in place, and
//! nothing typed lost on a failed submit.

mod advanced;
mod draft;

use crate::api::{self, ClientError};
use crate::components::field::error_id;
use crate::components::{ConfirmDialog, EventTypePicker, Field, NotAllowed, ReportDialog, Toasts};
use crate::session::Auth;
use crate::i18n::{tr, I18n, T};
use crate::task::Task;
use advanced::Advanced;
use draft::{Draft, generate_secret};
use leptos::prelude::*;
use leptos_router::{hooks::use_navigate, hooks::use_params_map};
use std::collections::BTreeSet;
use webhook_api::validate::{FieldError, validate_webhook};
use webhook_api::{
    AuthKind, CreatedWebhook, FieldErrors, MessageLanguage, PayloadFormat, SendReport, Webhook, WebhookIn, WebhookType,
    is_masked,
};

/// `/webhooks/new` (admins; others read why not).
#[component]
pub fn WebhookNew() -> impl IntoView {
    let auth = Auth::expect();
    view! {
        <Show when=move || auth.is_admin() fallback=|| view! { <NotAllowed message=Signal::derive(tr(T::MayNotAddWebhooks)) /> }>
            <WebhookForm initial=WebhookIn::default() id=None />
        </Show>
    }
}

/// `/webhooks/:id/edit` (admins; others read why not).
#[component]
pub fn WebhookEdit() -> impl IntoView {
    let auth = Auth::expect();
    view! {
        <Show when=move || auth.is_admin() fallback=|| view! { <NotAllowed message=Signal::derive(tr(T::MayNotModifyWebhooks)) /> }>
            <WebhookEditLoaded />
        </Show>
    }
}

/// Loads the webhook, then the same form prefilled.
#[component]
fn WebhookEditLoaded() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let webhook = api::Loaded::<Webhook>::new(move || api::webhook_path(&id()));
    view! {
        {move || match webhook.get() {
                    None => view! { <p class="card loading">{tr(T::Loading)}</p> }.into_any(),
                    Some(Ok(w)) => view! { <WebhookForm initial=w.to_input() id=Some(w.id.clone()) /> }.into_any(),
                    Some(Err(e)) => view! { <WebhookLoadError error=e /> }.into_any(),
            }}
    }
}

/// Why a webhook's page could not be shown: it is gone (404), or the server's message.
#[component]
pub fn WebhookLoadError(error: ClientError) -> impl IntoView {
    let i18n = I18n::expect();
    let gone = error.status() == Some(404);
    view! {
        <section class="card empty" role="alert">
            <h1>{move || if gone { i18n.t(T::WebhookGone).to_string() } else { error.message(i18n.lang.get()) }}</h1>
            <a href="/webhooks" class="btn btn-primary">{tr(T::BackToList)}</a>
        </section>
    }
}

/// The result of a submit, for the toast.
fn saved_toast(i18n: I18n, created: bool, w: &Webhook) -> String {
    i18n.fmt(
        if created { T::Created } else { T::Updated },
        &[("name", &w.name)],
    )
}

#[component]
fn WebhookForm(
    /// What the form starts with (defaults for Add, the stored webhook for Modify).
    initial: WebhookIn,
    /// The webhook being modified; `None` adds a new one.
    id: Option<String>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let toasts = Toasts::expect();
    let navigate = use_navigate();
    let creating = id.is_none();
    let draft = Draft::new(&initial);
    let initial = StoredValue::new(initial);
    let input = Memo::new(move |_| draft.to_input());
    let client_errors = Memo::new(move |_| input.with(validate_webhook));
    let body_invalid = Memo::new(move |_| draft.parsed_body().is_none());
    // Fields the user has edited (their errors show as they type) and the server's verdicts.
    let touched = RwSignal::new(BTreeSet::<&'static str>::new());
    let submitted = RwSignal::new(false);
    let server_errors = RwSignal::new(FieldErrors::new());
    let edited = move |field: &'static str| {
        touched.update(|t| {
            t.insert(field);
        });
        server_errors.update(|e| {
            e.retain(|k, _| !k.starts_with(field));
        });
    };
    let error_for = move |field: &'static str| -> Signal<Option<String>> {
        Signal::derive(move || {
            let shown = submitted.get() || touched.with(|t| t.contains(field));
            let client = client_errors.with(|e| {
                e.get(field)
                    .map(|e: &FieldError| e.message(i18n.lang.get()))
            });
            shown
                .then_some(client)
                .flatten()
                .or_else(|| server_errors.with(|e| e.get(field).cloned()))
        })
    };
    let dirty = move || input.with(|i| initial.with_value(|init| i != init));

    let id = StoredValue::new(id);
    let list_url = "/webhooks";
    let saving = Task::new();
    let save = {
        let navigate = navigate.clone();
        move |body: WebhookIn| {
            let (id, navigate) = (id.get_value(), navigate.clone());
            saving.run(async move {
                let result = match id {
                    None => api::create_webhook(&body).await,
                    Some(id) => api::update_webhook(&id, &body)
                        .await
                        .map(|webhook| CreatedWebhook { webhook, validation: None }),
                };
                match result {
                    Ok(CreatedWebhook { webhook, validation }) => {
                        toasts.success(saved_toast(i18n, creating, &webhook));
                        // A new webhook's VALIDATE message: its outcome matters, not only the save.
                        match validation {
                            Some(v) if v.ok => toasts.success(i18n.t(T::ValidateOk)),
                            Some(v) => {
                                let reason = match (&v.error, &v.response) {
                                    (Some(e), _) => e.message.clone(),
                                    (None, Some(r)) => format!("HTTP {}", r.status),
                                    (None, None) => String::new(),
                                };
                                toasts.error(i18n.fmt(T::ValidateFailed, &[("reason", &reason)]))
                            }
                            None => {}
                        }
                        navigate(list_url, Default::default());
                    }
                    Err(e) => {
                        let fields = e.fields();
                        let lang = i18n.lang.get_untracked();
                        toasts.error(if fields.is_empty() {
                            e.message(lang)
                        } else {
                            T::FixErrors.get(lang).into()
                        });
                        focus_first_invalid(|f| fields.contains_key(f));
                        server_errors.set(fields);
                    }
                }
            });
        }
    };
    // Shows every client-side error and focuses the first; true when there is none.
    let check = move || {
        submitted.set(true);
        if client_errors.with(|e| e.is_empty()) && !body_invalid.get_untracked() {
            return true;
        }
        toasts.error(i18n.t(T::FixErrors));
        client_errors.with(|e| focus_first_invalid(|f| e.contains_key(f) || (f == "body" && body_invalid.get_untracked())));
        false
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !check() {
            return;
        }
        save(input.get());
    };
    // Send Test: the form as it is now, through the real delivery path; nothing is saved.
    let report = RwSignal::new(None::<Option<api::Result<SendReport>>>);
    let testing = Task::new();
    let send_test = move |body: WebhookIn| {
        let id = id.get_value();
        report.set(Some(None));
        testing.run(async move {
            let result = api::send_test(id.as_deref(), &body).await;
            if let Err(e) = &result {
                server_errors.set(e.fields());
            }
            report.set(Some(Some(result)));
        });
    };

    let confirm_discard = RwSignal::new(false);
    let cancel = {
        let navigate = navigate.clone();
        move |_| {
            if dirty() {
                confirm_discard.set(true)
            } else {
                navigate(list_url, Default::default())
            }
        }
    };
    let discard = Callback::new(move |_| {
        confirm_discard.set(false);
        navigate(list_url, Default::default());
    });

    let text_input = move |id: &'static str,
                           field: &'static str,
                           value: RwSignal<String>,
                           kind: &'static str| {
        let error = error_for(field);
        view! {
            <input
                id=id
                type=kind
                class="input"
                autocomplete="off"
                prop:value=value
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=error_id(id)
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    edited(field);
                }
                on:blur=move |_| edited(field)
            />
        }
    };
    let secret_hint = Signal::derive(move || {
        let masked = [draft.password, draft.token, draft.secret]
            .iter()
            .any(|s| s.with(|s| is_masked(s)));
        if masked {
            i18n.t(T::SecretKeptHint)
        } else {
            ""
        }
    });

    view! {
        <section class="card form-card">
            <h1>{move || i18n.t(if creating { T::AddWebhook } else { T::ModifyWebhook })}</h1>
            <form class="form" novalidate on:submit=submit>
                <fieldset class="field radio-row" id="wh-type">
                    <legend class="field-label">{tr(T::Type)}</legend>
                    {WebhookType::ALL
                        .into_iter()
                        .map(|t| {
                            view! {
                                <label class="radio">
                                    <input
                                        type="radio"
                                        name="type"
                                        prop:checked=move || draft.kind.get() == t
                                        on:change=move |_| draft.kind.set(t)
                                    />
                                    {move || i18n.t(if t == WebhookType::Events { T::Events } else { T::Alarms })}
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <Field id="wh-name" label=Signal::derive(tr(T::Name)) error=error_for("name") required=true>
                    {text_input("wh-name", "name", draft.name, "text")}
                </Field>
                <Field id="wh-project" label=Signal::derive(tr(T::Project)) error=error_for("project_id") hint=Signal::derive(tr(T::ProjectHint))>
                    {text_input("wh-project", "project_id", draft.project_id, "text")}
                </Field>
                <Field id="wh-url" label=Signal::derive(tr(T::Url)) error=error_for("url") required=true>
                    {text_input("wh-url", "url", draft.url, "url")}
                </Field>
                <Field id="wh-language" label=Signal::derive(tr(T::AlarmMessageLanguage))>
                    <select
                        id="wh-language"
                        class="input"
                        on:change=move |ev| {
                            draft.language.set(if event_target_value(&ev) == "zh-CN" { MessageLanguage::ZhCn } else { MessageLanguage::En })
                        }
                    >
                        <option value="en" selected=move || draft.language.get() == MessageLanguage::En>
                            {tr(T::English)}
                        </option>
                        <option value="zh-CN" selected=move || draft.language.get() == MessageLanguage::ZhCn>
                            {tr(T::Chinese)}
                        </option>
                    </select>
                </Field>
                <Field id="wh-format" label=Signal::derive(tr(T::PayloadFormat))>
                    <select
                        id="wh-format"
                        class="input"
                        on:change=move |ev| {
                            if let Some(f) = PayloadFormat::parse(&event_target_value(&ev)) {
                                draft.format.set(f);
                            }
                        }
                    >
                        {PayloadFormat::ALL
                            .into_iter()
                            .map(|f| {
                                view! {
                                    <option value=f.as_str() selected=move || draft.format.get() == f>
                                        {move || format_label(f, i18n)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </Field>
                <Field id="wh-auth" label=Signal::derive(tr(T::AuthType))>
                    <select
                        id="wh-auth"
                        class="input"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(k) = AuthKind::ALL.into_iter().find(|k| k.as_str() == v) {
                                draft.auth_kind.set(k);
                            }
                        }
                    >
                        {AuthKind::ALL
                            .into_iter()
                            .map(|k| {
                                view! {
                                    <option value=k.as_str() selected=move || draft.auth_kind.get() == k>
                                        {move || i18n.t(auth_label(k))}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </Field>
                {move || match draft.auth_kind.get() {
                    AuthKind::None => ().into_any(),
                    AuthKind::Basic => view! {
                        <div class="field-row">
                            <Field id="wh-username" label=Signal::derive(tr(T::Username)) error=error_for("auth.username") required=true>
                                {text_input("wh-username", "auth.username", draft.username, "text")}
                            </Field>
                            <Field id="wh-password" label=Signal::derive(tr(T::Password)) error=error_for("auth.password") required=true hint=secret_hint>
                                {text_input("wh-password", "auth.password", draft.password, "password")}
                            </Field>
                        </div>
                    }.into_any(),
                    AuthKind::Bearer => view! {
                        <Field id="wh-token" label=Signal::derive(tr(T::Token)) error=error_for("auth.token") required=true hint=secret_hint>
                            {text_input("wh-token", "auth.token", draft.token, "password")}
                        </Field>
                    }.into_any(),
                    AuthKind::Signature => view! {
                        <Field id="wh-secret" label=Signal::derive(tr(T::Secret)) error=error_for("auth.secret") required=true hint=secret_hint>
                            <div class="input-with-button">
                                {text_input("wh-secret", "auth.secret", draft.secret, "text")}
                                <button
                                    type="button"
                                    class="btn"
                                    on:click=move |_| {
                                        if let Some(s) = generate_secret() {
                                            draft.secret.set(s);
                                            edited("auth.secret");
                                        }
                                    }
                                >
                                    {tr(T::Generate)}
                                </button>
                            </div>
                        </Field>
                    }.into_any(),
                }}
                <div class="field">
                    <label class="switch">
                        <input
                            type="checkbox"
                            role="switch"
                            id="wh-enabled"
                            aria-describedby="wh-enabled-hint"
                            prop:checked=draft.enabled
                            on:change=move |ev| draft.enabled.set(event_target_checked(&ev))
                        />
                        <span>{tr(T::Enable)}</span>
                    </label>
                    <p id="wh-enabled-hint" class="field-hint">{tr(T::DisableHint)}</p>
                </div>
                <div class="field" class:field-invalid=move || error_for("event_types").with(Option::is_some)>
                    <EventTypePicker
                        id="wh-event-types"
                        selected=draft.event_types
                        invalid=Signal::derive(move || error_for("event_types").with(Option::is_some))
                        on_change=move || edited("event_types")
                    />
                    <p id=error_id("wh-event-types") class="field-error" aria-live="polite">
                        {move || error_for("event_types").get()}
                    </p>
                </div>
                <Advanced draft=draft input=input error_for=error_for edited=edited />
                <div class="form-actions">
                    <button
                        type="button"
                        class="btn btn-left"
                        disabled=move || testing.pending()
                        on:click=move |_| {
                            if check() {
                                send_test(input.get_untracked());
                            }
                        }
                    >
                        {move || i18n.t(if testing.pending() { T::Sending } else { T::SendTest })}
                    </button>
                    <button type="button" class="btn" on:click=cancel>{tr(T::Cancel)}</button>
                    <button
                        type="submit"
                        class="btn btn-primary"
                        disabled=move || saving.pending()
                        aria-busy=move || saving.pending().to_string()
                    >
                        {move || i18n.t(if saving.pending() { T::Saving } else { T::Submit })}
                    </button>
                </div>
            </form>
        </section>
        <ReportDialog
            state=report
            subject=Signal::derive(move || draft.name.get())
            on_close=move || report.set(None)
        />
        <ConfirmDialog
            open=confirm_discard
            title=Signal::derive(tr(T::ConfirmDiscardTitle))
            message=Signal::derive(tr(T::ConfirmDiscardText))
            confirm_label=Signal::derive(tr(T::Discard))
            cancel_label=Signal::derive(tr(T::KeepEditing))
            danger=true
            on_confirm=discard
            on_cancel=move || confirm_discard.set(false)
        />
    }
}

/// The label of an auth kind.
pub fn auth_label(k: AuthKind) -> T {
    match k {
        AuthKind::None => T::AuthNone,
        AuthKind::Basic => T::AuthBasic,
        AuthKind::Bearer => T::AuthBearer,
        AuthKind::Signature => T::AuthSignature,
    }
}

/// Field paths and their controls, in the order the form shows them.
const CONTROLS: [(&str, &str); 14] = [
    ("name", "#wh-name"),
    ("project_id", "#wh-project"),
    ("url", "#wh-url"),
    ("auth.username", "#wh-username"),
    ("auth.password", "#wh-password"),
    ("auth.token", "#wh-token"),
    ("auth.secret", "#wh-secret"),
    ("event_types", "#wh-event-types input"),
    ("msg_key", "#wh-msg-key"),
    ("body", "#wh-body"),
    ("description", "#wh-description"),
    ("headers", ".header-row input"),
    ("batch_size", "#wh-batch-size"),
    ("timeout", "#wh-timeout"),
];

/// Moves focus to the first invalid control on screen, opening "Advanced settings" if it is there.
fn focus_first_invalid(invalid: impl Fn(&str) -> bool) {
    let Some((_, selector)) = CONTROLS.iter().find(|(field, _)| invalid(field)) else {
        return;
    };
    use leptos::wasm_bindgen::JsCast;
    let Some(el) = document().query_selector(selector).ok().flatten() else {
        return;
    };
    if let Ok(Some(details)) = el.closest("details") {
        let _ = details.set_attribute("open", "");
    }
    if let Some(el) = el.dyn_ref::<web_sys::HtmlElement>() {
        let _ = el.focus();
    }
}

/// The label of a payload format.
pub fn format_label(f: PayloadFormat, i18n: I18n) -> &'static str {
    match f {
        PayloadFormat::Generic => i18n.t(T::FormatGeneric),
        PayloadFormat::Slack => "Slack",
        PayloadFormat::Teams => i18n.t(T::FormatTeams),
        PayloadFormat::Dingtalk => i18n.t(T::FormatDingtalk),
        PayloadFormat::Feishu => i18n.t(T::FormatFeishu),
        PayloadFormat::Wecom => i18n.t(T::FormatWecom),
        PayloadFormat::Discord => "Discord",
    }
}
