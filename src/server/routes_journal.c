/*
 * entrepot serve — the sales journal (closings, verify, export, public keys:
 * right "read"; closing a day, month or year: right "approve", a supervisor's
 * or a manager's, as the Z report at a register is) and the store's details
 * (any user reads them; right "settings" changes them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "routes_ext.h"

static json_t *taxes_json(const ent_journal_tax *t, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:i, s:I, s:I}", "rate", (int)t[i].rate, "gross", (json_int_t)t[i].gross,
                                           "tax", (json_int_t)t[i].tax));
    return a;
}

static json_t *pays_json(const ent_journal_pay *p, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:I}", "method", p[i].method, "amount", (json_int_t)p[i].amount));
    return a;
}

/* ---- closings ------------------------------------------------------------ */

static int add_closing(const ent_journal_entry *e, void *ud)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "seq", (json_int_t)e->seq, "period", e->period ? e->period : "",
                          "period_end", e->period_end ? e->period_end : "", "time", e->time);
    json_object_set_new(o, "first_seq", json_integer(e->first_seq));
    json_object_set_new(o, "last_seq", json_integer(e->last_seq));
    json_object_set_new(o, "total", json_integer(e->total));
    json_object_set_new(o, "grand_total", json_integer(e->grand_total));
    json_object_set_new(o, "currency", xjstr(e->currency));
    json_object_set_new(o, "taxes", taxes_json(e->taxes, e->ntaxes));
    json_object_set_new(o, "payments", pays_json(e->pays, e->npays));
    json_object_set_new(o, "head_hash", xjstr(e->hash));
    json_array_append_new(ud, o);
    return 0;
}

int route_closings(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    int64_t limit;
    ent_db *db = srv_reader(out);
    if (db == NULL || xarg_whole(r, "limit", 1, 100000, 100, &limit, out))
        return 0;
    json_t *rows = json_array();
    int rc = ent_journal_closings(db, limit, add_closing, rows);
    xanswer(out, db, rc, 200, json_pack("{s:o}", "closings", rows));
    return 0;
}

static const struct field close_fields[] = {{"period", F_STRING, 1}, {"date", F_STRING, 0}, {NULL, F_STRING, 0}};

static json_t *z_json(const ent_journal_closing *z)
{
    static const char *const kinds[] = {"", "START", "SALE", "RETURN", "VOID", "TRAINING", "CLOSE", "KEY", "EVENT"};
    json_t *o = json_pack("{s:s, s:I, s:s, s:s}", "period", z->period, "seq", (json_int_t)z->seq, "time", z->time,
                          "period_end", z->period_end);
    json_t *counts = json_object();
    for (int k = 1; k <= 8; k++)
        if (z->counts[k])
            json_object_set_new(counts, kinds[k], json_integer(z->counts[k]));
    json_object_set_new(o, "first_seq", json_integer(z->first_seq));
    json_object_set_new(o, "last_seq", json_integer(z->last_seq));
    json_object_set_new(o, "counts", counts);
    json_object_set_new(o, "taxes", taxes_json(z->taxes, z->ntaxes));
    json_object_set_new(o, "payments", pays_json(z->pays, z->npays));
    json_object_set_new(o, "currency", json_string(z->currency));
    json_object_set_new(o, "total", json_integer(z->total));
    json_object_set_new(o, "training", json_integer(z->training));
    json_object_set_new(o, "grand_total", json_integer(z->grand_total));
    json_object_set_new(o, "head_hash", json_string(z->hash));
    return o;
}

static int run_close(ent_db *db, ent_journal *j, struct job *job)
{
    json_t *b = xbody(job);
    const char *period = json_str(b, "period");
    ent_journal_closing *z = NULL;
    if (xact_as(db, job) != 0)
        return 0;
    int p = strcmp(period, "day") == 0     ? ENT_PERIOD_DAY
            : strcmp(period, "month") == 0 ? ENT_PERIOD_MONTH
                                           : ENT_PERIOD_YEAR;
    int rc = ent_journal_close_period(j, &z, p, json_str(b, "date"));
    xanswer(&job->reply, db, rc, 201, rc == ENT_OK ? z_json(z) : NULL);
    ent_journal_closing_free(z);
    return 0;
}

int route_close(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    if (json_check(out, body, close_fields, "a closing") != 0)
        return 0;
    const char *period = json_str(body, "period");
    if (strcmp(period, "day") != 0 && strcmp(period, "month") != 0 && strcmp(period, "year") != 0) {
        reply_error(out, 422, "invalid", "period", "'period' is day, month or year, not '%s'", ENT_CLIP(period, 40));
        return 0;
    }
    if (srv_g->journal == NULL) {
        reply_error(out, 409, "refused", NULL, "the journal is not open: %s", srv_g->journal_problem);
        return 0;
    }
    return xqueue(r, body, NULL, run_close, out);
}

