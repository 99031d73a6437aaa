/* ZPL II for Zebra-compatible thermal printers: the printer's own barcode
 * commands (it draws bars exactly on its dot grid); text as graphics (^GF)
 * drawn by the code that draws the PDF, or, in resident-font mode, UTF-8
 * text with ^CI28. Positions come from the same layout as the PDF, rounded
 * to dots. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "label_int.h"


struct zpl {
    FILE *f;
    double k; /* dots per mm */
};

static int dots(const struct zpl *z, double mm)
{
    return (int)(mm * z->k + 0.5);
}

/* Module sizes round down: a symbol a little smaller than its box still
 * scans, one that overlaps its neighbours may not. */
static int module_dots(const struct zpl *z, double mm)
{
    int m = (int)(mm * z->k);
    return m < 1 ? 1 : m;
}

/* Field data after ^FH: '^', '~' and the hex indicator '_' become _XX. */
static void field_hex(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '^' || *s == '~' || *s == '_')
            fprintf(f, "_%02X", (unsigned char)*s);
        else
            fputc(*s, f);
    }
}

static bool ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

static void zpl_font_text(const struct zpl *z, const ent_label_job *job, const struct out_text *t)
{
    double total = t->size * (1 + LINE_SPACING * (double)(t->nlines ? t->nlines - 1 : 0));
    double top = t->y + (t->valign == VA_MIDDLE ? (t->h - total) / 2 : t->valign == VA_BOTTOM ? t->h - total : 0);
    int h = dots(z, t->size);
    for (size_t i = 0; i < t->nlines; i++) {
        double x = t->x + (t->align == AL_CENTER ? (t->w - t->widths[i]) / 2
                           : t->align == AL_RIGHT ? t->w - t->widths[i] : 0);
        fprintf(z->f, "^FO%d,%d", dots(z, x), dots(z, top + (double)i * t->size * LINE_SPACING));
        /* Font 0 has Latin only; Chinese needs a TrueType font stored on the
         * printer (the template's zpl-font). */
        if (ascii(t->lines[i]))
            fprintf(z->f, "^A0N,%d,%d", h, h);
        else
            fprintf(z->f, "^A@N,%d,%d,%s", h, h, job->t->zpl_font);
        fputs("^FH^FD", z->f);
        field_hex(z->f, t->lines[i]);
        fputs("^FS\n", z->f);
    }
}

/* ZPL's compressed ASCII hex: a run of n equal hex digits as a repeat
 * count (G-Y for 1-19, g-z for 20-400 in steps of 20) and the digit. The
 * text goes to out, which has room for it (never more than the digits). */
static char *put_run(char *out, int n, char digit)
{
    while (n > 0) {
        int k = n > 419 ? 419 : n;
        n -= k;
        if (k >= 20)
            *out++ = (char)('f' + k / 20);
        if (k % 20 > 1 || (k % 20 == 1 && k > 1))
            *out++ = (char)('F' + k % 20);
        *out++ = digit;
    }
    return out;
}

static int nibble(const unsigned char *row, int i)
{
    return i % 2 ? row[i / 2] & 15 : row[i / 2] >> 4;
}

/* One row of nbytes bytes into out (room for 2 * nbytes + 1): ',' ends a
 * row whose rest is white, '!' one whose rest is black, ':' repeats the
 * previous row. Runs are followed a whole byte at a time where they can
 * be: most of a text's box is white. */
static char *put_row(char *out, const unsigned char *row, const unsigned char *prev, int nbytes)
{
    static const char hex[] = "0123456789ABCDEF";
    if (prev && memcmp(row, prev, (size_t)nbytes) == 0) {
        *out++ = ':';
        return out;
    }
    int n = 2 * nbytes, last = nbytes - 1;
    while (last >= 0 && row[last] == 0)
        last--;
    int end = last < 0 ? 0 : 2 * last + 2 - ((row[last] & 15) == 0);
    for (int i = 0; i < end;) {
        int d = nibble(row, i), j = i + 1;
        unsigned char both = (unsigned char)(d * 17); /* a byte of two such digits */
        for (;;) {
            if (j % 2 == 0 && j + 2 <= end && row[j / 2] == both)
                j += 2;
            else if (j < end && nibble(row, j) == d)
                j++;
            else
                break;
        }
        if (j == n && d == 15 && j - i > 1) {
            *out++ = '!';
            return out;
        }
        out = put_run(out, j - i, hex[d]);
        i = j;
    }
    if (end < n)
        *out++ = ',';
    return out;
}

/* Dots x0..x1 of a grey row as bits, first dot in the highest bit, a dot
 * black from half grey up; whether any is black. */
