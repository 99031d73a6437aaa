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

#endif
