/*
 * Journal keys: ECDSA P-256 through OpenSSL 3's EVP API, PKCS#8 PEM files
 * that only their owner may read, key ids, and raw r||s signatures.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "journal_internal.h"

#define KEY_FILE_MAX (64 * 1024)

static const char *ossl_reason(void)
{
    static _Thread_local char buf[256];
    unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0)
        return "unknown OpenSSL error";
    ERR_error_string_n(e, buf, sizeof buf);
    return buf;
}

int entx_jkey_id(unsigned char out[J_HASH], unsigned char **der_out, size_t *der_len, EVP_PKEY *pkey)
{
    unsigned char *der = NULL;
    int len = i2d_PUBKEY(pkey, &der);
    if (len <= 0)
        return ENT_ERROR;
    entx_jsha256(out, der, (size_t)len);
    if (der_out) {
        *der_out = der;
        *der_len = (size_t)len;
    } else {
        OPENSSL_free(der);
    }
    return ENT_OK;
}

static int jkey_is_p256(EVP_PKEY *k);

EVP_PKEY *entx_jkey_from_der(const unsigned char *der, size_t len)
{
    const unsigned char *p = der;
    if (der == NULL || len == 0 || len > 1024)
        return NULL;
    EVP_PKEY *k = d2i_PUBKEY(NULL, &p, (long)len);
    if (k && (p != der + len || !jkey_is_p256(k))) {
        EVP_PKEY_free(k);
        return NULL;
    }
    return k;
}

static int jkey_is_p256(EVP_PKEY *k)
{
    char group[64];
    size_t glen = 0;
    if (!EVP_PKEY_is_a(k, "EC"))
        return 0;
    if (!EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &glen))
        return 0;
    return strcmp(group, "prime256v1") == 0;
}

EVP_PKEY_CTX *entx_jsign_ctx(EVP_PKEY *pkey)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    if (ctx == NULL || EVP_PKEY_sign_init(ctx) <= 0 || EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) <= 0) {
        EVP_PKEY_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

EVP_PKEY_CTX *entx_jverify_ctx(EVP_PKEY *pkey)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    if (ctx == NULL || EVP_PKEY_verify_init(ctx) <= 0 ||
        EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) <= 0) {
        EVP_PKEY_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

int entx_jsign(EVP_PKEY_CTX *ctx, unsigned char sig[J_SIG], const unsigned char dgst[J_HASH])
{
    unsigned char der[128];
    size_t len = sizeof der;
    int rc = ENT_ERROR;
    ECDSA_SIG *es = NULL;
    if (EVP_PKEY_sign(ctx, der, &len, dgst, J_HASH) <= 0)
        goto done;
    const unsigned char *p = der;
    es = d2i_ECDSA_SIG(NULL, &p, (long)len);
    if (es == NULL)
        goto done;
    /* Raw r||s, 32 bytes each, as RKSV and the TSE print them. */
    if (BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, 32) != 32 || BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + 32, 32) != 32)
        goto done;
    rc = ENT_OK;
done:
    ECDSA_SIG_free(es);
    return rc;
}

/* DER INTEGER from 32 big-endian bytes: minimal length, a 0 in front when
 * the top bit is set. Hand-written because the verifier does it a million
 * times and BIGNUMs would allocate each time. */
static size_t der_int(unsigned char *out, const unsigned char *v)
{
    size_t i = 0;
    while (i < 31 && v[i] == 0)
        i++;
    size_t n = 32 - i, pad = (v[i] & 0x80) ? 1 : 0;
    out[0] = 0x02;
    out[1] = (unsigned char)(n + pad);
    if (pad)
        out[2] = 0;
    memcpy(out + 2 + pad, v + i, n);
    return 2 + pad + n;
}

int entx_jverify(EVP_PKEY_CTX *ctx, const unsigned char sig[J_SIG], const unsigned char dgst[J_HASH])
{
    unsigned char der[80];
    size_t n = 2;
    n += der_int(der + n, sig);
    n += der_int(der + n, sig + 32);
    der[0] = 0x30;
    der[1] = (unsigned char)(n - 2);
    int ok = EVP_PKEY_verify(ctx, der, n, dgst, J_HASH) == 1;
    if (!ok)
        ERR_clear_error();
    return ok;
}

/* ---- key files ---------------------------------------------------------- */

EVP_PKEY *entx_jkey_generate(void)
{
    return EVP_EC_gen("P-256");
}

