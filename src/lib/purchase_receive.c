/* Receiving a delivery against its purchase order: the stock receipt and
 * the order line's progress in one transaction, over-deliveries only when
 * asked for, the order's status following. */
#include <string.h>

#include "entrepot/catalog.h"
#include "entrepot/money.h"
#include "entrepot/purchase.h"
#include "entrepot/stock.h"
#include "catalog_internal.h"
#include "internal.h"
#include "purchase_internal.h"

struct due {
    int64_t line_id, qty, received, pack_size, price;
    int line_no;
    char supplier[ENT_SUPPLIER_CODE_SIZE];
};

static int read_due(ent_db *db, struct due *d, const struct entx_po *po, int64_t product_id)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT l.id, l.packs * l.pack_size + l.units, l.received, l.pack_size, l.price, "
                                     "l.line_no, s.code FROM purchase_line l JOIN purchase_order o ON o.id = l.order_id "
                                     "JOIN supplier s ON s.id = o.supplier_id WHERE l.order_id = ? AND l.product_id = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, po->id);
    sqlite3_bind_int64(st, 2, product_id);
    int sc = sqlite3_step(st), rc = ENT_OK;
    if (sc == SQLITE_ROW) {
        d->line_id = sqlite3_column_int64(st, 0);
        d->qty = sqlite3_column_int64(st, 1);
        d->received = sqlite3_column_int64(st, 2);
        d->pack_size = sqlite3_column_int64(st, 3);
        d->price = sqlite3_column_int64(st, 4);
        d->line_no = sqlite3_column_int(st, 5);
        entx_col_copy(st, d->supplier, sizeof d->supplier, 6);
    } else if (sc == SQLITE_DONE) {
        char label[ENT_PRODUCT_LABEL_SIZE];
        rc = entx_fail(db, ENT_REFUSED, "commodity %s is not on order %s: receive it without the order",
                       entx_product_label(db, label, sizeof label, product_id), po->number);
    } else {
        rc = entx_fail_sql(db, "reading an order line");
    }
    sqlite3_reset(st);
    return rc;
}

/* The unit cost a line's price gives: per piece, or per kg / litre for
 * goods kept in g or ml (as lots keep it), rounded half up. */
static int64_t line_unit_cost(const struct due *d, const char *unit)
{
    int64_t per = strcmp(unit, "pcs") == 0 ? 1 : 1000, cost;
    if (__builtin_mul_overflow(d->price, per, &cost))
        return -1;
    return (cost + d->pack_size / 2) / d->pack_size;
}

/* partial, or received when every line has all it asked for. */
static int follow_status(ent_db *db, struct entx_po *po)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT COUNT(*) FROM purchase_line WHERE order_id = ? "
                                     "AND received < packs * pack_size + units");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, po->id);
    int64_t open = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    if (open < 0)
        return entx_fail_sql(db, "reading an order's lines");
    return entx_purchase_set_status(db, po, open == 0 ? "received" : "partial");
}

