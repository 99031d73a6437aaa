/*
 * entrepot — common definitions shared by every module: result codes, the
 * database handle type and the error-message accessors.
 *
 * Conventions (see STYLE.md):
 *  - functions return int: ENT_OK (0) or one of the negative ENT_* codes;
 *  - the handle the call works on (db, journal, basket, job) comes first;
 *    results come back through the parameters right after it (the first
 *    when there is no handle), the main one named out, before the inputs;
 *    what the caller owns is released with the matching _free, which
 *    accepts NULL;
 *  - more than about seven parameters become a struct of named fields;
 *    a yes/no is bool; fixed-width texts use the ENT_*_SIZE names below.
 *
 * Errors, one model (as SQLite and libgit2). A call that fails returns its
 * ENT_* code and leaves words for it, and a hint when one thing fixes it. A
 * call on a database handle keeps them on the handle (ent_errmsg,
 * ent_errcode, ent_errhint: until the next call on that handle, which clears
 * them when it starts) and copies them to the calling thread's last error.
 * A call without a handle (money, currencies, GTINs, dates, whole numbers,
 * time zones, scans and scanner settings, the CSV reader, label templates,
 * sheets and jobs, the country tables) leaves them only there. So after any
 * failed call, ent_error_last() holds the words of that call, made by this
 * thread: each thread has its own fixed buffer (no allocation), and what
 * another thread does at the same moment never shows in it. The message is
 * borrowed until this thread's next library call. Calls on a handle and the
 * parsers clear the last error when they start, so after their success it
 * reads ENT_OK and ""; lookups that answer ENT_NOTFOUND (ent_country_lookup,
 * ent_currency_lookup) leave no words, and releasing (_free) leaves it alone.
 * A handle belongs to one thread at a time.
 */
#ifndef ENTREPOT_COMMON_H
#define ENTREPOT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ENT_API __attribute__((visibility("default")))

/*
 * Sizes of the fixed-width texts in the API's structs and char out[]
 * parameters, the terminating NUL included: one name per meaning, so that
 * a buffer says what it holds. Module-specific ones are in their headers.
 */
#define ENT_UUID_SIZE 37          /* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" */
#define ENT_TIME_SIZE 21          /* a UTC instant, "YYYY-MM-DDTHH:MM:SSZ" */
#define ENT_DATE_SIZE 11          /* "YYYY-MM-DD" */
#define ENT_COUNTRY_SIZE 3        /* ISO 3166-1 alpha-2, "FR" */
#define ENT_CURRENCY_SIZE 4       /* ISO 4217, "EUR" */
#define ENT_UNIT_SIZE 4           /* unit of sale: "pcs", "g", "ml" */
#define ENT_SELL_UNIT_SIZE 16     /* a selling unit's code ("bottle") or its words ("瓶") */
#define ENT_GTIN_SIZE 15          /* GTIN-14 digits */
#define ENT_HASH_HEX_SIZE 65      /* SHA-256 in hex: journal hashes and key ids */
#define ENT_TZ_SIZE 65            /* an IANA zone name, "Asia/Shanghai" */
#define ENT_LOT_SIZE 65           /* a lot code, or a sale line's lot codes joined by '+' */
#define ENT_PRODUCT_CODE_SIZE 64  /* a commodity's code in a basket or sale: GTIN-14 or SKU */
#define ENT_PRODUCT_NAME_SIZE 201 /* a commodity's name as a basket or a scan holds it */

enum {
    ENT_OK = 0,
    ENT_ERROR = -1,    /* database, I/O or internal failure: the message says which */
    ENT_INVALID = -2,  /* bad input: the message names the field and why */
    ENT_NOTFOUND = -3, /* an unknown product, location, lot, count, ... */
    ENT_NOSTOCK = -4,  /* refused: the move would take stock below zero */
    ENT_EXPIRED = -5,  /* refused: the lot is past its expiry date */
    ENT_BUSY = -6,     /* the database stayed locked past the retry budget */
    ENT_TAMPERED = -7, /* the journal does not verify */
    ENT_EXISTS = -8,   /* refused: the thing to create is already there */
    ENT_REFUSED = -9   /* refused for another business rule (closed day, quarantine, ...) */
};

/* An open entrepot database. Created by ent_db_open(), released by ent_db_close(). */
typedef struct ent_db ent_db;

/* Words for the last failure on db ("" when the last call succeeded).
 * Borrowed: valid until the next call on db. Never NULL, even for a NULL db. */
ENT_API const char *ent_errmsg(const ent_db *db);

/* The ENT_* code of the last failure on db (ENT_OK when it succeeded). */
ENT_API int ent_errcode(const ent_db *db);

/*
 * What can be done about the last failure on db, when one thing fixes it
 * (ENT_HINT_NONE otherwise, and after a success). The message says what is
 * wrong in the store's words; a front end turns the hint into its own (the
 * CLI names the command or option to use, a web page would link a form).
 */
