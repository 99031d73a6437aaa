/* Working out the landed cost of a declaration's lots (the rule is in
 * purchase.h and the README's worked example). */
#include <stdlib.h>
#include <string.h>

#include "entrepot/country.h"
#include "entrepot/purchase.h"
#include "internal.h"
#include "purchase_internal.h"
#include "stock_internal.h"
#include "user_internal.h"

#define NCHARGES 6

struct decl {
    int64_t id, charge[NCHARGES];
    char day[ENT_DATE_SIZE], basis[16], cur[ENT_CURRENCY_SIZE];
};

struct lotrow {
    ent_landed_lot l;
    int64_t lot_id, cost, w;
    char unit[ENT_UNIT_SIZE], *sku, *name;
    bool costed;
};

static int64_t pow10i(int n)
{
    int64_t p = 1;
    while (n-- > 0)
        p *= 10;
    return p;
}

/* a * b / c rounded half up, all non-negative; -1 when it does not fit. */
static int64_t muldiv_round(__int128 a, __int128 b, __int128 c)
{
    __int128 q = (a * b + c / 2) / c;
    return q > INT64_MAX ? -1 : (int64_t)q;
}

static int read_decl(ent_db *db, struct decl *d, const char *number)
{
    if (entx_empty(number))
        return entx_fail(db, ENT_INVALID, "no declaration number given");
    sqlite3_stmt *st = entx_stmt(db, "SELECT d.id, d.day, d.basis, d.duty, d.import_vat, d.consumption_tax, "
                                     "d.freight, d.insurance, d.other, s.currency FROM declaration d, store s "
                                     "WHERE d.number = ? AND s.id = 1");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
    int rc = ENT_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        d->id = sqlite3_column_int64(st, 0);
        entx_col_copy(st, d->day, sizeof d->day, 1);
        entx_col_copy(st, d->basis, sizeof d->basis, 2);
        for (int i = 0; i < NCHARGES; i++)
            d->charge[i] = sqlite3_column_int64(st, 3 + i);
        entx_col_copy(st, d->cur, sizeof d->cur, 9);
    } else {
        rc = entx_fail(db, ENT_NOTFOUND, "no customs declaration '%s' with charges entered", ENT_CLIP(number, 40));
    }
    sqlite3_reset(st);
    return rc;
}

/* The commodity of a lot: its codes, name, unit and grams per unit. */
static int read_product(ent_db *db, struct lotrow *r, int64_t product_id)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT gtin, sku, COALESCE(name_zh, name_en), unit, "
                                     "CASE WHEN unit = 'g' THEN 1 WHEN net_unit = 'g' THEN net_content ELSE 0 END "
                                     "FROM product WHERE id = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, product_id);
    int rc = ENT_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        entx_col_copy(st, r->l.gtin, sizeof r->l.gtin, 0);
        r->sku = entx_col_strdup(st, 1);
        r->name = entx_col_strdup(st, 2);
        entx_col_copy(st, r->unit, sizeof r->unit, 3);
        int64_t grams_per = sqlite3_column_int64(st, 4);
        r->l.weight = grams_per > 0 && !__builtin_mul_overflow(r->l.qty, grams_per, &r->l.weight) ? r->l.weight : 0;
    } else {
        rc = entx_fail_sql(db, "reading the commodity of a lot");
    }
    sqlite3_reset(st);
    return rc;
}

struct lots {
    struct lotrow *v;
    size_t n, cap;
};

static int add_lot(ent_db *db, const struct entx_declared_lot *d, void *ud)
{
    struct lots *ls = ud;
    if (ls->n == ls->cap) {
        size_t cap = ls->cap ? ls->cap * 2 : 16;
        struct lotrow *v = realloc(ls->v, cap * sizeof *v);
        if (v == NULL)
            return entx_fail(db, ENT_ERROR, "out of memory");
        ls->v = v, ls->cap = cap;
    }
    struct lotrow *r = &ls->v[ls->n++];
    memset(r, 0, sizeof *r);
    r->lot_id = d->lot_id;
    memcpy(r->l.lot_uuid, d->uuid, sizeof r->l.lot_uuid);
    snprintf(r->l.lot, sizeof r->l.lot, "%s", d->code);
    r->costed = d->costed;
    r->cost = d->unit_cost;
    memcpy(r->l.currency, d->currency, sizeof r->l.currency);
    r->l.qty = d->received;
    return read_product(db, r, d->product_id);
}

/* Lot code, then the commodity (GTIN, else SKU), then the lot's id: the
 * order that breaks a tie for the remainder (purchase.h). */
