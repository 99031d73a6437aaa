/* Suggested orders: from the reorder point, what is on hand and on order,
 * the sales of the last weeks and the supplier's lead time, rounded up to
 * whole packs (the rule is in purchase.h and the README). Integers only. */
#include <stdlib.h>
#include <string.h>

#include "entrepot/parse.h"
#include "entrepot/purchase.h"
#include "internal.h"
#include "purchase_internal.h"

/* One candidate per commodity: its chosen supplier and the numbers. */
static const char suggest_sql[] =
    "WITH sold AS (SELECT product_id, SUM(units) AS u FROM sale_sum_product WHERE day >= ?1 AND day < ?2 "
    "              GROUP BY product_id), "
    "ord AS (SELECT l.product_id, SUM(l.packs * l.pack_size + l.units - l.received) AS q FROM purchase_line l "
    "        JOIN purchase_order o ON o.id = l.order_id WHERE o.status IN ('draft', 'sent', 'partial') "
    "        GROUP BY l.product_id), "
    "cand AS (SELECT i.product_id, i.supplier_id, i.pack_size, i.last_price, s.lead_days, s.code, s.currency, "
    "         ROW_NUMBER() OVER (PARTITION BY i.product_id ORDER BY "
    "           (SELECT MAX(o.id) FROM purchase_order o JOIN purchase_line l ON l.order_id = o.id "
    "            WHERE o.supplier_id = i.supplier_id AND l.product_id = i.product_id AND o.status != 'cancelled') "
    "           DESC NULLS LAST, s.lead_days, s.code COLLATE NOCASE) AS rank "
    "         FROM supplier_item i JOIN supplier s ON s.id = i.supplier_id "
    "         JOIN product p ON p.id = i.product_id WHERE p.retired_at IS NULL) "
    "SELECT c.supplier_id, c.code, c.currency, p.id, p.gtin, p.sku, COALESCE(p.name_zh, p.name_en), "
    "       p.reorder_point, COALESCE(h.sellable, 0), COALESCE(ord.q, 0), MAX(COALESCE(sold.u, 0), 0), "
    "       c.lead_days, c.pack_size, c.last_price "
    "FROM cand c JOIN product p ON p.id = c.product_id "
    "LEFT JOIN stock_sum_product h ON h.product_id = p.id LEFT JOIN ord ON ord.product_id = p.id "
    "LEFT JOIN sold ON sold.product_id = p.id WHERE c.rank = 1 "
    "ORDER BY c.code COLLATE NOCASE, COALESCE(p.gtin, p.sku)";

struct row {
    ent_purchase_suggestion s;
    int64_t supplier_id, product_id;
    char *sku, *name;
};

struct rows {
    struct row *v;
    size_t n, cap;
};

static void rows_free(struct rows *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].sku);
        free(r->v[i].name);
    }
    free(r->v);
}

/* The numbers of one candidate; false when nothing is to be ordered. */
static bool work_out(ent_purchase_suggestion *s)
{
    /* sold is at most the units of every sale, lead_days at most 365: the
     * product fits in 64 bits as long as sold is below 2.5e16. */
    int64_t sold = s->sold > INT64_C(25000000000000000) ? INT64_C(25000000000000000) : s->sold;
    s->demand = (sold * s->lead_days + s->days - 1) / s->days;
    s->target = s->reorder_point + s->demand;
    int64_t need = s->target - s->on_hand - s->on_order;
    if (need <= 0)
        return false;
    s->packs = (need + s->pack_size - 1) / s->pack_size;
    s->qty = s->packs * s->pack_size;
    return true;
}

static int collect(ent_db *db, struct rows *out, const char *from, const char *to, int days)
{
    sqlite3_stmt *st = entx_stmt(db, suggest_sql);
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
    int sc, rc = ENT_OK;
    while (rc == ENT_OK && (sc = sqlite3_step(st)) == SQLITE_ROW) {
        struct row r;
        memset(&r, 0, sizeof r);
        r.supplier_id = sqlite3_column_int64(st, 0);
        entx_col_copy(st, r.s.supplier, sizeof r.s.supplier, 1);
        entx_col_copy(st, r.s.currency, sizeof r.s.currency, 2);
        r.product_id = sqlite3_column_int64(st, 3);
        entx_col_copy(st, r.s.gtin, sizeof r.s.gtin, 4);
        r.s.reorder_point = sqlite3_column_int64(st, 7);
        r.s.on_hand = sqlite3_column_int64(st, 8);
        r.s.on_order = sqlite3_column_int64(st, 9);
        r.s.sold = sqlite3_column_int64(st, 10);
        r.s.lead_days = sqlite3_column_int(st, 11);
        r.s.pack_size = sqlite3_column_int64(st, 12);
        r.s.priced = sqlite3_column_type(st, 13) != SQLITE_NULL;
        r.s.price = sqlite3_column_int64(st, 13);
        r.s.days = days;
        if (!work_out(&r.s))
            continue;
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 64;
            struct row *v = realloc(out->v, cap * sizeof *v);
            if (v == NULL) {
                rc = entx_fail(db, ENT_ERROR, "out of memory");
                break;
            }
            out->v = v, out->cap = cap;
        }
        r.sku = entx_col_strdup(st, 5);
        r.name = entx_col_strdup(st, 6);
        out->v[out->n++] = r;
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "working out suggested orders");
    sqlite3_reset(st);
    return rc;
}

