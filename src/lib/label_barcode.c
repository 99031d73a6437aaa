/* Barcodes on labels: libzint encodes, and its vector output is kept as
 * plain rectangles in label millimetres for every renderer; GS1 element
 * strings and Digital Link URIs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zint.h>

#include "internal.h"
#include "label_int.h"
#include "scan_internal.h"

/* Smallest X-dimension accepted: below this, office laser printers and
 * counter scanners stop agreeing (GS1 allows 0.264 mm for EAN-13 at 80%;
 * we leave a little room for shelf labels printed smaller). */
#define MIN_MODULE_LINEAR 0.18
#define MIN_MODULE_2D 0.25
/* Bars shorter than this many modules no longer scan reliably at an angle. */
#define MIN_BAR_MODULES 12

static const char *sym_name(enum symbology s)
{
    static const char *const names[] = {"EAN-13", "EAN-8", "UPC-A", "Code 128", "GS1-128",
                                        "GS1 DataMatrix", "DataMatrix", "QR", "GS1 Digital Link QR"};
    return names[s];
}

/* Checks that a digit string has the given length and a valid mod-10 check digit. */
static int digits_ok(const char *s, size_t n1, size_t n2, const char *what)
{
    size_t n = strlen(s);
    if (strspn(s, "0123456789") != n || (n != n1 && n != n2)) {
        if (n1 == n2)
            entx_label_error(ENT_INVALID, "%s needs %zu digits, got '%s'", what, n1, s);
        else
            entx_label_error(ENT_INVALID, "%s needs %zu or %zu digits, got '%s'", what, n1, n2, s);
        return ENT_INVALID;
    }
    return ENT_OK;
}

static int percent_put(char *out, size_t len, size_t *pos, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.' || c == '_' || c == '~';
        if (*pos + 4 >= len)
            return -1;
        if (keep) {
            out[(*pos)++] = (char)c;
        } else {
            out[(*pos)++] = '%';
            out[(*pos)++] = hex[c >> 4];
            out[(*pos)++] = hex[c & 15];
        }
    }
    out[*pos] = '\0';
    return 0;
}

struct gs1_el {
    char ai[5];
    const char *v;
    size_t vlen;
};

/* Splits "[01]...[10]..." into elements (pointing into s). */
static int gs1_split(const char *s, struct gs1_el *els, int max, int *n)
{
    *n = 0;
    while (*s) {
        const char *close = strchr(s, ']');
        if (*s != '[' || close == NULL || close - s < 3 || close - s > 5 ||
            (size_t)(close - s - 1) != strspn(s + 1, "0123456789")) {
            entx_label_error(ENT_INVALID, "GS1 data must be [AI]value... with 2-4 digit AIs, got '%s'", ENT_CLIP(s, 40));
            return ENT_INVALID;
        }
        if (*n == max) {
            entx_label_error(ENT_INVALID, "too many GS1 elements (at most %d)", max);
            return ENT_INVALID;
        }
        struct gs1_el *e = &els[(*n)++];
        memcpy(e->ai, s + 1, (size_t)(close - s - 1));
        e->ai[close - s - 1] = '\0';
        e->v = close + 1;
        e->vlen = strcspn(e->v, "[");
        if (e->vlen == 0) {
            entx_label_error(ENT_INVALID, "GS1 AI (%s) has no value", e->ai);
            return ENT_INVALID;
        }
        s = e->v + e->vlen;
    }
    if (*n == 0) {
        entx_label_error(ENT_INVALID, "empty GS1 data");
        return ENT_INVALID;
    }
    return ENT_OK;
}

