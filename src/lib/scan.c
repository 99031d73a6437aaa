/*
 * The scan parser: the bytes a counter scanner sends, turned into an
 * ent_scan. Pure: no database, no allocation, bounded by the input length,
 * safe for any bytes. This file tells the kinds of code apart and parses
 * EAN/UPC and store codes; GS1 element strings are in scan_gs1.c, Digital
 * Link in scan_link.c, the scanner configuration in scan_config.c.
 */
#include "entrepot/country.h"
#include "scan_parse.h"

/* ---- EAN/UPC and in-store codes ----------------------------------------- */

static int instore_prefix(const char d[13])
{
    return d[0] == '2' || (d[0] == '0' && (d[1] == '2' || d[1] == '4'));
}

/*
 * A restricted-circulation code: apply the first layout whose prefix it
 * has. The item GTIN (value and price check digit zeroed, check digit
 * recomputed) is the code the catalogue knows the article by.
 */
static int parse_instore(ent_scan *out, const struct ctx *cx, const char d[13])
{
    char item[13];
    out->kind = ENT_SCAN_INSTORE;
    memcpy(out->item_gtin, out->gtin, 15);
    if (cx->cfg == NULL)
        return ENT_OK;
    for (size_t k = 0; k < cx->cfg->n_layouts && k < ENT_SCAN_MAX_LAYOUTS; k++) {
        const ent_scan_layout *l = &cx->cfg->layouts[k];
        if (l->prefix_len == 0 || memcmp(d, l->prefix, l->prefix_len) != 0)
            continue;
        if (l->check_pos >= 0) {
            int cd = ent_gs1_price_check_digit(d + l->value_pos, l->value_len);
            if (cd != d[l->check_pos])
                return fail(out, "in-store code %.13s: %s check digit %c should be %c", d,
                            l->kind == 'P' ? "price" : "weight", d[l->check_pos], cd);
        }
        out->layout = (int)k;
        out->instore_kind = l->kind;
        copy_text(out->instore_item, sizeof out->instore_item, d + l->item_pos, l->item_len);
        int64_t value = digits_value(d + l->value_pos, l->value_len);
        if (l->kind == 'P') {
            out->has_amount = true;
            out->amount = value;
            out->amount_decimals = l->decimals;
        } else {
            out->has_measure = true;
            out->measure.value = value;
            out->measure.decimals = l->decimals;
            memcpy(out->measure.unit, "kg", 3);
        }
        memcpy(item, d, 13);
        memset(item + l->value_pos, '0', l->value_len);
        if (l->check_pos >= 0)
            item[l->check_pos] = '0';
        item[12] = (char)ent_gs1_check_digit(item, 12);
        out->item_gtin[0] = '0';
        memcpy(out->item_gtin + 1, item, 13);
        out->item_gtin[14] = '\0';
        return ENT_OK;
    }
    return ENT_OK;
}

/* A GTIN of n digits (8, 12, 13 or 14) already known to be digits. */
static int take_gtin(ent_scan *out, const struct ctx *cx, const char *p, size_t n, ent_scan_kind kind)
{
    int cd = ent_gs1_check_digit(p, n - 1);
    if (cd != p[n - 1])
        return fail(out, "GTIN %.*s: check digit should be %c", (int)n, p, cd);
    memset(out->gtin, '0', 14 - n);
    memcpy(out->gtin + 14 - n, p, n);
    out->gtin[14] = '\0';
    out->kind = kind;
    if (kind == ENT_SCAN_EAN13 || kind == ENT_SCAN_UPCA) {
        const char *d13 = out->gtin + 1;
        if (instore_prefix(d13))
            return parse_instore(out, cx, d13);
    }
    return ENT_OK;
}

static int take_upce(ent_scan *out, const char *p)
{
    char e[9], a[13];
    memcpy(e, p, 8);
    e[8] = '\0';
    if (ent_upce_expand(a, e) != ENT_OK)
        return fail(out, "UPC-E %s: the number system must be 0 or 1", e);
    int cd = ent_gs1_check_digit(a, 11);
    if (cd != a[11])
        return fail(out, "UPC-E %s: check digit should be %c", e, cd);
    out->kind = ENT_SCAN_UPCE;
    memcpy(out->gtin, "00", 2);
    memcpy(out->gtin + 2, a, 12);
    out->gtin[14] = '\0';
    return ENT_OK;
}

static int valid_upce(const char *p)
{
    char e[9], a[13];
    memcpy(e, p, 8);
    e[8] = '\0';
    return ent_upce_expand(a, e) == ENT_OK && ent_gs1_check_digit(a, 11) == a[11];
}

