/* Stock counts: started, recorded, shown and posted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/catalog.h"
#include "entrepot/stock.h"
#include "catalog_internal.h"
#include "internal.h"
#include "user_internal.h"
#include "stock_internal.h"

/* ---- counts ------------------------------------------------------------- */

/* A count is named by its UUID or by a prefix of it of at least this many
 * characters (the first 8 hex digits are what people read out). */
#define COUNT_PREFIX_MIN 8

static int valid_count_ref(const char *s)
{
    size_t n = strlen(s);
    return n >= COUNT_PREFIX_MIN && n <= 36 && strspn(s, "0123456789abcdefABCDEF-") == n;
}

/*
 * Finds a count by its UUID or a unique prefix of it; with open_only, a
 * posted count is refused. uuid (may be NULL, ENT_UUID_SIZE bytes) gets the full id.
 */
static int count_id(ent_db *db, const char *ref, int64_t *id, int64_t *location_id, bool open_only, char *uuid)
{
    char shown[64], full[ENT_UUID_SIZE] = "";
    int posted = 0, n = 0;
    if (entx_empty(ref))
        return entx_fail(db, ENT_INVALID, "no count given");
    ent_text_clip(shown, sizeof shown, ref, 40);
    if (!valid_count_ref(ref))
        return entx_fail(db, ENT_INVALID,
                        "count '%s' is not a count id: give the id printed when the count began, "
                        "or its first %d characters",
                        shown, COUNT_PREFIX_MIN);
    sqlite3_stmt *st = entx_stmt(db, "SELECT id, location_id, posted_at IS NOT NULL, uuid FROM stock_count "
                                    "WHERE substr(uuid, 1, length(?1)) = lower(?1) LIMIT 2");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
    int sc;
    while ((sc = sqlite3_step(st)) == SQLITE_ROW && n++ == 0) {
        *id = sqlite3_column_int64(st, 0);
        *location_id = sqlite3_column_int64(st, 1);
        posted = sqlite3_column_int(st, 2);
        entx_col_copy(st, full, sizeof full, 3);
    }
    sqlite3_reset(st);
    if (sc != SQLITE_ROW && sc != SQLITE_DONE)
        return entx_fail_sql(db, "looking up a count");
    if (n == 0)
        return entx_fail(db, ENT_NOTFOUND, "no count '%s' (the list of counts shows every id)", shown);
    if (n > 1)
        return entx_fail(db, ENT_INVALID, "count '%s' is the start of several count ids: give more of it", shown);
    if (open_only && posted)
        return entx_fail(db, ENT_REFUSED, "count %s is already posted", full);
    if (uuid)
        memcpy(uuid, full, sizeof full);
    return ENT_OK;
}

/* Refuses a second open count of one location: two counts would post the
 * same difference twice. */
static int no_open_count(ent_db *db, int64_t loc_id, const char *location)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT uuid, started_at FROM stock_count WHERE location_id = ? "
                                    "AND posted_at IS NULL ORDER BY id LIMIT 1");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, loc_id);
    int rc = ENT_OK, sc = sqlite3_step(st);
    if (sc == SQLITE_ROW)
        rc = entx_fail(db, ENT_REFUSED,
                      "location %s already has an open count, %.8s (begun %s): post it before "
                      "starting another",
                      location, sqlite3_column_text(st, 0), sqlite3_column_text(st, 1));
    else if (sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "looking for open counts");
    sqlite3_reset(st);
    return rc;
}

