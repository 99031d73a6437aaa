/* stock module: receiving, guarded moves, counts, levels, integrity check. */
#include <sqlite3.h>
#include <sys/wait.h>

#include "testutil.h"
#include "internal.h"
#include "schema.h"

static void catalogue(ent_db *db)
{
    ent_product_fields f = {0};
    f.gtin = "3017620422003";
    f.name_zh = "榛子可可酱";
    f.origin = "IT";
    f.reorder_point = "10";
    f.price = "39.90";
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    f = (ent_product_fields){0};
    f.gtin = "4006381333931";
    f.name_en = "Pen";
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    assert_int_equal(ent_product_barcode_add(db, "4006381333931", "14006381333938", 12), ENT_OK);
    assert_int_equal(ent_location_add(db, "A-01-03", "shelf", "Aisle A"), ENT_OK);
    assert_int_equal(ent_location_add(db, "B-01", "backroom", NULL), ENT_OK);
    assert_int_equal(ent_location_add(db, "Q-1", "quarantine", NULL), ENT_OK);
}

static ent_receive good(void)
{
    ent_receive r = {0};
    r.product = "3017620422003";
    r.qty = 48;
    r.lot = "L2406A";
    r.origin = "IT";
    r.declaration = "223320241000123456";
    r.import_date = "2026-06-01";
    r.production_date = "2026-03-01";
    r.expiry = "2027-06-30";
    r.supplier = "Ferrero Trading";
    r.unit_cost = 2130;
    r.cost_currency = "CNY";
    r.location = "B-01";
    return r;
}

