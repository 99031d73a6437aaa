/*
 * entrepot serve — Server-Sent Events: GET /api/v1/events tells clients when
 * stock, prices or the label queue change.
 *
 * The writer publishes a write's event only after its group's COMMIT (a
 * write refused in its savepoint, or a group whose commit failed, publishes
 * nothing). Events go into a ring of the last SRV_EVENTS_RING; each stream
 * remembers the next id it must send. A stream with nothing to send is
 * suspended (MHD does not poll it) and resumed by the next event, by the
 * keep-alive tick or at shutdown. A client that fell so far behind that its
 * next event left the ring is dropped (the stream ends); reconnecting with
 * Last-Event-ID it gets a "reset" event: refetch what you show.
 *
 * Ids start from the server's start time in microseconds, so that an id of
 * an earlier run never passes for one of this run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

#define EVENT_DATA_MAX 480

struct event {
    uint64_t id;
    char type[16];
    char data[EVENT_DATA_MAX];
};

/* One open stream. Lives from the route to MHD's release of its response. */
struct sub {
    struct MHD_Connection *conn;
    uint64_t next;    /* the id of the next event to send */
    int reset;        /* send "reset" first: events it asked for are gone */
    int started;      /* the "retry:" line was sent */
    int suspended;    /* suspended by us: resume it exactly once */
    int keepalive;    /* a keep-alive comment is due */
    struct sub *prev, *nxt;
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t tick;
    pthread_t ticker;
    int running, stop;
    struct event ring[SRV_EVENTS_RING];
    uint64_t first_id; /* the id of this run's first event */
    uint64_t head;     /* the id the next event gets */
    struct sub *subs;
    int nsubs;
    int64_t published, dropped;
} ev = {.lock = PTHREAD_MUTEX_INITIALIZER, .tick = PTHREAD_COND_INITIALIZER};

static uint64_t oldest_locked(void)
{
    uint64_t n = ev.head - ev.first_id;
    return n > SRV_EVENTS_RING ? ev.head - SRV_EVENTS_RING : ev.first_id;
}

/* Takes every suspended stream off the list of those to resume; the caller
 * resumes them after unlocking (a suspended connection cannot be closed
 * meanwhile, so the pointers stay good). */
static size_t take_suspended(struct MHD_Connection **out, size_t cap, int keepalive)
{
    size_t n = 0;
    for (struct sub *s = ev.subs; s; s = s->nxt) {
        if (keepalive)
            s->keepalive = 1;
        if (s->suspended && n < cap) {
            s->suspended = 0;
            out[n++] = s->conn;
        }
    }
    return n;
}

static void wake(int keepalive)
{
    struct MHD_Connection *conns[SRV_EVENTS_SUBS_MAX];
    pthread_mutex_lock(&ev.lock);
    size_t n = take_suspended(conns, SRV_EVENTS_SUBS_MAX, keepalive);
    pthread_mutex_unlock(&ev.lock);
    for (size_t i = 0; i < n; i++)
        MHD_resume_connection(conns[i]);
}

void events_publish(const char *type, json_t *data)
{
    char *text = json_dumps(data, JSON_COMPACT | JSON_ESCAPE_SLASH);
    if (text == NULL)
        return;
    pthread_mutex_lock(&ev.lock);
    struct event *e = &ev.ring[ev.head % SRV_EVENTS_RING];
    e->id = ev.head++;
    snprintf(e->type, sizeof e->type, "%s", type);
    /* Events name what changed, never more: the data is small. A longer one
     * says only its kind; the client refetches. */
    snprintf(e->data, sizeof e->data, "%s", strlen(text) < sizeof e->data ? text : "{}");
    ev.published++;
    pthread_mutex_unlock(&ev.lock);
    free(text);
    wake(0);
}

static void *ticker_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&ev.lock);
    while (!ev.stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += srv_g->cfg.events_keepalive_s;
        while (!ev.stop && pthread_cond_timedwait(&ev.tick, &ev.lock, &until) != ETIMEDOUT) {
        }
        if (ev.stop)
            break;
        pthread_mutex_unlock(&ev.lock);
        wake(1);
        pthread_mutex_lock(&ev.lock);
    }
    pthread_mutex_unlock(&ev.lock);
    return NULL;
}

int events_start(void)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    ev.first_id = ev.head = (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u;
    ev.stop = 0;
    if (pthread_create(&ev.ticker, NULL, ticker_main, NULL) != 0)
        return -1;
    ev.running = 1;
    return 0;
}

/* Every stream ends (each is resumed and sees stopping); the ticker ends. */
void events_stop(void)
{
    pthread_mutex_lock(&ev.lock);
    ev.stop = 1;
    pthread_cond_broadcast(&ev.tick);
    pthread_mutex_unlock(&ev.lock);
    wake(0);
    if (ev.running) {
        pthread_join(ev.ticker, NULL);
        ev.running = 0;
    }
}

/* ---- one stream --------------------------------------------------------- */

