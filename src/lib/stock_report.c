/* Stock counts, levels and history. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/catalog.h"
#include "entrepot/country.h"
#include "entrepot/stock.h"
#include "catalog_internal.h"
#include "internal.h"
#include "stock_internal.h"

static int empty(const char *s)
{
    return s == NULL || *s == '\0';
}

/* ---- counts ------------------------------------------------------------- */

/* Finds a count by its UUID; with open_only, a posted count is refused. */
static int count_id(ent_db *db, const char *uuid, int64_t *id, int64_t *location_id, int open_only)
{
    int posted = 0;
    if (empty(uuid))
        return ent_fail(db, ENT_INVALID, "no count given");
    sqlite3_stmt *st = ent_stmt(db, "SELECT id, location_id, posted_at IS NOT NULL FROM stock_count WHERE uuid = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    int rc = ENT_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        *location_id = sqlite3_column_int64(st, 1);
        posted = sqlite3_column_int(st, 2);
    } else {
        rc = ent_fail(db, ENT_NOTFOUND, "no count '%.40s' (the id `entrepot stock count start` printed)", uuid);
    }
    sqlite3_reset(st);
    if (rc == ENT_OK && open_only && posted)
        rc = ent_fail(db, ENT_REFUSED, "count %s is already posted", uuid);
    return rc;
}

int ent_count_start(ent_db *db, char *uuid_out, const char *location, const char *user)
{
    int64_t loc_id;
    char uuid[37], now[21];
    int rc;
    ent_ok(db);
    if ((rc = ent_check_text(db, "user", user, 64, false)) != ENT_OK ||
        (rc = ent_location_id(db, location, &loc_id, NULL)) != ENT_OK)
        return rc;
    if ((rc = ent_tx_begin(db)) != ENT_OK)
        return rc;
    ent_uuid_new(uuid);
    ent_now_utc(now);
    /* The snapshot and the ledger head are taken under one write lock, so no
     * move can fall between them. */
    sqlite3_stmt *st = ent_stmt(db, "INSERT INTO stock_count(uuid, location_id, started_at, last_move_id, user) "
                                    "VALUES (?, ?, ?, (SELECT COALESCE(MAX(id), 0) FROM stock_move), ?)");
    if (st == NULL) {
        rc = db->code;
        goto done;
    }
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, loc_id);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    ent_bind_text_or_null(st, 4, user);
    if ((rc = ent_exec_stmt(db, st)) != ENT_OK)
        goto done;
    int64_t cid = sqlite3_last_insert_rowid(db->sql);
    st = ent_stmt(db, "INSERT INTO stock_count_line(count_id, lot_id, product_id, expected) "
                      "SELECT ?, lot_id, product_id, qty FROM stock_balance WHERE location_id = ? AND qty > 0");
    if (st == NULL) {
        rc = db->code;
        goto done;
    }
    sqlite3_bind_int64(st, 1, cid);
    sqlite3_bind_int64(st, 2, loc_id);
    rc = ent_exec_stmt(db, st);
done:
    rc = ent_tx_end(db, rc);
    if (rc == ENT_OK && uuid_out)
        memcpy(uuid_out, uuid, 37);
    return rc;
}

int ent_count_record(ent_db *db, const char *count, const char *product, const char *lot, int64_t counted)
{
    int64_t cid, loc_id, pid, lot_id = 0;
    int rc;
    ent_ok(db);
    if (counted < 0)
        return ent_fail(db, ENT_INVALID, "counted quantity %lld must be 0 or more", (long long)counted);
    if ((rc = ent_product_id(db, &pid, product, NULL)) != ENT_OK)
        return rc;
    if ((rc = ent_tx_begin(db)) != ENT_OK)
        return rc;
    if ((rc = count_id(db, count, &cid, &loc_id, 1)) != ENT_OK)
        goto done;
    if (!empty(lot)) {
        ent_lot *l = NULL;
        if ((rc = ent_lot_find_id(db, &l, pid, lot)) != ENT_OK)
            goto done;
        lot_id = l->id;
        ent_lot_free(l);
    } else {
        sqlite3_stmt *st = ent_stmt(db, "SELECT lot_id FROM stock_count_line WHERE count_id = ? AND product_id = ?");
        if (st == NULL) {
            rc = db->code;
            goto done;
        }
        sqlite3_bind_int64(st, 1, cid);
        sqlite3_bind_int64(st, 2, pid);
        int n = 0;
        while (sqlite3_step(st) == SQLITE_ROW && n++ == 0)
            lot_id = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        if (n != 1) {
            rc = ent_fail(db, ENT_INVALID, n == 0 ? "%s was not expected at this location: name its lot with --lot"
                                                   : "%s has several lots in this count: name one with --lot",
                          product);
            goto done;
        }
    }
    sqlite3_stmt *st = ent_stmt(db, "INSERT INTO stock_count_line(count_id, lot_id, product_id, expected, counted) "
                                    "VALUES (?1, ?2, ?3, 0, ?4) "
                                    "ON CONFLICT(count_id, lot_id) DO UPDATE SET counted = excluded.counted");
    if (st == NULL) {
        rc = db->code;
        goto done;
    }
    sqlite3_bind_int64(st, 1, cid);
    sqlite3_bind_int64(st, 2, lot_id);
    sqlite3_bind_int64(st, 3, pid);
    sqlite3_bind_int64(st, 4, counted);
    rc = ent_exec_stmt(db, st);
done:
    return ent_tx_end(db, rc);
}

