/* entrepot supplier: who the store buys from, and what each supplies. */
#include <errno.h>
#include <string.h>

#include "cli.h"

static const char supplier_help[] =
    "usage: entrepot supplier add CODE (--name-zh TEXT | --name-en TEXT) [--country CC] [--contact TEXT]\n"
    "                         [--currency CUR] [--terms TEXT] [--lead-days N]\n"
    "       entrepot supplier edit CODE [--code NEW] [the options of add]   (\"\" clears a text)\n"
    "       entrepot supplier list\n"
    "       entrepot supplier show CODE          (the supplier and what it supplies)\n"
    "       entrepot supplier item CODE PRODUCT [--pack N] [--price P] [--supplier-code TEXT]\n"
    "       entrepot supplier item-remove CODE PRODUCT\n"
    "       entrepot supplier import FILE.csv [--update] ; entrepot supplier export [FILE.csv]\n"
    "       entrepot supplier item-import FILE.csv ; entrepot supplier item-export [FILE.csv]\n"
    "       (imports also [--encoding utf-8|gb18030|gbk]: a file saved by Excel in Chinese\n"
    "       Windows is GB18030)\n"
    "\n"
    "A supplier has a code (1 to 32 letters, digits or - _ . /, not depending on\n"
    "case), a Chinese and/or English name, a country, a contact, the currency of\n"
    "its prices (default: the store's), payment terms and a lead time in days\n"
    "(0 to 365). `item` puts a commodity on its list, or changes it there: the\n"
    "supplier's article number, the pack size in base units (a case of 12) and\n"
    "the last price of one pack in the supplier's currency. A retired commodity\n"
    "cannot be put on a list. CSV columns are the field names: code, name_zh,\n"
    "name_en, country, contact, currency, payment_terms, lead_days; and for\n"
    "items supplier, product, supplier_code, pack_size, last_price. An import is\n"
    "all or nothing.\n"
    "\n"
    "examples:\n"
    "  entrepot supplier add BIO-FR --name-zh 法国生物食品 --name-en \"Bio France SARL\" --country FR \\\n"
    "      --currency EUR --terms \"30 days net\" --lead-days 21\n"
    "  entrepot supplier item BIO-FR 3017620422003 --pack 12 --price 24.00 --supplier-code NUT-400\n"
    "  entrepot supplier show BIO-FR\n"
    "  entrepot supplier export suppliers.csv\n";

static int print_row(const ent_supplier *s, void *ud)
{
    char lead[16], items[24];
    snprintf(lead, sizeof lead, "%d", s->lead_days);
    snprintf(items, sizeof items, "%lld", (long long)s->items);
    const char *cells[] = {s->code,     s->name_zh,  s->name_en,       s->country, s->currency,
                           lead,        s->payment_terms, s->contact, items};
    cli_table_add(ud, cells);
    return 0;
}

static struct cli_table *supplier_table(void)
{
    const char *headers[] = {"code", "name_zh", "name_en", "country", "currency", "lead_days", "terms", "contact", "items"};
    return cli_table_new(9, headers, "     n  n");
}

static int item_row(const ent_supplier_item *it, void *ud)
{
    char pack[24], price[ENT_MONEY_TEXT_SIZE] = "";
    snprintf(pack, sizeof pack, "%lld", (long long)it->pack_size);
    if (it->priced)
        ent_money_format(price, sizeof price, it->last_price, it->currency);
    const char *cells[] = {it->gtin[0] ? cli_gtin(it->gtin) : "", it->sku, it->name, it->supplier_code, pack,
                           price, it->currency};
    cli_table_add(ud, cells);
    return 0;
}

/* add and edit share their options. */
static int fields_cmd(struct cli *cli, int argc, char **argv, bool edit)
{
    ent_supplier_fields f = {0};
    const char *pos[1];
    int npos;
    const struct cli_opt opts[] = {{"code", &f.code, NULL},       {"name-zh", &f.name_zh, NULL},
                                   {"name-en", &f.name_en, NULL}, {"country", &f.country, NULL},
                                   {"contact", &f.contact, NULL}, {"currency", &f.currency, NULL},
                                   {"terms", &f.payment_terms, NULL}, {"lead-days", &f.lead_days, NULL},
                                   {0}};
    int st = cli_parse(argc, argv, edit ? opts : opts + 1, supplier_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 1)
        return cli_error(EXIT_USAGE, "supplier %s needs the CODE of the supplier (see --help)", edit ? "edit" : "add");
    if (!edit && (st = cli_refuse_empty(opts + 1)) != 0)
        return st;
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    int rc;
    if (edit) {
        rc = ent_supplier_edit(cli->db, pos[0], &f);
    } else {
        f.code = pos[0];
        rc = ent_supplier_add(cli->db, &f);
    }
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    printf("%s supplier %s\n", edit ? "changed" : "added", edit && f.code ? f.code : pos[0]);
    return EXIT_OK;
}

