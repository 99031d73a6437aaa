-- entrepot schema 18: on-hand per lot and per origin country, so that the
-- lot and expiry views and the origin view answer their first page without
-- adding up every balance (issues 16 and 21). As in schema 12, triggers on
-- stock_balance keep them in the same transaction as every change of a
-- balance, whoever writes it; the integrity check recomputes them.
--
-- A lot row carries copies of what the origin sums are keyed and valued by
-- (origin, cost, currency, whether the commodity is sold by weight or
-- volume) so that a lot or commodity changed by hand moves its stock from
-- the old sums to the new ones. No cost currency is written '' (a key).

CREATE TABLE stock_sum_lot (
    lot_id         INTEGER PRIMARY KEY REFERENCES lot(id),
    qty            INTEGER NOT NULL,     -- on hand, all locations
    product_id     INTEGER NOT NULL,
    origin         TEXT NOT NULL,
    cost_currency  TEXT NOT NULL,        -- '' when the lot has no cost
    unit_cost      INTEGER,
    milli          INTEGER NOT NULL,     -- 1: costed per kg or litre (unit g or ml)
    expiry         TEXT,
    code           TEXT NOT NULL
);
-- The lot and expiry views walk this in their order and stop at the page:
-- only lots with something on hand are in it.
CREATE INDEX stock_sum_lot_order ON stock_sum_lot(expiry IS NULL, expiry, product_id, code) WHERE qty > 0;

-- One row per origin and cost currency; value in minor units (value_units)
-- and, for goods in g or ml, in thousandths of a minor unit (value_milli).
-- A figure that left 64 bits (only a hand-edited database) turns the column
-- into a real number: readers refuse it in words.
CREATE TABLE stock_sum_origin (
    origin         TEXT NOT NULL,
    cost_currency  TEXT NOT NULL,
    qty            INTEGER NOT NULL,
    lots           INTEGER NOT NULL,     -- lots with stock
    products       INTEGER NOT NULL,     -- commodities with stock
    uncosted       INTEGER NOT NULL,     -- units whose lot has no cost
    value_units    INTEGER NOT NULL,
    value_milli    INTEGER NOT NULL,
    PRIMARY KEY (origin, cost_currency)
) WITHOUT ROWID;

-- On hand per commodity, origin and currency: it says when a commodity
-- starts or stops counting in its origin's row.
CREATE TABLE stock_sum_product_origin (
    product_id     INTEGER NOT NULL,
    origin         TEXT NOT NULL,
    cost_currency  TEXT NOT NULL,
    qty            INTEGER NOT NULL,
    PRIMARY KEY (product_id, origin, cost_currency)
) WITHOUT ROWID;

-- The product view walks the commodities with stock in id order.
CREATE INDEX stock_sum_product_onhand ON stock_sum_product(product_id) WHERE qty > 0;

-- ---- built from what there is ------------------------------------------------
INSERT INTO stock_sum_lot(lot_id, qty, product_id, origin, cost_currency, unit_cost, milli, expiry, code)
    SELECT l.id, COALESCE((SELECT SUM(b.qty) FROM stock_balance b WHERE b.lot_id = l.id), 0), l.product_id,
           l.origin, COALESCE(l.cost_currency, ''), l.unit_cost, p.unit IN ('g', 'ml'), l.expiry, l.code
    FROM lot l JOIN product p ON p.id = l.product_id
    WHERE EXISTS (SELECT 1 FROM stock_balance b WHERE b.lot_id = l.id);
INSERT INTO stock_sum_product_origin(product_id, origin, cost_currency, qty)
    SELECT product_id, origin, cost_currency, SUM(qty) FROM stock_sum_lot GROUP BY product_id, origin, cost_currency;
INSERT INTO stock_sum_origin(origin, cost_currency, qty, lots, products, uncosted, value_units, value_milli)
    SELECT origin, cost_currency, SUM(qty), COUNT(CASE WHEN qty > 0 THEN 1 END),
           (SELECT COUNT(*) FROM stock_sum_product_origin o
             WHERE o.origin = s.origin AND o.cost_currency = s.cost_currency AND o.qty > 0),
           SUM(CASE WHEN unit_cost IS NULL THEN qty ELSE 0 END),
           SUM(CASE WHEN unit_cost IS NOT NULL AND milli = 0 THEN qty * unit_cost ELSE 0 END),
           SUM(CASE WHEN unit_cost IS NOT NULL AND milli = 1 THEN qty * unit_cost ELSE 0 END)
    FROM stock_sum_lot s GROUP BY origin, cost_currency;

