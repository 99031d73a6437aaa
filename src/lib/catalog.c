/* The catalogue: commodities, their barcodes, CSV import and export. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/parse.h"
#include "entrepot/catalog.h"
#include "entrepot/country.h"
#include "csv_import.h"
#include "entrepot/csv.h"
#include "entrepot/money.h"
#include "entrepot/scan.h"
#include "catalog_internal.h"
#include "internal.h"
#include "user_internal.h"
#include "reprint.h"
#include "search_internal.h"

#define NAME_MAX_BYTES 200
/* User input quoted in a message: the one text clip, 40 characters. */
#define TEXT_MAX_BYTES 500
#define INGREDIENTS_MAX_BYTES 4000
/* Bounds (README, "Catalogue"): far above any real shop's values, far below
 * what could overflow a sum or product of them in 64 bits. */
#define PRICE_MAX 10000000000LL    /* minor units: 100,000,000.00 */
#define NET_CONTENT_MAX 10000000LL /* g, ml or pcs: 10 t, 10 m3 */
#define REORDER_MAX 1000000000LL   /* base units */
#define BARCODE_QTY_MAX 100000LL   /* units behind one case barcode */

/* A commodity's fields, parsed and checked. Text pointers borrow the input. */
struct prod {
    char gtin[ENT_GTIN_SIZE], sku[ENT_SKU_SIZE], origin[ENT_COUNTRY_SIZE], hs_code[ENT_HS_CODE_SIZE],
        unit[ENT_UNIT_SIZE], net_unit[ENT_UNIT_SIZE], currency[ENT_CURRENCY_SIZE], sell_unit[ENT_SELL_UNIT_SIZE];
    const char *name_zh, *name_en, *brand, *importer, *storage;
    int64_t net_content, price, reorder_point;
    int32_t tax_rate, shelf_life_days;
    int priced;
    /* the back label: food_kind "" when none, abv -1 when none */
    char food_kind[8];
    const char *ingredients, *allergens;
    int32_t abv;
    bool has_nutrition;
    int64_t nutrition[5]; /* energy kJ, protein, fat, carbohydrate (0.1 g), sodium mg */
};

static const char *const field_names[] = {
    "gtin",        "sku",   "name_zh",  "name_en",  "brand",    "origin",        "hs_code", "unit",
    "net_content", "price", "currency", "tax_rate", "importer", "reorder_point", "storage", "shelf_life_days",
    "sell_unit", "food_kind", "ingredients", "allergens", "abv", "energy_kj", "protein", "fat", "carbohydrate",
    "sodium"};
#define FIELD_INGREDIENTS 18 /* its index: a list of ingredients may be long */
#define NFIELDS (sizeof field_names / sizeof *field_names)

/* The fields struct as an array, in field_names order (a table of offsets:
 * an import reads every slot of every row three times). */
#define SLOT(name) offsetof(ent_product_fields, name)
static const size_t field_offsets[] = {
    SLOT(gtin),        SLOT(sku),       SLOT(name_zh),  SLOT(name_en),   SLOT(brand),     SLOT(origin),
    SLOT(hs_code),     SLOT(unit),      SLOT(net_content), SLOT(price),  SLOT(currency),  SLOT(tax_rate),
    SLOT(importer),    SLOT(reorder_point), SLOT(storage), SLOT(shelf_life_days), SLOT(sell_unit), SLOT(food_kind),
    SLOT(ingredients), SLOT(allergens), SLOT(abv),      SLOT(energy_kj), SLOT(protein),   SLOT(fat),
    SLOT(carbohydrate), SLOT(sodium)};
#undef SLOT
_Static_assert(sizeof field_offsets / sizeof *field_offsets == NFIELDS, "one offset a field");

static const char **field_slot(ent_product_fields *f, size_t i)
{
    return (const char **)((char *)f + field_offsets[i]);
}

/* "500 g", "1.5kg", "750 ml", "1 l", "12 pcs" -> integer amount in g, ml or pcs. */
static int parse_net_content(const char *s, int64_t *value, char unit[ENT_UNIT_SIZE])
{
    char num[32];
    size_t n = 0;
    while (*s == ' ')
        s++;
    while (n + 1 < sizeof num && ((*s >= '0' && *s <= '9') || *s == '.'))
        num[n++] = *s++;
    num[n] = '\0';
    while (*s == ' ')
        s++;
    static const struct {
        const char *name, *unit;
        int64_t factor;
        int scale;
    } units[] = {
        {"g", "g", 1, 0},     {"kg", "g", 1000, 3},   {"ml", "ml", 1, 0},   {"l", "ml", 1000, 3},
        {"L", "ml", 1000, 3}, {"cl", "ml", 10, 2},    {"pcs", "pcs", 1, 0}, {"pc", "pcs", 1, 0},
        {"克", "g", 1, 0},    {"千克", "g", 1000, 3}, {"毫升", "ml", 1, 0}, {"升", "ml", 1000, 3},
    };
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        if (strcmp(s, units[i].name) != 0)
            continue;
        int64_t v;
        if (ent_decimal_parse(&v, num, units[i].scale) != ENT_OK)
            return ENT_INVALID;
        int64_t div = 1;
        for (int k = 0; k < units[i].scale; k++)
            div *= 10;
        /* value * factor / 10^scale must come out whole: 1.5 kg = 1500 g, 1.0005 kg is refused. */
        if (v > INT64_MAX / units[i].factor || (v * units[i].factor) % div != 0)
            return ENT_INVALID;
        *value = v * units[i].factor / div;
        if (*value <= 0 || *value > NET_CONTENT_MAX)
            return ENT_INVALID;
        snprintf(unit, ENT_UNIT_SIZE, "%s", units[i].unit);
        return ENT_OK;
    }
    return ENT_INVALID;
}

static int parse_count(ent_db *db, const char *field, const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (ent_whole_parse(out, s, min, max) != ENT_OK)
        return entx_fail(db, ENT_INVALID, "%s %s", field, entx_why());
    return ENT_OK;
}

static int store_currency(ent_db *db, char out[ENT_CURRENCY_SIZE])
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT currency FROM store WHERE id = 1");
    if (st == NULL)
        return db->code;
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return entx_fail_hint(db, ENT_NOTFOUND, ENT_HINT_CREATE_STORE, "this database has no store yet");
    }
    entx_col_copy(st, out, 4, 0);
    sqlite3_reset(st);
    return ENT_OK;
}

/* The codes of the closed list, for a message naming them (one string, so
 * that it is built once per process and read without a lock). */
static int unit_codes(const char *code, const char *zh, const char *en, void *ud)
{
    char *buf = ud;
    size_t n = strlen(buf);
    (void)en;
    snprintf(buf + n, ENT_MSG_MAX / 2 - n, "%s%s %s", n ? ", " : "", zh, code);
    return 0;
}

/* What an import's parsing knows already: its fields came from the CSV
 * reader, which checked them to be UTF-8; the selling units its rows named
 * so far (a handful for a whole file: the table's lookup was a twentieth of
 * an import's time; only this import writes meanwhile, and not that table). */
struct unit_memo {
    bool utf8_checked;
    char said[8][ENT_SELL_UNIT_SIZE], code[8][ENT_SELL_UNIT_SIZE];
    int n;
};

static const char *memo_find(const struct unit_memo *m, const char *s)
{
    for (int i = 0; m && i < m->n; i++)
        if (strcmp(m->said[i], s) == 0)
            return m->code[i];
    return NULL;
}

static void memo_keep(struct unit_memo *m, const char *s, const char *code)
{
    if (m == NULL || m->n == 8 || strlen(s) >= sizeof m->said[0])
        return;
    snprintf(m->said[m->n], sizeof m->said[0], "%s", s);
    snprintf(m->code[m->n++], sizeof m->code[0], "%s", code);
}

/* A selling unit by its code or Chinese word, from the one table of them
 * (schema 15); only a commodity counted in pieces is sold in one. */
static int parse_sell_unit(ent_db *db, const char *s, struct prod *p, struct unit_memo *memo)
{
    const char *known_code = memo_find(memo, s);
    int sc = SQLITE_ROW;
    if (known_code) {
        snprintf(p->sell_unit, sizeof p->sell_unit, "%s", known_code);
    } else {
        sqlite3_stmt *st = entx_stmt(db, "SELECT code FROM sell_unit WHERE code = ?1 OR zh = ?1");
        if (st == NULL)
            return db->code;
        sqlite3_bind_text(st, 1, s, -1, SQLITE_STATIC);
        sc = sqlite3_step(st);
        if (sc == SQLITE_ROW) {
            entx_col_copy(st, p->sell_unit, sizeof p->sell_unit, 0);
            memo_keep(memo, s, p->sell_unit);
        }
        sqlite3_reset(st);
    }
    if (sc != SQLITE_ROW && sc != SQLITE_DONE)
        return entx_fail_sql(db, "reading the selling units");
    if (sc == SQLITE_DONE) {
        char known[ENT_MSG_MAX / 2] = "";
        int rc = ent_sell_unit_each(db, unit_codes, known);
        if (rc != ENT_OK)
            return rc;
        return entx_fail(db, ENT_INVALID, "sell_unit '%s' is not a selling unit; the units are %s", ENT_CLIP(s, 40),
                         known);
    }
    if (strcmp(p->unit, "pcs") != 0)
        return entx_fail(db, ENT_INVALID,
                         "sell_unit '%s' is for commodities counted in pcs; this one is sold by %s (per %s)",
                         ENT_CLIP(s, 40), p->unit, strcmp(p->unit, "g") == 0 ? "kg" : "l");
    return ENT_OK;
}

