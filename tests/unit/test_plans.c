/*
 * Issue 21, item 2: no statement on a path people wait for scans a table
 * that grows with the catalogue, the lots, the ledger or the sales.
 *
 * The test runs the library calls behind the interactive commands, the
 * server's read routes and the web app's pages (product show, location list,
 * every stock levels view, low, expiring, scan, history, search, the first
 * commodities) on a small demo database, collecting the SQL of every
 * statement they run (sqlite3_trace_v2), then asks SQLite for the plan of
 * each: once with no statistics (as a store's database has them) and once
 * with sqlite_stat1 written to look like the 1,000,000-commodity demo. A
 * full SCAN of a large table fails the test unless the statement is in the
 * allow-list below, which says why.
 */
#include "testutil.h"

#include <ctype.h>
#include <sqlite3.h>

#include "internal.h"

#define MAX_SQL 256

static char *seen[MAX_SQL];
static bool seen_next[MAX_SQL]; /* run for a next page (after a key) */
static int nseen;
static bool in_next_page;

static int collect(unsigned type, void *ud, void *p, void *x)
{
    (void)ud, (void)x;
    if (type != SQLITE_TRACE_STMT)
        return 0;
    const char *sql = sqlite3_sql(p);
    /* Statements inside triggers are reported as comments: writes, not reads. */
    if (sql == NULL || strncmp(sql, "--", 2) == 0)
        return 0;
    /* Runs of blanks as one, so that the allow-list matches however the
     * statement was put together. */
    char *one = malloc(strlen(sql) + 1), *o = one;
    assert_non_null(one);
    for (const char *c = sql; *c; c++)
        if (*c != ' ' || o == one || o[-1] != ' ')
            *o++ = *c;
    *o = '\0';
    for (int i = 0; i < nseen; i++)
        if (strcmp(seen[i], one) == 0) {
            free(one);
            return 0;
        }
    if (nseen < MAX_SQL) {
        seen_next[nseen] = in_next_page;
        seen[nseen++] = one;
    }
    else
        free(one);
    return 0;
}

/* Tables that grow with the catalogue, the lots, the ledger or the sales. */
static const char *const large[] = {
    "product", "product_barcode", "product_key", "product_key_list", "lot", "stock_balance", "stock_move", "stock_sum_product",
    "stock_sum_lot", "stock_sum_product_origin", "stock_count_line", "sale", "sale_line", NULL,
};

/*
 * Statements allowed to walk a large table or one of its indexes, matched by
 * a piece of their SQL. Each walks in the order of the page it answers and
 * stops at the page's LIMIT, or reads what the view is about.
 */
static const struct {
    const char *sql_has, *why;
    bool walk; /* stops at the page: its plan must not sort what it walks */
} allowed[] = {
    {"FROM stock_sum_product WHERE qty > 0 ORDER BY product_id LIMIT",
     "stock levels by product: walks the commodities with stock (partial index) in id order, stops at the page", true},
    {"FROM stock_sum_lot s JOIN lot l",
     "stock levels by lot and expiring: walks the on-hand lots (partial index) in expiry order, stops at the page "
     "(one origin's lots are sought through their own index, schema 23)",
     true},
    {"FROM stock_sum_lot s CROSS JOIN stock_balance b ON b.lot_id = s.lot_id AND b.location_id = ?2",
     "stock levels by lot of a location holding many lots: walks the on-hand lots (partial index) in expiry order, "
     "keeps the location's, stops at the page; chosen only when that reads fewer lots than the location holds",
     true},
    {"FROM stock_sum_product s JOIN product p ON p.id = s.product_id WHERE s.reorder_point > 0",
     "low stock: walks the partial index of the commodities at or below their reorder point (the view itself)", true},
    {"FROM product WHERE retired_at IS NULL ORDER BY id LIMIT",
     "product list --limit N: the catalogue in the order it was added (rowid), stops at the limit (with --origin "
     "it seeks that origin's commodities instead, schema 25, and is not listed here)",
     true},
};