-- ---- balances into lots --------------------------------------------------------
CREATE TRIGGER stock_sum_lot_balance_insert AFTER INSERT ON stock_balance
BEGIN
    INSERT OR IGNORE INTO stock_sum_lot(lot_id, qty, product_id, origin, cost_currency, unit_cost, milli, expiry, code)
        SELECT l.id, 0, l.product_id, l.origin, COALESCE(l.cost_currency, ''), l.unit_cost,
               (SELECT unit IN ('g', 'ml') FROM product WHERE id = l.product_id), l.expiry, l.code
        FROM lot l WHERE l.id = new.lot_id;
    UPDATE stock_sum_lot SET qty = qty + new.qty WHERE lot_id = new.lot_id;
END;

CREATE TRIGGER stock_sum_lot_balance_update AFTER UPDATE OF qty ON stock_balance
WHEN new.lot_id = old.lot_id AND new.qty <> old.qty
BEGIN
    UPDATE stock_sum_lot SET qty = qty + (new.qty - old.qty) WHERE lot_id = new.lot_id;
END;

CREATE TRIGGER stock_sum_lot_balance_rekey AFTER UPDATE ON stock_balance
WHEN new.lot_id <> old.lot_id
BEGIN
    UPDATE stock_sum_lot SET qty = qty - old.qty WHERE lot_id = old.lot_id;
    INSERT OR IGNORE INTO stock_sum_lot(lot_id, qty, product_id, origin, cost_currency, unit_cost, milli, expiry, code)
        SELECT l.id, 0, l.product_id, l.origin, COALESCE(l.cost_currency, ''), l.unit_cost,
               (SELECT unit IN ('g', 'ml') FROM product WHERE id = l.product_id), l.expiry, l.code
        FROM lot l WHERE l.id = new.lot_id;
    UPDATE stock_sum_lot SET qty = qty + new.qty WHERE lot_id = new.lot_id;
END;

CREATE TRIGGER stock_sum_lot_balance_delete AFTER DELETE ON stock_balance
BEGIN
    UPDATE stock_sum_lot SET qty = qty - old.qty WHERE lot_id = old.lot_id;
END;

-- A lot or a commodity changed by hand: the lot's copies follow, and the
-- triggers below move its stock between origin rows.
CREATE TRIGGER stock_sum_lot_lot_change AFTER UPDATE OF product_id, origin, unit_cost, cost_currency, expiry, code ON lot
BEGIN
    UPDATE stock_sum_lot SET product_id = new.product_id, origin = new.origin,
           cost_currency = COALESCE(new.cost_currency, ''), unit_cost = new.unit_cost,
           milli = (SELECT unit IN ('g', 'ml') FROM product WHERE id = new.product_id),
           expiry = new.expiry, code = new.code
     WHERE lot_id = new.id;
END;

CREATE TRIGGER stock_sum_lot_unit_change AFTER UPDATE OF unit ON product
WHEN (old.unit IN ('g', 'ml')) <> (new.unit IN ('g', 'ml'))
BEGIN
    UPDATE stock_sum_lot SET milli = (new.unit IN ('g', 'ml'))
     WHERE lot_id IN (SELECT id FROM lot WHERE product_id = new.id);
END;

-- ---- lots into origins -------------------------------------------------------
CREATE TRIGGER stock_sum_lot_new AFTER INSERT ON stock_sum_lot
BEGIN
    INSERT OR IGNORE INTO stock_sum_origin(origin, cost_currency, qty, lots, products, uncosted, value_units, value_milli)
        VALUES (new.origin, new.cost_currency, 0, 0, 0, 0, 0, 0);
    INSERT OR IGNORE INTO stock_sum_product_origin(product_id, origin, cost_currency, qty)
        VALUES (new.product_id, new.origin, new.cost_currency, 0);
END;

