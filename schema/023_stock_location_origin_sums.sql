-- entrepot schema 23: on-hand per location, origin country and cost
-- currency, so that the location view narrowed to one origin
-- (`stock levels --by location --origin CC`) answers from one row per
-- location instead of adding up every balance of that origin (issue 21).
-- Kept exactly as schema 19 keeps the rows per location and currency:
-- triggers on stock_balance in the same transaction as every change of a
-- balance, whoever writes it; the integrity check recomputes it.
--
-- It also answers the location and origin views narrowed to one location.
-- And indexes, so that the lot and commodity views narrowed to one origin
-- seek that origin's rows instead of walking every origin's until the page
-- is full (a rare origin read them all), and the commodity view of one
-- location walks that location's balances in commodity order.

CREATE TABLE stock_sum_location_origin (
    location_id    INTEGER NOT NULL REFERENCES location(id),
    origin         TEXT NOT NULL,
    cost_currency  TEXT NOT NULL,        -- '' when the lots have no cost
    qty            INTEGER NOT NULL,
    lots           INTEGER NOT NULL,     -- balances above zero
    products       INTEGER NOT NULL,     -- commodities with stock here of this origin in this currency
    uncosted       INTEGER NOT NULL,     -- units whose lot has no cost
    value_units    INTEGER NOT NULL,     -- minor units
    value_milli    INTEGER NOT NULL,     -- thousandths of a minor unit (goods in g or ml)
    PRIMARY KEY (origin, location_id, cost_currency) -- the view of one origin seeks its rows
) WITHOUT ROWID;

-- The rows of the locations asked for, rebuilt from their balances.
CREATE VIEW stock_sum_location_origin_of AS
    SELECT b.location_id, l.origin, COALESCE(l.cost_currency, '') AS cost_currency, SUM(b.qty) AS qty,
           COUNT(CASE WHEN b.qty > 0 THEN 1 END) AS lots,
           COUNT(DISTINCT CASE WHEN b.qty > 0 THEN b.product_id END) AS products,
           SUM(CASE WHEN l.unit_cost IS NULL THEN b.qty ELSE 0 END) AS uncosted,
           SUM(CASE WHEN l.unit_cost IS NOT NULL AND p.unit NOT IN ('g', 'ml') THEN b.qty * l.unit_cost ELSE 0 END)
               AS value_units,
           SUM(CASE WHEN l.unit_cost IS NOT NULL AND p.unit IN ('g', 'ml') THEN b.qty * l.unit_cost ELSE 0 END)
               AS value_milli
    FROM stock_balance b JOIN lot l ON l.id = b.lot_id JOIN product p ON p.id = b.product_id
    GROUP BY b.location_id, l.origin, COALESCE(l.cost_currency, '');

INSERT INTO stock_sum_location_origin SELECT * FROM stock_sum_location_origin_of;

-- One balance's change in its location's row of its lot's origin and
-- currency. A commodity starts or stops counting there when its first
-- balance of that origin and currency fills or its last one empties (the
-- balance index by commodity answers that in a few rows).
CREATE TRIGGER stock_sum_locorg_insert AFTER INSERT ON stock_balance
BEGIN
    INSERT OR IGNORE INTO stock_sum_location_origin
        SELECT new.location_id, origin, COALESCE(cost_currency, ''), 0, 0, 0, 0, 0, 0 FROM lot WHERE id = new.lot_id;
    UPDATE stock_sum_location_origin
       SET qty = qty + new.qty, lots = lots + (new.qty > 0),
           products = products + (new.qty > 0 AND NOT EXISTS (
               SELECT 1 FROM stock_balance b JOIN lot o ON o.id = b.lot_id
                WHERE b.product_id = new.product_id AND b.location_id = new.location_id AND b.lot_id <> new.lot_id
                  AND b.qty > 0 AND o.origin = x.origin AND COALESCE(o.cost_currency, '') = x.cur)),
           uncosted = uncosted + CASE WHEN x.cost IS NULL THEN new.qty ELSE 0 END,
           value_units = value_units + CASE WHEN x.cost IS NOT NULL AND NOT x.milli THEN new.qty * x.cost ELSE 0 END,
           value_milli = value_milli + CASE WHEN x.cost IS NOT NULL AND x.milli THEN new.qty * x.cost ELSE 0 END
      FROM (SELECT l.unit_cost AS cost, l.origin AS origin, COALESCE(l.cost_currency, '') AS cur,
                   p.unit IN ('g', 'ml') AS milli
              FROM lot l JOIN product p ON p.id = l.product_id WHERE l.id = new.lot_id) AS x
     WHERE location_id = new.location_id AND stock_sum_location_origin.origin = x.origin AND cost_currency = x.cur;
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
                  AND b.qty > 0 AND o.origin = x.origin AND COALESCE(o.cost_currency, '') = x.cur) THEN 0
                                      ELSE (new.qty > 0) - (old.qty > 0) END,
           uncosted = uncosted + CASE WHEN x.cost IS NULL THEN new.qty - old.qty ELSE 0 END,
           value_units = value_units + CASE WHEN x.cost IS NOT NULL AND NOT x.milli
                                            THEN (new.qty - old.qty) * x.cost ELSE 0 END,
           value_milli = value_milli + CASE WHEN x.cost IS NOT NULL AND x.milli
                                            THEN (new.qty - old.qty) * x.cost ELSE 0 END
      FROM (SELECT l.unit_cost AS cost, l.origin AS origin, COALESCE(l.cost_currency, '') AS cur,
                   p.unit IN ('g', 'ml') AS milli
              FROM lot l JOIN product p ON p.id = l.product_id WHERE l.id = new.lot_id) AS x
     WHERE location_id = new.location_id AND stock_sum_location_origin.origin = x.origin AND cost_currency = x.cur;
