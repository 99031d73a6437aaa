/* The integrity check (ent_db_check): SQLite's own checks, then the stock's
 * figures and the ledger against the balances. It sits above db and stock,
 * so that opening a database does not depend on the stock module. */
#include <stdio.h>
#include <string.h>

#include "entrepot/db.h"
#include "internal.h"
#include "stock_internal.h"

static void ignore_problem(const char *problem, void *ud)
{
    (void)problem;
    (void)ud;
}

int ent_db_check(ent_db *db, ent_check_cb cb, void *ud)
{
    int problems = 0;
    char line[512];
    sqlite3_stmt *st = NULL;
    entx_ok(db);
    if (cb == NULL)
        cb = ignore_problem;
    if (sqlite3_prepare_v2(db->sql, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
        return entx_fail_sql(db, "integrity check");
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        if (t && strcmp(t, "ok") != 0) {
            snprintf(line, sizeof line, "sqlite: %s", t);
            cb(line, ud);
            problems++;
        }
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(db->sql, "PRAGMA foreign_key_check", -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            snprintf(line, sizeof line, "foreign key: row %lld of %s points to a missing %s",
                     (long long)sqlite3_column_int64(st, 1), sqlite3_column_text(st, 0),
                     sqlite3_column_text(st, 2));
            cb(line, ud);
            problems++;
        }
    }
    sqlite3_finalize(st);
    /* Stock figures beyond their bounds first: they are named even when the
     * ledger sums below cannot be added up. */
    int rc = entx_stock_check(db, &problems, cb, ud);
    if (rc != ENT_OK)
        return rc;
    /* Every balance must equal the sum of its ledger rows, and every ledger
     * sum must have its balance row (a missing row counts as 0). */
    static const char drift_sql[] =
        "WITH ledger AS (SELECT lot_id, location_id, product_id, SUM(qty) AS q FROM stock_move "
        "                GROUP BY lot_id, location_id), "
        "keys AS (SELECT lot_id, location_id FROM ledger UNION SELECT lot_id, location_id FROM stock_balance) "
        "SELECT COALESCE(p.gtin, p.sku), COALESCE(p.name_zh, p.name_en), l.code, loc.code, "
        "       COALESCE(b.qty, 0), COALESCE(g.q, 0) "
        "FROM keys k LEFT JOIN ledger g USING (lot_id, location_id) "
        "LEFT JOIN stock_balance b USING (lot_id, location_id) "
        "JOIN lot l ON l.id = k.lot_id JOIN product p ON p.id = l.product_id "
        "JOIN location loc ON loc.id = k.location_id "
        "WHERE COALESCE(b.qty, 0) <> COALESCE(g.q, 0) OR (b.product_id IS NOT NULL AND b.product_id <> l.product_id)";
    if (sqlite3_prepare_v2(db->sql, drift_sql, -1, &st, NULL) != SQLITE_OK)
        return entx_fail_sql(db, "recomputing balances");
    while (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(line, sizeof line, "balance drift: %s %s lot %s at %s: balance %lld, ledger %lld",
                 sqlite3_column_text(st, 0), sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
                 sqlite3_column_text(st, 3), (long long)sqlite3_column_int64(st, 4),
                 (long long)sqlite3_column_int64(st, 5));
        cb(line, ud);
        problems++;
    }
    sqlite3_finalize(st);
    if (problems > 0)
        return entx_fail(db, ENT_TAMPERED, "%d problem%s found", problems, problems == 1 ? "" : "s");
    return ENT_OK;
}
