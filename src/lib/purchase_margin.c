/* Margins: revenue of the lots sold against their landed cost, by
 * commodity, origin or supplier (the rule is in purchase.h). Products of
 * money and quantities in 128 bits; no floating point. */
#include <stdlib.h>
#include <string.h>

#include "entrepot/parse.h"
#include "entrepot/purchase.h"
#include "internal.h"
#include "stock_internal.h"

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

/* A lot's landed cost and the units it was worked out for (the newest
 * declaration it was landed under), false when never landed. */
static int lot_landed(ent_db *db, int64_t lot_id, int64_t *landed, int64_t *of, bool *found)
{
    *found = false;
    sqlite3_stmt *st = entx_stmt(db, "SELECT landed, qty FROM landed_lot WHERE lot_id = ? "
                                     "ORDER BY declaration_id DESC LIMIT 1");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, lot_id);
    int sc = sqlite3_step(st);
    if (sc == SQLITE_ROW) {
        *landed = sqlite3_column_int64(st, 0);
        *of = sqlite3_column_int64(st, 1);
        *found = *of > 0;
    }
    sqlite3_reset(st);
    return sc == SQLITE_ROW || sc == SQLITE_DONE ? ENT_OK : entx_fail_sql(db, "reading a lot's landed cost");
}

static int add_pick(ent_db *db, struct group *g, const struct entx_sold_pick *p)
{
    int64_t landed = 0, of = 0;
    bool found;
    int rc = lot_landed(db, p->lot_id, &landed, &of, &found);
    if (rc != ENT_OK)
        return rc;
    g->r.units += p->qty;
    g->r.revenue += p->line_qty != 0 ? entx_muldiv(p->net, p->qty, p->line_qty) : 0;
    if (found)
        g->r.cost += entx_muldiv(landed, p->qty, of);
    else if (p->costed && strcmp(p->currency, g->r.currency) == 0)
        g->r.cost += entx_muldiv(p->unit_cost, p->qty, p->per_kg ? 1000 : 1); /* per kg or litre for g or ml */
    else
        g->r.uncosted += p->qty;
    return ENT_OK;
}

struct walk {
    struct group g;
    char currency[ENT_CURRENCY_SIZE]; /* the store's */
    ent_margin_cb cb;
    void *ud;
};

/* One pick: a new group when its key changes (the picks come in key order). */
static int on_pick(ent_db *db, const struct entx_sold_pick *p, void *ud)
{
    struct walk *w = ud;
    int rc;
    if (w->g.key == NULL || strcmp(w->g.key, p->key) != 0) {
        if ((rc = flush(&w->g, w->cb, w->ud)) != ENT_OK)
            return rc;
        w->g.key = entx_strdup(p->key);
        w->g.name = entx_strdup(p->name);
        memcpy(w->g.r.currency, w->currency, sizeof w->g.r.currency);
        if (w->g.key == NULL || w->g.name == NULL)
            return entx_fail(db, ENT_ERROR, "out of memory");
    }
    return add_pick(db, &w->g, p);
}

int ent_margin_report(ent_db *db, const ent_margin_options *opts, ent_margin_cb cb, void *ud)
{
    const char *by = opts && opts->by ? opts->by : "commodity";
    const char *from = opts ? opts->from : NULL, *to = opts ? opts->to : NULL;
    entx_ok(db);
    enum entx_sold_by sb = ENTX_SOLD_BY_COMMODITY;
    if (strcmp(by, "origin") == 0)
        sb = ENTX_SOLD_BY_ORIGIN;
    else if (strcmp(by, "supplier") == 0)
        sb = ENTX_SOLD_BY_SUPPLIER;
    else if (strcmp(by, "commodity") != 0)
        return entx_fail(db, ENT_INVALID, "margins by '%s': by commodity, origin or supplier", ENT_CLIP(by, 40));
    if (from && ent_date_check(NULL, from) != ENT_OK)
        return entx_fail_date(db, "from date", from);
    if (to && ent_date_check(NULL, to) != ENT_OK)
        return entx_fail_date(db, "to date", to);
    struct walk w = {.cb = cb, .ud = ud};
    ent_store *store = NULL;
    int rc = ent_store_get(db, &store);
    if (rc != ENT_OK)
        return rc;
    memcpy(w.currency, store->currency, sizeof w.currency);
    ent_store_free(store);
    rc = entx_stock_sold_lots(db, sb, from, to, on_pick, &w);
    if (rc == ENT_OK)
        rc = flush(&w.g, cb, ud);
    else
        flush(&w.g, NULL, NULL);
    return rc;
}
