-- entrepot schema 9: shelf labels know their shelf.
-- A lot of another origin moved onto a shelf queues that shelf's label, so
-- that the label names the origins of what lies there (意大利/波兰). The
-- location is NULL for entries that concern every shelf (a price change).
-- user: who made the change that queued it, when known (the stock move's user).
ALTER TABLE label_queue ADD COLUMN location_id INTEGER REFERENCES location(id);
ALTER TABLE label_queue ADD COLUMN user TEXT;
