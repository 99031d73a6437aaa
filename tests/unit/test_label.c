/* label module: template and sheet parsing, label data, layout refusals,
 * and proof that what is printed scans: every barcode on a rendered PNG or
 * PDF page decodes back to exactly its data with zbarimg / dmtxread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "entrepot/entrepot.h"
#include "entrepot/label.h"

/* fontconfig 2.14 loses a few bytes while it parses its configuration
 * (reached through cairo's font lookup): not ours to free. Only
 * LeakSanitizer reads this. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}

static char labels_dir[4096];
static char tmpdir[64];

/* The source tree's labels/ folder, from this file's own path. */
static void find_labels_dir(void)
{
    const char *env = getenv("ENT_SOURCE_DIR");
    if (env && *env) {
        snprintf(labels_dir, sizeof labels_dir, "%s/labels", env);
        return;
    }
    snprintf(labels_dir, sizeof labels_dir, "%s", __FILE__);
    for (int up = 0; up < 3; up++) {
        char *s = strrchr(labels_dir, '/');
        if (s)
            *s = '\0';
    }
    strcat(labels_dir, "/labels");
}

static int have_tool(const char *name)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

/* Runs cmd and returns its standard output (caller frees). */
static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    size_t n = 0, cap = 4096;
    char *buf = malloc(cap);
    assert_non_null(p);
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n - 1, p);
        n += got;
        if (got == 0)
            break;
        if (n + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    buf[n] = '\0';
    pclose(p);
    return buf;
}

/* ---- template parsing: one row per mistake, with the exact message ----- */

static const struct {
    const char *text;
    const char *why;
} bad_templates[] = {
    {"text 1 1 10 5 \"x\"\n", "t.label:1: text before 'size WIDTH HEIGHT': give the label size first"},
    {"size 60\n", "t.label:1: size: expected 'size WIDTH HEIGHT' in millimetres"},
    {"size 60 4x\n", "t.label:1: size: height '4x' is not a number such as 12 or 63.5"},
    {"size 2 40\n", "t.label:1: size: 2x40 mm is not a label size (5 to 500 mm each way)"},
    {"size 60 40\n", "t.label:0: the template places nothing (no text, barcode, line or box)"},
    {"# only a comment\n", "t.label:0: no 'size WIDTH HEIGHT' line"},
    {"size 60 40\nbarcode 1 1 30 20 ean14 \"{gtin}\"\n",
     "t.label:2: barcode: unknown symbology 'ean14' (ean13, ean8, upca, code128, gs1-128, gs1-datamatrix, "
     "datamatrix, qr, gs1-qr-link)"},
    {"size 60 40\ntext 1 1 10 5 size=9\n", "t.label:2: text: the content must come last, in double quotes"},
    {"size 60 40\ntext 1 1 10 5 \"{name\"\n", "t.label:2: placeholder '{name' is not closed with '}'"},
    {"size 60 40\ntext 1 1 10 5 \"{Name}\"\n",
     "t.label:2: placeholder {Name}: field names are lower-case letters, digits and _ ('|' separates "
     "alternatives, a final '?' makes it optional)"},
    {"size 60 40\ntext 1 1 10 5 colour=red \"x\"\n", "t.label:2: text: unknown option 'colour=red'"},
    {"size 60 40\ntext 55 1 10 5 \"x\"\n", "t.label:2: text reaches outside the 60x40 mm label"},
    {"size 60 40\ntext 1 1 10 5 \"x\n", "t.label:2: a quoted text is not closed (missing \")"},
    {"size 60 40\n\nwidget 1 1 2 2\n",
     "t.label:3: unknown keyword 'widget' (template, size, font, zpl-font, zpl-text, require, food, text, barcode, "
     "line, box, table)"},
    /* tables and back labels (issue 14) */
    {"size 60 40\ntable 1 1 30 20 \"{nutrition}\"\n",
     "t.label:2: table: give its columns, such as cols=45,30,25 (percent of the width)"},
    {"size 60 40\ntable 1 1 30 20 cols=50,40 \"{nutrition}\"\n",
     "t.label:2: cols=50,40: the column widths add up to 90%, not 100%"},
    {"size 60 40\ntable 1 1 30 20 cols=50,,50 \"{nutrition}\"\n",
     "t.label:2: cols=50,,50: up to 8 column widths in percent of the table, such as cols=45,30,25"},
    {"size 60 40\ntable 1 1 30 20 cols=100 fill \"{nutrition}\"\n", "t.label:2: table: unknown option 'fill'"},
    {"size 60 40\ntext 1 1 10 5 cols=100 \"x\"\n", "t.label:2: text: unknown option 'cols=100'"},
    {"size 60 40\nfood yes\n",
     "t.label:2: food: a line of its own (a GB 7718 back label: what it needs follows the food_kind)"},
    {"size 60 40\ntext 1 1 10 5 align=middle \"x\"\n", "t.label:2: align=middle: expected left, center or right"},
    {"size 60 40\nline 1 1 70 1\n", "t.label:2: line reaches outside the 60x40 mm label"},
    {"size 60 40\ntext 1 1 10 5 \"{prce}\"\n",
     "t.label:2: unknown field 'prce' (the fields are listed in README.md, section Labels)"},
    {"size 60 40\nrequire importer expiry|best_before\n",
     "t.label:2: unknown field 'best_before' (the fields are listed in README.md, section Labels)"},
    {"size 60 40\ntext 1 1 10 5 if=lott \"x\"\n",
     "t.label:2: unknown field 'lott' (the fields are listed in README.md, section Labels)"},
    /* hostile templates: each refused with its line */
    {"size 60 40\ntext 1 1 20 5 size=6 min=9 \"x\"\n",
     "t.label:2: text: min=9 is larger than size=6 (min is the smallest size the text may shrink to)"},
    {"size 60 40\nfont \"\"\ntext 1 1 10 5 \"x\"\n", "t.label:2: font: the name is empty"},
    {"template \"\"\n", "t.label:1: template: the name is empty"},
    {"size 60 40\ntext 1 1 10 5 \"\xff\"\n", "t.label:2: the line is not valid UTF-8 text (save the file as UTF-8)"},
    {"size 60 40\ntext 1 1 10 5 \"\xe4\xb9\"\n",
     "t.label:2: the line is not valid UTF-8 text (save the file as UTF-8)"},
    {"size 60 40\ntext 1 1 10 0.5 size=6 min=4 \"x\"\n",
     "t.label:2: text: a 10x0.5 mm box cannot hold one character at min=4 pt (1.41 mm)"},
    {"size 60 40\ntext 1 1 10 5 fit=squeeze \"x\"\n", "t.label:2: fit=squeeze: expected shrink, wrap or ellipsis"},
    {"size 60 40\ntext 1 1 10 5 fit=ellipsis \"{storage}\"\nrequire storage\n",
     "t.label:2: text: fit=ellipsis would cut text the law requires on the label (name, origin, price, unit, a "
     "required field): use fit=shrink or fit=wrap"},
    {"size 60 40\nbox 1 1 5 5\ntext 1 1 10 5 required fit=ellipsis \"{storage}\"\n",
     "t.label:3: text: fit=ellipsis would cut text the law requires on the label (name, origin, price, unit, a "
     "required field): use fit=shrink or fit=wrap"},
    {"size 60 40\ntext 1 1 10 5 fit=ellipsis \"{name_zh}\"\n",
     "t.label:2: text: fit=ellipsis would cut text the law requires on the label (name, origin, price, unit, a "
     "required field): use fit=shrink or fit=wrap"},
    {"size 60 40\nbox 0.5 0.5 59 39 width=0.3\nbarcode 0.5 23 36 15.8 ean13 \"{gtin13}\"\n",
     "t.label:3: barcode: its box takes in the box on line 2, but it must hold only the EAN-13 and its quiet zones "
     "(11 modules left, 7 right)"},
    {"size 70 50\nbarcode 50.5 2 18 18 gs1-datamatrix \"[01]{gtin}\"\ntext 2 1.5 49 4 \"{name_zh}\"\n",
     "t.label:3: text reaches into the box of the barcode on line 2, which holds the GS1 DataMatrix and its quiet "
     "zone (1 module): keep it clear"},
    {"size 60 40\nzpl-text auto\ntext 1 1 10 5 \"x\"\n",
     "t.label:2: zpl-text: expected graphic (text drawn as graphics, the default) or font (the printer's resident "
     "fonts)"},
    {"size 60 40\ntext 1 1 10 5 fit=ellipsis \"产地 {origin_zh|origin}\"\n",
     "t.label:2: text: fit=ellipsis would cut text the law requires on the label (name, origin, price, unit, a "
     "required field): use fit=shrink or fit=wrap"},
    {"size 60 40\ntext 1 1 10 5 \"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三\" \"x\"\n",
     "t.label:2: text: unexpected quoted text \"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十…\" (the content comes last, once)"},
};

