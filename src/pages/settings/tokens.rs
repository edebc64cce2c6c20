//! API tokens: the table (never the secret, only its prefix), Create (name, role including
//! publisher, optional expiry date) with the new token shown once in a dialog with Copy, and
//! Revoke.

use crate::api::{self, Loaded};
use crate::components::field::error_id;
use crate::components::{ConfirmDialog, Field, Modal, Toasts};
use crate::i18n::{I18n, T, tr};
use crate::pages::webhook_detail::local_time;
use crate::session::role_text;
use crate::task::Task;
use leptos::prelude::*;
use webhook_api::{ApiToken, FieldErrors, Role, TokenIn};

/// The end of the day `date` (`YYYY-MM-DD`, the browser's local time) as RFC 3339; `None` for
/// no date.
fn end_of_day(date: &str) -> Option<String> {
    if date.is_empty() {
        return None;
    }
    let d = js_sys::Date::new(&format!("{date}T23:59:59").into());
    Some(if d.get_time().is_nan() {
        date.to_string()
    } else {
        d.to_iso_string().into()
    })
}

#[component]
pub fn TokensSection() -> impl IntoView {
    let i18n = I18n::expect();
    let toasts = Toasts::expect();
    let changes = RwSignal::new(0u32);
    let tokens = Loaded::<Vec<ApiToken>>::new(move || {
        changes.track();
        api::TOKENS_PATH.to_string()
    });
    // The secret of the token just created: held only while its dialog is open.
    let revealed = RwSignal::new(None::<(String, String)>);
    let to_revoke = RwSignal::new(None::<ApiToken>);
    let revoking = Task::new();
    let revoke = move |t: ApiToken| {
        revoking.run(async move {
            match api::revoke_token(&t.id).await {
                Ok(()) => toasts.success(i18n.fmt(T::TokenRevoked, &[("name", &t.name)])),
                Err(e) => toasts.error(e.message(i18n.lang.get_untracked())),
            }
            to_revoke.set(None);
            changes.update(|n| *n += 1);
        });
    };
    let never = move || i18n.t(T::Never).to_string();
    let th = move |t: T| view! { <th scope="col">{move || i18n.t(t)}</th> };
    view! {
        <section class="card" aria-labelledby="tokens-title">
            <h2 id="tokens-title">{tr(T::ApiTokens)}</h2>
            <p class="muted">{tr(T::TokensHint)}</p>
            <CreateToken on_created=Callback::new(move |(name, secret)| {
                revealed.set(Some((name, secret)));
                changes.update(|n| *n += 1);
            }) />
            {move || match tokens.get() {
                None => view! { <p class="loading">{tr(T::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="field-error">{e.message(i18n.lang.get())}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="empty">{tr(T::NoTokens)}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <div class="table-wrap">
                        <table class="table" aria-label=tr(T::ApiTokens)>
                            <thead><tr>
                                {th(T::Name)}{th(T::Role)}{th(T::Prefix)}{th(T::CreatedBy)}{th(T::CreatedAt)}{th(T::LastUsed)}{th(T::Expires)}{th(T::Actions)}
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|t| {
                                    let role = t.role;
                                    let last_used = t.last_used_at.as_deref().map(local_time);
                                    let expires = t.expires_at.as_deref().map(local_time);
                                    let token = StoredValue::new(t.clone());
                                    view! {
                                        <tr>
                                            <th scope="row" class="cell-name">{t.name.clone()}</th>
                                            <td>{move || i18n.t(role_text(role))}</td>
                                            <td class="mono">{format!("{}…", t.prefix)}</td>
                                            <td>{t.created_by.clone()}</td>
                                            <td>{local_time(&t.created_at)}</td>
                                            <td>{move || last_used.clone().unwrap_or_else(never)}</td>
                                            <td>{move || expires.clone().unwrap_or_else(never)}</td>
                                            <td class="cell-actions">
                                                <button type="button" class="btn btn-small btn-danger-quiet" on:click=move |_| to_revoke.set(Some(token.get_value()))>
                                                    {tr(T::Revoke)}
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </section>
        <TokenReveal revealed=revealed />
        <ConfirmDialog
            open=Signal::derive(move || to_revoke.with(Option::is_some))
            title=Signal::derive(tr(T::ConfirmRevokeTitle))
            message=Signal::derive(move || {
                let name = to_revoke.with(|t| t.as_ref().map(|t| t.name.clone()).unwrap_or_default());
                i18n.fmt(T::ConfirmRevokeText, &[("name", &name)])
            })
            confirm_label=Signal::derive(move || i18n.t(if revoking.pending() { T::Working } else { T::Revoke }))
            cancel_label=Signal::derive(tr(T::Cancel))
            danger=true
            pending=Signal::derive(move || revoking.pending())
            on_confirm=move || {
                if let Some(t) = to_revoke.get_untracked() {
                    revoke(t);
                }
            }
            on_cancel=move || to_revoke.set(None)
        />
    }
}

/// The form that creates a token; reports (name, secret) of the new one.
#[component]
fn CreateToken(on_created: Callback<(String, String)>) -> impl IntoView {
    let i18n = I18n::expect();
    let toasts = Toasts::expect();
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Publisher);
    let expires = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let error = move |f: &'static str| Signal::derive(move || errors.with(|e| e.get(f).cloned()));
    let creating = Task::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = TokenIn {
            name: name.get_untracked().trim().to_string(),
            role: role.get_untracked(),
            expires_at: end_of_day(&expires.get_untracked()),
        };
        if body.name.is_empty() {
            errors.set(FieldErrors::from([(
                "name".to_string(),
                i18n.t(T::Required).to_string(),
            )]));
            return;
        }
        creating.run(async move {
            match api::create_token(&body).await {
                Ok(created) => {
                    errors.set(FieldErrors::new());
                    name.set(String::new());
                    expires.set(String::new());
                    on_created.run((created.api_token.name, created.token));
                }
                Err(e) => {
                    let fields = e.fields();
                    toasts.error(if fields.is_empty() {
                        e.message(i18n.lang.get_untracked())
                    } else {
                        i18n.t(T::FixErrors).to_string()
                    });
                    errors.set(fields);
                }
            }
        });
    };
    view! {
        <form class="inline-form" novalidate aria-label=tr(T::CreateToken) on:submit=submit>
            <Field id="token-name" label=Signal::derive(tr(T::Name)) error=error("name") required=true>
                <input
                    id="token-name"
                    class="input"
                    autocomplete="off"
                    prop:value=name
                    aria-invalid=move || error("name").with(Option::is_some).to_string()
                    aria-describedby=error_id("token-name")
                    on:input=move |ev| {
                        name.set(event_target_value(&ev));
                        errors.update(|e| { e.remove("name"); });
                    }
                />
            </Field>
            <Field id="token-role" label=Signal::derive(tr(T::Role)) error=error("role")>
                <select
                    id="token-role"
                    class="input"
                    on:change=move |ev| {
                        if let Some(r) = Role::parse(&event_target_value(&ev)) {
                            role.set(r);
                        }
                    }
                >
                    {Role::ALL.map(|r| view! { <option value=r.as_str() selected=move || role.get() == r>{move || i18n.t(role_text(r))}</option> }).collect_view()}
                </select>
            </Field>
            <Field id="token-expires" label=Signal::derive(tr(T::ExpiresOn)) error=error("expires_at") hint=Signal::derive(tr(T::ExpiresHint))>
                <input
                    id="token-expires"
                    type="date"
                    class="input"
                    prop:value=expires
                    aria-describedby=error_id("token-expires")
                    on:input=move |ev| {
                        expires.set(event_target_value(&ev));
                        errors.update(|e| { e.remove("expires_at"); });
                    }
                />
            </Field>
            <div class="inline-form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || creating.pending() aria-busy=move || creating.pending().to_string()>
                    {move || i18n.t(if creating.pending() { T::Working } else { T::CreateToken })}
                </button>
            </div>
        </form>
    }
}

/// The one time a token is shown: its secret, Copy, and that it will not be shown again.
/// Closing forgets it.
#[component]
fn TokenReveal(
    /// (name, secret) of the token just created; `None`: closed.
    revealed: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let toasts = Toasts::expect();
    let secret = move || revealed.with(|r| r.as_ref().map(|(_, s)| s.clone()).unwrap_or_default());
    let copy = move |_| {
        let clipboard = window().navigator().clipboard();
        let text = secret();
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&text)).await {
                Ok(_) => toasts.success(i18n.t(T::TokenCopied)),
                Err(_) => toasts.error(i18n.t(T::CopyFailed)),
            }
        });
    };
    let title = Signal::derive(move || {
        let name = revealed.with(|r| r.as_ref().map(|(n, _)| n.clone()).unwrap_or_default());
        i18n.fmt(T::TokenCreated, &[("name", &name)])
    });
    view! {
        <Modal open=Signal::derive(move || revealed.with(Option::is_some)) title=title on_close=move || revealed.set(None)>
            <p>{tr(T::TokenOnce)}</p>
            <label for="new-token" class="field-label">{tr(T::Token)}</label>
            <div class="input-with-button">
                <input id="new-token" class="input mono" readonly prop:value=secret on:focus=move |ev| {
                    use leptos::wasm_bindgen::JsCast;
                    if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                        input.select();
                    }
                } />
                <button type="button" class="btn" on:click=copy>{tr(T::Copy)}</button>
            </div>
            <p class="field-hint">{tr(T::TokenUsage)}</p>
            <div class="dialog-actions">
                <button type="button" class="btn btn-primary" on:click=move |_| revealed.set(None)>{tr(T::Done)}</button>
            </div>
        </Modal>
    }
}
