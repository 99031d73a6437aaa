/*
 * The journal's CSV export as a set of related files (records, taxes,
 * payments, lines, counts, keys, the store) and a manifest with each file's
 * rows and SHA-256, as fiscal exports such as Germany's DSFinV-K do. The
 * columns are in README.md, "Export"; journal_load.c reads the set back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#include "entrepot/csv.h"
#include "entrepot/db.h"
#include "entrepot/parse.h"
#include "journal_internal.h"

enum { F_STORE, F_RECORDS, F_TAXES, F_PAYS, F_LINES, F_COUNTS, F_KEYS, F_NFILES };

static const char *const set_files[F_NFILES] = {"store.csv",  "records.csv", "taxes.csv", "payments.csv",
                                                "lines.csv", "counts.csv",  "keys.csv"};

static const char *const records_head[] = {
    "seq",       "uuid",     "kind",       "time",      "counter",   "cashier",   "ref",        "currency",
    "total",     "grand_total", "event",   "note",      "period",    "period_end", "first_seq", "last_seq",
    "training",  "key_id",   "prev_hash",  "hash",      "signature", "public_key", "qr",        "body",
    "local_time"};

struct set {
    ent_db *db;
    const char *tz;
    FILE *f[F_NFILES];
    int64_t rows[F_NFILES];
    int failed;
};

#define ROW(s, file, cells)                                                                                  \
    do {                                                                                                     \
        if (ent_csv_write((s)->f[file], (cells), sizeof(cells) / sizeof *(cells)) != ENT_OK)               \
            (s)->failed = 1;                                                                                 \
        (s)->rows[file]++;                                                                                   \
    } while (0)

/* dir/file; a path too long for the buffer becomes "" and fails to open. */
static void join(char out[4096], const char *dir, const char *file)
{
    if (snprintf(out, 4096, "%s/%s", dir, file) >= 4096)
        out[0] = '\0';
}

static void num(char *out, int64_t v)
{
    snprintf(out, 24, "%lld", (long long)v);
}

static void write_lists(struct set *s, const ent_journal_entry *e, const char *seq)
{
    char a[4][24];
    for (size_t i = 0; i < e->ntaxes; i++) {
        num(a[0], e->taxes[i].rate), num(a[1], e->taxes[i].gross), num(a[2], e->taxes[i].tax);
        const char *c[] = {seq, a[0], a[1], a[2]};
        ROW(s, F_TAXES, c);
    }
    for (size_t i = 0; i < e->npays; i++) {
        num(a[0], e->pays[i].amount);
        const char *c[] = {seq, e->pays[i].method, a[0]};
        ROW(s, F_PAYS, c);
    }
    for (size_t i = 0; i < e->nlines; i++) {
        const ent_journal_line *l = &e->lines[i];
        char b[6][24];
        num(b[0], (int64_t)i + 1), num(b[1], l->qty), num(b[2], l->unit_price), num(b[3], l->discount);
        num(b[4], l->amount), num(b[5], l->rate);
        const char *c[] = {seq, b[0], l->code, l->lot, l->name, b[1], b[2], b[3], b[4], b[5]};
        ROW(s, F_LINES, c);
    }
    for (size_t i = 0; i < e->ncounts; i++) {
        num(a[0], e->counts[i]);
        const char *c[] = {seq, e->count_kinds[i], a[0]};
        ROW(s, F_COUNTS, c);
    }
}

static int write_record(const ent_journal_entry *e, void *ud)
{
    struct set *s = ud;
    char n[6][24], local[20];
    num(n[0], e->seq), num(n[1], e->total), num(n[2], e->grand_total);
    num(n[3], e->first_seq), num(n[4], e->last_seq), num(n[5], e->training);
    if (ent_time_local(local, s->tz, e->time) != ENT_OK)
        local[0] = '\0';
    const char *pem = e->pubkey_pem ? e->pubkey_pem : "";
    const char *c[] = {n[0],       e->uuid,      e->kind,   e->time,      e->counter, e->cashier, e->ref,
                       e->currency, n[1],        n[2],      e->event,     e->note,    e->period,  e->period_end,
                       n[3],       n[4],         n[5],      e->key_id,    e->prev_hash, e->hash,  e->signature,
                       pem,        e->qr,        e->body,   local};
    ROW(s, F_RECORDS, c);
    write_lists(s, e, n[0]);
    if (e->pubkey_pem) {
        const char *k[] = {n[0], e->kind, e->pubkey_pem};
        ROW(s, F_KEYS, k);
    }
    return s->failed ? ENT_ERROR : 0;
}

