/*
 * Commodity search: the keys (codes, names, pinyin in full and as initials)
 * written with the names, and the ranked search over them (README,
 * "Searching commodities"). A key is matched by prefix through the index
 * (tier, k), so a search reads only the rows it returns.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/utrans.h>

#include "search_internal.h"

#define MAX_SYL 64   /* syllables of one text read: names are at most 200 bytes */
#define MAX_ALT 4    /* readings kept for one character */
#define MAX_COMBO 8  /* whole-name spellings of a name with polyphones */
#define KEY_MAX 1024 /* bytes of one key */
#define MAX_TOKENS 8 /* words of one search */

enum tier { TIER_CODE, TIER_NAME, TIER_INITIALS, TIER_REST, TIER_TAIL };

/* ---- readings ------------------------------------------------------------ */

struct syl {
    const char *alt[MAX_ALT];
    size_t alt_len[MAX_ALT];
    int nalt;
    char icu[16];
};

struct reading {
    struct syl s[MAX_SYL];
    int n;
    char lower[KEY_MAX];
};

/* ICU's transliterator is costly to open and may be used by one thread at a
 * time: one for the process, behind a lock. Tone marks are removed but the
 * diaeresis of u-umlaut is kept (written "v", as pinyin keyboards do). */
static pthread_mutex_t icu_lock = PTHREAD_MUTEX_INITIALIZER;
static UTransliterator *icu_trans;
static bool icu_failed;

/* ICU transliterates one character in tens of microseconds, and a catalogue
 * import asks for the same few thousand characters again and again (it was
 * most of the time of a large import): every answer is kept, by code point,
 * under the same lock. */
#define ICU_MEMO_CAP 32768 /* slots; at most half are filled */
struct icu_memo {
    uint32_t cp; /* 0: free */
    char r[12];  /* the reading; "" when it has none */
};
static struct icu_memo icu_memo[ICU_MEMO_CAP];
static size_t icu_memo_n;

static struct icu_memo *icu_memo_slot(uint32_t cp)
{
    size_t h = (size_t)((cp * 0x9E3779B1u) >> 17) & (ICU_MEMO_CAP - 1);
    while (icu_memo[h].cp != 0 && icu_memo[h].cp != cp)
        h = (h + 1) & (ICU_MEMO_CAP - 1);
    return &icu_memo[h];
}

static int icu_reading_uncached(uint32_t cp, char *out, size_t len);

static int icu_reading(uint32_t cp, char *out, size_t len)
{
    pthread_mutex_lock(&icu_lock);
    struct icu_memo *m = cp ? icu_memo_slot(cp) : NULL;
    bool known = m && m->cp == cp;
    pthread_mutex_unlock(&icu_lock);
    if (known) {
        snprintf(out, len, "%s", m->r);
        return (int)strlen(out);
    }
    int n = icu_reading_uncached(cp, out, len);
    pthread_mutex_lock(&icu_lock);
    m = cp ? icu_memo_slot(cp) : NULL;
    /* A reading too long for the memo (none in pinyin) is simply not kept. */
    if (m && m->cp == 0 && icu_memo_n < ICU_MEMO_CAP / 2 && (size_t)n < sizeof m->r && (size_t)n < len) {
        memcpy(m->r, out, (size_t)n + 1);
        if (n == 0)
            m->r[0] = '\0';
        m->cp = cp;
        icu_memo_n++;
    }
    pthread_mutex_unlock(&icu_lock);
    return n;
}

