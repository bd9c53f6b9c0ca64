-- vzconnect schema, version 2: OpenID Connect signing keys and the facts an id_token needs.

CREATE TABLE signing_keys (
    kid            TEXT PRIMARY KEY,
    alg            TEXT NOT NULL,
    private_sealed BLOB NOT NULL,    -- AEAD(server key, DER private key)
    public_jwk     TEXT NOT NULL,    -- JSON
    created_at     INTEGER NOT NULL,
    retired_at     INTEGER
) WITHOUT ROWID;

ALTER TABLE clients ADD COLUMN id_token_alg TEXT NOT NULL DEFAULT 'RS256';

ALTER TABLE auth_codes ADD COLUMN nonce TEXT;
ALTER TABLE auth_codes ADD COLUMN sid TEXT;

ALTER TABLE grants ADD COLUMN auth_time INTEGER;
ALTER TABLE grants ADD COLUMN sid TEXT;
