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

/* The AI a path segment names (numeric, or a short name), or NULL. */
static const char *dl_ai(const char *s, size_t n)
{
    static const char *const numeric[] = {"00", "01", "10", "21", "22", "235", "253", "254", "255", "401", "402",
                                          "414", "417", "8003", "8004", "8006", "8010", "8011", "8013", "8017",
                                          "8018", "8019"};
    if (n < 2 || n > 5)
        return NULL;
    if (is_digit((unsigned char)s[0])) {
        for (size_t i = 0; i < sizeof numeric / sizeof *numeric; i++)
            if (numeric[i][0] == s[0] && numeric[i][1] == s[1] && strlen(numeric[i]) == n &&
                memcmp(numeric[i], s, n) == 0)
                return numeric[i];
        return NULL;
    }
    for (size_t i = 0; i < sizeof dl_names / sizeof *dl_names; i++)
        if (dl_names[i].name[0] == s[0] && strlen(dl_names[i].name) == n && memcmp(dl_names[i].name, s, n) == 0)
            return dl_names[i].ai;
    return NULL;
}

/* Primary keys and the qualifiers that may follow each, in their order. */
static const char *const *dl_qualifiers(const char *key)
{
    static const char *const gtin_q[] = {"22", "10", "21", "235", NULL};
    static const char *const gln_q[] = {"254", NULL};
    static const char *const cpid_q[] = {"8011", NULL};
    static const char *const gsrn_q[] = {"8019", NULL};
    static const char *const none_q[] = {NULL};
    if (strcmp(key, "01") == 0 || strcmp(key, "8006") == 0)
        return gtin_q;
    if (strcmp(key, "414") == 0)
        return gln_q;
    if (strcmp(key, "8010") == 0)
        return cpid_q;
    if (strcmp(key, "8017") == 0 || strcmp(key, "8018") == 0)
        return gsrn_q;
    if (strcmp(key, "00") == 0 || strcmp(key, "253") == 0 || strcmp(key, "255") == 0 || strcmp(key, "401") == 0 ||
        strcmp(key, "402") == 0 || strcmp(key, "417") == 0 || strcmp(key, "8003") == 0 ||
        strcmp(key, "8004") == 0 || strcmp(key, "8013") == 0)
        return none_q;
    return NULL;
}

#define DL_MAX_SEGS 32

struct seg {
    const char *s;
    size_t n;
};

/* Do segs[k..nseg) form key/value, then qualifier/value pairs in order? */
static int dl_path_fits(const struct seg *segs, size_t k, size_t nseg)
{
    const char *key = dl_ai(segs[k].s, segs[k].n);
    const char *const *q = key ? dl_qualifiers(key) : NULL;
    if (q == NULL || (nseg - k) % 2 != 0 || segs[k + 1].n == 0)
        return 0;
    size_t qi = 0;
    for (size_t j = k + 2; j < nseg; j += 2) {
        const char *ai = dl_ai(segs[j].s, segs[j].n);
        if (ai == NULL || segs[j + 1].n == 0)
            return 0;
        while (q[qi] && strcmp(q[qi], ai) != 0)
            qi++;
        if (q[qi] == NULL)
            return 0;
        qi++;
    }
    return 1;
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
    /* A GTIN in a URI may be written with 8, 12 or 13 digits: pad it to 14. */
    if (strcmp(ai, "01") == 0 && (len == 8 || len == 12 || len == 13) && all_digits(buf, (size_t)len)) {
        memmove(buf + 14 - len, buf, (size_t)len);
        memset(buf, '0', (size_t)(14 - len));
        len = 14;
    }
    return entx_scan_add_ai(out, cx, ai, strlen(ai), buf, (size_t)len);
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
    for (size_t j = k; j + 1 < nseg; j += 2) {
        const char *ai = dl_ai(segs[j].s, segs[j].n);
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
                rc = dl_add(out, cx, ai, p + eq + 1, e - eq - 1, 1);
                if (rc != ENT_OK)
                    return rc;
            }
            q = e + 1;
        }
    }
    return ENT_OK;
}
