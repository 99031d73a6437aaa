/*
 * entrepot serve — the catalogue (right "catalog": managers): add, edit,
 * retire and unretire a commodity, CSV import and export, a commodity's
 * history (its price history with who changed it); locations: list, add,
 * edit. Writes run on the writer; the library records the user
 * (product_change, the location's added/changed by).
 */
#define _GNU_SOURCE /* open_memstream */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "routes_ext.h"

/* ---- commodity fields from JSON --------------------------------------- */

/* Money and rates travel as whole numbers, as the read routes give them
 * (price in minor units, tax_rate_bp in basis points); the library takes
 * the text a person would type, so they are written out here. */
static const struct field product_fields[] = {
    {"gtin", F_STRING, 0},        {"sku", F_STRING, 0},        {"name_zh", F_STRING, 0},  {"name_en", F_STRING, 0},
    {"brand", F_STRING, 0},       {"origin", F_STRING, 0},     {"hs_code", F_STRING, 0},  {"unit", F_STRING, 0},
    {"net_content", F_STRING, 0}, {"price", F_INT, 0},         {"currency", F_STRING, 0}, {"tax_rate_bp", F_INT, 0},
    {"importer", F_STRING, 0},    {"reorder_point", F_INT, 0}, {"storage", F_STRING, 0},  {"shelf_life_days", F_INT, 0},
    {"retired", F_BOOL, 0},       {"sell_unit", F_STRING, 0},  {"food_kind", F_STRING, 0}, {"ingredients", F_STRING, 0},
    {"allergens", F_STRING, 0},   {"abv_hundredths", F_INT, 0}, {"energy_kj", F_INT, 0}, {"protein_dg", F_INT, 0},
    {"fat_dg", F_INT, 0},         {"carbohydrate_dg", F_INT, 0}, {"sodium_mg", F_INT, 0}, {NULL, F_STRING, 0},
};

struct pfields {
    ent_product_fields f;
    char price[32], tax[32], reorder[32], shelf[32], abv[32], nut[5][32];
};

static const char *whole_of(json_t *b, const char *name, int edit, char *buf, size_t len);

/* A whole number scaled by 10^scale as the library's text ("63", 1 -> "6.3"):
 * absent NULL; null "" on an edit (clears it). */
static const char *scaled_of(json_t *b, const char *name, int edit, int scale, char *buf, size_t len)
{
    json_t *v = json_object_get(b, name);
    if (!json_is_integer(v))
        return whole_of(b, name, edit, buf, len);
    int n = ent_decimal_format(buf, len, json_integer_value(v), scale);
    return n >= 0 && (size_t)n < len ? buf : NULL;
}

/* A text member: absent NULL; null "" on an edit (clears it), NULL on an add. */
static const char *text_of(json_t *b, const char *name, int edit)
{
    json_t *v = json_object_get(b, name);
    if (v == NULL || (json_is_null(v) && !edit))
        return NULL;
    return json_is_null(v) ? "" : json_string_value(v);
}

static const char *whole_of(json_t *b, const char *name, int edit, char *buf, size_t len)
{
    json_t *v = json_object_get(b, name);
    if (v == NULL || (json_is_null(v) && !edit))
        return NULL;
    if (json_is_null(v))
        return "";
    snprintf(buf, len, "%lld", (long long)json_integer_value(v));
    return buf;
}

/* The currency a price is in: the one given, else the commodity's (edit),
 * else the store's. */
static int price_digits(ent_db *db, json_t *b, const char *code, int *digits)
{
    char cur[ENT_CURRENCY_SIZE] = "";
    const char *given = json_str(b, "currency");
    int rc = ENT_OK;
    if (given) {
        snprintf(cur, sizeof cur, "%s", given);
    } else if (code) {
        ent_product *p = NULL;
        rc = ent_product_find(db, &p, NULL, code);
        if (rc == ENT_OK)
            snprintf(cur, sizeof cur, "%s", p->currency);
        ent_product_free(p);
    } else {
        ent_store *s = NULL;
        rc = ent_store_get(db, &s);
        if (rc == ENT_OK)
            snprintf(cur, sizeof cur, "%s", s->currency);
        ent_store_free(s);
    }
    const ent_currency *c = NULL;
    *digits = 2;
    if (rc == ENT_OK && ent_currency_lookup(&c, cur) == ENT_OK)
        *digits = c->digits;
    return rc; /* an unknown currency is the library's to refuse, by name */
}

