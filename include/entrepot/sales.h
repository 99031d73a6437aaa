/*
 * entrepot — sales: the basket at a counter, checkout, returns, receipts;
 * customer flow (door counts) and the sales and flow reports.
 *
 * A basket lives in memory until checkout: scanning, changing and cancelling
 * it writes nothing. Checkout is one BEGIN IMMEDIATE transaction holding the
 * sale, its lines, the stock moves out of the lots picked (first expiry
 * first, the counter's own shelf first), the report summaries and the signed
 * journal record; a refusal leaves the database and the basket as they were.
 *
 * Money is integer minor units of the store's currency; prices include tax.
 * The tax in a line is round-half-up(amount x rate / (10000 + rate)), rate in
 * basis points. For commodities sold by weight or volume (unit g or ml) the
 * catalogue price is per kg or per litre.
 */
#ifndef ENTREPOT_SALES_H
#define ENTREPOT_SALES_H

#include <stdio.h>
#include "entrepot/common.h"
#include "entrepot/journal.h"

#define ENT_COUNTER_SIZE 17 /* a counter (till) name: 1 to 16 letters, digits, - or _ */
#define ENT_CASHIER_SIZE 65 /* who rang the sale up */

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the basket --------------------------------------------------------- */

/* Bounds of a sale line, refused (ENT_INVALID) beyond: its quantity, in
 * pieces or in g or ml (1,000 kg or l); a unit price (per piece, kg or l)
 * and any amount (a line, a discount, a payment, a total), in minor units. */
#define ENT_SALE_MAX_PCS 100000
#define ENT_SALE_MAX_MEASURE 1000000
#define ENT_SALE_MAX_PRICE 10000000000LL      /* 100,000,000.00 */
#define ENT_SALE_MAX_AMOUNT 100000000000000LL /* 1,000,000,000,000.00 */

typedef struct ent_basket ent_basket;

/*
 * A new, empty basket for counter (1-16 letters, digits, - _) and cashier
 * (1-64 bytes of text). shelf (may be NULL) is the counter's own location,
 * taken first when stock is picked. db is borrowed and must outlive the
 * basket. Errors: ENT_INVALID, ENT_NOTFOUND (no such shelf location).
 * Release with ent_basket_free (NULL allowed).
 */
ENT_API int ent_basket_new(ent_db *db, ent_basket **out, const char *counter, const char *cashier,
                           const char *shelf);
ENT_API void ent_basket_free(ent_basket *b);

/* A basket line. Borrowed from the basket until it next changes. */
typedef struct ent_basket_line {
    int64_t product_id;
    char code[ENT_PRODUCT_CODE_SIZE]; /* GTIN-14 or SKU */
    char name[ENT_PRODUCT_NAME_SIZE]; /* Chinese name, else English */
    char origin[ENT_COUNTRY_SIZE];    /* the origin of the lot that will be sold first */
    char lot[ENT_LOT_SIZE];           /* the lot the scan named, "" for first-expiry-first-out */
    char unit[ENT_UNIT_SIZE];         /* pcs, g, ml */
    int64_t qty;         /* base units */
    int64_t list_price;  /* catalogue price (per unit, per kg or l) */
    int64_t unit_price;  /* price used (an override changes it) */
    int64_t discount;    /* minor units off the line */
    int64_t amount;      /* gross after discount */
    int64_t fixed;       /* > 0: the amount an in-store price code carries */
    int32_t tax_rate;    /* basis points */
    int64_t tax;
    char price_reason[101], discount_reason[101];
    char approved_by[ENT_CASHIER_SIZE]; /* the supervisor who approved its price or discount, "" when none */
    char sell_unit[ENT_SELL_UNIT_SIZE]; /* the selling unit's code (bottle), "" when none (schema 15) */
    char sell_unit_zh[ENT_SELL_UNIT_SIZE]; /* its Chinese word (瓶), "" when none */
} ent_basket_line;

