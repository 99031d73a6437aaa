/* CSV reader and writer: RFC 4180 quoting, line numbers, UTF-8 checks. */
#include <iconv.h>

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
        snprintf(out, outlen, "ERR %s", ent_error_last()->message);
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
        /*  6 */ {"\"open\n", "ERR row 1, column 1: a quoted field is never closed"},
        /*  7 */ {"\"a\"b,c\n", "ERR row 1, column 1: text after the closing quote"},
        /*  8 */ {"x\na\"b\n", "ERR row 2, column x: a quote inside an unquoted field (quote the whole field)"},
        /*  9 */ {"ok\nbad\xff,x\n", "ERR row 2, column ok: not valid UTF-8 text"},
        /* 10 */ {"a,\xc0\xaf\n", "ERR row 1, column 2: not valid UTF-8 text"},
        /* 11 */ {"a,\xed\xa0\x80\n", "ERR row 1, column 2: not valid UTF-8 text"},
        /* 12 */ {"", ""},
        /* 13 */ {"a\r\n\r\nb\r\n", "a;;b;"},
        /* 14 */ {",b\nt,\"two\nli\"\n", "|b;t|two\nli;"}, /* an empty first field (fuzz_csv) */
        /* 15 */ {"\xef\xbb\xbfx\n\xef\xbbz\n", "ERR row 2, column x: not valid UTF-8 text"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char out[256];
        read_all(rows[i].in, strlen(rows[i].in), out, sizeof out);
        if (strcmp(out, rows[i].want) != 0)
            fail_msg("row %zu: got '%s' want '%s'", i, out, rows[i].want);
    }
}

/* Inputs with NUL bytes: read with their length, not as C strings. */
static void nul_rows(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t len;
        const char *want;
    } rows[] = {
        /* 0 */ {"gtin,name\n123\0" "456,x\n", 19, "ERR row 2, column gtin: holds a NUL byte (is this a CSV file?)"},
        /* 1 */ {"gtin,na\0me\n", 12, "ERR row 1, column 2: holds a NUL byte (is this a CSV file?)"},
        /* 2 */ {"a,b\nx,\"y\0\"\n", 13, "ERR row 2, column b: holds a NUL byte (is this a CSV file?)"},
        /* 3 */ {"\0\0\0\0", 4, "ERR row 1, column 1: holds a NUL byte (is this a CSV file?)"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char out[256];
        read_all(rows[i].in, rows[i].len, out, sizeof out);
        if (strcmp(out, rows[i].want) != 0)
            fail_msg("row %zu: got '%s' want '%s'", i, out, rows[i].want);
    }
}

/* The bounds, refused while reading at the limit: a field of 64 KiB is
 * read, one byte more is not; nor a row over 1 MiB or 1025 columns. */
