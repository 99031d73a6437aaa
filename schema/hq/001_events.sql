-- Head office (issue 13), on PostgreSQL: the stores and the events they push.
-- Applied by `entrepot hq init` in one transaction, recorded in
-- hq.schema_migration. Every table that grows with the stores' business is
-- partitioned by month and keyed by store first, so that the same schema can
-- be distributed by store on Citus (README, "Head office").

CREATE TABLE hq.store (
    code        text PRIMARY KEY CHECK (code ~ '^[A-Z0-9]{2,16}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role        name NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  name NOT NULL DEFAULT current_user
);

-- Every change a store made, as it made it: immutable, once per UUID.
CREATE TABLE hq.event (
    store        text NOT NULL,
    at           timestamptz NOT NULL,
    uuid         uuid NOT NULL,
    seq          bigint NOT NULL CHECK (seq > 0),
    kind         text NOT NULL,
    body         jsonb NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store, uuid, at)
) PARTITION BY RANGE (at);
CREATE INDEX event_store_seq ON hq.event (store, seq);

-- The store the connected role is (NULL for any other role): the key of
-- every row-level policy. SECURITY DEFINER, so a store's role need not read
-- hq.store (which would show it the other stores).
CREATE FUNCTION hq.my_store() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$ SELECT code FROM hq.store WHERE role = session_user $$;

-- A store's role can read and add only its own rows; nobody but the owner
-- can change or remove one (no UPDATE or DELETE is granted).
ALTER TABLE hq.event ENABLE ROW LEVEL SECURITY;
CREATE POLICY event_own_store ON hq.event USING (store = hq.my_store()) WITH CHECK (store = hq.my_store());

-- The month partitions are made on demand by the first row of a month; a
-- store's role owns nothing, so it asks this function (the owner's rights).
CREATE FUNCTION hq.event_month(t timestamptz) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$
DECLARE
    first timestamptz := date_trunc('month', t AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    part text := 'event_' || to_char(t AT TIME ZONE 'UTC', 'YYYY_MM');
BEGIN
    IF to_regclass('hq.' || part) IS NOT NULL THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('entrepot hq partition'));
    IF to_regclass('hq.' || part) IS NULL THEN
        EXECUTE format('CREATE TABLE hq.%I PARTITION OF hq.event FOR VALUES FROM (%L) TO (%L)',
                       part, first, first + interval '1 month');
    END IF;
END $$;

-- The role every store's role is a member of: what a store may do.
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'entrepot_store') THEN
        CREATE ROLE entrepot_store NOLOGIN;
    END IF;
END $$;
REVOKE ALL ON FUNCTION hq.my_store() FROM PUBLIC;
REVOKE ALL ON FUNCTION hq.event_month(timestamptz) FROM PUBLIC;
GRANT USAGE ON SCHEMA hq TO entrepot_store;
GRANT SELECT, INSERT ON hq.event TO entrepot_store;
GRANT EXECUTE ON FUNCTION hq.my_store(), hq.event_month(timestamptz) TO entrepot_store;
