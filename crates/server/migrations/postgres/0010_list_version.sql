-- The version of what the webhook list shows (src/db/list_cache.rs): one counter, raised in the
-- same transaction as every change to a webhook row, its event types or its tags, so a page
-- computed while the counter read N stays right for as long as it still reads N (the counter's
-- row lock orders the raises, so N names one set of committed changes). Triggers, not the Rust
-- writers, raise it, so no writer can forget. They are deferred to the commit: the counter's
-- lock is then the last one a transaction takes and is held only while it commits, so it cannot
-- close a deadlock with the row locks of webhooks that transactions take in their own orders.
CREATE TABLE webhook_list_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO webhook_list_version (id, version) VALUES (1, 0);

CREATE FUNCTION webhook_list_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE webhook_list_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER webhooks_list_version AFTER INSERT OR UPDATE OR DELETE ON webhooks
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION webhook_list_changed();
CREATE CONSTRAINT TRIGGER webhook_event_types_list_version AFTER INSERT OR UPDATE OR DELETE ON webhook_event_types
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION webhook_list_changed();
CREATE CONSTRAINT TRIGGER webhook_tags_list_version AFTER INSERT OR UPDATE OR DELETE ON webhook_tags
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION webhook_list_changed();
