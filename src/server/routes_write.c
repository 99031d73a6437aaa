/*
 * entrepot serve — the write routes: stock receive / move / adjust and the
 * checkout of a whole basket. The body is checked on the pool thread; the
 * write itself runs on the writer thread, inside the group's transaction,
 * and is answered after the group's commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

static void free_json(void *arg)
{
    json_decref(arg);
}

/* Queues run with the request's body; 0 (the answer comes later). */
static int queue_body(struct req *r, json_t *body, int (*run)(ent_db *, ent_journal *, struct job *), struct reply *out)
{
    json_incref(body);
    if (srv_queue_write(r, run, body, free_json) < 0)
        reply_error(out, 500, "error", NULL, "out of memory");
    return 0;
}

/* The body checked against fields, then queued; 0 (answered now or later). */
static int queue_checked(struct req *r, json_t *body, const struct field *fields, const char *what,
                         int (*run)(ent_db *, ent_journal *, struct job *), struct reply *out)
{
    if (json_check(out, body, fields, what) == 0)
        queue_body(r, body, run, out);
    return 0;
}

/* Every write names who made it: the request's user, down to the ledger. */
static int act_as(ent_db *db, struct job *job)
{
    int rc = ent_user_act_as(db, job->user);
    if (rc != ENT_OK)
        reply_ent(&job->reply, db, rc);
    return rc;
}

/* ---- stock ------------------------------------------------------------- */

/* The event of a committed stock write: which commodity, where. */
static void stock_event(struct job *job, json_t *b, const char *where)
{
    json_t *d = json_pack("{s:s, s:s}", "product", json_str(b, "product"), "location", json_str(b, where));
    if (json_str(b, "to"))
        json_object_set_new(d, "to", json_string(json_str(b, "to")));
    srv_job_event(job, "stock", d);
}

static const struct field receive_fields[] = {
    {"product", F_STRING, 1},
    {"qty", F_INT, 1},
    {"lot", F_STRING, 0},
    {"origin", F_STRING, 0},
    {"declaration", F_STRING, 0},
    {"import_date", F_STRING, 0},
    {"production_date", F_STRING, 0},
    {"expiry", F_STRING, 0},
    {"supplier", F_STRING, 0},
    {"unit_cost", F_INT, 0},
    {"cost_currency", F_STRING, 0},
    {"location", F_STRING, 1},
    {"note", F_STRING, 0},
    {NULL, F_STRING, 0},
};

ent_receive srv_receive_from(json_t *b, const char *user)
{
    return (ent_receive){
        .product = json_str(b, "product"),
        .qty = json_int(b, "qty", 0),
        .lot = json_str(b, "lot"),
        .origin = json_str(b, "origin"),
        .declaration = json_str(b, "declaration"),
        .import_date = json_str(b, "import_date"),
        .production_date = json_str(b, "production_date"),
        .expiry = json_str(b, "expiry"),
        .supplier = json_str(b, "supplier"),
        .unit_cost = json_int(b, "unit_cost", -1),
        .cost_currency = json_str(b, "cost_currency"),
        .location = json_str(b, "location"),
        .user = user,
        .note = json_str(b, "note"),
    };
}

static int run_receive(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    json_t *b = job->arg;
    char lot_uuid[37] = "";
    if (act_as(db, job) != ENT_OK)
        return 0;
    ent_receive rv = srv_receive_from(b, job->user);
    int rc = ent_stock_receive(db, lot_uuid, &rv);
    reply_result(&job->reply, db, rc, 201, json_pack("{s:s}", "lot_uuid", lot_uuid));
    if (rc == ENT_OK)
        stock_event(job, b, "location");
    return 0;
}

int route_receive(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    return queue_checked(r, body, receive_fields, "a receipt of goods", run_receive, out);
}

static const struct field move_fields[] = {
    {"product", F_STRING, 1}, {"lot", F_STRING, 0},  {"from", F_STRING, 1}, {"to", F_STRING, 1},
    {"qty", F_INT, 1},        {"note", F_STRING, 0}, {NULL, F_STRING, 0},
};

