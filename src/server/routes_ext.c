/* entrepot serve — helpers shared by the routes added with the catalogue,
 * counts, reports, journal and store routes (routes_ext.h). */
#define _GNU_SOURCE /* fmemopen */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "routes_ext.h"

int xarg_whole(struct req *r, const char *name, int64_t min, int64_t max, int64_t def, int64_t *out, struct reply *rep)
{
    const char *s = req_arg(r, name);
    *out = def;
    if (s == NULL)
        return 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < min || v > max) {
        reply_error(rep, 422, "invalid", name, "'%s' must be a whole number from %lld to %lld, not '%s'", name,
                    (long long)min, (long long)max, ENT_CLIP(s, 40));
        return -1;
    }
    *out = v;
    return 0;
}

int xarg_text(struct req *r, const char *name, const char **out, struct reply *rep)
{
    *out = req_arg(r, name);
    if (*out && !ent_utf8_valid(*out, strlen(*out))) {
        reply_error(rep, 400, "malformed", name, "'%s' is not UTF-8 text", name);
        return -1;
    }
    return 0;
}

int xtail_text(const char *tail, const char *what, struct reply *rep)
{
    if (!ent_utf8_valid(tail, strlen(tail))) {
        reply_error(rep, 400, "malformed", what, "the %s is not UTF-8 text", what);
        return -1;
    }
    return 0;
}

json_t *xjstr(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

int xact_as(ent_db *db, struct job *job)
{
    int rc = ent_user_act_as(db, job->user);
    if (rc != ENT_OK) {
        reply_ent(&job->reply, db, rc);
        return -1;
    }
    return 0;
}

static void free_json(void *arg)
{
    json_decref(arg);
}

int xqueue(struct req *r, json_t *body, const char *tail, int (*run)(ent_db *, ent_journal *, struct job *),
           struct reply *out)
{
    json_t *arg = json_pack("{s:O, s:s?}", "body", body ? body : json_null(), "tail", tail);
    if (arg == NULL || srv_queue_write(r, run, arg, free_json) < 0)
        reply_error(out, 500, "error", NULL, "out of memory");
    return 0;
}

json_t *xbody(struct job *job)
{
    return json_object_get(job->arg, "body");
}

const char *xtail(struct job *job)
{
    return json_str(job->arg, "tail");
}

int xqueue_text(struct req *r, int (*run)(ent_db *, ent_journal *, struct job *), struct reply *out)
{
    char *copy = malloc(r->len + 1);
    if (copy == NULL) {
        reply_error(out, 500, "error", NULL, "out of memory");
        return 0;
    }
    memcpy(copy, r->body, r->len);
    copy[r->len] = '\0';
    if (srv_queue_write(r, run, copy, free) < 0)
        reply_error(out, 500, "error", NULL, "out of memory");
    return 0;
}

int xqueue_csv(struct req *r, int (*run)(ent_db *, ent_journal *, struct job *), struct reply *out)
{
    if (memchr(r->body, '\0', r->len)) {
        reply_error(out, 400, "malformed", NULL, "the CSV file holds a NUL byte");
        return 0;
    }
    return xqueue_text(r, run, out);
}

int xrun_csv(ent_db *db, struct job *job, const struct xcsv_import *how)
{
    int64_t n = 0;
    const char *text = job->arg;
    if (xact_as(db, job) != 0)
        return 0;
    FILE *in = fmemopen((void *)text, strlen(text), "r");
    if (in == NULL) {
        reply_error(&job->reply, 500, "error", NULL, "out of memory");
        return 0;
    }
    int rc = how->run ? how->run(db, &n, in) : how->run_update(db, &n, in, how->update);
    fclose(in);
    xanswer(&job->reply, db, rc, 200, json_pack("{s:I}", how->count, (json_int_t)n));
    return 0;
}

void xanswer(struct reply *out, ent_db *db, int rc, int status, json_t *json)
{
    if (rc != ENT_OK) {
        json_decref(json);
        reply_ent(out, db, rc);
    } else {
        reply_json(out, status, json);
    }
}

int route_catalog_import(struct req *r, json_t *body, const char *tail, struct reply *out);
int route_flow_import(struct req *r, json_t *body, const char *tail, struct reply *out);
int route_supplier_import(struct req *r, json_t *body, const char *tail, struct reply *out);
int route_supplier_item_import(struct req *r, json_t *body, const char *tail, struct reply *out);
int route_rate_import(struct req *r, json_t *body, const char *tail, struct reply *out);

int srv_route_csv(const struct route *rt)
{
    return rt->fn == route_catalog_import || rt->fn == route_flow_import || rt->fn == route_supplier_import ||
           rt->fn == route_supplier_item_import || rt->fn == route_rate_import;
}
