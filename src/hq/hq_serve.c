/* `entrepot serve --hq`: the store server syncs with head office in a
 * thread of its own, with its own SQLite connection and its own PostgreSQL
 * connection. It never goes through the server's writer: its writes (the
 * acknowledgements, each page of head office's changes) are short
 * transactions of their own, taken while no network call is waiting, so a
 * slow or absent head office never holds a sale. A round pushes the outbox
 * and pulls prices; one starts as soon as the outbox grows (looked at once a
 * second) and at least every interval; after a failure the next waits 1, 2,
 * 4... seconds, at most the interval. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hq.h"
#include "hq_serve.h"

static struct {
    struct hq_bg_config cfg;
    pthread_t thread;
    bool started;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop;
    /* what the status route reads, under lock */
    char store[ENT_STORE_CODE_SIZE];
    bool linked;                  /* the last round reached head office */
    char last_try[ENT_TIME_SIZE]; /* when the last round began ("" none yet) */
    char last_ok[ENT_TIME_SIZE];  /* when a round last ended well */
    int last_status;              /* the last round's exit status (0: well) */
    int64_t rounds, failures;
    int64_t hq_events, hq_newest_seq, to_pull; /* head office's side after the last good round (-1: unknown) */
} bg = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER, .hq_events = -1, .hq_newest_seq = -1,
        .to_pull = -1};

static void now_utc(char out[ENT_TIME_SIZE])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(out, ENT_TIME_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Head office's side once a round is through: its events of this store and
 * the price changes still to pull (row-level security keeps both to this
 * store's and the chain's rows). */
static void read_hq_side(PGconn *pg, int64_t pulled_id)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)pulled_id);
    const char *params[1] = {num};
    PGresult *res = PQexecParams(pg, "SELECT count(*), coalesce(max(seq), 0), (SELECT count(*) FROM "
                                     "hq.price_change WHERE id > $1) FROM hq.event", 1, NULL, params, NULL, NULL, 0);
    pthread_mutex_lock(&bg.lock);
    if (PQresultStatus(res) == PGRES_TUPLES_OK) {
        bg.hq_events = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        bg.hq_newest_seq = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
        bg.to_pull = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
    }
    pthread_mutex_unlock(&bg.lock);
    PQclear(res);
}

/* One round: connects when not connected, pushes and pulls. */
static int round_once(struct cli *cli, PGconn **pg)
{
    char at[ENT_TIME_SIZE];
    bool first = false;
    int st = 0;
    now_utc(at);
    pthread_mutex_lock(&bg.lock);
    snprintf(bg.last_try, sizeof bg.last_try, "%s", at);
    pthread_mutex_unlock(&bg.lock);
    if (*pg && PQstatus(*pg) != CONNECTION_OK) {
        PQfinish(*pg);
        *pg = NULL;
    }
    if (*pg == NULL) {
        if ((st = hq_connect(pg, bg.cfg.url, bg.cfg.password_file, true)) != 0)
            goto done;
        first = true;
    }
    st = hq_sync_round(cli, *pg, bg.store, first);
    if (st == 0) {
        ent_outbox_status s;
        if (ent_outbox_status_get(cli->db, &s) == ENT_OK)
            read_hq_side(*pg, s.pulled_id);
    } else {
        /* A refusal or a lost link: start again from a new connection
         * (which also lets go of the store's lock). */
        PQfinish(*pg);
        *pg = NULL;
    }
done:
    pthread_mutex_lock(&bg.lock);
    bg.rounds++;
    bg.last_status = st;
    bg.linked = st == 0;
    if (st == 0)
        now_utc(bg.last_ok);
    else
        bg.failures++;
    pthread_mutex_unlock(&bg.lock);
    return st;
}

/* Waits up to one second, or until asked to stop: true to stop. */
static bool tick(void)
{
    struct timespec until;
    bool stop;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 1;
    pthread_mutex_lock(&bg.lock);
    while (!bg.stop)
        if (pthread_cond_timedwait(&bg.cond, &bg.lock, &until) == ETIMEDOUT)
            break;
    stop = bg.stop;
    pthread_mutex_unlock(&bg.lock);
    return stop;
}

static void *run(void *arg)
{
    (void)arg;
    struct cli cli = {.db_path = bg.cfg.db_path, .format = FORMAT_TABLE, .db = NULL};
    PGconn *pg = NULL;
    time_t next_full = 0, retry_at = 0;
    int backoff = 1;
    int rc = ent_db_open(&cli.db, bg.cfg.db_path, 0);
    if (rc != ENT_OK) {
        cli_error(EXIT_IO, "head office sync stopped: %s", cli_db_errmsg(cli.db));
        ent_db_close(cli.db);
        return NULL;
    }
    while (!tick()) {
        ent_outbox_status s;
        time_t now = time(NULL);
        bool grew = ent_outbox_status_get(cli.db, &s) == ENT_OK && s.last_seq > s.acked_seq;
        if (now < retry_at || (!grew && now < next_full))
            continue;
        if (round_once(&cli, &pg) == 0) {
            backoff = 1;
            retry_at = 0;
            next_full = now + bg.cfg.interval_s;
        } else {
            /* Not again at every new sale while the link is down. */
            retry_at = time(NULL) + backoff;
            backoff = backoff * 2 > bg.cfg.interval_s ? bg.cfg.interval_s : backoff * 2;
            next_full = retry_at;
        }
    }
    PQfinish(pg);
    ent_db_close(cli.db);
    return NULL;
}

int hq_bg_start(const struct hq_bg_config *c)
{
    int st = hq_check_address(c->url, c->password_file);
    if (st != 0)
        return st;
    bg.cfg = *c;
    hq_sync_quiet = true;
    if ((st = pthread_create(&bg.thread, NULL, run, NULL)) != 0)
        return cli_error(EXIT_IO, "cannot start the head-office sync: %s", strerror(st));
    bg.started = true;
    return 0;
}

void hq_bg_stop(void)
{
    if (!bg.started)
        return;
    pthread_mutex_lock(&bg.lock);
    bg.stop = true;
    pthread_cond_signal(&bg.cond);
    pthread_mutex_unlock(&bg.lock);
    pthread_join(bg.thread, NULL);
    bg.started = false;
}

bool hq_bg_enabled(void)
{
    return bg.started;
}

static json_t *str_or_null(const char *s)
{
    return s[0] ? json_string(s) : json_null();
}

json_t *hq_bg_status(void)
{
    json_t *o;
    pthread_mutex_lock(&bg.lock);
    o = json_pack("{s:b, s:o, s:b, s:o, s:o, s:I, s:I, s:i}", "enabled", bg.started, "store", str_or_null(bg.store),
                  "linked", bg.linked, "last_try_at", str_or_null(bg.last_try), "last_ok_at", str_or_null(bg.last_ok),
                  "rounds", (json_int_t)bg.rounds, "failures", (json_int_t)bg.failures, "last_status",
                  bg.last_status);
    if (o && bg.hq_events >= 0)
        json_object_update_new(o, json_pack("{s:I, s:I, s:I}", "hq_events", (json_int_t)bg.hq_events,
                                            "hq_newest_seq", (json_int_t)bg.hq_newest_seq, "hq_to_pull",
                                            (json_int_t)bg.to_pull));
    pthread_mutex_unlock(&bg.lock);
    return o;
}
