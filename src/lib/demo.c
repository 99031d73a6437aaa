/*
 * The demo centre: a deterministic, realistic import trading centre made
 * through the public catalogue and stock functions, all in one transaction.
 *
 * Everything random comes from one splitmix64 stream seeded by the caller,
 * drawn in a fixed order, so that the same seed, size and `today` give the
 * same commodities, lots, quantities and dates on every machine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "entrepot/catalog.h"
#include "entrepot/country.h"
#include "entrepot/db.h"
#include "entrepot/demo.h"
#include "entrepot/money.h"
#include "entrepot/scan.h"
#include "entrepot/stock.h"
#include "demo_data.h"
#include "internal.h"
#include "search_internal.h"
#include "time_internal.h"

#define DEFAULT_STORE_CODE "SH01"
#define DEFAULT_STORE_NAME "上海环球进口商品馆"
#define NIMPORTERS 40
#define SHELF_BAYS 12
#define SHELF_LEVELS 4
#define PROGRESS_EVERY 10000

/* ---- randomness --------------------------------------------------------- */

struct rng {
    uint64_t s;
};

/* splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and the same everywhere. */
static uint64_t rnd(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A number in [0, n); the modulo bias is far below anything a demo shows. */
static int64_t below(struct rng *r, int64_t n)
{
    return n <= 1 ? 0 : (int64_t)(rnd(r) % (uint64_t)n);
}

static int64_t between(struct rng *r, int64_t lo, int64_t hi)
{
    return hi <= lo ? lo : lo + below(r, hi - lo + 1);
}

/* True with a chance of per_mille in 1000. */
static int chance(struct rng *r, int per_mille)
{
    return below(r, 1000) < per_mille;
}

/* ---- GTINs -------------------------------------------------------------- */

/* The GTINs handed out so far, so that every code is new: an open-addressing
 * set of the 13-digit values (plus one, so that 0 marks an empty slot).
 * The same set keeps the brand x product x size combinations made. */
struct gtin_set {
    uint64_t *slot;
    size_t mask;
};

static int gtin_set_init(struct gtin_set *s, int64_t n)
{
    size_t cap = 1024;
    while (cap < (size_t)n * 2)
        cap <<= 1;
    s->slot = calloc(cap, sizeof *s->slot);
    s->mask = cap - 1;
    return s->slot ? ENT_OK : ENT_ERROR;
}

/* Adds v; returns 0 when it was already there. */
static int gtin_set_add(struct gtin_set *s, uint64_t v)
{
    uint64_t key = v + 1;
    size_t i = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 20) & s->mask;
    while (s->slot[i]) {
        if (s->slot[i] == key)
            return 0;
        i = (i + 1) & s->mask;
    }
    s->slot[i] = key;
    return 1;
}

/* ---- the world of the demo ---------------------------------------------- */

struct importer {
    char name[96];
    char full[400]; /* name, address and telephone, as a Chinese back label shows them */
};

struct brand {
    char en[40], zh[64];
    char prefix[10]; /* GS1 company prefix, 7 to 9 digits */
    int importer;
};

struct country_rt {
    const ent_country *iso;
    const char *zh_in_name;   /* the Chinese name when short enough for a product name */
    int *brands;              /* indexes into brands */
    size_t nbrands, capbrands;
    int64_t products;
};

struct demo {
    ent_db *db;
    struct rng rng;
    const ent_demo_options *opt;
    ent_demo_stats *st;
    int64_t n;
    int32_t today;
    char store_cur[ENT_CURRENCY_SIZE];
    struct country_rt *countries;
    int64_t total_weight;
    int *perm;                /* countries in a seeded order, each used once first */
    int *cat_countries;       /* per category: countries that make it, flattened */
    size_t cat_start[64], cat_count[64];
    struct brand *brands;
    size_t nbrands, capbrands;
    struct importer importers[NIMPORTERS];
    struct gtin_set gtins;
    struct gtin_set combos;   /* brand x product x size already made */
    unsigned char *origin_seen;
    int have_olive;
    int64_t best_origin_count;
};

static void append(char *buf, size_t len, const char *s)
{
    size_t n = strlen(buf);
    if (n < len)
        snprintf(buf + n, len - n, "%s", s);
}

