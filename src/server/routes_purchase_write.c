/*
 * entrepot serve — purchasing, write side (README "Purchasing"): suppliers
 * and what they supply, purchase orders from draft to received, suggested
 * drafts, exchange rates, customs declarations and their landed cost. Each
 * route calls the library function the CLI calls, on the writer, which
 * records the request's user. The manager's (right "catalog"), except the
 * receipt of a delivery against an order: the stock clerk's ("stock").
 *
 * Money and rates travel as text, as the read routes give them and a person
 * types them ("24.00", "7.712345"): the library parses them in the right
 * currency. Counts (packs, units, lead days) are JSON whole numbers.
 */
#include <stdio.h>
#include <string.h>

#include "routes_ext.h"

/* A text member: absent NULL; null "" on an edit (clears it), NULL otherwise. */
static const char *text_of(json_t *b, const char *name, bool edit)
{
    json_t *v = json_object_get(b, name);
    if (v == NULL || (json_is_null(v) && !edit))
        return NULL;
    return json_is_null(v) ? "" : json_string_value(v);
}

/* A whole-number member as the library's text: absent NULL; null "" on an
 * edit, NULL otherwise. buf holds the digits. */
static const char *whole_of(json_t *b, const char *name, bool edit, char buf[24])
{
    json_t *v = json_object_get(b, name);
    if (v == NULL || (json_is_null(v) && !edit))
        return NULL;
    if (json_is_null(v))
        return "";
    snprintf(buf, 24, "%lld", (long long)json_integer_value(v));
    return buf;
}

/* The body checked against fields, then queued with tail; 0 either way. */
static int queue_checked(struct req *r, json_t *body, const char *tail, const struct field *fields,
                         const char *what, int (*run)(ent_db *, ent_journal *, struct job *), struct reply *out)
{
    if (json_check(out, body, fields, what) != 0)
        return 0;
    return xqueue(r, body, tail, run, out);
}

/* ---- suppliers ------------------------------------------------------------ */

static const struct field supplier_fields[] = {
    {"code", F_STRING, 0},     {"name_zh", F_STRING, 0},  {"name_en", F_STRING, 0},       {"country", F_STRING, 0},
    {"contact", F_STRING, 0},  {"currency", F_STRING, 0}, {"payment_terms", F_STRING, 0}, {"lead_days", F_INT, 0},
    {NULL, F_STRING, 0},
};

static void supplier_of(ent_supplier_fields *f, json_t *b, bool edit, char lead[24])
{
    *f = (ent_supplier_fields){
        .code = text_of(b, "code", false), /* never cleared */
        .name_zh = text_of(b, "name_zh", edit),
        .name_en = text_of(b, "name_en", edit),
        .country = text_of(b, "country", edit),
        .contact = text_of(b, "contact", edit),
        .currency = text_of(b, "currency", false),
        .payment_terms = text_of(b, "payment_terms", edit),
        .lead_days = whole_of(b, "lead_days", false, lead),
    };
}

static int run_supplier_add(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    char lead[24];
    ent_supplier_fields f;
    if (xact_as(db, job) != 0)
        return 0;
    supplier_of(&f, xbody(job), false, lead);
    int rc = ent_supplier_add(db, &f);
    xanswer(&job->reply, db, rc, 201, json_pack("{s:s}", "code", f.code ? f.code : ""));
    return 0;
}

/* POST suppliers: a new supplier (its code and a name at least). */
int route_supplier_add(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    if (json_check(out, body, supplier_fields, "a supplier") != 0)
        return 0;
    if (json_str(body, "code") == NULL) {
        reply_error(out, 422, "invalid", "code", "a supplier needs 'code'");
        return 0;
    }
    return xqueue(r, body, NULL, run_supplier_add, out);
}

static int run_supplier_edit(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    char lead[24];
    ent_supplier_fields f;
    if (xact_as(db, job) != 0)
        return 0;
    supplier_of(&f, xbody(job), true, lead);
    int rc = ent_supplier_edit(db, xtail(job), &f);
    xanswer(&job->reply, db, rc, 200, json_pack("{s:b}", "changed", 1));
    return 0;
}

