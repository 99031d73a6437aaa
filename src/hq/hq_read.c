/* `entrepot serve --hq-read`: the store server reads head office's
 * chain-wide views (GET /api/v1/hq/...) as a reader role (`hq reader add`).
 * Not as the store's own role (serve --hq): row-level security keeps that
 * one to its own store's rows, and the views are the chain's. One
 * connection, made on first use over TLS and again after a failure, shared
 * by the server's threads under a lock: the views read head office's small
 * summaries, so a request holds it for milliseconds. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hq.h"
#include "hq_serve.h"

#define HQ_READ_TIMEOUT "10s"

static struct {
    const char *url, *password_file; /* borrowed from the command line */
    bool on;
    pthread_mutex_t lock;
    PGconn *pg;
    bool checked;       /* the connection is a reader's, not a store's */
    char refusal[300];  /* why the last view was refused (under lock) */
} rd = {.lock = PTHREAD_MUTEX_INITIALIZER};

int hq_read_start(const char *url, const char *password_file)
{
    int st = hq_check_address(url, password_file);
    if (st != 0)
        return st;
    rd.url = url;
    rd.password_file = password_file;
    rd.on = true;
    return 0;
}

bool hq_read_enabled(void)
{
    return rd.on;
}

void hq_read_stop(void)
{
    pthread_mutex_lock(&rd.lock);
    PQfinish(rd.pg);
    rd.pg = NULL;
    pthread_mutex_unlock(&rd.lock);
}

/* A cell as JSON: a whole number for a number column when it is one (an
 * aggregate beyond 64 bits stays text), "" as null, else the text. */
static json_t *cell(const char *s, char align)
{
    if (s[0] == '\0')
        return json_null();
    if (align == 'n') {
        char *end = NULL;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (errno == 0 && end != s && *end == '\0')
            return json_integer(v);
    }
    return json_string(s);
}

static json_t *rows_json(const PGresult *res, const struct hq_view *v)
{
    json_t *rows = json_array();
    for (int r = 0; rows && r < PQntuples(res); r++) {
        json_t *o = json_object();
        for (int c = 0; o && c < v->ncols; c++)
            json_object_set_new(o, v->head[c], cell(PQgetvalue(res, r, c), v->align[c]));
        if (o == NULL || json_array_append_new(rows, o) != 0) {
            json_decref(rows);
            return NULL;
        }
    }
    return rows;
}

/* A store's own role would show the chain as that store alone (row-level
 * security), silently: refused, once per connection. A reader reads the
 * list of stores; a store's role may not, nor is it one. */
static bool reader_checked(int *status)
{
    if (rd.checked)
        return true;
    /* A view that would run longer is cancelled: a request thread of the
     * store server is never held long by head office. */
    PGresult *res = PQexec(rd.pg, "SET statement_timeout = '" HQ_READ_TIMEOUT "'");
    PQclear(res);
    res = PQexec(rd.pg, "SELECT code FROM hq.store WHERE role = session_user");
    bool ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 0;
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (PQresultStatus(res) == PGRES_TUPLES_OK && !ok)
        snprintf(rd.refusal, sizeof rd.refusal, "the role given to --hq-read is store %s's own, which sees only "
                 "its own rows: give a reader's (hq reader add)", PQgetvalue(res, 0, 0));
    else if (!ok && state && strcmp(state, "42501") == 0)
        snprintf(rd.refusal, sizeof rd.refusal, "the role given to --hq-read may not read the chain's stores: give "
                 "a reader's (hq reader add)");
    else if (!ok)
        snprintf(rd.refusal, sizeof rd.refusal, "%s", PQresultErrorMessage(res));
    PQclear(res);
    rd.checked = ok;
    if (!ok)
        *status = 502;
    return ok;
}

/* The query on the shared connection, connecting first when there is none
 * or it broke. A query refused on a live connection is not tried again. */
static PGresult *run_locked(const struct hq_query *q, int *status)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        if (rd.pg && PQstatus(rd.pg) != CONNECTION_OK) {
            PQfinish(rd.pg);
            rd.pg = NULL;
            rd.checked = false;
        }
        if (rd.pg == NULL && hq_connect(&rd.pg, rd.url, rd.password_file, true) != 0) {
            *status = 503; /* hq_connect said why on the server's standard error */
            return NULL;
        }
        if (!reader_checked(status)) {
            if (PQstatus(rd.pg) == CONNECTION_OK)
                return NULL; /* a store's role, or head office refused: said in rd.refusal */
            continue;        /* the link dropped: once more on a new one */
        }
        PGresult *res = hq_query(rd.pg, q);
        if (PQresultStatus(res) == PGRES_TUPLES_OK || PQstatus(rd.pg) == CONNECTION_OK) {
            *status = PQresultStatus(res) == PGRES_TUPLES_OK ? 200 : 502;
            if (*status == 502)
                snprintf(rd.refusal, sizeof rd.refusal, "%s", PQresultErrorMessage(res));
            return res;
        }
        PQclear(res); /* the link dropped (head office restarted): once more on a new one */
    }
    *status = 503;
    return NULL;
}

int hq_read_view(json_t **out, const struct hq_query *q)
{
    const struct hq_view *v = hq_view_find(q->what);
    int status = 503;
    char words[sizeof rd.refusal];
    struct timespec until;
    *out = NULL;
    /* Another view holding the connection longer than this: this one gives
     * up (503) rather than hold its thread. */
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 12;
    if (pthread_mutex_timedlock(&rd.lock, &until) != 0)
        return 503;
    PGresult *res = run_locked(q, &status);
    if (status == 200)
        *out = rows_json(res, v);
    else if (status == 502)
        memcpy(words, rd.refusal, sizeof words);
    pthread_mutex_unlock(&rd.lock);
    PQclear(res);
    if (status == 200 && *out == NULL)
        status = 500;
    if (status == 502) {
        char clipped[700]; /* 160 characters of up to 4 bytes */
        words[strcspn(words, "\r\n")] = '\0';
        *out = json_string(ent_text_clip(clipped, sizeof clipped, words, 160));
    }
    return status;
}