static void bound_rows(void **state)
{
    (void)state;
    static const struct {
        size_t fields, each;
        const char *want;
    } rows[] = {
        /* 0 */ {1, 65536, "h;<65536>;"},
        /* 1 */ {1, 65537, "ERR row 2, column h: longer than 65536 bytes"},
        /* 2 */ {1024, 1, "h;<1024 columns>;"},
        /* 3 */ {1025, 0, "ERR row 2: more than 1024 columns"},
        /* 4 */ {17, 65536, "ERR row 2: longer than 1048576 bytes (is this a CSV file?)"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        size_t len = 2 + rows[i].fields * (rows[i].each + 1);
        char *in = malloc(len), out[256];
        memcpy(in, "h\n", 2);
        memset(in + 2, 'a', len - 2);
        for (size_t k = 1; k <= rows[i].fields; k++)
            in[2 + k * (rows[i].each + 1) - 1] = k == rows[i].fields ? '\n' : ',';
        FILE *f = fmemopen(in, len, "rb");
        ent_csv *csv = NULL;
        char **fields;
        size_t n;
        int r;
        out[0] = '\0';
        ent_csv_open(&csv, f);
        while ((r = ent_csv_next(csv, &fields, &n)) == 1) {
            size_t at = strlen(out);
            if (n > 1)
                snprintf(out + at, sizeof out - at, "<%zu columns>;", n);
            else if (strlen(fields[0]) > 100)
                snprintf(out + at, sizeof out - at, "<%zu>;", strlen(fields[0]));
            else
                snprintf(out + at, sizeof out - at, "%s;", fields[0]);
        }
        if (r < 0)
            snprintf(out, sizeof out, "ERR %s", ent_error_last()->message);
        ent_csv_free(csv);
        fclose(f);
        free(in);
        if (strcmp(out, rows[i].want) != 0)
            fail_msg("row %zu: got '%s' want '%s'", i, out, rows[i].want);
    }
}

/* A folder or a device where the file should be: named, refused at once. */
static void kind_rows(void **state)
{
    (void)state;
    static const struct {
        const char *path, *want;
    } rows[] = {
        {".", "this is a folder, not a CSV file"},
        {"/dev/zero", "this is a device, not a CSV file"},
        {"/dev/null", "this is a device, not a CSV file"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        FILE *f = fopen(rows[i].path, "rb");
        ent_csv *csv = NULL;
        char **fields;
        size_t n;
        assert_non_null(f);
        ent_csv_open(&csv, f);
        int r = ent_csv_next(csv, &fields, &n);
        if (r != ENT_INVALID || strcmp(ent_error_last()->message, rows[i].want) != 0)
            fail_msg("row %zu: got %d '%s' want '%s'", i, r, ent_error_last()->message, rows[i].want);
        ent_csv_free(csv);
        fclose(f);
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

/* GB18030 text (made by iconv from UTF-8) decodes back to the same UTF-8,
 * whatever falls on the boundary of the pieces it is read in. */
static void decode_pieces(void **state)
{
    (void)state;
    for (int shift = 0; shift < 4; shift++) {
        char *utf8 = NULL, *gb = NULL, *back = NULL;
        size_t ulen = 0, glen = 0;
        FILE *u = open_memstream(&utf8, &ulen);
        fprintf(u, "%.*sname_zh\n", shift, "xyz");
        for (int i = 0; i < 20000; i++)
            fprintf(u, "茶叶𠀀%d,乌龙\n", i); /* 2-byte and 4-byte GB18030 characters */
        fclose(u);
        iconv_t cd = iconv_open("GB18030", "UTF-8");
        gb = malloc(ulen * 2);
        char *ip = utf8, *op = gb;
        size_t il = ulen, ol = ulen * 2;
        assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
        iconv_close(cd);
        glen = (size_t)(op - gb);
        FILE *in = fmemopen(gb, glen, "rb"), *out = NULL;
        assert_int_equal(ent_csv_decode(&out, in, "GB18030"), ENT_OK);
        back = malloc(ulen + 1);
        size_t got = fread(back, 1, ulen + 1, out);
        assert_int_equal(got, ulen);
        assert_memory_equal(back, utf8, ulen);
        fclose(out);
        fclose(in);
        /* A bad byte far on: named by its line and byte. */
        gb[glen - 3] = (char)0xff;
        in = fmemopen(gb, glen, "rb");
        assert_int_equal(ent_csv_decode(&out, in, "gb18030"), ENT_INVALID);
        assert_null(out);
        assert_string_equal(ent_error_last()->message, "the file is not GB18030: line 20001 byte 17");
        fclose(in);
        free(utf8);
        free(gb);
        free(back);
    }
    FILE *in = fmemopen((void *)"a\n", 2, "rb"), *out = (FILE *)1;
    assert_int_equal(ent_csv_decode(&out, in, "latin1"), ENT_INVALID);
    assert_null(out);
    assert_string_equal(ent_error_last()->message, "the encoding 'latin1' is not utf-8, gb18030 or gbk");
    fclose(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reader_rows),
        cmocka_unit_test(nul_rows),
        cmocka_unit_test(bound_rows),
        cmocka_unit_test(kind_rows),
        cmocka_unit_test(writer_round_trip),
        cmocka_unit_test(decode_pieces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
