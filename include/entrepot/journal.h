/*
 * entrepot — the sales journal: an append-only chain of records, each signed
 * with the store's ECDSA P-256 key and holding the SHA-256 of the record
 * before it; daily (Z), monthly and yearly closings; verification, export
 * and receipt checks. The byte layout of a record is in README.md, section
 * "Sales journal", so that anyone can write an independent verifier.
 *
 * Writing needs an ent_journal handle (the database plus the private key);
 * reading (verify, export, receipts) needs only the database, which may be
 * opened with ENT_OPEN_READONLY.
 */
#ifndef ENTREPOT_JOURNAL_H
#define ENTREPOT_JOURNAL_H

#include <stdio.h>
#include "entrepot/common.h"
#include "entrepot/db.h"

#define ENT_PERIOD_SIZE 24       /* a closing's period: "day:2026-11-28", "month:2026-11" */
#define ENT_JOURNAL_KIND_SIZE 12 /* a record's kind: "SALE", "CLOSE", ... */

#ifdef __cplusplus
extern "C" {
#endif

/* Record kinds. */
enum {
    ENT_JOURNAL_START = 1, /* first record: the store's first public key */
    ENT_JOURNAL_SALE,
    ENT_JOURNAL_RETURN,
    ENT_JOURNAL_VOID,
    ENT_JOURNAL_TRAINING, /* a training sale: signed, never in the grand total */
    ENT_JOURNAL_CLOSE,    /* a closing: day (Z), month or year */
    ENT_JOURNAL_KEY,      /* a new public key, signed by the old key */
    ENT_JOURNAL_EVENT     /* unclean shutdown, clock going backwards, key change */
};

/* Closing periods. */
enum { ENT_PERIOD_DAY = 1, ENT_PERIOD_MONTH, ENT_PERIOD_YEAR };

/* A writer: the database and the private key. */
typedef struct ent_journal ent_journal;

/*
 * Makes a new ECDSA P-256 key and writes it to path as PKCS#8 PEM with mode
 * 0600, encrypted with AES-256-CBC when passphrase is not NULL or empty.
 * key_id_out (ENT_HASH_HEX_SIZE bytes, may be NULL) receives the key id in hex: SHA-256 of
 * the DER SubjectPublicKeyInfo. Does not touch the journal: use
 * ent_journal_start (first key) or ent_journal_rotate (a new key).
 * Errors: ENT_EXISTS (path exists: a key is never overwritten), ENT_ERROR.
 */
ENT_API int ent_journal_keygen(ent_db *db, char key_id_out[ENT_HASH_HEX_SIZE], const char *path,
                               const char *passphrase);

/*
 * Makes the store's first key at path (as ent_journal_keygen), remembers
 * path in the database as where this machine keeps its key, and writes the
 * START record carrying the public key. ENT_EXISTS when the journal has
 * already started (rotate instead), ENT_NOTFOUND without a store.
 */
ENT_API int ent_journal_start(ent_db *db, char key_id_out[ENT_HASH_HEX_SIZE], const char *path, const char *passphrase);

/* Options of ent_journal_open; a zeroed struct takes every default. */
typedef struct ent_journal_open_opts {
    const char *key_path;   /* NULL: $ENTREPOT_KEY, else the path remembered at start/rotate */
    const char *passphrase; /* NULL: $ENTREPOT_KEY_PASSPHRASE, else none */
    const char *counter;    /* the counter this session writes for, e.g. "C1" (may be NULL) */
} ent_journal_open_opts;

/*
 * Opens the journal for writing: loads the private key (refused when the file
 * can be read by group or others, or is not the journal's current key), then
 * looks for sessions that were never closed by processes that no longer run
 * and records each as an EVENT "unclean-shutdown", and opens its own session.
 * A clock that reads earlier than the last day closing is refused here
 * (ENT_REFUSED, times in the store's zone), before anything is scanned.
 * Without a usable key nothing can be sold: ENT_REFUSED says why and what to
 * do. db is borrowed and must outlive the handle. Release with
 * ent_journal_close (which closes the session cleanly).
 */
ENT_API int ent_journal_open(ent_journal **out, ent_db *db, const ent_journal_open_opts *opts);
ENT_API void ent_journal_close(ent_journal *j);

/* The current key's id (64 hex chars), borrowed from j. */
ENT_API const char *ent_journal_key_id(const ent_journal *j);

/* One amount per tax rate: gross (tax included) and the tax in it, in minor units. */
typedef struct ent_journal_tax {
    int32_t rate; /* basis points: 1300 = 13 % */
    int64_t gross;
    int64_t tax;
} ent_journal_tax;

/* One amount per payment method ("cash", "card", "wallet", ...). */
typedef struct ent_journal_pay {
    const char *method;
    int64_t amount;
} ent_journal_pay;

/* A sale line as the receipt shows it. Text is UTF-8 without control characters. */
typedef struct ent_journal_line {
    const char *code;   /* GTIN, SKU or in-store code, 1-64 bytes */
    const char *lot;    /* lot code(s), at most 200 bytes; may be NULL */
    const char *name;   /* at most 200 bytes; may be NULL */
    int64_t qty;        /* in the product's base unit (pcs, g, ml); negative on returns */
    int64_t unit_price; /* minor units per unit (per kg/l for weighed goods is the caller's business) */
    int64_t discount;   /* minor units taken off the line, >= 0 */
    int64_t amount;     /* the line's gross amount, minor units (negative on returns) */
    int32_t rate;       /* tax rate in basis points */
} ent_journal_line;

/*
 * A record to append. Amounts are signed as they move the till: SALE and
 * TRAINING >= 0, RETURN and VOID <= 0. The taxes' gross amounts must add up to
 * the payments, and, when lines are given, the lines' amounts too. Rates and
 * methods may each appear once. Borrowed by ent_journal_append.
 */
typedef struct ent_journal_record {
    int kind;             /* ENT_JOURNAL_SALE, _RETURN, _VOID or _TRAINING */
    const char *uuid;     /* the sale's UUID, or NULL for a new one */
    const char *time;     /* UTC "YYYY-MM-DDTHH:MM:SSZ", or NULL for now */
    const char *counter;  /* NULL: the session's counter; at most 32 bytes */
    const char *cashier;  /* at most 64 bytes */
    const char *ref;      /* RETURN, VOID: UUID of the original record */
    const char *note;     /* at most 500 bytes (a return's reason, ...) */
    const ent_journal_tax *taxes; /* 1-64 rates */
    size_t ntaxes;
    const ent_journal_pay *pays;  /* 1-32 methods (1-32 bytes each) */
    size_t npays;
    const ent_journal_line *lines; /* 0-100,000 lines */
    size_t nlines;
} ent_journal_record;

/* What an append wrote: for the receipt. */
typedef struct ent_journal_written {
    int64_t seq;
    char uuid[ENT_UUID_SIZE];
    char time[ENT_TIME_SIZE];
    int64_t total, grand_total;
    char hash[ENT_HASH_HEX_SIZE];
    char qr[256]; /* the receipt's QR payload (README: "Receipt QR payload") */
} ent_journal_written;

/*
 * Appends a signed record. Works on its own (one BEGIN IMMEDIATE
 * transaction) and inside a transaction the library holds (a sale's
 * checkout), where the record lands or vanishes with the sale. When the
 * clock reads earlier than the last record, an EVENT "clock-backwards" is
 * written first. out may be NULL. Errors: ENT_INVALID (the message names the field), ENT_REFUSED (the
 * time is earlier than the last day closing, which covers everything before
 * it; records after a closing go into the next one), ENT_BUSY, ENT_ERROR.
 */
ENT_API int ent_journal_append(ent_journal *j, ent_journal_written *out, const ent_journal_record *rec);

/*
 * Writes an EVENT record (event: a short code such as "unclean-shutdown",
 * "clock-backwards" or one of the caller's own; note: free text).
 */
ENT_API int ent_journal_event(ent_journal *j, ent_journal_written *out, const char *event, const char *note);

/* A closing as written: the Z report. Strings owned by the struct. */
typedef struct ent_journal_closing {
    int64_t seq;            /* the CLOSE record */
    char period[ENT_PERIOD_SIZE];   /* "day:2026-11-28", "month:2026-11", "year:2026" */
    char period_end[ENT_TIME_SIZE]; /* UTC instant the period ends */
    char time[ENT_TIME_SIZE];
    int64_t first_seq, last_seq; /* the records summed (first > last: none) */
    int64_t counts[9];      /* records per kind, indexed by ENT_JOURNAL_* */
    ent_journal_tax *taxes; /* per tax rate (SALE, RETURN, VOID) */
    size_t ntaxes;
    ent_journal_pay *pays;  /* per payment method; method strings owned */
    size_t npays;
    int64_t total;          /* the period's total */
    int64_t training;       /* training sales in the period, not in any total */
    int64_t grand_total;    /* perpetual */
    char currency[ENT_CURRENCY_SIZE];
    char hash[ENT_HASH_HEX_SIZE];      /* the CLOSE record's hash: the head to note down */
    char last_hash[ENT_HASH_HEX_SIZE]; /* the hash of the record before it */
} ent_journal_closing;

/*
 * Closes a period: date is "YYYY-MM-DD" (day), "YYYY-MM" (month), "YYYY"
 * (year) in the store's time zone, or NULL for the current one. A day closing
 * sums every record since the previous day closing, up to the moment it is
 * taken; a month or year closing sums the records of the day closings inside
 * it. Records appended after a day closing go into the next day closing (as
 * on a register: selling may go on after the Z); none may be dated earlier
 * than the closing.
 * Errors: ENT_REFUSED (already closed; a later period is closed; records of an
 * earlier day are not closed yet; the period has not begun; a month or year
 * whose last day is neither closed nor over), ENT_INVALID (bad date).
 * *out (may be NULL) receives the Z report; release with ent_journal_closing_free.
 */
ENT_API int ent_journal_close_period(ent_journal *j, ent_journal_closing **out, int period, const char *date);
ENT_API void ent_journal_closing_free(ent_journal_closing *c);

/*
 * Key rotation: makes a new key at new_path (as ent_journal_keygen) and
 * writes a KEY record, signed by the current key, that introduces it; from
 * then on j signs with the new key, and the new path is remembered.
 */
ENT_API int ent_journal_rotate(ent_journal *j, char key_id_out[ENT_HASH_HEX_SIZE], const char *new_path,
                               const char *passphrase);

/*
 * When the current key is lost: opens the journal with a new key file
 * (made beforehand with ent_journal_keygen) and writes an EVENT "key-change"
 * signed by the new key. Verification reports that record until the auditor
 * vouches for the new key with --pubkey: nothing signed by the old key says
 * the new one is genuine.
 */
ENT_API int ent_journal_open_replacing_key(ent_journal **out, ent_db *db, const ent_journal_open_opts *opts,
                                           const char *reason);

/* ---- verification -------------------------------------------------------- */

typedef struct ent_journal_verify_opts {
    const char *pubkey_path; /* PEM file of trusted public keys; NULL: trust the START key */
    const char *head;        /* hex hash from a Z report that must be in the chain, or NULL */
    int threads;             /* signature threads; 0: one per online CPU */
} ent_journal_verify_opts;

typedef struct ent_journal_summary {
    int64_t records;      /* rows read */
    int64_t last_seq;
    int64_t grand_total;
    int64_t closings;
    int64_t bad;          /* records reported */
    int64_t keys;         /* keys in the key chain */
    bool anchored;        /* true when the START key was checked against --pubkey */
    char head[ENT_HASH_HEX_SIZE]; /* hash of the last record ("" for an empty journal) */
} ent_journal_summary;

/* Called once per bad record, in seq order; reason is borrowed. */
typedef void (*ent_journal_issue_cb)(int64_t seq, const char *reason, void *ud);

/*
 * Checks the whole journal: seq continuity; each body rebuilt from the tables
 * against its hash; the chain of prev_hash; every signature through the key
 * chain (START, KEY records; key-change EVENTs only when opts->pubkey_path
 * vouches for the new key); the perpetual grand total; each closing's counts
 * and totals; and opts->head. Reads only: db may be ENT_OPEN_READONLY.
 * Returns ENT_OK when clean, ENT_TAMPERED when anything was reported (through
 * cb, one reason per record), ENT_INVALID for a bad option, ENT_ERROR.
 * summary may be NULL.
 */
ENT_API int ent_journal_verify(ent_db *db, ent_journal_summary *summary, const ent_journal_verify_opts *opts,
                               ent_journal_issue_cb cb, void *ud);

/* ---- reading ------------------------------------------------------------- */

/* A record as stored, with its lists. Everything is borrowed for the call. */
typedef struct ent_journal_entry {
    int64_t seq;
    const char *uuid, *kind, *time, *counter, *cashier, *ref, *currency, *event, *note;
    const char *period, *period_end;
    int64_t total, grand_total, first_seq, last_seq, training;
    const char *pubkey_pem;  /* START, KEY, key-change EVENT; else NULL */
    const char *prev_hash, *key_id, *hash, *signature; /* hex */
    const char *body;        /* the canonical body rebuilt from the tables */
    const char *qr;          /* the receipt QR payload */
    const ent_journal_tax *taxes;
    size_t ntaxes;
    const ent_journal_pay *pays;
    size_t npays;
    const ent_journal_line *lines;
    size_t nlines;
    const char *const *count_kinds; /* CLOSE: records per kind */
    const int64_t *counts;
    size_t ncounts;
} ent_journal_entry;

/* Return non-zero from the callback to stop (that value is returned). */
typedef int (*ent_journal_entry_cb)(const ent_journal_entry *e, void *ud);

/* Calls cb for each record with from_seq <= seq <= to_seq (0: no bound). */
ENT_API int ent_journal_each(ent_db *db, int64_t from_seq, int64_t to_seq, ent_journal_entry_cb cb, void *ud);

/* Calls cb for each closing (CLOSE record), the newest first, at most limit
 * of them (0: all). Found through the closings' index: the sales between
 * them are not read. A non-zero return from cb stops the walk and is
 * returned. Reads only. */
ENT_API int ent_journal_closings(ent_db *db, int64_t limit, ent_journal_entry_cb cb, void *ud);

/*
 * The journal's public keys for an auditor, as PEM: the START key, each KEY
 * record's and each key-change EVENT's, in record order, each after a
 * comment line "# record N (KIND): key id HEX". The file is what
 * ent_journal_verify (pubkey_path) and ent_journal_receipt_verify take; it
 * is only as trustworthy as the journal it came from, so hand it over when
 * the journal starts and after each key change, and verify the journal.
 * *out is malloc'd, owned by the caller. Reads only.
 * Errors: ENT_NOTFOUND (the journal has not started), ENT_TAMPERED (a record
 * holds no readable key), ENT_ERROR.
 */
ENT_API int ent_journal_pubkeys(ent_db *db, char **out);

/*
 * Writes the journal (records from_seq..to_seq, 0: no bound) as a CSV set
 * into the new folder dir: store.csv, records.csv, taxes.csv, payments.csv,
 * lines.csv, counts.csv, keys.csv and manifest.csv (each file's rows and
 * SHA-256); columns in README.md, "Export". The folder appears whole or not
 * at all. *records (may be NULL) receives the records written. Reads only.
 * Errors: ENT_EXISTS (dir exists), ENT_INVALID, ENT_ERROR.
 */
ENT_API int ent_journal_export_csv(ent_db *db, const char *dir, int64_t from_seq, int64_t to_seq, int64_t *records);

/*
 * Writes the journal (records from_seq..to_seq, 0: no bound) as one JSON
 * document to f: the store (code, currency, time zone), the format, every
 * public key, and the records with their taxes, payments, lines and counts
 * (README.md, "Export"). Records are written one at a time, so memory does not
 * grow with the journal. *records (may be NULL) receives the records written.
 * Reads only. Errors: ENT_ERROR (a write failed).
 */
ENT_API int ent_journal_export_json(ent_db *db, FILE *f, int64_t from_seq, int64_t to_seq, int64_t *records);

/*
 * Opens a journal export without the store's database: the JSON of an
 * export, or a CSV set (its folder or its manifest.csv). *out receives an
 * in-memory database holding the export's store (code, currency, time zone)
 * and journal, on which ent_journal_verify runs every check it runs on the
 * store's database, with the same messages, and ent_journal_each reads the
 * records. Values keep the types the export gave them (an amount written as
 * text is reported as malformed). *out is set even on failure, its message
 * saying why; release it with ent_db_close.
 * Errors: ENT_INVALID (not a journal export, a file of the set missing,
 * no time zone: the message names the file and field), ENT_TAMPERED (a file
 * of the CSV set does not match the SHA-256 or row count of the manifest),
 * ENT_ERROR.
 */
ENT_API int ent_journal_export_open(ent_db **out, const char *path);

/* One record's sealed fields, as head office receives them (issue 13). */
typedef struct ent_journal_sealed {
    const char *store;     /* the journal's store code */
    int64_t seq;
    const char *kind, *time, *currency;
    int64_t total;
    const char *hash_hex;  /* 64 hex digits, either case */
    const char *sig_hex;   /* 128 */
} ent_journal_sealed;

/*
 * Checks a record's signature against the seal it covers (store, number,
 * kind, time, total, currency, hash) and the signer's public key
 * (pubkey_hex: its DER SubjectPublicKeyInfo in hex, as START and KEY records
 * carry it). The record's hash itself is not recomputed: that needs the
 * lines and payments it covers. ENT_OK, ENT_TAMPERED (the signature does
 * not match), ENT_INVALID (malformed). key_id_out (may be NULL,
 * ENT_HASH_HEX_SIZE) receives the key's id, to compare with the record's.
 */
ENT_API int ent_journal_seal_check(char key_id_out[ENT_HASH_HEX_SIZE], const char *pubkey_hex,
                                   const ent_journal_sealed *s);

/*
 * Reconciles the sales tables with the journal, for `entrepot check`: every
 * sale and return row against its signed record (kind, time, counter,
 * cashier, total, lines, payments, amounts per tax rate, receipt number);
 * each sale's header against its lines and payments, its lines against the
 * lots picked, the picks against the stock moves of the sale; stock moves
 * of kind sale or return that belong to no sale; sale rows whose journal
 * record is gone; the report summaries against the sales. cb (may be NULL)
 * receives one sentence per disagreement. Does not check the journal
 * itself: ent_journal_verify does. Reads only.
 * Returns ENT_OK, ENT_TAMPERED (something was reported), ENT_ERROR.
 */
ENT_API int ent_journal_reconcile(ent_db *db, ent_check_cb cb, void *ud);

/* ---- receipts ------------------------------------------------------------ */

typedef struct ent_journal_receipt {
    char store[ENT_STORE_CODE_SIZE];
    int64_t seq;
    char kind[ENT_JOURNAL_KIND_SIZE];
    char time[ENT_TIME_SIZE];
    int64_t total;
    char currency[ENT_CURRENCY_SIZE];
    char hash[ENT_HASH_HEX_SIZE];
    char key_id[ENT_HASH_HEX_SIZE]; /* the key that signed it */
    bool in_journal;                /* true: db given and the record is there with this hash */
} ent_journal_receipt;

/*
 * Checks a receipt's QR payload. The keys are those in pubkey_path (PEM), or,
 * when it is NULL, the key chain of db's journal. db is needed for messages
 * (an in-memory database will do): when its journal belongs to the receipt's
 * store and reaches the receipt's seq, the record must be there with the same
 * hash and fields.
 * Returns ENT_OK (out filled), ENT_INVALID (not a payload), ENT_TAMPERED
 * (the signature or the journal disagree; the message says which).
 */
ENT_API int ent_journal_receipt_verify(ent_db *db, ent_journal_receipt *out, const char *payload,
                                       const char *pubkey_path);

#ifdef __cplusplus
}
#endif
#endif
