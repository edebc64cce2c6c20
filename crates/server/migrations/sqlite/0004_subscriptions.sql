-- Message subscriptions (seed 002): the state of each shipped topic, its receivers, which rule
-- routed each delivery, and an index from events to their deliveries for the events log.
-- Topics themselves are compiled in (webhook_api::topics); a topic without a row here is as
-- shipped: enabled, its default filter, no receivers. Writes create the row first.

CREATE TABLE subscriptions (
    topic_id       TEXT PRIMARY KEY,           -- webhook_api::topics id, e.g. resource.lifecycle
    enabled        BOOLEAN NOT NULL,
    -- The admin's filter; NULL keeps the shipped default of that part.
    event_types    TEXT,                       -- JSON array of catalog keys
    resource_types TEXT,                       -- JSON array; [] = any resource type
    severities     TEXT,                       -- JSON array of info | warning | critical
    version        BIGINT NOT NULL,            -- 1 as shipped; each change adds one
    updated_at     TEXT,                       -- NULL until the first change
    updated_by     TEXT
);

CREATE TABLE subscription_receivers (
    topic_id   TEXT NOT NULL REFERENCES subscriptions (topic_id),
    webhook_id TEXT NOT NULL REFERENCES webhooks (id),
    added_at   TEXT NOT NULL,
    PRIMARY KEY (topic_id, webhook_id)
);

-- Impact questions: which topics does this webhook receive.
CREATE INDEX subscription_receivers_by_webhook ON subscription_receivers (webhook_id);

-- `webhook` (the webhook's own event types) or `subscription:<topic id>`. Every delivery before
-- this migration was routed by the webhook's own filter.
ALTER TABLE deliveries ADD COLUMN rule TEXT NOT NULL DEFAULT 'webhook';

-- Event → the deliveries that carry it (deliveries.event_ids read the other way), written with
-- the deliveries.
CREATE TABLE delivery_events (
    event_id    TEXT NOT NULL REFERENCES events (id),
    delivery_id TEXT NOT NULL REFERENCES deliveries (id),
    PRIMARY KEY (event_id, delivery_id)
);

INSERT INTO delivery_events (event_id, delivery_id)
    SELECT j.value, d.id FROM deliveries d, json_each(d.event_ids) j WHERE d.kind = 'event';

-- The events log, newest first, and the impact counts over the last days.
CREATE INDEX events_received ON events (received_at, id);
CREATE INDEX events_type_received ON events (type, received_at);
