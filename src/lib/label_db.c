/* The label module's reads of the database: label data for a commodity and
 * lot (through the catalogue and stock APIs), and the reprint queue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"
#include "internal.h"
#include "label_int.h"

/* The origins of the product's lots on hand at location (id), oldest lot
 * first, each once; *n is 0 when nothing of it lies there. */
#define MAX_ORIGINS 16
static int origins_at(ent_db *db, int64_t product_id, int64_t location_id, char codes[MAX_ORIGINS][3], size_t *n)
{
    int sc;
    *n = 0;
    sqlite3_stmt *st = ent_stmt(db, "SELECT l.origin FROM stock_balance b JOIN lot l ON l.id = b.lot_id "
                                    "WHERE b.product_id = ? AND b.location_id = ? AND b.qty > 0 "
                                    "GROUP BY l.origin ORDER BY MIN(l.id)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, product_id);
    sqlite3_bind_int64(st, 2, location_id);
    while ((sc = sqlite3_step(st)) == SQLITE_ROW && *n < MAX_ORIGINS)
        ent_col_copy(st, 0, codes[(*n)++], 3);
    sqlite3_reset(st);
    return sc == SQLITE_ROW || sc == SQLITE_DONE ? ENT_OK : ent_fail_sql(db, "reading the origins on a shelf");
}

static int location_lookup(ent_db *db, const char *code, int64_t *id)
{
    int sc;
    sqlite3_stmt *st = ent_stmt(db, "SELECT id FROM location WHERE code = ? COLLATE NOCASE");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sc = sqlite3_step(st);
    if (sc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (sc == SQLITE_DONE)
        return ent_fail(db, ENT_NOTFOUND, "no location '%s' (see `entrepot location list`)", ENT_CLIP(code, 40));
    return sc == SQLITE_ROW ? ENT_OK : ent_fail_sql(db, "looking up a location");
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
    if ((rc = location_lookup(db, location, &loc)) == ENT_OK && (rc = ent_product_id(db, &pid, code, NULL)) == ENT_OK)
        rc = origins_at(db, pid, loc, codes, &n);
    for (size_t i = 0; i < n; i++)
        list[i] = codes[i];
    /* Nothing of it on that shelf: the commodity's default origin stays. */
    if (rc == ENT_OK && n > 0 && label_data_set_origins(*out, list, n) != ENT_OK)
        rc = ent_fail(db, ENT_ERROR, "out of memory");
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
    rc = ent_product_find(db, &p, code, NULL);
    if (rc == ENT_OK && p->retired_at[0]) {
        char who[300];
        ent_product_label(db, p->id, who, sizeof who);
        rc = ent_fail(db, ENT_REFUSED, "%s is retired: it gets no labels", who);
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
    ent_ok(db);
    rc = ent_label_data_from(out, p, lot, store);
    if (rc == ENT_INVALID) {
        char who[300];
        ent_product_label(db, p->id, who, sizeof who);
        rc = ent_fail(db, ENT_REFUSED, "%s: price %lld (minor units) is too large to print its unit price", who,
                      (long long)p->price);
    } else if (rc != ENT_OK) {
        rc = ent_fail(db, ENT_ERROR, "out of memory");
    }
done:
    ent_product_free(p);
    ent_lot_free(lot);
    ent_store_free(store);
    return rc;
}

/* ---- the reprint queue -------------------------------------------------- */

static int queue_insert(ent_db *db, int64_t product_id, int64_t location_id, const char *reason, const char *user)
{
    char now[21];
    int rc;
    if ((rc = ent_check_text(db, "queue reason", reason, 200, true)) != ENT_OK)
        return rc;
    ent_now_utc(now);
    sqlite3_stmt *st =
        ent_stmt(db, "INSERT INTO label_queue(product_id, reason, queued_at, location_id, user) VALUES (?, ?, ?, ?, ?)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, product_id);
    sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    if (location_id > 0)
        sqlite3_bind_int64(st, 4, location_id);
    else
        sqlite3_bind_null(st, 4);
    ent_bind_text_or_null(st, 5, user);
    return ent_exec_stmt(db, st);
}

int ent_label_queue_add(ent_db *db, int64_t product_id, const char *reason)
{
    return queue_insert(db, product_id, 0, reason, NULL);
}

/*
 * Called by a stock move inside its transaction, after the lot arrived at
 * location: when the lot's origin is new on that shelf (no other lot there
 * of that origin, and not the commodity's default origin the label showed
 * when the shelf was empty), the shelf's label must be printed again.
 */
int ent_label_queue_on_move(ent_db *db, int64_t product_id, int64_t lot_id, int64_t location_id, const char *user);
int ent_label_queue_on_move(ent_db *db, int64_t product_id, int64_t lot_id, int64_t location_id, const char *user)
{
    char origin[3] = "", loc[64] = "", reason[200];
    int64_t same = 0, others = 0;
    int sc;
    sqlite3_stmt *st = ent_stmt(
        db, "SELECT l.origin, loc.code, "
            "  (SELECT COUNT(*) FROM stock_balance b JOIN lot o ON o.id = b.lot_id WHERE b.product_id = l.product_id "
            "   AND b.location_id = loc.id AND b.qty > 0 AND b.lot_id <> l.id AND o.origin = l.origin), "
            "  (SELECT COUNT(*) FROM stock_balance b WHERE b.product_id = l.product_id AND b.location_id = loc.id "
            "   AND b.qty > 0 AND b.lot_id <> l.id), "
            "  COALESCE(p.origin, '') = l.origin "
            "FROM lot l JOIN product p ON p.id = l.product_id, location loc "
            "WHERE l.id = ? AND l.product_id = ? AND loc.id = ? AND loc.kind = 'shelf'");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, lot_id);
    sqlite3_bind_int64(st, 2, product_id);
    sqlite3_bind_int64(st, 3, location_id);
    sc = sqlite3_step(st);
    bool is_default = false;
    if (sc == SQLITE_ROW) {
        ent_col_copy(st, 0, origin, sizeof origin);
        ent_col_copy(st, 1, loc, sizeof loc);
        same = sqlite3_column_int64(st, 2);
        others = sqlite3_column_int64(st, 3);
        is_default = sqlite3_column_int(st, 4) != 0;
    }
    sqlite3_reset(st);
    if (sc != SQLITE_ROW && sc != SQLITE_DONE)
        return ent_fail_sql(db, "checking the origins on a shelf");
    if (sc == SQLITE_DONE || same > 0 || (others == 0 && is_default))
        return ENT_OK; /* not a shelf, or its label already names this origin */
    snprintf(reason, sizeof reason, "origin %s now on shelf %s", origin, loc);
    return queue_insert(db, product_id, location_id, reason, user);
}

/* The catalogue calls this (a weak no-op there) when a price or name changes. */
int ent_label_queue_on_change(ent_db *db, int64_t product_id, const char *reason);
int ent_label_queue_on_change(ent_db *db, int64_t product_id, const char *reason)
{
    return ent_label_queue_add(db, product_id, reason);
}

int ent_label_queue_each(ent_db *db, ent_label_queue_cb cb, void *ud)
{
    int rc = ENT_OK, sc;
    ent_ok(db);
    /* One row per commodity and shelf (entries without a shelf concern every
     * shelf): the newest entry's id, reason and time, in the order they were
     * first queued. */
    sqlite3_stmt *st =
        ent_stmt(db, "SELECT q.id, q.product_id, COALESCE(p.gtin, p.sku), q.reason, q.queued_at, loc.code "
                     "FROM label_queue q JOIN product p ON p.id = q.product_id "
                     "LEFT JOIN location loc ON loc.id = q.location_id "
                     "WHERE q.id = (SELECT MAX(id) FROM label_queue WHERE product_id = q.product_id "
                     "              AND location_id IS q.location_id) "
                     "ORDER BY (SELECT MIN(id) FROM label_queue WHERE product_id = q.product_id "
                     "          AND location_id IS q.location_id)");
    if (st == NULL)
        return db->code;
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        ent_label_queued q = {
            .id = sqlite3_column_int64(st, 0),
            .product_id = sqlite3_column_int64(st, 1),
            .code = (const char *)sqlite3_column_text(st, 2),
            .reason = (const char *)sqlite3_column_text(st, 3),
            .queued_at = (const char *)sqlite3_column_text(st, 4),
            .location = (const char *)sqlite3_column_text(st, 5),
        };
        if ((rc = cb(&q, ud)) != 0)
            break;
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = ent_fail_sql(db, "reading the label queue");
    sqlite3_reset(st);
    return rc;
}

int ent_label_queue_clear(ent_db *db, int64_t upto, int64_t *removed)
{
    int rc;
    ent_ok(db);
    if ((rc = ent_tx_begin(db)) != ENT_OK)
        return rc;
    sqlite3_stmt *st = ent_stmt(db, "DELETE FROM label_queue WHERE id <= ?");
    if (st == NULL) {
        rc = db->code;
        goto done;
    }
    sqlite3_bind_int64(st, 1, upto);
    rc = ent_exec_stmt(db, st);
    if (rc == ENT_OK && removed)
        *removed = sqlite3_changes(db->sql);
done:
    return ent_tx_end(db, rc);
}

int ent_label_queue_remove(ent_db *db, int64_t product_id, int64_t upto)
{
    ent_ok(db);
    sqlite3_stmt *st = ent_stmt(db, "DELETE FROM label_queue WHERE product_id = ? AND id <= ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, product_id);
    sqlite3_bind_int64(st, 2, upto);
    return ent_exec_stmt(db, st);
}
