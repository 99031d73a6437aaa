/*
 * Sales: the checks `check` runs on the sales tables. Rows can be edited
 * outside entrepot (a copy of the database, triggers dropped); these read
 * every sale back and compare what must agree: a sale's header with its
 * lines and payments, each line with the lots picked for it, the picks with
 * the stock moves of the sale, and the report summaries with the sales.
 * The journal side is in check_journal.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/money.h"
#include "sales_check.h"

void entx_sales_issue(struct sales_issues *is, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    is->n++;
    if (is->cb)
        is->cb(line, is->ud);
}

void entx_sales_issue_money(char *buf, size_t len, int64_t minor, const char *currency)
{
    char n[48];
    if (ent_money_format(n, sizeof n, minor, currency) < 0)
        snprintf(n, sizeof n, "%lld", (long long)minor);
    snprintf(buf, len, "%s %s", n, currency);
}

int entx_sales_each_row(ent_db *db, sales_row_cb cb, void *ud)
{
    sqlite3_stmt *st = NULL;
    int sc, rc = 0;
    /* Its own statement: the callback reads other rows meanwhile. */
    if (sqlite3_prepare_v2(db->sql, "SELECT id, uuid, receipt FROM sale ORDER BY receipt, id", -1, &st, NULL) !=
        SQLITE_OK)
        return entx_fail_sql(db, "reading the sales");
    while (rc == 0 && (sc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *uuid = (const char *)sqlite3_column_text(st, 1);
        rc = cb(sqlite3_column_int64(st, 0), uuid ? uuid : "", sqlite3_column_int64(st, 2), ud);
    }
    if (rc == 0 && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading the sales");
    sqlite3_finalize(st);
    return rc;
}

/* A line's units in the reports (entx_sales_line_units, on stored values). */
static int64_t line_units(const char *unit, int64_t qty)
{
    return strcmp(unit ? unit : "", "pcs") == 0 ? qty : qty > 0 ? 1 : qty < 0 ? -1 : 0;
}

/* True when code is one of the '+'-separated lot codes in lots. */
static bool lot_listed(const char *lots, const char *code)
{
    size_t n = strlen(code);
    for (const char *p = lots; p && *p;) {
        const char *plus = strchr(p, '+');
        size_t len = plus ? (size_t)(plus - p) : strlen(p);
        if (len == n && strncmp(p, code, n) == 0)
            return true;
        p = plus ? plus + 1 : NULL;
    }
    return false;
}

struct sums {
    int64_t total, tax, units, paid;
    bool overflow;
};

/* Each line: its quantity against the lots picked for it; sums the lines. */
static int check_lines(ent_db *db, struct sales_issues *is, int64_t id, const char *label, bool sale, struct sums *s)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT l.id, l.line, l.qty, l.lot, l.unit, l.amount, l.tax, "
                                    "       (SELECT COALESCE(SUM(p.qty), 0) FROM sale_pick p WHERE p.line_id = l.id) "
                                    "FROM sale_line l WHERE l.sale_id = ? ORDER BY l.line");
    int sc;
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, id);
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t line = sqlite3_column_int64(st, 1), qty = sqlite3_column_int64(st, 2);
        int64_t picked = sqlite3_column_int64(st, 7);
        s->overflow |=
            __builtin_add_overflow(s->total, sqlite3_column_int64(st, 5), &s->total) ||
            __builtin_add_overflow(s->tax, sqlite3_column_int64(st, 6), &s->tax) ||
            __builtin_add_overflow(s->units, line_units((const char *)sqlite3_column_text(st, 4), qty), &s->units);
        if (picked != qty)
            entx_sales_issue(is, "%s: line %lld: quantity %lld, but the lots taken for it hold %lld", label, (long long)line,
                        (long long)qty, (long long)picked);
        char lots[80];
        entx_col_copy(st, lots, sizeof lots, 3);
        /* Each lot picked must be named on the line; a sale's line names
         * only the lots picked (a return's names those of the line sold). */
        sqlite3_stmt *pk = entx_stmt(db, "SELECT DISTINCT lot.code FROM sale_pick p JOIN lot ON lot.id = p.lot_id "
                                        "WHERE p.line_id = ? ORDER BY lot.code");
        if (pk == NULL)
            break;
        sqlite3_bind_int64(pk, 1, sqlite3_column_int64(st, 0));
        int npicked = 0, psc;
        bool missing = false;
        char first_missing[80] = "";
        while ((psc = sqlite3_step(pk)) == SQLITE_ROW) {
            const char *code = (const char *)sqlite3_column_text(pk, 0);
            npicked++;
            if (code && !lot_listed(lots, code) && strlen(lots) < 64 && !missing) {
                missing = true;
                snprintf(first_missing, sizeof first_missing, "%s", code);
            }
        }
        sqlite3_reset(pk);
        if (missing)
            entx_sales_issue(is, "%s: line %lld: lot %s was taken, but the line names lots '%s'", label, (long long)line,
                        first_missing, lots);
        else if (sale && picked == qty && *lots && npicked > 0) {
            int listed = 1;
            for (const char *p = lots; (p = strchr(p, '+')) != NULL; p++)
                listed++;
            if (listed != npicked && strlen(lots) < 64)
                entx_sales_issue(is, "%s: line %lld: the line names lots '%s', but %d lot%s were taken", label,
                            (long long)line, lots, npicked, npicked == 1 ? "" : "s");
        }
    }
    sqlite3_reset(st);
    if (sc != SQLITE_DONE)
        return db->code != ENT_OK ? db->code : entx_fail_sql(db, "reading sale lines");
    return ENT_OK;
}

