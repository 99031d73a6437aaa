/* Sales: returns, with or without the receipt, in one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/catalog.h"
#include "entrepot/money.h"
#include "entrepot/scan.h"
#include "catalog_internal.h" /* ENT_PRODUCT_LABEL_SIZE */
#include "sales_internal.h"
#include "stock_internal.h"

/* A sold line with what can still come back. */
struct sold {
    int64_t line_id, sale_id, product_id;
    char code[ENT_PRODUCT_CODE_SIZE], lot[ENT_LOT_SIZE], origin[ENT_COUNTRY_SIZE], unit[ENT_UNIT_SIZE];
    char *name;
    int64_t qty, unit_price, discount, amount, returned_qty, returned_amount;
    int32_t rate;
    int64_t take; /* units this return takes back */
};

struct ret {
    ent_db *db;
    const ent_return_req *req;
    int64_t location_id;    /* 0: where each unit came from */
    struct sold *lines;
    size_t n, cap;
    int64_t ref_sale;       /* the (first) sale taken back */
    char ref_uuid[ENT_UUID_SIZE];
};

static void ret_free(struct ret *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->lines[i].name);
    free(r->lines);
}

static int add_sold(struct ret *r, sqlite3_stmt *st)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->lines[i].line_id == sqlite3_column_int64(st, 0))
            return ENT_OK;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 8;
        struct sold *nl = realloc(r->lines, cap * sizeof *nl);
        if (nl == NULL)
            return entx_fail(r->db, ENT_ERROR, "out of memory");
        r->lines = nl;
        r->cap = cap;
    }
    struct sold *s = &r->lines[r->n++];
    memset(s, 0, sizeof *s);
    s->line_id = sqlite3_column_int64(st, 0);
    s->sale_id = sqlite3_column_int64(st, 1);
    s->product_id = sqlite3_column_int64(st, 2);
    entx_col_copy(st, s->code, sizeof s->code, 3);
    entx_col_copy(st, s->lot, sizeof s->lot, 4);
    entx_col_copy(st, s->origin, sizeof s->origin, 5);
    entx_col_copy(st, s->unit, sizeof s->unit, 6);
    s->name = entx_col_strdup(st, 7);
    s->qty = sqlite3_column_int64(st, 8);
    s->unit_price = sqlite3_column_int64(st, 9);
    s->discount = sqlite3_column_int64(st, 10);
    s->amount = sqlite3_column_int64(st, 11);
    s->rate = sqlite3_column_int(st, 12);
    s->returned_qty = sqlite3_column_int64(st, 13);
    s->returned_amount = sqlite3_column_int64(st, 14);
    return s->name ? ENT_OK : entx_fail(r->db, ENT_ERROR, "out of memory");
}

/* Loads the lines of one sale, or the sold lines of one commodity that
 * still have units to come back, latest first. */
static int load_sold(struct ret *r, int64_t sale_id, int64_t product_id)
{
    static const char by_sale[] =
        "SELECT l.id, l.sale_id, l.product_id, l.code, l.lot, l.origin, l.unit, l.name, l.qty, l.unit_price, "
        "       l.discount, l.amount, l.tax_rate, "
        "       COALESCE((SELECT -SUM(r.qty) FROM sale_line r WHERE r.ref_line = l.id), 0), "
        "       COALESCE((SELECT -SUM(r.amount) FROM sale_line r WHERE r.ref_line = l.id), 0) "
        "FROM sale_line l WHERE l.sale_id = ? ORDER BY l.line";
    static const char by_product[] =
        "SELECT l.id, l.sale_id, l.product_id, l.code, l.lot, l.origin, l.unit, l.name, l.qty, l.unit_price, "
        "       l.discount, l.amount, l.tax_rate, "
        "       COALESCE((SELECT -SUM(r.qty) FROM sale_line r WHERE r.ref_line = l.id), 0), "
        "       COALESCE((SELECT -SUM(r.amount) FROM sale_line r WHERE r.ref_line = l.id), 0) "
        "FROM sale_line l JOIN sale s ON s.id = l.sale_id "
        "WHERE l.product_id = ? AND s.kind = 'sale' ORDER BY l.id DESC";
    sqlite3_stmt *st = entx_stmt(r->db, sale_id ? by_sale : by_product);
    int sc, rc = ENT_OK;
    if (st == NULL)
        return r->db->code;
    sqlite3_bind_int64(st, 1, sale_id ? sale_id : product_id);
    while (rc == ENT_OK && (sc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sale_id == 0 && sqlite3_column_int64(st, 8) <= sqlite3_column_int64(st, 13))
            continue; /* all back already */
        rc = add_sold(r, st);
    }
    sqlite3_reset(st);
    return rc;
}

