/* Sales reports, read from the summaries that checkout and returns keep. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/country.h"
#include "sales_internal.h"

struct srow {
    char *key, *name;
    int64_t value, units, transactions, ret_value, ret_units, ret_count;
};

int entx_sales_check_range(ent_db *db, const char *from, const char *to)
{
    if (from && *from && entx_date_parse(NULL, from) != ENT_OK)
        return entx_fail_date(db, "the first day", from);
    if (to && *to && entx_date_parse(NULL, to) != ENT_OK)
        return entx_fail_date(db, "the last day", to);
    if (from && *from && to && *to && strcmp(from, to) > 0)
        return entx_fail(db, ENT_INVALID, "the first day %s is after the last day %s", from, to);
    return ENT_OK;
}

/* One statement per grouping: the summaries answer each with an index range
 * scan over days, whatever the number of sale lines behind them. */
static const char *const report_sql[] = {
    [ENT_SALES_BY_DAY] = "SELECT day, NULL, SUM(value), SUM(units), SUM(transactions), SUM(ret_value), "
                         "SUM(ret_units), SUM(returns) FROM sale_sum_hour "
                         "WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR counter = ?3) GROUP BY day ORDER BY day",
    [ENT_SALES_BY_HOUR] = "SELECT printf('%02d', hour), NULL, SUM(value), SUM(units), SUM(transactions), "
                          "SUM(ret_value), SUM(ret_units), SUM(returns) "
                          "FROM sale_sum_hour WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR counter = ?3) "
                          "GROUP BY hour ORDER BY hour",
    [ENT_SALES_BY_COUNTER] = "SELECT counter, NULL, SUM(value), SUM(units), SUM(transactions), SUM(ret_value), "
                             "SUM(ret_units), SUM(returns) FROM sale_sum_hour "
                             "WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR counter = ?3) GROUP BY counter "
                             "ORDER BY counter",
    [ENT_SALES_BY_CASHIER] = "SELECT cashier, NULL, SUM(value), SUM(units), SUM(transactions), SUM(ret_value), "
                             "SUM(ret_units), SUM(returns) FROM sale_sum_hour "
                             "WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR counter = ?3) GROUP BY cashier "
                             "ORDER BY cashier",
    [ENT_SALES_BY_PRODUCT] = "SELECT COALESCE(p.gtin, p.sku), COALESCE(p.name_zh, p.name_en), SUM(s.value), "
                             "SUM(s.units), SUM(s.lines), SUM(s.ret_value), SUM(s.ret_units), SUM(s.ret_lines) "
                             "FROM sale_sum_product s JOIN product p ON p.id = s.product_id "
                             "WHERE s.day BETWEEN ?1 AND ?2 AND ?3 IS NULL "
                             "GROUP BY s.product_id ORDER BY SUM(s.value + s.ret_value) DESC, 1",
    [ENT_SALES_BY_ORIGIN] = "SELECT origin, NULL, SUM(value), SUM(units), SUM(lines), SUM(ret_value), "
                            "SUM(ret_units), SUM(ret_lines) FROM sale_sum_origin "
                            "WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR counter = ?3) GROUP BY origin "
                            "ORDER BY SUM(value + ret_value) DESC, origin",
};

