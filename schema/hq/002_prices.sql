-- Prices and names set by head office (issue 13), pulled by the stores in
-- order of id: for every store (store NULL) or for one. A store's role reads
-- only its own and the chain's rows.
CREATE TABLE hq.price_change (
    id          bigserial PRIMARY KEY,
    store       text REFERENCES hq.store(code),
    code        text NOT NULL CHECK (code ~ '^[0-9A-Za-z._/-]{1,64}$'),  -- GTIN or SKU
    price       text CHECK (price ~ '^[0-9]{1,8}(\.[0-9]{1,2})?$'),
    name_zh     text CHECK (length(name_zh) BETWEEN 1 AND 200),
    name_en     text CHECK (length(name_en) BETWEEN 1 AND 200),
    changed_at  timestamptz NOT NULL DEFAULT now(),
    changed_by  name NOT NULL DEFAULT current_user,
    CHECK (price IS NOT NULL OR name_zh IS NOT NULL OR name_en IS NOT NULL)
);
CREATE INDEX price_change_store ON hq.price_change (store, id);
ALTER TABLE hq.price_change ENABLE ROW LEVEL SECURITY;
CREATE POLICY price_change_own_store ON hq.price_change FOR SELECT
    USING (store IS NULL OR store = hq.my_store());
GRANT SELECT ON hq.price_change TO entrepot_store;
