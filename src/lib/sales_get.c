/* Sales: reading a recorded sale or return back, for receipts and returns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/db.h"
#include "sales_internal.h"

void ent_sale_free(ent_sale *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nlines; i++) {
        free(s->lines[i].name);
        free(s->lines[i].price_reason);
        free(s->lines[i].discount_reason);
        free(s->lines[i].approved_by);
    }
    free(s->lines);
    free(s->pays);
    free(s->taxes);
    free(s->store_name);
    free(s->note);
    free(s);
}

static int entx_journal_read_head(ent_db *db, ent_sale *s, int64_t id)
{
    sqlite3_stmt *st = entx_stmt(db,
        "SELECT s.uuid, s.receipt, s.kind, COALESCE(r.uuid, ''), COALESCE(r.receipt, 0), s.at, s.day, s.hour, "
        "       s.counter, s.cashier, s.total, s.tax, s.units, s.qr, s.note, "
        "       s.kind = 'return' AND s.note LIKE 'VOID%', COALESCE(s.approved_by, '') "
        "FROM sale s LEFT JOIN sale r ON r.id = s.ref_id WHERE s.id = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, id);
    int sc = sqlite3_step(st), rc = ENT_OK;
    if (sc == SQLITE_ROW) {
        entx_col_copy(st, s->uuid, sizeof s->uuid, 0);
        s->receipt = sqlite3_column_int64(st, 1);
        entx_col_copy(st, s->kind, sizeof s->kind, 2);
        entx_col_copy(st, s->ref_uuid, sizeof s->ref_uuid, 3);
        s->ref_receipt = sqlite3_column_int64(st, 4);
        entx_col_copy(st, s->time, sizeof s->time, 5);
        entx_col_copy(st, s->day, sizeof s->day, 6);
        s->hour = sqlite3_column_int(st, 7);
        entx_col_copy(st, s->counter, sizeof s->counter, 8);
        entx_col_copy(st, s->cashier, sizeof s->cashier, 9);
        s->total = sqlite3_column_int64(st, 10);
        s->tax = sqlite3_column_int64(st, 11);
        s->units = sqlite3_column_int64(st, 12);
        entx_col_copy(st, s->qr, sizeof s->qr, 13);
        s->note = entx_col_strdup(st, 14);
        s->is_void = sqlite3_column_int(st, 15);
        entx_col_copy(st, s->approved_by, sizeof s->approved_by, 16);
    } else {
        rc = sc == SQLITE_DONE ? entx_fail(db, ENT_NOTFOUND, "no sale %lld", (long long)id)
                               : entx_fail_sql(db, "reading a sale");
    }
    sqlite3_reset(st);
    return rc;
}

static int read_lines(ent_db *db, ent_sale *s, int64_t id)
{
    sqlite3_stmt *st = entx_stmt(db,
        "SELECT l.id, l.code, l.lot, l.origin, l.unit, l.name, l.price_reason, l.discount_reason, l.qty, "
        "       l.unit_price, l.discount, l.amount, l.tax, l.tax_rate, "
        "       (SELECT COALESCE(-SUM(r.qty), 0) FROM sale_line r WHERE r.ref_line = l.id), l.approved_by, "
        "       l.sell_unit, (SELECT u.zh FROM sell_unit u WHERE u.code = l.sell_unit) "
        "FROM sale_line l WHERE l.sale_id = ? ORDER BY l.line");
    size_t cap = 0;
    int sc, rc = ENT_OK;
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, id);
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        if (s->nlines == cap) {
            cap = cap ? cap * 2 : 8;
            ent_sale_line *nl = realloc(s->lines, cap * sizeof *nl);
            if (nl == NULL) {
                rc = entx_fail(db, ENT_ERROR, "out of memory");
                break;
            }
            s->lines = nl;
        }
        ent_sale_line *l = &s->lines[s->nlines++];
        memset(l, 0, sizeof *l);
        l->id = sqlite3_column_int64(st, 0);
        entx_col_copy(st, l->code, sizeof l->code, 1);
        entx_col_copy(st, l->lot, sizeof l->lot, 2);
        entx_col_copy(st, l->origin, sizeof l->origin, 3);
        entx_col_copy(st, l->unit, sizeof l->unit, 4);
        l->name = entx_col_strdup(st, 5);
        l->price_reason = entx_col_strdup(st, 6);
        l->discount_reason = entx_col_strdup(st, 7);
        l->qty = sqlite3_column_int64(st, 8);
        l->unit_price = sqlite3_column_int64(st, 9);
        l->discount = sqlite3_column_int64(st, 10);
        l->amount = sqlite3_column_int64(st, 11);
        l->tax = sqlite3_column_int64(st, 12);
        l->tax_rate = sqlite3_column_int(st, 13);
        l->returned = sqlite3_column_int64(st, 14);
        l->approved_by = entx_col_strdup(st, 15);
        entx_col_copy(st, l->sell_unit, sizeof l->sell_unit, 16);
        entx_col_copy(st, l->sell_unit_zh, sizeof l->sell_unit_zh, 17);
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading sale lines");
    sqlite3_reset(st);
    return rc;
}

static int read_pays(ent_db *db, ent_sale *s, int64_t id)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT method, amount, tendered, change FROM sale_pay WHERE sale_id = ? "
                                    "ORDER BY CASE method WHEN 'card' THEN 1 WHEN 'wallet' THEN 2 ELSE 3 END");
    int sc, rc = ENT_OK;
    if (st == NULL)
        return db->code;
    s->pays = calloc(3, sizeof *s->pays);
    if (s->pays == NULL)
        return entx_fail(db, ENT_ERROR, "out of memory");
    sqlite3_bind_int64(st, 1, id);
    while ((sc = sqlite3_step(st)) == SQLITE_ROW && s->npays < 3) {
        ent_sale_pay *p = &s->pays[s->npays++];
        entx_col_copy(st, p->method, sizeof p->method, 0);
        p->amount = sqlite3_column_int64(st, 1);
        p->tendered = sqlite3_column_int64(st, 2);
        p->change = sqlite3_column_int64(st, 3);
    }
    if (sc != SQLITE_DONE && sc != SQLITE_ROW)
        rc = entx_fail_sql(db, "reading payments");
    sqlite3_reset(st);
    return rc;
}

int entx_sales_read(ent_db *db, ent_sale **out, int64_t sale_id)
{
    ent_store *store = NULL;
    ent_sale *s = calloc(1, sizeof *s);
    int rc;
    *out = NULL;
    if (s == NULL)
        return entx_fail(db, ENT_ERROR, "out of memory");
    if ((rc = entx_journal_read_head(db, s, sale_id)) != ENT_OK || (rc = read_lines(db, s, sale_id)) != ENT_OK ||
        (rc = read_pays(db, s, sale_id)) != ENT_OK || (rc = ent_store_get(db, &store)) != ENT_OK)
        goto done;
    snprintf(s->store, sizeof s->store, "%s", store->code);
    snprintf(s->currency, sizeof s->currency, "%s", store->currency);
    s->store_name = entx_strdup(store->name);
    int32_t *rates = calloc(s->nlines + 1, sizeof *rates);
    int64_t *amounts = calloc(s->nlines + 1, sizeof *amounts), *taxes = calloc(s->nlines + 1, sizeof *taxes);
    if (rates && amounts && taxes) {
        for (size_t i = 0; i < s->nlines; i++) {
            rates[i] = s->lines[i].tax_rate;
            amounts[i] = s->lines[i].amount;
            taxes[i] = s->lines[i].tax;
        }
        rc = entx_sales_taxes(&s->taxes, &s->ntaxes, rates, amounts, taxes, s->nlines);
    } else {
        rc = ENT_ERROR;
    }
    free(rates);
    free(amounts);
    free(taxes);
    if (rc != ENT_OK || s->store_name == NULL)
        rc = entx_fail(db, ENT_ERROR, "out of memory");
done:
    ent_store_free(store);
    if (rc == ENT_OK)
        *out = s;
    else
        ent_sale_free(s);
    return rc;
}

int entx_sales_find(ent_db *db, int64_t *id, const char *receipt_or_uuid)
{
    int64_t n = 0;
    sqlite3_stmt *st;
    if (receipt_or_uuid == NULL || *receipt_or_uuid == '\0')
        return entx_fail(db, ENT_INVALID, "no receipt given");
    int by_number = entx_parse_i64(&n, receipt_or_uuid) == ENT_OK;
    if (by_number) {
        st = entx_stmt(db, "SELECT id FROM sale WHERE receipt = ?");
        if (st == NULL)
            return db->code;
        sqlite3_bind_int64(st, 1, n);
    } else {
        st = entx_stmt(db, "SELECT id FROM sale WHERE uuid = lower(?)");
        if (st == NULL)
            return db->code;
        sqlite3_bind_text(st, 1, receipt_or_uuid, -1, SQLITE_STATIC);
    }
    int sc = sqlite3_step(st), rc = ENT_OK;
    if (sc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    else if (sc == SQLITE_DONE) {
        char shown[ENT_CLIP_SIZE];
        rc = entx_fail(db, ENT_NOTFOUND, "no sale has the receipt %s%s", by_number ? "number " : "",
                      ent_text_clip(shown, sizeof shown, receipt_or_uuid, 40));
    } else
        rc = entx_fail_sql(db, "looking up a receipt");
    sqlite3_reset(st);
    return rc;
}

int ent_sale_get(ent_db *db, ent_sale **out, const char *receipt_or_uuid)
{
    int64_t id;
    *out = NULL;
    entx_ok(db);
    int rc = entx_sales_find(db, &id, receipt_or_uuid);
    return rc == ENT_OK ? entx_sales_read(db, out, id) : rc;
}

int ent_sale_last(ent_db *db, ent_sale **out, const char *counter)
{
    *out = NULL;
    entx_ok(db);
    sqlite3_stmt *st = entx_stmt(db, "SELECT max(id) FROM sale WHERE ?1 IS NULL OR counter = ?1");
    if (st == NULL)
        return db->code;
    entx_bind_text_or_null(st, 1, counter);
    int64_t id = 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (id == 0)
        return entx_fail(db, ENT_NOTFOUND, "no sale yet%s%s", counter ? " at counter " : "", counter ? counter : "");
    return entx_sales_read(db, out, id);
}
