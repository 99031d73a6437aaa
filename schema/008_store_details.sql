-- entrepot schema 10: the store's contact details, and who changed the
-- store's details when (one row per changed field, never updated).

ALTER TABLE store ADD COLUMN address TEXT;
ALTER TABLE store ADD COLUMN phone TEXT;

CREATE TABLE store_change (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,             -- UTC, YYYY-MM-DDTHH:MM:SSZ
    user       TEXT NOT NULL,             -- who made the change
    field      TEXT NOT NULL CHECK (field IN ('name', 'address', 'phone')),
    old_value  TEXT,
    new_value  TEXT
);