/* A move or an adjustment: the same request, the place and quantity under
 * the names the route gives them (fields the route does not take are NULL). */
static ent_move_req move_req(json_t *b, struct job *job, const char *place, const char *qty)
{
    return (ent_move_req){.product = json_str(b, "product"),
                          .lot = json_str(b, "lot"),
                          .location = json_str(b, place),
                          .to = json_str(b, "to"),
                          .qty = json_int(b, qty, 0),
                          .reason = json_str(b, "reason"),
                          .user = job->user,
                          .note = json_str(b, "note")};
}

static int run_move(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    json_t *b = job->arg;
    if (act_as(db, job) != ENT_OK)
        return 0;
    ent_move_req m = move_req(b, job, "from", "qty");
    int rc = ent_stock_transfer(db, &m);
    reply_result(&job->reply, db, rc, 200, json_pack("{s:b}", "moved", 1));
    if (rc == ENT_OK)
        stock_event(job, b, "from");
    return 0;
}

int route_move(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    return queue_checked(r, body, move_fields, "a move", run_move, out);
}

static const struct field adjust_fields[] = {
    {"product", F_STRING, 1}, {"lot", F_STRING, 0},  {"location", F_STRING, 1}, {"delta", F_INT, 1},
    {"reason", F_STRING, 1},  {"note", F_STRING, 0}, {NULL, F_STRING, 0},
};

static int run_adjust(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    json_t *b = job->arg;
    if (act_as(db, job) != ENT_OK)
        return 0;
    ent_move_req m = move_req(b, job, "location", "delta");
    int rc = ent_stock_adjust(db, &m);
    reply_result(&job->reply, db, rc, 200, json_pack("{s:b}", "adjusted", 1));
    if (rc == ENT_OK)
        stock_event(job, b, "location");
    return 0;
}

int route_adjust(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    /* The library takes the size of the change and its direction from the
     * reason; a signed delta that says the other way is refused, not turned. */
    const char *reason = json_str(body, "reason");
    int64_t delta = json_int(body, "delta", 0);
    bool adds = reason && strcmp(reason, "found") == 0;
    if (reason && delta != INT64_MIN && (adds ? delta < 0 : delta > 0)) {
        reply_error(out, 422, "invalid", "delta", "a delta of %lld with the reason '%s' would %s stock: give %lld",
                    (long long)delta, ENT_CLIP(reason, 40), adds ? "take away" : "add", (long long)-delta);
        return 0;
    }
    return queue_checked(r, body, adjust_fields, "an adjustment", run_adjust, out);
}

/* ---- checkout ---------------------------------------------------------- */

#define SALE_LINES_MAX 1000
#define SALE_PAYS_MAX 8

static const struct field sale_fields[] = {
    {"counter", F_STRING, 1}, {"shelf", F_STRING, 0}, {"lines", F_ARRAY, 1},
    {"payments", F_ARRAY, 1}, {"columns", F_INT, 0},  {NULL, F_STRING, 0},
};
static const struct field line_fields[] = {{"code", F_STRING, 1}, {"qty", F_INT, 0}, {NULL, F_STRING, 0}};
static const struct field pay_fields[] = {{"method", F_STRING, 1}, {"amount", F_INT, 0}, {NULL, F_STRING, 0}};

/* Each element of body[name] checked against fields; the answer names the
 * element ("lines[2].qty"). */
static int check_items(struct reply *out, json_t *body, const char *name, const struct field *fields, size_t max)
{
    json_t *arr = json_object_get(body, name);
    size_t n = json_array_size(arr);
    if (n == 0 || n > max) {
        reply_error(out, 422, "invalid", name, "'%s' must hold 1 to %zu items", name, max);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        char where[64];
        snprintf(where, sizeof where, "%s[%zu]", name, i);
        if (json_check(out, json_array_get(arr, i), fields, where) != 0) {
            json_t *err = json_object_get(out->json, "error");
            const char *f = json_string_value(json_object_get(err, "field"));
            char full[128];
            snprintf(full, sizeof full, "%s%s%s", where, f ? "." : "", f ? f : "");
            json_object_set_new(err, "field", json_string(full));
            return -1;
        }
    }
    return 0;
}

