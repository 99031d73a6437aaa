/*
 * entrepot — the demo centre: fills a new database with a deterministic,
 * realistic import trading centre (commodities from many countries, lots with
 * customs declarations, costs and expiry dates, several kinds of locations).
 *
 * Everything goes through the public catalogue and stock functions, inside
 * one transaction: a demo that fails leaves nothing behind but the empty
 * schema. The same seed, size and `today` give the same commodities, lots,
 * quantities and dates (UUIDs and record timestamps differ, as they must).
 */
#ifndef ENTREPOT_DEMO_H
#define ENTREPOT_DEMO_H

#include "entrepot/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ENT_DEMO_DEFAULT_COMMODITIES 8000
#define ENT_DEMO_MAX_COMMODITIES 10000000

/* Called now and then during a large fill: stage ("commodities"), how many
 * are done and how many there will be. Text is static. */
typedef void (*ent_demo_progress_cb)(const char *stage, int64_t done, int64_t total, void *ud);

typedef struct ent_demo_options {
    uint64_t seed;            /* any value; the same seed gives the same centre */
    int64_t commodities;      /* how many; 0 means ENT_DEMO_DEFAULT_COMMODITIES */
    const char *today;        /* YYYY-MM-DD that expiry and import dates are placed
                                 around; NULL: the current UTC date */
    /* The store recorded when the database has none yet (NULL: the defaults,
     * SH01 "上海环球进口商品馆", CNY, Asia/Shanghai). Ignored otherwise. */
    const char *store_code, *store_name, *currency, *tz;
    ent_demo_progress_cb progress; /* may be NULL */
    void *progress_ud;
} ent_demo_options;

typedef struct ent_demo_stats {
    int64_t commodities;     /* commodities added */
    int64_t countries;       /* distinct countries and regions of origin (lots) */
    int64_t lots;
    int64_t units;           /* units received over all lots */
    int64_t expired_lots;    /* expiry before today */
    int64_t expiring_lots;   /* expiry from today to today + 30 days */
    int64_t low_stock;       /* commodities at or below their reorder point on shelf and back room */
    int64_t locations;       /* locations made (existing ones with the same code are reused) */
    int64_t skus;            /* commodities that also have a store SKU */
    int64_t case_barcodes;   /* GTIN-14 case codes added */
    int64_t bonded_lots, quarantine_lots;
    int64_t foreign_cost_lots; /* lots costed in a currency other than the store's */
    char today[ENT_DATE_SIZE]; /* the date used */
    char sample_gtin[ENT_GTIN_SIZE]; /* a commodity to look at (13 digits, as printed) */
    char sample_search[64];  /* a word in the sample's Chinese name, for product search */
    char sample_origin[ENT_COUNTRY_SIZE]; /* a country with many commodities */
} ent_demo_stats;

/*
 * Fills db with the demo centre. The store is recorded first when the
 * database has none. Errors: ENT_EXISTS when the database already has
 * commodities (nothing is changed), ENT_INVALID for a bad option (the
 * message names it), ENT_ERROR when the iso-codes data or the database
 * fails. On success *out (may be NULL) receives the counts. opt may be
 * NULL for seed 0, the default size and today's date.
 */
ENT_API int ent_demo_fill(ent_db *db, ent_demo_stats *out, const ent_demo_options *opt);

#ifdef __cplusplus
}
#endif
#endif
