/* entrepot stock: receiving, moves, counts, levels and history. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static const char stock_help[] =
    "usage: entrepot stock COMMAND ...\n"
    "\n"
    "  receive  --product CODE --qty N --lot LOT --origin CC --location LOC\n"
    "           [--declaration 18DIGITS] [--import-date D] [--production-date D] [--expiry D]\n"
    "           [--supplier TEXT] [--cost 12.50 [--currency EUR]] [--user NAME] [--note TEXT]\n"
    "  move     --product CODE [--lot LOT] --from LOC --to LOC --qty N\n"
    "  adjust   --product CODE [--lot LOT] --location LOC --qty N --reason damage|loss|found|sample\n"
    "  scrap    --product CODE [--lot LOT] --location LOC --qty N\n"
    "  count    start --location LOC | record COUNT --product CODE [--lot LOT] --qty N\n"
    "           | show COUNT | post COUNT [--force]\n"
    "  levels   [--by product|location|lot|origin] [--low] [--expiring DAYS]\n"
    "           [--product CODE] [--location LOC] [--origin CC] [--limit N]\n"
    "  history  CODE [--limit N]\n"
    "\n"
    "Quantities are whole numbers in the commodity's base unit (pieces, grams or\n"
    "millilitres). Dates are YYYY-MM-DD. A lot may be left out when exactly one lot\n"
    "of the commodity lies at the location. Stock never goes below zero: a move that\n"
    "would is refused (exit 1) and names what is on hand.\n"
    "\n"
    "examples:\n"
    "  entrepot stock receive --product 3017620422003 --qty 48 --lot L2406A --origin IT \\\n"
    "      --declaration 223320241000123456 --expiry 2027-06-30 --location A-01-03 \\\n"
    "      --supplier \"Ferrero Trading (Shanghai)\" --cost 21.30 --currency CNY\n"
    "  entrepot stock move --product 3017620422003 --from B-01 --to A-01-03 --qty 12\n"
    "  entrepot stock adjust --product 3017620422003 --location A-01-03 --qty 1 --reason damage\n"
    "  entrepot stock levels --by origin\n"
    "  entrepot stock levels --expiring 30\n";

static int parse_qty(const char *s, const char *what, int64_t *out)
{
    if (s == NULL)
        return cli_error(EXIT_USAGE, "%s needs --qty N", what);
    return cli_parse_whole("quantity", s, 1, ENT_QTY_MAX, out);
}

/* Today in the store's time zone ($ENTREPOT_TODAY overrides it, for tests). */
static int today(struct cli *cli, char out[11])
{
    const char *fixed = getenv("ENTREPOT_TODAY");
    char why[256];
    if (fixed && *fixed) {
        if (ent_date_check(fixed, NULL, why, sizeof why) != ENT_OK)
            return cli_error(EXIT_USAGE, "ENTREPOT_TODAY %s", why);
        memcpy(out, fixed, 11);
        return 0;
    }
    ent_store *s = NULL;
    if (ent_store_get(cli->db, &s) == ENT_OK)
        setenv("TZ", s->tz, 1);
    ent_store_free(s);
    tzset();
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    if (strftime(out, 11, "%Y-%m-%d", &tm) != 10 || ent_date_check(out, NULL, why, sizeof why) != ENT_OK)
        return cli_error(EXIT_IO, "the system clock gives no date from " ENT_DATE_MIN " to " ENT_DATE_MAX);
    return 0;
}

/* Days from one checked date to another (0 when either is not a date). */
static int days_between(const char *from, const char *to)
{
    int32_t a, b;
    if (ent_date_check(from, &a, NULL, 0) != ENT_OK || ent_date_check(to, &b, NULL, 0) != ENT_OK)
        return 0;
    return (int)(b - a);
}

