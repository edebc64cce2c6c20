-- Fire drills (issue 11): a webhook's schedule of test messages, and the drills that ran (the
-- last 100 per webhook). `next_run_at` moves forward in the transaction that takes a drill, so
-- with several instances each scheduled drill runs once.
CREATE TABLE drills (
    webhook_id  TEXT PRIMARY KEY REFERENCES webhooks (id),
    enabled     BOOLEAN NOT NULL,
    frequency   TEXT NOT NULL,
    weekday     TEXT,
    at_time     TEXT NOT NULL,
    next_run_at TEXT,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL
);
CREATE INDEX drills_due ON drills (next_run_at) WHERE enabled;

CREATE TABLE drill_runs (
    id            TEXT PRIMARY KEY,
    webhook_id    TEXT NOT NULL,
    scheduled_for TEXT,
    started_at    TEXT NOT NULL,
    ok            BOOLEAN NOT NULL,
    status_code   INTEGER,
    duration_ms   INTEGER NOT NULL,
    error         TEXT,
    event_id      TEXT
);
CREATE INDEX drill_runs_by_webhook ON drill_runs (webhook_id, started_at, id);
