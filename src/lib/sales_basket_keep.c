/*
 * Sales: baskets kept in the database (schema 14), so that the store
 * server's unpaid baskets outlive a restart. The server saves a basket in
 * the transaction of each change; the checkout removes its lines in the
 * sale's own transaction (entx_basket_kept_paid), so that a sale and the
 * basket it emptied can never both survive a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sales_internal.h"
#include "user_internal.h"

static int save_head(ent_basket *b, ent_basket_owner *o, const char *now)
{
    ent_db *db = b->db;
    sqlite3_stmt *st = entx_stmt(db, "INSERT INTO basket(counter, cashier, session_id, token_id, shelf_id, "
                                     "created_at, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7) "
                                     "ON CONFLICT(counter) DO UPDATE SET cashier = excluded.cashier, "
                                     "session_id = excluded.session_id, token_id = excluded.token_id, "
                                     "shelf_id = excluded.shelf_id, updated_at = excluded.updated_at, "
                                     "updated_by = excluded.updated_by RETURNING created_at");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, b->counter, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, o->cashier, -1, SQLITE_STATIC);
    if (o->session_id)
        sqlite3_bind_int64(st, 3, o->session_id);
    if (o->token_id)
        sqlite3_bind_int64(st, 4, o->token_id);
    if (b->shelf_id)
        sqlite3_bind_int64(st, 5, b->shelf_id);
    sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
    /* Whoever the handle acts for; the cashier when it acts for nobody. */
    sqlite3_bind_text(st, 7, *entx_actor(db) ? entx_actor(db) : o->cashier, -1, SQLITE_TRANSIENT);
    int sc = sqlite3_step(st);
    if (sc == SQLITE_ROW)
        entx_col_copy(st, o->created_at, sizeof o->created_at, 0);
    sc = sc == SQLITE_ROW ? sqlite3_step(st) : sc;
    sqlite3_reset(st);
    if (sc != SQLITE_DONE)
        return entx_fail_sql(db, "keeping a basket");
    snprintf(o->updated_at, sizeof o->updated_at, "%s", now);
    return ENT_OK;
}

/* Runs sql (a DELETE of one counter's rows, ?1 the counter). */
static int delete_of_counter(ent_db *db, const char *sql, const char *counter)
{
    sqlite3_stmt *st = entx_stmt(db, sql);
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, counter, -1, SQLITE_STATIC);
    return entx_exec_stmt(db, st);
}

static int delete_lines(ent_db *db, const char *counter)
{
    return delete_of_counter(db, "DELETE FROM basket_line WHERE counter = ?1", counter);
}

static int save_line(ent_basket *b, size_t i)
{
    ent_db *db = b->db;
    const struct bline *bl = &b->lines[i];
    const ent_basket_line *l = &bl->pub;
    sqlite3_stmt *st = entx_stmt(db, "INSERT INTO basket_line(counter, line, product_id, lot_id, code, name, origin, "
                                     "lot, unit, qty, list_price, unit_price, discount, amount, tax, fixed, tax_rate, "
                                     "price_reason, discount_reason, approved_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                                     "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, b->counter, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (int64_t)i + 1);
    sqlite3_bind_int64(st, 3, l->product_id);
    if (bl->lot_id)
        sqlite3_bind_int64(st, 4, bl->lot_id);
    sqlite3_bind_text(st, 5, l->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, l->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, l->origin, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, l->lot, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, l->unit, -1, SQLITE_STATIC);
    const int64_t nums[] = {l->qty, l->list_price, l->unit_price, l->discount, l->amount, l->tax, l->fixed, l->tax_rate};
    for (int k = 0; k < 8; k++)
        sqlite3_bind_int64(st, 10 + k, nums[k]);
    entx_bind_text_or_null(st, 18, l->price_reason);
    entx_bind_text_or_null(st, 19, l->discount_reason);
    entx_bind_text_or_null(st, 20, l->approved_by);
    return entx_exec_stmt(db, st);
}

