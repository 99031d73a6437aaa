/* Exchange rates and the landed cost of the lots of a customs declaration.
 * Integer minor units only; products and quotients in 128 bits, so that no
 * intermediate overflows; every charge's parts sum exactly to the charge. */
#include <stdlib.h>
#include <string.h>

#include "entrepot/country.h"
#include "csv_import.h"
#include "entrepot/csv.h"
#include "entrepot/money.h"
#include "entrepot/parse.h"
#include "entrepot/purchase.h"
#include "internal.h"
#include "purchase_internal.h"
#include "user_internal.h"

#define RATE_MAX (INT64_C(1000000) * ENT_RATE_SCALE) /* below a million store units for one */
#define CHARGE_MAX INT64_C(100000000000000)         /* 10^14 minor units: a typing slip beyond */
#define NUMBER_MAX 64
#define NCHARGES 6

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

static int rate_in_tx(ent_db *db, const char *currency, const char *day, const char *rate)
{
    char cur[ENT_CURRENCY_SIZE], mine[ENT_CURRENCY_SIZE], now[ENT_TIME_SIZE];
    int64_t r;
    int rc;
    if (entx_empty(currency) || ent_currency_parse(cur, currency) != ENT_OK)
        return entx_fail(db, ENT_INVALID, "%s", entx_empty(currency) ? "no currency given" : entx_why());
    if (entx_empty(day) || ent_date_check(NULL, day) != ENT_OK)
        return entx_fail_date(db, "rate date", day ? day : "");
    if (entx_empty(rate) || ent_decimal_parse(&r, rate, 6) != ENT_OK)
        return entx_fail(db, ENT_INVALID, "rate '%s' must be a decimal number such as 7.712345 (at most 6 decimals)",
                         ENT_CLIP(rate, 40));
    if (r == 0)
        return entx_fail(db, ENT_INVALID, "a rate of zero is not a rate: %s on %s", cur, day);
    if (r >= RATE_MAX)
        return entx_fail(db, ENT_INVALID, "rate '%s' is too large: below 1000000", ENT_CLIP(rate, 40));
    if ((rc = store_currency(db, mine)) != ENT_OK)
        return rc;
    if (strcmp(mine, cur) == 0)
        return entx_fail(db, ENT_INVALID, "%s is the store's own currency: its rate is always 1", cur);
    sqlite3_stmt *st = entx_stmt(db, "INSERT INTO exchange_rate(currency, day, rate, entered_at, entered_by) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (currency, day) DO UPDATE SET "
                                     "rate = ?3, entered_at = ?4, entered_by = ?5");
    if (st == NULL)
        return db->code;
    entx_now_utc(now);
    sqlite3_bind_text(st, 1, cur, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, day, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, r);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, entx_actor(db), -1, SQLITE_TRANSIENT);
    return entx_exec_stmt(db, st);
}

int ent_rate_set(ent_db *db, const char *currency, const char *day, const char *rate)
{
    entx_ok(db);
    int rc = entx_tx_begin(db);
    if (rc != ENT_OK)
        return rc;
    return entx_tx_end(db, rate_in_tx(db, currency, day, rate));
}

static int save_rate(ent_db *db, const char *const *v, size_t row, void *ud)
{
    (void)row, (void)ud;
    return rate_in_tx(db, v[0], v[1], v[2]);
}

int ent_rate_import_csv(ent_db *db, int64_t *imported, FILE *in)
{
    static const char *const names[] = {"currency", "day", "rate"};
    const struct entx_import k = {names, 3, 07, true, save_rate, NULL};
    entx_ok(db);
    return entx_import_csv(db, imported, in, &k);
}

int ent_rate_each(ent_db *db, const char *currency, ent_rate_cb cb, void *ud)
{
    char cur[ENT_CURRENCY_SIZE] = "";
    entx_ok(db);
    if (currency && ent_currency_parse(cur, currency) != ENT_OK)
        return entx_fail(db, ENT_INVALID, "%s", entx_why());
    sqlite3_stmt *st = entx_stmt(db, "SELECT currency, day, rate, entered_by FROM exchange_rate "
                                     "WHERE ?1 = '' OR currency = ?1 ORDER BY currency, day");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, cur, -1, SQLITE_TRANSIENT);
    int sc, rc = ENT_OK;
    while (rc == ENT_OK && (sc = sqlite3_step(st)) == SQLITE_ROW) {
        ent_rate r;
        entx_col_copy(st, r.currency, sizeof r.currency, 0);
        entx_col_copy(st, r.day, sizeof r.day, 1);
        r.rate = sqlite3_column_int64(st, 2);
        r.entered_by = (const char *)sqlite3_column_text(st, 3);
        rc = cb(&r, ud);
    }
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading exchange rates");
    sqlite3_reset(st);
    return rc;
}

