/*
 * Resolving a parsed scan to a commodity and lot through the catalogue and
 * stock APIs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/catalog.h"
#include "entrepot/scan.h"
#include "entrepot/stock.h"
#include "internal.h"
#include "stock_internal.h"

/* ---- resolving ---------------------------------------------------------- */

void ent_scan_match_free(ent_scan_match *m)
{
    if (m == NULL)
        return;
    ent_lot_free(m->lot);
    free(m);
}

static int64_t pow10i(int n)
{
    int64_t p = 1;
    while (n-- > 0)
        p *= 10;
    return p;
}

/*
 * The measure in the commodity's base unit (g or ml), rounded to the
 * nearest unit; 0 when the two do not convert (a length for a product
 * counted in pieces). Measures are at most 6 digits, so nothing overflows.
 */
static int64_t measure_in(const ent_scan_measure *m, const char *unit)
{
    /* factor: base units per measure unit, as a fraction num/den */
    int64_t num = 0, den = 1;
    if (strcmp(unit, "g") == 0) {
        if (strcmp(m->unit, "kg") == 0)
            num = 1000;
        else if (strcmp(m->unit, "lb") == 0)
            num = 45359237, den = 100000; /* 1 lb = 453.59237 g exactly */
    } else if (strcmp(unit, "ml") == 0) {
        if (strcmp(m->unit, "l") == 0)
            num = 1000;
        else if (strcmp(m->unit, "m3") == 0)
            num = 1000000;
    }
    if (num == 0)
        return 0;
    int64_t d = pow10i(m->decimals) * den;
    return (m->value * num + d / 2) / d;
}

/* Appends "WHAT A in the scan, B on record" to the match's problem. */
static void add_problem(ent_scan_match *m, const char *what, const char *a, const char *b)
{
    size_t used = strlen(m->problem);
    snprintf(m->problem + used, sizeof m->problem - used, "%s%s %s in the scan, %s on record", used ? "; " : "",
             what, a, b);
}

/* Compares what the scan says about the lot with the record. */
static void compare_lot(ent_scan_match *m, const ent_scan *scan)
{
    const ent_lot *lot = m->lot;
    const char *expiry = scan->expiry[0] ? scan->expiry : scan->best_before;
    m->lot_state = ENT_SCAN_LOT_OK;
    if (expiry[0] && lot->expiry[0] && strcmp(expiry, lot->expiry) != 0)
        add_problem(m, "expiry", expiry, lot->expiry);
    if (scan->production[0] && lot->production_date[0] && strcmp(scan->production, lot->production_date) != 0)
        add_problem(m, "production date", scan->production, lot->production_date);
    if (scan->origin[0] && lot->origin[0] && strcmp(scan->origin, lot->origin) != 0)
        add_problem(m, "origin", scan->origin, lot->origin);
    if (m->problem[0]) {
        char tmp[sizeof m->problem];
        memcpy(tmp, m->problem, sizeof tmp);
        char code[ENT_CLIP_SIZE];
        ent_text_clip(code, sizeof code, lot->code, 40);
        snprintf(m->problem, sizeof m->problem, "lot %s: ", code);
        size_t used = strlen(m->problem), n = strlen(tmp);
        if (n > sizeof m->problem - used - 1)
            n = sizeof m->problem - used - 1;
        memcpy(m->problem + used, tmp, n);
        m->problem[used + n] = '\0';
        entx_text_trim_cut(m->problem, sizeof m->problem); /* when it was cut, on a character boundary */
        m->lot_state = ENT_SCAN_LOT_CONFLICT;
    }
}

/* The codes to look up, most specific first. */
static size_t candidates(const ent_scan *scan, const char *codes[2])
{
    size_t n = 0;
    switch (scan->kind) {
    case ENT_SCAN_INSTORE:
        codes[n++] = scan->item_gtin;
        if (strcmp(scan->item_gtin, scan->gtin) != 0)
            codes[n++] = scan->gtin;
        break;
    case ENT_SCAN_OTHER:
        codes[n++] = scan->text;
        break;
    default:
        if (scan->gtin[0])
            codes[n++] = scan->gtin;
        else if (scan->gtin_contained[0])
            codes[n++] = scan->gtin_contained;
        break;
    }
    return n;
}

/*
 * The lean read of the commodity: only what a match shows (its code, name
 * and unit), straight into the match's own buffers. The whole row with its
 * allocated strings (ent_product_find) cost a scan more than the lookup.
 */
static int read_product(ent_db *db, ent_scan_match *m)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT COALESCE(gtin, sku), COALESCE(name_zh, name_en, ''), unit "
                                     "FROM product WHERE id = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, m->product_id);
    int sc = sqlite3_step(st), rc = ENT_OK;
    if (sc == SQLITE_ROW) {
        entx_col_copy(st, m->code, sizeof m->code, 0);
        entx_col_copy(st, m->name, sizeof m->name, 1);
        entx_col_copy(st, m->unit, sizeof m->unit, 2);
    } else {
        rc = entx_fail_sql(db, "reading a commodity");
    }
    sqlite3_reset(st);
    return rc;
}

