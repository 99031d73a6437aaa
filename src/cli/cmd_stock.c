/* entrepot stock: receiving, moves, counts, levels and history. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define QTY_MAX 1000000000LL /* one receipt, move, adjustment or count line (the library's bound) */

static const char stock_help[] =
    "usage: entrepot stock COMMAND ...\n"
    "\n"
    "  receive  --product CODE --qty N --lot LOT --origin CC --location LOC\n"
    "           [--declaration 18DIGITS] [--import-date D] [--production-date D] [--expiry D]\n"
    "           [--supplier TEXT] [--cost 12.50 [--currency EUR]] [--user NAME] [--note TEXT]\n"
    "  move     --product CODE [--lot LOT] --from LOC --to LOC --qty N\n"
    "  adjust   --product CODE [--lot LOT] --location LOC --qty N --reason damage|loss|found|sample\n"
    "  scrap    --product CODE [--lot LOT] --location LOC --qty N\n"
    "           (move, adjust, scrap: [--user NAME] [--note TEXT])\n"
    "  count    start --location LOC | record COUNT --product CODE [--lot LOT] --qty N\n"
    "           | show COUNT | post COUNT [--force] | list [--open]\n"
    "           (start, record, post: [--user NAME])\n"
    "  levels   [--by product|location|lot|origin] [--low] [--expiring DAYS]\n"
    "           [--product CODE] [--location LOC] [--origin CC] [--limit N] [--after KEY]\n"
    "           [--excel | --xlsx FILE.xlsx]  (CSV for Excel, or a workbook: every row)\n"
    "  history  CODE [--limit N]\n"
    "\n"
    "Quantities are whole numbers in the commodity's base unit (pieces, grams or\n"
    "millilitres), at most 1000000000 in one receipt, move, adjustment or count line.\n"
    "Dates are YYYY-MM-DD; import and production dates cannot be in the future. A\n"
    "commodity with a shelf life needs --production-date (the expiry is worked out)\n"
    "or --expiry. Lot codes are 1 to 20 of A-Z a-z 0-9 ! \" % & ' ( ) * + , - . / : ; < = > ? _\n"
    "(they go into barcodes). --cost is per piece, or per kg / litre for goods in g / ml,\n"
    "like the price, in --currency or else the commodity's own currency. A lot may be left out when exactly one lot of the commodity lies\n"
    "at the location. Stock never goes below zero: a move that would is refused\n"
    "(exit 1) and names what is on hand. COUNT is the id printed by count start, or\n"
    "its first 8 characters.\n"
    "\n"
    "levels shows a page at a time: a terminal gets 100 rows and, when there are\n"
    "more, the --after KEY that shows the next page; with --limit, --json and --csv\n"
    "give each row's key as a last column. Pages follow each other without a row\n"
    "twice or left out while stock changes, except by origin (ordered by value) and\n"
    "--low (by shortfall), whose rows may move.\n"
    "\n"
    "--by origin gives each origin's pieces, kg and litres apart (pcs, kg, L: they\n"
    "do not add up), and its cost value; origins with a cost first, grouped by\n"
    "currency (the store's first), the largest value first.\n"
    "\n"
    "examples:\n"
    "  entrepot stock receive --product 3017620422003 --qty 48 --lot L2406A --origin IT \\\n"
    "      --declaration 223320241000123456 --expiry 2027-06-30 --location A-01-03 \\\n"
    "      --supplier \"Ferrero Trading (Shanghai)\" --cost 21.30 --currency CNY\n"
    "  entrepot stock move --product 3017620422003 --from B-01 --to A-01-03 --qty 12\n"
    "  entrepot stock adjust --product 3017620422003 --location A-01-03 --qty 1 --reason damage\n"
    "  entrepot stock count start --location A-01-03\n"
    "  entrepot stock levels --by origin\n"
    "  entrepot stock levels --expiring 30\n"
    "  entrepot stock levels --by lot --xlsx lots.xlsx\n";

static int parse_opts(int argc, char **argv, const struct cli_opt *opts, const char **pos, int max_pos, int *npos)
{
    int st = cli_parse(argc, argv, opts, stock_help, pos, max_pos, npos);
    if (st != 0)
        return st < 0 ? -1 : st;
    return cli_refuse_empty(opts);
}

