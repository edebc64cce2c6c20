//! Deliveries: the report of one HTTP exchange with a receiver (Send, Send Test, VALIDATE and every
//! recorded attempt), the delivery log, redelivery and the success-rate statistics.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The largest part of a receiver's answer that is kept; the rest is read and dropped.
pub const RESPONSE_BODY_CAP: usize = 64 * 1024;

/// The whole exchange of one send, as Send / Send Test answer it and as every attempt is recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendReport {
    pub request: SentRequest,
    /// Absent when no answer came (DNS, connect, TLS, timeout, refused by policy).
    pub response: Option<ReceivedResponse>,
    /// From the start of the request to the end of the (capped) response body.
    pub duration_ms: u64,
    /// True when the receiver accepted the message: a 2xx answer (and, for DingTalk, WeCom and
    /// Feishu, a body without an error code).
    pub ok: bool,
    pub error: Option<DeliveryFailure>,
}

/// The request as it went out. Secrets are masked: the `Authorization` header, and custom
/// headers whose name suggests a secret (`key`, `token`, `secret`, `password`, `auth`, `cookie`).
/// The `webhook-signature` is shown: it proves nothing without the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SentRequest {
    pub method: String,
    /// The URL as sent (for DingTalk with its `timestamp` and `sign` query).
    pub url: String,
    /// Header names in lower case.
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

/// What the receiver answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceivedResponse {
    pub status: u16,
    /// Header names in lower case; repeated headers joined with `, `.
    pub headers: BTreeMap<String, String>,
    /// At most [`RESPONSE_BODY_CAP`] bytes, decoded as UTF-8 (invalid bytes replaced).
    pub body: String,
    /// True when the body was longer than the cap.
    pub truncated: bool,
}

/// Why a send failed, precisely.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryFailure {
    pub kind: DeliveryErrorKind,
    /// A sentence for people, e.g. "connection refused by 127.0.0.1:9".
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryErrorKind {
    /// The host name does not resolve.
    Dns,
    /// No TCP connection: refused, reset, unreachable, or dropped before an answer.
    Connect,
    /// The TLS handshake failed (certificate, protocol, or not TLS at all).
    Tls,
    /// No complete answer within the webhook's timeout.
    Timeout,
    /// The target address is not allowed by the server's target policy (SSRF protection).
    RefusedByPolicy,
    /// The answer is not valid HTTP.
    InvalidResponse,
    /// A non-2xx answer; 3xx counts too, since redirects are not followed.
    HttpStatus,
    /// A 2xx answer whose body reports an error (DingTalk/WeCom `errcode` ≠ 0, Feishu `code` ≠ 0).
    ReceiverError,
}

impl DeliveryErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dns => "dns",
            Self::Connect => "connect",
            Self::Tls => "tls",
            Self::Timeout => "timeout",
            Self::RefusedByPolicy => "refused_by_policy",
            Self::InvalidResponse => "invalid_response",
            Self::HttpStatus => "http_status",
            Self::ReceiverError => "receiver_error",
        }
    }
}

/// Where a delivery is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its first attempt (or for the first attempt of a redelivery).
    Pending,
    /// An attempt failed and another is scheduled at `next_attempt_at`.
    Retrying,
    Succeeded,
    /// Given up: a failure that retrying cannot fix, or the last retry failed.
    Failed,
}

impl DeliveryStatus {
    pub const ALL: [Self; 4] = [Self::Pending, Self::Retrying, Self::Succeeded, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Retrying => "retrying",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// What a delivery carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryKind {
    /// Events posted to `/events` (one, or a batch of up to the webhook's `batch_size`).
    Event,
    /// The VALIDATE message sent when the webhook was created.
    Validate,
}

/// One message to one webhook, with every attempt to deliver it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    pub id: String,
    pub webhook_id: String,
    pub kind: DeliveryKind,
    /// The events in this message, in order; empty for VALIDATE.
    pub event_ids: Vec<String>,
    /// Why these events went to this webhook: `webhook` (its own event types) or
    /// `subscription:<topic id>`. A delivery carries events of one rule only.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub rule: crate::RouteRule,
    /// Sent as `webhook-id` on every attempt, so receivers can drop duplicates.
    pub message_id: String,
    pub status: DeliveryStatus,
    /// Oldest first.
    pub attempts: Vec<Attempt>,
    pub created_at: String,
    /// When the next attempt is due (pending and retrying only).
    pub next_attempt_at: Option<String>,
}

/// One try at delivering: the exchange as in a [`SendReport`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attempt {
    /// From 1, counting across redeliveries.
    pub number: u32,
    pub started_at: String,
    pub duration_ms: u64,
    pub ok: bool,
    pub request: SentRequest,
    pub response: Option<ReceivedResponse>,
    pub error: Option<DeliveryFailure>,
}

/// `GET /deliveries/{id}/attempts/{number}/signature`: which of the webhook's secrets the
/// stored request's `webhook-signature` matches, recomputed over its `webhook-id`,
/// `webhook-timestamp` and body — what a receiver's developer needs when they reject ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignatureCheck {
    /// The request carried a Standard Webhooks signature.
    pub signed: bool,
    /// One of its signatures is the current secret's.
    pub current: bool,
    /// The same for the previous secret while a rotation overlaps; none when there is none.
    pub previous: Option<bool>,
}

/// `GET /webhooks/{id}/deliveries?status=&page=&page_size=`, parsed and checked; newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryQuery {
    pub status: Option<DeliveryStatus>,
    /// From 1.
    pub page: u32,
    /// 1–100, default 20.
    pub page_size: u32,
}

