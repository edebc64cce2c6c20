//! Pausing a webhook: its events keep arriving as deliveries, held, nothing is sent and no retry
//! is spent; Resume sends what was held in the order the events arrived, at a capped rate, so a
//! receiver back from maintenance is not flooded. (Disable is different: a disabled webhook gets
//! no deliveries at all.)

use serde::{Deserialize, Serialize};

/// Deliveries per second Resume sends at when none is set.
pub const DEFAULT_RESUME_RATE: u32 = 10;
/// The highest resume rate.
pub const MAX_RESUME_RATE: u32 = 1000;

/// `POST /webhooks/{id}/pause` and `/resume`: the rate Resume sends at (kept for the webhook).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PauseIn {
    /// Deliveries per second, 1–1000; the webhook's last one (10 at first) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume_rate: Option<u32>,
}

/// Where a webhook stands: paused with deliveries held, or sending them out after a resume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PauseState {
    pub webhook_id: String,
    pub paused: bool,
    pub paused_at: Option<String>,
    pub paused_by: Option<String>,
    pub resume_rate: u32,
    /// Deliveries waiting (pending or retrying): held while paused, going out while resuming.
    pub held: u64,
    /// After a resume: when the last held delivery is due.
    pub resuming_until: Option<String>,
}
