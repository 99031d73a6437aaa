/* entrepot serve — users and API tokens (the right "users": managers). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

static void free_job_json(void *arg)
{
    json_decref(arg);
}

/* The name in the path and the body travel together to the writer. */
static int queue_named(struct req *r, json_t *body, const char *name, int (*run)(ent_db *, ent_journal *, struct job *),
                       struct reply *out)
{
    json_t *arg = json_pack("{s:s, s:O}", "name", name, "body", body ? body : json_null());
    if (arg == NULL || srv_queue_write(r, run, arg, free_job_json) < 0)
        reply_error(out, 500, "error", NULL, "out of memory");
    return 0;
}

static json_t *user_json(const ent_user *u)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:b, s:I}", "name", u->name, "display", u->display ? u->display : "",
                          "role", ent_role_name(u->role), "retired", u->retired, "locked", u->locked, "failures",
                          (json_int_t)u->failures);
    json_object_set_new(o, "created_at", json_string(u->created_at));
    return o;
}

static int add_user(const ent_user *u, void *ud)
{
    json_array_append_new(ud, user_json(u));
    return 0;
}

int route_users(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    ent_db *db = srv_reader(out);
    if (db == NULL)
        return 0;
    int64_t all;
    if (arg_whole(r, "all", 0, 1, 0, &all, out) != 0)
        return 0;
    json_t *list = json_array();
    int rc = ent_user_each(db, all == 1, add_user, list);
    reply_result(out, db, rc, 200, json_pack("{s:o}", "users", list));
    return 0;
}

/* The role named in a body ("" when absent): 0 and *role, or -1 answered. */
static int body_role(ent_db *db, json_t *b, int *role, struct reply *out)
{
    const char *s = json_str(b, "role");
    *role = 0;
    if (s == NULL)
        return 0;
    int rc = ent_role_parse(db, s, role);
    if (rc != ENT_OK) {
        reply_ent(out, db, rc);
        json_object_set_new(json_object_get(out->json, "error"), "field", json_string("role"));
        return -1;
    }
    return 0;
}

static const struct field user_add_fields[] = {{"name", F_STRING, 1},
                                               {"display", F_STRING, 0},
                                               {"role", F_STRING, 1},
                                               {"password", F_STRING, 1},
                                               {NULL, F_STRING, 0}};
static const struct field user_edit_fields[] = {{"display", F_STRING, 0},
                                                {"role", F_STRING, 0},
                                                {"password", F_STRING, 0},
                                                {"unlock", F_BOOL, 0},
                                                {NULL, F_STRING, 0}};

static int run_user_add(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    json_t *b = json_object_get(job->arg, "body");
    ent_user_fields f = {.display = json_str(b, "display"), .password = json_str(b, "password")};
    if (body_role(db, b, &f.role, &job->reply) != 0)
        return 0;
    int rc = ent_user_add(db, json_str(b, "name"), &f, job->user);
    reply_result(&job->reply, db, rc, 201, json_pack("{s:s}", "name", json_str(b, "name")));
    json_object_del(b, "password");
    return 0;
}

int route_user_add(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    if (json_check(out, body, user_add_fields, "a user") == 0)
        queue_named(r, body, "", run_user_add, out);
    return 0;
}

static int run_user_edit(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    json_t *b = json_object_get(job->arg, "body");
    const char *name = json_str(job->arg, "name");
    ent_user_fields f = {.display = json_str(b, "display"),
                         .password = json_str(b, "password"),
                         .unlock = json_is_true(json_object_get(b, "unlock"))};
    if (body_role(db, b, &f.role, &job->reply) != 0)
        return 0;
    int rc = ent_user_edit(db, name, &f, job->user);
    reply_result(&job->reply, db, rc, 200, json_pack("{s:s}", "name", name));
    json_object_del(b, "password");
    return 0;
}

int route_user_edit(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    if (json_check(out, body, user_edit_fields, "a change of user") == 0)
        queue_named(r, body, tail, run_user_edit, out);
    return 0;
}

static int run_user_retire(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    const char *name = json_str(job->arg, "name");
    int rc = ent_user_retire(db, name, job->user);
    reply_result(&job->reply, db, rc, 200, json_pack("{s:s, s:b}", "name", name, "retired", 1));
    return 0;
}

int route_user_retire(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body;
    return queue_named(r, NULL, tail, run_user_retire, out);
}

/* ---- tokens ------------------------------------------------------------ */

static int add_token(const ent_token_info *t, void *ud)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)t->id, "user", t->user, "device", t->device,
                          "created_at", t->created_at);
    json_object_set_new(o, "last_used", t->last_used[0] ? json_string(t->last_used) : json_null());
    json_object_set_new(o, "revoked_at", t->revoked_at[0] ? json_string(t->revoked_at) : json_null());
    json_array_append_new(ud, o);
    return 0;
}

int route_tokens(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    ent_db *db = srv_reader(out);
    if (db == NULL)
        return 0;
    int64_t all;
    if (arg_whole(r, "all", 0, 1, 0, &all, out) != 0)
        return 0;
    json_t *list = json_array();
    int rc = ent_token_each(db, all == 1, add_token, list);
    reply_result(out, db, rc, 200, json_pack("{s:o}", "tokens", list));
    return 0;
}

static const struct field token_fields[] = {{"user", F_STRING, 1}, {"device", F_STRING, 1}, {NULL, F_STRING, 0}};

static int run_token_add(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    json_t *b = json_object_get(job->arg, "body");
    ent_token_secret t;
    int rc = ent_token_add(db, &t, json_str(b, "user"), json_str(b, "device"), job->user);
    /* shown once, here; the database keeps only its hash */
    reply_result(&job->reply, db, rc, 201, json_pack("{s:I, s:s}", "id", (json_int_t)t.id, "secret", t.secret));
    memset(&t, 0, sizeof t);
    return 0;
}

int route_token_add(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    if (json_check(out, body, token_fields, "an API token") == 0)
        queue_named(r, body, "", run_token_add, out);
    return 0;
}

static int run_token_revoke(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    json_int_t id = json_integer_value(json_object_get(job->arg, "body"));
    int rc = ent_token_revoke(db, (int64_t)id, job->user);
    reply_result(&job->reply, db, rc, 200, json_pack("{s:I, s:b}", "id", id, "revoked", 1));
    return 0;
}

int route_token_revoke(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body;
    int64_t id;
    if (ent_whole_parse(&id, tail, 1, INT64_MAX) != ENT_OK) {
        reply_error(out, 422, "invalid", "id", "a token is named by its number, not '%s'", ENT_CLIP(tail, 40));
        return 0;
    }
    json_t *num = json_integer(id);
    queue_named(r, num, "", run_token_revoke, out);
    json_decref(num);
    return 0;
}
