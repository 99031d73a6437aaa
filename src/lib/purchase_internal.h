/* Private to the library: what the purchasing files share. */
#ifndef ENT_PURCHASE_INTERNAL_H
#define ENT_PURCHASE_INTERNAL_H

#include <stdint.h>
#include "entrepot/purchase.h"

/* A supplier as the purchasing code needs it. */
struct entx_supplier {
    int64_t id;
    char code[ENT_SUPPLIER_CODE_SIZE];
    char currency[ENT_CURRENCY_SIZE];
    int lead_days;
};

/* Finds the supplier named by code, in any case; ENT_INVALID for a code
 * that cannot be one, ENT_NOTFOUND naming it. */
int entx_supplier_find(ent_db *db, struct entx_supplier *out, const char *code);

/* The id of the commodity named by code when it may be ordered (in the
 * catalogue, not retired): ENT_NOTFOUND, ENT_REFUSED naming it. */
int entx_product_orderable(ent_db *db, int64_t *id, const char *code);

/* An order as the writers need it. */
struct entx_po {
    int64_t id, supplier_id;
    char number[ENT_PO_NUMBER_SIZE], status[ENT_PO_STATUS_SIZE], currency[ENT_CURRENCY_SIZE];
};

/* Finds an order by number (any case) or UUID; ENT_NOTFOUND naming it. */
int entx_purchase_find(ent_db *db, struct entx_po *out, const char *number);

/* Records a change to an order once it was sent (a draft records none). */
int entx_purchase_record(ent_db *db, const struct entx_po *po, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Moves an order to status, with who and when for sent, received, cancelled. */
int entx_purchase_set_status(ent_db *db, const struct entx_po *po, const char *status);

/* A line's value: packs * price + units * price / pack_size rounded half up;
 * ENT_INVALID when it does not fit in 64 bits. */
int entx_purchase_value(int64_t *out, int64_t packs, int64_t units, int64_t pack_size, int64_t price);

/* Creates a draft order to supplier s (inside a transaction): its number
 * to number, its row id to *id (may be NULL). */
int entx_purchase_new(ent_db *db, char number[ENT_PO_NUMBER_SIZE], int64_t *id, const struct entx_supplier *s,
                      const char *expected, const char *note);

#endif
