/*
 * Verifying the journal: signatures checked by a pool of threads while the
 * main thread walks the chain, and every closing recomputed. The record
 * iterator is in journal_each.c, receipt checks in journal_receipt.c.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "entrepot/db.h"
#include "entrepot/parse.h"
#include "journal_internal.h"
#include "time_internal.h"

#define MAX_KEYS 256
#define BATCH 256
#define QUEUE_CAP 32
#define MAX_THREADS 16

/* ---- issues ------------------------------------------------------------- */

/* Reasons rank so that one record gets one line: a broken chain explains a
 * bad signature, which explains a wrong grand total. */
enum { PRIO_CHAIN = 0, PRIO_SIG = 1, PRIO_CONTENT = 2 };

struct issue {
    int64_t seq;
    int prio;
    char *reason;
};

struct issues {
    struct issue *v;
    size_t n, cap;
    int oom;
};

static void issue_add(struct issues *is, int64_t seq, int prio, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void issue_add(struct issues *is, int64_t seq, int prio, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (is->n == is->cap) {
        size_t cap = is->cap ? is->cap * 2 : 64;
        struct issue *v = realloc(is->v, cap * sizeof *v);
        if (v == NULL) {
            is->oom = 1;
            return;
        }
        is->v = v;
        is->cap = cap;
    }
    is->v[is->n].seq = seq;
    is->v[is->n].prio = prio;
    is->v[is->n].reason = entx_strdup(buf);
    if (is->v[is->n].reason == NULL) {
        is->oom = 1;
        return;
    }
    is->n++;
}

static int cmp_issue(const void *a, const void *b)
{
    const struct issue *x = a, *y = b;
    if (x->seq != y->seq)
        return (x->seq > y->seq) - (x->seq < y->seq);
    return x->prio - y->prio;
}

static bool issue_in(const struct issues *is, int64_t from, int64_t to)
{
    for (size_t i = 0; i < is->n; i++)
        if (is->v[i].seq >= from && is->v[i].seq <= to)
            return true;
    return false;
}

/* ---- the signature pool ------------------------------------------------- */

struct job {
    int64_t seq;
    int key;
    unsigned char dgst[J_HASH];
    unsigned char sig[J_SIG];
};

struct batch {
    size_t n;
    struct job jobs[BATCH];
};

struct pool {
    pthread_mutex_t mu;
    pthread_cond_t can_pop, can_push;
    struct batch *queue[QUEUE_CAP];
    size_t first, count;
    bool done;
    EVP_PKEY *const *keys; /* keys[k] is set before any job names k */
    int64_t *bad;          /* seqs whose signature failed */
    size_t nbad, capbad;
    int oom;
    pthread_t threads[MAX_THREADS];
    int nthreads;
};

static void *worker(void *arg)
{
    struct pool *p = arg;
    EVP_PKEY_CTX *ctx[MAX_KEYS] = {0};
    int64_t *bad = NULL;
    size_t nbad = 0, capbad = 0;
    int oom = 0;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->count == 0 && !p->done)
            pthread_cond_wait(&p->can_pop, &p->mu);
        if (p->count == 0) {
            pthread_mutex_unlock(&p->mu);
            break;
        }
        struct batch *b = p->queue[p->first];
        p->first = (p->first + 1) % QUEUE_CAP;
        p->count--;
        pthread_cond_signal(&p->can_push);
        pthread_mutex_unlock(&p->mu);
        for (size_t i = 0; i < b->n; i++) {
            const struct job *jb = &b->jobs[i];
            if (ctx[jb->key] == NULL)
                ctx[jb->key] = entx_jverify_ctx(p->keys[jb->key]);
            if (ctx[jb->key] && entx_jverify(ctx[jb->key], jb->sig, jb->dgst))
                continue;
            if (nbad == capbad) {
                capbad = capbad ? capbad * 2 : 64;
                int64_t *g = realloc(bad, capbad * sizeof *g);
                if (g == NULL) {
                    oom = 1;
                    continue;
                }
                bad = g;
            }
            bad[nbad++] = jb->seq;
        }
        free(b);
    }
    for (int k = 0; k < MAX_KEYS; k++)
        EVP_PKEY_CTX_free(ctx[k]);
    pthread_mutex_lock(&p->mu);
    for (size_t i = 0; i < nbad && !oom; i++) {
        if (p->nbad == p->capbad) {
            size_t cap = p->capbad ? p->capbad * 2 : 64;
            int64_t *g = realloc(p->bad, cap * sizeof *g);
            if (g == NULL) {
                oom = 1;
                break;
            }
            p->bad = g;
            p->capbad = cap;
        }
        p->bad[p->nbad++] = bad[i];
    }
    p->oom |= oom;
    pthread_mutex_unlock(&p->mu);
    free(bad);
    return NULL;
}

