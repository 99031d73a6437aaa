/*
 * The write-ahead log's checkpoint on a thread of its own (the store
 * server's writer). SQLite's automatic checkpoint runs inside the COMMIT
 * that passes 1000 pages of log: the committing thread copies the pages into
 * the database and waits for two fsyncs, and every write queued behind it
 * waits too. With a checkpointer the committing connection only notes the
 * log's length (its WAL hook); a thread with a connection of its own copies
 * the pages meanwhile. A PASSIVE checkpoint never blocks the writer or a
 * reader, and copies only what is committed; SQLite starts the log over at
 * the writer's next transaction once every page is in the database, as it
 * does after its own checkpoint.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "entrepot/db.h"
#include "internal.h"

#define CKPT_FRAMES 1000 /* SQLite's own automatic checkpoint's length */

struct ent_db_checkpointer {
    ent_db *db;    /* whose log is checkpointed (its automatic checkpoint is off) */
    sqlite3 *conn; /* the thread's own connection to the same file */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool due, busy, stop;
    int64_t runs;    /* checkpoints that copied the whole log */
    int frames;      /* the log's length at db's last commit */
    int retry_at;    /* after a catch-up that gave up: the length to try again at */
    int64_t started; /* checkpoints begun */
};

/* On the committing thread, after each commit: frames is the log's length. */
static int wal_hook(void *arg, sqlite3 *conn, const char *schema, int frames)
{
    ent_db_checkpointer *c = arg;
    (void)conn;
    (void)schema;
    /* A log shorter than at the last commit has started over: a catch-up
     * that gave up before waits for no growth measured from its old length
     * (db's thread, as ent_db_checkpointer_catch_up). */
    if (frames < __atomic_load_n(&c->frames, __ATOMIC_RELAXED))
        c->retry_at = 0;
    __atomic_store_n(&c->frames, frames, __ATOMIC_RELAXED); /* for ent_db_checkpointer_catch_up */
    if (frames < CKPT_FRAMES)
        return SQLITE_OK;
    pthread_mutex_lock(&c->lock);
    c->due = true;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->lock);
    return SQLITE_OK;
}

static void *checkpoint_main(void *arg)
{
    ent_db_checkpointer *c = arg;
    pthread_mutex_lock(&c->lock);
    for (;;) {
        while (!c->due && !c->stop)
            pthread_cond_wait(&c->cond, &c->lock);
        if (!c->due)
            break; /* stopping, nothing due */
        c->due = false;
        c->busy = true;
        c->started++;
        pthread_mutex_unlock(&c->lock);
        int log = 0, copied = 0;
        /* A failure (the disk) is the next one's to retry: the log only
         * grows meanwhile, nothing committed is at risk. */
        int sc = sqlite3_wal_checkpoint_v2(c->conn, "main", SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
        pthread_mutex_lock(&c->lock);
        if (sc == SQLITE_OK && log >= 0 && copied == log)
            c->runs++;
        c->busy = false;
        pthread_cond_broadcast(&c->cond); /* ent_db_checkpointer_wait */
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

int ent_db_checkpointer_open(ent_db *db, ent_db_checkpointer **out)
{
    entx_ok(db);
    *out = NULL;
    const char *file = sqlite3_db_filename(db->sql, "main");
    if (file == NULL || *file == '\0')
        return entx_fail(db, ENT_INVALID, "a database in memory has no write-ahead log to checkpoint");
    ent_db_checkpointer *c = calloc(1, sizeof *c);
    if (c == NULL)
        return entx_fail(db, ENT_ERROR, "out of memory");
    c->db = db;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cond, NULL);
    /* synchronous = FULL: the database file is on disk before SQLite may
     * start the log over. */
    if (sqlite3_open_v2(file, &c->conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
        sqlite3_exec(c->conn, "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK) {
        int rc = entx_fail(db, ENT_ERROR, "cannot open the database for its checkpoints: %s",
                           c->conn ? sqlite3_errmsg(c->conn) : "out of memory");
        sqlite3_close(c->conn);
        pthread_cond_destroy(&c->cond);
        pthread_mutex_destroy(&c->lock);
        free(c);
        return rc;
    }
    sqlite3_busy_timeout(c->conn, 5000);
    if (pthread_create(&c->thread, NULL, checkpoint_main, c) != 0) {
        sqlite3_close(c->conn);
        pthread_cond_destroy(&c->cond);
        pthread_mutex_destroy(&c->lock);
        free(c);
        return entx_fail(db, ENT_ERROR, "cannot start the checkpoint thread");
    }
    /* Replaces the automatic checkpoint (itself a WAL hook) on db. */
    sqlite3_wal_hook(db->sql, wal_hook, c);
    *out = c;
    return ENT_OK;
}

int64_t ent_db_checkpointer_wait(ent_db_checkpointer *c)
{
    if (c == NULL)
        return 0;
    pthread_mutex_lock(&c->lock);
    while (c->due || c->busy)
        pthread_cond_wait(&c->cond, &c->lock);
    int64_t n = c->runs;
    pthread_mutex_unlock(&c->lock);
    return n;
}

bool ent_db_checkpointer_catch_up(ent_db_checkpointer *c, int frames_max, int wait_ms)
{
    int frames = c ? __atomic_load_n(&c->frames, __ATOMIC_RELAXED) : 0;
    if (c == NULL || frames <= frames_max || frames < c->retry_at)
        return false;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += wait_ms / 1000;
    until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
    until.tv_sec += until.tv_nsec / 1000000000L;
    until.tv_nsec %= 1000000000L;
    pthread_mutex_lock(&c->lock);
    /* One checkpoint begun from now on copies everything committed: db is
     * between transactions, on this thread. */
    int64_t want = c->started + 1;
    int wc = 0;
    c->due = true;
    pthread_cond_broadcast(&c->cond);
    while (!c->stop && wc == 0 && (c->started < want || c->busy || c->due))
        wc = pthread_cond_timedwait(&c->cond, &c->lock, &until);
    bool done = !(c->started < want || c->busy || c->due);
    pthread_mutex_unlock(&c->lock);
    /* Caught up: the next commit says how long the log is then. A disk too
     * slow to wait for: the log grows by frames_max before the next try. */
    c->retry_at = done ? 0 : frames + frames_max;
    if (done)
        __atomic_store_n(&c->frames, 0, __ATOMIC_RELAXED);
    return done;
}

void ent_db_checkpointer_close(ent_db_checkpointer *c)
{
    if (c == NULL)
        return;
    /* From here the committing connection checkpoints itself again. */
    sqlite3_wal_autocheckpoint(c->db->sql, CKPT_FRAMES);
    pthread_mutex_lock(&c->lock);
    c->stop = true;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL); /* a checkpoint due is run first */
    sqlite3_close(c->conn);
    pthread_cond_destroy(&c->cond);
    pthread_mutex_destroy(&c->lock);
    free(c);
}