int ent_basket_save(ent_basket *b, ent_basket_owner *o)
{
    char now[ENT_TIME_SIZE];
    int rc;
    if (b == NULL || o == NULL)
        return entx_error_set(ENT_INVALID, "no basket given");
    ent_db *db = b->db;
    entx_ok(db);
    if ((rc = entx_check_text(db, "cashier", o->cashier, ENT_CASHIER_SIZE - 1, true)) != ENT_OK)
        return rc;
    entx_now_utc(now);
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    rc = save_head(b, o, now);
    if (rc == ENT_OK)
        rc = delete_lines(db, b->counter);
    for (size_t i = 0; rc == ENT_OK && i < b->n; i++)
        rc = save_line(b, i);
    if ((rc = entx_tx_end(db, rc)) == ENT_OK)
        b->kept = true;
    return rc;
}

static int load_head(ent_db *db, ent_basket_owner *o, int64_t *shelf_id, const char *counter);

static int delete_payments(ent_db *db, const char *counter)
{
    return delete_of_counter(db, "DELETE FROM basket_payment WHERE counter = ?1", counter);
}

int entx_basket_kept_paid(ent_basket *b)
{
    if (!b->kept)
        return ENT_OK;
    int rc = delete_lines(b->db, b->counter);
    return rc == ENT_OK ? delete_payments(b->db, b->counter) : rc;
}

/* ---- payments held on a kept basket (schema 22) -------------------------- */

/* The kept basket's "changed at/by" for a change of its payments;
 * ENT_NOTFOUND when no basket is kept for counter. */
static int touch_head(ent_db *db, const char *counter, const char *now, const char *actor)
{
    sqlite3_stmt *st = entx_stmt(db, "UPDATE basket SET updated_at = ?2, updated_by = ?3 WHERE counter = ?1");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, counter, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, actor, -1, SQLITE_STATIC);
    int rc = entx_exec_stmt(db, st);
    if (rc == ENT_OK && sqlite3_changes(db->sql) == 0)
        rc = entx_fail(db, ENT_NOTFOUND, "no basket is kept for counter %s", ENT_CLIP(counter, 40));
    return rc;
}

/* Whoever the handle acts for, or the kept basket's cashier when it acts for
 * nobody (as save_head records it). */
static int payment_actor(ent_db *db, const char *counter, char actor[ENT_CASHIER_SIZE])
{
    if (*entx_actor(db)) {
        snprintf(actor, ENT_CASHIER_SIZE, "%s", entx_actor(db));
        return ENT_OK;
    }
    ent_basket_owner o;
    int64_t shelf_id = 0;
    int rc = load_head(db, &o, &shelf_id, counter);
    if (rc == ENT_OK)
        snprintf(actor, ENT_CASHIER_SIZE, "%s", o.cashier);
    return rc;
}

