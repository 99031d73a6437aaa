/* entrepot serve — the read routes: health, products, scan, stock levels and
 * history. Each runs on its pool thread's own read connection. */
#include <stdlib.h>
#include <string.h>

#include "server.h"

/* A whole number from a query parameter (min..max); def when absent.
 * -1 with a 422 answer naming the parameter. */
int arg_whole(struct req *r, const char *name, int64_t min, int64_t max, int64_t def, int64_t *out, struct reply *rep)
{
    const char *s = req_arg(r, name);
    *out = def;
    if (s == NULL)
        return 0;
    int64_t v;
    if (ent_whole_parse(&v, s, min, max) != ENT_OK) {
        reply_error(rep, 422, "invalid", name, "'%s' must be a whole number from %lld to %lld, not '%s'", name,
                    (long long)min, (long long)max, ENT_CLIP(s, 40));
        return -1;
    }
    *out = v;
    return 0;
}

/* Query text must be UTF-8 (MHD has decoded the percent escapes). */
static int arg_text(struct req *r, const char *name, const char **out, struct reply *rep)
{
    *out = req_arg(r, name);
    if (*out && !ent_utf8_valid(*out, strlen(*out))) {
        reply_error(rep, 400, "malformed", name, "'%s' is not UTF-8 text", name);
        return -1;
    }
    return 0;
}

static json_t *jstr(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

int route_health(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)r, (void)body, (void)tail;
    ent_db *db = srv_reader(out);
    if (db == NULL)
        return 0;
    reply_json(out, 200,
               json_pack("{s:s, s:s, s:i, s:b}", "status", "ok", "version", ent_version(), "schema",
                         ent_db_schema_version(db), "sales", srv_g->journal != NULL));
    return 0;
}

int route_openapi(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)r, (void)body, (void)tail;
    out->status = 200;
    out->text = malloc(srv_openapi_len);
    if (out->text == NULL) {
        reply_error(out, 500, "error", NULL, "out of memory");
        return 0;
    }
    memcpy(out->text, srv_openapi, srv_openapi_len);
    out->text_len = srv_openapi_len;
    out->ctype = "application/json; charset=utf-8";
    return 0;
}

static json_t *product_json(const ent_product *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "gtin", jstr(p->gtin));
    json_object_set_new(o, "sku", jstr(p->sku));
    json_object_set_new(o, "name_zh", jstr(p->name_zh));
    json_object_set_new(o, "name_en", jstr(p->name_en));
    json_object_set_new(o, "brand", jstr(p->brand));
    json_object_set_new(o, "origin", jstr(p->origin));
    json_object_set_new(o, "hs_code", jstr(p->hs_code));
    json_object_set_new(o, "unit", json_string(p->unit));
    json_object_set_new(o, "price", p->unpriced ? json_null() : json_integer(p->price));
    json_object_set_new(o, "currency", json_string(p->currency));
    json_object_set_new(o, "tax_rate_bp", json_integer(p->tax_rate));
    json_object_set_new(o, "reorder_point", json_integer(p->reorder_point));
    json_object_set_new(o, "importer", jstr(p->importer));
    /* net content as the edit takes it ("500 g", "12 pcs"), storage, shelf life: null when unknown */
    char net[48];
    snprintf(net, sizeof net, "%lld %s", (long long)p->net_content, p->net_unit);
    json_object_set_new(o, "net_content", p->net_content > 0 ? json_string(net) : json_null());
    json_object_set_new(o, "storage", jstr(p->storage));
    json_object_set_new(o, "shelf_life_days", p->shelf_life_days > 0 ? json_integer(p->shelf_life_days) : json_null());
    json_object_set_new(o, "retired", json_boolean(p->retired_at[0] != '\0'));
    /* the selling unit: its code, and the words labels and receipts print */
    json_object_set_new(o, "sell_unit", jstr(p->sell_unit));
    json_object_set_new(o, "sell_unit_zh", jstr(p->sell_unit_zh));
    json_object_set_new(o, "sell_unit_en", jstr(p->sell_unit_en));
    /* the back label (GB 7718): amounts as whole numbers of their smallest step */
    json_object_set_new(o, "food_kind", jstr(p->food_kind));
    json_object_set_new(o, "ingredients", jstr(p->ingredients));
    json_object_set_new(o, "allergens", jstr(p->allergens));
    json_object_set_new(o, "abv_hundredths", p->abv >= 0 ? json_integer(p->abv) : json_null());
    const char *nn[] = {"energy_kj", "protein_dg", "fat_dg", "carbohydrate_dg", "sodium_mg"};
    const int64_t nv[] = {p->energy_kj, p->protein, p->fat, p->carbohydrate, p->sodium};
    for (int i = 0; i < 5; i++)
        json_object_set_new(o, nn[i], p->has_nutrition ? json_integer(nv[i]) : json_null());
    return o;
}

static int add_product(const ent_product *p, void *ud)
{
    json_array_append_new(ud, product_json(p));
    return 0;
}

