/*
 * entrepot serve — the counter through the server: a basket per counter held
 * in memory and kept in the database (schema 14: every change is saved in
 * its own savepoint of the writer's group, so that a restart finds the
 * unpaid baskets again), returns, voids and receipts.
 *
 * A basket borrows the connection it was made on, so every basket lives on
 * the writer's connection and every basket request runs on the writer thread
 * (its table is touched by no other thread, so it needs no lock). A scan
 * reads the stock there; the checkout is one savepoint of the writer's group
 * and is answered after the group's commit. The session or API token that
 * opened a counter's basket owns it until it is abandoned.
 *
 * A supervisor's approval comes in the same request ("approval": {"user",
 * "password"}). It is checked with ent_user_approve on the login thread
 * (scrypt's tens of milliseconds must not hold the writer's group open),
 * before the write is queued; the writer only records the approver's name.
 * A refused approval is answered from there and never reaches the writer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

#define BASKET_LINES_MAX 500
#define BASKETS_MAX 1000 /* open at once: a counter each; more is refused (memory) */
#define PAYS_MAX 8
#define RETURN_ITEMS_MAX 500
#define STATION_MAX 64 /* a browser's own id for its till, as the web app sends it */
#define STATION_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"

/* ---- the baskets (writer thread only) ----------------------------------- */

struct counter_basket {
    char counter[ENT_COUNTER_SIZE];
    char owner[SRV_USER_MAX];
    char currency[ENT_CURRENCY_SIZE];
    int64_t session_id, token_id; /* who owns it */
    /* The browser (the web app's station id) it was last opened from, in
     * memory only: "" when none was sent, and after a restart. */
    char station[STATION_MAX + 1];
    ent_basket *b;
    /* Payments added but not yet paid, as kept with the basket (schema 22:
     * ent_basket_payment_add in the request's transaction, read back after a
     * restart). Used by a pay that sends none, removed by any pay that
     * succeeds (in the sale's transaction). */
    ent_basket_payment pend[PAYS_MAX]; /* amount 0: the rest due */
    int npend;
    struct counter_basket *next;
};
static struct counter_basket *baskets;
static int nbaskets;

static struct counter_basket *basket_find(const char *counter)
{
    for (struct counter_basket *c = baskets; c; c = c->next)
        if (strcmp(c->counter, counter) == 0)
            return c;
    return NULL;
}

static void basket_drop(struct counter_basket *gone)
{
    for (struct counter_basket **p = &baskets; *p; p = &(*p)->next)
        if (*p == gone) {
            *p = gone->next;
            nbaskets--;
            ent_basket_free(gone->b);
            free(gone);
            return;
        }
}

void sales_baskets_free(void)
{
    while (baskets)
        basket_drop(baskets);
}

/* Writes c as it is now; on failure the savepoint is undone, and so is the
 * change in memory (the basket is read back as it was kept). 0, or -1 with
 * the answer. */
static int basket_keep(ent_db *db, struct counter_basket *c, struct reply *out)
{
    ent_basket_owner o = {.session_id = c->session_id, .token_id = c->token_id};
    snprintf(o.cashier, sizeof o.cashier, "%s", c->owner);
    int rc = ent_basket_save(c->b, &o);
    if (rc == ENT_OK)
        return 0;
    reply_ent(out, db, rc);
    ent_basket *was = NULL;
    if (ent_basket_load(db, &was, &o, c->counter) == ENT_OK) {
        ent_basket_free(c->b);
        c->b = was;
    }
    return -1;
}

/* The payments kept with c's basket into c->pend. */
static int pending_reload(ent_db *db, struct counter_basket *c, const char *counter)
{
    size_t n = 0;
    int rc = ent_basket_payments_get(db, c->pend, &n, PAYS_MAX, counter);
    c->npend = rc == ENT_OK ? (int)n : 0;
    return rc;
}

static int basket_reload(const char *counter, void *ud)
{
    ent_db *db = ud;
    struct counter_basket *c = calloc(1, sizeof *c);
    ent_basket_owner o;
    ent_store *store = NULL;
    int rc;
    if (c == NULL)
        return ENT_ERROR;
    if ((rc = ent_basket_load(db, &c->b, &o, counter)) == ENT_OK && (rc = ent_store_get(db, &store)) == ENT_OK) {
        snprintf(c->currency, sizeof c->currency, "%s", store->currency);
        ent_store_free(store);
    }
    if (rc == ENT_OK)
        rc = pending_reload(db, c, counter);
    if (rc != ENT_OK) {
        ent_basket_free(c->b);
        free(c);
        return rc;
    }
    snprintf(c->counter, sizeof c->counter, "%s", counter);
    snprintf(c->owner, sizeof c->owner, "%s", o.cashier);
    c->session_id = o.session_id;
    c->token_id = o.token_id;
    c->next = baskets;
    baskets = c;
    nbaskets++;
    return ENT_OK;
}

int sales_baskets_load(ent_db *db)
{
    int rc = ent_basket_kept_each(db, basket_reload, db);
    if (rc != ENT_OK)
        fprintf(stderr, "entrepot: the kept baskets cannot be read back: %s\n", ent_errmsg(db));
    else if (nbaskets > 0)
        fprintf(stderr, "entrepot: %d open basket%s read back\n", nbaskets, nbaskets == 1 ? "" : "s");
    return rc;
}

/* ---- a request, as the writer gets it ----------------------------------- */

enum bop_kind {
    OP_OPEN,
    OP_SHOW,
    OP_ABANDON,
    OP_SCAN,
    OP_CHANGE,
    OP_REMOVE,
    OP_PAY,
    OP_PAY_ADD,
    OP_PAY_DROP,
    OP_RETURN,
    OP_VOID
};

struct bop {
    enum bop_kind kind;
    char counter[ENT_COUNTER_SIZE];
    char receipt[64]; /* void */
    size_t line;
    json_t *body;     /* without its "approval" */
    json_t *approval; /* NULL when none was sent */
    char approver[SRV_USER_MAX]; /* the approval's user once checked, "" before */
    ent_principal who;
    int64_t sold; /* pay: the receipt number of the sale made, for its printing */
};

