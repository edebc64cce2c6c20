-- Inbound webhooks (issue 10): URLs monitoring systems post alerts to, the requests they
-- received (the last 100 each), and per alert key what was last routed (the dedup window).
-- The access key is stored sealed (db/cipher.rs) and, for the lookup, as its hex SHA-256.

CREATE TABLE inbound_webhooks (
    id               TEXT COLLATE "C" PRIMARY KEY,
    name             TEXT COLLATE "C" NOT NULL,
    -- lower(name): names are unique case-insensitively.
    name_key         TEXT COLLATE "C" NOT NULL UNIQUE,
    state            TEXT COLLATE "C" NOT NULL,
    access_key       TEXT COLLATE "C" NOT NULL,
    access_key_hash  TEXT COLLATE "C" NOT NULL,
    plugin_id        TEXT COLLATE "C" NOT NULL,
    plugin_version   TEXT COLLATE "C" NOT NULL,
    plugin_options   TEXT COLLATE "C" NOT NULL,
    plugin_metadata  TEXT COLLATE "C" NOT NULL,
    upgrade_mode     TEXT COLLATE "C" NOT NULL,
    tags             TEXT COLLATE "C" NOT NULL,
    project_id       TEXT COLLATE "C" NOT NULL DEFAULT '',
    requests_total   BIGINT NOT NULL DEFAULT 0,
    requests_error   BIGINT NOT NULL DEFAULT 0,
    last_received_at TEXT COLLATE "C",
    created_at       TEXT COLLATE "C" NOT NULL,
    updated_at       TEXT COLLATE "C" NOT NULL
);

CREATE TABLE inbound_requests (
    id             TEXT COLLATE "C" PRIMARY KEY,
    webhook_id     TEXT COLLATE "C" NOT NULL REFERENCES inbound_webhooks (id) ON DELETE CASCADE,
    received_at    TEXT COLLATE "C" NOT NULL,
    client_addr    TEXT COLLATE "C" NOT NULL,
    headers        TEXT COLLATE "C" NOT NULL,
    body           TEXT COLLATE "C" NOT NULL,
    body_size      BIGINT NOT NULL,
    body_truncated BOOLEAN NOT NULL,
    status         BIGINT NOT NULL,
    outcome        TEXT COLLATE "C" NOT NULL,
    error          TEXT COLLATE "C",
    alerts         TEXT COLLATE "C" NOT NULL,
    event_ids      TEXT COLLATE "C" NOT NULL,
    sample         BOOLEAN NOT NULL
);
CREATE INDEX inbound_requests_by_webhook ON inbound_requests (webhook_id, received_at, id);

-- The last event routed per alert key: a firing repeat within the window is not routed again.
CREATE TABLE inbound_alerts (
    webhook_id TEXT COLLATE "C" NOT NULL REFERENCES inbound_webhooks (id) ON DELETE CASCADE,
    event_key  TEXT COLLATE "C" NOT NULL,
    event_type TEXT COLLATE "C" NOT NULL,
    event_id   TEXT COLLATE "C" NOT NULL,
    routed_at  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (webhook_id, event_key)
);
