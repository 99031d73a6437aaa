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

struct batch {
    json_t *rows;
    int64_t first, last;
};

static int add_event(const ent_outbox_event *ev, void *ud)
{
    struct batch *b = ud;
    json_error_t jerr;
    json_t *body = json_loads(ev->body, 0, &jerr);
    json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:o*}", "uuid", ev->uuid, "seq", (json_int_t)ev->seq, "kind",
                          ev->kind, "at", ev->at, "body", body);
    if (o == NULL || json_array_append_new(b->rows, o) != 0)
        return ENT_ERROR;
    if (b->first == 0)
        b->first = ev->seq;
    b->last = ev->seq;
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
    char *doc = json_dumps(b->rows, JSON_COMPACT);
    if (doc == NULL)
        return cli_error(EXIT_IO, "out of memory");
    const char *params[2] = {store, doc};
    int st = 0;
    PGresult *res = PQexec(pg, "BEGIN");
    if (PQresultStatus(res) == PGRES_COMMAND_OK) {
        PQclear(res);
        /* The month partitions first: made by the owner's function. */
        res = run(pg, "SELECT hq.event_month(m) FROM (SELECT DISTINCT date_trunc('month', (x->>'at')::timestamptz) m "
                      "FROM jsonb_array_elements($1::jsonb) x) s", 1, (const char *[]){doc});
    }
    if (PQresultStatus(res) == PGRES_TUPLES_OK) {
        PQclear(res);
        res = run(pg, "INSERT INTO hq.event (store, at, uuid, seq, kind, body) "
                      "SELECT $1, x.at, x.uuid, x.seq, x.kind, x.body "
                      "FROM jsonb_to_recordset($2::jsonb) AS x(uuid uuid, seq bigint, kind text, at timestamptz, body jsonb) "
                      "ON CONFLICT DO NOTHING", 2, params);
    }
    if (PQresultStatus(res) == PGRES_COMMAND_OK) {
        hold("insert", n);
        PQclear(res);
        res = PQexec(pg, "COMMIT");
    }
    if (PQresultStatus(res) == PGRES_COMMAND_OK) {
        hold("commit", n);
        PQclear(res);
        res = run(pg, "SELECT count(*) FROM hq.event WHERE store = $1 AND uuid IN "
                      "(SELECT (x->>'uuid')::uuid FROM jsonb_array_elements($2::jsonb) x)", 2, params);
        if (PQresultStatus(res) == PGRES_TUPLES_OK &&
            strtoll(PQgetvalue(res, 0, 0), NULL, 10) != (long long)json_array_size(b->rows))
            st = cli_error(EXIT_IO, "head office holds %s of the %zu events just sent: nothing is marked sent",
                           PQgetvalue(res, 0, 0), json_array_size(b->rows));
    }
    if (st == 0 && PQresultStatus(res) != PGRES_TUPLES_OK)
        st = PQstatus(pg) == CONNECTION_BAD ? -1 : hq_fail(pg, res, "sending a batch");
    PQclear(res);
    free(doc);
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
        struct batch b = {json_array(), 0, 0};
        if (b.rows == NULL)
            return cli_error(EXIT_IO, "out of memory");
        rc = ent_outbox_each(cli->db, &count, after, size, add_event, &b);
        if (rc != ENT_OK || count == 0) {
            json_decref(b.rows);
            if (rc != ENT_OK)
                return cli_fail(cli, rc);
            break;
        }
        n++;
        st = push(pg, store, &b, n);
        if (st == -1 && (st = reconnect(pg, store)) == 0)
            st = push(pg, store, &b, n); /* the same batch again: what arrived is not doubled */
        json_decref(b.rows);
        if (st != 0)
            return st < 0 ? cli_error(EXIT_IO, "lost head office twice in one batch: the rest is sent at the next sync")
                          : st;
        if ((rc = ent_outbox_ack(cli->db, store, b.last)) != ENT_OK)
            return cli_fail(cli, rc);
        hold("acked", n);
        sent += count;
        after = b.last;
    }
    printf("sync: %lld event%s sent to head office as store %s in %d batch%s; nothing waiting\n", (long long)sent,
           sent == 1 ? "" : "s", store, n, n == 1 ? "" : "es");
    return 0;
}

/* Applies one page of head office's price changes after *after in one
 * transaction (ent_product_edit queues the shelf labels of what changed);
 * *n receives how many rows it read. */
static int pull_page(struct cli *cli, PGconn *pg, int64_t *after, int64_t *n, int64_t *applied, int64_t *unknown)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)*after);
    PGresult *res = run(pg, "SELECT id, code, price, name_zh, name_en FROM hq.price_change WHERE id > $1 "
                            "ORDER BY id LIMIT 5000", 1, (const char *[]){num});
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int st = hq_fail(pg, res, "reading head office's prices");
        PQclear(res);
        return st;
    }
    *n = PQntuples(res);
    int rc = *n ? ent_db_group_begin(cli->db) : ENT_OK, st = 0;
    for (int r = 0; rc == ENT_OK && r < *n; r++) {
        ent_product_fields f = {0};
        f.price = PQgetisnull(res, r, 2) ? NULL : PQgetvalue(res, r, 2);
        f.name_zh = PQgetisnull(res, r, 3) ? NULL : PQgetvalue(res, r, 3);
        f.name_en = PQgetisnull(res, r, 4) ? NULL : PQgetvalue(res, r, 4);
        rc = ent_product_edit(cli->db, PQgetvalue(res, r, 1), &f);
        if (rc == ENT_NOTFOUND) {
            (*unknown)++;
            rc = ENT_OK;
        } else if (rc == ENT_OK)
            (*applied)++;
        else {
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
    if (st == 0)
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
