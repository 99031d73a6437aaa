/*
 * entrepot serve — writes made beside the server (the CLI on the same
 * database file: `stock receive`, a price change, labels queued or printed)
 * reach the event streams too.
 *
 * The writer publishes its own writes' events (with what the request said).
 * A thread of its own here looks five times a second for rows added to the
 * append-only records (ent_changes_since: stock moves, changes of a
 * commodity, labels queued, label prints) and publishes an event for each
 * that the writer did not make. Which rows are the writer's: inside its
 * group's BEGIN IMMEDIATE nobody else can write, so the rows between the
 * marks taken at the group's start and just before its COMMIT are exactly
 * its own (a span); the span is noted before the COMMIT, so the watcher
 * never sees those rows without it, and is taken back if the COMMIT fails
 * (the ids may then be used again by someone else).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "server.h"

#define WATCH_SPANS 1024      /* the writer's spans not yet passed by the watcher */
#define WATCH_BATCH 500       /* rows of each record read at a time */
#define WATCH_EVENTS_MAX 32   /* events of one look; more are summed up */
#define WATCH_PERIOD_NS 200000000L

struct span {
    ent_change_marks from, to;
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t thread;
    int running, stop;
    struct span spans[WATCH_SPANS]; /* a ring: oldest at first */
    size_t first, n;
    ent_db *db;
    ent_change_marks seen; /* the watcher's thread only */
    ent_change_marks group_from; /* the writer's thread only */
    int group_ok;
} w = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

/* ---- the writer's spans ------------------------------------------------- */

void watch_group_begin(ent_db *db)
{
    w.group_ok = w.db && ent_changes_mark(db, &w.group_from) == ENT_OK;
}

static int marks_equal(const ent_change_marks *a, const ent_change_marks *b)
{
    return a->stock_move == b->stock_move && a->product_change == b->product_change &&
           a->label_queue == b->label_queue && a->label_print == b->label_print;
}

int watch_group_end(ent_db *db)
{
    ent_change_marks to;
    if (!w.group_ok || ent_changes_mark(db, &to) != ENT_OK || marks_equal(&to, &w.group_from))
        return 0;
    pthread_mutex_lock(&w.lock);
    if (w.n == WATCH_SPANS) { /* the watcher is far behind: the oldest span goes (a double event at worst) */
        w.first = (w.first + 1) % WATCH_SPANS;
        w.n--;
    }
    w.spans[(w.first + w.n) % WATCH_SPANS] = (struct span){.from = w.group_from, .to = to};
    w.n++;
    pthread_mutex_unlock(&w.lock);
    return 1;
}

void watch_group_failed(void)
{
    pthread_mutex_lock(&w.lock);
    if (w.n > 0)
        w.n--;
    pthread_mutex_unlock(&w.lock);
}

static int64_t mark_of(const ent_change_marks *m, const char *table)
{
    return strcmp(table, "stock_move") == 0       ? m->stock_move
           : strcmp(table, "product_change") == 0 ? m->product_change
           : strcmp(table, "label_queue") == 0    ? m->label_queue
                                                  : m->label_print;
}

/* Under the lock: was row id of table written by the server's writer? */
static int own_locked(const char *table, int64_t id)
{
    for (size_t i = 0; i < w.n; i++) {
        const struct span *s = &w.spans[(w.first + i) % WATCH_SPANS];
        if (id > mark_of(&s->from, table) && id <= mark_of(&s->to, table))
            return 1;
    }
    return 0;
}

/* Under the lock: the spans wholly behind what the watcher has read go. */
static void prune_locked(void)
{
    while (w.n > 0) {
        const struct span *s = &w.spans[w.first];
        if (s->to.stock_move > w.seen.stock_move || s->to.product_change > w.seen.product_change ||
            s->to.label_queue > w.seen.label_queue || s->to.label_print > w.seen.label_print)
            break;
        w.first = (w.first + 1) % WATCH_SPANS;
        w.n--;
    }
}

/* ---- the watcher -------------------------------------------------------- */

struct look {
    json_t *events[WATCH_EVENTS_MAX];
    size_t n;
    int64_t more; /* changes beyond WATCH_EVENTS_MAX */
    int rows;     /* rows read this round */
};