/* The names a large table goes by in sql: itself, and an alias after it. */
static bool names_large(const char *sql, const char *name)
{
    for (int t = 0; large[t]; t++) {
        if (strcmp(name, large[t]) == 0)
            return true;
        size_t n = strlen(large[t]);
        for (const char *p = strstr(sql, large[t]); p; p = strstr(p + 1, large[t])) {
            if ((p > sql && (p[-1] == '_' || isalnum((unsigned char)p[-1]))) || p[n] != ' ')
                continue;
            const char *a = p + n + 1;
            if (strncmp(a, "AS ", 3) == 0)
                a += 3;
            size_t k = strlen(name);
            if (strncmp(a, name, k) == 0 && !isalnum((unsigned char)a[k]) && a[k] != '_')
                return true;
        }
    }
    return false;
}

/* 0: not listed, 1: listed, 2: listed as a walk that stops at the page. */
static int allow_listed(const char *sql)
{
    for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
        if (strstr(sql, allowed[i].sql_has))
            return allowed[i].walk ? 2 : 1;
    return 0;
}

/* Fails on every SCAN of a large table in the plans of the collected SQL. */
static int check_plans(sqlite3 *raw, const char *stats)
{
    int bad = 0;
    for (int i = 0; i < nseen; i++) {
        char *eqp = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", seen[i]);
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(raw, eqp, -1, &st, NULL) != SQLITE_OK)
            fail_msg("plan of %s: %s", seen[i], sqlite3_errmsg(raw));
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *d = (const char *)sqlite3_column_text(st, 3);
            char name[64];
            /* A walk that has to sort reads everything before its first row. */
            if (strcmp(d, "USE TEMP B-TREE FOR ORDER BY") == 0 && allow_listed(seen[i]) == 2) {
                print_message("%s: %s\n  in: %s\n", stats, d, seen[i]);
                bad++;
            }
            if (sscanf(d, "SCAN %63[A-Za-z0-9_]", name) != 1 || !names_large(seen[i], name))
                continue;
            /* A next page walks from its key: a walk from the start reads
             * every page before it (page N would cost N pages). */
            if (allow_listed(seen[i]) && !seen_next[i])
                continue;
            print_message("%s: %s\n  in: %s\n", stats, d, seen[i]);
            bad++;
        }
        sqlite3_finalize(st);
        sqlite3_free(eqp);
    }
    return bad;
}

static int count_row(const void *row, void *ud)
{
    (void)row;
    (*(int *)ud)++;
    return 0;
}

static int one_lot(const ent_level *l, void *ud)
{
    if (l->lot && ((char *)ud)[0] == '\0')
        snprintf(ud, 32, "%s", l->lot);
    return 0;
}

/* Keeps the last row's page key (and a lot, as one_lot). */
static int last_key(const ent_level *l, void *ud)
{
    snprintf(ud, 128, "%s", l->key ? l->key : "");
    return 0;
}

/* Each view again from the key of its first page's last row (the next
 * page: its plan must walk from the key too). */
static void next_page(ent_db *db, ent_levels_query q)
{
    char key[128] = "";
    assert_int_equal(ent_stock_levels(db, &q, last_key, key), ENT_OK);
    assert_true(key[0] != '\0');
    q.after = key;
    in_next_page = true;
    assert_int_equal(ent_stock_levels(db, &q, last_key, key), ENT_OK);
    in_next_page = false;
}

