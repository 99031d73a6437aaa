/*
 * entrepot — labels: templates and sheet layouts read from text files,
 * the fields a label prints, print jobs rendered to PDF, PNG, SVG or ZPL,
 * printing through CUPS, and the reprint queue after price or name changes.
 *
 * The pieces:
 *  - a template (labels/NAME.label) places text, barcodes, lines and boxes
 *    on a label of a given size in millimetres;
 *  - a sheet (labels/NAME.sheet) places labels on pages: an A4 sheet of
 *    N x M labels, or a roll with one label per page;
 *  - label data is a set of named text fields ({name_zh}, {price}, ...),
 *    filled from a commodity, one of its lots and the store;
 *  - a job checks and lays out every label when it is added (barcodes are
 *    encoded, text is fitted), so that a batch can be refused before any
 *    page is written, then writes the whole output at once.
 * The file formats and the list of fields are in README.md, section Labels.
 */
#ifndef ENTREPOT_LABEL_H
#define ENTREPOT_LABEL_H

#include <stdio.h>
#include "entrepot/common.h"
#include "entrepot/catalog.h"
#include "entrepot/db.h"
#include "entrepot/sales.h"
#include "entrepot/stock.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ent_label_template ent_label_template;
typedef struct ent_label_sheet ent_label_sheet;
typedef struct ent_label_data ent_label_data;
typedef struct ent_label_job ent_label_job;

/* ---- templates and sheets ----------------------------------------------- */

/*
 * Parses a template from text. name is used in messages ("shelf.label") and
 * as the template's name. On a mistake returns ENT_INVALID, the calling
 * thread's last error saying "NAME:LINE: what is wrong".
 * Release *out with ent_label_template_free.
 */
ENT_API int ent_label_template_parse(ent_label_template **out, const char *text, const char *name);

/*
 * Reads a template file. `name` is a path (it contains '/' or ends in
 * ".label") or a bare name looked up as DIR/NAME.label. ENT_NOTFOUND when
 * the file does not exist, ENT_ERROR when it cannot be read, ENT_INVALID as
 * for ent_label_template_parse.
 */
ENT_API int ent_label_template_load(ent_label_template **out, const char *dir, const char *name);
ENT_API void ent_label_template_free(ent_label_template *t);

/* The template's name and size in millimetres. Borrowed. */
ENT_API const char *ent_label_template_name(const ent_label_template *t);
ENT_API void ent_label_template_size(const ent_label_template *t, double *width_mm, double *height_mm);

/* Whether the template prints or requires field (in any placeholder,
 * alternative, if= condition or require line): 1 or 0. */
ENT_API int ent_label_template_uses(const ent_label_template *t, const char *field);

/* Sheets: the same rules, files DIR/NAME.sheet. */
ENT_API int ent_label_sheet_parse(ent_label_sheet **out, const char *text, const char *name);
ENT_API int ent_label_sheet_load(ent_label_sheet **out, const char *dir, const char *name);
ENT_API void ent_label_sheet_free(ent_label_sheet *s);

/* Labels per page (1 for a roll). */
ENT_API int ent_label_sheet_per_page(const ent_label_sheet *s);

/* ---- label data --------------------------------------------------------- */

/* An empty set of fields. Release with ent_label_data_free. ENT_ERROR only
 * when out of memory. */
ENT_API int ent_label_data_new(ent_label_data **out);
ENT_API void ent_label_data_free(ent_label_data *d);

/* Sets a field (copied); NULL or "" removes it: a template that needs it
 * then refuses the label. ENT_ERROR only when out of memory. */
ENT_API int ent_label_data_set(ent_label_data *d, const char *field, const char *value);

/* The field's value, or NULL when absent. Borrowed until the next set. */
ENT_API const char *ent_label_data_get(const ent_label_data *d, const char *field);

/*
 * Fills the fields of a commodity, one of its lots (may be NULL: the
 * commodity's default origin is used) and the store (may be NULL). No
 * database is read, so this works on structs from anywhere. Origin names
 * come from ent_country_lookup. The field list is in README.md.
 * ENT_INVALID when an amount cannot be computed in 64 bits (a unit price
 * from a price near 2^63), ENT_ERROR when out of memory.
 */
