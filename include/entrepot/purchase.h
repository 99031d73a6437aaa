/*
 * entrepot — purchasing: suppliers, what each supplies, and purchase orders
 * (schema 16).
 *
 * A supplier is named by its code (1 to 32 letters, digits or - _ . /, not
 * depending on case). Its prices are in its own currency, per pack: a pack
 * is pack_size base units of the commodity (a case of 12, a 5000 g sack).
 * A purchase order goes draft -> sent -> partly received -> received, or
 * to cancelled before it is fully received; it keeps the currency it was
 * written in. Once sent, every change to it is recorded with who made it.
 */
#ifndef ENTREPOT_PURCHASE_H
#define ENTREPOT_PURCHASE_H

#include <stdio.h>
#include "entrepot/common.h"
#include "entrepot/stock.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ENT_SUPPLIER_CODE_SIZE 33 /* a supplier's code, 1 to 32 bytes */
#define ENT_PO_NUMBER_SIZE 24     /* an order's number, "PO-000001" */
#define ENT_PO_STATUS_SIZE 10     /* draft, sent, partial, received, cancelled */

/*
 * A supplier's fields as text, the way a form or a CSV file gives them.
 * For ent_supplier_add NULL or "" is a field not given; for
 * ent_supplier_edit NULL leaves a field as it is and "" clears it where it
 * may be empty (the names, contact, payment_terms, country; never code,
 * currency or lead_days).
 *
 *  code           1 to 32 letters, digits or - _ . /
 *  name_zh, name_en   at least one; up to 200 bytes
 *  country        ISO 3166-1 code (alpha-2, alpha-3 or numeric)
 *  contact        free text (person, phone, e-mail), up to 200 bytes
 *  currency       ISO 4217 code of its prices (default: the store's)
 *  payment_terms  free text ("30 days net"), up to 200 bytes
 *  lead_days      days from order to delivery, 0 to 365 (default 0)
 */
typedef struct ent_supplier_fields {
    const char *code, *name_zh, *name_en, *country, *contact, *currency, *payment_terms, *lead_days;
} ent_supplier_fields;

/* A supplier as stored; texts are "" when not given. Borrowed for the call
 * of the callback that receives it. */
typedef struct ent_supplier {
    char code[ENT_SUPPLIER_CODE_SIZE];
    const char *name_zh, *name_en, *contact, *payment_terms;
    char country[ENT_COUNTRY_SIZE];
    char currency[ENT_CURRENCY_SIZE];
    int lead_days;
    int64_t items; /* commodities it supplies */
} ent_supplier;

/* Adds a supplier. ENT_INVALID names the wrong field; ENT_EXISTS when the
 * code is taken (in any case). */
ENT_API int ent_supplier_add(ent_db *db, const ent_supplier_fields *fields);

/* Changes the given fields of the supplier named by code (fields->code, when
 * set, is its new code). ENT_INVALID when nothing is given or a field is
 * wrong; ENT_NOTFOUND; ENT_REFUSED for a new currency while an order in the
 * old one is open (not received or cancelled). */
ENT_API int ent_supplier_edit(ent_db *db, const char *code, const ent_supplier_fields *fields);

/* Finds one supplier and passes it to cb (ENT_NOTFOUND names the code). */
typedef int (*ent_supplier_cb)(const ent_supplier *s, void *ud);
ENT_API int ent_supplier_get(ent_db *db, const char *code, ent_supplier_cb cb, void *ud);

/* Visits every supplier in code order. A non-zero return from cb stops the
 * walk and is returned. */
ENT_API int ent_supplier_each(ent_db *db, ent_supplier_cb cb, void *ud);

/*
 * What a supplier supplies, as text:
 *  supplier       the supplier's code
 *  product        the commodity, by GTIN, SKU or barcode (not retired)
 *  supplier_code  the supplier's own article number, up to 64 bytes
 *  pack_size      base units in one pack, 1 to 1,000,000 (default 1)
 *  last_price     price of one pack in the supplier's currency ("24.00")
 * ent_supplier_item_set adds the commodity to the supplier's list or, when
 * it is there, changes the fields given (NULL leaves one as it is; "" clears
 * supplier_code and last_price).
 */