/* PATCH suppliers/{code}: the fields given (null clears a text that may be
 * empty; "code" renames). */
int route_supplier_edit(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    if (xtail_text(tail, "code", out) != 0)
        return 0;
    return queue_checked(r, body, tail, supplier_fields, "a change of a supplier", run_supplier_edit, out);
}

static const struct field item_fields[] = {
    {"supplier", F_STRING, 1}, {"product", F_STRING, 1},  {"supplier_code", F_STRING, 0},
    {"pack_size", F_INT, 0},   {"last_price", F_STRING, 0}, {NULL, F_STRING, 0},
};

static int run_item_set(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    char pack[24];
    json_t *b = xbody(job);
    if (xact_as(db, job) != 0)
        return 0;
    ent_supplier_item_fields f = {
        .supplier = json_str(b, "supplier"),
        .product = json_str(b, "product"),
        .supplier_code = text_of(b, "supplier_code", true),
        .pack_size = whole_of(b, "pack_size", false, pack),
        .last_price = text_of(b, "last_price", true),
    };
    int rc = ent_supplier_item_set(db, &f);
    xanswer(&job->reply, db, rc, 200, json_pack("{s:b}", "set", 1));
    return 0;
}

/* POST supplier-items: puts a commodity on a supplier's list or changes
 * the fields given. */
int route_supplier_item_set(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    return queue_checked(r, body, NULL, item_fields, "a supplier's commodity", run_item_set, out);
}

static int run_item_remove(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    json_t *b = xbody(job);
    if (xact_as(db, job) != 0)
        return 0;
    int rc = ent_supplier_item_remove(db, json_str(b, "supplier"), json_str(b, "product"));
    xanswer(&job->reply, db, rc, 200, json_pack("{s:b}", "removed", 1));
    return 0;
}

/* Two query parameters both needed, as a body for the writer; NULL with a
 * 4xx answer. */
static json_t *args_body(struct req *r, const char *a, const char *b, struct reply *out)
{
    const char *va, *vb;
    if (xarg_text(r, a, &va, out) != 0 || xarg_text(r, b, &vb, out) != 0)
        return NULL;
    if (va == NULL || *va == '\0' || vb == NULL || *vb == '\0') {
        reply_error(out, 422, "invalid", va && *va ? b : a, "this needs ?%s=...&%s=...", a, b);
        return NULL;
    }
    return json_pack("{s:s, s:s}", a, va, b, vb);
}

/* DELETE supplier-items?supplier=S&product=P */
int route_supplier_item_remove(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    json_t *b = args_body(r, "supplier", "product", out);
    if (b == NULL)
        return 0;
    xqueue(r, b, NULL, run_item_remove, out);
    json_decref(b);
    return 0;
}

/* ---- CSV imports: suppliers, supplier items, rates ------------------------ */

static int run_import_suppliers(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    return xrun_csv(db, job, &(struct xcsv_import){.run_update = ent_supplier_import_csv, .count = "imported"});
}

static int run_import_suppliers_update(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    return xrun_csv(db, job,
                    &(struct xcsv_import){.run_update = ent_supplier_import_csv, .update = true, .count = "imported"});
}

static int run_import_items(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    return xrun_csv(db, job, &(struct xcsv_import){.run = ent_supplier_item_import_csv, .count = "imported"});
}

static int run_import_rates(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    return xrun_csv(db, job, &(struct xcsv_import){.run = ent_rate_import_csv, .count = "imported"});
}

/* POST suppliers/import[?update=1] (text/csv) */
int route_supplier_import(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    int64_t update;
    if (xarg_whole(r, "update", 0, 1, 0, &update, out) != 0)
        return 0;
    return xqueue_csv(r, update ? run_import_suppliers_update : run_import_suppliers, out);
}

/* POST supplier-items/import (text/csv) */
int route_supplier_item_import(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    return xqueue_csv(r, run_import_items, out);
}

/* POST rates/import (text/csv) */
int route_rate_import(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    return xqueue_csv(r, run_import_rates, out);
}

/* ---- purchase orders ------------------------------------------------------ */

