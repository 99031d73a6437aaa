/* The scan parser's GS1 Digital Link side (the GS1 Digital Link standard). */
#include "scan_parse.h"

/* ---- GS1 Digital Link --------------------------------------------------- */

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes n bytes at s into dst (cap bytes, no terminator);
 * returns the decoded length, -1 for a bad escape, -2 when too long. */
static long pct_decode(char *dst, size_t cap, const char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            if (n - i < 3)
                return -1;
            int h = hexval((unsigned char)s[i + 1]);
            int l = hexval((unsigned char)s[i + 2]);
            if (h < 0 || l < 0)
                return -1;
            c = (unsigned char)(h * 16 + l);
            i += 2;
        }
        if (o >= cap)
            return -2;
        dst[o++] = (char)c;
    }
    return (long)o;
}

/* Short names of keys and qualifiers (GS1 Digital Link 1.1 "convenience
 * alphas"), accepted in the path for the numeric AIs. */
static const struct {
    const char *name, *ai;
} dl_names[] = {
    {"gtin", "01"},  {"itip", "8006"}, {"cpv", "22"},    {"lot", "10"},     {"ser", "21"},   {"sscc", "00"},
    {"gln", "414"},  {"party", "417"}, {"gdti", "253"},  {"gcn", "255"},    {"ginc", "401"}, {"gsin", "402"},
    {"grai", "8003"}, {"giai", "8004"}, {"gsrnp", "8017"}, {"gsrn", "8018"}, {"cpid", "8010"}, {"gmn", "8013"},
    {"srin", "8019"}, {"glnx", "254"}, {"cpsn", "8011"}, {"exp", "17"},
};

/* The AI a path segment names (numeric, or a short name), or NULL.
 * *short_name is set when it was a short name. */
static const char *dl_ai(const char *s, size_t n, int *short_name)
{
    static const char *const numeric[] = {"00", "01", "10", "21", "22", "235", "253", "254", "255", "401", "402",
                                          "414", "415", "417", "7040", "8003", "8004", "8006", "8010", "8011",
                                          "8013", "8017", "8018", "8019", "8020"};
    *short_name = 0;
    if (n < 2 || n > 5)
        return NULL;
    if (is_digit((unsigned char)s[0])) {
        for (size_t i = 0; i < sizeof numeric / sizeof *numeric; i++)
            if (numeric[i][0] == s[0] && numeric[i][1] == s[1] && strlen(numeric[i]) == n &&
                memcmp(numeric[i], s, n) == 0)
                return numeric[i];
        return NULL;
    }
    *short_name = 1;
    for (size_t i = 0; i < sizeof dl_names / sizeof *dl_names; i++)
        if (dl_names[i].name[0] == s[0] && strlen(dl_names[i].name) == n && memcmp(dl_names[i].name, s, n) == 0)
            return dl_names[i].ai;
    return NULL;
}

/*
 * The primary keys of a Digital Link path and the qualifiers that may follow
 * each, written as the Syntax Dictionary's dlpkey= (release 2026-01-27):
 * qualifiers in this order, each optional; '|' separates alternative
 * sequences that may not be mixed.
 */
static const struct {
    const char *key, *qualifiers;
} dl_keys[] = {
    {"00", ""},     {"01", "22,10,21|235"}, {"253", ""},     {"255", ""},  {"401", ""},   {"402", ""},
    {"414", "254|7040"}, {"415", "8020"},   {"417", "7040"}, {"8003", ""}, {"8004", "7040"},
    {"8006", "22,10,21"}, {"8010", "8011"}, {"8013", ""},    {"8017", "8019"}, {"8018", "8019"},
};

/* The qualifier list of a primary key, or NULL when ai is not one. */
static const char *dl_qualifiers(const char *key)
{
    for (size_t i = 0; i < sizeof dl_keys / sizeof *dl_keys; i++)
        if (strcmp(dl_keys[i].key, key) == 0)
            return dl_keys[i].qualifiers;
    return NULL;
}

/* Is ai in the qualifier list q (any alternative)? */
static int dl_is_qualifier(const char *q, const char *ai)
{
    size_t k = strlen(ai);
    for (const char *f = strstr(q, ai); f; f = strstr(f + 1, ai))
        if ((f == q || f[-1] == ',' || f[-1] == '|') && (f[k] == ',' || f[k] == '|' || f[k] == '\0'))
            return 1;
    return 0;
}

