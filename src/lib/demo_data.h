/* The word tables behind the demo centre (private to demo.c). */
#ifndef ENT_DEMO_DATA_H
#define ENT_DEMO_DATA_H

#include <stddef.h>

/* One product kind of a category: names in both languages, the HS heading
 * when it differs from the category's, and the origins it belongs to. */
struct demo_variant {
    const char *en, *zh;
    const char *hs;     /* NULL: the category's */
    const char *only;   /* space-separated alpha-2 codes, or NULL for any origin */
    unsigned char s_lo, s_hi; /* sizes [s_lo, s_hi) of the category; s_hi 0: all */
};

struct demo_size {
    const char *net;    /* net content as the catalogue reads it: "500 ml" */
    int price_lo, price_hi; /* retail price range in fen */
};

struct demo_category {
    const char *key;
    const char *hs;            /* default HS heading, "1509.20" */
    const char *tax;           /* VAT percent: "13" or "9" */
    const char *storage;       /* Chinese back-label text */
    int shelf_days;            /* 0: no expiry date (wine and spirits) */
    int lot_lo, lot_hi;        /* units per lot received */
    int reorder_lo, reorder_hi;
    char aisle;                /* shelf aisle letter */
    const struct demo_variant *variants;
    size_t nvariants;
    const struct demo_size *sizes;
    size_t nsizes;
    const char *sell_unit;     /* what a piece is sold as (瓶, 盒, 袋 ...); NULL: 件 */
};

#define DEMO_MAX_CATS 18

struct demo_country {
    const char *cc;      /* ISO 3166-1 alpha-2, checked with ent_country_lookup */
    int weight;          /* share of the commodities */
    const char *gs1;     /* 3-digit GS1 prefix of the national office, or NULL */
    const char *cur;     /* currency some lots are costed in, or NULL */
    signed char cats[DEMO_MAX_CATS]; /* category indexes, ended by -1 */
};

struct demo_syllable {
    const char *en, *zh;
};

struct demo_rate {
    const char *cur;
    long per10000; /* CNY x 10000 for one unit: demo rates, not market data */
};

struct demo_aisle {
    char letter;
    const char *zh;
};

extern const struct demo_category entx_demo_categories[];
extern const size_t entx_demo_ncategories;
extern const struct demo_country entx_demo_countries[];
extern const size_t entx_demo_ncountries;
extern const struct demo_syllable entx_demo_syllables[];
extern const size_t entx_demo_nsyllables;
extern const char *const entx_demo_company_heads[];
extern const size_t entx_demo_ncompany_heads;
extern const char *const entx_demo_company_tails[];
extern const size_t entx_demo_ncompany_tails;
extern const char *const entx_demo_streets[];
extern const size_t entx_demo_nstreets;
extern const char *const entx_demo_customs[];
extern const size_t entx_demo_ncustoms;
extern const struct demo_rate entx_demo_rates[];
extern const size_t entx_demo_nrates;
extern const struct demo_aisle entx_demo_aisles[];
extern const size_t entx_demo_naisles;
extern const char *const entx_demo_other_gs1[];
extern const size_t entx_demo_nother_gs1;

#endif
