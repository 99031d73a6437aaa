/* `entrepot journal verify --hq` (issue 13): compares this store's journal,
 * record by record, with the copy head office received through the sync.
 * Head office's copy cannot be changed by the store (its role may not
 * update or delete an event), so a cut tail, a rewritten record or a whole
 * database replaced shows even when the store's own chain is consistent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hq.h"

#define PAGE 10000 /* journal numbers compared at a time */

static const char witness_help[] =
    "usage: entrepot journal verify --hq [--pg URL] [--password-file PATH]\n"
    "\n"
    "Compares this store's journal with the copy head office received from its\n"
    "syncs: every record head office holds must be in this journal with the same\n"
    "hash. Reports (exit 1) a record that differs (rewritten history, or another\n"
    "database in this one's place), records head office holds that this journal\n"
    "lacks (a cut tail), and two different records head office holds under one\n"
    "number (a database restored from a backup that went on writing). Records not\n"
    "yet synced are counted, not a fault. --pg and --password-file as for sync\n"
    "($ENTREPOT_HQ, $ENTREPOT_HQ_PASSFILE when not given); TLS is required.\n"
    "\n"
    "example:\n"
    "  entrepot --db sh01.db journal verify --hq --pg '...' --password-file sh01.pass\n";

struct page {
    int64_t from;
    char (*hash)[ENT_HASH_HEX_SIZE]; /* local hash of record from + i, "" when absent */
    int64_t last;                    /* the newest local record seen */
};

static int take(const ent_journal_entry *e, void *ud)
{
    struct page *p = ud;
    int64_t i = e->seq - p->from;
    if (i >= 0 && i < PAGE)
        snprintf(p->hash[i], ENT_HASH_HEX_SIZE, "%s", e->hash);
    if (e->seq > p->last)
        p->last = e->seq;
    return 0;
}

struct tally {
    int64_t same, differ, lacking, forks, unsent, shown;
    int64_t first_differ, first_lacking, first_fork;
};

static void note(struct tally *t, const char *what, int64_t seq, const char *detail)
{
    if (t->shown++ < 10)
        printf("record %lld: %s%s\n", (long long)seq, what, detail);
}

/* Compares head office's records of one page with the local ones. */
static int compare_page(PGconn *pg, const char *store, struct page *p, struct tally *t, bool *more)
{
    char from[32], to[32];
    snprintf(from, sizeof from, "%lld", (long long)p->from);
    snprintf(to, sizeof to, "%lld", (long long)(p->from + PAGE - 1));
    PGresult *res = PQexecParams(pg, "SELECT (body->>'seq')::bigint, body->>'hash', "
                                     "EXISTS (SELECT 1 FROM hq.event f WHERE f.store = $1 AND f.kind = 'journal' "
                                     "AND (f.body->>'seq')::bigint > $3) "
                                     "FROM hq.event WHERE store = $1 AND kind = 'journal' AND "
                                     "(body->>'seq')::bigint BETWEEN $2 AND $3 ORDER BY 1, received_at",
                                 3, NULL, (const char *[]){store, from, to}, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int st = hq_fail(pg, res, "reading head office's copy of the journal");
        PQclear(res);
        return st;
    }
    bool seen[PAGE] = {false};
    *more = false;
    for (int r = 0; r < PQntuples(res); r++) {
        int64_t seq = strtoll(PQgetvalue(res, r, 0), NULL, 10), i = seq - p->from;
        const char *hash = PQgetvalue(res, r, 1);
        *more = *more || strcmp(PQgetvalue(res, r, 2), "t") == 0;
        if (i < 0 || i >= PAGE)
            continue;
        if (seen[i]) {
            if (t->forks++ == 0)
                t->first_fork = seq;
            note(t, "head office holds two different records under this number", seq, "");
            continue;
        }
        seen[i] = true;
        if (p->hash[i][0] == '\0') {
            if (t->lacking++ == 0)
                t->first_lacking = seq;
            note(t, "head office holds it, this journal does not", seq, seq > p->last ? " (a cut tail)" : "");
        } else if (strcasecmp(p->hash[i], hash) != 0) {
            if (t->differ++ == 0)
                t->first_differ = seq;
            note(t, "differs from the record head office received", seq, "");
        } else
            t->same++;
    }
    for (int64_t i = 0; i < PAGE; i++)
        if (p->hash[i][0] && !seen[i])
            t->unsent++;
    PQclear(res);
    return 0;
}

