/* Sales: the basket at a counter (scans, quantities, prices, payments). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/catalog.h"
#include "entrepot/country.h"
#include "entrepot/db.h"
#include "entrepot/money.h"
#include "entrepot/parse.h"
#include "entrepot/scan.h"
#include "entrepot/stock.h"
#include "catalog_internal.h"
#include "sales_internal.h"
#include "stock_internal.h"
#include "time_internal.h"

#define MAX_LINES 500

const char *const entx_sales_methods[NMETHODS] = {"cash", "card", "wallet"};

/* ---- the basket --------------------------------------------------------- */

int ent_basket_new(ent_db *db, ent_basket **out, const char *counter, const char *cashier, const char *shelf)
{
    ent_basket *b = NULL;
    ent_store *store = NULL;
    const ent_currency *cur = NULL;
    int rc;
    *out = NULL;
    entx_ok(db);
    if ((rc = entx_sales_check_counter(db, counter)) != ENT_OK)
        return rc;
    if ((rc = entx_check_text(db, "cashier", cashier, 64, true)) != ENT_OK)
        return rc;
    if (*cashier == '\0')
        return entx_fail(db, ENT_INVALID, "a cashier is needed");
    b = calloc(1, sizeof *b);
    if (b == NULL)
        return entx_fail(db, ENT_ERROR, "out of memory");
    b->db = db;
    snprintf(b->counter, sizeof b->counter, "%s", counter);
    snprintf(b->cashier, sizeof b->cashier, "%s", cashier);
    if (shelf && *shelf && (rc = entx_location_id(db, &b->shelf_id, NULL, shelf)) != ENT_OK)
        goto done;
    if ((rc = ent_store_get(db, &store)) != ENT_OK)
        goto done;
    snprintf(b->currency, sizeof b->currency, "%s", store->currency);
    b->digits = ent_currency_lookup(&cur, store->currency) == ENT_OK ? cur->digits : 2;
    if ((rc = ent_scan_config_load(db, &b->scan_cfg)) != ENT_OK)
        goto done;
    *out = b;
    b = NULL;
done:
    ent_store_free(store);
    ent_basket_free(b);
    return rc;
}

void ent_basket_free(ent_basket *b)
{
    if (b == NULL)
        return;
    free(b->lines);
    free(b);
}

size_t ent_basket_count(const ent_basket *b)
{
    return b ? b->n : 0;
}

const ent_basket_line *ent_basket_line_at(const ent_basket *b, size_t i)
{
    if (b == NULL || i == 0 || i > b->n)
        return NULL;
    return &b->lines[i - 1].pub;
}

/* The quantity of a line within the bounds of one sale line. */
static int check_qty(ent_db *db, const ent_basket_line *l)
{
    int pcs = strcmp(l->unit, "pcs") == 0;
    int64_t max = pcs ? ENT_SALE_MAX_PCS : ENT_SALE_MAX_MEASURE;
    if (l->qty <= 0)
        return entx_fail(db, ENT_INVALID, "%s: a quantity must be 1 or more, not %lld", l->name, (long long)l->qty);
    if (l->qty > max)
        return entx_fail(db, ENT_INVALID, "%s: %lld %s is more than one sale line may hold (at most %lld %s)", l->name,
                         (long long)l->qty, l->unit, (long long)max, l->unit);
    return ENT_OK;
}

/* Recomputes a line's amount and tax from its quantity, price and discount. */
static int price_line(ent_basket *b, ent_basket_line *l)
{
    ent_db *db = b->db;
    int64_t gross;
    int rc = check_qty(db, l);
    if (rc != ENT_OK)
        return rc;
    if (l->fixed > 0 && l->unit_price == l->list_price) {
        gross = l->fixed;
    } else if (strcmp(l->unit, "pcs") == 0) {
        /* Both factors are bounded, so this cannot overflow; checked all the same. */
        if (__builtin_mul_overflow(l->qty, l->unit_price, &gross))
            gross = INT64_MAX;
    } else {
        gross = entx_muldiv(l->qty, l->unit_price, 1000);
    }
    if (gross > ENT_SALE_MAX_AMOUNT) {
        char a[ENT_MONEY_TEXT_SIZE];
        ent_money_format(a, sizeof a, ENT_SALE_MAX_AMOUNT, b->currency);
        return entx_fail(db, ENT_INVALID, "%s: the line's amount would be more than %s, the most a sale line may be",
                         l->name, a);
    }
    if (l->discount > gross)
        l->discount = gross;
    l->amount = gross - l->discount;
    l->tax = entx_sales_tax(l->amount, l->tax_rate);
    return ENT_OK;
}

