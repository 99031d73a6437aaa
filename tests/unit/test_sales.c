/* sales module: the basket, checkout in one transaction, refusals, returns,
 * receipts, and 8 processes selling the same commodity. */
#define _GNU_SOURCE /* memmem */
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "schema.h"
#include "testutil.h"
#include "internal.h"

static char dir[64], key_path[128];

#define NUTELLA "3017620422003"
#define PEN "4006381333931"
#define COLA "5000112548167"
#define EXPIRED "4901234567894"
#define HELD "8712345678906"

/* A store with commodities, a shelf per counter, a back room, quarantine,
 * bonded and returns locations, stock, and a started journal. */
static int setup(void **state)
{
    if (test_db_setup(state) != 0)
        return -1;
    ent_db *db = *state;
    entx_clock_set("2026-11-28T06:00:00Z"); /* 14:00 in Shanghai */
    snprintf(dir, sizeof dir, "/tmp/ent_sales_XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(key_path, sizeof key_path, "%s/journal.pem", dir);
    static const struct {
        const char *gtin, *zh, *en, *origin, *price, *tax, *unit;
    } products[] = {
        {NUTELLA, "榛子可可酱", "Hazelnut spread", "IT", "39.90", "13", NULL},
        {PEN, NULL, "Pen", "DE", "8.50", "13", NULL},
        {COLA, "可口可乐", "Coca-Cola", "GB", "3.50", "9", NULL},
        {EXPIRED, "抹茶", "Matcha", "JP", "25.00", "13", NULL},
        {HELD, "奶酪", "Gouda", "NL", "60.00", "9", NULL},
    };
    for (size_t i = 0; i < sizeof products / sizeof *products; i++) {
        ent_product_fields f = {0};
        f.gtin = products[i].gtin;
        f.name_zh = products[i].zh;
        f.name_en = products[i].en;
        f.origin = products[i].origin;
        f.price = products[i].price;
        f.tax_rate = products[i].tax;
        if (ent_product_add(db, &f) != ENT_OK) {
            fprintf(stderr, "product: %s\n", ent_errmsg(db));
            return -1;
        }
    }
    static const char *const locs[][2] = {{"S1", "shelf"},  {"S2", "shelf"},   {"B-01", "backroom"},
                                           {"Q-1", "quarantine"}, {"BD-1", "bonded"}, {"R-1", "returns"}};
    for (size_t i = 0; i < 6; i++)
        if (ent_location_add(db, locs[i][0], locs[i][1], NULL) != ENT_OK) {
            fprintf(stderr, "location: %s\n", ent_errmsg(db));
            return -1;
        }
    static const struct {
        const char *product, *lot, *origin, *expiry, *loc;
        int64_t qty;
    } stock[] = {
        {NUTELLA, "N-LATE", "IT", "2027-06-30", "S1", 5},  {NUTELLA, "N-EARLY", "PL", "2027-01-31", "S2", 3},
        {PEN, "P1", "DE", NULL, "S1", 10},                  {COLA, "C1", "GB", "2027-03-01", "B-01", 24},
        {EXPIRED, "M-OLD", "JP", "2026-11-01", "S1", 4},    {HELD, "G1", "NL", "2027-02-01", "Q-1", 6},
    };
    for (size_t i = 0; i < sizeof stock / sizeof *stock; i++) {
        ent_receive r = {0};
        r.product = stock[i].product;
        r.lot = stock[i].lot;
        r.origin = stock[i].origin;
        r.expiry = stock[i].expiry;
        r.import_date = "2026-10-01";
        r.location = stock[i].loc;
        r.qty = stock[i].qty;
        r.unit_cost = -1;
        if (ent_stock_receive(db, NULL, &r) != ENT_OK) {
            fprintf(stderr, "receive: %s\n", ent_errmsg(db));
            return -1;
        }
    }
    char id[65];
    if (ent_journal_start(db, id, key_path, NULL) != ENT_OK) {
        fprintf(stderr, "journal: %s\n", ent_errmsg(db));
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    char cmd[160];
    test_db_teardown(state);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static ent_journal *open_journal(ent_db *db, const char *counter)
{
    ent_journal *j = NULL;
    ent_journal_open_opts o = {.counter = counter, .key_path = key_path};
    if (ent_journal_open(&j, db, &o) != ENT_OK)
        fail_msg("journal open: %s", ent_errmsg(db));
    return j;
}

static int64_t scalar(const char *sql)
{
    sqlite3 *raw;
    sqlite3_stmt *st;
    int64_t v = -1;
    sqlite3_open(test_db_path, &raw);
    sqlite3_busy_timeout(raw, 5000);
    if (sqlite3_prepare_v2(raw, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(raw));
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(raw);
    return v;
}

static int64_t on_hand(const char *gtin)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT COALESCE(SUM(b.qty), 0) FROM stock_balance b JOIN product p ON p.id = "
                              "b.product_id WHERE p.gtin = '0%s'", gtin);
    return scalar(sql);
}

/* Everything a refusal must leave alone. */
static int64_t fingerprint(void)
{
    return scalar("SELECT (SELECT count(*) FROM stock_move) * 1000000 + (SELECT count(*) FROM journal) * 1000 + "
                  "(SELECT count(*) FROM sale) + (SELECT COALESCE(SUM(qty), 0) FROM stock_balance) * 7");
}

/* ---- tax ---------------------------------------------------------------- */

static void tax_rows(void **state)
{
    ent_db *db = *state;
    ent_basket *b = NULL;
    static const struct {
        const char *code;
        int64_t qty, amount, tax;
    } rows[] = {
        /* 0 */ {NUTELLA, 1, 3990, 459}, /* 3990 x 1300 / 11300 = 459.02 */
        /* 1 */ {COLA, 3, 1050, 87},     /* 1050 x 900 / 10900 = 86.70 -> 87 */
        /* 2 */ {PEN, 2, 1700, 196},     /* 1700 x 1300 / 11300 = 195.58 -> 196 */
    };
    assert_int_equal(ent_basket_new(db, &b, "C1", "王芳", "S1"), ENT_OK);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        size_t line = 0;
        EXPECT_ROW(i, db, ent_basket_scan(b, &line, rows[i].code, rows[i].qty), ENT_OK, "");
        const ent_basket_line *l = ent_basket_line_at(b, line);
        if (l->amount != rows[i].amount || l->tax != rows[i].tax)
            fail_msg("row %zu: amount %lld tax %lld", i, (long long)l->amount, (long long)l->tax);
    }
    ent_basket_free(b);
}

/* ---- refusals at the scan ----------------------------------------------- */

static void scan_rows(void **state)
{
    ent_db *db = *state;
    ent_basket *b = NULL;
    static const struct {
        const char *code;
        int64_t qty;
        int rc;
        const char *msg;
    } rows[] = {
        /* 0 */ {"9999", 1, ENT_NOTFOUND, "no commodity has the code '9999'"},
        /* 1 */ {"4006381333932", 1, ENT_INVALID, "GTIN 4006381333932: check digit should be 1"},
        /* 2 */ {EXPIRED, 1, ENT_EXPIRED, "04901234567894 抹茶: lot M-OLD expired on 2026-11-01 and cannot be sold"},
        /* 3 */ {HELD, 1, ENT_REFUSED, "08712345678906 奶酪: lot G1 is only in quarantine (Q-1) and cannot be sold"},
        /* 4 */ {PEN, 11, ENT_NOSTOCK, "not enough stock: 04006381333931 Pen has 10 on hand for sale, 11 asked"},
        /* 5 */ {"(01)03017620422003(10)NOPE", 1, ENT_NOTFOUND, "03017620422003 榛子可可酱 has no lot 'NOPE'"},
        /* 6 */ {"(01)03017620422003(10)N-EARLY", 4, ENT_NOSTOCK,
                 "not enough stock: 03017620422003 榛子可可酱 lot N-EARLY has 3 on hand for sale, 4 asked"},
        /* 7 */ {PEN, 10, ENT_OK, ""},
        /* 8 */ {PEN, 1, ENT_NOSTOCK, "not enough stock: 04006381333931 Pen has 10 on hand for sale, 11 asked"},
        /* 9 */ {"", 1, ENT_INVALID, "no code given"},
    };
    assert_int_equal(ent_basket_new(db, &b, "C1", "王芳", "S1"), ENT_OK);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        size_t before = ent_basket_count(b);
        int rc = ent_basket_scan(b, NULL, rows[i].code, rows[i].qty);
        if (rc != rows[i].rc || strncmp(ent_errmsg(db), rows[i].msg, strlen(rows[i].msg)) != 0)
            fail_msg("row %zu: got %d '%s', want %d '%s'", i, rc, ent_errmsg(db), rows[i].rc, rows[i].msg);
        if (rc != ENT_OK && ent_basket_count(b) != before)
            fail_msg("row %zu: the basket changed on a refusal", i);
        /* the refusal's facts (ent_errfacts), for a front end's own words */
        ent_facts f;
        ent_errfacts(db, &f);
        if (i == 2 && (f.code != ENT_EXPIRED || strcmp(f.lot, "M-OLD") != 0 || strcmp(f.expiry, "2026-11-01") != 0 ||
                       strcmp(f.product, "04901234567894") != 0 || strcmp(f.name, "抹茶") != 0))
            fail_msg("row 2's facts: %d %s %s %s %s", f.code, f.product, f.name, f.lot, f.expiry);
        if (i == 3 && (f.code != ENT_REFUSED || strcmp(f.lot, "G1") != 0))
            fail_msg("row 3's facts: %d %s", f.code, f.lot);
        if ((i == 4 || i == 8) && (f.code != ENT_NOSTOCK || f.on_hand != 10 || f.asked != 11 || f.lot[0]))
            fail_msg("row %zu's facts: %d %lld %lld", i, f.code, (long long)f.on_hand, (long long)f.asked);
        if (i == 6 && (f.on_hand != 3 || f.asked != 4 || strcmp(f.lot, "N-EARLY") != 0))
            fail_msg("row 6's facts: %lld %lld %s", (long long)f.on_hand, (long long)f.asked, f.lot);
        if ((i == 0 || i == 1 || i == 7) && (f.code != ENT_OK || f.on_hand != -1 || f.lot[0]))
            fail_msg("row %zu: facts without a refusal of goods: %d", i, f.code);
    }
    assert_int_equal(ent_basket_count(b), 1);
    ent_basket_free(b);
}