static int pool_start(struct pool *p, EVP_PKEY *const *keys, int nthreads)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->can_pop, NULL);
    pthread_cond_init(&p->can_push, NULL);
    p->keys = keys;
    for (int i = 0; i < nthreads; i++) {
        if (pthread_create(&p->threads[i], NULL, worker, p) != 0)
            break;
        p->nthreads++;
    }
    return p->nthreads > 0 ? ENT_OK : ENT_ERROR;
}

static void pool_push(struct pool *p, struct batch *b)
{
    pthread_mutex_lock(&p->mu);
    while (p->count == QUEUE_CAP)
        pthread_cond_wait(&p->can_push, &p->mu);
    p->queue[(p->first + p->count) % QUEUE_CAP] = b;
    p->count++;
    pthread_cond_signal(&p->can_pop);
    pthread_mutex_unlock(&p->mu);
}

static void pool_finish(struct pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->done = true;
    pthread_cond_broadcast(&p->can_pop);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->can_pop);
    pthread_cond_destroy(&p->can_push);
}

/* ---- verification ------------------------------------------------------- */

struct vkey {
    unsigned char id[J_HASH];
    char hex[ENT_HASH_HEX_SIZE];
    int64_t seq; /* the record that introduced it */
};

struct vclose {
    int64_t seq, first, last, total, training;
    char period[24];
    struct jrec lists; /* only the lists are used */
};

struct verifier {
    ent_db *db;
    const ent_journal_verify_opts *opts;
    char store[ENT_STORE_CODE_SIZE];
    EVP_PKEY **trusted;
    size_t ntrusted;
    unsigned char (*trusted_ids)[J_HASH];
    EVP_PKEY *keys[MAX_KEYS];
    struct vkey vkeys[MAX_KEYS];
    int nkeys, cur;
    struct pool pool;
    bool pool_on;
    struct batch *batch;
    struct issues issues;
    struct vclose *closes;
    size_t nclose, capclose;
    int64_t last_day_close; /* day closings tile the journal: each starts after the previous */
    char closed_at[ENT_TIME_SIZE]; /* when the last day closing was taken: it covers everything before, so
                           nothing after it may be dated earlier */
    char closed_day[24];
    char tz[ENT_TZ_SIZE]; /* the store's zone, for the times in messages */
    struct jbuf body, seal, probe;
};

static int find_key(const struct verifier *v, const unsigned char id[J_HASH])
{
    for (int k = 0; k < v->nkeys; k++)
        if (memcmp(v->vkeys[k].id, id, J_HASH) == 0)
            return k;
    return -1;
}

static bool is_trusted(const struct verifier *v, const unsigned char id[J_HASH])
{
    for (size_t i = 0; i < v->ntrusted; i++)
        if (memcmp(v->trusted_ids[i], id, J_HASH) == 0)
            return true;
    return false;
}

