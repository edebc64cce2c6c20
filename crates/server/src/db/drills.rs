//! Fire drills: each webhook's schedule and the drills that ran. Taking due drills moves their
//! `next_run_at` forward in the same transaction (on PostgreSQL with `FOR UPDATE SKIP LOCKED`),
//! so a scheduled drill runs once however many instances look.

use super::audit::{self, Record};
use super::{Cols, Db, on_db, on_tx};
use webhook_api::{Drill, DrillRun, DrillSchedule};

/// Drill runs kept per webhook.
pub const KEPT: i64 = 100;

const SELECT: &str = "SELECT webhook_id, enabled, frequency, weekday, at_time, next_run_at, \
     updated_at, updated_by FROM drills";

fn from_row(row: &impl Cols) -> Result<Drill, sqlx::Error> {
    Ok(Drill {
        webhook_id: row.text("webhook_id")?,
        schedule: DrillSchedule {
            enabled: row.flag("enabled")?,
            frequency: row.wire("frequency")?,
            weekday: row.opt_text("weekday")?.map(super::text_enum).transpose()?,
            time: row.text("at_time")?,
        },
        next_run_at: row.opt_text("next_run_at")?,
        updated_at: row.text("updated_at")?,
        updated_by: row.text("updated_by")?,
    })
}

fn wire<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

pub async fn find(db: &Db, webhook_id: &str) -> Result<Option<Drill>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE webhook_id = $1");
    on_db!(db, |pool, pg| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .bind(webhook_id)
        .try_map(|row| from_row(&row))
        .fetch_optional(pool)
        .await)
}

/// Sets a webhook's drill schedule.
pub async fn put(db: &Db, d: &Drill, audit: &Record) -> Result<(), sqlx::Error> {
    let s = &d.schedule;
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, |conn, pg| sqlx::query(
        "INSERT INTO drills (webhook_id, enabled, frequency, weekday, at_time, next_run_at, \
         updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (webhook_id) DO UPDATE SET enabled = excluded.enabled, \
         frequency = excluded.frequency, weekday = excluded.weekday, at_time = excluded.at_time, \
         next_run_at = excluded.next_run_at, updated_at = excluded.updated_at, \
         updated_by = excluded.updated_by"
    )
    .bind(&d.webhook_id)
    .bind(s.enabled)
    .bind(wire(&s.frequency))
    .bind(s.weekday.as_ref().map(wire))
    .bind(&s.time)
    .bind(&d.next_run_at)
    .bind(&d.updated_at)
    .bind(&d.updated_by)
    .execute(conn)
    .await
    .map(drop))?;
    audit::write(&mut tx, audit).await?;
    tx.commit().await
}

/// Removes a webhook's drill schedule (its runs stay); false when it had none.
pub async fn delete(db: &Db, webhook_id: &str, audit: &Record) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let gone = tx
        .execute("DELETE FROM drills WHERE webhook_id = $1", &[webhook_id])
        .await?;
    if gone == 0 {
        return Ok(false);
    }
    audit::write(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(true)
}

/// Takes up to `limit` drills due at `now`, moving each one's next run to what `next` says.
/// Returns them with the time each was due.
pub async fn take_due(
    db: &Db,
    now: &str,
    limit: i64,
    next: impl Fn(&DrillSchedule) -> Option<String>,
) -> Result<Vec<(Drill, String)>, sqlx::Error> {
    let mut tx = db.begin().await?;
    let sql = format!(
        "{SELECT} WHERE enabled AND next_run_at <= $1 ORDER BY next_run_at LIMIT $2{}",
        if db.is_postgres() {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        }
    );
    let due: Vec<Drill> = on_tx!(&mut tx, |conn, pg| sqlx::query(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(now)
    .bind(limit)
    .try_map(|row| from_row(&row))
    .fetch_all(conn)
    .await)?;
    let mut taken = Vec::with_capacity(due.len());
    for mut d in due {
        let was_due = d.next_run_at.clone().unwrap_or_default();
        d.next_run_at = next(&d.schedule);
        on_tx!(&mut tx, |conn, pg| sqlx::query(
            "UPDATE drills SET next_run_at = $1 WHERE webhook_id = $2"
        )
        .bind(&d.next_run_at)
        .bind(&d.webhook_id)
        .execute(conn)
        .await
        .map(drop))?;
        taken.push((d, was_due));
    }
    tx.commit().await?;
    Ok(taken)
}

/// Records a drill that ran and keeps the last [`KEPT`] of its webhook.
pub async fn record_run(db: &Db, r: &DrillRun) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, |conn, pg| sqlx::query(
        "INSERT INTO drill_runs (id, webhook_id, scheduled_for, started_at, ok, status_code, \
         duration_ms, error, event_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    )
    .bind(&r.id)
    .bind(&r.webhook_id)
    .bind(&r.scheduled_for)
    .bind(&r.started_at)
    .bind(r.ok)
    .bind(r.status_code.map(i64::from))
    .bind(r.duration_ms as i64)
    .bind(&r.error)
    .bind(&r.event_id)
    .execute(conn)
    .await
    .map(drop))?;
    on_tx!(&mut tx, |conn, pg| sqlx::query(
        "DELETE FROM drill_runs WHERE webhook_id = $1 AND id NOT IN (SELECT id FROM drill_runs \
         WHERE webhook_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2)"
    )
    .bind(&r.webhook_id)
    .bind(KEPT)
    .execute(conn)
    .await
    .map(drop))?;
    tx.commit().await
}

/// A webhook's drill runs, newest first.
pub async fn runs(db: &Db, webhook_id: &str) -> Result<Vec<DrillRun>, sqlx::Error> {
    on_db!(db, |pool, pg| sqlx::query(
        "SELECT id, webhook_id, scheduled_for, started_at, ok, status_code, duration_ms, error, \
         event_id FROM drill_runs WHERE webhook_id = $1 ORDER BY started_at DESC, id DESC \
         LIMIT $2"
    )
    .bind(webhook_id)
    .bind(KEPT)
    .try_map(|row| run_from(&row))
    .fetch_all(pool)
    .await)
}

fn run_from(row: &impl Cols) -> Result<DrillRun, sqlx::Error> {
    Ok(DrillRun {
        id: row.text("id")?,
        webhook_id: row.text("webhook_id")?,
        scheduled_for: row.opt_text("scheduled_for")?,
        started_at: row.text("started_at")?,
        ok: row.flag("ok")?,
        status_code: row
            .opt_int("status_code")?
            .and_then(|n| u16::try_from(n).ok()),
        duration_ms: super::count(row.int("duration_ms")?),
        error: row.opt_text("error")?,
        event_id: row.opt_text("event_id")?,
    })
}