int ent_sell_unit_each(ent_db *db, ent_sell_unit_cb cb, void *ud)
{
    entx_ok(db);
    sqlite3_stmt *st = entx_stmt(db, "SELECT code, zh, en FROM sell_unit ORDER BY rowid");
    if (st == NULL)
        return db->code;
    int sc, rc = ENT_OK;
    while (rc == ENT_OK && (sc = sqlite3_step(st)) == SQLITE_ROW)
        rc = cb((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
                (const char *)sqlite3_column_text(st, 2), ud);
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading the selling units");
    sqlite3_reset(st);
    return rc;
}

/* abv: "13.5", "13.5%", "13.5%vol" -> hundredths of a %vol, 0 to 100 %vol. */
static int parse_abv(ent_db *db, const char *s, int32_t *out)
{
    char buf[32];
    int64_t v;
    size_t n = strlen(s);
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (n > 4 && strcmp(buf + n - 4, "%vol") == 0)
        buf[n -= 4] = '\0';
    else if (n > 1 && buf[n - 1] == '%')
        buf[--n] = '\0';
    if (strlen(s) >= sizeof buf || ent_decimal_parse(&v, buf, 2) != ENT_OK || v > 10000)
        return entx_fail(db, ENT_INVALID, "abv '%s' must be alcohol in %%vol from 0 to 100, such as 13.5 or 13.5%%vol",
                         ENT_CLIP(s, 40));
    *out = (int32_t)v;
    return ENT_OK;
}

/* The nutrition table: all five amounts or none. Bounds per 100 g or ml:
 * energy 4000 kJ (pure fat is 3700), 100.0 g of a nutrient, sodium
 * 40000 mg (salt). */
static int parse_nutrition(ent_db *db, const ent_product_fields *f, struct prod *p)
{
    static const char *const names[] = {"energy_kj", "protein", "fat", "carbohydrate", "sodium"};
    static const int64_t max[] = {4000, 1000, 1000, 1000, 40000};
    const char *v[] = {f->energy_kj, f->protein, f->fat, f->carbohydrate, f->sodium};
    int given = 0;
    for (int i = 0; i < 5; i++)
        given += !entx_empty(v[i]);
    if (given == 0)
        return ENT_OK;
    for (int i = 0; i < 5; i++) {
        if (given < 5 && entx_empty(v[i]))
            return entx_fail(db, ENT_INVALID,
                             "the nutrition table needs all five of energy_kj, protein, fat, carbohydrate and sodium: "
                             "%s is missing",
                             names[i]);
        int whole = i == 0 || i == 4;
        if (ent_decimal_parse(&p->nutrition[i], v[i], whole ? 0 : 1) != ENT_OK || p->nutrition[i] > max[i]) {
            if (whole)
                return entx_fail(db, ENT_INVALID, "%s '%s' must be a whole number of %s per 100 g or ml, 0 to %lld",
                                 names[i], ENT_CLIP(v[i], 40), i == 0 ? "kJ" : "mg", (long long)max[i]);
            return entx_fail(db, ENT_INVALID, "%s '%s' must be grams per 100 g or ml with one decimal at most, 0 to 100",
                             names[i], ENT_CLIP(v[i], 40));
        }
    }
    p->has_nutrition = true;
    return ENT_OK;
}

static int parse_food(ent_db *db, const ent_product_fields *f, struct prod *p)
{
    int rc;
    if (!entx_empty(f->food_kind)) {
        if (strcmp(f->food_kind, "food") != 0 && strcmp(f->food_kind, "alcohol") != 0)
            return entx_fail(db, ENT_INVALID,
                             "food_kind '%s' must be food or alcohol (a drink of 0.5 %%vol or more)",
                             ENT_CLIP(f->food_kind, 40));
        snprintf(p->food_kind, sizeof p->food_kind, "%s", f->food_kind);
    }
    p->ingredients = entx_empty(f->ingredients) ? NULL : f->ingredients;
    p->allergens = entx_empty(f->allergens) ? NULL : f->allergens;
    p->abv = -1;
    if (!entx_empty(f->abv) && (rc = parse_abv(db, f->abv, &p->abv)) != ENT_OK)
        return rc;
    return parse_nutrition(db, f, p);
}

/* Parses and checks every field into p. Empty fields take defaults. memo:
 * what an import knows already, or NULL. */
static int parse_fields(ent_db *db, const ent_product_fields *f, const char *default_currency, struct prod *p,
                        struct unit_memo *memo)
{
    int rc;
    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < NFIELDS; i++) {
        const char *v = *field_slot((ent_product_fields *)f, i);
        size_t max = (i == 2 || i == 3) ? NAME_MAX_BYTES : i == FIELD_INGREDIENTS ? INGREDIENTS_MAX_BYTES : TEXT_MAX_BYTES;
        rc = memo && memo->utf8_checked ? entx_check_utf8_text(db, field_names[i], v, max, false)
                                        : entx_check_text(db, field_names[i], v, max, false);
        if (rc != ENT_OK)
            return rc;
    }
    if (!entx_empty(f->gtin) && ent_gtin_normalize(p->gtin, f->gtin) != ENT_OK)
        return entx_fail(db, ENT_INVALID, "%s", entx_why());
    if (!entx_empty(f->sku)) {
        if (!entx_valid_code(f->sku, 32))
            return entx_fail(db, ENT_INVALID, "sku '%s' must be 1 to 32 letters, digits or - _ . /", ENT_CLIP(f->sku, 40));
        snprintf(p->sku, sizeof p->sku, "%s", f->sku);
    }
    if (entx_empty(f->gtin) && entx_empty(f->sku))
        return entx_fail(db, ENT_INVALID, "a commodity needs a gtin or a sku");
    p->name_zh = entx_empty(f->name_zh) ? NULL : f->name_zh;
    p->name_en = entx_empty(f->name_en) ? NULL : f->name_en;
    if (p->name_zh == NULL && p->name_en == NULL)
        return entx_fail(db, ENT_INVALID, "a commodity needs a name: name_zh or name_en");
    p->brand = entx_empty(f->brand) ? NULL : f->brand;
    p->importer = entx_empty(f->importer) ? NULL : f->importer;
    p->storage = entx_empty(f->storage) ? NULL : f->storage;
    if (!entx_empty(f->origin)) {
        const ent_country *c = NULL;
        rc = ent_country_lookup(&c, f->origin);
        if (rc == ENT_ERROR)
            return entx_fail(db, ENT_ERROR, "%s", entx_why());
        if (rc != ENT_OK)
            return entx_fail(db, ENT_INVALID, "origin '%s' is not an ISO 3166-1 country code", ENT_CLIP(f->origin, 40));
        memcpy(p->origin, c->alpha2, ENT_COUNTRY_SIZE);
    }
    if (!entx_empty(f->hs_code)) {
        size_t n = 0;
        for (const char *s = f->hs_code; *s; s++) {
            if (*s == '.' || *s == ' ')
                continue;
            if (*s < '0' || *s > '9' || n >= 10)
                return entx_fail(db, ENT_INVALID, "hs_code '%s' must be 6 to 10 digits", ENT_CLIP(f->hs_code, 40));
            p->hs_code[n++] = *s;
        }
        if (n < 6)
            return entx_fail(db, ENT_INVALID, "hs_code '%s' must be 6 to 10 digits", ENT_CLIP(f->hs_code, 40));
    }
    snprintf(p->unit, sizeof p->unit, "%s", entx_empty(f->unit) ? "pcs" : f->unit);
    if (strcmp(p->unit, "pcs") != 0 && strcmp(p->unit, "g") != 0 && strcmp(p->unit, "ml") != 0)
        return entx_fail(db, ENT_INVALID, "unit '%s' must be pcs, g or ml", ENT_CLIP(f->unit, 40));
    if (!entx_empty(f->net_content) && parse_net_content(f->net_content, &p->net_content, p->net_unit) != ENT_OK)
        return entx_fail(db, ENT_INVALID,
                        "net_content '%s' must be an amount and a unit such as 500 g, 1.5 kg, 750 ml, 1 l, 12 pcs "
                        "(more than 0, at most 10000 kg, 10000 l or 10000000 pcs)",
                        ENT_CLIP(f->net_content, 40));
    /* The whole code is checked before it is kept: "EURO" is not "EUR". */
    if (ent_currency_parse(p->currency, entx_empty(f->currency) ? default_currency : f->currency) != ENT_OK)
        return entx_fail(db, ENT_INVALID, "%s", entx_why());
    /* No price is not a price of zero: the commodity waits to be priced. */
    p->priced = !entx_empty(f->price);
    if (p->priced) {
        rc = ent_money_parse(&p->price, f->price, p->currency);
        if (rc != ENT_OK)
            return entx_fail(db, ENT_INVALID, "price: %s", entx_why());
        if (p->price < 0)
            return entx_fail(db, ENT_INVALID, "price '%s' must not be negative", ENT_CLIP(f->price, 40));
        if (p->price > PRICE_MAX) {
            char max[48];
            ent_money_format(max, sizeof max, PRICE_MAX, p->currency);
            return entx_fail(db, ENT_INVALID, "price '%s' is too high: at most %s %s", ENT_CLIP(f->price, 40), max,
                            p->currency);
        }
    }
    if (!entx_empty(f->tax_rate)) {
        char buf[32];
        int64_t bp;
        snprintf(buf, sizeof buf, "%s", f->tax_rate);
        size_t n = strlen(buf);
        if (n > 0 && buf[n - 1] == '%')
            buf[n - 1] = '\0';
        if (strlen(f->tax_rate) >= sizeof buf || ent_decimal_parse(&bp, buf, 2) != ENT_OK || bp > 10000)
            return entx_fail(db, ENT_INVALID, "tax_rate '%s' must be a percentage from 0 to 100 such as 13 or 9.5",
                            ENT_CLIP(f->tax_rate, 40));
        p->tax_rate = (int32_t)bp;
    }
    if (!entx_empty(f->reorder_point) &&
        (rc = parse_count(db, "reorder_point", f->reorder_point, 0, REORDER_MAX, &p->reorder_point)) != ENT_OK)
        return rc;
    if (!entx_empty(f->shelf_life_days)) {
        int64_t d;
        if ((rc = parse_count(db, "shelf_life_days", f->shelf_life_days, 1, 36500, &d)) != ENT_OK)
            return rc;
        p->shelf_life_days = (int32_t)d;
    }
    if (!entx_empty(f->sell_unit) && (rc = parse_sell_unit(db, f->sell_unit, p, memo)) != ENT_OK)
        return rc;
    return parse_food(db, f, p);
}

