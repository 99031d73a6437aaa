/* entrepot product: the catalogue from the command line. */
#include <errno.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char product_help[] =
    "usage: entrepot product COMMAND ...\n"
    "\n"
    "  add      --gtin CODE | --sku CODE, --name-zh/--name-en TEXT, [fields]\n"
    "  edit     CODE [fields]            change fields (\"\" clears one)\n"
    "  show     CODE                     one commodity, its barcodes and stock\n"
    "  list     [--origin CC] [--limit N] commodities in the order added\n"
    "  search   TEXT [--limit N]         by name, pinyin (niunai, niu nai) or its initials (nn),\n"
    "                                    brand, GTIN or SKU prefix, last 4-6 GTIN digits; best first\n"
    "  import   FILE.csv [--update] [--encoding utf-8|gb18030|gbk]\n"
    "                                    all-or-nothing CSV import (- for stdin); a file saved\n"
    "                                    by Excel in Chinese Windows is GB18030\n"
    "  export   [FILE.csv] [--excel]     the whole catalogue as CSV (stdout by default; --excel\n"
    "           | --xlsx FILE.xlsx        starts it with a UTF-8 byte-order mark for Excel;\n"
    "                                     --xlsx writes a workbook with typed cells;\n"
    "                                     it reads every commodity)\n"
    "  barcode  add CODE BARCODE [--qty N] | remove BARCODE | list CODE\n"
    "  retire   CODE                     keep it for history, out of sales, lists and labels\n"
    "  unretire CODE                     back into the catalogue\n"
    "  history  CODE [--price]           every change (--price: prices only), when and by whom\n"
    "\n"
    "Fields: --gtin --sku --name-zh --name-en --brand --origin CC --hs-code --unit pcs|g|ml\n"
    "  --net-content \"500 g\" --price 12.50 --currency CNY --tax-rate 13 --importer TEXT\n"
    "  --reorder-point N --storage TEXT --shelf-life DAYS --sell-unit 瓶|bottle\n"
    "A commodity without --price is unpriced: it cannot be sold or get a price label\n"
    "until it is priced (--price 0 is a price). Prices go up to 100000000.00, net content\n"
    "up to 10000 kg, 10000 l or 10000000 pcs, reorder points up to 1000000000.\n"
    "The unit cannot change while the commodity has stock or lots.\n"
    "--sell-unit: what a piece is sold as, shown on labels and receipts (pcs commodities\n"
    "  only): 瓶 bottle, 盒 box, 袋 bag, 罐 jar, 包 pack, 支 tube, 件 piece, 箱 case, 听 can,\n"
    "  条 carton, 双 pair, 套 set, 个 each, 桶 tub, 杯 cup, 块 bar, 片 sheet, 卷 roll.\n"
    "A commodity is named by its GTIN (8/12/13/14 digits), SKU or any extra barcode.\n"
    "CSV columns have the field names with underscores: gtin, sku, name_zh, name_en, brand,\n"
    "origin, hs_code, unit, net_content, price, currency, tax_rate, importer, reorder_point,\n"
    "storage, shelf_life_days, sell_unit, food_kind, ingredients, allergens, abv, energy_kj,\n"
    "protein, fat, carbohydrate, sodium.\n"
    "Back label of imported prepackaged food (GB 7718): --food-kind food|alcohol,\n"
    "  --ingredients \"配料 in descending order\" --allergens TEXT --abv 13.5 (%vol);\n"
    "  nutrition per 100 g (100 ml when the net content is in ml), all five or none:\n"
    "  --energy-kj N --protein G --fat G --carbohydrate G (one decimal) --sodium MG.\n"
    "\n"
    "examples:\n"
    "  entrepot product add --gtin 3017620422003 --name-zh 榛子可可酱 --name-en \"Hazelnut spread\" \\\n"
    "      --origin IT --net-content \"400 g\" --price 39.90 --tax-rate 13 --reorder-point 24\n"
    "  entrepot product edit 3017620422003 --price 35.90\n"
    "  entrepot product search 橄榄油\n"
    "  entrepot product search lc                 # 绿茶 by its initials\n"
    "  entrepot product import catalogue.csv\n";

