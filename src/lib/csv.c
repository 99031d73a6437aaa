/* RFC 4180 CSV reading and writing, with UTF-8 checked on the way in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/csv.h"
#include "internal.h"

#define FIELD_MAX (64 * 1024)

struct ent_csv {
    FILE *f;
    char *buf; /* all fields of the record, each NUL-terminated */
    size_t len, cap;
    size_t *starts;
    char **fields;
    size_t nfields, fcap;
    size_t line, rec_line, record;
    int first;
    char err[256];
};

int ent_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t n;
        unsigned min;
        if (c < 0x80) {
            /* Runs of ASCII, the common case, eight bytes at a time. */
            uint64_t w;
            while (i + 8 <= len && (memcpy(&w, s + i, 8), (w & 0x8080808080808080ull) == 0))
                i += 8;
            if (i < len && s[i] < 0x80)
                i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            n = 1, min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2, min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3, min = 0x10000;
        } else {
            return 0;
        }
        if (i + n >= len)
            return 0;
        unsigned cp = c & (0x3f >> n);
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += n + 1;
    }
    return 1;
}

int ent_csv_open(ent_csv **out, FILE *f)
{
    ent_csv *c = calloc(1, sizeof *c);
    *out = c;
    if (c == NULL)
        return ENT_ERROR;
    c->f = f;
    c->line = 1;
    c->first = 1;
    return ENT_OK;
}

void ent_csv_free(ent_csv *c)
{
    if (c == NULL)
        return;
    free(c->buf);
    free(c->starts);
    free(c->fields);
    free(c);
}

size_t ent_csv_line(const ent_csv *c)
{
    return c->rec_line;
}

size_t ent_csv_record(const ent_csv *c)
{
    return c->record;
}

const char *ent_csv_errmsg(const ent_csv *c)
{
    return c->err;
}

static int grow(ent_csv *c, char ch)
{
    {
        size_t cap = c->cap ? c->cap * 2 : 4096;
        char *p = realloc(c->buf, cap);
        if (p == NULL)
            return ENT_ERROR;
        c->buf = p;
        c->cap = cap;
    }
    c->buf[c->len++] = ch;
    return ENT_OK;
}

/* The hot path of reading: one byte into the record buffer. */
static inline int push_byte(ent_csv *c, char ch)
{
    if (c->len + 1 >= c->cap)
        return grow(c, ch);
    c->buf[c->len++] = ch;
    return ENT_OK;
}

static int end_field(ent_csv *c, size_t start)
{
    if (c->len - start > FIELD_MAX) {
        snprintf(c->err, sizeof c->err, "line %zu, field %zu: longer than %d bytes", c->rec_line,
                 c->nfields + 1, FIELD_MAX);
        return ENT_INVALID;
    }
    if (!ent_utf8_valid(c->buf + start, c->len - start)) {
        snprintf(c->err, sizeof c->err, "line %zu, field %zu: not valid UTF-8 text", c->rec_line,
                 c->nfields + 1);
        return ENT_INVALID;
    }
    if (push_byte(c, '\0') != ENT_OK)
        return ENT_ERROR;
    if (c->nfields == c->fcap) {
        size_t cap = c->fcap ? c->fcap * 2 : 32;
        size_t *p = realloc(c->starts, cap * sizeof *p);
        if (p == NULL)
            return ENT_ERROR;
        c->starts = p;
        char **q = realloc(c->fields, cap * sizeof *q);
        if (q == NULL)
            return ENT_ERROR;
        c->fields = q;
        c->fcap = cap;
    }
    c->starts[c->nfields++] = start;
    return ENT_OK;
}

int ent_csv_next(ent_csv *c, char ***fields, size_t *count)
{
    int ch, rc;
    size_t start = 0;
    c->len = 0;
    c->nfields = 0;
    c->err[0] = '\0';
    if (c->first) {
        c->first = 0;
        int a = getc_unlocked(c->f), b, d;
        if (a == 0xef && (b = getc_unlocked(c->f)) == 0xbb && (d = getc_unlocked(c->f)) == 0xbf) {
            /* byte-order mark skipped */
        } else if (a != EOF) {
            /* Not a BOM: only the first byte can be pushed back portably, so
             * a partial BOM (EF BB without BF) is refused as not UTF-8. */
            if (a == 0xef) {
                snprintf(c->err, sizeof c->err, "line 1: not valid UTF-8 text");
                return ENT_INVALID;
            }
            ungetc(a, c->f);
        }
    }
    c->rec_line = c->line;
    ch = getc_unlocked(c->f);
    if (ch == EOF)
        return 0;
    c->record++;
    for (;;) {
        if (ch == '"') {
            /* A quoted field: runs to the closing quote; "" is a quote. */
            for (;;) {
                ch = getc_unlocked(c->f);
                if (ch == EOF) {
                    snprintf(c->err, sizeof c->err, "line %zu: a quoted field is never closed", c->rec_line);
                    return ENT_INVALID;
                }
                if (ch == '"') {
                    ch = getc_unlocked(c->f);
                    if (ch != '"')
                        break;
                } else if (ch == '\n') {
                    c->line++;
                }
                if (push_byte(c, (char)ch) != ENT_OK)
                    return ENT_ERROR;
            }
            if (ch != ',' && ch != '\n' && ch != '\r' && ch != EOF) {
                snprintf(c->err, sizeof c->err, "line %zu, field %zu: text after the closing quote",
                         c->line, c->nfields + 1);
                return ENT_INVALID;
            }
        } else {
            while (ch != ',' && ch != '\n' && ch != '\r' && ch != EOF) {
                if (ch == '"') {
                    snprintf(c->err, sizeof c->err,
                             "line %zu, field %zu: a quote inside an unquoted field (quote the whole field)",
                             c->line, c->nfields + 1);
                    return ENT_INVALID;
                }
                if (push_byte(c, (char)ch) != ENT_OK)
                    return ENT_ERROR;
                ch = getc_unlocked(c->f);
            }
        }
        if ((rc = end_field(c, start)) != ENT_OK)
            return rc;
        start = c->len;
        if (ch == ',') {
            ch = getc_unlocked(c->f);
            continue;
        }
        if (ch == '\r') {
            ch = getc_unlocked(c->f);
            if (ch != '\n' && ch != EOF)
                ungetc(ch, c->f);
        }
        if (ch != EOF)
            c->line++;
        break;
    }
    for (size_t i = 0; i < c->nfields; i++)
        c->fields[i] = c->buf + c->starts[i];
    *fields = c->fields;
    *count = c->nfields;
    return 1;
}

int ent_csv_write(FILE *f, const char *const *fields, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const char *s = fields[i] ? fields[i] : "";
        if (i > 0 && putc(',', f) == EOF)
            return ENT_ERROR;
        if (strpbrk(s, ",\"\r\n") == NULL) {
            if (fputs(s, f) == EOF && *s)
                return ENT_ERROR;
            continue;
        }
        putc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                putc('"', f);
            putc(*s, f);
        }
        if (putc('"', f) == EOF)
            return ENT_ERROR;
    }
    if (fputs("\r\n", f) == EOF)
        return ENT_ERROR;
    return ENT_OK;
}
