/* `entrepot hq journal export|verify --store S` (issue 13): a store's signed
 * journal as head office received it through the syncs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hq.h"

static const char hq_journal_help[] =
    "usage: entrepot hq journal export --store CODE [--out FILE] --pg URL\n"
    "       entrepot hq journal verify --store CODE --pg URL\n"
    "\n"
    "A store's journal records as head office received them (README, \"Head office\").\n"
    "export  every record (its fields, hash, previous hash, key and signature in hex)\n"
    "        as a JSON array in the order of the journal, to --out FILE or standard\n"
    "        output; records received twice under one number are both written.\n"
    "verify  the chain of head office's copy: numbers without holes from 1, each\n"
    "        record's previous hash the hash of the record before, the first a START\n"
    "        chained to nothing, one record per number. Exit 1 naming each fault.\n"
    "        The signatures and the records' own hashes are not checked here: head\n"
    "        office does not receive the sale lines they cover (journal verify at\n"
    "        the store checks them; journal verify --hq compares the two).\n"
    "\n"
    "example:\n"
    "  entrepot hq journal verify --store SH01 --pg 'host=hq.example dbname=hq user=hqadmin'\n";

static const char records_sql[] =
    "SELECT (body->>'seq')::bigint, body->>'kind', body->>'hash', body->>'prev_hash', body::text "
    "FROM hq.event WHERE store = $1 AND kind = 'journal' ORDER BY 1, received_at";

static int run_query(PGconn *pg, const char *store, PGresult **res)
{
    *res = PQexecParams(pg, records_sql, 1, NULL, (const char *[]){store}, NULL, NULL, 0);
    if (PQresultStatus(*res) == PGRES_TUPLES_OK)
        return 0;
    int st = hq_fail(pg, *res, "reading the store's journal");
    PQclear(*res);
    *res = NULL;
    return st;
}

static int export(struct cli *cli, PGconn *pg, const char *store, const char *out)
{
    PGresult *res = NULL;
    struct cli_out o = {0};
    int st = run_query(pg, store, &res);
    if (st == 0 && out)
        st = cli_out_open(cli, &o, out);
    FILE *f = out ? o.f : stdout;
    for (int r = 0; st == 0 && r < PQntuples(res); r++)
        fprintf(f, "%s%s\n", r ? "," : "[", PQgetvalue(res, r, 4));
    if (st == 0)
        fputs(PQntuples(res) ? "]\n" : "[]\n", f);
    if (out && o.f) {
        int closed = cli_out_close(&o, st == 0);
        if (st == 0)
            st = closed;
    }
    if (st == 0)
        fprintf(stderr, "%d journal record%s of store %s\n", PQntuples(res), PQntuples(res) == 1 ? "" : "s", store);
    PQclear(res);
    return st;
}

static bool zero_hash(const char *h)
{
    return h[0] != '\0' && strspn(h, "0") == strlen(h);
}

static int verify(PGconn *pg, const char *store)
{
    PGresult *res = NULL;
    int st = run_query(pg, store, &res);
    if (st != 0)
        return st;
    long long faults = 0, expect = 1;
    const char *prev_hash = NULL;
    for (int r = 0; r < PQntuples(res); r++) {
        long long seq = strtoll(PQgetvalue(res, r, 0), NULL, 10);
        const char *kind = PQgetvalue(res, r, 1), *hash = PQgetvalue(res, r, 2), *prev = PQgetvalue(res, r, 3);
        const char *fault = NULL;
        if (seq < expect)
            fault = "a second record under this number";
        else if (seq > expect)
            fault = "records before it are missing";
        else if (seq == 1 && (strcmp(kind, "START") != 0 || !zero_hash(prev)))
            fault = "the first record must be a START chained to nothing";
        else if (seq > 1 && prev_hash && strcasecmp(prev, prev_hash) != 0)
            fault = "not chained to the record before it";
        if (fault && faults++ < 20)
            printf("record %lld: %s\n", seq, fault);
        if (seq >= expect) {
            expect = seq + 1;
            prev_hash = hash;
        }
    }
    if (faults == 0)
        printf("ok: %d records of store %s chained from 1 to %lld\n", PQntuples(res), store, expect - 1);
    else
        st = cli_error(EXIT_REFUSED, "head office's copy of store %s's journal has %lld fault%s", store, faults,
                       faults == 1 ? "" : "s");
    PQclear(res);
    return st;
}

int hq_cmd_journal(struct cli *cli, int argc, char **argv)
{
    const char *url = NULL, *store = NULL, *out = NULL;
    const struct cli_opt opts[] = {{"pg", &url, NULL}, {"store", &store, NULL}, {"out", &out, NULL}, {0}};
    const char *pos[2];
    int npos, st = cli_parse(argc - 1, argv + 1, opts, hq_journal_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0)
        return st;
    bool exp = npos == 1 && strcmp(pos[0], "export") == 0, ver = npos == 1 && strcmp(pos[0], "verify") == 0;
    if (!exp && !ver)
        return cli_error(EXIT_USAGE, "hq journal needs export or verify (see --help)");
    if (store == NULL || !ent_outbox_store_valid(store))
        return cli_error(EXIT_USAGE, "hq journal %s needs --store CODE (2 to 16 capital letters and digits)", pos[0]);
    if (ver && out)
        return cli_error(EXIT_USAGE, "--out is for hq journal export");
    PGconn *pg = NULL;
    if ((st = hq_connect(&pg, url ? url : getenv("ENTREPOT_HQ"), NULL, false)) != 0)
        return st;
    st = exp ? export(cli, pg, store, out) : verify(pg, store);
    PQfinish(pg);
    return cli_stdout_status(st);
}