/* The commodity a code names, read as the counter reads it (the store's
 * in-store layouts, so the scale's label of a weighed bag is understood);
 * *weight is what such a label weighed, else 0. */
static int product_of(ent_db *db, const char *code, int64_t *id, int64_t *weight, char *name, size_t len)
{
    ent_scan s;
    ent_scan_config cfg;
    ent_scan_match *m = NULL;
    int rc = ent_scan_config_load(db, &cfg);
    if (rc != ENT_OK)
        return rc;
    if (ent_scan_parse(&s, code, strlen(code), &cfg) != ENT_OK)
        return entx_fail(db, ENT_INVALID, "%s", entx_why());
    rc = ent_scan_resolve(db, &m, &s);
    if (rc == ENT_OK) {
        *id = m->product_id;
        *weight = s.has_measure && strcmp(m->unit, "pcs") != 0 ? m->qty : 0;
        snprintf(name, len, "%s %s", m->code, m->name);
    }
    ent_scan_match_free(m);
    return rc;
}

/* Decides how many units of which sold lines come back. */
static int allocate(struct ret *r)
{
    const ent_return_req *q = r->req;
    int rc = ENT_OK;
    bool with_receipt = q->receipt && *q->receipt;
    if (with_receipt && q->nitems == 0) {
        for (size_t i = 0; i < r->n; i++)
            r->lines[i].take = r->lines[i].qty - r->lines[i].returned_qty;
    }
    for (size_t k = 0; k < q->nitems && rc == ENT_OK; k++) {
        int64_t pid = 0, want = q->items[k].qty, weight = 0, left;
        char what[ENT_PRODUCT_LABEL_SIZE];
        if (q->items[k].code == NULL || want < 0)
            return entx_fail(r->db, ENT_INVALID, "item %zu: a code and a quantity of 0 or more are needed", k + 1);
        if ((rc = product_of(r->db, q->items[k].code, &pid, &weight, what, sizeof what)) != ENT_OK)
            return rc;
        if (want == 0)
            want = weight; /* one weighed bag back, not all of that commodity */
        if (!with_receipt && (rc = load_sold(r, 0, pid)) != ENT_OK)
            return rc;
        int64_t can = 0, sold = 0, back = 0;
        for (size_t i = 0; i < r->n; i++) {
            struct sold *s = &r->lines[i];
            if (s->product_id != pid)
                continue;
            can += s->qty - s->returned_qty - s->take;
            sold += s->qty;
            back += s->returned_qty;
        }
        if (sold == 0)
            return entx_fail(r->db, ENT_REFUSED, with_receipt ? "%s is not on receipt %s" : "%s: no sale of it is on record "
                            "with units left to return%s", what, with_receipt ? q->receipt : "");
        if (want == 0)
            want = can;
        if (want == 0 || want > can)
            return entx_fail(r->db, ENT_REFUSED, "%s: %lld asked back, but only %lld can still be returned (%lld sold, "
                            "%lld returned before)", what, (long long)(want ? want : 1), (long long)can,
                            (long long)sold, (long long)back);
        left = want;
        for (size_t i = 0; i < r->n && left > 0; i++) {
            struct sold *s = &r->lines[i];
            if (s->product_id != pid)
                continue;
            int64_t n = s->qty - s->returned_qty - s->take;
            if (n > left)
                n = left;
            s->take += n;
            left -= n;
        }
    }
    int64_t units = 0;
    for (size_t i = 0; i < r->n; i++) {
        units += r->lines[i].take;
        if (r->lines[i].take > 0 && r->ref_sale == 0)
            r->ref_sale = r->lines[i].sale_id;
    }
    if (units == 0)
        return entx_fail(r->db, ENT_REFUSED, "everything on receipt %s has already been returned",
                        q->receipt ? q->receipt : "");
    return ENT_OK;
}

