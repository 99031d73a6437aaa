/* Label data: the named fields a template prints, filled from a commodity,
 * its lot and the store, and {placeholder} expansion. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/parse.h"
#include "entrepot/country.h"
#include "entrepot/money.h"
#include "internal.h"
#include "label_int.h"

struct field {
    char *name, *value;
};

struct ent_label_data {
    struct field *f;
    size_t n, cap;
};

int ent_label_data_new(ent_label_data **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? ENT_OK : entx_error_set(ENT_ERROR, "out of memory");
}

void ent_label_data_free(ent_label_data *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->f[i].name);
        free(d->f[i].value);
    }
    free(d->f);
    free(d);
}

static struct field *find(const ent_label_data *d, const char *name, size_t len)
{
    for (size_t i = 0; i < d->n; i++)
        if (strlen(d->f[i].name) == len && memcmp(d->f[i].name, name, len) == 0)
            return &d->f[i];
    return NULL;
}

int ent_label_data_set(ent_label_data *d, const char *field, const char *value)
{
    struct field *f = find(d, field, strlen(field));
    if (value == NULL || *value == '\0') {
        if (f) {
            free(f->name);
            free(f->value);
            *f = d->f[--d->n];
        }
        return ENT_OK;
    }
    char *v = entx_strdup(value);
    if (v == NULL)
        return entx_error_set(ENT_ERROR, "out of memory");
    if (f) {
        free(f->value);
        f->value = v;
        return ENT_OK;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 48;
        struct field *grown = realloc(d->f, cap * sizeof *grown);
        if (grown == NULL) {
            free(v);
            return entx_error_set(ENT_ERROR, "out of memory");
        }
        d->f = grown;
        d->cap = cap;
    }
    d->f[d->n].name = entx_strdup(field);
    d->f[d->n].value = v;
    if (d->f[d->n].name == NULL) {
        free(v);
        return entx_error_set(ENT_ERROR, "out of memory");
    }
    d->n++;
    return ENT_OK;
}

const char *ent_label_data_get(const ent_label_data *d, const char *field)
{
    struct field *f = find(d, field, strlen(field));
    return f ? f->value : NULL;
}

/* ---- filling from a commodity ------------------------------------------- */

/* Symbols as printed on Chinese price labels; other currencies show their code. */
static const char *currency_symbol(const char *code)
{
    static const struct {
        const char *code, *sym;
    } syms[] = {{"CNY", "¥"}, {"HKD", "HK$"}, {"MOP", "MOP$"}, {"TWD", "NT$"}, {"USD", "US$"},
                {"EUR", "€"}, {"GBP", "£"},  {"JPY", "JP¥"}, {"KRW", "₩"}};
    for (size_t i = 0; i < sizeof syms / sizeof *syms; i++)
        if (strcmp(syms[i].code, code) == 0)
            return syms[i].sym;
    return NULL;
}

static void money_sym(char *out, size_t len, int64_t minor, const char *currency)
{
    char num[48];
    const char *sym = currency_symbol(currency);
    if (ent_money_format(num, sizeof num, minor, currency) < 0)
        snprintf(num, sizeof num, "%lld", (long long)minor);
    if (sym)
        snprintf(out, len, "%s%s", sym, num);
    else
        snprintf(out, len, "%s %s", num, currency);
}

