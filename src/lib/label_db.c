/* The label module's reads of the database: label data for a commodity and
 * lot, through the catalogue and stock APIs. The reprint queue lives below
 * them, in reprint.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"
#include "internal.h"
#include "label_int.h"
#include "user_internal.h"

/* The origins of the product's lots on hand at location (id), oldest lot
 * first, each once; *n is 0 when nothing of it lies there. */
#define MAX_ORIGINS 16
static int origins_at(ent_db *db, int64_t product_id, int64_t location_id, char codes[MAX_ORIGINS][3], size_t *n)
{
    int sc;
    *n = 0;
    sqlite3_stmt *st = entx_stmt(db, "SELECT l.origin FROM stock_balance b JOIN lot l ON l.id = b.lot_id "
                                    "WHERE b.product_id = ? AND b.location_id = ? AND b.qty > 0 "
                                    "GROUP BY l.origin ORDER BY MIN(l.id)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, product_id);
    sqlite3_bind_int64(st, 2, location_id);
    while ((sc = sqlite3_step(st)) == SQLITE_ROW && *n < MAX_ORIGINS)
        entx_col_copy(st, codes[(*n)++], 3, 0);
    sqlite3_reset(st);
    return sc == SQLITE_ROW || sc == SQLITE_DONE ? ENT_OK : entx_fail_sql(db, "reading the origins on a shelf");
}

static int location_lookup(ent_db *db, const char *code, int64_t *id)
{
    int sc;
    sqlite3_stmt *st = entx_stmt(db, "SELECT id FROM location WHERE code = ? COLLATE NOCASE");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sc = sqlite3_step(st);
    if (sc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (sc == SQLITE_DONE)
        return entx_fail_hint(db, ENT_NOTFOUND, ENT_HINT_LOCATIONS, "no location '%s'", ENT_CLIP(code, 40));
    return sc == SQLITE_ROW ? ENT_OK : entx_fail_sql(db, "looking up a location");
}

int ent_label_data_load_at(ent_db *db, ent_label_data **out, const char *code, const char *location)
{
    char codes[MAX_ORIGINS][3];
    const char *list[MAX_ORIGINS];
    size_t n = 0;
    int64_t pid = 0, loc = 0;
    int rc = ent_label_data_load(db, out, code, NULL);
    if (rc != ENT_OK || location == NULL)
        return rc;
    if ((rc = location_lookup(db, location, &loc)) == ENT_OK && (rc = ent_product_id(db, &pid, NULL, code)) == ENT_OK)
        rc = origins_at(db, pid, loc, codes, &n);
    for (size_t i = 0; i < n; i++)
        list[i] = codes[i];
    /* Nothing of it on that shelf: the commodity's default origin stays. */
    if (rc == ENT_OK && n > 0 && entx_label_data_set_origins(*out, list, n) != ENT_OK)
        rc = entx_fail(db, ENT_ERROR, "out of memory");
    if (rc != ENT_OK) {
        ent_label_data_free(*out);
        *out = NULL;
    }
    return rc;
}

int ent_label_data_load(ent_db *db, ent_label_data **out, const char *code, const char *lot_code)
{
    ent_product *p = NULL;
    ent_lot *lot = NULL;
    ent_store *store = NULL;
    int rc;
    *out = NULL;
    rc = ent_product_find(db, &p, NULL, code);
    if (rc == ENT_OK && p->retired_at[0]) {
        char who[ENT_PRODUCT_LABEL_SIZE];
        entx_product_label(db, who, sizeof who, p->id);
        rc = entx_fail(db, ENT_REFUSED, "%s is retired: it gets no labels", who);
    }
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
    entx_ok(db);
    rc = ent_label_data_from(out, p, lot, store);
    if (rc == ENT_INVALID) {
        char who[ENT_PRODUCT_LABEL_SIZE];
        entx_product_label(db, who, sizeof who, p->id);
        rc = entx_fail(db, ENT_REFUSED, "%s: price %lld (minor units) is too large to print its unit price", who,
                      (long long)p->price);
    } else if (rc != ENT_OK) {
        rc = entx_fail(db, ENT_ERROR, "out of memory");
    }
done:
    ent_product_free(p);
    ent_lot_free(lot);
    ent_store_free(store);
    return rc;
}

int ent_label_print_record(ent_db *db, const char *template_name, int64_t labels, const char *destination)
{
    char now[ENT_TIME_SIZE];
    int rc;
    entx_ok(db);
    if ((rc = entx_check_text(db, "template name", template_name, 300, true)) != ENT_OK ||
        (rc = entx_check_text(db, "destination", destination, 1000, true)) != ENT_OK)
        return rc;
    if (labels < 0)
        return entx_fail(db, ENT_INVALID, "a job cannot hold %lld labels", (long long)labels);
    entx_now_utc(now);
    sqlite3_stmt *st = entx_stmt(db, "INSERT INTO label_print(at, user, template, labels, destination) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, entx_actor(db), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, template_name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, labels);
    sqlite3_bind_text(st, 5, destination, -1, SQLITE_STATIC);
    return entx_exec_stmt(db, st);
}
