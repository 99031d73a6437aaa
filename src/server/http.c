/* entrepot serve — one HTTP request: body, limits, dispatch, answer, log line. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server.h"

/* ---- answers ---------------------------------------------------------- */

void reply_json(struct reply *out, int status, json_t *json)
{
    out->status = status;
    out->json = json;
}

void reply_free(struct reply *r)
{
    json_decref(r->json);
    free(r->text);
    if (r->stream)
        MHD_destroy_response(r->stream);
    memset(r, 0, sizeof *r);
}

void reply_error(struct reply *out, int status, const char *code, const char *field, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    reply_free(out);
    json_t *err =
        json_pack("{s:s, s:s, s:o}", "code", code, "message", msg, "field", field ? json_string(field) : json_null());
    reply_json(out, status, json_pack("{s:o}", "error", err));
}

/* How a library outcome is answered: status and the error's code word. */
static void status_of(int rc, int *status, const char **code)
{
    switch (rc) {
    case ENT_INVALID: *status = 422, *code = "invalid"; break;
    case ENT_NOTFOUND: *status = 404, *code = "not_found"; break;
    case ENT_EXISTS: *status = 409, *code = "exists"; break;
    case ENT_REFUSED: *status = 409, *code = "refused"; break;
    case ENT_NOSTOCK: *status = 409, *code = "no_stock"; break;
    case ENT_EXPIRED: *status = 409, *code = "expired"; break;
    case ENT_BUSY: *status = 503, *code = "busy"; break;
    default: *status = 500, *code = "error"; break;
    }
}

/* A refusal to sell or take goods carries its facts (ent_errfacts) beside
 * the English message, as error.facts {product, name, lot, expiry, on_hand,
 * asked} (those that apply), so that a front end words it in its own
 * language. */
static void add_facts(struct reply *out, ent_db *db)
{
    ent_facts f;
    ent_errfacts(db, &f);
    json_t *err = json_object_get(out->json, "error");
    if (f.code == ENT_OK || err == NULL)
        return;
    json_t *o = json_object();
    const char *texts[][2] = {{"product", f.product}, {"name", f.name}, {"lot", f.lot}, {"expiry", f.expiry}};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (texts[i][1][0])
            json_object_set_new(o, texts[i][0], json_string(texts[i][1]));
    if (f.on_hand >= 0)
        json_object_set_new(o, "on_hand", json_integer(f.on_hand));
    if (f.asked >= 0)
        json_object_set_new(o, "asked", json_integer(f.asked));
    json_object_set_new(err, "facts", o);
}

void reply_ent(struct reply *out, ent_db *db, int rc)
{
    int status;
    const char *code;
    status_of(rc, &status, &code);
    const char *msg = ent_errmsg(db);
    reply_error(out, status, code, NULL, "%s", msg[0] ? msg : ent_strerror(rc));
    add_facts(out, db);
    if (rc == ENT_BUSY)
        snprintf(out->retry_after, sizeof out->retry_after, "1");
}

void reply_result(struct reply *out, ent_db *db, int rc, int status, json_t *json)
{
    if (rc != ENT_OK) {
        json_decref(json);
        reply_ent(out, db, rc);
    } else {
        reply_json(out, status, json);
    }
}

/* ---- read connections ------------------------------------------------- */

/* Each pool thread's own read connection: WAL gives each its snapshot, and
 * no lock is shared between readers. Kept in srv_g->readers to be closed. */
static _Thread_local ent_db *thread_reader;

ent_db *srv_reader(struct reply *out)
{
    if (thread_reader)
        return thread_reader;
    ent_db *db = NULL;
    int rc = ent_db_open(&db, srv_g->cfg.db_path, ENT_OPEN_READONLY);
    if (rc != ENT_OK) {
        reply_error(out, 503, "unavailable", NULL, "the database cannot be read: %s", ent_errmsg(db));
        ent_db_close(db);
        return NULL;
    }
    pthread_mutex_lock(&srv_g->lock);
    if (srv_g->nreaders < SRV_READERS_MAX) {
        srv_g->readers[srv_g->nreaders++] = db;
        thread_reader = db;
    }
    pthread_mutex_unlock(&srv_g->lock);
    if (!thread_reader) {
        ent_db_close(db);
        reply_error(out, 503, "unavailable", NULL, "too many read connections");
    }
    return thread_reader;
}