static int64_t total(ent_db *db, const char *product)
{
    sqlite3 *raw;
    sqlite3_stmt *st;
    int64_t q = -1;
    (void)db;
    sqlite3_open(test_db_path, &raw);
    sqlite3_prepare_v2(raw, "SELECT COALESCE(SUM(b.qty), 0) FROM stock_balance b JOIN product p ON p.id = b.product_id "
                            "WHERE p.gtin = ?", -1, &st, NULL);
    sqlite3_bind_text(st, 1, product, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        q = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(raw);
    return q;
}

static void location_rows(void **state)
{
    ent_db *db = *state;
    static const struct {
        const char *code, *kind;
        int rc;
        const char *msg;
    } rows[] = {
        /* 0 */ {"A-01-03", "shelf", ENT_OK, ""},
        /* 1 */ {"A-01-03", "shelf", ENT_EXISTS, "location A-01-03 already exists"},
        /* 2 */ {"A 01", "shelf", ENT_INVALID, "location code 'A 01' must be 1 to 32 letters, digits or - _ . / (such as A-01-03)"},
        /* 3 */ {"X", "attic", ENT_INVALID, "location kind 'attic' must be shelf, backroom, bonded, quarantine or returns"},
        /* 4 */ {"", "shelf", ENT_INVALID, "location code '' must be 1 to 32 letters, digits or - _ . / (such as A-01-03)"},
        /* 5 */ {"BOND-1", "bonded", ENT_OK, ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        EXPECT_ROW(i, db, ent_location_add(db, rows[i].code, rows[i].kind, NULL), rows[i].rc, rows[i].msg);
}

static void receive_rows(void **state)
{
    ent_db *db = *state;
    catalogue(db);
    enum { QTY, LOT, ORIGIN, DECL, IMPORT, PROD, EXPIRY, LOC, PRODUCT, COST_CUR, COST, SUPPLIER };
    entx_clock_set("2026-11-30T10:00:00Z");
    static const struct {
        int field;
        const char *value;
        int64_t qty;
        int rc;
        const char *msg;
    } rows[] = {
        /*  0 */ {QTY, NULL, 0, ENT_INVALID, "quantity 0: receive 1 or more"},
        /*  1 */ {QTY, NULL, -5, ENT_INVALID, "quantity -5: receive 1 or more"},
        /*  2 */ {LOT, "", 0, ENT_INVALID, "the lot code is empty: give a value or leave it out"},
        /*  3 */ {ORIGIN, "XX", 0, ENT_INVALID, "origin 'XX' is not an ISO 3166-1 country code"},
        /*  4 */ {DECL, "12345", 0, ENT_INVALID, "declaration '12345' must be the 18-digit customs declaration number"},
        /*  5 */ {IMPORT, "2026-02-30", 0, ENT_INVALID, "import date '2026-02-30' is not a date: February 2026 has no day 30 (it has 28 days)"},
        /*  6 */ {EXPIRY, "2026-05-01", 0, ENT_INVALID, "expiry 2026-05-01 is before the import date 2026-06-01"},
        /*  7 */ {PROD, "2026-07-01", 0, ENT_INVALID, "production date 2026-07-01 is after the import date 2026-06-01"},
        /*  8 */ {EXPIRY, "30/06/2027", 0, ENT_INVALID, "expiry '30/06/2027' is not a date in the form YYYY-MM-DD"},
        /*  9 */ {LOC, "Z-99", 0, ENT_NOTFOUND, "no location 'Z-99'"},
        /* 10 */ {PRODUCT, "5000112548167", 0, ENT_NOTFOUND, "no commodity has the code '5000112548167'"},
        /* 11 */ {PRODUCT, "3017620422004", 0, ENT_INVALID, "GTIN 3017620422004: check digit should be 3"},
        /* 12 */ {COST_CUR, "EURO", 0, ENT_INVALID, "currency 'EURO' is not an ISO 4217 code"},
        /* 13 */ {LOT, "L\n1", 0, ENT_INVALID, "lot holds a control character (byte 2)"},
        /* 14 */
        {IMPORT, "2025-13-01", 0, ENT_INVALID, "import date '2025-13-01' is not a date: there is no month 13 (months are 01 to 12)"},
        /* 15 */
        {QTY, NULL, 1000000001, ENT_INVALID,
         "quantity 1000000001 is more than 1000000000, the most one receipt may hold"},
        /* 16 */
        {QTY, NULL, INT64_MAX, ENT_INVALID,
         "quantity 9223372036854775807 is more than 1000000000, the most one receipt may hold"},
        /* 17 */
        {LOT, "L批01", 0, ENT_INVALID,
         "lot code 'L批01' holds '批' (character 2), which a barcode cannot carry: use A-Z a-z 0-9 and "
         "! \" % & ' ( ) * + , - . / : ; < = > ? _"},
        /* 18 */
        {LOT, "OL 25", 0, ENT_INVALID,
         "lot code 'OL 25' holds ' ' (character 3), which a barcode cannot carry: use A-Z a-z 0-9 and "
         "! \" % & ' ( ) * + , - . / : ; < = > ? _"},
        /* 19 */
        {LOT, "ABCDEFGHIJKLMNOPQRSTU", 0, ENT_INVALID,
         "lot code 'ABCDEFGHIJKLMNOPQRSTU' has 21 characters: at most 20 fit a barcode"},
        /* 20 */ {LOT, "L\xff", 0, ENT_INVALID, "lot is not valid UTF-8 text"},
        /* 21 */ {ORIGIN, "", 0, ENT_INVALID, "the origin country is empty: give a value or leave it out"},
        /* 22 */ {SUPPLIER, "", 0, ENT_INVALID, "the supplier is empty: give a value or leave it out"},
        /* 23 */ {IMPORT, "2026-12-02", 0, ENT_INVALID, "import date 2026-12-02 is in the future"},
        /* 24 */ {IMPORT, "9999-12-31", 0, ENT_INVALID, "import date 9999-12-31 is in the future"},
        /* 25 */ {PROD, "2026-12-05", 0, ENT_INVALID, "production date 2026-12-05 is in the future"},
        /* 26 */
        {COST, NULL, 100000001, ENT_INVALID,
         "unit cost 100000001 (minor units) is more than 100000000, the most a unit may cost"},
        /* 27 */
        {COST, NULL, INT64_MAX, ENT_INVALID,
         "unit cost 9223372036854775807 (minor units) is more than 100000000, the most a unit may cost"},
        /* 28 */ {IMPORT, "", 0, ENT_INVALID, "the import date is empty: give a value or leave it out"},
        /* 29 */ {PRODUCT, "", 0, ENT_INVALID, "the product is empty: give a value or leave it out"},
        /* 30: the code is shown whole to its 60th character, never cut inside one */
        {LOT, "AAAAAAAAAA" "AAAAAAAAAA" "AAAAAAAAAA" "AAAAAAAAAA" "AAAAAAAAAA" "AAAAAAAAA" "批", 0, ENT_INVALID,
         "lot code '" "AAAAAAAAAA" "AAAAAAAAAA" "AAAAAAAAAA" "AAAAAAAAAA" "AAAAAAAAAA" "AAAAAAAAA" "批' holds '批' (character 60), which a barcode cannot "
         "carry: use A-Z a-z 0-9 and ! \" % & ' ( ) * + , - . / : ; < = > ? _"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        ent_receive r = good();
        switch (rows[i].field) {
        case QTY: r.qty = rows[i].qty; break;
        case LOT: r.lot = rows[i].value; break;
        case ORIGIN: r.origin = rows[i].value; break;
        case DECL: r.declaration = rows[i].value; break;
        case IMPORT: r.import_date = rows[i].value; break;
        case PROD: r.production_date = rows[i].value; break;
        case EXPIRY: r.expiry = rows[i].value; break;
        case LOC: r.location = rows[i].value; break;
        case PRODUCT: r.product = rows[i].value; break;
        case COST_CUR: r.cost_currency = rows[i].value; break;
        case COST: r.unit_cost = rows[i].qty; break;
        case SUPPLIER: r.supplier = rows[i].value; break;
        }
        EXPECT_ROW(i, db, ent_stock_receive(db, NULL, &r), rows[i].rc, rows[i].msg);
        if (i == 9) /* the front end words what to do: list the locations */
            assert_int_equal(ent_errhint(db), ENT_HINT_LOCATIONS);
    }
    assert_int_equal(total(db, "03017620422003"), 0);

    /* Tomorrow in UTC is already today east of Greenwich: accepted. */
    ent_receive r = good();
    r.lot = "EAST";
    r.import_date = "2026-12-01";
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    assert_int_equal(
        ent_stock_scrap(db, &(ent_move_req){.product = "3017620422003", .lot = "EAST", .location = "B-01", .qty = 48}),
        ENT_OK);

    /* A good receipt, then the same lot again: it must agree. */
    r = good();
    char uuid[37];
    assert_int_equal(ent_stock_receive(db, uuid, &r), ENT_OK);
    assert_int_equal(strlen(uuid), 36);
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    assert_int_equal(total(db, "03017620422003"), 96);
    r.origin = "FR";
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_INVALID);
    assert_string_equal(ent_errmsg(db), "lot L2406A already exists with origin IT, not FR");
    r = good();
    r.expiry = "2027-07-31";
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_INVALID);
    assert_string_equal(ent_errmsg(db), "lot L2406A already exists with expiry 2027-06-30, not 2027-07-31");
    /* Another cost for the lot: amounts as the clerk typed them, with their
     * currency (it said "unit cost (minor units) 2130, not 1250") */
    r = good();
    r.unit_cost = 1250;
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_INVALID);
    assert_string_equal(ent_errmsg(db), "lot L2406A already exists with unit cost 21.30 CNY, not 12.50 CNY");
    /* The same product from another country is another lot. */
    r = good();
    r.lot = "FR-77";
    r.origin = "FRA";
    r.qty = 10;
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    ent_lot *lot = NULL;
    assert_int_equal(ent_lot_find(db, &lot, "3017620422003", "FR-77"), ENT_OK);
    assert_string_equal(lot->origin, "FR");
    assert_int_equal(lot->on_hand, 10);
    assert_int_equal(lot->unit_cost, 2130);
    ent_lot_free(lot);
    assert_int_equal(ent_lot_find(db, &lot, "3017620422003", "NOPE"), ENT_NOTFOUND);
    assert_string_equal(ent_errmsg(db), "03017620422003 榛子可可酱 has no lot 'NOPE'");
    /* A case barcode receives 12 units per case. */
    r = good();
    r.product = "14006381333938";
    r.qty = 2;
    r.lot = "P1";
    r.origin = "DE";
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    assert_int_equal(total(db, "04006381333931"), 24);
    /* Cases: 12 per case, so the bound counts units, not cases. */
    r.qty = 83333334;
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_INVALID);
    assert_string_equal(ent_errmsg(db), "83333334 cases of 12 units is more than 1000000000 units, the most one "
                                        "receipt may hold");
    entx_clock_set(NULL);
}