/* Builds a GS1 Digital Link URI from a bracketed element string. */
static int label_gs1_link(char **out, const char *base, const char *elements)
{
    struct gs1_el els[16];
    int n = 0, rc;
    char uri[1024], val[256];
    size_t pos;
    *out = NULL;
    if ((rc = gs1_split(elements, els, 16, &n)) != ENT_OK)
        return rc;
    if (strcmp(els[0].ai, "01") != 0) {
        entx_label_error(ENT_INVALID, "a GS1 Digital Link starts with the GTIN, [01]");
        return ENT_INVALID;
    }
    pos = (size_t)snprintf(uri, sizeof uri, "%s", base);
    /* The GTIN's key qualifiers go in the path in this order, the rest
     * (dates, weights) in the query string (GS1 Digital Link 1.2, 4.3). */
    static const char *const path_ais[] = {"01", "22", "10", "21"};
    for (size_t k = 0; k < 4; k++) {
        for (int i = 0; i < n; i++) {
            if (strcmp(els[i].ai, path_ais[k]) != 0)
                continue;
            snprintf(val, sizeof val, "%.*s", (int)els[i].vlen, els[i].v);
            pos += (size_t)snprintf(uri + pos, sizeof uri - pos, "/%s/", els[i].ai);
            if (pos >= sizeof uri || percent_put(uri, sizeof uri, &pos, val) != 0)
                goto too_long;
        }
    }
    char sep = '?';
    for (int i = 0; i < n; i++) {
        bool in_path = false;
        for (size_t k = 0; k < 4; k++)
            in_path |= strcmp(els[i].ai, path_ais[k]) == 0;
        if (in_path)
            continue;
        snprintf(val, sizeof val, "%.*s", (int)els[i].vlen, els[i].v);
        pos += (size_t)snprintf(uri + pos, sizeof uri - pos, "%c%s=", sep, els[i].ai);
        if (pos >= sizeof uri || percent_put(uri, sizeof uri, &pos, val) != 0)
            goto too_long;
        sep = '&';
    }
    *out = strdup(uri);
    return *out ? ENT_OK : ENT_ERROR;
too_long:
    entx_label_error(ENT_INVALID, "the GS1 Digital Link would be longer than %zu bytes", sizeof uri);
    return ENT_INVALID;
}

/* Plain rectangles and text from libzint's vector buffer, scaled by s
 * (vector units to mm) and moved to (ox, oy). */
static int copy_vector(struct out_barcode *bc, const struct zint_vector *v, double s, double ox, double oy)
{
    size_t n = 0, k = 0;
    for (const struct zint_vector_rect *r = v->rectangles; r; r = r->next)
        n++;
    bc->rects = malloc((n ? n : 1) * sizeof *bc->rects);
    if (bc->rects == NULL)
        return ENT_ERROR;
    for (const struct zint_vector_rect *r = v->rectangles; r; r = r->next) {
        if (r->colour == 8) /* white: the background is already white */
            continue;
        bc->rects[k++] = (struct rect){(float)(ox + r->x * s), (float)(oy + r->y * s), (float)(r->width * s),
                                       (float)(r->height * s)};
    }
    bc->nrects = k;
    n = 0;
    for (const struct zint_vector_string *t = v->strings; t; t = t->next)
        n++;
    if (n) {
        bc->hrts = calloc(n, sizeof *bc->hrts);
        if (bc->hrts == NULL)
            return ENT_ERROR;
    }
    for (const struct zint_vector_string *t = v->strings; t; t = t->next) {
        struct hrt *h = &bc->hrts[bc->nhrts++];
        h->x = (float)(ox + t->x * s);
        h->y = (float)(oy + t->y * s);
        h->size = (float)(t->fsize * s);
        h->halign = t->halign;
        h->text = strdup((const char *)t->text);
        if (h->text == NULL)
            return ENT_ERROR;
    }
    return ENT_OK;
}