const char *req_arg(struct req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* ---- sending ---------------------------------------------------------- */

static enum MHD_Result send_reply(struct req *r, struct reply *rep)
{
    char *buf = NULL;
    size_t len = 0;
    const char *ctype = "application/json; charset=utf-8";
    if (rep->stream) { /* made whole by its route (the event stream) */
        r->status = rep->status;
        enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)rep->status, rep->stream);
        reply_free(rep);
        return ok;
    }
    if (rep->json) {
        /* Text goes out as JSON strings, UTF-8 as it is; "</" is written
         * "<\/" so that a name holding </script> cannot end a script block
         * of a page that embeds the answer. Content type and nosniff keep
         * browsers from reading an answer as HTML. */
        buf = json_dumps(rep->json, JSON_COMPACT | JSON_ESCAPE_SLASH);
        len = buf ? strlen(buf) : 0;
    } else if (rep->body_static) {
        len = rep->text_len;
        ctype = rep->ctype;
    } else if (rep->text) {
        buf = rep->text;
        len = rep->text_len;
        rep->text = NULL;
        ctype = rep->ctype ? rep->ctype : "text/plain; charset=utf-8";
    }
    if (buf == NULL && rep->json) {
        rep->status = 500;
        buf = strdup("{\"error\":{\"code\":\"error\",\"message\":\"out of memory\",\"field\":null}}");
        len = buf ? strlen(buf) : 0;
    }
    struct MHD_Response *resp =
        rep->body_static ? MHD_create_response_from_buffer(len, (void *)rep->body_static, MHD_RESPMEM_PERSISTENT)
                         : MHD_create_response_from_buffer(len, buf ? buf : (char *)"",
                                                           buf ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (resp == NULL) {
        free(buf);
        return MHD_NO;
    }
    if (len > 0)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Cache-Control", rep->cache ? rep->cache : "no-store");
    if (rep->etag)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, rep->etag);
    if (rep->disposition)
        MHD_add_response_header(resp, "Content-Disposition", rep->disposition);
    /* Every answer, JSON too: only this server's own files run, nothing is
     * framed (clickjacking), no page address leaves in a Referer. */
    MHD_add_response_header(resp, "Content-Security-Policy", SRV_CSP);
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    if (rep->retry_after[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, rep->retry_after);
    if (rep->ctype && strncmp(rep->ctype, "image/svg", 9) == 0) /* no script of an SVG ever runs */
        MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    if (rep->set_cookie[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, rep->set_cookie);
    if (rep->status == 503 && atomic_load(&srv_g->stopping))
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    r->status = rep->status;
    r->bytes = len;
    enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)rep->status, resp);
    MHD_destroy_response(resp);
    reply_free(rep);
    return ok;
}

/* ---- dispatch --------------------------------------------------------- */

static const struct route *find_route(const char *method, const char *url, const char **tail, int *path_known)
{
    *path_known = 0;
    for (const struct route *rt = srv_routes; rt->method; rt++) {
        size_t n = strlen(rt->path);
        int match = rt->prefix ? strncmp(url, rt->path, n) == 0 && url[n] != '\0' &&
                                     (rt->prefix == 2 || strchr(url + n, '/') == NULL)
                               : strcmp(url, rt->path) == 0;
        if (!match)
            continue;
        *path_known = 1;
        if (strcmp(method, rt->method) == 0) {
            *tail = rt->prefix ? url + n : NULL;
            return rt;
        }
    }
    return NULL;
}

static int content_type_is(struct req *r, const char *type)
{
    const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (ct == NULL)
        return 0;
    size_t n = strlen(type);
    return strncasecmp(ct, type, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static int content_type_json(struct req *r)
{
    return content_type_is(r, "application/json");
}

/* The charset parameter of the request's Content-Type into buf ("" when
 * none is given). */
static void content_charset(struct req *r, char *buf, size_t len)
{
    const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    const char *p = ct ? strchr(ct, ';') : NULL;
    buf[0] = '\0';
    while (p && strncasecmp(p + 1 + strspn(p + 1, " "), "charset=", 8) != 0)
        p = strchr(p + 1, ';');
    if (p == NULL)
        return;
    p += 1 + strspn(p + 1, " ") + 8;
    if (*p == '"')
        p++;
    size_t n = strcspn(p, "\"; ");
    snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), p);
}

/* Replaces the body by its UTF-8, through the one decoding step of every
 * CSV import (ent_csv_decode): 0, or -1 with the answer. */