/* The refund of n units of a sold line: its share of the amount paid, and
 * exactly what is left when the last units come back, so that rounding
 * never refunds a cent more or less than was paid. */
static int64_t refund_of(const struct sold *s)
{
    if (s->returned_qty + s->take == s->qty)
        return s->amount - s->returned_amount;
    return entx_muldiv(s->amount, s->take, s->qty);
}

/* Puts the units of one line back: into the lots it was sold from (those
 * with units still out), at the returns location or where they were. */
static int put_back(struct ret *r, const struct sold *s, int64_t return_line, const char *batch)
{
    sqlite3_stmt *st = entx_stmt(r->db,
        "SELECT p.lot_id, min(p.location_id) FILTER (WHERE p.qty > 0), sum(p.qty) FROM sale_pick p "
        "JOIN sale_line l ON l.id = p.line_id WHERE l.id = ?1 OR l.ref_line = ?1 "
        "GROUP BY p.lot_id HAVING sum(p.qty) > 0 ORDER BY p.lot_id");
    int64_t left = s->take, lots[16][3];
    size_t n = 0;
    int rc = ENT_OK;
    if (st == NULL)
        return r->db->code;
    sqlite3_bind_int64(st, 1, s->line_id);
    while (n < 16 && sqlite3_step(st) == SQLITE_ROW) {
        lots[n][0] = sqlite3_column_int64(st, 0);
        lots[n][1] = sqlite3_column_int64(st, 1);
        lots[n][2] = sqlite3_column_int64(st, 2);
        n++;
    }
    sqlite3_reset(st);
    for (size_t i = 0; i < n && left > 0 && rc == ENT_OK; i++) {
        int64_t q = lots[i][2] < left ? lots[i][2] : left;
        int64_t loc = r->location_id ? r->location_id : lots[i][1];
        rc = entx_stock_apply(r->db, &(struct stock_move){.batch = batch,
                                                          .kind = "return",
                                                          .product_id = s->product_id,
                                                          .lot_id = lots[i][0],
                                                          .location_id = loc,
                                                          .delta = q,
                                                          .reason = r->req->reason,
                                                          /* the handle's user; the return names the cashier */
                                                          .user = NULL});
        if (rc == ENT_OK)
            rc = entx_sales_insert_pick(r->db, return_line, lots[i][0], loc, -q);
        left -= q;
    }
    if (rc == ENT_OK && left > 0)
        rc = entx_fail(r->db, ENT_ERROR, "the lots of %s do not account for %lld returned units", s->code,
                      (long long)left);
    return rc;
}

/* Refunds go back the way the sale was paid: card and wallet first, up to
 * what each paid less earlier refunds, the rest in cash. */