static void wipe_password(struct bop *op)
{
    json_t *pw = json_object_get(op->approval, "password");
    if (json_is_string(pw)) {
        char *s = (char *)json_string_value(pw);
        memset(s, 0, strlen(s));
    }
}

/* The password is wiped before the body is released. */
static void bop_free(void *arg)
{
    struct bop *op = arg;
    if (op == NULL)
        return;
    wipe_password(op);
    json_decref(op->approval);
    json_decref(op->body);
    free(op);
}

static const struct field approval_fields[] = {{"user", F_STRING, 1}, {"password", F_STRING, 1}, {NULL, F_STRING, 0}};

/* Takes "approval" out of the body (it is an object, checked here), so that
 * the rest is checked against the route's own fields. */
static int take_approval(struct reply *out, json_t *body, json_t **approval)
{
    *approval = NULL;
    json_t *a = json_object_get(body, "approval");
    if (a == NULL)
        return 0;
    if (!json_is_object(a)) {
        reply_error(out, 422, "invalid", "approval", "'approval' must be an object {\"user\", \"password\"}");
        return -1;
    }
    if (json_check(out, a, approval_fields, "an approval") != 0) {
        json_t *err = json_object_get(out->json, "error");
        const char *f = json_string_value(json_object_get(err, "field"));
        char full[64];
        snprintf(full, sizeof full, "approval%s%s", f ? "." : "", f ? f : "");
        json_object_set_new(err, "field", json_string(full));
        return -1;
    }
    *approval = json_incref(a);
    json_object_del(body, "approval");
    return 0;
}

static int run_op(ent_db *db, ent_journal *j, struct job *job);

static void pay_print(struct job *job, struct reply *rep);

/* The login thread: checks the approval sent with op (user, password, the
 * right to approve); on success leaves the job unanswered, so that it goes
 * on to the writer with op->approver set. Refused: 403 (field "approval"),
 * 429 while the approver's name must wait. Failures count as failed logins
 * in their own transaction. */
static int run_approval(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    struct bop *op = job->arg;
    struct reply *out = &job->reply;
    ent_principal p = {0};
    int rc = ent_user_approve(db, &p, json_str(op->approval, "user"), json_str(op->approval, "password"),
                              ENT_RIGHT_APPROVE);
    wipe_password(op); /* no longer needed: not kept while the write waits */
    if (rc == ENT_OK) {
        snprintf(op->approver, sizeof op->approver, "%s", p.user);
        return 0;
    }
    if (rc == ENT_REFUSED && p.refusal == ENT_REFUSAL_WAIT) {
        reply_error(out, 429, "wait", "approval", "%s", ent_errmsg(db));
        snprintf(out->retry_after, sizeof out->retry_after, "%lld", (long long)p.retry_after);
    } else if (rc == ENT_REFUSED || rc == ENT_NOTFOUND) {
        reply_error(out, 403, "approval_refused", "approval", "%s", ent_errmsg(db));
    } else {
        reply_ent(out, db, rc);
    }
    return 0;
}

/* Queues op for the writer, by way of the login thread when it carries an
 * approval; 0 (the answer comes after the commit). A pay naming a printer
 * prints the receipt once the sale is committed. */
static int queue_op(struct req *r, struct bop *op, struct reply *out)
{
    op->who = r->who;
    int print = op->kind == OP_PAY && json_str(op->body, "printer") != NULL;
    int rc = op->approval ? srv_queue_auth_then(r, run_approval, run_op, op, bop_free)
                          : srv_queue_write_then(r, run_op, op, bop_free, print ? pay_print : NULL);
    if (rc < 0)
        reply_error(out, 500, "error", NULL, "out of memory");
    return 0;
}

/* The supervisor's approval for what (words for the message) into
 * approver: the one checked before the write was queued; 0, or -1 with a
 * 403 (field "approval") when none was sent. */
static int approve(struct bop *op, const char *what, char approver[SRV_USER_MAX], struct reply *out)
{
    if (op->approver[0] == '\0') {
        reply_error(out, 403, "approval_needed", "approval",
                    "%s needs a supervisor's approval: send \"approval\": {\"user\", \"password\"}", what);
        return -1;
    }
    snprintf(approver, SRV_USER_MAX, "%s", op->approver);
    return 0;
}

/* ---- answers ------------------------------------------------------------ */

static json_t *jtext(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

/* The Chinese and English names of an origin country, for a till that
 * shows 意大利 rather than IT (null when the code is not ISO 3166-1). */
static void origin_names(json_t *o, const char *origin)
{
    const ent_country *c = NULL;
    int found = origin && *origin && ent_country_lookup(&c, origin) == ENT_OK;
    json_object_set_new(o, "origin_name", found ? json_string(c->name_zh) : json_null());
    json_object_set_new(o, "origin_name_en", found ? json_string(c->name_en) : json_null());
}

static json_t *basket_json(const struct counter_basket *c)
{
    ent_basket_totals t;
    ent_basket_totals_get(c->b, &t);
    json_t *lines = json_array();
    for (size_t i = 1; i <= ent_basket_count(c->b); i++) {
        const ent_basket_line *l = ent_basket_line_at(c->b, i);
        json_array_append_new(
            lines, json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:I, s:I, s:I, s:I, s:I, s:i, s:I, s:o, s:o, s:o}",
                             "line", (json_int_t)i, "code", l->code, "name", l->name, "origin", l->origin, "lot",
                             jtext(l->lot), "unit", l->unit, "qty", (json_int_t)l->qty, "list_price",
                             (json_int_t)l->list_price, "unit_price", (json_int_t)l->unit_price, "discount",
                             (json_int_t)l->discount, "amount", (json_int_t)l->amount, "tax_rate", (int)l->tax_rate,
                             "tax", (json_int_t)l->tax, "price_reason", jtext(l->price_reason), "discount_reason",
                             jtext(l->discount_reason), "approved_by", jtext(l->approved_by)));
        origin_names(json_array_get(lines, i - 1), l->origin);
        json_object_set_new(json_array_get(lines, i - 1), "sell_unit", jtext(l->sell_unit));
        json_object_set_new(json_array_get(lines, i - 1), "sell_unit_zh", jtext(l->sell_unit_zh));
    }
    json_t *pend = json_array();
    for (int i = 0; i < c->npend; i++)
        json_array_append_new(pend, json_pack("{s:i, s:s, s:I, s:s}", "n", i + 1, "method", c->pend[i].method,
                                              "amount", (json_int_t)c->pend[i].amount, "added_by",
                                              c->pend[i].added_by));
    return json_pack("{s:s, s:s, s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:o}", "counter", c->counter, "cashier", c->owner,
                     "currency", c->currency, "lines", lines, "total", (json_int_t)t.total, "tax", (json_int_t)t.tax,
                     "units", (json_int_t)t.units, "paid", (json_int_t)t.paid, "due", (json_int_t)t.due, "payments",
                     pend);
}