static void template_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_templates / sizeof *bad_templates; i++) {
        ent_label_template *t = (ent_label_template *)1;
        const char *why = ent_error_last()->message;
        int rc = ent_label_template_parse(&t, bad_templates[i].text, "t.label");
        if (rc != ENT_INVALID || strcmp(why, bad_templates[i].why) != 0)
            fail_msg("row %zu: rc %d, why \"%s\", expected \"%s\"", i, rc, why, bad_templates[i].why);
        assert_null(t);
    }
    /* A 100 KB line is refused by its length, with its line number. */
    size_t big = 100 * 1024;
    char *text = malloc(big + 64);
    const char *why = ent_error_last()->message;
    ent_label_template *t = NULL;
    int n = snprintf(text, big + 64, "size 60 40\ntext 1 1 10 5 \"");
    memset(text + n, 'x', big);
    strcpy(text + n + big, "\"\n");
    assert_int_equal(ent_label_template_parse(&t, text, "t.label"), ENT_INVALID);
    assert_string_equal(why, "t.label:2: the line is 102416 bytes long, at most 4096");
    assert_null(t);
    free(text);
}

static const struct {
    const char *text;
    const char *why;
} bad_sheets[] = {
    {"page 210 297\nlabels 3 7\n",
     "s.sheet:0: a sheet needs 'page W H', 'labels COLUMNS ROWS' and 'cell W H' (or 'roll')"},
    {"page 210 297\nlabels 3 8\ncell 63.5 38.1\nmargin 7.25 15.15\ngap 2.5 0\n",
     "s.sheet:0: 3 x 8 labels of 63.5x38.1 mm with these margins and gaps need 202.75x319.95 mm, more than the "
     "210x297 mm page"},
    {"roll\npage 100 100\n", "s.sheet:0: a roll has no page, labels or cell lines: its page is the label"},
    {"labels 2.5 7\n", "s.sheet:1: labels: whole numbers of columns and rows, 1 to 50"},
    {"paper A4\n", "s.sheet:1: unknown keyword 'paper' (sheet, roll, page, labels, cell, margin, gap)"},
    /* hostile sheets */
    {"page 210 297\nlabels 3 7\ncell 0 0\n", "s.sheet:3: cell: 0x0 mm is not a cell size (5 to 2000 mm each way)"},
    {"page 0 297\n", "s.sheet:1: page: 0x297 mm is not a page size (5 to 2000 mm each way)"},
    {"sheet \"\"\n", "s.sheet:1: sheet: expected one name"},
    {"# \xc3\n", "s.sheet:1: the line is not valid UTF-8 text (save the file as UTF-8)"},
};

static void sheet_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_sheets / sizeof *bad_sheets; i++) {
        ent_label_sheet *s = NULL;
        const char *why = ent_error_last()->message;
        int rc = ent_label_sheet_parse(&s, bad_sheets[i].text, "s.sheet");
        if (rc != ENT_INVALID || strcmp(why, bad_sheets[i].why) != 0)
            fail_msg("row %zu: rc %d, why \"%s\", expected \"%s\"", i, rc, why, bad_sheets[i].why);
    }
}

