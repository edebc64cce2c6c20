//! The test report of Send / Send Test: a modal that shows "Sending…" while the exchange runs,
//! then what the receiver got and answered, or why nothing could be sent.

use crate::api::ClientError;
use crate::components::exchange::{Exchange, ExchangeView};
use crate::i18n::{tr, I18n, T};
use leptos::{html, prelude::*};
use webhook_api::SendReport;

#[component]
pub fn ReportDialog(
    /// `None`: closed. `Some(None)`: sending. `Some(Some(result))`: the outcome.
    #[prop(into)]
    state: Signal<Option<Option<Result<SendReport, ClientError>>>>,
    /// What was sent to, e.g. the webhook's name, shown in the title.
    #[prop(into)]
    subject: Signal<String>,
    /// Called when the user closes the report.
    #[prop(into)]
    on_close: Callback<()>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let dialog = NodeRef::<html::Dialog>::new();
    Effect::new(move || {
        let Some(d) = dialog.get() else { return };
        if state.with(Option::is_some) {
            if !d.open() {
                let _ = d.show_modal();
            }
        } else if d.open() {
            d.close();
        }
    });
    view! {
        <dialog
            node_ref=dialog
            class="dialog dialog-wide"
            aria-labelledby="report-title"
            on:cancel=move |ev: leptos::ev::Event| {
                ev.prevent_default();
                on_close.run(());
            }
        >
            <div class="dialog-header">
                <h2 id="report-title" class="dialog-title">
                    {move || format!("{} · {}", i18n.t(T::TestReport), subject.get())}
                </h2>
                <button type="button" class="btn" autofocus on:click=move |_| on_close.run(())>
                    {tr(T::Close)}
                </button>
            </div>
            {move || match state.get() {
                None => ().into_any(),
                Some(None) => view! { <p class="loading" role="status">{i18n.t(T::Sending)}</p> }.into_any(),
                Some(Some(Ok(report))) => view! { <ExchangeView exchange=Exchange::from(report) /> }.into_any(),
                Some(Some(Err(e))) => view! {
                    <div role="alert" class="exchange-failed">
                        <p>{e.message(i18n.lang.get())}</p>
                        <ul>
                            {e.fields().into_iter().map(|(f, m)| view! { <li>{format!("{f}: {m}")}</li> }).collect_view()}
                        </ul>
                    </div>
                }.into_any(),
            }}
        </dialog>
    }
}
