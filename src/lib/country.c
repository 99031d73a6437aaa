/*
 * Countries (ISO 3166-1) and currencies (ISO 4217) from Debian's iso-codes:
 * the JSON lists for codes and English names, the zh_CN gettext catalogue
 * (a .mo file, read directly) for Chinese names. Loaded once per process.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "entrepot/country.h"
#include "internal.h"

#define ISO_JSON_DIR "/usr/share/iso-codes/json"
#define LOCALE_DIR "/usr/share/locale"

static ent_country *countries;  /* sorted by alpha2 */
static size_t ncountries;
static ent_currency *currencies; /* sorted by alpha3 */
static size_t ncurrencies;
static char load_error[1400];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

/* ---- a minimal reader for GNU gettext .mo catalogues -------------------- */

struct mo {
    unsigned char *data;
    size_t size;
    uint32_t n, orig_off, trans_off;
    int swap;
};

static uint32_t mo_u32(const struct mo *mo, size_t off)
{
    if (off + 4 > mo->size)
        return 0;
    const unsigned char *p = mo->data + off;
    return mo->swap ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
                    : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static int mo_load(struct mo *mo, const char *path)
{
    FILE *f = fopen(path, "rb");
    memset(mo, 0, sizeof *mo);
    if (f == NULL)
        return -1;
    if (fseek(f, 0, SEEK_END) == 0) {
        long sz = ftell(f);
        if (sz > 28 && sz < (64L << 20) && fseek(f, 0, SEEK_SET) == 0) {
            mo->data = malloc((size_t)sz);
            if (mo->data && fread(mo->data, 1, (size_t)sz, f) == (size_t)sz)
                mo->size = (size_t)sz;
        }
    }
    fclose(f);
    if (mo->size == 0) {
        free(mo->data);
        mo->data = NULL;
        return -1;
    }
    uint32_t magic = (uint32_t)mo->data[0] | (uint32_t)mo->data[1] << 8 | (uint32_t)mo->data[2] << 16 |
                     (uint32_t)mo->data[3] << 24;
    if (magic == 0xde120495u)
        mo->swap = 1;
    else if (magic != 0x950412deu) {
        free(mo->data);
        mo->data = NULL;
        return -1;
    }
    mo->n = mo_u32(mo, 8);
    mo->orig_off = mo_u32(mo, 12);
    mo->trans_off = mo_u32(mo, 16);
    return 0;
}

/* The translation of msgid, or NULL. Strings in a .mo are sorted by msgid,
 * so a binary search finds it. */
static const char *mo_find(const struct mo *mo, const char *msgid)
{
    size_t lo = 0, hi = mo->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t len = mo_u32(mo, mo->orig_off + mid * 8);
        uint32_t off = mo_u32(mo, mo->orig_off + mid * 8 + 4);
        if ((size_t)off + len >= mo->size)
            return NULL;
        int c = strcmp(msgid, (const char *)mo->data + off);
        if (c == 0) {
            uint32_t tlen = mo_u32(mo, mo->trans_off + mid * 8);
            uint32_t toff = mo_u32(mo, mo->trans_off + mid * 8 + 4);
            if ((size_t)toff + tlen >= mo->size || tlen == 0)
                return NULL;
            return (const char *)mo->data + toff;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* ---- loading ------------------------------------------------------------ */

static const char *json_dir(void)
{
    const char *d = getenv("ENTREPOT_ISO_CODES_DIR");
    return d && *d ? d : ISO_JSON_DIR;
}

static json_t *load_list(const char *file, const char *key)
{
    char path[1024];
    json_error_t err;
    snprintf(path, sizeof path, "%s/%s", json_dir(), file);
    json_t *root = json_load_file(path, 0, &err);
    if (root == NULL) {
        snprintf(load_error, sizeof load_error,
                 "cannot read %s (%s): install Debian's iso-codes package", path, err.text);
        return NULL;
    }
    json_t *list = json_object_get(root, key);
    if (!json_is_array(list)) {
        snprintf(load_error, sizeof load_error, "%s: no \"%s\" list in it", path, key);
        json_decref(root);
        return NULL;
    }
    json_incref(list);
    json_decref(root);
    return list;
}

static int cmp_country(const void *a, const void *b)
{
    return strcmp(((const ent_country *)a)->alpha2, ((const ent_country *)b)->alpha2);
}

static int cmp_currency(const void *a, const void *b)
{
    return strcmp(((const ent_currency *)a)->alpha3, ((const ent_currency *)b)->alpha3);
}

static char *dup_or(const char *s, const char *fallback)
{
    return entx_strdup(s && *s ? s : fallback);
}

static void load_countries(void)
{
    struct mo mo;
    char path[1024];
    const char *ld = getenv("ENTREPOT_LOCALE_DIR");
    json_t *list = load_list("iso_3166-1.json", "3166-1");
    if (list == NULL)
        return;
    snprintf(path, sizeof path, "%s/zh_CN/LC_MESSAGES/iso_3166-1.mo", ld && *ld ? ld : LOCALE_DIR);
    int have_mo = mo_load(&mo, path) == 0;
    size_t n = json_array_size(list);
    countries = calloc(n ? n : 1, sizeof *countries);
    for (size_t i = 0; countries && i < n; i++) {
        json_t *e = json_array_get(list, i);
        const char *a2 = json_string_value(json_object_get(e, "alpha_2"));
        const char *a3 = json_string_value(json_object_get(e, "alpha_3"));
        const char *num = json_string_value(json_object_get(e, "numeric"));
        const char *name = json_string_value(json_object_get(e, "name"));
        if (!a2 || !a3 || !num || !name || strlen(a2) != 2 || strlen(a3) != 3)
            continue;
        ent_country *c = &countries[ncountries++];
        memcpy(c->alpha2, a2, 3);
        memcpy(c->alpha3, a3, 4);
        c->numeric = atoi(num);
        c->name_en = entx_strdup(name);
        c->name_zh = dup_or(have_mo ? mo_find(&mo, name) : NULL, name);
    }
    qsort(countries, ncountries, sizeof *countries, cmp_country);
    if (have_mo)
        free(mo.data);
    json_decref(list);
}

/* iso-codes has no minor-unit exponents, so this one fact is listed here:
 * the ISO 4217 currencies whose minor unit is not 2 digits. */
static int currency_digits(const char *a3)
{
    static const char *const zero[] = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG",
                                       "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"};
    static const char *const three[] = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};
    static const char *const four[] = {"CLF", "UYW"};
    for (size_t i = 0; i < sizeof zero / sizeof *zero; i++)
        if (strcmp(a3, zero[i]) == 0)
            return 0;
    for (size_t i = 0; i < sizeof three / sizeof *three; i++)
        if (strcmp(a3, three[i]) == 0)
            return 3;
    for (size_t i = 0; i < sizeof four / sizeof *four; i++)
        if (strcmp(a3, four[i]) == 0)
            return 4;
    return 2;
}

/*
 * iso-codes lags behind ISO 4217 (list one, as the maintenance agency SIX
 * publishes it): these are withdrawn but still in Debian's iso-codes (4.x),
 * and ZWG is missing from it. The difference is applied here, so that the
 * shop and the GS1 checks of AIs 391n/393n take the current list.
 */
static const char *const withdrawn_4217[] = {"CUC", "HRK", "SLL", "ZWL"};
static const struct {
    const char *alpha3, *name;
    int numeric;
} added_4217[] = {{"ZWG", "Zimbabwe Gold", 924}, {"XAD", "Arab Accounting Dinar", 396}};

/* Every current ISO 4217 numeric code, funds and units of account included
 * (GS1 accepts any of them in an amount): one bit each. */
static unsigned char current_4217[1000 / 8 + 1];

static int ensure_loaded(void);

static int withdrawn(const char *a3)
{
    for (size_t i = 0; i < sizeof withdrawn_4217 / sizeof *withdrawn_4217; i++)
        if (strcmp(a3, withdrawn_4217[i]) == 0)
            return 1;
    return 0;
}

int entx_currency_numeric_current(int numeric)
{
    if (ensure_loaded() != ENT_OK || numeric < 0 || numeric >= 1000)
        return 0;
    return current_4217[numeric / 8] >> (numeric % 8) & 1;
}

static void add_missing_currencies(size_t cap)
{
    for (size_t k = 0; k < sizeof added_4217 / sizeof *added_4217; k++) {
        int num = added_4217[k].numeric;
        if (current_4217[num / 8] >> (num % 8) & 1)
            continue; /* iso-codes has it by now */
        current_4217[num / 8] |= (unsigned char)(1u << (num % 8));
        if (ncurrencies >= cap || added_4217[k].alpha3[0] == 'X')
            continue; /* a unit of account is not money a shop takes (see below) */
        ent_currency *c = &currencies[ncurrencies++];
        memcpy(c->alpha3, added_4217[k].alpha3, 4);
        c->numeric = num;
        c->digits = currency_digits(c->alpha3);
        c->name_en = entx_strdup(added_4217[k].name);
    }
}

static void load_currencies(void)
{
    json_t *list = load_list("iso_4217.json", "4217");
    if (list == NULL)
        return;
    size_t n = json_array_size(list), cap = n + sizeof added_4217 / sizeof *added_4217;
    currencies = calloc(cap, sizeof *currencies);
    for (size_t i = 0; currencies && i < n; i++) {
        json_t *e = json_array_get(list, i);
        const char *a3 = json_string_value(json_object_get(e, "alpha_3"));
        const char *num = json_string_value(json_object_get(e, "numeric"));
        const char *name = json_string_value(json_object_get(e, "name"));
        if (!a3 || !num || !name || strlen(a3) != 3 || withdrawn(a3))
            continue;
        int numeric = atoi(num);
        if (numeric > 0 && numeric < 1000)
            current_4217[numeric / 8] |= (unsigned char)(1u << (numeric % 8));
        /* Funds and precious metals (X.. without a country) are not money a shop takes. */
        if (a3[0] == 'X' && strcmp(a3, "XAF") != 0 && strcmp(a3, "XOF") != 0 && strcmp(a3, "XPF") != 0 &&
            strcmp(a3, "XCD") != 0)
            continue;
        ent_currency *c = &currencies[ncurrencies++];
        memcpy(c->alpha3, a3, 4);
        c->numeric = atoi(num);
        c->digits = currency_digits(a3);
        c->name_en = entx_strdup(name);
    }
    if (currencies)
        add_missing_currencies(cap);
    qsort(currencies, ncurrencies, sizeof *currencies, cmp_currency);
    json_decref(list);
}

static void load_all(void)
{
    load_countries();
    if (ncountries == 0 && load_error[0] == '\0')
        snprintf(load_error, sizeof load_error, "the iso-codes country list is empty");
    load_currencies();
    if (ncurrencies == 0 && load_error[0] == '\0')
        snprintf(load_error, sizeof load_error, "the iso-codes currency list is empty");
}

static int ensure_loaded(void)
{
    pthread_once(&load_once, load_all);
    return load_error[0] ? entx_error_set(ENT_ERROR, "%s", load_error) : ENT_OK;
}

/* ---- lookups ------------------------------------------------------------ */

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

int ent_country_by_numeric(const ent_country **out, int numeric)
{
    *out = NULL;
    if (ensure_loaded() != ENT_OK)
        return ENT_ERROR;
    for (size_t i = 0; i < ncountries; i++) {
        if (countries[i].numeric == numeric) {
            *out = &countries[i];
            return ENT_OK;
        }
    }
    return ENT_NOTFOUND;
}

int ent_country_lookup(const ent_country **out, const char *code)
{
    size_t n = code ? strlen(code) : 0;
    *out = NULL;
    if (ensure_loaded() != ENT_OK)
        return ENT_ERROR;
    if (n == 3 && all_digits(code, 3))
        return ent_country_by_numeric(out, atoi(code));
    if (n == 2) {
        ent_country key;
        key.alpha2[0] = (char)(code[0] & ~0x20);
        key.alpha2[1] = (char)(code[1] & ~0x20);
        key.alpha2[2] = '\0';
        *out = bsearch(&key, countries, ncountries, sizeof *countries, cmp_country);
        return *out ? ENT_OK : ENT_NOTFOUND;
    }
    if (n == 3) {
        for (size_t i = 0; i < ncountries; i++) {
            if (strcasecmp(countries[i].alpha3, code) == 0) {
                *out = &countries[i];
                return ENT_OK;
            }
        }
    }
    return ENT_NOTFOUND;
}

size_t ent_country_count(void)
{
    return ensure_loaded() == ENT_OK ? ncountries : 0;
}

const ent_country *ent_country_at(size_t i)
{
    return ensure_loaded() == ENT_OK && i < ncountries ? &countries[i] : NULL;
}

size_t ent_currency_count(void)
{
    return ensure_loaded() == ENT_OK ? ncurrencies : 0;
}

const ent_currency *ent_currency_at(size_t i)
{
    return ensure_loaded() == ENT_OK && i < ncurrencies ? &currencies[i] : NULL;
}

int ent_currency_by_numeric(const ent_currency **out, int numeric)
{
    *out = NULL;
    if (ensure_loaded() != ENT_OK)
        return ENT_ERROR;
    for (size_t i = 0; i < ncurrencies; i++) {
        if (currencies[i].numeric == numeric) {
            *out = &currencies[i];
            return ENT_OK;
        }
    }
    return ENT_NOTFOUND;
}

int ent_currency_lookup(const ent_currency **out, const char *code)
{
    size_t n = code ? strlen(code) : 0;
    *out = NULL;
    if (ensure_loaded() != ENT_OK)
        return ENT_ERROR;
    if (n != 3)
        return ENT_NOTFOUND;
    if (all_digits(code, 3))
        return ent_currency_by_numeric(out, atoi(code));
    ent_currency key;
    for (int i = 0; i < 3; i++)
        key.alpha3[i] = (char)(code[i] & ~0x20);
    key.alpha3[3] = '\0';
    *out = bsearch(&key, currencies, ncurrencies, sizeof *currencies, cmp_currency);
    return *out ? ENT_OK : ENT_NOTFOUND;
}
