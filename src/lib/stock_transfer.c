/* Transfers between stores (schema/022_transfers.sql, entrepot/transfer.h):
 * shipping takes the goods out of stock and writes the transfer in one
 * transaction; receiving puts them into stock as lots with the sender's lot
 * data. The outbox events are the triggers' (ship and receipt). */
#include <jansson.h>
#include <string.h>

#include "catalog_internal.h"
#include "entrepot/catalog.h"
#include "entrepot/transfer.h"
#include "internal.h"
#include "stock_internal.h"
#include "time_internal.h"
#include "user_internal.h"

#define TRANSFER_NOTE_MAX 500

/* ---- shipping ----------------------------------------------------------- */

/* The sending store's head-office code: set at its first sync. */
static int own_store(ent_db *db, char store[ENT_STORE_CODE_SIZE])
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT coalesce(store, '') FROM sync_state WHERE one = 1");
    if (st == NULL)
        return db->code;
    store[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW)
        entx_col_copy(st, store, ENT_STORE_CODE_SIZE, 0);
    sqlite3_reset(st);
    if (store[0] == '\0')
        return entx_fail(db, ENT_REFUSED, "this store has never synced with head office, so it knows no other "
                                          "store of the chain to ship to");
    return ENT_OK;
}

static int check_peer(ent_db *db, const char *own, const char *to)
{
    if (entx_empty(to))
        return entx_fail(db, ENT_INVALID, "a transfer needs the receiving store's code");
    if (!ent_outbox_store_valid(to))
        return entx_fail(db, ENT_INVALID, "store code '%s' must be 2 to 16 capital letters and digits",
                         ENT_CLIP(to, 40));
    if (strcmp(own, to) == 0)
        return entx_fail(db, ENT_REFUSED, "%s is this store: a transfer goes to another store", to);
    sqlite3_stmt *st = entx_stmt(db, "SELECT 1 FROM peer_store WHERE code = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    if (!found)
        return entx_fail(db, ENT_NOTFOUND, "store %s is not one of the chain's stores head office listed at this "
                                           "store's last sync", to);
    return ENT_OK;
}

/* Adds qty units of lot_id to the transfer's line of that lot (a new line
 * the first time), copying the lot's data. */
static int add_line(ent_db *db, int64_t transfer_id, int64_t lot_id, int64_t qty)
{
    sqlite3_stmt *st = entx_stmt(
        db, "INSERT INTO transfer_line (transfer_id, line, product, lot_uuid, lot, origin, declaration, import_date, "
            "production_date, expiry, supplier, unit_cost, cost_currency, qty) "
            "SELECT ?1, (SELECT count(*) + 1 FROM transfer_line WHERE transfer_id = ?1), coalesce(p.gtin, p.sku), "
            "l.uuid, l.code, l.origin, l.declaration, l.import_date, l.production_date, l.expiry, l.supplier, "
            "l.unit_cost, l.cost_currency, ?3 FROM lot l JOIN product p ON p.id = l.product_id WHERE l.id = ?2 "
            "ON CONFLICT (transfer_id, lot_uuid) DO UPDATE SET qty = qty + excluded.qty");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, transfer_id);
    sqlite3_bind_int64(st, 2, lot_id);
    sqlite3_bind_int64(st, 3, qty);
    return entx_exec_stmt(db, st);
}

/* Takes one item out of stock into the transfer. */
static int ship_item(ent_db *db, int64_t transfer_id, const char *uuid, const char *to, int64_t prefer,
                     const char *today, const ent_transfer_item *it)
{
    int64_t pid, lot_id = 0;
    ent_lot *lot = NULL;
    struct ent_pick *picks = NULL;
    size_t n = 0;
    char note[64];
    int rc = ent_product_id(db, &pid, NULL, it->product);
    if (rc != ENT_OK)
        return rc;
    if (it->qty < 1 || it->qty > ENT_STOCK_QTY_MAX)
        return entx_fail(db, ENT_INVALID, "quantity %lld: ship 1 to %lld units of a commodity", (long long)it->qty,
                         ENT_STOCK_QTY_MAX);
    if (it->lot && (rc = ent_lot_find_id(db, &lot, pid, it->lot)) != ENT_OK)
        return rc;
    lot_id = lot ? lot->id : 0;
    ent_lot_free(lot);
    rc = entx_stock_pick(db, &picks, &n,
                         &(struct pick_want){.product_id = pid, .lot_id = lot_id, .qty = it->qty, .prefer = prefer,
                                             .today = today});
    snprintf(note, sizeof note, "to %s", to);
    for (size_t i = 0; rc == ENT_OK && i < n; i++) {
        rc = entx_stock_apply(db, &(struct stock_move){.batch = uuid,
                                                       .kind = "transfer",
                                                       .product_id = pid,
                                                       .lot_id = picks[i].lot_id,
                                                       .location_id = picks[i].location_id,
                                                       .delta = -picks[i].qty,
                                                       .reason = "ship",
                                                       .note = note,
                                                       .user = entx_actor(db)});
        if (rc == ENT_OK)
            rc = add_line(db, transfer_id, picks[i].lot_id, picks[i].qty);
    }
    free(picks);
    return rc;
}