enum ent_hint {
    ENT_HINT_NONE = 0,
    ENT_HINT_CREATE_STORE, /* the database or its store does not exist yet: create it */
    ENT_HINT_NEW_DATABASE, /* this needs a database of its own: use a new file */
    ENT_HINT_START_JOURNAL, /* no signing key: make one, which starts the journal */
    ENT_HINT_ROTATE_KEY,   /* make a new signing key, vouched for by the current one */
    ENT_HINT_REPLACE_KEY,  /* record that the current signing key is lost */
    ENT_HINT_PASSPHRASE,   /* give the signing key's passphrase */
    ENT_HINT_PUBKEY,       /* give the public keys to check the journal against */
    ENT_HINT_HEAD,         /* the expected head hash given is the thing to fix */
    ENT_HINT_LOCATIONS,    /* the known locations are listed elsewhere */
    ENT_HINT_LOT,          /* name the lot */
    ENT_HINT_ORIGIN,       /* name the lot's origin country */
    ENT_HINT_COST,         /* give the unit cost */
    ENT_HINT_FORCE,        /* the operation can be forced, knowing what the message says */
    ENT_HINT_USERS,        /* the users are listed elsewhere (or the user must be added first) */
    ENT_HINT_TOKENS        /* the API tokens are listed elsewhere, by number */
};
ENT_API int ent_errhint(const ent_db *db);

/*
 * The facts of the last refusal on db to sell or take goods, kept on the
 * handle beside its message (and cleared with it by the next call), so that
 * a front end can word the refusal in its own language: code is ENT_EXPIRED
 * (lot and expiry: the expired lot), ENT_NOSTOCK (on_hand for sale and
 * asked), ENT_REFUSED (lot: the goods are only in quarantine or bond), or
 * ENT_OK when the last failure left no facts. product is the commodity's
 * GTIN or SKU, name its name. Text that does not apply is "", numbers -1.
 */
typedef struct ent_facts {
    int code;
    char product[ENT_PRODUCT_CODE_SIZE], name[ENT_PRODUCT_NAME_SIZE];
    char lot[ENT_LOT_SIZE], expiry[ENT_DATE_SIZE];
    int64_t on_hand, asked;
} ent_facts;
ENT_API void ent_errfacts(const ent_db *db, ent_facts *out);

/*
 * The calling thread's last error: the words of this thread's last failed
 * library call, or ENT_OK, ENT_HINT_NONE and "" after a call that cleared it
 * (see the top of this file). Never NULL; message never NULL, at most
 * ENT_ERROR_MAX bytes with its end. Borrowed: the struct and its message
 * belong to the thread and change with its next library call.
 */
#define ENT_ERROR_MAX 1024 /* bytes a message takes at most, its end included */
typedef struct ent_error {
    int code;            /* ENT_OK or an ENT_* code */
    int hint;            /* enum ent_hint */
    const char *message; /* the words, "" when none */
} ent_error;
ENT_API const ent_error *ent_error_last(void);

/* Forgets the calling thread's last error. */
ENT_API void ent_error_clear(void);

/* Records code and message (copied, cut to ENT_ERROR_MAX on a character
 * boundary) as the calling thread's last error and returns code: for code
 * built on entrepot, such as the label library, that reports its failures
 * through the same channel (NULL reads as ""; the last error's own message
 * may be passed to change only the code). */
ENT_API int ent_error_set(int code, const char *message);

/* A short English name for an ENT_* code ("not found"). Static storage. */
ENT_API const char *ent_strerror(int code);

/* True when the len bytes at s are well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF). Every text input is checked with it. */
ENT_API int ent_utf8_valid(const char *s, size_t len);

/*
 * User input made fit for a message: at most max_chars characters of s
 * (NULL reads as ""), cut on a character boundary with "…" when longer;
 * bytes that are not UTF-8 and control characters are shown as \xNN, so the
 * result is always valid UTF-8 on one line. Writes into buf of len bytes
 * (ENT_CLIP_SIZE holds 40 characters of any kind) and returns buf.
 */
#define ENT_CLIP_SIZE 256
ENT_API const char *ent_text_clip(char *buf, size_t len, const char *s, size_t max_chars);
/* The same into a buffer that lives until the end of the enclosing block, for
 * a message argument: printf("sku '%s' ...", ENT_CLIP(sku, 40)). */
#define ENT_CLIP(s, max_chars) ent_text_clip((char[ENT_CLIP_SIZE]){0}, ENT_CLIP_SIZE, (s), (max_chars))

/* The display cells of the UTF-8 character at s, as a terminal and a receipt
 * printer count them: 2 for East Asian wide and fullwidth characters, 1 for
 * others, 0 for control characters and at the end of the text. Its length
 * in bytes goes to *len (may be NULL). */
ENT_API int ent_text_cells(const char *s, int *len);

/* The library's version, "MAJOR.MINOR.PATCH". Static storage. */
ENT_API const char *ent_version(void);

#ifdef __cplusplus
}
#endif
#endif
