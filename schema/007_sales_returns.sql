-- entrepot schema 8: the sales summaries keep returns apart from sales, so that
-- a report row shows gross sales, returns and net. A return no longer counts
-- as a negative line (which made the line count of a commodity go down), and
-- its value and units are kept in their own columns on the day of the refund.
--   value, units           net of returns (as before: sales minus returns)
--   transactions, lines    sales, and the lines sold (returns not counted)
--   returns, ret_lines     return transactions, and the lines taken back
--   ret_value, ret_units   what was refunded and taken back (positive)
ALTER TABLE sale_sum_hour ADD COLUMN ret_value INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sale_sum_hour ADD COLUMN ret_units INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sale_sum_origin ADD COLUMN ret_value INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sale_sum_origin ADD COLUMN ret_units INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sale_sum_origin ADD COLUMN ret_lines INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sale_sum_product ADD COLUMN ret_value INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sale_sum_product ADD COLUMN ret_units INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sale_sum_product ADD COLUMN ret_lines INTEGER NOT NULL DEFAULT 0;

-- The summaries of an existing database, recomputed from the sale lines
-- (the same statements as ent_sales_summary_rebuild).
DELETE FROM sale_sum_hour;
DELETE FROM sale_sum_origin;
DELETE FROM sale_sum_product;
INSERT INTO sale_sum_hour(day, hour, counter, cashier, value, units, transactions, returns, ret_value, ret_units)
SELECT day, hour, counter, cashier, SUM(total), SUM(units), SUM(kind = 'sale'), SUM(kind = 'return'),
       SUM(CASE WHEN kind = 'return' THEN -total ELSE 0 END), SUM(CASE WHEN kind = 'return' THEN -units ELSE 0 END)
FROM sale GROUP BY day, hour, counter, cashier;
INSERT INTO sale_sum_origin(day, origin, counter, value, units, lines, ret_value, ret_units, ret_lines)
SELECT s.day, l.origin, s.counter, SUM(l.amount),
       SUM(CASE WHEN l.unit = 'pcs' THEN l.qty WHEN l.qty > 0 THEN 1 ELSE -1 END),
       SUM(s.kind = 'sale'),
       SUM(CASE WHEN s.kind = 'return' THEN -l.amount ELSE 0 END),
       SUM(CASE WHEN s.kind <> 'return' THEN 0 WHEN l.unit = 'pcs' THEN -l.qty ELSE 1 END),
       SUM(s.kind = 'return')
FROM sale_line l JOIN sale s ON s.id = l.sale_id GROUP BY s.day, l.origin, s.counter;
INSERT INTO sale_sum_product(day, product_id, value, units, lines, ret_value, ret_units, ret_lines)
SELECT s.day, l.product_id, SUM(l.amount),
       SUM(CASE WHEN l.unit = 'pcs' THEN l.qty WHEN l.qty > 0 THEN 1 ELSE -1 END),
       SUM(s.kind = 'sale'),
       SUM(CASE WHEN s.kind = 'return' THEN -l.amount ELSE 0 END),
       SUM(CASE WHEN s.kind <> 'return' THEN 0 WHEN l.unit = 'pcs' THEN -l.qty ELSE 1 END),
       SUM(s.kind = 'return')
FROM sale_line l JOIN sale s ON s.id = l.sale_id GROUP BY s.day, l.product_id;