/* ---- payments held on a kept basket (schema 22) ------------------------- */

static void basket_payments_kept(void **state)
{
    ent_db *db = *state;
    ent_basket *b = NULL;
    ent_basket_owner o = {0};
    ent_basket_payment p[4];
    size_t n = 9;
    snprintf(o.cashier, sizeof o.cashier, "王芳");
    assert_int_equal(ent_basket_payment_add(db, "C9", "cash", 100), ENT_NOTFOUND); /* no basket kept */
    assert_int_equal(ent_basket_new(db, &b, "C9", "王芳", NULL), ENT_OK);
    assert_int_equal(ent_basket_save(b, &o), ENT_OK);
    assert_int_equal(ent_basket_payment_add(db, "C9", "cheque", 100), ENT_INVALID);
    assert_int_equal(ent_basket_payment_add(db, "C9", "cash", -1), ENT_INVALID);
    assert_int_equal(ent_basket_payment_add(db, "C 9", "cash", 1), ENT_INVALID);
    assert_int_equal(ent_basket_payments_get(db, p, &n, 4, "C9"), ENT_OK);
    assert_int_equal(n, 0);
    assert_int_equal(ent_user_act_as(db, "李收银"), ENT_OK); /* who adds them is recorded */
    assert_int_equal(ent_basket_payment_add(db, "C9", "cash", 500), ENT_OK);
    assert_int_equal(ent_basket_payment_add(db, "C9", "card", 0), ENT_OK);
    assert_int_equal(ent_basket_payments_get(db, p, &n, 4, "C9"), ENT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(p[0].method, "cash");
    assert_int_equal(p[0].amount, 500);
    assert_string_equal(p[0].added_by, "李收银");
    assert_string_equal(p[1].method, "card");
    assert_int_equal(p[1].amount, 0);
    assert_int_equal(ent_basket_payments_get(db, p, &n, 1, "C9"), ENT_INVALID);
    assert_int_equal(ent_basket_payment_drop(db, "C9", 3), ENT_NOTFOUND);
    assert_int_equal(ent_basket_payment_drop(db, "C9", 0), ENT_NOTFOUND);
    assert_int_equal(ent_basket_payment_drop(db, "C9", 1), ENT_OK); /* the cash: the card is the first now */
    assert_int_equal(ent_basket_payments_get(db, p, &n, 4, "C9"), ENT_OK);
    assert_int_equal(n, 1);
    assert_string_equal(p[0].method, "card");
    assert_int_equal(ent_basket_forget(db, "C9"), ENT_OK); /* an abandoned basket's payments go with it */
    assert_int_equal(ent_basket_payments_get(db, p, &n, 4, "C9"), ENT_OK);
    assert_int_equal(n, 0);
    ent_basket_free(b);
}

/* ---- editing the basket ------------------------------------------------- */

static void basket_edits(void **state)
{
    ent_db *db = *state;
    ent_basket *b = NULL;
    ent_basket_totals t;
    assert_int_equal(ent_basket_new(db, &b, "C1", "王芳", "S1"), ENT_OK);
    assert_int_equal(ent_basket_scan(b, NULL, COLA, 0), ENT_OK);
    assert_int_equal(ent_basket_scan(b, NULL, COLA, 0), ENT_OK); /* joins line 1 */
    assert_int_equal(ent_basket_count(b), 1);
    assert_int_equal(ent_basket_line_at(b, 1)->qty, 2);
    assert_int_equal(ent_basket_scan(b, NULL, PEN, 0), ENT_OK);
    assert_int_equal(ent_basket_set_qty(b, 0, 4), ENT_OK);
    assert_int_equal(ent_basket_line_at(b, 2)->amount, 3400);
    EXPECT_ROW(0, db, ent_basket_set_qty(b, 2, 11), ENT_NOSTOCK,
               "not enough stock: 04006381333931 Pen has 10 on hand for sale, 11 asked");
    assert_int_equal(ent_basket_line_at(b, 2)->qty, 4);
    EXPECT_ROW(1, db, ent_basket_set_price(b, 2, 700, ""), ENT_INVALID, "a price change needs a reason");
    EXPECT_ROW(2, db, ent_basket_set_price(b, 2, 700, "damaged box"), ENT_OK, "");
    assert_int_equal(ent_basket_line_at(b, 2)->amount, 2800);
    EXPECT_ROW(3, db, ent_basket_discount(b, 1, -1, 1000, "member"), ENT_OK, "");
    assert_int_equal(ent_basket_line_at(b, 1)->amount, 630);
    EXPECT_ROW(4, db, ent_basket_discount(b, 1, 800, 0, "x"), ENT_INVALID, "a discount of 8.00 is more than the line's 7.00");
    EXPECT_ROW(5, db, ent_basket_remove(b, 3), ENT_INVALID, "there is no line 3: the basket has 2");
    ent_basket_totals_get(b, &t);
    assert_int_equal(t.total, 3430);
    EXPECT_ROW(6, db, ent_basket_pay(b, "card", 5000), ENT_INVALID,
               "card cannot pay 50.00 when 34.30 is due: only cash gives change");
    EXPECT_ROW(7, db, ent_basket_pay(b, "cheque", 0), ENT_INVALID, "payment method 'cheque' must be cash, card or wallet");
    assert_int_equal(ent_basket_remove(b, 0), ENT_OK);
    assert_int_equal(ent_basket_count(b), 1);
    int64_t before = fingerprint();
    ent_basket_clear(b); /* cancel: no trace */
    assert_int_equal(ent_basket_count(b), 0);
    assert_int_equal(fingerprint(), before);
    ent_basket_free(b);
}

/* ---- bounds ------------------------------------------------------------- */

static void bounds(void **state)
{
    ent_db *db = *state;
    ent_basket *b = NULL;
    /* A case of 24 colas, and one said to hold 2^63-1. */
    assert_int_equal(ent_product_barcode_add(db, COLA, "15000112548164", 24), ENT_OK);
    int huge_case = ent_product_barcode_add(db, COLA, "25000112548161", INT64_MAX) == ENT_OK;
    assert_int_equal(ent_basket_new(db, &b, "C1", "王芳", "S1"), ENT_OK);
    static const struct {
        const char *code;
        int64_t qty;
        int rc;
        const char *msg;
    } rows[] = {
        /* 0: a count of 0 sold one unit */
        {"(01)05000112548167(30)0", 0, ENT_INVALID,
         "可口可乐: the scan counts 0 items (AI 30/37), which is nothing to sell or move"},
        /* 1 */
        {"(01)15000112548164(30)100000", 0, ENT_INVALID,
         "可口可乐: 2400000 pcs is more than one sale line may hold (at most 100000 pcs)"},
        /* 2 */
        {COLA, 100001, ENT_INVALID,
         "可口可乐: 100001 times the code is more than one sale line may hold (at most 100000 pcs)"},
        /* 3 */ {COLA, -1, ENT_INVALID, "a quantity must be 1 or more, not -1"},
        /* 4 */
        {COLA, INT64_MAX, ENT_INVALID,
         "a quantity of 9223372036854775807 is more than one sale line may hold (at most 100000 pieces, or "
         "1000000 g or ml)"},
        /* 5 */
        {"15000112548164", 5000, ENT_INVALID,
         "可口可乐: 5000 times the code is more than one sale line may hold (at most 100000 pcs)"},
        /* 6 */
        {"(01)15000112548164(30)1", 0, ENT_NOSTOCK,
         "not enough stock: 05000112548167 可口可乐 has 24 on hand for sale, 48 asked"},
    };
    assert_int_equal(ent_basket_scan(b, NULL, COLA, 24), ENT_OK); /* all there is */
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        EXPECT_ROW(i, db, ent_basket_scan(b, NULL, rows[i].code, rows[i].qty), rows[i].rc, rows[i].msg);
    if (huge_case) /* the catalogue may refuse such a case; if it takes it, a count never wraps */
        EXPECT_ROW(7, db, ent_basket_scan(b, NULL, "(01)25000112548161(30)2", 0), ENT_INVALID,
                   "可口可乐: a count of 2 cases of 9223372036854775807 units is more than can be counted");
    assert_int_equal(ent_basket_count(b), 1);
    assert_int_equal(ent_basket_line_at(b, 1)->qty, 24);
    EXPECT_ROW(8, db, ent_basket_set_qty(b, 1, INT64_MAX), ENT_INVALID,
               "可口可乐: 9223372036854775807 pcs is more than one sale line may hold (at most 100000 pcs)");
    EXPECT_ROW(9, db, ent_basket_set_qty(b, 1, 0), ENT_INVALID,
               "a quantity must be 1 or more, not 0 (remove the line instead)");
    EXPECT_ROW(10, db, ent_basket_set_price(b, 1, 10000000001LL, "x"), ENT_INVALID,
               "a price of 100000000.01 cannot be: a price is from 0 to 100000000.00");
    EXPECT_ROW(11, db, ent_basket_set_price(b, 1, -1, "x"), ENT_INVALID,
               "a price of -0.01 cannot be: a price is from 0 to 100000000.00");
    EXPECT_ROW(12, db, ent_basket_set_price(b, 1, 10000000000LL, "x"), ENT_OK, "");
    assert_int_equal(ent_basket_line_at(b, 1)->amount, 240000000000LL);
    EXPECT_ROW(13, db, ent_basket_pay(b, "cash", 100000000000001LL), ENT_INVALID,
               "1000000000000.01 paid in cash is more than a payment may be (at most 1000000000000.00)");
    EXPECT_ROW(14, db, ent_basket_pay(b, "cash", INT64_MAX), ENT_INVALID,
               "92233720368547758.07 paid in cash is more than a payment may be (at most 1000000000000.00)");
    EXPECT_ROW(15, db, ent_basket_pay(b, "cash", -5), ENT_INVALID, "an amount paid must be more than zero");
    EXPECT_ROW(16, db, ent_basket_discount(b, 1, INT64_MAX, 0, "x"), ENT_INVALID,
               "a discount of 92233720368547758.07 is more than the line's 2400000000.00");
    ent_basket_free(b);
}

/* A commodity priced in another currency than the store's is refused at the
 * counter, named, and the basket stays as it was: its 1200 JPY were charged
 * as 12.00 CNY. Priced in the store's currency, it sells. */
static void foreign_price(void **state)
{
    ent_db *db = *state;
    ent_basket *b = NULL;
    ent_product_fields f = {0};
    f.gtin = "4901234567900";
    f.name_zh = "清酒";
    f.origin = "JP";
    f.price = "1200";
    f.currency = "JPY";
    f.tax_rate = "13";
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    ent_receive r = {.product = "4901234567900", .lot = "SAKE1", .origin = "JP", .location = "S1", .qty = 3,
                     .unit_cost = -1, .import_date = "2026-10-01"};
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    assert_int_equal(ent_basket_new(db, &b, "C1", "王芳", "S1"), ENT_OK);
    assert_int_equal(ent_basket_scan(b, NULL, PEN, 1), ENT_OK);
    EXPECT_ROW(0, db, ent_basket_scan(b, NULL, "4901234567900", 1), ENT_REFUSED,
               "04901234567900 清酒 is priced in JPY (1200 JPY) and this store sells in CNY: give it a price in CNY "
               "first");
    assert_int_equal(ent_basket_count(b), 1);
    ent_product_fields e = {0};
    e.price = "88.00";
    e.currency = "CNY";
    assert_int_equal(ent_product_edit(db, "4901234567900", &e), ENT_OK);
    EXPECT_ROW(1, db, ent_basket_scan(b, NULL, "4901234567900", 1), ENT_OK, "");
    assert_int_equal(ent_basket_count(b), 2);
    assert_int_equal(ent_basket_line_at(b, 2)->amount, 8800);
    ent_basket_free(b);
}

/* ---- checkout ----------------------------------------------------------- */

static void checkout_fefo_split_pay(void **state)
{
    ent_db *db = *state;
    ent_basket *b = NULL;
    ent_sale *s = NULL;
    ent_journal *j = open_journal(db, "C1");
    assert_int_equal(ent_basket_new(db, &b, "C1", "王芳", "S1"), ENT_OK);
    /* 4 jars: the 3 of the early lot (on S2) first, then 1 of the late lot. */
    assert_int_equal(ent_basket_scan(b, NULL, NUTELLA, 4), ENT_OK);
    assert_string_equal(ent_basket_line_at(b, 1)->origin, "PL");
    assert_int_equal(ent_basket_scan(b, NULL, COLA, 2), ENT_OK);
    EXPECT_ROW(0, db, ent_basket_checkout(b, j, &s), ENT_INVALID, "166.60 is still due");
    assert_int_equal(ent_basket_pay(b, "card", 10000), ENT_OK);
    assert_int_equal(ent_basket_pay(b, "cash", 7000), ENT_OK);
    EXPECT_ROW(1, db, ent_basket_checkout(b, j, &s), ENT_OK, "");
    assert_non_null(s);
    assert_int_equal(ent_basket_count(b), 0);
    assert_int_equal(s->total, 16660);
    assert_int_equal(s->tax, 1836 + 58); /* 15960x13/113 = 1836.1; 700x9/109 = 57.8 */
    /* The jars came from two lots of two origins: one line each, so the
     * receipt and the report by country name both. */
    assert_int_equal(s->nlines, 3);
    assert_string_equal(s->lines[0].lot, "N-EARLY");
    assert_string_equal(s->lines[0].origin, "PL");
    assert_int_equal(s->lines[0].qty, 3);
    assert_int_equal(s->lines[0].amount, 11970);
    assert_string_equal(s->lines[1].lot, "N-LATE");
    assert_string_equal(s->lines[1].origin, "IT");
    assert_int_equal(s->lines[1].amount, 3990);
    assert_int_equal(s->npays, 2);
    assert_string_equal(s->pays[0].method, "card");
    assert_int_equal(s->pays[1].amount, 6660);
    assert_int_equal(s->pays[1].change, 340);
    assert_string_equal(s->day, "2026-11-28");
    assert_int_equal(s->hour, 14);
    assert_int_equal(on_hand(NUTELLA), 4);
    assert_int_equal(scalar("SELECT qty FROM stock_balance b JOIN lot l ON l.id = b.lot_id WHERE l.code = 'N-EARLY'"),
                     0);
    assert_int_equal(scalar("SELECT count(*) FROM journal WHERE kind = 'SALE'"), 1);
    assert_int_equal(scalar("SELECT total FROM journal WHERE kind = 'SALE'"), 16660);
    assert_int_equal(scalar("SELECT count(*) FROM stock_move WHERE kind = 'sale'"), 3);
    assert_int_equal(scalar("SELECT value FROM sale_sum_origin WHERE origin = 'PL'"), 11970);
    assert_int_equal(scalar("SELECT value FROM sale_sum_origin WHERE origin = 'IT'"), 3990);
    assert_int_equal(scalar("SELECT transactions FROM sale_sum_hour WHERE hour = 14"), 1);
    assert_int_equal(ent_journal_verify(db, NULL, NULL, NULL, NULL), ENT_OK);
    /* The receipt number finds it, and so does the UUID. */
    ent_sale *again = NULL;
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)s->receipt);
    assert_int_equal(ent_sale_get(db, &again, num), ENT_OK);
    assert_string_equal(again->uuid, s->uuid);
    ent_sale_free(again);
    assert_int_equal(ent_sale_get(db, &again, s->uuid), ENT_OK);
    ent_sale_free(again);
    ent_sale_free(s);
    ent_basket_free(b);
    ent_journal_close(j);
}

