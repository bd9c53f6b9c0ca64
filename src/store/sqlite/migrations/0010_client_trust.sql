-- vzconnect schema, version 10: whether the operator reviewed a client, and the sector
-- identifier document a pairwise client registered (OpenID Connect Core §8.1).

ALTER TABLE clients ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN sector_identifier_uri TEXT;
-- Clients added from the command line were registered by the operator.
UPDATE clients SET verified = 1 WHERE owner_user_id IS NULL AND registration_token_hash IS NULL;