static int insert_payment(ent_db *db, const char *counter, const char *method, int64_t amount, const char *actor,
                          const char *now)
{
    sqlite3_stmt *st = entx_stmt(db, "INSERT INTO basket_payment(counter, method, amount, added_by, added_at) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, counter, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, method, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, amount);
    sqlite3_bind_text(st, 4, actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    return entx_exec_stmt(db, st);
}

int ent_basket_payment_add(ent_db *db, const char *counter, const char *method, int64_t amount)
{
    char now[ENT_TIME_SIZE], actor[ENT_CASHIER_SIZE];
    int rc;
    entx_ok(db);
    if ((rc = entx_sales_check_counter(db, counter)) != ENT_OK)
        return rc;
    bool known = false;
    for (int i = 0; method && i < NMETHODS; i++)
        known = known || strcmp(method, entx_sales_methods[i]) == 0;
    if (!known)
        return entx_fail(db, ENT_INVALID, "payment method '%s' must be cash, card or wallet",
                         ENT_CLIP(method ? method : "", 40));
    if (amount < 0)
        return entx_fail(db, ENT_INVALID, "a payment's amount must be 0 (the rest due) or more");
    if ((rc = payment_actor(db, counter, actor)) != ENT_OK)
        return rc;
    entx_now_utc(now);
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    rc = touch_head(db, counter, now, actor);
    if (rc == ENT_OK)
        rc = insert_payment(db, counter, method, amount, actor, now);
    return entx_tx_end(db, rc);
}

int ent_basket_payment_drop(ent_db *db, const char *counter, size_t n)
{
    char now[ENT_TIME_SIZE], actor[ENT_CASHIER_SIZE];
    int rc;
    entx_ok(db);
    if ((rc = entx_sales_check_counter(db, counter)) != ENT_OK)
        return rc;
    if ((rc = payment_actor(db, counter, actor)) != ENT_OK)
        return rc;
    entx_now_utc(now);
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(db, "DELETE FROM basket_payment WHERE id = (SELECT id FROM basket_payment "
                                     "WHERE counter = ?1 ORDER BY id LIMIT 1 OFFSET ?2)");
    rc = st == NULL ? db->code : ENT_OK;
    if (rc == ENT_OK && n >= 1) {
        sqlite3_bind_text(st, 1, counter, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (int64_t)n - 1);
        rc = entx_exec_stmt(db, st);
    }
    if (rc == ENT_OK && (n < 1 || sqlite3_changes(db->sql) == 0))
        rc = entx_fail(db, ENT_NOTFOUND, "the basket of counter %s holds no payment %zu", ENT_CLIP(counter, 40), n);
    if (rc == ENT_OK)
        rc = touch_head(db, counter, now, actor);
    return entx_tx_end(db, rc);
}

int ent_basket_payments_get(ent_db *db, ent_basket_payment *out, size_t *n, size_t max, const char *counter)
{
    entx_ok(db);
    *n = 0;
    sqlite3_stmt *st = entx_stmt(db, "SELECT method, amount, added_by, added_at FROM basket_payment "
                                     "WHERE counter = ?1 ORDER BY id");
    int sc, rc = ENT_OK;
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, counter ? counter : "", -1, SQLITE_STATIC);
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == max) {
            rc = entx_fail(db, ENT_INVALID, "the basket of counter %s holds more than %zu payments",
                           ENT_CLIP(counter, 40), max);
            break;
        }
        ent_basket_payment *p = &out[(*n)++];
        entx_col_copy(st, p->method, sizeof p->method, 0);
        p->amount = sqlite3_column_int64(st, 1);
        entx_col_copy(st, p->added_by, sizeof p->added_by, 2);
        entx_col_copy(st, p->added_at, sizeof p->added_at, 3);
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading a kept basket's payments");
    sqlite3_reset(st);
    return rc;
}

static int load_head(ent_db *db, ent_basket_owner *o, int64_t *shelf_id, const char *counter)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT cashier, session_id, token_id, shelf_id, created_at, updated_at "
                                     "FROM basket WHERE counter = ?1");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, counter, -1, SQLITE_STATIC);
    int sc = sqlite3_step(st), rc = ENT_OK;
    if (sc == SQLITE_ROW) {
        entx_col_copy(st, o->cashier, sizeof o->cashier, 0);
        o->session_id = sqlite3_column_int64(st, 1);
        o->token_id = sqlite3_column_int64(st, 2);
        *shelf_id = sqlite3_column_int64(st, 3);
        entx_col_copy(st, o->created_at, sizeof o->created_at, 4);
        entx_col_copy(st, o->updated_at, sizeof o->updated_at, 5);
    } else if (sc == SQLITE_DONE) {
        rc = entx_fail(db, ENT_NOTFOUND, "no basket is kept for counter %s", ENT_CLIP(counter, 40));
    } else {
        rc = entx_fail_sql(db, "reading a kept basket");
    }
    sqlite3_reset(st);
    return rc;
}

static void load_line(sqlite3_stmt *st, struct bline *bl)
{
    ent_basket_line *l = &bl->pub;
    memset(bl, 0, sizeof *bl);
    l->product_id = sqlite3_column_int64(st, 0);
    bl->lot_id = sqlite3_column_int64(st, 1);
    entx_col_copy(st, l->code, sizeof l->code, 2);
    entx_col_copy(st, l->name, sizeof l->name, 3);
    entx_col_copy(st, l->origin, sizeof l->origin, 4);
    entx_col_copy(st, l->lot, sizeof l->lot, 5);
    entx_col_copy(st, l->unit, sizeof l->unit, 6);
    l->qty = sqlite3_column_int64(st, 7);
    l->list_price = sqlite3_column_int64(st, 8);
    l->unit_price = sqlite3_column_int64(st, 9);
    l->discount = sqlite3_column_int64(st, 10);
    l->amount = sqlite3_column_int64(st, 11);
    l->tax = sqlite3_column_int64(st, 12);
    l->fixed = sqlite3_column_int64(st, 13);
    l->tax_rate = (int32_t)sqlite3_column_int64(st, 14);
    entx_col_copy(st, l->price_reason, sizeof l->price_reason, 15);
    entx_col_copy(st, l->discount_reason, sizeof l->discount_reason, 16);
    entx_col_copy(st, l->approved_by, sizeof l->approved_by, 17);
    entx_col_copy(st, l->sell_unit, sizeof l->sell_unit, 18);
    entx_col_copy(st, l->sell_unit_zh, sizeof l->sell_unit_zh, 19);
}

