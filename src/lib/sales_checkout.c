/* Sales: the checkout of a basket (stock taken, rows written, journal record). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/db.h"
#include "entrepot/money.h"
#include "entrepot/stock.h"
#include "journal_internal.h" /* the journal record of a sale */
#include "sales_internal.h"
#include "stock_internal.h"
#include "time_internal.h"

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
    char origin[ENT_COUNTRY_SIZE];
    char lots[ENT_LOT_SIZE];
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
        return entx_fail(b->db, ENT_ERROR, "out of memory");
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
                memcpy(o[k].origin, origin, ENT_COUNTRY_SIZE);
                k++;
            }
            o[g].qty += co[i].picks[p].qty;
        }
        for (size_t g = first; g < k; g++) {
            if (g + 1 == k) {
                o[g].amount = amount_left;
                o[g].discount = discount_left;
            } else {
                o[g].amount = entx_muldiv(l->amount, o[g].qty, l->qty);
                o[g].discount = entx_muldiv(l->discount, o[g].qty, l->qty);
            }
            qty_left -= o[g].qty;
            amount_left -= o[g].amount;
            discount_left -= o[g].discount;
            o[g].tax = entx_sales_tax(o[g].amount, l->tax_rate);
            join_lots(&o[g]);
        }
        if (qty_left != 0)
            return entx_fail(b->db, ENT_ERROR, "the lots picked for %s do not add up", l->code);
    }
    *n = k;
    return ENT_OK;
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
            const struct pick_want want = {.product_id = bl->pub.product_id,
                                           .lot_id = bl->lot_id,
                                           .qty = bl->pub.qty,
                                           .prefer = b->shelf_id,
                                           .today = today};
            rc = entx_stock_pick(b->db, &co[i].picks, &co[i].npicks, &want);
            for (size_t k = 0; k < co[i].npicks && rc == ENT_OK; k++)
                rc = entx_stock_apply(b->db, &(struct stock_move){.batch = batch,
                                                                  .kind = "sale",
                                                                  .product_id = bl->pub.product_id,
                                                                  .lot_id = co[i].picks[k].lot_id,
                                                                  .location_id = co[i].picks[k].location_id,
                                                                  .delta = -co[i].picks[k].qty,
                                                                  /* the handle's user (the OS user on the
                                                                   * CLI); the sale names the cashier */
                                                                  .user = NULL});
        }
    }
    return rc;
}

/* A checkout's sale as worked out, for its journal record and its rows. */
struct co_sale {
    const struct out_line *o; /* the lines, one per origin */
    size_t n;
    const char *uuid, *now, *day; /* now in UTC; day and hour the store's local ones */
    int hour;
    const ent_basket_totals *t;
    const int64_t *applied; /* per payment method: what it pays of the total */
};

static int write_sale(ent_basket *b, int64_t *sale_id, const ent_journal_written *w, const struct co_sale *s)
{
    ent_db *db = b->db;
    const struct sales_row row = {.uuid = s->uuid,
                                  .receipt = w->seq,
                                  .kind = "sale",
                                  .at = w->time,
                                  .day = s->day,
                                  .hour = s->hour,
                                  .counter = b->counter,
                                  .cashier = b->cashier,
                                  .total = s->t->total,
                                  .tax = s->t->tax,
                                  .units = s->t->units,
                                  .qr = w->qr};
    int rc = entx_sales_insert_sale(db, sale_id, &row);
    struct sales_sum_line *sum = calloc(s->n ? s->n : 1, sizeof *sum);
    if (sum == NULL)
        return entx_fail(db, ENT_ERROR, "out of memory");
    for (size_t i = 0; i < s->n && rc == ENT_OK; i++) {
        const ent_basket_line *l = s->o[i].l;
        int64_t line_id;
        const struct sales_line_row lr = {.sale_id = *sale_id,
                                          .line = (int)i + 1,
                                          .product_id = l->product_id,
                                          .code = l->code,
                                          .name = l->name,
                                          .origin = s->o[i].origin,
                                          .lots = s->o[i].lots,
                                          .unit = l->unit,
                                          .qty = s->o[i].qty,
                                          .unit_price = l->unit_price,
                                          .discount = s->o[i].discount,
                                          .amount = s->o[i].amount,
                                          .rate = l->tax_rate,
                                          .tax = s->o[i].tax,
                                          .price_reason = l->price_reason[0] ? l->price_reason : NULL,
                                          .discount_reason = l->discount_reason[0] ? l->discount_reason : NULL,
                                          .approved_by = l->approved_by[0] ? l->approved_by : NULL,
                                          .sell_unit = l->sell_unit[0] ? l->sell_unit : NULL};
        rc = entx_sales_insert_line(db, &line_id, &lr);
        for (size_t k = 0; k < s->o[i].co->npicks && rc == ENT_OK; k++) {
            const struct ent_pick *p = &s->o[i].co->picks[k];
            if (strcmp(p->origin, s->o[i].origin) == 0)
                rc = entx_sales_insert_pick(db, line_id, p->lot_id, p->location_id, p->qty);
        }
        sum[i].product_id = l->product_id;
        sum[i].origin = s->o[i].origin;
        sum[i].amount = s->o[i].amount;
        sum[i].units = entx_sales_line_units(l->unit, s->o[i].qty);
    }
    for (int k = 0; k < NMETHODS && rc == ENT_OK; k++)
        if (b->paid[k] > 0)
            rc = entx_sales_insert_pay(db, *sale_id, entx_sales_methods[k], s->applied[k], b->paid[k],
                                       b->paid[k] - s->applied[k]);
    if (rc == ENT_OK)
        rc = entx_sales_sum_add(db, &(struct sales_sum){.day = s->day,
                                                        .hour = s->hour,
                                                        .counter = b->counter,
                                                        .cashier = b->cashier,
                                                        .total = s->t->total,
                                                        .units = s->t->units,
                                                        .lines = sum,
                                                        .n = s->n});
    free(sum);
    return rc;
}