/* A recorded sale or return, with its first receipt as text (columns 0:
 * without it). */
static json_t *sale_json(ent_db *db, const ent_sale *s, int columns)
{
    char *text = NULL;
    json_t *lines = json_array();
    for (size_t i = 0; i < s->nlines; i++) {
        const ent_sale_line *l = &s->lines[i];
        json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:o, s:s, s:s, s:o, s:I, s:I, s:o}", "code", l->code, "qty",
                              (json_int_t)l->qty, "unit_price", (json_int_t)l->unit_price, "amount",
                              (json_int_t)l->amount, "approved_by", jtext(l->approved_by), "name",
                              l->name ? l->name : "", "origin", l->origin, "lot", jtext(l->lot), "discount",
                              (json_int_t)l->discount, "returned", (json_int_t)l->returned, "sell_unit",
                              jtext(l->sell_unit));
        origin_names(o, l->origin);
        json_array_append_new(lines, o);
    }
    json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:o, s:o, s:b}", "uuid", s->uuid, "kind", s->kind,
                          "receipt", (json_int_t)s->receipt, "total", (json_int_t)s->total, "tax", (json_int_t)s->tax,
                          "currency", s->currency, "time", s->time, "counter", s->counter, "lines", lines,
                          "approved_by", jtext(s->approved_by), "void", s->is_void);
    if (columns > 0 && ent_receipt_text(db, &text, s, columns, false) == ENT_OK)
        json_object_set_new(o, "receipt_text", json_string(text));
    free(text);
    return o;
}

/* ---- the basket's operations (writer thread) ---------------------------- */

/* A session's id is the rowid of its row, which a later login may reuse
 * once the session ended: the user's name is checked too, so that the next
 * cashier logging in never silently takes over a customer's basket (and
 * sells it under the name of the one who opened it). */
static int owns(const struct counter_basket *c, const ent_principal *who)
{
    return (who->session_id && who->session_id == c->session_id && strcmp(who->user, c->owner) == 0) ||
           (who->token_id && who->token_id == c->token_id);
}

/* The same user's basket opened by another session of theirs: the cashier
 * logged out (or closed the browser) and logged in again at the same till;
 * the new session takes it over. Before, the counter stayed locked to a
 * session that no longer existed until a supervisor abandoned the customer's
 * basket. A device token's basket stays the token's. */
static int same_user_again(const struct counter_basket *c, const ent_principal *who, const char *user)
{
    return c->token_id == 0 && who->session_id != 0 && strcmp(c->owner, user) == 0;
}

/* An empty basket (no line, no payment) of another user's session, left at
 * this till: after a sale the basket stays open, so at a change of shift the
 * next cashier found the till locked to the last one, and nothing is lost by
 * starting afresh. Left means opened last from this browser (the same
 * station), or its session has ended (logged out, expired). Another browser
 * set to the same counter while its owner is logged in is told who has it:
 * two browsers with empty baskets used to take the counter from each other at
 * every opening, each cashier's next scan then refused as the other's.
 * 1 left, 0 not, -1 with the answer. */
static int empty_left(ent_db *db, const struct counter_basket *c, const ent_principal *who, const char *station,
                      struct reply *out)
{
    bool alive = false;
    if (c->token_id != 0 || who->session_id == 0 || ent_basket_count(c->b) != 0 || c->npend != 0)
        return 0;
    if (station && c->station[0] && strcmp(station, c->station) == 0)
        return 1;
    int rc = ent_session_alive(db, &alive, c->session_id, c->owner);
    if (rc != ENT_OK) {
        reply_ent(out, db, rc);
        return -1;
    }
    return !alive;
}

/* 409: the counter's basket is someone else's; facts {counter, cashier} so
 * that a till can say who has it in its own language. */
static void reply_in_use(struct reply *out, const struct counter_basket *c)
{
    reply_error(out, 409, "refused", NULL, "counter %s has a basket open by %s", c->counter, c->owner);
    json_object_set_new(json_object_get(out->json, "error"), "facts",
                        json_pack("{s:s, s:s, s:I}", "counter", c->counter, "cashier", c->owner, "lines",
                                  (json_int_t)ent_basket_count(c->b)));
}

static void set_station(struct counter_basket *c, const char *station)
{
    if (station)
        snprintf(c->station, sizeof c->station, "%s", station);
}

static int op_open(ent_db *db, struct bop *op, struct job *job)
{
    struct counter_basket *c = basket_find(op->counter);
    const char *station = json_str(op->body, "station");
    int left = 0;
    if (c && owns(c, &op->who)) {
        set_station(c, station);
        reply_json(&job->reply, 200, basket_json(c));
        return 0;
    }
    if (c && same_user_again(c, &op->who, job->user)) {
        int64_t was = c->session_id;
        c->session_id = op->who.session_id;
        if (basket_keep(db, c, &job->reply) == 0) {
            set_station(c, station);
            reply_json(&job->reply, 200, basket_json(c));
        } else
            c->session_id = was;
        return 0;
    }
    if (c && (left = empty_left(db, c, &op->who, station, &job->reply)) < 0)
        return 0;
    if (c && left) {
        int rc = ent_basket_forget(db, c->counter);
        if (rc != ENT_OK) {
            reply_ent(&job->reply, db, rc);
            return 0;
        }
        basket_drop(c);
        c = NULL;
    }
    if (c) {
        reply_in_use(&job->reply, c);
        return 0;
    }
    if (nbaskets >= BASKETS_MAX) {
        reply_error(&job->reply, 409, "refused", NULL, "%d baskets are open, the most the server holds: abandon some",
                    BASKETS_MAX);
        return 0;
    }
    c = calloc(1, sizeof *c);
    if (c == NULL) {
        reply_error(&job->reply, 500, "error", NULL, "out of memory");
        return 0;
    }
    int rc = ent_basket_new(db, &c->b, op->counter, job->user, json_str(op->body, "shelf"));
    if (rc != ENT_OK) {
        reply_ent(&job->reply, db, rc);
        free(c);
        return 0;
    }
    ent_store *store = NULL;
    if ((rc = ent_store_get(db, &store)) != ENT_OK) {
        reply_ent(&job->reply, db, rc);
        ent_basket_free(c->b);
        free(c);
        return 0;
    }
    snprintf(c->currency, sizeof c->currency, "%s", store->currency);
    ent_store_free(store);
    snprintf(c->counter, sizeof c->counter, "%s", op->counter);
    snprintf(c->owner, sizeof c->owner, "%s", job->user);
    c->session_id = op->who.session_id;
    c->token_id = op->who.token_id;
    set_station(c, station);
    c->next = baskets;
    baskets = c;
    nbaskets++;
    if (basket_keep(db, c, &job->reply) != 0) {
        basket_drop(c);
        return 0;
    }
    reply_json(&job->reply, 201, basket_json(c));
    return 0;
}