/* Every line is bounded, so no sum over a basket can overflow. */
_Static_assert(ENT_SALE_MAX_AMOUNT < INT64_MAX / 4 / MAX_LINES, "basket sums fit in 64 bits");
_Static_assert(ENT_SALE_MAX_MEASURE < INT64_MAX / 4 / MAX_LINES, "basket units fit in 64 bits");

void ent_basket_totals_get(const ent_basket *b, ent_basket_totals *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < b->n; i++) {
        const ent_basket_line *l = &b->lines[i].pub;
        out->total += l->amount;
        out->tax += l->tax;
        out->units += entx_sales_line_units(l->unit, l->qty);
    }
    for (int i = 0; i < NMETHODS; i++)
        out->paid += b->paid[i];
    out->due = out->total - out->paid;
    out->lines = b->n;
}

static void local_today(ent_basket *b, char day[ENT_DATE_SIZE])
{
    char now[ENT_TIME_SIZE];
    int hour;
    entx_now_utc(now);
    if (entx_sales_local(b->db, day, &hour, now) != ENT_OK)
        memcpy(day, now, 10), day[10] = '\0'; /* UTC's date, ASCII */
}

/*
 * Would the basket, with extra units of product (lot) added, still be
 * sellable? Checks the commodity over all its lines, and the named lot
 * over the lines that name it.
 */
static int check_stock(ent_basket *b, int64_t product_id, int64_t lot_id, int64_t extra, size_t skip,
                       char origin[ENT_COUNTRY_SIZE])
{
    int64_t all = extra, in_lot = extra;
    struct ent_pick *picks = NULL;
    size_t n = 0;
    char today[ENT_DATE_SIZE];
    int rc;
    for (size_t i = 0; i < b->n; i++) {
        if (i + 1 == skip || b->lines[i].pub.product_id != product_id)
            continue;
        all += b->lines[i].pub.qty;
        if (lot_id && b->lines[i].lot_id == lot_id)
            in_lot += b->lines[i].pub.qty;
    }
    local_today(b, today);
    if (lot_id) {
        rc = entx_stock_pick(
            b->db, &picks, &n,
            &(struct pick_want){
                .product_id = product_id, .lot_id = lot_id, .qty = in_lot, .prefer = b->shelf_id, .today = today});
        if (rc == ENT_OK && origin)
            memcpy(origin, picks[0].origin, 3);
        free(picks);
        picks = NULL;
        if (rc != ENT_OK)
            return rc;
    }
    rc = entx_stock_pick(
        b->db, &picks, &n,
        &(struct pick_want){.product_id = product_id, .qty = all, .prefer = b->shelf_id, .today = today});
    if (rc == ENT_OK && origin && !lot_id)
        memcpy(origin, picks[0].origin, 3);
    free(picks);
    return rc;
}

static struct bline *line_ref(ent_basket *b, size_t line)
{
    if (b->n == 0) {
        entx_fail(b->db, ENT_INVALID, "the basket is empty");
        return NULL;
    }
    if (line == 0)
        line = b->n;
    if (line > b->n) {
        entx_fail(b->db, ENT_INVALID, "there is no line %zu: the basket has %zu", line, b->n);
        return NULL;
    }
    return &b->lines[line - 1];
}

/* An in-store price in the scan, in minor units of the store's currency. */
static int64_t scan_amount(const ent_basket *b, const ent_scan *s)
{
    int64_t v = s->amount;
    for (int d = s->amount_decimals; d < b->digits; d++)
        v *= 10;
    for (int d = b->digits; d < s->amount_decimals; d++)
        v /= 10;
    return v;
}

