/*
 * The error model (common.h): a call on a handle keeps its words on the
 * handle and as the calling thread's last error; a call without a handle
 * leaves them only as the last error. Each thread reads the words of its
 * own failed call, whatever the other threads do at the same moment.
 */
#include <pthread.h>

#include "testutil.h"

/* ---- a failure, then a success, per kind of call ------------------------- */

struct row {
    const char *what;
    int (*refused)(void); /* fails: returns its code */
    int (*succeed)(void); /* the same call, succeeding: ENT_OK */
    int code;
    const char *message;
};

static int money_bad(void)
{
    int64_t v;
    return ent_money_parse(&v, "12,50", "CNY");
}
static int money_good(void)
{
    int64_t v;
    return ent_money_parse(&v, "12.50", "CNY");
}
static int currency_bad(void)
{
    char c[4];
    return ent_currency_parse(c, "EURO");
}
static int currency_good(void)
{
    char c[4];
    return ent_currency_parse(c, "eur");
}
static int gtin_bad(void)
{
    char g[15];
    return ent_gtin_normalize(g, "4006381333932");
}
static int gtin_good(void)
{
    char g[15];
    return ent_gtin_normalize(g, "4006381333931");
}
static int date_bad(void)
{
    return ent_date_check(NULL, "2026-02-30");
}
static int date_good(void)
{
    return ent_date_check(NULL, "2026-02-28");
}
static int whole_bad(void)
{
    int64_t v;
    return ent_whole_parse(&v, "1,000", 0, 10);
}
static int whole_good(void)
{
    int64_t v;
    return ent_whole_parse(&v, "10", 0, 10);
}
static int today_bad(void)
{
    char d[11];
    return ent_time_today(d, "../etc/passwd");
}
static int today_good(void)
{
    char d[11];
    return ent_time_today(d, "UTC");
}
static int scan_bad(void)
{
    ent_scan s;
    return ent_scan_parse(&s, "4006381333932", 13, NULL);
}
static int scan_good(void)
{
    ent_scan s;
    return ent_scan_parse(&s, "4006381333931", 13, NULL);
}
static int layout_bad(void)
{
    ent_scan_layout l;
    return ent_scan_layout_parse(&l, "20IIIIIPPP.PP");
}
static int layout_good(void)
{
    ent_scan_layout l;
    return ent_scan_layout_parse(&l, "20IIIIIPPP.PPC");
}
static int fnc1_bad(void)
{
    ent_scan_config cfg;
    ent_scan_config_init(&cfg);
    return ent_scan_config_set_fnc1(&cfg, 'A');
}
static int fnc1_good(void)
{
    ent_scan_config cfg;
    ent_scan_config_init(&cfg);
    return ent_scan_config_set_fnc1(&cfg, '#');
}
static int template_bad(void)
{
    ent_label_template *t = NULL;
    int rc = ent_label_template_parse(&t, "size 60 40\nfrobnicate\n", "t.label");
    ent_label_template_free(t);
    return rc;
}
static int template_good(void)
{
    ent_label_template *t = NULL;
    int rc = ent_label_template_parse(&t, "size 60 40\nbox 0.5 0.5 59 39 width=0.25\n", "t.label");
    ent_label_template_free(t);
    return rc;
}
/* The CSV reader: a record with an unterminated quote, then a good file. */
static int csv_read(const char *text)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    ent_csv *csv = NULL;
    char **fields;
    size_t n;
    int rc = ent_csv_open(&csv, f);
    while (rc >= 0 && (rc = ent_csv_next(csv, &fields, &n)) == 1)
        ;
    ent_csv_free(csv);
    fclose(f);
    return rc;
}
static int csv_bad(void)
{
    return csv_read("a,b\n\"open,2\n");
}
static int csv_good(void)
{
    return csv_read("a,b\n1,2\n") == 0 ? ENT_OK : ENT_ERROR;
}

