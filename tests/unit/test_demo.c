/* demo module: determinism, valid codes, coverage of countries, expiry and
 * low stock, refusal of a database in use, bad options. */
#include "testutil.h"

#define TODAY "2026-06-15"

/* Databases of one test: demo_<pid>_<n>.db, removed afterwards. */
static char paths[4][64];

static void remove_db(const char *p)
{
    char q[96];
    unlink(p);
    snprintf(q, sizeof q, "%.80s-wal", p);
    unlink(q);
    snprintf(q, sizeof q, "%.80s-shm", p);
    unlink(q);
}

static int setup(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++) {
        snprintf(paths[i], sizeof paths[i], "demo_%d_%d.db", (int)getpid(), i);
        remove_db(paths[i]);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++)
        remove_db(paths[i]);
    return 0;
}

static ent_db *open_new(int i)
{
    ent_db *db = NULL;
    assert_int_equal(ent_db_open(&db, paths[i], ENT_OPEN_CREATE), ENT_OK);
    return db;
}

static ent_demo_options options(uint64_t seed, int64_t n)
{
    ent_demo_options o = {0};
    o.seed = seed;
    o.commodities = n;
    o.today = TODAY;
    return o;
}

/* ---- digests ------------------------------------------------------------ */

static void fnv(uint64_t *h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        *h ^= p[i];
        *h *= 0x100000001b3ULL;
    }
}

static void fnv_str(uint64_t *h, const char *s)
{
    fnv(h, s ? s : "(null)", strlen(s ? s : "(null)") + 1);
}

static int hash_level(const ent_level *row, void *ud)
{
    uint64_t *h = ud;
    const char *keys[] = {row->gtin, row->lot, row->expiry, row->declaration, row->origin, row->cost_currency};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        fnv_str(h, keys[i]);
    fnv(h, &row->qty, sizeof row->qty);
    fnv(h, &row->value, sizeof row->value);
    return 0;
}

/* A digest of what the demo decided: the catalogue as exported (no
 * timestamps in it) and every lot's keys, quantity and cost value. */
static uint64_t digest(ent_db *db)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(ent_product_export_csv(db, f), ENT_OK);
    fclose(f);
    assert_true(len > 1000);
    fnv(&h, buf, len);
    free(buf);
    ent_levels_query q = {0};
    q.by = ENT_BY_LOT;
    assert_int_equal(ent_stock_levels(db, &q, hash_level, &h), ENT_OK);
    return h;
}

/* ---- counting helpers --------------------------------------------------- */

static int count_level(const ent_level *row, void *ud)
{
    (void)row;
    (*(int64_t *)ud)++;
    return 0;
}

static int64_t levels(ent_db *db, enum ent_levels_by by, int low, const char *expiring_before)
{
    int64_t n = 0;
    ent_levels_query q = {0};
    q.by = by;
    q.low = low;
    q.expiring_before = expiring_before;
    assert_int_equal(ent_stock_levels(db, &q, count_level, &n), ENT_OK);
    return n;
}

struct origins {
    ent_db *db;
    int64_t lots, other_origin, foreign_cost;
};

static int count_origin(const ent_level *row, void *ud)
{
    struct origins *o = ud;
    ent_product *p = NULL;
    assert_int_equal(ent_product_find(o->db, &p, NULL, row->gtin), ENT_OK);
    o->lots++;
    o->other_origin += strcmp(p->origin, row->origin) != 0;
    o->foreign_cost += row->cost_currency && strcmp(row->cost_currency, "CNY") != 0;
    ent_product_free(p);
    return 0;
}

struct codes {
    int64_t products, bad, barcodes;
    ent_db *db;
};

static int check_barcode(const char *barcode, int64_t qty, void *ud)
{
    struct codes *c = ud;
    char norm[15];
    c->barcodes++;
    if (ent_gtin_normalize(norm, barcode) != ENT_OK || strcmp(norm, barcode) != 0 || barcode[0] == '0' ||
        (qty != 12 && qty != 24))
        c->bad++;
    return 0;
}

static int check_product(const ent_product *p, void *ud)
{
    struct codes *c = ud;
    char norm[15];
    c->products++;
    /* Every commodity has a GTIN-13 (stored as 14 digits with a leading 0)
     * whose check digit holds. */
    if (strlen(p->gtin) != 14 || p->gtin[0] != '0' || ent_gtin_normalize(norm, p->gtin + 1) != ENT_OK ||
        ent_gs1_check_digit(p->gtin + 1, 12) != p->gtin[13])
        c->bad++;
    if (!p->name_zh || !p->name_en || !p->importer || !strstr(p->importer, "电话：021-") || strlen(p->hs_code) != 6 ||
        p->price <= 0 || (p->tax_rate != 1300 && p->tax_rate != 900) || !p->origin[0])
        c->bad++;
    return 0;
}