/* ---- lookups ------------------------------------------------------------ */

static int lookup_id(ent_db *db, const char *sql, const char *code, int64_t *id, int64_t *qty)
{
    sqlite3_stmt *st = entx_stmt(db, sql);
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    int sc = sqlite3_step(st);
    int rc = ENT_NOTFOUND;
    if (sc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        *qty = sqlite3_column_int64(st, 1);
        rc = ENT_OK;
    } else if (sc != SQLITE_DONE) {
        rc = entx_fail_sql(db, "looking up a commodity");
    }
    sqlite3_reset(st);
    return rc;
}

static const char sql_by_gtin[] = "SELECT id, 1 FROM product WHERE gtin = ?";
static const char sql_by_sku[] = "SELECT id, 1 FROM product WHERE sku = ?";
static const char sql_by_barcode[] = "SELECT product_id, qty FROM product_barcode WHERE code = ?";

/* GTIN, then SKU, then extra barcode (normalised when it is a GTIN). */
int ent_product_id(ent_db *db, int64_t *out, int64_t *qty_out, const char *code)
{
    char gtin[ENT_GTIN_SIZE];
    int64_t qty = 1;
    int rc;
    entx_ok(db);
    if (entx_empty(code))
        return entx_fail(db, ENT_INVALID, "no commodity code given");
    size_t n = strlen(code);
    int digits = strspn(code, "0123456789") == n;
    int gtin_shaped = digits && (n == 8 || n == 12 || n == 13 || n == 14);
    int is_gtin = gtin_shaped && entx_gtin_check(gtin, code) == ENT_OK;
    if (is_gtin) {
        rc = lookup_id(db, sql_by_gtin, gtin, out, &qty);
        if (rc == ENT_NOTFOUND)
            rc = lookup_id(db, sql_by_barcode, gtin, out, &qty);
        /* A store may number its own goods with digits that happen to
         * make a valid check digit. */
        if (rc == ENT_NOTFOUND)
            rc = lookup_id(db, sql_by_sku, code, out, &qty);
    } else {
        rc = n <= 32 ? lookup_id(db, sql_by_sku, code, out, &qty) : ENT_NOTFOUND;
        if (rc == ENT_NOTFOUND)
            rc = lookup_id(db, sql_by_barcode, code, out, &qty);
    }
    if (rc == ENT_NOTFOUND) {
        if (gtin_shaped && !is_gtin) {
            ent_gtin_normalize(gtin, code); /* for its words */
            return entx_fail(db, ENT_INVALID, "%s", entx_why());
        }
        return entx_fail(db, ENT_NOTFOUND, "no commodity has the code '%s'", ENT_CLIP(code, 40));
    }
    if (rc == ENT_OK && qty_out)
        *qty_out = qty;
    return rc;
}

#define PRODUCT_COLS                                                                                                   \
    "id, gtin, sku, name_zh, name_en, brand, importer, storage, origin, hs_code, unit, net_content, "                  \
    "net_unit, price, currency, tax_rate, reorder_point, shelf_life_days, created_at, updated_at, priced, "            \
    "retired_at, sell_unit, (SELECT zh FROM sell_unit u WHERE u.code = product.sell_unit), "                        \
    "(SELECT en FROM sell_unit u WHERE u.code = product.sell_unit), food_kind, ingredients, allergens, abv, "       \
    "energy_kj, protein, fat, carbohydrate, sodium"

/* Fills p from a row of PRODUCT_COLS; strings point into the statement (borrowed). */
static void row_to_product(sqlite3_stmt *st, ent_product *p, int copy)
{
    memset(p, 0, sizeof *p);
    p->id = sqlite3_column_int64(st, 0);
    entx_col_copy(st, p->gtin, sizeof p->gtin, 1);
    entx_col_copy(st, p->sku, sizeof p->sku, 2);
    char **texts[] = {&p->name_zh, &p->name_en, &p->brand, &p->importer, &p->storage};
    for (int i = 0; i < 5; i++)
        *texts[i] = copy ? entx_col_strdup(st, 3 + i) : (char *)sqlite3_column_text(st, 3 + i);
    entx_col_copy(st, p->origin, sizeof p->origin, 8);
    entx_col_copy(st, p->hs_code, sizeof p->hs_code, 9);
    entx_col_copy(st, p->unit, sizeof p->unit, 10);
    p->net_content = sqlite3_column_int64(st, 11);
    entx_col_copy(st, p->net_unit, sizeof p->net_unit, 12);
    p->price = sqlite3_column_int64(st, 13);
    entx_col_copy(st, p->currency, sizeof p->currency, 14);
    p->tax_rate = sqlite3_column_int(st, 15);
    p->reorder_point = sqlite3_column_int64(st, 16);
    p->shelf_life_days = sqlite3_column_int(st, 17);
    entx_col_copy(st, p->created_at, sizeof p->created_at, 18);
    entx_col_copy(st, p->updated_at, sizeof p->updated_at, 19);
    p->unpriced = !sqlite3_column_int(st, 20);
    entx_col_copy(st, p->retired_at, sizeof p->retired_at, 21);
    entx_col_copy(st, p->sell_unit, sizeof p->sell_unit, 22);
    entx_col_copy(st, p->sell_unit_zh, sizeof p->sell_unit_zh, 23);
    entx_col_copy(st, p->sell_unit_en, sizeof p->sell_unit_en, 24);
    entx_col_copy(st, p->food_kind, sizeof p->food_kind, 25);
    p->ingredients = copy ? entx_col_strdup(st, 26) : (char *)sqlite3_column_text(st, 26);
    p->allergens = copy ? entx_col_strdup(st, 27) : (char *)sqlite3_column_text(st, 27);
    p->abv = sqlite3_column_type(st, 28) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 28);
    p->has_nutrition = sqlite3_column_type(st, 29) != SQLITE_NULL;
    int64_t *n[] = {&p->energy_kj, &p->protein, &p->fat, &p->carbohydrate, &p->sodium};
    for (int i = 0; i < 5; i++)
        *n[i] = sqlite3_column_int64(st, 29 + i);
}

int entx_product_get_by_id(ent_db *db, ent_product **out, int64_t id)
{
    *out = NULL;
    sqlite3_stmt *st = entx_stmt(db, "SELECT " PRODUCT_COLS " FROM product WHERE id = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, id);
    int sc = sqlite3_step(st);
    int rc = ENT_OK;
    if (sc == SQLITE_ROW) {
        ent_product *p = malloc(sizeof *p);
        if (p == NULL) {
            rc = entx_fail(db, ENT_ERROR, "out of memory");
        } else {
            row_to_product(st, p, 1);
            *out = p;
        }
    } else {
        rc = sc == SQLITE_DONE ? entx_fail(db, ENT_NOTFOUND, "no commodity with id %lld", (long long)id)
                               : entx_fail_sql(db, "reading a commodity");
    }
    sqlite3_reset(st);
    return rc;
}

int ent_product_find(ent_db *db, ent_product **out, int64_t *qty_out, const char *code)
{
    int64_t id;
    *out = NULL;
    int rc = ent_product_id(db, &id, qty_out, code);
    if (rc != ENT_OK)
        return rc;
    return entx_product_get_by_id(db, out, id);
}

void ent_product_free(ent_product *p)
{
    if (p == NULL)
        return;
    free(p->name_zh);
    free(p->name_en);
    free(p->brand);
    free(p->importer);
    free(p->storage);
    free(p->ingredients);
    free(p->allergens);
    free(p);
}

const char *entx_product_label(ent_db *db, char *buf, size_t len, int64_t id)
{
    sqlite3_stmt *st =
        entx_stmt(db, "SELECT COALESCE(gtin, sku), COALESCE(name_zh, name_en, '') FROM product WHERE id = ?");
    snprintf(buf, len, "commodity %lld", (long long)id);
    if (st == NULL)
        return buf;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(buf, len, "%s %s", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1));
    sqlite3_reset(st);
    return buf;
}

/* ---- writing ------------------------------------------------------------ */

/* A code another commodity holds, for the message that refuses it. */
struct clash {
    int64_t id;       /* the other commodity; 0 when none */
    const char *what; /* "GTIN", "sku" or "barcode" */
    char code[ENT_BARCODE_KEY_SIZE];
};

/* The ways a 14-digit GTIN can be written (14, 13, 12 or 8 digits): an SKU
 * typed as any of them names the same goods at the counter. */
static int gtin_forms(const char *gtin, const char *forms[4])
{
    int n = 0;
    forms[n++] = gtin;
    if (gtin[0] == '0')
        forms[n++] = gtin + 1;
    if (strncmp(gtin, "00", 2) == 0)
        forms[n++] = gtin + 2;
    if (strncmp(gtin, "000000", 6) == 0)
        forms[n++] = gtin + 6;
    return n;
}

