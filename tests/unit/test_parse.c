/* The shared parsers: dates and their arithmetic at the range ends, whole
 * numbers with their limits named, and untrusted text shown in messages. */
#include "testutil.h"

static void date_rows(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int rc;
        int32_t days;
        const char *why;
    } rows[] = {
        /*  0 */ {"1970-01-01", ENT_OK, 0, ""},
        /*  1 */ {"2024-02-29", ENT_OK, 19782, ""},
        /*  2 */ {"1900-01-01", ENT_OK, -25567, ""},
        /*  3 */ {"9999-12-31", ENT_OK, 2932896, ""},
        /*  4 */
        {"2026-02-30", ENT_INVALID, 0, "'2026-02-30' is not a date: February 2026 has no day 30 (it has 28 days)"},
        /*  5 */
        {"2025-02-29", ENT_INVALID, 0, "'2025-02-29' is not a date: February 2025 has no day 29 (it has 28 days)"},
        /*  6 */
        {"2026-04-31", ENT_INVALID, 0, "'2026-04-31' is not a date: April 2026 has no day 31 (it has 30 days)"},
        /*  7 */
        {"2026-13-01", ENT_INVALID, 0, "'2026-13-01' is not a date: there is no month 13 (months are 01 to 12)"},
        /*  8 */
        {"2026-00-10", ENT_INVALID, 0, "'2026-00-10' is not a date: there is no month 0 (months are 01 to 12)"},
        /*  9 */
        {"2026-01-00", ENT_INVALID, 0, "'2026-01-00' is not a date: January 2026 has no day 0 (it has 31 days)"},
        /* 10 */ {"1899-12-31", ENT_INVALID, 0, "'1899-12-31' is out of the supported range 1900-01-01 to 9999-12-31"},
        /* 11 */ {"0000-01-01", ENT_INVALID, 0, "'0000-01-01' is out of the supported range 1900-01-01 to 9999-12-31"},
        /* 12 */ {"30/06/2027", ENT_INVALID, 0, "'30/06/2027' is not a date in the form YYYY-MM-DD"},
        /* 13 */ {"2026-1-1", ENT_INVALID, 0, "'2026-1-1' is not a date in the form YYYY-MM-DD"},
        /* 14 */ {"", ENT_INVALID, 0, "'' is not a date in the form YYYY-MM-DD"},
        /* 15 */ {NULL, ENT_INVALID, 0, "'' is not a date in the form YYYY-MM-DD"},
        /* 16 */ {"10000-01-01", ENT_INVALID, 0, "'10000-01-01' is not a date in the form YYYY-MM-DD"},
        /* 17 */ {"2026-02-2\xff", ENT_INVALID, 0, "'2026-02-2\\xFF' is not a date in the form YYYY-MM-DD"},
        /* 18 */ {"2026-06-15T", ENT_INVALID, 0, "'2026-06-15T' is not a date in the form YYYY-MM-DD"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        int32_t days = 0;
        const char *why = ent_error_last()->message;
        int rc = ent_date_check(&days, rows[i].text);
        if (rc != rows[i].rc || (rc == ENT_OK && days != rows[i].days) || strcmp(why, rows[i].why) != 0)
            fail_msg("row %zu: rc %d days %d why '%s'", i, rc, (int)days, why);
    }
}

