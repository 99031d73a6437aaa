/* Head office on PostgreSQL (issue 13): `entrepot hq` and `entrepot sync`.
 * A front end like the CLI and the server: the store's database through the
 * public API, head office through libpq. */
#ifndef ENT_HQ_H
#define ENT_HQ_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include "cli.h"
#include "hq_serve.h"

/* The head-office migrations embedded from schema/hq (cmake/embed_schema.cmake). */
struct ent_migration {
    int version;
    const char *name;
    const char *sql;
};
extern const struct ent_migration hq_migrations[];
extern const int hq_migration_count;

/*
 * Tests only: where a sync stops and waits for a line on standard input
 * ("insert:N" after batch N's rows are in but not committed, "commit:N"
 * after its commit, before the store records it, "acked:N" after that).
 * Set by the test build of the program from $ENTREPOT_SYNC_HOLD; the
 * released program leaves it NULL.
 */
extern const char *hq_sync_hold;

/* Connects to head office. conninfo is a libpq connection string or URL
 * without a password; the password, if any, is read from password_file
 * (mode 0600 or stricter). tls: the link must be encrypted (a store's).
 * Returns 0, or the exit status after saying why. */
int hq_connect(PGconn **out, const char *conninfo, const char *password_file, bool tls);

/* Runs sql (no parameters, no rows wanted): 0, or the exit status after
 * saying what failed, prefixed by what. */
int hq_exec(PGconn *pg, const char *what, const char *sql);

/* The exit status for a failed result, after saying what failed. */
int hq_fail(PGconn *pg, const PGresult *res, const char *what);

/* The head-office schema version (0: none). Returns 0 or the exit status. */
int hq_schema_version(PGconn *pg, int *version);

/* The server's background sync: no "sync: ..." lines on standard output
 * (set once before its thread starts; the command leaves it false). */
extern bool hq_sync_quiet;
/* One push-and-pull round on an open connection (cmd_sync.c); first: a new
 * connection (learns store, claims the database, takes the store's lock). */
int hq_sync_round(struct cli *cli, PGconn *pg, char store[ENT_STORE_CODE_SIZE], bool first);
/* Checks a store's address (no password in it) and its password file
 * without connecting: 0, or the exit status after saying why. */
int hq_check_address(const char *conninfo, const char *password_file);

/* The zone of the chain's stores: head office's "today" (hq report
 * expiring) when no day is given. */
#define HQ_CHAIN_TZ "Asia/Shanghai"

/* hq report stock|sales|flow|expiring|holders (hq_report.c), as typed. */
struct hq_report_args {
    const char *what;       /* stock, sales, flow, expiring or holders */
    const char *store;      /* one store, or NULL for all */
    const char *from, *to;  /* sales and flow: the stores' local days */
    const char *by;         /* sales: NULL (store, day and country), country, day or store */
    const char *on, *days;  /* expiring: from day on (default today), within days (default 30) */
    const char *code;       /* holders: the commodity's GTIN or SKU */
};
int hq_report_run(struct cli *cli, const char *url, const struct hq_report_args *a);

/* A report's columns: their names (the CLI's --json and the API name them
 * so) and alignment ('n': a number, right-aligned, an integer in JSON). */
struct hq_view {
    const char *name;
    int ncols;
    const char *const *head;
    const char *align;
};
/* The report named what, or NULL. */
const struct hq_view *hq_view_find(const char *what);
/* Runs q on pg: the result (PQclear it; check its status; NULL, whose
 * status is an error, for a view that is not one). */
PGresult *hq_query(PGconn *pg, const struct hq_query *q);

/* hq product add|edit|import (hq_product.c); argv as cmd_hq has it. */
int hq_product_cmd(struct cli *cli, int argc, char **argv);
/* The fields of a head-office change (hq.price_change.fields) into f,
 * borrowed from o; names it does not know are left out. */
void hq_product_fields_from(json_t *o, ent_product_fields *f);

/* Prints the first ncols columns of every row of res as one table (at most
 * HQ_PRINT_COLS). */
#define HQ_PRINT_COLS 16
void hq_print_rows(struct cli *cli, PGresult *res, int ncols, const char *const *head, const char *align);

/* The transfers part of a sync (sync_transfer.c): the chain's stores, the
 * transfers in transit to this store, the receipts of those it shipped.
 * Returns 0 or the exit status after saying what failed. */
int hq_sync_transfers(struct cli *cli, PGconn *pg, const char *store);

/* After the push (sync_continuity.c): warns when head office holds events
 * of this store that this database lacks, or two different journal records
 * under one number (a database restored from a backup or replaced).
 * Returns 0 or the exit status after saying what failed. */
int hq_sync_continuity(struct cli *cli, PGconn *pg, const char *store);

/* `entrepot hq transfer ...` (cmd_hq_transfer.c); argv[0] is "transfer". */
int hq_cmd_transfer(struct cli *cli, int argc, char **argv);

/* `entrepot hq journal ...` (cmd_hq_journal.c); argv[0] is "journal". */
int hq_cmd_journal(struct cli *cli, int argc, char **argv);

#endif