typedef struct ent_supplier_item_fields {
    const char *supplier, *product, *supplier_code, *pack_size, *last_price;
} ent_supplier_item_fields;
ENT_API int ent_supplier_item_set(ent_db *db, const ent_supplier_item_fields *fields);

/* Takes a commodity off a supplier's list (ENT_NOTFOUND when not on it). */
ENT_API int ent_supplier_item_remove(ent_db *db, const char *supplier, const char *product);

/* A commodity on a supplier's list. Borrowed for the callback's call. */
typedef struct ent_supplier_item {
    char supplier[ENT_SUPPLIER_CODE_SIZE];
    char gtin[ENT_GTIN_SIZE];     /* "" when the commodity has none */
    const char *sku, *name;       /* name: Chinese, else English */
    const char *supplier_code;    /* "" when not given */
    int64_t pack_size;
    bool priced;                  /* false: no last price known */
    int64_t last_price;           /* minor units of currency, per pack */
    char currency[ENT_CURRENCY_SIZE];
} ent_supplier_item;
typedef int (*ent_supplier_item_cb)(const ent_supplier_item *it, void *ud);

/* Visits the commodities of supplier (NULL: of every supplier), by supplier
 * then commodity. ENT_NOTFOUND for an unknown supplier. */
ENT_API int ent_supplier_items(ent_db *db, const char *supplier, ent_supplier_item_cb cb, void *ud);

/*
 * CSV, as the catalogue's: the header names the columns by the field names
 * above, in any order (unknown columns refused); all or nothing, the first
 * bad row stopping it with "row N: ...". Suppliers: a code that exists is
 * refused unless update is set, then its given cells change it (an empty
 * cell clears what may be cleared). Items: each row is an
 * ent_supplier_item_set. *imported (may be NULL) gets the rows written.
 * Export writes every supplier (every item), reimportable as it is.
 */
ENT_API int ent_supplier_import_csv(ent_db *db, int64_t *imported, FILE *in, bool update);
ENT_API int ent_supplier_export_csv(ent_db *db, FILE *out);
ENT_API int ent_supplier_item_import_csv(ent_db *db, int64_t *imported, FILE *in);
ENT_API int ent_supplier_item_export_csv(ent_db *db, FILE *out);

/* ---- purchase orders ------------------------------------------------- */

/*
 * Starts a draft order to supplier, in the supplier's currency; its number
 * ("PO-000001", unique in the store) goes to number. expected (NULL: not
 * known) is the delivery date asked for, "YYYY-MM-DD", not before today;
 * note (NULL: none) is free text up to 200 bytes.
 */
ENT_API int ent_purchase_create(ent_db *db, char number[ENT_PO_NUMBER_SIZE], const char *supplier,
                                const char *expected, const char *note);

/*
 * Puts a commodity on an order, or changes its line: quantity as whole
 * packs (of the supplier's pack size) plus loose units, price of one pack
 * in the order's currency ("24.00"; default: the supplier's last price).
 * NULL keeps what the line has (a new line: 0 packs, 0 units). The
 * commodity must be on the supplier's list and not retired; the line's
 * quantity must be above 0 and not below what was received of it. An order
 * that is received or cancelled is ENT_REFUSED. Once the order is sent,
 * every change is recorded with who made it and when.
 */
typedef struct ent_purchase_line_fields {
    const char *order, *product, *packs, *units, *price;
} ent_purchase_line_fields;
ENT_API int ent_purchase_line_set(ent_db *db, const ent_purchase_line_fields *fields);

/* Takes a commodity off an order (ENT_REFUSED once any of it was received). */
ENT_API int ent_purchase_line_remove(ent_db *db, const char *order, const char *product);

