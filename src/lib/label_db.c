/* The label module's reads of the database: label data for a commodity and
 * lot (through the catalogue and stock APIs), and the reprint queue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "label_int.h"

int ent_label_data_load(ent_db *db, ent_label_data **out, const char *code, const char *lot_code)
{
    ent_product *p = NULL;
    ent_lot *lot = NULL;
    ent_store *store = NULL;
    int rc;
    *out = NULL;
    rc = ent_product_find(db, &p, code, NULL);
    if (rc != ENT_OK)
        goto done;
    if (lot_code && *lot_code) {
        rc = ent_lot_find_id(db, &lot, p->id, lot_code);
        if (rc != ENT_OK)
            goto done;
    }
    rc = ent_store_get(db, &store);
    if (rc == ENT_NOTFOUND)
        rc = ENT_OK; /* a label needs no store unless the template asks for it */
    if (rc != ENT_OK)
        goto done;
    ent_ok(db);
    rc = ent_label_data_from(out, p, lot, store);
    if (rc != ENT_OK)
        rc = ent_fail(db, ENT_ERROR, "out of memory");
done:
    ent_product_free(p);
    ent_lot_free(lot);
    ent_store_free(store);
    return rc;
}