/* Adds the public key a record carries; -1 when it is not a P-256 key. */
static int add_key(struct verifier *v, const struct jrec *r)
{
    unsigned char id[J_HASH];
    entx_jsha256(id, r->pubkey, r->pubkey_len);
    int k = find_key(v, id);
    if (k >= 0)
        return k;
    if (v->nkeys == MAX_KEYS)
        return -1;
    EVP_PKEY *pk = entx_jkey_from_der(r->pubkey, r->pubkey_len);
    if (pk == NULL)
        return -1;
    k = v->nkeys;
    v->keys[k] = pk;
    memcpy(v->vkeys[k].id, id, J_HASH);
    entx_jhex(v->vkeys[k].hex, id, J_HASH);
    v->vkeys[k].seq = r->seq;
    v->nkeys++; /* published to the workers through the queue's mutex */
    return k;
}

static void queue_sig(struct verifier *v, const struct jrec *r, int key, const unsigned char dgst[J_HASH])
{
    if (v->batch == NULL) {
        v->batch = malloc(sizeof *v->batch);
        if (v->batch == NULL) {
            v->issues.oom = 1;
            return;
        }
        v->batch->n = 0;
    }
    struct job *jb = &v->batch->jobs[v->batch->n++];
    jb->seq = r->seq;
    jb->key = key;
    memcpy(jb->dgst, dgst, J_HASH);
    memcpy(jb->sig, r->sig, J_SIG);
    if (v->batch->n == BATCH) {
        pool_push(&v->pool, v->batch);
        v->batch = NULL;
    }
}

/* On a hash mismatch: was the record signed under another seq (moved)? or
 * is it a copy of another record (same UUID)? */
static void explain_mismatch(struct verifier *v, struct jrec *r)
{
    int64_t seq = r->seq;
    unsigned char h[J_HASH];
    sqlite3_stmt *st = entx_stmt(v->db, "SELECT seq FROM journal WHERE uuid = ? AND seq <> ? ORDER BY seq LIMIT 1");
    if (st) {
        sqlite3_bind_text(st, 1, r->uuid, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, seq);
        if (sqlite3_step(st) == SQLITE_ROW) {
            int64_t other = sqlite3_column_int64(st, 0);
            sqlite3_reset(st);
            issue_add(&v->issues, seq, PRIO_CHAIN, "duplicate of record %lld (same UUID %s)", (long long)other,
                      r->uuid);
            return;
        }
        sqlite3_reset(st);
    }
    for (int64_t d = -16; d <= 16; d++) {
        if (d == 0 || seq + d < 1)
            continue;
        r->seq = seq + d;
        int ok = entx_jbody_build(&v->probe, v->store, r) == ENT_OK;
        r->seq = seq;
        if (!ok)
            break;
        entx_jsha256(h, v->probe.p, v->probe.len);
        if (memcmp(h, r->hash, J_HASH) == 0) {
            issue_add(&v->issues, seq, PRIO_CHAIN, "out of order: it was signed as record %lld", (long long)(seq + d));
            return;
        }
    }
    issue_add(&v->issues, seq, PRIO_CHAIN, "changed after signing: its fields no longer match its hash");
}

static int remember_close(struct verifier *v, const struct jrec *r)
{
    if (v->nclose == v->capclose) {
        size_t cap = v->capclose ? v->capclose * 2 : 64;
        struct vclose *c = realloc(v->closes, cap * sizeof *c);
        if (c == NULL)
            return ENT_ERROR;
        v->closes = c;
        v->capclose = cap;
    }
    struct vclose *c = &v->closes[v->nclose];
    memset(c, 0, sizeof *c);
    c->seq = r->seq;
    c->first = r->first_seq;
    c->last = r->last_seq;
    c->total = r->total;
    c->training = r->training;
    snprintf(c->period, sizeof c->period, "%s", r->period);
    for (size_t i = 0; i < r->ntax; i++) {
        struct jtax *t = entx_jrec_add_tax(&c->lists);
        if (t == NULL)
            return ENT_ERROR;
        *t = r->taxes[i];
    }
    for (size_t i = 0; i < r->npay; i++) {
        struct jpay *p = entx_jrec_add_pay(&c->lists);
        if (p == NULL || (p->method = entx_strdup(r->pays[i].method)) == NULL)
            return ENT_ERROR;
        p->amount = r->pays[i].amount;
    }
    for (size_t i = 0; i < r->ncount; i++) {
        struct jcount *k = entx_jrec_add_count(&c->lists);
        if (k == NULL || (k->kind = entx_strdup(r->counts[i].kind)) == NULL)
            return ENT_ERROR;
        k->n = r->counts[i].n;
    }
    v->nclose++;
    return ENT_OK;
}

