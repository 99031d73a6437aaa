/* Head office's views of the chain from what the stores pushed: ONE query
 * per report (hq_query), shared by `entrepot hq report` (here) and the
 * store server's GET /api/v1/hq/... (hq_read.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hq.h"

/* Stock now: units on hand and lots by origin country per store, then the
 * chain (store "*"). */
static const char stock_sql[] =
    "WITH lots AS (SELECT store, body->>'uuid' AS lot, body->>'origin' AS origin FROM hq.event WHERE kind = 'lot' "
    "AND ($1::text IS NULL OR store = $1)), "
    "moves AS (SELECT store, body->>'lot' AS lot, sum((body->>'qty')::bigint) AS qty FROM hq.event "
    "WHERE kind = 'move' AND ($1::text IS NULL OR store = $1) GROUP BY 1, 2) "
    "SELECT coalesce(l.store, '*'), l.origin, sum(m.qty), count(*) FILTER (WHERE m.qty <> 0) "
    "FROM lots l JOIN moves m USING (store, lot) GROUP BY GROUPING SETS ((l.store, l.origin), (l.origin)) "
    "HAVING sum(m.qty) <> 0 ORDER BY l.store NULLS LAST, 3 DESC, 2";

/* Sales from the summary kept as the events arrive (hq.sales_day, head-office
 * migration 004; the day is the local day in the chain's zone), read through
 * its primary key (store, day, origin): a month of ten stores is at most
 * 10 x 31 x the origins rows, however many lines were sold. By store, day
 * and country; or summed over the period by country, by day or by store,
 * each then also for the chain (store "*"); a column summed over is "*". */
#define SALES_WHERE                                                                                                    \
    " FROM hq.sales_day WHERE ($1::text IS NULL OR store = $1) AND ($2::text IS NULL OR day >= $2::date) "          \
    "AND ($3::text IS NULL OR day <= $3::date) "
static const char sales_sql[] = "SELECT store, day::text, origin, lines, units, amount" SALES_WHERE
                                "ORDER BY 1, 2, 6 DESC, 3";
static const char sales_country_sql[] =
    "SELECT coalesce(store, '*'), '*', origin, sum(lines), sum(units), sum(amount)" SALES_WHERE
    "GROUP BY GROUPING SETS ((store, origin), (origin)) ORDER BY store NULLS LAST, 6 DESC, 3";
static const char sales_day_sql[] =
    "SELECT coalesce(store, '*'), day::text, '*', sum(lines), sum(units), sum(amount)" SALES_WHERE
    "GROUP BY GROUPING SETS ((store, day), (day)) ORDER BY store NULLS LAST, 2";
static const char sales_store_sql[] =
    "SELECT coalesce(store, '*'), '*', '*', sum(lines), sum(units), sum(amount)" SALES_WHERE
    "GROUP BY GROUPING SETS ((store), ()) ORDER BY store NULLS LAST";

/* The newest count of each (store, sensor, period start): a door count
 * corrected at the store is pushed again as a newer event of the same key. */
#define FLOW_LATEST                                                                                                    \
    "flow AS (SELECT DISTINCT ON (store, body->>'sensor', body->>'start') store, body->>'day' AS day, "               \
    "(body->>'n_in')::bigint AS n_in FROM hq.event WHERE kind = 'flow' AND ($1::text IS NULL OR store = $1) "       \
    "AND ($2::text IS NULL OR body->>'day' >= $2) AND ($3::text IS NULL OR body->>'day' <= $3) "                    \
    "ORDER BY store, body->>'sensor', body->>'start', seq DESC)"

/* Visitors (people in), sales (transactions, not returns), conversion
 * (sales / visitors, percent to one decimal, exact numeric) and the net
 * value (sales plus returns, whose totals are negative; minor units) per store and local day, then
 * per store over the period (day "*"). A day with sales but no door count
 * shows 0 visitors and no conversion. */
static const char flow_sql[] =
    "WITH " FLOW_LATEST ", "
    "v AS (SELECT store, day, sum(n_in) AS visitors FROM flow GROUP BY 1, 2), "
    "s AS (SELECT store, body->>'day' AS day, count(*) FILTER (WHERE body->>'kind' = 'sale') AS sales, "
    "sum((body->>'total')::bigint) AS net "
    "FROM hq.event WHERE kind = 'sale' AND ($1::text IS NULL OR store = $1) "
    "AND ($2::text IS NULL OR body->>'day' >= $2) AND ($3::text IS NULL OR body->>'day' <= $3) GROUP BY 1, 2), "
    "d AS (SELECT coalesce(v.store, s.store) AS store, coalesce(v.day, s.day) AS day, "
    "coalesce(v.visitors, 0) AS visitors, coalesce(s.sales, 0) AS sales, coalesce(s.net, 0) AS net "
    "FROM v FULL JOIN s ON s.store = v.store AND s.day = v.day) "
    "SELECT store, coalesce(day, '*'), sum(visitors), sum(sales), "
    "CASE WHEN sum(visitors) > 0 THEN round(sum(sales) * 100.0 / sum(visitors), 1)::text || '%' ELSE '' END, "
    "sum(net) FROM d GROUP BY GROUPING SETS ((store, day), (store)) ORDER BY store, day NULLS LAST";

