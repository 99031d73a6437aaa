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

-- Sales by store, local day (Asia/Shanghai, the chain's zone) and origin
-- country, kept as the events arrive: head office's month of sales by
-- country per store reads this instead of joining every line to its sale.
-- A statement trigger over the rows a batch really inserted (ON CONFLICT DO
-- NOTHING leaves a resent event out of the transition table), so each line
-- counts once; the store leads the key (Citus: distributed by store too).
CREATE TABLE hq.sales_day (
    store   text NOT NULL,
    day     date NOT NULL,
    origin  text NOT NULL,
    lines   bigint NOT NULL,
    units   bigint NOT NULL,
    amount  bigint NOT NULL,  -- minor units, net of returns
    PRIMARY KEY (store, day, origin)
);
CREATE FUNCTION hq.sales_day_add() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$
BEGIN
    INSERT INTO hq.sales_day AS d (store, day, origin, lines, units, amount)
    SELECT store, (at AT TIME ZONE 'Asia/Shanghai')::date, coalesce(body->>'origin', ''), count(*),
           sum((body->>'qty')::bigint), sum((body->>'amount')::bigint)
    FROM new_events WHERE kind = 'sale_line' GROUP BY 1, 2, 3
    ON CONFLICT (store, day, origin) DO UPDATE
        SET lines = d.lines + excluded.lines, units = d.units + excluded.units, amount = d.amount + excluded.amount;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION hq.sales_day_add() FROM PUBLIC;
CREATE TRIGGER event_sales_day AFTER INSERT ON hq.event REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION hq.sales_day_add();
INSERT INTO hq.sales_day (store, day, origin, lines, units, amount)
SELECT store, (at AT TIME ZONE 'Asia/Shanghai')::date, coalesce(body->>'origin', ''), count(*),
       sum((body->>'qty')::bigint), sum((body->>'amount')::bigint)
FROM hq.event WHERE kind = 'sale_line' GROUP BY 1, 2, 3;