static int icu_reading_uncached(uint32_t cp, char *out, size_t len)
{
    static const char rules[] = "Han-Latin; NFD; [\\u0300\\u0301\\u0304\\u030C] Remove; NFC; Lower";
    UChar buf[32], id[sizeof rules];
    int32_t n = 0, limit;
    UErrorCode st = U_ZERO_ERROR;
    size_t w = 0;
    if (cp > 0xFFFF)
        buf[n++] = (UChar)(0xD7C0 + (cp >> 10)), buf[n++] = (UChar)(0xDC00 | (cp & 0x3FF));
    else
        buf[n++] = (UChar)cp;
    limit = n;
    pthread_mutex_lock(&icu_lock);
    if (icu_trans == NULL && !icu_failed) {
        for (size_t i = 0; i < sizeof rules; i++)
            id[i] = (UChar)rules[i];
        icu_trans = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
        icu_failed = U_FAILURE(st) || icu_trans == NULL;
        st = U_ZERO_ERROR;
    }
    if (icu_trans)
        utrans_transUChars(icu_trans, buf, &n, (int32_t)(sizeof buf / sizeof *buf), 0, &limit, &st);
    pthread_mutex_unlock(&icu_lock);
    if (icu_trans == NULL || U_FAILURE(st))
        return 0;
    for (int32_t i = 0; i < n && w + 1 < len; i++) {
        if (buf[i] >= 'a' && buf[i] <= 'z')
            out[w++] = (char)buf[i];
        else if (buf[i] == 0xFC)
            out[w++] = 'v';
        else if (buf[i] != ' ')
            return 0; /* not transliterated: no reading */
    }
    out[w] = '\0';
    return (int)w;
}

