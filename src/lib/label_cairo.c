/* PDF and PNG through cairo: vector barcodes from libzint's rectangles, text
 * in a font with CJK glyphs found through fontconfig (cairo's FreeType
 * backend), embedded and subset in the PDF by cairo. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "label_int.h"

#define MEASURE_SCALE 10.0 /* device units per mm while measuring: keeps metrics unhinted and exact */

static const char *const fallback_fonts[] = {"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
                                             "WenQuanYi Zen Hei", "Droid Sans Fallback"};

/* Unhinted metrics everywhere, so that a measured width is the drawn width
 * at any resolution. */
static void no_hinting(cairo_t *cr)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
}

/* Whether family resolves to a font that has the glyph for 中 (fontconfig
 * substitutes some other font for a family that is not installed). */
static bool has_cjk(cairo_t *cr, const char *family)
{
    cairo_glyph_t *glyphs = NULL;
    int n = 0;
    bool ok = false;
    cairo_select_font_face(cr, family, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 10);
    cairo_scaled_font_t *sf = cairo_get_scaled_font(cr);
    if (cairo_scaled_font_text_to_glyphs(sf, 0, 0, "中文", -1, &glyphs, &n, NULL, NULL, NULL) ==
            CAIRO_STATUS_SUCCESS &&
        n == 2)
        ok = glyphs[0].index != 0 && glyphs[1].index != 0;
    cairo_glyph_free(glyphs);
    return ok;
}

/* The faces are made once per job: looking a family up through fontconfig
 * for every line of text was most of the time of a large job. */