/* Issue 9: a shelf life makes the expiry; issue 17: dates past 9999. */
static void shelf_life_rows(void **state)
{
    ent_db *db = *state;
    catalogue(db);
    entx_clock_set("2026-11-30T10:00:00Z");
    ent_product_fields f = {0};
    f.gtin = "8410376000115";
    f.name_zh = "橄榄油";
    f.shelf_life_days = "365";
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    static const struct {
        const char *lot, *prod, *expiry;
        int rc;
        const char *msg, *want_expiry;
    } rows[] = {
        /* 0 */ {"S0", "2025-10-01", NULL, ENT_OK, "", "2026-10-01"},
        /* 1 */
        {"S1", NULL, NULL, ENT_INVALID,
         "08410376000115 橄榄油 keeps 365 days: give the lot's production date or its expiry", NULL},
        /* 2 */
        {"S2", "2025-10-01", "2026-10-02", ENT_INVALID,
         "expiry 2026-10-02 is later than production date 2025-10-01 plus the shelf life of 08410376000115 "
         "橄榄油 (365 days: 2026-10-01)",
         NULL},
        /* 3 */ {"S3", "2025-10-01", "2026-09-30", ENT_OK, "", "2026-09-30"},
        /* 4 */ {"S4", NULL, "2027-01-31", ENT_OK, "", "2027-01-31"},
        /* 5 */
        {"S5", "2025-08-01", NULL, ENT_INVALID,
         "expiry 2026-08-01 (production date 2025-08-01 + 365 days) is before the import date 2026-09-01", NULL},
        /* 6 */
        {"S6", "2024-02-29", "2025-03-01", ENT_INVALID, "expiry 2025-03-01 is before the import date 2026-09-01", NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        ent_receive r = {0};
        r.product = "8410376000115";
        r.qty = 6;
        r.lot = rows[i].lot;
        r.origin = "ES";
        r.import_date = "2026-09-01";
        r.production_date = rows[i].prod;
        r.expiry = rows[i].expiry;
        r.unit_cost = -1;
        r.location = "A-01-03";
        EXPECT_ROW(i, db, ent_stock_receive(db, NULL, &r), rows[i].rc, rows[i].msg);
        if (rows[i].want_expiry) {
            ent_lot *lot = NULL;
            assert_int_equal(ent_lot_find(db, &lot, "8410376000115", rows[i].lot), ENT_OK);
            if (strcmp(lot->expiry, rows[i].want_expiry) != 0)
                fail_msg("row %zu: expiry %s, want %s", i, lot->expiry, rows[i].want_expiry);
            ent_lot_free(lot);
        }
    }
    /* Again with the expiry worked out: the same lot agrees. */
    ent_receive r = {0};
    r.product = "8410376000115";
    r.qty = 1;
    r.lot = "S0";
    r.origin = "ES";
    r.import_date = "2026-09-01";
    r.production_date = "2025-10-01";
    r.unit_cost = -1;
    r.location = "A-01-03";
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    /* More of a known lot needs no dates: the lot has them. */
    r.import_date = NULL;
    r.production_date = NULL;
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    /* A production date whose shelf life ends past 9999-12-31. */
    entx_clock_set("9999-12-20T10:00:00Z");
    r.lot = "LATE";
    r.import_date = "9999-12-20";
    r.production_date = "9999-12-01";
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_INVALID);
    assert_string_equal(ent_errmsg(db), "production date 9999-12-01 plus a shelf life of 365 days is past 9999-12-31");
    entx_clock_set(NULL);
}

static void guarded_moves(void **state)
{
    ent_db *db = *state;
    catalogue(db);
    ent_receive r = good();
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    static const struct {
        const char *op, *lot, *from, *to;
        int64_t qty;
        int rc;
        const char *msg;
    } rows[] = {
        /*  0 */ {"move", NULL, "B-01", "A-01-03", 12, ENT_OK, ""},
        /*  1 */ {"move", NULL, "B-01", "A-01-03", 37, ENT_NOSTOCK,
                  "not enough stock: 03017620422003 榛子可可酱 lot L2406A at B-01 has 36 on hand, 37 asked"},
        /*  2 */ {"move", NULL, "B-01", "B-01", 1, ENT_INVALID, "from and to are the same location (B-01)"},
        /*  3 */ {"move", NULL, "Q-1", "B-01", 1, ENT_NOSTOCK,
                  "not enough stock: 03017620422003 榛子可可酱 has nothing on hand at Q-1"},
        /*  4 */ {"move", "NOPE", "B-01", "Q-1", 1, ENT_NOTFOUND, "03017620422003 榛子可可酱 has no lot 'NOPE'"},
        /*  5 */ {"move", NULL, "B-01", "A-01-03", 0, ENT_INVALID, "quantity 0: move 1 or more"},
        /*  6 */ {"damage", NULL, "A-01-03", NULL, 2, ENT_OK, ""},
        /*  7 */ {"damage", NULL, "A-01-03", NULL, 11, ENT_NOSTOCK,
                  "not enough stock: 03017620422003 榛子可可酱 lot L2406A at A-01-03 has 10 on hand, 11 asked"},
        /*  8 */ {"found", NULL, "A-01-03", NULL, 1, ENT_INVALID, "name the lot of the goods found"},
        /*  9 */ {"found", "L2406A", "A-01-03", NULL, 1, ENT_OK, ""},
        /* 10 */ {"theft", NULL, "A-01-03", NULL, 1, ENT_INVALID, "reason 'theft' must be damage, loss, found or sample"},
        /* 11 */ {"scrap", NULL, "A-01-03", NULL, 11, ENT_OK, ""},
        /* 12 */ {"scrap", NULL, "A-01-03", NULL, 1, ENT_NOSTOCK,
                  "not enough stock: 03017620422003 榛子可可酱 has nothing on hand at A-01-03"},
        /* 13 */ {"scrap", NULL, "A-01-03", NULL, -1, ENT_INVALID, "quantity -1: scrap 1 or more"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        int rc;
        if (!strcmp(rows[i].op, "move"))
            rc = ent_stock_transfer(db, &(ent_move_req){.product = "3017620422003",
                                                        .lot = rows[i].lot,
                                                        .location = rows[i].from,
                                                        .to = rows[i].to,
                                                        .qty = rows[i].qty,
                                                        .user = "li"});
        else if (!strcmp(rows[i].op, "scrap"))
            rc = ent_stock_scrap(db, &(ent_move_req){.product = "3017620422003",
                                                     .lot = rows[i].lot,
                                                     .location = rows[i].from,
                                                     .qty = rows[i].qty,
                                                     .user = "li"});
        else
            rc = ent_stock_adjust(db, &(ent_move_req){.product = "3017620422003",
                                                      .lot = rows[i].lot,
                                                      .location = rows[i].from,
                                                      .qty = rows[i].qty,
                                                      .reason = rows[i].op,
                                                      .user = "li"});
        EXPECT_ROW(i, db, rc, rows[i].rc, rows[i].msg);
        assert_int_equal(ent_errhint(db), i == 8 ? ENT_HINT_LOT : ENT_HINT_NONE);
    }
    /* 48 - 2 damaged + 1 found - 11 scrapped */
    assert_int_equal(total(db, "03017620422003"), 36);
    assert_int_equal(ent_db_check(db, NULL, NULL), ENT_OK);
}

struct sum { int64_t qty, value, rows; };

static int sum_cb(const ent_level *row, void *ud)
{
    struct sum *s = ud;
    s->qty += row->qty;
    s->value += row->value;
    s->rows++;
    return 0;
}

static void levels_add_up(void **state)
{
    ent_db *db = *state;
    catalogue(db);
    ent_receive r = good();
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK); /* 48 IT @21.30 */
    r.lot = "FR-1";
    r.origin = "FR";
    r.qty = 5;
    r.unit_cost = 1000;
    r.location = "A-01-03";
    r.expiry = "2026-12-10";
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    r = good();
    r.product = "4006381333931";
    r.lot = "P1";
    r.origin = "DE";
    r.qty = 3;
    r.unit_cost = 500;
    r.cost_currency = "EUR";
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    enum ent_levels_by bys[] = {ENT_BY_PRODUCT, ENT_BY_LOCATION, ENT_BY_LOT, ENT_BY_ORIGIN};
    int64_t want_rows[] = {2, 3, 3, 3}; /* B-01 holds CNY and EUR lots: two rows */
    for (int i = 0; i < 4; i++) {
        ent_levels_query q = {.by = bys[i]};
        struct sum s = {0};
        assert_int_equal(ent_stock_levels(db, &q, sum_cb, &s), ENT_OK);
        /* Every grouping adds up to the same 56 units and 48*2130+5*1000 CNY + 3*500 EUR. */
        if (s.qty != 56 || s.value != 48 * 2130 + 5 * 1000 + 3 * 500 || s.rows != want_rows[i])
            fail_msg("by %d: %lld units, value %lld, %lld rows", i, (long long)s.qty, (long long)s.value,
                     (long long)s.rows);
    }
    ent_levels_query q = {.by = ENT_BY_LOT, .expiring_before = "2026-12-31"};
    struct sum s = {0};
    assert_int_equal(ent_stock_levels(db, &q, sum_cb, &s), ENT_OK);
    assert_int_equal(s.qty, 5);
    /* Low: the hazelnut spread has 5 on the shelf + 48 in the back room > 10;
     * after scrapping, 5 left is at or below the reorder point of 10. */
    q = (ent_levels_query){.low = 1};
    s = (struct sum){0};
    assert_int_equal(ent_stock_levels(db, &q, sum_cb, &s), ENT_OK);
    assert_int_equal(s.rows, 0);
    assert_int_equal(
        ent_stock_scrap(db,
                        &(ent_move_req){.product = "3017620422003", .lot = "L2406A", .location = "B-01", .qty = 48}),
        ENT_OK);
    s = (struct sum){0};
    assert_int_equal(ent_stock_levels(db, &q, sum_cb, &s), ENT_OK);
    assert_int_equal(s.rows, 1);
    assert_int_equal(s.qty, 5);
    q = (ent_levels_query){.origin = "XX"};
    assert_int_equal(ent_stock_levels(db, &q, sum_cb, &s), ENT_INVALID);
    q = (ent_levels_query){.expiring_before = "2026-02-31"};
    assert_int_equal(ent_stock_levels(db, &q, sum_cb, &s), ENT_INVALID);
}

