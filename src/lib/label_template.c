/* Label templates (NAME.label) and sheet layouts (NAME.sheet): a line-based
 * text format, checked line by line with "file:line: what is wrong". */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/csv.h"
#include "internal.h"
#include "label_int.h"

#define MAX_TOKENS 24
#define MAX_FILE (1 << 20)
#define MAX_LINE 4096 /* bytes: a template line longer than this is a mistake, not a layout */

struct parser {
    const char *name;
    int line;
    char *tok[MAX_TOKENS];
    int ntok;
    bool quoted[MAX_TOKENS];
};

static int perr(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(struct parser *p, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    char name[300]; /* a long path must not push the reason out of the message */
    ent_text_clip(name, sizeof name, p->name, 240);
    return entx_label_error(ENT_INVALID, "%s:%d: %s", name, p->line, what);
}

static void free_tokens(struct parser *p)
{
    for (int i = 0; i < p->ntok; i++)
        free(p->tok[i]);
    p->ntok = 0;
}

/* Splits one line into words and "quoted strings" (with \" and \\ escapes);
 * '#' outside quotes starts a comment. */
static int tokenize(struct parser *p, const char *s, size_t n)
{
    size_t i = 0;
    free_tokens(p);
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
            i++;
        if (i >= n || s[i] == '#')
            break;
        if (p->ntok == MAX_TOKENS)
            return perr(p, "too many words on one line (at most %d)", MAX_TOKENS);
        char *t = malloc(n - i + 1);
        size_t k = 0;
        if (t == NULL)
            return perr(p, "out of memory");
        bool q = s[i] == '"';
        if (q) {
            i++;
            while (i < n && s[i] != '"') {
                if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\\'))
                    i++;
                t[k++] = s[i++];
            }
            if (i >= n) {
                free(t);
                return perr(p, "a quoted text is not closed (missing \")");
            }
            i++;
        } else {
            while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '"')
                t[k++] = s[i++];
        }
        t[k] = '\0';
        p->quoted[p->ntok] = q;
        p->tok[p->ntok++] = t;
    }
    return ENT_OK;
}

/* A non-negative decimal number such as "63.5": no locale, no exponent.
 * -1 when it is not such a number, -2 when it is above 10000. */
static int parse_num(const char *s, double *out)
{
    double v = 0, scale = 1;
    bool digits = false, dot = false;
    if (*s == '\0')
        return -1;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') {
            digits = true;
            if (dot) {
                scale /= 10;
                v += (*s - '0') * scale;
            } else {
                v = v * 10 + (*s - '0');
            }
        } else if (*s == '.' && !dot) {
            dot = true;
        } else {
            return -1;
        }
    }
    if (!digits)
        return -1;
    if (v > 10000)
        return -2;
    *out = v;
    return 0;
}

static int num_arg(struct parser *p, int i, const char *what, double *out)
{
    if (i >= p->ntok || p->quoted[i])
        return perr(p, "%s: expected %s, a number in millimetres", p->tok[0], what);
    int rc = parse_num(p->tok[i], out);
    if (rc == -2)
        return perr(p, "%s: %s %s is too large (at most 10000)", p->tok[0], what, p->tok[i]);
    if (rc != 0)
        return perr(p, "%s: %s '%s' is not a number such as 12 or 63.5", p->tok[0], what, p->tok[i]);
    return ENT_OK;
}

static const struct {
    const char *name;
    enum symbology sym;
} symbologies[] = {
    {"ean13", SYM_EAN13},     {"ean8", SYM_EAN8},
    {"upca", SYM_UPCA},       {"code128", SYM_CODE128},
    {"gs1-128", SYM_GS1_128}, {"gs1-datamatrix", SYM_GS1_DATAMATRIX},
    {"datamatrix", SYM_DATAMATRIX}, {"qr", SYM_QR},
    {"gs1-qr-link", SYM_GS1_QR_LINK},
};

/* Every field label data can carry (label_data.c fills them, the command
 * line adds the last four): a template naming another is a typo. */
static const char *const known_fields[] = {
    "brand", "code", "currency", "declaration", "expiry", "expiry_yymmdd", "gtin", "gtin13", "gtin8", "hs_code",
    "import_date", "importer", "lot", "lot_uuid", "name", "name_en", "name_zh", "net_content", "net_content_zh",
    "origin", "origin_en", "origin_zh", "price", "price_symbol", "production_date", "production_yymmdd",
    "sell_unit", "sell_unit_en", "food_kind", "ingredients", "allergens", "abv", "nutrition", "nutrition_basis", "shelf_life_days", "shelf_life_zh", "sku", "storage", "store_code", "store_name", "supplier", "tax_rate",
    "today", "unit", "unit_price", "unit_price_unit", "unit_price_zh", "unit_zh", "upc",
    "clerk", "grade", "count", "sscc",
};

