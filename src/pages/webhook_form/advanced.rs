//! The form's "Advanced settings": description, template options, custom headers, batch size
//! and timeout, and the preview of the request a sample event would make.

use super::draft::Draft;
use crate::api;
use crate::components::Field;
use crate::components::field::error_id;
use crate::i18n::{I18n, T, tr};
use crate::task::Task;
use leptos::prelude::*;
use webhook_api::WebhookIn;

/// The less common settings: description, custom headers, batch size, timeout.
#[component]
pub(super) fn Advanced(
    /// The form's state.
    draft: Draft,
    /// The body the form would submit, for the preview.
    input: Memo<WebhookIn>,
    /// The shown error of a field.
    error_for: impl Fn(&'static str) -> Signal<Option<String>> + Copy + Send + Sync + 'static,
    /// Marks a field as edited.
    edited: impl Fn(&'static str) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = I18n::expect();
    // Open from the start when it holds something the user should see.
    let open = draft.headers.with_untracked(|h| !h.is_empty())
        || draft.description.with_untracked(|d| !d.is_empty());
    let number = move |id: &'static str, field: &'static str, value: RwSignal<String>, label: T| {
        view! {
            <Field id=id label=Signal::derive(move || i18n.t(label)) error=error_for(field)>
                <input
                    id=id
                    type="number"
                    class="input input-narrow"
                    prop:value=value
                    aria-describedby=error_id(id)
                    on:input=move |ev| {
                        value.set(event_target_value(&ev));
                        edited(field);
                    }
                />
            </Field>
        }
    };
    view! {
        <details class="advanced" open=open>
            <summary>{tr(T::Advanced)}</summary>
            <Field id="wh-description" label=Signal::derive(tr(T::Description)) error=error_for("description")>
                <textarea
                    id="wh-description"
                    class="input"
                    rows="2"
                    prop:value=draft.description
                    on:input=move |ev| {
                        draft.description.set(event_target_value(&ev));
                        edited("description");
                    }
                ></textarea>
            </Field>
            {move || draft.format.get().is_generic().then(|| view! {
                <div class="field">
                    <label class="switch">
                        <input
                            type="checkbox"
                            role="switch"
                            prop:checked=draft.use_template
                            on:change=move |ev| draft.use_template.set(event_target_checked(&ev))
                        />
                        <span>{tr(T::UseTemplate)}</span>
                    </label>
                </div>
                <Field id="wh-msg-key" label=Signal::derive(tr(T::MsgKey)) error=error_for("msg_key")>
                    <input
                        id="wh-msg-key"
                        class="input input-narrow"
                        prop:value=draft.msg_key
                        aria-describedby=error_id("wh-msg-key")
                        on:input=move |ev| {
                            draft.msg_key.set(event_target_value(&ev));
                            edited("msg_key");
                        }
                    />
                </Field>
                <Field id="wh-body" label=Signal::derive(tr(T::ExtraBody)) error=error_for("body")>
                    <textarea
                        id="wh-body"
                        class="input mono"
                        rows="3"
                        placeholder="{\"team\": \"ops\"}"
                        prop:value=draft.body
                        aria-describedby=error_id("wh-body")
                        on:input=move |ev| {
                            draft.body.set(event_target_value(&ev));
                            edited("body");
                        }
                    ></textarea>
                </Field>
            })}
            <fieldset class="field headers" aria-describedby=error_id("wh-headers")>
                <legend class="field-label">{tr(T::Headers)}</legend>
                <For each=move || draft.headers.get() key=|r| r.id let:row>
                    <div class="header-row">
                        <input
                            class="input"
                            aria-label=tr(T::HeaderName)
                            placeholder="X-Team"
                            prop:value=row.name
                            on:input=move |ev| {
                                row.name.set(event_target_value(&ev));
                                edited("headers");
                            }
                        />
                        <input
                            class="input"
                            aria-label=tr(T::HeaderValue)
                            prop:value=row.value
                            on:input=move |ev| {
                                row.value.set(event_target_value(&ev));
                                edited("headers");
                            }
                        />
                        <button
                            type="button"
                            class="btn btn-quiet"
                            on:click=move |_| {
                                draft.remove_header(row.id);
                                edited("headers");
                            }
                        >
                            {tr(T::Remove)}
                        </button>
                    </div>
                </For>
                <button type="button" class="btn btn-quiet" on:click=move |_| draft.add_header("", "")>
                    {tr(T::AddHeader)}
                </button>
                <p id=error_id("wh-headers") class="field-error" aria-live="polite">{move || error_for("headers").get()}</p>
            </fieldset>
            <div class="field-row">
                {number("wh-batch-size", "batch_size", draft.batch_size, T::BatchSize)}
                {number("wh-timeout", "timeout", draft.timeout, T::Timeout)}
            </div>
            <Preview input=input />
        </details>
    }
}

/// Shows, on request, exactly the request a sample event would make with the form as it is.
#[component]
fn Preview(
    /// The body the form would submit.
    input: Memo<WebhookIn>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let preview = RwSignal::new(None::<api::Result<webhook_api::SentRequest>>);
    let previewing = Task::new();
    let run_preview = move |body: WebhookIn| previewing.run(async move { preview.set(Some(api::preview(&body).await)) });
    view! {
        <div class="field">
            <div class="exchange-head">
                <span class="field-hint">{tr(T::PreviewHint)}</span>
                <button type="button" class="btn btn-small" on:click=move |_| run_preview(input.get_untracked())>
                    {tr(T::Preview)}
                </button>
            </div>
            {move || preview.get().map(|r| match r {
                Ok(req) => view! {
                    <pre class="code" aria-label=tr(T::Preview)>
                        {crate::components::exchange::curl_command(&req)}
                    </pre>
                }.into_any(),
                Err(e) => view! { <p class="field-error" role="alert">{e.message(i18n.lang.get())}</p> }.into_any(),
            })}
        </div>
    }
}
