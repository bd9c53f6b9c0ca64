-- vzconnect schema, version 5: the relationship between two contacts.

ALTER TABLE contacts ADD COLUMN relationship TEXT NOT NULL DEFAULT 'friend';