static void shipped_files_parse(void **state)
{
    (void)state;
    static const char *const templates[] = {"shelf-60x40", "item-40x30", "back-cn-70x50", "back-cn-wine-70x50",
                                            "carton-100x150"};
    static const struct {
        const char *name;
        int per_page;
    } sheets[] = {{"a4-l7160", 21}, {"a4-l7163", 14}, {"roll", 1}};
    const char *why = ent_error_last()->message;
    for (size_t i = 0; i < 5; i++) {
        ent_label_template *t = NULL;
        if (ent_label_template_load(&t, labels_dir, templates[i]) != ENT_OK)
            fail_msg("%s: %s", templates[i], why);
        assert_string_equal(ent_label_template_name(t), templates[i]);
        ent_label_template_free(t);
    }
    for (size_t i = 0; i < 3; i++) {
        ent_label_sheet *s = NULL;
        if (ent_label_sheet_load(&s, labels_dir, sheets[i].name) != ENT_OK)
            fail_msg("%s: %s", sheets[i].name, why);
        assert_int_equal(ent_label_sheet_per_page(s), sheets[i].per_page);
        ent_label_sheet_free(s);
    }
    ent_label_template *t = NULL;
    assert_int_equal(ent_label_template_load(&t, labels_dir, "no-such"), ENT_NOTFOUND);
    assert_non_null(strstr(why, "no-such.label: no such file"));
}

/* ---- label data --------------------------------------------------------- */

static ent_product *make_product(const char *gtin, const char *zh, const char *en, int64_t price, int64_t net,
                                 const char *net_unit)
{
    ent_product *p = calloc(1, sizeof *p);
    snprintf(p->gtin, sizeof p->gtin, "%s", gtin);
    snprintf(p->sku, sizeof p->sku, "SKU-%s", gtin + 8);
    p->name_zh = strdup(zh);
    p->name_en = strdup(en);
    p->brand = strdup("Bonne Maman");
    p->importer = strdup("上海环球食品进出口有限公司 上海市浦东新区世纪大道100号 电话 021-5888 0000");
    p->storage = strdup("常温避光保存，开启后请冷藏");
    snprintf(p->origin, sizeof p->origin, "FR");
    snprintf(p->unit, sizeof p->unit, "pcs");
    p->net_content = net;
    snprintf(p->net_unit, sizeof p->net_unit, "%s", net_unit);
    p->price = price;
    snprintf(p->currency, sizeof p->currency, "CNY");
    p->tax_rate = 1300;
    p->shelf_life_days = 730;
    return p;
}

static void free_product(ent_product *p)
{
    free(p->name_zh);
    free(p->name_en);
    free(p->brand);
    free(p->importer);
    free(p->storage);
    free(p);
}

static ent_lot *make_lot(const char *code, const char *origin, const char *production, const char *expiry)
{
    ent_lot *l = calloc(1, sizeof *l);
    l->code = strdup(code);
    snprintf(l->origin, sizeof l->origin, "%s", origin);
    snprintf(l->production_date, sizeof l->production_date, "%s", production);
    snprintf(l->expiry, sizeof l->expiry, "%s", expiry);
    l->unit_cost = -1;
    return l;
}

static void free_lot(ent_lot *l)
{
    free(l->code);
    free(l);
}

static void data_fields(void **state)
{
    (void)state;
    ent_product *p = make_product("03017620422003", "榛子可可酱", "Nutella hazelnut spread", 3990, 750, "g");
    ent_lot *lot = make_lot("L2405A", "IT", "2024-05-01", "");
    ent_label_data *d = NULL;
    static const struct {
        const char *field, *value;
    } rows[] = {
        {"gtin", "03017620422003"}, {"gtin13", "3017620422003"}, {"code", "3017620422003"},
        {"price", "39.90"}, {"price_symbol", "¥39.90"}, {"net_content", "750 g"}, {"net_content_zh", "750克"},
        {"unit_price", "¥53.20/kg"}, {"unit_price_zh", "¥53.20/千克"}, {"origin", "IT"},
        {"origin_en", "Italy"}, {"origin_zh", "意大利"}, {"lot", "L2405A"},
        {"expiry", "2026-05-01"}, /* production date + 730 days of shelf life */
        {"expiry_yymmdd", "260501"}, {"shelf_life_zh", "730天"}, {"tax_rate", "13%"}, {"name", "榛子可可酱"},
    };
    assert_int_equal(ent_label_data_from(&d, p, lot, NULL), ENT_OK);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const char *v = ent_label_data_get(d, rows[i].field);
        if (v == NULL || strcmp(v, rows[i].value) != 0)
            fail_msg("row %zu: %s = \"%s\", expected \"%s\"", i, rows[i].field, v ? v : "(absent)", rows[i].value);
    }
    assert_null(ent_label_data_get(d, "gtin8"));
    ent_label_data_free(d);
    /* Liquids per 100 ml, and kilograms shown as such. */
    p->net_content = 1500;
    snprintf(p->net_unit, sizeof p->net_unit, "ml");
    assert_int_equal(ent_label_data_from(&d, p, NULL, NULL), ENT_OK);
    assert_string_equal(ent_label_data_get(d, "net_content"), "1.5 L");
    assert_string_equal(ent_label_data_get(d, "unit_price"), "¥2.66/100ml");
    assert_string_equal(ent_label_data_get(d, "origin_zh"), "法国"); /* no lot: the default origin */
    ent_label_data_free(d);
    /* Sold by weight or volume: the price is per kg or litre, and the unit
     * beside it says so (克 would read as a price per gram). */
    static const struct {
        const char *unit;
        int64_t net;
        const char *unit_zh, *unit_price;
    } sold_by[] = {
        {"g", 0, "千克", "¥39.90/kg"},  {"g", 750, "千克", "¥39.90/kg"}, {"ml", 0, "升", "¥3.99/100ml"},
        {"pcs", 750, "件", "¥53.20/kg"}, {"pcs", 0, "件", NULL},
    };
    for (size_t i = 0; i < sizeof sold_by / sizeof *sold_by; i++) {
        snprintf(p->unit, sizeof p->unit, "%s", sold_by[i].unit);
        snprintf(p->net_unit, sizeof p->net_unit, "%s", sold_by[i].net ? "g" : "");
        p->net_content = sold_by[i].net;
        assert_int_equal(ent_label_data_from(&d, p, NULL, NULL), ENT_OK);
        const char *zh = ent_label_data_get(d, "unit_zh"), *up = ent_label_data_get(d, "unit_price");
        if (strcmp(zh, sold_by[i].unit_zh) != 0 || (up == NULL) != (sold_by[i].unit_price == NULL) ||
            (up && strcmp(up, sold_by[i].unit_price) != 0))
            fail_msg("sold_by row %zu: unit_zh %s, unit_price %s", i, zh, up ? up : "(absent)");
        ent_label_data_free(d);
    }
    snprintf(p->unit, sizeof p->unit, "pcs");
    free_lot(lot);
    free_product(p);
}

