-- vzconnect schema, version 6: widget sign-in (Matrix MSC1960) — minted credentials and the
-- widgets a user let know who they are.

CREATE TABLE widget_tokens (
    hash       TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    widget_id  TEXT,
    issued_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
) WITHOUT ROWID;
CREATE INDEX widget_tokens_user_widget ON widget_tokens(user_id, widget_id);

CREATE TABLE widget_grants (
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    widget_id    TEXT NOT NULL,
    url          TEXT,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, widget_id)
) WITHOUT ROWID;
