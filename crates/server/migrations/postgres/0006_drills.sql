-- Fire drills (issue 11): a webhook's schedule of test messages, and the drills that ran (the
-- last 100 per webhook). `next_run_at` moves forward in the transaction that takes a drill, so
-- with several instances each scheduled drill runs once.
CREATE TABLE drills (
    webhook_id  TEXT COLLATE "C" PRIMARY KEY REFERENCES webhooks (id),
    enabled     BOOLEAN NOT NULL,
    frequency   TEXT COLLATE "C" NOT NULL,
    weekday     TEXT COLLATE "C",
    at_time     TEXT COLLATE "C" NOT NULL,
    next_run_at TEXT COLLATE "C",
    updated_at  TEXT COLLATE "C" NOT NULL,
    updated_by  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX drills_due ON drills (next_run_at) WHERE enabled;

CREATE TABLE drill_runs (
    id            TEXT COLLATE "C" PRIMARY KEY,
    webhook_id    TEXT COLLATE "C" NOT NULL,
    scheduled_for TEXT COLLATE "C",
    started_at    TEXT COLLATE "C" NOT NULL,
    ok            BOOLEAN NOT NULL,
    status_code   BIGINT,
    duration_ms   BIGINT NOT NULL,
    error         TEXT COLLATE "C",
    event_id      TEXT COLLATE "C"
);
CREATE INDEX drill_runs_by_webhook ON drill_runs (webhook_id, started_at, id);
