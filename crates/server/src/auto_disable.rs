//! Auto-disable: a webhook whose every delivery attempt failed for `--auto-disable-after` (5 days
//! by default; no success since) is disabled by the server, with a reason in its history and the
//! audit log, a notice on the list and detail page until someone acknowledges it, and a
//! `webhook.auto_disabled` event that routes like any other (the *Webhook health* topic), so
//! another webhook can tell someone. Several instances may look; one disables.

use crate::clock;
use crate::db::{self, Db, webhook_history::Logged};
use crate::delivery::Deliverer;
use serde_json::json;
use std::time::Duration;
use time::OffsetDateTime;
use webhook_api::{EventIn, EventResult, Notice, Severity};

/// Checks every `every` (`--auto-disable-interval`) until the process ends; `after` zero turns
/// it off.
pub fn spawn(
    db: Db,
    deliverer: Deliverer,
    after: Duration,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if after.is_zero() {
            return;
        }
        let every = every.max(Duration::from_secs(1));
        loop {
            tokio::time::sleep(every).await;
            if let Err(e) = check(&db, &deliverer, after, OffsetDateTime::now_utc()).await {
                tracing::warn!(error = %e, "auto-disable check failed; trying again later");
            }
        }
    })
}

/// When a webhook failing since `since` is disabled.
pub fn due_at(since: &str, after: Duration) -> Option<String> {
    let since =
        OffsetDateTime::parse(since, &time::format_description::well_known::Rfc3339).ok()?;
    Some(clock::format(since + after))
}

/// Disables every webhook that, as of `now`, has been failing for `after` or longer. Returns
/// their notices.
pub async fn check(
    db: &Db,
    deliverer: &Deliverer,
    after: Duration,
    now: OffsetDateTime,
) -> Result<Vec<Notice>, sqlx::Error> {
    let deadline = clock::format(now);
    let mut disabled = Vec::new();
    for (id, name, since) in db::notices::failing(db, None).await? {
        if due_at(&since, after).is_none_or(|due| due > deadline) {
            continue;
        }
        // `now` decides (tests pass a later one); what is written happens at the real time.
        let at = clock::now();
        let days = after.as_secs().div_ceil(86_400);
        let notice = Notice {
            id: uuid::Uuid::now_v7().to_string(),
            webhook_id: id.clone(),
            kind: "auto_disabled".into(),
            message: format!(
                "Disabled by the server: every delivery attempt since {since} failed \
                 ({days} days without a success). Fix the receiver, then enable it again."
            ),
            created_at: at.clone(),
            acknowledged_at: None,
            acknowledged_by: None,
        };
        let mut logged = Logged::system("auto_disable", &id, &name);
        logged.change.fields_updated =
            vec![crate::changes::field("enabled", json!(true), json!(false))];
        logged.record = logged
            .record
            .with_changes(logged.change.fields_updated.clone());
        if !db::notices::auto_disable(db, &notice, &logged).await? {
            continue;
        }
        let event = EventIn {
            event_type: "webhook.auto_disabled".into(),
            action: "auto_disabled".into(),
            resource_type: "webhook".into(),
            resource_id: id.clone(),
            resource_details: json!({
                "name": name,
                "title": format!("Webhook {name} was disabled after failing for {days} days"),
                "description": notice.message,
                "failing_since": since,
            }),
            result: EventResult::Failed,
            severity: Severity::Critical,
            occurred_at: Some(at.clone()),
            source: Some("webhook-console auto-disable".into()),
        };
        let queued =
            db::accepts::accept_events(db, &[(uuid::Uuid::now_v7().to_string(), event)], &at)
                .await?;
        deliverer.metrics.events_accepted(1);
        if queued > 0 {
            deliverer.wake.notify_one();
        }
        tracing::warn!(webhook = %id, %since, "webhook disabled after failing persistently");
        disabled.push(notice);
    }
    Ok(disabled)
}