/* The key checks of one record; returns the signer's index or -1 (reported). */
static int check_signer(struct verifier *v, const struct jrec *r, bool chain_ok)
{
    int k;
    if (strcmp(r->kind, "START") == 0 || (strcmp(r->kind, "EVENT") == 0 && strcmp(r->event, "key-change") == 0)) {
        if (r->pubkey == NULL || r->pubkey_len == 0) {
            if (chain_ok)
                issue_add(&v->issues, r->seq, PRIO_CHAIN, "%s record without its public key", r->kind);
            return -1;
        }
        k = add_key(v, r);
        if (k < 0) {
            if (chain_ok)
                issue_add(&v->issues, r->seq, PRIO_CHAIN, "the public key it carries is not an ECDSA P-256 key");
            return -1;
        }
        if (memcmp(v->vkeys[k].id, r->key_id, J_HASH) != 0) {
            if (chain_ok)
                issue_add(&v->issues, r->seq, PRIO_CHAIN, "it is not signed by the key it introduces");
            return -1;
        }
        if (strcmp(r->kind, "START") == 0 && v->ntrusted && !is_trusted(v, r->key_id))
            issue_add(&v->issues, r->seq, PRIO_CONTENT, "the START key %.16s… is not one of the public keys given",
                      v->vkeys[k].hex);
        if (strcmp(r->kind, "EVENT") == 0 && !is_trusted(v, r->key_id))
            issue_add(&v->issues, r->seq, PRIO_CONTENT,
                      "key replaced without the old key's signature (new key %.16s…): vouch for it by giving it as a public key",
                      v->vkeys[k].hex);
        v->cur = k;
        return k;
    }
    k = find_key(v, r->key_id);
    if (!chain_ok)
        return k == v->cur ? k : -1;
    if (k < 0) {
        char hex[ENT_HASH_HEX_SIZE];
        entx_jhex(hex, r->key_id, J_HASH);
        issue_add(&v->issues, r->seq, PRIO_CHAIN, "signed by key %.16s…, which the key chain never introduced", hex);
        return -1;
    }
    if (k != v->cur) {
        issue_add(&v->issues, r->seq, PRIO_CHAIN, "signed by key %.16s…, which record %lld replaced", v->vkeys[k].hex,
                  (long long)(v->cur >= 0 ? v->vkeys[v->cur].seq : 0));
        return -1;
    }
    return k;
}

/* The UTC instant a closing's period ends: the local midnight after it in the
 * store's zone (README, "Closings"); ENT_INVALID for a label of no period. */
static int period_end_of(char out[ENT_TIME_SIZE], const char *tz, const char *period)
{
    int y, m = 1, d = 1;
    size_t n = strlen(period);
    char more;
    if (n == 14 && sscanf(period, "day:%4d-%2d-%2d%c", &y, &m, &d, &more) == 3)
        return entx_time_midnight_utc(out, tz, y, m, d + 1);
    if (n == 13 && sscanf(period, "month:%4d-%2d%c", &y, &m, &more) == 2)
        return entx_time_midnight_utc(out, tz, y, m + 1, 1);
    if (n == 9 && sscanf(period, "year:%4d%c", &y, &more) == 1)
        return entx_time_midnight_utc(out, tz, y + 1, 1, 1);
    return ENT_INVALID;
}