/* A draft with at least one line becomes sent (ENT_REFUSED otherwise). */
ENT_API int ent_purchase_send(ent_db *db, const char *order);

/* Cancels an order not yet fully received (what was received stays). */
ENT_API int ent_purchase_cancel(ent_db *db, const char *order);

/* An order as stored. Texts borrowed for the callback's call; "" when none. */
typedef struct ent_purchase {
    char number[ENT_PO_NUMBER_SIZE];
    char uuid[ENT_UUID_SIZE];
    char supplier[ENT_SUPPLIER_CODE_SIZE];
    const char *supplier_name; /* Chinese, else English */
    char status[ENT_PO_STATUS_SIZE];
    char currency[ENT_CURRENCY_SIZE];
    char expected[ENT_DATE_SIZE];
    const char *note;
    char created_at[ENT_TIME_SIZE], sent_at[ENT_TIME_SIZE], closed_at[ENT_TIME_SIZE];
    const char *created_by, *sent_by, *closed_by;
    int64_t lines;
    int64_t total; /* minor units of currency: the sum of the lines' values */
    const char *supplier_name_en; /* the supplier's English name ("" none), for the order's PDF */
} ent_purchase;
typedef int (*ent_purchase_cb)(const ent_purchase *po, void *ud);

/* A line of an order. value = packs * price + units * price / pack_size,
 * the loose units' part rounded half up to the minor unit. */
typedef struct ent_purchase_line {
    int line_no;
    char gtin[ENT_GTIN_SIZE];
    const char *sku, *name, *supplier_code;
    int64_t pack_size, packs, units;
    int64_t qty;      /* base units: packs * pack_size + units */
    int64_t price;    /* one pack, minor units of the order's currency */
    int64_t value;
    int64_t received; /* base units received so far */
    const char *name_en; /* the commodity's English name ("" none), for the order's PDF */
} ent_purchase_line;
typedef int (*ent_purchase_line_cb)(const ent_purchase_line *line, void *ud);

/* Passes the order to cb (may be NULL), then each line to line_cb (may be
 * NULL). ENT_NOTFOUND names the number. */
ENT_API int ent_purchase_get(ent_db *db, const char *order, ent_purchase_cb cb, ent_purchase_line_cb line_cb,
                             void *ud);

/* Visits orders, newest first; status (NULL: all) and supplier (NULL: all)
 * keep some. */
ENT_API int ent_purchase_each(ent_db *db, const char *status, const char *supplier, ent_purchase_cb cb, void *ud);

/* One change made to an order after it was sent: what, in words. */
typedef struct ent_purchase_change {
    const char *at, *user, *what;
} ent_purchase_change;
typedef int (*ent_purchase_change_cb)(const ent_purchase_change *c, void *ud);
ENT_API int ent_purchase_changes(ent_db *db, const char *order, ent_purchase_change_cb cb, void *ud);

/* ---- suggestions ------------------------------------------------------ */

/*
 * What to order, per commodity on a supplier's list (not retired), from
 * the numbers the store has (README "Suggested orders"):
 *   demand  = units sold (net of returns) in the weeks * 7 days before today
 *             (the store's day) * the supplier's lead days / (weeks * 7),
 *             rounded up
 *   target  = reorder point + demand
 *   have    = on hand (shelf and back room, as the low-stock list counts)
 *             + on order (lines of draft, sent and partly received orders,
 *             less what was received of them)
 *   order   = target - have when above 0, rounded up to whole packs.
 * Of several suppliers of one commodity, the one it was last ordered from
 * (cancelled orders aside), else the shortest lead time, else the first
 * code. weeks 1 to 52 (0: 4). With create set, one draft order per supplier
 * takes its lines at the supplier's last price (a commodity with no last
 * price is suggested but left out: priced false); all in one transaction.
 * cb sees each suggestion, by supplier then commodity.
 */
typedef struct ent_suggest_options {
    int weeks;
    bool create;
} ent_suggest_options;

