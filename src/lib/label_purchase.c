/* A purchase order as a PDF to send to the supplier: A4 pages, every heading
 * in Chinese and English, the lines in a table that continues on the next
 * page. Here and not in purchase.c because only the label library links
 * cairo; the order is read through the public API. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/db.h"
#include "entrepot/label.h"
#include "entrepot/money.h"
#include "entrepot/purchase.h"
#include "label_pdf.h"

#define PT_PER_MM (72.0 / 25.4)
#define PAGE_W 210.0
#define PAGE_H 297.0
#define MARGIN 15.0
#define ROW 6.0
#define ROW2 8.5 /* a line whose commodity has an English name under its Chinese one */
#define FONT "WenQuanYi Micro Hei"

/* The table's columns: left edge (mm), right-aligned or not, heading. */
static const struct col {
    double x, w;
    bool right;
    const char *zh, *en;
} cols[] = {{MARGIN, 8, true, "行", "No."},
            {MARGIN + 10, 30, false, "商品编码", "Code"},
            {MARGIN + 41, 22, false, "供应商编码", "Supplier code"},
            {MARGIN + 64, 46, false, "品名", "Commodity"},
            {MARGIN + 111, 12, true, "箱", "Packs"},
            {MARGIN + 124, 10, true, "散件", "Units"},
            {MARGIN + 135, 11, true, "数量", "Qty"},
            {MARGIN + 147, 14, true, "单价/箱", "Price/pack"},
            {MARGIN + 162, 18, true, "金额", "Amount"}};
#define NCOLS (sizeof cols / sizeof *cols)

struct doc {
    cairo_t *cr;
    double y;
    int page;
    ent_purchase po;
    char supplier_name[256], supplier_name_en[256], note[256], store[256], address[256];
    bool have_po;
};

/* Text at x, cut to w mm with "…" (by whole characters), right-aligned or not. */
static void text_in(cairo_t *cr, const char *s, double x, double y, double w, bool right)
{
    char buf[256], cut[264];
    cairo_text_extents_t te;
    snprintf(buf, sizeof buf, "%s", s ? s : "");
    snprintf(cut, sizeof cut, "%s", buf);
    cairo_text_extents(cr, cut, &te);
    size_t n = strlen(buf);
    while (te.x_advance > w && n > 0) {
        n--;
        while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80)
            n--; /* back to the start of the last character */
        snprintf(cut, sizeof cut, "%.*s…", (int)n, buf);
        cairo_text_extents(cr, cut, &te);
    }
    cairo_move_to(cr, right ? x + w - te.x_advance : x, y);
    cairo_show_text(cr, cut);
}

static void table_head(struct doc *d)
{
    cairo_set_font_size(d->cr, 2.6);
    for (size_t i = 0; i < NCOLS; i++) {
        text_in(d->cr, cols[i].zh, cols[i].x, d->y, cols[i].w, cols[i].right);
        text_in(d->cr, cols[i].en, cols[i].x, d->y + 3.2, cols[i].w, cols[i].right);
    }
    d->y += 5;
    cairo_move_to(d->cr, MARGIN, d->y);
    cairo_line_to(d->cr, PAGE_W - MARGIN, d->y);
    cairo_set_line_width(d->cr, 0.3);
    cairo_stroke(d->cr);
    d->y += ROW;
    cairo_set_font_size(d->cr, 3.0);
}

/* The order's status in both languages, as the supplier reads it. */
static const char *status_words(const char *status)
{
    static const char *const words[][2] = {{"draft", "草稿 draft"},
                                          {"sent", "已发送 sent"},
                                          {"partial", "部分到货 partly received"},
                                          {"received", "已收货 received"},
                                          {"cancelled", "已取消 cancelled"}};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcmp(words[i][0], status) == 0)
            return words[i][1];
    return status;
}

static void page_head(struct doc *d)
{
    const ent_purchase *po = &d->po;
    char line[1024], total[ENT_MONEY_TEXT_SIZE];
    cairo_t *cr = d->cr;
    d->page++;
    cairo_set_font_size(cr, 6.0);
    text_in(cr, "采购订单  Purchase order", MARGIN, MARGIN + 6, 120, false);
    text_in(cr, po->number, PAGE_W - MARGIN - 60, MARGIN + 6, 60, true);
    cairo_set_font_size(cr, 3.2);
    double y = MARGIN + 14;
    snprintf(line, sizeof line, "买方 Buyer: %s", d->store);
    text_in(cr, line, MARGIN, y, 110, false);
    snprintf(line, sizeof line, "日期 Date: %.10s", po->sent_at[0] ? po->sent_at : po->created_at);
    text_in(cr, line, PAGE_W - MARGIN - 60, y, 60, true);
    if (d->address[0]) { /* where the goods go */
        y += 5;
        snprintf(line, sizeof line, "地址 Address: %s", d->address);
        text_in(cr, line, MARGIN, y, 110, false);
    }
    y += 5;
    /* both names when both are known: the supplier abroad reads the English */
    bool both = d->supplier_name_en[0] && strcmp(d->supplier_name_en, d->supplier_name) != 0;
    snprintf(line, sizeof line, "供应商 Supplier: %s %s%s%s", po->supplier, d->supplier_name, both ? " · " : "",
             both ? d->supplier_name_en : "");
    text_in(cr, line, MARGIN, y, 110, false);
    snprintf(line, sizeof line, "交货 Delivery: %s", po->expected[0] ? po->expected : "-");
    text_in(cr, line, PAGE_W - MARGIN - 60, y, 60, true);
    y += 5;
    ent_money_format(total, sizeof total, po->total, po->currency);
    snprintf(line, sizeof line, "币种 Currency: %s    状态 Status: %s", po->currency, status_words(po->status));
    text_in(cr, line, MARGIN, y, 110, false);
    snprintf(line, sizeof line, "第 %d 页 Page %d", d->page, d->page);
    text_in(cr, line, PAGE_W - MARGIN - 60, y, 60, true);
    d->y = y + 10;
    table_head(d);
}

