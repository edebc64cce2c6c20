//! The live view: follows `GET /stream` (Server-Sent Events) — one webhook's deliveries on its
//! detail page, everything on the events page, one topic's on its Test — and tells the page when
//! what it shows changed, with a badge that says whether the view is live. The page refetches
//! what it shows, so a reconnect can neither leave a gap nor show a row twice.

use crate::api::{LiveMessage, LiveStream};
use crate::i18n::{I18n, T, tr};
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::{Rc, Weak};
use std::time::Duration;

/// Messages arriving within this window refresh the page once.
const COALESCE: Duration = Duration::from_millis(150);
/// After the browser gave up on the stream (an error answer, the server restarting), try again.
const RETRY: Duration = Duration::from_secs(5);

/// Where the live view stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveState {
    /// Not connected yet.
    Connecting,
    /// Connected: changes show as they happen.
    Live,
    /// The connection dropped; the browser (or this page) is trying again.
    Reconnecting,
}

/// What [`use_live_stream`] returns.
#[derive(Clone, Copy)]
pub struct UseLiveStreamReturn {
    /// Whether the view is live, for [`LiveBadge`].
    pub state: Signal<LiveState>,
}

struct Live {
    filter: Vec<(&'static str, String)>,
    state: RwSignal<LiveState>,
    on_change: Box<dyn Fn()>,
    /// A refresh is already due (coalescing a burst of messages).
    due: Cell<bool>,
    stream: Cell<Option<LiveStream>>,
}

/// Follows the live view while the calling component lives, narrowed by `filter` (the stream's
/// query pairs: `webhook_id`, `topic`, or none); `on_change` runs (at most once per
/// [`COALESCE`]) when an event is accepted or a delivery is queued or attempted, and each time
/// the stream (re)opens.
pub fn use_live_stream(
    filter: Vec<(&'static str, String)>,
    on_change: impl Fn() + 'static,
) -> UseLiveStreamReturn {
    let state = RwSignal::new(LiveState::Connecting);
    let live = Rc::new(Live {
        filter,
        state,
        on_change: Box::new(on_change),
        due: Cell::new(false),
        stream: Cell::new(None),
    });
    connect(&live);
    // Dropped with the page: the stream closes, and pending retries find nothing to reopen.
    let keep = StoredValue::new_local(Some(live));
    on_cleanup(move || keep.update_value(|l| drop(l.take())));
    UseLiveStreamReturn { state: state.into() }
}

fn connect(live: &Rc<Live>) {
    let (opened, failed, message) = (Rc::downgrade(live), Rc::downgrade(live), Rc::downgrade(live));
    let stream = LiveStream::open(
        &live.filter,
        move || {
            if let Some(l) = opened.upgrade() {
                l.state.set(LiveState::Live);
                // What happened before the stream was open (between the page's first fetch and
                // now, or while it was down) is fetched once.
                (l.on_change)();
            }
        },
        move |closed| {
            let Some(l) = failed.upgrade() else { return };
            l.state.set(LiveState::Reconnecting);
            if closed {
                let again = failed.clone();
                set_timeout(
                    move || {
                        if let Some(l) = again.upgrade() {
                            connect(&l);
                        }
                    },
                    RETRY,
                );
            }
        },
        move |_: LiveMessage| {
            let Some(l) = message.upgrade() else { return };
            if !l.due.replace(true) {
                let later: Weak<Live> = Rc::downgrade(&l);
                set_timeout(
                    move || {
                        if let Some(l) = later.upgrade() {
                            l.due.set(false);
                            (l.on_change)();
                        }
                    },
                    COALESCE,
                );
            }
        },
    );
    if stream.is_none() {
        live.state.set(LiveState::Reconnecting);
    }
    live.stream.set(stream);
}

/// "Live" while the view follows the server, "Reconnecting…" while it does not.
#[component]
pub fn LiveBadge(
    /// From [`use_live_stream`].
    #[prop(into)]
    state: Signal<LiveState>,
) -> impl IntoView {
    let i18n = I18n::expect();
    let text = move || {
        i18n.t(match state.get() {
            LiveState::Connecting => T::Connecting,
            LiveState::Live => T::Live,
            LiveState::Reconnecting => T::Reconnecting,
        })
    };
    view! {
        <span
            role="status"
            class="badge badge-live"
            class:badge-live-on=move || state.get() == LiveState::Live
            title=tr(T::LiveHint)
        >
            <span class="badge-dot" aria-hidden="true"></span>
            {text}
        </span>
    }
}