/* Fills a new line from a resolved scan. */
static int new_line(ent_basket *b, struct bline *bl, const ent_scan *s, const ent_scan_ids *m, int64_t mult)
{
    ent_product *p = NULL;
    ent_basket_line *l = &bl->pub;
    int rc = entx_product_get_by_id(b->db, &p, m->product_id);
    if (rc == ENT_OK && (rc = entx_product_sellable(b->db, p)) != ENT_OK)
        ent_product_free(p); /* unpriced or retired: refused, named */
    if (rc != ENT_OK)
        return rc;
    /* The basket's amounts are in the store's currency: a price in another
     * one (1200 JPY in a store in euros) would be charged as 12.00 EUR. */
    if (strcmp(p->currency, b->currency) != 0) {
        char who[ENT_PRODUCT_LABEL_SIZE], price[48];
        entx_product_label(b->db, who, sizeof who, p->id);
        ent_money_format(price, sizeof price, p->price, p->currency);
        rc = entx_fail(b->db, ENT_REFUSED,
                       "%s is priced in %s (%s %s) and this store sells in %s: give it a price in %s first", who,
                       p->currency, price, p->currency, b->currency, b->currency);
        ent_product_free(p);
        return rc;
    }
    memset(bl, 0, sizeof *bl);
    l->product_id = p->id;
    snprintf(l->code, sizeof l->code, "%s", m->code);
    /* the name a scan shows: Chinese, else English */
    snprintf(l->name, sizeof l->name, "%s", p->name_zh ? p->name_zh : p->name_en ? p->name_en : "");
    snprintf(l->unit, sizeof l->unit, "%s", p->unit);
    snprintf(l->sell_unit, sizeof l->sell_unit, "%s", p->sell_unit);
    snprintf(l->sell_unit_zh, sizeof l->sell_unit_zh, "%s", p->sell_unit_zh);
    snprintf(l->origin, sizeof l->origin, "%s", p->origin);
    l->list_price = l->unit_price = p->price;
    l->tax_rate = p->tax_rate;
    l->qty = m->qty;
    if (m->lot_id) {
        bl->lot_id = m->lot_id;
        snprintf(l->lot, sizeof l->lot, "%s", m->lot);
    }
    int weighed = strcmp(p->unit, "pcs") != 0;
    if (s->kind == ENT_SCAN_INSTORE && s->instore_kind == 'P' && s->has_amount) {
        /* The scale priced it: the code's amount is what the customer pays. */
        l->fixed = scan_amount(b, s);
        if (l->fixed > 0 && l->fixed <= ENT_SALE_MAX_AMOUNT)
            l->qty = !weighed ? 1 : p->price > 0 ? entx_muldiv(l->fixed, 1000, p->price) : 0;
        if (l->fixed <= 0 || l->fixed > ENT_SALE_MAX_AMOUNT || l->qty <= 0) {
            char shown[ENT_CLIP_SIZE];
            rc = entx_fail(b->db, ENT_INVALID, "%s: the price in code %s cannot be sold", l->name,
                           ent_text_clip(shown, sizeof shown, s->text, 40));
            goto done;
        }
    }
    /* A plain GTIN of goods sold by weight says "one", which is no weight. */
    if (weighed && (l->qty <= 0 || (!s->has_measure && l->fixed == 0))) {
        if (s->has_measure) /* a label in kilograms for goods kept in ml, or the other way round */
            rc = entx_fail(b->db, ENT_INVALID, "%s is sold by %s: this label's measure cannot sell it", l->name,
                           strcmp(p->unit, "g") == 0 ? "weight" : "volume");
        else
            rc =
                entx_fail(b->db, ENT_INVALID, "%s is sold by weight or volume: scan the label from the scale", l->name);
        goto done;
    }
    if (mult > 1) {
        int64_t max = weighed ? ENT_SALE_MAX_MEASURE : ENT_SALE_MAX_PCS;
        if (__builtin_mul_overflow(l->qty, mult, &l->qty) || l->qty > max ||
            __builtin_mul_overflow(l->fixed, mult, &l->fixed)) {
            rc = entx_fail(b->db, ENT_INVALID,
                           "%s: %lld times the code is more than one sale line may hold "
                           "(at most %lld %s)",
                           l->name, (long long)mult, (long long)max, l->unit);
            goto done;
        }
    }
    rc = price_line(b, l);
done:
    ent_product_free(p);
    return rc;
}

/* code read under the basket's scanner settings: parsed, its ids resolved. */
static int scan_read(ent_basket *b, ent_scan *s, ent_scan_ids *m, const char *code)
{
    if (ent_scan_parse(s, code, strlen(code), &b->scan_cfg) != ENT_OK)
        return entx_fail(b->db, ENT_INVALID, "%s", entx_why());
    return ent_scan_resolve_ids(b->db, m, s);
}

