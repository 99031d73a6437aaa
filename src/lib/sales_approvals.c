/* Sales: who approved what (sale_line.approved_by, sale.approved_by). */
#include <stdio.h>
#include <string.h>

#include "sales_internal.h"

int ent_sales_approvals(ent_db *db, const ent_sales_query *q, ent_approval_cb cb, void *ud)
{
    int rc, sc;
    entx_ok(db);
    if (q == NULL)
        return entx_fail(db, ENT_INVALID, "no report query given");
    if ((rc = entx_sales_check_range(db, q->from, q->to)) != ENT_OK)
        return rc;
    if (q->counter && *q->counter && (rc = entx_sales_check_counter(db, q->counter)) != ENT_OK)
        return rc;
    /* A line's approval covers its price when it has a price reason (an
     * override), its discount when it has one. A return's is a void when its
     * note says so (as ent_sale_get reads it). */
    sqlite3_stmt *st = entx_stmt(
        db, "SELECT s.receipt, s.at, s.counter, s.cashier, l.approved_by, "
            "  CASE WHEN l.price_reason IS NOT NULL AND l.discount <> 0 THEN 'price+discount' "
            "       WHEN l.discount <> 0 THEN 'discount' ELSE 'price' END, "
            "  l.code, l.name, l.amount, COALESCE(l.price_reason, l.discount_reason), l.line "
            "FROM sale_line l JOIN sale s ON s.id = l.sale_id "
            "WHERE l.approved_by IS NOT NULL AND s.day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR s.counter = ?3) "
            "UNION ALL "
            "SELECT s.receipt, s.at, s.counter, s.cashier, s.approved_by, "
            "  CASE WHEN s.note LIKE 'VOID%' THEN 'void' ELSE 'return without receipt' END, "
            "  NULL, NULL, s.total, s.note, 0 "
            "FROM sale s WHERE s.approved_by IS NOT NULL AND s.day BETWEEN ?1 AND ?2 "
            "AND (?3 IS NULL OR s.counter = ?3) ORDER BY 1, 11");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, q->from && *q->from ? q->from : "0000-00-00", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, q->to && *q->to ? q->to : "9999-99-99", -1, SQLITE_STATIC);
    entx_bind_text_or_null(st, 3, q->counter);
    while (rc == ENT_OK && (sc = sqlite3_step(st)) == SQLITE_ROW) {
        ent_approval_row r = {.receipt = sqlite3_column_int64(st, 0),
                              .time = (const char *)sqlite3_column_text(st, 1),
                              .counter = (const char *)sqlite3_column_text(st, 2),
                              .cashier = (const char *)sqlite3_column_text(st, 3),
                              .approver = (const char *)sqlite3_column_text(st, 4),
                              .what = (const char *)sqlite3_column_text(st, 5),
                              .code = (const char *)sqlite3_column_text(st, 6),
                              .name = (const char *)sqlite3_column_text(st, 7),
                              .amount = sqlite3_column_int64(st, 8),
                              .reason = (const char *)sqlite3_column_text(st, 9)};
        rc = cb(&r, ud);
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading the approvals");
    sqlite3_reset(st);
    return rc;
}