static const struct field create_fields[] = {
    {"supplier", F_STRING, 1}, {"expected", F_STRING, 0}, {"note", F_STRING, 0}, {NULL, F_STRING, 0}};

static int run_create(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    char number[ENT_PO_NUMBER_SIZE] = "";
    json_t *b = xbody(job);
    if (xact_as(db, job) != 0)
        return 0;
    int rc = ent_purchase_create(db, number, json_str(b, "supplier"), json_str(b, "expected"), json_str(b, "note"));
    xanswer(&job->reply, db, rc, 201, json_pack("{s:s}", "number", number));
    return 0;
}

/* POST purchases: a draft order to a supplier. */
int route_purchase_create(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    return queue_checked(r, body, NULL, create_fields, "a purchase order", run_create, out);
}

static const struct field line_fields[] = {
    {"order", F_STRING, 1}, {"product", F_STRING, 1}, {"packs", F_INT, 0},
    {"units", F_INT, 0},    {"price", F_STRING, 0},   {NULL, F_STRING, 0},
};

static int run_line_set(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    char packs[24], units[24];
    json_t *b = xbody(job);
    if (xact_as(db, job) != 0)
        return 0;
    ent_purchase_line_fields f = {
        .order = json_str(b, "order"),
        .product = json_str(b, "product"),
        .packs = whole_of(b, "packs", false, packs),
        .units = whole_of(b, "units", false, units),
        .price = text_of(b, "price", false),
    };
    int rc = ent_purchase_line_set(db, &f);
    xanswer(&job->reply, db, rc, 200, json_pack("{s:b}", "set", 1));
    return 0;
}

/* POST purchases/lines: puts a commodity on an order or changes its line. */
int route_purchase_line_set(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    return queue_checked(r, body, NULL, line_fields, "a line of a purchase order", run_line_set, out);
}

static int run_line_remove(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    json_t *b = xbody(job);
    if (xact_as(db, job) != 0)
        return 0;
    int rc = ent_purchase_line_remove(db, json_str(b, "order"), json_str(b, "product"));
    xanswer(&job->reply, db, rc, 200, json_pack("{s:b}", "removed", 1));
    return 0;
}

/* DELETE purchases/lines?order=N&product=P */
int route_purchase_line_remove(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    json_t *b = args_body(r, "order", "product", out);
    if (b == NULL)
        return 0;
    xqueue(r, b, NULL, run_line_remove, out);
    json_decref(b);
    return 0;
}

static const struct field order_fields[] = {{"order", F_STRING, 1}, {NULL, F_STRING, 0}};

/* send, cancel and close: one order named, one library call, its status after. */
static int run_step(ent_db *db, struct job *job, int (*step)(ent_db *, const char *), const char *status)
{
    if (xact_as(db, job) != 0)
        return 0;
    int rc = step(db, json_str(xbody(job), "order"));
    xanswer(&job->reply, db, rc, 200, json_pack("{s:s}", "status", status));
    return 0;
}

static int run_send(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    return run_step(db, job, ent_purchase_send, "sent");
}

static int run_cancel(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    return run_step(db, job, ent_purchase_cancel, "cancelled");
}

static int run_close(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    return run_step(db, job, ent_purchase_close, "received");
}

/* POST purchases/send, purchases/cancel, purchases/close: {"order": N} */
int route_purchase_send(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    return queue_checked(r, body, NULL, order_fields, "sending an order", run_send, out);
}

int route_purchase_cancel(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    return queue_checked(r, body, NULL, order_fields, "cancelling an order", run_cancel, out);
}

int route_purchase_close(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    return queue_checked(r, body, NULL, order_fields, "closing an order", run_close, out);
}

/* ---- receiving against an order (the stock clerk) ---------------------------- */

static const struct field receipt_fields[] = {
    {"order", F_STRING, 1},          {"product", F_STRING, 1},     {"qty", F_INT, 1},
    {"lot", F_STRING, 0},            {"origin", F_STRING, 0},      {"declaration", F_STRING, 0},
    {"import_date", F_STRING, 0},    {"production_date", F_STRING, 0}, {"expiry", F_STRING, 0},
    {"unit_cost", F_INT, 0},         {"cost_currency", F_STRING, 0}, {"location", F_STRING, 1},
    {"note", F_STRING, 0},           {"over", F_BOOL, 0},          {NULL, F_STRING, 0},
};