static int my_store(PGconn *pg, char store[ENT_STORE_CODE_SIZE])
{
    PGresult *res = PQexec(pg, "SELECT hq.my_store()");
    int st = 0;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        st = hq_fail(pg, res, "asking which store this is");
    else if (PQgetisnull(res, 0, 0))
        st = cli_error(EXIT_REFUSED, "the role %s is not a store's role at head office", PQuser(pg));
    else
        snprintf(store, ENT_STORE_CODE_SIZE, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return st;
}

static int stop_first(const ent_journal_entry *e, void *ud)
{
    (void)e, (void)ud;
    return 1;
}

static int compare(struct cli *cli, PGconn *pg, const char *store, struct tally *t)
{
    struct page p = {.from = 1, .hash = malloc(PAGE * sizeof *p.hash)};
    int st = p.hash ? 0 : cli_error(EXIT_IO, "out of memory");
    bool more = true;
    while (st == 0 && (more || p.from <= p.last)) {
        memset(p.hash, 0, PAGE * sizeof *p.hash);
        int rc = ent_journal_each(cli->db, p.from, p.from + PAGE - 1, take, &p);
        if (rc != ENT_OK) {
            st = cli_fail(cli, rc);
            break;
        }
        st = compare_page(pg, store, &p, t, &more);
        p.from += PAGE;
        /* more records here (not yet sent) keep the walk going too */
        if (st == 0 && !more && p.last < p.from && ent_journal_each(cli->db, p.from, 0, stop_first, NULL) == 1)
            more = true;
    }
    free(p.hash);
    return st;
}

int hq_journal_verify(struct cli *cli, int argc, char **argv)
{
    const char *url = NULL, *password_file = NULL;
    bool hq = false;
    const struct cli_opt opts[] = {
        {"hq", NULL, &hq}, {"pg", &url, NULL}, {"password-file", &password_file, NULL}, {0}};
    const char *pos[1];
    int npos, st = cli_parse(argc, argv, opts, witness_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0 || (st = cli_open(cli, ENT_OPEN_READONLY)) != 0)
        return st;
    PGconn *pg = NULL;
    char store[ENT_STORE_CODE_SIZE];
    struct tally t = {0};
    st = hq_connect(&pg, url ? url : getenv("ENTREPOT_HQ"),
                    password_file ? password_file : getenv("ENTREPOT_HQ_PASSFILE"), true);
    if (st == 0)
        st = my_store(pg, store);
    if (st == 0)
        st = compare(cli, pg, store, &t);
    PQfinish(pg);
    if (st != 0)
        return st;
    if (t.differ + t.lacking + t.forks == 0) {
        printf("ok: %lld record%s as head office received them; %lld not yet at head office\n", (long long)t.same,
               t.same == 1 ? "" : "s", (long long)t.unsent);
        return cli_stdout_status(0);
    }
    printf("not as witnessed: %lld record%s, %lld held by head office missing here, %lld number%s with two "
           "records at head office; %lld match\n", (long long)t.differ, t.differ == 1 ? " differs" : "s differ",
           (long long)t.lacking, (long long)t.forks, t.forks == 1 ? "" : "s", (long long)t.same);
    cli_stdout_status(0);
    return cli_error(EXIT_REFUSED, "this journal is not the one head office witnessed for store %s (first at record "
                     "%lld)", store,
                     (long long)(t.differ ? t.first_differ : t.lacking ? t.first_lacking : t.first_fork));
}
