/* Suppliers and the commodities each supplies (schema 16). Codes do not
 * depend on case, as locations' do: a clerk types bio-fr for BIO-FR. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/catalog.h"
#include "entrepot/country.h"
#include "entrepot/money.h"
#include "entrepot/parse.h"
#include "entrepot/purchase.h"
#include "catalog_internal.h"
#include "internal.h"
#include "purchase_internal.h"
#include "user_internal.h"

#define CODE_MAX 32
#define TEXT_MAX 200
#define ITEM_CODE_MAX 64
#define PACK_MAX 1000000
#define PRICE_MAX INT64_C(10000000000000) /* 10^13 minor units a pack: more is a typing slip */

/* The supplier fields in CSV column order. */
static const char *const field_names[] = {"code",     "name_zh",       "name_en",  "country",
                                          "contact",  "currency",      "payment_terms", "lead_days"};
#define NFIELDS (sizeof field_names / sizeof *field_names)
static const size_t field_offsets[NFIELDS] = {
    offsetof(ent_supplier_fields, code),     offsetof(ent_supplier_fields, name_zh),
    offsetof(ent_supplier_fields, name_en),  offsetof(ent_supplier_fields, country),
    offsetof(ent_supplier_fields, contact),  offsetof(ent_supplier_fields, currency),
    offsetof(ent_supplier_fields, payment_terms), offsetof(ent_supplier_fields, lead_days)};

static const char **field_slot(ent_supplier_fields *f, size_t i)
{
    return (const char **)((char *)f + field_offsets[i]);
}

static int check_code(ent_db *db, const char *code)
{
    if (!entx_valid_code(code, CODE_MAX))
        return entx_fail(db, ENT_INVALID,
                         "supplier code '%s' must be 1 to 32 letters, digits or - _ . / (such as BIO-FR)",
                         ENT_CLIP(code, 40));
    return ENT_OK;
}

int entx_supplier_find(ent_db *db, struct entx_supplier *out, const char *code)
{
    int rc = check_code(db, code);
    if (rc != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(db, "SELECT id, code, currency, lead_days FROM supplier WHERE code = ?1 COLLATE NOCASE");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    int sc = sqlite3_step(st);
    rc = ENT_OK;
    if (sc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        entx_col_copy(st, out->code, sizeof out->code, 1);
        entx_col_copy(st, out->currency, sizeof out->currency, 2);
        out->lead_days = sqlite3_column_int(st, 3);
    } else if (sc == SQLITE_DONE) {
        rc = entx_fail(db, ENT_NOTFOUND, "no supplier '%s'", ENT_CLIP(code, 40));
    } else {
        rc = entx_fail_sql(db, "looking up a supplier");
    }
    sqlite3_reset(st);
    return rc;
}

/* The store's currency: a supplier's default. */
static int store_currency(ent_db *db, char out[ENT_CURRENCY_SIZE])
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT currency FROM store WHERE id = 1");
    if (st == NULL)
        return db->code;
    int rc = ENT_OK;
    if (sqlite3_step(st) == SQLITE_ROW)
        entx_col_copy(st, out, ENT_CURRENCY_SIZE, 0);
    else
        rc = entx_fail_hint(db, ENT_NOTFOUND, ENT_HINT_CREATE_STORE, "this database has no store yet");
    sqlite3_reset(st);
    return rc;
}

/* A supplier's fields, checked. A NULL field stays NULL (not given). */
struct parsed {
    char country[ENT_COUNTRY_SIZE], currency[ENT_CURRENCY_SIZE];
    int64_t lead_days;
};

static int check_free_text(ent_db *db, const char *field, const char *s)
{
    return entx_check_text(db, field, s, TEXT_MAX, false);
}

