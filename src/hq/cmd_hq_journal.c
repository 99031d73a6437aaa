/* `entrepot hq journal export|verify --store S` (issue 13): a store's signed
 * journal as head office received it through the syncs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "hq.h"

static const char hq_journal_help[] =
    "usage: entrepot hq journal export --store CODE [--out FILE] --pg URL\n"
    "       entrepot hq journal verify --store CODE --pg URL\n"
    "\n"
    "A store's journal records as head office received them (README, \"Head office\").\n"
    "export  every record (its fields, hash, previous hash, key and signature in hex)\n"
    "        as a JSON array in the order of the journal, to --out FILE or standard\n"
    "        output; records received twice under one number are both written.\n"
    "verify  head office's copy: numbers without holes from 1, each record's\n"
    "        previous hash the hash of the record before, the first a START chained\n"
    "        to nothing and signed with the key pinned for the store (the first\n"
    "        START head office received), one record per number, and each record's\n"
    "        signature over its seal with the key of its START or KEY records. Exit 1\n"
    "        naming each fault. The records' own hashes are not recomputed: head\n"
    "        office does not receive the sale lines they cover (journal verify at\n"
    "        the store checks them; journal verify --hq compares the two).\n"
    "\n"
    "example:\n"
    "  entrepot hq journal verify --store SH01 --pg 'host=hq.example dbname=hq user=hqadmin'\n";

static const char records_sql[] =
    "SELECT (body->>'seq')::bigint, body->>'kind', body->>'hash', body->>'prev_hash', body::text, "
    "coalesce(body->>'store', store), body->>'at', coalesce(body->>'total', '0'), coalesce(body->>'currency', ''), "
    "lower(body->>'key_id'), lower(coalesce(body->>'pubkey', '')), body->>'sig' "
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

/* The keys seen so far in the journal: START's and each KEY's. */
struct keys {
    char id[64][ENT_HASH_HEX_SIZE];
    const char *pubkey[64];
    int n;
};

/* Adds a key (DER in hex) under its id, the SHA-256 of the DER. */
static void add_key(struct keys *k, const char *hex)
{
    unsigned char der[512], md[32];
    size_t n = strlen(hex) / 2;
    unsigned int len = 0;
    if (k->n >= 64 || n == 0 || n > sizeof der)
        return;
    for (size_t i = 0; i < n; i++) {
        unsigned int b;
        if (sscanf(hex + 2 * i, "%2x", &b) != 1)
            return;
        der[i] = (unsigned char)b;
    }
    if (EVP_Digest(der, n, md, &len, EVP_sha256(), NULL) != 1 || len != sizeof md)
        return;
    for (int i = 0; i < 32; i++)
        snprintf(k->id[k->n] + 2 * i, 3, "%02x", md[i]);
    k->pubkey[k->n++] = hex;
}

static const char *key_of(const struct keys *k, const char *id)
{
    for (int i = 0; i < k->n; i++)
        if (strcmp(k->id[i], id) == 0)
            return k->pubkey[i];
    return NULL;
}

/* The signature of row r of res, checked with the key it names. */
static const char *check_sig(PGresult *res, int r, const struct keys *k)
{
    const char *pubkey = key_of(k, PQgetvalue(res, r, 9));
    if (pubkey == NULL)
        return "signed with a key this journal never introduced";
    ent_journal_sealed sealed = {.store = PQgetvalue(res, r, 5),
                                 .seq = strtoll(PQgetvalue(res, r, 0), NULL, 10),
                                 .kind = PQgetvalue(res, r, 1),
                                 .time = PQgetvalue(res, r, 6),
                                 .total = strtoll(PQgetvalue(res, r, 7), NULL, 10),
                                 .currency = PQgetvalue(res, r, 8),
                                 .hash_hex = PQgetvalue(res, r, 2),
                                 .sig_hex = PQgetvalue(res, r, 11)};
    int rc = ent_journal_seal_check(NULL, pubkey, &sealed);
    return rc == ENT_OK ? NULL : rc == ENT_TAMPERED ? "the signature does not match the record" : "a malformed signature or key";
}

static int pinned_key(PGconn *pg, const char *store, char key_id[ENT_HASH_HEX_SIZE])
{
    PGresult *res = PQexecParams(pg, "SELECT key_id FROM hq.store_key WHERE store = $1", 1, NULL,
                                 (const char *[]){store}, NULL, NULL, 0);
    int st = 0;
    key_id[0] = '\0';
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        st = hq_fail(pg, res, "reading the store's pinned key");
    else if (PQntuples(res) == 1)
        snprintf(key_id, ENT_HASH_HEX_SIZE, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return st;
}

/* What is wrong with row r (the next record in order), or NULL. */
static const char *fault_of(PGresult *res, int r, long long expect, const char *prev_hash, const char *pin,
                            const struct keys *k)
{
    long long seq = strtoll(PQgetvalue(res, r, 0), NULL, 10);
    const char *kind = PQgetvalue(res, r, 1), *prev = PQgetvalue(res, r, 3);
    if (seq == 1 && pin[0] && strcmp(PQgetvalue(res, r, 9), pin) != 0)
        return "the journal starts with another key than the one head office pinned for the store";
    if (seq < expect)
        return "a second record under this number";
    if (seq > expect)
        return "records before it are missing";
    if (seq == 1 && (strcmp(kind, "START") != 0 || !zero_hash(prev)))
        return "the first record must be a START chained to nothing";
    if (seq > 1 && prev_hash && strcasecmp(prev, prev_hash) != 0)
        return "not chained to the record before it";
    return check_sig(res, r, k);
}

static int verify(PGconn *pg, const char *store)
{
    PGresult *res = NULL;
    char pin[ENT_HASH_HEX_SIZE];
    int st = pinned_key(pg, store, pin);
    if (st != 0 || (st = run_query(pg, store, &res)) != 0)
        return st;
    long long faults = 0, expect = 1;
    const char *prev_hash = NULL;
    struct keys k = {.n = 0};
    for (int r = 0; r < PQntuples(res); r++) {
        long long seq = strtoll(PQgetvalue(res, r, 0), NULL, 10);
        bool in_order = seq >= expect;
        /* A START introduces its own key; a KEY record is signed by the old one. */
        if (in_order && strcmp(PQgetvalue(res, r, 1), "START") == 0 && PQgetvalue(res, r, 10)[0])
            add_key(&k, PQgetvalue(res, r, 10));
        const char *fault = fault_of(res, r, expect, prev_hash, pin, &k);
        if (fault && faults++ < 20)
            printf("record %lld: %s\n", seq, fault);
        if (in_order) {
            expect = seq + 1;
            prev_hash = PQgetvalue(res, r, 2);
            if (!fault && strcmp(PQgetvalue(res, r, 1), "START") != 0 && PQgetvalue(res, r, 10)[0])
                add_key(&k, PQgetvalue(res, r, 10)); /* a new key, vouched for by the old one's signature */
        }
    }
    if (faults == 0)
        printf("ok: %d records of store %s chained from 1 to %lld, each signed with its journal's keys%s\n",
               PQntuples(res), store, expect - 1, pin[0] ? ", the first with the pinned key" : "");
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
