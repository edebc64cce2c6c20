-- The PostgreSQL schema: the same tables, columns and meaning as migrations/sqlite/0001-0004
-- (read those for what each column holds), written for PostgreSQL 13+.
--
-- Conventions shared with SQLite, so both backends give the same answers (src/db/mod.rs):
-- * times are RFC 3339 UTC text with milliseconds, compared and sorted as text;
-- * JSON is text written and read by the server (key order kept as written);
-- * text columns use the "C" collation: sorting is byte order, as SQLite's BINARY, and lower()
--   folds ASCII only, as SQLite's does, whatever the database's default locale;
-- * integers are BIGINT (the server reads every integer as 64-bit).

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE webhooks (
    id              TEXT COLLATE "C" PRIMARY KEY,
    name            TEXT COLLATE "C" NOT NULL,
    name_key        TEXT COLLATE "C" NOT NULL,
    description     TEXT COLLATE "C" NOT NULL DEFAULT '',
    type            TEXT COLLATE "C" NOT NULL,
    url             TEXT COLLATE "C" NOT NULL,
    language        TEXT COLLATE "C" NOT NULL,
    auth            TEXT NOT NULL,
    headers         TEXT NOT NULL,
    event_types     TEXT NOT NULL,
    enabled         BOOLEAN NOT NULL,
    status          TEXT COLLATE "C" NOT NULL,
    failure_details TEXT NOT NULL,
    batch_size      BIGINT NOT NULL,
    timeout         BIGINT NOT NULL,
    tags            TEXT NOT NULL,
    version         BIGINT NOT NULL,
    created_at      TEXT COLLATE "C" NOT NULL,
    updated_at      TEXT COLLATE "C" NOT NULL,
    updated_by      TEXT NOT NULL,
    deleted_at      TEXT COLLATE "C",
    format          TEXT NOT NULL DEFAULT 'generic',
    use_template    BOOLEAN NOT NULL DEFAULT TRUE,
    msg_key         TEXT NOT NULL DEFAULT 'Msg',
    body            TEXT NOT NULL DEFAULT '{}',
    previous_secret TEXT,
    previous_secret_expires_at TEXT COLLATE "C"
);

CREATE UNIQUE INDEX webhooks_name_live ON webhooks (name_key) WHERE deleted_at IS NULL;

-- The list's sorts (ties broken by id) and the default sort combined with each filter.
CREATE INDEX webhooks_created_live ON webhooks (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX webhooks_updated_live ON webhooks (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX webhooks_name_sort_live ON webhooks (name_key, id) WHERE deleted_at IS NULL;
CREATE INDEX webhooks_status_live  ON webhooks (status, id) WHERE deleted_at IS NULL;
CREATE INDEX webhooks_type_live    ON webhooks (type, id) WHERE deleted_at IS NULL;
CREATE INDEX webhooks_type_created_live    ON webhooks (type, created_at, id)    WHERE deleted_at IS NULL;
CREATE INDEX webhooks_status_created_live  ON webhooks (status, created_at, id)  WHERE deleted_at IS NULL;
CREATE INDEX webhooks_enabled_created_live ON webhooks (enabled, created_at, id) WHERE deleted_at IS NULL;

-- The search, `name_key LIKE p OR lower(url) LIKE p OR lower(description) LIKE p` (the same
-- expression as on SQLite), answered by trigram indexes on exactly those expressions.
CREATE INDEX webhooks_search_name ON webhooks USING gin (name_key gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX webhooks_search_url ON webhooks USING gin (lower(url) gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX webhooks_search_description ON webhooks USING gin (lower(description) gin_trgm_ops) WHERE deleted_at IS NULL;

CREATE TABLE webhook_event_types (
    webhook_id TEXT COLLATE "C" NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_type TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (webhook_id, event_type)
);

CREATE INDEX webhook_event_types_by_type ON webhook_event_types (event_type, webhook_id);

CREATE TABLE events (
    id               TEXT COLLATE "C" PRIMARY KEY,
    type             TEXT COLLATE "C" NOT NULL,
    action           TEXT NOT NULL,
    resource_type    TEXT COLLATE "C" NOT NULL,
    resource_id      TEXT NOT NULL,
    resource_details TEXT NOT NULL,
    result           TEXT COLLATE "C" NOT NULL,
    severity         TEXT COLLATE "C" NOT NULL,
    occurred_at      TEXT COLLATE "C" NOT NULL,
    source           TEXT,
    received_at      TEXT COLLATE "C" NOT NULL
);

CREATE INDEX events_received ON events (received_at, id);
CREATE INDEX events_type_received ON events (type, received_at);

-- The outbox. A claim sets claimed_at and moves next_attempt_at to the end of the lease: an
-- instance that dies holding it lets it lapse, and another instance takes the delivery.
CREATE TABLE deliveries (
    id              TEXT COLLATE "C" PRIMARY KEY,
    webhook_id      TEXT COLLATE "C" NOT NULL REFERENCES webhooks (id),
    kind            TEXT NOT NULL,
    event_ids       TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    status          TEXT COLLATE "C" NOT NULL,
    attempt_count   BIGINT NOT NULL DEFAULT 0,
    cycle_attempts  BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT COLLATE "C",
    claimed_at      TEXT COLLATE "C",
    created_at      TEXT COLLATE "C" NOT NULL,
    updated_at      TEXT COLLATE "C" NOT NULL,
    rule            TEXT NOT NULL DEFAULT 'webhook'
);

CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX deliveries_by_webhook ON deliveries (webhook_id, created_at);

CREATE TABLE attempts (
    delivery_id TEXT COLLATE "C" NOT NULL REFERENCES deliveries (id),
    number      BIGINT NOT NULL,
    webhook_id  TEXT COLLATE "C" NOT NULL,
    started_at  TEXT COLLATE "C" NOT NULL,
    duration_ms BIGINT NOT NULL,
    ok          BOOLEAN NOT NULL,
    request     TEXT NOT NULL,
    response    TEXT,
    error       TEXT,
    PRIMARY KEY (delivery_id, number)
);

CREATE INDEX attempts_by_webhook ON attempts (webhook_id, started_at);

CREATE TABLE subscriptions (
    topic_id       TEXT COLLATE "C" PRIMARY KEY,
    enabled        BOOLEAN NOT NULL,
    event_types    TEXT,
    resource_types TEXT,
    severities     TEXT,
    version        BIGINT NOT NULL,
    updated_at     TEXT COLLATE "C",
    updated_by     TEXT
);

CREATE TABLE subscription_receivers (
    topic_id   TEXT COLLATE "C" NOT NULL REFERENCES subscriptions (topic_id),
    webhook_id TEXT COLLATE "C" NOT NULL REFERENCES webhooks (id),
    added_at   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (topic_id, webhook_id)
);

CREATE INDEX subscription_receivers_by_webhook ON subscription_receivers (webhook_id);

CREATE TABLE delivery_events (
    event_id    TEXT COLLATE "C" NOT NULL REFERENCES events (id),
    delivery_id TEXT COLLATE "C" NOT NULL REFERENCES deliveries (id),
    PRIMARY KEY (event_id, delivery_id)
);