static void checkout_named_lot(void **state)
{
    ent_db *db = *state;
    ent_basket *b = NULL;
    ent_sale *s = NULL;
    ent_journal *j = open_journal(db, "C1");
    assert_int_equal(ent_basket_new(db, &b, "C1", "王芳", NULL), ENT_OK);
    assert_int_equal(ent_basket_scan(b, NULL, "(01)03017620422003(10)N-LATE", 2), ENT_OK);
    assert_string_equal(ent_basket_line_at(b, 1)->origin, "IT");
    assert_int_equal(ent_basket_pay(b, "wallet", 0), ENT_OK);
    assert_int_equal(ent_basket_checkout(b, j, &s), ENT_OK);
    assert_string_equal(s->lines[0].lot, "N-LATE");
    assert_int_equal(scalar("SELECT qty FROM stock_balance b JOIN lot l ON l.id = b.lot_id WHERE l.code = 'N-LATE'"),
                     3);
    ent_sale_free(s);
    ent_basket_free(b);
    ent_journal_close(j);
}


/* A supervisor's approval: which lines need one (a price override, a
 * discount above the store's limit), recorded with the line at checkout and
 * printed on the receipt. */
static void approvals(void **state)
{
    ent_db *db = *state;
    ent_basket *b = NULL;
    ent_sale *s = NULL;
    char *text = NULL;
    int32_t limit = 0;
    ent_journal *j = open_journal(db, "C1");
    assert_int_equal(ent_sales_discount_limit(db, &limit), ENT_OK);
    assert_int_equal(limit, ENT_SALES_DISCOUNT_LIMIT_DEFAULT);
    assert_int_equal(ent_basket_new(db, &b, "C1", "王芳", "S1"), ENT_OK);
    assert_int_equal(ent_basket_scan(b, NULL, COLA, 2), ENT_OK);
    assert_int_equal(ent_basket_scan(b, NULL, PEN, 1), ENT_OK);
    assert_false(ent_basket_line_unapproved(ent_basket_line_at(b, 1), limit));
    assert_int_equal(ent_basket_discount(b, 1, 70, 0, "member"), ENT_OK); /* 70 of 700: 10 %, the limit */
    assert_false(ent_basket_line_unapproved(ent_basket_line_at(b, 1), limit));
    assert_int_equal(ent_basket_discount(b, 1, 71, 0, "member"), ENT_OK);
    assert_true(ent_basket_line_unapproved(ent_basket_line_at(b, 1), limit));
    assert_int_equal(ent_basket_set_price(b, 2, 700, "damaged box"), ENT_OK);
    assert_true(ent_basket_line_unapproved(ent_basket_line_at(b, 2), limit));
    EXPECT_ROW(0, db, ent_basket_approve(b, 3, "li.qiang"), ENT_INVALID, "there is no line 3: the basket has 2");
    EXPECT_ROW(1, db, ent_basket_approve(b, 2, ""), ENT_INVALID, "approver is required");
    assert_int_equal(ent_basket_approve(b, 2, "li.qiang"), ENT_OK);
    assert_false(ent_basket_line_unapproved(ent_basket_line_at(b, 2), limit));
    assert_string_equal(ent_basket_line_at(b, 2)->approved_by, "li.qiang");
    assert_int_equal(ent_basket_pay(b, "cash", 0), ENT_OK);
    assert_int_equal(ent_basket_checkout(b, j, &s), ENT_OK);
    assert_null(s->lines[0].approved_by);
    assert_string_equal(s->lines[1].approved_by, "li.qiang");
    assert_int_equal(scalar("SELECT count(*) FROM sale_line WHERE approved_by = 'li.qiang'"), 1);
    assert_int_equal(ent_receipt_text(db, &text, s, 48, false), ENT_OK);
    assert_non_null(strstr(text, "批准 Approved li.qiang"));
    free(text);
    /* A return approved: recorded with the return. */
    ent_sale *r = NULL;
    ent_return_item it = {.code = PEN, .qty = 1};
    ent_return_req q = {.items = &it, .nitems = 1, .counter = "C1", .cashier = "王芳", .approved_by = "li.qiang"};
    assert_int_equal(ent_sale_return(db, &r, j, &q), ENT_OK);
    assert_string_equal(r->approved_by, "li.qiang");
    ent_sale_free(r);
    /* A bad limit in the settings is said, not taken. */
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(test_db_path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, "INSERT INTO setting(key, value) VALUES ('" ENT_SALES_DISCOUNT_LIMIT_SETTING
                                       "', '10001')", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    EXPECT_ROW(2, db, ent_sales_discount_limit(db, &limit), ENT_INVALID,
               "setting sales.discount_limit_bp must be a whole number of basis points from 0 to 10000");
    ent_sale_free(s);
    ent_basket_free(b);
    ent_journal_close(j);
}

/* A discounted line drawn from two lots of two origins: shared by quantity,
 * the last share taking the rest, so that nothing is lost to rounding. */
static void split_line_shares(void **state)
{
    ent_db *db = *state;
    ent_basket *b = NULL;
    ent_sale *s = NULL;
    ent_journal *j = open_journal(db, "C1");
    assert_int_equal(ent_basket_new(db, &b, "C1", "王芳", "S1"), ENT_OK);
    assert_int_equal(ent_basket_scan(b, NULL, NUTELLA, 4), ENT_OK);
    assert_int_equal(ent_basket_discount(b, 1, 101, 0, "dented"), ENT_OK); /* 159.60 - 1.01 = 158.59 */
    assert_int_equal(ent_basket_pay(b, "cash", 0), ENT_OK);
    assert_int_equal(ent_basket_checkout(b, j, &s), ENT_OK);
    assert_int_equal(s->nlines, 2);
    assert_int_equal(s->lines[0].qty + s->lines[1].qty, 4);
    assert_int_equal(s->lines[0].amount, 11894); /* 15859 x 3/4 = 11894.25 */
    assert_int_equal(s->lines[1].amount, 15859 - 11894);
    assert_int_equal(s->lines[0].discount, 76); /* 101 x 3/4 = 75.75 */
    assert_int_equal(s->lines[1].discount, 25);
    assert_int_equal(s->total, 15859);
    assert_int_equal(s->tax, s->lines[0].tax + s->lines[1].tax);
    assert_int_equal(scalar("SELECT SUM(value) FROM sale_sum_origin"), 15859);
    assert_int_equal(ent_journal_verify(db, NULL, NULL, NULL, NULL), ENT_OK);
    ent_sale_free(s);
    ent_basket_free(b);
    ent_journal_close(j);
}


/* Within a lot, the counter's own shelf first, then other shelves, then the back room. */
static void own_shelf_first(void **state)
{
    ent_db *db = *state;
    ent_journal *j = open_journal(db, "C1");
    ent_receive r = {.product = PEN, .qty = 5, .lot = "P1", .origin = "DE", .location = "S2", .unit_cost = -1};
    ent_receive k = {.product = PEN, .qty = 5, .lot = "P1", .origin = "DE", .location = "B-01", .unit_cost = -1};
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    assert_int_equal(ent_stock_receive(db, NULL, &k), ENT_OK);
    static const struct {
        const char *shelf;
        int64_t qty, s1, s2, back;
    } rows[] = {
        /* 0 */ {"S2", 3, 10, 2, 5},  /* S2's own */
        /* 1 */ {"S1", 11, 0, 1, 5},  /* all 10 of S1, then S2 */
        /* 2 */ {NULL, 2, 0, 0, 4},   /* the last shelf unit, then the back room */
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        ent_basket *b = NULL;
        assert_int_equal(ent_basket_new(db, &b, "C1", "王芳", rows[i].shelf), ENT_OK);
        assert_int_equal(ent_basket_scan(b, NULL, PEN, rows[i].qty), ENT_OK);
        assert_int_equal(ent_basket_pay(b, "cash", 0), ENT_OK);
        assert_int_equal(ent_basket_checkout(b, j, NULL), ENT_OK);
        ent_basket_free(b);
        static const char *const locs[] = {"S1", "S2", "B-01"};
        int64_t want[] = {rows[i].s1, rows[i].s2, rows[i].back};
        for (int l = 0; l < 3; l++) {
            char sql[200];
            snprintf(sql, sizeof sql, "SELECT COALESCE(SUM(b.qty), 0) FROM stock_balance b JOIN location l ON "
                                      "l.id = b.location_id JOIN lot t ON t.id = b.lot_id WHERE t.code = 'P1' AND "
                                      "l.code = '%s'", locs[l]);
            if (scalar(sql) != want[l])
                fail_msg("row %zu: %s has %lld, want %lld", i, locs[l], (long long)scalar(sql), (long long)want[l]);
        }
    }
    ent_journal_close(j);
}

/* Between the scan and the checkout another counter sold the stock: the
 * checkout is refused, the basket kept, nothing written. */
static void checkout_refused_keeps_basket(void **state)
{
    ent_db *db = *state;
    ent_basket *b1 = NULL, *b2 = NULL;
    ent_journal *j = open_journal(db, "C1");
    assert_int_equal(ent_basket_new(db, &b1, "C1", "王芳", NULL), ENT_OK);
    assert_int_equal(ent_basket_new(db, &b2, "C2", "李强", NULL), ENT_OK);
    assert_int_equal(ent_basket_scan(b1, NULL, PEN, 8), ENT_OK);
    assert_int_equal(ent_basket_scan(b2, NULL, PEN, 5), ENT_OK);
    assert_int_equal(ent_basket_pay(b1, "cash", 0), ENT_OK);
    assert_int_equal(ent_basket_pay(b2, "cash", 0), ENT_OK);
    assert_int_equal(ent_basket_checkout(b1, j, NULL), ENT_OK);
    int64_t before = fingerprint();
    EXPECT_ROW(0, db, ent_basket_checkout(b2, j, NULL), ENT_NOSTOCK,
               "not enough stock: 04006381333931 Pen has 2 on hand for sale, 5 asked");
    assert_int_equal(fingerprint(), before);
    assert_int_equal(ent_basket_count(b2), 1);
    assert_int_equal(ent_basket_set_qty(b2, 1, 2), ENT_OK);
    ent_sale *s = NULL;
    assert_int_equal(ent_basket_checkout(b2, j, &s), ENT_OK); /* the cash paid for 5 gives change */
    assert_int_equal(s->pays[0].change, 4250 - 1700);
    ent_sale_free(s);
    assert_int_equal(on_hand(PEN), 0);
    ent_basket_free(b1);
    ent_basket_free(b2);
    ent_journal_close(j);
}

/* Without a usable key nothing is sold. */
static void checkout_needs_journal(void **state)
{
    ent_db *db = *state;
    ent_basket *b = NULL;
    ent_journal *j = NULL;
    char moved[160];
    snprintf(moved, sizeof moved, "%s/elsewhere.pem", dir);
    assert_int_equal(rename(key_path, moved), 0);
    ent_journal_open_opts o = {.counter = "C1", .key_path = key_path};
    assert_int_equal(ent_journal_open(&j, db, &o), ENT_REFUSED);
    assert_null(j);
    assert_int_equal(ent_basket_new(db, &b, "C1", "王芳", NULL), ENT_OK);
    assert_int_equal(ent_basket_scan(b, NULL, PEN, 1), ENT_OK);
    assert_int_equal(ent_basket_pay(b, "cash", 0), ENT_OK);
    EXPECT_ROW(0, db, ent_basket_checkout(b, NULL, NULL), ENT_REFUSED, "no journal is open, so nothing can be sold");
    assert_int_equal(ent_basket_count(b), 1);
    assert_int_equal(rename(moved, key_path), 0);
    ent_basket_free(b);
}


/* ---- returns ------------------------------------------------------------ */

static ent_sale *sell(ent_db *db, ent_journal *j, const char *counter, const char *pay, int64_t amount,
                      const char *code, int64_t qty, const char *code2, int64_t qty2)
{
    ent_basket *b = NULL;
    ent_sale *s = NULL;
    assert_int_equal(ent_basket_new(db, &b, counter, "王芳", "S1"), ENT_OK);
    assert_int_equal(ent_basket_scan(b, NULL, code, qty), ENT_OK);
    if (code2)
        assert_int_equal(ent_basket_scan(b, NULL, code2, qty2), ENT_OK);
    if (amount)
        assert_int_equal(ent_basket_pay(b, "card", amount), ENT_OK);
    assert_int_equal(ent_basket_pay(b, pay, 0), ENT_OK);
    if (ent_basket_checkout(b, j, &s) != ENT_OK)
        fail_msg("checkout: %s", ent_errmsg(db));
    ent_basket_free(b);
    return s;
}

static void returns(void **state)
{
    ent_db *db = *state;
    ent_journal *j = open_journal(db, "C1");
    ent_sale *s = sell(db, j, "C1", "cash", 3000, NUTELLA, 4, COLA, 3); /* 15960 + 1050 = 17010 */
    ent_sale *r = NULL;
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)s->receipt);
    int64_t before = fingerprint();
    static const struct {
        const char *receipt, *code, *location;
        int64_t qty;
        int rc;
        const char *msg;
    } rows[] = {
        /* 0 */ {"999", NUTELLA, NULL, 1, ENT_NOTFOUND, "no sale has the receipt number 999"},
        /* 1 */ {NULL, PEN, NULL, 1, ENT_REFUSED, "04006381333931 Pen: no sale of it is on record with units left to return"},
        /* 2 */ {"#", NUTELLA, NULL, 5, ENT_REFUSED,
                 "03017620422003 榛子可可酱: 5 asked back, but only 4 can still be returned (4 sold, 0 returned before)"},
        /* 3 */ {"#", PEN, NULL, 1, ENT_REFUSED, "04006381333931 Pen is not on receipt"},
        /* 4 */ {"#", NUTELLA, "Q-1", 1, ENT_INVALID, "returned goods cannot go to Q-1, a quarantine location"},
        /* 5 */ {"#", "9999", NULL, 1, ENT_NOTFOUND, "no commodity has the code '9999'"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        ent_return_item it = {rows[i].code, rows[i].qty};
        ent_return_req q = {.receipt = rows[i].receipt && rows[i].receipt[0] == '#' ? num : rows[i].receipt,
                            .items = &it, .nitems = 1, .location = rows[i].location, .counter = "C1",
                            .cashier = "王芳"};
        int rc = ent_sale_return(db, NULL, j, &q);
        if (rc != rows[i].rc || strncmp(ent_errmsg(db), rows[i].msg, strlen(rows[i].msg)) != 0)
            fail_msg("row %zu: got %d '%s', want %d '%s'", i, rc, ent_errmsg(db), rows[i].rc, rows[i].msg);
        assert_int_equal(fingerprint(), before);
    }
    /* Partial: 1 jar to the returns location. The card paid 30.00, so it
     * gets the 39.90 back up to that, the rest in cash. */
    ent_return_item one = {NUTELLA, 1};
    ent_return_req q = {.receipt = num, .items = &one, .nitems = 1, .location = "R-1", .counter = "C2",
                        .cashier = "李强", .reason = "broken seal"};
    if (ent_sale_return(db, &r, j, &q) != ENT_OK)
        fail_msg("return: %s", ent_errmsg(db));
    assert_int_equal(r->total, -3990);
    assert_string_equal(r->kind, "return");
    assert_int_equal(r->ref_receipt, s->receipt);
    assert_int_equal(r->npays, 2);
    assert_string_equal(r->pays[0].method, "card");
    assert_int_equal(r->pays[0].amount, -3000);
    assert_int_equal(r->pays[1].amount, -990);
    assert_int_equal(scalar("SELECT qty FROM stock_balance b JOIN location l ON l.id = b.location_id "
                            "WHERE l.code = 'R-1'"), 1);
    ent_sale_free(r);
    /* The rest of the receipt, by UUID: 3 jars and 3 colas back where they came from. */
    q = (ent_return_req){.receipt = s->uuid, .counter = "C1", .cashier = "王芳"};
    if (ent_sale_return(db, &r, j, &q) != ENT_OK)
        fail_msg("return: %s", ent_errmsg(db));
    assert_int_equal(r->total, -(17010 - 3990));
    assert_int_equal(r->npays, 1);
    assert_string_equal(r->pays[0].method, "cash");
    ent_sale_free(r);
    assert_int_equal(ent_sale_return(db, NULL, j, &q), ENT_REFUSED);
    assert_true(strstr(ent_errmsg(db), "has already been returned") != NULL);
    assert_int_equal(on_hand(NUTELLA), 8);
    assert_int_equal(on_hand(COLA), 24);
    /* Net zero in every summary, and the journal verifies. */
    assert_int_equal(scalar("SELECT SUM(value) FROM sale_sum_hour"), 0);
    assert_int_equal(scalar("SELECT SUM(value) FROM sale_sum_origin"), 0);
    assert_int_equal(scalar("SELECT SUM(units) FROM sale_sum_product"), 0);
    assert_int_equal(scalar("SELECT count(*) FROM journal WHERE kind = 'RETURN'"), 2);
    assert_int_equal(ent_journal_verify(db, NULL, NULL, NULL, NULL), ENT_OK);
    ent_sale_free(s);
    ent_journal_close(j);
}

