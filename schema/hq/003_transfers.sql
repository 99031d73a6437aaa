-- Transfers between stores (issue 13), as the stores' events tell them: a
-- ship event makes the row (the sender is the store that pushed it, never
-- what its body says), the receiver's receipt event completes it. What is
-- shipped and not yet received is in transit. A store's role reads only the
-- transfers it sent or receives; nobody but the owner writes them.
CREATE TABLE hq.transfer (
    uuid            uuid PRIMARY KEY,
    from_store      text NOT NULL,
    to_store        text NOT NULL,
    shipped_at      timestamptz NOT NULL,
    ship            jsonb NOT NULL,              -- the ship event's body: lots and quantities
    units           bigint NOT NULL,
    received_at     timestamptz,
    receipt         jsonb,                       -- the receipt event's body
    received_units  bigint,
    damaged_units   bigint
);
CREATE INDEX transfer_to_store ON hq.transfer (to_store) WHERE received_at IS NULL;
CREATE INDEX transfer_from_store ON hq.transfer (from_store, shipped_at);
ALTER TABLE hq.transfer ENABLE ROW LEVEL SECURITY;
CREATE POLICY transfer_parties ON hq.transfer FOR SELECT
    USING (from_store = hq.my_store() OR to_store = hq.my_store());
GRANT SELECT ON hq.transfer TO entrepot_store;

CREATE FUNCTION hq.event_transfer() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$
BEGIN
    IF NEW.kind = 'transfer_ship' THEN
        INSERT INTO hq.transfer (uuid, from_store, to_store, shipped_at, ship, units)
        VALUES ((NEW.body->>'uuid')::uuid, NEW.store, NEW.body->>'to', NEW.at, NEW.body,
                (SELECT coalesce(sum((l->>'qty')::bigint), 0) FROM jsonb_array_elements(NEW.body->'lines') l))
        ON CONFLICT (uuid) DO NOTHING;
    ELSIF NEW.kind = 'transfer_receipt' THEN
        UPDATE hq.transfer SET received_at = NEW.at, receipt = NEW.body,
            received_units = (SELECT coalesce(sum((l->>'received')::bigint), 0) FROM jsonb_array_elements(NEW.body->'lines') l),
            damaged_units = (SELECT coalesce(sum((l->>'damaged')::bigint), 0) FROM jsonb_array_elements(NEW.body->'lines') l)
        WHERE uuid = (NEW.body->>'uuid')::uuid AND to_store = NEW.store AND received_at IS NULL;
    END IF;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION hq.event_transfer() FROM PUBLIC;
CREATE TRIGGER event_transfer AFTER INSERT ON hq.event FOR EACH ROW
    WHEN (NEW.kind IN ('transfer_ship', 'transfer_receipt')) EXECUTE FUNCTION hq.event_transfer();

-- The chain's stores, codes and names (never their roles), for a store to
-- know where it may ship.
CREATE FUNCTION hq.chain_stores() RETURNS TABLE (code text, name text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$ SELECT code, name FROM hq.store ORDER BY code $$;
REVOKE ALL ON FUNCTION hq.chain_stores() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hq.chain_stores() TO entrepot_store;

-- A store's journal records by their journal sequence number: a sync asks
-- whether head office holds two different records under one number (a store
-- database restored from a backup, or replaced, that went on writing).
CREATE INDEX event_journal_seq ON hq.event (store, ((body->>'seq')::bigint)) WHERE kind = 'journal';

-- Each store's journal key, pinned by the first START record head office
-- receives from it: a later journal that starts with another key (a replaced
-- database) does not move the pin, and `hq journal verify` names it.
CREATE TABLE hq.store_key (
    store      text PRIMARY KEY REFERENCES hq.store(code),
    key_id     text NOT NULL,
    pubkey     text NOT NULL,            -- DER SubjectPublicKeyInfo, hex
    pinned_at  timestamptz NOT NULL DEFAULT now()
);
CREATE FUNCTION hq.event_journal_key() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hq
    AS $$
BEGIN
    INSERT INTO hq.store_key (store, key_id, pubkey)
    VALUES (NEW.store, lower(NEW.body->>'key_id'), lower(NEW.body->>'pubkey'))
    ON CONFLICT (store) DO NOTHING;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION hq.event_journal_key() FROM PUBLIC;
CREATE TRIGGER event_journal_key AFTER INSERT ON hq.event FOR EACH ROW
    WHEN (NEW.kind = 'journal' AND NEW.body->>'kind' = 'START' AND coalesce(NEW.body->>'pubkey', '') <> '')
    EXECUTE FUNCTION hq.event_journal_key();
