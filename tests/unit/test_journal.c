/*
 * journal module: keys, appends, closings, receipts, crash events, and a
 * table of tamperings, each done with raw SQL on a copy of one journal and
 * checked by its exact `seq: reason` output. Signatures are never compared
 * byte for byte (OpenSSL signs with random nonces): only verified.
 */
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include <openssl/evp.h>

#include "testutil.h"
#include "journal_internal.h"

static char dir[64];
static char key_path[128];

static void path_in(char *out, size_t len, const char *name)
{
    snprintf(out, len, "%s/%s", dir, name);
}

static int setup(void **state)
{
    snprintf(dir, sizeof dir, "test_journal_%d", (int)getpid());
    mkdir(dir, 0700);
    path_in(key_path, sizeof key_path, "sign.key");
    unlink(key_path);
    entx_clock_set("2026-11-27T01:00:00Z");
    unsetenv("ENTREPOT_KEY");
    unsetenv("ENTREPOT_KEY_PASSPHRASE");
    return test_db_setup(state);
}

static int teardown(void **state)
{
    char cmd[160];
    test_db_teardown(state);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return -1;
    return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static ent_journal *start_and_open(ent_db *db)
{
    ent_journal *j = NULL;
    char id[65];
    assert_int_equal(ent_journal_start(db, id, key_path, NULL), ENT_OK);
    assert_int_equal(strlen(id), 64);
    ent_journal_open_opts o = {.counter = "C1"};
    assert_int_equal(ent_journal_open(&j, db, &o), ENT_OK);
    return j;
}

/* A sale of lines given as code, qty, price, rate; taxes and one payment
 * derived from them. */
struct sale {
    int kind;
    const char *time, *uuid, *ref, *method;
    int n;
    struct {
        const char *code;
        int64_t qty, price;
        int32_t rate;
    } l[4];
};

static int append(ent_journal *j, ent_journal_written *out, const struct sale *s)
{
    ent_journal_line lines[4];
    ent_journal_tax taxes[4];
    int nt = 0;
    int64_t total = 0;
    for (int i = 0; i < s->n; i++) {
        int64_t amount = s->l[i].qty * s->l[i].price;
        lines[i] = (ent_journal_line){s->l[i].code, "L1", "item", s->l[i].qty, s->l[i].price, 0, amount, s->l[i].rate};
        int t = 0;
        while (t < nt && taxes[t].rate != s->l[i].rate)
            t++;
        if (t == nt)
            taxes[nt++] = (ent_journal_tax){s->l[i].rate, 0, 0};
        taxes[t].gross += amount;
        taxes[t].tax = taxes[t].gross * taxes[t].rate / (10000 + taxes[t].rate);
        total += amount;
    }
    ent_journal_pay pay = {s->method ? s->method : "cash", total};
    ent_journal_record r = {.kind = s->kind, .uuid = s->uuid, .time = s->time, .cashier = "Li", .ref = s->ref,
                            .taxes = taxes, .ntaxes = (size_t)nt, .pays = &pay, .npays = 1,
                            .lines = lines, .nlines = (size_t)s->n};
    return ent_journal_append(j, out, &r);
}

struct collect {
    char text[4096];
};

static void collect_issue(int64_t seq, const char *reason, void *ud)
{
    struct collect *c = ud;
    size_t n = strlen(c->text);
    snprintf(c->text + n, sizeof c->text - n, "%lld: %s\n", (long long)seq, reason);
}

static int verify_path(const char *path, const ent_journal_verify_opts *o, char *out, size_t len,
                       ent_journal_summary *sum)
{
    ent_db *db = NULL;
    struct collect c = {""};
    int rc = ent_db_open(&db, path, ENT_OPEN_READONLY);
    if (rc == ENT_OK)
        rc = ent_journal_verify(db, sum, o, collect_issue, &c);
    if (rc != ENT_OK && rc != ENT_TAMPERED)
        snprintf(c.text, sizeof c.text, "error %d: %s", rc, ent_errmsg(db));
    snprintf(out, len, "%s", c.text);
    ent_db_close(db);
    return rc;
}

static int write_pubkey(ent_db *db, const char *path, int64_t seq);

struct pem_out {
    const char *path;
    int64_t seq;
    int done;
};

static int pem_cb(const ent_journal_entry *e, void *ud)
{
    struct pem_out *p = ud;
    if (e->seq != p->seq || e->pubkey_pem == NULL)
        return 0;
    FILE *f = fopen(p->path, "a");
    fputs(e->pubkey_pem, f);
    fclose(f);
    p->done = 1;
    return 1;
}

/* Appends the public key carried by record seq to path (PEM). */
static int write_pubkey(ent_db *db, const char *path, int64_t seq)
{
    struct pem_out p = {path, seq, 0};
    ent_journal_each(db, seq, seq, pem_cb, &p);
    return p.done ? 0 : -1;
}

/* The base journal of the tamper table:
 *  1 START  2 SALE  3 SALE  4 RETURN  5 TRAINING  6 VOID  7 EVENT  8 SALE
 *  9 CLOSE day 2026-11-27  10 SALE  11 SALE  12 SALE (2026-11-28). */
#define UUID8 "00000000-0000-4000-8000-000000000008"
static void base_journal(ent_db *db, char head_out[65])
{
    ent_journal *j = start_and_open(db);
    ent_journal_written w2, w3;
    ent_journal_closing *z = NULL;
    const struct sale s2 = {ENT_JOURNAL_SALE, "2026-11-27T02:00:00Z", NULL, NULL, "cash", 2,
                            {{"6900000000011", 2, 300, 1300}, {"6900000000028", 1, 400, 1300}}};
    assert_int_equal(append(j, &w2, &s2), ENT_OK);
    const struct sale s3 = {ENT_JOURNAL_SALE, "2026-11-27T02:10:00Z", NULL, NULL, "card", 2,
                            {{"6900000000035", 1, 1500, 1300}, {"6900000000042", 1, 1000, 900}}};
    assert_int_equal(append(j, &w3, &s3), ENT_OK);
    const struct sale s4 = {ENT_JOURNAL_RETURN, "2026-11-27T02:20:00Z", NULL, w2.uuid, "cash", 1,
                            {{"6900000000011", -1, 300, 1300}}};
    assert_int_equal(append(j, NULL, &s4), ENT_OK);
    const struct sale s5 = {ENT_JOURNAL_TRAINING, "2026-11-27T02:30:00Z", NULL, NULL, "cash", 1,
                            {{"6900000000059", 1, 700, 1300}}};
    assert_int_equal(append(j, NULL, &s5), ENT_OK);
    const struct sale s6 = {ENT_JOURNAL_VOID, "2026-11-27T02:40:00Z", NULL, w3.uuid, "card", 2,
                            {{"6900000000035", -1, 1500, 1300}, {"6900000000042", -1, 1000, 900}}};
    assert_int_equal(append(j, NULL, &s6), ENT_OK);
    entx_clock_set("2026-11-27T02:45:00Z");
    assert_int_equal(ent_journal_event(j, NULL, "drawer", "opened without a sale"), ENT_OK);
    const struct sale s8 = {ENT_JOURNAL_SALE, "2026-11-27T02:50:00Z", UUID8, NULL, "wallet", 1,
                            {{"6900000000066", 2, 600, 900}}};
    assert_int_equal(append(j, NULL, &s8), ENT_OK);
    entx_clock_set("2026-11-27T12:00:00Z"); /* 20:00 in Shanghai */
    assert_int_equal(ent_journal_close_period(j, &z, ENT_PERIOD_DAY, NULL), ENT_OK);
    assert_int_equal(z->seq, 9);
    snprintf(head_out, 65, "%s", z->hash);
    ent_journal_closing_free(z);
    for (int i = 0; i < 3; i++) {
        char t[21];
        snprintf(t, sizeof t, "2026-11-28T02:0%d:00Z", i);
        const struct sale s = {ENT_JOURNAL_SALE, t, NULL, NULL, "cash", 1, {{"6900000000011", 1, 300 + i, 1300}}};
        assert_int_equal(append(j, NULL, &s), ENT_OK);
    }
    ent_journal_close(j);
}

/* Recomputes record seq's hash after raw edits, as an attacker can, and
 * signs it again with key (its key id goes into the record unless keep_id). */
static void rehash(const char *path, int64_t seq, EVP_PKEY *key, int keep_id)
{
    ent_db *db = NULL;
    struct jwalk *w = NULL;
    struct jrec *r = NULL;
    struct jbuf body = {0}, seal = {0};
    char store[17];
    unsigned char dgst[J_HASH];
    assert_int_equal(ent_db_open(&db, path, 0), ENT_OK);
    assert_int_equal(entx_jstore_code(db, store, NULL, NULL), ENT_OK);
    assert_int_equal(entx_jwalk_open(db, &w, seq), ENT_OK);
    assert_int_equal(entx_jwalk_next(w, &r), 1);
    if (key && !keep_id)
        entx_jkey_id(r->key_id, NULL, NULL, key);
    assert_int_equal(entx_jbody_build(&body, store, r), ENT_OK);
    entx_jsha256(r->hash, body.p, body.len);
    assert_int_equal(entx_jseal_build(&seal, store, r), ENT_OK);
    entx_jsha256(dgst, seal.p, seal.len);
    if (key) {
        EVP_PKEY_CTX *ctx = entx_jsign_ctx(key);
        assert_int_equal(entx_jsign(ctx, r->sig, dgst), ENT_OK);
        EVP_PKEY_CTX_free(ctx);
    }
    unsigned char key_id[J_HASH], hash[J_HASH], sig[J_SIG];
    memcpy(key_id, r->key_id, J_HASH);
    memcpy(hash, r->hash, J_HASH);
    memcpy(sig, r->sig, J_SIG);
    entx_jwalk_close(w);
    entx_jbuf_free(&body);
    entx_jbuf_free(&seal);
    ent_db_close(db);
    sqlite3 *raw;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    sqlite3_exec(raw, "DROP TRIGGER IF EXISTS journal_no_update", NULL, NULL, NULL);
    assert_int_equal(sqlite3_prepare_v2(raw, "UPDATE journal SET key_id = ?, hash = ?, sig = ? WHERE seq = ?", -1,
                                        &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_blob(st, 1, key_id, J_HASH, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, hash, J_HASH, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, sig, J_SIG, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, seq);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(raw);
}

static void raw_sql(const char *path, const char *sql)
{
    sqlite3 *raw;
    char *err = NULL;
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    if (sqlite3_exec(raw, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("sql failed: %s: %s", sql, err);
    sqlite3_close(raw);
}

/* Replaces {key} and {head} in want by the 16 hex digits given. */
static void expand(char *out, size_t len, const char *want, const char *key16, const char *head16)
{
    size_t o = 0;
    for (const char *p = want; *p && o + 1 < len;) {
        const char *sub = strncmp(p, "{key}", 5) == 0 ? key16 : strncmp(p, "{head}", 6) == 0 ? head16 : NULL;
        if (sub) {
            o += (size_t)snprintf(out + o, len - o, "%s", sub);
            p += p[1] == 'k' ? 5 : 6;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
}

#define DROP "DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete; " \
             "DROP TRIGGER journal_line_no_update; DROP TRIGGER journal_line_no_delete; "
#define LISTS(what) \
    "UPDATE journal_tax SET " what "; UPDATE journal_pay SET " what "; UPDATE journal_line SET " what "; " \
    "UPDATE journal_count SET " what "; "

/* ---- the tamper table --------------------------------------------------- */

static void tampering_rows(void **state)
{
    enum { NONE, RESIGN_OTHER, RESIGN_KEEP_ID, FORGE_HASH, RESIGN_REAL };
    static const struct {
        const char *what, *sql;
        int after;      /* what to do after the SQL */
        int64_t seq;    /* the record it applies to */
        int with_head;  /* pass --head from the Z report */
        int rc;
        const char *want;
    } rows[] = {
        /* 0 */ {"untouched", "", NONE, 0, 1, ENT_OK, ""},
        /* 1 */ {"changed amount", DROP "UPDATE journal SET total = 1100 WHERE seq = 2", NONE, 0, 0, ENT_TAMPERED,
                 "2: changed after signing: its fields no longer match its hash\n"},
        /* 2 */ {"changed amount per tax rate", "UPDATE journal_tax SET gross = 1400 WHERE seq = 3 AND rate = 1300",
                 NONE, 0, 0, ENT_TAMPERED, "3: changed after signing: its fields no longer match its hash\n"},
        /* 3 */ {"changed payment", "UPDATE journal_pay SET method = 'cash' WHERE seq = 8", NONE, 0, 0, ENT_TAMPERED,
                 "8: changed after signing: its fields no longer match its hash\n"},
        /* 4 */ {"changed time", DROP "UPDATE journal SET at = '2026-11-27T03:00:00Z' WHERE seq = 8", NONE, 0, 0,
                 ENT_TAMPERED, "8: changed after signing: its fields no longer match its hash\n"},
        /* 5 */ {"changed kind", DROP "UPDATE journal SET kind = 'TRAINING' WHERE seq = 8", NONE, 0, 0, ENT_TAMPERED,
                 "8: changed after signing: its fields no longer match its hash\n"},
        /* 6 */ {"changed sale line", DROP "UPDATE journal_line SET qty = 1 WHERE seq = 2 AND line = 1", NONE, 0, 0,
                 ENT_TAMPERED, "2: changed after signing: its fields no longer match its hash\n"},
        /* 7 */ {"deleted sale line", DROP "DELETE FROM journal_line WHERE seq = 3 AND line = 2", NONE, 0, 0,
                 ENT_TAMPERED, "3: changed after signing: its fields no longer match its hash\n"},
        /* 8 */ {"deleted record", DROP "DELETE FROM journal_line WHERE seq = 5; DELETE FROM journal_tax WHERE seq = 5; "
                 "DELETE FROM journal_pay WHERE seq = 5; DELETE FROM journal WHERE seq = 5",
                 NONE, 0, 0, ENT_TAMPERED, "6: record 5 is missing\n"},
        /* 9 */ {"deleted records", DROP "DELETE FROM journal WHERE seq IN (3, 4)", NONE, 0, 0, ENT_TAMPERED,
                 "5: records 3..4 are missing\n"},
        /* 10 */ {"inserted record, hashed and chained, no key",
                  DROP "INSERT INTO journal SELECT 13, '00000000-0000-4000-8000-0000000000ff', kind, "
                  "'2026-11-28T03:00:00Z', counter, cashier, ref, currency, 5000, grand_total + 5000, event, note, "
                  "pubkey, period, period_end, first_seq, last_seq, training, hash, key_id, hash, sig "
                  "FROM journal WHERE seq = 12; "
                  "INSERT INTO journal_tax VALUES (13, 1300, 5000, 575); INSERT INTO journal_pay VALUES (13, 'cash', 5000)",
                  FORGE_HASH, 13, 0, ENT_TAMPERED, "13: bad signature\n"},
        /* 11 */ {"inserted record in the middle, later ones renumbered",
                  DROP "UPDATE journal SET seq = seq + 100 WHERE seq >= 10; UPDATE journal SET seq = seq - 99 WHERE seq >= 110; "
                  LISTS("seq = seq + 100 WHERE seq >= 10") LISTS("seq = seq - 99 WHERE seq >= 110")
                  "INSERT INTO journal SELECT 10, '00000000-0000-4000-8000-0000000000fe', kind, at, counter, cashier, "
                  "ref, currency, total, grand_total, event, note, pubkey, period, period_end, first_seq, last_seq, "
                  "training, prev_hash, key_id, hash, sig FROM journal WHERE seq = 11",
                  NONE, 0, 0, ENT_TAMPERED,
                  "10: changed after signing: its fields no longer match its hash\n"
                  "11: out of order: it was signed as record 10\n"
                  "12: out of order: it was signed as record 11\n"
                  "13: out of order: it was signed as record 12\n"},
        /* 12 */ {"reordered records", DROP "UPDATE journal SET seq = -10 WHERE seq = 10; "
                  "UPDATE journal SET seq = 10 WHERE seq = 11; UPDATE journal SET seq = 11 WHERE seq = -10; "
                  LISTS("seq = -10 WHERE seq = 10") LISTS("seq = 10 WHERE seq = 11") LISTS("seq = 11 WHERE seq = -10"),
                  NONE, 0, 0, ENT_TAMPERED,
                  "10: out of order: it was signed as record 11\n11: out of order: it was signed as record 10\n"
                  "12: not chained to record 11: prev_hash differs\n"},
        /* 13 */ {"duplicated record", DROP "INSERT INTO journal SELECT 13, uuid, kind, at, counter, cashier, ref, "
                  "currency, total, grand_total, event, note, pubkey, period, period_end, first_seq, last_seq, "
                  "training, prev_hash, key_id, hash, sig FROM journal WHERE seq = 8; "
                  "INSERT INTO journal_line SELECT 13, line, code, lot, name, qty, unit_price, discount, amount, "
                  "tax_rate FROM journal_line WHERE seq = 8",
                  NONE, 0, 0, ENT_TAMPERED, "13: duplicate of record 8 (same UUID " UUID8 ")\n"},
        /* 14 */ {"re-signed with another key", DROP "UPDATE journal SET total = 9999 WHERE seq = 3", RESIGN_OTHER, 3,
                  0, ENT_TAMPERED,
                  "3: signed by key {key}…, which the key chain never introduced\n"
                  "4: not chained to record 3: prev_hash differs\n"},
        /* 15 */ {"re-signed with another key under the real key id", DROP "UPDATE journal SET total = 9999 WHERE seq = 3",
                  RESIGN_KEEP_ID, 3, 0, ENT_TAMPERED, "3: bad signature\n4: not chained to record 3: prev_hash differs\n"},
        /* 16 */ {"tail cut off after a closing", DROP "DELETE FROM journal WHERE seq >= 9", NONE, 0, 1, ENT_TAMPERED,
                  "9: tail cut off: the head {head}… from the Z report is not in the journal, which ends at record 8\n"},
        /* 17 */ {"tail cut off after a closing, no head given: undetectable by design",
                  DROP "DELETE FROM journal WHERE seq >= 9", NONE, 0, 0, ENT_OK, ""},
        /* 18 */ {"records after the Z cut off: the Z head still matches", DROP "DELETE FROM journal WHERE seq >= 11",
                  NONE, 0, 1, ENT_OK, ""},
        /* 19 */ {"closing counts changed", "UPDATE journal_count SET n = 2 WHERE seq = 9 AND kind = 'SALE'", NONE, 0,
                  0, ENT_TAMPERED, "9: changed after signing: its fields no longer match its hash\n"},
        /* 20 */ {"grand total changed and re-hashed", DROP "UPDATE journal SET grand_total = 0 WHERE seq = 10",
                  FORGE_HASH, 10, 0, ENT_TAMPERED, "10: bad signature\n11: not chained to record 10: prev_hash differs\n"},
        /* 21 */ {"signature bytes flipped", DROP "UPDATE journal SET sig = zeroblob(64) WHERE seq = 4", NONE, 0, 0,
                  ENT_TAMPERED, "4: bad signature\n"},
        /* 22 */ {"hash column truncated", DROP "UPDATE journal SET hash = substr(hash, 1, 31) WHERE seq = 6", NONE, 0,
                  0, ENT_TAMPERED, "6: malformed: a hash, key id or signature has the wrong size\n"
                  "7: not chained to record 6: prev_hash differs\n"},
        /* 23 */ {"store code changed", "UPDATE store SET code = 'SH02'", NONE, 0, 0, ENT_TAMPERED, NULL},
        /* The semantic checks, against someone holding the real key. */
        /* 24 */ {"grand total wrong, signed with the real key", DROP "UPDATE journal SET grand_total = 1 WHERE seq = 12",
                  RESIGN_REAL, 12, 0, ENT_TAMPERED, "12: grand total 1, expected 2803\n"},
        /* 25 */ {"closing total wrong, signed with the real key", DROP "UPDATE journal SET total = 1 WHERE seq = 9",
                  RESIGN_REAL, 9, 0, ENT_TAMPERED,
                  "9: closing of records 1..8 does not add up: total 1, records give 1900\n"
                  "10: not chained to record 9: prev_hash differs\n"},
        /* 26 */ {"closing count wrong, signed with the real key",
                  "UPDATE journal_count SET n = 4 WHERE seq = 9 AND kind = 'SALE'", RESIGN_REAL, 9, 0, ENT_TAMPERED,
                  "9: closing of records 1..8 does not add up: the counts per kind differ\n"
                  "10: not chained to record 9: prev_hash differs\n"},
        /* 27 */ {"a day closing that leaves records out, sums matching its range, signed with the real key",
                  DROP "UPDATE journal SET first_seq = 3, total = 900 WHERE seq = 9; "
                  "UPDATE journal_count SET n = n - 1 WHERE seq = 9 AND kind IN ('START', 'SALE'); "
                  "UPDATE journal_tax SET gross = gross - 1000, tax = tax - 115 WHERE seq = 9 AND rate = 1300; "
                  "UPDATE journal_pay SET amount = amount - 1000 WHERE seq = 9 AND method = 'cash'; "
                  "DELETE FROM journal_count WHERE seq = 9 AND n = 0",
                  RESIGN_REAL, 9, 0, ENT_TAMPERED,
                  "9: the day closing covers records 3..8, not 1..8\n"
                  "10: not chained to record 9: prev_hash differs\n"},
        /* 28 */ {"an amount stored as text that reads back as the signed number",
                  DROP "UPDATE journal SET total = '1000 (was 1000)' WHERE seq = 2", NONE, 0, 0, ENT_TAMPERED,
                  "2: malformed: a column holds a value of the wrong type\n"},
        /* 29 */ {"a sale dated before the day's closing, signed with the real key",
                  DROP "UPDATE journal SET at = '2026-11-27T05:00:00Z' WHERE seq = 12", RESIGN_REAL, 12, 0,
                  ENT_TAMPERED,
                  "12: dated 2026-11-27 13:00:00 (Asia/Shanghai), before the closing of 2026-11-27 taken at "
                  "2026-11-27 20:00:00 (record 9)\n"},
        /* 30 */ {"a day closing's period_end moved an hour, signed with the real key",
                  DROP "UPDATE journal SET period_end = '2026-11-27T17:00:00Z' WHERE seq = 9", RESIGN_REAL, 9, 0,
                  ENT_TAMPERED,
                  "9: day:2026-11-27 ends at 2026-11-27T16:00:00Z in time zone Asia/Shanghai, not at "
                  "2026-11-27T17:00:00Z\n"
                  "10: not chained to record 9: prev_hash differs\n"},
    };
    ent_db *db = *state;
    char head[65], base[160], copy[160], got[4096], want[4096], head16[17], key16[17];
    base_journal(db, head);
    path_in(base, sizeof base, "base.db");
    unlink(base);
    assert_int_equal(ent_db_backup(db, base), ENT_OK);
    snprintf(head16, sizeof head16, "%.16s", head);
    EVP_PKEY *other = entx_jkey_generate();
    unsigned char other_id[J_HASH];
    char other_hex[65];
    entx_jkey_id(other_id, NULL, NULL, other);
    entx_jhex(other_hex, other_id, J_HASH);
    snprintf(key16, sizeof key16, "%.16s", other_hex);
    EVP_PKEY *real = NULL;
    assert_int_equal(entx_jkey_load(db, &real, key_path, NULL), ENT_OK);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        ent_db *src = NULL;
        snprintf(copy, sizeof copy, "%s/row%zu.db", dir, i);
        assert_int_equal(ent_db_open(&src, base, ENT_OPEN_READONLY), ENT_OK);
        assert_int_equal(ent_db_backup(src, copy), ENT_OK);
        ent_db_close(src);
        if (*rows[i].sql)
            raw_sql(copy, rows[i].sql);
        if (rows[i].after == RESIGN_OTHER)
            rehash(copy, rows[i].seq, other, 0);
        else if (rows[i].after == RESIGN_KEEP_ID)
            rehash(copy, rows[i].seq, other, 1);
        else if (rows[i].after == FORGE_HASH)
            rehash(copy, rows[i].seq, NULL, 1);
        else if (rows[i].after == RESIGN_REAL)
            rehash(copy, rows[i].seq, real, 1);
        ent_journal_verify_opts o = {.head = rows[i].with_head ? head : NULL};
        int rc = verify_path(copy, &o, got, sizeof got, NULL);
        if (rows[i].want == NULL) { /* every record: just count the lines */
            size_t lines = 0;
            for (const char *p = got; *p; p++)
                lines += *p == '\n';
            if (rc != rows[i].rc || lines != 12)
                fail_msg("row %zu (%s): rc %d, %zu lines:\n%s", i, rows[i].what, rc, lines, got);
            continue;
        }
        expand(want, sizeof want, rows[i].want, key16, head16);
        if (rc != rows[i].rc || strcmp(got, want) != 0)
            fail_msg("row %zu (%s): rc %d, want %d\ngot:\n%swant:\n%s", i, rows[i].what, rc, rows[i].rc, got, want);
    }
    EVP_PKEY_free(other);
    EVP_PKEY_free(real);
}

/* ---- keys --------------------------------------------------------------- */

static void key_rows(void **state)
{
    ent_db *db = *state;
    ent_journal *j = NULL;
    char path[160], msg[9000], id[65];
    ent_journal_open_opts o = {0};

    /* 0: no journal yet */
    assert_int_equal(ent_journal_open(&j, db, &o), ENT_REFUSED);
    assert_string_equal(ent_errmsg(db), "the sales journal has not started, so nothing can be sold");
    assert_int_equal(ent_errhint(db), ENT_HINT_START_JOURNAL);
    /* 1: a passphrase-protected first key */
    assert_int_equal(ent_journal_start(db, id, key_path, "s3cret"), ENT_OK);
    char abs[4096];
    assert_non_null(realpath(key_path, abs)); /* the journal remembers where its key is, absolutely */
    struct stat sb;
    assert_int_equal(stat(key_path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    /* 2: never overwrite a key */
    EXPECT_ROW(2, db, ent_journal_keygen(db, NULL, key_path, NULL), ENT_EXISTS,
               strcat(strcpy(msg, key_path), " already exists: a key file is never overwritten"));
    /* 3: started twice */
    path_in(path, sizeof path, "second.key");
    EXPECT_ROW(3, db, ent_journal_start(db, NULL, path, NULL), ENT_EXISTS,
               "the journal has already started: its next key is a rotation of the current one");
    assert_int_equal(ent_errhint(db), ENT_HINT_ROTATE_KEY);
    assert_int_not_equal(access(path, F_OK), 0);
    /* 4: no passphrase */
    snprintf(msg, sizeof msg, "the signing key %s is protected by a passphrase, and none was given", abs);
    EXPECT_ROW(4, db, ent_journal_open(&j, db, &o), ENT_REFUSED, msg);
    assert_int_equal(ent_errhint(db), ENT_HINT_PASSPHRASE);
    /* 5: wrong passphrase */
    o.passphrase = "wrong";
    snprintf(msg, sizeof msg, "wrong passphrase for the signing key %s", abs);
    EXPECT_ROW(5, db, ent_journal_open(&j, db, &o), ENT_REFUSED, msg);
    assert_int_equal(ent_errhint(db), ENT_HINT_NONE);
    /* 6: others can read it */
    o.passphrase = "s3cret";
    chmod(key_path, 0644);
    snprintf(msg, sizeof msg, "the signing key %s can be read by others (mode 0644): run `chmod 600 %s`, and make a "
             "new key if others may have copied it", abs, abs);
    EXPECT_ROW(6, db, ent_journal_open(&j, db, &o), ENT_REFUSED, msg);
    assert_int_equal(ent_errhint(db), ENT_HINT_ROTATE_KEY);
    chmod(key_path, 0600);
    /* 7: the passphrase from the environment */
    setenv("ENTREPOT_KEY_PASSPHRASE", "s3cret", 1);
    o.passphrase = NULL;
    assert_int_equal(ent_journal_open(&j, db, &o), ENT_OK);
    assert_string_equal(ent_journal_key_id(j), id);
    ent_journal_close(j);
    unsetenv("ENTREPOT_KEY_PASSPHRASE");
    /* 8: a key that is not the journal's */
    assert_int_equal(ent_journal_keygen(db, NULL, path, NULL), ENT_OK);
    o.key_path = path;
    assert_int_equal(ent_journal_open(&j, db, &o), ENT_REFUSED);
    assert_non_null(strstr(ent_errmsg(db), "is not the journal's current key"));
    /* 9: not a key at all */
    path_in(path, sizeof path, "junk.key");
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    assert_true(write(fd, "hello\n", 6) == 6);
    close(fd);
    assert_int_equal(ent_journal_open(&j, db, &o), ENT_REFUSED);
    snprintf(msg, sizeof msg, "%s holds no private key in PEM form", path);
    assert_memory_equal(ent_errmsg(db), msg, strlen(msg));
    assert_null(j);
}

static void rotation_and_replacement(void **state)
{
    ent_db *db = *state;
    ent_journal *j = start_and_open(db);
    char newkey[160], lost[160], trusted[160], got[4096], id2[65];
    const struct sale s = {ENT_JOURNAL_SALE, NULL, NULL, NULL, "cash", 1, {{"6900000000011", 1, 100, 1300}}};
    assert_int_equal(append(j, NULL, &s), ENT_OK);
    path_in(newkey, sizeof newkey, "rotated.key");
    assert_int_equal(ent_journal_rotate(j, id2, newkey, NULL), ENT_OK); /* 3: KEY */
    assert_string_equal(ent_journal_key_id(j), id2);
    assert_int_equal(append(j, NULL, &s), ENT_OK); /* 4: signed by the new key */
    ent_journal_close(j);
    /* The remembered path is the new key's. */
    ent_journal_open_opts o = {0};
    assert_int_equal(ent_journal_open(&j, db, &o), ENT_OK);
    assert_string_equal(ent_journal_key_id(j), id2);
    ent_journal_close(j);
    assert_int_equal(verify_path(test_db_path, NULL, got, sizeof got, NULL), ENT_OK);
    assert_string_equal(got, "");
    /* Anchored on the first key given as --pubkey. */
    path_in(trusted, sizeof trusted, "trusted.pem");
    assert_int_equal(write_pubkey(db, trusted, 1), 0);
    ent_journal_verify_opts vo = {.pubkey_path = trusted};
    ent_journal_summary sum;
    assert_int_equal(verify_path(test_db_path, &vo, got, sizeof got, &sum), ENT_OK);
    assert_int_equal(sum.anchored, 1);
    assert_int_equal(sum.keys, 2);
    /* The key is lost: a new one is recorded by an EVENT it signs itself. */
    path_in(lost, sizeof lost, "replacement.key");
    assert_int_equal(ent_journal_keygen(db, NULL, lost, NULL), ENT_OK);
    o.key_path = lost;
    assert_int_equal(ent_journal_open_replacing_key(&j, db, &o, "key file lost with the old till"), ENT_OK);
    assert_int_equal(append(j, NULL, &s), ENT_OK);
    ent_journal_close(j);
    char want[512];
    assert_int_equal(verify_path(test_db_path, &vo, got, sizeof got, NULL), ENT_TAMPERED);
    snprintf(want, sizeof want, "5: key replaced without the old key's signature (new key %.16s…): vouch for it "
             "by giving it as a public key\n", got + strlen("5: key replaced without the old key's signature (new key "));
    assert_string_equal(got, want);
    /* The auditor vouches for it. */
    assert_int_equal(write_pubkey(db, trusted, 5), 0);
    assert_int_equal(verify_path(test_db_path, &vo, got, sizeof got, NULL), ENT_OK);
    assert_string_equal(got, "");
}

static void forged_journal_fails_anchor(void **state)
{
    /* A whole journal rebuilt with another key verifies on its own, but not
     * against the store's real public key. */
    ent_db *db = *state, *fake = NULL;
    char fake_path[160], fake_key[160], trusted[160], got[4096], want[256];
    ent_journal *j = start_and_open(db);
    ent_journal_close(j);
    path_in(trusted, sizeof trusted, "real.pem");
    assert_int_equal(write_pubkey(db, trusted, 1), 0);
    path_in(fake_path, sizeof fake_path, "fake.db");
    path_in(fake_key, sizeof fake_key, "fake.key");
    assert_int_equal(ent_db_open(&fake, fake_path, ENT_OPEN_CREATE), ENT_OK);
    assert_int_equal(ent_store_init(fake, "SH01", "测试店", "CNY", "Asia/Shanghai"), ENT_OK);
    char fake_id[65];
    assert_int_equal(ent_journal_start(fake, fake_id, fake_key, NULL), ENT_OK);
    ent_db_close(fake);
    assert_int_equal(verify_path(fake_path, NULL, got, sizeof got, NULL), ENT_OK);
    ent_journal_verify_opts vo = {.pubkey_path = trusted};
    assert_int_equal(verify_path(fake_path, &vo, got, sizeof got, NULL), ENT_TAMPERED);
    snprintf(want, sizeof want, "1: the START key %.16s… is not one of the public keys given\n", fake_id);
    assert_string_equal(got, want);
}

/* ---- appends ------------------------------------------------------------ */

static void append_rows(void **state)
{
    ent_db *db = *state;
    ent_journal *j = start_and_open(db);
    ent_journal_tax t1300 = {1300, 1000, 115}, tdup[2] = {{1300, 500, 57}, {1300, 500, 58}};
    ent_journal_pay cash = {"cash", 1000}, cash900 = {"cash", 900}, refund = {"cash", 100};
    ent_journal_tax tref = {1300, 100, 11};
    ent_journal_line line900 = {"6900000000011", NULL, NULL, 1, 900, 0, 900, 1300};
    ent_journal_line negprice = {"6900000000011", NULL, NULL, -1, -1000, 0, 1000, 1300};
    /* The payments add up, but one hides a payout (sale) or takings (return). */
    ent_journal_pay split[2] = {{"card", 1500}, {"cash", -500}}, rsplit[2] = {{"card", -600}, {"cash", 500}};
    ent_journal_tax tsplit[2] = {{900, 1500, 124}, {1300, -500, -58}}, tret = {1300, -100, -12};
    static const char *const ctrl = "Li\x01";
    const struct {
        ent_journal_record r;
        int rc;
        const char *msg;
    } rows[] = {
        /* 0 */ {{.kind = ENT_JOURNAL_START}, ENT_INVALID,
                 "only SALE, RETURN, VOID and TRAINING records can be appended; the journal writes the others itself"},
        /* 1 */ {{.kind = ENT_JOURNAL_SALE}, ENT_INVALID, "a SALE needs its amounts per tax rate and per payment method"},
        /* 2 */ {{.kind = ENT_JOURNAL_SALE, .taxes = &t1300, .ntaxes = 1, .pays = &cash900, .npays = 1}, ENT_INVALID,
                 "the amounts per tax rate add up to 1000 but the payments to 900"},
        /* 3 */ {{.kind = ENT_JOURNAL_SALE, .taxes = &t1300, .ntaxes = 1, .pays = &cash, .npays = 1, .lines = &line900,
                  .nlines = 1}, ENT_INVALID, "the lines add up to 900 but the amounts per tax rate to 1000"},
        /* 4 */ {{.kind = ENT_JOURNAL_RETURN, .taxes = &tref, .ntaxes = 1, .pays = &refund, .npays = 1}, ENT_INVALID,
                 "a RETURN's total must be zero or negative, not 100"},
        /* 5 */ {{.kind = ENT_JOURNAL_VOID, .taxes = &t1300, .ntaxes = 1, .pays = &cash, .npays = 1}, ENT_INVALID,
                 "a VOID needs the UUID of the record it voids (ref)"},
        /* 6 */ {{.kind = ENT_JOURNAL_SALE, .time = "2026-13-01T00:00:00Z", .taxes = &t1300, .ntaxes = 1, .pays = &cash,
                  .npays = 1}, ENT_INVALID, "time '2026-13-01T00:00:00Z' is not UTC YYYY-MM-DDTHH:MM:SSZ"},
        /* 7 */ {{.kind = ENT_JOURNAL_SALE, .taxes = tdup, .ntaxes = 2, .pays = &cash, .npays = 1}, ENT_INVALID,
                 "tax rate 1300 appears twice"},
        /* 8 */ {{.kind = ENT_JOURNAL_SALE, .cashier = ctrl, .taxes = &t1300, .ntaxes = 1, .pays = &cash, .npays = 1},
                 ENT_INVALID, "cashier holds a control character (byte 3)"},
        /* 9 */ {{.kind = ENT_JOURNAL_SALE, .uuid = "not-a-uuid", .taxes = &t1300, .ntaxes = 1, .pays = &cash,
                  .npays = 1}, ENT_INVALID, "uuid 'not-a-uuid' is not a lower-case UUID"},
        /* 10 */ {{.kind = ENT_JOURNAL_SALE, .uuid = UUID8, .taxes = &t1300, .ntaxes = 1, .pays = &cash, .npays = 1},
                  ENT_OK, ""},
        /* 11 */ {{.kind = ENT_JOURNAL_SALE, .uuid = UUID8, .taxes = &t1300, .ntaxes = 1, .pays = &cash, .npays = 1},
                  ENT_EXISTS, "record " UUID8 " is already in the journal (seq 2)"},
        /* 12 */ {{.kind = 99}, ENT_INVALID,
                  "only SALE, RETURN, VOID and TRAINING records can be appended; the journal writes the others itself"},
        /* 13 */ {{.kind = ENT_JOURNAL_SALE, .taxes = &t1300, .ntaxes = 1, .pays = split, .npays = 2}, ENT_INVALID,
                  "payment 'cash' must be zero or positive in a SALE, not -500"},
        /* 14 */ {{.kind = ENT_JOURNAL_RETURN, .taxes = &tret, .ntaxes = 1, .pays = rsplit, .npays = 2}, ENT_INVALID,
                  "payment 'cash' must be zero or negative in a RETURN, not 500"},
        /* 15 */ {{.kind = ENT_JOURNAL_SALE, .taxes = tsplit, .ntaxes = 2, .pays = &cash, .npays = 1}, ENT_INVALID,
                  "the amount at tax rate 1300 must be zero or positive in a SALE, not -500"},
        /* 16 */ {{.kind = ENT_JOURNAL_SALE, .taxes = &t1300, .ntaxes = 1, .pays = &cash, .npays = 1,
                   .lines = &negprice, .nlines = 1}, ENT_INVALID,
                  "line 1: tax rate outside 0..10000, or a negative price or discount"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        EXPECT_ROW(i, db, ent_journal_append(j, NULL, &rows[i].r), rows[i].rc, rows[i].msg);
    ent_journal_close(j);
    char got[4096];
    assert_int_equal(verify_path(test_db_path, NULL, got, sizeof got, NULL), ENT_OK);
}

static int count_events(const ent_journal_entry *e, void *ud)
{
    int *n = ud;
    if (strcmp(e->kind, "EVENT") == 0 && (strcmp(e->event, "unclean-shutdown") == 0 ||
                                          strcmp(e->event, "clock-backwards") == 0))
        (*n)++;
    return 0;
}

static void unclean_shutdown_and_clock(void **state)
{
    ent_db *db = *state;
    ent_journal *j = start_and_open(db);
    ent_journal_close(j); /* a clean session leaves nothing behind */
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        /* A counter that dies without closing its session. */
        ent_db *cdb = NULL;
        ent_journal *cj = NULL;
        ent_journal_open_opts o = {.counter = "C2"};
        if (ent_db_open(&cdb, test_db_path, 0) != ENT_OK || ent_journal_open(&cj, cdb, &o) != ENT_OK)
            _exit(1);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    int n = 0;
    ent_journal_each(db, 0, 0, count_events, &n);
    assert_int_equal(n, 0);
    ent_journal_open_opts o = {.counter = "C1"};
    assert_int_equal(ent_journal_open(&j, db, &o), ENT_OK);
    ent_journal_each(db, 0, 0, count_events, &n);
    assert_int_equal(n, 1);
    /* The clock going back is recorded before the record it dates. */
    const struct sale late = {ENT_JOURNAL_SALE, "2026-11-27T05:00:00Z", NULL, NULL, "cash", 1,
                              {{"6900000000011", 1, 100, 1300}}};
    const struct sale early = {ENT_JOURNAL_SALE, "2026-11-27T04:00:00Z", NULL, NULL, "cash", 1,
                               {{"6900000000011", 1, 100, 1300}}};
    ent_journal_written w;
    assert_int_equal(append(j, NULL, &late), ENT_OK);
    assert_int_equal(append(j, &w, &early), ENT_OK);
    n = 0;
    ent_journal_each(db, 0, 0, count_events, &n);
    assert_int_equal(n, 2);
    assert_int_equal(w.seq, 5); /* 1 START, 2 EVENT, 3 SALE, 4 EVENT, 5 SALE */
    ent_journal_close(j);
    char got[4096];
    assert_int_equal(verify_path(test_db_path, NULL, got, sizeof got, NULL), ENT_OK);
}

/* ---- closings ----------------------------------------------------------- */

struct closing_list {
    char periods[4][ENT_PERIOD_SIZE];
    size_t n;
    int stop; /* returned by the callback */
};

static int list_closing(const ent_journal_entry *e, void *ud)
{
    struct closing_list *l = ud;
    assert_string_equal(e->kind, "CLOSE");
    if (l->n < 4)
        snprintf(l->periods[l->n], sizeof l->periods[0], "%s", e->period);
    l->n++;
    return l->stop;
}

/* ent_journal_closings: newest first, limited, stopped by the callback,
 * a negative limit refused (after closing_rows's closings). */
static void closings_listed(ent_db *db)
{
    struct closing_list all = {0}, two = {0}, stop = {.stop = 7};
    assert_int_equal(ent_journal_closings(db, 0, list_closing, &all), ENT_OK);
    assert_int_equal(all.n, 3);
    assert_string_equal(all.periods[0], "month:2026-11");
    assert_string_equal(all.periods[1], "day:2026-11-28");
    assert_string_equal(all.periods[2], "day:2026-11-27");
    assert_int_equal(ent_journal_closings(db, 2, list_closing, &two), ENT_OK);
    assert_int_equal(two.n, 2);
    assert_string_equal(two.periods[1], "day:2026-11-28");
    assert_int_equal(ent_journal_closings(db, 0, list_closing, &stop), 7);
    assert_int_equal(stop.n, 1);
    EXPECT_ROW(0, db, ent_journal_closings(db, -1, list_closing, &all), ENT_INVALID,
               "the number of closings must be 0 (all) or more, not -1");
}

static void closing_rows(void **state)
{
    ent_db *db = *state;
    char head[65];
    base_journal(db, head);
    ent_journal *j = NULL;
    ent_journal_open_opts o = {0};
    assert_int_equal(ent_journal_open(&j, db, &o), ENT_OK);
    /* The Z report of 2026-11-27, as base_journal wrote it, read back. */
    entx_clock_set("2026-11-28T03:00:00Z");
    const struct sale in_closed = {ENT_JOURNAL_SALE, "2026-11-27T05:00:00Z", NULL, NULL, "cash", 1,
                                   {{"6900000000011", 1, 100, 1300}}};
    const struct sale after_close = {ENT_JOURNAL_SALE, "2026-11-27T13:00:00Z", NULL, NULL, "cash", 1,
                                     {{"6900000000011", 2, 100, 1300}}};
    const struct {
        int period;
        const char *date;
        const char *now;
        int rc;
        const char *msg;
    } rows[] = {
        /* 0 */ {ENT_PERIOD_DAY, "2026-11-27", NULL, ENT_REFUSED,
                 "2026-11-27 is already closed (record 9); what was recorded after that closing goes into the "
                 "closing of the next day"},
        /* 1 */ {ENT_PERIOD_DAY, "2026-11-26", NULL, ENT_REFUSED,
                 "2026-11-26 cannot be closed: the later day 2026-11-27 is closed already (record 9)"},
        /* 2 */ {ENT_PERIOD_DAY, "2026-12-01", NULL, ENT_REFUSED, "2026-12-01 has not begun yet"},
        /* 3 */ {ENT_PERIOD_DAY, "2026-11-31", NULL, ENT_INVALID, "'2026-11-31' is not a date YYYY-MM-DD"},
        /* 4 */ {ENT_PERIOD_MONTH, "2026-11", NULL, ENT_REFUSED,
                 "2026-11 is not over and its last day is not closed yet"},
        /* 5 */ {ENT_PERIOD_MONTH, "2026-1", NULL, ENT_INVALID, "'2026-1' is not a month YYYY-MM"},
        /* 6 */ {ENT_PERIOD_DAY, "2026-11-28", "2026-11-28T12:00:00Z", ENT_OK, ""},
        /* 7 */ {ENT_PERIOD_DAY, NULL, "2026-11-28T13:00:00Z", ENT_REFUSED,
                 "2026-11-28 is already closed (record 15); what was recorded after that closing goes into the "
                 "closing of the next day"},
        /* 8 */ {ENT_PERIOD_MONTH, "2026-11", "2026-12-01T01:00:00Z", ENT_OK, ""},
        /* 9 */ {ENT_PERIOD_MONTH, "2026-11", "2026-12-01T01:00:00Z", ENT_REFUSED, "2026-11 is already closed"},
        /* 10 */ {ENT_PERIOD_YEAR, "2026", "2026-12-01T01:00:00Z", ENT_REFUSED,
                  "2026 is not over and its last day is not closed yet"},
    };
    EXPECT_ROW(-1, db, append(j, NULL, &in_closed), ENT_REFUSED,
               "the record is dated 2026-11-27 13:00:00 (Asia/Shanghai), before the closing of 2026-11-27 taken at "
               "2026-11-27 20:00:00 (record 9): a closing covers everything before it, so nothing can be recorded "
               "earlier; check the clock");
    /* After the closing (20:00) the same day is not frozen: a sale at 21:00
     * goes into the next closing (after an EVENT clock-backwards, 13: the
     * base journal holds records of the next morning). */
    EXPECT_ROW(-2, db, append(j, NULL, &after_close), ENT_OK, "");
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        if (rows[i].now)
            entx_clock_set(rows[i].now);
        EXPECT_ROW(i, db, ent_journal_close_period(j, NULL, rows[i].period, rows[i].date), rows[i].rc, rows[i].msg);
    }
    ent_journal_close(j);
    /* A clock behind the last closing is refused when the journal opens (the
     * counter's start), not at the payment. */
    ent_journal *late = NULL;
    entx_clock_set("2026-11-28T11:00:00Z");
    EXPECT_ROW(-3, db, ent_journal_open(&late, db, &o), ENT_REFUSED,
               "the clock reads 2026-11-28 19:00:00 (Asia/Shanghai), before the closing of 2026-11-28 taken at "
               "2026-11-28 20:00:00 (record 15): a closing covers everything before it, so nothing can be recorded "
               "earlier; check the clock");
    assert_null(late);
    closings_listed(db);
    char got[4096];
    assert_int_equal(verify_path(test_db_path, NULL, got, sizeof got, NULL), ENT_OK);
}

static void z_report(void **state)
{
    ent_db *db = *state;
    ent_journal *j = start_and_open(db);
    const struct sale a = {ENT_JOURNAL_SALE, "2026-11-27T02:00:00Z", NULL, NULL, "cash", 2,
                           {{"6900000000011", 2, 300, 1300}, {"6900000000042", 1, 1000, 900}}};
    const struct sale b = {ENT_JOURNAL_SALE, "2026-11-27T02:10:00Z", NULL, NULL, "card", 1,
                           {{"6900000000011", 1, 300, 1300}}};
    const struct sale t = {ENT_JOURNAL_TRAINING, "2026-11-27T02:20:00Z", NULL, NULL, "cash", 1,
                           {{"6900000000011", 1, 700, 1300}}};
    const struct sale r = {ENT_JOURNAL_RETURN, "2026-11-27T02:30:00Z", NULL, NULL, "card", 1,
                           {{"6900000000011", -1, 300, 1300}}};
    assert_int_equal(append(j, NULL, &a), ENT_OK);
    assert_int_equal(append(j, NULL, &b), ENT_OK);
    assert_int_equal(append(j, NULL, &t), ENT_OK);
    assert_int_equal(append(j, NULL, &r), ENT_OK);
    entx_clock_set("2026-11-27T12:00:00Z");
    ent_journal_closing *z = NULL;
    assert_int_equal(ent_journal_close_period(j, &z, ENT_PERIOD_DAY, NULL), ENT_OK);
    assert_string_equal(z->period, "day:2026-11-27");
    assert_string_equal(z->period_end, "2026-11-27T16:00:00Z");
    assert_int_equal(z->seq, 6);
    assert_int_equal(z->first_seq, 1);
    assert_int_equal(z->last_seq, 5);
    assert_int_equal(z->counts[ENT_JOURNAL_START], 1);
    assert_int_equal(z->counts[ENT_JOURNAL_SALE], 2);
    assert_int_equal(z->counts[ENT_JOURNAL_TRAINING], 1);
    assert_int_equal(z->counts[ENT_JOURNAL_RETURN], 1);
    assert_int_equal(z->ntaxes, 2);
    assert_int_equal(z->taxes[0].rate, 900);
    assert_int_equal(z->taxes[0].gross, 1000);
    assert_int_equal(z->taxes[1].rate, 1300);
    assert_int_equal(z->taxes[1].gross, 600);
    assert_int_equal(z->npays, 2);
    assert_string_equal(z->pays[0].method, "card");
    assert_int_equal(z->pays[0].amount, 0);
    assert_string_equal(z->pays[1].method, "cash");
    assert_int_equal(z->pays[1].amount, 1600);
    assert_int_equal(z->total, 1600);
    assert_int_equal(z->training, 700); /* training never enters a total */
    assert_int_equal(z->grand_total, 1600);
    ent_journal_verify_opts o = {.head = z->hash};
    ent_journal_summary sum;
    char got[4096];
    assert_int_equal(verify_path(test_db_path, &o, got, sizeof got, &sum), ENT_OK);
    assert_string_equal(sum.head, z->hash);
    assert_int_equal(sum.grand_total, 1600);
    assert_int_equal(sum.closings, 1);
    ent_journal_closing_free(z);
    ent_journal_closing_free(NULL);
    ent_journal_close(j);
    ent_journal_close(NULL);
}

/* ---- receipts ----------------------------------------------------------- */

static void receipt_rows(void **state)
{
    ent_db *db = *state, *mem = NULL;
    ent_journal *j = start_and_open(db);
    ent_journal_written w;
    const struct sale s = {ENT_JOURNAL_SALE, "2026-11-27T02:00:00Z", NULL, NULL, "cash", 1,
                           {{"6900000000011", 2, 300, 1300}}};
    assert_int_equal(append(j, &w, &s), ENT_OK);
    ent_journal_close(j);
    char pem[160], bad[300];
    path_in(pem, sizeof pem, "pub.pem");
    assert_int_equal(write_pubkey(db, pem, 1), 0);
    ent_journal_receipt r;
    /* With the store's database: signature and journal agree. */
    assert_int_equal(ent_journal_receipt_verify(db, &r, w.qr, NULL), ENT_OK);
    assert_int_equal(r.seq, 2);
    assert_int_equal(r.total, 600);
    assert_int_equal(r.in_journal, 1);
    assert_string_equal(r.hash, w.hash);
    /* Offline, with the public key only. */
    assert_int_equal(ent_db_open(&mem, ":memory:", ENT_OPEN_CREATE), ENT_OK);
    assert_int_equal(ent_journal_receipt_verify(mem, &r, w.qr, pem), ENT_OK);
    assert_int_equal(r.in_journal, 0);
    /* A changed total on the receipt. */
    char *p = strstr(strcpy(bad, w.qr), "|600|");
    assert_non_null(p);
    p[1] = '9';
    EXPECT_ROW(0, mem, ent_journal_receipt_verify(mem, &r, bad, pem), ENT_TAMPERED,
               "the receipt's signature does not verify with the given public key");
    EXPECT_ROW(1, db, ent_journal_receipt_verify(db, &r, bad, NULL), ENT_TAMPERED,
               "the receipt's signature does not verify with any key of the journal");
    EXPECT_ROW(2, mem, ent_journal_receipt_verify(mem, &r, "hello", pem), ENT_INVALID,
               "not an entrepot receipt payload (a payload starts with ENT1|)");
    EXPECT_ROW(3, mem, ent_journal_receipt_verify(mem, &r, "ENT1|SH01|2|SALE", pem), ENT_INVALID,
               "the receipt payload has too few fields");
    ent_db_close(mem);
}

/* ---- volume ------------------------------------------------------------- */

static void hundred_thousand_verify(void **state)
{
    ent_db *db = *state;
    ent_journal *j = start_and_open(db);
    ent_journal_line line = {"6900000000011", "L1", "tea", 1, 1250, 0, 1250, 1300};
    ent_journal_tax tax = {1300, 1250, 144};
    ent_journal_pay pay = {"cash", 1250};
    ent_journal_record rec = {.kind = ENT_JOURNAL_SALE, .time = "2026-11-27T02:00:00Z", .cashier = "Li",
                              .taxes = &tax, .ntaxes = 1, .pays = &pay, .npays = 1, .lines = &line, .nlines = 1};
    struct timespec t0, t1, t2;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* One transaction around many appends: the nesting sales will use. */
    assert_int_equal(entx_tx_begin(db), ENT_OK);
    for (int i = 0; i < 100000; i++)
        if (ent_journal_append(j, NULL, &rec) != ENT_OK)
            fail_msg("append %d: %s", i, ent_errmsg(db));
    assert_int_equal(entx_tx_end(db, ENT_OK), ENT_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ent_journal_close(j);
    ent_journal_summary sum;
    char got[4096];
    assert_int_equal(verify_path(test_db_path, NULL, got, sizeof got, &sum), ENT_OK);
    clock_gettime(CLOCK_MONOTONIC, &t2);
    assert_int_equal(sum.records, 100001);
    assert_int_equal(sum.grand_total, 125000000);
    print_message("100,000 appends %.2f s, verify %.2f s\n",
                  (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
                  (double)(t2.tv_sec - t1.tv_sec) + (double)(t2.tv_nsec - t1.tv_nsec) / 1e9);
}

static void rollback_leaves_no_record(void **state)
{
    ent_db *db = *state;
    ent_journal *j = start_and_open(db);
    const struct sale s = {ENT_JOURNAL_SALE, NULL, NULL, NULL, "cash", 1, {{"6900000000011", 1, 100, 1300}}};
    assert_int_equal(entx_tx_begin(db), ENT_OK);
    assert_int_equal(append(j, NULL, &s), ENT_OK);
    assert_int_equal(entx_tx_end(db, ENT_NOSTOCK), ENT_NOSTOCK); /* the sale failed after journaling */
    ent_journal_written w;
    assert_int_equal(append(j, &w, &s), ENT_OK);
    assert_int_equal(w.seq, 2); /* gapless: the rolled-back record left no hole */
    ent_journal_close(j);
    char got[4096];
    assert_int_equal(verify_path(test_db_path, NULL, got, sizeof got, NULL), ENT_OK);
}

/* The CSV set round trip: written, read back without the database, verified
 * with the database's summary; a changed file is caught by the manifest. */
static void export_round_trip(void **state)
{
    ent_db *db = *state, *x = NULL;
    char head[65], set[128], manifest[160], taxes[160], got[4096];
    ent_journal_summary want, sum;
    int64_t n = 0;
    base_journal(db, head);
    assert_int_equal(verify_path(test_db_path, NULL, got, sizeof got, &want), ENT_OK);
    path_in(set, sizeof set, "set");
    assert_int_equal(ent_journal_export_csv(db, set, 0, 0, &n), ENT_OK);
    assert_int_equal(n, 12);
    assert_int_equal(ent_journal_export_csv(db, set, 0, 0, &n), ENT_EXISTS);
    snprintf(manifest, sizeof manifest, "%s/manifest.csv", set);
    const char *paths[] = {set, manifest};
    for (int i = 0; i < 2; i++) {
        struct collect c = {""};
        ent_journal_verify_opts o = {.head = head};
        assert_int_equal(ent_journal_export_open(&x, paths[i]), ENT_OK);
        assert_int_equal(ent_journal_verify(x, &sum, &o, collect_issue, &c), ENT_OK);
        assert_string_equal(c.text, "");
        assert_int_equal(sum.records, want.records);
        assert_int_equal(sum.closings, want.closings);
        assert_int_equal(sum.grand_total, want.grand_total);
        assert_string_equal(sum.head, want.head);
        ent_db_close(x);
    }
    snprintf(taxes, sizeof taxes, "%s/taxes.csv", set);
    FILE *f = fopen(taxes, "ab");
    assert_non_null(f);
    fputs("2,900,1,0\r\n", f);
    fclose(f);
    assert_int_equal(ent_journal_export_open(&x, set), ENT_TAMPERED);
    assert_non_null(strstr(ent_errmsg(x), "taxes.csv is not the file the export wrote"));
    ent_db_close(x);
    assert_int_equal(ent_journal_export_open(&x, taxes), ENT_INVALID); /* not JSON, not a manifest */
    ent_db_close(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(key_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(append_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(tampering_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(rotation_and_replacement, setup, teardown),
        cmocka_unit_test_setup_teardown(forged_journal_fails_anchor, setup, teardown),
        cmocka_unit_test_setup_teardown(unclean_shutdown_and_clock, setup, teardown),
        cmocka_unit_test_setup_teardown(closing_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(export_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(z_report, setup, teardown),
        cmocka_unit_test_setup_teardown(receipt_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(rollback_leaves_no_record, setup, teardown),
        cmocka_unit_test_setup_teardown(hundred_thousand_verify, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
