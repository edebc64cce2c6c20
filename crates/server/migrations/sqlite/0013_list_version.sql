-- The version of what the webhook list shows (src/db/list_cache.rs): one counter, raised in the
-- same transaction as every change to a webhook row, its event types or its tags, so a page
-- computed while the counter read N stays right for as long as it still reads N. Triggers, not
-- the Rust writers, raise it, so no writer (now or later, or a hand-written UPDATE) can forget.
CREATE TABLE webhook_list_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO webhook_list_version (id, version) VALUES (1, 0);

CREATE TRIGGER webhooks_list_version_insert AFTER INSERT ON webhooks
BEGIN UPDATE webhook_list_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER webhooks_list_version_update AFTER UPDATE ON webhooks
BEGIN UPDATE webhook_list_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER webhooks_list_version_delete AFTER DELETE ON webhooks
BEGIN UPDATE webhook_list_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER webhook_event_types_list_version_insert AFTER INSERT ON webhook_event_types
BEGIN UPDATE webhook_list_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER webhook_event_types_list_version_update AFTER UPDATE ON webhook_event_types
BEGIN UPDATE webhook_list_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER webhook_event_types_list_version_delete AFTER DELETE ON webhook_event_types
BEGIN UPDATE webhook_list_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER webhook_tags_list_version_insert AFTER INSERT ON webhook_tags
BEGIN UPDATE webhook_list_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER webhook_tags_list_version_update AFTER UPDATE ON webhook_tags
BEGIN UPDATE webhook_list_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER webhook_tags_list_version_delete AFTER DELETE ON webhook_tags
BEGIN UPDATE webhook_list_version SET version = version + 1 WHERE id = 1; END;