static int setup_countries(struct demo *d)
{
    if (entx_demo_ncategories > sizeof d->cat_start / sizeof *d->cat_start)
        return entx_fail(d->db, ENT_ERROR, "the demo's tables have more categories than it can hold");
    d->countries = calloc(entx_demo_ncountries, sizeof *d->countries);
    d->perm = calloc(entx_demo_ncountries, sizeof *d->perm);
    d->cat_countries = calloc(entx_demo_ncountries * DEMO_MAX_CATS, sizeof *d->cat_countries);
    d->origin_seen = calloc(entx_demo_ncountries, 1);
    if (!d->countries || !d->perm || !d->cat_countries || !d->origin_seen)
        return entx_fail(d->db, ENT_ERROR, "out of memory");
    for (size_t i = 0; i < entx_demo_ncountries; i++) {
        const ent_country *c = NULL;
        int rc = ent_country_lookup(&c, entx_demo_countries[i].cc);
        if (rc == ENT_ERROR)
            return entx_fail(d->db, ENT_ERROR, "%s", entx_why());
        if (rc != ENT_OK)
            return entx_fail(d->db, ENT_ERROR, "%s in the demo's tables is not an ISO 3166-1 code in iso-codes",
                            entx_demo_countries[i].cc);
        d->countries[i].iso = c;
        /* Long official names ("老挝人民民主共和国") read badly in a product
         * name; those commodities carry the country on the label only. */
        d->countries[i].zh_in_name = strlen(c->name_zh) <= 12 && strcmp(c->name_zh, c->name_en) != 0 ? c->name_zh : "";
        d->total_weight += entx_demo_countries[i].weight;
        d->perm[i] = (int)i;
    }
    for (size_t i = entx_demo_ncountries; i > 1; i--) {
        size_t j = (size_t)below(&d->rng, (int64_t)i);
        int t = d->perm[i - 1];
        d->perm[i - 1] = d->perm[j];
        d->perm[j] = t;
    }
    /* Which countries make each category: for lots of a second origin. */
    size_t used = 0;
    for (size_t k = 0; k < entx_demo_ncategories; k++) {
        d->cat_start[k] = used;
        for (size_t i = 0; i < entx_demo_ncountries; i++)
            for (size_t j = 0; j < DEMO_MAX_CATS && entx_demo_countries[i].cats[j] >= 0; j++)
                if ((size_t)entx_demo_countries[i].cats[j] == k)
                    d->cat_countries[used++] = (int)i;
        d->cat_count[k] = used - d->cat_start[k];
    }
    return ENT_OK;
}

static void setup_importers(struct demo *d)
{
    size_t combos = entx_demo_ncompany_heads * entx_demo_ncompany_tails;
    size_t offset = (size_t)below(&d->rng, (int64_t)combos);
    for (int i = 0; i < NIMPORTERS; i++) {
        /* Distinct names: walk the head x tail grid with a stride prime to its size. */
        size_t k = ((size_t)i * 37 + offset) % combos;
        struct importer *im = &d->importers[i];
        snprintf(im->name, sizeof im->name, "上海%s%s", entx_demo_company_heads[k % entx_demo_ncompany_heads],
                 entx_demo_company_tails[k / entx_demo_ncompany_heads % entx_demo_ncompany_tails]);
        /* The name first, then the rest (full holds any name: 400 > 96 bytes). */
        size_t n = strlen(im->name);
        memcpy(im->full, im->name, n);
        snprintf(im->full + n, sizeof im->full - n, "；地址：%s%d号；电话：021-%04d %04d",
                 entx_demo_streets[below(&d->rng, (int64_t)entx_demo_nstreets)], (int)between(&d->rng, 1, 999),
                 (int)between(&d->rng, 5000, 6899), (int)between(&d->rng, 0, 9999));
    }
}

static int new_brand(struct demo *d, int country)
{
    if (d->nbrands == d->capbrands) {
        size_t cap = d->capbrands ? d->capbrands * 2 : 1024;
        struct brand *b = realloc(d->brands, cap * sizeof *b);
        if (b == NULL)
            return -1;
        d->brands = b;
        d->capbrands = cap;
    }
    struct country_rt *c = &d->countries[country];
    if (c->nbrands == c->capbrands) {
        size_t cap = c->capbrands ? c->capbrands * 2 : 8;
        int *v = realloc(c->brands, cap * sizeof *v);
        if (v == NULL)
            return -1;
        c->brands = v;
        c->capbrands = cap;
    }
    struct brand *b = &d->brands[d->nbrands];
    memset(b, 0, sizeof *b);
    int nsyl = (int)between(&d->rng, 2, 3);
    for (int i = 0; i < nsyl; i++) {
        const struct demo_syllable *s = &entx_demo_syllables[below(&d->rng, (int64_t)entx_demo_nsyllables)];
        append(b->en, sizeof b->en, s->en);
        append(b->zh, sizeof b->zh, s->zh);
    }
    b->en[0] = (char)(b->en[0] - 'a' + 'A');
    /* Most brands carry their home office's prefix; some a multinational's
     * or the importer's own (69x): the prefix never tells the origin. */
    const char *office = entx_demo_countries[country].gs1;
    if (office == NULL || chance(&d->rng, 100))
        office = entx_demo_other_gs1[below(&d->rng, (int64_t)entx_demo_nother_gs1)];
    int digits = (int)between(&d->rng, 4, 6);
    snprintf(b->prefix, sizeof b->prefix, "%s", office);
    for (int i = 0; i < digits; i++) {
        char dg[2] = {(char)('0' + below(&d->rng, 10)), 0};
        append(b->prefix, sizeof b->prefix, dg);
    }
    b->importer = (int)below(&d->rng, NIMPORTERS);
    c->brands[c->nbrands++] = (int)d->nbrands;
    return (int)d->nbrands++;
}