static int journal_sale(ent_basket *b, ent_journal *j, ent_journal_written *w, const struct co_sale *s)
{
    size_t ntax = 0, npay = 0;
    ent_journal_line *jl = calloc(s->n ? s->n : 1, sizeof *jl);
    int32_t *rates = calloc(s->n ? s->n : 1, sizeof *rates);
    int64_t *amounts = calloc(s->n ? s->n : 1, sizeof *amounts), *taxes = calloc(s->n ? s->n : 1, sizeof *taxes);
    ent_journal_tax *jt = NULL;
    ent_journal_pay jp[NMETHODS];
    int rc = ENT_OK;
    if (!jl || !rates || !amounts || !taxes) {
        rc = entx_fail(b->db, ENT_ERROR, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < s->n; i++) {
        const ent_basket_line *l = s->o[i].l;
        jl[i] = (ent_journal_line){l->code,       s->o[i].lots,     l->name,        s->o[i].qty,
                                   l->unit_price, s->o[i].discount, s->o[i].amount, l->tax_rate};
        rates[i] = l->tax_rate;
        amounts[i] = s->o[i].amount;
        taxes[i] = s->o[i].tax;
    }
    if (entx_sales_taxes(&jt, &ntax, rates, amounts, taxes, s->n) != ENT_OK) {
        rc = entx_fail(b->db, ENT_ERROR, "out of memory");
        goto done;
    }
    for (int k = 0; k < NMETHODS; k++)
        if (b->paid[k] > 0)
            jp[npay++] = (ent_journal_pay){entx_sales_methods[k], s->applied[k]};
    ent_journal_record rec = {0};
    rec.kind = ENT_JOURNAL_SALE;
    rec.uuid = s->uuid;
    rec.time = s->now;
    rec.counter = b->counter;
    rec.cashier = b->cashier;
    rec.taxes = jt;
    rec.ntaxes = ntax;
    rec.pays = jp;
    rec.npays = npay;
    rec.lines = jl;
    rec.nlines = s->n;
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
    char uuid[ENT_UUID_SIZE], now[ENT_TIME_SIZE], day[ENT_DATE_SIZE];
    int64_t applied[NMETHODS], sale_id = 0;
    int hour, rc;
    if (out)
        *out = NULL;
    if (b == NULL)
        return entx_error_set(ENT_INVALID, "no basket given");
    ent_db *db = b->db;
    nlines = b->n;
    entx_ok(db);
    if (j == NULL)
        return entx_fail(db, ENT_REFUSED, "no journal is open, so nothing can be sold");
    ent_basket_totals_get(b, &t);
    if (b->n == 0)
        return entx_fail(db, ENT_INVALID, "the basket is empty");
    if (t.total > ENT_SALE_MAX_AMOUNT) {
        char a[ENT_MONEY_TEXT_SIZE], m[ENT_MONEY_TEXT_SIZE];
        ent_money_format(a, sizeof a, t.total, b->currency);
        ent_money_format(m, sizeof m, ENT_SALE_MAX_AMOUNT, b->currency);
        return entx_fail(db, ENT_INVALID, "a total of %s is more than one sale may be (at most %s): split it", a, m);
    }
    if (t.due > 0) {
        char d[ENT_MONEY_TEXT_SIZE];
        ent_money_format(d, sizeof d, t.due, b->currency);
        return entx_fail(db, ENT_INVALID, "%s is still due", d);
    }
    /* Change comes out of the cash drawer only. */
    memcpy(applied, b->paid, sizeof applied);
    if (-t.due > applied[0])
        return entx_fail(db, ENT_INVALID, "only cash gives change");
    applied[0] += t.due;
    co = calloc(b->n, sizeof *co);
    if (co == NULL)
        return entx_fail(db, ENT_ERROR, "out of memory");
    entx_uuid_new(uuid);
    entx_now_utc(now);
    if ((rc = entx_sales_local(db, day, &hour, now)) != ENT_OK || (rc = entx_sales_durable(db)) != ENT_OK)
        goto done;
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        goto done;
    rc = take_stock(b, co, uuid, day);
    if (rc == ENT_OK && (rc = split_lines(b, co, &o, &nout)) == ENT_OK) {
        /* Split lines round their own tax: the sale's tax is theirs. */
        t.tax = 0;
        t.units = 0;
        for (size_t i = 0; i < nout; i++) {
            t.tax += o[i].tax;
            t.units += entx_sales_line_units(o[i].l->unit, o[i].qty);
        }
    }
    const struct co_sale sale = {
        .o = o, .n = nout, .uuid = uuid, .now = now, .day = day, .hour = hour, .t = &t, .applied = applied};
    if (rc == ENT_OK)
        rc = journal_sale(b, j, &w, &sale);
    if (rc == ENT_OK)
        rc = write_sale(b, &sale_id, &w, &sale);
    if (rc == ENT_OK) /* a kept basket's lines go with the sale, never apart from it */
        rc = entx_basket_kept_paid(b);
    rc = entx_tx_end(db, rc);
    if (rc != ENT_OK)
        goto done;
    /* Committed: the sale stands even if reading it back fails. */
    ent_basket_clear(b);
    if (out && entx_sales_read(db, out, sale_id) != ENT_OK)
        *out = NULL;
done:
    for (size_t i = 0; co && i < nlines; i++)
        free(co[i].picks);
    free(co);
    free(o);
    return rc;
}