/* ---- rendering and decoding -------------------------------------------- */

struct fixture {
    ent_label_template *t;
    ent_label_job *job;
    ent_label_sheet *sheet;
};

static ent_label_job *new_job(struct fixture *fx, const char *tpl, enum ent_label_format fmt, int dpi,
                              const char *sheet)
{
    const char *why = ent_error_last()->message;
    if (ent_label_template_load(&fx->t, labels_dir, tpl) != ENT_OK)
        fail_msg("%s", why);
    if (sheet && ent_label_sheet_load(&fx->sheet, labels_dir, sheet) != ENT_OK)
        fail_msg("%s", why);
    ent_label_options o = {.format = fmt, .dpi = dpi, .sheet = fx->sheet};
    if (ent_label_job_new(&fx->job, fx->t, &o) != ENT_OK)
        fail_msg("%s", why);
    return fx->job;
}

static void fixture_free(struct fixture *fx)
{
    ent_label_job_free(fx->job);
    ent_label_template_free(fx->t);
    ent_label_sheet_free(fx->sheet);
    memset(fx, 0, sizeof *fx);
}

static void add_product(ent_label_job *job, const char *gtin, const char *zh, const char *en, int64_t price,
                        const ent_lot *lot)
{
    ent_product *p = make_product(gtin, zh, en, price, 500, "g");
    ent_label_data *d = NULL;
    assert_int_equal(ent_label_data_from(&d, p, lot, NULL), ENT_OK);
    ent_label_data_set(d, "clerk", "王芳");
    ent_label_data_set(d, "sscc", "376123450000000016");
    ent_label_data_set(d, "count", "24");
    ent_label_data_set(d, "store_name", "环球进口商品中心");
    if (ent_label_job_add(job, d, 1, gtin) != ENT_OK)
        fail_msg("%s", ent_error_last()->message);
    ent_label_data_free(d);
    free_product(p);
}

/* Two buffers in turn, so that two paths can go into one command. */
static char *path_in_tmp(const char *name)
{
    static char p[2][256];
    static int k;
    k = !k;
    snprintf(p[k], sizeof p[k], "%s/%s", tmpdir, name);
    return p[k];
}

/* Sorted decoder output, one symbol per line, so that it compares exactly. */
static char *decode(const char *tool_cmd)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s | LC_ALL=C sort", tool_cmd);
    return run(cmd);
}

static void shelf_png_decodes(void **state)
{
    (void)state;
    if (!have_tool("zbarimg"))
        skip(); /* zbar-tools is not installed: nothing can check the bars */
    struct fixture fx = {0};
    ent_label_job *job = new_job(&fx, "shelf-60x40", ENT_LABEL_PNG, 300, NULL);
    add_product(job, "06901234567892", "乌龙茶", "Oolong tea", 2850, NULL);
    assert_int_equal(ent_label_job_write_file(job, path_in_tmp("shelf.png")), ENT_OK);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "zbarimg -q --raw %s 2>/dev/null", path_in_tmp("shelf.png"));
    char *out = decode(cmd);
    assert_string_equal(out, "6901234567892\n");
    free(out);
    fixture_free(&fx);
}

static void back_label_datamatrix_decodes(void **state)
{
    (void)state;
    if (!have_tool("dmtxread"))
        skip(); /* dmtx-utils is not installed */
    struct fixture fx = {0};
    ent_label_job *job = new_job(&fx, "back-cn-70x50", ENT_LABEL_PNG, 300, NULL);
    ent_lot *lot = make_lot("L2405-A", "FR", "2024-05-01", "2026-04-30");
    add_product(job, "03017620422003", "法式草莓果酱", "Strawberry jam", 3600, lot);
    assert_int_equal(ent_label_job_write_file(job, path_in_tmp("back.png")), ENT_OK);
    char cmd[512];
    /* -G 29: dmtxread shows each FNC1 as GS (0x1d): the leading one that
     * marks GS1 data and the separator after the variable-length lot.
     * -N 1 -e 100: one symbol of at least 100 pixels a side; without them
     * dmtxread spends most of a minute following the edges of the text. */
    snprintf(cmd, sizeof cmd, "dmtxread -n -G 29 -N 1 -e 100 %s", path_in_tmp("back.png"));
    char *out = run(cmd);
    assert_string_equal(out, "\x1d" "0103017620422003" "10L2405-A" "\x1d" "17260430\n");
    /* What the counter scanner would send (AIM ]d2, FNC1 as GS) goes through
     * entrepot's own parser and gives back the GTIN, lot and expiry. */
    char sent[128];
    ent_scan sc;
    snprintf(sent, sizeof sent, "]d2%.*s", (int)strlen(out) - 2, out + 1);
    assert_int_equal(ent_scan_parse(&sc, sent, strlen(sent), NULL), ENT_OK);
    assert_int_equal(sc.kind, ENT_SCAN_GS1);
    assert_string_equal(sc.gtin, "03017620422003");
    assert_string_equal(sc.lot, "L2405-A");
    assert_string_equal(sc.expiry, "2026-04-30");
    free(out);
    free_lot(lot);
    fixture_free(&fx);
}

