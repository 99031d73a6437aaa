-- entrepot schema 30: on-hand per origin in each base unit.
--
-- The origin summaries (schemas 18 and 23) added up quantities whatever
-- their commodity's base unit: 5 kg of cheese (5000 g) and 3 bottles of
-- wine from France read as 5003. A manager needs each origin's pieces,
-- grams and millilitres apart (France: 3 pcs, 5 kg). The base units are a
-- closed list of three (pcs, g, ml: the catalogue refuses any other), so
-- each origin row gets a column per unit rather than a row per unit: the
-- everyday change (a sale) still updates one row, and the lots, commodities
-- and value of an origin stay one row's figures. A unit outside the list
-- (only a hand-edited database) counts as pieces, as the cost rule has
-- always read it (per piece unless g or ml). The old qty column stays (the
-- sum of all three) for the lot-walk estimate and readers of old figures.
--
-- stock_sum_lot copies its commodity's unit (as it already copied whether
-- it is costed per kg or litre), so that a commodity whose unit is changed
-- by hand moves its lots' units from one column to another.
--
-- Kept as before: triggers in the same transaction as every change of a
-- balance, whoever writes it; the integrity check compares every column.
-- The trigger names are those of schemas 18, 23 and 27 (dropped, then
-- written again with the units).

-- ---- the triggers that change, dropped first ------------------------------------
DROP TRIGGER stock_sum_lot_balance_insert;
DROP TRIGGER stock_sum_lot_balance_rekey;
DROP TRIGGER stock_sum_lot_lot_change;
DROP TRIGGER stock_sum_lot_unit_change;
DROP TRIGGER stock_sum_lot_qty;
DROP TRIGGER stock_sum_lot_rekey;
DROP TRIGGER stock_sum_locorg_insert;
DROP TRIGGER stock_sum_locorg_update;
DROP TRIGGER stock_sum_locorg_delete;
DROP TRIGGER stock_sum_locorg_unit_change;
DROP VIEW stock_sum_location_origin_of;

-- ---- the columns, filled from what there is ---------------------------------------
ALTER TABLE stock_sum_lot ADD COLUMN unit TEXT NOT NULL DEFAULT 'pcs';
UPDATE stock_sum_lot
   SET unit = (SELECT CASE WHEN p.unit IN ('g', 'ml') THEN p.unit ELSE 'pcs' END
                 FROM product p WHERE p.id = stock_sum_lot.product_id)
 WHERE EXISTS (SELECT 1 FROM product p WHERE p.id = stock_sum_lot.product_id AND p.unit IN ('g', 'ml'));

ALTER TABLE stock_sum_origin ADD COLUMN qty_pcs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stock_sum_origin ADD COLUMN qty_g INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stock_sum_origin ADD COLUMN qty_ml INTEGER NOT NULL DEFAULT 0;
UPDATE stock_sum_origin
   SET qty_pcs = t.pcs, qty_g = t.g, qty_ml = t.ml
  FROM (SELECT origin, cost_currency, SUM(CASE WHEN unit = 'pcs' THEN qty ELSE 0 END) AS pcs,
               SUM(CASE WHEN unit = 'g' THEN qty ELSE 0 END) AS g, SUM(CASE WHEN unit = 'ml' THEN qty ELSE 0 END) AS ml
          FROM stock_sum_lot GROUP BY origin, cost_currency) AS t
 WHERE stock_sum_origin.origin = t.origin AND stock_sum_origin.cost_currency = t.cost_currency;

ALTER TABLE stock_sum_location_origin ADD COLUMN qty_pcs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stock_sum_location_origin ADD COLUMN qty_g INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stock_sum_location_origin ADD COLUMN qty_ml INTEGER NOT NULL DEFAULT 0;