int entx_jkey_write(ent_db *db, const char *path, EVP_PKEY *pkey, const char *passphrase)
{
    char shown[200];
    ent_text_clip(shown, sizeof shown, path, 160);
    BIO *mem = BIO_new(BIO_s_mem());
    char *pem = NULL;
    int fd = -1, rc = ENT_OK;
    bool enc = passphrase && *passphrase;
    if (mem == NULL ||
        !PEM_write_bio_PKCS8PrivateKey(mem, pkey, enc ? EVP_aes_256_cbc() : NULL, enc ? (char *)passphrase : NULL,
                                       enc ? (int)strlen(passphrase) : 0, NULL, NULL)) {
        rc = entx_fail(db, ENT_ERROR, "writing the key: %s", ossl_reason());
        goto done;
    }
    long len = BIO_get_mem_data(mem, &pem);
    /* O_EXCL: a signing key is never overwritten, whatever else is there. */
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = errno == EEXIST ? entx_fail(db, ENT_EXISTS, "%s already exists: a key file is never overwritten", shown)
                             : entx_fail(db, ENT_ERROR, "%s: %s", shown, strerror(errno));
        goto done;
    }
    if (fchmod(fd, 0600) != 0 || write(fd, pem, (size_t)len) != (ssize_t)len || fsync(fd) != 0) {
        rc = entx_fail(db, ENT_ERROR, "%s: %s", shown, strerror(errno));
        unlink(path);
        goto done;
    }
done:
    if (fd >= 0)
        close(fd);
    BIO_free(mem);
    return rc;
}

/* Never let OpenSSL prompt on the terminal: no passphrase means failure. */
static int pass_cb(char *buf, int size, int rwflag, void *u)
{
    (void)rwflag;
    const char *p = u;
    if (p == NULL || *p == '\0')
        return -1;
    size_t n = strlen(p);
    if (n > (size_t)size)
        return -1;
    memcpy(buf, p, n);
    return (int)n;
}

int entx_jkey_load(ent_db *db, EVP_PKEY **out, const char *path, const char *passphrase)
{
    char shown[200];
    ent_text_clip(shown, sizeof shown, path, 160);
    char *text = NULL;
    BIO *bio = NULL;
    struct stat sb;
    int rc = ENT_OK;
    *out = NULL;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        rc = entx_fail(db, ENT_REFUSED, "cannot read the signing key %s: %s", shown, strerror(errno));
        goto done;
    }
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > KEY_FILE_MAX) {
        rc = entx_fail(db, ENT_REFUSED, "%s is not a key file", shown);
        goto done;
    }
    if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
        rc = entx_fail_hint(db, ENT_REFUSED, ENT_HINT_ROTATE_KEY,
                           "the signing key %s can be read by others (mode %04o): run `chmod 600 %s`, and make a "
                           "new key if others may have copied it",
                           shown, (unsigned)(sb.st_mode & 07777), shown);
        goto done;
    }
    text = calloc(1, (size_t)sb.st_size + 1);
    if (text == NULL || read(fd, text, (size_t)sb.st_size) != (ssize_t)sb.st_size) {
        rc = entx_fail(db, ENT_ERROR, "%s: cannot read", shown);
        goto done;
    }
    bio = BIO_new_mem_buf(text, (int)sb.st_size);
    ERR_clear_error();
    *out = PEM_read_bio_PrivateKey(bio, NULL, pass_cb, (void *)passphrase);
    if (*out == NULL) {
        bool encrypted = strstr(text, "ENCRYPTED") != NULL;
        if (encrypted && (passphrase == NULL || *passphrase == '\0'))
            rc = entx_fail_hint(db, ENT_REFUSED, ENT_HINT_PASSPHRASE,
                               "the signing key %s is protected by a passphrase, and none was given", shown);
        else if (encrypted)
            rc = entx_fail(db, ENT_REFUSED, "wrong passphrase for the signing key %s", shown);
        else
            rc = entx_fail(db, ENT_REFUSED, "%s holds no private key in PEM form (%s)", shown, ossl_reason());
        ERR_clear_error();
        goto done;
    }
    if (!jkey_is_p256(*out)) {
        EVP_PKEY_free(*out);
        *out = NULL;
        rc = entx_fail(db, ENT_REFUSED, "%s is not an ECDSA P-256 key", shown);
        goto done;
    }
done:
    if (text) {
        OPENSSL_cleanse(text, (size_t)sb.st_size);
        free(text);
    }
    BIO_free(bio);
    if (fd >= 0)
        close(fd);
    return rc;
}

