/* Stock levels, history and the integrity check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/catalog.h"
#include "entrepot/country.h"
#include "entrepot/stock.h"
#include "catalog_internal.h"
#include "internal.h"
#include "stock_internal.h"

/* The commodity p's base unit (column 25; low stock: 8), a unit outside
 * the three read as pieces. */
#define UNIT_COL "CASE WHEN p.unit IN ('g', 'ml') THEN p.unit ELSE 'pcs' END"

/* ---- levels ------------------------------------------------------------- */

/*
 * SQLite stops an integer SUM that leaves 64 bits with "integer overflow";
 * inside the bounds that cannot happen, so it means figures written past
 * the library (a hand-edited database). Say so instead of a bare error.
 */
static int sum_fail(ent_db *db, const char *what)
{
    if (strstr(sqlite3_errmsg(db->sql), "integer overflow") != NULL)
        return entx_fail(db, ENT_ERROR,
                        "%s: the stock figures are too large to add up (a balance or unit cost beyond "
                        "its bound, written outside entrepot): the integrity check names them",
                        what);
    return entx_fail_sql(db, what);
}

/* Value of one balance at its lot's unit cost, guarded: when the product
 * would leave 64 bits the row is left out of the sums and counted in the
 * overflow column instead. Goods in g or ml are costed per kg or litre, as
 * they are priced, so their products are in thousandths of a minor unit. */
#define COST_FITS "(l.unit_cost IS NULL OR l.unit_cost = 0 OR b.qty <= 9223372036854775807 / l.unit_cost)"
#define VALUE_COLS                                                                                                     \
    "SUM(CASE WHEN l.unit_cost IS NOT NULL AND p.unit NOT IN ('g', 'ml') AND " COST_FITS                               \
    "    THEN b.qty * l.unit_cost ELSE 0 END), "                                                                       \
    "SUM(CASE WHEN l.unit_cost IS NOT NULL AND p.unit IN ('g', 'ml') AND " COST_FITS                                   \
    "    THEN b.qty * l.unit_cost ELSE 0 END), "                                                                       \
    "SUM(CASE WHEN " COST_FITS " THEN 0 ELSE 1 END)"

/* units + thousandths / 1000 rounded half up, refused when it leaves 64 bits. */
static int row_value(ent_db *db, int64_t units, int64_t milli, int64_t overflow, int64_t *out)
{
    int64_t whole = milli / 1000 + (milli % 1000 >= 500);
    if (overflow > 0 || __builtin_add_overflow(units, whole, out))
        return entx_fail(db, ENT_ERROR,
                        "the cost value of stock is too large to add up (a balance or unit cost "
                        "beyond its bound, written outside entrepot): the integrity check names them");
    return ENT_OK;
}

/*
 * The key of a row: where it stands in its view's order, so that the next
 * page starts after it (keyset paging: no row is read twice or skipped
 * when stock changes between pages, except in the views ordered by a
 * quantity, which may move). Written "A:B:C": A a whole number, B a word
 * without ':' (a currency, an expiry or '-', a commodity's number), C the
 * rest (a location or lot code, an origin). Each view says what its parts
 * are in levels_sql.
 */
struct page_key {
    int given;
    int64_t a, b_whole; /* B read as a whole number (the low view) */
    char b[ENT_DATE_SIZE + 8];
    const char *c;
};

static int page_key_parse(ent_db *db, struct page_key *k, const char *key)
{
    memset(k, 0, sizeof *k);
    k->c = "";
    if (entx_empty(key))
        return ENT_OK;
    char shown[64], *end = NULL;
    const char *colon = strchr(key, ':');
    const char *colon2 = colon ? strchr(colon + 1, ':') : NULL;
    long long a = colon ? strtoll(key, &end, 10) : 0;
    size_t blen = colon2 ? (size_t)(colon2 - colon - 1) : 0;
    if (colon2 == NULL || end != colon || end == key || blen >= sizeof k->b)
        return entx_fail(db, ENT_INVALID, "the page key '%s' is not one a page of stock levels gave",
                        ent_text_clip(shown, sizeof shown, key, 40));
    k->given = 1;
    k->a = a;
    memcpy(k->b, colon + 1, blen);
    k->b[blen] = '\0';
    k->b_whole = strtoll(k->b, NULL, 10);
    k->c = colon2 + 1;
    return ENT_OK;
}

