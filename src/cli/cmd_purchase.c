/* entrepot purchase: purchase orders from draft to received. */
#include <string.h>

#include "cli.h"

static const char purchase_help[] =
    "usage: entrepot purchase new SUPPLIER [--expected YYYY-MM-DD] [--note TEXT]\n"
    "       entrepot purchase line ORDER PRODUCT [--packs N] [--units N] [--price P]\n"
    "       entrepot purchase drop ORDER PRODUCT\n"
    "       entrepot purchase send ORDER ; entrepot purchase cancel ORDER\n"
    "       entrepot purchase show ORDER ; entrepot purchase history ORDER\n"
    "       entrepot purchase list [--status draft|sent|partial|received|cancelled] [--supplier CODE]\n"
    "       entrepot purchase pdf ORDER --out FILE.pdf   (the order to send, in Chinese and English)\n"
    "       entrepot purchase suggest [--weeks N] [--dry-run]\n"
    "       entrepot purchase receive ORDER --product CODE --qty N --lot L --location LOC [--origin CC]\n"
    "                [--declaration NO] [--import-date D] [--production-date D] [--expiry D]\n"
    "                [--cost P [--currency CUR]] [--note TEXT] [--over]\n"
    "       entrepot purchase close ORDER   (a partly received order: the rest is short)\n"
    "       entrepot purchase margin [--by commodity|origin|supplier] [--from D] [--to D]\n"
    "                                [--excel | --xlsx FILE.xlsx]\n"
    "\n"
    "An order goes draft -> sent -> partial (partly received) -> received, or is\n"
    "cancelled. It is in the supplier's currency. A line orders a commodity on the\n"
    "supplier's list as whole packs (the supplier's pack size) plus loose units, at\n"
    "a price per pack (default: the supplier's last price); `line` adds it or\n"
    "changes the options given. A line's value is packs x price + units x price /\n"
    "pack size, that last part rounded half up to the minor unit. Once an order is\n"
    "sent, every change to it is recorded with who made it (`history`). ORDER is the\n"
    "number (PO-000001, any case) or the order's UUID.\n"
    "\n"
    "suggest proposes, per commodity on a supplier's list, target - (on hand + on\n"
    "order) rounded up to whole packs, where target = reorder point + the units sold\n"
    "in the last N weeks (default 4) x the supplier's lead days / (N x 7), rounded\n"
    "up; and puts them on one draft order per supplier at its last price (not with\n"
    "--dry-run). Edit the drafts with `line`, then `send` them.\n"
    "\n"
    "receive takes a delivery line into stock as `stock receive` does (a case\n"
    "barcode counts its units), against a sent order: the lot's supplier is the\n"
    "order's, its cost the line's price per pack / pack size unless --cost is given.\n"
    "More than is due is refused without --over, which records the over-delivery.\n"
    "The order becomes partial, then received when every line has all it asked for;\n"
    "`close` ends a partial order, recording what was short.\n"
    "\n"
    "margin: revenue (less tax) of the lots sold against their landed cost\n"
    "(`landed show`), or their unit cost when in the store's currency; units of\n"
    "lots with neither are counted as uncosted.\n"
    "\n"
    "examples:\n"
    "  entrepot purchase new BIO-FR --expected 2026-12-20\n"
    "  entrepot purchase line PO-000001 3017620422003 --packs 10\n"
    "  entrepot purchase line PO-000001 OIL-1 --packs 2 --units 3 --price 31.50\n"
    "  entrepot purchase send PO-000001\n"
    "  entrepot purchase show PO-000001\n"
    "  entrepot purchase pdf PO-000001 --out PO-000001.pdf\n"
    "  entrepot purchase suggest --weeks 6 --dry-run\n"
    "  entrepot purchase receive PO-000001 --product 3017620422003 --qty 120 --lot L2406 --origin IT \\\n"
    "      --declaration 223320241000123456 --expiry 2027-06-30 --location B-01\n";

static void money(char *buf, size_t len, int64_t minor, const char *currency)
{
    ent_money_format(buf, len, minor, currency);
}