/* A month (year) closing covers its day closings: from the first one's first
 * record to the last one; with none, it is empty (its own seq .. seq - 1). */
static void check_span(struct verifier *v, const struct jrec *r)
{
    char prefix[24];
    int64_t first = r->seq, last = r->seq - 1;
    bool month = strncmp(r->period, "month:", 6) == 0;
    snprintf(prefix, sizeof prefix, "day:%s%s", r->period + (month ? 6 : 5), month ? "-" : "");
    for (size_t i = 0; i < v->nclose; i++) {
        const struct vclose *c = &v->closes[i];
        if (strncmp(c->period, prefix, strlen(prefix)) != 0)
            continue;
        if (last < first)
            first = c->first;
        last = c->seq;
    }
    if (r->first_seq != first || r->last_seq != last)
        issue_add(&v->issues, r->seq, PRIO_CONTENT, "the %s closing covers records %lld..%lld, not %lld..%lld",
                  month ? "month" : "year", (long long)r->first_seq, (long long)r->last_seq, (long long)first,
                  (long long)last);
}

static void check_period(struct verifier *v, const struct jrec *r)
{
    char end[ENT_TIME_SIZE];
    if (period_end_of(end, v->tz, r->period) != ENT_OK)
        issue_add(&v->issues, r->seq, PRIO_CONTENT, "the closing's period '%s' is not day:YYYY-MM-DD, month:YYYY-MM "
                  "or year:YYYY", ENT_CLIP(r->period, 40));
    else if (strcmp(end, r->period_end) != 0)
        issue_add(&v->issues, r->seq, PRIO_CONTENT, "%s ends at %s in time zone %s, not at %s", r->period, end, v->tz,
                  ENT_CLIP(r->period_end, 40));
    else if (strncmp(r->period, "day:", 4) != 0)
        check_span(v, r);
}

/* prev_whole: the record before had a whole hash; a cut one cannot be chained
 * to, whatever bytes happen to fill the rest of prev. */
