//! Fire drills: a webhook's schedule (daily or weekly at a UTC time) of test messages sent
//! through the real delivery path, to prove the path to a pager still works, and their history.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DrillFrequency {
    #[default]
    Daily,
    Weekly,
}

/// Days of the week, Monday first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub const ALL: [Self; 7] = [
        Self::Mon,
        Self::Tue,
        Self::Wed,
        Self::Thu,
        Self::Fri,
        Self::Sat,
        Self::Sun,
    ];

    /// 0 for Monday.
    pub fn index(self) -> u8 {
        Self::ALL.iter().position(|d| *d == self).unwrap_or(0) as u8
    }
}

/// When drills run: `PUT /webhooks/{id}/drill`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DrillSchedule {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub frequency: DrillFrequency,
    /// Weekly drills: the day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday: Option<Weekday>,
    /// `HH:MM`, UTC.
    pub time: String,
}

fn yes() -> bool {
    true
}

impl DrillSchedule {
    /// `(hour, minute)` of [`Self::time`], when it is a valid `HH:MM`.
    pub fn hour_minute(&self) -> Option<(u8, u8)> {
        let (h, m) = self.time.trim().split_once(':')?;
        let (h, m): (u8, u8) = (h.parse().ok()?, m.parse().ok()?);
        (h < 24 && m < 60 && self.time.trim().len() == 5).then_some((h, m))
    }

    /// The field errors of a schedule.
    pub fn check(&self) -> crate::FieldErrors {
        let mut errors = crate::FieldErrors::new();
        if self.hour_minute().is_none() {
            errors.insert(
                "time".into(),
                "Must be HH:MM (24-hour, UTC), e.g. 09:30.".into(),
            );
        }
        if self.frequency == DrillFrequency::Weekly && self.weekday.is_none() {
            errors.insert(
                "weekday".into(),
                "A weekly drill needs a day: mon, tue, wed, thu, fri, sat or sun.".into(),
            );
        }
        errors
    }
}

/// A webhook's drill: its schedule and when it next runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Drill {
    pub webhook_id: String,
    pub schedule: DrillSchedule,
    /// None while disabled.
    pub next_run_at: Option<String>,
    pub updated_at: String,
    pub updated_by: String,
}

/// One drill that ran: `GET /webhooks/{id}/drills`, newest first (the last 100).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrillRun {
    pub id: String,
    pub webhook_id: String,
    /// The scheduled time it ran for; None when run by hand (`POST …/drill/run`).
    pub scheduled_for: Option<String>,
    pub started_at: String,
    pub ok: bool,
    pub status_code: Option<u16>,
    pub duration_ms: u64,
    /// Why it failed (the delivery error, or the receiver's status).
    pub error: Option<String>,
    /// The `webhook.drill_failed` event a failure raised.
    pub event_id: Option<String>,
}