static int check_ship(ent_db *db, const ent_transfer_ship_req *req)
{
    if (req->n < 1 || req->n > ENT_TRANSFER_LINES_MAX || req->items == NULL)
        return entx_fail(db, ENT_INVALID, "a transfer holds 1 to %d commodities, not %zu", ENT_TRANSFER_LINES_MAX,
                         req->n);
    for (size_t i = 0; i < req->n; i++)
        if (entx_empty(req->items[i].product) || (req->items[i].lot && req->items[i].lot[0] == '\0'))
            return entx_fail(db, ENT_INVALID, "commodity %zu of the transfer has an empty code or lot", i + 1);
    return entx_check_text(db, "note", req->note, TRANSFER_NOTE_MAX, false);
}

/* The store's local date now: expired lots are not shipped. */
static int local_today(ent_db *db, char today[ENT_DATE_SIZE], const char *now)
{
    char tz[64] = "";
    sqlite3_stmt *st = entx_stmt(db, "SELECT tz FROM store WHERE id = 1");
    if (st == NULL)
        return db->code;
    if (sqlite3_step(st) == SQLITE_ROW)
        entx_col_copy(st, tz, sizeof tz, 0);
    sqlite3_reset(st);
    if (entx_time_local_date(today, tz, now) != ENT_OK)
        return entx_fail(db, ENT_ERROR, "the store's time zone '%s' is unknown", tz);
    return ENT_OK;
}

static int insert_transfer(ent_db *db, int64_t *id, const char *uuid, const char *own, const char *to,
                           const char *note)
{
    sqlite3_stmt *st = entx_stmt(db, "INSERT INTO transfer (uuid, direction, from_store, to_store, status, note) "
                                     "VALUES (?, 'out', ?, ?, 'open', ?)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, own, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
    entx_bind_text_or_null(st, 4, note);
    int rc = entx_exec_stmt(db, st);
    *id = sqlite3_last_insert_rowid(db->sql);
    return rc;
}

/* Marks a transfer shipped (the trigger writes its outbox event). */
static int seal(ent_db *db, int64_t id)
{
    char now[ENT_TIME_SIZE];
    entx_now_utc(now);
    sqlite3_stmt *st = entx_stmt(db, "UPDATE transfer SET status = 'shipped', shipped_at = ?, shipped_by = ? "
                                     "WHERE id = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, entx_actor(db), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, id);
    return entx_exec_stmt(db, st);
}

int ent_transfer_ship(ent_db *db, char uuid_out[ENT_UUID_SIZE], const ent_transfer_ship_req *req)
{
    char own[ENT_STORE_CODE_SIZE], uuid[ENT_UUID_SIZE], now[ENT_TIME_SIZE], today[ENT_DATE_SIZE];
    int64_t prefer = 0, id = 0;
    entx_ok(db);
    int rc = check_ship(db, req);
    if (rc == ENT_OK)
        rc = own_store(db, own);
    if (rc == ENT_OK)
        rc = check_peer(db, own, req->to);
    if (rc == ENT_OK && req->from)
        rc = entx_location_id(db, &prefer, NULL, req->from);
    if (rc != ENT_OK)
        return rc;
    entx_now_utc(now);
    if (local_today(db, today, now) != ENT_OK)
        return db->code;
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    entx_uuid_new(uuid);
    rc = insert_transfer(db, &id, uuid, own, req->to, req->note);
    for (size_t i = 0; rc == ENT_OK && i < req->n; i++)
        rc = ship_item(db, id, uuid, req->to, prefer, today, &req->items[i]);
    if (rc == ENT_OK)
        rc = seal(db, id);
    rc = entx_tx_end(db, rc);
    if (rc == ENT_OK && uuid_out)
        memcpy(uuid_out, uuid, ENT_UUID_SIZE);
    return rc;
}

/* ---- finding one -------------------------------------------------------- */

/* The transfer named by its UUID or a prefix of 8 or more characters. */
static int find_transfer(ent_db *db, int64_t *id, char status[16], char direction[4], const char *name)
{
    size_t len = name ? strlen(name) : 0;
    if (len < 8 || len >= ENT_UUID_SIZE || strspn(name, "0123456789abcdef-") != len)
        return entx_fail(db, ENT_INVALID, "'%s' is not a transfer's UUID (or 8 or more of its first characters)",
                         ENT_CLIP(name ? name : "", 40));
    sqlite3_stmt *st = entx_stmt(db, "SELECT id, status, direction FROM transfer WHERE uuid >= ?1 AND "
                                     "uuid < ?1 || 'g' AND status <> 'open' LIMIT 2");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n++ == 0) {
            *id = sqlite3_column_int64(st, 0);
            entx_col_copy(st, status, 16, 1);
            entx_col_copy(st, direction, 4, 2);
        }
    }
    sqlite3_reset(st);
    if (n == 0)
        return entx_fail(db, ENT_NOTFOUND, "no transfer %s at this store", name);
    if (n > 1)
        return entx_fail(db, ENT_INVALID, "%s fits several transfers: give more of its UUID", name);
    return ENT_OK;
}

