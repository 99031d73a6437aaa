/* The outbox (schema/017_sync_outbox.sql): reading the events a sync pushes
 * and recording what head office has acknowledged. The events themselves are
 * written by triggers, in the transaction of each change. */
#include <string.h>

#include "entrepot/outbox.h"
#include "internal.h"

bool ent_outbox_store_valid(const char *code)
{
    size_t n = code ? strlen(code) : 0;
    if (n < 2 || n >= ENT_STORE_CODE_SIZE)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((code[i] >= 'A' && code[i] <= 'Z') || (code[i] >= '0' && code[i] <= '9')))
            return false;
    return true;
}

int ent_outbox_each(ent_db *db, int64_t *count, int64_t after, int64_t limit, ent_outbox_cb cb, void *ud)
{
    entx_ok(db);
    *count = 0;
    if (limit < 1 || limit > ENT_OUTBOX_BATCH_MAX)
        return entx_fail(db, ENT_INVALID, "a batch of %lld events: it must be 1 to %d", (long long)limit,
                         ENT_OUTBOX_BATCH_MAX);
    /* sync_event (schema 024) gives the stored body, or for the rows a sale
     * writes builds it now from the row, as the trigger once did. */
    sqlite3_stmt *st =
        entx_stmt(db, "SELECT seq, uuid, kind, at, body FROM sync_event WHERE seq > ?1 ORDER BY seq LIMIT ?2");
    if (st == NULL)
        return ENT_ERROR;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, limit);
    int rc = ENT_OK, s;
    while (rc == ENT_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
        ent_outbox_event ev = {sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
                               (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
                               (const char *)sqlite3_column_text(st, 4)};
        if (ev.body == NULL) {
            /* Only a row removed behind entrepot's back (its triggers refuse it). */
            rc = entx_fail(db, ENT_ERROR, "event %lld (%s) has lost the row it was made from: it cannot be sent",
                           (long long)ev.seq, ev.kind ? ev.kind : "?");
            continue;
        }
        rc = cb(&ev, ud);
        if (rc == ENT_OK)
            (*count)++;
    }
    if (rc == ENT_OK && s != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading the outbox");
    sqlite3_reset(st);
    return rc;
}

int ent_outbox_status_get(ent_db *db, ent_outbox_status *out)
{
    entx_ok(db);
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = entx_stmt(db,
        "SELECT s.store, (SELECT coalesce(max(seq), 0) FROM sync_outbox), s.acked_seq, "
        "(SELECT count(*) FROM sync_outbox WHERE seq > s.acked_seq), "
        "(SELECT at FROM sync_outbox WHERE seq > s.acked_seq ORDER BY seq LIMIT 1), s.acked_at, s.pulled_id "
        "FROM sync_state s WHERE s.one = 1");
    if (st == NULL)
        return ENT_ERROR;
    int rc = ENT_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        entx_col_copy(st, out->store, sizeof out->store, 0);
        out->last_seq = sqlite3_column_int64(st, 1);
        out->acked_seq = sqlite3_column_int64(st, 2);
        out->pending = sqlite3_column_int64(st, 3);
        entx_col_copy(st, out->oldest_pending, sizeof out->oldest_pending, 4);
        entx_col_copy(st, out->acked_at, sizeof out->acked_at, 5);
        out->pulled_id = sqlite3_column_int64(st, 6);
    } else {
        rc = entx_fail_sql(db, "reading the sync state");
    }
    sqlite3_reset(st);
    return rc;
}

/* The store this database syncs as, into buf ("" before the first sync). */
static int state_store(ent_db *db, char buf[ENT_STORE_CODE_SIZE], int64_t *acked, int64_t *last)
{
    sqlite3_stmt *st = entx_stmt(db, "SELECT store, acked_seq, (SELECT coalesce(max(seq), 0) FROM sync_outbox) "
                                     "FROM sync_state WHERE one = 1");
    if (st == NULL)
        return ENT_ERROR;
    int rc = ENT_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        entx_col_copy(st, buf, ENT_STORE_CODE_SIZE, 0);
        *acked = sqlite3_column_int64(st, 1);
        *last = sqlite3_column_int64(st, 2);
    } else {
        rc = entx_fail_sql(db, "reading the sync state");
    }
    sqlite3_reset(st);
    return rc;
}

static int check_store(ent_db *db, const char *store, const char *held)
{
    if (!ent_outbox_store_valid(store))
        return entx_fail(db, ENT_INVALID, "'%s' is not a store code (2 to 16 capital letters and digits)",
                         ENT_CLIP(store, 40));
    if (held[0] != '\0' && strcmp(held, store) != 0)
        return entx_fail(db, ENT_REFUSED,
                         "this database syncs as store %s at head office, not as %s: its events are not %s's",
                         held, store, store);
    return ENT_OK;
}

int ent_outbox_claim(ent_db *db, const char *store)
{
    entx_ok(db);
    char held[ENT_STORE_CODE_SIZE];
    int64_t acked = 0, last = 0;
    int rc = entx_tx_begin(db);
    if (rc != ENT_OK)
        return rc;
    if ((rc = state_store(db, held, &acked, &last)) == ENT_OK && (rc = check_store(db, store, held)) == ENT_OK &&
        held[0] == '\0') {
        sqlite3_stmt *st = entx_stmt(db, "UPDATE sync_state SET store = ?1 WHERE one = 1");
        if (st == NULL)
            rc = ENT_ERROR;
        else {
            sqlite3_bind_text(st, 1, store, -1, SQLITE_STATIC);
            rc = entx_exec_stmt(db, st);
        }
    }
    return entx_tx_end(db, rc);
}

int ent_outbox_ack(ent_db *db, const char *store, int64_t upto)
{
    entx_ok(db);
    char held[ENT_STORE_CODE_SIZE], now[ENT_TIME_SIZE];
    int64_t acked = 0, last = 0;
    int rc = entx_tx_begin(db);
    if (rc != ENT_OK)
        return rc;
    if ((rc = state_store(db, held, &acked, &last)) != ENT_OK || (rc = check_store(db, store, held)) != ENT_OK)
        return entx_tx_end(db, rc);
    if (upto > last || upto < 0)
        return entx_tx_end(db, entx_fail(db, ENT_INVALID, "event %lld is not in the outbox (the newest is %lld)",
                                         (long long)upto, (long long)last));
    if (upto <= acked)
        return entx_tx_end(db, ENT_OK);
    entx_now_utc(now);
    sqlite3_stmt *st =
        entx_stmt(db, "UPDATE sync_state SET store = ?1, acked_seq = ?2, acked_at = ?3, last_sync = ?3 WHERE one = 1");
    if (st == NULL)
        return entx_tx_end(db, ENT_ERROR);
    sqlite3_bind_text(st, 1, store, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, upto);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
    return entx_tx_end(db, entx_exec_stmt(db, st));
}

int ent_outbox_pulled(ent_db *db, int64_t id)
{
    entx_ok(db);
    if (id < 0)
        return entx_fail(db, ENT_INVALID, "head office's change %lld does not exist", (long long)id);
    int rc = entx_tx_begin(db);
    if (rc != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(db, "UPDATE sync_state SET pulled_id = max(pulled_id, ?1) WHERE one = 1");
    if (st == NULL)
        return entx_tx_end(db, ENT_ERROR);
    sqlite3_bind_int64(st, 1, id);
    return entx_tx_end(db, entx_exec_stmt(db, st));
}
