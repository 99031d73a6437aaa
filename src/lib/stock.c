/* Stock: locations, lots, the append-only ledger and balances, moves. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/catalog.h"
#include "entrepot/country.h"
#include "entrepot/money.h"
#include "entrepot/stock.h"
#include "catalog_internal.h"
#include "internal.h"
#include "stock_internal.h"

#define LOT_CODE_MAX 64
#define NOTE_MAX 500

static int empty(const char *s)
{
    return s == NULL || *s == '\0';
}

/* ---- locations ---------------------------------------------------------- */

static const char *const location_kinds[] = {"shelf", "backroom", "bonded", "quarantine", "returns"};

int ent_location_add(ent_db *db, const char *code, const char *kind, const char *name)
{
    int rc;
    size_t k = 0;
    ent_ok(db);
    if (!ent_valid_code(code, 32))
        return ent_fail(db, ENT_INVALID, "location code '%.40s' must be 1 to 32 letters, digits or - _ . / "
                        "(such as A-01-03)", code ? code : "");
    if (empty(kind))
        kind = "shelf";
    while (k < 5 && strcmp(kind, location_kinds[k]) != 0)
        k++;
    if (k == 5)
        return ent_fail(db, ENT_INVALID, "location kind '%.40s' must be shelf, backroom, bonded, quarantine or returns",
                        kind);
    if ((rc = ent_check_text(db, "location name", name, 200, false)) != ENT_OK)
        return rc;
    if ((rc = ent_tx_begin(db)) != ENT_OK)
        return rc;
    sqlite3_stmt *st = ent_stmt(db, "SELECT 1 FROM location WHERE code = ?");
    if (st == NULL) {
        rc = db->code;
        goto done;
    }
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    int exists = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    if (exists) {
        rc = ent_fail(db, ENT_EXISTS, "location %s already exists", code);
        goto done;
    }
    st = ent_stmt(db, "INSERT INTO location(code, kind, name) VALUES (?, ?, ?)");
    if (st == NULL) {
        rc = db->code;
        goto done;
    }
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, location_kinds[k], -1, SQLITE_STATIC);
    ent_bind_text_or_null(st, 3, name);
    rc = ent_exec_stmt(db, st);
done:
    return ent_tx_end(db, rc);
}

