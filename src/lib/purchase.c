/* Purchase orders: draft -> sent -> partial -> received, or cancelled.
 * Changes made once an order was sent are recorded (purchase_change): the
 * supplier holds a copy, so what it was sent must stay knowable. */
#include <stdlib.h>
#include <string.h>

#include "entrepot/catalog.h"
#include "entrepot/money.h"
#include "entrepot/parse.h"
#include "entrepot/purchase.h"
#include "catalog_internal.h"
#include "internal.h"
#include "purchase_internal.h"
#include "user_internal.h"

#define NOTE_MAX 200
#define PACKS_MAX 1000000
#define QTY_MAX 1000000000
#define PRICE_MAX INT64_C(10000000000000)

int entx_purchase_find(ent_db *db, struct entx_po *out, const char *number)
{
    if (entx_empty(number))
        return entx_fail(db, ENT_INVALID, "no order number given");
    sqlite3_stmt *st = entx_stmt(db, "SELECT id, supplier_id, number, status, currency FROM purchase_order "
                                     "WHERE number = ?1 COLLATE NOCASE OR uuid = ?1");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
    int sc = sqlite3_step(st), rc = ENT_OK;
    if (sc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->supplier_id = sqlite3_column_int64(st, 1);
        entx_col_copy(st, out->number, sizeof out->number, 2);
        entx_col_copy(st, out->status, sizeof out->status, 3);
        entx_col_copy(st, out->currency, sizeof out->currency, 4);
    } else if (sc == SQLITE_DONE) {
        rc = entx_fail(db, ENT_NOTFOUND, "no purchase order '%s'", ENT_CLIP(number, 40));
    } else {
        rc = entx_fail_sql(db, "looking up a purchase order");
    }
    sqlite3_reset(st);
    return rc;
}

/* An order that may still change: not received, not cancelled. */
static int find_open(ent_db *db, struct entx_po *po, const char *number)
{
    int rc = entx_purchase_find(db, po, number);
    if (rc == ENT_OK && (strcmp(po->status, "received") == 0 || strcmp(po->status, "cancelled") == 0))
        rc = entx_fail(db, ENT_REFUSED, "order %s is %s: it cannot change any more", po->number, po->status);
    return rc;
}

