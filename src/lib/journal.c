/*
 * The journal writer: sessions, appending signed records and key rotation.
 * Closings are in journal_close.c; reading back (verify, export, receipts)
 * in journal_verify.c.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "entrepot/db.h"
#include "entrepot/parse.h"
#include "journal_internal.h"
#include "time_internal.h"

int entx_journal_read_head(ent_db *db, struct head *h)
{
    memset(h, 0, sizeof *h);
    sqlite3_stmt *st = entx_stmt(db, "SELECT seq, hash, grand_total, at, kind, key_id, pubkey FROM journal "
                                    "ORDER BY seq DESC LIMIT 1");
    if (st == NULL)
        return db->code;
    int sc = sqlite3_step(st);
    if (sc == SQLITE_ROW) {
        h->seq = sqlite3_column_int64(st, 0);
        if (sqlite3_column_bytes(st, 1) == J_HASH)
            memcpy(h->hash, sqlite3_column_blob(st, 1), J_HASH);
        h->grand_total = sqlite3_column_int64(st, 2);
        entx_col_copy(st, h->at, sizeof h->at, 3);
        entx_col_copy(st, h->kind, sizeof h->kind, 4);
        if (sqlite3_column_bytes(st, 5) == J_HASH)
            memcpy(h->key_id, sqlite3_column_blob(st, 5), J_HASH);
        /* A KEY record is signed by the old key and hands over to the one it carries. */
        if (strcmp(h->kind, "KEY") == 0 && sqlite3_column_bytes(st, 6) > 0)
            entx_jsha256(h->key_id, sqlite3_column_blob(st, 6), (size_t)sqlite3_column_bytes(st, 6));
    }
    sqlite3_reset(st);
    if (sc != SQLITE_ROW && sc != SQLITE_DONE)
        return entx_fail_sql(db, "reading the journal");
    return ENT_OK;
}

/* The latest day closing: its seq and the instant its day ends ("" when none). */
int entx_journal_last_day_close(ent_db *db, int64_t *seq, char period_end[ENT_TIME_SIZE], char period[ENT_PERIOD_SIZE])
{
    *seq = 0;
    period_end[0] = '\0';
    if (period)
        period[0] = '\0';
    sqlite3_stmt *st = entx_stmt(db, "SELECT seq, period_end, period FROM journal WHERE kind = 'CLOSE' "
                                    "AND period LIKE 'day:%' ORDER BY seq DESC LIMIT 1");
    if (st == NULL)
        return db->code;
    int sc = sqlite3_step(st);
    if (sc == SQLITE_ROW) {
        *seq = sqlite3_column_int64(st, 0);
        entx_col_copy(st, period_end, ENT_TIME_SIZE, 1);
        if (period)
            entx_col_copy(st, period, 24, 2);
    }
    sqlite3_reset(st);
    if (sc != SQLITE_ROW && sc != SQLITE_DONE)
        return entx_fail_sql(db, "reading the journal");
    return ENT_OK;
}

/* The latest day closing: its seq, the moment it was taken and its period
 * ("" when none). A closing covers every record before it; later records go
 * into the next one, so nothing may be dated before it. */
static int last_day_close_at(ent_db *db, int64_t *seq, char at[ENT_TIME_SIZE], char period[ENT_PERIOD_SIZE])
{
    *seq = 0;
    at[0] = period[0] = '\0';
    sqlite3_stmt *st = entx_stmt(db, "SELECT seq, at, period FROM journal WHERE kind = 'CLOSE' "
                                    "AND period LIKE 'day:%' ORDER BY seq DESC LIMIT 1");
    if (st == NULL)
        return db->code;
    int sc = sqlite3_step(st);
    if (sc == SQLITE_ROW) {
        *seq = sqlite3_column_int64(st, 0);
        entx_col_copy(st, at, ENT_TIME_SIZE, 1);
        entx_col_copy(st, period, 24, 2);
    }
    sqlite3_reset(st);
    if (sc != SQLITE_ROW && sc != SQLITE_DONE)
        return entx_fail_sql(db, "reading the journal");
    return ENT_OK;
}

/* Refuses a time earlier than the last day closing, naming both in the
 * store's zone. what: "the clock reads" or "the record is dated". */
static int refuse_before_close(ent_db *db, const char *tz, const char *what, const char *at)
{
    char close_at[ENT_TIME_SIZE], period[ENT_PERIOD_SIZE], when[20], closed[20];
    int64_t seq;
    int rc = last_day_close_at(db, &seq, close_at, period);
    if (rc != ENT_OK || seq == 0 || strcmp(at, close_at) >= 0)
        return rc;
    ent_time_local(when, tz, at);
    ent_time_local(closed, tz, close_at);
    return entx_fail(db, ENT_REFUSED, "%s %s (%s), before the closing of %s taken at %s (record %lld): a closing "
                                     "covers everything before it, so nothing can be recorded earlier; check the clock",
                    what, when, tz, period + 4, closed, (long long)seq);
}

/* ---- writing one record ------------------------------------------------- */