static void check_record(struct verifier *v, struct jrec *r, int64_t expected, const unsigned char prev[J_HASH],
                         bool prev_whole, int64_t prev_gt)
{
    unsigned char h[J_HASH], dgst[J_HASH];
    bool chain_ok = false;
    if (entx_jbody_build(&v->body, v->store, r) != ENT_OK || entx_jseal_build(&v->seal, v->store, r) != ENT_OK) {
        v->issues.oom = 1;
        return;
    }
    entx_jsha256(h, v->body.p, v->body.len);
    if (!r->blobs_ok)
        issue_add(&v->issues, r->seq, PRIO_CHAIN, "malformed: a hash, key id or signature has the wrong size");
    else if (!r->types_ok)
        issue_add(&v->issues, r->seq, PRIO_CHAIN, "malformed: a column holds a value of the wrong type");
    else if (r->seq > expected)
        issue_add(&v->issues, r->seq, PRIO_CHAIN,
                  r->seq == expected + 1 ? "record %lld is missing" : "records %lld..%lld are missing",
                  (long long)expected, (long long)(r->seq - 1));
    else if (r->seq < expected)
        issue_add(&v->issues, r->seq, PRIO_CHAIN, "seq out of order");
    else if (memcmp(h, r->hash, J_HASH) != 0)
        explain_mismatch(v, r);
    else if (!prev_whole || memcmp(r->prev, prev, J_HASH) != 0)
        issue_add(&v->issues, r->seq, PRIO_CHAIN,
                  r->seq == 1 ? "the first record must chain to nothing (prev_hash all zero)"
                              : "not chained to record %lld: prev_hash differs",
                  (long long)(r->seq - 1));
    else
        chain_ok = true;
    if (chain_ok && r->seq == 1 && strcmp(r->kind, "START") != 0) {
        issue_add(&v->issues, r->seq, PRIO_CHAIN, "the journal does not begin with a START record");
        chain_ok = false;
    } else if (chain_ok && r->seq != 1 && strcmp(r->kind, "START") == 0) {
        issue_add(&v->issues, r->seq, PRIO_CHAIN, "a second START record");
        chain_ok = false;
    } else if (chain_ok && entx_jkind_parse(r->kind) == 0) {
        issue_add(&v->issues, r->seq, PRIO_CHAIN, "unknown kind '%s'", r->kind);
        chain_ok = false;
    }
    int k = check_signer(v, r, chain_ok);
    if (k >= 0 && chain_ok) {
        entx_jsha256(dgst, v->seal.p, v->seal.len);
        queue_sig(v, r, k, dgst);
    }
    if (strcmp(r->kind, "KEY") == 0 && chain_ok) {
        int nk = r->pubkey ? add_key(v, r) : -1;
        if (nk < 0)
            issue_add(&v->issues, r->seq, PRIO_CONTENT, "the KEY record carries no usable ECDSA P-256 key");
        else
            v->cur = nk; /* from the next record on */
    }
    int64_t want = prev_gt;
    bool overflow = entx_jkind_moves_total(r->kind) && __builtin_add_overflow(prev_gt, r->total, &want);
    if (overflow)
        issue_add(&v->issues, r->seq, PRIO_CONTENT, "the grand total overflows");
    else if (r->grand_total != want)
        issue_add(&v->issues, r->seq, PRIO_CONTENT, "grand total %lld, expected %lld", (long long)r->grand_total,
                  (long long)want);
    bool dated = strcmp(r->kind, "EVENT") != 0;
    if (dated && v->closed_at[0] && strcmp(r->at, v->closed_at) < 0) {
        char when[20], closed[20];
        ent_time_local(when, v->tz, r->at);
        ent_time_local(closed, v->tz, v->closed_at);
        issue_add(&v->issues, r->seq, PRIO_CONTENT, "dated %s (%s), before the closing of %s taken at %s (record %lld)",
                  when, v->tz, v->closed_day + 4, closed, (long long)v->last_day_close);
    }
    if (strcmp(r->kind, "CLOSE") == 0) {
        if (chain_ok)
            check_period(v, r);
        if (strncmp(r->period, "day:", 4) == 0) {
            snprintf(v->closed_at, sizeof v->closed_at, "%s", r->at);
            snprintf(v->closed_day, sizeof v->closed_day, "%s", r->period);
            /* A day closing takes in every record since the previous one, up to itself. */
            if (chain_ok && (r->first_seq != v->last_day_close + 1 || r->last_seq != r->seq - 1))
                issue_add(&v->issues, r->seq, PRIO_CONTENT, "the day closing covers records %lld..%lld, not %lld..%lld",
                          (long long)r->first_seq, (long long)r->last_seq, (long long)(v->last_day_close + 1),
                          (long long)(r->seq - 1));
            v->last_day_close = r->seq;
        }
        if (remember_close(v, r) != ENT_OK)
            v->issues.oom = 1;
    }
}

static void diff_lists(char *out, size_t len, const struct vclose *c, const struct jrec *a)
{
    out[0] = '\0';
    if (c->total != a->total) {
        snprintf(out, len, "total %lld, records give %lld", (long long)c->total, (long long)a->total);
        return;
    }
    if (c->training != a->training) {
        snprintf(out, len, "training %lld, records give %lld", (long long)c->training, (long long)a->training);
        return;
    }
    const struct jrec *s = &c->lists;
    for (size_t i = 0; i < s->ntax || i < a->ntax; i++) {
        if (i >= s->ntax || i >= a->ntax || s->taxes[i].rate != a->taxes[i].rate ||
            s->taxes[i].gross != a->taxes[i].gross || s->taxes[i].tax != a->taxes[i].tax) {
            snprintf(out, len, "the amounts per tax rate differ");
            return;
        }
    }
    for (size_t i = 0; i < s->npay || i < a->npay; i++) {
        if (i >= s->npay || i >= a->npay || strcmp(s->pays[i].method, a->pays[i].method) != 0 ||
            s->pays[i].amount != a->pays[i].amount) {
            snprintf(out, len, "the amounts per payment method differ");
            return;
        }
    }
    for (size_t i = 0; i < s->ncount || i < a->ncount; i++) {
        if (i >= s->ncount || i >= a->ncount || strcmp(s->counts[i].kind, a->counts[i].kind) != 0 ||
            s->counts[i].n != a->counts[i].n) {
            snprintf(out, len, "the counts per kind differ");
            return;
        }
    }
}

