-- vzconnect schema, version 14: an index for every foreign key a delete follows, and for
-- every expiry the purge looks rows up by, so purging and deleting never scan a table.

CREATE INDEX sessions_expiry ON sessions(expires_at);
CREATE INDEX auth_codes_expiry ON auth_codes(expires_at);
CREATE INDEX access_tokens_expiry ON access_tokens(expires_at);
CREATE INDEX refresh_tokens_expiry ON refresh_tokens(expires_at);
CREATE INDEX widget_tokens_expiry ON widget_tokens(expires_at);
CREATE INDEX one_time_tokens_expiry ON one_time_tokens(expires_at);

CREATE INDEX auth_codes_grant ON auth_codes(grant_id);
CREATE INDEX auth_codes_client ON auth_codes(client_id);
CREATE INDEX auth_codes_user ON auth_codes(user_id);
CREATE INDEX grants_client ON grants(client_id);
CREATE INDEX consents_client ON consents(client_id);
CREATE INDEX contacts_contact ON contacts(contact_id);
CREATE INDEX widget_grants_client ON widget_grants(client_id);
CREATE INDEX one_time_tokens_user ON one_time_tokens(user_id);
