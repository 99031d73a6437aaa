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

/* The on-hand summaries (schema 12) against the balances they add up: a
 * location or commodity missing from a summary counts as 0 there. */
static const char sums_sql[] =
    "WITH loc AS (SELECT location_id, SUM(qty) AS q, COUNT(CASE WHEN qty > 0 THEN 1 END) AS n "
    "             FROM stock_balance GROUP BY location_id), "
    "prod AS (SELECT b.product_id, SUM(b.qty) AS q, "
    "                SUM(CASE WHEN l.kind IN ('shelf', 'backroom') THEN b.qty ELSE 0 END) AS s "
    "         FROM stock_balance b JOIN location l ON l.id = b.location_id GROUP BY b.product_id) "
    "SELECT 'location ' || l.code, COALESCE(s.qty, 0) || ' units in ' || COALESCE(s.lots, 0) || ' lots', "
    "       COALESCE(g.q, 0) || ' units in ' || COALESCE(g.n, 0) || ' lots' "
    "FROM location l LEFT JOIN stock_sum_location s ON s.location_id = l.id LEFT JOIN loc g ON g.location_id = l.id "
    "WHERE COALESCE(s.qty, 0) <> COALESCE(g.q, 0) OR COALESCE(s.lots, 0) <> COALESCE(g.n, 0) "
    "UNION ALL "
    "SELECT COALESCE(p.gtin, p.sku) || ' ' || COALESCE(p.name_zh, p.name_en), "
    "       COALESCE(s.qty, 0) || ' on hand, ' || COALESCE(s.sellable, 0) || ' to sell, reorder point ' "
    "       || COALESCE(s.reorder_point, 0), "
    "       COALESCE(g.q, 0) || ' on hand, ' || COALESCE(g.s, 0) || ' to sell, reorder point ' || p.reorder_point "
    "FROM product p LEFT JOIN stock_sum_product s ON s.product_id = p.id LEFT JOIN prod g ON g.product_id = p.id "
    "WHERE COALESCE(s.qty, 0) <> COALESCE(g.q, 0) OR COALESCE(s.sellable, 0) <> COALESCE(g.s, 0) "
    "   OR (COALESCE(s.reorder_point, 0) <> p.reorder_point AND (s.product_id IS NOT NULL OR p.reorder_point > 0))";

/* The words of one kind of copy checked against its source. */
struct drift_words {
    const char *kind;   /* "summary" */
    const char *copy;   /* what the copy's figures are called */
    const char *source; /* and the source's */
    const char *doing;  /* for a failure */
};

static const struct drift_words summary_words = {"summary", "summary", "balances", "recomputing the stock summaries"};

/* Each row of SQL (name, the copy's figures, the source's) is one drift. */
static int check_drift_sql(ent_db *db, const char *sql, const struct drift_words *w, int *problems, ent_check_cb cb,
                           void *ud)
{
    sqlite3_stmt *st = NULL;
    char line[512];
    int sc;
    if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
        return entx_fail_sql(db, w->doing);
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        snprintf(line, sizeof line, "%s drift: %s: %s %s, %s %s", w->kind, sqlite3_column_text(st, 0), w->copy,
                 sqlite3_column_text(st, 1), w->source, sqlite3_column_text(st, 2));
        cb(line, ud);
        (*problems)++;
    }
    sqlite3_finalize(st);
    return sc == SQLITE_DONE ? ENT_OK : entx_fail_sql(db, w->doing);
}

static int check_sums_sql(ent_db *db, const char *sql, int *problems, ent_check_cb cb, void *ud)
{
    return check_drift_sql(db, sql, &summary_words, problems, cb, ud);
}

/* The per-lot and per-origin summaries (schema 18) against the balances and
 * the lots: quantities, the lot's copied keys, and each origin's row. */
