-- vzconnect schema, version 4: profiles (Portable Contacts fields as JSON) and the claims
-- request parameter kept with codes and grants.

ALTER TABLE users ADD COLUMN profile TEXT NOT NULL DEFAULT '{}';
ALTER TABLE auth_codes ADD COLUMN claims TEXT;
ALTER TABLE grants ADD COLUMN claims TEXT;