-- The rows of the locations asked for, rebuilt from their balances: schema
-- 23's columns, then the units (the order of the table's columns).
CREATE VIEW stock_sum_location_origin_of AS
    SELECT b.location_id, l.origin, COALESCE(l.cost_currency, '') AS cost_currency, SUM(b.qty) AS qty,
           COUNT(CASE WHEN b.qty > 0 THEN 1 END) AS lots,
           COUNT(DISTINCT CASE WHEN b.qty > 0 THEN b.product_id END) AS products,
           SUM(CASE WHEN l.unit_cost IS NULL THEN b.qty ELSE 0 END) AS uncosted,
           SUM(CASE WHEN l.unit_cost IS NOT NULL AND p.unit NOT IN ('g', 'ml') THEN b.qty * l.unit_cost ELSE 0 END)
               AS value_units,
           SUM(CASE WHEN l.unit_cost IS NOT NULL AND p.unit IN ('g', 'ml') THEN b.qty * l.unit_cost ELSE 0 END)
               AS value_milli,
           SUM(CASE WHEN p.unit NOT IN ('g', 'ml') THEN b.qty ELSE 0 END) AS qty_pcs,
           SUM(CASE WHEN p.unit = 'g' THEN b.qty ELSE 0 END) AS qty_g,
           SUM(CASE WHEN p.unit = 'ml' THEN b.qty ELSE 0 END) AS qty_ml
    FROM stock_balance b JOIN lot l ON l.id = b.lot_id JOIN product p ON p.id = b.product_id
    GROUP BY b.location_id, l.origin, COALESCE(l.cost_currency, '');

UPDATE stock_sum_location_origin
   SET qty_pcs = g.qty_pcs, qty_g = g.qty_g, qty_ml = g.qty_ml
  FROM stock_sum_location_origin_of AS g
 WHERE stock_sum_location_origin.location_id = g.location_id AND stock_sum_location_origin.origin = g.origin
   AND stock_sum_location_origin.cost_currency = g.cost_currency;

-- ---- balances into lots: the lot's unit copied with the rest -----------------------
CREATE TRIGGER stock_sum_lot_balance_insert AFTER INSERT ON stock_balance
BEGIN
    INSERT OR IGNORE INTO stock_sum_lot(lot_id, qty, product_id, origin, cost_currency, unit_cost, milli, expiry, code, unit)
        SELECT l.id, 0, l.product_id, l.origin, COALESCE(l.cost_currency, ''), l.unit_cost, p.unit IN ('g', 'ml'),
               l.expiry, l.code, CASE WHEN p.unit IN ('g', 'ml') THEN p.unit ELSE 'pcs' END
        FROM lot l JOIN product p ON p.id = l.product_id WHERE l.id = new.lot_id;
    UPDATE stock_sum_lot SET qty = qty + new.qty WHERE lot_id = new.lot_id;
END;

CREATE TRIGGER stock_sum_lot_balance_rekey AFTER UPDATE OF lot_id ON stock_balance
WHEN new.lot_id <> old.lot_id
BEGIN
    UPDATE stock_sum_lot SET qty = qty - old.qty WHERE lot_id = old.lot_id;
    INSERT OR IGNORE INTO stock_sum_lot(lot_id, qty, product_id, origin, cost_currency, unit_cost, milli, expiry, code, unit)
        SELECT l.id, 0, l.product_id, l.origin, COALESCE(l.cost_currency, ''), l.unit_cost, p.unit IN ('g', 'ml'),
               l.expiry, l.code, CASE WHEN p.unit IN ('g', 'ml') THEN p.unit ELSE 'pcs' END
        FROM lot l JOIN product p ON p.id = l.product_id WHERE l.id = new.lot_id;
    UPDATE stock_sum_lot SET qty = qty + new.qty WHERE lot_id = new.lot_id;
END;

-- A lot or a commodity changed by hand: the lot's copies follow, and
-- stock_sum_lot_rekey moves its stock between origin rows and unit columns.
CREATE TRIGGER stock_sum_lot_lot_change AFTER UPDATE OF product_id, origin, unit_cost, cost_currency, expiry, code ON lot
BEGIN
    UPDATE stock_sum_lot SET product_id = new.product_id, origin = new.origin,
           cost_currency = COALESCE(new.cost_currency, ''), unit_cost = new.unit_cost,
           milli = (SELECT unit IN ('g', 'ml') FROM product WHERE id = new.product_id),
           unit = (SELECT CASE WHEN unit IN ('g', 'ml') THEN unit ELSE 'pcs' END FROM product WHERE id = new.product_id),
           expiry = new.expiry, code = new.code
     WHERE lot_id = new.id;
