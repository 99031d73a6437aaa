-- entrepot schema 28: each commodity's search keys listed once, in place of
-- the second index on them (issue 16, the catalogue import).
--
-- product_key_product (schema 13) held every key a second time, by
-- commodity, for two readers: deleting a commodity's keys when its names
-- change, and checking the other words of a search of several words. At
-- about 65 keys a commodity it was half of what an import wrote (and rebuilt
-- by a sort after a bulk), and 1.6 GB of the million-commodity demo. The
-- list is one row a commodity: every key as a line "\n" key "\x1f" tier, so
-- a key starting with a word is instr(keys, "\n" || word), and the keys to
-- delete are read from it. The library writes it with the keys.
CREATE TABLE product_key_list (
    product_id INTEGER PRIMARY KEY REFERENCES product(id),
    keys TEXT NOT NULL
);
-- In commodity order from the index that the list replaces (no sort).
INSERT INTO product_key_list(product_id, keys)
    SELECT product_id, char(10) || group_concat(k || char(31) || tier, char(10))
    FROM product_key INDEXED BY product_key_product GROUP BY product_id;
DROP INDEX product_key_product;
