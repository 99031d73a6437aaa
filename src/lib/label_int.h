/*
 * Private to the label module: the parsed template and sheet, the laid-out
 * labels a job keeps, and the renderers' entry points.
 */
#ifndef ENT_LABEL_INT_H
#define ENT_LABEL_INT_H

#include <stdbool.h>
#include <stdio.h>
#include "entrepot/label.h"

#define PT_MM (25.4 / 72.0) /* one typographic point in millimetres */

/* A table is laid out as text, lines and a box: renderers never see one. */
enum elem_kind { EL_TEXT, EL_BARCODE, EL_LINE, EL_BOX, EL_TABLE };
#define TABLE_MAX_COLS 8

enum symbology {
    SYM_EAN13,
    SYM_EAN8,
    SYM_UPCA,
    SYM_CODE128,
    SYM_GS1_128,
    SYM_GS1_DATAMATRIX,
    SYM_DATAMATRIX,
    SYM_QR,
    SYM_GS1_QR_LINK /* GS1 Digital Link URI in a QR code */
};

enum align { AL_LEFT, AL_CENTER, AL_RIGHT };
/* How text that does not fit its box at its size is made to fit: shrink to
 * its min size, wrap onto more lines (shrinking too), or shrink and then cut
 * with an ellipsis. */
enum fit { FIT_SHRINK, FIT_WRAP, FIT_ELLIPSIS };
enum valign { VA_TOP, VA_MIDDLE, VA_BOTTOM };

struct elem {
    enum elem_kind kind;
    int line;           /* where it was defined, for messages */
    double x, y, w, h;  /* mm; for a line: x,y to x+w,y+h */
    double size, min;   /* text: font size and the smallest allowed, in points */
    double stroke;      /* line and box: width in mm */
    bool bold, wrap, fill, hrt;
    enum fit fit;
    bool fit_given; /* fit= was written: otherwise the default applies */
    bool legal;     /* prints a field the law requires (name, origin, price, unit):
                       only such text may refuse a label; other text is cut */
    enum align align;
    enum valign valign;
    enum symbology sym;
    char *content;      /* text or barcode data with {placeholders} */
    char *cond;         /* "if=FIELD": drawn only when the field is present */
    char *link_base;    /* GS1 Digital Link host, "https://id.gs1.org" */
    double cols[TABLE_MAX_COLS]; /* table: each column's share of the width, percent */
    int ncols;
};

struct ent_label_template {
    char *name;
    double width, height; /* mm */
    char *font;           /* preferred family, or NULL */
    char *zpl_font;       /* ZPL font for non-ASCII text, "E:ANMDS.TTF" */
    bool zpl_text_font;   /* "zpl-text font": ZPL text in the printer's fonts, not as graphics */
    bool food;            /* "food": a GB 7718 back label; what it needs follows the food_kind */
    char **require;       /* "a|b" alternatives, each must have one present */
    size_t nrequire;
    struct elem *elems;
    size_t nelems;
};

struct ent_label_sheet {
    char *name;
    bool roll;
    double page_w, page_h;  /* mm */
    int cols, rows;
    double cell_w, cell_h;
    double left, top;       /* margins */
    double gap_x, gap_y;
};

/* ---- a laid-out label: what every renderer draws ---------------------- */

struct rect {
    float x, y, w, h; /* mm, label coordinates */
};

struct hrt {         /* a barcode's human-readable text, as libzint placed it */
    float x, y, size; /* baseline point and font size, mm */
    int halign;       /* 0 centre, 1 left, 2 right (libzint's convention) */
    char *text;
};

struct out_text {
    double x, y, w, h; /* the box, mm */
    double size;       /* chosen size, mm */
    double ascent;     /* of the chosen size, mm */
    bool bold;
    enum align align;
    enum valign valign;
    char **lines;
    size_t nlines;
    double *widths;    /* measured width of each line, mm */
};

#define LINE_SPACING 1.2 /* line height as a multiple of the font size */

/* Where line i of a text box starts: x from its measured width and the
 * box's alignment, y its baseline (both writers place text alike). */
static inline void entx_label_line_at(const struct out_text *t, size_t i, double *x, double *y)
{
    double total = t->size * (1 + LINE_SPACING * (double)(t->nlines ? t->nlines - 1 : 0));
    double top = t->y;
    if (t->valign == VA_MIDDLE)
        top += (t->h - total) / 2;
    else if (t->valign == VA_BOTTOM)
        top += t->h - total;
    *x = t->x;
    if (t->align == AL_CENTER)
        *x += (t->w - t->widths[i]) / 2;
    else if (t->align == AL_RIGHT)
        *x += t->w - t->widths[i];
    *y = top + t->ascent + (double)i * t->size * LINE_SPACING;
}

struct out_barcode {
    enum symbology sym;
    double x, y, w, h;  /* the element's box, mm */
    double module;      /* X-dimension chosen, mm */
    char *data;         /* as encoded: GS1 in [AI] form, or plain */
    char *gs1;          /* GS1 barcodes: the AIs read back, bracketed "(01)...", else NULL */
    int line;           /* the template line of the barcode */
    struct rect *rects;
    size_t nrects;
    struct hrt *hrts;
    size_t nhrts;
    double bar_h;       /* linear codes: bar height without text, mm */
};

