/* entrepot init, check, backup. */
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define ENT_CHECK_MSG 256

static const char init_help[] =
    "usage: entrepot init --store CODE --name NAME [--currency CNY] [--tz Asia/Shanghai]\n"
    "                     [--key FILE | --no-key] [--passphrase-file FILE]\n"
    "\n"
    "Creates the database (--db, $ENTREPOT_DB or ./entrepot.db) for one store.\n"
    "  --store CODE     short store code, such as SH01\n"
    "  --name NAME      the store's name (UTF-8; Chinese is fine)\n"
    "  --currency CODE  ISO 4217 currency of prices (default CNY)\n"
    "  --tz ZONE        IANA time zone of the store (default Asia/Shanghai)\n"
    "  --key FILE       the sales journal's signing key to make (default: DB.key), mode 0600,\n"
    "                   encrypted with --passphrase-file or $ENTREPOT_KEY_PASSPHRASE if given\n"
    "  --no-key         make no key now (`entrepot journal keygen` later; no sales till then)\n"
    "\n"
    "example: entrepot init --store SH01 --name \"上海进口商品馆\"\n";

int cmd_init(struct cli *cli, int argc, char **argv)
{
    const char *store = NULL, *name = NULL, *currency = NULL, *tz = NULL, *key = NULL, *passfile = NULL;
    bool no_key = false;
    const struct cli_opt opts[] = {{"store", &store, NULL}, {"name", &name, NULL},       {"currency", &currency, NULL},
                                   {"tz", &tz, NULL},       {"key", &key, NULL},         {"no-key", NULL, &no_key},
                                   {"passphrase-file", &passfile, NULL},                 {0}};
    const char *pos[1];
    int npos, st = cli_parse(argc, argv, opts, init_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (store == NULL || name == NULL)
        return cli_error(EXIT_USAGE, "init needs --store CODE and --name NAME (see --help)");
    /* A new database is built under a temporary name and appears only when
     * the store and its key are made: a refused init leaves nothing behind. */
    if ((st = cli_open(cli, ENT_OPEN_CREATE | ENT_OPEN_STAGED)) != 0)
        return st;
    int rc = ent_store_init(cli->db, store, name, currency, tz);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    char keypath[4096];
    snprintf(keypath, sizeof keypath, "%s.key", cli->db_path);
    if (key == NULL)
        key = keypath;
    if ((st = journal_init_key(cli, key, no_key, passfile)) != 0)
        return st;
    if ((rc = ent_db_publish(cli->db)) != ENT_OK) {
        if (!no_key)
            unlink(key); /* made by this run a moment ago (never over an existing file) */
        return cli_fail(cli, rc);
    }
    printf("created %s for store %s (%s)\n", cli->db_path, store, name);
    return EXIT_OK;
}

static const char check_help[] =
    "usage: entrepot check\n"
    "\n"
    "Runs SQLite's integrity check and recomputes every stock balance from the\n"
    "ledger, naming each one that drifted; then reconciles every sale and return\n"
    "with its signed journal record (lines, payments, totals, lots, its stock\n"
    "moves) and the report summaries with the sales, naming each disagreement.\n"
    "It also recomputes the on-hand summaries per location and commodity (what\n"
    "the location list and low stock read) from the balances, and compares the\n"
    "counter's copy of the lots keyed by GTIN and lot code with the lots.\n"
    "The journal itself is checked by `entrepot journal verify`.\n"
    "It reads everything (every balance, move, sale and record): minutes on a\n"
    "large store, not a page to wait on at the counter.\n"
    "Exit 0 when all is well, 1 when a problem was found.\n"
    "\n"
    "example: entrepot check\n";

static void print_problem(const char *problem, void *ud)
{
    (void)ud;
    printf("%s\n", problem);
}

int cmd_check(struct cli *cli, int argc, char **argv)
{
    const char *pos[1];
    int npos, st = cli_parse(argc, argv, NULL, check_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    int rc = ent_db_check(cli->db, print_problem, NULL);
    if (rc != ENT_OK && rc != ENT_TAMPERED)
        return cli_fail(cli, rc);
    /* The sales against their signed journal records, even when the above
     * found problems: a tamperer's edits show in both. */
    char first[ENT_CHECK_MSG];
    snprintf(first, sizeof first, "%s", rc == ENT_TAMPERED ? cli_errmsg(cli) : "");
    int rs = ent_journal_reconcile(cli->db, print_problem, NULL);
    if (rs != ENT_OK && rs != ENT_TAMPERED)
        return cli_fail(cli, rs);
    if (rc == ENT_TAMPERED && rs == ENT_TAMPERED)
        return cli_error(EXIT_REFUSED, "%s; %s", first, cli_errmsg(cli));
    if (rc == ENT_TAMPERED)
        return cli_error(EXIT_REFUSED, "%s", first);
    if (rs == ENT_TAMPERED)
        return cli_fail(cli, rs);
    printf("ok: integrity check passed, every balance matches the ledger, every sale matches its signed journal "
           "record, its stock moves and the report summaries\n");
    return EXIT_OK;
}

static const char backup_help[] =
    "usage: entrepot backup FILE [--replace]\n"
    "\n"
    "Writes a consistent copy of the open database to FILE, while counters keep\n"
    "selling. The copy is made under a temporary name beside FILE and appears\n"
    "only when complete. FILE must not exist, unless --replace is given; the\n"
    "database's own files and its signing key are never written over.\n"
    "\n"
    "example: entrepot backup backups/sh01-2026-11-28.db\n";

int cmd_backup(struct cli *cli, int argc, char **argv)
{
    const char *pos[1];
    bool replace = false;
    const struct cli_opt opts[] = {{"replace", NULL, &replace}, {0}};
    int npos, st = cli_parse(argc, argv, opts, backup_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 1)
        return cli_error(EXIT_USAGE, "backup needs the FILE to write (see --help)");
    if ((st = cli_check_output(cli, pos[0])) != 0 || (st = cli_open(cli, 0)) != 0)
        return st;
    int rc = ent_db_backup_to(cli->db, pos[0], replace ? ENT_BACKUP_REPLACE : 0);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    printf("backed up %s to %s\n", cli->db_path, pos[0]);
    return EXIT_OK;
}
