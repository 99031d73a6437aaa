/* What the stock module holds of a commodity, for the catalogue's checks. */
#include "internal.h"
#include "stock_internal.h"

int entx_stock_product_usage(ent_db *db, int64_t *on_hand, int64_t *lots, int64_t product_id)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT (SELECT COALESCE(SUM(qty), 0) FROM stock_balance WHERE product_id = ?1), "
                                    "       (SELECT COUNT(*) FROM lot WHERE product_id = ?1)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, product_id);
    int rc = ENT_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *on_hand = sqlite3_column_int64(st, 0);
        *lots = sqlite3_column_int64(st, 1);
    } else {
        rc = entx_fail_sql(db, "reading a commodity's stock");
    }
    sqlite3_reset(st);
    return rc;
}