/* A basket stays open from sale to sale (the store server keeps a counter's
 * for good), so it must not keep scanner settings changed since it opened:
 * the scale's weight codes of in-store layouts set later were "no commodity
 * has this code" until a restart. Only a code that failed pays for reading
 * the settings again; it is read once more when they changed. */
static int scan_read_fresh(ent_basket *b, ent_scan *s, ent_scan_ids *m, const char *code)
{
    int rc = scan_read(b, s, m, code);
    if (rc != ENT_INVALID && rc != ENT_NOTFOUND)
        return rc;
    char why[512];
    ent_scan_config now;
    snprintf(why, sizeof why, "%s", ent_errmsg(b->db));
    if (ent_scan_config_load(b->db, &now) != ENT_OK || memcmp(&now, &b->scan_cfg, sizeof now) == 0)
        return entx_fail(b->db, rc, "%s", why);
    b->scan_cfg = now;
    return scan_read(b, s, m, code);
}

int ent_basket_scan(ent_basket *b, size_t *line_out, const char *code, int64_t qty)
{
    ent_scan s;
    ent_scan_ids m;
    struct bline nl;
    int rc;
    if (b == NULL)
        return entx_error_set(ENT_INVALID, "no basket given");
    entx_ok(b->db);
    if (code == NULL || *code == '\0')
        return entx_fail(b->db, ENT_INVALID, "no code given");
    if (qty < 0)
        return entx_fail(b->db, ENT_INVALID, "a quantity must be 1 or more, not %lld", (long long)qty);
    if (qty > ENT_SALE_MAX_MEASURE)
        return entx_fail(b->db, ENT_INVALID,
                         "a quantity of %lld is more than one sale line may hold (at most %d "
                         "pieces, or %d g or ml)",
                         (long long)qty, ENT_SALE_MAX_PCS, ENT_SALE_MAX_MEASURE);
    if (b->n >= MAX_LINES)
        return entx_fail(b->db, ENT_INVALID, "a basket holds at most %d lines", MAX_LINES);
    /* the lean resolve: ids only, a lot not on record or not agreeing
     * refused in its words (the line's product row is read below anyway) */
    if ((rc = scan_read_fresh(b, &s, &m, code)) != ENT_OK)
        goto done;
    if ((rc = new_line(b, &nl, &s, &m, qty)) != ENT_OK)
        goto done;
    /* The same commodity and lot again joins its line, unless the line was
     * priced by hand or by its own code. */
    size_t join = 0;
    for (size_t i = b->n; i > 0 && nl.pub.fixed == 0; i--) {
        const struct bline *o = &b->lines[i - 1];
        if (o->pub.product_id == nl.pub.product_id && o->lot_id == nl.lot_id && o->pub.fixed == 0 &&
            o->pub.unit_price == o->pub.list_price && o->pub.discount == 0) {
            join = i;
            break;
        }
    }
    if ((rc = check_stock(b, nl.pub.product_id, nl.lot_id, nl.pub.qty, 0, nl.pub.origin)) != ENT_OK)
        goto done;
    if (join) {
        ent_basket_line *o = &b->lines[join - 1].pub;
        int64_t old = o->qty;
        o->qty += nl.pub.qty;
        if ((rc = price_line(b, o)) != ENT_OK) {
            o->qty = old;
            price_line(b, o);
            goto done;
        }
        if (line_out)
            *line_out = join;
        goto done;
    }
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        struct bline *nb = realloc(b->lines, cap * sizeof *nb);
        if (nb == NULL) {
            rc = entx_fail(b->db, ENT_ERROR, "out of memory");
            goto done;
        }
        b->lines = nb;
        b->cap = cap;
    }
    b->lines[b->n++] = nl;
    if (line_out)
        *line_out = b->n;
done:
    return rc;
}

