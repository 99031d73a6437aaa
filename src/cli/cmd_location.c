/* entrepot location: where stock lies. */
#include <string.h>

#include "cli.h"

static const char location_help[] =
    "usage: entrepot location add CODE [--kind shelf|backroom|bonded|quarantine|returns] [--name TEXT]\n"
    "       entrepot location list\n"
    "       entrepot location edit CODE [--code NEW] [--name TEXT]   (--name \"\" clears the name)\n"
    "       entrepot location retire CODE\n"
    "\n"
    "Locations are places in the store such as shelf A-01-03. Kinds: shelf (on the\n"
    "sales floor), backroom, bonded (not yet cleared by customs), quarantine (held,\n"
    "not for sale), returns. Codes are 1 to 32 letters, digits or - _ . / and do not\n"
    "depend on case: a-01-03 is A-01-03. A retired location keeps its history but\n"
    "leaves the list and takes no more stock; it can be retired only when empty.\n"
    "\n"
    "examples:\n"
    "  entrepot location add A-01-03 --kind shelf --name \"Aisle A, bay 1, shelf 3\"\n"
    "  entrepot location add BOND-1 --kind bonded\n"
    "  entrepot location edit A-01-03 --code A-01-04 --name \"Aisle A, bay 1, shelf 4\"\n"
    "  entrepot location retire BOND-1\n"
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

static int do_add(struct cli *cli, int argc, char **argv)
{
    const char *kind = NULL, *name = NULL, *pos[1];
    int npos;
    const struct cli_opt opts[] = {{"kind", &kind, NULL}, {"name", &name, NULL}, {0}};
    int st = cli_parse(argc, argv, opts, location_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 1)
        return cli_error(EXIT_USAGE, "location add needs the CODE of the new location (see --help)");
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    int rc = ent_location_add(cli->db, pos[0], kind, name);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    printf("added location %s (%s)\n", pos[0], kind ? kind : "shelf");
    return EXIT_OK;
}

static int do_list(struct cli *cli, int argc, char **argv)
{
    const char *pos[1];
    int npos, st = cli_parse(argc, argv, NULL, location_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
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

static int do_edit(struct cli *cli, int argc, char **argv)
{
    const char *code = NULL, *name = NULL, *pos[1];
    int npos;
    const struct cli_opt opts[] = {{"code", &code, NULL}, {"name", &name, NULL}, {0}};
    int st = cli_parse(argc, argv, opts, location_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 1)
        return cli_error(EXIT_USAGE, "location edit needs the CODE of the location (see --help)");
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    int rc = ent_location_edit(cli->db, pos[0], code, name);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    printf("changed location %s\n", code ? code : pos[0]);
    return EXIT_OK;
}

static int do_retire(struct cli *cli, int argc, char **argv)
{
    const char *pos[1];
    int npos, st = cli_parse(argc, argv, NULL, location_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 1)
        return cli_error(EXIT_USAGE, "location retire needs the CODE of the location (see --help)");
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    int rc = ent_location_retire(cli->db, pos[0]);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    printf("retired location %s\n", pos[0]);
    return EXIT_OK;
}

int cmd_location(struct cli *cli, int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        fputs(location_help, argc < 1 ? stderr : stdout);
        return argc < 1 ? EXIT_USAGE : EXIT_OK;
    }
    const char *sub = argv[0];
    if (strcmp(sub, "add") == 0)
        return do_add(cli, argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0)
        return do_list(cli, argc - 1, argv + 1);
    if (strcmp(sub, "edit") == 0)
        return do_edit(cli, argc - 1, argv + 1);
    if (strcmp(sub, "retire") == 0)
        return do_retire(cli, argc - 1, argv + 1);
    return cli_error(EXIT_USAGE, "unknown location command '%s' (see entrepot location --help)", ENT_CLIP(sub, 32));
}