static void return_without_receipt(void **state)
{
    ent_db *db = *state;
    ent_journal *j = open_journal(db, "C1");
    ent_sale *s1 = sell(db, j, "C1", "card", 0, PEN, 2, NULL, 0);
    ent_sale *s2 = sell(db, j, "C2", "wallet", 0, PEN, 1, NULL, 0);
    ent_sale *r = NULL;
    ent_return_item it = {PEN, 2};
    ent_return_req q = {.items = &it, .nitems = 1, .counter = "C1", .cashier = "王芳"};
    /* The latest sale first (1 pen), then the one before; cash back. */
    if (ent_sale_return(db, &r, j, &q) != ENT_OK)
        fail_msg("return: %s", ent_errmsg(db));
    assert_int_equal(r->total, -1700);
    assert_string_equal(r->pays[0].method, "cash");
    assert_string_equal(r->ref_uuid, s2->uuid);
    ent_sale_free(r);
    it.qty = 2;
    EXPECT_ROW(0, db, ent_sale_return(db, NULL, j, &q), ENT_REFUSED,
               "04006381333931 Pen: 2 asked back, but only 1 can still be returned (2 sold, 1 returned before)");
    assert_int_equal(on_hand(PEN), 9);
    ent_sale_free(s1);
    ent_sale_free(s2);
    ent_journal_close(j);
}

