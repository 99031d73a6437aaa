-- entrepot schema 22: the payments a store server's basket holds before it is
-- paid (the split payment a cashier builds up: cash 50, then card for the
-- rest), kept beside the basket of schema 14 so that a restart of the server
-- finds them again with its lines. Written in the transaction of the change
-- that adds or removes one; the checkout removes them in the sale's own
-- transaction, an abandoned basket's go with it (ON DELETE CASCADE).
CREATE TABLE basket_payment (
    id        INTEGER PRIMARY KEY,     -- the order they were added in
    counter   TEXT NOT NULL REFERENCES basket(counter) ON DELETE CASCADE,
    method    TEXT NOT NULL CHECK (method IN ('cash', 'card', 'wallet')),
    amount    INTEGER NOT NULL CHECK (amount >= 0), -- minor units; 0: the rest due
    added_by  TEXT NOT NULL,           -- the user who added it
    added_at  TEXT NOT NULL
);
CREATE INDEX basket_payment_counter ON basket_payment(counter, id);
