/* The label module's reads of the database: label data for a commodity and
 * lot (through the catalogue and stock APIs), and the reprint queue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"
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
    if (rc != ENT_OK)
        rc = ent_fail(db, ENT_ERROR, "out of memory");
done:
    ent_product_free(p);
    ent_lot_free(lot);
    ent_store_free(store);
    return rc;
}

/* ---- the reprint queue -------------------------------------------------- */

int ent_label_queue_add(ent_db *db, int64_t product_id, const char *reason)
{
    char now[21];
    int rc;
    if ((rc = ent_check_text(db, "queue reason", reason, 200, true)) != ENT_OK)
        return rc;
    ent_now_utc(now);
    sqlite3_stmt *st = ent_stmt(db, "INSERT INTO label_queue(product_id, reason, queued_at) VALUES (?, ?, ?)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, product_id);
    sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    return ent_exec_stmt(db, st);
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
    /* One row per commodity: the newest entry's id, reason and time, in the
     * order the commodities were first queued. */
    sqlite3_stmt *st = ent_stmt(db,
                                "SELECT q.id, q.product_id, COALESCE(p.gtin, p.sku), q.reason, q.queued_at "
                                "FROM label_queue q JOIN product p ON p.id = q.product_id "
                                "WHERE q.id = (SELECT MAX(id) FROM label_queue WHERE product_id = q.product_id) "
                                "ORDER BY (SELECT MIN(id) FROM label_queue WHERE product_id = q.product_id)");
    if (st == NULL)
        return db->code;
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        ent_label_queued q = {
            .id = sqlite3_column_int64(st, 0),
            .product_id = sqlite3_column_int64(st, 1),
            .code = (const char *)sqlite3_column_text(st, 2),
            .reason = (const char *)sqlite3_column_text(st, 3),
            .queued_at = (const char *)sqlite3_column_text(st, 4),
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
