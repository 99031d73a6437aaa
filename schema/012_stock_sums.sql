-- entrepot schema 12: on-hand summaries, so that the location list and the
-- low-stock view answer from one row per location or commodity instead of
-- adding up every balance (issue 21). Triggers on stock_balance keep them in
-- the same transaction as every change of a balance, whoever writes it; the
-- integrity check recomputes them from the balances.

-- One row per location that ever held stock.
CREATE TABLE stock_sum_location (
    location_id  INTEGER PRIMARY KEY REFERENCES location(id),
    qty          INTEGER NOT NULL,          -- units on hand
    lots         INTEGER NOT NULL           -- balances above zero (lot at this location)
);

-- One row per commodity that ever held stock or has a reorder point.
CREATE TABLE stock_sum_product (
    product_id     INTEGER PRIMARY KEY REFERENCES product(id),
    qty            INTEGER NOT NULL,        -- on hand everywhere
    sellable       INTEGER NOT NULL,        -- on hand on the shelf and in the back room
    reorder_point  INTEGER NOT NULL         -- copy of product.reorder_point, for the index below
);
-- The low-stock view: the shortest first, only the commodities at or below
-- their reorder point are in the index.
CREATE INDEX stock_sum_product_low ON stock_sum_product(sellable - reorder_point, product_id)
    WHERE reorder_point > 0 AND sellable <= reorder_point;

CREATE TRIGGER stock_sum_balance_insert AFTER INSERT ON stock_balance
BEGIN
    INSERT OR IGNORE INTO stock_sum_location(location_id, qty, lots) VALUES (new.location_id, 0, 0);
    UPDATE stock_sum_location SET qty = qty + new.qty, lots = lots + (new.qty > 0)
     WHERE location_id = new.location_id;
    INSERT OR IGNORE INTO stock_sum_product(product_id, qty, sellable, reorder_point)
        SELECT new.product_id, 0, 0, COALESCE((SELECT reorder_point FROM product WHERE id = new.product_id), 0);
    UPDATE stock_sum_product SET qty = qty + new.qty,
           sellable = sellable + (SELECT CASE WHEN kind IN ('shelf', 'backroom') THEN new.qty ELSE 0 END
                                  FROM location WHERE id = new.location_id)
     WHERE product_id = new.product_id;
END;

-- The library changes only the quantity of a balance: the difference is added.
CREATE TRIGGER stock_sum_balance_update AFTER UPDATE OF qty ON stock_balance
WHEN new.lot_id = old.lot_id AND new.location_id = old.location_id AND new.product_id = old.product_id
BEGIN
    UPDATE stock_sum_location SET qty = qty + (new.qty - old.qty), lots = lots + (new.qty > 0) - (old.qty > 0)
     WHERE location_id = new.location_id;
    UPDATE stock_sum_product SET qty = qty + (new.qty - old.qty),
           sellable = sellable + (SELECT CASE WHEN kind IN ('shelf', 'backroom') THEN new.qty - old.qty ELSE 0 END
                                  FROM location WHERE id = new.location_id)
     WHERE product_id = new.product_id;
END;

-- A balance moved to another key (only by hand): out of the old sums, into the new.
CREATE TRIGGER stock_sum_balance_rekey AFTER UPDATE ON stock_balance
WHEN new.lot_id <> old.lot_id OR new.location_id <> old.location_id OR new.product_id <> old.product_id
BEGIN
    UPDATE stock_sum_location SET qty = qty - old.qty, lots = lots - (old.qty > 0) WHERE location_id = old.location_id;
    UPDATE stock_sum_product SET qty = qty - old.qty,
           sellable = sellable - (SELECT CASE WHEN kind IN ('shelf', 'backroom') THEN old.qty ELSE 0 END
                                  FROM location WHERE id = old.location_id)
     WHERE product_id = old.product_id;
    INSERT OR IGNORE INTO stock_sum_location(location_id, qty, lots) VALUES (new.location_id, 0, 0);
    UPDATE stock_sum_location SET qty = qty + new.qty, lots = lots + (new.qty > 0) WHERE location_id = new.location_id;
    INSERT OR IGNORE INTO stock_sum_product(product_id, qty, sellable, reorder_point)
        SELECT new.product_id, 0, 0, COALESCE((SELECT reorder_point FROM product WHERE id = new.product_id), 0);
    UPDATE stock_sum_product SET qty = qty + new.qty,
           sellable = sellable + (SELECT CASE WHEN kind IN ('shelf', 'backroom') THEN new.qty ELSE 0 END
                                  FROM location WHERE id = new.location_id)
     WHERE product_id = new.product_id;
END;

CREATE TRIGGER stock_sum_balance_delete AFTER DELETE ON stock_balance
BEGIN
    UPDATE stock_sum_location SET qty = qty - old.qty, lots = lots - (old.qty > 0) WHERE location_id = old.location_id;
    UPDATE stock_sum_product SET qty = qty - old.qty,
           sellable = sellable - (SELECT CASE WHEN kind IN ('shelf', 'backroom') THEN old.qty ELSE 0 END
                                  FROM location WHERE id = old.location_id)
     WHERE product_id = old.product_id;
END;

-- The reorder point travels with the commodity.
CREATE TRIGGER stock_sum_product_insert AFTER INSERT ON product WHEN new.reorder_point > 0
BEGIN
    INSERT OR IGNORE INTO stock_sum_product(product_id, qty, sellable, reorder_point)
        VALUES (new.id, 0, 0, new.reorder_point);
END;

CREATE TRIGGER stock_sum_product_reorder AFTER UPDATE OF reorder_point ON product
BEGIN
    INSERT OR IGNORE INTO stock_sum_product(product_id, qty, sellable, reorder_point) VALUES (new.id, 0, 0, 0);
    UPDATE stock_sum_product SET reorder_point = new.reorder_point WHERE product_id = new.id;
END;

-- A location that changes kind (only by hand) moves its stock in or out of what can be sold.
CREATE TRIGGER stock_sum_location_kind AFTER UPDATE OF kind ON location
WHEN (old.kind IN ('shelf', 'backroom')) <> (new.kind IN ('shelf', 'backroom'))
BEGIN
    UPDATE stock_sum_product
       SET sellable = sellable + (CASE WHEN new.kind IN ('shelf', 'backroom') THEN 1 ELSE -1 END)
                      * (SELECT SUM(b.qty) FROM stock_balance b
                         WHERE b.location_id = new.id AND b.product_id = stock_sum_product.product_id)
     WHERE product_id IN (SELECT product_id FROM stock_balance WHERE location_id = new.id);
END;

-- Built from the balances there are.
INSERT INTO stock_sum_location(location_id, qty, lots)
    SELECT location_id, SUM(qty), COUNT(CASE WHEN qty > 0 THEN 1 END) FROM stock_balance GROUP BY location_id;
INSERT INTO stock_sum_product(product_id, qty, sellable, reorder_point)
    SELECT p.id, COALESCE(t.qty, 0), COALESCE(t.sellable, 0), p.reorder_point
    FROM product p LEFT JOIN (SELECT b.product_id, SUM(b.qty) AS qty,
                                     SUM(CASE WHEN loc.kind IN ('shelf', 'backroom') THEN b.qty ELSE 0 END) AS sellable
                              FROM stock_balance b JOIN location loc ON loc.id = b.location_id
                              GROUP BY b.product_id) t ON t.product_id = p.id
    WHERE t.product_id IS NOT NULL OR p.reorder_point > 0;