/* ---- reports with returns ---------------------------------------------- */

struct rep {
    char key[8][32];
    ent_sales_row r[8];
    size_t n;
};

static int rep_collect(const ent_sales_row *row, void *ud)
{
    struct rep *p = ud;
    if (p->n < 8) {
        snprintf(p->key[p->n], 32, "%s", row->key);
        p->r[p->n++] = *row;
    }
    return 0;
}

/* All the summary rows as one text, to compare before and after a rebuild. */
static char *summaries(void)
{
    sqlite3 *raw;
    sqlite3_stmt *st;
    static char buf[4096];
    sqlite3_open(test_db_path, &raw);
    sqlite3_prepare_v2(raw,
                       "SELECT group_concat(x, ';') FROM (SELECT day||hour||counter||cashier||':'||value||','||units"
                       "||','||transactions||','||returns||','||ret_value||','||ret_units AS x FROM sale_sum_hour "
                       "UNION ALL SELECT day||origin||counter||':'||value||','||units||','||lines||','||ret_value||','"
                       "||ret_units||','||ret_lines FROM sale_sum_origin UNION ALL SELECT day||product_id||':'||value"
                       "||','||units||','||lines||','||ret_value||','||ret_units||','||ret_lines FROM sale_sum_product "
                       "ORDER BY 1)",
                       -1, &st, NULL);
    buf[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(raw);
    return buf;
}

static void report_returns(void **state)
{
    ent_db *db = *state;
    ent_journal *j = open_journal(db, "C1");
    ent_sale *s = sell(db, j, "C1", "cash", 0, NUTELLA, 2, COLA, 3); /* 7980 + 1050 */
    ent_sale *s2 = sell(db, j, "C1", "cash", 0, COLA, 1, NULL, 0);   /* 350 */
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)s->receipt);
    /* The next day, one jar comes back. */
    entx_clock_set("2026-11-29T06:00:00Z");
    ent_return_item it = {NUTELLA, 1};
    ent_return_req q = {.receipt = num, .items = &it, .nitems = 1, .counter = "C1", .cashier = "王芳"};
    assert_int_equal(ent_sale_return(db, NULL, j, &q), ENT_OK);
    static const struct {
        enum ent_sales_by by;
        size_t row;
        const char *key;
        int64_t gross, returns, value, sold, back, units, count, return_count;
        int32_t share_bp;
    } rows[] = {
        /* 0: the day of the sales keeps its sales whole */
        {ENT_SALES_BY_DAY, 0, "2026-11-28", 9380, 0, 9380, 6, 0, 6, 2, 0, 10000},
        /* 1: the refund counts on its own day, as a return, not as a sale */
        {ENT_SALES_BY_DAY, 1, "2026-11-29", 0, 3990, -3990, 0, 1, -1, 0, 1, 0},
        /* 2: by commodity: the line sold stays one line; one line came back */
        {ENT_SALES_BY_PRODUCT, 0, "03017620422003", 7980, 3990, 3990, 2, 1, 1, 1, 1, 8507},
        {ENT_SALES_BY_PRODUCT, 1, "05000112548167", 1400, 0, 1400, 4, 0, 4, 2, 0, 1493},
        /* 4: by country, the same */
        {ENT_SALES_BY_ORIGIN, 0, "PL", 7980, 3990, 3990, 2, 1, 1, 1, 1, 8507},
        /* 5: by counter: two sales, one refund */
        {ENT_SALES_BY_COUNTER, 0, "C1", 9380, 3990, 5390, 6, 1, 5, 2, 1, 10000},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        struct rep p = {0};
        int64_t total = 0;
        ent_sales_query sq = {.by = rows[i].by};
        EXPECT_ROW(i, db, ent_sales_report(db, &total, &sq, rep_collect, &p), ENT_OK, "");
        const ent_sales_row *r = &p.r[rows[i].row];
        if (rows[i].row >= p.n || strcmp(p.key[rows[i].row], rows[i].key) != 0 || r->gross != rows[i].gross ||
            r->returns != rows[i].returns || r->value != rows[i].value || r->units_sold != rows[i].sold ||
            r->units_returned != rows[i].back || r->units != rows[i].units || r->transactions != rows[i].count ||
            r->return_count != rows[i].return_count || r->share_bp != rows[i].share_bp)
            fail_msg("row %zu: %s gross %lld returns %lld net %lld units %lld-%lld=%lld count %lld/%lld share %d", i,
                     p.key[rows[i].row], (long long)r->gross, (long long)r->returns, (long long)r->value,
                     (long long)r->units_sold, (long long)r->units_returned, (long long)r->units,
                     (long long)r->transactions, (long long)r->return_count, (int)r->share_bp);
        assert_int_equal(total, 9380 - 3990);
    }
    /* The summaries kept by checkout and returns are what a rebuild from the
     * lines (and migration 008) makes of them. */
    char kept[4096];
    snprintf(kept, sizeof kept, "%s", summaries());
    assert_true(strlen(kept) > 0);
    assert_int_equal(ent_sales_summary_rebuild(db), ENT_OK);
    assert_string_equal(summaries(), kept);
    ent_sale_free(s);
    ent_sale_free(s2);
    ent_journal_close(j);
}