/* The 14-digit form of code when it is a valid GTIN (1), else 0. */
static int gtin_key(const char *code, char key[ENT_GTIN_SIZE])
{
    size_t n = strlen(code);
    if (strspn(code, "0123456789") != n || (n != 8 && n != 12 && n != 13 && n != 14))
        return 0;
    return entx_gtin_check(key, code) == ENT_OK;
}

/*
 * Which commodity other than self already answers to code, as its GTIN, its
 * SKU or an extra barcode; a code that is a valid GTIN is compared in every
 * form it can be written in, so that no two commodities share what a
 * scanner or a clerk types. ENT_OK: none. ENT_EXISTS: c says who and the
 * message names it.
 */
static int code_owner(ent_db *db, const char *what, const char *code, int64_t self, struct clash *c)
{
    char key[ENT_GTIN_SIZE];
    const char *forms[4] = {code, NULL, NULL, NULL};
    const char *k = gtin_key(code, key) ? key : code;
    if (k == key)
        gtin_forms(key, forms);
    /* One probe per form, each leg on its own index: "gtin = ? OR sku IN
     * (...)" made SQLite build a row set and a temporary index of the four
     * forms on every call, a quarter of a large import's time. */
    sqlite3_stmt *st = entx_stmt(db, "SELECT id, retired_at IS NOT NULL FROM product WHERE gtin = ?1 AND id <> ?6 "
                                    "UNION ALL SELECT id, retired_at IS NOT NULL FROM product WHERE sku = ?2 AND id <> ?6 "
                                    "UNION ALL SELECT id, retired_at IS NOT NULL FROM product WHERE sku = ?3 AND id <> ?6 "
                                    "UNION ALL SELECT id, retired_at IS NOT NULL FROM product WHERE sku = ?4 AND id <> ?6 "
                                    "UNION ALL SELECT id, retired_at IS NOT NULL FROM product WHERE sku = ?5 AND id <> ?6 "
                                    "UNION ALL SELECT b.product_id, p.retired_at IS NOT NULL "
                                    "FROM product_barcode b JOIN product p ON p.id = b.product_id "
                                    "WHERE b.code = ?1 AND b.product_id <> ?6 LIMIT 1");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
    for (int i = 0; i < 4; i++)
        entx_bind_text_or_null(st, 2 + i, forms[i]);
    sqlite3_bind_int64(st, 6, self);
    int sc = sqlite3_step(st), rc = ENT_OK;
    if (sc == SQLITE_ROW) {
        char who[ENT_PRODUCT_LABEL_SIZE];
        int64_t id = sqlite3_column_int64(st, 0);
        int retired = sqlite3_column_int(st, 1);
        sqlite3_reset(st);
        if (c) {
            c->id = id;
            c->what = what;
            snprintf(c->code, sizeof c->code, "%s", k);
        }
        entx_product_label(db, who, sizeof who, id);
        rc = entx_fail(db, ENT_EXISTS, "%s %s is already used by another commodity: %s%s", what, k, who,
                      retired ? " (retired, kept for history)" : "");
    } else if (sc != SQLITE_DONE) {
        rc = entx_fail_sql(db, "looking up a commodity code");
    }
    sqlite3_reset(st);
    return rc;
}

/* Are the checked commodity's GTIN and SKU free (but for self)? */
static int codes_free(ent_db *db, const struct prod *p, int64_t self, struct clash *c)
{
    int rc = ENT_OK;
    if (p->gtin[0])
        rc = code_owner(db, "GTIN", p->gtin, self, c);
    if (rc == ENT_OK && p->sku[0])
        rc = code_owner(db, "sku", p->sku, self, c);
    return rc;
}

/* The row's strings outlive the statement's step (it is reset before the
 * caller's buffers go), so they are bound without a copy. */