int entx_jkeys_load_pem(ent_db *db, EVP_PKEY ***out, size_t *n, const char *path)
{
    char shown[200];
    ent_text_clip(shown, sizeof shown, path, 160);
    FILE *f = fopen(path, "r");
    EVP_PKEY **keys = NULL;
    size_t count = 0;
    int rc = ENT_OK;
    *out = NULL;
    *n = 0;
    if (f == NULL)
        return entx_fail(db, ENT_INVALID, "%s: %s", shown, strerror(errno));
    ERR_clear_error();
    for (;;) {
        EVP_PKEY *k = PEM_read_PUBKEY(f, NULL, NULL, NULL);
        if (k == NULL)
            break;
        if (!jkey_is_p256(k)) {
            EVP_PKEY_free(k);
            rc = entx_fail(db, ENT_INVALID, "%s: key %zu is not an ECDSA P-256 public key", shown, count + 1);
            goto done;
        }
        EVP_PKEY **grown = realloc(keys, (count + 1) * sizeof *keys);
        if (grown == NULL) {
            EVP_PKEY_free(k);
            rc = entx_fail(db, ENT_ERROR, "out of memory");
            goto done;
        }
        keys = grown;
        keys[count++] = k;
    }
    ERR_clear_error();
    if (count == 0)
        rc = entx_fail(db, ENT_INVALID, "%s holds no PEM public key (-----BEGIN PUBLIC KEY-----)", shown);
done:
    fclose(f);
    if (rc != ENT_OK) {
        for (size_t i = 0; i < count; i++)
            EVP_PKEY_free(keys[i]);
        free(keys);
        return rc;
    }
    *out = keys;
    *n = count;
    return ENT_OK;
}

char *entx_jkey_pem(const unsigned char *der, size_t len)
{
    EVP_PKEY *k = entx_jkey_from_der(der, len);
    BIO *mem = BIO_new(BIO_s_mem());
    char *out = NULL, *data = NULL;
    if (k && mem && PEM_write_bio_PUBKEY(mem, k)) {
        long n = BIO_get_mem_data(mem, &data);
        out = malloc((size_t)n + 1);
        if (out) {
            memcpy(out, data, (size_t)n);
            out[n] = '\0';
        }
    }
    BIO_free(mem);
    EVP_PKEY_free(k);
    return out;
}

/* ---- the public keys, for auditors ---------------------------------------- */

int ent_journal_pubkeys(ent_db *db, char **out)
{
    struct jbuf b = {0};
    int rc = ENT_OK, sc, nkeys = 0;
    char id_hex[ENT_HASH_HEX_SIZE], line[160];
    *out = NULL;
    entx_ok(db);
    sqlite3_stmt *st = entx_stmt(db, "SELECT seq, kind, pubkey FROM journal WHERE pubkey IS NOT NULL "
                                    "AND length(pubkey) > 0 AND kind IN ('START', 'KEY', 'EVENT') ORDER BY seq");
    if (st == NULL)
        return db->code;
    while ((sc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *der = sqlite3_column_blob(st, 2);
        size_t len = (size_t)sqlite3_column_bytes(st, 2);
        unsigned char id[J_HASH];
        char *pem = entx_jkey_pem(der, len);
        if (pem == NULL) {
            rc = entx_fail(db, ENT_TAMPERED, "record %lld carries no readable public key: run the journal's "
                                            "verification", (long long)sqlite3_column_int64(st, 0));
            break;
        }
        entx_jsha256(id, der, len);
        entx_jhex(id_hex, id, J_HASH);
        /* PEM readers skip text outside the BEGIN/END lines: the comment
         * tells the auditor which record brought each key. */
        snprintf(line, sizeof line, "# record %lld (%s): key id %s\n", (long long)sqlite3_column_int64(st, 0),
                 (const char *)sqlite3_column_text(st, 1), id_hex);
        entx_jbuf_str(&b, line);
        entx_jbuf_str(&b, pem);
        free(pem);
        nkeys++;
    }
    sqlite3_reset(st);
    if (rc == ENT_OK && sc != SQLITE_DONE)
        rc = entx_fail_sql(db, "reading the journal's keys");
    if (rc == ENT_OK && nkeys == 0)
        rc = entx_fail(db, ENT_NOTFOUND, "the sales journal has not started: it has no public key yet");
    if (rc == ENT_OK && b.failed)
        rc = entx_fail(db, ENT_ERROR, "out of memory");
    if (rc == ENT_OK) {
        *out = b.p;
        b.p = NULL;
    }
    entx_jbuf_free(&b);
    return rc;
}
