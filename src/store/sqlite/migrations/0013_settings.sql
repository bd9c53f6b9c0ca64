-- vzconnect schema, version 13: facts about the installation itself, such as the check value
-- of the secret key the sealed data belongs to.

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
