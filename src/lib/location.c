/* Locations: where stock lies. Codes are unique regardless of case (a clerk
 * types a-01-03 for A-01-03); a retired location stays for history. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/stock.h"
#include "catalog_internal.h"
#include "internal.h"
#include "stock_internal.h"
#include "user_internal.h"

#define CODE_MAX 32
#define NAME_MAX 200

static const char *const location_kinds[] = {"shelf", "backroom", "bonded", "quarantine", "returns"};
#define NKINDS (sizeof location_kinds / sizeof *location_kinds)

/* A location as stored, found by code in any case, retired ones too. */
struct loc {
    int64_t id;
    char code[CODE_MAX + 1], kind[ENT_LOCATION_KIND_SIZE];
    int retired;
};

static int check_code(ent_db *db, const char *code)
{
    if (!entx_valid_code(code, CODE_MAX))
        return entx_fail(db, ENT_INVALID,
                        "location code '%s' must be 1 to 32 letters, digits or - _ . / (such as A-01-03)", ENT_CLIP(code, 40));
    return ENT_OK;
}

static int check_name(ent_db *db, const char *name)
{
    if (name && *name == '\0')
        return entx_fail(db, ENT_INVALID, "the location name is empty: give a name or leave it out");
    return entx_check_text(db, "location name", name, NAME_MAX, false);
}

/* ENT_NOTFOUND (no message) when no location has code in any case. */
static int find_loc(ent_db *db, const char *code, struct loc *out)
{
    sqlite3_stmt *st =
        entx_stmt(db, "SELECT id, code, kind, retired_at IS NOT NULL FROM location WHERE code = ?1 COLLATE NOCASE");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    int sc = sqlite3_step(st), rc = ENT_NOTFOUND;
    if (sc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        entx_col_copy(st, out->code, sizeof out->code, 1);
        entx_col_copy(st, out->kind, sizeof out->kind, 2);
        out->retired = sqlite3_column_int(st, 3);
        rc = ENT_OK;
    } else if (sc != SQLITE_DONE) {
        rc = entx_fail_sql(db, "looking up a location");
    }
    sqlite3_reset(st);
    return rc;
}

/* A location in use: ENT_NOTFOUND and ENT_REFUSED (retired) name the code;
 * refused says what a retired one cannot be used for. */
static int find_active(ent_db *db, const char *code, struct loc *out, const char *refused)
{
    int rc = check_code(db, code);
    if (rc == ENT_OK)
        rc = find_loc(db, code, out);
    if (rc == ENT_NOTFOUND)
        return entx_fail_hint(db, ENT_NOTFOUND, ENT_HINT_LOCATIONS, "no location '%s'", ENT_CLIP(code, 40));
    if (rc == ENT_OK && out->retired)
        return entx_fail(db, ENT_REFUSED, "location %s is retired: %s", out->code, refused);
    return rc;
}

/* Is code free, but for the location self? Retired codes stay taken: the
 * history that names them must not come to mean another place. */
static int code_free(ent_db *db, const char *code, int64_t self)
{
    struct loc other;
    int rc = find_loc(db, code, &other);
    if (rc == ENT_NOTFOUND || (rc == ENT_OK && other.id == self))
        return ENT_OK;
    if (rc != ENT_OK)
        return rc;
    if (other.retired)
        return entx_fail(db, ENT_EXISTS, "location %s already exists (retired, kept for history): choose another code",
                        other.code);
    if (strcmp(other.code, code) != 0)
        return entx_fail(db, ENT_EXISTS, "location %s already exists as %s (codes do not depend on case)", code,
                        other.code);
    return entx_fail(db, ENT_EXISTS, "location %s already exists", code);
}

int ent_location_add(ent_db *db, const char *code, const char *kind, const char *name)
{
    int rc;
    size_t k = 0;
    entx_ok(db);
    if ((rc = check_code(db, code)) != ENT_OK)
        return rc;
    if (kind && *kind == '\0')
        return entx_fail(db, ENT_INVALID,
                        "the location kind is empty: give shelf, backroom, bonded, quarantine or "
                        "returns, or leave it out for a shelf");
    if (kind == NULL)
        kind = "shelf";
    while (k < NKINDS && strcmp(kind, location_kinds[k]) != 0)
        k++;
    if (k == NKINDS)
        return entx_fail(db, ENT_INVALID, "location kind '%s' must be shelf, backroom, bonded, quarantine or returns",
                        ENT_CLIP(kind, 40));
    if ((rc = check_name(db, name)) != ENT_OK)
        return rc;
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    if ((rc = code_free(db, code, 0)) != ENT_OK)
        goto done;
    sqlite3_stmt *st = entx_stmt(db, "INSERT INTO location(code, kind, name, created_by) VALUES (?, ?, ?, ?)");
    if (st == NULL) {
        rc = db->code;
        goto done;
    }
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, location_kinds[k], -1, SQLITE_STATIC);
    entx_bind_text_or_null(st, 3, name);
    sqlite3_bind_text(st, 4, entx_actor(db), -1, SQLITE_TRANSIENT);
    rc = entx_exec_stmt(db, st);
done:
    return entx_tx_end(db, rc);
}

int entx_location_id(ent_db *db, int64_t *id, char kind[ENT_LOCATION_KIND_SIZE], const char *code)
{
    struct loc l;
    if (code == NULL || *code == '\0')
        return entx_fail(db, ENT_INVALID, "no location given");
    int rc = find_active(db, code, &l, "no stock can go there");
    if (rc != ENT_OK)
        return rc;
    *id = l.id;
    if (kind)
        memcpy(kind, l.kind, 16);
    return ENT_OK;
}

