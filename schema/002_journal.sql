-- entrepot schema 2: the signed, hash-chained sales journal.
-- Every column that goes into a record's canonical body (README, "Sales
-- journal") lives here, so that `journal verify` can rebuild each body byte
-- for byte. Hashes, key ids and signatures are raw bytes (BLOB).

CREATE TABLE journal (
    seq          INTEGER PRIMARY KEY,      -- gapless, from 1; rowid, so order is intrinsic
    uuid         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('START', 'SALE', 'RETURN', 'VOID', 'TRAINING',
                                               'CLOSE', 'KEY', 'EVENT')),
    at           TEXT NOT NULL,            -- UTC "YYYY-MM-DDTHH:MM:SSZ"
    counter      TEXT NOT NULL DEFAULT '',
    cashier      TEXT NOT NULL DEFAULT '',
    ref          TEXT NOT NULL DEFAULT '', -- RETURN/VOID: UUID of the original record
    currency     TEXT NOT NULL,
    total        INTEGER NOT NULL,         -- what the record adds to the till (CLOSE: period total)
    grand_total  INTEGER NOT NULL,         -- perpetual, after this record
    event        TEXT NOT NULL DEFAULT '', -- EVENT: unclean-shutdown, clock-backwards, key-change
    note         TEXT NOT NULL DEFAULT '',
    pubkey       BLOB,                     -- DER SubjectPublicKeyInfo (START, KEY, EVENT key-change)
    period       TEXT NOT NULL DEFAULT '', -- CLOSE: day:YYYY-MM-DD, month:YYYY-MM, year:YYYY
    period_end   TEXT NOT NULL DEFAULT '', -- CLOSE: UTC instant the closed period ends
    first_seq    INTEGER NOT NULL DEFAULT 0, -- CLOSE: the records it sums
    last_seq     INTEGER NOT NULL DEFAULT 0,
    training     INTEGER NOT NULL DEFAULT 0, -- CLOSE: sum of TRAINING totals (never in the grand total)
    prev_hash    BLOB NOT NULL,            -- SHA-256 of the previous record's body (32 zero bytes for seq 1)
    key_id       BLOB NOT NULL,            -- SHA-256 of the signer's DER SubjectPublicKeyInfo
    hash         BLOB NOT NULL,            -- SHA-256 of this record's body
    sig          BLOB NOT NULL             -- ECDSA P-256 raw r||s (64 bytes) over the seal
);
CREATE INDEX journal_uuid ON journal(uuid);
CREATE INDEX journal_closings ON journal(seq) WHERE kind = 'CLOSE';

-- Amounts per tax rate (basis points) and per payment method, and the sale
-- lines, in the order they enter the body.
CREATE TABLE journal_tax (
    seq    INTEGER NOT NULL REFERENCES journal(seq),
    rate   INTEGER NOT NULL,
    gross  INTEGER NOT NULL,
    tax    INTEGER NOT NULL,
    PRIMARY KEY (seq, rate)
) WITHOUT ROWID;

CREATE TABLE journal_pay (
    seq     INTEGER NOT NULL REFERENCES journal(seq),
    method  TEXT NOT NULL,
    amount  INTEGER NOT NULL,
    PRIMARY KEY (seq, method)
) WITHOUT ROWID;

CREATE TABLE journal_line (
    seq         INTEGER NOT NULL REFERENCES journal(seq),
    line        INTEGER NOT NULL,          -- 1, 2, ...
    code        TEXT NOT NULL,
    lot         TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL DEFAULT '',
    qty         INTEGER NOT NULL,
    unit_price  INTEGER NOT NULL,
    discount    INTEGER NOT NULL,
    amount      INTEGER NOT NULL,
    tax_rate    INTEGER NOT NULL,
    PRIMARY KEY (seq, line)
) WITHOUT ROWID;

-- CLOSE: records per kind in the closed range.
CREATE TABLE journal_count (
    seq   INTEGER NOT NULL REFERENCES journal(seq),
    kind  TEXT NOT NULL,
    n     INTEGER NOT NULL,
    PRIMARY KEY (seq, kind)
) WITHOUT ROWID;

-- The journal is append-only; the verifier catches what these cannot stop.
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER journal_line_no_update BEFORE UPDATE ON journal_line
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER journal_line_no_delete BEFORE DELETE ON journal_line
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;

-- Local configuration, not signed: where this machine keeps the signing key.
CREATE TABLE journal_config (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;

-- Open journal sessions. A row left behind by a process that no longer
-- runs means it stopped without closing: the next open records an EVENT.
CREATE TABLE journal_session (
    uuid       TEXT PRIMARY KEY,
    host       TEXT NOT NULL,
    pid        INTEGER NOT NULL,
    counter    TEXT NOT NULL DEFAULT '',
    opened_at  TEXT NOT NULL
) WITHOUT ROWID;