static int check_barcodes_of(const ent_product *p, void *ud)
{
    struct codes *c = ud;
    return ent_product_barcodes(c->db, p->gtin, check_barcode, c);
}

static int64_t products(ent_db *db)
{
    struct codes c = {0};
    assert_int_equal(ent_product_each(db, NULL, NULL, 0, check_product, &c), ENT_OK);
    return c.products;
}

/* ---- tests -------------------------------------------------------------- */

static void same_seed_same_centre(void **state)
{
    (void)state;
    ent_demo_stats s1, s2, s3;
    ent_demo_options o = options(42, 300);
    ent_db *a = open_new(0), *b = open_new(1), *c = open_new(2);
    assert_int_equal(ent_demo_fill(a, &s1, &o), ENT_OK);
    assert_int_equal(ent_demo_fill(b, &s2, &o), ENT_OK);
    o.seed = 43;
    assert_int_equal(ent_demo_fill(c, &s3, &o), ENT_OK);
    assert_memory_equal(&s1, &s2, sizeof s1);
    uint64_t da = digest(a), db = digest(b), dc = digest(c);
    assert_true(da == db);
    assert_true(da != dc);
    assert_int_equal(s1.commodities, 300);
    assert_int_equal(s3.commodities, 300);
    ent_db_close(a);
    ent_db_close(b);
    ent_db_close(c);
}

static void codes_are_valid_and_fields_filled(void **state)
{
    (void)state;
    ent_demo_stats s;
    ent_demo_options o = options(5, 1000);
    ent_db *db = open_new(0);
    assert_int_equal(ent_demo_fill(db, &s, &o), ENT_OK);
    struct codes c = {0};
    c.db = db;
    assert_int_equal(ent_product_each(db, NULL, NULL, 0, check_product, &c), ENT_OK);
    assert_int_equal(ent_product_each(db, NULL, NULL, 0, check_barcodes_of, &c), ENT_OK);
    assert_int_equal(c.bad, 0);
    assert_true(c.products >= 1000);
    assert_int_equal(c.barcodes, s.case_barcodes);
    assert_true(s.case_barcodes > 0);
    assert_true(s.skus > 0);
    /* The sample the tour names is there, and its search word finds it. */
    ent_product *p = NULL;
    assert_int_equal(ent_product_find(db, &p, NULL, s.sample_gtin), ENT_OK);
    assert_non_null(strstr(p->name_zh, s.sample_search));
    ent_product_free(p);
    ent_db_close(db);
}

static void default_size_is_a_whole_centre(void **state)
{
    (void)state;
    ent_demo_stats s;
    ent_demo_options o = options(1, 0);
    ent_db *db = open_new(0);
    assert_int_equal(ent_demo_fill(db, &s, &o), ENT_OK);
    assert_string_equal(s.today, TODAY);
    assert_int_equal(s.commodities, ENT_DEMO_DEFAULT_COMMODITIES);
    assert_int_equal(products(db), ENT_DEMO_DEFAULT_COMMODITIES);
    /* 80 countries and regions at least, as the lots' origins show them. */
    assert_true(s.countries >= 80);
    assert_int_equal(levels(db, ENT_BY_ORIGIN, 0, NULL) >= 80, 1);
    /* About two lots a commodity, some costed abroad, some in bond or held. */
    assert_true(s.lots >= 18 * s.commodities / 10 && s.lots <= 22 * s.commodities / 10);
    assert_true(s.foreign_cost_lots > 0 && s.bonded_lots > 0 && s.quarantine_lots > 0);
    /* Some commodities also arrive from a second country; the lot says which. */
    struct origins seen = {db, 0, 0, 0};
    ent_levels_query q = {0};
    q.by = ENT_BY_LOT;
    assert_int_equal(ent_stock_levels(db, &q, count_origin, &seen), ENT_OK);
    assert_true(seen.other_origin > 0 && seen.other_origin < seen.lots / 10);
    assert_true(seen.foreign_cost > 0);
    /* Some expired, some expiring within 30 days, as stock levels sees them. */
    int64_t expired = levels(db, ENT_BY_LOT, 0, "2026-06-14");
    int64_t within30 = levels(db, ENT_BY_LOT, 0, "2026-07-15");
    assert_true(expired > 0);
    assert_true(within30 > expired);
    assert_true(s.expired_lots > 0 && s.expiring_lots > 0);
    /* Some commodities below their reorder point, counted as the report does. */
    assert_true(s.low_stock > 0);
    assert_int_equal(levels(db, ENT_BY_PRODUCT, 1, NULL), s.low_stock);
    assert_int_equal(ent_db_check(db, NULL, NULL), ENT_OK);
    ent_db_close(db);
}

