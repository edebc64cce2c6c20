//! A modal dialog with any content, on the native `<dialog>` (focus stays inside while it is
//! open, Escape closes), for small forms and one-time reveals.

use crate::i18n::{T, tr};
use leptos::{html, prelude::*};
use std::sync::atomic::{AtomicUsize, Ordering};

static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

#[component]
pub fn Modal(
    /// Whether the dialog is shown.
    #[prop(into)]
    open: Signal<bool>,
    /// The dialog's title, also its accessible name.
    #[prop(into)]
    title: Signal<String>,
    /// Called when the user closes it: the Close button, Escape.
    #[prop(into)]
    on_close: Callback<()>,
    /// The content; it stays mounted while closed, so it should read its state reactively.
    children: Children,
) -> impl IntoView {
    let title_id = format!("modal-{}-title", NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let labelled_by = title_id.clone();
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
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            aria-labelledby=labelled_by
            on:cancel=move |ev: leptos::ev::Event| {
                ev.prevent_default();
                on_close.run(());
            }
        >
            <div class="dialog-header">
                <h2 id=title_id class="dialog-title">{title}</h2>
                <button type="button" class="btn-icon" aria-label=tr(T::Close) on:click=move |_| on_close.run(())>"×"</button>
            </div>
            {children()}
        </dialog>
    }
}
