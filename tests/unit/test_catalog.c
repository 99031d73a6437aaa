/* catalog module: adding, editing, finding, barcodes, CSV import/export. */
#include "testutil.h"
#include "internal.h"
#include "catalog_internal.h"
#include "search_internal.h"

#define NOTHING "\x01" /* a field left out */

static ent_product_fields fields(const char *gtin, const char *sku, const char *zh, const char *en)
{
    ent_product_fields f = {0};
    f.gtin = gtin;
    f.sku = sku;
    f.name_zh = zh;
    f.name_en = en;
    return f;
}

static void add_rows(void **state)
{
    ent_db *db = *state;
    static const struct {
        const char *field, *value;
        int rc;
        const char *msg;
    } rows[] = {
        /*  0 */ {"gtin", "4006381333932", ENT_INVALID, "GTIN 4006381333932: check digit should be 1"},
        /*  1 */ {"gtin", "400638133393", ENT_INVALID, "GTIN 400638133393: 12 digits... "},
        /*  2 */ {"gtin", "40063813339A", ENT_INVALID, "GTIN 40063813339A: 'A' is not a digit"},
        /*  3 */ {"gtin", "12345", ENT_INVALID, "GTIN 12345: 5 digits, expected 8, 12, 13 or 14"},
        /*  4 */ {"origin", "XX", ENT_INVALID, "origin 'XX' is not an ISO 3166-1 country code"},
        /*  5 */ {"price", "-1", ENT_INVALID, "price '-1' must not be negative"},
        /*  6 */ {"price", "1.234", ENT_INVALID, "price: amount '1.234' has too many fraction digits for CNY"},
        /*  7 */ {"tax_rate", "130", ENT_INVALID, "tax_rate '130' must be a percentage from 0 to 100 such as 13 or 9.5"},
        /*  8 */ {"unit", "kg", ENT_INVALID, "unit 'kg' must be pcs, g or ml"},
        /*  9 */ {"net_content", "500 lbs", ENT_INVALID,
                  "net_content '500 lbs' must be an amount and a unit such as 500 g, 1.5 kg, 750 ml, 1 l, 12 pcs "
                  "(more than 0, at most 10000 kg, 10000 l or 10000000 pcs)"},
        /* 10 */ {"hs_code", "12", ENT_INVALID, "hs_code '12' must be 6 to 10 digits"},
        /* 11 */ {"reorder_point", "-4", ENT_INVALID, "reorder_point '-4' must not be negative"},
        /* 12 */ {"shelf_life_days", "0", ENT_INVALID, "shelf_life_days '0' is too small: the least is 1"},
        /* 13 */ {"name_zh", "\xff\xfe", ENT_INVALID, "name_zh is not valid UTF-8 text"},
        /* 14 */ {"currency", "ABC", ENT_INVALID, "currency 'ABC' is not an ISO 4217 code"},
        /* 15 */ {"sku", "has space", ENT_INVALID, "sku 'has space' must be 1 to 32 letters, digits or - _ . /"},
        /* 16 */ {"brand", "tab\there", ENT_INVALID, "brand holds a control character (byte 4)"},
        /* 17 */ {"gtin", "00000000", ENT_INVALID, "GTIN 00000000: all zeros is not a GTIN"},
        /* 18 */ {"gtin", "0000000000000", ENT_INVALID, "GTIN 0000000000000: all zeros is not a GTIN"},
        /* 19 */ {"price", "100000000.01", ENT_INVALID, "price '100000000.01' is too high: at most 100000000.00 CNY"},
        /* 20 */ {"net_content", "10001 kg", ENT_INVALID,
                  "net_content '10001 kg' must be an amount and a unit such as 500 g, 1.5 kg, 750 ml, 1 l, 12 pcs "
                  "(more than 0, at most 10000 kg, 10000 l or 10000000 pcs)"},
        /* 21 */ {"reorder_point", "1000000001", ENT_INVALID,
                  "reorder_point '1000000001' is too large: the most is 1000000000"},
        /* 22 */ {"currency", "EURO", ENT_INVALID, "currency 'EURO' is not an ISO 4217 code: a code has 3 letters, such as CNY or EUR"},
        /* 23 */ {"origin", "中国中国中国中国中国中国中国中国中国中国中国中国中国中国中国中国中国中国中国中国中国",
                  ENT_INVALID, /* 42 characters: the first 40 whole, then "…" */
                  "origin '中国中国中国中国中国中国中国中国中国中国中国中国中国中国中国中国中国中国中国中国…' is not an "
                  "ISO 3166-1 country code"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        ent_product_fields f = fields("3017620422003", NULL, "榛子可可酱", "Hazelnut spread");
        const char **slot = NULL;
        if (!strcmp(rows[i].field, "gtin")) slot = &f.gtin;
        else if (!strcmp(rows[i].field, "origin")) slot = &f.origin;
        else if (!strcmp(rows[i].field, "price")) slot = &f.price;
        else if (!strcmp(rows[i].field, "tax_rate")) slot = &f.tax_rate;
        else if (!strcmp(rows[i].field, "unit")) slot = &f.unit;
        else if (!strcmp(rows[i].field, "net_content")) slot = &f.net_content;
        else if (!strcmp(rows[i].field, "hs_code")) slot = &f.hs_code;
        else if (!strcmp(rows[i].field, "reorder_point")) slot = &f.reorder_point;
        else if (!strcmp(rows[i].field, "shelf_life_days")) slot = &f.shelf_life_days;
        else if (!strcmp(rows[i].field, "name_zh")) slot = &f.name_zh;
        else if (!strcmp(rows[i].field, "currency")) slot = &f.currency;
        else if (!strcmp(rows[i].field, "sku")) slot = &f.sku;
        else if (!strcmp(rows[i].field, "brand")) slot = &f.brand;
        *slot = rows[i].value;
        int rc = ent_product_add(db, &f);
        /* Row 1's message depends on nothing but the digit count; compare its prefix. */
        if (i == 1) {
            if (rc != ENT_INVALID || strstr(ent_errmsg(db), "check digit") == NULL)
                fail_msg("row 1: %d %s", rc, ent_errmsg(db));
            continue;
        }
        EXPECT_ROW(i, db, rc, rows[i].rc, rows[i].msg);
    }
    /* None of the bad rows left anything behind. */
    ent_product *p = NULL;
    assert_int_equal(ent_product_find(db, &p, NULL, "3017620422003"), ENT_NOTFOUND);
}

static void add_find_edit(void **state)
{
    ent_db *db = *state;
    ent_product_fields f = fields("3017620422003", "NUT-400", "榛子可可酱", "Hazelnut spread");
    f.origin = "ita";
    f.net_content = "0.4 kg";
    f.price = "39.90";
    f.tax_rate = "13%";
    f.hs_code = "1806.90";
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    assert_int_equal(ent_product_add(db, &f), ENT_EXISTS);
    assert_string_equal(ent_errmsg(db), "GTIN 03017620422003 is already used by another commodity: 03017620422003 榛子可可酱");

    ent_product *p = NULL;
    int64_t qty = 0;
    /* Found by GTIN-13, GTIN-14 and SKU alike. */
    const char *codes[] = {"3017620422003", "03017620422003", "NUT-400"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(ent_product_find(db, &p, &qty, codes[i]), ENT_OK);
        assert_string_equal(p->gtin, "03017620422003");
        assert_string_equal(p->origin, "IT");
        assert_int_equal(p->net_content, 400);
        assert_string_equal(p->net_unit, "g");
        assert_int_equal(p->price, 3990);
        assert_int_equal(p->tax_rate, 1300);
        assert_string_equal(p->hs_code, "180690");
        assert_int_equal(qty, 1);
        ent_product_free(p);
    }
    assert_int_equal(ent_product_find(db, &p, NULL, "3017620422004"), ENT_INVALID);
    assert_string_equal(ent_errmsg(db), "GTIN 3017620422004: check digit should be 3");
    assert_int_equal(ent_product_find(db, &p, NULL, "NOPE"), ENT_NOTFOUND);
    assert_string_equal(ent_errmsg(db), "no commodity has the code 'NOPE'");

    ent_product_fields e = {0};
    e.price = "35.90";
    e.brand = "Nutella";
    assert_int_equal(ent_product_edit(db, "NUT-400", &e), ENT_OK);
    e = (ent_product_fields){0};
    e.brand = ""; /* clears */
    e.name_en = "";
    assert_int_equal(ent_product_edit(db, "NUT-400", &e), ENT_OK);
    assert_int_equal(ent_product_find(db, &p, NULL, "NUT-400"), ENT_OK);
    assert_int_equal(p->price, 3590);
    assert_null(p->brand);
    assert_null(p->name_en);
    assert_string_equal(p->name_zh, "榛子可可酱");
    ent_product_free(p);
    /* Both names cleared is refused, and the commodity stays as it was. */
    e.name_zh = "";
    assert_int_equal(ent_product_edit(db, "NUT-400", &e), ENT_INVALID);
    assert_string_equal(ent_errmsg(db), "a commodity needs a name: name_zh or name_en");
    e = (ent_product_fields){0};
    e.currency = "EUR";
    assert_int_equal(ent_product_edit(db, "NUT-400", &e), ENT_INVALID);
    assert_string_equal(ent_errmsg(db), "changing the currency needs the price in it too");
}

static void barcodes(void **state)
{
    ent_db *db = *state;
    ent_product_fields f = fields("4006381333931", NULL, NULL, "Pen");
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    /* A case of 12 with its own GTIN-14 (indicator 1). */
    assert_int_equal(ent_product_barcode_add(db, "4006381333931", "14006381333938", 12), ENT_OK);
    int64_t id, qty = 0;
    assert_int_equal(ent_product_id(db, &id, &qty, "14006381333938"), ENT_OK);
    assert_int_equal(qty, 12);
    assert_int_equal(ent_product_barcode_add(db, "4006381333931", "14006381333938", 6), ENT_EXISTS);
    assert_int_equal(ent_product_barcode_add(db, "4006381333931", "4006381333931", 1), ENT_EXISTS);
    assert_int_equal(ent_product_barcode_add(db, "4006381333931", "14006381333939", 6), ENT_INVALID);
    assert_string_equal(ent_errmsg(db), "GTIN 14006381333939: check digit should be 8");
    assert_int_equal(ent_product_barcode_add(db, "4006381333931", "OLD-PEN", 0), ENT_INVALID);
    assert_int_equal(ent_product_barcode_remove(db, "14006381333938"), ENT_OK);
    assert_int_equal(ent_product_barcode_remove(db, "14006381333938"), ENT_NOTFOUND);
    /* A new commodity may not take a code already used as a barcode. */
    assert_int_equal(ent_product_barcode_add(db, "4006381333931", "5000112548167", 1), ENT_OK);
    f = fields("5000112548167", NULL, NULL, "Cola");
    assert_int_equal(ent_product_add(db, &f), ENT_EXISTS);
}

static int count_cb(const ent_product *p, void *ud)
{
    (void)p;
    (*(int *)ud)++;
    return 0;
}

static int import_text(ent_db *db, const char *csv, int update, int64_t *n)
{
    FILE *f = fmemopen((void *)csv, strlen(csv), "rb");
    int rc = ent_product_import_csv(db, n, f, update);
    fclose(f);
    return rc;
}

struct seen_progress {
    char said[4][64];
    int n;
};

static void note_progress(const char *stage, int64_t done, int64_t total, void *ud)
{
    struct seen_progress *sp = ud;
    if (sp->n < 4)
        snprintf(sp->said[sp->n], sizeof sp->said[0], "%s %lld %lld", stage, (long long)done, (long long)total);
    sp->n++;
}

/* A long import says how far it got: every 10,000 rows, then the search keys. */
static void csv_import_progress(void **state)
{
    ent_db *db = *state;
    char *csv = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&csv, &len);
    fputs("sku,name_en,price,tax_rate\n", f);
    for (int i = 0; i < 10001; i++)
        fprintf(f, "S%05d,Tea %d,1.00,13\n", i, i);
    fclose(f);
    struct seen_progress sp = {0};
    ent_import_opts o = {.progress = note_progress, .progress_ud = &sp};
    int64_t n = 0;
    f = fmemopen(csv, len, "rb");
    assert_int_equal(ent_product_import_csv_opts(db, &n, f, &o), ENT_OK);
    fclose(f);
    assert_int_equal(n, 10001);
    assert_int_equal(sp.n, 2);
    assert_string_equal(sp.said[0], "rows 10000 0");
    assert_string_equal(sp.said[1], "search keys 0 10001");
    /* a refused file says no more after its bad row, and imports nothing */
    f = fmemopen((void *)"sku,price\nX1,abc\n", 17, "rb");
    sp.n = 0;
    assert_int_equal(ent_product_import_csv_opts(db, &n, f, &o), ENT_INVALID);
    fclose(f);
    assert_int_equal(n, 0);
    assert_int_equal(sp.n, 0);
    /* no options: a new-only import without progress */
    static const char one[] = "sku,name_en,price,tax_rate\nX2,Tea,1.00,13\n";
    f = fmemopen((void *)one, strlen(one), "rb");
    assert_int_equal(ent_product_import_csv_opts(db, &n, f, NULL), ENT_OK);
    fclose(f);
    assert_int_equal(n, 1);
    free(csv);
}

