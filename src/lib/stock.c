/* Stock: lots, the append-only ledger and balances, moves (locations: location.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/catalog.h"
#include "entrepot/country.h"
#include "entrepot/csv.h"
#include "entrepot/money.h"
#include "entrepot/stock.h"
#include "catalog_internal.h"
#include "internal.h"
#include "user_internal.h"
#include "reprint.h"
#include "stock_internal.h"

#define NOTE_MAX 500

/* ---- lots --------------------------------------------------------------- */

static const char lot_cols_sql[] = "SELECT " ENTX_LOT_COLS " FROM lot l WHERE l.product_id = ? AND l.code = ?";

int entx_lot_from_row(ent_db *db, sqlite3_stmt *st, int col, ent_lot **out)
{
    *out = NULL;
    ent_lot *l = calloc(1, sizeof *l);
    if (l == NULL)
        return entx_fail(db, ENT_ERROR, "out of memory");
    l->id = sqlite3_column_int64(st, col);
    l->product_id = sqlite3_column_int64(st, col + 1);
    entx_col_copy(st, l->uuid, sizeof l->uuid, col + 2);
    l->code = entx_col_strdup(st, col + 3);
    l->declaration = entx_col_strdup(st, col + 4);
    l->supplier = entx_col_strdup(st, col + 5);
    entx_col_copy(st, l->origin, sizeof l->origin, col + 6);
    entx_col_copy(st, l->import_date, sizeof l->import_date, col + 7);
    entx_col_copy(st, l->production_date, sizeof l->production_date, col + 8);
    entx_col_copy(st, l->expiry, sizeof l->expiry, col + 9);
    l->unit_cost = sqlite3_column_type(st, col + 10) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, col + 10);
    entx_col_copy(st, l->cost_currency, sizeof l->cost_currency, col + 11);
    l->on_hand = sqlite3_column_int64(st, col + 12);
    *out = l;
    return ENT_OK;
}

static int read_lot(ent_db *db, int64_t product_id, const char *code, ent_lot **out)
{
    *out = NULL;
    sqlite3_stmt *st = entx_stmt(db, lot_cols_sql);
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, product_id);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
    int sc = sqlite3_step(st), rc = ENT_OK;
    if (sc == SQLITE_ROW)
        rc = entx_lot_from_row(db, st, 0, out);
    else if (sc == SQLITE_DONE)
        rc = ENT_NOTFOUND;
    else
        rc = entx_fail_sql(db, "reading a lot");
    sqlite3_reset(st);
    return rc;
}

static int lot_not_found(ent_db *db, int64_t product_id, const char *code)
{
    char label[ENT_PRODUCT_LABEL_SIZE], shown[80];
    entx_product_label(db, label, sizeof label, product_id);
    return entx_fail(db, ENT_NOTFOUND, "%s has no lot '%s'", label, ent_text_clip(shown, sizeof shown, code, 40));
}

int ent_lot_find_id(ent_db *db, ent_lot **out, int64_t product_id, const char *lot_code)
{
    entx_ok(db);
    *out = NULL;
    if (entx_empty(lot_code))
        return entx_fail(db, ENT_INVALID, "no lot given");
    int rc = read_lot(db, product_id, lot_code, out);
    return rc == ENT_NOTFOUND ? lot_not_found(db, product_id, lot_code) : rc;
}