/* ---- receiving ---------------------------------------------------------- */

struct in_line {
    int line;
    char *product, *lot, *origin, *declaration, *import_date, *production_date, *expiry, *supplier, *currency;
    int64_t unit_cost, qty, received, damaged;
    bool named;
};

static void in_lines_free(struct in_line *l, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(l[i].product), free(l[i].lot), free(l[i].origin), free(l[i].declaration), free(l[i].import_date);
        free(l[i].production_date), free(l[i].expiry), free(l[i].supplier), free(l[i].currency);
    }
    free(l);
}

static int read_lines(ent_db *db, int64_t id, struct in_line **out, size_t *n)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT line, product, lot, origin, declaration, import_date, production_date, "
                                     "expiry, supplier, cost_currency, coalesce(unit_cost, -1), qty "
                                     "FROM transfer_line WHERE transfer_id = ? ORDER BY line");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, id);
    struct in_line *l = NULL;
    size_t k = 0;
    int rc = ENT_OK;
    while (rc == ENT_OK && sqlite3_step(st) == SQLITE_ROW) {
        struct in_line *g = realloc(l, (k + 1) * sizeof *l);
        if (g == NULL) {
            rc = entx_fail(db, ENT_ERROR, "out of memory");
            break;
        }
        l = g;
        struct in_line *x = &l[k++];
        memset(x, 0, sizeof *x);
        x->line = sqlite3_column_int(st, 0);
        char **cols[] = {&x->product, &x->lot, &x->origin, &x->declaration, &x->import_date,
                         &x->production_date, &x->expiry, &x->supplier, &x->currency};
        for (int c = 0; c < 9; c++)
            *cols[c] = entx_col_strdup(st, c + 1);
        x->unit_cost = sqlite3_column_int64(st, 10);
        x->qty = sqlite3_column_int64(st, 11);
        x->received = 0;
    }
    sqlite3_reset(st);
    *out = l;
    *n = k;
    return rc;
}

/* Applies one count to the line it names: the commodity by any of its
 * codes, the lot by its code when the transfer holds several of it. */