static void sheet_pdf_decodes_and_has_chinese(void **state)
{
    (void)state;
    if (!have_tool("pdftoppm") || !have_tool("zbarimg") || !have_tool("pdftotext"))
        skip(); /* poppler-utils or zbar-tools missing */
    struct fixture fx = {0};
    ent_label_job *job = new_job(&fx, "shelf-60x40", ENT_LABEL_PDF, 0, "a4-l7160");
    /* zbar reports identical symbols in one image once: give each label its own GTIN. */
    char gtin[15], expect[2][1024] = {"", ""};
    for (int i = 0; i < 24; i++) {
        snprintf(gtin, sizeof gtin, "0690123456%03d", i);
        gtin[13] = (char)ent_gs1_check_digit(gtin, 13);
        gtin[14] = '\0';
        add_product(job, gtin, "意大利面", "Spaghetti", 1290 + i, NULL);
        strcat(expect[i / 21], gtin + 1);
        strcat(expect[i / 21], "\n");
    }
    assert_int_equal(ent_label_job_pages(job), 2);
    assert_int_equal(ent_label_job_write_file(job, path_in_tmp("sheet.pdf")), ENT_OK);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "pdftoppm -r 300 -gray -png %s %s", path_in_tmp("sheet.pdf"), path_in_tmp("page"));
    assert_int_equal(system(cmd), 0);
    for (int page = 0; page < 2; page++) {
        char name[32];
        snprintf(name, sizeof name, "page-%d.png", page + 1);
        snprintf(cmd, sizeof cmd, "zbarimg -q --raw %s 2>/dev/null", path_in_tmp(name));
        char *out = decode(cmd);
        assert_string_equal(out, expect[page]);
        free(out);
    }
    char *out;
    snprintf(cmd, sizeof cmd, "pdftotext -f 1 -l 1 %s - | grep -c 意大利面", path_in_tmp("sheet.pdf"));
    out = run(cmd);
    assert_int_equal(atoi(out), 21);
    free(out);
    snprintf(cmd, sizeof cmd, "pdffonts %s | grep -c 'yes yes'", path_in_tmp("sheet.pdf"));
    out = run(cmd);
    assert_true(atoi(out) >= 1); /* the CJK font is embedded and subset */
    free(out);
    fixture_free(&fx);
}

static void carton_and_qr_decode(void **state)
{
    (void)state;
    if (!have_tool("zbarimg"))
        skip();
    static const char tpl[] = "size 100 80\n"
                              "barcode 5 2 90 30 gs1-128 \"[00]{sscc}\"\n"
                              "barcode 5 40 35 35 gs1-qr-link \"[01]{gtin}[10]{lot}[17]{expiry_yymmdd}\"\n"
                              "barcode 50 40 30 30 qr \"{name_zh}\"\n"
                              "barcode 82 40 17 25 ean8 \"96385074\"\n";
    ent_label_template *t = NULL;
    ent_label_job *job = NULL;
    assert_int_equal(ent_label_template_parse(&t, tpl, "t.label"), ENT_OK);
    ent_label_options o = {.format = ENT_LABEL_PNG, .dpi = 300};
    assert_int_equal(ent_label_job_new(&job, t, &o), ENT_OK);
    ent_lot *lot = make_lot("AB/12-x", "JP", "", "2027-01-31");
    ent_product *p = make_product("04902430735063", "抹茶", "Matcha", 5800, 100, "g");
    ent_label_data *d = NULL;
    assert_int_equal(ent_label_data_from(&d, p, lot, NULL), ENT_OK);
    ent_label_data_set(d, "sscc", "376123450000000016");
    if (ent_label_job_add(job, d, 1, "carton") != ENT_OK)
        fail_msg("%s", ent_error_last()->message);
    assert_int_equal(ent_label_job_write_file(job, path_in_tmp("carton.png")), ENT_OK);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "zbarimg -q %s 2>/dev/null", path_in_tmp("carton.png"));
    char *out = decode(cmd);
    assert_string_equal(out, "CODE-128:00376123450000000016\n"
                             "EAN-8:96385074\n"
                             "QR-Code:https://id.gs1.org/01/04902430735063/10/AB%2F12-x?17=270131\n"
                             "QR-Code:抹茶\n");
    free(out);
    /* The Digital Link and the SSCC, as decoded, through entrepot's scan parser. */
    ent_scan sc;
    static const char link[] = "https://id.gs1.org/01/04902430735063/10/AB%2F12-x?17=270131";
    assert_int_equal(ent_scan_parse(&sc, link, strlen(link), NULL), ENT_OK);
    assert_int_equal(sc.kind, ENT_SCAN_DIGITAL_LINK);
    assert_string_equal(sc.gtin, "04902430735063");
    assert_string_equal(sc.lot, "AB/12-x");
    assert_string_equal(sc.expiry, "2027-01-31");
    static const char sscc[] = "]C100376123450000000016";
    assert_int_equal(ent_scan_parse(&sc, sscc, strlen(sscc), NULL), ENT_OK);
    assert_string_equal(sc.sscc, "376123450000000016");
    ent_label_data_free(d);
    free_product(p);
    free_lot(lot);
    ent_label_job_free(job);
    ent_label_template_free(t);
}

/* ---- refusals: one row per bad label, with the exact message ----------- */