static int parse_fields(ent_db *db, const ent_supplier_fields *f, struct parsed *p)
{
    int rc;
    if ((rc = check_free_text(db, "name_zh", f->name_zh)) != ENT_OK ||
        (rc = check_free_text(db, "name_en", f->name_en)) != ENT_OK ||
        (rc = check_free_text(db, "contact", f->contact)) != ENT_OK ||
        (rc = check_free_text(db, "payment_terms", f->payment_terms)) != ENT_OK)
        return rc;
    if (!entx_empty(f->country)) {
        const ent_country *c;
        rc = ent_country_lookup(&c, f->country);
        if (rc == ENT_ERROR)
            return entx_fail(db, ENT_ERROR, "%s", entx_why());
        if (rc != ENT_OK)
            return entx_fail(db, ENT_INVALID, "country '%s' is not an ISO 3166-1 country code",
                             ENT_CLIP(f->country, 40));
        memcpy(p->country, c->alpha2, ENT_COUNTRY_SIZE);
    }
    if (!entx_empty(f->currency) && ent_currency_parse(p->currency, f->currency) != ENT_OK)
        return entx_fail(db, ENT_INVALID, "%s", entx_why());
    if (!entx_empty(f->lead_days) && ent_whole_parse(&p->lead_days, f->lead_days, 0, 365) != ENT_OK)
        return entx_fail(db, ENT_INVALID, "lead_days %s", entx_why());
    return ENT_OK;
}

static int code_taken(ent_db *db, const char *code, int64_t self)
{
    struct entx_supplier other;
    int rc = entx_supplier_find(db, &other, code);
    if (rc == ENT_NOTFOUND) {
        entx_ok(db);
        return ENT_OK;
    }
    if (rc != ENT_OK || other.id == self)
        return rc;
    return entx_fail(db, ENT_EXISTS, "supplier %s already exists%s", other.code,
                     strcmp(other.code, code) != 0 ? " (codes do not depend on case)" : "");
}

