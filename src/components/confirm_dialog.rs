//! A modal confirmation built on the native `<dialog>`: it holds focus while open, Escape cancels.

use leptos::{html, prelude::*};
use std::sync::atomic::{AtomicUsize, Ordering};

static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

#[component]
pub fn ConfirmDialog(
    /// Whether the dialog is shown.
    #[prop(into)]
    open: Signal<bool>,
    /// The question, also the dialog's accessible name.
    #[prop(into)]
    title: Signal<&'static str>,
    /// What will happen, in a sentence or two.
    #[prop(into)]
    message: Signal<String>,
    /// The label of the button that goes ahead.
    #[prop(into)]
    confirm_label: Signal<&'static str>,
    /// The label of the button that backs out.
    #[prop(into)]
    cancel_label: Signal<&'static str>,
    /// Styles the confirm button as destructive and puts the initial focus on cancel.
    #[prop(optional)]
    danger: bool,
    /// While true the confirm button is disabled and marked busy.
    #[prop(optional, into)]
    pending: Signal<bool>,
    /// Called when the user confirms.
    #[prop(into)]
    on_confirm: Callback<()>,
    /// Called when the user cancels: the cancel button, Escape.
    #[prop(into)]
    on_cancel: Callback<()>,
) -> impl IntoView {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let (title_id, text_id) = (format!("dialog-{id}-title"), format!("dialog-{id}-text"));
    let (labelled_by, described_by) = (title_id.clone(), text_id.clone());
    let dialog = NodeRef::<html::Dialog>::new();
    Effect::new(move || {
        let Some(d) = dialog.get() else { return };
        if open.get() {
            if !d.open() {
                let _ = d.show_modal();
            }
        } else if d.open() {
            d.close();
        }
    });
    let confirm_class = if danger {
        "btn btn-danger"
    } else {
        "btn btn-primary"
    };
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            aria-labelledby=labelled_by
            aria-describedby=described_by
            on:cancel=move |ev: leptos::ev::Event| {
                ev.prevent_default();
                on_cancel.run(());
            }
        >
            <h2 id=title_id class="dialog-title">{title}</h2>
            <p id=text_id>{message}</p>
            <div class="dialog-actions">
                <button type="button" class="btn" autofocus=danger on:click=move |_| on_cancel.run(())>
                    {cancel_label}
                </button>
                <button
                    type="button"
                    class=confirm_class
                    autofocus=!danger
                    disabled=pending
                    aria-busy=move || pending.get().to_string()
                    on:click=move |_| on_confirm.run(())
                >
                    {confirm_label}
                </button>
            </div>
        </dialog>
    }
}