static void bind_text_static(sqlite3_stmt *st, int i, const char *s)
{
    if (s == NULL || *s == '\0')
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static int bind_prod(sqlite3_stmt *st, const struct prod *p, const char *now)
{
    bind_text_static(st, 1, p->gtin);
    bind_text_static(st, 2, p->sku);
    bind_text_static(st, 3, p->name_zh);
    bind_text_static(st, 4, p->name_en);
    bind_text_static(st, 5, p->brand);
    bind_text_static(st, 6, p->origin);
    bind_text_static(st, 7, p->hs_code);
    sqlite3_bind_text(st, 8, p->unit, -1, SQLITE_STATIC);
    if (p->net_content > 0) {
        sqlite3_bind_int64(st, 9, p->net_content);
        sqlite3_bind_text(st, 10, p->net_unit, -1, SQLITE_STATIC);
    }
    sqlite3_bind_int64(st, 11, p->priced ? p->price : 0);
    sqlite3_bind_text(st, 12, p->currency, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 13, p->tax_rate);
    bind_text_static(st, 14, p->importer);
    sqlite3_bind_int64(st, 15, p->reorder_point);
    bind_text_static(st, 16, p->storage);
    if (p->shelf_life_days > 0)
        sqlite3_bind_int(st, 17, p->shelf_life_days);
    sqlite3_bind_int(st, 20, p->priced);
    bind_text_static(st, 21, p->sell_unit);
    bind_text_static(st, 22, p->food_kind);
    bind_text_static(st, 23, p->ingredients);
    bind_text_static(st, 24, p->allergens);
    if (p->abv >= 0)
        sqlite3_bind_int(st, 25, p->abv);
    for (int i = 0; i < 5 && p->has_nutrition; i++)
        sqlite3_bind_int64(st, 26 + i, p->nutrition[i]);
    return sqlite3_bind_text(st, 18, now, -1, SQLITE_STATIC);
}

/* Records one change of commodity id with who makes it (schema 10,
 * product_change); NULL or "" values are stored as NULL. */
static int log_change(ent_db *db, int64_t id, const char *field, const char *old_value, const char *new_value,
                      const char *now)
{
    sqlite3_stmt *st = entx_stmt(db, "INSERT INTO product_change(product_id, at, user, field, old_value, new_value) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, entx_actor(db), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, field, -1, SQLITE_STATIC);
    bind_text_static(st, 5, old_value);
    bind_text_static(st, 6, new_value);
    return entx_exec_stmt(db, st);
}

/* The search keys of a checked commodity, in the caller's transaction;
 * fresh: it was just inserted. */
static int index_prod(ent_db *db, int64_t id, const struct prod *p, bool fresh)
{
    struct entx_search_doc d = {p->gtin, p->sku, p->name_zh, p->name_en, p->brand};
    return entx_search_index(db, id, &d, fresh);
}

/* A new commodity's row of the stock summaries, when it has a reorder point
 * (the low-stock view lists it before it has any stock). Written here, not
 * by a trigger on INSERT ON product (schema 29): such a trigger made SQLite
 * copy every page an insert touches into a statement journal first. */
static int sum_row(ent_db *db, int64_t id, int64_t reorder_point)
{
    sqlite3_stmt *st = entx_stmt(db, "INSERT OR IGNORE INTO stock_sum_product(product_id, qty, sellable, reorder_point) "
                                     "VALUES (?1, 0, 0, ?2)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, reorder_point);
    return entx_exec_stmt(db, st);
}

static bool all_digits(const char *s)
{
    return s && *s && strspn(s, "0123456789") == strlen(s);
}

/* A price as the history keeps it: in its currency's decimals. */
static void price_text(char buf[40], int64_t minor, const char *currency)
{
    if (ent_money_format(buf, 40, minor, currency) < 0)
        snprintf(buf, 40, "%lld", (long long)minor);
}

/* How an import inserts (NULL: one commodity on its own). */
struct bulk {
    /* No SKU of digits and no extra barcode in the catalogue: a GTIN can
     * only clash with another GTIN, and an SKU with letters only with
     * another SKU, which the UNIQUE indexes find. */
    bool codes_unique_only;
    /* The summary rows are written at the end, for every new id at once. */
    bool sums_later;
    /* So are the "added" rows of the history, when nothing else of the
     * import writes history (no updates): they get the same ids. */
    bool added_later;
};

/* Inserts a checked commodity; the caller holds the transaction. Its GTIN
 * and SKU are looked up in every form first (a UNIQUE index alone cannot
 * see an SKU that is another commodity's GTIN), except in a bulk where only
 * the index can find a clash: then the lookup, and its message, come after
 * an insert the index refused (a refused insert writes nothing). *id_out
 * gets the new id. */
static int insert_prod(ent_db *db, const struct prod *p, const char *now, int64_t *id_out, struct clash *c,
                       const struct bulk *b)
{
    bool index_finds = b && b->codes_unique_only && !all_digits(p->sku);
    int rc = index_finds ? ENT_OK : codes_free(db, p, 0, c);
    if (rc != ENT_OK)
        return rc;
    sqlite3_stmt *st =
        entx_stmt(db, "INSERT INTO product(gtin, sku, name_zh, name_en, brand, origin, hs_code, unit, net_content, "
                     "net_unit, price, currency, tax_rate, importer, reorder_point, storage, shelf_life_days, "
                     "created_at, updated_at, priced, sell_unit, food_kind, ingredients, allergens, abv, energy_kj, "
                     "protein, fat, carbohydrate, sodium) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                     "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?18, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30)");
    if (st == NULL)
        return db->code;
    bind_prod(st, p, now);
    rc = entx_exec_stmt(db, st);
    if (rc != ENT_OK && index_finds) {
        int clash = codes_free(db, p, 0, c);
        return clash != ENT_OK ? clash : rc;
    }
    int64_t id = sqlite3_last_insert_rowid(db->sql);
    if (rc == ENT_OK && id_out)
        *id_out = id;
    if (rc == ENT_OK && p->reorder_point > 0 && !(b && b->sums_later))
        rc = sum_row(db, id, p->reorder_point);
    /* One row, its price as the new value: the price history starts here. */
    if (rc == ENT_OK && !(b && b->added_later)) {
        char price[40] = "";
        if (p->priced)
            price_text(price, p->price, p->currency);
        rc = log_change(db, id, "added", NULL, price, now);
    }
    if (rc == ENT_OK)
        rc = index_prod(db, id, p, true);
    return rc;
}

int ent_product_add(ent_db *db, const ent_product_fields *fields)
{
    struct prod p;
    char cur[ENT_CURRENCY_SIZE], now[ENT_TIME_SIZE];
    int rc;
    entx_ok(db);
    if ((rc = store_currency(db, cur)) != ENT_OK)
        return rc;
    if ((rc = parse_fields(db, fields, cur, &p, NULL)) != ENT_OK)
        return rc;
    entx_now_utc(now);
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    rc = insert_prod(db, &p, now, NULL, NULL, NULL);
    return entx_tx_end(db, rc);
}

/* Text buffers for a product turned back into fields (edit, export). */
struct prod_text {
    char net[40], price[40], tax[16], reorder[24], shelf[16], abv[16], nut[5][24];
};

static void product_to_fields(const ent_product *p, struct prod_text *t, ent_product_fields *f)
{
    memset(f, 0, sizeof *f);
    f->gtin = p->gtin;
    f->sku = p->sku;
    f->name_zh = p->name_zh;
    f->name_en = p->name_en;
    f->brand = p->brand;
    f->origin = p->origin;
    f->hs_code = p->hs_code;
    f->unit = p->unit;
    t->net[0] = '\0';
    if (p->net_content > 0)
        snprintf(t->net, sizeof t->net, "%lld %s", (long long)p->net_content, p->net_unit);
    f->net_content = t->net;
    t->price[0] = '\0'; /* unpriced: an empty price, which reads back as unpriced */
    if (!p->unpriced && ent_money_format(t->price, sizeof t->price, p->price, p->currency) < 0)
        snprintf(t->price, sizeof t->price, "%lld", (long long)p->price);
    f->price = t->price;
    f->currency = p->currency;
    ent_decimal_format(t->tax, sizeof t->tax, p->tax_rate, 2);
    f->tax_rate = t->tax;
    f->importer = p->importer;
    snprintf(t->reorder, sizeof t->reorder, "%lld", (long long)p->reorder_point);
    f->reorder_point = t->reorder;
    t->shelf[0] = '\0';
    if (p->shelf_life_days > 0)
        snprintf(t->shelf, sizeof t->shelf, "%d", p->shelf_life_days);
    f->shelf_life_days = t->shelf;
    f->storage = p->storage;
    f->sell_unit = p->sell_unit;
    f->food_kind = p->food_kind;
    f->ingredients = p->ingredients;
    f->allergens = p->allergens;
    t->abv[0] = '\0';
    if (p->abv >= 0)
        ent_decimal_format(t->abv, sizeof t->abv, p->abv, 2);
    f->abv = t->abv;
    const int64_t nut[] = {p->energy_kj, p->protein, p->fat, p->carbohydrate, p->sodium};
    const char **slot[] = {&f->energy_kj, &f->protein, &f->fat, &f->carbohydrate, &f->sodium};
    for (int i = 0; i < 5; i++) {
        t->nut[i][0] = '\0';
        if (p->has_nutrition)
            ent_decimal_format(t->nut[i], sizeof t->nut[i], nut[i], i == 0 || i == 4 ? 0 : 1);
        *slot[i] = t->nut[i];
    }
}

/* Fields that always hold a value: "" would silently become the default. */
static int refuse_clear(ent_db *db, const ent_product_fields *changes)
{
    const char *const *keep[] = {&changes->unit, &changes->currency, &changes->tax_rate, &changes->reorder_point};
    static const char *const names[] = {"unit", "currency", "tax_rate", "reorder_point"};
    for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
        if (*keep[i] && **keep[i] == '\0')
            return entx_fail(db, ENT_INVALID, "%s cannot be cleared: give the new value", names[i]);
    return ENT_OK;
}

/* Tells followers (the label reprint queue) that a commodity's price or
 * name changed; called inside the edit's transaction. */
static int catalog_changed(ent_db *db, int64_t id, const ent_product *old, const int64_t *price,
                               const char *name_zh, const char *name_en);

/* Stock quantities are counted in the commodity's unit: changing it while
 * any are recorded would turn 223 pieces into 223 grams. The stock is asked
 * through the handle's hook (open.c): the catalogue does not call it. */
static int unit_change_allowed(ent_db *db, const ent_product *old, const char *unit)
{
    int64_t on_hand = 0, lots = 0;
    char who[ENT_PRODUCT_LABEL_SIZE];
    if (strcmp(old->unit, unit) == 0)
        return ENT_OK;
    if (db->product_usage == NULL)
        return entx_fail(db, ENT_ERROR, "the stock cannot be asked on this handle");
    int rc = db->product_usage(db, &on_hand, &lots, old->id);
    if (rc != ENT_OK)
        return rc;
    if (on_hand == 0 && lots == 0)
        return ENT_OK;
    entx_product_label(db, who, sizeof who, old->id);
    if (on_hand > 0)
        return entx_fail(db, ENT_REFUSED, "%s: the unit cannot change from %s to %s while %lld %s are on hand", who,
                        old->unit, unit, (long long)on_hand, old->unit);
    return entx_fail(db, ENT_REFUSED, "%s: the unit cannot change from %s to %s: %lld lot(s) of it are on record in %s",
                    who, old->unit, unit, (long long)lots, old->unit);
}

/* The reprint queue follows what a shelf label shows: a new price or name.
 * An unpriced commodity gets no price label, so it leaves the queue; a
 * retired one gets none at all. */
static int follow_change(ent_db *db, const ent_product *old, const struct prod *p)
{
    if (old->retired_at[0])
        return ENT_OK; /* a retired commodity gets no labels: a reprint would only fail */
    if (!p->priced)
        return !old->unpriced ? ent_label_queue_remove(db, old->id, INT64_MAX) : ENT_OK;
    if (old->unpriced)
        return entx_label_queue_on_change(db, old->id, "price");
    return catalog_changed(db, old->id, old, &p->price, p->name_zh, p->name_en);
}

/* Records every field of commodity old->id that its update changed, as the
 * text a person gives ("12.50", "500 g"; "" for none), one row each. */
static int log_changes(ent_db *db, const ent_product *old, const char *now)
{
    ent_product *cur = NULL;
    ent_product_fields a, b;
    struct prod_text ta, tb;
    int rc = entx_product_get_by_id(db, &cur, old->id);
    if (rc != ENT_OK)
        return rc;
    product_to_fields(old, &ta, &a);
    product_to_fields(cur, &tb, &b);
    for (size_t i = 0; rc == ENT_OK && i < NFIELDS; i++) {
        const char *x = *field_slot(&a, i), *y = *field_slot(&b, i);
        if (strcmp(x ? x : "", y ? y : "") != 0)
            rc = log_change(db, old->id, field_names[i], x, y, now);
    }
    ent_product_free(cur);
    return rc;
}

/* Applies the given fields to commodity id; the caller holds the transaction. */
static int update_prod(ent_db *db, int64_t id, const ent_product_fields *changes, const char *now, struct clash *c)
{
    ent_product *old = NULL;
    ent_product_fields f;
    struct prod_text t;
    struct prod p;
    int rc = refuse_clear(db, changes);
    if (rc != ENT_OK)
        return rc;
    if ((rc = entx_product_get_by_id(db, &old, id)) != ENT_OK)
        return rc;
    product_to_fields(old, &t, &f);
    /* A new currency without a new price would silently rescale the amount. */
    if (changes->currency && !changes->price && strcmp(changes->currency, old->currency) != 0) {
        rc = entx_fail(db, ENT_INVALID, "changing the currency needs the price in it too");
        goto done;
    }
    for (size_t i = 0; i < NFIELDS; i++) {
        const char *v = *field_slot((ent_product_fields *)changes, i);
        if (v)
            *field_slot(&f, i) = v;
    }
    if ((rc = parse_fields(db, &f, old->currency, &p, NULL)) != ENT_OK)
        goto done;
    if ((rc = codes_free(db, &p, id, c)) != ENT_OK || (rc = unit_change_allowed(db, old, p.unit)) != ENT_OK)
        goto done;
    sqlite3_stmt *st =
        entx_stmt(db, "UPDATE product SET gtin = ?1, sku = ?2, name_zh = ?3, name_en = ?4, brand = ?5, origin = ?6, "
                     "hs_code = ?7, unit = ?8, net_content = ?9, net_unit = ?10, price = ?11, currency = ?12, "
                     "tax_rate = ?13, importer = ?14, reorder_point = ?15, storage = ?16, shelf_life_days = ?17, "
                     "updated_at = ?18, priced = ?20, sell_unit = ?21, food_kind = ?22, ingredients = ?23, "
                     "allergens = ?24, abv = ?25, energy_kj = ?26, protein = ?27, fat = ?28, carbohydrate = ?29, "
                     "sodium = ?30 WHERE id = ?19");
    if (st == NULL) {
        rc = db->code;
        goto done;
    }
    bind_prod(st, &p, now);
    sqlite3_bind_int64(st, 19, id);
    rc = entx_exec_stmt(db, st);
    if (rc == ENT_OK)
        rc = log_changes(db, old, now);
    if (rc == ENT_OK)
        rc = index_prod(db, id, &p, false);
    if (rc == ENT_OK)
        rc = follow_change(db, old, &p);
done:
    ent_product_free(old);
    return rc;
}

static int no_fields(const ent_product_fields *f)
{
    for (size_t i = 0; i < NFIELDS; i++)
        if (*field_slot((ent_product_fields *)f, i))
            return 0;
    return 1;
}

int ent_product_edit(ent_db *db, const char *code, const ent_product_fields *fields)
{
    int64_t id;
    char now[ENT_TIME_SIZE];
    int rc = ent_product_id(db, &id, NULL, code);
    if (rc != ENT_OK)
        return rc;
    if (no_fields(fields))
        return entx_fail(db, ENT_INVALID, "nothing to change: give at least one field and its new value");
    entx_now_utc(now);
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    rc = update_prod(db, id, fields, now, NULL);
    return entx_tx_end(db, rc);
}

static int catalog_changed(ent_db *db, int64_t id, const ent_product *old, const int64_t *price,
                               const char *name_zh, const char *name_en)
{
    const char *reason = NULL;
    if (old->price != *price)
        reason = "price";
    else if ((old->name_zh == NULL) != (name_zh == NULL) || (old->name_zh && strcmp(old->name_zh, name_zh) != 0) ||
             (old->name_en == NULL) != (name_en == NULL) || (old->name_en && strcmp(old->name_en, name_en) != 0))
        reason = "name";
    return reason ? entx_label_queue_on_change(db, id, reason) : ENT_OK;
}

/* ---- retiring ----------------------------------------------------------- */

/* Sets or clears retired_at; refused when it is already so. */
static int set_retired(ent_db *db, const char *code, bool retire)
{
    ent_product *p = NULL;
    char now[ENT_TIME_SIZE], who[ENT_PRODUCT_LABEL_SIZE];
    int rc;
    entx_ok(db);
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    if ((rc = ent_product_find(db, &p, NULL, code)) != ENT_OK)
        goto done;
    entx_product_label(db, who, sizeof who, p->id);
    if (retire && p->retired_at[0]) {
        rc = entx_fail(db, ENT_REFUSED, "%s is already retired (since %s)", who, p->retired_at);
        goto done;
    }
    if (!retire && !p->retired_at[0]) {
        rc = entx_fail(db, ENT_REFUSED, "%s is not retired: it is in the catalogue", who);
        goto done;
    }
    entx_now_utc(now);
    sqlite3_stmt *st = entx_stmt(db, "UPDATE product SET retired_at = ?1, updated_at = ?2 WHERE id = ?3");
    if (st == NULL) {
        rc = db->code;
        goto done;
    }
    entx_bind_text_or_null(st, 1, retire ? now : NULL);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, p->id);
    rc = entx_exec_stmt(db, st);
    if (rc == ENT_OK)
        rc = log_change(db, p->id, retire ? "retired" : "unretired", NULL, NULL, now);
    /* A retired commodity gets no labels: a queued reprint would only fail. */
    if (rc == ENT_OK && retire)
        rc = ent_label_queue_remove(db, p->id, INT64_MAX);
done:
    ent_product_free(p);
    return entx_tx_end(db, rc);
}

int ent_product_retire(ent_db *db, const char *code)
{
    return set_retired(db, code, true);
}

int ent_product_unretire(ent_db *db, const char *code)
{
    return set_retired(db, code, false);
}

int entx_product_sellable(ent_db *db, const ent_product *p)
{
    char who[ENT_PRODUCT_LABEL_SIZE];
    if (p->retired_at[0] == '\0' && !p->unpriced)
        return ENT_OK;
    entx_product_label(db, who, sizeof who, p->id);
    if (p->retired_at[0])
        return entx_fail(db, ENT_REFUSED, "%s is retired (since %.10s) and can no longer be sold", who, p->retired_at);
    return entx_fail(db, ENT_REFUSED, "%s has no price yet: it cannot be sold until it is priced", who);
}

/* ---- listing ------------------------------------------------------------ */

/* Calls cb for each commodity of ids, in that order. */
static int each_id(ent_db *db, const int64_t *ids, size_t n, ent_product_cb cb, void *ud)
{
    /* A separate statement handle: the callback may run catalogue lookups itself. */
    sqlite3_stmt *st = NULL;
    int rc = ENT_OK;
    if (sqlite3_prepare_v2(db->sql, "SELECT " PRODUCT_COLS " FROM product WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
        return entx_fail_sql(db, "listing commodities");
    for (size_t i = 0; i < n && rc == ENT_OK; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, ids[i]);
        int sc = sqlite3_step(st);
        if (sc == SQLITE_ROW) {
            ent_product p;
            row_to_product(st, &p, 0);
            rc = cb(&p, ud);
        } else if (sc != SQLITE_DONE) {
            rc = entx_fail_sql(db, "listing commodities");
        }
    }
    sqlite3_finalize(st);
    return rc;
}

int ent_product_each(ent_db *db, const char *search, const char *origin, int64_t limit, ent_product_cb cb, void *ud)
{
    char ccode[ENT_COUNTRY_SIZE] = "";
    int64_t *ids = NULL;
    size_t n = 0;
    int rc = ENT_OK;
    entx_ok(db);
    if (search && *search == '\0')
        return entx_fail(db, ENT_INVALID, "the text to search for is empty");
    if (origin && *origin == '\0')
        return entx_fail(db, ENT_INVALID, "the origin to list is empty: give a country code such as FR");
    if (!entx_empty(search) && (rc = entx_check_text(db, "search text", search, NAME_MAX_BYTES, true)) != ENT_OK)
        return rc;
    if (!entx_empty(origin)) {
        const ent_country *c = NULL;
        if (ent_country_lookup(&c, origin) != ENT_OK) {
            rc = entx_check_text(db, "origin", origin, 40, true);
            return rc == ENT_OK ? entx_fail(db, ENT_INVALID, "origin '%s' is not an ISO 3166-1 country code",
                                            ENT_CLIP(origin, 40))
                                : rc;
        }
        memcpy(ccode, c->alpha2, ENT_COUNTRY_SIZE);
    }
    /* A search is ranked (search.c); a list is in the order of entry. */
    if (!entx_empty(search)) {
        /* The search's passes and the rows they list read one snapshot: a
         * commit between two of them showed part of it. */
        bool began = entx_read_begin(db);
        rc = entx_search_ids(db, &ids, &n, search, ccode[0] ? ccode : NULL, limit);
        if (rc == ENT_OK)
            rc = each_id(db, ids, n, cb, ud);
        free(ids);
        entx_read_end(db, began);
        return rc;
    }
    /* The origin is written in only when asked: "?2 IS NULL OR origin = ?2"
     * cannot use the index of one origin's commodities (schema 25), and a
     * rare origin walked the whole catalogue for its first page. */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->sql,
                           ccode[0] ? "SELECT " PRODUCT_COLS " FROM product WHERE retired_at IS NULL "
                                      "AND origin = ?2 ORDER BY id LIMIT ?3"
                                    : "SELECT " PRODUCT_COLS " FROM product WHERE retired_at IS NULL "
                                      "ORDER BY id LIMIT ?3",
                           -1, &st, NULL) != SQLITE_OK)
        return entx_fail_sql(db, "listing commodities");
    entx_bind_text_or_null(st, 2, ccode);
    sqlite3_bind_int64(st, 3, limit > 0 ? limit : -1);
    int sc;
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        ent_product p;
        row_to_product(st, &p, 0);
        if ((rc = cb(&p, ud)) != 0)
            break;
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "listing commodities");
    sqlite3_finalize(st);
    return rc;
}