struct out_item {
    enum elem_kind kind;
    union {
        struct out_text text;
        struct out_barcode bc;
        struct { double x, y, w, h, stroke; bool fill; } geom;
    } u;
};

struct out_label {
    struct out_item *items;
    size_t nitems;
    int copies;
};

struct ent_label_job {
    const ent_label_template *t;
    ent_label_options opt;
    char font[128];      /* the family actually used */
    void *measure;       /* cairo_t used to measure text (label_cairo.c) */
    void *face[2];       /* cairo_font_face_t of the font, regular and bold: made once */
    bool zpl_font_text;  /* ZPL text in the printer's resident fonts (else graphics) */
    void *raster;        /* cairo_surface_t (A8) the ZPL writer draws text on, one label at a time */
    bool blank_celsius;  /* the font's ℃ and ℉ draw nothing (WenQuanYi Micro Hei): write °C, °F */
    void *widths;        /* measured widths by text, size and weight (label_cairo.c) */
    void *glyphs;        /* glyphs by character and weight, advances by size (label_cairo.c) */
    struct out_label *labels;
    size_t nlabels, cap;
    size_t total;        /* labels counting copies */
};

/* Records code and a printf-style message as the calling thread's last
 * error and returns code. The label library is an object of its own: it
 * reports through the public ent_error_set, not the core's internals. */
int entx_label_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The same for a job's calls (the job names nothing more: kept for the
 * callers). */
int entx_label_fail(ent_label_job *job, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));


/* Sets origin, origin_en and origin_zh to the n countries joined by "/"
 * ("IT/PL", "Italy/Poland", "意大利/波兰"). ENT_ERROR when out of memory. */
int entx_label_data_set_origins(ent_label_data *d, const char *const *codes, size_t n);

/* Expands {placeholders} of s with d into a new string (*out). Returns 0, or
 * -1 with the name of the first missing required field in missing. */
int entx_label_expand(char **out, const char *s, const ent_label_data *d, char *missing, size_t missing_len);

/* Placement of label number i (0-based) on its page: page index, offset and
 * scale (a label bigger than the sheet's cell is shrunk to fit). */
void entx_label_place(const ent_label_job *job, size_t *page, double *x, double *y, double *scale, size_t i);
/* Page size in mm. */
void entx_label_page_size(const ent_label_job *job, double *w, double *h);
/* Labels per page. */
size_t entx_label_per_page(const ent_label_job *job);

/* Barcodes: encodes data for the element into bc, fitted to the element's
 * box. Returns ENT_OK or ENT_INVALID with libzint's reason as the calling
 * thread's last error. */
int entx_label_barcode_make(struct out_barcode *bc, const struct elem *e, const char *data);
void entx_label_barcode_clear(struct out_barcode *bc);

/* cairo side (label_cairo.c). */
int entx_label_font_pick(ent_label_job *job, const char *want);
int entx_label_measure_text(ent_label_job *job, double *width, double *ascent, const char *text, double size_mm,
                            bool bold);
void entx_label_measure_free(ent_label_job *job);
/* The first character of text the font has no glyph for, copied to bad
 * (UTF-8); 0 when all are there, 1 when one is missing. */
int entx_label_missing_glyph(ent_label_job *job, char bad[8], const char *text);
int entx_label_write_cairo(ent_label_job *job, FILE *f, const char *path);
/* The PDF written without cairo's PDF surface (label_pdfw.c). *covered is
 * false, and nothing written, when it does not cover the job's font (then
 * cairo writes it) or ENTREPOT_LABEL_PDF=cairo asks for cairo's. */
int entx_label_pdf_direct(ent_label_job *job, FILE *f, bool *covered);

/* One label's text drawn at k dots per mm, for ZPL: the text items i of l
 * with draw[i] (draw NULL: all), each clipped to its box, on a bitmap of
 * the whole label (kept on the job); only their boxes are meaningful.
 * *px gets rows of *stride bytes, one a dot, 0 white to 255 black.
 * ENT_ERROR when cairo fails. */
int entx_label_text_bitmap(ent_label_job *job, const struct out_label *l, const bool *draw, double k,
                           const unsigned char **px, int *stride);

/* path with "-N" before its extension, for page N (1-based) of a paged format. */
void entx_label_page_path(char *out, size_t len, const char *path, size_t page);

/* The other writers. */
int entx_label_write_svg(ent_label_job *job, FILE *f, const char *path);
int entx_label_write_zpl(ent_label_job *job, FILE *f);
/* In resident-font mode: refuses text whose estimated width in the
 * printer's font is wider than its box (ENT_INVALID, message on job). */
int entx_label_zpl_font_check(ent_label_job *job, const struct out_text *t, const char *who, int line);

/* GS1 helpers shared by the writers. */
/* Writes the GS1 element string data as ZPL field data into out: "(AI)value"
 * when parens, else "_1" for FNC1 where GS1 needs one (^BX escapes). On
 * failure the calling thread's last error says what is wrong. */
int entx_label_gs1_zpl(char *out, size_t len, const char *data, bool parens);

#endif