static bool pack_row(unsigned char *out, const unsigned char *grey, int x0, int x1)
{
    unsigned char any = 0;
    const unsigned char *g = grey + x0;
    int n = x1 - x0, full = n / 8;
    /* the top bit of a grey level is set from 128 up: eight dots a byte */
    for (int i = 0; i < full; i++, g += 8) {
        uint64_t eight;
        memcpy(&eight, g, sizeof eight);
        if ((eight & 0x8080808080808080u) == 0) { /* eight white dots: most of a box */
            out[i] = 0;
            continue;
        }
        unsigned char b = (unsigned char)((g[0] & 0x80) | (g[1] & 0x80) >> 1 | (g[2] & 0x80) >> 2 |
                                          (g[3] & 0x80) >> 3 | (g[4] & 0x80) >> 4 | (g[5] & 0x80) >> 5 |
                                          (g[6] & 0x80) >> 6 | (g[7] & 0x80) >> 7);
        out[i] = b;
        any |= b;
    }
    if (n % 8) {
        unsigned char b = 0;
        for (int k = 0; k < n % 8; k++)
            b |= (unsigned char)((g[k] & 0x80) >> k);
        out[full] = b;
        any |= b;
    }
    return any != 0;
}

/* The lines as a comment, so that a print job shows what it prints (^ and
 * ~ would end it). */
static void put_comment(FILE *f, const struct out_text *t)
{
    for (size_t i = 0; i < t->nlines; i++) {
        fputs("^FX", f);
        for (const char *c = t->lines[i]; *c;) {
            size_t n = strcspn(c, "^~");
            fwrite(c, 1, n, f);
            c += n;
            if (*c) {
                fputc(' ', f);
                c++;
            }
        }
        fputc('\n', f);
    }
}

/* The dots of text item t's box, rounded out to whole dots, on the label. */
static void text_dots(const struct zpl *z, const struct out_text *t, int wdots, int hdots, int r[4])
{
    r[0] = (int)floor(t->x * z->k), r[2] = (int)ceil((t->x + t->w) * z->k);
    r[1] = (int)floor(t->y * z->k), r[3] = (int)ceil((t->y + t->h) * z->k);
    r[0] = r[0] < 0 ? 0 : r[0], r[1] = r[1] < 0 ? 0 : r[1];
    r[2] = r[2] > wdots ? wdots : r[2], r[3] = r[3] > hdots ? hdots : r[3];
}

/* Text item t as one ^GF of the dots of its box, without its blank rows
 * above and below, in a new string (*len bytes; "" when it has no ink);
 * NULL when out of memory. */
static char *graphic_text(const int r[4], const unsigned char *grey, int stride, size_t *len)
{
    int x0 = r[0], y0 = r[1], x1 = r[2], y1 = r[3];
    *len = 0;
    if (x1 <= x0 || y1 <= y0)
        return calloc(1, 1);
    int nbytes = (x1 - x0 + 7) / 8, first = -1, last = -1;
    size_t nrows = (size_t)(y1 - y0);
    unsigned char *rows = malloc((size_t)nbytes * nrows);
    char *text = malloc((2 * (size_t)nbytes + 1) * nrows + 64), *end = text;
    if (rows == NULL || text == NULL) {
        free(rows);
        free(text);
        return NULL;
    }
    for (int y = y0; y < y1; y++) {
        if (pack_row(rows + (size_t)(y - y0) * (size_t)nbytes, grey + (size_t)y * (size_t)stride, x0, x1)) {
            first = first < 0 ? y - y0 : first;
            last = y - y0;
        }
    }
    if (first >= 0) {
        int total = nbytes * (last - first + 1);
        end += sprintf(end, "^FO%d,%d^GFA,%d,%d,%d,", x0, y0 + first, total, total, nbytes);
        for (int k = first; k <= last; k++) {
            const unsigned char *row = rows + (size_t)k * (size_t)nbytes;
            end = put_row(end, row, k > first ? row - nbytes : NULL, nbytes);
        }
        end += sprintf(end, "^FS\n");
    }
    *end = '\0';
    *len = (size_t)(end - text);
    free(rows);
    return text;
}

/* Graphics already made in this job, by what they draw: store names,
 * origins, units and clerks repeat from label to label, and drawing and
 * encoding them again was most of the time of a large job. */
#define GF_SLOTS 4096
struct gf_slot {
    char *key;
    char *zpl;
    size_t len;
};