/*
 * Adds what a scanner sent (GTIN, GS1 element string or Digital Link with a
 * lot, in-store price/weight code, SKU or barcode). qty > 1 multiplies what
 * the code stands for; 0 or 1 takes it as it is. The same commodity and lot
 * scanned again joins its line. Checks at once that enough sellable stock is
 * there for the whole basket. Errors (basket unchanged): ENT_INVALID (a code
 * that does not parse), ENT_NOTFOUND (unknown code or lot), ENT_NOSTOCK
 * (says what is on hand), ENT_EXPIRED (names the expiry date), ENT_REFUSED
 * (the stock is only in quarantine or bonded).
 * *line_out (may be NULL) receives the line's 1-based number.
 */
ENT_API int ent_basket_scan(ent_basket *b, size_t *line_out, const char *code, int64_t qty);

/* Line numbers are 1-based; 0 means the last line. */
ENT_API int ent_basket_set_qty(ent_basket *b, size_t line, int64_t qty);
ENT_API int ent_basket_remove(ent_basket *b, size_t line);

/* A new unit price (per unit, per kg or l) for a line, with a reason (required). */
ENT_API int ent_basket_set_price(ent_basket *b, size_t line, int64_t unit_price, const char *reason);

/* A discount off a line: amount minor units, or percent_bp basis points of the
 * line (when amount is -1), with a reason (required). Never below zero. */
ENT_API int ent_basket_discount(ent_basket *b, size_t line, int64_t amount, int32_t percent_bp,
                                const char *reason);

/* Records that approver (a user whose role may approve, checked by the
 * caller with ent_user_approve; 1-64 bytes of text) approved line's price
 * or discount: written with the line at checkout (sale_line.approved_by)
 * and shown on the receipt. ENT_INVALID for a bad line or name. */
ENT_API int ent_basket_approve(ent_basket *b, size_t line, const char *approver);

/* A discount above this share of a line needs a supervisor's approval: the
 * setting row ENT_SALES_DISCOUNT_LIMIT_SETTING in basis points (0 to
 * 10000), ENT_SALES_DISCOUNT_LIMIT_DEFAULT when unset. */
#define ENT_SALES_DISCOUNT_LIMIT_SETTING "sales.discount_limit_bp"
#define ENT_SALES_DISCOUNT_LIMIT_DEFAULT 1000
ENT_API int ent_sales_discount_limit(ent_db *db, int32_t *out_bp);

/* True when line needs a supervisor's approval before checkout: its price
 * differs from the catalogue's, or its discount is above limit_bp of the
 * line; and no approval is recorded on it yet. */
ENT_API bool ent_basket_line_unapproved(const ent_basket_line *l, int32_t limit_bp);

/* A change of one basket line, as a till asks for it. */
enum ent_line_change_kind { ENT_LINE_QTY, ENT_LINE_PRICE, ENT_LINE_DISCOUNT };
typedef struct ent_line_change {
    enum ent_line_change_kind kind;
    int64_t value;      /* the quantity; the unit price; the discount in minor units, or -1 for percent_bp */
    int32_t percent_bp; /* the discount in basis points when value is -1 */
} ent_line_change;

/*
 * The one rule of every till (the CLI's counter and the store server's):
 * does change c of line l need a supervisor's approval? A unit price other
 * than the catalogue's does; a discount above limit_bp (the store's limit,
 * ent_sales_discount_limit) of the line's amount before discount does; a
 * quantity never does (checkout then refuses a discount that grew above the
 * limit: ent_basket_line_unapproved).
 */
ENT_API bool ent_basket_change_needs_approval(const ent_basket_line *l, int32_t limit_bp, const ent_line_change *c);

/* How many lines the basket holds. */
ENT_API size_t ent_basket_count(const ent_basket *b);
/* Line i (1-based); NULL when out of range. Borrowed. */
ENT_API const ent_basket_line *ent_basket_line_at(const ent_basket *b, size_t i);