static int open_files(struct set *s, const char *tmp)
{
    static const char *const heads[F_NFILES][10] = {
        {"format", "store", "currency", "time_zone"},
        {0},
        {"seq", "rate", "gross", "tax"},
        {"seq", "method", "amount"},
        {"seq", "line", "code", "lot", "name", "qty", "unit_price", "discount", "amount", "rate"},
        {"seq", "kind", "n"},
        {"seq", "record", "pem"}};
    static const size_t nheads[F_NFILES] = {4, 0, 4, 3, 10, 3, 3};
    char path[4096];
    for (int i = 0; i < F_NFILES; i++) {
        join(path, tmp, set_files[i]);
        if ((s->f[i] = fopen(path, "wbx")) == NULL)
            return entx_fail(s->db, ENT_ERROR, "cannot write %s: %s", set_files[i], strerror(errno));
        int rc = i == F_RECORDS ? ent_csv_write(s->f[i], records_head, sizeof records_head / sizeof *records_head)
                                : ent_csv_write(s->f[i], heads[i], nheads[i]);
        if (rc != ENT_OK)
            s->failed = 1;
    }
    return ENT_OK;
}

static int close_files(struct set *s)
{
    int rc = ENT_OK;
    for (int i = 0; i < F_NFILES; i++) {
        if (s->f[i] && (ferror(s->f[i]) | fclose(s->f[i])) != 0)
            rc = ENT_ERROR;
        s->f[i] = NULL;
    }
    return rc;
}

static int write_manifest(struct set *s, const char *tmp)
{
    char path[4096], hex[65], rows[24];
    join(path, tmp, "manifest.csv");
    FILE *f = fopen(path, "wbx");
    if (f == NULL)
        return entx_fail(s->db, ENT_ERROR, "cannot write manifest.csv: %s", strerror(errno));
    static const char *const head[] = {"file", "rows", "sha256"};
    int bad = ent_csv_write(f, head, 3) != ENT_OK;
    for (int i = 0; i < F_NFILES && !bad; i++) {
        join(path, tmp, set_files[i]);
        num(rows, s->rows[i]);
        bad = entx_jsha256_file(hex, path) != 0;
        const char *c[] = {set_files[i], rows, hex};
        bad = bad || ent_csv_write(f, c, 3) != ENT_OK;
    }
    bad |= ferror(f) | fclose(f);
    return bad ? entx_fail(s->db, ENT_ERROR, "cannot write manifest.csv") : ENT_OK;
}

static void remove_tmp(const char *tmp)
{
    char path[4096];
    for (int i = 0; i < F_NFILES; i++) {
        join(path, tmp, set_files[i]);
        unlink(path);
    }
    join(path, tmp, "manifest.csv");
    unlink(path);
    rmdir(tmp);
}

int ent_journal_export_csv(ent_db *db, const char *dir, int64_t from_seq, int64_t to_seq, int64_t *records)
{
    struct set s;
    ent_store *store = NULL;
    char tmp[4096];
    int rc;
    memset(&s, 0, sizeof s);
    s.db = db;
    entx_ok(db);
    if (records)
        *records = 0;
    if (dir == NULL || *dir == '\0')
        return entx_fail(db, ENT_INVALID, "no folder given for the CSV set");
    if (access(dir, F_OK) == 0)
        return entx_fail(db, ENT_EXISTS, "%s already exists: the CSV set goes into a new folder", ENT_CLIP(dir, 60));
    if ((rc = ent_store_get(db, &store)) != ENT_OK)
        return rc;
    s.tz = store->tz;
    /* Written beside the target and renamed: the folder appears whole or not at all. */
    /* mkdir, not mkdtemp: the folder gets the permissions the user's umask gives. */
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", dir, (long)getpid());
    if (mkdir(tmp, 0777) != 0) {
        ent_store_free(store);
        return entx_fail(db, ENT_ERROR, "cannot create a folder beside %s: %s", ENT_CLIP(dir, 60), strerror(errno));
    }
    rc = open_files(&s, tmp);
    if (rc == ENT_OK) {
        const char *c[] = {J_BODY_VERSION, store->code, store->currency, store->tz};
        ROW(&s, F_STORE, c);
        rc = ent_journal_each(db, from_seq, to_seq, write_record, &s);
    }
    if (close_files(&s) != ENT_OK || (rc == ENT_OK && s.failed))
        rc = entx_fail(db, ENT_ERROR, "writing the CSV set failed (a full disk?)");
    if (rc == ENT_OK)
        rc = write_manifest(&s, tmp);
    if (rc == ENT_OK && rename(tmp, dir) != 0)
        rc = entx_fail(db, ENT_ERROR, "cannot create %s: %s", ENT_CLIP(dir, 60), strerror(errno));
    if (rc != ENT_OK)
        remove_tmp(tmp);
    else if (records)
        *records = s.rows[F_RECORDS];
    ent_store_free(store);
    return rc;
}
