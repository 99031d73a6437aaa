/* Lot picking for sales: first expiry first out over the sellable locations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"
#include "internal.h"
#include "stock_internal.h"

/* What lies where, for the refusal message when there is not enough to sell. */
struct tally {
    int64_t sellable, expired, held;
    char lot[ENT_LOT_SIZE]; /* the lot of the first row seen */
    char expired_lot[ENT_LOT_SIZE], expired_on[ENT_DATE_SIZE];
    char held_lot[ENT_LOT_SIZE], held_kind[ENT_LOCATION_KIND_SIZE], held_at[ENT_LOCATION_CODE_SIZE];
};

static int refuse_words(ent_db *db, int64_t product_id, int64_t lot_id, const struct tally *t, int64_t qty);

/* The facts of the refusal on the handle (ent_errfacts), beside its words. */
static int with_facts(ent_db *db, int rc, int64_t product_id, const char *lot, const char *expiry, int64_t on_hand,
                      int64_t qty)
{
    ent_facts *f = &db->facts;
    memset(f, 0, sizeof *f);
    f->code = rc;
    snprintf(f->lot, sizeof f->lot, "%s", lot);
    snprintf(f->expiry, sizeof f->expiry, "%s", expiry);
    f->on_hand = on_hand;
    f->asked = qty;
    sqlite3_stmt *st = entx_stmt(db, "SELECT COALESCE(gtin, sku), COALESCE(name_zh, name_en, '') FROM product "
                                     "WHERE id = ?1");
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, product_id);
        if (sqlite3_step(st) == SQLITE_ROW) {
            entx_col_copy(st, f->product, sizeof f->product, 0);
            entx_col_copy(st, f->name, sizeof f->name, 1);
        }
        sqlite3_reset(st);
    }
    return rc;
}

static int refuse(ent_db *db, int64_t product_id, int64_t lot_id, const struct tally *t, int64_t qty)
{
    int rc = refuse_words(db, product_id, lot_id, t, qty);
    if (rc == ENT_EXPIRED)
        return with_facts(db, rc, product_id, t->expired_lot, t->expired_on, -1, -1);
    if (rc == ENT_REFUSED)
        return with_facts(db, rc, product_id, t->held_lot, "", -1, -1);
    return with_facts(db, rc, product_id, lot_id ? t->lot : "", "", t->sellable, qty);
}

static int refuse_words(ent_db *db, int64_t product_id, int64_t lot_id, const struct tally *t, int64_t qty)
{
    char label[ENT_PRODUCT_LABEL_SIZE], lotpart[100] = "";
    entx_product_label(db, label, sizeof label, product_id);
    if (lot_id != 0)
        snprintf(lotpart, sizeof lotpart, " lot %s", t->lot);
    /* The most useful reason first: a shopper holding an expired jar must hear
     * "expired", not "no stock". */
    if (t->sellable == 0 && t->expired > 0)
        return entx_fail(db, ENT_EXPIRED, "%s: lot %s expired on %s and cannot be sold", label, t->expired_lot,
                        t->expired_on);
    if (t->sellable == 0 && t->held > 0)
        return entx_fail(db, ENT_REFUSED, "%s: lot %s is only in %s (%s) and cannot be sold", label, t->held_lot,
                        t->held_kind, t->held_at);
    if (lot_id != 0 && t->sellable == 0)
        return entx_fail(db, ENT_NOSTOCK, "not enough stock: %s%s has 0 on hand for sale, %lld asked", label,
                        lotpart, (long long)qty);
    return entx_fail(db, ENT_NOSTOCK, "not enough stock: %s%s has %lld on hand for sale, %lld asked", label,
                    lot_id ? lotpart : "", (long long)t->sellable, (long long)qty);
}