/* A library refusal about one item, naming it. */
static void reply_item(struct reply *out, ent_db *db, int rc, const char *name, size_t i)
{
    char field[64];
    reply_ent(out, db, rc);
    snprintf(field, sizeof field, "%s[%zu]", name, i);
    json_object_set_new(json_object_get(out->json, "error"), "field", json_string(field));
}

static json_t *sale_json(ent_db *db, const ent_sale *s, int columns)
{
    char *text = NULL;
    json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:s, s:s}", "uuid", s->uuid, "receipt", (json_int_t)s->receipt, "total",
                          (json_int_t)s->total, "tax", (json_int_t)s->tax, "currency", s->currency, "time", s->time);
    if (ent_receipt_text(db, &text, s, columns, 0) == ENT_OK)
        json_object_set_new(o, "receipt_text", json_string(text));
    free(text);
    return o;
}

static int fill_basket(ent_basket *b, ent_db *db, json_t *body, struct reply *out)
{
    json_t *lines = json_object_get(body, "lines"), *pays = json_object_get(body, "payments");
    for (size_t i = 0; i < json_array_size(lines); i++) {
        json_t *l = json_array_get(lines, i);
        int64_t qty = json_int(l, "qty", 1);
        if (qty == 0) { /* the library reads 0 as "the code as it is" (one item); a line of 0 sells nothing */
            char field[64];
            snprintf(field, sizeof field, "lines[%zu].qty", i);
            reply_error(out, 422, "invalid", field, "a quantity must be 1 or more, not 0");
            return ENT_INVALID;
        }
        int rc = ent_basket_scan(b, NULL, json_str(l, "code"), qty);
        if (rc != ENT_OK) {
            reply_item(out, db, rc, "lines", i);
            return rc;
        }
    }
    for (size_t i = 0; i < json_array_size(pays); i++) {
        json_t *p = json_array_get(pays, i);
        int rc = ent_basket_pay(b, json_str(p, "method"), json_int(p, "amount", 0));
        if (rc != ENT_OK) {
            reply_item(out, db, rc, "payments", i);
            return rc;
        }
    }
    return ENT_OK;
}

static int run_sale(ent_db *db, ent_journal *j, struct job *job)
{
    json_t *b = job->arg;
    ent_basket *basket = NULL;
    ent_sale *sale = NULL;
    int rc = act_as(db, job);
    if (rc != ENT_OK)
        return 0;
    rc = ent_basket_new(db, &basket, json_str(b, "counter"), job->user, json_str(b, "shelf"));
    if (rc != ENT_OK) {
        reply_ent(&job->reply, db, rc);
        goto done;
    }
    if (fill_basket(basket, db, b, &job->reply) != ENT_OK)
        goto done;
    rc = ent_basket_checkout(basket, j, &sale);
    if (rc != ENT_OK) {
        reply_ent(&job->reply, db, rc);
        goto done;
    }
    reply_json(&job->reply, 201, sale_json(db, sale, (int)json_int(b, "columns", 48)));
    srv_job_event(job, "stock", json_pack("{s:s, s:s}", "sale", sale->uuid, "counter", json_str(b, "counter")));
done:
    ent_sale_free(sale);
    ent_basket_free(basket);
    return 0;
}

int route_sale(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    if (json_check(out, body, sale_fields, "a sale") != 0 ||
        check_items(out, body, "lines", line_fields, SALE_LINES_MAX) != 0 ||
        check_items(out, body, "payments", pay_fields, SALE_PAYS_MAX) != 0)
        return 0;
    int64_t columns = json_int(body, "columns", 48);
    if (columns < 24 || columns > 80) {
        reply_error(out, 422, "invalid", "columns", "'columns' must be 24 to 80, not %lld", (long long)columns);
        return 0;
    }
    if (srv_g->journal == NULL) {
        reply_error(out, 409, "refused", NULL, "sales are refused: %s", srv_g->journal_problem);
        return 0;
    }
    return queue_body(r, body, run_sale, out);
}