END;

CREATE TRIGGER stock_sum_lot_unit_change AFTER UPDATE OF unit ON product
WHEN new.unit IS NOT old.unit
BEGIN
    UPDATE stock_sum_lot SET milli = (new.unit IN ('g', 'ml')),
           unit = CASE WHEN new.unit IN ('g', 'ml') THEN new.unit ELSE 'pcs' END
     WHERE lot_id IN (SELECT id FROM lot WHERE product_id = new.id);
END;

-- ---- lots into origins ---------------------------------------------------------------
-- The everyday change: only the quantity, the difference is added to the
-- total and to the lot's unit.
CREATE TRIGGER stock_sum_lot_qty AFTER UPDATE OF qty ON stock_sum_lot
WHEN new.product_id = old.product_id AND new.origin = old.origin AND new.cost_currency = old.cost_currency
     AND new.unit_cost IS old.unit_cost AND new.milli = old.milli AND new.unit = old.unit
BEGIN
    UPDATE stock_sum_origin
       SET qty = qty + (new.qty - old.qty), lots = lots + (new.qty > 0) - (old.qty > 0),
           uncosted = uncosted + CASE WHEN new.unit_cost IS NULL THEN new.qty - old.qty ELSE 0 END,
           value_units = value_units + CASE WHEN new.unit_cost IS NOT NULL AND new.milli = 0
                                            THEN (new.qty - old.qty) * new.unit_cost ELSE 0 END,
           value_milli = value_milli + CASE WHEN new.unit_cost IS NOT NULL AND new.milli = 1
                                            THEN (new.qty - old.qty) * new.unit_cost ELSE 0 END,
           qty_pcs = qty_pcs + CASE WHEN new.unit = 'pcs' THEN new.qty - old.qty ELSE 0 END,
           qty_g = qty_g + CASE WHEN new.unit = 'g' THEN new.qty - old.qty ELSE 0 END,
           qty_ml = qty_ml + CASE WHEN new.unit = 'ml' THEN new.qty - old.qty ELSE 0 END
     WHERE origin = new.origin AND cost_currency = new.cost_currency;
    UPDATE stock_sum_product_origin SET qty = qty + (new.qty - old.qty)
     WHERE product_id = new.product_id AND origin = new.origin AND cost_currency = new.cost_currency;
END;

-- Anything else changed (by hand): out of the old row and unit, into the new.
CREATE TRIGGER stock_sum_lot_rekey AFTER UPDATE OF product_id, origin, cost_currency, unit_cost, milli, unit ON stock_sum_lot
WHEN new.product_id <> old.product_id OR new.origin <> old.origin OR new.cost_currency <> old.cost_currency
     OR new.unit_cost IS NOT old.unit_cost OR new.milli <> old.milli OR new.unit <> old.unit
BEGIN
    UPDATE stock_sum_origin
       SET qty = qty - old.qty, lots = lots - (old.qty > 0),
           uncosted = uncosted - CASE WHEN old.unit_cost IS NULL THEN old.qty ELSE 0 END,
           value_units = value_units - CASE WHEN old.unit_cost IS NOT NULL AND old.milli = 0
                                            THEN old.qty * old.unit_cost ELSE 0 END,
           value_milli = value_milli - CASE WHEN old.unit_cost IS NOT NULL AND old.milli = 1
                                            THEN old.qty * old.unit_cost ELSE 0 END,
           qty_pcs = qty_pcs - CASE WHEN old.unit = 'pcs' THEN old.qty ELSE 0 END,
           qty_g = qty_g - CASE WHEN old.unit = 'g' THEN old.qty ELSE 0 END,
           qty_ml = qty_ml - CASE WHEN old.unit = 'ml' THEN old.qty ELSE 0 END
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
                                            THEN new.qty * new.unit_cost ELSE 0 END,
           qty_pcs = qty_pcs + CASE WHEN new.unit = 'pcs' THEN new.qty ELSE 0 END,
           qty_g = qty_g + CASE WHEN new.unit = 'g' THEN new.qty ELSE 0 END,
           qty_ml = qty_ml + CASE WHEN new.unit = 'ml' THEN new.qty ELSE 0 END
     WHERE origin = new.origin AND cost_currency = new.cost_currency;
    UPDATE stock_sum_product_origin SET qty = qty + new.qty
     WHERE product_id = new.product_id AND origin = new.origin AND cost_currency = new.cost_currency;