/* A new GTIN-13 under the brand's company prefix, never handed out before. */
static void make_gtin(struct demo *d, const struct brand *b, char out[14])
{
    for (;;) {
        size_t n = strlen(b->prefix);
        memcpy(out, b->prefix, n);
        for (size_t i = n; i < 12; i++)
            out[i] = (char)('0' + below(&d->rng, 10));
        out[12] = (char)ent_gs1_check_digit(out, 12);
        out[13] = '\0';
        if (gtin_set_add(&d->gtins, strtoull(out, NULL, 10)))
            return;
    }
}

/* ---- money -------------------------------------------------------------- */

static long rate_of(const char *cur)
{
    if (strcmp(cur, "CNY") == 0)
        return 10000;
    for (size_t i = 0; i < entx_demo_nrates; i++)
        if (strcmp(entx_demo_rates[i].cur, cur) == 0)
            return entx_demo_rates[i].per10000;
    return 0;
}

/* An amount in fen as minor units of cur, at the demo rates. Currencies
 * without a demo rate take the number as it is. */
static int64_t from_fen(int64_t fen, const char *cur)
{
    const ent_currency *c = NULL;
    long rate = rate_of(cur);
    if (rate == 0 || ent_currency_lookup(&c, cur) != ENT_OK)
        return fen;
    int64_t scale = 1;
    for (int i = 0; i < c->digits; i++)
        scale *= 10;
    return fen * 100 * scale / rate;
}

/* ---- locations ---------------------------------------------------------- */

static int add_location(struct demo *d, const char *code, const char *kind, const char *name)
{
    int rc = ent_location_add(d->db, code, kind, name);
    if (rc == ENT_EXISTS)
        return ENT_OK; /* an empty database may have its locations already */
    if (rc == ENT_OK)
        d->st->locations++;
    return rc;
}

static int make_locations(struct demo *d)
{
    static const struct { const char *code, *kind, *name; } fixed[] = {
        {"BR-01", "backroom", "后仓 1 号货架区"},        {"BR-02", "backroom", "后仓 2 号货架区"},
        {"BR-03", "backroom", "后仓 3 号托盘区"},        {"BR-C1", "backroom", "后仓冷库（0-4℃）"},
        {"BD-01", "bonded", "外高桥保税仓 1 号库位（未完税）"}, {"BD-02", "bonded", "外高桥保税仓 2 号库位（未完税）"},
        {"BD-03", "bonded", "洋山保税仓库位（未完税）"},  {"QA-01", "quarantine", "待检区：检验检疫未放行"},
        {"QA-02", "quarantine", "待检区：标签整改"},      {"RT-01", "returns", "退货区"},
    };
    char code[16], name[128];
    int rc = ENT_OK;
    for (size_t a = 0; a < entx_demo_naisles && rc == ENT_OK; a++)
        for (int bay = 1; bay <= SHELF_BAYS && rc == ENT_OK; bay++)
            for (int lvl = 1; lvl <= SHELF_LEVELS && rc == ENT_OK; lvl++) {
                snprintf(code, sizeof code, "%c-%02d-%02d", entx_demo_aisles[a].letter, bay, lvl);
                snprintf(name, sizeof name, "%c 区%s %d 号货架第 %d 层", entx_demo_aisles[a].letter, entx_demo_aisles[a].zh,
                         bay, lvl);
                rc = add_location(d, code, "shelf", name);
            }
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed && rc == ENT_OK; i++)
        rc = add_location(d, fixed[i].code, fixed[i].kind, fixed[i].name);
    return rc;
}