/* What decides a text item's dots: its box, size, style and lines. */
static char *text_key(const struct out_text *t, uint64_t *hash)
{
    size_t n = 128;
    for (size_t i = 0; i < t->nlines; i++)
        n += strlen(t->lines[i]) + 1;
    char *key = malloc(n), *k = key;
    if (key == NULL)
        return NULL;
    k += sprintf(k, "%.6f %.6f %.6f %.6f %.6f %d %d %d", t->x, t->y, t->w, t->h, t->size, (int)t->bold,
                 (int)t->align, (int)t->valign);
    for (size_t i = 0; i < t->nlines; i++)
        k += sprintf(k, "\n%s", t->lines[i]);
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (const char *c = key; *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211u;
    *hash = h;
    return key;
}

/* Whether text item i's box meets another's: its dots could then hold
 * some of the other's ink, and it is not kept. */
static bool meets_other_text(const struct zpl *z, const struct out_label *l, size_t i, int wdots, int hdots)
{
    int a[4], b[4];
    text_dots(z, &l->items[i].u.text, wdots, hdots, a);
    for (size_t j = 0; j < l->nitems; j++) {
        if (j == i || l->items[j].kind != EL_TEXT)
            continue;
        text_dots(z, &l->items[j].u.text, wdots, hdots, b);
        if (a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3])
            return true;
    }
    return false;
}

struct text_plan {
    struct gf_slot *slot; /* where the item's graphic is or goes, NULL: not kept */
    char *key;            /* the new key when it goes there */
    bool hit;
};

static void plan_texts(const struct zpl *z, struct gf_slot *cache, const struct out_label *l, int wdots, int hdots,
                       struct text_plan *plan, bool *draw)
{
    for (size_t i = 0; i < l->nitems; i++) {
        plan[i] = (struct text_plan){0};
        draw[i] = l->items[i].kind == EL_TEXT;
        if (!draw[i] || cache == NULL || meets_other_text(z, l, i, wdots, hdots))
            continue;
        uint64_t h;
        char *key = text_key(&l->items[i].u.text, &h);
        if (key == NULL)
            continue;
        plan[i].slot = &cache[h % GF_SLOTS];
        if (plan[i].slot->key && strcmp(plan[i].slot->key, key) == 0) {
            plan[i].hit = true;
            draw[i] = false;
            free(key);
        } else {
            plan[i].key = key;
        }
    }
}

static int zpl_text(const struct zpl *z, ent_label_job *job, const struct out_label *l, struct gf_slot *cache)
{
    const unsigned char *bits = NULL;
    int stride = 0, rc = ENT_OK, wdots = dots(z, job->t->width), hdots = dots(z, job->t->height);
    bool any = false;
    for (size_t i = 0; i < l->nitems && !any; i++)
        any = l->items[i].kind == EL_TEXT;
    if (!any)
        return ENT_OK;
    if (job->zpl_font_text) {
        for (size_t i = 0; i < l->nitems; i++)
            if (l->items[i].kind == EL_TEXT)
                zpl_font_text(z, job, &l->items[i].u.text);
        return ENT_OK;
    }
    struct text_plan *plan = calloc(l->nitems, sizeof *plan);
    bool *draw = calloc(l->nitems, sizeof *draw);
    if (plan == NULL || draw == NULL) {
        rc = entx_label_fail(job, ENT_ERROR, "out of memory");
        goto done;
    }
    plan_texts(z, cache, l, wdots, hdots, plan, draw);
    any = false;
    for (size_t i = 0; i < l->nitems && !any; i++)
        any = draw[i];
    if (any && (rc = entx_label_text_bitmap(job, l, draw, z->k, &bits, &stride)) != ENT_OK)
        goto done;
    for (size_t i = 0; i < l->nitems; i++) {
        if (l->items[i].kind != EL_TEXT)
            continue;
        put_comment(z->f, &l->items[i].u.text);
        struct gf_slot *slot = plan[i].slot;
        if (plan[i].hit) {
            fwrite(slot->zpl, 1, slot->len, z->f);
            continue;
        }
        int r[4];
        size_t len;
        text_dots(z, &l->items[i].u.text, wdots, hdots, r);
        char *gf = graphic_text(r, bits, stride, &len);
        if (gf == NULL) {
            rc = entx_label_fail(job, ENT_ERROR, "out of memory");
            goto done;
        }
        fwrite(gf, 1, len, z->f);
        if (slot) { /* the slot's last graphic gives way */
            free(slot->key);
            free(slot->zpl);
            *slot = (struct gf_slot){plan[i].key, gf, len};
            plan[i].key = NULL;
        } else {
            free(gf);
        }
    }
done:
    for (size_t i = 0; plan && i < l->nitems; i++)
        free(plan[i].key);
    free(plan);
    free(draw);
    return rc;
}

