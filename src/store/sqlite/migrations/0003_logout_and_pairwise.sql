-- vzconnect schema, version 3: logout URIs and pairwise subject identifiers per client.

ALTER TABLE clients ADD COLUMN post_logout_redirect_uris TEXT NOT NULL DEFAULT '[]';
ALTER TABLE clients ADD COLUMN backchannel_logout_uri TEXT;
ALTER TABLE clients ADD COLUMN sector_identifier TEXT;  -- NULL: public subject identifiers

CREATE INDEX grants_sid ON grants(sid);
CREATE INDEX auth_codes_sid ON auth_codes(sid);
