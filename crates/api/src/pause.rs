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
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::whole::opt_int"
    )]
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

/// The part of a [`PauseState`] the console's WebHook list shows, read from `GET /pauses`: only
/// these fields are decoded, because decoding the whole state costs the list's first load more wasm.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PauseSummary {
    pub webhook_id: String,
    pub paused: bool,
    pub held: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pause_state_reads_as_its_summary() {
        let state = PauseState {
            webhook_id: "w1".into(),
            paused: true,
            paused_at: Some("2026-12-01T10:00:00.000Z".into()),
            paused_by: Some("admin".into()),
            resume_rate: 10,
            held: 3,
            resuming_until: None,
        };
        let summary: PauseSummary =
            serde_json::from_value(serde_json::to_value(&state).unwrap()).unwrap();
        assert_eq!(
            summary,
            PauseSummary {
                webhook_id: "w1".into(),
                paused: true,
                held: 3
            }
        );
    }
}