/* ---- one commodity and its lots ----------------------------------------- */

struct item {
    int country, cat;
    const struct demo_variant *v;
    const struct demo_size *size;
    int brand;
    char gtin[14];
    int64_t price_fen, reorder;
    char shelf[16];
};

static int pick_country(struct demo *d, int64_t i)
{
    if (i < (int64_t)entx_demo_ncountries)
        return d->perm[i]; /* every country once before the weights take over */
    int64_t w = below(&d->rng, d->total_weight);
    for (size_t k = 0; k < entx_demo_ncountries; k++) {
        w -= entx_demo_countries[k].weight;
        if (w < 0)
            return (int)k;
    }
    return 0;
}

static int made_in(const char *only, const char *cc)
{
    if (only == NULL)
        return 1;
    for (const char *s = only; *s; s += s[2] ? 3 : 2)
        if (s[0] == cc[0] && s[1] == cc[1])
            return 1;
    return 0;
}

static const struct demo_variant *pick_variant(struct demo *d, const struct demo_category *c, const char *cc)
{
    size_t n = 0;
    for (size_t i = 0; i < c->nvariants; i++)
        n += (size_t)made_in(c->variants[i].only, cc);
    int64_t k = below(&d->rng, (int64_t)n);
    for (size_t i = 0; i < c->nvariants; i++)
        if (made_in(c->variants[i].only, cc) && k-- == 0)
            return &c->variants[i];
    return &c->variants[0];
}

/* "500 ml" -> "500毫升", as Chinese labels write net content. */
static void net_zh(const char *net, char *out, size_t len)
{
    static const struct { const char *en, *zh; } units[] = {{" ml", "毫升"}, {" l", "升"}, {" kg", "千克"}, {" g", "克"}};
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        const char *u = strstr(net, units[i].en);
        if (u && u[strlen(units[i].en)] == '\0') {
            snprintf(out, len, "%.*s%s", (int)(u - net), net, units[i].zh);
            return;
        }
    }
    snprintf(out, len, "%s", net);
}

static uint64_t combo_key(const struct item *it, const struct demo_category *cat)
{
    return (uint64_t)it->brand << 16 | (uint64_t)(it->v - cat->variants) << 8 | (uint64_t)(it->size - cat->sizes);
}

/* What the commodity is: origin, category, product, size, brand. */
static int choose(struct demo *d, int64_t i, struct item *it)
{
    const struct demo_country *dc;
    const struct demo_category *cat;
    it->country = pick_country(d, i);
    dc = &entx_demo_countries[it->country];
    size_t ncats = 0;
    while (ncats < DEMO_MAX_CATS && dc->cats[ncats] >= 0)
        ncats++;
    it->cat = dc->cats[below(&d->rng, (int64_t)ncats)];
    cat = &entx_demo_categories[it->cat];
    it->v = pick_variant(d, cat, dc->cc);
    size_t s_hi = it->v->s_hi && it->v->s_hi <= cat->nsizes ? it->v->s_hi : cat->nsizes;
    size_t s_lo = it->v->s_lo < s_hi ? it->v->s_lo : 0;
    it->size = &cat->sizes[s_lo + (size_t)below(&d->rng, (int64_t)(s_hi - s_lo))];

    struct country_rt *c = &d->countries[it->country];
    /* A brand has a handful of products: reuse one of the country's most times. */
    if (c->nbrands == 0 || chance(&d->rng, 170))
        it->brand = new_brand(d, it->country);
    else
        it->brand = c->brands[below(&d->rng, (int64_t)c->nbrands)];
    /* One brand makes each product in each size once: a second "Lugo Wafer
     * Rolls 150 g" with another GTIN would puzzle anyone at the shelf. */
    if (it->brand >= 0 && !gtin_set_add(&d->combos, combo_key(it, cat))) {
        it->brand = new_brand(d, it->country);
        if (it->brand >= 0)
            gtin_set_add(&d->combos, combo_key(it, cat));
    }
    if (it->brand < 0)
        return entx_fail(d->db, ENT_ERROR, "out of memory");
    make_gtin(d, &d->brands[it->brand], it->gtin);
    return ENT_OK;
}