/*
 * The picks of every sale against the stock moves of its batch, per lot and
 * location, in one pass: a statement per sale would scan the moves once a
 * sale (the ledger has no index on the batch, and every stock write would pay
 * for one), so a store's check grew with sales times moves.
 */
int entx_sales_check_moves(ent_db *db, struct sales_issues *is)
{
    sqlite3_stmt *st = entx_stmt(
        db, "WITH g AS (SELECT sid, lot_id, location_id, SUM(pq) AS pq, SUM(mq) AS mq, MIN(k) AS k1, MAX(k) AS k2 "
            "           FROM (SELECT l.sale_id AS sid, p.lot_id, p.location_id, p.qty AS pq, 0 AS mq, NULL AS k "
            "                 FROM sale_pick p JOIN sale_line l ON l.id = p.line_id "
            "                 UNION ALL "
            "                 SELECT s.id, m.lot_id, m.location_id, 0, -m.qty, m.kind "
            "                 FROM stock_move m JOIN sale s ON s.uuid = m.batch) "
            "           GROUP BY sid, lot_id, location_id) "
            "SELECT s.kind, s.receipt, COALESCE(lot.code, '?'), COALESCE(loc.code, '?'), g.pq, g.mq, "
            "       COALESCE(g.k1, ''), COALESCE(g.k2, '') "
            "FROM g JOIN sale s ON s.id = g.sid "
            "LEFT JOIN lot ON lot.id = g.lot_id LEFT JOIN location loc ON loc.id = g.location_id "
            "WHERE g.pq <> g.mq OR (g.k1 IS NOT NULL AND (g.k1 <> s.kind OR g.k2 <> s.kind)) "
            "ORDER BY s.receipt, s.id, 3, 4");
    int sc;
    if (st == NULL)
        return db->code;
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(st, 0);
        const char *lot = (const char *)sqlite3_column_text(st, 2), *loc = (const char *)sqlite3_column_text(st, 3);
        int64_t picked = sqlite3_column_int64(st, 4), moved = sqlite3_column_int64(st, 5);
        const char *k1 = (const char *)sqlite3_column_text(st, 6), *k2 = (const char *)sqlite3_column_text(st, 7);
        bool sale = strcmp(kind, "sale") == 0;
        char label[64];
        snprintf(label, sizeof label, "%s receipt %lld", kind, (long long)sqlite3_column_int64(st, 1));
        if (picked != moved)
            entx_sales_issue(is, "%s: lot %s at %s: the %s %lld, but the stock moves %s %lld", label, lot, loc,
                             sale ? "sale took" : "return gave back", (long long)(sale ? picked : -picked),
                             sale ? "took" : "gave back", (long long)(sale ? moved : -moved));
        else
            entx_sales_issue(is, "%s: lot %s at %s: stock moves of kind '%s', not '%s'", label, lot, loc,
                             strcmp(k1, kind) != 0 ? k1 : k2, kind);
    }
    sqlite3_reset(st);
    if (sc != SQLITE_DONE)
        return entx_fail_sql(db, "reading the stock moves of the sales");
    return ENT_OK;
}

