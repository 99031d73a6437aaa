/* `entrepot sync`: pushes the store's outbox to head office, batch by batch,
 * each batch one PostgreSQL transaction, idempotent by event UUID; the store
 * marks events sent only after head office has said it holds them. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hq.h"

static const char sync_help[] =
    "usage: entrepot sync --pg URL --password-file PATH [--batch N]\n"
    "       entrepot sync --status --pg URL --password-file PATH\n"
    "\n"
    "Pushes every change this store made since head office last acknowledged one\n"
    "(lots, stock moves, counts, sales and returns, journal records, door counts,\n"
    "label jobs) as immutable events, in batches of --batch N (default 1000, at most\n"
    "10000), each batch one PostgreSQL transaction. A batch sent again changes\n"
    "nothing; the store records a batch as sent only after head office has said it\n"
    "holds every event of it. Then it pulls head office's price and name changes\n"
    "for this store and the chain, in order, each page of them in one transaction;\n"
    "their shelf labels are queued. One sync per store at a time: a second is refused.\n"
    "A lost connection is tried again once; the store keeps selling meanwhile.\n"
    "\n"
    "--pg URL              head office, as this store's role ($ENTREPOT_HQ when not\n"
    "                      given); TLS is required (sslmode=require unless the URL\n"
    "                      says verify-ca or verify-full)\n"
    "--password-file PATH  the role's password (from hq store add), mode 0600\n"
    "                      ($ENTREPOT_HQ_PASSFILE when not given)\n"
    "--status              how far behind each side is, without sending anything\n"
    "\n"
    "example:\n"
    "  entrepot --db sh02.db sync --pg 'host=hq.example dbname=hq user=entrepot_store_sh02 \\\n"
    "      sslmode=verify-full sslrootcert=hq-ca.pem' --password-file sh02.pass\n";

bool hq_sync_quiet = false;

/* A growing text. */
struct text {
    char *p;
    size_t len, cap;
};

static int text_add(struct text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 65536;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *p = realloc(t->p, cap);
        if (p == NULL)
            return ENT_ERROR;
        t->p = p;
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
    return ENT_OK;
}

#define BATCH_MONTHS 64
/* One batch as head office takes it: the events as one JSON array, built
 * from the outbox's own JSON text (each body is checked JSON in the store:
 * parsing and printing it again was most of a push's time), their UUIDs as
 * an array literal, and the months they touch (their partitions). */
struct batch {
    struct text doc, uuids;
    int64_t count, first, last;
    char months[BATCH_MONTHS][ENT_TIME_SIZE + 8];
    int nmonths; /* -1: more than BATCH_MONTHS */
    char err[128]; /* why add_event stopped the walk */
};

static void batch_free(struct batch *b)
{
    free(b->doc.p);
    free(b->uuids.p);
}

/* A UUID, kind or time as the store's triggers write them: nothing to
 * escape in JSON or in an array literal. */
static bool plain(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && n < 64 && strspn(s, "0123456789abcdefABCDEFghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ:._+-") == n;
}

static void add_month(struct batch *b, const char *at)
{
    for (int i = 0; i < b->nmonths; i++)
        if (strncmp(b->months[i], at, 7) == 0)
            return;
    if (b->nmonths < 0 || b->nmonths == BATCH_MONTHS)
        b->nmonths = -1;
    else
        snprintf(b->months[b->nmonths++], sizeof b->months[0], "%s", at);
}

static int add_event(const ent_outbox_event *ev, void *ud)
{
    struct batch *b = ud;
    char head[256];
    if (!plain(ev->uuid) || !plain(ev->kind) || !plain(ev->at) || strlen(ev->at) < 20)
    {
        snprintf(b->err, sizeof b->err, "outbox event %lld has an unexpected UUID, kind or time", (long long)ev->seq);
        return ENT_INVALID;
    }
    int n = snprintf(head, sizeof head, "%s{\"uuid\":\"%s\",\"seq\":%lld,\"kind\":\"%s\",\"at\":\"%s\",\"body\":",
                     b->count ? "," : "[", ev->uuid, (long long)ev->seq, ev->kind, ev->at);
    if (text_add(&b->doc, head, (size_t)n) != ENT_OK || text_add(&b->doc, ev->body, strlen(ev->body)) != ENT_OK ||
        text_add(&b->doc, "}", 1) != ENT_OK || text_add(&b->uuids, b->count ? "," : "{", 1) != ENT_OK ||
        text_add(&b->uuids, ev->uuid, strlen(ev->uuid)) != ENT_OK)
    {
        snprintf(b->err, sizeof b->err, "out of memory");
        return ENT_ERROR;
    }
    add_month(b, ev->at);
    if (b->first == 0)
        b->first = ev->seq;
    b->last = ev->seq;
    b->count++;
    return ENT_OK;
}