static int receive_in_tx(ent_db *db, char lot_uuid_out[ENT_UUID_SIZE], const ent_purchase_receipt *r)
{
    struct entx_po po;
    struct due d;
    int64_t product_id, per_code = 1, units;
    ent_product *p = NULL;
    int rc;
    if ((rc = entx_purchase_find(db, &po, r->order)) != ENT_OK)
        return rc;
    if (strcmp(po.status, "sent") != 0 && strcmp(po.status, "partial") != 0)
        return entx_fail(db, ENT_REFUSED, "order %s is %s: only a sent order is received against", po.number,
                         po.status);
    if ((rc = ent_product_id(db, &product_id, &per_code, r->goods.product)) != ENT_OK ||
        (rc = read_due(db, &d, &po, product_id)) != ENT_OK)
        return rc;
    if (r->goods.qty < 1 || __builtin_mul_overflow(r->goods.qty, per_code, &units))
        return entx_fail(db, ENT_INVALID, "quantity %lld must be 1 or more", (long long)r->goods.qty);
    int64_t due = d.qty > d.received ? d.qty - d.received : 0;
    if (units > due && !r->over)
        return entx_fail_hint(db, ENT_REFUSED, ENT_HINT_FORCE,
                              "%lld units delivered but %lld are still due on line %d of order %s: an "
                              "over-delivery must be said to be one",
                              (long long)units, (long long)due, d.line_no, po.number);
    ent_receive g = r->goods;
    if (entx_empty(g.supplier))
        g.supplier = d.supplier;
    if (g.unit_cost < 0 && (rc = entx_product_get_by_id(db, &p, product_id)) == ENT_OK) {
        g.unit_cost = line_unit_cost(&d, p->unit);
        g.cost_currency = po.currency;
    }
    ent_product_free(p);
    if (rc != ENT_OK || (rc = ent_stock_receive(db, lot_uuid_out, &g)) != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(db, "UPDATE purchase_line SET received = received + ? WHERE id = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, units);
    sqlite3_bind_int64(st, 2, d.line_id);
    if ((rc = entx_exec_stmt(db, st)) != ENT_OK)
        return rc;
    if (units > due) {
        char label[ENT_PRODUCT_LABEL_SIZE];
        rc = entx_purchase_record(db, &po, "over-delivery on line %d %s: %lld units received where %lld were due",
                                  d.line_no, entx_product_label(db, label, sizeof label, product_id),
                                  (long long)units, (long long)due);
    }
    return rc == ENT_OK ? follow_status(db, &po) : rc;
}

int ent_purchase_receive(ent_db *db, char lot_uuid_out[ENT_UUID_SIZE], const ent_purchase_receipt *r)
{
    entx_ok(db);
    if (r == NULL)
        return entx_fail(db, ENT_INVALID, "no delivery given");
    int rc = entx_tx_begin(db);
    if (rc != ENT_OK)
        return rc;
    return entx_tx_end(db, receive_in_tx(db, lot_uuid_out, r));
}

static int close_in_tx(ent_db *db, const char *order)
{
    struct entx_po po;
    int rc = entx_purchase_find(db, &po, order);
    if (rc != ENT_OK)
        return rc;
    if (strcmp(po.status, "partial") != 0)
        return entx_fail(db, ENT_REFUSED, "order %s is %s: only a partly received order is closed short", po.number,
                         po.status);
    sqlite3_stmt *st = entx_stmt(db, "SELECT line_no, product_id, packs * pack_size + units - received, "
                                     "packs * pack_size + units FROM purchase_line WHERE order_id = ? "
                                     "AND received < packs * pack_size + units ORDER BY line_no");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, po.id);
    /* Read first, then write: the changes go to another table, but one
     * statement at a time keeps the cache simple. */
    struct {
        int line_no;
        int64_t product_id, short_by, qty;
    } s[64];
    size_t n = 0;
    int sc;
    int64_t more = 0;
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n < 64) {
            s[n].line_no = sqlite3_column_int(st, 0);
            s[n].product_id = sqlite3_column_int64(st, 1);
            s[n].short_by = sqlite3_column_int64(st, 2);
            s[n].qty = sqlite3_column_int64(st, 3);
            n++;
        } else {
            more++;
        }
    }
    sqlite3_reset(st);
    if (sc != SQLITE_DONE)
        return entx_fail_sql(db, "reading an order's lines");
    for (size_t i = 0; rc == ENT_OK && i < n; i++) {
        char label[ENT_PRODUCT_LABEL_SIZE];
        rc = entx_purchase_record(db, &po, "short on line %d %s: %lld of %lld units not delivered", s[i].line_no,
                                  entx_product_label(db, label, sizeof label, s[i].product_id),
                                  (long long)s[i].short_by, (long long)s[i].qty);
    }
    if (rc == ENT_OK && more > 0)
        rc = entx_purchase_record(db, &po, "short on %lld more lines (see the order)", (long long)more);
    if (rc == ENT_OK)
        rc = entx_purchase_record(db, &po, "closed as received, short");
    return rc == ENT_OK ? entx_purchase_set_status(db, &po, "received") : rc;
}

int ent_purchase_close(ent_db *db, const char *order)
{
    entx_ok(db);
    int rc = entx_tx_begin(db);
    if (rc != ENT_OK)
        return rc;
    return entx_tx_end(db, close_in_tx(db, order));
}
