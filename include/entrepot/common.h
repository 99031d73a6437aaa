/*
 * entrepot — common definitions shared by every module: result codes, the
 * database handle type and the error-message accessors.
 *
 * Conventions (see STYLE.md):
 *  - functions return int: ENT_OK (0) or one of the negative ENT_* codes;
 *  - the words for the last failure are on the handle: ent_errmsg(db);
 *  - results the caller owns come back through the first parameter, named
 *    out, and are released with the matching _free, which accepts NULL.
 */
#ifndef ENTREPOT_COMMON_H
#define ENTREPOT_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ENT_API __attribute__((visibility("default")))

enum {
    ENT_OK = 0,
    ENT_ERROR = -1,    /* database, I/O or internal failure: see ent_errmsg() */
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

/* A short English name for an ENT_* code ("not found"). Static storage. */
ENT_API const char *ent_strerror(int code);

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
 * a message argument: ent_fail(db, ENT_INVALID, "sku '%s' ...", ENT_CLIP(sku, 40)). */
#define ENT_CLIP(s, max_chars) ent_text_clip((char[ENT_CLIP_SIZE]){0}, ENT_CLIP_SIZE, (s), (max_chars))

/* The library's version, "MAJOR.MINOR.PATCH". Static storage. */
ENT_API const char *ent_version(void);

#ifdef __cplusplus
}
#endif
#endif
