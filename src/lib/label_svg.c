/* SVG written directly from the laid-out label (libzint's own SVG writer
 * calls setlocale, which a library must not do behind its caller's back).
 * Numbers are formatted by hand for the same reason: printf's %f follows
 * LC_NUMERIC. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "label_int.h"


/* A millimetre value with three decimals, always with a '.' */
static const char *num(char *buf, double v)
{
    long long t = (long long)(v * 1000 + (v < 0 ? -0.5 : 0.5));
    const char *sign = t < 0 ? "-" : "";
    if (t < 0)
        t = -t;
    snprintf(buf, 32, "%s%lld.%03lld", sign, t / 1000, t % 1000);
    return buf;
}

static void xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* Where and how a text element is drawn: mm, anchor NULL for SVG's start. */
struct svg_at {
    double x, y, size;
    bool bold;
    const char *anchor;
};

static void text_el(FILE *f, const char *font, const struct svg_at *at, const char *s)
{
    char a[32], b[32], c[32];
    fprintf(f, "<text x=\"%s\" y=\"%s\" font-size=\"%s\" font-family=\"", num(a, at->x), num(b, at->y),
            num(c, at->size));
    xml_text(f, font);
    fprintf(f, ", sans-serif\"%s%s%s%s>", at->bold ? " font-weight=\"bold\"" : "", at->anchor ? " text-anchor=\"" : "",
            at->anchor ? at->anchor : "", at->anchor ? "\"" : "");
    xml_text(f, s);
    fputs("</text>\n", f);
}

static void svg_label(FILE *f, const ent_label_job *job, const struct out_label *l)
{
    char a[32], b[32], c[32], d[32];
    for (size_t i = 0; i < l->nitems; i++) {
        const struct out_item *it = &l->items[i];
        if (it->kind == EL_TEXT) {
            const struct out_text *t = &it->u.text;
            double total = t->size * (1 + LINE_SPACING * (double)(t->nlines ? t->nlines - 1 : 0));
            double top = t->y + (t->valign == VA_MIDDLE ? (t->h - total) / 2 : t->valign == VA_BOTTOM ? t->h - total : 0);
            for (size_t k = 0; k < t->nlines; k++) {
                double x = t->x + (t->align == AL_CENTER ? (t->w - t->widths[k]) / 2
                                   : t->align == AL_RIGHT ? t->w - t->widths[k] : 0);
                text_el(f, job->font,
                        &(struct svg_at){.x = x,
                                         .y = top + t->ascent + (double)k * t->size * LINE_SPACING,
                                         .size = t->size,
                                         .bold = t->bold},
                        t->lines[k]);
            }
        } else if (it->kind == EL_BARCODE) {
            const struct out_barcode *bc = &it->u.bc;
            fputs("<path fill=\"#000\" shape-rendering=\"crispEdges\" d=\"", f);
            for (size_t k = 0; k < bc->nrects; k++) {
                const struct rect *r = &bc->rects[k];
                fprintf(f, "M%s %sh%sv%sh-%sZ", num(a, r->x), num(b, r->y), num(c, r->w), num(d, r->h), num(a, r->w));
            }
            fputs("\"/>\n", f);
            for (size_t k = 0; k < bc->nhrts; k++) {
                const struct hrt *h = &bc->hrts[k];
                text_el(f, job->font,
                        &(struct svg_at){.x = h->x,
                                         .y = h->y,
                                         .size = h->size,
                                         .anchor = h->halign == 1   ? "start"
                                                   : h->halign == 2 ? "end"
                                                                    : "middle"},
                        h->text);
            }
        } else if (it->kind == EL_LINE) {
            fprintf(f, "<line x1=\"%s\" y1=\"%s\" ", num(a, it->u.geom.x), num(b, it->u.geom.y));
            fprintf(f, "x2=\"%s\" y2=\"%s\" ", num(a, it->u.geom.x + it->u.geom.w), num(b, it->u.geom.y + it->u.geom.h));
            fprintf(f, "stroke=\"#000\" stroke-width=\"%s\"/>\n", num(a, it->u.geom.stroke));
        } else {
            fprintf(f, "<rect x=\"%s\" y=\"%s\" ", num(a, it->u.geom.x), num(b, it->u.geom.y));
            fprintf(f, "width=\"%s\" height=\"%s\" ", num(a, it->u.geom.w), num(b, it->u.geom.h));
            if (it->u.geom.fill)
                fputs("fill=\"#000\"/>\n", f);
            else
                fprintf(f, "fill=\"none\" stroke=\"#000\" stroke-width=\"%s\"/>\n", num(a, it->u.geom.stroke));
        }
    }
}

static int svg_page(FILE *f, const ent_label_job *job, size_t page)
{
    double pw, ph;
    char a[32], b[32];
    size_t per = entx_label_per_page(job), n = 0;
    entx_label_page_size(job, &pw, &ph);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%smm\" ", num(a, pw));
    fprintf(f, "height=\"%smm\" viewBox=\"0 0 %s ", num(a, ph), num(b, pw));
    fprintf(f, "%s\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n", num(a, ph));
    for (size_t i = 0; i < job->nlabels; i++) {
        for (int c = 0; c < job->labels[i].copies; c++, n++) {
            if (n / per != page)
                continue;
            size_t pg;
            double x, y, scale;
            entx_label_place(job, &pg, &x, &y, &scale, n);
            fprintf(f, "<g transform=\"translate(%s %s) ", num(a, x), num(b, y));
            fprintf(f, "scale(%s)\">\n", num(a, scale));
            svg_label(f, job, &job->labels[i]);
            fputs("</g>\n", f);
        }
    }
    fputs("</svg>\n", f);
    return ferror(f) ? ENT_ERROR : ENT_OK;
}

int entx_label_write_svg(ent_label_job *job, FILE *f, const char *path)
{
    size_t pages = ent_label_job_pages(job);
    if (f) {
        if (pages > 1)
            return entx_label_fail(job, ENT_INVALID, "an SVG holds one page and this job has %zu: write it to a file "
                                                "(out.svg becomes out-1.svg, out-2.svg, ...)", pages);
        return svg_page(f, job, 0) == ENT_OK ? ENT_OK : entx_label_fail(job, ENT_ERROR, "writing the SVG failed");
    }
    for (size_t p = 0; p < pages; p++) {
        char name[4096];
        entx_label_page_path(name, sizeof name, path, p + 1);
        FILE *out = fopen(name, "wb");
        if (out == NULL)
            return entx_label_fail(job, ENT_ERROR, "%s: cannot write", name);
        int rc = svg_page(out, job, p);
        if (fclose(out) != 0 || rc != ENT_OK)
            return entx_label_fail(job, ENT_ERROR, "%s: write failed", name);
    }
    return ENT_OK;
}
