-- Webhooks and the event types each one subscribes to.
-- Times are RFC 3339 UTC text with milliseconds ('2026-11-23T18:16:36.123Z') so they sort as text.
-- JSON columns are text, written and read only by the server (src/db/webhooks.rs).

CREATE TABLE webhooks (
    id              TEXT PRIMARY KEY,          -- UUID v7: time-ordered, breaks sort ties stably
    name            TEXT NOT NULL,
    -- Lower-cased in Rust (Unicode-aware, the same for every backend) for uniqueness and sorting.
    name_key        TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    type            TEXT NOT NULL,             -- events | alarms
    url             TEXT NOT NULL,
    language        TEXT NOT NULL,             -- en | zh-CN
    auth            TEXT NOT NULL,             -- JSON, holds the real secrets
    headers         TEXT NOT NULL,             -- JSON object
    event_types     TEXT NOT NULL,             -- JSON array, in the order the user chose
    enabled         BOOLEAN NOT NULL,
    status          TEXT NOT NULL,             -- active | awaitingRetry | failed | retryLimitReached | disabled
    failure_details TEXT NOT NULL,             -- JSON object
    batch_size      INTEGER NOT NULL,
    timeout         INTEGER NOT NULL,
    tags            TEXT NOT NULL,             -- JSON object
    version         BIGINT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    deleted_at      TEXT                       -- soft delete: set once, the row stays for history
);

-- Names are unique among live webhooks only, so a deleted webhook's name can be used again.
CREATE UNIQUE INDEX webhooks_name_live ON webhooks (name_key) WHERE deleted_at IS NULL;

-- The list query: live rows, sorted by one of these, ties broken by id.
CREATE INDEX webhooks_created_live ON webhooks (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX webhooks_updated_live ON webhooks (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX webhooks_status_live  ON webhooks (status, id) WHERE deleted_at IS NULL;
CREATE INDEX webhooks_type_live    ON webhooks (type, id) WHERE deleted_at IS NULL;

-- One row per (webhook, event type), written in the same transaction as the webhook; answers
-- "which webhooks want this event type" for the list filter and for event routing.
CREATE TABLE webhook_event_types (
    webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    PRIMARY KEY (webhook_id, event_type)
);

CREATE INDEX webhook_event_types_by_type ON webhook_event_types (event_type, webhook_id);
