/*
 * entrepot serve — who is asking: the session cookie (browsers) or a Bearer
 * API token (devices, scripts); the rights of their role per route
 * (ent_role_may); login, logout and me. The users, their passwords, the
 * sessions and tokens are the library's (include/entrepot/user.h): nothing
 * of them is kept here. Secrets never reach the log or a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server.h"

#define COOKIE_NAME "ent_session"

/* Compares without stopping at the first difference (the CSRF token). */
static int same_secret(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    unsigned char diff = na != nb;
    for (size_t i = 0; i < na && i < nb; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

static void refused(struct reply *rep, ent_db *db, const ent_principal *p)
{
    switch (p->refusal) {
    case ENT_REFUSAL_LOCKED:
    case ENT_REFUSAL_RETIRED: reply_error(rep, 403, "forbidden", NULL, "%s", ent_errmsg(db)); break;
    case ENT_REFUSAL_WAIT:
        reply_error(rep, 429, "too_many_requests", NULL, "%s", ent_errmsg(db));
        snprintf(rep->retry_after, sizeof rep->retry_after, "%lld", (long long)p->retry_after);
        break;
    default: /* the failure that starts a wait says so, in words and in the header */
        reply_error(rep, 401, "unauthorized", NULL, "%s", ent_errmsg(db)[0] ? ent_errmsg(db) : "not logged in");
        if (p->retry_after > 0)
            snprintf(rep->retry_after, sizeof rep->retry_after, "%lld", (long long)p->retry_after);
        break;
    }
}

static const char *bearer(struct req *r)
{
    const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    return h;
}

/* The read connections cannot record a session's last request or a
 * token's last use, so the login thread does, at most once a minute per
 * session or token (as the library asks): a small table of when each recent
 * one was last recorded. Tokens count negative, sessions positive. */
#define TOUCH_SLOTS 256
#define TOUCH_EVERY_S 60
static struct {
    int64_t id;
    time_t at;
} touched[TOUCH_SLOTS];
static pthread_mutex_t touch_lock = PTHREAD_MUTEX_INITIALIZER;

static void maybe_touch(const char *secret, int64_t id, int is_token)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t key = is_token ? -id : id;
    size_t i = (size_t)(id * 2 + is_token) % TOUCH_SLOTS;
    int due;
    pthread_mutex_lock(&touch_lock);
    due = touched[i].id != key || now.tv_sec - touched[i].at >= TOUCH_EVERY_S;
    if (due) {
        touched[i].id = key;
        touched[i].at = now.tv_sec;
    }
    pthread_mutex_unlock(&touch_lock);
    if (due)
        writer_touch(srv_g, secret, is_token);
}

/* 0 with r->who set, 1 when nobody is named, -1 with the answer. */
static int identify(struct req *r, ent_db *db, struct reply *rep)
{
    const char *token = bearer(r);
    int rc;
    if (token) {
        rc = ent_token_check(db, &r->who, token);
    } else {
        r->session = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, COOKIE_NAME);
        if (r->session == NULL)
            return 1;
        rc = ent_session_check(db, &r->who, r->session);
    }
    if (rc == ENT_OK)
        maybe_touch(token ? token : r->session, token ? r->who.token_id : r->who.session_id, token != NULL);
    if (rc != ENT_OK) {
        if (rc == ENT_NOTFOUND || rc == ENT_REFUSED)
            refused(rep, db, &r->who);
        else
            reply_ent(rep, db, rc);
        memset(&r->who, 0, sizeof r->who);
        return -1;
    }
    snprintf(r->user, sizeof r->user, "%s", r->who.user);
    return 0;
}