/* A scan or a larger quantity refused because the stock is only in
 * quarantine or in bond: code "held" (409), so that a till can say so in
 * its own language (the basket's only ENT_REFUSED; see ent_basket_scan). */
static void reply_held(struct reply *out, ent_db *db)
{
    reply_ent(out, db, ENT_REFUSED);
    json_object_set_new(json_object_get(out->json, "error"), "code", json_string("held"));
}

/* A line's change: exactly one of a quantity, a price or a discount. */
static int op_change(ent_db *db, struct counter_basket *c, struct bop *op, struct job *job)
{
    json_t *b = op->body;
    const ent_basket_line *l = ent_basket_line_at(c->b, op->line);
    char approver[SRV_USER_MAX] = "";
    int32_t limit = 0;
    int rc;
    if (l == NULL) {
        reply_error(&job->reply, 404, "not_found", NULL, "the basket has no line %zu", op->line);
        return 0;
    }
    if (json_object_get(b, "qty")) {
        if ((rc = ent_basket_set_qty(c->b, op->line, json_int(b, "qty", 0))) == ENT_REFUSED) {
            reply_held(&job->reply, db);
            return 0;
        }
    } else if (json_object_get(b, "price")) {
        ent_line_change ch = {.kind = ENT_LINE_PRICE, .value = json_int(b, "price", 0)};
        if (ent_basket_change_needs_approval(l, 0, &ch) && approve(op, "a price override", approver, &job->reply) != 0)
            return 0;
        rc = ent_basket_set_price(c->b, op->line, ch.value, json_str(b, "reason"));
    } else {
        if ((rc = ent_sales_discount_limit(db, &limit)) != ENT_OK) {
            reply_ent(&job->reply, db, rc);
            return 0;
        }
        int64_t amount = json_int(b, "discount", -1), bp = json_int(b, "discount_bp", 0);
        /* discount_bp is checked against 0..10000 by ent_basket_discount; clamped here only for the rule. */
        ent_line_change ch = {.kind = ENT_LINE_DISCOUNT, .value = amount,
                              .percent_bp = amount >= 0 ? 0 : bp > 100000 ? 100000 : bp < 0 ? -1 : (int32_t)bp};
        if (ent_basket_change_needs_approval(l, limit, &ch) &&
            approve(op, "a discount above the store's limit", approver, &job->reply) != 0)
            return 0;
        rc = ent_basket_discount(c->b, op->line, amount, (int32_t)(amount >= 0 ? 0 : bp), json_str(b, "reason"));
    }
    if (rc == ENT_OK && approver[0])
        rc = ent_basket_approve(c->b, op->line, approver);
    if (rc != ENT_OK)
        reply_ent(&job->reply, db, rc);
    else if (basket_keep(db, c, &job->reply) == 0)
        reply_json(&job->reply, 200, basket_json(c));
    return 0;
}

/* The basket's pending payments with one more (method, amount), tried on
 * the basket as a pay would (a known method, a card or wallet not above
 * what is due, something due) and taken back: 0, or -1 with a 422 naming
 * the payment. */
static int pending_try(ent_db *db, struct counter_basket *c, const char *method, int64_t amount, struct reply *out)
{
    int rc = ENT_OK;
    ent_basket_unpay(c->b);
    for (int i = 0; rc == ENT_OK && i < c->npend; i++)
        rc = ent_basket_pay(c->b, c->pend[i].method, c->pend[i].amount);
    if (rc == ENT_OK)
        rc = ent_basket_pay(c->b, method, amount);
    ent_basket_unpay(c->b);
    if (rc != ENT_OK) {
        reply_ent(out, db, rc);
        json_object_set_new(json_object_get(out->json, "error"), "field", json_string("method"));
        return -1;
    }
    return 0;
}

/* POST .../basket/payments {"method", "amount"} and DELETE
 * .../basket/payments/N: the payments a pay without "payments" uses. */
static int op_pending(ent_db *db, struct counter_basket *c, struct bop *op, struct job *job)
{
    if (op->kind == OP_PAY_DROP) {
        if (op->line < 1 || (int)op->line > c->npend) {
            reply_error(&job->reply, 404, "not_found", NULL, "the basket has no payment %zu", op->line);
            return 0;
        }
        int rc = ent_basket_payment_drop(db, c->counter, op->line);
        if (rc != ENT_OK) {
            reply_ent(&job->reply, db, rc);
            return 0;
        }
        memmove(&c->pend[op->line - 1], &c->pend[op->line], (size_t)(c->npend - (int)op->line) * sizeof c->pend[0]);
        c->npend--;
        reply_json(&job->reply, 200, basket_json(c));
        return 0;
    }
    const char *method = json_str(op->body, "method");
    int64_t amount = json_int(op->body, "amount", 0);
    if (c->npend == PAYS_MAX) {
        reply_error(&job->reply, 422, "invalid", "payments", "a basket holds at most %d payments", PAYS_MAX);
        return 0;
    }
    if (pending_try(db, c, method, amount, &job->reply) != 0)
        return 0;
    int rc = ent_basket_payment_add(db, c->counter, method, amount);
    if (rc != ENT_OK) {
        reply_ent(&job->reply, db, rc);
        return 0;
    }
    snprintf(c->pend[c->npend].method, sizeof c->pend[0].method, "%s", method);
    snprintf(c->pend[c->npend].added_by, sizeof c->pend[0].added_by, "%s", job->user);
    c->pend[c->npend++].amount = amount;
    reply_json(&job->reply, 201, basket_json(c));
    return 0;
}

