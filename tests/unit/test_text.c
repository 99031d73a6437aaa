/* Text for messages: ent_text_clip never cuts a character, marks a cut with
 * "…", shows what is no UTF-8 as \xNN; entx_fail's message, cut at its buffer,
 * ends on a character boundary; a token's secret is never shown. */
#include "testutil.h"
#include "internal.h"

static void clip_rows(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t max;
        const char *want;
    } rows[] = {
        /*  0 */ {"C1", 40, "C1"},
        /*  1 */ {NULL, 40, ""},
        /*  2 */ {"", 40, ""},
        /*  3 */ {"中中中中", 4, "中中中中"},
        /*  4 */ {"中中中中中", 4, "中中中中…"},
        /*  5 */ {"中中中\xe4", 40, "中中中\\xE4"}, /* a character cut off at the end */
        /*  6 */ {"中中中\xe4\xb8", 40, "中中中\\xE4\\xB8"},
        /*  7 */ {"\xff", 40, "\\xFF"},
        /*  8 */ {"a\tb\n", 40, "a\\x09b\\x0A"},          /* one line, no control characters */
        /*  9 */ {"\xc0\xaf", 40, "\\xC0\\xAF"},          /* an overlong '/' */
        /* 10 */ {"\xed\xa0\x80", 40, "\\xED\\xA0\\x80"}, /* a surrogate */
        /* 11 */ {"😀x", 1, "😀…"},
        /* 12 */ {"abc", 0, "…"},
        /* 13 */ {"\x80\x80\x80", 2, "\\x80\\x80…"},
        /* an API token's secret pasted as a name is never shown, in part or whole */
        /* 14 */ {"ent_y3aK95Y5noorQ6OXjDWb8w1SuAyGNAqR-v4_hLRbCiM", 40, "ent_***"},
        /* 15 */ {"/api/v1/tokens/ent_y3aK95Y5noorQ6OXjDWb8w1SuAyGNAqR-v4_hLRbCiM", 80, "/api/v1/tokens/ent_***"},
        /* 16 */ {"id ent_y3aK95Y5noorQ6OXjDWb8w1SuAyGNAqR-v4_hLRbCiM!", 10, "id ent_***!"},
        /* 17 */ {"ent_short_sku", 40, "ent_short_sku"}, /* not a secret's form: shown */
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char buf[ENT_CLIP_SIZE];
        const char *got = ent_text_clip(buf, sizeof buf, rows[i].in, rows[i].max);
        if (strcmp(got, rows[i].want) != 0)
            fail_msg("row %zu: got '%s', want '%s'", i, got, rows[i].want);
        if (!ent_utf8_valid(got, strlen(got)))
            fail_msg("row %zu: '%s' is not UTF-8", i, got);
    }
    /* 40 characters of any kind fit in ENT_CLIP_SIZE, the ellipsis included. */
    char big[400], buf[ENT_CLIP_SIZE];
    memset(big, 0xff, sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ent_text_clip(buf, sizeof buf, big, 40);
    assert_int_equal(strlen(buf), 40 * 4 + strlen("…"));
    /* A small buffer cuts earlier, still on a boundary. */
    char small[6];
    assert_string_equal(ent_text_clip(small, sizeof small, "中中中", 40), "…");
    char nine[9];
    assert_string_equal(ent_text_clip(nine, sizeof nine, "中中中", 40), "中…");
}

/* A message longer than the handle's buffer ends on a character boundary. */
static void long_message(void **state)
{
    ent_db *db = *state;
    char counter[3000];
    size_t n = 0;
    while (n + 3 < sizeof counter) {
        memcpy(counter + n, "中", 3);
        n += 3;
    }
    counter[n] = '\0';
    ent_basket *b = NULL;
    /* The cashier check names no value; the counter message clips it. */
    assert_int_equal(ent_basket_new(db, &b, counter, "王芳", NULL), ENT_INVALID);
    const char *msg = ent_errmsg(db);
    assert_true(ent_utf8_valid(msg, strlen(msg)));
    assert_non_null(strstr(msg, "…' must be 1 to 16 letters"));
    assert_null(b);
    /* What vsnprintf leaves when a message fills the buffer: cut inside 中. */
    static const struct {
        size_t len;
        const char *want;
    } rows[] = {
        /* 0 */ {11, "ab中…"}, /* "ab中中" and 2 bytes of 中: room for "…" after the first 中 */
        /* 1 */ {9, "ab中…"},
        /* 3 */ {7, "ab…"},
        /* 2 */ {20, "ab中中中"}, /* not full: left alone */
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char buf[32];
        snprintf(buf, rows[i].len, "ab中中中");
        entx_text_trim_cut(buf, rows[i].len);
        if (strcmp(buf, rows[i].want) != 0)
            fail_msg("row %zu: got '%s', want '%s'", i, buf, rows[i].want);
    }
}

static void utf8_rows(void **state)
{
    (void)state;
    assert_true(ent_utf8_valid("abc", 3));
    assert_true(ent_utf8_valid("橄榄油", strlen("橄榄油")));
    assert_true(ent_utf8_valid("\xf0\x9f\x87\xab", 4));
    assert_true(ent_utf8_valid("0123456789abcdef意", strlen("0123456789abcdef意"))); /* past the ASCII run */
    assert_false(ent_utf8_valid("\xe6\xa9", 2));         /* cut short */
    assert_false(ent_utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
    assert_false(ent_utf8_valid("\xe0\x80\xaf", 3));     /* overlong */
    assert_false(ent_utf8_valid("\xed\xa0\x80", 3));     /* a surrogate */
    assert_false(ent_utf8_valid("01234567\x80", 9));      /* a stray continuation after ASCII */
}

/* Display cells of one character: the receipts, the receipt PDF and the
 * CLI's tables all count with it. */
static void cells_rows(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int cells, len;
    } rows[] = {
        {"A", 1, 1},          {"é", 1, 2},          {"茶", 2, 3},           {"ｱ", 1, 3} /* half-width kana */,
        {"Ａ", 2, 3},         {"한", 2, 3},          {"\t", 0, 1},          {"", 0, 0},
        {"\xe8\x8c", 1, 2} /* cut short: moves on by what is there */, {"𠀀", 2, 4},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int len = -1, c = ent_text_cells(rows[i].s, &len);
        if (c != rows[i].cells || len != rows[i].len)
            print_message("row %zu: %d cells, %d bytes; want %d, %d\n", i, c, len, rows[i].cells, rows[i].len);
        assert_int_equal(c, rows[i].cells);
        assert_int_equal(len, rows[i].len);
    }
    assert_int_equal(ent_text_cells("茶", NULL), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clip_rows),
        cmocka_unit_test(utf8_rows),
        cmocka_unit_test(cells_rows),
        cmocka_unit_test_setup_teardown(long_message, test_db_setup, test_db_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
