/*
 * Private to the journal module (journal*.c): the record as the body builder
 * sees it, the canonical body and seal, keys, signatures and encodings.
 */
#ifndef ENT_JOURNAL_INTERNAL_H
#define ENT_JOURNAL_INTERNAL_H

#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>

#include "entrepot/journal.h"
#include "internal.h"

#define J_HASH 32
#define J_SIG 64
#define J_BODY_VERSION "entrepot-journal 1"
#define J_SEAL_PREFIX "ENT1"

/* A growable byte buffer. */
struct jbuf {
    char *p;
    size_t len, cap;
    int failed; /* set when an allocation failed; the builders check it once */
};
void entx_jbuf_free(struct jbuf *b);
int entx_jbuf_str(struct jbuf *b, const char *s);

struct jtax {
    int64_t rate, gross, tax;
};
struct jpay {
    char *method;
    int64_t amount;
};
struct jline {
    int64_t line;
    char *code, *lot, *name;
    int64_t qty, unit_price, discount, amount, rate;
};
struct jcount {
    char *kind;
    int64_t n;
};

/* One record with every field of the body. Header strings are borrowed;
 * list strings are owned by the lists (entx_jrec_clear_lists frees them). */
struct jrec {
    int64_t seq;
    const char *uuid, *kind, *at;
    const char *counter, *cashier, *ref, *currency, *event, *note, *period, *period_end;
    int64_t total, grand_total, first_seq, last_seq, training;
    const unsigned char *pubkey;
    size_t pubkey_len;
    unsigned char prev[J_HASH], key_id[J_HASH], hash[J_HASH], sig[J_SIG];
    bool blobs_ok; /* read back: prev_hash, key_id, hash and sig had their exact sizes */
    bool hash_ok;  /* read back: hash had its exact size (the next record chains to it) */
    bool types_ok; /* read back: integers were stored as integers, text as text */
    struct jtax *taxes;
    size_t ntax, captax;
    struct jpay *pays;
    size_t npay, cappay;
    struct jline *lines;
    size_t nline, capline;
    struct jcount *counts;
    size_t ncount, capcount;
};
void entx_jrec_clear_lists(struct jrec *r);
void entx_jrec_free_lists(struct jrec *r);
struct jtax *entx_jrec_add_tax(struct jrec *r);
struct jpay *entx_jrec_add_pay(struct jrec *r);
struct jline *entx_jrec_add_line(struct jrec *r);
struct jcount *entx_jrec_add_count(struct jrec *r);

/* Writes the canonical body of r (README, "Sales journal") into b. */
int entx_jbody_build(struct jbuf *b, const char *store, const struct jrec *r);
/* Writes the seal that the signature covers: ENT1|store|seq|kind|time|total|currency|hash. */
int entx_jseal_build(struct jbuf *b, const char *store, const struct jrec *r);

/* Kinds as text and back (0 for an unknown name). */
const char *entx_jkind_name(int kind);
int entx_jkind_parse(const char *name);
/* True for the kinds whose total moves the grand total. */
bool entx_jkind_moves_total(const char *kind);

void entx_jsha256(unsigned char out[J_HASH], const void *data, size_t n);
void entx_jhex(char *out, const unsigned char *data, size_t n); /* writes 2n chars + NUL */
/* The SHA-256 of a file's bytes in hex: 0, -1 not opened (errno), -2 not read. */
int entx_jsha256_file(char hex[2 * J_HASH + 1], const char *path);
int entx_junhex(unsigned char *out, size_t n, const char *hex);   /* exactly 2n hex chars */
/* base64url without padding; out needs 4*ceil(n/3)+1 bytes. */
void entx_jb64url(char *out, const unsigned char *data, size_t n);
/* Decodes base64url without padding; returns the length or -1. */
int entx_jb64url_decode(unsigned char *out, size_t cap, const char *s, size_t len);