static int make_faces(ent_label_job *job)
{
    cairo_text_extents_t te;
    for (int b = 0; b < 2; b++)
        job->face[b] = cairo_toy_font_face_create(job->font, CAIRO_FONT_SLANT_NORMAL,
                                                  b ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    /* Some CJK fonts map ℃ to an empty glyph: storage conditions such as
     * "12-16℃" would print without their unit. */
    cairo_set_font_face(job->measure, job->face[0]);
    cairo_set_font_size(job->measure, 10);
    cairo_text_extents(job->measure, "℃", &te);
    job->blank_celsius = te.width == 0;
    return ENT_OK;
}

/*
 * Glyphs by character and weight, and their advances by size and weight.
 * A string the width memo has not seen is measured glyph by glyph: the
 * advances added in the order cairo_text_extents adds them give its width
 * to the last bit, without cairo converting the string, loading outlines and
 * computing ink extents every time (a third of a large PDF job's layout).
 * Open addressing; at most GLYPHS_MAX entries, then cairo measures.
 */
#define GLYPHS_MAX (1u << 20)
struct gslot {
    uint64_t key;  /* 0: free; else 1 + (character or glyph id) << 2 | bold << 1 | (1 for an advance) */
    double size;   /* -1 for a character's glyph */
    double value;  /* the glyph id, or the advance */
};
struct gtab {
    struct gslot *v;
    size_t cap, n;
};

static size_t gslot_hash(uint64_t key, double size)
{
    uint64_t bits;
    memcpy(&bits, &size, sizeof bits);
    return (size_t)((key * 0x9E3779B97F4A7C15ULL) ^ (bits * 0xC2B2AE3D27D4EB4FULL));
}

static struct gslot *gtab_find(const struct gtab *t, uint64_t key, double size)
{
    size_t i = gslot_hash(key, size) & (t->cap - 1);
    while (t->v[i].key != 0 && !(t->v[i].key == key && t->v[i].size == size))
        i = (i + 1) & (t->cap - 1);
    return &t->v[i];
}

/* The slot for (key, size): filled (key set) when known, else free for it;
 * NULL when the table is full or out of memory. */
static struct gslot *gtab_slot(ent_label_job *job, uint64_t key, double size)
{
    struct gtab *t = job->glyphs;
    if (t == NULL) {
        if ((t = calloc(1, sizeof *t)) == NULL || (t->v = calloc(4096, sizeof *t->v)) == NULL) {
            free(t);
            return NULL;
        }
        t->cap = 4096;
        job->glyphs = t;
    }
    struct gslot *sl = gtab_find(t, key, size);
    if (sl->key != 0)
        return sl;
    if (t->n >= GLYPHS_MAX)
        return NULL;
    if ((t->n + 1) * 2 > t->cap) {
        struct gslot *v = calloc(t->cap * 2, sizeof *v), *old = t->v;
        if (v == NULL)
            return NULL;
        size_t cap = t->cap;
        t->v = v;
        t->cap = cap * 2;
        for (size_t i = 0; i < cap; i++)
            if (old[i].key)
                *gtab_find(t, old[i].key, old[i].size) = old[i];
        free(old);
        sl = gtab_find(t, key, size);
    }
    return sl;
}

static void gtab_free(ent_label_job *job)
{
    struct gtab *t = job->glyphs;
    if (t)
        free(t->v);
    free(t);
    job->glyphs = NULL;
}

/* The next character of *s (advanced past it) into *cp and its bytes into
 * *len; false at the end or on anything but well-formed UTF-8 (then cairo
 * measures the string, and says what is wrong with it). */
static bool next_char(const unsigned char **s, uint32_t *cp, int *len)
{
    const unsigned char *p = *s;
    uint32_t c = p[0], min;
    int n;
    if (c == 0)
        return false;
    if (c < 0x80) {
        n = 1, min = 0;
    } else if ((c & 0xE0) == 0xC0) {
        n = 2, min = 0x80, c &= 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, min = 0x800, c &= 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, min = 0x10000, c &= 0x07;
    } else {
        return false;
    }
    for (int k = 1; k < n; k++) {
        if ((p[k] & 0xC0) != 0x80)
            return false;
        c = c << 6 | (p[k] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return false;
    *cp = c;
    *len = n;
    *s = p + n;
    return true;
}

/* The glyph cairo's sf maps the character of bytes utf8[0..len) to, as
 * cairo_scaled_font_text_to_glyphs does (one glyph a character); -1 when
 * unknown and cairo cannot say. */
static long glyph_of(ent_label_job *job, cairo_scaled_font_t *sf, uint32_t cp, const unsigned char *utf8, int len,
                     bool bold)
{
    uint64_t key = 1 + ((uint64_t)cp << 2 | (uint64_t)bold << 1 | 0);
    struct gslot *sl = gtab_slot(job, key, -1);
    if (sl && sl->key)
        return (long)sl->value;
    cairo_glyph_t *g = NULL;
    int n = 0;
    long gid = -1;
    if (cairo_scaled_font_text_to_glyphs(sf, 0, 0, (const char *)utf8, len, &g, &n, NULL, NULL, NULL) ==
            CAIRO_STATUS_SUCCESS && n == 1)
        gid = (long)g[0].index;
    cairo_glyph_free(g);
    if (gid >= 0 && sl) {
        sl->key = key;
        sl->size = -1;
        sl->value = (double)gid;
        ((struct gtab *)job->glyphs)->n++;
    }
    return gid;
}

/* The width of text at the font set on job->measure (size_mm, bold), summed
 * glyph by glyph; false when it must be left to cairo_text_extents. */
static bool sum_advances(ent_label_job *job, double *width, const char *text, double size_mm, bool bold)
{
    cairo_scaled_font_t *sf = cairo_get_scaled_font(job->measure);
    const unsigned char *s = (const unsigned char *)text, *at = s;
    uint32_t cp;
    int len;
    double x = 0;
    while (next_char(&s, &cp, &len)) {
        long gid = glyph_of(job, sf, cp, at, len, bold);
        at = s;
        if (gid < 0)
            return false;
        uint64_t key = 1 + ((uint64_t)gid << 2 | (uint64_t)bold << 1 | 1);
        struct gslot *sl = gtab_slot(job, key, size_mm);
        if (sl == NULL)
            return false;
        if (sl->key == 0) {
            cairo_glyph_t g = {.index = (unsigned long)gid};
            cairo_text_extents_t te;
            cairo_scaled_font_glyph_extents(sf, &g, 1, &te);
            if (cairo_scaled_font_status(sf) != CAIRO_STATUS_SUCCESS)
                return false;
            sl->key = key;
            sl->size = size_mm;
            sl->value = te.x_advance;
            ((struct gtab *)job->glyphs)->n++;
        }
        x += sl->value;
    }
    if (*s != 0)
        return false;
    *width = x;
    return true;
}

int entx_label_missing_glyph(ent_label_job *job, char bad[8], const char *text)
{
    cairo_set_font_face(job->measure, job->face[0]);
    cairo_scaled_font_t *sf = cairo_get_scaled_font(job->measure);
    const unsigned char *s = (const unsigned char *)text, *at = s;
    uint32_t cp;
    int len;
    while (next_char(&s, &cp, &len)) {
        /* cairo draws one glyph a character: glyph 0 is the font's "missing" */
        if (cp != ' ' && cp != '\t' && glyph_of(job, sf, cp, at, len, false) == 0) {
            memcpy(bad, at, (size_t)len);
            bad[len] = '\0';
            return 1;
        }
        at = s;
    }
    return 0;
}

int entx_label_font_pick(ent_label_job *job, const char *want)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
    cairo_t *cr = cairo_create(s);
    cairo_surface_destroy(s);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        cairo_destroy(cr);
        return entx_label_error(ENT_ERROR, "cairo: out of memory");
    }
    cairo_scale(cr, MEASURE_SCALE, MEASURE_SCALE);
    no_hinting(cr);
    job->measure = cr;
    if (want && *want) {
        if (!has_cjk(cr, want)) {
            return entx_label_error(ENT_INVALID,
                                  "font '%s' is not installed or has no Chinese glyphs (fc-list :lang=zh lists "
                                  "those that do)", want);
        }
        snprintf(job->font, sizeof job->font, "%s", want);
        return make_faces(job);
    }
    for (size_t i = 0; i < sizeof fallback_fonts / sizeof *fallback_fonts; i++) {
        if (has_cjk(cr, fallback_fonts[i])) {
            snprintf(job->font, sizeof job->font, "%s", fallback_fonts[i]);
            return make_faces(job);
        }
    }
    return entx_label_error(ENT_ERROR,
                          "no font with Chinese glyphs is installed: install fonts-noto-cjk or fonts-wqy-microhei");
}

static void memo_free(ent_label_job *job);

void entx_label_measure_free(ent_label_job *job)
{
    memo_free(job);
    gtab_free(job);
    if (job->raster)
        cairo_surface_destroy(job->raster);
    job->raster = NULL;
    if (job->measure)
        cairo_destroy(job->measure);
    for (int b = 0; b < 2; b++)
        if (job->face[b])
            cairo_font_face_destroy(job->face[b]);
    job->measure = NULL;
    job->face[0] = job->face[1] = NULL;
}

static void set_font(cairo_t *cr, const ent_label_job *job, double size, bool bold)
{
    cairo_set_font_face(cr, job->face[bold]);
    cairo_set_font_size(cr, size);
}

/*
 * Widths already measured, by text, size and weight. A batch measures the
 * same strings over and over (the store's name wrapped a character at a
 * time, "Origin: Italy", each size tried while shrinking to fit): asking
 * cairo again was a sixth of a large job. Open addressing, at most
 * MEMO_MAX entries (then new strings are measured every time).
 */
#define MEMO_MAX 65536
struct memo_slot {
    uint64_t hash; /* 0: free */
    char *text;
    double size, width, ascent;
    bool bold;
};
struct memo {
    struct memo_slot *v;
    size_t cap, n;
};

static uint64_t memo_hash(const char *text, double size, bool bold)
{
    uint64_t h = 0xcbf29ce484222325ULL, bits;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    memcpy(&bits, &size, sizeof bits);
    h = (h ^ bits) * 0x100000001b3ULL;
    h = (h ^ (uint64_t)bold) * 0x100000001b3ULL;
    return h ? h : 1;
}

static struct memo_slot *memo_find(const struct memo *m, uint64_t h, const char *text, double size, bool bold)
{
    size_t i = (size_t)h & (m->cap - 1);
    while (m->v[i].hash != 0 && !(m->v[i].hash == h && m->v[i].size == size && m->v[i].bold == bold &&
                                  strcmp(m->v[i].text, text) == 0))
        i = (i + 1) & (m->cap - 1);
    return &m->v[i];
}

/* The slot for the key: filled (hash set) when known, else free for it;
 * NULL when the memo is full or out of memory. */
static struct memo_slot *memo_slot(ent_label_job *job, uint64_t h, const char *text, double size, bool bold)
{
    struct memo *m = job->widths;
    if (m == NULL) {
        if ((m = calloc(1, sizeof *m)) == NULL || (m->v = calloc(1024, sizeof *m->v)) == NULL) {
            free(m);
            return NULL;
        }
        m->cap = 1024;
        job->widths = m;
    }
    struct memo_slot *sl = memo_find(m, h, text, size, bold);
    if (sl->hash != 0)
        return sl;
    if (m->n >= MEMO_MAX)
        return NULL;
    if ((m->n + 1) * 2 > m->cap) { /* grow: rehash every entry */
        struct memo_slot *v = calloc(m->cap * 2, sizeof *v), *old = m->v;
        if (v == NULL)
            return NULL;
        size_t cap = m->cap;
        m->v = v;
        m->cap = cap * 2;
        for (size_t i = 0; i < cap; i++)
            if (old[i].hash)
                *memo_find(m, old[i].hash, old[i].text, old[i].size, old[i].bold) = old[i];
        free(old);
        sl = memo_find(m, h, text, size, bold);
    }
    return sl;
}

static void memo_free(ent_label_job *job)
{
    struct memo *m = job->widths;
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->cap; i++)
        free(m->v[i].text);
    free(m->v);
    free(m);
    job->widths = NULL;
}

