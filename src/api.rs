//! The one place the console talks HTTP: a typed client for the REST API of `webhook-server`.
//! Every call returns the decoded value or a [`ClientError`] carrying the server's error body.
//! Every request carries `X-Requested-With` (the server's CSRF rule for cookie-authenticated
//! changes), and a 401 on any call but the sign-in itself runs the hook the app registered with
//! [`on_unauthorized`] (it sends the user to the sign-in page).

use crate::i18n::{Lang, T};
use gloo_net::http::{Method, RequestBuilder};
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use std::cell::RefCell;
use std::marker::PhantomData;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use webhook_api::{
    API_PREFIX, AuditQuery, CreatedToken, CreatedValidation, CreatedWebhook, Delivery, DeliveryQuery, Drill, DrillRun, DrillSchedule, ErrorBody, Notice, PauseIn, PauseState, EventIn, EventsAccepted, FieldErrors, InboundRequest, InboundWebhook, InboundWebhookIn, InboundWebhookUpdate, PluginUpdate, PluginVerified, ReceiverIn, RecoverIn, RecoverOut, SendReport, SentRequest, Session, SignIn, SignatureCheck, Subscription, SubscriptionImpact, SubscriptionTest, TokenIn, User, UserIn, UserUpdate, Webhook, WebhookIn, WebhookQuery,
};

/// The header every request carries: a cross-site form cannot send it, so the server accepts
/// cookie-authenticated changes only with it.
const REQUESTED_WITH: (&str, &str) = ("x-requested-with", "webhook-console");

thread_local! {
    static ON_UNAUTHORIZED: RefCell<Option<Rc<dyn Fn()>>> = const { RefCell::new(None) };
}

/// Registers what happens when the server answers 401 (not signed in, or the session ended) to
/// any call but the sign-in: the app sends the user to `/login?next=…`.
pub fn on_unauthorized(hook: impl Fn() + 'static) {
    ON_UNAUTHORIZED.with(|h| *h.borrow_mut() = Some(Rc::new(hook)));
}

fn unauthorized() {
    // Cloned out first: the hook may make requests of its own.
    if let Some(hook) = ON_UNAUTHORIZED.with(|h| h.borrow().clone()) {
        hook();
    }
}

/// Why a call failed, as the user needs to hear it.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientError {
    /// No answer: the server is down or unreachable.
    Network,
    /// The server answered with an error body.
    Api { status: u16, body: ErrorBody },
    /// An answer the console cannot read (a proxy's HTML page, say).
    Unexpected { status: u16 },
}

impl ClientError {
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } | Self::Unexpected { status } => Some(*status),
            Self::Network => None,
        }
    }

    /// Per-field messages of a validation or conflict error.
    pub fn fields(&self) -> FieldErrors {
        match self {
            Self::Api { body, .. } => body.error.fields.clone(),
            _ => FieldErrors::new(),
        }
    }

    /// A sentence for a toast or an error panel.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Self::Network => T::ErrorNetwork.get(lang).into(),
            Self::Api { body, .. } => body.error.message.clone(),
            Self::Unexpected { status } => {
                format!("{} (HTTP {status})", T::ErrorUnexpected.get(lang))
            }
        }
    }
}

pub type Result<T> = std::result::Result<T, ClientError>;

fn url(path: &str) -> String {
    format!("{API_PREFIX}{path}")
}

/// Percent-encodes a query value.
pub fn encode(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}

/// `a=1&b=2` from pairs.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// One request: the body of a 2xx answer, or why there is none. Not generic, so this state
/// machine exists once in the wasm; callers only decode.
async fn fetch(method: Method, path: &str, body: Option<String>) -> Result<(u16, String)> {
    let answer = send_request(method, path, body).await;
    if matches!(&answer, Err(e) if e.status() == Some(401)) {
        unauthorized();
    }
    answer
}

async fn send_request(method: Method, path: &str, body: Option<String>) -> Result<(u16, String)> {
    let builder = RequestBuilder::new(&url(path))
        .method(method)
        .header(REQUESTED_WITH.0, REQUESTED_WITH.1);
    let request = match body {
        Some(json) => builder.header("content-type", "application/json").body(json),
        None => builder.build(),
    };
    let resp = request.map_err(|_| ClientError::Network)?.send().await.map_err(|_| ClientError::Network)?;
    let status = resp.status();
    let text = resp.text().await.map_err(|_| ClientError::Unexpected { status })?;
    if resp.ok() {
        return Ok((status, text));
    }
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => Err(ClientError::Api { status, body }),
        // A dev proxy answers 502/504 when the server is down.
        Err(_) if matches!(status, 502..=504) => Err(ClientError::Network),
        Err(_) => Err(ClientError::Unexpected { status }),
    }
}