static int add_commodity(struct demo *d, int64_t i, struct item *it)
{
    static const int endings[] = {90, 90, 90, 80, 0, 50};
    char name_en[200], name_zh[200], brand[120], zh_net[32], price[32], reorder[24], shelf_life[16], sku[40];
    int rc;

    if ((rc = choose(d, i, it)) != ENT_OK)
        return rc;
    const struct demo_country *dc = &entx_demo_countries[it->country];
    const struct demo_category *cat = &entx_demo_categories[it->cat];
    const struct country_rt *c = &d->countries[it->country];
    const struct brand *b = &d->brands[it->brand];

    net_zh(it->size->net, zh_net, sizeof zh_net);
    snprintf(name_en, sizeof name_en, "%s %s %s", b->en, it->v->en, it->size->net);
    /* The country leads the Chinese name, then the brand ("希腊维拉特级初榨
     * 橄榄油"), unless the product name already says it ("丹麦蓝纹干酪"). */
    const char *zh_country = strstr(it->v->zh, c->zh_in_name) ? "" : c->zh_in_name;
    snprintf(name_zh, sizeof name_zh, "%s%s%s %s", zh_country, b->zh, it->v->zh, zh_net);
    snprintf(brand, sizeof brand, "%s %s", b->en, b->zh);

    it->price_fen = between(&d->rng, it->size->price_lo, it->size->price_hi) / 100 * 100 +
                    endings[below(&d->rng, 6)];
    ent_money_format(price, sizeof price, from_fen(it->price_fen, d->store_cur), d->store_cur);
    it->reorder = chance(&d->rng, 80) ? 0 : between(&d->rng, cat->reorder_lo, cat->reorder_hi);
    snprintf(reorder, sizeof reorder, "%lld", (long long)it->reorder);
    shelf_life[0] = '\0';
    if (cat->shelf_days > 0)
        snprintf(shelf_life, sizeof shelf_life, "%d", cat->shelf_days);
    sku[0] = '\0';
    if (chance(&d->rng, 100)) {
        snprintf(sku, sizeof sku, "%s-%c%06lld", dc->cc, cat->aisle, (long long)(i + 1));
        d->st->skus++;
    }
    snprintf(it->shelf, sizeof it->shelf, "%c-%02d-%02d", cat->aisle, (int)between(&d->rng, 1, SHELF_BAYS),
             (int)between(&d->rng, 1, SHELF_LEVELS));

    ent_product_fields f = {0};
    f.gtin = it->gtin;
    f.sku = sku;
    f.name_zh = name_zh;
    f.name_en = name_en;
    f.brand = brand;
    f.origin = dc->cc;
    f.hs_code = it->v->hs ? it->v->hs : cat->hs;
    f.unit = "pcs";
    f.net_content = it->size->net;
    f.price = price;
    f.tax_rate = cat->tax;
    f.importer = d->importers[b->importer].full;
    f.reorder_point = reorder;
    f.storage = cat->storage;
    f.shelf_life_days = shelf_life;
    f.sell_unit = cat->sell_unit;
    if ((rc = ent_product_add(d->db, &f)) != ENT_OK)
        return rc;
    d->st->commodities++;

    /* A few are also sold by the case, scanned from the carton's GTIN-14. */
    if (chance(&d->rng, 30)) {
        int64_t qty = chance(&d->rng, 500) ? 12 : 24;
        char case_gtin[ENT_GTIN_SIZE];
        case_gtin[0] = qty == 12 ? '1' : '2'; /* the indicator digit of the packaging level */
        memcpy(case_gtin + 1, it->gtin, 12);
        case_gtin[13] = (char)ent_gs1_check_digit(case_gtin, 13);
        case_gtin[14] = '\0';
        if ((rc = ent_product_barcode_add(d->db, it->gtin, case_gtin, qty)) != ENT_OK)
            return rc;
        d->st->case_barcodes++;
    }
    return ENT_OK;
}

/* Where a lot lies: mostly the commodity's shelf, some in the back room, a
 * few still in bond, held by inspection or returned. */
static const char *pick_location(struct demo *d, const struct item *it, int *sellable)
{
    static const char *const backrooms[] = {"BR-01", "BR-02", "BR-03"};
    int64_t r = below(&d->rng, 1000);
    *sellable = 0;
    if (r < 20) {
        d->st->bonded_lots++;
        return r < 12 ? "BD-01" : r < 17 ? "BD-02" : "BD-03";
    }
    if (r < 32) {
        d->st->quarantine_lots++;
        return r < 28 ? "QA-01" : "QA-02";
    }
    if (r < 37)
        return "RT-01";
    *sellable = 1;
    if (r < 250) {
        const char *store = entx_demo_categories[it->cat].storage;
        return strstr(store, "冷藏") && !strstr(store, "开") ? "BR-C1" : backrooms[r % 3];
    }
    return it->shelf;
}