int entx_label_measure_text(ent_label_job *job, double *width, double *ascent, const char *text, double size_mm,
                            bool bold)
{
    cairo_t *cr = job->measure;
    cairo_text_extents_t te;
    cairo_font_extents_t fe;
    uint64_t h = memo_hash(text, size_mm, bold);
    struct memo_slot *sl = memo_slot(job, h, text, size_mm, bold);
    if (sl && sl->hash) {
        *width = sl->width;
        *ascent = sl->ascent;
        return ENT_OK;
    }
    set_font(cr, job, size_mm, bold);
    if (!sum_advances(job, width, text, size_mm, bold)) {
        cairo_text_extents(cr, text, &te);
        *width = te.x_advance;
    }
    cairo_font_extents(cr, &fe);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        return entx_label_fail(job, ENT_ERROR, "cairo: %s", cairo_status_to_string(cairo_status(cr)));
    /* Some CJK fonts declare an ascent far above their glyphs; the em box's
     * share of it is what places the baseline sensibly in a box. */
    *ascent = fe.ascent / (fe.ascent + fe.descent) * size_mm;
    if (sl && (sl->text = strdup(text)) != NULL) {
        sl->hash = h;
        sl->size = size_mm;
        sl->bold = bold;
        sl->width = *width;
        sl->ascent = *ascent;
        ((struct memo *)job->widths)->n++;
    }
    return ENT_OK;
}