/* One draft per supplier, holding that supplier's priced suggestions. */
static int create_orders(ent_db *db, struct rows *r)
{
    int64_t order_id = 0, supplier_id = 0;
    char number[ENT_PO_NUMBER_SIZE] = "";
    int rc = ENT_OK;
    for (size_t i = 0; rc == ENT_OK && i < r->n; i++) {
        struct row *x = &r->v[i];
        if (!x->s.priced)
            continue;
        if (x->supplier_id != supplier_id) {
            struct entx_supplier s = {.id = x->supplier_id};
            memcpy(s.currency, x->s.currency, sizeof s.currency);
            if ((rc = entx_purchase_new(db, number, &order_id, &s, NULL, "suggested")) != ENT_OK)
                break;
            supplier_id = x->supplier_id;
        }
        sqlite3_stmt *st = entx_stmt(
            db, "INSERT INTO purchase_line(order_id, line_no, product_id, pack_size, packs, units, price) "
                "VALUES (?1, (SELECT COALESCE(MAX(line_no), 0) + 1 FROM purchase_line WHERE order_id = ?1), "
                "?2, ?3, ?4, 0, ?5)");
        if (st == NULL)
            return db->code;
        sqlite3_bind_int64(st, 1, order_id);
        sqlite3_bind_int64(st, 2, x->product_id);
        sqlite3_bind_int64(st, 3, x->s.pack_size);
        sqlite3_bind_int64(st, 4, x->s.packs);
        sqlite3_bind_int64(st, 5, x->s.price);
        if ((rc = entx_exec_stmt(db, st)) == ENT_OK)
            memcpy(x->s.order, number, sizeof number);
    }
    return rc;
}

/* The window: the weeks * 7 store days before today. */
static int window(ent_db *db, char from[ENT_DATE_SIZE], char to[ENT_DATE_SIZE], int days)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT tz FROM store WHERE id = 1");
    if (st == NULL)
        return db->code;
    char tz[ENT_TZ_SIZE] = "";
    int found = sqlite3_step(st) == SQLITE_ROW;
    if (found)
        entx_col_copy(st, tz, sizeof tz, 0);
    sqlite3_reset(st);
    if (!found)
        return entx_fail_hint(db, ENT_NOTFOUND, ENT_HINT_CREATE_STORE, "this database has no store yet");
    if (ent_time_today(to, tz) != ENT_OK || ent_date_add_days(from, to, -days) != ENT_OK)
        return entx_fail(db, ENT_ERROR, "%s", entx_why());
    return ENT_OK;
}

int ent_purchase_suggest(ent_db *db, const ent_suggest_options *opts, ent_purchase_suggestion_cb cb, void *ud)
{
    struct rows r = {0};
    char from[ENT_DATE_SIZE], to[ENT_DATE_SIZE];
    int weeks = opts && opts->weeks ? opts->weeks : 4;
    bool create = opts && opts->create;
    int rc;
    entx_ok(db);
    if (weeks < 1 || weeks > 52)
        return entx_fail(db, ENT_INVALID, "weeks of sales %d must be from 1 to 52", weeks);
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    if ((rc = window(db, from, to, weeks * 7)) == ENT_OK && (rc = collect(db, &r, from, to, weeks * 7)) == ENT_OK &&
        create)
        rc = create_orders(db, &r);
    rc = entx_tx_end(db, rc);
    for (size_t i = 0; rc == ENT_OK && cb && i < r.n; i++) {
        r.v[i].s.sku = r.v[i].sku ? r.v[i].sku : "";
        r.v[i].s.name = r.v[i].name ? r.v[i].name : "";
        rc = cb(&r.v[i].s, ud);
    }
    rows_free(&r);
    return rc;
}
