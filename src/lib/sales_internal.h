/* Private to the sales module (sales*.c, flow.c). */
#ifndef ENT_SALES_INTERNAL_H
#define ENT_SALES_INTERNAL_H

#include "entrepot/sales.h"
#include "entrepot/scan.h"
#include "internal.h"

/* The basket, shared by its editing (sales_basket.c) and its checkout
 * (sales_checkout.c). A line and what the public view does not show: the lot the scan named. */
struct bline {
    ent_basket_line pub; /* first, so that a pointer to it is a pointer to the line */
    int64_t lot_id;      /* 0: first expiry first out */
};

/* The payment methods, in the order of ent_basket.paid. */
#define NMETHODS 3
extern const char *const entx_sales_methods[NMETHODS];

struct ent_basket {
    ent_db *db;
    char counter[ENT_COUNTER_SIZE], cashier[ENT_CASHIER_SIZE];
    int64_t shelf_id;
    char currency[ENT_CURRENCY_SIZE];
    int digits;
    ent_scan_config scan_cfg;
    struct bline *lines;
    size_t n, cap;
    int64_t paid[NMETHODS];
    bool kept; /* saved in the database (ent_basket_save): checkout removes its lines */
};

/* In the sale's transaction: the kept lines of a paid basket go. */
int entx_basket_kept_paid(ent_basket *b);

/* The tax inside a tax-inclusive amount: round-half-up(amount x rate /
 * (10000 + rate)), symmetric for negative amounts (returns). */
int64_t entx_sales_tax(int64_t amount, int32_t rate);


/* Units a line counts in reports: its pieces, or 1 for goods sold by weight
 * or volume (a weighed bag of nuts is one item in a basket). */
int64_t entx_sales_line_units(const char *unit, int64_t qty);

/* True when s is a counter name: 1 to 16 letters, digits, - or _. */
bool entx_sales_valid_counter(const char *s);
/* ENT_OK when s is a counter name; else refuses it on db, saying so. */
int entx_sales_check_counter(ent_db *db, const char *s);

/* Sets synchronous=FULL on a connection opened without ENT_OPEN_DURABLE
 * (outside any transaction), so that every sale and return is durable. */
int entx_sales_durable(ent_db *db);

/* The store's local date and hour of a UTC time "YYYY-MM-DDTHH:MM:SSZ". */
int entx_sales_local(ent_db *db, char day[ENT_DATE_SIZE], int *hour, const char *utc);

/* The UTC instant of a local "YYYY-MM-DD HH:MM[:SS]" in the store's zone. */
int entx_sales_local_to_utc(ent_db *db, char utc[ENT_TIME_SIZE], const char *local);

/* Adds one sale or return (signs as stored) to the report summaries. */
struct sales_sum_line {
    int64_t product_id;
    const char *origin;
    int64_t amount, units;
};
struct sales_sum {
    const char *day; /* the store's local day and hour of the sale */
    int hour;
    const char *counter, *cashier;
    bool is_return;
    int64_t total, units;
    const struct sales_sum_line *lines;
    size_t n;
};
int entx_sales_sum_add(ent_db *db, const struct sales_sum *sum);

/* Reads sale id into *out. */
int entx_sales_read(ent_db *db, ent_sale **out, int64_t sale_id);

/* Fills per-rate journal taxes from lines (malloc'd *out, *n). */
int entx_sales_taxes(ent_journal_tax **out, size_t *n, const int32_t *rates, const int64_t *amounts,
                const int64_t *taxes, size_t nlines);

/* Row writers shared by checkout and returns; *out receives the new rowid.
 * The rows as written: a 0 ref_id or ref_line and a NULL note or reason
 * are stored as NULL. */
struct sales_row {
    const char *uuid;
    int64_t receipt;
    const char *kind; /* "sale", "return" */
    int64_t ref_id;   /* the sale a return refers to */
    const char *at, *day;
    int hour;
    const char *counter, *cashier;
    int64_t total, tax, units;
    const char *note, *qr;
    const char *approved_by; /* NULL: nobody had to approve */
};
struct sales_line_row {
    int64_t sale_id;
    int line;
    int64_t product_id;
    const char *code, *name, *origin, *lots, *unit;
    int64_t qty, unit_price, discount, amount;
    int32_t rate;
    int64_t tax;
    const char *price_reason, *discount_reason;
    int64_t ref_line; /* the sold line a returned one refers to */
    const char *approved_by;
    const char *sell_unit; /* its selling unit's code; NULL: none, or a return's: the sold line's */
};
int entx_sales_insert_sale(ent_db *db, int64_t *out, const struct sales_row *row);
int entx_sales_insert_line(ent_db *db, int64_t *out, const struct sales_line_row *row);
int entx_sales_insert_pick(ent_db *db, int64_t line_id, int64_t lot_id, int64_t location_id, int64_t qty);
int entx_sales_insert_pay(ent_db *db, int64_t sale_id, const char *method, int64_t amount, int64_t tendered,
                     int64_t change);

/* The sale's rowid from a receipt number or a UUID; ENT_NOTFOUND. */
int entx_sales_find(ent_db *db, int64_t *id, const char *receipt_or_uuid);

/* Checks --from/--to dates (either may be NULL). */
int entx_sales_check_range(ent_db *db, const char *from, const char *to);

#endif