/* Units on hand per lot of each store: the pushed stock moves summed. */
#define LOT_STOCK                                                                                                      \
    "lots AS (SELECT store, body->>'uuid' AS lot, body->>'product' AS product, body->>'code' AS code, "            \
    "body->>'origin' AS origin, body->>'expiry' AS expiry FROM hq.event WHERE kind = 'lot' "                        \
    "AND ($1::text IS NULL OR store = $1)), "                                                                        \
    "moves AS (SELECT store, body->>'lot' AS lot, sum((body->>'qty')::bigint) AS qty FROM hq.event "                \
    "WHERE kind = 'move' AND ($1::text IS NULL OR store = $1) GROUP BY 1, 2), "                                     \
    "onhand AS (SELECT l.*, m.qty FROM lots l JOIN moves m USING (store, lot) WHERE m.qty > 0)"

/* Lots on hand whose expiry falls on or before $2 (the day given plus the
 * window), soonest first; days_left is negative for a lot already expired. */
static const char expiring_sql[] =
    "WITH " LOT_STOCK " SELECT store, product, code, coalesce(origin, ''), expiry, "
    "(expiry::date - $3::date)::text, qty FROM onhand WHERE expiry IS NOT NULL AND expiry <= $2 "
    "ORDER BY expiry, store, product, code";

/* Which stores hold a commodity (GTIN or SKU): units and lots on hand and the
 * soonest expiry per store, then the chain ("*"). */
static const char holders_sql[] =
    "WITH " LOT_STOCK " SELECT coalesce(store, '*'), coalesce(sum(qty), 0), count(*), coalesce(min(expiry), '') "
    "FROM onhand WHERE product = $2 GROUP BY GROUPING SETS ((store), ()) ORDER BY store NULLS LAST";

static const char *const stock_head[] = {"store", "origin", "units", "lots"};
static const char *const sales_head[] = {"store", "day", "origin", "lines", "units", "amount_minor"};
static const char *const flow_head[] = {"store", "day", "visitors", "sales", "conversion", "net_minor"};
static const char *const exp_head[] = {"store", "commodity", "lot", "origin", "expiry", "days_left", "units"};
static const char *const hold_head[] = {"store", "units", "lots", "soonest_expiry"};
static const struct hq_view views[] = {
    {"stock", 4, stock_head, "..nn"},
    {"sales", 6, sales_head, "...nnn"},
    {"flow", 6, flow_head, "..nn.n"},
    {"expiring", 7, exp_head, ".....nn"},
    {"holders", 4, hold_head, ".nn."},
};

const struct hq_view *hq_view_find(const char *what)
{
    for (size_t i = 0; what && i < sizeof views / sizeof views[0]; i++)
        if (strcmp(views[i].name, what) == 0)
            return &views[i];
    return NULL;
}

bool hq_sales_by_valid(const char *by)
{
    return by == NULL || strcmp(by, "country") == 0 || strcmp(by, "day") == 0 || strcmp(by, "store") == 0;
}

static const char *sales_query(const char *by)
{
    if (by == NULL)
        return sales_sql;
    return strcmp(by, "country") == 0 ? sales_country_sql : strcmp(by, "day") == 0 ? sales_day_sql : sales_store_sql;
}

PGresult *hq_query(PGconn *pg, const struct hq_query *q)
{
    const char *w = q->what;
    if (strcmp(w, "stock") == 0)
        return PQexecParams(pg, stock_sql, 1, NULL, (const char *[]){q->store}, NULL, NULL, 0);
    if (strcmp(w, "sales") == 0)
        return PQexecParams(pg, sales_query(q->by), 3, NULL, (const char *[]){q->store, q->from, q->to}, NULL,
                            NULL, 0);
    if (strcmp(w, "flow") == 0)
        return PQexecParams(pg, flow_sql, 3, NULL, (const char *[]){q->store, q->from, q->to}, NULL, NULL, 0);
    if (strcmp(w, "expiring") == 0)
        return PQexecParams(pg, expiring_sql, 3, NULL, (const char *[]){q->store, q->until, q->on}, NULL, NULL, 0);
    if (strcmp(w, "holders") != 0 || q->code == NULL)
        return NULL; /* not a view: the callers check first */
    /* A GTIN as typed (EAN-13, UPC-A...) is held as its 14 digits; a code
     * that is not a valid GTIN is a SKU, as it is. */
    char gtin[ENT_GTIN_SIZE];
    const char *code = q->code;
    if (strspn(code, "0123456789") == strlen(code) && ent_gtin_normalize(gtin, code) == ENT_OK)
        code = gtin;
    return PQexecParams(pg, holders_sql, 2, NULL, (const char *[]){q->store, code}, NULL, NULL, 0);
}

