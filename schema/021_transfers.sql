-- Transfers between stores (issue 13): goods leave the sender's stock in the
-- ship transaction (ledger rows of kind 'transfer', reason 'ship', whose batch
-- is the transfer's UUID) and reach the receiver's stock when it receives them
-- (new local lot rows with the same lot data). Both ends are one outbox event
-- each, so head office sees what is in transit. And the outbox events for the
-- purchasing tables of schema 16, which sent none.

-- The chain's stores as head office last listed them (filled by a sync): a
-- transfer goes only to one of them.
CREATE TABLE peer_store (
    code     TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    seen_at  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE transfer (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,
    direction    TEXT NOT NULL CHECK (direction IN ('out', 'in')),
    from_store   TEXT NOT NULL,
    to_store     TEXT NOT NULL CHECK (to_store <> from_store),
    -- open: being written (never seen outside its transaction); shipped: in transit; received
    status       TEXT NOT NULL CHECK (status IN ('open', 'shipped', 'received')),
    shipped_at   TEXT,
    shipped_by   TEXT,
    received_at  TEXT,
    received_by  TEXT,
    location     TEXT,                 -- where the receiver put the goods
    note         TEXT
);
CREATE INDEX transfer_status ON transfer(status, direction);

-- One line per lot: the lot's data travels with the goods.
CREATE TABLE transfer_line (
    transfer_id      INTEGER NOT NULL REFERENCES transfer(id),
    line             INTEGER NOT NULL CHECK (line > 0),
    product          TEXT NOT NULL,          -- GTIN or SKU
    lot_uuid         TEXT NOT NULL,          -- the sender's lot
    lot              TEXT NOT NULL,
    origin           TEXT NOT NULL,
    declaration      TEXT,
    import_date      TEXT,
    production_date  TEXT,
    expiry           TEXT,
    supplier         TEXT,
    unit_cost        INTEGER CHECK (unit_cost IS NULL OR unit_cost >= 0),
    cost_currency    TEXT,
    qty              INTEGER NOT NULL CHECK (qty > 0),
    received         INTEGER CHECK (received >= 0),   -- good units put into stock
    damaged          INTEGER CHECK (damaged >= 0),    -- units that arrived unsellable (not put into stock)
    local_lot        TEXT,                            -- the receiver's lot UUID
    PRIMARY KEY (transfer_id, line),
    UNIQUE (transfer_id, lot_uuid)
) WITHOUT ROWID;

CREATE TRIGGER sync_transfer_ship AFTER UPDATE OF status ON transfer
WHEN new.direction = 'out' AND old.status = 'open' AND new.status = 'shipped'
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), 'transfer_ship', new.shipped_at,
        json_object('uuid', new.uuid, 'from', new.from_store, 'to', new.to_store, 'shipped_at', new.shipped_at, 'shipped_by', new.shipped_by, 'note', new.note,
            'lines', (SELECT json_group_array(json_object('line', t.line, 'product', t.product, 'lot_uuid', t.lot_uuid, 'lot', t.lot, 'origin', t.origin, 'declaration', t.declaration, 'import_date', t.import_date, 'production_date', t.production_date, 'expiry', t.expiry, 'supplier', t.supplier, 'unit_cost', t.unit_cost, 'cost_currency', t.cost_currency, 'qty', t.qty))
                      FROM (SELECT * FROM transfer_line WHERE transfer_id = new.id ORDER BY line) t)));
END;
CREATE TRIGGER sync_transfer_receipt AFTER UPDATE OF status ON transfer
WHEN new.direction = 'in' AND old.status = 'shipped' AND new.status = 'received'
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), 'transfer_receipt', new.received_at,
        json_object('uuid', new.uuid, 'from', new.from_store, 'to', new.to_store, 'received_at', new.received_at, 'received_by', new.received_by, 'location', new.location, 'note', new.note,
            'lines', (SELECT json_group_array(json_object('line', t.line, 'lot_uuid', t.lot_uuid, 'qty', t.qty, 'received', t.received, 'damaged', t.damaged, 'local_lot', t.local_lot))
                      FROM (SELECT * FROM transfer_line WHERE transfer_id = new.id ORDER BY line) t)));
END;

-- A journal record's event names the journal's store code too: head office
-- checks each record's signature against its seal, which holds that code.
DROP TRIGGER sync_journal_insert;
CREATE TRIGGER sync_journal_insert AFTER INSERT ON journal
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), 'journal', new.at,
        json_object('store', (SELECT code FROM store WHERE id = 1), 'seq', new.seq, 'uuid', new.uuid, 'kind', new.kind, 'at', new.at, 'counter', new.counter, 'cashier', new.cashier, 'ref', new.ref, 'currency', new.currency, 'total', new.total, 'grand_total', new.grand_total, 'event', new.event, 'note', new.note, 'pubkey', hex(new.pubkey), 'period', new.period, 'period_end', new.period_end, 'first_seq', new.first_seq, 'last_seq', new.last_seq, 'training', new.training, 'prev_hash', hex(new.prev_hash), 'key_id', hex(new.key_id), 'hash', hex(new.hash), 'sig', hex(new.sig)));