/* What the interactive paths call, with the codes of the demo. */
static void run_paths(ent_db *db, const char *gtin, const char *loc, const char *gtin_lot, const char *fullest)
{
    int n = 0;
    ent_product *p = NULL;
    int64_t qty;
    assert_int_equal(ent_product_find(db, &p, &qty, gtin), ENT_OK);
    ent_product_free(p);
    assert_int_equal(ent_location_each(db, (ent_location_cb)count_row, &n), ENT_OK);
    const enum ent_levels_by by[] = {ENT_BY_PRODUCT, ENT_BY_LOCATION, ENT_BY_LOT, ENT_BY_ORIGIN};
    char lot[32] = "";
    for (int i = 0; i < 4; i++) {
        ent_levels_query q = {.by = by[i], .limit = 100};
        assert_int_equal(ent_stock_levels(db, &q, one_lot, lot), ENT_OK);
        next_page(db, (ent_levels_query){.by = by[i], .limit = by[i] == ENT_BY_ORIGIN ? 3 : 20});
        q.product = gtin; /* product show, and a commodity's page */
        assert_int_equal(ent_stock_levels(db, &q, one_lot, lot), ENT_OK);
        q.product = NULL;
        q.location = loc;
        assert_int_equal(ent_stock_levels(db, &q, one_lot, lot), ENT_OK);
        q.location = NULL;
        q.origin = "FR";
        assert_int_equal(ent_stock_levels(db, &q, one_lot, lot), ENT_OK);
    }
    /* the lots of the location holding the most, a short page: the walk */
    next_page(db, (ent_levels_query){.by = ENT_BY_LOT, .location = fullest, .limit = 3});
    ent_levels_query low = {.by = ENT_BY_PRODUCT, .low = 1, .limit = 20};
    assert_int_equal(ent_stock_levels(db, &low, one_lot, lot), ENT_OK);
    next_page(db, (ent_levels_query){.by = ENT_BY_PRODUCT, .low = 1, .limit = 3});
    ent_levels_query exp = {.by = ENT_BY_LOT, .expiring_before = "2026-12-31", .limit = 100};
    assert_int_equal(ent_stock_levels(db, &exp, one_lot, lot), ENT_OK);
    next_page(db, (ent_levels_query){.by = ENT_BY_LOT, .expiring_before = "2026-12-31", .limit = 3});
    /* the lots without an expiry come last: a page key among them */
    next_page(db, (ent_levels_query){.by = ENT_BY_LOT, .limit = 100000});
    next_page(db, (ent_levels_query){.by = ENT_BY_PRODUCT, .origin = "FR", .limit = 3});
    assert_int_equal(ent_stock_history(db, gtin, 50, (ent_move_cb)count_row, &n), ENT_OK);
    assert_int_equal(ent_product_each(db, NULL, NULL, 5, (ent_product_cb)count_row, &n), ENT_OK);
    /* product list --origin: a rare origin (none here) must not walk the catalogue */
    assert_int_equal(ent_product_each(db, NULL, "AQ", 5, (ent_product_cb)count_row, &n), ENT_OK);
    assert_int_equal(ent_product_each(db, "橄榄", NULL, 20, (ent_product_cb)count_row, &n), ENT_OK);
    assert_int_equal(ent_product_each(db, "gl", NULL, 20, (ent_product_cb)count_row, &n), ENT_OK);
    /* The scan of a GTIN with its lot, as the counter and the server resolve it. */
    char code[96];
    snprintf(code, sizeof code, "]C101%s10%s", gtin, gtin_lot);
    ent_scan_config cfg;
    ent_scan *s = calloc(1, sizeof *s);
    ent_scan_match *m = NULL;
    assert_non_null(s);
    assert_int_equal(ent_scan_config_load(db, &cfg), ENT_OK);
    if (ent_scan_parse(s, code, strlen(code), &cfg) != ENT_OK)
        fail_msg("scan %s: %s", code, ent_error_last()->message);
    if (ent_scan_resolve(db, &m, s) != ENT_OK)
        fail_msg("resolve %s: %s", code, ent_errmsg(db));
    ent_scan_match_free(m);
    ent_scan_ids ids; /* the counter's lean resolve */
    if (ent_scan_resolve_ids(db, &ids, s) != ENT_OK)
        fail_msg("lean resolve %s: %s", code, ent_errmsg(db));
    assert_true(ids.lot_id != 0);
    free(s);
}