typedef struct ent_basket_totals {
    int64_t total, tax, units, paid, due; /* due = total - paid, may be negative (change) */
    size_t lines;
} ent_basket_totals;
/* The basket's total, tax, items (pieces, or 1 per weighed line), what was
 * paid and what is due, into *out. */
ENT_API void ent_basket_totals_get(const ent_basket *b, ent_basket_totals *out);

/*
 * A payment: method "cash", "card" or "wallet"; amount > 0, or 0 for the rest
 * due. Only cash may exceed what is due (the excess is change). Payments of
 * one method add up. ENT_INVALID for an unknown method, a card or wallet
 * paying more than is due, or nothing due.
 */
ENT_API int ent_basket_pay(ent_basket *b, const char *method, int64_t amount);
/* Takes back the payments (to change them before checkout). */
ENT_API void ent_basket_unpay(ent_basket *b);

/* Cancels: empties the basket; nothing was written, nothing is. */
ENT_API void ent_basket_clear(ent_basket *b);

/* ---- baskets kept in the database (the store server) -------------------- */

/* Who owns a kept basket: the user selling at it and the session or API
 * token that opened it (the other 0). Times are filled by ent_basket_save
 * and ent_basket_load. */
typedef struct ent_basket_owner {
    char cashier[ENT_CASHIER_SIZE];
    int64_t session_id, token_id;
    char created_at[ENT_TIME_SIZE], updated_at[ENT_TIME_SIZE];
} ent_basket_owner;

/*
 * Writes the basket as it is now (its counter, owner, shelf and every line
 * with its approval) over what was kept for its counter, in one transaction
 * (a savepoint inside a group of writes), recording the handle's user
 * (ent_user_act_as) as who changed it. From then on ent_basket_checkout
 * removes the kept lines (and payments held, below) in the sale's own
 * transaction. o->created_at/updated_at are filled.
 */
ENT_API int ent_basket_save(ent_basket *b, ent_basket_owner *o);

/* The basket kept for counter, made again on db as it was saved (lines,
 * prices, discounts, approvals; no payments), into *out and its owner into
 * *o. ENT_NOTFOUND when none is kept. The lines are not checked against
 * the stock again: checkout does that. */
ENT_API int ent_basket_load(ent_db *db, ent_basket **out, ent_basket_owner *o, const char *counter);

/* A payment held on a kept basket before it is paid (schema 22): added one
 * by one as a customer splits the bill, in the order added. */
#define ENT_PAY_METHOD_SIZE 8 /* "cash", "card", "wallet" */
typedef struct ent_basket_payment {
    char method[ENT_PAY_METHOD_SIZE];
    int64_t amount; /* minor units; 0: the rest due */
    char added_by[ENT_CASHIER_SIZE], added_at[ENT_TIME_SIZE];
} ent_basket_payment;

/*
 * Adds a payment (method cash, card or wallet; amount >= 0) to the ones held
 * for the basket kept for counter, in one transaction with the basket's
 * "changed by" (the handle's user, ent_user_act_as). Whether it fits what is
 * due is the caller's to check (ent_basket_pay). ENT_NOTFOUND when no basket
 * is kept for counter, ENT_INVALID for a bad method or amount. The checkout
 * of that basket removes them in the sale's transaction.
 */
ENT_API int ent_basket_payment_add(ent_db *db, const char *counter, const char *method, int64_t amount);
/* Removes the n-th (from 1) held payment of counter's kept basket, in one
 * transaction with its "changed by"; ENT_NOTFOUND when there is none. */
ENT_API int ent_basket_payment_drop(ent_db *db, const char *counter, size_t n);
/* The payments held for counter's kept basket, in the order added: up to max
 * into out, their number into *n (ENT_INVALID when more than max are held). */
ENT_API int ent_basket_payments_get(ent_db *db, ent_basket_payment *out, size_t *n, size_t max, const char *counter);

/* Removes what is kept for counter (abandoned); ENT_OK when none was. */
ENT_API int ent_basket_forget(ent_db *db, const char *counter);

