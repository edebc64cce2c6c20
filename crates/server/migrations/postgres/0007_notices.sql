-- Notices about a webhook that stay until acknowledged (issue 11: auto-disable).
CREATE TABLE webhook_notices (
    id              TEXT COLLATE "C" PRIMARY KEY,
    webhook_id      TEXT COLLATE "C" NOT NULL REFERENCES webhooks (id),
    kind            TEXT COLLATE "C" NOT NULL,
    message         TEXT COLLATE "C" NOT NULL,
    created_at      TEXT COLLATE "C" NOT NULL,
    acknowledged_at TEXT COLLATE "C",
    acknowledged_by TEXT COLLATE "C"
);
CREATE INDEX webhook_notices_by_webhook ON webhook_notices (webhook_id, created_at);
CREATE INDEX webhook_notices_open ON webhook_notices (created_at) WHERE acknowledged_at IS NULL;