static void setup(struct zint_symbol *z, const struct elem *e, const char *data)
{
    static const int zsym[] = {BARCODE_EANX, BARCODE_EANX, BARCODE_UPCA, BARCODE_CODE128, BARCODE_GS1_128,
                               BARCODE_DATAMATRIX, BARCODE_DATAMATRIX, BARCODE_QRCODE, BARCODE_QRCODE};
    z->symbology = zsym[e->sym];
    /* libzint reads 8 digits as a short EAN-13: data that carries its check
     * digit goes through the _CHK variant, which verifies it. */
    if ((e->sym == SYM_EAN13 && strlen(data) == 13) || (e->sym == SYM_EAN8 && strlen(data) == 8))
        z->symbology = BARCODE_EANX_CHK;
    z->output_options = BARCODE_QUIET_ZONES;
    z->show_hrt = e->hrt ? 1 : 0;
    /* libzint only warns about a wrong GS1 check digit (AI 00, 01, 02...):
     * a label must not print one, so every warning is an error here. */
    z->warn_level = WARN_FAIL_ALL;
    switch (e->sym) {
    case SYM_GS1_128:
    case SYM_GS1_DATAMATRIX: z->input_mode = GS1_MODE; break;
    case SYM_CODE128:
    case SYM_DATAMATRIX:
    case SYM_QR: z->input_mode = UNICODE_MODE; break;
    default: z->input_mode = DATA_MODE; break;
    }
    if (e->sym == SYM_GS1_DATAMATRIX || e->sym == SYM_DATAMATRIX)
        z->option_3 = DM_SQUARE;
    if (e->sym == SYM_QR || e->sym == SYM_GS1_QR_LINK)
        z->option_1 = 2; /* error correction level M */
    /* Chinese text goes in as UTF-8 under ECI 26, which decoders honour,
     * rather than libzint's guess of Shift JIS. */
    if (e->sym == SYM_QR || e->sym == SYM_DATAMATRIX) {
        for (const unsigned char *c = (const unsigned char *)data; *c; c++) {
            if (*c >= 0x80) {
                z->eci = 26;
                break;
            }
        }
    }
}

/* GS1 values are limited to character set 82 (GS1 General Specifications
 * figure 7.11-1); libzint 2.11 lets a space through, which scanners' GS1
 * parsers then refuse. */
static int gs1_cset82(const char *data)
{
    static const char cset82[] = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
    struct gs1_el els[16];
    int n = 0, rc;
    if ((rc = gs1_split(data, els, 16, &n)) != ENT_OK)
        return rc;
    for (int i = 0; i < n; i++) {
        for (size_t k = 0; k < els[i].vlen; k++) {
            unsigned char c = (unsigned char)els[i].v[k];
            if (c == '\0' || strchr(cset82, c) == NULL) {
                char what[16];
                if (c == ' ')
                    snprintf(what, sizeof what, "a space");
                else
                    snprintf(what, sizeof what, "'%c'", c >= 0x20 && c < 0x7f ? (char)c : '?');
                entx_label_error(ENT_INVALID, "GS1 AI (%s) value '%.*s': %s at position %zu is not in the GS1 character set",
                         els[i].ai, (int)els[i].vlen, els[i].v, what, k + 1);
                return ENT_INVALID;
            }
        }
    }
    return ENT_OK;
}

/* Checks what libzint would accept but a label must not print. */
/*
 * What GS1's own Syntax Engine would refuse is never printed: the data
 * (the [AI] form, or the Digital Link URI built from it) is read back by
 * the scan parser in strict mode. Required companions may be on another
 * barcode of the label: the layout checks the label's GS1 data together.
 * On success *hri receives the AIs in bracketed form (malloc'd).
 */
static int gs1_strict(const char *data, bool link, char **hri)
{
    static _Thread_local ent_scan s; /* large: kept off the stack */
    ent_scan_config cfg;
    char buf[4096];
    size_t o = 0;
    ent_scan_config_init(&cfg);
    cfg.strict = ENT_SCAN_STRICT_CARRIER;
    if (!link && strlen(data) * 2 + 1 > sizeof buf) {
        return entx_label_error(ENT_INVALID, "GS1 data of %zu bytes: longer than the 2047 bytes checked before printing",
                                strlen(data));
    }
    if (!link) {
        /* [01]...[10]... to (01)...(10)..., a '(' in data escaped as \( */
        for (const char *c = data; *c && o + 3 < sizeof buf; c++) {
            int ai_open = *c == '[' && c[strspn(c + 1, "0123456789") + 1] == ']';
            if (ai_open) {
                size_t k = strspn(c + 1, "0123456789");
                buf[o++] = '(';
                for (size_t j = 0; j < k && o + 2 < sizeof buf; j++)
                    buf[o++] = c[1 + j];
                buf[o++] = ')';
                c += k + 1;
                continue;
            }
            if (*c == '(')
                buf[o++] = '\\';
            buf[o++] = *c;
        }
        buf[o] = '\0';
        data = buf;
    }
    if (ent_scan_parse(&s, data, strlen(data), &cfg) != ENT_OK) {
        return entx_label_error(ENT_INVALID, "GS1 data '%s' would not pass GS1's checks: %s", ENT_CLIP(data, 40),
                                ent_error_last()->message);
    }
    int n = ent_scan_format_hri(NULL, 0, &s);
    *hri = malloc((size_t)n + 1);
    if (*hri == NULL) {
        return entx_label_error(ENT_ERROR, "out of memory");
    }
    ent_scan_format_hri(*hri, (size_t)n + 1, &s);
    return ENT_OK;
}