/* A database of the schema before 008, whose summaries count a return as a
 * negative line, upgrades to the summaries a rebuild makes. */
static void migration_8(void **state)
{
    ent_db *db = *state;
    ent_journal *j = open_journal(db, "C1");
    ent_sale *s = sell(db, j, "C1", "cash", 0, NUTELLA, 2, COLA, 3);
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)s->receipt);
    ent_return_item it = {NUTELLA, 1};
    ent_return_req q = {.receipt = num, .items = &it, .nitems = 1, .counter = "C1", .cashier = "王芳"};
    assert_int_equal(ent_sale_return(db, NULL, j, &q), ENT_OK);
    char want[4096], pragma[64];
    snprintf(want, sizeof want, "%s", summaries());
    /* The database goes back to the version before the returns migration;
     * what later migrations added is dropped below. */
    int64_t version = scalar("PRAGMA user_version"), returns_version = 0;
    for (int i = 0; i < entx_migration_count; i++)
        if (strstr(entx_migrations[i].name, "_sales_returns.sql"))
            returns_version = entx_migrations[i].version;
    assert_true(returns_version > 0);
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %lld;", (long long)returns_version - 1);
    ent_journal_close(j);
    ent_sale_free(s);
    ent_db_close(db);
    *state = NULL;
    /* Back to schema 7 as it was: no return columns, a return line counted -1. */
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(test_db_path, &raw), SQLITE_OK);
    static const char old[] =
        /* the scan's copy of the lots (026, which also dropped 025's lot_scan) */
        "DROP TRIGGER scan_lot_insert; DROP TRIGGER scan_lot_change; DROP TRIGGER scan_lot_delete;"
        "DROP TRIGGER scan_lot_gtin_change; DROP TRIGGER scan_lot_product_delete; DROP TABLE scan_lot;"
        /* the catalogue by origin (025) */
        "DROP INDEX product_origin;"
        /* the lazy outbox (024): its view, the codes as they were, the frozen sales rows */
        "DROP VIEW sync_event; DROP TABLE sync_code_was; DROP TRIGGER sync_code_product; DROP TRIGGER sync_code_location; DROP TRIGGER sync_code_store;"
        "DROP TRIGGER sale_no_update; DROP TRIGGER sale_no_delete; DROP TRIGGER sale_line_no_update; DROP TRIGGER sale_line_no_delete;"
        "DROP TRIGGER sale_pay_no_update; DROP TRIGGER sale_pay_no_delete; DROP TRIGGER lot_uuid_fixed;"
        /* transfers and the purchasing events (021) first: their triggers name the outbox */
        "DROP TABLE transfer_line; DROP TABLE transfer; DROP TABLE peer_store;"
        "DROP TRIGGER sync_supplier_insert; DROP TRIGGER sync_supplier_update; DROP TRIGGER sync_supplier_item_insert; DROP TRIGGER sync_supplier_item_update; DROP TRIGGER sync_supplier_item_delete;"
        "DROP TRIGGER sync_purchase_order_insert; DROP TRIGGER sync_purchase_order_update; DROP TRIGGER sync_purchase_line_insert; DROP TRIGGER sync_purchase_line_update; DROP TRIGGER sync_purchase_line_delete; DROP TRIGGER sync_purchase_change_insert;"
        "DROP TRIGGER sync_exchange_rate_insert; DROP TRIGGER sync_exchange_rate_update; DROP TRIGGER sync_declaration_insert; DROP TRIGGER sync_declaration_update; DROP TRIGGER sync_landed_lot_insert; DROP TRIGGER sync_landed_lot_update; DROP TRIGGER sync_landed_lot_delete;"
        /* the outbox (017, its UUIDs in time order 020) first: its triggers name columns dropped below */
        "DROP TRIGGER sync_lot_insert; DROP TRIGGER sync_stock_move_insert; DROP TRIGGER sync_stock_count_insert; DROP TRIGGER sync_stock_count_update; DROP TRIGGER sync_sale_insert; DROP TRIGGER sync_sale_line_insert; DROP TRIGGER sync_sale_pay_insert; DROP TRIGGER sync_journal_insert; DROP TRIGGER sync_flow_count_insert; DROP TRIGGER sync_flow_count_update; DROP TRIGGER sync_label_queue_insert; DROP TRIGGER sync_label_print_insert; DROP VIEW sync_uuid; DROP TABLE sync_outbox; DROP TABLE sync_state;"
        "UPDATE sale_sum_origin SET lines = lines - ret_lines;"
        "UPDATE sale_sum_product SET lines = lines - ret_lines;"
        "ALTER TABLE sale_sum_hour DROP COLUMN ret_value; ALTER TABLE sale_sum_hour DROP COLUMN ret_units;"
        "ALTER TABLE sale_sum_origin DROP COLUMN ret_value; ALTER TABLE sale_sum_origin DROP COLUMN ret_units;"
        "ALTER TABLE sale_sum_origin DROP COLUMN ret_lines; ALTER TABLE sale_sum_product DROP COLUMN ret_value;"
        "ALTER TABLE sale_sum_product DROP COLUMN ret_units; ALTER TABLE sale_sum_product DROP COLUMN ret_lines;"
        /* later migrations: store details */
        "ALTER TABLE store DROP COLUMN address; ALTER TABLE store DROP COLUMN phone; DROP TABLE store_change;"
        /* label queue by location */
        "ALTER TABLE label_queue DROP COLUMN location_id; ALTER TABLE label_queue DROP COLUMN user;"
        /* users, sessions, tokens, change authors */
        "DROP TABLE api_token; DROP TABLE user_session; DROP TABLE login_failure; DROP TABLE user_account;"
        "DROP TABLE product_change; DROP TABLE label_print; ALTER TABLE location DROP COLUMN created_by;"
        "ALTER TABLE location DROP COLUMN changed_at; ALTER TABLE location DROP COLUMN changed_by;"
        /* approvals */
        "ALTER TABLE sale_line DROP COLUMN approved_by; ALTER TABLE sale DROP COLUMN approved_by;"
        /* on-hand summaries and the triggers that keep them */
        "DROP TRIGGER stock_sum_balance_insert; DROP TRIGGER stock_sum_balance_update;"
        "DROP TRIGGER stock_sum_balance_rekey; DROP TRIGGER stock_sum_balance_delete;"
        /* (029 dropped 012's stock_sum_product_insert already) */
        "DROP TABLE stock_sum_location; DROP TABLE stock_sum_product; DROP TRIGGER stock_sum_product_reorder; DROP TRIGGER stock_sum_location_kind;"
        /* search keys */
        "DROP TABLE product_key_list; DROP TABLE product_key; DROP TABLE search_pending;"
        /* kept baskets */
        "DROP TABLE basket_payment; DROP TABLE basket_line; DROP TABLE basket;"
        /* purchasing */
        "DROP TABLE landed_lot; DROP TABLE declaration; DROP TABLE exchange_rate; DROP TABLE purchase_change; DROP TABLE purchase_line; DROP TABLE purchase_order; DROP TABLE supplier_item; DROP TABLE supplier;"
        /* on-hand per lot and per origin (schema 18) */
        "DROP TRIGGER stock_sum_lot_balance_insert; DROP TRIGGER stock_sum_lot_balance_update;"
        "DROP TRIGGER stock_sum_lot_balance_rekey; DROP TRIGGER stock_sum_lot_balance_delete;"
        "DROP TRIGGER stock_sum_lot_lot_change; DROP TRIGGER stock_sum_lot_unit_change;"
        "DROP TRIGGER stock_sum_loccur_insert; DROP TRIGGER stock_sum_loccur_update;"
        "DROP TRIGGER stock_sum_loccur_delete; DROP TRIGGER stock_sum_loccur_rekey;"
        "DROP TRIGGER stock_sum_loccur_lot_change; DROP TRIGGER stock_sum_loccur_unit_change;"
        "DROP VIEW stock_sum_location_cur_of; DROP TABLE stock_sum_location_cur;"
        /* on-hand per location and origin (schema 23) */
        "DROP TRIGGER stock_sum_locorg_insert; DROP TRIGGER stock_sum_locorg_update;"
        "DROP TRIGGER stock_sum_locorg_delete; DROP TRIGGER stock_sum_locorg_rekey;"
        "DROP TRIGGER stock_sum_locorg_lot_change; DROP TRIGGER stock_sum_locorg_unit_change;"
        "DROP VIEW stock_sum_location_origin_of; DROP TABLE stock_sum_location_origin;"
        /* (schema 30's per-unit columns go with these tables, its triggers and
         * view were written under the names dropped above) */
        "DROP TABLE stock_sum_lot; DROP TABLE stock_sum_origin; DROP TABLE stock_sum_product_origin;"
        /* selling units */
        "DROP TABLE sell_unit; ALTER TABLE product DROP COLUMN sell_unit; ALTER TABLE sale_line DROP COLUMN sell_unit;"
        /* the back label of prepackaged food */
        "ALTER TABLE product DROP COLUMN food_kind; ALTER TABLE product DROP COLUMN ingredients; ALTER TABLE product DROP COLUMN allergens; ALTER TABLE product DROP COLUMN abv;"
        "ALTER TABLE product DROP COLUMN energy_kj; ALTER TABLE product DROP COLUMN protein; ALTER TABLE product DROP COLUMN fat; ALTER TABLE product DROP COLUMN carbohydrate; ALTER TABLE product DROP COLUMN sodium;";
    char *err = NULL;
    if (sqlite3_exec(raw, old, NULL, NULL, &err) != SQLITE_OK || sqlite3_exec(raw, pragma, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("downgrade: %s", err);
    assert_int_equal(scalar("SELECT lines FROM sale_sum_product p JOIN product x ON x.id = p.product_id "
                            "WHERE x.gtin = '0" NUTELLA "'"),
                     0); /* sold once, returned once: the old count went down to 0 */
    sqlite3_close(raw);
    assert_int_equal(ent_db_open(&db, test_db_path, 0), ENT_OK);
    *state = db;
    assert_int_equal(scalar("PRAGMA user_version"), version);
    assert_string_equal(summaries(), want);
}

static void voids(void **state)
{
    ent_db *db = *state;
    ent_journal *j = open_journal(db, "C1");
    ent_sale *s = sell(db, j, "C1", "card", 0, PEN, 3, COLA, 2);
    ent_sale *v = NULL;
    ent_return_item it = {PEN, 1};
    ent_return_req q = {.receipt = s->uuid, .items = &it, .nitems = 1, .counter = "C1", .cashier = "王芳",
                        .reason = "wrong basket", .void_sale = 1};
    EXPECT_ROW(0, db, ent_sale_return(db, NULL, j, &q), ENT_INVALID,
               "a void takes back a whole sale: give its receipt and no codes");
    q.nitems = 0;
    entx_clock_set("2026-11-29T06:00:00Z");
    int64_t before = fingerprint();
    assert_int_equal(ent_sale_return(db, NULL, j, &q), ENT_REFUSED);
    assert_non_null(strstr(ent_errmsg(db), "was sold on 2026-11-28: only a sale of today can be voided"));
    assert_int_equal(fingerprint(), before);
    entx_clock_set("2026-11-28T06:30:00Z");
    assert_int_equal(ent_sale_return(db, &v, j, &q), ENT_OK);
    assert_int_equal(v->total, -(3 * 850 + 2 * 350));
    assert_int_equal(v->is_void, 1);
    assert_string_equal(v->note, "VOID: wrong basket");
    assert_string_equal(v->pays[0].method, "card");
    assert_int_equal(on_hand(PEN), 10);
    assert_int_equal(scalar("SELECT count(*) FROM journal WHERE kind = 'VOID'"), 1);
    assert_int_equal(scalar("SELECT SUM(value) FROM sale_sum_hour"), 0);
    assert_int_equal(ent_journal_verify(db, NULL, NULL, NULL, NULL), ENT_OK);
    ent_sale_free(v);
    ent_sale_free(s);
    ent_journal_close(j);
}

/* ---- weighed goods ------------------------------------------------------ */

/* Fails when a line of text is wider than cols, a Chinese character being two. */
static void assert_widths(const char *text, int cols)
{
    int cells = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '\n') {
            cells = 0;
            continue;
        }
        if ((*p & 0xc0) != 0x80)
            cells += *p >= 0xe0 ? 2 : 1;
        if (cells > cols)
            fail_msg("a line is wider than %d columns in\n%s", cols, text);
    }
}