static int decode_body(struct req *r, const char *charset, struct reply *rep)
{
    FILE *in = fmemopen(r->body, r->len, "rb"), *out = NULL;
    int rc = in ? ent_csv_decode(&out, in, charset) : ENT_ERROR;
    if (in)
        fclose(in);
    if (rc == ENT_INVALID) {
        reply_error(rep, 400, "malformed", NULL, "the request body is not %s text: %s", ENT_CLIP(charset, 20),
                    ent_error_last()->message);
        return -1;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *m = rc == ENT_OK ? open_memstream(&text, &len) : NULL;
    char chunk[8192];
    size_t got;
    while (m && (got = fread(chunk, 1, sizeof chunk, out)) > 0)
        fwrite(chunk, 1, got, m);
    bool failed = m == NULL || ferror(out) || fclose(m) != 0;
    if (out)
        fclose(out);
    if (failed) {
        free(text);
        reply_error(rep, 500, "error", NULL, "the request body cannot be decoded");
        return -1;
    }
    free(r->body);
    r->body = text;
    r->len = r->cap = len;
    return 0;
}

/* A CSV route's body stays text in r->body, decoded to UTF-8 when the
 * Content-Type names charset=gb18030 or gbk: 0, or -1 with the answer. */
static int check_csv_body(struct req *r, struct reply *rep)
{
    if (r->too_big) {
        reply_error(rep, 413, "too_large", NULL, "the request body is over %zu bytes", srv_g->cfg.body_max);
        return -1;
    }
    if (r->len == 0) {
        reply_error(rep, 422, "invalid", NULL, "the request body must hold the CSV file");
        return -1;
    }
    if (!content_type_is(r, "text/csv")) {
        reply_error(rep, 415, "unsupported_media_type", NULL, "the request body must be text/csv");
        return -1;
    }
    char charset[24];
    content_charset(r, charset, sizeof charset);
    bool utf8 = charset[0] == '\0' || strcasecmp(charset, "utf-8") == 0 || strcasecmp(charset, "utf8") == 0;
    if (!utf8 && strcasecmp(charset, "gb18030") != 0 && strcasecmp(charset, "gbk") != 0) {
        reply_error(rep, 415, "unsupported_media_type", NULL, "charset '%s' must be utf-8, gb18030 or gbk",
                    ENT_CLIP(charset, 20));
        return -1;
    }
    if (!utf8)
        return decode_body(r, charset, rep);
    if (!ent_utf8_valid(r->body, r->len)) {
        /* Where, from the same decoding step, and what to send instead. */
        FILE *in = fmemopen(r->body, r->len, "rb"), *out = NULL;
        bool placed = in && ent_csv_decode(&out, in, "utf-8") == ENT_INVALID;
        if (in)
            fclose(in);
        if (out)
            fclose(out);
        reply_error(rep, 400, "malformed", NULL, "the request body is not UTF-8 text%s%s%s",
                    placed ? ": " : "", placed ? ent_error_last()->message : "",
                    "; a file saved by Excel in Chinese Windows is sent with charset=gb18030");
        return -1;
    }
    return 0;
}

/* The body as JSON: 0 with *out (NULL for an empty body on a read), or -1
 * with the 400/413/415 answer. */
static int parse_body(struct req *r, json_t **out, struct reply *rep)
{
    *out = NULL;
    if (r->too_big) {
        reply_error(rep, 413, "too_large", NULL, "the request body is over %zu bytes", srv_g->cfg.body_max);
        return -1;
    }
    if (r->len == 0)
        return 0;
    if (!content_type_json(r)) {
        reply_error(rep, 415, "unsupported_media_type", NULL, "the request body must be application/json");
        return -1;
    }
    if (!ent_utf8_valid(r->body, r->len)) {
        reply_error(rep, 400, "malformed", NULL, "the request body is not UTF-8 text");
        return -1;
    }
    json_error_t err;
    *out = json_loadb(r->body, r->len, JSON_REJECT_DUPLICATES, &err);
    if (*out == NULL) {
        reply_error(rep, 400, "malformed", NULL, "the request body is not JSON: %s at line %d column %d",
                    ENT_CLIP(err.text, 80), err.line, err.column);
        return -1;
    }
    return 0;
}

static void handle(struct req *r, struct reply *rep)
{
    const char *tail = NULL;
    int known = 0;
    json_t *body = NULL;
    if (r->late) { /* begun after SIGTERM; those begun before are finished */
        reply_error(rep, 503, "shutting_down", NULL, "the server is shutting down");
        snprintf(rep->retry_after, sizeof rep->retry_after, "5");
        return;
    }
    if (strncmp(r->url, "/api/", 5) != 0) {
        srv_static(r, rep);
        return;
    }
    const struct route *rt = find_route(r->method, r->url, &tail, &known);
    if (rt == NULL) {
        if (known)
            reply_error(rep, 405, "method_not_allowed", NULL, "%s is not allowed here", ENT_CLIP(r->method, 10));
        else
            reply_error(rep, 404, "not_found", NULL, "no such resource: %s", ENT_CLIP(r->url, 80));
        return;
    }
    if (srv_authorize(r, rt, rep) != 0)
        return;
    if (srv_route_csv(rt)) {
        if (check_csv_body(r, rep) == 0)
            rt->fn(r, NULL, tail, rep);
        return;
    }
    if (parse_body(r, &body, rep) != 0)
        return;
    rt->fn(r, body, tail, rep);
    json_decref(body);
}

/* ---- the MHD callbacks ------------------------------------------------ */

static void count_in(struct req *r)
{
    pthread_mutex_lock(&srv_g->lock);
    srv_g->in_flight++;
    r->counted = 1;
    pthread_mutex_unlock(&srv_g->lock);
}

static struct req *req_new(struct MHD_Connection *conn, const char *url, const char *method)
{
    struct req *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->conn = conn;
    r->url = url;
    r->method = method;
    strcpy(r->user, "-");
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    r->late = atomic_load(&srv_g->stopping);
    count_in(r);
    return r;
}

/* A body bigger than the limit is refused from its Content-Length at once. */
static int declared_too_big(struct MHD_Connection *conn)
{
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl == NULL)
        return 0;
    char *end = NULL;
    unsigned long long n = strtoull(cl, &end, 10);
    return end != cl && n > srv_g->cfg.body_max;
}

