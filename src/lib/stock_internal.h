/* Stock functions other library modules use (sales): not public API. */
#ifndef ENT_STOCK_INTERNAL_H
#define ENT_STOCK_INTERNAL_H

#include "entrepot/stock.h"

/*
 * Appends one ledger row and changes the balance of (lot, location) by delta,
 * inside the caller's transaction. A decrease is guarded: when the balance
 * is smaller than asked, nothing is written and ENT_NOSTOCK names product,
 * lot, location, on hand and asked. batch groups the rows of one operation.
 */
int ent_stock_apply(ent_db *db, const char *batch, const char *kind, int64_t product_id, int64_t lot_id,
                    int64_t location_id, int64_t delta, const char *reason, const char *note, const char *user);

/* A location's id and kind ("shelf", ...); ENT_NOTFOUND names the code. */
int ent_location_id(ent_db *db, const char *code, int64_t *id, char kind[16]);

#endif
