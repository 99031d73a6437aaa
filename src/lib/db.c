/* The database handle: open, migrate, errors, statement cache, transactions. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "entrepot/db.h"
#include "internal.h"
#include "schema.h"
#include "search_internal.h"

#define BUSY_TIMEOUT_MS 5000
#define BEGIN_RETRIES 50
/* The connection's own durability (ENT_OPEN_DURABLE, or made so by a sale). */
#define SYNC_PRAGMA(db) (((db)->flags & ENT_OPEN_DURABLE) ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")

const char *ent_errmsg(const ent_db *db)
{
    if (db == NULL)
        return "out of memory";
    return db->msg;
}

int ent_errcode(const ent_db *db)
{
    return db ? db->code : ENT_ERROR;
}

int ent_errhint(const ent_db *db)
{
    return db ? db->hint : ENT_HINT_NONE;
}

const char *ent_strerror(int code)
{
    switch (code) {
    case ENT_OK: return "ok";
    case ENT_INVALID: return "invalid input";
    case ENT_NOTFOUND: return "not found";
    case ENT_NOSTOCK: return "not enough stock";
    case ENT_EXPIRED: return "expired";
    case ENT_BUSY: return "database busy";
    case ENT_TAMPERED: return "tampered";
    case ENT_EXISTS: return "already exists";
    case ENT_REFUSED: return "refused";
    default: return "error";
    }
}

const char *ent_version(void)
{
    return ENT_VERSION;
}

__attribute__((format(printf, 4, 0))) static int fail_v(ent_db *db, int code, int hint, const char *fmt, va_list ap)
{
    vsnprintf(db->msg, sizeof db->msg, fmt, ap);
    entx_text_trim_cut(db->msg, sizeof db->msg);
    db->code = code;
    db->hint = hint;
    entx_error_copy(code, hint, db->msg);
    return code;
}

int entx_fail(ent_db *db, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_v(db, code, ENT_HINT_NONE, fmt, ap);
    va_end(ap);
    return code;
}

int entx_fail_hint(ent_db *db, int code, int hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fail_v(db, code, hint, fmt, ap);
    va_end(ap);
    return code;
}

int entx_fail_sql(ent_db *db, const char *what)
{
    int sc = sqlite3_errcode(db->sql);
    int code = (sc == SQLITE_BUSY || sc == SQLITE_LOCKED) ? ENT_BUSY : ENT_ERROR;
    return entx_fail(db, code, "%s: %s", what, sqlite3_errmsg(db->sql));
}

void entx_ok(ent_db *db)
{
    db->code = ENT_OK;
    db->hint = ENT_HINT_NONE;
    db->msg[0] = '\0';
    db->facts.code = ENT_OK;
    ent_error_clear();
}

void ent_errfacts(const ent_db *db, ent_facts *out)
{
    memset(out, 0, sizeof *out);
    out->on_hand = out->asked = -1;
    if (db != NULL && db->facts.code != ENT_OK && db->facts.code == db->code)
        *out = db->facts;
}

sqlite3_stmt *entx_stmt(ent_db *db, const char *sql)
{
    size_t h = ((uintptr_t)sql >> 3) % ENT_STMT_CACHE;
    for (size_t i = 0; i < ENT_STMT_CACHE; i++) {
        struct ent_stmt_slot *slot = &db->cache[(h + i) % ENT_STMT_CACHE];
        if (slot->sql == sql) {
            sqlite3_reset(slot->stmt);
            sqlite3_clear_bindings(slot->stmt);
            return slot->stmt;
        }
        if (slot->sql == NULL) {
            if (sqlite3_prepare_v3(db->sql, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot->stmt, NULL) != SQLITE_OK) {
                entx_fail_sql(db, "preparing a query");
                slot->stmt = NULL;
                return NULL;
            }
            slot->sql = sql;
            return slot->stmt;
        }
    }
    entx_fail(db, ENT_ERROR, "internal: statement cache is full");
    return NULL;
}

int entx_exec_stmt(ent_db *db, sqlite3_stmt *st)
{
    int sc = sqlite3_step(st);
    sqlite3_reset(st);
    if (sc != SQLITE_DONE && sc != SQLITE_ROW)
        return entx_fail_sql(db, "writing");
    return ENT_OK;
}

static int exec_sql(ent_db *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db->sql, sql, NULL, NULL, &err) != SQLITE_OK) {
        int sc = sqlite3_errcode(db->sql);
        entx_fail(db, (sc == SQLITE_BUSY || sc == SQLITE_LOCKED) ? ENT_BUSY : ENT_ERROR, "%s",
                 err ? err : sqlite3_errmsg(db->sql));
        sqlite3_free(err);
        return db->code;
    }
    return ENT_OK;
}

/* Bounded exponential backoff between 1 ms and 64 ms (about 2.5 s in all),
 * on top of SQLite's own busy handler. Sleeping here is back-off, not
 * synchronisation: nothing waits for a particular event. */