static void draw_text(cairo_t *cr, const ent_label_job *job, const struct out_text *t)
{
    set_font(cr, job, t->size, t->bold);
    for (size_t i = 0; i < t->nlines; i++) {
        double x, y;
        entx_label_line_at(t, i, &x, &y);
        cairo_move_to(cr, x, y);
        cairo_show_text(cr, t->lines[i]);
    }
}

static void draw_barcode(cairo_t *cr, const ent_label_job *job, const struct out_barcode *bc, bool raster)
{
    /* Bars without anti-aliasing on a raster: grey edges confuse decoders. */
    if (raster)
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    /* One fill per bar: cairo writes a lone rectangle as a short PDF "re",
     * but a path of many as four points each, which made the file and the
     * time to deflate it nearly twice as large. */
    for (size_t i = 0; i < bc->nrects; i++) {
        cairo_rectangle(cr, bc->rects[i].x, bc->rects[i].y, bc->rects[i].w, bc->rects[i].h);
        cairo_fill(cr);
    }
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
    for (size_t i = 0; i < bc->nhrts; i++) {
        const struct hrt *h = &bc->hrts[i];
        cairo_text_extents_t te;
        set_font(cr, job, h->size, false);
        cairo_text_extents(cr, h->text, &te);
        double x = h->halign == 1 ? h->x : h->halign == 2 ? h->x - te.x_advance : h->x - te.x_advance / 2;
        cairo_move_to(cr, x, h->y);
        cairo_show_text(cr, h->text);
    }
}