static int refund_split(struct ret *r, int64_t refund, int64_t out[3], bool with_receipt)
{
    static const char *const m[3] = {"card", "wallet", "cash"};
    memset(out, 0, 3 * sizeof *out);
    if (!with_receipt) {
        out[2] = refund;
        return ENT_OK;
    }
    sqlite3_stmt *st = entx_stmt(r->db,
        "SELECT COALESCE(SUM(p.amount), 0) FROM sale_pay p JOIN sale s ON s.id = p.sale_id "
        "WHERE p.method = ?2 AND (s.id = ?1 OR s.ref_id = ?1)");
    if (st == NULL)
        return r->db->code;
    int64_t left = refund;
    for (int k = 0; k < 2 && left > 0; k++) {
        sqlite3_bind_int64(st, 1, r->ref_sale);
        sqlite3_bind_text(st, 2, m[k], -1, SQLITE_STATIC);
        int64_t open = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_reset(st);
        out[k] = open < left ? (open > 0 ? open : 0) : left;
        left -= out[k];
    }
    out[2] = left;
    return ENT_OK;
}

/* When a return is written and under which id: now in UTC, day and hour
 * the store's local ones. */
struct ret_when {
    const char *uuid, *now, *day;
    int hour;
};

static int write_return(struct ret *r, int64_t *id, ent_journal *j, const struct ret_when *at, bool with_receipt)
{
    static const char *const m[3] = {"card", "wallet", "cash"};
    const ent_return_req *q = r->req;
    ent_db *db = r->db;
    size_t n = 0, ntax = 0, npay = 0;
    int64_t total = 0, tax = 0, units = 0, split[3];
    ent_journal_line *jl = calloc(r->n + 1, sizeof *jl);
    int32_t *rates = calloc(r->n + 1, sizeof *rates);
    int64_t *amounts = calloc(r->n + 1, sizeof *amounts), *taxes = calloc(r->n + 1, sizeof *taxes);
    struct sales_sum_line *sum = calloc(r->n + 1, sizeof *sum);
    ent_journal_tax *jt = NULL;
    ent_journal_pay jp[3];
    ent_journal_written w;
    int rc = ENT_OK;
    if (!jl || !rates || !amounts || !taxes || !sum) {
        rc = entx_fail(db, ENT_ERROR, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < r->n; i++) {
        const struct sold *s = &r->lines[i];
        if (s->take == 0)
            continue;
        int64_t amount = -refund_of(s);
        jl[n] = (ent_journal_line){s->code, s->lot, s->name, -s->take, s->unit_price,
                                   entx_muldiv(s->discount, s->take, s->qty), amount, s->rate};
        rates[n] = s->rate;
        amounts[n] = amount;
        taxes[n] = entx_sales_tax(amount, s->rate);
        sum[n] = (struct sales_sum_line){s->product_id, s->origin, amount, -entx_sales_line_units(s->unit, s->take)};
        /* Lines of many sales may come back at once (without the receipt):
         * each is bounded, their sums are checked. */
        if (__builtin_add_overflow(total, amount, &total) || __builtin_add_overflow(tax, taxes[n], &tax) ||
            __builtin_add_overflow(units, sum[n].units, &units)) {
            rc = entx_fail(db, ENT_INVALID, "the refund is more than can be counted: take the goods back in parts");
            goto done;
        }
        n++;
    }
    if ((rc = entx_sales_taxes(&jt, &ntax, rates, amounts, taxes, n)) != ENT_OK) {
        rc = entx_fail(db, ENT_ERROR, "out of memory");
        goto done;
    }
    if ((rc = refund_split(r, -total, split, with_receipt)) != ENT_OK)
        goto done;
    for (int k = 0; k < 3; k++)
        if (split[k] > 0)
            jp[npay++] = (ent_journal_pay){m[k], -split[k]};
    if (npay == 0) /* a refund of zero (a free item) still names how */
        jp[npay++] = (ent_journal_pay){"cash", 0};
    ent_journal_record rec = {0};
    rec.kind = q->void_sale ? ENT_JOURNAL_VOID : ENT_JOURNAL_RETURN;
    rec.uuid = at->uuid;
    rec.time = at->now;
    rec.counter = q->counter;
    rec.cashier = q->cashier;
    rec.ref = r->ref_uuid;
    rec.note = q->reason;
    rec.taxes = jt;
    rec.ntaxes = ntax;
    rec.pays = jp;
    rec.npays = npay;
    rec.lines = jl;
    rec.nlines = n;
    if ((rc = ent_journal_append(j, &w, &rec)) != ENT_OK)
        goto done;
    /* The sales tables have no kind for a void: its note says it, as the
     * journal's kind does. */
    char note[220];
    snprintf(note, sizeof note, "%s%s%s", q->void_sale ? "VOID" : "", q->void_sale && q->reason ? ": " : "",
             q->reason ? q->reason : "");
    const struct sales_row row = {.uuid = at->uuid,
                                  .receipt = w.seq,
                                  .kind = "return",
                                  .ref_id = r->ref_sale,
                                  .at = w.time,
                                  .day = at->day,
                                  .hour = at->hour,
                                  .counter = q->counter,
                                  .cashier = q->cashier,
                                  .total = total,
                                  .tax = tax,
                                  .units = units,
                                  .note = note[0] ? note : NULL,
                                  .qr = w.qr,
                                  .approved_by = q->approved_by && *q->approved_by ? q->approved_by : NULL};
    rc = entx_sales_insert_sale(db, id, &row);
    size_t k = 0;
    for (size_t i = 0; i < r->n && rc == ENT_OK; i++) {
        const struct sold *s = &r->lines[i];
        int64_t line_id;
        if (s->take == 0)
            continue;
        const struct sales_line_row lr = {.sale_id = *id,
                                          .line = (int)k + 1,
                                          .product_id = s->product_id,
                                          .code = s->code,
                                          .name = s->name,
                                          .origin = s->origin,
                                          .lots = s->lot,
                                          .unit = s->unit,
                                          .qty = -s->take,
                                          .unit_price = s->unit_price,
                                          .discount = jl[k].discount,
                                          .amount = amounts[k],
                                          .rate = s->rate,
                                          .tax = taxes[k],
                                          .ref_line = s->line_id};
        rc = entx_sales_insert_line(db, &line_id, &lr);
        if (rc == ENT_OK)
            rc = put_back(r, s, line_id, at->uuid);
        k++;
    }
    for (int p = 0; p < 3 && rc == ENT_OK; p++)
        if (split[p] > 0)
            rc = entx_sales_insert_pay(db, *id, m[p], -split[p], 0, 0);
    if (rc == ENT_OK)
        rc = entx_sales_sum_add(db, &(struct sales_sum){.day = at->day,
                                                        .hour = at->hour,
                                                        .counter = q->counter,
                                                        .cashier = q->cashier,
                                                        .is_return = true,
                                                        .total = total,
                                                        .units = units,
                                                        .lines = sum,
                                                        .n = n});
done:
    free(jl);
    free(rates);
    free(amounts);
    free(taxes);
    free(sum);
    free(jt);
    return rc;
}

/* A void undoes a sale the same day, whole, before anything of it came back. */
static int check_void(struct ret *r, int64_t sale_id, const char *today)
{
    sqlite3_stmt *st = entx_stmt(r->db, "SELECT day, receipt FROM sale WHERE id = ?");
    int rc = ENT_OK;
    if (st == NULL)
        return r->db->code;
    sqlite3_bind_int64(st, 1, sale_id);
    if (sqlite3_step(st) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), today) != 0)
        rc = entx_fail(r->db, ENT_REFUSED, "receipt %lld was sold on %s: only a sale of today can be voided; take "
                      "it back as a return", (long long)sqlite3_column_int64(st, 1), sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    for (size_t i = 0; rc == ENT_OK && i < r->n; i++)
        if (r->lines[i].returned_qty > 0)
            rc = entx_fail(r->db, ENT_REFUSED, "part of receipt %s was already returned: take the rest back as a "
                          "return", r->req->receipt);
    return rc;
}