/* Checks each name of a "a|b" list (len bytes at s) against known_fields. */
static int check_fields(struct parser *p, const char *s, size_t len)
{
    const char *end = s + len;
    while (s < end) {
        size_t n = strcspn(s, "|");
        if (s + n > end)
            n = (size_t)(end - s);
        bool found = false;
        for (size_t i = 0; i < sizeof known_fields / sizeof *known_fields && !found; i++)
            found = strlen(known_fields[i]) == n && memcmp(known_fields[i], s, n) == 0;
        if (!found)
            return perr(p, "unknown field '%.*s' (the fields are listed in README.md, section Labels)", (int)n, s);
        s += n + 1;
    }
    return ENT_OK;
}

/* Checks that every {placeholder} is closed and well formed. */
static int check_placeholders(struct parser *p, const char *s)
{
    for (const char *c = s; *c; c++) {
        if (c[0] == '{' && c[1] == '{') {
            c++;
            continue;
        }
        if (c[0] == '}' && c[1] == '}') {
            c++;
            continue;
        }
        if (*c == '}')
            return perr(p, "'}' without its '{' (write }} for a brace)");
        if (*c != '{')
            continue;
        const char *end = strchr(c, '}');
        if (end == NULL)
            return perr(p, "placeholder '%s' is not closed with '}'", ENT_CLIP(c, 20));
        if (end == c + 1)
            return perr(p, "empty placeholder {}");
        for (const char *k = c + 1; k < end; k++) {
            bool ok = (*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '_' || *k == '|' ||
                      (*k == '?' && k == end - 1);
            if (!ok)
                return perr(p, "placeholder {%.*s}: field names are lower-case letters, digits and _ "
                               "('|' separates alternatives, a final '?' makes it optional)",
                            (int)(end - c - 1), c + 1);
        }
        int rc = check_fields(p, c + 1, (size_t)(end - c - 1 - (end[-1] == '?')));
        if (rc != ENT_OK)
            return rc;
        c = end;
    }
    return ENT_OK;
}

static bool names_contain(const char *list, size_t len, const char *name, const char *seps);

/* Whether a {placeholder} of content names field (as one of its alternatives). */
static bool placeholders_name(const char *content, const char *field)
{
    for (const char *c = content; c && (c = strchr(c, '{')) != NULL; c++) {
        const char *end = strchr(c, '}');
        if (c[1] == '{' || end == NULL) {
            c++;
            continue;
        }
        if (names_contain(c + 1, (size_t)(end - c - 1), field, "|?"))
            return true;
        c = end;
    }
    return false;
}

/* cols=45,30,25: each column's share of a table's width in percent, adding
 * up to 100. */
static int table_cols(struct parser *p, struct elem *e, const char *v)
{
    double sum = 0;
    e->ncols = 0;
    for (const char *s = v; *s;) {
        char num[16];
        size_t n = strcspn(s, ",");
        double d;
        snprintf(num, sizeof num, "%.*s", (int)(n < sizeof num ? n : sizeof num - 1), s);
        if (e->ncols == TABLE_MAX_COLS || n == 0 || n >= sizeof num || parse_num(num, &d) || d <= 0)
            return perr(p, "cols=%s: up to %d column widths in percent of the table, such as cols=45,30,25", v,
                        TABLE_MAX_COLS);
        e->cols[e->ncols++] = d;
        sum += d;
        s += n + (s[n] == ',');
    }
    if (sum < 99.99 || sum > 100.01)
        return perr(p, "cols=%s: the column widths add up to %g%%, not 100%%", v, sum);
    return ENT_OK;
}

/* Options key=value (or a bare flag) at tokens from..ntok-1, except the
 * last quoted string which is the content. */
static int elem_options(struct parser *p, struct elem *e, int from, int to)
{
    for (int i = from; i < to; i++) {
        const char *t = p->tok[i];
        const char *eq = strchr(t, '=');
        const char *v = eq ? eq + 1 : "";
        size_t klen = eq ? (size_t)(eq - t) : strlen(t);
        double num;
#define KEY(s) (klen == strlen(s) && strncmp(t, s, klen) == 0)
        if (p->quoted[i])
            return perr(p, "%s: unexpected quoted text \"%s\" (the content comes last, once)", p->tok[0], ENT_CLIP(t, 30));
        if ((e->kind == EL_TEXT || e->kind == EL_TABLE) && KEY("size") && eq) {
            if (parse_num(v, &num) || num < 2 || num > 200)
                return perr(p, "size=%s: a font size in points between 2 and 200", v);
            e->size = num;
        } else if ((e->kind == EL_TEXT || e->kind == EL_TABLE) && KEY("min") && eq) {
            if (parse_num(v, &num) || num < 2 || num > 200)
                return perr(p, "min=%s: a font size in points between 2 and 200", v);
            e->min = num;
        } else if ((e->kind == EL_TEXT || e->kind == EL_TABLE) && KEY("bold") && !eq) {
            e->bold = true;
        } else if (e->kind == EL_TEXT && KEY("wrap") && !eq) {
            e->wrap = true;
            e->fit = FIT_WRAP;
            e->fit_given = true;
        } else if ((e->kind == EL_TEXT || e->kind == EL_TABLE) && KEY("required") && !eq) {
            e->legal = true; /* the template says the law wants it whole */
        } else if (e->kind == EL_TEXT && KEY("fit") && eq) {
            if (strcmp(v, "shrink") == 0)
                e->fit = FIT_SHRINK;
            else if (strcmp(v, "wrap") == 0)
                e->fit = FIT_WRAP;
            else if (strcmp(v, "ellipsis") == 0)
                e->fit = FIT_ELLIPSIS;
            else
                return perr(p, "fit=%s: expected shrink, wrap or ellipsis", v);
            e->wrap = e->fit == FIT_WRAP;
            e->fit_given = true;
        } else if (e->kind == EL_TEXT && KEY("align") && eq) {
            if (strcmp(v, "left") == 0)
                e->align = AL_LEFT;
            else if (strcmp(v, "center") == 0 || strcmp(v, "centre") == 0)
                e->align = AL_CENTER;
            else if (strcmp(v, "right") == 0)
                e->align = AL_RIGHT;
            else
                return perr(p, "align=%s: expected left, center or right", v);
        } else if (e->kind == EL_TEXT && KEY("valign") && eq) {
            if (strcmp(v, "top") == 0)
                e->valign = VA_TOP;
            else if (strcmp(v, "middle") == 0)
                e->valign = VA_MIDDLE;
            else if (strcmp(v, "bottom") == 0)
                e->valign = VA_BOTTOM;
            else
                return perr(p, "valign=%s: expected top, middle or bottom", v);
        } else if (e->kind == EL_TABLE && KEY("cols") && eq) {
            if (table_cols(p, e, v) != ENT_OK)
                return ENT_INVALID;
        } else if ((e->kind == EL_LINE || e->kind == EL_BOX || e->kind == EL_TABLE) && KEY("width") && eq) {
            if (parse_num(v, &num) || num <= 0 || num > 10)
                return perr(p, "width=%s: a line width in millimetres, above 0 and at most 10", v);
            e->stroke = num;
        } else if (e->kind == EL_BOX && KEY("fill") && !eq) {
            e->fill = true;
        } else if (e->kind == EL_BARCODE && KEY("hrt") && eq) {
            if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
                return perr(p, "hrt=%s: expected yes or no", v);
            e->hrt = strcmp(v, "yes") == 0;
        } else if (e->kind == EL_BARCODE && KEY("link") && eq) {
            if (strncmp(v, "https://", 8) != 0 || strlen(v) < 10 || v[strlen(v) - 1] == '/')
                return perr(p, "link=%s: a base such as https://id.gs1.org (https, no trailing /)", v);
            free(e->link_base);
            e->link_base = strdup(v);
        } else if (KEY("if") && eq && *v) {
            /* if=!field: only when the field is absent (its alternative). */
            const char *f = v + (*v == '!');
            if (*f == '\0' || check_fields(p, f, strlen(f)) != ENT_OK)
                return *f ? ENT_INVALID : perr(p, "if=!: name the field");
            free(e->cond);
            e->cond = strdup(v);
        } else {
            return perr(p, "%s: unknown option '%s'", p->tok[0], t);
        }
#undef KEY
    }
    return ENT_OK;
}

/* The fields China's marked-price rules require on a shelf label (name,
 * origin, price, unit): text printing one of them may refuse a label rather
 * than be cut; any other text is cut with an ellipsis as a last resort. */
static const char *const legal_fields[] = {"name",      "name_zh", "name_en",      "origin", "origin_en",
                                           "origin_zh", "price",   "price_symbol", "unit",   "unit_zh"};

static bool prints_legal_field(const char *content)
{
    for (size_t i = 0; i < sizeof legal_fields / sizeof *legal_fields; i++)
        if (placeholders_name(content, legal_fields[i]))
            return true;
    return false;
}

/* Size, minimum size and fitting rule of a text element, checked together
 * once all its options are read (they may come in any order). */
static int text_rules(struct parser *p, struct elem *e)
{
    if (e->min > e->size)
        return perr(p, "text: min=%g is larger than size=%g (min is the smallest size the text may shrink to)", e->min,
                    e->size);
    if (e->min == 0)
        e->min = e->size < 5 ? e->size : 5;
    /* One character at the smallest size must fit, so that text which is
     * cut still shows something. */
    if (e->h + 0.01 < e->min * PT_MM || e->w + 0.01 < e->min * PT_MM)
        return perr(p, "text: a %gx%g mm box cannot hold one character at min=%g pt (%.2f mm)", e->w, e->h, e->min,
                    e->min * PT_MM);
    return ENT_OK;
}

/* Once the whole template is read (require lines may come last): text that
 * prints a field the law requires, a field of a require line, or is marked
 * required, may refuse a label and may not be cut. */
static int mark_legal(struct parser *p, ent_label_template *t)
{
    for (size_t i = 0; i < t->nelems; i++) {
        struct elem *e = &t->elems[i];
        if (e->kind != EL_TEXT)
            continue;
        e->legal = e->legal || prints_legal_field(e->content);
        for (size_t r = 0; r < t->nrequire && !e->legal; r++) {
            const char *alts = t->require[r];
            while (*alts && !e->legal) {
                size_t n = strcspn(alts, "|");
                char name[64];
                snprintf(name, sizeof name, "%.*s", (int)n, alts);
                e->legal = placeholders_name(e->content, name);
                alts += n + (alts[n] == '|');
            }
        }
        p->line = e->line;
        if (e->legal && e->fit == FIT_ELLIPSIS)
            return perr(p, "text: fit=ellipsis would cut text the law requires on the label (name, origin, price, "
                           "unit, a required field): use fit=shrink or fit=wrap");
    }
    return ENT_OK;
}

/* ---- quiet zones ---------------------------------------------------------- */

struct area {
    double x0, y0, x1, y1;
};

/* Open rectangles overlap: touching edges leave the zone clear. */
static bool areas_overlap(struct area a, struct area b)
{
    const double eps = 0.005;
    return a.x0 < b.x1 - eps && b.x0 < a.x1 - eps && a.y0 < b.y1 - eps && b.y0 < a.y1 - eps;
}

/* Where an element may put ink: up to 4 areas (the sides of an outlined
 * box); a line's area is its bounding box widened by half its stroke. */
static size_t ink_areas(const struct elem *e, struct area out[4])
{
    double hs = e->stroke / 2;
    double x0 = e->w < 0 ? e->x + e->w : e->x, y0 = e->h < 0 ? e->y + e->h : e->y;
    double x1 = x0 + (e->w < 0 ? -e->w : e->w), y1 = y0 + (e->h < 0 ? -e->h : e->h);
    switch (e->kind) {
    case EL_LINE: out[0] = (struct area){x0 - hs, y0 - hs, x1 + hs, y1 + hs}; return 1;
    case EL_BOX:
        if (e->fill) {
            out[0] = (struct area){x0, y0, x1, y1};
            return 1;
        }
        out[0] = (struct area){x0 - hs, y0 - hs, x1 + hs, y0 + hs};
        out[1] = (struct area){x0 - hs, y1 - hs, x1 + hs, y1 + hs};
        out[2] = (struct area){x0 - hs, y0 - hs, x0 + hs, y1 + hs};
        out[3] = (struct area){x1 - hs, y0 - hs, x1 + hs, y1 + hs};
        return 4;
    default: out[0] = (struct area){x0, y0, x1, y1}; return 1;
    }
}

static const char *quiet_zone_words(enum symbology s)
{
    switch (s) {
    case SYM_EAN13: return "EAN-13 and its quiet zones (11 modules left, 7 right)";
    case SYM_EAN8: return "EAN-8 and its quiet zones (7 modules each side)";
    case SYM_UPCA: return "UPC-A and its quiet zones (9 modules each side)";
    case SYM_CODE128: return "Code 128 and its quiet zones (10 modules each side)";
    case SYM_GS1_128: return "GS1-128 and its quiet zones (10 modules each side)";
    case SYM_GS1_DATAMATRIX: return "GS1 DataMatrix and its quiet zone (1 module)";
    case SYM_DATAMATRIX: return "DataMatrix and its quiet zone (1 module)";
    default: return "QR code and its quiet zone (4 modules)";
    }
}

/* A barcode's box holds the symbol and its quiet zones (the symbol is fitted
 * inside with them, in every format): no frame, line, text or other barcode
 * may put ink there, or counter scanners stop reading it. Checked for every
 * template, whatever it is printed to. */
/* Two elements never printed together: if=F and if=!F. */
static bool exclusive(const struct elem *a, const struct elem *b)
{
    return a->cond && b->cond && (a->cond[0] == '!') != (b->cond[0] == '!') &&
           strcmp(a->cond + (a->cond[0] == '!'), b->cond + (b->cond[0] == '!')) == 0;
}

static int check_quiet_zones(struct parser *p, const ent_label_template *t)
{
    for (size_t b = 0; b < t->nelems; b++) {
        const struct elem *bc = &t->elems[b];
        if (bc->kind != EL_BARCODE)
            continue;
        struct area zone = {bc->x, bc->y, bc->x + bc->w, bc->y + bc->h};
        for (size_t i = 0; i < t->nelems; i++) {
            struct area ink[4];
            size_t n = i == b || exclusive(bc, &t->elems[i]) ? 0 : ink_areas(&t->elems[i], ink);
            for (size_t k = 0; k < n; k++) {
                if (!areas_overlap(zone, ink[k]))
                    continue;
                static const char *const kinds[] = {"text", "barcode", "line", "box", "table"};
                const struct elem *o = &t->elems[i];
                if (o->line > bc->line) {
                    p->line = o->line;
                    return perr(p, "%s reaches into the box of the barcode on line %d, which holds the %s: keep "
                                   "it clear", kinds[o->kind], bc->line, quiet_zone_words(bc->sym));
                }
                p->line = bc->line;
                return perr(p, "barcode: its box takes in the %s on line %d, but it must hold only the %s",
                            kinds[o->kind], o->line, quiet_zone_words(bc->sym));
            }
        }
    }
    return ENT_OK;
}

static int parse_elem(struct parser *p, ent_label_template *t, enum elem_kind kind)
{
    struct elem e = {.kind = kind, .line = p->line, .size = 9, .min = 0, .stroke = 0.3, .hrt = true};
    int rc, i = 1;
    double *dst[4] = {&e.x, &e.y, &e.w, &e.h};
    for (int k = 0; k < 4; k++) {
        static const char *const names[2][4] = {{"x", "y", "width", "height"}, {"x1", "y1", "x2", "y2"}};
        if ((rc = num_arg(p, i + k, names[kind == EL_LINE][k], dst[k])) != ENT_OK)
            goto fail;
    }
    i += 4;
    if (kind == EL_LINE) {
        e.w -= e.x; /* store the end point as a vector */
        e.h -= e.y;
    }
    if (kind == EL_BARCODE) {
        if (i >= p->ntok || p->quoted[i]) {
            rc = perr(p, "barcode: expected a symbology after the box (ean13, ean8, upca, code128, gs1-128, "
                         "gs1-datamatrix, datamatrix, qr, gs1-qr-link)");
            goto fail;
        }
        size_t s = 0;
        for (; s < sizeof symbologies / sizeof *symbologies; s++)
            if (strcmp(symbologies[s].name, p->tok[i]) == 0)
                break;
        if (s == sizeof symbologies / sizeof *symbologies) {
            rc = perr(p, "barcode: unknown symbology '%s' (ean13, ean8, upca, code128, gs1-128, gs1-datamatrix, "
                         "datamatrix, qr, gs1-qr-link)", p->tok[i]);
            goto fail;
        }
        e.sym = symbologies[s].sym;
        i++;
    }
    int last = p->ntok;
    if (kind == EL_TEXT || kind == EL_BARCODE || kind == EL_TABLE) {
        if (p->ntok <= i || !p->quoted[p->ntok - 1]) {
            rc = perr(p, "%s: the content must come last, in double quotes", p->tok[0]);
            goto fail;
        }
        last = p->ntok - 1;
        if ((rc = check_placeholders(p, p->tok[last])) != ENT_OK)
            goto fail;
        if (*p->tok[last] == '\0') {
            rc = perr(p, "%s: empty content", p->tok[0]);
            goto fail;
        }
        e.content = strdup(p->tok[last]);
    }
    if ((rc = elem_options(p, &e, i, last)) != ENT_OK)
        goto fail;
    if ((kind == EL_TEXT || kind == EL_TABLE) && (rc = text_rules(p, &e)) != ENT_OK)
        goto fail;
    if (kind == EL_TABLE && e.ncols == 0) {
        rc = perr(p, "table: give its columns, such as cols=45,30,25 (percent of the width)");
        goto fail;
    }
    e.legal = e.legal || kind == EL_TABLE; /* a table's figures are never cut: it refuses instead */
    if (kind != EL_LINE && (e.w <= 0 || e.h <= 0)) {
        rc = perr(p, "%s: width and height must be above 0", p->tok[0]);
        goto fail;
    }
    double x2 = kind == EL_LINE ? e.x + e.w : e.x + e.w, y2 = e.y + e.h;
    if (e.x > t->width + 0.01 || e.y > t->height + 0.01 || x2 > t->width + 0.01 || y2 > t->height + 0.01 ||
        x2 < -0.01 || y2 < -0.01) {
        rc = perr(p, "%s reaches outside the %gx%g mm label", p->tok[0], t->width, t->height);
        goto fail;
    }
    if (kind == EL_BARCODE && e.sym == SYM_GS1_QR_LINK && e.link_base == NULL)
        e.link_base = strdup("https://id.gs1.org");
    struct elem *grown = realloc(t->elems, (t->nelems + 1) * sizeof *grown);
    if (grown == NULL) {
        rc = perr(p, "out of memory");
        goto fail;
    }
    t->elems = grown;
    t->elems[t->nelems++] = e;
    return ENT_OK;
fail:
    free(e.content);
    free(e.cond);
    free(e.link_base);
    return rc;
}

static int template_line(struct parser *p, ent_label_template *t, bool *have_size)
{
    const char *kw = p->tok[0];
    if (strcmp(kw, "size") == 0) {
        if (p->ntok != 3)
            return perr(p, "size: expected 'size WIDTH HEIGHT' in millimetres");
        int rc = num_arg(p, 1, "width", &t->width);
        if (rc == ENT_OK)
            rc = num_arg(p, 2, "height", &t->height);
        if (rc != ENT_OK)
            return rc;
        if (t->width < 5 || t->height < 5 || t->width > 500 || t->height > 500)
            return perr(p, "size: %gx%g mm is not a label size (5 to 500 mm each way)", t->width, t->height);
        *have_size = true;
        return ENT_OK;
    }
    if (strcmp(kw, "template") == 0 || strcmp(kw, "font") == 0 || strcmp(kw, "zpl-font") == 0) {
        if (p->ntok != 2)
            return perr(p, "%s: expected one value", kw);
        if (*p->tok[1] == '\0')
            return perr(p, "%s: the name is empty", kw);
        char **dst = kw[0] == 't' ? &t->name : kw[0] == 'f' ? &t->font : &t->zpl_font;
        free(*dst);
        *dst = strdup(p->tok[1]);
        return ENT_OK;
    }
    if (strcmp(kw, "food") == 0) {
        if (p->ntok != 1)
            return perr(p, "food: a line of its own (a GB 7718 back label: what it needs follows the food_kind)");
        t->food = true;
        return ENT_OK;
    }
    if (strcmp(kw, "zpl-text") == 0) {
        if (p->ntok != 2 || (strcmp(p->tok[1], "graphic") != 0 && strcmp(p->tok[1], "font") != 0))
            return perr(p, "zpl-text: expected graphic (text drawn as graphics, the default) or font (the "
                           "printer's resident fonts)");
        t->zpl_text_font = strcmp(p->tok[1], "font") == 0;
        return ENT_OK;
    }
    if (strcmp(kw, "require") == 0) {
        if (p->ntok < 2)
            return perr(p, "require: name the fields, such as 'require importer expiry|production_date'");
        for (int i = 1; i < p->ntok; i++) {
            if (check_fields(p, p->tok[i], strlen(p->tok[i])) != ENT_OK)
                return ENT_INVALID;
            char **grown = realloc(t->require, (t->nrequire + 1) * sizeof *grown);
            if (grown == NULL)
                return perr(p, "out of memory");
            t->require = grown;
            t->require[t->nrequire++] = strdup(p->tok[i]);
        }
        return ENT_OK;
    }
    static const struct {
        const char *kw;
        enum elem_kind kind;
    } kinds[] = {{"text", EL_TEXT}, {"barcode", EL_BARCODE}, {"line", EL_LINE}, {"box", EL_BOX}, {"table", EL_TABLE}};
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        if (strcmp(kw, kinds[k].kw) == 0) {
            if (!*have_size)
                return perr(p, "%s before 'size WIDTH HEIGHT': give the label size first", kw);
            return parse_elem(p, t, kinds[k].kind);
        }
    }
    return perr(p, "unknown keyword '%s' (template, size, font, zpl-font, zpl-text, require, food, text, barcode, line, "
                   "box, table)",
                kw);
}