/* An in-store code: the layout's prefix and item, the value, check digits. */
static void instore(char out[14], const char *prefix_item, const char *value)
{
    snprintf(out, 14, "%s%s", prefix_item, value);
    out[12] = (char)ent_gs1_check_digit(out, 12);
    out[13] = '\0';
}

/* A basket opened before the store set its in-store layouts (the server's
 * counter keeps its basket from sale to sale) reads the scale's label once
 * they are set, and a FNC1 substitute set later too; an unknown code is
 * still refused in its words, the settings unchanged. */
static void settings_changed_while_open(void **state)
{
    ent_db *db = *state;
    ent_scan_config cfg;
    ent_scan s;
    char w[14], wg[15];
    ent_basket *b = NULL;
    assert_int_equal(ent_basket_new(db, &b, "C1", "王芳", "S1"), ENT_OK);
    ent_scan_config_init(&cfg);
    assert_int_equal(ent_scan_config_add_layout(&cfg, "21IIIIIWW.WWWC"), ENT_OK);
    instore(w, "2100042", "00523");
    assert_int_equal(ent_scan_parse(&s, w, 13, &cfg), ENT_OK);
    memcpy(wg, s.item_gtin, 15);
    ent_product_fields f = {.gtin = wg, .name_zh = "开心果", .unit = "g", .price = "59.80", .tax_rate = "9"};
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    ent_receive r1 = {.product = f.gtin, .qty = 5000, .lot = "W1", .origin = "US", .location = "S1", .unit_cost = -1};
    assert_int_equal(ent_stock_receive(db, NULL, &r1), ENT_OK);
    char unknown[64];
    snprintf(unknown, sizeof unknown, "no commodity has the code '0%s'", w); /* read whole, as a GTIN */
    EXPECT_ROW(0, db, ent_basket_scan(b, NULL, w, 0), ENT_NOTFOUND, unknown);
    assert_int_equal(ent_scan_config_set_fnc1(&cfg, '~'), ENT_OK);
    assert_int_equal(ent_scan_config_save(db, &cfg), ENT_OK); /* the manager sets them; the basket stays open */
    if (ent_basket_scan(b, NULL, w, 0) != ENT_OK)
        fail_msg("%s", ent_errmsg(db));
    assert_int_equal(ent_basket_count(b), 1);
    assert_int_equal(ent_basket_line_at(b, 1)->qty, 523);
    assert_int_equal(ent_basket_line_at(b, 1)->amount, 3128);
    if (ent_basket_scan(b, NULL, "~0104006381333931~10P1", 1) != ENT_OK)
        fail_msg("%s", ent_errmsg(db));
    assert_int_equal(ent_basket_count(b), 2);
    EXPECT_ROW(1, db, ent_basket_scan(b, NULL, "12345670", 1), ENT_NOTFOUND, "no commodity has the code '00000012345670'");
    assert_int_equal(ent_basket_count(b), 2);
    ent_basket_free(b);
}

static void weighed_goods(void **state)
{
    ent_db *db = *state;
    ent_scan_config cfg;
    ent_scan s;
    char w[14], p[14], wg[15], pg[15];
    ent_scan_config_init(&cfg);
    assert_int_equal(ent_scan_config_add_layout(&cfg, "21IIIIIWW.WWWC"), ENT_OK);
    assert_int_equal(ent_scan_config_add_layout(&cfg, "20IIIIIPPP.PPC"), ENT_OK);
    assert_int_equal(ent_scan_config_save(db, &cfg), ENT_OK);
    instore(w, "2100042", "00523");  /* 0.523 kg of item 00042 */
    instore(p, "2000043", "01234");  /* 12.34 CNY of item 00043 */
    /* The catalogue knows each by its code with the value zeroed. */
    assert_int_equal(ent_scan_parse(&s, w, 13, &cfg), ENT_OK);
    memcpy(wg, s.item_gtin, 15);
    ent_product_fields f = {.gtin = wg, .name_zh = "开心果", .unit = "g", .price = "59.80", .tax_rate = "9"};
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    assert_int_equal(ent_scan_parse(&s, p, 13, &cfg), ENT_OK);
    memcpy(pg, s.item_gtin, 15);
    ent_product_fields g = {.gtin = pg, .name_zh = "腰果", .unit = "g", .price = "80.00", .tax_rate = "9"};
    assert_int_equal(ent_product_add(db, &g), ENT_OK);
    ent_receive r1 = {.product = f.gtin, .qty = 5000, .lot = "W1", .origin = "US", .location = "S1", .unit_cost = -1};
    ent_receive r2 = {.product = g.gtin, .qty = 5000, .lot = "W2", .origin = "VN", .location = "S1", .unit_cost = -1};
    assert_int_equal(ent_stock_receive(db, NULL, &r1), ENT_OK);
    assert_int_equal(ent_stock_receive(db, NULL, &r2), ENT_OK);
    ent_basket *b = NULL;
    ent_sale *sale = NULL;
    ent_journal *j = open_journal(db, "C1");
    assert_int_equal(ent_basket_new(db, &b, "C1", "王芳", "S1"), ENT_OK);
    /* By weight: 523 g at 59.80 a kg = 31.2754, rounded to 31.28. */
    if (ent_basket_scan(b, NULL, w, 0) != ENT_OK) fail_msg("%s", ent_errmsg(db));
    assert_int_equal(ent_basket_line_at(b, 1)->qty, 523);
    assert_int_equal(ent_basket_line_at(b, 1)->amount, 3128);
    /* By price: the label says 12.34, which is what is paid; 154 g leave the shelf. */
    assert_int_equal(ent_basket_scan(b, NULL, p, 0), ENT_OK);
    assert_int_equal(ent_basket_line_at(b, 2)->amount, 1234);
    assert_int_equal(ent_basket_line_at(b, 2)->qty, 154);
    EXPECT_ROW(0, db, ent_basket_set_qty(b, 2, 300), ENT_INVALID, "腰果 was priced by its label: scan each label");
    EXPECT_ROW(2, db, ent_basket_set_qty(b, 1, 3), ENT_INVALID,
               "开心果 was weighed: its quantity is on the scale's label, scan each label");
    assert_int_equal(ent_basket_line_at(b, 1)->qty, 523);
    /* A plain GTIN of a weighed commodity carries no weight. */
    EXPECT_ROW(1, db, ent_basket_scan(b, NULL, f.gtin, 0), ENT_INVALID,
               "开心果 is sold by weight or volume: scan the label from the scale");
    assert_int_equal(ent_basket_pay(b, "cash", 0), ENT_OK);
    assert_int_equal(ent_basket_checkout(b, j, &sale), ENT_OK);
    assert_int_equal(sale->total, 3128 + 1234);
    assert_int_equal(sale->units, 2); /* two bags */
    assert_int_equal(scalar("SELECT SUM(qty) FROM stock_balance b JOIN lot l ON l.id = b.lot_id WHERE l.code = 'W1'"),
                     5000 - 523);
    /* On both papers the weighed line shows quantity, price per kg and origin
     * whole, the amount wrapping below it on 58 mm; no line is too wide. */
    static const struct {
        int cols;
        const char *want;
    } papers[] = {
        /* 0 */ {32, "  0.523 kg x 59.80/kg 美国\n                        31.28 9%\n"},
        /* 1 */ {48, "  0.523 kg x 59.80/kg 美国              31.28 9%\n"},
    };
    for (size_t i = 0; i < 2; i++) {
        char *text = NULL;
        assert_int_equal(ent_receipt_text(db, &text, sale, papers[i].cols, 0), ENT_OK);
        if (strstr(text, papers[i].want) == NULL)
            fail_msg("row %zu: no '%s' in\n%s", i, papers[i].want, text);
        assert_widths(text, papers[i].cols);
        free(text);
    }
    /* The bag comes back by the scale's label: its 523 g, read with the
     * store's layouts, and what it was paid. */
    ent_return_item back = {.code = w, .qty = 0};
    ent_return_req q = {.receipt = sale->uuid, .items = &back, .nitems = 1, .counter = "C1", .cashier = "王芳"};
    ent_sale *r = NULL;
    if (ent_sale_return(db, &r, j, &q) != ENT_OK)
        fail_msg("return by the scale's label: %s", ent_errmsg(db));
    assert_int_equal(r->total, -3128);
    assert_int_equal(scalar("SELECT SUM(qty) FROM stock_balance b JOIN lot l ON l.id = b.lot_id WHERE l.code = 'W1'"),
                     5000);
    ent_sale_free(r);
    ent_sale_free(sale);
    ent_basket_free(b);
    ent_journal_close(j);
}

