-- Paused webhooks (issue 11): the worker claims nothing of a paused webhook; a resume spreads the
-- held deliveries out at `resume_rate` per second, and `next_slot` keeps new ones behind them.
CREATE TABLE webhook_pauses (
    webhook_id  TEXT COLLATE "C" PRIMARY KEY REFERENCES webhooks (id),
    paused      BOOLEAN NOT NULL,
    paused_at   TEXT COLLATE "C",
    paused_by   TEXT COLLATE "C",
    resume_rate BIGINT NOT NULL,
    next_slot   TEXT COLLATE "C"
);