/* Calls fn for each line of text, with the tokens in p. */
static int each_line(struct parser *p, const char *text, int (*fn)(struct parser *, void *, bool *), void *obj,
                     bool *state)
{
    int rc = ENT_OK;
    const char *s = text;
    p->line = 0;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        p->line++;
        if (memchr(s, '\0', n) != NULL) {
            rc = perr(p, "contains a NUL byte");
            break;
        }
        if (n > MAX_LINE) {
            rc = perr(p, "the line is %zu bytes long, at most %d", n, MAX_LINE);
            break;
        }
        if (!ent_utf8_valid(s, n)) {
            rc = perr(p, "the line is not valid UTF-8 text (save the file as UTF-8)");
            break;
        }
        if ((rc = tokenize(p, s, n)) != ENT_OK)
            break;
        if (p->ntok > 0 && (rc = fn(p, obj, state)) != ENT_OK)
            break;
        s += n + (nl != NULL);
    }
    free_tokens(p);
    return rc;
}

static int template_line_cb(struct parser *p, void *obj, bool *state)
{
    return template_line(p, obj, state);
}

/* The name a file gives: its base name without extension. */
static char *base_name(const char *name)
{
    const char *b = strrchr(name, '/');
    b = b ? b + 1 : name;
    const char *dot = strrchr(b, '.');
    size_t n = dot && dot != b ? (size_t)(dot - b) : strlen(b);
    char *r = malloc(n + 1);
    if (r) {
        memcpy(r, b, n);
        r[n] = '\0';
    }
    return r;
}

