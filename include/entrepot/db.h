/*
 * entrepot — the database: open and close, schema migrations, the store's
 * identity, integrity check and online backup.
 */
#ifndef ENTREPOT_DB_H
#define ENTREPOT_DB_H

#include "entrepot/common.h"

#define ENT_STORE_CODE_SIZE 17 /* the store's short code, "SH01" */

#ifdef __cplusplus
extern "C" {
#endif

enum {
    ENT_OPEN_CREATE = 1 << 0,   /* create the file if missing (only for init and demo) */
    ENT_OPEN_READONLY = 1 << 1, /* open read-only; no migration is run */
    ENT_OPEN_DURABLE = 1 << 2,  /* synchronous=FULL instead of NORMAL (sales) */
    ENT_OPEN_STAGED = 1 << 3,   /* with CREATE: build a missing file under a temporary
                                   name beside path; it appears at path only through
                                   ent_db_publish() */
    ENT_OPEN_SUBJOURNAL = 1 << 4 /* the program has raised SQLite's statement-journal
                                    spill process-wide (SQLITE_CONFIG_STMTJRNL_SPILL,
                                    as the store server does): a group's savepoints
                                    keep their pages in that memory, not in
                                    temp_store = MEMORY's 1 KiB pieces (see
                                    ent_db_group_begin) */
};

/*
 * Opens the database at path, sets WAL, foreign keys and a busy timeout, and
 * brings an older schema up to date in one transaction. A database made by a
 * newer entrepot is refused with ENT_ERROR and a message naming both versions.
 *
 * Only a missing file is created, and only with ENT_OPEN_CREATE (":memory:"
 * too). An existing path must be an entrepot database, and is left untouched
 * otherwise: ENT_NOTFOUND when it is missing, ENT_INVALID for a folder, a
 * device, an empty file, a file that is not SQLite or another program's
 * SQLite database, ENT_ERROR for a damaged schema version (negative).
 *
 * On failure *out is still set when the handle could be made, so that the
 * caller can read ent_errmsg(*out); always release it with ent_db_close().
 */
ENT_API int ent_db_open(ent_db **out, const char *path, int flags);

/*
 * A database made with ENT_OPEN_CREATE | ENT_OPEN_STAGED is built in a
 * private folder beside its path. This moves the finished file to its path,
 * never replacing a file that appeared there meanwhile (ENT_EXISTS), and
 * reopens it there; db stays usable. Does nothing for a database that
 * existed. Closing a staged database without publishing it removes it.
 */
ENT_API int ent_db_publish(ent_db *db);

/* Closes db and finalizes its prepared statements. NULL is allowed. A staged
 * database that was not published is removed with its folder. */
ENT_API void ent_db_close(ent_db *db);

/* The schema version this program writes, and the one found in db. */
ENT_API int ent_db_schema_latest(void);
ENT_API int ent_db_schema_version(ent_db *db);

/* The store this database belongs to. */
typedef struct ent_store {
    char code[ENT_STORE_CODE_SIZE];   /* short code such as "SH01" */
    char currency[ENT_CURRENCY_SIZE]; /* ISO 4217 alpha code of prices */
    char tz[ENT_TZ_SIZE];             /* IANA time zone, e.g. "Asia/Shanghai" */
    char *name;         /* owned by the struct */
    char created_at[ENT_TIME_SIZE];
    char *address;       /* owned; NULL when not recorded */
    char *phone;         /* owned; NULL when not recorded */
    char changed_at[ENT_TIME_SIZE]; /* last change of name, address or phone ("" when never) */
    char *changed_by;    /* owned; who made it (NULL when never) */
} ent_store;

/*
 * Records the store of a new database. Errors: ENT_INVALID (empty or too long
 * code or name, unknown currency, a time zone that is not an IANA name),
 * ENT_EXISTS (the database already has its store).
 */
ENT_API int ent_store_init(ent_db *db, const char *code, const char *name,
                           const char *currency, const char *tz);

/* Reads the store into *out (release with ent_store_free). ENT_NOTFOUND
 * when the database was never initialised. */
ENT_API int ent_store_get(ent_db *db, ent_store **out);
ENT_API void ent_store_free(ent_store *store);

/* What ent_store_edit changes: NULL leaves a detail as it is; "" clears
 * the address or the phone (a store always has a name). */
typedef struct ent_store_changes {
    const char *name;    /* 1 to 200 bytes of UTF-8 text */
    const char *address; /* at most 300 bytes of UTF-8 text */
    const char *phone;   /* at most 32 characters: digits, spaces and + - ( ) */
} ent_store_changes;

/*
 * Changes the store's name, address or phone in one transaction, recording
 * each changed detail with its old and new value, the time and user (1 to 64
 * bytes, required). Errors: ENT_INVALID (a bad value or user, nothing to
 * change; the message names the detail), ENT_NOTFOUND (no store yet).
 * The code, currency and time zone are fixed at init: prices and the
 * journal's days depend on them.
 */
ENT_API int ent_store_edit(ent_db *db, const ent_store_changes *changes, const char *user);

/*
 * Group commit, for a process that owns the writing (the store server):
 * ent_db_group_begin starts one BEGIN IMMEDIATE transaction on db, under
 * which every public call that writes runs in a savepoint of its own (a
 * refused call undoes only its own writes) instead of committing;
 * ent_db_group_end(db, 1) commits the group's writes with one COMMIT, and
 * ent_db_group_end(db, 0) rolls them all back. Errors: ENT_INVALID (a group
 * or a transaction already open, or none to end), ENT_BUSY, ENT_ERROR (the
 * commit failed: nothing of the group was written).
 *
 * A savepoint keeps the pages it changes in a sub-journal, which SQLite
 * writes to a temporary file past its statement-journal spill (64 KiB
 * unless the program raised it; a five-line sale passes that). So a group
 * keeps it in memory (temp_store = MEMORY), where SQLite allocates it 1 KiB
 * at a time and frees it again at every release. A db opened with
 * ENT_OPEN_SUBJOURNAL leaves the temporary store at its default instead:
 * the program has raised the spill (sqlite3_config, before SQLite starts),
 * so the sub-journal stays in memory in pieces of that size.
 */
ENT_API int ent_db_group_begin(ent_db *db);
ENT_API int ent_db_group_end(ent_db *db, int commit);

/*
 * A pipelined group commit. Once ent_db_syncer_open has opened a syncer on
 * db, every group's COMMIT (ent_db_group_end(db, 1)) writes without waiting
 * for the disk: readers see the group at once, and a power cut may still
 * take it and every group after it (never a part of one, never an earlier
 * one). ent_db_syncer_sync makes everything committed before it was called
 * survive a power cut; it may run on another thread while db goes on with
 * the next group, so the disk's wait overlaps the next group's work. Tell
 * nobody that a group's writes happened before a sync begun after its
 * commit returned ENT_OK. ent_db_syncer_close (before ent_db_close, with no
 * group open) ends this: groups wait for the disk again. The sync's errors
 * (ENT_ERROR: the disk failed) are in the thread's ent_error_last().
 */
typedef struct ent_db_syncer ent_db_syncer;
ENT_API int ent_db_syncer_open(ent_db *db, ent_db_syncer **out);
ENT_API int ent_db_syncer_sync(ent_db_syncer *s);
ENT_API void ent_db_syncer_close(ent_db_syncer *s);

/*
 * The write-ahead log's checkpoint off the committing thread. Once
 * ent_db_checkpointer_open has opened a checkpointer on db, db no longer
 * checkpoints inside the COMMIT that passes 1000 pages of log (copying them
 * into the database and waiting for the disk, while every write behind it
 * waits); a thread with a connection of its own to the same file does it
 * meanwhile (PASSIVE: it blocks neither db nor readers, and copies only what
 * is committed). Open and close it from the thread that owns db, with no
 * transaction open; close before ent_db_close: db checkpoints itself again.
 * ent_db_checkpointer_wait waits until no checkpoint is due or running and
 * returns how many so far copied the whole log.
 *
 * SQLite starts the log over only at a write transaction that begins once
 * every page of it is in the database. A writer that commits while each
 * checkpoint runs never finds that moment, and its log grows for as long as
 * it is busy (70-420 MB in five seconds at the store server's full rate, each
 * commit then writing fresh pages of file). ent_db_checkpointer_catch_up,
 * called on db's thread before it begins a transaction: when the log has
 * passed frames_max pages, waits for one checkpoint of what is committed
 * (a short one: the thread has been copying all along), so that the
 * transaction begun next starts the log over. It waits wait_ms at most: a
 * disk that slow is not waited for again before the log has grown by
 * frames_max more, or has started over since and passed frames_max again.
 * Returns whether the log was caught up.
 */
typedef struct ent_db_checkpointer ent_db_checkpointer;
ENT_API int ent_db_checkpointer_open(ent_db *db, ent_db_checkpointer **out);
ENT_API int64_t ent_db_checkpointer_wait(ent_db_checkpointer *c);
ENT_API bool ent_db_checkpointer_catch_up(ent_db_checkpointer *c, int frames_max, int wait_ms);
ENT_API void ent_db_checkpointer_close(ent_db_checkpointer *c);

/* Called once per problem found by ent_db_check(); text is borrowed. */
typedef void (*ent_check_cb)(const char *problem, void *ud);

/*
 * Runs SQLite's integrity check, then recomputes every stock balance from the
 * ledger and names each one that drifted. Returns ENT_OK when all is well,
 * ENT_TAMPERED when a problem was found (each one reported through cb, which
 * may be NULL).
 */
ENT_API int ent_db_check(ent_db *db, ent_check_cb cb, void *ud);

/*
 * Writes a consistent online copy of db to path, built under a temporary name
 * beside it and moved into place whole. Errors: ENT_INVALID (no name, a name
 * that is not a file such as ":memory:", the database's own files, a folder,
 * a missing folder), ENT_EXISTS (path exists and ENT_BACKUP_REPLACE was not
 * given), ENT_ERROR (I/O). A failed backup leaves path as it was.
 */
enum { ENT_BACKUP_REPLACE = 1 << 0 /* replace an existing regular file */ };
ENT_API int ent_db_backup_to(ent_db *db, const char *path, int flags);

/* ent_db_backup_to(db, path, 0): path must not exist. */
ENT_API int ent_db_backup(ent_db *db, const char *path);

/* ---- what changed, for whoever shows it (the store server's events) ------ */

/* How far the changes were read: the last row of each append-only record. */
typedef struct ent_change_marks {
    int64_t stock_move, product_change, label_queue, label_print;
} ent_change_marks;

/* The marks as the database stands now (inside a write transaction: as it
 * stands for that transaction). */
ENT_API int ent_changes_mark(ent_db *db, ent_change_marks *out);

/* One change after a mark. Strings are borrowed for the callback. */
typedef struct ent_change {
    const char *kind;     /* "stock", "price" (a commodity's price), "catalog" (its other fields) or "labels" */
    const char *table;    /* the record it comes from: "stock_move", "product_change", "label_queue", "label_print" */
    int64_t id;           /* its row in that record */
    const char *product;  /* the commodity's GTIN or SKU; NULL for labels printed */
    const char *location; /* stock: where; else NULL */
    const char *what;     /* stock: the move's kind (receive, sale...); labels: "queued" or "printed";
                             price, catalog: the field that changed */
    const char *user;     /* who made it, NULL when not recorded */
} ent_change;
typedef int (*ent_change_cb)(const ent_change *c, void *ud);

/*
 * Calls cb for each stock move, change of a commodity, label queued and label print
 * recorded after *marks, oldest first within each record, and moves *marks
 * past them (up to at most max rows of each record: call again for more).
 * A non-zero return from cb stops and is returned (marks stay at the change
 * before it).
 */
ENT_API int ent_changes_since(ent_db *db, ent_change_marks *marks, int64_t max, ent_change_cb cb, void *ud);

#ifdef __cplusplus
}
#endif
#endif