static int lot_order(const void *pa, const void *pb)
{
    const struct lotrow *a = pa, *b = pb;
    int c = strcmp(a->l.lot, b->l.lot);
    if (c == 0)
        c = strcmp(a->l.gtin[0] ? a->l.gtin : a->sku ? a->sku : "", b->l.gtin[0] ? b->l.gtin : b->sku ? b->sku : "");
    return c ? c : (a->lot_id > b->lot_id) - (a->lot_id < b->lot_id);
}

/* The lots that carry the number, with what was received of each, as the
 * stock module gives them. */
static int read_lots(ent_db *db, struct lotrow **out, size_t *n, const char *number)
{
    struct lots ls = {0};
    int rc = entx_stock_declared_lots(db, number, add_lot, &ls);
    if (rc == ENT_OK && ls.n > 1)
        qsort(ls.v, ls.n, sizeof *ls.v, lot_order);
    *out = ls.v;
    *n = ls.n;
    return rc;
}

/* The rate of currency on the latest day on or before day. */
static int find_rate(ent_db *db, int64_t *rate, char rate_day[ENT_DATE_SIZE], const char *currency, const char *day)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT rate, day FROM exchange_rate WHERE currency = ? AND day <= ? "
                                     "ORDER BY day DESC LIMIT 1");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, currency, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
    int rc = ENT_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *rate = sqlite3_column_int64(st, 0);
        entx_col_copy(st, rate_day, ENT_DATE_SIZE, 1);
    } else {
        rc = entx_fail(db, ENT_REFUSED, "no exchange rate for %s on or before %s: enter one (none is invented)",
                       currency, day);
    }
    sqlite3_reset(st);
    return rc;
}

/* Goods value of a lot, in its currency then in the store's. */
static int value_lot(ent_db *db, struct lotrow *r, const struct decl *d)
{
    const ent_currency *from, *to;
    if (!r->costed)
        return entx_fail(db, ENT_REFUSED, "lot %s has no cost: its goods value is unknown", r->l.lot);
    bool by_kilo = strcmp(r->unit, "pcs") != 0;
    r->l.goods_foreign = muldiv_round(r->l.qty, r->cost, by_kilo ? 1000 : 1);
    if (strcmp(r->l.currency, d->cur) == 0) {
        r->l.rate = ENT_RATE_SCALE;
        memcpy(r->l.rate_day, d->day, ENT_DATE_SIZE);
        r->l.goods = r->l.goods_foreign;
    } else {
        int rc = find_rate(db, &r->l.rate, r->l.rate_day, r->l.currency, d->day);
        if (rc != ENT_OK)
            return rc;
        if (ent_currency_lookup(&from, r->l.currency) != ENT_OK || ent_currency_lookup(&to, d->cur) != ENT_OK)
            return entx_fail(db, ENT_ERROR, "the currencies of lot %s cannot be read", r->l.lot);
        /* foreign minor x rate / 10^6 x 10^(store digits) / 10^(foreign digits) */
        __int128 num = (__int128)r->l.goods_foreign * r->l.rate * pow10i(to->digits);
        __int128 den = (__int128)ENT_RATE_SCALE * pow10i(from->digits);
        r->l.goods = muldiv_round(num, 1, den);
    }
    if (r->l.goods_foreign < 0 || r->l.goods < 0)
        return entx_fail(db, ENT_REFUSED, "the goods value of lot %s does not fit in 64 bits", r->l.lot);
    return ENT_OK;
}

static int64_t *part_of(ent_landed_lot *l, int i)
{
    int64_t *parts[NCHARGES] = {&l->duty, &l->import_vat, &l->consumption_tax, &l->freight, &l->insurance, &l->other};
    return parts[i];
}

/* Spreads every charge by the weights w: floors, the remainder on the lot
 * with the largest w (the first of equals: the lots are in code order). */