static int parse_qty(const char *s, const char *what, long long min, int64_t *out)
{
    if (s == NULL)
        return cli_error(EXIT_USAGE, "%s needs --qty N", what);
    return cli_parse_whole(out, "quantity", s, min, QTY_MAX);
}

/* Days since 1970-01-01 of a YYYY-MM-DD date from 1900 to 9999; -1 if none. */
static int32_t day_number(const char *s)
{
    int32_t days;
    return ent_date_check(&days, s) == ENT_OK ? days : -1;
}

/* Today in the store's time zone ($ENTREPOT_TODAY overrides it, for tests). */
static int today(struct cli *cli, char out[ENT_DATE_SIZE])
{
    const char *fixed = getenv("ENTREPOT_TODAY");
    if (fixed && *fixed) {
        if (ent_date_check(NULL, fixed) != ENT_OK)
            return cli_error(EXIT_USAGE, "ENTREPOT_TODAY %s", ent_error_last()->message);
        memcpy(out, fixed, ENT_DATE_SIZE);
        return 0;
    }
    ent_store *s = NULL;
    char tz[ENT_TZ_SIZE] = "UTC"; /* no store yet: nothing to be local to */
    if (ent_store_get(cli->db, &s) == ENT_OK)
        snprintf(tz, sizeof tz, "%s", s->tz);
    ent_store_free(s);
    if (ent_time_today(out, tz) != ENT_OK)
        return cli_error(EXIT_IO, "today's date: %s", ent_error_last()->message);
    if (day_number(out) < 0)
        return cli_error(EXIT_IO, "the system clock gives no date from " ENT_DATE_MIN " to " ENT_DATE_MAX);
    return 0;
}

/* A finished action: a sentence for people, one row for --json and --csv. */
static void done(struct cli *cli, const char *sentence, int n, const char *const *keys, const char *numeric,
                 const char *const *values)
{
    if (cli->format == FORMAT_TABLE) {
        printf("%s\n", sentence);
        return;
    }
    struct cli_table *t = cli_table_new(n, keys, numeric);
    cli_table_add(t, values);
    cli_table_print(cli, t, stdout);
    cli_table_free(t);
}

