-- vzconnect schema, version 15: the audit trail of security events (sign-ins, consents,
-- password and client changes, key rotations, ended sessions).

CREATE TABLE audit_events (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    user_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    -- The username as it was given (for failed sign-ins, one that may not exist).
    username  TEXT,
    client_id TEXT,
    source    TEXT,
    detail    TEXT
);
CREATE INDEX audit_events_at ON audit_events(at);
CREATE INDEX audit_events_user ON audit_events(user_id, at);