static const char *unihan_readings(uint32_t cp)
{
    size_t lo = 0, hi = entx_han_reading_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (entx_han_readings[mid].cp == cp)
            return entx_han_readings[mid].readings;
        if (entx_han_readings[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void add_alt(struct syl *s, const char *p, size_t n)
{
    for (int i = 0; i < s->nalt; i++)
        if (s->alt_len[i] == n && memcmp(s->alt[i], p, n) == 0)
            return;
    if (s->nalt < MAX_ALT && n > 0) {
        s->alt[s->nalt] = p;
        s->alt_len[s->nalt++] = n;
    }
}

/* One code point of valid UTF-8 at s; *n gets its length. */
static uint32_t utf8_next(const unsigned char *s, size_t *n)
{
    if (s[0] < 0x80)
        return *n = 1, s[0];
    if ((s[0] & 0xE0) == 0xC0 && s[1])
        return *n = 2, ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    if ((s[0] & 0xF0) == 0xE0 && s[1] && s[2])
        return *n = 3, ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    if ((s[0] & 0xF8) == 0xF0 && s[1] && s[2] && s[3])
        return *n = 4, ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
                       ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    return *n = 1, 0xFFFD;
}

static bool is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Lower-case ASCII copy of text (other characters as they are). */
static void ascii_lower(char *out, size_t len, const char *text)
{
    size_t i = 0;
    for (; text[i] && i + 1 < len; i++)
        out[i] = (text[i] >= 'A' && text[i] <= 'Z') ? (char)(text[i] + 32) : text[i];
    out[i] = '\0';
}

/* Splits text into syllables: a Han character with its readings (ICU's
 * first, then Unihan's others), or a run of ASCII letters and digits as
 * itself; anything else separates. */
static void read_text(struct reading *r, const char *text)
{
    ascii_lower(r->lower, sizeof r->lower, text);
    r->n = 0;
    const unsigned char *p = (const unsigned char *)r->lower;
    while (*p && r->n < MAX_SYL) {
        size_t len;
        struct syl *s = &r->s[r->n];
        if (is_alnum(*p)) {
            const unsigned char *q = p;
            while (is_alnum(*q))
                q++;
            s->nalt = 0;
            add_alt(s, (const char *)p, (size_t)(q - p));
            r->n++;
            p = q;
            continue;
        }
        uint32_t cp = utf8_next(p, &len);
        p += len;
        const char *uni = unihan_readings(cp);
        s->nalt = 0;
        if (icu_reading(cp, s->icu, sizeof s->icu) > 0)
            add_alt(s, s->icu, strlen(s->icu));
        for (const char *u = uni; u && *u;) {
            size_t n = strcspn(u, " ");
            add_alt(s, u, n);
            u += n + (u[n] == ' ');
        }
        if (s->nalt > 0)
            r->n++;
    }
}

int entx_search_pinyin(ent_db *db, char *out, size_t len, const char *text)
{
    struct reading *r = malloc(sizeof *r);
    size_t w = 0;
    if (r == NULL)
        return entx_fail(db, ENT_ERROR, "out of memory");
    read_text(r, text);
    out[0] = '\0';
    for (int i = 0; i < r->n; i++)
        for (int a = 0; a < r->s[i].nalt; a++) {
            int k = snprintf(out + w, len - w, "%s%.*s", a ? "/" : (i ? " " : ""), (int)r->s[i].alt_len[a],
                             r->s[i].alt[a]);
            if (k < 0 || (size_t)k >= len - w) {
                free(r);
                return entx_fail(db, ENT_INVALID, "the pinyin of this text is too long");
            }
            w += (size_t)k;
        }
    free(r);
    return ENT_OK;
}

/* ---- writing keys ---------------------------------------------------------- */

/* A commodity's keys as its row of product_key_list (schema 28) holds them:
 * each as a line "\n" key "\x1f" tier (keys hold no control character). */
#define LIST_SEP '\x1f'

struct writer {
    ent_db *db;
    sqlite3_stmt *st;
    int64_t id;
    int rc;
    char *list;
    size_t len, cap;
};

static void list_add(struct writer *w, int tier, const char *k, size_t n)
{
    if (w->len + n + 4 > w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 1024;
        while (cap < w->len + n + 4)
            cap *= 2;
        char *p = realloc(w->list, cap);
        if (p == NULL) {
            w->rc = entx_fail(w->db, ENT_ERROR, "out of memory");
            return;
        }
        w->list = p;
        w->cap = cap;
    }
    w->list[w->len++] = '\n';
    memcpy(w->list + w->len, k, n);
    w->len += n;
    w->list[w->len++] = LIST_SEP;
    w->list[w->len++] = (char)('0' + tier);
}

static void put(struct writer *w, int tier, const char *k, size_t n)
{
    if (w->rc != ENT_OK || n == 0)
        return;
    sqlite3_reset(w->st);
    sqlite3_bind_int(w->st, 1, tier);
    sqlite3_bind_text(w->st, 2, k, (int)n, SQLITE_TRANSIENT);
    sqlite3_bind_int64(w->st, 3, w->id);
    if (sqlite3_step(w->st) != SQLITE_DONE)
        w->rc = entx_fail_sql(w->db, "writing the search keys");
    else
        list_add(w, tier, k, n);
}

/* Writes syllables from..n-1 of r with readings pick[] in full and as
 * initials, at tiers full and init. */
static void put_spelling(struct writer *w, const struct reading *r, const int *pick, int from, int full, int init)
{
    char k[KEY_MAX], in[MAX_SYL + 1];
    size_t n = 0, ni = 0;
    for (int i = from; i < r->n; i++) {
        const struct syl *s = &r->s[i];
        size_t l = s->alt_len[pick[i]];
        if (n + l >= sizeof k)
            break;
        memcpy(k + n, s->alt[pick[i]], l);
        n += l;
        in[ni++] = s->alt[pick[i]][0];
    }
    put(w, full, k, n);
    put(w, init, in, ni);
}

/* The pinyin keys of a text: every spelling of the whole (at most
 * MAX_COMBO) at tiers full and init, and from each later syllable on, with
 * each of its readings, at the rest. */
static void put_reading(struct writer *w, const char *text, int full, int init)
{
    struct reading *r = malloc(sizeof *r);
    int pick[MAX_SYL] = {0};
    if (r == NULL) {
        w->rc = entx_fail(w->db, ENT_ERROR, "out of memory");
        return;
    }
    read_text(r, text);
    for (int c = 0; c < MAX_COMBO; c++) {
        put_spelling(w, r, pick, 0, full, init);
        int i = 0; /* the next spelling: count in mixed radix over the readings */
        while (i < r->n && ++pick[i] == r->s[i].nalt)
            pick[i++] = 0;
        if (i == r->n)
            break;
    }
    memset(pick, 0, sizeof pick);
    for (int i = 0; i < r->n; i++)
        for (pick[i] = 0; pick[i] < r->s[i].nalt; pick[i]++)
            if (i > 0 || pick[i] > 0)
                put_spelling(w, r, pick, i, TIER_REST, TIER_REST);
    free(r);
}

/* The text lower-cased from its start at full, and at the rest from each
 * later word or Chinese character on. */
static void put_text(struct writer *w, const char *text, int full)
{
    char k[KEY_MAX];
    ascii_lower(k, sizeof k, text);
    put(w, full, k, strlen(k));
    const unsigned char *p = (const unsigned char *)k;
    while (*p) {
        size_t len;
        unsigned char prev = p[0] < 0x80 ? p[0] : ' ';
        utf8_next(p, &len);
        p += len;
        if (*p && *p != ' ' && (*p >= 0x80 || !is_alnum(prev)))
            put(w, TIER_REST, (const char *)p, strlen((const char *)p));
    }
}

static void put_codes(struct writer *w, const struct entx_search_doc *d)
{
    char k[KEY_MAX];
    if (!entx_empty(d->gtin)) {
        size_t n = strlen(d->gtin), z = strspn(d->gtin, "0");
        put(w, TIER_CODE, d->gtin, n);
        if (z > 0 && z < n)
            put(w, TIER_CODE, d->gtin + z, n - z); /* as printed: EAN-13, UPC-A */
        for (size_t t = 4; t <= 6 && t <= n; t++)
            put(w, TIER_TAIL, d->gtin + n - t, t);
    }
    if (!entx_empty(d->sku)) {
        ascii_lower(k, sizeof k, d->sku);
        put(w, TIER_CODE, k, strlen(k));
    }
}

/* Deletes the keys of a commodity that has some: each one its list names,
 * the list itself, and from the bulk's table when they may be there. */
static int unindex(ent_db *db, int64_t id)
{
    sqlite3_stmt *get = entx_stmt(db, "SELECT keys FROM product_key_list WHERE product_id = ?1");
    if (get == NULL)
        return db->code;
    sqlite3_bind_int64(get, 1, id);
    int sc = sqlite3_step(get), rc = ENT_OK;
    char *list = sc == SQLITE_ROW ? strdup((const char *)sqlite3_column_text(get, 0)) : NULL;
    sqlite3_reset(get);
    if (sc != SQLITE_ROW && sc != SQLITE_DONE)
        return entx_fail_sql(db, "reading the search keys");
    if (sc == SQLITE_ROW && list == NULL)
        return entx_fail(db, ENT_ERROR, "out of memory");
    sqlite3_stmt *del = entx_stmt(db, "DELETE FROM product_key WHERE tier = ?1 AND k = ?2 AND product_id = ?3");
    if (del == NULL)
        rc = db->code;
    for (char *line = list; rc == ENT_OK && line && *line;) {
        line += *line == '\n';
        size_t n = strcspn(line, "\n");
        char *sep = memchr(line, LIST_SEP, n);
        if (sep != NULL && sep + 1 < line + n) {
            sqlite3_bind_int(del, 1, sep[1] - '0');
            sqlite3_bind_text(del, 2, line, (int)(sep - line), SQLITE_STATIC);
            sqlite3_bind_int64(del, 3, id);
            rc = entx_exec_stmt(db, del);
        }
        line += n;
    }
    free(list);
    if (rc == ENT_OK && (del = entx_stmt(db, "DELETE FROM product_key_list WHERE product_id = ?1")) == NULL)
        rc = db->code;
    if (rc == ENT_OK) {
        sqlite3_bind_int64(del, 1, id);
        rc = entx_exec_stmt(db, del);
    }
    /* Only a commodity added in this bulk has keys there (ids only grow), and
     * no bulk changes one it added: the scan of that table is never made. */
    if (rc != ENT_OK || !db->search_bulk || id < db->search_bulk_from)
        return rc;
    if ((del = entx_stmt(db, "DELETE FROM temp.search_new WHERE product_id = ?1")) == NULL)
        return db->code;
    sqlite3_bind_int64(del, 1, id);
    return entx_exec_stmt(db, del);
}

/* Writes the list of the keys w put. */
static int put_list(struct writer *w)
{
    if (w->rc != ENT_OK || w->len == 0)
        return w->rc;
    sqlite3_stmt *st = entx_stmt(w->db, "INSERT INTO product_key_list(product_id, keys) VALUES (?1, ?2)");
    if (st == NULL)
        return w->db->code;
    sqlite3_bind_int64(st, 1, w->id);
    sqlite3_bind_text(st, 2, w->list, (int)w->len, SQLITE_STATIC);
    return entx_exec_stmt(w->db, st);
}

int entx_search_index(ent_db *db, int64_t id, const struct entx_search_doc *doc, bool fresh)
{
    const char *sql = "INSERT OR IGNORE INTO product_key(tier, k, product_id) VALUES (?1, ?2, ?3)";
    if (fresh && db->search_bulk) {
        sql = "INSERT INTO temp.search_new(tier, k, product_id) VALUES (?1, ?2, ?3)";
        if (id < db->search_bulk_from)
            db->search_bulk_from = id;
    } else if (!fresh) {
        int rc = unindex(db, id);
        if (rc != ENT_OK)
            return rc;
    }
    struct writer w = {db, entx_stmt(db, sql), id, ENT_OK, NULL, 0, 0};
    if (w.st == NULL)
        return db->code;
    put_codes(&w, doc);
    if (!entx_empty(doc->name_zh)) {
        put_text(&w, doc->name_zh, TIER_NAME);
        put_reading(&w, doc->name_zh, TIER_NAME, TIER_INITIALS);
    }
    if (!entx_empty(doc->name_en))
        put_text(&w, doc->name_en, TIER_NAME);
    if (!entx_empty(doc->brand)) {
        put_text(&w, doc->brand, TIER_REST);
        put_reading(&w, doc->brand, TIER_REST, TIER_REST);
    }
    sqlite3_reset(w.st);
    int rc = put_list(&w);
    free(w.list);
    return rc;
}

/* The keys of every commodity, each as new (inside a bulk). */
static int index_all(ent_db *db)
{
    /* Its own statement: the writes below use the handle's cached ones. */
    sqlite3_stmt *all = NULL;
    int sc = SQLITE_DONE, rc = ENT_OK;
    if (sqlite3_prepare_v2(db->sql, "SELECT id, gtin, sku, name_zh, name_en, brand FROM product", -1, &all, NULL) !=
        SQLITE_OK)
        rc = entx_fail_sql(db, "reading the commodities to index");
    while (rc == ENT_OK && (sc = sqlite3_step(all)) == SQLITE_ROW) {
        struct entx_search_doc d = {(const char *)sqlite3_column_text(all, 1), (const char *)sqlite3_column_text(all, 2),
                                    (const char *)sqlite3_column_text(all, 3), (const char *)sqlite3_column_text(all, 4),
                                    (const char *)sqlite3_column_text(all, 5)};
        rc = entx_search_index(db, sqlite3_column_int64(all, 0), &d, true);
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading the commodities to index");
    sqlite3_finalize(all);
    return rc;
}

int entx_search_bulk_begin(ent_db *db)
{
    if (db->search_bulk)
        return entx_fail(db, ENT_ERROR, "the search keys of a bulk of commodities are already being gathered");
    /* No index: rows are only appended, then read once in key order. */
    if (sqlite3_exec(db->sql,
                     "DROP TABLE IF EXISTS temp.search_new; "
                     "CREATE TEMP TABLE search_new(tier INTEGER NOT NULL, k TEXT NOT NULL, product_id INTEGER NOT NULL)",
                     NULL, NULL, NULL) != SQLITE_OK)
        return entx_fail_sql(db, "preparing the search keys");
    db->search_bulk = true;
    db->search_bulk_from = INT64_MAX;
    return ENT_OK;
}

static int bulk_exec(ent_db *db, int rc, const char *sql)
{
    if (rc == ENT_OK && sqlite3_exec(db->sql, sql, NULL, NULL, NULL) != SQLITE_OK)
        rc = entx_fail_sql(db, "writing the search keys");
    return rc;
}

/* The keys are written in key order: into an empty table an append (the
 * table has no other index since schema 28); written as they were made, in
 * the order of the commodities, each would land at random, and at a million
 * commodities (65 million keys) that took hours. */
int entx_search_bulk_end(ent_db *db, int rc)
{
    if (!db->search_bulk)
        return rc;
    db->search_bulk = false;
    rc = bulk_exec(db, rc,
                   "INSERT OR IGNORE INTO product_key(tier, k, product_id) "
                   "SELECT tier, k, product_id FROM temp.search_new ORDER BY tier, k, product_id");
    /* On a failure the caller's rollback undoes the table with the rest. */
    if (rc == ENT_OK)
        rc = bulk_exec(db, rc, "DROP TABLE temp.search_new");
    return rc;
}

int entx_search_fill_pending(ent_db *db)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT 1 FROM search_pending");
    if (st == NULL)
        return db->code;
    int sc = sqlite3_step(st);
    sqlite3_reset(st);
    if (sc != SQLITE_ROW)
        return sc == SQLITE_DONE ? ENT_OK : entx_fail_sql(db, "reading whether search keys are missing");
    int rc = entx_tx_begin(db);
    if (rc != ENT_OK)
        return rc;
    /* Every commodity is indexed again, each as new: as one bulk. */
    rc = bulk_exec(db, rc, "DELETE FROM product_key; DELETE FROM product_key_list");
    if (rc == ENT_OK)
        rc = entx_search_bulk_begin(db);
    if (rc == ENT_OK)
        rc = entx_search_bulk_end(db, index_all(db));
    if (rc == ENT_OK && (st = entx_stmt(db, "DELETE FROM search_pending")) == NULL)
        rc = db->code;
    if (rc == ENT_OK)
        rc = entx_exec_stmt(db, st);
    return entx_tx_end(db, rc);
}

/* ---- searching --------------------------------------------------------------- */

/* The ids found so far, in rank order, and a hash set of them. */
struct found {
    int64_t *ids, *set;
    size_t n, cap, set_cap;
    size_t limit;
};

static bool found_add(struct found *f, int64_t id)
{
    if (2 * (f->n + 1) > f->set_cap) {
        size_t cap = f->set_cap ? 2 * f->set_cap : 64;
        int64_t *set = calloc(cap, sizeof *set);
        if (set == NULL)
            return false;
        for (size_t i = 0; i < f->n; i++) {
            size_t h = (size_t)f->ids[i] * 0x9E3779B97F4A7C15ULL & (cap - 1);
            while (set[h])
                h = (h + 1) & (cap - 1);
            set[h] = f->ids[i];
        }
        free(f->set);
        f->set = set;
        f->set_cap = cap;
    }
    size_t h = (size_t)id * 0x9E3779B97F4A7C15ULL & (f->set_cap - 1);
    while (f->set[h]) {
        if (f->set[h] == id)
            return true;
        h = (h + 1) & (f->set_cap - 1);
    }
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 32;
        int64_t *ids = realloc(f->ids, cap * sizeof *ids);
        if (ids == NULL)
            return false;
        f->ids = ids;
        f->cap = cap;
    }
    f->set[h] = id;
    f->ids[f->n++] = id;
    return true;
}

static bool found_full(const struct found *f)
{
    return f->limit > 0 && f->n >= f->limit;
}

/* Binds key range lo..hi for token t: t itself when exact, else every key
 * that starts with t (no key holds the byte 0xFF, which is not UTF-8). */
static void bind_range(sqlite3_stmt *st, int i, const char *t, bool exact)
{
    size_t n = strlen(t);
    char *hi = malloc(n + 2);
    sqlite3_bind_text(st, i, t, -1, SQLITE_TRANSIENT);
    if (hi == NULL) {
        sqlite3_bind_text(st, i + 1, t, -1, SQLITE_TRANSIENT);
        return;
    }
    memcpy(hi, t, n);
    hi[n] = exact ? '\0' : '\xff';
    hi[n + 1] = '\0';
    sqlite3_bind_text(st, i + 1, hi, -1, free);
}

/* One pass: the commodities with a key of tier that is (exact) or starts with
 * token 0, which also have a key starting with each other token. */
static int search_pass(ent_db *db, struct found *f, const char *const *tok, int ntok, int tier, bool exact,
                       const char *origin)
{
    char sql[2048];
    int w = snprintf(sql, sizeof sql, "SELECT k.product_id FROM product_key k JOIN product p ON p.id = k.product_id "
                                      "WHERE k.tier = ?1 AND k.k BETWEEN ?2 AND ?3 AND p.retired_at IS NULL "
                                      "AND (?4 IS NULL OR p.origin = ?4)");
    /* Each other word matches a key of the commodity's list (schema 28) as
     * it would match driving the search (entx_has_key). */
    for (int i = 1; i < ntok; i++)
        w += snprintf(sql + w, sizeof sql - (size_t)w,
                      " AND entx_has_key((SELECT x.keys FROM product_key_list x WHERE x.product_id = k.product_id), "
                      "?%d)",
                      3 + 2 * i);
    snprintf(sql + w, sizeof sql - (size_t)w, " ORDER BY k.k, k.product_id");
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
        return entx_fail_sql(db, "searching commodities");
    sqlite3_bind_int(st, 1, tier);
    bind_range(st, 2, tok[0], exact);
    entx_bind_text_or_null(st, 4, origin);
    for (int i = 1; i < ntok; i++)
        sqlite3_bind_text(st, 3 + 2 * i, tok[i], -1, SQLITE_STATIC);
    int sc, rc = ENT_OK;
    while (!found_full(f) && (sc = sqlite3_step(st)) == SQLITE_ROW)
        if (!found_add(f, sqlite3_column_int64(st, 0))) {
            rc = entx_fail(db, ENT_ERROR, "out of memory");
            break;
        }
    if (rc == ENT_OK && !found_full(f) && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "searching commodities");
    sqlite3_finalize(st);
    return rc;
}

/*
 * entx_has_key(list, word): whether word matches a key of a commodity's list
 * the way the passes of search_tokens match the word that drives a search:
 * any key it starts, but a GTIN's tail only whole (its pass is exact). With
 * a plain prefix test, "milk 12" found the milks whose GTIN ends in 12xx when
 * "milk" drove and not when "12" did, so the answer hung on which word had
 * fewer keys at that moment.
 */
static void has_key_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *list = (const char *)sqlite3_value_text(argv[0]);
    const char *word = (const char *)sqlite3_value_text(argv[1]);
    if (list == NULL || word == NULL || *word == '\0') {
        sqlite3_result_int(ctx, 0);
        return;
    }
    size_t n = strlen(word);
    for (const char *p = strchr(list, '\n'); p; p = strchr(p + 1, '\n')) {
        if (strncmp(p + 1, word, n) != 0)
            continue;
        const char *sep = strchr(p + 1 + n, LIST_SEP);
        if (sep == NULL)
            break;
        if (sep[1] != '0' + TIER_TAIL || sep == p + 1 + n) {
            sqlite3_result_int(ctx, 1);
            return;
        }
    }
    sqlite3_result_int(ctx, 0);
}

int entx_search_register(sqlite3 *sql)
{
    return sqlite3_create_function_v2(sql, "entx_has_key", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                      NULL, has_key_fn, NULL, NULL, NULL);
}

/* How many keys start with tok, counted up to a bound (the count only
 * chooses which token of a search drives it). */
static int token_rows(ent_db *db, int64_t *rows, const char *tok)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT count(*) FROM (SELECT 1 FROM product_key WHERE tier IN (0, 1, 2, 3, 4) "
                                     "AND k BETWEEN ?2 AND ?3 LIMIT 2000)");
    if (st == NULL)
        return db->code;
    bind_range(st, 2, tok, false);
    int sc = sqlite3_step(st);
    *rows = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return sc == SQLITE_ROW ? ENT_OK : entx_fail_sql(db, "searching commodities");
}