/* value / 10^scale as text into buf: buf, or NULL when it does not fit. */
static const char *scaled(char *buf, size_t len, int64_t value, int scale)
{
    int n = ent_decimal_format(buf, len, value, scale);
    return n >= 0 && (size_t)n < len ? buf : NULL;
}

static int fill_fields(ent_db *db, struct pfields *pf, json_t *b, const char *code)
{
    int edit = code != NULL, digits = 2;
    ent_product_fields *f = &pf->f;
    f->gtin = text_of(b, "gtin", edit);
    f->sku = text_of(b, "sku", edit);
    f->name_zh = text_of(b, "name_zh", edit);
    f->name_en = text_of(b, "name_en", edit);
    f->brand = text_of(b, "brand", edit);
    f->origin = text_of(b, "origin", edit);
    f->hs_code = text_of(b, "hs_code", edit);
    f->unit = text_of(b, "unit", edit);
    f->net_content = text_of(b, "net_content", edit);
    f->currency = text_of(b, "currency", edit);
    f->importer = text_of(b, "importer", edit);
    f->storage = text_of(b, "storage", edit);
    f->sell_unit = text_of(b, "sell_unit", edit);
    /* the back label: amounts as whole numbers of their smallest step */
    f->food_kind = text_of(b, "food_kind", edit);
    f->ingredients = text_of(b, "ingredients", edit);
    f->allergens = text_of(b, "allergens", edit);
    f->abv = scaled_of(b, "abv_hundredths", edit, 2, pf->abv, sizeof pf->abv);
    f->energy_kj = scaled_of(b, "energy_kj", edit, 0, pf->nut[0], sizeof pf->nut[0]);
    f->protein = scaled_of(b, "protein_dg", edit, 1, pf->nut[1], sizeof pf->nut[1]);
    f->fat = scaled_of(b, "fat_dg", edit, 1, pf->nut[2], sizeof pf->nut[2]);
    f->carbohydrate = scaled_of(b, "carbohydrate_dg", edit, 1, pf->nut[3], sizeof pf->nut[3]);
    f->sodium = scaled_of(b, "sodium_mg", edit, 0, pf->nut[4], sizeof pf->nut[4]);
    f->reorder_point = whole_of(b, "reorder_point", edit, pf->reorder, sizeof pf->reorder);
    f->shelf_life_days = whole_of(b, "shelf_life_days", edit, pf->shelf, sizeof pf->shelf);
    json_t *tax = json_object_get(b, "tax_rate_bp");
    if (json_is_integer(tax))
        f->tax_rate = scaled(pf->tax, sizeof pf->tax, json_integer_value(tax), 2);
    else
        f->tax_rate = whole_of(b, "tax_rate_bp", edit, pf->tax, sizeof pf->tax); /* null: "" (refused) */
    json_t *price = json_object_get(b, "price");
    if (json_is_integer(price)) {
        int rc = price_digits(db, b, code, &digits);
        if (rc != ENT_OK)
            return rc;
        f->price = scaled(pf->price, sizeof pf->price, json_integer_value(price), digits);
    } else {
        f->price = text_of(b, "price", edit); /* null on an edit: unpriced */
    }
    return ENT_OK;
}

static int check_product(struct reply *out, json_t *body, const char *where)
{
    if (json_check(out, body, product_fields, where) != 0)
        return -1;
    json_t *price = json_object_get(body, "price");
    if (json_is_integer(price) && json_integer_value(price) < 0) {
        reply_error(out, 422, "invalid", "price", "'price' is in minor units, 0 or more, not %lld",
                    (long long)json_integer_value(price));
        return -1;
    }
    return 0;
}

/* ---- add, edit, retire --------------------------------------------------- */

static int run_product_add(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    struct pfields pf = {0};
    if (xact_as(db, job) != 0)
        return 0;
    int rc = fill_fields(db, &pf, xbody(job), NULL);
    if (rc == ENT_OK)
        rc = ent_product_add(db, &pf.f);
    const char *code = pf.f.gtin && pf.f.gtin[0] ? pf.f.gtin : pf.f.sku;
    ent_product *p = NULL;
    if (rc == ENT_OK && code)
        rc = ent_product_find(db, &p, NULL, code);
    json_t *o = json_object();
    if (p) {
        json_object_set_new(o, "gtin", xjstr(p->gtin));
        json_object_set_new(o, "sku", xjstr(p->sku));
    }
    ent_product_free(p);
    xanswer(&job->reply, db, rc, 201, o);
    return 0;
}