int entx_purchase_record(ent_db *db, const struct entx_po *po, const char *fmt, ...)
{
    if (strcmp(po->status, "draft") == 0)
        return ENT_OK; /* a draft is the manager's own until it is sent */
    char what[512], now[ENT_TIME_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    entx_now_utc(now);
    sqlite3_stmt *st = entx_stmt(db, "INSERT INTO purchase_change(order_id, at, user, what) VALUES (?, ?, ?, ?)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, po->id);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, entx_actor(db), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, what, -1, SQLITE_TRANSIENT);
    return entx_exec_stmt(db, st);
}

int entx_purchase_value(int64_t *out, int64_t packs, int64_t units, int64_t pack_size, int64_t price)
{
    int64_t whole, loose;
    if (__builtin_mul_overflow(packs, price, &whole) || __builtin_mul_overflow(units, price, &loose))
        return ENT_INVALID;
    /* Half up: loose units at price / pack_size each, rounded once per line. */
    loose = (loose + pack_size / 2) / pack_size;
    return __builtin_add_overflow(whole, loose, out) ? ENT_INVALID : ENT_OK;
}

static int check_expected(ent_db *db, const char *expected)
{
    int32_t days, today;
    char now[ENT_TIME_SIZE];
    if (expected == NULL)
        return ENT_OK;
    if (ent_date_check(&days, expected) != ENT_OK)
        return entx_fail_date(db, "expected delivery date", expected);
    entx_now_utc(now);
    now[10] = '\0';
    ent_date_check(&today, now);
    /* A day of slack: the store's today may still be UTC's yesterday. */
    if (days < today - 1)
        return entx_fail(db, ENT_INVALID, "expected delivery date %s is in the past", expected);
    return ENT_OK;
}

int entx_purchase_new(ent_db *db, char number[ENT_PO_NUMBER_SIZE], int64_t *id, const struct entx_supplier *s,
                      const char *expected, const char *note)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM purchase_order");
    if (st == NULL)
        return db->code;
    int64_t next = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (next <= 0)
        return entx_fail_sql(db, "numbering a purchase order");
    char uuid[ENT_UUID_SIZE], now[ENT_TIME_SIZE], num[ENT_PO_NUMBER_SIZE];
    snprintf(num, sizeof num, "PO-%06lld", (long long)next);
    entx_uuid_new(uuid);
    entx_now_utc(now);
    st = entx_stmt(db, "INSERT INTO purchase_order(id, uuid, number, supplier_id, currency, expected, note, "
                       "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, next);
    sqlite3_bind_text(st, 2, uuid, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, num, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, s->id);
    sqlite3_bind_text(st, 5, s->currency, -1, SQLITE_TRANSIENT);
    entx_bind_text_or_null(st, 6, expected);
    entx_bind_text_or_null(st, 7, note);
    sqlite3_bind_text(st, 8, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 9, entx_actor(db), -1, SQLITE_TRANSIENT);
    int rc = entx_exec_stmt(db, st);
    if (rc == ENT_OK) {
        memcpy(number, num, ENT_PO_NUMBER_SIZE);
        if (id)
            *id = next;
    }
    return rc;
}

static int create_in_tx(ent_db *db, char number[ENT_PO_NUMBER_SIZE], const char *supplier, const char *expected,
                        const char *note)
{
    struct entx_supplier s;
    int rc = entx_supplier_find(db, &s, supplier);
    return rc == ENT_OK ? entx_purchase_new(db, number, NULL, &s, expected, note) : rc;
}

int ent_purchase_create(ent_db *db, char number[ENT_PO_NUMBER_SIZE], const char *supplier, const char *expected,
                        const char *note)
{
    int rc;
    entx_ok(db);
    if (number)
        number[0] = '\0';
    if (number == NULL)
        return entx_fail(db, ENT_INVALID, "no place for the order's number");
    if ((rc = check_expected(db, expected)) != ENT_OK ||
        (rc = entx_check_text(db, "note", note, NOTE_MAX, false)) != ENT_OK)
        return rc;
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    return entx_tx_end(db, create_in_tx(db, number, supplier, expected, note));
}

/* A line as stored (id 0: none yet). */
struct line {
    int64_t id, pack_size, packs, units, price, received;
    int line_no;
};

static int read_line(ent_db *db, struct line *l, int64_t order_id, int64_t product_id)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT id, line_no, pack_size, packs, units, price, received "
                                     "FROM purchase_line WHERE order_id = ? AND product_id = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, order_id);
    sqlite3_bind_int64(st, 2, product_id);
    int sc = sqlite3_step(st);
    memset(l, 0, sizeof *l);
    if (sc == SQLITE_ROW) {
        l->id = sqlite3_column_int64(st, 0);
        l->line_no = sqlite3_column_int(st, 1);
        l->pack_size = sqlite3_column_int64(st, 2);
        l->packs = sqlite3_column_int64(st, 3);
        l->units = sqlite3_column_int64(st, 4);
        l->price = sqlite3_column_int64(st, 5);
        l->received = sqlite3_column_int64(st, 6);
    }
    sqlite3_reset(st);
    return sc == SQLITE_ROW || sc == SQLITE_DONE ? ENT_OK : entx_fail_sql(db, "reading an order line");
}

/* The supplier's pack size and last price (-1: none) of a commodity;
 * ENT_REFUSED when it is not on the supplier's list. */
static int supplier_terms(ent_db *db, int64_t *pack, int64_t *price, const struct entx_po *po, int64_t product_id,
                          const char *code)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT i.pack_size, COALESCE(i.last_price, -1), s.code FROM supplier s "
                                     "LEFT JOIN supplier_item i ON i.supplier_id = s.id AND i.product_id = ?2 "
                                     "WHERE s.id = ?1");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, po->supplier_id);
    sqlite3_bind_int64(st, 2, product_id);
    int rc = ENT_OK;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = entx_fail_sql(db, "reading a supplier's terms");
    } else if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
        rc = entx_fail(db, ENT_REFUSED, "supplier %s does not supply '%s': put it on the supplier's list first",
                       (const char *)sqlite3_column_text(st, 2), ENT_CLIP(code, 40));
    } else {
        *pack = sqlite3_column_int64(st, 0);
        *price = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return rc;
}