static int add_in_tx(ent_db *db, const ent_supplier_fields *f)
{
    struct parsed p = {.lead_days = 0};
    int rc;
    if ((rc = check_code(db, f->code)) != ENT_OK || (rc = parse_fields(db, f, &p)) != ENT_OK)
        return rc;
    if (entx_empty(f->name_zh) && entx_empty(f->name_en))
        return entx_fail(db, ENT_INVALID, "supplier %s needs a name: give name_zh or name_en", ENT_CLIP(f->code, 40));
    if (entx_empty(f->currency) && (rc = store_currency(db, p.currency)) != ENT_OK)
        return rc;
    if ((rc = code_taken(db, f->code, 0)) != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(db, "INSERT INTO supplier(code, name_zh, name_en, country, contact, currency, "
                                     "payment_terms, lead_days, created_at, created_by) "
                                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (st == NULL)
        return db->code;
    char now[ENT_TIME_SIZE];
    entx_now_utc(now);
    sqlite3_bind_text(st, 1, f->code, -1, SQLITE_STATIC);
    entx_bind_text_or_null(st, 2, f->name_zh);
    entx_bind_text_or_null(st, 3, f->name_en);
    entx_bind_text_or_null(st, 4, p.country);
    entx_bind_text_or_null(st, 5, f->contact);
    sqlite3_bind_text(st, 6, p.currency, -1, SQLITE_TRANSIENT);
    entx_bind_text_or_null(st, 7, f->payment_terms);
    sqlite3_bind_int64(st, 8, p.lead_days);
    sqlite3_bind_text(st, 9, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 10, entx_actor(db), -1, SQLITE_TRANSIENT);
    return entx_exec_stmt(db, st);
}

int ent_supplier_add(ent_db *db, const ent_supplier_fields *fields)
{
    entx_ok(db);
    if (fields == NULL)
        return entx_fail(db, ENT_INVALID, "no supplier given");
    int rc = entx_tx_begin(db);
    if (rc != ENT_OK)
        return rc;
    return entx_tx_end(db, add_in_tx(db, fields));
}

/* Orders still open in the supplier's currency forbid changing it: their
 * prices would come to mean another money. */
static int currency_change_ok(ent_db *db, const struct entx_supplier *s, const char *currency)
{
    if (currency[0] == '\0' || strcmp(currency, s->currency) == 0)
        return ENT_OK;
    sqlite3_stmt *st = entx_stmt(db, "SELECT COUNT(*) FROM purchase_order WHERE supplier_id = ? "
                                     "AND status IN ('draft', 'sent', 'partial')");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, s->id);
    int64_t open = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    if (open < 0)
        return entx_fail_sql(db, "reading a supplier's orders");
    if (open > 0)
        return entx_fail(db, ENT_REFUSED,
                         "supplier %s has %lld open order(s) in %s: its currency cannot change until they are "
                         "received or cancelled", s->code, (long long)open, s->currency);
    return ENT_OK;
}

static int edit_in_tx(ent_db *db, const char *code, const ent_supplier_fields *f)
{
    struct entx_supplier s;
    struct parsed p = {.lead_days = -1};
    int rc;
    if ((rc = entx_supplier_find(db, &s, code)) != ENT_OK)
        return rc;
    if (f->code && (rc = check_code(db, f->code)) != ENT_OK)
        return rc;
    if ((f->currency && *f->currency == '\0') || (f->lead_days && *f->lead_days == '\0'))
        return entx_fail(db, ENT_INVALID, "a supplier's currency and lead_days cannot be cleared, only changed");
    if ((rc = parse_fields(db, f, &p)) != ENT_OK || (f->code && (rc = code_taken(db, f->code, s.id)) != ENT_OK) ||
        (rc = currency_change_ok(db, &s, p.currency)) != ENT_OK)
        return rc;
    /* ?n IS NULL: not given; '' clears. Both names cleared is refused by
     * the table's CHECK, worded below. */
    sqlite3_stmt *st = entx_stmt(
        db, "UPDATE supplier SET code = COALESCE(?2, code), "
            "name_zh = CASE WHEN ?3 IS NULL THEN name_zh ELSE NULLIF(?3, '') END, "
            "name_en = CASE WHEN ?4 IS NULL THEN name_en ELSE NULLIF(?4, '') END, "
            "country = CASE WHEN ?5 IS NULL THEN country ELSE NULLIF(?5, '') END, "
            "contact = CASE WHEN ?6 IS NULL THEN contact ELSE NULLIF(?6, '') END, "
            "currency = COALESCE(NULLIF(?7, ''), currency), "
            "payment_terms = CASE WHEN ?8 IS NULL THEN payment_terms ELSE NULLIF(?8, '') END, "
            "lead_days = CASE WHEN ?9 < 0 THEN lead_days ELSE ?9 END, changed_at = ?10, changed_by = ?11 "
            "WHERE id = ?1 AND COALESCE(CASE WHEN ?3 IS NULL THEN name_zh ELSE NULLIF(?3, '') END, "
            "CASE WHEN ?4 IS NULL THEN name_en ELSE NULLIF(?4, '') END) IS NOT NULL");
    if (st == NULL)
        return db->code;
    char now[ENT_TIME_SIZE];
    entx_now_utc(now);
    sqlite3_bind_int64(st, 1, s.id);
    const char *texts[] = {f->code, f->name_zh, f->name_en, f->country ? p.country : NULL, f->contact};
    for (int i = 0; i < 5; i++)
        if (texts[i])
            sqlite3_bind_text(st, i + 2, texts[i], -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, p.currency, -1, SQLITE_TRANSIENT);
    if (f->payment_terms)
        sqlite3_bind_text(st, 8, f->payment_terms, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, p.lead_days);
    sqlite3_bind_text(st, 10, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 11, entx_actor(db), -1, SQLITE_TRANSIENT);
    if ((rc = entx_exec_stmt(db, st)) == ENT_OK && sqlite3_changes(db->sql) == 0)
        rc = entx_fail(db, ENT_INVALID, "supplier %s would have no name left: keep name_zh or name_en", s.code);
    return rc;
}

int ent_supplier_edit(ent_db *db, const char *code, const ent_supplier_fields *fields)
{
    entx_ok(db);
    bool any = false;
    for (size_t i = 0; fields && i < NFIELDS; i++)
        any = any || *field_slot((ent_supplier_fields *)fields, i) != NULL;
    if (!any)
        return entx_fail(db, ENT_INVALID, "nothing to change: give at least one field of the supplier");
    int rc = entx_tx_begin(db);
    if (rc != ENT_OK)
        return rc;
    return entx_tx_end(db, edit_in_tx(db, code, fields));
}

#define SUPPLIER_SELECT                                                                                          \
    "SELECT s.code, s.name_zh, s.name_en, s.country, s.contact, s.currency, s.payment_terms, s.lead_days, "      \
    "(SELECT COUNT(*) FROM supplier_item i WHERE i.supplier_id = s.id) FROM supplier s "

static int visit_suppliers(ent_db *db, sqlite3_stmt *st, ent_supplier_cb cb, void *ud, int *seen)
{
    int sc, rc = ENT_OK;
    *seen = 0;
    while (rc == ENT_OK && (sc = sqlite3_step(st)) == SQLITE_ROW) {
        ent_supplier s;
        memset(&s, 0, sizeof s);
        entx_col_copy(st, s.code, sizeof s.code, 0);
        s.name_zh = (const char *)sqlite3_column_text(st, 1);
        s.name_en = (const char *)sqlite3_column_text(st, 2);
        entx_col_copy(st, s.country, sizeof s.country, 3);
        s.contact = (const char *)sqlite3_column_text(st, 4);
        entx_col_copy(st, s.currency, sizeof s.currency, 5);
        s.payment_terms = (const char *)sqlite3_column_text(st, 6);
        s.lead_days = sqlite3_column_int(st, 7);
        s.items = sqlite3_column_int64(st, 8);
        s.name_zh = s.name_zh ? s.name_zh : "";
        s.name_en = s.name_en ? s.name_en : "";
        s.contact = s.contact ? s.contact : "";
        s.payment_terms = s.payment_terms ? s.payment_terms : "";
        (*seen)++;
        rc = cb(&s, ud);
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading suppliers");
    sqlite3_reset(st);
    return rc;
}

int ent_supplier_get(ent_db *db, const char *code, ent_supplier_cb cb, void *ud)
{
    struct entx_supplier s;
    int seen;
    entx_ok(db);
    int rc = entx_supplier_find(db, &s, code);
    if (rc != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(db, SUPPLIER_SELECT "WHERE s.id = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, s.id);
    return visit_suppliers(db, st, cb, ud, &seen);
}

int ent_supplier_each(ent_db *db, ent_supplier_cb cb, void *ud)
{
    int seen;
    entx_ok(db);
    sqlite3_stmt *st = entx_stmt(db, SUPPLIER_SELECT "ORDER BY s.code COLLATE NOCASE");
    if (st == NULL)
        return db->code;
    return visit_suppliers(db, st, cb, ud, &seen);
}

/* The commodity named by code, in the catalogue (not retired): what a
 * supplier can be asked for. */
int entx_product_orderable(ent_db *db, int64_t *id, const char *code)
{
    ent_product *p = NULL;
    int rc = ent_product_find(db, &p, NULL, code);
    if (rc == ENT_OK && p->retired_at[0] != '\0') {
        char label[ENT_PRODUCT_LABEL_SIZE];
        rc = entx_fail(db, ENT_REFUSED, "commodity %s is retired: it cannot be ordered",
                       entx_product_label(db, label, sizeof label, p->id));
    }
    if (rc == ENT_OK)
        *id = p->id;
    ent_product_free(p);
    return rc;
}

static int item_in_tx(ent_db *db, const ent_supplier_item_fields *f)
{
    struct entx_supplier s;
    int64_t product_id, pack = 1, price = 0;
    int rc;
    if ((rc = entx_supplier_find(db, &s, f->supplier)) != ENT_OK ||
        (rc = entx_product_orderable(db, &product_id, f->product)) != ENT_OK ||
        (rc = entx_check_text(db, "supplier_code", f->supplier_code, ITEM_CODE_MAX, false)) != ENT_OK)
        return rc;
    if (f->pack_size && ent_whole_parse(&pack, f->pack_size, 1, PACK_MAX) != ENT_OK)
        return entx_fail(db, ENT_INVALID, "pack_size %s", entx_why());
    if (!entx_empty(f->last_price)) {
        if (ent_money_parse(&price, f->last_price, s.currency) != ENT_OK)
            return entx_fail(db, ENT_INVALID, "last_price: %s", entx_why());
        if (price < 0 || price > PRICE_MAX)
            return entx_fail(db, ENT_INVALID, "last_price '%s' must be from 0 to 100000000000 %s a pack",
                             ENT_CLIP(f->last_price, 40), s.currency);
    }
    /* ?n IS NULL keeps what is there; the pack size of a new row is 1. */
    sqlite3_stmt *st = entx_stmt(
        db, "INSERT INTO supplier_item(supplier_id, product_id, supplier_code, pack_size, last_price, changed_at, "
            "changed_by) VALUES (?1, ?2, NULLIF(?3, ''), COALESCE(?4, 1), CASE WHEN COALESCE(?5, '') = '' THEN NULL ELSE ?6 END, "
            "?7, ?8) ON CONFLICT (supplier_id, product_id) DO UPDATE SET "
            "supplier_code = CASE WHEN ?3 IS NULL THEN supplier_code ELSE NULLIF(?3, '') END, "
            "pack_size = COALESCE(?4, pack_size), "
            "last_price = CASE WHEN ?5 IS NULL THEN last_price WHEN ?5 = '' THEN NULL ELSE ?6 END, "
            "changed_at = ?7, changed_by = ?8");
    if (st == NULL)
        return db->code;
    char now[ENT_TIME_SIZE];
    entx_now_utc(now);
    sqlite3_bind_int64(st, 1, s.id);
    sqlite3_bind_int64(st, 2, product_id);
    if (f->supplier_code)
        sqlite3_bind_text(st, 3, f->supplier_code, -1, SQLITE_STATIC);
    if (f->pack_size)
        sqlite3_bind_int64(st, 4, pack);
    if (f->last_price)
        sqlite3_bind_text(st, 5, f->last_price, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, price);
    sqlite3_bind_text(st, 7, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 8, entx_actor(db), -1, SQLITE_TRANSIENT);
    return entx_exec_stmt(db, st);
}

int ent_supplier_item_set(ent_db *db, const ent_supplier_item_fields *fields)
{
    entx_ok(db);
    if (fields == NULL)
        return entx_fail(db, ENT_INVALID, "no supplier item given");
    if (fields->pack_size && *fields->pack_size == '\0')
        return entx_fail(db, ENT_INVALID, "pack_size is empty: give the base units in one pack");
    int rc = entx_tx_begin(db);
    if (rc != ENT_OK)
        return rc;
    return entx_tx_end(db, item_in_tx(db, fields));
}

int ent_supplier_item_remove(ent_db *db, const char *supplier, const char *product)
{
    struct entx_supplier s;
    int64_t product_id;
    entx_ok(db);
    int rc = entx_tx_begin(db);
    if (rc != ENT_OK)
        return rc;
    if ((rc = entx_supplier_find(db, &s, supplier)) != ENT_OK ||
        (rc = ent_product_id(db, &product_id, NULL, product)) != ENT_OK)
        goto done;
    sqlite3_stmt *st = entx_stmt(db, "DELETE FROM supplier_item WHERE supplier_id = ? AND product_id = ?");
    if (st == NULL) {
        rc = db->code;
        goto done;
    }
    sqlite3_bind_int64(st, 1, s.id);
    sqlite3_bind_int64(st, 2, product_id);
    if ((rc = entx_exec_stmt(db, st)) == ENT_OK && sqlite3_changes(db->sql) == 0)
        rc = entx_fail(db, ENT_NOTFOUND, "supplier %s does not supply '%s'", s.code, ENT_CLIP(product, 40));
done:
    return entx_tx_end(db, rc);
}

int ent_supplier_items(ent_db *db, const char *supplier, ent_supplier_item_cb cb, void *ud)
{
    struct entx_supplier s = {.id = 0};
    int rc, sc;
    entx_ok(db);
    if (supplier && (rc = entx_supplier_find(db, &s, supplier)) != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(
        db, "SELECT s.code, p.gtin, p.sku, COALESCE(p.name_zh, p.name_en, ''), i.supplier_code, i.pack_size, "
            "i.last_price, s.currency FROM supplier_item i JOIN supplier s ON s.id = i.supplier_id "
            "JOIN product p ON p.id = i.product_id WHERE ?1 = 0 OR i.supplier_id = ?1 "
            "ORDER BY s.code COLLATE NOCASE, COALESCE(p.gtin, p.sku)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, s.id);
    rc = ENT_OK;
    while (rc == ENT_OK && (sc = sqlite3_step(st)) == SQLITE_ROW) {
        ent_supplier_item it;
        memset(&it, 0, sizeof it);
        entx_col_copy(st, it.supplier, sizeof it.supplier, 0);
        entx_col_copy(st, it.gtin, sizeof it.gtin, 1);
        it.sku = sqlite3_column_type(st, 2) == SQLITE_NULL ? "" : (const char *)sqlite3_column_text(st, 2);
        it.name = (const char *)sqlite3_column_text(st, 3);
        it.supplier_code = sqlite3_column_type(st, 4) == SQLITE_NULL ? "" : (const char *)sqlite3_column_text(st, 4);
        it.pack_size = sqlite3_column_int64(st, 5);
        it.priced = sqlite3_column_type(st, 6) != SQLITE_NULL;
        it.last_price = sqlite3_column_int64(st, 6);
        entx_col_copy(st, it.currency, sizeof it.currency, 7);
        rc = cb(&it, ud);
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading a supplier's commodities");
    sqlite3_reset(st);
    return rc;
}
