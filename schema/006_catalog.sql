-- entrepot schema 6: priced and retired commodities, case-blind location
-- codes, retired locations.

-- "No price" is not a price of zero: a commodity with priced = 0 cannot be
-- sold, nor get a label that shows a price, until it is priced. Before this
-- version nothing could say "no price", and a price of 0 is what a commodity
-- added without one got: those become unpriced. A price of 0 can be set
-- again on purpose.
ALTER TABLE product ADD COLUMN priced INTEGER NOT NULL DEFAULT 1 CHECK (priced IN (0, 1));
UPDATE product SET priced = 0 WHERE price = 0;

-- A retired commodity or location stays for history (ledger, sales, labels
-- printed) but is gone from sales, lists and searches: NULL while in use.
ALTER TABLE product ADD COLUMN retired_at TEXT;
ALTER TABLE location ADD COLUMN retired_at TEXT;

-- Location codes are unique regardless of case. Where an existing database
-- has codes that differ only in case, the oldest keeps its code and each
-- other one becomes CODE-DUP<n> (n its internal number, at most 32 bytes in
-- all), so that no stock or history is lost; rename them afterwards.
UPDATE location SET code = substr(code, 1, 28 - length(id)) || '-DUP' || id
 WHERE EXISTS (SELECT 1 FROM location o WHERE o.code = location.code COLLATE NOCASE AND o.id < location.id);
CREATE UNIQUE INDEX location_code_nocase ON location(code COLLATE NOCASE);