END;

-- ---- balances into locations and origins (schema 23's, in schema 27's form) -------
-- The lot's cost, origin, currency and unit read by scalar subqueries (no
-- temporary table, schema 27); the unit decides the column.
CREATE TRIGGER stock_sum_locorg_insert AFTER INSERT ON stock_balance
BEGIN
    INSERT OR IGNORE INTO stock_sum_location_origin(location_id, origin, cost_currency, qty, lots, products, uncosted,
                                                    value_units, value_milli)
        SELECT new.location_id, origin, COALESCE(cost_currency, ''), 0, 0, 0, 0, 0, 0 FROM lot WHERE id = new.lot_id;
    UPDATE stock_sum_location_origin
       SET qty = qty + new.qty, lots = lots + (new.qty > 0),
           products = products + (new.qty > 0 AND NOT EXISTS (
               SELECT 1 FROM stock_balance b JOIN lot o ON o.id = b.lot_id
                WHERE b.product_id = new.product_id AND b.location_id = new.location_id AND b.lot_id <> new.lot_id
                  AND b.qty > 0 AND o.origin = stock_sum_location_origin.origin
                  AND COALESCE(o.cost_currency, '') = stock_sum_location_origin.cost_currency)),
           uncosted = uncosted + CASE WHEN (SELECT unit_cost FROM lot WHERE id = new.lot_id) IS NULL
                                      THEN new.qty ELSE 0 END,
           value_units = value_units + coalesce((SELECT new.qty * l.unit_cost
                                                   FROM lot l JOIN product p ON p.id = l.product_id
                                                  WHERE l.id = new.lot_id AND p.unit NOT IN ('g', 'ml')), 0),
           value_milli = value_milli + coalesce((SELECT new.qty * l.unit_cost
                                                   FROM lot l JOIN product p ON p.id = l.product_id
                                                  WHERE l.id = new.lot_id AND p.unit IN ('g', 'ml')), 0),
           qty_pcs = qty_pcs + CASE WHEN (SELECT unit FROM product WHERE id = new.product_id) NOT IN ('g', 'ml')
                                    THEN new.qty ELSE 0 END,
           qty_g = qty_g + CASE WHEN (SELECT unit FROM product WHERE id = new.product_id) = 'g' THEN new.qty ELSE 0 END,
           qty_ml = qty_ml + CASE WHEN (SELECT unit FROM product WHERE id = new.product_id) = 'ml' THEN new.qty ELSE 0 END
     WHERE location_id = new.location_id
       AND origin = (SELECT origin FROM lot WHERE id = new.lot_id)
       AND cost_currency = (SELECT COALESCE(cost_currency, '') FROM lot WHERE id = new.lot_id);
END;

CREATE TRIGGER stock_sum_locorg_update AFTER UPDATE OF qty ON stock_balance
WHEN new.lot_id = old.lot_id AND new.location_id = old.location_id AND new.product_id = old.product_id
     AND new.qty <> old.qty