int ent_lot_find(ent_db *db, ent_lot **out, const char *product, const char *lot_code)
{
    int64_t pid;
    *out = NULL;
    int rc = ent_product_id(db, &pid, NULL, product);
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
    sqlite3_stmt *st = entx_stmt(db,
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
    sqlite3_stmt *st = entx_stmt(db, "SELECT qty FROM stock_balance WHERE lot_id = ? AND location_id = ?");
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

int entx_stock_apply(ent_db *db, const struct stock_move *m)
{
    sqlite3_stmt *st;
    char uuid[ENT_UUID_SIZE], now[ENT_TIME_SIZE];
    int rc;
    if (m->delta == 0)
        return entx_fail(db, ENT_INVALID, "quantity must not be zero");
    if (m->delta == INT64_MIN || m->delta > ENT_STOCK_BALANCE_MAX || -m->delta > ENT_STOCK_BALANCE_MAX)
        return entx_fail(db, ENT_INVALID, "quantity %lld is beyond the most one lot may hold at one place (%lld)",
                         (long long)m->delta, ENT_STOCK_BALANCE_MAX);
    if (m->delta > 0) {
        /* The bound is part of the guarded update, so the balance can never
         * pass it, whoever adds to it (receipts, returns, counts). */
        st = entx_stmt(db, "INSERT INTO stock_balance(lot_id, location_id, product_id, qty) VALUES (?1, ?2, ?3, ?4) "
                          "ON CONFLICT(lot_id, location_id) DO UPDATE SET qty = qty + excluded.qty "
                          "WHERE qty <= ?5 - excluded.qty");
        if (st == NULL)
            return db->code;
        sqlite3_bind_int64(st, 1, m->lot_id);
        sqlite3_bind_int64(st, 2, m->location_id);
        sqlite3_bind_int64(st, 3, m->product_id);
        sqlite3_bind_int64(st, 4, m->delta);
        sqlite3_bind_int64(st, 5, ENT_STOCK_BALANCE_MAX);
        if ((rc = entx_exec_stmt(db, st)) != ENT_OK)
            return rc;
        if (sqlite3_changes(db->sql) != 1) {
            char what[400];
            describe(db, m->product_id, m->lot_id, m->location_id, what, sizeof what);
            return entx_fail(db, ENT_REFUSED,
                             "%s has %lld on hand: %lld more would pass the most one lot may hold "
                             "at one place (%lld)",
                             what, (long long)on_hand(db, m->lot_id, m->location_id), (long long)m->delta,
                             ENT_STOCK_BALANCE_MAX);
        }
    } else {
        /* The guard: the row changes only when enough is there, so two
         * counters can never both take the last unit. */
        st = entx_stmt(db, "UPDATE stock_balance SET qty = qty + ?1 WHERE lot_id = ?2 AND location_id = ?3 AND qty >= ?4");
        if (st == NULL)
            return db->code;
        sqlite3_bind_int64(st, 1, m->delta);
        sqlite3_bind_int64(st, 2, m->lot_id);
        sqlite3_bind_int64(st, 3, m->location_id);
        sqlite3_bind_int64(st, 4, -m->delta);
        if ((rc = entx_exec_stmt(db, st)) != ENT_OK)
            return rc;
        if (sqlite3_changes(db->sql) != 1) {
            char what[400];
            describe(db, m->product_id, m->lot_id, m->location_id, what, sizeof what);
            return entx_fail(db, ENT_NOSTOCK, "not enough stock: %s has %lld on hand, %lld asked", what,
                             (long long)on_hand(db, m->lot_id, m->location_id), (long long)-m->delta);
        }
    }
    st = entx_stmt(db, "INSERT INTO stock_move(uuid, batch, at, kind, product_id, lot_id, location_id, qty, reason, "
                      "note, user) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (st == NULL)
        return db->code;
    entx_uuid_new_ordered(uuid);
    entx_now_utc(now);
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, m->batch, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, m->kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, m->product_id);
    sqlite3_bind_int64(st, 6, m->lot_id);
    sqlite3_bind_int64(st, 7, m->location_id);
    sqlite3_bind_int64(st, 8, m->delta);
    entx_bind_text_or_null(st, 9, m->reason);
    entx_bind_text_or_null(st, 10, m->note);
    /* Not named by the caller: whoever the handle acts for (ent_user_act_as). */
    sqlite3_bind_text(st, 11, entx_empty(m->user) ? entx_actor(db) : m->user, -1, SQLITE_TRANSIENT);
    return entx_exec_stmt(db, st);
}

/* ---- receiving ---------------------------------------------------------- */

/* The last day a date can name (YYYY-MM-DD has four digits of year). */
#define LAST_DAY 2932896 /* 9999-12-31 in days since 1970-01-01 */

/* What a receipt resolves before it writes: defaults filled in, the expiry
 * worked out from the shelf life. */
struct resolved {
    char origin[ENT_COUNTRY_SIZE], import_date[ENT_DATE_SIZE], expiry[ENT_DATE_SIZE], cost_currency[ENT_CURRENCY_SIZE];
};

static int check_date(ent_db *db, const char *field, const char *s, int32_t *days)
{
    if (entx_date_parse(days, s) != ENT_OK)
        return entx_fail_date(db, field, s);
    return ENT_OK;
}

/* Today as days since 1970 in UTC, plus one: the date is already tomorrow
 * somewhere east of Greenwich (UTC+14 at most), and a receipt dated today
 * in the store's time zone must pass. */
static int32_t latest_today(void)
{
    char now[ENT_TIME_SIZE];
    int32_t d = 0;
    entx_now_utc(now);
    now[10] = '\0';
    if (entx_date_parse(&d, now) != ENT_OK)
        return LAST_DAY;
    return d + 1;
}

/* A lot that exists must agree with what is received now. */
static int lot_agrees(ent_db *db, const ent_lot *l, const char *field, const char *have, const char *given)
{
    if (entx_empty(given) || strcmp(have ? have : "", given) == 0)
        return ENT_OK;
    return entx_fail(db, ENT_INVALID, "lot %s already exists with %s %s, not %s", l->code, field,
                    have && *have ? have : "(none)", given);
}

/* Bytes of the UTF-8 character that starts with byte c (the text is valid). */
static size_t utf8_len(unsigned char c)
{
    return c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
}

/*
 * Lot codes go into barcodes as GS1 AI (10): 1 to 20 characters of GS1
 * character set 82. Checked at receiving, not when a label is printed
 * months later. The message shows the whole offending character.
 */
static int check_lot_code(ent_db *db, const char *code)
{
    static const char cset82[] = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
    int rc = entx_check_text(db, "lot", code, 200, true);
    if (rc != ENT_OK)
        return rc;
    size_t chars = 0;
    for (const char *p = code; *p; chars++) {
        size_t n = utf8_len((unsigned char)*p);
        if (n > 1 || strchr(cset82, *p) == NULL)
            return entx_fail(db, ENT_INVALID,
                            "lot code '%s' holds '%.*s' (character %zu), which a barcode cannot "
                            "carry: use A-Z a-z 0-9 and ! \" %% & ' ( ) * + , - . / : ; < = > ? _",
                            ENT_CLIP(code, 60), (int)n, p, chars + 1);
        p += n;
    }
    if (chars > ENT_LOT_CODE_MAX)
        return entx_fail(db, ENT_INVALID, "lot code '%s' has %zu characters: at most %d fit a barcode",
                        ENT_CLIP(code, 60), chars, ENT_LOT_CODE_MAX);
    return ENT_OK;
}

/* A field that is given must not be empty: "" is never taken as "use the default". */
static int given_empty(ent_db *db, const ent_receive *r)
{
    const struct {
        const char *name, *value;
    } f[] = {{"product", r->product},
             {"lot code", r->lot},
             {"origin country", r->origin},
             {"customs declaration", r->declaration},
             {"import date", r->import_date},
             {"production date", r->production_date},
             {"expiry", r->expiry},
             {"supplier", r->supplier},
             {"cost currency", r->cost_currency},
             {"location", r->location},
             {"user", r->user},
             {"note", r->note}};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        if (f[i].value && f[i].value[0] == '\0')
            return entx_fail(db, ENT_INVALID, "the %s is empty: give a value or leave it out", f[i].name);
    return ENT_OK;
}

static int resolve_origin(ent_db *db, const ent_receive *r, const ent_product *p, char origin[ENT_COUNTRY_SIZE])
{
    const char *o = r->origin ? r->origin : p->origin;
    if (entx_empty(o))
        return entx_fail_hint(db, ENT_INVALID, ENT_HINT_ORIGIN, "the origin country of the lot is required");
    const ent_country *c = NULL;
    int rc = ent_country_lookup(&c, o);
    if (rc == ENT_ERROR)
        return entx_fail(db, ENT_ERROR, "%s", entx_why());
    char shown[64];
    if (rc != ENT_OK)
        return entx_fail(db, ENT_INVALID, "origin '%s' is not an ISO 3166-1 country code",
                        ent_text_clip(shown, sizeof shown, o, 40));
    memcpy(origin, c->alpha2, 3);
    return ENT_OK;
}

/*
 * Import, production and expiry dates: none in the future but the expiry,
 * in order, and the expiry worked out as production date + shelf life when
 * the commodity has one and the expiry is not given (never later than that
 * when it is).
 */
static int resolve_dates(ent_db *db, const ent_receive *r, const ent_product *p, struct resolved *out)
{
    int32_t imp = 0, prod = 0, exp = 0, latest = latest_today();
    int rc;
    if (r->import_date == NULL) {
        char now[ENT_TIME_SIZE];
        entx_now_utc(now);
        snprintf(out->import_date, sizeof out->import_date, "%.10s", now);
    } else {
        snprintf(out->import_date, sizeof out->import_date, "%.10s", r->import_date);
    }
    if ((rc = check_date(db, "import date", r->import_date ? r->import_date : out->import_date, &imp)) != ENT_OK)
        return rc;
    if (r->production_date && (rc = check_date(db, "production date", r->production_date, &prod)) != ENT_OK)
        return rc;
    if (r->expiry && (rc = check_date(db, "expiry", r->expiry, &exp)) != ENT_OK)
        return rc;
    if (imp > latest)
        return entx_fail(db, ENT_INVALID, "import date %s is in the future", out->import_date);
    if (r->production_date && prod > latest)
        return entx_fail(db, ENT_INVALID, "production date %s is in the future", r->production_date);
    if (r->production_date && prod > imp)
        return entx_fail(db, ENT_INVALID, "production date %s is after the import date %s", r->production_date,
                        out->import_date);
    if (r->expiry && exp < imp)
        return entx_fail(db, ENT_INVALID, "expiry %s is before the import date %s", r->expiry, out->import_date);
    if (r->expiry && r->production_date && exp < prod)
        return entx_fail(db, ENT_INVALID, "expiry %s is before the production date %s", r->expiry, r->production_date);
    out->expiry[0] = '\0';
    if (r->expiry)
        snprintf(out->expiry, sizeof out->expiry, "%s", r->expiry);
    if (p->shelf_life_days <= 0)
        return ENT_OK;
    char label[ENT_PRODUCT_LABEL_SIZE];
    if (r->production_date == NULL && r->expiry == NULL) {
        /* More of a known lot: its dates are already on record. */
        ent_lot *known = NULL;
        int found = r->lot && read_lot(db, p->id, r->lot, &known) == ENT_OK;
        ent_lot_free(known);
        if (found)
            return ENT_OK;
        entx_product_label(db, label, sizeof label, p->id);
        return entx_fail(db, ENT_INVALID, "%s keeps %d days: give the lot's production date or its expiry", label,
                        (int)p->shelf_life_days);
    }
    if (r->production_date == NULL)
        return ENT_OK;
    int32_t until = prod + p->shelf_life_days;
    if (until > LAST_DAY)
        return entx_fail(db, ENT_INVALID, "production date %s plus a shelf life of %d days is past 9999-12-31",
                        r->production_date, (int)p->shelf_life_days);
    char until_s[ENT_DATE_SIZE];
    entx_date_from_days(until_s, until);
    if (r->expiry && exp > until) {
        entx_product_label(db, label, sizeof label, p->id);
        return entx_fail(db, ENT_INVALID,
                        "expiry %s is later than production date %s plus the shelf life of %s "
                        "(%d days: %s)",
                        r->expiry, r->production_date, label, (int)p->shelf_life_days, until_s);
    }
    if (r->expiry == NULL && until < imp)
        return entx_fail(db, ENT_INVALID, "expiry %s (production date %s + %d days) is before the import date %s",
                        until_s, r->production_date, (int)p->shelf_life_days, out->import_date);
    if (r->expiry == NULL)
        memcpy(out->expiry, until_s, sizeof until_s);
    return ENT_OK;
}

static int resolve_cost(ent_db *db, const ent_receive *r, const ent_product *p, char cost_currency[ENT_CURRENCY_SIZE])
{
    cost_currency[0] = '\0';
    if (r->unit_cost > ENT_STOCK_COST_MAX)
        return entx_fail(db, ENT_INVALID, "unit cost %lld (minor units) is more than %lld, the most a unit may cost",
                        (long long)r->unit_cost, ENT_STOCK_COST_MAX);
    if (r->unit_cost < -1)
        return entx_fail(db, ENT_INVALID, "unit cost %lld must not be negative", (long long)r->unit_cost);
    if (r->unit_cost < 0 && r->cost_currency == NULL)
        return ENT_OK;
    const ent_currency *cur = NULL;
    const char *cc = r->cost_currency ? r->cost_currency : p->currency;
    char shown[64];
    if (ent_currency_lookup(&cur, cc) != ENT_OK)
        return entx_fail(db, ENT_INVALID, "currency '%s' is not an ISO 4217 code",
                        ent_text_clip(shown, sizeof shown, cc, 40));
    memcpy(cost_currency, cur->alpha3, 4);
    if (r->unit_cost < 0)
        return entx_fail_hint(db, ENT_INVALID, ENT_HINT_COST, "a cost currency without a unit cost");
    return ENT_OK;
}

static int check_receive(ent_db *db, const ent_receive *r, const ent_product *p, struct resolved *out)
{
    int rc;
    if (r->qty <= 0)
        return entx_fail(db, ENT_INVALID, "quantity %lld: receive 1 or more", (long long)r->qty);
    if (r->qty > ENT_STOCK_QTY_MAX)
        return entx_fail(db, ENT_INVALID, "quantity %lld is more than %lld, the most one receipt may hold",
                        (long long)r->qty, ENT_STOCK_QTY_MAX);
    if ((rc = given_empty(db, r)) != ENT_OK)
        return rc;
    if (entx_empty(r->lot))
        return entx_fail_hint(db, ENT_INVALID, ENT_HINT_LOT, "a lot code is required");
    if ((rc = check_lot_code(db, r->lot)) != ENT_OK || (rc = resolve_origin(db, r, p, out->origin)) != ENT_OK)
        return rc;
    if (r->declaration) {
        size_t n = strlen(r->declaration);
        char shown[64];
        if (n != 18 || strspn(r->declaration, "0123456789") != n)
            return entx_fail(db, ENT_INVALID, "declaration '%s' must be the 18-digit customs declaration number",
                            ent_text_clip(shown, sizeof shown, r->declaration, 40));
    }
    if ((rc = resolve_dates(db, r, p, out)) != ENT_OK)
        return rc;
    if ((rc = entx_check_text(db, "supplier", r->supplier, 200, false)) != ENT_OK ||
        (rc = entx_check_text(db, "note", r->note, NOTE_MAX, false)) != ENT_OK ||
        (rc = entx_check_text(db, "user", r->user, 64, false)) != ENT_OK)
        return rc;
    return resolve_cost(db, r, p, out->cost_currency);
}

static int insert_lot(ent_db *db, int64_t product_id, const ent_receive *r, const struct resolved *v, int64_t *lot_id,
                      char uuid[ENT_UUID_SIZE])
{
    char now[ENT_TIME_SIZE];
    sqlite3_stmt *st = entx_stmt(
        db, "INSERT INTO lot(uuid, product_id, code, origin, declaration, import_date, production_date, expiry, "
            "supplier, unit_cost, cost_currency, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (st == NULL)
        return db->code;
    entx_uuid_new(uuid);
    entx_now_utc(now);
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, product_id);
    sqlite3_bind_text(st, 3, r->lot, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, v->origin, -1, SQLITE_STATIC);
    entx_bind_text_or_null(st, 5, r->declaration);
    entx_bind_text_or_null(st, 6, v->import_date);
    entx_bind_text_or_null(st, 7, r->production_date);
    entx_bind_text_or_null(st, 8, v->expiry);
    entx_bind_text_or_null(st, 9, r->supplier);
    if (r->unit_cost >= 0) {
        sqlite3_bind_int64(st, 10, r->unit_cost);
        sqlite3_bind_text(st, 11, v->cost_currency, -1, SQLITE_STATIC);
    }
    sqlite3_bind_text(st, 12, now, -1, SQLITE_STATIC);
    int rc = entx_exec_stmt(db, st);
    *lot_id = sqlite3_last_insert_rowid(db->sql);
    return rc;
}

/* Receiving more of a known lot: everything given must agree with it. */
static void cost_text(char *out, size_t len, int64_t minor, const char *currency)
{
    char amount[ENT_MONEY_TEXT_SIZE];
    if (ent_money_format(amount, sizeof amount, minor, currency) < 0)
        snprintf(amount, sizeof amount, "%lld", (long long)minor);
    snprintf(out, len, "%s %s", amount, currency);
}

static int existing_lot_agrees(ent_db *db, const ent_lot *lot, const ent_receive *r, const struct resolved *v)
{
    char cost[ENT_MONEY_TEXT_SIZE + ENT_CURRENCY_SIZE] = "", have_cost[ENT_MONEY_TEXT_SIZE + ENT_CURRENCY_SIZE] = "";
    int rc;
    /* as amounts with their currency (12.50 CNY): a clerk reads this message,
     * and minor units (1250) read as a price a hundred times too high */
    if (r->unit_cost >= 0)
        cost_text(cost, sizeof cost, r->unit_cost, v->cost_currency);
    if (lot->unit_cost >= 0)
        cost_text(have_cost, sizeof have_cost, lot->unit_cost, lot->cost_currency);
    if ((rc = lot_agrees(db, lot, "origin", lot->origin, v->origin)) == ENT_OK &&
        (rc = lot_agrees(db, lot, "declaration", lot->declaration, r->declaration)) == ENT_OK &&
        (rc = lot_agrees(db, lot, "import date", lot->import_date, r->import_date)) == ENT_OK &&
        (rc = lot_agrees(db, lot, "production date", lot->production_date, r->production_date)) == ENT_OK &&
        (rc = lot_agrees(db, lot, "expiry", lot->expiry, v->expiry)) == ENT_OK &&
        (rc = lot_agrees(db, lot, "supplier", lot->supplier, r->supplier)) == ENT_OK &&
        (rc = lot_agrees(db, lot, "unit cost", have_cost, cost)) == ENT_OK)
        rc = lot_agrees(db, lot, "cost currency", lot->cost_currency, r->unit_cost >= 0 ? v->cost_currency : NULL);
    return rc;
}

int ent_stock_receive(ent_db *db, char lot_uuid_out[ENT_UUID_SIZE], const ent_receive *r)
{
    ent_product *p = NULL;
    ent_lot *lot = NULL;
    struct resolved v;
    char uuid[ENT_UUID_SIZE], batch[ENT_UUID_SIZE], kind[ENT_LOCATION_KIND_SIZE];
    int64_t mult = 1, location_id, lot_id = 0, units;
    entx_ok(db);
    if (r->product && r->product[0] == '\0')
        return entx_fail(db, ENT_INVALID, "the product is empty: give a value or leave it out");
    int rc = ent_product_find(db, &p, &mult, r->product);
    if (rc != ENT_OK)
        return rc;
    if (p->retired_at[0]) {
        char label[160];
        entx_product_label(db, label, sizeof label, p->id);
        rc = entx_fail(db, ENT_REFUSED, "%s is retired (since %.10s): put it back in the catalogue before "
                      "receiving more", label, p->retired_at);
        goto out;
    }
    if ((rc = check_receive(db, r, p, &v)) != ENT_OK)
        goto out;
    /* A case barcode multiplies: the units must stay inside the bound too. */
    if (__builtin_mul_overflow(r->qty, mult, &units) || units > ENT_STOCK_QTY_MAX) {
        rc = entx_fail(db, ENT_INVALID,
                      "%lld cases of %lld units is more than %lld units, the most one receipt "
                      "may hold",
                      (long long)r->qty, (long long)mult, ENT_STOCK_QTY_MAX);
        goto out;
    }
    if ((rc = entx_location_id(db, &location_id, kind, r->location)) != ENT_OK)
        goto out;
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        goto out;
    rc = read_lot(db, p->id, r->lot, &lot);
    if (rc == ENT_NOTFOUND) {
        rc = insert_lot(db, p->id, r, &v, &lot_id, uuid);
    } else if (rc == ENT_OK) {
        rc = existing_lot_agrees(db, lot, r, &v);
        lot_id = lot->id;
        memcpy(uuid, lot->uuid, sizeof uuid);
    }
    if (rc == ENT_OK) {
        entx_uuid_new(batch);
        rc = entx_stock_apply(db, &(struct stock_move){.batch = batch,
                                                       .kind = "receive",
                                                       .product_id = p->id,
                                                       .lot_id = lot_id,
                                                       .location_id = location_id,
                                                       .delta = units,
                                                       .note = r->note,
                                                       .user = r->user});
    }
    if (rc == ENT_OK)
        rc = entx_label_queue_on_move(db, p->id, lot_id, location_id, r->user);
    rc = entx_tx_end(db, rc);
    if (rc == ENT_OK && lot_uuid_out)
        memcpy(lot_uuid_out, uuid, ENT_UUID_SIZE);
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
    if (!entx_empty(lot)) {
        ent_lot *l = NULL;
        int rc = read_lot(db, product_id, lot, &l);
        if (rc == ENT_NOTFOUND)
            return lot_not_found(db, product_id, lot);
        if (rc == ENT_OK)
            *lot_id = l->id;
        ent_lot_free(l);
        return rc;
    }
    sqlite3_stmt *st = entx_stmt(db, "SELECT b.lot_id, l.code FROM stock_balance b JOIN lot l ON l.id = b.lot_id "
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
        char label[ENT_PRODUCT_LABEL_SIZE];
        entx_product_label(db, label, sizeof label, product_id);
        return entx_fail(db, ENT_NOSTOCK, "not enough stock: %s has nothing on hand at %s", label, loc_code);
    }
    return entx_fail_hint(db, ENT_INVALID, ENT_HINT_LOT, "several lots lie at %s (%s): name one", loc_code, codes);
}

static int check_note(ent_db *db, const char *user, const char *note)
{
    int rc = entx_check_text(db, "note", note, NOTE_MAX, false);
    return rc == ENT_OK ? entx_check_text(db, "user", user, 64, false) : rc;
}

/* What every move checks first: a lot, user or note that is given is not
 * empty (an empty lot would silently mean "the only lot there"), and the
 * quantity is within the bound of one operation. */
static int check_move(ent_db *db, const char *what, int64_t qty, const char *lot, const char *user, const char *note)
{
    const char *names[] = {"lot code", "user", "note"}, *values[] = {lot, user, note};
    for (int i = 0; i < 3; i++)
        if (values[i] && values[i][0] == '\0')
            return entx_fail(db, ENT_INVALID, "the %s is empty: give a value or leave it out", names[i]);
    if (qty > ENT_STOCK_QTY_MAX)
        return entx_fail(db, ENT_INVALID, "quantity %lld is more than %lld, the most one %s may hold", (long long)qty,
                        ENT_STOCK_QTY_MAX, what);
    return check_note(db, user, note);
}

int ent_stock_transfer(ent_db *db, const ent_move_req *m)
{
    int64_t pid, from_id, to_id, lot_id;
    char batch[ENT_UUID_SIZE];
    entx_ok(db);
    int rc = ent_product_id(db, &pid, NULL, m->product);
    if (rc != ENT_OK)
        return rc;
    if (m->qty <= 0)
        return entx_fail(db, ENT_INVALID, "quantity %lld: move 1 or more", (long long)m->qty);
    if ((rc = check_move(db, "move", m->qty, m->lot, m->user, m->note)) != ENT_OK ||
        (rc = entx_location_id(db, &from_id, NULL, m->location)) != ENT_OK ||
        (rc = entx_location_id(db, &to_id, NULL, m->to)) != ENT_OK)
        return rc;
    if (from_id == to_id)
        return entx_fail(db, ENT_INVALID, "from and to are the same location (%s)", m->location);
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    entx_uuid_new(batch);
    struct stock_move mv = {.batch = batch, .kind = "transfer", .product_id = pid, .note = m->note, .user = m->user};
    if ((rc = pick_lot(db, pid, m->lot, from_id, m->location, &lot_id)) == ENT_OK) {
        mv.lot_id = lot_id;
        mv.location_id = from_id;
        mv.delta = -m->qty;
        rc = entx_stock_apply(db, &mv);
    }
    if (rc == ENT_OK) {
        mv.location_id = to_id;
        mv.delta = m->qty;
        rc = entx_stock_apply(db, &mv);
    }
    if (rc == ENT_OK)
        rc = entx_label_queue_on_move(db, pid, lot_id, to_id, m->user);
    return entx_tx_end(db, rc);
}

/* An adjustment or a scrap of m's goods at m->location by delta. */
static int change(ent_db *db, const char *kind, const ent_move_req *m, int64_t delta, const char *reason)
{
    int64_t pid, loc_id, lot_id;
    char batch[ENT_UUID_SIZE];
    int rc = ent_product_id(db, &pid, NULL, m->product);
    if (rc != ENT_OK)
        return rc;
    int64_t mag = delta < 0 ? -delta : delta;
    if ((rc = check_move(db, strcmp(kind, "scrap") == 0 ? "scrap" : "adjustment", mag, m->lot, m->user, m->note)) !=
            ENT_OK ||
        (rc = entx_location_id(db, &loc_id, NULL, m->location)) != ENT_OK)
        return rc;
    if (delta > 0 && entx_empty(m->lot))
        return entx_fail_hint(db, ENT_INVALID, ENT_HINT_LOT, "name the lot of the goods found");
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    entx_uuid_new(batch);
    if ((rc = pick_lot(db, pid, m->lot, loc_id, m->location, &lot_id)) == ENT_OK)
        rc = entx_stock_apply(db, &(struct stock_move){.batch = batch,
                                                       .kind = kind,
                                                       .product_id = pid,
                                                       .lot_id = lot_id,
                                                       .location_id = loc_id,
                                                       .delta = delta,
                                                       .reason = reason,
                                                       .note = m->note,
                                                       .user = m->user});
    return entx_tx_end(db, rc);
}

int ent_stock_adjust(ent_db *db, const ent_move_req *m)
{
    static const char *const reasons[] = {"damage", "loss", "found", "sample"};
    const char *reason = m->reason;
    int64_t delta = m->qty;
    size_t k = 0;
    entx_ok(db);
    if (entx_empty(reason))
        return entx_fail(db, ENT_INVALID, "an adjustment needs a reason: damage, loss, found or sample");
    while (k < 4 && strcmp(reason, reasons[k]) != 0)
        k++;
    if (k == 4) {
        char shown[64];
        return entx_fail(db, ENT_INVALID, "reason '%s' must be damage, loss, found or sample",
                        ent_text_clip(shown, sizeof shown, reason, 40));
    }
    if (delta == 0)
        return entx_fail(db, ENT_INVALID, "quantity 0: adjust by 1 or more");
    if (delta == INT64_MIN || delta > ENT_STOCK_QTY_MAX || delta < -ENT_STOCK_QTY_MAX)
        return entx_fail(db, ENT_INVALID, "quantity %lld is beyond %lld, the most one adjustment may hold",
                        (long long)delta, ENT_STOCK_QTY_MAX);
    int64_t mag = delta < 0 ? -delta : delta;
    return change(db, "adjust", m, k == 2 ? mag : -mag, reasons[k]);
}

int ent_stock_scrap(ent_db *db, const ent_move_req *m)
{
    entx_ok(db);
    if (m->qty <= 0)
        return entx_fail(db, ENT_INVALID, "quantity %lld: scrap 1 or more", (long long)m->qty);
    return change(db, "scrap", m, -m->qty, "scrap");
}