/* sqlite_stat1 as ANALYZE writes it, with the row counts of the large
 * tables scaled to the 1M demo (the selectivities stay as measured). */
static void stats_like_1m(sqlite3 *raw)
{
    assert_int_equal(sqlite3_exec(raw, "ANALYZE", NULL, NULL, NULL), SQLITE_OK);
    char *err = NULL;
    int rc = sqlite3_exec(raw,
                          "UPDATE sqlite_stat1 SET stat = (CAST(stat AS INTEGER) * 2000) || "
                          "substr(stat, length(CAST(CAST(stat AS INTEGER) AS TEXT)) + 1) "
                          "WHERE tbl IN ('product', 'product_barcode', 'product_key', 'product_key_list', 'lot', 'stock_balance', "
                          "'stock_move', 'stock_sum_product', 'stock_sum_lot', 'stock_sum_product_origin'); "
                          "ANALYZE sqlite_schema",
                          NULL, NULL, &err);
    if (rc != SQLITE_OK)
        fail_msg("statistics: %s", err);
}

static void plans_of_interactive_paths(void **state)
{
    ent_db *db = *state;
    ent_demo_options opt = {.seed = 21, .commodities = 500, .today = "2026-11-30"};
    ent_demo_stats stats;
    assert_int_equal(ent_demo_fill(db, &stats, &opt), ENT_OK);
    char gtin[ENT_GTIN_SIZE] = "", loc[32] = "", lot[32] = "";
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db->sql,
                                        "SELECT p.gtin, (SELECT code FROM location WHERE id = b.location_id), "
                                        "       (SELECT code FROM lot WHERE id = b.lot_id) "
                                        "FROM stock_balance b JOIN product p ON p.id = b.product_id "
                                        "WHERE b.qty > 0 ORDER BY p.id LIMIT 1",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(gtin, sizeof gtin, "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(loc, sizeof loc, "%s", (const char *)sqlite3_column_text(st, 1));
    snprintf(lot, sizeof lot, "%s", (const char *)sqlite3_column_text(st, 2));
    sqlite3_finalize(st);
    char fullest[32] = "";
    assert_int_equal(sqlite3_prepare_v2(db->sql,
                                        "SELECT l.code FROM stock_sum_location s JOIN location l ON l.id = s.location_id "
                                        "ORDER BY s.lots DESC LIMIT 1",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(fullest, sizeof fullest, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);

    sqlite3_trace_v2(db->sql, SQLITE_TRACE_STMT, collect, NULL);
    run_paths(db, gtin, loc, lot, fullest);
    sqlite3_trace_v2(db->sql, 0, NULL, NULL);
    /* Enough statements seen that the hook works: levels alone runs several. */
    assert_true(nseen >= 10);

    int bad = check_plans(db->sql, "no statistics");
    stats_like_1m(db->sql);
    bad += check_plans(db->sql, "statistics of the 1M demo");
    for (int i = 0; i < nseen; i++)
        free(seen[i]);
    nseen = 0;
    if (bad)
        fail_msg("%d full scans of large tables on interactive paths (listed above)", bad);
}

/* The checker itself: a scan of the balances by an alias is caught. */
static void a_scan_is_caught(void **state)
{
    ent_db *db = *state;
    seen[0] = strdup("SELECT SUM(b.qty) FROM stock_balance b WHERE b.qty > 0");
    seen[1] = strdup("SELECT count(*) FROM lot AS l WHERE l.code = 'x'");
    nseen = 2;
    assert_int_equal(check_plans(db->sql, "self-test"), 2);
    free(seen[0]);
    free(seen[1]);
    nseen = 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_scan_is_caught, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(plans_of_interactive_paths, test_db_setup, test_db_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