static int apply_count(ent_db *db, struct in_line *l, size_t n, const ent_transfer_count *c)
{
    int64_t pid, want;
    int rc = ent_product_id(db, &pid, NULL, c->product);
    if (rc != ENT_OK)
        return rc;
    if (c->received < 0 || c->received > ENT_STOCK_QTY_MAX || c->damaged < 0 || c->damaged > ENT_STOCK_QTY_MAX)
        return entx_fail(db, ENT_INVALID, "the units counted of %s must be 0 to %lld", ENT_CLIP(c->product, 40),
                         ENT_STOCK_QTY_MAX);
    struct in_line *hit = NULL;
    int hits = 0;
    for (size_t i = 0; i < n; i++) {
        if (ent_product_id(db, &want, NULL, l[i].product) != ENT_OK || want != pid)
            continue;
        if (c->lot && strcmp(c->lot, l[i].lot) != 0)
            continue;
        hit = &l[i];
        hits++;
    }
    entx_ok(db);
    if (hits == 0)
        return entx_fail(db, ENT_INVALID, "the transfer holds no %s%s%s", ENT_CLIP(c->product, 40),
                         c->lot ? " of lot " : "", c->lot ? ENT_CLIP(c->lot, 40) : "");
    if (hits > 1)
        return entx_fail_hint(db, ENT_INVALID, ENT_HINT_LOT, "the transfer holds several lots of %s: name one",
                              ENT_CLIP(c->product, 40));
    if (hit->named)
        return entx_fail(db, ENT_INVALID, "%s lot %s is counted twice", ENT_CLIP(c->product, 40), hit->lot);
    hit->named = true;
    hit->received = c->received;
    hit->damaged = c->damaged;
    return ENT_OK;
}

/* Puts one line's good units into stock at the location (a lot with the
 * sender's lot data) and records what arrived. */