static void backoff(int attempt)
{
    int ms = 1 << (attempt < 6 ? attempt : 6);
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The end of a call's savepoint inside a group: kept (RELEASE) on success,
 * undone alone (ROLLBACK TO) on failure; the group's COMMIT is later. */
static int savepoint_end(ent_db *db, int rc)
{
    if (rc == ENT_OK && sqlite3_exec(db->sql, "RELEASE ent_call", NULL, NULL, NULL) == SQLITE_OK)
        return ENT_OK;
    if (rc == ENT_OK)
        rc = entx_fail_sql(db, "committing");
    sqlite3_exec(db->sql, "ROLLBACK TO ent_call", NULL, NULL, NULL);
    sqlite3_exec(db->sql, "RELEASE ent_call", NULL, NULL, NULL);
    return rc;
}

int entx_tx_begin(ent_db *db)
{
    if (db->tx_depth > 0) {
        db->tx_depth++;
        return ENT_OK;
    }
    if (db->group) {
        /* The group holds BEGIN IMMEDIATE: this call's writes stand or fall alone. */
        if (sqlite3_exec(db->sql, "SAVEPOINT ent_call", NULL, NULL, NULL) != SQLITE_OK)
            return entx_fail_sql(db, "starting a transaction");
        db->tx_depth = 1;
        return ENT_OK;
    }
    for (int attempt = 0; attempt < BEGIN_RETRIES; attempt++) {
        int sc = sqlite3_exec(db->sql, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        if (sc == SQLITE_OK) {
            db->tx_depth = 1;
            return ENT_OK;
        }
        if (sc != SQLITE_BUSY && sc != SQLITE_LOCKED)
            return entx_fail_sql(db, "starting a transaction");
        backoff(attempt);
    }
    return entx_fail(db, ENT_BUSY, "the database stayed locked by another process; try again");
}

/* A deferred BEGIN takes no lock until the first read, and never blocks a
 * writer (WAL); taking and releasing SQLite's shared locks once for all the
 * statements is also cheaper than once per statement. */
bool entx_read_begin(ent_db *db)
{
    if (db->tx_depth > 0 || !sqlite3_get_autocommit(db->sql))
        return false;
    sqlite3_stmt *st = entx_stmt(db, "BEGIN");
    if (st == NULL)
        return false;
    bool began = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_reset(st);
    return began;
}

void entx_read_end(ent_db *db, bool began)
{
    if (!began)
        return;
    sqlite3_stmt *st = entx_stmt(db, "COMMIT");
    if (st == NULL || sqlite3_step(st) != SQLITE_DONE)
        sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
    if (st)
        sqlite3_reset(st);
}

int entx_tx_end(ent_db *db, int rc)
{
    if (db->tx_depth > 1) {
        db->tx_depth--;
        return rc;
    }
    db->tx_depth = 0;
    if (db->group)
        return savepoint_end(db, rc);
    if (rc == ENT_OK) {
        for (int attempt = 0; attempt < BEGIN_RETRIES; attempt++) {
            int sc = sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL);
            if (sc == SQLITE_OK)
                return ENT_OK;
            if (sc != SQLITE_BUSY)
                break;
            backoff(attempt);
        }
        rc = entx_fail_sql(db, "committing");
    }
    if (sqlite3_get_autocommit(db->sql) == 0)
        sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int ent_db_group_begin(ent_db *db)
{
    entx_ok(db);
    if (db->group || db->tx_depth > 0)
        return entx_fail(db, ENT_INVALID, "a group of writes is already open on this connection");
    /* Each call of the group is a savepoint, and a savepoint keeps the pages
     * it changes in a sub-journal: SQLite writes that to a temporary file
     * once it passes 64 KiB (a five-line sale does), a pwrite per page and
     * a quarter of the writer's time. In memory it is a copy: in 1 KiB
     * pieces with temp_store = MEMORY, or in one piece of the spill's size
     * when the program raised the spill (ENT_OPEN_SUBJOURNAL; malloc and
     * free of the pieces were a tenth of the server's writer). (Set outside
     * any transaction: SQLite refuses the change inside one.) */
    if (sqlite3_exec(db->sql, (db->flags & ENT_OPEN_SUBJOURNAL) ? "PRAGMA temp_store = DEFAULT" : "PRAGMA temp_store = MEMORY",
                     NULL, NULL, NULL) != SQLITE_OK)
        return entx_fail_sql(db, "starting a group of writes");
    /* With a syncer the group's COMMIT waits for no disk (WAL with
     * synchronous=NORMAL: the log stays whole through a power cut, only its
     * tail since the last sync may be lost); the syncer's fsync keeps it.
     * SQLite takes the level only outside a transaction. */
    if (sqlite3_exec(db->sql, db->unsynced_groups ? "PRAGMA synchronous = NORMAL" : SYNC_PRAGMA(db), NULL, NULL,
                     NULL) != SQLITE_OK)
        return entx_fail_sql(db, "starting a group of writes");
    int rc = entx_tx_begin(db);
    if (rc == ENT_OK) {
        db->tx_depth = 0;
        db->group = 1;
    }
    return rc;
}

int ent_db_group_end(ent_db *db, int commit)
{
    if (!db->group)
        return entx_fail(db, ENT_INVALID, "no group of writes is open on this connection");
    db->group = 0;
    db->tx_depth = 1;
    int rc = entx_tx_end(db, commit ? ENT_OK : ENT_REFUSED);
    /* What follows outside a group is as durable as the connection was opened. */
    if (db->unsynced_groups)
        sqlite3_exec(db->sql, SYNC_PRAGMA(db), NULL, NULL, NULL);
    return commit ? rc : ENT_OK;
}

struct ent_db_syncer {
    int fd;
    ent_db *db; /* whose groups commit without waiting for the disk */
};

int ent_db_syncer_open(ent_db *db, ent_db_syncer **out)
{
    entx_ok(db);
    *out = NULL;
    const char *main_file = sqlite3_db_filename(db->sql, "main");
    const char *wal = main_file && *main_file ? sqlite3_filename_wal(main_file) : NULL;
    ent_db_syncer *s = calloc(1, sizeof *s);
    if (s == NULL)
        return entx_fail(db, ENT_ERROR, "out of memory");
    /* The WAL file lives as long as any connection is open (this one is):
     * a descriptor of our own syncs the same file from another thread. */
    s->fd = wal ? open(wal, O_RDWR | O_CLOEXEC) : -1;
    if (s->fd < 0) {
        int e = errno;
        free(s);
        return entx_fail(db, ENT_ERROR, "cannot open the database's write-ahead log: %s",
                         wal ? strerror(e) : "the database has none");
    }
    s->db = db;
    db->unsynced_groups = true;
    *out = s;
    return ENT_OK;
}

int ent_db_syncer_sync(ent_db_syncer *s)
{
    if (s == NULL)
        return entx_error_set(ENT_INVALID, "no syncer given");
    if (fdatasync(s->fd) != 0)
        return entx_error_set(ENT_ERROR, "the disk did not keep the database's write-ahead log: %s",
                              strerror(errno));
    return ENT_OK;
}

void ent_db_syncer_close(ent_db_syncer *s)
{
    if (s == NULL)
        return;
    s->db->unsynced_groups = false;
    close(s->fd);
    free(s);
}

int ent_db_schema_latest(void)
{
    return entx_migration_count;
}

static int read_user_version(ent_db *db, int *out)
{
    sqlite3_stmt *st = NULL;
    int rc = ENT_OK;
    if (sqlite3_prepare_v2(db->sql, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) {
        rc = entx_fail_sql(db, "reading the schema version");
        goto done;
    }
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = entx_fail_sql(db, "reading the schema version");
        goto done;
    }
    *out = sqlite3_column_int(st, 0);
done:
    sqlite3_finalize(st);
    return rc;
}

int ent_db_schema_version(ent_db *db)
{
    int v = -1;
    read_user_version(db, &v);
    return v;
}

static int migrate(ent_db *db)
{
    int version = 0;
    int rc = read_user_version(db, &version);
    if (rc != ENT_OK)
        return rc;
    if (version < 0)
        return entx_fail(db, ENT_ERROR,
                        "this database has schema version %d, which no entrepot writes: "
                        "the file is damaged",
                        version);
    if (version > entx_migration_count)
        return entx_fail(db, ENT_ERROR,
                        "this database has schema version %d, newer than this entrepot (%s) "
                        "understands (%d): use a newer entrepot",
                        version, ENT_VERSION, entx_migration_count);
    if (version == entx_migration_count || (db->flags & ENT_OPEN_READONLY))
        return version == entx_migration_count ? ENT_OK
               : entx_fail(db, ENT_ERROR, "this database has schema version %d and needs migrating "
                          "to %d: open it once read-write", version, entx_migration_count);
    rc = entx_tx_begin(db);
    if (rc != ENT_OK)
        return rc;
    /* Read again under the write lock: another process may have migrated meanwhile. */
    rc = read_user_version(db, &version);
    if (rc == ENT_OK && (version < 0 || version > entx_migration_count))
        rc = entx_fail(db, ENT_ERROR, "this database's schema version changed to %d while it was opened", version);
    for (int i = version; rc == ENT_OK && i < entx_migration_count; i++) {
        char pragma[64];
        rc = exec_sql(db, entx_migrations[i].sql);
        if (rc != ENT_OK) {
            char why[ENT_MSG_MAX];
            snprintf(why, sizeof why, "%s", db->msg);
            rc = entx_fail(db, ENT_ERROR, "schema migration %s failed: %s", entx_migrations[i].name, why);
            break;
        }
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", entx_migrations[i].version);
        rc = exec_sql(db, pragma);
    }
    rc = entx_tx_end(db, rc);
    db->migrated = rc == ENT_OK && version < entx_migration_count;
    return rc;
}

/* A migration may rewrite much of the file (schema 26 copies every lot: 3.7
 * GB of log for the 1M demo), and a command closes without a checkpoint
 * (set_journal): every later reader would then look up each page it reads in
 * that log until some writer's checkpoint copied it (a `check` of the 1M demo
 * spent two thirds of its time there). So the migrating opening copies the
 * log into the database, once, and empties it; busy readers only leave that
 * to a later checkpoint. */
void entx_db_log_empty(ent_db *db)
{
    sqlite3_wal_checkpoint_v2(db->sql, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
}

/* Refuses, before SQLite touches it, a path that cannot be an entrepot
 * database: a folder, a device, an empty file, a file that is not SQLite. */
/* The first len bytes of path, read through SQLite's own file layer: a
 * plain open() and close() of the file would drop every POSIX lock this
 * process holds on it, those of its other connections too (the store
 * server keeps several), and another program's connection would then take
 * itself for the last one and delete the WAL under them. SQLite's unix
 * layer keeps such a descriptor open until the locks are gone. */
static int read_head(const char *path, char *head, int len)
{
    sqlite3_vfs *vfs = sqlite3_vfs_find(NULL);
    sqlite3_file *f = vfs ? sqlite3_malloc(vfs->szOsFile) : NULL;
    int out = 0, sc;
    if (f == NULL)
        return SQLITE_NOMEM;
    memset(f, 0, (size_t)vfs->szOsFile);
    sc = vfs->xOpen(vfs, path, f, SQLITE_OPEN_READONLY | SQLITE_OPEN_MAIN_DB, &out);
    if (sc == SQLITE_OK) {
        sc = f->pMethods->xRead(f, head, len, 0);
        f->pMethods->xClose(f);
    }
    sqlite3_free(f);
    return sc;
}

/* A path as messages show it: a very long one keeps its last 200 bytes
 * (cut on a character boundary), so that the reason after it still fits. */
static void short_path(char out[256], const char *path)
{
    size_t len = strlen(path);
    if (len <= 200) {
        snprintf(out, 256, "%s", path);
        return;
    }
    const char *tail = path + len - 200;
    while (((unsigned char)*tail & 0xc0) == 0x80)
        tail++;
    snprintf(out, 256, "…%s", tail);
}

static int check_file(ent_db *db, const char *path, const char *shown)
{
    struct stat st;
    char head[16];
    if (stat(path, &st) != 0)
        return errno == ENOENT
                   ? entx_fail_hint(db, ENT_NOTFOUND, ENT_HINT_CREATE_STORE, "%s: no such database", shown)
                   : entx_fail(db, ENT_ERROR, "%s: %s", shown, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return entx_fail(db, ENT_INVALID, "%s is a folder, not an entrepot database", shown);
    if (!S_ISREG(st.st_mode))
        return entx_fail(db, ENT_INVALID, "%s is not a regular file, not an entrepot database", shown);
    if (st.st_size == 0)
        return entx_fail_hint(db, ENT_INVALID, ENT_HINT_NEW_DATABASE, "%s is an empty file, not an entrepot database",
                             shown);
    int sc = read_head(path, head, sizeof head);
    if (sc != SQLITE_OK && sc != SQLITE_IOERR_SHORT_READ)
        return entx_fail(db, ENT_ERROR, "%s: cannot read it (%s)", shown, sqlite3_errstr(sc));
    if (sc != SQLITE_OK || memcmp(head, "SQLite format 3", sizeof head) != 0)
        return entx_fail(db, ENT_INVALID, "%s is not an entrepot database (it is not an SQLite file)", shown);
    return ENT_OK;
}

/* An SQLite file is ours when it has the first migration's tables and a
 * schema version entrepot could have written. Only reads: nothing is
 * written to a file that turns out to belong to another program. */
static int check_schema(ent_db *db, const char *path)
{
    static const char sql[] = "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                              "AND name IN ('store', 'setting', 'product', 'stock_move')";
    sqlite3_stmt *st = NULL;
    int version = 0, tables = 0;
    int rc = read_user_version(db, &version);
    if (rc != ENT_OK)
        return entx_fail(db, ENT_ERROR, "%s is not a readable entrepot database: %s", path, sqlite3_errmsg(db->sql));
    if (version < 0)
        return entx_fail(db, ENT_ERROR,
                        "%s has schema version %d, which no entrepot writes: the file is damaged "
                        "or not an entrepot database",
                        path, version);
    if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
        rc = entx_fail(db, ENT_ERROR, "%s is not a readable entrepot database: %s", path, sqlite3_errmsg(db->sql));
    else
        tables = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (rc == ENT_OK && tables != 4)
        rc = entx_fail(db, ENT_INVALID, "%s is an SQLite database of another program, not an entrepot database", path);
    return rc;
}

/* A private folder beside path (same file system, so that the finished file
 * can be linked into place) in which a new database is built. */
static int stage_new(ent_db *db, const char *path, char **file_out)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    size_t len = dirlen + strlen(".entrepot-new-XXXXXX/new.db") + 1;
    char *dir = malloc(len), *file = malloc(len);
    if (dir == NULL || file == NULL) {
        free(dir);
        free(file);
        return entx_fail(db, ENT_ERROR, "out of memory");
    }
    snprintf(dir, len, "%.*s.entrepot-new-XXXXXX", (int)dirlen, path);
    if (mkdtemp(dir) == NULL) {
        int e = errno;
        char shown[256];
        short_path(shown, path);
        free(dir);
        free(file);
        return entx_fail(db, ENT_ERROR, "cannot create %s: %s", shown, strerror(e));
    }
    snprintf(file, len, "%s/new.db", dir);
    db->stage_dir = dir;
    *file_out = file;
    return ENT_OK;
}

/* Removes the staging folder and the files SQLite may have made in it:
 * only names this handle chose, never anything else. */
static void unstage(ent_db *db)
{
    static const char *const tails[] = {"/new.db", "/new.db-wal", "/new.db-shm", "/new.db-journal"};
    char p[PATH_MAX];
    if (db->stage_dir == NULL)
        return;
    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
        snprintf(p, sizeof p, "%s%s", db->stage_dir, tails[i]);
        unlink(p);
    }
    rmdir(db->stage_dir);
    free(db->stage_dir);
    db->stage_dir = NULL;
}

static void close_sql(ent_db *db)
{
    for (size_t i = 0; i < ENT_STMT_CACHE; i++) {
        sqlite3_finalize(db->cache[i].stmt);
        db->cache[i].stmt = NULL;
        db->cache[i].sql = NULL;
    }
    sqlite3_close(db->sql);
    db->sql = NULL;
}

/* WAL for every read-write connection; the message names the file. */
static int set_journal(ent_db *db, const char *shown)
{
    int rc = ENT_OK;
    /* A short-lived command (one receive, one scan) should not pay for a WAL
     * checkpoint and its fsyncs on every exit; SQLite's automatic checkpoint
     * (every 1000 pages) and the next long-lived connection do that work.
     * Set only once the file is known to be ours: closing a refused file
     * then removes the -wal and -shm that SQLite made to read it. */
    sqlite3_db_config(db->sql, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
    if (!(db->flags & ENT_OPEN_READONLY))
        rc = exec_sql(db, (db->flags & ENT_OPEN_DURABLE) ? "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL"
                                                         : "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
    if (rc != ENT_OK) {
        char why[ENT_MSG_MAX];
        snprintf(why, sizeof why, "%s", db->msg);
        rc = entx_fail(db, rc, "%s: %s", shown, why);
    }
    return rc;
}

/* Opens the SQLite file (shown to people as shown) and sets up the
 * connection; an existing file is checked to be ours before anything is
 * written to it. */
static int open_sql(ent_db *db, const char *file, const char *shown, bool create)
{
    int oflags = (db->flags & ENT_OPEN_READONLY) ? SQLITE_OPEN_READONLY
                                                 : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(file, &db->sql, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        return entx_fail(db, ENT_ERROR, "%s: %s", shown, db->sql ? sqlite3_errmsg(db->sql) : "out of memory");
    sqlite3_extended_result_codes(db->sql, 0);
    sqlite3_busy_timeout(db->sql, BUSY_TIMEOUT_MS);
    if (entx_search_register(db->sql) != SQLITE_OK)
        return entx_fail(db, ENT_ERROR, "%s: %s", shown, sqlite3_errmsg(db->sql));
    /* 32 MiB of page cache (the default is 2 MiB): a million-commodity
     * catalogue's indexes stay in memory during imports and reports. Reads
     * through a memory map cost no system call per page, which is most of a
     * scan's lookup time on a large catalogue. 2 GiB is the most Debian's
     * SQLite maps; a bigger database reads its tail through pread. */
    int rc = exec_sql(db, "PRAGMA foreign_keys = ON; " ENT_CACHE_PRAGMA "; PRAGMA mmap_size = 2147418112");
    if (rc != ENT_OK) {
        char why[ENT_MSG_MAX];
        snprintf(why, sizeof why, "%s", db->msg);
        return entx_fail(db, rc, "%s: %s", shown, why);
    }
    /* Look before writing: journal_mode = WAL and the migrations would turn
     * another program's file into a half entrepot one. */
    if (!create && check_schema(db, shown) != ENT_OK)
        return db->code;
    return set_journal(db, shown);
}

int entx_db_open(ent_db **out, const char *path, int flags)
{
    ent_db *db = calloc(1, sizeof *db);
    char *file = NULL, shown[256];
    bool create = false;
    int rc = ENT_OK;
    *out = db;
    if (db == NULL)
        return entx_error_set(ENT_ERROR, "out of memory"); /* what ent_errmsg(NULL) says too */
    db->flags = flags;
    if (path == NULL || *path == '\0') {
        rc = entx_fail(db, ENT_INVALID, "no database path given");
        goto done;
    }
    short_path(shown, path);
    if ((flags & ENT_OPEN_CREATE) && strcmp(path, ":memory:") == 0) {
        create = true;
    } else {
        rc = check_file(db, path, shown);
        create = rc == ENT_NOTFOUND && (flags & ENT_OPEN_CREATE) && !(flags & ENT_OPEN_READONLY);
        if (rc != ENT_OK && !create)
            goto done;
    }
    if (create && (flags & ENT_OPEN_STAGED)) {
        if ((rc = stage_new(db, path, &file)) != ENT_OK)
            goto done;
        db->final_path = strdup(path);
        if (db->final_path == NULL) {
            rc = entx_fail(db, ENT_ERROR, "out of memory");
            goto done;
        }
    }
    entx_ok(db);
    rc = open_sql(db, file ? file : path, shown, create);
    if (rc == ENT_OK)
        rc = migrate(db);
done:
    free(file);
    return rc;
}

/* Moves the staged file to its name without ever replacing a file that
 * appeared there meanwhile: link() fails when the name exists. */
static int place_new(ent_db *db, const char *file)
{
    const char *path = db->final_path;
    if (link(file, path) == 0)
        return ENT_OK;
    int e = errno;
    if (e == EEXIST)
        return entx_fail(db, ENT_EXISTS,
                        "%s appeared while the new database was being made: it was left as it "
                        "is and nothing was created",
                        path);
    if (e != EPERM && e != EOPNOTSUPP)
        return entx_fail(db, ENT_ERROR, "cannot create %s: %s", path, strerror(e));
    /* A file system without hard links: look, then rename. */
    if (access(path, F_OK) == 0)
        return entx_fail(db, ENT_EXISTS,
                        "%s appeared while the new database was being made: it was left as it "
                        "is and nothing was created",
                        path);
    if (rename(file, path) != 0)
        return entx_fail(db, ENT_ERROR, "cannot create %s: %s", path, strerror(errno));
    return ENT_OK;
}

int ent_db_publish(ent_db *db)
{
    char file[PATH_MAX];
    int rc;
    entx_ok(db);
    if (db->stage_dir == NULL)
        return ENT_OK;
    snprintf(file, sizeof file, "%s/new.db", db->stage_dir);
    /* Back to a rollback journal: the whole database is then in the one
     * file that moves, with no WAL left beside its temporary name. */
    rc = exec_sql(db, "PRAGMA journal_mode = DELETE");
    if (rc != ENT_OK) {
        char why[ENT_MSG_MAX];
        snprintf(why, sizeof why, "%s", db->msg);
        return entx_fail(db, rc, "finishing %s: %s", db->final_path, why);
    }
    close_sql(db);
    rc = place_new(db, file);
    unstage(db);
    if (rc != ENT_OK)
        return rc;
    db->flags &= ~ENT_OPEN_STAGED;
    rc = open_sql(db, db->final_path, db->final_path, false);
    return rc == ENT_OK ? migrate(db) : rc;
}

void ent_db_close(ent_db *db)
{
    if (db == NULL)
        return;
    close_sql(db);
    unstage(db); /* a new database never published: nothing is left behind */
    free(db->final_path);
    free(db);
}

/* ---- the store ---------------------------------------------------------- */

#include "entrepot/country.h"

/* The folder of compiled zones, where the C library looks for them too. */
static const char *zoneinfo_dir(void)
{
    const char *d = getenv("TZDIR");
    return d && *d ? d : "/usr/share/zoneinfo";
}

/* Whether tz is named as a zone ("Z NAME") or a link ("L TARGET NAME") in
 * tzdata.zi, else in zone1970.tab's third column: names of zones only, not
 * of folders ("Asia"), tables ("zone.tab") or the posix/ and right/ copies. */
static int listed_zone(const char *tz)
{
    char path[PATH_MAX], line[512];
    int found = 0, zi = 1;
    snprintf(path, sizeof path, "%s/tzdata.zi", zoneinfo_dir());
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        zi = 0;
        snprintf(path, sizeof path, "%s/zone1970.tab", zoneinfo_dir());
        if ((f = fopen(path, "r")) == NULL)
            return strcmp(tz, "UTC") == 0;
    }
    while (!found && fgets(line, sizeof line, f)) {
        char *save = NULL, *a = strtok_r(line, " \t\n", &save), *b = a ? strtok_r(NULL, " \t\n", &save) : NULL;
        char *c = b ? strtok_r(NULL, " \t\n", &save) : NULL;
        if (zi && a && strcmp(a, "Z") == 0)
            found = b && strcmp(b, tz) == 0;
        else if (zi && a && strcmp(a, "L") == 0)
            found = c && strcmp(c, tz) == 0;
        else if (!zi && a && a[0] != '#')
            found = c && strcmp(c, tz) == 0;
    }
    fclose(f);
    return found || (!zi && strcmp(tz, "UTC") == 0);
}

/* The compiled file must be there too (TZif), or the C library would
 * silently run the store on UTC. */
static int compiled_zone(const char *tz)
{
    char path[PATH_MAX], magic[4];
    snprintf(path, sizeof path, "%s/%s", zoneinfo_dir(), tz);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    size_t n = fread(magic, 1, sizeof magic, f);
    fclose(f);
    return n == sizeof magic && memcmp(magic, "TZif", sizeof magic) == 0;
}

static int valid_tz(const char *tz)
{
    /* Names are letters, digits and "/_+-" in parts that do not start with
     * a dot: nothing path-like ("../x", "Asia/./Shanghai") gets as far as
     * the file system. */
    size_t len = strlen(tz);
    if (len == 0 || len > 64 || tz[0] == '/' || tz[len - 1] == '/' || strstr(tz, "//") || strstr(tz, "/.") ||
        tz[0] == '.' || strspn(tz, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-.") != len)
        return 0;
    return listed_zone(tz) && compiled_zone(tz);
}

int ent_store_init(ent_db *db, const char *code, const char *name, const char *currency, const char *tz)
{
    const ent_currency *cur = NULL;
    char now[ENT_TIME_SIZE];
    int rc;
    entx_ok(db);
    if ((rc = entx_check_text(db, "store code", code, 16, true)) != ENT_OK)
        return rc;
    if ((rc = entx_check_text(db, "store name", name, 200, true)) != ENT_OK)
        return rc;
    if (currency == NULL || *currency == '\0')
        currency = "CNY";
    if (tz == NULL || *tz == '\0')
        tz = "Asia/Shanghai";
    /* Checked as text first, so that a message never quotes broken UTF-8. */
    if ((rc = entx_check_text(db, "currency", currency, 3, true)) != ENT_OK ||
        (rc = entx_check_text(db, "time zone", tz, 64, true)) != ENT_OK)
        return rc;
    rc = ent_currency_lookup(&cur, currency);
    if (rc == ENT_ERROR)
        return entx_fail(db, ENT_ERROR, "%s", entx_why());
    if (rc != ENT_OK)
        return entx_fail(db, ENT_INVALID, "currency '%s' is not an ISO 4217 code", currency);
    if (!valid_tz(tz))
        return entx_fail(db, ENT_INVALID, "time zone '%s' is not a known IANA zone such as Asia/Shanghai", tz);
    entx_now_utc(now);
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    sqlite3_stmt *st = entx_stmt(db, "SELECT 1 FROM store");
    if (st == NULL) {
        rc = db->code;
        goto done;
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        rc = entx_fail(db, ENT_EXISTS, "this database already belongs to a store");
        goto done;
    }
    st = entx_stmt(db, "INSERT INTO store(id, code, name, currency, tz, created_at) VALUES (1, ?, ?, ?, ?, ?)");
    if (st == NULL) {
        rc = db->code;
        goto done;
    }
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, cur->alpha3, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, tz, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    rc = entx_exec_stmt(db, st);
done:
    return entx_tx_end(db, rc);
}

int ent_store_get(ent_db *db, ent_store **out)
{
    static const char sql[] = "SELECT code, name, currency, tz, created_at, address, phone, "
                              "       (SELECT at FROM store_change ORDER BY id DESC LIMIT 1), "
                              "       (SELECT user FROM store_change ORDER BY id DESC LIMIT 1) "
                              "FROM store WHERE id = 1";
    *out = NULL;
    entx_ok(db);
    sqlite3_stmt *st = entx_stmt(db, sql);
    if (st == NULL)
        return db->code;
    int sc = sqlite3_step(st);
    if (sc != SQLITE_ROW) {
        int rc = sc == SQLITE_DONE
                     ? entx_fail_hint(db, ENT_NOTFOUND, ENT_HINT_CREATE_STORE, "this database has no store yet")
                     : entx_fail_sql(db, "reading the store");
        sqlite3_reset(st);
        return rc;
    }
    ent_store *s = calloc(1, sizeof *s);
    if (s == NULL) {
        sqlite3_reset(st);
        return entx_fail(db, ENT_ERROR, "out of memory");
    }
    entx_col_copy(st, s->code, sizeof s->code, 0);
    s->name = entx_col_strdup(st, 1);
    entx_col_copy(st, s->currency, sizeof s->currency, 2);
    entx_col_copy(st, s->tz, sizeof s->tz, 3);
    entx_col_copy(st, s->created_at, sizeof s->created_at, 4);
    s->address = entx_col_strdup(st, 5);
    s->phone = entx_col_strdup(st, 6);
    entx_col_copy(st, s->changed_at, sizeof s->changed_at, 7);
    s->changed_by = entx_col_strdup(st, 8);
    sqlite3_reset(st);
    *out = s;
    return ENT_OK;
}

void ent_store_free(ent_store *store)
{
    if (store == NULL)
        return;
    free(store->name);
    free(store->address);
    free(store->phone);
    free(store->changed_by);
    free(store);
}

/* A telephone number as people write it: digits with spaces, + - ( ). */
static int check_phone(ent_db *db, const char *phone)
{
    size_t n = strlen(phone);
    if (n > 32)
        return entx_fail(db, ENT_INVALID, "store phone is too long: %zu characters, at most 32", n);
    if (strspn(phone, "0123456789 +-()") != n || strpbrk(phone, "0123456789") == NULL)
        return entx_fail(db, ENT_INVALID,
                        "store phone '%s' is not a telephone number (digits, spaces and + - ( ) "
                        "only)",
                        phone);
    return ENT_OK;
}

static int check_changes(ent_db *db, const ent_store_changes *c, const char *user)
{
    int rc;
    if (c == NULL || (c->name == NULL && c->address == NULL && c->phone == NULL))
        return entx_fail(db, ENT_INVALID, "nothing to change: give the store a new name, address or phone");
    if ((rc = entx_check_text(db, "user", user, 64, true)) != ENT_OK)
        return rc;
    if (c->name && (rc = entx_check_text(db, "store name", c->name, 200, true)) != ENT_OK)
        return rc;
    if (c->address && (rc = entx_check_text(db, "store address", c->address, 300, false)) != ENT_OK)
        return rc;
    /* Validated as text first, so that the message never quotes broken UTF-8. */
    if (c->phone && (rc = entx_check_text(db, "store phone", c->phone, 128, false)) != ENT_OK)
        return rc;
    if (c->phone && *c->phone && (rc = check_phone(db, c->phone)) != ENT_OK)
        return rc;
    return ENT_OK;
}

/* Sets one detail when it differs, and records the change. */
static int change_one(ent_db *db, const char *field, const char *value, const char *user, const char *now)
{
    static const char *const reads[] = {"SELECT name FROM store WHERE id = 1", "SELECT address FROM store WHERE id = 1",
                                        "SELECT phone FROM store WHERE id = 1"};
    static const char *const writes[] = {"UPDATE store SET name = ? WHERE id = 1",
                                         "UPDATE store SET address = ? WHERE id = 1",
                                         "UPDATE store SET phone = ? WHERE id = 1"};
    int k = strcmp(field, "name") == 0 ? 0 : strcmp(field, "address") == 0 ? 1 : 2;
    char *old = NULL;
    int rc = ENT_OK;
    sqlite3_stmt *st = entx_stmt(db, reads[k]);
    if (st == NULL)
        return db->code;
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return entx_fail_hint(db, ENT_NOTFOUND, ENT_HINT_CREATE_STORE, "this database has no store yet");
    }
    old = entx_col_strdup(st, 0);
    sqlite3_reset(st);
    const char *now_value = value && *value ? value : NULL;
    if ((old == NULL && now_value == NULL) || (old && now_value && strcmp(old, now_value) == 0))
        goto done; /* unchanged: nothing to record */
    if ((st = entx_stmt(db, writes[k])) == NULL) {
        rc = db->code;
        goto done;
    }
    entx_bind_text_or_null(st, 1, now_value);
    if ((rc = entx_exec_stmt(db, st)) != ENT_OK)
        goto done;
    st = entx_stmt(db, "INSERT INTO store_change(at, user, field, old_value, new_value) VALUES (?, ?, ?, ?, ?)");
    if (st == NULL) {
        rc = db->code;
        goto done;
    }
    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, field, -1, SQLITE_STATIC);
    entx_bind_text_or_null(st, 4, old);
    entx_bind_text_or_null(st, 5, now_value);
    rc = entx_exec_stmt(db, st);
done:
    free(old);
    return rc;
}

int ent_store_edit(ent_db *db, const ent_store_changes *changes, const char *user)
{
    char now[ENT_TIME_SIZE];
    int rc;
    entx_ok(db);
    if ((rc = check_changes(db, changes, user)) != ENT_OK)
        return rc;
    entx_now_utc(now);
    if ((rc = entx_tx_begin(db)) != ENT_OK)
        return rc;
    if (changes->name)
        rc = change_one(db, "name", changes->name, user, now);
    if (rc == ENT_OK && changes->address)
        rc = change_one(db, "address", changes->address, user, now);
    if (rc == ENT_OK && changes->phone)
        rc = change_one(db, "phone", changes->phone, user, now);
    return entx_tx_end(db, rc);
}


/* Whether path is the database's file or one of SQLite's files beside it. */
static bool is_own_file(ent_db *db, const char *path)
{
    static const char *const tails[] = {"", "-wal", "-shm", "-journal"};
    const char *main_file = sqlite3_db_filename(db->sql, "main");
    struct stat a, b;
    char p[PATH_MAX + 16];
    if (main_file == NULL || *main_file == '\0' || stat(path, &a) != 0)
        return false;
    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
        snprintf(p, sizeof p, "%s%s", main_file, tails[i]);
        if (stat(p, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
            return true;
    }
    return false;
}

/* Refuses what cannot be a backup's file, before anything is written. */
static int backup_target(ent_db *db, const char *path, const char *shown, int flags)
{
    struct stat st;
    if (path == NULL || *path == '\0')
        return entx_fail(db, ENT_INVALID, "no backup file given");
    if (path[0] == ':' || strncmp(path, "file:", 5) == 0)
        return entx_fail(db, ENT_INVALID, "'%s' is not a file name: a backup goes to a file on disk", shown);
    if (is_own_file(db, path))
        return entx_fail(db, ENT_INVALID, "%s is this database's own file: a backup goes to another file", shown);
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return entx_fail(db, ENT_INVALID, "%s is a folder: give the backup's file name", shown);
        if (!(flags & ENT_BACKUP_REPLACE))
            return entx_fail(db, ENT_EXISTS, "%s already exists: choose a new file name, or replace it on purpose",
                            shown);
        if (!S_ISREG(st.st_mode))
            return entx_fail(db, ENT_INVALID, "%s is not a regular file: a backup goes to a file", shown);
    } else if (errno != ENOENT) {
        return entx_fail(db, ENT_ERROR, "%s: %s", shown, strerror(errno));
    }
    return ENT_OK;
}

/* Copies db into the open file dest (a consistent snapshot: one step of all
 * pages under a read transaction). */
static int copy_into(ent_db *db, const char *tmp, const char *shown)
{
    sqlite3 *dest = NULL;
    int rc = ENT_OK;
    if (sqlite3_open_v2(tmp, &dest, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        rc = entx_fail(db, ENT_ERROR, "%s: %s", shown, sqlite3_errmsg(dest));
        goto done;
    }
    sqlite3_backup *bk = sqlite3_backup_init(dest, "main", db->sql, "main");
    if (bk == NULL) {
        rc = entx_fail(db, ENT_ERROR, "%s: %s", shown, sqlite3_errmsg(dest));
        goto done;
    }
    int sc = sqlite3_backup_step(bk, -1);
    sqlite3_backup_finish(bk);
    if (sc != SQLITE_DONE)
        rc = entx_fail(db, ENT_ERROR, "%s: backup failed: %s", shown, sqlite3_errstr(sc));
done:
    sqlite3_close(dest);
    return rc;
}

int ent_db_backup_to(ent_db *db, const char *path, int flags)
{
    char *tmp = NULL, shown[256];
    int fd = -1, rc;
    entx_ok(db);
    short_path(shown, path ? path : "");
    if ((rc = backup_target(db, path, shown, flags)) != ENT_OK)
        return rc;
    /* Built beside its name and moved there whole: a failed backup leaves
     * whatever was at path, and never a partial copy. */
    size_t len = strlen(path) + 16;
    if ((tmp = malloc(len)) == NULL)
        return entx_fail(db, ENT_ERROR, "out of memory");
    snprintf(tmp, len, "%s.XXXXXX", path);
    fd = mkstemp(tmp);
    if (fd < 0) {
        rc = errno == ENOENT ? entx_fail(db, ENT_INVALID, "%s: the folder does not exist", shown)
                             : entx_fail(db, ENT_ERROR, "%s: %s", shown, strerror(errno));
        free(tmp);
        return rc;
    }
    close(fd);
    rc = copy_into(db, tmp, shown);
    if (rc == ENT_OK && (flags & ENT_BACKUP_REPLACE) && rename(tmp, path) != 0)
        rc = entx_fail(db, ENT_ERROR, "%s: %s", shown, strerror(errno));
    if (rc == ENT_OK && !(flags & ENT_BACKUP_REPLACE)) {
        if (link(tmp, path) != 0)
            rc = errno == EEXIST
                     ? entx_fail(db, ENT_EXISTS, "%s appeared during the backup: it was left as it is", shown)
                     : entx_fail(db, ENT_ERROR, "%s: %s", shown, strerror(errno));
    }
    /* Only the files this call made: the temporary copy and its journal. */
    if (rc != ENT_OK || !(flags & ENT_BACKUP_REPLACE))
        unlink(tmp);
    char journal[PATH_MAX + 16];
    snprintf(journal, sizeof journal, "%s-journal", tmp);
    unlink(journal);
    free(tmp);
    return rc;
}

int ent_db_backup(ent_db *db, const char *path)
{
    return ent_db_backup_to(db, path, 0);
}