/* Parses the given quantities and price over what line l has. */
static int apply_fields(ent_db *db, struct line *l, const ent_purchase_line_fields *f, const struct entx_po *po,
                        int64_t last_price)
{
    if (f->packs && ent_whole_parse(&l->packs, f->packs, 0, PACKS_MAX) != ENT_OK)
        return entx_fail(db, ENT_INVALID, "packs %s", entx_why());
    if (f->units && ent_whole_parse(&l->units, f->units, 0, QTY_MAX) != ENT_OK)
        return entx_fail(db, ENT_INVALID, "units %s", entx_why());
    if (f->price) {
        if (ent_money_parse(&l->price, f->price, po->currency) != ENT_OK)
            return entx_fail(db, ENT_INVALID, "price: %s", entx_why());
        if (l->price < 0 || l->price > PRICE_MAX)
            return entx_fail(db, ENT_INVALID, "price '%s' must be from 0 to 100000000000 %s a pack",
                             ENT_CLIP(f->price, 40), po->currency);
    } else if (l->id == 0) {
        if (last_price < 0)
            return entx_fail(db, ENT_INVALID, "no price: the supplier has no last price for it, so give one");
        l->price = last_price;
    }
    int64_t qty, value;
    if (__builtin_mul_overflow(l->packs, l->pack_size, &qty) || __builtin_add_overflow(qty, l->units, &qty) ||
        qty > QTY_MAX)
        return entx_fail(db, ENT_INVALID, "the line's quantity is too large: the most is %d base units", QTY_MAX);
    if (qty == 0)
        return entx_fail(db, ENT_INVALID, "the line's quantity is 0: give packs or units");
    if (qty < l->received)
        return entx_fail(db, ENT_REFUSED, "%lld units of it were received already: the line cannot ask for fewer",
                         (long long)l->received);
    if (entx_purchase_value(&value, l->packs, l->units, l->pack_size, l->price) != ENT_OK)
        return entx_fail(db, ENT_INVALID, "the line's value does not fit in 64 bits");
    return ENT_OK;
}

static void describe(char *buf, size_t len, const struct line *l, const char *currency)
{
    char price[ENT_MONEY_TEXT_SIZE];
    ent_money_format(price, sizeof price, l->price, currency);
    snprintf(buf, len, "%lld pack%s of %lld + %lld unit%s at %s %s", (long long)l->packs, l->packs == 1 ? "" : "s",
             (long long)l->pack_size, (long long)l->units, l->units == 1 ? "" : "s", price, currency);
}

static int line_in_tx(ent_db *db, const ent_purchase_line_fields *f)
{
    struct entx_po po;
    struct line l;
    int64_t product_id, pack = 1, last = -1;
    int rc;
    if ((rc = find_open(db, &po, f->order)) != ENT_OK || (rc = entx_product_orderable(db, &product_id, f->product)) != ENT_OK ||
        (rc = read_line(db, &l, po.id, product_id)) != ENT_OK ||
        (rc = supplier_terms(db, &pack, &last, &po, product_id, f->product)) != ENT_OK)
        return rc;
    struct line old = l;
    if (l.id == 0)
        l.pack_size = pack; /* a line keeps the pack size it was ordered in */
    if ((rc = apply_fields(db, &l, f, &po, last)) != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(
        db, "INSERT INTO purchase_line(order_id, line_no, product_id, pack_size, packs, units, price) "
            "VALUES (?1, (SELECT COALESCE(MAX(line_no), 0) + 1 FROM purchase_line WHERE order_id = ?1), ?2, ?3, ?4, "
            "?5, ?6) ON CONFLICT (order_id, product_id) DO UPDATE SET packs = ?4, units = ?5, price = ?6");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, po.id);
    sqlite3_bind_int64(st, 2, product_id);
    sqlite3_bind_int64(st, 3, l.pack_size);
    sqlite3_bind_int64(st, 4, l.packs);
    sqlite3_bind_int64(st, 5, l.units);
    sqlite3_bind_int64(st, 6, l.price);
    if ((rc = entx_exec_stmt(db, st)) != ENT_OK)
        return rc;
    char label[ENT_PRODUCT_LABEL_SIZE], was[160], now[160];
    entx_product_label(db, label, sizeof label, product_id);
    describe(now, sizeof now, &l, po.currency);
    if (old.id == 0)
        return entx_purchase_record(db, &po, "added %s: %s", label, now);
    describe(was, sizeof was, &old, po.currency);
    return entx_purchase_record(db, &po, "changed line %d %s: %s, was %s", old.line_no, label, now, was);
}

