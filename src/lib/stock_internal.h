/* Stock functions other library modules use (sales): not public API. */
#ifndef ENT_STOCK_INTERNAL_H
#define ENT_STOCK_INTERNAL_H

#include <sqlite3.h>

#include "entrepot/db.h"
#include "entrepot/stock.h"

/*
 * Plausibility bounds (README, "Receiving, moves and counts"). They keep
 * every product and sum of stock figures far inside 64 bits: a balance times
 * a unit cost is at most 10^18, so only a database edited by hand can
 * overflow, and that is refused with a message rather than wrapped.
 */
#define ENT_STOCK_QTY_MAX 1000000000LL      /* base units in one receipt, move, adjustment, count line */
#define ENT_STOCK_BALANCE_MAX 10000000000LL /* base units of one lot at one location */
#define ENT_STOCK_COST_MAX 100000000LL      /* minor units per unit of sale (piece, kg, litre) */
#define ENT_LOT_CODE_MAX 20                 /* GS1 AI (10) */

/*
 * The columns of a lot as entx_lot_from_row reads them, for a query that
 * names the lot table l: its row and its units on hand over all locations.
 */
#define ENTX_LOT_COLS                                                                                          \
    "l.id, l.product_id, l.uuid, l.code, l.declaration, l.supplier, l.origin, l.import_date, "               \
    "l.production_date, l.expiry, l.unit_cost, l.cost_currency, "                                            \
    "(SELECT COALESCE(SUM(qty), 0) FROM stock_balance b WHERE b.lot_id = l.id)"

/* A lot from the current row of st, its ENTX_LOT_COLS starting at col. */
int entx_lot_from_row(ent_db *db, sqlite3_stmt *st, int col, ent_lot **out);

/*
 * Appends one ledger row and changes the balance of (lot, location) by delta,
 * inside the caller's transaction. A decrease is guarded: when the balance
 * is smaller than asked, nothing is written and ENT_NOSTOCK names product,
 * lot, location, on hand and asked. batch groups the rows of one operation.
 */
struct stock_move {
    const char *batch, *kind; /* kind: "receive", "transfer", "sale", "return", "count", ... */
    int64_t product_id, lot_id, location_id;
    int64_t delta;                    /* base units: > 0 arrives, < 0 leaves */
    const char *reason, *note, *user; /* NULL or "" stored as NULL */
};
int entx_stock_apply(ent_db *db, const struct stock_move *m);

/*
 * The integrity check's stock part (called by ent_db_check): names each
 * balance, unit cost or ledger row beyond the bounds above through cb and
 * adds to *problems. ENT_OK unless the database cannot be read.
 */
int entx_stock_check(ent_db *db, int *problems, ent_check_cb cb, void *ud);

/* How much of a commodity the stock module holds: units on hand over all
 * locations, and lots on record (with or without stock). The catalogue asks
 * before a change of unit (stock_usage.c). */
int entx_stock_product_usage(ent_db *db, int64_t *on_hand, int64_t *lots, int64_t product_id);

/* A location's id and kind ("shelf", ...), the code compared regardless of
 * case. ENT_NOTFOUND names the code; ENT_REFUSED when it is retired (no
 * stock may go there any more). */
int entx_location_id(ent_db *db, int64_t *id, char kind[ENT_LOCATION_KIND_SIZE], const char *code);

/* One lot at one location chosen for a sale (stock_pick.c). */
struct ent_pick {
    int64_t lot_id, location_id, qty;
    char lot[ENT_LOT_SIZE], origin[ENT_COUNTRY_SIZE], expiry[ENT_DATE_SIZE];
};

/*
 * Chooses where qty units of a product are sold from, reading only: the
 * sellable locations (shelf, backroom), lots not expired on today
 * (YYYY-MM-DD, local), first expiry first; within a lot the location prefer
 * (0: none) first, then shelves before back rooms. lot_id 0 means any lot.
 * *out (malloc'd, *n entries) covers qty exactly. When it cannot:
 * ENT_NOSTOCK (says what is on hand for sale), ENT_EXPIRED (the only stock
 * is past its expiry date, named), ENT_REFUSED (only in quarantine or
 * bonded). Errors leave *out NULL.
 */
struct pick_want {
    int64_t product_id, lot_id, qty;
    int64_t prefer;    /* the location to take from first; 0: none */
    const char *today; /* the store's local date */
};
int entx_stock_pick(ent_db *db, struct ent_pick **out, size_t *n, const struct pick_want *want);

/*
 * The lots that carry a customs declaration's number, each with what was
 * received of it (the ledger's receive moves), for the landed cost
 * (purchase_landed_calc.c), in lot code then id order. cb's non-zero
 * return stops the walk and is returned.
 */
struct entx_declared_lot {
    int64_t lot_id, product_id;
    char uuid[ENT_UUID_SIZE], code[ENT_LOT_SIZE], currency[ENT_CURRENCY_SIZE];
    bool costed;        /* false: the lot has no unit cost */
    int64_t unit_cost;  /* as ent_receive's */
    int64_t received;   /* base units received */
};
int entx_stock_declared_lots(ent_db *db, const char *declaration,
                             int (*cb)(ent_db *db, const struct entx_declared_lot *l, void *ud), void *ud);

/*
 * The lots sold (and returned: negative quantities) on the store days from
 * .. to (either NULL: open), one call per pick of a sale line, in the order
 * of the group's key, for the margins (purchase_margin.c). The texts are
 * borrowed for the call. cb's non-zero return stops the walk and is returned.
 */
enum entx_sold_by { ENTX_SOLD_BY_COMMODITY, ENTX_SOLD_BY_ORIGIN, ENTX_SOLD_BY_SUPPLIER };
struct entx_sold_pick {
    const char *key;    /* the commodity's code, the lot's origin or its supplier ("" none) */
    const char *name;   /* by commodity: its name; else "" */
    int64_t net;        /* the line's amount less its tax */
    int64_t line_qty;   /* the line's units */
    int64_t qty;        /* the units this pick took from the lot */
    int64_t lot_id;
    bool costed;        /* false: the lot has no unit cost */
    int64_t unit_cost;  /* in currency; per kg or litre when per_kg */
    char currency[ENT_CURRENCY_SIZE];
    bool per_kg;        /* the commodity is kept in g or ml */
};
int entx_stock_sold_lots(ent_db *db, enum entx_sold_by by, const char *from, const char *to,
                         int (*cb)(ent_db *db, const struct entx_sold_pick *p, void *ud), void *ud);

#endif
