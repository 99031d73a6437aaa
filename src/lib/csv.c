/* RFC 4180 CSV reading and writing, with UTF-8 checked on the way in (ent_utf8_valid, text.c). */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "entrepot/csv.h"
#include "entrepot/parse.h"
#include "internal.h"

/* Bounds, refused while reading: a hostile or mistaken input (/dev/zero, a
 * binary file, one endless field) stops at the limit, never grows memory. */
#define FIELD_MAX (64 * 1024)
#define ROW_MAX (1024 * 1024)
#define COLUMNS_MAX 1024
#define NAME_MAX_SHOWN 40

struct ent_csv {
    FILE *f;
    char *buf; /* all fields of the record, each NUL-terminated */
    size_t len, cap;
    size_t *starts;
    char **fields;
    size_t nfields, fcap;
    size_t line, rec_line, record;
    size_t field_start; /* where the field being read starts in buf */
    char **names;       /* the header's column names, for messages */
    size_t nnames;
    int first;
    char err[256];
};

int ent_csv_open(ent_csv **out, FILE *f)
{
    ent_csv *c = calloc(1, sizeof *c);
    *out = c;
    if (c == NULL)
        return entx_error_set(ENT_ERROR, "out of memory");
    /* The buffer exists from the start: an empty first field is then
     * buf + 0, not an offset from a null pointer (found by fuzz_csv). */
    c->buf = malloc(4096);
    if (c->buf == NULL) {
        free(c);
        *out = NULL;
        return entx_error_set(ENT_ERROR, "out of memory");
    }
    c->cap = 4096;
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
    for (size_t i = 0; i < c->nnames; i++)
        free(c->names[i]);
    free(c->names);
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

/* "row 2, column name_zh" (or "column 3" before the header is known, or
 * when the record has more columns than the header). */
static void where(const ent_csv *c, char *buf, size_t len)
{
    size_t col = c->nfields;
    if (c->record > 1 && col < c->nnames)
        snprintf(buf, len, "row %zu, column %s", c->record, c->names[col]);
    else
        snprintf(buf, len, "row %zu, column %zu", c->record, col + 1);
}

static int refuse(ent_csv *c, int rc, const char *what)
{
    char at[96];
    where(c, at, sizeof at);
    snprintf(c->err, sizeof c->err, "%s: %s", at, what);
    return rc;
}

static int grow(ent_csv *c, char ch)
{
    if (c->cap >= ROW_MAX) {
        snprintf(c->err, sizeof c->err, "row %zu: longer than %d bytes (is this a CSV file?)", c->record, ROW_MAX);
        return ENT_INVALID;
    }
    size_t cap = c->cap ? c->cap * 2 : 4096;
    char *p = realloc(c->buf, cap);
    if (p == NULL) {
        snprintf(c->err, sizeof c->err, "out of memory");
        return ENT_ERROR;
    }
    c->buf = p;
    c->cap = cap;
    c->buf[c->len++] = ch;
    return ENT_OK;
}

/* The hot path of reading: one byte of a field into the record buffer. A
 * NUL would silently end the field where C reads it, so it is refused. */
static inline int push_byte(ent_csv *c, char ch)
{
    if (ch == '\0')
        return refuse(c, ENT_INVALID, "holds a NUL byte (is this a CSV file?)");
    if (c->len - c->field_start >= FIELD_MAX) {
        char what[64];
        snprintf(what, sizeof what, "longer than %d bytes", FIELD_MAX);
        return refuse(c, ENT_INVALID, what);
    }
    if (c->len + 1 >= c->cap)
        return grow(c, ch);
    c->buf[c->len++] = ch;
    return ENT_OK;
}

static int end_field(ent_csv *c)
{
    size_t start = c->field_start;
    if (!ent_utf8_valid(c->buf + start, c->len - start))
        return refuse(c, ENT_INVALID, "not valid UTF-8 text");
    if (c->nfields >= COLUMNS_MAX) {
        snprintf(c->err, sizeof c->err, "row %zu: more than %d columns", c->record, COLUMNS_MAX);
        return ENT_INVALID;
    }
    int rc = c->len + 1 >= c->cap ? grow(c, '\0') : (c->buf[c->len++] = '\0', ENT_OK);
    if (rc != ENT_OK)
        return rc;
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
    c->field_start = c->len;
    return ENT_OK;
}

/* A folder or a device where a file is expected is named as such, instead
 * of reading as an empty file (a folder) or without end (/dev/zero). Pipes
 * and terminals are fine. */
static int check_kind(ent_csv *c)
{
    struct stat st;
    int fd = fileno(c->f);
    if (fd < 0 || fstat(fd, &st) != 0 || S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ||
        isatty(fd))
        return ENT_OK;
    snprintf(c->err, sizeof c->err, "%s",
             S_ISDIR(st.st_mode) ? "this is a folder, not a CSV file" : "this is a device, not a CSV file");
    return ENT_INVALID;
}

/* Skips a UTF-8 byte-order mark at the very start. */
static int skip_bom(ent_csv *c)
{
    int a = getc_unlocked(c->f), b, d;
    if (a == 0xef && (b = getc_unlocked(c->f)) == 0xbb && (d = getc_unlocked(c->f)) == 0xbf)
        return ENT_OK;
    if (a == EOF)
        return ENT_OK;
    /* Not a BOM: only the first byte can be pushed back portably, so a
     * partial BOM (EF BB without BF) is refused as not UTF-8. */
    if (a == 0xef) {
        snprintf(c->err, sizeof c->err, "row 1, column 1: not valid UTF-8 text");
        return ENT_INVALID;
    }
    ungetc(a, c->f);
    return ENT_OK;
}

/* Keeps the first record's fields as the column names of later messages. */
static int keep_names(ent_csv *c)
{
    c->names = calloc(c->nfields ? c->nfields : 1, sizeof *c->names);
    if (c->names == NULL)
        return ENT_ERROR;
    for (size_t i = 0; i < c->nfields; i++) {
        char shown[NAME_MAX_SHOWN * 2];
        ent_text_clip(shown, sizeof shown, c->buf + c->starts[i], NAME_MAX_SHOWN);
        if ((c->names[i] = entx_strdup(shown)) == NULL)
            return ENT_ERROR;
        c->nnames = i + 1;
    }
    return ENT_OK;
}

/* A quoted field: runs to the closing quote; "" is a quote. */
static int quoted_field(ent_csv *c, int *chp)
{
    int ch, rc;
    for (;;) {
        ch = getc_unlocked(c->f);
        if (ch == EOF)
            return refuse(c, ENT_INVALID, "a quoted field is never closed");
        if (ch == '"') {
            ch = getc_unlocked(c->f);
            if (ch != '"')
                break;
        } else if (ch == '\n') {
            c->line++;
        }
        if ((rc = push_byte(c, (char)ch)) != ENT_OK)
            return rc;
    }
    if (ch != ',' && ch != '\n' && ch != '\r' && ch != EOF)
        return refuse(c, ENT_INVALID, "text after the closing quote");
    *chp = ch;
    return ENT_OK;
}

static int plain_field(ent_csv *c, int *chp)
{
    int ch = *chp, rc;
    while (ch != ',' && ch != '\n' && ch != '\r' && ch != EOF) {
        if (ch == '"')
            return refuse(c, ENT_INVALID, "a quote inside an unquoted field (quote the whole field)");
        /* The bytes that fit without growing the buffer or reaching the
         * field's bound go in without push_byte's checks (a catalogue
         * import reads every byte of a large file here); a NUL, the bound
         * and the growth are push_byte's. */
        size_t fit = c->cap - 1 - c->len, used = c->len - c->field_start;
        if (used < FIELD_MAX && FIELD_MAX - used < fit)
            fit = FIELD_MAX - used;
        if (used >= FIELD_MAX)
            fit = 0;
        char *out = c->buf + c->len;
        size_t k = 0;
        while (k < fit && ch != ',' && ch != '\n' && ch != '\r' && ch != EOF && ch != '"' && ch != '\0') {
            out[k++] = (char)ch;
            ch = getc_unlocked(c->f);
        }
        c->len += k;
        if (k > 0)
            continue;
        if ((rc = push_byte(c, (char)ch)) != ENT_OK)
            return rc;
        ch = getc_unlocked(c->f);
    }
    *chp = ch;
    return ENT_OK;
}

static int read_record(ent_csv *c)
{
    int ch = getc_unlocked(c->f), rc;
    if (ch == EOF)
        return 0;
    c->record++;
    for (;;) {
        rc = ch == '"' ? quoted_field(c, &ch) : plain_field(c, &ch);
        if (rc == ENT_OK)
            rc = end_field(c);
        if (rc != ENT_OK)
            return rc;
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
        return 1;
    }
}

static int next_record(ent_csv *c, char ***fields, size_t *count)
{
    int rc;
    c->len = 0;
    c->field_start = 0;
    c->nfields = 0;
    c->err[0] = '\0';
    if (c->first) {
        c->first = 0;
        if ((rc = check_kind(c)) != ENT_OK || (rc = skip_bom(c)) != ENT_OK)
            return rc;
    }
    c->rec_line = c->line;
    rc = read_record(c);
    if (rc <= 0 && ferror(c->f)) {
        snprintf(c->err, sizeof c->err, "the file cannot be read: %s", strerror(errno));
        return ENT_ERROR;
    }
    if (rc <= 0)
        return rc;
    if (c->record == 1 && c->names == NULL && keep_names(c) != ENT_OK) {
        snprintf(c->err, sizeof c->err, "out of memory");
        return ENT_ERROR;
    }
    for (size_t i = 0; i < c->nfields; i++)
        c->fields[i] = c->buf + c->starts[i];
    *fields = c->fields;
    *count = c->nfields;
    return 1;
}

/* The reader keeps its words in c->err while it reads; they become the
 * calling thread's last error when the record is refused. */
int ent_csv_next(ent_csv *c, char ***fields, size_t *count)
{
    int rc = next_record(c, fields, count);
    if (rc < 0)
        entx_error_copy(rc, ENT_HINT_NONE, c->err);
    else
        ent_error_clear();
    return rc;
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

/* ---- decoding ----------------------------------------------------------- */

/* The iconv name of an encoding a CSV may come in, or NULL. */
static const char *decode_name(const char *encoding)
{
    if (strcasecmp(encoding, "utf-8") == 0 || strcasecmp(encoding, "utf8") == 0)
        return "UTF-8";
    if (strcasecmp(encoding, "gb18030") == 0)
        return "GB18030";
    if (strcasecmp(encoding, "gbk") == 0)
        return "GBK";
    return NULL;
}

/* Where the decoding stands: the line and the bytes of it read so far. */
struct decode_pos {
    long line, byte;
};

static void decode_count(struct decode_pos *p, const char *from, const char *to)
{
    for (; from < to; from++, p->byte++)
        if (*from == '\n')
            p->line++, p->byte = -1;
}

#define DECODE_CHUNK 65536
/* UTF-8 takes at most 2 bytes for each GB18030 byte (4 for 4); E2BIG is
 * handled anyway. */
#define DECODE_OUT (2 * DECODE_CHUNK + 16)

/* Converts what is in buf (have bytes); keeps an incomplete character's
 * bytes at its start for the next piece. ENT_OK, or the failure's code. */
static int decode_piece(iconv_t cd, char *buf, size_t *have, bool at_end, char *obuf, FILE *out,
                        struct decode_pos *pos, const char *name)
{
    char *ip = buf;
    size_t left = *have;
    while (left > 0) {
        char *op = obuf, *start = ip;
        size_t oleft = DECODE_OUT;
        size_t r = iconv(cd, &ip, &left, &op, &oleft);
        int err = r == (size_t)-1 ? errno : 0;
        decode_count(pos, start, ip);
        if (op > obuf && fwrite(obuf, 1, (size_t)(op - obuf), out) != (size_t)(op - obuf))
            return entx_error_set(ENT_ERROR, "the decoded text cannot be written: %s", strerror(errno));
        if (err == EINVAL && !at_end)
            break; /* a character cut by the piece: read on */
        if (err == EILSEQ || err == EINVAL)
            return entx_error_set(ENT_INVALID, "the file is not %s: line %ld byte %ld%s", name, pos->line,
                                  pos->byte + 1, err == EINVAL ? " (it ends inside a character)" : "");
        if (err != 0 && err != E2BIG)
            return entx_error_set(ENT_ERROR, "decoding %s failed: %s", name, strerror(err));
    }
    memmove(buf, ip, left);
    *have = left;
    return ENT_OK;
}

int ent_csv_decode(FILE **out, FILE *in, const char *encoding)
{
    *out = NULL;
    const char *name = encoding ? decode_name(encoding) : NULL;
    if (name == NULL)
        return entx_error_set(ENT_INVALID, "the encoding '%s' is not utf-8, gb18030 or gbk",
                              encoding ? ENT_CLIP(encoding, 40) : "");
    iconv_t cd = iconv_open("UTF-8", name);
    if (cd == (iconv_t)-1)
        return entx_error_set(ENT_ERROR, "the conversion from %s is not available: %s", name, strerror(errno));
    FILE *tmp = tmpfile();
    size_t have = 0;
    struct decode_pos pos = {1, 0};
    int rc = tmp ? ENT_OK : entx_error_set(ENT_ERROR, "no temporary file for the decoded text: %s", strerror(errno));
    /* On the heap: the server's threads decode too. */
    char *buf = malloc(DECODE_CHUNK + 16), *obuf = malloc(DECODE_OUT);
    if (rc == ENT_OK && (buf == NULL || obuf == NULL))
        rc = entx_error_set(ENT_ERROR, "out of memory");
    while (rc == ENT_OK) {
        size_t got = fread(buf + have, 1, DECODE_CHUNK + 16 - have, in);
        if (got == 0 && ferror(in)) {
            rc = entx_error_set(ENT_ERROR, "the file cannot be read: %s", strerror(errno));
            break;
        }
        have += got;
        rc = decode_piece(cd, buf, &have, got == 0, obuf, tmp, &pos, name);
        if (got == 0)
            break;
    }
    iconv_close(cd);
    free(buf);
    free(obuf);
    if (rc == ENT_OK && (fflush(tmp) != 0 || fseek(tmp, 0, SEEK_SET) != 0))
        rc = entx_error_set(ENT_ERROR, "the decoded text cannot be written: %s", strerror(errno));
    if (rc != ENT_OK) {
        if (tmp)
            fclose(tmp);
        return rc;
    }
    ent_error_clear();
    *out = tmp;
    return ENT_OK;
}
