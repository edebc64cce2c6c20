-- The live view's journal (issue 11): one row per event accepted, delivery queued and attempt
-- made, in commit order (`seq`), read by every instance's `GET /stream` and replayed after
-- `Last-Event-ID`. No bodies, no secrets. Pruned after an hour.
CREATE TABLE stream_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL,
    webhook_id TEXT,
    topic      TEXT,
    data       TEXT NOT NULL
);
CREATE INDEX stream_log_at ON stream_log (at);