static int precheck(const struct elem *e, const char *data)
{
    switch (e->sym) {
    case SYM_EAN13: return digits_ok(data, 12, 13, "EAN-13");
    case SYM_EAN8: return digits_ok(data, 7, 8, "EAN-8");
    case SYM_UPCA: return digits_ok(data, 11, 12, "UPC-A");
    default: break;
    }
    if (e->sym == SYM_GS1_128 || e->sym == SYM_GS1_DATAMATRIX || e->sym == SYM_GS1_QR_LINK) {
        int rc = gs1_cset82(data);
        if (rc != ENT_OK)
            return rc;
    }
    for (const unsigned char *c = (const unsigned char *)data; *c; c++) {
        if (*c < 0x20 || *c == 0x7f) {
            entx_label_error(ENT_INVALID, "%s data contains a control character", sym_name(e->sym));
            return ENT_INVALID;
        }
        if ((e->sym == SYM_GS1_128 || e->sym == SYM_GS1_DATAMATRIX || e->sym == SYM_GS1_QR_LINK) && *c >= 0x80) {
            entx_label_error(ENT_INVALID, "%s data must be ASCII (GS1 character set 82): '%s'", sym_name(e->sym), ENT_CLIP(data, 40));
            return ENT_INVALID;
        }
    }
    return ENT_OK;
}

static int encode(struct zint_symbol *z, const struct elem *e, const char *data)
{
    int zr = ZBarcode_Encode(z, (const unsigned char *)data, (int)strlen(data));
    if (zr >= ZINT_ERROR) {
        entx_label_error(ENT_INVALID, "%s cannot encode '%s': %s", sym_name(e->sym), ENT_CLIP(data, 60), z->errtxt);
        return ENT_INVALID;
    }
    zr = ZBarcode_Buffer_Vector(z, 0);
    if (zr >= ZINT_ERROR) {
        entx_label_error(ENT_INVALID, "%s: %s", sym_name(e->sym), z->errtxt);
        return ENT_ERROR;
    }
    return ENT_OK;
}