static void field_opts(ent_product_fields *f, struct cli_opt *o)
{
    struct cli_opt list[] = {
        {"gtin", &f->gtin, NULL},         {"sku", &f->sku, NULL},
        {"name-zh", &f->name_zh, NULL},   {"name-en", &f->name_en, NULL},
        {"brand", &f->brand, NULL},       {"origin", &f->origin, NULL},
        {"hs-code", &f->hs_code, NULL},   {"unit", &f->unit, NULL},
        {"net-content", &f->net_content, NULL}, {"price", &f->price, NULL},
        {"currency", &f->currency, NULL}, {"tax-rate", &f->tax_rate, NULL},
        {"importer", &f->importer, NULL}, {"reorder-point", &f->reorder_point, NULL},
        {"storage", &f->storage, NULL},   {"shelf-life", &f->shelf_life_days, NULL},
        {"sell-unit", &f->sell_unit, NULL},
        {"food-kind", &f->food_kind, NULL}, {"ingredients", &f->ingredients, NULL},
        {"allergens", &f->allergens, NULL}, {"abv", &f->abv, NULL},
        {"energy-kj", &f->energy_kj, NULL}, {"protein", &f->protein, NULL},
        {"fat", &f->fat, NULL},           {"carbohydrate", &f->carbohydrate, NULL},
        {"sodium", &f->sodium, NULL},
        {0},
    };
    memcpy(o, list, sizeof list);
}

static int do_add(struct cli *cli, int argc, char **argv)
{
    ent_product_fields f = {0};
    struct cli_opt opts[27];
    const char *pos[1];
    int npos;
    field_opts(&f, opts);
    int st = cli_parse(argc, argv, opts, product_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0)
        return st;
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    int rc = ent_product_add(cli->db, &f);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    printf("added %s\n", f.gtin ? f.gtin : f.sku);
    return EXIT_OK;
}

static int do_edit(struct cli *cli, int argc, char **argv)
{
    ent_product_fields f = {0};
    struct cli_opt opts[27];
    const char *pos[1];
    int npos;
    field_opts(&f, opts);
    int st = cli_parse(argc, argv, opts, product_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 1)
        return cli_error(EXIT_USAGE, "product edit needs the CODE of the commodity (see --help)");
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    int rc = ent_product_edit(cli->db, pos[0], &f);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    printf("changed %s\n", pos[0]);
    return EXIT_OK;
}

static const char *const list_headers[] = {"gtin", "sku", "name_zh", "name_en", "origin", "price", "currency",
                                           "reorder_point"};

static int add_list_row(const ent_product *p, void *ud)
{
    char price[40] = ""; /* empty when unpriced */
    char reorder[24];
    if (!p->unpriced && ent_money_format(price, sizeof price, p->price, p->currency) < 0)
        snprintf(price, sizeof price, "%lld", (long long)p->price);
    snprintf(reorder, sizeof reorder, "%lld", (long long)p->reorder_point);
    const char *cells[] = {cli_gtin(p->gtin), p->sku, p->name_zh, p->name_en, p->origin, price, p->currency,
                           reorder};
    cli_table_add(ud, cells);
    return 0;
}

