-- The outbox (issue 13): every change head office must hold, as an immutable
-- UUID-keyed event written by a trigger in the same transaction as the change
-- itself, so no change can be made without its event. `entrepot sync` pushes
-- the events in order of seq and moves sync_state.acked_seq only after head
-- office has said it holds them. Bodies are JSON; local integer keys become
-- the codes and UUIDs head office knows (GTIN or SKU, location code, lot UUID).
CREATE TABLE sync_outbox (
    seq   INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid  TEXT NOT NULL UNIQUE,
    kind  TEXT NOT NULL,
    at    TEXT NOT NULL,            -- the change's own time (UTC), head office partitions by its month
    body  TEXT NOT NULL CHECK (json_valid(body))
);
CREATE TRIGGER sync_outbox_no_update BEFORE UPDATE ON sync_outbox
BEGIN SELECT RAISE(ABORT, 'sync events are immutable'); END;
CREATE TRIGGER sync_outbox_no_delete BEFORE DELETE ON sync_outbox
BEGIN SELECT RAISE(ABORT, 'sync events are immutable'); END;

-- How far head office has acknowledged, and which head-office store this
-- database is (set at the first sync; a later sync as another store is refused).
CREATE TABLE sync_state (
    one        INTEGER PRIMARY KEY CHECK (one = 1),
    store      TEXT,
    acked_seq  INTEGER NOT NULL DEFAULT 0 CHECK (acked_seq >= 0),
    acked_at   TEXT,
    last_sync  TEXT,
    pulled_id  INTEGER NOT NULL DEFAULT 0 CHECK (pulled_id >= 0) -- the last head-office price change applied
);
INSERT INTO sync_state (one) VALUES (1);

CREATE TRIGGER sync_lot_insert AFTER INSERT ON lot
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'lot', new.created_at,
        json_object('uuid', new.uuid, 'product', (SELECT coalesce(gtin, sku) FROM product WHERE id = new.product_id), 'code', new.code, 'origin', new.origin, 'declaration', new.declaration, 'import_date', new.import_date, 'production_date', new.production_date, 'expiry', new.expiry, 'supplier', new.supplier, 'unit_cost', new.unit_cost, 'cost_currency', new.cost_currency, 'created_at', new.created_at));
END;
CREATE TRIGGER sync_stock_move_insert AFTER INSERT ON stock_move
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'move', new.at,
        json_object('uuid', new.uuid, 'batch', new.batch, 'at', new.at, 'kind', new.kind, 'product', (SELECT coalesce(gtin, sku) FROM product WHERE id = new.product_id), 'lot', (SELECT uuid FROM lot WHERE id = new.lot_id), 'location', (SELECT code FROM location WHERE id = new.location_id), 'qty', new.qty, 'reason', new.reason, 'note', new.note, 'user', new.user));
END;
CREATE TRIGGER sync_stock_count_insert AFTER INSERT ON stock_count
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'count_start', new.started_at,
        json_object('uuid', new.uuid, 'location', (SELECT code FROM location WHERE id = new.location_id), 'started_at', new.started_at, 'user', new.user));
END;
CREATE TRIGGER sync_stock_count_update AFTER UPDATE OF posted_at ON stock_count WHEN new.posted_at IS NOT NULL AND old.posted_at IS NULL
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'count_post', new.posted_at,
        json_object('uuid', new.uuid, 'location', (SELECT code FROM location WHERE id = new.location_id), 'started_at', new.started_at, 'posted_at', new.posted_at, 'user', new.user, 'lines', (SELECT json_group_array(json_object('lot', l.uuid, 'expected', c.expected, 'counted', c.counted)) FROM stock_count_line c JOIN lot l ON l.id = c.lot_id WHERE c.count_id = new.id)));
END;
CREATE TRIGGER sync_sale_insert AFTER INSERT ON sale
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'sale', new.at,
        json_object('uuid', new.uuid, 'receipt', new.receipt, 'kind', new.kind, 'ref', (SELECT uuid FROM sale WHERE id = new.ref_id), 'at', new.at, 'day', new.day, 'hour', new.hour, 'counter', new.counter, 'cashier', new.cashier, 'total', new.total, 'tax', new.tax, 'units', new.units, 'note', new.note, 'approved_by', new.approved_by));
