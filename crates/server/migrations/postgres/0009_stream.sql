-- The live view's journal (issue 11): one row per event accepted, delivery queued and attempt
-- made, in commit order (`seq`: writers take a transaction lock first), read by every
-- instance's `GET /stream` and replayed after `Last-Event-ID`. No bodies, no secrets. Pruned
-- after an hour.
CREATE TABLE stream_log (
    seq        BIGSERIAL PRIMARY KEY,
    at         TEXT COLLATE "C" NOT NULL,
    kind       TEXT COLLATE "C" NOT NULL,
    webhook_id TEXT COLLATE "C",
    topic      TEXT COLLATE "C",
    data       TEXT NOT NULL
);
CREATE INDEX stream_log_at ON stream_log (at);