int route_products(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    const char *q, *origin;
    int64_t limit;
    ent_db *db = srv_reader(out);
    if (db == NULL || arg_text(r, "q", &q, out) || arg_text(r, "origin", &origin, out) ||
        arg_whole(r, "limit", 1, 1000, 100, &limit, out))
        return 0;
    json_t *list = json_array();
    int rc = ent_product_each(db, q, origin, limit, add_product, list);
    if (rc != ENT_OK) {
        json_decref(list);
        reply_ent(out, db, rc);
        return 0;
    }
    reply_json(out, 200, json_pack("{s:o}", "products", list));
    return 0;
}

int route_product(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)r, (void)body;
    ent_product *p = NULL;
    int64_t qty = 0;
    ent_db *db = srv_reader(out);
    if (db == NULL)
        return 0;
    if (!ent_utf8_valid(tail, strlen(tail))) {
        reply_error(out, 400, "malformed", "code", "the code is not UTF-8 text");
        return 0;
    }
    int rc = ent_product_find(db, &p, &qty, tail);
    if (rc != ENT_OK) {
        reply_ent(out, db, rc);
        return 0;
    }
    json_t *o = product_json(p);
    json_object_set_new(o, "code_qty", json_integer(qty));
    reply_json(out, 200, o);
    ent_product_free(p);
    return 0;
}

static const char *lot_state_name(ent_scan_lot_state s)
{
    switch (s) {
    case ENT_SCAN_LOT_OK: return "ok";
    case ENT_SCAN_LOT_UNKNOWN: return "unknown";
    case ENT_SCAN_LOT_CONFLICT: return "conflict";
    default: return "none";
    }
}

static json_t *scan_json(const ent_scan *s, const ent_scan_match *m)
{
    json_t *o = json_pack("{s:s}", "kind", ent_scan_kind_name(s->kind));
    json_object_set_new(o, "gtin", jstr(s->gtin));
    json_object_set_new(o, "lot", jstr(s->lot));
    json_object_set_new(o, "expiry", jstr(s->expiry));
    json_object_set_new(o, "count", s->count >= 0 ? json_integer(s->count) : json_null());
    json_t *c = json_object();
    json_object_set_new(c, "code", json_string(m->code));
    json_object_set_new(c, "name", json_string(m->name));
    json_object_set_new(c, "unit", json_string(m->unit));
    json_object_set_new(c, "qty", json_integer(m->qty));
    json_object_set_new(c, "code_qty", json_integer(m->code_qty));
    json_object_set_new(c, "lot_state", json_string(lot_state_name(m->lot_state)));
    json_object_set_new(c, "problem", jstr(m->problem));
    json_object_set_new(o, "commodity", c);
    return o;
}

int route_scan(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    const char *code = req_arg(r, "code");
    ent_scan_config cfg;
    ent_scan_match *m = NULL;
    ent_db *db = srv_reader(out);
    if (db == NULL)
        return 0;
    if (code == NULL || code[0] == '\0') {
        reply_error(out, 422, "invalid", "code", "give the scanned code as ?code=");
        return 0;
    }
    ent_scan *s = calloc(1, sizeof *s);
    int rc = s ? ent_scan_config_load(db, &cfg) : ENT_ERROR;
    if (rc != ENT_OK) {
        reply_ent(out, db, rc);
        goto done;
    }
    if (ent_scan_parse(s, code, strlen(code), &cfg) != ENT_OK) {
        reply_error(out, 422, "invalid", "code", "%s", ent_error_last()->message);
        goto done;
    }
    rc = ent_scan_resolve(db, &m, s);
    if (rc != ENT_OK) {
        reply_ent(out, db, rc);
        goto done;
    }
    reply_json(out, 200, scan_json(s, m));
done:
    ent_scan_match_free(m);
    free(s);
    return 0;
}

struct level_rows {
    json_t *rows;
    json_t *last_key; /* the last row's page key: the next page starts after it */
    bool costs; /* the asker may see what the stock cost (not a cashier or a label clerk) */
};

static int add_level(const ent_level *l, void *ud)
{
    struct level_rows *x = ud;
    json_t *o = json_object();
    json_object_set_new(o, "gtin", jstr(l->gtin));
    json_object_set_new(o, "sku", jstr(l->sku));
    json_object_set_new(o, "name_zh", jstr(l->name_zh));
    json_object_set_new(o, "name_en", jstr(l->name_en));
    json_object_set_new(o, "location", jstr(l->location));
    json_object_set_new(o, "lot", jstr(l->lot));
    json_object_set_new(o, "expiry", jstr(l->expiry));
    json_object_set_new(o, "origin", jstr(l->origin));
    json_object_set_new(o, "qty", json_integer(l->qty));
    /* each base unit apart (schema 30): by origin a row holds pieces,
     * grams and millilitres, which qty adds up; null where the view does
     * not split them (by location) */
    json_object_set_new(o, "qty_pcs", l->by_unit ? json_integer(l->qty_pcs) : json_null());
    json_object_set_new(o, "qty_g", l->by_unit ? json_integer(l->qty_g) : json_null());
    json_object_set_new(o, "qty_ml", l->by_unit ? json_integer(l->qty_ml) : json_null());
    /* the commodity's unit of qty and reorder_point (pcs, g, ml) by
     * product and by lot; null where a row holds several commodities */
    json_object_set_new(o, "unit", jstr(l->unit));
    /* null, not 0, where there is nothing to say: a reorder point belongs to
     * a commodity (rows by product), and a value needs a cost */
    bool by_product = l->gtin != NULL && l->lot == NULL;
    json_object_set_new(o, "reorder_point", by_product ? json_integer(l->reorder_point) : json_null());
    if (x->costs) {
        json_object_set_new(o, "value", l->cost_currency ? json_integer(l->value) : json_null());
        json_object_set_new(o, "cost_currency", jstr(l->cost_currency));
        /* by lot: the on-hand units at the landed cost, in the store's
         * currency (minor units); null when not worked out or not a lot row */
        json_object_set_new(o, "landed_value", l->landed ? json_integer(l->landed_value) : json_null());
    }
    json_array_append_new(x->rows, o);
    json_decref(x->last_key);
    x->last_key = jstr(l->key);
    return 0;
}