static int load_lines(ent_basket *b)
{
    ent_db *db = b->db;
    /* A kept line does not keep its selling unit: it is the commodity's own,
     * as a scan now would give it (the sale records it, the receipt says 瓶). */
    sqlite3_stmt *st = entx_stmt(db, "SELECT l.product_id, l.lot_id, l.code, l.name, l.origin, l.lot, l.unit, l.qty, "
                                     "l.list_price, l.unit_price, l.discount, l.amount, l.tax, l.fixed, l.tax_rate, "
                                     "l.price_reason, l.discount_reason, l.approved_by, p.sell_unit, u.zh "
                                     "FROM basket_line l JOIN product p ON p.id = l.product_id "
                                     "LEFT JOIN sell_unit u ON u.code = p.sell_unit "
                                     "WHERE l.counter = ?1 ORDER BY l.line");
    int sc, rc = ENT_OK;
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, b->counter, -1, SQLITE_STATIC);
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        if (b->n == b->cap) {
            size_t cap = b->cap ? b->cap * 2 : 8;
            struct bline *grown = realloc(b->lines, cap * sizeof *grown);
            if (grown == NULL) {
                rc = entx_fail(db, ENT_ERROR, "out of memory");
                break;
            }
            b->lines = grown;
            b->cap = cap;
        }
        load_line(st, &b->lines[b->n++]);
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading a kept basket's lines");
    sqlite3_reset(st);
    return rc;
}

int ent_basket_load(ent_db *db, ent_basket **out, ent_basket_owner *o, const char *counter)
{
    ent_basket *b = NULL;
    int64_t shelf_id = 0;
    int rc;
    *out = NULL;
    entx_ok(db);
    memset(o, 0, sizeof *o);
    if ((rc = entx_sales_check_counter(db, counter)) != ENT_OK)
        return rc;
    if ((rc = load_head(db, o, &shelf_id, counter)) != ENT_OK)
        return rc;
    if ((rc = ent_basket_new(db, &b, counter, o->cashier, NULL)) != ENT_OK)
        return rc;
    b->shelf_id = shelf_id;
    b->kept = true;
    if ((rc = load_lines(b)) != ENT_OK) {
        ent_basket_free(b);
        return rc;
    }
    *out = b;
    return ENT_OK;
}

int ent_basket_forget(ent_db *db, const char *counter)
{
    entx_ok(db);
    /* The lines go with it (ON DELETE CASCADE). */
    sqlite3_stmt *st = entx_stmt(db, "DELETE FROM basket WHERE counter = ?1");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, counter ? counter : "", -1, SQLITE_STATIC);
    return entx_exec_stmt(db, st);
}

int ent_basket_kept_each(ent_db *db, ent_basket_kept_cb cb, void *ud)
{
    entx_ok(db);
    /* Collected first: cb may use the handle (ent_basket_load). */
    sqlite3_stmt *st = entx_stmt(db, "SELECT counter FROM basket ORDER BY counter");
    char (*names)[ENT_COUNTER_SIZE] = NULL;
    size_t n = 0, cap = 0;
    int sc, rc = ENT_OK;
    if (st == NULL)
        return db->code;
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            void *grown = realloc(names, cap * sizeof *names);
            if (grown == NULL) {
                rc = entx_fail(db, ENT_ERROR, "out of memory");
                break;
            }
            names = grown;
        }
        entx_col_copy(st, names[n++], ENT_COUNTER_SIZE, 0);
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "listing the kept baskets");
    sqlite3_reset(st);
    for (size_t i = 0; rc == ENT_OK && i < n; i++)
        rc = cb(names[i], ud);
    free(names);
    return rc;
}
