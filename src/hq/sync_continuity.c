/* After a sync's push (issue 13, a store database restored from a backup):
 * head office holding events this database does not have, or two different
 * journal records under one number, means the database is not the one that
 * made them: restored from a backup or replaced. The sync says so; nothing
 * at head office is removed, and the store keeps selling and syncing. */
#include <stdio.h>
#include <stdlib.h>

#include "hq.h"

/* Head office's events of this store beyond what this database made. */
static int count_beyond(struct cli *cli, PGconn *pg, const char *store, long long *beyond)
{
    ent_outbox_status s;
    int rc = ent_outbox_status_get(cli->db, &s), st = 0;
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    PGresult *res = PQexecParams(pg, "SELECT count(*) FROM hq.event WHERE store = $1", 1, NULL,
                                 (const char *[]){store}, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        st = hq_fail(pg, res, "counting the store's events");
    else /* seq has no gaps: a rolled-back write takes its seq back with it */
        *beyond = strtoll(PQgetvalue(res, 0, 0), NULL, 10) - (long long)s.last_seq;
    PQclear(res);
    return st;
}

/* The first journal number under which head office holds two different records. */
static int journal_fork(PGconn *pg, const char *store, long long *fork)
{
    PGresult *res = PQexecParams(pg, "SELECT coalesce(min(n), 0) FROM (SELECT (body->>'seq')::bigint n FROM hq.event "
                                     "WHERE store = $1 AND kind = 'journal' GROUP BY 1 "
                                     "HAVING count(DISTINCT body->>'hash') > 1) f",
                                 1, NULL, (const char *[]){store}, NULL, NULL, 0);
    int st = 0;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        st = hq_fail(pg, res, "comparing the store's journal with head office's");
    else
        *fork = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return st;
}

int hq_sync_continuity(struct cli *cli, PGconn *pg, const char *store)
{
    long long beyond = 0, fork = 0;
    int st = count_beyond(cli, pg, store, &beyond);
    if (st == 0)
        st = journal_fork(pg, store, &fork);
    if (st == 0 && beyond > 0)
        fprintf(stderr, "entrepot: warning: head office holds %lld event%s of store %s that this database does "
                        "not have: it was restored from a backup or replaced after they were sent; they stay at "
                        "head office\n", beyond, beyond == 1 ? "" : "s", store);
    if (st == 0 && fork > 0)
        fprintf(stderr, "entrepot: warning: the journal is broken at head office: it holds two different records "
                        "number %lld of store %s (this database's history is not the one head office witnessed)\n",
                fork, store);
    return st;
}