/* ---- change history ----------------------------------------------------- */

int ent_product_history(ent_db *db, const char *code, const char *field, ent_product_change_cb cb, void *ud)
{
    int64_t id;
    int rc = ent_product_id(db, &id, NULL, code);
    if (rc != ENT_OK)
        return rc;
    if (field && (rc = entx_check_text(db, "field", field, 32, true)) != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(db, "SELECT at, user, field, old_value, new_value FROM product_change "
                                     "WHERE product_id = ?1 AND (?2 IS NULL OR field = ?2 OR "
                                     "(?2 = 'price' AND field = 'added')) ORDER BY id");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, id);
    entx_bind_text_or_null(st, 2, field);
    int sc;
    while (rc == ENT_OK && (sc = sqlite3_step(st)) == SQLITE_ROW) {
        ent_product_change c;
        const char **cols[] = {&c.at, &c.user, &c.field, &c.old_value, &c.new_value};
        for (int i = 0; i < 5; i++) {
            const unsigned char *v = sqlite3_column_text(st, i);
            *cols[i] = v ? (const char *)v : "";
        }
        rc = cb(&c, ud);
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading a commodity's history");
    sqlite3_reset(st);
    return rc;
}

/* ---- barcodes ----------------------------------------------------------- */

/* A barcode is stored as a 14-digit GTIN when it is one, else as given. */
static int barcode_key(ent_db *db, const char *barcode, char out[ENT_BARCODE_KEY_SIZE])
{
    char gtin[ENT_GTIN_SIZE];
    int rc = entx_check_text(db, "barcode", barcode, 64, true);
    if (rc != ENT_OK)
        return rc;
    size_t n = strlen(barcode);
    if (strspn(barcode, "0123456789") == n && (n == 8 || n == 12 || n == 13 || n == 14)) {
        if (ent_gtin_normalize(gtin, barcode) != ENT_OK)
            return entx_fail(db, ENT_INVALID, "%s", entx_why());
        snprintf(out, ENT_BARCODE_KEY_SIZE, "%s", gtin);
        return ENT_OK;
    }
    if (!entx_valid_code(barcode, 64))
        return entx_fail(db, ENT_INVALID, "barcode '%s' must be letters, digits or - _ . /", ENT_CLIP(barcode, 40));
    snprintf(out, ENT_BARCODE_KEY_SIZE, "%s", barcode);
    return ENT_OK;
}

int ent_product_barcode_add(ent_db *db, const char *product, const char *barcode, int64_t qty)
{
    char key[ENT_BARCODE_KEY_SIZE];
    int64_t id;
    int rc = ent_product_id(db, &id, NULL, product);
    if (rc != ENT_OK)
        return rc;
    if ((rc = barcode_key(db, barcode, key)) != ENT_OK)
        return rc;
    if (qty <= 0 || qty > BARCODE_QTY_MAX)
        return entx_fail(db, ENT_INVALID, "quantity %lld: a barcode stands for 1 to %lld units", (long long)qty,
                        BARCODE_QTY_MAX);
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    /* Not even the commodity's own GTIN or SKU: the code would then mean
     * two quantities at once. */
    if ((rc = code_owner(db, "barcode", key, 0, NULL)) != ENT_OK)
        goto done;
    sqlite3_stmt *st = entx_stmt(db, "INSERT INTO product_barcode(code, product_id, qty) VALUES (?, ?, ?)");
    if (st == NULL) {
        rc = db->code;
        goto done;
    }
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int64(st, 3, qty);
    rc = entx_exec_stmt(db, st);
    char now[ENT_TIME_SIZE], what[90];
    entx_now_utc(now);
    snprintf(what, sizeof what, "%s x%lld", key, (long long)qty);
    if (rc == ENT_OK)
        rc = log_change(db, id, "barcode", NULL, what, now);
done:
    return entx_tx_end(db, rc);
}

int ent_product_barcode_remove(ent_db *db, const char *barcode)
{
    char key[ENT_BARCODE_KEY_SIZE];
    int rc;
    entx_ok(db);
    if ((rc = barcode_key(db, barcode, key)) != ENT_OK)
        return rc;
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(db, "DELETE FROM product_barcode WHERE code = ? RETURNING product_id, qty");
    if (st == NULL) {
        rc = db->code;
        goto done;
    }
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int sc = sqlite3_step(st);
    int64_t id = sc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0, qty = sc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
    if (sc == SQLITE_ROW)
        sc = sqlite3_step(st);
    sqlite3_reset(st);
    if (sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "removing a barcode");
    else if (id == 0)
        rc = entx_fail(db, ENT_NOTFOUND, "no commodity has the extra barcode %s", key);
    char now[ENT_TIME_SIZE], what[90];
    entx_now_utc(now);
    snprintf(what, sizeof what, "%s x%lld", key, (long long)qty);
    if (rc == ENT_OK)
        rc = log_change(db, id, "barcode", what, NULL, now);
done:
    return entx_tx_end(db, rc);
}

int ent_product_barcodes(ent_db *db, const char *product, ent_barcode_cb cb, void *ud)
{
    int64_t id;
    int rc = ent_product_id(db, &id, NULL, product);
    if (rc != ENT_OK)
        return rc;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->sql, "SELECT code, qty FROM product_barcode WHERE product_id = ? ORDER BY code", -1, &st,
                           NULL) != SQLITE_OK)
        return entx_fail_sql(db, "listing barcodes");
    sqlite3_bind_int64(st, 1, id);
    while (rc == ENT_OK && sqlite3_step(st) == SQLITE_ROW)
        rc = cb((const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1), ud);
    sqlite3_finalize(st);
    return rc;
}