/* Every pass, best rank first: the exact code, the name from its start, the
 * initials, the rest (later syllables, words, characters, brand, code
 * prefixes), the last 4 to 6 digits of a GTIN. */
static int search_tokens(ent_db *db, struct found *f, const char **tok, int ntok, const char *origin)
{
    static const struct {
        int tier;
        bool exact;
    } pass[] = {{TIER_CODE, true}, {TIER_NAME, false}, {TIER_INITIALS, false},
                {TIER_REST, false}, {TIER_CODE, false}, {TIER_TAIL, true}};
    /* The token with the fewest keys drives: the others only filter it. */
    if (ntok > 1) {
        int64_t best = -1;
        for (int i = 0; i < ntok; i++) {
            int64_t rows = 0;
            int rc = token_rows(db, &rows, tok[i]);
            if (rc != ENT_OK)
                return rc;
            if (best < 0 || rows < best) {
                const char *t = tok[0];
                tok[0] = tok[i];
                tok[i] = t;
                best = rows;
            }
        }
    }
    int rc = ENT_OK;
    for (size_t i = 0; i < sizeof pass / sizeof *pass && rc == ENT_OK && !found_full(f); i++)
        rc = search_pass(db, f, tok, ntok, pass[i].tier, pass[i].exact, origin);
    return rc;
}

