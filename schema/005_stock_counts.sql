-- entrepot schema 5: stock counts count each line against the stock at the
-- moment it is counted, and say who counted it; lots of commodities with a
-- shelf life get the expiry that production date + shelf life gives.

-- The ledger head when the line was last counted (NULL: when the count began),
-- the expected figure being the stock at that moment.
ALTER TABLE stock_count_line ADD COLUMN as_of_move_id INTEGER;
ALTER TABLE stock_count_line ADD COLUMN counted_by TEXT;
ALTER TABLE stock_count_line ADD COLUMN counted_at TEXT;

-- One open count per location is looked up at every count start.
CREATE INDEX stock_count_open ON stock_count(location_id) WHERE posted_at IS NULL;

-- Lots received before the shelf life made an expiry (issue 9): without it
-- they were missed by the expiry report and sold past their date.
UPDATE lot SET expiry = date(production_date, '+' || (SELECT p.shelf_life_days FROM product p
                                                         WHERE p.id = lot.product_id) || ' days')
WHERE expiry IS NULL AND production_date IS NOT NULL
  AND (SELECT p.shelf_life_days FROM product p WHERE p.id = lot.product_id) > 0;