/* ---- CSV ---------------------------------------------------------------- */

/* The commodities one import has written, with the row that wrote each: a
 * second row for the same commodity is a duplicate in the file, named by
 * that row. New commodities get the ids that follow each other, so their
 * rows are kept in an array by id (a million rows: a hash table of them
 * was read at random, 3 % of the import); any other id (an update) moves
 * them into open addressing on the id (ids are > 0; 0 marks a free slot). */
struct seen_slot {
    int64_t id;
    size_t row;
};
struct seen {
    struct seen_slot *v; /* the hash table, NULL until an id out of sequence */
    size_t cap, n;
    int64_t first; /* rows[i] is the row of id first + i */
    size_t *rows, nrows, rows_cap;
};

static size_t seen_find(const struct seen *s, int64_t id)
{
    size_t h = (size_t)(((uint64_t)id * 0x9E3779B97F4A7C15ULL) >> 17) & (s->cap - 1);
    while (s->v[h].id != 0 && s->v[h].id != id)
        h = (h + 1) & (s->cap - 1);
    return h;
}

/* The row that already wrote commodity id, or 0. */
static size_t seen_row(const struct seen *s, int64_t id)
{
    if (s->nrows && id >= s->first && (uint64_t)(id - s->first) < s->nrows)
        return s->rows[id - s->first];
    return s->cap ? s->v[seen_find(s, id)].row : 0;
}

static int seen_hash(ent_db *db, struct seen *s, int64_t id, size_t row)
{
    if ((s->n + 1) * 2 > s->cap) {
        struct seen old = *s;
        s->cap = old.cap ? old.cap * 2 : 1024;
        s->v = calloc(s->cap, sizeof *s->v);
        if (s->v == NULL) {
            *s = old;
            return entx_fail(db, ENT_ERROR, "out of memory");
        }
        s->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.v[i].id) {
                s->v[seen_find(s, old.v[i].id)] = old.v[i];
                s->n++;
            }
        free(old.v);
    }
    size_t h = seen_find(s, id);
    if (s->v[h].id == 0)
        s->n++;
    s->v[h] = (struct seen_slot){id, row};
    return ENT_OK;
}

static int seen_add(ent_db *db, struct seen *s, int64_t id, size_t row)
{
    if (s->v == NULL && (s->nrows == 0 || id == s->first + (int64_t)s->nrows)) {
        if (s->nrows == s->rows_cap) {
            size_t cap = s->rows_cap ? s->rows_cap * 2 : 1024;
            size_t *r = realloc(s->rows, cap * sizeof *r);
            if (r == NULL)
                return entx_fail(db, ENT_ERROR, "out of memory");
            s->rows = r;
            s->rows_cap = cap;
        }
        if (s->nrows == 0)
            s->first = id;
        s->rows[s->nrows++] = row;
        return ENT_OK;
    }
    /* Out of sequence: every id goes into the hash table from here on. */
    int rc = ENT_OK;
    for (size_t i = 0; rc == ENT_OK && i < s->nrows; i++)
        rc = seen_hash(db, s, s->first + (int64_t)i, s->rows[i]);
    if (rc != ENT_OK)
        return rc;
    s->nrows = 0;
    return seen_hash(db, s, id, row);
}

static void seen_free(struct seen *s)
{
    free(s->v);
    free(s->rows);
}

struct import {
    int update;
    char cur[ENT_CURRENCY_SIZE], now[ENT_TIME_SIZE];
    struct seen seen;
    const ent_import_opts *o;
    struct bulk bulk;
    struct unit_memo units;
    int64_t first_new; /* the first commodity this import added, 0 when none */
};

/* Whether a code can only clash with a code of its own kind (struct bulk):
 * no SKU of digits (the only SKUs that can be a GTIN's form) and no extra
 * barcode. */
static int codes_unique_only(ent_db *db, bool *out)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT EXISTS (SELECT 1 FROM product WHERE sku >= '0' AND sku < ':' "
                                     "AND sku NOT GLOB '*[^0-9]*') OR EXISTS (SELECT 1 FROM product_barcode)");
    if (st == NULL)
        return db->code;
    int sc = sqlite3_step(st);
    *out = sc == SQLITE_ROW && sqlite3_column_int(st, 0) == 0;
    sqlite3_reset(st);
    return sc == SQLITE_ROW ? ENT_OK : entx_fail_sql(db, "reading the commodity codes");
}

/* SQL price_text(price, currency), for the history rows of an import. */
static void sql_price_text(sqlite3_context *cx, int argc, sqlite3_value **v)
{
    char buf[40];
    const unsigned char *currency = sqlite3_value_text(v[1]);
    (void)argc;
    price_text(buf, sqlite3_value_int64(v[0]), currency ? (const char *)currency : "");
    sqlite3_result_text(cx, buf, -1, SQLITE_TRANSIENT);
}

/* The "added" rows of the history of the commodities this import added, as
 * insert_prod writes one alone (the time and the user of the import; the
 * price in the currency's decimals, none when unpriced), in id order. The
 * function lives only for this statement. */
static int import_added(ent_db *db, const struct import *im)
{
    if (im->first_new == 0 || !im->bulk.added_later)
        return ENT_OK;
    static const char sql[] =
        "INSERT INTO product_change(product_id, at, user, field, old_value, new_value) "
        "SELECT id, ?1, ?2, 'added', NULL, CASE WHEN priced THEN entx_price_text(price, currency) END "
        "FROM product WHERE id >= ?3 ORDER BY id";
    sqlite3_stmt *st = NULL;
    int rc = ENT_OK;
    if (sqlite3_create_function_v2(db->sql, "entx_price_text", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                   sql_price_text, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK) {
        rc = entx_fail_sql(db, "writing the history of the commodities");
    } else {
        sqlite3_bind_text(st, 1, im->now, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, entx_actor(db), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 3, im->first_new);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = entx_fail_sql(db, "writing the history of the commodities");
    }
    sqlite3_finalize(st);
    sqlite3_create_function_v2(db->sql, "entx_price_text", 2, SQLITE_UTF8, NULL, NULL, NULL, NULL, NULL);
    return rc;
}

/* The summary rows of the commodities this import added with a reorder
 * point, as insert_prod writes one alone; in id order, after the rows. */
static int import_sums(ent_db *db, const struct import *im)
{
    if (im->first_new == 0)
        return ENT_OK;
    sqlite3_stmt *st = entx_stmt(db, "INSERT OR IGNORE INTO stock_sum_product(product_id, qty, sellable, reorder_point) "
                                     "SELECT id, 0, 0, reorder_point FROM product WHERE id >= ?1 AND reorder_point > 0 "
                                     "ORDER BY id");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, im->first_new);
    return entx_exec_stmt(db, st);
}