static void bad_labels(void **state)
{
    (void)state;
    static const struct {
        const char *tpl;
        const char *field, *value; /* changed from the good commodity */
        const char *why;
    } rows[] = {
        {"shelf-60x40", "gtin13", "6901234567893", NULL},
        {"back-cn-70x50", "importer", NULL,
         "X1: template back-cn-70x50 needs importer, which it does not have"},
        {"back-cn-70x50", "expiry", NULL, "X1: template back-cn-70x50 needs expiry, which it does not have"},
        {"shelf-60x40", "price_symbol", "¥1234567890123.00",
         "X1: text \"¥1234567890123.00\" (shelf-60x40 line 16) does not fit its 26x9 mm box even at 12 pt"},
        {"item-40x30", "gtin13", "69012345", "X1: EAN-13 needs 12 or 13 digits, got '69012345' (template item-40x30 line 8)"},
        {"carton-100x150", "sscc", "376123450000000019",
         "X1: GS1 data '(00)376123450000000019' would not pass GS1's checks: AI (00): check digit 9 should be 6 "
         "(template carton-100x150 line 21)"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        struct fixture fx = {0};
        ent_label_job *job = new_job(&fx, rows[i].tpl, ENT_LABEL_PDF, 0, NULL);
        ent_product *p = make_product("06901234567892", "乌龙茶", "Oolong tea", 2850, 500, "g");
        ent_lot *lot = make_lot("L1", "CN", "2025-01-01", "2026-01-01");
        ent_label_data *d = NULL;
        assert_int_equal(ent_label_data_from(&d, p, lot, NULL), ENT_OK);
        ent_label_data_set(d, "store_name", "环球进口商品中心");
        ent_label_data_set(d, "sscc", "376123450000000016");
        ent_label_data_set(d, rows[i].field, rows[i].value);
        int rc = ent_label_job_add(job, d, 1, "X1");
        const char *why = ent_error_last()->message;
        if (rows[i].why == NULL) { /* the wrong check digit: libzint's words */
            if (rc != ENT_INVALID || strstr(why, "X1: EAN-13 cannot encode '6901234567893'") != why)
                fail_msg("row %zu: rc %d, \"%s\"", i, rc, why);
        } else if (rc != ENT_INVALID || strcmp(why, rows[i].why) != 0) {
            fail_msg("row %zu: rc %d, \"%s\", expected \"%s\"", i, rc, why, rows[i].why);
        }
        assert_int_equal(ent_label_job_labels(job), 0);
        ent_label_data_free(d);
        free_product(p);
        free_lot(lot);
        fixture_free(&fx);
    }
}

/* ---- ZPL: structure and exact field data ------------------------------ */

static void zpl_fields(void **state)
{
    (void)state;
    struct fixture fx = {0};
    ent_label_job *job = new_job(&fx, "back-cn-70x50", ENT_LABEL_ZPL, 203, NULL);
    ent_lot *lot = make_lot("L2405-A", "FR", "2024-05-01", "2026-04-30");
    add_product(job, "03017620422003", "法式草莓果酱", "Strawberry jam", 3600, lot);
    free_lot(lot);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(ent_label_job_write(job, f), ENT_OK);
    fclose(f);
    assert_true(strncmp(buf, "^XA\n^CI28\n^PW559\n^LL400\n^LH0,0\n", 30) == 0);
    assert_non_null(strstr(buf, ",200,0,0,6,_^FD_10103017620422003" "10L2405-A_117260430^FS\n"));
    /* Text as graphics, each after its lines as a comment. */
    assert_non_null(strstr(buf, "\n^FX品名：法式草莓果酱\n^FO"));
    assert_non_null(strstr(buf, "\n^FX批号：L2405-A\n^FO"));
    assert_non_null(strstr(buf, "\n^FX原产国或地区：法国\n^FO"));
    assert_null(strstr(buf, "E:ANMDS.TTF"));
    assert_true(len > 6 && strcmp(buf + len - 9, "^PQ1\n^XZ\n") == 0);
    free(buf);
    fixture_free(&fx);

    job = new_job(&fx, "shelf-60x40", ENT_LABEL_ZPL, 300, NULL);
    add_product(job, "06901234567892", "乌龙茶", "Oolong_tea^~", 2850, NULL);
    buf = NULL;
    f = open_memstream(&buf, &len);
    assert_int_equal(ent_label_job_write(job, f), ENT_OK);
    fclose(f);
    assert_non_null(strstr(buf, "^PW709\n^LL472\n"));
    assert_non_null(strstr(buf, "^BEN,"));
    assert_non_null(strstr(buf, ",Y,N^FD690123456789^FS\n")); /* 12 digits: the printer adds the check digit */
    assert_non_null(strstr(buf, "\n^FXOolong_tea  \n^FO")); /* ^ and ~ would end the comment */
    free(buf);
    fixture_free(&fx);
}

/* Text that is too wide at its size shrinks until it fits: the ZPL font
 * height shows the size chosen. */
static void text_shrinks_to_fit(void **state)
{
    (void)state;
    static const char tpl[] = "size 60 20\n"
                              "text 1 1 58 8 size=20 min=6 \"{name_en}\"\n"
                              "text 1 10 20 9 size=8 min=6 wrap \"{name_zh}\"\n";
    ent_label_template *t = NULL;
    ent_label_job *job = NULL;
    ent_label_data *d = NULL;
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(ent_label_template_parse(&t, tpl, "t.label"), ENT_OK);
    ent_label_options o = {.format = ENT_LABEL_ZPL, .dpi = 203, .zpl_text = ENT_LABEL_ZPL_TEXT_FONT};
    assert_int_equal(ent_label_job_new(&job, t, &o), ENT_OK);
    assert_int_equal(ent_label_data_new(&d), ENT_OK);
    ent_label_data_set(d, "name_en", "Short^~_");
    ent_label_data_set(d, "name_zh", "意大利特级初榨橄榄油礼盒装");
    assert_int_equal(ent_label_job_add(job, d, 1, "a"), ENT_OK);
    ent_label_data_set(d, "name_en", "Extra virgin olive oil, cold pressed, in a gift box");
    assert_int_equal(ent_label_job_add(job, d, 1, "b"), ENT_OK);
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(ent_label_job_write(job, f), ENT_OK);
    fclose(f);
    /* 20 pt is 56 dots at 203 dpi: the short name keeps it, the long one shrinks. */
    assert_non_null(strstr(buf, "^A0N,56,56^FH^FDShort_5E_7E_5F^FS")); /* field data escaped after ^FH */
    char *second = strstr(buf, "^FDExtra virgin");
    assert_non_null(second);
    char *a = second;
    while (a > buf && strncmp(a, "^A0N,", 5) != 0)
        a--;
    int h = atoi(a + 5);
    assert_true(h < 56 && h >= 17);
    /* The Chinese name wraps onto more than one line of its 20 mm box. */
    int lines = 0;
    for (char *p = buf; (p = strstr(p, "E:ANMDS.TTF^FH^FD")) != NULL; p++)
        lines++;
    assert_true(lines >= 4); /* two labels, at least two lines each */
    free(buf);
    ent_label_data_free(d);
    ent_label_job_free(job);
    ent_label_template_free(t);
}

/* The text fields of label i (0-based) of a ZPL job, one string per line
 * drawn, joined by '|'. */
static void zpl_texts(const char *zpl, int label, char *out, size_t len)
{
    const char *p = zpl;
    size_t k = 0;
    out[0] = '\0';
    for (int i = 0; i < label && p; i++)
        p = strstr(p + 1, "^XA");
    const char *end = p ? strstr(p, "^XZ") : NULL;
    while (p && (p = strstr(p, "\n^FX")) != NULL && p < end) {
        p += 4;
        const char *fs = strchr(p, '\n');
        if (k && k < len - 1)
            out[k++] = '|';
        for (; p < fs && k < len - 1; p++)
            out[k++] = *p;
        out[k] = '\0';
    }
}

/* Fitting rules: shrink, wrap with kinsoku (no line starts with closing
 * punctuation, none ends with an opening bracket), and the ellipsis for text
 * the law does not require; required text that cannot fit refuses. */
static void text_fitting_rules(void **state)
{
    (void)state;
    /* 10 pt CJK characters are 3.53 mm wide: 8 fit in 29 mm. */
    static const char tpl[] = "size 60 40\n"
                              "text 1 1 29 12 size=10 min=10 fit=wrap required \"{storage}\"\n"
                              "text 1 14 18 3 size=6 min=4.5 \"{store_name}\"\n"
                              "text 1 18 29 5 size=10 min=10 fit=ellipsis \"{brand}\"\n"
                              "text 1 24 29 5 size=10 min=10 \"{name_zh}\"\n";
    static const struct {
        const char *storage, *store, *brand, *name;
        int rc;
        const char *want; /* ZPL text lines joined by '|', or the message */
    } rows[] = {
        /* a naive break would start line 2 with '，' */
        {"甲乙丙丁戊己庚辛，壬癸", "中心", "B", "茶", ENT_OK, "甲乙丙丁戊己庚|辛，壬癸|中心|B|茶"},
        /* ... or end line 1 with '《' */
        {"甲乙丙丁戊己庚《辛》", "中心", "B", "茶", ENT_OK, "甲乙丙丁戊己庚|《辛》|中心|B|茶"},
        {"甲乙丙丁戊己庚辛：壬", "中心", "B", "茶", ENT_OK, "甲乙丙丁戊己庚|辛：壬|中心|B|茶"},
        /* the store name does not fit even at 4.5 pt: cut, never refused */
        {"甲", "虹桥进口商品展示交易中心", "B", "茶", ENT_OK, "甲|虹桥进口商品展示交易…|B|茶"},
        /* fit=ellipsis cuts at its own size */
        {"甲", "中心", "一二三四五六七八九十", "茶", ENT_OK, "甲|中心|一二三四五六七…|茶"},
        /* storage marked required: refused rather than cut */
        {"甲乙丙丁戊己庚辛壬癸甲乙丙丁戊己庚辛壬癸甲乙丙丁戊己庚辛壬癸", "中心", "B", "茶", ENT_INVALID,
         /* 80 bytes at most in the message, cut between whole characters */
         "X1: text \"甲乙丙丁戊己庚辛壬癸甲乙丙丁戊己庚辛壬癸甲乙丙丁戊己庚辛壬癸\" (t line 2) does not fit its 29x12 mm box "
         "even at 10 pt"},
        /* the name is required: refused, naming it whole */
        {"甲", "中心", "B", "意大利特级初榨橄榄油礼盒装", ENT_INVALID,
         "X1: text \"意大利特级初榨橄榄油礼盒装\" (t line 5) does not fit its 29x5 mm box even at 10 pt"},
    };
    ent_label_template *t = NULL;
    assert_int_equal(ent_label_template_parse(&t, tpl, "t"), ENT_OK);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        ent_label_job *job = NULL;
        ent_label_data *d = NULL;
        char *buf = NULL, got[1024];
        size_t len = 0;
        ent_label_options o = {.format = ENT_LABEL_ZPL, .dpi = 203};
        assert_int_equal(ent_label_job_new(&job, t, &o), ENT_OK);
        assert_int_equal(ent_label_data_new(&d), ENT_OK);
        ent_label_data_set(d, "storage", rows[i].storage);
        ent_label_data_set(d, "store_name", rows[i].store);
        ent_label_data_set(d, "brand", rows[i].brand);
        ent_label_data_set(d, "name_zh", rows[i].name);
        int rc = ent_label_job_add(job, d, 1, "X1");
        if (rc == ENT_OK) {
            FILE *f = open_memstream(&buf, &len);
            assert_int_equal(ent_label_job_write(job, f), ENT_OK);
            fclose(f);
            zpl_texts(buf, 0, got, sizeof got);
        } else {
            snprintf(got, sizeof got, "%s", ent_error_last()->message);
        }
        if (rc != rows[i].rc || strcmp(got, rows[i].want) != 0)
            fail_msg("row %zu: rc %d, \"%s\", expected rc %d, \"%s\"", i, rc, got, rows[i].rc, rows[i].want);
        free(buf);
        ent_label_data_free(d);
        ent_label_job_free(job);
    }
    ent_label_template_free(t);
}