/* Pays with the body's payments, or the basket's pending ones when the
 * body names none. */
static int op_pay(ent_db *db, ent_journal *j, struct counter_basket *c, struct bop *op, struct job *job)
{
    json_t *pays = json_object_get(op->body, "payments");
    json_t *held = NULL;
    ent_sale *sale = NULL;
    int32_t limit = 0;
    int rc = ent_sales_discount_limit(db, &limit);
    for (size_t i = 1; rc == ENT_OK && i <= ent_basket_count(c->b); i++)
        if (ent_basket_line_unapproved(ent_basket_line_at(c->b, i), limit)) {
            reply_error(&job->reply, 403, "approval_needed", "approval",
                        "line %zu's price or discount needs a supervisor's approval: change it again with "
                        "\"approval\": {\"user\", \"password\"}",
                        i);
            return 0;
        }
    if (json_array_size(pays) == 0) {
        if (c->npend == 0) {
            reply_error(&job->reply, 422, "invalid", "payments",
                        "nothing to pay with: send 'payments' or add them to the basket first");
            return 0;
        }
        pays = held = json_array();
        for (int i = 0; i < c->npend; i++)
            json_array_append_new(
                held, json_pack("{s:s, s:I}", "method", c->pend[i].method, "amount", (json_int_t)c->pend[i].amount));
    }
    ent_basket_unpay(c->b);
    for (size_t i = 0; rc == ENT_OK && i < json_array_size(pays); i++) {
        json_t *p = json_array_get(pays, i);
        if ((rc = ent_basket_pay(c->b, json_str(p, "method"), json_int(p, "amount", 0))) != ENT_OK) {
            char field[32];
            reply_ent(&job->reply, db, rc);
            snprintf(field, sizeof field, "payments[%zu]", i);
            json_object_set_new(json_object_get(job->reply.json, "error"), "field", json_string(field));
            ent_basket_unpay(c->b);
            json_decref(held);
            return 0;
        }
    }
    json_decref(held);
    if (rc == ENT_OK)
        rc = ent_basket_checkout(c->b, j, &sale);
    if (rc != ENT_OK) {
        ent_basket_unpay(c->b);
        reply_ent(&job->reply, db, rc);
        return 0;
    }
    c->npend = 0;
    op->sold = sale->receipt;
    reply_json(&job->reply, 201, sale_json(db, sale, (int)json_int(op->body, "columns", 48)));
    ent_sale_free(sale);
    return 0;
}

/* After a pay that named a printer, on the request's thread, the sale
 * committed: its first receipt (not marked a copy) on that printer. The
 * sale stands whatever the printer does: the answer says "printed", or
 * "print_error" with the printer's words (print a copy once it is fixed). */
static void pay_print(struct job *job, struct reply *rep)
{
    struct bop *op = job->arg;
    struct reply err = {0};
    ent_sale *sale = NULL;
    size_t bytes = 0;
    char receipt[24];
    if (rep->status != 201 || op->sold == 0 || rep->json == NULL)
        return;
    snprintf(receipt, sizeof receipt, "%lld", (long long)op->sold);
    ent_db *db = srv_reader(&err);
    if (db != NULL && ent_sale_get(db, &sale, receipt) != ENT_OK)
        reply_ent(&err, db, ENT_ERROR);
    if (sale && srv_print_receipt(db, json_str(op->body, "printer"), sale, (int)json_int(op->body, "columns", 48),
                                  false, &bytes, &err) == 0)
        json_object_set_new(rep->json, "printed",
                            json_pack("{s:s, s:I}", "printer", json_str(op->body, "printer"), "bytes", (json_int_t)bytes));
    else
        json_object_set(rep->json, "print_error",
                        json_object_get(json_object_get(err.json, "error"), "message"));
    ent_sale_free(sale);
    reply_free(&err);
}

static int op_basket(ent_db *db, ent_journal *j, struct bop *op, struct job *job)
{
    struct counter_basket *c = basket_find(op->counter);
    int rc = ENT_OK;
    if (c == NULL) {
        reply_error(&job->reply, 404, "not_found", NULL, "counter %s has no basket open", op->counter);
        return 0;
    }
    if (!owns(c, &op->who) && !(op->kind == OP_ABANDON && ent_role_may(op->who.role, ENT_RIGHT_APPROVE))) {
        reply_in_use(&job->reply, c);
        return 0;
    }
    switch (op->kind) {
    case OP_SHOW: break;
    case OP_ABANDON:
        if ((rc = ent_basket_forget(db, c->counter)) != ENT_OK)
            break;
        basket_drop(c);
        reply_json(&job->reply, 200, json_pack("{s:b}", "abandoned", 1));
        return 0;
    case OP_SCAN: rc = ent_basket_scan(c->b, NULL, json_str(op->body, "code"), json_int(op->body, "qty", 1)); break;
    case OP_REMOVE: rc = ent_basket_remove(c->b, op->line); break;
    case OP_CHANGE: return op_change(db, c, op, job);
    case OP_PAY: return op_pay(db, j, c, op, job);
    case OP_PAY_ADD:
    case OP_PAY_DROP: return op_pending(db, c, op, job);
    default: break;
    }
    if (rc == ENT_REFUSED && op->kind == OP_SCAN)
        reply_held(&job->reply, db);
    else if (rc != ENT_OK)
        reply_ent(&job->reply, db, rc);
    else if (op->kind == OP_SHOW || basket_keep(db, c, &job->reply) == 0)
        reply_json(&job->reply, op->kind == OP_SCAN ? 201 : 200, basket_json(c));
    return 0;
}

/* ---- returns and voids (writer thread) ---------------------------------- */