int route_product_add(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    if (check_product(out, body, "a commodity") != 0)
        return 0;
    if (json_object_get(body, "retired")) {
        reply_error(out, 422, "unknown_field", "retired", "a new commodity has no field 'retired'");
        return 0;
    }
    return xqueue(r, body, NULL, run_product_add, out);
}

static int run_product_edit(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    struct pfields pf = {0};
    json_t *b = xbody(job), *retired = json_object_get(b, "retired");
    const char *code = xtail(job);
    int rc;
    if (xact_as(db, job) != 0)
        return 0;
    if (json_is_boolean(retired))
        rc = json_is_true(retired) ? ent_product_retire(db, code) : ent_product_unretire(db, code);
    else if ((rc = fill_fields(db, &pf, b, code)) == ENT_OK)
        rc = ent_product_edit(db, code, &pf.f);
    xanswer(&job->reply, db, rc, 200, json_pack("{s:b}", "changed", 1));
    /* Clients showing prices refetch on this (published after the commit). */
    if (rc == ENT_OK && (json_object_get(b, "price") || json_is_boolean(retired)))
        srv_job_event(job, "price", json_pack("{s:s}", "product", code));
    return 0;
}

int route_product_edit(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    if (xtail_text(tail, "code", out) != 0 || check_product(out, body, "a change of a commodity") != 0)
        return 0;
    /* Retiring is a call of its own: with other changes in the same request
     * it could not be all or nothing. */
    if (json_object_get(body, "retired") && json_object_size(body) > 1) {
        reply_error(out, 422, "invalid", "retired", "'retired' comes alone, without other changes");
        return 0;
    }
    return xqueue(r, body, tail, run_product_edit, out);
}

static int run_product_retire(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    if (xact_as(db, job) != 0)
        return 0;
    int rc = ent_product_retire(db, xtail(job));
    xanswer(&job->reply, db, rc, 200, json_pack("{s:b}", "retired", 1));
    return 0;
}

int route_product_retire(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body;
    if (xtail_text(tail, "code", out) != 0)
        return 0;
    return xqueue(r, NULL, tail, run_product_retire, out);
}

/* ---- history ------------------------------------------------------------- */

static int add_change(const ent_product_change *c, void *ud)
{
    json_t *o = json_object();
    json_object_set_new(o, "at", xjstr(c->at));
    json_object_set_new(o, "user", xjstr(c->user));
    json_object_set_new(o, "field", xjstr(c->field));
    json_object_set_new(o, "old", xjstr(c->old_value));
    json_object_set_new(o, "new", xjstr(c->new_value));
    json_array_append_new(ud, o);
    return 0;
}

int route_product_history(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body;
    const char *field;
    ent_db *db = srv_reader(out);
    if (db == NULL || xtail_text(tail, "code", out) != 0 || xarg_text(r, "field", &field, out) != 0)
        return 0;
    json_t *rows = json_array();
    int rc = ent_product_history(db, tail, field, add_change, rows);
    xanswer(out, db, rc, 200, json_pack("{s:o}", "changes", rows));
    return 0;
}

/* ---- CSV ----------------------------------------------------------------- */

int route_catalog_export(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)r, (void)body, (void)tail;
    char *buf = NULL;
    size_t len = 0;
    ent_db *db = srv_reader(out);
    if (db == NULL)
        return 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL) {
        reply_error(out, 500, "error", NULL, "out of memory");
        return 0;
    }
    int rc = ent_product_export_csv(db, f);
    if (fclose(f) != 0 && rc == ENT_OK)
        rc = ENT_ERROR;
    if (rc != ENT_OK) {
        free(buf);
        reply_ent(out, db, rc);
        return 0;
    }
    out->status = 200;
    out->text = buf;
    out->text_len = len;
    out->ctype = "text/csv; charset=utf-8";
    return 0;
}

static int run_catalog_import(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    return xrun_csv(db, job, &(struct xcsv_import){.run_update = ent_product_import_csv, .count = "imported"});
}

static int run_catalog_update(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    return xrun_csv(db, job,
                    &(struct xcsv_import){.run_update = ent_product_import_csv, .update = true, .count = "imported"});
}

int route_catalog_import(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)body, (void)tail;
    int64_t update;
    if (xarg_whole(r, "update", 0, 1, 0, &update, out) != 0)
        return 0;
    return xqueue_csv(r, update ? run_catalog_update : run_catalog_import, out);
}

