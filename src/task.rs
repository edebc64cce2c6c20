//! Background work started by a click (save, send, delete…) with a pending flag for the buttons.
//! One small non-generic runner instead of an `Action<I, O>` per call site: each action type
//! costs the wasm a copy of Leptos's action machinery.

use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;

/// A kind of user action that may run in the background; how many runs are in flight.
#[derive(Clone, Copy)]
pub struct Task {
    running: RwSignal<u32>,
}

impl Task {
    pub fn new() -> Self {
        Self { running: RwSignal::new(0) }
    }

    /// Whether a run is in flight (tracked).
    pub fn pending(self) -> bool {
        self.running.get() > 0
    }

    /// Starts `work`; [`Task::pending`] is true until it ends.
    pub fn run(self, work: impl Future<Output = ()> + 'static) {
        self.start(Box::pin(work));
    }

    fn start(self, work: Pin<Box<dyn Future<Output = ()>>>) {
        self.running.update(|n| *n += 1);
        leptos::task::spawn_local(async move {
            work.await;
            self.running.update(|n| *n = n.saturating_sub(1));
        });
    }
}

impl Default for Task {
    fn default() -> Self {
        Self::new()
    }
}