int entx_search_ids(ent_db *db, int64_t **ids, size_t *n, const char *text, const char *origin, int64_t limit)
{
    char q[KEY_MAX], joined[KEY_MAX];
    const char *tok[MAX_TOKENS];
    int ntok = 0, rc = ENT_OK;
    bool letters = true;
    size_t nj = 0;
    struct found f = {.limit = limit > 0 ? (size_t)limit : 0};
    *ids = NULL;
    *n = 0;
    ascii_lower(q, sizeof q, text);
    char *save = NULL;
    for (char *p = strtok_r(q, " \t\r\n", &save); p; p = strtok_r(NULL, " \t\r\n", &save)) {
        if (ntok == MAX_TOKENS)
            return entx_fail(db, ENT_INVALID, "the search has more than %d words", MAX_TOKENS);
        tok[ntok++] = p;
        for (const char *c = p; *c; c++)
            letters = letters && *c >= 'a' && *c <= 'z';
        size_t l = strlen(p);
        memcpy(joined + nj, p, l + 1);
        nj += l;
    }
    if (ntok == 0)
        return entx_fail(db, ENT_INVALID, "the text to search for has only spaces");
    /* "niu nai" is first read as the pinyin "niunai". */
    if (ntok > 1 && letters) {
        const char *one[1] = {joined};
        rc = search_tokens(db, &f, one, 1, origin);
    }
    if (rc == ENT_OK && !found_full(&f))
        rc = search_tokens(db, &f, tok, ntok, origin);
    free(f.set);
    if (rc != ENT_OK) {
        free(f.ids);
        return rc;
    }
    *ids = f.ids;
    *n = f.n;
    return ENT_OK;
}
