-- vzconnect schema, version 16: access tokens carry their own grant reference, scope and expiry
-- sealed under the server key, so issuing one writes nothing. What stays in the database is
-- what can end a token early: its grant's revocation, or this list of single revoked tokens
-- (RFC 7009), each kept until the token would have expired anyway. Access tokens issued
-- before this version stop working (clients use their refresh token).

DROP TABLE access_tokens;

CREATE TABLE revoked_access_tokens (
    token_id   TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX revoked_access_tokens_expiry ON revoked_access_tokens(expires_at);