/* Digits from an EAN/UPC symbol (AIM modifier mod, 0 when no AIM id). */
static int parse_ean_upc(ent_scan *out, const struct ctx *cx, const char *p, size_t n, char mod)
{
    char b[16];
    for (size_t i = 0; i < n; i++)
        if (!is_digit((unsigned char)p[i]))
            return fail(out, "EAN/UPC: %s at position %zu is not a digit", show(b, (unsigned char)p[i]), i + 1);
    if (mod == '1' || mod == '2')
        return fail(out, "an EAN/UPC add-on (%.*s) alone names no product", (int)(n < 5 ? n : 5), p);
    if (mod == '3') {
        /* The main symbol with its 2- or 5-digit add-on after it. */
        size_t main_len = n == 15 || n == 18 ? 13 : n == 14 || n == 17 ? 12 : n == 10 || n == 13 ? 8 : 0;
        if (main_len == 0)
            return fail(out, "EAN/UPC with add-on: %zu digits is no known combination", n);
        copy_text(out->addon, sizeof out->addon, p + main_len, n - main_len);
        n = main_len;
        mod = '0';
    }
    if (mod == '4') {
        if (n != 8)
            return fail(out, "EAN-8: %zu digits, expected 8", n);
        return take_gtin(out, cx, p, 8, ENT_SCAN_EAN8);
    }
    switch (n) {
    case 8:
        if (mod == '0')
            return take_upce(out, p);
        /* Without an AIM id, 8 digits are EAN-8 unless only UPC-E fits. */
        if (ent_gs1_check_digit(p, 7) != p[7] && valid_upce(p))
            return take_upce(out, p);
        return take_gtin(out, cx, p, 8, ENT_SCAN_EAN8);
    case 12:
        return take_gtin(out, cx, p, 12, ENT_SCAN_UPCA);
    case 13:
        return take_gtin(out, cx, p, 13, p[0] == '0' ? ENT_SCAN_UPCA : ENT_SCAN_EAN13);
    case 14:
        if (mod == '0')
            break;
        return take_gtin(out, cx, p, 14, ENT_SCAN_GTIN14);
    default:
        break;
    }
    return fail(out, "EAN/UPC: %zu digits, expected 8, 12 or 13", n);
}

/* ---- store codes -------------------------------------------------------- */

static int parse_other(ent_scan *out, const char *p, size_t n)
{
    char b[16];
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x20 || c > 0x7e)
            return fail(out, "store code: %s at position %zu is not a character a code can hold",
                        show(b, c), i + 1);
    }
    if (n >= sizeof out->text)
        return fail(out, "store code: %zu characters, at most %zu", n, sizeof out->text - 1);
    out->kind = ENT_SCAN_OTHER;
    copy_text(out->text, sizeof out->text, p, n);
    return ENT_OK;
}

/* ---- symbology identifiers ---------------------------------------------- */

/* ISO/IEC 15424 symbology identifiers: ']' + code letter + modifier. */
static const char *aim_name(char letter, char mod, int *gs1)
{
    *gs1 = 0;
    switch (letter) {
    case 'A': return "Code 39";
    case 'C':
        *gs1 = mod == '1';
        return *gs1 ? "GS1-128" : "Code 128";
    case 'E': return "EAN/UPC";
    case 'F': return "Codabar";
    case 'G': return "Code 93";
    case 'H': return "Code 11";
    case 'I': return "ITF";
    case 'L': return "PDF417";
    case 'M': return "MSI";
    case 'Q':
        *gs1 = mod == '3';
        return *gs1 ? "GS1 QR Code" : "QR Code";
    case 'J':
        *gs1 = mod == '1';
        return *gs1 ? "GS1 DotCode" : "DotCode";
    case 'X': return "other";
    case 'd':
        *gs1 = mod == '2';
        return *gs1 ? "GS1 DataMatrix" : "Data Matrix";
    case 'e':
        *gs1 = 1;
        return "GS1 DataBar";
    case 'z': return "Aztec";
    default: return "unknown symbology";
    }
}