static int spread(ent_db *db, struct lotrow *v, size_t n, const struct decl *d)
{
    __int128 total = 0;
    size_t big = 0;
    for (size_t i = 0; i < n; i++) {
        total += v[i].w;
        if (v[i].w > v[big].w)
            big = i;
    }
    if (total == 0)
        return entx_fail(db, ENT_REFUSED, "the lots of declaration have no %s to spread the charges by", d->basis);
    v[big].l.remainder = true;
    for (int c = 0; c < NCHARGES; c++) {
        int64_t given = 0;
        for (size_t i = 0; i < n; i++) {
            *part_of(&v[i].l, c) = (int64_t)((__int128)d->charge[c] * v[i].w / total);
            given += *part_of(&v[i].l, c);
        }
        *part_of(&v[big].l, c) += d->charge[c] - given;
    }
    for (size_t i = 0; i < n; i++) {
        ent_landed_lot *l = &v[i].l;
        __int128 sum = (__int128)l->goods + l->duty + l->import_vat + l->consumption_tax + l->freight + l->insurance +
                       l->other;
        if (sum > INT64_MAX)
            return entx_fail(db, ENT_REFUSED, "the landed cost of lot %s does not fit in 64 bits", l->lot);
        l->landed = (int64_t)sum;
        l->unit = l->qty > 0 ? muldiv_round(l->landed, strcmp(v[i].unit, "pcs") ? 1000 : 1, l->qty) : 0;
    }
    return ENT_OK;
}

static int store_rows(ent_db *db, const struct lotrow *v, size_t n, const struct decl *d)
{
    sqlite3_stmt *st = entx_stmt(db, "DELETE FROM landed_lot WHERE declaration_id = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, d->id);
    int rc = entx_exec_stmt(db, st);
    char now[ENT_TIME_SIZE];
    entx_now_utc(now);
    for (size_t i = 0; rc == ENT_OK && i < n; i++) {
        const ent_landed_lot *l = &v[i].l;
        st = entx_stmt(db, "INSERT INTO landed_lot(declaration_id, lot_id, qty, goods_foreign, currency, rate, "
                           "rate_day, goods, duty, import_vat, consumption_tax, freight, insurance, other, landed, "
                           "remainder, computed_at, computed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                           "?, ?, ?, ?)");
        if (st == NULL)
            return db->code;
        const int64_t ints[] = {d->id, v[i].lot_id, l->qty, l->goods_foreign};
        for (int k = 0; k < 4; k++)
            sqlite3_bind_int64(st, 1 + k, ints[k]);
        sqlite3_bind_text(st, 5, l->currency, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 6, l->rate);
        sqlite3_bind_text(st, 7, l->rate_day, -1, SQLITE_TRANSIENT);
        const int64_t money[] = {l->goods, l->duty, l->import_vat, l->consumption_tax, l->freight, l->insurance, l->other, l->landed};
        for (int k = 0; k < 8; k++)
            sqlite3_bind_int64(st, 8 + k, money[k]);
        sqlite3_bind_int(st, 16, l->remainder);
        sqlite3_bind_text(st, 17, now, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 18, entx_actor(db), -1, SQLITE_TRANSIENT);
        rc = entx_exec_stmt(db, st);
    }
    return rc;
}

static int compute_in_tx(ent_db *db, struct lotrow **v, size_t *n, const char *number)
{
    struct decl d;
    int rc;
    if ((rc = read_decl(db, &d, number)) != ENT_OK || (rc = read_lots(db, v, n, number)) != ENT_OK)
        return rc;
    if (*n == 0)
        return entx_fail(db, ENT_REFUSED, "no lot carries declaration %s: receive its goods first", ENT_CLIP(number, 40));
    for (size_t i = 0; i < *n; i++) {
        struct lotrow *r = &(*v)[i];
        if ((rc = value_lot(db, r, &d)) != ENT_OK)
            return rc;
        if (strcmp(d.basis, "weight") == 0 && r->l.weight <= 0)
            return entx_fail(db, ENT_REFUSED,
                             "the weight of lot %s is unknown: its commodity's net content is not in g or kg",
                             r->l.lot);
        r->w = strcmp(d.basis, "value") == 0 ? r->l.goods : strcmp(d.basis, "weight") == 0 ? r->l.weight : r->l.qty;
    }
    if ((rc = spread(db, *v, *n, &d)) != ENT_OK)
        return rc;
    return store_rows(db, *v, *n, &d);
}

int ent_landed_compute(ent_db *db, const char *declaration, ent_landed_cb cb, void *ud)
{
    struct lotrow *v = NULL;
    size_t n = 0;
    entx_ok(db);
    int rc = entx_tx_begin(db);
    if (rc != ENT_OK)
        return rc;
    rc = entx_tx_end(db, compute_in_tx(db, &v, &n, declaration));
    for (size_t i = 0; rc == ENT_OK && cb && i < n; i++) {
        v[i].l.sku = v[i].sku ? v[i].sku : "";
        v[i].l.name = v[i].name ? v[i].name : "";
        rc = cb(&v[i].l, ud);
    }
    for (size_t i = 0; i < n; i++) {
        free(v[i].sku);
        free(v[i].name);
    }
    free(v);
    return rc;
}
