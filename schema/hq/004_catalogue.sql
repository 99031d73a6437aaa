-- Head office's catalogue (issue 13): commodities added or changed at head
-- office (entrepot hq product add|edit|import). hq.product holds each one's
-- fields as text (the names of the store library's ent_product_fields); every
-- addition or change is also a row of hq.price_change, the one stream the
-- stores pull in order, with the fields it carries in `fields` and `new` set
-- for an addition: a store that does not list the commodity adds it, one
-- that does changes the fields given.
CREATE TABLE hq.product (
    code        text PRIMARY KEY CHECK (code ~ '^[0-9A-Za-z._/-]{1,64}$'),  -- GTIN (14 digits) or SKU
    fields      jsonb NOT NULL CHECK (jsonb_typeof(fields) = 'object'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  name NOT NULL DEFAULT current_user,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  name NOT NULL DEFAULT current_user
);
-- The catalogue is the chain's: every store reads all of it.
GRANT SELECT ON hq.product TO entrepot_store;

ALTER TABLE hq.price_change ADD COLUMN fields jsonb CHECK (fields IS NULL OR jsonb_typeof(fields) = 'object');
ALTER TABLE hq.price_change ADD COLUMN new boolean NOT NULL DEFAULT false;
-- A change may now carry only other fields (a brand, an origin...).
ALTER TABLE hq.price_change DROP CONSTRAINT IF EXISTS price_change_check;
ALTER TABLE hq.price_change ADD CONSTRAINT price_change_something
    CHECK (price IS NOT NULL OR name_zh IS NOT NULL OR name_en IS NOT NULL OR fields IS NOT NULL);

-- A store's own rows: hq.my_store() once per statement (an InitPlan), not
-- once per row as a bare call of the SECURITY DEFINER function is; a batch of
-- 10,000 events was paying 10,000 lookups of hq.store.
ALTER POLICY event_own_store ON hq.event
    USING (store = (SELECT hq.my_store())) WITH CHECK (store = (SELECT hq.my_store()));
ALTER POLICY price_change_own_store ON hq.price_change
    USING (store IS NULL OR store = (SELECT hq.my_store()));
