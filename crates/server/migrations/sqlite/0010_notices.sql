-- Notices about a webhook that stay until acknowledged (issue 11: auto-disable).
CREATE TABLE webhook_notices (
    id              TEXT PRIMARY KEY,
    webhook_id      TEXT NOT NULL REFERENCES webhooks (id),
    kind            TEXT NOT NULL,
    message         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by TEXT
);
CREATE INDEX webhook_notices_by_webhook ON webhook_notices (webhook_id, created_at);
CREATE INDEX webhook_notices_open ON webhook_notices (created_at) WHERE acknowledged_at IS NULL;
