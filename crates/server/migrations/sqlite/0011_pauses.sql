-- Paused webhooks (issue 11): the worker claims nothing of a paused webhook; a resume spreads the
-- held deliveries out at `resume_rate` per second, and `next_slot` keeps new ones behind them.
CREATE TABLE webhook_pauses (
    webhook_id  TEXT PRIMARY KEY REFERENCES webhooks (id),
    paused      BOOLEAN NOT NULL,
    paused_at   TEXT,
    paused_by   TEXT,
    resume_rate INTEGER NOT NULL,
    next_slot   TEXT
);
