/* Sales: the basket at a counter and its checkout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/catalog.h"
#include "entrepot/country.h"
#include "entrepot/db.h"
#include "entrepot/money.h"
#include "entrepot/scan.h"
#include "entrepot/stock.h"
#include "catalog_internal.h"
#include "journal_internal.h" /* jtz_*: the local day in the store's zone */
#include "sales_internal.h"
#include "stock_internal.h"
#include "time_internal.h"

#define MAX_LINES 500

/* A line and what the public view does not show: the lot the scan named. */
struct bline {
    ent_basket_line pub; /* first, so that a pointer to it is a pointer to the line */
    int64_t lot_id;      /* 0: first expiry first out */
};

static const char *const methods[] = {"cash", "card", "wallet"};
#define NMETHODS 3

struct ent_basket {
    ent_db *db;
    char counter[17], cashier[65];
    int64_t shelf_id;
    char currency[4];
    int digits;
    ent_scan_config scan_cfg;
    struct bline *lines;
    size_t n, cap;
    int64_t paid[NMETHODS];
};

/* ---- small helpers ------------------------------------------------------ */

int64_t sales_muldiv(int64_t a, int64_t num, int64_t den)
{
    /* 128-bit intermediate: a price per kg times grams times a rate must
     * not overflow before it is divided. */
    __int128 p = (__int128)a * num;
    __int128 q = p >= 0 ? (p + den / 2) / den : -((-p + den / 2) / den);
    return (int64_t)q;
}

int64_t sales_tax(int64_t amount, int32_t rate)
{
    return sales_muldiv(amount, rate, 10000 + (int64_t)rate);
}

int64_t sales_line_units(const char *unit, int64_t qty)
{
    if (strcmp(unit, "pcs") == 0)
        return qty;
    return qty > 0 ? 1 : qty < 0 ? -1 : 0;
}

int sales_valid_counter(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 16)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
              *s == '_'))
            return 0;
    return 1;
}

