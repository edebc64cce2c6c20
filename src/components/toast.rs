//! Toasts: short result messages in a live region, dismissed by the user or after a few seconds.

use crate::i18n::{T, tr};
use leptos::prelude::*;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    pub text: String,
}

/// The toasts of the app, provided at the root; pages push to it with `Toasts::expect()`.
#[derive(Clone, Copy)]
pub struct Toasts {
    list: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    pub fn provide() -> Self {
        let toasts = Self {
            list: RwSignal::new(Vec::new()),
            next_id: StoredValue::new(0),
        };
        provide_context(toasts);
        toasts
    }

    pub fn expect() -> Self {
        expect_context()
    }

    pub fn success(self, text: impl Into<String>) {
        self.push(ToastKind::Success, text.into());
    }

    pub fn error(self, text: impl Into<String>) {
        self.push(ToastKind::Error, text.into());
    }

    fn push(self, kind: ToastKind, text: String) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.list.update(|l| l.push(Toast { id, kind, text }));
        // Errors stay longer: they usually need reading.
        let secs = if kind == ToastKind::Error { 10 } else { 5 };
        set_timeout(move || self.dismiss(id), Duration::from_secs(secs));
    }

    pub fn dismiss(self, id: u64) {
        // The app may be gone (tests unmount it) before the timer fires.
        self.list.try_update(|l| l.retain(|t| t.id != id));
    }
}

/// Where toasts appear; put it once in the layout.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = Toasts::expect();
    view! {
        <div class="toasts" aria-live="polite">
            <For each=move || toasts.list.get() key=|t| t.id let:toast>
                <div
                    class="toast"
                    class:toast-error=toast.kind == ToastKind::Error
                    role=if toast.kind == ToastKind::Error { "alert" } else { "status" }
                >
                    <span class="toast-text">{toast.text.clone()}</span>
                    <button
                        type="button"
                        class="btn-icon"
                        aria-label=tr(T::Dismiss)
                        on:click=move |_| toasts.dismiss(toast.id)
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
