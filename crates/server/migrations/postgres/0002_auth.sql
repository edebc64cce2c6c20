-- Access control: the same tables as migrations/sqlite/0005_auth.sql (read it for what each
-- column holds), with the conventions of 0001_schema.sql.

CREATE TABLE users (
    id              TEXT COLLATE "C" PRIMARY KEY,
    username        TEXT COLLATE "C" NOT NULL,
    username_key    TEXT COLLATE "C" NOT NULL UNIQUE,
    display_name    TEXT COLLATE "C" NOT NULL DEFAULT '',
    role            TEXT COLLATE "C" NOT NULL,
    password_hash   TEXT NOT NULL,
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TEXT COLLATE "C" NOT NULL,
    last_sign_in_at TEXT COLLATE "C"
);

CREATE TABLE sessions (
    token_hash   TEXT COLLATE "C" PRIMARY KEY,
    user_id      TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    created_at   TEXT COLLATE "C" NOT NULL,
    last_seen_at TEXT COLLATE "C" NOT NULL,
    expires_at   TEXT COLLATE "C" NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE sign_in_failures (
    key TEXT COLLATE "C" NOT NULL,
    at  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX sign_in_failures_by_key ON sign_in_failures (key, at);

CREATE TABLE api_tokens (
    id           TEXT COLLATE "C" PRIMARY KEY,
    name         TEXT COLLATE "C" NOT NULL,
    role         TEXT COLLATE "C" NOT NULL,
    prefix       TEXT COLLATE "C" NOT NULL,
    token_hash   TEXT COLLATE "C" NOT NULL UNIQUE,
    created_by   TEXT COLLATE "C" NOT NULL,
    creator_id   TEXT COLLATE "C" NOT NULL,
    created_at   TEXT COLLATE "C" NOT NULL,
    last_used_at TEXT COLLATE "C",
    expires_at   TEXT COLLATE "C",
    revoked_at   TEXT COLLATE "C"
);

CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    at          TEXT COLLATE "C" NOT NULL,
    actor       TEXT COLLATE "C" NOT NULL,
    actor_type  TEXT COLLATE "C" NOT NULL,
    action      TEXT COLLATE "C" NOT NULL,
    target_type TEXT COLLATE "C" NOT NULL,
    target_id   TEXT COLLATE "C" NOT NULL,
    target_name TEXT COLLATE "C" NOT NULL,
    client_addr TEXT COLLATE "C" NOT NULL,
    request_id  TEXT COLLATE "C" NOT NULL,
    outcome     TEXT COLLATE "C" NOT NULL,
    changes     TEXT NOT NULL
);
CREATE INDEX audit_by_target ON audit_log (target_type, target_id, id);
CREATE INDEX audit_by_actor ON audit_log (actor, id);
CREATE INDEX audit_by_at ON audit_log (at);

CREATE TABLE webhook_versions (
    webhook_id TEXT COLLATE "C" NOT NULL,
    version    BIGINT NOT NULL,
    action     TEXT COLLATE "C" NOT NULL,
    changed_at TEXT COLLATE "C" NOT NULL,
    changed_by TEXT COLLATE "C" NOT NULL,
    change     TEXT NOT NULL,
    PRIMARY KEY (webhook_id, version)
);

CREATE TABLE settings (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT NOT NULL
);
