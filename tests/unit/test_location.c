/* locations: codes regardless of case, renaming, retiring; the migration
 * that brings an older database's locations and prices up to date. */
#include <sqlite3.h>

#include "testutil.h"
#include "schema.h"
#include "stock_internal.h"

static int list_cb(const ent_location *loc, void *ud)
{
    char *out = ud;
    strcat(out, loc->code);
    strcat(out, " ");
    return 0;
}

static void add_rows(void **state)
{
    ent_db *db = *state;
    assert_int_equal(ent_location_add(db, "A-01-03", NULL, "Aisle A"), ENT_OK);
    static const struct {
        const char *code, *kind, *name;
        int rc;
        const char *msg;
    } rows[] = {
        /* 0 */ {"a-01-03", NULL, NULL, ENT_EXISTS, "location a-01-03 already exists as A-01-03 (codes do not depend on case)"},
        /* 1 */ {"A-01-03", NULL, NULL, ENT_EXISTS, "location A-01-03 already exists"},
        /* 2 */ {"B-1", "", NULL, ENT_INVALID,
                 "the location kind is empty: give shelf, backroom, bonded, quarantine or returns, or leave it out "
                 "for a shelf"},
        /* 3 */ {"B-1", NULL, "", ENT_INVALID, "the location name is empty: give a name or leave it out"},
        /* 4 */ {"", NULL, NULL, ENT_INVALID,
                 "location code '' must be 1 to 32 letters, digits or - _ . / (such as A-01-03)"},
        /* 5 */ {"\xff", NULL, NULL, ENT_INVALID,
                 "location code '\\xFF' must be 1 to 32 letters, digits or - _ . / (such as A-01-03)"},
        /* 6 */ {"B-1", "Shelf", NULL, ENT_INVALID,
                 "location kind 'Shelf' must be shelf, backroom, bonded, quarantine or returns"},
        /* 7 */ {"B-1", NULL, "\xe6\xa6", ENT_INVALID, "location name is not valid UTF-8 text"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        EXPECT_ROW(i, db, ent_location_add(db, rows[i].code, rows[i].kind, rows[i].name), rows[i].rc, rows[i].msg);
    /* Found whatever the case it is typed in. */
    int64_t id1 = 0, id2 = 0;
    char kind[16];
    assert_int_equal(entx_location_id(db, &id1, kind, "A-01-03"), ENT_OK);
    assert_int_equal(entx_location_id(db, &id2, NULL, "a-01-03"), ENT_OK);
    assert_int_equal(id1, id2);
    assert_string_equal(kind, "shelf");
}

static void edit_and_retire(void **state)
{
    ent_db *db = *state;
    char list[256] = "", uuid[37];
    ent_product_fields f = {0};
    f.gtin = "3017620422003";
    f.name_en = "Nut";
    f.price = "39.90";
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    assert_int_equal(ent_location_add(db, "A-01-03", NULL, NULL), ENT_OK);
    assert_int_equal(ent_location_add(db, "B-01", "backroom", NULL), ENT_OK);
    assert_int_equal(ent_location_add(db, "C-01", "backroom", NULL), ENT_OK);
    ent_receive r = {.product = "3017620422003", .qty = 5, .lot = "L1", .origin = "IT", .unit_cost = -1,
                     .location = "b-01"};
    assert_int_equal(ent_stock_receive(db, NULL, &r), ENT_OK);
    assert_int_equal(ent_count_start(db, uuid, "c-01", "tester"), ENT_OK);
    static const struct {
        const char *op, *code, *new_code, *name;
        int rc;
        const char *msg;
    } rows[] = {
        /* 0 */ {"edit", "A-01-03", NULL, NULL, ENT_INVALID, "nothing to change: give a new code or a new name"},
        /* 1 */ {"edit", "A-01-03", "b-01", NULL, ENT_EXISTS,
                 "location b-01 already exists as B-01 (codes do not depend on case)"},
        /* 2 */ {"edit", "A-01-03", "A 1", NULL, ENT_INVALID,
                 "location code 'A 1' must be 1 to 32 letters, digits or - _ . / (such as A-01-03)"},
        /* 3 */ {"edit", "Z-9", "Z-8", NULL, ENT_NOTFOUND, "no location 'Z-9'"},
        /* 4 */ {"edit", "a-01-03", "A-01-04", "Aisle A", ENT_OK, ""},
        /* 5 */ {"edit", "A-01-04", "a-01-04", NULL, ENT_OK, ""}, /* its own code in another case */
        /* 6 */ {"retire", "b-01", NULL, NULL, ENT_REFUSED,
                 "location B-01 still holds 5 units: move them elsewhere before retiring it"},
        /* 7 */ {"retire", "C-01", NULL, NULL, ENT_REFUSED,
                 "location C-01 has a stock count open: post it before retiring the location"},
        /* 8 */ {"retire", "A-01-04", NULL, NULL, ENT_OK, ""},
        /* 9 */ {"retire", "A-01-04", NULL, NULL, ENT_REFUSED, "location a-01-04 is already retired"},
        /* 10 */ {"edit", "a-01-04", NULL, "x", ENT_REFUSED,
                  "location a-01-04 is retired: it keeps its code and name, so that history never comes to mean "
                  "another place"},
        /* 11 */ {"edit", "B-01", "A-01-04", NULL, ENT_EXISTS,
                  "location a-01-04 already exists (retired, kept for history): choose another code"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        int rc = strcmp(rows[i].op, "edit") == 0 ? ent_location_edit(db, rows[i].code, rows[i].new_code, rows[i].name)
                                                 : ent_location_retire(db, rows[i].code);
        EXPECT_ROW(i, db, rc, rows[i].rc, rows[i].msg);
    }
    /* Retired: gone from the list, refused as a place for stock. */
    assert_int_equal(ent_location_each(db, list_cb, list), ENT_OK);
    assert_string_equal(list, "B-01 C-01 ");
    r.location = "A-01-04";
    EXPECT_ROW(0, db, ent_stock_receive(db, NULL, &r), ENT_REFUSED,
               "location a-01-04 is retired: no stock can go there");
    /* Renamed, the stock went with it. */
    assert_int_equal(ent_location_edit(db, "B-01", "B-02", NULL), ENT_OK);
    int64_t on_hand = 0, lots = 0;
    assert_int_equal(entx_stock_product_usage(db, &on_hand, &lots, 1), ENT_OK);
    assert_int_equal(on_hand, 5);
    assert_int_equal(lots, 1);
}

/* A database from before migration 6: location codes differing only in
 * case, a commodity added without a price (stored as 0). */
static void upgrade(void **state)
{
    (void)state;
    const char *path = "unit_location_upgrade.db";
    sqlite3 *raw;
    ent_db *db = NULL;
    unlink(path);
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    for (int i = 0; i < 5 && i < entx_migration_count; i++)
        assert_int_equal(sqlite3_exec(raw, entx_migrations[i].sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw,
                                  "PRAGMA user_version = 5;"
                                  "INSERT INTO store VALUES (1, 'OLD', 'old', 'CNY', 'UTC', '2025-01-01T00:00:00Z');"
                                  "INSERT INTO location(code, kind) VALUES ('A-01', 'shelf'), ('a-01', 'shelf'), "
                                  "  ('B-01', 'backroom'), ('A-01X', 'shelf');"
                                  "INSERT INTO product(gtin, name_en, price, currency, created_at, updated_at) VALUES "
                                  "  ('03017620422003', 'Nut', 0, 'CNY', 'x', 'x'), "
                                  "  ('04006381333931', 'Pen', 850, 'CNY', 'x', 'x');",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(raw);
    assert_int_equal(ent_db_open(&db, path, 0), ENT_OK);
    char list[256] = "";
    assert_int_equal(ent_location_each(db, list_cb, list), ENT_OK);
    assert_string_equal(list, "A-01 A-01X B-01 a-01-DUP2 ");
    ent_product *p = NULL;
    assert_int_equal(ent_product_find(db, &p, NULL, "3017620422003"), ENT_OK);
    assert_int_equal(p->unpriced, 1);
    ent_product_free(p);
    assert_int_equal(ent_product_find(db, &p, NULL, "4006381333931"), ENT_OK);
    assert_int_equal(p->unpriced, 0);
    assert_int_equal(p->price, 850);
    ent_product_free(p);
    ent_db_close(db);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(add_rows, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(edit_and_retire, test_db_setup, test_db_teardown),
        cmocka_unit_test(upgrade),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