END;

CREATE TRIGGER stock_sum_locorg_delete AFTER DELETE ON stock_balance
BEGIN
    UPDATE stock_sum_location_origin
       SET qty = qty - old.qty, lots = lots - (old.qty > 0),
           products = products - (old.qty > 0 AND NOT EXISTS (
               SELECT 1 FROM stock_balance b JOIN lot o ON o.id = b.lot_id
                WHERE b.product_id = old.product_id AND b.location_id = old.location_id AND b.lot_id <> old.lot_id
                  AND b.qty > 0 AND o.origin = x.origin AND COALESCE(o.cost_currency, '') = x.cur)),
           uncosted = uncosted - CASE WHEN x.cost IS NULL THEN old.qty ELSE 0 END,
           value_units = value_units - CASE WHEN x.cost IS NOT NULL AND NOT x.milli THEN old.qty * x.cost ELSE 0 END,
           value_milli = value_milli - CASE WHEN x.cost IS NOT NULL AND x.milli THEN old.qty * x.cost ELSE 0 END
      FROM (SELECT l.unit_cost AS cost, l.origin AS origin, COALESCE(l.cost_currency, '') AS cur,
                   p.unit IN ('g', 'ml') AS milli
              FROM lot l JOIN product p ON p.id = l.product_id WHERE l.id = old.lot_id) AS x
     WHERE location_id = old.location_id AND stock_sum_location_origin.origin = x.origin AND cost_currency = x.cur;
END;

-- ---- changes made only by hand: the locations touched are rebuilt ----------
CREATE TRIGGER stock_sum_locorg_rekey AFTER UPDATE ON stock_balance
WHEN new.lot_id <> old.lot_id OR new.location_id <> old.location_id OR new.product_id <> old.product_id
BEGIN
    DELETE FROM stock_sum_location_origin WHERE location_id IN (old.location_id, new.location_id);
    INSERT INTO stock_sum_location_origin
        SELECT * FROM stock_sum_location_origin_of WHERE location_id IN (old.location_id, new.location_id);
END;

CREATE TRIGGER stock_sum_locorg_lot_change AFTER UPDATE OF product_id, origin, unit_cost, cost_currency ON lot
BEGIN
    DELETE FROM stock_sum_location_origin
     WHERE location_id IN (SELECT location_id FROM stock_balance WHERE lot_id = new.id);
    INSERT INTO stock_sum_location_origin
        SELECT * FROM stock_sum_location_origin_of
         WHERE location_id IN (SELECT location_id FROM stock_balance WHERE lot_id = new.id);
END;

CREATE TRIGGER stock_sum_locorg_unit_change AFTER UPDATE OF unit ON product
WHEN (old.unit IN ('g', 'ml')) <> (new.unit IN ('g', 'ml'))
BEGIN
    DELETE FROM stock_sum_location_origin
     WHERE location_id IN (SELECT location_id FROM stock_balance WHERE product_id = new.id);
    INSERT INTO stock_sum_location_origin
        SELECT * FROM stock_sum_location_origin_of
         WHERE location_id IN (SELECT location_id FROM stock_balance WHERE product_id = new.id);
END;

-- ---- the lot and commodity views of one origin ---------------------------------
-- The lot view (and what expires) of one origin walks that origin's lots in
-- the view's order (schema 18's order, behind the origin), and the commodity
-- view of one origin its commodities in id order. Not partial (WHERE qty >
-- 0) as schema 18's are: a partial index is rewritten at every change of the
-- quantity, i.e. at every sale, while these change only when a lot or a
-- commodity's origin first gets stock. The walk passes over the origin's
-- sold-out lots, not over other origins'.
CREATE INDEX stock_sum_lot_origin_order ON stock_sum_lot(origin, expiry IS NULL, expiry, product_id, code);
CREATE INDEX stock_sum_product_origin_order ON stock_sum_product_origin(origin, product_id);

-- ---- one location's commodities --------------------------------------------------
-- The commodity view of one location walks its balances in commodity order
-- and stops at the page (the fullest location holds a good part of the
-- store). Only the key changes: the quantity is not in it, so a sale does
-- not rewrite it.
DROP INDEX stock_balance_location;
CREATE INDEX stock_balance_location ON stock_balance(location_id, product_id);
