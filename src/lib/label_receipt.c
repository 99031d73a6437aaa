/* A receipt as PDF on roll paper (58 mm for 32 columns, 80 mm for 48): the
 * text of ent_receipt_text set cell by cell in a monospaced grid (a Chinese
 * character takes two cells, as on the printer), one page as long as the
 * receipt, then the journal QR code as on ESC/POS. Here and not in
 * sales_receipt.c because only the label library links cairo and libzint. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <stdlib.h>
#include <string.h>
#include <zint.h>

#include "internal.h"
#include "entrepot/label.h"
#include "label_pdf.h"

#define PT_PER_MM (72.0 / 25.4)
#define CELL_MM 1.5   /* 48 cells on the 72 mm a 80 mm printer prints */
#define FONT_MM 3.0   /* the Mono face's Latin glyphs are half an em: one cell */
#define LINE_MM 3.6
#define MARGIN_MM 4.0
#define QR_MM 30.0

cairo_status_t entx_label_pdf_sink(void *closure, const unsigned char *data, unsigned int len)
{
    struct entx_pdf_buf *b = closure;
    if (b->n + len > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16384;
        while (cap < b->n + len)
            cap *= 2;
        unsigned char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->failed = true;
            return CAIRO_STATUS_NO_MEMORY;
        }
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->n, data, len);
    b->n += len;
    return CAIRO_STATUS_SUCCESS;
}

/* One line, each character at its cell, centred in a wide one's two. */
static void draw_line(cairo_t *cr, const char *line, size_t n, double x0, double y)
{
    char ch[8];
    size_t i = 0;
    int col = 0;
    while (i < n) {
        int len, w = ent_text_cells((const char *)line + i, &len);
        if (w > 0 && line[i] != ' ') {
            cairo_text_extents_t te;
            memcpy(ch, line + i, (size_t)len);
            ch[len] = '\0';
            cairo_text_extents(cr, ch, &te);
            cairo_move_to(cr, x0 + col * CELL_MM + (w * CELL_MM - te.x_advance) / 2, y);
            cairo_show_text(cr, ch);
        }
        col += w;
        i += (size_t)len;
    }
}

/* The QR code (model 2, correction M as on ESC/POS) from libzint's
 * rectangles, scaled to QR_MM square at x, y. */
static int draw_qr(cairo_t *cr, const char *data, double x, double y)
{
    struct zint_symbol *z = ZBarcode_Create();
    int rc = -1;
    if (z == NULL)
        return -1;
    z->symbology = BARCODE_QRCODE;
    z->option_1 = 2;
    z->input_mode = DATA_MODE;
    if (ZBarcode_Encode(z, (const unsigned char *)data, (int)strlen(data)) >= ZINT_ERROR ||
        ZBarcode_Buffer_Vector(z, 0) >= ZINT_ERROR || z->vector == NULL || z->vector->width <= 0)
        goto done;
    double s = QR_MM / z->vector->width;
    for (const struct zint_vector_rect *r = z->vector->rectangles; r; r = r->next)
        cairo_rectangle(cr, x + r->x * s, y + r->y * s, r->width * s, r->height * s);
    cairo_fill(cr);
    rc = 0;
done:
    ZBarcode_Delete(z);
    return rc;
}

static int render(struct entx_pdf_buf *b, const char *text, const char *qr, int columns)
{
    int lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    double paper = columns == 32 ? 58.0 : 80.0, x0 = (paper - columns * CELL_MM) / 2;
    double height = MARGIN_MM * 2 + lines * LINE_MM + (qr ? QR_MM + LINE_MM : 0);
    cairo_surface_t *sf = cairo_pdf_surface_create_for_stream(entx_label_pdf_sink, b, paper * PT_PER_MM, height * PT_PER_MM);
    cairo_t *cr = cairo_create(sf);
    cairo_scale(cr, PT_PER_MM, PT_PER_MM);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_select_font_face(cr, "WenQuanYi Micro Hei Mono", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, FONT_MM);
    double y = MARGIN_MM;
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        y += LINE_MM;
        draw_line(cr, p, n, x0, y - (LINE_MM - FONT_MM) / 2 - 0.6);
        p += n + (p[n] == '\n');
    }
    int rc = qr ? draw_qr(cr, qr, (paper - QR_MM) / 2, y + LINE_MM) : 0;
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(sf);
    if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS || b->failed)
        rc = -1;
    cairo_surface_destroy(sf);
    return rc;
}

int ent_receipt_pdf(ent_db *db, unsigned char **out, size_t *len, const ent_sale *s, int columns, bool reprint)
{
    char *text = NULL;
    struct entx_pdf_buf b = {0};
    *out = NULL;
    *len = 0;
    int rc = ent_receipt_text(db, &text, s, columns, reprint);
    if (rc != ENT_OK)
        return rc;
    if (render(&b, text, s->qr, columns) != 0) {
        free(b.p);
        rc = ent_error_set(ENT_ERROR, "the receipt PDF could not be drawn (out of memory, or its QR data too long)");
    } else {
        *out = b.p;
        *len = b.n;
    }
    free(text);
    return rc;
}
