-- entrepot schema 26: the counter's scan of a GS1 code with a lot in ONE
-- seek (issue 16: a scan within 2x of a bare GTIN lookup). A scan carries
-- the GTIN and the lot code; scan_lot is keyed by exactly that and holds
-- what the counter's resolve (ent_scan_resolve_ids) needs: the commodity,
-- the lot and the dates and origin it compares with the scan's. Before, a
-- scan sought the GTIN's index, then lot_scan (schema 25) among all lots.
--
-- A copy, kept by the triggers below in the same statement as every change
-- of its sources (a lot written, its code, dates or origin changed, a lot
-- deleted, a commodity's GTIN changed); `check` compares it with them. Only
-- lots of commodities with a GTIN are in it (the lean path seeks nothing
-- else). Lots are written by receipts and transfers, not by sales, so a
-- sale does not pay for it; lot_scan, which only that scan read, goes.
CREATE TABLE scan_lot (
    gtin            TEXT NOT NULL,        -- the commodity's own GTIN
    code            TEXT NOT NULL,        -- the lot's code, as on record
    product_id      INTEGER NOT NULL,
    lot_id          INTEGER NOT NULL,
    expiry          TEXT,
    production_date TEXT,
    origin          TEXT NOT NULL,
    PRIMARY KEY (gtin, code)
) WITHOUT ROWID;

INSERT INTO scan_lot(gtin, code, product_id, lot_id, expiry, production_date, origin)
    SELECT p.gtin, l.code, l.product_id, l.id, l.expiry, l.production_date, l.origin
    FROM lot l JOIN product p ON p.id = l.product_id
    WHERE p.gtin IS NOT NULL
    ORDER BY p.gtin, l.code;

DROP INDEX lot_scan;

-- OR REPLACE in the triggers: a copy that drifted (a hand edit with the
-- triggers off) heals under the next write instead of refusing it.
CREATE TRIGGER scan_lot_insert AFTER INSERT ON lot
BEGIN
    INSERT OR REPLACE INTO scan_lot(gtin, code, product_id, lot_id, expiry, production_date, origin)
        SELECT p.gtin, new.code, new.product_id, new.id, new.expiry, new.production_date, new.origin
        FROM product p WHERE p.id = new.product_id AND p.gtin IS NOT NULL;
END;

-- A lot changed by hand: out under its old key, in under its new one.
CREATE TRIGGER scan_lot_change AFTER UPDATE OF id, product_id, code, expiry, production_date, origin ON lot
WHEN new.id IS NOT old.id OR new.product_id IS NOT old.product_id OR new.code IS NOT old.code
     OR new.expiry IS NOT old.expiry OR new.production_date IS NOT old.production_date
     OR new.origin IS NOT old.origin
BEGIN
    DELETE FROM scan_lot
     WHERE gtin = (SELECT gtin FROM product WHERE id = old.product_id) AND code = old.code;
    INSERT OR REPLACE INTO scan_lot(gtin, code, product_id, lot_id, expiry, production_date, origin)
        SELECT p.gtin, new.code, new.product_id, new.id, new.expiry, new.production_date, new.origin
        FROM product p WHERE p.id = new.product_id AND p.gtin IS NOT NULL;
END;

CREATE TRIGGER scan_lot_delete AFTER DELETE ON lot
BEGIN
    DELETE FROM scan_lot
     WHERE gtin = (SELECT gtin FROM product WHERE id = old.product_id) AND code = old.code;
END;

-- A commodity's GTIN changed, given or taken away: its lots move to the
-- new key (the catalogue import's updates leave it alone unless it changed).
CREATE TRIGGER scan_lot_gtin_change AFTER UPDATE OF gtin ON product
WHEN new.gtin IS NOT old.gtin
BEGIN
    DELETE FROM scan_lot WHERE gtin = old.gtin;
    INSERT OR REPLACE INTO scan_lot(gtin, code, product_id, lot_id, expiry, production_date, origin)
        SELECT new.gtin, l.code, l.product_id, l.id, l.expiry, l.production_date, l.origin
        FROM lot l WHERE l.product_id = new.id AND new.gtin IS NOT NULL;
END;

CREATE TRIGGER scan_lot_product_delete AFTER DELETE ON product
BEGIN
    DELETE FROM scan_lot WHERE gtin = old.gtin;
END;
