/* Catalogue functions other library modules use (not public API). */
#ifndef ENT_CATALOG_INTERNAL_H
#define ENT_CATALOG_INTERNAL_H

#include "entrepot/catalog.h"

/* A barcode as stored: its 14-digit GTIN when it is one, else as given. */
#define ENT_BARCODE_KEY_SIZE 65

/* Reads a commodity by internal id (release with ent_product_free). */
int entx_product_get_by_id(ent_db *db, ent_product **out, int64_t id);

/* "GTIN name" of commodity id for messages, written to buf (returned);
 * ENT_PRODUCT_LABEL_SIZE bytes hold any. */
#define ENT_PRODUCT_LABEL_SIZE 300
const char *entx_product_label(ent_db *db, char *buf, size_t len, int64_t id);

/* ENT_OK when the commodity may be sold: priced and not retired. Else
 * ENT_REFUSED with a message naming it and why (sales call this where a
 * line gets its price). */
int entx_product_sellable(ent_db *db, const ent_product *p);

#endif
