/* Reading purchase orders: one with its lines, lists, and the changes made
 * after sending. */
#include <string.h>

#include "entrepot/purchase.h"
#include "internal.h"
#include "purchase_internal.h"

/* The value of all lines: the same rule as entx_purchase_value, in SQL. */
#define PO_SELECT                                                                                                  \
    "SELECT o.number, o.uuid, s.code, COALESCE(s.name_zh, s.name_en), o.status, o.currency, o.expected, o.note, "  \
    "o.created_at, o.sent_at, o.closed_at, o.created_by, o.sent_by, o.closed_by, "                                 \
    "(SELECT COUNT(*) FROM purchase_line l WHERE l.order_id = o.id), "                                             \
    "(SELECT COALESCE(SUM(l.packs * l.price + (l.units * l.price + l.pack_size / 2) / l.pack_size), 0) "          \
    " FROM purchase_line l WHERE l.order_id = o.id), s.name_en "                                                    \
    "FROM purchase_order o JOIN supplier s ON s.id = o.supplier_id "

static const char *text_or_empty(sqlite3_stmt *st, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    return t ? t : "";
}

static int visit_orders(ent_db *db, sqlite3_stmt *st, ent_purchase_cb cb, void *ud)
{
    int sc, rc = ENT_OK;
    while (rc == ENT_OK && (sc = sqlite3_step(st)) == SQLITE_ROW) {
        ent_purchase po;
        memset(&po, 0, sizeof po);
        entx_col_copy(st, po.number, sizeof po.number, 0);
        entx_col_copy(st, po.uuid, sizeof po.uuid, 1);
        entx_col_copy(st, po.supplier, sizeof po.supplier, 2);
        po.supplier_name = text_or_empty(st, 3);
        entx_col_copy(st, po.status, sizeof po.status, 4);
        entx_col_copy(st, po.currency, sizeof po.currency, 5);
        entx_col_copy(st, po.expected, sizeof po.expected, 6);
        po.note = text_or_empty(st, 7);
        entx_col_copy(st, po.created_at, sizeof po.created_at, 8);
        entx_col_copy(st, po.sent_at, sizeof po.sent_at, 9);
        entx_col_copy(st, po.closed_at, sizeof po.closed_at, 10);
        po.created_by = text_or_empty(st, 11);
        po.sent_by = text_or_empty(st, 12);
        po.closed_by = text_or_empty(st, 13);
        po.lines = sqlite3_column_int64(st, 14);
        po.total = sqlite3_column_int64(st, 15);
        po.supplier_name_en = text_or_empty(st, 16);
        rc = cb ? cb(&po, ud) : ENT_OK;
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading purchase orders");
    sqlite3_reset(st);
    return rc;
}

static int visit_lines(ent_db *db, int64_t order_id, ent_purchase_line_cb cb, void *ud)
{
    sqlite3_stmt *st = entx_stmt(
        db, "SELECT l.line_no, p.gtin, p.sku, COALESCE(p.name_zh, p.name_en), i.supplier_code, l.pack_size, "
            "l.packs, l.units, l.price, l.received, p.name_en FROM purchase_line l JOIN product p ON p.id = l.product_id "
            "JOIN purchase_order o ON o.id = l.order_id "
            "LEFT JOIN supplier_item i ON i.supplier_id = o.supplier_id AND i.product_id = l.product_id "
            "WHERE l.order_id = ? ORDER BY l.line_no");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, order_id);
    int sc, rc = ENT_OK;
    while (rc == ENT_OK && (sc = sqlite3_step(st)) == SQLITE_ROW) {
        ent_purchase_line l;
        memset(&l, 0, sizeof l);
        l.line_no = sqlite3_column_int(st, 0);
        entx_col_copy(st, l.gtin, sizeof l.gtin, 1);
        l.sku = text_or_empty(st, 2);
        l.name = text_or_empty(st, 3);
        l.supplier_code = text_or_empty(st, 4);
        l.pack_size = sqlite3_column_int64(st, 5);
        l.packs = sqlite3_column_int64(st, 6);
        l.units = sqlite3_column_int64(st, 7);
        l.price = sqlite3_column_int64(st, 8);
        l.received = sqlite3_column_int64(st, 9);
        l.name_en = text_or_empty(st, 10);
        l.qty = l.packs * l.pack_size + l.units; /* checked when written */
        entx_purchase_value(&l.value, l.packs, l.units, l.pack_size, l.price);
        rc = cb(&l, ud);
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading an order's lines");
    sqlite3_reset(st);
    return rc;
}

int ent_purchase_get(ent_db *db, const char *order, ent_purchase_cb cb, ent_purchase_line_cb line_cb, void *ud)
{
    struct entx_po po;
    entx_ok(db);
    int rc = entx_purchase_find(db, &po, order);
    if (rc != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(db, PO_SELECT "WHERE o.id = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, po.id);
    if ((rc = visit_orders(db, st, cb, ud)) == ENT_OK && line_cb)
        rc = visit_lines(db, po.id, line_cb, ud);
    return rc;
}

static const char *const statuses[] = {"draft", "sent", "partial", "received", "cancelled"};

int ent_purchase_each(ent_db *db, const char *status, const char *supplier, ent_purchase_cb cb, void *ud)
{
    struct entx_supplier s = {.id = 0};
    int rc;
    entx_ok(db);
    if (status) {
        size_t k = 0;
        while (k < 5 && strcmp(status, statuses[k]) != 0)
            k++;
        if (k == 5)
            return entx_fail(db, ENT_INVALID, "status '%s' must be draft, sent, partial, received or cancelled",
                             ENT_CLIP(status, 40));
    }
    if (supplier && (rc = entx_supplier_find(db, &s, supplier)) != ENT_OK)
        return rc;
    sqlite3_stmt *st =
        entx_stmt(db, PO_SELECT "WHERE (?1 IS NULL OR o.status = ?1) AND (?2 = 0 OR o.supplier_id = ?2) ORDER BY o.id DESC");
    if (st == NULL)
        return db->code;
    if (status)
        sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, s.id);
    return visit_orders(db, st, cb, ud);
}

int ent_purchase_changes(ent_db *db, const char *order, ent_purchase_change_cb cb, void *ud)
{
    struct entx_po po;
    entx_ok(db);
    int rc = entx_purchase_find(db, &po, order);
    if (rc != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(db, "SELECT at, user, what FROM purchase_change WHERE order_id = ? ORDER BY id");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, po.id);
    int sc;
    while (rc == ENT_OK && (sc = sqlite3_step(st)) == SQLITE_ROW) {
        ent_purchase_change c = {text_or_empty(st, 0), text_or_empty(st, 1), text_or_empty(st, 2)};
        rc = cb(&c, ud);
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading an order's changes");
    sqlite3_reset(st);
    return rc;
}
