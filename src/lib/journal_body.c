/*
 * The journal's canonical record body and seal, the encodings they use, and
 * the walk that reads records with their lists back from the tables.
 * The layout is documented byte for byte in README.md ("Sales journal"):
 * change nothing here without a new body version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "entrepot/db.h"
#include "journal_internal.h"

/* ---- buffers ------------------------------------------------------------ */

static void jbuf_reset(struct jbuf *b)
{
    b->len = 0;
    b->failed = 0;
}

void entx_jbuf_free(struct jbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

static int jbuf_put(struct jbuf *b, const void *data, size_t n)
{
    if (b->failed)
        return -1;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 512;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->failed = 1;
            return -1;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0'; /* always a C string too, for messages and export */
    return 0;
}

int entx_jbuf_str(struct jbuf *b, const char *s)
{
    return jbuf_put(b, s ? s : "", s ? strlen(s) : 0);
}

static int jbuf_i64(struct jbuf *b, int64_t v)
{
    /* Hand-rolled: the verifier formats millions of these. */
    char tmp[24];
    int n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[sizeof tmp - 1 - n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[sizeof tmp - 1 - n++] = '-';
    return jbuf_put(b, tmp + sizeof tmp - n, (size_t)n);
}

static int jbuf_hex(struct jbuf *b, const unsigned char *data, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[128];
    for (size_t i = 0; i < n;) {
        size_t k = 0;
        for (; i < n && k + 2 <= sizeof tmp; i++) {
            tmp[k++] = digits[data[i] >> 4];
            tmp[k++] = digits[data[i] & 15];
        }
        if (jbuf_put(b, tmp, k) != 0)
            return -1;
    }
    return 0;
}

/* ---- encodings ---------------------------------------------------------- */

void entx_jsha256(unsigned char out[J_HASH], const void *data, size_t n)
{
    SHA256(data, n, out);
}

int entx_jsha256_file(char hex[2 * J_HASH + 1], const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char buf[65536], md[J_HASH];
    size_t n;
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    while (ok && (n = fread(buf, 1, sizeof buf, f)) > 0)
        ok = EVP_DigestUpdate(ctx, buf, n);
    ok = ok && !ferror(f) && EVP_DigestFinal_ex(ctx, md, NULL);
    EVP_MD_CTX_free(ctx);
    fclose(f);
    if (!ok)
        return -2;
    entx_jhex(hex, md, J_HASH);
    return 0;
}

void entx_jhex(char *out, const unsigned char *data, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 15];
    }
    out[2 * n] = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int entx_junhex(unsigned char *out, size_t n, const char *hex)
{
    if (hex == NULL || strlen(hex) != 2 * n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void entx_jb64url(char *out, const unsigned char *data, size_t n)
{
    size_t o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
        out[o++] = b64url[v >> 18];
        out[o++] = b64url[(v >> 12) & 63];
        out[o++] = b64url[(v >> 6) & 63];
        out[o++] = b64url[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)data[i] << 16;
        out[o++] = b64url[v >> 18];
        out[o++] = b64url[(v >> 12) & 63];
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8;
        out[o++] = b64url[v >> 18];
        out[o++] = b64url[(v >> 12) & 63];
        out[o++] = b64url[(v >> 6) & 63];
    }
    out[o] = '\0';
}

int entx_jb64url_decode(unsigned char *out, size_t cap, const char *s, size_t len)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    if (len % 4 == 1)
        return -1;
    for (size_t i = 0; i < len; i++) {
        const char *p = s[i] ? strchr(b64url, s[i]) : NULL;
        if (p == NULL)
            return -1;
        acc = acc << 6 | (uint32_t)(p - b64url);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= cap)
                return -1;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (acc != 0) /* non-canonical trailing bits */
        return -1;
    return (int)o;
}

/* ---- kinds -------------------------------------------------------------- */

static const char *const kind_names[] = {NULL,       "START", "SALE", "RETURN", "VOID",
                                         "TRAINING", "CLOSE", "KEY",  "EVENT"};

const char *entx_jkind_name(int kind)
{
    if (kind < ENT_JOURNAL_START || kind > ENT_JOURNAL_EVENT)
        return NULL;
    return kind_names[kind];
}

int entx_jkind_parse(const char *name)
{
    for (int k = ENT_JOURNAL_START; name && k <= ENT_JOURNAL_EVENT; k++)
        if (strcmp(kind_names[k], name) == 0)
            return k;
    return 0;
}

bool entx_jkind_moves_total(const char *kind)
{
    return strcmp(kind, "SALE") == 0 || strcmp(kind, "RETURN") == 0 || strcmp(kind, "VOID") == 0;
}

/* ---- record lists ------------------------------------------------------- */

#define GROW(arr, n, cap)                                                                                    \
    do {                                                                                                     \
        if ((n) == (cap)) {                                                                                  \
            size_t c_ = (cap) ? (cap) * 2 : 8;                                                               \
            void *p_ = realloc((arr), c_ * sizeof *(arr));                                                   \
            if (p_ == NULL)                                                                                  \
                return NULL;                                                                                 \
            (arr) = p_;                                                                                      \
            (cap) = c_;                                                                                      \
        }                                                                                                    \
    } while (0)

struct jtax *entx_jrec_add_tax(struct jrec *r)
{
    GROW(r->taxes, r->ntax, r->captax);
    memset(&r->taxes[r->ntax], 0, sizeof *r->taxes);
    return &r->taxes[r->ntax++];
}

struct jpay *entx_jrec_add_pay(struct jrec *r)
{
    GROW(r->pays, r->npay, r->cappay);
    memset(&r->pays[r->npay], 0, sizeof *r->pays);
    return &r->pays[r->npay++];
}

struct jline *entx_jrec_add_line(struct jrec *r)
{
    GROW(r->lines, r->nline, r->capline);
    memset(&r->lines[r->nline], 0, sizeof *r->lines);
    return &r->lines[r->nline++];
}

struct jcount *entx_jrec_add_count(struct jrec *r)
{
    GROW(r->counts, r->ncount, r->capcount);
    memset(&r->counts[r->ncount], 0, sizeof *r->counts);
    return &r->counts[r->ncount++];
}

void entx_jrec_clear_lists(struct jrec *r)
{
    for (size_t i = 0; i < r->npay; i++)
        free(r->pays[i].method);
    for (size_t i = 0; i < r->nline; i++) {
        free(r->lines[i].code);
        free(r->lines[i].lot);
        free(r->lines[i].name);
    }
    for (size_t i = 0; i < r->ncount; i++)
        free(r->counts[i].kind);
    r->ntax = r->npay = r->nline = r->ncount = 0;
}

void entx_jrec_free_lists(struct jrec *r)
{
    entx_jrec_clear_lists(r);
    free(r->taxes);
    free(r->pays);
    free(r->lines);
    free(r->counts);
    r->taxes = NULL;
    r->pays = NULL;
    r->lines = NULL;
    r->counts = NULL;
    r->captax = r->cappay = r->capline = r->capcount = 0;
}

/* ---- body and seal ------------------------------------------------------ */

static void kv(struct jbuf *b, const char *key, const char *value)
{
    entx_jbuf_str(b, key);
    jbuf_put(b, "=", 1);
    entx_jbuf_str(b, value);
    jbuf_put(b, "\n", 1);
}

static void kvi(struct jbuf *b, const char *key, int64_t value)
{
    entx_jbuf_str(b, key);
    jbuf_put(b, "=", 1);
    jbuf_i64(b, value);
    jbuf_put(b, "\n", 1);
}

static void kvhex(struct jbuf *b, const char *key, const unsigned char *data, size_t n)
{
    entx_jbuf_str(b, key);
    jbuf_put(b, "=", 1);
    jbuf_hex(b, data, n);
    jbuf_put(b, "\n", 1);
}

static void tab(struct jbuf *b)
{
    jbuf_put(b, "\t", 1);
}

int entx_jbody_build(struct jbuf *b, const char *store, const struct jrec *r)
{
    jbuf_reset(b);
    entx_jbuf_str(b, J_BODY_VERSION "\n");
    kv(b, "store", store);
    kvi(b, "seq", r->seq);
    kvhex(b, "prev", r->prev, J_HASH);
    kv(b, "uuid", r->uuid);
    kv(b, "kind", r->kind);
    kv(b, "time", r->at);
    kvhex(b, "signer", r->key_id, J_HASH);
    kv(b, "counter", r->counter);
    kv(b, "cashier", r->cashier);
    kv(b, "ref", r->ref);
    kv(b, "currency", r->currency);
    kvi(b, "total", r->total);
    kvi(b, "grand_total", r->grand_total);
    kv(b, "event", r->event);
    kv(b, "note", r->note);
    kvhex(b, "pubkey", r->pubkey, r->pubkey ? r->pubkey_len : 0);
    kv(b, "period", r->period);
    kv(b, "period_end", r->period_end);
    kvi(b, "first_seq", r->first_seq);
    kvi(b, "last_seq", r->last_seq);
    kvi(b, "training", r->training);
    for (size_t i = 0; i < r->ntax; i++) {
        const struct jtax *t = &r->taxes[i];
        entx_jbuf_str(b, "tax=");
        jbuf_i64(b, t->rate);
        tab(b);
        jbuf_i64(b, t->gross);
        tab(b);
        jbuf_i64(b, t->tax);
        jbuf_put(b, "\n", 1);
    }
    for (size_t i = 0; i < r->npay; i++) {
        entx_jbuf_str(b, "pay=");
        entx_jbuf_str(b, r->pays[i].method);
        tab(b);
        jbuf_i64(b, r->pays[i].amount);
        jbuf_put(b, "\n", 1);
    }
    for (size_t i = 0; i < r->nline; i++) {
        const struct jline *l = &r->lines[i];
        entx_jbuf_str(b, "line=");
        jbuf_i64(b, l->line);
        tab(b);
        entx_jbuf_str(b, l->code);
        tab(b);
        entx_jbuf_str(b, l->lot);
        tab(b);
        entx_jbuf_str(b, l->name);
        tab(b);
        jbuf_i64(b, l->qty);
        tab(b);
        jbuf_i64(b, l->unit_price);
        tab(b);
        jbuf_i64(b, l->discount);
        tab(b);
        jbuf_i64(b, l->amount);
        tab(b);
        jbuf_i64(b, l->rate);
        jbuf_put(b, "\n", 1);
    }
    for (size_t i = 0; i < r->ncount; i++) {
        entx_jbuf_str(b, "count=");
        entx_jbuf_str(b, r->counts[i].kind);
        tab(b);
        jbuf_i64(b, r->counts[i].n);
        jbuf_put(b, "\n", 1);
    }
    entx_jbuf_str(b, "end\n");
    return b->failed ? ENT_ERROR : ENT_OK;
}

int entx_jseal_build(struct jbuf *b, const char *store, const struct jrec *r)
{
    char h[44];
    entx_jb64url(h, r->hash, J_HASH);
    jbuf_reset(b);
    entx_jbuf_str(b, J_SEAL_PREFIX "|");
    entx_jbuf_str(b, store);
    jbuf_put(b, "|", 1);
    jbuf_i64(b, r->seq);
    jbuf_put(b, "|", 1);
    entx_jbuf_str(b, r->kind);
    jbuf_put(b, "|", 1);
    entx_jbuf_str(b, r->at);
    jbuf_put(b, "|", 1);
    jbuf_i64(b, r->total);
    jbuf_put(b, "|", 1);
    entx_jbuf_str(b, r->currency);
    jbuf_put(b, "|", 1);
    entx_jbuf_str(b, h);
    return b->failed ? ENT_ERROR : ENT_OK;
}

/* ---- the store ---------------------------------------------------------- */

int entx_jstore_code(ent_db *db, char out[ENT_STORE_CODE_SIZE], char currency[ENT_CURRENCY_SIZE], char tz[ENT_TZ_SIZE])
{
    ent_store *s = NULL;
    int rc = ent_store_get(db, &s);
    if (rc != ENT_OK)
        return rc;
    snprintf(out, ENT_STORE_CODE_SIZE, "%s", s->code);
    if (currency)
        snprintf(currency, ENT_CURRENCY_SIZE, "%s", s->currency);
    if (tz)
        snprintf(tz, ENT_TZ_SIZE, "%s", s->tz);
    ent_store_free(s);
    return ENT_OK;
}

/* ---- reading records back ----------------------------------------------- */

/* The journal row and each list table are read by their own cursor in seq
 * order and merged, so a walk over a million records is five sequential
 * scans rather than four lookups per record. */
struct jwalk {
    ent_db *db;
    sqlite3_stmt *main, *tax, *pay, *line, *count;
    int tax_rc, pay_rc, line_rc, count_rc; /* SQLITE_ROW while the cursor holds a pending row */
    struct jrec rec;
};

static const char walk_main_sql[] =
    "SELECT seq, uuid, kind, at, counter, cashier, ref, currency, total, grand_total, event, note, pubkey, "
    "period, period_end, first_seq, last_seq, training, prev_hash, key_id, hash, sig "
    "FROM journal WHERE seq >= ? ORDER BY seq";
static const char walk_tax_sql[] =
    "SELECT seq, rate, gross, tax FROM journal_tax WHERE seq >= ? ORDER BY seq, rate";
static const char walk_pay_sql[] =
    "SELECT seq, method, amount FROM journal_pay WHERE seq >= ? ORDER BY seq, method";
static const char walk_line_sql[] =
    "SELECT seq, line, code, lot, name, qty, unit_price, discount, amount, tax_rate FROM journal_line "
    "WHERE seq >= ? ORDER BY seq, line";
static const char walk_count_sql[] = "SELECT seq, kind, n FROM journal_count WHERE seq >= ? ORDER BY seq, kind";

static int walk_prepare(struct jwalk *w, sqlite3_stmt **st, const char *sql, int64_t from, int *rc_out)
{
    if (sqlite3_prepare_v2(w->db->sql, sql, -1, st, NULL) != SQLITE_OK)
        return entx_fail_sql(w->db, "reading the journal");
    sqlite3_bind_int64(*st, 1, from);
    if (rc_out) {
        *rc_out = sqlite3_step(*st);
        if (*rc_out != SQLITE_ROW && *rc_out != SQLITE_DONE)
            return entx_fail_sql(w->db, "reading the journal");
    }
    return ENT_OK;
}

int entx_jwalk_open(ent_db *db, struct jwalk **out, int64_t from_seq)
{
    struct jwalk *w = calloc(1, sizeof *w);
    int rc = ENT_OK;
    *out = NULL;
    if (w == NULL)
        return entx_fail(db, ENT_ERROR, "out of memory");
    w->db = db;
    rc = walk_prepare(w, &w->main, walk_main_sql, from_seq, NULL);
    if (rc == ENT_OK)
        rc = walk_prepare(w, &w->tax, walk_tax_sql, from_seq, &w->tax_rc);
    if (rc == ENT_OK)
        rc = walk_prepare(w, &w->pay, walk_pay_sql, from_seq, &w->pay_rc);
    if (rc == ENT_OK)
        rc = walk_prepare(w, &w->line, walk_line_sql, from_seq, &w->line_rc);
    if (rc == ENT_OK)
        rc = walk_prepare(w, &w->count, walk_count_sql, from_seq, &w->count_rc);
    if (rc != ENT_OK) {
        entx_jwalk_close(w);
        return rc;
    }
    *out = w;
    return ENT_OK;
}

void entx_jwalk_close(struct jwalk *w)
{
    if (w == NULL)
        return;
    sqlite3_finalize(w->main);
    sqlite3_finalize(w->tax);
    sqlite3_finalize(w->pay);
    sqlite3_finalize(w->line);
    sqlite3_finalize(w->count);
    entx_jrec_free_lists(&w->rec);
    free(w);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    return t ? t : "";
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    return entx_strdup(col_text(st, i));
}

/* Copies a BLOB column of exactly n bytes; false when it has another size. */
static bool col_blob(sqlite3_stmt *st, int i, unsigned char *out, size_t n)
{
    const void *p = sqlite3_column_blob(st, i);
    size_t len = (size_t)sqlite3_column_bytes(st, i);
    memset(out, 0, n);
    if (p == NULL || len != n) {
        if (p)
            memcpy(out, p, len < n ? len : n);
        return false;
    }
    memcpy(out, p, n);
    return true;
}

/* Moves a list cursor past rows of records before seq (orphans of deleted
 * records: the gap is reported on the journal row) and says whether it
 * stands on a row of seq. */
static int list_at(ent_db *db, sqlite3_stmt *st, int *rc, int64_t seq)
{
    while (*rc == SQLITE_ROW && sqlite3_column_int64(st, 0) < seq) {
        *rc = sqlite3_step(st);
    }
    if (*rc != SQLITE_ROW && *rc != SQLITE_DONE)
        return entx_fail_sql(db, "reading the journal");
    return *rc == SQLITE_ROW && sqlite3_column_int64(st, 0) == seq;
}

static int read_lists(struct jwalk *w, int64_t seq)
{
    struct jrec *r = &w->rec;
    int at;
    entx_jrec_clear_lists(r);
    while ((at = list_at(w->db, w->tax, &w->tax_rc, seq)) == 1) {
        struct jtax *t = entx_jrec_add_tax(r);
        if (t == NULL)
            return entx_fail(w->db, ENT_ERROR, "out of memory");
        for (int c = 1; c <= 3; c++)
            r->types_ok &= sqlite3_column_type(w->tax, c) == SQLITE_INTEGER;
        t->rate = sqlite3_column_int64(w->tax, 1);
        t->gross = sqlite3_column_int64(w->tax, 2);
        t->tax = sqlite3_column_int64(w->tax, 3);
        w->tax_rc = sqlite3_step(w->tax);
    }
    if (at < 0)
        return at;
    while ((at = list_at(w->db, w->pay, &w->pay_rc, seq)) == 1) {
        struct jpay *p = entx_jrec_add_pay(r);
        if (p == NULL)
            return entx_fail(w->db, ENT_ERROR, "out of memory");
        r->types_ok &= sqlite3_column_type(w->pay, 1) == SQLITE_TEXT && sqlite3_column_type(w->pay, 2) == SQLITE_INTEGER;
        p->method = col_dup(w->pay, 1);
        p->amount = sqlite3_column_int64(w->pay, 2);
        w->pay_rc = sqlite3_step(w->pay);
    }
    if (at < 0)
        return at;
    while ((at = list_at(w->db, w->line, &w->line_rc, seq)) == 1) {
        struct jline *l = entx_jrec_add_line(r);
        if (l == NULL)
            return entx_fail(w->db, ENT_ERROR, "out of memory");
        for (int c = 1; c <= 9; c++) /* line, then qty..tax_rate; code, lot, name are text */
            r->types_ok &= c < 2 || c > 4 ? sqlite3_column_type(w->line, c) == SQLITE_INTEGER
                                          : sqlite3_column_type(w->line, c) == SQLITE_TEXT;
        l->line = sqlite3_column_int64(w->line, 1);
        l->code = col_dup(w->line, 2);
        l->lot = col_dup(w->line, 3);
        l->name = col_dup(w->line, 4);
        l->qty = sqlite3_column_int64(w->line, 5);
        l->unit_price = sqlite3_column_int64(w->line, 6);
        l->discount = sqlite3_column_int64(w->line, 7);
        l->amount = sqlite3_column_int64(w->line, 8);
        l->rate = sqlite3_column_int64(w->line, 9);
        w->line_rc = sqlite3_step(w->line);
    }
    if (at < 0)
        return at;
    while ((at = list_at(w->db, w->count, &w->count_rc, seq)) == 1) {
        struct jcount *c = entx_jrec_add_count(r);
        if (c == NULL)
            return entx_fail(w->db, ENT_ERROR, "out of memory");
        r->types_ok &= sqlite3_column_type(w->count, 1) == SQLITE_TEXT &&
                       sqlite3_column_type(w->count, 2) == SQLITE_INTEGER;
        c->kind = col_dup(w->count, 1);
        c->n = sqlite3_column_int64(w->count, 2);
        w->count_rc = sqlite3_step(w->count);
    }
    return at < 0 ? at : ENT_OK;
}

int entx_jwalk_next(struct jwalk *w, struct jrec **out)
{
    struct jrec *r = &w->rec;
    sqlite3_stmt *st = w->main;
    int sc = sqlite3_step(st);
    if (sc == SQLITE_DONE)
        return 0;
    if (sc != SQLITE_ROW)
        return entx_fail_sql(w->db, "reading the journal");
    r->seq = sqlite3_column_int64(st, 0);
    r->uuid = col_text(st, 1);
    r->kind = col_text(st, 2);
    r->at = col_text(st, 3);
    r->counter = col_text(st, 4);
    r->cashier = col_text(st, 5);
    r->ref = col_text(st, 6);
    r->currency = col_text(st, 7);
    r->total = sqlite3_column_int64(st, 8);
    r->grand_total = sqlite3_column_int64(st, 9);
    r->event = col_text(st, 10);
    r->note = col_text(st, 11);
    r->pubkey = sqlite3_column_blob(st, 12);
    r->pubkey_len = (size_t)sqlite3_column_bytes(st, 12);
    r->period = col_text(st, 13);
    r->period_end = col_text(st, 14);
    r->first_seq = sqlite3_column_int64(st, 15);
    r->last_seq = sqlite3_column_int64(st, 16);
    r->training = sqlite3_column_int64(st, 17);
    r->blobs_ok = col_blob(st, 18, r->prev, J_HASH);
    r->blobs_ok &= col_blob(st, 19, r->key_id, J_HASH);
    r->hash_ok = col_blob(st, 20, r->hash, J_HASH);
    r->blobs_ok &= r->hash_ok;
    r->blobs_ok &= col_blob(st, 21, r->sig, J_SIG);
    /* "1000abc" reads back as 1000: the body would match while the table shows
     * something else, so a value stored with another type is itself a fault. */
    static const int ints[] = {0, 8, 9, 15, 16, 17}, texts[] = {1, 2, 3, 4, 5, 6, 7, 10, 11, 13, 14};
    r->types_ok = true;
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
        r->types_ok &= sqlite3_column_type(st, ints[i]) == SQLITE_INTEGER;
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        r->types_ok &= sqlite3_column_type(st, texts[i]) == SQLITE_TEXT;
    int rc = read_lists(w, r->seq);
    if (rc != ENT_OK)
        return rc;
    *out = r;
    return 1;
}
