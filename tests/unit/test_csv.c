/* CSV reader and writer: RFC 4180 quoting, line numbers, UTF-8 checks. */
#include "testutil.h"

/* Reads all of text; returns the records joined as "a|b;c|d;" or the error. */
static void read_all(const char *text, size_t len, char *out, size_t outlen)
{
    FILE *f = fmemopen((void *)text, len, "rb");
    ent_csv *csv = NULL;
    char **fields;
    size_t n;
    int r;
    out[0] = '\0';
    ent_csv_open(&csv, f);
    while ((r = ent_csv_next(csv, &fields, &n)) == 1) {
        for (size_t i = 0; i < n; i++) {
            strncat(out, fields[i], outlen - strlen(out) - 1);
            strncat(out, i + 1 < n ? "|" : ";", outlen - strlen(out) - 1);
        }
    }
    if (r < 0)
        snprintf(out, outlen, "ERR %s", ent_csv_errmsg(csv));
    ent_csv_free(csv);
    fclose(f);
}

static void reader_rows(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } rows[] = {
        /*  0 */ {"a,b\r\nc,d\r\n", "a|b;c|d;"},
        /*  1 */ {"a,b\nc,d", "a|b;c|d;"},
        /*  2 */ {"\"a,1\",\"say \"\"hi\"\"\"\n", "a,1|say \"hi\";"},
        /*  3 */ {"\"two\nlines\",x\ny,z\n", "two\nlines|x;y|z;"},
        /*  4 */ {",,\n", "||;"},
        /*  5 */ {"\xef\xbb\xbfgtin,name_zh\n1,橄榄油\n", "gtin|name_zh;1|橄榄油;"},
        /*  6 */ {"\"open\n", "ERR line 1: a quoted field is never closed"},
        /*  7 */ {"\"a\"b,c\n", "ERR line 1, field 1: text after the closing quote"},
        /*  8 */ {"x\na\"b\n", "ERR line 2, field 1: a quote inside an unquoted field (quote the whole field)"},
        /*  9 */ {"ok\nbad\xff,x\n", "ERR line 2, field 1: not valid UTF-8 text"},
        /* 10 */ {"a,\xc0\xaf\n", "ERR line 1, field 2: not valid UTF-8 text"},
        /* 11 */ {"a,\xed\xa0\x80\n", "ERR line 1, field 2: not valid UTF-8 text"},
        /* 12 */ {"", ""},
        /* 13 */ {"a\r\n\r\nb\r\n", "a;;b;"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char out[256];
        read_all(rows[i].in, strlen(rows[i].in), out, sizeof out);
        if (strcmp(out, rows[i].want) != 0)
            fail_msg("row %zu: got '%s' want '%s'", i, out, rows[i].want);
    }
}

static void writer_round_trip(void **state)
{
    (void)state;
    const char *fields[] = {"plain", "with,comma", "with \"quote\"", "two\nlines", "意大利", NULL};
    char *buf = NULL, out[256];
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(ent_csv_write(f, fields, 6), ENT_OK);
    fclose(f);
    assert_string_equal(buf, "plain,\"with,comma\",\"with \"\"quote\"\"\",\"two\nlines\",意大利,\r\n");
    read_all(buf, len, out, sizeof out);
    assert_string_equal(out, "plain|with,comma|with \"quote\"|two\nlines|意大利|;");
    free(buf);
}

static void utf8_rows(void **state)
{
    (void)state;
    assert_true(ent_utf8_valid("abc", 3));
    assert_true(ent_utf8_valid("橄榄油", strlen("橄榄油")));
    assert_true(ent_utf8_valid("\xf0\x9f\x87\xab", 4));
    assert_false(ent_utf8_valid("\xe6\xa9", 2));      /* cut short */
    assert_false(ent_utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
    assert_false(ent_utf8_valid("\xe0\x80\xaf", 3));  /* overlong */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reader_rows),
        cmocka_unit_test(writer_round_trip),
        cmocka_unit_test(utf8_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