int ent_location_id(ent_db *db, const char *code, int64_t *id, char kind[16])
{
    if (empty(code))
        return ent_fail(db, ENT_INVALID, "no location given");
    sqlite3_stmt *st = ent_stmt(db, "SELECT id, kind FROM location WHERE code = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    int sc = sqlite3_step(st), rc = ENT_OK;
    if (sc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        if (kind)
            ent_col_copy(st, 1, kind, 16);
    } else {
        rc = sc == SQLITE_DONE ? ent_fail(db, ENT_NOTFOUND, "no location '%.40s' (see `entrepot location list`)", code)
                               : ent_fail_sql(db, "looking up a location");
    }
    sqlite3_reset(st);
    return rc;
}

int ent_location_each(ent_db *db, ent_location_cb cb, void *ud)
{
    sqlite3_stmt *st = NULL;
    int rc = ENT_OK;
    ent_ok(db);
    if (sqlite3_prepare_v2(db->sql,
                           "SELECT l.code, l.kind, l.name, COALESCE(SUM(b.qty), 0), "
                           "       COUNT(CASE WHEN b.qty > 0 THEN 1 END) "
                           "FROM location l LEFT JOIN stock_balance b ON b.location_id = l.id "
                           "GROUP BY l.id ORDER BY l.code", -1, &st, NULL) != SQLITE_OK)
        return ent_fail_sql(db, "listing locations");
    while (rc == ENT_OK && sqlite3_step(st) == SQLITE_ROW) {
        ent_location loc;
        ent_col_copy(st, 0, loc.code, sizeof loc.code);
        ent_col_copy(st, 1, loc.kind, sizeof loc.kind);
        loc.name = (const char *)sqlite3_column_text(st, 2);
        loc.units = sqlite3_column_int64(st, 3);
        loc.lots = sqlite3_column_int64(st, 4);
        rc = cb(&loc, ud);
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- lots --------------------------------------------------------------- */

static const char lot_cols_sql[] =
    "SELECT l.id, l.product_id, l.uuid, l.code, l.declaration, l.supplier, l.origin, l.import_date, "
    "       l.production_date, l.expiry, l.unit_cost, l.cost_currency, "
    "       (SELECT COALESCE(SUM(qty), 0) FROM stock_balance b WHERE b.lot_id = l.id) "
    "FROM lot l WHERE l.product_id = ? AND l.code = ?";

static int read_lot(ent_db *db, int64_t product_id, const char *code, ent_lot **out)
{
    *out = NULL;
    sqlite3_stmt *st = ent_stmt(db, lot_cols_sql);
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, product_id);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
    int sc = sqlite3_step(st), rc = ENT_OK;
    if (sc == SQLITE_ROW) {
        ent_lot *l = calloc(1, sizeof *l);
        if (l == NULL) {
            rc = ent_fail(db, ENT_ERROR, "out of memory");
        } else {
            l->id = sqlite3_column_int64(st, 0);
            l->product_id = sqlite3_column_int64(st, 1);
            ent_col_copy(st, 2, l->uuid, sizeof l->uuid);
            l->code = ent_col_strdup(st, 3);
            l->declaration = ent_col_strdup(st, 4);
            l->supplier = ent_col_strdup(st, 5);
            ent_col_copy(st, 6, l->origin, sizeof l->origin);
            ent_col_copy(st, 7, l->import_date, sizeof l->import_date);
            ent_col_copy(st, 8, l->production_date, sizeof l->production_date);
            ent_col_copy(st, 9, l->expiry, sizeof l->expiry);
            l->unit_cost = sqlite3_column_type(st, 10) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 10);
            ent_col_copy(st, 11, l->cost_currency, sizeof l->cost_currency);
            l->on_hand = sqlite3_column_int64(st, 12);
            *out = l;
        }
    } else if (sc == SQLITE_DONE) {
        rc = ENT_NOTFOUND;
    } else {
        rc = ent_fail_sql(db, "reading a lot");
    }
    sqlite3_reset(st);
    return rc;
}

static int lot_not_found(ent_db *db, int64_t product_id, const char *code)
{
    char label[300];
    ent_product_label(db, product_id, label, sizeof label);
    return ent_fail(db, ENT_NOTFOUND, "%s has no lot '%.64s'", label, code);
}

int ent_lot_find_id(ent_db *db, ent_lot **out, int64_t product_id, const char *lot_code)
{
    ent_ok(db);
    *out = NULL;
    if (empty(lot_code))
        return ent_fail(db, ENT_INVALID, "no lot given");
    int rc = read_lot(db, product_id, lot_code, out);
    return rc == ENT_NOTFOUND ? lot_not_found(db, product_id, lot_code) : rc;
}

int ent_lot_find(ent_db *db, ent_lot **out, const char *product, const char *lot_code)
{
    int64_t pid;
    *out = NULL;
    int rc = ent_product_id(db, &pid, product, NULL);
    if (rc != ENT_OK)
        return rc;
    return ent_lot_find_id(db, out, pid, lot_code);
}

void ent_lot_free(ent_lot *lot)
{
    if (lot == NULL)
        return;
    free(lot->code);
    free(lot->declaration);
    free(lot->supplier);
    free(lot);
}

/* ---- the ledger --------------------------------------------------------- */

static void describe(ent_db *db, int64_t product_id, int64_t lot_id, int64_t location_id, char *buf, size_t len)
{
    sqlite3_stmt *st = ent_stmt(db,
        "SELECT COALESCE(p.gtin, p.sku), COALESCE(p.name_zh, p.name_en), l.code, loc.code "
        "FROM product p, lot l, location loc WHERE p.id = ? AND l.id = ? AND loc.id = ?");
    snprintf(buf, len, "product %lld", (long long)product_id);
    if (st == NULL)
        return;
    sqlite3_bind_int64(st, 1, product_id);
    sqlite3_bind_int64(st, 2, lot_id);
    sqlite3_bind_int64(st, 3, location_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(buf, len, "%s %s lot %s at %s", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
                 sqlite3_column_text(st, 2), sqlite3_column_text(st, 3));
    sqlite3_reset(st);
}

static int64_t on_hand(ent_db *db, int64_t lot_id, int64_t location_id)
{
    sqlite3_stmt *st = ent_stmt(db, "SELECT qty FROM stock_balance WHERE lot_id = ? AND location_id = ?");
    int64_t q = 0;
    if (st == NULL)
        return 0;
    sqlite3_bind_int64(st, 1, lot_id);
    sqlite3_bind_int64(st, 2, location_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        q = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return q;
}

int ent_stock_apply(ent_db *db, const char *batch, const char *kind, int64_t product_id, int64_t lot_id,
                    int64_t location_id, int64_t delta, const char *reason, const char *note, const char *user)
{
    sqlite3_stmt *st;
    char uuid[37], now[21];
    int rc;
    if (delta == 0)
        return ent_fail(db, ENT_INVALID, "quantity must not be zero");
    if (delta > 0) {
        st = ent_stmt(db, "INSERT INTO stock_balance(lot_id, location_id, product_id, qty) VALUES (?1, ?2, ?3, ?4) "
                          "ON CONFLICT(lot_id, location_id) DO UPDATE SET qty = qty + excluded.qty");
        if (st == NULL)
            return db->code;
        sqlite3_bind_int64(st, 1, lot_id);
        sqlite3_bind_int64(st, 2, location_id);
        sqlite3_bind_int64(st, 3, product_id);
        sqlite3_bind_int64(st, 4, delta);
        if ((rc = ent_exec_stmt(db, st)) != ENT_OK)
            return rc;
    } else {
        /* The guard: the row changes only when enough is there, so two
         * counters can never both take the last unit. */
        st = ent_stmt(db, "UPDATE stock_balance SET qty = qty + ?1 WHERE lot_id = ?2 AND location_id = ?3 AND qty >= ?4");
        if (st == NULL)
            return db->code;
        sqlite3_bind_int64(st, 1, delta);
        sqlite3_bind_int64(st, 2, lot_id);
        sqlite3_bind_int64(st, 3, location_id);
        sqlite3_bind_int64(st, 4, -delta);
        if ((rc = ent_exec_stmt(db, st)) != ENT_OK)
            return rc;
        if (sqlite3_changes(db->sql) != 1) {
            char what[400];
            describe(db, product_id, lot_id, location_id, what, sizeof what);
            return ent_fail(db, ENT_NOSTOCK, "not enough stock: %s has %lld on hand, %lld asked", what,
                            (long long)on_hand(db, lot_id, location_id), (long long)-delta);
        }
    }
    st = ent_stmt(db, "INSERT INTO stock_move(uuid, batch, at, kind, product_id, lot_id, location_id, qty, reason, "
                      "note, user) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (st == NULL)
        return db->code;
    ent_uuid_new(uuid);
    ent_now_utc(now);
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, batch, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, product_id);
    sqlite3_bind_int64(st, 6, lot_id);
    sqlite3_bind_int64(st, 7, location_id);
    sqlite3_bind_int64(st, 8, delta);
    ent_bind_text_or_null(st, 9, reason);
    ent_bind_text_or_null(st, 10, note);
    ent_bind_text_or_null(st, 11, user);
    return ent_exec_stmt(db, st);
}

/* ---- receiving ---------------------------------------------------------- */

static int check_date(ent_db *db, const char *field, const char *s, int32_t *days)
{
    if (ent_date_parse(s, days) != ENT_OK)
        return ent_fail(db, ENT_INVALID, "%s '%.40s' is not a date in the form YYYY-MM-DD", field, s);
    return ENT_OK;
}

/* A lot that exists must agree with what is received now. */
static int lot_agrees(ent_db *db, const ent_lot *l, const char *field, const char *have, const char *given)
{
    if (empty(given) || strcmp(have ? have : "", given) == 0)
        return ENT_OK;
    return ent_fail(db, ENT_INVALID, "lot %s already exists with %s %s, not %s", l->code, field,
                    have && *have ? have : "(none)", given);
}

static int insert_lot(ent_db *db, int64_t product_id, const ent_receive *r, const char *origin,
                      const char *import_date, const char *cost_currency, int64_t *lot_id, char uuid[37])
{
    char now[21];
    sqlite3_stmt *st = ent_stmt(db,
        "INSERT INTO lot(uuid, product_id, code, origin, declaration, import_date, production_date, expiry, "
        "supplier, unit_cost, cost_currency, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (st == NULL)
        return db->code;
    ent_uuid_new(uuid);
    ent_now_utc(now);
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, product_id);
    sqlite3_bind_text(st, 3, r->lot, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, origin, -1, SQLITE_STATIC);
    ent_bind_text_or_null(st, 5, r->declaration);
    ent_bind_text_or_null(st, 6, import_date);
    ent_bind_text_or_null(st, 7, r->production_date);
    ent_bind_text_or_null(st, 8, r->expiry);
    ent_bind_text_or_null(st, 9, r->supplier);
    if (r->unit_cost >= 0) {
        sqlite3_bind_int64(st, 10, r->unit_cost);
        sqlite3_bind_text(st, 11, cost_currency, -1, SQLITE_STATIC);
    }
    sqlite3_bind_text(st, 12, now, -1, SQLITE_STATIC);
    int rc = ent_exec_stmt(db, st);
    *lot_id = sqlite3_last_insert_rowid(db->sql);
    return rc;
}

static int check_receive(ent_db *db, const ent_receive *r, const ent_product *p, char origin[3],
                         char import_date[11], char cost_currency[4])
{
    int32_t imp = 0, prod = 0, exp = 0;
    int rc;
    if (r->qty <= 0)
        return ent_fail(db, ENT_INVALID, "quantity %lld: receive 1 or more", (long long)r->qty);
    if (empty(r->lot))
        return ent_fail(db, ENT_INVALID, "a lot code is required (--lot)");
    if ((rc = ent_check_text(db, "lot", r->lot, LOT_CODE_MAX, true)) != ENT_OK)
        return rc;
    const char *o = empty(r->origin) ? p->origin : r->origin;
    if (empty(o))
        return ent_fail(db, ENT_INVALID, "the origin country of the lot is required (--origin)");
    const ent_country *c = NULL;
    rc = ent_country_lookup(&c, o);
    if (rc == ENT_ERROR)
        return ent_fail(db, ENT_ERROR, "%s", ent_country_errmsg());
    if (rc != ENT_OK)
        return ent_fail(db, ENT_INVALID, "origin '%.40s' is not an ISO 3166-1 country code", o);
    memcpy(origin, c->alpha2, 3);
    if (!empty(r->declaration)) {
        size_t n = strlen(r->declaration);
        if (n != 18 || strspn(r->declaration, "0123456789") != n)
            return ent_fail(db, ENT_INVALID, "declaration '%.40s' must be the 18-digit customs declaration number",
                            r->declaration);
    }
    if (empty(r->import_date)) {
        char now[21];
        ent_now_utc(now);
        memcpy(import_date, now, 10);
        import_date[10] = '\0';
    } else {
        snprintf(import_date, 11, "%.10s", r->import_date);
    }
    if ((rc = check_date(db, "import date", empty(r->import_date) ? import_date : r->import_date, &imp)) != ENT_OK)
        return rc;
    if (!empty(r->production_date) && (rc = check_date(db, "production date", r->production_date, &prod)) != ENT_OK)
        return rc;
    if (!empty(r->expiry) && (rc = check_date(db, "expiry", r->expiry, &exp)) != ENT_OK)
        return rc;
    if (!empty(r->production_date) && prod > imp)
        return ent_fail(db, ENT_INVALID, "production date %s is after the import date %s", r->production_date,
                        import_date);
    if (!empty(r->expiry) && exp < imp)
        return ent_fail(db, ENT_INVALID, "expiry %s is before the import date %s", r->expiry, import_date);
    if (!empty(r->expiry) && !empty(r->production_date) && exp < prod)
        return ent_fail(db, ENT_INVALID, "expiry %s is before the production date %s", r->expiry, r->production_date);
    if ((rc = ent_check_text(db, "supplier", r->supplier, 200, false)) != ENT_OK ||
        (rc = ent_check_text(db, "note", r->note, NOTE_MAX, false)) != ENT_OK ||
        (rc = ent_check_text(db, "user", r->user, 64, false)) != ENT_OK)
        return rc;
    cost_currency[0] = '\0';
    if (r->unit_cost >= 0 || !empty(r->cost_currency)) {
        const ent_currency *cur = NULL;
        const char *cc = empty(r->cost_currency) ? p->currency : r->cost_currency;
        if (ent_currency_lookup(&cur, cc) != ENT_OK)
            return ent_fail(db, ENT_INVALID, "currency '%.40s' is not an ISO 4217 code", cc);
        memcpy(cost_currency, cur->alpha3, 4);
        if (r->unit_cost < 0)
            return ent_fail(db, ENT_INVALID, "a cost currency without a unit cost (--cost)");
    }
    return ENT_OK;
}

/* label_db.c: queues the shelf label when the lot brings a new origin there. */
int ent_label_queue_on_move(ent_db *db, int64_t product_id, int64_t lot_id, int64_t location_id, const char *user);

int ent_stock_receive(ent_db *db, const ent_receive *r, char *lot_uuid_out)
{
    ent_product *p = NULL;
    ent_lot *lot = NULL;
    char origin[3], import_date[11], cost_currency[4], uuid[37], batch[37], kind[16];
    int64_t mult = 1, location_id, lot_id = 0;
    int rc = ent_product_find(db, &p, r->product, &mult);
    if (rc != ENT_OK)
        return rc;
    if ((rc = check_receive(db, r, p, origin, import_date, cost_currency)) != ENT_OK)
        goto out;
    if (r->qty > INT32_MAX / mult) {
        rc = ent_fail(db, ENT_INVALID, "quantity %lld is too large", (long long)r->qty);
        goto out;
    }
    if ((rc = ent_location_id(db, r->location, &location_id, kind)) != ENT_OK)
        goto out;
    if ((rc = ent_tx_begin(db)) != ENT_OK)
        goto out;
    rc = read_lot(db, p->id, r->lot, &lot);
    if (rc == ENT_NOTFOUND) {
        rc = insert_lot(db, p->id, r, origin, import_date, cost_currency, &lot_id, uuid);
    } else if (rc == ENT_OK) {
        char cost[32] = "";
        if (r->unit_cost >= 0)
            snprintf(cost, sizeof cost, "%lld", (long long)r->unit_cost);
        char have_cost[32] = "";
        if (lot->unit_cost >= 0)
            snprintf(have_cost, sizeof have_cost, "%lld", (long long)lot->unit_cost);
        if ((rc = lot_agrees(db, lot, "origin", lot->origin, origin)) == ENT_OK &&
            (rc = lot_agrees(db, lot, "declaration", lot->declaration, r->declaration)) == ENT_OK &&
            (rc = lot_agrees(db, lot, "import date", lot->import_date, r->import_date)) == ENT_OK &&
            (rc = lot_agrees(db, lot, "production date", lot->production_date, r->production_date)) == ENT_OK &&
            (rc = lot_agrees(db, lot, "expiry", lot->expiry, r->expiry)) == ENT_OK &&
            (rc = lot_agrees(db, lot, "supplier", lot->supplier, r->supplier)) == ENT_OK &&
            (rc = lot_agrees(db, lot, "unit cost (minor units)", have_cost, cost)) == ENT_OK)
            rc = lot_agrees(db, lot, "cost currency", lot->cost_currency, r->unit_cost >= 0 ? cost_currency : NULL);
        lot_id = lot->id;
        memcpy(uuid, lot->uuid, sizeof uuid);
    }
    if (rc == ENT_OK) {
        ent_uuid_new(batch);
        rc = ent_stock_apply(db, batch, "receive", p->id, lot_id, location_id, r->qty * mult, NULL, r->note, r->user);
    }
    if (rc == ENT_OK)
        rc = ent_label_queue_on_move(db, p->id, lot_id, location_id, r->user);
    rc = ent_tx_end(db, rc);
    if (rc == ENT_OK && lot_uuid_out)
        memcpy(lot_uuid_out, uuid, 37);
out:
    ent_lot_free(lot);
    ent_product_free(p);
    return rc;
}

/* ---- moves -------------------------------------------------------------- */

/*
 * The lot a move applies to: the named one, or else the only lot of the
 * product with stock at the location. Inside the caller's transaction.
 */
static int pick_lot(ent_db *db, int64_t product_id, const char *lot, int64_t location_id, const char *loc_code,
                    int64_t *lot_id)
{
    if (!empty(lot)) {
        ent_lot *l = NULL;
        int rc = read_lot(db, product_id, lot, &l);
        if (rc == ENT_NOTFOUND)
            return lot_not_found(db, product_id, lot);
        if (rc == ENT_OK)
            *lot_id = l->id;
        ent_lot_free(l);
        return rc;
    }
    sqlite3_stmt *st = ent_stmt(db, "SELECT b.lot_id, l.code FROM stock_balance b JOIN lot l ON l.id = b.lot_id "
                                    "WHERE b.product_id = ? AND b.location_id = ? AND b.qty > 0 ORDER BY l.code");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, product_id);
    sqlite3_bind_int64(st, 2, location_id);
    char codes[300] = "";
    size_t used = 0;
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n++ == 0)
            *lot_id = sqlite3_column_int64(st, 0);
        if (used < sizeof codes - 1)
            used += (size_t)snprintf(codes + used, sizeof codes - used, "%s%s", n > 1 ? ", " : "",
                                     sqlite3_column_text(st, 1));
    }
    sqlite3_reset(st);
    if (n == 1)
        return ENT_OK;
    if (n == 0) {
        char label[300];
        ent_product_label(db, product_id, label, sizeof label);
        return ent_fail(db, ENT_NOSTOCK, "not enough stock: %s has nothing on hand at %s", label, loc_code);
    }
    return ent_fail(db, ENT_INVALID, "several lots lie at %s (%s): name one with --lot", loc_code, codes);
}