static const char lot_sums_sql[] =
    "WITH bal AS (SELECT lot_id, SUM(qty) AS q FROM stock_balance GROUP BY lot_id), "
    "org AS (SELECT l.origin, COALESCE(l.cost_currency, '') AS cur, SUM(b.qty) AS q, "
    "               COUNT(DISTINCT CASE WHEN b.qty > 0 THEN b.lot_id END) AS n, "
    "               COUNT(DISTINCT CASE WHEN b.qty > 0 THEN b.product_id END) AS np, "
    "               SUM(CASE WHEN l.unit_cost IS NULL THEN b.qty ELSE 0 END) AS u, "
    "               SUM(CASE WHEN l.unit_cost IS NOT NULL AND p.unit NOT IN ('g', 'ml') THEN b.qty * l.unit_cost "
    "                   ELSE 0 END) AS vu, "
    "               SUM(CASE WHEN l.unit_cost IS NOT NULL AND p.unit IN ('g', 'ml') THEN b.qty * l.unit_cost "
    "                   ELSE 0 END) AS vm, "
    "               SUM(CASE WHEN p.unit NOT IN ('g', 'ml') THEN b.qty ELSE 0 END) AS qp, "
    "               SUM(CASE WHEN p.unit = 'g' THEN b.qty ELSE 0 END) AS qg, "
    "               SUM(CASE WHEN p.unit = 'ml' THEN b.qty ELSE 0 END) AS qm "
    "        FROM stock_balance b JOIN lot l ON l.id = b.lot_id JOIN product p ON p.id = l.product_id "
    "        GROUP BY l.origin, COALESCE(l.cost_currency, '')) "
    "SELECT 'lot ' || l.code || ' of ' || COALESCE(p.gtin, p.sku), "
    "       COALESCE(s.qty, 0) || ' on hand, origin ' || COALESCE(s.origin, '-'), "
    "       COALESCE(g.q, 0) || ' on hand, origin ' || l.origin "
    "FROM lot l JOIN product p ON p.id = l.product_id LEFT JOIN stock_sum_lot s ON s.lot_id = l.id "
    "LEFT JOIN bal g ON g.lot_id = l.id "
    "WHERE COALESCE(s.qty, 0) <> COALESCE(g.q, 0) OR (s.lot_id IS NOT NULL AND (s.origin <> l.origin "
    "   OR s.product_id <> l.product_id OR s.cost_currency <> COALESCE(l.cost_currency, '') "
    "   OR s.unit_cost IS NOT l.unit_cost OR s.milli <> (p.unit IN ('g', 'ml')) OR s.expiry IS NOT l.expiry "
    "   OR s.unit <> (CASE WHEN p.unit IN ('g', 'ml') THEN p.unit ELSE 'pcs' END) "
    "   OR s.code <> l.code)) "
    "UNION ALL "
    "SELECT 'origin ' || COALESCE(s.origin, g.origin) || ' ' || COALESCE(s.cost_currency, g.cur), "
    "       COALESCE(s.qty, 0) || ' units, ' || COALESCE(s.lots, 0) || ' lots, ' || COALESCE(s.products, 0) "
    "       || ' commodities, value ' || COALESCE(s.value_units, 0) || ' + ' || COALESCE(s.value_milli, 0) "
    "       || '/1000, ' || COALESCE(s.qty_pcs, 0) || ' pcs, ' || COALESCE(s.qty_g, 0) || ' g, ' "
    "       || COALESCE(s.qty_ml, 0) || ' ml', "
    "       COALESCE(g.q, 0) || ' units, ' || COALESCE(g.n, 0) || ' lots, ' || COALESCE(g.np, 0) "
    "       || ' commodities, value ' || COALESCE(g.vu, 0) || ' + ' || COALESCE(g.vm, 0) || '/1000, ' "
    "       || COALESCE(g.qp, 0) || ' pcs, ' || COALESCE(g.qg, 0) || ' g, ' || COALESCE(g.qm, 0) || ' ml' "
    "FROM stock_sum_origin s FULL JOIN org g ON g.origin = s.origin AND g.cur = s.cost_currency "
    "WHERE COALESCE(s.qty, 0) <> COALESCE(g.q, 0) OR COALESCE(s.lots, 0) <> COALESCE(g.n, 0) "
    "   OR COALESCE(s.products, 0) <> COALESCE(g.np, 0) OR COALESCE(s.uncosted, 0) <> COALESCE(g.u, 0) "
    "   OR COALESCE(s.value_units, 0) <> COALESCE(g.vu, 0) OR COALESCE(s.value_milli, 0) <> COALESCE(g.vm, 0) "
    "   OR COALESCE(s.qty_pcs, 0) <> COALESCE(g.qp, 0) OR COALESCE(s.qty_g, 0) <> COALESCE(g.qg, 0) "
    "   OR COALESCE(s.qty_ml, 0) <> COALESCE(g.qm, 0)";