static int levels_low(ent_db *db, const ent_levels_query *q, int64_t pid, const struct page_key *k, ent_level_cb cb,
                      void *ud)
{
    /* Low stock counts what can be sold soon: shelf and back room, not bonded
     * or quarantined goods. Commodities without a reorder point are left out. */
    sqlite3_stmt *st = NULL;
    int rc = ENT_OK;
    char sql[1024];
    snprintf(sql, sizeof sql,
            "SELECT p.gtin, p.sku, p.name_zh, p.name_en, s.reorder_point, s.sellable, "
            "       (SELECT COUNT(DISTINCT b.lot_id) FROM stock_balance b JOIN location loc ON loc.id = b.location_id "
            "        WHERE b.product_id = s.product_id AND b.qty > 0 AND loc.kind IN ('shelf', 'backroom')), "
            "       (s.sellable - s.reorder_point) || ':' || s.product_id || ':', " UNIT_COL " "
            /* The summary kept by the balance triggers (schema 12): the
             * partial index holds only what is at or below its point. */
            "FROM stock_sum_product s JOIN product p ON p.id = s.product_id "
            "WHERE s.reorder_point > 0 AND s.sellable <= s.reorder_point AND (?1 = 0 OR s.product_id = ?1) "
            /* the next page: after the shortfall and commodity of the key
             * (the first term alone too: SQLite seeks an expression's
             * index by it, and walked from the start with the row value) */
            "%s ORDER BY s.sellable - s.reorder_point, s.product_id LIMIT ?2",
            k->given ? "AND s.sellable - s.reorder_point >= ?4 AND (s.sellable - s.reorder_point, s.product_id) > (?4, ?5)"
                     : "");
    if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
        return entx_fail_sql(db, "reading low stock");
    sqlite3_bind_int64(st, 1, pid);
    sqlite3_bind_int64(st, 2, q->limit > 0 ? q->limit : -1);
    sqlite3_bind_int64(st, 4, k->a);
    sqlite3_bind_int64(st, 5, k->b_whole);
    int sc;
    while (rc == ENT_OK && (sc = sqlite3_step(st)) == SQLITE_ROW) {
        ent_level row;
        memset(&row, 0, sizeof row);
        row.key = (const char *)sqlite3_column_text(st, 7);
        row.gtin = (const char *)sqlite3_column_text(st, 0);
        row.sku = (const char *)sqlite3_column_text(st, 1);
        row.name_zh = (const char *)sqlite3_column_text(st, 2);
        row.name_en = (const char *)sqlite3_column_text(st, 3);
        row.reorder_point = sqlite3_column_int64(st, 4);
        row.qty = sqlite3_column_int64(st, 5);
        row.lots = sqlite3_column_int64(st, 6);
        row.products = 1;
        row.unit = (const char *)sqlite3_column_text(st, 8);
        rc = cb(&row, ud);
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = sum_fail(db, "reading low stock");
    sqlite3_finalize(st);
    return rc;
}

/* Reads one row's figures: columns from 11 on are qty, products, lots,
 * cost_currency, uncosted, value in units, value in thousandths, rows whose
 * value left 64 bits. A figure the summaries keep that is no longer an
 * integer left 64 bits too (only a hand-edited database). */
/* A lot row's on-hand units at its landed cost: landed x on hand / units the
 * landed cost was worked out for, half up, in 128 bits (the margin report's
 * rule for the units sold). */
static int landed_value(ent_db *db, sqlite3_stmt *st, const char *store_cur, ent_level *row)
{
    if (sqlite3_column_type(st, 20) != SQLITE_INTEGER || sqlite3_column_int64(st, 21) <= 0) {
        /* never landed, but bought in the store's currency: its cost is
         * already what it cost here (the margin report's rule too) */
        if (row->lot && row->cost_currency && store_cur[0] && strcmp(row->cost_currency, store_cur) == 0) {
            row->landed_value = row->value;
            row->landed = true;
        }
        return ENT_OK;
    }
    int64_t landed = sqlite3_column_int64(st, 20), of = sqlite3_column_int64(st, 21);
    __int128 n = (__int128)landed * row->qty;
    bool neg = n < 0;
    n = ((neg ? -n : n) + of / 2) / of;
    if (n > INT64_MAX)
        return entx_fail(db, ENT_ERROR, "the landed value of stock is too large to add up (a balance or landed "
                                        "cost beyond its bound, written outside entrepot)");
    row->landed_value = (int64_t)(neg ? -n : n);
    row->landed = true;
    return ENT_OK;
}

static int level_row(ent_db *db, sqlite3_stmt *st, const char *store_cur, ent_level *row)
{
    const char **texts[] = {&row->gtin, &row->sku, &row->name_zh, &row->name_en, &row->location,
                            &row->location_kind, &row->lot, &row->expiry, &row->declaration, &row->origin};
    memset(row, 0, sizeof *row);
    for (int i = 0; i < 10; i++)
        *texts[i] = (const char *)sqlite3_column_text(st, i);
    if (sqlite3_column_type(st, 11) != SQLITE_INTEGER)
        return entx_fail(db, ENT_ERROR,
                        "reading stock levels: the stock figures are too large to add up (a balance or unit cost "
                        "beyond its bound, written outside entrepot): the integrity check names them");
    row->reorder_point = sqlite3_column_int64(st, 10);
    row->qty = sqlite3_column_int64(st, 11);
    row->products = sqlite3_column_int64(st, 12);
    row->lots = sqlite3_column_int64(st, 13);
    row->cost_currency = (const char *)sqlite3_column_text(st, 14);
    row->uncosted = sqlite3_column_int64(st, 15);
    row->key = (const char *)sqlite3_column_text(st, 19);
    int64_t overflow = sqlite3_column_int64(st, 18);
    if (sqlite3_column_type(st, 16) != SQLITE_INTEGER || sqlite3_column_type(st, 17) != SQLITE_INTEGER)
        overflow = 1;
    if (sqlite3_column_type(st, 22) != SQLITE_NULL) {
        row->by_unit = true;
        row->qty_pcs = sqlite3_column_int64(st, 22);
        row->qty_g = sqlite3_column_int64(st, 23);
        row->qty_ml = sqlite3_column_int64(st, 24);
    }
    row->unit = (const char *)sqlite3_column_text(st, 25);
    int rc = row_value(db, sqlite3_column_int64(st, 16), sqlite3_column_int64(st, 17), overflow, &row->value);
    if (rc == ENT_OK)
        rc = landed_value(db, st, store_cur, row);
    if (rc == ENT_OK && row->origin) {
        const ent_country *c = NULL;
        if (ent_country_lookup(&c, row->origin) == ENT_OK) {
            row->origin_en = c->name_en;
            row->origin_zh = c->name_zh;
        }
    }
    return rc;
}

/* The columns of a row from the balances, after the keys. */
#define BALANCE_FIGURES                                                                                                \
    "SUM(b.qty), COUNT(DISTINCT b.product_id), COUNT(DISTINCT b.lot_id), l.cost_currency, "                           \
    "SUM(CASE WHEN l.unit_cost IS NULL THEN b.qty ELSE 0 END), " VALUE_COLS

/* Value of a lot's on-hand row in stock_sum_lot s, guarded like COST_FITS. */
#define LOT_FITS "(s.unit_cost IS NULL OR s.unit_cost = 0 OR s.qty <= 9223372036854775807 / s.unit_cost)"
#define LOT_FIGURES                                                                                                    \
    "s.qty, 1, 1, NULLIF(s.cost_currency, ''), CASE WHEN s.unit_cost IS NULL THEN s.qty ELSE 0 END, "               \
    "CASE WHEN s.unit_cost IS NOT NULL AND s.milli = 0 AND " LOT_FITS " THEN s.qty * s.unit_cost ELSE 0 END, "      \
    "CASE WHEN s.unit_cost IS NOT NULL AND s.milli = 1 AND " LOT_FITS " THEN s.qty * s.unit_cost ELSE 0 END, "      \
    "CASE WHEN " LOT_FITS " THEN 0 ELSE 1 END"

/* Value of one lot's balance b at one location (lot l, commodity p): the
 * figures BALANCE_FIGURES gives for a group of that one row. */
#define ONE_BALANCE_FIGURES                                                                                            \
    "b.qty, 1, 1, l.cost_currency, CASE WHEN l.unit_cost IS NULL THEN b.qty ELSE 0 END, "                            \
    "CASE WHEN l.unit_cost IS NOT NULL AND p.unit NOT IN ('g', 'ml') AND " COST_FITS " THEN b.qty * l.unit_cost "     \
    "     ELSE 0 END, "                                                                                                \
    "CASE WHEN l.unit_cost IS NOT NULL AND p.unit IN ('g', 'ml') AND " COST_FITS " THEN b.qty * l.unit_cost "         \
    "     ELSE 0 END, "                                                                                                \
    "CASE WHEN " COST_FITS " THEN 0 ELSE 1 END"

#define PRODUCT_KEYS "p.gtin, p.sku, p.name_zh, p.name_en, NULL, NULL, NULL, NULL, NULL, NULL, p.reorder_point"
/* A lot's landed cost and the units it was worked out for (purchasing's
 * landed_lot, through its lot index; of its newest declaration should it
 * have been landed under two), after the page key: a lot row's value
 * in the store's currency beside its foreign cost. Other views give NULLs. */
#define LANDED_COLS(LOT)                                                                                               \
    "(SELECT landed FROM landed_lot WHERE lot_id = " LOT " ORDER BY declaration_id DESC LIMIT 1), "                      \
    "(SELECT qty FROM landed_lot WHERE lot_id = " LOT " ORDER BY declaration_id DESC LIMIT 1)"
#define NO_LANDED "NULL, NULL"

/* The units on hand in each base unit (columns 22 to 24, after the landed
 * ones): of a group of balances b of commodities p, of one quantity Q of
 * commodity p, or none (a view that does not split them). A unit outside
 * the catalogue's three (a hand-edited database) counts as pieces, as its
 * cost does. */
#define BALANCE_UNITS                                                                                                  \
    "SUM(CASE WHEN p.unit NOT IN ('g', 'ml') THEN b.qty ELSE 0 END), SUM(CASE WHEN p.unit = 'g' THEN b.qty ELSE 0 "    \
    "END), "                                                                                                           \
    "SUM(CASE WHEN p.unit = 'ml' THEN b.qty ELSE 0 END)"
#define ONE_UNITS(Q)                                                                                                   \
    "CASE WHEN p.unit NOT IN ('g', 'ml') THEN " Q " ELSE 0 END, CASE WHEN p.unit = 'g' THEN " Q " ELSE 0 END, "        \
    "CASE WHEN p.unit = 'ml' THEN " Q " ELSE 0 END"
#define NO_UNITS "NULL, NULL, NULL"

/* An origin row's value in minor units, as row_value rounds it: the order
 * of the origin view (from a summary's columns, or from balances). */
#define SUM_VALUE "(value_units + (value_milli + 500) / 1000)"
#define BALANCE_VALUE                                                                                                  \
    "(SUM(CASE WHEN l.unit_cost IS NOT NULL AND p.unit NOT IN ('g', 'ml') THEN b.qty * l.unit_cost ELSE 0 END) + "     \
    "(SUM(CASE WHEN l.unit_cost IS NOT NULL AND p.unit IN ('g', 'ml') THEN b.qty * l.unit_cost ELSE 0 END) + 500) "    \
    "/ 1000)"
/* The origin view's order: rows with a cost before those without, the
 * store's currency (?9) first and the others in code order, then the value
 * down and the origin up; after the key (value ?6, currency ?7, origin ?8)
 * in that order. CUR is the row's currency ('' without a cost). */
#define ORIGIN_ORDER(VALUE, CUR, ORIGIN) CUR " = '', " CUR " <> ?9, " CUR ", " VALUE " DESC, " ORIGIN
#define ORIGIN_AFTER(VALUE, CUR, ORIGIN)                                                                               \
    "((" CUR " = '', " CUR " <> ?9, " CUR ") > (?7 = '', ?7 <> ?9, ?7) OR (" CUR " = ?7 AND (" VALUE                   \
    " < ?6 OR (" VALUE " = ?6 AND " ORIGIN " > ?8))))"

#define LOT_KEYS "p.gtin, p.sku, p.name_zh, p.name_en, NULL, NULL, l.code, l.expiry, l.declaration, l.origin, 0"

/*
 * The SQL of one view. Without a commodity or a location to narrow it, each
 * view reads a summary kept by the balance triggers and walks it in the
 * view's order, so that a page costs its rows (schemas 12, 18, 19 and 23):
 * origins from their own rows, lots (and what expires) from the on-hand lots
 * in expiry order, commodities from those with stock in id order, locations
 * from their rows per cost currency in code order (per origin too, schema
 * 24); one origin's lots and commodities through their own indexes. A commodity or a
 * location narrows the balances through their index; the conditions are
 * written in only when asked, so that SQLite can use it.
 *
 * Each view's last column is the row's page key (struct page_key), and with
 * after set its condition starts the walk after the key (?6 = A, ?7 = B,
 * ?8 = C); the next page costs its rows too.
 */
static void levels_sql(char *sql, size_t len, const ent_levels_query *q, int64_t pid, int64_t loc_id,
                       const char *origin, const struct page_key *k, bool lots_walk)
{
    bool narrow = pid != 0 || loc_id != 0;
    bool expiring = !entx_empty(q->expiring_before);
    bool after = k->given;
    /* Narrowed by a location alone, the location, origin and commodity
     * views still answer from summaries or a walk (schema 23): the fullest
     * location holds a good part of the store. */
    bool at_loc = loc_id != 0 && pid == 0;
    if ((!narrow || at_loc) && q->by == ENT_BY_ORIGIN && !expiring) {
        /* key: value, currency, origin (the order is by value, schema
         * 30: pieces, grams and millilitres do not add up to a quantity
         * that could rank origins; an origin whose stock changes between
         * pages may move). One row per origin and currency, a few hundred
         * at most: read in the summary's key order and sorted. */
        snprintf(sql, len,
                 "SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, origin, 0, qty, products, lots, "
                 "       NULLIF(cost_currency, ''), uncosted, value_units, value_milli, 0, "
                 "       " SUM_VALUE " || ':' || cost_currency || ':' || origin, " NO_LANDED ", "
                 "       qty_pcs, qty_g, qty_ml, NULL "
                 "FROM %s lots > 0 %s %s "
                 "ORDER BY " ORIGIN_ORDER(SUM_VALUE, "cost_currency", "origin") " LIMIT ?5",
                 at_loc ? "stock_sum_location_origin WHERE location_id = ?2 AND" : "stock_sum_origin WHERE",
                 origin[0] ? "AND origin = ?3" : "",
                 after ? "AND " ORIGIN_AFTER(SUM_VALUE, "cost_currency", "origin") : "");
        return;
    }
    if ((!narrow || at_loc) && q->by == ENT_BY_LOCATION && !expiring) {
        /* key: 0, currency, location code. One origin has its own rows per
         * location (schema 23), keyed behind the location's. */
        snprintf(sql, len,
                 "SELECT NULL, NULL, NULL, NULL, loc.code, loc.kind, NULL, NULL, NULL, NULL, 0, s.qty, s.products, "
                 "       s.lots, NULLIF(s.cost_currency, ''), s.uncosted, s.value_units, s.value_milli, 0, "
                 "       '0:' || s.cost_currency || ':' || loc.code, " NO_LANDED ", " NO_UNITS ", NULL "
                 "FROM location loc JOIN %s s ON s.location_id = loc.id "
                 "WHERE s.lots > 0 %s %s %s ORDER BY loc.code, s.cost_currency LIMIT ?5",
                 origin[0] ? "stock_sum_location_origin" : "stock_sum_location_cur",
                 origin[0] ? "AND s.origin = ?3" : "", at_loc ? "AND s.location_id = ?2" : "",
                 after ? "AND (loc.code, s.cost_currency) > (?8, ?7)" : "");
        return;
    }
    if ((!narrow || (at_loc && lots_walk)) && q->by == ENT_BY_LOT) {
        /* key: commodity, expiry or '-', lot code. The terms of the partial
         * index, so that the walk is in its order; after a lot without an
         * expiry only such lots follow (a row value with a NULL compares
         * to nothing). After a dated lot the walk seeks the key among the
         * dated lots (the index's first term fixed, the rest a row value
         * SQLite seeks: with the first term inside the row value it walked
         * from the start, so page N read N pages); the undated lots that
         * follow them are a second walk (ent_stock_levels). */
        const char *from = "";
        bool undated = after && strcmp(k->b, "-") == 0;
        if (undated)
            from = "AND (s.expiry IS NULL) = 1 AND s.expiry IS NULL AND (s.product_id, s.code) > (?6, ?8)";
        else if (after)
            from = "AND (s.expiry IS NULL) = 0 AND (s.expiry, s.product_id, s.code) > (?7, ?6, ?8)";
        /* One location's lots (when it holds many: lots_at_location) are
         * the on-hand lots walked in the same order, each kept when it has
         * a balance there. */
        snprintf(
            sql, len,
            "SELECT " LOT_KEYS ", %s, "
            "       s.product_id || ':' || COALESCE(s.expiry, '-') || ':' || s.code, " LANDED_COLS(
                "s.lot_id") ", "
                            "       %s, " UNIT_COL " "
                            "FROM stock_sum_lot s%s JOIN lot l ON l.id = s.lot_id JOIN product p ON p.id = "
                            "s.product_id "
                            "WHERE s.qty > 0 %s %s %s "
                            "ORDER BY %s s.product_id, s.code LIMIT ?5",
            at_loc ? ONE_BALANCE_FIGURES : LOT_FIGURES, at_loc ? ONE_UNITS("b.qty") : ONE_UNITS("s.qty"),
            at_loc ? " CROSS JOIN stock_balance b ON b.lot_id = s.lot_id AND b.location_id = ?2 AND b.qty > 0" : "",
            origin[0] ? "AND s.origin = ?3" : "", expiring ? "AND (s.expiry IS NULL) = 0 AND s.expiry <= ?4" : "", from,
            /* terms the conditions fix are left out: naming them would sort */
            undated             ? ""
            : expiring || after ? "s.expiry,"
                                : "s.expiry IS NULL, s.expiry,");
        return;
    }
    if ((!narrow || (at_loc && !origin[0])) && q->by == ENT_BY_PRODUCT && !expiring) {
        /* key: commodity, currency. A commodity has a row per cost currency:
         * the page of commodities has at least as many rows as the limit
         * asks; the next starts at the key's commodity, after its currency
         * (one commodity more, as the key's may have no rows left). The
         * commodities are walked in id order: those with stock, of one
         * origin (schema 23's index), or at one location (its balances by
         * location and commodity, schema 23). */
        const char *walk = origin[0] ? "SELECT DISTINCT product_id FROM stock_sum_product_origin WHERE origin = ?3 AND qty > 0"
                           : at_loc  ? "SELECT DISTINCT product_id FROM stock_balance WHERE location_id = ?2 AND qty > 0"
                                     : "SELECT product_id FROM stock_sum_product WHERE qty > 0";
        snprintf(sql, len,
                 "SELECT " PRODUCT_KEYS ", " BALANCE_FIGURES ", "
                 "       s.product_id || ':' || COALESCE(l.cost_currency, '') || ':', " NO_LANDED ", " BALANCE_UNITS ", " UNIT_COL " "
                 "FROM (%s%s ORDER BY product_id LIMIT %s) s "
                 /* the page's commodities first, then their balances
                  * (CROSS JOIN keeps that order: the other way round
                  * reads every balance of the location) */
                 "CROSS JOIN stock_balance b ON b.product_id = s.product_id %s JOIN lot l ON l.id = b.lot_id "
                 "JOIN product p ON p.id = s.product_id "
                 "WHERE b.qty > 0 %s %s GROUP BY s.product_id, l.cost_currency "
                 "ORDER BY s.product_id, l.cost_currency LIMIT ?5",
                 walk, after ? " AND product_id >= ?6" : "", after ? "IIF(?5 < 0, -1, ?5 + 1)" : "?5",
                 at_loc ? "AND b.location_id = ?2" : "", origin[0] ? "AND l.origin = ?3" : "",
                 after ? "AND (s.product_id, COALESCE(l.cost_currency, '')) > (?6, ?7)" : "");
        return;
    }
    /* The balances, narrowed (or a view no summary answers): keys as above. */
    const char *keys, *group, *order, *key, *where_after = "", *having_after = "";
    switch (q->by) {
    case ENT_BY_LOCATION:
        keys = "NULL, NULL, NULL, NULL, loc.code, loc.kind, NULL, NULL, NULL, NULL, 0";
        group = "loc.id";
        order = "loc.code";
        key = "'0:' || COALESCE(l.cost_currency, '') || ':' || loc.code";
        if (after)
            where_after = "AND (loc.code, COALESCE(l.cost_currency, '')) > (?8, ?7)";
        break;
    case ENT_BY_LOT:
        keys = LOT_KEYS;
        group = "l.id";
        order = "l.expiry IS NULL, l.expiry, p.id, l.code";
        key = "p.id || ':' || COALESCE(l.expiry, '-') || ':' || l.code";
        if (after)
            where_after = "AND (l.expiry IS NULL, COALESCE(l.expiry, ''), p.id, l.code) "
                          "> (?7 = '-', IIF(?7 = '-', '', ?7), ?6, ?8)";
        break;
    case ENT_BY_ORIGIN:
        keys = "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, l.origin, 0";
        group = "l.origin";
        /* by value, as the summaries' origin view (keys alike) */
        order = ORIGIN_ORDER(BALANCE_VALUE, "COALESCE(l.cost_currency, '')", "l.origin");
        key = BALANCE_VALUE " || ':' || COALESCE(l.cost_currency, '') || ':' || l.origin";
        if (after)
            having_after = "HAVING " ORIGIN_AFTER(BALANCE_VALUE, "COALESCE(l.cost_currency, '')", "l.origin");
        break;
    default:
        keys = PRODUCT_KEYS;
        group = "p.id";
        order = "p.id";
        key = "p.id || ':' || COALESCE(l.cost_currency, '') || ':'";
        if (after)
            where_after = "AND (p.id, COALESCE(l.cost_currency, '')) > (?6, ?7)";
        break;
    }
    snprintf(sql, len,
             "SELECT %s, " BALANCE_FIGURES ", %s, %s, %s, %s "
             "FROM stock_balance b JOIN lot l ON l.id = b.lot_id JOIN product p ON p.id = b.product_id "
             "JOIN location loc ON loc.id = b.location_id "
             "WHERE b.qty > 0 %s %s %s %s %s "
             "GROUP BY %s, l.cost_currency %s ORDER BY %s, l.cost_currency LIMIT ?5",
             keys, key, q->by == ENT_BY_LOT ? LANDED_COLS("l.id") : NO_LANDED,
             q->by == ENT_BY_LOCATION ? NO_UNITS : BALANCE_UNITS,
             q->by == ENT_BY_PRODUCT || q->by == ENT_BY_LOT ? UNIT_COL : "NULL", pid ? "AND b.product_id = ?1" : "",
             loc_id ? "AND b.location_id = ?2" : "", origin[0] ? "AND l.origin = ?3" : "",
             expiring ? "AND l.expiry <= ?4" : "", where_after, group, having_after, order);
}

/*
 * How the lot view of one location is read: its N lots (balances above
 * zero) sorted, or the store's T on-hand lots walked in expiry order keeping
 * those it holds, which fills a page of L after about L * T / N lots. The
 * walk when that is fewer than N (a location holding a good part of the
 * store, such as a back room); the sort when the location is small or all
 * its lots are asked for. Both counts are kept by the balance triggers
 * (schemas 12 and 18).
 */
static int lots_at_location(ent_db *db, bool *walk, int64_t loc_id, int64_t limit)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT (SELECT lots FROM stock_sum_location WHERE location_id = ?1), "
                                     "       (SELECT SUM(lots) FROM stock_sum_origin)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, loc_id);
    int sc = sqlite3_step(st);
    if (sc == SQLITE_ROW) {
        double n = (double)sqlite3_column_int64(st, 0), t = (double)sqlite3_column_int64(st, 1);
        *walk = limit > 0 && n > 0 && (double)limit * t / n < n;
    }
    sqlite3_reset(st);
    return sc == SQLITE_ROW ? ENT_OK : entx_fail_sql(db, "reading stock levels");
}