int sales_durable(ent_db *db)
{
    /* A sale the customer walked away with must survive a power cut, even
     * when the caller opened the database without ENT_OPEN_DURABLE. */
    if (db->flags & ENT_OPEN_DURABLE)
        return ENT_OK;
    if (sqlite3_exec(db->sql, "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK)
        return ent_fail_sql(db, "making the connection durable");
    db->flags |= ENT_OPEN_DURABLE;
    return ENT_OK;
}

/* ---- local time --------------------------------------------------------- */

/* A sale needs its local day and hour: the bounds of the current local day
 * are remembered, so most sales need no zone lookup at all. */
static _Thread_local struct {
    char tz[65];
    char day[11];
    int64_t start, end; /* epoch seconds of the day's local midnights */
} day_cache;

/* Seconds since the epoch of a UTC time, or -1 (also for times before 1970). */
static int64_t epoch_of(const char *utc)
{
    int64_t t;
    return ent_utc_parse(utc, &t) == ENT_OK && t >= 0 ? t : -1;
}

static int store_tz(ent_db *db, char tz[65])
{
    ent_store *s = NULL;
    int rc = ent_store_get(db, &s);
    if (rc == ENT_OK)
        snprintf(tz, 65, "%s", s->tz);
    ent_store_free(s);
    return rc;
}

int sales_local(ent_db *db, const char *utc, char day[11], int *hour)
{
    char tz[65], a[21], b[21];
    int rc = store_tz(db, tz);
    if (rc != ENT_OK)
        return rc;
    int64_t t = epoch_of(utc);
    if (t < 0)
        return ent_fail(db, ENT_INVALID, "time '%s' is not UTC YYYY-MM-DDTHH:MM:SSZ", utc);
    if (strcmp(day_cache.tz, tz) != 0 || t < day_cache.start || t >= day_cache.end) {
        int y, m, d;
        if (ent_time_local_date(day_cache.day, tz, utc) != ENT_OK ||
            sscanf(day_cache.day, "%4d-%2d-%2d", &y, &m, &d) != 3 || ent_time_midnight_utc(a, tz, y, m, d) != ENT_OK ||
            ent_time_midnight_utc(b, tz, y, m, d + 1) != ENT_OK) {
            day_cache.tz[0] = '\0';
            return ent_fail(db, ENT_INVALID, "cannot place %s in time zone %s", utc, tz);
        }
        snprintf(day_cache.tz, sizeof day_cache.tz, "%s", tz);
        day_cache.start = epoch_of(a);
        day_cache.end = epoch_of(b);
    }
    memcpy(day, day_cache.day, 11);
    int h = (int)((t - day_cache.start) / 3600);
    *hour = h > 23 ? 23 : h; /* a 25-hour day ends DST: its last hour joins hour 23 */
    return ENT_OK;
}

int sales_local_to_utc(ent_db *db, const char *local, char utc[21])
{
    char tz[65], mid[21];
    int y, mo, d, h, mi, s = 0, used = 0;
    int rc = store_tz(db, tz);
    if (rc != ENT_OK)
        return rc;
    size_t len = strlen(local);
    char shown[ENT_CLIP_SIZE];
    ent_text_clip(shown, sizeof shown, local, 40);
    if ((len != 16 && len != 19) ||
        sscanf(local, "%4d-%2d-%2d %2d:%2d%n:%2d%n", &y, &mo, &d, &h, &mi, &used, &s, &used) < 5 ||
        (size_t)used != len || h > 23 || mi > 59 || s > 59)
        return ent_fail(db, ENT_INVALID, "time '%s' is not YYYY-MM-DD HH:MM", shown);
    char date[11];
    memcpy(date, local, 10); /* the form was checked: ten ASCII bytes */
    date[10] = '\0';
    if (ent_date_parse(date, NULL) != ENT_OK)
        return ent_fail(db, ENT_INVALID, "'%s' is not a date", date);
    if (ent_time_midnight_utc(mid, tz, y, mo, d) != ENT_OK)
        return ent_fail(db, ENT_INVALID, "cannot place %s in time zone %s", shown, tz);
    ent_utc_format(epoch_of(mid) + h * 3600 + mi * 60 + s, utc);
    return ENT_OK;
}

/* ---- the basket --------------------------------------------------------- */

int ent_basket_new(ent_db *db, ent_basket **out, const char *counter, const char *cashier, const char *shelf)
{
    ent_basket *b = NULL;
    ent_store *store = NULL;
    const ent_currency *cur = NULL;
    int rc;
    *out = NULL;
    ent_ok(db);
    if (!sales_valid_counter(counter)) {
        char shown[ENT_CLIP_SIZE];
        return ent_fail(db, ENT_INVALID, "counter '%s' must be 1 to 16 letters, digits, - or _",
                        ent_text_clip(shown, sizeof shown, counter, 40));
    }
    if ((rc = ent_check_text(db, "cashier", cashier, 64, true)) != ENT_OK)
        return rc;
    if (*cashier == '\0')
        return ent_fail(db, ENT_INVALID, "a cashier is needed");
    b = calloc(1, sizeof *b);
    if (b == NULL)
        return ent_fail(db, ENT_ERROR, "out of memory");
    b->db = db;
    snprintf(b->counter, sizeof b->counter, "%s", counter);
    snprintf(b->cashier, sizeof b->cashier, "%s", cashier);
    if (shelf && *shelf && (rc = ent_location_id(db, shelf, &b->shelf_id, NULL)) != ENT_OK)
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
        return ent_fail(db, ENT_INVALID, "%s: a quantity must be 1 or more, not %lld", l->name, (long long)l->qty);
    if (l->qty > max)
        return ent_fail(db, ENT_INVALID, "%s: %lld %s is more than one sale line may hold (at most %lld %s)", l->name,
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
        gross = sales_muldiv(l->qty, l->unit_price, 1000);
    }
    if (gross > ENT_SALE_MAX_AMOUNT) {
        char a[32];
        ent_money_format(a, sizeof a, ENT_SALE_MAX_AMOUNT, b->currency);
        return ent_fail(db, ENT_INVALID, "%s: the line's amount would be more than %s, the most a sale line may be",
                        l->name, a);
    }
    if (l->discount > gross)
        l->discount = gross;
    l->amount = gross - l->discount;
    l->tax = sales_tax(l->amount, l->tax_rate);
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
        out->units += sales_line_units(l->unit, l->qty);
    }
    for (int i = 0; i < NMETHODS; i++)
        out->paid += b->paid[i];
    out->due = out->total - out->paid;
    out->lines = b->n;
}

static void local_today(ent_basket *b, char day[11])
{
    char now[21];
    int hour;
    ent_now_utc(now);
    if (sales_local(b->db, now, day, &hour) != ENT_OK)
        memcpy(day, now, 10), day[10] = '\0'; /* UTC's date, ASCII */
}

/*
 * Would the basket, with extra units of product (lot) added, still be
 * sellable? Checks the commodity over all its lines, and the named lot
 * over the lines that name it.
 */
static int check_stock(ent_basket *b, int64_t product_id, int64_t lot_id, int64_t extra, size_t skip,
                       char origin[3])
{
    int64_t all = extra, in_lot = extra;
    struct ent_pick *picks = NULL;
    size_t n = 0;
    char today[11];
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
        rc = ent_stock_pick(b->db, &picks, &n, product_id, lot_id, in_lot, b->shelf_id, today);
        if (rc == ENT_OK && origin)
            memcpy(origin, picks[0].origin, 3);
        free(picks);
        picks = NULL;
        if (rc != ENT_OK)
            return rc;
    }
    rc = ent_stock_pick(b->db, &picks, &n, product_id, 0, all, b->shelf_id, today);
    if (rc == ENT_OK && origin && !lot_id)
        memcpy(origin, picks[0].origin, 3);
    free(picks);
    return rc;
}