/* Unit prices are computed in 64 bits with overflow checked: the largest
 * price the catalogue takes is exact, a price near 2^63 is refused. */
static void unit_price_bounds(void **state)
{
    (void)state;
    static const struct {
        int64_t price, net;
        int rc;
        const char *want;
    } rows[] = {
        {3990, 750, ENT_OK, "¥53.20/千克"},
        {999999999999999, 1, ENT_OK, "¥9999999999999990.00/千克"},
        {9223372036854775807, 1000, ENT_OK, "¥92233720368547758.07/千克"},
        {9223372036854775807, 1, ENT_INVALID, NULL},
        {9223372036854775807, 3, ENT_INVALID, NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        ent_product *p = make_product("06901234567892", "乌龙茶", "Oolong tea", rows[i].price, rows[i].net, "g");
        ent_label_data *d = (ent_label_data *)1;
        int rc = ent_label_data_from(&d, p, NULL, NULL);
        const char *got = rc == ENT_OK ? ent_label_data_get(d, "unit_price_zh") : NULL;
        if (rc != rows[i].rc || (rows[i].want && (got == NULL || strcmp(got, rows[i].want) != 0)))
            fail_msg("row %zu: rc %d, \"%s\", expected rc %d, \"%s\"", i, rc, got ? got : "", rows[i].rc,
                     rows[i].want ? rows[i].want : "");
        if (rc != ENT_OK)
            assert_null(d);
        ent_label_data_free(rc == ENT_OK ? d : NULL);
        free_product(p);
    }
}

/* ℃, which WenQuanYi Micro Hei draws as nothing, prints as °C; a character
 * no font glyph exists for refuses the label, naming it. */
static void glyphs(void **state)
{
    (void)state;
    static const char tpl[] = "size 60 20\ntext 1 1 58 8 size=8 \"{storage}\"\n";
    ent_label_template *t = NULL;
    ent_label_job *job = NULL;
    ent_label_data *d = NULL;
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(ent_label_template_parse(&t, tpl, "t.label"), ENT_OK);
    ent_label_options o = {.format = ENT_LABEL_SVG};
    assert_int_equal(ent_label_job_new(&job, t, &o), ENT_OK);
    assert_int_equal(ent_label_data_new(&d), ENT_OK);
    ent_label_data_set(d, "storage", "12-16℃为宜");
    assert_int_equal(ent_label_job_add(job, d, 1, "wine"), ENT_OK);
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(ent_label_job_write(job, f), ENT_OK);
    fclose(f);
    assert_true(strstr(buf, ">12-16℃为宜</text>") != NULL || strstr(buf, ">12-16°C为宜</text>") != NULL);
    free(buf);
    /* U+13000, an Egyptian hieroglyph: no font installed here has it (fc-list :charset=13000) */
    ent_label_data_set(d, "storage", "冷藏\xf0\x93\x80\x80");
    assert_int_equal(ent_label_job_add(job, d, 1, "glyph"), ENT_INVALID);
    assert_non_null(strstr(ent_error_last()->message, "glyph: text \"冷藏\xf0\x93\x80\x80\" (t line 2): the font "));
    assert_non_null(strstr(ent_error_last()->message, " has no '\xf0\x93\x80\x80'"));
    ent_label_data_free(d);
    ent_label_job_free(job);
    ent_label_template_free(t);
}

/* Where labels land on the Avery sheets: one row per label, the SVG group's
 * translation and scale in millimetres. */
static void sheet_geometry(void **state)
{
    (void)state;
    static const struct {
        const char *tpl, *sheet;
        int index; /* 0-based label on the page */
        const char *transform;
    } rows[] = {
        /* 40x30 tags centred in 63.5x38.1 cells: margins 7.25/15.15, pitch 66 x 38.1 */
        {"item-40x30", "a4-l7160", 0, "translate(19.000 19.200) scale(1.000)"},
        {"item-40x30", "a4-l7160", 1, "translate(85.000 19.200) scale(1.000)"},
        {"item-40x30", "a4-l7160", 2, "translate(151.000 19.200) scale(1.000)"},
        {"item-40x30", "a4-l7160", 3, "translate(19.000 57.300) scale(1.000)"},
        {"item-40x30", "a4-l7160", 20, "translate(151.000 247.800) scale(1.000)"},
        /* 60x40 shelf labels shrink to the 38.1 mm cell: 0.9525 */
        {"shelf-60x40", "a4-l7163", 0, "translate(25.625 15.150) scale(0.953)"},
        {"shelf-60x40", "a4-l7163", 13, "translate(127.225 243.750) scale(0.953)"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        struct fixture fx = {0};
        ent_label_job *job = new_job(&fx, rows[i].tpl, ENT_LABEL_SVG, 0, rows[i].sheet);
        ent_product *p = make_product("06901234567892", "乌龙茶", "Oolong tea", 2850, 250, "g");
        ent_label_data *d = NULL;
        assert_int_equal(ent_label_data_from(&d, p, NULL, NULL), ENT_OK);
        assert_int_equal(ent_label_job_add(job, d, rows[i].index + 1, "x"), ENT_OK);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        assert_int_equal(ent_label_job_write(job, f), ENT_OK);
        fclose(f);
        char *g = buf;
        for (int k = 0; k <= rows[i].index && g; k++) {
            g = strstr(g, "<g transform=\"");
            if (g && k < rows[i].index)
                g++;
        }
        assert_non_null(g);
        if (strncmp(g + 14, rows[i].transform, strlen(rows[i].transform)) != 0)
            fail_msg("row %zu: %.60s, expected %s", i, g + 14, rows[i].transform);
        free(buf);
        ent_label_data_free(d);
        free_product(p);
        fixture_free(&fx);
    }
}

static void gs1_128_zpl(void **state)
{
    (void)state;
    struct fixture fx = {0};
    ent_label_job *job = new_job(&fx, "carton-100x150", ENT_LABEL_ZPL, 203, NULL);
    ent_lot *lot = make_lot("L7", "DE", "", "2026-12-31");
    add_product(job, "04006381333931", "德国啤酒", "German beer", 1200, lot);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(ent_label_job_write(job, f), ENT_OK);
    fclose(f);
    assert_non_null(strstr(buf, ",Y,N,N,D^FD(00)376123450000000016^FS\n"));
    assert_non_null(strstr(buf, ",Y,N,N,D^FD(02)04006381333931(37)24^FS\n"));
    free(buf);
    free_lot(lot);
    fixture_free(&fx);
}

int main(void)
{
    find_labels_dir();
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_label_%d", (int)getpid());
    char cmd[128];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", tmpdir);
    if (system(cmd) != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(template_errors),
        cmocka_unit_test(sheet_errors),
        cmocka_unit_test(shipped_files_parse),
        cmocka_unit_test(data_fields),
        cmocka_unit_test(shelf_png_decodes),
        cmocka_unit_test(back_label_datamatrix_decodes),
        cmocka_unit_test(sheet_pdf_decodes_and_has_chinese),
        cmocka_unit_test(carton_and_qr_decode),
        cmocka_unit_test(bad_labels),
        cmocka_unit_test(zpl_fields),
        cmocka_unit_test(gs1_128_zpl),
        cmocka_unit_test(text_shrinks_to_fit),
        cmocka_unit_test(glyphs),
        cmocka_unit_test(text_fitting_rules),
        cmocka_unit_test(unit_price_bounds),
        cmocka_unit_test(sheet_geometry),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    /* Only when every job was freed: a failed test leaves its job behind. */
    if (failed == 0)
        ent_label_release_caches();
    if (failed == 0 && getenv("ENT_KEEP_TMP") == NULL) {
        snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
        if (system(cmd) != 0)
            return 1;
    }
    return failed;
}
