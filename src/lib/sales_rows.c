/* Sales: the row writers shared by checkout and returns, and the report summaries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/db.h"
#include "journal_internal.h" /* the journal record of a sale */
#include "sales_internal.h"

/* ---- summaries ---------------------------------------------------------- */

int entx_sales_sum_add(ent_db *db, const char *day, int hour, const char *counter, const char *cashier,
                  int is_return, int64_t total, int64_t units, const struct sales_sum_line *lines, size_t n)
{
    /* Returns add to their own columns (and lower the net value and units):
     * they are no negative sales, so the counts of sales and lines stay. */
    sqlite3_stmt *st = entx_stmt(
        db, "INSERT INTO sale_sum_hour(day, hour, counter, cashier, value, units, transactions, returns, ret_value, "
            "ret_units) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, -?5 * ?8, -?6 * ?8) "
            "ON CONFLICT(day, hour, counter, cashier) DO UPDATE SET "
            "value = value + excluded.value, units = units + excluded.units, "
            "transactions = transactions + excluded.transactions, returns = returns + excluded.returns, "
            "ret_value = ret_value + excluded.ret_value, ret_units = ret_units + excluded.ret_units");
    int rc;
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, hour);
    sqlite3_bind_text(st, 3, counter, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, cashier, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, total);
    sqlite3_bind_int64(st, 6, units);
    sqlite3_bind_int(st, 7, !is_return);
    sqlite3_bind_int(st, 8, is_return);
    if ((rc = entx_exec_stmt(db, st)) != ENT_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        st = entx_stmt(db, "INSERT INTO sale_sum_origin(day, origin, counter, value, units, lines, ret_value, "
                          "ret_units, ret_lines) VALUES (?1, ?2, ?3, ?4, ?5, 1 - ?6, -?4 * ?6, -?5 * ?6, ?6) "
                          "ON CONFLICT(day, origin, counter) DO UPDATE SET "
                          "value = value + excluded.value, units = units + excluded.units, "
                          "lines = lines + excluded.lines, ret_value = ret_value + excluded.ret_value, "
                          "ret_units = ret_units + excluded.ret_units, ret_lines = ret_lines + excluded.ret_lines");
        if (st == NULL)
            return db->code;
        sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, lines[i].origin, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, counter, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, lines[i].amount);
        sqlite3_bind_int64(st, 5, lines[i].units);
        sqlite3_bind_int(st, 6, is_return ? 1 : 0);
        if ((rc = entx_exec_stmt(db, st)) != ENT_OK)
            return rc;
        st = entx_stmt(db, "INSERT INTO sale_sum_product(day, product_id, value, units, lines, ret_value, ret_units, "
                          "ret_lines) VALUES (?1, ?2, ?3, ?4, 1 - ?5, -?3 * ?5, -?4 * ?5, ?5) "
                          "ON CONFLICT(day, product_id) DO UPDATE SET "
                          "value = value + excluded.value, units = units + excluded.units, "
                          "lines = lines + excluded.lines, ret_value = ret_value + excluded.ret_value, "
                          "ret_units = ret_units + excluded.ret_units, ret_lines = ret_lines + excluded.ret_lines");
        if (st == NULL)
            return db->code;
        sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, lines[i].product_id);
        sqlite3_bind_int64(st, 3, lines[i].amount);
        sqlite3_bind_int64(st, 4, lines[i].units);
        sqlite3_bind_int(st, 5, is_return ? 1 : 0);
        if ((rc = entx_exec_stmt(db, st)) != ENT_OK)
            return rc;
    }
    return ENT_OK;
}

int entx_sales_taxes(ent_journal_tax **out, size_t *n, const int32_t *rates, const int64_t *amounts,
                const int64_t *taxes, size_t nlines)
{
    ent_journal_tax *t = calloc(nlines ? nlines : 1, sizeof *t);
    size_t k = 0;
    *out = NULL;
    *n = 0;
    if (t == NULL)
        return ENT_ERROR;
    for (size_t i = 0; i < nlines; i++) {
        size_t j = 0;
        while (j < k && t[j].rate != rates[i])
            j++;
        if (j == k)
            t[k++].rate = rates[i];
        t[j].gross += amounts[i];
        t[j].tax += taxes[i];
    }
    *out = t;
    *n = k;
    return ENT_OK;
}