static int do_receive(struct cli *cli, int argc, char **argv)
{
    ent_receive r = {0};
    const char *qty = NULL, *cost = NULL, *pos[1];
    char cur[4] = "CNY";
    int npos;
    const struct cli_opt opts[] = {
        {"product", &r.product, NULL}, {"qty", &qty, NULL}, {"lot", &r.lot, NULL}, {"origin", &r.origin, NULL},
        {"declaration", &r.declaration, NULL}, {"import-date", &r.import_date, NULL},
        {"production-date", &r.production_date, NULL}, {"expiry", &r.expiry, NULL},
        {"supplier", &r.supplier, NULL}, {"cost", &cost, NULL}, {"currency", &r.cost_currency, NULL},
        {"location", &r.location, NULL}, {"user", &r.user, NULL}, {"note", &r.note, NULL}, {0}};
    int st = cli_parse(argc, argv, opts, stock_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (r.product == NULL || r.location == NULL)
        return cli_error(EXIT_USAGE, "stock receive needs --product CODE and --location LOC (see --help)");
    if ((st = parse_qty(qty, "stock receive", &r.qty)) != 0)
        return st;
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    r.unit_cost = -1;
    if (cost) {
        char why[200];
        ent_store *s = NULL;
        if (r.cost_currency == NULL && ent_store_get(cli->db, &s) == ENT_OK)
            memcpy(cur, s->currency, 4);
        ent_store_free(s);
        int rc = ent_money_parse(&r.unit_cost, cost, r.cost_currency ? r.cost_currency : cur, why, sizeof why);
        if (rc != ENT_OK)
            return cli_error(EXIT_USAGE, "--cost: %s", why);
        if (r.unit_cost < 0)
            return cli_error(EXIT_USAGE, "--cost '%s' must not be negative", cost);
        if (r.cost_currency == NULL)
            r.cost_currency = cur;
    }
    char lot_uuid[37];
    int rc = ent_stock_receive(cli->db, &r, lot_uuid);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    printf("received %s x%s lot %s into %s (lot %s)\n", r.product, qty, r.lot, r.location, lot_uuid);
    return EXIT_OK;
}

static int do_move(struct cli *cli, int argc, char **argv, const char *kind)
{
    const char *product = NULL, *lot = NULL, *from = NULL, *to = NULL, *location = NULL, *qty_s = NULL,
               *reason = NULL, *user = NULL, *note = NULL, *pos[1];
    int npos;
    const struct cli_opt opts[] = {{"product", &product, NULL}, {"lot", &lot, NULL}, {"from", &from, NULL},
                                   {"to", &to, NULL}, {"location", &location, NULL}, {"qty", &qty_s, NULL},
                                   {"reason", &reason, NULL}, {"user", &user, NULL}, {"note", &note, NULL}, {0}};
    int st = cli_parse(argc, argv, opts, stock_help, pos, 0, &npos);
    int64_t qty;
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (product == NULL)
        return cli_error(EXIT_USAGE, "stock %s needs --product CODE (see --help)", kind);
    if ((st = parse_qty(qty_s, kind, &qty)) != 0)
        return st;
    int rc;
    if (strcmp(kind, "move") == 0) {
        if (from == NULL || to == NULL)
            return cli_error(EXIT_USAGE, "stock move needs --from LOC and --to LOC");
        if ((st = cli_open(cli, 0)) != 0)
            return st;
        rc = ent_stock_transfer(cli->db, product, lot, from, to, qty, user, note);
        if (rc == ENT_OK)
            printf("moved %lld of %s from %s to %s\n", (long long)qty, product, from, to);
    } else {
        if (location == NULL)
            return cli_error(EXIT_USAGE, "stock %s needs --location LOC", kind);
        if (strcmp(kind, "adjust") == 0 && reason == NULL)
            return cli_error(EXIT_USAGE, "stock adjust needs --reason damage|loss|found|sample");
        if ((st = cli_open(cli, 0)) != 0)
            return st;
        if (strcmp(kind, "adjust") == 0)
            rc = ent_stock_adjust(cli->db, product, lot, location, qty, reason, user, note);
        else
            rc = ent_stock_scrap(cli->db, product, lot, location, qty, user, note);
        if (rc == ENT_OK)
            printf("%s %s%lld of %s at %s\n", strcmp(kind, "adjust") == 0 ? reason : "scrapped",
                   reason && strcmp(reason, "found") == 0 ? "+" : "", (long long)qty, product, location);
    }
    return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
}

/* ---- counts ------------------------------------------------------------- */

static int add_count_row(const ent_count_line *ln, void *ud)
{
    char exp[24], cnt[24] = "", diff[24] = "", moved[40] = "";
    snprintf(exp, sizeof exp, "%lld", (long long)ln->expected);
    if (ln->counted >= 0) {
        snprintf(cnt, sizeof cnt, "%lld", (long long)ln->counted);
        snprintf(diff, sizeof diff, "%+lld", (long long)ln->difference);
    }
    if (ln->moves_since > 0)
        snprintf(moved, sizeof moved, "moved %lldx since start", (long long)ln->moves_since);
    const char *cells[] = {cli_gtin(ln->gtin), ln->name, ln->lot, exp, cnt, diff, moved};
    cli_table_add(ud, cells);
    return 0;
}

static int do_count(struct cli *cli, int argc, char **argv)
{
    const char *location = NULL, *product = NULL, *lot = NULL, *qty_s = NULL, *user = NULL, *pos[2];
    bool force = false;
    int npos;
    const struct cli_opt opts[] = {{"location", &location, NULL}, {"product", &product, NULL}, {"lot", &lot, NULL},
                                   {"qty", &qty_s, NULL}, {"user", &user, NULL}, {"force", NULL, &force}, {0}};
    int st = cli_parse(argc, argv, opts, stock_help, pos, 2, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos < 1)
        return cli_error(EXIT_USAGE, "stock count needs start, record, show or post (see --help)");
    const char *sub = pos[0];
    int rc;
    if (strcmp(sub, "start") == 0) {
        if (location == NULL)
            return cli_error(EXIT_USAGE, "stock count start needs --location LOC");
        if ((st = cli_open(cli, 0)) != 0)
            return st;
        char uuid[37];
        rc = ent_count_start(cli->db, uuid, location, user);
        if (rc == ENT_OK)
            printf("count %s started at %s\n", uuid, location);
        return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
    }
    if (npos != 2)
        return cli_error(EXIT_USAGE, "stock count %s needs the COUNT id printed by count start", sub);
    if (strcmp(sub, "record") == 0) {
        int64_t qty;
        if (product == NULL || qty_s == NULL)
            return cli_error(EXIT_USAGE, "stock count record needs --product CODE and --qty N");
        if ((st = cli_parse_whole("counted quantity", qty_s, 0, ENT_QTY_MAX, &qty)) != 0)
            return st;
        if ((st = cli_open(cli, 0)) != 0)
            return st;
        rc = ent_count_record(cli->db, pos[1], product, lot, qty);
        if (rc == ENT_OK)
            printf("recorded %lld of %s\n", (long long)qty, product);
        return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
    }
    if (strcmp(sub, "show") == 0 || strcmp(sub, "post") == 0) {
        if ((st = cli_open(cli, 0)) != 0)
            return st;
        const char *headers[] = {"gtin", "name", "lot", "expected", "counted", "difference", "flag"};
        struct cli_table *t = cli_table_new(7, headers, "   nnn ");
        if (strcmp(sub, "show") == 0)
            rc = ent_count_show(cli->db, pos[1], add_count_row, t);
        else
            rc = ent_count_post(cli->db, pos[1], force, user, add_count_row, t);
        if (rc == ENT_OK) {
            cli_table_print(cli, t, stdout);
            if (strcmp(sub, "post") == 0 && cli->format == FORMAT_TABLE)
                printf("count %s posted\n", pos[1]);
        }
        cli_table_free(t);
        return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
    }
    return cli_error(EXIT_USAGE, "unknown count command '%s' (start, record, show, post)", sub);
}

/* ---- levels ------------------------------------------------------------- */

struct levels_ctx {
    struct cli_table *t;
    enum ent_levels_by by;
    int low, expiring;
    const char *today;
    int64_t total_qty;
    struct { char cur[4]; int64_t value; } totals[8];
    int ntotals;
};

static void fmt_value(char *buf, size_t len, const ent_level *row)
{
    buf[0] = '\0';
    if (row->cost_currency && ent_money_format(buf, len, row->value, row->cost_currency) < 0)
        snprintf(buf, len, "%lld", (long long)row->value);
}

static int add_level_row(const ent_level *row, void *ud)
{
    struct levels_ctx *c = ud;
    char qty[24], lots[24], products[24], value[40], reorder[24], short_by[24], origin[160] = "", left[24] = "";
    snprintf(qty, sizeof qty, "%lld", (long long)row->qty);
    snprintf(lots, sizeof lots, "%lld", (long long)row->lots);
    snprintf(products, sizeof products, "%lld", (long long)row->products);
    snprintf(reorder, sizeof reorder, "%lld", (long long)row->reorder_point);
    snprintf(short_by, sizeof short_by, "%lld", (long long)(row->reorder_point - row->qty));
    fmt_value(value, sizeof value, row);
    const char *cur = row->cost_currency ? row->cost_currency : "";
    if (row->origin)
        snprintf(origin, sizeof origin, "%s %s", row->origin, row->origin_zh ? row->origin_zh : "");
    const char *gtin = row->gtin ? cli_gtin(row->gtin) : (row->sku ? row->sku : "");
    c->total_qty += row->qty;
    if (row->cost_currency) {
        int i = 0;
        while (i < c->ntotals && strcmp(c->totals[i].cur, row->cost_currency) != 0)
            i++;
        if (i < 8) {
            if (i == c->ntotals) {
                snprintf(c->totals[i].cur, 4, "%s", row->cost_currency);
                c->totals[i].value = 0;
                c->ntotals++;
            }
            c->totals[i].value += row->value;
        }
    }
    if (c->low) {
        const char *cells[] = {gtin, row->name_zh, row->name_en, qty, reorder, short_by};
        cli_table_add(c->t, cells);
    } else if (c->expiring || c->by == ENT_BY_LOT) {
        if (row->expiry && *row->expiry && c->today) {
            int d = days_between(c->today, row->expiry);
            if (d < 0)
                snprintf(left, sizeof left, "expired");
            else
                snprintf(left, sizeof left, "%d", d);
        }
        const char *cells[] = {gtin, row->name_zh ? row->name_zh : row->name_en, row->lot, origin, row->expiry, left,
                               row->declaration, qty, value, cur};
        cli_table_add(c->t, cells);
    } else if (c->by == ENT_BY_LOCATION) {
        const char *cells[] = {row->location, row->location_kind, products, lots, qty, value, cur};
        cli_table_add(c->t, cells);
    } else if (c->by == ENT_BY_ORIGIN) {
        const char *cells[] = {row->origin, row->origin_zh, row->origin_en, products, lots, qty, value, cur};
        cli_table_add(c->t, cells);
    } else {
        const char *cells[] = {gtin, row->name_zh, row->name_en, lots, qty, reorder, value, cur};
        cli_table_add(c->t, cells);
    }
    return 0;
}

static int do_levels(struct cli *cli, int argc, char **argv)
{
    const char *by = NULL, *expiring = NULL, *limit_s = NULL, *pos[1];
    bool low = false;
    ent_levels_query q = {0};
    int npos;
    const struct cli_opt opts[] = {{"by", &by, NULL}, {"low", NULL, &low}, {"expiring", &expiring, NULL},
                                   {"product", &q.product, NULL}, {"location", &q.location, NULL},
                                   {"origin", &q.origin, NULL}, {"limit", &limit_s, NULL}, {0}};
    int st = cli_parse(argc, argv, opts, stock_help, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    q.by = ENT_BY_PRODUCT;
    if (by) {
        if (strcmp(by, "product") == 0)
            q.by = ENT_BY_PRODUCT;
        else if (strcmp(by, "location") == 0)
            q.by = ENT_BY_LOCATION;
        else if (strcmp(by, "lot") == 0)
            q.by = ENT_BY_LOT;
        else if (strcmp(by, "origin") == 0)
            q.by = ENT_BY_ORIGIN;
        else
            return cli_error(EXIT_USAGE, "--by '%s' must be product, location, lot or origin", by);
    }
    /* A terminal gets the first 100 rows unless asked; scripts get all. */
    long long limit = cli->format == FORMAT_TABLE ? 100 : 0;
    if ((st = cli_parse_limit(limit_s, &limit)) != 0)
        return st;
    q.limit = limit;
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    char day[11], before[11], why[256];
    if ((st = today(cli, day)) != 0)
        return st;
    if (expiring) {
        int64_t d;
        if ((st = cli_parse_whole("--expiring", expiring, 0, 36500, &d)) != 0)
            return st;
        if (ent_date_add_days(before, day, d, why, sizeof why) != ENT_OK)
            return cli_error(EXIT_USAGE, "--expiring %lld: today %s", (long long)d, why);
        q.expiring_before = before;
        q.by = ENT_BY_LOT;
    }
    q.low = low;
    struct levels_ctx c = {.by = q.by, .low = low, .expiring = expiring != NULL, .today = day};
    if (low) {
        const char *h[] = {"gtin", "name_zh", "name_en", "on_hand", "reorder_point", "short_by"};
        c.t = cli_table_new(6, h, "   nnn");
    } else if (q.by == ENT_BY_LOT) {
        const char *h[] = {"gtin", "name", "lot", "origin", "expiry", "days_left", "declaration", "on_hand", "value",
                           "currency"};
        c.t = cli_table_new(10, h, "     n nn ");
    } else if (q.by == ENT_BY_LOCATION) {
        const char *h[] = {"location", "kind", "products", "lots", "on_hand", "value", "currency"};
        c.t = cli_table_new(7, h, "  nnnn ");
    } else if (q.by == ENT_BY_ORIGIN) {
        const char *h[] = {"origin", "country_zh", "country_en", "products", "lots", "on_hand", "value", "currency"};
        c.t = cli_table_new(8, h, "   nnnn ");
    } else {
        const char *h[] = {"gtin", "name_zh", "name_en", "lots", "on_hand", "reorder_point", "value", "currency"};
        c.t = cli_table_new(8, h, "   nnnn ");
    }
    int rc = ent_stock_levels(cli->db, &q, add_level_row, &c);
    if (rc == ENT_OK) {
        cli_table_print(cli, c.t, stdout);
        if (cli->format == FORMAT_TABLE) {
            int cut = q.limit > 0 && cli_table_rows(c.t) == (size_t)q.limit;
            printf("%s%zu row%s, %lld units", cut ? "first " : "", cli_table_rows(c.t),
                   cli_table_rows(c.t) == 1 ? "" : "s", (long long)c.total_qty);
            for (int i = 0; i < c.ntotals; i++) {
                char v[48];
                cli_money(v, sizeof v, c.totals[i].value, c.totals[i].cur);
                printf("%s%s", i == 0 ? ", cost value " : " + ", v);
            }
            if (expiring)
                printf(" expiring on or before %s", before);
            printf("%s\n", cut ? " (--limit 0 shows all)" : "");
        }
    }
    cli_table_free(c.t);
    return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
}

/* ---- history ------------------------------------------------------------ */

static int add_move_row(const ent_move *m, void *ud)
{
    char qty[24], bal[24];
    snprintf(qty, sizeof qty, "%+lld", (long long)m->qty);
    snprintf(bal, sizeof bal, "%lld", (long long)m->balance);
    const char *cells[] = {m->at, m->kind, m->lot, m->location, qty, bal, m->reason, m->user, m->note, m->uuid};
    cli_table_add(ud, cells);
    return 0;
}

static int do_history(struct cli *cli, int argc, char **argv)
{
    const char *limit_s = NULL, *pos[1];
    int npos;
    const struct cli_opt opts[] = {{"limit", &limit_s, NULL}, {0}};
    int st = cli_parse(argc, argv, opts, stock_help, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 1)
        return cli_error(EXIT_USAGE, "stock history needs the CODE of a commodity");
    long long limit = 0;
    if ((st = cli_parse_limit(limit_s, &limit)) != 0)
        return st;
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    const char *h[] = {"at", "kind", "lot", "location", "qty", "on_hand", "reason", "user", "note", "move"};
    struct cli_table *t = cli_table_new(10, h, "    nn    ");
    int rc = ent_stock_history(cli->db, pos[0], limit, add_move_row, t);
    if (rc == ENT_OK)
        cli_table_print(cli, t, stdout);
    cli_table_free(t);
    return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
}

int cmd_stock(struct cli *cli, int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        fputs(stock_help, argc < 1 ? stderr : stdout);
        return argc < 1 ? EXIT_USAGE : EXIT_OK;
    }
    const char *sub = argv[0];
    if (strcmp(sub, "receive") == 0)
        return do_receive(cli, argc - 1, argv + 1);
    if (strcmp(sub, "move") == 0 || strcmp(sub, "adjust") == 0 || strcmp(sub, "scrap") == 0)
        return do_move(cli, argc - 1, argv + 1, sub);
    if (strcmp(sub, "count") == 0)
        return do_count(cli, argc - 1, argv + 1);
    if (strcmp(sub, "levels") == 0)
        return do_levels(cli, argc - 1, argv + 1);
    if (strcmp(sub, "history") == 0)
        return do_history(cli, argc - 1, argv + 1);
    return cli_error(EXIT_USAGE, "unknown stock command '%s' (see entrepot stock --help)", sub);
}