int entx_stock_pick(ent_db *db, struct ent_pick **out, size_t *n, const struct pick_want *want)
{
    struct ent_pick *picks = NULL;
    size_t count = 0, cap = 0;
    struct tally t = {0};
    int64_t left = want->qty;
    int rc = ENT_OK, sc;
    *out = NULL;
    *n = 0;
    if (want->qty <= 0)
        return entx_fail(db, ENT_INVALID, "quantity must be 1 or more");
    sqlite3_stmt *st = entx_stmt(db,
        "SELECT b.lot_id, b.location_id, b.qty, l.code, l.origin, COALESCE(l.expiry, ''), loc.kind, loc.code "
        "FROM stock_balance b JOIN lot l ON l.id = b.lot_id JOIN location loc ON loc.id = b.location_id "
        "WHERE b.product_id = ?1 AND b.qty > 0 AND (?2 = 0 OR b.lot_id = ?2) "
        "ORDER BY l.expiry IS NULL, l.expiry, l.id, b.location_id = ?3 DESC, loc.kind = 'shelf' DESC, "
        "b.location_id");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, want->product_id);
    sqlite3_bind_int64(st, 2, want->lot_id);
    sqlite3_bind_int64(st, 3, want->prefer);
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t have = sqlite3_column_int64(st, 2);
        const char *expiry = (const char *)sqlite3_column_text(st, 5);
        const char *kind = (const char *)sqlite3_column_text(st, 6);
        if (t.lot[0] == '\0')
            entx_col_copy(st, t.lot, sizeof t.lot, 3);
        if (strcmp(kind, "shelf") != 0 && strcmp(kind, "backroom") != 0) {
            if (t.held == 0) {
                entx_col_copy(st, t.held_lot, sizeof t.held_lot, 3);
                snprintf(t.held_kind, sizeof t.held_kind, "%s", kind);
                entx_col_copy(st, t.held_at, sizeof t.held_at, 7);
            }
            if (__builtin_add_overflow(t.held, have, &t.held))
                goto overflow;
            continue;
        }
        if (expiry[0] && strcmp(expiry, want->today) < 0) {
            if (t.expired == 0) {
                entx_col_copy(st, t.expired_lot, sizeof t.expired_lot, 3);
                snprintf(t.expired_on, sizeof t.expired_on, "%s", expiry);
            }
            if (__builtin_add_overflow(t.expired, have, &t.expired))
                goto overflow;
            continue;
        }
        if (__builtin_add_overflow(t.sellable, have, &t.sellable))
            goto overflow;
        if (left == 0)
            continue; /* keep counting, for an honest message elsewhere */
        if (count == cap) {
            cap = cap ? cap * 2 : 4;
            struct ent_pick *np = realloc(picks, cap * sizeof *np);
            if (np == NULL) {
                rc = entx_fail(db, ENT_ERROR, "out of memory");
                break;
            }
            picks = np;
        }
        struct ent_pick *p = &picks[count++];
        memset(p, 0, sizeof *p);
        p->lot_id = sqlite3_column_int64(st, 0);
        p->location_id = sqlite3_column_int64(st, 1);
        p->qty = have < left ? have : left;
        left -= p->qty;
        entx_col_copy(st, p->lot, sizeof p->lot, 3);
        entx_col_copy(st, p->origin, sizeof p->origin, 4);
        snprintf(p->expiry, sizeof p->expiry, "%s", expiry);
    }
    if (rc == ENT_OK && sc != SQLITE_DONE && sc != SQLITE_ROW)
        rc = entx_fail_sql(db, "picking stock");
    sqlite3_reset(st);
    if (rc == ENT_OK && left > 0)
        rc = refuse(db, want->product_id, want->lot_id, &t, want->qty);
    if (rc != ENT_OK) {
        free(picks);
        return rc;
    }
    *out = picks;
    *n = count;
    return ENT_OK;
overflow:
    /* Only a balance written outside entrepot can be this large (each one
     * is bounded): refuse with words, never wrap. */
    sqlite3_reset(st);
    free(picks);
    char label[ENT_PRODUCT_LABEL_SIZE];
    entx_product_label(db, label, sizeof label, want->product_id);
    return entx_fail(db, ENT_ERROR,
                    "%s: the stock on hand is too large to add up (a balance beyond its bound, "
                    "written outside entrepot): the integrity check names it",
                    label);
}