static int order_row(const ent_purchase *po, void *ud)
{
    char lines[24], total[ENT_MONEY_TEXT_SIZE];
    snprintf(lines, sizeof lines, "%lld", (long long)po->lines);
    money(total, sizeof total, po->total, po->currency);
    const char *cells[] = {po->number, po->supplier, po->supplier_name, po->status, po->expected,
                           lines,      total,        po->currency,      po->created_by, po->sent_at};
    cli_table_add(ud, cells);
    return 0;
}

static struct cli_table *order_table(void)
{
    const char *headers[] = {"order", "supplier", "name", "status", "expected", "lines", "total", "currency", "created_by", "sent_at"};
    return cli_table_new(10, headers, "     nn   ");
}

struct show {
    struct cli_table *lines;
    char currency[ENT_CURRENCY_SIZE];
};

static int show_order(const ent_purchase *po, void *ud)
{
    struct show *s = ud;
    memcpy(s->currency, po->currency, sizeof s->currency);
    return 0;
}

static int line_row(const ent_purchase_line *l, void *ud)
{
    struct show *s = ud;
    char no[16], pack[24], packs[24], units[24], qty[24], price[ENT_MONEY_TEXT_SIZE], value[ENT_MONEY_TEXT_SIZE],
        got[24];
    snprintf(no, sizeof no, "%d", l->line_no);
    snprintf(pack, sizeof pack, "%lld", (long long)l->pack_size);
    snprintf(packs, sizeof packs, "%lld", (long long)l->packs);
    snprintf(units, sizeof units, "%lld", (long long)l->units);
    snprintf(qty, sizeof qty, "%lld", (long long)l->qty);
    snprintf(got, sizeof got, "%lld", (long long)l->received);
    money(price, sizeof price, l->price, s->currency);
    money(value, sizeof value, l->value, s->currency);
    const char *cells[] = {no,    l->gtin[0] ? cli_gtin(l->gtin) : l->sku, l->name, l->supplier_code, pack, packs,
                           units, qty, price, value, got};
    cli_table_add(s->lines, cells);
    return 0;
}

static int do_new(struct cli *cli, int argc, char **argv)
{
    const char *expected = NULL, *note = NULL, *pos[1];
    int npos;
    const struct cli_opt opts[] = {{"expected", &expected, NULL}, {"note", &note, NULL}, {0}};
    int st = cli_parse(argc, argv, opts, purchase_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 1)
        return cli_error(EXIT_USAGE, "purchase new needs the SUPPLIER's code (see --help)");
    if ((st = cli_refuse_empty(opts)) != 0 || (st = cli_open(cli, 0)) != 0)
        return st;
    char number[ENT_PO_NUMBER_SIZE];
    int rc = ent_purchase_create(cli->db, number, pos[0], expected, note);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    printf("order %s to %s: draft\n", number, pos[0]);
    return EXIT_OK;
}

static int do_line(struct cli *cli, int argc, char **argv)
{
    ent_purchase_line_fields f = {0};
    const char *pos[2];
    int npos;
    const struct cli_opt opts[] = {{"packs", &f.packs, NULL}, {"units", &f.units, NULL}, {"price", &f.price, NULL}, {0}};
    int st = cli_parse(argc, argv, opts, purchase_help, pos, 2, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 2)
        return cli_error(EXIT_USAGE, "purchase line needs the ORDER and the PRODUCT (see --help)");
    if ((st = cli_refuse_empty(opts)) != 0 || (st = cli_open(cli, 0)) != 0)
        return st;
    f.order = pos[0];
    f.product = pos[1];
    int rc = ent_purchase_line_set(cli->db, &f);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    printf("order %s: %s set\n", pos[0], pos[1]);
    return EXIT_OK;
}

