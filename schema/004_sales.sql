-- entrepot schema 4: sales and returns, their lines, lot picks and payments;
-- summaries kept in the checkout transaction for the reports; customer flow.
-- Money in minor units of the store's currency, prices tax-inclusive.
-- day/hour are the store's local date and hour of the sale, fixed at checkout.

CREATE TABLE sale (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,     -- the journal record's UUID
    receipt      INTEGER NOT NULL UNIQUE,  -- receipt number: the journal seq
    kind         TEXT NOT NULL CHECK (kind IN ('sale', 'return')),
    ref_id       INTEGER REFERENCES sale(id), -- return: the sale it takes back
    at           TEXT NOT NULL,
    day          TEXT NOT NULL,
    hour         INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
    counter      TEXT NOT NULL,
    cashier      TEXT NOT NULL,
    total        INTEGER NOT NULL,         -- negative for returns
    tax          INTEGER NOT NULL,
    units        INTEGER NOT NULL,
    note         TEXT,
    qr           TEXT NOT NULL             -- the journal's receipt QR payload
);
CREATE INDEX sale_day ON sale(day, hour);
CREATE INDEX sale_counter ON sale(counter, id);
CREATE INDEX sale_ref ON sale(ref_id) WHERE ref_id IS NOT NULL;

CREATE TABLE sale_line (
    id              INTEGER PRIMARY KEY,
    sale_id         INTEGER NOT NULL REFERENCES sale(id),
    line            INTEGER NOT NULL,
    product_id      INTEGER NOT NULL REFERENCES product(id),
    code            TEXT NOT NULL,         -- GTIN or SKU as sold
    name            TEXT NOT NULL,
    origin          TEXT NOT NULL,         -- origin of the (first) lot sold
    lot             TEXT NOT NULL,         -- lot code(s) sold, joined by '+'
    unit            TEXT NOT NULL,
    qty             INTEGER NOT NULL,      -- base units; negative on returns
    unit_price      INTEGER NOT NULL,      -- per unit, per kg or l for g and ml
    discount        INTEGER NOT NULL DEFAULT 0,
    amount          INTEGER NOT NULL,      -- gross after discount; negative on returns
    tax_rate        INTEGER NOT NULL,
    tax             INTEGER NOT NULL,
    price_reason    TEXT,
    discount_reason TEXT,
    ref_line        INTEGER REFERENCES sale_line(id), -- return: the line taken back
    UNIQUE (sale_id, line)
);
CREATE INDEX sale_line_product ON sale_line(product_id);
CREATE INDEX sale_line_ref ON sale_line(ref_line) WHERE ref_line IS NOT NULL;

-- Which lots at which locations a line took (or gave back).
CREATE TABLE sale_pick (
    line_id      INTEGER NOT NULL REFERENCES sale_line(id),
    lot_id       INTEGER NOT NULL REFERENCES lot(id),
    location_id  INTEGER NOT NULL REFERENCES location(id),
    qty          INTEGER NOT NULL,         -- negative on returns
    PRIMARY KEY (line_id, lot_id, location_id)
) WITHOUT ROWID;

CREATE TABLE sale_pay (
    sale_id   INTEGER NOT NULL REFERENCES sale(id),
    method    TEXT NOT NULL CHECK (method IN ('cash', 'card', 'wallet')),
    amount    INTEGER NOT NULL,            -- what it paid (negative: refunded)
    tendered  INTEGER NOT NULL,            -- cash handed over
    change    INTEGER NOT NULL,
    PRIMARY KEY (sale_id, method)
) WITHOUT ROWID;

-- Report summaries, changed in the checkout and return transactions so that
-- reports never scan the lines.
CREATE TABLE sale_sum_hour (
    day           TEXT NOT NULL,
    hour          INTEGER NOT NULL,
    counter       TEXT NOT NULL,
    cashier       TEXT NOT NULL,
    value         INTEGER NOT NULL,        -- net of returns
    units         INTEGER NOT NULL,
    transactions  INTEGER NOT NULL,        -- sales (returns not counted)
    returns       INTEGER NOT NULL,
    PRIMARY KEY (day, hour, counter, cashier)
) WITHOUT ROWID;

CREATE TABLE sale_sum_origin (
    day      TEXT NOT NULL,
    origin   TEXT NOT NULL,
    counter  TEXT NOT NULL,
    value    INTEGER NOT NULL,
    units    INTEGER NOT NULL,
    lines    INTEGER NOT NULL,
    PRIMARY KEY (day, origin, counter)
) WITHOUT ROWID;

CREATE TABLE sale_sum_product (
    day         TEXT NOT NULL,
    product_id  INTEGER NOT NULL REFERENCES product(id),
    value       INTEGER NOT NULL,
    units       INTEGER NOT NULL,
    lines       INTEGER NOT NULL,
    PRIMARY KEY (day, product_id)
) WITHOUT ROWID;

-- Door counters: interval counts, upserted on (sensor, period start).
CREATE TABLE flow_count (
    sensor      TEXT NOT NULL,
    start       TEXT NOT NULL,             -- UTC "YYYY-MM-DDTHH:MM:SSZ"
    minutes     INTEGER NOT NULL CHECK (minutes > 0),
    day         TEXT NOT NULL,             -- local
    hour        INTEGER NOT NULL,
    n_in        INTEGER NOT NULL CHECK (n_in >= 0),
    n_out       INTEGER NOT NULL CHECK (n_out >= 0),
    source      TEXT NOT NULL,             -- 'import' or 'manual'
    PRIMARY KEY (sensor, start)
) WITHOUT ROWID;
CREATE INDEX flow_count_day ON flow_count(day, hour);
