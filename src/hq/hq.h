/* Head office on PostgreSQL (issue 13): `entrepot hq` and `entrepot sync`.
 * A front end like the CLI and the server: the store's database through the
 * public API, head office through libpq. */
#ifndef ENT_HQ_H
#define ENT_HQ_H

#include <libpq-fe.h>
#include <stdbool.h>
#include "cli.h"

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