/* Dates of a lot around today: about 5% already expired, 10% expiring within
 * 30 days, the rest later; imported after production and before today. */
static void lot_dates(struct demo *d, int shelf_days, int32_t *prod, int32_t *imp, int32_t *exp)
{
    int32_t today = d->today;
    if (shelf_days <= 0) {
        /* Wine and spirits carry no expiry date (GB 7718 exempts them). */
        *exp = 0;
        *prod = today - (int32_t)between(&d->rng, 90, 1500);
        *imp = *prod + (int32_t)between(&d->rng, 30, 60);
        if (*imp >= today)
            *imp = today - (int32_t)between(&d->rng, 1, 20);
        return;
    }
    int64_t r = below(&d->rng, 1000);
    if (r < 50)
        *exp = today - (int32_t)between(&d->rng, 1, 90);
    else if (r < 150)
        *exp = today + (int32_t)between(&d->rng, 0, 30);
    else
        *exp = today + (int32_t)between(&d->rng, 31, shelf_days - 30);
    *prod = *exp - shelf_days;
    int32_t latest = (*exp < today ? *exp : today - 1) - *prod;
    int32_t transit = (int32_t)between(&d->rng, 14, 150);
    *imp = *prod + (transit < latest ? transit : latest);
}

static void declaration(struct demo *d, int32_t imp, char out[19])
{
    char date[ENT_DATE_SIZE];
    entx_date_from_days(date, imp);
    snprintf(out, 19, "%s%.4s1%09lld", entx_demo_customs[below(&d->rng, (int64_t)entx_demo_ncustoms)], date,
             (long long)below(&d->rng, 1000000000));
}

static int add_lots(struct demo *d, const struct item *it)
{
    static const int lots_per_mille[] = {300, 750, 950, 1000}; /* 1, 2, 3 or 4 lots: 2 on average */
    const struct demo_category *cat = &entx_demo_categories[it->cat];
    const struct brand *b = &d->brands[it->brand];
    int64_t r = below(&d->rng, 1000);
    int nlots = 1;
    while (nlots < 4 && r >= lots_per_mille[nlots - 1])
        nlots++;
    int low = it->reorder >= nlots && chance(&d->rng, 60);
    int second_origin = nlots > 1 && chance(&d->rng, 160) ? (int)between(&d->rng, 1, nlots - 1) : -1;
    int64_t sellable_units = 0;
    int rc = ENT_OK;

    for (int k = 0; k < nlots && rc == ENT_OK; k++) {
        int32_t prod, imp, exp;
        char prod_s[ENT_DATE_SIZE], imp_s[ENT_DATE_SIZE], exp_s[ENT_DATE_SIZE], lot[24], decl[19];
        int sellable;
        int origin = it->country;
        if (k == second_origin) {
            /* The same product bought from another country that makes it. */
            size_t n = d->cat_count[it->cat];
            origin = d->cat_countries[d->cat_start[it->cat] + (size_t)below(&d->rng, (int64_t)n)];
        }
        lot_dates(d, cat->shelf_days, &prod, &imp, &exp);
        entx_date_from_days(prod_s, prod);
        entx_date_from_days(imp_s, imp);
        if (exp)
            entx_date_from_days(exp_s, exp);
        snprintf(lot, sizeof lot, "L%.2s%.2s%.2s%c", prod_s + 2, prod_s + 5, prod_s + 8, 'A' + k);
        declaration(d, imp, decl);
        const char *where = pick_location(d, it, &sellable);
        /* Ordinary lots hold more than their share of the reorder point, so
         * that a commodity is low only by design or because some of its lots
         * are in bond or quarantine; a low commodity's lots hold a few each. */
        int64_t lo = cat->lot_lo > it->reorder / nlots ? cat->lot_lo : it->reorder / nlots + 1;
        int64_t qty = low && sellable ? between(&d->rng, 1, it->reorder / nlots)
                                      : between(&d->rng, lo, cat->lot_hi > lo ? cat->lot_hi : lo);
        int64_t cost_fen = it->price_fen * between(&d->rng, 40, 70) / 100;
        const char *cost_cur = d->store_cur; /* most lots are bought from the local importer */
        if (chance(&d->rng, 150)) {
            cost_cur = entx_demo_countries[origin].cur ? entx_demo_countries[origin].cur : "USD";
            if (strcmp(cost_cur, d->store_cur) != 0)
                d->st->foreign_cost_lots++;
        }
        int supplier = chance(&d->rng, 850) ? b->importer : (int)below(&d->rng, NIMPORTERS);

        ent_receive rec = {0};
        rec.product = it->gtin;
        rec.qty = qty;
        rec.lot = lot;
        rec.origin = entx_demo_countries[origin].cc;
        rec.declaration = decl;
        rec.import_date = imp_s;
        rec.production_date = prod_s;
        rec.expiry = exp ? exp_s : NULL;
        rec.supplier = d->importers[supplier].name;
        rec.unit_cost = from_fen(cost_fen, cost_cur);
        rec.cost_currency = cost_cur;
        rec.location = where;
        rec.user = "demo";
        if ((rc = ent_stock_receive(d->db, NULL, &rec)) != ENT_OK)
            break;
        d->st->lots++;
        d->st->units += qty;
        if (sellable)
            sellable_units += qty;
        if (exp && exp < d->today)
            d->st->expired_lots++;
        else if (exp && exp <= d->today + 30)
            d->st->expiring_lots++;
        if (!d->origin_seen[origin]) {
            d->origin_seen[origin] = 1;
            d->st->countries++;
        }
    }
    if (rc == ENT_OK && it->reorder > 0 && sellable_units <= it->reorder)
        d->st->low_stock++;
    /* Something to look at after the fill: an olive oil with a few lots,
     * which the tour's search finds too; else the first commodity. */
    int olive = strcmp(cat->key, "olive_oil") == 0 && nlots > 1;
    if (rc == ENT_OK && (d->st->sample_gtin[0] == '\0' || (olive && !d->have_olive))) {
        memcpy(d->st->sample_gtin, it->gtin, 14);
        snprintf(d->st->sample_search, sizeof d->st->sample_search, "%s", olive ? "橄榄油" : it->v->zh);
        d->have_olive = olive;
    }
    return rc;
}

