-- entrepot schema 14: the store server's open baskets, one per counter.
--
-- The server keeps a basket per counter; these rows are written in the same
-- transaction as each change of it, so that a restart (or SIGKILL) finds the
-- unpaid baskets again. A paid basket's lines go in the sale's transaction,
-- an abandoned basket's rows with the abandonment. Payments are not kept:
-- they are given and taken in the one request that pays.
CREATE TABLE basket (
    counter     TEXT PRIMARY KEY,
    cashier     TEXT NOT NULL,          -- the user who opened it and sells at it
    session_id  INTEGER,                -- who owns it: a session, or
    token_id    INTEGER,                --   an API token (the other is NULL)
    shelf_id    INTEGER REFERENCES location(id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL           -- who made the last change
);

CREATE TABLE basket_line (
    counter         TEXT NOT NULL REFERENCES basket(counter) ON DELETE CASCADE,
    line            INTEGER NOT NULL CHECK (line >= 1),
    product_id      INTEGER NOT NULL REFERENCES product(id),
    lot_id          INTEGER REFERENCES lot(id), -- NULL: first expiry first out
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    origin          TEXT NOT NULL,
    lot             TEXT NOT NULL,
    unit            TEXT NOT NULL,
    qty             INTEGER NOT NULL,
    list_price      INTEGER NOT NULL,
    unit_price      INTEGER NOT NULL,
    discount        INTEGER NOT NULL,
    amount          INTEGER NOT NULL,   -- as the basket worked it out (after discount)
    tax             INTEGER NOT NULL,
    fixed           INTEGER NOT NULL,
    tax_rate        INTEGER NOT NULL,
    price_reason    TEXT,
    discount_reason TEXT,
    approved_by     TEXT,               -- the supervisor who approved its price or discount
    PRIMARY KEY (counter, line)
) WITHOUT ROWID;