/* Calls cb with each counter that has a kept basket, by name; a non-zero
 * return from cb stops (and is returned). */
typedef int (*ent_basket_kept_cb)(const char *counter, void *ud);
ENT_API int ent_basket_kept_each(ent_db *db, ent_basket_kept_cb cb, void *ud);

/* ---- sales as recorded -------------------------------------------------- */

typedef struct ent_sale_line {
    int64_t id;
    char code[ENT_PRODUCT_CODE_SIZE], lot[ENT_LOT_SIZE], origin[ENT_COUNTRY_SIZE], unit[ENT_UNIT_SIZE];
    char *name, *price_reason, *discount_reason; /* owned; reasons may be NULL */
    char *approved_by; /* owned, may be NULL: who approved the line's price or discount */
    int64_t qty, unit_price, discount, amount, tax;
    int32_t tax_rate;
    int64_t returned; /* units taken back by later returns (sales only) */
    /* The selling unit the line was sold in: its code and Chinese word, ""
     * when none (schema 15). */
    char sell_unit[ENT_SELL_UNIT_SIZE], sell_unit_zh[ENT_SELL_UNIT_SIZE];
} ent_sale_line;

typedef struct ent_sale_pay {
    char method[8];
    int64_t amount, tendered, change;
} ent_sale_pay;

typedef struct ent_sale {
    char uuid[ENT_UUID_SIZE];
    int64_t receipt;      /* receipt number (the journal seq) */
    char kind[8];         /* "sale" or "return" */
    char ref_uuid[ENT_UUID_SIZE]; /* return: the sale taken back ("" when none) */
    int64_t ref_receipt;  /* return: its receipt number (0 when none) */
    char time[ENT_TIME_SIZE], day[ENT_DATE_SIZE];
    int hour;
    char counter[ENT_COUNTER_SIZE], cashier[ENT_CASHIER_SIZE];
    char store[ENT_STORE_CODE_SIZE], currency[ENT_CURRENCY_SIZE];
    char *store_name;     /* owned */
    char *note;           /* owned, may be NULL: a return's reason */
    bool is_void;         /* true: a void (the journal record is a VOID) */
    char approved_by[ENT_CASHIER_SIZE]; /* a void or a return without receipt: who approved it, else "" */
    int64_t total, tax, units;
    size_t nlines, npays, ntaxes;
    ent_sale_line *lines;
    ent_sale_pay *pays;
    ent_journal_tax *taxes; /* per rate */
    char qr[256];
} ent_sale;

/*
 * Checks the basket out: it must be paid in full. One transaction: picks
 * lots, moves the stock, writes the sale, lines, payments and summaries and
 * appends the journal record through j (signed). *out (may be NULL)
 * receives the sale as recorded, for the receipt. On success the basket is
 * emptied; on any failure the basket and the database stay as they were.
 * Errors: ENT_INVALID (empty, not paid in full), ENT_NOSTOCK, ENT_EXPIRED,
 * ENT_REFUSED (stock only in quarantine/bonded; a closed day), ENT_BUSY.
 */
ENT_API int ent_basket_checkout(ent_basket *b, ent_journal *j, ent_sale **out);

/* Finds a sale or return by receipt number or UUID. ENT_NOTFOUND. */
ENT_API int ent_sale_get(ent_db *db, ent_sale **out, const char *receipt_or_uuid);
/* The latest sale or return at a counter (any counter when NULL). */
ENT_API int ent_sale_last(ent_db *db, ent_sale **out, const char *counter);
ENT_API void ent_sale_free(ent_sale *s);

/* ---- returns ------------------------------------------------------------ */

typedef struct ent_return_item {
    const char *code; /* any code of the commodity (a scan) */
    int64_t qty;      /* base units; 0: all that is left of it */
} ent_return_item;

