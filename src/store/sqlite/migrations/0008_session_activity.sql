-- vzconnect schema, version 8: when a session was last used, for the account page.

ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