static const char count_lines_sql[] =
    "SELECT COALESCE(p.gtin, p.sku), COALESCE(p.name_zh, p.name_en), l.code, c.expected, c.counted, "
    "       (SELECT COUNT(*) FROM stock_move m WHERE m.lot_id = c.lot_id AND m.location_id = sc.location_id "
    "        AND m.id > sc.last_move_id), c.lot_id, c.product_id "
    "FROM stock_count_line c JOIN stock_count sc ON sc.id = c.count_id "
    "JOIN lot l ON l.id = c.lot_id JOIN product p ON p.id = c.product_id "
    "WHERE c.count_id = ? ORDER BY p.id, l.code";

static void fill_line(sqlite3_stmt *st, ent_count_line *ln)
{
    ln->gtin = (const char *)sqlite3_column_text(st, 0);
    ln->name = (const char *)sqlite3_column_text(st, 1);
    ln->lot = (const char *)sqlite3_column_text(st, 2);
    ln->expected = sqlite3_column_int64(st, 3);
    ln->counted = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 4);
    ln->difference = ln->counted < 0 ? 0 : ln->counted - ln->expected;
    ln->moves_since = sqlite3_column_int64(st, 5);
}

int ent_count_show(ent_db *db, const char *count, ent_count_cb cb, void *ud)
{
    int64_t cid, loc_id;
    int rc;
    sqlite3_stmt *st = NULL;
    ent_ok(db);
    if ((rc = count_id(db, count, &cid, &loc_id, 0)) != ENT_OK)
        return rc;
    if (sqlite3_prepare_v2(db->sql, count_lines_sql, -1, &st, NULL) != SQLITE_OK)
        return ent_fail_sql(db, "reading a count");
    sqlite3_bind_int64(st, 1, cid);
    while (rc == ENT_OK && sqlite3_step(st) == SQLITE_ROW) {
        ent_count_line ln;
        fill_line(st, &ln);
        rc = cb ? cb(&ln, ud) : ENT_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

int ent_count_post(ent_db *db, const char *count, int force, const char *user, ent_count_cb cb, void *ud)
{
    int64_t cid, loc_id;
    int rc, moved = 0;
    char batch[37], now[21], names[400] = "";
    size_t used = 0;
    sqlite3_stmt *st = NULL;
    ent_ok(db);
    if ((rc = ent_check_text(db, "user", user, 64, false)) != ENT_OK)
        return rc;
    if ((rc = ent_tx_begin(db)) != ENT_OK)
        return rc;
    if ((rc = count_id(db, count, &cid, &loc_id, 1)) != ENT_OK)
        goto done;
    if (sqlite3_prepare_v2(db->sql, count_lines_sql, -1, &st, NULL) != SQLITE_OK) {
        rc = ent_fail_sql(db, "reading a count");
        goto done;
    }
    sqlite3_bind_int64(st, 1, cid);
    /* First pass: flag lines that moved after the count began. */
    while (sqlite3_step(st) == SQLITE_ROW) {
        ent_count_line ln;
        fill_line(st, &ln);
        if (ln.counted >= 0 && ln.moves_since > 0) {
            moved++;
            if (used < sizeof names - 1)
                used += (size_t)snprintf(names + used, sizeof names - used, "%s%s lot %s", moved > 1 ? ", " : "",
                                         ln.gtin, ln.lot);
        }
    }
    sqlite3_reset(st);
    if (moved > 0 && !force) {
        rc = ent_fail(db, ENT_REFUSED,
                      "%d counted line%s moved after the count began (%s): recount them, or post with --force "
                      "to apply the counted differences anyway", moved, moved == 1 ? "" : "s", names);
        goto done;
    }
    ent_uuid_new(batch);
    while (rc == ENT_OK && sqlite3_step(st) == SQLITE_ROW) {
        ent_count_line ln;
        fill_line(st, &ln);
        if (ln.counted >= 0 && ln.difference != 0)
            rc = ent_stock_apply(db, batch, "count", sqlite3_column_int64(st, 7), sqlite3_column_int64(st, 6), loc_id,
                                 ln.difference, "count", count, user);
        if (rc == ENT_OK && cb)
            rc = cb(&ln, ud);
    }
    if (rc != ENT_OK)
        goto done;
    sqlite3_stmt *up = ent_stmt(db, "UPDATE stock_count SET posted_at = ? WHERE id = ?");
    if (up == NULL) {
        rc = db->code;
        goto done;
    }
    ent_now_utc(now);
    sqlite3_bind_text(up, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(up, 2, cid);
    rc = ent_exec_stmt(db, up);
done:
    sqlite3_finalize(st);
    return ent_tx_end(db, rc);
}

/* ---- levels ------------------------------------------------------------- */

static int levels_low(ent_db *db, const ent_levels_query *q, int64_t pid, ent_level_cb cb, void *ud)
{
    /* Low stock counts what can be sold soon: shelf and back room, not bonded
     * or quarantined goods. Commodities without a reorder point are left out. */
    sqlite3_stmt *st = NULL;
    int rc = ENT_OK;
    if (sqlite3_prepare_v2(db->sql,
            "SELECT p.gtin, p.sku, p.name_zh, p.name_en, p.reorder_point, COALESCE(t.qty, 0), COALESCE(t.lots, 0) "
            "FROM product p LEFT JOIN (SELECT b.product_id, SUM(b.qty) AS qty, COUNT(DISTINCT b.lot_id) AS lots "
            "  FROM stock_balance b JOIN location loc ON loc.id = b.location_id "
            "  WHERE loc.kind IN ('shelf', 'backroom') AND b.qty > 0 GROUP BY b.product_id) t ON t.product_id = p.id "
            "WHERE p.reorder_point > 0 AND COALESCE(t.qty, 0) <= p.reorder_point AND (?1 = 0 OR p.id = ?1) "
            "ORDER BY COALESCE(t.qty, 0) - p.reorder_point, p.id LIMIT ?2", -1, &st, NULL) != SQLITE_OK)
        return ent_fail_sql(db, "reading low stock");
    sqlite3_bind_int64(st, 1, pid);
    sqlite3_bind_int64(st, 2, q->limit > 0 ? q->limit : -1);
    while (rc == ENT_OK && sqlite3_step(st) == SQLITE_ROW) {
        ent_level row;
        memset(&row, 0, sizeof row);
        row.gtin = (const char *)sqlite3_column_text(st, 0);
        row.sku = (const char *)sqlite3_column_text(st, 1);
        row.name_zh = (const char *)sqlite3_column_text(st, 2);
        row.name_en = (const char *)sqlite3_column_text(st, 3);
        row.reorder_point = sqlite3_column_int64(st, 4);
        row.qty = sqlite3_column_int64(st, 5);
        row.lots = sqlite3_column_int64(st, 6);
        row.products = 1;
        rc = cb(&row, ud);
    }
    sqlite3_finalize(st);
    return rc;
}

int ent_stock_levels(ent_db *db, const ent_levels_query *q, ent_level_cb cb, void *ud)
{
    int64_t pid = 0, loc_id = 0;
    char origin[3] = "", sql[2048];
    int rc = ENT_OK;
    ent_ok(db);
    if (!empty(q->product) && (rc = ent_product_id(db, &pid, q->product, NULL)) != ENT_OK)
        return rc;
    if (!empty(q->location) && (rc = ent_location_id(db, q->location, &loc_id, NULL)) != ENT_OK)
        return rc;
    if (!empty(q->origin)) {
        const ent_country *c = NULL;
        if (ent_country_lookup(&c, q->origin) != ENT_OK)
            return ent_fail(db, ENT_INVALID, "origin '%.40s' is not an ISO 3166-1 country code", q->origin);
        memcpy(origin, c->alpha2, 3);
    }
    if (!empty(q->expiring_before) && ent_date_parse(q->expiring_before, NULL) != ENT_OK)
        return ent_fail_date(db, "date", q->expiring_before);
    if (q->low)
        return levels_low(db, q, pid, cb, ud);

    /* One query shape; the grouping decides the key columns. */
    const char *keys, *group, *order;
    switch (q->by) {
    case ENT_BY_LOCATION:
        keys = "NULL, NULL, NULL, NULL, loc.code, loc.kind, NULL, NULL, NULL, NULL, 0";
        group = "loc.id";
        order = "loc.code";
        break;
    case ENT_BY_LOT:
        keys = "p.gtin, p.sku, p.name_zh, p.name_en, NULL, NULL, l.code, l.expiry, l.declaration, l.origin, 0";
        group = "l.id";
        order = "l.expiry IS NULL, l.expiry, p.id, l.code";
        break;
    case ENT_BY_ORIGIN:
        keys = "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, l.origin, 0";
        group = "l.origin";
        order = "SUM(b.qty) DESC, l.origin";
        break;
    default:
        keys = "p.gtin, p.sku, p.name_zh, p.name_en, NULL, NULL, NULL, NULL, NULL, NULL, p.reorder_point";
        group = "p.id";
        order = "p.id";
        break;
    }
    snprintf(sql, sizeof sql,
             "SELECT %s, SUM(b.qty), COUNT(DISTINCT b.product_id), COUNT(DISTINCT b.lot_id), "
             "       SUM(CASE WHEN l.unit_cost IS NOT NULL THEN b.qty * l.unit_cost ELSE 0 END), l.cost_currency, "
             "       SUM(CASE WHEN l.unit_cost IS NULL THEN b.qty ELSE 0 END) "
             "FROM stock_balance b JOIN lot l ON l.id = b.lot_id JOIN product p ON p.id = b.product_id "
             "JOIN location loc ON loc.id = b.location_id "
             "WHERE b.qty > 0 AND (?1 = 0 OR b.product_id = ?1) AND (?2 = 0 OR b.location_id = ?2) "
             "  AND (?3 IS NULL OR l.origin = ?3) AND (?4 IS NULL OR l.expiry <= ?4) "
             "GROUP BY %s, l.cost_currency ORDER BY %s, l.cost_currency LIMIT ?5",
             keys, group, order);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK)
        return ent_fail_sql(db, "reading stock levels");
    sqlite3_bind_int64(st, 1, pid);
    sqlite3_bind_int64(st, 2, loc_id);
    ent_bind_text_or_null(st, 3, origin);
    ent_bind_text_or_null(st, 4, q->expiring_before);
    sqlite3_bind_int64(st, 5, q->limit > 0 ? q->limit : -1);
    int sc;
    while (rc == ENT_OK && (sc = sqlite3_step(st)) == SQLITE_ROW) {
        ent_level row;
        const char **texts[] = {&row.gtin, &row.sku, &row.name_zh, &row.name_en, &row.location,
                                &row.location_kind, &row.lot, &row.expiry, &row.declaration, &row.origin};
        memset(&row, 0, sizeof row);
        for (int i = 0; i < 10; i++)
            *texts[i] = (const char *)sqlite3_column_text(st, i);
        row.reorder_point = sqlite3_column_int64(st, 10);
        row.qty = sqlite3_column_int64(st, 11);
        row.products = sqlite3_column_int64(st, 12);
        row.lots = sqlite3_column_int64(st, 13);
        row.value = sqlite3_column_int64(st, 14);
        row.cost_currency = (const char *)sqlite3_column_text(st, 15);
        row.uncosted = sqlite3_column_int64(st, 16);
        if (row.origin) {
            const ent_country *c = NULL;
            if (ent_country_lookup(&c, row.origin) == ENT_OK) {
                row.origin_en = c->name_en;
                row.origin_zh = c->name_zh;
            }
        }
        rc = cb(&row, ud);
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = ent_fail_sql(db, "reading stock levels");
    sqlite3_finalize(st);
    return rc;
}

/* ---- history ------------------------------------------------------------ */

int ent_stock_history(ent_db *db, const char *product, int64_t limit, ent_move_cb cb, void *ud)
{
    int64_t pid;
    sqlite3_stmt *st = NULL;
    int rc = ent_product_id(db, &pid, product, NULL);
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
        return ent_fail_sql(db, "reading the ledger");
    sqlite3_bind_int64(st, 1, pid);
    sqlite3_bind_int64(st, 2, limit);
    while (rc == ENT_OK && sqlite3_step(st) == SQLITE_ROW) {
        ent_move m;
        const char **texts[] = {&m.uuid, &m.batch, &m.at, &m.kind, &m.lot, &m.location, &m.reason, &m.note, &m.user};
        for (int i = 0; i < 9; i++)
            *texts[i] = (const char *)sqlite3_column_text(st, i);
        m.qty = sqlite3_column_int64(st, 9);
        m.balance = sqlite3_column_int64(st, 10);
        rc = cb(&m, ud);
    }
    sqlite3_finalize(st);
    return rc;
}
