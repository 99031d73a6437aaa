/*
 * Reading the journal back: verification (signatures checked by a pool of
 * threads while the main thread walks the chain), the record iterator used
 * by export, and receipt QR payload checks.
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
    is->v[is->n].reason = ent_strdup(buf);
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
                ctx[jb->key] = jverify_ctx(p->keys[jb->key]);
            if (ctx[jb->key] && jverify(ctx[jb->key], jb->sig, jb->dgst))
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
    char hex[65];
    int64_t seq; /* the record that introduced it */
};

struct vclose {
    int64_t seq, first, last, total, training;
    struct jrec lists; /* only the lists are used */
};

struct verifier {
    ent_db *db;
    const ent_journal_verify_opts *opts;
    char store[17];
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
    char closed_at[21];     /* when the last day closing was taken: it covers everything before, so
                               nothing after it may be dated earlier */
    char closed_day[24];
    char tz[65];            /* the store's zone, for the times in messages */
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
    jsha256(id, r->pubkey, r->pubkey_len);
    int k = find_key(v, id);
    if (k >= 0)
        return k;
    if (v->nkeys == MAX_KEYS)
        return -1;
    EVP_PKEY *pk = jkey_from_der(r->pubkey, r->pubkey_len);
    if (pk == NULL)
        return -1;
    k = v->nkeys;
    v->keys[k] = pk;
    memcpy(v->vkeys[k].id, id, J_HASH);
    jhex(v->vkeys[k].hex, id, J_HASH);
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
    sqlite3_stmt *st = ent_stmt(v->db, "SELECT seq FROM journal WHERE uuid = ? AND seq <> ? ORDER BY seq LIMIT 1");
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
        int ok = jbody_build(&v->probe, v->store, r) == ENT_OK;
        r->seq = seq;
        if (!ok)
            break;
        jsha256(h, v->probe.p, v->probe.len);
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
    for (size_t i = 0; i < r->ntax; i++) {
        struct jtax *t = jrec_add_tax(&c->lists);
        if (t == NULL)
            return ENT_ERROR;
        *t = r->taxes[i];
    }
    for (size_t i = 0; i < r->npay; i++) {
        struct jpay *p = jrec_add_pay(&c->lists);
        if (p == NULL || (p->method = ent_strdup(r->pays[i].method)) == NULL)
            return ENT_ERROR;
        p->amount = r->pays[i].amount;
    }
    for (size_t i = 0; i < r->ncount; i++) {
        struct jcount *k = jrec_add_count(&c->lists);
        if (k == NULL || (k->kind = ent_strdup(r->counts[i].kind)) == NULL)
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
        char hex[65];
        jhex(hex, r->key_id, J_HASH);
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

static void check_record(struct verifier *v, struct jrec *r, int64_t expected, const unsigned char prev[J_HASH],
                         int64_t prev_gt)
{
    unsigned char h[J_HASH], dgst[J_HASH];
    bool chain_ok = false;
    if (jbody_build(&v->body, v->store, r) != ENT_OK || jseal_build(&v->seal, v->store, r) != ENT_OK) {
        v->issues.oom = 1;
        return;
    }
    jsha256(h, v->body.p, v->body.len);
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
    else if (memcmp(r->prev, prev, J_HASH) != 0)
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
    } else if (chain_ok && jkind_parse(r->kind) == 0) {
        issue_add(&v->issues, r->seq, PRIO_CHAIN, "unknown kind '%s'", r->kind);
        chain_ok = false;
    }
    int k = check_signer(v, r, chain_ok);
    if (k >= 0 && chain_ok) {
        jsha256(dgst, v->seal.p, v->seal.len);
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
    bool overflow = jkind_moves_total(r->kind) && __builtin_add_overflow(prev_gt, r->total, &want);
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
        jrec_clear_lists(&agg);
        agg.total = agg.training = 0;
        rc = jclose_aggregate(v->db, &agg, c->first, c->last);
        if (rc != ENT_OK)
            break;
        diff_lists(why, sizeof why, c, &agg);
        if (why[0])
            issue_add(&v->issues, c->seq, PRIO_CONTENT, "closing of records %lld..%lld does not add up: %s",
                      (long long)c->first, (long long)c->last, why);
    }
    jrec_free_lists(&agg);
    return rc;
}

static int load_trusted(struct verifier *v)
{
    const char *path = v->opts ? v->opts->pubkey_path : NULL;
    if (path == NULL || *path == '\0')
        return ENT_OK;
    int rc = jkeys_load_pem(v->db, &v->trusted, &v->ntrusted, path);
    if (rc != ENT_OK)
        return rc;
    v->trusted_ids = calloc(v->ntrusted, sizeof *v->trusted_ids);
    if (v->trusted_ids == NULL)
        return ent_fail(v->db, ENT_ERROR, "out of memory");
    for (size_t i = 0; i < v->ntrusted; i++)
        jkey_id(v->trusted_ids[i], NULL, NULL, v->trusted[i]);
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
        jrec_free_lists(&v->closes[i].lists);
    free(v->closes);
    free(v->batch);
    jbuf_free(&v->body);
    jbuf_free(&v->seal);
    jbuf_free(&v->probe);
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
    int rc = jwalk_open(v->db, &w, 1), more;
    if (rc != ENT_OK)
        return rc;
    while ((more = jwalk_next(w, &r)) == 1) {
        check_record(v, r, expected, prev, prev_gt);
        if (want_head && memcmp(r->hash, want_head, J_HASH) == 0)
            *head_found = true;
        memcpy(prev, r->hash, J_HASH);
        prev_gt = r->grand_total;
        expected = r->seq + 1;
        sum->records++;
        sum->last_seq = r->seq;
        sum->grand_total = r->grand_total;
        if (strcmp(r->kind, "CLOSE") == 0)
            sum->closings++;
        jhex(sum->head, r->hash, J_HASH);
    }
    jwalk_close(w);
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
    ent_ok(db);
    if (v == NULL)
        return ent_fail(db, ENT_ERROR, "out of memory");
    v->db = db;
    v->opts = opts;
    v->cur = -1;
    const char *head = opts ? opts->head : NULL;
    if (head && *head && junhex(want_head, J_HASH, head) != 0) {
        rc = ent_fail_hint(db, ENT_INVALID, ENT_HINT_HEAD,
                           "the head hash to check against must be the 64 hex digits of a head hash from a Z report");
        goto done;
    }
    if ((rc = load_trusted(v)) != ENT_OK)
        goto done;
    if ((rc = jstore_code(db, v->store, NULL, v->tz)) != ENT_OK)
        goto done;
    if ((rc = pool_start(&v->pool, v->keys, thread_count(opts))) != ENT_OK) {
        rc = ent_fail(db, ENT_ERROR, "cannot start the verifying threads");
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
        rc = ent_fail(db, ENT_ERROR, "out of memory while verifying");
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
        rc = ent_fail(db, ENT_TAMPERED, "the journal does not verify: %lld bad record%s", (long long)sum.bad,
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
    char store[17], prev[65], kid[65], hash[65], sig[129], sig64[90], *qr = NULL;
    int rc, more;
    memset(&eb, 0, sizeof eb);
    ent_ok(db);
    if ((rc = jstore_code(db, store, NULL, NULL)) != ENT_OK)
        return rc;
    if ((rc = jwalk_open(db, &w, from_seq > 0 ? from_seq : 1)) != ENT_OK)
        return rc;
    while ((more = jwalk_next(w, &r)) == 1) {
        ent_journal_entry e;
        if (to_seq > 0 && r->seq > to_seq)
            break;
        memset(&e, 0, sizeof e);
        if (jbody_build(&body, store, r) != ENT_OK || jseal_build(&seal, store, r) != ENT_OK ||
            to_entry(&eb, &e, r) != ENT_OK) {
            rc = ent_fail(db, ENT_ERROR, "out of memory");
            break;
        }
        jhex(prev, r->prev, J_HASH);
        jhex(kid, r->key_id, J_HASH);
        jhex(hash, r->hash, J_HASH);
        jhex(sig, r->sig, J_SIG);
        jb64url(sig64, r->sig, J_SIG);
        free(qr);
        qr = malloc(seal.len + strlen(sig64) + 2);
        if (qr == NULL) {
            rc = ent_fail(db, ENT_ERROR, "out of memory");
            break;
        }
        sprintf(qr, "%s|%s", seal.p, sig64);
        char *pem = r->pubkey && r->pubkey_len ? jkey_pem(r->pubkey, r->pubkey_len) : NULL;
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
    jwalk_close(w);
    jbuf_free(&body);
    jbuf_free(&seal);
    free(qr);
    free(eb.taxes);
    free(eb.pays);
    free(eb.lines);
    free(eb.kinds);
    free(eb.counts);
    return rc;
}

/* ---- receipts ----------------------------------------------------------- */

/* The keys a receipt may be signed with: --pubkey's, or the journal's. */
static int receipt_keys(ent_db *db, EVP_PKEY ***keys, size_t *n, const char *pubkey_path)
{
    if (pubkey_path && *pubkey_path)
        return jkeys_load_pem(db, keys, n, pubkey_path);
    *keys = NULL;
    *n = 0;
    sqlite3_stmt *st = ent_stmt(db, "SELECT pubkey FROM journal WHERE pubkey IS NOT NULL ORDER BY seq");
    if (st == NULL)
        return db->code;
    int sc;
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        EVP_PKEY *k = jkey_from_der(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
        EVP_PKEY **g = k ? realloc(*keys, (*n + 1) * sizeof *g) : NULL;
        if (g == NULL) {
            EVP_PKEY_free(k);
            continue;
        }
        *keys = g;
        (*keys)[(*n)++] = k;
    }
    sqlite3_reset(st);
    if (*n == 0)
        return ent_fail_hint(db, ENT_INVALID, ENT_HINT_PUBKEY, "no public key to check against: give one, or the store's database");
    return ENT_OK;
}

/* Splits "ENT1|store|seq|kind|time|total|currency|hash|sig" from the right,
 * so that a store code holding '|' still parses. */
static int receipt_parse(ent_db *db, ent_journal_receipt *out, const char *p, size_t *seal_len,
                         unsigned char hash[J_HASH], unsigned char sig[J_SIG])
{
    const char *bar[8];
    size_t len = strlen(p);
    int nb = 0;
    if (len < 5 || len > 400 || strncmp(p, J_SEAL_PREFIX "|", 5) != 0)
        return ent_fail(db, ENT_INVALID, "not an entrepot receipt payload (a payload starts with " J_SEAL_PREFIX "|)");
    for (const char *q = p + len; q > p + 4 && nb < 7; q--)
        if (q[-1] == '|')
            bar[nb++] = q - 1;
    if (nb < 7 || bar[6] <= p + 4)
        return ent_fail(db, ENT_INVALID, "the receipt payload has too few fields");
    /* bar[0] precedes sig, bar[1] hash, bar[2] currency, bar[3] total, bar[4] time, bar[5] kind, bar[6] seq. */
    char field[128], shown[64];
#define FIELD(i, end) snprintf(field, sizeof field, "%.*s", (int)((end) - bar[i] - 1), bar[i] + 1)
    size_t store_len = (size_t)(bar[6] - (p + 5));
    if (store_len == 0 || store_len >= sizeof out->store)
        return ent_fail(db, ENT_INVALID, "the receipt's store code is empty or too long");
    memcpy(out->store, p + 5, store_len);
    out->store[store_len] = '\0';
    FIELD(6, bar[5]);
    if (ent_parse_i64(field, &out->seq) != ENT_OK || out->seq < 1)
        return ent_fail(db, ENT_INVALID, "the receipt's record number '%s' is not a number",
                        ent_text_clip(shown, sizeof shown, field, 40));
    FIELD(5, bar[4]);
    int kind = jkind_parse(field);
    if (kind == 0)
        return ent_fail(db, ENT_INVALID, "the receipt's kind '%s' is unknown",
                        ent_text_clip(shown, sizeof shown, field, 40));
    snprintf(out->kind, sizeof out->kind, "%s", jkind_name(kind));
    FIELD(4, bar[3]);
    if (strlen(field) != 20)
        return ent_fail(db, ENT_INVALID, "the receipt's time '%s' is not UTC YYYY-MM-DDTHH:MM:SSZ",
                        ent_text_clip(shown, sizeof shown, field, 40));
    memcpy(out->time, field, sizeof out->time);
    FIELD(3, bar[2]);
    if (ent_parse_i64(field, &out->total) != ENT_OK)
        return ent_fail(db, ENT_INVALID, "the receipt's total '%s' is not a number",
                        ent_text_clip(shown, sizeof shown, field, 40));
    FIELD(2, bar[1]);
    if (strlen(field) != 3)
        return ent_fail(db, ENT_INVALID, "the receipt's currency '%s' is not an ISO 4217 code",
                        ent_text_clip(shown, sizeof shown, field, 40));
    memcpy(out->currency, field, sizeof out->currency);
    if (jb64url_decode(hash, J_HASH, bar[1] + 1, (size_t)(bar[0] - bar[1] - 1)) != J_HASH)
        return ent_fail(db, ENT_INVALID, "the receipt's hash is not 43 base64url characters");
    if (jb64url_decode(sig, J_SIG, bar[0] + 1, strlen(bar[0] + 1)) != J_SIG)
        return ent_fail(db, ENT_INVALID, "the receipt's signature is not 86 base64url characters");
#undef FIELD
    jhex(out->hash, hash, J_HASH);
    *seal_len = (size_t)(bar[0] - p);
    return ENT_OK;
}

/* Compares the receipt with the journal's record of the same seq. */
static int receipt_in_journal(ent_db *db, ent_journal_receipt *out, const unsigned char hash[J_HASH])
{
    char store[17];
    if (jstore_code(db, store, NULL, NULL) != ENT_OK || strcmp(store, out->store) != 0) {
        ent_ok(db);
        return ENT_OK; /* another store's database, or none: the signature is all we can check */
    }
    sqlite3_stmt *st = ent_stmt(db, "SELECT hash, kind, at, total, currency, (SELECT max(seq) FROM journal) "
                                    "FROM journal WHERE seq = ?");
    if (st == NULL)
        return db->code;
    sqlite3_bind_int64(st, 1, out->seq);
    int sc = sqlite3_step(st), rc = ENT_OK;
    if (sc == SQLITE_ROW) {
        const void *h = sqlite3_column_blob(st, 0);
        bool same = h && sqlite3_column_bytes(st, 0) == J_HASH && memcmp(h, hash, J_HASH) == 0 &&
                    strcmp((const char *)sqlite3_column_text(st, 1), out->kind) == 0 &&
                    strcmp((const char *)sqlite3_column_text(st, 2), out->time) == 0 &&
                    sqlite3_column_int64(st, 3) == out->total &&
                    strcmp((const char *)sqlite3_column_text(st, 4), out->currency) == 0;
        if (same)
            out->in_journal = 1;
        else
            rc = ent_fail(db, ENT_TAMPERED, "the signature is good, but the journal's record %lld differs from the "
                                            "receipt",
                          (long long)out->seq);
    } else if (sc == SQLITE_DONE) {
        rc = ent_fail(db, ENT_TAMPERED, "the signature is good, but the journal has no record %lld",
                      (long long)out->seq);
    } else {
        rc = ent_fail_sql(db, "reading the journal");
    }
    sqlite3_reset(st);
    return rc;
}

int ent_journal_receipt_verify(ent_db *db, ent_journal_receipt *out, const char *payload, const char *pubkey_path)
{
    unsigned char hash[J_HASH], sig[J_SIG], dgst[J_HASH], id[J_HASH];
    EVP_PKEY **keys = NULL;
    size_t nkeys = 0, seal_len = 0;
    int rc;
    ent_journal_receipt r;
    memset(&r, 0, sizeof r);
    ent_ok(db);
    if (out)
        memset(out, 0, sizeof *out);
    if (payload == NULL)
        return ent_fail(db, ENT_INVALID, "no receipt payload given");
    if ((rc = receipt_parse(db, &r, payload, &seal_len, hash, sig)) != ENT_OK)
        return rc;
    if ((rc = receipt_keys(db, &keys, &nkeys, pubkey_path)) != ENT_OK)
        return rc;
    jsha256(dgst, payload, seal_len);
    int signer = -1;
    for (size_t i = 0; i < nkeys && signer < 0; i++) {
        EVP_PKEY_CTX *ctx = jverify_ctx(keys[i]);
        if (ctx && jverify(ctx, sig, dgst))
            signer = (int)i;
        EVP_PKEY_CTX_free(ctx);
    }
    if (signer < 0) {
        rc = ent_fail(db, ENT_TAMPERED, "the receipt's signature does not verify with %s",
                      pubkey_path ? "the given public key" : "any key of the journal");
        goto done;
    }
    jkey_id(id, NULL, NULL, keys[signer]);
    jhex(r.key_id, id, J_HASH);
    rc = receipt_in_journal(db, &r, hash);
done:
    for (size_t i = 0; i < nkeys; i++)
        EVP_PKEY_free(keys[i]);
    free(keys);
    if (out && (rc == ENT_OK || rc == ENT_TAMPERED))
        *out = r;
    return rc;
}