static void csv_import_rows(void **state)
{
    ent_db *db = *state;
    static const struct {
        const char *csv;
        int rc;
        const char *msg;
    } rows[] = {
        /* 0 */ {"", ENT_INVALID, "row 1: the file is empty; expected a header row"},
        /* 1 */ {"gtin,colour\n", ENT_INVALID,
                 "row 1, column 2: unknown column 'colour' (known: gtin, sku, name_zh, name_en, brand, origin, "
                 "hs_code, unit, net_content, price, currency, tax_rate, importer, reorder_point, storage, "
                 "shelf_life_days, sell_unit, food_kind, ingredients, allergens, abv, energy_kj, protein, fat, "
                 "carbohydrate, sodium)"},
        /* 2 */ {"gtin,gtin\n", ENT_INVALID, "row 1: column 'gtin' appears twice"},
        /* 3 */ {"gtin,name_en\n4006381333931,Pen\n5000112548167\n", ENT_INVALID, "row 3: 1 fields, the header has 2"},
        /* 4 */ {"gtin,name_en\n4006381333931,Pen\n5000112548168,Cola\n", ENT_INVALID,
                 "row 3: GTIN 5000112548168: check digit should be 7"},
        /* 5 */ {"gtin,name_en,origin\n4006381333931,Pen,DE\n5000112548167,Cola,ZZ\n", ENT_INVALID,
                 "row 3: origin 'ZZ' is not an ISO 3166-1 country code"},
        /* 6 */ {"gtin,name_en\n4006381333931,Pen\n4006381333931,Pen again\n", ENT_EXISTS,
                 "row 3: GTIN 04006381333931 is a duplicate of row 2 of the same file"},
        /* 7 */ {"gtin,name_zh\n4006381333931,\"unterminated\n", ENT_INVALID,
                 "row 2, column name_zh: a quoted field is never closed"},
        /* 8 */ {"gtin,name_zh\n4006381333931,\xff\n", ENT_INVALID, "row 2, column name_zh: not valid UTF-8 text"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        int64_t n = -1;
        EXPECT_ROW(i, db, import_text(db, rows[i].csv, 0, &n), rows[i].rc, rows[i].msg);
        int count = 0;
        ent_product_each(db, NULL, NULL, 0, count_cb, &count);
        if (count != 0)
            fail_msg("row %zu: %d commodities left behind", i, count);
    }
}

static void csv_round_trip(void **state)
{
    ent_db *db = *state;
    const char *csv = "gtin,sku,name_zh,name_en,origin,net_content,price,tax_rate,importer\r\n"
                      "4006381333931,PEN-1,钢笔,\"Pen, blue\",DE,12 pcs,8.50,13,\"上海某某进口有限公司\"\r\n"
                      "5000112548167,,可口可乐,Coca-Cola,GB,330 ml,3.5,9,\r\n"
                      "\r\n";
    int64_t n = 0;
    if (import_text(db, csv, 0, &n) != ENT_OK)
        fail_msg("%s", ent_errmsg(db));
    assert_int_equal(n, 2);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    assert_int_equal(ent_product_export_csv(db, f), ENT_OK);
    fclose(f);
    assert_non_null(strstr(out, "04006381333931,PEN-1,钢笔,\"Pen, blue\",,DE,,pcs,12 pcs,8.50,CNY,13.00,"
                                "上海某某进口有限公司,0,,,,,,,,,,,,\r\n"));
    /* Export, then import into a fresh catalogue with --update: nothing changes. */
    f = fmemopen(out, len, "rb");
    assert_int_equal(ent_product_import_csv(db, &n, f, 1), ENT_OK);
    fclose(f);
    assert_int_equal(n, 2);
    ent_product *p = NULL;
    assert_int_equal(ent_product_find(db, &p, NULL, "5000112548167"), ENT_OK);
    assert_int_equal(p->price, 350);
    assert_int_equal(p->net_content, 330);
    ent_product_free(p);
    free(out);
    /* An update changes only the columns the file has. */
    assert_int_equal(import_text(db, "gtin,price\n5000112548167,4.00\n", 1, &n), ENT_OK);
    assert_int_equal(ent_product_find(db, &p, NULL, "5000112548167"), ENT_OK);
    assert_int_equal(p->price, 400);
    assert_string_equal(p->name_zh, "可口可乐");
    ent_product_free(p);
}

static void search(void **state)
{
    ent_db *db = *state;
    const char *csv = "gtin,name_zh,name_en,brand,origin\n"
                      "4006381333931,特级初榨橄榄油,Extra virgin olive oil,Oliva,IT\n"
                      "5000112548167,可口可乐,Cola,Coca,GB\n"
                      "3017620422003,榛子可可酱,Hazelnut spread 50%,Nutella,IT\n";
    int64_t n;
    assert_int_equal(import_text(db, csv, 0, &n), ENT_OK);
    static const struct {
        const char *text, *origin;
        int count;
    } rows[] = {
        {"橄榄油", NULL, 1}, {"olive", NULL, 1}, {"OLIVE", NULL, 1}, {"可", NULL, 2},  {NULL, "IT", 2},
        {NULL, "ITA", 2},    {"50%", NULL, 1},   {"5_%", NULL, 0},   {"Coca", NULL, 1}, {"400638", NULL, 1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        int count = 0;
        assert_int_equal(ent_product_each(db, rows[i].text, rows[i].origin, 0, count_cb, &count), ENT_OK);
        if (count != rows[i].count)
            fail_msg("row %zu: %d found, want %d", i, count, rows[i].count);
    }
}

/* A word other than the one that drives a search matches as the driving
 * word would: a GTIN's last digits only whole. "zq 12" found "Zq milk 5"
 * (GTIN ...12055, whose tail "12055" starts with 12) when "zq" drove, and
 * not when "12" did: the answer hung on which word had fewer keys. */
static void search_words_agree(void **state)
{
    ent_db *db = *state;
    const char *csv = "gtin,name_zh,name_en\n"
                      "6900000000014,测试一,Zq milk 12\n"
                      "6900000012055,测试二,Zq milk 5\n"
                      "6900000000021,测试三,Other 12\n";
    int64_t n;
    assert_int_equal(import_text(db, csv, 0, &n), ENT_OK);
    static const struct {
        const char *text;
        int count;
    } rows[] = {{"zq 12", 1}, {"12 zq", 1}, {"zq milk 12", 1}, {"12 milk zq", 1}, {"zq 1205", 0},
                {"zq 12055", 1}, {"12055 zq", 1}, {"zq 6900000012", 1}, {"12", 2}, {"zq", 2}};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        int count = 0;
        assert_int_equal(ent_product_each(db, rows[i].text, NULL, 0, count_cb, &count), ENT_OK);
        if (count != rows[i].count)
            fail_msg("row %zu '%s': %d found, want %d", i, rows[i].text, count, rows[i].count);
    }
    /* The filter itself, on lists written as search.c writes them. */
    static const struct {
        const char *list, *word;
        int has;
    } keys[] = {{"\n1205x\x1f" "4", "12", 0}, {"\n1205x\x1f" "4", "1205x", 1}, {"\n12ab\x1f" "3", "12", 1},
                {"\nmilk\x1f" "1\n1205x\x1f" "4\n12\x1f" "3", "12", 1}, {"\nab\x1f" "3", "b", 0},
                {"\nab\x1f" "3", "", 0}};
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db->sql, "SELECT entx_has_key(?1, ?2)", -1, &st, NULL), SQLITE_OK);
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        sqlite3_bind_text(st, 1, keys[i].list, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, keys[i].word, -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        if (sqlite3_column_int(st, 0) != keys[i].has)
            fail_msg("key row %zu ('%s'): %d, want %d", i, keys[i].word, sqlite3_column_int(st, 0), keys[i].has);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
}