static void refuses_a_database_in_use(void **state)
{
    (void)state;
    ent_demo_stats s;
    ent_demo_options o = options(3, 50);
    ent_db *db = open_new(0);
    assert_int_equal(ent_demo_fill(db, &s, &o), ENT_OK);
    uint64_t before = digest(db);
    memset(&s, 0x55, sizeof s);
    o.seed = 4;
    EXPECT_ROW(0, db, ent_demo_fill(db, &s, &o), ENT_EXISTS,
               "this database already has commodities; the demo fills only a new one");
    assert_int_equal(ent_errhint(db), ENT_HINT_NEW_DATABASE);
    assert_true(digest(db) == before);
    assert_int_equal(products(db), 50);
    ent_db_close(db);
}

static void keeps_an_existing_store(void **state)
{
    (void)state;
    ent_demo_stats s;
    ent_store *store = NULL;
    ent_demo_options o = options(9, 20);
    ent_db *db = open_new(0);
    assert_int_equal(ent_store_init(db, "BJ02", "北京进口商品直营店", "CNY", "Asia/Shanghai"), ENT_OK);
    o.store_code = "XX99"; /* ignored: the database has its store */
    assert_int_equal(ent_demo_fill(db, &s, &o), ENT_OK);
    assert_int_equal(ent_store_get(db, &store), ENT_OK);
    assert_string_equal(store->code, "BJ02");
    ent_store_free(store);
    assert_int_equal(s.commodities, 20);
    ent_db_close(db);

    /* A new database gets the default store, or the one asked for. */
    db = open_new(1);
    o.store_code = "SH09";
    o.store_name = "浦东进口商品中心";
    assert_int_equal(ent_demo_fill(db, &s, &o), ENT_OK);
    assert_int_equal(ent_store_get(db, &store), ENT_OK);
    assert_string_equal(store->code, "SH09");
    assert_string_equal(store->name, "浦东进口商品中心");
    ent_store_free(store);
    ent_db_close(db);
}

static void bad_options_change_nothing(void **state)
{
    (void)state;
    static const struct {
        int64_t commodities;
        const char *today, *store, *currency;
        int rc;
        const char *msg;
    } rows[] = {
        /* 0 */ {-1, TODAY, NULL, NULL, ENT_INVALID, "commodities -1: the demo makes from 1 to 10000000"},
        /* 1 */ {10000001, TODAY, NULL, NULL, ENT_INVALID, "commodities 10000001: the demo makes from 1 to 10000000"},
        /* 2 */ {10, "2026-02-30", NULL, NULL, ENT_INVALID,
                 "today '2026-02-30' is not a date: February 2026 has no day 30 (it has 28 days)"},
        /* 3 */ {10, "15/06/2026", NULL, NULL, ENT_INVALID, "today '15/06/2026' is not a date in the form YYYY-MM-DD"},
        /* 4 */ {10, TODAY, "", NULL, ENT_INVALID, "demo: store code is required"},
        /* 5 */ {10, TODAY, NULL, "XXX", ENT_INVALID, "demo: currency 'XXX' is not an ISO 4217 code"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        ent_demo_stats s;
        ent_store *store = NULL;
        ent_demo_options o = options(1, rows[i].commodities);
        o.today = rows[i].today;
        o.store_code = rows[i].store;
        o.currency = rows[i].currency;
        ent_db *db = open_new(0);
        EXPECT_ROW(i, db, ent_demo_fill(db, &s, &o), rows[i].rc, rows[i].msg);
        /* Nothing was written: no store, no commodity. */
        assert_int_equal(ent_store_get(db, &store), ENT_NOTFOUND);
        assert_int_equal(products(db), 0);
        ent_db_close(db);
        remove_db(paths[0]);
    }
}

static void one_commodity(void **state)
{
    (void)state;
    ent_demo_stats s;
    ent_demo_options o = options(11, 1);
    ent_db *db = open_new(0);
    assert_int_equal(ent_demo_fill(db, &s, &o), ENT_OK);
    assert_int_equal(s.commodities, 1);
    assert_int_equal(s.countries >= 1, 1);
    assert_int_equal(products(db), 1);
    assert_int_equal(ent_db_check(db, NULL, NULL), ENT_OK);
    ent_db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(same_seed_same_centre, setup, teardown),
        cmocka_unit_test_setup_teardown(codes_are_valid_and_fields_filled, setup, teardown),
        cmocka_unit_test_setup_teardown(default_size_is_a_whole_centre, setup, teardown),
        cmocka_unit_test_setup_teardown(refuses_a_database_in_use, setup, teardown),
        cmocka_unit_test_setup_teardown(keeps_an_existing_store, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_options_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(one_commodity, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
