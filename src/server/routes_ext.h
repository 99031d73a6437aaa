/* entrepot serve — helpers shared by the catalogue, count, report, journal
 * and store routes (routes_catalog.c, routes_stock2.c, routes_report.c,
 * routes_journal.c). */
#ifndef ENTREPOT_ROUTES_EXT_H
#define ENTREPOT_ROUTES_EXT_H

#include <stdbool.h>
#include <stdio.h>

#include "server.h"

/* A whole number from a query parameter (min..max); def when absent. -1
 * with a 422 answer naming the parameter. */
int xarg_whole(struct req *r, const char *name, int64_t min, int64_t max, int64_t def, int64_t *out, struct reply *rep);
/* Query (or path) text that must be UTF-8: 0, or -1 with a 400 answer. */
int xarg_text(struct req *r, const char *name, const char **out, struct reply *rep);
int xtail_text(const char *tail, const char *what, struct reply *rep);
/* A JSON string, or null for NULL or "". */
json_t *xjstr(const char *s);
/* Names the request's user on the write connection (ent_user_act_as): 0,
 * or -1 with the job's answer set. */
int xact_as(ent_db *db, struct job *job);
/* Queues run with {"tail": tail, "body": body} (either may be NULL): 0. */
int xqueue(struct req *r, json_t *body, const char *tail, int (*run)(ent_db *, ent_journal *, struct job *),
           struct reply *out);
/* The job's body and path tail queued by xqueue. */
json_t *xbody(struct job *job);
const char *xtail(struct job *job);
/* Queues run with a copy of the request's raw body (job->arg: a NUL
 * terminated string); 0. */
int xqueue_text(struct req *r, int (*run)(ent_db *, ent_journal *, struct job *), struct reply *out);
/* Queues run with the request's CSV text (xqueue_text), refusing a NUL byte
 * (400) before the writer sees it: 0. */
int xqueue_csv(struct req *r, int (*run)(ent_db *, ent_journal *, struct job *), struct reply *out);
/* A CSV import on the writer, of the text xqueue_csv queued, as the job's
 * user: the library's import reads it as a FILE; answers {count: n}. One of
 * run and run_update is set. */
struct xcsv_import {
    int (*run)(ent_db *db, int64_t *n, FILE *in);
    int (*run_update)(ent_db *db, int64_t *n, FILE *in, bool update);
    bool update;       /* given to run_update */
    const char *count; /* the answer's key: "imported", "rows" */
};
int xrun_csv(ent_db *db, struct job *job, const struct xcsv_import *how);
/* Answers rc: the library's failure, or status with json. */
void xanswer(struct reply *out, ent_db *db, int rc, int status, json_t *json);

#endif