END;

-- Purchasing (schema 16): every row written, as the other tables' events.
CREATE TRIGGER sync_supplier_insert AFTER INSERT ON supplier
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), 'supplier', new.created_at,
        json_object('code', new.code, 'name_zh', new.name_zh, 'name_en', new.name_en, 'country', new.country, 'contact', new.contact, 'currency', new.currency, 'payment_terms', new.payment_terms, 'lead_days', new.lead_days, 'changed_at', new.created_at, 'changed_by', new.created_by));
END;
CREATE TRIGGER sync_supplier_update AFTER UPDATE ON supplier
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), 'supplier', coalesce(new.changed_at, new.created_at),
        json_object('code', new.code, 'name_zh', new.name_zh, 'name_en', new.name_en, 'country', new.country, 'contact', new.contact, 'currency', new.currency, 'payment_terms', new.payment_terms, 'lead_days', new.lead_days, 'changed_at', coalesce(new.changed_at, new.created_at), 'changed_by', coalesce(new.changed_by, new.created_by)));
END;
CREATE TRIGGER sync_supplier_item_insert AFTER INSERT ON supplier_item
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), 'supplier_item', new.changed_at,
        json_object('supplier', (SELECT code FROM supplier WHERE id = new.supplier_id), 'product', (SELECT coalesce(gtin, sku) FROM product WHERE id = new.product_id), 'supplier_code', new.supplier_code, 'pack_size', new.pack_size, 'last_price', new.last_price, 'changed_at', new.changed_at, 'changed_by', new.changed_by));
END;
CREATE TRIGGER sync_supplier_item_update AFTER UPDATE ON supplier_item
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), 'supplier_item', new.changed_at,
        json_object('supplier', (SELECT code FROM supplier WHERE id = new.supplier_id), 'product', (SELECT coalesce(gtin, sku) FROM product WHERE id = new.product_id), 'supplier_code', new.supplier_code, 'pack_size', new.pack_size, 'last_price', new.last_price, 'changed_at', new.changed_at, 'changed_by', new.changed_by));
END;
CREATE TRIGGER sync_supplier_item_delete AFTER DELETE ON supplier_item
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), 'supplier_item', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
        json_object('supplier', (SELECT code FROM supplier WHERE id = old.supplier_id), 'product', (SELECT coalesce(gtin, sku) FROM product WHERE id = old.product_id), 'removed', json('true')));
END;
CREATE TRIGGER sync_purchase_order_insert AFTER INSERT ON purchase_order
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), 'purchase', new.created_at,
        json_object('uuid', new.uuid, 'number', new.number, 'supplier', (SELECT code FROM supplier WHERE id = new.supplier_id), 'status', new.status, 'currency', new.currency, 'expected', new.expected, 'note', new.note, 'created_at', new.created_at, 'created_by', new.created_by, 'sent_at', new.sent_at, 'sent_by', new.sent_by, 'closed_at', new.closed_at, 'closed_by', new.closed_by));
END;
CREATE TRIGGER sync_purchase_order_update AFTER UPDATE ON purchase_order
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), 'purchase', coalesce(new.closed_at, new.sent_at, new.created_at),
        json_object('uuid', new.uuid, 'number', new.number, 'supplier', (SELECT code FROM supplier WHERE id = new.supplier_id), 'status', new.status, 'currency', new.currency, 'expected', new.expected, 'note', new.note, 'created_at', new.created_at, 'created_by', new.created_by, 'sent_at', new.sent_at, 'sent_by', new.sent_by, 'closed_at', new.closed_at, 'closed_by', new.closed_by));
END;
-- A line has no time of its own: the event carries the moment it was written.
CREATE TRIGGER sync_purchase_line_insert AFTER INSERT ON purchase_line
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), 'purchase_line', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
        json_object('order', (SELECT uuid FROM purchase_order WHERE id = new.order_id), 'line', new.line_no, 'product', (SELECT coalesce(gtin, sku) FROM product WHERE id = new.product_id), 'pack_size', new.pack_size, 'packs', new.packs, 'units', new.units, 'price', new.price, 'received', new.received, 'removed', json('false')));