int ent_label_template_parse(ent_label_template **out, const char *text, const char *name)
{
    struct parser p = {.name = name ? name : "template"};
    ent_label_template *t = calloc(1, sizeof *t);
    bool have_size = false;
    int rc;
    *out = NULL;
    ent_error_clear();
    if (t == NULL)
        return entx_label_error(ENT_ERROR, "out of memory");
    rc = each_line(&p, text, template_line_cb, t, &have_size);
    if (rc != ENT_OK)
        goto done;
    p.line = 0;
    if (!have_size) {
        rc = perr(&p, "no 'size WIDTH HEIGHT' line");
        goto done;
    }
    if (t->nelems == 0) {
        rc = perr(&p, "the template places nothing (no text, barcode, line or box)");
        goto done;
    }
    if ((rc = mark_legal(&p, t)) != ENT_OK)
        goto done;
    if ((rc = check_quiet_zones(&p, t)) != ENT_OK)
        goto done;
    if (t->name == NULL)
        t->name = base_name(p.name);
    if (t->zpl_font == NULL)
        t->zpl_font = strdup("E:ANMDS.TTF");
done:
    if (rc != ENT_OK) {
        ent_label_template_free(t);
        t = NULL;
    }
    *out = t;
    return rc;
}

void ent_label_template_free(ent_label_template *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->nelems; i++) {
        free(t->elems[i].content);
        free(t->elems[i].cond);
        free(t->elems[i].link_base);
    }
    for (size_t i = 0; i < t->nrequire; i++)
        free(t->require[i]);
    free(t->require);
    free(t->elems);
    free(t->name);
    free(t->font);
    free(t->zpl_font);
    free(t);
}