int ent_basket_set_qty(ent_basket *b, size_t line, int64_t qty)
{
    entx_ok(b->db);
    struct bline *bl = line_ref(b, line);
    if (bl == NULL)
        return b->db->code;
    ent_basket_line *l = &bl->pub;
    if (qty <= 0)
        return entx_fail(b->db, ENT_INVALID, "a quantity must be 1 or more, not %lld (remove the line instead)",
                         (long long)qty);
    if (l->fixed > 0)
        return entx_fail(b->db, ENT_INVALID, "%s was priced by its label: scan each label", l->name);
    /* A weighed line holds what the scale weighed: a count would sell 3 g. */
    if (strcmp(l->unit, "pcs") != 0)
        return entx_fail(b->db, ENT_INVALID, "%s was weighed: its quantity is on the scale's label, scan each label",
                         l->name);
    ent_basket_line bounded = *l;
    bounded.qty = qty;
    if (check_qty(b->db, &bounded) != ENT_OK) /* before the stock check adds it up */
        return b->db->code;
    int64_t extra = qty - l->qty;
    if (extra > 0) {
        int rc = check_stock(b, l->product_id, bl->lot_id, qty, (size_t)(bl - b->lines) + 1, NULL);
        if (rc != ENT_OK)
            return rc;
    }
    int64_t old = l->qty;
    l->qty = qty;
    int rc = price_line(b, l);
    if (rc != ENT_OK) {
        l->qty = old;
        price_line(b, l);
    }
    return rc;
}

int ent_basket_remove(ent_basket *b, size_t line)
{
    entx_ok(b->db);
    struct bline *bl = line_ref(b, line);
    if (bl == NULL)
        return b->db->code;
    size_t i = (size_t)(bl - b->lines);
    memmove(&b->lines[i], &b->lines[i + 1], (b->n - i - 1) * sizeof *b->lines);
    b->n--;
    ent_basket_unpay(b); /* the total changed: the cashier takes payment again */
    return ENT_OK;
}

static int check_reason(ent_db *db, const char *what, const char *reason)
{
    if (reason == NULL || *reason == '\0')
        return entx_fail(db, ENT_INVALID, "a %s needs a reason", what);
    return entx_check_text(db, "reason", reason, 100, true);
}

int ent_basket_set_price(ent_basket *b, size_t line, int64_t unit_price, const char *reason)
{
    entx_ok(b->db);
    struct bline *bl = line_ref(b, line);
    if (bl == NULL)
        return b->db->code;
    ent_basket_line *l = &bl->pub;
    int rc = check_reason(b->db, "price change", reason);
    if (rc != ENT_OK)
        return rc;
    if (unit_price < 0 || unit_price > ENT_SALE_MAX_PRICE) {
        char a[ENT_MONEY_TEXT_SIZE], m[ENT_MONEY_TEXT_SIZE];
        ent_money_format(a, sizeof a, unit_price, b->currency);
        ent_money_format(m, sizeof m, ENT_SALE_MAX_PRICE, b->currency);
        return entx_fail(b->db, ENT_INVALID, "a price of %s cannot be: a price is from 0 to %s", a, m);
    }
    if (l->fixed > 0)
        return entx_fail(b->db, ENT_INVALID, "%s was priced by its label: give a discount instead", l->name);
    ent_basket_line old = *l;
    l->unit_price = unit_price;
    snprintf(l->price_reason, sizeof l->price_reason, "%s", reason);
    if ((rc = price_line(b, l)) != ENT_OK)
        *l = old;
    return rc;
}

int ent_basket_discount(ent_basket *b, size_t line, int64_t amount, int32_t percent_bp, const char *reason)
{
    entx_ok(b->db);
    struct bline *bl = line_ref(b, line);
    if (bl == NULL)
        return b->db->code;
    ent_basket_line *l = &bl->pub;
    int rc = check_reason(b->db, "discount", reason);
    if (rc != ENT_OK)
        return rc;
    int64_t gross = l->amount + l->discount;
    if (amount < 0) {
        if (percent_bp <= 0 || percent_bp > 10000)
            return entx_fail(b->db, ENT_INVALID, "a discount must be between 0%% and 100%%");
        amount = entx_muldiv(gross, percent_bp, 10000);
    }
    if (amount <= 0)
        return entx_fail(b->db, ENT_INVALID, "a discount must be more than zero");
    if (amount > gross) {
        char a[ENT_MONEY_TEXT_SIZE], g[ENT_MONEY_TEXT_SIZE];
        ent_money_format(a, sizeof a, amount, b->currency);
        ent_money_format(g, sizeof g, gross, b->currency);
        return entx_fail(b->db, ENT_INVALID, "a discount of %s is more than the line's %s", a, g);
    }
    l->discount = amount;
    snprintf(l->discount_reason, sizeof l->discount_reason, "%s", reason);
    return price_line(b, l);
}

