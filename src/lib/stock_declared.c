/* The lots of a customs declaration as the stock module keeps them, for the
 * landed cost (stock_internal.h: entx_stock_declared_lots): the purchasing
 * module asks here instead of reading the lot and ledger tables itself. */
#include <string.h>

#include "internal.h"
#include "stock_internal.h"

int entx_stock_declared_lots(ent_db *db, const char *declaration,
                             int (*cb)(ent_db *db, const struct entx_declared_lot *l, void *ud), void *ud)
{
    sqlite3_stmt *st = entx_stmt(
        db, "SELECT l.id, l.product_id, l.uuid, l.code, l.unit_cost, l.cost_currency, "
            "(SELECT COALESCE(SUM(m.qty), 0) FROM stock_move m WHERE m.lot_id = l.id AND m.kind = 'receive') "
            "FROM lot l WHERE l.declaration = ? ORDER BY l.code, l.id");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, declaration, -1, SQLITE_TRANSIENT);
    int sc, rc = ENT_OK;
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        struct entx_declared_lot l;
        memset(&l, 0, sizeof l);
        l.lot_id = sqlite3_column_int64(st, 0);
        l.product_id = sqlite3_column_int64(st, 1);
        entx_col_copy(st, l.uuid, sizeof l.uuid, 2);
        entx_col_copy(st, l.code, sizeof l.code, 3);
        l.costed = sqlite3_column_type(st, 4) != SQLITE_NULL;
        l.unit_cost = sqlite3_column_int64(st, 4);
        entx_col_copy(st, l.currency, sizeof l.currency, 5);
        l.received = sqlite3_column_int64(st, 6);
        if ((rc = cb(db, &l, ud)) != ENT_OK)
            break;
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading a declaration's lots");
    sqlite3_reset(st);
    return rc;
}
