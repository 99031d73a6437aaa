/*
 * entrepot serve — scrap and counts (right "stock"; reading counts also
 * "read"). A count follows the library's rules: one open count per
 * location, a counted line that moved since it was counted refuses the post
 * unless it is forced.
 */
#include <stdio.h>
#include <string.h>

#include "routes_ext.h"

static const struct field scrap_fields[] = {
    {"product", F_STRING, 1}, {"lot", F_STRING, 0},  {"location", F_STRING, 1},
    {"qty", F_INT, 1},        {"note", F_STRING, 0}, {NULL, F_STRING, 0},
};

static int run_scrap(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    json_t *b = xbody(job);
    if (xact_as(db, job) != 0)
        return 0;
    ent_move_req m = {.product = json_str(b, "product"),
                      .lot = json_str(b, "lot"),
                      .location = json_str(b, "location"),
                      .qty = json_int(b, "qty", 0),
                      .user = job->user,
                      .note = json_str(b, "note")};
    int rc = ent_stock_scrap(db, &m);
    xanswer(&job->reply, db, rc, 200, json_pack("{s:b}", "scrapped", 1));
    return 0;
}

int route_scrap(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    if (json_check(out, body, scrap_fields, "a scrapping") != 0)
        return 0;
    return xqueue(r, body, NULL, run_scrap, out);
}

/* ---- counts ---------------------------------------------------------- */

static int add_count(const ent_count_info *c, void *ud)
{
    json_t *o = json_pack("{s:s, s:s, s:s}", "id", c->uuid, "location", c->location, "started_at", c->started_at);
    json_object_set_new(o, "posted_at", xjstr(c->posted_at));
    json_object_set_new(o, "user", xjstr(c->user));
    json_object_set_new(o, "lines", json_integer(c->lines));
    json_object_set_new(o, "counted", json_integer(c->counted));
    json_array_append_new(ud, o);
    return 0;
}

int route_counts(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    int64_t all;
    ent_db *db = srv_reader(out);
    if (db == NULL || xarg_whole(r, "all", 0, 1, 0, &all, out) != 0)
        return 0;
    json_t *rows = json_array();
    int rc = ent_count_each(db, all == 0, add_count, rows);
    xanswer(out, db, rc, 200, json_pack("{s:o}", "counts", rows));
    return 0;
}

static int add_line(const ent_count_line *l, void *ud)
{
    json_t *o = json_object();
    json_object_set_new(o, "gtin", xjstr(l->gtin));
    json_object_set_new(o, "name", xjstr(l->name));
    json_object_set_new(o, "lot", xjstr(l->lot));
    json_object_set_new(o, "expected", json_integer(l->expected));
    json_object_set_new(o, "counted", l->counted >= 0 ? json_integer(l->counted) : json_null());
    json_object_set_new(o, "difference", json_integer(l->difference));
    json_object_set_new(o, "moves_since", json_integer(l->moves_since));
    json_object_set_new(o, "on_hand", json_integer(l->on_hand));
    json_object_set_new(o, "unit", xjstr(l->unit));
    json_array_append_new(ud, o);
    return 0;
}

int route_count_show(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)r, (void)body;
    ent_db *db = srv_reader(out);
    if (db == NULL || xtail_text(tail, "count", out) != 0)
        return 0;
    json_t *rows = json_array();
    int rc = ent_count_show(db, tail, add_line, rows);
    xanswer(out, db, rc, 200, json_pack("{s:o}", "lines", rows));
    return 0;
}

static const struct field count_start_fields[] = {{"location", F_STRING, 1}, {NULL, F_STRING, 0}};

static int run_count_start(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    char id[ENT_UUID_SIZE] = "";
    if (xact_as(db, job) != 0)
        return 0;
    int rc = ent_count_start(db, id, json_str(xbody(job), "location"), job->user);
    xanswer(&job->reply, db, rc, 201, json_pack("{s:s}", "id", id));
    return 0;
}

int route_count_start(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    if (json_check(out, body, count_start_fields, "a count") != 0)
        return 0;
    return xqueue(r, body, NULL, run_count_start, out);
}

static const struct field count_record_fields[] = {
    {"product", F_STRING, 1}, {"lot", F_STRING, 0}, {"counted", F_INT, 1}, {NULL, F_STRING, 0}};

static int run_count_record(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    json_t *b = xbody(job);
    if (xact_as(db, job) != 0)
        return 0;
    int rc = ent_count_record(db, xtail(job), json_str(b, "product"), json_str(b, "lot"), json_int(b, "counted", -1),
                              job->user);
    xanswer(&job->reply, db, rc, 200, json_pack("{s:b}", "recorded", 1));
    return 0;
}

int route_count_record(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    if (xtail_text(tail, "count", out) != 0 || json_check(out, body, count_record_fields, "a counted quantity") != 0)
        return 0;
    return xqueue(r, body, tail, run_count_record, out);
}

static const struct field count_post_fields[] = {{"force", F_BOOL, 0}, {NULL, F_STRING, 0}};

static int run_count_post(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    json_t *rows = json_array();
    if (xact_as(db, job) != 0) {
        json_decref(rows);
        return 0;
    }
    bool force = json_is_true(json_object_get(xbody(job), "force"));
    int rc = ent_count_post(db, xtail(job), force, job->user, add_line, rows);
    xanswer(&job->reply, db, rc, 200, json_pack("{s:o}", "lines", rows));
    return 0;
}

int route_count_post(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    if (xtail_text(tail, "count", out) != 0)
        return 0;
    if (body && json_check(out, body, count_post_fields, "a post of a count") != 0)
        return 0;
    return xqueue(r, body, tail, run_count_post, out);
}
