-- The webhook list (GET /api/v1/webhooks, src/db/webhooks.rs::list) at 10,000-100,000 webhooks:
-- indexes for the sorts combined with the filters, a covering index for counts, and a trigram
-- index for the search. Figures: bench/README.md (list-latency).
--
-- What was chosen, and what was not. Every index below is written on each insert and on each
-- update of its columns, so the set is kept small:
--
-- * Sort + filter. Only the default sort (-created_at, the first screen) gets an index per
--   filter: (type | status | enabled, created_at, id). A page then reads exactly offset + limit
--   index entries whatever the filter's selectivity and however the matches are spread in time.
--   For the other sorts (name, updated_at, status, type) the existing one-column sort indexes
--   serve: list() walks the sort index, checking filters row by row, when the count says matches
--   are dense enough for that to stop early, and otherwise lets SQLite start from the most
--   selective index and sort the (few) matches. Per-filter indexes for every sort would be
--   3 x 4 more indexes for a smaller gain.
-- * Counts driven by an event type or a search probe webhooks by id: webhooks_live_by_id makes
--   those probes index-only for the type and enabled filters. `status` is left out on purpose:
--   the delivery worker rewrites it after every attempt (db/webhook_state.rs::set_health), and
--   every index holding it is rewritten with it. `deleted_at` is in the index (always NULL,
--   0 bytes) only so SQLite sees the index as covering; it does not infer that from the
--   partial index's WHERE clause.
-- * Search: a contentless FTS5 trigram index (contentless_delete, SQLite >= 3.43; the bundled
--   SQLite is 3.51) over exactly the strings the LIKE search compares (see below), kept in sync
--   by triggers, so every writer (db/webhooks.rs, db/webhook_state.rs, anything later) keeps it
--   right. Searches shorter than three characters, which a trigram index cannot answer, keep
--   using LIKE.

CREATE INDEX webhooks_type_created_live    ON webhooks (type, created_at, id)    WHERE deleted_at IS NULL;
CREATE INDEX webhooks_status_created_live  ON webhooks (status, created_at, id)  WHERE deleted_at IS NULL;
CREATE INDEX webhooks_enabled_created_live ON webhooks (enabled, created_at, id) WHERE deleted_at IS NULL;

CREATE INDEX webhooks_live_by_id ON webhooks (id, type, enabled, deleted_at) WHERE deleted_at IS NULL;

-- The FTS rowid of each webhook. webhooks has a TEXT primary key, so its own rowid may change
-- on VACUUM (or a dump and restore) and cannot key the FTS index; this INTEGER PRIMARY KEY
-- cannot. One row per webhook, live or deleted (ids are never changed nor reused).
CREATE TABLE webhook_search_keys (
    n          INTEGER PRIMARY KEY,
    webhook_id TEXT NOT NULL UNIQUE
);

-- The list's search is, for a lower-cased search text P (Rust's Unicode to_lowercase):
--     name_key LIKE '%P%' OR lower(url) LIKE '%P%' OR lower(description) LIKE '%P%'
-- with P's % _ \ escaped. name_key is already lower-cased in Rust; lower() lower-cases ASCII
-- only, and LIKE folds ASCII case only, so none of the three strings nor P holds an ASCII
-- capital and the match is a plain substring test. Indexing those same strings with a
-- case-sensitive trigram tokenizer makes the phrase query "P" (P of three characters or more)
-- match exactly the same rows: the default, case-insensitive tokenizer would fold non-ASCII
-- case too ('Ü' in a description would match 'ü') and change results. LIKE stops at a NUL
-- character while the tokenizer skips it, so each string is indexed up to its first NUL
-- (the API refuses control characters; this is for rows written some other way).
-- webhook_search_text computes those strings; the triggers and the backfill read it.
CREATE VIRTUAL TABLE webhook_search USING fts5 (
    name_key, url, description,
    content = '', contentless_delete = 1, tokenize = 'trigram case_sensitive 1'
);

CREATE VIEW webhook_search_text AS
SELECT k.n, w.id AS webhook_id, w.deleted_at,
       substr(w.name_key, 1, instr(w.name_key || char(0), char(0)) - 1) AS name_key,
       substr(lower(w.url), 1, instr(lower(w.url) || char(0), char(0)) - 1) AS url,
       substr(lower(w.description), 1, instr(lower(w.description) || char(0), char(0)) - 1) AS description
FROM webhooks w JOIN webhook_search_keys k ON k.webhook_id = w.id;

CREATE TRIGGER webhooks_search_insert AFTER INSERT ON webhooks
BEGIN
    INSERT INTO webhook_search_keys (webhook_id) VALUES (new.id);
    INSERT INTO webhook_search (rowid, name_key, url, description)
    SELECT n, name_key, url, description FROM webhook_search_text
    WHERE webhook_id = new.id AND deleted_at IS NULL;
END;

-- Only when a searched text or liveness really changes: status, version and updated_at writes
-- leave the index alone. A live row's entry is removed, and a row live afterwards is indexed
-- again under the same rowid.
CREATE TRIGGER webhooks_search_update AFTER UPDATE OF name_key, url, description, deleted_at ON webhooks
WHEN old.name_key IS NOT new.name_key OR old.url IS NOT new.url
  OR old.description IS NOT new.description OR (old.deleted_at IS NULL) <> (new.deleted_at IS NULL)
BEGIN
    DELETE FROM webhook_search
    WHERE old.deleted_at IS NULL
      AND rowid = (SELECT n FROM webhook_search_keys WHERE webhook_id = old.id);
    INSERT INTO webhook_search (rowid, name_key, url, description)
    SELECT n, name_key, url, description FROM webhook_search_text
    WHERE webhook_id = new.id AND deleted_at IS NULL;
END;

CREATE TRIGGER webhooks_search_delete AFTER DELETE ON webhooks
BEGIN
    DELETE FROM webhook_search
    WHERE old.deleted_at IS NULL
      AND rowid = (SELECT n FROM webhook_search_keys WHERE webhook_id = old.id);
    DELETE FROM webhook_search_keys WHERE webhook_id = old.id;
END;

-- Existing webhooks, oldest first.
INSERT INTO webhook_search_keys (webhook_id) SELECT id FROM webhooks ORDER BY created_at, id;
INSERT INTO webhook_search (rowid, name_key, url, description)
SELECT n, name_key, url, description FROM webhook_search_text WHERE deleted_at IS NULL;