static void draw_label(cairo_t *cr, const ent_label_job *job, const struct out_label *l, bool raster)
{
    for (size_t i = 0; i < l->nitems; i++) {
        const struct out_item *it = &l->items[i];
        switch (it->kind) {
        case EL_TEXT: draw_text(cr, job, &it->u.text); break;
        case EL_BARCODE: draw_barcode(cr, job, &it->u.bc, raster); break;
        case EL_LINE:
            cairo_set_line_width(cr, it->u.geom.stroke);
            cairo_move_to(cr, it->u.geom.x, it->u.geom.y);
            cairo_rel_line_to(cr, it->u.geom.w, it->u.geom.h);
            cairo_stroke(cr);
            break;
        case EL_BOX:
            cairo_rectangle(cr, it->u.geom.x, it->u.geom.y, it->u.geom.w, it->u.geom.h);
            if (it->u.geom.fill) {
                cairo_fill(cr);
            } else {
                cairo_set_line_width(cr, it->u.geom.stroke);
                cairo_stroke(cr);
            }
            break;
        case EL_TABLE: break; /* laid out as text, lines and a box */
        }
    }
}

/* Draws every label of page `page` with cr in millimetres. */
static void draw_page(cairo_t *cr, const ent_label_job *job, size_t page, bool raster)
{
    size_t per = entx_label_per_page(job), n = 0;
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (size_t i = 0; i < job->nlabels; i++) {
        for (int c = 0; c < job->labels[i].copies; c++, n++) {
            if (n / per != page)
                continue;
            size_t pg;
            double x, y, scale;
            entx_label_place(job, &pg, &x, &y, &scale, n);
            cairo_save(cr);
            cairo_translate(cr, x, y);
            cairo_scale(cr, scale, scale);
            draw_label(cr, job, &job->labels[i], raster);
            cairo_restore(cr);
        }
        if (n / per > page)
            break;
    }
}

static cairo_status_t to_file(void *closure, const unsigned char *data, unsigned int length)
{
    return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

void entx_label_page_path(char *out, size_t len, const char *path, size_t page)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    if (dot == NULL || (slash && dot < slash))
        dot = path + strlen(path);
    snprintf(out, len, "%.*s-%zu%s", (int)(dot - path), path, page, dot);
}

static int write_pdf(ent_label_job *job, FILE *f)
{
    double pw, ph;
    size_t pages = ent_label_job_pages(job);
    entx_label_page_size(job, &pw, &ph);
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_file, f, pw / PT_MM, ph / PT_MM);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, job->t->name);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "entrepot");
    cairo_t *cr = cairo_create(s);
    no_hinting(cr);
    cairo_scale(cr, 1 / PT_MM, 1 / PT_MM);
    /* Pages are found by walking the labels once per page; jobs are drawn
     * in order, so keep a running start to make that linear. */
    for (size_t p = 0; p < pages; p++) {
        draw_page(cr, job, p, false);
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS)
        return entx_label_fail(job, ENT_ERROR, "writing the PDF: %s", cairo_status_to_string(st));
    return ENT_OK;
}

static int write_png(ent_label_job *job, FILE *f, const char *path)
{
    double pw, ph, k = job->opt.dpi / 25.4;
    size_t pages = ent_label_job_pages(job);
    int rc = ENT_OK;
    entx_label_page_size(job, &pw, &ph);
    int wpx = (int)(pw * k + 0.5), hpx = (int)(ph * k + 0.5);
    if ((double)wpx * hpx > 400e6)
        return entx_label_fail(job, ENT_INVALID, "a %dx%d pixel page is too large: lower the resolution", wpx, hpx);
    for (size_t p = 0; p < pages && rc == ENT_OK; p++) {
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, wpx, hpx);
        cairo_t *cr = cairo_create(s);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        no_hinting(cr);
        cairo_scale(cr, k, k);
        draw_page(cr, job, p, true);
        cairo_destroy(cr);
        cairo_status_t st;
        if (f) {
            st = cairo_surface_write_to_png_stream(s, to_file, f);
        } else {
            char name[4096];
            entx_label_page_path(name, sizeof name, path, p + 1);
            st = cairo_surface_write_to_png(s, name);
        }
        if (st != CAIRO_STATUS_SUCCESS)
            rc = entx_label_fail(job, ENT_ERROR, "writing the PNG: %s", cairo_status_to_string(st));
        cairo_surface_destroy(s);
    }
    return rc;
}