static const struct row rows[] = {
    {"money", money_bad, money_good, ENT_INVALID, "amount '12,50' has a comma: use a point: 12.50"},
    {"currency", currency_bad, currency_good, ENT_NOTFOUND,
     "currency 'EURO' is not an ISO 4217 code: a code has 3 letters, such as CNY or EUR"},
    {"gtin", gtin_bad, gtin_good, ENT_INVALID, "GTIN 4006381333932: check digit should be 1"},
    {"date", date_bad, date_good, ENT_INVALID,
     "'2026-02-30' is not a date: February 2026 has no day 30 (it has 28 days)"},
    {"whole", whole_bad, whole_good, ENT_INVALID, "'1,000' is not a whole number: write it without separators"},
    {"today", today_bad, today_good, ENT_INVALID, "'../etc/passwd' is not a time zone name such as Asia/Shanghai"},
    {"scan", scan_bad, scan_good, ENT_INVALID, "GTIN 4006381333932: check digit should be 1"},
    {"layout", layout_bad, layout_good, ENT_INVALID, "in-store layout '20IIIIIPPP.PP': 12 digits, expected 13 ending in C"},
    {"fnc1", fnc1_bad, fnc1_good, ENT_INVALID,
     "FNC1 substitute 'A': choose a character GS1 data cannot contain: one of # $ @ [ \\ ^ ` { | } ~ or a space"},
    {"template", template_bad, template_good, ENT_INVALID, "t.label:2: unknown keyword 'frobnicate' (template, size, font, zpl-font, zpl-text, require, food, text, "
     "barcode, line, box, table)"},
    {"csv", csv_bad, csv_good, ENT_INVALID, "row 2, column a: a quoted field is never closed"},
};
#define NROWS (sizeof rows / sizeof *rows)

/* Each kind of call leaves its words after a failure, and a success of the
 * same call leaves ENT_OK and "" (common.h: "cleared by a success"). */
static void failure_then_success(void **state)
{
    (void)state;
    for (size_t i = 0; i < NROWS; i++) {
        ent_error_clear();
        int rc = rows[i].refused();
        const ent_error *e = ent_error_last();
        if (rc != rows[i].code || e->code != rows[i].code || strcmp(e->message, rows[i].message) != 0)
            fail_msg("%s: rc %d, last %d '%s'; want %d '%s'", rows[i].what, rc, e->code, e->message, rows[i].code,
                     rows[i].message);
        rc = rows[i].succeed();
        e = ent_error_last();
        if (rc != ENT_OK || e->code != ENT_OK || e->hint != ENT_HINT_NONE || e->message[0] != '\0')
            fail_msg("%s: after a success rc %d, last %d '%s'", rows[i].what, rc, e->code, e->message);
    }
}

/* A failure on a handle is on the handle and the last error, hint and all;
 * the next call on the handle clears both. */
static void handle_and_last(void **state)
{
    ent_db *db = *state;
    ent_db *none = NULL;
    char path[160];
    snprintf(path, sizeof path, "no_such_%d.db", (int)getpid());
    assert_int_equal(ent_db_open(&none, path, 0), ENT_NOTFOUND);
    const ent_error *e = ent_error_last();
    assert_int_equal(e->code, ENT_NOTFOUND);
    assert_int_equal(e->hint, ENT_HINT_CREATE_STORE);
    assert_string_equal(e->message, ent_errmsg(none));
    assert_int_equal(e->hint, ent_errhint(none));
    ent_db_close(none);
    int64_t id;
    assert_int_equal(ent_product_id(db, &id, NULL, "nothing-here"), ENT_NOTFOUND);
    assert_string_equal(ent_error_last()->message, "no commodity has the code 'nothing-here'");
    assert_string_equal(ent_errmsg(db), ent_error_last()->message);
    ent_store *s = NULL;
    assert_int_equal(ent_store_get(db, &s), ENT_OK);
    ent_store_free(s);
    assert_string_equal(ent_errmsg(db), "");
    assert_int_equal(ent_error_last()->code, ENT_OK);
    assert_string_equal(ent_error_last()->message, "");
}

/* ent_error_set copies, cuts on a character boundary, and is the thread's. */
static void set_and_cut(void **state)
{
    (void)state;
    char long_zh[3 * 500 + 1] = "";
    for (int i = 0; i < 500; i++)
        strcat(long_zh, "茶");
    assert_int_equal(ent_error_set(ENT_REFUSED, long_zh), ENT_REFUSED);
    const ent_error *e = ent_error_last();
    size_t n = strlen(e->message);
    assert_int_equal(e->code, ENT_REFUSED);
    assert_true(n < ENT_ERROR_MAX);
    assert_true(ent_utf8_valid(e->message, n));
    assert_string_equal(e->message + n - strlen("…"), "…");
    ent_error_set(ENT_ERROR, NULL);
    assert_string_equal(ent_error_last()->message, "");
    ent_error_clear();
    assert_int_equal(ent_error_last()->code, ENT_OK);
}

/* ---- two threads at once ------------------------------------------------- */

#define ROUNDS 300

