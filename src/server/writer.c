/*
 * entrepot serve — the writer: one thread owns the write connection. It takes
 * every write waiting, runs each in its own savepoint inside one BEGIN
 * IMMEDIATE (ent_db_group_begin), commits the group with one durable COMMIT,
 * and only then answers each request. One fsync carries every sale that was
 * waiting: this is what lets many counters sell faster than single commits.
 *
 * The wait for the disk is pipelined: with a syncer open on its connection
 * (ent_db_syncer_open) the writer's COMMIT waits for no disk, and the group
 * goes to the sync thread, which fsyncs the write-ahead log once for every
 * group handed over meanwhile and only then publishes their events and
 * answers their requests (MHD_resume_connection off the writer too); the
 * writer is already running the next group. A request is still answered
 * only once its writes would survive a power cut. Readers on other
 * connections may see a group during its sync: a power cut then takes it,
 * unanswered, with every group after it (the log is lost only from its end).
 *
 * The log's checkpoint runs on a thread of its own too
 * (ent_db_checkpointer_open): SQLite's automatic one would run inside the
 * writer's COMMIT every 1000 pages, copying them and waiting for two fsyncs.
 *
 * Logins go to a second thread with a write connection of its own, one
 * transaction each: checking a password costs scrypt's tens of milliseconds
 * (outside any transaction), which must not hold the writer's group open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "server.h"

/* What every job of a group answers when the group's COMMIT fails: none of
 * its writes happened, whatever its own savepoint said. */
static void group_failed(struct job *list, ent_db *db, int rc)
{
    for (struct job *j = list; j; j = j->next) {
        reply_free(&j->reply);
        reply_ent(&j->reply, db, rc == ENT_OK ? ENT_ERROR : rc);
    }
}

#define LOG_PAGES_MAX 4000 /* see run_group */

/* ---- the sync thread ---------------------------------------------------- */

static void answer(struct job *list, int done);

/* Groups committed but not yet on disk, for the sync thread; jobs chained
 * by next, group after group. */
static struct syncq {
    pthread_t thread;
    int running;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct job *head, *tail;
    int stop;
    ent_db_syncer *syncer; /* NULL: no pipeline, the writer's COMMIT waits for the disk */
    int failed;            /* a sync failed once: nothing after it is known kept */
    ent_db_checkpointer *ckpt; /* the log's checkpoint, off the writer */
} sq = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

/* The disk refused the log: the writes were committed but may be lost, so
 * the requests are told they failed and their events are dropped. Once is
 * enough to distrust every later sync (a failed fsync may have dropped the
 * pages it could not write, and the next one would not say so). */
static void sync_failed(struct job *list)
{
    if (!sq.failed)
        fprintf(stderr, "entrepot: %s; writes are no longer answered as kept: stop the server and check the disk\n",
                ent_error_last()->message);
    sq.failed = 1;
    for (struct job *j = list; j; j = j->next) {
        reply_free(&j->reply);
        reply_error(&j->reply, 500, "error", NULL,
                    "the disk did not keep the database's log: this write may be lost; the server needs its "
                    "administrator");
        events_publish_job(j, 0);
    }
}

static void *sync_main(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&sq.lock);
        while (sq.head == NULL && !sq.stop)
            pthread_cond_wait(&sq.cond, &sq.lock);
        struct job *list = sq.head;
        sq.head = sq.tail = NULL;
        pthread_mutex_unlock(&sq.lock);
        if (list == NULL)
            break; /* stopping, and every group handed over is answered */
        /* One fsync for every group committed before it was called. */
        if (sq.failed || ent_db_syncer_sync(sq.syncer) != ENT_OK) {
            sync_failed(list);
        } else {
            for (struct job *j = list; j; j = j->next)
                events_publish_job(j, 1);
        }
        answer(list, 1);
    }
    return NULL;
}