int entx_sales_check_one(ent_db *db, struct sales_issues *is, int64_t id, const char *label)
{
    char kind[8] = "", a[64], b[64];
    int64_t total = 0, tax = 0, units = 0;
    struct sums s = {0};
    sqlite3_stmt *st = entx_stmt(db, "SELECT kind, total, tax, units, "
                                    "       (SELECT COUNT(*) FROM sale_pay p WHERE p.sale_id = s.id) "
                                    "FROM sale s WHERE id = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, id);
    int sc = sqlite3_step(st);
    if (sc == SQLITE_ROW) {
        entx_col_copy(st, kind, sizeof kind, 0);
        total = sqlite3_column_int64(st, 1);
        tax = sqlite3_column_int64(st, 2);
        units = sqlite3_column_int64(st, 3);
    }
    sqlite3_reset(st);
    if (sc != SQLITE_ROW)
        return entx_fail_sql(db, "reading a sale");
    int rc = check_lines(db, is, id, label, strcmp(kind, "sale") == 0, &s);
    if (rc != ENT_OK)
        return rc;
    st = entx_stmt(db, "SELECT amount FROM sale_pay WHERE sale_id = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, id);
    while ((sc = sqlite3_step(st)) == SQLITE_ROW)
        s.overflow |= __builtin_add_overflow(s.paid, sqlite3_column_int64(st, 0), &s.paid);
    sqlite3_reset(st);
    if (sc != SQLITE_DONE)
        return entx_fail_sql(db, "reading payments");
    if (s.overflow) {
        entx_sales_issue(is, "%s: its lines or payments add up to more than can be recorded", label);
    } else {
        if (s.total != total) {
            entx_sales_issue_money(a, sizeof a, total, is->currency);
            entx_sales_issue_money(b, sizeof b, s.total, is->currency);
            entx_sales_issue(is, "%s: total %s, but its lines add up to %s", label, a, b);
        }
        if (s.paid != total) {
            entx_sales_issue_money(a, sizeof a, total, is->currency);
            entx_sales_issue_money(b, sizeof b, s.paid, is->currency);
            entx_sales_issue(is, "%s: total %s, but its payments add up to %s", label, a, b);
        }
        if (s.tax != tax) {
            entx_sales_issue_money(a, sizeof a, tax, is->currency);
            entx_sales_issue_money(b, sizeof b, s.tax, is->currency);
            entx_sales_issue(is, "%s: tax %s, but its lines add up to %s", label, a, b);
        }
        if (s.units != units)
            entx_sales_issue(is, "%s: %lld units, but its lines add up to %lld", label, (long long)units,
                        (long long)s.units);
    }
    return ENT_OK;
}

int entx_sales_check_stray_moves(ent_db *db, struct sales_issues *is)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT m.batch, m.kind, COUNT(*), SUM(m.qty) FROM stock_move m "
                                    "WHERE m.kind IN ('sale', 'return') "
                                    "AND NOT EXISTS (SELECT 1 FROM sale s WHERE s.uuid = m.batch) "
                                    "GROUP BY m.batch, m.kind ORDER BY MIN(m.id)");
    int sc;
    if (st == NULL)
        return db->code;
    while ((sc = sqlite3_step(st)) == SQLITE_ROW)
        entx_sales_issue(is, "stock moves of kind %s (batch %.36s, %lld move%s, %lld units) belong to no sale",
                    (const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 0),
                    (long long)sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 2) == 1 ? "" : "s",
                    (long long)sqlite3_column_int64(st, 3));
    sqlite3_reset(st);
    if (sc != SQLITE_DONE)
        return entx_fail_sql(db, "reading the stock moves");
    return ENT_OK;
}

/*
 * Each summary table against what the sales give (the queries of
 * ent_sales_summary_rebuild), both ways: a forged figure, a row that should
 * not be there and a missing one. Columns: the key text, then stored and
 * recomputed pairs of value, units, count (sales or sale lines), returns
 * (return transactions or return lines), returned value and returned units.
 */