/* A search reads one snapshot. The commit of a matching commodity, made by
 * another connection just as the search's second pass starts, is not seen by
 * that search, and is by the next:
 * in autocommit mode each statement read its own moment, and a search could
 * see part of an import (the store server's counters did). */
static ent_db *other_conn;
static int committed;

static int commit_at_pass(unsigned type, void *ctx, void *p, void *x)
{
    (void)type;
    (void)ctx;
    (void)x;
    const char *sql = sqlite3_sql(p);
    if (committed < 2 && sql && strstr(sql, "FROM product_key k JOIN product p") && ++committed == 2) {
        ent_product_fields f = fields("6900000000038", NULL, "测试四", "Zq milk 9");
        assert_int_equal(ent_product_add(other_conn, &f), ENT_OK);
    }
    return 0;
}

static void search_one_snapshot(void **state)
{
    ent_db *db = *state;
    const char *csv = "gtin,name_zh,name_en\n"
                      "6900000000014,测试一,Zq milk 1\n"
                      "6900000000021,测试二,Zq milk 2\n";
    int64_t n;
    assert_int_equal(import_text(db, csv, 0, &n), ENT_OK);
    assert_int_equal(ent_db_open(&other_conn, test_db_path, 0), ENT_OK);
    committed = 0;
    assert_int_equal(sqlite3_trace_v2(db->sql, SQLITE_TRACE_STMT, commit_at_pass, NULL), SQLITE_OK);
    int count = 0;
    assert_int_equal(ent_product_each(db, "zq milk", NULL, 0, count_cb, &count), ENT_OK);
    assert_int_equal(committed, 2);
    assert_int_equal(count, 2);
    count = 0;
    assert_int_equal(ent_product_each(db, "zq milk", NULL, 0, count_cb, &count), ENT_OK);
    assert_int_equal(count, 3);
    sqlite3_trace_v2(db->sql, 0, NULL, NULL);
    ent_db_close(other_conn);
}

