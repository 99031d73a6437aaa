/* entrepot serve — purchasing, read side (README "Purchasing"): suppliers,
 * purchase orders, one order with its lines, and margins. The manager's
 * (the catalogue right). Writes stay on the command line for now. */
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
    if (db == NULL)
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