static int op_return(ent_db *db, ent_journal *j, struct bop *op, struct job *job)
{
    json_t *b = op->body, *items = json_object_get(b, "items");
    size_t n = json_array_size(items);
    ent_return_item *it = calloc(n ? n : 1, sizeof *it);
    char approver[SRV_USER_MAX] = "";
    ent_sale *sale = NULL;
    const char *receipt = op->kind == OP_VOID ? op->receipt : json_str(b, "receipt");
    if (it == NULL) {
        reply_error(&job->reply, 500, "error", NULL, "out of memory");
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        it[i].code = json_str(json_array_get(items, i), "code");
        it[i].qty = json_int(json_array_get(items, i), "qty", 0);
    }
    ent_return_req q = {.receipt = receipt,
                        .items = it,
                        .nitems = n,
                        .location = json_str(b, "location"),
                        .counter = json_str(b, "counter"),
                        .cashier = job->user,
                        .reason = json_str(b, "reason"),
                        .void_sale = op->kind == OP_VOID,
                        .approved_by = NULL};
    int rc;
    if (ent_return_needs_approval(&q)) {
        if (approve(op, op->kind == OP_VOID ? "a void" : "a return without a receipt", approver, &job->reply) != 0)
            goto done;
        q.approved_by = approver;
    }
    rc = ent_sale_return(db, &sale, j, &q);
    if (rc != ENT_OK)
        reply_ent(&job->reply, db, rc);
    else
        reply_json(&job->reply, 201, sale_json(db, sale, 48));
done:
    ent_sale_free(sale);
    free(it);
    return 0;
}

static int run_op(ent_db *db, ent_journal *j, struct job *job)
{
    struct bop *op = job->arg;
    int rc = ent_user_act_as(db, job->user);
    if (rc != ENT_OK) {
        reply_ent(&job->reply, db, rc);
        return 0;
    }
    if ((op->kind == OP_PAY || op->kind == OP_RETURN || op->kind == OP_VOID) && j == NULL) {
        reply_error(&job->reply, 409, "refused", NULL, "sales are refused: %s", srv_g->journal_problem);
        return 0;
    }
    if (op->kind == OP_OPEN)
        return op_open(db, op, job);
    if (op->kind == OP_RETURN || op->kind == OP_VOID)
        return op_return(db, j, op, job);
    return op_basket(db, j, op, job);
}

/* ---- the routes (pool threads: the body is checked here) ---------------- */

static const struct field open_fields[] = {{"shelf", F_STRING, 0}, {"station", F_STRING, 0}, {NULL, F_STRING, 0}};
static const struct field scan_fields[] = {{"code", F_STRING, 1}, {"qty", F_INT, 0}, {NULL, F_STRING, 0}};
static const struct field change_fields[] = {{"qty", F_INT, 0},         {"price", F_INT, 0},
                                             {"discount", F_INT, 0},    {"discount_bp", F_INT, 0},
                                             {"reason", F_STRING, 0},   {NULL, F_STRING, 0}};
static const struct field pay_fields[] = {
    {"payments", F_ARRAY, 0}, {"columns", F_INT, 0}, {"printer", F_STRING, 0}, {NULL, F_STRING, 0}};
static const struct field print_fields[] = {{"printer", F_STRING, 1}, {"columns", F_INT, 0}, {NULL, F_STRING, 0}};
static const struct field one_pay_fields[] = {{"method", F_STRING, 1}, {"amount", F_INT, 0}, {NULL, F_STRING, 0}};
static const struct field return_fields[] = {{"receipt", F_STRING, 0}, {"items", F_ARRAY, 0},
                                             {"counter", F_STRING, 1}, {"location", F_STRING, 0},
                                             {"reason", F_STRING, 0},  {NULL, F_STRING, 0}};
static const struct field item_fields[] = {{"code", F_STRING, 1}, {"qty", F_INT, 0}, {NULL, F_STRING, 0}};
static const struct field void_fields[] = {{"counter", F_STRING, 1}, {"reason", F_STRING, 0}, {NULL, F_STRING, 0}};

/* Each element of body[name] (0 to max of them) checked against fields. */
static int check_items(struct reply *out, json_t *body, const char *name, const struct field *fields, size_t max)
{
    json_t *arr = json_object_get(body, name);
    if (json_array_size(arr) > max) {
        reply_error(out, 422, "invalid", name, "'%s' may hold at most %zu items", name, max);
        return -1;
    }
    for (size_t i = 0; i < json_array_size(arr); i++) {
        char where[64];
        snprintf(where, sizeof where, "%s[%zu]", name, i);
        if (!json_is_object(json_array_get(arr, i))) {
            reply_error(out, 422, "invalid", where, "'%s' must be an object", where);
            return -1;
        }
        if (json_check(out, json_array_get(arr, i), fields, where) != 0)
            return -1;
    }
    return 0;
}

/* Splits "C1/basket[/lines[/N]|/pay]" into op; -1 with a 404 otherwise. */
static int parse_basket_path(struct bop *op, const char *tail, const char **rest, struct reply *out)
{
    const char *slash = strchr(tail, '/');
    size_t n = slash ? (size_t)(slash - tail) : strlen(tail);
    if (n == 0 || n >= sizeof op->counter || !slash || strncmp(slash, "/basket", 7) != 0 ||
        (slash[7] != '\0' && slash[7] != '/')) {
        reply_error(out, 404, "not_found", NULL, "no such resource: a basket is /api/v1/counters/COUNTER/basket");
        return -1;
    }
    memcpy(op->counter, tail, n);
    op->counter[n] = '\0';
    *rest = slash + 7;
    return 0;
}

/* "/lines/N" into op->line (1 and up); -1 with a 404. */
static int parse_line(struct bop *op, const char *rest, struct reply *out)
{
    char *end = NULL;
    if (strncmp(rest, "/lines/", 7) == 0 && rest[7] >= '1' && rest[7] <= '9') {
        unsigned long long v = strtoull(rest + 7, &end, 10);
        if (*end == '\0' && v <= BASKET_LINES_MAX) {
            op->line = (size_t)v;
            return 0;
        }
    }
    reply_error(out, 404, "not_found", NULL, "no such basket line: /lines/N, N from 1");
    return -1;
}