/* The writer hands over a committed group (its jobs' order is kept). */
static void sync_submit(struct job *list)
{
    struct job *last = list;
    while (last->next)
        last = last->next;
    pthread_mutex_lock(&sq.lock);
    if (sq.tail)
        sq.tail->next = list;
    else
        sq.head = list;
    sq.tail = last;
    pthread_cond_signal(&sq.cond);
    pthread_mutex_unlock(&sq.lock);
}

static int sync_start(ent_db *db)
{
    /* The checkpoint of the log copies pages and waits for the disk twice:
     * not on the writer, whose every group would wait behind it. */
    if (ent_db_checkpointer_open(db, &sq.ckpt) != ENT_OK)
        fprintf(stderr, "entrepot: the writer checkpoints the log itself: %s\n", cli_db_errmsg(db));
    if (ent_db_syncer_open(db, &sq.syncer) != ENT_OK) {
        /* Still correct, only slower: each COMMIT waits for the disk itself. */
        fprintf(stderr, "entrepot: each group commit waits for the disk: %s\n", cli_db_errmsg(db));
        return ENT_OK;
    }
    if (pthread_create(&sq.thread, NULL, sync_main, NULL) != 0) {
        fprintf(stderr, "entrepot: cannot start the sync thread\n");
        ent_db_syncer_close(sq.syncer);
        sq.syncer = NULL;
        return ENT_ERROR;
    }
    sq.running = 1;
    return ENT_OK;
}

/* After the writer thread has ended: answers what is left, then ends. */
static void sync_stop(void)
{
    if (sq.running) {
        pthread_mutex_lock(&sq.lock);
        sq.stop = 1;
        pthread_cond_signal(&sq.cond);
        pthread_mutex_unlock(&sq.lock);
        pthread_join(sq.thread, NULL);
        sq.running = 0;
    }
    ent_db_syncer_close(sq.syncer);
    sq.syncer = NULL;
    ent_db_checkpointer_close(sq.ckpt);
    sq.ckpt = NULL;
}

/* ---- the writer ---------------------------------------------------------- */

/* Runs a group; 1 when it went to the sync thread (answered there), 0 when
 * it is to be answered now. */
static int run_group(struct wqueue *q, struct job *list)
{
    /* A busy writer's log would only grow (db.h): past 4000 pages (16 MiB)
     * the group waits for the checkpoint of the little not yet copied, and
     * starts the log over. At most 5 ms: that and one fsync of the database
     * take well under it on an idle disk; a busy disk's fsync can take a
     * hundred times as long, and every request of the group with it. */
    ent_db_checkpointer_catch_up(sq.ckpt, LOG_PAGES_MAX, 5);
    int rc = ent_db_group_begin(q->db);
    if (rc != ENT_OK) {
        group_failed(list, q->db, rc);
        return 0;
    }
    int n = 0;
    watch_group_begin(q->db);
    for (struct job *j = list; j; j = j->next, n++)
        j->run(q->db, q->journal, j);
    int spanned = watch_group_end(q->db); /* before the COMMIT: the watcher knows these rows are ours */
    int piped = sq.running;
    rc = ent_db_group_end(q->db, 1);
    q->groups++;
    q->writes += n;
    if (rc != ENT_OK && spanned)
        watch_group_failed();
    if (rc == ENT_OK && piped) {
        sync_submit(list);
        return 1;
    }
    if (rc != ENT_OK)
        group_failed(list, q->db, rc);
    /* Only now is it true: what the writes changed goes to the event streams. */
    for (struct job *j = list; j; j = j->next)
        events_publish_job(j, rc == ENT_OK);
    return 0;
}

static void run_each(struct wqueue *q, struct job *list)
{
    for (struct job *j = list; j; j = j->next) {
        j->run(q->db, q->journal, j);
        events_publish_job(j, 1);
        q->groups++;
        q->writes++;
    }
}

/* Answers the jobs' requests, each suspended waiting for this (done: the
 * job ran). A job without a request (a session's touch) is released. */