/* ---- the whole fill ----------------------------------------------------- */

static int count_one(const ent_product *p, void *ud)
{
    (void)p;
    *(int *)ud = 1;
    return 1; /* one is enough */
}

static int check_options(ent_db *db, const ent_demo_options *opt, int64_t *n, int32_t *today,
                         char today_s[ENT_DATE_SIZE])
{
    *n = opt->commodities == 0 ? ENT_DEMO_DEFAULT_COMMODITIES : opt->commodities;
    if (*n < 1 || *n > ENT_DEMO_MAX_COMMODITIES)
        return entx_fail(db, ENT_INVALID, "commodities %lld: the demo makes from 1 to %d", (long long)opt->commodities,
                        ENT_DEMO_MAX_COMMODITIES);
    if (opt->today && *opt->today) {
        if (entx_date_parse(today, opt->today) != ENT_OK)
            return entx_fail_date(db, "today", opt->today);
        snprintf(today_s, ENT_DATE_SIZE, "%s", opt->today);
    } else {
        char now[ENT_TIME_SIZE];
        entx_utc_format(now, (int64_t)time(NULL));
        snprintf(today_s, ENT_DATE_SIZE, "%.10s", now);
        entx_date_parse(today, today_s);
    }
    return ENT_OK;
}

static int fill(struct demo *d)
{
    int rc;
    ent_store *store = NULL;
    rc = ent_store_get(d->db, &store);
    if (rc == ENT_NOTFOUND) {
        const ent_demo_options *o = d->opt;
        rc = ent_store_init(d->db, o->store_code ? o->store_code : DEFAULT_STORE_CODE,
                            o->store_name ? o->store_name : DEFAULT_STORE_NAME, o->currency, o->tz);
        if (rc == ENT_OK)
            rc = ent_store_get(d->db, &store);
    }
    if (rc != ENT_OK)
        return rc;
    memcpy(d->store_cur, store->currency, 4);
    ent_store_free(store);

    if ((rc = setup_countries(d)) != ENT_OK)
        return rc;
    setup_importers(d);
    if (gtin_set_init(&d->gtins, d->n) != ENT_OK || gtin_set_init(&d->combos, d->n) != ENT_OK)
        return entx_fail(d->db, ENT_ERROR, "out of memory");
    if ((rc = make_locations(d)) != ENT_OK)
        return rc;
    for (int64_t i = 0; i < d->n; i++) {
        struct item it;
        if ((rc = add_commodity(d, i, &it)) != ENT_OK || (rc = add_lots(d, &it)) != ENT_OK)
            return rc;
        d->countries[it.country].products++;
        if (d->countries[it.country].products > d->best_origin_count) {
            d->best_origin_count = d->countries[it.country].products;
            memcpy(d->st->sample_origin, entx_demo_countries[it.country].cc, 3);
        }
        if (d->opt->progress && (i + 1) % PROGRESS_EVERY == 0)
            d->opt->progress("commodities", i + 1, d->n, d->opt->progress_ud);
    }
    return ENT_OK;
}

