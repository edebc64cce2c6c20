-- Every instance keeps what it found in the database and forgets it when told that it changed,
-- so the commonest reads need no round trip here: the sessions and API tokens it found live
-- (src/db/auth_cache.rs), and whether the webhook list's version has moved since it last read it
-- (src/db/list_cache.rs). Changes announce themselves on a channel, delivered to every
-- instance at commit (`LISTEN` in src/db/postgres.rs). Triggers, not the Rust writers, announce
-- them, so no writer (another instance, `webhook-server reset-password`, retention) can forget.
-- PostgreSQL folds the notices of one transaction on one channel with one payload into one.

-- Users, sessions, tokens: `webhook_auth`. A user row is kept whole with each session (the
-- console shows its name and last sign-in), so any change of it is announced; of sessions and
-- tokens, what can end or narrow access (not a new one, not a touch of its last use).
CREATE FUNCTION webhook_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('webhook_auth', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER users_auth_changed AFTER UPDATE OR DELETE ON users FOR EACH ROW
    EXECUTE FUNCTION webhook_auth_changed();
CREATE TRIGGER sessions_auth_deleted AFTER DELETE ON sessions FOR EACH ROW
    EXECUTE FUNCTION webhook_auth_changed();
CREATE TRIGGER api_tokens_auth_changed AFTER UPDATE ON api_tokens FOR EACH ROW
    WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.role IS DISTINCT FROM NEW.role
          OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
          OR OLD.token_hash IS DISTINCT FROM NEW.token_hash
          OR OLD.creator_id IS DISTINCT FROM NEW.creator_id)
    EXECUTE FUNCTION webhook_auth_changed();
CREATE TRIGGER api_tokens_auth_deleted AFTER DELETE ON api_tokens FOR EACH ROW
    EXECUTE FUNCTION webhook_auth_changed();

-- The webhook list's version (migration 0010): `webhook_list`, from the trigger that raises it.
CREATE OR REPLACE FUNCTION webhook_list_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE webhook_list_version SET version = version + 1 WHERE id = 1;
    PERFORM pg_notify('webhook_list', '');
    RETURN NULL;
END
$$;