static void submit(struct wqueue *q, struct job *job);

static void answer(struct job *list, int done)
{
    while (list) {
        struct job *next = list->next;
        list->next = NULL;
        list->done = done;
        if (list->then && done && list->reply.status == 0) {
            /* Checked on the login thread: now the write itself. */
            list->run = list->then;
            list->then = NULL;
            submit(&srv_g->writer, list);
        } else if (list->conn) {
            MHD_resume_connection(list->conn);
        } else {
            reply_free(&list->reply);
            if (list->free_arg)
                list->free_arg(list->arg);
            free(list);
        }
        list = next;
    }
}

static void *queue_main(void *arg)
{
    struct wqueue *q = arg;
    for (;;) {
        pthread_mutex_lock(&q->lock);
        while (q->head == NULL && !q->stop)
            pthread_cond_wait(&q->cond, &q->lock);
        struct job *list = q->head;
        q->head = q->tail = NULL;
        if (list == NULL) { /* stopping, and nothing is left: no more jobs are taken */
            q->stop = 2;
            pthread_mutex_unlock(&q->lock);
            break;
        }
        pthread_mutex_unlock(&q->lock);
        if (q->group && run_group(q, list))
            continue;
        if (!q->group)
            run_each(q, list);
        answer(list, 1);
    }
    return NULL;
}

static void submit(struct wqueue *q, struct job *job)
{
    pthread_mutex_lock(&q->lock);
    if (q->stop == 2) {
        /* Too late (a request outlived the drain): answered 503 unwritten. */
        pthread_mutex_unlock(&q->lock);
        answer(job, 0);
        return;
    }
    if (q->tail)
        q->tail->next = job;
    else
        q->head = job;
    q->tail = job;
    pthread_cond_signal(&q->cond);
    pthread_mutex_unlock(&q->lock);
}

static int queue_start(struct wqueue *q, const char *path, int group)
{
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->cond, NULL);
    q->group = group;
    int rc = ent_db_open(&q->db, path, ENT_OPEN_DURABLE | (group && srv_g->subjournal ? ENT_OPEN_SUBJOURNAL : 0));
    if (rc != ENT_OK) {
        fprintf(stderr, "entrepot: %s\n", ent_errmsg(q->db));
        return rc;
    }
    return ENT_OK;
}

static int queue_run(struct wqueue *q)
{
    if (pthread_create(&q->thread, NULL, queue_main, q) != 0) {
        fprintf(stderr, "entrepot: cannot start a writer thread\n");
        return ENT_ERROR;
    }
    q->running = 1;
    return ENT_OK;
}

static void queue_stop(struct wqueue *q)
{
    if (q->running) {
        pthread_mutex_lock(&q->lock);
        if (q->stop == 0)
            q->stop = 1;
        pthread_cond_signal(&q->cond);
        pthread_mutex_unlock(&q->lock);
        pthread_join(q->thread, NULL);
        q->running = 0;
    }
    ent_db_close(q->db);
    q->db = NULL;
}

/* Opens the write connections and the journal (sales need it; without a key
 * the server still serves everything else and says why sales are refused). */
int writer_start(struct srv *s)
{
    int rc = queue_start(&s->writer, s->cfg.db_path, 1);
    if (rc == ENT_OK)
        rc = queue_start(&s->auth, s->cfg.db_path, 0);
    if (rc != ENT_OK)
        return rc;
    ent_journal_open_opts o = {.counter = "server"};
    rc = ent_journal_open(&s->writer.journal, s->writer.db, &o);
    if (rc != ENT_OK) {
        snprintf(s->journal_problem, sizeof s->journal_problem, "%s", ent_errmsg(s->writer.db));
        fprintf(stderr, "entrepot: sales are refused: %s\n", cli_db_errmsg(s->writer.db));
        s->writer.journal = NULL;
    }
    s->journal = s->writer.journal;
    if ((rc = sync_start(s->writer.db)) != ENT_OK)
        return rc;
    if ((rc = queue_run(&s->writer)) == ENT_OK)
        rc = queue_run(&s->auth);
    return rc;
}

