/*
 * The labels' PDF written directly (issue 16): cairo's PDF surface replays
 * every page, formats each coordinate with snprintf and was two thirds of a
 * large job. Here each page's content stream is written once: bars as `re`,
 * text as glyph runs (`Tj`) of a CIDFontType2 font (Identity-H, a ToUnicode
 * CMap so that text can be copied and searched), the font subset by
 * HarfBuzz's hb-subset, every stream deflated at zlib's fastest level.
 *
 * The glyphs and their advances are cairo's (the same scaled fonts the
 * layout measured with), so each glyph lands where cairo would put it.
 * Fonts it does not cover (outlines other than TrueType's glyf, a bold face
 * from another file) are written by cairo instead: entx_label_pdf_direct
 * says so before writing anything.
 */
#include <cairo-ft.h>
#include <cairo.h>
#include <errno.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_TRUETYPE_TABLES_H
#include FT_TRUETYPE_TAGS_H
#include <hb-subset.h>
#include <hb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "internal.h"
#include "label_int.h"

#define EM 1000.0        /* the scaled fonts' size: advances come out in PDF glyph-space units */
#define MM_PT (72.0 / 25.4)
#define FIXED_OBJS 11    /* catalog .. resources; pages and their contents follow */
#define OBJ_CATALOG 1
#define OBJ_PAGES 2
#define OBJ_INFO 3
#define OBJ_FONT0 4      /* Type0 regular; 5 its CIDFont; 6 Type0 bold; 7 its CIDFont */
#define OBJ_DESCRIPTOR 8
#define OBJ_FONTFILE 9
#define OBJ_TOUNICODE 10
#define OBJ_RESOURCES 11

struct buf {
    char *p;
    size_t n, cap;
    bool failed;
};

/* A code point's glyph, found through cairo once. */
struct cmap_slot {
    uint32_t cp; /* 0: free (text is a C string: U+0000 never occurs) */
    uint32_t gid;
};

struct pdfw {
    ent_label_job *job;
    FILE *f;
    long long off;        /* bytes written so far */
    long long *xref;      /* each object's offset */
    size_t nobj;
    cairo_scaled_font_t *sf[2];
    FT_Face face;         /* while write_font has it locked, else NULL */
    unsigned nglyphs;
    struct cmap_slot *map;
    size_t map_cap, map_n;
    float *adv[2];        /* by glyph id: advance in 1/1000 em, < 0 not known yet */
    bool *used[2];        /* by glyph id, per weight */
    uint32_t *uni;        /* by glyph id: the first code point drawn with it */
    double embolden;      /* bold drawn by stroking outlines this wide (em fraction); 0: as the regular */
    struct buf page, z;
    z_stream zs;
    bool zs_ok;
};

/* ---- output buffers --------------------------------------------------- */

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->n + n)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->failed = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

