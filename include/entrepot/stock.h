/*
 * entrepot — stock: locations, lots by origin country, the append-only move
 * ledger and its balances, counts, levels and reports.
 *
 * Every operation is one BEGIN IMMEDIATE transaction: the ledger rows and the
 * balance changes land together or not at all, and a decrement is guarded so
 * that stock never goes below zero (ENT_NOSTOCK names the product, lot,
 * location, the quantity on hand and the quantity asked).
 */
#ifndef ENTREPOT_STOCK_H
#define ENTREPOT_STOCK_H

#include "entrepot/common.h"

#define ENT_LOCATION_CODE_SIZE 33 /* a location's code, "A-01-03" */
#define ENT_LOCATION_KIND_SIZE 16 /* "shelf", "backroom", "bonded", "quarantine" */

#ifdef __cplusplus
extern "C" {
#endif

/* ---- locations ---------------------------------------------------------- */

/* kind: "shelf", "backroom", "bonded", "quarantine" or "returns" (NULL:
 * shelf; "" is refused). code: letters, digits and - _ . / (such as
 * "A-01-03"), 1-32 bytes, unique regardless of case: wherever a location is
 * named, a-01-03 finds A-01-03. ENT_EXISTS when the code is taken, also by
 * a retired location. */
ENT_API int ent_location_add(ent_db *db, const char *code, const char *kind, const char *name);

/* Renames a location (new_code) and/or changes its name (NULL: unchanged;
 * "" clears the name). Its stock and history stay with it. ENT_INVALID when
 * both are NULL. */
ENT_API int ent_location_edit(ent_db *db, const char *code, const char *new_code, const char *name);

/* Retires a location: kept for history, gone from the list, refused as a
 * place for stock (ENT_REFUSED). Refused while stock lies there or a count
 * of it is open. */
ENT_API int ent_location_retire(ent_db *db, const char *code);

typedef struct ent_location {
    char code[ENT_LOCATION_CODE_SIZE];
    char kind[ENT_LOCATION_KIND_SIZE];
    const char *name; /* borrowed; may be NULL */
    int64_t units;    /* units on hand there */
    int64_t lots;     /* lots with stock there */
} ent_location;
typedef int (*ent_location_cb)(const ent_location *loc, void *ud);
/* Visits the locations in use (not retired) in code order. */
ENT_API int ent_location_each(ent_db *db, ent_location_cb cb, void *ud);

/* ---- receiving ---------------------------------------------------------- */

typedef struct ent_receive {
    const char *product;     /* GTIN, SKU or barcode (a case barcode multiplies qty) */
    int64_t qty;             /* 1 to 1,000,000,000, in the product's base unit */
    const char *lot;         /* lot code as printed on the goods */
    const char *origin;      /* ISO 3166-1 country of origin of this lot */
    const char *declaration; /* customs declaration number: 18 digits in China */
    const char *import_date; /* YYYY-MM-DD */
    const char *production_date; /* YYYY-MM-DD, optional */
    const char *expiry;          /* YYYY-MM-DD, optional; not before import/production date; worked out as
                                  * production date + shelf life when the commodity has one */
    const char *supplier;
    int64_t unit_cost; /* minor units of cost_currency per piece, or per kg / litre for goods in
                        * g / ml (like the price); 0 to 100,000,000; -1 when unknown */
    const char *cost_currency;
    const char *location;    /* where it goes */
    const char *user, *note;
} ent_receive;

/*
 * Receives goods into a location. A new lot is created; a lot code already
 * known for the product must agree with what is given (origin, declaration,
 * dates, supplier, cost), else ENT_INVALID names the field that differs.
 * lot_uuid_out (may be NULL, ENT_UUID_SIZE bytes) receives the lot's UUID.
 */
ENT_API int ent_stock_receive(ent_db *db, char lot_uuid_out[ENT_UUID_SIZE], const ent_receive *r);

/* A lot as stored. Strings owned by the struct. */
typedef struct ent_lot {
    int64_t id, product_id;
    char uuid[ENT_UUID_SIZE];
    char *code, *declaration, *supplier;
    char origin[ENT_COUNTRY_SIZE];
    char import_date[ENT_DATE_SIZE], production_date[ENT_DATE_SIZE], expiry[ENT_DATE_SIZE]; /* "" when unknown */
    int64_t unit_cost; /* -1 when unknown */
    char cost_currency[ENT_CURRENCY_SIZE];
    int64_t on_hand;   /* units on hand over all locations */
} ent_lot;

/* Finds a product's lot by its code (product named by any of its codes).
 * ENT_NOTFOUND names the product and lot. Release with ent_lot_free. */
ENT_API int ent_lot_find(ent_db *db, ent_lot **out, const char *product, const char *lot_code);
/* Same, by the product's internal id (the scan fast path). */
ENT_API int ent_lot_find_id(ent_db *db, ent_lot **out, int64_t product_id, const char *lot_code);
ENT_API void ent_lot_free(ent_lot *lot);

/* ---- moves -------------------------------------------------------------- */

/* A move names product and location; lot may be NULL when exactly one lot
 * of the product lies there (otherwise ENT_INVALID lists the lots). */
typedef struct ent_move_req {
    const char *product;     /* any of its codes */
    const char *lot;         /* NULL: the one lot of the product there */
    const char *location;    /* where the goods are (a transfer's from) */
    const char *to;          /* a transfer's destination; unused otherwise */
    int64_t qty;             /* transfer, scrap: 1 or more; adjust: signed, see below */
    const char *reason;      /* adjust only: "damage", "loss", "found" or "sample" */
    const char *user, *note; /* may be NULL */
} ent_move_req;

/* Moves m->qty from m->location to m->to. */
ENT_API int ent_stock_transfer(ent_db *db, const ent_move_req *m);

/* m->qty is signed: found > 0, the others < 0 (a positive qty for them is
 * taken as a decrease). */
ENT_API int ent_stock_adjust(ent_db *db, const ent_move_req *m);

ENT_API int ent_stock_scrap(ent_db *db, const ent_move_req *m);

/* ---- counts ------------------------------------------------------------- */

/* Starts a count of a location: snapshots each lot's expected quantity.
 * uuid_out (ENT_UUID_SIZE bytes) receives the count's id. A location has at most one
 * open count: a second start is refused (ENT_REFUSED) naming the open one.
 * Wherever a count is named (record, show, post), its id may be shortened
 * to a prefix of at least 8 characters; one that fits several counts is
 * refused (ENT_INVALID). */
ENT_API int ent_count_start(ent_db *db, char uuid_out[ENT_UUID_SIZE], const char *location, const char *user);

/* Records the counted quantity of a lot (lot may be NULL when the product
 * has one lot in the count), 0 to 1,000,000,000. The line's expected figure
 * becomes the stock on hand at this moment, so a line that moved since the
 * count began (or since it was last counted) is simply counted again.
 * user (may be NULL) is recorded as who counted. */
ENT_API int ent_count_record(ent_db *db, const char *count, const char *product, const char *lot, int64_t counted,
                             const char *user);

typedef struct ent_count_line {
    const char *gtin, *name, *lot; /* borrowed */
    int64_t expected;
    int64_t counted;     /* -1 when not counted */
    int64_t difference;  /* counted - expected (0 when not counted) */
    int64_t moves_since; /* ledger rows at this lot and location after the line was counted
                          * (or, when not counted, after the count began) */
    int64_t on_hand;     /* on hand now at this lot and location */
    const char *unit;    /* the commodity's base unit of these quantities: pcs, g or ml (borrowed) */
} ent_count_line;
typedef int (*ent_count_cb)(const ent_count_line *line, void *ud);

/* Shows a count's lines. */
ENT_API int ent_count_show(ent_db *db, const char *count, ent_count_cb cb, void *ud);

/*
 * Posts a count: each counted line is set to what was counted by one
 * 'count' adjustment of counted - on hand now, all in one transaction;
 * lines not counted are left alone. Counted lines that moved after they
 * were counted are flagged (moves_since > 0) and posted only when force is
 * set; otherwise the post is refused (ENT_REFUSED), naming them, and
 * nothing changes. The callback sees a counted line's expected = on hand
 * at the post and difference = the adjustment made.
 */
ENT_API int ent_count_post(ent_db *db, const char *count, bool force, const char *user, ent_count_cb cb, void *ud);

/* A count as listed. Strings borrowed for the callback's duration. */
typedef struct ent_count_info {
    char uuid[ENT_UUID_SIZE];
    const char *location, *started_at;
    const char *posted_at;  /* NULL while open */
    const char *user;       /* who started it; may be NULL */
    int64_t lines, counted; /* lines in the count, lines counted so far */
} ent_count_info;
typedef int (*ent_count_info_cb)(const ent_count_info *count, void *ud);

/* Every count, oldest first (only the open ones when open_only is set). */
ENT_API int ent_count_each(ent_db *db, bool open_only, ent_count_info_cb cb, void *ud);

/* ---- levels and reports ------------------------------------------------- */

enum ent_levels_by { ENT_BY_PRODUCT, ENT_BY_LOCATION, ENT_BY_LOT, ENT_BY_ORIGIN };

typedef struct ent_levels_query {
    enum ent_levels_by by;
    const char *product;   /* only this commodity (code), or NULL */
    const char *location;  /* only this location, or NULL */
    const char *origin;    /* only lots of this origin, or NULL */
    int low;               /* only commodities at or below their reorder point (by product) */
    const char *expiring_before; /* only lots whose expiry is on or before this date, YYYY-MM-DD */
    int64_t limit;         /* 0: no limit */
    const char *after;     /* the next page: rows after this key (ent_level.key of the last row shown), or NULL */
} ent_levels_query;

typedef struct ent_level {
    /* Keys, borrowed; those that do not apply to the grouping are NULL. */
    const char *gtin, *sku, *name_zh, *name_en;     /* by product, by lot */
    const char *location, *location_kind;            /* by location (and by lot: NULL, lots span places) */
    const char *lot, *expiry, *declaration;          /* by lot */
    const char *origin, *origin_en, *origin_zh;      /* by origin, by lot */
    int64_t qty;            /* units on hand */
    int64_t reorder_point;  /* by product */
    int64_t products, lots; /* how many distinct products and lots make up the row */
    int64_t value;          /* sum of qty x unit cost, in cost_currency; for goods in g or ml the
                             * unit cost is per kg or litre, like the price, and the row's value
                             * is rounded half up to the minor unit */
    const char *cost_currency; /* NULL when no lot in the row has a cost */
    int64_t uncosted;       /* units whose lot has no cost */
    const char *key;        /* the row's place in its view's order, borrowed: given as the query's
                             * after, the page that follows starts after this row */
    bool landed;            /* by lot: landed_value is known */
    int64_t landed_value;   /* by lot: the units on hand in the store's currency, at the lot's landed
                             * cost (purchasing: landed x qty / units landed, half up), or at its unit
                             * cost when bought in the store's currency and never landed; the
                             * foreign cost stays in value and cost_currency */
    /* The units on hand in each base unit, integers (schema 30): pieces,
     * grams, millilitres. qty adds them up, which means something only
     * when they are of one unit; by origin a row holds commodities of
     * every unit (France: 24 pcs, 12500 g, 9000 ml). by_unit is false where
     * the view does not split them (by location). */
    bool by_unit;
    int64_t qty_pcs, qty_g, qty_ml;
    /* By product, by lot and low stock: the commodity's base unit, the unit
     * of qty, reorder_point and the rest ("pcs", "g" or "ml"; a unit outside
     * the three, only in a hand-edited database, reads "pcs" as its cost
     * does). NULL where a row holds several commodities (by location, by
     * origin). Borrowed. */
    const char *unit;
} ent_level;
typedef int (*ent_level_cb)(const ent_level *row, void *ud);

/*
 * Stock on hand grouped as asked. Cost value is summed per currency: a row
 * stands for one key and one cost currency, so a product whose lots were
 * bought in EUR and JPY gives two rows, and the units still add up.
 * By origin the rows come by value: those with a cost first, grouped by
 * currency (amounts in two currencies do not compare: the store's own
 * first, the others in code order), the largest value first, then the
 * origin's code; pieces, grams and millilitres do not add
 * up, so a quantity cannot rank them.
 * With low set, commodities with nothing on hand are included too.
 */
ENT_API int ent_stock_levels(ent_db *db, const ent_levels_query *q, ent_level_cb cb, void *ud);

typedef struct ent_move {
    const char *uuid, *batch, *at, *kind, *lot, *location, *reason, *note, *user; /* borrowed */
    int64_t qty;     /* signed change */
    int64_t balance; /* the product's total on hand after this move */
} ent_move;
typedef int (*ent_move_cb)(const ent_move *m, void *ud);

/* A commodity's ledger, oldest first. */
ENT_API int ent_stock_history(ent_db *db, const char *product, int64_t limit, ent_move_cb cb, void *ud);

#ifdef __cplusplus
}
#endif
#endif
