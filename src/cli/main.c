/* entrepot — the command-line program: global options and dispatch. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "entrepot — inventory, labels and sales for import trading centres\n"
    "\n"
    "usage: entrepot [--db PATH] [--json | --csv] COMMAND [ARGS...]\n"
    "\n"
    "  init        create a database for a store\n"
    "  demo        fill a new database with a realistic demo centre\n"
    "  product     add, edit, show, list, search, import and export commodities\n"
    "  location    add and list stock locations\n"
    "  stock       receive, move, adjust, scrap, count; levels, history\n"
    "  scan        show what a scanned code means and what it resolves to\n"
    "  journal     the signed sales journal: keygen, close, verify, export\n"
    "  label       print shelf labels, item tags, back labels, carton labels\n"
    "  counter     the till: scan, change, pay, print (reads a scanner or a pipe)\n"
    "  sale        one sale from arguments: codes and payments\n"
    "  return      take goods back, with or without the receipt\n"
    "  flow        import door-counter counts, or record one by hand\n"
    "  report      sales (by day, hour, counter, cashier, commodity, country), flow\n"
    "  receipt     verify a printed receipt's QR payload\n"
    "  check       integrity check and ledger recomputation\n"
    "  backup      consistent online copy of the database\n"
    "  version     print the version\n"
    "\n"
    "The database is --db PATH, else $ENTREPOT_DB, else ./entrepot.db.\n"
    "Every command has --help with an example. Exit status: 0 ok, 1 refused\n"
    "(not enough stock, expired lot, tampered journal), 2 usage or input error,\n"
    "3 database or I/O error.\n";

static const struct {
    const char *name;
    int (*run)(struct cli *, int, char **);
} commands[] = {
    {"init", cmd_init},       {"demo", cmd_demo},     {"product", cmd_product}, {"location", cmd_location},
    {"stock", cmd_stock},     {"scan", cmd_scan},     {"journal", cmd_journal}, {"receipt", cmd_receipt},
    {"check", cmd_check},     {"backup", cmd_backup}, {"label", cmd_label},
    {"counter", cmd_counter}, {"sale", cmd_sale},     {"return", cmd_return},   {"flow", cmd_flow},
    {"report", cmd_report},
};

int main(int argc, char **argv)
{
    struct cli cli = {0};
    int i = 1, status;
    cli.db_path = getenv("ENTREPOT_DB");
    if (cli.db_path == NULL || *cli.db_path == '\0')
        cli.db_path = "entrepot.db";
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            cli.db_path = argv[++i];
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            cli.db_path = argv[i] + 5;
        } else if (strcmp(argv[i], "--json") == 0) {
            cli.format = FORMAT_JSON;
        } else if (strcmp(argv[i], "--csv") == 0) {
            cli.format = FORMAT_CSV;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return EXIT_OK;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("entrepot %s\n", ent_version());
            return EXIT_OK;
        } else {
            return cli_error(EXIT_USAGE, "unknown option '%s' (see entrepot --help)", argv[i]);
        }
    }
    if (i >= argc) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[i];
    if (strcmp(name, "version") == 0) {
        printf("entrepot %s\n", ent_version());
        return EXIT_OK;
    }
    if (strcmp(name, "help") == 0) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    status = -1;
    for (size_t k = 0; k < sizeof commands / sizeof *commands; k++) {
        if (strcmp(commands[k].name, name) == 0) {
            /* Commands may take --json/--csv after their name too. */
            for (int j = i + 1; j < argc; j++) {
                if (strcmp(argv[j], "--") == 0)
                    break;
                if (strcmp(argv[j], "--json") == 0 || strcmp(argv[j], "--csv") == 0) {
                    cli.format = argv[j][2] == 'j' ? FORMAT_JSON : FORMAT_CSV;
                    memmove(&argv[j], &argv[j + 1], (size_t)(argc - j - 1) * sizeof *argv);
                    argc--;
                    j--;
                }
            }
            status = commands[k].run(&cli, argc - i - 1, argv + i + 1);
            break;
        }
    }
    if (status < 0)
        status = cli_error(EXIT_USAGE, "unknown command '%s' (see entrepot --help)", name);
    ent_db_close(cli.db);
    return status;
}