struct worker {
    pthread_barrier_t *barrier;
    size_t row;      /* the call this thread fails */
    int mismatches;  /* rounds in which it read other words than its own */
    char seen[256];  /* the first wrong words, for the message */
};

/* Both threads fail their call between the same two barriers, then each
 * reads its last error while the other may already fail again. */
static void *work(void *arg)
{
    struct worker *w = arg;
    const struct row *r = &rows[w->row];
    for (int i = 0; i < ROUNDS; i++) {
        pthread_barrier_wait(w->barrier);
        int rc = r->refused();
        pthread_barrier_wait(w->barrier);
        const ent_error *e = ent_error_last();
        if (rc != r->code || e->code != r->code || strcmp(e->message, r->message) != 0) {
            if (w->mismatches++ == 0)
                snprintf(w->seen, sizeof w->seen, "%s", e->message);
        }
        if (i % 2 == 1 && (r->succeed() != ENT_OK || ent_error_last()->message[0] != '\0'))
            w->mismatches++;
    }
    return NULL;
}

static void threads_isolated(void **state)
{
    (void)state;
    /* Pairs of different calls, each with words of its own. */
    const size_t pairs[][2] = {{0, 2}, {3, 4}, {6, 7}, {9, 10}, {1, 8}};
    pthread_barrier_t barrier;
    ent_error_set(ENT_BUSY, "the main thread's own words");
    for (size_t p = 0; p < sizeof pairs / sizeof *pairs; p++) {
        struct worker w[2] = {{&barrier, pairs[p][0], 0, ""}, {&barrier, pairs[p][1], 0, ""}};
        pthread_t t[2];
        assert_int_equal(pthread_barrier_init(&barrier, NULL, 2), 0);
        for (int k = 0; k < 2; k++)
            assert_int_equal(pthread_create(&t[k], NULL, work, &w[k]), 0);
        for (int k = 0; k < 2; k++)
            assert_int_equal(pthread_join(t[k], NULL), 0);
        pthread_barrier_destroy(&barrier);
        for (int k = 0; k < 2; k++)
            if (w[k].mismatches)
                fail_msg("%s: %d rounds read other words, first '%s'", rows[w[k].row].what, w[k].mismatches,
                         w[k].seen);
    }
    /* Nothing the workers did reached this thread. */
    assert_int_equal(ent_error_last()->code, ENT_BUSY);
    assert_string_equal(ent_error_last()->message, "the main thread's own words");
}

/* Two threads fail on two handles at once: each handle and each thread
 * keeps its own words. */
struct db_worker {
    pthread_barrier_t *barrier;
    ent_db *db;
    const char *code;
    char want[128];
    int mismatches;
};

static void *db_work(void *arg)
{
    struct db_worker *w = arg;
    int64_t id;
    for (int i = 0; i < ROUNDS / 3; i++) {
        pthread_barrier_wait(w->barrier);
        int rc = ent_product_id(w->db, &id, NULL, w->code);
        pthread_barrier_wait(w->barrier);
        if (rc != ENT_NOTFOUND || strcmp(ent_error_last()->message, w->want) != 0 ||
            strcmp(ent_errmsg(w->db), w->want) != 0)
            w->mismatches++;
    }
    return NULL;
}

static void threads_on_handles(void **state)
{
    (void)state;
    pthread_barrier_t barrier;
    struct db_worker w[2] = {{&barrier, NULL, "左边的", "", 0}, {&barrier, NULL, "right-hand", "", 0}};
    pthread_t t[2];
    assert_int_equal(pthread_barrier_init(&barrier, NULL, 2), 0);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(ent_db_open(&w[k].db, test_db_path, 0), ENT_OK);
        snprintf(w[k].want, sizeof w[k].want, "no commodity has the code '%s'", w[k].code);
    }
    for (int k = 0; k < 2; k++)
        assert_int_equal(pthread_create(&t[k], NULL, db_work, &w[k]), 0);
    for (int k = 0; k < 2; k++)
        assert_int_equal(pthread_join(t[k], NULL), 0);
    pthread_barrier_destroy(&barrier);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(w[k].mismatches, 0);
        ent_db_close(w[k].db);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(failure_then_success),
        cmocka_unit_test_setup_teardown(handle_and_last, test_db_setup, test_db_teardown),
        cmocka_unit_test(set_and_cut),
        cmocka_unit_test(threads_isolated),
        cmocka_unit_test_setup_teardown(threads_on_handles, test_db_setup, test_db_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