/* Test build only: stop at a named point of batch n until a line arrives. */
static void hold(const char *where, int n)
{
    char want[64];
    if (hq_sync_hold == NULL)
        return;
    snprintf(want, sizeof want, "%s:%d", where, n);
    if (strcmp(hq_sync_hold, want) != 0)
        return;
    fprintf(stderr, "sync: held at %s\n", want);
    fflush(stderr);
    int c;
    while ((c = getchar()) != EOF && c != '\n')
        ;
}

static PGresult *run(PGconn *pg, const char *sql, int n, const char *const *params)
{
    return PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
}

/* Sends one batch in one transaction, then asks head office how many of its
 * events it holds. Returns 0, -1 when the connection broke (to try again),
 * or the exit status. */
static int push(PGconn *pg, const char *store, struct batch *b, int n)
{
    const char *doc = b->doc.p, *params[2] = {store, doc};
    int st = 0;
    long long inserted = -1;
    PGresult *res = PQexec(pg, "BEGIN");
    /* The month partitions first: made by the owner's function. */
    for (int i = 0; i < b->nmonths && PQresultStatus(res) != PGRES_FATAL_ERROR; i++) {
        PQclear(res);
        res = run(pg, "SELECT hq.event_month($1::timestamptz)", 1, (const char *[]){b->months[i]});
    }
    if (b->nmonths < 0 && PQresultStatus(res) == PGRES_COMMAND_OK) {
        PQclear(res);
        res = run(pg, "SELECT hq.event_month(m) FROM (SELECT DISTINCT date_trunc('month', (x->>'at')::timestamptz) m "
                      "FROM jsonb_array_elements($1::jsonb) x) s", 1, (const char *[]){doc});
    }
    if (PQresultStatus(res) == PGRES_TUPLES_OK || (b->nmonths == 0 && PQresultStatus(res) == PGRES_COMMAND_OK)) {
        PQclear(res);
        res = run(pg, "INSERT INTO hq.event (store, at, uuid, seq, kind, body) "
                      "SELECT $1, x.at, x.uuid, x.seq, x.kind, x.body "
                      "FROM jsonb_to_recordset($2::jsonb) AS x(uuid uuid, seq bigint, kind text, at timestamptz, body jsonb) "
                      "ON CONFLICT DO NOTHING", 2, params);
    }
    if (PQresultStatus(res) == PGRES_COMMAND_OK) {
        hold("insert", n);
        inserted = strtoll(PQcmdTuples(res), NULL, 10);
        PQclear(res);
        res = PQexec(pg, "COMMIT");
    }
    /* Committed with every event new: head office holds them all. Fewer
     * (a batch sent again): ask which it holds before marking any sent. */
    if (PQresultStatus(res) == PGRES_COMMAND_OK) {
        hold("commit", n);
        if (inserted == (long long)b->count)
            goto done;
        PQclear(res);
        res = run(pg, "SELECT count(*) FROM hq.event WHERE store = $1 AND uuid = ANY($2::uuid[])", 2,
                  (const char *[]){store, b->uuids.p ? b->uuids.p : "{}"});
        if (PQresultStatus(res) == PGRES_TUPLES_OK && strtoll(PQgetvalue(res, 0, 0), NULL, 10) != (long long)b->count)
            st = cli_error(EXIT_IO, "head office holds %s of the %lld events just sent: nothing is marked sent",
                           PQgetvalue(res, 0, 0), (long long)b->count);
    }
    if (st == 0 && PQresultStatus(res) != PGRES_TUPLES_OK)
        st = PQstatus(pg) == CONNECTION_BAD ? -1 : hq_fail(pg, res, "sending a batch");
done:
    PQclear(res);
    return st;
}