static int method_index(const char *method)
{
    for (int i = 0; method && i < NMETHODS; i++)
        if (strcmp(method, entx_sales_methods[i]) == 0)
            return i;
    return -1;
}

int ent_basket_pay(ent_basket *b, const char *method, int64_t amount)
{
    ent_basket_totals t;
    entx_ok(b->db);
    int k = method_index(method);
    if (k < 0) {
        char shown[ENT_CLIP_SIZE];
        return entx_fail(b->db, ENT_INVALID, "payment method '%s' must be cash, card or wallet",
                         ent_text_clip(shown, sizeof shown, method, 20));
    }
    ent_basket_totals_get(b, &t);
    if (b->n == 0)
        return entx_fail(b->db, ENT_INVALID, "the basket is empty");
    if (t.due <= 0)
        return entx_fail(b->db, ENT_INVALID, "nothing is due");
    if (amount < 0)
        return entx_fail(b->db, ENT_INVALID, "an amount paid must be more than zero");
    if (amount == 0)
        amount = t.due;
    int64_t paid;
    if (__builtin_add_overflow(b->paid[k], amount, &paid) || paid > ENT_SALE_MAX_AMOUNT) {
        char a[ENT_MONEY_TEXT_SIZE], m[ENT_MONEY_TEXT_SIZE];
        ent_money_format(a, sizeof a, amount, b->currency);
        ent_money_format(m, sizeof m, ENT_SALE_MAX_AMOUNT, b->currency);
        return entx_fail(b->db, ENT_INVALID, "%s paid in %s is more than a payment may be (at most %s)", a,
                         entx_sales_methods[k], m);
    }
    if (k != 0 && amount > t.due) {
        char a[ENT_MONEY_TEXT_SIZE], d[ENT_MONEY_TEXT_SIZE];
        ent_money_format(a, sizeof a, amount, b->currency);
        ent_money_format(d, sizeof d, t.due, b->currency);
        return entx_fail(b->db, ENT_INVALID, "%s cannot pay %s when %s is due: only cash gives change", method, a, d);
    }
    b->paid[k] = paid;
    return ENT_OK;
}

void ent_basket_unpay(ent_basket *b)
{
    memset(b->paid, 0, sizeof b->paid);
}

void ent_basket_clear(ent_basket *b)
{
    if (b == NULL)
        return;
    b->n = 0;
    ent_basket_unpay(b);
}

/* ---- approvals ---------------------------------------------------------- */

int ent_basket_approve(ent_basket *b, size_t line, const char *approver)
{
    entx_ok(b->db);
    struct bline *bl = line_ref(b, line);
    if (bl == NULL)
        return b->db->code;
    int rc = entx_check_text(b->db, "approver", approver, ENT_CASHIER_SIZE - 1, true);
    if (rc != ENT_OK)
        return rc;
    snprintf(bl->pub.approved_by, sizeof bl->pub.approved_by, "%s", approver);
    return ENT_OK;
}

int ent_sales_discount_limit(ent_db *db, int32_t *out_bp)
{
    int64_t v = ENT_SALES_DISCOUNT_LIMIT_DEFAULT;
    int rc = ENT_OK;
    entx_ok(db);
    sqlite3_stmt *st = entx_stmt(db, "SELECT value FROM setting WHERE key = '" ENT_SALES_DISCOUNT_LIMIT_SETTING "'");
    if (st == NULL)
        return db->code;
    int sc = sqlite3_step(st);
    if (sc == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(st, 0);
        if (text == NULL || ent_whole_parse(&v, text, 0, 10000) != ENT_OK)
            rc = entx_fail(db, ENT_INVALID,
                           "setting " ENT_SALES_DISCOUNT_LIMIT_SETTING
                           " must be a whole number of basis points from 0 to 10000");
    } else if (sc != SQLITE_DONE) {
        rc = entx_fail_sql(db, "reading the discount limit");
    }
    sqlite3_reset(st);
    *out_bp = (int32_t)v;
    return rc;
}

bool ent_basket_line_unapproved(const ent_basket_line *l, int32_t limit_bp)
{
    if (l == NULL || l->approved_by[0])
        return false;
    if (l->unit_price != l->list_price)
        return true;
    /* discount / gross > limit, in integers: the gross is bounded, so no overflow. */
    int64_t gross = l->amount + l->discount;
    return l->discount > 0 && l->discount * 10000 > gross * (int64_t)limit_bp;
}