static size_t put_event(char *buf, size_t max, const struct event *e)
{
    int n = snprintf(buf, max, "id: %llu\nevent: %s\ndata: %s\n\n", (unsigned long long)e->id, e->type, e->data);
    return n > 0 && (size_t)n < max ? (size_t)n : 0;
}

/* What the stream sends next: bytes, 0 when suspended, or an end. Called by
 * MHD on the connection's thread whenever the socket can take more. */
static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct sub *s = cls;
    size_t n = 0;
    (void)pos;
    pthread_mutex_lock(&ev.lock);
    if (ev.stop || atomic_load(&srv_g->stopping)) {
        pthread_mutex_unlock(&ev.lock);
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    if (!s->started) {
        int k = snprintf(buf, max, "retry: 2000\n\n");
        n = k > 0 && (size_t)k < max ? (size_t)k : 0;
        s->started = 1;
    }
    if (s->reset) {
        int k = snprintf(buf + n, max - n, "event: reset\ndata: {}\n\n");
        if (k > 0 && (size_t)k < max - n) {
            n += (size_t)k;
            s->reset = 0;
        }
    }
    if (s->next < oldest_locked()) { /* fell behind: what it missed is gone */
        ev.dropped++;
        pthread_mutex_unlock(&ev.lock);
        return n > 0 ? (ssize_t)n : MHD_CONTENT_READER_END_OF_STREAM;
    }
    while (s->next < ev.head) {
        size_t k = put_event(buf + n, max - n, &ev.ring[s->next % SRV_EVENTS_RING]);
        if (k == 0)
            break;
        n += k;
        s->next++;
    }
    if (n == 0 && s->keepalive) {
        int k = snprintf(buf, max, ": keep-alive\n\n");
        n = k > 0 && (size_t)k < max ? (size_t)k : 0;
    }
    s->keepalive = 0;
    if (n == 0) {
        /* Suspended under the lock, before anyone can see the flag: the
         * resume always comes after the suspension. */
        MHD_suspend_connection(s->conn);
        s->suspended = 1;
    }
    pthread_mutex_unlock(&ev.lock);
    return (ssize_t)n;
}

static void release(void *cls)
{
    struct sub *s = cls;
    pthread_mutex_lock(&ev.lock);
    if (s->prev)
        s->prev->nxt = s->nxt;
    else
        ev.subs = s->nxt;
    if (s->nxt)
        s->nxt->prev = s->prev;
    ev.nsubs--;
    pthread_mutex_unlock(&ev.lock);
    free(s);
}

/* Where a stream resuming after Last-Event-ID starts: 0, or 1 when the
 * events after it are no longer all here (or the id is not this run's). */
static int resume_from(struct sub *s, const char *last)
{
    char *end = NULL;
    errno = 0;
    unsigned long long id = last ? strtoull(last, &end, 10) : 0;
    s->next = ev.head;
    if (last == NULL)
        return 0;
    if (errno || end == last || *end != '\0' || id + 1 < oldest_locked() || id >= ev.head)
        return 1;
    s->next = id + 1;
    return 0;
}

int route_events(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    struct sub *s = calloc(1, sizeof *s);
    if (s == NULL) {
        reply_error(out, 500, "error", NULL, "out of memory");
        return 0;
    }
    s->conn = r->conn;
    const char *last = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Last-Event-ID");
    pthread_mutex_lock(&ev.lock);
    if (ev.nsubs >= (int)srv_g->cfg.events_max || ev.nsubs >= SRV_EVENTS_SUBS_MAX) {
        pthread_mutex_unlock(&ev.lock);
        free(s);
        reply_error(out, 503, "too_many_streams", NULL, "%u event streams are open: no more are taken",
                    srv_g->cfg.events_max);
        snprintf(out->retry_after, sizeof out->retry_after, "%u", srv_g->cfg.events_keepalive_s);
        return 0;
    }
    s->reset = resume_from(s, last);
    s->nxt = ev.subs;
    if (ev.subs)
        ev.subs->prev = s;
    ev.subs = s;
    ev.nsubs++;
    pthread_mutex_unlock(&ev.lock);
    struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, reader, s, release);
    if (resp == NULL) {
        release(s);
        reply_error(out, 500, "error", NULL, "out of memory");
        return 0;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    out->status = 200;
    out->stream = resp;
    return 0;
}

/* ---- what the writer publishes ------------------------------------------ */

void srv_job_event(struct job *job, const char *type, json_t *data)
{
    json_t *e = json_pack("{s:s, s:o, s:s}", "type", type, "data", data, "by", job->user);
    json_array_append_new(job->events ? job->events : (job->events = json_array()), e);
}

void events_publish_job(struct job *job, int committed)
{
    size_t i;
    json_t *e;
    if (committed)
        json_array_foreach(job->events, i, e)
        {
            json_t *d = json_object_get(e, "data");
            json_object_set(d, "by", json_object_get(e, "by"));
            events_publish(json_string_value(json_object_get(e, "type")), d);
        }
    json_decref(job->events);
    job->events = NULL;
}
