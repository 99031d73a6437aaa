/* Checking one journal record's signature from its sealed fields alone
 * (issue 13): head office receives the records without the sale lines their
 * hash covers, so it checks what the signature covers (the seal: store,
 * number, kind, time, total, currency, hash) against the signer's key. */
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <string.h>

#include "entrepot/journal.h"
#include "internal.h"
#include "journal_internal.h"

static EVP_PKEY *key_from_hex(const char *hex, unsigned char key_id[J_HASH])
{
    size_t n = hex ? strlen(hex) / 2 : 0;
    unsigned char der[512];
    if (n == 0 || n > sizeof der || entx_junhex(der, n, hex) != 0)
        return NULL;
    const unsigned char *p = der;
    EVP_PKEY *pkey = d2i_PUBKEY(NULL, &p, (long)n);
    if (pkey)
        entx_jsha256(key_id, der, n);
    return pkey;
}

int ent_journal_seal_check(char key_id_out[ENT_HASH_HEX_SIZE], const char *pubkey_hex, const ent_journal_sealed *s)
{
    struct jrec r = {.seq = s->seq, .kind = s->kind, .at = s->time, .total = s->total, .currency = s->currency};
    unsigned char sig[J_SIG], key_id[J_HASH];
    struct jbuf seal = {0};
    if (s->store == NULL || s->kind == NULL || s->time == NULL || s->currency == NULL || s->hash_hex == NULL ||
        s->sig_hex == NULL || strlen(s->hash_hex) != 2 * J_HASH || strlen(s->sig_hex) != 2 * J_SIG ||
        entx_junhex(r.hash, J_HASH, s->hash_hex) != 0 || entx_junhex(sig, J_SIG, s->sig_hex) != 0)
        return entx_error_set(ENT_INVALID, "record %lld: its hash or signature is not hex of the right length",
                             (long long)s->seq);
    EVP_PKEY *pkey = key_from_hex(pubkey_hex, key_id);
    if (pkey == NULL)
        return entx_error_set(ENT_INVALID, "record %lld: the signer's public key is not a DER public key in hex",
                             (long long)s->seq);
    if (key_id_out)
        entx_jhex(key_id_out, key_id, J_HASH);
    int rc = entx_jseal_build(&seal, s->store, &r) == ENT_OK ? ENT_OK : entx_error_set(ENT_ERROR, "out of memory");
    EVP_PKEY_CTX *ctx = rc == ENT_OK ? entx_jverify_ctx(pkey) : NULL;
    if (rc == ENT_OK && ctx == NULL)
        rc = entx_error_set(ENT_ERROR, "record %lld: the key cannot verify", (long long)s->seq);
    if (rc == ENT_OK) {
        unsigned char dgst[J_HASH];
        entx_jsha256(dgst, seal.p, seal.len);
        if (!entx_jverify(ctx, sig, dgst))
            rc = entx_error_set(ENT_TAMPERED, "record %lld: the signature does not match its sealed fields",
                               (long long)s->seq);
    }
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    entx_jbuf_free(&seal);
    return rc;
}