static int do_receive(struct cli *cli, int argc, char **argv)
{
    ent_receive r = {0};
    const char *qty = NULL, *cost = NULL, *pos[1];
    char cur[ENT_CURRENCY_SIZE] = "CNY";
    int npos;
    const struct cli_opt opts[] = {
        {"product", &r.product, NULL}, {"qty", &qty, NULL}, {"lot", &r.lot, NULL}, {"origin", &r.origin, NULL},
        {"declaration", &r.declaration, NULL}, {"import-date", &r.import_date, NULL},
        {"production-date", &r.production_date, NULL}, {"expiry", &r.expiry, NULL},
        {"supplier", &r.supplier, NULL}, {"cost", &cost, NULL}, {"currency", &r.cost_currency, NULL},
        {"location", &r.location, NULL}, {"user", &r.user, NULL}, {"note", &r.note, NULL}, {0}};
    int st = parse_opts(argc, argv, opts, pos, 0, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (r.product == NULL || r.location == NULL)
        return cli_error(EXIT_USAGE, "stock receive needs --product CODE and --location LOC (see --help)");
    if ((st = parse_qty(qty, "stock receive", 1, &r.qty)) != 0)
        return st;
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    r.unit_cost = -1;
    if (cost) {
        /* without --currency, the commodity's own currency, as the library
         * and the API take it (it was the store's: 800 for a sake priced in
         * yen became 800.00 yuan); the store's when the code is unknown, which
         * the receipt then refuses naming it */
        ent_product *p = NULL;
        ent_store *s = NULL;
        if (r.cost_currency == NULL && ent_product_find(cli->db, &p, NULL, r.product) == ENT_OK)
            memcpy(cur, p->currency, ENT_CURRENCY_SIZE);
        else if (r.cost_currency == NULL && ent_store_get(cli->db, &s) == ENT_OK)
            memcpy(cur, s->currency, ENT_CURRENCY_SIZE);
        ent_product_free(p);
        ent_store_free(s);
        int rc = ent_money_parse(&r.unit_cost, cost, r.cost_currency ? r.cost_currency : cur);
        if (rc != ENT_OK)
            return cli_error(EXIT_USAGE, "--cost: %s", ent_error_last()->message);
        if (r.unit_cost < 0)
            return cli_error(EXIT_USAGE, "--cost '%s' must not be negative", ENT_CLIP(cost, 40));
        if (r.cost_currency == NULL)
            r.cost_currency = cur;
    }
    char lot_uuid[ENT_UUID_SIZE], sentence[400];
    int rc = ent_stock_receive(cli->db, lot_uuid, &r);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    /* goods weighed or measured say their unit: "x5" of a cheese kept in grams
     * is 5 g, which a clerk who meant 5 kg must see at once */
    ent_product *p = NULL;
    char unit[ENT_UNIT_SIZE + 1] = "";
    if (ent_product_find(cli->db, &p, NULL, r.product) == ENT_OK && strcmp(p->unit, "pcs") != 0)
        snprintf(unit, sizeof unit, " %s", p->unit);
    ent_product_free(p);
    snprintf(sentence, sizeof sentence, "received %s x%s%s lot %s into %s (lot id %s)", r.product, qty, unit, r.lot,
             r.location, lot_uuid);
    const char *keys[] = {"product", "qty", "lot", "location", "lot_id"};
    const char *values[] = {r.product, qty, r.lot, r.location, lot_uuid};
    done(cli, sentence, 5, keys, " n   ", values);
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
    int st = parse_opts(argc, argv, opts, pos, 0, &npos);
    int64_t qty;
    int is_move = strcmp(kind, "move") == 0, is_adjust = strcmp(kind, "adjust") == 0;
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (product == NULL)
        return cli_error(EXIT_USAGE, "stock %s needs --product CODE (see --help)", kind);
    /* Options of another subcommand are a mistake worth naming, not ignoring. */
    if (is_move && (location || reason))
        return cli_error(EXIT_USAGE, "stock move takes --from and --to, not --%s", location ? "location" : "reason");
    if (!is_move && (from || to))
        return cli_error(EXIT_USAGE, "stock %s takes --location, not --%s", kind, from ? "from" : "to");
    if (!is_adjust && !is_move && reason)
        return cli_error(EXIT_USAGE, "stock scrap takes no --reason (use stock adjust)");
    char what[24];
    snprintf(what, sizeof what, "stock %s", kind);
    if ((st = parse_qty(qty_s, what, 1, &qty)) != 0)
        return st;
    int rc;
    char sentence[400], n[24];
    snprintf(n, sizeof n, "%lld", (long long)qty);
    if (is_move) {
        if (from == NULL || to == NULL)
            return cli_error(EXIT_USAGE, "stock move needs --from LOC and --to LOC");
        if ((st = cli_open(cli, 0)) != 0)
            return st;
        rc = ent_stock_transfer(
            cli->db,
            &(ent_move_req){
                .product = product, .lot = lot, .location = from, .to = to, .qty = qty, .user = user, .note = note});
        if (rc == ENT_OK) {
            snprintf(sentence, sizeof sentence, "moved %lld of %s from %s to %s", (long long)qty, product, from, to);
            const char *keys[] = {"moved", "product", "lot", "from", "to"};
            const char *values[] = {n, product, lot, from, to};
            done(cli, sentence, 5, keys, "n    ", values);
        }
    } else {
        if (location == NULL)
            return cli_error(EXIT_USAGE, "stock %s needs --location LOC", kind);
        if (is_adjust && reason == NULL)
            return cli_error(EXIT_USAGE, "stock adjust needs --reason damage|loss|found|sample");
        if ((st = cli_open(cli, 0)) != 0)
            return st;
        if (is_adjust)
            rc = ent_stock_adjust(cli->db, &(ent_move_req){.product = product,
                                                           .lot = lot,
                                                           .location = location,
                                                           .qty = qty,
                                                           .reason = reason,
                                                           .user = user,
                                                           .note = note});
        else
            rc = ent_stock_scrap(
                cli->db,
                &(ent_move_req){
                    .product = product, .lot = lot, .location = location, .qty = qty, .user = user, .note = note});
        if (rc == ENT_OK) {
            int up = reason && strcmp(reason, "found") == 0;
            snprintf(sentence, sizeof sentence, "%s %s%lld of %s at %s", is_adjust ? reason : "scrapped", up ? "+" : "",
                     (long long)qty, product, location);
            snprintf(n, sizeof n, "%s%lld", up ? "" : "-", (long long)qty);
            const char *keys[] = {"change", "product", "lot", "location", "reason"};
            const char *values[] = {n, product, lot, location, is_adjust ? reason : "scrap"};
            done(cli, sentence, 5, keys, "n    ", values);
        }
    }
    return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
}

/* ---- counts ------------------------------------------------------------- */

static int add_count_row(const ent_count_line *ln, void *ud)
{
    char exp[24], cnt[24] = "", diff[24] = "", moved[48] = "";
    snprintf(exp, sizeof exp, "%lld", (long long)ln->expected);
    if (ln->counted >= 0) {
        snprintf(cnt, sizeof cnt, "%lld", (long long)ln->counted);
        snprintf(diff, sizeof diff, "%+lld", (long long)ln->difference);
    }
    if (ln->moves_since > 0)
        snprintf(moved, sizeof moved, "moved %lldx since %s", (long long)ln->moves_since,
                 ln->counted >= 0 ? "counted" : "start");
    const char *cells[] = {cli_gtin(ln->gtin), ln->name, ln->lot, exp, cnt, diff, moved};
    cli_table_add(ud, cells);
    return 0;
}

static int add_count_info(const ent_count_info *c, void *ud)
{
    char lines[24], counted[24];
    snprintf(lines, sizeof lines, "%lld", (long long)c->lines);
    snprintf(counted, sizeof counted, "%lld", (long long)c->counted);
    const char *cells[] = {c->uuid, c->location, c->started_at, c->posted_at ? c->posted_at : "open",
                           c->user, lines,       counted};
    cli_table_add(ud, cells);
    return 0;
}

static int count_list(struct cli *cli, bool open_only)
{
    int st = cli_open(cli, 0);
    if (st != 0)
        return st;
    const char *headers[] = {"count", "location", "started", "posted", "user", "lines", "counted"};
    struct cli_table *t = cli_table_new(7, headers, "     nn");
    int rc = ent_count_each(cli->db, open_only, add_count_info, t);
    if (rc == ENT_OK)
        cli_table_print(cli, t, stdout);
    cli_table_free(t);
    return rc == ENT_OK ? EXIT_OK : cli_fail(cli, rc);
}

static int count_record(struct cli *cli, const char *count, const char *product, const char *lot, const char *qty_s,
                        const char *user)
{
    int64_t qty;
    char sentence[300], n[24];
    int st;
    if (product == NULL || qty_s == NULL)
        return cli_error(EXIT_USAGE, "stock count record needs --product CODE and --qty N");
    if ((st = cli_parse_whole(&qty, "counted quantity", qty_s, 0, QTY_MAX)) != 0)
        return st;
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    int rc = ent_count_record(cli->db, count, product, lot, qty, user);
    if (rc != ENT_OK)
        return cli_fail(cli, rc);
    snprintf(sentence, sizeof sentence, "recorded %lld of %s%s%s", (long long)qty, product, lot ? " lot " : "",
             lot ? lot : "");
    snprintf(n, sizeof n, "%lld", (long long)qty);
    const char *keys[] = {"count", "product", "lot", "counted"};
    const char *values[] = {count, product, lot, n};
    done(cli, sentence, 4, keys, "   n", values);
    return EXIT_OK;
}

static int do_count(struct cli *cli, int argc, char **argv)
{
    const char *location = NULL, *product = NULL, *lot = NULL, *qty_s = NULL, *user = NULL, *pos[2];
    bool force = false, open_only = false;
    int npos;
    const struct cli_opt opts[] = {
        {"location", &location, NULL}, {"product", &product, NULL}, {"lot", &lot, NULL},        {"qty", &qty_s, NULL},
        {"user", &user, NULL},         {"force", NULL, &force},     {"open", NULL, &open_only}, {0}};
    int st = parse_opts(argc, argv, opts, pos, 2, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos < 1)
        return cli_error(EXIT_USAGE, "stock count needs start, record, show, post or list (see --help)");
    const char *sub = pos[0];
    int rc;
    if (strcmp(sub, "list") == 0) {
        if (npos != 1)
            return cli_error(EXIT_USAGE, "stock count list takes no COUNT");
        return count_list(cli, open_only);
    }
    if (strcmp(sub, "start") == 0) {
        if (location == NULL)
            return cli_error(EXIT_USAGE, "stock count start needs --location LOC");
        if (npos != 1)
            return cli_error(EXIT_USAGE, "stock count start takes no COUNT: it prints a new one");
        if ((st = cli_open(cli, 0)) != 0)
            return st;
        char uuid[ENT_UUID_SIZE], sentence[200];
        rc = ent_count_start(cli->db, uuid, location, user);
        if (rc != ENT_OK)
            return cli_fail(cli, rc);
        snprintf(sentence, sizeof sentence, "count %s started at %s (%.8s for short)", uuid, location, uuid);
        const char *keys[] = {"count", "location"};
        const char *values[] = {uuid, location};
        done(cli, sentence, 2, keys, "  ", values);
        return EXIT_OK;
    }
    if (strcmp(sub, "record") != 0 && strcmp(sub, "show") != 0 && strcmp(sub, "post") != 0)
        return cli_error(EXIT_USAGE, "unknown count command '%s' (start, record, show, post, list)", ENT_CLIP(sub, 40));
    if (npos != 2)
        return cli_error(EXIT_USAGE, "stock count %s needs the COUNT id printed by count start", sub);
    if (strcmp(sub, "record") == 0)
        return count_record(cli, pos[1], product, lot, qty_s, user);
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

/* ---- levels ------------------------------------------------------------- */

struct levels_ctx {
    struct cli_table *t;
    enum ent_levels_by by;
    int low, expiring;
    int32_t today;
    int64_t total_qty;
    /* the units in each base unit, added up while every row splits them */
    bool by_unit;
    int64_t total_pcs, total_g, total_ml;
    struct {
        char cur[ENT_CURRENCY_SIZE];
        int64_t value;
    } totals[8];
    int ntotals;
    int overflow; /* a total left 64 bits: the footer says so instead of a wrong figure */
    char store_cur[ENT_CURRENCY_SIZE]; /* the landed values' currency (by lot) */
    int64_t landed_total, landed_lots; /* by lot: the landed values summed, and of how many lots */
    char last_key[512]; /* the last row's page key, for the next page */
};

static void fmt_value(char *buf, size_t len, const ent_level *row)
{
    buf[0] = '\0';
    if (row->cost_currency && ent_money_format(buf, len, row->value, row->cost_currency) < 0)
        snprintf(buf, len, "%lld", (long long)row->value);
}

/* Thousandths as an exact decimal, trailing zeros left off: grams as kg,
 * millilitres as litres (12500 -> "12.5", 3 -> "0.003", 9000 -> "9"). */
static void fmt_thousandths(char *buf, size_t len, int64_t n)
{
    uint64_t a = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
    unsigned frac = (unsigned)(a % 1000);
    int digits = 3;
    while (frac != 0 && frac % 10 == 0) {
        frac /= 10;
        digits--;
    }
    if (frac == 0)
        snprintf(buf, len, "%s%llu", n < 0 ? "-" : "", (unsigned long long)(a / 1000));
    else
        snprintf(buf, len, "%s%llu.%0*u", n < 0 ? "-" : "", (unsigned long long)(a / 1000), digits, frac);
}

/* The same with its three decimals, so that a column of them lines up and
 * reads as one type in every format (12500 -> "12.500"). */
static void fmt_milli3(char *buf, size_t len, int64_t n)
{
    uint64_t a = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
    snprintf(buf, len, "%s%llu.%03u", n < 0 ? "-" : "", (unsigned long long)(a / 1000), (unsigned)(a % 1000));
}

/* "24 pcs, 12.5 kg, 9 L": the units there are, each in the unit people
 * read; "0 units" when there are none. */
static void fmt_units(char *buf, size_t len, int64_t pcs, int64_t g, int64_t ml)
{
    char kg[32], l[32];
    size_t at = 0;
    buf[0] = '\0';
    fmt_thousandths(kg, sizeof kg, g);
    fmt_thousandths(l, sizeof l, ml);
    if (pcs != 0)
        at += (size_t)snprintf(buf + at, len - at, "%lld pcs", (long long)pcs);
    if (g != 0 && at < len)
        at += (size_t)snprintf(buf + at, len - at, "%s%s kg", at ? ", " : "", kg);
    if (ml != 0 && at < len)
        at += (size_t)snprintf(buf + at, len - at, "%s%s L", at ? ", " : "", l);
    if (at == 0)
        snprintf(buf, len, "0 units");
}

static int add_level_row(const ent_level *row, void *ud)
{
    struct levels_ctx *c = ud;
    snprintf(c->last_key, sizeof c->last_key, "%s", row->key ? row->key : "");
    char qty[24], lots[24], products[24], value[40], reorder[24], short_by[24], origin[160] = "", left[24] = "";
    snprintf(qty, sizeof qty, "%lld", (long long)row->qty);
    snprintf(lots, sizeof lots, "%lld", (long long)row->lots);
    snprintf(products, sizeof products, "%lld", (long long)row->products);
    snprintf(reorder, sizeof reorder, "%lld", (long long)row->reorder_point);
    int64_t gap;
    if (__builtin_sub_overflow(row->reorder_point, row->qty, &gap))
        short_by[0] = '\0';
    else
        snprintf(short_by, sizeof short_by, "%lld", (long long)gap);
    fmt_value(value, sizeof value, row);
    const char *cur = row->cost_currency ? row->cost_currency : "";
    /* the unit of on_hand and the reorder point: a column of its own, so
     * that the numbers stay numbers in CSV, JSON and workbooks */
    const char *unit = row->unit ? row->unit : "";
    if (row->origin)
        snprintf(origin, sizeof origin, "%s %s", row->origin, row->origin_zh ? row->origin_zh : "");
    const char *gtin = row->gtin ? cli_gtin(row->gtin) : (row->sku ? row->sku : "");
    if (__builtin_add_overflow(c->total_qty, row->qty, &c->total_qty))
        c->overflow = 1;
    if (!row->by_unit)
        c->by_unit = false;
    else if (__builtin_add_overflow(c->total_pcs, row->qty_pcs, &c->total_pcs) ||
             __builtin_add_overflow(c->total_g, row->qty_g, &c->total_g) ||
             __builtin_add_overflow(c->total_ml, row->qty_ml, &c->total_ml))
        c->overflow = 1;
    if (row->cost_currency) {
        int i = 0;
        while (i < c->ntotals && strcmp(c->totals[i].cur, row->cost_currency) != 0)
            i++;
        if (i < 8) {
            if (i == c->ntotals) {
                snprintf(c->totals[i].cur, ENT_CURRENCY_SIZE, "%s", row->cost_currency);
                c->totals[i].value = 0;
                c->ntotals++;
            }
            if (__builtin_add_overflow(c->totals[i].value, row->value, &c->totals[i].value))
                c->overflow = 1;
        }
    }
    if (c->low) {
        const char *cells[] = {gtin, row->name_zh, row->name_en, qty, reorder, short_by, unit, row->key};
        cli_table_add(c->t, cells);
    } else if (c->expiring || c->by == ENT_BY_LOT) {
        int32_t exp = row->expiry && *row->expiry ? day_number(row->expiry) : -1;
        if (exp >= 0 && exp < c->today)
            snprintf(left, sizeof left, "expired");
        else if (exp >= 0)
            snprintf(left, sizeof left, "%d", (int)(exp - c->today));
        char landed[40] = "";
        if (row->landed) {
            if (ent_money_format(landed, sizeof landed, row->landed_value, c->store_cur) < 0)
                snprintf(landed, sizeof landed, "%lld", (long long)row->landed_value);
            c->landed_lots++;
            if (__builtin_add_overflow(c->landed_total, row->landed_value, &c->landed_total))
                c->overflow = 1;
        }
        const char *cells[] = {gtin, row->name_zh ? row->name_zh : row->name_en, row->lot, origin, row->expiry, left,
                               row->declaration, qty, unit, value, cur, landed, row->key};
        cli_table_add(c->t, cells);
    } else if (c->by == ENT_BY_LOCATION) {
        const char *cells[] = {row->location, row->location_kind, products, lots, qty, value, cur, row->key};
        cli_table_add(c->t, cells);
    } else if (c->by == ENT_BY_ORIGIN) {
        /* pieces, kg and litres apart: they do not add up */
        char pcs[24], kg[32], l[32];
        snprintf(pcs, sizeof pcs, "%lld", (long long)row->qty_pcs);
        fmt_milli3(kg, sizeof kg, row->qty_g);
        fmt_milli3(l, sizeof l, row->qty_ml);
        const char *cells[] = {row->origin, row->origin_zh, row->origin_en, products, lots, pcs, kg, l, value,
                               cur,         row->key};
        cli_table_add(c->t, cells);
    } else {
        const char *cells[] = {gtin, row->name_zh, row->name_en, lots, qty, reorder, unit, value, cur, row->key};
        cli_table_add(c->t, cells);
    }
    return 0;
}

static int do_levels(struct cli *cli, int argc, char **argv)
{
    const char *by = NULL, *expiring = NULL, *limit_s = NULL, *pos[1];
    bool low = false;
    ent_levels_query q = {0};
    struct cli_export ex = {0};
    int npos;
    const struct cli_opt opts[] = {{"by", &by, NULL}, {"low", NULL, &low}, {"expiring", &expiring, NULL},
                                   {"product", &q.product, NULL}, {"location", &q.location, NULL},
                                   {"origin", &q.origin, NULL}, {"limit", &limit_s, NULL},
                                   {"after", &q.after, NULL}, CLI_EXPORT_OPTS(ex), {0}};
    int st = parse_opts(argc, argv, opts, pos, 0, &npos);
    if (st != 0 || (st = cli_export_check(cli, &ex)) != 0)
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
            return cli_error(EXIT_USAGE, "--by '%s' must be product, location, lot or origin", ENT_CLIP(by, 40));
    }
    /* A terminal gets the first 100 rows unless asked; scripts get all. */
    long long limit = cli->format == FORMAT_TABLE ? 100 : 0;
    if ((st = cli_parse_limit(&limit, limit_s)) != 0)
        return st;
    q.limit = limit;
    char day[ENT_DATE_SIZE], before[ENT_DATE_SIZE];
    int64_t days = 0;
    if (low && (expiring || by))
        return cli_error(EXIT_USAGE, "--low lists commodities: it does not go with --%s", expiring ? "expiring" : "by");
    if (expiring) {
        if ((st = cli_parse_whole(&days, "--expiring", expiring, 0, 36500)) != 0)
            return st;
        if (by && q.by != ENT_BY_LOT)
            return cli_error(EXIT_USAGE, "--expiring lists lots: it does not go with --by %s", by);
    }
    if ((st = cli_open(cli, 0)) != 0)
        return st;
    if ((st = today(cli, day)) != 0)
        return st;
    if (expiring) {
        /* Past the last date there is, every lot has expired: the window
         * stops at 9999-12-31 instead of wrapping. */
        if (ent_date_add_days(before, day, days) != ENT_OK)
            memcpy(before, ENT_DATE_MAX, ENT_DATE_SIZE);
        q.expiring_before = before;
        q.by = ENT_BY_LOT;
    }
    q.low = low;
    struct levels_ctx c = {
        .by = q.by, .low = low, .expiring = expiring != NULL, .today = day_number(day), .by_unit = !low};
    /* A script that asks for pages (--limit) gets each row's page key as a
     * last column, to give as --after; a terminal gets it under the table. */
    int k = cli->format != FORMAT_TABLE && limit_s != NULL;
    if (low) {
        const char *h[] = {"gtin", "name_zh", "name_en", "on_hand", "reorder_point", "short_by", "unit", "key"};
        c.t = cli_table_new(7 + k, h, "   nnn  ");
    } else if (q.by == ENT_BY_LOT) {
        /* landed: the on-hand units at the lot's landed cost, in the
         * store's currency, beside the foreign value */
        const char *h[] = {"gtin",    "name", "lot",   "origin",   "expiry", "days_left", "declaration",
                           "on_hand", "unit", "value", "currency", "landed", "key"};
        c.t = cli_table_new(12 + k, h, "     n n n n ");
        ent_store *s = NULL;
        if (ent_store_get(cli->db, &s) == ENT_OK)
            snprintf(c.store_cur, sizeof c.store_cur, "%s", s->currency);
        ent_store_free(s);
    } else if (q.by == ENT_BY_LOCATION) {
        const char *h[] = {"location", "kind", "products", "lots", "on_hand", "value", "currency", "key"};
        c.t = cli_table_new(7 + k, h, "  nnnn  ");
    } else if (q.by == ENT_BY_ORIGIN) {
        /* on hand in pieces, kg and litres (schema 30), not one figure */
        const char *h[] = {"origin", "country_zh", "country_en", "products", "lots", "pcs",
                           "kg",     "L",          "value",      "currency", "key"};
        c.t = cli_table_new(10 + k, h, "   nnnnnn  ");
    } else {
        const char *h[] = {"gtin",          "name_zh", "name_en", "lots",     "on_hand",
                           "reorder_point", "unit",    "value",   "currency", "key"};
        c.t = cli_table_new(9 + k, h, "   nnn n  ");
    }
    int rc = ent_stock_levels(cli->db, &q, add_level_row, &c);
    if (rc == ENT_OK && (st = cli_export_table(cli, c.t, &ex, "库存")) != 0) {
        cli_table_free(c.t);
        return st;
    }
    if (rc == ENT_OK) {
        if (cli->format == FORMAT_TABLE && c.overflow) {
            printf("%zu rows; the totals are too large to add up (a balance or cost beyond its bound): "
                   "run entrepot check\n",
                   cli_table_rows(c.t));
        } else if (cli->format == FORMAT_TABLE) {
            int cut = q.limit > 0 && cli_table_rows(c.t) == (size_t)q.limit;
            /* each base unit apart where the rows say them (a total of
             * pieces and grams would mean nothing) */
            char units[128];
            if (c.by_unit)
                fmt_units(units, sizeof units, c.total_pcs, c.total_g, c.total_ml);
            else
                snprintf(units, sizeof units, "%lld units", (long long)c.total_qty);
            printf("%s%zu row%s, %s", cut ? "first " : "", cli_table_rows(c.t), cli_table_rows(c.t) == 1 ? "" : "s",
                   units);
            for (int i = 0; i < c.ntotals; i++) {
                char v[48];
                cli_money(v, sizeof v, c.totals[i].value, c.totals[i].cur);
                printf("%s%s", i == 0 ? ", cost value " : " + ", v);
            }
            if (c.landed_lots > 0) {
                char v[48];
                cli_money(v, sizeof v, c.landed_total, c.store_cur);
                printf(", landed %s (%lld lot%s)", v, (long long)c.landed_lots, c.landed_lots == 1 ? "" : "s");
            }
            if (expiring)
                printf(" expiring on or before %s", before);
            if (cut)
                printf(" (next page: --after '%s'; --limit 0 shows all)", c.last_key);
            printf("\n");
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
    int st = parse_opts(argc, argv, opts, pos, 1, &npos);
    if (st != 0)
        return st < 0 ? EXIT_OK : st;
    if (npos != 1 || *pos[0] == '\0')
        return cli_error(EXIT_USAGE, "stock history needs the CODE of a commodity");
    long long limit = 0;
    if ((st = cli_parse_limit(&limit, limit_s)) != 0)
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
    return cli_error(EXIT_USAGE, "unknown stock command '%s' (see entrepot stock --help)", ENT_CLIP(sub, 40));
}
