-- entrepot schema 1: the store, the catalogue, locations, lots, the stock
-- ledger and its balances, stock counts.
-- Times are UTC text "YYYY-MM-DDTHH:MM:SSZ", dates "YYYY-MM-DD", money integer
-- minor units with an ISO 4217 code beside it, quantities integers in the
-- product's base unit. UUIDs are made in C; rowids stay internal.

CREATE TABLE store (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    currency    TEXT NOT NULL,
    tz          TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- Store-wide settings (scanner FNC1 substitute, in-store code layouts, ...).
CREATE TABLE setting (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE product (
    id             INTEGER PRIMARY KEY,
    gtin           TEXT UNIQUE,            -- 14 digits, check digit verified
    sku            TEXT UNIQUE,            -- the store's own code
    name_zh        TEXT,
    name_en        TEXT,
    brand          TEXT,
    origin         TEXT,                   -- default origin (ISO 3166-1 alpha-2), for labels only
    hs_code        TEXT,
    unit           TEXT NOT NULL DEFAULT 'pcs', -- base unit of quantities: pcs, g, ml
    net_content    INTEGER,                -- in net_unit
    net_unit       TEXT,                   -- g, ml or pcs
    price          INTEGER NOT NULL DEFAULT 0 CHECK (price >= 0),
    currency       TEXT NOT NULL,
    tax_rate       INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate BETWEEN 0 AND 10000), -- basis points
    importer       TEXT,
    reorder_point  INTEGER NOT NULL DEFAULT 0 CHECK (reorder_point >= 0),
    storage        TEXT,
    shelf_life_days INTEGER CHECK (shelf_life_days IS NULL OR shelf_life_days > 0),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CHECK (gtin IS NOT NULL OR sku IS NOT NULL),
    CHECK (name_zh IS NOT NULL OR name_en IS NOT NULL)
);

-- Further barcodes of a product: a case of 12 with its own GTIN, an old code.
CREATE TABLE product_barcode (
    code        TEXT PRIMARY KEY,
    product_id  INTEGER NOT NULL REFERENCES product(id),
    qty         INTEGER NOT NULL CHECK (qty > 0)
) WITHOUT ROWID;
CREATE INDEX product_barcode_product ON product_barcode(product_id);

CREATE TABLE location (
    id      INTEGER PRIMARY KEY,
    code    TEXT NOT NULL UNIQUE,
    kind    TEXT NOT NULL CHECK (kind IN ('shelf', 'backroom', 'bonded', 'quarantine', 'returns')),
    name    TEXT
);

-- Origin, customs declaration, expiry and cost belong to the lot.
CREATE TABLE lot (
    id              INTEGER PRIMARY KEY,
    uuid            TEXT NOT NULL UNIQUE,
    product_id      INTEGER NOT NULL REFERENCES product(id),
    code            TEXT NOT NULL,
    origin          TEXT NOT NULL,          -- ISO 3166-1 alpha-2
    declaration     TEXT,                   -- customs declaration number
    import_date     TEXT,
    production_date TEXT,
    expiry          TEXT,
    supplier        TEXT,
    unit_cost       INTEGER CHECK (unit_cost IS NULL OR unit_cost >= 0),
    cost_currency   TEXT,
    created_at      TEXT NOT NULL,
    UNIQUE (product_id, code)
);
CREATE INDEX lot_expiry ON lot(expiry) WHERE expiry IS NOT NULL;

-- The ledger: one signed quantity change at one (lot, location) per row.
-- Append-only: corrections are reversing moves (the triggers below enforce it).
CREATE TABLE stock_move (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,
    batch        TEXT NOT NULL,            -- UUID shared by the rows of one operation
    at           TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('receive', 'transfer', 'adjust', 'scrap', 'count', 'sale', 'return')),
    product_id   INTEGER NOT NULL REFERENCES product(id),
    lot_id       INTEGER NOT NULL REFERENCES lot(id),
    location_id  INTEGER NOT NULL REFERENCES location(id),
    qty          INTEGER NOT NULL CHECK (qty <> 0),
    reason       TEXT,
    note         TEXT,
    user         TEXT
);
CREATE INDEX stock_move_product ON stock_move(product_id, id);
CREATE INDEX stock_move_lot_loc ON stock_move(lot_id, location_id, id);

CREATE TRIGGER stock_move_no_update BEFORE UPDATE ON stock_move
BEGIN SELECT RAISE(ABORT, 'stock_move is append-only: post a reversing move'); END;
CREATE TRIGGER stock_move_no_delete BEFORE DELETE ON stock_move
BEGIN SELECT RAISE(ABORT, 'stock_move is append-only: post a reversing move'); END;

-- Balances, kept in the same transaction as each move.
CREATE TABLE stock_balance (
    lot_id       INTEGER NOT NULL REFERENCES lot(id),
    location_id  INTEGER NOT NULL REFERENCES location(id),
    product_id   INTEGER NOT NULL REFERENCES product(id),
    qty          INTEGER NOT NULL CHECK (qty >= 0),
    PRIMARY KEY (lot_id, location_id)
) WITHOUT ROWID;
CREATE INDEX stock_balance_product ON stock_balance(product_id);
CREATE INDEX stock_balance_location ON stock_balance(location_id);

CREATE TABLE stock_count (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,
    location_id  INTEGER NOT NULL REFERENCES location(id),
    started_at   TEXT NOT NULL,
    last_move_id INTEGER NOT NULL,          -- ledger head when the snapshot was taken
    posted_at    TEXT,
    user         TEXT
);

CREATE TABLE stock_count_line (
    count_id    INTEGER NOT NULL REFERENCES stock_count(id),
    lot_id      INTEGER NOT NULL REFERENCES lot(id),
    product_id  INTEGER NOT NULL REFERENCES product(id),
    expected    INTEGER NOT NULL,
    counted     INTEGER CHECK (counted IS NULL OR counted >= 0),
    PRIMARY KEY (count_id, lot_id)
) WITHOUT ROWID;
