-- entrepot schema 25: the catalogue by origin country, so that
-- `product list --origin CC` (and the server's and web app's list of one
-- origin) answers its first page by seeking that origin's commodities in
-- the order they were added, instead of walking the whole catalogue until
-- the page is full (a rare origin read nearly all of it: issue 21).
-- Only the commodities on sale are listed; retired ones stay out of it.
-- The rowid follows the origin in the index, so one origin's entries are
-- already in the list's order (no sort).
CREATE INDEX product_origin ON product(origin) WHERE retired_at IS NULL;

-- The counter's scan of a GS1 code with a lot (ent_scan_resolve_ids): the
-- lot's dates and origin beside its key, so that a scan compares them with
-- its own without reading the lot's row (issue 16: a scan within 2x of a
-- bare GTIN lookup). Lots are written by receipts and transfers, not by
-- sales, so a sale does not pay for it.
CREATE INDEX lot_scan ON lot(product_id, code, expiry, production_date, origin);