/* Finishes what is queued, then closes the journal's session cleanly (no
 * unclean-shutdown event at the next start) and the write connections. */
void writer_stop(struct srv *s)
{
    queue_stop(&s->auth);
    if (s->writer.running) {
        pthread_mutex_lock(&s->writer.lock);
        if (s->writer.stop == 0)
            s->writer.stop = 1;
        pthread_cond_signal(&s->writer.cond);
        pthread_mutex_unlock(&s->writer.lock);
        pthread_join(s->writer.thread, NULL);
        s->writer.running = 0;
    }
    sync_stop();
    ent_journal_close(s->writer.journal);
    s->writer.journal = s->journal = NULL;
    sales_baskets_free();
    queue_stop(&s->writer);
}

static int queue_job(struct wqueue *q, struct req *r, int (*run)(ent_db *, ent_journal *, struct job *),
                     int (*then)(ent_db *, ent_journal *, struct job *), void *arg, void (*free_arg)(void *),
                     void (*after)(struct job *, struct reply *))
{
    struct job *job = calloc(1, sizeof *job);
    if (job == NULL) {
        if (free_arg)
            free_arg(arg);
        return -1;
    }
    job->run = run;
    job->then = then;
    job->arg = arg;
    job->free_arg = free_arg;
    job->after = after;
    job->conn = r->conn;
    snprintf(job->user, sizeof job->user, "%s", r->user);
    r->job = job;
    /* Suspended before it is queued: the writer may resume it at once. */
    MHD_suspend_connection(r->conn);
    submit(q, job);
    return 1;
}

int srv_queue_write(struct req *r, int (*run)(ent_db *, ent_journal *, struct job *), void *arg,
                    void (*free_arg)(void *))
{
    return queue_job(&srv_g->writer, r, run, NULL, arg, free_arg, NULL);
}

int srv_queue_write_then(struct req *r, int (*run)(ent_db *, ent_journal *, struct job *), void *arg,
                         void (*free_arg)(void *), void (*after)(struct job *, struct reply *))
{
    return queue_job(&srv_g->writer, r, run, NULL, arg, free_arg, after);
}

int srv_queue_auth_then(struct req *r, int (*run)(ent_db *, ent_journal *, struct job *),
                        int (*then)(ent_db *, ent_journal *, struct job *), void *arg, void (*free_arg)(void *))
{
    return queue_job(&srv_g->auth, r, run, then, arg, free_arg, NULL);
}

int srv_queue_auth(struct req *r, int (*run)(ent_db *, ent_journal *, struct job *), void *arg,
                   void (*free_arg)(void *))
{
    return queue_job(&srv_g->auth, r, run, NULL, arg, free_arg, NULL);
}

/* arg: "t" or "s" (an API token or a session) followed by the secret. */
static int run_touch(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    const char *arg = job->arg;
    ent_principal p;
    /* A session or token ended meanwhile is no matter. On this writable
     * connection ent_token_check records the token's use. */
    if (arg[0] == 't')
        ent_token_check(db, &p, arg + 1);
    else
        ent_session_touch(db, arg + 1);
    return 0;
}

static void free_secret(void *arg)
{
    char *s = arg;
    memset(s, 0, strlen(s));
    free(s);
}

void writer_touch(struct srv *s, const char *secret, int is_token)
{
    struct job *job = calloc(1, sizeof *job);
    size_t n = strlen(secret) + 2;
    char *arg = malloc(n);
    if (job == NULL || arg == NULL) {
        free(job);
        free(arg);
        return;
    }
    snprintf(arg, n, "%c%s", is_token ? 't' : 's', secret);
    job->run = run_touch;
    job->arg = arg;
    job->free_arg = free_secret;
    submit(&s->auth, job);
}