int entx_label_barcode_make(struct out_barcode *bc, const struct elem *e, const char *data)
{
    struct zint_symbol *z = ZBarcode_Create();
    char *link = NULL;
    int rc;
    memset(bc, 0, sizeof *bc);
    bc->sym = e->sym;
    bc->x = e->x, bc->y = e->y, bc->w = e->w, bc->h = e->h;
    if (z == NULL) {
        entx_label_error(ENT_ERROR, "out of memory");
        return ENT_ERROR;
    }
    if ((rc = precheck(e, data)) != ENT_OK)
        goto done;
    if (e->sym == SYM_GS1_QR_LINK) {
        if ((rc = label_gs1_link(&link, e->link_base, data)) != ENT_OK)
            goto done;
    }
    if (e->sym == SYM_GS1_128 || e->sym == SYM_GS1_DATAMATRIX || e->sym == SYM_GS1_QR_LINK) {
        if ((rc = gs1_strict(link ? link : data, link != NULL, &bc->gs1)) != ENT_OK)
            goto done;
    }
    bc->data = strdup(link ? link : data);
    setup(z, e, bc->data);
    if ((rc = encode(z, e, bc->data)) != ENT_OK)
        goto done;
    double vw = z->vector->width, vh = z->vector->height;
    bool linear = z->rows == 1 && e->sym != SYM_QR && e->sym != SYM_GS1_QR_LINK;
    double s;
    if (linear) {
        /* Fill the box: the width sets the X-dimension (libzint draws two
         * vector units per module), then the bars are made as tall as the
         * box allows under the human-readable text. */
        s = e->w / vw;
        double text_units = vh - 2.0 * z->height;
        double bars = (e->h / s - text_units) / 2.0;
        bc->module = 2.0 * s;
        if (bc->module < MIN_MODULE_LINEAR) {
            entx_label_error(ENT_INVALID, "%s of '%s' needs %.0f modules: a %.1f mm wide box makes them %.3f mm, "
                     "below %.2f mm", sym_name(e->sym), ENT_CLIP(data, 40), vw / 2, e->w, bc->module, MIN_MODULE_LINEAR);
            rc = ENT_INVALID;
            goto done;
        }
        if (bars < MIN_BAR_MODULES) {
            entx_label_error(ENT_INVALID, "%s box of %.1f mm is too low for bars of %d modules", sym_name(e->sym), e->h,
                     MIN_BAR_MODULES);
            rc = ENT_INVALID;
            goto done;
        }
        ZBarcode_Clear(z);
        setup(z, e, bc->data);
        z->height = (float)bars;
        if ((rc = encode(z, e, bc->data)) != ENT_OK)
            goto done;
        bc->bar_h = bars * bc->module;
        rc = copy_vector(bc, z->vector, s, e->x, e->y);
    } else {
        s = e->w / vw < e->h / vh ? e->w / vw : e->h / vh;
        bc->module = 2.0 * s;
        if (bc->module < MIN_MODULE_2D) {
            entx_label_error(ENT_INVALID, "%s of '%s' needs %.0f modules: the %.1fx%.1f mm box makes them %.3f mm, "
                     "below %.2f mm", sym_name(e->sym), ENT_CLIP(data, 40), vw / 2, e->w, e->h, bc->module, MIN_MODULE_2D);
            rc = ENT_INVALID;
            goto done;
        }
        rc = copy_vector(bc, z->vector, s, e->x + (e->w - vw * s) / 2, e->y + (e->h - vh * s) / 2);
    }
    if (rc == ENT_ERROR)
        entx_label_error(ENT_ERROR, "out of memory");
done:
    ZBarcode_Delete(z);
    free(link);
    if (rc != ENT_OK)
        entx_label_barcode_clear(bc);
    return rc;
}

void entx_label_barcode_clear(struct out_barcode *bc)
{
    free(bc->data);
    free(bc->gs1);
    free(bc->rects);
    for (size_t i = 0; i < bc->nhrts; i++)
        free(bc->hrts[i].text);
    free(bc->hrts);
    memset(bc, 0, sizeof *bc);
}

/* Shared with the ZPL writer: the element string with FNC1 positions. */
int entx_label_gs1_zpl(char *out, size_t len, const char *data, bool parens)
{
    struct gs1_el els[16];
    int n = 0, rc;
    size_t pos = 0;
    if ((rc = gs1_split(data, els, 16, &n)) != ENT_OK)
        return rc;
    for (int i = 0; i < n; i++) {
        int w;
        if (parens)
            w = snprintf(out + pos, len - pos, "(%s)%.*s", els[i].ai, (int)els[i].vlen, els[i].v);
        else /* ^BX with escape '_': "_1" is FNC1, before the first AI and after variable-length ones */
            w = snprintf(out + pos, len - pos, "%s%s%.*s",
                         i == 0 || ent_gs1_predefined_length(els[i - 1].ai) == 0 ? "_1" : "", els[i].ai,
                         (int)els[i].vlen, els[i].v);
        if (w < 0 || (size_t)w >= len - pos) {
            entx_label_error(ENT_INVALID, "GS1 data too long");
            return ENT_INVALID;
        }
        pos += (size_t)w;
    }
    return ENT_OK;
}