/* ---- verify, export, public keys ---------------------------------------- */

#define VERIFY_ISSUES_MAX 100

static void add_issue(int64_t seq, const char *reason, void *ud)
{
    if (json_array_size(ud) < VERIFY_ISSUES_MAX)
        json_array_append_new(ud, json_pack("{s:I, s:s}", "seq", (json_int_t)seq, "reason", reason));
}

int route_journal_verify(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    const char *head;
    ent_db *db = srv_reader(out);
    if (db == NULL || xarg_text(r, "head", &head, out))
        return 0;
    ent_journal_summary sum = {0};
    /* One signature thread: the pool's other requests keep their cores. */
    ent_journal_verify_opts o = {.head = head, .threads = 1};
    json_t *issues = json_array();
    int rc = ent_journal_verify(db, &sum, &o, add_issue, issues);
    if (rc != ENT_OK && rc != ENT_TAMPERED) {
        json_decref(issues);
        reply_ent(out, db, rc);
        return 0;
    }
    json_t *res =
        json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:s, s:o}", "ok", rc == ENT_OK, "records",
                  (json_int_t)sum.records, "last_seq", (json_int_t)sum.last_seq, "grand_total",
                  (json_int_t)sum.grand_total, "closings", (json_int_t)sum.closings, "bad", (json_int_t)sum.bad, "keys",
                  (json_int_t)sum.keys, "anchored", sum.anchored, "head", sum.head, "issues", issues);
    reply_json(out, 200, res);
    return 0;
}

int route_journal_export(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    int64_t from, to;
    ent_db *db = srv_reader(out);
    if (db == NULL || xarg_whole(r, "from", 1, INT64_MAX, 0, &from, out) ||
        xarg_whole(r, "to", 1, INT64_MAX, 0, &to, out))
        return 0;
    if (from && to && from > to) {
        reply_error(out, 422, "invalid", "from", "'from' %lld is after 'to' %lld", (long long)from, (long long)to);
        return 0;
    }
    /* The library writes the document the CLI writes; the answer is its text. */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f == NULL) {
        reply_error(out, 503, "busy", NULL, "out of memory for the export");
        return 0;
    }
    int rc = ent_journal_export_json(db, f, from, to, NULL);
    fclose(f);
    if (rc != ENT_OK) {
        free(text);
        reply_ent(out, db, rc);
        return 0;
    }
    out->status = 200;
    out->text = text;
    out->text_len = len;
    out->ctype = "application/json";
    return 0;
}

int route_journal_pubkey(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)r, (void)body, (void)tail;
    char *pem = NULL;
    ent_db *db = srv_reader(out);
    if (db == NULL)
        return 0;
    int rc = ent_journal_pubkeys(db, &pem);
    if (rc != ENT_OK) {
        reply_ent(out, db, rc);
        return 0;
    }
    out->status = 200;
    out->text = pem;
    out->text_len = strlen(pem);
    out->ctype = "application/x-pem-file";
    return 0;
}

/* ---- the store ----------------------------------------------------------- */

int route_store(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)r, (void)body, (void)tail;
    ent_store *s = NULL;
    ent_db *db = srv_reader(out);
    if (db == NULL)
        return 0;
    int rc = ent_store_get(db, &s);
    if (rc != ENT_OK) {
        reply_ent(out, db, rc);
        return 0;
    }
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", s->code, "name", s->name, "currency", s->currency,
                          "time_zone", s->tz, "created_at", s->created_at);
    json_object_set_new(o, "address", xjstr(s->address));
    json_object_set_new(o, "phone", xjstr(s->phone));
    json_object_set_new(o, "changed_at", xjstr(s->changed_at));
    json_object_set_new(o, "changed_by", xjstr(s->changed_by));
    ent_store_free(s);
    reply_json(out, 200, o);
    return 0;
}

static const struct field store_fields[] = {
    {"name", F_STRING, 0}, {"address", F_STRING, 0}, {"phone", F_STRING, 0}, {NULL, F_STRING, 0}};

/* null clears a detail, as "" does. */
static const char *detail(json_t *b, const char *name)
{
    json_t *v = json_object_get(b, name);
    return v == NULL ? NULL : json_is_null(v) ? "" : json_string_value(v);
}

static int run_store_edit(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    json_t *b = xbody(job);
    if (xact_as(db, job) != 0)
        return 0;
    ent_store_changes c = {.name = detail(b, "name"), .address = detail(b, "address"), .phone = detail(b, "phone")};
    int rc = ent_store_edit(db, &c, job->user);
    xanswer(&job->reply, db, rc, 200, json_pack("{s:b}", "changed", 1));
    return 0;
}

int route_store_edit(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    if (json_check(out, body, store_fields, "a change of the store") != 0)
        return 0;
    return xqueue(r, body, NULL, run_store_edit, out);
}