fn decode<V: DeserializeOwned>((status, text): (u16, String)) -> Result<V> {
    serde_json::from_str(&text).map_err(|_| ClientError::Unexpected { status })
}

/// Data a page shows, fetched again whenever the path (or anything it tracks) changes. Every
/// such resource holds the raw answer and is the same type, so Leptos's resource machinery
/// exists once in the wasm; [`Loaded::get`] decodes.
pub struct Loaded<V> {
    answer: LocalResource<Result<(u16, String)>>,
    value: PhantomData<fn() -> V>,
}

impl<V> Clone for Loaded<V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<V> Copy for Loaded<V> {}

impl<V: DeserializeOwned> Loaded<V> {
    /// Loads `path` (under the API prefix) now and whenever what `path` reads changes.
    pub fn new(path: impl Fn() -> String + Send + Sync + 'static) -> Self {
        Self { answer: load(Signal::derive(path)), value: PhantomData }
    }

    /// The last answer (tracked); `None` until the first one arrives.
    pub fn get(self) -> Option<Result<V>> {
        self.answer.get().map(|answer| answer.and_then(decode))
    }
}

fn load(path: Signal<String>) -> LocalResource<Result<(u16, String)>> {
    LocalResource::new(move || {
        let path = path.get();
        async move { fetch(Method::GET, &path, None).await }
    })
}

async fn with_body<V: DeserializeOwned>(method: Method, path: &str, body: &impl serde::Serialize) -> Result<V> {
    let json = serde_json::to_string(body).map_err(|_| ClientError::Unexpected { status: 0 })?;
    decode(fetch(method, path, Some(json)).await?)
}

async fn post<V: DeserializeOwned>(path: &str, body: &impl serde::Serialize) -> Result<V> {
    with_body(Method::POST, path, body).await
}

/// The path of a page of the webhook list, for a `Loaded<Page<Webhook>>`.
pub fn webhooks_path(q: &WebhookQuery) -> String {
    format!("/webhooks?{}", query_string(&q.to_pairs()))
}

/// The path of the counts by status, for a `Loaded<WebhookStat>`.
pub const WEBHOOK_STAT_PATH: &str = "/webhooks/stat";

/// The path of one webhook, for a `Loaded<Webhook>`.
pub fn webhook_path(id: &str) -> String {
    format!("/webhooks/{}", encode(id))
}

/// Creates a webhook; the answer carries the VALIDATE exchange with its receiver.
pub async fn create_webhook(body: &WebhookIn) -> Result<CreatedWebhook> {
    let json = serde_json::to_string(body).map_err(|_| ClientError::Unexpected { status: 0 })?;
    let answer = fetch(Method::POST, "/webhooks", Some(json)).await?;
    let CreatedValidation { validation } = decode(answer.clone())?;
    Ok(CreatedWebhook { webhook: decode(answer)?, validation })
}

pub async fn update_webhook(id: &str, body: &WebhookIn) -> Result<Webhook> {
    with_body(Method::PUT, &format!("/webhooks/{}", encode(id)), body).await
}

/// Enables (`true`) or disables (`false`) a webhook.
pub async fn set_enabled(id: &str, enabled: bool) -> Result<Webhook> {
    let verb = if enabled { "enable" } else { "disable" };
    post(&format!("/webhooks/{}/{verb}", encode(id)), &()).await
}

pub async fn delete_webhook(id: &str) -> Result<()> {
    fetch(Method::DELETE, &format!("/webhooks/{}", encode(id)), None).await.map(drop)
}

/// Send Test: the form's body (unsaved; `id` given on the modify form, whose masked secrets stand
/// for the stored ones) sent to the receiver through the real delivery path.
pub async fn send_test(id: Option<&str>, body: &WebhookIn) -> Result<SendReport> {
    match id {
        None => post("/webhooks/test", body).await,
        Some(id) => post(&format!("/webhooks/{}/test", encode(id)), body).await,
    }
}

/// Send: a sample event to a saved webhook, now.
pub async fn send(id: &str) -> Result<SendReport> {
    post(&format!("/webhooks/{}/send", encode(id)), &()).await
}