static int insert_lists(ent_db *db, const struct jrec *r)
{
    int rc = ENT_OK;
    for (size_t i = 0; rc == ENT_OK && i < r->ntax; i++) {
        sqlite3_stmt *st = entx_stmt(db, "INSERT INTO journal_tax(seq, rate, gross, tax) VALUES (?, ?, ?, ?)");
        if (st == NULL)
            return db->code;
        sqlite3_bind_int64(st, 1, r->seq);
        sqlite3_bind_int64(st, 2, r->taxes[i].rate);
        sqlite3_bind_int64(st, 3, r->taxes[i].gross);
        sqlite3_bind_int64(st, 4, r->taxes[i].tax);
        rc = entx_exec_stmt(db, st);
    }
    for (size_t i = 0; rc == ENT_OK && i < r->npay; i++) {
        sqlite3_stmt *st = entx_stmt(db, "INSERT INTO journal_pay(seq, method, amount) VALUES (?, ?, ?)");
        if (st == NULL)
            return db->code;
        sqlite3_bind_int64(st, 1, r->seq);
        sqlite3_bind_text(st, 2, r->pays[i].method, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, r->pays[i].amount);
        rc = entx_exec_stmt(db, st);
    }
    for (size_t i = 0; rc == ENT_OK && i < r->nline; i++) {
        const struct jline *l = &r->lines[i];
        sqlite3_stmt *st = entx_stmt(db, "INSERT INTO journal_line(seq, line, code, lot, name, qty, unit_price, "
                                        "discount, amount, tax_rate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        if (st == NULL)
            return db->code;
        sqlite3_bind_int64(st, 1, r->seq);
        sqlite3_bind_int64(st, 2, l->line);
        sqlite3_bind_text(st, 3, l->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, l->lot, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, l->name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, l->qty);
        sqlite3_bind_int64(st, 7, l->unit_price);
        sqlite3_bind_int64(st, 8, l->discount);
        sqlite3_bind_int64(st, 9, l->amount);
        sqlite3_bind_int64(st, 10, l->rate);
        rc = entx_exec_stmt(db, st);
    }
    for (size_t i = 0; rc == ENT_OK && i < r->ncount; i++) {
        sqlite3_stmt *st = entx_stmt(db, "INSERT INTO journal_count(seq, kind, n) VALUES (?, ?, ?)");
        if (st == NULL)
            return db->code;
        sqlite3_bind_int64(st, 1, r->seq);
        sqlite3_bind_text(st, 2, r->counts[i].kind, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, r->counts[i].n);
        rc = entx_exec_stmt(db, st);
    }
    return rc;
}

static int insert_record(ent_db *db, const struct jrec *r)
{
    sqlite3_stmt *st = entx_stmt(db, "INSERT INTO journal(seq, uuid, kind, at, counter, cashier, ref, currency, total, "
                                    "grand_total, event, note, pubkey, period, period_end, first_seq, last_seq, "
                                    "training, prev_hash, key_id, hash, sig) "
                                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, r->seq);
    sqlite3_bind_text(st, 2, r->uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, r->at, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, r->counter ? r->counter : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, r->cashier ? r->cashier : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, r->ref ? r->ref : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, r->currency, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, r->total);
    sqlite3_bind_int64(st, 10, r->grand_total);
    sqlite3_bind_text(st, 11, r->event ? r->event : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, r->note ? r->note : "", -1, SQLITE_STATIC);
    if (r->pubkey)
        sqlite3_bind_blob(st, 13, r->pubkey, (int)r->pubkey_len, SQLITE_STATIC);
    sqlite3_bind_text(st, 14, r->period ? r->period : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 15, r->period_end ? r->period_end : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 16, r->first_seq);
    sqlite3_bind_int64(st, 17, r->last_seq);
    sqlite3_bind_int64(st, 18, r->training);
    sqlite3_bind_blob(st, 19, r->prev, J_HASH, SQLITE_STATIC);
    sqlite3_bind_blob(st, 20, r->key_id, J_HASH, SQLITE_STATIC);
    sqlite3_bind_blob(st, 21, r->hash, J_HASH, SQLITE_STATIC);
    sqlite3_bind_blob(st, 22, r->sig, J_SIG, SQLITE_STATIC);
    int rc = entx_exec_stmt(db, st);
    return rc == ENT_OK ? insert_lists(db, r) : rc;
}

static void fill_written(ent_journal_written *out, const struct jrec *r, const struct jbuf *seal)
{
    char sig[90];
    if (out == NULL)
        return;
    memset(out, 0, sizeof *out);
    out->seq = r->seq;
    snprintf(out->uuid, sizeof out->uuid, "%s", r->uuid);
    snprintf(out->time, sizeof out->time, "%s", r->at);
    out->total = r->total;
    out->grand_total = r->grand_total;
    entx_jhex(out->hash, r->hash, J_HASH);
    entx_jb64url(sig, r->sig, J_SIG);
    snprintf(out->qr, sizeof out->qr, "%s|%s", seal->p, sig);
}

/*
 * Chains, signs and stores r, which holds everything but seq, prev, key,
 * grand total, hash and signature. Must run inside a transaction: the head
 * read here stays the head until the insert because BEGIN IMMEDIATE holds
 * the write lock.
 */
static int append_after(ent_journal *j, struct jrec *r, ent_journal_written *out, const struct head *known)
{
    struct head h;
    int rc = ENT_OK;
    if (known)
        h = *known;
    else
        rc = entx_journal_read_head(j->db, &h);
    if (rc != ENT_OK)
        return rc;
    if (h.seq > 0 && memcmp(h.key_id, j->key_id, J_HASH) != 0 && strcmp(r->kind, "EVENT") != 0)
        return entx_fail(j->db, ENT_REFUSED, "the journal's current key is no longer %.16s…: another process "
                                            "rotated it; reopen the journal", j->key_hex);
    r->seq = h.seq + 1;
    memcpy(r->prev, h.hash, J_HASH);
    memcpy(r->key_id, j->key_id, J_HASH);
    r->grand_total = h.grand_total;
    if (entx_jkind_moves_total(r->kind)) {
        if (__builtin_add_overflow(h.grand_total, r->total, &r->grand_total))
            return entx_fail(j->db, ENT_INVALID, "the grand total would overflow");
    }
    if (r->currency == NULL)
        r->currency = j->currency;
    if (entx_jbody_build(&j->body, j->store, r) != ENT_OK)
        return entx_fail(j->db, ENT_ERROR, "out of memory");
    entx_jsha256(r->hash, j->body.p, j->body.len);
    if (entx_jseal_build(&j->seal, j->store, r) != ENT_OK)
        return entx_fail(j->db, ENT_ERROR, "out of memory");
    unsigned char dgst[J_HASH];
    entx_jsha256(dgst, j->seal.p, j->seal.len);
    if (entx_jsign(j->sign, r->sig, dgst) != ENT_OK)
        return entx_fail(j->db, ENT_ERROR, "signing the journal record failed");
    rc = insert_record(j->db, r);
    if (rc == ENT_OK)
        fill_written(out, r, &j->seal);
    return rc;
}

int entx_journal_append_locked(ent_journal *j, struct jrec *r, ent_journal_written *out)
{
    return append_after(j, r, out, NULL);
}

/* ---- the handle --------------------------------------------------------- */

static int config_get(ent_db *db, const char *name, char *out, size_t len)
{
    out[0] = '\0';
    sqlite3_stmt *st = entx_stmt(db, "SELECT value FROM journal_config WHERE name = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int sc = sqlite3_step(st);
    if (sc == SQLITE_ROW)
        entx_col_copy(st, out, len, 0);
    sqlite3_reset(st);
    if (sc != SQLITE_ROW && sc != SQLITE_DONE)
        return entx_fail_sql(db, "reading the journal settings");
    return sc == SQLITE_ROW ? ENT_OK : ENT_NOTFOUND;
}

static int config_set(ent_db *db, const char *name, const char *value)
{
    sqlite3_stmt *st = entx_stmt(db, "INSERT INTO journal_config(name, value) VALUES (?, ?) "
                                    "ON CONFLICT(name) DO UPDATE SET value = excluded.value");
    if (st == NULL)
        return db->code;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    return entx_exec_stmt(db, st);
}

/* Remembers where the key is as an absolute path, so that any working
 * directory finds it again. */
static int remember_key_path(ent_db *db, const char *path)
{
    char abs[PATH_MAX];
    if (realpath(path, abs) == NULL)
        snprintf(abs, sizeof abs, "%s", path);
    return config_set(db, "key_path", abs);
}

static void set_key(ent_journal *j, EVP_PKEY *key, EVP_PKEY_CTX *ctx, unsigned char *spki, size_t spki_len,
                    const unsigned char id[J_HASH])
{
    EVP_PKEY_CTX_free(j->sign);
    EVP_PKEY_free(j->key);
    OPENSSL_free(j->spki);
    j->key = key;
    j->sign = ctx;
    j->spki = spki;
    j->spki_len = spki_len;
    memcpy(j->key_id, id, J_HASH);
    entx_jhex(j->key_hex, id, J_HASH);
}

/* A handle around a loaded key, with no session yet. Takes key. */
static int journal_new(ent_journal **out, ent_db *db, EVP_PKEY *key)
{
    unsigned char id[J_HASH];
    unsigned char *spki = NULL;
    size_t spki_len = 0;
    EVP_PKEY_CTX *ctx = NULL;
    int rc;
    ent_journal *j = calloc(1, sizeof *j);
    *out = NULL;
    if (j == NULL) {
        EVP_PKEY_free(key);
        return entx_fail(db, ENT_ERROR, "out of memory");
    }
    j->db = db;
    rc = entx_jstore_code(db, j->store, j->currency, j->tz);
    if (rc != ENT_OK)
        goto fail;
    if (entx_jkey_id(id, &spki, &spki_len, key) != ENT_OK || (ctx = entx_jsign_ctx(key)) == NULL) {
        rc = entx_fail(db, ENT_ERROR, "cannot use the signing key");
        goto fail;
    }
    set_key(j, key, ctx, spki, spki_len, id);
    *out = j;
    return ENT_OK;
fail:
    OPENSSL_free(spki);
    EVP_PKEY_free(key);
    free(j);
    return rc;
}

static void journal_free(ent_journal *j)
{
    if (j == NULL)
        return;
    EVP_PKEY_CTX_free(j->sign);
    EVP_PKEY_free(j->key);
    OPENSSL_free(j->spki);
    entx_jbuf_free(&j->body);
    entx_jbuf_free(&j->seal);
    entx_jrec_free_lists(&j->rec);
    free(j->counter);
    free(j);
}

/* A record with the defaults every writer shares. */
void entx_journal_rec_init(ent_journal *j, struct jrec *r, const char *kind, char uuid[ENT_UUID_SIZE],
                           char at[ENT_TIME_SIZE])
{
    entx_jrec_clear_lists(&j->rec);
    struct jrec keep = j->rec; /* list buffers are reused across appends */
    memset(r, 0, sizeof *r);
    r->taxes = keep.taxes;
    r->captax = keep.captax;
    r->pays = keep.pays;
    r->cappay = keep.cappay;
    r->lines = keep.lines;
    r->capline = keep.capline;
    r->counts = keep.counts;
    r->capcount = keep.capcount;
    entx_uuid_new(uuid);
    entx_now_utc(at);
    r->uuid = uuid;
    r->at = at;
    r->kind = kind;
    r->counter = j->counter ? j->counter : "";
    r->currency = j->currency;
}

void entx_journal_rec_done(ent_journal *j, struct jrec *r)
{
    /* Hand the (possibly grown) list buffers back to the handle. */
    j->rec.taxes = r->taxes;
    j->rec.captax = r->captax;
    j->rec.ntax = r->ntax;
    j->rec.pays = r->pays;
    j->rec.cappay = r->cappay;
    j->rec.npay = r->npay;
    j->rec.lines = r->lines;
    j->rec.capline = r->capline;
    j->rec.nline = r->nline;
    j->rec.counts = r->counts;
    j->rec.capcount = r->capcount;
    j->rec.ncount = r->ncount;
    entx_jrec_clear_lists(&j->rec);
}

static int write_event(ent_journal *j, ent_journal_written *out, const char *event, const char *note,
                       const unsigned char *pubkey, size_t pubkey_len)
{
    char uuid[ENT_UUID_SIZE], at[ENT_TIME_SIZE];
    struct jrec r;
    entx_journal_rec_init(j, &r, "EVENT", uuid, at);
    r.event = event;
    r.note = note;
    r.pubkey = pubkey;
    r.pubkey_len = pubkey_len;
    int rc = entx_journal_append_locked(j, &r, out);
    entx_journal_rec_done(j, &r);
    return rc;
}

int ent_journal_keygen(ent_db *db, char key_id_out[ENT_HASH_HEX_SIZE], const char *path, const char *passphrase)
{
    unsigned char id[J_HASH];
    entx_ok(db);
    if (path == NULL || *path == '\0')
        return entx_fail(db, ENT_INVALID, "no key file given");
    EVP_PKEY *k = entx_jkey_generate();
    if (k == NULL)
        return entx_fail(db, ENT_ERROR, "could not make an ECDSA P-256 key");
    int rc = entx_jkey_write(db, path, k, passphrase);
    if (rc == ENT_OK && key_id_out) {
        entx_jkey_id(id, NULL, NULL, k);
        entx_jhex(key_id_out, id, J_HASH);
    }
    EVP_PKEY_free(k);
    return rc;
}

static int journal_is_empty(ent_db *db, bool *empty)
{
    struct head h;
    int rc = entx_journal_read_head(db, &h);
    *empty = h.seq == 0;
    return rc;
}

int ent_journal_start(ent_db *db, char key_id_out[ENT_HASH_HEX_SIZE], const char *path, const char *passphrase)
{
    ent_journal *j = NULL;
    bool empty = false, created = false;
    int rc;
    entx_ok(db);
    if (path == NULL || *path == '\0')
        return entx_fail(db, ENT_INVALID, "no key file given");
    char code[ENT_STORE_CODE_SIZE];
    if ((rc = entx_jstore_code(db, code, NULL, NULL)) != ENT_OK)
        return rc;
    if ((rc = journal_is_empty(db, &empty)) != ENT_OK)
        return rc;
    if (!empty)
        return entx_fail_hint(db, ENT_EXISTS, ENT_HINT_ROTATE_KEY,
                             "the journal has already started: its next key is a rotation of the current one");
    EVP_PKEY *k = entx_jkey_generate();
    if (k == NULL)
        return entx_fail(db, ENT_ERROR, "could not make an ECDSA P-256 key");
    rc = entx_jkey_write(db, path, k, passphrase);
    if (rc != ENT_OK) {
        EVP_PKEY_free(k);
        return rc;
    }
    created = true;
    if ((rc = journal_new(&j, db, k)) != ENT_OK)
        goto done;
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        goto done;
    rc = journal_is_empty(db, &empty);
    if (rc == ENT_OK && !empty)
        rc = entx_fail(db, ENT_EXISTS, "the journal has already started");
    if (rc == ENT_OK) {
        char uuid[ENT_UUID_SIZE], at[ENT_TIME_SIZE];
        struct jrec r;
        entx_journal_rec_init(j, &r, "START", uuid, at);
        r.pubkey = j->spki;
        r.pubkey_len = j->spki_len;
        rc = entx_journal_append_locked(j, &r, NULL);
        entx_journal_rec_done(j, &r);
    }
    if (rc == ENT_OK)
        rc = remember_key_path(db, path);
    rc = entx_tx_end(db, rc);
    if (rc == ENT_OK && key_id_out)
        snprintf(key_id_out, ENT_HASH_HEX_SIZE, "%s", j->key_hex);
done:
    if (rc != ENT_OK && created)
        unlink(path); /* ours, just made, and never used */
    journal_free(j);
    return rc;
}

static const char *key_path_of(ent_db *db, const ent_journal_open_opts *o, char *buf, size_t len)
{
    if (o && o->key_path && *o->key_path)
        return o->key_path;
    const char *env = getenv("ENTREPOT_KEY");
    if (env && *env)
        return env;
    if (config_get(db, "key_path", buf, len) == ENT_OK)
        return buf;
    return NULL;
}

static const char *passphrase_of(const ent_journal_open_opts *o)
{
    if (o && o->passphrase)
        return o->passphrase;
    return getenv("ENTREPOT_KEY_PASSPHRASE");
}

/* Sessions left open by processes of this host that no longer run. Sessions
 * of other hosts cannot be checked from here and are left alone. */
static int close_stale_sessions(ent_journal *j)
{
    char host[256] = "";
    int rc = ENT_OK;
    gethostname(host, sizeof host - 1);
    for (;;) {
        char uuid[ENT_UUID_SIZE] = "", counter[65] = "", opened[ENT_TIME_SIZE] = "", note[512];
        int64_t pid = 0;
        sqlite3_stmt *st = entx_stmt(j->db, "SELECT uuid, pid, counter, opened_at FROM journal_session "
                                           "WHERE host = ? ORDER BY opened_at");
        if (st == NULL)
            return j->db->code;
        sqlite3_bind_text(st, 1, host, -1, SQLITE_STATIC);
        bool found = false;
        int sc;
        while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
            pid = sqlite3_column_int64(st, 1);
            bool alive = pid != (int64_t)getpid() && pid > 0 && pid <= INT_MAX &&
                         (kill((pid_t)pid, 0) == 0 || errno != ESRCH);
            if (!alive) {
                entx_col_copy(st, uuid, sizeof uuid, 0);
                entx_col_copy(st, counter, sizeof counter, 2);
                entx_col_copy(st, opened, sizeof opened, 3);
                found = true;
                break;
            }
        }
        sqlite3_reset(st);
        if (sc != SQLITE_ROW && sc != SQLITE_DONE)
            return entx_fail_sql(j->db, "reading journal sessions");
        if (!found)
            return ENT_OK;
        snprintf(note, sizeof note, "session %s of counter %s (pid %lld on %s, opened %s) ended without closing",
                 uuid, *counter ? counter : "-", (long long)pid, host, opened);
        rc = write_event(j, NULL, "unclean-shutdown", note, NULL, 0);
        if (rc != ENT_OK)
            return rc;
        st = entx_stmt(j->db, "DELETE FROM journal_session WHERE uuid = ?");
        if (st == NULL)
            return j->db->code;
        sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
        if ((rc = entx_exec_stmt(j->db, st)) != ENT_OK)
            return rc;
    }
}

static int open_session(ent_journal *j)
{
    char host[256] = "", now[ENT_TIME_SIZE];
    gethostname(host, sizeof host - 1);
    entx_now_utc(now);
    entx_uuid_new(j->session);
    sqlite3_stmt *st = entx_stmt(j->db, "INSERT INTO journal_session(uuid, host, pid, counter, opened_at) "
                                       "VALUES (?, ?, ?, ?, ?)");
    if (st == NULL)
        return j->db->code;
    sqlite3_bind_text(st, 1, j->session, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, host, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (int64_t)getpid());
    sqlite3_bind_text(st, 4, j->counter ? j->counter : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    return entx_exec_stmt(j->db, st);
}

/* Loads the key named by opts and makes the handle (no session yet). */
static int load_for_open(ent_journal **out, ent_db *db, const ent_journal_open_opts *opts)
{
    char buf[PATH_MAX + 1];
    EVP_PKEY *key = NULL;
    *out = NULL;
    const char *path = key_path_of(db, opts, buf, sizeof buf);
    if (db->code != ENT_OK)
        return db->code;
    if (path == NULL)
        return entx_fail_hint(db, ENT_REFUSED, ENT_HINT_START_JOURNAL,
                             "no signing key is set up, so nothing can be sold");
    int rc = entx_jkey_load(db, &key, path, passphrase_of(opts));
    if (rc != ENT_OK)
        return rc;
    rc = journal_new(out, db, key);
    if (rc == ENT_OK && opts && opts->counter && *opts->counter) {
        rc = entx_check_text(db, "counter", opts->counter, 32, false);
        if (rc == ENT_OK && ((*out)->counter = entx_strdup(opts->counter)) == NULL)
            rc = entx_fail(db, ENT_ERROR, "out of memory");
    }
    if (rc != ENT_OK) {
        journal_free(*out);
        *out = NULL;
    }
    return rc;
}

static int finish_open(ent_journal *j)
{
    int rc = entx_tx_begin(j->db);
    if (rc != ENT_OK)
        return rc;
    rc = close_stale_sessions(j);
    if (rc == ENT_OK)
        rc = open_session(j);
    return entx_tx_end(j->db, rc);
}

int ent_journal_open(ent_journal **out, ent_db *db, const ent_journal_open_opts *opts)
{
    ent_journal *j = NULL;
    struct head h;
    *out = NULL;
    entx_ok(db);
    int rc = entx_journal_read_head(db, &h);
    if (rc != ENT_OK)
        return rc;
    if (h.seq == 0)
        return entx_fail_hint(db, ENT_REFUSED, ENT_HINT_START_JOURNAL,
                             "the sales journal has not started, so nothing can be sold");
    if ((rc = load_for_open(&j, db, opts)) != ENT_OK)
        return rc;
    if (memcmp(h.key_id, j->key_id, J_HASH) != 0) {
        char cur[ENT_HASH_HEX_SIZE];
        entx_jhex(cur, h.key_id, J_HASH);
        rc = entx_fail_hint(db, ENT_REFUSED, ENT_HINT_REPLACE_KEY,
                           "the signing key %.16s… is not the journal's current key %.16s…: use the current key "
                           "file, or record that the current key is lost",
                           j->key_hex, cur);
        goto done;
    }
    /* Said when the counter opens, not after a basket was scanned and paid. */
    char now[ENT_TIME_SIZE];
    entx_now_utc(now);
    if ((rc = refuse_before_close(db, j->tz, "the clock reads", now)) != ENT_OK)
        goto done;
    rc = finish_open(j);
done:
    if (rc != ENT_OK) {
        journal_free(j);
        return rc;
    }
    *out = j;
    return ENT_OK;
}

int ent_journal_open_replacing_key(ent_journal **out, ent_db *db, const ent_journal_open_opts *opts,
                                   const char *reason)
{
    ent_journal *j = NULL;
    struct head h;
    char buf[PATH_MAX + 1];
    *out = NULL;
    entx_ok(db);
    int rc = entx_check_text(db, "reason", reason, 500, true);
    if (rc != ENT_OK)
        return rc;
    if ((rc = entx_journal_read_head(db, &h)) != ENT_OK)
        return rc;
    if (h.seq == 0)
        return entx_fail(db, ENT_REFUSED, "the sales journal has not started: there is no key to replace");
    if ((rc = load_for_open(&j, db, opts)) != ENT_OK)
        return rc;
    if (memcmp(h.key_id, j->key_id, J_HASH) == 0) {
        rc = entx_fail(db, ENT_INVALID, "that key is already the journal's current key");
        goto done;
    }
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        goto done;
    rc = write_event(j, NULL, "key-change", reason, j->spki, j->spki_len);
    if (rc == ENT_OK)
        rc = remember_key_path(db, key_path_of(db, opts, buf, sizeof buf));
    if ((rc = entx_tx_end(db, rc)) == ENT_OK)
        rc = finish_open(j);
done:
    if (rc != ENT_OK) {
        journal_free(j);
        return rc;
    }
    *out = j;
    return ENT_OK;
}

void ent_journal_close(ent_journal *j)
{
    if (j == NULL)
        return;
    if (j->session[0]) {
        /* A clean end: the next open finds no session of ours. */
        if (entx_tx_begin(j->db) == ENT_OK) {
            sqlite3_stmt *st = entx_stmt(j->db, "DELETE FROM journal_session WHERE uuid = ?");
            int rc = st ? ENT_OK : j->db->code;
            if (st) {
                sqlite3_bind_text(st, 1, j->session, -1, SQLITE_STATIC);
                rc = entx_exec_stmt(j->db, st);
            }
            entx_tx_end(j->db, rc);
        }
    }
    journal_free(j);
}

const char *ent_journal_key_id(const ent_journal *j)
{
    return j ? j->key_hex : "";
}

/* ---- appending ---------------------------------------------------------- */

static bool valid_uuid(const char *s)
{
    if (s == NULL || strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return true;
}

static bool valid_time(const char *s)
{
    char d[ENT_DATE_SIZE];
    if (s == NULL || strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
        return false;
    memcpy(d, s, 10);
    d[10] = '\0';
    if (entx_date_parse(NULL, d) != ENT_OK)
        return false;
    for (int i = 11; i < 19; i++)
        if (i != 13 && i != 16 && (s[i] < '0' || s[i] > '9'))
            return false;
    return (s[11] - '0') * 10 + (s[12] - '0') < 24 && (s[14] - '0') < 6 && (s[17] - '0') < 6;
}

static int cmp_tax(const void *a, const void *b)
{
    const struct jtax *x = a, *y = b;
    return (x->rate > y->rate) - (x->rate < y->rate);
}

static int cmp_pay(const void *a, const void *b)
{
    const struct jpay *x = a, *y = b;
    return strcmp(x->method, y->method);
}

/* Copies and checks the caller's lists into r; sets r->total. */
static int take_lists(ent_db *db, struct jrec *r, const ent_journal_record *rec)
{
    int64_t sum_tax = 0, sum_pay = 0, sum_line = 0;
    int rc;
    /* Every amount moves the till the record's way: a sale's payments cannot
     * hide a payout, a return's cannot hide takings. */
    bool refund = strcmp(r->kind, "RETURN") == 0 || strcmp(r->kind, "VOID") == 0;
    const char *sign = refund ? "zero or negative" : "zero or positive";
    if (rec->ntaxes == 0 || rec->npays == 0)
        return entx_fail(db, ENT_INVALID, "a %s needs its amounts per tax rate and per payment method", r->kind);
    if (rec->ntaxes > 64 || rec->npays > 32 || rec->nlines > 100000)
        return entx_fail(db, ENT_INVALID, "too many tax rates, payments or lines");
    if ((rec->ntaxes && !rec->taxes) || (rec->npays && !rec->pays) || (rec->nlines && !rec->lines))
        return entx_fail(db, ENT_INVALID, "a list is missing its items");
    for (size_t i = 0; i < rec->ntaxes; i++) {
        const ent_journal_tax *t = &rec->taxes[i];
        if (t->rate < 0 || t->rate > 10000)
            return entx_fail(db, ENT_INVALID, "tax rate %d is outside 0..10000 basis points", (int)t->rate);
        struct jtax *o = entx_jrec_add_tax(r);
        if (o == NULL || __builtin_add_overflow(sum_tax, t->gross, &sum_tax))
            return entx_fail(db, ENT_INVALID, "the amounts are too large");
        o->rate = t->rate;
        o->gross = t->gross;
        o->tax = t->tax;
    }
    qsort(r->taxes, r->ntax, sizeof *r->taxes, cmp_tax);
    for (size_t i = 1; i < r->ntax; i++)
        if (r->taxes[i].rate == r->taxes[i - 1].rate)
            return entx_fail(db, ENT_INVALID, "tax rate %lld appears twice", (long long)r->taxes[i].rate);
    for (size_t i = 0; i < rec->npays; i++) {
        const ent_journal_pay *p = &rec->pays[i];
        if ((rc = entx_check_text(db, "payment method", p->method, 32, true)) != ENT_OK)
            return rc;
        struct jpay *o = entx_jrec_add_pay(r);
        if (o == NULL || (o->method = entx_strdup(p->method)) == NULL)
            return entx_fail(db, ENT_ERROR, "out of memory");
        if (__builtin_add_overflow(sum_pay, p->amount, &sum_pay))
            return entx_fail(db, ENT_INVALID, "the amounts are too large");
        o->amount = p->amount;
    }
    qsort(r->pays, r->npay, sizeof *r->pays, cmp_pay);
    for (size_t i = 1; i < r->npay; i++)
        if (strcmp(r->pays[i].method, r->pays[i - 1].method) == 0)
            return entx_fail(db, ENT_INVALID, "payment method '%s' appears twice", r->pays[i].method);
    for (size_t i = 0; i < rec->nlines; i++) {
        const ent_journal_line *l = &rec->lines[i];
        char field[48];
        snprintf(field, sizeof field, "line %zu: code", i + 1);
        if ((rc = entx_check_text(db, field, l->code, 64, true)) != ENT_OK)
            return rc;
        snprintf(field, sizeof field, "line %zu: lot", i + 1);
        if ((rc = entx_check_text(db, field, l->lot, 200, false)) != ENT_OK)
            return rc;
        snprintf(field, sizeof field, "line %zu: name", i + 1);
        if ((rc = entx_check_text(db, field, l->name, 200, false)) != ENT_OK)
            return rc;
        if (l->rate < 0 || l->rate > 10000 || l->discount < 0 || l->unit_price < 0)
            return entx_fail(db, ENT_INVALID, "line %zu: tax rate outside 0..10000, or a negative price or discount",
                            i + 1);
        struct jline *o = entx_jrec_add_line(r);
        if (o == NULL)
            return entx_fail(db, ENT_ERROR, "out of memory");
        o->line = (int64_t)i + 1;
        o->code = entx_strdup(l->code);
        o->lot = entx_strdup(l->lot ? l->lot : "");
        o->name = entx_strdup(l->name ? l->name : "");
        if (!o->code || !o->lot || !o->name)
            return entx_fail(db, ENT_ERROR, "out of memory");
        o->qty = l->qty;
        o->unit_price = l->unit_price;
        o->discount = l->discount;
        o->amount = l->amount;
        o->rate = l->rate;
        if (__builtin_add_overflow(sum_line, l->amount, &sum_line))
            return entx_fail(db, ENT_INVALID, "the amounts are too large");
    }
    if (sum_tax != sum_pay)
        return entx_fail(db, ENT_INVALID, "the amounts per tax rate add up to %lld but the payments to %lld",
                        (long long)sum_tax, (long long)sum_pay);
    if (rec->nlines && sum_line != sum_tax)
        return entx_fail(db, ENT_INVALID, "the lines add up to %lld but the amounts per tax rate to %lld",
                        (long long)sum_line, (long long)sum_tax);
    if (refund ? sum_tax > 0 : sum_tax < 0)
        return entx_fail(db, ENT_INVALID, "a %s's total must be %s, not %lld", r->kind, sign, (long long)sum_tax);
    for (size_t i = 0; i < r->ntax; i++)
        if (refund ? r->taxes[i].gross > 0 : r->taxes[i].gross < 0)
            return entx_fail(db, ENT_INVALID, "the amount at tax rate %lld must be %s in a %s, not %lld",
                            (long long)r->taxes[i].rate, sign, r->kind, (long long)r->taxes[i].gross);
    for (size_t i = 0; i < r->npay; i++)
        if (refund ? r->pays[i].amount > 0 : r->pays[i].amount < 0)
            return entx_fail(db, ENT_INVALID, "payment '%s' must be %s in a %s, not %lld", r->pays[i].method, sign,
                            r->kind, (long long)r->pays[i].amount);
    r->total = sum_tax;
    return ENT_OK;
}

static int check_record(ent_journal *j, const ent_journal_record *rec)
{
    ent_db *db = j->db;
    char shown[64];
    int rc;
    if (rec == NULL)
        return entx_fail(db, ENT_INVALID, "no record given");
    if (rec->kind != ENT_JOURNAL_SALE && rec->kind != ENT_JOURNAL_RETURN && rec->kind != ENT_JOURNAL_VOID &&
        rec->kind != ENT_JOURNAL_TRAINING)
        return entx_fail(db, ENT_INVALID, "only SALE, RETURN, VOID and TRAINING records can be appended; "
                                         "the journal writes the others itself");
    if (rec->uuid && !valid_uuid(rec->uuid))
        return entx_fail(db, ENT_INVALID, "uuid '%s' is not a lower-case UUID",
                        ent_text_clip(shown, sizeof shown, rec->uuid, 40));
    if (rec->time && !valid_time(rec->time))
        return entx_fail(db, ENT_INVALID, "time '%s' is not UTC YYYY-MM-DDTHH:MM:SSZ",
                        ent_text_clip(shown, sizeof shown, rec->time, 40));
    if (rec->ref && *rec->ref && !valid_uuid(rec->ref))
        return entx_fail(db, ENT_INVALID, "ref '%s' is not a lower-case UUID",
                        ent_text_clip(shown, sizeof shown, rec->ref, 40));
    if (rec->kind == ENT_JOURNAL_VOID && (rec->ref == NULL || *rec->ref == '\0'))
        return entx_fail(db, ENT_INVALID, "a VOID needs the UUID of the record it voids (ref)");
    if ((rc = entx_check_text(db, "counter", rec->counter, 32, false)) != ENT_OK ||
        (rc = entx_check_text(db, "cashier", rec->cashier, 64, false)) != ENT_OK ||
        (rc = entx_check_text(db, "note", rec->note, 500, false)) != ENT_OK)
        return rc;
    return ENT_OK;
}

/* Refuses records dated before the last day closing (they would belong to
 * a closed period); writes the clock event. *h receives the head the record
 * will follow. */
static int check_time(ent_journal *j, const struct jrec *r, struct head *h)
{
    int rc = entx_journal_read_head(j->db, h);
    if (rc == ENT_OK)
        rc = refuse_before_close(j->db, j->tz, "the record is dated", r->at);
    if (rc != ENT_OK)
        return rc;
    if (h->seq > 0 && strcmp(r->at, h->at) < 0) {
        char note[192], uuid[ENT_UUID_SIZE], at[ENT_TIME_SIZE], from[20], to[20];
        struct jrec e;
        ent_time_local(from, j->tz, h->at);
        ent_time_local(to, j->tz, r->at);
        snprintf(note, sizeof note, "the clock went back from %s (record %lld) to %s (%s)", from, (long long)h->seq,
                 to, j->tz);
        memset(&e, 0, sizeof e); /* no lists: r's are not touched */
        entx_uuid_new(uuid);
        snprintf(at, sizeof at, "%s", r->at);
        e.uuid = uuid;
        e.at = at;
        e.kind = "EVENT";
        e.counter = r->counter;
        e.currency = j->currency;
        e.event = "clock-backwards";
        e.note = note;
        rc = append_after(j, &e, NULL, h);
        if (rc == ENT_OK)
            rc = entx_journal_read_head(j->db, h);
    }
    return rc;
}

int ent_journal_append(ent_journal *j, ent_journal_written *out, const ent_journal_record *rec)
{
    char uuid[ENT_UUID_SIZE], at[ENT_TIME_SIZE];
    struct jrec r;
    int rc;
    if (j == NULL)
        return entx_error_set(ENT_INVALID, "no journal given");
    entx_ok(j->db);
    if ((rc = check_record(j, rec)) != ENT_OK)
        return rc;
    entx_journal_rec_init(j, &r, entx_jkind_name(rec->kind), uuid, at);
    if (rec->uuid)
        snprintf(uuid, sizeof uuid, "%s", rec->uuid);
    if (rec->time)
        snprintf(at, sizeof at, "%s", rec->time);
    if (rec->counter)
        r.counter = rec->counter;
    r.cashier = rec->cashier;
    r.ref = rec->ref;
    r.note = rec->note;
    if ((rc = take_lists(j->db, &r, rec)) != ENT_OK)
        goto done;
    if ((rc = entx_tx_begin(j->db)) != ENT_OK)
        goto done;
    /* A UUID of our own making is new; one the caller gives may be a retry. */
    sqlite3_stmt *st = rec->uuid ? entx_stmt(j->db, "SELECT seq FROM journal WHERE uuid = ?") : NULL;
    if (rec->uuid && st == NULL) {
        rc = j->db->code;
    } else if (st) {
        sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            rc = entx_fail(j->db, ENT_EXISTS, "record %s is already in the journal (seq %lld)", uuid,
                          (long long)sqlite3_column_int64(st, 0));
        sqlite3_reset(st);
    }
    struct head h;
    if (rc == ENT_OK)
        rc = check_time(j, &r, &h);
    if (rc == ENT_OK)
        rc = append_after(j, &r, out, &h);
    rc = entx_tx_end(j->db, rc);
done:
    entx_journal_rec_done(j, &r);
    return rc;
}

int ent_journal_event(ent_journal *j, ent_journal_written *out, const char *event, const char *note)
{
    int rc;
    if (j == NULL)
        return entx_error_set(ENT_INVALID, "no journal given");
    entx_ok(j->db);
    if ((rc = entx_check_text(j->db, "event", event, 32, true)) != ENT_OK ||
        (rc = entx_check_text(j->db, "note", note, 500, false)) != ENT_OK)
        return rc;
    if ((rc = entx_tx_begin(j->db)) != ENT_OK)
        return rc;
    rc = write_event(j, out, event, note, NULL, 0);
    return entx_tx_end(j->db, rc);
}

/* ---- rotation ----------------------------------------------------------- */

int ent_journal_rotate(ent_journal *j, char key_id_out[ENT_HASH_HEX_SIZE], const char *new_path, const char *passphrase)
{
    unsigned char id[J_HASH];
    unsigned char *spki = NULL;
    size_t spki_len = 0;
    EVP_PKEY_CTX *ctx = NULL;
    bool written = false;
    int rc;
    if (j == NULL)
        return entx_error_set(ENT_INVALID, "no journal given");
    entx_ok(j->db);
    if (new_path == NULL || *new_path == '\0')
        return entx_fail(j->db, ENT_INVALID, "no file given for the new key");
    EVP_PKEY *k = entx_jkey_generate();
    if (k == NULL)
        return entx_fail(j->db, ENT_ERROR, "could not make an ECDSA P-256 key");
    if ((rc = entx_jkey_write(j->db, new_path, k, passphrase)) != ENT_OK)
        goto done;
    written = true;
    if (entx_jkey_id(id, &spki, &spki_len, k) != ENT_OK || (ctx = entx_jsign_ctx(k)) == NULL) {
        rc = entx_fail(j->db, ENT_ERROR, "cannot use the new key");
        goto done;
    }
    if ((rc = entx_tx_begin(j->db)) != ENT_OK)
        goto done;
    char uuid[ENT_UUID_SIZE], at[ENT_TIME_SIZE];
    struct jrec r;
    entx_journal_rec_init(j, &r, "KEY", uuid, at);
    r.pubkey = spki;
    r.pubkey_len = spki_len;
    struct head h;
    rc = check_time(j, &r, &h);
    if (rc == ENT_OK)
        rc = append_after(j, &r, NULL, &h); /* signed by the old key: it vouches for the new one */
    entx_journal_rec_done(j, &r);
    if (rc == ENT_OK)
        rc = remember_key_path(j->db, new_path);
    rc = entx_tx_end(j->db, rc);
    if (rc == ENT_OK) {
        set_key(j, k, ctx, spki, spki_len, id);
        k = NULL;
        ctx = NULL;
        spki = NULL;
        if (key_id_out)
            snprintf(key_id_out, ENT_HASH_HEX_SIZE, "%s", j->key_hex);
    }
done:
    if (rc != ENT_OK && written)
        unlink(new_path);
    EVP_PKEY_CTX_free(ctx);
    OPENSSL_free(spki);
    EVP_PKEY_free(k);
    return rc;
}
