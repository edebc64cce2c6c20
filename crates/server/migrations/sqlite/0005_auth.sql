-- Access control (issue 9): users and their sessions, failed sign-ins (the throttle, kept here so
-- it holds across instances), API tokens, the audit log and each webhook's versions.
-- Secrets are never stored: passwords as Argon2id PHC strings, session and API tokens as the
-- hex SHA-256 of the random value the client holds.

CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    username        TEXT NOT NULL,
    -- lower(username): usernames are unique case-insensitively.
    username_key    TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    disabled        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    last_sign_in_at TEXT
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    -- created_at + the absolute lifetime.
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- One row per failed sign-in and key: 'user:<username_key>' and 'addr:<client address>'.
CREATE TABLE sign_in_failures (
    key TEXT NOT NULL,
    at  TEXT NOT NULL
);
CREATE INDEX sign_in_failures_by_key ON sign_in_failures (key, at);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_by   TEXT NOT NULL,
    -- The creator's user id: a token is refused once its creator is disabled or demoted below it.
    creator_id   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    expires_at   TEXT,
    revoked_at   TEXT
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    actor_type  TEXT NOT NULL,
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    target_name TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    -- JSON array of {name, old_value, new_value}.
    changes     TEXT NOT NULL
);
CREATE INDEX audit_by_target ON audit_log (target_type, target_id, id);
CREATE INDEX audit_by_actor ON audit_log (actor, id);
CREATE INDEX audit_by_at ON audit_log (at);

-- Seed 003: every change of a webhook, field by field (secrets as "(changed)").
CREATE TABLE webhook_versions (
    webhook_id TEXT NOT NULL,
    version    INTEGER NOT NULL,
    action     TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    -- JSON: {fields_added, fields_updated, fields_deleted, previous_version}.
    change     TEXT NOT NULL,
    PRIMARY KEY (webhook_id, version)
);

-- Server-wide values, e.g. the check value of the key that seals receivers' secrets.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
