//! The one place the console talks HTTP: a typed client for the REST API of `webhook-server`.
//! Every call returns the decoded value or a [`ClientError`] carrying the server's error body.

use crate::i18n::{Lang, T};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use webhook_api::{
    API_PREFIX, CreatedValidation, CreatedWebhook, Delivery, DeliveryQuery, DeliveryStats, ErrorBody, FieldErrors, Page, RecoverIn,
    RecoverOut, SendReport, SentRequest, Webhook, WebhookIn, WebhookQuery, WebhookStat,
};

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

async fn fetch(req: std::result::Result<Request, gloo_net::Error>) -> Result<Response> {
    let resp = req
        .map_err(|_| ClientError::Network)?
        .send()
        .await
        .map_err(|_| ClientError::Network)?;
    if resp.ok() {
        return Ok(resp);
    }
    let status = resp.status();
    match resp.json::<ErrorBody>().await {
        Ok(body) => Err(ClientError::Api { status, body }),
        // A dev proxy answers 502/504 when the server is down.
        Err(_) if matches!(status, 502..=504) => Err(ClientError::Network),
        Err(_) => Err(ClientError::Unexpected { status }),
    }
}

async fn decode<V: DeserializeOwned>(resp: Response) -> Result<V> {
    let status = resp.status();
    resp.json()
        .await
        .map_err(|_| ClientError::Unexpected { status })
}

async fn get<V: DeserializeOwned>(path: &str) -> Result<V> {
    decode(fetch(RequestBuilder::new(&url(path)).build()).await?).await
}

async fn post<V: DeserializeOwned>(path: &str, body: &impl serde::Serialize) -> Result<V> {
    decode(fetch(Request::post(&url(path)).json(body)).await?).await
}

pub async fn list_webhooks(q: &WebhookQuery) -> Result<Page<Webhook>> {
    get(&format!("/webhooks?{}", query_string(&q.to_pairs()))).await
}

pub async fn webhook_stat() -> Result<WebhookStat> {
    get("/webhooks/stat").await
}

pub async fn get_webhook(id: &str) -> Result<Webhook> {
    get(&format!("/webhooks/{}", encode(id))).await
}

/// Creates a webhook; the answer carries the VALIDATE exchange with its receiver.
pub async fn create_webhook(body: &WebhookIn) -> Result<CreatedWebhook> {
    let resp = fetch(Request::post(&url("/webhooks")).json(body)).await?;
    let status = resp.status();
    let bad = move || ClientError::Unexpected { status };
    let text = resp.text().await.map_err(|_| bad())?;
    let webhook = serde_json::from_str(&text).map_err(|_| bad())?;
    let CreatedValidation { validation } = serde_json::from_str(&text).map_err(|_| bad())?;
    Ok(CreatedWebhook { webhook, validation })
}

pub async fn update_webhook(id: &str, body: &WebhookIn) -> Result<Webhook> {
    decode(fetch(Request::put(&url(&format!("/webhooks/{}", encode(id)))).json(body)).await?).await
}

/// Enables (`true`) or disables (`false`) a webhook.
pub async fn set_enabled(id: &str, enabled: bool) -> Result<Webhook> {
    let verb = if enabled { "enable" } else { "disable" };
    post(&format!("/webhooks/{}/{verb}", encode(id)), &()).await
}

pub async fn delete_webhook(id: &str) -> Result<()> {
    fetch(Request::delete(&url(&format!("/webhooks/{}", encode(id)))).build())
        .await
        .map(drop)
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

pub async fn list_deliveries(id: &str, q: &DeliveryQuery) -> Result<Page<Delivery>> {
    get(&format!("/webhooks/{}/deliveries?{}", encode(id), query_string(&q.to_pairs()))).await
}

pub async fn delivery_stats(id: &str) -> Result<DeliveryStats> {
    get(&format!("/webhooks/{}/stats", encode(id))).await
}

pub async fn redeliver(delivery_id: &str) -> Result<Delivery> {
    post(&format!("/deliveries/{}/redeliver", encode(delivery_id)), &()).await
}

/// Redelivers every failed delivery since `since` (RFC 3339); answers how many.
pub async fn recover(id: &str, since: String) -> Result<RecoverOut> {
    post(&format!("/webhooks/{}/recover", encode(id)), &RecoverIn { since }).await
}