typedef struct ent_purchase_suggestion {
    char supplier[ENT_SUPPLIER_CODE_SIZE];
    char currency[ENT_CURRENCY_SIZE];
    char order[ENT_PO_NUMBER_SIZE]; /* the draft it went on; "" when none */
    char gtin[ENT_GTIN_SIZE];
    const char *sku, *name;
    int64_t reorder_point, on_hand, on_order, sold;
    int days, lead_days;
    int64_t demand, target;
    int64_t pack_size, packs, qty;
    bool priced;
    int64_t price; /* the last price of a pack, when priced */
} ent_purchase_suggestion;
typedef int (*ent_purchase_suggestion_cb)(const ent_purchase_suggestion *s, void *ud);
ENT_API int ent_purchase_suggest(ent_db *db, const ent_suggest_options *opts, ent_purchase_suggestion_cb cb,
                                 void *ud);

/* ---- receiving against an order --------------------------------------- */

/*
 * Receives a delivery line against a sent (or partly received) order: the
 * goods go into stock as ent_stock_receive puts them (a new lot with its
 * origin, declaration and dates; a case barcode multiplies the quantity),
 * and the order line's received quantity grows, all in one transaction.
 * The lot's supplier is the order's supplier and its cost, when not given,
 * the line's price per pack / pack size (per kg or litre for goods in g or
 * ml) in the order's currency, rounded half up. More than is still due is
 * ENT_REFUSED unless over is set; an over-delivery is then recorded in the
 * order's changes. The order becomes partial, or received when every line
 * has all it asked for. A commodity not on the order, a draft, a received
 * or cancelled order are ENT_REFUSED. lot_uuid_out may be NULL.
 */
typedef struct ent_purchase_receipt {
    const char *order;
    ent_receive goods; /* as for ent_stock_receive; supplier and cost may be left out */
    bool over;         /* the delivery may exceed what is due */
} ent_purchase_receipt;
ENT_API int ent_purchase_receive(ent_db *db, char lot_uuid_out[ENT_UUID_SIZE], const ent_purchase_receipt *r);

/*
 * Closes a partly received order as received: what was not delivered is
 * recorded as short, line by line, in the order's changes. ENT_REFUSED for
 * an order that is not partly received.
 */
ENT_API int ent_purchase_close(ent_db *db, const char *order);

/* ---- exchange rates and landed cost ------------------------------------ */

/*
 * Exchange rates, entered or imported, never invented: rate is how much of
 * the store's currency one unit of currency buys, a decimal with at most 6
 * fraction digits ("7.712345" CNY for 1 EUR), above 0 and below 10^6; kept
 * times 10^6. day is "YYYY-MM-DD". Setting a currency and day again
 * replaces its rate. The store's own currency has no rate (it is 1).
 * CSV columns: currency, day, rate (all or nothing, as the other imports).
 */
#define ENT_RATE_SCALE 1000000
ENT_API int ent_rate_set(ent_db *db, const char *currency, const char *day, const char *rate);
ENT_API int ent_rate_import_csv(ent_db *db, int64_t *imported, FILE *in);
typedef struct ent_rate {
    char currency[ENT_CURRENCY_SIZE];
    char day[ENT_DATE_SIZE];
    int64_t rate; /* times ENT_RATE_SCALE */
    const char *entered_by;
} ent_rate;
typedef int (*ent_rate_cb)(const ent_rate *r, void *ud);
/* Visits the rates of currency (NULL: all), by currency then day. */
ENT_API int ent_rate_each(ent_db *db, const char *currency, ent_rate_cb cb, void *ud);

/*
 * A customs declaration's charges, each in the store's currency ("1234.56"):
 * duty, import VAT, consumption tax, freight, insurance, other; and basis,
 * how they are spread over the declaration's lots: "value" (the goods value
 * in the store's currency), "weight" (grams: the lot's quantity for goods
 * kept in g, else quantity x net content in g) or "quantity" (base units).
 * date is the declaration's date, which picks each currency's rate.
 * Adds the declaration or changes the fields given (NULL keeps; a new one
 * needs its date; charges default to 0, basis to value).
 */
