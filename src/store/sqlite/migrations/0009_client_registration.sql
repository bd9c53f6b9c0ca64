-- vzconnect schema, version 9: clients registered by people (developer portal) and by
-- software (RFC 7591 / 7592).

ALTER TABLE clients ADD COLUMN owner_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE clients ADD COLUMN description TEXT;
ALTER TABLE clients ADD COLUMN client_uri TEXT;
ALTER TABLE clients ADD COLUMN logo_uri TEXT;
ALTER TABLE clients ADD COLUMN registration_token_hash TEXT;
CREATE INDEX clients_owner ON clients(owner_user_id);