static int is_alnum(unsigned char c)
{
    return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* ---- the parser --------------------------------------------------------- */

static int looks_gs1(const struct ctx *cx, const char *p, size_t n)
{
    if (is_fnc1(cx, (unsigned char)p[0]))
        return 1;
    if (n >= 2 && is_digit((unsigned char)p[0]) && is_digit((unsigned char)p[1]) && memchr(p, GS, n))
        return 1;
    if (cx->fnc1 && n >= 2 && is_digit((unsigned char)p[0]) && is_digit((unsigned char)p[1]) &&
        memchr(p, cx->fnc1, n))
        return 1;
    /* A DataBar or GS1-128 read by a scanner that sends no AIM id: all
     * digits, longer than any GTIN, starting with an identification key. */
    return n >= 16 && all_digits(p, n) && p[0] == '0' && p[1] <= '2';
}

int ent_scan_parse(ent_scan *out, const char *data, size_t len, const ent_scan_config *cfg)
{
    int gs1 = 0, rc;
    /* The AIs are cleared by their count, the texts by their first byte:
     * zeroing all of it would cost more than parsing. */
    memset(out, 0, offsetof(ent_scan, text));
    out->text[0] = '\0';
    out->tolerance[0] = '\0';
    out->error = ENT_OK;
    ent_error_clear();
    out->n_ais = 0;
    out->count = -1;
    out->layout = -1;
    out->symbology = "";
    const struct ai_def *defs[ENT_SCAN_MAX_AIS]; /* set as each AI is added */
    struct ctx cx = {cfg, cfg ? cfg->fnc1 : 0, cfg ? cfg->year : 0, cfg ? cfg->strict : 0, defs};
    if (data == NULL)
        len = 0;
    while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
        len--;
    if (len == 0)
        return fail(out, "empty scan: nothing was read");
    if (len > ENT_SCAN_MAX_INPUT)
        return fail(out, "%zu bytes is longer than any code (at most %d)", len, ENT_SCAN_MAX_INPUT);
    const char *p = data;
    size_t n = len;
    if (p[0] == ']') {
        if (n < 3 || !is_alnum((unsigned char)p[1]) || !is_alnum((unsigned char)p[2]))
            return fail(out, "']' at the start is not followed by an AIM symbology identifier");
        out->aim[0] = p[1];
        out->aim[1] = p[2];
        out->aim[2] = '\0';
        out->symbology = aim_name(p[1], p[2], &gs1);
        p += 3;
        n -= 3;
        if (n == 0)
            return fail(out, "nothing after the symbology identifier ]%s", out->aim);
    }
    if (prefix_nocase(p, n, "https://") || prefix_nocase(p, n, "http://")) {
        out->kind = ENT_SCAN_DIGITAL_LINK;
        rc = entx_scan_parse_digital_link(out, &cx, p, n);
    } else if (p[0] == '(' && (out->aim[0] == '\0' || gs1)) {
        out->kind = ENT_SCAN_GS1;
        /* A symbol carries FNC1, never brackets: only people type them. */
        if (gs1 && cx.strict)
            return fail(out, "GS1 data after ]%s is sent with FNC1, not in brackets", out->aim);
        if (gs1)
            entx_scan_tolerate(out, "bracketed-after-aim");
        rc = entx_scan_parse_bracketed(out, &cx, p, n);
    } else if (gs1 || (out->aim[0] == '\0' && looks_gs1(&cx, p, n))) {
        out->kind = ENT_SCAN_GS1;
        rc = entx_scan_parse_elements(out, &cx, p, n);
    } else if (out->aim[0] == 'E') {
        rc = parse_ean_upc(out, &cx, p, n, out->aim[1]);
    } else if (out->aim[0] == '\0' && (n == 8 || n == 12 || n == 13 || n == 14) && all_digits(p, n)) {
        rc = parse_ean_upc(out, &cx, p, n, 0);
    } else if (out->aim[0] == 'I' && n == 14 && all_digits(p, n)) {
        rc = take_gtin(out, &cx, p, 14, ENT_SCAN_GTIN14);
    } else {
        rc = parse_other(out, p, n);
    }
    if (rc != ENT_OK)
        return rc;
    if (out->kind == ENT_SCAN_GS1 || out->kind == ENT_SCAN_DIGITAL_LINK) {
        if (out->gtin[0] && out->gtin_contained[0])
            return fail(out, "AI (01) and AI (02) cannot be in one code");
        if (out->kind == ENT_SCAN_GS1 && out->n_ais == 0)
            return fail(out, "GS1 data with no AI in it");
        if (entx_scan_check_pairs(out, &cx) != ENT_OK)
            return ENT_INVALID;
    }
    return ENT_OK;
}

/* ---- presentation ------------------------------------------------------- */

const char *ent_scan_kind_name(ent_scan_kind kind)
{
    switch (kind) {
    case ENT_SCAN_EAN13: return "EAN-13";
    case ENT_SCAN_EAN8: return "EAN-8";
    case ENT_SCAN_UPCA: return "UPC-A";
    case ENT_SCAN_UPCE: return "UPC-E";
    case ENT_SCAN_GTIN14: return "GTIN-14";
    case ENT_SCAN_GS1: return "GS1 element string";
    case ENT_SCAN_DIGITAL_LINK: return "GS1 Digital Link";
    case ENT_SCAN_INSTORE: return "in-store code";
    case ENT_SCAN_OTHER: return "store code";
    default: return "none";
    }
}

int ent_scan_format_hri(char *buf, size_t len, const ent_scan *scan)
{
    size_t o = 0;
    /* Counts what the whole text needs even when buf is short, as snprintf does. */
    for (size_t i = 0; i < scan->n_ais && i < ENT_SCAN_MAX_AIS; i++) {
        const ent_scan_ai *a = &scan->ais[i];
        char part[8];
        int k = snprintf(part, sizeof part, "(%s)", a->ai);
        for (int j = 0; j < k; j++, o++)
            if (o + 1 < len)
                buf[o] = part[j];
        for (const char *v = a->value; *v; v++) {
            if (*v == '(') {
                if (o + 1 < len)
                    buf[o] = '\\';
                o++;
            }
            if (o + 1 < len)
                buf[o] = *v;
            o++;
        }
    }
    if (len > 0)
        buf[o < len ? o : len - 1] = '\0';
    return (int)o;
}
