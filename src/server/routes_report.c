/*
 * entrepot serve — reports (right "read"): sales by day, hour, counter,
 * cashier, commodity or country of origin; customer flow per hour or day
 * with the peak hours; and the door counters' CSV import (right
 * "settings": the store's own data feeds, a manager's).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "routes_ext.h"

static int sales_row(const ent_sales_row *s, void *ud)
{
    json_t *o = json_pack("{s:s}", "key", s->key ? s->key : "");
    json_object_set_new(o, "name", xjstr(s->name));
    json_object_set_new(o, "value", json_integer(s->value));
    json_object_set_new(o, "units", json_integer(s->units));
    json_object_set_new(o, "transactions", json_integer(s->transactions));
    json_object_set_new(o, "share_bp", json_integer(s->share_bp));
    json_object_set_new(o, "gross", json_integer(s->gross));
    json_object_set_new(o, "returns", json_integer(s->returns));
    json_object_set_new(o, "units_sold", json_integer(s->units_sold));
    json_object_set_new(o, "units_returned", json_integer(s->units_returned));
    json_object_set_new(o, "return_count", json_integer(s->return_count));
    json_array_append_new(ud, o);
    return 0;
}

int route_report_sales(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    static const char *const names[] = {"day", "hour", "counter", "cashier", "product", "origin"};
    ent_sales_query q = {.by = ENT_SALES_BY_DAY};
    const char *by;
    ent_db *db = srv_reader(out);
    if (db == NULL || xarg_text(r, "by", &by, out) || xarg_text(r, "from", &q.from, out) ||
        xarg_text(r, "to", &q.to, out) || xarg_text(r, "counter", &q.counter, out))
        return 0;
    if (by) {
        size_t i = 0;
        while (i < 6 && strcmp(by, names[i]) != 0)
            i++;
        if (i == 6) {
            reply_error(out, 422, "invalid", "by", "'by' is day, hour, counter, cashier, product or origin, not '%s'",
                        ENT_CLIP(by, 40));
            return 0;
        }
        q.by = (enum ent_sales_by)i;
    }
    int64_t total = 0;
    json_t *rows = json_array();
    int rc = ent_sales_report(db, &total, &q, sales_row, rows);
    xanswer(out, db, rc, 200,
            json_pack("{s:s, s:I, s:o}", "by", names[q.by], "total", (json_int_t)total, "rows", rows));
    return 0;
}

static int flow_row(const ent_flow_row *f, void *ud)
{
    json_t *o = json_pack("{s:s}", "period", f->period);
    json_object_set_new(o, "visitors", json_integer(f->visitors));
    json_object_set_new(o, "transactions", json_integer(f->transactions));
    json_object_set_new(o, "conversion_bp", f->conversion_bp >= 0 ? json_integer(f->conversion_bp) : json_null());
    json_object_set_new(o, "value", json_integer(f->value));
    json_object_set_new(o, "units", json_integer(f->units));
    json_object_set_new(o, "avg_value", json_integer(f->avg_value));
    json_object_set_new(o, "avg_units_x100", json_integer(f->avg_units_x100));
    json_object_set_new(o, "peak", json_boolean(f->peak));
    json_array_append_new(ud, o);
    return 0;
}

#define PEAKS 3

int route_report_flow(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    ent_flow_query q = {0};
    const char *by;
    ent_db *db = srv_reader(out);
    if (db == NULL || xarg_text(r, "by", &by, out) || xarg_text(r, "from", &q.from, out) ||
        xarg_text(r, "to", &q.to, out))
        return 0;
    if (by && strcmp(by, "hour") != 0 && strcmp(by, "day") != 0) {
        reply_error(out, 422, "invalid", "by", "'by' is hour or day, not '%s'", ENT_CLIP(by, 40));
        return 0;
    }
    q.by_day = by && strcmp(by, "day") == 0;
    json_t *rows = json_array(), *peaks = json_array();
    int hours[PEAKS];
    int64_t visitors[PEAKS];
    size_t found = 0;
    int rc = ent_flow_report(db, &q, flow_row, rows);
    if (rc == ENT_OK)
        rc = ent_flow_peak_hours(db, hours, visitors, &found, PEAKS, &q);
    for (size_t i = 0; rc == ENT_OK && i < found; i++)
        json_array_append_new(peaks, json_pack("{s:i, s:I}", "hour", hours[i], "visitors", (json_int_t)visitors[i]));
    if (rc != ENT_OK)
        json_decref(peaks);
    xanswer(out, db, rc, 200,
            rc == ENT_OK
                ? json_pack("{s:s, s:o, s:o}", "by", q.by_day ? "day" : "hour", "rows", rows, "peak_hours", peaks)
                : rows);
    return 0;
}

static int run_flow_import(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    return xrun_csv(db, job, &(struct xcsv_import){.run = ent_flow_import_csv, .count = "rows"});
}

int route_flow_import(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    return xqueue_csv(r, run_flow_import, out);
}
