/* Suppliers and their commodities as CSV: import all or nothing, export
 * what imports again as it is. */
#include <stdlib.h>
#include <string.h>

#include "csv_import.h"
#include "entrepot/csv.h"
#include "entrepot/money.h"
#include "entrepot/purchase.h"
#include "internal.h"
#include "purchase_internal.h"

static const char *const supplier_names[] = {"code",    "name_zh",  "name_en",       "country",
                                             "contact", "currency", "payment_terms", "lead_days"};
static const char *const item_names[] = {"supplier", "product", "supplier_code", "pack_size", "last_price"};

static int save_supplier(ent_db *db, const char *const *v, size_t row, void *ud)
{
    (void)row;
    bool update = *(bool *)ud;
    struct entx_supplier s;
    ent_supplier_fields f = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]};
    if (entx_empty(f.code))
        return entx_fail(db, ENT_INVALID, "no code: every supplier needs one");
    int rc = entx_supplier_find(db, &s, f.code);
    if (rc == ENT_NOTFOUND)
        return ent_supplier_add(db, &f);
    if (rc != ENT_OK)
        return rc;
    if (!update)
        return entx_fail(db, ENT_EXISTS, "supplier %s already exists (an update must be asked for)", s.code);
    f.code = NULL; /* the row names it; an import does not rename */
    /* Cells that cannot be cleared keep their value when empty. */
    if (f.currency && *f.currency == '\0')
        f.currency = NULL;
    if (f.lead_days && *f.lead_days == '\0')
        f.lead_days = NULL;
    return ent_supplier_edit(db, s.code, &f);
}

static int save_item(ent_db *db, const char *const *v, size_t row, void *ud)
{
    (void)row, (void)ud;
    ent_supplier_item_fields f = {v[0], v[1], v[2], v[3], v[4]};
    if (f.pack_size && *f.pack_size == '\0')
        f.pack_size = NULL;
    return ent_supplier_item_set(db, &f);
}

int ent_supplier_import_csv(ent_db *db, int64_t *imported, FILE *in, bool update)
{
    const struct entx_import k = {supplier_names, 8, 0, true, save_supplier, &update};
    entx_ok(db);
    return entx_import_csv(db, imported, in, &k);
}

int ent_supplier_item_import_csv(ent_db *db, int64_t *imported, FILE *in)
{
    const struct entx_import k = {item_names, 5, 0, true, save_item, NULL};
    entx_ok(db);
    return entx_import_csv(db, imported, in, &k);
}

static int write_supplier(const ent_supplier *s, void *ud)
{
    char lead[16];
    snprintf(lead, sizeof lead, "%d", s->lead_days);
    const char *cells[] = {s->code, s->name_zh, s->name_en, s->country, s->contact, s->currency, s->payment_terms, lead};
    return ent_csv_write(ud, cells, 8) == ENT_OK ? 0 : 1;
}

static int write_item(const ent_supplier_item *it, void *ud)
{
    char pack[24], price[ENT_MONEY_TEXT_SIZE] = "";
    snprintf(pack, sizeof pack, "%lld", (long long)it->pack_size);
    if (it->priced)
        ent_money_format(price, sizeof price, it->last_price, it->currency);
    const char *cells[] = {it->supplier, it->gtin[0] ? it->gtin : it->sku, it->supplier_code, pack, price};
    return ent_csv_write(ud, cells, 5) == ENT_OK ? 0 : 1;
}

int ent_supplier_export_csv(ent_db *db, FILE *out)
{
    entx_ok(db);
    if (ent_csv_write(out, supplier_names, 8) != ENT_OK)
        return entx_fail(db, ENT_ERROR, "writing the CSV failed");
    int rc = ent_supplier_each(db, write_supplier, out);
    if (rc != ENT_OK && db->code == ENT_OK)
        rc = entx_fail(db, ENT_ERROR, "writing the CSV failed");
    return rc;
}

int ent_supplier_item_export_csv(ent_db *db, FILE *out)
{
    entx_ok(db);
    if (ent_csv_write(out, item_names, 5) != ENT_OK)
        return entx_fail(db, ENT_ERROR, "writing the CSV failed");
    int rc = ent_supplier_items(db, NULL, write_item, out);
    if (rc != ENT_OK && db->code == ENT_OK)
        rc = entx_fail(db, ENT_ERROR, "writing the CSV failed");
    return rc;
}
