/* entrepot store: show and edit the store's details. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

static const char store_help[] =
    "usage: entrepot store show\n"
    "       entrepot store edit [--name NAME] [--address TEXT] [--phone NUMBER] [--user NAME]\n"
    "\n"
    "show  the store's code, name, address, phone, currency, time zone, when it\n"
    "      was created and who last changed its details\n"
    "edit  changes the name (1 to 200 bytes), the address (at most 300 bytes;\n"
    "      \"\" clears it) or the phone (digits, spaces and + - ( ), at most 32;\n"
    "      \"\" clears it). Each change is recorded with its old and new value, the\n"
    "      time and the user: --user NAME, else $ENTREPOT_USER, else $USER.\n"
    "      The code, currency and time zone are fixed when the store is made.\n"
    "\n"
    "example: entrepot store edit --name \"上海环球进口商品馆\" --phone \"+86 21 5555 0101\" --user 王经理\n";

static void show_json(const ent_store *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "code", json_string(s->code));
    json_object_set_new(o, "name", json_string(s->name ? s->name : ""));
    json_object_set_new(o, "address", s->address ? json_string(s->address) : json_null());
    json_object_set_new(o, "phone", s->phone ? json_string(s->phone) : json_null());
    json_object_set_new(o, "currency", json_string(s->currency));
    json_object_set_new(o, "tz", json_string(s->tz));
    json_object_set_new(o, "created_at", json_string(s->created_at));
    json_object_set_new(o, "changed_at", *s->changed_at ? json_string(s->changed_at) : json_null());
    json_object_set_new(o, "changed_by", s->changed_by ? json_string(s->changed_by) : json_null());
    json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(o);
}

static int store_show(struct cli *cli, int argc, char **argv)
{
    const char *pos[1];
    ent_store *s = NULL;
    int npos, st = cli_parse(argc, argv, NULL, store_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_open(cli, ENT_OPEN_READONLY)) != 0)
        return st;
    int rc = ent_store_get(cli->db, &s);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    if (cli->format == FORMAT_JSON) {
        show_json(s);
    } else {
        printf("store       %s\nname        %s\naddress     %s\nphone       %s\ncurrency    %s\n"
               "time zone   %s\ncreated     %s\n",
               s->code, s->name ? s->name : "", s->address ? s->address : "-", s->phone ? s->phone : "-", s->currency,
               s->tz, s->created_at);
        if (*s->changed_at)
            printf("changed     %s by %s\n", s->changed_at, s->changed_by ? s->changed_by : "");
    }
    ent_store_free(s);
    return EXIT_OK;
}

static int store_edit(struct cli *cli, int argc, char **argv)
{
    ent_store_changes c = {0};
    const char *user = NULL, *pos[1];
    const struct cli_opt opts[] = {
        {"name", &c.name, NULL}, {"address", &c.address, NULL}, {"phone", &c.phone, NULL}, {"user", &user, NULL}, {0}};
    int npos, st = cli_parse(argc, argv, opts, store_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (c.name == NULL && c.address == NULL && c.phone == NULL)
        return cli_error(EXIT_USAGE, "store edit needs --name, --address or --phone (see --help)");
    if (user == NULL && (user = getenv("ENTREPOT_USER")) == NULL)
        user = getenv("USER");
    if (user == NULL || *user == '\0')
        return cli_error(EXIT_USAGE, "say who makes the change: --user NAME");
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    int rc = ent_store_edit(cli->db, &c, user);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    printf("store details changed by %s\n", user);
    return EXIT_OK;
}

int cmd_store(struct cli *cli, int argc, char **argv)
{
    if (argc < 1)
        return cli_error(EXIT_USAGE, "store needs show or edit (see entrepot store --help)");
    if (strcmp(argv[0], "show") == 0)
        return store_show(cli, argc - 1, argv + 1);
    if (strcmp(argv[0], "edit") == 0)
        return store_edit(cli, argc - 1, argv + 1);
    if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        fputs(store_help, stdout);
        return EXIT_OK;
    }
    return cli_error(EXIT_USAGE, "store: unknown action '%s': show or edit (see entrepot store --help)", argv[0]);
}
