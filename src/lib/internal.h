/*
 * Private to the library: the handle's layout, error helpers, the statement
 * cache, transactions with retry, time and identifier helpers.
 * Nothing here is part of the public API.
 */
#ifndef ENT_INTERNAL_H
#define ENT_INTERNAL_H

#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include "entrepot/common.h"

#define ENT_STMT_CACHE 128
#define ENT_MSG_MAX ENT_ERROR_MAX /* a message on the handle is the same size as the last error's */
/* Every connection's page cache (32 MiB); bulk imports raise it for a while. */
#define ENT_CACHE_PRAGMA "PRAGMA cache_size = -32768"
/* An API token's secret: the prefix and 43 base64url characters (32 bytes);
 * messages show one as ENTX_TOKEN_SHOWN (ent_text_clip). */
#define ENTX_TOKEN_PREFIX "ent_"
#define ENTX_TOKEN_CHARS 43
#define ENTX_TOKEN_SHOWN "ent_***"

struct ent_stmt_slot {
    const char *sql; /* the literal's address is the key: statements are static strings */
    sqlite3_stmt *stmt;
};

/* How much of a commodity the stock holds (units on hand, lots on record):
 * the catalogue asks before a change of unit. The stock module sits above
 * the catalogue, so the catalogue reaches it only through this hook, which
 * ent_db_open (open.c) sets on every handle. */
typedef int (*entx_usage_fn)(ent_db *db, int64_t *on_hand, int64_t *lots, int64_t product_id);

struct ent_db {
    sqlite3 *sql;
    int code;
    int hint; /* enum ent_hint: what fixes the failure, for the front end to word */
    char msg[ENT_MSG_MAX];
    int flags;
    int tx_depth;              /* nesting of entx_tx_begin: only the outermost one is real */
    int group;                 /* inside ent_db_group_begin: the outermost one is a SAVEPOINT */
    bool unsynced_groups;      /* a syncer is open: groups commit without waiting for the disk */
    char *stage_dir;           /* ENT_OPEN_STAGED: the private folder the new file is built in */
    char *final_path;          /* ENT_OPEN_STAGED: where ent_db_publish puts it */
    char actor[65];            /* who the writes are recorded as (ent_user_act_as) */
    struct ent_stmt_slot cache[ENT_STMT_CACHE];
    entx_usage_fn product_usage; /* set by ent_db_open: entx_stock_product_usage */
    ent_facts facts;             /* the last refusal's facts (ent_errfacts), cleared by entx_ok */
    bool search_bulk;            /* inside entx_search_bulk_begin .. _end (search.c) */
    int64_t search_bulk_from;    /* the first commodity whose keys wait in the bulk */
    bool migrated;               /* this opening migrated the schema (entx_db_log_empty) */
    bool shelves_labelled;       /* inside the demo's fill: its lots are the hall's opening stock, whose
                                  * shelf labels already show them, so arriving lots queue no reprint */
};

/* ent_db_open without the hooks of the modules above the core (open.c adds
 * them): opens, checks and migrates the database. */
int entx_db_open(ent_db **out, const char *path, int flags);

/* After an opening that migrated (and did what a migration asks of the
 * next opening): copies the log into the database and empties it. */
void entx_db_log_empty(ent_db *db);