#define LINE_UNITS "CASE WHEN l.unit = 'pcs' THEN l.qty WHEN l.qty > 0 THEN 1 ELSE -1 END"
#define RET_UNITS "CASE WHEN s.kind <> 'return' THEN 0 WHEN l.unit = 'pcs' THEN -l.qty ELSE 1 END"
static const char *const summary_sql[] = {
    "WITH want AS (SELECT day, hour, counter, cashier, SUM(total) AS v, SUM(units) AS u, SUM(kind = 'sale') AS t, "
    "                     SUM(kind = 'return') AS r, SUM(CASE WHEN kind = 'return' THEN -total ELSE 0 END) AS rv, "
    "                     SUM(CASE WHEN kind = 'return' THEN -units ELSE 0 END) AS ru "
    "              FROM sale GROUP BY day, hour, counter, cashier), "
    "keys AS (SELECT day, hour, counter, cashier FROM want UNION "
    "         SELECT day, hour, counter, cashier FROM sale_sum_hour) "
    "SELECT printf('%s %02d:00, counter %s, cashier %s', k.day, k.hour, k.counter, k.cashier), "
    "       h.value, w.v, h.units, w.u, h.transactions, w.t, h.returns, w.r, h.ret_value, w.rv, h.ret_units, w.ru "
    "FROM keys k LEFT JOIN sale_sum_hour h ON h.day = k.day AND h.hour = k.hour AND h.counter = k.counter "
    "     AND h.cashier = k.cashier "
    "LEFT JOIN want w ON w.day = k.day AND w.hour = k.hour AND w.counter = k.counter AND w.cashier = k.cashier "
    "WHERE h.day IS NULL OR w.day IS NULL OR h.value <> w.v OR h.units <> w.u OR h.transactions <> w.t "
    "      OR h.returns <> w.r OR h.ret_value <> w.rv OR h.ret_units <> w.ru "
    "ORDER BY k.day, k.hour, k.counter, k.cashier",
    "WITH want AS (SELECT s.day, l.origin, s.counter, SUM(l.amount) AS v, SUM(" LINE_UNITS ") AS u, "
    "                     SUM(s.kind = 'sale') AS t, SUM(s.kind = 'return') AS r, "
    "                     SUM(CASE WHEN s.kind = 'return' THEN -l.amount ELSE 0 END) AS rv, SUM(" RET_UNITS ") AS ru "
    "              FROM sale_line l JOIN sale s ON s.id = l.sale_id GROUP BY s.day, l.origin, s.counter), "
    "keys AS (SELECT day, origin, counter FROM want UNION SELECT day, origin, counter FROM sale_sum_origin) "
    "SELECT printf('%s, origin %s, counter %s', k.day, k.origin, k.counter), "
    "       h.value, w.v, h.units, w.u, h.lines, w.t, h.ret_lines, w.r, h.ret_value, w.rv, h.ret_units, w.ru "
    "FROM keys k LEFT JOIN sale_sum_origin h ON h.day = k.day AND h.origin = k.origin AND h.counter = k.counter "
    "LEFT JOIN want w ON w.day = k.day AND w.origin = k.origin AND w.counter = k.counter "
    "WHERE h.day IS NULL OR w.day IS NULL OR h.value <> w.v OR h.units <> w.u OR h.lines <> w.t "
    "      OR h.ret_lines <> w.r OR h.ret_value <> w.rv OR h.ret_units <> w.ru "
    "ORDER BY k.day, k.origin, k.counter",
    "WITH want AS (SELECT s.day, l.product_id, SUM(l.amount) AS v, SUM(" LINE_UNITS ") AS u, "
    "                     SUM(s.kind = 'sale') AS t, SUM(s.kind = 'return') AS r, "
    "                     SUM(CASE WHEN s.kind = 'return' THEN -l.amount ELSE 0 END) AS rv, SUM(" RET_UNITS ") AS ru "
    "              FROM sale_line l JOIN sale s ON s.id = l.sale_id GROUP BY s.day, l.product_id), "
    "keys AS (SELECT day, product_id FROM want UNION SELECT day, product_id FROM sale_sum_product) "
    "SELECT printf('%s, commodity %s', k.day, COALESCE(p.gtin, p.sku, '#' || k.product_id)), "
    "       h.value, w.v, h.units, w.u, h.lines, w.t, h.ret_lines, w.r, h.ret_value, w.rv, h.ret_units, w.ru "
    "FROM keys k LEFT JOIN sale_sum_product h ON h.day = k.day AND h.product_id = k.product_id "
    "LEFT JOIN want w ON w.day = k.day AND w.product_id = k.product_id "
    "LEFT JOIN product p ON p.id = k.product_id "
    "WHERE h.day IS NULL OR w.day IS NULL OR h.value <> w.v OR h.units <> w.u OR h.lines <> w.t "
    "      OR h.ret_lines <> w.r OR h.ret_value <> w.rv OR h.ret_units <> w.ru "
    "ORDER BY k.day, k.product_id",
};
static const char *const summary_what[] = {"by hour", "by origin", "by commodity"};
static const char *const summary_count[] = {"sales", "sale lines", "sale lines"};
static const char *const summary_returns[] = {"returns", "return lines", "return lines"};