/* Keys. */
int entx_jkey_id(unsigned char out[J_HASH], unsigned char **der_out, size_t *der_len, EVP_PKEY *pkey);
EVP_PKEY *entx_jkey_from_der(const unsigned char *der, size_t len);
/* Signs the SHA-256 digest dgst with ECDSA; sig receives raw r||s. */
int entx_jsign(EVP_PKEY_CTX *ctx, unsigned char sig[J_SIG], const unsigned char dgst[J_HASH]);
/* 1 when sig (raw r||s) is a valid signature of dgst, 0 otherwise. */
int entx_jverify(EVP_PKEY_CTX *ctx, const unsigned char sig[J_SIG], const unsigned char dgst[J_HASH]);
EVP_PKEY_CTX *entx_jsign_ctx(EVP_PKEY *pkey);
EVP_PKEY_CTX *entx_jverify_ctx(EVP_PKEY *pkey);
EVP_PKEY *entx_jkey_generate(void);
/* Writes pkey to a new file (mode 0600, never over an existing one). */
int entx_jkey_write(ent_db *db, const char *path, EVP_PKEY *pkey, const char *passphrase);
/* Loads a private key, refusing files others can read and keys not on P-256. */
int entx_jkey_load(ent_db *db, EVP_PKEY **out, const char *path, const char *passphrase);
/* The PEM text of a DER public key (malloc'ed), or NULL. */
char *entx_jkey_pem(const unsigned char *der, size_t len);
/* Loads every PEM public key in path (one or more); *out is a malloc'ed array. */
int entx_jkeys_load_pem(ent_db *db, EVP_PKEY ***out, size_t *n, const char *path);

/* Sums the records first..last as a closing does (counts per kind, taxes,
 * payments, total, training) into r's lists and fields. */
int entx_jclose_aggregate(ent_db *db, struct jrec *r, int64_t first, int64_t last);

/* The store's code (for bodies), read into out. */
int entx_jstore_code(ent_db *db, char out[ENT_STORE_CODE_SIZE], char currency[ENT_CURRENCY_SIZE], char tz[ENT_TZ_SIZE]);

/* Reads the next journal record with its lists from the cursors of a walk. */
struct jwalk;
int entx_jwalk_open(ent_db *db, struct jwalk **out, int64_t from_seq);
/* 1 with *rec filled (valid until the next call), 0 at the end, <0 on error. */
int entx_jwalk_next(struct jwalk *w, struct jrec **rec);
void entx_jwalk_close(struct jwalk *w);

/* ---- the writer (journal.c), shared with the closings (journal_close.c) ---- */

struct ent_journal {
    ent_db *db;
    EVP_PKEY *key;
    EVP_PKEY_CTX *sign;
    unsigned char key_id[J_HASH];
    char key_hex[ENT_HASH_HEX_SIZE];
    unsigned char *spki; /* DER public key (OPENSSL_free) */
    size_t spki_len;
    char store[ENT_STORE_CODE_SIZE], currency[ENT_CURRENCY_SIZE], tz[ENT_TZ_SIZE];
    char session[ENT_UUID_SIZE];
    char *counter;
    struct jbuf body, seal;
    struct jrec rec;
};

/* The chain's last record, as the next append needs it. */
struct head {
    int64_t seq, grand_total;
    unsigned char hash[J_HASH];
    char at[ENT_TIME_SIZE];
    char kind[ENT_JOURNAL_KIND_SIZE];
    unsigned char key_id[J_HASH]; /* the key the next record must be signed with */
};

/* The chain's last record into *h (zeroed when the chain is empty). */
int entx_journal_read_head(ent_db *db, struct head *h);
/* The latest day closing: its seq and the instant its day ends ("" when none). */
int entx_journal_last_day_close(ent_db *db, int64_t *seq, char period_end[ENT_TIME_SIZE], char period[ENT_PERIOD_SIZE]);
/* Chains, signs and stores r (see append_after); inside a transaction. */
int entx_journal_append_locked(ent_journal *j, struct jrec *r, ent_journal_written *out);
/* A record with the defaults every writer shares; entx_journal_rec_done releases it. */
void entx_journal_rec_init(ent_journal *j, struct jrec *r, const char *kind, char uuid[ENT_UUID_SIZE],
                           char at[ENT_TIME_SIZE]);
void entx_journal_rec_done(ent_journal *j, struct jrec *r);

#endif