/* The advisory lock that keeps a second sync of the same store out; it
 * lasts as long as the session. */
static int lock_store(PGconn *pg, const char *store)
{
    const char *params[1] = {store};
    PGresult *res = run(pg, "SELECT pg_try_advisory_lock(hashtext('entrepot sync ' || $1))", 1, params);
    int st = 0;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        st = hq_fail(pg, res, "locking the store's sync");
    else if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
        st = cli_error(EXIT_REFUSED, "another sync of store %s is running: nothing sent by this one", store);
    PQclear(res);
    return st;
}

/* Which store the connected role is. */
static int whoami(PGconn *pg, char store[ENT_STORE_CODE_SIZE])
{
    PGresult *res = PQexec(pg, "SELECT hq.my_store()");
    int st = 0;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        st = hq_fail(pg, res, "asking which store this is");
    else if (PQgetisnull(res, 0, 0))
        st = cli_error(EXIT_REFUSED, "the role %s is not a store's role at head office (hq store add makes one)",
                       PQuser(pg));
    else
        snprintf(store, ENT_STORE_CODE_SIZE, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return st;
}

static int reconnect(PGconn *pg, const char *store)
{
    PQreset(pg);
    if (PQstatus(pg) != CONNECTION_OK)
        return cli_error(EXIT_IO, "lost head office and could not reach it again: the rest is sent at the next sync");
    return lock_store(pg, store);
}

static int sync_all(struct cli *cli, PGconn *pg, const char *store, int64_t size)
{
    ent_outbox_status s;
    int rc = ent_outbox_status_get(cli->db, &s), st = 0, n = 0;
    int64_t sent = 0, count = 0;
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    int64_t after = s.acked_seq;
    for (;;) {
        struct batch b = {0};
        rc = ent_outbox_each(cli->db, &count, after, size, add_event, &b);
        if (rc == ENT_OK && count > 0 && (text_add(&b.doc, "]", 1) != ENT_OK || text_add(&b.uuids, "}", 1) != ENT_OK)) {
            rc = ENT_ERROR;
            snprintf(b.err, sizeof b.err, "out of memory");
        }
        if (rc != ENT_OK || count == 0) {
            batch_free(&b);
            if (rc != ENT_OK)
                return b.err[0] ? cli_error(EXIT_IO, "%s", b.err) : cli_fail(cli, rc);
            break;
        }
        n++;
        st = push(pg, store, &b, n);
        if (st == -1 && (st = reconnect(pg, store)) == 0)
            st = push(pg, store, &b, n); /* the same batch again: what arrived is not doubled */
        batch_free(&b);
        if (st != 0)
            return st < 0 ? cli_error(EXIT_IO, "lost head office twice in one batch: the rest is sent at the next sync")
                          : st;
        if ((rc = ent_outbox_ack(cli->db, store, b.last)) != ENT_OK)
            return cli_fail(cli, rc);
        hold("acked", n);
        sent += count;
        after = b.last;
    }
    if (!hq_sync_quiet)
        printf("sync: %lld event%s sent to head office as store %s in %d batch%s; nothing waiting\n", (long long)sent,
           sent == 1 ? "" : "s", store, n, n == 1 ? "" : "es");
    return 0;
}

/* One change of head office's (row r of a page): the fields it carries
 * change the commodity where the store lists it; a new one (head office
 * added it) is added where the store does not, its shelf label queued. */
static int apply_change(ent_db *db, PGresult *res, int r, int64_t *applied, int64_t *unknown)
{
    ent_product_fields f = {0};
    json_t *o = PQgetisnull(res, r, 5) ? NULL : json_loads(PQgetvalue(res, r, 5), 0, NULL);
    const char *code = PQgetvalue(res, r, 1);
    if (o)
        hq_product_fields_from(o, &f);
    f.price = PQgetisnull(res, r, 2) ? f.price : PQgetvalue(res, r, 2);
    f.name_zh = PQgetisnull(res, r, 3) ? f.name_zh : PQgetvalue(res, r, 3);
    f.name_en = PQgetisnull(res, r, 4) ? f.name_en : PQgetvalue(res, r, 4);
    ent_product_fields edit = f;
    edit.gtin = edit.sku = NULL; /* a commodity's codes stay */
    int rc = ent_product_edit(db, code, &edit);
    if (rc == ENT_NOTFOUND && strcmp(PQgetvalue(res, r, 6), "t") == 0) {
        int64_t id = 0;
        if ((rc = ent_product_add(db, &f)) == ENT_OK && (rc = ent_product_id(db, &id, NULL, code)) == ENT_OK)
            rc = ent_label_queue_add(db, id, "new from head office");
    } else if (rc == ENT_NOTFOUND) {
        (*unknown)++;
        rc = ENT_OK;
        json_decref(o);
        return rc;
    }
    if (rc == ENT_OK)
        (*applied)++;
    json_decref(o);
    return rc;
}

/* Applies one page of head office's price changes after *after in one
 * transaction (ent_product_edit queues the shelf labels of what changed);
 * *n receives how many rows it read. */
static int pull_page(struct cli *cli, PGconn *pg, int64_t *after, int64_t *n, int64_t *applied, int64_t *unknown)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)*after);
    PGresult *res = run(pg, "SELECT id, code, price, name_zh, name_en, fields::text, new FROM hq.price_change WHERE id > $1 "
                            "ORDER BY id LIMIT 5000", 1, (const char *[]){num});
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int st = hq_fail(pg, res, "reading head office's prices");
        PQclear(res);
        return st;
    }
    *n = PQntuples(res);
    int rc = *n ? ent_db_group_begin(cli->db) : ENT_OK, st = 0;
    for (int r = 0; rc == ENT_OK && r < *n; r++) {
        rc = apply_change(cli->db, res, r, applied, unknown);
        if (rc != ENT_OK) {
            char v[ENT_CLIP_SIZE];
            st = cli_error(cli_exit_code(rc), "head office's change %s for %s is refused: %s; nothing of this pull "
                           "is applied", PQgetvalue(res, r, 0), ent_text_clip(v, sizeof v, PQgetvalue(res, r, 1), 40),
                           cli_errmsg(cli));
        }
    }
    if (*n && rc == ENT_OK) {
        int64_t last = strtoll(PQgetvalue(res, (int)*n - 1, 0), NULL, 10);
        if ((rc = ent_outbox_pulled(cli->db, last)) == ENT_OK && (rc = ent_db_group_end(cli->db, 1)) == ENT_OK)
            *after = last;
    }
    if (*n && rc != ENT_OK) {
        if (st == 0)
            st = cli_fail(cli, rc);
        ent_db_group_end(cli->db, 0);
    }
    PQclear(res);
    return st;
}