/* One data row: a new commodity, or (update) a change to a known one. The
 * message is written as if for the row alone; the caller prefixes "row N". */
static int import_row(ent_db *db, struct import *im, ent_product_fields *f, size_t row)
{
    int64_t id = 0, qty;
    char key[ENT_GTIN_SIZE];
    struct clash c = {0};
    struct prod p;
    const char *what = "GTIN", *code = key;
    int rc;
    /* The row's commodity: by GTIN when the row has one, else by SKU. */
    if (!entx_empty(f->gtin)) {
        if (ent_gtin_normalize(key, f->gtin) != ENT_OK)
            return entx_fail(db, ENT_INVALID, "%s", entx_why());
    } else if (!entx_empty(f->sku)) {
        if ((rc = entx_check_text(db, "sku", f->sku, 32, true)) != ENT_OK)
            return rc;
        what = "sku";
        code = f->sku;
    } else {
        return entx_fail(db, ENT_INVALID, "a commodity needs a gtin or a sku");
    }
    /* Without update a row can only be new: the code check before the
     * insert finds a clash, so the row costs no extra lookup. */
    int found = ENT_NOTFOUND;
    if (im->update && (found = lookup_id(db, what[0] == 'G' ? sql_by_gtin : sql_by_sku, code, &id, &qty)) != ENT_OK &&
        found != ENT_NOTFOUND)
        return found;
    if (found == ENT_OK) {
        size_t first = seen_row(&im->seen, id);
        if (first)
            return entx_fail(db, ENT_EXISTS, "%s %s is a duplicate of row %zu of the same file", what, code, first);
        rc = update_prod(db, id, f, im->now, &c);
    } else {
        /* An empty cell of a new commodity is a field not given. */
        for (size_t i = 0; i < NFIELDS; i++)
            if (entx_empty(*field_slot(f, i)))
                *field_slot(f, i) = NULL;
        if ((rc = parse_fields(db, f, im->cur, &p, &im->units)) == ENT_OK)
            rc = insert_prod(db, &p, im->now, &id, &c, &im->bulk);
        if (rc == ENT_OK && im->first_new == 0)
            im->first_new = id;
    }
    /* From here on an SKU of digits may be what a later row's GTIN is. */
    if (rc == ENT_OK && all_digits(f->sku))
        im->bulk.codes_unique_only = false;
    if (rc == ENT_EXISTS && c.id) {
        size_t first = seen_row(&im->seen, c.id);
        if (first)
            return entx_fail(db, ENT_EXISTS, "%s %s is a duplicate of row %zu of the same file", c.what, c.code, first);
        if (!im->update && strcmp(c.code, code) == 0) {
            char who[ENT_PRODUCT_LABEL_SIZE];
            entx_product_label(db, who, sizeof who, c.id);
            return entx_fail(db, ENT_EXISTS,
                            "%s %s is already in the catalogue as %s; import the file as an update to change it", what,
                            code, who);
        }
    }
    return rc == ENT_OK ? seen_add(db, &im->seen, id, row) : rc;
}

/* One row of the shared driver: the cells into the fields, then import_row. */
static int import_cells(ent_db *db, const char *const *cells, size_t row, void *ud)
{
    ent_product_fields f;
    memset(&f, 0, sizeof f);
    for (size_t i = 0; i < NFIELDS; i++)
        *field_slot(&f, i) = cells[i];
    struct import *im = ud;
    int rc = import_row(db, im, &f, row);
    /* row counts the header as record 1 */
    if (rc == ENT_OK && im->o->progress && (row - 1) % 10000 == 0)
        im->o->progress("rows", (int64_t)row - 1, 0, im->o->progress_ud);
    return rc;
}

int ent_product_import_csv(ent_db *db, int64_t *imported, FILE *in, bool update)
{
    return ent_product_import_csv_opts(db, imported, in, &(ent_import_opts){.update = update});
}

int ent_product_import_csv_opts(ent_db *db, int64_t *imported, FILE *in, const ent_import_opts *o)
{
    static const ent_import_opts plain = {0};
    o = o ? o : &plain;
    struct import im = {.update = o->update,
                        .o = o,
                        .bulk = {.sums_later = true, .added_later = !o->update},
                        .units = {.utf8_checked = true}};
    int64_t n = 0;
    const struct entx_import k = {field_names, NFIELDS, 0, false, import_cells, &im};
    int rc;
    entx_ok(db);
    if (imported)
        *imported = 0;
    if ((rc = store_currency(db, im.cur)) != ENT_OK)
        return rc;
    entx_now_utc(im.now);
    /* A big file inserts GTINs in no particular order: with the GTIN and SKU
     * indexes in memory, each insert stays a memory operation instead of a
     * read from disk. Every page an import writes stays in the cache until
     * its commit, about 520 bytes a commodity: a cache smaller than that
     * spills pages into the log mid-import and reads them back (256 MiB:
     * 1,000,000 rows took 15.6 s of CPU and 22.9 s wall, 1 GiB: 12.8 s and
     * 13.9 s). The cache takes memory only as pages are written. */
    sqlite3_exec(db->sql, "PRAGMA cache_size = -1048576", NULL, NULL, NULL);
    /* The new commodities' search keys are written at the end, in key order
     * (search_internal.h): the import nests in this transaction. */
    if ((rc = entx_tx_begin(db)) == ENT_OK) {
        if ((rc = codes_unique_only(db, &im.bulk.codes_unique_only)) == ENT_OK &&
            (rc = entx_search_bulk_begin(db)) == ENT_OK) {
            rc = entx_import_csv(db, &n, in, &k);
            if (rc == ENT_OK)
                rc = import_added(db, &im);
            if (rc == ENT_OK)
                rc = import_sums(db, &im);
            if (rc == ENT_OK && o->progress)
                o->progress("search keys", 0, n, o->progress_ud);
            rc = entx_search_bulk_end(db, rc);
        }
        rc = entx_tx_end(db, rc);
    }
    if (imported)
        *imported = rc == ENT_OK ? n : 0;
    sqlite3_exec(db->sql, ENT_CACHE_PRAGMA, NULL, NULL, NULL);
    seen_free(&im.seen);
    return rc;
}

static int export_row(const ent_product *p, void *ud)
{
    FILE *out = ud;
    ent_product_fields f;
    struct prod_text t;
    const char *cells[NFIELDS];
    product_to_fields(p, &t, &f);
    for (size_t i = 0; i < NFIELDS; i++)
        cells[i] = *field_slot(&f, i);
    return ent_csv_write(out, cells, NFIELDS);
}

int ent_product_export_csv(ent_db *db, FILE *out)
{
    entx_ok(db);
    if (ent_csv_write(out, field_names, NFIELDS) != ENT_OK)
        return entx_fail(db, ENT_ERROR, "writing the CSV failed");
    int rc = ent_product_each(db, NULL, NULL, 0, export_row, out);
    if (rc != ENT_OK && db->code == ENT_OK)
        rc = entx_fail(db, ENT_ERROR, "writing the CSV failed");
    return rc;
}

/* ---- the nutrition table (GB 28050) ------------------------------------ */

/* GB 28050 table 1: each nutrient with its unit, the amount at or under
 * which it is declared as 0, the decimals it is printed with (amounts are
 * stored at that precision) and its NRV in the same scaled unit. */
static const struct nutrient {
    const char *name_zh, *unit_zh;
    int64_t zero_at; /* scaled */
    int scale;       /* 0: whole, 1: tenths */
    int64_t nrv;     /* scaled */
} nutrients[ENT_NUTRITION_ROWS] = {
    {"能量", "千焦", 17, 0, 8400},         {"蛋白质", "克", 5, 1, 600}, {"脂肪", "克", 5, 1, 600},
    {"碳水化合物", "克", 5, 1, 3000}, {"钠", "毫克", 5, 0, 2000},
};

int ent_product_nutrition(ent_nutrition_row rows[ENT_NUTRITION_ROWS], const ent_product *p)
{
    if (!p->has_nutrition)
        return entx_error_set(ENT_NOTFOUND, "this commodity has no nutrition table");
    const int64_t v[] = {p->energy_kj, p->protein, p->fat, p->carbohydrate, p->sodium};
    for (int i = 0; i < ENT_NUTRITION_ROWS; i++) {
        const struct nutrient *n = &nutrients[i];
        int64_t x = v[i] <= n->zero_at ? 0 : v[i];
        char num[20];
        if (x == 0)
            snprintf(num, sizeof num, "0");
        else
            ent_decimal_format(num, sizeof num, x, n->scale);
        rows[i].name_zh = n->name_zh;
        snprintf(rows[i].amount, sizeof rows[i].amount, "%s%s", num, n->unit_zh);
        /* NRV% of the printed amount, whole percent, half up; x is at most
         * 40000 so 200 * x does not overflow. */
        rows[i].nrv_percent = (int32_t)((200 * x + n->nrv) / (2 * n->nrv));
    }
    return ENT_OK;
}
