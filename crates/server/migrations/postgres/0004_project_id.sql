-- Issue 10: a webhook's project and its tags as rows, as migrations/sqlite/0007 (read that for
-- why), for the list's `?project_id=` and `?tag=KEY:VALUE` filters.

ALTER TABLE webhooks ADD COLUMN project_id TEXT COLLATE "C" NOT NULL DEFAULT '';

CREATE INDEX webhooks_project_created_live ON webhooks (project_id, created_at, id) WHERE deleted_at IS NULL;

CREATE TABLE webhook_tags (
    webhook_id TEXT COLLATE "C" NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    key        TEXT COLLATE "C" NOT NULL,
    value      TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (webhook_id, key)
);

CREATE INDEX webhook_tags_by_tag ON webhook_tags (key, value, webhook_id);

INSERT INTO webhook_tags (webhook_id, key, value)
SELECT w.id, t.key, t.value FROM webhooks w, jsonb_each_text(w.tags::jsonb) t;