const char *ent_label_template_name(const ent_label_template *t)
{
    return t->name;
}

void ent_label_template_size(const ent_label_template *t, double *width_mm, double *height_mm)
{
    *width_mm = t->width;
    *height_mm = t->height;
}

/* Whether list (names separated by any of seps) contains name. */
static bool names_contain(const char *list, size_t len, const char *name, const char *seps)
{
    size_t n = strlen(name);
    const char *end = list + len;
    while (list < end) {
        size_t k = strcspn(list, seps);
        if (list + k > end)
            k = (size_t)(end - list);
        if (k == n && memcmp(list, name, n) == 0)
            return true;
        list += k + 1;
    }
    return false;
}

int ent_label_template_uses(const ent_label_template *t, const char *field)
{
    for (size_t i = 0; i < t->nrequire; i++)
        if (names_contain(t->require[i], strlen(t->require[i]), field, "|"))
            return 1;
    for (size_t i = 0; i < t->nelems; i++) {
        const struct elem *e = &t->elems[i];
        if (e->cond && strcmp(e->cond + (e->cond[0] == '!'), field) == 0)
            return 1;
        if (placeholders_name(e->content, field))
            return 1;
    }
    return 0;
}

/* Reads DIR/NAME.EXT, or NAME itself when it looks like a path. */
static int read_named(char **text, char **shown, const char *dir, const char *name, const char *ext)
{
    char path[4096];
    size_t elen = strlen(ext);
    size_t nlen = name ? strlen(name) : 0;
    FILE *f = NULL;
    int rc = ENT_OK;
    *text = NULL;
    *shown = NULL;
    if (nlen == 0) {
        return entx_label_error(ENT_INVALID, "no %s name given", ext + 1);
    }
    if (nlen + (dir ? strlen(dir) : 0) + elen + 2 > sizeof path) { /* would be cut: say so, not "no such file" */
        char shown_name[80];
        ent_text_clip(shown_name, sizeof shown_name, name, 60);
        return entx_label_error(ENT_INVALID, "%s: the %s name is too long (%zu bytes)", shown_name, ext + 1, nlen);
    }
    bool is_path = strchr(name, '/') != NULL || (nlen > elen && strcmp(name + nlen - elen, ext) == 0);
    if (is_path || dir == NULL || *dir == '\0')
        snprintf(path, sizeof path, "%s%s", name, is_path ? "" : ext);
    else
        snprintf(path, sizeof path, "%s/%s%s", dir, name, ext);
    char shown_path[300]; /* messages name the file, clipped so that the reason still shows */
    ent_text_clip(shown_path, sizeof shown_path, path, 240);
    f = fopen(path, "rb");
    if (f == NULL) {
        rc = errno == ENOENT ? ENT_NOTFOUND : errno == ENAMETOOLONG || errno == ENOTDIR ? ENT_INVALID : ENT_ERROR;
        if (rc == ENT_NOTFOUND && !is_path) /* a name mistyped: say it is the name (the path alone read as a fault) */
            entx_label_error(rc, "no %s named '%s' (%s: no such file)",
                             strcmp(ext, ".label") == 0 ? "label template" : "sheet", ENT_CLIP(name, 60), shown_path);
        else
            entx_label_error(rc, "%s: %s", shown_path, rc == ENT_NOTFOUND ? "no such file" : strerror(errno));
        goto done;
    }
    char *buf = malloc(MAX_FILE + 1);
    if (buf == NULL) {
        rc = entx_label_error(ENT_ERROR, "out of memory");
        goto done;
    }
    size_t n = fread(buf, 1, MAX_FILE + 1, f);
    if (ferror(f) || n > MAX_FILE) {
        bool folder = ferror(f) && errno == EISDIR; /* a mistake in the name, not an I/O failure */
        rc = ferror(f) && !folder ? ENT_ERROR : ENT_INVALID;
        entx_label_error(rc, "%s: %s", shown_path,
                       folder      ? "is a folder, not a file"
                       : ferror(f) ? "read error"
                                   : "larger than 1 MiB");
        free(buf);
        goto done;
    }
    buf[n] = '\0';
    const char *nul = memchr(buf, '\0', n);
    if (nul != NULL) { /* the parser would stop reading there without a word */
        int line = 1;
        for (const char *c = buf; c < nul; c++)
            line += *c == '\n';
        rc = entx_label_error(ENT_INVALID, "%s:%d: contains a NUL byte (not a text file?)", shown_path, line);
        free(buf);
        goto done;
    }
    *text = buf;
    *shown = strdup(path);
done:
    if (f)
        fclose(f);
    return rc;
}

