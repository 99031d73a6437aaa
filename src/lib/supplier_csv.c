/* Suppliers and their commodities as CSV: import all or nothing, export
 * what imports again as it is. */
#include <stdlib.h>
#include <string.h>

#include "entrepot/csv.h"
#include "entrepot/money.h"
#include "entrepot/purchase.h"
#include "internal.h"
#include "purchase_internal.h"

#define MAX_COLS 8

/* One kind of row: its column names and the field each fills. */
struct csv_kind {
    const char *const *names;
    size_t n;
    /* Writes the row's cells (by column index) into the fields and saves it. */
    int (*save)(ent_db *db, const char *const *cells_by_field, void *ud);
};

static const char *const supplier_names[] = {"code",    "name_zh",  "name_en",       "country",
                                             "contact", "currency", "payment_terms", "lead_days"};
static const char *const item_names[] = {"supplier", "product", "supplier_code", "pack_size", "last_price"};

static int read_header(ent_db *db, ent_csv *csv, const struct csv_kind *k, int *map, size_t *ncols)
{
    char **cells;
    size_t n;
    int r = ent_csv_next(csv, &cells, &n);
    if (r < 0)
        return entx_fail(db, ENT_INVALID, "%s", entx_why());
    if (r == 0)
        return entx_fail(db, ENT_INVALID, "the file is empty: the first row must name the columns");
    if (n > k->n)
        return entx_fail(db, ENT_INVALID, "the header has %zu columns, there are only %zu kinds", n, k->n);
    for (size_t c = 0; c < n; c++) {
        size_t f = 0;
        while (f < k->n && strcmp(cells[c], k->names[f]) != 0)
            f++;
        if (f == k->n)
            return entx_fail(db, ENT_INVALID, "unknown column '%s' in the header", ENT_CLIP(cells[c], 40));
        for (size_t d = 0; d < c; d++)
            if (map[d] == (int)f)
                return entx_fail(db, ENT_INVALID, "column '%s' is named twice in the header", k->names[f]);
        map[c] = (int)f;
    }
    *ncols = n;
    return ENT_OK;
}

static int import_rows(ent_db *db, int64_t *imported, FILE *in, const struct csv_kind *k, void *ud)
{
    ent_csv *csv = NULL;
    char **cells;
    size_t ncells, ncols = 0;
    int map[MAX_COLS], rc, r = 0;
    int64_t count = 0;
    if (imported)
        *imported = 0;
    if (ent_csv_open(&csv, in) != ENT_OK)
        return entx_fail(db, ENT_ERROR, "out of memory");
    if ((rc = read_header(db, csv, k, map, &ncols)) != ENT_OK || (rc = entx_tx_begin(db)) != ENT_OK)
        goto out;
    while ((r = ent_csv_next(csv, &cells, &ncells)) == 1) {
        const char *by_field[MAX_COLS] = {NULL};
        size_t row = ent_csv_record(csv);
        if (ncells == 1 && cells[0][0] == '\0')
            continue; /* a blank line */
        if (ncells != ncols) {
            rc = entx_fail(db, ENT_INVALID, "row %zu: %zu fields, the header has %zu", row, ncells, ncols);
            break;
        }
        for (size_t c = 0; c < ncols; c++)
            by_field[map[c]] = cells[c];
        if ((rc = k->save(db, by_field, ud)) != ENT_OK) {
            char why[ENT_MSG_MAX];
            snprintf(why, sizeof why, "%s", db->msg);
            rc = entx_fail(db, rc, "row %zu: %s", row, why);
            break;
        }
        count++;
    }
    if (rc == ENT_OK && r < 0)
        rc = entx_fail(db, ENT_INVALID, "%s", entx_why());
    if (rc == ENT_OK && count == 0)
        rc = entx_fail(db, ENT_INVALID, "the file has a header but no rows");
    rc = entx_tx_end(db, rc);
    if (rc == ENT_OK && imported)
        *imported = count;
out:
    ent_csv_free(csv);
    return rc;
}

static int save_supplier(ent_db *db, const char *const *v, void *ud)
{
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

static int save_item(ent_db *db, const char *const *v, void *ud)
{
    (void)ud;
    ent_supplier_item_fields f = {v[0], v[1], v[2], v[3], v[4]};
    if (f.pack_size && *f.pack_size == '\0')
        f.pack_size = NULL;
    return ent_supplier_item_set(db, &f);
}

int ent_supplier_import_csv(ent_db *db, int64_t *imported, FILE *in, bool update)
{
    static const struct csv_kind k = {supplier_names, 8, save_supplier};
    entx_ok(db);
    return import_rows(db, imported, in, &k, &update);
}

int ent_supplier_item_import_csv(ent_db *db, int64_t *imported, FILE *in)
{
    static const struct csv_kind k = {item_names, 5, save_item};
    entx_ok(db);
    return import_rows(db, imported, in, &k, NULL);
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
