-- Inbound webhooks (issue 10): URLs monitoring systems post alerts to, the requests they
-- received (the last 100 each), and per alert key what was last routed (the dedup window).
-- The access key is stored sealed (db/cipher.rs) and, for the lookup, as its hex SHA-256.

CREATE TABLE inbound_webhooks (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    -- lower(name): names are unique case-insensitively.
    name_key         TEXT NOT NULL UNIQUE,
    state            TEXT NOT NULL,
    access_key       TEXT NOT NULL,
    access_key_hash  TEXT NOT NULL,
    plugin_id        TEXT NOT NULL,
    plugin_version   TEXT NOT NULL,
    plugin_options   TEXT NOT NULL,
    plugin_metadata  TEXT NOT NULL,
    upgrade_mode     TEXT NOT NULL,
    tags             TEXT NOT NULL,
    project_id       TEXT NOT NULL DEFAULT '',
    requests_total   INTEGER NOT NULL DEFAULT 0,
    requests_error   INTEGER NOT NULL DEFAULT 0,
    last_received_at TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

CREATE TABLE inbound_requests (
    id             TEXT PRIMARY KEY,
    webhook_id     TEXT NOT NULL REFERENCES inbound_webhooks (id) ON DELETE CASCADE,
    received_at    TEXT NOT NULL,
    client_addr    TEXT NOT NULL,
    headers        TEXT NOT NULL,
    body           TEXT NOT NULL,
    body_size      INTEGER NOT NULL,
    body_truncated INTEGER NOT NULL,
    status         INTEGER NOT NULL,
    outcome        TEXT NOT NULL,
    error          TEXT,
    alerts         TEXT NOT NULL,
    event_ids      TEXT NOT NULL,
    sample         INTEGER NOT NULL
);
CREATE INDEX inbound_requests_by_webhook ON inbound_requests (webhook_id, received_at, id);

-- The last event routed per alert key: a firing repeat within the window is not routed again.
CREATE TABLE inbound_alerts (
    webhook_id TEXT NOT NULL REFERENCES inbound_webhooks (id) ON DELETE CASCADE,
    event_key  TEXT NOT NULL,
    event_type TEXT NOT NULL,
    event_id   TEXT NOT NULL,
    routed_at  TEXT NOT NULL,
    PRIMARY KEY (webhook_id, event_key)
);