static void summary_issue(struct sales_issues *is, sqlite3_stmt *st, int table)
{
    const char *key = (const char *)sqlite3_column_text(st, 0);
    char a[64], b[64];
    if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
        entx_sales_issue_money(b, sizeof b, sqlite3_column_int64(st, 2), is->currency);
        entx_sales_issue(is, "report summary %s for %s is missing: the sales give %s", summary_what[table], key, b);
        return;
    }
    if (sqlite3_column_type(st, 2) == SQLITE_NULL) {
        entx_sales_issue_money(a, sizeof a, sqlite3_column_int64(st, 1), is->currency);
        entx_sales_issue(is, "report summary %s for %s shows %s, but no sale is there", summary_what[table], key, a);
        return;
    }
    int64_t got[6], want[6];
    for (int c = 0; c < 6; c++) {
        got[c] = sqlite3_column_int64(st, 1 + 2 * c);
        want[c] = sqlite3_column_int64(st, 2 + 2 * c);
    }
    if (got[0] != want[0] || got[4] != want[4]) {
        int c = got[0] != want[0] ? 0 : 4;
        entx_sales_issue_money(a, sizeof a, got[c], is->currency);
        entx_sales_issue_money(b, sizeof b, want[c], is->currency);
        entx_sales_issue(is, "report summary %s for %s: %s %s, but the sales give %s", summary_what[table], key,
                    c == 0 ? "value" : "returned value", a, b);
    } else if (got[1] != want[1] || got[5] != want[5]) {
        int c = got[1] != want[1] ? 1 : 5;
        entx_sales_issue(is, "report summary %s for %s: %lld %s, but the sales give %lld", summary_what[table], key,
                    (long long)got[c], c == 1 ? "units" : "units returned", (long long)want[c]);
    } else if (got[2] != want[2]) {
        entx_sales_issue(is, "report summary %s for %s: %lld %s, but the sales give %lld", summary_what[table], key,
                    (long long)got[2], summary_count[table], (long long)want[2]);
    } else {
        entx_sales_issue(is, "report summary %s for %s: %lld %s, but the sales give %lld", summary_what[table], key,
                    (long long)got[3], summary_returns[table], (long long)want[3]);
    }
}

int entx_sales_check_summaries(ent_db *db, struct sales_issues *is)
{
    for (int t = 0; t < 3; t++) {
        sqlite3_stmt *st = entx_stmt(db, summary_sql[t]);
        int sc;
        if (st == NULL)
            return db->code;
        while ((sc = sqlite3_step(st)) == SQLITE_ROW)
            summary_issue(is, st, t);
        sqlite3_reset(st);
        if (sc == SQLITE_ERROR && strstr(sqlite3_errmsg(db->sql), "overflow")) {
            entx_sales_issue(is, "report summaries %s: the sales add up to more than can be recorded", summary_what[t]);
            continue;
        }
        if (sc != SQLITE_DONE)
            return entx_fail_sql(db, "checking the report summaries");
    }
    return ENT_OK;
}