static int check_closings(struct verifier *v)
{
    struct jrec agg;
    char why[128];
    int rc = ENT_OK;
    memset(&agg, 0, sizeof agg);
    for (size_t i = 0; rc == ENT_OK && i < v->nclose; i++) {
        const struct vclose *c = &v->closes[i];
        /* A bad record inside the range already explains any difference. */
        if (issue_in(&v->issues, c->first < 1 ? 1 : c->first, c->seq))
            continue;
        entx_jrec_clear_lists(&agg);
        agg.total = agg.training = 0;
        rc = entx_jclose_aggregate(v->db, &agg, c->first, c->last);
        if (rc != ENT_OK)
            break;
        diff_lists(why, sizeof why, c, &agg);
        if (why[0])
            issue_add(&v->issues, c->seq, PRIO_CONTENT, "closing of records %lld..%lld does not add up: %s",
                      (long long)c->first, (long long)c->last, why);
    }
    entx_jrec_free_lists(&agg);
    return rc;
}

static int load_trusted(struct verifier *v)
{
    const char *path = v->opts ? v->opts->pubkey_path : NULL;
    if (path == NULL || *path == '\0')
        return ENT_OK;
    int rc = entx_jkeys_load_pem(v->db, &v->trusted, &v->ntrusted, path);
    if (rc != ENT_OK)
        return rc;
    v->trusted_ids = calloc(v->ntrusted, sizeof *v->trusted_ids);
    if (v->trusted_ids == NULL)
        return entx_fail(v->db, ENT_ERROR, "out of memory");
    for (size_t i = 0; i < v->ntrusted; i++)
        entx_jkey_id(v->trusted_ids[i], NULL, NULL, v->trusted[i]);
    return ENT_OK;
}

static void verifier_free(struct verifier *v)
{
    for (size_t i = 0; i < v->ntrusted; i++)
        EVP_PKEY_free(v->trusted[i]);
    free(v->trusted);
    free(v->trusted_ids);
    for (int k = 0; k < v->nkeys; k++)
        EVP_PKEY_free(v->keys[k]);
    for (size_t i = 0; i < v->issues.n; i++)
        free(v->issues.v[i].reason);
    free(v->issues.v);
    for (size_t i = 0; i < v->nclose; i++)
        entx_jrec_free_lists(&v->closes[i].lists);
    free(v->closes);
    free(v->batch);
    entx_jbuf_free(&v->body);
    entx_jbuf_free(&v->seal);
    entx_jbuf_free(&v->probe);
}

