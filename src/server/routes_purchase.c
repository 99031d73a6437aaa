/* entrepot serve — purchasing, read side (README "Purchasing"): suppliers
 * and one with what it supplies, purchase orders, one order with its lines,
 * its changes and its PDF, suggested orders (nothing written), exchange
 * rates and margins. The manager's (right "catalog") and the auditor's
 * (right "read": margins rest on these numbers); the orders to receive
 * against are the stock clerk's. Writes: routes_purchase_write.c. */
#include <stdlib.h>
#include <string.h>

#include "routes_ext.h"
#include "server.h"

static json_t *money(int64_t minor, const char *currency)
{
    char buf[ENT_MONEY_TEXT_SIZE];
    ent_money_format(buf, sizeof buf, minor, currency);
    return json_string(buf);
}

static int add_supplier(const ent_supplier *s, void *ud)
{
    json_array_append_new(ud, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:I}", "code", s->code, "name_zh",
                                        s->name_zh, "name_en", s->name_en, "country", s->country, "contact",
                                        s->contact, "currency", s->currency, "payment_terms", s->payment_terms,
                                        "lead_days", s->lead_days, "items", (json_int_t)s->items));
    return 0;
}

int route_suppliers(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)r, (void)body, (void)tail;
    ent_db *db = srv_reader(out);
    if (db == NULL)
        return 0;
    json_t *rows = json_array();
    int rc = ent_supplier_each(db, add_supplier, rows);
    xanswer(out, db, rc, 200, json_pack("{s:o}", "suppliers", rows));
    return 0;
}

static json_t *order_json(const ent_purchase *po)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:I, s:o, s:s, s:s, s:o}", "number", po->number,
                     "uuid", po->uuid, "supplier", po->supplier, "supplier_name", po->supplier_name, "status",
                     po->status, "currency", po->currency, "expected", xjstr(po->expected), "note", po->note, "lines",
                     (json_int_t)po->lines, "total", money(po->total, po->currency), "created_at", po->created_at,
                     "created_by", po->created_by, "sent_at", xjstr(po->sent_at));
}

static int add_order(const ent_purchase *po, void *ud)
{
    json_array_append_new(ud, order_json(po));
    return 0;
}

int route_purchases(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    ent_db *db = srv_reader(out);
    if (db == NULL)
        return 0;
    json_t *rows = json_array();
    int rc = ent_purchase_each(db, req_arg(r, "status"), req_arg(r, "supplier"), add_order, rows);
    xanswer(out, db, rc, 200, json_pack("{s:o}", "orders", rows));
    return 0;
}

struct one {
    json_t *order, *lines;
    char currency[ENT_CURRENCY_SIZE];
};

static int one_order(const ent_purchase *po, void *ud)
{
    struct one *o = ud;
    o->order = order_json(po);
    memcpy(o->currency, po->currency, sizeof o->currency);
    return 0;
}

static int one_line(const ent_purchase_line *l, void *ud)
{
    struct one *o = ud;
    json_array_append_new(o->lines,
                          json_pack("{s:i, s:o, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:o, s:I}", "line", l->line_no,
                                    "gtin", xjstr(l->gtin), "sku", l->sku, "name", l->name, "supplier_code", l->supplier_code,
                                    "pack_size", (json_int_t)l->pack_size, "packs", (json_int_t)l->packs, "units",
                                    (json_int_t)l->units, "qty", (json_int_t)l->qty, "price",
                                    money(l->price, o->currency), "value", money(l->value, o->currency),
                                    "received", (json_int_t)l->received));
    return 0;
}

int route_purchase(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)r, (void)body;
    ent_db *db = srv_reader(out);
    if (db == NULL || xtail_text(tail, "number", out) != 0)
        return 0;
    struct one o = {.lines = json_array()};
    int rc = ent_purchase_get(db, tail, one_order, one_line, &o);
    json_t *j = NULL;
    if (rc == ENT_OK) {
        j = json_pack("{s:o, s:o}", "order", o.order, "lines", o.lines);
    } else {
        json_decref(o.order);
        json_decref(o.lines);
    }
    xanswer(out, db, rc, 200, j);
    return 0;
}

static int add_margin(const ent_margin_row *m, void *ud)
{
    json_array_append_new(ud, json_pack("{s:s, s:s, s:I, s:o, s:o, s:o, s:s, s:I}", "key", m->key, "name", m->name,
                                        "units", (json_int_t)m->units, "revenue", money(m->revenue, m->currency),
                                        "landed_cost", money(m->cost, m->currency), "margin",
                                        money(m->margin, m->currency), "currency", m->currency, "uncosted_units",
                                        (json_int_t)m->uncosted));
    return 0;
}

int route_margins(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    ent_db *db = srv_reader(out);
    if (db == NULL)
        return 0;
    ent_margin_options o = {req_arg(r, "by"), req_arg(r, "from"), req_arg(r, "to")};
    json_t *rows = json_array();
    int rc = ent_margin_report(db, &o, add_margin, rows);
    xanswer(out, db, rc, 200, json_pack("{s:o}", "margins", rows));
    return 0;
}

/* GET receiving/{number}: the order with its lines, for the stock clerk
 * who receives against it (what route_purchase answers). */
int route_receiving_order(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    return route_purchase(r, body, tail, out);
}

/* GET receiving: the orders a delivery can be received against (sent or
 * partly received), newest first. */
