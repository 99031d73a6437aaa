/*
 * The shelf-label reprint queue (table label_queue): what must be printed
 * again after a change. It sits below the catalogue and the stock, which
 * write to it inside their own transactions when a price, a name or a shelf's
 * origins change; the label module reads it. It calls neither, so the
 * catalogue and the stock depend on it and not on the label module.
 */
#include <stdint.h>
#include <stdio.h>

#include "internal.h"
#include "user_internal.h"
#include "reprint.h"

static int queue_insert(ent_db *db, int64_t product_id, int64_t location_id, const char *reason, const char *user)
{
    char now[ENT_TIME_SIZE];
    int rc;
    if ((rc = entx_check_text(db, "queue reason", reason, 200, true)) != ENT_OK)
        return rc;
    entx_now_utc(now);
    sqlite3_stmt *st =
        entx_stmt(db, "INSERT INTO label_queue(product_id, reason, queued_at, location_id, user) VALUES (?, ?, ?, ?, ?)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, product_id);
    sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    if (location_id > 0)
        sqlite3_bind_int64(st, 4, location_id);
    else
        sqlite3_bind_null(st, 4);
    sqlite3_bind_text(st, 5, entx_empty(user) ? entx_actor(db) : user, -1, SQLITE_TRANSIENT);
    return entx_exec_stmt(db, st);
}

int ent_label_queue_add(ent_db *db, int64_t product_id, const char *reason)
{
    return queue_insert(db, product_id, 0, reason, NULL);
}

int ent_label_queue_add_at(ent_db *db, int64_t product_id, const char *location, const char *reason)
{
    int64_t location_id = 0;
    int found = 0;
    if (!entx_empty(location)) {
        /* read here rather than through the stock module, which depends on this one */
        sqlite3_stmt *st = entx_stmt(db, "SELECT id, kind = 'shelf' FROM location WHERE code = ? COLLATE NOCASE");
        if (st == NULL)
            return db->code;
        sqlite3_bind_text(st, 1, location, -1, SQLITE_TRANSIENT);
        int sc = sqlite3_step(st);
        if (sc == SQLITE_ROW) {
            found = 1;
            location_id = sqlite3_column_int(st, 1) ? sqlite3_column_int64(st, 0) : 0;
        }
        sqlite3_reset(st);
        if (sc != SQLITE_ROW && sc != SQLITE_DONE)
            return entx_fail_sql(db, "reading the location of a label to queue");
        if (!found)
            return entx_fail(db, ENT_NOTFOUND, "no location '%s'", ENT_CLIP(location, 40));
    }
    return queue_insert(db, product_id, location_id, reason, NULL);
}

/* A lot's origin new on a shelf (no other lot there of that origin, and not
 * the commodity's default origin the label showed when the shelf was empty)
 * means the shelf's label must be printed again. */
int entx_label_queue_on_move(ent_db *db, int64_t product_id, int64_t lot_id, int64_t location_id, const char *user)
{
    char origin[ENT_COUNTRY_SIZE] = "", loc[64] = "", reason[200];
    int64_t same = 0, others = 0;
    int sc;
    if (db->shelves_labelled)
        return ENT_OK; /* the demo's opening stock: the labels were printed for it */
    sqlite3_stmt *st = entx_stmt(
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
        entx_col_copy(st, origin, sizeof origin, 0);
        entx_col_copy(st, loc, sizeof loc, 1);
        same = sqlite3_column_int64(st, 2);
        others = sqlite3_column_int64(st, 3);
        is_default = sqlite3_column_int(st, 4) != 0;
    }
    sqlite3_reset(st);
    if (sc != SQLITE_ROW && sc != SQLITE_DONE)
        return entx_fail_sql(db, "checking the origins on a shelf");
    if (sc == SQLITE_DONE || same > 0 || (others == 0 && is_default))
        return ENT_OK; /* not a shelf, or its label already names this origin */
    snprintf(reason, sizeof reason, "origin %s now on shelf %s", origin, loc);
    return queue_insert(db, product_id, location_id, reason, user);
}

int entx_label_queue_on_change(ent_db *db, int64_t product_id, const char *reason)
{
    return ent_label_queue_add(db, product_id, reason);
}

int ent_label_queue_each(ent_db *db, ent_label_queue_cb cb, void *ud)
{
    int rc = ENT_OK, sc;
    entx_ok(db);
    /* One row per commodity and shelf (entries without a shelf concern every
     * shelf): the newest entry's id, reason and time, in the order they were
     * first queued. */
    sqlite3_stmt *st =
        entx_stmt(db, "SELECT q.id, q.product_id, COALESCE(p.gtin, p.sku), q.reason, q.queued_at, loc.code "
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
        rc = entx_fail_sql(db, "reading the label queue");
    sqlite3_reset(st);
    return rc;
}

int ent_label_queue_clear(ent_db *db, int64_t *removed, int64_t upto)
{
    int rc;
    entx_ok(db);
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(db, "DELETE FROM label_queue WHERE id <= ?");
    if (st == NULL) {
        rc = db->code;
        goto done;
    }
    sqlite3_bind_int64(st, 1, upto);
    rc = entx_exec_stmt(db, st);
    if (rc == ENT_OK && removed)
        *removed = sqlite3_changes(db->sql);
done:
    return entx_tx_end(db, rc);
}

int ent_label_queue_remove(ent_db *db, int64_t product_id, int64_t upto)
{
    entx_ok(db);
    sqlite3_stmt *st = entx_stmt(db, "DELETE FROM label_queue WHERE product_id = ? AND id <= ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, product_id);
    sqlite3_bind_int64(st, 2, upto);
    return entx_exec_stmt(db, st);
}