END;
CREATE TRIGGER sync_purchase_line_update AFTER UPDATE ON purchase_line
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), 'purchase_line', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
        json_object('order', (SELECT uuid FROM purchase_order WHERE id = new.order_id), 'line', new.line_no, 'product', (SELECT coalesce(gtin, sku) FROM product WHERE id = new.product_id), 'pack_size', new.pack_size, 'packs', new.packs, 'units', new.units, 'price', new.price, 'received', new.received, 'removed', json('false')));
END;
CREATE TRIGGER sync_purchase_line_delete AFTER DELETE ON purchase_line
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), 'purchase_line', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
        json_object('order', (SELECT uuid FROM purchase_order WHERE id = old.order_id), 'line', old.line_no, 'product', (SELECT coalesce(gtin, sku) FROM product WHERE id = old.product_id), 'pack_size', old.pack_size, 'packs', old.packs, 'units', old.units, 'price', old.price, 'received', old.received, 'removed', json('true')));
END;
CREATE TRIGGER sync_purchase_change_insert AFTER INSERT ON purchase_change
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), 'purchase_change', new.at,
        json_object('order', (SELECT uuid FROM purchase_order WHERE id = new.order_id), 'at', new.at, 'user', new.user, 'what', new.what));
END;
CREATE TRIGGER sync_exchange_rate_insert AFTER INSERT ON exchange_rate
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), 'rate', new.entered_at,
        json_object('currency', new.currency, 'day', new.day, 'rate', new.rate, 'entered_at', new.entered_at, 'entered_by', new.entered_by));
END;
CREATE TRIGGER sync_exchange_rate_update AFTER UPDATE ON exchange_rate
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), 'rate', new.entered_at,
        json_object('currency', new.currency, 'day', new.day, 'rate', new.rate, 'entered_at', new.entered_at, 'entered_by', new.entered_by));
END;
CREATE TRIGGER sync_declaration_insert AFTER INSERT ON declaration
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), 'declaration', new.changed_at,
        json_object('number', new.number, 'day', new.day, 'duty', new.duty, 'import_vat', new.import_vat, 'consumption_tax', new.consumption_tax, 'freight', new.freight, 'insurance', new.insurance, 'other', new.other, 'basis', new.basis, 'changed_at', new.changed_at, 'changed_by', new.changed_by));
END;
CREATE TRIGGER sync_declaration_update AFTER UPDATE ON declaration
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), 'declaration', new.changed_at,
        json_object('number', new.number, 'day', new.day, 'duty', new.duty, 'import_vat', new.import_vat, 'consumption_tax', new.consumption_tax, 'freight', new.freight, 'insurance', new.insurance, 'other', new.other, 'basis', new.basis, 'changed_at', new.changed_at, 'changed_by', new.changed_by));
END;
CREATE TRIGGER sync_landed_lot_insert AFTER INSERT ON landed_lot
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), 'landed', new.computed_at,
        json_object('declaration', (SELECT number FROM declaration WHERE id = new.declaration_id), 'lot', (SELECT uuid FROM lot WHERE id = new.lot_id), 'qty', new.qty, 'goods_foreign', new.goods_foreign, 'currency', new.currency, 'rate', new.rate, 'rate_day', new.rate_day, 'goods', new.goods, 'duty', new.duty, 'import_vat', new.import_vat, 'consumption_tax', new.consumption_tax, 'freight', new.freight, 'insurance', new.insurance, 'other', new.other, 'landed', new.landed, 'remainder', new.remainder, 'computed_at', new.computed_at, 'computed_by', new.computed_by));
END;
CREATE TRIGGER sync_landed_lot_update AFTER UPDATE ON landed_lot
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), 'landed', new.computed_at,
        json_object('declaration', (SELECT number FROM declaration WHERE id = new.declaration_id), 'lot', (SELECT uuid FROM lot WHERE id = new.lot_id), 'qty', new.qty, 'goods_foreign', new.goods_foreign, 'currency', new.currency, 'rate', new.rate, 'rate_day', new.rate_day, 'goods', new.goods, 'duty', new.duty, 'import_vat', new.import_vat, 'consumption_tax', new.consumption_tax, 'freight', new.freight, 'insurance', new.insurance, 'other', new.other, 'landed', new.landed, 'remainder', new.remainder, 'computed_at', new.computed_at, 'computed_by', new.computed_by));
END;

-- A declaration's landed costs are worked out again by removing its rows first.
CREATE TRIGGER sync_landed_lot_delete AFTER DELETE ON landed_lot
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES ((SELECT uuid FROM sync_uuid), 'landed', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
        json_object('declaration', (SELECT number FROM declaration WHERE id = old.declaration_id), 'lot', (SELECT uuid FROM lot WHERE id = old.lot_id), 'removed', json('true')));
END;