/*
 * Runs one view's statement (levels_sql) with limit rows at most (0: all),
 * handing each row to cb; rows counts them. Every view numbers its
 * parameters alike and names ?5 (the limit), so that all nine may be
 * bound; a view reads only those it names.
 */
static int levels_run(ent_db *db, const char *sql, const ent_levels_query *q, int64_t pid, int64_t loc_id,
                      const char *origin, const struct page_key *k, int64_t limit, const char *store_cur,
                      ent_level_cb cb, void *ud, int64_t *rows)
{
    sqlite3_stmt *st = NULL;
    int rc = ENT_OK, sc;
    if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
        return entx_fail_sql(db, "reading stock levels");
    sqlite3_bind_int64(st, 1, pid);
    sqlite3_bind_int64(st, 2, loc_id);
    entx_bind_text_or_null(st, 3, origin);
    entx_bind_text_or_null(st, 4, q->expiring_before);
    sqlite3_bind_int64(st, 5, limit > 0 ? limit : -1);
    sqlite3_bind_int64(st, 6, k->a);
    sqlite3_bind_text(st, 7, k->b, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, k->c, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, store_cur, -1, SQLITE_STATIC); /* the origin view's order */
    while (rc == ENT_OK && (sc = sqlite3_step(st)) == SQLITE_ROW) {
        ent_level row;
        (*rows)++;
        if ((rc = level_row(db, st, store_cur, &row)) == ENT_OK)
            rc = cb(&row, ud);
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = sum_fail(db, "reading stock levels");
    sqlite3_finalize(st);
    return rc;
}

int ent_stock_levels(ent_db *db, const ent_levels_query *q, ent_level_cb cb, void *ud)
{
    int64_t pid = 0, loc_id = 0;
    char origin[ENT_COUNTRY_SIZE] = "", sql[8192];
    int rc = ENT_OK;
    entx_ok(db);
    if (!entx_empty(q->product) && (rc = ent_product_id(db, &pid, NULL, q->product)) != ENT_OK)
        return rc;
    if (!entx_empty(q->location) && (rc = entx_location_id(db, &loc_id, NULL, q->location)) != ENT_OK)
        return rc;
    if (!entx_empty(q->origin)) {
        const ent_country *c = NULL;
        char shown[64];
        if (ent_country_lookup(&c, q->origin) != ENT_OK)
            return entx_fail(db, ENT_INVALID, "origin '%s' is not an ISO 3166-1 country code",
                            ent_text_clip(shown, sizeof shown, q->origin, 40));
        memcpy(origin, c->alpha2, 3);
    }
    if (!entx_empty(q->expiring_before) && entx_date_parse(NULL, q->expiring_before) != ENT_OK)
        return entx_fail_date(db, "date", q->expiring_before);
    struct page_key k;
    if ((rc = page_key_parse(db, &k, q->after)) != ENT_OK)
        return rc;
    if (q->low)
        return levels_low(db, q, pid, &k, cb, ud);

    char store_cur[ENT_CURRENCY_SIZE] = "";
    if (q->by == ENT_BY_LOT || q->by == ENT_BY_ORIGIN) {
        ent_store *s = NULL;
        if (ent_store_get(db, &s) == ENT_OK)
            memcpy(store_cur, s->currency, sizeof store_cur);
        ent_store_free(s);
        entx_ok(db);
    }
    bool lots_walk = false;
    if (q->by == ENT_BY_LOT && loc_id != 0 && pid == 0 && (rc = lots_at_location(db, &lots_walk, loc_id, q->limit)) != ENT_OK)
        return rc;
    int64_t rows = 0;
    levels_sql(sql, sizeof sql, q, pid, loc_id, origin, &k, lots_walk);
    rc = levels_run(db, sql, q, pid, loc_id, origin, &k, q->limit, store_cur, cb, ud, &rows);
    /* The lot walk after a dated lot ends with the dated lots: the undated
     * ones follow them, from their first (a key before every commodity).
     * What expires has no undated lots; a narrowed view sorts its rows. */
    bool walk = pid == 0 && (loc_id == 0 || lots_walk);
    if (rc == ENT_OK && q->by == ENT_BY_LOT && walk && k.given && strcmp(k.b, "-") != 0 &&
        entx_empty(q->expiring_before) && (q->limit <= 0 || rows < q->limit)) {
        struct page_key undated = {.given = 1, .a = INT64_MIN, .b = "-", .c = ""};
        levels_sql(sql, sizeof sql, q, pid, loc_id, origin, &undated, lots_walk);
        rc = levels_run(db, sql, q, pid, loc_id, origin, &undated, q->limit > 0 ? q->limit - rows : 0, store_cur,
                        cb, ud, &rows);
    }
    return rc;
}

/* ---- history ------------------------------------------------------------ */

int ent_stock_history(ent_db *db, const char *product, int64_t limit, ent_move_cb cb, void *ud)
{
    int64_t pid;
    sqlite3_stmt *st = NULL;
    int rc = ent_product_id(db, &pid, NULL, product);
    if (rc != ENT_OK)
        return rc;
    /* The running balance is over the whole ledger; the limit keeps the newest rows. */
    if (sqlite3_prepare_v2(db->sql,
            "SELECT uuid, batch, at, kind, lot, location, reason, note, user, qty, balance FROM ("
            "  SELECT m.id, m.uuid, m.batch, m.at, m.kind, l.code AS lot, loc.code AS location, m.reason, m.note, "
            "         m.user, m.qty, SUM(m.qty) OVER (ORDER BY m.id) AS balance, "
            "         ROW_NUMBER() OVER (ORDER BY m.id DESC) AS back "
            "  FROM stock_move m JOIN lot l ON l.id = m.lot_id JOIN location loc ON loc.id = m.location_id "
            "  WHERE m.product_id = ?1) WHERE ?2 <= 0 OR back <= ?2 ORDER BY id", -1, &st, NULL) != SQLITE_OK)
        return entx_fail_sql(db, "reading the ledger");
    sqlite3_bind_int64(st, 1, pid);
    sqlite3_bind_int64(st, 2, limit);
    int sc;
    while (rc == ENT_OK && (sc = sqlite3_step(st)) == SQLITE_ROW) {
        ent_move m;
        const char **texts[] = {&m.uuid, &m.batch, &m.at, &m.kind, &m.lot, &m.location, &m.reason, &m.note, &m.user};
        for (int i = 0; i < 9; i++)
            *texts[i] = (const char *)sqlite3_column_text(st, i);
        m.qty = sqlite3_column_int64(st, 9);
        m.balance = sqlite3_column_int64(st, 10);
        rc = cb(&m, ud);
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = sum_fail(db, "reading the ledger");
    sqlite3_finalize(st);
    return rc;
}

/* ---- integrity ---------------------------------------------------------- */

/* Figures the library never writes: only a hand-edited database has them,
 * and they would make sums leave 64 bits. Each becomes one problem line. */
static const char implausible_sql[] =
    "SELECT 'balance beyond its bound: ' || COALESCE(p.gtin, p.sku) || ' lot ' || l.code || ' at ' || loc.code "
    "       || ' holds ' || b.qty || ', at most ' || ?1 "
    "FROM stock_balance b JOIN lot l ON l.id = b.lot_id JOIN product p ON p.id = b.product_id "
    "JOIN location loc ON loc.id = b.location_id WHERE b.qty > ?1 "
    "UNION ALL "
    "SELECT 'unit cost beyond its bound: ' || COALESCE(p.gtin, p.sku) || ' lot ' || l.code || ' costs ' "
    "       || l.unit_cost || ' ' || COALESCE(l.cost_currency, '') || ' (minor units), at most ' || ?2 "
    "FROM lot l JOIN product p ON p.id = l.product_id WHERE l.unit_cost > ?2 "
    "UNION ALL "
    "SELECT 'ledger row beyond its bound: move ' || m.uuid || ' changes ' || m.qty || ' units' "
    "FROM stock_move m WHERE m.qty > ?1 OR m.qty < -?1";

int entx_stock_check(ent_db *db, int *problems, ent_check_cb cb, void *ud)
{
    sqlite3_stmt *st = NULL;
    int sc;
    if (sqlite3_prepare_v2(db->sql, implausible_sql, -1, &st, NULL) != SQLITE_OK)
        return entx_fail_sql(db, "checking stock figures");
    sqlite3_bind_int64(st, 1, ENT_STOCK_BALANCE_MAX);
    sqlite3_bind_int64(st, 2, ENT_STOCK_COST_MAX);
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        cb((const char *)sqlite3_column_text(st, 0), ud);
        (*problems)++;
    }
    sqlite3_finalize(st);
    return sc == SQLITE_DONE ? ENT_OK : entx_fail_sql(db, "checking stock figures");
}