ENT_API int ent_label_data_from(ent_label_data **out, const ent_product *p, const ent_lot *lot,
                                const ent_store *store);

/*
 * Same, reading the commodity named by code (GTIN, SKU or barcode), its lot
 * lot_code (may be NULL) and the store from db. ENT_NOTFOUND names what is
 * missing, ENT_REFUSED an amount too large to print; the message is on db.
 */
ENT_API int ent_label_data_load(ent_db *db, ent_label_data **out, const char *code, const char *lot_code);

/*
 * Same as ent_label_data_load without a lot, for the shelf label of location
 * (may be NULL): origin, origin_en and origin_zh name the origins of the
 * commodity's lots on hand there, all of them joined by "/" ("IT/PL",
 * "意大利/波兰"), oldest lot first; the commodity's default origin when
 * nothing of it lies there. ENT_NOTFOUND for an unknown location.
 */
ENT_API int ent_label_data_load_at(ent_db *db, ent_label_data **out, const char *code, const char *location);

/* ---- jobs --------------------------------------------------------------- */

/* Copies of one label, and labels in one job (counting copies): more is a
 * mistake (a quantity typed as a count), not a print run. */
#define ENT_LABEL_MAX_COPIES 1000
#define ENT_LABEL_MAX_LABELS 100000

enum ent_label_format { ENT_LABEL_PDF, ENT_LABEL_PNG, ENT_LABEL_SVG, ENT_LABEL_ZPL };

/* How ZPL prints text: as graphics (^GF) drawn by the code that draws the
 * PDF, exactly as measured (the default), or in the printer's resident
 * fonts (font 0, and the template's zpl-font for other scripts), whose
 * widths entrepot can only estimate. TEMPLATE: the template's choice. */
enum ent_label_zpl_text { ENT_LABEL_ZPL_TEXT_TEMPLATE, ENT_LABEL_ZPL_TEXT_GRAPHIC, ENT_LABEL_ZPL_TEXT_FONT };

typedef struct ent_label_options {
    enum ent_label_format format;
    int dpi;                     /* PNG: 72-1200 (default 300); ZPL: 203 or 300 (default 203) */
    const ent_label_sheet *sheet; /* borrowed, must outlive the job; NULL: a roll */
    const char *font;            /* fontconfig family for text; NULL: the template's, else
                                    the first of Noto Sans CJK SC, WenQuanYi Micro Hei,
                                    WenQuanYi Zen Hei, Droid Sans Fallback that has CJK glyphs */
    enum ent_label_zpl_text zpl_text; /* ZPL only */
} ent_label_options;

/*
 * A new job printing template t (borrowed: it must outlive the job) with
 * options o. ENT_INVALID for a bad option, ENT_ERROR when no font with
 * Chinese glyphs is installed (format PDF, PNG). A job's calls say why they
 * failed in the calling thread's last error (ent_error_last), as the
 * template and sheet calls do.
 */
ENT_API int ent_label_job_new(ent_label_job **out, const ent_label_template *t, const ent_label_options *o);
ENT_API void ent_label_job_free(ent_label_job *job);

/*
 * Checks and lays out `copies` copies (1 to ENT_LABEL_MAX_COPIES) of the
 * label for d. `who` names the label in messages (such as "6901234567892
 * 乌龙茶"). ENT_INVALID when the label cannot be made: a field the template
 * needs is missing, a barcode cannot encode its data, text the law requires
 * (name, origin, price, unit) does not fit its box even at its minimum size,
 * or the job would hold more than ENT_LABEL_MAX_LABELS labels. Nothing is
 * added then, and the message says why, naming who. Other text that
 * does not fit is cut with an ellipsis (README.md, section Labels).
 */
ENT_API int ent_label_job_add(ent_label_job *job, const ent_label_data *d, int copies, const char *who);

/* Labels and pages in the job so far. */
ENT_API size_t ent_label_job_labels(const ent_label_job *job);
ENT_API size_t ent_label_job_pages(const ent_label_job *job);

/*
 * Writes the whole output to f. PNG and SVG hold one page: a job of several
 * pages is refused here (ENT_INVALID) and must go to a file. ENT_ERROR for
 * a write or rendering failure.
 */
ENT_API int ent_label_job_write(ent_label_job *job, FILE *f);