bool hq_code_valid(const char *code)
{
    size_t n = strlen(code);
    return n > 0 && n <= 64 &&
           strspn(code, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._/-") == n;
}

int hq_expiring_until(char until[ENT_DATE_SIZE], char on[ENT_DATE_SIZE], const char *given_on, int64_t days)
{
    int rc = ENT_OK;
    if (given_on)
        snprintf(on, ENT_DATE_SIZE, "%s", given_on);
    else
        rc = ent_time_today(on, HQ_CHAIN_TZ);
    return rc != ENT_OK ? rc : ent_date_add_days(until, on, days);
}

static int check_args(const struct hq_report_args *a)
{
    char v[ENT_CLIP_SIZE];
    const char *dates[3] = {a->from, a->to, a->on};
    static const char *const names[3] = {"--from", "--to", "--on"};
    bool sales = strcmp(a->what, "sales") == 0;
    bool flow = strcmp(a->what, "flow") == 0, holders = strcmp(a->what, "holders") == 0;
    bool expiring = strcmp(a->what, "expiring") == 0;
    if (hq_view_find(a->what) == NULL)
        return cli_error(EXIT_USAGE, "hq report needs stock, sales, flow, expiring or holders, not '%s'",
                         ent_text_clip(v, sizeof v, a->what, 40));
    if (a->store && !ent_outbox_store_valid(a->store))
        return cli_error(EXIT_USAGE, "'%s' is not a store code: 2 to 16 capital letters and digits",
                         ent_text_clip(v, sizeof v, a->store, 40));
    for (int i = 0; i < 3; i++)
        if (dates[i] && ent_date_check(NULL, dates[i]) != ENT_OK)
            return cli_error(EXIT_USAGE, "%s: %s", names[i], ent_error_last()->message);
    if (!flow && !sales && (a->from || a->to))
        return cli_error(EXIT_USAGE, "hq report %s is the stock now: --from and --to are for flow and sales", a->what);
    if (!expiring && (a->on || a->days))
        return cli_error(EXIT_USAGE, "--on and --days are for hq report expiring");
    if (!sales && a->by)
        return cli_error(EXIT_USAGE, "--by is for hq report sales");
    if (!hq_sales_by_valid(a->by))
        return cli_error(EXIT_USAGE, "--by is country, day or store, not '%s'", ent_text_clip(v, sizeof v, a->by, 40));
    if (holders && a->code == NULL)
        return cli_error(EXIT_USAGE, "hq report holders needs the commodity's GTIN or SKU: hq report holders CODE");
    if (!holders && a->code)
        return cli_error(EXIT_USAGE, "only hq report holders takes a commodity's code");
    if (a->code && !hq_code_valid(a->code))
        return cli_error(EXIT_USAGE, "'%s' is not a GTIN or SKU", ent_text_clip(v, sizeof v, a->code, 40));
    return 0;
}

void hq_print_rows(struct cli *cli, PGresult *res, int ncols, const char *const *head, const char *align)
{
    struct cli_table *t = cli_table_new(ncols, head, align);
    for (int r = 0; t && r < PQntuples(res); r++) {
        const char *cells[HQ_PRINT_COLS];
        for (int c = 0; c < ncols && c < HQ_PRINT_COLS; c++)
            cells[c] = PQgetvalue(res, r, c);
        cli_table_add(t, cells);
    }
    if (t)
        cli_table_print(cli, t, stdout);
    cli_table_free(t);
}

int hq_report_run(struct cli *cli, const char *url, const struct hq_report_args *a)
{
    char on[ENT_DATE_SIZE] = "", until[ENT_DATE_SIZE] = "";
    struct hq_query q = {.what = a->what, .store = a->store, .from = a->from, .to = a->to, .by = a->by,
                         .code = a->code, .on = on, .until = until};
    PGconn *pg = NULL;
    int64_t days = 30;
    int st;
    if ((st = check_args(a)) != 0)
        return st;
    if (strcmp(a->what, "expiring") == 0) {
        if (a->days && (st = cli_parse_whole(&days, "--days", a->days, 0, 3650)) != 0)
            return st;
        if (hq_expiring_until(until, on, a->on, days) != ENT_OK)
            return cli_error(EXIT_USAGE, "--on plus --days: %s", ent_error_last()->message);
    }
    if ((st = hq_connect(&pg, url, NULL, false)) != 0)
        return st;
    const struct hq_view *v = hq_view_find(a->what);
    PGresult *res = hq_query(pg, &q);
    if (PQresultStatus(res) == PGRES_TUPLES_OK)
        hq_print_rows(cli, res, v->ncols, v->head, v->align);
    else
        st = hq_fail(pg, res, "reading the report");
    PQclear(res);
    PQfinish(pg);
    return st;
}
