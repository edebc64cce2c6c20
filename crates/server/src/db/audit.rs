//! The audit log: one row per change, written in the transaction of the change it describes
//! ([`write`]), or on its own for what changes nothing (a refused request, a failed sign-in).

use super::{Cols, Db, Tx, count, json, on_db, on_tx};
use webhook_api::{ActorType, AuditEntry, AuditQuery, FieldChange, Page};

/// An entry about to be written: who, from where, did what to which target, with what outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub actor: String,
    pub actor_type: ActorType,
    pub client_addr: String,
    pub request_id: String,
    pub action: String,
    pub target_type: &'static str,
    pub target_id: String,
    pub target_name: String,
    /// `success`, `failure` or `refused`.
    pub outcome: &'static str,
    pub changes: Vec<FieldChange>,
}

impl Record {
    /// A record of something the server did by itself (start-up, `reset-password`).
    pub fn system(action: &str) -> Self {
        Self {
            actor: "webhook-server".into(),
            actor_type: ActorType::System,
            client_addr: String::new(),
            request_id: String::new(),
            action: action.into(),
            target_type: "",
            target_id: String::new(),
            target_name: String::new(),
            outcome: "success",
            changes: Vec::new(),
        }
    }

    pub fn with_changes(mut self, changes: Vec<FieldChange>) -> Self {
        self.changes = changes;
        self
    }

    pub fn target(mut self, kind: &'static str, id: &str, name: &str) -> Self {
        self.target_type = kind;
        self.target_id = id.to_string();
        self.target_name = name.to_string();
        self
    }

    pub fn outcome(mut self, outcome: &'static str) -> Self {
        self.outcome = outcome;
        self
    }
}

/// Writes `r` inside `tx`: it commits or rolls back with the change.
pub async fn write(tx: &mut Tx, r: &Record) -> Result<(), sqlx::Error> {
    let at = crate::clock::now();
    on_tx!(tx, |conn, pg| sqlx::query(
        "INSERT INTO audit_log (at, actor, actor_type, action, target_type, target_id, \
         target_name, client_addr, request_id, outcome, changes) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    )
    .bind(&at)
    .bind(&r.actor)
    .bind(r.actor_type.as_str())
    .bind(&r.action)
    .bind(r.target_type)
    .bind(&r.target_id)
    .bind(&r.target_name)
    .bind(&r.client_addr)
    .bind(&r.request_id)
    .bind(r.outcome)
    .bind(json(&r.changes))
    .execute(conn)
    .await
    .map(drop))
}

/// Writes `r` in a transaction of its own: for entries that record no change.
pub async fn write_alone(db: &Db, r: &Record) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    write(&mut tx, r).await?;
    tx.commit().await
}

/// One page of entries matching `q`, newest first.
pub async fn list(db: &Db, q: &AuditQuery) -> Result<Page<AuditEntry>, sqlx::Error> {
    // Each filter is an equality on its column, or absent: `(… IS NULL OR col = …)` keeps one
    // statement for every combination (the CAST tells PostgreSQL the parameter's type).
    macro_rules! filtered {
        () => {
            " WHERE (CAST($1 AS TEXT) IS NULL OR actor = $1) \
         AND (CAST($2 AS TEXT) IS NULL OR target_type = $2) \
         AND (CAST($3 AS TEXT) IS NULL OR target_id = $3) \
         AND (CAST($4 AS TEXT) IS NULL OR action = $4) AND (CAST($5 AS TEXT) IS NULL OR at >= $5)"
        };
    }
    const COUNT: &str = concat!("SELECT COUNT(*) FROM audit_log", filtered!());
    const SELECT: &str = concat!(
        "SELECT id, at, actor, actor_type, action, target_type, target_id, target_name, \
         client_addr, request_id, outcome, changes FROM audit_log",
        filtered!(),
        " ORDER BY id DESC LIMIT $6 OFFSET $7"
    );
    let total: i64 = on_db!(db, |pool, pg| sqlx::query_scalar(COUNT)
        .bind(&q.actor)
        .bind(&q.target_type)
        .bind(&q.target_id)
        .bind(&q.action)
        .bind(&q.since)
        .fetch_one(pool)
        .await)?;
    let offset = i64::from(q.page.saturating_sub(1)) * i64::from(q.page_size);
    let results = on_db!(db, |pool, pg| sqlx::query(SELECT)
        .bind(&q.actor)
        .bind(&q.target_type)
        .bind(&q.target_id)
        .bind(&q.action)
        .bind(&q.since)
        .bind(i64::from(q.page_size))
        .bind(offset)
        .try_map(|row| from_row(&row))
        .fetch_all(pool)
        .await)?;
    Ok(Page {
        results,
        total_count: count(total),
    })
}

fn from_row(row: &impl Cols) -> Result<AuditEntry, sqlx::Error> {
    Ok(AuditEntry {
        id: row.int("id")?,
        at: row.text("at")?,
        actor: row.text("actor")?,
        actor_type: row.wire("actor_type")?,
        action: row.text("action")?,
        target_type: row.text("target_type")?,
        target_id: row.text("target_id")?,
        target_name: row.text("target_name")?,
        client_addr: row.text("client_addr")?,
        request_id: row.text("request_id")?,
        outcome: row.text("outcome")?,
        changes: row.json("changes")?,
    })
}
