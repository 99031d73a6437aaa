/*
 * entrepot serve — the writer: one thread owns the write connection. It takes
 * every write waiting, runs each in its own savepoint inside one BEGIN
 * IMMEDIATE (ent_db_group_begin), commits the group with one durable COMMIT,
 * and only then answers each request. One fsync carries every sale that was
 * waiting: this is what lets many counters sell faster than single commits.
 */
#include <stdio.h>
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

/* Answers the group's requests: each was suspended waiting for this. */
static void answer(struct job *list)
{
    while (list) {
        struct job *next = list->next;
        list->next = NULL;
        list->done = 1;
        MHD_resume_connection(list->conn);
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
        int stop = s->qstop;
        pthread_mutex_unlock(&s->qlock);
        if (list) {
            run_group(s, list);
            answer(list);
        } else if (stop) {
            break;
        }
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