/* ---- declarations --------------------------------------------------------- */

static const char *const charge_names[NCHARGES] = {"duty", "import_vat", "consumption_tax", "freight", "insurance", "other"};

static int declaration_in_tx(ent_db *db, const ent_declaration_fields *f)
{
    const char *given[NCHARGES] = {f->duty, f->import_vat, f->consumption_tax, f->freight, f->insurance, f->other};
    int64_t v[NCHARGES] = {0};
    char cur[ENT_CURRENCY_SIZE], now[ENT_TIME_SIZE];
    int rc;
    if (entx_empty(f->number))
        return entx_fail(db, ENT_INVALID, "no declaration number given");
    if ((rc = entx_check_text(db, "declaration number", f->number, NUMBER_MAX, true)) != ENT_OK)
        return rc;
    if (f->date && ent_date_check(NULL, f->date) != ENT_OK)
        return entx_fail_date(db, "declaration date", f->date);
    if (f->basis && strcmp(f->basis, "value") != 0 && strcmp(f->basis, "weight") != 0 &&
        strcmp(f->basis, "quantity") != 0)
        return entx_fail(db, ENT_INVALID, "basis '%s' must be value, weight or quantity", ENT_CLIP(f->basis, 40));
    if ((rc = store_currency(db, cur)) != ENT_OK)
        return rc;
    for (int i = 0; i < NCHARGES; i++) {
        if (given[i] == NULL)
            continue;
        if (ent_money_parse(&v[i], given[i], cur) != ENT_OK)
            return entx_fail(db, ENT_INVALID, "%s: %s", charge_names[i], entx_why());
        if (v[i] < 0 || v[i] > CHARGE_MAX)
            return entx_fail(db, ENT_INVALID, "%s '%s' must be from 0 to 1000000000000 %s", charge_names[i],
                             ENT_CLIP(given[i], 40), cur);
    }
    sqlite3_stmt *st = entx_stmt(db, "SELECT 1 FROM declaration WHERE number = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, f->number, -1, SQLITE_STATIC);
    bool exists = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    if (!exists && f->date == NULL)
        return entx_fail(db, ENT_INVALID, "declaration %s is new: give its date", ENT_CLIP(f->number, 40));
    st = entx_stmt(db, "INSERT INTO declaration(number, day, duty, import_vat, consumption_tax, freight, insurance, "
                       "other, basis, changed_at, changed_by) VALUES (?1, COALESCE(?2, (SELECT day FROM declaration WHERE number = ?1)), COALESCE(?3, 0), COALESCE(?4, 0), "
                       "COALESCE(?5, 0), COALESCE(?6, 0), COALESCE(?7, 0), COALESCE(?8, 0), COALESCE(?9, 'value'), "
                       "?10, ?11) ON CONFLICT (number) DO UPDATE SET day = COALESCE(?2, day), "
                       "duty = COALESCE(?3, duty), import_vat = COALESCE(?4, import_vat), "
                       "consumption_tax = COALESCE(?5, consumption_tax), freight = COALESCE(?6, freight), "
                       "insurance = COALESCE(?7, insurance), other = COALESCE(?8, other), "
                       "basis = COALESCE(?9, basis), changed_at = ?10, changed_by = ?11");
    if (st == NULL)
        return db->code;
    entx_now_utc(now);
    sqlite3_bind_text(st, 1, f->number, -1, SQLITE_STATIC);
    entx_bind_text_or_null(st, 2, f->date);
    for (int i = 0; i < NCHARGES; i++)
        if (given[i])
            sqlite3_bind_int64(st, 3 + i, v[i]);
    entx_bind_text_or_null(st, 9, f->basis);
    sqlite3_bind_text(st, 10, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 11, entx_actor(db), -1, SQLITE_TRANSIENT);
    return entx_exec_stmt(db, st);
}

int ent_declaration_set(ent_db *db, const ent_declaration_fields *fields)
{
    entx_ok(db);
    if (fields == NULL)
        return entx_fail(db, ENT_INVALID, "no declaration given");
    int rc = entx_tx_begin(db);
    if (rc != ENT_OK)
        return rc;
    return entx_tx_end(db, declaration_in_tx(db, fields));
}