static int run_receive(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    json_t *b = xbody(job);
    char lot_uuid[ENT_UUID_SIZE] = "";
    if (xact_as(db, job) != 0)
        return 0;
    ent_purchase_receipt rr = {
        .order = json_str(b, "order"),
        .goods = srv_receive_from(b, job->user),
        .over = json_is_true(json_object_get(b, "over")),
    };
    rr.goods.supplier = NULL; /* the order names the supplier */
    int rc = ent_purchase_receive(db, lot_uuid, &rr);
    xanswer(&job->reply, db, rc, 201, json_pack("{s:s}", "lot_uuid", lot_uuid));
    if (rc == ENT_OK)
        srv_job_event(job, "stock", json_pack("{s:s, s:s, s:s}", "product", rr.goods.product, "location",
                                              rr.goods.location, "order", rr.order));
    return 0;
}

/* POST purchases/receive: a delivery line into stock against its order. */
int route_purchase_receive(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    if (json_check(out, body, receipt_fields, "a receipt against an order") != 0)
        return 0;
    json_t *cost = json_object_get(body, "unit_cost");
    if (json_is_integer(cost) && json_integer_value(cost) < 0) {
        reply_error(out, 422, "invalid", "unit_cost", "'unit_cost' is in minor units, 0 or more");
        return 0;
    }
    if (json_str(body, "cost_currency") && !json_is_integer(cost)) {
        reply_error(out, 422, "invalid", "cost_currency", "'cost_currency' goes with 'unit_cost'");
        return 0;
    }
    return xqueue(r, body, NULL, run_receive, out);
}

/* ---- suggestions made drafts -------------------------------------------------- */

json_t *purchase_suggestion_json(const ent_purchase_suggestion *s);

static int add_suggestion(const ent_purchase_suggestion *s, void *ud)
{
    json_array_append_new(ud, purchase_suggestion_json(s));
    return 0;
}

static const struct field suggest_fields[] = {{"weeks", F_INT, 0}, {NULL, F_STRING, 0}};

static int run_suggest(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    if (xact_as(db, job) != 0)
        return 0;
    ent_suggest_options o = {.weeks = (int)json_int(xbody(job), "weeks", 0), .create = true};
    json_t *rows = json_array();
    int rc = ent_purchase_suggest(db, &o, add_suggestion, rows);
    xanswer(&job->reply, db, rc, 201, json_pack("{s:o}", "suggestions", rows));
    return 0;
}

/* POST purchases/suggestions {"weeks": N}: one draft per supplier. */
int route_purchase_suggest(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    if (json_check(out, body, suggest_fields, "suggested orders") != 0)
        return 0;
    json_t *w = json_object_get(body, "weeks");
    if (json_is_integer(w) && (json_integer_value(w) < 1 || json_integer_value(w) > 52)) {
        reply_error(out, 422, "invalid", "weeks", "'weeks' must be from 1 to 52");
        return 0;
    }
    return xqueue(r, body, NULL, run_suggest, out);
}

/* ---- exchange rates, declarations, landed cost ------------------------------ */

static const struct field rate_fields[] = {
    {"currency", F_STRING, 1}, {"day", F_STRING, 1}, {"rate", F_STRING, 1}, {NULL, F_STRING, 0}};

static int run_rate(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    json_t *b = xbody(job);
    if (xact_as(db, job) != 0)
        return 0;
    int rc = ent_rate_set(db, json_str(b, "currency"), json_str(b, "day"), json_str(b, "rate"));
    xanswer(&job->reply, db, rc, 200, json_pack("{s:b}", "set", 1));
    return 0;
}

/* POST rates: {"currency": "EUR", "day": "2026-11-28", "rate": "7.712345"} */
int route_rate_set(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    return queue_checked(r, body, NULL, rate_fields, "an exchange rate", run_rate, out);
}