int ent_location_edit(ent_db *db, const char *code, const char *new_code, const char *name)
{
    struct loc l;
    int rc;
    entx_ok(db);
    if (new_code == NULL && name == NULL)
        return entx_fail(db, ENT_INVALID, "nothing to change: give a new code or a new name");
    if (new_code && (rc = check_code(db, new_code)) != ENT_OK)
        return rc;
    /* On an edit "" clears the name, as it does a commodity's fields. */
    if (name && *name && (rc = check_name(db, name)) != ENT_OK)
        return rc;
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    if ((rc = find_active(db, code, &l,
                          "it keeps its code and name, so that history never comes to mean another "
                          "place")) != ENT_OK ||
        (new_code && (rc = code_free(db, new_code, l.id)) != ENT_OK))
        goto done;
    sqlite3_stmt *st = entx_stmt(db, "UPDATE location SET code = COALESCE(?1, code), "
                                    "name = CASE WHEN ?2 IS NULL THEN name ELSE NULLIF(?2, '') END, "
                                    "changed_at = ?4, changed_by = ?5 WHERE id = ?3");
    if (st == NULL) {
        rc = db->code;
        goto done;
    }
    char now[ENT_TIME_SIZE];
    entx_now_utc(now);
    entx_bind_text_or_null(st, 1, new_code);
    if (name)
        sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, l.id);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, entx_actor(db), -1, SQLITE_TRANSIENT);
    rc = entx_exec_stmt(db, st);
done:
    return entx_tx_end(db, rc);
}

/* What still lies at (or is being counted in) a location: it stays in use. */
static int still_used(ent_db *db, const struct loc *l)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT (SELECT COALESCE(SUM(qty), 0) FROM stock_balance WHERE location_id = ?1), "
                                    "       (SELECT COUNT(*) FROM stock_count WHERE location_id = ?1 "
                                    "        AND posted_at IS NULL)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, l->id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return entx_fail_sql(db, "reading a location's stock");
    }
    int64_t units = sqlite3_column_int64(st, 0), counts = sqlite3_column_int64(st, 1);
    sqlite3_reset(st);
    if (units > 0)
        return entx_fail(db, ENT_REFUSED, "location %s still holds %lld units: move them elsewhere before retiring it",
                        l->code, (long long)units);
    if (counts > 0)
        return entx_fail(db, ENT_REFUSED, "location %s has a stock count open: post it before retiring the location",
                        l->code);
    return ENT_OK;
}

int ent_location_retire(ent_db *db, const char *code)
{
    struct loc l;
    char now[ENT_TIME_SIZE];
    int rc;
    entx_ok(db);
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    rc = check_code(db, code);
    if (rc == ENT_OK && (rc = find_loc(db, code, &l)) == ENT_NOTFOUND)
        rc = entx_fail_hint(db, ENT_NOTFOUND, ENT_HINT_LOCATIONS, "no location '%s'", ENT_CLIP(code, 40));
    if (rc == ENT_OK && l.retired)
        rc = entx_fail(db, ENT_REFUSED, "location %s is already retired", l.code);
    if (rc != ENT_OK || (rc = still_used(db, &l)) != ENT_OK)
        goto done;
    entx_now_utc(now);
    sqlite3_stmt *st = entx_stmt(db, "UPDATE location SET retired_at = ?1, changed_at = ?1, changed_by = ?3 "
                                    "WHERE id = ?2");
    if (st == NULL) {
        rc = db->code;
        goto done;
    }
    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, l.id);
    sqlite3_bind_text(st, 3, entx_actor(db), -1, SQLITE_TRANSIENT);
    rc = entx_exec_stmt(db, st);
done:
    return entx_tx_end(db, rc);
}

int ent_location_each(ent_db *db, ent_location_cb cb, void *ud)
{
    sqlite3_stmt *st = NULL;
    int rc = ENT_OK, sc;
    entx_ok(db);
    if (sqlite3_prepare_v2(db->sql,
                           "SELECT l.code, l.kind, l.name, COALESCE(SUM(b.qty), 0), "
                           "       COUNT(CASE WHEN b.qty > 0 THEN 1 END) "
                           "FROM location l LEFT JOIN stock_balance b ON b.location_id = l.id "
                           "WHERE l.retired_at IS NULL GROUP BY l.id ORDER BY l.code",
                           -1, &st, NULL) != SQLITE_OK)
        return entx_fail_sql(db, "listing locations");
    while (rc == ENT_OK && (sc = sqlite3_step(st)) == SQLITE_ROW) {
        ent_location loc;
        entx_col_copy(st, loc.code, sizeof loc.code, 0);
        entx_col_copy(st, loc.kind, sizeof loc.kind, 1);
        loc.name = (const char *)sqlite3_column_text(st, 2);
        loc.units = sqlite3_column_int64(st, 3);
        loc.lots = sqlite3_column_int64(st, 4);
        rc = cb(&loc, ud);
    }
    /* An error mid-way (a SUM past 64 bits in a hand-edited database) must
     * not pass for a short list. */
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = strstr(sqlite3_errmsg(db->sql), "integer overflow")
                 ? entx_fail(db, ENT_ERROR,
                            "listing locations: the stock figures are too large to add up (a balance "
                            "beyond its bound, written outside entrepot): the integrity check names them")
                 : entx_fail_sql(db, "listing locations");
    sqlite3_finalize(st);
    return rc;
}