static int pull_prices(struct cli *cli, PGconn *pg)
{
    ent_outbox_status s;
    int rc = ent_outbox_status_get(cli->db, &s), st = 0;
    int64_t after, n = 0, applied = 0, unknown = 0;
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    after = s.pulled_id;
    if ((rc = ent_user_act_as(cli->db, "head office")) != ENT_OK)
        return cli_fail(cli, rc);
    do
        st = pull_page(cli, pg, &after, &n, &applied, &unknown);
    while (st == 0 && n > 0);
    if (st == 0 && !hq_sync_quiet)
        printf("sync: %lld price change%s from head office applied, %lld for commodities this store does not list\n",
               (long long)applied, applied == 1 ? "" : "s", (long long)unknown);
    return st;
}

static int print_status(struct cli *cli, PGconn *pg, const char *store)
{
    ent_outbox_status s;
    int rc = ent_outbox_status_get(cli->db, &s);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    long long held = -1, held_seq = -1, to_pull = -1;
    int st = 0;
    if (pg) {
        char num[32];
        snprintf(num, sizeof num, "%lld", (long long)s.pulled_id);
        PGresult *res = run(pg, "SELECT count(*), coalesce(max(seq), 0), "
                                "(SELECT count(*) FROM hq.price_change WHERE id > $1) FROM hq.event", 1,
                            (const char *[]){num});
        if (PQresultStatus(res) == PGRES_TUPLES_OK) {
            held = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
            held_seq = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
            to_pull = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
        } else
            st = hq_fail(pg, res, "counting the store's events");
        PQclear(res);
    }
    if (cli->format == FORMAT_JSON) {
        printf("{\"store\":\"%s\",\"events\":%lld,\"acked_seq\":%lld,\"waiting\":%lld,\"oldest_waiting\":%s%s%s,"
               "\"hq_events\":%lld,\"hq_newest_seq\":%lld,\"pulled_id\":%lld,\"to_pull\":%lld}\n",
               store, (long long)s.last_seq, (long long)s.acked_seq, (long long)s.pending,
               s.oldest_pending[0] ? "\"" : "", s.oldest_pending[0] ? s.oldest_pending : "null",
               s.oldest_pending[0] ? "\"" : "", held, held_seq, (long long)s.pulled_id, to_pull);
        return st;
    }
    printf("store %s\n", store);
    printf("  events made here        %lld (newest seq %lld)\n", (long long)s.last_seq, (long long)s.last_seq);
    printf("  acknowledged up to seq  %lld%s%s\n", (long long)s.acked_seq, s.acked_at[0] ? " at " : "", s.acked_at);
    printf("  waiting to be sent      %lld%s%s\n", (long long)s.pending, s.oldest_pending[0] ? ", oldest made " : "",
           s.oldest_pending);
    if (held >= 0)
        printf("  head office holds       %lld events of this store (newest seq %lld)\n", held, held_seq);
    printf("  prices applied up to    head office's change %lld\n", (long long)s.pulled_id);
    if (to_pull >= 0)
        printf("  prices still to pull    %lld\n", to_pull);
    return st;
}

