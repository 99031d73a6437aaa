-- entrepot schema 16: purchasing (issue 15). Suppliers and what each
-- supplies, purchase orders with their lines, and the changes made to an
-- order after it was sent.
--
-- Money is integer minor units of the supplier's currency (an order keeps
-- the currency it was written in). A supplier's price is per pack (a case of
-- pack_size base units), as price lists give it.
CREATE TABLE supplier (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name_zh TEXT,
    name_en TEXT,
    country TEXT,
    contact TEXT,
    currency TEXT NOT NULL,
    payment_terms TEXT,
    lead_days INTEGER NOT NULL DEFAULT 0 CHECK (lead_days BETWEEN 0 AND 365),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    changed_at TEXT,
    changed_by TEXT,
    CHECK (name_zh IS NOT NULL OR name_en IS NOT NULL)
);

CREATE TABLE supplier_item (
    supplier_id INTEGER NOT NULL REFERENCES supplier(id),
    product_id INTEGER NOT NULL REFERENCES product(id),
    supplier_code TEXT,
    pack_size INTEGER NOT NULL CHECK (pack_size BETWEEN 1 AND 1000000),
    last_price INTEGER CHECK (last_price >= 0),
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    PRIMARY KEY (supplier_id, product_id)
) WITHOUT ROWID;
CREATE INDEX supplier_item_product ON supplier_item(product_id);

CREATE TABLE purchase_order (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    number TEXT NOT NULL UNIQUE COLLATE NOCASE,
    supplier_id INTEGER NOT NULL REFERENCES supplier(id),
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'sent', 'partial', 'received', 'cancelled')),
    currency TEXT NOT NULL,
    expected TEXT,
    note TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    sent_at TEXT,
    sent_by TEXT,
    closed_at TEXT,
    closed_by TEXT
);
CREATE INDEX purchase_order_status ON purchase_order(status, supplier_id);

-- qty is in base units: packs * pack_size + loose units. price is per pack.
CREATE TABLE purchase_line (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES purchase_order(id),
    line_no INTEGER NOT NULL,
    product_id INTEGER NOT NULL REFERENCES product(id),
    pack_size INTEGER NOT NULL CHECK (pack_size >= 1),
    packs INTEGER NOT NULL CHECK (packs >= 0),
    units INTEGER NOT NULL CHECK (units >= 0),
    price INTEGER NOT NULL CHECK (price >= 0),
    received INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0),
    UNIQUE (order_id, line_no),
    UNIQUE (order_id, product_id)
);
CREATE INDEX purchase_line_product ON purchase_line(product_id);

-- What changed on an order once it had been sent: who, when, what.
CREATE TABLE purchase_change (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES purchase_order(id),
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    what TEXT NOT NULL
);
CREATE INDEX purchase_change_order ON purchase_change(order_id, id);

-- Exchange rates as entered or imported, never invented: rate is the store
-- currency's units for one unit of currency, times 10^6 (7.712345 CNY for
-- 1 EUR is 7712345). A declaration takes the latest rate on or before its date.
CREATE TABLE exchange_rate (
    currency TEXT NOT NULL,
    day TEXT NOT NULL,
    rate INTEGER NOT NULL CHECK (rate > 0),
    entered_at TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    PRIMARY KEY (currency, day)
) WITHOUT ROWID;

-- A customs declaration's charges, in the store's currency's minor units,
-- and how they are spread over the lots that carry its number.
CREATE TABLE declaration (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    day TEXT NOT NULL,
    duty INTEGER NOT NULL DEFAULT 0 CHECK (duty >= 0),
    import_vat INTEGER NOT NULL DEFAULT 0 CHECK (import_vat >= 0),
    consumption_tax INTEGER NOT NULL DEFAULT 0 CHECK (consumption_tax >= 0),
    freight INTEGER NOT NULL DEFAULT 0 CHECK (freight >= 0),
    insurance INTEGER NOT NULL DEFAULT 0 CHECK (insurance >= 0),
    other INTEGER NOT NULL DEFAULT 0 CHECK (other >= 0),
    basis TEXT NOT NULL DEFAULT 'value' CHECK (basis IN ('value', 'weight', 'quantity')),
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);

-- The landed cost of each lot of a declaration, as last worked out: every
-- part in the store's minor units; the parts of each charge sum exactly to
-- it (the remainders of the divisions go to the lot with remainder = 1).
CREATE TABLE landed_lot (
    declaration_id INTEGER NOT NULL REFERENCES declaration(id),
    lot_id INTEGER NOT NULL REFERENCES lot(id),
    qty INTEGER NOT NULL,
    goods_foreign INTEGER NOT NULL,
    currency TEXT NOT NULL,
    rate INTEGER NOT NULL,
    rate_day TEXT NOT NULL,
    goods INTEGER NOT NULL,
    duty INTEGER NOT NULL,
    import_vat INTEGER NOT NULL,
    consumption_tax INTEGER NOT NULL,
    freight INTEGER NOT NULL,
    insurance INTEGER NOT NULL,
    other INTEGER NOT NULL,
    landed INTEGER NOT NULL,
    remainder INTEGER NOT NULL DEFAULT 0,
    computed_at TEXT NOT NULL,
    computed_by TEXT NOT NULL,
    PRIMARY KEY (declaration_id, lot_id)
) WITHOUT ROWID;
CREATE INDEX landed_lot_lot ON landed_lot(lot_id);
