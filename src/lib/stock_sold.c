/* The lots sold in a span of store days, pick by pick, as the stock module
 * keeps them (stock_internal.h: entx_stock_sold_lots), for the margins: the
 * purchasing module asks here instead of reading the sale, pick and lot
 * tables itself. */
#include <string.h>

#include "internal.h"
#include "stock_internal.h"

#define SOLD_SQL(KEY, NAME)                                                                                         \
    "SELECT " KEY ", " NAME ", sl.amount - sl.tax, sl.qty, sp.qty, l.id, l.unit_cost, l.cost_currency, "          \
    "p.unit != 'pcs' "                                                                                             \
    "FROM sale s JOIN sale_line sl ON sl.sale_id = s.id JOIN sale_pick sp ON sp.line_id = sl.id "                  \
    "JOIN lot l ON l.id = sp.lot_id JOIN product p ON p.id = sl.product_id "                                       \
    "WHERE (?1 IS NULL OR s.day >= ?1) AND (?2 IS NULL OR s.day <= ?2) ORDER BY 1, 2"

static const char *const sold_sql[] = {
    [ENTX_SOLD_BY_COMMODITY] = SOLD_SQL("COALESCE(p.gtin, p.sku)", "COALESCE(p.name_zh, p.name_en, '')"),
    [ENTX_SOLD_BY_ORIGIN] = SOLD_SQL("l.origin", "''"),
    [ENTX_SOLD_BY_SUPPLIER] = SOLD_SQL("COALESCE(l.supplier, '')", "''"),
};

int entx_stock_sold_lots(ent_db *db, enum entx_sold_by by, const char *from, const char *to,
                         int (*cb)(ent_db *db, const struct entx_sold_pick *p, void *ud), void *ud)
{
    sqlite3_stmt *st = entx_stmt(db, sold_sql[by]);
    if (st == NULL)
        return db->code;
    entx_bind_text_or_null(st, 1, from);
    entx_bind_text_or_null(st, 2, to);
    int sc, rc = ENT_OK;
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        struct entx_sold_pick p = {
            .key = key ? key : "",
            .name = name ? name : "",
            .net = sqlite3_column_int64(st, 2),
            .line_qty = sqlite3_column_int64(st, 3),
            .qty = sqlite3_column_int64(st, 4),
            .lot_id = sqlite3_column_int64(st, 5),
            .costed = sqlite3_column_type(st, 6) != SQLITE_NULL,
            .unit_cost = sqlite3_column_int64(st, 6),
            .per_kg = sqlite3_column_int(st, 8) != 0,
        };
        entx_col_copy(st, p.currency, sizeof p.currency, 7);
        if ((rc = cb(db, &p, ud)) != ENT_OK)
            break;
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading the lots sold");
    sqlite3_reset(st);
    return rc;
}