#define DL_MAX_SEGS 32

struct seg {
    const char *s;
    size_t n;
};

/* Is the item at pos of the comma-separated list l (ln bytes) ai? */
static int list_item_at(const char *l, size_t ln, size_t pos, const char *ai, size_t an)
{
    return pos + an <= ln && memcmp(l + pos, ai, an) == 0 && (pos + an == ln || l[pos + an] == ',') &&
           (pos == 0 || l[pos - 1] == ',');
}

/* Do the qualifiers in segs[k+2..nseg) follow one sequence of q (a
 * dlpkey= list, alternatives '|') in its order? */
static int dl_sequence_fits(const struct seg *segs, size_t k, size_t nseg, const char *q)
{
    const char *alt = q;
    for (;;) {
        const char *alt_end = strchr(alt, '|');
        size_t alen = alt_end ? (size_t)(alt_end - alt) : strlen(alt);
        size_t pos = 0, j;
        for (j = k + 2; j < nseg; j += 2) {
            int sn;
            const char *ai = dl_ai(segs[j].s, segs[j].n, &sn);
            size_t an = ai ? strlen(ai) : 0;
            if (ai == NULL || segs[j + 1].n == 0)
                return 0;
            /* the next occurrence of ai in the rest of this alternative */
            while (pos < alen && !list_item_at(alt, alen, pos, ai, an))
                pos++;
            if (pos >= alen)
                break;
            pos += an;
        }
        if (j >= nseg)
            return 1;
        if (alt_end == NULL)
            return 0;
        alt = alt_end + 1;
    }
}

/* Do segs[k..nseg) form key/value, then qualifier/value pairs in order? */
static int dl_path_fits(const struct seg *segs, size_t k, size_t nseg)
{
    int sn;
    const char *key = dl_ai(segs[k].s, segs[k].n, &sn);
    const char *q = key ? dl_qualifiers(key) : NULL;
    if (q == NULL || (nseg - k) % 2 != 0 || segs[k + 1].n == 0)
        return 0;
    return dl_sequence_fits(segs, k, nseg, q);
}

static int dl_add(ent_scan *out, struct ctx *cx, const char *ai, const char *v, size_t n, int in_query)
{
    char buf[91];
    long len = pct_decode(buf, 90, v, n);
    if (len == -1 && in_query)
        return fail(out, "Digital Link: bad percent-encoding in ?%s=", ai);
    if (len == -1)
        return fail(out, "Digital Link: bad percent-encoding in the path");
    if (len == -2) {
        const struct ai_def *def = entx_scan_ai_find(ai, strlen(ai));
        return entx_scan_check_length(out, ai, def ? def : &entx_scan_unknown_def, n);
    }
    /* A GTIN in a URI written with 8, 12 or 13 digits (Digital Link 1.1;
     * deprecated since): padded to 14 at the counter, refused when strict. */
    if (!cx->strict && strcmp(ai, "01") == 0 && (len == 8 || len == 12 || len == 13) &&
        all_digits(buf, (size_t)len)) {
        entx_scan_tolerate(out, "zero-suppressed-gtin");
        memmove(buf + 14 - len, buf, (size_t)len);
        memset(buf, '0', (size_t)(14 - len));
        len = 14;
    }
    return entx_scan_add_ai(out, cx, ai, strlen(ai), buf, (size_t)len);
}

/* May the AI stand in the query? Data attributes only, and not a qualifier
 * of the path's key (that belongs in the path). */
static int dl_query_placed(ent_scan *out, const struct ctx *cx, const char *key, const char *qualifiers,
                           const struct ai_def *def, const char *ai)
{
    if (def == &entx_scan_unknown_def)
        return ENT_OK; /* entx_scan_add_ai decided */
    if (!def->dl) {
        if (cx->strict)
            return fail(out, "Digital Link: AI (%s) is not a data attribute and cannot stand in the query", ai);
        entx_scan_tolerate(out, "not-dl-attribute");
    } else if (qualifiers[0] && dl_is_qualifier(qualifiers, ai)) {
        if (cx->strict)
            return fail(out, "Digital Link: AI (%s) qualifies /%s/ and belongs in the path, not in the query", ai,
                        key);
        entx_scan_tolerate(out, "qualifier-in-query");
    }
    return ENT_OK;
}