-- What the purchasing tables already held: one event per row.
INSERT INTO sync_outbox (uuid, kind, at, body) SELECT (SELECT uuid FROM sync_uuid), 'supplier', coalesce(t.changed_at, t.created_at),
    json_object('code', t.code, 'name_zh', t.name_zh, 'name_en', t.name_en, 'country', t.country, 'contact', t.contact, 'currency', t.currency, 'payment_terms', t.payment_terms, 'lead_days', t.lead_days, 'changed_at', coalesce(t.changed_at, t.created_at), 'changed_by', coalesce(t.changed_by, t.created_by))
    FROM supplier AS t ORDER BY t.id;
INSERT INTO sync_outbox (uuid, kind, at, body) SELECT (SELECT uuid FROM sync_uuid), 'supplier_item', t.changed_at,
    json_object('supplier', (SELECT code FROM supplier WHERE id = t.supplier_id), 'product', (SELECT coalesce(gtin, sku) FROM product WHERE id = t.product_id), 'supplier_code', t.supplier_code, 'pack_size', t.pack_size, 'last_price', t.last_price, 'changed_at', t.changed_at, 'changed_by', t.changed_by)
    FROM supplier_item AS t ORDER BY t.changed_at;
INSERT INTO sync_outbox (uuid, kind, at, body) SELECT (SELECT uuid FROM sync_uuid), 'purchase', coalesce(o.closed_at, o.sent_at, o.created_at),
    json_object('uuid', o.uuid, 'number', o.number, 'supplier', (SELECT code FROM supplier WHERE id = o.supplier_id), 'status', o.status, 'currency', o.currency, 'expected', o.expected, 'note', o.note, 'created_at', o.created_at, 'created_by', o.created_by, 'sent_at', o.sent_at, 'sent_by', o.sent_by, 'closed_at', o.closed_at, 'closed_by', o.closed_by)
    FROM purchase_order AS o ORDER BY o.id;
INSERT INTO sync_outbox (uuid, kind, at, body) SELECT (SELECT uuid FROM sync_uuid), 'purchase_line', (SELECT coalesce(closed_at, sent_at, created_at) FROM purchase_order WHERE id = l.order_id),
    json_object('order', (SELECT uuid FROM purchase_order WHERE id = l.order_id), 'line', l.line_no, 'product', (SELECT coalesce(gtin, sku) FROM product WHERE id = l.product_id), 'pack_size', l.pack_size, 'packs', l.packs, 'units', l.units, 'price', l.price, 'received', l.received, 'removed', json('false'))
    FROM purchase_line AS l ORDER BY l.order_id, l.line_no;
INSERT INTO sync_outbox (uuid, kind, at, body) SELECT (SELECT uuid FROM sync_uuid), 'purchase_change', c.at,
    json_object('order', (SELECT uuid FROM purchase_order WHERE id = c.order_id), 'at', c.at, 'user', c.user, 'what', c.what)
    FROM purchase_change AS c ORDER BY c.id;
INSERT INTO sync_outbox (uuid, kind, at, body) SELECT (SELECT uuid FROM sync_uuid), 'rate', t.entered_at,
    json_object('currency', t.currency, 'day', t.day, 'rate', t.rate, 'entered_at', t.entered_at, 'entered_by', t.entered_by)
    FROM exchange_rate AS t ORDER BY t.entered_at;
INSERT INTO sync_outbox (uuid, kind, at, body) SELECT (SELECT uuid FROM sync_uuid), 'declaration', t.changed_at,
    json_object('number', t.number, 'day', t.day, 'duty', t.duty, 'import_vat', t.import_vat, 'consumption_tax', t.consumption_tax, 'freight', t.freight, 'insurance', t.insurance, 'other', t.other, 'basis', t.basis, 'changed_at', t.changed_at, 'changed_by', t.changed_by)
    FROM declaration AS t ORDER BY t.id;
INSERT INTO sync_outbox (uuid, kind, at, body) SELECT (SELECT uuid FROM sync_uuid), 'landed', t.computed_at,
    json_object('declaration', (SELECT number FROM declaration WHERE id = t.declaration_id), 'lot', (SELECT uuid FROM lot WHERE id = t.lot_id), 'qty', t.qty, 'goods_foreign', t.goods_foreign, 'currency', t.currency, 'rate', t.rate, 'rate_day', t.rate_day, 'goods', t.goods, 'duty', t.duty, 'import_vat', t.import_vat, 'consumption_tax', t.consumption_tax, 'freight', t.freight, 'insurance', t.insurance, 'other', t.other, 'landed', t.landed, 'remainder', t.remainder, 'computed_at', t.computed_at, 'computed_by', t.computed_by)
    FROM landed_lot AS t ORDER BY t.computed_at;