END;
CREATE TRIGGER sync_sale_line_insert AFTER INSERT ON sale_line
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'sale_line', (SELECT at FROM sale WHERE id = new.sale_id),
        json_object('sale', (SELECT uuid FROM sale WHERE id = new.sale_id), 'line', new.line, 'product', (SELECT coalesce(gtin, sku) FROM product WHERE id = new.product_id), 'code', new.code, 'name', new.name, 'origin', new.origin, 'lot', new.lot, 'unit', new.unit, 'qty', new.qty, 'unit_price', new.unit_price, 'discount', new.discount, 'amount', new.amount, 'tax_rate', new.tax_rate, 'tax', new.tax, 'price_reason', new.price_reason, 'discount_reason', new.discount_reason, 'approved_by', new.approved_by, 'ref_line', (SELECT s.uuid || ':' || r.line FROM sale_line r JOIN sale s ON s.id = r.sale_id WHERE r.id = new.ref_line)));
END;
CREATE TRIGGER sync_sale_pay_insert AFTER INSERT ON sale_pay
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'sale_pay', (SELECT at FROM sale WHERE id = new.sale_id),
        json_object('sale', (SELECT uuid FROM sale WHERE id = new.sale_id), 'method', new.method, 'amount', new.amount, 'tendered', new.tendered, 'change', new.change));
END;
CREATE TRIGGER sync_journal_insert AFTER INSERT ON journal
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'journal', new.at,
        json_object('seq', new.seq, 'uuid', new.uuid, 'kind', new.kind, 'at', new.at, 'counter', new.counter, 'cashier', new.cashier, 'ref', new.ref, 'currency', new.currency, 'total', new.total, 'grand_total', new.grand_total, 'event', new.event, 'note', new.note, 'pubkey', hex(new.pubkey), 'period', new.period, 'period_end', new.period_end, 'first_seq', new.first_seq, 'last_seq', new.last_seq, 'training', new.training, 'prev_hash', hex(new.prev_hash), 'key_id', hex(new.key_id), 'hash', hex(new.hash), 'sig', hex(new.sig)));
END;
CREATE TRIGGER sync_flow_count_insert AFTER INSERT ON flow_count
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'flow', new.start,
        json_object('sensor', new.sensor, 'start', new.start, 'minutes', new.minutes, 'day', new.day, 'hour', new.hour, 'n_in', new.n_in, 'n_out', new.n_out, 'source', new.source));
END;
CREATE TRIGGER sync_flow_count_update AFTER UPDATE ON flow_count
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'flow', new.start,
        json_object('sensor', new.sensor, 'start', new.start, 'minutes', new.minutes, 'day', new.day, 'hour', new.hour, 'n_in', new.n_in, 'n_out', new.n_out, 'source', new.source));
END;
CREATE TRIGGER sync_label_queue_insert AFTER INSERT ON label_queue
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'label_queue', new.queued_at,
        json_object('product', (SELECT coalesce(gtin, sku) FROM product WHERE id = new.product_id), 'location', (SELECT code FROM location WHERE id = new.location_id), 'reason', new.reason, 'queued_at', new.queued_at, 'user', new.user));
END;
CREATE TRIGGER sync_label_print_insert AFTER INSERT ON label_print
BEGIN
    INSERT INTO sync_outbox (uuid, kind, at, body) VALUES (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'label_print', new.at,
        json_object('at', new.at, 'user', new.user, 'template', new.template, 'labels', new.labels, 'destination', new.destination));
END;

-- What the database already held before this migration: one event per row, in the order it was made.
INSERT INTO sync_outbox (uuid, kind, at, body) SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'lot', t.created_at,
    json_object('uuid', t.uuid, 'product', (SELECT coalesce(gtin, sku) FROM product WHERE id = t.product_id), 'code', t.code, 'origin', t.origin, 'declaration', t.declaration, 'import_date', t.import_date, 'production_date', t.production_date, 'expiry', t.expiry, 'supplier', t.supplier, 'unit_cost', t.unit_cost, 'cost_currency', t.cost_currency, 'created_at', t.created_at)
    FROM lot AS t ORDER BY t.created_at;
INSERT INTO sync_outbox (uuid, kind, at, body) SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'move', t.at,
    json_object('uuid', t.uuid, 'batch', t.batch, 'at', t.at, 'kind', t.kind, 'product', (SELECT coalesce(gtin, sku) FROM product WHERE id = t.product_id), 'lot', (SELECT uuid FROM lot WHERE id = t.lot_id), 'location', (SELECT code FROM location WHERE id = t.location_id), 'qty', t.qty, 'reason', t.reason, 'note', t.note, 'user', t.user)
    FROM stock_move AS t ORDER BY t.at;
INSERT INTO sync_outbox (uuid, kind, at, body) SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'count_start', t.started_at,
    json_object('uuid', t.uuid, 'location', (SELECT code FROM location WHERE id = t.location_id), 'started_at', t.started_at, 'user', t.user)
    FROM stock_count AS t ORDER BY t.started_at;