static void puts_(struct buf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* Writes the decimal digits of u ending just before *i in tmp, and a minus
 * sign when neg; *i moves to the first character written. */
static void digits_before(char *tmp, int *i, unsigned long long u, bool neg)
{
    do {
        tmp[--*i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (neg)
        tmp[--*i] = '-';
}

static void put_int(struct buf *b, long long v)
{
    char tmp[24];
    int i = (int)sizeof tmp;
    bool neg = v < 0;
    digits_before(tmp, &i, neg ? 0ULL - (unsigned long long)v : (unsigned long long)v, neg);
    put(b, tmp + i, sizeof tmp - (size_t)i);
}

/* v with at most `places` decimals (trailing zeros dropped), then a space.
 * Coordinates take 3: a thousandth of a millimetre is far below any
 * printer's dot (and snprintf("%f") was an eighth of cairo's time); scales
 * take 6, since their error grows across the page. */
static void put_fix(struct buf *b, double v, int places)
{
    static const long long pow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    long long unit = pow10[places];
    long long m = (long long)(v * (double)unit + (v < 0 ? -0.5 : 0.5));
    char tmp[40];
    int i = (int)sizeof tmp;
    bool neg = m < 0;
    unsigned long long u = neg ? 0ULL - (unsigned long long)m : (unsigned long long)m;
    unsigned long long frac = u % (unsigned long long)unit;
    u /= (unsigned long long)unit;
    tmp[--i] = ' ';
    if (frac) {
        int digits = places;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        while (digits-- > 0) {
            tmp[--i] = (char)('0' + frac % 10);
            frac /= 10;
        }
        tmp[--i] = '.';
    }
    digits_before(tmp, &i, u, neg);
    put(b, tmp + i, sizeof tmp - (size_t)i);
}

static void put_num(struct buf *b, double v)
{
    put_fix(b, v, 3);
}

static void put_hex4(struct buf *b, unsigned v)
{
    static const char hex[] = "0123456789ABCDEF";
    char t[4] = {hex[(v >> 12) & 15], hex[(v >> 8) & 15], hex[(v >> 4) & 15], hex[v & 15]};
    put(b, t, 4);
}

/* ---- the file: objects, streams, cross-reference ---------------------- */

static int out(struct pdfw *w, const void *p, size_t n)
{
    errno = 0;
    if (fwrite(p, 1, n, w->f) != n)
        return entx_label_fail(w->job, ENT_ERROR, "writing the PDF failed: %s", strerror(errno ? errno : EIO));
    w->off += (long long)n;
    return ENT_OK;
}

/* Writes b as the body of object num (b is emptied). */
static int out_obj(struct pdfw *w, size_t num, struct buf *b)
{
    char head[48];
    if (b->failed)
        return entx_label_fail(w->job, ENT_ERROR, "out of memory");
    w->xref[num] = w->off;
    int n = snprintf(head, sizeof head, "%zu 0 obj\n", num);
    int rc = out(w, head, (size_t)n);
    if (rc == ENT_OK)
        rc = out(w, b->p, b->n);
    if (rc == ENT_OK)
        rc = out(w, "\nendobj\n", 8);
    b->n = 0;
    return rc;
}

/* Deflates src into w->z at zlib's fastest level. */
static int deflate_buf(struct pdfw *w, const struct buf *src)
{
    if (src->failed)
        return entx_label_fail(w->job, ENT_ERROR, "out of memory");
    if (!w->zs_ok) {
        if (deflateInit(&w->zs, 1) != Z_OK)
            return entx_label_fail(w->job, ENT_ERROR, "zlib: cannot start compressing");
        w->zs_ok = true;
    } else {
        deflateReset(&w->zs);
    }
    size_t bound = deflateBound(&w->zs, (uLong)src->n);
    w->z.n = 0;
    if (w->z.cap < bound) {
        char *p = realloc(w->z.p, bound);
        if (p == NULL)
            return entx_label_fail(w->job, ENT_ERROR, "out of memory");
        w->z.p = p;
        w->z.cap = bound;
    }
    w->zs.next_in = (Bytef *)src->p;
    w->zs.avail_in = (uInt)src->n;
    w->zs.next_out = (Bytef *)w->z.p;
    w->zs.avail_out = (uInt)bound;
    if (deflate(&w->zs, Z_FINISH) != Z_STREAM_END)
        return entx_label_fail(w->job, ENT_ERROR, "zlib: compressing a stream failed");
    w->z.n = bound - w->zs.avail_out;
    return ENT_OK;
}

/* Object num: a stream of data, deflated, with extra entries in its
 * dictionary (may be ""). */
static int out_stream(struct pdfw *w, size_t num, const struct buf *data, const char *extra)
{
    struct buf d = {0};
    int rc = deflate_buf(w, data);
    if (rc != ENT_OK)
        return rc;
    puts_(&d, "<</Length ");
    put_int(&d, (long long)w->z.n);
    puts_(&d, "/Filter/FlateDecode");
    puts_(&d, extra);
    puts_(&d, ">>\nstream\n");
    put(&d, w->z.p, w->z.n);
    puts_(&d, "\nendstream");
    rc = out_obj(w, num, &d);
    free(d.p);
    return rc;
}

/* ---- glyphs ------------------------------------------------------------ */

static size_t cp_hash(uint32_t cp, size_t cap)
{
    return (size_t)(cp * 2654435761u) & (cap - 1);
}

static int map_grow(struct pdfw *w)
{
    size_t cap = w->map_cap ? w->map_cap * 2 : 1024;
    struct cmap_slot *v = calloc(cap, sizeof *v);
    if (v == NULL)
        return ENT_ERROR;
    for (size_t i = 0; i < w->map_cap; i++) {
        if (w->map[i].cp == 0)
            continue;
        size_t j = cp_hash(w->map[i].cp, cap);
        while (v[j].cp != 0)
            j = (j + 1) & (cap - 1);
        v[j] = w->map[i];
    }
    free(w->map);
    w->map = v;
    w->map_cap = cap;
    return ENT_OK;
}

/* The glyph cairo draws for cp, asked once per code point; gid 0 (the
 * missing glyph) when cairo has none, as cairo would draw. */
static int glyph_of(struct pdfw *w, uint32_t *gid, uint32_t cp)
{
    if ((w->map_n + 1) * 2 > w->map_cap && map_grow(w) != ENT_OK)
        return ENT_ERROR;
    size_t j = cp_hash(cp, w->map_cap);
    while (w->map[j].cp != 0 && w->map[j].cp != cp)
        j = (j + 1) & (w->map_cap - 1);
    if (w->map[j].cp == cp) {
        *gid = w->map[j].gid;
        return ENT_OK;
    }
    char s[5];
    int len = 0;
    if (cp < 0x80) {
        s[len++] = (char)cp;
    } else if (cp < 0x800) {
        s[len++] = (char)(0xC0 | cp >> 6);
        s[len++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        s[len++] = (char)(0xE0 | cp >> 12);
        s[len++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[len++] = (char)(0x80 | (cp & 0x3F));
    } else {
        s[len++] = (char)(0xF0 | cp >> 18);
        s[len++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        s[len++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[len++] = (char)(0x80 | (cp & 0x3F));
    }
    cairo_glyph_t *g = NULL;
    int n = 0;
    uint32_t found = 0;
    if (cairo_scaled_font_text_to_glyphs(w->sf[0], 0, 0, s, len, &g, &n, NULL, NULL, NULL) == CAIRO_STATUS_SUCCESS &&
        n == 1 && g[0].index < w->nglyphs)
        found = (uint32_t)g[0].index;
    cairo_glyph_free(g);
    w->map[j].cp = cp;
    w->map[j].gid = found;
    w->map_n++;
    /* the missing glyph stands for every character the font lacks: it
     * says nothing when copied */
    if (found != 0 && w->uni[found] == 0)
        w->uni[found] = cp;
    *gid = found;
    return ENT_OK;
}

/* The advance of gid in weight b, from cairo (1/1000 em), marking it used. */
static double advance(struct pdfw *w, uint32_t gid, int b)
{
    if (w->adv[b][gid] < 0) {
        cairo_glyph_t g = {.index = gid};
        cairo_text_extents_t te;
        cairo_scaled_font_glyph_extents(w->sf[b], &g, 1, &te);
        w->adv[b][gid] = (float)te.x_advance;
    }
    w->used[b][gid] = true;
    return w->adv[b][gid];
}

/* Next code point of s (advanced); invalid bytes are skipped (the layout
 * keeps text valid UTF-8). 0 at the end. */
static uint32_t next_cp(const unsigned char **s)
{
    for (;;) {
        const unsigned char *p = *s;
        uint32_t c = p[0];
        int len;
        if (c == 0)
            return 0;
        if (c < 0x80) {
            *s = p + 1;
            return c;
        }
        len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
        c &= len == 4 ? 0x07 : len == 3 ? 0x0F : 0x1F;
        int k = 1;
        for (; k < len && (p[k] & 0xC0) == 0x80; k++)
            c = c << 6 | (p[k] & 0x3F);
        *s = p + (k > 0 ? k : 1);
        if (len && k == len)
            return c;
    }
}

/* One run of text: its glyphs as a hex string into page, its width (mm at
 * size) into *width. */
static int glyph_run(struct pdfw *w, struct buf *run, double *width, const char *text, double size, int b)
{
    const unsigned char *s = (const unsigned char *)text;
    double adv = 0;
    uint32_t cp, gid;
    run->n = 0;
    put(run, "<", 1);
    while ((cp = next_cp(&s)) != 0) {
        if (glyph_of(w, &gid, cp) != ENT_OK)
            return entx_label_fail(w->job, ENT_ERROR, "out of memory");
        adv += advance(w, gid, b);
        put_hex4(run, gid);
    }
    put(run, ">Tj\n", 4);
    *width = adv * size / EM;
    return run->failed ? entx_label_fail(w->job, ENT_ERROR, "out of memory") : ENT_OK;
}

/* ---- drawing ---------------------------------------------------------- */

/* Text of weight b at size (mm), baseline start (x, y), label coordinates
 * (y down). Bold from a regular font is drawn as cairo's FreeType backend
 * makes it (FT_GlyphSlot_Embolden): the outline widened by em/24 to the
 * right and up, here by stroking it that wide and moving it half of that. */
static void show(struct pdfw *w, const struct buf *run, double x, double y, double size, int b)
{
    struct buf *p = &w->page;
    double e = b ? w->embolden * size : 0;
    if (e > 0) {
        x += e / 2;
        y -= e / 2;
    }
    /* the stroking mode and width are graphics state: kept to this run */
    puts_(p, e > 0 ? "q BT/F" : "BT/F");
    put_int(p, b);
    puts_(p, " 1 Tf ");
    if (e > 0) {
        puts_(p, "2 Tr ");
        put_num(p, e);
        puts_(p, "w ");
    }
    put_fix(p, size, 5);
    puts_(p, "0 0 ");
    put_fix(p, -size, 5);
    put_num(p, x);
    put_num(p, y);
    puts_(p, "Tm ");
    put(p, run->p, run->n);
    puts_(p, e > 0 ? "ET Q\n" : "ET\n");
}

static int draw_text(struct pdfw *w, struct buf *run, const struct out_text *t)
{
    for (size_t i = 0; i < t->nlines; i++) {
        /* placed by the width the layout measured, as cairo places it */
        double x, y, width;
        entx_label_line_at(t, i, &x, &y);
        int rc = glyph_run(w, run, &width, t->lines[i], t->size, t->bold);
        if (rc != ENT_OK)
            return rc;
        show(w, run, x, y, t->size, t->bold);
    }
    return ENT_OK;
}

static int draw_barcode(struct pdfw *w, struct buf *run, const struct out_barcode *bc)
{
    struct buf *p = &w->page;
    /* One fill per bar, as cairo wrote them: a viewer snaps a lone
     * rectangle to its pixel grid (crisp bars for the scanner), but not
     * the rectangles of one path. */
    for (size_t i = 0; i < bc->nrects; i++) {
        put_num(p, bc->rects[i].x);
        put_num(p, bc->rects[i].y);
        put_num(p, bc->rects[i].w);
        put_num(p, bc->rects[i].h);
        puts_(p, "re f\n");
    }
    for (size_t i = 0; i < bc->nhrts; i++) {
        const struct hrt *h = &bc->hrts[i];
        double width;
        int rc = glyph_run(w, run, &width, h->text, h->size, 0);
        if (rc != ENT_OK)
            return rc;
        double x = h->halign == 1 ? h->x : h->halign == 2 ? h->x - width : h->x - width / 2;
        show(w, run, x, h->y, h->size, 0);
    }
    return ENT_OK;
}

static int draw_label(struct pdfw *w, struct buf *run, const struct out_label *l)
{
    struct buf *p = &w->page;
    int rc = ENT_OK;
    for (size_t i = 0; i < l->nitems && rc == ENT_OK; i++) {
        const struct out_item *it = &l->items[i];
        switch (it->kind) {
        case EL_TEXT: rc = draw_text(w, run, &it->u.text); break;
        case EL_BARCODE: rc = draw_barcode(w, run, &it->u.bc); break;
        case EL_LINE:
            put_num(p, it->u.geom.stroke);
            puts_(p, "w ");
            put_num(p, it->u.geom.x);
            put_num(p, it->u.geom.y);
            puts_(p, "m ");
            put_num(p, it->u.geom.x + it->u.geom.w);
            put_num(p, it->u.geom.y + it->u.geom.h);
            puts_(p, "l S\n");
            break;
        case EL_BOX:
            if (!it->u.geom.fill) {
                put_num(p, it->u.geom.stroke);
                puts_(p, "w ");
            }
            put_num(p, it->u.geom.x);
            put_num(p, it->u.geom.y);
            put_num(p, it->u.geom.w);
            put_num(p, it->u.geom.h);
            puts_(p, it->u.geom.fill ? "re f\n" : "re S\n");
            break;
        case EL_TABLE: break; /* laid out as text, lines and a box */
        }
    }
    return rc;
}

/* Ends page number pg: its content stream and its page object. */
static int end_page(struct pdfw *w, size_t pg, double pw, double ph)
{
    struct buf d = {0};
    size_t num = FIXED_OBJS + 1 + 2 * pg;
    puts_(&w->page, "Q\n");
    int rc = out_stream(w, num + 1, &w->page, "");
    w->page.n = 0;
    if (rc != ENT_OK)
        return rc;
    puts_(&d, "<</Type/Page/Parent 2 0 R/MediaBox[0 0 ");
    put_num(&d, pw * MM_PT);
    put_num(&d, ph * MM_PT);
    puts_(&d, "]/Resources 11 0 R/Contents ");
    put_int(&d, (long long)num + 1);
    puts_(&d, " 0 R>>");
    rc = out_obj(w, num, &d);
    free(d.p);
    return rc;
}

static void begin_page(struct pdfw *w, double ph)
{
    /* millimetres, y down, as the layout measures */
    puts_(&w->page, "q ");
    put_fix(&w->page, MM_PT, 6);
    puts_(&w->page, "0 0 ");
    put_fix(&w->page, -MM_PT, 6);
    puts_(&w->page, "0 ");
    put_num(&w->page, ph * MM_PT);
    puts_(&w->page, "cm\n");
}

static int write_pages(struct pdfw *w)
{
    const ent_label_job *job = w->job;
    size_t per = entx_label_per_page(job), n = 0, page = 0;
    double pw, ph;
    struct buf run = {0};
    int rc = ENT_OK;
    entx_label_page_size(job, &pw, &ph);
    begin_page(w, ph);
    for (size_t i = 0; i < job->nlabels && rc == ENT_OK; i++) {
        for (int c = 0; c < job->labels[i].copies && rc == ENT_OK; c++, n++) {
            size_t pg;
            double x, y, scale;
            if (n / per != page) {
                if ((rc = end_page(w, page, pw, ph)) != ENT_OK)
                    break;
                page = n / per;
                begin_page(w, ph);
            }
            entx_label_place(job, &pg, &x, &y, &scale, n);
            puts_(&w->page, "q ");
            put_fix(&w->page, scale, 6);
            puts_(&w->page, "0 0 ");
            put_fix(&w->page, scale, 6);
            put_num(&w->page, x);
            put_num(&w->page, y);
            puts_(&w->page, "cm\n");
            rc = draw_label(w, &run, &job->labels[i]);
            puts_(&w->page, "Q\n");
        }
    }
    if (rc == ENT_OK)
        rc = end_page(w, page, pw, ph);
    free(run.p);
    return rc;
}

/* ---- the font ---------------------------------------------------------- */

static int write_widths(struct pdfw *w, struct buf *d, int b)
{
    puts_(d, "/W[");
    for (unsigned g = 0; g < w->nglyphs;) {
        if (!w->used[b][g]) {
            g++;
            continue;
        }
        put_int(d, g);
        puts_(d, "[");
        for (; g < w->nglyphs && w->used[b][g]; g++)
            put_num(d, w->adv[b][g]);
        puts_(d, "]");
    }
    puts_(d, "]");
    return ENT_OK;
}

/* Six capital letters naming this subset (PDF's "ABCDEF+Font" tag). */
static void subset_tag(const struct pdfw *w, char tag[7])
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned g = 0; g < w->nglyphs; g++)
        if (w->used[0][g] || w->used[1][g])
            h = (h ^ g) * 0x100000001b3ULL;
    for (int i = 0; i < 6; i++, h /= 26)
        tag[i] = (char)('A' + h % 26);
    tag[6] = '\0';
}

static void font_name(const struct pdfw *w, char *name, size_t len)
{
    char tag[7];
    const char *ps = FT_Get_Postscript_Name(w->face);
    size_t n = 0;
    subset_tag(w, tag);
    n = (size_t)snprintf(name, len, "%s+", tag);
    /* a PDF name: printable ASCII without delimiters */
    for (const char *p = ps ? ps : "Font"; *p && n + 1 < len; p++)
        if (*p > 32 && *p < 127 && !strchr("()<>[]{}/%#", *p))
            name[n++] = *p;
    name[n] = '\0';
}

/* The font program: the used glyphs at their own ids (retained ids: the
 * content streams were written with them). */
static int font_subset(struct pdfw *w, struct buf *ttf)
{
    FT_ULong len = 0;
    int rc = ENT_ERROR;
    if (FT_Load_Sfnt_Table(w->face, 0, 0, NULL, &len) != 0)
        return entx_label_fail(w->job, ENT_ERROR, "the font file cannot be read for the PDF");
    unsigned char *file = malloc(len ? len : 1);
    if (file == NULL)
        return entx_label_fail(w->job, ENT_ERROR, "out of memory");
    if (FT_Load_Sfnt_Table(w->face, 0, 0, file, &len) != 0) {
        free(file);
        return entx_label_fail(w->job, ENT_ERROR, "the font file cannot be read for the PDF");
    }
    hb_blob_t *blob = hb_blob_create((const char *)file, (unsigned)len, HB_MEMORY_MODE_READONLY, file, free);
    hb_face_t *face = hb_face_create(blob, (unsigned)(w->face->face_index & 0xFFFF));
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    hb_face_t *sub = NULL;
    if (in == NULL)
        goto done;
    hb_set_t *gids = hb_subset_input_glyph_set(in);
    hb_set_add(gids, 0);
    for (unsigned g = 0; g < w->nglyphs; g++)
        if (w->used[0][g] || w->used[1][g])
            hb_set_add(gids, g);
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_RETAIN_GIDS);
    sub = hb_subset_or_fail(face, in);
    if (sub == NULL)
        goto done;
    hb_blob_t *res = hb_face_reference_blob(sub);
    unsigned n = 0;
    const char *data = hb_blob_get_data(res, &n);
    ttf->n = 0;
    put(ttf, data, n);
    hb_blob_destroy(res);
    rc = ttf->failed || n == 0 ? ENT_ERROR : ENT_OK;
done:
    hb_face_destroy(sub);
    hb_subset_input_destroy(in);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    if (rc != ENT_OK)
        return entx_label_fail(w->job, ENT_ERROR, "the font could not be subset for the PDF");
    return ENT_OK;
}

static int write_tounicode(struct pdfw *w)
{
    struct buf c = {0};
    unsigned n = 0;
    puts_(&c, "/CIDInit/ProcSet findresource begin 12 dict begin begincmap\n"
              "/CIDSystemInfo<</Registry(Adobe)/Ordering(UCS)/Supplement 0>>def\n"
              "/CMapName/Adobe-Identity-UCS def/CMapType 2 def\n"
              "1 begincodespacerange <0000><FFFF> endcodespacerange\n");
    for (unsigned g = 0; g < w->nglyphs; g++) {
        uint32_t u = w->uni[g];
        if (!(w->used[0][g] || w->used[1][g]) || u == 0)
            continue;
        if (n % 100 == 0) {
            if (n)
                puts_(&c, "endbfchar\n");
            unsigned left = 0;
            for (unsigned k = g; k < w->nglyphs && left < 100; k++)
                left += (w->used[0][k] || w->used[1][k]) && w->uni[k] != 0;
            put_int(&c, left);
            puts_(&c, " beginbfchar\n");
        }
        puts_(&c, "<");
        put_hex4(&c, g);
        puts_(&c, "><");
        if (u >= 0x10000) { /* UTF-16: a surrogate pair */
            put_hex4(&c, 0xD800 + ((u - 0x10000) >> 10));
            put_hex4(&c, 0xDC00 + ((u - 0x10000) & 0x3FF));
        } else {
            put_hex4(&c, u);
        }
        puts_(&c, ">\n");
        n++;
    }
    if (n)
        puts_(&c, "endbfchar\n");
    puts_(&c, "endcmap CMapName currentdict/CMap defineresource pop end end\n");
    int rc = out_stream(w, OBJ_TOUNICODE, &c, "");
    free(c.p);
    return rc;
}

static int write_font(struct pdfw *w)
{
    struct buf d = {0}, ttf = {0};
    char name[128];
    if ((w->face = cairo_ft_scaled_font_lock_face(w->sf[0])) == NULL)
        return entx_label_fail(w->job, ENT_ERROR, "the font cannot be read for the PDF");
    double k = EM / w->face->units_per_EM;
    TT_OS2 *os2 = FT_Get_Sfnt_Table(w->face, FT_SFNT_OS2);
    int rc = font_subset(w, &ttf);
    font_name(w, name, sizeof name);
    if (rc == ENT_OK) {
        char extra[48];
        snprintf(extra, sizeof extra, "/Length1 %zu", ttf.n);
        rc = out_stream(w, OBJ_FONTFILE, &ttf, extra);
    }
    for (int b = 0; b < 2 && rc == ENT_OK; b++) {
        puts_(&d, "<</Type/Font/Subtype/Type0/BaseFont/");
        puts_(&d, name);
        puts_(&d, "/Encoding/Identity-H/DescendantFonts[");
        put_int(&d, OBJ_FONT0 + 2 * b + 1);
        puts_(&d, " 0 R]/ToUnicode 10 0 R>>");
        if ((rc = out_obj(w, (size_t)(OBJ_FONT0 + 2 * b), &d)) != ENT_OK)
            break;
        puts_(&d, "<</Type/Font/Subtype/CIDFontType2/BaseFont/");
        puts_(&d, name);
        puts_(&d, "/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>/FontDescriptor 8 0 R"
                  "/CIDToGIDMap/Identity/DW 1000");
        write_widths(w, &d, b);
        puts_(&d, ">>");
        rc = out_obj(w, (size_t)(OBJ_FONT0 + 2 * b + 1), &d);
    }
    if (rc == ENT_OK) {
        puts_(&d, "<</Type/FontDescriptor/FontName/");
        puts_(&d, name);
        puts_(&d, "/Flags 4/FontBBox[");
        put_num(&d, w->face->bbox.xMin * k);
        put_num(&d, w->face->bbox.yMin * k);
        put_num(&d, w->face->bbox.xMax * k);
        put_num(&d, w->face->bbox.yMax * k);
        puts_(&d, "]/ItalicAngle 0/Ascent ");
        put_num(&d, w->face->ascender * k);
        puts_(&d, "/Descent ");
        put_num(&d, w->face->descender * k);
        puts_(&d, "/CapHeight ");
        put_num(&d, (os2 && os2->version >= 2 ? os2->sCapHeight : w->face->ascender) * k);
        puts_(&d, "/StemV 80/FontFile2 9 0 R>>");
        rc = out_obj(w, OBJ_DESCRIPTOR, &d);
    }
    cairo_ft_scaled_font_unlock_face(w->sf[0]);
    w->face = NULL;
    if (rc == ENT_OK)
        rc = write_tounicode(w);
    free(d.p);
    free(ttf.p);
    return rc;
}

/* ---- the document ------------------------------------------------------ */

/* A PDF text string: UTF-16BE with its byte-order mark, in hex. */
static void put_text_string(struct buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t cp;
    puts_(b, "<FEFF");
    while ((cp = next_cp(&p)) != 0) {
        if (cp >= 0x10000) {
            put_hex4(b, 0xD800 + ((cp - 0x10000) >> 10));
            put_hex4(b, 0xDC00 + ((cp - 0x10000) & 0x3FF));
        } else {
            put_hex4(b, cp);
        }
    }
    puts_(b, ">");
}

static int write_tail(struct pdfw *w, size_t pages)
{
    struct buf d = {0};
    int rc;
    puts_(&d, "<</Font<</F0 4 0 R/F1 6 0 R>>>>");
    rc = out_obj(w, OBJ_RESOURCES, &d);
    if (rc == ENT_OK) {
        puts_(&d, "<</Type/Pages/Count ");
        put_int(&d, (long long)pages);
        puts_(&d, "/Kids[");
        for (size_t p = 0; p < pages; p++) {
            put_int(&d, (long long)(FIXED_OBJS + 1 + 2 * p));
            puts_(&d, " 0 R ");
        }
        puts_(&d, "]>>");
        rc = out_obj(w, OBJ_PAGES, &d);
    }
    if (rc == ENT_OK) {
        puts_(&d, "<</Type/Catalog/Pages 2 0 R>>");
        rc = out_obj(w, OBJ_CATALOG, &d);
    }
    if (rc == ENT_OK) {
        puts_(&d, "<</Title");
        put_text_string(&d, w->job->t->name);
        puts_(&d, "/Creator(entrepot)/Producer(entrepot)>>");
        rc = out_obj(w, OBJ_INFO, &d);
    }
    if (rc == ENT_OK) {
        long long start = w->off;
        char line[32];
        puts_(&d, "xref\n0 ");
        put_int(&d, (long long)w->nobj);
        puts_(&d, "\n0000000000 65535 f \n");
        for (size_t i = 1; i < w->nobj; i++) {
            snprintf(line, sizeof line, "%010lld 00000 n \n", w->xref[i]);
            puts_(&d, line);
        }
        puts_(&d, "trailer\n<</Size ");
        put_int(&d, (long long)w->nobj);
        puts_(&d, "/Root 1 0 R/Info 3 0 R>>\nstartxref\n");
        put_int(&d, start);
        puts_(&d, "\n%%EOF\n");
        rc = d.failed ? entx_label_fail(w->job, ENT_ERROR, "out of memory") : out(w, d.p, d.n);
    }
    free(d.p);
    return rc;
}

static cairo_scaled_font_t *scaled(cairo_font_face_t *face)
{
    cairo_matrix_t fm, ctm;
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_matrix_init_scale(&fm, EM, EM);
    cairo_matrix_init_identity(&ctm);
    cairo_scaled_font_t *sf = cairo_scaled_font_create(face, &fm, &ctm, fo);
    cairo_font_options_destroy(fo);
    return sf;
}

/* How much wider cairo draws the bold than the regular (em fraction), from
 * the ink of 中 in both: fontconfig asks FreeType to embolden a font without
 * a bold face (em/24 wider); 0 when the bold is drawn as the regular. */
static double embolden_of(const struct pdfw *w)
{
    cairo_text_extents_t te[2];
    cairo_glyph_t *g = NULL;
    int n = 0;
    double e = 0;
    if (cairo_scaled_font_text_to_glyphs(w->sf[0], 0, 0, "中", -1, &g, &n, NULL, NULL, NULL) ==
            CAIRO_STATUS_SUCCESS && n == 1) {
        for (int b = 0; b < 2; b++)
            cairo_scaled_font_glyph_extents(w->sf[b], g, 1, &te[b]);
        e = (te[1].width - te[0].width) / EM;
    }
    cairo_glyph_free(g);
    return e > 0.001 ? e : 0;
}

/* Whether this writer covers the job's font: a TrueType (glyf) font whose
 * bold is the same file, emboldened. Sets up w's fonts when it does. */
static bool font_supported(struct pdfw *w)
{
    for (int b = 0; b < 2; b++) {
        w->sf[b] = scaled(w->job->face[b]);
        if (cairo_scaled_font_status(w->sf[b]) != CAIRO_STATUS_SUCCESS ||
            cairo_scaled_font_get_type(w->sf[b]) != CAIRO_FONT_TYPE_FT)
            return false;
    }
    FT_Face reg = cairo_ft_scaled_font_lock_face(w->sf[0]);
    if (reg == NULL)
        return false;
    FT_Face bold = cairo_ft_scaled_font_lock_face(w->sf[1]);
    FT_ULong len = 0;
    bool ok = bold != NULL && FT_IS_SFNT(reg) && FT_Load_Sfnt_Table(reg, TTAG_glyf, 0, NULL, &len) == 0 &&
              len > 0 && reg->num_glyphs > 0 && reg->num_glyphs <= 65535;
    /* one file for both weights: the bold is the regular emboldened */
    ok = ok && bold->num_glyphs == reg->num_glyphs && bold->face_index == reg->face_index &&
         bold->family_name && reg->family_name && strcmp(bold->family_name, reg->family_name) == 0 &&
         bold->style_name && reg->style_name && strcmp(bold->style_name, reg->style_name) == 0;
    if (bold)
        cairo_ft_scaled_font_unlock_face(w->sf[1]);
    if (ok)
        w->nglyphs = (unsigned)reg->num_glyphs;
    /* The face is the process's, shared by every job's fonts: locked only
     * while it is read (write_font), not while the pages are written. */
    cairo_ft_scaled_font_unlock_face(w->sf[0]);
    if (!ok)
        return false;
    w->embolden = embolden_of(w);
    return true;
}

static void pdfw_free(struct pdfw *w)
{
    for (int b = 0; b < 2; b++) {
        if (w->sf[b])
            cairo_scaled_font_destroy(w->sf[b]);
        free(w->adv[b]);
        free(w->used[b]);
    }
    if (w->zs_ok)
        deflateEnd(&w->zs);
    free(w->uni);
    free(w->map);
    free(w->xref);
    free(w->page.p);
    free(w->z.p);
}

int entx_label_pdf_direct(ent_label_job *job, FILE *f, bool *covered)
{
    struct pdfw w = {.job = job, .f = f};
    size_t pages = ent_label_job_pages(job);
    int rc = ENT_OK;
    const char *force = getenv("ENTREPOT_LABEL_PDF");
    *covered = false;
    if ((force && strcmp(force, "cairo") == 0) || !font_supported(&w))
        goto done;
    *covered = true;
    w.nobj = FIXED_OBJS + 1 + 2 * pages;
    w.xref = calloc(w.nobj, sizeof *w.xref);
    w.uni = calloc(w.nglyphs, sizeof *w.uni);
    for (int b = 0; b < 2; b++) {
        w.adv[b] = malloc(w.nglyphs * sizeof *w.adv[b]);
        w.used[b] = calloc(w.nglyphs, sizeof *w.used[b]);
    }
    if (!w.xref || !w.uni || !w.adv[0] || !w.adv[1] || !w.used[0] || !w.used[1]) {
        rc = entx_label_fail(job, ENT_ERROR, "out of memory");
        goto done;
    }
    for (unsigned g = 0; g < w.nglyphs; g++)
        w.adv[0][g] = w.adv[1][g] = -1;
    /* binary bytes in the comment mark the file as binary for transfers */
    if ((rc = out(&w, "%PDF-1.5\n%\xE2\xE3\xCF\xD3\n", 15)) != ENT_OK)
        goto done;
    if ((rc = write_pages(&w)) != ENT_OK || (rc = write_font(&w)) != ENT_OK)
        goto done;
    rc = write_tail(&w, pages);
done:
    pdfw_free(&w);
    return rc;
}
