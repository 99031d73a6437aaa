-- entrepot schema 13: the search keys of commodities (pinyin search).
--
-- Each commodity has rows of keys: its codes, its names and brand, their
-- pinyin in full and as initials, and what each key reads from a later
-- syllable, character or word on. tier is the rank of a match: 0 a code,
-- 1 a name from its start, 2 initials from the start, 3 the rest, 4 the last
-- 4 to 6 digits of a GTIN. The library writes them in the transaction that
-- writes the names (SQL cannot read pinyin): search_pending asks the next
-- read-write opening to fill them for the commodities that were there.
CREATE TABLE product_key (
    tier INTEGER NOT NULL CHECK (tier BETWEEN 0 AND 4),
    k TEXT NOT NULL,
    product_id INTEGER NOT NULL REFERENCES product(id),
    PRIMARY KEY (tier, k, product_id)
) WITHOUT ROWID;
CREATE INDEX product_key_product ON product_key(product_id, k);

CREATE TABLE search_pending (one INTEGER PRIMARY KEY CHECK (one = 1));
INSERT INTO search_pending SELECT 1 WHERE EXISTS (SELECT 1 FROM product);
