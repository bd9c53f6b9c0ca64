-- vzconnect schema, version 12: accounts are created only when the person follows the
-- link mailed to their address, so signing up reveals nothing about who has an account.

CREATE TABLE pending_signups (
    hash          TEXT PRIMARY KEY,
    username      TEXT NOT NULL,
    email         TEXT NOT NULL,
    name          TEXT,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX pending_signups_expiry ON pending_signups(expires_at);