static int check_note(ent_db *db, const char *user, const char *note)
{
    int rc = ent_check_text(db, "note", note, NOTE_MAX, false);
    return rc == ENT_OK ? ent_check_text(db, "user", user, 64, false) : rc;
}

int ent_stock_transfer(ent_db *db, const char *product, const char *lot, const char *from, const char *to,
                       int64_t qty, const char *user, const char *note)
{
    int64_t pid, from_id, to_id, lot_id;
    char batch[37];
    int rc = ent_product_id(db, &pid, product, NULL);
    if (rc != ENT_OK)
        return rc;
    if (qty <= 0)
        return ent_fail(db, ENT_INVALID, "quantity %lld: move 1 or more", (long long)qty);
    if ((rc = check_note(db, user, note)) != ENT_OK || (rc = ent_location_id(db, from, &from_id, NULL)) != ENT_OK ||
        (rc = ent_location_id(db, to, &to_id, NULL)) != ENT_OK)
        return rc;
    if (from_id == to_id)
        return ent_fail(db, ENT_INVALID, "from and to are the same location (%s)", from);
    if ((rc = ent_tx_begin(db)) != ENT_OK)
        return rc;
    ent_uuid_new(batch);
    if ((rc = pick_lot(db, pid, lot, from_id, from, &lot_id)) == ENT_OK &&
        (rc = ent_stock_apply(db, batch, "transfer", pid, lot_id, from_id, -qty, NULL, note, user)) == ENT_OK &&
        (rc = ent_stock_apply(db, batch, "transfer", pid, lot_id, to_id, qty, NULL, note, user)) == ENT_OK)
        rc = ent_label_queue_on_move(db, pid, lot_id, to_id, user);
    return ent_tx_end(db, rc);
}

