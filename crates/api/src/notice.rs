//! Notices about a webhook that stay until someone acknowledges them: today, that the server
//! disabled it after its deliveries failed for days (auto-disable).

use serde::{Deserialize, Serialize};

/// One notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notice {
    pub id: String,
    pub webhook_id: String,
    /// `auto_disabled`.
    pub kind: String,
    /// What happened and why, for people.
    pub message: String,
    pub created_at: String,
    pub acknowledged_at: Option<String>,
    pub acknowledged_by: Option<String>,
}

/// `GET /webhooks/{id}/notices`: its notices, newest first, and whether auto-disable is coming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookNotices {
    /// Days of failing deliveries after which a webhook is disabled; 0: never.
    pub auto_disable_days: u32,
    /// Since when every delivery attempt failed (no success since), while it is enabled.
    pub failing_since: Option<String>,
    /// When it will be disabled unless a delivery succeeds first.
    pub auto_disable_at: Option<String>,
    pub notices: Vec<Notice>,
}

/// The part of a [`Notice`] the console's WebHook list needs, read from `GET /notices`: which
/// webhook it is about. Only this is decoded, because decoding whole notices costs the list's first
/// load more wasm.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NoticeSummary {
    pub webhook_id: String,
}