static int do_list(struct cli *cli, int argc, char **argv, int search)
{
    const char *origin = NULL, *limit_s = NULL, *pos[1];
    int npos;
    const struct cli_opt opts[] = {{"origin", &origin, NULL}, {"limit", &limit_s, NULL}, {0}};
    int st = cli_parse(argc, argv, opts, product_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (search && npos != 1)
        return cli_error(EXIT_USAGE, "product search needs the TEXT to look for (see --help)");
    if (!search && npos != 0)
        return cli_error(EXIT_USAGE, "product list takes no argument; to look for text use product search");
    long long limit = cli->format == FORMAT_TABLE ? 100 : 0;
    if ((st = cli_parse_limit(&limit, limit_s)) != 0)
        return st;
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    struct cli_table *t = cli_table_new(8, list_headers, "     n n");
    int rc = ent_product_each(cli->db, search ? pos[0] : NULL, origin, limit, add_list_row, t);
    if (rc != ENT_OK) {
        cli_table_free(t);
        return cli_fail(cli, rc);
    }
    cli_table_print(cli, t, stdout);
    if (cli->format == FORMAT_TABLE && limit > 0 && cli_table_rows(t) == (size_t)limit)
        fprintf(stderr, "(first %lld shown; --limit 0 shows all)\n", limit);
    cli_table_free(t);
    return EXIT_OK;
}

static int add_barcode_row(const char *barcode, int64_t qty, void *ud)
{
    char q[24];
    snprintf(q, sizeof q, "%lld", (long long)qty);
    const char *cells[] = {barcode, q};
    cli_table_add(ud, cells);
    return 0;
}

static int sum_level(const ent_level *row, void *ud)
{
    ((int64_t *)ud)[0] += row->qty;
    ((int64_t *)ud)[1] += row->lots;
    return 0;
}

static int do_show(struct cli *cli, int argc, char **argv)
{
    const char *pos[1];
    int npos, st = cli_parse(argc, argv, NULL, product_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 1)
        return cli_error(EXIT_USAGE, "product show needs the CODE of the commodity (see --help)");
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    ent_product *p = NULL;
    int64_t qty = 1, stock[2] = {0, 0};
    int rc = ent_product_find(cli->db, &p, &qty, pos[0]);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    ent_levels_query q = {.by = ENT_BY_PRODUCT, .product = pos[0]};
    rc = ent_stock_levels(cli->db, &q, sum_level, stock);
    char price[48], tax[16], net[40] = "", onhand[24], lots[24], reorder[24], shelf[16] = "", origin[200] = "";
    if (!p->unpriced)
        cli_money(price, sizeof price, p->price, p->currency);
    else
        snprintf(price, sizeof price, "(no price: cannot be sold)");
    ent_decimal_format(tax, sizeof tax, p->tax_rate, 2);
    strcat(tax, "%");
    if (p->net_content > 0)
        snprintf(net, sizeof net, "%lld %s", (long long)p->net_content, p->net_unit);
    snprintf(onhand, sizeof onhand, "%lld", (long long)stock[0]);
    snprintf(lots, sizeof lots, "%lld", (long long)stock[1]);
    snprintf(reorder, sizeof reorder, "%lld", (long long)p->reorder_point);
    if (p->shelf_life_days > 0)
        snprintf(shelf, sizeof shelf, "%d", p->shelf_life_days);
    const ent_country *c = NULL;
    if (p->origin[0] && ent_country_lookup(&c, p->origin) == ENT_OK)
        snprintf(origin, sizeof origin, "%s %s %s", c->alpha2, c->name_zh, c->name_en);
    char sell[3 * ENT_SELL_UNIT_SIZE] = "", abv[24] = "", nutrition[256] = "";
    if (p->abv >= 0) {
        ent_decimal_format(abv, sizeof abv, p->abv, 2);
        strcat(abv, "%vol");
    }
    ent_nutrition_row nut[ENT_NUTRITION_ROWS];
    if (ent_product_nutrition(nut, p) == ENT_OK) {
        size_t n = 0;
        for (int i = 0; i < ENT_NUTRITION_ROWS; i++)
            n += (size_t)snprintf(nutrition + n, sizeof nutrition - n, "%s%s %s %d%%", i ? ", " : "", nut[i].name_zh,
                                  nut[i].amount, (int)nut[i].nrv_percent);
    } else {
        ent_error_clear();
    }
    if (p->sell_unit[0])
        snprintf(sell, sizeof sell, "%s %s", p->sell_unit_zh, p->sell_unit_en);
    const char *headers[] = {"field", "value"};
    const char *rows[][2] = {
        {"gtin", cli_gtin(p->gtin)}, {"sku", p->sku}, {"name_zh", p->name_zh}, {"name_en", p->name_en},
        {"brand", p->brand}, {"origin", origin}, {"hs_code", p->hs_code}, {"unit", p->unit}, {"net_content", net},
        {"price", price}, {"tax_rate", tax}, {"importer", p->importer}, {"reorder_point", reorder},
        {"storage", p->storage}, {"shelf_life_days", shelf}, {"sell_unit", sell}, {"food_kind", p->food_kind},
        {"ingredients", p->ingredients}, {"allergens", p->allergens}, {"abv", abv}, {"nutrition", nutrition},
        {"on_hand", onhand}, {"lots", lots},
        {"updated_at", p->updated_at}, {"retired_at", p->retired_at},
    };
    struct cli_table *t = cli_table_new(2, headers, NULL);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        cli_table_add(t, rows[i]);
    cli_table_print(cli, t, stdout);
    cli_table_free(t);
    if (qty != 1)
        printf("(the code %s stands for %lld units)\n", pos[0], (long long)qty);
    const char *bh[] = {"barcode", "qty"};
    t = cli_table_new(2, bh, " n");
    ent_product_barcodes(cli->db, pos[0], add_barcode_row, t);
    if (cli_table_rows(t) > 0 && cli->format == FORMAT_TABLE) {
        printf("\nextra barcodes:\n");
        cli_table_print(cli, t, stdout);
    }
    cli_table_free(t);
    ent_product_free(p);
    return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
}

/* On a terminal, how far a long import got: rows read, then the search
 * keys, most of a big import's time (a line of its own on standard error,
 * ended by the caller). */
static void import_progress(const char *stage, int64_t done, int64_t total, void *ud)
{
    bool *shown = ud;
    if (strcmp(stage, "rows") == 0)
        fprintf(stderr, "\rimport: %lld rows read", (long long)done);
    else
        fprintf(stderr, "\rimport: %lld rows read; writing the search keys", (long long)total);
    fflush(stderr);
    *shown = true;
}

static int do_import(struct cli *cli, int argc, char **argv)
{
    bool update = false;
    const char *pos[1], *encoding = NULL;
    int npos;
    const struct cli_opt opts[] = {{"update", NULL, &update}, CLI_ENCODING_OPT(encoding), {0}};
    int st = cli_parse(argc, argv, opts, product_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 1 || *pos[0] == '\0')
        return cli_error(EXIT_USAGE, "product import needs a CSV FILE (or - for standard input)");
    struct cli_input in;
    if ((st = cli_input_open(&in, pos[0], encoding)) != 0)
        return st;
    if ((st = cli_open(cli, 0)) != 0) {
        cli_input_close(&in);
        return st;
    }
    int64_t n = 0;
    bool shown = false;
    ent_import_opts o = {.update = update, .progress_ud = &shown};
    if (isatty(STDERR_FILENO))
        o.progress = import_progress;
    int rc = ent_product_import_csv_opts(cli->db, &n, in.f, &o);
    if (shown)
        fputc('\n', stderr);
    if (rc != ENT_OK)
        st = cli_input_fail(cli, &in, rc);
    cli_input_close(&in);
    if (rc != ENT_OK)
        return st;
    printf("imported %lld commodities from %s\n", (long long)n, pos[0]);
    return EXIT_OK;
}

/* The catalogue as a workbook: its CSV (in a temporary file, a million
 * commodities do not sit in memory) read back into typed cells. */
static int export_xlsx(struct cli *cli, const char *path)
{
    int st;
    if ((st = cli_check_output(cli, path)) != 0 || (st = cli_open(cli, 0)) != 0)
        return st;
    FILE *csv = tmpfile();
    if (csv == NULL)
        return cli_error(EXIT_IO, "no temporary file for the export: %s", strerror(errno));
    int rc = ent_product_export_csv(cli->db, csv);
    if (rc != ENT_OK)
        st = cli_fail(cli, rc);
    else if (fflush(csv) != 0 || ferror(csv))
        st = cli_error(EXIT_IO, "the temporary file of the export cannot be written: %s", strerror(errno));
    else
        st = cli_xlsx_from_csv(cli, csv, path, "商品");
    fclose(csv);
    return st;
}

static int do_export(struct cli *cli, int argc, char **argv)
{
    const char *pos[1];
    struct cli_export ex = {0};
    const struct cli_opt opts[] = {CLI_EXPORT_OPTS(ex), {0}};
    int npos, st = cli_parse(argc, argv, opts, product_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0 || (st = cli_export_check(cli, &ex)) != 0)
        return st;
    if (ex.xlsx && npos == 1)
        return cli_error(EXIT_USAGE, "product export --xlsx FILE writes the workbook there: leave out %s",
                         ENT_CLIP(pos[0], 40));
    if (ex.xlsx)
        return export_xlsx(cli, ex.xlsx);
    return cli_csv_export(cli, "product export", npos == 1 ? pos[0] : NULL, ex.excel, ent_product_export_csv);
}

static int do_retire(struct cli *cli, int argc, char **argv, int retire)
{
    const char *pos[1];
    int npos, st = cli_parse(argc, argv, NULL, product_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 1)
        return cli_error(EXIT_USAGE, "product %s needs the CODE of the commodity (see --help)",
                         retire ? "retire" : "unretire");
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    int rc = retire ? ent_product_retire(cli->db, pos[0]) : ent_product_unretire(cli->db, pos[0]);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    printf("%s %s\n", retire ? "retired" : "back in the catalogue:", pos[0]);
    return EXIT_OK;
}

static int add_change_row(const ent_product_change *c, void *ud)
{
    const char *cells[] = {c->at, c->user, c->field, c->old_value, c->new_value};
    cli_table_add(ud, cells);
    return 0;
}

/* product history CODE [--price]: every recorded change, with who made it. */
static int do_history(struct cli *cli, int argc, char **argv)
{
    const char *pos[1];
    bool price = false;
    const struct cli_opt opts[] = {{"price", NULL, &price}, {0}};
    int npos, st = cli_parse(argc, argv, opts, product_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 1)
        return cli_error(EXIT_USAGE, "product history needs the CODE of the commodity (see --help)");
    if ((st = cli_open(cli, ENT_OPEN_READONLY)) != 0)
        return st;
    const char *h[] = {"at", "user", "field", "old", "new"};
    struct cli_table *t = cli_table_new(5, h, NULL);
    int rc = ent_product_history(cli->db, pos[0], price ? "price" : NULL, add_change_row, t);
    if (rc == ENT_OK)
        cli_table_print(cli, t, stdout);
    cli_table_free(t);
    return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
}

static int do_barcode(struct cli *cli, int argc, char **argv)
{
    const char *qty_s = NULL, *pos[3];
    int npos;
    const struct cli_opt opts[] = {{"qty", &qty_s, NULL}, {0}};
    int st = cli_parse(argc, argv, opts, product_help, pos, 3, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos < 1)
        return cli_error(EXIT_USAGE, "product barcode needs add, remove or list (see --help)");
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    int rc;
    if (strcmp(pos[0], "add") == 0 && npos == 3) {
        int64_t qty = 1;
        if (qty_s && (st = cli_parse_whole(&qty, "--qty", qty_s, 1, ENT_QTY_MAX)) != 0)
            return st;
        rc = ent_product_barcode_add(cli->db, pos[1], pos[2], qty);
        if (rc == ENT_OK)
            printf("barcode %s now stands for %lld of %s\n", pos[2], (long long)qty, pos[1]);
    } else if (strcmp(pos[0], "remove") == 0 && npos == 2) {
        rc = ent_product_barcode_remove(cli->db, pos[1]);
        if (rc == ENT_OK)
            printf("removed barcode %s\n", pos[1]);
    } else if (strcmp(pos[0], "list") == 0 && npos == 2) {
        const char *bh[] = {"barcode", "qty"};
        struct cli_table *t = cli_table_new(2, bh, " n");
        rc = ent_product_barcodes(cli->db, pos[1], add_barcode_row, t);
        if (rc == ENT_OK)
            cli_table_print(cli, t, stdout);
        cli_table_free(t);
    } else {
        return cli_error(EXIT_USAGE, "usage: product barcode add CODE BARCODE [--qty N] | remove BARCODE | list CODE");
    }
    return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
}

int cmd_product(struct cli *cli, int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        fputs(product_help, argc < 1 ? stderr : stdout);
        return argc < 1 ? EXIT_USAGE : EXIT_OK;
    }
    const char *sub = argv[0];
    argc--;
    argv++;
    if (strcmp(sub, "add") == 0)
        return do_add(cli, argc, argv);
    if (strcmp(sub, "edit") == 0)
        return do_edit(cli, argc, argv);
    if (strcmp(sub, "show") == 0)
        return do_show(cli, argc, argv);
    if (strcmp(sub, "list") == 0)
        return do_list(cli, argc, argv, 0);
    if (strcmp(sub, "search") == 0)
        return do_list(cli, argc, argv, 1);
    if (strcmp(sub, "import") == 0)
        return do_import(cli, argc, argv);
    if (strcmp(sub, "export") == 0)
        return do_export(cli, argc, argv);
    if (strcmp(sub, "barcode") == 0)
        return do_barcode(cli, argc, argv);
    if (strcmp(sub, "history") == 0)
        return do_history(cli, argc, argv);
    if (strcmp(sub, "retire") == 0 || strcmp(sub, "unretire") == 0)
        return do_retire(cli, argc, argv, strcmp(sub, "retire") == 0);
    return cli_error(EXIT_USAGE, "unknown product command '%s' (see entrepot product --help)", ENT_CLIP(sub, 32));
}