/* drop, send, cancel: an order (and for drop a commodity), one call. */
static int do_simple(struct cli *cli, int argc, char **argv, const char *sub)
{
    const char *pos[2];
    bool drop = strcmp(sub, "drop") == 0;
    int npos, st = cli_parse(argc, argv, NULL, purchase_help, pos, drop ? 2 : 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != (drop ? 2 : 1))
        return cli_error(EXIT_USAGE, "purchase %s needs the ORDER%s (see --help)", sub, drop ? " and the PRODUCT" : "");
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    int rc = drop                          ? ent_purchase_line_remove(cli->db, pos[0], pos[1])
             : strcmp(sub, "send") == 0    ? ent_purchase_send(cli->db, pos[0])
                                           : ent_purchase_cancel(cli->db, pos[0]);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    if (drop)
        printf("order %s: %s removed\n", pos[0], pos[1]);
    else
        printf("order %s %s\n", pos[0], strcmp(sub, "send") == 0 ? "sent" : "cancelled");
    return EXIT_OK;
}

static int do_show(struct cli *cli, int argc, char **argv)
{
    const char *pos[1];
    int npos, st = cli_parse(argc, argv, NULL, purchase_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 1)
        return cli_error(EXIT_USAGE, "purchase show needs the ORDER (see --help)");
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    const char *headers[] = {"line", "code", "name", "supplier_code", "pack_size", "packs", "units", "qty", "price", "value", "received"};
    struct show s = {.lines = cli_table_new(11, headers, "n   nnnnnnn")};
    struct cli_table *head = order_table();
    int rc = ent_purchase_get(cli->db, pos[0], order_row, NULL, head);
    if (rc == ENT_OK)
        rc = ent_purchase_get(cli->db, pos[0], show_order, line_row, &s);
    /* JSON and CSV readers get the lines; people get the order above them. */
    if (rc == ENT_OK && cli->format == FORMAT_TABLE) {
        cli_table_print(cli, head, stdout);
        putchar('\n');
    }
    if (rc == ENT_OK)
        cli_table_print(cli, s.lines, stdout);
    cli_table_free(head);
    cli_table_free(s.lines);
    return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
}

static int change_row(const ent_purchase_change *c, void *ud)
{
    const char *cells[] = {c->at, c->user, c->what};
    cli_table_add(ud, cells);
    return 0;
}

static int do_history(struct cli *cli, int argc, char **argv)
{
    const char *pos[1];
    int npos, st = cli_parse(argc, argv, NULL, purchase_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 1)
        return cli_error(EXIT_USAGE, "purchase history needs the ORDER (see --help)");
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    const char *headers[] = {"at", "user", "change"};
    struct cli_table *t = cli_table_new(3, headers, "   ");
    int rc = ent_purchase_changes(cli->db, pos[0], change_row, t);
    if (rc == ENT_OK)
        cli_table_print(cli, t, stdout);
    cli_table_free(t);
    return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
}

static int do_list(struct cli *cli, int argc, char **argv)
{
    const char *status = NULL, *supplier = NULL, *pos[1];
    int npos;
    const struct cli_opt opts[] = {{"status", &status, NULL}, {"supplier", &supplier, NULL}, {0}};
    int st = cli_parse(argc, argv, opts, purchase_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0 || (st = cli_open(cli, 0)) != 0)
        return st;
    struct cli_table *t = order_table();
    int rc = ent_purchase_each(cli->db, status, supplier, order_row, t);
    if (rc == ENT_OK)
        cli_table_print(cli, t, stdout);
    cli_table_free(t);
    return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
}

static int suggestion_row(const ent_purchase_suggestion *x, void *ud)
{
    char n[10][24], price[ENT_MONEY_TEXT_SIZE] = "no price";
    const int64_t v[10] = {x->reorder_point, x->on_hand, x->on_order, x->sold,      x->days,
                           x->lead_days,     x->demand,  x->pack_size, x->packs,   x->qty};
    for (int i = 0; i < 10; i++)
        snprintf(n[i], sizeof n[i], "%lld", (long long)v[i]);
    if (x->priced)
        ent_money_format(price, sizeof price, x->price, x->currency);
    const char *cells[] = {x->supplier, x->order, x->gtin[0] ? cli_gtin(x->gtin) : x->sku, x->name, n[0], n[1], n[2],
                           n[3],        n[4],     n[5],  n[6],    n[7], n[8], n[9], price, x->currency};
    cli_table_add(ud, cells);
    return 0;
}