static int change(ent_db *db, const char *kind, const char *product, const char *lot, const char *location,
                  int64_t delta, const char *reason, const char *user, const char *note)
{
    int64_t pid, loc_id, lot_id;
    char batch[37];
    int rc = ent_product_id(db, &pid, product, NULL);
    if (rc != ENT_OK)
        return rc;
    if ((rc = check_note(db, user, note)) != ENT_OK || (rc = ent_location_id(db, location, &loc_id, NULL)) != ENT_OK)
        return rc;
    if (delta > 0 && empty(lot))
        return ent_fail(db, ENT_INVALID, "name the lot of the goods found with --lot");
    if ((rc = ent_tx_begin(db)) != ENT_OK)
        return rc;
    ent_uuid_new(batch);
    if ((rc = pick_lot(db, pid, lot, loc_id, location, &lot_id)) == ENT_OK)
        rc = ent_stock_apply(db, batch, kind, pid, lot_id, loc_id, delta, reason, note, user);
    return ent_tx_end(db, rc);
}

int ent_stock_adjust(ent_db *db, const char *product, const char *lot, const char *location, int64_t delta,
                     const char *reason, const char *user, const char *note)
{
    static const char *const reasons[] = {"damage", "loss", "found", "sample"};
    size_t k = 0;
    ent_ok(db);
    if (empty(reason))
        return ent_fail(db, ENT_INVALID, "an adjustment needs a reason: damage, loss, found or sample");
    while (k < 4 && strcmp(reason, reasons[k]) != 0)
        k++;
    if (k == 4)
        return ent_fail(db, ENT_INVALID, "reason '%.40s' must be damage, loss, found or sample", reason);
    if (delta == 0)
        return ent_fail(db, ENT_INVALID, "quantity 0: adjust by 1 or more");
    if (delta == INT64_MIN)
        return ent_fail(db, ENT_INVALID, "quantity is too large");
    int64_t mag = delta < 0 ? -delta : delta;
    return change(db, "adjust", product, lot, location, k == 2 ? mag : -mag, reasons[k], user, note);
}

int ent_stock_scrap(ent_db *db, const char *product, const char *lot, const char *location, int64_t qty,
                    const char *user, const char *note)
{
    ent_ok(db);
    if (qty <= 0)
        return ent_fail(db, ENT_INVALID, "quantity %lld: scrap 1 or more", (long long)qty);
    return change(db, "scrap", product, lot, location, -qty, "scrap", user, note);
}
