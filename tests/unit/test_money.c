/* money and country helpers: exact parsing and formatting, iso-codes lookups. */
#include "testutil.h"

static void money_parse_rows(void **state)
{
    (void)state;
    static const struct {
        const char *text, *currency;
        int rc;
        int64_t minor;
        const char *why;
    } rows[] = {
        /*  0 */ {"12.50", "CNY", ENT_OK, 1250, ""},
        /*  1 */ {"12", "CNY", ENT_OK, 1200, ""},
        /*  2 */ {"0.05", "cny", ENT_OK, 5, ""},
        /*  3 */ {"-3.5", "EUR", ENT_OK, -350, ""},
        /*  4 */ {"1,234.50", "USD", ENT_INVALID, 0,
                  "amount '1,234.50' has a comma: write digits and a decimal point only, such as 1234.50"},
        /*  5 */ {"1200", "JPY", ENT_OK, 1200, ""},
        /*  6 */ {"12.5", "JPY", ENT_INVALID, 0, "amount '12.5' takes no fraction digits for JPY"},
        /*  7 */ {"1.234", "KWD", ENT_OK, 1234, ""},
        /*  8 */ {"1.2345", "KWD", ENT_INVALID, 0, "amount '1.2345' has too many fraction digits for KWD"},
        /*  9 */ {"12.505", "CNY", ENT_INVALID, 0, "amount '12.505' has too many fraction digits for CNY"},
        /* 10 */ {"abc", "CNY", ENT_INVALID, 0, "amount 'abc' is not a number"},
        /* 11 */ {"", "CNY", ENT_INVALID, 0, "amount '' is not a number"},
        /* 12 */ {".", "CNY", ENT_INVALID, 0, "amount '.' is not a number"},
        /* 13 */ {"99999999999999999999", "CNY", ENT_INVALID, 0,
                  "amount '99999999999999999999' is too large: the most is 92233720368547758.07"},
        /* 14 */ {"1", "XYZ", ENT_NOTFOUND, 0, "currency 'XYZ' is not an ISO 4217 code"},
        /* 15 */ {"1.2.3", "CNY", ENT_INVALID, 0, "amount '1.2.3' is not a number"},
        /* 16 */ {"12.", "CNY", ENT_OK, 1200, ""},
        /* 17 */ {"12,50", "CNY", ENT_INVALID, 0, "amount '12,50' has a comma: use a point: 12.50"},
        /* 18 */ {"1,2,3", "CNY", ENT_INVALID, 0,
                  "amount '1,2,3' has a comma: write digits and a decimal point only, such as 1234.50"},
        /* 19 */ {"-0,5", "EUR", ENT_INVALID, 0, "amount '-0,5' has a comma: use a point: -0.5"},
        /* 20 */ {"1", "EURO", ENT_NOTFOUND, 0,
                  "currency 'EURO' is not an ISO 4217 code: a code has 3 letters, such as CNY or EUR"},
        /* 21 */ {"1", "USDOLLAR", ENT_NOTFOUND, 0,
                  "currency 'USDOLLAR' is not an ISO 4217 code: a code has 3 letters, such as CNY or EUR"},
        /* 22 */ {"1", "CNYY", ENT_NOTFOUND, 0,
                  "currency 'CNYY' is not an ISO 4217 code: a code has 3 letters, such as CNY or EUR"},
        /* 23 */ {"1", "", ENT_NOTFOUND, 0,
                  "currency '' is not an ISO 4217 code: a code has 3 letters, such as CNY or EUR"},
        /* 24 */ {"99999999999999999999", "JPY", ENT_INVALID, 0,
                  "amount '99999999999999999999' is too large: the most is 9223372036854775807"},
        /* 25 */ {"1\xff", "CNY", ENT_INVALID, 0, "amount '1\\xFF' is not a number"},
        /* 26 */ {"+5", "CNY", ENT_INVALID, 0, "amount '+5' is not a number"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        int64_t v = 0;
        const char *why = ent_error_last()->message;
        int rc = ent_money_parse(&v, rows[i].text, rows[i].currency);
        if (rc != rows[i].rc || (rc == ENT_OK && v != rows[i].minor) || strcmp(why, rows[i].why) != 0)
            fail_msg("row %zu: rc %d value %lld why '%s'", i, rc, (long long)v, why);
    }
}

static void money_format_rows(void **state)
{
    (void)state;
    static const struct {
        int64_t minor;
        const char *currency, *text;
    } rows[] = {
        {1250, "CNY", "12.50"}, {-5, "CNY", "-0.05"}, {1200, "JPY", "1200"}, {1234, "KWD", "1.234"},
        {0, "EUR", "0.00"},     {INT64_MIN, "CNY", "-92233720368547758.08"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char buf[64];
        ent_money_format(buf, sizeof buf, rows[i].minor, rows[i].currency);
        if (strcmp(buf, rows[i].text) != 0)
            fail_msg("row %zu: got '%s' want '%s'", i, buf, rows[i].text);
    }
    char buf[8];
    assert_int_equal(ent_money_format(buf, sizeof buf, 1, "XYZ"), -1);
}

static void country_rows(void **state)
{
    (void)state;
    static const struct {
        const char *code;
        int rc;
        const char *alpha2, *en, *zh;
    } rows[] = {
        /* 0 */ {"FR", ENT_OK, "FR", "France", "法国"},
        /* 1 */ {"fr", ENT_OK, "FR", "France", "法国"},
        /* 2 */ {"FRA", ENT_OK, "FR", "France", "法国"},
        /* 3 */ {"250", ENT_OK, "FR", "France", "法国"},
        /* 4 */ {"JP", ENT_OK, "JP", "Japan", "日本"},
        /* 5 */ {"XX", ENT_NOTFOUND, "", "", ""},
        /* 6 */ {"", ENT_NOTFOUND, "", "", ""},
        /* 7 */ {"FRANCE", ENT_NOTFOUND, "", "", ""},
        /* 8 */ {"999", ENT_NOTFOUND, "", "", ""},
        /* 9 */ {"AU", ENT_OK, "AU", "Australia", "澳大利亚"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const ent_country *c = NULL;
        int rc = ent_country_lookup(&c, rows[i].code);
        if (rc != rows[i].rc)
            fail_msg("row %zu: rc %d", i, rc);
        if (rc == ENT_OK && (strcmp(c->alpha2, rows[i].alpha2) || strcmp(c->name_en, rows[i].en) ||
                             strcmp(c->name_zh, rows[i].zh)))
            fail_msg("row %zu: got %s %s %s", i, c->alpha2, c->name_en, c->name_zh);
    }
    /* The list comes from iso-codes: all 249 ISO 3166-1 entries, not a hand-typed subset. */
    assert_true(ent_country_count() >= 249);
    const ent_currency *cur = NULL;
    assert_int_equal(ent_currency_by_numeric(&cur, 156), ENT_OK);
    assert_string_equal(cur->alpha3, "CNY");
    assert_int_equal(cur->digits, 2);
    assert_int_equal(ent_currency_lookup(&cur, "JPY"), ENT_OK);
    assert_int_equal(cur->digits, 0);
}

/* Every active currency in code order, each with its minor unit, as the web
 * app gets them (GET currencies); nothing past the end. */
static void currency_list_rows(void **state)
{
    (void)state;
    static const struct {
        const char *code;
        int digits;
    } rows[] = {
        /* 0 */ {"CNY", 2}, /* 1 */ {"EUR", 2}, /* 2 */ {"JPY", 0}, /* 3 */ {"KRW", 0},
        /* 4 */ {"KWD", 3}, /* 5 */ {"BHD", 3}, /* 6 */ {"CLF", 4}, /* 7 */ {"ZWG", 2},
    };
    size_t n = ent_currency_count();
    assert_true(n >= 150);
    assert_null(ent_currency_at(n));
    for (size_t i = 1; i < n; i++)
        if (strcmp(ent_currency_at(i - 1)->alpha3, ent_currency_at(i)->alpha3) >= 0)
            fail_msg("position %zu: %s before %s", i, ent_currency_at(i - 1)->alpha3, ent_currency_at(i)->alpha3);
    for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
        const ent_currency *found = NULL;
        for (size_t i = 0; i < n && !found; i++)
            if (strcmp(ent_currency_at(i)->alpha3, rows[r].code) == 0)
                found = ent_currency_at(i);
        if (found == NULL)
            fail_msg("row %zu: %s is not listed", r, rows[r].code);
        else if (found->digits != rows[r].digits)
            fail_msg("row %zu: %s has %d digits, expected %d", r, rows[r].code, found->digits, rows[r].digits);
    }
}

static void decimal_rows(void **state)
{
    (void)state;
    int64_t v;
    assert_int_equal(ent_decimal_parse(&v, "13", 2), ENT_OK);
    assert_int_equal(v, 1300);
    assert_int_equal(ent_decimal_parse(&v, "9.5", 2), ENT_OK);
    assert_int_equal(v, 950);
    assert_int_equal(ent_decimal_parse(&v, "-1", 2), ENT_INVALID);
    assert_int_equal(ent_decimal_parse(&v, "1.234", 2), ENT_INVALID);
}

/* The whole code is checked: "EURO" was kept as "EUR" by its first letters. */
static void currency_parse_rows(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int rc;
        const char *code, *why;
    } rows[] = {
        /* 0 */ {"eur", ENT_OK, "EUR", ""},
        /* 1 */ {"156", ENT_OK, "CNY", ""},
        /* 2 */ {"EURO", ENT_NOTFOUND, "",
                 "currency 'EURO' is not an ISO 4217 code: a code has 3 letters, such as CNY or EUR"},
        /* 3 */ {"XYZ", ENT_NOTFOUND, "", "currency 'XYZ' is not an ISO 4217 code"},
        /* 4 */ {"C\xffY", ENT_NOTFOUND, "", "currency 'C\\xFFY' is not an ISO 4217 code"},
        /* 5 */ {NULL, ENT_NOTFOUND, "",
                 "currency '' is not an ISO 4217 code: a code has 3 letters, such as CNY or EUR"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char code[4] = "zzz";
        const char *why = ent_error_last()->message;
        int rc = ent_currency_parse(code, rows[i].text);
        if (rc != rows[i].rc || strcmp(code, rows[i].code) != 0 || strcmp(why, rows[i].why) != 0)
            fail_msg("row %zu: rc %d code '%s' why '%s'", i, rc, code, why);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(money_parse_rows),
        cmocka_unit_test(money_format_rows),
        cmocka_unit_test(country_rows),
        cmocka_unit_test(currency_list_rows),
        cmocka_unit_test(decimal_rows),
        cmocka_unit_test(currency_parse_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
