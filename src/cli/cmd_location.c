/* entrepot location: where stock lies. */
#include <string.h>

#include "cli.h"

static const char location_help[] =
    "usage: entrepot location add CODE [--kind shelf|backroom|bonded|quarantine|returns] [--name TEXT]\n"
    "       entrepot location list\n"
    "\n"
    "Locations are places in the store such as shelf A-01-03. Kinds: shelf (on the\n"
    "sales floor), backroom, bonded (not yet cleared by customs), quarantine (held,\n"
    "not for sale), returns.\n"
    "\n"
    "examples:\n"
    "  entrepot location add A-01-03 --kind shelf --name \"Aisle A, bay 1, shelf 3\"\n"
    "  entrepot location add BOND-1 --kind bonded\n"
    "  entrepot location list\n";

static int add_row(const ent_location *loc, void *ud)
{
    char units[24], lots[24];
    snprintf(units, sizeof units, "%lld", (long long)loc->units);
    snprintf(lots, sizeof lots, "%lld", (long long)loc->lots);
    const char *cells[] = {loc->code, loc->kind, loc->name ? loc->name : "", lots, units};
    cli_table_add(ud, cells);
    return 0;
}

int cmd_location(struct cli *cli, int argc, char **argv)
{
    const char *kind = NULL, *name = NULL, *pos[2];
    int npos;
    const struct cli_opt opts[] = {{"kind", &kind, NULL}, {"name", &name, NULL}, {0}};
    int st = cli_parse(argc, argv, opts, location_help, pos, 2, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos == 0) {
        fputs(location_help, stderr);
        return EXIT_USAGE;
    }
    if (strcmp(pos[0], "add") == 0) {
        if (npos != 2)
            return cli_error(EXIT_USAGE, "location add needs the CODE (see --help)");
        if ((st = cli_open(cli, 0)) != 0)
            return st;
        int rc = ent_location_add(cli->db, pos[1], kind, name);
        if (rc != ENT_OK)
            return cli_fail(cli, rc);
        printf("added location %s (%s)\n", pos[1], kind ? kind : "shelf");
        return EXIT_OK;
    }
    if (strcmp(pos[0], "list") == 0 && npos == 1) {
        if ((st = cli_open(cli, 0)) != 0)
            return st;
        const char *headers[] = {"location", "kind", "name", "lots", "units"};
        struct cli_table *t = cli_table_new(5, headers, "   nn");
        int rc = ent_location_each(cli->db, add_row, t);
        if (rc == ENT_OK)
            cli_table_print(cli, t, stdout);
        cli_table_free(t);
        return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
    }
    return cli_error(EXIT_USAGE, "unknown location command '%s' (see entrepot location --help)", pos[0]);
}
