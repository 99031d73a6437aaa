/*
 * entrepot serve — the link to head office (issue 13, right "read"):
 * GET /api/v1/sync/status says how far behind each side is: this store's
 * events made, acknowledged and waiting (from the database), and what the
 * background sync (serve --hq, src/hq/hq_serve.c) last heard from head
 * office.
 */
#include <stdio.h>
#include <string.h>

#include "hq_serve.h"
#include "routes_ext.h"

int route_sync_status(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)r, (void)body, (void)tail;
    ent_outbox_status s;
    ent_db *db = srv_reader(out);
    if (db == NULL)
        return 0;
    int rc = ent_outbox_status_get(db, &s);
    if (rc != ENT_OK) {
        reply_ent(out, db, rc);
        return 0;
    }
    json_t *o = hq_bg_status();
    json_t *local = json_pack("{s:I, s:I, s:I, s:o, s:o, s:I}", "events", (json_int_t)s.last_seq, "acked_seq",
                              (json_int_t)s.acked_seq, "waiting", (json_int_t)s.pending, "oldest_waiting",
                              s.oldest_pending[0] ? json_string(s.oldest_pending) : json_null(), "acked_at",
                              s.acked_at[0] ? json_string(s.acked_at) : json_null(), "pulled_id",
                              (json_int_t)s.pulled_id);
    if (o == NULL || local == NULL) {
        json_decref(o);
        json_decref(local);
        reply_error(out, 500, "internal", NULL, "out of memory");
        return 0;
    }
    /* The database's own store code when the thread has not yet asked head office. */
    if (json_is_null(json_object_get(o, "store")) && s.store[0])
        json_object_set_new(o, "store", json_string(s.store));
    json_object_update_new(o, local);
    reply_json(out, 200, o);
    return 0;
}

/*
 * GET /api/v1/hq/{stock,sales,flow,expiring,holders} (right "read"): head
 * office's views of the whole chain, read as the reader role given to serve
 * --hq-read (src/hq/hq_read.c), through the same query as `entrepot hq
 * report` (src/hq/hq_report.c). The parameters are checked here, in the
 * API's words; head office is asked only once they are right.
 */
static bool hq_args_ok(struct req *r, const char *what, struct hq_query *q, int64_t *days, struct reply *out)
{
    static const char *const dates[] = {"from", "to", "on"};
    const char *vals[3];
    bool sales = strcmp(what, "sales") == 0, flow = strcmp(what, "flow") == 0;
    bool expiring = strcmp(what, "expiring") == 0, holders = strcmp(what, "holders") == 0;
    if (xarg_text(r, "store", &q->store, out) || xarg_text(r, "from", &vals[0], out) ||
        xarg_text(r, "to", &vals[1], out) || xarg_text(r, "on", &vals[2], out) || xarg_text(r, "by", &q->by, out) ||
        xarg_text(r, "code", &q->code, out) || xarg_whole(r, "days", 0, 3650, 30, days, out))
        return false;
    if (q->store && !ent_outbox_store_valid(q->store)) {
        reply_error(out, 422, "invalid", "store", "'%s' is not a store code: 2 to 16 capital letters and digits",
                    ENT_CLIP(q->store, 40));
        return false;
    }
    for (int i = 0; i < 3; i++) {
        bool takes = i < 2 ? sales || flow : expiring;
        if (vals[i] && !takes) {
            reply_error(out, 422, "invalid", dates[i], "the %s view takes no '%s'", what, dates[i]);
            return false;
        }
        if (vals[i] && ent_date_check(NULL, vals[i]) != ENT_OK) {
            reply_error(out, 422, "invalid", dates[i], "'%s': %s", dates[i], ent_error_last()->message);
            return false;
        }
    }
    q->from = vals[0];
    q->to = vals[1];
    q->on = vals[2];
    if (req_arg(r, "days") && !expiring) {
        reply_error(out, 422, "invalid", "days", "the %s view takes no 'days'", what);
        return false;
    }
    if (q->by && (!sales || !hq_sales_by_valid(q->by))) {
        reply_error(out, 422, "invalid", "by", sales ? "'by' is country, day or store, not '%s'"
                                                     : "only the sales view takes 'by' (not '%s')",
                    ENT_CLIP(q->by, 40));
        return false;
    }
    if (holders && q->code == NULL) {
        reply_error(out, 422, "invalid", "code", "the holders view needs the commodity's GTIN or SKU in 'code'");
        return false;
    }
    if (q->code && (!holders || !hq_code_valid(q->code))) {
        reply_error(out, 422, "invalid", "code", holders ? "'%s' is not a GTIN or SKU"
                                                         : "only the holders view takes 'code' (not '%s')",
                    ENT_CLIP(q->code, 40));
        return false;
    }
    return true;
}

static int hq_view(struct req *r, const char *what, struct reply *out)
{
    char on[ENT_DATE_SIZE] = "", until[ENT_DATE_SIZE] = "";
    struct hq_query q = {.what = what};
    int64_t days = 30;
    if (!hq_read_enabled()) {
        reply_error(out, 503, "no_head_office", NULL,
                    "this store server does not read head office (it was started without --hq-read)");
        return 0;
    }
    if (!hq_args_ok(r, what, &q, &days, out))
        return 0;
    if (strcmp(what, "expiring") == 0) {
        if (hq_expiring_until(until, on, q.on, days) != ENT_OK) {
            reply_error(out, 422, "invalid", "days", "'on' plus 'days': %s", ent_error_last()->message);
            return 0;
        }
        q.on = on;
        q.until = until;
    }
    json_t *rows = NULL;
    int status = hq_read_view(&rows, &q);
    if (status == 200) {
        json_t *o = json_pack("{s:s, s:O}", "view", what, "rows", rows);
        if (o && q.by)
            json_object_set_new(o, "by", json_string(q.by));
        if (o && q.on)
            json_object_update_new(o, json_pack("{s:s, s:s}", "on", q.on, "until", q.until));
        if (o == NULL)
            reply_error(out, 500, "internal", NULL, "out of memory");
        else
            reply_json(out, 200, o);
    } else if (status == 502) {
        reply_error(out, 502, "head_office", NULL, "head office refused the view: %s", json_string_value(rows));
    } else if (status == 503) {
        reply_error(out, 503, "head_office", NULL, "head office cannot be reached; the store keeps selling");
    } else {
        reply_error(out, 500, "internal", NULL, "out of memory");
    }
    json_decref(rows);
    return 0;
}

#define HQ_ROUTE(name, what)                                                                                           \
    int name(struct req *r, json_t *body, const char *tail, struct reply *out)                                         \
    {                                                                                                                  \
        (void)body, (void)tail;                                                                                        \
        return hq_view(r, what, out);                                                                                  \
    }
HQ_ROUTE(route_hq_stock, "stock")
HQ_ROUTE(route_hq_sales, "sales")
HQ_ROUTE(route_hq_flow, "flow")
HQ_ROUTE(route_hq_expiring, "expiring")
HQ_ROUTE(route_hq_holders, "holders")