/* The per-location sums (schema 19), and per location and origin (schema
 * 24), against the balances, through the views that rebuild them. ORG is
 * the origin's part of the row's name and of the join. */
#define LOCATION_SUMS_SQL(TABLE, ORG_NAME, ORG_JOIN, UNITS_S, UNITS_G, UNITS_DIFF)                                     \
    "SELECT 'location ' || COALESCE(loc.code, '#' || COALESCE(s.location_id, g.location_id)) || ' '" ORG_NAME          \
    "       || COALESCE(NULLIF(COALESCE(s.cost_currency, g.cost_currency), ''), 'without cost'), "                     \
    "       COALESCE(s.qty, 0) || ' units, ' || COALESCE(s.lots, 0) || ' lots, ' || COALESCE(s.products, 0) "          \
    "       || ' commodities, value ' || COALESCE(s.value_units, 0) || ' + ' || COALESCE(s.value_milli, 0) || "        \
    "'/1000'" UNITS_S ", "                                                                                             \
    "       COALESCE(g.qty, 0) || ' units, ' || COALESCE(g.lots, 0) || ' lots, ' || COALESCE(g.products, 0) "          \
    "       || ' commodities, value ' || COALESCE(g.value_units, 0) || ' + ' || COALESCE(g.value_milli, 0) || "        \
    "'/1000'" UNITS_G " "                                                                                              \
    "FROM " TABLE " s FULL JOIN " TABLE "_of g "                                                                       \
    "     ON g.location_id = s.location_id AND g.cost_currency = s.cost_currency " ORG_JOIN " "                        \
    "LEFT JOIN location loc ON loc.id = COALESCE(s.location_id, g.location_id) "                                       \
    "WHERE COALESCE(s.qty, 0) <> COALESCE(g.qty, 0) OR COALESCE(s.lots, 0) <> COALESCE(g.lots, 0) "                    \
    "   OR COALESCE(s.products, 0) <> COALESCE(g.products, 0) OR COALESCE(s.uncosted, 0) <> COALESCE(g.uncosted, 0) "  \
    "   OR COALESCE(s.value_units, 0) <> COALESCE(g.value_units, 0) "                                                  \
    "   OR COALESCE(s.value_milli, 0) <> COALESCE(g.value_milli, 0)" UNITS_DIFF

/* The per-unit figures of the per-origin rows (schema 30), in a row's text
 * and compared. */
#define UNIT_FIGURES(T)                                                                                                \
    " || ', ' || COALESCE(" T ".qty_pcs, 0) || ' pcs, ' || COALESCE(" T ".qty_g, 0) || ' g, ' || COALESCE(" T          \
    ".qty_ml, 0) || ' ml'"
#define UNIT_DIFF                                                                                                      \
    " OR COALESCE(s.qty_pcs, 0) <> COALESCE(g.qty_pcs, 0) OR COALESCE(s.qty_g, 0) <> COALESCE(g.qty_g, 0) "            \
    "OR COALESCE(s.qty_ml, 0) <> COALESCE(g.qty_ml, 0)"