/* ---- locations ----------------------------------------------------------- */

static int add_location(const ent_location *l, void *ud)
{
    json_array_append_new(ud, json_pack("{s:s, s:s, s:o, s:I, s:I}", "code", l->code, "kind", l->kind, "name",
                                        xjstr(l->name), "units", (json_int_t)l->units, "lots", (json_int_t)l->lots));
    return 0;
}

int route_locations(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)r, (void)body, (void)tail;
    ent_db *db = srv_reader(out);
    if (db == NULL)
        return 0;
    json_t *rows = json_array();
    int rc = ent_location_each(db, add_location, rows);
    xanswer(out, db, rc, 200, json_pack("{s:o}", "locations", rows));
    return 0;
}

/* ---- countries ----------------------------------------------------------- */

/* GET countries: every ISO 3166-1 country with its names, from iso-codes as
 * the labels print them (origin_zh, origin_en), so that a page shows 意大利
 * beside IT in the same words as the shelf label. */
int route_countries(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)r, (void)body, (void)tail;
    const ent_country *probe = NULL;
    if (ent_country_lookup(&probe, "CN") == ENT_ERROR) {
        reply_error(out, 500, "error", NULL, "%s", ent_error_last()->message);
        return 0;
    }
    json_t *rows = json_array();
    for (size_t i = 0, n = ent_country_count(); i < n; i++) {
        const ent_country *c = ent_country_at(i);
        json_array_append_new(rows, json_pack("{s:s, s:s, s:s}", "code", c->alpha2, "name_en", c->name_en, "name_zh",
                                              c->name_zh));
    }
    reply_json(out, 200, json_pack("{s:o}", "countries", rows));
    return 0;
}

/* GET currencies: every active ISO 4217 currency with its minor unit (0 for
 * JPY, 2 for CNY, 3 for KWD), from the library's one table: the web app
 * writes and reads each amount with its currency's own decimals, as the
 * CLI does, instead of two for every currency. */
int route_currencies(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)r, (void)body, (void)tail;
    const ent_currency *probe = NULL;
    if (ent_currency_lookup(&probe, "CNY") == ENT_ERROR) {
        reply_error(out, 500, "error", NULL, "%s", ent_error_last()->message);
        return 0;
    }
    json_t *rows = json_array();
    for (size_t i = 0, n = ent_currency_count(); i < n; i++) {
        const ent_currency *c = ent_currency_at(i);
        json_array_append_new(rows, json_pack("{s:s, s:i, s:s}", "code", c->alpha3, "digits", c->digits, "name_en",
                                              c->name_en ? c->name_en : ""));
    }
    reply_json(out, 200, json_pack("{s:o}", "currencies", rows));
    return 0;
}

static const struct field location_add_fields[] = {
    {"code", F_STRING, 1}, {"kind", F_STRING, 0}, {"name", F_STRING, 0}, {NULL, F_STRING, 0}};

static int run_location_add(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    json_t *b = xbody(job);
    if (xact_as(db, job) != 0)
        return 0;
    int rc = ent_location_add(db, json_str(b, "code"), json_str(b, "kind"), json_str(b, "name"));
    xanswer(&job->reply, db, rc, 201, json_pack("{s:s}", "code", json_str(b, "code")));
    return 0;
}

int route_location_add(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    (void)tail;
    if (json_check(out, body, location_add_fields, "a location") != 0)
        return 0;
    return xqueue(r, body, NULL, run_location_add, out);
}

static const struct field location_edit_fields[] = {{"code", F_STRING, 0}, {"name", F_STRING, 0}, {NULL, F_STRING, 0}};

static int run_location_edit(ent_db *db, ent_journal *j, struct job *job)
{
    (void)j;
    json_t *b = xbody(job), *name = json_object_get(b, "name");
    if (xact_as(db, job) != 0)
        return 0;
    int rc = ent_location_edit(db, xtail(job), json_str(b, "code"), json_is_null(name) ? "" : json_str(b, "name"));
    xanswer(&job->reply, db, rc, 200, json_pack("{s:b}", "changed", 1));
    return 0;
}

int route_location_edit(struct req *r, json_t *body, const char *tail, struct reply *out)
{
    if (xtail_text(tail, "code", out) != 0 || json_check(out, body, location_edit_fields, "a change of a location"))
        return 0;
    return xqueue(r, body, tail, run_location_edit, out);
}
