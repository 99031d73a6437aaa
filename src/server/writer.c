/*
 * entrepot serve — the writer: one thread owns the write connection. It takes
 * every write waiting, runs each in its own savepoint inside one BEGIN
 * IMMEDIATE (ent_db_group_begin), commits the group with one durable COMMIT,
 * and only then answers each request. One fsync carries every sale that was
 * waiting: this is what lets many counters sell faster than single commits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void run_group(struct srv *s, struct job *list)
{
    int rc = ent_db_group_begin(s->wdb);
    if (rc != ENT_OK) {
        group_failed(list, s->wdb, rc);
        return;
    }
    int n = 0;
    for (struct job *j = list; j; j = j->next, n++)
        j->run(s->wdb, s->journal, j);
    rc = ent_db_group_end(s->wdb, 1);
    if (rc != ENT_OK)
        group_failed(list, s->wdb, rc);
    s->groups++;
    s->writes += n;
}

/* Answers the group's requests: each was suspended waiting for this. A job
 * without a request (a session's touch) is simply released. */
static void answer(struct job *list, int done)
{
    while (list) {
        struct job *next = list->next;
        list->next = NULL;
        list->done = done;
        if (list->conn) {
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

static void *writer_main(void *arg)
{
    struct srv *s = arg;
    for (;;) {
        pthread_mutex_lock(&s->qlock);
        while (s->qhead == NULL && !s->qstop)
            pthread_cond_wait(&s->qcond, &s->qlock);
        struct job *list = s->qhead;
        s->qhead = s->qtail = NULL;
        if (list == NULL) { /* stopping, and nothing is left: no more jobs are taken */
            s->qstop = 2;
            pthread_mutex_unlock(&s->qlock);
            break;
        }
        pthread_mutex_unlock(&s->qlock);
        run_group(s, list);
        answer(list, 1);
    }
    return NULL;
}

/* Opens the write connection and the journal (sales need it; without a key
 * the server still serves everything else and says why sales are refused). */
int writer_start(struct srv *s)
{
    int rc = ent_db_open(&s->wdb, s->cfg.db_path, ENT_OPEN_DURABLE);
    if (rc != ENT_OK) {
        fprintf(stderr, "entrepot: %s\n", ent_errmsg(s->wdb));
        return rc;
    }
    ent_journal_open_opts o = {.counter = "server"};
    rc = ent_journal_open(&s->journal, s->wdb, &o);
    if (rc != ENT_OK) {
        snprintf(s->journal_problem, sizeof s->journal_problem, "%s", ent_errmsg(s->wdb));
        fprintf(stderr, "entrepot: sales are refused: %s\n", s->journal_problem);
        s->journal = NULL;
    }
    if (pthread_create(&s->writer, NULL, writer_main, s) != 0) {
        fprintf(stderr, "entrepot: cannot start the writer thread\n");
        return ENT_ERROR;
    }
    s->writer_running = 1;
    return ENT_OK;
}

void writer_submit(struct srv *s, struct job *job)
{
    pthread_mutex_lock(&s->qlock);
    if (s->qstop == 2) {
        /* Too late (a request outlived the drain): answered 503 unwritten. */
        pthread_mutex_unlock(&s->qlock);
        answer(job, 0);
        return;
    }
    if (s->qtail)
        s->qtail->next = job;
    else
        s->qhead = job;
    s->qtail = job;
    pthread_cond_signal(&s->qcond);
    pthread_mutex_unlock(&s->qlock);
}

/* Finishes what is queued, then closes the journal's session cleanly (no
 * unclean-shutdown event at the next start) and the write connection. */
void writer_stop(struct srv *s)
{
    if (s->writer_running) {
        pthread_mutex_lock(&s->qlock);
        s->qstop = 1;
        pthread_cond_signal(&s->qcond);
        pthread_mutex_unlock(&s->qlock);
        pthread_join(s->writer, NULL);
        s->writer_running = 0;
    }
    ent_journal_close(s->journal);
    s->journal = NULL;
    ent_db_close(s->wdb);
    s->wdb = NULL;
}

int srv_queue_write(struct req *r, int (*run)(ent_db *, ent_journal *, struct job *), void *arg,
                    void (*free_arg)(void *))
{
    struct job *job = calloc(1, sizeof *job);
    if (job == NULL) {
        if (free_arg)
            free_arg(arg);
        return -1;
    }
    job->run = run;
    job->arg = arg;
    job->free_arg = free_arg;
    job->conn = r->conn;
    snprintf(job->user, sizeof job->user, "%s", r->user);
    r->job = job;
    /* Suspended before it is queued: the writer may resume it at once. */
    MHD_suspend_connection(r->conn);
    writer_submit(srv_g, job);
    return 1;
}

static int run_touch(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    ent_session_touch(db, job->arg); /* a session ended meanwhile is no matter */
    return 0;
}

static void free_secret(void *arg)
{
    char *s = arg;
    memset(s, 0, strlen(s));
    free(s);
}

void writer_touch_session(struct srv *s, const char *token)
{
    struct job *job = calloc(1, sizeof *job);
    char *copy = strdup(token);
    if (job == NULL || copy == NULL) {
        free(job);
        free(copy);
        return;
    }
    job->run = run_touch;
    job->arg = copy;
    job->free_arg = free_secret;
    writer_submit(s, job);
}
