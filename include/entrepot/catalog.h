/*
 * entrepot — the catalogue: commodities, their barcodes, CSV import/export.
 *
 * A commodity is named wherever one is expected by any of its codes: its GTIN
 * (8, 12, 13 or 14 digits, normalised to 14), its SKU, or one of its extra
 * barcodes.
 */
#ifndef ENTREPOT_CATALOG_H
#define ENTREPOT_CATALOG_H

#include <stdio.h>
#include "entrepot/common.h"

#define ENT_SKU_SIZE 33     /* an internal stock-keeping code */
#define ENT_HS_CODE_SIZE 11 /* a customs tariff (HS) code, up to 10 digits */

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The fields of a commodity as text, the way a person or a CSV file gives
 * them. The library parses and checks every one. For ent_product_add a NULL
 * or empty field is one not given: it takes its default (a form's empty
 * box; the command line refuses an empty option itself). For
 * ent_product_edit NULL leaves the field unchanged and "" clears it where it
 * may be empty (not unit, currency, tax_rate, reorder_point, which are
 * refused; "" for price leaves the commodity unpriced).
 *
 *  gtin          8/12/13/14 digits with a valid check digit
 *  sku           the store's own code (letters, digits, - _ . /), 1-32 bytes
 *  name_zh, name_en   at least one of them; up to 200 bytes
 *  brand, importer, storage   free text
 *  origin        ISO 3166-1 code (alpha-2, alpha-3 or numeric): the default
 *                origin shown on labels; lots carry their own
 *  hs_code       6 to 10 digits
 *  unit          base unit of stock quantities: pcs (default), g or ml
 *  net_content   "500 g", "1.5 kg", "750 ml", "1 l", "12 pcs"; at most
 *                10,000,000 g, ml or pcs
 *  price         retail price, "12.50", in currency (default: the store's),
 *                0 to 100,000,000.00 (10^10 minor units). Left out, the
 *                commodity is unpriced: it cannot be sold, nor get a price
 *                label, until it is priced (a price of 0 is a price).
 *  tax_rate      percent, "13" or "13%" or "9.5" (two decimals at most)
 *  reorder_point 0 to 1,000,000,000 base units
 *  shelf_life_days 1 to 36500
 *  sell_unit     the unit a piece is sold as, for commodities counted in
 *                pcs: a code of the closed list (bottle, box, bag, jar,
 *                pack, tube, piece, case, can, carton, pair, set, each,
 *                tub, cup, bar, sheet, roll) or its Chinese word (瓶, 盒,
 *                袋, 罐, 包, 支, 件, 箱, 听, 条, 双, 套, 个, 桶, 杯, 块,
 *                片, 卷); stored as the code. Labels and receipts show it.
 *
 * The back label of imported prepackaged food (GB 7718, GB 28050):
 *  food_kind     "food" or "alcohol" (a drink of 0.5 %vol or more); ""
 *                when the commodity is not prepackaged food. A back label
 *                (a template with a food line) refuses a commodity that
 *                lacks what the law asks for its kind: ingredients and the
 *                nutrition table for food, ingredients and abv for alcohol.
 *  ingredients   配料表, in descending order by weight, as written
 *  allergens     致敏物质提示, free text
 *  abv           alcohol, %vol: "13.5" or "13.5%vol" (two decimals at most,
 *                0 to 100)
 *  energy_kj, protein, fat, carbohydrate, sodium   per 100 g, or per
 *                100 ml when the net content is in ml: energy in kJ and
 *                sodium in mg (whole numbers), protein, fat, carbohydrate
 *                in g with one decimal at most; all five or none.
 */
typedef struct ent_product_fields {
    const char *gtin, *sku, *name_zh, *name_en, *brand, *origin, *hs_code, *unit, *net_content, *price,
        *currency, *tax_rate, *importer, *reorder_point, *storage, *shelf_life_days, *sell_unit;
    const char *food_kind, *ingredients, *allergens, *abv, *energy_kj, *protein, *fat, *carbohydrate, *sodium;
} ent_product_fields;

/* A commodity as stored. Strings are owned by the struct. */
typedef struct ent_product {
    int64_t id;           /* internal row id */
    char gtin[ENT_GTIN_SIZE]; /* "" when the commodity has none */
    char sku[ENT_SKU_SIZE];
    char *name_zh, *name_en, *brand, *importer, *storage;
    char origin[ENT_COUNTRY_SIZE]; /* default origin, alpha-2, or "" */
    char hs_code[ENT_HS_CODE_SIZE];
    char unit[ENT_UNIT_SIZE]; /* pcs, g, ml */
    int64_t net_content;  /* in net_unit; 0 when unknown */
    char net_unit[ENT_UNIT_SIZE];
    int64_t price;        /* minor units; 0 when not priced */
    char currency[ENT_CURRENCY_SIZE];
    int32_t tax_rate;     /* basis points: 1300 = 13% */
    int64_t reorder_point;
    int32_t shelf_life_days; /* 0 when unknown */
    char created_at[ENT_TIME_SIZE], updated_at[ENT_TIME_SIZE];
    bool unpriced;                  /* true: no price yet, cannot be sold (0, priced, when zeroed) */
    char retired_at[ENT_TIME_SIZE]; /* "" while in the catalogue; else when it was retired */
    /* The selling unit (schema 15): its code, Chinese and English words;
     * "" when none is named (a piece is shown as 件). */
    char sell_unit[ENT_SELL_UNIT_SIZE], sell_unit_zh[ENT_SELL_UNIT_SIZE], sell_unit_en[ENT_SELL_UNIT_SIZE];
    /* The back label (schema 15): food_kind "food", "alcohol" or "";
     * ingredients and allergens owned, NULL when none; abv in hundredths
     * of a %vol, -1 when none; nutrition per 100 g or ml when has_nutrition:
     * energy kJ, protein, fat, carbohydrate in tenths of a g, sodium mg. */
    char food_kind[8];
    char *ingredients, *allergens;
    int32_t abv;
    bool has_nutrition;
    int64_t energy_kj, protein, fat, carbohydrate, sodium;
} ent_product;

/* One row of the nutrition table as GB 28050 prints it: the nutrient in
 * Chinese, the amount per 100 g or ml rounded by its rules (an amount at
 * or under the "0" threshold prints as 0) with its unit, and NRV% (whole
 * percent, half up, from the printed amount). */
typedef struct ent_nutrition_row {
    const char *name_zh;  /* 能量, 蛋白质, 脂肪, 碳水化合物, 钠 */
    char amount[24];      /* "1500千焦", "6.3克", "40毫克" */
    int32_t nrv_percent;
} ent_nutrition_row;
#define ENT_NUTRITION_ROWS 5

/* The five rows of p's nutrition table. ENT_NOTFOUND when p has none. */
ENT_API int ent_product_nutrition(ent_nutrition_row rows[ENT_NUTRITION_ROWS], const ent_product *p);

/* Adds a commodity. ENT_INVALID (a field is wrong: the message names it),
 * ENT_EXISTS (its GTIN, SKU or a barcode is already in use). */
ENT_API int ent_product_add(ent_db *db, const ent_product_fields *fields);

/* Changes the given fields of the commodity named by code. ENT_INVALID when
 * no field is given (nothing to change) or a field is wrong; ENT_REFUSED
 * when the unit changes while the stock module holds stock or lots of the
 * commodity (their quantities are in the old unit). */
ENT_API int ent_product_edit(ent_db *db, const char *code, const ent_product_fields *fields);

/* Retires the commodity named by code: it stays for history (stock, sales,
 * journal) but is gone from lists, searches, sales and labels; its codes
 * stay taken. ent_product_unretire brings it back. ENT_REFUSED when it is
 * already retired (or, for unretire, not retired). */
ENT_API int ent_product_retire(ent_db *db, const char *code);
ENT_API int ent_product_unretire(ent_db *db, const char *code);

/* Finds the commodity named by code (GTIN, SKU or barcode). *qty_out (may be
 * NULL) receives how many base units the code stands for (1, or 12 for a
 * case barcode). ENT_NOTFOUND names the code. Release with ent_product_free. */
ENT_API int ent_product_find(ent_db *db, ent_product **out, int64_t *qty_out, const char *code);
ENT_API void ent_product_free(ent_product *p);

/* The internal id of the commodity named by code (the fast path behind
 * scanning and lookups). ENT_NOTFOUND when no commodity has that code. */
ENT_API int ent_product_id(ent_db *db, int64_t *out, int64_t *qty_out, const char *code);

/* Visits commodities in the catalogue (not retired) in the order they were
 * added; `search` (NULL for all; "" is refused) keeps those
 * whose Chinese or English name, brand, GTIN or SKU contains it. `origin`
 * (NULL for all; "" is refused) keeps those with that default origin. The product is
 * borrowed for the call. A non-zero return from cb stops the walk and is
 * returned. limit 0 means no limit. */
typedef int (*ent_product_cb)(const ent_product *p, void *ud);
ENT_API int ent_product_each(ent_db *db, const char *search, const char *origin, int64_t limit,
                             ent_product_cb cb, void *ud);

/* One recorded change of a commodity (schema 10): field is one of the
 * ent_product_fields names (old and new as text, "" for none; a price as
 * "12.50", "" for unpriced), or "added" (new: its price), "retired",
 * "unretired", "barcode" (old or new: "CODE xQTY"). Borrowed for the call. */
typedef struct ent_product_change {
    const char *at, *user, *field, *old_value, *new_value;
} ent_product_change;
typedef int (*ent_product_change_cb)(const ent_product_change *c, void *ud);

/* Visits the changes of the commodity named by code, oldest first, each
 * with who made it; field (NULL: all) keeps one kind, such as "price" (an
 * "added" row, which holds the first price, comes with "price"). A non-zero
 * return from cb stops the walk and is returned. ENT_NOTFOUND for an
 * unknown code. */
ENT_API int ent_product_history(ent_db *db, const char *code, const char *field, ent_product_change_cb cb, void *ud);

/* Visits the closed list of selling units in the order of the list. A
 * non-zero return from cb stops the walk and is returned. */
typedef int (*ent_sell_unit_cb)(const char *code, const char *zh, const char *en, void *ud);
ENT_API int ent_sell_unit_each(ent_db *db, ent_sell_unit_cb cb, void *ud);

/* Extra barcodes: code (any GTIN, or an internal code) standing for qty units. */
ENT_API int ent_product_barcode_add(ent_db *db, const char *product, const char *barcode, int64_t qty);
ENT_API int ent_product_barcode_remove(ent_db *db, const char *barcode);
typedef int (*ent_barcode_cb)(const char *barcode, int64_t qty, void *ud);
ENT_API int ent_product_barcodes(ent_db *db, const char *product, ent_barcode_cb cb, void *ud);

/*
 * CSV. The header row names the columns, in any order, with the names of
 * ent_product_fields (gtin, sku, name_zh, ...); unknown columns are refused.
 * Import is all-or-nothing: the first bad row stops it with ENT_INVALID and
 * a message "row N: ...", and nothing is written. Rows whose GTIN (or SKU
 * when there is no GTIN) already exists update that commodity when
 * `update` is set, and are refused otherwise. A commodity twice in one
 * file is refused, naming the row it repeats. An empty cell is a field not
 * given: a new commodity takes the default (an empty price: unpriced), an
 * update clears the field as ent_product_edit does for "". *imported (may
 * be NULL) receives the number of rows written.
 */
ENT_API int ent_product_import_csv(ent_db *db, int64_t *imported, FILE *in, bool update);

/* ent_product_import_csv that says how far it got, for a long file: after
 * every 10,000 rows read, progress("rows", rows so far, 0, ud); then, before
 * the new commodities' search keys are written (most of a big import's
 * time), progress("search keys", 0, commodities, ud). progress may be NULL,
 * and so may o (a new-only import, no progress). */
typedef void (*ent_import_progress_cb)(const char *stage, int64_t done, int64_t total, void *ud);
typedef struct ent_import_opts {
    bool update;
    ent_import_progress_cb progress;
    void *progress_ud;
} ent_import_opts;
ENT_API int ent_product_import_csv_opts(ent_db *db, int64_t *imported, FILE *in, const ent_import_opts *o);
/* Writes the catalogue (not retired commodities); an unpriced one has an
 * empty price. */
ENT_API int ent_product_export_csv(ent_db *db, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