impl Default for DeliveryQuery {
    fn default() -> Self {
        Self {
            status: None,
            page: 1,
            page_size: crate::DEFAULT_PAGE_SIZE,
        }
    }
}

impl DeliveryQuery {
    /// Parses query pairs; unknown keys are ignored, bad values are field errors.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, crate::FieldErrors> {
        let mut q = Self::default();
        let mut errors = crate::FieldErrors::new();
        for (key, value) in pairs {
            let value = value.trim();
            // An empty filter is no filter; an empty number is not a number.
            if value.is_empty() && !matches!(key, "page" | "page_size") {
                continue;
            }
            match key {
                "status" => match DeliveryStatus::parse(value) {
                    Some(s) => q.status = Some(s),
                    None => {
                        let all = DeliveryStatus::ALL.map(|s| s.as_str()).join(", ");
                        errors.insert(key.into(), format!("must be one of: {all}"));
                    }
                },
                "page" | "page_size" => {
                    if let Some(Err(msg)) =
                        crate::query::parse_paging(key, value, &mut q.page, &mut q.page_size)
                    {
                        errors.insert(key.into(), msg);
                    }
                }
                _ => {}
            }
        }
        if errors.is_empty() {
            Ok(q)
        } else {
            Err(errors)
        }
    }

    /// The non-default parts as query pairs.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(s) = self.status {
            out.push(("status", s.as_str().to_string()));
        }
        if self.page > 1 {
            out.push(("page", self.page.to_string()));
        }
        if self.page_size != crate::DEFAULT_PAGE_SIZE {
            out.push(("page_size", self.page_size.to_string()));
        }
        out
    }
}

/// `POST /webhooks/{id}/recover`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecoverIn {
    /// RFC 3339; every failed delivery created at or after it is redelivered.
    pub since: String,
}

/// How many deliveries a recover queued again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoverOut {
    pub count: u64,
}

/// `GET /retention`: how far back delivery history goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetentionInfo {
    /// Finished deliveries, their attempts and events are kept this many days; 0: for ever.
    pub retention_days: u32,
    /// Attempts' bodies are kept this many days, when sooner than the attempts.
    pub retain_bodies_days: Option<u32>,
    /// When the oldest delivery still kept was created.
    pub oldest_delivery_at: Option<String>,
}

/// `GET /webhooks/{id}/silence`: why a webhook may be quietly useless — event types it takes that
/// no event had in the last `days`, and the topics routing to it that are switched off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookSilence {
    pub days: u32,
    /// When its last delivery was made (events, tests and drills aside from VALIDATE).
    pub last_delivery_at: Option<String>,
    /// Its own event types, and those of the enabled topics it receives, with no event in `days`.
    pub quiet_event_types: Vec<String>,
    /// Topics it is a receiver of that are disabled (ids).
    pub disabled_topics: Vec<String>,
}

/// `GET /webhooks/{id}/stats`: attempts of the last 24 hours in hourly buckets, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryStats {
    /// Exactly 24 buckets; the last one is the current hour.
    pub buckets: Vec<HourBucket>,
    pub succeeded: u64,
    pub failed: u64,
    /// succeeded / (succeeded + failed), absent when there was no attempt.
    pub success_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HourBucket {
    /// The start of the hour, RFC 3339 UTC (`2026-11-23T18:00:00.000Z`).
    pub hour: String,
    pub succeeded: u64,
    pub failed: u64,
}

/// `POST /webhooks/{id}/rotate-secret`: the new secret, shown in full this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecretRotation {
    /// The new `whsec_` secret. It is never returned again (the webhook shows it masked).
    pub secret: String,
    /// Until then messages carry a second signature made with the previous secret.
    pub previous_secret_expires_at: String,
    /// The webhook after the rotation (secrets masked).
    pub webhook: crate::Webhook,
}

/// `POST /webhooks`: the created webhook, and the result of the VALIDATE message sent to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedWebhook {
    #[serde(flatten)]
    pub webhook: crate::Webhook,
    /// The VALIDATE exchange; absent when the webhook was created disabled (nothing is sent).
    /// The webhook is created whatever the receiver did.
    pub validation: Option<SendReport>,
}

/// The `validation` member of a [`CreatedWebhook`] alone. The console reads a created webhook as
/// a [`crate::Webhook`] plus this, because deserializing `flatten` costs the wasm ~20 KB.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CreatedValidation {
    #[serde(default)]
    pub validation: Option<SendReport>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names() {
        assert_eq!(
            serde_json::to_value(DeliveryErrorKind::RefusedByPolicy).unwrap(),
            "refused_by_policy"
        );
        assert_eq!(
            serde_json::to_value(DeliveryErrorKind::HttpStatus).unwrap(),
            "http_status"
        );
        assert_eq!(
            serde_json::to_value(DeliveryStatus::Retrying).unwrap(),
            "retrying"
        );
        for k in [DeliveryErrorKind::Dns, DeliveryErrorKind::ReceiverError] {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
    }

    #[test]
    fn delivery_query_round_trips() {
        let q = DeliveryQuery::from_pairs([("status", "failed"), ("page", "2")]).unwrap();
        assert_eq!(q.status, Some(DeliveryStatus::Failed));
        let pairs = q.to_pairs();
        assert_eq!(
            DeliveryQuery::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str()))).unwrap(),
            q
        );
        let e = DeliveryQuery::from_pairs([("status", "x"), ("page_size", "0")]).unwrap_err();
        assert_eq!(e.len(), 2);
    }
}