/*
 * The counter's path: a scan whose GTIN the catalogue holds as a commodity's
 * own GTIN (nearly every scan) is answered by one statement in autocommit,
 * the commodity's code, name and unit and the scanned lot with its dates
 * together, so that a scan costs little more than the bare GTIN lookup.
 * ENT_NOTFOUND sends the scan down the general path (case and in-store
 * codes, SKUs, a lot not on record: that path words the message).
 */
static int resolve_fast(ent_db *db, ent_scan_match **out, const ent_scan *scan)
{
#define FAST_PRODUCT "SELECT p.id, COALESCE(p.gtin, p.sku), COALESCE(p.name_zh, p.name_en, ''), p.unit"
    static const char plain[] = FAST_PRODUCT " FROM product p WHERE p.gtin = ?1";
    static const char with_lot[] = FAST_PRODUCT ", " ENTX_LOT_COLS " FROM product p "
                                   "LEFT JOIN lot l ON l.product_id = p.id AND l.code = ?2 WHERE p.gtin = ?1";
    if (scan->kind == ENT_SCAN_INSTORE || scan->kind == ENT_SCAN_OTHER || scan->gtin[0] == '\0' ||
        scan->count >= 0)
        return ENT_NOTFOUND;
    bool lot = scan->lot[0] != '\0';
    sqlite3_stmt *st = entx_stmt(db, lot ? with_lot : plain);
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, scan->gtin, -1, SQLITE_STATIC);
    if (lot)
        sqlite3_bind_text(st, 2, scan->lot, -1, SQLITE_STATIC);
    int sc = sqlite3_step(st), rc = ENT_NOTFOUND;
    ent_scan_match *m = NULL;
    /* A lot named but not on record: the general path says which. */
    if (sc == SQLITE_ROW && (!lot || sqlite3_column_type(st, 4) != SQLITE_NULL)) {
        m = calloc(1, sizeof *m);
        rc = m ? ENT_OK : entx_fail(db, ENT_ERROR, "out of memory");
    } else if (sc != SQLITE_ROW && sc != SQLITE_DONE) {
        rc = entx_fail_sql(db, "reading a commodity");
    }
    if (rc == ENT_OK) {
        m->product_id = sqlite3_column_int64(st, 0);
        entx_col_copy(st, m->code, sizeof m->code, 1);
        entx_col_copy(st, m->name, sizeof m->name, 2);
        entx_col_copy(st, m->unit, sizeof m->unit, 3);
        m->code_qty = m->qty = 1;
        if (scan->has_measure && strcmp(m->unit, "pcs") != 0)
            m->qty = measure_in(&scan->measure, m->unit);
        if (lot && (rc = entx_lot_from_row(db, st, 4, &m->lot)) == ENT_OK)
            compare_lot(m, scan);
    }
    sqlite3_reset(st);
    if (rc == ENT_OK)
        *out = m;
    else
        ent_scan_match_free(m);
    return rc;
}

int ent_scan_resolve(ent_db *db, ent_scan_match **out, const ent_scan *scan)
{
    const char *codes[2];
    bool began = false;
    ent_scan_match *m = NULL;
    int64_t code_qty = 1;
    int rc = ENT_NOTFOUND;
    *out = NULL;
    entx_ok(db);
    if (scan->error != ENT_OK || scan->kind == ENT_SCAN_NONE) {
        rc = entx_fail(db, ENT_INVALID, "the scan was not understood");
        goto done;
    }
    if ((rc = resolve_fast(db, out, scan)) != ENT_NOTFOUND)
        return rc;
    size_t n = candidates(scan, codes);
    if (n == 0) {
        rc = entx_fail(db, ENT_NOTFOUND, "the scan names no commodity (no GTIN in it)");
        goto done;
    }
    began = entx_read_begin(db); /* one snapshot for the scan's lookups */
    int64_t id = 0;
    for (size_t i = 0; i < n && rc == ENT_NOTFOUND; i++)
        rc = ent_product_id(db, &id, &code_qty, codes[i]);
    if (rc != ENT_OK)
        goto done;
    m = calloc(1, sizeof *m);
    if (m == NULL) {
        rc = entx_fail(db, ENT_ERROR, "out of memory");
        goto done;
    }
    m->product_id = id;
    if ((rc = read_product(db, m)) != ENT_OK)
        goto done;
    m->code_qty = code_qty;
    m->qty = code_qty;
    /* A count of nothing is no quantity (selling it as one unit was a
     * defect), and a case of many units times a count must not wrap. */
    if (scan->count == 0) {
        rc = entx_fail(db, ENT_INVALID, "%s: the scan counts 0 items (AI 30/37), which is nothing to sell or move",
                      m->name);
        goto done;
    }
    if (scan->count > 0 && (code_qty <= 0 || __builtin_mul_overflow(code_qty, scan->count, &m->qty))) {
        rc = entx_fail(db, ENT_INVALID, "%s: a count of %lld cases of %lld units is more than can be counted", m->name,
                      (long long)scan->count, (long long)code_qty);
        goto done;
    }
    if (scan->has_measure && strcmp(m->unit, "pcs") != 0)
        m->qty = measure_in(&scan->measure, m->unit);
    if (scan->lot[0]) {
        rc = ent_lot_find_id(db, &m->lot, id, scan->lot);
        if (rc == ENT_NOTFOUND) {
            m->lot_state = ENT_SCAN_LOT_UNKNOWN;
            snprintf(m->problem, sizeof m->problem, "%s", ent_errmsg(db));
            entx_ok(db);
            rc = ENT_OK;
        } else if (rc == ENT_OK) {
            compare_lot(m, scan);
        } else {
            goto done;
        }
    }
    *out = m;
    m = NULL;
    rc = ENT_OK;
done:
    entx_read_end(db, began);
    ent_scan_match_free(m);
    return rc;
}

