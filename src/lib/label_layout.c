/* Print jobs: each label is checked and laid out when it is added (fields,
 * barcodes, text fitted to its box), and placed on pages by the sheet. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "label_int.h"
#include "entrepot/money.h"
#include "entrepot/scan.h"

#define SIZE_STEP 0.5    /* points: how finely text is shrunk to fit */

int entx_label_error(int code, const char *fmt, ...)
{
    char msg[ENT_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ent_error_set(code, msg);
}

int entx_label_fail(ent_label_job *job, int code, const char *fmt, ...)
{
    char msg[ENT_MSG_MAX];
    va_list ap;
    (void)job; /* the words are the calling thread's, not the job's: one job may serve several threads in turn */
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ent_error_set(code, msg);
}

int ent_label_job_new(ent_label_job **out, const ent_label_template *t, const ent_label_options *o)
{
    ent_label_job *job = calloc(1, sizeof *job);
    int rc = ENT_OK;
    *out = NULL;
    ent_error_clear();
    if (job == NULL)
        return entx_label_error(ENT_ERROR, "out of memory");
    job->t = t;
    job->opt = *o;
    if (job->opt.dpi == 0)
        job->opt.dpi = o->format == ENT_LABEL_ZPL ? 203 : 300;
    if (o->format == ENT_LABEL_ZPL) {
        if (job->opt.dpi != 203 && job->opt.dpi != 300) {
            rc = entx_label_error(ENT_INVALID, "ZPL printers print at 203 or 300 dpi, not %d", job->opt.dpi);
            goto done;
        }
        if (o->zpl_text != ENT_LABEL_ZPL_TEXT_TEMPLATE && o->zpl_text != ENT_LABEL_ZPL_TEXT_GRAPHIC &&
            o->zpl_text != ENT_LABEL_ZPL_TEXT_FONT) {
            rc = entx_label_error(ENT_INVALID, "unknown way of printing ZPL text (%d)", (int)o->zpl_text);
            goto done;
        }
        job->zpl_font_text = o->zpl_text == ENT_LABEL_ZPL_TEXT_FONT ||
                             (o->zpl_text == ENT_LABEL_ZPL_TEXT_TEMPLATE && t->zpl_text_font);
        if (o->sheet && !o->sheet->roll) {
            rc = entx_label_error(ENT_INVALID, "ZPL prints one label at a time on a roll: sheet '%s' does not apply",
                                o->sheet->name);
            goto done;
        }
    } else if (job->opt.dpi < 72 || job->opt.dpi > 1200) {
        rc = entx_label_error(ENT_INVALID, "resolution %d dpi: choose 72 to 1200", job->opt.dpi);
        goto done;
    }
    /* Text is measured with the same font for every format, so that a label
     * that fits in the PDF preview fits on the thermal printer too. */
    rc = entx_label_font_pick(job, o->font ? o->font : t->font);
done:
    if (rc != ENT_OK) {
        ent_label_job_free(job);
        job = NULL;
    }
    *out = job;
    return rc;
}

static void free_label_text(struct out_text *t)
{
    for (size_t k = 0; k < t->nlines; k++)
        free(t->lines[k]);
    free(t->lines);
    free(t->widths);
    memset(t, 0, sizeof *t);
}

static void free_label(struct out_label *l)
{
    for (size_t i = 0; i < l->nitems; i++) {
        struct out_item *it = &l->items[i];
        if (it->kind == EL_TEXT) {
            free_label_text(&it->u.text);
        } else if (it->kind == EL_BARCODE) {
            entx_label_barcode_clear(&it->u.bc);
        }
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

void ent_label_job_free(ent_label_job *job)
{
    if (job == NULL)
        return;
    for (size_t i = 0; i < job->nlabels; i++)
        free_label(&job->labels[i]);
    free(job->labels);
    entx_label_measure_free(job);
    free(job);
}

size_t ent_label_job_labels(const ent_label_job *job)
{
    return job->total;
}

size_t entx_label_per_page(const ent_label_job *job)
{
    return (size_t)ent_label_sheet_per_page(job->opt.sheet);
}

size_t ent_label_job_pages(const ent_label_job *job)
{
    size_t per = entx_label_per_page(job);
    return (job->total + per - 1) / per;
}

void entx_label_page_size(const ent_label_job *job, double *w, double *h)
{
    const ent_label_sheet *s = job->opt.sheet;
    if (s == NULL || s->roll) {
        *w = job->t->width;
        *h = job->t->height;
    } else {
        *w = s->page_w;
        *h = s->page_h;
    }
}

void entx_label_place(const ent_label_job *job, size_t *page, double *x, double *y, double *scale, size_t i)
{
    const ent_label_sheet *s = job->opt.sheet;
    size_t per = entx_label_per_page(job);
    *page = i / per;
    if (s == NULL || s->roll) {
        *x = *y = 0;
        *scale = 1;
        return;
    }
    size_t k = i % per;
    int col = (int)(k % (size_t)s->cols), row = (int)(k / (size_t)s->cols);
    double sx = s->cell_w / job->t->width, sy = s->cell_h / job->t->height;
    /* A label larger than the cell is shrunk evenly to fit it (a 60x40 shelf
     * label on a 38.1 mm high Avery cell); a smaller one is centred. */
    *scale = sx < sy ? sx : sy;
    if (*scale > 1)
        *scale = 1;
    *x = s->left + col * (s->cell_w + s->gap_x) + (s->cell_w - job->t->width * *scale) / 2;
    *y = s->top + row * (s->cell_h + s->gap_y) + (s->cell_h - job->t->height * *scale) / 2;
}

/* ---- text fitting ------------------------------------------------------- */

static size_t utf8_len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
    for (size_t i = 1; i < n; i++)
        if (s[i] == '\0')
            return i;
    return n;
}

/* The code point at s (UTF-8 the parser checked); 0 at the end. */
static unsigned utf8_cp(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = utf8_len(s);
    unsigned cp = n == 1 ? u[0] : n == 2 ? u[0] & 0x1fu : n == 3 ? u[0] & 0x0fu : u[0] & 0x07u;
    for (size_t i = 1; i < n; i++)
        cp = (cp << 6) | (u[i] & 0x3fu);
    return cp;
}

static bool cp_in(unsigned cp, const unsigned *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == cp)
            return true;
    return false;
}

/* Kinsoku (禁则): closing punctuation may not begin a line, opening brackets
 * may not end one; a break there moves back to the previous opportunity. */
static bool no_line_start(const char *s)
{
    static const unsigned closing[] = {',',    '.',    ';',    ':',    '!',    '?',    ')',    ']',    '}',
                                       '%',    0x3001, 0x3002, 0xff0c, 0xff0e, 0xff1a, 0xff1b, 0xff01, 0xff1f,
                                       0xff09, 0xff3d, 0xff5d, 0x300b, 0x3009, 0x300d, 0x300f, 0x3011, 0x3015,
                                       0x3017, 0x3019, 0x301b, 0x201d, 0x2019, 0x2026, 0x2025, 0x30fb, 0xff05,
                                       0xff5e, 0x3005, 0x30fc, 0x00b7, 0x2103, 0x2109, 0x00b0};
    return cp_in(utf8_cp(s), closing, sizeof closing / sizeof *closing);
}

static bool no_line_end(const char *s)
{
    static const unsigned opening[] = {'(',    '[',    '{',    0xff08, 0xff3b, 0xff5b, 0x300a, 0x3008, 0x300c,
                                       0x300e, 0x3010, 0x3014, 0x3016, 0x3018, 0x301a, 0x201c, 0x2018};
    return cp_in(utf8_cp(s), opening, sizeof opening / sizeof *opening);
}

struct lines {
    char **v;
    double *w;
    size_t n;
};

static void lines_free(struct lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    free(l->w);
    memset(l, 0, sizeof *l);
}

static int lines_push(struct lines *l, const char *s, size_t n, double w)
{
    char **v = realloc(l->v, (l->n + 1) * sizeof *v);
    double *ws = v ? realloc(l->w, (l->n + 1) * sizeof *ws) : NULL;
    if (v)
        l->v = v;
    if (ws == NULL)
        return ENT_ERROR;
    l->w = ws;
    l->v[l->n] = malloc(n + 1);
    if (l->v[l->n] == NULL)
        return ENT_ERROR;
    memcpy(l->v[l->n], s, n);
    l->v[l->n][n] = '\0';
    l->w[l->n++] = w;
    return ENT_OK;
}

/*
 * Breaks text into lines no wider than width at size: greedy, breaking
 * between any two CJK characters or at a space in Latin text, never before
 * closing or after opening punctuation; "\n" in the content forces a break.
 * Returns ENT_INVALID when a single word is wider than the box, unless
 * force is set: then the word is broken where the line is full.
 */
struct wrap_how {
    double size, width; /* mm */
    bool bold;
    bool wrap;  /* false: one line per paragraph, refused when too wide */
    bool force; /* break a word too wide for the box where the line is full */
};

static int wrap_text(ent_label_job *job, struct lines *out, const char *text, const struct wrap_how *how)
{
    char *buf = malloc(strlen(text) + 1);
    int rc = ENT_OK;
    double w, asc;
    if (buf == NULL)
        return ENT_ERROR;
    const char *s = text;
    while (rc == ENT_OK) {
        size_t para = strcspn(s, "\n");
        if (!how->wrap) {
            memcpy(buf, s, para);
            buf[para] = '\0';
            if ((rc = entx_label_measure_text(job, &w, &asc, buf, how->size, how->bold)) != ENT_OK)
                break;
            rc = w > how->width ? ENT_INVALID : lines_push(out, buf, para, w);
        } else {
            /* Grow the line a character at a time and remember the last
             * place it could break. */
            size_t start = 0;
            while (rc == ENT_OK && start < para) {
                size_t i = start, brk = 0;
                double brk_w = 0, last_w = 0;
                while (start < para && s[start] == ' ')
                    start++;
                i = start;
                while (i < para) {
                    size_t cl = utf8_len(s + i);
                    memcpy(buf, s + start, i + cl - start);
                    buf[i + cl - start] = '\0';
                    if ((rc = entx_label_measure_text(job, &w, &asc, buf, how->size, how->bold)) != ENT_OK)
                        break;
                    if (w > how->width)
                        break;
                    last_w = w;
                    i += cl;
                    bool cjk = (unsigned char)s[i - cl] >= 0xe3;
                    bool kinsoku = i < para && s[i] != ' ' && (no_line_start(s + i) || no_line_end(s + i - cl));
                    if (i == para || s[i] == ' ' || ((cjk || (unsigned char)s[i] >= 0xe3) && !kinsoku)) {
                        brk = i;
                        brk_w = w;
                    }
                }
                if (rc != ENT_OK)
                    break;
                if (i == start) {
                    rc = ENT_INVALID; /* not even one character fits */
                    break;
                }
                if (i < para && brk > start) {
                    i = brk;
                    last_w = brk_w;
                } else if (i < para && !how->force) {
                    rc = ENT_INVALID; /* a word longer than the line */
                    break;
                }
                size_t end = i;
                while (end > start && s[end - 1] == ' ')
                    end--;
                rc = lines_push(out, s + start, end - start, last_w);
                start = i;
            }
        }
        if (s[para] == '\0')
            break;
        s += para + 1;
    }
    free(buf);
    return rc;
}

static void set_text(struct out_text *ot, const struct elem *e, double size, double ascent, struct lines *l)
{
    ot->x = e->x, ot->y = e->y, ot->w = e->w, ot->h = e->h;
    ot->size = size;
    ot->ascent = ascent;
    ot->bold = e->bold;
    ot->align = e->align;
    ot->valign = e->valign;
    ot->lines = l->v;
    ot->widths = l->w;
    ot->nlines = l->n;
    memset(l, 0, sizeof *l);
}

/* Lines of size (mm) that the element's box holds. */
static size_t lines_that_fit(const struct elem *e, double size)
{
    if (size > e->h + 0.01)
        return 0;
    return 1 + (size_t)((e->h + 0.01 - size) / (size * LINE_SPACING));
}

/* Shortens line k of l until it and an ellipsis fit width, whole characters only. */
static int cut_line(ent_label_job *job, struct lines *l, size_t k, double size, bool bold, double width)
{
    static const char ell[] = "…";
    char *line = l->v[k];
    size_t n = strlen(line);
    char *buf = malloc(n + sizeof ell);
    double w = 0, asc;
    int rc = ENT_OK;
    if (buf == NULL)
        return ENT_ERROR;
    while (rc == ENT_OK) {
        while (n > 0 && line[n - 1] == ' ')
            n--;
        memcpy(buf, line, n);
        memcpy(buf + n, ell, sizeof ell);
        if ((rc = entx_label_measure_text(job, &w, &asc, buf, size, bold)) != ENT_OK || w <= width || n == 0)
            break;
        do /* back one whole character, never half of one */
            n--;
        while (n > 0 && ((unsigned char)line[n] & 0xc0) == 0x80);
    }
    if (rc == ENT_OK) {
        free(l->v[k]);
        l->v[k] = buf;
        l->w[k] = w;
    } else {
        free(buf);
    }
    return rc;
}

/* The last resort for text the law does not require: at size, the lines the
 * box holds, the last one (and any too wide) cut with an ellipsis. */
static int cut_text(ent_label_job *job, const struct elem *e, const char *text, double size, struct out_text *ot,
                    const char *who)
{
    struct lines l = {0};
    double asc = 0, w;
    size_t keep = lines_that_fit(e, size);
    int rc = ENT_OK;
    if (e->wrap) {
        rc = wrap_text(job, &l, text,
                       &(struct wrap_how){.size = size, .width = e->w, .bold = e->bold, .wrap = true, .force = true});
    } else { /* one line per paragraph, as written */
        for (const char *s = text; rc == ENT_OK;) {
            size_t n = strcspn(s, "\n");
            rc = lines_push(&l, s, n, e->w + 1); /* measured when cut below */
            if (s[n] == '\0')
                break;
            s += n + 1;
        }
    }
    bool dropped = l.n > keep;
    while (rc == ENT_OK && l.n > keep)
        free(l.v[--l.n]);
    for (size_t k = 0; k < l.n && rc == ENT_OK; k++) {
        if (!e->wrap && (rc = entx_label_measure_text(job, &l.w[k], &asc, l.v[k], size, e->bold)) != ENT_OK)
            break;
        if (l.w[k] > e->w || (dropped && k == l.n - 1))
            rc = cut_line(job, &l, k, size, e->bold, e->w);
    }
    if (rc == ENT_OK && l.n > 0) {
        entx_label_measure_text(job, &w, &asc, "", size, e->bold);
        set_text(ot, e, size, asc, &l);
        return ENT_OK;
    }
    lines_free(&l);
    if (rc == ENT_ERROR)
        return entx_label_fail(job, ENT_ERROR, "%s", *ent_error_last()->message ? ent_error_last()->message : "out of memory");
    char shown[128];
    ent_text_clip(shown, sizeof shown, text, 80);
    return entx_label_fail(job, ENT_INVALID, "%s: text \"%s\" (%s line %d): not one character fits its %gx%g mm box", who,
                      shown, job->t->name, e->line, e->w, e->h);
}

/*
 * Fits text into the element's box by its rule: shrink (down to min), wrap
 * (more lines, shrinking too) or ellipsis (cut at its size). Text the law
 * requires is never cut: when it does not fit at min, the label is refused.
 * Other text is cut at min rather than lose the whole label.
 */
static int fit_text(ent_label_job *job, const struct elem *e, const char *text, struct out_text *ot, const char *who)
{
    struct lines l = {0};
    double asc = 0, w;
    if (e->fit == FIT_ELLIPSIS) { /* its size, or the largest that one line of the box holds */
        double pt = e->size;
        while (pt - SIZE_STEP >= e->min - 1e-9 && pt * PT_MM > e->h + 0.01)
            pt -= SIZE_STEP;
        return cut_text(job, e, text, pt * PT_MM, ot, who);
    }
    for (double pt = e->size; pt >= e->min - 1e-9; pt -= SIZE_STEP) {
        double size = pt * PT_MM;
        lines_free(&l);
        int rc =
            wrap_text(job, &l, text, &(struct wrap_how){.size = size, .width = e->w, .bold = e->bold, .wrap = e->wrap});
        if (rc == ENT_ERROR) {
            lines_free(&l);
            return entx_label_fail(job, ENT_ERROR, "%s", *ent_error_last()->message ? ent_error_last()->message : "out of memory");
        }
        if (rc == ENT_OK && l.n <= lines_that_fit(e, size)) {
            entx_label_measure_text(job, &w, &asc, "", size, e->bold);
            set_text(ot, e, size, asc, &l);
            return ENT_OK;
        }
    }
    lines_free(&l);
    if (!e->legal)
        return cut_text(job, e, text, e->min * PT_MM, ot, who);
    return entx_label_fail(job, ENT_INVALID, "%s: text \"%s\" (%s line %d) does not fit its %gx%g mm box even at %g pt", who,
                      ENT_CLIP(text, 40), job->t->name, e->line, e->w, e->h, e->min);
}

/* Whether a drink is exempt from the shelf life (GB 7718-2011 4.3.1: 酒精度
 * 大于等于10%的饮料酒): its abv ("13.5%vol") is 10.00 or more. */
static bool shelf_life_exempt(const ent_label_data *d, bool alcohol)
{
    const char *abv = ent_label_data_get(d, "abv");
    char num[16];
    int64_t hundredths;
    if (!alcohol || abv == NULL)
        return false;
    snprintf(num, sizeof num, "%.*s", (int)strcspn(abv, "%"), abv);
    return ent_decimal_parse(&hundredths, num, 2) == ENT_OK && hundredths >= 1000;
}

/* A GB 7718 back label ("food" in the template) needs what the law asks of
 * the kind of goods: ingredients and (GB 28050) the nutrition table for
 * food, ingredients and the alcohol content for a drink of 0.5 %vol or
 * more (which GB 28050 exempts from the nutrition table); the shelf life
 * (the lot's expiry) but for a drink of 10 %vol or more, which GB 7718
 * exempts. */
static int check_food(ent_label_job *job, const ent_label_data *d, const char *who)
{
    const char *kind = ent_label_data_get(d, "food_kind");
    if (kind == NULL)
        return entx_label_fail(job, ENT_INVALID,
                               "%s: template %s is a GB 7718 back label and needs the kind of food (food_kind: "
                               "food or alcohol), which it does not have",
                               who, job->t->name);
    bool alcohol = strcmp(kind, "alcohol") == 0;
    static const struct {
        const char *field, *words;
        int when; /* 0 always, 1 food, 2 alcohol, 3 unless exempt */
    } need[] = {
        {"ingredients", "配料表 (ingredients)", 0},
        {"origin", "原产国或地区 (origin)", 0},
        {"nutrition", "营养成分表 (the nutrition table: energy_kj, protein, fat, carbohydrate, sodium)", 1},
        {"abv", "酒精度 (abv)", 2},
        {"expiry", "保质期 (the lot's expiry; only a drink of 10 %vol or more may go without)", 3},
    };
    bool exempt = shelf_life_exempt(d, alcohol);
    for (size_t i = 0; i < sizeof need / sizeof *need; i++) {
        if ((need[i].when == 1 && alcohol) || (need[i].when == 2 && !alcohol) || (need[i].when == 3 && exempt))
            continue;
        if (ent_label_data_get(d, need[i].field) == NULL)
            return entx_label_fail(job, ENT_INVALID, "%s: a back label of %s (GB 7718) needs %s, which it does not have",
                                   who, alcohol ? "an alcoholic drink" : "prepackaged food", need[i].words);
    }
    return ENT_OK;
}

static int check_required(ent_label_job *job, const ent_label_data *d, const char *who)
{
    if (job->t->food) {
        int rc = check_food(job, d, who);
        if (rc != ENT_OK)
            return rc;
    }
    for (size_t i = 0; i < job->t->nrequire; i++) {
        const char *alts = job->t->require[i];
        bool ok = false;
        char name[64];
        for (const char *a = alts; *a && !ok;) {
            size_t n = strcspn(a, "|");
            snprintf(name, sizeof name, "%.*s", (int)n, a);
            ok = ent_label_data_get(d, name) != NULL;
            a += n + (a[n] == '|');
        }
        if (!ok) {
            char shown[256];
            size_t k = 0;
            for (const char *a = alts; *a && k + 5 < sizeof shown; a++) {
                if (*a == '|') {
                    memcpy(shown + k, " or ", 4);
                    k += 4;
                } else {
                    shown[k++] = *a;
                }
            }
            shown[k] = '\0';
            return entx_label_fail(job, ENT_INVALID, "%s: template %s needs %s, which it does not have", who,
                              job->t->name, shown);
        }
    }
    return ENT_OK;
}

/* Replaces every `from` in *s by `to` (a new string; *s unchanged when
 * memory runs out). */
static void replace_all(char **s, const char *from, const char *to)
{
    size_t n = 0, fl = strlen(from), tl = strlen(to);
    for (const char *p = strstr(*s, from); p; p = strstr(p + fl, from))
        n++;
    if (n == 0)
        return;
    char *out = malloc(strlen(*s) + n * tl + 1), *o = out;
    if (out == NULL)
        return;
    for (const char *p = *s;;) {
        const char *hit = strstr(p, from);
        size_t k = hit ? (size_t)(hit - p) : strlen(p);
        memcpy(o, p, k);
        o += k;
        if (hit == NULL)
            break;
        memcpy(o, to, tl);
        o += tl;
        p = hit + fl;
    }
    *o = '\0';
    free(*s);
    *s = out;
}

/* The GS1 Barcode Syntax Dictionary pairs AIs over all the barcodes of an
 * item: a carton's (37) needs its (02) and the (00) of the SSCC barcode
 * beside it. The label's GS1 data, read back, is checked as one. */
static int gs1_together(ent_label_job *job, const struct out_label *l, const char *who)
{
    static _Thread_local ent_scan s; /* large: kept off the stack */
    char all[2048], lines[64] = "";
    size_t o = 0, lo = 0;
    int n = 0;
    for (size_t i = 0; i < l->nitems; i++) {
        const struct out_item *it = &l->items[i];
        if (it->kind != EL_BARCODE || it->u.bc.gs1 == NULL)
            continue;
        int k = snprintf(all + o, sizeof all - o, "%s", it->u.bc.gs1);
        if (k < 0 || (size_t)k >= sizeof all - o)
            return ENT_OK; /* too much to check together; each was checked alone */
        o += (size_t)k;
        n++;
        k = snprintf(lines + lo, sizeof lines - lo, "%s%d", lo ? ", " : "", it->u.bc.line);
        if (k > 0 && (size_t)k < sizeof lines - lo)
            lo += (size_t)k;
    }
    if (n == 0)
        return ENT_OK;
    ent_scan_config cfg;
    ent_scan_config_init(&cfg);
    cfg.strict = ENT_SCAN_STRICT;
    if (ent_scan_parse(&s, all, o, &cfg) == ENT_OK)
        return ENT_OK;
    return entx_label_fail(job, ENT_INVALID, "%s: the GS1 barcodes of the label together would not pass GS1's checks: "
                           "%s (template %s, barcodes on line %s)", who, ent_error_last()->message, job->t->name, lines);
}

/* Room for more items than the template's elements (a table makes many):
 * at least `more` after those already laid out. */
static int items_room(ent_label_job *job, struct out_label *l, size_t *cap, size_t more)
{
    if (l->nitems + more <= *cap)
        return ENT_OK;
    size_t want = l->nitems + more;
    struct out_item *grown = realloc(l->items, want * sizeof *grown);
    if (grown == NULL)
        return entx_label_fail(job, ENT_ERROR, "out of memory");
    memset(grown + *cap, 0, (want - *cap) * sizeof *grown);
    l->items = grown;
    *cap = want;
    return ENT_OK;
}

static void table_rule(struct out_label *l, enum elem_kind kind, double x, double y, double w, double h, double stroke)
{
    struct out_item *it = &l->items[l->nitems++];
    it->kind = kind;
    it->u.geom.x = x, it->u.geom.y = y, it->u.geom.w = w, it->u.geom.h = h;
    it->u.geom.stroke = stroke;
}

/*
 * A table: its text has rows on lines and cells split by '|', the first row
 * a header (bold). Each row gets an equal share of the height, each column
 * its share of the width; every cell is text that shrinks to fit down to
 * min and is never cut (the label is refused instead), inside a box with
 * rules between rows and columns. The first column reads from the left,
 * the others (figures) from the right.
 */
static int layout_table(ent_label_job *job, const struct elem *e, const char *text, struct out_label *l, size_t *cap,
                        size_t left, const char *who)
{
    size_t nrows = 1;
    for (const char *c = text; *c; c++)
        nrows += *c == '\n';
    size_t ncells = nrows * (size_t)e->ncols;
    int rc = items_room(job, l, cap, ncells + nrows + (size_t)e->ncols + left);
    double rh = e->h / (double)nrows, pad = 0.6;
    const char *row = text;
    for (size_t r = 0; r < nrows && rc == ENT_OK; r++) {
        size_t rlen = strcspn(row, "\n");
        const char *cell = row;
        for (int c = 0; c < e->ncols && rc == ENT_OK; c++) {
            size_t n = strcspn(cell, "|\n");
            bool last = c == e->ncols - 1;
            if ((cell[n] == '|') == last) /* too many cells, or too few */
                return entx_label_fail(job, ENT_INVALID, "%s: table (%s line %d): row %zu \"%.*s\" does not have %d cells",
                                       who, job->t->name, e->line, r + 1, (int)(rlen < 40 ? rlen : 40), row, e->ncols);
            double x = e->x;
            for (int k = 0; k < c; k++)
                x += e->w * e->cols[k] / 100;
            struct elem te = *e;
            te.kind = EL_TEXT;
            te.x = x + pad, te.w = e->w * e->cols[c] / 100 - 2 * pad, te.y = e->y + rh * (double)r, te.h = rh;
            te.bold = e->bold || r == 0;
            te.wrap = false, te.fit = FIT_SHRINK, te.legal = true;
            te.align = c == 0 ? AL_LEFT : AL_RIGHT;
            te.valign = VA_MIDDLE;
            char *s = malloc(n + 1);
            if (s == NULL)
                return entx_label_fail(job, ENT_ERROR, "out of memory");
            memcpy(s, cell, n);
            s[n] = '\0';
            struct out_item *it = &l->items[l->nitems];
            it->kind = EL_TEXT;
            if (*s && (rc = fit_text(job, &te, s, &it->u.text, who)) == ENT_OK)
                l->nitems++;
            free(s);
            cell += n + (cell[n] == '|');
        }
        row += rlen + (row[rlen] == '\n');
    }
    if (rc != ENT_OK)
        return rc;
    table_rule(l, EL_BOX, e->x, e->y, e->w, e->h, e->stroke);
    for (size_t r = 1; r < nrows; r++)
        table_rule(l, EL_LINE, e->x, e->y + rh * (double)r, e->w, 0, r == 1 ? e->stroke * 2 : e->stroke);
    double x = e->x;
    for (int c = 0; c + 1 < e->ncols; c++) {
        x += e->w * e->cols[c] / 100;
        table_rule(l, EL_LINE, x, e->y, 0, e->h, e->stroke);
    }
    return ENT_OK;
}

static int layout(ent_label_job *job, const ent_label_data *d, const char *who, struct out_label *l)
{
    int rc = ENT_OK;
    char missing[128];
    size_t cap = job->t->nelems;
    l->items = calloc(cap ? cap : 1, sizeof *l->items);
    if (l->items == NULL)
        return entx_label_fail(job, ENT_ERROR, "out of memory");
    for (size_t i = 0; i < job->t->nelems && rc == ENT_OK; i++) {
        const struct elem *e = &job->t->elems[i];
        struct out_item *it = &l->items[l->nitems];
        char *text = NULL;
        if (e->cond && (ent_label_data_get(d, e->cond + (e->cond[0] == '!')) == NULL) == (e->cond[0] != '!'))
            continue; /* if=field without it, if=!field with it */
        if (e->kind == EL_TABLE) {
            if (entx_label_expand(&text, e->content, d, missing, sizeof missing) != 0) {
                rc = entx_label_fail(job, ENT_INVALID, "%s: template %s (line %d) needs %s, which it does not have",
                                     who, job->t->name, e->line, missing);
                break;
            }
            if (*text)
                rc = layout_table(job, e, text, l, &cap, job->t->nelems - i, who);
            free(text);
            continue;
        }
        it->kind = e->kind;
        if (e->kind == EL_LINE || e->kind == EL_BOX) {
            it->u.geom.x = e->x, it->u.geom.y = e->y, it->u.geom.w = e->w, it->u.geom.h = e->h;
            it->u.geom.stroke = e->stroke;
            it->u.geom.fill = e->fill;
            l->nitems++;
            continue;
        }
        if (entx_label_expand(&text, e->content, d, missing, sizeof missing) != 0) {
            rc = entx_label_fail(job, ENT_INVALID, "%s: template %s (line %d) needs %s, which it does not have", who,
                            job->t->name, e->line, missing);
            break;
        }
        if (e->kind == EL_TEXT && *text == '\0') {
            free(text); /* only optional fields, all absent: nothing to draw */
            continue;
        }
        if (e->kind == EL_TEXT && job->blank_celsius)
            replace_all(&text, "℃", "°C");
        if (e->kind == EL_TEXT && job->blank_celsius)
            replace_all(&text, "℉", "°F");
        char bad[8];
        if (e->kind == EL_TEXT && text && entx_label_missing_glyph(job, bad, text)) {
            rc = entx_label_fail(job, ENT_INVALID, "%s: text \"%s\" (%s line %d): the font %s has no '%s'", who, ENT_CLIP(text, 40),
                            job->t->name, e->line, job->font, bad);
            free(text);
            break;
        }
        if (e->kind == EL_TEXT) {
            rc = fit_text(job, e, text, &it->u.text, who);
            if (rc == ENT_OK && job->opt.format == ENT_LABEL_ZPL && job->zpl_font_text &&
                (rc = entx_label_zpl_font_check(job, &it->u.text, who, e->line)) != ENT_OK)
                free_label_text(&it->u.text);
        } else {
            rc = entx_label_barcode_make(&it->u.bc, e, text);
            it->u.bc.line = e->line;
            if (rc != ENT_OK)
                rc = entx_label_fail(job, rc, "%s: %s (template %s line %d)", who, ent_error_last()->message, job->t->name, e->line);
            else if (job->opt.format == ENT_LABEL_ZPL && e->sym == SYM_DATAMATRIX && strchr(text, '~'))
                rc = entx_label_fail(job, ENT_INVALID, "%s: '~' in DataMatrix data '%s' cannot be sent in ZPL, where "
                                "it is the escape character (template %s line %d)", who, text, job->t->name, e->line);
            else if (job->opt.format == ENT_LABEL_ZPL && e->sym == SYM_GS1_DATAMATRIX && strchr(text, '_'))
                rc = entx_label_fail(job, ENT_INVALID, "%s: '_' in GS1 DataMatrix data '%s' cannot be sent in ZPL, where "
                                "it is the escape character (template %s line %d)", who, text, job->t->name, e->line);
        }
        free(text);
        if (rc == ENT_OK)
            l->nitems++;
    }
    if (rc == ENT_OK)
        rc = gs1_together(job, l, who);
    return rc;
}

int ent_label_job_add(ent_label_job *job, const ent_label_data *d, int copies, const char *who)
{
    struct out_label l = {0};
    int rc;
    ent_error_clear();
    if (who == NULL || *who == '\0')
        who = "label";
    if (copies < 1 || copies > ENT_LABEL_MAX_COPIES)
        return entx_label_fail(job, ENT_INVALID, "%s: %d copies of one label (1 to %d)", who, copies, ENT_LABEL_MAX_COPIES);
    if (job->total + (size_t)copies > ENT_LABEL_MAX_LABELS)
        return entx_label_fail(job, ENT_INVALID, "%s: %d more labels would make the job %zu labels, more than %d in one job",
                          who, copies, job->total + (size_t)copies, ENT_LABEL_MAX_LABELS);
    if ((rc = check_required(job, d, who)) != ENT_OK)
        return rc;
    if ((rc = layout(job, d, who, &l)) != ENT_OK)
        goto done;
    if (job->nlabels == job->cap) {
        size_t cap = job->cap ? job->cap * 2 : 64;
        struct out_label *grown = realloc(job->labels, cap * sizeof *grown);
        if (grown == NULL) {
            rc = entx_label_fail(job, ENT_ERROR, "out of memory");
            goto done;
        }
        job->labels = grown;
        job->cap = cap;
    }
    l.copies = copies;
    job->labels[job->nlabels++] = l;
    job->total += (size_t)copies;
    return ENT_OK;
done:
    free_label(&l);
    return rc;
}

/* ---- output ------------------------------------------------------------- */

static int write_any(ent_label_job *job, FILE *f, const char *path)
{
    ent_error_clear();
    if (job->total == 0)
        return entx_label_fail(job, ENT_INVALID, "nothing to print: the job has no labels");
    switch (job->opt.format) {
    case ENT_LABEL_PDF:
    case ENT_LABEL_PNG: return entx_label_write_cairo(job, f, path);
    case ENT_LABEL_SVG: return entx_label_write_svg(job, f, path);
    case ENT_LABEL_ZPL: return entx_label_write_zpl(job, f);
    }
    return entx_label_fail(job, ENT_INVALID, "unknown output format");
}

int ent_label_job_write(ent_label_job *job, FILE *f)
{
    return write_any(job, f, NULL);
}

static int write_direct(ent_label_job *job, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return entx_label_fail(job, ENT_ERROR, "%s: cannot write: %s", path, strerror(errno));
    int rc = write_any(job, f, path);
    errno = 0;
    if ((fflush(f) != 0 || ferror(f)) && rc == ENT_OK)
        rc = entx_label_fail(job, ENT_ERROR, "%s: write failed: %s", path, strerror(errno ? errno : EIO));
    if (fclose(f) != 0 && rc == ENT_OK)
        rc = entx_label_fail(job, ENT_ERROR, "%s: write failed: %s", path, strerror(errno));
    return rc;
}

int ent_label_job_write_file(ent_label_job *job, const char *path)
{
    bool paged = job->opt.format == ENT_LABEL_PNG || job->opt.format == ENT_LABEL_SVG;
    if (paged && ent_label_job_pages(job) > 1)
        return write_any(job, NULL, path);
    /* A device or a pipe is written as it is: renaming onto it would
     * remove it. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return write_direct(job, path);
    /* Written beside path under a temporary name and renamed into place:
     * a failed write leaves whatever was at path (never removes it). */
    size_t len = strlen(path) + 8;
    char *tmp = malloc(len);
    if (tmp == NULL)
        return entx_label_fail(job, ENT_ERROR, "out of memory");
    snprintf(tmp, len, "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "wb");
    if (f == NULL) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        return entx_label_fail(job, ENT_ERROR, "%s: cannot write: %s", path, strerror(e));
    }
    int rc = write_any(job, f, path);
    errno = 0;
    if ((fflush(f) != 0 || ferror(f) || fsync(fd) != 0) && rc == ENT_OK)
        rc = entx_label_fail(job, ENT_ERROR, "%s: write failed: %s", path, strerror(errno ? errno : EIO));
    if (fclose(f) != 0 && rc == ENT_OK)
        rc = entx_label_fail(job, ENT_ERROR, "%s: write failed: %s", path, strerror(errno));
    if (rc == ENT_OK && rename(tmp, path) != 0)
        rc = entx_label_fail(job, ENT_ERROR, "%s: write failed: %s", path, strerror(errno));
    if (rc != ENT_OK)
        unlink(tmp); /* ours, made above */
    free(tmp);
    return rc;
}
