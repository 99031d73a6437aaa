-- entrepot schema 11: a supervisor's approval recorded with what it allowed.
-- A price override or a discount above the store's limit is approved per
-- line (sale_line.approved_by); a void or a return without a receipt per
-- return (sale.approved_by). The approver's login name, as text: history
-- outlives a retired user. NULL: nobody had to approve.

ALTER TABLE sale_line ADD COLUMN approved_by TEXT;
ALTER TABLE sale ADD COLUMN approved_by TEXT;