/*
 * The unique indexes on random UUIDs (lots, moves) and GTINs are written in
 * random order: once they outgrow SQLite's page cache (2 MB by default)
 * every insert reads and spills pages, and a large fill slows to a crawl.
 * For the fill only, the cache grows with the size: 12,000 bytes a
 * commodity, enough for the whole transaction (a demo holds 3.6 KB a
 * commodity besides its search keys and 7.3 KB with them; the keys are
 * gathered in a temporary table and sorted at the end). A transaction that
 * outgrows the cache spills pages into the WAL, and every later page read
 * then searches the WAL's index: a million-commodity fill with 4 GB of cache
 * spent 58 % of its time in sqlite3WalFindFrame once the WAL passed 2 GB.
 * At most half the machine's memory; the connection's own setting comes
 * back after.
 */
static int64_t set_cache(ent_db *db, int64_t n)
{
    sqlite3_stmt *st = NULL;
    int64_t old = -2000;
    if (sqlite3_prepare_v2(db->sql, "PRAGMA cache_size", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        old = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    int64_t kib = n * 12000 / 1024;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    int64_t most = pages > 0 && page > 0 ? (int64_t)pages / 2 * (page / 1024) : 1024 * 1024;
    if (kib > most)
        kib = most;
    if (kib > 2000 && (old >= 0 || -old < kib)) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA cache_size = -%lld", (long long)kib);
        sqlite3_exec(db->sql, sql, NULL, NULL, NULL);
    }
    return old;
}

static void restore_cache(ent_db *db, int64_t old)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = %lld", (long long)old);
    sqlite3_exec(db->sql, sql, NULL, NULL, NULL);
}

static void release(struct demo *d)
{
    if (d->countries)
        for (size_t i = 0; i < entx_demo_ncountries; i++)
            free(d->countries[i].brands);
    free(d->countries);
    free(d->perm);
    free(d->cat_countries);
    free(d->origin_seen);
    free(d->brands);
    free(d->gtins.slot);
    free(d->combos.slot);
}

int ent_demo_fill(ent_db *db, ent_demo_stats *out, const ent_demo_options *opt)
{
    static const ent_demo_options defaults = {0};
    ent_demo_stats st;
    struct demo d;
    int found = 0, rc;

    entx_ok(db);
    memset(&st, 0, sizeof st);
    memset(&d, 0, sizeof d);
    if (opt == NULL)
        opt = &defaults;
    d.db = db;
    d.opt = opt;
    d.st = &st;
    d.rng.s = opt->seed;
    if ((rc = check_options(db, opt, &d.n, &d.today, st.today)) != ENT_OK)
        return rc;
    /* Refuse before writing anything: the demo never mixes with real data. */
    rc = ent_product_each(db, NULL, NULL, 1, count_one, &found);
    if (rc < 0)
        return rc;
    if (found)
        return entx_fail_hint(db, ENT_EXISTS, ENT_HINT_NEW_DATABASE,
                             "this database already has commodities; the demo fills only a new one");

    /* One transaction for everything: the public calls below nest inside it,
     * so a million commodities cost one commit, and a failure leaves nothing. */
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    int64_t cache = set_cache(db, d.n);
    /* The demo is a hall already open, its shelves labelled for the stock on
     * them: its lots are not news to the label clerk, and a fresh demo's
     * reprint queue used to hold hundreds of "origin .. now on shelf .."
     * entries that nothing had changed. */
    db->shelves_labelled = true;
    /* The search keys (65 a commodity) are written at the end in key order. */
    if ((rc = entx_search_bulk_begin(db)) == ENT_OK)
        rc = entx_search_bulk_end(db, fill(&d));
    db->shelves_labelled = false;
    rc = entx_tx_end(db, rc);
    restore_cache(db, cache);
    /* The commit's checkpoint has copied the fill into the database; a
     * million commodities would otherwise leave a 1.5 GB WAL file behind. */
    if (rc == ENT_OK)
        sqlite3_exec(db->sql, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    release(&d);
    if (rc != ENT_OK) {
        /* Keep the message of the call that failed, and say where. */
        char why[ENT_MSG_MAX];
        snprintf(why, sizeof why, "%s", db->msg);
        return entx_fail(db, rc, "demo: %s", why);
    }
    if (out)
        *out = st;
    return ENT_OK;
}