/// Exactly the request a sample event would make, without sending it.
pub async fn preview(body: &WebhookIn) -> Result<SentRequest> {
    post("/webhooks/preview", body).await
}

/// The path of a page of a webhook's deliveries, for a `Loaded<Page<Delivery>>`.
pub fn deliveries_path(id: &str, q: &DeliveryQuery) -> String {
    format!("/webhooks/{}/deliveries?{}", encode(id), query_string(&q.to_pairs()))
}

/// The path of a webhook's success counts, for a `Loaded<DeliveryStats>`.
pub fn delivery_stats_path(id: &str) -> String {
    format!("/webhooks/{}/stats", encode(id))
}

pub async fn redeliver(delivery_id: &str) -> Result<Delivery> {
    post(&format!("/deliveries/{}/redeliver", encode(delivery_id)), &()).await
}

/// Which of the webhook's secrets a stored attempt's signature matches.
pub async fn check_signature(delivery_id: &str, number: u32) -> Result<SignatureCheck> {
    decode(fetch(Method::GET, &format!("/deliveries/{}/attempts/{number}/signature", encode(delivery_id)), None).await?)
}

/// Redelivers every failed delivery since `since` (RFC 3339); answers how many.
pub async fn recover(id: &str, since: String) -> Result<RecoverOut> {
    post(&format!("/webhooks/{}/recover", encode(id)), &RecoverIn { since }).await
}

/// Enables (`true`) or disables a message-subscription topic.
pub async fn set_subscription_enabled(id: &str, enabled: bool) -> Result<Subscription> {
    let verb = if enabled { "enable" } else { "disable" };
    post(&format!("/subscriptions/{}/{verb}", encode(id)), &()).await
}

pub async fn add_receiver(topic_id: &str, webhook_id: &str) -> Result<Subscription> {
    let body = ReceiverIn { webhook_id: webhook_id.to_string() };
    post(&format!("/subscriptions/{}/receivers", encode(topic_id)), &body).await
}

pub async fn remove_receiver(topic_id: &str, webhook_id: &str) -> Result<Subscription> {
    let path = format!("/subscriptions/{}/receivers/{}", encode(topic_id), encode(webhook_id));
    decode(fetch(Method::DELETE, &path, None).await?)
}

/// Publishes a sample event of the topic through the real queue.
pub async fn test_subscription(id: &str) -> Result<SubscriptionTest> {
    post(&format!("/subscriptions/{}/test", encode(id)), &()).await
}

/// What a change would cut off; `change` is one `disable_webhook=`, `delete_webhook=` or
/// `disable_topic=` pair.
pub async fn impact(change: &str) -> Result<SubscriptionImpact> {
    decode(fetch(Method::GET, &format!("/subscriptions/impact?{change}"), None).await?)
}

pub async fn publish_event(event: &EventIn) -> Result<EventsAccepted> {
    post("/events", event).await
}

/// Signs in: the server sets the session cookie. A wrong password is an `Err` with the server's
/// message (401), too many failures one with its wait (429); neither leaves the sign-in page.
pub async fn sign_in(body: &SignIn) -> Result<Session> {
    let json = serde_json::to_string(body).map_err(|_| ClientError::Unexpected { status: 0 })?;
    decode(send_request(Method::POST, "/session", Some(json)).await?)
}

/// Who is signed in; 401 when nobody is (or the session ended).
pub async fn session() -> Result<Session> {
    decode(fetch(Method::GET, "/session", None).await?)
}

pub async fn sign_out() -> Result<()> {
    fetch(Method::DELETE, "/session", None).await.map(drop)
}

/// The path of the users, for a `Loaded<Vec<User>>` (admins).
pub const USERS_PATH: &str = "/users";

pub async fn create_user(body: &UserIn) -> Result<User> {
    post("/users", body).await
}

/// Changes the fields given: display name, role, password, disabled.
pub async fn update_user(id: &str, body: &UserUpdate) -> Result<User> {
    with_body(Method::PUT, &format!("/users/{}", encode(id)), body).await
}

pub async fn delete_user(id: &str) -> Result<()> {
    fetch(Method::DELETE, &format!("/users/{}", encode(id)), None).await.map(drop)
}

/// The path of the API tokens, for a `Loaded<Vec<ApiToken>>` (admins).
pub const TOKENS_PATH: &str = "/tokens";