static int same(const char *a, const char *b)
{
    return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

static int on_change(const ent_change *c, void *ud)
{
    struct look *l = ud;
    l->rows++;
    if (strcmp(c->kind, "catalog") == 0)
        return 0;
    pthread_mutex_lock(&w.lock);
    int own = own_locked(c->table, c->id);
    pthread_mutex_unlock(&w.lock);
    if (own)
        return 0;
    /* One event per commodity and place in a look: a receipt of many rows is one. */
    for (size_t i = 0; i < l->n; i++) {
        json_t *d = json_object_get(l->events[i], "data");
        if (strcmp(json_string_value(json_object_get(l->events[i], "type")), c->kind) == 0 &&
            same(json_string_value(json_object_get(d, "product")), c->product) &&
            same(json_string_value(json_object_get(d, "location")), c->location))
            return 0;
    }
    if (l->n == WATCH_EVENTS_MAX) {
        l->more++;
        return 0;
    }
    json_t *d = json_pack("{s:b}", "outside", 1);
    const char *names[] = {"product", "location", "what", "by"}, *values[] = {c->product, c->location, c->what, c->user};
    for (int k = 0; k < 4; k++) /* what a record does not hold is left out */
        if (values[k])
            json_object_set_new(d, names[k], json_string(values[k]));
    l->events[l->n++] = json_pack("{s:s, s:o}", "type", c->kind, "data", d);
    return 0;
}

static void publish(struct look *l)
{
    for (size_t i = 0; i < l->n; i++) {
        events_publish(json_string_value(json_object_get(l->events[i], "type")),
                       json_object_get(l->events[i], "data"));
        json_decref(l->events[i]);
    }
    if (l->more > 0) { /* too many to name: clients refetch */
        json_t *d = json_pack("{s:b, s:I}", "outside", 1, "more", (json_int_t)l->more);
        events_publish("stock", d);
        events_publish("price", d);
        events_publish("labels", d);
        json_decref(d);
    }
    l->n = 0;
    l->more = 0;
}

static void look_once(void)
{
    struct look l = {0};
    do {
        l.rows = 0;
        if (ent_changes_since(w.db, &w.seen, WATCH_BATCH, on_change, &l) != ENT_OK) {
            fprintf(stderr, "entrepot: reading what changed: %s\n", ent_errmsg(w.db));
            break;
        }
    } while (l.rows > 0 && !w.stop);
    publish(&l);
    pthread_mutex_lock(&w.lock);
    prune_locked();
    pthread_mutex_unlock(&w.lock);
}

static void *watch_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&w.lock);
    while (!w.stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += WATCH_PERIOD_NS;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!w.stop && pthread_cond_timedwait(&w.cond, &w.lock, &until) != ETIMEDOUT) {
        }
        if (w.stop)
            break;
        pthread_mutex_unlock(&w.lock);
        look_once();
        pthread_mutex_lock(&w.lock);
    }
    pthread_mutex_unlock(&w.lock);
    return NULL;
}

/* Before the writer takes any job: what is there now is not news. */
int watch_start(const char *path)
{
    int rc = ent_db_open(&w.db, path, ENT_OPEN_READONLY);
    if (rc == ENT_OK)
        rc = ent_changes_mark(w.db, &w.seen);
    if (rc != ENT_OK) {
        fprintf(stderr, "entrepot: cannot follow the writes made beside the server: %s\n", ent_errmsg(w.db));
        ent_db_close(w.db);
        w.db = NULL;
        return rc;
    }
    w.stop = 0;
    if (pthread_create(&w.thread, NULL, watch_main, NULL) != 0) {
        ent_db_close(w.db);
        w.db = NULL;
        return ENT_ERROR;
    }
    w.running = 1;
    return ENT_OK;
}

void watch_stop(void)
{
    pthread_mutex_lock(&w.lock);
    w.stop = 1;
    pthread_cond_broadcast(&w.cond);
    pthread_mutex_unlock(&w.lock);
    if (w.running) {
        pthread_join(w.thread, NULL);
        w.running = 0;
    }
    ent_db_close(w.db);
    w.db = NULL;
}