int ent_count_start(ent_db *db, char uuid_out[ENT_UUID_SIZE], const char *location, const char *user)
{
    int64_t loc_id;
    char uuid[ENT_UUID_SIZE], now[ENT_TIME_SIZE];
    int rc;
    entx_ok(db);
    if (user && *user == '\0')
        return entx_fail(db, ENT_INVALID, "the user is empty: give a value or leave it out");
    if ((rc = entx_check_text(db, "user", user, 64, false)) != ENT_OK ||
        (rc = entx_location_id(db, &loc_id, NULL, location)) != ENT_OK)
        return rc;
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    if ((rc = no_open_count(db, loc_id, location)) != ENT_OK)
        goto done;
    entx_uuid_new(uuid);
    entx_now_utc(now);
    /* The snapshot and the ledger head are taken under one write lock, so no
     * move can fall between them. */
    sqlite3_stmt *st = entx_stmt(db, "INSERT INTO stock_count(uuid, location_id, started_at, last_move_id, user) "
                                    "VALUES (?, ?, ?, (SELECT COALESCE(MAX(id), 0) FROM stock_move), ?)");
    if (st == NULL) {
        rc = db->code;
        goto done;
    }
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, loc_id);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, entx_empty(user) ? entx_actor(db) : user, -1, SQLITE_TRANSIENT);
    if ((rc = entx_exec_stmt(db, st)) != ENT_OK)
        goto done;
    int64_t cid = sqlite3_last_insert_rowid(db->sql);
    st = entx_stmt(db, "INSERT INTO stock_count_line(count_id, lot_id, product_id, expected) "
                      "SELECT ?, lot_id, product_id, qty FROM stock_balance WHERE location_id = ? AND qty > 0");
    if (st == NULL) {
        rc = db->code;
        goto done;
    }
    sqlite3_bind_int64(st, 1, cid);
    sqlite3_bind_int64(st, 2, loc_id);
    rc = entx_exec_stmt(db, st);
done:
    rc = entx_tx_end(db, rc);
    if (rc == ENT_OK && uuid_out)
        memcpy(uuid_out, uuid, 37);
    return rc;
}

/* The lot a counted line is about: the named one, or the product's only
 * line in the count. Inside the caller's transaction. */
static int count_lot(ent_db *db, int64_t cid, int64_t pid, const char *product, const char *lot, int64_t *lot_id)
{
    if (!entx_empty(lot)) {
        ent_lot *l = NULL;
        int rc = ent_lot_find_id(db, &l, pid, lot);
        if (rc == ENT_OK)
            *lot_id = l->id;
        ent_lot_free(l);
        return rc;
    }
    sqlite3_stmt *st = entx_stmt(db, "SELECT lot_id FROM stock_count_line WHERE count_id = ? AND product_id = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, cid);
    sqlite3_bind_int64(st, 2, pid);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW && n++ == 0)
        *lot_id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (n == 1)
        return ENT_OK;
    char label[ENT_PRODUCT_LABEL_SIZE];
    entx_product_label(db, label, sizeof label, pid);
    (void)product;
    return entx_fail(db, ENT_INVALID,
                    n == 0 ? "%s was not expected at this location: name the lot that was found"
                           : "%s has several lots in this count: name the lot counted",
                    label);
}

int ent_count_record(ent_db *db, const char *count, const char *product, const char *lot, int64_t counted,
                     const char *user)
{
    int64_t cid, loc_id, pid, lot_id = 0;
    char now[ENT_TIME_SIZE];
    int rc;
    entx_ok(db);
    if (counted < 0)
        return entx_fail(db, ENT_INVALID, "counted quantity %lld must be 0 or more", (long long)counted);
    if (counted > ENT_STOCK_QTY_MAX)
        return entx_fail(db, ENT_INVALID, "counted quantity %lld is more than %lld, the most one count line may hold",
                        (long long)counted, ENT_STOCK_QTY_MAX);
    if ((lot && *lot == '\0') || (user && *user == '\0'))
        return entx_fail(db, ENT_INVALID, "the %s is empty: give a value or leave it out",
                        lot && *lot == '\0' ? "lot code" : "user");
    if ((rc = entx_check_text(db, "user", user, 64, false)) != ENT_OK ||
        (rc = ent_product_id(db, &pid, NULL, product)) != ENT_OK)
        return rc;
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    if ((rc = count_id(db, count, &cid, &loc_id, true, NULL)) != ENT_OK ||
        (rc = count_lot(db, cid, pid, product, lot, &lot_id)) != ENT_OK)
        goto done;
    /* The line is counted against the stock of this moment, so moves between
     * the start of the count and this record are not counted twice. */
    sqlite3_stmt *st = entx_stmt(
        db,
        "INSERT INTO stock_count_line(count_id, lot_id, product_id, expected, counted, as_of_move_id, counted_by, "
        "counted_at) VALUES (?1, ?2, ?3, "
        "  COALESCE((SELECT qty FROM stock_balance WHERE lot_id = ?2 AND location_id = ?4), 0), ?5, "
        "  (SELECT COALESCE(MAX(id), 0) FROM stock_move), ?6, ?7) "
        "ON CONFLICT(count_id, lot_id) DO UPDATE SET expected = excluded.expected, counted = excluded.counted, "
        "  as_of_move_id = excluded.as_of_move_id, counted_by = excluded.counted_by, counted_at = excluded.counted_at");
    if (st == NULL) {
        rc = db->code;
        goto done;
    }
    entx_now_utc(now);
    sqlite3_bind_int64(st, 1, cid);
    sqlite3_bind_int64(st, 2, lot_id);
    sqlite3_bind_int64(st, 3, pid);
    sqlite3_bind_int64(st, 4, loc_id);
    sqlite3_bind_int64(st, 5, counted);
    sqlite3_bind_text(st, 6, entx_empty(user) ? entx_actor(db) : user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
    rc = entx_exec_stmt(db, st);
done:
    return entx_tx_end(db, rc);
}

static const char count_lines_sql[] =
    "SELECT COALESCE(p.gtin, p.sku), COALESCE(p.name_zh, p.name_en), l.code, c.expected, c.counted, "
    "       (SELECT COUNT(*) FROM stock_move m WHERE m.lot_id = c.lot_id AND m.location_id = sc.location_id "
    "        AND m.id > COALESCE(c.as_of_move_id, sc.last_move_id)), c.lot_id, c.product_id, "
    "       COALESCE((SELECT qty FROM stock_balance b WHERE b.lot_id = c.lot_id "
    "                 AND b.location_id = sc.location_id), 0), p.unit "
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
    ln->moves_since = sqlite3_column_int64(st, 5);
    ln->on_hand = sqlite3_column_int64(st, 8);
    ln->unit = (const char *)sqlite3_column_text(st, 9);
    /* Both figures are inside the bounds (a count line at most 10^9, a
     * balance at most 10^10), so the difference cannot overflow. */
    ln->difference = ln->counted < 0 ? 0 : ln->counted - ln->expected;
}