/// Creates a token; the answer is the only time its secret is shown.
pub async fn create_token(body: &TokenIn) -> Result<CreatedToken> {
    post("/tokens", body).await
}

pub async fn revoke_token(id: &str) -> Result<()> {
    fetch(Method::DELETE, &format!("/tokens/{}", encode(id)), None).await.map(drop)
}

/// The path of a page of the audit log, for a `Loaded<Page<AuditEntry>>` (admins).
pub fn audit_path(q: &AuditQuery) -> String {
    format!("/audit?{}", query_string(&q.to_pairs()))
}

/// The path of a webhook's versions (newest first), for a `Loaded<Vec<WebhookVersion>>`.
pub fn versions_path(id: &str) -> String {
    format!("/webhooks/{}/versions", encode(id))
}

/// Brings a deleted webhook back; 409 when a live webhook has taken its name.
pub async fn restore_webhook(id: &str) -> Result<Webhook> {
    post(&format!("/webhooks/{}/restore", encode(id)), &()).await
}

/// The path of the inbound plugins (alertmanager, grafana, generic), for a
/// `Loaded<Vec<PluginDescriptor>>`.
pub const INBOUND_PLUGINS_PATH: &str = "/inbound-plugins";

/// The path of a page of inbound webhooks, for a `Loaded<Page<InboundWebhook>>`; `pairs` are the
/// list's query (`keyword`, `state`, `plugin_id`, `page`, `page_size`).
pub fn inbound_webhooks_path(pairs: &[(&str, String)]) -> String {
    format!("/inbound-webhooks?{}", query_string(pairs))
}

/// The path of one inbound webhook, for a `Loaded<InboundWebhook>`.
pub fn inbound_webhook_path(id: &str) -> String {
    format!("/inbound-webhooks/{}", encode(id))
}

/// The path of an inbound webhook's last requests (newest first), for a
/// `Loaded<Vec<InboundRequest>>`.
pub fn inbound_requests_path(id: &str) -> String {
    format!("/inbound-webhooks/{}/requests", encode(id))
}

pub async fn get_inbound(id: &str) -> Result<InboundWebhook> {
    decode(fetch(Method::GET, &inbound_webhook_path(id), None).await?)
}

pub async fn create_inbound(body: &InboundWebhookIn) -> Result<InboundWebhook> {
    post("/inbound-webhooks", body).await
}

/// Changes name, tags and project (the fields given).
pub async fn update_inbound(id: &str, body: &InboundWebhookUpdate) -> Result<InboundWebhook> {
    with_body(Method::PUT, &inbound_webhook_path(id), body).await
}

/// Changes the plugin's version, options and upgrade mode (the fields given).
pub async fn update_inbound_plugin(id: &str, body: &PluginUpdate) -> Result<InboundWebhook> {
    with_body(Method::PUT, &format!("{}/plugin", inbound_webhook_path(id)), body).await
}

/// Runs the plugin's verify on the stored options; bad ones are field errors `options.KEY`.
pub async fn verify_inbound_plugin(id: &str) -> Result<PluginVerified> {
    post(&format!("{}/plugin/verify", inbound_webhook_path(id)), &()).await
}

/// Enables (`true`) or disables an inbound webhook.
pub async fn set_inbound_enabled(id: &str, enabled: bool) -> Result<InboundWebhook> {
    let verb = if enabled { "enable" } else { "disable" };
    post(&format!("{}/{verb}", inbound_webhook_path(id)), &()).await
}

/// A new access key (and URL); the old one stops working at once.
pub async fn regenerate_access_key(id: &str) -> Result<InboundWebhook> {
    post(&format!("{}/access-key", inbound_webhook_path(id)), &()).await
}

pub async fn delete_inbound(id: &str) -> Result<()> {
    fetch(Method::DELETE, &inbound_webhook_path(id), None).await.map(drop)
}

/// Send sample: the plugin's sample payload through the real receive path; answers the request
/// as recorded (its alerts and what they became, or the parse error).
pub async fn send_inbound_sample(id: &str) -> Result<InboundRequest> {
    post(&format!("{}/sample", inbound_webhook_path(id)), &()).await
}

/// The path of one event, for a `Loaded<EventRecord>`.
pub fn event_path(id: &str) -> String {
    format!("/events/{}", encode(id))
}

/// The path of every paused or resuming webhook, for a `Loaded<Vec<PauseState>>`.
pub const PAUSES_PATH: &str = "/pauses";

