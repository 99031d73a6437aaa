/* ZPL II for Zebra-compatible thermal printers: the printer's own barcode
 * commands (it draws bars exactly on its dot grid), UTF-8 text with ^CI28.
 * Positions come from the same layout as the PDF, rounded to dots. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "label_int.h"

#define LINE_SPACING 1.2

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

static void zpl_text(const struct zpl *z, const ent_label_job *job, const struct out_text *t)
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

static int zpl_barcode(const struct zpl *z, ent_label_job *job, const struct out_barcode *bc)
{
    int m = module_dots(z, bc->module);
    char buf[512];
    int barh = dots(z, bc->bar_h);
    char hrt = bc->nhrts ? 'Y' : 'N';
    fprintf(z->f, "^FO%d,%d", dots(z, bc->x), dots(z, bc->y));
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

static int zpl_label(const struct zpl *z, ent_label_job *job, const struct out_label *l)
{
    fprintf(z->f, "^XA\n^CI28\n^PW%d\n^LL%d\n^LH0,0\n", dots(z, job->t->width), dots(z, job->t->height));
    for (size_t i = 0; i < l->nitems; i++) {
        const struct out_item *it = &l->items[i];
        int t = dots(z, it->kind == EL_TEXT || it->kind == EL_BARCODE ? 0 : it->u.geom.stroke);
        if (t < 1)
            t = 1;
        switch (it->kind) {
        case EL_TEXT: zpl_text(z, job, &it->u.text); break;
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
        }
    }
    fprintf(z->f, "^PQ%d\n^XZ\n", l->copies);
    return ENT_OK;
}

int entx_label_write_zpl(ent_label_job *job, FILE *f)
{
    struct zpl z = {f, job->opt.dpi / 25.4};
    for (size_t i = 0; i < job->nlabels; i++)
        if (zpl_label(&z, job, &job->labels[i]) != ENT_OK)
            return ENT_INVALID;
    if (ferror(f))
        return entx_label_fail(job, ENT_ERROR, "writing the ZPL failed");
    return ENT_OK;
}