static int receive_line(ent_db *db, int64_t id, const char *location, const char *note, struct in_line *l)
{
    char lot_uuid[ENT_UUID_SIZE] = "";
    int rc = ENT_OK;
    if (l->received > 0)
        rc = ent_stock_receive(db, lot_uuid,
                               &(ent_receive){.product = l->product,
                                              .qty = l->received,
                                              .lot = l->lot,
                                              .origin = l->origin,
                                              .declaration = l->declaration,
                                              .import_date = l->import_date,
                                              .production_date = l->production_date,
                                              .expiry = l->expiry,
                                              .supplier = l->supplier,
                                              .unit_cost = l->unit_cost,
                                              .cost_currency = l->unit_cost >= 0 ? l->currency : NULL,
                                              .location = location,
                                              .user = entx_actor(db),
                                              .note = note});
    if (rc != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(db, "UPDATE transfer_line SET received = ?, damaged = ?, local_lot = ? "
                                     "WHERE transfer_id = ? AND line = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, l->received);
    sqlite3_bind_int64(st, 2, l->damaged);
    entx_bind_text_or_null(st, 3, lot_uuid);
    sqlite3_bind_int64(st, 4, id);
    sqlite3_bind_int(st, 5, l->line);
    return entx_exec_stmt(db, st);
}

static int mark_received(ent_db *db, int64_t id, const char *location, const char *note)
{
    char now[ENT_TIME_SIZE];
    entx_now_utc(now);
    sqlite3_stmt *st = entx_stmt(db, "UPDATE transfer SET status = 'received', received_at = ?, received_by = ?, "
                                     "location = ?, note = coalesce(?, note) WHERE id = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, entx_actor(db), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, location, -1, SQLITE_STATIC);
    entx_bind_text_or_null(st, 4, note);
    sqlite3_bind_int64(st, 5, id);
    return entx_exec_stmt(db, st);
}

static int check_receivable(ent_db *db, const char *name, const char *status, const char *direction)
{
    if (strcmp(direction, "out") == 0)
        return entx_fail(db, ENT_REFUSED, "transfer %s was shipped from this store: the receiving store receives it",
                         name);
    if (strcmp(status, "received") == 0)
        return entx_fail(db, ENT_REFUSED, "transfer %s is received already: a transfer is received once", name);
    return ENT_OK;
}

int ent_transfer_receive(ent_db *db, const ent_transfer_receive_req *req)
{
    char status[16], direction[4], kind[ENT_LOCATION_KIND_SIZE];
    int64_t id = 0, loc_id;
    struct in_line *l = NULL;
    size_t n = 0;
    entx_ok(db);
    if (req->n > ENT_TRANSFER_LINES_MAX || (req->n > 0 && req->counts == NULL))
        return entx_fail(db, ENT_INVALID, "at most %d counts in one receipt", ENT_TRANSFER_LINES_MAX);
    int rc = entx_check_text(db, "note", req->note, TRANSFER_NOTE_MAX, false);
    if (rc == ENT_OK && entx_empty(req->location))
        rc = entx_fail_hint(db, ENT_INVALID, ENT_HINT_LOCATIONS, "name the location the goods go to");
    if (rc == ENT_OK)
        rc = entx_location_id(db, &loc_id, kind, req->location);
    if (rc != ENT_OK || (rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    rc = find_transfer(db, &id, status, direction, req->transfer);
    if (rc == ENT_OK)
        rc = check_receivable(db, req->transfer, status, direction);
    if (rc == ENT_OK)
        rc = read_lines(db, id, &l, &n);
    for (size_t i = 0; rc == ENT_OK && i < n && req->n == 0; i++)
        l[i].received = l[i].qty; /* nothing counted: everything arrived as shipped */
    for (size_t i = 0; rc == ENT_OK && i < req->n; i++)
        rc = apply_count(db, l, n, &req->counts[i]);
    for (size_t i = 0; rc == ENT_OK && i < n; i++)
        rc = receive_line(db, id, req->location, req->note, &l[i]);
    if (rc == ENT_OK)
        rc = mark_received(db, id, req->location, req->note);
    in_lines_free(l, n);
    return entx_tx_end(db, rc);
}

/* ---- listing ------------------------------------------------------------ */

int ent_transfer_each(ent_db *db, const char *direction, ent_transfer_cb cb, void *ud)
{
    entx_ok(db);
    if (direction && strcmp(direction, "in") != 0 && strcmp(direction, "out") != 0)
        return entx_fail(db, ENT_INVALID, "a transfer's direction is in or out");
    sqlite3_stmt *st = entx_stmt(
        db, "SELECT t.uuid, t.direction, t.from_store, t.to_store, t.status, t.shipped_at, t.received_at, "
            "t.location, t.note, count(l.line), coalesce(sum(l.qty), 0), coalesce(sum(l.received), 0), "
            "coalesce(sum(l.damaged), 0), "
            "coalesce(sum(CASE WHEN l.received IS NOT NULL AND l.qty > l.received + l.damaged "
            "THEN l.qty - l.received - l.damaged ELSE 0 END), 0), "
            "coalesce(sum(CASE WHEN l.received IS NOT NULL AND l.qty < l.received + l.damaged "
            "THEN l.received + l.damaged - l.qty ELSE 0 END), 0) "
            "FROM transfer t LEFT JOIN transfer_line l ON l.transfer_id = t.id "
            "WHERE t.status <> 'open' AND (?1 IS NULL OR t.direction = ?1) GROUP BY t.id ORDER BY t.id DESC");
    if (st == NULL)
        return db->code;
    entx_bind_text_or_null(st, 1, direction);
    int rc = ENT_OK, s;
    while (rc == ENT_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
        ent_transfer_info t = {0};
        entx_col_copy(st, t.uuid, sizeof t.uuid, 0);
        const char **texts[] = {&t.direction, &t.from, &t.to, &t.status, &t.shipped_at, &t.received_at,
                                &t.location, &t.note};
        for (int c = 0; c < 8; c++)
            *texts[c] = (const char *)sqlite3_column_text(st, c + 1);
        int64_t *nums[] = {&t.lines, &t.shipped, &t.received, &t.damaged, &t.short_units, &t.over};
        for (int c = 0; c < 6; c++)
            *nums[c] = sqlite3_column_int64(st, c + 9);
        rc = cb(&t, ud);
    }
    if (rc == ENT_OK && s != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading the transfers");
    sqlite3_reset(st);
    return rc;
}

int ent_transfer_lines(ent_db *db, const char *transfer, ent_transfer_line_cb cb, void *ud)
{
    char status[16], direction[4];
    int64_t id = 0;
    entx_ok(db);
    int rc = find_transfer(db, &id, status, direction, transfer);
    if (rc != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(db, "SELECT line, product, lot, origin, declaration, expiry, qty, "
                                     "coalesce(received, -1), coalesce(damaged, -1) FROM transfer_line "
                                     "WHERE transfer_id = ? ORDER BY line");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, id);
    int s;
    while (rc == ENT_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
        ent_transfer_line l = {.line = sqlite3_column_int(st, 0),
                               .product = (const char *)sqlite3_column_text(st, 1),
                               .lot = (const char *)sqlite3_column_text(st, 2),
                               .origin = (const char *)sqlite3_column_text(st, 3),
                               .declaration = (const char *)sqlite3_column_text(st, 4),
                               .expiry = (const char *)sqlite3_column_text(st, 5),
                               .qty = sqlite3_column_int64(st, 6),
                               .received = sqlite3_column_int64(st, 7),
                               .damaged = sqlite3_column_int64(st, 8)};
        rc = cb(&l, ud);
    }
    if (rc == ENT_OK && s != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading a transfer's lines");
    sqlite3_reset(st);
    return rc;
}

/* ---- from head office --------------------------------------------------- */

int ent_transfer_peers_set(ent_db *db, const char *const *codes, const char *const *names, size_t n)
{
    char now[ENT_TIME_SIZE];
    entx_ok(db);
    for (size_t i = 0; i < n; i++)
        if (!ent_outbox_store_valid(codes[i]))
            return entx_fail(db, ENT_INVALID, "head office listed a store code '%s' that is not 2 to 16 capital "
                                              "letters and digits", ENT_CLIP(codes[i] ? codes[i] : "", 40));
    entx_now_utc(now);
    int rc = entx_tx_begin(db);
    if (rc != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(db, "DELETE FROM peer_store");
    rc = st ? entx_exec_stmt(db, st) : db->code;
    for (size_t i = 0; rc == ENT_OK && i < n; i++) {
        if ((rc = entx_check_text(db, "store name", names[i], 200, true)) != ENT_OK)
            break;
        st = entx_stmt(db, "INSERT INTO peer_store (code, name, seen_at) VALUES (?, ?, ?)");
        if (st == NULL)
            return entx_tx_end(db, db->code);
        sqlite3_bind_text(st, 1, codes[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, names[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
        rc = entx_exec_stmt(db, st);
    }
    return entx_tx_end(db, rc);
}

static const char *jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* One line of an incoming transfer, as the sender wrote it. */
static int insert_in_line(ent_db *db, int64_t id, json_t *l)
{
    json_int_t line = json_integer_value(json_object_get(l, "line")), qty = json_integer_value(json_object_get(l, "qty"));
    json_t *cost = json_object_get(l, "unit_cost");
    if (line < 1 || qty < 1 || qty > ENT_STOCK_QTY_MAX || !jstr(l, "product") || !jstr(l, "lot_uuid") ||
        !jstr(l, "lot") || !jstr(l, "origin"))
        return entx_fail(db, ENT_INVALID, "head office's transfer has a line without its commodity, lot or quantity");
    sqlite3_stmt *st = entx_stmt(db, "INSERT INTO transfer_line (transfer_id, line, product, lot_uuid, lot, origin, "
                                     "declaration, import_date, production_date, expiry, supplier, unit_cost, "
                                     "cost_currency, qty) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, line);
    const char *keys[] = {"product", "lot_uuid", "lot", "origin", "declaration", "import_date", "production_date",
                          "expiry", "supplier"};
    for (int k = 0; k < 9; k++)
        entx_bind_text_or_null(st, 3 + k, jstr(l, keys[k]));
    if (json_is_integer(cost))
        sqlite3_bind_int64(st, 12, json_integer_value(cost));
    entx_bind_text_or_null(st, 13, jstr(l, "cost_currency"));
    sqlite3_bind_int64(st, 14, qty);
    return entx_exec_stmt(db, st);
}

static int insert_incoming(ent_db *db, bool *added, json_t *t, const char *own)
{
    const char *uuid = jstr(t, "uuid"), *from = jstr(t, "from"), *to = jstr(t, "to");
    json_t *lines = json_object_get(t, "lines");
    if (!uuid || strlen(uuid) != ENT_UUID_SIZE - 1 || !from || !to || !json_is_array(lines) ||
        json_array_size(lines) < 1 || json_array_size(lines) > ENT_TRANSFER_LINES_MAX || !ent_outbox_store_valid(from))
        return entx_fail(db, ENT_INVALID, "head office's transfer lacks its UUID, stores or lines");
    if (strcmp(to, own) != 0)
        return entx_fail(db, ENT_REFUSED, "transfer %s is addressed to %.16s, not to this store", uuid, to);
    sqlite3_stmt *st = entx_stmt(db, "INSERT INTO transfer (uuid, direction, from_store, to_store, status, "
                                     "shipped_at, shipped_by, note) VALUES (?, 'in', ?, ?, 'shipped', ?, ?, ?) "
                                     "ON CONFLICT (uuid) DO NOTHING");
    if (st == NULL)
        return db->code;
    const char *vals[] = {uuid, from, to, jstr(t, "shipped_at"), jstr(t, "shipped_by"), jstr(t, "note")};
    for (int k = 0; k < 6; k++)
        entx_bind_text_or_null(st, 1 + k, vals[k]);
    int rc = entx_exec_stmt(db, st);
    if (rc != ENT_OK || sqlite3_changes(db->sql) == 0)
        return rc; /* known already */
    *added = true;
    int64_t id = sqlite3_last_insert_rowid(db->sql);
    size_t i;
    json_t *l;
    json_array_foreach(lines, i, l)
    {
        if ((rc = insert_in_line(db, id, l)) != ENT_OK)
            break;
    }
    return rc;
}

int ent_transfer_incoming_add(ent_db *db, bool *added, const char *json)
{
    char own[ENT_STORE_CODE_SIZE];
    json_error_t jerr;
    entx_ok(db);
    *added = false;
    json_t *t = json_loads(json ? json : "", 0, &jerr);
    if (!json_is_object(t)) {
        json_decref(t);
        return entx_fail(db, ENT_INVALID, "head office's transfer is not a JSON object");
    }
    int rc = own_store(db, own);
    if (rc == ENT_OK && (rc = entx_tx_begin(db)) == ENT_OK)
        rc = entx_tx_end(db, insert_incoming(db, added, t, own));
    if (rc != ENT_OK)
        *added = false;
    json_decref(t);
    return rc;
}

static int apply_receipt_line(ent_db *db, int64_t id, json_t *l)
{
    json_int_t line = json_integer_value(json_object_get(l, "line"));
    json_int_t received = json_integer_value(json_object_get(l, "received"));
    json_int_t damaged = json_integer_value(json_object_get(l, "damaged"));
    if (received < 0 || damaged < 0)
        return entx_fail(db, ENT_INVALID, "head office's receipt has a negative count");
    sqlite3_stmt *st = entx_stmt(db, "UPDATE transfer_line SET received = ?, damaged = ?, local_lot = ? "
                                     "WHERE transfer_id = ? AND line = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, received);
    sqlite3_bind_int64(st, 2, damaged);
    entx_bind_text_or_null(st, 3, jstr(l, "local_lot"));
    sqlite3_bind_int64(st, 4, id);
    sqlite3_bind_int64(st, 5, line);
    return entx_exec_stmt(db, st);
}

static int apply_receipt(ent_db *db, bool *applied, int64_t id, json_t *r)
{
    json_t *lines = json_object_get(r, "lines"), *l;
    size_t i;
    int rc = ENT_OK;
    if (!json_is_array(lines) || !jstr(r, "received_at"))
        return entx_fail(db, ENT_INVALID, "head office's receipt lacks its time or lines");
    json_array_foreach(lines, i, l)
    {
        if ((rc = apply_receipt_line(db, id, l)) != ENT_OK)
            return rc;
    }
    sqlite3_stmt *st = entx_stmt(db, "UPDATE transfer SET status = 'received', received_at = ?, received_by = ?, "
                                     "location = ? WHERE id = ? AND status = 'shipped'");
    if (st == NULL)
        return db->code;
    entx_bind_text_or_null(st, 1, jstr(r, "received_at"));
    entx_bind_text_or_null(st, 2, jstr(r, "received_by"));
    entx_bind_text_or_null(st, 3, jstr(r, "location"));
    sqlite3_bind_int64(st, 4, id);
    if ((rc = entx_exec_stmt(db, st)) == ENT_OK)
        *applied = true;
    return rc;
}

int ent_transfer_receipt_apply(ent_db *db, bool *applied, const char *uuid, const char *json)
{
    char status[16], direction[4];
    int64_t id = 0;
    json_error_t jerr;
    entx_ok(db);
    *applied = false;
    int rc = find_transfer(db, &id, status, direction, uuid);
    if (rc != ENT_OK)
        return rc;
    if (strcmp(direction, "out") != 0)
        return entx_fail(db, ENT_REFUSED, "transfer %s was not shipped from this store", uuid);
    if (strcmp(status, "received") == 0)
        return ENT_OK;
    json_t *r = json_loads(json ? json : "", 0, &jerr);
    if (!json_is_object(r)) {
        json_decref(r);
        return entx_fail(db, ENT_INVALID, "head office's receipt is not a JSON object");
    }
    if ((rc = entx_tx_begin(db)) == ENT_OK)
        rc = entx_tx_end(db, apply_receipt(db, applied, id, r));
    if (rc != ENT_OK)
        *applied = false;
    json_decref(r);
    return rc;
}