/* "N" of "/payments/N" into op->line (1 to PAYS_MAX); -1 with a 404. */
static int parse_pay_n(struct bop *op, const char *n, struct reply *out)
{
    if (n[0] >= '1' && n[0] <= '9' && (n[1] == '\0' || (n[1] >= '0' && n[1] <= '9' && n[2] == '\0'))) {
        op->line = (size_t)strtoul(n, NULL, 10);
        if (op->line <= PAYS_MAX)
            return 0;
    }
    reply_error(out, 404, "not_found", NULL, "no such basket payment: /payments/N, N from 1 to %d", PAYS_MAX);
    return -1;
}

static struct bop *bop_new(json_t *body, struct reply *out)
{
    struct bop *op = calloc(1, sizeof *op);
    if (op == NULL) {
        reply_error(out, 500, "error", NULL, "out of memory");
        return NULL;
    }
    op->body = body ? json_incref(body) : json_object();
    return op;
}

/* Checks the body for kind; 0 or -1 with the answer. */
static int check_basket_body(struct bop *op, struct reply *out)
{
    json_t *b = op->body;
    switch (op->kind) {
    case OP_OPEN: {
        if (json_check(out, b, open_fields, "a basket") != 0)
            return -1;
        const char *station = json_str(b, "station");
        size_t n = station ? strlen(station) : 0;
        if (station && (n == 0 || n > STATION_MAX || strspn(station, STATION_CHARS) != n)) {
            reply_error(out, 422, "invalid", "station",
                        "'station' must be 1 to %d letters, digits, '-' or '_' (the browser's id for its till)",
                        STATION_MAX);
            return -1;
        }
        return 0;
    }
    case OP_SCAN: return json_check(out, b, scan_fields, "a scan");
    case OP_PAY_ADD: return json_check(out, b, one_pay_fields, "a payment");
    case OP_PAY:
        if (json_check(out, b, pay_fields, "a payment") != 0 ||
            check_items(out, b, "payments", one_pay_fields, PAYS_MAX) != 0)
            return -1;
        if (json_object_get(b, "payments") && json_array_size(json_object_get(b, "payments")) == 0) {
            reply_error(out, 422, "invalid", "payments",
                        "'payments' must hold at least one payment (or leave it out to pay with the basket's)");
            return -1;
        }
        int64_t cols = json_int(b, "columns", 48);
        if (cols != 32 && cols != 48) {
            reply_error(out, 422, "invalid", "columns", "'columns' must be 32 (58 mm) or 48 (80 mm)");
            return -1;
        }
        if (json_str(b, "printer") && !srv_printer_known(json_str(b, "printer"))) {
            reply_error(out, 422, "invalid", "printer", "no receipt printer is called '%s'",
                        ENT_CLIP(json_str(b, "printer"), 40));
            return -1;
        }
        return 0;
    case OP_CHANGE: {
        if (json_check(out, b, change_fields, "a line's change") != 0)
            return -1;
        int kinds = !!json_object_get(b, "qty") + !!json_object_get(b, "price") +
                    (json_object_get(b, "discount") || json_object_get(b, "discount_bp"));
        if (kinds != 1 || (json_object_get(b, "discount") && json_object_get(b, "discount_bp"))) {
            reply_error(out, 422, "invalid", NULL,
                        "a line's change is one of 'qty', 'price' or a discount ('discount' or 'discount_bp')");
            return -1;
        }
        return 0;
    }
    default: return 0;
    }
}

static int basket_route(struct req *r, json_t *body, const char *tail, struct reply *out, const char *method)
{
    struct bop *op = bop_new(body, out);
    const char *rest = NULL;
    if (op == NULL)
        return 0;
    if (parse_basket_path(op, tail, &rest, out) != 0 || take_approval(out, op->body, &op->approval) != 0)
        goto refused;
    if (*rest == '\0') {
        op->kind = method[0] == 'G' ? OP_SHOW : method[0] == 'D' ? OP_ABANDON : OP_OPEN;
        if (method[0] == 'P' && method[1] == 'A')
            goto nowhere;
    } else if (strcmp(rest, "/lines") == 0 && strcmp(method, "POST") == 0) {
        op->kind = OP_SCAN;
    } else if (strcmp(rest, "/pay") == 0 && strcmp(method, "POST") == 0) {
        op->kind = OP_PAY;
    } else if (strcmp(rest, "/payments") == 0 && strcmp(method, "POST") == 0) {
        op->kind = OP_PAY_ADD;
    } else if (strncmp(rest, "/payments/", 10) == 0 && strcmp(method, "DELETE") == 0) {
        if (parse_pay_n(op, rest + 10, out) != 0)
            goto refused;
        op->kind = OP_PAY_DROP;
    } else if (strncmp(rest, "/lines/", 7) == 0 && (strcmp(method, "PATCH") == 0 || strcmp(method, "DELETE") == 0)) {
        if (parse_line(op, rest, out) != 0)
            goto refused;
        op->kind = method[0] == 'P' ? OP_CHANGE : OP_REMOVE;
    } else {
        goto nowhere;
    }
    if (check_basket_body(op, out) != 0)
        goto refused;
    return queue_op(r, op, out);
nowhere:
    reply_error(out, 404, "not_found", NULL, "no such basket resource for %s", method);
refused:
    bop_free(op);
    return 0;
}

int route_basket_get(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    return basket_route(r, body, tail, out, "GET");
}
int route_basket_post(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    return basket_route(r, body, tail, out, "POST");
}
int route_basket_patch(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    return basket_route(r, body, tail, out, "PATCH");
}
int route_basket_delete(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    return basket_route(r, body, tail, out, "DELETE");
}

/* POST /sales/RECEIPT/print {"printer", "columns"}: a copy (marked
 * REPRINT) on a receipt printer of the server. Reads only: no writer. */
