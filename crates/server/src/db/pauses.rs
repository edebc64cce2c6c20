//! Paused webhooks. While paused, the claim skips the webhook's deliveries (they wait as
//! `pending`/`retrying`, no attempt made, no retry spent). Resume gives each held delivery a slot
//! `1/rate` s after the previous one, in the order the deliveries were made (the order their
//! events arrived), and `next_slot` puts deliveries made meanwhile behind them.

use super::audit::{self, Record};
use super::{Cols, Db, Tx, count, on_db, on_tx};
use std::collections::HashMap;
use time::OffsetDateTime;
use webhook_api::{DEFAULT_RESUME_RATE, PauseState};

/// Deliveries rescheduled per statement on resume.
const RESCHEDULE_BATCH: usize = 500;

const SELECT: &str = "SELECT p.webhook_id, p.paused, p.paused_at, p.paused_by, p.resume_rate, \
     p.next_slot, (SELECT COUNT(*) FROM deliveries d WHERE d.webhook_id = p.webhook_id \
       AND d.status IN ('pending', 'retrying')) AS held \
     FROM webhook_pauses p";

fn from_row(row: &impl Cols, now: &str) -> Result<PauseState, sqlx::Error> {
    let next_slot = row.opt_text("next_slot")?;
    let paused = row.flag("paused")?;
    Ok(PauseState {
        webhook_id: row.text("webhook_id")?,
        paused,
        paused_at: row.opt_text("paused_at")?,
        paused_by: row.opt_text("paused_by")?,
        resume_rate: row.number("resume_rate")?,
        held: count(row.int("held")?),
        resuming_until: next_slot.filter(|s| !paused && s.as_str() > now),
    })
}

/// A webhook's pause state; a webhook never paused is not paused, at the default rate.
pub async fn find(db: &Db, webhook_id: &str, now: &str) -> Result<PauseState, sqlx::Error> {
    let sql = format!("{SELECT} WHERE p.webhook_id = $1");
    let found = on_db!(db, |pool, pg| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .bind(webhook_id)
        .try_map(|row| from_row(&row, now))
        .fetch_optional(pool)
        .await)?;
    Ok(found.unwrap_or(PauseState {
        webhook_id: webhook_id.into(),
        paused: false,
        paused_at: None,
        paused_by: None,
        resume_rate: DEFAULT_RESUME_RATE,
        held: 0,
        resuming_until: None,
    }))
}

/// Webhooks paused or still sending out what they held, of live webhooks.
pub async fn active(db: &Db, now: &str) -> Result<Vec<PauseState>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE (p.paused OR p.next_slot > $1) AND p.webhook_id IN \
         (SELECT id FROM webhooks WHERE deleted_at IS NULL) ORDER BY p.webhook_id"
    );
    on_db!(db, |pool, pg| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .bind(now)
        .try_map(|row| from_row(&row, now))
        .fetch_all(pool)
        .await)
}

/// Pauses a webhook (again: changes only the rate). `rate` None keeps the webhook's rate.
pub async fn pause(
    db: &Db,
    webhook_id: &str,
    rate: Option<u32>,
    now: &str,
    audit: &Record,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, |conn, pg| sqlx::query(
        "INSERT INTO webhook_pauses (webhook_id, paused, paused_at, paused_by, resume_rate) \
         VALUES ($1, TRUE, $2, $3, $4) ON CONFLICT (webhook_id) DO UPDATE SET paused = TRUE, \
         paused_at = CASE WHEN webhook_pauses.paused THEN webhook_pauses.paused_at \
           ELSE excluded.paused_at END, \
         paused_by = CASE WHEN webhook_pauses.paused THEN webhook_pauses.paused_by \
           ELSE excluded.paused_by END, \
         resume_rate = CASE WHEN $5 THEN excluded.resume_rate ELSE webhook_pauses.resume_rate END"
    )
    .bind(webhook_id)
    .bind(now)
    .bind(&audit.actor)
    .bind(i64::from(rate.unwrap_or(DEFAULT_RESUME_RATE)))
    .bind(rate.is_some())
    .execute(conn)
    .await
    .map(drop))?;
    audit::write(&mut tx, audit).await?;
    tx.commit().await
}

