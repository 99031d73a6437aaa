/* `entrepot hq report flow|expiring|holders`: head office's views of the
 * chain from what the stores pushed (hq.event), besides stock and sales
 * (cmd_hq.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hq.h"

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

bool hq_report_more(const char *what)
{
    return strcmp(what, "flow") == 0 || strcmp(what, "expiring") == 0 || strcmp(what, "holders") == 0;
}

static int check_args(const struct hq_report_args *a)
{
    char v[ENT_CLIP_SIZE];
    const char *dates[3] = {a->from, a->to, a->on};
    static const char *const names[3] = {"--from", "--to", "--on"};
    bool flow = strcmp(a->what, "flow") == 0, holders = strcmp(a->what, "holders") == 0;
    if (a->store && !ent_outbox_store_valid(a->store))
        return cli_error(EXIT_USAGE, "'%s' is not a store code: 2 to 16 capital letters and digits",
                         ent_text_clip(v, sizeof v, a->store, 40));
    for (int i = 0; i < 3; i++)
        if (dates[i] && ent_date_check(NULL, dates[i]) != ENT_OK)
            return cli_error(EXIT_USAGE, "%s: %s", names[i], ent_error_last()->message);
    if (!flow && (a->from || a->to))
        return cli_error(EXIT_USAGE, "hq report %s is the stock now: --from and --to are for flow and sales", a->what);
    if (flow && (a->on || a->days))
        return cli_error(EXIT_USAGE, "hq report flow takes --from and --to, not --on or --days");
    if (holders && a->code == NULL)
        return cli_error(EXIT_USAGE, "hq report holders needs the commodity's GTIN or SKU: hq report holders CODE");
    if (!holders && a->code)
        return cli_error(EXIT_USAGE, "only hq report holders takes a commodity's code");
    if (holders && (a->on || a->days))
        return cli_error(EXIT_USAGE, "hq report holders takes no --on or --days");
    if (a->code) {
        size_t n = strlen(a->code);
        if (n == 0 || n > 64 ||
            strspn(a->code, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._/-") != n)
            return cli_error(EXIT_USAGE, "'%s' is not a GTIN or SKU", ent_text_clip(v, sizeof v, a->code, 40));
    }
    return 0;
}

/* The expiring report's last day: --on (default today at the chain's
 * zone) plus --days (default 30). */
static int expiring_until(const struct hq_report_args *a, char on[ENT_DATE_SIZE], char until[ENT_DATE_SIZE])
{
    int64_t days = 30;
    int st;
    if (a->days && (st = cli_parse_whole(&days, "--days", a->days, 0, 3650)) != 0)
        return st;
    if (a->on)
        snprintf(on, ENT_DATE_SIZE, "%s", a->on);
    else if (ent_time_today(on, HQ_CHAIN_TZ) != ENT_OK)
        return cli_error(EXIT_IO, "today's date: %s", ent_error_last()->message);
    if (ent_date_add_days(until, on, days) != ENT_OK)
        return cli_error(EXIT_USAGE, "--on plus --days: %s", ent_error_last()->message);
    return 0;
}

void hq_print_rows(struct cli *cli, PGresult *res, int ncols, const char *const *head, const char *align)
{
    struct cli_table *t = cli_table_new(ncols, head, align);
    for (int r = 0; t && r < PQntuples(res); r++) {
        const char *cells[8];
        for (int c = 0; c < ncols; c++)
            cells[c] = PQgetvalue(res, r, c);
        cli_table_add(t, cells);
    }
    if (t)
        cli_table_print(cli, t, stdout);
    cli_table_free(t);
}

int hq_report_run(struct cli *cli, const char *url, const struct hq_report_args *a)
{
    static const char *const flow_head[] = {"store", "day", "visitors", "sales", "conversion", "net_minor"};
    static const char *const exp_head[] = {"store", "commodity", "lot", "origin", "expiry", "days_left", "units"};
    static const char *const hold_head[] = {"store", "units", "lots", "soonest_expiry"};
    char on[ENT_DATE_SIZE] = "", until[ENT_DATE_SIZE] = "";
    PGconn *pg = NULL;
    PGresult *res = NULL;
    int st;
    if ((st = check_args(a)) != 0)
        return st;
    if (strcmp(a->what, "expiring") == 0 && (st = expiring_until(a, on, until)) != 0)
        return st;
    if ((st = hq_connect(&pg, url, NULL, false)) != 0)
        return st;
    if (strcmp(a->what, "flow") == 0) {
        res = PQexecParams(pg, flow_sql, 3, NULL, (const char *[]){a->store, a->from, a->to}, NULL, NULL, 0);
        if (PQresultStatus(res) == PGRES_TUPLES_OK)
            hq_print_rows(cli, res, 6, flow_head, "..nnnn");
    } else if (strcmp(a->what, "expiring") == 0) {
        res = PQexecParams(pg, expiring_sql, 3, NULL, (const char *[]){a->store, until, on}, NULL, NULL, 0);
        if (PQresultStatus(res) == PGRES_TUPLES_OK)
            hq_print_rows(cli, res, 7, exp_head, ".....nn");
    } else {
        res = PQexecParams(pg, holders_sql, 2, NULL, (const char *[]){a->store, a->code}, NULL, NULL, 0);
        if (PQresultStatus(res) == PGRES_TUPLES_OK)
            hq_print_rows(cli, res, 4, hold_head, ".nn.");
    }
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        st = hq_fail(pg, res, "reading the report");
    PQclear(res);
    PQfinish(pg);
    return st;
}