-- The everyday change: only the quantity, the difference is added.
CREATE TRIGGER stock_sum_lot_qty AFTER UPDATE OF qty ON stock_sum_lot
WHEN new.product_id = old.product_id AND new.origin = old.origin AND new.cost_currency = old.cost_currency
     AND new.unit_cost IS old.unit_cost AND new.milli = old.milli
BEGIN
    UPDATE stock_sum_origin
       SET qty = qty + (new.qty - old.qty), lots = lots + (new.qty > 0) - (old.qty > 0),
           uncosted = uncosted + CASE WHEN new.unit_cost IS NULL THEN new.qty - old.qty ELSE 0 END,
           value_units = value_units + CASE WHEN new.unit_cost IS NOT NULL AND new.milli = 0
                                            THEN (new.qty - old.qty) * new.unit_cost ELSE 0 END,
           value_milli = value_milli + CASE WHEN new.unit_cost IS NOT NULL AND new.milli = 1
                                            THEN (new.qty - old.qty) * new.unit_cost ELSE 0 END
     WHERE origin = new.origin AND cost_currency = new.cost_currency;
    UPDATE stock_sum_product_origin SET qty = qty + (new.qty - old.qty)
     WHERE product_id = new.product_id AND origin = new.origin AND cost_currency = new.cost_currency;
END;

-- Anything else changed (by hand): out of the old rows, into the new.
CREATE TRIGGER stock_sum_lot_rekey AFTER UPDATE ON stock_sum_lot
WHEN new.product_id <> old.product_id OR new.origin <> old.origin OR new.cost_currency <> old.cost_currency
     OR new.unit_cost IS NOT old.unit_cost OR new.milli <> old.milli
BEGIN
    UPDATE stock_sum_origin
       SET qty = qty - old.qty, lots = lots - (old.qty > 0),
           uncosted = uncosted - CASE WHEN old.unit_cost IS NULL THEN old.qty ELSE 0 END,
           value_units = value_units - CASE WHEN old.unit_cost IS NOT NULL AND old.milli = 0
                                            THEN old.qty * old.unit_cost ELSE 0 END,
           value_milli = value_milli - CASE WHEN old.unit_cost IS NOT NULL AND old.milli = 1
                                            THEN old.qty * old.unit_cost ELSE 0 END
     WHERE origin = old.origin AND cost_currency = old.cost_currency;
    UPDATE stock_sum_product_origin SET qty = qty - old.qty
     WHERE product_id = old.product_id AND origin = old.origin AND cost_currency = old.cost_currency;
    INSERT OR IGNORE INTO stock_sum_origin(origin, cost_currency, qty, lots, products, uncosted, value_units, value_milli)
        VALUES (new.origin, new.cost_currency, 0, 0, 0, 0, 0, 0);
    INSERT OR IGNORE INTO stock_sum_product_origin(product_id, origin, cost_currency, qty)
        VALUES (new.product_id, new.origin, new.cost_currency, 0);
    UPDATE stock_sum_origin
       SET qty = qty + new.qty, lots = lots + (new.qty > 0),
           uncosted = uncosted + CASE WHEN new.unit_cost IS NULL THEN new.qty ELSE 0 END,
           value_units = value_units + CASE WHEN new.unit_cost IS NOT NULL AND new.milli = 0
                                            THEN new.qty * new.unit_cost ELSE 0 END,
           value_milli = value_milli + CASE WHEN new.unit_cost IS NOT NULL AND new.milli = 1
                                            THEN new.qty * new.unit_cost ELSE 0 END
     WHERE origin = new.origin AND cost_currency = new.cost_currency;
    UPDATE stock_sum_product_origin SET qty = qty + new.qty
     WHERE product_id = new.product_id AND origin = new.origin AND cost_currency = new.cost_currency;
END;

-- A commodity starts or stops counting in its origin's row.
CREATE TRIGGER stock_sum_product_origin_qty AFTER UPDATE OF qty ON stock_sum_product_origin
WHEN (new.qty > 0) <> (old.qty > 0)
BEGIN
    UPDATE stock_sum_origin SET products = products + (new.qty > 0) - (old.qty > 0)
     WHERE origin = new.origin AND cost_currency = new.cost_currency;
END;