/// The path of the open notices of all webhooks, for a `Loaded<Vec<Notice>>`.
pub const NOTICES_PATH: &str = "/notices";

/// The path of the retention policy, for a `Loaded<RetentionInfo>`.
pub const RETENTION_PATH: &str = "/retention";

/// The path of a webhook's pause state, for a `Loaded<PauseState>`.
pub fn pause_path(id: &str) -> String {
    format!("/webhooks/{}/pause", encode(id))
}

/// Pauses (`true`) or resumes a webhook's deliveries; `resume_rate` (per second) is kept for it.
pub async fn set_paused(id: &str, paused: bool, resume_rate: Option<u32>) -> Result<PauseState> {
    let verb = if paused { "pause" } else { "resume" };
    post(&format!("/webhooks/{}/{verb}", encode(id)), &PauseIn { resume_rate }).await
}

/// The path of a webhook's notices and auto-disable warning, for a `Loaded<WebhookNotices>`.
pub fn notices_path(id: &str) -> String {
    format!("/webhooks/{}/notices", encode(id))
}

pub async fn acknowledge_notice(id: &str, notice_id: &str) -> Result<Notice> {
    post(&format!("/webhooks/{}/notices/{}/acknowledge", encode(id), encode(notice_id)), &()).await
}

/// The path of a webhook's fire-drill schedule, for a `Loaded<Drill>` (404 when it has none).
pub fn drill_path(id: &str) -> String {
    format!("/webhooks/{}/drill", encode(id))
}

/// The path of a webhook's last 100 drills, newest first, for a `Loaded<Vec<DrillRun>>`.
pub fn drill_runs_path(id: &str) -> String {
    format!("/webhooks/{}/drills", encode(id))
}

pub async fn save_drill(id: &str, schedule: &DrillSchedule) -> Result<Drill> {
    with_body(Method::PUT, &drill_path(id), schedule).await
}

pub async fn remove_drill(id: &str) -> Result<()> {
    fetch(Method::DELETE, &drill_path(id), None).await.map(drop)
}

/// Runs a drill now, through the real delivery path; answers how it went.
pub async fn run_drill(id: &str) -> Result<DrillRun> {
    post(&format!("{}/run", drill_path(id)), &()).await
}

/// The path of what makes a webhook quietly useless, for a `Loaded<WebhookSilence>`.
pub fn silence_path(id: &str) -> String {
    format!("/webhooks/{}/silence", encode(id))
}

/// A message of the live view: an event was accepted, a delivery was queued, or an attempt was
/// made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveMessage {
    Event,
    Delivery,
    Attempt,
}

/// The live view (`GET /stream`, Server-Sent Events; `filter` as its query pairs: `webhook_id`,
/// `topic`, or none for everything) while this value lives. The browser's `EventSource` sends the session cookie and, when it reconnects by
/// itself, `Last-Event-ID`, so nothing is missed across a short drop.
pub struct LiveStream {
    source: web_sys::EventSource,
    _listeners: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

impl LiveStream {
    /// Opens the stream. `on_open` runs when it is connected (again); `on_error(closed)` when it
    /// drops — `closed` when the browser gave up (an error answer) and will not retry by itself;
    /// `on_message` for each message.
    pub fn open(
        filter: &[(&str, String)],
        on_open: impl Fn() + 'static,
        on_error: impl Fn(bool) + 'static,
        on_message: impl Fn(LiveMessage) + 'static,
    ) -> Option<Self> {
        let source = web_sys::EventSource::new(&url(&format!("/stream?{}", query_string(filter)))).ok()?;
        let on_message = Rc::new(on_message);
        let mut listeners = Vec::new();
        let mut listen = |name: &str, f: Box<dyn FnMut(web_sys::Event)>| {
            let closure = Closure::wrap(f);
            let _ = source.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
            listeners.push(closure);
        };
        listen("open", Box::new(move |_| on_open()));
        let probe = source.clone();
        listen("error", Box::new(move |_| on_error(probe.ready_state() == web_sys::EventSource::CLOSED)));
        for (name, message) in [("event", LiveMessage::Event), ("delivery", LiveMessage::Delivery), ("attempt", LiveMessage::Attempt)] {
            let on_message = on_message.clone();
            listen(name, Box::new(move |_| on_message(message)));
        }
        Some(Self { source, _listeners: listeners })
    }
}

impl Drop for LiveStream {
    fn drop(&mut self) {
        self.source.close();
    }
}