/* value/10^3 with trailing zeros trimmed: 1500 -> "1.5". */
static void thousandths(char *out, size_t len, int64_t v)
{
    char tmp[40];
    ent_decimal_format(tmp, sizeof tmp, v, 3);
    char *dot = strchr(tmp, '.');
    if (dot) {
        char *e = tmp + strlen(tmp) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    snprintf(out, len, "%s", tmp);
}

static void net_content(ent_label_data *d, const ent_product *p)
{
    char en[64], zh[64], num[40];
    if (p->net_content <= 0 || p->net_unit[0] == '\0')
        return;
    bool big = p->net_content >= 1000 && strcmp(p->net_unit, "pcs") != 0;
    if (big)
        thousandths(num, sizeof num, p->net_content);
    else
        snprintf(num, sizeof num, "%lld", (long long)p->net_content);
    if (strcmp(p->net_unit, "g") == 0) {
        snprintf(en, sizeof en, "%s %s", num, big ? "kg" : "g");
        snprintf(zh, sizeof zh, "%s%s", num, big ? "千克" : "克");
    } else if (strcmp(p->net_unit, "ml") == 0) {
        snprintf(en, sizeof en, "%s %s", num, big ? "L" : "ml");
        snprintf(zh, sizeof zh, "%s%s", num, big ? "升" : "毫升");
    } else {
        snprintf(en, sizeof en, "%s pcs", num);
        snprintf(zh, sizeof zh, "%s件", num);
    }
    ent_label_data_set(d, "net_content", en);
    ent_label_data_set(d, "net_content_zh", zh);
}

/* price * base / net rounded half up, checked in 64 bits: -1 when it does
 * not fit (a price near 2^63). Split as whole and remainder so that every
 * price the catalogue allows is exact. */
static int per_unit(int64_t price, int64_t base, int64_t net, int64_t *out)
{
    int64_t whole, part, sum;
    if (__builtin_mul_overflow(price / net, base, &whole) || __builtin_mul_overflow(price % net, base, &part))
        return -1;
    int64_t rest = part % net;
    int64_t up = rest >= net - rest; /* half or more of a minor unit: 2 * rest >= net, without overflow */
    if (__builtin_add_overflow(whole, part / net, &sum) || __builtin_add_overflow(sum, up, out))
        return -1;
    return 0;
}

/* Unit price for comparison: per kg for goods sold by weight, per 100 ml
 * for liquids, per piece for packs; rounded half up to the minor unit.
 * ENT_INVALID when it cannot be computed in 64 bits. */
static int unit_price(ent_label_data *d, const ent_product *p)
{
    char out[64];
    int64_t per, base, net = p->net_content;
    const char *unit, *unit_zh, *net_unit = p->net_unit;
    /* Goods sold by weight or volume are priced per kg or litre: their
     * comparison price is that price, whatever a pack would hold. */
    if (strcmp(p->unit, "g") == 0 || strcmp(p->unit, "ml") == 0)
        net = 1000, net_unit = p->unit;
    if (net <= 0 || p->price <= 0 || p->unpriced)
        return ENT_OK;
    if (strcmp(net_unit, "g") == 0) {
        base = 1000, unit = "kg", unit_zh = "千克";
    } else if (strcmp(net_unit, "ml") == 0) {
        base = 100, unit = "100ml", unit_zh = "100毫升";
    } else if (strcmp(net_unit, "pcs") == 0 && net > 1) {
        base = 1, unit = "pc", unit_zh = "件";
    } else {
        return ENT_OK;
    }
    if (per_unit(p->price, base, net, &per) != 0)
        return ENT_INVALID;
    money_sym(out, sizeof out - 16, per, p->currency);
    size_t n = strlen(out);
    snprintf(out + n, sizeof out - n, "/%s", unit);
    ent_label_data_set(d, "unit_price", out);
    money_sym(out, sizeof out - 16, per, p->currency);
    n = strlen(out);
    snprintf(out + n, sizeof out - n, "/%s", unit_zh);
    ent_label_data_set(d, "unit_price_zh", out);
    ent_label_data_set(d, "unit_price_unit", unit);
    return ENT_OK;
}

static void yymmdd(ent_label_data *d, const char *field, const char *date)
{
    char v[7];
    if (date == NULL || strlen(date) != 10)
        return;
    snprintf(v, sizeof v, "%.2s%.2s%.2s", date + 2, date + 5, date + 8);
    ent_label_data_set(d, field, v);
}

static void origin(ent_label_data *d, const char *code)
{
    const ent_country *c = NULL;
    if (code == NULL || *code == '\0')
        return;
    ent_label_data_set(d, "origin", code);
    if (ent_country_lookup(&c, code) == ENT_OK) {
        ent_label_data_set(d, "origin_en", c->name_en);
        ent_label_data_set(d, "origin_zh", c->name_zh);
    }
}

int entx_label_data_set_origins(ent_label_data *d, const char *const *codes, size_t n)
{
    char code[256] = "", en[512] = "", zh[512] = "";
    size_t lc = 0, le = 0, lz = 0;
    for (size_t i = 0; i < n; i++) {
        const ent_country *c = NULL;
        const char *sep = i ? "/" : "";
        bool known = ent_country_lookup(&c, codes[i]) == ENT_OK;
        /* Whole names only: a list too long for the buffers stops at a name. */
        int a = snprintf(code + lc, sizeof code - lc, "%s%s", sep, codes[i]);
        int b = snprintf(en + le, sizeof en - le, "%s%s", sep, known ? c->name_en : codes[i]);
        int z = snprintf(zh + lz, sizeof zh - lz, "%s%s", sep, known ? c->name_zh : codes[i]);
        if (a < 0 || b < 0 || z < 0 || (size_t)a >= sizeof code - lc || (size_t)b >= sizeof en - le ||
            (size_t)z >= sizeof zh - lz) {
            code[lc] = en[le] = zh[lz] = '\0';
            break;
        }
        lc += (size_t)a, le += (size_t)b, lz += (size_t)z;
    }
    if (ent_label_data_set(d, "origin", code) != ENT_OK || ent_label_data_set(d, "origin_en", en) != ENT_OK ||
        ent_label_data_set(d, "origin_zh", zh) != ENT_OK)
        return ENT_ERROR;
    return ENT_OK;
}

static void gtin_forms(ent_label_data *d, const char *gtin)
{
    if (strlen(gtin) != 14)
        return;
    ent_label_data_set(d, "gtin", gtin);
    if (gtin[0] == '0')
        ent_label_data_set(d, "gtin13", gtin + 1);
    if (strncmp(gtin, "00", 2) == 0)
        ent_label_data_set(d, "upc", gtin + 2);
    if (strncmp(gtin, "000000", 6) == 0)
        ent_label_data_set(d, "gtin8", gtin + 6);
    /* The shortest form a person would type or see under the bars. */
    ent_label_data_set(d, "code", strncmp(gtin, "000000", 6) == 0 ? gtin + 6 : gtin[0] == '0' ? gtin + 1 : gtin);
}

/* The back label of prepackaged food (GB 7718): its kind, ingredients,
 * allergens, alcohol, and the nutrition table (GB 28050) as the rows of a
 * table element: cells split by '|', rows by a new line, a header first. */
static void food_fields(ent_label_data *d, const ent_product *p)
{
    char buf[512];
    ent_label_data_set(d, "food_kind", p->food_kind);
    ent_label_data_set(d, "ingredients", p->ingredients);
    ent_label_data_set(d, "allergens", p->allergens);
    if (p->abv >= 0) {
        /* 13.50 -> 13.5%vol, 12.00 -> 12%vol: no trailing zeros */
        ent_decimal_format(buf, sizeof buf, p->abv, 2);
        size_t n = strlen(buf);
        while (buf[n - 1] == '0')
            buf[--n] = '\0';
        if (buf[n - 1] == '.')
            buf[--n] = '\0';
        snprintf(buf + n, sizeof buf - n, "%%vol");
        ent_label_data_set(d, "abv", buf);
    }
    ent_nutrition_row rows[ENT_NUTRITION_ROWS];
    if (ent_product_nutrition(rows, p) != ENT_OK) {
        ent_error_clear(); /* none: the field is absent, which a back label refuses by name */
        return;
    }
    const char *basis = strcmp(p->net_unit, "ml") == 0 ? "每100毫升" : "每100克";
    size_t n = (size_t)snprintf(buf, sizeof buf, "项目|%s|NRV%%", basis);
    for (int i = 0; i < ENT_NUTRITION_ROWS; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "\n%s|%s|%d%%", rows[i].name_zh, rows[i].amount,
                              (int)rows[i].nrv_percent);
    ent_label_data_set(d, "nutrition", buf);
    ent_label_data_set(d, "nutrition_basis", basis);
}

static int product_fields(ent_label_data *d, const ent_product *p)
{
    char buf[128];
    gtin_forms(d, p->gtin);
    if (p->gtin[0] == '\0')
        ent_label_data_set(d, "code", p->sku);
    ent_label_data_set(d, "sku", p->sku);
    ent_label_data_set(d, "name_zh", p->name_zh);
    ent_label_data_set(d, "name_en", p->name_en);
    ent_label_data_set(d, "name", p->name_zh && *p->name_zh ? p->name_zh : p->name_en);
    ent_label_data_set(d, "brand", p->brand);
    ent_label_data_set(d, "importer", p->importer);
    ent_label_data_set(d, "storage", p->storage);
    ent_label_data_set(d, "hs_code", p->hs_code);
    ent_label_data_set(d, "unit", p->unit);
    /* The unit the price is for: goods kept in g or ml are priced per kg or
     * litre, so 克 beside their price would read as a price per gram. */
    ent_label_data_set(d, "unit_zh", strcmp(p->unit, "g") == 0    ? "千克"
                                     : strcmp(p->unit, "ml") == 0 ? "升"
                                     : p->sell_unit_zh[0]         ? p->sell_unit_zh
                                                                  : "件");
    /* The selling unit by itself, for a template that names it (瓶 bottle):
     * absent when none is named, so "{sell_unit?}" prints nothing. */
    ent_label_data_set(d, "sell_unit", p->sell_unit_zh);
    ent_label_data_set(d, "sell_unit_en", p->sell_unit_en);
    ent_label_data_set(d, "currency", p->currency);
    /* Unpriced: no price fields, so a template that shows a price refuses
     * the label (a price is required on it by law) instead of printing 0. */
    if (!p->unpriced && ent_money_format(buf, sizeof buf, p->price, p->currency) >= 0)
        ent_label_data_set(d, "price", buf);
    money_sym(buf, sizeof buf, p->price, p->currency);
    if (!p->unpriced)
        ent_label_data_set(d, "price_symbol", buf);
    snprintf(buf, sizeof buf, "%d", p->tax_rate / 100);
    if (p->tax_rate % 100)
        snprintf(buf, sizeof buf, "%d.%02d", p->tax_rate / 100, p->tax_rate % 100);
    strcat(buf, "%");
    ent_label_data_set(d, "tax_rate", buf);
    if (p->shelf_life_days > 0) {
        snprintf(buf, sizeof buf, "%d", (int)p->shelf_life_days);
        ent_label_data_set(d, "shelf_life_days", buf);
        snprintf(buf, sizeof buf, "%d天", (int)p->shelf_life_days);
        ent_label_data_set(d, "shelf_life_zh", buf);
    }
    net_content(d, p);
    food_fields(d, p);
    return unit_price(d, p);
}

static void lot_fields(ent_label_data *d, const ent_lot *lot, const ent_product *p)
{
    char expiry[ENT_DATE_SIZE] = "";
    ent_label_data_set(d, "lot", lot->code);
    ent_label_data_set(d, "lot_uuid", lot->uuid);
    ent_label_data_set(d, "declaration", lot->declaration);
    ent_label_data_set(d, "supplier", lot->supplier);
    ent_label_data_set(d, "import_date", lot->import_date);
    ent_label_data_set(d, "production_date", lot->production_date);
    snprintf(expiry, sizeof expiry, "%s", lot->expiry);
    /* A lot without an expiry date but with a production date expires after
     * the commodity's shelf life (GB 7718 allows printing either). */
    /* Checked arithmetic: past 9999-12-31 prints no date, not year 0000. */
    if (expiry[0] == '\0' && p->shelf_life_days > 0 &&
        ent_date_add_days(expiry, lot->production_date, p->shelf_life_days) != ENT_OK)
        ent_error_clear(); /* no date to print is no failure of the label */
    ent_label_data_set(d, "expiry", expiry);
    yymmdd(d, "expiry_yymmdd", expiry);
    yymmdd(d, "production_yymmdd", lot->production_date);
}

int ent_label_data_from(ent_label_data **out, const ent_product *p, const ent_lot *lot, const ent_store *store)
{
    ent_label_data *d = NULL;
    char now[ENT_TIME_SIZE];
    *out = NULL;
    if (ent_label_data_new(&d) != ENT_OK)
        return ENT_ERROR;
    if (product_fields(d, p) != ENT_OK) {
        ent_label_data_free(d);
        return entx_error_set(ENT_INVALID, "price %lld (minor units) is too large to print its unit price",
                              (long long)p->price);
    }
    origin(d, lot && lot->origin[0] ? lot->origin : p->origin);
    if (lot)
        lot_fields(d, lot, p);
    if (store) {
        ent_label_data_set(d, "store_name", store->name);
        ent_label_data_set(d, "store_code", store->code);
    }
    entx_now_utc(now);
    now[10] = '\0';
    ent_label_data_set(d, "today", now);
    *out = d;
    return ENT_OK;
}