/* ---- row writers ------------------------------------------------------- */

int entx_sales_insert_sale(ent_db *db, int64_t *id, const char *uuid, int64_t receipt, const char *kind,
                       int64_t ref_id, const char *at, const char *day, int hour, const char *counter,
                       const char *cashier, int64_t total, int64_t tax, int64_t units, const char *note,
                       const char *qr)
{
    sqlite3_stmt *st = entx_stmt(db, "INSERT INTO sale(uuid, receipt, kind, ref_id, at, day, hour, counter, cashier, "
                                    "total, tax, units, note, qr) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, receipt);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    if (ref_id)
        sqlite3_bind_int64(st, 4, ref_id);
    sqlite3_bind_text(st, 5, at, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, day, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, hour);
    sqlite3_bind_text(st, 8, counter, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, cashier, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 10, total);
    sqlite3_bind_int64(st, 11, tax);
    sqlite3_bind_int64(st, 12, units);
    entx_bind_text_or_null(st, 13, note);
    sqlite3_bind_text(st, 14, qr, -1, SQLITE_STATIC);
    int rc = entx_exec_stmt(db, st);
    *id = sqlite3_last_insert_rowid(db->sql);
    return rc;
}

int entx_sales_insert_line(ent_db *db, int64_t *id, int64_t sale_id, int line, int64_t product_id, const char *code,
                      const char *name, const char *origin, const char *lots, const char *unit, int64_t qty,
                      int64_t unit_price, int64_t discount, int64_t amount, int32_t rate, int64_t tax,
                      const char *price_reason, const char *discount_reason, int64_t ref_line)
{
    sqlite3_stmt *st = entx_stmt(db,
        "INSERT INTO sale_line(sale_id, line, product_id, code, name, origin, lot, unit, qty, unit_price, "
        "discount, amount, tax_rate, tax, price_reason, discount_reason, ref_line) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, sale_id);
    sqlite3_bind_int(st, 2, line);
    sqlite3_bind_int64(st, 3, product_id);
    sqlite3_bind_text(st, 4, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, origin, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, lots, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, unit, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, qty);
    sqlite3_bind_int64(st, 10, unit_price);
    sqlite3_bind_int64(st, 11, discount);
    sqlite3_bind_int64(st, 12, amount);
    sqlite3_bind_int(st, 13, rate);
    sqlite3_bind_int64(st, 14, tax);
    entx_bind_text_or_null(st, 15, price_reason);
    entx_bind_text_or_null(st, 16, discount_reason);
    if (ref_line)
        sqlite3_bind_int64(st, 17, ref_line);
    int rc = entx_exec_stmt(db, st);
    *id = sqlite3_last_insert_rowid(db->sql);
    return rc;
}

int entx_sales_insert_pick(ent_db *db, int64_t line_id, int64_t lot_id, int64_t location_id, int64_t qty)
{
    sqlite3_stmt *st = entx_stmt(db, "INSERT INTO sale_pick(line_id, lot_id, location_id, qty) VALUES (?1, ?2, ?3, ?4) "
                                    "ON CONFLICT(line_id, lot_id, location_id) DO UPDATE SET qty = qty + excluded.qty");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, line_id);
    sqlite3_bind_int64(st, 2, lot_id);
    sqlite3_bind_int64(st, 3, location_id);
    sqlite3_bind_int64(st, 4, qty);
    return entx_exec_stmt(db, st);
}

int entx_sales_insert_pay(ent_db *db, int64_t sale_id, const char *method, int64_t amount, int64_t tendered,
                     int64_t change)
{
    sqlite3_stmt *st =
        entx_stmt(db, "INSERT INTO sale_pay(sale_id, method, amount, tendered, change) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, sale_id);
    sqlite3_bind_text(st, 2, method, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, amount);
    sqlite3_bind_int64(st, 4, tendered);
    sqlite3_bind_int64(st, 5, change);
    return entx_exec_stmt(db, st);
}