static int thread_count(const ent_journal_verify_opts *o)
{
    long n = o && o->threads > 0 ? o->threads : sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

/* Walks the chain, feeding the pool; sets *last and the head. */
static int walk_chain(struct verifier *v, ent_journal_summary *sum, const unsigned char *want_head, bool *head_found)
{
    struct jwalk *w = NULL;
    struct jrec *r;
    unsigned char prev[J_HASH] = {0};
    int64_t expected = 1, prev_gt = 0;
    bool prev_whole = true;
    int rc = entx_jwalk_open(v->db, &w, 1), more;
    if (rc != ENT_OK)
        return rc;
    while ((more = entx_jwalk_next(w, &r)) == 1) {
        check_record(v, r, expected, prev, prev_whole, prev_gt);
        if (want_head && memcmp(r->hash, want_head, J_HASH) == 0)
            *head_found = true;
        memcpy(prev, r->hash, J_HASH);
        prev_whole = r->hash_ok;
        prev_gt = r->grand_total;
        expected = r->seq + 1;
        sum->records++;
        sum->last_seq = r->seq;
        sum->grand_total = r->grand_total;
        if (strcmp(r->kind, "CLOSE") == 0)
            sum->closings++;
        entx_jhex(sum->head, r->hash, J_HASH);
    }
    entx_jwalk_close(w);
    return more < 0 ? more : ENT_OK;
}

int ent_journal_verify(ent_db *db, ent_journal_summary *summary, const ent_journal_verify_opts *opts,
                       ent_journal_issue_cb cb, void *ud)
{
    struct verifier *v = calloc(1, sizeof *v);
    ent_journal_summary sum;
    unsigned char want_head[J_HASH];
    bool head_found = false;
    int rc;
    memset(&sum, 0, sizeof sum);
    entx_ok(db);
    if (v == NULL)
        return entx_fail(db, ENT_ERROR, "out of memory");
    v->db = db;
    v->opts = opts;
    v->cur = -1;
    const char *head = opts ? opts->head : NULL;
    if (head && *head && entx_junhex(want_head, J_HASH, head) != 0) {
        rc = entx_fail_hint(db, ENT_INVALID, ENT_HINT_HEAD,
                           "the head hash to check against must be the 64 hex digits of a head hash from a Z report");
        goto done;
    }
    if ((rc = load_trusted(v)) != ENT_OK)
        goto done;
    if ((rc = entx_jstore_code(db, v->store, NULL, v->tz)) != ENT_OK)
        goto done;
    if ((rc = pool_start(&v->pool, v->keys, thread_count(opts))) != ENT_OK) {
        rc = entx_fail(db, ENT_ERROR, "cannot start the verifying threads");
        goto done;
    }
    v->pool_on = true;
    rc = walk_chain(v, &sum, head && *head ? want_head : NULL, &head_found);
    if (v->batch && v->batch->n) {
        pool_push(&v->pool, v->batch);
        v->batch = NULL;
    }
    pool_finish(&v->pool);
    v->pool_on = false;
    for (size_t i = 0; i < v->pool.nbad; i++)
        issue_add(&v->issues, v->pool.bad[i], PRIO_SIG, "bad signature");
    free(v->pool.bad);
    if (rc != ENT_OK)
        goto done;
    if (head && *head && !head_found)
        issue_add(&v->issues, sum.last_seq + 1, PRIO_CHAIN,
                  "tail cut off: the head %.16s… from the Z report is not in the journal, which ends at record %lld",
                  head, (long long)sum.last_seq);
    if ((rc = check_closings(v)) != ENT_OK)
        goto done;
    if (v->issues.oom || v->pool.oom) {
        rc = entx_fail(db, ENT_ERROR, "out of memory while verifying");
        goto done;
    }
    if (v->issues.n > 0)
        qsort(v->issues.v, v->issues.n, sizeof *v->issues.v, cmp_issue);
    for (size_t i = 0; i < v->issues.n; i++) {
        if (i > 0 && v->issues.v[i].seq == v->issues.v[i - 1].seq)
            continue; /* one reason per record: the most basic one */
        sum.bad++;
        if (cb)
            cb(v->issues.v[i].seq, v->issues.v[i].reason, ud);
    }
    sum.keys = v->nkeys;
    sum.anchored = v->ntrusted > 0;
    if (sum.bad)
        rc = entx_fail(db, ENT_TAMPERED, "the journal does not verify: %lld bad record%s", (long long)sum.bad,
                      sum.bad == 1 ? "" : "s");
done:
    if (v->pool_on) {
        pool_finish(&v->pool);
        free(v->pool.bad);
    }
    if (summary)
        *summary = sum;
    verifier_free(v);
    free(v);
    return rc;
}
