//! Fire drills: on its schedule, a webhook gets a `webhook.drill` test message through the real
//! delivery path (signing, format, headers, timeout, target policy), and the outcome is kept.
//! A failed drill sets the webhook's status to `failed` (a later successful drill sets it back)
//! and raises a `webhook.drill_failed` event, which routes like any event — to the topic
//! *Webhook health*, so another webhook can tell someone. Schedules are in UTC.

use crate::clock;
use crate::db::{self, Db};
use crate::delivery::Deliverer;
use crate::delivery::format::Message;
use serde_json::json;
use std::time::Duration;
use time::OffsetDateTime;
use webhook_api::{
    DrillFrequency, DrillRun, DrillSchedule, EventIn, EventResult, Severity, Webhook, WebhookStatus,
};

/// How often the scheduler looks for due drills.
const TICK: Duration = Duration::from_secs(15);
/// Drills taken per look.
const BATCH: i64 = 20;

/// The first time after `now` the schedule says; None when it is off or invalid.
pub fn next_after(s: &DrillSchedule, now: OffsetDateTime) -> Option<String> {
    if !s.enabled {
        return None;
    }
    let (h, m) = s.hour_minute()?;
    let now = now.to_offset(time::UtcOffset::UTC);
    let at = time::Time::from_hms(h, m, 0).ok()?;
    let mut day = now.date();
    for _ in 0..8 {
        let candidate = day.with_time(at).assume_utc();
        let weekday_ok = match (s.frequency, s.weekday) {
            (DrillFrequency::Daily, _) => true,
            (DrillFrequency::Weekly, Some(d)) => {
                candidate.weekday().number_days_from_monday() == d.index()
            }
            (DrillFrequency::Weekly, None) => return None,
        };
        if weekday_ok && candidate > now {
            return Some(clock::format(candidate));
        }
        day = day.next_day()?;
    }
    None
}

/// Runs due drills every few seconds until the process ends.
pub fn spawn(db: Db, deliverer: Deliverer) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(TICK).await;
            if let Err(e) = run_due(&db, &deliverer, OffsetDateTime::now_utc()).await {
                tracing::warn!(error = %e, "fire drills could not run; trying again");
            }
        }
    })
}

/// Takes the drills due at `now` (each once, across instances) and runs them. Returns the runs.
pub async fn run_due(
    db: &Db,
    deliverer: &Deliverer,
    now: OffsetDateTime,
) -> Result<Vec<DrillRun>, sqlx::Error> {
    let mut runs = Vec::new();
    loop {
        let due =
            db::drills::take_due(db, &clock::format(now), BATCH, |s| next_after(s, now)).await?;
        let more = due.len() as i64 == BATCH;
        for (drill, was_due) in due {
            let Some(webhook) = db::webhooks::find(db, &drill.webhook_id).await? else {
                continue;
            };
            // A disabled webhook sends nothing, drills included.
            if !webhook.enabled {
                continue;
            }
            runs.push(run(db, deliverer, &webhook, Some(was_due)).await?);
        }
        if !more {
            return Ok(runs);
        }
    }
}

