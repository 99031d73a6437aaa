-- entrepot schema 3: the label reprint queue.
-- Each change of a commodity's price or name adds a row (the catalogue calls
-- the label module inside the transaction that makes the change). Printing
-- the queue removes the rows it printed, and only once the job was accepted,
-- so a row added while a job is out stays for the next run.

CREATE TABLE label_queue (
    id          INTEGER PRIMARY KEY,
    product_id  INTEGER NOT NULL REFERENCES product(id),
    reason      TEXT NOT NULL,
    queued_at   TEXT NOT NULL
);
CREATE INDEX label_queue_product ON label_queue(product_id);