INSERT INTO sync_outbox (uuid, kind, at, body) SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'sale', t.at,
    json_object('uuid', t.uuid, 'receipt', t.receipt, 'kind', t.kind, 'ref', (SELECT uuid FROM sale WHERE id = t.ref_id), 'at', t.at, 'day', t.day, 'hour', t.hour, 'counter', t.counter, 'cashier', t.cashier, 'total', t.total, 'tax', t.tax, 'units', t.units, 'note', t.note, 'approved_by', t.approved_by)
    FROM sale AS t ORDER BY t.at;
INSERT INTO sync_outbox (uuid, kind, at, body) SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'sale_line', (SELECT at FROM sale WHERE id = t.sale_id),
    json_object('sale', (SELECT uuid FROM sale WHERE id = t.sale_id), 'line', t.line, 'product', (SELECT coalesce(gtin, sku) FROM product WHERE id = t.product_id), 'code', t.code, 'name', t.name, 'origin', t.origin, 'lot', t.lot, 'unit', t.unit, 'qty', t.qty, 'unit_price', t.unit_price, 'discount', t.discount, 'amount', t.amount, 'tax_rate', t.tax_rate, 'tax', t.tax, 'price_reason', t.price_reason, 'discount_reason', t.discount_reason, 'approved_by', t.approved_by, 'ref_line', (SELECT s.uuid || ':' || r.line FROM sale_line r JOIN sale s ON s.id = r.sale_id WHERE r.id = t.ref_line))
    FROM sale_line AS t ORDER BY (SELECT at FROM sale WHERE id = t.sale_id);
INSERT INTO sync_outbox (uuid, kind, at, body) SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'sale_pay', (SELECT at FROM sale WHERE id = t.sale_id),
    json_object('sale', (SELECT uuid FROM sale WHERE id = t.sale_id), 'method', t.method, 'amount', t.amount, 'tendered', t.tendered, 'change', t.change)
    FROM sale_pay AS t ORDER BY (SELECT at FROM sale WHERE id = t.sale_id);
INSERT INTO sync_outbox (uuid, kind, at, body) SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'journal', t.at,
    json_object('seq', t.seq, 'uuid', t.uuid, 'kind', t.kind, 'at', t.at, 'counter', t.counter, 'cashier', t.cashier, 'ref', t.ref, 'currency', t.currency, 'total', t.total, 'grand_total', t.grand_total, 'event', t.event, 'note', t.note, 'pubkey', hex(t.pubkey), 'period', t.period, 'period_end', t.period_end, 'first_seq', t.first_seq, 'last_seq', t.last_seq, 'training', t.training, 'prev_hash', hex(t.prev_hash), 'key_id', hex(t.key_id), 'hash', hex(t.hash), 'sig', hex(t.sig))
    FROM journal AS t ORDER BY t.at;
INSERT INTO sync_outbox (uuid, kind, at, body) SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'flow', t.start,
    json_object('sensor', t.sensor, 'start', t.start, 'minutes', t.minutes, 'day', t.day, 'hour', t.hour, 'n_in', t.n_in, 'n_out', t.n_out, 'source', t.source)
    FROM flow_count AS t ORDER BY t.start;
INSERT INTO sync_outbox (uuid, kind, at, body) SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'label_queue', t.queued_at,
    json_object('product', (SELECT coalesce(gtin, sku) FROM product WHERE id = t.product_id), 'location', (SELECT code FROM location WHERE id = t.location_id), 'reason', t.reason, 'queued_at', t.queued_at, 'user', t.user)
    FROM label_queue AS t ORDER BY t.queued_at;
INSERT INTO sync_outbox (uuid, kind, at, body) SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'label_print', t.at,
    json_object('at', t.at, 'user', t.user, 'template', t.template, 'labels', t.labels, 'destination', t.destination)
    FROM label_print AS t ORDER BY t.at;
INSERT INTO sync_outbox (uuid, kind, at, body) SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'count_post', t.posted_at,
    json_object('uuid', t.uuid, 'location', (SELECT code FROM location WHERE id = t.location_id), 'started_at', t.started_at, 'posted_at', t.posted_at, 'user', t.user, 'lines', (SELECT json_group_array(json_object('lot', l.uuid, 'expected', c.expected, 'counted', c.counted)) FROM stock_count_line c JOIN lot l ON l.id = c.lot_id WHERE c.count_id = t.id))
    FROM stock_count AS t WHERE t.posted_at IS NOT NULL ORDER BY t.posted_at;