/* ---- receipts ----------------------------------------------------------- */

static void receipts(void **state)
{
    ent_db *db = *state;
    ent_journal *j = open_journal(db, "C1");
    ent_sale *s = sell(db, j, "C1", "cash", 2000, NUTELLA, 2, COLA, 1);
    static const int widths[] = {32, 48};
    for (size_t w = 0; w < 2; w++) {
        char *text = NULL;
        assert_int_equal(ent_receipt_text(db, &text, s, widths[w], 0), ENT_OK);
        assert_non_null(strstr(text, "测试店"));
        assert_non_null(strstr(text, "榛子可可酱"));
        assert_non_null(strstr(text, "波兰")); /* the lot's origin, not the product's default */
        assert_non_null(strstr(text, "83.30 CNY"));
        assert_non_null(strstr(text, s->uuid[0] ? "Receipt No." : "?"));
        /* No line is wider than the paper, counting a Chinese character as two. */
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
            int cells = 0;
            for (unsigned char *p = (unsigned char *)line; *p; p++)
                if ((*p & 0xc0) != 0x80)
                    cells += *p >= 0xe0 ? 2 : 1;
            if (cells > widths[w])
                fail_msg("%d columns: '%s' is %d wide", widths[w], line, cells);
        }
        free(text);
    }
    unsigned char *bytes = NULL;
    size_t len = 0;
    assert_int_equal(ent_receipt_escpos(db, &bytes, &len, s, 32, 1), ENT_OK);
    assert_memory_equal(bytes, "\x1b@\x1c&", 4);
    assert_memory_equal(bytes + len - 4, "\x1dV\x42\x00", 4);
    assert_null(memmem(bytes, len, "\xe6\xa6\x9b\xe5\xad\x90", 6)); /* 榛子 not as UTF-8 ... */
    assert_non_null(memmem(bytes, len, "\xe9\xbb\xd7\xd3", 4));    /* ... but as GB18030 */
    assert_non_null(memmem(bytes, len, s->qr, strlen(s->qr)));
    assert_non_null(memmem(bytes, len, "\x1d(k", 3));
    free(bytes);
    /* The QR payload verifies against the journal. */
    ent_journal_receipt rcpt;
    assert_int_equal(ent_journal_receipt_verify(db, &rcpt, s->qr, NULL), ENT_OK);
    assert_int_equal(rcpt.total, 8330);
    assert_int_equal(rcpt.seq, s->receipt);
    char *text = NULL;
    EXPECT_ROW(0, db, ent_receipt_text(db, &text, s, 40, 0), ENT_INVALID,
               "a receipt is 32 (58 mm) or 48 (80 mm) columns wide");
    ent_sale_free(s);
    ent_journal_close(j);
}

/* ---- several counters at once ------------------------------------------- */

/* One counter process: buys 1 or 2 units at a time until the stock is gone.
 * Exits with the units it sold, or 255 on any failure other than running
 * out (a "database is locked" included). */
static int counter_process(int k)
{
    ent_db *db = NULL;
    ent_journal *j = NULL;
    ent_basket *b = NULL;
    char counter[16];
    int sold = 0, want = 1 + k % 2;
    snprintf(counter, sizeof counter, "C%d", k + 1);
    if (ent_db_open(&db, test_db_path, ENT_OPEN_DURABLE) != ENT_OK)
        return 255;
    ent_journal_open_opts o = {.counter = counter, .key_path = key_path};
    if (ent_journal_open(&j, db, &o) != ENT_OK || ent_basket_new(db, &b, counter, "cashier", "S1") != ENT_OK)
        return 255;
    while (want > 0 && sold < 200) {
        int rc = ent_basket_scan(b, NULL, COLA, want);
        if (rc == ENT_OK && (rc = ent_basket_pay(b, "cash", 0)) == ENT_OK)
            rc = ent_basket_checkout(b, j, NULL);
        if (rc == ENT_OK) {
            sold += want;
        } else if (rc == ENT_NOSTOCK) {
            ent_basket_clear(b);
            want--;
        } else {
            fprintf(stderr, "counter %s: %s\n", counter, ent_errmsg(db));
            return 255;
        }
    }
    ent_basket_free(b);
    ent_journal_close(j);
    ent_db_close(db);
    return sold;
}

static void eight_counters(void **state)
{
    ent_db *db = *state;
    pid_t kids[8];
    int total = 0;
    /* 200 colas in two lots, 8 counters that want up to 200 each. */
    ent_receive more = {.product = COLA, .qty = 176, .lot = "C2", .origin = "GB", .expiry = "2027-05-01",
                        .location = "S1", .unit_cost = -1};
    assert_int_equal(ent_stock_receive(db, NULL, &more), ENT_OK);
    for (int k = 0; k < 8; k++) {
        kids[k] = fork();
        if (kids[k] == 0)
            _exit(counter_process(k));
    }
    for (int k = 0; k < 8; k++) {
        int status;
        waitpid(kids[k], &status, 0);
        assert_true(WIFEXITED(status));
        assert_int_not_equal(WEXITSTATUS(status), 255);
        total += WEXITSTATUS(status);
    }
    assert_int_equal(total, 200);
    assert_int_equal(on_hand(COLA), 0);
    assert_int_equal(scalar("SELECT SUM(qty) FROM sale_line"), 200);
    assert_int_equal(scalar("SELECT -SUM(qty) FROM stock_move WHERE kind = 'sale'"), 200);
    assert_int_equal(scalar("SELECT SUM(units) FROM sale_sum_hour"), 200);
    assert_int_equal(scalar("SELECT count(*) FROM journal WHERE kind = 'SALE'"), scalar("SELECT count(*) FROM sale"));
    assert_int_equal(scalar("SELECT SUM(total) FROM journal WHERE kind = 'SALE'"), 200 * 350);
    assert_int_equal(ent_journal_verify(db, NULL, NULL, NULL, NULL), ENT_OK);
    assert_int_equal(ent_db_check(db, NULL, NULL), ENT_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(tax_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(scan_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(basket_payments_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(basket_edits, setup, teardown),
        cmocka_unit_test_setup_teardown(bounds, setup, teardown),
        cmocka_unit_test_setup_teardown(foreign_price, setup, teardown),
        cmocka_unit_test_setup_teardown(checkout_fefo_split_pay, setup, teardown),
        cmocka_unit_test_setup_teardown(checkout_named_lot, setup, teardown),
        cmocka_unit_test_setup_teardown(approvals, setup, teardown),
        cmocka_unit_test_setup_teardown(split_line_shares, setup, teardown),
        cmocka_unit_test_setup_teardown(own_shelf_first, setup, teardown),
        cmocka_unit_test_setup_teardown(checkout_refused_keeps_basket, setup, teardown),
        cmocka_unit_test_setup_teardown(checkout_needs_journal, setup, teardown),
        cmocka_unit_test_setup_teardown(returns, setup, teardown),
        cmocka_unit_test_setup_teardown(return_without_receipt, setup, teardown),
        cmocka_unit_test_setup_teardown(voids, setup, teardown),
        cmocka_unit_test_setup_teardown(report_returns, setup, teardown),
        cmocka_unit_test_setup_teardown(migration_8, setup, teardown),
        cmocka_unit_test_setup_teardown(weighed_goods, setup, teardown),
        cmocka_unit_test_setup_teardown(settings_changed_while_open, setup, teardown),
        cmocka_unit_test_setup_teardown(receipts, setup, teardown),
        cmocka_unit_test_setup_teardown(eight_counters, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
