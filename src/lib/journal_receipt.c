/* Checking a receipt's QR payload: its seal, and the sale in the journal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entrepot/db.h"
#include "journal_internal.h"

/* ---- receipts ----------------------------------------------------------- */

/* The keys a receipt may be signed with: --pubkey's, or the journal's. */
static int receipt_keys(ent_db *db, EVP_PKEY ***keys, size_t *n, const char *pubkey_path)
{
    if (pubkey_path && *pubkey_path)
        return entx_jkeys_load_pem(db, keys, n, pubkey_path);
    *keys = NULL;
    *n = 0;
    sqlite3_stmt *st = entx_stmt(db, "SELECT pubkey FROM journal WHERE pubkey IS NOT NULL ORDER BY seq");
    if (st == NULL)
        return db->code;
    int sc;
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        EVP_PKEY *k = entx_jkey_from_der(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
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
        return entx_fail_hint(db, ENT_INVALID, ENT_HINT_PUBKEY, "no public key to check against: give one, or the store's database");
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
        return entx_fail(db, ENT_INVALID, "not an entrepot receipt payload (a payload starts with " J_SEAL_PREFIX "|)");
    for (const char *q = p + len; q > p + 4 && nb < 7; q--)
        if (q[-1] == '|')
            bar[nb++] = q - 1;
    if (nb < 7 || bar[6] <= p + 4)
        return entx_fail(db, ENT_INVALID, "the receipt payload has too few fields");
    /* bar[0] precedes sig, bar[1] hash, bar[2] currency, bar[3] total, bar[4] time, bar[5] kind, bar[6] seq. */
    char field[128], shown[64];
#define FIELD(i, end) snprintf(field, sizeof field, "%.*s", (int)((end) - bar[i] - 1), bar[i] + 1)
    size_t store_len = (size_t)(bar[6] - (p + 5));
    if (store_len == 0 || store_len >= sizeof out->store)
        return entx_fail(db, ENT_INVALID, "the receipt's store code is empty or too long");
    memcpy(out->store, p + 5, store_len);
    out->store[store_len] = '\0';
    FIELD(6, bar[5]);
    if (entx_parse_i64(&out->seq, field) != ENT_OK || out->seq < 1)
        return entx_fail(db, ENT_INVALID, "the receipt's record number '%s' is not a number",
                        ent_text_clip(shown, sizeof shown, field, 40));
    FIELD(5, bar[4]);
    int kind = entx_jkind_parse(field);
    if (kind == 0)
        return entx_fail(db, ENT_INVALID, "the receipt's kind '%s' is unknown",
                        ent_text_clip(shown, sizeof shown, field, 40));
    snprintf(out->kind, sizeof out->kind, "%s", entx_jkind_name(kind));
    FIELD(4, bar[3]);
    if (strlen(field) != 20)
        return entx_fail(db, ENT_INVALID, "the receipt's time '%s' is not UTC YYYY-MM-DDTHH:MM:SSZ",
                        ent_text_clip(shown, sizeof shown, field, 40));
    memcpy(out->time, field, sizeof out->time);
    FIELD(3, bar[2]);
    if (entx_parse_i64(&out->total, field) != ENT_OK)
        return entx_fail(db, ENT_INVALID, "the receipt's total '%s' is not a number",
                        ent_text_clip(shown, sizeof shown, field, 40));
    FIELD(2, bar[1]);
    if (strlen(field) != 3)
        return entx_fail(db, ENT_INVALID, "the receipt's currency '%s' is not an ISO 4217 code",
                        ent_text_clip(shown, sizeof shown, field, 40));
    memcpy(out->currency, field, sizeof out->currency);
    if (entx_jb64url_decode(hash, J_HASH, bar[1] + 1, (size_t)(bar[0] - bar[1] - 1)) != J_HASH)
        return entx_fail(db, ENT_INVALID, "the receipt's hash is not 43 base64url characters");
    if (entx_jb64url_decode(sig, J_SIG, bar[0] + 1, strlen(bar[0] + 1)) != J_SIG)
        return entx_fail(db, ENT_INVALID, "the receipt's signature is not 86 base64url characters");
#undef FIELD
    entx_jhex(out->hash, hash, J_HASH);
    *seal_len = (size_t)(bar[0] - p);
    return ENT_OK;
}

/* Compares the receipt with the journal's record of the same seq. */
static int receipt_in_journal(ent_db *db, ent_journal_receipt *out, const unsigned char hash[J_HASH])
{
    char store[ENT_STORE_CODE_SIZE];
    if (entx_jstore_code(db, store, NULL, NULL) != ENT_OK || strcmp(store, out->store) != 0) {
        entx_ok(db);
        return ENT_OK; /* another store's database, or none: the signature is all we can check */
    }
    sqlite3_stmt *st = entx_stmt(db, "SELECT hash, kind, at, total, currency, (SELECT max(seq) FROM journal) "
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
            out->in_journal = true;
        else
            rc = entx_fail(db, ENT_TAMPERED, "the signature is good, but the journal's record %lld differs from the "
                                            "receipt",
                          (long long)out->seq);
    } else if (sc == SQLITE_DONE) {
        rc = entx_fail(db, ENT_TAMPERED, "the signature is good, but the journal has no record %lld",
                      (long long)out->seq);
    } else {
        rc = entx_fail_sql(db, "reading the journal");
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
    entx_ok(db);
    if (out)
        memset(out, 0, sizeof *out);
    if (payload == NULL)
        return entx_fail(db, ENT_INVALID, "no receipt payload given");
    if ((rc = receipt_parse(db, &r, payload, &seal_len, hash, sig)) != ENT_OK)
        return rc;
    if ((rc = receipt_keys(db, &keys, &nkeys, pubkey_path)) != ENT_OK)
        return rc;
    entx_jsha256(dgst, payload, seal_len);
    int signer = -1;
    for (size_t i = 0; i < nkeys && signer < 0; i++) {
        EVP_PKEY_CTX *ctx = entx_jverify_ctx(keys[i]);
        if (ctx && entx_jverify(ctx, sig, dgst))
            signer = (int)i;
        EVP_PKEY_CTX_free(ctx);
    }
    if (signer < 0) {
        rc = entx_fail(db, ENT_TAMPERED, "the receipt's signature does not verify with %s",
                      pubkey_path ? "the given public key" : "any key of the journal");
        goto done;
    }
    entx_jkey_id(id, NULL, NULL, keys[signer]);
    entx_jhex(r.key_id, id, J_HASH);
    rc = receipt_in_journal(db, &r, hash);
done:
    for (size_t i = 0; i < nkeys; i++)
        EVP_PKEY_free(keys[i]);
    free(keys);
    if (out && (rc == ENT_OK || rc == ENT_TAMPERED))
        *out = r;
    return rc;
}