/* Every search key, in key order, as one malloc'd text. */
static char *all_keys(ent_db *db)
{
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    assert_int_equal(sqlite3_prepare_v2(db->sql,
                                        "SELECT coalesce(group_concat(tier || ':' || k || ':' || product_id, '|'), '') "
                                        "FROM (SELECT * FROM product_key ORDER BY tier, k, product_id)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

/* The keys written one commodity at a time, outside any bulk: what a bulk
 * must have written. The keys are put back as they were found. */
static char *keys_one_by_one(ent_db *db)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(entx_tx_begin(db), ENT_OK);
    assert_int_equal(sqlite3_exec(db->sql, "DELETE FROM product_key; DELETE FROM product_key_list", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(
        sqlite3_prepare_v2(db->sql, "SELECT id, gtin, sku, name_zh, name_en, brand FROM product", -1, &st, NULL),
        SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct entx_search_doc d = {(const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 2),
                                    (const char *)sqlite3_column_text(st, 3), (const char *)sqlite3_column_text(st, 4),
                                    (const char *)sqlite3_column_text(st, 5)};
        assert_int_equal(entx_search_index(db, sqlite3_column_int64(st, 0), &d, false), ENT_OK);
    }
    sqlite3_finalize(st);
    char *keys = all_keys(db);
    entx_tx_end(db, ENT_ERROR); /* rolls back: the keys are as the bulk left them */
    return keys;
}

/* Every key named by the commodities' lists (schema 28), as all_keys gives
 * them: "tier:key:commodity", in key order, each once. */
static char *listed_keys(ent_db *db)
{
    sqlite3_stmt *st = NULL, *ins = NULL;
    assert_int_equal(sqlite3_exec(db->sql, "CREATE TEMP TABLE listed(tier, k, product_id)", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db->sql, "INSERT INTO listed VALUES (?1, ?2, ?3)", -1, &ins, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db->sql, "SELECT product_id, keys FROM product_key_list", -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(st, 1);
        assert_int_equal(p[0], '\n');
        while (*p == '\n') {
            p++;
            size_t l = strcspn(p, "\n");
            const char *sep = memchr(p, '\x1f', l);
            assert_non_null(sep);
            sqlite3_bind_int(ins, 1, sep[1] - '0');
            sqlite3_bind_text(ins, 2, p, (int)(sep - p), SQLITE_TRANSIENT);
            sqlite3_bind_int64(ins, 3, sqlite3_column_int64(st, 0));
            assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
            sqlite3_reset(ins);
            p += l;
        }
    }
    sqlite3_finalize(st);
    sqlite3_finalize(ins);
    assert_int_equal(sqlite3_prepare_v2(db->sql,
                                        "SELECT coalesce(group_concat(tier || ':' || k || ':' || product_id, '|'), '') "
                                        "FROM (SELECT DISTINCT * FROM listed ORDER BY tier, k, product_id)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    char *out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_exec(db->sql, "DROP TABLE temp.listed", NULL, NULL, NULL), SQLITE_OK);
    return out;
}

static void expect_bulk_keys(ent_db *db, const char *what)
{
    char *got = all_keys(db), *want = keys_one_by_one(db), *listed = listed_keys(db);
    if (strcmp(got, want) != 0)
        fail_msg("%s: the keys differ from those written one by one:\n%s\n%s", what, got, want);
    /* Each commodity's list names exactly its keys (what a change deletes). */
    if (strcmp(got, listed) != 0)
        fail_msg("%s: the keys differ from those the lists name:\n%s\n%s", what, got, listed);
    free(got);
    free(want);
    free(listed);
    int n = -1;
    sqlite3_stmt *st = NULL;
    /* The bulk's own table is gone, and no second index on the keys is back. */
    assert_int_equal(sqlite3_prepare_v2(db->sql,
                                        "SELECT (SELECT count(*) FROM sqlite_master WHERE tbl_name = 'product_key' "
                                        "AND type = 'index' AND sql IS NOT NULL) "
                                        "+ 2 * (SELECT count(*) FROM sqlite_temp_master WHERE name = 'search_new')",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (n != 0)
        fail_msg("%s: index and temporary table %d, want 0", what, n);
}

/* The keys of a bulk (an import, the demo) are written at its end in key
 * order: the same keys as one by one, into an empty catalogue and a filled
 * one, with updates, a change inside the bulk to a commodity it added, and a
 * failed import; and each commodity's list names its keys. */
static void bulk_keys(void **state)
{
    ent_db *db = *state;
    int64_t n = 0;
    assert_int_equal(import_text(db,
                                 "gtin,sku,name_zh,name_en,brand\n"
                                 "4006381333931,PEN-1,中国银行钢笔,Bank pen,Pelikan\n"
                                 "5000112548167,,可口可乐,Coca-Cola,可口可乐\n"
                                 "3017620422003,,榛子可可酱,Hazelnut spread,Nutella\n",
                                 0, &n),
                     ENT_OK);
    assert_int_equal(n, 3);
    expect_bulk_keys(db, "into an empty catalogue");
    char *before = all_keys(db);
    assert_int_equal(import_text(db, "gtin,name_zh\n4901234567894,绿茶\n5000112548168,坏\n", 0, &n), ENT_INVALID);
    char *after = all_keys(db);
    assert_string_equal(after, before);
    free(after);
    free(before);
    expect_bulk_keys(db, "after a failed import");
    assert_int_equal(import_text(db,
                                 "gtin,name_zh,brand\n"
                                 "4901234567894,长城葡萄酒,长城\n"
                                 "5000112548167,百事可乐,Pepsi\n",
                                 1, &n),
                     ENT_OK);
    expect_bulk_keys(db, "an update into a filled catalogue");
    /* A commodity added in the bulk and changed in it: its first keys go. */
    assert_int_equal(entx_tx_begin(db), ENT_OK);
    assert_int_equal(entx_search_bulk_begin(db), ENT_OK);
    ent_product_fields f = fields("4891028164456", NULL, "乌龙茶", "Oolong tea");
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    f = fields(NULL, NULL, "普洱茶", "Pu-erh tea");
    assert_int_equal(ent_product_edit(db, "4891028164456", &f), ENT_OK);
    assert_int_equal(entx_search_bulk_end(db, ENT_OK), ENT_OK);
    assert_int_equal(entx_tx_end(db, ENT_OK), ENT_OK);
    expect_bulk_keys(db, "a change inside the bulk");
    int count = 0;
    assert_int_equal(ent_product_each(db, "wulong", NULL, 0, count_cb, &count), ENT_OK);
    assert_int_equal(count, 0);
    assert_int_equal(ent_product_each(db, "puer", NULL, 0, count_cb, &count), ENT_OK);
    assert_int_equal(count, 1);
}

/* The names found by a search, in order, joined by "|". */
struct names {
    char buf[512];
};

static int name_cb(const ent_product *p, void *ud)
{
    struct names *n = ud;
    size_t w = strlen(n->buf);
    snprintf(n->buf + w, sizeof n->buf - w, "%s%s", w ? "|" : "", p->name_zh);
    return 0;
}

/* Pinyin search (issue 14): input -> the names expected first, in order. */
static void search_pinyin(void **state)
{
    ent_db *db = *state;
    const char *csv = "gtin,sku,name_zh,name_en,brand,origin\n"
                      "6901234000016,GT-1,绿茶,Green tea,立顿,CN\n"
                      "6901234000023,LC,可口可乐,Cola,Coca,GB\n"
                      "6901234000030,LM-2,柠檬蛋糕,LC Lemon cake,Oma,DE\n"
                      "6901234000047,,纯牛奶,Whole milk,蒙牛,CN\n"
                      "6901234000054,,重庆火锅底料,Hotpot base,,CN\n"
                      "6901234000061,,长城干红葡萄酒,Dry red wine,,CN\n"
                      "6901234000078,,乐事薯片,Potato chips,Lay's,US\n"
                      "4006381333931,XY-9,五行香米,Fragrant rice,,TH\n";
    int64_t n;
    assert_int_equal(import_text(db, csv, 0, &n), ENT_OK);
    static const struct {
        const char *text, *want;
    } rows[] = {
        /*  0 */ {"lc", "可口可乐|柠檬蛋糕|绿茶"}, /* exact SKU, name prefix, initials */
        /*  1 */ {"lvcha", "绿茶"},
        /*  2 */ {"lv", "绿茶"},
        /*  3 */ {"niunai", "纯牛奶"},
        /*  4 */ {"niu nai", "纯牛奶"},
        /*  5 */ {"cnn", "纯牛奶"},
        /*  6 */ {"nn", "纯牛奶"}, /* initials from a later syllable */
        /*  7 */ {"chongqing", "重庆火锅底料"}, /* polyphones: every reading */
        /*  8 */ {"zhongqing", "重庆火锅底料"},
        /*  9 */ {"changcheng", "长城干红葡萄酒"},
        /* 10 */ {"zhangcheng", "长城干红葡萄酒"},
        /* 11 */ {"zc", "长城干红葡萄酒"},
        /* 12 */ {"leshi", "乐事薯片"},
        /* 13 */ {"yueshi", "乐事薯片"},
        /* 14 */ {"wuxing", "五行香米"},
        /* 15 */ {"wuhang", "五行香米"},
        /* 16 */ {"lays", "乐事薯片"}, /* brand */
        /* 17 */ {"lay's 薯片", "乐事薯片"}, /* mixed brand and Chinese */
        /* 18 */ {"coca 可乐", "可口可乐"},
        /* 19 */ {"mengniu", "纯牛奶"}, /* the brand's pinyin */
        /* 20 */ {"牛奶", "纯牛奶"},
        /* 21 */ {"Lemon", "柠檬蛋糕"},
        /* 22 */ {"6901234000047", "纯牛奶"}, /* exact GTIN */
        /* 23 */ {"06901234000047", "纯牛奶"},
        /* 24 */ {"0047", "纯牛奶"}, /* the last 4, 5, 6 digits */
        /* 25 */ {"00047", "纯牛奶"},
        /* 26 */ {"000047", "纯牛奶"},
        /* 27 */ {"400638", "五行香米"}, /* GTIN prefix */
        /* 28 */ {"xy", "五行香米"},     /* SKU prefix */
        /* 29 */ {"xy-9", "五行香米"},
        /* 30 */ {"qqq", ""},
        /* 31 */ {"wu xiang", "五行香米"}, /* both words, neither from the start together */
        /* 32 */ {"蛋糕 lemon", "柠檬蛋糕"},
        /* 33 */ {"GREEN", "绿茶"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        struct names got = {""};
        assert_int_equal(ent_product_each(db, rows[i].text, NULL, 0, name_cb, &got), ENT_OK);
        if (strncmp(got.buf, rows[i].want, strlen(rows[i].want)) != 0 || (!rows[i].want[0] && got.buf[0]))
            fail_msg("row %zu '%s': found '%s', want first '%s'", i, rows[i].text, got.buf, rows[i].want);
    }
    /* The limit, the origin, a retired commodity. */
    struct names got = {""};
    assert_int_equal(ent_product_each(db, "lc", NULL, 2, name_cb, &got), ENT_OK);
    assert_string_equal(got.buf, "可口可乐|柠檬蛋糕");
    got.buf[0] = '\0';
    assert_int_equal(ent_product_each(db, "lc", "DE", 0, name_cb, &got), ENT_OK);
    assert_string_equal(got.buf, "柠檬蛋糕");
    assert_int_equal(ent_product_retire(db, "LC"), ENT_OK);
    got.buf[0] = '\0';
    assert_int_equal(ent_product_each(db, "lc", NULL, 1, name_cb, &got), ENT_OK);
    assert_string_equal(got.buf, "柠檬蛋糕");
    /* An edit changes the keys with the name; an import updating does too. */
    ent_product_fields f = {.name_zh = "红茶"};
    assert_int_equal(ent_product_edit(db, "GT-1", &f), ENT_OK);
    got.buf[0] = '\0';
    assert_int_equal(ent_product_each(db, "lvcha", NULL, 0, name_cb, &got), ENT_OK);
    assert_string_equal(got.buf, "");
    assert_int_equal(ent_product_each(db, "hongcha", NULL, 0, name_cb, &got), ENT_OK);
    assert_string_equal(got.buf, "红茶");
    assert_int_equal(import_text(db, "gtin,name_zh\n6901234000016,白茶\n", 1, &n), ENT_OK);
    got.buf[0] = '\0';
    assert_int_equal(ent_product_each(db, "baicha", NULL, 0, name_cb, &got), ENT_OK);
    assert_string_equal(got.buf, "白茶");
    assert_int_equal(ent_product_each(db, "   ", NULL, 0, name_cb, &got), ENT_INVALID);
    assert_string_equal(ent_errmsg(db), "the text to search for has only spaces");
}

/* The readings: ICU's first, then Unihan's others. */
static void pinyin_readings(void **state)
{
    ent_db *db = *state;
    char out[256];
    assert_int_equal(entx_search_pinyin(db, out, sizeof out, "绿茶 Cola 行"), ENT_OK);
    assert_string_equal(out, "lv/lu cha cola xing/hang");
    assert_int_equal(entx_search_pinyin(db, out, sizeof out, "重长乐"), ENT_OK);
    assert_non_null(strstr(out, "chong"));
    assert_non_null(strstr(out, "zhong"));
    assert_non_null(strstr(out, "chang"));
    assert_non_null(strstr(out, "zhang"));
    assert_non_null(strstr(out, "yue"));
}

/* No price is not a price of zero. */
static void unpriced(void **state)
{
    ent_db *db = *state;
    ent_product_fields f = fields("4006381333931", NULL, NULL, "Pen");
    ent_product *p = NULL;
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    assert_int_equal(ent_product_find(db, &p, NULL, "4006381333931"), ENT_OK);
    assert_int_equal(p->unpriced, 1);
    EXPECT_ROW(0, db, entx_product_sellable(db, p), ENT_REFUSED,
               "04006381333931 Pen has no price yet: it cannot be sold until it is priced");
    ent_product_free(p);
    static const struct {
        const char *price;
        int unpriced;
        int64_t minor;
    } rows[] = {{"0", 0, 0}, {"", 1, 0}, {"8.50", 0, 850}, {"100000000.00", 0, 10000000000LL}, {"", 1, 0}};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        ent_product_fields e = {0};
        e.price = rows[i].price;
        if (ent_product_edit(db, "4006381333931", &e) != ENT_OK)
            fail_msg("row %zu: %s", i, ent_errmsg(db));
        assert_int_equal(ent_product_find(db, &p, NULL, "4006381333931"), ENT_OK);
        if (p->unpriced != rows[i].unpriced || p->price != rows[i].minor)
            fail_msg("row %zu: unpriced %d price %lld", i, p->unpriced, (long long)p->price);
        if ((entx_product_sellable(db, p) == ENT_OK) != !rows[i].unpriced)
            fail_msg("row %zu: sellable says %s", i, ent_errmsg(db));
        ent_product_free(p);
    }
}

/* A code a scanner or a clerk types names one commodity only, in any form. */
static int count_units(const char *code, const char *zh, const char *en, void *ud)
{
    (void)code, (void)zh, (void)en;
    ++*(int *)ud;
    return 0;
}

/* Selling units (schema 15): by code or word in, code and both words out;
 * the closed list refuses anything else, and weighed goods take none. */
static void sell_units(void **state)
{
    ent_db *db = *state;
    ent_product_fields f = fields("3017620422003", NULL, "红葡萄酒", NULL);
    f.sell_unit = "瓶";
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    ent_product *p = NULL;
    assert_int_equal(ent_product_find(db, &p, NULL, "3017620422003"), ENT_OK);
    assert_string_equal(p->sell_unit, "bottle");
    assert_string_equal(p->sell_unit_zh, "瓶");
    assert_string_equal(p->sell_unit_en, "bottle");
    ent_product_free(p);
    ent_product_fields e = {.sell_unit = "carton"};
    assert_int_equal(ent_product_edit(db, "3017620422003", &e), ENT_OK);
    assert_int_equal(ent_product_find(db, &p, NULL, "3017620422003"), ENT_OK);
    assert_string_equal(p->sell_unit_zh, "条");
    ent_product_free(p);
    int n = 0;
    assert_int_equal(ent_sell_unit_each(db, count_units, &n), ENT_OK);
    assert_int_equal(n, 18);
    e.sell_unit = "BOTTLE";
    EXPECT_ROW(0, db, ent_product_edit(db, "3017620422003", &e), ENT_INVALID,
               "sell_unit 'BOTTLE' is not a selling unit; the units are 瓶 bottle, 盒 box, 袋 bag, 罐 jar, 包 pack, "
               "支 tube, 件 piece, 箱 case, 听 can, 条 carton, 双 pair, 套 set, 个 each, 桶 tub, 杯 cup, 块 bar, 片 sheet, "
               "卷 roll");
    ent_product_fields w = fields(NULL, "CHEESE", "奶酪", NULL);
    w.unit = "g";
    w.sell_unit = "块";
    EXPECT_ROW(1, db, ent_product_add(db, &w), ENT_INVALID,
               "sell_unit '块' is for commodities counted in pcs; this one is sold by g (per kg)");
    ent_product_fields clear = {.sell_unit = ""};
    assert_int_equal(ent_product_edit(db, "3017620422003", &clear), ENT_OK);
    assert_int_equal(ent_product_find(db, &p, NULL, "3017620422003"), ENT_OK);
    assert_string_equal(p->sell_unit, "");
    assert_string_equal(p->sell_unit_zh, "");
    ent_product_free(p);
}

/* GB 28050: the "0" thresholds (17 kJ, 0.5 g, 5 mg), the printed precision
 * and NRV% (8400 kJ, 60 g, 60 g, 300 g, 2000 mg) rounded half up. */
static void nutrition_rows(void **state)
{
    (void)state;
    static const struct {
        int64_t v[5];
        const char *amount[5];
        int32_t nrv[5];
    } rows[] = {
        {{2050, 63, 245, 620, 380}, {"2050千焦", "6.3克", "24.5克", "62.0克", "380毫克"}, {24, 11, 41, 21, 19}},
        {{17, 5, 5, 5, 5}, {"0千焦", "0克", "0克", "0克", "0毫克"}, {0, 0, 0, 0, 0}},
        {{18, 6, 6, 6, 6}, {"18千焦", "0.6克", "0.6克", "0.6克", "6毫克"}, {0, 1, 1, 0, 0}},
        {{42, 3, 9, 15, 10}, {"42千焦", "0克", "0.9克", "1.5克", "10毫克"}, {1, 0, 2, 1, 1}},
        {{3700, 1000, 1000, 1000, 40000}, {"3700千焦", "100.0克", "100.0克", "100.0克", "40000毫克"},
         {44, 167, 167, 33, 2000}},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        ent_product p = {.has_nutrition = true};
        p.energy_kj = rows[i].v[0], p.protein = rows[i].v[1], p.fat = rows[i].v[2];
        p.carbohydrate = rows[i].v[3], p.sodium = rows[i].v[4];
        ent_nutrition_row out[ENT_NUTRITION_ROWS];
        assert_int_equal(ent_product_nutrition(out, &p), ENT_OK);
        for (int k = 0; k < ENT_NUTRITION_ROWS; k++)
            if (strcmp(out[k].amount, rows[i].amount[k]) != 0 || out[k].nrv_percent != rows[i].nrv[k])
                fail_msg("row %zu, %s: got %s %d%%, want %s %d%%", i, out[k].name_zh, out[k].amount,
                         (int)out[k].nrv_percent, rows[i].amount[k], (int)rows[i].nrv[k]);
    }
    ent_product none = {.has_nutrition = false};
    ent_nutrition_row out[ENT_NUTRITION_ROWS];
    assert_int_equal(ent_product_nutrition(out, &none), ENT_NOTFOUND);
}

static void code_clash_rows(void **state)
{
    ent_db *db = *state;
    ent_product_fields f = fields("3017620422003", "NUT-400", "榛子可可酱", NULL);
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    f = fields("036000291452", NULL, NULL, "Tissues"); /* UPC-A */
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    f = fields(NULL, "77777", NULL, "House brand");
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    static const struct {
        const char *gtin, *sku;
        int rc;
        const char *msg;
    } rows[] = {
        /* 0 */ {NULL, "3017620422003", ENT_EXISTS,
                 "sku 03017620422003 is already used by another commodity: 03017620422003 榛子可可酱"},
        /* 1 */ {NULL, "03017620422003", ENT_EXISTS,
                 "sku 03017620422003 is already used by another commodity: 03017620422003 榛子可可酱"},
        /* 2 */ {NULL, "0036000291452", ENT_EXISTS,
                 "sku 00036000291452 is already used by another commodity: 00036000291452 Tissues"},
        /* 3 */ {NULL, "036000291452", ENT_EXISTS,
                 "sku 00036000291452 is already used by another commodity: 00036000291452 Tissues"},
        /* 4 */ {"4006381333931", "NUT-400", ENT_EXISTS,
                 "sku NUT-400 is already used by another commodity: 03017620422003 榛子可可酱"},
        /* 5 */ {NULL, "77777", ENT_EXISTS, "sku 77777 is already used by another commodity: 77777 House brand"},
        /* 6 */ {NULL, "3017620422004", ENT_OK, ""}, /* not a valid GTIN: a code of its own */
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        f = fields(rows[i].gtin, rows[i].sku, NULL, "Clash");
        EXPECT_ROW(i, db, ent_product_add(db, &f), rows[i].rc, rows[i].msg);
    }
    /* A GTIN that is another commodity's SKU, in any of its forms. */
    f = fields(NULL, "5000112548167", NULL, "Cola by SKU");
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    const char *gtins[] = {"5000112548167", "05000112548167"};
    for (int i = 0; i < 2; i++) {
        f = fields(gtins[i], NULL, NULL, "Cola");
        EXPECT_ROW(i, db, ent_product_add(db, &f), ENT_EXISTS,
                   "GTIN 05000112548167 is already used by another commodity: 5000112548167 Cola by SKU");
    }
    /* The SKU that looks like a GTIN is still found by what was typed. */
    int64_t id;
    assert_int_equal(ent_product_id(db, &id, NULL, "5000112548167"), ENT_OK);
    /* ... and edits are checked the same way. */
    ent_product_fields e = {0};
    e.sku = "3017620422003";
    EXPECT_ROW(0, db, ent_product_edit(db, "77777", &e), ENT_EXISTS,
               "sku 03017620422003 is already used by another commodity: 03017620422003 榛子可可酱");
    e = (ent_product_fields){0};
    e.gtin = "00000000";
    EXPECT_ROW(1, db, ent_product_edit(db, "77777", &e), ENT_INVALID, "GTIN 00000000: all zeros is not a GTIN");
    EXPECT_ROW(2, db, ent_product_barcode_add(db, "77777", "0000000000000", 1), ENT_INVALID,
               "GTIN 0000000000000: all zeros is not a GTIN");
    EXPECT_ROW(3, db, ent_product_barcode_add(db, "77777", "3017620422003", 1), ENT_EXISTS,
               "barcode 03017620422003 is already used by another commodity: 03017620422003 榛子可可酱");
}

static void edit_rows(void **state)
{
    ent_db *db = *state;
    ent_product_fields f = fields("3017620422003", "NUT-400", "榛子可可酱", NULL);
    f.price = "39.90";
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    static const struct {
        const char *field, *value;
        int rc;
        const char *msg;
    } rows[] = {
        /* 0 */ {NULL, NULL, ENT_INVALID, "nothing to change: give at least one field and its new value"},
        /* 1 */ {"unit", "", ENT_INVALID, "unit cannot be cleared: give the new value"},
        /* 2 */ {"currency", "", ENT_INVALID, "currency cannot be cleared: give the new value"},
        /* 3 */ {"tax_rate", "", ENT_INVALID, "tax_rate cannot be cleared: give the new value"},
        /* 4 */ {"reorder_point", "", ENT_INVALID, "reorder_point cannot be cleared: give the new value"},
        /* 5 */ {"price", "100000000.01", ENT_INVALID, "price '100000000.01' is too high: at most 100000000.00 CNY"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        ent_product_fields e = {0};
        if (rows[i].field && !strcmp(rows[i].field, "unit")) e.unit = rows[i].value;
        else if (rows[i].field && !strcmp(rows[i].field, "currency")) e.currency = rows[i].value;
        else if (rows[i].field && !strcmp(rows[i].field, "tax_rate")) e.tax_rate = rows[i].value;
        else if (rows[i].field && !strcmp(rows[i].field, "reorder_point")) e.reorder_point = rows[i].value;
        else if (rows[i].field && !strcmp(rows[i].field, "price")) e.price = rows[i].value;
        EXPECT_ROW(i, db, ent_product_edit(db, "NUT-400", &e), rows[i].rc, rows[i].msg);
    }
    ent_product *p = NULL;
    assert_int_equal(ent_product_find(db, &p, NULL, "NUT-400"), ENT_OK);
    assert_int_equal(p->price, 3990);
    assert_string_equal(p->unit, "pcs");
    ent_product_free(p);
}

static void retire(void **state)
{
    ent_db *db = *state;
    entx_clock_set("2026-01-01T00:00:00Z");
    ent_product_fields f = fields("3017620422003", "NUT-400", "榛子可可酱", NULL);
    f.price = "39.90";
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    f = fields("4006381333931", NULL, NULL, "Pen");
    assert_int_equal(ent_product_add(db, &f), ENT_OK);
    EXPECT_ROW(0, db, ent_product_unretire(db, "NUT-400"), ENT_REFUSED,
               "03017620422003 榛子可可酱 is not retired: it is in the catalogue");
    assert_int_equal(ent_product_retire(db, "nut-400X"), ENT_NOTFOUND);
    assert_int_equal(ent_product_retire(db, "NUT-400"), ENT_OK);
    EXPECT_ROW(1, db, ent_product_retire(db, "3017620422003"), ENT_REFUSED,
               "03017620422003 榛子可可酱 is already retired (since 2026-01-01T00:00:00Z)");
    int count = 0;
    assert_int_equal(ent_product_each(db, NULL, NULL, 0, count_cb, &count), ENT_OK);
    assert_int_equal(count, 1);
    count = 0;
    assert_int_equal(ent_product_each(db, "榛子", NULL, 0, count_cb, &count), ENT_OK);
    assert_int_equal(count, 0);
    ent_product *p = NULL;
    assert_int_equal(ent_product_find(db, &p, NULL, "NUT-400"), ENT_OK); /* kept for history */
    assert_string_equal(p->retired_at, "2026-01-01T00:00:00Z");
    EXPECT_ROW(2, db, entx_product_sellable(db, p), ENT_REFUSED,
               "03017620422003 榛子可可酱 is retired (since 2026-01-01) and can no longer be sold");
    ent_product_free(p);
    f = fields("3017620422003", NULL, NULL, "Again");
    EXPECT_ROW(3, db, ent_product_add(db, &f), ENT_EXISTS,
               "GTIN 03017620422003 is already used by another commodity: 03017620422003 榛子可可酱 "
               "(retired, kept for history)");
    assert_int_equal(ent_product_unretire(db, "NUT-400"), ENT_OK);
    count = 0;
    assert_int_equal(ent_product_each(db, NULL, NULL, 0, count_cb, &count), ENT_OK);
    assert_int_equal(count, 2);
    EXPECT_ROW(4, db, ent_product_each(db, "", NULL, 0, count_cb, &count), ENT_INVALID,
               "the text to search for is empty");
    EXPECT_ROW(5, db, ent_product_each(db, NULL, "", 0, count_cb, &count), ENT_INVALID,
               "the origin to list is empty: give a country code such as FR");
}

static void csv_duplicates(void **state)
{
    ent_db *db = *state;
    int64_t n;
    assert_int_equal(import_text(db, "gtin,name_en\n3017620422003,Nut\n", 0, &n), ENT_OK);
    static const struct {
        const char *csv;
        int update, rc;
        const char *msg;
    } rows[] = {
        /* 0 */ {"gtin,name_en\n3017620422003,Again\n", 0, ENT_EXISTS,
                 "row 2: GTIN 03017620422003 is already in the catalogue as 03017620422003 Nut; import the file "
                 "as an update to change it"},
        /* 1 */ {"gtin,name_en\n3017620422003,A\n03017620422003,B\n", 1, ENT_EXISTS,
                 "row 3: GTIN 03017620422003 is a duplicate of row 2 of the same file"},
        /* 2 */ {"sku,name_en\nA-1,One\nB-2,Two\n\nA-1,Three\n", 0, ENT_EXISTS,
                 "row 5: sku A-1 is a duplicate of row 2 of the same file"},
        /* 3 */ {"gtin,sku,name_en\n4006381333931,A-1,One\n5000112548167,A-1,Two\n", 0, ENT_EXISTS,
                 "row 3: sku A-1 is a duplicate of row 2 of the same file"},
        /* 4 */ {"gtin,name_en,price\n4006381333931,Pen,100000000.01\n", 0, ENT_INVALID,
                 "row 2: price '100000000.01' is too high: at most 100000000.00 CNY"},
        /* 5 */ {"gtin,tax_rate\n3017620422003,\n", 1, ENT_INVALID, "row 2: tax_rate cannot be cleared: give the new value"},
        /* 6: a new commodity, then an update (an id out of sequence), then the new one again */
        {"gtin,name_en\n4006381333931,New\n3017620422003,Changed\n4006381333931,Again\n", 1, ENT_EXISTS,
         "row 4: GTIN 04006381333931 is a duplicate of row 2 of the same file"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        EXPECT_ROW(i, db, import_text(db, rows[i].csv, rows[i].update, &n), rows[i].rc, rows[i].msg);
        int count = 0;
        ent_product_each(db, NULL, NULL, 0, count_cb, &count);
        if (count != 1)
            fail_msg("row %zu: %d commodities, want 1", i, count);
    }
    /* Many rows: the table of rows seen grows and still names the first. */
    char *csv = malloc(64 * 5000 + 64);
    size_t len = (size_t)sprintf(csv, "sku,name_en\n");
    for (int i = 0; i < 5000; i++)
        len += (size_t)sprintf(csv + len, "S-%d,Item %d\n", i, i);
    sprintf(csv + len, "S-1234,Again\n");
    EXPECT_ROW(7, db, import_text(db, csv, 0, &n), ENT_EXISTS, "row 5002: sku S-1234 is a duplicate of row 1236 of the same file");
    free(csv);
}

/* ---- an import's rows as the same commodities added one by one ---------- */

/* The rows of a query, one line each, cells split by '|'. */
static char *rows_text(ent_db *db, const char *sql)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db->sql));
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(st); c++)
            fprintf(f, "%s%s", c ? "|" : "", sqlite3_column_type(st, c) == SQLITE_NULL
                                                 ? "NULL"
                                                 : (const char *)sqlite3_column_text(st, c));
        fputc('\n', f);
    }
    sqlite3_finalize(st);
    fclose(f);
    return out;
}

/* What an import writes, every table it touches (the outbox without its
 * UUIDs, which are random). */
static const char *const written[] = {
    "SELECT * FROM product ORDER BY id",
    "SELECT * FROM product_change ORDER BY id",
    "SELECT * FROM stock_sum_product ORDER BY product_id",
    "SELECT seq, kind, at, body, src, src_part FROM sync_outbox ORDER BY seq",
    "SELECT count(*) FROM product_key",
    "SELECT * FROM label_queue ORDER BY id",
};

static char *written_text(ent_db *db)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    for (size_t i = 0; i < sizeof written / sizeof *written; i++) {
        char *t = rows_text(db, written[i]);
        fprintf(f, "-- %s\n%s", written[i], t);
        free(t);
    }
    fclose(f);
    return out;
}

static void no_problem(const char *problem, void *ud)
{
    (void)ud;
    fail_msg("check: %s", problem);
}

/* The commodities of import_as_added: reorder points or none (the summary
 * row the low-stock view needs, schema 29), an SKU of digits, one of
 * letters, unpriced, by volume. */
static const char *const as_added[][8] = {
    /* gtin, sku, name_zh, name_en, price, reorder_point, unit, currency */
    {"3017620422003", "", "榛子可可酱", "Hazelnut spread", "39.90", "12", "", ""},
    {"4006381333931", "PEN-1", "", "Pen", "5.00", "0", "", ""},
    {"", "77777", "自有品牌", "", "", "3", "", ""},
    {"5000112548167", "", "可乐", "Cola", "3.50", "", "ml", ""},
    {"036000291452", "", "", "Tissues", "12.00", "24", "", ""},
    {"4901234567894", "", "抹茶", "", "1200", "", "", "JPY"},
    {"8410376000115", "", "", "Olive oil", "0", "", "", "EUR"},
};

static void import_as_added(void **state)
{
    ent_db *db = *state, *one = NULL;
    char path[160];
    entx_clock_set("2026-11-30T02:00:00Z");
    snprintf(path, sizeof path, "%s-one", test_db_path);
    unlink(path);
    assert_int_equal(ent_db_open(&one, path, ENT_OPEN_CREATE), ENT_OK);
    assert_int_equal(ent_store_init(one, "SH01", "测试店", "CNY", "Asia/Shanghai"), ENT_OK);
    char csv[2048];
    size_t len = (size_t)snprintf(csv, sizeof csv, "gtin,sku,name_zh,name_en,price,reorder_point,unit,currency\n");
    for (size_t i = 0; i < sizeof as_added / sizeof *as_added; i++) {
        const char *const *r = as_added[i];
        len += (size_t)snprintf(csv + len, sizeof csv - len, "%s,%s,%s,%s,%s,%s,%s,%s\n", r[0], r[1], r[2], r[3], r[4],
                                r[5], r[6], r[7]);
        ent_product_fields f = {0};
        const char **slot[] = {&f.gtin, &f.sku, &f.name_zh, &f.name_en, &f.price, &f.reorder_point, &f.unit, &f.currency};
        for (int c = 0; c < 8; c++)
            *slot[c] = r[c][0] ? r[c] : NULL;
        if (ent_product_add(one, &f) != ENT_OK)
            fail_msg("row %zu: %s", i, ent_errmsg(one));
    }
    int64_t n = 0;
    assert_int_equal(import_text(db, csv, 0, &n), ENT_OK);
    assert_int_equal(n, (int64_t)(sizeof as_added / sizeof *as_added));
    char *got = written_text(db), *want = written_text(one);
    if (strcmp(got, want) != 0)
        fail_msg("the import wrote\n%s\none by one\n%s", got, want);
    /* the summary rows are there: four commodities with a reorder point */
    assert_non_null(strstr(got, "|0|0|12\n"));
    assert_non_null(strstr(got, "|0|0|24\n"));
    /* the history's prices in their currency's decimals, none when unpriced */
    assert_non_null(strstr(got, "|added|NULL|39.90\n"));
    assert_non_null(strstr(got, "|added|NULL|1200\n"));
    assert_non_null(strstr(got, "|added|NULL|0.00\n"));
    assert_non_null(strstr(got, "|added|NULL|NULL\n"));
    assert_int_equal(ent_db_check(db, no_problem, NULL), ENT_OK);
    free(got);
    free(want);
    ent_db_close(one);
    unlink(path);
    snprintf(csv, sizeof csv, "%s-wal", path);
    unlink(csv);
    snprintf(csv, sizeof csv, "%s-shm", path);
    unlink(csv);
}

/* A row whose code another commodity already answers to, however that one
 * holds it: its GTIN, an SKU of digits (in the catalogue, or written by an
 * earlier row of the same file), an extra barcode. The words are those of
 * the check made before each insert; the database stays as it was. */
static void import_clash_rows(void **state)
{
    ent_db *db = *state;
    int64_t n;
    entx_clock_set("2026-11-30T02:00:00Z");
    assert_int_equal(
        import_text(db, "gtin,sku,name_en,reorder_point\n3017620422003,NUT-400,Nut,5\n4006381333931,,Pen,0\n", 0, &n),
        ENT_OK);
    assert_int_equal(ent_product_retire(db, "4006381333931"), ENT_OK);
    static const struct {
        int stage; /* 1: after an SKU of digits and a barcode are in the catalogue */
        const char *csv;
        int update, rc;
        const char *msg;
    } rows[] = {
        /* 0 */ {0, "gtin,name_en\n5000112548167,Cola\n3017620422003,Again\n", 0, ENT_EXISTS,
                 "row 3: GTIN 03017620422003 is already in the catalogue as 03017620422003 Nut; import the file "
                 "as an update to change it"},
        /* 1 */ {0, "gtin,name_en\n04006381333931,Pen again\n", 0, ENT_EXISTS,
                 "row 2: GTIN 04006381333931 is already in the catalogue as 04006381333931 Pen; import the file "
                 "as an update to change it"},
        /* 2 */ {0, "gtin,sku,name_en\n,5000112548167,Cola by SKU\n5000112548167,,Cola\n", 0, ENT_EXISTS,
                 "row 3: GTIN 05000112548167 is a duplicate of row 2 of the same file"},
        /* 3 */ {0, "gtin,sku,name_en\n,77777,House\n,05000112548167,Cola by SKU\n5000112548167,,Cola\n", 0,
                 ENT_EXISTS, "row 4: GTIN 05000112548167 is a duplicate of row 3 of the same file"},
        /* 4 */ {0, "gtin,sku,name_en\n,00036000291452,Tissues by SKU\n036000291452,,Tissues\n", 0, ENT_EXISTS,
                 "row 3: GTIN 00036000291452 is a duplicate of row 2 of the same file"},
        /* 5 */ {0, "gtin,name_en\n3017620422003,A\n03017620422003,B\n", 1, ENT_EXISTS,
                 "row 3: GTIN 03017620422003 is a duplicate of row 2 of the same file"},
        /* 6 */ {0, "gtin,sku,name_en\n5000112548167,NUT-400,Cola\n", 0, ENT_EXISTS,
                 "row 2: sku NUT-400 is already used by another commodity: 03017620422003 Nut"},
        /* 7 */ {0, "gtin,sku,name_en\n5000112548167,C-1,Cola\n3017620422003,NUT-400,Both\n", 0, ENT_EXISTS,
                 "row 3: GTIN 03017620422003 is already in the catalogue as 03017620422003 Nut; import the file "
                 "as an update to change it"},
        /* 8 */ {0, "sku,name_en\nNUT-400,Again\n", 0, ENT_EXISTS,
                 "row 2: sku NUT-400 is already in the catalogue as 03017620422003 Nut; import the file as an "
                 "update to change it"},
        /* 9 */ {1, "gtin,name_en\n5000112548167,Cola\n", 0, ENT_EXISTS,
                 "row 2: GTIN 05000112548167 is already in the catalogue as 5000112548167 Cola by SKU; import the file as an "
                 "update to change it"},
        /* 10 */ {1, "gtin,name_en\n8410376000115,Cola\n", 0, ENT_EXISTS,
                 "row 2: GTIN 08410376000115 is already in the catalogue as 03017620422003 Nut; import the file as an "
                 "update to change it"},
        /* 11 */ {1, "gtin,sku,name_en\n036000291452,T-1,Tissues\n3017620422003,,Again\n", 0, ENT_EXISTS,
                 "row 3: GTIN 03017620422003 is already in the catalogue as 03017620422003 Nut; import the file "
                 "as an update to change it"},
    };
    char *before = NULL;
    int stage = -1;
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        if (rows[i].stage != stage) {
            stage = rows[i].stage;
            if (stage == 1) {
                ent_product_fields f = fields(NULL, "5000112548167", NULL, "Cola by SKU");
                assert_int_equal(ent_product_add(db, &f), ENT_OK);
                assert_int_equal(ent_product_barcode_add(db, "3017620422003", "8410376000115", 6), ENT_OK);
            }
            free(before);
            before = written_text(db);
        }
        EXPECT_ROW(i, db, import_text(db, rows[i].csv, rows[i].update, &n), rows[i].rc, rows[i].msg);
        char *after = written_text(db);
        if (strcmp(before, after) != 0)
            fail_msg("row %zu: the refused import changed the database:\n%s\nwas\n%s", i, after, before);
        free(after);
    }
    free(before);
    assert_int_equal(ent_db_check(db, no_problem, NULL), ENT_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(add_rows, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(add_find_edit, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(barcodes, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(csv_import_rows, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(csv_round_trip, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(search, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(search_words_agree, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(search_one_snapshot, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(bulk_keys, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(search_pinyin, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(pinyin_readings, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(unpriced, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(sell_units, test_db_setup, test_db_teardown),
        cmocka_unit_test(nutrition_rows),
        cmocka_unit_test_setup_teardown(code_clash_rows, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(edit_rows, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(retire, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(csv_duplicates, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(csv_import_progress, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(import_as_added, test_db_setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(import_clash_rows, test_db_setup, test_db_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