int ent_label_template_load(ent_label_template **out, const char *dir, const char *name)
{
    char *text = NULL, *path = NULL;
    *out = NULL;
    int rc = read_named(&text, &path, dir, name, ".label");
    if (rc == ENT_OK) {
        rc = ent_label_template_parse(out, text, path);
        if (rc == ENT_OK && strcmp((*out)->name, path) == 0) {
            free((*out)->name);
            (*out)->name = base_name(path);
        }
    }
    free(text);
    free(path);
    return rc;
}

/* ---- sheets ------------------------------------------------------------- */

static int sheet_line(struct parser *p, void *obj, bool *seen)
{
    ent_label_sheet *s = obj;
    const char *kw = p->tok[0];
    int rc = ENT_OK;
    double a = 0, b = 0;
    if (strcmp(kw, "sheet") == 0) {
        if (p->ntok != 2 || *p->tok[1] == '\0')
            return perr(p, "sheet: expected one name");
        free(s->name);
        s->name = strdup(p->tok[1]);
        return ENT_OK;
    }
    if (strcmp(kw, "roll") == 0) {
        if (p->ntok != 1)
            return perr(p, "roll takes no values: one label per page, the page as big as the label");
        s->roll = true;
        return ENT_OK;
    }
    if (strcmp(kw, "page") != 0 && strcmp(kw, "labels") != 0 && strcmp(kw, "cell") != 0 &&
        strcmp(kw, "margin") != 0 && strcmp(kw, "gap") != 0)
        return perr(p, "unknown keyword '%s' (sheet, roll, page, labels, cell, margin, gap)", kw);
    if (p->ntok != 3)
        return perr(p, "%s: expected two numbers", kw);
    if ((rc = num_arg(p, 1, "the first value", &a)) != ENT_OK || (rc = num_arg(p, 2, "the second value", &b)) != ENT_OK)
        return rc;
    /* Pages and cells hold labels (5 to 500 mm, as templates); margins and
     * gaps may be 0. */
    bool sized = strcmp(kw, "page") == 0 || strcmp(kw, "cell") == 0;
    if (sized && (a < 5 || b < 5 || a > 2000 || b > 2000))
        return perr(p, "%s: %gx%g mm is not a %s size (5 to 2000 mm each way)", kw, a, b, kw);
    if (strcmp(kw, "page") == 0) {
        s->page_w = a;
        s->page_h = b;
        seen[0] = true;
    } else if (strcmp(kw, "labels") == 0) {
        if (a < 1 || b < 1 || a > 50 || b > 50 || a != (int)a || b != (int)b)
            return perr(p, "labels: whole numbers of columns and rows, 1 to 50");
        s->cols = (int)a;
        s->rows = (int)b;
        seen[1] = true;
    } else if (strcmp(kw, "cell") == 0) {
        s->cell_w = a;
        s->cell_h = b;
        seen[2] = true;
    } else if (strcmp(kw, "margin") == 0) {
        s->left = a;
        s->top = b;
    } else {
        s->gap_x = a;
        s->gap_y = b;
    }
    return ENT_OK;
}