typedef struct ent_declaration_fields {
    const char *number, *date, *duty, *import_vat, *consumption_tax, *freight, *insurance, *other, *basis;
} ent_declaration_fields;
ENT_API int ent_declaration_set(ent_db *db, const ent_declaration_fields *fields);

/*
 * Works out the landed cost of every lot that carries the declaration's
 * number, stores it (replacing what was worked out before) and passes each
 * lot to cb (may be NULL), in one transaction:
 *   goods  = quantity received x unit cost (per kg or litre for g and ml,
 *            / 1000 rounded half up), in the lot's currency, x the rate of
 *            that currency on the latest day on or before the declaration's
 *            date, rounded half up to the store's minor unit;
 *   each charge C is spread by the basis: a lot gets floor(C x w / W), w its
 *            share of the basis and W the sum; what the floors leave of C
 *            goes to the lot with the largest w (ties: the first by lot
 *            code, then commodity), named by remainder, so the parts of
 *            every charge sum exactly to it;
 *   landed = goods + its parts of the six charges; unit = landed / quantity
 *            rounded half up (per kg or litre for g and ml), for display.
 * ENT_NOTFOUND for an unknown declaration; ENT_REFUSED when it has no lots,
 * a lot has no cost, no rate of a currency on or before the date exists,
 * a lot's weight is unknown for a weight basis, or W is 0.
 */
typedef struct ent_landed_lot {
    char lot_uuid[ENT_UUID_SIZE];
    char lot[ENT_LOT_SIZE];
    char gtin[ENT_GTIN_SIZE];
    const char *sku, *name;
    int64_t qty, weight; /* base units received; grams (0 when unknown) */
    int64_t goods_foreign;
    char currency[ENT_CURRENCY_SIZE];
    int64_t rate; /* times ENT_RATE_SCALE; ENT_RATE_SCALE for the store's currency */
    char rate_day[ENT_DATE_SIZE];
    int64_t goods, duty, import_vat, consumption_tax, freight, insurance, other, landed, unit;
    bool remainder;
} ent_landed_lot;
typedef int (*ent_landed_cb)(const ent_landed_lot *l, void *ud);
ENT_API int ent_landed_compute(ent_db *db, const char *declaration, ent_landed_cb cb, void *ud);

/* ---- margins ------------------------------------------------------------ */

/*
 * Sales by commodity, origin country (of the lot sold) or supplier (of the
 * lot sold) on the store days from .. to (YYYY-MM-DD, both included; NULL:
 * open), returns included (they count negative), in the store's currency:
 *   revenue = the line's amount less its tax, split over the lots a line
 *             took by quantity (rounded half up per lot);
 *   cost    = each lot's landed cost (ent_landed_compute) x units / units
 *             received, rounded half up per lot; for a lot with no landed
 *             cost, its unit cost when in the store's currency; otherwise
 *             unknown: those units are counted in uncosted and cost 0;
 *   margin  = revenue - cost.
 * by is "commodity", "origin" or "supplier". Rows in key order.
 */
typedef struct ent_margin_options {
    const char *by, *from, *to;
} ent_margin_options;
typedef struct ent_margin_row {
    const char *key;  /* GTIN or SKU; origin alpha-2; supplier ("" when none) */
    const char *name; /* the commodity's name; "" for the other groupings */
    int64_t units, revenue, cost, margin, uncosted;
    char currency[ENT_CURRENCY_SIZE];
} ent_margin_row;
typedef int (*ent_margin_cb)(const ent_margin_row *r, void *ud);
ENT_API int ent_margin_report(ent_db *db, const ent_margin_options *opts, ent_margin_cb cb, void *ud);

#ifdef __cplusplus
}
#endif
#endif
