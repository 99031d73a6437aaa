/* PDFs the label library writes into memory: not public API. */
#ifndef ENT_LABEL_PDF_H
#define ENT_LABEL_PDF_H

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * A PDF that cairo writes into memory (the receipt, the purchase order):
 * cairo_pdf_surface_create_for_stream(entx_label_pdf_sink, &buf, ...). On
 * failure buf.failed is set; the caller frees buf.p.
 */
struct entx_pdf_buf {
    unsigned char *p;
    size_t n, cap;
    bool failed;
};
cairo_status_t entx_label_pdf_sink(void *closure, const unsigned char *data, unsigned int len);

#endif
