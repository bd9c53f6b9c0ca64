-- vzconnect schema, version 11: widget grants and credentials belong to the site that
-- minted them (the `widgets` scope), so a site sees and forgets only its own.

CREATE TABLE widget_grants_by_site (
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- NULL: recorded before sites were; only the person's account page shows these.
    client_id    TEXT REFERENCES clients(client_id) ON DELETE CASCADE,
    widget_id    TEXT NOT NULL,
    url          TEXT,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    UNIQUE (user_id, client_id, widget_id)
);
INSERT INTO widget_grants_by_site (user_id, client_id, widget_id, url, created_at, last_used_at)
    SELECT user_id, NULL, widget_id, url, created_at, last_used_at FROM widget_grants;
DROP TABLE widget_grants;
ALTER TABLE widget_grants_by_site RENAME TO widget_grants;

ALTER TABLE widget_tokens ADD COLUMN client_id TEXT REFERENCES clients(client_id) ON DELETE CASCADE;
CREATE INDEX widget_tokens_client ON widget_tokens(client_id);