int ent_purchase_line_set(ent_db *db, const ent_purchase_line_fields *fields)
{
    entx_ok(db);
    if (fields == NULL)
        return entx_fail(db, ENT_INVALID, "no order line given");
    if (fields->packs == NULL && fields->units == NULL && fields->price == NULL)
        return entx_fail(db, ENT_INVALID, "nothing to set: give packs, units or a price");
    int rc = entx_tx_begin(db);
    if (rc != ENT_OK)
        return rc;
    return entx_tx_end(db, line_in_tx(db, fields));
}

static int remove_in_tx(ent_db *db, const char *order, const char *product)
{
    struct entx_po po;
    struct line l;
    int64_t product_id;
    int rc;
    if ((rc = find_open(db, &po, order)) != ENT_OK || (rc = ent_product_id(db, &product_id, NULL, product)) != ENT_OK ||
        (rc = read_line(db, &l, po.id, product_id)) != ENT_OK)
        return rc;
    if (l.id == 0)
        return entx_fail(db, ENT_NOTFOUND, "order %s has no line for '%s'", po.number, ENT_CLIP(product, 40));
    if (l.received > 0)
        return entx_fail(db, ENT_REFUSED, "%lld units of it were received already: the line stays",
                         (long long)l.received);
    sqlite3_stmt *st = entx_stmt(db, "DELETE FROM purchase_line WHERE id = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, l.id);
    if ((rc = entx_exec_stmt(db, st)) != ENT_OK)
        return rc;
    char label[ENT_PRODUCT_LABEL_SIZE];
    return entx_purchase_record(db, &po, "removed line %d %s", l.line_no,
                                entx_product_label(db, label, sizeof label, product_id));
}

int ent_purchase_line_remove(ent_db *db, const char *order, const char *product)
{
    entx_ok(db);
    int rc = entx_tx_begin(db);
    if (rc != ENT_OK)
        return rc;
    return entx_tx_end(db, remove_in_tx(db, order, product));
}

int entx_purchase_set_status(ent_db *db, const struct entx_po *po, const char *status)
{
    char now[ENT_TIME_SIZE];
    entx_now_utc(now);
    bool sending = strcmp(status, "sent") == 0, closing = strcmp(status, "received") == 0 || strcmp(status, "cancelled") == 0;
    sqlite3_stmt *st = entx_stmt(db, "UPDATE purchase_order SET status = ?2, "
                                     "sent_at = CASE WHEN ?3 THEN ?5 ELSE sent_at END, "
                                     "sent_by = CASE WHEN ?3 THEN ?6 ELSE sent_by END, "
                                     "closed_at = CASE WHEN ?4 THEN ?5 ELSE closed_at END, "
                                     "closed_by = CASE WHEN ?4 THEN ?6 ELSE closed_by END WHERE id = ?1");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, po->id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, sending);
    sqlite3_bind_int(st, 4, closing);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, entx_actor(db), -1, SQLITE_TRANSIENT);
    return entx_exec_stmt(db, st);
}

static int send_in_tx(ent_db *db, const char *order)
{
    struct entx_po po;
    int rc = entx_purchase_find(db, &po, order);
    if (rc != ENT_OK)
        return rc;
    if (strcmp(po.status, "draft") != 0)
        return entx_fail(db, ENT_REFUSED, "order %s is %s already: only a draft is sent", po.number, po.status);
    sqlite3_stmt *st = entx_stmt(db, "SELECT COUNT(*) FROM purchase_line WHERE order_id = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, po.id);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    if (n < 0)
        return entx_fail_sql(db, "reading an order's lines");
    if (n == 0)
        return entx_fail(db, ENT_REFUSED, "order %s has no lines: there is nothing to send", po.number);
    return entx_purchase_set_status(db, &po, "sent");
}

int ent_purchase_send(ent_db *db, const char *order)
{
    entx_ok(db);
    int rc = entx_tx_begin(db);
    if (rc != ENT_OK)
        return rc;
    return entx_tx_end(db, send_in_tx(db, order));
}

static int cancel_in_tx(ent_db *db, const char *order)
{
    struct entx_po po;
    int rc = find_open(db, &po, order);
    if (rc == ENT_OK)
        rc = entx_purchase_record(db, &po, "cancelled the order (it was %s)", po.status);
    return rc == ENT_OK ? entx_purchase_set_status(db, &po, "cancelled") : rc;
}

int ent_purchase_cancel(ent_db *db, const char *order)
{
    entx_ok(db);
    int rc = entx_tx_begin(db);
    if (rc != ENT_OK)
        return rc;
    return entx_tx_end(db, cancel_in_tx(db, order));
}