int cmd_sync(struct cli *cli, int argc, char **argv)
{
    const char *url = NULL, *password_file = NULL, *batch = NULL;
    bool status = false;
    const struct cli_opt opts[] = {{"pg", &url, NULL},
                                   {"password-file", &password_file, NULL},
                                   {"batch", &batch, NULL},
                                   {"status", NULL, &status},
                                   {0}};
    const char *pos[1];
    int npos, st = cli_parse(argc, argv, opts, sync_help, pos, 0, &npos);
    int64_t size = 1000;
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0 || (batch && (st = cli_parse_whole(&size, "--batch", batch, 1,
                                                                               ENT_OUTBOX_BATCH_MAX)) != 0))
        return st;
    if (url == NULL)
        url = getenv("ENTREPOT_HQ");
    if (password_file == NULL)
        password_file = getenv("ENTREPOT_HQ_PASSFILE");
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    PGconn *pg = NULL;
    char store[ENT_STORE_CODE_SIZE] = "";
    st = hq_connect(&pg, url, password_file, true);
    if (st != 0 && status) {
        ent_outbox_status s;
        if (ent_outbox_status_get(cli->db, &s) == ENT_OK)
            print_status(cli, NULL, s.store[0] ? s.store : "(never synced)");
        return st;
    }
    if (st == 0 && (st = whoami(pg, store)) == 0 && !status) {
        int rc = ent_outbox_claim(cli->db, store);
        if (rc != ENT_OK)
            st = cli_fail(cli, rc);
    }
    if (st == 0)
        st = status ? print_status(cli, pg, store) : lock_store(pg, store);
    if (st == 0 && !status)
        st = sync_all(cli, pg, store, size);
    if (st == 0 && !status)
        st = hq_sync_continuity(cli, pg, store); /* sync_continuity.c (a restored database) */
    if (st == 0 && !status)
        st = pull_prices(cli, pg);
    if (st == 0 && !status)
        st = hq_sync_transfers(cli, pg, store); /* sync_transfer.c (transfers between stores) */
    PQfinish(pg);
    return cli_stdout_status(st);
}

/* One round of the server's background sync (hq_serve.c) on its own
 * connections: the same push and pull as `entrepot sync`. first: the
 * connection is new (which store, the claim, the store's lock). */
int hq_sync_round(struct cli *cli, PGconn *pg, char store[ENT_STORE_CODE_SIZE], bool first)
{
    int st = 0, rc;
    if (first) {
        if ((st = whoami(pg, store)) != 0)
            return st;
        if ((rc = ent_outbox_claim(cli->db, store)) != ENT_OK)
            return cli_fail(cli, rc);
        if ((st = lock_store(pg, store)) != 0)
            return st;
    }
    if ((st = sync_all(cli, pg, store, 1000)) == 0)
        st = pull_prices(cli, pg);
    return st;
}