BEGIN
    UPDATE stock_sum_location_origin
       SET qty = qty + (new.qty - old.qty), lots = lots + (new.qty > 0) - (old.qty > 0),
           products = products + CASE WHEN (new.qty > 0) = (old.qty > 0) THEN 0
                                      WHEN EXISTS (
               SELECT 1 FROM stock_balance b JOIN lot o ON o.id = b.lot_id
                WHERE b.product_id = new.product_id AND b.location_id = new.location_id AND b.lot_id <> new.lot_id
                  AND b.qty > 0 AND o.origin = stock_sum_location_origin.origin
                  AND COALESCE(o.cost_currency, '') = stock_sum_location_origin.cost_currency) THEN 0
                                      ELSE (new.qty > 0) - (old.qty > 0) END,
           uncosted = uncosted + CASE WHEN (SELECT unit_cost FROM lot WHERE id = new.lot_id) IS NULL
                                      THEN new.qty - old.qty ELSE 0 END,
           value_units = value_units + coalesce((SELECT (new.qty - old.qty) * l.unit_cost
                                                   FROM lot l JOIN product p ON p.id = l.product_id
                                                  WHERE l.id = new.lot_id AND p.unit NOT IN ('g', 'ml')), 0),
           value_milli = value_milli + coalesce((SELECT (new.qty - old.qty) * l.unit_cost
                                                   FROM lot l JOIN product p ON p.id = l.product_id
                                                  WHERE l.id = new.lot_id AND p.unit IN ('g', 'ml')), 0),
           qty_pcs = qty_pcs + CASE WHEN (SELECT unit FROM product WHERE id = new.product_id) NOT IN ('g', 'ml')
                                    THEN new.qty - old.qty ELSE 0 END,
           qty_g = qty_g + CASE WHEN (SELECT unit FROM product WHERE id = new.product_id) = 'g'
                                THEN new.qty - old.qty ELSE 0 END,
           qty_ml = qty_ml + CASE WHEN (SELECT unit FROM product WHERE id = new.product_id) = 'ml'
                                  THEN new.qty - old.qty ELSE 0 END
     WHERE location_id = new.location_id
       AND origin = (SELECT l.origin FROM lot l JOIN product p ON p.id = l.product_id WHERE l.id = new.lot_id)
       AND cost_currency = (SELECT COALESCE(cost_currency, '') FROM lot WHERE id = new.lot_id);
END;

CREATE TRIGGER stock_sum_locorg_delete AFTER DELETE ON stock_balance
BEGIN
    UPDATE stock_sum_location_origin
       SET qty = qty - old.qty, lots = lots - (old.qty > 0),
           products = products - (old.qty > 0 AND NOT EXISTS (
               SELECT 1 FROM stock_balance b JOIN lot o ON o.id = b.lot_id
                WHERE b.product_id = old.product_id AND b.location_id = old.location_id AND b.lot_id <> old.lot_id
                  AND b.qty > 0 AND o.origin = stock_sum_location_origin.origin
                  AND COALESCE(o.cost_currency, '') = stock_sum_location_origin.cost_currency)),
           uncosted = uncosted - CASE WHEN (SELECT unit_cost FROM lot WHERE id = old.lot_id) IS NULL
                                      THEN old.qty ELSE 0 END,
           value_units = value_units - coalesce((SELECT old.qty * l.unit_cost
                                                   FROM lot l JOIN product p ON p.id = l.product_id
                                                  WHERE l.id = old.lot_id AND p.unit NOT IN ('g', 'ml')), 0),
           value_milli = value_milli - coalesce((SELECT old.qty * l.unit_cost
                                                   FROM lot l JOIN product p ON p.id = l.product_id
                                                  WHERE l.id = old.lot_id AND p.unit IN ('g', 'ml')), 0),
           qty_pcs = qty_pcs - CASE WHEN (SELECT unit FROM product WHERE id = old.product_id) NOT IN ('g', 'ml')
                                    THEN old.qty ELSE 0 END,
           qty_g = qty_g - CASE WHEN (SELECT unit FROM product WHERE id = old.product_id) = 'g' THEN old.qty ELSE 0 END,
           qty_ml = qty_ml - CASE WHEN (SELECT unit FROM product WHERE id = old.product_id) = 'ml' THEN old.qty ELSE 0 END
     WHERE location_id = old.location_id
       AND origin = (SELECT origin FROM lot WHERE id = old.lot_id)
       AND cost_currency = (SELECT COALESCE(cost_currency, '') FROM lot WHERE id = old.lot_id);
END;

-- A commodity's unit changed by hand: the locations that hold it are rebuilt
-- (any change of unit now, g to ml too: the columns differ).
CREATE TRIGGER stock_sum_locorg_unit_change AFTER UPDATE OF unit ON product
WHEN new.unit IS NOT old.unit
BEGIN
    DELETE FROM stock_sum_location_origin
     WHERE location_id IN (SELECT location_id FROM stock_balance WHERE product_id = new.id);
    INSERT INTO stock_sum_location_origin
        SELECT * FROM stock_sum_location_origin_of
         WHERE location_id IN (SELECT location_id FROM stock_balance WHERE product_id = new.id);
END;