static int do_suggest(struct cli *cli, int argc, char **argv)
{
    const char *weeks = NULL, *pos[1];
    bool dry = false;
    int npos;
    const struct cli_opt opts[] = {{"weeks", &weeks, NULL}, {"dry-run", NULL, &dry}, {0}};
    int st = cli_parse(argc, argv, opts, purchase_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    int64_t w = 4;
    if (weeks && (st = cli_parse_whole(&w, "--weeks", weeks, 1, 52)) != 0)
        return st;
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    const char *headers[] = {"supplier", "order", "code", "name", "reorder_point", "on_hand", "on_order", "sold",
                             "days", "lead_days", "demand", "pack_size", "packs", "qty", "price", "currency"};
    struct cli_table *t = cli_table_new(16, headers, "    nnnnnnnnnn  ");
    ent_suggest_options o = {.weeks = (int)w, .create = !dry};
    int rc = ent_purchase_suggest(cli->db, &o, suggestion_row, t);
    if (rc == ENT_OK)
        cli_table_print(cli, t, stdout);
    cli_table_free(t);
    return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
}

static int do_receive(struct cli *cli, int argc, char **argv)
{
    ent_purchase_receipt r = {0};
    ent_receive *g = &r.goods;
    const char *qty = NULL, *cost = NULL, *pos[1];
    int npos;
    const struct cli_opt opts[] = {
        {"product", &g->product, NULL}, {"qty", &qty, NULL}, {"lot", &g->lot, NULL}, {"origin", &g->origin, NULL},
        {"declaration", &g->declaration, NULL}, {"import-date", &g->import_date, NULL},
        {"production-date", &g->production_date, NULL}, {"expiry", &g->expiry, NULL},
        {"cost", &cost, NULL}, {"currency", &g->cost_currency, NULL}, {"location", &g->location, NULL},
        {"note", &g->note, NULL}, {"over", NULL, &r.over}, {0}};
    int st = cli_parse(argc, argv, opts, purchase_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 1 || g->product == NULL || g->location == NULL || qty == NULL)
        return cli_error(EXIT_USAGE, "purchase receive needs the ORDER, --product, --qty and --location (see --help)");
    if ((st = cli_refuse_empty(opts)) != 0 || (st = cli_parse_whole(&g->qty, "--qty", qty, 1, 1000000000)) != 0)
        return st;
    if (g->cost_currency && cost == NULL)
        return cli_error(EXIT_USAGE, "--currency goes with --cost");
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    r.order = pos[0];
    g->unit_cost = -1;
    char cur[ENT_CURRENCY_SIZE] = "";
    if (cost) {
        ent_store *s = NULL;
        if (g->cost_currency == NULL && ent_store_get(cli->db, &s) == ENT_OK)
            memcpy(cur, s->currency, ENT_CURRENCY_SIZE);
        ent_store_free(s);
        if (ent_money_parse(&g->unit_cost, cost, g->cost_currency ? g->cost_currency : cur) != ENT_OK)
            return cli_error(EXIT_USAGE, "--cost: %s", ent_error_last()->message);
        if (g->unit_cost < 0)
            return cli_error(EXIT_USAGE, "--cost '%s' must not be negative", ENT_CLIP(cost, 40));
        if (g->cost_currency == NULL)
            g->cost_currency = cur;
    }
    char lot_uuid[ENT_UUID_SIZE];
    int rc = ent_purchase_receive(cli->db, lot_uuid, &r);
    /* An over-delivery is taken with --over here, not --force. */
    if (rc != ENT_OK && ent_errhint(cli->db) == ENT_HINT_FORCE)
        return cli_error(cli_exit_code(rc), "%s (--over)", ent_errmsg(cli->db));
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    printf("received %s x%s lot %s against %s (lot id %s)\n", g->product, qty, g->lot ? g->lot : "", pos[0], lot_uuid);
    return EXIT_OK;
}

static int margin_row(const ent_margin_row *r, void *ud)
{
    char units[24], unc[24], m[3][ENT_MONEY_TEXT_SIZE];
    snprintf(units, sizeof units, "%lld", (long long)r->units);
    snprintf(unc, sizeof unc, "%lld", (long long)r->uncosted);
    const int64_t v[3] = {r->revenue, r->cost, r->margin};
    for (int i = 0; i < 3; i++)
        ent_money_format(m[i], sizeof m[i], v[i], r->currency);
    const char *cells[] = {r->key, r->name, units, m[0], m[1], m[2], r->currency, unc};
    cli_table_add(ud, cells);
    return 0;
}

static int do_margin(struct cli *cli, int argc, char **argv)
{
    ent_margin_options o = {0};
    struct cli_export ex = {0};
    const char *pos[1];
    int npos;
    const struct cli_opt opts[] = {{"by", &o.by, NULL}, {"from", &o.from, NULL}, {"to", &o.to, NULL},
                                   CLI_EXPORT_OPTS(ex), {0}};
    int st = cli_parse(argc, argv, opts, purchase_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if ((st = cli_refuse_empty(opts)) != 0 || (st = cli_export_check(cli, &ex)) != 0)
        return st;
    return cli_margin_print(cli, &o, &ex);
}

/* `purchase margin` and `report margin`: one table from one library call. */
int cli_margin_print(struct cli *cli, const ent_margin_options *o, const struct cli_export *ex)
{
    int st = cli_open(cli, ENT_OPEN_READONLY);
    if (st != 0)
        return st;
    const char *headers[] = {"key", "name", "units", "revenue", "landed_cost", "margin", "currency", "uncosted_units"};
    struct cli_table *t = cli_table_new(8, headers, "  nnnn n");
    int rc = ent_margin_report(cli->db, o, margin_row, t);
    if (rc == ENT_OK)
        st = cli_export_table(cli, t, ex, "毛利");
    cli_table_free(t);
    return rc == ENT_OK ? st : cli_fail(cli, rc);
}

int cmd_purchase(struct cli *cli, int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        fputs(purchase_help, argc < 1 ? stderr : stdout);
        return argc < 1 ? EXIT_USAGE : EXIT_OK;
    }
    const char *sub = argv[0];
    argc--;
    argv++;
    if (strcmp(sub, "new") == 0)
        return do_new(cli, argc, argv);
    if (strcmp(sub, "line") == 0)
        return do_line(cli, argc, argv);
    if (strcmp(sub, "drop") == 0 || strcmp(sub, "send") == 0 || strcmp(sub, "cancel") == 0)
        return do_simple(cli, argc, argv, sub);
    if (strcmp(sub, "show") == 0)
        return do_show(cli, argc, argv);
    if (strcmp(sub, "history") == 0)
        return do_history(cli, argc, argv);
    if (strcmp(sub, "list") == 0)
        return do_list(cli, argc, argv);
    if (strcmp(sub, "suggest") == 0)
        return do_suggest(cli, argc, argv);
    if (strcmp(sub, "receive") == 0)
        return do_receive(cli, argc, argv);
    if (strcmp(sub, "margin") == 0)
        return do_margin(cli, argc, argv);
    if (strcmp(sub, "close") == 0) {
        const char *pos[1];
        int npos, st = cli_parse(argc, argv, NULL, purchase_help, pos, 1, &npos);
        if (st != 0)
            return st < 0 ? EXIT_OK : st;
        if (npos != 1)
            return cli_error(EXIT_USAGE, "purchase close needs the ORDER (see --help)");
        if ((st = cli_open(cli, 0)) != 0)
            return st;
        int rc = ent_purchase_close(cli->db, pos[0]);
        if (rc != ENT_OK)
            return cli_fail(cli, rc);
        printf("order %s closed: received, short\n", pos[0]);
        return EXIT_OK;
    }
    /* Only entrepot-label links cairo: it draws the PDF. */
    if (strcmp(sub, "pdf") == 0)
        return cli_label_exec(cli, argc, argv);
    return cli_error(EXIT_USAGE, "unknown purchase command '%s' (see entrepot purchase --help)", ENT_CLIP(sub, 32));
}