int ent_count_show(ent_db *db, const char *count, ent_count_cb cb, void *ud)
{
    int64_t cid, loc_id;
    int rc;
    sqlite3_stmt *st = NULL;
    entx_ok(db);
    if ((rc = count_id(db, count, &cid, &loc_id, false, NULL)) != ENT_OK)
        return rc;
    if (sqlite3_prepare_v2(db->sql, count_lines_sql, -1, &st, NULL) != SQLITE_OK)
        return entx_fail_sql(db, "reading a count");
    sqlite3_bind_int64(st, 1, cid);
    while (rc == ENT_OK && sqlite3_step(st) == SQLITE_ROW) {
        ent_count_line ln;
        fill_line(st, &ln);
        rc = cb ? cb(&ln, ud) : ENT_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Names the counted lines that moved after they were counted; 0 when none. */
static int moved_lines(sqlite3_stmt *st, char *names, size_t len)
{
    int moved = 0;
    size_t used = 0;
    names[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW) {
        ent_count_line ln;
        fill_line(st, &ln);
        if (ln.counted < 0 || ln.moves_since == 0)
            continue;
        moved++;
        if (used < len - 1) {
            int w = snprintf(names + used, len - used, "%s%s lot %s", moved > 1 ? ", " : "", ln.gtin, ln.lot);
            used = w < 0 || (size_t)w >= len - used ? len - 1 : used + (size_t)w;
        }
    }
    sqlite3_reset(st);
    return moved;
}

/* A post with no line counted would close the count and change nothing: a
 * count begun and forgotten must not pass for a shelf checked. */
static int something_counted(ent_db *db, int64_t cid, const char *uuid)
{
    sqlite3_stmt *st =
        entx_stmt(db, "SELECT EXISTS (SELECT 1 FROM stock_count_line WHERE count_id = ? AND counted IS NOT NULL)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, cid);
    int sc = sqlite3_step(st), rc = ENT_OK;
    if (sc != SQLITE_ROW)
        rc = entx_fail_sql(db, "reading a count");
    else if (sqlite3_column_int(st, 0) == 0)
        rc = entx_fail(db, ENT_REFUSED, "count %.8s has nothing counted: record what lies there before posting it",
                       uuid);
    sqlite3_reset(st);
    return rc;
}

int ent_count_post(ent_db *db, const char *count, bool force, const char *user, ent_count_cb cb, void *ud)
{
    int64_t cid, loc_id;
    int rc, moved;
    char batch[ENT_UUID_SIZE], now[ENT_TIME_SIZE], names[400], uuid[ENT_UUID_SIZE];
    sqlite3_stmt *st = NULL;
    entx_ok(db);
    if (user && *user == '\0')
        return entx_fail(db, ENT_INVALID, "the user is empty: give a value or leave it out");
    if ((rc = entx_check_text(db, "user", user, 64, false)) != ENT_OK)
        return rc;
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    if ((rc = count_id(db, count, &cid, &loc_id, true, uuid)) != ENT_OK)
        goto done;
    if (sqlite3_prepare_v2(db->sql, count_lines_sql, -1, &st, NULL) != SQLITE_OK) {
        rc = entx_fail_sql(db, "reading a count");
        goto done;
    }
    sqlite3_bind_int64(st, 1, cid);
    moved = moved_lines(st, names, sizeof names);
    if (moved > 0 && !force) {
        rc = entx_fail_hint(db, ENT_REFUSED, ENT_HINT_FORCE,
                           "%d counted line%s moved after %s counted (%s): recount %s, or force the post to set "
                           "%s to what was counted",
                           moved, moved == 1 ? "" : "s", moved == 1 ? "it was" : "they were", names,
                           moved == 1 ? "it" : "them", moved == 1 ? "it" : "them");
        goto done;
    }
    if ((rc = something_counted(db, cid, uuid)) != ENT_OK)
        goto done;
    /* Each counted line is set to what was counted: the adjustment is taken
     * against the stock on hand now, never against an older snapshot. */
    entx_uuid_new(batch);
    while (rc == ENT_OK && sqlite3_step(st) == SQLITE_ROW) {
        ent_count_line ln;
        fill_line(st, &ln);
        if (ln.counted >= 0) {
            /* Shown against what it was measured against, so that counted -
             * expected is the difference, also for a line that moved. */
            ln.expected = ln.on_hand;
            ln.difference = ln.counted - ln.on_hand;
            if (ln.difference != 0)
                rc = entx_stock_apply(db, &(struct stock_move){.batch = batch,
                                                               .kind = "count",
                                                               .product_id = sqlite3_column_int64(st, 7),
                                                               .lot_id = sqlite3_column_int64(st, 6),
                                                               .location_id = loc_id,
                                                               .delta = ln.difference,
                                                               .reason = "count",
                                                               .note = uuid,
                                                               .user = user});
        }
        if (rc == ENT_OK && cb)
            rc = cb(&ln, ud);
    }
    if (rc != ENT_OK)
        goto done;
    sqlite3_stmt *up = entx_stmt(db, "UPDATE stock_count SET posted_at = ? WHERE id = ?");
    if (up == NULL) {
        rc = db->code;
        goto done;
    }
    entx_now_utc(now);
    sqlite3_bind_text(up, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(up, 2, cid);
    rc = entx_exec_stmt(db, up);
done:
    sqlite3_finalize(st);
    return entx_tx_end(db, rc);
}

int ent_count_each(ent_db *db, bool open_only, ent_count_info_cb cb, void *ud)
{
    sqlite3_stmt *st = NULL;
    int rc = ENT_OK, sc;
    entx_ok(db);
    if (sqlite3_prepare_v2(
            db->sql,
            "SELECT sc.uuid, loc.code, sc.started_at, sc.posted_at, sc.user, "
            "       (SELECT COUNT(*) FROM stock_count_line c WHERE c.count_id = sc.id), "
            "       (SELECT COUNT(*) FROM stock_count_line c WHERE c.count_id = sc.id AND c.counted IS NOT NULL) "
            "FROM stock_count sc JOIN location loc ON loc.id = sc.location_id "
            "WHERE ?1 = 0 OR sc.posted_at IS NULL ORDER BY sc.id",
            -1, &st, NULL) != SQLITE_OK)
        return entx_fail_sql(db, "listing counts");
    sqlite3_bind_int(st, 1, open_only);
    while (rc == ENT_OK && (sc = sqlite3_step(st)) == SQLITE_ROW) {
        ent_count_info c;
        entx_col_copy(st, c.uuid, sizeof c.uuid, 0);
        c.location = (const char *)sqlite3_column_text(st, 1);
        c.started_at = (const char *)sqlite3_column_text(st, 2);
        c.posted_at = (const char *)sqlite3_column_text(st, 3);
        c.user = (const char *)sqlite3_column_text(st, 4);
        c.lines = sqlite3_column_int64(st, 5);
        c.counted = sqlite3_column_int64(st, 6);
        rc = cb(&c, ud);
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "listing counts");
    sqlite3_finalize(st);
    return rc;
}
