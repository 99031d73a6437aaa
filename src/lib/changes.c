/*
 * What changed after a mark: the stock moves, price changes, labels queued
 * and label prints, read from their append-only records (every writer, the
 * CLI as the server, writes them in the write's own transaction). The store
 * server follows them to tell its event streams about writes it did not
 * make itself.
 */
#include <stdio.h>
#include <string.h>

#include "entrepot/db.h"
#include "internal.h"

static int max_id(ent_db *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = entx_stmt(db, sql);
    if (st == NULL)
        return db->code;
    int sc = sqlite3_step(st);
    *out = sc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return sc == SQLITE_ROW ? ENT_OK : entx_fail_sql(db, "reading what changed");
}

int ent_changes_mark(ent_db *db, ent_change_marks *out)
{
    int rc;
    entx_ok(db);
    memset(out, 0, sizeof *out);
    /* Each is the largest key of an INTEGER PRIMARY KEY: one step down the tree. */
    if ((rc = max_id(db, "SELECT coalesce(max(id), 0) FROM stock_move", &out->stock_move)) == ENT_OK &&
        (rc = max_id(db, "SELECT coalesce(max(id), 0) FROM product_change", &out->product_change)) == ENT_OK &&
        (rc = max_id(db, "SELECT coalesce(max(id), 0) FROM label_queue", &out->label_queue)) == ENT_OK)
        rc = max_id(db, "SELECT coalesce(max(id), 0) FROM label_print", &out->label_print);
    return rc;
}

/* The rows of one record after *mark: each row is id, product, location,
 * what, user. */
static int walk(ent_db *db, const char *sql, const char *kind, const char *table, int64_t *mark, int64_t max,
                ent_change_cb cb, void *ud)
{
    sqlite3_stmt *st = entx_stmt(db, sql);
    int sc, rc = ENT_OK;
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, *mark);
    sqlite3_bind_int64(st, 2, max);
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *what = (const char *)sqlite3_column_text(st, 3);
        /* A commodity's change is a price change when its field is the price. */
        ent_change c = {.kind = strcmp(kind, "catalog") == 0 && what && strcmp(what, "price") == 0 ? "price" : kind,
                        .table = table,
                        .id = sqlite3_column_int64(st, 0),
                        .product = (const char *)sqlite3_column_text(st, 1),
                        .location = (const char *)sqlite3_column_text(st, 2),
                        .what = what,
                        .user = (const char *)sqlite3_column_text(st, 4)};
        if ((rc = cb(&c, ud)) != 0)
            break;
        *mark = c.id;
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading what changed");
    sqlite3_reset(st);
    return rc;
}

int ent_changes_since(ent_db *db, ent_change_marks *marks, int64_t max, ent_change_cb cb, void *ud)
{
    int rc;
    entx_ok(db);
    if (max < 1)
        max = 1;
    rc = walk(db,
              "SELECT m.id, coalesce(p.gtin, p.sku), l.code, m.kind, m.user FROM stock_move m "
              "JOIN product p ON p.id = m.product_id JOIN location l ON l.id = m.location_id "
              "WHERE m.id > ?1 ORDER BY m.id LIMIT ?2",
              "stock", "stock_move", &marks->stock_move, max, cb, ud);
    if (rc == ENT_OK)
        rc = walk(db,
                  "SELECT c.id, coalesce(p.gtin, p.sku), NULL, c.field, c.user FROM product_change c "
                  "JOIN product p ON p.id = c.product_id WHERE c.id > ?1 ORDER BY c.id LIMIT ?2",
                  "catalog", "product_change", &marks->product_change, max, cb, ud);
    if (rc == ENT_OK)
        rc = walk(db,
                  "SELECT q.id, coalesce(p.gtin, p.sku), NULL, 'queued', NULL FROM label_queue q "
                  "JOIN product p ON p.id = q.product_id WHERE q.id > ?1 ORDER BY q.id LIMIT ?2",
                  "labels", "label_queue", &marks->label_queue, max, cb, ud);
    if (rc == ENT_OK)
        rc = walk(db,
                  "SELECT id, NULL, NULL, 'printed', user FROM label_print WHERE id > ?1 ORDER BY id LIMIT ?2",
                  "labels", "label_print", &marks->label_print, max, cb, ud);
    return rc;
}