/* East Asian wide characters (CJK, kana, hangul, full-width forms) take a
 * whole em in any font; others 0.6 em, as in Andale Mono, the face of the
 * printer fonts ANMDS.TTF and its kin. Only an estimate: the printer's font
 * cannot be measured from here, which is why graphics are the default. */
static double em_estimate(const char *s)
{
    double em = 0;
    int len;
    for (; *s; s += len)
        em += ent_text_cells(s, &len) == 2 ? 1.0 : 0.6;
    return em;
}

int entx_label_zpl_font_check(ent_label_job *job, const struct out_text *t, const char *who, int line)
{
    for (size_t i = 0; i < t->nlines; i++) {
        /* Latin-only lines print in font 0, a condensed face narrower than
         * the one they were measured with: they fit. */
        if (ascii(t->lines[i]))
            continue;
        double w = em_estimate(t->lines[i]) * t->size;
        if (w > t->w + 0.01)
            return entx_label_fail(job, ENT_INVALID, "%s: text \"%s\" (%s line %d) would be about %.1f mm wide in the "
                                   "printer's font, wider than its %g mm box: print the text as graphics "
                                   "(zpl-text graphic)", who, ENT_CLIP(t->lines[i], 40), job->t->name, line, w, t->w);
    }
    return ENT_OK;
}

/* The printer draws a symbol from its first bar (no quiet zone) with
 * modules of whole dots, at most the layout's: the smaller symbol goes
 * where the layout's is centred, so that its quiet zones stay inside the
 * barcode's box, which the template keeps clear. */
static void symbol_origin(const struct zpl *z, const struct out_barcode *bc, int m, double *x, double *y)
{
    double x0 = bc->x + bc->w, y0 = bc->y + bc->h, x1 = bc->x, y1 = bc->y;
    for (size_t i = 0; i < bc->nrects; i++) {
        const struct rect *r = &bc->rects[i];
        x0 = r->x < x0 ? r->x : x0;
        y0 = r->y < y0 ? r->y : y0;
        x1 = r->x + r->w > x1 ? r->x + r->w : x1;
        y1 = r->y + r->h > y1 ? r->y + r->h : y1;
    }
    if (bc->nrects == 0 || bc->module <= 0) {
        *x = bc->x, *y = bc->y;
        return;
    }
    double ratio = m / z->k / bc->module;
    bool linear = bc->sym != SYM_GS1_DATAMATRIX && bc->sym != SYM_DATAMATRIX && bc->sym != SYM_QR &&
                  bc->sym != SYM_GS1_QR_LINK;
    *x = (x0 + x1) / 2 - (x1 - x0) * ratio / 2;
    *y = linear ? y0 : (y0 + y1) / 2 - (y1 - y0) * ratio / 2;
}

static int zpl_barcode(const struct zpl *z, ent_label_job *job, const struct out_barcode *bc)
{
    int m = module_dots(z, bc->module);
    char buf[512];
    int barh = dots(z, bc->bar_h);
    char hrt = bc->nhrts ? 'Y' : 'N';
    double x, y;
    symbol_origin(z, bc, m, &x, &y);
    fprintf(z->f, "^FO%d,%d", dots(z, x), dots(z, y));
    switch (bc->sym) {
    case SYM_EAN13: /* the printer adds the check digit: send the first 12 */
        fprintf(z->f, "^BY%d^BEN,%d,%c,N^FD%.12s^FS\n", m, barh, hrt, bc->data);
        break;
    case SYM_EAN8:
        fprintf(z->f, "^BY%d^B8N,%d,%c,N^FD%.7s^FS\n", m, barh, hrt, bc->data);
        break;
    case SYM_UPCA:
        fprintf(z->f, "^BY%d^BUN,%d,%c,N,Y^FD%.11s^FS\n", m, barh, hrt, bc->data);
        break;
    case SYM_CODE128: /* mode A: the printer picks subsets */
        fprintf(z->f, "^BY%d^BCN,%d,%c,N,N,A^FH^FD", m, barh, hrt);
        field_hex(z->f, bc->data);
        fputs("^FS\n", z->f);
        break;
    case SYM_GS1_128: /* mode D: (AI) in parentheses, the printer places FNC1 */
        if (entx_label_gs1_zpl(buf, sizeof buf, bc->data, true) != ENT_OK)
            return entx_label_fail(job, ENT_INVALID, "ZPL: %s", ent_error_last()->message);
        fprintf(z->f, "^BY%d^BCN,%d,%c,N,N,D^FD%s^FS\n", m, barh, hrt, buf);
        break;
    case SYM_GS1_DATAMATRIX: /* ECC 200 with '_' as escape: _1 is FNC1 */
        if (strchr(bc->data, '_'))
            return entx_label_fail(job, ENT_INVALID, "ZPL: GS1 DataMatrix data '%s' contains '_', the escape character",
                              bc->data);
        if (entx_label_gs1_zpl(buf, sizeof buf, bc->data, false) != ENT_OK)
            return entx_label_fail(job, ENT_INVALID, "ZPL: %s", ent_error_last()->message);
        fprintf(z->f, "^BXN,%d,200,0,0,6,_^FD%s^FS\n", m, buf);
        break;
    case SYM_DATAMATRIX: /* '~' is ^BX's escape character: the layout refused data with one */
        fprintf(z->f, "^BXN,%d,200,0,0,6^FH^FD", m);
        field_hex(z->f, bc->data);
        fputs("^FS\n", z->f);
        break;
    case SYM_QR:
    case SYM_GS1_QR_LINK: /* model 2, error correction M, automatic input mode */
        fprintf(z->f, "^BQN,2,%d^FH^FDMA,", m > 10 ? 10 : m);
        field_hex(z->f, bc->data);
        fputs("^FS\n", z->f);
        break;
    }
    return ENT_OK;
}