int ent_sales_report(ent_db *db, int64_t *total_out, const ent_sales_query *q, ent_sales_cb cb, void *ud)
{
    struct srow *rows = NULL;
    size_t n = 0, cap = 0;
    int64_t total = 0, gross = 0;
    int rc, sc = SQLITE_DONE;
    entx_ok(db);
    if (q == NULL || (int)q->by < 0 || q->by > ENT_SALES_BY_ORIGIN)
        return entx_fail(db, ENT_INVALID, "no such report grouping");
    if ((rc = entx_sales_check_range(db, q->from, q->to)) != ENT_OK)
        return rc;
    if (q->counter && *q->counter) {
        char shown[ENT_CLIP_SIZE];
        ent_text_clip(shown, sizeof shown, q->counter, 40);
        if (!entx_valid_code(q->counter, 16) || strchr(q->counter, '.') || strchr(q->counter, '/'))
            return entx_fail(db, ENT_INVALID, "counter '%s' must be 1 to 16 letters, digits, - or _", shown);
        if (q->by == ENT_SALES_BY_PRODUCT)
            return entx_fail(db, ENT_INVALID,
                            "the report by commodity covers every counter: it cannot be limited "
                            "to counter %s",
                            shown);
    }
    sqlite3_stmt *st = entx_stmt(db, report_sql[q->by]);
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, q->from && *q->from ? q->from : "0000-00-00", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, q->to && *q->to ? q->to : "9999-99-99", -1, SQLITE_STATIC);
    entx_bind_text_or_null(st, 3, q->counter);
    while (rc == ENT_OK && (sc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            struct srow *nr = realloc(rows, cap * sizeof *nr);
            if (nr == NULL) {
                rc = entx_fail(db, ENT_ERROR, "out of memory");
                break;
            }
            rows = nr;
        }
        struct srow *r = &rows[n++];
        r->key = entx_col_strdup(st, 0);
        r->name = entx_col_strdup(st, 1);
        r->value = sqlite3_column_int64(st, 2);
        r->units = sqlite3_column_int64(st, 3);
        r->transactions = sqlite3_column_int64(st, 4);
        r->ret_value = sqlite3_column_int64(st, 5);
        r->ret_units = sqlite3_column_int64(st, 6);
        r->ret_count = sqlite3_column_int64(st, 7);
        /* Each row is a sum of bounded sales; the totals are checked all the same. */
        if (__builtin_add_overflow(total, r->value, &total) ||
            __builtin_add_overflow(gross, r->value + r->ret_value, &gross))
            rc = entx_fail(db, ENT_ERROR, "the sales summaries add up to more than can be counted: rebuild them");
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading the sales summaries");
    sqlite3_reset(st);
    for (size_t i = 0; i < n && rc == ENT_OK; i++) {
        ent_sales_row row = {0};
        const ent_country *c = NULL;
        row.key = rows[i].key ? rows[i].key : "";
        row.name = rows[i].name;
        if (q->by == ENT_SALES_BY_ORIGIN && ent_country_lookup(&c, row.key) == ENT_OK)
            row.name = c->name_zh;
        row.value = rows[i].value;
        row.units = rows[i].units;
        row.transactions = rows[i].transactions;
        row.returns = rows[i].ret_value;
        row.gross = row.value + row.returns;
        row.units_returned = rows[i].ret_units;
        row.units_sold = row.units + row.units_returned;
        row.return_count = rows[i].ret_count;
        /* The share of the gross sales: never negative, and the rows add up to
         * 100 % even on a day of more refunds than sales. */
        row.share_bp = gross > 0 ? (int32_t)entx_muldiv(row.gross, 10000, gross) : 0;
        rc = cb(&row, ud);
    }
    for (size_t i = 0; i < n; i++) {
        free(rows[i].key);
        free(rows[i].name);
    }
    free(rows);
    if (total_out)
        *total_out = total;
    return rc;
}

int ent_sales_summary_rebuild(ent_db *db)
{
    /* The same statements as schema/008_sales_returns.sql. */
    static const char *const sql[] = {
        "DELETE FROM sale_sum_hour",
        "DELETE FROM sale_sum_origin",
        "DELETE FROM sale_sum_product",
        "INSERT INTO sale_sum_hour(day, hour, counter, cashier, value, units, transactions, returns, ret_value, "
        "ret_units) "
        "SELECT day, hour, counter, cashier, SUM(total), SUM(units), SUM(kind = 'sale'), SUM(kind = 'return'), "
        "       SUM(CASE WHEN kind = 'return' THEN -total ELSE 0 END), "
        "       SUM(CASE WHEN kind = 'return' THEN -units ELSE 0 END) "
        "FROM sale GROUP BY day, hour, counter, cashier",
        "INSERT INTO sale_sum_origin(day, origin, counter, value, units, lines, ret_value, ret_units, ret_lines) "
        "SELECT s.day, l.origin, s.counter, SUM(l.amount), "
        "       SUM(CASE WHEN l.unit = 'pcs' THEN l.qty WHEN l.qty > 0 THEN 1 ELSE -1 END), "
        "       SUM(s.kind = 'sale'), SUM(CASE WHEN s.kind = 'return' THEN -l.amount ELSE 0 END), "
        "       SUM(CASE WHEN s.kind <> 'return' THEN 0 WHEN l.unit = 'pcs' THEN -l.qty ELSE 1 END), "
        "       SUM(s.kind = 'return') "
        "FROM sale_line l JOIN sale s ON s.id = l.sale_id GROUP BY s.day, l.origin, s.counter",
        "INSERT INTO sale_sum_product(day, product_id, value, units, lines, ret_value, ret_units, ret_lines) "
        "SELECT s.day, l.product_id, SUM(l.amount), "
        "       SUM(CASE WHEN l.unit = 'pcs' THEN l.qty WHEN l.qty > 0 THEN 1 ELSE -1 END), "
        "       SUM(s.kind = 'sale'), SUM(CASE WHEN s.kind = 'return' THEN -l.amount ELSE 0 END), "
        "       SUM(CASE WHEN s.kind <> 'return' THEN 0 WHEN l.unit = 'pcs' THEN -l.qty ELSE 1 END), "
        "       SUM(s.kind = 'return') "
        "FROM sale_line l JOIN sale s ON s.id = l.sale_id GROUP BY s.day, l.product_id",
    };
    int rc;
    entx_ok(db);
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    for (size_t i = 0; i < sizeof sql / sizeof *sql && rc == ENT_OK; i++)
        if (sqlite3_exec(db->sql, sql[i], NULL, NULL, NULL) != SQLITE_OK)
            rc = entx_fail_sql(db, "rebuilding the sales summaries");
    return entx_tx_end(db, rc);
}