int entx_scan_parse_digital_link(ent_scan *out, struct ctx *cx, const char *p, size_t n)
{
    struct seg segs[DL_MAX_SEGS];
    size_t nseg = 0, i;
    size_t scheme = (n >= 8 && prefix_nocase(p, n, "https://")) ? 8 : 7;
    copy_text(out->text, sizeof out->text, p, n);
    /* The host runs to the first '/', '?' or '#'. */
    i = scheme;
    while (i < n && p[i] != '/' && p[i] != '?' && p[i] != '#')
        i++;
    if (i == scheme)
        return fail(out, "Digital Link: no host name after %.*s", (int)scheme, p);
    size_t path_end = i;
    while (path_end < n && p[path_end] != '?' && p[path_end] != '#')
        path_end++;
    /* Split the path into segments; empty ones (a doubled or final '/') are dropped. */
    while (i < path_end) {
        size_t s = ++i;
        while (i < path_end && p[i] != '/')
            i++;
        if (i > s) {
            if (nseg == DL_MAX_SEGS)
                return fail(out, "Digital Link: more than %d path segments", DL_MAX_SEGS);
            segs[nseg].s = p + s;
            segs[nseg].n = i - s;
            nseg++;
        }
    }
    size_t k = 0;
    while (k + 1 < nseg && !dl_path_fits(segs, k, nseg))
        k++;
    if (k + 1 >= nseg)
        return fail(out, "Digital Link: no GS1 key such as /01/{GTIN} in the path");
    int sn;
    const char *path_key = dl_ai(segs[k].s, segs[k].n, &sn);
    const char *path_q = dl_qualifiers(path_key);
    for (size_t j = k; j + 1 < nseg; j += 2) {
        const char *ai = dl_ai(segs[j].s, segs[j].n, &sn);
        if (sn && cx->strict)
            return fail(out, "Digital Link: /%.*s/ is a short name the current standard no longer uses; write /%s/",
                        (int)segs[j].n, segs[j].s, ai);
        if (sn)
            entx_scan_tolerate(out, "short-name");
        int rc = dl_add(out, cx, ai, segs[j + 1].s, segs[j + 1].n, 0);
        if (rc != ENT_OK)
            return rc;
    }
    /* The query: numeric keys are AIs; other keys (linkType, ...) are not data. */
    if (path_end < n && p[path_end] == '?') {
        size_t q = path_end + 1, qend = q;
        while (qend < n && p[qend] != '#')
            qend++;
        while (q < qend) {
            size_t e = q;
            while (e < qend && p[e] != '&')
                e++;
            size_t eq = q;
            while (eq < e && p[eq] != '=')
                eq++;
            size_t kl = eq - q;
            if (kl >= 2 && kl <= 4 && all_digits(p + q, kl)) {
                int ai_len = entx_scan_ai_length((p[q] - '0') * 10 + (p[q + 1] - '0'));
                if (ai_len == 0)
                    return fail(out, "AI (%c%c): no AI starts with these digits", p[q], p[q + 1]);
                if ((size_t)ai_len != kl)
                    return fail(out, "Digital Link: ?%.*s= is not an AI; AIs starting %c%c have %d digits",
                                (int)kl, p + q, p[q], p[q + 1], ai_len);
                int rc;
                char ai[5];
                memcpy(ai, p + q, kl);
                ai[kl] = '\0';
                if (eq >= e || eq + 1 == e)
                    return fail(out, "Digital Link: ?%s= has no value", ai);
                size_t before = out->n_ais;
                rc = dl_add(out, cx, ai, p + eq + 1, e - eq - 1, 1);
                if (rc != ENT_OK)
                    return rc;
                if (out->n_ais > before &&
                    dl_query_placed(out, cx, path_key, path_q, cx->defs[before], ai) != ENT_OK)
                    return ENT_INVALID;
            }
            q = e + 1;
        }
    }
    return ENT_OK;
}