static int line_cb(const ent_count_line *ln, void *ud)
{
    (void)ln;
    (*(int *)ud)++;
    return 0;
}

static int count_cb(const ent_count_info *c, void *ud)
{
    assert_int_equal(strlen(c->uuid), 36);
    (*(int *)ud)++;
    return 0;
}

static void counts(void **state)
{
    ent_db *db = *state;
    catalogue(db);
    ent_receive r = good();
    r.location = "A-01-03";
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    r.lot = "L2";
    r.qty = 5;
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    char id[37];
    assert_int_equal(ent_count_start(db, id, "A-01-03", "wang"), ENT_OK);
    assert_int_equal(ent_count_record(db, id, "3017620422003", NULL, 40, "wang"), ENT_INVALID);
    assert_string_equal(ent_errmsg(db),
                        "03017620422003 榛子可可酱 has several lots in this count: name the lot counted");
    assert_int_equal(ent_count_record(db, id, "3017620422003", "L2406A", 46, "wang"), ENT_OK);
    assert_int_equal(ent_count_record(db, id, "3017620422003", "L2", 5, "wang"), ENT_OK);
    assert_int_equal(ent_count_record(db, id, "3017620422003", "L2", -1, "wang"), ENT_INVALID);
    assert_int_equal(ent_count_record(db, "00000000-no-such-count", "3017620422003", "L2", 1, "wang"), ENT_INVALID);
    assert_int_equal(ent_count_record(db, "00000000-0000", "3017620422003", "L2", 1, "wang"), ENT_NOTFOUND);
    /* A sale-like move after the count began flags the line and stops the post. */
    assert_int_equal(
        ent_stock_scrap(db,
                        &(ent_move_req){.product = "3017620422003", .lot = "L2406A", .location = "A-01-03", .qty = 1}),
        ENT_OK);
    int n = 0;
    assert_int_equal(ent_count_post(db, id, 0, "wang", line_cb, &n), ENT_REFUSED);
    assert_string_equal(ent_errmsg(db), "1 counted line moved after it was counted (03017620422003 lot L2406A): "
                                        "recount it, or force the post to set it to what was counted");
    assert_int_equal(total(db, "03017620422003"), 52);
    n = 0;
    assert_int_equal(ent_count_post(db, id, 1, "wang", line_cb, &n), ENT_OK);
    assert_int_equal(n, 2);
    /* 47 on hand after the scrap and 46 counted: set to 46 (-1, never -2 from
     * the stale snapshot of 48), plus L2 5. */
    assert_int_equal(total(db, "03017620422003"), 51);
    assert_int_equal(ent_count_post(db, id, 1, "wang", NULL, NULL), ENT_REFUSED);
    assert_int_equal(ent_db_check(db, NULL, NULL), ENT_OK);
}