int entx_label_write_cairo(ent_label_job *job, FILE *f, const char *path)
{
    if (job->opt.format == ENT_LABEL_PDF) {
        bool covered;
        int rc = entx_label_pdf_direct(job, f, &covered);
        return covered ? rc : write_pdf(job, f);
    }
    if (f && ent_label_job_pages(job) > 1)
        return entx_label_fail(job, ENT_INVALID, "a PNG holds one page and this job has %zu: write it to a file "
                                            "(out.png becomes out-1.png, out-2.png, ...)", ent_label_job_pages(job));
    return write_png(job, f, path);
}

int entx_label_text_bitmap(ent_label_job *job, const struct out_label *l, const bool *draw, double k,
                           const unsigned char **px, int *stride)
{
    int w = (int)(job->t->width * k + 0.5), h = (int)(job->t->height * k + 0.5);
    /* Grey levels, thresholded by the ZPL writer: pixman composites glyphs
     * onto A8 several times faster than onto A1. */
    if (job->raster == NULL)
        job->raster = cairo_image_surface_create(CAIRO_FORMAT_A8, w, h);
    cairo_surface_t *s = job->raster;
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
        return entx_label_fail(job, ENT_ERROR, "cairo: %s", cairo_status_to_string(cairo_surface_status(s)));
    cairo_surface_flush(s);
    unsigned char *data = cairo_image_surface_get_data(s);
    *stride = cairo_image_surface_get_stride(s);
    /* Only text boxes are read back: clearing them is enough. */
    for (size_t i = 0; i < l->nitems; i++) {
        const struct out_text *t = &l->items[i].u.text;
        if (l->items[i].kind != EL_TEXT || (draw && !draw[i]))
            continue;
        int x0 = (int)floor(t->x * k), x1 = (int)ceil((t->x + t->w) * k);
        int y0 = (int)floor(t->y * k), y1 = (int)ceil((t->y + t->h) * k);
        x0 = x0 < 0 ? 0 : x0, y0 = y0 < 0 ? 0 : y0;
        x1 = x1 > w ? w : x1, y1 = y1 > h ? h : y1;
        for (int y = y0; y < y1 && x1 > x0; y++)
            memset(data + (size_t)y * (size_t)*stride + x0, 0, (size_t)(x1 - x0));
    }
    cairo_surface_mark_dirty(s);
    cairo_t *cr = cairo_create(s);
    no_hinting(cr);
    /* Adding coverage is what OVER does on white, and pixman has a fast
     * path for it on A8 (OVER took a general one, clearing a scanline
     * buffer for every glyph). */
    cairo_set_operator(cr, CAIRO_OPERATOR_ADD);
    cairo_scale(cr, k, k);
    for (size_t i = 0; i < l->nitems; i++) {
        const struct out_text *t = &l->items[i].u.text;
        if (l->items[i].kind != EL_TEXT || (draw && !draw[i]))
            continue;
        /* The box is all the room the layout gave it, widened to whole
         * dots: a clip on the dot grid keeps cairo on its fast path. */
        double x0 = floor(t->x * k), y0 = floor(t->y * k);
        cairo_save(cr);
        cairo_identity_matrix(cr);
        cairo_rectangle(cr, x0, y0, ceil((t->x + t->w) * k) - x0, ceil((t->y + t->h) * k) - y0);
        cairo_clip(cr);
        cairo_scale(cr, k, k);
        draw_text(cr, job, t);
        cairo_restore(cr);
    }
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    if (st != CAIRO_STATUS_SUCCESS)
        return entx_label_fail(job, ENT_ERROR, "cairo: %s", cairo_status_to_string(st));
    *px = data;
    return ENT_OK;
}

void ent_label_release_caches(void)
{
    cairo_debug_reset_static_data();
}