static void take_upload(struct req *r, const char *data, size_t n)
{
    if (r->too_big || r->len + n > srv_g->cfg.body_max) {
        r->too_big = 1;
        return;
    }
    if (r->len + n + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 1024;
        while (cap < r->len + n + 1)
            cap *= 2;
        char *b = realloc(r->body, cap);
        if (b == NULL) {
            r->too_big = 1;
            return;
        }
        r->body = b;
        r->cap = cap;
    }
    memcpy(r->body + r->len, data, n);
    r->len += n;
    r->body[r->len] = '\0';
}

enum MHD_Result srv_on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                               const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)version;
    struct req *r = *con_cls;
    struct reply rep = {0};
    if (r == NULL) {
        r = req_new(conn, url, method);
        if (r == NULL)
            return MHD_NO;
        *con_cls = r;
        if (!declared_too_big(conn))
            return MHD_YES;
        r->too_big = 1;
        reply_error(&rep, 413, "too_large", NULL, "the request body is over %zu bytes", srv_g->cfg.body_max);
        return send_reply(r, &rep);
    }
    if (*upload_size > 0) {
        take_upload(r, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->job) { /* resumed by the writer: the write is committed (or not) */
        struct job *job = r->job;
        r->job = NULL;
        if (job->done) {
            rep = job->reply;
            memset(&job->reply, 0, sizeof job->reply);
            if (job->after)
                job->after(job, &rep);
        } else {
            reply_error(&rep, 503, "shutting_down", NULL, "the server is shutting down");
        }
        if (job->free_arg)
            job->free_arg(job->arg);
        free(job);
        return send_reply(r, &rep);
    }
    if (r->status != 0) /* answered already (413 from the header) */
        return MHD_YES;
    handle(r, &rep);
    if (r->job) { /* queued for the writer: answered when it resumes us */
        reply_free(&rep);
        return MHD_YES;
    }
    return send_reply(r, &rep);
}

/* The log line: time, client, method, path (never the query), status,
 * bytes, milliseconds, user. Nothing else of the request is written. */
static void log_request(struct req *r, struct MHD_Connection *conn)
{
    char when[32], client[64] = "-";
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ci->client_addr;
        if (a->sin_family == AF_INET)
            inet_ntop(AF_INET, &a->sin_addr, client, sizeof client);
    }
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - r->t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - r->t0.tv_nsec) / 1e6;
    fprintf(stderr, "%s %s %s %s %d %zu %.1fms %s\n", when, client, ENT_CLIP(r->method, 10), ENT_CLIP(r->url, 80),
            r->status, r->bytes, ms, ENT_CLIP(r->user, 40));
}

void srv_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)toe;
    struct req *r = *con_cls;
    if (r == NULL)
        return;
    *con_cls = NULL;
    if (r->status == 0)
        r->status = 499; /* the client went away (or timed out) before an answer */
    log_request(r, conn);
    free(r->body);
    if (r->counted) {
        pthread_mutex_lock(&srv_g->lock);
        if (--srv_g->in_flight == 0)
            pthread_cond_broadcast(&srv_g->idle);
        pthread_mutex_unlock(&srv_g->lock);
    }
    free(r);
}