int route_receiving(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)r, (void)body, (void)tail;
    ent_db *db = srv_reader(out);
    if (db == NULL)
        return 0;
    json_t *rows = json_array();
    int rc = ent_purchase_each(db, "sent", NULL, add_order, rows);
    if (rc == ENT_OK)
        rc = ent_purchase_each(db, "partial", NULL, add_order, rows);
    xanswer(out, db, rc, 200, json_pack("{s:o}", "orders", rows));
    return 0;
}

static int add_item(const ent_supplier_item *it, void *ud)
{
    json_array_append_new(ud, json_pack("{s:o, s:s, s:s, s:s, s:I, s:o, s:s}", "gtin", xjstr(it->gtin), "sku", it->sku,
                                        "name", it->name, "supplier_code", it->supplier_code, "pack_size",
                                        (json_int_t)it->pack_size, "last_price",
                                        it->priced ? money(it->last_price, it->currency) : json_null(), "currency",
                                        it->currency));
    return 0;
}

static int one_supplier(const ent_supplier *s, void *ud)
{
    json_t *rows = json_array();
    add_supplier(s, rows);
    json_object_set(ud, "supplier", json_array_get(rows, 0));
    json_decref(rows);
    return 0;
}

/* GET suppliers/{code}: one supplier and the commodities it supplies. */
int route_supplier(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)r, (void)body;
    ent_db *db = srv_reader(out);
    if (db == NULL || xtail_text(tail, "code", out) != 0)
        return 0;
    json_t *o = json_object(), *items = json_array();
    int rc = ent_supplier_get(db, tail, one_supplier, o);
    if (rc == ENT_OK)
        rc = ent_supplier_items(db, tail, add_item, items);
    json_object_set_new(o, "items", items);
    xanswer(out, db, rc, 200, o);
    return 0;
}

static int add_change(const ent_purchase_change *c, void *ud)
{
    json_array_append_new(ud, json_pack("{s:s, s:s, s:s}", "at", c->at, "user", c->user, "what", c->what));
    return 0;
}

/* GET purchases/history/{number}: what was changed after it was sent. */
int route_purchase_history(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)r, (void)body;
    ent_db *db = srv_reader(out);
    if (db == NULL || xtail_text(tail, "number", out) != 0)
        return 0;
    json_t *rows = json_array();
    int rc = ent_purchase_changes(db, tail, add_change, rows);
    xanswer(out, db, rc, 200, json_pack("{s:o}", "changes", rows));
    return 0;
}

/* GET purchases/pdf/{number}: the order to send, an A4 PDF in Chinese and
 * English, drawn by the label program (routes_labels.c). */
int route_purchase_pdf(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)r, (void)body;
    ent_db *db = srv_reader(out);
    if (db == NULL || xtail_text(tail, "number", out) != 0)
        return 0;
    /* An unknown order is answered here (404), not by the program's exit. */
    int rc = ent_purchase_get(db, tail, NULL, NULL, NULL);
    if (rc != ENT_OK) {
        reply_ent(out, db, rc);
        return 0;
    }
    return srv_purchase_pdf(out, tail);
}

json_t *purchase_suggestion_json(const ent_purchase_suggestion *s)
{
    json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:s, s:s, s:I, s:I, s:I, s:I, s:i, s:i}", "supplier", s->supplier,
                          "currency", s->currency, "order", xjstr(s->order), "gtin", xjstr(s->gtin), "sku", s->sku,
                          "name", s->name, "reorder_point", (json_int_t)s->reorder_point, "on_hand",
                          (json_int_t)s->on_hand, "on_order", (json_int_t)s->on_order, "sold", (json_int_t)s->sold,
                          "days", s->days, "lead_days", s->lead_days);
    json_object_set_new(o, "demand", json_integer(s->demand));
    json_object_set_new(o, "target", json_integer(s->target));
    json_object_set_new(o, "pack_size", json_integer(s->pack_size));
    json_object_set_new(o, "packs", json_integer(s->packs));
    json_object_set_new(o, "qty", json_integer(s->qty));
    json_object_set_new(o, "price", s->priced ? money(s->price, s->currency) : json_null());
    return o;
}

static int add_suggestion(const ent_purchase_suggestion *s, void *ud)
{
    json_array_append_new(ud, purchase_suggestion_json(s));
    return 0;
}

/* GET purchases/suggestions[?weeks=N]: what to order, nothing written. */
int route_purchase_suggestions(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    int64_t weeks;
    ent_db *db = srv_reader(out);
    if (db == NULL || xarg_whole(r, "weeks", 1, 52, 4, &weeks, out) != 0)
        return 0;
    ent_suggest_options o = {.weeks = (int)weeks, .create = false};
    json_t *rows = json_array();
    int rc = ent_purchase_suggest(db, &o, add_suggestion, rows);
    xanswer(out, db, rc, 200, json_pack("{s:o}", "suggestions", rows));
    return 0;
}

static int add_rate(const ent_rate *x, void *ud)
{
    char buf[32];
    int n = ent_decimal_format(buf, sizeof buf, x->rate, 6);
    json_array_append_new(ud, json_pack("{s:s, s:s, s:s, s:s}", "currency", x->currency, "day", x->day, "rate",
                                        n >= 0 && (size_t)n < sizeof buf ? buf : "", "entered_by", x->entered_by));
    return 0;
}

/* GET rates[?currency=EUR]: the exchange rates entered, by currency and day. */
int route_rates(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    const char *cur;
    ent_db *db = srv_reader(out);
    if (db == NULL || xarg_text(r, "currency", &cur, out) != 0)
        return 0;
    json_t *rows = json_array();
    int rc = ent_rate_each(db, cur, add_rate, rows);
    xanswer(out, db, rc, 200, json_pack("{s:o}", "rates", rows));
    return 0;
}