int ent_sale_return(ent_db *db, ent_sale **out, ent_journal *j, const ent_return_req *req)
{
    struct ret r = {0};
    char uuid[ENT_UUID_SIZE], now[ENT_TIME_SIZE], day[ENT_DATE_SIZE], kind[ENT_LOCATION_KIND_SIZE];
    int64_t sale_id = 0, ret_id = 0;
    int hour, rc;
    if (out)
        *out = NULL;
    entx_ok(db);
    if (j == NULL)
        return entx_fail(db, ENT_REFUSED, "no journal is open, so no refund can be made");
    if (req == NULL)
        return entx_fail(db, ENT_INVALID, "no return was asked for");
    if ((rc = entx_sales_check_counter(db, req->counter)) != ENT_OK)
        return rc;
    if ((rc = entx_check_text(db, "cashier", req->cashier, 64, true)) != ENT_OK ||
        (rc = entx_check_text(db, "reason", req->reason, 200, false)) != ENT_OK ||
        (rc = entx_check_text(db, "approver", req->approved_by, 64, false)) != ENT_OK)
        return rc;
    bool with_receipt = req->receipt && *req->receipt;
    if (!with_receipt && req->nitems == 0)
        return entx_fail(db, ENT_INVALID, "without the receipt, name what comes back");
    if (req->void_sale && (!with_receipt || req->nitems > 0))
        return entx_fail(db, ENT_INVALID, "a void takes back a whole sale: give its receipt and no codes");
    r.db = db;
    r.req = req;
    if (req->location && *req->location) {
        if ((rc = entx_location_id(db, &r.location_id, kind, req->location)) != ENT_OK)
            return rc;
        if (strcmp(kind, "returns") != 0 && strcmp(kind, "shelf") != 0 && strcmp(kind, "backroom") != 0)
            return entx_fail(db, ENT_INVALID, "returned goods cannot go to %s, a %s location", req->location, kind);
    }
    entx_uuid_new(uuid);
    entx_now_utc(now);
    if ((rc = entx_sales_local(db, day, &hour, now)) != ENT_OK || (rc = entx_sales_durable(db)) != ENT_OK)
        return rc;
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    /* Everything below reads under the write lock, so two counters cannot
     * both take back the last unit of a receipt. */
    if (with_receipt) {
        rc = entx_sales_find(db, &sale_id, req->receipt);
        if (rc == ENT_OK) {
            sqlite3_stmt *st = entx_stmt(db, "SELECT kind FROM sale WHERE id = ?");
            if (st == NULL) {
                rc = db->code;
            } else {
                sqlite3_bind_int64(st, 1, sale_id);
                if (sqlite3_step(st) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "sale") != 0)
                    rc = entx_fail(db, ENT_INVALID, "receipt %s is a return, not a sale", req->receipt);
                sqlite3_reset(st);
            }
        }
        if (rc == ENT_OK)
            rc = load_sold(&r, sale_id, 0);
    }
    if (rc == ENT_OK && req->void_sale)
        rc = check_void(&r, sale_id, day);
    if (rc == ENT_OK)
        rc = allocate(&r);
    if (rc == ENT_OK) {
        sqlite3_stmt *st = entx_stmt(db, "SELECT uuid FROM sale WHERE id = ?");
        if (st == NULL) {
            rc = db->code;
        } else {
            sqlite3_bind_int64(st, 1, r.ref_sale);
            if (sqlite3_step(st) == SQLITE_ROW)
                entx_col_copy(st, r.ref_uuid, sizeof r.ref_uuid, 0);
            sqlite3_reset(st);
        }
    }
    if (rc == ENT_OK)
        rc = write_return(&r, &ret_id, j, &(struct ret_when){.uuid = uuid, .now = now, .day = day, .hour = hour},
                          with_receipt);
    rc = entx_tx_end(db, rc);
    if (rc == ENT_OK && out && entx_sales_read(db, out, ret_id) != ENT_OK)
        *out = NULL;
    ret_free(&r);
    return rc;
}