/* Records code and a printf-style message on db and returns code. */
int entx_fail(ent_db *db, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The same with a hint (enum ent_hint) for the front end: the message says
 * what is wrong in domain words, never which command or option to use. */
int entx_fail_hint(ent_db *db, int code, int hint, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Records SQLite's own error as ENT_ERROR (ENT_BUSY when locked), prefixed by what. */
int entx_fail_sql(ent_db *db, const char *what);

/* a x num / den rounded half up (away from zero for negatives); den > 0.
 * Money shares, taxes and rates: the one rounding of the project (util.c). */
int64_t entx_muldiv(int64_t a, int64_t num, int64_t den);

/* Clears the error state at the start of a public call (on db and the
 * calling thread's last error). */
void entx_ok(ent_db *db);

/*
 * The calling thread's last error (error.c), for calls without a handle:
 * entx_error_set records code and a printf-style message and returns code
 * (the arguments may include entx_why()); entx_why is the message itself,
 * for a caller that puts a helper's words into its own message;
 * entx_error_copy records a message as it is. entx_fail* record on the
 * handle and here too.
 */
int entx_error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void entx_error_copy(int code, int hint, const char *msg);
const char *entx_why(void);

/* Returns the cached prepared statement for the static string sql, reset and
 * with bindings cleared; NULL (error recorded) when it does not prepare. */
sqlite3_stmt *entx_stmt(ent_db *db, const char *sql);

/* Runs a statement with no result rows (reset afterwards). */
int entx_exec_stmt(ent_db *db, sqlite3_stmt *st);

/*
 * Transactions: entx_tx_begin starts BEGIN IMMEDIATE, retrying a locked
 * database with bounded backoff, and nests (inner calls only count).
 * entx_tx_end commits when rc is ENT_OK and rolls back otherwise; it returns
 * rc, or the commit's failure. The error on db is kept across a rollback.
 */
int entx_tx_begin(ent_db *db);
int entx_tx_end(ent_db *db, int rc);

/*
 * One snapshot for a read of several statements (a scan's lookups, a search
 * and the rows it lists): in autocommit mode each statement would read the
 * database as it was at its own start, and a commit between two of them
 * showed half of it. entx_read_begin starts a deferred transaction when none
 * is open and says whether it did; entx_read_end ends what it started.
 */
bool entx_read_begin(ent_db *db);
void entx_read_end(ent_db *db, bool began);

/* Binds text, or NULL when s is NULL or empty. */
int entx_bind_text_or_null(sqlite3_stmt *st, int i, const char *s);

/* Copies a column's text into a new heap string (NULL for SQL NULL). */
char *entx_col_strdup(sqlite3_stmt *st, int i);
/* Copies a column's text into buf of len bytes ("" for NULL). */
void entx_col_copy(sqlite3_stmt *st, char *buf, size_t len, int i);

/* The current UTC time as "YYYY-MM-DDTHH:MM:SSZ": the system clock, or the
 * test clock when one is set (both in time.c, with the rest of the time
 * module: time_internal.h). */
void entx_now_utc(char out[ENT_TIME_SIZE]);

/*
 * Tests only: fixes the clock at utc ("YYYY-MM-DDTHH:MM:SSZ", 20 characters;
 * NULL or anything else: the system clock again). Not part of the public API
 * and never called by the entrepot programs: only unit tests and the test
 * programs in tests/ (tests/testclock_*.c) call it.
 */
void entx_clock_set(const char *utc);

/* A new random UUID in its 36-character lower-case text form. */
void entx_uuid_new(char out[ENT_UUID_SIZE]);
/* A time-ordered one (version 7), for ledger rows (util.c says why). */
void entx_uuid_new_ordered(char out[ENT_UUID_SIZE]);

/*
 * Dates are "YYYY-MM-DD" text in the database. entx_date_parse checks the form
 * and that the day exists (no 2025-02-30); *days_out (may be NULL) receives
 * days since 1970-01-01. entx_date_from_days does the reverse.
 */
int entx_date_parse(int32_t *days_out, const char *s);
void entx_date_from_days(char out[ENT_DATE_SIZE], int32_t days);
/* Fails db with ENT_INVALID and why s is not a date, after field's name:
 * "expiry '2026-02-30' is not a date: February 2026 has no day 30 ...". */
int entx_fail_date(ent_db *db, const char *field, const char *s);

/* Checks a text input: not NULL when required, at most max bytes, UTF-8,
 * no control characters. On failure records ENT_INVALID naming field. */
int entx_check_text(ent_db *db, const char *field, const char *s, size_t max, bool required);
/* The same for text already checked to be UTF-8 (a CSV reader's field). */
int entx_check_utf8_text(ent_db *db, const char *field, const char *s, size_t max, bool required);

/* True when s is 1 to max letters, digits or - _ . / (SKUs, location codes). */
bool entx_valid_code(const char *s, size_t max);

/* True for a value not given: NULL or "". */
static inline bool entx_empty(const char *s)
{
    return s == NULL || *s == '\0';
}

/* ent_gtin_normalize for the library's own tests of a code: the answer
 * only, the calling thread's last error left as it is. */
int entx_gtin_check(char out[15], const char *code);

/* Parses a base-10 integer that fills the whole string. */
int entx_parse_i64(int64_t *out, const char *s);

char *entx_strdup(const char *s);

/* After a vsnprintf that filled all len bytes of s: ends s on a character
 * boundary with "…" instead of inside a UTF-8 character. */
void entx_text_trim_cut(char *s, size_t len);

#endif