/* 9999-12-31 plus 30 days overflowed a date buffer through stock levels. */
static void add_days_rows(void **state)
{
    (void)state;
    static const struct {
        const char *date;
        int64_t days;
        int rc;
        const char *out, *why;
    } rows[] = {
        /* 0 */ {"2026-02-28", 1, ENT_OK, "2026-03-01", ""},
        /* 1 */ {"2024-12-31", 60, ENT_OK, "2025-03-01", ""},
        /* 2 */ {"2026-01-01", -1, ENT_OK, "2025-12-31", ""},
        /* 3 */ {"9999-12-01", 30, ENT_OK, "9999-12-31", ""},
        /* 4 */
        {"9999-12-31", 30, ENT_INVALID, "", "'9999-12-31' plus 30 days is past 9999-12-31, the last supported date"},
        /* 5 */
        {"9999-12-31", 1, ENT_INVALID, "", "'9999-12-31' plus 1 day is past 9999-12-31, the last supported date"},
        /* 6 */
        {"1900-01-01", -1, ENT_INVALID, "", "'1900-01-01' minus 1 day is before 1900-01-01, the first supported date"},
        /* 7 */
        {"2026-01-01", INT64_MAX, ENT_INVALID, "",
         "'2026-01-01' plus 9223372036854775807 days is past 9999-12-31, the last supported date"},
        /* 8 */
        {"2026-01-01", INT64_MIN, ENT_INVALID, "",
         "'2026-01-01' minus 9223372036854775808 days is before 1900-01-01, the first supported date"},
        /* 9 */
        {"2026-02-30", 1, ENT_INVALID, "", "'2026-02-30' is not a date: February 2026 has no day 30 (it has 28 days)"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char out[11] = "xxxxxxxxxx";
        const char *why = ent_error_last()->message;
        int rc = ent_date_add_days(out, rows[i].date, rows[i].days);
        if (rc != rows[i].rc || strcmp(out, rows[i].out) != 0 || strcmp(why, rows[i].why) != 0)
            fail_msg("row %zu: rc %d out '%s' why '%s'", i, rc, out, why);
    }
}

/* A label's expiry worked out from production date and shelf life: the same
 * checked arithmetic (9999-12-01 + 60 days printed as year 0000 before). */
static void label_expiry_rows(void **state)
{
    (void)state;
    static const struct {
        const char *production;
        int32_t shelf_life;
        const char *expiry;
    } rows[] = {
        /* 0 */ {"2026-01-01", 365, "2027-01-01"},
        /* 1 */ {"9999-12-01", 30, "9999-12-31"},
        /* 2 */ {"9999-12-01", 60, ""},
        /* 3 */ {"", 60, ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        ent_product p;
        ent_lot lot;
        ent_label_data *d = NULL;
        memset(&p, 0, sizeof p);
        memset(&lot, 0, sizeof lot);
        p.shelf_life_days = rows[i].shelf_life;
        snprintf(lot.production_date, sizeof lot.production_date, "%s", rows[i].production);
        assert_int_equal(ent_label_data_from(&d, &p, &lot, NULL), ENT_OK);
        const char *got = ent_label_data_get(d, "expiry");
        if (strcmp(got ? got : "", rows[i].expiry) != 0)
            fail_msg("row %zu: expiry '%s' want '%s'", i, got ? got : "(null)", rows[i].expiry);
        ent_label_data_free(d);
    }
}

static void whole_rows(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int64_t min, max;
        int rc;
        int64_t value;
        const char *why;
    } rows[] = {
        /*  0 */ {"42", 1, 100, ENT_OK, 42, ""},
        /*  1 */ {"007", 1, 100, ENT_OK, 7, ""},
        /*  2 */ {"0", 0, 10, ENT_OK, 0, ""},
        /*  3 */ {"-5", -10, 10, ENT_OK, -5, ""},
        /*  4 */ {"-9223372036854775808", INT64_MIN, 0, ENT_OK, INT64_MIN, ""},
        /*  5 */ {"9223372036854775807", 0, INT64_MAX, ENT_OK, INT64_MAX, ""},
        /*  6 */
        {"99999999999999999999", 1, 1000000000, ENT_INVALID, 0,
         "'99999999999999999999' is too large: the most is 1000000000"},
        /*  7 */
        {"9223372036854775808", 0, INT64_MAX, ENT_INVALID, 0,
         "'9223372036854775808' is too large: the most is 9223372036854775807"},
        /*  8 */ {"1000000001", 1, 1000000000, ENT_INVALID, 0, "'1000000001' is too large: the most is 1000000000"},
        /*  9 */ {"0", 1, 10, ENT_INVALID, 0, "'0' is too small: the least is 1"},
        /* 10 */ {"-1", 0, 10, ENT_INVALID, 0, "'-1' must not be negative"},
        /* 11 */ {"-99999999999999999999", 0, 10, ENT_INVALID, 0, "'-99999999999999999999' must not be negative"},
        /* 12 */ {"-11", -10, 10, ENT_INVALID, 0, "'-11' is too small: the least is -10"},
        /* 13 */ {"", 0, 10, ENT_INVALID, 0, "'' is empty: a whole number is needed"},
        /* 14 */ {NULL, 0, 10, ENT_INVALID, 0, "'' is empty: a whole number is needed"},
        /* 15 */ {"1.5", 0, 10, ENT_INVALID, 0, "'1.5' is not a whole number"},
        /* 16 */ {"1,000", 0, 10000, ENT_INVALID, 0, "'1,000' is not a whole number: write it without separators"},
        /* 17 */ {" 5", 0, 10, ENT_INVALID, 0, "' 5' is not a whole number"},
        /* 18 */ {"+5", 0, 10, ENT_INVALID, 0, "'+5' is not a whole number"},
        /* 19 */ {"5x", 0, 10, ENT_INVALID, 0, "'5x' is not a whole number"},
        /* 20 */ {"-", 0, 10, ENT_INVALID, 0, "'-' is not a whole number"},
        /* 21 */ {"\xff", 0, 10, ENT_INVALID, 0, "'\\xFF' is not a whole number"},
        /* 22 */ {"１２", 0, 100, ENT_INVALID, 0, "'１２' is not a whole number"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        int64_t v = -77;
        const char *why = ent_error_last()->message;
        int rc = ent_whole_parse(&v, rows[i].text, rows[i].min, rows[i].max);
        if (rc != rows[i].rc || (rc == ENT_OK && v != rows[i].value) || strcmp(why, rows[i].why) != 0)
            fail_msg("row %zu: rc %d value %lld why '%s'", i, rc, (long long)v, why);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(date_rows),
        cmocka_unit_test(add_days_rows),
        cmocka_unit_test(label_expiry_rows),
        cmocka_unit_test(whole_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