typedef struct ent_return_req {
    const char *receipt;     /* receipt number or UUID; NULL or "": without the receipt */
    const ent_return_item *items;
    size_t nitems;           /* 0 with a receipt: everything not yet returned */
    const char *location;    /* a returns, shelf or back-room location; NULL: where each unit came from */
    const char *counter, *cashier, *reason;
    bool void_sale; /* true: void the whole sale (receipt, no items): a VOID record */
    const char *approved_by; /* NULL, or the supervisor who approved it (recorded with the return) */
} ent_return_req;

/*
 * Takes goods back, in one transaction like checkout: return lines that
 * refer to the sold lines, stock moves back (kind 'return'), the summaries,
 * and a RETURN journal record. Refunds go back the way the sale was paid:
 * card and wallet up to what they paid (less earlier refunds), the rest in
 * cash; without the receipt, each item is matched to the latest sale of the
 * commodity that still has units to take back, and refunded in cash.
 * Never more than was sold, less earlier returns (ENT_REFUSED says how
 * many can still come back). *out (may be NULL) receives the return.
 * With void_sale, the whole sale is undone the same local day, before any
 * of it was returned, and the journal record is a VOID (ENT_REFUSED for a
 * sale of another day or one partly returned); in the sales tables and
 * reports it is a return.
 */
ENT_API int ent_sale_return(ent_db *db, ent_sale **out, ent_journal *j, const ent_return_req *req);

/* The same rule for returns: a void, or a return without its receipt,
 * needs a supervisor's approval (req->approved_by). */
ENT_API bool ent_return_needs_approval(const ent_return_req *req);

/* ---- receipts ----------------------------------------------------------- */

/*
 * The receipt as plain UTF-8 text for paper of columns (32 for 58 mm, 48 for
 * 80 mm) character cells; CJK characters take two. *out is malloc'd, owned
 * by the caller. reprint adds a "REPRINT" line.
 */
ENT_API int ent_receipt_text(ent_db *db, char **out, const ent_sale *s, int columns, bool reprint);

/*
 * The receipt as ESC/POS bytes for a thermal printer: reset, Chinese mode
 * (FS &) with the text in GB18030, the QR code of the journal's payload
 * through GS ( k (model 2), and a partial cut. *out is malloc'd, *len its
 * length. Print it only after the sale committed (it is read back from the
 * database, so it can only be made then).
 */
ENT_API int ent_receipt_escpos(ent_db *db, unsigned char **out, size_t *len, const ent_sale *s, int columns,
                               bool reprint);

/* ---- reports ------------------------------------------------------------ */

enum ent_sales_by {
    ENT_SALES_BY_DAY,
    ENT_SALES_BY_HOUR,
    ENT_SALES_BY_COUNTER,
    ENT_SALES_BY_CASHIER,
    ENT_SALES_BY_PRODUCT,
    ENT_SALES_BY_ORIGIN
};

typedef struct ent_sales_query {
    enum ent_sales_by by;
    const char *from, *to; /* local dates YYYY-MM-DD, inclusive; NULL: open */
    const char *counter;   /* only this counter (by day, hour, cashier, origin), or NULL */
} ent_sales_query;

/*
 * A report row. Sales and returns are kept apart: a return counts on the
 * day (hour, counter, cashier) of the refund, as returned value and units,
 * never as a negative sale or line. value = gross - returns.
 */
typedef struct ent_sales_row {
    const char *key;   /* day, hour "07", counter, cashier, GTIN/SKU, origin alpha-2; borrowed */
    const char *name;  /* commodity or country name (Chinese), else NULL; borrowed */
    int64_t value;     /* net: gross sales less returns, minor units */
    int64_t units;     /* net units: sold less returned */
    int64_t transactions; /* sales (by day, hour, counter, cashier); lines sold otherwise */
    int32_t share_bp;     /* gross / total gross sales, basis points (0 when none) */
    int64_t gross;        /* sales before returns */
    int64_t returns;      /* refunded (0 or more) */
    int64_t units_sold, units_returned;
    int64_t return_count; /* returns (by day, hour, counter, cashier); lines returned otherwise */
} ent_sales_row;
typedef int (*ent_sales_cb)(const ent_sales_row *row, void *ud);