/// Sends one drill to `webhook` now and records it (`scheduled_for` None: run by hand).
pub async fn run(
    db: &Db,
    deliverer: &Deliverer,
    webhook: &Webhook,
    scheduled_for: Option<String>,
) -> Result<DrillRun, sqlx::Error> {
    let started_at = clock::now();
    let id = uuid::Uuid::now_v7().to_string();
    let event = EventIn {
        event_type: "webhook.drill".into(),
        action: "drill".into(),
        resource_type: "webhook".into(),
        resource_id: webhook.id.clone(),
        resource_details: json!({
            "name": webhook.name,
            "drill_id": id,
            "message": "A scheduled test of this notification path. Nothing is wrong.",
        }),
        result: EventResult::Succeed,
        severity: Severity::Info,
        occurred_at: Some(started_at.clone()),
        source: Some("webhook-console fire drill".into()),
    };
    let previous = db::webhook_state::previous_secret(db, &webhook.id, &started_at).await?;
    let report = deliverer
        .send_now(
            &webhook.to_input(),
            previous.as_deref(),
            Message::Events(std::slice::from_ref(&event)),
            &format!("msg_drill_{}", uuid::Uuid::now_v7().simple()),
        )
        .await;
    let status_code = report.response.as_ref().map(|r| r.status);
    let error = (!report.ok).then(|| match (&report.error, status_code) {
        (Some(e), _) => format!("{}: {}", e.kind.as_str(), e.message),
        (None, Some(code)) => format!("The receiver answered {code}."),
        (None, None) => "No answer.".into(),
    });
    let mut run = DrillRun {
        id,
        webhook_id: webhook.id.clone(),
        scheduled_for,
        started_at,
        ok: report.ok,
        status_code,
        duration_ms: report.duration_ms,
        error,
        event_id: None,
    };
    let now = clock::now();
    let health = crate::delivery::worker::health_details(
        webhook.failure_details.clone(),
        &report,
        &now,
        webhook.failure_details.next_attempt.clone(),
    );
    if report.ok {
        // A drill's success mends only what a drill broke.
        if webhook.status == WebhookStatus::Failed {
            db::webhook_state::record_health(db, &webhook.id, WebhookStatus::Active, &health)
                .await?;
        }
    } else {
        db::webhook_state::record_health(db, &webhook.id, WebhookStatus::Failed, &health).await?;
        let failed = EventIn {
            event_type: "webhook.drill_failed".into(),
            action: "drill_failed".into(),
            resource_type: "webhook".into(),
            resource_id: webhook.id.clone(),
            resource_details: json!({
                "name": webhook.name,
                "url": webhook.url,
                "drill_id": run.id,
                "title": format!("Fire drill failed for {}", webhook.name),
                "description": run.error,
            }),
            result: EventResult::Failed,
            severity: Severity::Critical,
            occurred_at: Some(now.clone()),
            source: Some("webhook-console fire drill".into()),
        };
        let event_id = uuid::Uuid::now_v7().to_string();
        let queued = db::accepts::accept_events(db, &[(event_id.clone(), failed)], &now).await?;
        deliverer.metrics.events_accepted(1);
        if queued > 0 {
            deliverer.wake.notify_one();
        }
        run.event_id = Some(event_id);
    }
    db::drills::record_run(db, &run).await?;
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;
    use webhook_api::Weekday;

    fn schedule(frequency: DrillFrequency, weekday: Option<Weekday>, time: &str) -> DrillSchedule {
        DrillSchedule {
            enabled: true,
            frequency,
            weekday,
            time: time.into(),
        }
    }

    #[test]
    fn next_runs_are_after_now_on_the_right_day() {
        // 2026-12-02 is a Wednesday.
        let now = datetime!(2026-12-02 10:00 UTC);
        let daily = schedule(DrillFrequency::Daily, None, "09:30");
        assert_eq!(next_after(&daily, now).unwrap(), "2026-12-03T09:30:00.000Z");
        let later_today = schedule(DrillFrequency::Daily, None, "10:01");
        assert_eq!(
            next_after(&later_today, now).unwrap(),
            "2026-12-02T10:01:00.000Z"
        );
        let exactly_now = schedule(DrillFrequency::Daily, None, "10:00");
        assert_eq!(
            next_after(&exactly_now, now).unwrap(),
            "2026-12-03T10:00:00.000Z"
        );
        let monday = schedule(DrillFrequency::Weekly, Some(Weekday::Mon), "08:00");
        assert_eq!(
            next_after(&monday, now).unwrap(),
            "2026-12-07T08:00:00.000Z"
        );
        let wednesday = schedule(DrillFrequency::Weekly, Some(Weekday::Wed), "10:00");
        assert_eq!(
            next_after(&wednesday, now).unwrap(),
            "2026-12-09T10:00:00.000Z"
        );
        let mut off = daily.clone();
        off.enabled = false;
        assert_eq!(next_after(&off, now), None);
        assert_eq!(
            next_after(&schedule(DrillFrequency::Daily, None, "25:00"), now),
            None
        );
    }
}
