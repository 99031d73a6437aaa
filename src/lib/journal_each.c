/* Reading the journal's records one by one with their lists (ent_journal_each, used by export). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/db.h"
#include "journal_internal.h"

/* ---- reading records ---------------------------------------------------- */

struct each_buf {
    ent_journal_tax *taxes;
    ent_journal_pay *pays;
    ent_journal_line *lines;
    const char **kinds;
    int64_t *counts;
    size_t ctax, cpay, cline, ccount;
};

#define ENSURE(arr, cap, n)                                                                                  \
    do {                                                                                                     \
        if ((n) > (cap)) {                                                                                   \
            void *p_ = realloc((arr), (n) * sizeof *(arr));                                                  \
            if (p_ == NULL)                                                                                  \
                return ENT_ERROR;                                                                            \
            (arr) = p_;                                                                                      \
            (cap) = (n);                                                                                     \
        }                                                                                                    \
    } while (0)

static int to_entry(struct each_buf *eb, ent_journal_entry *e, const struct jrec *r)
{
    ENSURE(eb->taxes, eb->ctax, r->ntax);
    ENSURE(eb->pays, eb->cpay, r->npay);
    ENSURE(eb->lines, eb->cline, r->nline);
    ENSURE(eb->kinds, eb->ccount, r->ncount);
    if (r->ncount > 0) {
        void *p = realloc(eb->counts, r->ncount * sizeof *eb->counts);
        if (p == NULL)
            return ENT_ERROR;
        eb->counts = p;
    }
    for (size_t i = 0; i < r->ntax; i++) {
        eb->taxes[i].rate = (int32_t)r->taxes[i].rate;
        eb->taxes[i].gross = r->taxes[i].gross;
        eb->taxes[i].tax = r->taxes[i].tax;
    }
    for (size_t i = 0; i < r->npay; i++) {
        eb->pays[i].method = r->pays[i].method;
        eb->pays[i].amount = r->pays[i].amount;
    }
    for (size_t i = 0; i < r->nline; i++) {
        const struct jline *l = &r->lines[i];
        ent_journal_line *o = &eb->lines[i];
        o->code = l->code;
        o->lot = l->lot;
        o->name = l->name;
        o->qty = l->qty;
        o->unit_price = l->unit_price;
        o->discount = l->discount;
        o->amount = l->amount;
        o->rate = (int32_t)l->rate;
    }
    for (size_t i = 0; i < r->ncount; i++) {
        eb->kinds[i] = r->counts[i].kind;
        eb->counts[i] = r->counts[i].n;
    }
    e->taxes = eb->taxes;
    e->ntaxes = r->ntax;
    e->pays = eb->pays;
    e->npays = r->npay;
    e->lines = eb->lines;
    e->nlines = r->nline;
    e->count_kinds = eb->kinds;
    e->counts = eb->counts;
    e->ncounts = r->ncount;
    return ENT_OK;
}

int ent_journal_each(ent_db *db, int64_t from_seq, int64_t to_seq, ent_journal_entry_cb cb, void *ud)
{
    struct jwalk *w = NULL;
    struct jrec *r;
    struct jbuf body = {0}, seal = {0};
    struct each_buf eb;
    char store[ENT_STORE_CODE_SIZE], prev[ENT_HASH_HEX_SIZE], kid[ENT_HASH_HEX_SIZE], hash[ENT_HASH_HEX_SIZE], sig[129],
        sig64[90], *qr = NULL;
    int rc, more;
    memset(&eb, 0, sizeof eb);
    entx_ok(db);
    if ((rc = entx_jstore_code(db, store, NULL, NULL)) != ENT_OK)
        return rc;
    if ((rc = entx_jwalk_open(db, &w, from_seq > 0 ? from_seq : 1)) != ENT_OK)
        return rc;
    while ((more = entx_jwalk_next(w, &r)) == 1) {
        ent_journal_entry e;
        if (to_seq > 0 && r->seq > to_seq)
            break;
        memset(&e, 0, sizeof e);
        if (entx_jbody_build(&body, store, r) != ENT_OK || entx_jseal_build(&seal, store, r) != ENT_OK ||
            to_entry(&eb, &e, r) != ENT_OK) {
            rc = entx_fail(db, ENT_ERROR, "out of memory");
            break;
        }
        entx_jhex(prev, r->prev, J_HASH);
        entx_jhex(kid, r->key_id, J_HASH);
        entx_jhex(hash, r->hash, J_HASH);
        entx_jhex(sig, r->sig, J_SIG);
        entx_jb64url(sig64, r->sig, J_SIG);
        free(qr);
        qr = malloc(seal.len + strlen(sig64) + 2);
        if (qr == NULL) {
            rc = entx_fail(db, ENT_ERROR, "out of memory");
            break;
        }
        sprintf(qr, "%s|%s", seal.p, sig64);
        char *pem = r->pubkey && r->pubkey_len ? entx_jkey_pem(r->pubkey, r->pubkey_len) : NULL;
        e.seq = r->seq;
        e.uuid = r->uuid;
        e.kind = r->kind;
        e.time = r->at;
        e.counter = r->counter;
        e.cashier = r->cashier;
        e.ref = r->ref;
        e.currency = r->currency;
        e.event = r->event;
        e.note = r->note;
        e.period = r->period;
        e.period_end = r->period_end;
        e.total = r->total;
        e.grand_total = r->grand_total;
        e.first_seq = r->first_seq;
        e.last_seq = r->last_seq;
        e.training = r->training;
        e.pubkey_pem = pem;
        e.prev_hash = prev;
        e.key_id = kid;
        e.hash = hash;
        e.signature = sig;
        e.body = body.p;
        e.qr = qr;
        int stop = cb(&e, ud);
        free(pem);
        if (stop) {
            rc = stop;
            break;
        }
    }
    if (more < 0)
        rc = more;
    entx_jwalk_close(w);
    entx_jbuf_free(&body);
    entx_jbuf_free(&seal);
    free(qr);
    free(eb.taxes);
    free(eb.pays);
    free(eb.lines);
    free(eb.kinds);
    free(eb.counts);
    return rc;
}

/* ---- closings ----------------------------------------------------------- */

/* The closings' seqs, newest first, into a malloc'd *out. */
static int closing_seqs(ent_db *db, int64_t limit, int64_t **out, size_t *n)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = entx_stmt(db, "SELECT seq FROM journal WHERE kind = 'CLOSE' ORDER BY seq DESC LIMIT ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, limit > 0 ? limit : -1);
    int sc;
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            int64_t *p = realloc(*out, (cap ? cap * 2 : 16) * sizeof *p);
            if (p == NULL) {
                sqlite3_reset(st);
                return entx_fail(db, ENT_ERROR, "out of memory");
            }
            *out = p;
            cap = cap ? cap * 2 : 16;
        }
        (*out)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    return sc == SQLITE_DONE ? ENT_OK : entx_fail_sql(db, "reading the journal's closings");
}

int ent_journal_closings(ent_db *db, int64_t limit, ent_journal_entry_cb cb, void *ud)
{
    int64_t *seqs = NULL;
    size_t n = 0;
    entx_ok(db);
    if (limit < 0)
        return entx_fail(db, ENT_INVALID, "the number of closings must be 0 (all) or more, not %lld", (long long)limit);
    /* The seqs are read first: the statement is the handle's cached one,
     * and reading each record uses the handle too. */
    int rc = closing_seqs(db, limit, &seqs, &n);
    for (size_t i = 0; rc == ENT_OK && i < n; i++)
        rc = ent_journal_each(db, seqs[i], seqs[i], cb, ud);
    free(seqs);
    return rc;
}
