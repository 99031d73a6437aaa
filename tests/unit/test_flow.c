/* Customer flow (door counts) and the flow and sales reports. */
#include <sqlite3.h>

#include "testutil.h"
#include "internal.h"

static char dir[64], key_path[128];

static int setup(void **state)
{
    if (test_db_setup(state) != 0)
        return -1;
    ent_db *db = *state;
    snprintf(dir, sizeof dir, "/tmp/ent_flow_XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(key_path, sizeof key_path, "%s/journal.pem", dir);
    ent_product_fields f = {.gtin = "3017620422003", .name_zh = "榛子可可酱", .price = "39.90", .tax_rate = "13"};
    ent_product_fields g = {.gtin = "5000112548167", .name_zh = "可口可乐", .price = "3.50", .tax_rate = "9"};
    if (ent_product_add(db, &f) != ENT_OK || ent_product_add(db, &g) != ENT_OK ||
        ent_location_add(db, "S1", "shelf", NULL) != ENT_OK)
        return -1;
    ent_receive r = {.product = "3017620422003", .qty = 100, .lot = "N1", .origin = "IT", .location = "S1",
                     .unit_cost = -1};
    ent_receive c = {.product = "5000112548167", .qty = 100, .lot = "K1", .origin = "GB", .location = "S1",
                     .unit_cost = -1};
    char id[65];
    if (ent_stock_receive(db, NULL, &r) != ENT_OK || ent_stock_receive(db, NULL, &c) != ENT_OK ||
        ent_journal_start(db, id, key_path, NULL) != ENT_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    char cmd[160];
    test_db_teardown(state);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static FILE *text_file(const char *s)
{
    return fmemopen((void *)s, strlen(s), "r");
}

static int cb(const ent_flow_row *row, void *ud)
{
    *(ent_flow_row *)ud = *row;
    return 0;
}

static void import_rows(void **state)
{
    ent_db *db = *state;
    static const struct {
        const char *csv;
        int rc;
        const char *msg;
    } rows[] = {
        /* 0 */ {"sensor,start,minutes,in,out\nD1,2026-11-28T02:00:00Z,60,40,35\n", ENT_OK, ""},
        /* 1 */ {"sensor,start,minutes,in,out\nD1,2026-11-28T02:00:00Z,60,40,35\n", ENT_OK, ""}, /* again */
        /* 2 */ {"start,sensor,in,out,minutes\n2026-11-28 11:00,D2,10,9,60\n", ENT_OK, ""},
        /* 3 */ {"sensor,start,minutes,in\nD1,2026-11-28T02:00:00Z,60,40\n", ENT_INVALID,
                 "row 1: the column 'out' is missing (expected sensor,start,minutes,in,out)"},
        /* 4 */ {"sensor,start,minutes,in,out,door\n", ENT_INVALID,
                 "row 1: unknown column 'door' (expected sensor,start,minutes,in,out)"},
        /* 5 */ {"sensor,start,minutes,in,out\nD1,2026-11-28T03:00:00Z,60,5,5\nD1,2026-11-31T04:00:00Z,60,1,1\n",
                 ENT_INVALID, "row 3: start '2026-11-31' is not a date: November 2026 has no day 31 (it has 30 days)"},
        /* 6 */ {"sensor,start,minutes,in,out\nD1,2026-11-28T03:00:00Z,60,-1,0\n", ENT_INVALID,
                 "row 2: in '-1' must not be negative"},
        /* 7 */ {"sensor,start,minutes,in,out\nD1,2026-11-28T03:00:00Z,0,1,0\n", ENT_INVALID,
                 "row 2: minutes '0' is too small: the least is 1"},
        /* 8 */ {"sensor,start,minutes,in,out\n,2026-11-28T03:00:00Z,60,1,0\n", ENT_INVALID,
                 "row 2: a sensor name is needed"},
        /* 9 */ {"", ENT_INVALID, "the file is empty: expected the header sensor,start,minutes,in,out"},
        /* 10 */ {"sensor,start,minutes,in,out\nD1,2026-11-28T02:00:00Z,60,\"42\n", ENT_INVALID, ""},
        /* 11 */ {"sensor,start,minutes,in,out\nD1,2026-11-28T02:30:00Z,60,4,3\n", ENT_INVALID,
                  "row 2: the period from 2026-11-28T02:30:00Z for 60 minutes overlaps the period from "
                  "2026-11-28T02:00:00Z for 60 minutes already counted by sensor 'D1': its visitors would "
                  "count twice"},
        /* 12 */ {"sensor,start,minutes,in,out\nD1,2026-11-28T01:30:00Z,31,4,3\n", ENT_INVALID,
                  "row 2: the period from 2026-11-28T01:30:00Z for 31 minutes overlaps the period from "
                  "2026-11-28T02:00:00Z for 60 minutes already counted by sensor 'D1': its visitors would "
                  "count twice"},
        /* 13 */ {"sensor,start,minutes,in,out\nD1,2026-11-28T02:00:00Z,120,40,35\nD1,2026-11-28T03:00:00Z,60,1,1\n",
                  ENT_INVALID, "row 3: the period from 2026-11-28T03:00:00Z for 60 minutes overlaps the period from "
                  "2026-11-28T02:00:00Z for 120 minutes already counted by sensor 'D1': its visitors would "
                  "count twice"},
        /* 14 */ {"sensor,start,minutes,in,out\nD1,2026-11-28T01:00:00Z,60,1,1\nD1,2026-11-28T03:00:00Z,60,2,2\n"
                  "D3,2026-11-28T02:30:00Z,60,0,0\n", ENT_OK, ""}, /* touching periods, and another sensor */
        /* 15 */ {"sensor,start,minutes,in,out\nD1,2026-11-28T05:00:00Z,60,1000000001,0\n", ENT_INVALID,
                  "row 2: in '1000000001' is too large: the most is 1000000000"},
        /* 16 */ {"sensor,start,minutes,in,out\nD1,2026-11-28T05:00:00Z,60,9999999999999999999999,0\n", ENT_INVALID,
                  "row 2: in '9999999999999999999999' is too large: the most is 1000000000"},
        /* 17 */ {"sensor,start,minutes,in,out\nD1,1899-12-31T05:00:00Z,60,1,0\n", ENT_INVALID,
                  "row 2: start '1899-12-31' is out of the supported range 1900-01-01 to 9999-12-31"},
        /* 18 */ {"sensor,start,minutes,in,out\nD1,2026-12-01T00:00:01Z,60,1,0\n", ENT_INVALID,
                  "row 2: start 2026-12-01T00:00:01Z is more than a day in the future (it is now "
                  "2026-11-30T00:00:00Z)"},
    };
    entx_clock_set("2026-11-30T00:00:00Z");
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        FILE *f = rows[i].csv[0] ? text_file(rows[i].csv) : tmpfile();
        int rc = ent_flow_import_csv(db, NULL, f);
        fclose(f);
        if (rc != rows[i].rc || strncmp(ent_errmsg(db), rows[i].msg, strlen(rows[i].msg)) != 0)
            fail_msg("row %zu: got %d '%s', want %d '%s'", i, rc, ent_errmsg(db), rows[i].rc, rows[i].msg);
    }
    /* The period sent twice counted once; the refused files left nothing. */
    ent_flow_query q = {.by_day = 1};
    int64_t visitors = 0;
    ent_flow_row got = {0};
    assert_int_equal(ent_flow_report(db, &q, cb, &got), ENT_OK);
    visitors = got.visitors;
    assert_int_equal(visitors, 53);
    /* A manual count joins them; recording it again replaces it. */
    assert_int_equal(ent_flow_record(db, NULL, "2026-11-28 15:00", 60, 7, 7), ENT_OK);
    assert_int_equal(ent_flow_record(db, NULL, "2026-11-28 15:00", 60, 8, 7), ENT_OK);
    EXPECT_ROW(0, db, ent_flow_record(db, NULL, "2026-11-28 25:00", 60, 8, 7), ENT_INVALID,
               "start '2026-11-28 25:00' is not UTC YYYY-MM-DDTHH:MM:SSZ or local YYYY-MM-DD HH:MM");
    assert_int_equal(ent_flow_report(db, &q, cb, &got), ENT_OK);
    assert_int_equal(got.visitors, 61);
    /* Bounds on the counts recorded one at a time too. */
    EXPECT_ROW(1, db, ent_flow_record(db, NULL, "2026-11-28 20:00", 60, 1000000001, 0), ENT_INVALID,
               "counts in 1000000001 and out 0 must be from 0 to 1000000000");
    EXPECT_ROW(2, db, ent_flow_record(db, NULL, "2026-11-28 15:30", 60, 1, 1), ENT_INVALID,
               "the period from 2026-11-28T07:30:00Z for 60 minutes overlaps the period from 2026-11-28T07:00:00Z "
               "for 60 minutes already counted by sensor 'manual': its visitors would count twice");
    /* 2026-12-01 08:01 in Shanghai is a day and a minute after the clock's
     * midnight UTC; 2030 is a counter's clock years ahead. */
    EXPECT_ROW(3, db, ent_flow_record(db, NULL, "2026-12-01 08:01", 60, 1, 1), ENT_INVALID,
               "start 2026-12-01T00:01:00Z is more than a day in the future (it is now 2026-11-30T00:00:00Z)");
    EXPECT_ROW(4, db, ent_flow_record(db, NULL, "2030-11-30T02:00:00Z", 60, 1, 1), ENT_INVALID,
               "start 2030-11-30T02:00:00Z is more than a day in the future (it is now 2026-11-30T00:00:00Z)");
    entx_clock_set(NULL);
}

struct rows {
    ent_flow_row r[24];
    char period[24][17];
    size_t n;
};

static int collect(const ent_flow_row *row, void *ud)
{
    struct rows *rs = ud;
    rs->r[rs->n] = *row;
    snprintf(rs->period[rs->n], 17, "%s", row->period);
    rs->r[rs->n].period = rs->period[rs->n];
    rs->n++;
    return 0;
}

static void sell_at(ent_db *db, ent_journal *j, const char *when, const char *counter, const char *code, int64_t qty)
{
    ent_basket *b = NULL;
    entx_clock_set(when);
    assert_int_equal(ent_basket_new(db, &b, counter, "张伟", NULL), ENT_OK);
    assert_int_equal(ent_basket_scan(b, NULL, code, qty), ENT_OK);
    assert_int_equal(ent_basket_pay(b, "cash", 0), ENT_OK);
    assert_int_equal(ent_basket_checkout(b, j, NULL), ENT_OK);
    ent_basket_free(b);
}

struct srows {
    char key[8][32];
    int64_t value[8], units[8], tx[8];
    int32_t share[8];
    size_t n;
};

static int scollect(const ent_sales_row *row, void *ud)
{
    struct srows *s = ud;
    snprintf(s->key[s->n], 32, "%s", row->key);
    s->value[s->n] = row->value;
    s->units[s->n] = row->units;
    s->tx[s->n] = row->transactions;
    s->share[s->n] = row->share_bp;
    s->n++;
    return 0;
}

static void flow_and_sales_reports(void **state)
{
    ent_db *db = *state;
    ent_journal *j = NULL;
    ent_journal_open_opts o = {.counter = "C1", .key_path = key_path};
    entx_clock_set("2026-11-28T01:00:00Z");
    assert_int_equal(ent_journal_open(&j, db, &o), ENT_OK);
    /* 10:xx local: 2 sales; 11:xx: 1 sale (Shanghai is UTC+8). */
    sell_at(db, j, "2026-11-28T02:05:00Z", "C1", "3017620422003", 2); /* 79.80 */
    sell_at(db, j, "2026-11-28T02:30:00Z", "C2", "5000112548167", 4); /* 14.00 */
    sell_at(db, j, "2026-11-28T03:10:00Z", "C1", "5000112548167", 1); /*  3.50 */
    assert_int_equal(ent_flow_record(db, "D1", "2026-11-28T02:00:00Z", 60, 40, 30), ENT_OK);
    assert_int_equal(ent_flow_record(db, "D2", "2026-11-28T02:00:00Z", 60, 10, 5), ENT_OK);
    assert_int_equal(ent_flow_record(db, "D1", "2026-11-28T03:00:00Z", 60, 20, 30), ENT_OK);
    assert_int_equal(ent_flow_record(db, "D1", "2026-11-28T04:00:00Z", 60, 5, 10), ENT_OK);
    struct rows rs = {0};
    ent_flow_query q = {.from = "2026-11-28", .to = "2026-11-28"};
    assert_int_equal(ent_flow_report(db, &q, collect, &rs), ENT_OK);
    assert_int_equal(rs.n, 3);
    assert_string_equal(rs.r[0].period, "2026-11-28 10:00");
    assert_int_equal(rs.r[0].visitors, 50);
    assert_int_equal(rs.r[0].transactions, 2);
    assert_int_equal(rs.r[0].conversion_bp, 400);
    assert_int_equal(rs.r[0].avg_value, 4690);
    assert_int_equal(rs.r[0].avg_units_x100, 300);
    assert_int_equal(rs.r[0].peak, 1);
    assert_int_equal(rs.r[1].visitors, 20);
    assert_int_equal(rs.r[1].conversion_bp, 500);
    assert_int_equal(rs.r[2].transactions, 0);
    assert_int_equal(rs.r[2].avg_value, 0);
    assert_int_equal(rs.r[2].peak, 0);
    int hours[3];
    size_t found;
    assert_int_equal(ent_flow_peak_hours(db, hours, NULL, &found, 3, &q), ENT_OK);
    assert_int_equal(found, 3);
    assert_int_equal(hours[0], 10);
    EXPECT_ROW(0, db, ent_flow_report(db, &(ent_flow_query){.from = "2026-11-29", .to = "2026-11-28"}, collect, &rs),
               ENT_INVALID, "the first day 2026-11-29 is after the last day 2026-11-28");
    /* Sales by origin, counter, hour: value, units, share. */
    struct srows s = {0};
    int64_t total;
    ent_sales_query sq = {.by = ENT_SALES_BY_ORIGIN};
    assert_int_equal(ent_sales_report(db, &total, &sq, scollect, &s), ENT_OK);
    assert_int_equal(total, 9730);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.key[0], "IT");
    assert_int_equal(s.value[0], 7980);
    assert_int_equal(s.share[0], 8201); /* 7980 / 9730 = 82.01 % */
    assert_string_equal(s.key[1], "GB");
    assert_int_equal(s.units[1], 5);
    memset(&s, 0, sizeof s);
    sq.by = ENT_SALES_BY_COUNTER;
    assert_int_equal(ent_sales_report(db, NULL, &sq, scollect, &s), ENT_OK);
    assert_string_equal(s.key[0], "C1");
    assert_int_equal(s.value[0], 8330);
    assert_int_equal(s.tx[0], 2);
    memset(&s, 0, sizeof s);
    sq.by = ENT_SALES_BY_HOUR;
    sq.counter = "C2";
    assert_int_equal(ent_sales_report(db, NULL, &sq, scollect, &s), ENT_OK);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.key[0], "10");
    sq.by = ENT_SALES_BY_PRODUCT;
    EXPECT_ROW(1, db, ent_sales_report(db, NULL, &sq, scollect, &s), ENT_INVALID,
               "the report by commodity covers every counter: it cannot be limited to counter C2");
    /* Rebuilding the summaries from the lines gives the same report. */
    memset(&s, 0, sizeof s);
    sq = (ent_sales_query){.by = ENT_SALES_BY_ORIGIN};
    assert_int_equal(ent_sales_summary_rebuild(db), ENT_OK);
    assert_int_equal(ent_sales_report(db, &total, &sq, scollect, &s), ENT_OK);
    assert_int_equal(total, 9730);
    assert_int_equal(s.value[0], 7980);
    ent_journal_close(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(import_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(flow_and_sales_reports, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
