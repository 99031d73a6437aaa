-- entrepot schema 10: users and their roles, login sessions, API tokens for
-- devices and scripts, failed-login counting; and who made each catalogue,
-- price, location and label-printing change.
-- Secrets are never stored: passwords as scrypt hashes (parameters and salt
-- beside the hash), session and API tokens as their SHA-256 (they are 32
-- random bytes, so a fast hash is enough). Names of people who made a change
-- ("by", "user") are login names of users, or the operating-system user on
-- the command line, as text: history outlives a retired user.

CREATE TABLE user_account (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL COLLATE NOCASE UNIQUE
                CHECK ((length(name) BETWEEN 1 AND 64) AND name NOT GLOB '*[^a-z0-9._-]*'),
    display     TEXT NOT NULL CHECK (length(CAST(display AS BLOB)) BETWEEN 1 AND 200),
    role        TEXT NOT NULL
                CHECK (role IN ('cashier', 'supervisor', 'stock-clerk', 'label-clerk', 'manager', 'auditor')),
    password    TEXT NOT NULL,  -- "scrypt$<log2 N>$<r>$<p>$<salt, base64>$<key, base64>"
    retired_at  TEXT,           -- NULL while the user may log in
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    changed_by  TEXT NOT NULL
);

-- Failed logins per name, known or not, so that an unknown name is slowed
-- and locked exactly like a real one (nothing tells them apart). A row goes
-- when its name logs in, or when a manager unlocks the user.
CREATE TABLE login_failure (
    name       TEXT PRIMARY KEY COLLATE NOCASE,
    failures   INTEGER NOT NULL CHECK (failures > 0),
    last_at    TEXT NOT NULL,   -- the last failed attempt
    locked_at  TEXT             -- set at the tenth failure: only an unlock clears it
) WITHOUT ROWID;

CREATE TABLE user_session (
    id          INTEGER PRIMARY KEY,
    token_hash  BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32), -- SHA-256 of the token
    user_id     INTEGER NOT NULL REFERENCES user_account(id),
    device      TEXT,
    created_at  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,  -- idle expiry counts from here
    expires_at  TEXT NOT NULL   -- absolute expiry
);
CREATE INDEX user_session_user ON user_session(user_id);

CREATE TABLE api_token (
    id          INTEGER PRIMARY KEY,
    token_hash  BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32), -- SHA-256 of the secret
    user_id     INTEGER NOT NULL REFERENCES user_account(id),
    device      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    last_used   TEXT,
    revoked_at  TEXT,
    revoked_by  TEXT
);
CREATE INDEX api_token_user ON api_token(user_id);

-- Every change of a commodity, one row per changed field, written in the
-- transaction that makes the change and never updated: field 'price' rows
-- are the price history. field 'added', 'retired', 'unretired', 'barcode'
-- record the other catalogue writes.
CREATE TABLE product_change (
    id          INTEGER PRIMARY KEY,
    product_id  INTEGER NOT NULL REFERENCES product(id),
    at          TEXT NOT NULL,
    user        TEXT NOT NULL,
    field       TEXT NOT NULL,
    old_value   TEXT,
    new_value   TEXT
);
CREATE INDEX product_change_product ON product_change(product_id, id);

CREATE TRIGGER product_change_no_update BEFORE UPDATE ON product_change
BEGIN SELECT RAISE(ABORT, 'product_change is append-only'); END;
CREATE TRIGGER product_change_no_delete BEFORE DELETE ON product_change
BEGIN SELECT RAISE(ABORT, 'product_change is append-only'); END;

-- Who added a location and who changed it last (renamed, named, retired).
ALTER TABLE location ADD COLUMN created_by TEXT;
ALTER TABLE location ADD COLUMN changed_at TEXT;
ALTER TABLE location ADD COLUMN changed_by TEXT;

-- Label jobs sent to a printer or written to a file: who, when, what.
CREATE TABLE label_print (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    user        TEXT NOT NULL,
    template    TEXT NOT NULL,
    labels      INTEGER NOT NULL CHECK (labels >= 0),
    destination TEXT NOT NULL   -- the printer (with CUPS's request id) or the file written
);