/// Resumes a webhook: its held deliveries get slots from `now` at its rate (`rate` overrides
/// and keeps it), oldest first. Returns how many; None when it was not paused.
pub async fn resume(
    db: &Db,
    webhook_id: &str,
    rate: Option<u32>,
    now: OffsetDateTime,
    audit: &Record,
) -> Result<Option<u64>, sqlx::Error> {
    let mut tx = db.begin().await?;
    let stored: Option<i64> = on_tx!(&mut tx, |conn, pg| sqlx::query_scalar(
        "SELECT resume_rate FROM webhook_pauses WHERE webhook_id = $1 AND paused"
    )
    .bind(webhook_id)
    .fetch_optional(conn)
    .await)?;
    let Some(stored) = stored else {
        return Ok(None);
    };
    let rate = rate.map_or(stored, i64::from).max(1);
    let held: Vec<String> = on_tx!(&mut tx, |conn, pg| sqlx::query_scalar(
        "SELECT id FROM deliveries WHERE webhook_id = $1 AND status IN ('pending', 'retrying') \
         ORDER BY created_at, id"
    )
    .bind(webhook_id)
    .fetch_all(conn)
    .await)?;
    let slot = |i: usize| {
        crate::clock::format(now + time::Duration::nanoseconds(i as i64 * 1_000_000_000 / rate))
    };
    for (n, chunk) in held.chunks(RESCHEDULE_BATCH).enumerate() {
        let rows: Vec<(String, String)> = chunk
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), slot(n * RESCHEDULE_BATCH + i)))
            .collect();
        reschedule(&mut tx, &rows).await?;
    }
    on_tx!(&mut tx, |conn, pg| sqlx::query(
        "UPDATE webhook_pauses SET paused = FALSE, resume_rate = $2, next_slot = $3 \
         WHERE webhook_id = $1"
    )
    .bind(webhook_id)
    .bind(rate)
    .bind(slot(held.len()))
    .execute(conn)
    .await
    .map(drop))?;
    audit::write(&mut tx, audit).await?;
    super::deliveries::commit_announcing(tx, held.len() as u64).await?;
    Ok(Some(held.len() as u64))
}

/// Sets each delivery's next attempt to its slot, in one statement.
async fn reschedule(tx: &mut Tx, rows: &[(String, String)]) -> Result<(), sqlx::Error> {
    let json = super::json(rows);
    on_tx!(tx, |conn, pg| sqlx::query(if pg {
        "UPDATE deliveries d SET next_attempt_at = v.value->>1 \
         FROM jsonb_array_elements($1::jsonb) v WHERE d.id = v.value->>0"
    } else {
        "UPDATE deliveries SET next_attempt_at = (SELECT json_extract(v.value, '$[1]') \
         FROM json_each($1) v WHERE json_extract(v.value, '$[0]') = deliveries.id) \
         WHERE id IN (SELECT json_extract(value, '$[0]') FROM json_each($1))"
    })
    .bind(&json)
    .execute(conn)
    .await
    .map(drop))
}

/// For deliveries being made now: the webhooks still sending out what a resume released, with
/// their next free slot and rate. New deliveries of those go behind (see [`take_slots`]).
pub async fn resuming(
    tx: &mut Tx,
    webhook_ids: &[&str],
    now: &str,
) -> Result<HashMap<String, (String, i64)>, sqlx::Error> {
    if webhook_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, String, i64)> = on_tx!(tx, |conn, pg| {
        sqlx::query_as(if pg {
        "SELECT webhook_id, next_slot, resume_rate FROM webhook_pauses WHERE NOT paused \
         AND next_slot > $2 AND webhook_id IN (SELECT value FROM json_array_elements_text($1::json))"
    } else {
        "SELECT webhook_id, next_slot, resume_rate FROM webhook_pauses WHERE NOT paused \
         AND next_slot > $2 AND webhook_id IN (SELECT value FROM json_each($1))"
    })
    .bind(super::json(webhook_ids))
    .bind(now)
    .fetch_all(conn)
    .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, slot, rate)| (id, (slot, rate.max(1))))
        .collect())
}

/// Takes `n` consecutive slots of a resuming webhook from `from` at `rate` per second; returns
/// them and stores the next free one.
pub async fn take_slots(
    tx: &mut Tx,
    webhook_id: &str,
    from: &str,
    rate: i64,
    n: usize,
) -> Result<Vec<String>, sqlx::Error> {
    let start = OffsetDateTime::parse(from, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| OffsetDateTime::now_utc());
    let slot = |i: usize| {
        crate::clock::format(start + time::Duration::nanoseconds(i as i64 * 1_000_000_000 / rate))
    };
    let slots: Vec<String> = (0..n).map(slot).collect();
    on_tx!(tx, |conn, pg| sqlx::query(
        "UPDATE webhook_pauses SET next_slot = $2 WHERE webhook_id = $1"
    )
    .bind(webhook_id)
    .bind(slot(n))
    .execute(conn)
    .await
    .map(drop))?;
    Ok(slots)
}

/// New deliveries of a webhook still sending out what a resume released go behind those, at its
/// rate, so the receiver gets events in the order they arrived (see `pauses`).
pub(super) async fn behind_resumed(
    tx: &mut Tx,
    deliveries: &mut [super::deliveries::NewDelivery<'_>],
    now: &str,
) -> Result<(), sqlx::Error> {
    let mut ids: Vec<&str> = deliveries.iter().map(|d| d.webhook_id).collect();
    ids.sort_unstable();
    ids.dedup();
    for (webhook_id, (from, rate)) in resuming(tx, &ids, now).await? {
        let mine: Vec<&mut super::deliveries::NewDelivery> = deliveries
            .iter_mut()
            .filter(|d| d.webhook_id == webhook_id)
            .collect();
        let slots = take_slots(tx, &webhook_id, &from, rate, mine.len()).await?;
        for (d, slot) in mine.into_iter().zip(slots) {
            d.next_attempt_at = Some(slot);
        }
    }
    Ok(())
}
