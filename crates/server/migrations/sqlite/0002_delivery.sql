-- Delivery: payload options and secret rotation on webhooks; events, deliveries (the outbox the
-- worker reads) and every attempt. Same conventions as 0001: RFC 3339 UTC text times, JSON text.

ALTER TABLE webhooks ADD COLUMN format TEXT NOT NULL DEFAULT 'generic';   -- generic | slack | …
ALTER TABLE webhooks ADD COLUMN use_template BOOLEAN NOT NULL DEFAULT 1;
ALTER TABLE webhooks ADD COLUMN msg_key TEXT NOT NULL DEFAULT 'Msg';
ALTER TABLE webhooks ADD COLUMN body TEXT NOT NULL DEFAULT '{}';          -- JSON object
-- The signing secret a rotation replaced; it still signs (a second signature) until the time.
ALTER TABLE webhooks ADD COLUMN previous_secret TEXT;
ALTER TABLE webhooks ADD COLUMN previous_secret_expires_at TEXT;

CREATE TABLE events (
    id               TEXT PRIMARY KEY,         -- UUID v7
    type             TEXT NOT NULL,            -- catalog key
    action           TEXT NOT NULL,
    resource_type    TEXT NOT NULL,
    resource_id      TEXT NOT NULL,
    resource_details TEXT NOT NULL,            -- JSON object
    result           TEXT NOT NULL,            -- succeed | failed
    severity         TEXT NOT NULL,            -- info | warning | critical
    occurred_at      TEXT NOT NULL,
    source           TEXT,
    received_at      TEXT NOT NULL
);

-- One message to one webhook. Written in the transaction that accepts its events, so an accepted
-- event always has its deliveries; the worker claims due rows from here.
CREATE TABLE deliveries (
    id              TEXT PRIMARY KEY,          -- UUID v7
    webhook_id      TEXT NOT NULL REFERENCES webhooks (id),
    kind            TEXT NOT NULL,             -- event | validate
    event_ids       TEXT NOT NULL,             -- JSON array, in order
    message_id      TEXT NOT NULL,             -- webhook-id header, the same on every attempt
    status          TEXT NOT NULL,             -- pending | retrying | succeeded | failed
    attempt_count   INTEGER NOT NULL DEFAULT 0, -- all attempts, across redeliveries
    cycle_attempts  INTEGER NOT NULL DEFAULT 0, -- attempts since the last (re)delivery began
    next_attempt_at TEXT,                      -- due time while pending or retrying
    -- Set while a worker sends it; a row still claimed at start-up was cut off by a crash.
    claimed_at      TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX deliveries_by_webhook ON deliveries (webhook_id, created_at);

CREATE TABLE attempts (
    delivery_id TEXT NOT NULL REFERENCES deliveries (id),
    number      INTEGER NOT NULL,
    webhook_id  TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    ok          BOOLEAN NOT NULL,
    request     TEXT NOT NULL,                 -- JSON SentRequest, secrets masked
    response    TEXT,                          -- JSON ReceivedResponse, body capped
    error       TEXT,                          -- JSON DeliveryFailure
    PRIMARY KEY (delivery_id, number)
);

-- The success-rate chart: a webhook's attempts of the last 24 hours.
CREATE INDEX attempts_by_webhook ON attempts (webhook_id, started_at);