static int zpl_label(const struct zpl *z, ent_label_job *job, const struct out_label *l, struct gf_slot *cache)
{
    fprintf(z->f, "^XA\n^CI28\n^PW%d\n^LL%d\n^LH0,0\n", dots(z, job->t->width), dots(z, job->t->height));
    if (zpl_text(z, job, l, cache) != ENT_OK)
        return ENT_ERROR;
    for (size_t i = 0; i < l->nitems; i++) {
        const struct out_item *it = &l->items[i];
        int t = dots(z, it->kind == EL_TEXT || it->kind == EL_BARCODE ? 0 : it->u.geom.stroke);
        if (t < 1)
            t = 1;
        switch (it->kind) {
        case EL_TEXT: break; /* all of it above */
        case EL_BARCODE:
            if (zpl_barcode(z, job, &it->u.bc) != ENT_OK)
                return ENT_INVALID;
            break;
        case EL_LINE: {
            double x = it->u.geom.x, y = it->u.geom.y, w = it->u.geom.w, h = it->u.geom.h;
            if (w < 0)
                x += w, w = -w;
            if (h < 0)
                y += h, h = -h;
            if (dots(z, w) == 0 || dots(z, h) == 0)
                fprintf(z->f, "^FO%d,%d^GB%d,%d,%d^FS\n", dots(z, x), dots(z, y), dots(z, w) > t ? dots(z, w) : t,
                        dots(z, h) > t ? dots(z, h) : t, t);
            else /* diagonal: R leans right (up to the right), L the other way */
                fprintf(z->f, "^FO%d,%d^GD%d,%d,%d,B,%c^FS\n", dots(z, x), dots(z, y), dots(z, w), dots(z, h), t,
                        (it->u.geom.w > 0) == (it->u.geom.h > 0) ? 'L' : 'R');
            break;
        }
        case EL_BOX: {
            int w = dots(z, it->u.geom.w), h = dots(z, it->u.geom.h);
            if (it->u.geom.fill)
                t = w < h ? w : h;
            fprintf(z->f, "^FO%d,%d^GB%d,%d,%d^FS\n", dots(z, it->u.geom.x), dots(z, it->u.geom.y), w, h, t);
            break;
        }
        case EL_TABLE: break; /* laid out as text, lines and a box */
        }
    }
    fprintf(z->f, "^PQ%d\n^XZ\n", l->copies);
    return ENT_OK;
}

int entx_label_write_zpl(ent_label_job *job, FILE *f)
{
    struct zpl z = {f, job->opt.dpi / 25.4};
    int rc = ENT_OK;
    /* Without memory for it, every graphic is simply made afresh. */
    struct gf_slot *cache = job->zpl_font_text ? NULL : calloc(GF_SLOTS, sizeof *cache);
    for (size_t i = 0; i < job->nlabels && rc == ENT_OK; i++)
        rc = zpl_label(&z, job, &job->labels[i], cache);
    for (size_t i = 0; cache && i < GF_SLOTS; i++) {
        free(cache[i].key);
        free(cache[i].zpl);
    }
    free(cache);
    if (rc == ENT_OK && ferror(f))
        rc = entx_label_fail(job, ENT_ERROR, "writing the ZPL failed");
    return rc;
}
