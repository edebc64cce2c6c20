-- Issue 10: a webhook's project (seed 001's project scoping), and its tags as rows, for the
-- list's `?project_id=` and `?tag=KEY:VALUE` filters (src/db/webhook_list.rs).
--
-- The project is one column ('' for none) with the default sort's index per filter, as type,
-- status and enabled have (migration 0003): a page of one project's webhooks, newest first,
-- reads only its own index entries. Tags stay a JSON object in `tags` (what the API returns);
-- webhook_tags holds them once more as rows, written in the transaction of every insert and
-- update that writes `tags` (src/db/webhooks.rs), so a tag filter starts from its index the way
-- an event-type filter starts from webhook_event_types.

ALTER TABLE webhooks ADD COLUMN project_id TEXT NOT NULL DEFAULT '';

CREATE INDEX webhooks_project_created_live ON webhooks (project_id, created_at, id) WHERE deleted_at IS NULL;

CREATE TABLE webhook_tags (
    webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (webhook_id, key)
);

CREATE INDEX webhook_tags_by_tag ON webhook_tags (key, value, webhook_id);

INSERT INTO webhook_tags (webhook_id, key, value)
SELECT w.id, t.key, t.value FROM webhooks w, json_each(w.tags) t;
