/* {placeholder} expansion of label text. It lives with the renderer, which
 * is its only user, and reads the fields through the public accessor only,
 * so that libentrepot-label needs nothing hidden in libentrepot. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/label.h"
#include "label_int.h"

/* The field named by the len bytes at name, or NULL. The names the library
 * fills are short: only a caller's own long name takes the heap. */
static const char *lookup(const ent_label_data *d, const char *name, size_t len)
{
    char small[128];
    char *key = len < sizeof small ? small : malloc(len + 1);
    const char *value = NULL;
    if (key == NULL)
        return NULL;
    memcpy(key, name, len);
    key[len] = '\0';
    value = ent_label_data_get(d, key);
    if (key != small)
        free(key);
    return value;
}

struct buf {
    char *s;
    size_t n, cap;
    bool oom;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->n + n + 1) * 2;
        char *g = realloc(b->s, cap);
        if (g == NULL) {
            b->oom = true;
            return;
        }
        b->s = g;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

int entx_label_expand(char **out, const char *s, const ent_label_data *d, char *missing, size_t missing_len)
{
    struct buf b = {0};
    *out = NULL;
    put(&b, "", 0);
    while (*s) {
        if ((s[0] == '{' && s[1] == '{') || (s[0] == '}' && s[1] == '}')) {
            put(&b, s, 1);
            s += 2;
            continue;
        }
        if (*s != '{') {
            size_t n = strcspn(s, "{}");
            put(&b, s, n ? n : 1);
            s += n ? n : 1;
            continue;
        }
        const char *end = strchr(s, '}');
        if (end == NULL) { /* the parser refuses this; be safe anyway */
            put(&b, s, strlen(s));
            break;
        }
        const char *k = s + 1;
        bool optional = end[-1] == '?';
        const char *kend = optional ? end - 1 : end;
        const char *hit = NULL;
        while (k < kend && hit == NULL) {
            const char *bar = memchr(k, '|', (size_t)(kend - k));
            const char *e = bar ? bar : kend;
            hit = lookup(d, k, (size_t)(e - k));
            k = bar ? bar + 1 : kend;
        }
        if (hit) {
            put(&b, hit, strlen(hit));
        } else if (!optional) {
            /* "a|b" reads better as "a or b" in a message. */
            struct buf m = {0};
            for (const char *c = s + 1; c < kend; c++)
                put(&m, *c == '|' ? " or " : c, *c == '|' ? 4 : 1);
            snprintf(missing, missing_len, "%s", m.s ? m.s : "?");
            free(m.s);
            free(b.s);
            return -1;
        }
        s = end + 1;
    }
    if (b.oom) {
        free(b.s);
        snprintf(missing, missing_len, "(out of memory)");
        return -1;
    }
    *out = b.s;
    return 0;
}