/* Sales grouped as asked, from the summaries; rows by key (by commodity and
 * country: by gross sales, largest first), and the total net value through
 * *total (may be NULL). ENT_INVALID for a bad date. */
ENT_API int ent_sales_report(ent_db *db, int64_t *total, const ent_sales_query *q, ent_sales_cb cb, void *ud);

/* One approval given: a line's price or discount, or a whole return (a
 * void, a return without its receipt). Strings borrowed for the callback. */
typedef struct ent_approval_row {
    int64_t receipt;
    const char *time;     /* UTC */
    const char *counter, *cashier;
    const char *approver;
    const char *what;     /* "price", "discount", "price+discount", "void" or "return without receipt" */
    const char *code;     /* the line's commodity, NULL for a whole return */
    const char *name;     /* the commodity's name, NULL for a whole return */
    int64_t amount;       /* the line's amount, or the return's total (negative), minor units */
    const char *reason;   /* the price's or discount's reason, or the return's note; NULL when none */
} ent_approval_row;
typedef int (*ent_approval_cb)(const ent_approval_row *row, void *ud);

/* Every approval recorded in the sales of q's days (local dates, open when
 * NULL) and counter (all when NULL), by receipt and line; q->by is not
 * used. ENT_INVALID for a bad date or counter; a non-zero return of cb
 * stops and is returned. */
ENT_API int ent_sales_approvals(ent_db *db, const ent_sales_query *q, ent_approval_cb cb, void *ud);

/* Recomputes the summaries from the sale lines (after a restore, or to
 * check them): ENT_OK. */
ENT_API int ent_sales_summary_rebuild(ent_db *db);

/* ---- customer flow ------------------------------------------------------ */

/*
 * Imports door-counter interval counts as CSV with the header
 * sensor,start,minutes,in,out (start: UTC "YYYY-MM-DDTHH:MM:SSZ", or local
 * "YYYY-MM-DD HH:MM[:SS]" in the store's time zone). Idempotent: a period
 * sent again replaces itself (upsert on sensor + start). All or nothing:
 * a bad row is ENT_INVALID "row N: ..." and nothing is written.
 * *rows (may be NULL) receives the rows read.
 */
ENT_API int ent_flow_import_csv(ent_db *db, int64_t *rows, FILE *in);

/* Records one count by hand (sensor "manual" when NULL), the same upsert. */
ENT_API int ent_flow_record(ent_db *db, const char *sensor, const char *start, int64_t minutes, int64_t n_in,
                            int64_t n_out);

typedef struct ent_flow_query {
    bool by_day;           /* false: per hour, true: per day */
    const char *from, *to; /* local dates, inclusive; NULL: open */
} ent_flow_query;

typedef struct ent_flow_row {
    const char *period;    /* "2026-11-28" or "2026-11-28 14:00"; borrowed */
    int64_t visitors;      /* people in (sum of the in counts) */
    int64_t transactions;
    int32_t conversion_bp; /* transactions / visitors, basis points; -1 when no visitors */
    int64_t value;         /* sales value, net of returns */
    int64_t units;
    int64_t avg_value;     /* value / transactions, rounded half up; 0 when none */
    int64_t avg_units_x100;/* units per transaction x 100 */
    int peak;              /* 1 for the period(s) with the most visitors */
} ent_flow_row;
typedef int (*ent_flow_cb)(const ent_flow_row *row, void *ud);

/* Visitors and sales per hour or per day, in order. */
ENT_API int ent_flow_report(ent_db *db, const ent_flow_query *q, ent_flow_cb cb, void *ud);

/* The peak hours of day (0-23) over the query's range, by visitors summed
 * per hour of the day: up to n hours, best first, into hours[]; *found how
 * many. */
ENT_API int ent_flow_peak_hours(ent_db *db, int *hours, int64_t *visitors, size_t *found, size_t n,
                                const ent_flow_query *q);

#ifdef __cplusplus
}
#endif
#endif