static int sale_print(const char *tail, const char *slash, json_t *body, struct reply *out)
{
    char receipt[64];
    ent_sale *sale = NULL;
    size_t bytes = 0;
    if (slash == tail || (size_t)(slash - tail) >= sizeof receipt) {
        reply_error(out, 404, "not_found", NULL, "no such sales resource: /sales/RECEIPT/print");
        return 0;
    }
    memcpy(receipt, tail, (size_t)(slash - tail));
    receipt[slash - tail] = '\0';
    if (body == NULL) {
        reply_error(out, 422, "invalid", "printer", "'printer' is missing: name one of GET /api/v1/receipt-printers");
        return 0;
    }
    if (json_check(out, body, print_fields, "a print") != 0)
        return 0;
    int64_t cols = json_int(body, "columns", 48);
    if (cols != 32 && cols != 48) {
        reply_error(out, 422, "invalid", "columns", "'columns' must be 32 (58 mm) or 48 (80 mm)");
        return 0;
    }
    ent_db *db = srv_reader(out);
    if (db == NULL)
        return 0;
    int rc = ent_sale_get(db, &sale, receipt);
    if (rc != ENT_OK) {
        reply_ent(out, db, rc);
        return 0;
    }
    if (srv_print_receipt(db, json_str(body, "printer"), sale, (int)cols, true, &bytes, out) == 0)
        reply_json(out, 200, json_pack("{s:I, s:s, s:I, s:b}", "receipt", (json_int_t)sale->receipt, "printer",
                                       json_str(body, "printer"), "bytes", (json_int_t)bytes, "reprint", 1));
    ent_sale_free(sale);
    return 0;
}

/* POST /sales/returns, POST /sales/RECEIPT/void and POST /sales/RECEIPT/print. */
int route_sale_post(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    const char *pslash = strchr(tail, '/');
    if (pslash && strcmp(pslash, "/print") == 0)
        return sale_print(tail, pslash, body, out);
    struct bop *op = bop_new(body, out);
    if (op == NULL)
        return 0;
    if (take_approval(out, op->body, &op->approval) != 0)
        goto refused;
    const char *slash = strchr(tail, '/');
    if (strcmp(tail, "returns") == 0) {
        op->kind = OP_RETURN;
        if (json_check(out, op->body, return_fields, "a return") != 0 ||
            check_items(out, op->body, "items", item_fields, RETURN_ITEMS_MAX) != 0)
            goto refused;
    } else if (slash && strcmp(slash, "/void") == 0 && slash > tail && (size_t)(slash - tail) < sizeof op->receipt) {
        op->kind = OP_VOID;
        memcpy(op->receipt, tail, (size_t)(slash - tail));
        if (json_check(out, op->body, void_fields, "a void") != 0)
            goto refused;
    } else {
        reply_error(out, 404, "not_found", NULL, "no such sales resource: /sales/returns or /sales/RECEIPT/void");
        goto refused;
    }
    return queue_op(r, op, out);
refused:
    bop_free(op);
    return 0;
}

/* GET /sales/RECEIPT: a sale or return as recorded (no receipt text), its
 * lines with what later returns took back: what a till shows to pick the
 * lines of a return. */
static int sale_show(const char *receipt, struct reply *out)
{
    ent_sale *sale = NULL;
    ent_db *db = srv_reader(out);
    if (db == NULL)
        return 0;
    if (*receipt == '\0' || strlen(receipt) >= 64) {
        reply_error(out, 404, "not_found", NULL, "no such sale: /sales/RECEIPT, a receipt number or a sale's UUID");
        return 0;
    }
    int rc = ent_sale_get(db, &sale, receipt);
    if (rc != ENT_OK) {
        reply_ent(out, db, rc);
        return 0;
    }
    json_t *o = sale_json(db, sale, 0);
    json_object_set_new(o, "ref_receipt", sale->ref_receipt ? json_integer(sale->ref_receipt) : json_null());
    json_object_set_new(o, "cashier", json_string(sale->cashier));
    reply_json(out, 200, o);
    ent_sale_free(sale);
    return 0;
}

/* GET /sales/RECEIPT/receipt?format=text|escpos|pdf&columns=32|48: a copy
 * (the first print came with the sale), marked as a reprint. */
int route_sale_receipt(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body;
    char receipt[64];
    const char *slash = strchr(tail, '/'), *format = req_arg(r, "format"), *cols_s = req_arg(r, "columns");
    ent_sale *sale = NULL;
    int columns = 48, rc;
    if (slash == NULL)
        return sale_show(tail, out);
    if (strcmp(slash, "/receipt") != 0 || slash == tail || (size_t)(slash - tail) >= sizeof receipt) {
        reply_error(out, 404, "not_found", NULL, "no such sales resource: /sales/RECEIPT/receipt");
        return 0;
    }
    memcpy(receipt, tail, (size_t)(slash - tail));
    receipt[slash - tail] = '\0';
    if (cols_s && strcmp(cols_s, "32") != 0 && strcmp(cols_s, "48") != 0) {
        reply_error(out, 422, "invalid", "columns", "'columns' must be 32 (58 mm) or 48 (80 mm)");
        return 0;
    }
    if (cols_s)
        columns = atoi(cols_s);
    if (format == NULL)
        format = "text";
    if (strcmp(format, "text") != 0 && strcmp(format, "escpos") != 0 && strcmp(format, "pdf") != 0) {
        reply_error(out, 422, "invalid", "format", "'format' must be text, escpos or pdf, not '%s'", ENT_CLIP(format, 40));
        return 0;
    }
    ent_db *db = srv_reader(out);
    if (db == NULL)
        return 0;
    if ((rc = ent_sale_get(db, &sale, receipt)) != ENT_OK) {
        reply_ent(out, db, rc);
        return 0;
    }
    if (strcmp(format, "pdf") == 0) {
        /* The sale exists (404 above otherwise): the label program draws
         * it, given the number as read back, never the client's text. */
        snprintf(receipt, sizeof receipt, "%lld", (long long)sale->receipt);
        ent_sale_free(sale);
        return srv_receipt_pdf(out, receipt, columns);
    }
    if (strcmp(format, "text") == 0) {
        rc = ent_receipt_text(db, &out->text, sale, columns, true);
        out->text_len = out->text ? strlen(out->text) : 0;
        out->ctype = "text/plain; charset=utf-8";
    } else {
        unsigned char *bytes = NULL;
        rc = ent_receipt_escpos(db, &bytes, &out->text_len, sale, columns, true);
        out->text = (char *)bytes;
        out->ctype = "application/octet-stream";
    }
    if (rc != ENT_OK) {
        free(out->text);
        out->text = NULL;
        reply_ent(out, db, rc);
    } else {
        out->status = 200;
    }
    ent_sale_free(sale);
    return 0;
}