int ent_label_sheet_parse(ent_label_sheet **out, const char *text, const char *name)
{
    struct parser p = {.name = name ? name : "sheet"};
    ent_label_sheet *s = calloc(1, sizeof *s);
    bool seen[3] = {false, false, false};
    int rc;
    *out = NULL;
    ent_error_clear();
    if (s == NULL)
        return entx_label_error(ENT_ERROR, "out of memory");
    rc = each_line(&p, text, sheet_line, s, seen);
    if (rc != ENT_OK)
        goto done;
    p.line = 0;
    if (s->roll) {
        if (seen[0] || seen[1] || seen[2]) {
            rc = perr(&p, "a roll has no page, labels or cell lines: its page is the label");
            goto done;
        }
        s->cols = s->rows = 1;
    } else {
        if (!seen[0] || !seen[1] || !seen[2]) {
            rc = perr(&p, "a sheet needs 'page W H', 'labels COLUMNS ROWS' and 'cell W H' (or 'roll')");
            goto done;
        }
        double right = s->left + s->cols * s->cell_w + (s->cols - 1) * s->gap_x;
        double bottom = s->top + s->rows * s->cell_h + (s->rows - 1) * s->gap_y;
        if (right > s->page_w + 0.05 || bottom > s->page_h + 0.05) {
            rc = perr(&p, "%d x %d labels of %gx%g mm with these margins and gaps need %.2fx%.2f mm, more "
                          "than the %gx%g mm page", s->cols, s->rows, s->cell_w, s->cell_h, right, bottom,
                      s->page_w, s->page_h);
            goto done;
        }
    }
    if (s->name == NULL)
        s->name = base_name(p.name);
done:
    if (rc != ENT_OK) {
        ent_label_sheet_free(s);
        s = NULL;
    }
    *out = s;
    return rc;
}

int ent_label_sheet_load(ent_label_sheet **out, const char *dir, const char *name)
{
    char *text = NULL, *path = NULL;
    *out = NULL;
    int rc = read_named(&text, &path, dir, name, ".sheet");
    if (rc == ENT_OK) {
        rc = ent_label_sheet_parse(out, text, path);
        if (rc == ENT_OK && strcmp((*out)->name, path) == 0) {
            free((*out)->name);
            (*out)->name = base_name(path);
        }
    }
    free(text);
    free(path);
    return rc;
}

void ent_label_sheet_free(ent_label_sheet *s)
{
    if (s == NULL)
        return;
    free(s->name);
    free(s);
}

int ent_label_sheet_per_page(const ent_label_sheet *s)
{
    return s == NULL || s->roll ? 1 : s->cols * s->rows;
}
