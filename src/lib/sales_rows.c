/* Sales: the row writers shared by checkout and returns, and the report summaries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/db.h"
#include "journal_internal.h" /* the journal record of a sale */
#include "sales_internal.h"

/* ---- summaries ---------------------------------------------------------- */

int entx_sales_sum_add(ent_db *db, const struct sales_sum *sum)
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
    sqlite3_bind_text(st, 1, sum->day, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, sum->hour);
    sqlite3_bind_text(st, 3, sum->counter, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, sum->cashier, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, sum->total);
    sqlite3_bind_int64(st, 6, sum->units);
    sqlite3_bind_int(st, 7, !sum->is_return);
    sqlite3_bind_int(st, 8, sum->is_return);
    if ((rc = entx_exec_stmt(db, st)) != ENT_OK)
        return rc;
    for (size_t i = 0; i < sum->n; i++) {
        const struct sales_sum_line *l = &sum->lines[i];
        st = entx_stmt(db, "INSERT INTO sale_sum_origin(day, origin, counter, value, units, lines, ret_value, "
                          "ret_units, ret_lines) VALUES (?1, ?2, ?3, ?4, ?5, 1 - ?6, -?4 * ?6, -?5 * ?6, ?6) "
                          "ON CONFLICT(day, origin, counter) DO UPDATE SET "
                          "value = value + excluded.value, units = units + excluded.units, "
                          "lines = lines + excluded.lines, ret_value = ret_value + excluded.ret_value, "
                          "ret_units = ret_units + excluded.ret_units, ret_lines = ret_lines + excluded.ret_lines");
        if (st == NULL)
            return db->code;
        sqlite3_bind_text(st, 1, sum->day, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, l->origin, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, sum->counter, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, l->amount);
        sqlite3_bind_int64(st, 5, l->units);
        sqlite3_bind_int(st, 6, sum->is_return ? 1 : 0);
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
        sqlite3_bind_text(st, 1, sum->day, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, l->product_id);
        sqlite3_bind_int64(st, 3, l->amount);
        sqlite3_bind_int64(st, 4, l->units);
        sqlite3_bind_int(st, 5, sum->is_return ? 1 : 0);
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

/* Binds by parameter name (":uuid"), so that a column added to a row
 * writer cannot shift the others. A 0 id and a NULL text are stored as
 * NULL; the texts stay the caller's until the statement has run. */
static void bind_i64(sqlite3_stmt *st, const char *name, int64_t v)
{
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, name), v);
}

static void bind_id(sqlite3_stmt *st, const char *name, int64_t id)
{
    if (id != 0)
        bind_i64(st, name, id);
}

static void bind_text(sqlite3_stmt *st, const char *name, const char *v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (v == NULL)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

int entx_sales_insert_sale(ent_db *db, int64_t *out, const struct sales_row *row)
{
    sqlite3_stmt *st = entx_stmt(db, "INSERT INTO sale(uuid, receipt, kind, ref_id, at, day, hour, counter, cashier, "
                                     "total, tax, units, note, qr, approved_by) VALUES (:uuid, :receipt, :kind, :ref_id, :at, "
                                     ":day, :hour, :counter, :cashier, :total, :tax, :units, :note, :qr, :approved_by)");
    if (st == NULL)
        return db->code;
    bind_text(st, ":uuid", row->uuid);
    bind_i64(st, ":receipt", row->receipt);
    bind_text(st, ":kind", row->kind);
    bind_id(st, ":ref_id", row->ref_id);
    bind_text(st, ":at", row->at);
    bind_text(st, ":day", row->day);
    bind_i64(st, ":hour", row->hour);
    bind_text(st, ":counter", row->counter);
    bind_text(st, ":cashier", row->cashier);
    bind_i64(st, ":total", row->total);
    bind_i64(st, ":tax", row->tax);
    bind_i64(st, ":units", row->units);
    bind_text(st, ":note", row->note);
    bind_text(st, ":qr", row->qr);
    bind_text(st, ":approved_by", row->approved_by);
    int rc = entx_exec_stmt(db, st);
    *out = sqlite3_last_insert_rowid(db->sql);
    return rc;
}

int entx_sales_insert_line(ent_db *db, int64_t *out, const struct sales_line_row *row)
{
    sqlite3_stmt *st = entx_stmt(
        db, "INSERT INTO sale_line(sale_id, line, product_id, code, name, origin, lot, unit, qty, unit_price, "
            "discount, amount, tax_rate, tax, price_reason, discount_reason, ref_line, approved_by, sell_unit) "
            "VALUES (:sale_id, :line, :product_id, :code, :name, :origin, :lot, :unit, :qty, :unit_price, "
            ":discount, :amount, :tax_rate, :tax, :price_reason, :discount_reason, :ref_line, :approved_by, "
            "COALESCE(:sell_unit, (SELECT sell_unit FROM sale_line WHERE id = :ref_line)))");
    if (st == NULL)
        return db->code;
    bind_i64(st, ":sale_id", row->sale_id);
    bind_i64(st, ":line", row->line);
    bind_i64(st, ":product_id", row->product_id);
    bind_text(st, ":code", row->code);
    bind_text(st, ":name", row->name);
    bind_text(st, ":origin", row->origin);
    bind_text(st, ":lot", row->lots);
    bind_text(st, ":unit", row->unit);
    bind_i64(st, ":qty", row->qty);
    bind_i64(st, ":unit_price", row->unit_price);
    bind_i64(st, ":discount", row->discount);
    bind_i64(st, ":amount", row->amount);
    bind_i64(st, ":tax_rate", row->rate);
    bind_i64(st, ":tax", row->tax);
    bind_text(st, ":price_reason", row->price_reason);
    bind_text(st, ":discount_reason", row->discount_reason);
    bind_id(st, ":ref_line", row->ref_line);
    bind_text(st, ":approved_by", row->approved_by);
    bind_text(st, ":sell_unit", row->sell_unit);
    int rc = entx_exec_stmt(db, st);
    *out = sqlite3_last_insert_rowid(db->sql);
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
