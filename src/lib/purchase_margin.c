/* Margins: revenue of the lots sold against their landed cost, by
 * commodity, origin or supplier (the rule is in purchase.h). Products of
 * money and quantities in 128 bits; no floating point. */
#include <stdlib.h>
#include <string.h>

#include "entrepot/parse.h"
#include "entrepot/purchase.h"
#include "internal.h"

#define PICKS_SQL(KEY, NAME)                                                                                        \
    "SELECT " KEY ", " NAME ", sl.amount - sl.tax, sl.qty, sp.qty, ll.landed, ll.qty, l.unit_cost, "              \
    "l.cost_currency = st.currency, p.unit != 'pcs', st.currency "                                                 \
    "FROM sale s JOIN sale_line sl ON sl.sale_id = s.id JOIN sale_pick sp ON sp.line_id = sl.id "                  \
    "JOIN lot l ON l.id = sp.lot_id JOIN product p ON p.id = sl.product_id JOIN store st ON st.id = 1 "            \
    "LEFT JOIN landed_lot ll ON ll.lot_id = l.id "                                                                 \
    "WHERE (?1 IS NULL OR s.day >= ?1) AND (?2 IS NULL OR s.day <= ?2) ORDER BY 1, 2"

static const char by_commodity[] = PICKS_SQL("COALESCE(p.gtin, p.sku)", "COALESCE(p.name_zh, p.name_en, '')");
static const char by_origin[] = PICKS_SQL("l.origin", "''");
static const char by_supplier[] = PICKS_SQL("COALESCE(l.supplier, '')", "''");

/* a * b / c rounded half up, away from zero for negatives; c > 0. */
static int64_t share(int64_t a, int64_t b, int64_t c)
{
    __int128 n = (__int128)a * b;
    bool neg = n < 0;
    if (neg)
        n = -n;
    n = (n + c / 2) / c;
    return (int64_t)(neg ? -n : n);
}

struct group {
    char *key, *name;
    ent_margin_row r;
};

static int flush(struct group *g, ent_margin_cb cb, void *ud)
{
    int rc = 0;
    if (g->key) {
        g->r.key = g->key;
        g->r.name = g->name ? g->name : "";
        g->r.margin = g->r.revenue - g->r.cost;
        rc = cb ? cb(&g->r, ud) : 0;
    }
    free(g->key);
    free(g->name);
    memset(g, 0, sizeof *g);
    return rc;
}

static void add_pick(struct group *g, sqlite3_stmt *st)
{
    int64_t net = sqlite3_column_int64(st, 2), line_qty = sqlite3_column_int64(st, 3),
            q = sqlite3_column_int64(st, 4);
    g->r.units += q;
    g->r.revenue += line_qty != 0 ? share(net, q, line_qty) : 0;
    if (sqlite3_column_type(st, 5) != SQLITE_NULL && sqlite3_column_int64(st, 6) > 0) {
        g->r.cost += share(sqlite3_column_int64(st, 5), q, sqlite3_column_int64(st, 6));
    } else if (sqlite3_column_type(st, 7) != SQLITE_NULL && sqlite3_column_int(st, 8)) {
        /* cost per kg or litre for goods kept in g or ml */
        g->r.cost += share(sqlite3_column_int64(st, 7), q, sqlite3_column_int(st, 9) ? 1000 : 1);
    } else {
        g->r.uncosted += q;
    }
}

int ent_margin_report(ent_db *db, const ent_margin_options *opts, ent_margin_cb cb, void *ud)
{
    const char *by = opts && opts->by ? opts->by : "commodity";
    const char *from = opts ? opts->from : NULL, *to = opts ? opts->to : NULL;
    entx_ok(db);
    const char *sql = strcmp(by, "commodity") == 0 ? by_commodity
                      : strcmp(by, "origin") == 0  ? by_origin
                      : strcmp(by, "supplier") == 0 ? by_supplier
                                                    : NULL;
    if (sql == NULL)
        return entx_fail(db, ENT_INVALID, "margins by '%s': by commodity, origin or supplier", ENT_CLIP(by, 40));
    if (from && ent_date_check(NULL, from) != ENT_OK)
        return entx_fail_date(db, "from date", from);
    if (to && ent_date_check(NULL, to) != ENT_OK)
        return entx_fail_date(db, "to date", to);
    sqlite3_stmt *st = entx_stmt(db, sql);
    if (st == NULL)
        return db->code;
    entx_bind_text_or_null(st, 1, from);
    entx_bind_text_or_null(st, 2, to);
    struct group g = {0};
    int sc, rc = ENT_OK;
    while (rc == ENT_OK && (sc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0);
        key = key ? key : "";
        if (g.key == NULL || strcmp(g.key, key) != 0) {
            if ((rc = flush(&g, cb, ud)) != ENT_OK)
                break;
            g.key = entx_strdup(key);
            g.name = entx_col_strdup(st, 1);
            entx_col_copy(st, g.r.currency, sizeof g.r.currency, 10);
            if (g.key == NULL) {
                rc = entx_fail(db, ENT_ERROR, "out of memory");
                break;
            }
        }
        add_pick(&g, st);
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading the lots sold");
    sqlite3_reset(st);
    if (rc == ENT_OK)
        rc = flush(&g, cb, ud);
    else
        flush(&g, NULL, NULL);
    return rc;
}