static int on_order(const ent_purchase *po, void *ud)
{
    struct doc *d = ud;
    d->po = *po;
    snprintf(d->supplier_name, sizeof d->supplier_name, "%s", po->supplier_name);
    snprintf(d->supplier_name_en, sizeof d->supplier_name_en, "%s", po->supplier_name_en ? po->supplier_name_en : "");
    snprintf(d->note, sizeof d->note, "%s", po->note);
    d->po.supplier_name = d->supplier_name;
    d->po.supplier_name_en = d->supplier_name_en;
    d->po.note = d->note;
    d->po.created_by = d->po.sent_by = d->po.closed_by = "";
    d->have_po = true;
    page_head(d);
    return 0;
}

static int on_line(const ent_purchase_line *l, void *ud)
{
    struct doc *d = ud;
    bool en = l->name_en && l->name_en[0] && strcmp(l->name_en, l->name) != 0;
    if (d->y > PAGE_H - MARGIN - 2 * ROW2) {
        cairo_show_page(d->cr);
        page_head(d);
    }
    char no[16], packs[24], units[24], qty[24], price[ENT_MONEY_TEXT_SIZE], value[ENT_MONEY_TEXT_SIZE];
    snprintf(no, sizeof no, "%d", l->line_no);
    snprintf(packs, sizeof packs, "%lld×%lld", (long long)l->packs, (long long)l->pack_size);
    snprintf(units, sizeof units, "%lld", (long long)l->units);
    snprintf(qty, sizeof qty, "%lld", (long long)l->qty);
    ent_money_format(price, sizeof price, l->price, d->po.currency);
    ent_money_format(value, sizeof value, l->value, d->po.currency);
    const char *cells[NCOLS] = {no, l->gtin[0] ? l->gtin : l->sku, l->supplier_code, l->name, packs, units, qty, price, value};
    for (size_t i = 0; i < NCOLS; i++)
        text_in(d->cr, cells[i], cols[i].x, d->y, cols[i].w, cols[i].right);
    if (en) { /* the English name under the Chinese, smaller: the supplier abroad reads it */
        cairo_set_font_size(d->cr, 2.5);
        text_in(d->cr, l->name_en, cols[3].x, d->y + 3.0, cols[3].w, false);
        cairo_set_font_size(d->cr, 3.0);
    }
    d->y += en ? ROW2 : ROW;
    return 0;
}

static void draw_foot(struct doc *d)
{
    char line[512], total[ENT_MONEY_TEXT_SIZE];
    cairo_t *cr = d->cr;
    if (d->y > PAGE_H - MARGIN - 3 * ROW) {
        cairo_show_page(cr);
        page_head(d);
    }
    cairo_move_to(cr, MARGIN, d->y - ROW + 2);
    cairo_line_to(cr, PAGE_W - MARGIN, d->y - ROW + 2);
    cairo_stroke(cr);
    ent_money_format(total, sizeof total, d->po.total, d->po.currency);
    cairo_set_font_size(cr, 3.6);
    snprintf(line, sizeof line, "合计 Total: %s %s", total, d->po.currency);
    text_in(cr, line, PAGE_W - MARGIN - 90, d->y + 1, 90, true);
    if (d->note[0]) {
        cairo_set_font_size(cr, 3.0);
        snprintf(line, sizeof line, "备注 Note: %s", d->note);
        text_in(cr, line, MARGIN, d->y + 8, PAGE_W - 2 * MARGIN, false);
    }
}

int ent_purchase_pdf(ent_db *db, unsigned char **out, size_t *len, const char *order)
{
    struct entx_pdf_buf b = {0};
    struct doc d = {0};
    ent_store *store = NULL;
    *out = NULL;
    *len = 0;
    /* Read once before drawing, so that a bad number leaves no PDF. */
    int rc = ent_purchase_get(db, order, NULL, NULL, NULL);
    if (rc == ENT_OK)
        rc = ent_store_get(db, &store);
    if (rc != ENT_OK)
        return rc;
    snprintf(d.store, sizeof d.store, "%s %s", store->code, store->name);
    snprintf(d.address, sizeof d.address, "%s%s%s", store->address ? store->address : "",
             store->address && store->phone ? "  " : "", store->phone ? store->phone : "");
    ent_store_free(store);
    cairo_surface_t *sf = cairo_pdf_surface_create_for_stream(entx_label_pdf_sink, &b, PAGE_W * PT_PER_MM, PAGE_H * PT_PER_MM);
    d.cr = cairo_create(sf);
    cairo_scale(d.cr, PT_PER_MM, PT_PER_MM);
    cairo_set_source_rgb(d.cr, 0, 0, 0);
    cairo_select_font_face(d.cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    rc = ent_purchase_get(db, order, on_order, on_line, &d);
    if (rc == ENT_OK && d.have_po)
        draw_foot(&d);
    cairo_show_page(d.cr);
    cairo_destroy(d.cr);
    cairo_surface_finish(sf);
    if (rc == ENT_OK && (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS || b.failed))
        rc = ent_error_set(ENT_ERROR, "the order's PDF could not be drawn (out of memory)");
    cairo_surface_destroy(sf);
    if (rc == ENT_OK) {
        *out = b.p;
        *len = b.n;
    } else {
        free(b.p);
    }
    return rc;
}