/* ---- the counter's lean resolve ----------------------------------------- */

/* The text of column i, "" for NULL. */
static const char *col_text(sqlite3_stmt *st, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    return t ? t : "";
}

/* Whether the scan's date or origin a and the record's b may stand together
 * (compare_lot's rule: only two given and different disagree). */
static bool agrees(const char *a, const char *b)
{
    return a[0] == '\0' || b[0] == '\0' || strcmp(a, b) == 0;
}

/*
 * A commodity's own GTIN by one seek in the GTIN's UNIQUE index; a scan
 * that names a lot by one seek in scan_lot (schema 26), keyed by the GTIN
 * and the lot code the scan carries, which gives the commodity, the lot and
 * the dates and origin to compare, so that neither row nor a second index
 * is read. The scan's count, measure, in-store codes, a lot not on record
 * or not agreeing: ENT_NOTFOUND, and the general path answers (and words
 * what does not agree).
 */
static int ids_fast(ent_db *db, ent_scan_ids *out, const ent_scan *scan)
{
    static const char plain[] = "SELECT id FROM product WHERE gtin = ?1";
    static const char with_lot[] = "SELECT product_id, lot_id, expiry, production_date, origin FROM scan_lot "
                                   "WHERE gtin = ?1 AND code = ?2";
    if (scan->error != ENT_OK || scan->kind == ENT_SCAN_NONE || scan->kind == ENT_SCAN_INSTORE ||
        scan->kind == ENT_SCAN_OTHER || scan->gtin[0] == '\0' || scan->count >= 0 || scan->has_measure)
        return ENT_NOTFOUND;
    bool lot = scan->lot[0] != '\0';
    sqlite3_stmt *st = entx_stmt(db, lot ? with_lot : plain);
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, scan->gtin, -1, SQLITE_STATIC);
    if (lot)
        sqlite3_bind_text(st, 2, scan->lot, -1, SQLITE_STATIC);
    int sc = sqlite3_step(st), rc = ENT_NOTFOUND;
    if (sc == SQLITE_ROW && lot) {
        const char *expiry = scan->expiry[0] ? scan->expiry : scan->best_before;
        if (agrees(expiry, col_text(st, 2)) && agrees(scan->production, col_text(st, 3)) &&
            agrees(scan->origin, col_text(st, 4))) {
            out->lot_id = sqlite3_column_int64(st, 1);
            snprintf(out->lot, sizeof out->lot, "%s", scan->lot); /* the record's: equal to find it */
            rc = ENT_OK;
        }
    } else if (sc == SQLITE_ROW) {
        rc = ENT_OK;
    } else if (sc != SQLITE_DONE) {
        rc = entx_fail_sql(db, "reading a commodity");
    }
    if (rc == ENT_OK) {
        out->product_id = sqlite3_column_int64(st, 0);
        snprintf(out->code, sizeof out->code, "%s", scan->gtin); /* the commodity's own GTIN: equal to find it */
        out->code_qty = out->qty = 1;
    }
    sqlite3_reset(st);
    return rc;
}

int ent_scan_resolve_ids(ent_db *db, ent_scan_ids *out, const ent_scan *scan)
{
    memset(out, 0, sizeof *out);
    entx_ok(db);
    int rc = ids_fast(db, out, scan);
    if (rc != ENT_NOTFOUND)
        return rc;
    ent_scan_match *m = NULL;
    if ((rc = ent_scan_resolve(db, &m, scan)) != ENT_OK)
        return rc;
    if (m->lot_state == ENT_SCAN_LOT_UNKNOWN) {
        rc = entx_fail(db, ENT_NOTFOUND, "%s", m->problem);
    } else if (m->lot_state == ENT_SCAN_LOT_CONFLICT) {
        rc = entx_fail(db, ENT_INVALID, "the scan does not agree with lot %s on record: %s", ENT_CLIP(m->lot->code, 40),
                      m->problem);
    } else {
        out->product_id = m->product_id;
        out->code_qty = m->code_qty;
        out->qty = m->qty;
        snprintf(out->code, sizeof out->code, "%s", m->code);
        if (m->lot) {
            out->lot_id = m->lot->id;
            snprintf(out->lot, sizeof out->lot, "%s", m->lot->code);
        }
    }
    ent_scan_match_free(m);
    return rc;
}