static int is_write(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

int srv_authorize(struct req *r, const struct route *rt, struct reply *rep)
{
    if (rt->right == RIGHT_OPEN)
        return 0;
    ent_db *db = srv_reader(rep);
    if (db == NULL)
        return -1;
    int st = identify(r, db, rep);
    if (st < 0)
        return -1;
    if (st > 0) {
        reply_error(rep, 401, "unauthorized", NULL, "log in, or give an API token (Authorization: Bearer)");
        return -1;
    }
    if (r->session && is_write(r->method)) {
        const char *csrf = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
        if (csrf == NULL || !same_secret(csrf, r->who.csrf)) {
            reply_error(rep, 403, "csrf", NULL, "a write with a session needs the X-CSRF-Token header given at login");
            return -1;
        }
    }
    if (rt->right != RIGHT_ANY && !ent_role_may(r->who.role, rt->right) &&
        !(rt->right_alt && ent_role_may(r->who.role, rt->right_alt))) {
        reply_error(rep, 403, "forbidden", NULL, "a %s may not %s", ent_role_name(r->who.role),
                    ent_right_name(rt->right));
        return -1;
    }
    return 0;
}

/* ---- login, logout, me --------------------------------------------------- */

static const struct field login_fields[] = {
    {"name", F_STRING, 1}, {"password", F_STRING, 1}, {"device", F_STRING, 0}, {NULL, F_STRING, 0}};

static json_t *principal_json(const ent_principal *p)
{
    json_t *o = json_pack("{s:s, s:s, s:s}", "user", p->user, "display", p->display, "role", ent_role_name(p->role));
    json_object_set_new(o, "device", p->device[0] ? json_string(p->device) : json_null());
    if (p->session_id) {
        json_object_set_new(o, "csrf", json_string(p->csrf));
        json_object_set_new(o, "expires_at", json_string(p->expires_at));
    }
    return o;
}

static int run_login(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    json_t *b = job->arg;
    ent_session s;
    memset(&s, 0, sizeof s);
    int rc = ent_login(db, &s, json_str(b, "name"), json_str(b, "password"), json_str(b, "device"));
    if (rc == ENT_REFUSED || rc == ENT_NOTFOUND) {
        refused(&job->reply, db, &s.who);
    } else if (rc != ENT_OK) {
        reply_ent(&job->reply, db, rc);
    } else {
        reply_json(&job->reply, 200, principal_json(&s.who));
        snprintf(job->reply.set_cookie, sizeof job->reply.set_cookie,
                 COOKIE_NAME "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", s.token, ENT_SESSION_MAX_SECONDS,
                 srv_g->cfg.tls_cert ? "; Secure" : "");
    }
    /* The password and the session token leave no copy behind. */
    json_object_del(b, "password");
    memset(&s, 0, sizeof s);
    return 0;
}

static void free_json(void *arg)
{
    json_decref(arg);
}

int route_login(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    if (json_check(out, body, login_fields, "a login") != 0)
        return 0;
    json_incref(body);
    if (srv_queue_auth(r, run_login, body, free_json) < 0)
        reply_error(out, 500, "error", NULL, "out of memory");
    return 0;
}

static int run_logout(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    int rc = ent_session_end(db, job->arg);
    if (rc != ENT_OK && rc != ENT_NOTFOUND) {
        reply_ent(&job->reply, db, rc);
        return 0;
    }
    reply_json(&job->reply, 200, json_pack("{s:b}", "logged_out", 1));
    snprintf(job->reply.set_cookie, sizeof job->reply.set_cookie,
             COOKIE_NAME "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s", srv_g->cfg.tls_cert ? "; Secure" : "");
    return 0;
}

int route_logout(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    if (r->session == NULL) {
        reply_error(out, 422, "invalid", NULL, "only a session logs out; an API token is revoked by a manager");
        return 0;
    }
    char *token = strdup(r->session);
    if (token == NULL || srv_queue_auth(r, run_logout, token, free) < 0)
        reply_error(out, 500, "error", NULL, "out of memory");
    return 0;
}

int route_me(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    reply_json(out, 200, principal_json(&r->who));
    return 0;
}