/* Writes to path; PNG and SVG jobs of several pages write path with the page
 * number before the extension: out.png -> out-1.png, out-2.png, ... */
ENT_API int ent_label_job_write_file(ent_label_job *job, const char *path);

/*
 * Sends the job to CUPS printer `printer` with `lp -d PRINTER` (raw for ZPL;
 * $ENTREPOT_LP names another lp program). Returns ENT_OK once lp accepted
 * the job (request_id, may be NULL, receives lp's answer, len bytes),
 * ENT_NOTFOUND when the printer does not exist, ENT_ERROR with lp's own
 * words otherwise (lp missing, CUPS not running, ...).
 */
ENT_API int ent_label_job_print(ent_label_job *job, char *request_id, size_t len, const char *printer);

/*
 * Releases the font and glyph caches that cairo and fontconfig keep for the
 * life of the process, so that a leak checker sees a clean exit. Call it
 * at the end of a program, when no label work is going on in any thread.
 */
ENT_API void ent_label_release_caches(void);

/*
 * Records that a job of `labels` labels of template_name went to
 * destination (a printer and CUPS's request id, or a file; 1-1000 bytes
 * of text), with the time and the handle's acting user (ent_user_act_as):
 * table label_print, schema 10. Call it once the job was accepted or written.
 */
ENT_API int ent_label_print_record(ent_db *db, const char *template_name, int64_t labels, const char *destination);

/* ---- the reprint queue -------------------------------------------------- */

/*
 * Queues the shelf label of a commodity after a change of its price or name.
 * Call it inside the transaction that makes the change. reason is free text
 * ("price 12.50 -> 9.90"). The queue lives in the database (schema 003).
 */
ENT_API int ent_label_queue_add(ent_db *db, int64_t product_id, const char *reason);
/* The same for the shelf label at one location (its code, any case): the
 * label then names the origins of the lots lying there. A location that is
 * not a shelf queues the commodity's label for every shelf; an unknown one
 * is ENT_NOTFOUND, named. */
ENT_API int ent_label_queue_add_at(ent_db *db, int64_t product_id, const char *location, const char *reason);

/* One queued commodity (the latest reason when it was queued several times). */
typedef struct ent_label_queued {
    int64_t id;          /* highest queue entry id for this commodity */
    int64_t product_id;
    const char *code;    /* GTIN or SKU, borrowed */
    const char *reason;  /* borrowed */
    const char *queued_at;
    const char *location; /* the shelf whose label is queued (borrowed), or NULL: every shelf */
} ent_label_queued;
typedef int (*ent_label_queue_cb)(const ent_label_queued *q, void *ud);

/* Visits the queue, one row per commodity and location, oldest first. */
ENT_API int ent_label_queue_each(ent_db *db, ent_label_queue_cb cb, void *ud);

/* Removes the entries with id <= upto (those that were printed); entries
 * queued after the job was made stay. *removed (may be NULL) gets the count. */
ENT_API int ent_label_queue_clear(ent_db *db, int64_t *removed, int64_t upto);

/* Removes one commodity's entries with id <= upto (after a job that printed
 * its label while others were skipped). */
ENT_API int ent_label_queue_remove(ent_db *db, int64_t product_id, int64_t upto);

/* A recorded sale's (or return's) receipt as a PDF on roll paper: 58 mm for
 * 32 columns, 80 mm for 48; the text of ent_receipt_text in a monospaced
 * grid (CJK font), one page as long as the receipt, and the journal QR code.
 * *out (malloc'd, *len bytes) is the caller's to free. */
ENT_API int ent_receipt_pdf(ent_db *db, unsigned char **out, size_t *len, const ent_sale *s, int columns,
                            bool reprint);

/* A purchase order (by number or UUID) as an A4 PDF to send to its
 * supplier: headings in Chinese and English, the buyer, supplier, dates,
 * currency, the lines and the total, continued over as many pages as the
 * lines take. *out (malloc'd, *len bytes) is the caller's to free.
 * ENT_NOTFOUND for an unknown order. */
ENT_API int ent_purchase_pdf(ent_db *db, unsigned char **out, size_t *len, const char *order);

#ifdef __cplusplus
}
#endif
#endif