static int levels(struct req *r, ent_levels_query *q, struct reply *out)
{
    int64_t limit;
    ent_db *db = srv_reader(out);
    if (db == NULL || arg_text(r, "product", &q->product, out) || arg_text(r, "location", &q->location, out) ||
        arg_text(r, "origin", &q->origin, out) || arg_text(r, "after", &q->after, out) ||
        arg_whole(r, "limit", 1, 100000, 1000, &limit, out))
        return 0;
    q->limit = limit;
    /* Where each lot lies and how many is for everyone on the floor; what
     * it cost is for those who read reports, keep the stock or set prices. */
    int role = r->who.role;
    struct level_rows x = {json_array(), NULL, ent_role_may(role, ENT_RIGHT_READ) || ent_role_may(role, ENT_RIGHT_STOCK) ||
                                             ent_role_may(role, ENT_RIGHT_CATALOG)};
    json_t *rows = x.rows;
    int rc = ent_stock_levels(db, q, add_level, &x);
    if (rc != ENT_OK) {
        json_decref(rows);
        json_decref(x.last_key);
        reply_ent(out, db, rc);
        return 0;
    }
    /* A full page may have more after it: "next" is the key to ask for as
     * ?after=; null when the list ended on this page. */
    json_t *next = json_array_size(rows) == (size_t)limit && x.last_key ? x.last_key : json_null();
    if (next != x.last_key)
        json_decref(x.last_key);
    reply_json(out, 200, json_pack("{s:o, s:o}", "levels", rows, "next", next));
    return 0;
}

int route_stock(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    ent_levels_query q = {.by = ENT_BY_PRODUCT};
    const char *by = req_arg(r, "by");
    static const char *const names[] = {"product", "location", "lot", "origin"};
    if (by) {
        size_t i = 0;
        while (i < 4 && strcmp(by, names[i]) != 0)
            i++;
        if (i == 4) {
            reply_error(out, 422, "invalid", "by", "'by' is product, location, lot or origin, not '%s'",
                        ENT_CLIP(by, 40));
            return 0;
        }
        q.by = (enum ent_levels_by)i;
    }
    return levels(r, &q, out);
}

int route_stock_low(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    ent_levels_query q = {.by = ENT_BY_PRODUCT, .low = 1};
    return levels(r, &q, out);
}

int route_stock_expiring(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    ent_levels_query q = {.by = ENT_BY_LOT};
    if (arg_text(r, "before", &q.expiring_before, out))
        return 0;
    if (q.expiring_before == NULL) {
        reply_error(out, 422, "invalid", "before", "give the date as ?before=YYYY-MM-DD");
        return 0;
    }
    return levels(r, &q, out);
}

static int add_move(const ent_move *m, void *ud)
{
    json_t *o = json_object();
    json_object_set_new(o, "uuid", jstr(m->uuid));
    json_object_set_new(o, "at", jstr(m->at));
    json_object_set_new(o, "kind", jstr(m->kind));
    json_object_set_new(o, "lot", jstr(m->lot));
    json_object_set_new(o, "location", jstr(m->location));
    json_object_set_new(o, "reason", jstr(m->reason));
    json_object_set_new(o, "note", jstr(m->note));
    json_object_set_new(o, "user", jstr(m->user));
    json_object_set_new(o, "qty", json_integer(m->qty));
    json_object_set_new(o, "balance", json_integer(m->balance));
    json_array_append_new(ud, o);
    return 0;
}

int route_stock_history(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body;
    int64_t limit;
    ent_db *db = srv_reader(out);
    if (db == NULL || arg_whole(r, "limit", 1, 100000, 1000, &limit, out))
        return 0;
    if (!ent_utf8_valid(tail, strlen(tail))) {
        reply_error(out, 400, "malformed", "code", "the code is not UTF-8 text");
        return 0;
    }
    json_t *rows = json_array();
    int rc = ent_stock_history(db, tail, limit, add_move, rows);
    if (rc != ENT_OK) {
        json_decref(rows);
        reply_ent(out, db, rc);
        return 0;
    }
    reply_json(out, 200, json_pack("{s:o}", "moves", rows));
    return 0;
}