static const struct field declaration_fields[] = {
    {"number", F_STRING, 1},    {"date", F_STRING, 0},      {"duty", F_STRING, 0},
    {"import_vat", F_STRING, 0}, {"consumption_tax", F_STRING, 0}, {"freight", F_STRING, 0},
    {"insurance", F_STRING, 0}, {"other", F_STRING, 0},     {"basis", F_STRING, 0},
    {NULL, F_STRING, 0},
};

static int run_declaration(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    json_t *b = xbody(job);
    if (xact_as(db, job) != 0)
        return 0;
    ent_declaration_fields f = {json_str(b, "number"),    json_str(b, "date"),    json_str(b, "duty"),
                                json_str(b, "import_vat"), json_str(b, "consumption_tax"), json_str(b, "freight"),
                                json_str(b, "insurance"), json_str(b, "other"),   json_str(b, "basis")};
    int rc = ent_declaration_set(db, &f);
    xanswer(&job->reply, db, rc, 200, json_pack("{s:b}", "set", 1));
    return 0;
}

/* POST declarations: a customs declaration's date, charges and basis
 * (added, or the fields given changed). */
int route_declaration_set(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    return queue_checked(r, body, NULL, declaration_fields, "a customs declaration", run_declaration, out);
}

struct landed {
    json_t *lots;
    char currency[ENT_CURRENCY_SIZE];
};

static json_t *money(int64_t minor, const char *currency)
{
    char buf[ENT_MONEY_TEXT_SIZE];
    ent_money_format(buf, sizeof buf, minor, currency);
    return json_string(buf);
}

static json_t *rate_text(int64_t rate)
{
    char buf[32];
    int n = ent_decimal_format(buf, sizeof buf, rate, 6);
    return n >= 0 && (size_t)n < sizeof buf ? json_string(buf) : json_null();
}

static int add_landed(const ent_landed_lot *l, void *ud)
{
    struct landed *s = ud;
    const char *c = s->currency;
    json_t *o = json_pack("{s:s, s:s, s:o, s:s, s:s, s:I, s:I, s:o, s:s, s:o, s:o}", "lot_uuid", l->lot_uuid, "lot",
                          l->lot, "gtin", xjstr(l->gtin), "sku", l->sku, "name", l->name, "qty", (json_int_t)l->qty,
                          "weight_g", (json_int_t)l->weight, "goods_foreign", money(l->goods_foreign, l->currency),
                          "foreign_currency", l->currency, "rate", rate_text(l->rate), "rate_day", xjstr(l->rate_day));
    json_object_set_new(o, "goods", money(l->goods, c));
    json_object_set_new(o, "duty", money(l->duty, c));
    json_object_set_new(o, "import_vat", money(l->import_vat, c));
    json_object_set_new(o, "consumption_tax", money(l->consumption_tax, c));
    json_object_set_new(o, "freight", money(l->freight, c));
    json_object_set_new(o, "insurance", money(l->insurance, c));
    json_object_set_new(o, "other", money(l->other, c));
    json_object_set_new(o, "landed", money(l->landed, c));
    json_object_set_new(o, "unit", money(l->unit, c));
    json_object_set_new(o, "remainder", json_boolean(l->remainder));
    json_array_append_new(s->lots, o);
    return 0;
}

static const struct field landed_fields[] = {{"declaration", F_STRING, 1}, {NULL, F_STRING, 0}};

static int run_landed(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    struct landed s = {.lots = json_array()};
    ent_store *store = NULL;
    if (xact_as(db, job) != 0) {
        json_decref(s.lots);
        return 0;
    }
    int rc = ent_store_get(db, &store);
    if (rc == ENT_OK)
        snprintf(s.currency, sizeof s.currency, "%s", store->currency);
    ent_store_free(store);
    if (rc == ENT_OK)
        rc = ent_landed_compute(db, json_str(xbody(job), "declaration"), add_landed, &s);
    xanswer(&job->reply, db, rc, 200, json_pack("{s:s, s:o}", "currency", s.currency, "lots", s.lots));
    return 0;
}

/* POST landed {"declaration": N}: works out and stores the landed cost of
 * every lot of the declaration. */
int route_landed_compute(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    return queue_checked(r, body, NULL, landed_fields, "a landed cost", run_landed, out);
}
