/* The transfers part of `entrepot sync` (issue 13): after the push, the
 * store learns the chain's stores (where it may ship), pulls the transfers
 * in transit to it, and the receipts of the transfers it shipped. The
 * transfers themselves reach head office as the outbox's events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hq.h"

static int pull_peers(struct cli *cli, PGconn *pg)
{
    PGresult *res = PQexec(pg, "SELECT code, name FROM hq.chain_stores()");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int st = hq_fail(pg, res, "reading the chain's stores");
        PQclear(res);
        return st;
    }
    int n = PQntuples(res), rc = ENT_OK;
    const char **codes = calloc((size_t)n + 1, sizeof *codes), **names = calloc((size_t)n + 1, sizeof *names);
    if (codes == NULL || names == NULL)
        rc = ENT_ERROR;
    for (int r = 0; rc == ENT_OK && r < n; r++) {
        codes[r] = PQgetvalue(res, r, 0);
        names[r] = PQgetvalue(res, r, 1);
    }
    if (rc == ENT_OK)
        rc = ent_transfer_peers_set(cli->db, codes, names, (size_t)n);
    free(codes);
    free(names);
    PQclear(res);
    return rc == ENT_OK ? 0 : cli_fail(cli, rc);
}

/* The transfers in transit to this store that it does not hold yet. */
static int pull_incoming(struct cli *cli, PGconn *pg, const char *store, int *added)
{
    PGresult *res = PQexecParams(pg, "SELECT ship FROM hq.transfer WHERE to_store = $1 AND received_at IS NULL "
                                     "ORDER BY shipped_at, uuid", 1, NULL, (const char *[]){store}, NULL, NULL, 0);
    int st = 0;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        st = hq_fail(pg, res, "reading the transfers to this store");
    for (int r = 0; st == 0 && r < PQntuples(res); r++) {
        bool one = false;
        int rc = ent_transfer_incoming_add(cli->db, &one, PQgetvalue(res, r, 0));
        if (rc != ENT_OK)
            st = cli_fail(cli, rc);
        *added += one;
    }
    PQclear(res);
    return st;
}

struct shipped {
    char *uuids; /* a PostgreSQL array literal of the UUIDs in transit from here */
    size_t len, cap;
    int n;
};

static int add_shipped(const ent_transfer_info *t, void *ud)
{
    struct shipped *s = ud;
    if (strcmp(t->status, "shipped") != 0)
        return ENT_OK;
    if (s->len + ENT_UUID_SIZE + 4 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        char *g = realloc(s->uuids, cap);
        if (g == NULL)
            return ENT_ERROR;
        s->uuids = g;
        s->cap = cap;
    }
    s->len += (size_t)snprintf(s->uuids + s->len, s->cap - s->len, "%s%s", s->n ? "," : "{", t->uuid);
    s->n++;
    return ENT_OK;
}

/* The receipts of the transfers this store shipped that were in transit. */
static int pull_receipts(struct cli *cli, PGconn *pg, const char *store, int *applied)
{
    struct shipped s = {0};
    int rc = ent_transfer_each(cli->db, "out", add_shipped, &s), st = 0;
    if (rc != ENT_OK) {
        free(s.uuids);
        return cli_fail(cli, rc);
    }
    if (s.n == 0)
        return 0;
    s.uuids[s.len] = '\0';
    strcat(s.uuids, "}");
    PGresult *res = PQexecParams(pg, "SELECT uuid, receipt FROM hq.transfer WHERE from_store = $1 AND "
                                     "received_at IS NOT NULL AND uuid = ANY($2::uuid[])",
                                 2, NULL, (const char *[]){store, s.uuids}, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        st = hq_fail(pg, res, "reading the receipts of this store's transfers");
    for (int r = 0; st == 0 && r < PQntuples(res); r++) {
        bool one = false;
        if ((rc = ent_transfer_receipt_apply(cli->db, &one, PQgetvalue(res, r, 0), PQgetvalue(res, r, 1))) != ENT_OK)
            st = cli_fail(cli, rc);
        *applied += one;
    }
    PQclear(res);
    free(s.uuids);
    return st;
}

int hq_sync_transfers(struct cli *cli, PGconn *pg, const char *store)
{
    int added = 0, applied = 0;
    int st = pull_peers(cli, pg);
    if (st == 0)
        st = pull_incoming(cli, pg, store, &added);
    if (st == 0)
        st = pull_receipts(cli, pg, store, &applied);
    if (st == 0)
        printf("sync: %d transfer%s to this store pulled, %d receipt%s of its own transfers\n", added,
               added == 1 ? "" : "s", applied, applied == 1 ? "" : "s");
    return st;
}