static struct bline *line_ref(ent_basket *b, size_t line)
{
    if (b->n == 0) {
        ent_fail(b->db, ENT_INVALID, "the basket is empty");
        return NULL;
    }
    if (line == 0)
        line = b->n;
    if (line > b->n) {
        ent_fail(b->db, ENT_INVALID, "there is no line %zu: the basket has %zu", line, b->n);
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
static int new_line(ent_basket *b, struct bline *bl, const ent_scan *s, const ent_scan_match *m, int64_t mult)
{
    ent_product *p = NULL;
    ent_basket_line *l = &bl->pub;
    int rc = ent_product_get_by_id(b->db, &p, m->product_id);
    if (rc == ENT_OK && (rc = ent_product_sellable(b->db, p)) != ENT_OK)
        ent_product_free(p); /* unpriced or retired: refused, named */
    if (rc != ENT_OK)
        return rc;
    memset(bl, 0, sizeof *bl);
    l->product_id = p->id;
    snprintf(l->code, sizeof l->code, "%s", m->code);
    snprintf(l->name, sizeof l->name, "%s", m->name);
    snprintf(l->unit, sizeof l->unit, "%s", p->unit);
    snprintf(l->origin, sizeof l->origin, "%s", p->origin);
    l->list_price = l->unit_price = p->price;
    l->tax_rate = p->tax_rate;
    l->qty = m->qty;
    if (m->lot) {
        bl->lot_id = m->lot->id;
        snprintf(l->lot, sizeof l->lot, "%s", m->lot->code);
    }
    int weighed = strcmp(p->unit, "pcs") != 0;
    if (s->kind == ENT_SCAN_INSTORE && s->instore_kind == 'P' && s->has_amount) {
        /* The scale priced it: the code's amount is what the customer pays. */
        l->fixed = scan_amount(b, s);
        if (l->fixed > 0 && l->fixed <= ENT_SALE_MAX_AMOUNT)
            l->qty = !weighed ? 1 : p->price > 0 ? sales_muldiv(l->fixed, 1000, p->price) : 0;
        if (l->fixed <= 0 || l->fixed > ENT_SALE_MAX_AMOUNT || l->qty <= 0) {
            char shown[ENT_CLIP_SIZE];
            rc = ent_fail(b->db, ENT_INVALID, "%s: the price in code %s cannot be sold", l->name,
                          ent_text_clip(shown, sizeof shown, s->text, 40));
            goto done;
        }
    }
    /* A plain GTIN of goods sold by weight says "one", which is no weight. */
    if (weighed && (l->qty <= 0 || (!s->has_measure && l->fixed == 0))) {
        rc = ent_fail(b->db, ENT_INVALID, "%s is sold by weight or volume: scan the label from the scale", l->name);
        goto done;
    }
    if (mult > 1) {
        int64_t max = weighed ? ENT_SALE_MAX_MEASURE : ENT_SALE_MAX_PCS;
        if (__builtin_mul_overflow(l->qty, mult, &l->qty) || l->qty > max ||
            __builtin_mul_overflow(l->fixed, mult, &l->fixed)) {
            rc = ent_fail(b->db, ENT_INVALID,
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

int ent_basket_scan(ent_basket *b, size_t *line_out, const char *code, int64_t qty)
{
    ent_scan s;
    ent_scan_match *m = NULL;
    struct bline nl;
    int rc;
    if (b == NULL)
        return ENT_INVALID;
    ent_ok(b->db);
    if (code == NULL || *code == '\0')
        return ent_fail(b->db, ENT_INVALID, "no code given");
    if (qty < 0)
        return ent_fail(b->db, ENT_INVALID, "a quantity must be 1 or more, not %lld", (long long)qty);
    if (qty > ENT_SALE_MAX_MEASURE)
        return ent_fail(b->db, ENT_INVALID,
                        "a quantity of %lld is more than one sale line may hold (at most %d "
                        "pieces, or %d g or ml)",
                        (long long)qty, ENT_SALE_MAX_PCS, ENT_SALE_MAX_MEASURE);
    if (b->n >= MAX_LINES)
        return ent_fail(b->db, ENT_INVALID, "a basket holds at most %d lines", MAX_LINES);
    if (ent_scan_parse(&s, code, strlen(code), &b->scan_cfg) != ENT_OK)
        return ent_fail(b->db, ENT_INVALID, "%s", s.message);
    if ((rc = ent_scan_resolve(b->db, &m, &s)) != ENT_OK)
        goto done;
    if (m->lot_state == ENT_SCAN_LOT_UNKNOWN) {
        rc = ent_fail(b->db, ENT_NOTFOUND, "%s", m->problem);
        goto done;
    }
    if (m->lot_state == ENT_SCAN_LOT_CONFLICT) {
        rc = ent_fail(b->db, ENT_INVALID, "the scan does not agree with lot %s on record: %s", m->lot->code,
                      m->problem);
        goto done;
    }
    if ((rc = new_line(b, &nl, &s, m, qty)) != ENT_OK)
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
            rc = ent_fail(b->db, ENT_ERROR, "out of memory");
            goto done;
        }
        b->lines = nb;
        b->cap = cap;
    }
    b->lines[b->n++] = nl;
    if (line_out)
        *line_out = b->n;
done:
    ent_scan_match_free(m);
    return rc;
}

int ent_basket_set_qty(ent_basket *b, size_t line, int64_t qty)
{
    ent_ok(b->db);
    struct bline *bl = line_ref(b, line);
    if (bl == NULL)
        return b->db->code;
    ent_basket_line *l = &bl->pub;
    if (qty <= 0)
        return ent_fail(b->db, ENT_INVALID, "a quantity must be 1 or more, not %lld (remove the line instead)",
                        (long long)qty);
    if (l->fixed > 0)
        return ent_fail(b->db, ENT_INVALID, "%s was priced by its label: scan each label", l->name);
    /* A weighed line holds what the scale weighed: a count would sell 3 g. */
    if (strcmp(l->unit, "pcs") != 0)
        return ent_fail(b->db, ENT_INVALID, "%s was weighed: its quantity is on the scale's label, scan each label",
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
    ent_ok(b->db);
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
        return ent_fail(db, ENT_INVALID, "a %s needs a reason", what);
    return ent_check_text(db, "reason", reason, 100, true);
}

int ent_basket_set_price(ent_basket *b, size_t line, int64_t unit_price, const char *reason)
{
    ent_ok(b->db);
    struct bline *bl = line_ref(b, line);
    if (bl == NULL)
        return b->db->code;
    ent_basket_line *l = &bl->pub;
    int rc = check_reason(b->db, "price change", reason);
    if (rc != ENT_OK)
        return rc;
    if (unit_price < 0 || unit_price > ENT_SALE_MAX_PRICE) {
        char a[32], m[32];
        ent_money_format(a, sizeof a, unit_price, b->currency);
        ent_money_format(m, sizeof m, ENT_SALE_MAX_PRICE, b->currency);
        return ent_fail(b->db, ENT_INVALID, "a price of %s cannot be: a price is from 0 to %s", a, m);
    }
    if (l->fixed > 0)
        return ent_fail(b->db, ENT_INVALID, "%s was priced by its label: give a discount instead", l->name);
    ent_basket_line old = *l;
    l->unit_price = unit_price;
    snprintf(l->price_reason, sizeof l->price_reason, "%s", reason);
    if ((rc = price_line(b, l)) != ENT_OK)
        *l = old;
    return rc;
}

int ent_basket_discount(ent_basket *b, size_t line, int64_t amount, int32_t percent_bp, const char *reason)
{
    ent_ok(b->db);
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
            return ent_fail(b->db, ENT_INVALID, "a discount must be between 0%% and 100%%");
        amount = sales_muldiv(gross, percent_bp, 10000);
    }
    if (amount <= 0)
        return ent_fail(b->db, ENT_INVALID, "a discount must be more than zero");
    if (amount > gross) {
        char a[32], g[32];
        ent_money_format(a, sizeof a, amount, b->currency);
        ent_money_format(g, sizeof g, gross, b->currency);
        return ent_fail(b->db, ENT_INVALID, "a discount of %s is more than the line's %s", a, g);
    }
    l->discount = amount;
    snprintf(l->discount_reason, sizeof l->discount_reason, "%s", reason);
    return price_line(b, l);
}

static int method_index(const char *method)
{
    for (int i = 0; method && i < NMETHODS; i++)
        if (strcmp(method, methods[i]) == 0)
            return i;
    return -1;
}

int ent_basket_pay(ent_basket *b, const char *method, int64_t amount)
{
    ent_basket_totals t;
    ent_ok(b->db);
    int k = method_index(method);
    if (k < 0) {
        char shown[ENT_CLIP_SIZE];
        return ent_fail(b->db, ENT_INVALID, "payment method '%s' must be cash, card or wallet",
                        ent_text_clip(shown, sizeof shown, method, 20));
    }
    ent_basket_totals_get(b, &t);
    if (b->n == 0)
        return ent_fail(b->db, ENT_INVALID, "the basket is empty");
    if (t.due <= 0)
        return ent_fail(b->db, ENT_INVALID, "nothing is due");
    if (amount < 0)
        return ent_fail(b->db, ENT_INVALID, "an amount paid must be more than zero");
    if (amount == 0)
        amount = t.due;
    int64_t paid;
    if (__builtin_add_overflow(b->paid[k], amount, &paid) || paid > ENT_SALE_MAX_AMOUNT) {
        char a[32], m[32];
        ent_money_format(a, sizeof a, amount, b->currency);
        ent_money_format(m, sizeof m, ENT_SALE_MAX_AMOUNT, b->currency);
        return ent_fail(b->db, ENT_INVALID, "%s paid in %s is more than a payment may be (at most %s)", a, methods[k],
                        m);
    }
    if (k != 0 && amount > t.due) {
        char a[32], d[32];
        ent_money_format(a, sizeof a, amount, b->currency);
        ent_money_format(d, sizeof d, t.due, b->currency);
        return ent_fail(b->db, ENT_INVALID, "%s cannot pay %s when %s is due: only cash gives change", method, a, d);
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

/* ---- summaries ---------------------------------------------------------- */

int sales_sum_add(ent_db *db, const char *day, int hour, const char *counter, const char *cashier,
                  int is_return, int64_t total, int64_t units, const struct sales_sum_line *lines, size_t n)
{
    /* Returns add to their own columns (and lower the net value and units):
     * they are no negative sales, so the counts of sales and lines stay. */
    sqlite3_stmt *st = ent_stmt(
        db, "INSERT INTO sale_sum_hour(day, hour, counter, cashier, value, units, transactions, returns, ret_value, "
            "ret_units) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, -?5 * ?8, -?6 * ?8) "
            "ON CONFLICT(day, hour, counter, cashier) DO UPDATE SET "
            "value = value + excluded.value, units = units + excluded.units, "
            "transactions = transactions + excluded.transactions, returns = returns + excluded.returns, "
            "ret_value = ret_value + excluded.ret_value, ret_units = ret_units + excluded.ret_units");
    int rc;
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, hour);
    sqlite3_bind_text(st, 3, counter, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, cashier, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, total);
    sqlite3_bind_int64(st, 6, units);
    sqlite3_bind_int(st, 7, !is_return);
    sqlite3_bind_int(st, 8, is_return);
    if ((rc = ent_exec_stmt(db, st)) != ENT_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        st = ent_stmt(db, "INSERT INTO sale_sum_origin(day, origin, counter, value, units, lines, ret_value, "
                          "ret_units, ret_lines) VALUES (?1, ?2, ?3, ?4, ?5, 1 - ?6, -?4 * ?6, -?5 * ?6, ?6) "
                          "ON CONFLICT(day, origin, counter) DO UPDATE SET "
                          "value = value + excluded.value, units = units + excluded.units, "
                          "lines = lines + excluded.lines, ret_value = ret_value + excluded.ret_value, "
                          "ret_units = ret_units + excluded.ret_units, ret_lines = ret_lines + excluded.ret_lines");
        if (st == NULL)
            return db->code;
        sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, lines[i].origin, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, counter, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, lines[i].amount);
        sqlite3_bind_int64(st, 5, lines[i].units);
        sqlite3_bind_int(st, 6, is_return ? 1 : 0);
        if ((rc = ent_exec_stmt(db, st)) != ENT_OK)
            return rc;
        st = ent_stmt(db, "INSERT INTO sale_sum_product(day, product_id, value, units, lines, ret_value, ret_units, "
                          "ret_lines) VALUES (?1, ?2, ?3, ?4, 1 - ?5, -?3 * ?5, -?4 * ?5, ?5) "
                          "ON CONFLICT(day, product_id) DO UPDATE SET "
                          "value = value + excluded.value, units = units + excluded.units, "
                          "lines = lines + excluded.lines, ret_value = ret_value + excluded.ret_value, "
                          "ret_units = ret_units + excluded.ret_units, ret_lines = ret_lines + excluded.ret_lines");
        if (st == NULL)
            return db->code;
        sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, lines[i].product_id);
        sqlite3_bind_int64(st, 3, lines[i].amount);
        sqlite3_bind_int64(st, 4, lines[i].units);
        sqlite3_bind_int(st, 5, is_return ? 1 : 0);
        if ((rc = ent_exec_stmt(db, st)) != ENT_OK)
            return rc;
    }
    return ENT_OK;
}

int sales_taxes(ent_journal_tax **out, size_t *n, const int32_t *rates, const int64_t *amounts,
                const int64_t *taxes, size_t nlines)
{
    ent_journal_tax *t = calloc(nlines ? nlines : 1, sizeof *t);
    size_t k = 0;
    *out = NULL;
    *n = 0;
    if (t == NULL)
        return ENT_ERROR;
    for (size_t i = 0; i < nlines; i++) {
        size_t j = 0;
        while (j < k && t[j].rate != rates[i])
            j++;
        if (j == k)
            t[k++].rate = rates[i];
        t[j].gross += amounts[i];
        t[j].tax += taxes[i];
    }
    *out = t;
    *n = k;
    return ENT_OK;
}

/* ---- checkout ----------------------------------------------------------- */

/* What checkout learned about one basket line inside the transaction: the
 * lots and places its units came from. */
struct co_line {
    struct ent_pick *picks;
    size_t npicks;
};

/*
 * A line as recorded. A basket line whose units came from lots of different
 * origin countries is recorded as one line per origin, its amount and
 * discount shared by quantity (the last share takes the rest), so that the
 * receipt names each origin and the report by country stays exact.
 */
struct out_line {
    const ent_basket_line *l;
    const struct co_line *co;
    char origin[3];
    char lots[65];
    int64_t qty, amount, discount, tax;
};

/* The lot codes of one origin's picks, joined by '+'. */
static void join_lots(struct out_line *o)
{
    size_t used = 0;
    o->lots[0] = '\0';
    for (size_t i = 0; i < o->co->npicks; i++) {
        const struct ent_pick *p = &o->co->picks[i];
        if (strcmp(p->origin, o->origin) != 0 || (used && strstr(o->lots, p->lot) != NULL))
            continue;
        int w = snprintf(o->lots + used, sizeof o->lots - used, "%s%s", used ? "+" : "", p->lot);
        if (w < 0 || (size_t)w >= sizeof o->lots - used) {
            o->lots[sizeof o->lots - 1] = '\0';
            break;
        }
        used += (size_t)w;
    }
}

/* Splits the basket's lines by origin into *out (malloc'd, *n entries). */
static int split_lines(ent_basket *b, const struct co_line *co, struct out_line **out, size_t *n)
{
    size_t cap = 0, k = 0;
    for (size_t i = 0; i < b->n; i++)
        cap += co[i].npicks;
    struct out_line *o = calloc(cap ? cap : 1, sizeof *o);
    *out = o;
    *n = 0;
    if (o == NULL)
        return ent_fail(b->db, ENT_ERROR, "out of memory");
    for (size_t i = 0; i < b->n; i++) {
        const ent_basket_line *l = &b->lines[i].pub;
        int64_t qty_left = l->qty, amount_left = l->amount, discount_left = l->discount;
        size_t first = k;
        for (size_t p = 0; p < co[i].npicks; p++) {
            const char *origin = co[i].picks[p].origin;
            size_t g = first;
            while (g < k && strcmp(o[g].origin, origin) != 0)
                g++;
            if (g == k) {
                o[k].l = l;
                o[k].co = &co[i];
                memcpy(o[k].origin, origin, 3);
                k++;
            }
            o[g].qty += co[i].picks[p].qty;
        }
        for (size_t g = first; g < k; g++) {
            if (g + 1 == k) {
                o[g].amount = amount_left;
                o[g].discount = discount_left;
            } else {
                o[g].amount = sales_muldiv(l->amount, o[g].qty, l->qty);
                o[g].discount = sales_muldiv(l->discount, o[g].qty, l->qty);
            }
            qty_left -= o[g].qty;
            amount_left -= o[g].amount;
            discount_left -= o[g].discount;
            o[g].tax = sales_tax(o[g].amount, l->tax_rate);
            join_lots(&o[g]);
        }
        if (qty_left != 0)
            return ent_fail(b->db, ENT_ERROR, "the lots picked for %s do not add up", l->code);
    }
    *n = k;
    return ENT_OK;
}

int sales_insert_sale(ent_db *db, int64_t *id, const char *uuid, int64_t receipt, const char *kind,
                       int64_t ref_id, const char *at, const char *day, int hour, const char *counter,
                       const char *cashier, int64_t total, int64_t tax, int64_t units, const char *note,
                       const char *qr)
{
    sqlite3_stmt *st = ent_stmt(db, "INSERT INTO sale(uuid, receipt, kind, ref_id, at, day, hour, counter, cashier, "
                                    "total, tax, units, note, qr) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, receipt);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    if (ref_id)
        sqlite3_bind_int64(st, 4, ref_id);
    sqlite3_bind_text(st, 5, at, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, day, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, hour);
    sqlite3_bind_text(st, 8, counter, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, cashier, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 10, total);
    sqlite3_bind_int64(st, 11, tax);
    sqlite3_bind_int64(st, 12, units);
    ent_bind_text_or_null(st, 13, note);
    sqlite3_bind_text(st, 14, qr, -1, SQLITE_STATIC);
    int rc = ent_exec_stmt(db, st);
    *id = sqlite3_last_insert_rowid(db->sql);
    return rc;
}

int sales_insert_line(ent_db *db, int64_t *id, int64_t sale_id, int line, int64_t product_id, const char *code,
                      const char *name, const char *origin, const char *lots, const char *unit, int64_t qty,
                      int64_t unit_price, int64_t discount, int64_t amount, int32_t rate, int64_t tax,
                      const char *price_reason, const char *discount_reason, int64_t ref_line)
{
    sqlite3_stmt *st = ent_stmt(db,
        "INSERT INTO sale_line(sale_id, line, product_id, code, name, origin, lot, unit, qty, unit_price, "
        "discount, amount, tax_rate, tax, price_reason, discount_reason, ref_line) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, sale_id);
    sqlite3_bind_int(st, 2, line);
    sqlite3_bind_int64(st, 3, product_id);
    sqlite3_bind_text(st, 4, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, origin, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, lots, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, unit, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, qty);
    sqlite3_bind_int64(st, 10, unit_price);
    sqlite3_bind_int64(st, 11, discount);
    sqlite3_bind_int64(st, 12, amount);
    sqlite3_bind_int(st, 13, rate);
    sqlite3_bind_int64(st, 14, tax);
    ent_bind_text_or_null(st, 15, price_reason);
    ent_bind_text_or_null(st, 16, discount_reason);
    if (ref_line)
        sqlite3_bind_int64(st, 17, ref_line);
    int rc = ent_exec_stmt(db, st);
    *id = sqlite3_last_insert_rowid(db->sql);
    return rc;
}

int sales_insert_pick(ent_db *db, int64_t line_id, int64_t lot_id, int64_t location_id, int64_t qty)
{
    sqlite3_stmt *st = ent_stmt(db, "INSERT INTO sale_pick(line_id, lot_id, location_id, qty) VALUES (?1, ?2, ?3, ?4) "
                                    "ON CONFLICT(line_id, lot_id, location_id) DO UPDATE SET qty = qty + excluded.qty");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, line_id);
    sqlite3_bind_int64(st, 2, lot_id);
    sqlite3_bind_int64(st, 3, location_id);
    sqlite3_bind_int64(st, 4, qty);
    return ent_exec_stmt(db, st);
}

int sales_insert_pay(ent_db *db, int64_t sale_id, const char *method, int64_t amount, int64_t tendered,
                     int64_t change)
{
    sqlite3_stmt *st =
        ent_stmt(db, "INSERT INTO sale_pay(sale_id, method, amount, tendered, change) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, sale_id);
    sqlite3_bind_text(st, 2, method, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, amount);
    sqlite3_bind_int64(st, 4, tendered);
    sqlite3_bind_int64(st, 5, change);
    return ent_exec_stmt(db, st);
}

/* Inside the transaction: picks and moves the stock of every line. Lines
 * that name their lot go first, so that first-expiry-first-out lines do
 * not take the units a named lot needs. */
static int take_stock(ent_basket *b, struct co_line *co, const char *batch, const char *today)
{
    int rc = ENT_OK;
    for (int pass = 0; pass < 2 && rc == ENT_OK; pass++) {
        for (size_t i = 0; i < b->n && rc == ENT_OK; i++) {
            const struct bline *bl = &b->lines[i];
            if ((bl->lot_id != 0) != (pass == 0))
                continue;
            rc = ent_stock_pick(b->db, &co[i].picks, &co[i].npicks, bl->pub.product_id, bl->lot_id, bl->pub.qty,
                                b->shelf_id, today);
            for (size_t k = 0; k < co[i].npicks && rc == ENT_OK; k++)
                rc = ent_stock_apply(b->db, batch, "sale", bl->pub.product_id, co[i].picks[k].lot_id,
                                     co[i].picks[k].location_id, -co[i].picks[k].qty, NULL, NULL, b->cashier);
        }
    }
    return rc;
}

static int write_sale(ent_basket *b, int64_t *sale_id, const struct out_line *o, size_t n, const char *uuid,
                      const ent_journal_written *w, const char *day, int hour, const ent_basket_totals *t,
                      const int64_t applied[NMETHODS])
{
    ent_db *db = b->db;
    int rc = sales_insert_sale(db, sale_id, uuid, w->seq, "sale", 0, w->time, day, hour, b->counter, b->cashier,
                               t->total, t->tax, t->units, NULL, w->qr);
    struct sales_sum_line *sum = calloc(n ? n : 1, sizeof *sum);
    if (sum == NULL)
        return ent_fail(db, ENT_ERROR, "out of memory");
    for (size_t i = 0; i < n && rc == ENT_OK; i++) {
        const ent_basket_line *l = o[i].l;
        int64_t line_id;
        rc = sales_insert_line(db, &line_id, *sale_id, (int)i + 1, l->product_id, l->code, l->name, o[i].origin,
                               o[i].lots, l->unit, o[i].qty, l->unit_price, o[i].discount, o[i].amount, l->tax_rate,
                               o[i].tax, l->price_reason[0] ? l->price_reason : NULL,
                               l->discount_reason[0] ? l->discount_reason : NULL, 0);
        for (size_t k = 0; k < o[i].co->npicks && rc == ENT_OK; k++) {
            const struct ent_pick *p = &o[i].co->picks[k];
            if (strcmp(p->origin, o[i].origin) == 0)
                rc = sales_insert_pick(db, line_id, p->lot_id, p->location_id, p->qty);
        }
        sum[i].product_id = l->product_id;
        sum[i].origin = o[i].origin;
        sum[i].amount = o[i].amount;
        sum[i].units = sales_line_units(l->unit, o[i].qty);
    }
    for (int k = 0; k < NMETHODS && rc == ENT_OK; k++)
        if (b->paid[k] > 0)
            rc = sales_insert_pay(db, *sale_id, methods[k], applied[k], b->paid[k], b->paid[k] - applied[k]);
    if (rc == ENT_OK)
        rc = sales_sum_add(db, day, hour, b->counter, b->cashier, 0, t->total, t->units, sum, n);
    free(sum);
    return rc;
}

static int journal_sale(ent_basket *b, ent_journal *j, ent_journal_written *w, const struct out_line *o, size_t n,
                        const char *uuid, const char *now, const int64_t applied[NMETHODS])
{
    size_t ntax = 0, npay = 0;
    ent_journal_line *jl = calloc(n ? n : 1, sizeof *jl);
    int32_t *rates = calloc(n ? n : 1, sizeof *rates);
    int64_t *amounts = calloc(n ? n : 1, sizeof *amounts), *taxes = calloc(n ? n : 1, sizeof *taxes);
    ent_journal_tax *jt = NULL;
    ent_journal_pay jp[NMETHODS];
    int rc = ENT_OK;
    if (!jl || !rates || !amounts || !taxes) {
        rc = ent_fail(b->db, ENT_ERROR, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const ent_basket_line *l = o[i].l;
        jl[i] = (ent_journal_line){l->code, o[i].lots, l->name, o[i].qty, l->unit_price, o[i].discount, o[i].amount,
                                   l->tax_rate};
        rates[i] = l->tax_rate;
        amounts[i] = o[i].amount;
        taxes[i] = o[i].tax;
    }
    if (sales_taxes(&jt, &ntax, rates, amounts, taxes, n) != ENT_OK) {
        rc = ent_fail(b->db, ENT_ERROR, "out of memory");
        goto done;
    }
    for (int k = 0; k < NMETHODS; k++)
        if (b->paid[k] > 0)
            jp[npay++] = (ent_journal_pay){methods[k], applied[k]};
    ent_journal_record rec = {0};
    rec.kind = ENT_JOURNAL_SALE;
    rec.uuid = uuid;
    rec.time = now;
    rec.counter = b->counter;
    rec.cashier = b->cashier;
    rec.taxes = jt;
    rec.ntaxes = ntax;
    rec.pays = jp;
    rec.npays = npay;
    rec.lines = jl;
    rec.nlines = n;
    rc = ent_journal_append(j, w, &rec);
done:
    free(jl);
    free(rates);
    free(amounts);
    free(taxes);
    free(jt);
    return rc;
}

int ent_basket_checkout(ent_basket *b, ent_journal *j, ent_sale **out)
{
    ent_basket_totals t;
    ent_journal_written w;
    struct co_line *co = NULL;
    struct out_line *o = NULL;
    size_t nlines, nout = 0;
    char uuid[37], now[21], day[11];
    int64_t applied[NMETHODS], sale_id = 0;
    int hour, rc;
    if (out)
        *out = NULL;
    if (b == NULL)
        return ENT_INVALID;
    ent_db *db = b->db;
    nlines = b->n;
    ent_ok(db);
    if (j == NULL)
        return ent_fail(db, ENT_REFUSED, "no journal is open, so nothing can be sold");
    ent_basket_totals_get(b, &t);
    if (b->n == 0)
        return ent_fail(db, ENT_INVALID, "the basket is empty");
    if (t.total > ENT_SALE_MAX_AMOUNT) {
        char a[32], m[32];
        ent_money_format(a, sizeof a, t.total, b->currency);
        ent_money_format(m, sizeof m, ENT_SALE_MAX_AMOUNT, b->currency);
        return ent_fail(db, ENT_INVALID, "a total of %s is more than one sale may be (at most %s): split it", a, m);
    }
    if (t.due > 0) {
        char d[32];
        ent_money_format(d, sizeof d, t.due, b->currency);
        return ent_fail(db, ENT_INVALID, "%s is still due", d);
    }
    /* Change comes out of the cash drawer only. */
    memcpy(applied, b->paid, sizeof applied);
    if (-t.due > applied[0])
        return ent_fail(db, ENT_INVALID, "only cash gives change");
    applied[0] += t.due;
    co = calloc(b->n, sizeof *co);
    if (co == NULL)
        return ent_fail(db, ENT_ERROR, "out of memory");
    ent_uuid_new(uuid);
    ent_now_utc(now);
    if ((rc = sales_local(db, now, day, &hour)) != ENT_OK || (rc = sales_durable(db)) != ENT_OK)
        goto done;
    if ((rc = ent_tx_begin(db)) != ENT_OK)
        goto done;
    rc = take_stock(b, co, uuid, day);
    if (rc == ENT_OK && (rc = split_lines(b, co, &o, &nout)) == ENT_OK) {
        /* Split lines round their own tax: the sale's tax is theirs. */
        t.tax = 0;
        t.units = 0;
        for (size_t i = 0; i < nout; i++) {
            t.tax += o[i].tax;
            t.units += sales_line_units(o[i].l->unit, o[i].qty);
        }
    }
    if (rc == ENT_OK)
        rc = journal_sale(b, j, &w, o, nout, uuid, now, applied);
    if (rc == ENT_OK)
        rc = write_sale(b, &sale_id, o, nout, uuid, &w, day, hour, &t, applied);
    rc = ent_tx_end(db, rc);
    if (rc != ENT_OK)
        goto done;
    /* Committed: the sale stands even if reading it back fails. */
    ent_basket_clear(b);
    if (out && sales_read(db, out, sale_id) != ENT_OK)
        *out = NULL;
done:
    for (size_t i = 0; co && i < nlines; i++)
        free(co[i].picks);
    free(co);
    free(o);
    return rc;
}