static int do_list(struct cli *cli, int argc, char **argv)
{
    const char *pos[1];
    int npos, st = cli_parse(argc, argv, NULL, supplier_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    struct cli_table *t = supplier_table();
    int rc = ent_supplier_each(cli->db, print_row, t);
    if (rc == ENT_OK)
        cli_table_print(cli, t, stdout);
    cli_table_free(t);
    return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
}

static int do_show(struct cli *cli, int argc, char **argv)
{
    const char *pos[1];
    int npos, st = cli_parse(argc, argv, NULL, supplier_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 1)
        return cli_error(EXIT_USAGE, "supplier show needs the CODE of the supplier (see --help)");
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    const char *headers[] = {"gtin", "sku", "name", "supplier_code", "pack_size", "last_price", "currency"};
    struct cli_table *t = supplier_table(), *items = cli_table_new(7, headers, "    nn ");
    int rc = ent_supplier_get(cli->db, pos[0], print_row, t);
    if (rc == ENT_OK)
        rc = ent_supplier_items(cli->db, pos[0], item_row, items);
    /* JSON and CSV readers get the list of commodities; people get both. */
    if (rc == ENT_OK && cli->format == FORMAT_TABLE) {
        cli_table_print(cli, t, stdout);
        putchar('\n');
    }
    if (rc == ENT_OK)
        cli_table_print(cli, items, stdout);
    cli_table_free(t);
    cli_table_free(items);
    return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
}

static int do_item(struct cli *cli, int argc, char **argv)
{
    ent_supplier_item_fields f = {0};
    const char *pos[2];
    int npos;
    const struct cli_opt opts[] = {{"pack", &f.pack_size, NULL},
                                   {"price", &f.last_price, NULL},
                                   {"supplier-code", &f.supplier_code, NULL},
                                   {0}};
    int st = cli_parse(argc, argv, opts, supplier_help, pos, 2, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 2)
        return cli_error(EXIT_USAGE, "supplier item needs the supplier's CODE and the PRODUCT (see --help)");
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    f.supplier = pos[0];
    f.product = pos[1];
    int rc = ent_supplier_item_set(cli->db, &f);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    printf("supplier %s supplies %s\n", pos[0], pos[1]);
    return EXIT_OK;
}

static int do_item_remove(struct cli *cli, int argc, char **argv)
{
    const char *pos[2];
    int npos, st = cli_parse(argc, argv, NULL, supplier_help, pos, 2, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 2)
        return cli_error(EXIT_USAGE, "supplier item-remove needs the supplier's CODE and the PRODUCT (see --help)");
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    int rc = ent_supplier_item_remove(cli->db, pos[0], pos[1]);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    printf("supplier %s no longer supplies %s\n", pos[0], pos[1]);
    return EXIT_OK;
}

static int do_import(struct cli *cli, int argc, char **argv, bool items)
{
    bool update = false;
    const char *pos[1], *encoding = NULL;
    int npos;
    const struct cli_opt opts[] = {{"update", NULL, &update}, CLI_ENCODING_OPT(encoding), {0}};
    int st = cli_parse(argc, argv, items ? opts + 1 : opts, supplier_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 1 || *pos[0] == '\0')
        return cli_error(EXIT_USAGE, "supplier %s needs a CSV FILE (or - for standard input)",
                         items ? "item-import" : "import");
    struct cli_input in;
    if ((st = cli_input_open(&in, pos[0], encoding)) != 0)
        return st;
    if ((st = cli_open(cli, 0)) != 0) {
        cli_input_close(&in);
        return st;
    }
    int64_t n = 0;
    int rc = items ? ent_supplier_item_import_csv(cli->db, &n, in.f)
                   : ent_supplier_import_csv(cli->db, &n, in.f, update);
    if (rc != ENT_OK)
        st = cli_input_fail(cli, &in, rc);
    cli_input_close(&in);
    if (rc != ENT_OK)
        return st;
    printf("imported %lld %s from %s\n", (long long)n, items ? "supplier items" : "suppliers", pos[0]);
    return EXIT_OK;
}

static int do_export(struct cli *cli, int argc, char **argv, bool items)
{
    const char *pos[1];
    int npos, st = cli_parse(argc, argv, NULL, supplier_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    return cli_csv_export(cli, items ? "supplier item-export" : "supplier export", npos == 1 ? pos[0] : NULL, false,
                          items ? ent_supplier_item_export_csv : ent_supplier_export_csv);
}

int cmd_supplier(struct cli *cli, int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        fputs(supplier_help, argc < 1 ? stderr : stdout);
        return argc < 1 ? EXIT_USAGE : EXIT_OK;
    }
    const char *sub = argv[0];
    argc--;
    argv++;
    if (strcmp(sub, "add") == 0 || strcmp(sub, "edit") == 0)
        return fields_cmd(cli, argc, argv, strcmp(sub, "edit") == 0);
    if (strcmp(sub, "list") == 0)
        return do_list(cli, argc, argv);
    if (strcmp(sub, "show") == 0)
        return do_show(cli, argc, argv);
    if (strcmp(sub, "item") == 0)
        return do_item(cli, argc, argv);
    if (strcmp(sub, "item-remove") == 0)
        return do_item_remove(cli, argc, argv);
    if (strcmp(sub, "import") == 0 || strcmp(sub, "item-import") == 0)
        return do_import(cli, argc, argv, strcmp(sub, "item-import") == 0);
    if (strcmp(sub, "export") == 0 || strcmp(sub, "item-export") == 0)
        return do_export(cli, argc, argv, strcmp(sub, "item-export") == 0);
    return cli_error(EXIT_USAGE, "unknown supplier command '%s' (see entrepot supplier --help)", ENT_CLIP(sub, 32));
}