static const char location_sums_sql[] = LOCATION_SUMS_SQL("stock_sum_location_cur", "", "", "", "", "");
static const char location_origin_sums_sql[] =
    LOCATION_SUMS_SQL("stock_sum_location_origin", " || 'origin ' || COALESCE(s.origin, g.origin) || ' '",
                      "AND g.origin = s.origin", UNIT_FIGURES("s"), UNIT_FIGURES("g"), UNIT_DIFF);

/* The scan's copy of the lots keyed by GTIN and lot code (schema 26)
 * against the lots and their commodities' GTINs: a lot missing from it or
 * differing in a key, date or origin, then a row for no lot. Both halves
 * seek by key (a FULL JOIN on a view of the lots compared every pair). */
#define SCAN_LOT_ROW(T)                                                                                               \
    "CASE WHEN " T ".lot_id IS NULL THEN 'none' ELSE 'lot #' || " T ".lot_id || ' of commodity #' || " T             \
    ".product_id || ', expiry ' || COALESCE(" T ".expiry, '-') || ', production ' || COALESCE(" T                    \
    ".production_date, '-') || ', origin ' || " T ".origin END"
static const char scan_lot_sql[] =
    "SELECT 'lot ' || l.code || ' of ' || p.gtin, " SCAN_LOT_ROW("s") ", "
    "       'lot #' || l.id || ' of commodity #' || l.product_id || ', expiry ' || COALESCE(l.expiry, '-') "
    "       || ', production ' || COALESCE(l.production_date, '-') || ', origin ' || l.origin "
    "FROM lot l JOIN product p ON p.id = l.product_id "
    "LEFT JOIN scan_lot s ON s.gtin = p.gtin AND s.code = l.code "
    "WHERE p.gtin IS NOT NULL AND (s.lot_id IS NULL OR s.lot_id <> l.id OR s.product_id <> l.product_id "
    "   OR s.expiry IS NOT l.expiry OR s.production_date IS NOT l.production_date OR s.origin <> l.origin) "
    "UNION ALL "
    "SELECT 'lot ' || s.code || ' of ' || s.gtin, " SCAN_LOT_ROW("s") ", 'none' "
    "FROM scan_lot s LEFT JOIN product p ON p.gtin = s.gtin LEFT JOIN lot l ON l.product_id = p.id AND l.code = s.code "
    "WHERE l.id IS NULL";

static const struct drift_words scan_lot_words = {"scan copy", "copy", "lots", "comparing the scan's copy of the lots"};

static int check_sums(ent_db *db, int *problems, ent_check_cb cb, void *ud)
{
    int rc = check_sums_sql(db, sums_sql, problems, cb, ud);
    if (rc == ENT_OK)
        rc = check_sums_sql(db, lot_sums_sql, problems, cb, ud);
    if (rc == ENT_OK)
        rc = check_sums_sql(db, location_sums_sql, problems, cb, ud);
    return rc == ENT_OK ? check_sums_sql(db, location_origin_sums_sql, problems, cb, ud) : rc;
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
    int before = problems;
    int rc = entx_stock_check(db, &problems, cb, ud);
    bool implausible = problems > before;
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
    /* Figures beyond their bounds cannot be added up (the sums would leave
     * 64 bits); they are named above, the summaries are checked once they
     * are mended. */
    if (!implausible && (rc = check_sums(db, &problems, cb, ud)) != ENT_OK)
        return rc;
    if ((rc = check_drift_sql(db, scan_lot_sql, &scan_lot_words, &problems, cb, ud)) != ENT_OK)
        return rc;
    if (problems > 0)
        return entx_fail(db, ENT_TAMPERED, "%d problem%s found", problems, problems == 1 ? "" : "s");
    return ENT_OK;
}