static void ledger_is_append_only(void **state)
{
    ent_db *db = *state;
    catalogue(db);
    ent_receive r = good();
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    sqlite3 *raw;
    char *err = NULL;
    sqlite3_open(test_db_path, &raw);
    assert_int_not_equal(sqlite3_exec(raw, "UPDATE stock_move SET qty = 1", NULL, NULL, &err), SQLITE_OK);
    assert_non_null(strstr(err, "append-only"));
    sqlite3_free(err);
    assert_int_not_equal(sqlite3_exec(raw, "DELETE FROM stock_move", NULL, NULL, NULL), SQLITE_OK);
    /* The balance can be tampered with; the check names the drift. */
    assert_int_equal(sqlite3_exec(raw, "UPDATE stock_balance SET qty = 50", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    assert_int_equal(ent_db_check(db, NULL, NULL), ENT_TAMPERED);
    assert_string_equal(ent_errmsg(db), "1 problem found");
}

static void *problems_seen;
static void problem_cb(const char *p, void *ud)
{
    (void)ud;
    problems_seen = strdup(p);
}

static void count_problem(const char *p, void *ud)
{
    (void)p;
    (*(int *)ud)++;
}

static void check_names_drift(void **state)
{
    ent_db *db = *state;
    catalogue(db);
    ent_receive r = good();
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    sqlite3 *raw;
    sqlite3_open(test_db_path, &raw);
    sqlite3_exec(raw, "UPDATE stock_balance SET qty = 47", NULL, NULL, NULL);
    sqlite3_close(raw);
    assert_int_equal(ent_db_check(db, problem_cb, NULL), ENT_TAMPERED);
    assert_string_equal(problems_seen, "balance drift: 03017620422003 榛子可可酱 lot L2406A at B-01: balance 47, ledger 48");
    free(problems_seen);
}

/* Eight processes each try to take 10 of 50 units one at a time: exactly 50
 * are taken, none twice, and the balance ends at zero. */
static void concurrent_takers(void **state)
{
    ent_db *db = *state;
    catalogue(db);
    ent_receive r = good();
    r.qty = 50;
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    pid_t kids[8];
    for (int k = 0; k < 8; k++) {
        kids[k] = fork();
        if (kids[k] == 0) {
            ent_db *mine = NULL;
            int taken = 0;
            if (ent_db_open(&mine, test_db_path, 0) != ENT_OK)
                _exit(100);
            for (int i = 0; i < 10; i++) {
                int rc = ent_stock_scrap(
                    mine,
                    &(ent_move_req){
                        .product = "3017620422003", .lot = "L2406A", .location = "B-01", .qty = 1, .user = "kid"});
                if (rc == ENT_OK)
                    taken++;
                else if (rc != ENT_NOSTOCK)
                    _exit(101);
            }
            ent_db_close(mine);
            _exit(taken);
        }
    }
    int sum = 0;
    for (int k = 0; k < 8; k++) {
        int status;
        waitpid(kids[k], &status, 0);
        assert_true(WIFEXITED(status));
        assert_true(WEXITSTATUS(status) <= 10);
        sum += WEXITSTATUS(status);
    }
    assert_int_equal(sum, 50);
    assert_int_equal(total(db, "03017620422003"), 0);
    assert_int_equal(ent_db_check(db, NULL, NULL), ENT_OK);
}

/* Issue 17: bounds on every quantity, and sums that never wrap; issue 9:
 * goods by weight are costed per kg like they are priced. */
static void bounds_and_weighed_goods(void **state)
{
    ent_db *db = *state;
    catalogue(db);
    ent_product_fields f = {0};
    f.sku = "CHEESE-1";
    f.name_zh = "奶酪";
    f.unit = "g";
    f.price = "298.00";
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    ent_receive r = good();
    r.product = "CHEESE-1";
    r.lot = "C1";
    r.origin = "FR";
    r.qty = 5000;
    r.unit_cost = 1850; /* 18.50 EUR per kg */
    r.cost_currency = "EUR";
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    r.lot = "C2";
    r.qty = 333; /* 333 g at 18.50/kg = 6.1605 -> 6.16 */
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    ent_levels_query q = {.by = ENT_BY_LOT, .product = "CHEESE-1"};
    struct sum s = {0};
    assert_int_equal(ent_stock_levels(db, &q, sum_cb, &s), ENT_OK);
    assert_int_equal(s.value, 9250 + 616);
    q = (ent_levels_query){.by = ENT_BY_PRODUCT, .product = "CHEESE-1"};
    s = (struct sum){0};
    assert_int_equal(ent_stock_levels(db, &q, sum_cb, &s), ENT_OK);
    assert_int_equal(s.value, 9866); /* 5333 g x 18.50/kg = 98.6605 */

    r = good();
    r.qty = 1000000000;
    static const struct {
        int op;
        int64_t qty;
        int rc;
        const char *msg;
    } rows[] = {
        /* 0 */ {0, 1000000000, ENT_OK, ""},
        /* 1 */ {1, 1000000001, ENT_INVALID, "quantity 1000000001 is more than 1000000000, the most one move may hold"},
        /* 2 */
        {2, INT64_MAX, ENT_INVALID,
         "quantity 9223372036854775807 is beyond 1000000000, the most one adjustment may hold"},
        /* 3 */
        {2, INT64_MIN, ENT_INVALID,
         "quantity -9223372036854775808 is beyond 1000000000, the most one adjustment may hold"},
        /* 4 */
        {3, INT64_MAX, ENT_INVALID,
         "quantity 9223372036854775807 is more than 1000000000, the most one scrap may hold"},
        /* 5 */
        {4, 1000000001, ENT_INVALID,
         "counted quantity 1000000001 is more than 1000000000, the most one count line may hold"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        int rc = ENT_OK;
        switch (rows[i].op) {
        case 0: rc = ent_stock_receive(db, NULL, &r); break;
        case 1:
            rc = ent_stock_transfer(
                db,
                &(ent_move_req){.product = "3017620422003", .location = "B-01", .to = "A-01-03", .qty = rows[i].qty});
            break;
        case 2:
            rc = ent_stock_adjust(
                db,
                &(ent_move_req){.product = "3017620422003", .location = "B-01", .qty = rows[i].qty, .reason = "found"});
            break;
        case 3:
            rc = ent_stock_scrap(db,
                                 &(ent_move_req){.product = "3017620422003", .location = "B-01", .qty = rows[i].qty});
            break;
        case 4: rc = ent_count_record(db, "00000000", "3017620422003", NULL, rows[i].qty, NULL); break;
        }
        EXPECT_ROW(i, db, rc, rows[i].rc, rows[i].msg);
    }
    /* Ten receipts of the most one may hold fill a lot at one place to its
     * bound; the eleventh is refused with the figures. */
    for (int i = 0; i < 9; i++)
        assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    assert_int_equal(total(db, "03017620422003"), 10000000000LL);
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_REFUSED);
    assert_string_equal(ent_errmsg(db), "03017620422003 榛子可可酱 lot L2406A at B-01 has 10000000000 on hand: "
                                        "1000000000 more would pass the most one lot may hold at one place "
                                        "(10000000000)");
    assert_int_equal(total(db, "03017620422003"), 10000000000LL);

    /* A hand-edited balance near 2^63 and a cost near 2^63: refused in words. */
    sqlite3 *raw;
    sqlite3_open(test_db_path, &raw);
    assert_int_equal(sqlite3_exec(raw,
                                  "UPDATE stock_balance SET qty = 9223372036854775000 WHERE lot_id = "
                                  "(SELECT id FROM lot WHERE code = 'C1');"
                                  "UPDATE lot SET unit_cost = 9223372036854775000 WHERE code = 'C2'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(raw);
    static const char overflow_msg[] = "the cost value of stock is too large to add up (a balance or unit cost beyond "
                                       "its bound, written outside entrepot): the integrity check names them";
    q = (ent_levels_query){.by = ENT_BY_LOT, .product = "CHEESE-1"};
    assert_int_equal(ent_stock_levels(db, &q, sum_cb, &s), ENT_ERROR);
    assert_string_equal(ent_errmsg(db), overflow_msg);
    q = (ent_levels_query){.by = ENT_BY_ORIGIN};
    assert_int_equal(ent_stock_levels(db, &q, sum_cb, &s), ENT_ERROR);
    assert_string_equal(ent_errmsg(db), overflow_msg);
    int problems = 0;
    assert_int_equal(ent_db_check(db, count_problem, &problems), ENT_TAMPERED);
    assert_int_equal(problems, 3); /* the balance, the cost, and the balance's drift from its ledger */
}

/* Stock by origin in each base unit (schema 30): pieces, grams and
 * millilitres of one origin apart, never one figure, and the origins in the
 * order of their value. A row per origin as "FR 3 pcs 5000 g 750 ml value
 * EUR", whatever the view reads (the summaries, one location's, or the
 * balances of one commodity). */
static int origin_row(const ent_level *row, void *ud)
{
    char *out = ud;
    size_t n = strlen(out);
    snprintf(out + n, 512 - n, "%s%s %lld pcs %lld g %lld ml %lld %s%s", n ? "; " : "", row->origin,
             (long long)row->qty_pcs, (long long)row->qty_g, (long long)row->qty_ml, (long long)row->value,
             row->cost_currency ? row->cost_currency : "-", row->by_unit ? "" : " (not split)");
    return 0;
}

static void origin_units(void **state)
{
    ent_db *db = *state;
    catalogue(db);
    ent_product_fields f = {0};
    f.sku = "BRIE";
    f.name_zh = "布里奶酪";
    f.unit = "g";
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    f.sku = "WINE";
    f.name_zh = "波尔多红酒";
    f.unit = "ml";
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    static const struct {
        const char *product, *lot, *origin, *location, *currency;
        int64_t qty, cost;
    } recv[] = {
        /* 3 pens at 2.00 EUR, 5 kg of brie at 18.50 EUR/kg, 2.25 L of wine
         * at 40.00 EUR/L: 6.00 + 92.50 + 90.00 */
        {"4006381333931", "P1", "FR", "A-01-03", "EUR", 3, 200},
        {"BRIE", "B1", "FR", "B-01", "EUR", 5000, 1850},
        {"WINE", "W1", "FR", "A-01-03", "EUR", 2250, 4000},
        /* more units, less value: 48 jars at 1.00 EUR */
        {"3017620422003", "N1", "IT", "A-01-03", "EUR", 48, 100},
        /* without a cost: after those with one */
        {"BRIE", "B2", "IT", "A-01-03", NULL, 700, -1},
        /* in the store's currency (CNY): before the others, Canada's dollars
         * too, though CAD comes before CNY in code order */
        {"4006381333931", "P2", "DE", "B-01", "CNY", 5, 100},
        {"4006381333931", "P3", "CA", "B-01", "CAD", 10, 100},
    };
    for (size_t i = 0; i < sizeof recv / sizeof *recv; i++) {
        ent_receive r = good();
        r.product = recv[i].product, r.lot = recv[i].lot, r.origin = recv[i].origin;
        r.location = recv[i].location, r.qty = recv[i].qty, r.cost_currency = recv[i].currency;
        r.unit_cost = recv[i].cost;
        r.expiry = NULL, r.production_date = NULL;
        EXPECT_ROW(i, db, ent_stock_receive(db, NULL, &r), ENT_OK, "");
    }
    static const struct {
        ent_levels_query q;
        const char *want;
    } rows[] = {
        /* 0: the summaries */
        {{.by = ENT_BY_ORIGIN},
         "DE 5 pcs 0 g 0 ml 500 CNY; CA 10 pcs 0 g 0 ml 1000 CAD; FR 3 pcs 5000 g 2250 ml 18850 EUR; "
         "IT 48 pcs 0 g 0 ml 4800 EUR; IT 0 pcs 700 g 0 ml 0 -"},
        /* 1: one location's summaries */
        {{.by = ENT_BY_ORIGIN, .location = "A-01-03"},
         "FR 3 pcs 0 g 2250 ml 9600 EUR; IT 48 pcs 0 g 0 ml 4800 EUR; IT 0 pcs 700 g 0 ml 0 -"},
        /* 2: one origin */
        {{.by = ENT_BY_ORIGIN, .origin = "FR"}, "FR 3 pcs 5000 g 2250 ml 18850 EUR"},
        /* 3: one commodity's balances */
        {{.by = ENT_BY_ORIGIN, .product = "BRIE"}, "FR 0 pcs 5000 g 0 ml 9250 EUR; IT 0 pcs 700 g 0 ml 0 -"},
        /* 4: the commodity and lot views say their one unit */
        {{.by = ENT_BY_PRODUCT, .product = "WINE"}, "(null) 0 pcs 0 g 2250 ml 9000 EUR"},
        {{.by = ENT_BY_LOT, .origin = "FR", .product = "BRIE"}, "FR 0 pcs 5000 g 0 ml 9250 EUR"},
        /* 6: the next page after the first origin */
        {{.by = ENT_BY_ORIGIN, .after = "18850:EUR:FR"}, "IT 48 pcs 0 g 0 ml 4800 EUR; IT 0 pcs 700 g 0 ml 0 -"},
        /* 7: the next page after the last origin with a cost */
        {{.by = ENT_BY_ORIGIN, .after = "4800:EUR:IT"}, "IT 0 pcs 700 g 0 ml 0 -"},
        /* 8: after the store's currency, the others */
        {{.by = ENT_BY_ORIGIN, .after = "500:CNY:DE", .limit = 2},
         "CA 10 pcs 0 g 0 ml 1000 CAD; FR 3 pcs 5000 g 2250 ml 18850 EUR"},
        /* 9: one commodity's balances (the pens), in the same order */
        {{.by = ENT_BY_ORIGIN, .product = "4006381333931"},
         "DE 5 pcs 0 g 0 ml 500 CNY; CA 10 pcs 0 g 0 ml 1000 CAD; FR 3 pcs 0 g 0 ml 600 EUR"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char got[512] = "";
        EXPECT_ROW(i, db, ent_stock_levels(db, &rows[i].q, origin_row, got), ENT_OK, "");
        if (strcmp(got, rows[i].want) != 0)
            fail_msg("row %zu: got '%s', want '%s'", i, got, rows[i].want);
    }
    /* A sale-sized change moves only its unit's figure. */
    assert_int_equal(
        ent_stock_scrap(db, &(ent_move_req){.product = "BRIE", .location = "B-01", .qty = 250, .reason = "mould"}),
        ENT_OK);
    char got[512] = "";
    ent_levels_query q = {.by = ENT_BY_ORIGIN, .origin = "FR"};
    assert_int_equal(ent_stock_levels(db, &q, origin_row, got), ENT_OK);
    assert_string_equal(got, "FR 3 pcs 4750 g 2250 ml 18388 EUR");
    int problems = 0;
    assert_int_equal(ent_db_check(db, count_problem, &problems), ENT_OK);
    /* A commodity's unit changed by hand (g to ml: the cost rule is the
     * same) moves its units between columns; check agrees. A summary
     * edited by hand is named. */
    sqlite3 *raw;
    sqlite3_open(test_db_path, &raw);
    assert_int_equal(sqlite3_exec(raw, "UPDATE product SET unit = 'ml' WHERE sku = 'BRIE'", NULL, NULL, NULL),
                     SQLITE_OK);
    got[0] = '\0';
    assert_int_equal(ent_stock_levels(db, &q, origin_row, got), ENT_OK);
    assert_string_equal(got, "FR 3 pcs 0 g 7000 ml 18388 EUR");
    got[0] = '\0';
    q.location = "B-01";
    assert_int_equal(ent_stock_levels(db, &q, origin_row, got), ENT_OK);
    assert_string_equal(got, "FR 0 pcs 0 g 4750 ml 8788 EUR");
    assert_int_equal(ent_db_check(db, count_problem, &problems), ENT_OK);
    assert_int_equal(sqlite3_exec(raw,
                                  "UPDATE stock_sum_origin SET qty_g = qty_g + 1, qty_pcs = qty_pcs - 1 "
                                  "WHERE origin = 'FR'; "
                                  "UPDATE stock_sum_location_origin SET qty_ml = qty_ml - 5, qty_pcs = qty_pcs + 5 "
                                  "WHERE origin = 'FR'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(raw);
    problems = 0;
    assert_int_equal(ent_db_check(db, count_problem, &problems), ENT_TAMPERED);
    assert_int_equal(problems, 3); /* FR's row, and its rows at A-01-03 and B-01 */
}

/* A database of schema 29, made by its own migrations, with France's 3
 * pens, 5 kg of brie and 2.25 L of wine summed as 7253 "units" and Italy's
 * uncosted 700 g: opened, it migrates to the per-unit figures (schema 30,
 * filled from the summaries it had), which check agrees with and a later
 * change keeps. */
static void origin_units_from_29(void **state)
{
    (void)state;
    const char *path = "unit_stock_schema29.db";
    sqlite3 *raw;
    ent_db *db = NULL;
    unlink(path);
    assert_true(entx_migration_count >= 30);
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    for (int i = 0; i < 29; i++)
        if (sqlite3_exec(raw, entx_migrations[i].sql, NULL, NULL, NULL) != SQLITE_OK)
            fail_msg("migration %d: %s", i + 1, sqlite3_errmsg(raw));
    assert_int_equal(
        sqlite3_exec(
            raw,
            "PRAGMA user_version = 29;"
            "INSERT INTO store(id, code, name, currency, tz, created_at) "
            "  VALUES (1, 'OLD', '旧店', 'CNY', 'Asia/Shanghai', '2026-11-01T00:00:00Z');"
            "INSERT INTO location(code, kind) VALUES ('S1', 'shelf'), ('B1', 'backroom');"
            "INSERT INTO product(id, sku, name_zh, unit, price, currency, created_at, updated_at) VALUES "
            "  (1, 'PEN', '笔', 'pcs', 800, 'CNY', 'x', 'x'), (2, 'BRIE', '布里奶酪', 'g', 29800, 'CNY', 'x', 'x'), "
            "  (3, 'WINE', '红酒', 'ml', 12800, 'CNY', 'x', 'x');"
            "INSERT INTO lot(id, uuid, product_id, code, origin, unit_cost, cost_currency, created_at) VALUES "
            "  (1, 'u1', 1, 'P1', 'FR', 200, 'EUR', 'x'), (2, 'u2', 2, 'B1', 'FR', 1850, 'EUR', 'x'), "
            "  (3, 'u3', 3, 'W1', 'FR', 4000, 'EUR', 'x'), (4, 'u4', 2, 'B2', 'IT', NULL, NULL, 'x');"
            "INSERT INTO stock_move(uuid, batch, at, kind, product_id, lot_id, location_id, qty) VALUES "
            "  ('m1', 'b', 'x', 'receive', 1, 1, 1, 3), ('m2', 'b', 'x', 'receive', 2, 2, 2, 5000), "
            "  ('m3', 'b', 'x', 'receive', 3, 3, 1, 2250), ('m4', 'b', 'x', 'receive', 2, 4, 1, 700);"
            "INSERT INTO stock_balance(product_id, lot_id, location_id, qty) VALUES "
            "  (1, 1, 1, 3), (2, 2, 2, 5000), (3, 3, 1, 2250), (2, 4, 1, 700);",
            NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(raw, "SELECT qty FROM stock_sum_origin WHERE origin = 'FR'", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(st, 0), 7253); /* what schema 29 showed */
    sqlite3_finalize(st);
    sqlite3_close(raw);

    assert_int_equal(ent_db_open(&db, path, 0), ENT_OK);
    static const struct {
        ent_levels_query q;
        const char *want;
    } rows[] = {
        /* 0 */ {{.by = ENT_BY_ORIGIN}, "FR 3 pcs 5000 g 2250 ml 18850 EUR; IT 0 pcs 700 g 0 ml 0 -"},
        /* 1 */ {{.by = ENT_BY_ORIGIN, .location = "S1"}, "FR 3 pcs 0 g 2250 ml 9600 EUR; IT 0 pcs 700 g 0 ml 0 -"},
        /* 2 */ {{.by = ENT_BY_ORIGIN, .location = "B1"}, "FR 0 pcs 5000 g 0 ml 9250 EUR"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char got[512] = "";
        EXPECT_ROW(i, db, ent_stock_levels(db, &rows[i].q, origin_row, got), ENT_OK, "");
        if (strcmp(got, rows[i].want) != 0)
            fail_msg("row %zu: got '%s', want '%s'", i, got, rows[i].want);
    }
    int problems = 0;
    assert_int_equal(ent_db_check(db, count_problem, &problems), ENT_OK);
    assert_int_equal(
        ent_stock_transfer(db,
                           &(ent_move_req){.product = "BRIE", .lot = "B1", .location = "B1", .to = "S1", .qty = 1200}),
        ENT_OK);
    char got[512] = "";
    ent_levels_query q = {.by = ENT_BY_ORIGIN, .location = "S1"};
    assert_int_equal(ent_stock_levels(db, &q, origin_row, got), ENT_OK);
    assert_string_equal(got, "FR 3 pcs 1200 g 2250 ml 11820 EUR; IT 0 pcs 700 g 0 ml 0 -");
    assert_int_equal(ent_db_check(db, count_problem, &problems), ENT_OK);
    ent_db_close(db);
    unlink(path);
}

static int on_hand_of(const ent_count_line *ln, void *ud)
{
    if (strcmp(ln->lot, "B") == 0)
        *(int64_t *)ud = ln->difference;
    return 0;
}

/* A posted line as shown: what it was measured against, counted, the difference. */
static int posted_line(const ent_count_line *ln, void *ud)
{
    int64_t *v = ud;
    if (strcmp(ln->lot, "B") == 0)
        v[0] = ln->expected, v[1] = ln->counted, v[2] = ln->difference;
    return 0;
}

/* Issue 9: counts must never inflate stock. */
static void count_rows(void **state)
{
    ent_db *db = *state;
    catalogue(db);
    entx_clock_set("2026-11-30T10:00:00Z");
    ent_receive r = good();
    r.location = "A-01-03";
    r.lot = "A";
    r.qty = 9;
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    r.location = "B-01";
    r.lot = "B";
    r.qty = 3;
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    char id[37], other[37];
    assert_int_equal(ent_count_start(db, id, "A-01-03", "wang"), ENT_OK);
    /* One open count per location. */
    assert_int_equal(ent_count_start(db, other, "A-01-03", "li"), ENT_REFUSED);
    char want[200];
    snprintf(want, sizeof want,
             "location A-01-03 already has an open count, %.8s (begun 2026-11-30T10:00:00Z): "
             "post it before starting another",
             id);
    assert_string_equal(ent_errmsg(db), want);
    /* 3 of lot B move onto the shelf after the count began, then are counted. */
    assert_int_equal(
        ent_stock_transfer(
            db,
            &(ent_move_req){
                .product = "3017620422003", .lot = "B", .location = "B-01", .to = "A-01-03", .qty = 3, .user = "li"}),
        ENT_OK);
    char short_id[9];
    snprintf(short_id, sizeof short_id, "%.8s", id);
    assert_int_equal(ent_count_record(db, short_id, "3017620422003", "B", 3, "wang"), ENT_OK);
    int64_t diff = 99;
    assert_int_equal(ent_count_post(db, short_id, 0, "wang", on_hand_of, &diff), ENT_OK);
    assert_int_equal(diff, 0);
    assert_int_equal(total(db, "03017620422003"), 12);

    /* A forced post sets each counted line to what was counted. */
    assert_int_equal(ent_count_start(db, id, "A-01-03", "wang"), ENT_OK);
    assert_int_equal(ent_count_record(db, id, "3017620422003", "B", 2, "wang"), ENT_OK);
    assert_int_equal(
        ent_stock_scrap(db, &(ent_move_req){.product = "3017620422003", .lot = "B", .location = "A-01-03", .qty = 1}),
        ENT_OK);
    assert_int_equal(ent_count_post(db, id, 0, "wang", NULL, NULL), ENT_REFUSED);
    assert_string_equal(ent_errmsg(db), "1 counted line moved after it was counted (03017620422003 lot B): recount "
                                        "it, or force the post to set it to what was counted");
    int64_t shown[3] = {-1, -1, -1};
    assert_int_equal(ent_count_post(db, id, 1, "wang", posted_line, shown), ENT_OK);
    /* 2 on hand after the scrap, 2 counted: the line reads 2, 2, +0, not the
     * 3 expected when it was counted beside a difference of 0. */
    assert_int_equal(shown[0], 2);
    assert_int_equal(shown[1], 2);
    assert_int_equal(shown[2], 0);
    assert_int_equal(total(db, "03017620422003"), 11);

    /* Naming counts: too short, not hex, unknown, ambiguous. */
    sqlite3 *raw;
    sqlite3_open(test_db_path, &raw);
    assert_int_equal(sqlite3_exec(raw,
                                  "INSERT INTO stock_count(uuid, location_id, started_at, last_move_id) VALUES "
                                  "('abcdef01-0000-4000-8000-000000000001', 2, '2026-11-30T00:00:00Z', 0), "
                                  "('abcdef01-0000-4000-8000-000000000002', 3, '2026-11-30T00:00:00Z', 0)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(raw);
    static const struct {
        const char *ref;
        int rc;
        const char *msg;
    } rows[] = {
        /* 0 */ {"abcdef0", ENT_INVALID,
                 "count 'abcdef0' is not a count id: give the id printed when the count "
                 "began, or its first 8 characters"},
        /* 1 */ {"abcdef01", ENT_INVALID, "count 'abcdef01' is the start of several count ids: give more of it"},
        /* 2 */ {"ABCDEF01-0000-4000-8000-000000000002", ENT_OK, ""},
        /* 3 */ {"12345678", ENT_NOTFOUND, "no count '12345678' (the list of counts shows every id)"},
        /* 4 */
        {"批批批批批批批批", ENT_INVALID,
         "count '批批批批批批批批' is not a count id: give the id printed "
         "when the count began, or its first 8 characters"},
        /* 5 */
        {"\xff\xfe"
         "12345678",
         ENT_INVALID,
         "count '\\xFF\\xFE12345678' is not a count id: give "
         "the id printed when the count began, or its first 8 characters"},
        /* 6 */ {"", ENT_INVALID, "no count given"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        EXPECT_ROW(i, db, ent_count_show(db, rows[i].ref, NULL, NULL), rows[i].rc, rows[i].msg);
    int n = 0;
    assert_int_equal(ent_count_each(db, 1, count_cb, &n), ENT_OK);
    assert_int_equal(n, 2);
    n = 0;
    assert_int_equal(ent_count_each(db, 0, count_cb, &n), ENT_OK);
    assert_int_equal(n, 4);
    entx_clock_set(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(location_rows, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(receive_rows, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(shelf_life_rows, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(bounds_and_weighed_goods, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(origin_units, test_db_setup, test_db_teardown),
        cmocka_unit_test(origin_units_from_29),
        cmocka_unit_test_setup_teardown(count_rows, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(guarded_moves, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(levels_add_up, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(counts, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(ledger_is_append_only, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(check_names_drift, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(concurrent_takers, test_db_setup, test_db_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
